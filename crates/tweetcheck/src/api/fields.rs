//! Typed values from the fields of a request body, with Django REST Framework's messages.

use serde_json::Value;

use super::{FieldErrors, Fields};

/// Reads a required, non-blank string field, recording Django REST Framework's message when it
/// is missing or blank. Numbers and booleans in JSON are taken as their text.
pub fn required_string(fields: &Fields, name: &str, errors: &mut FieldErrors) -> Option<String> {
    if !fields.contains(name) {
        errors.add(name, "This field is required.");
        return None;
    }
    optional_string(fields, name, errors)
}

/// Reads a string field that may be absent (`None` then), recording an error when it is
/// present but null, blank or not text.
pub fn optional_string(fields: &Fields, name: &str, errors: &mut FieldErrors) -> Option<String> {
    let text = match fields.get(name)? {
        Value::Null => {
            errors.add(name, "This field may not be null.");
            return None;
        }
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => python_bool(*flag).to_owned(),
        Value::Array(_) | Value::Object(_) => {
            errors.add(name, "Not a valid string.");
            return None;
        }
    };
    if text.trim().is_empty() {
        errors.add(name, "This field may not be blank.");
        return None;
    }
    Some(text)
}

fn python_bool(flag: bool) -> &'static str {
    if flag {
        "True"
    } else {
        "False"
    }
}

/// Returns the Python type name that Django REST Framework shows for a value of the wrong
/// type.
pub fn python_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(number) if number.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// Parses a primary key given as a JSON integer or as digits in text.
pub fn parse_pk(value: &Value) -> Result<i64, String> {
    let wrong_type = || {
        format!(
            "Incorrect type. Expected pk value, received {}.",
            python_type_name(value)
        )
    };
    match value {
        Value::Null => Err("This field may not be null.".to_owned()),
        Value::Number(number) => number.as_i64().ok_or_else(wrong_type),
        Value::String(text) => text.trim().parse::<i64>().map_err(|_| wrong_type()),
        _ => Err(wrong_type()),
    }
}

/// Reads a primary key field that may be absent, recording an error when it is invalid.
pub fn optional_pk(fields: &Fields, name: &str, errors: &mut FieldErrors) -> Option<i64> {
    let value = fields.get(name)?;
    match parse_pk(value) {
        Ok(pk) => Some(pk),
        Err(message) => {
            errors.add(name, message);
            None
        }
    }
}

/// Parses a boolean as Django REST Framework's `BooleanField` does: JSON booleans, the numbers
/// 1 and 0, and texts such as `true`, `False`, `1`, `on` or `no` in any case.
pub fn parse_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(flag) => Some(*flag),
        Value::Number(number) => match number.as_i64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        Value::String(text) => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" | "t" | "y" => Some(true),
            "false" | "0" | "no" | "off" | "f" | "n" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Reads a boolean field that may be absent, recording an error when it is invalid.
pub fn optional_bool(fields: &Fields, name: &str, errors: &mut FieldErrors) -> Option<bool> {
    let value = fields.get(name)?;
    let parsed = parse_bool(value);
    if parsed.is_none() {
        let text = match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        errors.add(name, format!("\"{text}\" is not a valid boolean."));
    }
    parsed
}

/// Reads a text field that may be absent or blank, recording an error when it is null, not
/// text, or longer than `max_length` characters.
pub fn optional_text(
    fields: &Fields,
    name: &str,
    max_length: usize,
    errors: &mut FieldErrors,
) -> Option<String> {
    let text = match fields.get(name)? {
        Value::String(text) => text.trim().to_owned(),
        Value::Number(number) => number.to_string(),
        Value::Null => {
            errors.add(name, "This field may not be null.");
            return None;
        }
        _ => {
            errors.add(name, "Not a valid string.");
            return None;
        }
    };
    if text.chars().count() > max_length {
        errors.add(
            name,
            format!("Ensure this field has no more than {max_length} characters."),
        );
        return None;
    }
    Some(text)
}

/// Reads an integer field that may be absent or null (`Some(None)`), recording an error when it
/// is not an integer.
pub fn optional_nullable_integer(
    fields: &Fields,
    name: &str,
    errors: &mut FieldErrors,
) -> Option<Option<i64>> {
    let parsed = match fields.get(name)? {
        Value::Null => Some(None),
        Value::String(text) if text.trim().is_empty() => Some(None),
        Value::Number(number) => number.as_i64().map(Some),
        Value::String(text) => text.trim().parse::<i64>().ok().map(Some),
        _ => None,
    };
    if parsed.is_none() {
        errors.add(name, "A valid integer is required.");
    }
    parsed
}

/// Checks an e-mail address the way Django's `EmailValidator` roughly does: one `@`, a
/// non-empty local part without spaces, and a domain with a dot.
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    let labels_valid = domain
        .split('.')
        .all(|label| !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-'));
    !local.is_empty()
        && !local.contains(char::is_whitespace)
        && !local.contains('@')
        && domain.contains('.')
        && labels_valid
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parse_pk_accepts_integers_and_digits() {
        assert_eq!(parse_pk(&json!(1)), Ok(1));
        assert_eq!(parse_pk(&json!("42")), Ok(42));
    }

    #[test]
    fn parse_pk_names_the_wrong_type() {
        assert_eq!(
            parse_pk(&json!("abc")),
            Err("Incorrect type. Expected pk value, received str.".to_owned())
        );
        assert_eq!(
            parse_pk(&json!(1.5)),
            Err("Incorrect type. Expected pk value, received float.".to_owned())
        );
    }

    #[test]
    fn parse_bool_accepts_form_texts() {
        assert_eq!(parse_bool(&json!("true")), Some(true));
        assert_eq!(parse_bool(&json!("False")), Some(false));
        assert_eq!(parse_bool(&json!("maybe")), None);
    }

    #[test]
    fn email_validation() {
        assert!(is_valid_email("new@example.com"));
        assert!(!is_valid_email("not-an-email"));
        assert!(!is_valid_email("a b@example.com"));
        assert!(!is_valid_email("a@example"));
        assert!(!is_valid_email("a@.com"));
    }
}
