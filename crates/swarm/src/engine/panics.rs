//! Catching a panic in a user's task, so the run reports it and goes on with the other users.

use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures::FutureExt as _;

use super::user::UserEnv;

/// Runs `user`, user number `index` of `env`'s class. A panic ends only this user and is
/// logged and recorded as an exception at `source`, so the reports and the exit code show it.
pub async fn guard_user(env: &UserEnv, index: usize, source: &str, user: impl Future<Output = ()>) {
    let Some(message) = catch_panic(user).await else {
        return;
    };
    tracing::error!(
        "User {index} of class {} stopped after a panic: {message}",
        env.class.name
    );
    env.record_exception(format!("user stopped after a panic: {message}"), source);
}

/// Runs `future` and returns the panic's message if it panicked.
async fn catch_panic(future: impl Future<Output = ()>) -> Option<String> {
    let panic = AssertUnwindSafe(future).catch_unwind().await.err()?;
    let message = panic
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown cause".to_owned());
    Some(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn panic_message_is_returned() {
        let formatted = catch_panic(async { panic!("row {} is missing", 7) }).await;
        let literal = catch_panic(async { panic!("plain text") }).await;
        let other = catch_panic(async { std::panic::panic_any(42_u8) }).await;
        let finished = catch_panic(async {}).await;

        assert_eq!(formatted.as_deref(), Some("row 7 is missing"));
        assert_eq!(literal.as_deref(), Some("plain text"));
        assert_eq!(other.as_deref(), Some("unknown cause"));
        assert_eq!(finished, None);
    }
}
