//! The `swarm` command: load the swarmfile, resolve the options, then check, list, or run.

use std::fmt::Write as _;
use std::process::ExitCode;

use crate::cli::{tracing_level, Cli, Settings};
use crate::engine::tags::filter_by_tags;
use crate::headless::{self, Outcome};
use crate::report::final_reports::check_report_paths;
use crate::scenario::{self, Scenario, TaskKind, TaskSet};

/// Exit code of a usage or swarmfile error.
pub const USAGE_ERROR: u8 = 2;

/// Runs the command and returns its exit code.
pub fn run(cli: Cli) -> ExitCode {
    let mut scenario = match scenario::load(&cli.swarmfile) {
        Ok(scenario) => scenario,
        Err(error) => return usage_error(&error.to_string()),
    };
    let settings = match cli.settings(&scenario.defaults) {
        Ok(settings) => settings,
        Err(message) => return usage_error(&message),
    };
    init_logging(&settings.loglevel);

    if cli.check {
        if let Err(message) = check_report_paths(&settings) {
            return usage_error(&message);
        }
        let tasks: usize = scenario
            .classes
            .iter()
            .map(|class| count_tasks(&class.behaviour))
            .sum();
        println!(
            "{}: valid, {} user classes, {tasks} tasks",
            cli.swarmfile.display(),
            scenario.classes.len()
        );
        return ExitCode::SUCCESS;
    }

    let dropped = filter_by_tags(&mut scenario, &settings.tags, &settings.exclude_tags);
    for class in &dropped {
        tracing::info!("User class {class} has no task left after tag filtering and will not run");
    }
    if scenario.classes.is_empty() {
        return usage_error(
            "no task matches the tags given with -T/-E: check the tag names in the swarmfile",
        );
    }

    if cli.list {
        print!("{}", list(&scenario));
        return ExitCode::SUCCESS;
    }

    if let Err(message) = check_report_paths(&settings) {
        return usage_error(&message);
    }
    crate::open_files::raise_open_file_limit();

    if !settings.headless {
        return crate::web::run_web_ui(scenario, &settings, &cli.swarmfile, cli.web_auth.clone());
    }
    run_headless(scenario, &settings)
}

fn run_headless(scenario: Scenario, settings: &Settings) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return usage_error(&format!("cannot start the async runtime: {error}")),
    };
    match runtime.block_on(headless::run(scenario, settings)) {
        Ok(Outcome::Passed) => ExitCode::SUCCESS,
        Ok(Outcome::Failed) => {
            let code = u8::try_from(settings.exit_code_on_error).unwrap_or(1);
            tracing::info!("Shutting down (exit code {code})");
            ExitCode::from(code)
        }
        Err(error) => usage_error(&format!("{error:#}")),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(USAGE_ERROR)
}

fn init_logging(loglevel: &str) {
    let filter = tracing_subscriber::EnvFilter::new(format!("swarm={}", tracing_level(loglevel)));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}

fn count_tasks(set: &TaskSet) -> usize {
    set.tasks
        .iter()
        .map(|task| match &task.kind {
            TaskKind::Steps(_) => 1,
            TaskKind::Group(group) => count_tasks(group),
        })
        .sum()
}

/// Lists classes and tasks with their weights, as `--list` prints them.
pub fn list(scenario: &Scenario) -> String {
    let mut output = String::from("Available Users:\n");
    for class in &scenario.classes {
        let share = if class.fixed_count > 0 {
            format!("fixed_count {}", class.fixed_count)
        } else {
            format!("weight {}", class.weight)
        };
        let _ = writeln!(output, "    {} ({share})", class.name);
        list_tasks(&mut output, &class.behaviour, 2);
    }
    output
}

fn list_tasks(output: &mut String, set: &TaskSet, depth: usize) {
    let indent = "    ".repeat(depth);
    for task in &set.tasks {
        let tags = if task.tags.is_empty() {
            String::new()
        } else {
            format!(" tags: {}", task.tags.join(", "))
        };
        let _ = writeln!(
            output,
            "{indent}{} (weight {}){tags}",
            task.name, task.weight
        );
        if let TaskKind::Group(group) = &task.kind {
            list_tasks(output, group, depth + 1);
        }
    }
}
