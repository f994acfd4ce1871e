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
    if let Some(key) = &cli.lesson
        && csp_explorer::training::builtin_lesson(key).is_none()
    {
        let keys: Vec<&str> = csp_explorer::training::LESSONS
            .iter()
            .map(|l| l.key)
            .collect();
        eprintln!(
            "error: no built-in lesson `{key}`; the lessons are {}",
            keys.join(", ")
        );
        return ExitCode::from(2);
    }
    let launch = csp_explorer::ui::Launch {
        open: cli.open,
        builtin: cli.scenario,
        lesson: cli.lesson,
        presenter: cli.presenter,
    };
    match csp_explorer::ui::run(launch) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot open the window: {e}");
            ExitCode::FAILURE
        }
    }
}
