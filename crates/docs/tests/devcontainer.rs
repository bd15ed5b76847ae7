//! The devcontainer forwards the workshop's two ports and builds the kit once it is created.

use std::path::Path;

use serde_json::Value;

fn devcontainer() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.devcontainer/devcontainer.json");
    let text =
        std::fs::read_to_string(&path).expect("failed to read .devcontainer/devcontainer.json");
    serde_json::from_str(&text).expect(".devcontainer/devcontainer.json is invalid JSON")
}

#[test]
fn devcontainer_forwards_labelled_ports() {
    let config = devcontainer();

    assert_eq!(config["forwardPorts"], serde_json::json!([8000, 8089]));
    assert_eq!(config["portsAttributes"]["8000"]["label"], "TweetCheck");
    assert_eq!(config["portsAttributes"]["8089"]["label"], "swarm UI");
}

#[test]
fn devcontainer_builds_workspace_after_create() {
    let config = devcontainer();

    assert_eq!(
        config["postCreateCommand"],
        "cargo build --release --workspace"
    );
    let image = config["image"]
        .as_str()
        .expect("the devcontainer names an image");
    assert!(
        image.contains("rust"),
        "{image} is not a Rust toolchain image"
    );
}
