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
}
