//! Lookups the rules and edits make, kept beside the scenario and updated by the same calls that
//! change it, so that no rule scans every party or link.
//!
//! Each entry is a sorted set of ids, so answers come in id order whatever the graph's insertion
//! order, and adding or removing one party or link costs a few map operations.

use super::{Link, LinkId, Party, PartyId, PartyKind, markets};
use std::collections::{BTreeSet, HashMap};

/// Parties and links by what rules look them up by.
#[derive(Clone, Debug, Default)]
pub(super) struct Index {
    /// The Microsoft party (there is at most one).
    pub microsoft: Option<PartyId>,
    /// Parties by tenant id.
    pub by_tenant: HashMap<String, BTreeSet<PartyId>>,
    /// Parties by organization.
    pub by_organization: HashMap<String, BTreeSet<PartyId>>,
    /// Parties by Partner Center PartnerID.
    pub by_partner_id: HashMap<String, BTreeSet<PartyId>>,
    /// Parties by kind and CSP region id (`None` for a missing or unlisted country).
    pub by_kind_region: HashMap<(PartyKind, Option<&'static str>), BTreeSet<PartyId>>,
    /// Links that name an explicit tenant (purchases into a tenant other than the customer's own).
    pub links_by_tenant: HashMap<String, BTreeSet<LinkId>>,
    /// Links billed via a party (an indirect reseller's sale names its provider as `via`).
    pub links_via: HashMap<PartyId, BTreeSet<LinkId>>,
}

/// The CSP region id of a party, as the index keys it.
pub(super) fn region_key(party: &Party) -> Option<&'static str> {
    party
        .country
        .as_deref()
        .and_then(|c| markets().region_of(c))
        .map(|r| r.id.as_str())
}

fn add<K: std::hash::Hash + Eq, V: Ord>(map: &mut HashMap<K, BTreeSet<V>>, key: K, value: V) {
    map.entry(key).or_default().insert(value);
}

fn drop<K: std::hash::Hash + Eq, V: Ord>(map: &mut HashMap<K, BTreeSet<V>>, key: &K, value: &V) {
    if let Some(set) = map.get_mut(key) {
        set.remove(value);
        if set.is_empty() {
            map.remove(key);
        }
    }
}

impl Index {
    pub fn insert_party(&mut self, p: &Party) {
        if p.kind == PartyKind::Microsoft {
            self.microsoft = Some(p.id.clone());
        }
        add(&mut self.by_tenant, p.tenant.clone(), p.id.clone());
        add(
            &mut self.by_organization,
            p.organization.clone(),
            p.id.clone(),
        );
        if let Some(pid) = &p.partner_id {
            add(&mut self.by_partner_id, pid.clone(), p.id.clone());
        }
        add(
            &mut self.by_kind_region,
            (p.kind, region_key(p)),
            p.id.clone(),
        );
    }

    pub fn remove_party(&mut self, p: &Party) {
        if self.microsoft.as_ref() == Some(&p.id) {
            self.microsoft = None;
        }
        drop(&mut self.by_tenant, &p.tenant, &p.id);
        drop(&mut self.by_organization, &p.organization, &p.id);
        if let Some(pid) = &p.partner_id {
            drop(&mut self.by_partner_id, pid, &p.id);
        }
        drop(&mut self.by_kind_region, &(p.kind, region_key(p)), &p.id);
    }

    pub fn insert_link(&mut self, l: &Link) {
        if let Some(t) = &l.tenant {
            add(&mut self.links_by_tenant, t.clone(), l.id.clone());
        }
        if let Some(via) = &l.via {
            add(&mut self.links_via, via.clone(), l.id.clone());
        }
    }

    pub fn remove_link(&mut self, l: &Link) {
        if let Some(t) = &l.tenant {
            drop(&mut self.links_by_tenant, t, &l.id);
        }
        if let Some(via) = &l.via {
            drop(&mut self.links_via, via, &l.id);
        }
    }
}
