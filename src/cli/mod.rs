//! The command line: `csp-explorer` opens the app; subcommands import, check and explain without a
//! window, for scripts, CI pipelines and people who live in a terminal. One file per subcommand (its
//! arguments and what it does); `input.rs` reads scenarios and option values, `output.rs` writes
//! results, status lines and exit codes. Must not hold program knowledge: rules, formats and
//! exports live in the library, which the window uses too.

mod ask;
mod check;
mod completions;
mod convert;
mod diff;
mod export;
mod fix;
mod generate;
mod import;
mod input;
mod lessons;
mod output;
mod rules;
mod scenarios;
mod whatif;

pub use check::{
    render_check_json, render_check_json_proven, render_check_text, render_check_text_proven,
};
pub use fix::{apply_all_safe, apply_one};
pub use import::{DateOrderArg, PartnerKindArg};
pub use input::{STDIO, builtin_slugs, load_scenario};
pub use output::to_stderr;
pub use rules::render_rules;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

const AFTER_HELP: &str = "\
Examples:
  csp-explorer --scenario sample-1              open the app on a built-in scenario
  csp-explorer --open saves/my-channel.ron      open the app on a save file
  csp-explorer saves/my-channel.ron             the same
  csp-explorer --lesson 10-sample-6-own-provider --presenter
                                                open a lesson, ready to project
  csp-explorer import parties.csv links.csv -o channel.ron
  csp-explorer check channel.ron --as-of 2020-01-31
  csp-explorer check builtin:sample-1 --format json
  csp-explorer fix channel.ron --finding 3 --option 1 -o fixed.ron
  csp-explorer fix channel.ron --all-safe
  csp-explorer rules
  csp-explorer export builtin:sample-7-forbidden --format png --scale 2 -o slide.png
  csp-explorer diff builtin:sample-6-forbidden builtin:sample-6-option-1
  csp-explorer ask builtin:sample-7-forbidden contoso-de tailspin-jp --offer M365
  csp-explorer diff channel.ron moved.ron --format md > impact.md
  csp-explorer whatif move-customers channel.ron --from reseller-0 --to reseller-12 --all \\
    --on 2025-07-01 -o moved.ron
  csp-explorer whatif change-provider channel.ron --reseller \"Contoso Reseller\" \\
    --from adatum --to litware --on 2025-07-01 -o moved.ron
  csp-explorer whatif apply plan.ron next-month.ron -o next-month-moved.ron
  csp-explorer lessons
  csp-explorer lessons my-lesson.ron            check a lesson you wrote
  source <(csp-explorer completions bash)       complete commands in bash (zsh, fish, powershell)

Pipes: `-` stands for standard input where a scenario, a plan or an import file is read (check,
fix, export, diff, ask, import, whatif) and for standard output where one is written (-o - in
import, generate, fix, export and whatif; the status line then goes to standard error). A closed pipe
(`csp-explorer scenarios | head -1`) ends the command quietly, with exit code 0.
  csp-explorer import - --partner \"Contoso Distribution\" --country US -o - < customers.json \\
    | csp-explorer check -
  csp-explorer export channel.ron --format svg -o - > slide.svg

Exit codes: `check` 0 no violation, 1 a violation; `fix` 0 applied (or nothing to apply), 1 a
violation remains; `diff` 0 no difference, 1 differences;
`ask` 0 yes, 1 no; `lessons FILE` 0 the lesson works, 1 it does not; `whatif` 0 written with no
violation introduced, 1 written with one; 2 is always bad input or a refused operation (with
--keep-going the steps that apply are still written).";

/// See, change and check how partners work together in Microsoft's Cloud Solution Provider program.
#[derive(Debug, Parser)]
#[command(
    name = "csp-explorer",
    version,
    about,
    after_help = AFTER_HELP,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// Open the app on this save file, as `--open` does: what a file manager passes when a save
    /// is opened with csp-explorer, and what a new user types first.
    #[arg(value_name = "FILE", conflicts_with_all = ["open", "scenario", "lesson"])]
    pub file: Option<PathBuf>,
    /// Open the app on this built-in scenario (see `csp-explorer scenarios`).
    #[arg(long, value_name = "SLUG", conflicts_with = "open")]
    pub scenario: Option<String>,
    /// Open the app on this save file.
    #[arg(long, value_name = "FILE")]
    pub open: Option<PathBuf>,
    /// Open the app on this lesson (see `csp-explorer lessons`).
    #[arg(long, value_name = "KEY", conflicts_with_all = ["open", "scenario"])]
    pub lesson: Option<String>,
    /// Start in presenter mode (large type, no side panels; F5 leaves it).
    #[arg(long)]
    pub presenter: bool,
    /// What to do without a window; with none, the app opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Output formats of `check` and `rules`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text, one finding a line.
    Text,
    /// JSON for other tools.
    Json,
    /// A Markdown table (`rules` only).
    Markdown,
}

/// The headless commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import a channel from files, each recognised by its content: parties and links CSVs (see
    /// docs/csv-import.md), Partner Center's JSON bodies and CSV downloads (see
    /// docs/partner-center-import.md).
    Import(import::ImportArgs),
    /// Generate a deterministic, realistic channel of any size (providers, resellers, direct-bill
    /// partners and customers across regions, with a few deliberate rule breaks) into a save file.
    Generate(generate::GenerateArgs),
    /// Convert a save between RON (readable, for git) and the compact binary `.cspx` (for large
    /// channels): the input is recognised by its content, the output format by its extension.
    Convert(convert::ConvertArgs),
    /// Check a scenario against the CSP program rules.
    Check(check::CheckArgs),
    /// Apply a quick fix of `check`'s findings list, like the findings panel's buttons: only fixes
    /// proven on this channel are offered (they remove their finding and add no violation).
    Fix(fix::FixArgs),
    /// List the rules the engine checks: id, severity, what, why, source and fix.
    Rules(rules::RulesArgs),
    /// List the built-in scenarios.
    Scenarios,
    /// Export a diagram (svg, png, drawio, dot, graphml, gexf, mermaid) or a findings report (md, csv,
    /// json).
    Export(export::ExportArgs),
    /// Compare a base scenario with a what-if: parties and links added, removed or changed, and the
    /// findings introduced or resolved.
    Diff(diff::DiffArgs),
    /// Ask whether a partner can sell an offer to a customer: yes or no, the chain it would use, and
    /// every rule in the way.
    Ask(ask::AskArgs),
    /// Change many parties at once, on a date: move customers, change a reseller's provider, end
    /// partnerships, take a direct-bill partner indirect, turn DAP into GDAP, or apply a plan of
    /// such operations; prints the findings introduced and resolved, and writes the result.
    Whatif(whatif::WhatifArgs),
    /// List the built-in lessons, or check a lesson file: it loads, its solution solves it, and its
    /// starting scenario does not.
    Lessons(lessons::LessonsArgs),
    /// Print the completion script of a shell (bash, zsh, fish, powershell), or write every
    /// script and the man page into a folder with --out-dir.
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff: `csp-explorer man | man -l -`).
    Man(completions::ManArgs),
}

/// Runs a headless command and returns the process exit code.
pub fn run(command: Command) -> ExitCode {
    match command {
        Command::Import(args) => args.run(),
        Command::Generate(args) => args.run(),
        Command::Convert(args) => args.run(),
        Command::Check(args) => args.run(),
        Command::Fix(args) => args.run(),
        Command::Rules(args) => args.run(),
        Command::Scenarios => scenarios::list_scenarios(),
        Command::Export(args) => args.run(),
        Command::Diff(args) => args.run(),
        Command::Ask(args) => args.run(),
        Command::Whatif(args) => args.run(),
        Command::Lessons(args) => args.run(),
        Command::Completions(args) => args.run(),
        Command::Man(args) => args.run(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn a_file_named_alone_opens_the_app_on_it_and_a_subcommand_still_runs() {
        let cli = Cli::try_parse_from(["csp-explorer", "channel.cspx"]).expect("a file alone");
        assert_eq!(
            cli.file.as_deref(),
            Some(std::path::Path::new("channel.cspx"))
        );
        assert!(cli.command.is_none());
        let cli = Cli::try_parse_from(["csp-explorer", "check", "channel.cspx"]).expect("check");
        assert!(cli.file.is_none());
        assert!(matches!(cli.command, Some(Command::Check(_))));
        assert!(Cli::try_parse_from(["csp-explorer", "a.ron", "--open", "b.ron"]).is_err());
    }
}
