# The workshop kit's entry points. `make workshop` runs the kit, `make test` runs the tests.
SHELL := /bin/bash
CARGO ?= cargo
BIND ?= 127.0.0.1:8000
# swarm's target follows BIND's port, on loopback even when BIND shares the server.
HOST ?= http://127.0.0.1:$(lastword $(subst :, ,$(BIND)))
WEB_PORT ?= 8089
SWARMFILE ?= swarmfile.toml
DATABASE_URL ?= sqlite://tweetcheck.db
# The commands below run the binaries of one workspace build. `cargo run -p CRATE` would build
# the shared dependencies again with that crate's features only, which takes minutes.
RELEASE_BIN ?= $(or $(CARGO_TARGET_DIR),target)/release

.PHONY: build serve swarm workshop docs test test-deps bench fmt lint screenshots

build:
	$(CARGO) build --release --workspace --bins

serve: build
	$(RELEASE_BIN)/tweetcheck serve --bind $(BIND) --database $(DATABASE_URL)

swarm: build
	$(RELEASE_BIN)/swarm -f $(SWARMFILE) -H $(HOST) -P $(WEB_PORT) --reset-stats

# TweetCheck on :8000 and the swarm UI on :8089 together; Ctrl-C stops both.
workshop: build
	scripts/workshop $(RELEASE_BIN) "$(BIND)" "$(DATABASE_URL)" "$(HOST)" "$(WEB_PORT)" "$(SWARMFILE)"

docs: build
	$(RELEASE_BIN)/workshop-docs build docs target/site

# Installs what the tests need (Chromium and ChromeDriver for the browser tests), then runs them.
test: test-deps
	$(CARGO) test --workspace --all-targets

test-deps:
	scripts/ensure-test-deps

bench:
	scripts/bench

fmt:
	$(CARGO) fmt --all

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

screenshots: test-deps
	$(CARGO) run --release -p swarm --example screenshots
