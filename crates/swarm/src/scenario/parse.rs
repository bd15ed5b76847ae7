//! Reads a swarmfile into a validated `Scenario`; every error names file:line:column.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderName, HeaderValue, Method};
use regex::Regex;
use toml::Spanned;

use super::data::parse_csv;
use super::model::*;
use super::raw::*;
use super::template::{is_identifier, Template};
use crate::timespan::{
    duration_from_seconds, is_valid_spawn_rate, parse_timespan, MAX_SECONDS, SPAWN_RATE_RULE,
};

/// A swarmfile that could not be read or is invalid.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("cannot read swarmfile {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

/// Reads and validates the swarmfile at `path`.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse(path, &text)
}

/// Validates swarmfile `text`; `path` is used in messages and to find data files.
pub fn parse(path: &Path, text: &str) -> Result<Scenario, ScenarioError> {
    let parser = Parser { path, text };
    let file: FileDef = toml::from_str(text).map_err(|error| {
        let span = error.span().unwrap_or(0..0);
        let message = error.message().trim_end();
        let message = match key_before(text, span.start) {
            Some(key) => explain_value_error(key, message),
            None => explain_table_error(text, span.start, message),
        };
        let message = message.unwrap_or_else(|| with_spelling_hint(error.message().trim_end()));
        parser.error(span, message)
    })?;
    parser.scenario(file)
}

struct Parser<'a> {
    path: &'a Path,
    text: &'a str,
}

type Result<T, E = ScenarioError> = std::result::Result<T, E>;

/// Variables a class's templates may read: set in `variables` or captured by any request.
struct ClassNames {
    variables: BTreeSet<String>,
    data_columns: Option<Vec<String>>,
}

impl Parser<'_> {
    fn error(&self, span: Range<usize>, message: impl Into<String>) -> ScenarioError {
        let offset = span.start.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |position| position + 1);
        let column = self.text[line_start..offset].chars().count() + 1;
        ScenarioError::Invalid {
            path: self.path.to_owned(),
            line,
            column,
            message: message.into(),
        }
    }

    fn scenario(&self, file: FileDef) -> Result<Scenario> {
        let defaults = match file.swarm {
            Some(defaults) => self.defaults(defaults.into_inner())?,
            None => Defaults::default(),
        };
        if file.user.is_empty() {
            return Err(self.error(
                0..0,
                "no user class: expected at least one table such as `[user.WebsiteUser]` with a `task`",
            ));
        }
        let mut classes = Vec::new();
        for (name, class) in file.user {
            classes.push(self.class(name, class)?);
        }
        Ok(Scenario {
            source: self.path.to_owned(),
            defaults,
            classes,
        })
    }

    fn defaults(&self, raw: DefaultsDef) -> Result<Defaults> {
        let host = raw.host.map(|host| self.host(host)).transpose()?;
        let spawn_rate = match raw.spawn_rate {
            Some(rate) if !is_valid_spawn_rate(*rate.get_ref()) => {
                return Err(self.error(
                    rate.span(),
                    format!("invalid spawn_rate {:?}: {SPAWN_RATE_RULE}", rate.get_ref()),
                ))
            }
            other => other.map(Spanned::into_inner),
        };
        let loglevel = match raw.loglevel {
            Some(level) => Some(self.loglevel(level)?),
            None => None,
        };
        Ok(Defaults {
            host,
            users: raw.users,
            spawn_rate,
            run_time: raw.run_time.map(|span| self.seconds(span)).transpose()?,
            tags: raw.tags,
            exclude_tags: raw.exclude_tags,
            stop_timeout: raw
                .stop_timeout
                .map(|span| self.seconds(span))
                .transpose()?,
            reset_stats: raw.reset_stats,
            csv: raw.csv,
            csv_full_history: raw.csv_full_history,
            html: raw.html,
            json: raw.json,
            exit_code_on_error: raw.exit_code_on_error,
            loglevel,
            headless: raw.headless,
            autostart: raw.autostart,
            insecure: raw.insecure,
            web_host: raw.web_host,
            web_port: raw.web_port,
        })
    }

    fn loglevel(&self, level: Spanned<String>) -> Result<String> {
        let span = level.span();
        let level = level.into_inner();
        match level.to_ascii_uppercase().as_str() {
            "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL" => Ok(level),
            _ => Err(self.error(
                span,
                format!(
                    "invalid loglevel `{level}`: expected DEBUG, INFO, WARNING, ERROR or CRITICAL"
                ),
            )),
        }
    }

    fn seconds(&self, value: Spanned<SecondsDef>) -> Result<Duration> {
        let span = value.span();
        match value.into_inner() {
            SecondsDef::Seconds(seconds) => Ok(Duration::from_secs(seconds)),
            SecondsDef::Text(text) => {
                parse_timespan(&text).map_err(|message| self.error(span, message))
            }
        }
    }

    fn host(&self, host: Spanned<String>) -> Result<String> {
        let span = host.span();
        let host = host.into_inner();
        match url::Url::parse(&host) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
                Ok(host.trim_end_matches('/').to_owned())
            }
            _ => Err(self.error(
                span,
                format!("invalid host `{host}`: expected an http:// or https:// URL such as http://127.0.0.1:8000"),
            )),
        }
    }

    fn class(&self, name: Spanned<String>, raw: ClassDef) -> Result<UserClass> {
        let span = name.span();
        let name = name.into_inner();
        if !is_identifier(&name) {
            return Err(self.error(
                span,
                format!("invalid user class name `{name}`: expected letters, digits or `_`"),
            ));
        }
        let weight = match raw.weight {
            Some(weight) => *weight.get_ref(),
            None => 1,
        };
        let fixed_count = raw.fixed_count.unwrap_or(0);
        if weight == 0 && fixed_count == 0 {
            return Err(self.error(
                span,
                format!(
                    "user class `{name}` never runs: expected a `weight` or `fixed_count` above 0"
                ),
            ));
        }
        let data = raw.data.map(|data| self.data_file(data)).transpose()?;
        let mut variables = BTreeSet::new();
        variables.extend(raw.variables.keys().cloned());
        collect_captures(&raw.on_start, &mut variables);
        collect_captures(&raw.on_stop, &mut variables);
        collect_captures(&raw.task, &mut variables);
        for group in &raw.group {
            collect_group_captures(group.get_ref(), &mut variables);
        }
        let names = ClassNames {
            variables,
            data_columns: data.as_ref().map(|data| data.columns.clone()),
        };
        for variable in raw.variables.keys() {
            if !is_identifier(variable) {
                return Err(self.error(
                    span.clone(),
                    format!("invalid variable name `{variable}`: expected letters, digits or `_`"),
                ));
            }
        }

        let headers = self.headers(raw.headers, &names)?;
        let host = raw.host.map(|host| self.host(host)).transpose()?;
        let timeout = raw
            .timeout
            .map(|timeout| self.timeout(timeout))
            .transpose()?;
        let wait_time = raw.wait_time.map(|wait| self.wait_time(wait)).transpose()?;
        let behaviour = self.task_set(
            TaskSetParts {
                on_start: raw.on_start,
                on_stop: raw.on_stop,
                tasks: raw.task,
                groups: raw.group,
                sequential: raw.sequential,
                wait_time: Some(wait_time.unwrap_or_default()),
                iterations: 0,
                tags: Vec::new(),
            },
            &names,
        )?;
        if behaviour.tasks.is_empty() {
            return Err(self.error(
                span,
                format!(
                    "user class `{name}` has no task: expected at least one `[[user.{name}.task]]`"
                ),
            ));
        }
        Ok(UserClass {
            name,
            weight,
            fixed_count,
            host,
            headers,
            variables: raw.variables.into_iter().collect(),
            data,
            timeout,
            behaviour,
        })
    }

    fn data_file(&self, data: Spanned<DataDef>) -> Result<DataFile> {
        let span = data.span();
        let raw = data.into_inner();
        let path = self.relative(&raw.file);
        let text = std::fs::read_to_string(&path).map_err(|error| {
            self.error(
                span.clone(),
                format!("cannot read data file {}: {error}", path.display()),
            )
        })?;
        let mut rows = parse_csv(&text).map_err(|message| {
            self.error(
                span.clone(),
                format!("invalid data file {}: {message}", path.display()),
            )
        })?;
        if rows.len() < 2 {
            return Err(self.error(
                span,
                format!(
                    "data file {} has no rows: expected a header row and at least one data row",
                    path.display()
                ),
            ));
        }
        let columns = rows.remove(0);
        Ok(DataFile {
            path,
            columns,
            rows: Arc::new(rows),
            mode: match raw.mode {
                DataModeDef::PerUser => DataMode::PerUser,
                DataModeDef::RoundRobin => DataMode::RoundRobin,
            },
        })
    }

    fn relative(&self, file: &str) -> PathBuf {
        let base = self.path.parent().unwrap_or(Path::new("."));
        base.join(file)
    }

    fn timeout(&self, timeout: Spanned<f64>) -> Result<Duration> {
        let seconds = *timeout.get_ref();
        match duration_from_seconds(seconds) {
            Some(duration) if seconds > 0.0 => Ok(duration),
            _ => Err(self.error(
                timeout.span(),
                format!(
                    "invalid timeout {seconds:?}: expected seconds above 0 and at most {MAX_SECONDS}"
                ),
            )),
        }
    }

    fn wait_time(&self, wait: Spanned<WaitTimeDef>) -> Result<WaitTime> {
        let span = wait.span();
        let invalid = |message: String| self.error(span.clone(), message);
        let seconds_ok = |value: f64| duration_from_seconds(value).is_some();
        match wait.into_inner() {
            WaitTimeDef::Between([min, max]) if seconds_ok(min) && seconds_ok(max) && min <= max => {
                Ok(WaitTime::Between(min, max))
            }
            WaitTimeDef::Between([min, max]) => Err(invalid(format!(
                "invalid wait_time between [{min:?}, {max:?}]: expected [MIN, MAX] seconds with 0 <= MIN <= MAX <= {MAX_SECONDS}"
            ))),
            WaitTimeDef::Constant(seconds) if seconds_ok(seconds) => Ok(WaitTime::Constant(seconds)),
            WaitTimeDef::ConstantPacing(seconds) if seconds_ok(seconds) => {
                Ok(WaitTime::ConstantPacing(seconds))
            }
            // The user waits up to 1 / rate seconds, the same bound as a spawn rate's pause.
            WaitTimeDef::ConstantThroughput(rate) if is_valid_spawn_rate(rate) => {
                Ok(WaitTime::ConstantThroughput(rate))
            }
            WaitTimeDef::ConstantThroughput(rate) => Err(invalid(format!(
                "invalid wait_time constant_throughput {rate:?}: expected task runs per second above 0, with 1 / rate at most {MAX_SECONDS} seconds"
            ))),
            WaitTimeDef::Constant(seconds) | WaitTimeDef::ConstantPacing(seconds) => Err(invalid(
                format!("invalid wait_time {seconds:?}: expected seconds from 0 to {MAX_SECONDS}"),
            )),
        }
    }

    fn headers(
        &self,
        raw: std::collections::BTreeMap<String, Spanned<String>>,
        names: &ClassNames,
    ) -> Result<Vec<(HeaderName, Template)>> {
        let mut headers = Vec::new();
        for (name, value) in raw {
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                self.error(
                    value.span(),
                    format!("invalid header name `{name}`: expected letters, digits and `-`"),
                )
            })?;
            let span = value.span();
            let template = self.template(value, names)?;
            // A value with placeholders is checked when it is rendered, for each request.
            if let Some(text) = template.as_static() {
                if HeaderValue::from_str(text).is_err() {
                    return Err(self.error(
                        span,
                        format!(
                            "invalid value {text:?} for header `{name}`: expected visible ASCII, spaces and tabs, without line breaks or other control characters"
                        ),
                    ));
                }
            }
            headers.push((header, template));
        }
        Ok(headers)
    }

    fn field(&self, value: Spanned<FieldDef>, names: &ClassNames) -> Result<Template> {
        let span = value.span();
        match value.into_inner() {
            FieldDef::Text(text) => self.template(Spanned::new(span, text), names),
            literal => {
                // A number's or boolean's text has no `{{`, so it parses as one literal piece.
                let text = literal.literal_text().unwrap_or_default();
                Template::parse(&text).map_err(|error| self.error(span, error.message))
            }
        }
    }

    fn template(&self, value: Spanned<String>, names: &ClassNames) -> Result<Template> {
        let span = value.span();
        // The span covers the opening quote, so text offsets start one byte later.
        let text_start = span.start + 1;
        let template = Template::parse(value.get_ref()).map_err(|error| {
            let at = text_start + error.offset;
            self.error(at..at, error.message)
        })?;
        for variable in template.variables() {
            if !names.variables.contains(variable) {
                return Err(self.error(
                    span.clone(),
                    format!(
                        "unknown variable `{variable}`: expected one set in `variables` or captured with `capture` in this user class"
                    ),
                ));
            }
        }
        for column in template.data_columns() {
            match &names.data_columns {
                Some(columns) if columns.iter().any(|known| known == column) => {}
                Some(columns) => {
                    return Err(self.error(
                        span.clone(),
                        format!("unknown data column `{column}`: the data file has {}", columns.join(", ")),
                    ))
                }
                None => {
                    return Err(self.error(
                        span.clone(),
                        format!("`data.{column}` needs a data file: add `data = {{ file = \"FILE.csv\" }}` to the user class"),
                    ))
                }
            }
        }
        Ok(template)
    }

    fn task_set(&self, parts: TaskSetParts, names: &ClassNames) -> Result<TaskSet> {
        let on_start = self.steps(parts.on_start, names, "on_start")?;
        let on_stop = self.steps(parts.on_stop, names, "on_stop")?;
        let mut positioned: Vec<(usize, Task)> = Vec::new();
        for task in parts.tasks {
            positioned.push((task.span().start, self.task(task, names, &parts.tags)?));
        }
        for group in parts.groups {
            positioned.push((group.span().start, self.group(group, names, &parts.tags)?));
        }
        // Sequential order is the order in the file, whatever the table kind.
        positioned.sort_by_key(|(start, _)| *start);
        Ok(TaskSet {
            on_start,
            on_stop,
            tasks: positioned.into_iter().map(|(_, task)| task).collect(),
            sequential: parts.sequential,
            wait_time: parts.wait_time,
            iterations: parts.iterations,
        })
    }

    fn group(
        &self,
        group: Spanned<GroupDef>,
        names: &ClassNames,
        parent_tags: &[String],
    ) -> Result<Task> {
        let span = group.span();
        let raw = group.into_inner();
        let weight = self.weight(raw.weight)?;
        let mut tags = parent_tags.to_vec();
        tags.extend(raw.tags);
        let iterations =
            match raw.iterations {
                Some(iterations) if *iterations.get_ref() == 0 => return Err(self.error(
                    iterations.span(),
                    "invalid iterations 0: expected 1 or more task runs before the group returns",
                )),
                Some(iterations) => iterations.into_inner(),
                None => 1,
            };
        let wait_time = raw.wait_time.map(|wait| self.wait_time(wait)).transpose()?;
        let name = raw
            .name
            .unwrap_or_else(|| format!("group at line {}", self.line_of(&span)));
        let set = self.task_set(
            TaskSetParts {
                on_start: raw.on_start,
                on_stop: raw.on_stop,
                tasks: raw.task,
                groups: raw.group,
                sequential: raw.sequential,
                wait_time,
                iterations,
                tags: tags.clone(),
            },
            names,
        )?;
        if set.tasks.is_empty() {
            return Err(self.error(
                span,
                format!("group `{name}` has no task: expected at least one `task` table inside it"),
            ));
        }
        Ok(Task {
            name,
            weight,
            tags,
            kind: TaskKind::Group(set),
        })
    }

    fn line_of(&self, span: &Range<usize>) -> usize {
        self.text[..span.start.min(self.text.len())]
            .matches('\n')
            .count()
            + 1
    }

    fn weight(&self, weight: Option<Spanned<u32>>) -> Result<u32> {
        match weight {
            Some(weight) if *weight.get_ref() == 0 => Err(self.error(
                weight.span(),
                "invalid weight 0: expected 1 or more (remove the task to disable it, or tag it and use -E)",
            )),
            Some(weight) => Ok(weight.into_inner()),
            None => Ok(1),
        }
    }

    fn task(
        &self,
        task: Spanned<RequestDef>,
        names: &ClassNames,
        parent_tags: &[String],
    ) -> Result<Task> {
        let span = task.span();
        let mut raw = task.into_inner();
        let weight = self.weight(raw.weight.take())?;
        let mut tags = parent_tags.to_vec();
        if let Some(own) = raw.tags.take() {
            tags.extend(own.into_inner());
        }
        if let Some(steps) = raw.steps.take() {
            if raw.method.is_some() || raw.path.is_some() {
                return Err(self.error(
                    span,
                    "a task has both `steps` and a request: expected either `steps = [...]` or `method`/`path`, not both",
                ));
            }
            let name = raw.name.take();
            let steps = self.steps(steps, names, "steps")?;
            if steps.is_empty() {
                return Err(self.error(span, "empty `steps`: expected at least one request"));
            }
            let name = name.unwrap_or_else(|| request_label(&steps[0]));
            return Ok(Task {
                name,
                weight,
                tags,
                kind: TaskKind::Steps(steps),
            });
        }
        let request = self.request(Spanned::new(span, raw), names)?;
        Ok(Task {
            name: request_label(&request),
            weight,
            tags,
            kind: TaskKind::Steps(vec![request]),
        })
    }

    fn steps(
        &self,
        steps: Vec<Spanned<RequestDef>>,
        names: &ClassNames,
        context: &str,
    ) -> Result<Vec<Request>> {
        let mut requests = Vec::new();
        for step in steps {
            let raw = step.get_ref();
            if let Some(weight) = &raw.weight {
                return Err(self.error(
                    weight.span(),
                    format!("`weight` is not allowed in {context}: only tasks have weights"),
                ));
            }
            if let Some(tags) = &raw.tags {
                return Err(self.error(
                    tags.span(),
                    format!("`tags` is not allowed in {context}: only tasks and groups have tags"),
                ));
            }
            if raw.steps.is_some() {
                return Err(self.error(
                    step.span(),
                    format!("`steps` is not allowed in {context}: nest requests one level only"),
                ));
            }
            requests.push(self.request(step, names)?);
        }
        Ok(requests)
    }

    fn request(&self, request: Spanned<RequestDef>, names: &ClassNames) -> Result<Request> {
        let span = request.span();
        let raw = request.into_inner();
        let (method, method_label) = match raw.method {
            Some(method) => {
                let label = method.get_ref().to_ascii_uppercase();
                let parsed = Method::from_bytes(label.as_bytes()).map_err(|_| {
                    self.error(
                        method.span(),
                        format!(
                            "invalid method `{}`: expected an HTTP method such as GET or POST",
                            method.get_ref()
                        ),
                    )
                })?;
                (parsed, label)
            }
            None => (Method::GET, "GET".to_owned()),
        };
        let Some(path) = raw.path else {
            return Err(self.error(
                span,
                "missing `path`: expected a request path such as path = \"/api/\"",
            ));
        };
        if !path.get_ref().starts_with('/')
            && !path.get_ref().starts_with("{{")
            && !path.get_ref().starts_with("http")
        {
            return Err(self.error(
                path.span(),
                format!(
                    "invalid path `{}`: expected a path starting with `/`",
                    path.get_ref()
                ),
            ));
        }
        let location = format!("{}:{}", self.path.display(), self.line_of(&path.span()));
        let path = self.template(path, names)?;
        let mut query = Vec::new();
        for (key, value) in raw.query {
            query.push((key, self.template(value, names)?));
        }
        let headers = self.headers(raw.headers, names)?;
        let body = self.body(
            span.clone(),
            raw.form,
            raw.json,
            raw.body,
            raw.content_type,
            raw.multipart,
            names,
        )?;
        let timeout = raw
            .timeout
            .map(|timeout| self.timeout(timeout))
            .transpose()?;
        let checks = match raw.check {
            Some(check) => self.checks(check)?,
            None => Checks::default(),
        };
        let mut captures = Vec::new();
        for (variable, source) in raw.capture {
            captures.push(self.capture(variable, source)?);
        }
        Ok(Request {
            method,
            method_label: method_label.into(),
            path,
            name: raw.name.map(Arc::from),
            query,
            headers,
            body,
            timeout,
            max_redirects: raw.max_redirects,
            checks,
            captures,
            location: location.into(),
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn body(
        &self,
        span: Range<usize>,
        form: Option<std::collections::BTreeMap<String, Spanned<FieldDef>>>,
        json: Option<Spanned<toml::Value>>,
        body: Option<Spanned<String>>,
        content_type: Option<String>,
        multipart: Option<std::collections::BTreeMap<String, Spanned<PartDef>>>,
        names: &ClassNames,
    ) -> Result<Body> {
        let given = [
            form.is_some(),
            json.is_some(),
            body.is_some(),
            multipart.is_some(),
        ];
        if given.iter().filter(|&&present| present).count() > 1 {
            return Err(self.error(span, "a request has more than one body: expected only one of `form`, `json`, `body` or `multipart`"));
        }
        if let Some(form) = form {
            let mut fields = Vec::new();
            for (key, value) in form {
                fields.push((key, self.field(value, names)?));
            }
            return Ok(Body::Form(fields));
        }
        if let Some(json) = json {
            let span = json.span();
            return Ok(Body::Json(self.json_template(
                json.into_inner(),
                span,
                names,
            )?));
        }
        if let Some(body) = body {
            return Ok(Body::Raw {
                content_type,
                body: self.template(body, names)?,
            });
        }
        if let Some(parts) = multipart {
            let mut converted = Vec::new();
            for (name, part) in parts {
                let span = part.span();
                match part.into_inner() {
                    PartDef::Field(field) => converted.push(Part::Text {
                        name,
                        value: self.field(Spanned::new(span, field), names)?,
                    }),
                    PartDef::File(file) => {
                        let path = self.relative(&file.file);
                        let contents = std::fs::read(&path).map_err(|error| {
                            self.error(
                                span.clone(),
                                format!("cannot read multipart file {}: {error}", path.display()),
                            )
                        })?;
                        let file_name = file.filename.unwrap_or_else(|| {
                            path.file_name().map_or_else(
                                || file.file.clone(),
                                |name| name.to_string_lossy().into_owned(),
                            )
                        });
                        converted.push(Part::File {
                            name,
                            file_name,
                            content_type: file.content_type,
                            contents: Arc::new(contents),
                        });
                    }
                }
            }
            return Ok(Body::Multipart(converted));
        }
        if content_type.is_some() {
            return Err(self.error(
                span,
                "`content_type` without `body`: expected a raw `body` to go with it",
            ));
        }
        Ok(Body::Empty)
    }

    fn json_template(
        &self,
        value: toml::Value,
        span: Range<usize>,
        names: &ClassNames,
    ) -> Result<JsonTemplate> {
        Ok(match value {
            toml::Value::String(text) => {
                let template = self.template(Spanned::new(span, text), names)?;
                match template.as_static() {
                    Some(text) => JsonTemplate::Literal(serde_json::Value::String(text.to_owned())),
                    None => JsonTemplate::String(template),
                }
            }
            toml::Value::Array(items) => JsonTemplate::Array(
                items
                    .into_iter()
                    .map(|item| self.json_template(item, span.clone(), names))
                    .collect::<Result<_>>()?,
            ),
            toml::Value::Table(table) => JsonTemplate::Object(
                table
                    .into_iter()
                    .map(|(key, item)| Ok((key, self.json_template(item, span.clone(), names)?)))
                    .collect::<Result<_>>()?,
            ),
            other => JsonTemplate::Literal(toml_to_json(other)),
        })
    }

    fn checks(&self, raw: CheckDef) -> Result<Checks> {
        let status = match raw.status {
            Some(status) => {
                let span = status.span();
                let codes = status.into_inner().into_vec();
                if let Some(code) = codes.iter().find(|&&code| !(100..=599).contains(&code)) {
                    return Err(self.error(
                        span,
                        format!("invalid status {code}: expected an HTTP status from 100 to 599"),
                    ));
                }
                Some(codes)
            }
            None => None,
        };
        let mut json = Vec::new();
        for (pointer, value) in raw.json {
            if !pointer.is_empty() && !pointer.starts_with('/') {
                return Err(self.error(value.span(), format!("invalid JSON pointer `{pointer}`: expected `/` followed by keys, such as \"/results/0/id\"")));
            }
            json.push((pointer, toml_to_json(value.into_inner())));
        }
        let max_response_time = match raw.max_response_time {
            Some(limit) => {
                let milliseconds = *limit.get_ref();
                match duration_from_seconds(milliseconds / 1000.0) {
                    Some(duration) if milliseconds > 0.0 => Some(duration),
                    _ => {
                        return Err(self.error(
                            limit.span(),
                            format!(
                                "invalid max_response_time {milliseconds:?}: expected milliseconds above 0 and at most {}",
                                MAX_SECONDS * 1000.0
                            ),
                        ))
                    }
                }
            }
            None => None,
        };
        Ok(Checks {
            status,
            body_contains: raw
                .body_contains
                .map(OneOrMany::into_vec)
                .unwrap_or_default(),
            json,
            max_response_time,
        })
    }

    fn capture(&self, variable: String, source: Spanned<CaptureDef>) -> Result<Capture> {
        let span = source.span();
        if !is_identifier(&variable) {
            return Err(self.error(
                span,
                format!("invalid variable name `{variable}`: expected letters, digits or `_`"),
            ));
        }
        let source = match source.into_inner() {
            CaptureDef::Json(pointer) if pointer.is_empty() || pointer.starts_with('/') => CaptureSource::Json(pointer),
            CaptureDef::Json(pointer) => {
                return Err(self.error(span, format!("invalid JSON pointer `{pointer}`: expected `/` followed by keys, such as \"/token\"")))
            }
            CaptureDef::Header(name) => CaptureSource::Header(HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                self.error(span.clone(), format!("invalid header name `{name}`: expected letters, digits and `-`"))
            })?),
            CaptureDef::Regex(pattern) => CaptureSource::Regex(Regex::new(&pattern).map_err(|error| {
                self.error(span.clone(), format!("invalid regex `{pattern}`: {error}"))
            })?),
            CaptureDef::Cookie(name) => CaptureSource::Cookie(name),
        };
        Ok(Capture { variable, source })
    }
}

struct TaskSetParts {
    on_start: Vec<Spanned<RequestDef>>,
    on_stop: Vec<Spanned<RequestDef>>,
    tasks: Vec<Spanned<RequestDef>>,
    groups: Vec<Spanned<GroupDef>>,
    sequential: bool,
    wait_time: Option<WaitTime>,
    iterations: u32,
    tags: Vec<String>,
}

fn request_label(request: &Request) -> String {
    match &request.name {
        Some(name) => format!("{} {name}", request.method_label),
        None => format!("{} {}", request.method_label, request.path.source()),
    }
}

fn collect_captures(requests: &[Spanned<RequestDef>], variables: &mut BTreeSet<String>) {
    for request in requests {
        let raw = request.get_ref();
        variables.extend(raw.capture.keys().cloned());
        if let Some(steps) = &raw.steps {
            collect_captures(steps, variables);
        }
    }
}

fn collect_group_captures(group: &GroupDef, variables: &mut BTreeSet<String>) {
    collect_captures(&group.on_start, variables);
    collect_captures(&group.on_stop, variables);
    collect_captures(&group.task, variables);
    for nested in &group.group {
        collect_group_captures(nested.get_ref(), variables);
    }
}

/// Returns the key whose value starts at byte `offset`, as in `key = value` or
/// `{ key = value }`, when the value is on the same line as its key.
fn key_before(text: &str, offset: usize) -> Option<&str> {
    let line_start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |position| position + 1);
    let before = text[line_start..offset.min(text.len())].trim_end();
    let before = before.strip_suffix('=')?.trim_end();
    let key = before
        .rsplit(|c: char| c == '{' || c == ',' || c.is_whitespace())
        .next()?
        .trim_matches('"');
    (!key.is_empty()).then_some(key)
}

/// Rewrites serde's messages for a value of the wrong type or range, such as "invalid value:
/// integer `-5`, expected usize", into one that names the key and the accepted values.
fn explain_value_error(key: &str, message: &str) -> Option<String> {
    if key == "wait_time" && message.contains("wanted string or table") {
        return Some(
            "invalid wait_time: expected a table with one of between = [MIN, MAX], constant = SECONDS, \
             constant_pacing = SECONDS or constant_throughput = RUNS_PER_SECOND, \
             such as wait_time = { between = [5, 10] }"
                .to_owned(),
        );
    }
    if let Some(rest) = message.strip_prefix("invalid type: string ") {
        let (value, expected) = rest.split_once(", expected ")?;
        let kind = match expected {
            "usize" | "u64" | "u32" | "u16" | "u8" | "i64" | "i32" => "a whole number",
            "f64" => "a number",
            "a boolean" => "true or false",
            _ => return None,
        };
        let unquoted = value.trim_matches('"');
        return Some(format!(
            "invalid {key} {value}: expected {kind} without quotes, such as {key} = {unquoted}"
        ));
    }
    if message == "invalid type: map, expected a sequence" {
        return Some(format!(
            "invalid {key}: expected a list of tables, such as {key} = [{{ path = \"/\" }}]"
        ));
    }
    if message.contains("untagged enum FieldDef") {
        return Some(format!(
            "invalid field `{key}`: expected a string, a number or true/false"
        ));
    }
    if message.contains("untagged enum PartDef") {
        return Some(format!(
            "invalid multipart part `{key}`: expected a string, a number, true/false \
             or a file such as {{ file = \"photo.png\" }}"
        ));
    }
    let rest = message.strip_prefix("invalid value: integer `")?;
    let (value, expected) = rest.split_once("`, expected ")?;
    let maximum = match expected {
        "usize" | "u64" => u64::MAX.to_string(),
        "u32" => u32::MAX.to_string(),
        "u16" => u16::MAX.to_string(),
        "u8" => u8::MAX.to_string(),
        _ => return None,
    };
    Some(format!(
        "invalid {key} {value}: expected a whole number from 0 to {maximum}"
    ))
}

/// Rewrites serde's messages for a table header or dotted key of the wrong shape, where no
/// `key = value` precedes the error's position.
fn explain_table_error(text: &str, offset: usize, message: &str) -> Option<String> {
    let offset = offset.min(text.len());
    let line_start = text[..offset]
        .rfind('\n')
        .map_or(0, |position| position + 1);
    let line_end = text[offset..]
        .find('\n')
        .map_or(text.len(), |position| offset + position);
    let line = text[line_start..line_end].trim();

    if message == "invalid type: map, expected a sequence" {
        // `[user.W.task]` declares one table where the key needs an array of tables.
        let header = line.strip_prefix('[')?.split(']').next()?.trim();
        let key = header.rsplit('.').next()?.trim();
        return Some(format!(
            "`[{header}]` declares one table, but `{key}` is a list: write `[[{header}]]` \
             with double brackets for each entry, or `{key} = [...]`"
        ));
    }
    if message.ends_with("expected a borrowed string") {
        // toml 0.8 cannot record a position for a table built from dotted keys, such as
        // `wait_time.constant = 1`, so keys whose position we keep need an inline table or a header.
        let dotted = line.split('=').next()?.trim();
        let (table, field) = dotted.rsplit_once('.')?;
        let table = table.rsplit('.').next()?;
        return Some(format!(
            "dotted key `{dotted}` is not supported here: write `{table} = {{ {field} = ... }}` \
             as an inline table"
        ));
    }
    None
}

/// Adds "did you mean" to an unknown key or variant message when one expected name is a small
/// typo away, for example `metod` for `method`.
fn with_spelling_hint(message: &str) -> String {
    let unknown = ["unknown field `", "unknown variant `"]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix))
        .and_then(|rest| rest.split('`').next());
    let (Some(unknown), Some((_, expected))) = (unknown, message.split_once("expected")) else {
        return message.to_owned();
    };
    let closest = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|candidate| (edit_distance(unknown, candidate), candidate))
        .min();
    match closest {
        Some((distance, candidate)) if distance <= 2 && distance < unknown.len() => {
            format!("{message} (did you mean `{candidate}`?)")
        }
        _ => message.to_owned(),
    }
}

/// Returns the Levenshtein distance between two short names.
fn edit_distance(left: &str, right: &str) -> usize {
    let right: Vec<char> = right.chars().collect();
    let mut previous: Vec<usize> = (0..=right.len()).collect();
    for (row, left_char) in left.chars().enumerate() {
        let mut current = vec![row + 1];
        for (column, right_char) in right.iter().enumerate() {
            let substitution = previous[column] + usize::from(left_char != *right_char);
            let deletion = previous[column + 1] + 1;
            let insertion = current[column] + 1;
            current.push(substitution.min(deletion).min(insertion));
        }
        previous = current;
    }
    previous[right.len()]
}

fn toml_to_json(value: toml::Value) -> serde_json::Value {
    match value {
        toml::Value::String(text) => serde_json::Value::String(text),
        toml::Value::Integer(number) => serde_json::Value::from(number),
        toml::Value::Float(number) => serde_json::Number::from_f64(number)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        toml::Value::Boolean(flag) => serde_json::Value::Bool(flag),
        toml::Value::Datetime(datetime) => serde_json::Value::String(datetime.to_string()),
        toml::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(toml_to_json).collect())
        }
        toml::Value::Table(table) => serde_json::Value::Object(
            table
                .into_iter()
                .map(|(key, item)| (key, toml_to_json(item)))
                .collect(),
        ),
    }
}
