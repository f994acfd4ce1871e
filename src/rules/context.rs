//! What every rule reads: the scenario as of a date, with the small queries the rules share.

use std::collections::HashMap;

use crate::model::{
    Date, Link, LinkKind, LinkStatus, Party, PartyId, PartyKind, Region, Scenario, markets,
};

/// A scenario seen as of a date: links dated later do not exist yet.
pub(crate) struct Ctx<'a> {
    pub scenario: &'a Scenario,
    pub as_of: Date,
    /// Partners by tenant id: who owns a tenant a purchase lands in.
    partners_by_tenant: HashMap<&'a str, Vec<&'a Party>>,
    /// Indirect resellers by organization: whose provider a customer organization may already have.
    resellers_by_org: HashMap<&'a str, Vec<&'a Party>>,
}

impl<'a> Ctx<'a> {
    /// Builds the context and its two indices (one pass over the parties), so that no rule scans
    /// every party per link.
    pub fn new(scenario: &'a Scenario, as_of: Date) -> Self {
        let mut partners_by_tenant: HashMap<&str, Vec<&Party>> = HashMap::new();
        let mut resellers_by_org: HashMap<&str, Vec<&Party>> = HashMap::new();
        for p in scenario.parties() {
            if p.kind.is_partner() {
                partners_by_tenant.entry(&p.tenant).or_default().push(p);
            }
            if p.kind == PartyKind::IndirectReseller {
                resellers_by_org.entry(&p.organization).or_default().push(p);
            }
        }
        for parties in partners_by_tenant
            .values_mut()
            .chain(resellers_by_org.values_mut())
        {
            parties.sort_by(|a, b| a.id.cmp(&b.id));
        }
        Ctx {
            scenario,
            as_of,
            partners_by_tenant,
            resellers_by_org,
        }
    }

    /// The partners whose tenant is `tenant`, by id.
    pub fn partners_with_tenant(&self, tenant: &str) -> &[&'a Party] {
        self.partners_by_tenant
            .get(tenant)
            .map_or(&[], Vec::as_slice)
    }

    /// The indirect resellers of an organization, by id.
    pub fn resellers_of_org(&self, organization: &str) -> &[&'a Party] {
        self.resellers_by_org
            .get(organization)
            .map_or(&[], Vec::as_slice)
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

    /// The existing partnerships of a reseller (from providers to it).
    pub fn partnerships_of(&self, reseller: &PartyId) -> impl Iterator<Item = &'a Link> + 'a {
        self.links_to(reseller)
            .filter(|l| l.kind == LinkKind::Partnership)
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
            self.scenario.parties().any(|p| p.tenant == t)
                || self
                    .scenario
                    .links()
                    .any(|l| l.tenant.as_deref() == Some(t))
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
