//! What every rule reads: the scenario as of a date, with the small queries the rules share.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::model::{
    Date, Link, LinkKind, LinkStatus, Party, PartyId, PartyKind, Region, Scenario, markets,
};

/// A scenario seen as of a date: links dated later do not exist yet.
pub(crate) struct Ctx<'a> {
    pub scenario: &'a Scenario,
    pub as_of: Date,
    /// The earliest date among each party's links, once asked (see [`Ctx::earliest_link_date`]).
    earliest: RefCell<HashMap<PartyId, Option<Date>, foldhash::fast::RandomState>>,
}

impl<'a> Ctx<'a> {
    /// The context costs nothing to build: the lookups it offers come from the scenario's own
    /// index, kept up to date by every edit, so a re-check of one link never scans the channel.
    pub fn new(scenario: &'a Scenario, as_of: Date) -> Self {
        Ctx {
            scenario,
            as_of,
            earliest: RefCell::default(),
        }
    }

    /// The earliest date among a party's links (`None` when it has none), computed once per
    /// context: an unsigned agreement is a finding on every link of the party, and each offers
    /// the same date; walking a provider's 20,000 links for each of its 20,000 findings made
    /// re-checking it quadratic.
    pub fn earliest_link_date(&self, party: &PartyId) -> Option<Date> {
        if let Some(known) = self.earliest.borrow().get(party.as_str()) {
            return *known;
        }
        let earliest = self
            .scenario
            .links_naming(party.as_str())
            .map(|l| l.date)
            .min();
        self.earliest.borrow_mut().insert(party.clone(), earliest);
        earliest
    }

    /// The partners whose tenant is `tenant`, by id. An iterator, not a list: every purchase asks,
    /// and at a million links a list per purchase was a measurable share of a full check.
    pub fn partners_with_tenant(&self, tenant: &str) -> impl Iterator<Item = &'a Party> + 'a {
        self.scenario
            .parties_with_tenant(tenant)
            .filter(|p| p.kind.is_partner())
    }

    /// The indirect resellers of an organization, by id (an iterator, as above: every sale asks).
    pub fn resellers_of_org(&self, organization: &str) -> impl Iterator<Item = &'a Party> + 'a {
        self.scenario
            .parties_of_organization(organization)
            .filter(|p| p.kind == PartyKind::IndirectReseller)
    }

    pub fn party(&self, id: &PartyId) -> Option<&'a Party> {
        self.scenario.party(id.as_str())
    }

    /// The display name of a party, or its id when it is unknown.
    pub fn name(&self, id: &PartyId) -> String {
        self.party(id)
            .map_or_else(|| id.to_string(), |p| p.name.clone())
    }

    /// Links arriving at a party that exist as of the date.
    pub fn links_to(&self, id: &PartyId) -> impl Iterator<Item = &'a Link> + 'a {
        let as_of = self.as_of;
        self.scenario
            .links_to(id.as_str())
            .filter(move |l| l.exists_at(as_of))
    }

    /// Links leaving a party that exist as of the date.
    pub fn links_from(&self, id: &PartyId) -> impl Iterator<Item = &'a Link> + 'a {
        let as_of = self.as_of;
        self.scenario
            .links_from(id.as_str())
            .filter(move |l| l.exists_at(as_of))
    }

    /// The CSP region of a party, `None` when its country is missing or unlisted.
    pub fn region(&self, party: &Party) -> Option<&'static Region> {
        party
            .country
            .as_deref()
            .and_then(|c| markets().region_of(c))
    }

    /// True when the provider buys from Microsoft (an existing supply link from the Microsoft party).
    pub fn supplied_by_microsoft(&self, provider: &PartyId) -> bool {
        self.links_to(provider).any(|l| {
            l.kind == LinkKind::Supply
                && self
                    .party(&l.from)
                    .is_some_and(|p| p.kind == PartyKind::Microsoft)
        })
    }

    /// The existing partnerships of a reseller that are program chains: from an indirect provider.
    ///
    /// A "partnership" from a direct-bill partner, Microsoft or a customer is itself an
    /// `invalid_chain`; counting it here would hide `incomplete_chain` on the reseller's sales (or call
    /// the reseller's partnership "still pending") although no provider can bill them.
    pub fn partnerships_of(&self, reseller: &PartyId) -> impl Iterator<Item = &'a Link> + 'a {
        let scenario = self.scenario;
        self.links_to(reseller).filter(move |l| {
            l.kind == LinkKind::Partnership
                && scenario
                    .party(l.from.as_str())
                    .is_some_and(|p| p.kind == PartyKind::IndirectProvider)
        })
    }

    /// True when `partner` has a reseller relationship with `customer` that exists on `day` (made on
    /// or before it and not ended by then). `day` is a sale's own date, on or before the as-of date,
    /// so a relationship ended after the sale still covers it, and one ended before it does not.
    pub fn has_reseller_relationship(
        &self,
        partner: &PartyId,
        customer: &PartyId,
        day: Date,
    ) -> bool {
        self.scenario
            .links_to(customer.as_str())
            .any(|l| l.kind == LinkKind::Reseller && l.from == *partner && l.exists_at(day))
    }

    /// The reseller relationship `partner` would need with the sale's customer, dated as the sale,
    /// or `None` when it has one that covers the sale: what quick fixes add when they make a party
    /// sell or bill.
    pub fn missing_reseller_relationship(&self, partner: &PartyId, sale: &Link) -> Option<Link> {
        if self.has_reseller_relationship(partner, &sale.to, sale.date) {
            return None;
        }
        let id = self
            .scenario
            .fresh_link_id(&format!("reseller-{}-{}", partner, sale.to));
        Some(Link::new(
            id,
            LinkKind::Reseller,
            partner.clone(),
            sale.to.clone(),
            sale.date,
        ))
    }

    /// The partners a sale needs: its seller and, when set and different from the seller, its `via`.
    ///
    /// A `via` naming the seller itself adds no second partner: the rules that ask something of
    /// "seller and billing provider" would otherwise report the same party twice.
    pub fn sale_partners(link: &'a Link) -> impl Iterator<Item = &'a PartyId> + 'a {
        std::iter::once(&link.from).chain(link.via.as_ref().filter(|v| **v != link.from))
    }

    /// The provider that bills an indirect reseller's sale when the engine can tell for sure: `via`
    /// when set, otherwise the reseller's only provider with an accepted partnership. `None` when the
    /// seller is not an indirect reseller, or has no or several accepted providers.
    pub fn sure_billing_provider(&self, link: &Link) -> Option<PartyId> {
        if let Some(via) = &link.via {
            return (*via != link.from).then(|| via.clone());
        }
        if self.party(&link.from)?.kind != PartyKind::IndirectReseller {
            return None;
        }
        let mut providers: Vec<&PartyId> = self
            .partnerships_of(&link.from)
            .filter(|p| p.status == LinkStatus::Accepted)
            .map(|p| &p.from)
            .collect();
        providers.sort();
        providers.dedup();
        match providers.as_slice() {
            [only] => Some((*only).clone()),
            _ => None,
        }
    }

    /// The provider that bills an indirect reseller's sale: `via` when set, otherwise the first provider
    /// with an accepted partnership (supplied ones first).
    pub fn billing_provider(&self, link: &Link) -> Option<PartyId> {
        if let Some(via) = &link.via {
            return Some(via.clone());
        }
        let accepted: Vec<&PartyId> = self
            .partnerships_of(&link.from)
            .filter(|p| p.status == LinkStatus::Accepted)
            .map(|p| &p.from)
            .collect();
        accepted
            .iter()
            .find(|p| self.supplied_by_microsoft(p))
            .or(accepted.first())
            .map(|p| (*p).clone())
    }

    /// The chain a sale runs along, from Microsoft's side down: Microsoft → (provider →) seller →
    /// customer, with the links that are missing simply left out.
    pub fn sale_path(&self, link: &Link) -> Vec<PartyId> {
        let mut path = Vec::with_capacity(4);
        let seller_kind = self.party(&link.from).map(|p| p.kind);
        let top = match seller_kind {
            Some(PartyKind::IndirectReseller) => self.billing_provider(link),
            Some(PartyKind::DirectBill | PartyKind::IndirectProvider) => Some(link.from.clone()),
            _ => None,
        };
        if let Some(top) = &top
            && self.supplied_by_microsoft(top)
            && let Some(ms) = self.scenario.microsoft()
        {
            path.push(ms.id.clone());
        }
        if let Some(top) = top
            && top != link.from
        {
            path.push(top);
        }
        path.push(link.from.clone());
        path.push(link.to.clone());
        path
    }

    /// The path a link concerns: the sale chain for purchases and reseller relationships, Microsoft →
    /// provider → reseller for partnerships, and its two ends otherwise.
    pub fn path_of(&self, link: &Link) -> Vec<PartyId> {
        match link.kind {
            LinkKind::Purchase | LinkKind::Reseller => self.sale_path(link),
            LinkKind::Partnership => {
                let mut path = Vec::with_capacity(3);
                if self.supplied_by_microsoft(&link.from)
                    && let Some(ms) = self.scenario.microsoft()
                {
                    path.push(ms.id.clone());
                }
                path.push(link.from.clone());
                path.push(link.to.clone());
                path
            }
            LinkKind::Supply | LinkKind::Admin => vec![link.from.clone(), link.to.clone()],
        }
    }

    /// A new tenant id, distinct from every tenant in the scenario, for a customer-type own-use tenant.
    pub fn fresh_tenant(&self, stem: &str) -> String {
        let taken = |t: &str| {
            self.scenario.parties_with_tenant(t).next().is_some()
                || self.scenario.links_with_tenant(t).next().is_some()
        };
        let base = format!("{stem}-internal");
        if !taken(&base) {
            return base;
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|t| !taken(t))
            .expect("an unbounded range always finds a free tenant")
    }
}
