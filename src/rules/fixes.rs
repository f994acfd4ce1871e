//! Proven quick fixes: a fix is offered only when it is known to work on this very channel.
//! Owns: trying each proposed fix on the channel and withholding those that fail, with why.
//! Must not: propose fixes itself (each rule does), or change the channel it is given.
//!
//! A rule proposes fixes from what it sees around one link or party, but an edit can break something
//! elsewhere (moving a sale to another seller that has no reseller relationship with the customer,
//! adding a supply link for a partner that has not signed the MPA, …). Rather than trust every rule
//! to foresee the whole channel, each proposal is tried on a copy and kept only when:
//! - it applies;
//! - the finding it is offered for is gone (one fewer finding of that rule on that subject);
//! - no violation appears anywhere (no rule and subject has more violations than before);
//! - it adds no link that duplicates one already there (same kind, ends and `via`, in force at the
//!   same time: a relationship renewed after the old one ended is no duplicate);
//! - applying it a second time is refused or changes nothing.
//!
//! A proposal that fails is *withheld* with the reason, so the person sees what they must decide
//! instead of a button that makes things worse. `tests/quick_fixes.rs` holds this over random
//! channels; the rules' own tests pin that the fixes people rely on are offered.

use super::engine::Journal;
use super::{Checker, Finding, QuickFix, RuleId, Severity, Subject, check_as_of};
use crate::edit::{Edit, Touched};
use crate::model::{Date, Link, LinkId, LinkKind, Party, PartyId, Scenario};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

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
type Group = (LinkKind, PartyId, PartyId, Option<PartyId>);

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
        tally_into(&mut all, &mut violations, findings);
        Tally {
            all,
            violations,
            duplicates: duplicate_links(scenario),
        }
    }
}

/// How many links repeat another link's kind, ends and `via` while it is in force.
fn duplicate_links(scenario: &Scenario) -> usize {
    let mut groups: HashMap<(LinkKind, &PartyId, &PartyId, Option<&PartyId>), Vec<&Link>> =
        HashMap::new();
    for l in scenario.links() {
        groups
            .entry((l.kind, &l.from, &l.to, l.via.as_ref()))
            .or_default()
            .push(l);
    }
    groups.into_values().map(overlapping).sum()
}

/// How many of these links (of one kind, ends and `via`) start while an earlier one is still in
/// force: links that end and are renewed later repeat nothing.
pub(crate) fn overlapping(mut links: Vec<&Link>) -> usize {
    links.sort_by_key(|l| l.date);
    let mut repeats = 0;
    // The latest end so far (`None`: one never ends).
    let mut in_force_until: Option<Option<Date>> = None;
    for l in links {
        if let Some(until) = in_force_until {
            if until.is_none_or(|end| l.date < end) {
                repeats += 1;
            }
            in_force_until = Some(match (until, l.ended) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            });
        } else {
            in_force_until = Some(l.ended);
        }
    }
    repeats
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
///
/// Each proposal is tried on one working copy with the incremental checker and taken back before
/// the next, so proving costs the edit's fan-out, not a full check per fix: `check` on a channel of
/// a hundred thousand parties proves thousands of fixes. An edit offered for several findings (a
/// reseller's enrolment, offered on each of its sales) is tried once. [`why_not`] is the plain
/// reading (a copy and a full check per fix); `tests/quick_fixes.rs` holds the two equal over
/// random channels.
pub fn prove(scenario: &Scenario, as_of: Date, findings: &[Finding]) -> Vec<ProvenFinding> {
    let mut work = scenario.clone();
    work.meta.as_of = Some(as_of);
    let mut checker = Checker::with_as_of(&work, as_of);
    prove_with(&mut work, &mut checker, findings)
}

/// [`prove`] on a scenario whose as-of date is the one to prove on, with its full check already
/// made (what `check` has at hand): nothing is copied or checked twice. Each fix is applied to
/// `scenario` and taken back, so both hold what they held when this returns; the links fixes
/// move off a busy party are first in its edge list and have new graph indices (see
/// [`Scenario::put_first`]).
pub fn prove_with(
    scenario: &mut Scenario,
    checker: &mut Checker,
    findings: &[Finding],
) -> Vec<ProvenFinding> {
    let mut verdicts = verdicts(scenario, checker, findings).into_iter();
    findings
        .iter()
        .map(|finding| proven_from(finding.clone(), &mut verdicts))
        .collect()
}

/// [`prove_with`] taking the findings over rather than copying each: `check` has no use for them
/// once proven, and at 300,000 parties holding both lists was about 6% of its peak memory
/// (perf, page faults by caller).
pub fn prove_owned(
    scenario: &mut Scenario,
    checker: &mut Checker,
    findings: Vec<Finding>,
) -> Vec<ProvenFinding> {
    let mut verdicts = verdicts(scenario, checker, &findings).into_iter();
    findings
        .into_iter()
        .map(|finding| proven_from(finding, &mut verdicts))
        .collect()
}

/// Why each fix of `findings` is withheld, or `None` for a proven one: the findings' fixes in
/// order, one after the other (see [`prove_with`]).
fn verdicts(
    scenario: &mut Scenario,
    checker: &mut Checker,
    findings: &[Finding],
) -> Vec<Option<String>> {
    let mut moved = Vec::new();
    for fix in findings.iter().flat_map(|f| &f.fixes) {
        moved_links(scenario, &fix.edit, &mut moved);
    }
    scenario.put_first(moved);
    let mut trial = Trial {
        work: scenario,
        checker,
        outcomes: HashMap::default(),
    };
    findings
        .iter()
        .flat_map(|finding| finding.fixes.iter().map(move |fix| (finding, fix)))
        .map(|(finding, fix)| trial.why_not(finding, fix))
        .collect()
}

/// `finding` with only its proven fixes, the others withheld with why: `verdicts` gives one
/// verdict per fix, in order ([`verdicts`]).
fn proven_from(
    mut finding: Finding,
    verdicts: &mut impl Iterator<Item = Option<String>>,
) -> ProvenFinding {
    let proposed = std::mem::take(&mut finding.fixes);
    let mut withheld = Vec::new();
    for (fix, why) in proposed.into_iter().zip(verdicts) {
        match why {
            None => finding.fixes.push(fix),
            Some(why) => withheld.push(Withheld {
                label: fix.label,
                why,
            }),
        }
    }
    ProvenFinding { finding, withheld }
}

/// The links `edit` takes off the party they leave: removed, or given other ends.
fn moved_links<'a>(scenario: &Scenario, edit: &'a Edit, out: &mut Vec<&'a LinkId>) {
    match edit {
        Edit::RemoveLink(id) => out.push(id),
        Edit::UpdateLink(link) => {
            if scenario
                .link(link.id.as_str())
                .is_some_and(|now| now.from != link.from || now.to != link.to)
            {
                out.push(&link.id);
            }
        }
        Edit::Batch(edits) => edits.iter().for_each(|e| moved_links(scenario, e, out)),
        Edit::AddParty(_)
        | Edit::RemoveParty(_)
        | Edit::UpdateParty(_)
        | Edit::MoveParty(..)
        | Edit::AddLink(_)
        | Edit::SetAsOf(_)
        | Edit::SetMeta(_) => {}
    }
}

/// A working copy of the channel and its findings, on which fixes are tried and taken back.
struct Trial<'a, 'f> {
    work: &'a mut Scenario,
    checker: &'a mut Checker,
    /// What each edit tried so far did, by the edit: an edit offered for many findings is tried
    /// once.
    outcomes: HashMap<EditKey<'f>, Rc<Outcome>, foldhash::fast::RandomState>,
}

/// A quick fix's edit as the key of what trying it showed: equal edits (a reseller's enrolment,
/// offered on each of its sales) are one trial.
///
/// The key was the edit's `Debug` text, a `String` formatted per fix: at 300,000 parties that
/// was about a tenth of `check` (perf). Now only what names an edit is hashed (its variant and
/// the ids it names) and whole edits are compared, so two edits are one key exactly when they are
/// equal. Positions are finite (the model's limits), so an edit equals itself; one that did not
/// would only be tried again.
struct EditKey<'f>(&'f Edit);

impl PartialEq for EditKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl Eq for EditKey<'_> {}

impl std::hash::Hash for EditKey<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        hash_names(self.0, state);
    }
}

/// Hashes what names `edit`: equal edits hash alike, and edits of different parties or links
/// rarely collide (those that do are told apart by comparing them).
fn hash_names<H: std::hash::Hasher>(edit: &Edit, state: &mut H) {
    use std::hash::Hash;
    std::mem::discriminant(edit).hash(state);
    match edit {
        Edit::AddParty(party) | Edit::UpdateParty(party) => party.id.hash(state),
        Edit::RemoveParty(id) | Edit::MoveParty(id, _) => id.hash(state),
        Edit::AddLink(link) | Edit::UpdateLink(link) => {
            link.id.hash(state);
            link.from.hash(state);
            link.to.hash(state);
        }
        Edit::RemoveLink(id) => id.hash(state),
        Edit::SetAsOf(date) => date.hash(state),
        Edit::SetMeta(_) => {}
        Edit::Batch(edits) => {
            edits.len().hash(state);
            edits.iter().for_each(|e| hash_names(e, state));
        }
    }
}

/// What trying one edit showed, whatever finding it was offered for.
#[derive(Default)]
struct Outcome {
    /// Why it could not be tried (it does not apply, or cannot be taken back).
    refused: Option<String>,
    /// The rules and subjects with fewer findings after the edit: what it resolves. (Only these,
    /// not every count: thousands of outcomes are kept while a large channel's fixes are proven.)
    fewer: HashSet<Key>,
    /// The rules and subjects with more violations after, sorted.
    added: Vec<Key>,
    /// It adds a link that repeats another's kind, ends and `via`.
    duplicate: bool,
    /// Applied a second time, it changes the channel again.
    not_idempotent: bool,
}

impl<'f> Trial<'_, 'f> {
    /// The same verdict as [`why_not`], judged on what the edit re-checks.
    fn why_not(&mut self, finding: &Finding, fix: &'f QuickFix) -> Option<String> {
        let key = EditKey(&fix.edit);
        let outcome = match self.outcomes.get(&key) {
            Some(outcome) => Rc::clone(outcome),
            None => {
                let outcome = Rc::new(self.try_edit(fix));
                self.outcomes.insert(key, Rc::clone(&outcome));
                outcome
            }
        };
        if let Some(refused) = &outcome.refused {
            return Some(refused.clone());
        }
        let key = (finding.rule, finding.subject.clone());
        if !outcome.fewer.contains(&key) {
            return Some(format!("it would leave {}", describe(&key)));
        }
        if !outcome.added.is_empty() {
            let list: Vec<String> = outcome.added.iter().map(describe).collect();
            return Some(format!("it would add {}", list.join(", ")));
        }
        if outcome.duplicate {
            return Some("it would add a link that is already there".to_owned());
        }
        if outcome.not_idempotent {
            return Some("applying it twice would change the channel again".to_owned());
        }
        None
    }

    /// Applies the fix's edit, re-checks what it affects, notes what changed, and takes it back.
    ///
    /// The edit is applied once (and once more to see that a second time changes nothing), never
    /// taken back and redone to look at the channel before it: what duplicates count needs from
    /// before is counted first, over the groups the edit's links are in before and after.
    /// Applying an edit that moves a link off a provider costs a walk of the provider's edge list
    /// (petgraph keeps it singly linked), 240,000 links at 300k parties.
    fn try_edit(&mut self, fix: &QuickFix) -> Outcome {
        let refused = |why: String| Outcome {
            refused: Some(why),
            ..Outcome::default()
        };
        let mut groups = HashSet::new();
        self.groups_named(&fix.edit, &mut groups);
        let duplicates_before = self.duplicates_in(&groups);
        let inverse = match fix.edit.clone().apply(self.work) {
            Ok(inverse) => inverse,
            Err(e) => return refused(format!("it cannot be applied: {e}")),
        };
        let touched = Touched::of(&fix.edit, &inverse, self.work);
        let duplicates_after = self.duplicates_in(&groups);
        let journal = self.checker.update_recorded(self.work, &touched);
        let mut outcome = self.judge(fix, &touched, &journal);
        outcome.duplicate = duplicates_after > duplicates_before;
        self.checker.restore(journal);
        if inverse.apply(self.work).is_err() {
            return refused("it cannot be taken back".to_owned());
        }
        outcome
    }

    fn judge(&mut self, fix: &QuickFix, touched: &Touched, journal: &Journal) -> Outcome {
        // Only re-checked subjects can have changed; count findings there, before and after.
        let mut before_all: HashMap<Key, usize> = HashMap::new();
        let mut after_all: HashMap<Key, usize> = HashMap::new();
        let mut before_violations: HashMap<Key, usize> = HashMap::new();
        let mut after_violations: HashMap<Key, usize> = HashMap::new();
        let mut outcome = Outcome::default();
        for (subject, before) in journal.before() {
            tally_into(&mut before_all, &mut before_violations, before);
            tally_into(
                &mut after_all,
                &mut after_violations,
                self.checker.for_subject(subject),
            );
        }
        let count = |t: &HashMap<Key, usize>, k: &Key| t.get(k).copied().unwrap_or(0);
        outcome.fewer = before_all
            .into_iter()
            .filter(|(k, n)| count(&after_all, k) < *n)
            .map(|(k, _)| k)
            .collect();
        outcome.added = after_violations
            .iter()
            .filter(|(k, n)| **n > count(&before_violations, k))
            .map(|(k, _)| k.clone())
            .collect();
        outcome.added.sort();
        // Applied a second time, the edit must be refused or change nothing.
        if self.second_time_changes_nothing(&fix.edit) {
            return outcome;
        }
        let snapshot = self.snapshot(touched);
        let (parties, links) = (self.work.party_count(), self.work.link_count());
        let meta = self.work.meta.clone();
        if let Ok(second_inverse) = fix.edit.clone().apply(self.work) {
            let again = Touched::of(&fix.edit, &second_inverse, self.work);
            outcome.not_idempotent = self.work.party_count() != parties
                || self.work.link_count() != links
                || !again.parties.is_subset(&touched.parties)
                || !again.links.is_subset(&touched.links)
                || self.snapshot(touched) != snapshot
                || self.work.meta != meta;
            let undo = second_inverse.apply(self.work);
            debug_assert!(undo.is_ok(), "the inverse of an applied edit applies");
        }
        outcome
    }

    /// Whether the channel as it is now (the edit applied once) shows, without applying anything,
    /// that applying `edit` a second time changes nothing: every part of the edit, in order,
    /// replaces a party or a link by a value equal to the one it holds now (a replacement by an
    /// equal value changes nothing, so the parts after it meet the same channel), up to the end or
    /// to a link it adds whose id is taken (the second application is refused and takes back what
    /// it did). `false`: the edit is tried again.
    ///
    /// Almost every quick fix is such an edit (a party's dates, a sale moved to another seller, a
    /// relationship added), and trying it again was two more applications, their `Touched` and
    /// two snapshots per trial, about a sixth of proving (perf, `check c300k`).
    fn second_time_changes_nothing(&self, edit: &Edit) -> bool {
        /// `Some(true)`: refused at this part; `Some(false)`: no change, go on; `None`: unknown.
        fn part(work: &Scenario, edit: &Edit) -> Option<bool> {
            match edit {
                Edit::UpdateParty(party) => {
                    (work.party(party.id.as_str()) == Some(party)).then_some(false)
                }
                Edit::UpdateLink(link) => {
                    (work.link(link.id.as_str()) == Some(link)).then_some(false)
                }
                Edit::AddLink(link) => work.link(link.id.as_str()).is_some().then_some(true),
                Edit::Batch(edits) => {
                    for e in edits {
                        if part(work, e)? {
                            return Some(true);
                        }
                    }
                    Some(false)
                }
                Edit::AddParty(_)
                | Edit::RemoveParty(_)
                | Edit::RemoveLink(_)
                | Edit::MoveParty(..)
                | Edit::SetAsOf(_)
                | Edit::SetMeta(_) => None,
            }
        }
        // Refused or unchanged, the second application changes nothing.
        part(self.work, edit).is_some()
    }

    /// Adds the (kind, from, to, via) groups that applying `edit` can change, as the channel is
    /// before it: each link it names as it is now and as the edit would make it, and every link
    /// naming a party it removes. A group no link enters or leaves counts as many duplicates
    /// before and after, so a few more groups than needed change no verdict.
    fn groups_named(&self, edit: &Edit, groups: &mut HashSet<Group>) {
        let group = |l: &Link| (l.kind, l.from, l.to, l.via);
        match edit {
            Edit::AddLink(link) | Edit::UpdateLink(link) => {
                groups.insert(group(link));
                groups.extend(self.work.link(link.id.as_str()).map(group));
            }
            Edit::RemoveLink(id) => groups.extend(self.work.link(id.as_str()).map(group)),
            Edit::RemoveParty(id) => groups.extend(self.work.links_naming(id.as_str()).map(group)),
            Edit::Batch(edits) => edits.iter().for_each(|e| self.groups_named(e, groups)),
            Edit::AddParty(_)
            | Edit::UpdateParty(_)
            | Edit::MoveParty(..)
            | Edit::SetAsOf(_)
            | Edit::SetMeta(_) => {}
        }
    }

    /// How many links repeat another of their group, over `groups`.
    ///
    /// Counted from the buying side: a provider sells to a hundred thousand customers, but a
    /// customer (or a reseller, or a supplied provider) has a handful of links coming in.
    fn duplicates_in(&self, groups: &HashSet<Group>) -> usize {
        groups
            .iter()
            .map(|(kind, from, to, via)| {
                overlapping(
                    self.work
                        .links_to(to.as_str())
                        .filter(|l| l.kind == *kind && l.from == *from && l.via == *via)
                        .collect(),
                )
            })
            .sum()
    }

    /// The touched parties and links as they are now.
    fn snapshot(&self, touched: &Touched) -> (Vec<Option<Party>>, Vec<Option<Link>>) {
        (
            touched
                .parties
                .iter()
                .map(|id| self.work.party(id.as_str()).cloned())
                .collect(),
            touched
                .links
                .iter()
                .map(|id| self.work.link(id.as_str()).cloned())
                .collect(),
        )
    }
}

/// Counts `findings` by rule and subject into `all`, and the violations among them into
/// `violations`: what [`Tally`] holds for a whole check and a trial for what it re-checked.
fn tally_into(
    all: &mut HashMap<Key, usize>,
    violations: &mut HashMap<Key, usize>,
    findings: &[Finding],
) {
    for f in findings {
        let key = (f.rule, f.subject.clone());
        *all.entry(key.clone()).or_insert(0) += 1;
        if f.severity == Severity::Violation {
            *violations.entry(key).or_insert(0) += 1;
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{GenerateOptions, generate};

    /// An edit offered for several findings is one trial, and edits that differ in anything (not
    /// only in the ids hashed) are two.
    #[test]
    fn equal_edits_are_one_key_and_edits_that_differ_are_two() {
        let day = |d: &str| d.parse::<Date>().unwrap();
        let sale = Link::new(
            "sale",
            LinkKind::Purchase,
            "tailspin",
            "contoso",
            day("2024-01-01"),
        );
        let mut moved = sale.clone();
        moved.from = "wingtip".into();
        let mut later = sale.clone();
        later.date = day("2024-02-01");
        let edits = [
            Edit::UpdateLink(sale.clone()),
            Edit::UpdateLink(moved),
            Edit::UpdateLink(later.clone()),
            Edit::AddLink(later),
            Edit::Batch(vec![Edit::RemoveLink("sale".into())]),
            Edit::RemoveLink("sale".into()),
        ];
        let again = [
            Edit::UpdateLink(sale),
            Edit::Batch(vec![Edit::RemoveLink("sale".into())]),
        ];
        let mut outcomes: HashMap<EditKey<'_>, usize, foldhash::fast::RandomState> =
            HashMap::default();
        for (n, edit) in edits.iter().chain(&again).enumerate() {
            outcomes.entry(EditKey(edit)).or_insert(n);
        }
        assert_eq!(outcomes.len(), edits.len());
        assert_eq!(outcomes[&EditKey(&again[0])], 0);
        assert_eq!(outcomes[&EditKey(&again[1])], 4);
    }

    /// A channel whose provider sells to hundreds of customers and whose fixes move several of
    /// its links: before the trials they are put first in its edge list (a reordering of the
    /// graph), and every verdict is still the plain reading's (a copy and a full check per fix).
    #[test]
    fn fixes_moving_a_busy_providers_links_get_the_plain_verdict() {
        let mut s = generate(&GenerateOptions {
            providers: 1,
            resellers: 12,
            direct_bill: 1,
            customers: 420,
            seed: 7,
            break_rate: 0.15,
        })
        .unwrap();
        // The provider sells straight to a few customers: each sale's fixes move it to a reseller.
        let provider = s
            .parties()
            .find(|p| p.kind == crate::model::PartyKind::IndirectProvider)
            .unwrap()
            .id;
        let customers: Vec<PartyId> = s
            .parties()
            .filter(|p| p.kind == crate::model::PartyKind::Customer)
            .step_by(2)
            .map(|p| p.id)
            .collect();
        for (n, customer) in customers.into_iter().enumerate() {
            let sale = Link::new(
                format!("direct-{n}"),
                LinkKind::Purchase,
                provider,
                customer,
                "2023-03-01".parse().unwrap(),
            );
            s.add_link(sale).unwrap();
        }
        let as_of = s.as_of();
        let before = check_as_of(&s, as_of);
        let mut moved = Vec::new();
        for fix in before.iter().flat_map(|f| &f.fixes) {
            moved_links(&s, &fix.edit, &mut moved);
        }
        moved.sort();
        moved.dedup();
        let busy = s
            .parties()
            .map(|p| {
                let out = s.links_from(p.id.as_str()).count();
                let moving = moved
                    .iter()
                    .filter(|id| s.link(id.as_str()).is_some_and(|l| l.from == p.id))
                    .count();
                (moving, out)
            })
            .max()
            .unwrap();
        assert!(
            busy.1 >= 256 && busy.0 >= 3,
            "{busy:?} (moved, out): nothing to put first"
        );
        let mut work = s.clone();
        work.meta.as_of = Some(as_of);
        let mut checker = Checker::with_as_of(&work, as_of);
        let proven = prove_with(&mut work, &mut checker, &before);
        let front: Vec<LinkId> = work
            .links_from(provider.as_str())
            .take(busy.0)
            .map(|l| l.id)
            .collect();
        assert!(front.iter().all(|id| moved.contains(&id)), "{front:?}");
        let mut tried = 0;
        for (finding, proven) in before.iter().zip(&proven) {
            for fix in &finding.fixes {
                let mut moves = Vec::new();
                moved_links(&s, &fix.edit, &mut moves);
                // A full check per fix: forty of them are enough.
                if moves.is_empty() || tried == 40 {
                    continue;
                }
                let reference = why_not(&s, as_of, &before, finding, fix);
                let why = proven
                    .withheld
                    .iter()
                    .find(|w| w.label == fix.label)
                    .map(|w| w.why.clone());
                assert_eq!(why, reference, "{}", fix.label);
                tried += 1;
            }
        }
        assert!(tried > 0);
    }
}
