//! `csp-explorer diff`: what a what-if changes against its base (parties, links, findings), as text
//! or JSON; exit code 1 when they differ.
//! Must not compare scenarios itself: `whatif::diff` does, for the window's compare card too.

use super::Format;
use super::input::load_scenario;
use super::output::{STDIO, bad_input, out};
use clap::Args;
use std::process::ExitCode;

// The arguments of `diff` (its help is the doc comment of `Command::Diff`).
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The base: a save file, `builtin:<slug>`, or `-` for standard input.
    base: String,
    /// The what-if: a save file, `builtin:<slug>`, or `-` for standard input (not both).
    whatif: String,
    /// Output format (text or json).
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

impl DiffArgs {
    /// Compares the two scenarios and prints the difference.
    pub fn run(self) -> ExitCode {
        diff(&self.base, &self.whatif, self.format)
    }
}

fn diff(base: &str, whatif: &str, format: Format) -> ExitCode {
    if base == STDIO && whatif == STDIO {
        return bad_input("only one of the two scenarios can come from standard input (-)");
    }
    let (a, b) = match (load_scenario(base), load_scenario(whatif)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return bad_input(e),
    };
    let d = crate::whatif::diff(&a, &b);
    match format {
        Format::Json => {
            let mut text =
                serde_json::to_string_pretty(&d.to_json(base, whatif)).unwrap_or_default();
            text.push('\n');
            out!("{text}");
        }
        Format::Text | Format::Markdown => out!("{}", d.to_text(base, whatif)),
    }
    if d.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
