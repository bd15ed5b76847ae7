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
            let opens_class = block.lines().any(|line| line.starts_with("[user."));
            opens_class && block.contains(".task]]")
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn complete_examples_parse() {
    let examples = complete_examples(&reference());
    assert!(examples.len() >= 3, "found {} examples", examples.len());
    for example in &examples {
        // Examples that read files are checked up to the missing file.
        if let Err(error) = swarm::scenario::parse(Path::new("example.toml"), example) {
            let message = error.to_string();
            assert!(
                message.contains("cannot read"),
                "{message}\nin the example:\n{example}"
            );
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
