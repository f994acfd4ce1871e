//! Operations on a set of parties at once, each dated and each one undo step: move customers to
//! another seller, change a reseller's provider, end partnerships, take a direct-bill partner
//! indirect, turn DAP into GDAP. Must not apply anything, check rules or draw: an operation is
//! [`Operation::prepare`]d into one [`Edit`] with what it ends and makes, which the caller applies
//! (the window as one undo step, the CLI and plans on their copy); [`preview`] tries it and takes
//! it back, to say which findings it would introduce and resolve.
//!
//! Every operation is dated: the links it ends end on its date (a link made on that very day is
//! removed instead, having lasted no day), and the links it makes begin on it. A channel checked
//! as of an earlier day would not show the change yet, so an operation dated after the scenario's
//! as-of date moves the as-of date to its own, in the same step.
//!
//! An operation that cannot apply as asked (a customer its seller does not sell to, a provider in
//! another region) is refused with every reason, naming the parties, and changes nothing. What the
//! rules would flag is not refused: that is what a what-if is for, and the preview shows it.

mod change_provider;
mod dap_to_gdap;
mod end_partnerships;
mod go_indirect;
mod move_customers;
mod preview;

pub use preview::{Preview, preview};

use crate::edit::Edit;
use crate::model::{
    Date, Link, LinkId, LinkKind, LinkStatus, Party, PartyId, PartyKind, Region, Scenario, markets,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashSet};
use std::fmt;

/// Which customers a move takes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Customers {
    /// Every customer the seller sells to on the day (a reseller relationship or a purchase that
    /// exists then): on next month's channel, next month's customers.
    #[default]
    All,
    /// These customers, by id.
    Only(Vec<PartyId>),
    /// Every customer the seller sells to on the day in this country (ISO code): a seller
    /// leaving one market hands over only that market's customers.
    Country(String),
    /// Every customer the seller sells to on the day in this CSP region (its id, such as `LATAM`,
    /// or its name).
    Region(String),
}

/// Which of a provider's resellers a partnership ends with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Resellers {
    /// These resellers, by id.
    Only(Vec<PartyId>),
    /// Every reseller partnered with the provider in this country (ISO code).
    Country(String),
    /// Every reseller partnered with the provider in this CSP region (its id, such as `LATAM`, or
    /// its name).
    Region(String),
}

/// One what-if operation, as a plan file writes it (parties by id, dates as `YYYY-MM-DD`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Operation {
    /// Customers leave one seller for another: their purchases, reseller relationships and (with
    /// `admin`) admin access from the old seller end, and are made again from the new seller, billed
    /// by its provider, with the same offers and tenants.
    MoveCustomers {
        /// The seller they leave (an indirect reseller or a direct-bill partner).
        from: PartyId,
        /// The seller they go to.
        to: PartyId,
        /// Which customers.
        #[serde(default)]
        customers: Customers,
        /// Whether admin relationships move too.
        #[serde(default = "yes")]
        admin: bool,
        /// The day of the move.
        on: Date,
    },
    /// A reseller leaves one provider for another: the partnership with the old one ends, one with
    /// the new one begins (accepted), and the sales billed by the old provider are billed by the new
    /// one, whose reseller relationships with those customers are made.
    ChangeProvider {
        /// The indirect reseller.
        reseller: PartyId,
        /// The provider it leaves.
        from: PartyId,
        /// The provider it partners with instead.
        to: PartyId,
        /// The day of the change.
        on: Date,
    },
    /// A provider ends its partnerships with some resellers; nothing else changes, so the check
    /// shows what is left behind.
    EndPartnerships {
        /// The indirect provider.
        provider: PartyId,
        /// With whom.
        resellers: Resellers,
        /// The day they end.
        on: Date,
    },
    /// A direct-bill partner is restricted and goes on as an indirect reseller of a provider: its
    /// customers' reseller relationships are extended to the reseller and the provider, and (with
    /// `move_purchases`) its purchases move to the reseller.
    GoIndirect {
        /// The direct-bill partner.
        partner: PartyId,
        /// The indirect provider it partners with.
        provider: PartyId,
        /// Enrol on a new tenant rather than the direct-bill one.
        #[serde(default)]
        new_tenant: bool,
        /// Move the purchases to the new reseller in the same step.
        #[serde(default)]
        move_purchases: bool,
        /// The day of the transition.
        on: Date,
    },
    /// A partner's DAP admin links end and GDAP links with the chosen roles and duration begin.
    DapToGdap {
        /// The partner.
        partner: PartyId,
        /// The least-privileged roles granted.
        roles: Vec<String>,
        /// How long each GDAP relationship lasts (1 to 730 days).
        days: u32,
        /// The day of the change.
        on: Date,
    },
}

fn yes() -> bool {
    true
}

impl Operation {
    /// The day the operation takes effect.
    pub fn on(&self) -> Date {
        match self {
            Operation::MoveCustomers { on, .. }
            | Operation::ChangeProvider { on, .. }
            | Operation::EndPartnerships { on, .. }
            | Operation::GoIndirect { on, .. }
            | Operation::DapToGdap { on, .. } => *on,
        }
    }

    /// The operation's name for people ("Move customers").
    pub fn title(&self) -> &'static str {
        match self {
            Operation::MoveCustomers { .. } => "Move customers",
            Operation::ChangeProvider { .. } => "Change provider",
            Operation::EndPartnerships { .. } => "End partnerships",
            Operation::GoIndirect { .. } => "Direct-bill goes indirect",
            Operation::DapToGdap { .. } => "DAP to GDAP",
        }
    }

    /// Works out the one edit that does the operation on `scenario`, or why it cannot apply.
    /// Nothing is changed: apply [`Prepared::edit`] (or use [`Operation::apply`]).
    pub fn prepare(&self, scenario: &Scenario) -> Result<Prepared, Refusal> {
        crate::model::limits::check_date("on", self.on())
            .map_err(|e| Refusal::one(self.title(), e.to_string()))?;
        let mut work = Work::new(scenario, self.on());
        match self {
            Operation::MoveCustomers {
                from,
                to,
                customers,
                admin,
                ..
            } => move_customers::prepare(&mut work, from, to, customers, *admin)?,
            Operation::ChangeProvider {
                reseller, from, to, ..
            } => change_provider::prepare(&mut work, reseller, from, to)?,
            Operation::EndPartnerships {
                provider,
                resellers,
                ..
            } => end_partnerships::prepare(&mut work, provider, resellers)?,
            Operation::GoIndirect {
                partner,
                provider,
                new_tenant,
                move_purchases,
                ..
            } => go_indirect::prepare(&mut work, partner, provider, *new_tenant, *move_purchases)?,
            Operation::DapToGdap {
                partner,
                roles,
                days,
                ..
            } => dap_to_gdap::prepare(&mut work, partner, roles, *days)?,
        }
        Ok(work.finish(self.clone()))
    }

    /// Prepares the operation and applies it to `scenario`: what it did, or why it could not (then
    /// the scenario is unchanged).
    pub fn apply(&self, scenario: &mut Scenario) -> Result<Prepared, Refusal> {
        let prepared = self.prepare(scenario)?;
        prepared.edit().apply(scenario).map_err(|e| {
            Refusal::one(self.title(), format!("the change could not be made: {e}"))
        })?;
        Ok(prepared)
    }
}

/// An operation worked out on one scenario: the edit that does it and what it ends and makes.
#[derive(Clone, Debug, PartialEq)]
pub struct Prepared {
    /// The operation.
    pub operation: Operation,
    /// What it does, in a sentence naming the parties and counts ("Move 412 customers of …").
    pub summary: String,
    /// The links and parties it changes (without the as-of date).
    pub changes: Edit,
    /// The as-of date it moves the scenario to (its date, when later than the scenario's).
    pub as_of: Option<Date>,
    /// Links that end on the date.
    pub ended: Vec<LinkId>,
    /// Links made on the date itself, removed rather than ended (they would have lasted no day).
    pub removed: Vec<LinkId>,
    /// Links made, beginning on the date.
    pub made: Vec<LinkId>,
    /// Parties made (the indirect reseller a direct-bill partner becomes).
    pub parties_made: Vec<PartyId>,
    /// Parties changed (a direct-bill partner restricted).
    pub parties_changed: Vec<PartyId>,
    /// The customers whose relationships change, by id.
    pub customers: Vec<PartyId>,
}

impl Prepared {
    /// The one edit to apply: the as-of date (when it moves) and the changes.
    pub fn edit(&self) -> Edit {
        match self.as_of {
            Some(day) => Edit::Batch(vec![Edit::SetAsOf(Some(day)), self.changes.clone()]),
            None => self.changes.clone(),
        }
    }

    /// What ends and what is made, counted ("1,203 links end, 1,310 are made, 412 customers").
    pub fn counts(&self) -> String {
        use crate::text::count;
        let mut parts = vec![
            format!("{} end", count(self.ended.len(), "link", "links")),
            format!("{} made", count(self.made.len(), "link is", "links are")),
        ];
        if !self.removed.is_empty() {
            parts.push(format!(
                "{} made that day removed",
                count(self.removed.len(), "link", "links")
            ));
        }
        if !self.parties_made.is_empty() {
            parts.push(format!(
                "{} made",
                count(self.parties_made.len(), "party", "parties")
            ));
        }
        if !self.parties_changed.is_empty() {
            parts.push(format!(
                "{} changed",
                count(self.parties_changed.len(), "party", "parties")
            ));
        }
        parts.push(format!(
            "{} affected",
            count(self.customers.len(), "customer", "customers")
        ));
        parts.join(", ")
    }
}

/// Why an operation cannot apply: every reason, each naming the parties. Nothing was changed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct Refusal {
    /// The operation's title ("Move customers").
    pub operation: String,
    /// Each reason, a sentence.
    pub reasons: Vec<String>,
}

/// How many reasons a refusal's one-line message lists before counting the rest.
const REASONS_SHOWN: usize = 5;

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} cannot apply, nothing was changed: ", self.operation)?;
        let shown: Vec<&str> = self
            .reasons
            .iter()
            .take(REASONS_SHOWN)
            .map(String::as_str)
            .collect();
        f.write_str(&shown.join("; "))?;
        if self.reasons.len() > REASONS_SHOWN {
            write!(f, "; and {} more", self.reasons.len() - REASONS_SHOWN)?;
        }
        Ok(())
    }
}

impl Refusal {
    fn one(operation: &str, reason: String) -> Self {
        Refusal {
            operation: operation.to_owned(),
            reasons: vec![reason],
        }
    }
}

/// A party by name for messages: "Contoso Reseller (`contoso`)", or the id alone when that is
/// its name.
pub fn who(scenario: &Scenario, id: &PartyId) -> String {
    match scenario.party(id.as_str()) {
        Some(p) if p.name != id.as_str() => format!("{} (`{id}`)", p.name),
        _ => format!("`{id}`"),
    }
}

/// The party named `text`: by id, or else by its exact name when one party has it (the CLI's
/// `--from`, `--to`, …). A name several parties share is refused, listing their ids.
pub fn resolve_party(scenario: &Scenario, text: &str) -> Result<PartyId, String> {
    if let Some(p) = scenario.party(text) {
        return Ok(p.id);
    }
    let named: Vec<&Party> = scenario.parties().filter(|p| p.name == text).collect();
    match named.as_slice() {
        [one] => Ok(one.id),
        [] => Err(format!("no party has id or name `{text}`")),
        many => {
            let mut ids: Vec<&str> = many.iter().map(|p| p.id.as_str()).collect();
            ids.sort_unstable();
            Err(format!(
                "{} parties are named `{text}` ({}): give the id",
                many.len(),
                ids.join(", ")
            ))
        }
    }
}

/// The CSP region named `wanted` (its id or its name, in any case), or a reason listing the
/// regions there are.
fn find_region(wanted: &str) -> Result<&'static Region, String> {
    let regions = &markets().regions;
    regions
        .iter()
        .find(|r| {
            r.id.eq_ignore_ascii_case(wanted.trim()) || r.name.eq_ignore_ascii_case(wanted.trim())
        })
        .ok_or_else(|| {
            let known: Vec<String> = regions
                .iter()
                .map(|r| format!("{} ({})", r.id, r.name))
                .collect();
            format!(
                "`{}` is not a CSP region; the regions are {}",
                wanted.trim(),
                known.join(", ")
            )
        })
}

/// The CSP region of a party's country, if it has one in a region.
fn region_of(party: &Party) -> Option<&'static Region> {
    party
        .country
        .as_deref()
        .and_then(|c| markets().region_of(c))
}

/// A country or a CSP region: where a move or an end of partnerships picks its parties when the
/// user names a market rather than the parties.
enum Market {
    /// A country's ISO code, upper case.
    Country(String),
    Region(&'static Region),
}

impl Market {
    fn country(code: &str) -> Market {
        Market::Country(code.trim().to_ascii_uppercase())
    }

    /// The region named `wanted`, or a reason listing the regions there are.
    fn region(wanted: &str) -> Result<Market, String> {
        find_region(wanted).map(Market::Region)
    }

    fn holds(&self, party: &Party) -> bool {
        match self {
            Market::Country(code) => party.country.as_deref() == Some(code.as_str()),
            Market::Region(region) => region_of(party).is_some_and(|r| r.id == region.id),
        }
    }

    /// Those of `ids` whose party is in the market, in their order; if there are none, the reason
    /// `none` words (given the market's name: a country's code, a region's name).
    fn pick<'p>(
        &self,
        s: &Scenario,
        ids: impl IntoIterator<Item = &'p PartyId>,
        reasons: &mut Reasons,
        none: impl FnOnce(&str) -> String,
    ) -> Vec<&'p PartyId> {
        let picked: Vec<&PartyId> = ids
            .into_iter()
            .filter(|id| s.party(id.as_str()).is_some_and(|p| self.holds(p)))
            .collect();
        if picked.is_empty() {
            reasons.push(none(match self {
                Market::Country(code) => code.as_str(),
                Market::Region(region) => region.name.as_str(),
            }));
        }
        picked
    }
}

/// The operation's work in progress: the edits so far, what they end and make, and the ids they
/// take (a batch's new links must not share an id with each other any more than with the channel).
struct Work<'a> {
    s: &'a Scenario,
    on: Date,
    edits: Vec<Edit>,
    ended: Vec<LinkId>,
    removed: Vec<LinkId>,
    made: Vec<LinkId>,
    parties_made: Vec<PartyId>,
    parties_changed: Vec<PartyId>,
    customers: BTreeSet<PartyId>,
    /// Links this batch ends or removes, so that one is never ended twice.
    ending: HashSet<LinkId>,
    /// Ids this batch gives to new links and parties.
    taken: HashSet<String>,
    summary: String,
}

impl<'a> Work<'a> {
    fn new(s: &'a Scenario, on: Date) -> Self {
        Work {
            s,
            on,
            edits: Vec::new(),
            ended: Vec::new(),
            removed: Vec::new(),
            made: Vec::new(),
            parties_made: Vec::new(),
            parties_changed: Vec::new(),
            customers: BTreeSet::new(),
            ending: HashSet::new(),
            taken: HashSet::new(),
            summary: String::new(),
        }
    }

    /// The party, or a reason naming the id.
    fn party(&self, id: &PartyId) -> Result<&'a Party, String> {
        self.s
            .party(id.as_str())
            .ok_or_else(|| format!("no party has id `{id}`"))
    }

    /// The party, which must be of one of `kinds`.
    fn party_of_kind(
        &self,
        id: &PartyId,
        role: &str,
        kinds: &[PartyKind],
    ) -> Result<&'a Party, String> {
        let p = self.party(id)?;
        if kinds.contains(&p.kind) {
            return Ok(p);
        }
        let wanted: Vec<&str> = kinds.iter().map(|k| k.with_article()).collect();
        Err(format!(
            "{} is {}; {role} must be {}",
            who(self.s, id),
            p.kind.with_article(),
            wanted.join(" or ")
        ))
    }

    fn who(&self, id: &PartyId) -> String {
        who(self.s, id)
    }

    /// Ends `link` on the date (removes it when it was made that very day).
    fn end(&mut self, link: &Link) {
        if !self.ending.insert(link.id) {
            return;
        }
        if link.date >= self.on {
            self.edits.push(Edit::RemoveLink(link.id));
            self.removed.push(link.id);
        } else {
            let mut ended = link.clone();
            ended.ended = Some(self.on);
            self.edits.push(Edit::UpdateLink(ended));
            self.ended.push(link.id);
        }
    }

    /// True when this batch ends `link`.
    fn is_ending(&self, link: &Link) -> bool {
        self.ending.contains(&link.id)
    }

    /// Makes `link`, beginning on the date, under a fresh id made from `stem`.
    fn make(&mut self, mut link: Link, stem: &str) {
        link.id = self.fresh_link_id(stem);
        link.date = self.on;
        link.ended = link.ended.filter(|end| *end > self.on);
        self.made.push(link.id);
        self.edits.push(Edit::AddLink(link));
    }

    /// `link` made again on the date, from `from` and billed `via`, keeping its offer, tenant and
    /// the rest (and a later end it had).
    fn remake(&mut self, link: &Link, from: &PartyId, via: Option<&PartyId>) {
        let mut new = link.clone();
        new.from = *from;
        new.via = via.cloned();
        let stem = format!("{}.{}", link.id, self.on);
        self.make(new, &stem);
    }

    /// A link id in use neither in the channel nor in this batch: `stem`, `stem-2`, …
    fn fresh_link_id(&mut self, stem: &str) -> LinkId {
        self.fresh_id(stem, |s, id| s.link(id).is_some()).into()
    }

    /// A party id in use neither in the channel nor in this batch.
    fn fresh_party_id(&mut self, stem: &str) -> PartyId {
        self.fresh_id(stem, |s, id| s.party(id).is_some()).into()
    }

    /// `stem`, `stem-2`, … whichever is first neither `in_channel` nor already taken by this batch
    /// (one list for the party and link ids it makes).
    fn fresh_id(&mut self, stem: &str, in_channel: impl Fn(&Scenario, &str) -> bool) -> String {
        let stem = id_stem(stem);
        let taken = |id: &str| in_channel(self.s, id) || self.taken.contains(id);
        let id = if taken(&stem) {
            (2..)
                .map(|n| format!("{stem}-{n}"))
                .find(|id| !taken(id))
                .unwrap_or_default()
        } else {
            stem
        };
        self.taken.insert(id.clone());
        id
    }

    /// The links to `party` of `kind` from `from` that exist on the date and this batch does not
    /// already end.
    fn existing_to<'s>(
        &'s self,
        party: &'s PartyId,
        kind: LinkKind,
        from: &'s PartyId,
    ) -> impl Iterator<Item = &'a Link> + 's {
        let on = self.on;
        self.s.links_to(party.as_str()).filter(move |l| {
            l.kind == kind && l.from == *from && l.exists_at(on) && !self.is_ending(l)
        })
    }

    /// Makes sure `provider` has a reseller relationship with `customer` on the date.
    fn ensure_reseller_relationship(&mut self, provider: &PartyId, customer: &PartyId) {
        if self
            .existing_to(customer, LinkKind::Reseller, provider)
            .next()
            .is_some()
        {
            return;
        }
        let link = Link::new("", LinkKind::Reseller, *provider, *customer, self.on);
        let stem = format!("reseller-{provider}-{customer}.{}", self.on);
        self.make(link, &stem);
    }

    /// Ends `provider`'s reseller relationships with `customer` when nothing the customer still
    /// has on the date after this batch is sold by it or billed through it.
    fn end_unused_provider_relationship(&mut self, provider: &PartyId, customer: &PartyId) {
        let on = self.on;
        let relies = self.s.links_to(customer.as_str()).any(|l| {
            l.exists_at(on)
                && !self.is_ending(l)
                && matches!(l.kind, LinkKind::Purchase | LinkKind::Reseller)
                && !(l.kind == LinkKind::Reseller && l.from == *provider)
                && (l.from == *provider || l.via.as_ref() == Some(provider))
        });
        if relies {
            return;
        }
        let own: Vec<&Link> = self
            .existing_to(customer, LinkKind::Reseller, provider)
            .collect();
        for link in own {
            self.end(link);
        }
    }

    /// The providers `reseller` has an accepted partnership with on the date (not ending in this
    /// batch), by id.
    fn providers_of(&self, reseller: &PartyId) -> Vec<PartyId> {
        let mut out: Vec<PartyId> = self
            .s
            .links_to(reseller.as_str())
            .filter(|l| {
                l.kind == LinkKind::Partnership
                    && l.status == LinkStatus::Accepted
                    && l.exists_at(self.on)
                    && !self.is_ending(l)
                    && self
                        .s
                        .party(l.from.as_str())
                        .is_some_and(|p| p.kind == PartyKind::IndirectProvider)
            })
            .map(|l| l.from)
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// A reason when `a` and `b` are in different CSP regions (`None` when they are in one, or
    /// either is in none: the rules name a missing market).
    fn other_region(&self, a: &Party, b: &Party, why: &str) -> Option<String> {
        let (ra, rb) = (region_of(a)?, region_of(b)?);
        (ra.id != rb.id).then(|| {
            format!(
                "{} is in {} ({}) and {} in {} ({}): {why}",
                self.who(&a.id),
                a.country.as_deref().unwrap_or_default(),
                ra.name,
                self.who(&b.id),
                b.country.as_deref().unwrap_or_default(),
                rb.name
            )
        })
    }

    fn finish(self, operation: Operation) -> Prepared {
        let as_of = (self.s.as_of() < self.on).then_some(self.on);
        Prepared {
            operation,
            summary: self.summary,
            changes: Edit::Batch(self.edits),
            as_of,
            ended: self.ended,
            removed: self.removed,
            made: self.made,
            parties_made: self.parties_made,
            parties_changed: self.parties_changed,
            customers: self.customers.into_iter().collect(),
        }
    }
}

/// The longest stem a new id is made from: room is left for a `-N` suffix within the model's
/// bound on ids (a link moved many times gathers one date per move).
const MAX_STEM_CHARS: usize = crate::model::limits::MAX_TEXT_CHARS - 20;

/// `stem` with every character an id cannot hold replaced by `-` (ids are letters, digits, `-`,
/// `_` and `.`), cut to [`MAX_STEM_CHARS`], never empty.
fn id_stem(stem: &str) -> String {
    let cleaned: String = stem
        .chars()
        .take(MAX_STEM_CHARS)
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "link".to_owned()
    } else {
        cleaned
    }
}

/// Collects reasons; a refusal when there is any.
struct Reasons {
    operation: &'static str,
    reasons: Vec<String>,
}

impl Reasons {
    fn new(operation: &'static str) -> Self {
        Reasons {
            operation,
            reasons: Vec::new(),
        }
    }

    /// Keeps the reason of an `Err`; the value of an `Ok`.
    fn check<T>(&mut self, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(reason) => {
                self.reasons.push(reason);
                None
            }
        }
    }

    fn push(&mut self, reason: String) {
        self.reasons.push(reason);
    }

    /// `Err` with every reason so far, if there is one.
    fn done(&mut self) -> Result<(), Refusal> {
        if self.reasons.is_empty() {
            Ok(())
        } else {
            Err(Refusal {
                operation: self.operation.to_owned(),
                reasons: std::mem::take(&mut self.reasons),
            })
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
