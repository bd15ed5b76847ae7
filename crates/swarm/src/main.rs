use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match swarm::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(swarm::app::USAGE_ERROR)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    swarm::app::run(cli)
}
