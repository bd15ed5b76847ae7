# The workshop kit's entry points. `make workshop` runs the kit, `make test` runs the tests.
SHELL := /bin/bash
CARGO ?= cargo
BIND ?= 127.0.0.1:8000
HOST ?= http://127.0.0.1:8000
DATABASE_URL ?= sqlite://tweetcheck.db
RELEASE_BIN := target/release

.PHONY: build serve swarm workshop docs test test-deps bench fmt lint screenshots

build:
	$(CARGO) build --release --workspace --bins

serve:
	$(CARGO) run --release -p tweetcheck -- serve --bind $(BIND) --database $(DATABASE_URL)

swarm:
	$(CARGO) run --release -p swarm -- -f swarmfile.toml -H $(HOST) --reset-stats

# TweetCheck on :8000 and the swarm UI on :8089 together; Ctrl-C stops both.
workshop: build
	scripts/workshop $(RELEASE_BIN) "$(BIND)" "$(DATABASE_URL)" "$(HOST)"

docs:
	$(CARGO) run --release -p workshop-docs -- build docs target/site

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
