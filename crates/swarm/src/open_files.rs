//! The open-file limit (`RLIMIT_NOFILE`): each user keeps its own connections open, so a large
//! run can hit the soft limit, which is often 1,024. Locust raises it to 10,000 at start.

/// Raises the soft open-file limit to the hard limit.
///
/// On systems without `RLIMIT_NOFILE` this does nothing.
pub fn raise_open_file_limit() {
    #[cfg(unix)]
    if let Err(error) = unix::raise_to_hard_limit() {
        tracing::warn!("Cannot raise the open-file limit: {error}");
    }
}

/// Returns a warning when `users` may need more open files than the soft limit in force, or
/// `None` when they fit or the limit is unlimited or unknown.
pub fn limit_warning(users: usize) -> Option<String> {
    let limit = soft_limit()?;
    let needed = (users as u64).saturating_add(RESERVED_FILES);
    (needed > limit).then(|| {
        format!(
            "{users} users may need more open files than the limit of {limit}: \
             raise the hard limit (ulimit -Hn as root, or LimitNOFILE in systemd) or run fewer users. \
             Requests beyond the limit fail with \"Too many open files\""
        )
    })
}

/// Files and sockets a run needs besides the users' connections: the web UI's listener and its
/// clients, the CSV and HTML reports, the swarmfile and data files. An estimate.
const RESERVED_FILES: u64 = 100;

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

    /// Maximum soft limit tried when the hard limit is unlimited, which Linux does not accept
    /// as a soft limit for open files. It is Linux's default `fs.nr_open`.
    const UNLIMITED_FALLBACK: libc::rlim_t = 1_048_576;

    fn read_limit() -> io::Result<libc::rlimit> {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `limit` is a valid, writable `rlimit` for the call to fill.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(limit)
    }

    pub fn soft_limit() -> Option<u64> {
        let limit = read_limit().ok()?;
        // `rlim_t` is `u64` on Linux but not on every Unix.
        #[allow(clippy::unnecessary_cast)]
        let soft = limit.rlim_cur as u64;
        (limit.rlim_cur != libc::RLIM_INFINITY).then_some(soft)
    }

    /// Sets the soft limit to the hard limit.
    pub fn raise_to_hard_limit() -> io::Result<()> {
        let limit = read_limit()?;
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
        }
        Ok(())
    }
}
