//! Broken swarmfiles: each error names file:line:column and what was expected.

use std::path::Path;

use swarm::scenario::{parse, ScenarioError};

const TASK: &str = "[[user.Reader.task]]\npath = \"/\"\n";

/// (swarmfile, line, column, text the message must contain)
const CASES: &[(&str, usize, usize, &str)] = &[
    ("[user.Reader\n", 1, 13, "expected"),
    ("[user.Reader]\n[[user.Reader.task]]\nmetod = \"GET\"\npath = \"/\"\n", 3, 1, "unknown field `metod`"),
    ("[user.Reader]\n[[user.Reader.task]]\nmetod = \"GET\"\npath = \"/\"\n", 3, 1, "(did you mean `method`?)"),
    ("[user.Reader]\nwait_time = { constnt = 3 }\n[[user.Reader.task]]\npath = \"/\"\n", 2, 15, "(did you mean `constant`?)"),
    ("[user.Reader]\nwait_time = { between = [10, 5] }\n[[user.Reader.task]]\npath = \"/\"\n", 2, 13, "0 <= MIN <= MAX"),
    ("[user.Reader]\nwait_time = { sometimes = 3 }\n[[user.Reader.task]]\npath = \"/\"\n", 2, 15, "between"),
    ("[user.Reader]\n[[user.Reader.task]]\npath = \"/\"\nheaders = { Authorization = \"Token {{ tokn }}\" }\n", 4, 29, "unknown variable `tokn`"),
    ("[user.Reader]\n[[user.Reader.task]]\npath = \"/x/{{ oops\"\n", 3, 12, "unclosed placeholder"),
    ("[user.Reader]\n[[user.Reader.task]]\nmethod = \"G ET\"\npath = \"/\"\n", 3, 10, "invalid method `G ET`"),
    ("[user.Reader]\n[[user.Reader.task]]\nweight = 0\npath = \"/\"\n", 3, 10, "invalid weight 0"),
    ("[user.Reader]\n[[user.Reader.task]]\nmethod = \"GET\"\n", 2, 1, "missing `path`"),
    ("[user.Reader]\nweight = 2\n", 1, 7, "has no task"),
    ("[user.Reader]\n[[user.Reader.task]]\npath = \"/\"\ncapture = { id = { regex = \"(\" } }\n", 4, 18, "invalid regex"),
    ("[user.Reader]\n[[user.Reader.task]]\npath = \"/\"\ncheck = { status = 99 }\n", 4, 20, "invalid status 99"),
    ("[swarm]\nhost = \"127.0.0.1:8000\"\n[user.Reader]\n[[user.Reader.task]]\npath = \"/\"\n", 2, 8, "expected an http:// or https:// URL"),
    ("[swarm]\nrun_time = \"5x\"\n[user.Reader]\n[[user.Reader.task]]\npath = \"/\"\n", 2, 12, "invalid time span `5x`"),
    ("[user.Reader]\n[[user.Reader.task]]\npath = \"/\"\nform = { a = \"1\" }\njson = { b = 2 }\n", 2, 1, "more than one body"),
    ("[swarm]\nusers = 3\n", 1, 1, "no user class"),
    ("[user.Reader]\n[[user.Reader.task]]\npath = \"/{{ data.email }}\"\n", 3, 8, "needs a data file"),
    ("[user.Reader]\n[[user.Reader.task]]\npath = \"api/\"\n", 3, 8, "starting with `/`"),
    ("[user.Reader]\n[[user.Reader.group]]\nname = \"browse\"\n", 2, 1, "group `browse` has no task"),
    ("[user.Reader]\n[[user.Reader.on_start]]\npath = \"/login\"\nweight = 3\n", 4, 10, "`weight` is not allowed in on_start"),
    ("[user.Reader]\nfixed_count = 0\nweight = 0\n[[user.Reader.task]]\npath = \"/\"\n", 1, 7, "never runs"),
    ("[user.Reader]\n[[user.Reader.task]]\npath = \"/\"\ncheck = { json = { \"status\" = 1 } }\n", 4, 31, "invalid JSON pointer `status`"),
    ("[swarm]\nspawn_rate = 1e-300\n[user.Reader]\n[[user.Reader.task]]\npath = \"/\"\n", 2, 14, "invalid spawn_rate 1e-300"),
    ("[user.Reader]\ntimeout = 1e300\n[[user.Reader.task]]\npath = \"/\"\n", 2, 11, "invalid timeout"),
    ("[user.Reader]\n[[user.Reader.task]]\npath = \"/\"\ntimeout = -1.0\n", 4, 11, "invalid timeout"),
    ("[user.Reader]\n[[user.Reader.task]]\npath = \"/\"\ncheck = { max_response_time = 1e300 }\n", 4, 31, "invalid max_response_time"),
    ("[user.Reader]\nwait_time = { constant = 1e300 }\n[[user.Reader.task]]\npath = \"/\"\n", 2, 13, "invalid wait_time 1e300"),
    ("[user.Reader]\nwait_time = { constant_pacing = nan }\n[[user.Reader.task]]\npath = \"/\"\n", 2, 13, "invalid wait_time NaN"),
    ("[user.Reader]\nwait_time = { between = [1, inf] }\n[[user.Reader.task]]\npath = \"/\"\n", 2, 13, "invalid wait_time between"),
    ("[user.Reader]\nwait_time = { constant_throughput = 1e-300 }\n[[user.Reader.task]]\npath = \"/\"\n", 2, 13, "invalid wait_time constant_throughput"),
    ("[user.Reader]\nheaders = { \"X-A\" = \"a\\nb\" }\n[[user.Reader.task]]\npath = \"/\"\n", 2, 21, "invalid value \"a\\nb\" for header `X-A`"),
    ("[user.Reader]\n[[user.Reader.task]]\npath = \"/\"\nheaders = { \"X-B\" = \"\\u0000\" }\n", 4, 21, "for header `X-B`"),
    ("[swarm]\nusers = -5\n[user.Reader]\n[[user.Reader.task]]\npath = \"/\"\n", 2, 9, "invalid users -5: expected a whole number from 0 to"),
    ("[user.Reader]\nweight = -1\n[[user.Reader.task]]\npath = \"/\"\n", 2, 10, "invalid weight -1: expected a whole number from 0 to 4294967295"),
    ("[user.Reader]\n[[user.Reader.task]]\npath = \"/\"\nmax_redirects = -2\n", 4, 17, "invalid max_redirects -2"),
    ("[user.Reader]\nwait_time = 5\n[[user.Reader.task]]\npath = \"/\"\n", 2, 13, "such as wait_time = { between = [5, 10] }"),
    ("[user.Reader.task]\npath = \"/\"\n", 1, 1, "write `[[user.Reader.task]]` with double brackets"),
    ("[user.Reader]\ntask = { path = \"/\" }\n", 2, 8, "invalid task: expected a list of tables"),
    ("[user.Reader]\nweight = \"10\"\n[[user.Reader.task]]\npath = \"/\"\n", 2, 10, "expected a whole number without quotes, such as weight = 10"),
    ("[user.Reader]\ntimeout = \"5\"\n[[user.Reader.task]]\npath = \"/\"\n", 2, 11, "expected a number without quotes"),
    ("[user.Reader]\nwait_time.constant = 1\n[[user.Reader.task]]\npath = \"/\"\n", 2, 11, "write `wait_time = { constant = ... }`"),
    ("[[user.Reader.task]]\npath = \"/\"\n[[user.bad-name.task]]\npath = \"/\"\n", 3, 8, "invalid user class name `bad-name`"),
    ("[[user.Reader.task]]\npath = \"/\"\nform = { a = [1] }\n", 3, 14, "invalid field `a`: expected a string, a number or true/false"),
    ("[[user.Reader.task]]\npath = \"/\"\nmultipart = { a = [1] }\n", 3, 19, "invalid multipart part `a`"),
];

#[test]
fn broken_swarmfiles_point_at_the_mistake() {
    for (source, line, column, expected) in CASES {
        let error = parse(Path::new("broken.toml"), source)
            .err()
            .unwrap_or_else(|| panic!("accepted a broken swarmfile:\n{source}"));
        let ScenarioError::Invalid {
            line: found_line,
            column: found_column,
            message,
            ..
        } = &error
        else {
            panic!("unexpected error kind: {error}");
        };
        assert!(
            message.contains(expected),
            "{source}\nmessage: {message}\nexpected text: {expected}"
        );
        assert_eq!(
            (*found_line, *found_column),
            (*line, *column),
            "{source}\nmessage: {message}"
        );
        let prefix = format!("broken.toml:{line}:{column}: ");
        assert!(error.to_string().starts_with(&prefix), "{error}");
    }
}

#[test]
fn valid_swarmfile_parses_every_feature() {
    let source = format!(
        r#"
[swarm]
host = "http://127.0.0.1:8000"
users = 5
run_time = "1m30s"

[user.Writer]
fixed_count = 1
host = "http://127.0.0.1:9000"
headers = {{ Accept = "application/json" }}
variables = {{ greeting = "hello" }}
wait_time = {{ constant_pacing = 2 }}
timeout = 2.5

[[user.Writer.on_start]]
method = "POST"
path = "/login"
json = {{ user = "u{{{{ user_index }}}}", tags = ["a", "{{{{ greeting }}}}"] }}
capture = {{ token = {{ json = "/token" }}, session = {{ cookie = "sid" }} }}

[[user.Writer.task]]
weight = 3
tags = ["write"]
steps = [
  {{ method = "PUT", path = "/items/{{{{ random_int(1, 9) }}}}", name = "/items/[id]", body = "x", content_type = "text/plain" }},
  {{ path = "/items", query = {{ page = "2" }}, check = {{ status = [200, 204], body_contains = "ok", max_response_time = 500 }} }},
]

[[user.Writer.group]]
name = "browse"
sequential = true
iterations = 2
tags = ["read"]

[[user.Writer.group.task]]
path = "/a"

[[user.Writer.group.task]]
path = "/b"
capture = {{ id = {{ header = "X-Id" }} }}

[user.Reader]
weight = 4
wait_time = {{ constant_throughput = 0.5 }}
{TASK}
"#
    );
    let scenario = parse(Path::new("ok.toml"), &source).unwrap_or_else(|error| panic!("{error}"));

    assert_eq!(scenario.defaults.users, Some(5));
    assert_eq!(
        scenario.defaults.run_time,
        Some(std::time::Duration::from_secs(90))
    );
    let names: Vec<&str> = scenario
        .classes
        .iter()
        .map(|class| class.name.as_str())
        .collect();
    assert_eq!(names, ["Reader", "Writer"]);
    let writer = scenario.class("Writer").unwrap();
    assert_eq!(writer.fixed_count, 1);
    assert_eq!(writer.behaviour.on_start.len(), 1);
    assert_eq!(writer.behaviour.on_start[0].captures.len(), 2);
    assert_eq!(writer.behaviour.tasks.len(), 2);
    assert_eq!(writer.behaviour.tasks[0].weight, 3);
    assert_eq!(writer.behaviour.tasks[0].tags, ["write"]);
    let swarm::scenario::TaskKind::Group(group) = &writer.behaviour.tasks[1].kind else {
        panic!("the second task is the group");
    };
    assert!(group.sequential);
    assert_eq!(group.iterations, 2);
    assert_eq!(group.tasks.len(), 2);
    assert_eq!(
        group.tasks[0].tags,
        ["read"],
        "groups pass their tags to their tasks"
    );
}

#[test]
fn implicit_class_tables_load() {
    // TOML creates `user.Reader` from the task headers alone, so no `[user.Reader]` line is needed.
    let source = "[[user.Reader.task]]\npath = \"/a\"\n\n[[user.Reader.task]]\npath = \"/b\"\n\n\
                  [user.Writer]\nweight = 2\n[[user.Writer.task]]\npath = \"/c\"\n";
    let scenario =
        parse(Path::new("implicit.toml"), source).unwrap_or_else(|error| panic!("{error}"));

    let names: Vec<&str> = scenario
        .classes
        .iter()
        .map(|class| class.name.as_str())
        .collect();
    assert_eq!(names, ["Reader", "Writer"]);
    assert_eq!(scenario.classes[0].behaviour.tasks.len(), 2);
    assert_eq!(scenario.classes[0].weight, 1);
    assert_eq!(scenario.classes[1].weight, 2);
}
