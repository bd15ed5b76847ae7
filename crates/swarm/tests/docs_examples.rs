//! The swarmfile examples in docs/swarmfile.md: every complete one parses, and the locustfile
//! translation runs against TweetCheck without a failure.

mod support;

use std::path::Path;
use std::time::Duration;

use support::{failures, start_tweetcheck, summary};
use swarm::engine::{Runner, RunnerOptions, StartRequest};

fn reference() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/swarmfile.md");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

/// Returns the ```toml blocks that open a user class table and define a task, in document order.
fn complete_examples(markdown: &str) -> Vec<String> {
    markdown
        .split("```toml\n")
        .skip(1)
        .filter_map(|rest| rest.split("```").next())
        .filter(|block| {
            // A class table may be implied by its first `[[user.NAME.task]]` header alone.
            let opens_class = block
                .lines()
                .any(|line| line.starts_with("[user.") || line.starts_with("[[user."));
            opens_class && block.contains(".task]]")
        })
        .map(str::to_owned)
        .collect()
}

/// Returns every ```toml block, in document order.
fn toml_blocks(markdown: &str) -> Vec<String> {
    markdown
        .split("```toml\n")
        .skip(1)
        .filter_map(|rest| rest.split("```").next())
        .map(str::to_owned)
        .collect()
}

/// Parses `source`, accepting only a failure to read a data or multipart file the docs name.
fn parse_example(source: &str) -> Result<(), String> {
    match swarm::scenario::parse(Path::new("example.toml"), source) {
        Ok(_) => Ok(()),
        Err(error) if error.to_string().contains("cannot read") => Ok(()),
        Err(error) => Err(error.to_string()),
    }
}

#[test]
fn complete_examples_include_implicit_classes() {
    let examples = complete_examples(&reference());
    let implicit = examples
        .iter()
        .filter(|example| !example.lines().any(|line| line.starts_with("[user.")))
        .count();
    assert!(
        implicit >= 1,
        "no example opens its class with `[[user.NAME.task]]` alone"
    );
}

/// Blocks that show part of a file: classes without a task, `[swarm]` alone, or bare
/// `key = value` lines. Each gets the minimum around it that makes a swarmfile.
#[test]
fn partial_examples_parse_when_completed() {
    let blocks = toml_blocks(&reference());
    let complete = complete_examples(&reference());
    let partial: Vec<&String> = blocks
        .iter()
        .filter(|block| !complete.contains(block))
        .collect();
    assert!(partial.len() >= 3, "found {} partial blocks", partial.len());

    for block in partial {
        let has_header = block.lines().any(|line| line.starts_with('['));
        if has_header {
            // Give every class named in a header a task, and add a class when there is none.
            let mut source = block.clone();
            let mut classes: Vec<&str> = block
                .lines()
                .filter_map(|line| line.trim_start_matches('[').strip_prefix("user."))
                .filter_map(|rest| rest.split(['.', ']']).next())
                .collect();
            classes.dedup();
            if classes.is_empty() {
                classes.push("Doc");
            }
            for class in classes {
                source.push_str(&format!("\n[[user.{class}.task]]\npath = \"/\"\n"));
            }
            if let Err(message) = parse_example(&source) {
                panic!("{message}\nin the example:\n{source}");
            }
            continue;
        }

        // Bare lines repeat one key, so each is tried alone at class level and at task level.
        for line in block.lines().filter(|line| !line.trim().is_empty()) {
            let in_class = format!("[user.Doc]\n{line}\n[[user.Doc.task]]\npath = \"/\"\n");
            let in_task = format!("[[user.Doc.task]]\npath = \"/\"\n{line}\n");
            let class_result = parse_example(&in_class);
            let task_result = parse_example(&in_task);
            assert!(
                class_result.is_ok() || task_result.is_ok(),
                "the line `{line}` parses neither in a class ({class_result:?}) nor in a task ({task_result:?})"
            );
        }
    }
}

#[test]
fn complete_examples_parse() {
    let examples = complete_examples(&reference());
    assert!(examples.len() >= 3, "found {} examples", examples.len());
    for example in &examples {
        // Examples that read files are checked up to the missing file.
        if let Err(message) = parse_example(example) {
            panic!("{message}\nin the example:\n{example}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locustfile_translation_runs_on_tweetcheck() {
    let tweetcheck = start_tweetcheck().await;
    let example = complete_examples(&reference())
        .into_iter()
        .find(|example| example.contains("[user.Editor]"))
        .expect("the Editor example");
    let scenario = swarm::scenario::parse(Path::new("editor.toml"), &example).unwrap();
    let runner = Runner::new(scenario, RunnerOptions::default()).unwrap();
    runner
        .start(StartRequest {
            user_count: 6,
            spawn_rate: 20.0,
            host: Some(tweetcheck.url.clone()),
            run_time: Some(Duration::from_secs(2)),
        })
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(15), runner.wait_stopped())
        .await
        .expect("the run stops by itself");
    let snapshot = runner.snapshot();

    assert_eq!(
        snapshot.aggregated.num_failures,
        0,
        "{:?}",
        failures(&snapshot)
    );
    assert_eq!(
        summary(&snapshot, "POST", "/api-token-auth/").num_requests,
        6
    );
    // Each user ran one task before its 5-10 s wait.
    let reads = snapshot
        .entries
        .iter()
        .find(|entry| entry.name == "/api/tweets/" && entry.method == "GET")
        .map_or(0, |entry| entry.num_requests);
    let posts = snapshot
        .entries
        .iter()
        .find(|entry| entry.name == "/api/tweets/" && entry.method == "POST")
        .map_or(0, |entry| entry.num_requests);
    assert_eq!(reads + posts, 6);
    if posts > 0 {
        assert_eq!(
            summary(&snapshot, "GET", "/api/tweets/[id]/").num_requests,
            posts
        );
    }
}
