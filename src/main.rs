//! `csp-explorer`: with no subcommand the app opens; subcommands work without a window.

use clap::Parser;
use csp_explorer::cli::{Cli, builtin_slugs, run};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(command) = cli.command {
        return run(command);
    }
    if let Some(slug) = &cli.scenario
        && csp_explorer::scenarios::builtin(slug).is_none()
    {
        eprintln!(
            "error: no built-in scenario `{slug}`; the built-in scenarios are {}",
            builtin_slugs()
        );
        return ExitCode::from(2);
    }
    let launch = csp_explorer::ui::Launch {
        open: cli.open,
        builtin: cli.scenario,
    };
    match csp_explorer::ui::run(launch) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot open the window: {e}");
            ExitCode::FAILURE
        }
    }
}
