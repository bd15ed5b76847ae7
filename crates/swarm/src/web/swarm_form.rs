//! Parsing of the `POST /swarm` form into [`SwarmSettings`].

use std::collections::HashMap;

use crate::timespan::{invalid_timespan_message, is_valid_spawn_rate, parse_timespan};

use super::control::SwarmSettings;

/// Reason a `POST /swarm` form was rejected. The page shows the message to the user as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SwarmFormError {
    #[error("Missing user_count or spawn_rate from /swarm request")]
    Missing,
    #[error("invalid user_count {0:?}: expected a whole number of users, such as 10")]
    UserCount(String),
    #[error(
        "invalid spawn_rate {0:?}: expected a positive number of users per second, such as 2.5"
    )]
    SpawnRate(String),
    #[error(
        "invalid host {0:?}: expected an http:// or https:// URL, such as http://127.0.0.1:8000"
    )]
    Host(String),
    /// The message, worded as the command line's `-t` error.
    #[error("{0}")]
    RunTime(String),
}

/// Parses the form fields `user_count`, `spawn_rate`, `host` and `run_time`.
///
/// An empty or missing `host` keeps `current_host`, so the edit form (which has no host field)
/// changes only the users and the spawn rate. An empty `run_time` means no time limit.
pub fn parse_swarm_form(
    fields: &HashMap<String, String>,
    current_host: &str,
) -> Result<SwarmSettings, SwarmFormError> {
    let field = |name: &str| fields.get(name).map(|value| value.trim()).unwrap_or("");

    let (user_count, spawn_rate) = match (field("user_count"), field("spawn_rate")) {
        ("", _) | (_, "") => return Err(SwarmFormError::Missing),
        pair => pair,
    };
    // NOTE: as in Locust, the user count has no upper limit, so a typo such as 2500000 spawns
    // users until the machine runs out of memory or ports.
    let user_count: u64 = user_count
        .parse()
        .map_err(|_| SwarmFormError::UserCount(user_count.to_owned()))?;
    // The same rule as the -r flag and the swarmfile's spawn_rate.
    let spawn_rate = match spawn_rate.parse::<f64>() {
        Ok(rate) if is_valid_spawn_rate(rate) => rate,
        _ => return Err(SwarmFormError::SpawnRate(spawn_rate.to_owned())),
    };

    // Locust strips angle brackets from the host so that it cannot inject markup.
    let host: String = field("host")
        .chars()
        .filter(|c| !matches!(c, '<' | '>'))
        .collect();
    let host = if host.is_empty() {
        current_host.to_owned()
    } else {
        host
    };
    if !is_http_url(&host) {
        return Err(SwarmFormError::Host(host));
    }

    let run_time = match field("run_time") {
        "" => None,
        text => Some(
            parse_timespan(text)
                .map_err(|_| SwarmFormError::RunTime(invalid_timespan_message("run_time", text)))?,
        ),
    };

    Ok(SwarmSettings {
        user_count,
        spawn_rate,
        host,
        run_time,
    })
}

fn is_http_url(text: &str) -> bool {
    match url::Url::parse(text) {
        Ok(url) => matches!(url.scheme(), "http" | "https") && url.host().is_some(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect()
    }

    #[test]
    fn form_keeps_current_host_when_empty() {
        let settings = parse_swarm_form(
            &form(&[("user_count", "5"), ("spawn_rate", "2"), ("host", "")]),
            "http://127.0.0.1:8000",
        )
        .unwrap();
        assert_eq!(settings.host, "http://127.0.0.1:8000");
        assert_eq!(settings.user_count, 5);
        assert_eq!(settings.spawn_rate, 2.0);
        assert_eq!(settings.run_time, None);
    }

    #[test]
    fn form_rejects_each_bad_field() {
        let host = "http://127.0.0.1:8000";
        let cases = [
            (vec![("spawn_rate", "1")], SwarmFormError::Missing),
            (
                vec![("user_count", "ten"), ("spawn_rate", "1")],
                SwarmFormError::UserCount("ten".into()),
            ),
            (
                vec![("user_count", "10"), ("spawn_rate", "0")],
                SwarmFormError::SpawnRate("0".into()),
            ),
            (
                vec![("user_count", "10"), ("spawn_rate", "NaN")],
                SwarmFormError::SpawnRate("NaN".into()),
            ),
            (
                vec![("user_count", "10"), ("spawn_rate", "1e-300")],
                SwarmFormError::SpawnRate("1e-300".into()),
            ),
            (
                vec![
                    ("user_count", "10"),
                    ("spawn_rate", "1"),
                    ("host", "ftp://x"),
                ],
                SwarmFormError::Host("ftp://x".into()),
            ),
            (
                vec![
                    ("user_count", "10"),
                    ("spawn_rate", "1"),
                    ("run_time", "soon"),
                ],
                SwarmFormError::RunTime(
                    "invalid run_time `soon`: expected seconds or a span like 20s, 3m, 2h, \
                     1h20m or 3h30m10s"
                        .into(),
                ),
            ),
        ];
        for (pairs, expected) in cases {
            assert_eq!(parse_swarm_form(&form(&pairs), host), Err(expected));
        }
    }

    #[test]
    fn form_strips_angle_brackets_from_host() {
        let settings = parse_swarm_form(
            &form(&[
                ("user_count", "1"),
                ("spawn_rate", "1"),
                ("host", "http://127.0.0.1:9/<b>"),
                ("run_time", "1m"),
            ]),
            "",
        )
        .unwrap();
        assert_eq!(settings.host, "http://127.0.0.1:9/b");
        assert_eq!(settings.run_time, Some(Duration::from_secs(60)));
    }
}
