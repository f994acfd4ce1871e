//! `csp-explorer diff`: what a what-if changes against its base (parties, links, findings), as text
//! or JSON, or its impact as a Markdown handout or a CSV of findings; exit code 1 when they differ.
//! Must not compare scenarios itself: `whatif::diff` does, for the window's compare card too.

use super::input::{builtin_slug, is_stdio, load_scenario};
use super::output::{bad_input, out};
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What `diff` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Readable text, one change a line.
    Text,
    /// JSON for other tools.
    Json,
    /// The impact as a Markdown handout: what to do first, findings by rule and by party with the
    /// customers they concern.
    #[value(alias = "markdown")]
    Md,
    /// Every finding introduced or resolved, one a row, with the party and customer it concerns.
    Csv,
}

// The arguments of `diff` (its help is the doc comment of `Command::Diff`).
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The base: a save file, `builtin:<slug>`, or `-` for standard input.
    base: PathBuf,
    /// The what-if: a save file, `builtin:<slug>`, or `-` for standard input (not both).
    whatif: PathBuf,
    /// Output format: text, json, md (the impact as a Markdown handout) or csv (one finding a row).
    #[arg(long, value_enum, default_value = "text")]
    format: DiffFormat,
}

impl DiffArgs {
    /// Compares the two scenarios and prints the difference.
    pub fn run(self) -> ExitCode {
        diff(&self.base, &self.whatif, self.format)
    }
}

fn diff(base: &Path, whatif: &Path, format: DiffFormat) -> ExitCode {
    if is_stdio(base) && is_stdio(whatif) {
        return bad_input("only one of the two scenarios can come from standard input (-)");
    }
    let mut a = match load_scenario(base) {
        Ok(a) => a,
        Err(e) => return bad_input(e),
    };
    // Text and JSON need only the differences: a `.cspx` what-if is read as its changes to the
    // base, and the base is the only channel loaded (at 300,000 parties, loading both was most
    // of the time). Anything else, or a what-if that cannot be read that way, is loaded too.
    let json = format == DiffFormat::Json;
    if (json || format == DiffFormat::Text)
        && !is_stdio(whatif)
        && builtin_slug(whatif).is_none()
        && let Some(changes) = crate::io::save::whatif_changes(whatif, &a)
    {
        match crate::whatif::diff_changes(&mut a, &changes) {
            Ok(d) => return write_diff(&d, base, whatif, json),
            // The changes do not make a scenario: loading the what-if says why, beside the base
            // as it was.
            Err(_) => match load_scenario(base) {
                Ok(again) => a = again,
                Err(e) => return bad_input(e),
            },
        }
    }
    let b = match load_scenario(whatif) {
        Ok(b) => b,
        Err(e) => return bad_input(e),
    };
    let d = crate::whatif::diff(&a, &b);
    let (base_name, whatif_name) = (&crate::text::path(base), &crate::text::path(whatif));
    match format {
        DiffFormat::Json | DiffFormat::Text => return write_diff(&d, base, whatif, json),
        DiffFormat::Md => {
            let impact = crate::whatif::impact(&d, &a, &b);
            out!("{}", impact.to_markdown(&d, base_name, whatif_name));
        }
        DiffFormat::Csv => match crate::whatif::Impact::to_csv(&d, &a, &b) {
            Ok(text) => out!("{text}"),
            Err(e) => return bad_input(format!("cannot write the CSV: {e}")),
        },
    }
    exit_code(&d)
}

/// Writes the diff as JSON or text; the exit code says whether they differ.
fn write_diff(d: &crate::whatif::ScenarioDiff, base: &Path, whatif: &Path, json: bool) -> ExitCode {
    let (base, whatif) = (&crate::text::path(base), &crate::text::path(whatif));
    if json {
        let mut text = serde_json::to_string_pretty(&d.to_json(base, whatif)).unwrap_or_default();
        text.push('\n');
        out!("{text}");
    } else {
        out!("{}", d.to_text(base, whatif));
    }
    exit_code(d)
}

/// 1 when the scenarios differ, 0 when they do not.
fn exit_code(d: &crate::whatif::ScenarioDiff) -> ExitCode {
    if d.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
