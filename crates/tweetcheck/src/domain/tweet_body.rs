//! The rules a tweet's body must follow.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;
use unicode_normalization::{is_nfc, UnicodeNormalization};

/// The maximum number of characters the database column accepts.
pub const MAX_CHARACTERS: usize = 250;

/// The maximum length of a tweet, counted the way Twitter counted in 2014.
pub const MAX_TWEET_LENGTH: usize = 140;

/// The length Twitter's link shortener gave every `http://` URL longer than this.
const SHORT_URL_LENGTH: usize = 22;
/// The same for `https://` URLs.
const SHORT_URL_LENGTH_HTTPS: usize = 23;

/// Checks a (trimmed, non-blank) body and returns the validation messages, in Django REST
/// Framework's order: the tweet length first, then the column's maximum.
pub fn validate(body: &str) -> Vec<String> {
    let mut messages = Vec::new();
    if tweet_length(body) > MAX_TWEET_LENGTH {
        messages.push("Tweet body is too long".to_owned());
    }
    if body.chars().count() > MAX_CHARACTERS {
        messages.push(format!(
            "Ensure this field has no more than {MAX_CHARACTERS} characters."
        ));
    }
    messages
}

/// Counts `body` as Twitter did in 2014: the code points of its NFC normalization, so `e`
/// followed by a combining accent counts as the one character `é`. A URL longer than the
/// shortened length (22 for `http://`, 23 for `https://`) counts as that length.
///
/// Source: "Counting Characters", dev.twitter.com/docs/counting-characters, as archived on
/// 2014-07-14 (web.archive.org).
pub fn tweet_length(body: &str) -> usize {
    static URL: OnceLock<Regex> = OnceLock::new();
    let url = URL.get_or_init(|| Regex::new(r"(?i)\bhttps?://\S+").expect("a valid URL regex"));

    let body: Cow<str> = if is_nfc(body) {
        Cow::Borrowed(body)
    } else {
        Cow::Owned(body.nfc().collect())
    };
    let mut length = body.chars().count();
    for found in url.find_iter(&body) {
        let text = found.as_str();
        let characters = text.chars().count();
        let shortened = if text[..5].eq_ignore_ascii_case("https") {
            SHORT_URL_LENGTH_HTTPS
        } else {
            SHORT_URL_LENGTH
        };
        if characters > shortened {
            length -= characters - shortened;
        }
    }
    length
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tweet_length_counts_plain_characters() {
        assert_eq!(tweet_length("héllo"), 5);
        assert_eq!(tweet_length(&"x".repeat(141)), 141);
    }

    #[test]
    fn tweet_length_counts_nfc_code_points() {
        let decomposed = "e\u{301}".repeat(100);

        assert_eq!(tweet_length(&decomposed), 100);
        assert_eq!(tweet_length("caf\u{e9}"), 4);
        assert_eq!(tweet_length("cafe\u{301}"), 4);
    }

    #[test]
    fn tweet_length_shortens_long_urls() {
        let https = format!("https://example.com/{}", "a".repeat(80));
        let http = format!("http://example.com/{}", "a".repeat(80));

        assert_eq!(tweet_length(&https), 23);
        assert_eq!(tweet_length(&http), 22);
        assert_eq!(tweet_length(&format!("see {https} now")), 4 + 23 + 4);
    }

    #[test]
    fn tweet_length_keeps_short_urls() {
        assert_eq!(tweet_length("http://a.io"), 11);
    }

    #[test]
    fn validate_reports_both_limits_in_order() {
        let messages = validate(&"y".repeat(260));

        assert_eq!(
            messages,
            [
                "Tweet body is too long",
                "Ensure this field has no more than 250 characters."
            ]
        );
    }

    #[test]
    fn validate_accepts_long_url_tweet() {
        let body = format!("https://example.com/{} {}", "a".repeat(80), "b".repeat(110));

        assert!(validate(&body).is_empty());
    }
}
