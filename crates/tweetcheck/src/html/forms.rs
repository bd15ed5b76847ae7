//! The POST and PUT forms of a page, built from the field descriptions that the route's
//! OPTIONS response lists under `actions`.

use serde_json::{Map, Value};

/// One form for one method, in two versions: an HTML form with a widget per writable field,
/// and a raw form that submits a body typed by hand.
#[derive(Debug)]
pub struct Form {
    /// `POST` or `PUT`.
    pub method: String,
    pub fields: Vec<FormField>,
    /// The initial body of the raw form: the writable fields as pretty-printed JSON.
    pub raw_content: String,
}

/// One writable field of an HTML form.
#[derive(Debug)]
pub struct FormField {
    pub name: String,
    pub label: String,
    pub required: bool,
    /// `select`, `textarea` or `input`.
    pub widget: &'static str,
    /// The `type` attribute of an `input`: `text`, `number` or `email`.
    pub input_type: &'static str,
    pub placeholder: &'static str,
    pub value: String,
    pub options: Vec<SelectOption>,
}

#[derive(Debug)]
pub struct SelectOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Strings longer than this get a multi-line text area.
const TEXTAREA_MIN_LENGTH: u64 = 100;

/// Builds the form for `method` from an OPTIONS body, filled with the values of `current`
/// (the object a PUT replaces). Returns `None` when the OPTIONS body describes no such action.
pub fn build(options: &Value, method: &str, current: Option<&Value>) -> Option<Form> {
    let described = options.get("actions")?.get(method)?.as_object()?;
    let current = current.and_then(Value::as_object);

    let mut fields = Vec::new();
    let mut raw = Map::new();
    for (name, meta) in described {
        if meta.get("read_only").and_then(Value::as_bool) == Some(true) {
            continue;
        }
        let value = current.and_then(|object| object.get(name));
        raw.insert(name.clone(), raw_value(meta, value));
        fields.push(field(name, meta, value));
    }

    Some(Form {
        method: method.to_owned(),
        fields,
        raw_content: serde_json::to_string_pretty(&Value::Object(raw)).unwrap_or_default(),
    })
}

/// Builds the form for `method` like [`build`], or a raw form alone when the OPTIONS body
/// describes no fields for it. The raw form then starts with `current`, or an empty object.
pub fn build_or_raw(options: &Value, method: &str, current: Option<&Value>) -> Form {
    build(options, method, current).unwrap_or_else(|| Form {
        method: method.to_owned(),
        fields: Vec::new(),
        raw_content: match current {
            Some(current) => serde_json::to_string_pretty(current).unwrap_or_default(),
            None => String::from("{}"),
        },
    })
}

fn field(name: &str, meta: &Value, value: Option<&Value>) -> FormField {
    let kind = meta.get("type").and_then(Value::as_str).unwrap_or("string");
    let required = meta
        .get("required")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let value_text = value.map(plain_text).unwrap_or_default();
    let mut field = FormField {
        name: name.to_owned(),
        label: meta
            .get("label")
            .and_then(Value::as_str)
            .unwrap_or(name)
            .to_owned(),
        required,
        widget: "input",
        input_type: "text",
        placeholder: "",
        value: value_text.clone(),
        options: Vec::new(),
    };

    if let Some(choices) = meta.get("choices").and_then(Value::as_array) {
        field.widget = "select";
        field.options = choices
            .iter()
            .map(|choice| {
                let value = choice.get("value").map(plain_text).unwrap_or_default();
                let label = choice
                    .get("display_name")
                    .and_then(Value::as_str)
                    .map_or_else(|| value.clone(), str::to_owned);
                SelectOption {
                    selected: value == value_text,
                    value,
                    label,
                }
            })
            .collect();
        return field;
    }

    match kind {
        "boolean" => {
            // Without a current value the form starts at false, as an unchecked box would.
            let current = if value_text.is_empty() {
                "false"
            } else {
                value_text.as_str()
            };
            field.widget = "select";
            field.options = ["true", "false"]
                .into_iter()
                .map(|option| SelectOption {
                    value: option.to_owned(),
                    label: option.to_owned(),
                    selected: option == current,
                })
                .collect();
        }
        "integer" => field.input_type = "number",
        "email" => field.input_type = "email",
        "datetime" => field.placeholder = "2026-12-04T15:35:38Z",
        _ => {
            let max_length = meta.get("max_length").and_then(Value::as_u64);
            if max_length.is_some_and(|length| length > TEXTAREA_MIN_LENGTH) {
                field.widget = "textarea";
            }
        }
    }
    field
}

/// Returns the value of a field in the raw form: its current value, else a neutral start value for its
/// type (the first choice of a select, `""` for text, `null` otherwise).
fn raw_value(meta: &Value, current: Option<&Value>) -> Value {
    if let Some(current) = current {
        return current.clone();
    }
    if let Some(first) = meta
        .get("choices")
        .and_then(Value::as_array)
        .and_then(|choices| choices.first())
        .and_then(|choice| choice.get("value"))
    {
        // Related objects are listed with string ids ("1"), which the API takes as numbers.
        return match first.as_str().and_then(|id| id.parse::<i64>().ok()) {
            Some(id) => Value::from(id),
            None => first.clone(),
        };
    }
    match meta.get("type").and_then(Value::as_str) {
        Some("string" | "email") => Value::from(""),
        Some("boolean") => Value::Bool(false),
        _ => Value::Null,
    }
}

/// Converts a JSON value to the text a form field holds: strings without quotes, `null` as empty.
fn plain_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn tweet_options() -> Value {
        json!({"actions": {"POST": {
            "id": {"type": "integer", "required": false, "read_only": true, "label": "ID"},
            "handle": {"type": "field", "required": true, "read_only": false, "label": "Handle",
                "choices": [{"value": "1", "display_name": "tweetcheck (@tweetcheck)"}]},
            "body": {"type": "string", "required": true, "read_only": false, "label": "Body",
                "max_length": 250},
            "status": {"type": "choice", "required": false, "read_only": false, "label": "Status",
                "choices": [{"value": 0, "display_name": "pending"},
                            {"value": 1, "display_name": "posted"}]},
            "eta": {"type": "datetime", "required": false, "read_only": false, "label": "Eta"}
        }}})
    }

    #[test]
    fn build_skips_read_only_fields() {
        let form = build(&tweet_options(), "POST", None).unwrap();
        let names: Vec<_> = form
            .fields
            .iter()
            .map(|field| field.name.as_str())
            .collect();

        assert_eq!(names, ["handle", "body", "status", "eta"]);
    }

    #[test]
    fn build_picks_widgets_by_field_type() {
        let form = build(&tweet_options(), "POST", None).unwrap();

        assert_eq!(form.fields[0].widget, "select");
        assert_eq!(form.fields[0].options[0].label, "tweetcheck (@tweetcheck)");
        assert_eq!(form.fields[1].widget, "textarea");
        assert_eq!(form.fields[2].options[1].value, "1");
    }

    #[test]
    fn build_fills_in_the_current_object() {
        let options = json!({"actions": {"PUT": tweet_options()["actions"]["POST"].clone()}});
        let current = json!({"id": 7, "handle": 1, "body": "hello", "status": 1, "eta": null});

        let form = build(&options, "PUT", Some(&current)).unwrap();

        assert_eq!(form.fields[1].value, "hello");
        assert!(form.fields[2].options[1].selected);
        assert!(!form.fields[2].options[0].selected);
        assert!(form.raw_content.contains("\"body\": \"hello\""));
    }

    #[test]
    fn raw_content_starts_with_neutral_values() {
        let form = build(&tweet_options(), "POST", None).unwrap();
        let raw: Value = serde_json::from_str(&form.raw_content).unwrap();

        assert_eq!(
            raw,
            json!({"handle": 1, "body": "", "status": 0, "eta": null})
        );
    }

    #[test]
    fn boolean_starts_at_false_without_a_value() {
        let options = json!({"actions": {"POST": {
            "is_approver": {"type": "boolean", "required": false, "read_only": false}
        }}});

        let form = build(&options, "POST", None).unwrap();

        let selected: Vec<_> = form.fields[0]
            .options
            .iter()
            .filter(|o| o.selected)
            .collect();
        assert_eq!(selected.len(), 1);
        assert_eq!(selected[0].value, "false");
    }

    #[test]
    fn build_without_actions_is_none() {
        assert!(build(&json!({"name": "Api Root"}), "POST", None).is_none());
    }

    #[test]
    fn build_or_raw_without_actions_is_raw_only() {
        let form = build_or_raw(&json!({"name": "Obtain Auth Token"}), "POST", None);

        assert!(form.fields.is_empty());
        assert_eq!(form.raw_content, "{}");
    }
}
