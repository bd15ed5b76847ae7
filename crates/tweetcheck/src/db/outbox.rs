//! E-mails, which are stored in the outbox table and logged instead of being sent.

use sqlx::SqliteConnection;

use super::time;

/// Stores an e-mail in the outbox and logs it.
///
/// NOTE: the log line includes the body, so activation links appear in the log. That is how
/// workshop attendees without a mail server activate accounts.
pub async fn send(
    connection: &mut SqliteConnection,
    recipient: &str,
    subject: &str,
    body: &str,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO outbox (recipient, subject, body, created) VALUES (?, ?, ?, ?)")
        .bind(recipient)
        .bind(subject)
        .bind(body)
        .bind(time::now())
        .execute(connection)
        .await?;
    tracing::info!(%recipient, %subject, %body, "e-mail stored in the outbox, not sent");
    Ok(())
}
