//! Runs the rules: a full check, and an incremental re-check after an edit.
//!
//! The [`Checker`] keeps findings indexed by link and party. After an edit it re-checks only what the
//! edit can affect (see [`Checker::update`]); a property test (`tests/incremental.rs`) holds the result
//! equal to a full check over random scenarios and random edit sequences.

use super::context::Ctx;
use super::{
    Finding, Severity, Subject, chain, customer, gdap, identity, readiness, regions, sales,
};
use crate::edit::Touched;
use crate::model::{Date, Link, LinkId, LinkKind, Party, PartyId, Scenario};
use std::collections::{HashMap, HashSet};

/// Every finding of a scenario as of its as-of date, sorted by subject, rule and message.
pub fn check(scenario: &Scenario) -> Vec<Finding> {
    check_as_of(scenario, scenario.as_of())
}

/// Every finding of a scenario as of `as_of`, sorted by subject, rule and message.
pub fn check_as_of(scenario: &Scenario, as_of: Date) -> Vec<Finding> {
    Checker::with_as_of(scenario, as_of).sorted()
}

/// Every finding as of `as_of`, with each purchase's chain checked on the purchase's own date: the
/// audit reading of `check --strict-dates` (docs/rules-notes.md §8). A 2020 sale whose partnership
/// was made in 2021 passes the ordinary check as of 2024 but not this one.
pub fn check_strict_dates(scenario: &Scenario, as_of: Date) -> Vec<Finding> {
    let ctx = Ctx::new(scenario, as_of);
    let mut out = Vec::new();
    for link in scenario.links() {
        check_link_reading(&ctx, link, true, &mut out);
    }
    for party in scenario.parties() {
        check_party(&ctx, party, &mut out);
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
    match subject {
        Subject::Link(id) => {
            if let Some(link) = scenario.link(id.as_str()) {
                check_link(&ctx, link, &mut out);
            }
        }
        Subject::Party(id) => {
            if let Some(party) = scenario.party(id.as_str()) {
                check_party(&ctx, party, &mut out);
            }
        }
    }
    sort(&mut out);
    out
}

/// All rules on one link. A link that exists only after the as-of date is not checked.
fn check_link(ctx: &Ctx, link: &Link, out: &mut Vec<Finding>) {
    check_link_reading(ctx, link, false, out);
}

/// All rules on one link; with `strict_dates`, a purchase's chain (supply, partnership) is asked of
/// the purchase's own date rather than of the as-of date (the auditor's reading).
fn check_link_reading(ctx: &Ctx, link: &Link, strict_dates: bool, out: &mut Vec<Finding>) {
    if !link.exists_at(ctx.as_of) || !chain::check_shape(ctx, link, out) {
        return;
    }
    if link.kind == LinkKind::Purchase {
        if strict_dates {
            chain::check_purchase_chain(&Ctx::new(ctx.scenario, link.date), link, out);
        } else {
            chain::check_purchase_chain(ctx, link, out);
        }
    }
    readiness::check_mpa(ctx, link, out);
    readiness::check_reseller_ready(ctx, link, out);
    readiness::check_restricted(ctx, link, out);
    readiness::check_mca(ctx, link, out);
    sales::check_self_and_affiliate(ctx, link, out);
    sales::check_own_use_tenant(ctx, link, out);
    sales::check_reseller_of_own_provider(ctx, link, out);
    sales::check_reseller_relationship(ctx, link, out);
    regions::check_cross_region(ctx, link, out);
    gdap::check_gdap(ctx, link, out);
}

/// All rules on one party.
fn check_party(ctx: &Ctx, party: &Party, out: &mut Vec<Finding>) {
    identity::check_identity(ctx, party, out);
    regions::check_market(ctx, party, out);
    customer::check_customer(ctx, party, out);
    customer::check_registration_id(ctx, party, out);
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

/// The findings of one scenario, kept up to date edit by edit.
#[derive(Clone, Debug, Default)]
pub struct Checker {
    as_of: Option<Date>,
    by_link: HashMap<LinkId, Vec<Finding>>,
    by_party: HashMap<PartyId, Vec<Finding>>,
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
    seen: HashSet<Subject>,
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
        let ctx = Ctx::new(scenario, as_of);
        for link in scenario.links() {
            self.check_link_into(&ctx, link);
        }
        for party in scenario.parties() {
            self.check_party_into(&ctx, party);
        }
    }

    fn check_link_into(&mut self, ctx: &Ctx, link: &Link) {
        self.record(Subject::Link(link.id.clone()));
        let mut found = Vec::new();
        check_link(ctx, link, &mut found);
        if found.is_empty() {
            self.by_link.remove(&link.id);
        } else {
            self.by_link.insert(link.id.clone(), found);
        }
    }

    fn check_party_into(&mut self, ctx: &Ctx, party: &Party) {
        self.record(Subject::Party(party.id.clone()));
        let mut found = Vec::new();
        check_party(ctx, party, &mut found);
        if found.is_empty() {
            self.by_party.remove(&party.id);
        } else {
            self.by_party.insert(party.id.clone(), found);
        }
    }

    /// Re-checks what an edit can have affected, given what it [`Touched`] (old and new values).
    ///
    /// A rule on a link reads its two ends and `via`, their incoming and outgoing links, the providers
    /// partnered with its seller (and their supply), the owners of the tenant it lands in, and the
    /// resellers of its customer's organization. So the dirty set is: every link that names a touched
    /// party; every link sold by a reseller partnered with a touched provider; every sale landing in a
    /// touched tenant or sold to a touched organization. Parties are re-checked when touched or
    /// adjacent to a touched party. Changing the as-of date, or Microsoft itself, re-checks everything.
    pub fn update(&mut self, scenario: &Scenario, touched: &Touched) {
        let as_of = scenario.as_of();
        if touched.everything || self.as_of != Some(as_of) {
            self.full(scenario, as_of);
            return;
        }
        let touched_parties: HashSet<&str> = touched.parties.iter().map(PartyId::as_str).collect();
        let mut dirty_parties = touched_parties.clone();
        let ctx = Ctx::new(scenario, as_of);
        // Every lookup below goes through the graph's adjacency or the scenario's index, so the work
        // is proportional to what the edit can affect, never to the size of the channel.
        let mut dirty_links: HashMap<&str, &Link> = HashMap::new();
        for id in &touched_parties {
            for link in scenario.links_naming(id) {
                dirty_parties.insert(link.from.as_str());
                dirty_parties.insert(link.to.as_str());
                dirty_links.insert(link.id.as_str(), link);
            }
            // Resellers partnered with a touched party: their sales read the provider's supply.
            for partnership in scenario
                .links_from(id)
                .filter(|l| l.kind == LinkKind::Partnership)
            {
                for sale in scenario.links_from(partnership.to.as_str()) {
                    dirty_links.insert(sale.id.as_str(), sale);
                }
            }
        }
        for id in &touched.links {
            if let Some(link) = scenario.link(id.as_str()) {
                dirty_links.insert(link.id.as_str(), link);
            }
        }
        // Sales landing in a touched tenant (the customer's own, or one the purchase names) or sold
        // to a customer of a touched organization.
        for tenant in &touched.tenants {
            for party in scenario.parties_with_tenant(tenant) {
                for link in scenario.links_to(party.id.as_str()) {
                    dirty_links.insert(link.id.as_str(), link);
                }
            }
            for link in scenario.links_with_tenant(tenant) {
                dirty_links.insert(link.id.as_str(), link);
            }
        }
        // Partners sharing a touched tenant or PartnerID (before or after the edit): the identity
        // rules on each of them read the others.
        for tenant in &touched.tenants {
            for party in scenario.parties_with_tenant(tenant) {
                dirty_parties.insert(party.id.as_str());
            }
        }
        for partner_id in &touched.partner_ids {
            for party in scenario.parties_with_partner_id(partner_id) {
                dirty_parties.insert(party.id.as_str());
            }
        }
        for organization in &touched.organizations {
            for party in scenario.parties_of_organization(organization) {
                for link in scenario.links_to(party.id.as_str()) {
                    dirty_links.insert(link.id.as_str(), link);
                }
            }
        }
        let tenants: HashSet<&str> = touched.tenants.iter().map(String::as_str).collect();
        let organizations: HashSet<&str> =
            touched.organizations.iter().map(String::as_str).collect();
        let sellers: HashSet<&str> = touched_parties
            .iter()
            .flat_map(|id| scenario.links_from(id))
            .filter(|l| l.kind == LinkKind::Partnership)
            .map(|l| l.to.as_str())
            .collect();
        // Keep exactly the links the rules can have changed for (the candidates above are a superset).
        let dirty_links: Vec<&Link> = dirty_links
            .into_values()
            .filter(|link| {
                link.parties().any(|p| touched_parties.contains(p.as_str()))
                    || touched.links.contains(&link.id)
                    || sellers.contains(link.from.as_str())
                    || lands_in(scenario, link, &tenants, &organizations)
            })
            .collect();
        for id in &touched.links {
            if scenario.link(id.as_str()).is_none() {
                self.record(Subject::Link(id.clone()));
                self.by_link.remove(id);
            }
        }
        for link in dirty_links {
            self.check_link_into(&ctx, link);
        }
        for id in dirty_parties {
            match scenario.party(id) {
                Some(party) => self.check_party_into(&ctx, party),
                None => {
                    self.record(Subject::Party(PartyId::from(id)));
                    self.by_party.remove(id);
                }
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

    /// Every finding, sorted by subject, rule and message.
    pub fn sorted(&self) -> Vec<Finding> {
        let mut all: Vec<Finding> = self.iter().cloned().collect();
        sort(&mut all);
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

/// True when a sale lands in one of `tenants` or is sold to a customer of one of `organizations`.
fn lands_in(
    scenario: &Scenario,
    link: &Link,
    tenants: &HashSet<&str>,
    organizations: &HashSet<&str>,
) -> bool {
    if !matches!(link.kind, LinkKind::Purchase | LinkKind::Reseller) {
        return false;
    }
    let Some(customer) = scenario.party(link.to.as_str()) else {
        return false;
    };
    organizations.contains(customer.organization.as_str())
        || tenants.contains(sales::provisioned_tenant(link, customer))
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
