//! The open-file limit (`RLIMIT_NOFILE`): each user keeps its own connections open, so a large
//! run can hit the soft limit, which is often 1,024. Locust raises it to 10,000 at start.

/// Raises the soft open-file limit to the hard limit and warns when `users` may need more.
///
/// On systems without `RLIMIT_NOFILE` this does nothing.
pub fn raise_open_file_limit(users: usize) {
    #[cfg(unix)]
    {
        let limit = match unix::raise_to_hard_limit() {
            Ok(limit) => limit,
            Err(error) => {
                tracing::warn!("Cannot raise the open-file limit: {error}");
                return;
            }
        };
        let needed = (users as libc::rlim_t).saturating_add(unix::RESERVED_FILES);
        if needed > limit {
            tracing::warn!(
                "{users} users may need more open files than the limit of {limit}: \
                 raise the hard limit (ulimit -Hn as root, or LimitNOFILE in systemd) or run fewer users"
            );
        }
    }
    #[cfg(not(unix))]
    let _ = users;
}

/// Returns the soft open-file limit in force, or `None` when it is unlimited or unknown.
pub fn soft_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        unix::soft_limit()
    }
    #[cfg(not(unix))]
    None
}

#[cfg(unix)]
mod unix {
    use std::io;

    /// Files and sockets a run needs besides the users' connections: the web UI's listener
    /// and its clients, the CSV and HTML reports, the swarmfile and data files. An estimate.
    pub const RESERVED_FILES: libc::rlim_t = 100;

    /// Maximum soft limit tried when the hard limit is unlimited, which Linux does not accept
    /// as a soft limit for open files. It is Linux's default `fs.nr_open`.
    const UNLIMITED_FALLBACK: libc::rlim_t = 1_048_576;

    pub fn soft_limit() -> Option<u64> {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `limit` is a valid, writable `rlimit` for the call to fill.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
            return None;
        }
        // `rlim_t` is `u64` on Linux but not on every Unix.
        #[allow(clippy::unnecessary_cast)]
        let soft = limit.rlim_cur as u64;
        (limit.rlim_cur != libc::RLIM_INFINITY).then_some(soft)
    }

    /// Sets the soft limit to the hard limit and returns the soft limit now in force.
    pub fn raise_to_hard_limit() -> io::Result<libc::rlim_t> {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `limit` is a valid, writable `rlimit` for the call to fill.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
            return Err(io::Error::last_os_error());
        }
        let before = limit.rlim_cur;
        let target = if limit.rlim_max == libc::RLIM_INFINITY {
            UNLIMITED_FALLBACK
        } else {
            limit.rlim_max
        };
        if before != libc::RLIM_INFINITY && before < target {
            let raised = libc::rlimit {
                rlim_cur: target,
                rlim_max: limit.rlim_max,
            };
            // SAFETY: `raised` is a valid `rlimit` that the call only reads.
            if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } != 0 {
                return Err(io::Error::last_os_error());
            }
            tracing::info!("Raised the open-file limit from {before} to {target}");
            return Ok(target);
        }
        Ok(before)
    }
}
