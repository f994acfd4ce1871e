//! Proven quick fixes: a fix is offered only when it is known to work on this very channel.
//!
//! A rule proposes fixes from what it sees around one link or party, but an edit can break something
//! elsewhere (moving a sale to another seller that has no reseller relationship with the customer,
//! adding a supply link for a partner that has not signed the MPA, …). Rather than trust every rule
//! to foresee the whole channel, each proposal is tried on a copy and kept only when:
//! - it applies;
//! - the finding it is offered for is gone (one fewer finding of that rule on that subject);
//! - no violation appears anywhere (no rule and subject has more violations than before);
//! - it adds no link that duplicates one already there (same kind, ends and `via`);
//! - applying it a second time is refused or changes nothing.
//!
//! A proposal that fails is *withheld* with the reason, so the person sees what they must decide
//! instead of a button that makes things worse. `tests/quick_fixes.rs` holds this over random
//! channels; the rules' own tests pin that the fixes people rely on are offered.

use super::{Finding, QuickFix, RuleId, Severity, Subject, check_as_of};
use crate::model::{Date, LinkKind, PartyId, Scenario};
use std::collections::HashMap;

/// A quick fix a rule proposed that is not offered, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Withheld {
    /// The label the fix would have had.
    pub label: String,
    /// What would go wrong, naming the rule and the link or party.
    pub why: String,
}

/// One finding with only the fixes that are proven on its channel.
#[derive(Clone, Debug, PartialEq)]
pub struct ProvenFinding {
    /// The finding, its `fixes` reduced to the proven ones (best first, as the rule ordered them).
    pub finding: Finding,
    /// The fixes the rule proposed that are not offered.
    pub withheld: Vec<Withheld>,
}

type Key = (RuleId, Subject);

/// Counts of findings (all, and violations only) by rule and subject.
struct Tally {
    all: HashMap<Key, usize>,
    violations: HashMap<Key, usize>,
    duplicates: usize,
}

impl Tally {
    fn of(scenario: &Scenario, findings: &[Finding]) -> Tally {
        let mut all = HashMap::new();
        let mut violations = HashMap::new();
        for f in findings {
            let key = (f.rule, f.subject.clone());
            *all.entry(key.clone()).or_insert(0) += 1;
            if f.severity == Severity::Violation {
                *violations.entry(key).or_insert(0) += 1;
            }
        }
        Tally {
            all,
            violations,
            duplicates: duplicate_links(scenario),
        }
    }
}

/// How many links repeat another link's kind, ends and `via`.
fn duplicate_links(scenario: &Scenario) -> usize {
    let mut seen: HashMap<(LinkKind, &PartyId, &PartyId, Option<&PartyId>), usize> = HashMap::new();
    for l in scenario.links() {
        *seen
            .entry((l.kind, &l.from, &l.to, l.via.as_ref()))
            .or_insert(0) += 1;
    }
    seen.values().map(|n| n - 1).sum()
}

fn describe(key: &Key) -> String {
    let (rule, subject) = key;
    match subject {
        Subject::Link(id) => format!("{rule} on link {id}"),
        Subject::Party(id) => format!("{rule} on party {id}"),
    }
}

/// Why `fix` does not resolve `finding` cleanly on `scenario` as of `as_of`, or `None` when it does.
///
/// `before` is the full check of `scenario` as of `as_of`.
pub fn why_not(
    scenario: &Scenario,
    as_of: Date,
    before: &[Finding],
    finding: &Finding,
    fix: &QuickFix,
) -> Option<String> {
    let tally = Tally::of(scenario, before);
    why_not_with(scenario, as_of, &tally, finding, fix)
}

fn why_not_with(
    scenario: &Scenario,
    as_of: Date,
    before: &Tally,
    finding: &Finding,
    fix: &QuickFix,
) -> Option<String> {
    let mut once = scenario.clone();
    if let Err(e) = fix.edit.clone().apply(&mut once) {
        return Some(format!("it cannot be applied: {e}"));
    }
    let after_findings = check_as_of(&once, as_of);
    let after = Tally::of(&once, &after_findings);
    let key = (finding.rule, finding.subject.clone());
    let count = |t: &HashMap<Key, usize>, k: &Key| t.get(k).copied().unwrap_or(0);
    if count(&after.all, &key) >= count(&before.all, &key) {
        return Some(format!("it would leave {}", describe(&key)));
    }
    let mut added: Vec<&Key> = after
        .violations
        .iter()
        .filter(|(k, n)| **n > count(&before.violations, k))
        .map(|(k, _)| k)
        .collect();
    if !added.is_empty() {
        added.sort();
        let list: Vec<String> = added.iter().map(|k| describe(k)).collect();
        return Some(format!("it would add {}", list.join(", ")));
    }
    if after.duplicates > before.duplicates {
        return Some("it would add a link that is already there".to_owned());
    }
    let mut twice = once.clone();
    if fix.edit.clone().apply(&mut twice).is_ok() && twice != once {
        return Some("applying it twice would change the channel again".to_owned());
    }
    None
}

/// Every finding of `findings` (a full check of `scenario` as of `as_of`, or part of it) with only
/// its proven fixes, and the withheld ones explained.
pub fn prove(scenario: &Scenario, as_of: Date, findings: &[Finding]) -> Vec<ProvenFinding> {
    let full = check_as_of(scenario, as_of);
    let tally = Tally::of(scenario, &full);
    findings
        .iter()
        .map(|finding| {
            let mut proven = finding.clone();
            proven.fixes.clear();
            let mut withheld = Vec::new();
            for fix in &finding.fixes {
                match why_not_with(scenario, as_of, &tally, finding, fix) {
                    None => proven.fixes.push(fix.clone()),
                    Some(why) => withheld.push(Withheld {
                        label: fix.label.clone(),
                        why,
                    }),
                }
            }
            ProvenFinding {
                finding: proven,
                withheld,
            }
        })
        .collect()
}

/// The findings of one link or party with proven fixes: what the findings panel and the explanation
/// card offer.
pub fn check_subject_proven(
    scenario: &Scenario,
    as_of: Date,
    subject: &Subject,
) -> Vec<ProvenFinding> {
    let found = super::check_subject(scenario, as_of, subject);
    prove(scenario, as_of, &found)
}
