//! The validated swarmfile: what each user class does. Built once by `parse`, then trusted.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderName, Method};
use regex::Regex;

use super::template::Template;

/// A whole swarmfile.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// The file it was read from, for messages and reports.
    pub source: PathBuf,
    pub defaults: Defaults,
    /// User classes sorted by name.
    pub classes: Vec<UserClass>,
}

/// The `[swarm]` table: defaults for command-line options. Every field is optional.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Defaults {
    pub host: Option<String>,
    pub users: Option<usize>,
    pub spawn_rate: Option<f64>,
    pub run_time: Option<Duration>,
    pub tags: Option<Vec<String>>,
    pub exclude_tags: Option<Vec<String>>,
    pub stop_timeout: Option<Duration>,
    pub reset_stats: Option<bool>,
    pub csv: Option<String>,
    pub csv_full_history: Option<bool>,
    pub html: Option<String>,
    pub json: Option<bool>,
    pub exit_code_on_error: Option<i32>,
    pub loglevel: Option<String>,
    pub headless: Option<bool>,
    pub autostart: Option<bool>,
    /// Skips TLS certificate checks (`--insecure`).
    pub insecure: Option<bool>,
    pub web_host: Option<String>,
    pub web_port: Option<u16>,
}

/// One kind of simulated user, like a Locust `HttpUser` subclass.
#[derive(Clone, Debug)]
pub struct UserClass {
    pub name: String,
    pub weight: u32,
    /// When above 0, exactly this many users of the class run, spawned before weighted ones.
    pub fixed_count: u32,
    pub host: Option<String>,
    pub headers: Vec<(HeaderName, Template)>,
    pub variables: Vec<(String, String)>,
    pub data: Option<DataFile>,
    /// Default request timeout of the class.
    pub timeout: Option<Duration>,
    pub behaviour: TaskSet,
}

/// Rows of a CSV data file that templates read with `data.COLUMN`.
#[derive(Clone, Debug)]
pub struct DataFile {
    pub path: PathBuf,
    pub columns: Vec<String>,
    pub rows: Arc<Vec<Vec<String>>>,
    pub mode: DataMode,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataMode {
    /// User N reads row N (wrapping around) for its whole life.
    PerUser,
    /// Each task run takes the next row, shared by all users of the class.
    RoundRobin,
}

/// Tasks with their setup and teardown: a user class's behaviour, or a nested group.
#[derive(Clone, Debug)]
pub struct TaskSet {
    pub on_start: Vec<Request>,
    pub on_stop: Vec<Request>,
    pub tasks: Vec<Task>,
    /// Runs tasks in order, cycling, instead of picking them by weight.
    pub sequential: bool,
    /// The wait between tasks; a group without one uses its parent's.
    pub wait_time: Option<WaitTime>,
    /// For a group: how many tasks it runs before returning to its parent.
    pub iterations: u32,
}

/// One task: a weighted unit of work that a user picks.
#[derive(Clone, Debug)]
pub struct Task {
    /// Label in task ratios and `--list`.
    pub name: String,
    pub weight: u32,
    pub tags: Vec<String>,
    pub kind: TaskKind,
}

#[derive(Clone, Debug)]
pub enum TaskKind {
    /// Requests made one after the other.
    Steps(Vec<Request>),
    /// A nested group that runs its own tasks, then returns.
    Group(TaskSet),
}

/// Locust's wait time kinds, in seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum WaitTime {
    Between(f64, f64),
    Constant(f64),
    /// One task start every N seconds, whatever the task took.
    ConstantPacing(f64),
    /// At most N task runs per second.
    ConstantThroughput(f64),
}

impl Default for WaitTime {
    fn default() -> Self {
        WaitTime::Constant(0.0)
    }
}

/// One HTTP request of a task.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: Method,
    /// Method as statistics show it.
    pub method_label: Arc<str>,
    pub path: Template,
    /// Statistics name; `None` groups by the rendered path.
    pub name: Option<Arc<str>>,
    pub query: Vec<(String, Template)>,
    pub headers: Vec<(HeaderName, Template)>,
    pub body: Body,
    pub timeout: Option<Duration>,
    pub max_redirects: Option<u32>,
    pub checks: Checks,
    pub captures: Vec<Capture>,
    /// The swarmfile and line of the request's `path`, such as `swarmfile.toml:12`.
    pub location: Arc<str>,
}

#[derive(Clone, Debug)]
pub enum Body {
    Empty,
    Form(Vec<(String, Template)>),
    Json(JsonTemplate),
    Raw {
        content_type: Option<String>,
        body: Template,
    },
    Multipart(Vec<Part>),
}

/// A JSON value whose strings are templates.
#[derive(Clone, Debug)]
pub enum JsonTemplate {
    Literal(serde_json::Value),
    String(Template),
    Array(Vec<JsonTemplate>),
    Object(Vec<(String, JsonTemplate)>),
}

/// One field of a multipart body: text, or the contents of a file read when the swarmfile loads.
#[derive(Clone, Debug)]
pub enum Part {
    Text {
        name: String,
        value: Template,
    },
    File {
        name: String,
        file_name: String,
        content_type: Option<String>,
        contents: Arc<Vec<u8>>,
    },
}

/// Conditions that mark a response failed.
#[derive(Clone, Debug, Default)]
pub struct Checks {
    /// Accepted statuses; `None` accepts everything below 400.
    pub status: Option<Vec<u16>>,
    pub body_contains: Vec<String>,
    pub json: Vec<(String, serde_json::Value)>,
    pub max_response_time: Option<Duration>,
}

/// A value taken from a response into a per-user variable.
#[derive(Clone, Debug)]
pub struct Capture {
    pub variable: String,
    pub source: CaptureSource,
}

#[derive(Clone, Debug)]
pub enum CaptureSource {
    /// A JSON pointer such as `/token` or `/results/0/id`.
    Json(String),
    Header(HeaderName),
    /// The first capture group, or the whole match when the pattern has none.
    Regex(Regex),
    Cookie(String),
}

impl Scenario {
    pub fn class(&self, name: &str) -> Option<&UserClass> {
        self.classes.iter().find(|class| class.name == name)
    }
}

impl TaskSet {
    /// Sum of the task weights.
    pub fn total_weight(&self) -> u64 {
        self.tasks.iter().map(|task| u64::from(task.weight)).sum()
    }
}
