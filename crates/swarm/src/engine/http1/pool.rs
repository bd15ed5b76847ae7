//! The keep-alive connections of one user.

use super::Connection;

/// One user's idle keep-alive connections, at most one per origin (host and port), because a
/// user sends one request at a time. A short list beats a map here, because most users talk to
/// one or two hosts. Dropping it closes the connections.
#[derive(Debug, Default)]
pub struct Connections {
    idle: Vec<Connection>,
}

impl Connections {
    /// Takes the idle connection to `host:port` (over TLS or not) out of the list, if there
    /// is one.
    pub fn take(&mut self, host: &str, port: u16, tls: bool) -> Option<Connection> {
        let position = self
            .idle
            .iter()
            .position(|connection| connection.is_to(host, port, tls))?;
        Some(self.idle.swap_remove(position))
    }

    /// Keeps `connection` for the next request to its origin.
    pub fn put(&mut self, connection: Connection) {
        self.idle.push(connection);
    }
}
