//! The command line: `csp-explorer` opens the app; subcommands import, check and explain without a
//! window, for scripts, CI pipelines and people who live in a terminal.

use crate::export::{Background, ExportFormat, ExportOptions};
use crate::io::import::{self as importer, DateOrder, Source};
use crate::io::{load, save};
use crate::model::{Date, Scenario};
use crate::rules::fixes::{ProvenFinding, prove, prove_with};
use crate::rules::{Checker, Finding, RuleId, Severity, Subject, catalog::CATALOG};
use clap::{Parser, Subcommand, ValueEnum};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const AFTER_HELP: &str = "\
Examples:
  csp-explorer --scenario sample-1              open the app on a built-in scenario
  csp-explorer --open saves/my-channel.ron      open the app on a save file
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
  csp-explorer lessons
  csp-explorer lessons my-lesson.ron            check a lesson you wrote

Pipes: `-` stands for standard input where a scenario or an import file is read (check, fix,
export, diff, ask, import) and for standard output where one is written (-o - in import,
generate, fix and export; the status line then goes to standard error). A closed pipe
(`csp-explorer scenarios | head -1`) ends the command quietly, with exit code 0.
  csp-explorer import - --partner \"Contoso Distribution\" --country US -o - < customers.json \\
    | csp-explorer check -
  csp-explorer export channel.ron --format svg -o - > slide.svg

Exit codes: `check` 0 no violation, 1 a violation; `fix` 0 applied (or nothing to apply), 1 a
violation remains; `diff` 0 no difference, 1 differences;
`ask` 0 yes, 1 no; `lessons FILE` 0 the lesson works, 1 it does not; 2 is always bad input.";

/// Prints to standard output like `print!`, but a reader that has gone away (`| head -1`) ends
/// the command quietly with success instead of a panic: what it wanted has been printed. Any other
/// write error ends it with exit code 2 and a message. Only for functions returning [`ExitCode`].
macro_rules! out {
    ($($arg:tt)*) => {
        if let Err(code) = emit(format!($($arg)*).as_bytes()) {
            return code;
        }
    };
}

/// [`out!`] with a line end.
macro_rules! outln {
    ($($arg:tt)*) => {
        out!("{}\n", format_args!($($arg)*))
    };
}

/// Writes to standard output: `Err` carries the exit code to end with (success when the reader
/// closed the pipe, 2 for any other failure).
fn emit(bytes: &[u8]) -> Result<(), ExitCode> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(ExitCode::SUCCESS),
        Err(e) => Err(bad_input(format!("cannot write to standard output: {e}"))),
    }
}

/// `-` as a file name: standard input where a file is read, standard output where one is written.
pub const STDIO: &str = "-";

fn is_stdio(path: &Path) -> bool {
    path.as_os_str() == STDIO
}

/// Writes a command's result to `path` atomically (see [`crate::io::save::write_atomic`]), or to
/// standard output for `-`.
fn write_output(path: &Path, bytes: &[u8]) -> Result<(), ExitCode> {
    if is_stdio(path) {
        emit(bytes)
    } else {
        crate::io::save::write_atomic(path, bytes).map_err(bad_input)
    }
}

/// A status line ("Exported … to …"): on standard output, unless the result itself goes there
/// (`-o -`), where it would be mixed into the file; then on standard error.
fn status(result_on_stdout: bool, text: std::fmt::Arguments<'_>) -> Result<(), ExitCode> {
    if result_on_stdout {
        eprintln!("{text}");
        Ok(())
    } else {
        emit(format!("{text}\n").as_bytes())
    }
}

/// See, change and check how partners work together in Microsoft's Cloud Solution Provider program.
#[derive(Debug, Parser)]
#[command(name = "csp-explorer", version, about, after_help = AFTER_HELP)]
pub struct Cli {
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

/// `--date-order`: which number of a slash date is the day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DateOrderArg {
    /// Day first: 03/04/2020 is 3 April.
    Dmy,
    /// Month first: 03/04/2020 is 4 March.
    Mdy,
}

/// `--partner-kind`: how the signed-in partner buys from Microsoft.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PartnerKindArg {
    /// A distributor (indirect provider) with indirect resellers.
    IndirectProvider,
    /// A direct-bill partner selling to its own customers.
    DirectBill,
}

/// The headless commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import a channel from files, each recognised by its content: parties and links CSVs (see
    /// docs/csv-import.md), Partner Center's JSON bodies and CSV downloads (see
    /// docs/partner-center-import.md).
    Import {
        /// The files, in any order (`-` reads standard input).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Where to write the scenario (.ron, or .cspx for the compact binary format; `-` writes RON
        /// to standard output and the summary to standard error).
        #[arg(short, long, value_name = "SCENARIO.ron")]
        output: PathBuf,
        /// The scenario's title (default: taken from the first file's name).
        #[arg(long)]
        title: Option<String>,
        /// How to read slash dates like 03/04/2020 whose day and month are both 12 or less
        /// (without it such a date is an error naming it).
        #[arg(long, value_enum)]
        date_order: Option<DateOrderArg>,
        /// Partner Center files: the signed-in partner's company name (see
        /// docs/partner-center-import.md).
        #[arg(long, value_name = "NAME")]
        partner: Option<String>,
        /// Partner Center files: the signed-in partner's kind.
        #[arg(long, value_enum, default_value = "indirect-provider")]
        partner_kind: PartnerKindArg,
        /// Partner Center files: the signed-in partner's country (ISO code or English name).
        #[arg(long, value_name = "CC")]
        country: Option<String>,
        /// Partner Center files: the signed-in partner's own PartnerID.
        #[arg(long, value_name = "N")]
        partner_id: Option<String>,
    },
    /// Generate a deterministic, realistic channel of any size (providers, resellers, direct-bill
    /// partners and customers across regions, with a few deliberate rule breaks) into a save file.
    Generate {
        /// Indirect providers (distributors).
        #[arg(long, default_value_t = 10)]
        providers: usize,
        /// Indirect resellers.
        #[arg(long, default_value_t = 1_000)]
        resellers: usize,
        /// Direct-bill partners.
        #[arg(long, default_value_t = 20)]
        direct_bill: usize,
        /// Customers.
        #[arg(long, default_value_t = 10_000)]
        customers: usize,
        /// The same seed always gives the same channel.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Share of resellers and customers with a deliberate rule break (0 to 1).
        #[arg(long, default_value_t = 0.02)]
        break_rate: f64,
        /// Where to write the scenario (.ron, or .cspx for the compact binary format; `-` for RON
        /// on standard output).
        #[arg(short, long, value_name = "SCENARIO.ron")]
        output: PathBuf,
    },
    /// Convert a save between RON (readable, for git) and the compact binary `.cspx` (for large
    /// channels): the input is recognised by its content, the output format by its extension.
    Convert {
        /// The save to read (RON or .cspx).
        input: PathBuf,
        /// Where to write it: `.cspx` for the binary format, any other name for RON.
        output: PathBuf,
    },
    /// Check a scenario against the CSP program rules.
    Check {
        /// A save file, `builtin:<slug>` for a built-in scenario, or `-` to read it from standard
        /// input.
        scenario: String,
        /// Check as of this date (YYYY-MM-DD) instead of the scenario's own.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        as_of: Option<Date>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Audit reading: check each purchase's chain (supply, partnership) on the purchase's own
        /// date instead of the as-of date.
        #[arg(long)]
        strict_dates: bool,
    },
    /// Apply a quick fix of `check`'s findings list, like the findings panel's buttons: only fixes
    /// proven on this channel are offered (they remove their finding and add no violation).
    Fix {
        /// A save file, `builtin:<slug>` or `-` for standard input (for both, `-o` is required).
        scenario: String,
        /// The finding's position in `check`'s list (from 1; `#N` in the text report).
        #[arg(
            long,
            value_name = "N",
            required_unless_present = "all_safe",
            conflicts_with = "all_safe"
        )]
        finding: Option<usize>,
        /// The quick fix's position in that finding's `quick_fixes` (from 1).
        #[arg(long, value_name = "K", default_value_t = 1)]
        option: usize,
        /// Apply, one by one, every fix that is the only one offered for its finding, re-checking
        /// after each, like `cargo clippy --fix` for a channel.
        #[arg(long)]
        all_safe: bool,
        /// Where to write the fixed scenario; without it the file is rewritten in place (atomically).
        /// `-` writes it to standard output (even when nothing was fixed) and the report to
        /// standard error.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Check as of this date (YYYY-MM-DD) instead of the scenario's own.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        as_of: Option<Date>,
    },
    /// List the rules the engine checks: id, severity, what, why, source and fix.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// List the built-in scenarios.
    Scenarios,
    /// Export a diagram (svg, png, drawio, dot, graphml, gexf, mermaid) or a findings report (md, csv,
    /// json).
    Export {
        /// A save file, `builtin:<slug>`, or `-` for standard input.
        scenario: String,
        /// The format: svg, png, drawio, dot, graphml, gexf, mermaid, md, csv or json.
        #[arg(long, value_parser = parse_export_format)]
        format: ExportFormat,
        /// Where to write it (written atomically: a failed export leaves no file); `-` for standard
        /// output.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// PNG scale (1 = one pixel per unit; 2 for slides on high-density screens).
        #[arg(long, default_value_t = 1.0)]
        scale: f32,
        /// Check as of this date (YYYY-MM-DD) instead of the scenario's own.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        as_of: Option<Date>,
        /// A transparent PNG background instead of white.
        #[arg(long)]
        transparent: bool,
        /// CSV for Excel: starts the file with a UTF-8 byte order mark, so Excel on Windows shows
        /// non-ASCII names right.
        #[arg(long)]
        excel: bool,
    },
    /// Compare a base scenario with a what-if: parties and links added, removed or changed, and the
    /// findings introduced or resolved.
    Diff {
        /// The base: a save file, `builtin:<slug>`, or `-` for standard input.
        base: String,
        /// The what-if: a save file, `builtin:<slug>`, or `-` for standard input (not both).
        whatif: String,
        /// Output format (text or json).
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Ask whether a partner can sell an offer to a customer: yes or no, the chain it would use, and
    /// every rule in the way.
    Ask {
        /// A save file, `builtin:<slug>`, or `-` for standard input.
        scenario: String,
        /// The id of the partner that would sell.
        seller: String,
        /// The id of the customer that would buy.
        customer: String,
        /// The offer.
        #[arg(long, default_value = "Azure plan")]
        offer: String,
        /// Ask as of this date (YYYY-MM-DD) instead of the scenario's own.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        as_of: Option<Date>,
        /// Output format (text or json).
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// List the built-in lessons, or check a lesson file: it loads, its solution solves it, and its
    /// starting scenario does not.
    Lessons {
        /// A lesson file to check (a file: a lesson may name files next to it, so not `-`).
        file: Option<PathBuf>,
    },
}

fn parse_export_format(s: &str) -> Result<ExportFormat, String> {
    ExportFormat::from_key(s).ok_or_else(|| {
        let all: Vec<&str> = ExportFormat::ALL.iter().map(|f| f.key()).collect();
        format!("\"{s}\" is not a format; use one of {}", all.join(", "))
    })
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("\"{s}\" is not a date; use YYYY-MM-DD"))
}

/// Loads a save file, a built-in scenario named `builtin:<slug>`, or a scenario piped to standard
/// input (`-`).
pub fn load_scenario(name: &str) -> Result<Scenario, String> {
    if name == STDIO {
        // Size-limited and decoded like a file: a BOM is fine, bad bytes are located.
        let bytes =
            crate::io::read::read_capped(std::io::stdin().lock(), crate::io::read::MAX_FILE_BYTES)
                .map_err(|e| format!("standard input: {e}"))?;
        if crate::io::binary::is_binary(&bytes) {
            let none = crate::progress::Progress::none();
            return crate::io::scenario_from_bytes(&bytes, "standard input", &none)
                .map_err(|e| e.to_string());
        }
        let text =
            crate::io::read::decode_unicode(&bytes).map_err(|e| format!("standard input:{e}"))?;
        return crate::io::scenario_from_ron(&text, "standard input").map_err(|e| e.to_string());
    }
    if let Some(slug) = name.strip_prefix("builtin:") {
        let builtin = crate::scenarios::builtin(slug).ok_or_else(|| {
            format!(
                "no built-in scenario `{slug}`; the built-in scenarios are {}",
                builtin_slugs()
            )
        })?;
        return builtin.load().map_err(|e| e.to_string());
    }
    load(Path::new(name)).map_err(|e| e.to_string())
}

/// The slugs of the built-in scenarios, comma-separated.
pub fn builtin_slugs() -> String {
    crate::scenarios::BUILTIN
        .iter()
        .map(|b| b.slug)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs a headless command and returns the process exit code.
pub fn run(command: Command) -> ExitCode {
    match command {
        Command::Import {
            files,
            output,
            title,
            date_order,
            partner,
            partner_kind,
            country,
            partner_id,
        } => {
            let partner = match (partner, country) {
                (None, None) => None,
                (Some(name), Some(country)) => {
                    match crate::io::import::text::parse_country(&country) {
                        Ok(country) => Some(importer::SignedInPartner {
                            name,
                            kind: match partner_kind {
                                PartnerKindArg::IndirectProvider => {
                                    crate::model::PartyKind::IndirectProvider
                                }
                                PartnerKindArg::DirectBill => crate::model::PartyKind::DirectBill,
                            },
                            country,
                            partner_id,
                        }),
                        Err(e) => return bad_input(format!("--country {e}")),
                    }
                }
                _ => return bad_input("--partner and --country go together"),
            };
            let options = importer::Options {
                date_order: match date_order {
                    None => DateOrder::Ask,
                    Some(DateOrderArg::Dmy) => DateOrder::Dmy,
                    Some(DateOrderArg::Mdy) => DateOrder::Mdy,
                },
                title,
                partner,
            };
            import(&files, &output, &options)
        }
        Command::Generate {
            providers,
            resellers,
            direct_bill,
            customers,
            seed,
            break_rate,
            output,
        } => generate_channel(
            &crate::generate::GenerateOptions {
                providers,
                resellers,
                direct_bill,
                customers,
                seed,
                break_rate,
            },
            &output,
        ),
        Command::Convert { input, output } => convert(&input, &output),
        Command::Check {
            scenario,
            as_of,
            format,
            strict_dates,
        } => check(&scenario, as_of, format, strict_dates),
        Command::Fix {
            scenario,
            finding,
            option,
            all_safe,
            output,
            as_of,
        } => fix(&scenario, finding, option, all_safe, output, as_of),
        Command::Rules { format } => {
            out!("{}", render_rules(format));
            ExitCode::SUCCESS
        }
        Command::Export {
            scenario,
            format,
            output,
            scale,
            as_of,
            transparent,
            excel,
        } => {
            let loaded = match load_scenario(&scenario) {
                Ok(s) => s,
                Err(e) => return bad_input(e),
            };
            let options = ExportOptions {
                scale,
                as_of,
                background: if transparent {
                    Background::Transparent
                } else {
                    Background::White
                },
                excel,
                area: None,
                drawn: None,
            };
            let written = crate::export::export(&loaded, format, &options)
                .map_err(bad_input)
                .and_then(|bytes| write_output(&output, &bytes));
            match written {
                Ok(()) => {
                    if matches!(format, ExportFormat::Png)
                        && let Some(warning) = crate::fonts::Fonts::shared().coverage_warning(
                            std::iter::once(loaded.meta.title.as_str())
                                .chain(loaded.parties().map(|p| p.name.as_str())),
                        )
                    {
                        eprintln!("warning: {warning}");
                    }
                    let done = status(
                        is_stdio(&output),
                        format_args!(
                            "Exported {} as {} to {}.",
                            loaded.meta.title,
                            format.key(),
                            output_name(&output)
                        ),
                    );
                    done.err().unwrap_or(ExitCode::SUCCESS)
                }
                Err(code) => code,
            }
        }
        Command::Diff {
            base,
            whatif,
            format,
        } => diff(&base, &whatif, format),
        Command::Ask {
            scenario,
            seller,
            customer,
            offer,
            as_of,
            format,
        } => ask(&scenario, seller, customer, offer, as_of, format),
        Command::Lessons { file: None } => {
            for l in crate::training::LESSONS {
                match l.load() {
                    Ok(loaded) => outln!(
                        "{:<30} {:<15} {}",
                        l.key,
                        loaded.lesson.topic,
                        loaded.lesson.title
                    ),
                    Err(e) => outln!("{:<30} (cannot load: {e})", l.key),
                }
            }
            ExitCode::SUCCESS
        }
        Command::Lessons { file: Some(file) } => check_lesson(&file),
        Command::Scenarios => {
            for b in crate::scenarios::BUILTIN {
                match b.load() {
                    Ok(s) => outln!("{:<28} {}", b.slug, s.meta.title),
                    Err(e) => outln!("{:<28} (cannot load: {e})", b.slug),
                }
            }
            ExitCode::SUCCESS
        }
    }
}

/// How a status line names where a result went.
fn output_name(path: &Path) -> String {
    if is_stdio(path) {
        "standard output".to_owned()
    } else {
        path.display().to_string()
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

fn ask(
    name: &str,
    seller: String,
    customer: String,
    offer: String,
    as_of: Option<Date>,
    format: Format,
) -> ExitCode {
    let mut scenario = match load_scenario(name) {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    if let Some(date) = as_of {
        scenario.meta.as_of = Some(date);
    }
    let question = crate::whatif::Question {
        seller: seller.into(),
        customer: customer.into(),
        offer,
    };
    let answer = match crate::whatif::ask(&scenario, &question) {
        Ok(a) => a,
        Err(e) => return bad_input(format!("{name}: {e}")),
    };
    match format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&answer.to_json()).unwrap_or_default();
            text.push('\n');
            out!("{text}");
        }
        Format::Text | Format::Markdown => out!("{}", answer.to_text(&scenario)),
    }
    if answer.yes {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn check_lesson(file: &Path) -> ExitCode {
    let loaded = match crate::training::LoadedLesson::load(file) {
        Ok(l) => l,
        Err(e) => return bad_input(e),
    };
    match crate::training::verify(&loaded) {
        Ok(()) => {
            outln!(
                "{}: \"{}\" loads, its starting scenario does not meet the success condition, and its solution does.",
                file.display(),
                loaded.lesson.title
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", file.display());
            ExitCode::from(1)
        }
    }
}

fn bad_input(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn generate_channel(options: &crate::generate::GenerateOptions, output: &Path) -> ExitCode {
    let scenario = match crate::generate::generate(options) {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    if let Err(code) = write_scenario(&scenario, output) {
        return code;
    }
    status(
        is_stdio(output),
        format_args!(
            "Generated {} parties and {} links into {}.",
            scenario.party_count(),
            scenario.link_count(),
            output_name(output)
        ),
    )
    .err()
    .unwrap_or(ExitCode::SUCCESS)
}

/// Saves a scenario (atomically) or writes its save-file text to standard output for `-`.
fn write_scenario(scenario: &Scenario, output: &Path) -> Result<(), ExitCode> {
    if is_stdio(output) {
        let text = crate::io::scenario_to_ron(scenario).map_err(bad_input)?;
        emit(text.as_bytes())
    } else {
        save(scenario, output).map_err(bad_input)
    }
}

fn convert(input: &Path, output: &Path) -> ExitCode {
    let scenario = match load_scenario(&input.to_string_lossy()) {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    if let Err(code) = write_scenario(&scenario, output) {
        return code;
    }
    let format = if crate::io::binary::wants_binary(output) {
        "compact binary .cspx"
    } else {
        "RON"
    };
    status(
        is_stdio(output),
        format_args!(
            "Wrote {} parties and {} links to {} ({format}).",
            scenario.party_count(),
            scenario.link_count(),
            output_name(output)
        ),
    )
    .err()
    .unwrap_or(ExitCode::SUCCESS)
}

fn import(files: &[PathBuf], output: &Path, options: &importer::Options) -> ExitCode {
    if files.iter().filter(|f| is_stdio(f)).count() > 1 {
        return bad_input("standard input (-) can be read only once: give `-` for one file");
    }
    let mut sources = Vec::new();
    for file in files {
        match Source::read(file) {
            Ok(s) => sources.push(s),
            Err(e) => return bad_input(e),
        }
    }
    let imported = match importer::import(&sources, options) {
        Ok(i) => i,
        Err(errors) => {
            eprintln!("{errors}");
            return bad_input(format!(
                "{} in the files; nothing was written",
                crate::text::count(errors.0.len(), "problem", "problems")
            ));
        }
    };
    let scenario = &imported.scenario;
    if let Err(code) = write_scenario(scenario, output) {
        return code;
    }
    let counts = Checker::new(scenario).counts();
    let mut summary = format!(
        "Imported {} and {} into {}: {} as of {}.",
        crate::text::count(scenario.party_count(), "party", "parties"),
        crate::text::count(scenario.link_count(), "link", "links"),
        output_name(output),
        crate::text::severities(counts.violation, counts.warning, counts.note),
        scenario.as_of()
    );
    for (file, kind) in &imported.files {
        let _ = write!(summary, "\n  {file}: {kind}");
    }
    for note in imported.notes.iter().chain(&imported.unknown_columns) {
        let _ = write!(summary, "\n  note: {note}");
    }
    status(is_stdio(output), format_args!("{summary}"))
        .err()
        .unwrap_or(ExitCode::SUCCESS)
}

fn check(name: &str, as_of: Option<Date>, format: Format, strict_dates: bool) -> ExitCode {
    let mut scenario = match load_scenario(name) {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    let as_of = as_of.unwrap_or_else(|| scenario.as_of());
    // Quick fixes are proven against the ordinary reading; the audit reading lists findings only.
    let (findings, proven) = if strict_dates {
        let findings = crate::rules::check_strict_dates(&scenario, as_of);
        let proven = findings
            .iter()
            .map(|f| ProvenFinding {
                finding: Finding {
                    fixes: Vec::new(),
                    ..f.clone()
                },
                withheld: Vec::new(),
            })
            .collect();
        (findings, proven)
    } else {
        // One full check serves both the list and the proofs, which re-check incrementally on
        // the scenario itself (each fix is taken back).
        let mut checker = crate::rules::Checker::with_as_of(&scenario, as_of);
        let findings = checker.sorted_with_fixes(&scenario);
        scenario.meta.as_of = Some(as_of);
        let proven = prove_with(&mut scenario, &mut checker, &findings);
        (findings, proven)
    };
    let out = match format {
        Format::Json => render_check_json_proven(&scenario, as_of, &proven),
        Format::Text | Format::Markdown => render_check_text_proven(&scenario, as_of, &proven),
    };
    out!("{out}");
    if findings.iter().any(|f| f.severity == Severity::Violation) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn names(scenario: &Scenario, path: &[crate::model::PartyId]) -> String {
    path.iter()
        .map(|id| {
            scenario
                .party(id.as_str())
                .map_or(id.as_str(), |p| p.name.as_str())
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

/// The text report of `check`: findings grouped by severity, worst first, each with its fix.
pub fn render_check_text(scenario: &Scenario, as_of: Date, findings: &[Finding]) -> String {
    let plain: Vec<ProvenFinding> = findings
        .iter()
        .map(|f| ProvenFinding {
            finding: Finding {
                fixes: Vec::new(),
                ..f.clone()
            },
            withheld: Vec::new(),
        })
        .collect();
    render_check_text_proven(scenario, as_of, &plain)
}

/// The text report of `check` with proven quick fixes: findings grouped by severity, worst first,
/// each numbered by its place in the list (`#N`, what `fix --finding N` takes), with the rule's fix
/// and the quick fixes on offer (`fix --option K`).
pub fn render_check_text_proven(
    scenario: &Scenario,
    as_of: Date,
    findings: &[ProvenFinding],
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} (as of {as_of})", scenario.meta.title);
    for severity in Severity::WORST_FIRST {
        let group: Vec<(usize, &ProvenFinding)> = findings
            .iter()
            .enumerate()
            .filter(|(_, p)| p.finding.severity == severity)
            .collect();
        if group.is_empty() {
            continue;
        }
        let heading = match severity {
            Severity::Violation => "Violations",
            Severity::Warning => "Warnings",
            Severity::Note => "Notes (allowed patterns)",
        };
        let _ = writeln!(out, "\n{heading} ({}):", group.len());
        for (n, p) in group {
            let f = &p.finding;
            let subject = match &f.subject {
                Subject::Link(id) => format!("link {id}"),
                Subject::Party(id) => format!("party {id}"),
            };
            let _ = writeln!(
                out,
                "  #{} [{}] {} ({}): {}",
                n + 1,
                f.rule,
                subject,
                names(scenario, &f.path),
                f.message
            );
            if severity != Severity::Note {
                let _ = writeln!(out, "      fix: {}", f.info().fix);
            }
            for (k, q) in f.fixes.iter().enumerate() {
                let _ = writeln!(out, "      quick fix {}: {}", k + 1, q.label);
            }
            for w in &p.withheld {
                let _ = writeln!(out, "      not offered: {} ({})", w.label, w.why);
            }
        }
    }
    let counts: crate::rules::Counts = findings.iter().map(|p| p.finding.severity).collect();
    let _ = writeln!(
        out,
        "\n{}.",
        crate::text::severities(counts.violation, counts.warning, counts.note)
    );
    out
}

/// The JSON report of `check` (shape documented in the README).
pub fn render_check_json(scenario: &Scenario, as_of: Date, findings: &[Finding]) -> String {
    let plain: Vec<ProvenFinding> = findings
        .iter()
        .map(|f| ProvenFinding {
            finding: f.clone(),
            withheld: Vec::new(),
        })
        .collect();
    render_check_json_proven(scenario, as_of, &plain)
}

/// The JSON report of `check` with proven quick fixes: each finding has `quick_fixes` (the labels,
/// in the order `fix --option K` counts them) and `withheld_fixes` (label and why).
pub fn render_check_json_proven(
    scenario: &Scenario,
    as_of: Date,
    findings: &[ProvenFinding],
) -> String {
    let items: Vec<serde_json::Value> = findings
        .iter()
        .map(|p| {
            let mut item = p.finding.to_json();
            item["quick_fixes"] = p
                .finding
                .fixes
                .iter()
                .map(|q| serde_json::Value::from(q.label.clone()))
                .collect();
            item["withheld_fixes"] = p
                .withheld
                .iter()
                .map(|w| serde_json::json!({"label": w.label, "why": w.why}))
                .collect();
            item
        })
        .collect();
    let counts: crate::rules::Counts = findings.iter().map(|p| p.finding.severity).collect();
    let value = serde_json::json!({
        "scenario": scenario.meta.title,
        "as_of": as_of.to_string(),
        "findings": items,
        "counts": counts,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// Where `fix` writes: `-o`, or the scenario file itself (refused for a built-in scenario).
fn fix_target(scenario: &str, output: Option<PathBuf>) -> Result<PathBuf, String> {
    match output {
        Some(path) => Ok(path),
        None if scenario.starts_with("builtin:") => Err(format!(
            "{scenario} is built in and cannot be rewritten: give -o FILE"
        )),
        None if scenario == STDIO => Err(
            "a scenario read from standard input cannot be rewritten: give -o FILE, or -o - to \
             write it to standard output"
                .to_owned(),
        ),
        None => Ok(PathBuf::from(scenario)),
    }
}

/// Applies one quick fix (`--finding N --option K`) or every safe one (`--all-safe`) and writes the
/// scenario atomically. The applied labels go to stdout, followed by the counts after.
fn fix(
    name: &str,
    finding: Option<usize>,
    option: usize,
    all_safe: bool,
    output: Option<PathBuf>,
    as_of: Option<Date>,
) -> ExitCode {
    let mut scenario = match load_scenario(name) {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    let target = match fix_target(name, output) {
        Ok(t) => t,
        Err(e) => return bad_input(e),
    };
    let as_of = as_of.unwrap_or_else(|| scenario.as_of());
    let applied = if all_safe {
        apply_all_safe(&mut scenario, as_of)
    } else {
        match apply_one(&mut scenario, as_of, finding.unwrap_or(0), option) {
            Ok(label) => vec![label],
            Err(e) => return bad_input(e),
        }
    };
    // With `-o -` the scenario is the output (fixed or not, so a pipeline always gets one) and the
    // report goes to standard error.
    let piped = is_stdio(&target);
    let mut report = String::new();
    if applied.is_empty() {
        report.push_str("No finding has exactly one quick fix: nothing applied.\n");
    }
    for label in &applied {
        let _ = writeln!(report, "Applied: {label}");
    }
    if (piped || !applied.is_empty())
        && let Err(code) = write_scenario(&scenario, &target)
    {
        return code;
    }
    let after = crate::rules::check_as_of(&scenario, as_of);
    let counts: crate::rules::Counts = after.iter().map(|f| f.severity).collect();
    if !applied.is_empty() {
        let _ = writeln!(report, "Wrote {}.", output_name(&target));
    }
    let _ = write!(
        report,
        "{} as of {as_of}.",
        crate::text::severities(counts.violation, counts.warning, counts.note)
    );
    if let Err(code) = status(piped, format_args!("{report}")) {
        return code;
    }
    if counts.violation > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Applies quick fix `option` of finding `n` (both from 1, as `check` numbers them).
pub fn apply_one(
    scenario: &mut Scenario,
    as_of: Date,
    n: usize,
    option: usize,
) -> Result<String, String> {
    let findings = crate::rules::check_as_of(scenario, as_of);
    if n == 0 || n > findings.len() {
        return Err(format!(
            "--finding {n}: `check` lists {} as of {as_of}; give a number from 1",
            crate::text::count(findings.len(), "finding", "findings")
        ));
    }
    let proven = prove(scenario, as_of, &findings[n - 1..n]).remove(0);
    let f = &proven.finding;
    let Some(fix) = option.checked_sub(1).and_then(|k| f.fixes.get(k)) else {
        let offered = if f.fixes.is_empty() {
            "offers no quick fix".to_owned()
        } else {
            format!(
                "offers {}",
                crate::text::count(f.fixes.len(), "quick fix", "quick fixes")
            )
        };
        let withheld: Vec<String> = proven
            .withheld
            .iter()
            .map(|w| format!("'{}' is not offered: {}", w.label, w.why))
            .collect();
        let mut message = format!(
            "--option {option}: finding {n} ({} on {}) {offered}",
            f.rule,
            subject_label(&f.subject)
        );
        if !withheld.is_empty() {
            message.push_str(&format!("; {}", withheld.join("; ")));
        }
        return Err(message);
    };
    fix.edit
        .clone()
        .apply(scenario)
        .map_err(|e| format!("the quick fix '{}' cannot be applied: {e}", fix.label))?;
    Ok(fix.label.clone())
}

fn subject_label(subject: &Subject) -> String {
    match subject {
        Subject::Link(id) => format!("link {id}"),
        Subject::Party(id) => format!("party {id}"),
    }
}

/// Applies, one at a time, every fix that is the only one proven for its finding, until a pass over
/// the findings applies none. Each fix is proven on the channel as it is when it is applied (it
/// removes its finding and adds no violation), so the loop ends; it is also bounded by twice the
/// number of findings at the start.
///
/// One checker follows the edits incrementally: a pass proves each finding's fixes against it
/// instead of a full check per fix (at 10,000 parties that took minutes).
pub fn apply_all_safe(scenario: &mut Scenario, as_of: Date) -> Vec<String> {
    let kept_as_of = scenario.meta.as_of;
    scenario.meta.as_of = Some(as_of);
    let mut checker = crate::rules::Checker::with_as_of(scenario, as_of);
    let bound = checker.iter().count() * 2 + 1;
    let mut applied = Vec::new();
    'passes: loop {
        let mut subjects: Vec<Subject> = checker.sorted().into_iter().map(|f| f.subject).collect();
        subjects.dedup();
        let before = applied.len();
        for subject in subjects {
            // The subject's findings now, with fresh fixes (an earlier fix of this pass may have
            // changed them).
            for finding in crate::rules::check_subject(scenario, as_of, &subject) {
                if finding.fixes.is_empty() {
                    continue;
                }
                let mut proven =
                    prove_with(scenario, &mut checker, std::slice::from_ref(&finding)).remove(0);
                if proven.finding.fixes.len() != 1 {
                    continue;
                }
                let fix = proven.finding.fixes.remove(0);
                let Ok(inverse) = fix.edit.clone().apply(scenario) else {
                    continue;
                };
                let touched = crate::edit::Touched::of(&fix.edit, &inverse, scenario);
                checker.update(scenario, &touched);
                applied.push(fix.label);
                if applied.len() >= bound {
                    break 'passes;
                }
                // The subject's other findings are looked at again in the next pass.
                break;
            }
        }
        if applied.len() == before {
            break;
        }
    }
    scenario.meta.as_of = kept_as_of;
    applied
}

/// The catalogue as text, JSON or a Markdown table.
pub fn render_rules(format: Format) -> String {
    match format {
        Format::Json => {
            let rules: Vec<serde_json::Value> = CATALOG
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id.key(), "severity": r.severity.key(), "title": r.title,
                        "what": r.what, "why": r.why, "source": r.source, "fix": r.fix,
                        "example": r.example,
                    })
                })
                .collect();
            let mut text = serde_json::to_string_pretty(&rules).unwrap_or_default();
            text.push('\n');
            text
        }
        Format::Markdown => {
            let mut out = String::from("| id | severity | what | fix |\n|---|---|---|---|\n");
            for r in CATALOG {
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} | {} |",
                    r.id.key(),
                    severity_label(r.id),
                    r.what.replace('|', "\\|"),
                    r.fix.replace('|', "\\|")
                );
            }
            out
        }
        Format::Text => {
            let mut out = String::new();
            for r in CATALOG {
                let _ = writeln!(
                    out,
                    "{} ({}): {}",
                    r.id.key(),
                    severity_label(r.id),
                    r.title
                );
                let _ = writeln!(out, "  what:   {}", r.what);
                let _ = writeln!(out, "  why:    {}", r.why);
                let _ = writeln!(out, "  source: {}", r.source);
                let _ = writeln!(out, "  fix:    {}", r.fix);
                let _ = writeln!(out, "  e.g.    {}\n", r.example);
            }
            out
        }
    }
}

fn severity_label(rule: RuleId) -> &'static str {
    match rule {
        RuleId::ResellerNotReady => "violation (warning on a partnership)",
        _ => rule.info().severity.key(),
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
    fn the_markdown_table_lists_every_rule() {
        let table = render_rules(Format::Markdown);
        assert_eq!(table.lines().count(), 2 + RuleId::ALL.len());
    }
}
