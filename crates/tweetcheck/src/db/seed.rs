//! The initial data: one organization, three users and one handle.

use sqlx::SqlitePool;

use crate::auth::password;
use crate::db::time;

/// The organization that the seeded users and handle belong to.
pub const ORGANIZATION: &str = "Test Org";

struct SeedUser {
    email: &'static str,
    password: &'static str,
    is_admin: bool,
    is_approver: bool,
    in_organization: bool,
}

/// The admin login that `tweetcheck serve` prints on start.
pub const ADMIN_EMAIL: &str = "admin@tweetcheck.com";
pub const ADMIN_PASSWORD: &str = "admin";

const USERS: [SeedUser; 3] = [
    SeedUser {
        email: ADMIN_EMAIL,
        password: ADMIN_PASSWORD,
        is_admin: true,
        is_approver: true,
        in_organization: true,
    },
    // Posts the scheduled tweets in the original, so it belongs to no organization.
    SeedUser {
        email: "scheduler@tweetcheck.com",
        password: "scheduler",
        is_admin: true,
        is_approver: true,
        in_organization: false,
    },
    SeedUser {
        email: "nonapprover@tweetcheck.com",
        password: "nonapprover",
        is_admin: false,
        is_approver: false,
        in_organization: true,
    },
];

/// Inserts the seed data that is absent, keeping rows that exist (and any changes made to them).
pub async fn seed(writer: &SqlitePool) -> anyhow::Result<()> {
    sqlx::query("INSERT OR IGNORE INTO organizations (id, name) VALUES (1, ?)")
        .bind(ORGANIZATION)
        .execute(writer)
        .await?;
    let (organization_id,): (i64,) = sqlx::query_as("SELECT id FROM organizations WHERE name = ?")
        .bind(ORGANIZATION)
        .fetch_one(writer)
        .await?;

    for user in &USERS {
        let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE email = ?")
            .bind(user.email)
            .fetch_optional(writer)
            .await?;
        if exists.is_some() {
            continue;
        }

        let hash = password::hash(user.password.to_owned()).await?;
        sqlx::query(
            "INSERT INTO users (email, password_hash, is_admin, is_approver, is_active, \
             organization_id, created) VALUES (?, ?, ?, ?, 1, ?, ?)",
        )
        .bind(user.email)
        .bind(hash)
        .bind(user.is_admin)
        .bind(user.is_approver)
        .bind(user.in_organization.then_some(organization_id))
        .bind(time::now())
        .execute(writer)
        .await?;
    }

    sqlx::query(
        "INSERT OR IGNORE INTO handles \
         (id, organization_id, screen_name, name, user_id, profile_image_url) \
         VALUES (1, ?, 'tweetcheck', 'tweetcheck', 2742041292, \
         'https://pbs.twimg.com/profile_images/0/tweetcheck_normal.png')",
    )
    .bind(organization_id)
    .execute(writer)
    .await?;

    Ok(())
}
