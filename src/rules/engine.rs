//! Runs the rules: a full check, and an incremental re-check after an edit.
//! Owns: which rules run on a link or a party, and the [`Checker`]'s findings by subject. Must not:
//! decide a rule itself, or guess what an edit reaches (that is `dependents.rs`).
//!
//! The [`Checker`] keeps findings indexed by link and party. After an edit it re-checks only what the
//! edit can affect (see [`Checker::update`]); a property test (`tests/incremental.rs`) holds the result
//! equal to a full check over random scenarios and random edit sequences.

use super::context::{At, Ctx, Node};
use super::dependents::{Dependents, IdMap, IdSet};
use super::{
    Finding, Name, Severity, Subject, chain, changes, customer, gdap, identity, readiness, regions,
    sales,
};
use crate::edit::{PartyFields, Touched};
use crate::model::{Date, Link, LinkId, LinkKind, Party, PartyId, Scenario};
use petgraph::visit::{EdgeRef, IntoEdgeReferences};

/// Every finding of a scenario as of its as-of date, sorted by subject, rule and message.
pub fn check(scenario: &Scenario) -> Vec<Finding> {
    check_as_of(scenario, scenario.as_of())
}

/// Every finding of a scenario as of `as_of`, with quick fixes, sorted by subject, rule and
/// message.
pub fn check_as_of(scenario: &Scenario, as_of: Date) -> Vec<Finding> {
    check_everything(scenario, as_of, false)
}

/// Every finding as of `as_of`, with each purchase's chain checked on the purchase's own date: the
/// audit reading of `check --strict-dates` (docs/rules-notes.md §8). A 2020 sale whose partnership
/// was made in 2021 passes the ordinary check as of 2024 but not this one.
pub fn check_strict_dates(scenario: &Scenario, as_of: Date) -> Vec<Finding> {
    check_everything(scenario, as_of, true)
}

/// How many links (or parties) ahead of the one being checked a full check starts fetching
/// ([`Ctx::prefetch_link`]): far enough for memory to answer while the rules run on the links in
/// between, near enough that what is fetched is still in cache when they reach it.
const AHEAD: usize = 8;

/// Every finding with its quick fixes, sorted.
fn check_everything(scenario: &Scenario, as_of: Date, strict_dates: bool) -> Vec<Finding> {
    let ctx = Ctx::for_everything(scenario, as_of);
    let mut out = Vec::new();
    let mut ahead = scenario.graph().edge_references().skip(AHEAD);
    for edge in scenario.graph().edge_references() {
        if let Some(next) = ahead.next() {
            ctx.prefetch_link(next.weight(), next.source(), next.target());
        }
        let at = ctx.at(edge.weight(), edge.source(), edge.target());
        check_link_reading(&ctx, &at, strict_dates, &mut out);
    }
    let mut ahead = scenario.graph().node_indices().skip(AHEAD);
    for ix in scenario.graph().node_indices() {
        if let Some(next) = ahead.next() {
            ctx.prefetch_party(next);
        }
        check_node(&ctx, ctx.node(ix), &mut out);
    }
    sort(&mut out);
    out
}

/// The findings of one link or party, with fresh quick fixes.
///
/// Quick fixes may name parties anywhere in the scenario (another provider of the region, say), so the
/// ones the [`Checker`] keeps can be out of date after an incremental update; ask here before
/// offering them.
pub fn check_subject(scenario: &Scenario, as_of: Date, subject: &Subject) -> Vec<Finding> {
    let ctx = Ctx::new(scenario, as_of);
    let mut out = Vec::new();
    check_subject_into(&ctx, subject, &mut out);
    sort(&mut out);
    out
}

/// The findings, without quick fixes, of every link and party a change can have changed the
/// findings of, in the scenario `before` the change and `after` it, both as of `as_of`;
/// `touched` holds the change's old and new values (as [`Touched::of`] gives them).
///
/// Every other link and party has the same findings on both sides, so comparing these two lists
/// tells what a comparison of two full checks would, at the cost of what the change reaches: a
/// what-if moving one reseller's 2,300 customers at 300,000 parties checks some 20,000 links
/// instead of twice a million. The subjects are those [`Checker::update`] re-checks, looked up
/// in both scenarios, so a link that reads a party one side only is checked on both.
///
/// `None` where only full checks can tell: a change to Microsoft (every chain starts there), or a
/// party renamed (findings anywhere may name it; [`Checker::update`] re-words them all).
pub fn check_touched(
    before: &Scenario,
    after: &Scenario,
    as_of: Date,
    touched: &Touched,
) -> Option<(Vec<Finding>, Vec<Finding>)> {
    if needs_full_checks(touched) {
        return None;
    }
    let mut links: IdSet<&str> = IdSet::default();
    let mut parties: IdSet<&str> = IdSet::default();
    for scenario in [before, after] {
        let mut dirty = Dependents::new(scenario);
        dirty.collect(touched);
        links.extend(dirty.links.keys());
        links.extend(dirty.gone_links.iter().map(|id| id.as_str()));
        parties.extend(dirty.parties);
    }
    let check = |scenario: &Scenario| {
        check_ids(
            scenario,
            as_of,
            links.iter().copied(),
            parties.iter().copied(),
        )
    };
    Some((check(before), check(after)))
}

/// Whether only full checks tell what a change with `touched` did to the findings (see
/// [`check_touched`]): it changed Microsoft, or renamed a party.
pub fn needs_full_checks(touched: &Touched) -> bool {
    let renamed = touched.changed_parties.values().any(|changed| {
        changed.intersects(PartyFields::NAME) && !changed.intersects(PartyFields::EXISTENCE)
    });
    touched.everything || renamed
}

/// The ids of the links and parties of `scenario` whose findings a change with `touched` can have
/// changed: what [`check_touched`] checks on each side, for a caller that holds one side at a time
/// (it edits one scenario from the base into the what-if and back; see
/// `whatif::diff_changes`). Links the change took away are named too. Each list is in order, once
/// each.
pub fn reached_by(scenario: &Scenario, touched: &Touched) -> (Vec<String>, Vec<String>) {
    let mut dirty = Dependents::new(scenario);
    dirty.collect(touched);
    let links = dirty
        .links
        .keys()
        .copied()
        .chain(dirty.gone_links.iter().map(|id| id.as_str()))
        .map(str::to_owned)
        .collect();
    let mut links: Vec<String> = links;
    let mut parties: Vec<String> = dirty.parties.iter().map(|id| (*id).to_owned()).collect();
    links.sort_unstable();
    links.dedup();
    parties.sort_unstable();
    (links, parties)
}

/// The findings, without quick fixes, of the links and parties of `scenario` with these ids as
/// of `as_of` (an id it does not hold has none).
pub fn check_ids<'a>(
    scenario: &Scenario,
    as_of: Date,
    links: impl IntoIterator<Item = &'a str>,
    parties: impl IntoIterator<Item = &'a str>,
) -> Vec<Finding> {
    let ctx = Ctx::new(scenario, as_of).without_fixes();
    let mut found = Vec::new();
    for id in links {
        if let Some(at) = ctx.link_at(id) {
            check_link_reading(&ctx, &at, false, &mut found);
        }
    }
    for id in parties {
        if let Some(party) = scenario.party(id) {
            check_party(&ctx, party, &mut found);
        }
    }
    no_fixes(&mut found);
    found
}

fn check_subject_into(ctx: &Ctx, subject: &Subject, out: &mut Vec<Finding>) {
    match subject {
        Subject::Link(id) => {
            if let Some(at) = ctx.link_at(id.as_str()) {
                check_link_reading(ctx, &at, false, out);
            }
        }
        Subject::Party(id) => {
            if let Some(party) = ctx.scenario.party(id.as_str()) {
                check_party(ctx, party, out);
            }
        }
    }
}

/// Drops the quick fixes a rule worked out anyway: a [`Checker`] keeps none, whichever rule made
/// its findings.
fn no_fixes(found: &mut [Finding]) {
    for finding in found {
        finding.fixes.clear();
    }
}

/// All rules on one link whose parties are resolved; with `strict_dates`, a purchase's chain
/// (supply, partnership) is asked of the purchase's own date rather than of the as-of date (the
/// auditor's reading).
fn check_link_reading(ctx: &Ctx, at: &At, strict_dates: bool, out: &mut Vec<Finding>) {
    let start = out.len();
    link_rules(ctx, at, strict_dates, out);
    for finding in &mut out[start..] {
        finding.word(ctx.scenario);
    }
}

fn link_rules(ctx: &Ctx, at: &At, strict_dates: bool, out: &mut Vec<Finding>) {
    let link = at.link;
    if !link.exists_at(ctx.as_of) || !chain::check_shape(ctx, at, out) {
        return;
    }
    if link.kind == LinkKind::Purchase {
        if strict_dates {
            // Quick fixes are proven against the ordinary reading: none in the audit reading.
            let on_its_day = Ctx::new(ctx.scenario, link.date).without_fixes();
            chain::check_purchase_chain(&on_its_day, at, out);
        } else {
            chain::check_purchase_chain(ctx, at, out);
        }
    }
    readiness::check_mpa(ctx, at, out);
    readiness::check_reseller_ready(ctx, at, out);
    readiness::check_restricted(ctx, at, out);
    readiness::check_mca(ctx, at, out);
    sales::check_self_and_affiliate(ctx, at, out);
    sales::check_own_use_tenant(ctx, at, out);
    sales::check_reseller_of_own_provider(ctx, at, out);
    sales::check_reseller_relationship(ctx, at, out);
    regions::check_cross_region(ctx, at, out);
    gdap::check_gdap(ctx, at, out);
    changes::check_relationship_removed(ctx, at, out);
    changes::check_direct_bill_for_reseller_customer(ctx, at, out);
    changes::check_customers_left_behind(ctx, at, out);
    changes::check_partner_id_on_record(ctx, at, out);
}

/// All rules on one party, looked up by id.
fn check_party(ctx: &Ctx, party: &Party, out: &mut Vec<Finding>) {
    if let Some(node) = ctx.lookup(&party.id) {
        check_node(ctx, node, out);
    }
}

/// All rules on one party, with its place in the graph.
fn check_node(ctx: &Ctx, node: Node, out: &mut Vec<Finding>) {
    let start = out.len();
    identity::check_identity(ctx, node.party, out);
    regions::check_market(ctx, node, out);
    customer::check_customer(ctx, node, out);
    customer::check_registration_id(ctx, node.party, out);
    for finding in &mut out[start..] {
        finding.word(ctx.scenario);
    }
}

fn sort(findings: &mut [Finding]) {
    findings
        .sort_by(|a, b| (&a.subject, a.rule, &a.message).cmp(&(&b.subject, b.rule, &b.message)));
}

/// How many findings of each severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Violations.
    pub violation: usize,
    /// Warnings.
    pub warning: usize,
    /// Notes.
    pub note: usize,
}

/// Tallies severities (of any list of findings, not only a checker's).
impl FromIterator<Severity> for Counts {
    fn from_iter<I: IntoIterator<Item = Severity>>(severities: I) -> Counts {
        let mut counts = Counts::default();
        for severity in severities {
            match severity {
                Severity::Violation => counts.violation += 1,
                Severity::Warning => counts.warning += 1,
                Severity::Note => counts.note += 1,
            }
        }
        counts
    }
}

impl Counts {
    /// The count of one severity.
    pub fn of(&self, severity: Severity) -> usize {
        match severity {
            Severity::Violation => self.violation,
            Severity::Warning => self.warning,
            Severity::Note => self.note,
        }
    }
}

/// The findings of one scenario, kept up to date edit by edit, without their quick fixes: the UI
/// and `check` ask those fresh for the findings they show ([`check_subject`],
/// [`Checker::sorted_with_fixes`]), and the rest of a million-link channel never needs them.
#[derive(Clone, Debug, Default)]
pub struct Checker {
    as_of: Option<Date>,
    by_link: IdMap<LinkId, Vec<Finding>>,
    by_party: IdMap<PartyId, Vec<Finding>>,
    /// While recording (see [`Checker::update_recorded`]), the findings each re-checked subject had
    /// before, so a trial edit can be compared and taken back without a full check.
    journal: Option<Journal>,
}

/// The findings that an [`Checker::update_recorded`] replaced: each re-checked subject with what it
/// had before (`None`: no finding). Give it back to [`Checker::restore`] to undo the update.
#[derive(Clone, Debug, Default)]
pub struct Journal {
    as_of: Option<Date>,
    entries: Vec<(Subject, Option<Vec<Finding>>)>,
    seen: IdSet<Subject>,
}

impl Journal {
    /// The re-checked subjects with their findings before the update.
    pub fn before(&self) -> impl Iterator<Item = (&Subject, &[Finding])> {
        self.entries
            .iter()
            .map(|(s, f)| (s, f.as_deref().unwrap_or_default()))
    }
}

impl Checker {
    /// A full check of the scenario as of its as-of date.
    pub fn new(scenario: &Scenario) -> Self {
        Self::with_as_of(scenario, scenario.as_of())
    }

    /// A full check as of `as_of`.
    pub fn with_as_of(scenario: &Scenario, as_of: Date) -> Self {
        let mut checker = Checker::default();
        checker.full(scenario, as_of);
        checker
    }

    fn full(&mut self, scenario: &Scenario, as_of: Date) {
        if self.journal.is_some() {
            // A recorded update that turns into a full check must be able to take it all back.
            let all: Vec<Subject> = (self.by_link.keys().cloned().map(Subject::Link))
                .chain(self.by_party.keys().cloned().map(Subject::Party))
                .collect();
            for subject in all {
                self.record(subject);
            }
        }
        self.as_of = Some(as_of);
        self.by_link.clear();
        self.by_party.clear();
        let ctx = Ctx::for_everything(scenario, as_of).without_fixes();
        if self.journal.is_some() {
            for link in scenario.links() {
                self.check_link_into(&ctx, link);
            }
            for party in scenario.parties() {
                self.check_party_into(&ctx, party);
            }
            return;
        }
        // Nothing to record: most links have no finding, so they cost a check into one reused
        // buffer and no map operation at all.
        let mut found = Vec::new();
        let mut ahead = scenario.graph().edge_references().skip(AHEAD);
        for edge in scenario.graph().edge_references() {
            if let Some(next) = ahead.next() {
                ctx.prefetch_link(next.weight(), next.source(), next.target());
            }
            let link = edge.weight();
            let at = ctx.at(link, edge.source(), edge.target());
            check_link_reading(&ctx, &at, false, &mut found);
            if !found.is_empty() {
                no_fixes(&mut found);
                self.by_link.insert(link.id, std::mem::take(&mut found));
            }
        }
        let mut ahead = scenario.graph().node_indices().skip(AHEAD);
        for ix in scenario.graph().node_indices() {
            if let Some(next) = ahead.next() {
                ctx.prefetch_party(next);
            }
            let node = ctx.node(ix);
            check_node(&ctx, node, &mut found);
            if !found.is_empty() {
                no_fixes(&mut found);
                self.by_party.insert(node.id, std::mem::take(&mut found));
            }
        }
    }

    fn check_link_into(&mut self, ctx: &Ctx, link: &Link) {
        self.record(Subject::Link(link.id));
        let mut found = Vec::new();
        if let Some(at) = ctx.resolve(link) {
            check_link_reading(ctx, &at, false, &mut found);
        }
        no_fixes(&mut found);
        if found.is_empty() {
            self.by_link.remove(&link.id);
        } else {
            self.by_link.insert(link.id, found);
        }
    }

    fn check_party_into(&mut self, ctx: &Ctx, party: &Party) {
        self.record(Subject::Party(party.id));
        let mut found = Vec::new();
        check_party(ctx, party, &mut found);
        no_fixes(&mut found);
        if found.is_empty() {
            self.by_party.remove(&party.id);
        } else {
            self.by_party.insert(party.id, found);
        }
    }

    /// Re-checks what an edit can have affected, given what it [`Touched`] (old and new values).
    ///
    /// The dependents come from what each rule reads, field by field (see [`Dependents`]), so the
    /// work is bounded by the edit, not by the channel: a customer's new MCA date re-checks its own
    /// purchases; a reseller relationship re-checks its customer's purchases and the customer; a
    /// partnership re-checks its reseller's sales. A few edits really do change many findings and
    /// cost what they affect: a provider's supply, kind or agreement (every sale it bills), a
    /// reseller's readiness (its sales). A name change only rewords findings, so it re-checks only
    /// the dependents that have one. Changing the as-of date, or Microsoft itself, re-checks
    /// everything.
    pub fn update(&mut self, scenario: &Scenario, touched: &Touched) {
        let as_of = scenario.as_of();
        if touched.everything || self.as_of != Some(as_of) {
            self.full(scenario, as_of);
            return;
        }
        let ctx = Ctx::new(scenario, as_of).without_fixes();
        let (links, parties, gone_links) = {
            let mut dirty = Dependents::new(scenario);
            dirty.collect(touched);
            (dirty.links, dirty.parties, dirty.gone_links)
        };
        for id in gone_links {
            self.record(Subject::Link(*id));
            self.by_link.remove(id);
        }
        for link in links.into_values() {
            self.check_link_into(&ctx, link);
        }
        for id in parties {
            match scenario.party(id) {
                Some(party) => self.check_party_into(&ctx, party),
                None => {
                    self.record(Subject::Party(PartyId::from(id)));
                    self.by_party.remove(id);
                }
            }
        }
        let renamed: Vec<&PartyId> = touched
            .changed_parties
            .iter()
            .filter(|(_, changed)| {
                changed.intersects(PartyFields::NAME) && !changed.intersects(PartyFields::EXISTENCE)
            })
            .map(|(id, _)| id)
            .collect();
        if !renamed.is_empty() {
            self.reword(scenario, &renamed);
        }
    }

    /// Re-words the findings whose message names a renamed party: a name decides no rule, so
    /// nothing is re-checked. It reads every finding's template (a few percent of a channel's
    /// links have findings), not the party's links.
    fn reword(&mut self, scenario: &Scenario, renamed: &[&PartyId]) {
        let markers: Vec<String> = renamed.iter().map(|id| Name(id).to_string()).collect();
        let finders: Vec<memchr::memmem::Finder<'_>> = markers
            .iter()
            .map(|m| memchr::memmem::Finder::new(m.as_bytes()))
            .collect();
        let names = |found: &Vec<Finding>| found.iter().any(|f| f.names_any(&finders));
        let links: Vec<LinkId> = (self.by_link.iter())
            .filter(|(_, found)| names(found))
            .map(|(id, _)| *id)
            .collect();
        let parties: Vec<PartyId> = (self.by_party.iter())
            .filter(|(_, found)| names(found))
            .map(|(id, _)| *id)
            .collect();
        for id in links {
            self.record(Subject::Link(id));
            for f in self.by_link.get_mut(&id).into_iter().flatten() {
                f.word(scenario);
            }
        }
        for id in parties {
            self.record(Subject::Party(id));
            for f in self.by_party.get_mut(&id).into_iter().flatten() {
                f.word(scenario);
            }
        }
    }

    /// Keeps what `subject` had before its first re-check while a journal is recording.
    fn record(&mut self, subject: Subject) {
        let Some(journal) = self.journal.as_mut() else {
            return;
        };
        if !journal.seen.insert(subject.clone()) {
            return;
        }
        let before = match &subject {
            Subject::Link(id) => self.by_link.get(id).cloned(),
            Subject::Party(id) => self.by_party.get(id).cloned(),
        };
        journal.entries.push((subject, before));
    }

    /// [`Checker::update`], also returning what it replaced: a trial edit (a quick fix being
    /// proven) is judged on the re-checked subjects alone and undone with [`Checker::restore`].
    pub fn update_recorded(&mut self, scenario: &Scenario, touched: &Touched) -> Journal {
        self.journal = Some(Journal {
            as_of: self.as_of,
            ..Journal::default()
        });
        self.update(scenario, touched);
        self.journal.take().unwrap_or_default()
    }

    /// Puts back the findings a recorded update replaced.
    pub fn restore(&mut self, journal: Journal) {
        self.as_of = journal.as_of;
        for (subject, before) in journal.entries {
            match (subject, before) {
                (Subject::Link(id), Some(f)) => {
                    self.by_link.insert(id, f);
                }
                (Subject::Link(id), None) => {
                    self.by_link.remove(&id);
                }
                (Subject::Party(id), Some(f)) => {
                    self.by_party.insert(id, f);
                }
                (Subject::Party(id), None) => {
                    self.by_party.remove(&id);
                }
            }
        }
    }

    /// The findings of one subject.
    pub fn for_subject(&self, subject: &Subject) -> &[Finding] {
        match subject {
            Subject::Link(id) => self.for_link(id.as_str()),
            Subject::Party(id) => self.for_party(id.as_str()),
        }
    }

    /// Every finding, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &Finding> {
        self.by_link
            .values()
            .chain(self.by_party.values())
            .flatten()
    }

    /// The links and parties that have findings, each once, in the order of [`Checker::sorted`]
    /// (by subject): what numbers the findings list subject by subject (the findings panel,
    /// `fix --finding N`) without cloning every finding.
    pub fn subjects(&self) -> Vec<Subject> {
        // The maps hold no empty list: a subject is a key exactly when it has findings.
        let mut subjects: Vec<Subject> = (self.by_link.keys().map(|id| Subject::Link(*id)))
            .chain(self.by_party.keys().map(|id| Subject::Party(*id)))
            .collect();
        subjects.sort_unstable();
        subjects
    }

    /// Every finding, sorted by subject, rule and message, without quick fixes (the checker
    /// keeps none: see [`Checker::sorted_with_fixes`]).
    pub fn sorted(&self) -> Vec<Finding> {
        let mut all: Vec<Finding> = self.iter().cloned().collect();
        sort(&mut all);
        all
    }

    /// Every finding with its quick fixes, sorted as [`Checker::sorted`]: the subjects that have
    /// findings are checked again with fixes ([`check_subject`]), which costs those subjects
    /// (a few percent of a channel), not a full check. `scenario` is the one checked.
    pub fn sorted_with_fixes(&self, scenario: &Scenario) -> Vec<Finding> {
        let as_of = self.as_of.unwrap_or_else(|| scenario.as_of());
        let ctx = Ctx::new(scenario, as_of);
        let mut all = Vec::with_capacity(self.iter().count());
        let mut found = Vec::new();
        for subject in &self.subjects() {
            check_subject_into(&ctx, subject, &mut found);
            sort(&mut found);
            all.append(&mut found);
        }
        all
    }

    /// The findings on one link.
    pub fn for_link(&self, id: &str) -> &[Finding] {
        self.by_link.get(id).map_or(&[], Vec::as_slice)
    }

    /// The findings on one party (not those of its links).
    pub fn for_party(&self, id: &str) -> &[Finding] {
        self.by_party.get(id).map_or(&[], Vec::as_slice)
    }

    /// The worst severity on a link, `None` when it is valid.
    pub fn worst_for_link(&self, id: &str) -> Option<Severity> {
        self.for_link(id).iter().map(|f| f.severity).max()
    }

    /// The worst severity on a party, `None` when it has no finding.
    pub fn worst_for_party(&self, id: &str) -> Option<Severity> {
        self.for_party(id).iter().map(|f| f.severity).max()
    }

    /// How many findings of each severity.
    pub fn counts(&self) -> Counts {
        self.iter().map(|f| f.severity).collect()
    }

    /// The date the findings are as of.
    pub fn as_of(&self) -> Option<Date> {
        self.as_of
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::edit::{Edit, History};
    use crate::rules::RuleId;

    #[test]
    fn links_after_the_as_of_date_are_not_checked() {
        let mut s = valid_channel();
        change_party(&mut s, "db", |p| p.mpa_signed = None);
        assert!(!check(&s).is_empty());
        s.meta.as_of = Some(d("2020-12-31"));
        assert!(
            check(&s).is_empty(),
            "every link is dated 2021: none exists yet"
        );
    }

    #[test]
    fn an_edit_recolours_through_the_incremental_checker() {
        let mut s = valid_channel();
        let mut checker = Checker::new(&s);
        let mut history = History::default();
        assert_eq!(checker.worst_for_link("buy2"), None);
        let mut c2 = s.party("c2").unwrap().clone();
        c2.mca_accepted = None;
        let touched = history.apply(&mut s, Edit::UpdateParty(c2)).unwrap();
        checker.update(&s, &touched);
        assert_eq!(checker.worst_for_link("buy2"), Some(Severity::Violation));
        assert_eq!(checker.for_link("buy2")[0].rule, RuleId::McaMissing);
        let touched = history.undo(&mut s).unwrap().unwrap();
        checker.update(&s, &touched);
        assert_eq!(checker.worst_for_link("buy2"), None);
        assert_eq!(checker.counts(), Counts::default());
    }

    /// Findings without fixes (which may be stale after an update), as `tests/incremental.rs`
    /// compares them.
    fn essence(findings: &[Finding]) -> Vec<String> {
        findings
            .iter()
            .map(|f| format!("{:?} {:?} {:?} {}", f.subject, f.rule, f.path, f.message))
            .collect()
    }

    /// Applies `edit`, updates `checker`, and holds it equal to a full check.
    fn edit_and_compare(s: &mut Scenario, checker: &mut Checker, edit: Edit) {
        let mut history = History::default();
        let touched = history.apply(s, edit).unwrap();
        checker.update(s, &touched);
        assert_eq!(essence(&checker.sorted()), essence(&check(s)));
    }

    /// A customer of a reseller's own organization, in the reseller's tenant, buying straight from
    /// the reseller's provider: `reseller_customer_of_own_provider` reads the reseller's
    /// partnerships, organization and tenant from a sale that names neither.
    fn own_provider_channel() -> Scenario {
        let mut s = valid_channel();
        s.add_party(
            crate::model::Party::new("own", crate::model::PartyKind::Customer)
                .named("Res own use")
                .in_country("US")
                .mca(d("2019-06-01"))
                .with_tenant("res", crate::model::TenantType::Customer),
        )
        .unwrap();
        change_party(&mut s, "own", |p| p.organization = "res".into());
        s.add_link(crate::model::Link::new(
            "r-own",
            crate::model::LinkKind::Reseller,
            "dist",
            "own",
            d("2021-03-01"),
        ))
        .unwrap();
        s.add_link(crate::model::Link::new(
            "buy-own",
            crate::model::LinkKind::Purchase,
            "dist",
            "own",
            d("2021-03-01"),
        ))
        .unwrap();
        s
    }

    #[test]
    fn a_partnership_reaches_the_sales_to_its_resellers_organization() {
        let mut s = own_provider_channel();
        let partnership = s.link("p").unwrap().clone();
        let mut checker = Checker::new(&s);
        assert!(
            checker
                .for_link("buy-own")
                .iter()
                .any(|f| f.rule == RuleId::ResellerCustomerOfOwnProvider)
        );
        edit_and_compare(&mut s, &mut checker, Edit::RemoveLink("p".into()));
        assert!(
            checker
                .for_link("buy-own")
                .iter()
                .all(|f| f.rule != RuleId::ResellerCustomerOfOwnProvider)
        );
        edit_and_compare(&mut s, &mut checker, Edit::AddLink(partnership));
    }

    #[test]
    fn a_resellers_organization_and_tenant_reach_the_sales_to_that_organization() {
        let mut s = own_provider_channel();
        let mut checker = Checker::new(&s);
        for change in [
            |p: &mut crate::model::Party| p.organization = "elsewhere".into(),
            |p: &mut crate::model::Party| p.organization = "res".into(),
            |p: &mut crate::model::Party| p.tenant = "elsewhere".into(),
            |p: &mut crate::model::Party| p.tenant = "res".into(),
        ] {
            let mut res = s.party("res").unwrap().clone();
            change(&mut res);
            edit_and_compare(&mut s, &mut checker, Edit::UpdateParty(res));
        }
    }

    #[test]
    fn a_checker_keeps_no_fixes_and_works_them_out_for_its_findings() {
        let mut s = valid_channel();
        change_party(&mut s, "dist", |p| p.mpa_signed = None);
        change_party(&mut s, "c2", |p| p.mca_accepted = None);
        let full = check(&s);
        assert!(full.iter().all(|f| !f.fixes.is_empty()), "{full:#?}");
        let checker = Checker::new(&s);
        assert!(checker.iter().all(|f| f.fixes.is_empty()));
        assert_eq!(checker.sorted_with_fixes(&s), full);
        let without: Vec<Finding> = full
            .into_iter()
            .map(|f| Finding {
                fixes: Vec::new(),
                ..f
            })
            .collect();
        assert_eq!(checker.sorted(), without);
    }

    /// `subjects` lists each subject with findings once, in the order of the sorted findings, on a
    /// fresh check and after edits that clear a subject's findings and add others.
    #[test]
    fn the_subjects_are_those_of_the_sorted_findings_once_each() {
        let mut s = valid_channel();
        change_party(&mut s, "dist", |p| p.mpa_signed = None);
        change_party(&mut s, "c1", |p| p.mca_accepted = None);
        let mut checker = Checker::new(&s);
        let expected = |checker: &Checker| {
            let mut all: Vec<Subject> = checker.sorted().into_iter().map(|f| f.subject).collect();
            all.dedup();
            all
        };
        assert!(checker.subjects().len() > 1);
        assert_eq!(checker.subjects(), expected(&checker));
        let mut history = History::default();
        let mut c1 = s.party("c1").unwrap().clone();
        c1.mca_accepted = Some(d("2019-06-01"));
        let touched = history.apply(&mut s, Edit::UpdateParty(c1)).unwrap();
        checker.update(&s, &touched);
        let touched = history
            .apply(&mut s, Edit::RemoveLink("r-db".into()))
            .unwrap();
        checker.update(&s, &touched);
        assert_eq!(checker.subjects(), expected(&checker));
        assert!(checker.subjects().contains(&Subject::Link("buy2".into())));
    }

    /// The subjects whose findings name `id` in their message.
    fn naming(checker: &Checker, id: &str) -> Vec<Subject> {
        let marker = Name(&PartyId::from(id)).to_string();
        let mut subjects: Vec<Subject> = checker
            .iter()
            .filter(|f| f.template.contains(&marker))
            .map(|f| f.subject.clone())
            .collect();
        subjects.sort();
        subjects.dedup();
        subjects
    }

    #[test]
    fn a_rename_rewords_the_findings_naming_the_party_and_rechecks_nothing() {
        let mut s = valid_channel();
        change_party(&mut s, "dist", |p| p.mpa_signed = None);
        change_party(&mut s, "c1", |p| p.mca_accepted = None);
        let mut checker = Checker::new(&s);
        let named = naming(&checker, "dist");
        assert!(!named.is_empty());
        let old_name = s.party("dist").unwrap().name.clone();
        let mut dist = s.party("dist").unwrap().clone();
        dist.name = "Northwind Distribution".into();
        let mut history = History::default();
        let touched = history.apply(&mut s, Edit::UpdateParty(dist)).unwrap();
        let journal = checker.update_recorded(&s, &touched);
        let mut reworded: Vec<Subject> = journal.before().map(|(s, _)| s.clone()).collect();
        reworded.sort();
        assert_eq!(
            reworded, named,
            "only the findings naming it, and nothing re-checked"
        );
        for f in checker.iter() {
            let names_it = f.message.contains("Northwind Distribution");
            assert_eq!(
                names_it,
                named.contains(&f.subject) && f.template.contains("\u{1}dist\u{2}")
            );
            assert!(
                !f.message.contains(&format!("{old_name} ")),
                "{}",
                f.message
            );
        }
        assert_eq!(essence(&checker.sorted()), essence(&check(&s)));
        // Taken back with the journal, the old wording returns.
        checker.restore(journal);
        let touched = history.undo(&mut s).unwrap().unwrap();
        checker.update(&s, &touched);
        assert_eq!(essence(&checker.sorted()), essence(&check(&s)));
    }

    /// Every finding of every built-in scenario, after renaming each of its parties in turn, reads
    /// as a fresh check words it: the message templates mark every name they show.
    #[test]
    fn renaming_any_party_of_the_built_in_scenarios_rewords_as_a_fresh_check() {
        let mut rules = std::collections::HashSet::new();
        for builtin in crate::scenarios::BUILTIN {
            let mut s = builtin.load().unwrap();
            let mut checker = Checker::new(&s);
            let ids: Vec<PartyId> = s.parties().map(|p| p.id).collect();
            for id in ids {
                let mut renamed = s.party(id.as_str()).unwrap().clone();
                renamed.name = format!("Renamed {id}");
                let mut history = History::default();
                let touched = history.apply(&mut s, Edit::UpdateParty(renamed)).unwrap();
                checker.update(&s, &touched);
                let fresh = check(&s);
                assert_eq!(
                    essence(&checker.sorted()),
                    essence(&fresh),
                    "{}",
                    builtin.slug
                );
                for f in &fresh {
                    assert!(!f.message.contains(['\u{1}', '\u{2}']), "{}", f.message);
                    if f.message.contains(&format!("Renamed {id}")) {
                        rules.insert(f.rule);
                    }
                }
            }
        }
        assert!(
            rules.len() >= 10,
            "renamed parties show in {} rules",
            rules.len()
        );
    }

    #[test]
    fn fresh_fixes_for_one_subject() {
        let mut s = valid_channel();
        change_party(&mut s, "c2", |p| p.mca_accepted = None);
        let found = check_subject(&s, s.as_of(), &Subject::Link("buy2".into()));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].fixes.len(), 1);
    }

    #[test]
    fn strict_dates_check_the_chain_on_the_purchase_day() {
        let mut s = valid_channel();
        // The partnership is made after the sale it bills: fine as of 2024, not on the sale's day.
        change_link(&mut s, "p", |l| l.date = d("2021-06-01"));
        assert!(check(&s).is_empty(), "{:#?}", check(&s));
        let strict = check_strict_dates(&s, s.as_of());
        let on: Vec<_> = strict
            .iter()
            .map(|f| (f.rule, f.subject.link().map(|l| l.as_str().to_owned())))
            .collect();
        assert_eq!(
            on,
            [(RuleId::IncompleteChain, Some("buy1".to_owned()))],
            "{strict:#?}"
        );
    }
}
