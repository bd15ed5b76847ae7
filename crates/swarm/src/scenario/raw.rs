//! The swarmfile's TOML shape, exactly as written, before validation.
//!
//! Every table rejects unknown keys, so a typo is an error with a position, not a silently
//! ignored setting. Values that need checks beyond their TOML type keep their span.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileDef {
    pub swarm: Option<Spanned<DefaultsDef>>,
    /// Classes by name. The span is the name's, because toml 0.8 records no span for a class
    /// table that only a longer header such as `[[user.W.task]]` implies, and `Spanned<ClassDef>`
    /// fails on such a table.
    #[serde(default)]
    pub user: BTreeMap<Spanned<String>, ClassDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefaultsDef {
    pub host: Option<Spanned<String>>,
    pub users: Option<usize>,
    pub spawn_rate: Option<Spanned<f64>>,
    pub run_time: Option<Spanned<SecondsDef>>,
    pub tags: Option<Vec<String>>,
    pub exclude_tags: Option<Vec<String>>,
    pub stop_timeout: Option<Spanned<SecondsDef>>,
    pub reset_stats: Option<bool>,
    pub csv: Option<String>,
    pub csv_full_history: Option<bool>,
    pub html: Option<String>,
    pub json: Option<bool>,
    pub exit_code_on_error: Option<i32>,
    pub loglevel: Option<Spanned<String>>,
    pub headless: Option<bool>,
    pub autostart: Option<bool>,
    pub insecure: Option<bool>,
    pub web_host: Option<String>,
    pub web_port: Option<u16>,
}

/// A time span: a number of seconds, or a string such as `1h20m`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum SecondsDef {
    Seconds(u64),
    Text(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassDef {
    pub weight: Option<Spanned<u32>>,
    pub fixed_count: Option<u32>,
    pub host: Option<Spanned<String>>,
    #[serde(default)]
    pub headers: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    pub data: Option<Spanned<DataDef>>,
    pub timeout: Option<Spanned<f64>>,
    pub wait_time: Option<Spanned<WaitTimeDef>>,
    #[serde(default)]
    pub sequential: bool,
    #[serde(default)]
    pub on_start: Vec<Spanned<RequestDef>>,
    #[serde(default)]
    pub on_stop: Vec<Spanned<RequestDef>>,
    #[serde(default)]
    pub task: Vec<Spanned<RequestDef>>,
    #[serde(default)]
    pub group: Vec<Spanned<GroupDef>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataDef {
    pub file: String,
    #[serde(default)]
    pub mode: DataModeDef,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataModeDef {
    #[default]
    PerUser,
    RoundRobin,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum WaitTimeDef {
    Between([f64; 2]),
    Constant(f64),
    ConstantPacing(f64),
    ConstantThroughput(f64),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupDef {
    pub name: Option<String>,
    pub weight: Option<Spanned<u32>>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub sequential: bool,
    pub iterations: Option<Spanned<u32>>,
    pub wait_time: Option<Spanned<WaitTimeDef>>,
    #[serde(default)]
    pub on_start: Vec<Spanned<RequestDef>>,
    #[serde(default)]
    pub on_stop: Vec<Spanned<RequestDef>>,
    #[serde(default)]
    pub task: Vec<Spanned<RequestDef>>,
    #[serde(default)]
    pub group: Vec<Spanned<GroupDef>>,
}

/// A request, or (in a `task` table) a task that is one request or a list of `steps`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestDef {
    pub method: Option<Spanned<String>>,
    pub path: Option<Spanned<String>>,
    pub name: Option<String>,
    #[serde(default)]
    pub query: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub headers: BTreeMap<String, Spanned<String>>,
    pub form: Option<BTreeMap<String, Spanned<FieldDef>>>,
    pub json: Option<Spanned<toml::Value>>,
    pub body: Option<Spanned<String>>,
    pub content_type: Option<String>,
    pub multipart: Option<BTreeMap<String, Spanned<PartDef>>>,
    pub timeout: Option<Spanned<f64>>,
    pub max_redirects: Option<u32>,
    pub check: Option<CheckDef>,
    #[serde(default)]
    pub capture: BTreeMap<String, Spanned<CaptureDef>>,
    // Task-only keys.
    pub weight: Option<Spanned<u32>>,
    pub tags: Option<Spanned<Vec<String>>>,
    pub steps: Option<Vec<Spanned<RequestDef>>>,
}

/// A form or multipart text field. Strings are templates, and numbers and booleans are sent as
/// their text, as Locust users expect from `data={"handle": 1}`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum FieldDef {
    Text(String),
    Integer(i64),
    Float(f64),
    Boolean(bool),
}

impl FieldDef {
    /// Returns the text sent for a number or boolean, or `None` for a string template.
    pub fn literal_text(&self) -> Option<String> {
        match self {
            FieldDef::Text(_) => None,
            FieldDef::Integer(number) => Some(number.to_string()),
            // `1.0` stays `1.0`, as TOML and Python write it, rather than Rust's `1`.
            FieldDef::Float(number) if number.is_finite() && number.fract() == 0.0 => {
                Some(format!("{number:.1}"))
            }
            FieldDef::Float(number) => Some(number.to_string()),
            FieldDef::Boolean(value) => Some(value.to_string()),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum PartDef {
    Field(FieldDef),
    File(FilePartDef),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilePartDef {
    pub file: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckDef {
    pub status: Option<Spanned<OneOrMany<u16>>>,
    pub body_contains: Option<OneOrMany<String>>,
    #[serde(default)]
    pub json: BTreeMap<String, Spanned<toml::Value>>,
    /// Milliseconds.
    pub max_response_time: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    pub fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(value) => vec![value],
            OneOrMany::Many(values) => values,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CaptureDef {
    Json(String),
    Header(String),
    Regex(String),
    Cookie(String),
}
