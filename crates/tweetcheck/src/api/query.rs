//! Query string parameters.

/// Returns the last value of parameter `name` in `query`, as Django's `QueryDict.get` does.
pub fn param(query: Option<&str>, name: &str) -> Option<String> {
    let query = query?;
    url::form_urlencoded::parse(query.as_bytes())
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
        .last()
}

/// Rebuilds `query` without parameter `name`, then with `name=value` appended when `value` is
/// given. Returns the query without the leading `?`.
pub fn replace(query: Option<&str>, name: &str, value: Option<&str>) -> String {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    if let Some(query) = query {
        for (key, existing) in url::form_urlencoded::parse(query.as_bytes()) {
            if key != name {
                serializer.append_pair(&key, &existing);
            }
        }
    }
    if let Some(value) = value {
        serializer.append_pair(name, value);
    }
    serializer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn param_returns_last_value() {
        assert_eq!(param(Some("a=1&a=2"), "a"), Some("2".to_owned()));
        assert_eq!(param(Some("a=1"), "b"), None);
        assert_eq!(param(None, "a"), None);
    }

    #[test]
    fn replace_keeps_other_parameters() {
        assert_eq!(
            replace(Some("tweet=3&page=2"), "page", Some("3")),
            "tweet=3&page=3"
        );
        assert_eq!(replace(Some("page=2"), "page", None), "");
    }
}
