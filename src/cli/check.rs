//! `csp-explorer check`: the findings of a channel as text or JSON, numbered as `fix` takes them,
//! with the quick fixes proven on it; exit code 1 when a violation remains.
//! Must not decide what is a finding or a safe fix: `rules` does, for the window too.

use super::Format;
use super::input::{kept, load_scenario, parse_date};
use super::output::{ToStdout, bad_input, emit};
use crate::model::{Date, Scenario};
use crate::rules::fixes::{ProvenFinding, prove_owned};
use crate::rules::{Finding, Severity, Subject};
use clap::Args;
use std::process::ExitCode;

// The arguments of `check` (its help is the doc comment of `Command::Check`).
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// A save file, `builtin:<slug>` for a built-in scenario, or `-` to read it from standard
    /// input.
    scenario: std::path::PathBuf,
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
}

impl CheckArgs {
    /// Checks the scenario and prints the report.
    pub fn run(self) -> ExitCode {
        check(&self.scenario, self.as_of, self.format, self.strict_dates)
    }
}

fn check(
    name: &std::path::Path,
    as_of: Option<Date>,
    format: Format,
    strict_dates: bool,
) -> ExitCode {
    let mut scenario = match load_scenario(name) {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    let as_of = as_of.unwrap_or_else(|| scenario.as_of());
    // Quick fixes are proven against the ordinary reading; the audit reading lists findings only.
    let proven: Vec<ProvenFinding> = if strict_dates {
        crate::rules::check_strict_dates(&scenario, as_of)
            .into_iter()
            .map(|f| ProvenFinding {
                finding: Finding {
                    fixes: Vec::new(),
                    ..f
                },
                withheld: Vec::new(),
            })
            .collect()
    } else {
        // One full check serves both the list and the proofs, which re-check incrementally on
        // the scenario itself (each fix is taken back). The findings become the proven list
        // (not copied into it: both at once were ~6% of the peak at 300,000 parties).
        let mut checker = kept(crate::rules::Checker::with_as_of(&scenario, as_of));
        let findings = checker.sorted_with_fixes(&scenario);
        scenario.meta.as_of = Some(as_of);
        prove_owned(&mut scenario, &mut checker, findings)
    };
    let proven = kept(proven);
    let written = match format {
        // Written as it is: `out!` formats its arguments into a second string.
        Format::Json => emit(render_check_json_proven(&scenario, as_of, &proven).as_bytes()),
        Format::Text | Format::Markdown => {
            let mut stdout = ToStdout::default();
            let _ = write_check_text_proven(&mut stdout, &scenario, as_of, &proven);
            stdout.finish()
        }
    };
    if let Err(code) = written {
        return code;
    }
    if proven
        .iter()
        .any(|p| p.finding.severity == Severity::Violation)
    {
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
    let _ = write_check_text_proven(&mut out, scenario, as_of, findings);
    out
}

/// [`render_check_text_proven`] written as it goes: `check` writes it to standard output rather
/// than holding the whole report (13 MB at 300,000 parties, the last step of its peak memory).
pub fn write_check_text_proven(
    out: &mut impl std::fmt::Write,
    scenario: &Scenario,
    as_of: Date,
    findings: &[ProvenFinding],
) -> std::fmt::Result {
    writeln!(out, "{} (as of {as_of})", scenario.meta.title)?;
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
        writeln!(out, "\n{heading} ({}):", group.len())?;
        for (n, p) in group {
            let f = &p.finding;
            let subject = match &f.subject {
                Subject::Link(id) => format!("link {id}"),
                Subject::Party(id) => format!("party {id}"),
            };
            writeln!(
                out,
                "  #{} [{}] {} ({}): {}",
                n + 1,
                f.rule,
                subject,
                names(scenario, &f.path),
                f.message
            )?;
            if severity != Severity::Note {
                writeln!(out, "      fix: {}", f.info().fix)?;
            }
            for (k, q) in f.fixes.iter().enumerate() {
                writeln!(out, "      quick fix {}: {}", k + 1, q.label)?;
            }
            for w in &p.withheld {
                writeln!(out, "      not offered: {} ({})", w.label, w.why)?;
            }
        }
    }
    let counts: crate::rules::Counts = findings.iter().map(|p| p.finding.severity).collect();
    writeln!(
        out,
        "\n{}.",
        crate::text::severities(counts.violation, counts.warning, counts.note)
    )
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
        "format_version": crate::JSON_FORMAT_VERSION,
        "scenario": scenario.meta.title,
        "as_of": as_of.to_string(),
        "findings": items,
        "counts": counts,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
