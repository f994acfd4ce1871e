//! `csp-explorer`: with no subcommand the app opens; subcommands work without a window.

// A release build on Windows is a windowed app: double-clicking it (or its Start menu entry) opens
// no console window next to the explorer. Subcommands then attach to the terminal they were typed
// in (see `attach_console`). Debug builds keep the console, for panics and logs while developing.
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

use clap::Parser;
use csp_explorer::cli::{Cli, builtin_slugs, run, to_stderr};
use std::process::ExitCode;

/// Windows: a windowed-subsystem program starts with no console, so what the command line prints
/// would go nowhere. Attaching to the console of the terminal that started it (if any) gives
/// `--help`, `check`, `export` and the rest their output again; started from Explorer there is no
/// such console and nothing happens. (Output redirected to a file needs no console and works either
/// way.)
#[cfg(windows)]
fn attach_console() {
    use windows_sys::Win32::System::Console::{ATTACH_PARENT_PROCESS, AttachConsole};
    // SAFETY: AttachConsole takes a process id and has no other preconditions; when it fails (no
    // parent console, or one attached already) the program simply keeps the handles it has.
    unsafe {
        AttachConsole(ATTACH_PARENT_PROCESS);
    }
}

fn main() -> ExitCode {
    #[cfg(windows)]
    attach_console();
    // Errors the window shows are also logged; RUST_LOG=debug (or csp_explorer=debug) tells more.
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(
        // usvg warns once per character and text without a font; the export says it once instead
        // (fonts::Fonts::coverage_warning).
        "warn,usvg::text=error",
    ))
    .init();
    let cli = Cli::parse();
    if let Some(command) = cli.command {
        return run(command);
    }
    // A word that is no file is more likely a mistyped command than a save to open.
    if let Some(file) = &cli.file
        && !file.exists()
    {
        to_stderr(format_args!(
            "error: there is no file `{}`, and it is not a command (see csp-explorer --help)",
            csp_explorer::text::path(file)
        ));
        return ExitCode::from(2);
    }
    if let Some(slug) = &cli.scenario
        && csp_explorer::scenarios::builtin(slug).is_none()
    {
        to_stderr(format_args!(
            "error: no built-in scenario `{slug}`; the built-in scenarios are {}",
            builtin_slugs()
        ));
        return ExitCode::from(2);
    }
    if let Some(key) = &cli.lesson
        && csp_explorer::training::builtin_lesson(key).is_none()
    {
        let keys: Vec<&str> = csp_explorer::training::LESSONS
            .iter()
            .map(|l| l.key)
            .collect();
        to_stderr(format_args!(
            "error: no built-in lesson `{key}`; the lessons are {}",
            keys.join(", ")
        ));
        return ExitCode::from(2);
    }
    let launch = csp_explorer::ui::Launch {
        open: cli.open.or(cli.file),
        builtin: cli.scenario,
        lesson: cli.lesson,
        presenter: cli.presenter,
        ..Default::default()
    };
    match csp_explorer::ui::run(launch) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            to_stderr(format_args!("error: cannot open the window: {e}"));
            ExitCode::FAILURE
        }
    }
}
