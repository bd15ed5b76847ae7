//! The navigation bar that every page shares: the logged-in user and the login or logout link.

use axum::http::HeaderMap;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

use crate::auth::session::{self, Session};
use crate::db::Db;

/// The contents of the navigation bar.
#[derive(Clone, Debug, Default)]
pub struct Nav {
    /// The e-mail address of the session's user, when the browser is logged in.
    pub user: Option<String>,
    /// The session's CSRF token, which every form on the page posts back. Empty without a
    /// session.
    pub csrf_token: String,
    /// The path to return to after logging in or out.
    pub next: String,
    /// `next`, percent-encoded for a query string.
    pub next_encoded: String,
}

impl Nav {
    /// Builds the bar for a page at `next`, for the session `session` (if any).
    pub fn new(session: Option<&Session>, next: &str) -> Nav {
        Nav {
            user: session.map(|session| session.user.email.clone()),
            csrf_token: session
                .map(|session| session.csrf_token.clone())
                .unwrap_or_default(),
            next: next.to_owned(),
            next_encoded: utf8_percent_encode(next, NON_ALPHANUMERIC).to_string(),
        }
    }

    /// Looks up the request's session and builds the bar for it. A failed lookup is logged
    /// and shown as logged out, because the bar alone is no reason to fail the page.
    pub async fn for_request(db: &Db, headers: &HeaderMap, next: &str) -> Nav {
        match session::from_headers(&db.reader, headers).await {
            Ok(session) => Nav::new(session.as_ref(), next),
            Err(error) => {
                tracing::error!(%error, "failed to look up the session for the navigation bar");
                Nav::new(None, next)
            }
        }
    }
}
