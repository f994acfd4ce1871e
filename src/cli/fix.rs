//! `csp-explorer fix`: applies one quick fix of `check`'s list, or every safe one, and writes the
//! channel (in place, atomically, or to `-o`).
//! Must not invent fixes: it applies the ones `rules::fixes` proves, as the findings panel does.

use super::input::{builtin_slug, is_stdio, kept, load_scenario, parse_date};
use super::output::{Force, bad_input, output_name, status, write_scenario};
use crate::model::{Date, Scenario};
use crate::rules::fixes::prove_with;
use crate::rules::{Checker, Finding, Subject};
use clap::Args;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// The arguments of `fix` (its help is the doc comment of `Command::Fix`).
#[derive(Debug, Args)]
pub struct FixArgs {
    /// A save file, `builtin:<slug>` or `-` for standard input (for both, `-o` is required).
    scenario: PathBuf,
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
    #[command(flatten)]
    force: Force,
}

impl FixArgs {
    /// Applies the fix or fixes asked for and writes the scenario.
    pub fn run(self) -> ExitCode {
        fix(
            &self.scenario,
            self.finding,
            self.option,
            self.all_safe,
            self.output,
            self.as_of,
            self.force,
        )
    }
}

/// Where `fix` writes: `-o`, or the scenario file itself (refused for a built-in scenario).
fn fix_target(scenario: &Path, output: Option<PathBuf>) -> Result<PathBuf, String> {
    match output {
        Some(path) => Ok(path),
        None if builtin_slug(scenario).is_some() => Err(format!(
            "{} is built in and cannot be rewritten: give -o FILE",
            crate::text::path(scenario)
        )),
        None if is_stdio(scenario) => Err(
            "a scenario read from standard input cannot be rewritten: give -o FILE, or -o - to \
             write it to standard output"
                .to_owned(),
        ),
        None => Ok(scenario.to_owned()),
    }
}

/// Applies one quick fix (`--finding N --option K`) or every safe one (`--all-safe`) and writes the
/// scenario atomically. The applied labels go to stdout, followed by the counts after.
fn fix(
    name: &Path,
    finding: Option<usize>,
    option: usize,
    all_safe: bool,
    output: Option<PathBuf>,
    as_of: Option<Date>,
    force: Force,
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
    // One full check, followed edit by edit: the list the finding is numbered in, the proofs and
    // the counts after (a full check for each took three times as long at 300,000 parties).
    // Fixes are proven on the as-of date checked; the file keeps its own.
    let kept_as_of = scenario.meta.as_of;
    scenario.meta.as_of = Some(as_of);
    let mut checker = kept(Checker::with_as_of(&scenario, as_of));
    let applied = if all_safe {
        apply_all_safe(&mut scenario, &mut checker)
    } else {
        match apply_one(&mut scenario, &mut checker, finding.unwrap_or(0), option) {
            Ok(label) => vec![label],
            Err(e) => return bad_input(e),
        }
    };
    scenario.meta.as_of = kept_as_of;
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
        && let Err(code) = write_scenario(&scenario, &target, force)
    {
        return code;
    }
    let counts = checker.counts();
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

/// Applies quick fix `option` of finding `n` (both from 1, as `check` numbers them), proven on
/// `scenario` as `checker` checked it (its as-of date set to the checker's); the checker follows
/// the fix.
pub fn apply_one(
    scenario: &mut Scenario,
    checker: &mut Checker,
    n: usize,
    option: usize,
) -> Result<String, String> {
    let as_of = checker.as_of().unwrap_or_else(|| scenario.as_of());
    // `check`'s own list: finding `n` with its quick fixes, and it alone proven.
    let finding = match nth_with_fixes(scenario, checker, as_of, n) {
        Some(finding) => finding,
        None => {
            let findings = checker.sorted_with_fixes(scenario);
            if n == 0 || n > findings.len() {
                return Err(format!(
                    "--finding {n}: `check` lists {} as of {as_of}; give a number from 1",
                    crate::text::count(findings.len(), "finding", "findings")
                ));
            }
            findings[n - 1].clone()
        }
    };
    let proven = prove_with(scenario, checker, std::slice::from_ref(&finding)).remove(0);
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
    let inverse = fix
        .edit
        .clone()
        .apply(scenario)
        .map_err(|e| format!("the quick fix '{}' cannot be applied: {e}", fix.label))?;
    let touched = crate::edit::Touched::of(&fix.edit, &inverse, scenario);
    checker.update(scenario, &touched);
    Ok(fix.label.clone())
}

/// Finding `n` (from 1) of [`Checker::sorted_with_fixes`], with its quick fixes, checking only
/// its subject again: that list is in order of subject, each subject's findings those the checker
/// holds for it, so counting them tells which subject holds finding `n`. Working out the fixes of
/// every subject with findings was the most that `fix` did beyond a load, a check and a save
/// (the subjects of some 6,000 findings at 100,000 parties: 44 ms, growing ×17 for ×10 parties).
///
/// `None` when `n` is not in the list, or when the subject checked again does not have the
/// number of findings the checker holds for it (then the whole list tells).
fn nth_with_fixes(
    scenario: &Scenario,
    checker: &Checker,
    as_of: Date,
    n: usize,
) -> Option<Finding> {
    let mut before = 0;
    for subject in checker.subjects() {
        let held = checker.for_subject(&subject).len();
        if (before + 1..=before + held).contains(&n) {
            let found = crate::rules::check_subject(scenario, as_of, &subject);
            return (found.len() == held)
                .then(|| found.into_iter().nth(n - before - 1))
                .flatten();
        }
        before += held;
    }
    None
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
/// The checker follows the edits incrementally: a pass proves each finding's fixes against it
/// instead of a full check per fix (at 10,000 parties that took minutes). `scenario`'s as-of date
/// is the checker's.
pub fn apply_all_safe(scenario: &mut Scenario, checker: &mut Checker) -> Vec<String> {
    let as_of = checker.as_of().unwrap_or_else(|| scenario.as_of());
    let bound = checker.iter().count() * 2 + 1;
    let mut applied = Vec::new();
    'passes: loop {
        let before = applied.len();
        for subject in checker.subjects() {
            // The subject's findings now, with fresh fixes (an earlier fix of this pass may have
            // changed them).
            for finding in crate::rules::check_subject(scenario, as_of, &subject) {
                if finding.fixes.is_empty() {
                    continue;
                }
                let mut proven =
                    prove_with(scenario, checker, std::slice::from_ref(&finding)).remove(0);
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
    applied
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{GenerateOptions, generate};

    /// Finding `n` found by its subject alone is finding `n` of the whole list with fixes, for
    /// every `n`, on a freshly checked channel and after a fix the checker followed.
    #[test]
    fn the_nth_finding_by_its_subject_is_the_nth_of_the_whole_list() {
        let small = GenerateOptions {
            resellers: 12,
            customers: 60,
            break_rate: 0.2,
            ..GenerateOptions::default()
        };
        let mut s = generate(&small).unwrap();
        let as_of = s.as_of();
        let mut checker = Checker::with_as_of(&s, as_of);
        for round in 0..2 {
            let all = checker.sorted_with_fixes(&s);
            assert!(all.len() > 10, "round {round}: {} findings", all.len());
            for (i, expected) in all.iter().enumerate() {
                let found = nth_with_fixes(&s, &checker, as_of, i + 1);
                assert_eq!(
                    found.as_ref(),
                    Some(expected),
                    "round {round}, finding {}",
                    i + 1
                );
            }
            assert_eq!(nth_with_fixes(&s, &checker, as_of, 0), None);
            assert_eq!(nth_with_fixes(&s, &checker, as_of, all.len() + 1), None);
            // A fix of a finding in the middle of the list, followed by the checker.
            let n = (1..=all.len())
                .find(|&n| all[n - 1].fixes.len() == 1 && n > 1)
                .expect("a finding with one quick fix");
            apply_one(&mut s, &mut checker, n, 1).expect("the fix applies");
        }
    }
}
