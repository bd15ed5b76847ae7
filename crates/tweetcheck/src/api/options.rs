//! OPTIONS bodies: the resource's metadata plus a description of the fields a write accepts.

use serde_json::{json, Map, Value};

use super::render::metadata;
use super::{ApiResponse, Resource};

/// The OPTIONS description of one field.
#[derive(Debug)]
pub struct FieldMeta {
    name: &'static str,
    description: Map<String, Value>,
}

impl FieldMeta {
    pub fn read_only(name: &'static str, kind: &str, label: &str) -> FieldMeta {
        FieldMeta::new(name, kind, false, true, label)
    }

    pub fn writable(name: &'static str, kind: &str, required: bool, label: &str) -> FieldMeta {
        FieldMeta::new(name, kind, required, false, label)
    }

    fn new(
        name: &'static str,
        kind: &str,
        required: bool,
        read_only: bool,
        label: &str,
    ) -> FieldMeta {
        let Value::Object(description) = json!({
            "type": kind,
            "required": required,
            "read_only": read_only,
            "label": label,
        }) else {
            unreachable!("json! of an object literal is an object");
        };
        FieldMeta { name, description }
    }

    pub fn choices(mut self, choices: Vec<Value>) -> FieldMeta {
        self.description
            .insert("choices".to_owned(), Value::Array(choices));
        self
    }

    pub fn max_length(mut self, max_length: usize) -> FieldMeta {
        self.description
            .insert("max_length".to_owned(), json!(max_length));
        self
    }
}

/// Describes the fields, in order, as a JSON object keyed by field name.
pub fn describe(fields: &[FieldMeta]) -> Value {
    let described = fields
        .iter()
        .map(|field| {
            (
                field.name.to_owned(),
                Value::Object(field.description.clone()),
            )
        })
        .collect();
    Value::Object(described)
}

/// Builds the OPTIONS response of `resource`, whose `method` (POST or PUT) accepts `fields`.
pub fn response(resource: &Resource, method: &str, fields: Value) -> ApiResponse {
    let mut body = metadata(resource);
    body["actions"] = json!({ method: fields });
    ApiResponse::ok(body)
}
