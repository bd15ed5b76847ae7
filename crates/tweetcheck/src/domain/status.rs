//! A tweet's status.

use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TweetStatus {
    Pending,
    Posted,
    Rejected,
    Scheduled,
}

impl TweetStatus {
    pub const ALL: [TweetStatus; 4] = [
        TweetStatus::Pending,
        TweetStatus::Posted,
        TweetStatus::Rejected,
        TweetStatus::Scheduled,
    ];

    /// Returns the number stored in the database and shown in the API.
    pub fn code(self) -> i64 {
        match self {
            TweetStatus::Pending => 0,
            TweetStatus::Posted => 1,
            TweetStatus::Rejected => -1,
            TweetStatus::Scheduled => 3,
        }
    }

    /// Returns the label that OPTIONS shows for the status.
    pub fn label(self) -> &'static str {
        match self {
            TweetStatus::Pending => "pending",
            TweetStatus::Posted => "posted",
            TweetStatus::Rejected => "rejected",
            TweetStatus::Scheduled => "scheduled",
        }
    }

    pub fn from_code(code: i64) -> Option<TweetStatus> {
        TweetStatus::ALL
            .into_iter()
            .find(|status| status.code() == code)
    }

    /// Parses the text of a choice, as Django REST Framework compares choices: `"1"` and `1`
    /// are the same choice, `"1.0"` and `true` are not.
    pub fn parse_text(text: &str) -> Option<TweetStatus> {
        TweetStatus::ALL
            .into_iter()
            .find(|status| status.code().to_string() == text)
    }

    /// Parses a field value from a JSON or form body. Returns the text to show in the error
    /// message when the value is no valid choice.
    pub fn parse_value(value: &Value) -> Result<TweetStatus, String> {
        let text = match value {
            Value::String(text) => text.clone(),
            Value::Number(number) => number.to_string(),
            Value::Bool(true) => "True".to_owned(),
            Value::Bool(false) => "False".to_owned(),
            other => other.to_string(),
        };
        TweetStatus::parse_text(&text).ok_or(text)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parse_value_accepts_numbers_and_text() {
        assert_eq!(TweetStatus::parse_value(&json!(1)), Ok(TweetStatus::Posted));
        assert_eq!(
            TweetStatus::parse_value(&json!("-1")),
            Ok(TweetStatus::Rejected)
        );
        assert_eq!(
            TweetStatus::parse_value(&json!("3")),
            Ok(TweetStatus::Scheduled)
        );
    }

    #[test]
    fn parse_value_rejects_other_values() {
        assert_eq!(TweetStatus::parse_value(&json!("7")), Err("7".to_owned()));
        assert_eq!(TweetStatus::parse_value(&json!(1.0)), Err("1.0".to_owned()));
        assert_eq!(
            TweetStatus::parse_value(&json!(true)),
            Err("True".to_owned())
        );
    }
}
