//! Statements stepped with SQLite's C API on a connection locked out of sqlx, for lists where
//! sqlx's row handling costs more than the query.
//!
//! sqlx copies each column of each row into its own allocations (a duplicated `sqlite3_value`
//! and an `Arc`) before the caller sees it. For a list of 1,000 tweets that meant about 30
//! allocations per row, which took most of the request's CPU time. A [`Statement`] here lends
//! each row's columns in place instead, valid until the next step.
//!
//! The statement runs on the calling (async) thread, not on sqlx's worker thread, so a long
//! list keeps that thread busy for as long as SQLite takes to step it.

use std::ffi::{c_int, CStr};
use std::marker::PhantomData;
use std::ptr::{self, NonNull};
use std::time::Instant;

use libsqlite3_sys as ffi;
use sqlx::sqlite::LockedSqliteHandle;

/// The `tracing` target of the event logged for each statement, like sqlx's `sqlx::query`.
pub const LOG_TARGET: &str = "tweetcheck::db::direct";

/// Errors from preparing, binding or stepping a [`Statement`], or from reading a column.
#[derive(Debug, thiserror::Error)]
pub enum DirectError {
    #[error("failed to lock a database connection for a direct query: {0}")]
    Lock(#[from] sqlx::Error),
    #[error("SQLite failed to {operation} {sql:?}: {message} (result code {code})")]
    Sqlite {
        operation: &'static str,
        sql: &'static str,
        code: c_int,
        message: String,
    },
    #[error("column {column} of {sql:?} has SQLite type {found}, expected {expected}")]
    ColumnType {
        sql: &'static str,
        column: usize,
        expected: &'static str,
        found: &'static str,
    },
    #[error("column {column} of {sql:?} is not valid UTF-8: {source}")]
    Utf8 {
        sql: &'static str,
        column: usize,
        source: std::str::Utf8Error,
    },
}

/// A prepared statement on a locked connection. It is finalized when dropped.
pub struct Statement<'c> {
    raw: NonNull<ffi::sqlite3_stmt>,
    connection: NonNull<ffi::sqlite3>,
    sql: &'static str,
    started: Instant,
    rows: u64,
    /// Ties the statement to the lock, which keeps sqlx's worker thread off the connection.
    _lock: PhantomData<&'c mut ()>,
}

impl<'c> Statement<'c> {
    /// Prepares `sql`, a single statement, on the locked connection.
    pub fn prepare(
        lock: &'c mut LockedSqliteHandle<'_>,
        sql: &'static str,
    ) -> Result<Statement<'c>, DirectError> {
        let connection = lock.as_raw_handle();
        let started = Instant::now();
        let mut raw = ptr::null_mut();
        // SAFETY: the lock keeps every other thread off `connection` for `'c`, `sql` is valid
        // for the length passed (SQL has no interior NUL), and SQLite writes `raw`.
        let code = unsafe {
            ffi::sqlite3_prepare_v2(
                connection.as_ptr(),
                sql.as_ptr().cast(),
                c_int::try_from(sql.len()).unwrap_or(c_int::MAX),
                &mut raw,
                ptr::null_mut(),
            )
        };
        if code != ffi::SQLITE_OK {
            return Err(sqlite_error(connection, "prepare", sql, code));
        }
        let Some(raw) = NonNull::new(raw) else {
            return Err(DirectError::Sqlite {
                operation: "prepare",
                sql,
                code,
                message: String::from("the SQL contains no statement"),
            });
        };
        Ok(Statement {
            raw,
            connection,
            sql,
            started,
            rows: 0,
            _lock: PhantomData,
        })
    }

    /// Binds parameter `index` (1-based, as in `?1`) to an integer or NULL.
    pub fn bind_optional_i64(
        &mut self,
        index: c_int,
        value: Option<i64>,
    ) -> Result<(), DirectError> {
        // SAFETY: `raw` is a live statement of the locked connection.
        let code = unsafe {
            match value {
                Some(value) => ffi::sqlite3_bind_int64(self.raw.as_ptr(), index, value),
                None => ffi::sqlite3_bind_null(self.raw.as_ptr(), index),
            }
        };
        if code != ffi::SQLITE_OK {
            return Err(sqlite_error(self.connection, "bind", self.sql, code));
        }
        Ok(())
    }

    /// Steps to the next row, or returns `None` when the statement is done.
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>, DirectError> {
        // SAFETY: `raw` is a live statement of the locked connection, and the previous row's
        // borrows of its columns ended with the `&mut self` borrow.
        let code = unsafe { ffi::sqlite3_step(self.raw.as_ptr()) };
        match code {
            ffi::SQLITE_ROW => {
                self.rows += 1;
                Ok(Some(Row {
                    raw: self.raw,
                    sql: self.sql,
                    _statement: PhantomData,
                }))
            }
            ffi::SQLITE_DONE => Ok(None),
            code => Err(sqlite_error(self.connection, "step", self.sql, code)),
        }
    }
}

impl Drop for Statement<'_> {
    fn drop(&mut self) {
        // SAFETY: `raw` is live and nothing borrows it any more. Finalizing returns the last
        // step's error, which `next_row` already reported.
        unsafe {
            ffi::sqlite3_finalize(self.raw.as_ptr());
        }
        tracing::debug!(
            target: LOG_TARGET,
            statement = self.sql,
            rows_returned = self.rows,
            elapsed_us = self.started.elapsed().as_micros() as u64,
            "direct query"
        );
    }
}

/// The current row of a [`Statement`]. Its text columns borrow SQLite's buffers, which stay
/// valid until the statement steps again.
pub struct Row<'s> {
    raw: NonNull<ffi::sqlite3_stmt>,
    sql: &'static str,
    _statement: PhantomData<&'s ()>,
}

impl<'s> Row<'s> {
    /// Reads an INTEGER column (0-based).
    pub fn int(&self, column: usize) -> Result<i64, DirectError> {
        self.expect_type(column, ffi::SQLITE_INTEGER, "INTEGER")?;
        // SAFETY: the statement is on a row and `column` exists (checked by `expect_type`).
        Ok(unsafe { ffi::sqlite3_column_int64(self.raw.as_ptr(), column as c_int) })
    }

    /// Reads a TEXT column (0-based) without copying it.
    pub fn text(&self, column: usize) -> Result<&'s str, DirectError> {
        self.expect_type(column, ffi::SQLITE_TEXT, "TEXT")?;
        let index = column as c_int;
        // SAFETY: the statement is on a row and the column's type is TEXT, so SQLite returns its
        // UTF-8 bytes without converting them. They stay valid until the next step, which
        // needs `&mut Statement` and so ends `'s` first. `sqlite3_column_bytes` is called
        // after `sqlite3_column_text`, as SQLite's documentation requires.
        let bytes = unsafe {
            let text = ffi::sqlite3_column_text(self.raw.as_ptr(), index);
            let length = ffi::sqlite3_column_bytes(self.raw.as_ptr(), index);
            if text.is_null() || length <= 0 {
                &[]
            } else {
                std::slice::from_raw_parts(text, length as usize)
            }
        };
        std::str::from_utf8(bytes).map_err(|source| DirectError::Utf8 {
            sql: self.sql,
            column,
            source,
        })
    }

    /// Reads a TEXT column (0-based) that may be NULL.
    pub fn optional_text(&self, column: usize) -> Result<Option<&'s str>, DirectError> {
        if self.column_type(column) == ffi::SQLITE_NULL {
            return Ok(None);
        }
        self.text(column).map(Some)
    }

    fn column_type(&self, column: usize) -> c_int {
        // SAFETY: the statement is on a row. SQLite returns NULL's type for a column that
        // does not exist.
        unsafe { ffi::sqlite3_column_type(self.raw.as_ptr(), column as c_int) }
    }

    fn expect_type(
        &self,
        column: usize,
        expected: c_int,
        expected_name: &'static str,
    ) -> Result<(), DirectError> {
        let found = self.column_type(column);
        if found == expected {
            return Ok(());
        }
        Err(DirectError::ColumnType {
            sql: self.sql,
            column,
            expected: expected_name,
            found: type_name(found),
        })
    }
}

fn type_name(code: c_int) -> &'static str {
    match code {
        ffi::SQLITE_INTEGER => "INTEGER",
        ffi::SQLITE_FLOAT => "REAL",
        ffi::SQLITE_TEXT => "TEXT",
        ffi::SQLITE_BLOB => "BLOB",
        _ => "NULL",
    }
}

fn sqlite_error(
    connection: NonNull<ffi::sqlite3>,
    operation: &'static str,
    sql: &'static str,
    code: c_int,
) -> DirectError {
    // SAFETY: the connection is live and locked. SQLite returns a NUL-terminated message that
    // stays valid until the next call on the connection, and it is copied before then.
    let message = unsafe {
        let text = ffi::sqlite3_errmsg(connection.as_ptr());
        if text.is_null() {
            String::from("no message")
        } else {
            CStr::from_ptr(text).to_string_lossy().into_owned()
        }
    };
    DirectError::Sqlite {
        operation,
        sql,
        code,
        message,
    }
}

#[cfg(test)]
mod tests {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::{ConnectOptions, Connection};

    use super::*;

    async fn memory_connection() -> sqlx::SqliteConnection {
        SqliteConnectOptions::new()
            .in_memory(true)
            .connect()
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn statement_reads_columns_in_place() {
        let mut connection = memory_connection().await;
        let mut lock = connection.lock_handle().await.unwrap();
        let mut statement = Statement::prepare(
            &mut lock,
            "SELECT ?1, 'caf\u{e9} \"x\"', NULL, '' UNION ALL SELECT ?2, 'b', 'c', 'd'",
        )
        .unwrap();
        statement.bind_optional_i64(1, Some(-7)).unwrap();
        statement.bind_optional_i64(2, None).unwrap();

        let first = statement.next_row().unwrap().unwrap();
        assert_eq!(first.int(0).unwrap(), -7);
        assert_eq!(first.text(1).unwrap(), "caf\u{e9} \"x\"");
        assert_eq!(first.optional_text(2).unwrap(), None);
        assert_eq!(first.text(3).unwrap(), "");
        let second = statement.next_row().unwrap().unwrap();
        assert!(matches!(
            second.int(0),
            Err(DirectError::ColumnType { found: "NULL", .. })
        ));
        assert_eq!(second.optional_text(2).unwrap(), Some("c"));
        assert!(statement.next_row().unwrap().is_none());
        drop(statement);
        drop(lock);
        connection.close().await.unwrap();
    }

    #[tokio::test]
    async fn statement_reports_invalid_sql_and_types() {
        let mut connection = memory_connection().await;
        let mut lock = connection.lock_handle().await.unwrap();

        let invalid = Statement::prepare(&mut lock, "SELEC 1").err().unwrap();
        assert!(
            invalid.to_string().contains("failed to prepare"),
            "{invalid}"
        );
        assert!(invalid.to_string().contains("syntax error"), "{invalid}");

        let mut statement = Statement::prepare(&mut lock, "SELECT 1, x'ff'").unwrap();
        let row = statement.next_row().unwrap().unwrap();
        let text = row.text(0).unwrap_err().to_string();
        assert!(
            text.contains("has SQLite type INTEGER, expected TEXT"),
            "{text}"
        );
        let blob = row.text(1).unwrap_err().to_string();
        assert!(blob.contains("has SQLite type BLOB"), "{blob}");
    }
}
