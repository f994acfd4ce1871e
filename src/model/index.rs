//! Lookups the rules and edits make, kept beside the scenario and updated by the same calls that
//! change it, so that no rule scans every party or link.
//!
//! Each entry is a sorted set of ids, so answers come in id order whatever the graph's insertion
//! order, and adding or removing one party or link costs a few map operations.
//!
//! Most entries hold one id (a customer's own tenant and organization), so a set starts as a small
//! sorted vector and becomes a B-tree only when it grows: at 300,000 parties, a B-tree node per
//! entry cost hundreds of megabytes. The maps hash with foldhash rather than SipHash: hashing ids
//! was the largest single cost of loading a large channel.
//!
//! The tenant, organization and PartnerID keys are interned texts ([`SharedText`]), 8 bytes each,
//! as ids are: a key was a `Box<str>` of its own, two allocations per party at load (the tenant's
//! and the organization's) and 27 MB of `check`'s peak at 300,000 parties. A key spelled as its
//! party's id (a generated channel's customers use their id as tenant and organization) is the
//! id's own entry; any other is stored once however many parties share it. Like ids, interned
//! keys are never freed: bounded by the distinct tenants and organizations a session reads.
//!
//! A vector also stays a vector, however large, while ids come in ascending order (a save lists
//! parties and links by id, so a load adds every id after the last): each is then pushed after one
//! comparison with the last, where a B-tree compared it with a dozen ids held elsewhere in memory
//! (a region's 100,000 customers at 300,000 parties, a provider's 240,000 sales billed via it).
//! The first id out of order, added or removed, turns a large vector into a B-tree, in one pass
//! since it is sorted already.
//!
//! Each map is split into [`PARTS`] parts held behind `Arc`s ([`SharedMap`]), so that a copy of the
//! scenario (an edit while a save, an export or the recovery autosave holds a snapshot; a what-if
//! fork) shares them, and a change afterwards copies only the part it changes. Copying the maps
//! whole took 110-230 ms at 300,000 parties (a text key and often a set allocated per entry).

use super::identity::{organization_key, partner_id_of, tenant_key};
use super::{Link, LinkId, Party, PartyId, PartyKind, SharedText, markets};
use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasher, Hash};
use std::sync::Arc;

/// The hash maps of the model: foldhash, seeded per process (fast on the short ids of a channel).
pub(super) type Map<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// How many parts a [`SharedMap`] is split into: a change after a copy copies one part, 1/64 of
/// the map (about 5,000 entries of the tenant map at 300,000 parties, well under a millisecond),
/// and a copy bumps 64 counts per map.
const PARTS: usize = 64;

/// A map split into [`PARTS`] parts by the key's hash, each part shared copy-on-write: a clone
/// shares every part, and a change copies the one part it changes while it is shared (see the
/// module's documentation).
#[derive(Debug)]
pub(super) struct SharedMap<K, V> {
    parts: Box<[Arc<Map<K, V>>]>,
}

impl<K, V> Clone for SharedMap<K, V> {
    fn clone(&self) -> Self {
        SharedMap {
            parts: self.parts.clone(),
        }
    }
}

impl<K, V> Default for SharedMap<K, V> {
    fn default() -> Self {
        SharedMap {
            parts: (0..PARTS).map(|_| Arc::new(Map::default())).collect(),
        }
    }
}

/// Which part holds a key: a hash of its own (fixed, unlike the parts' own seeded ones), so that
/// a key and the borrowed form it is looked up by (`Box<str>` and `str`) land in the same part.
fn part_of<Q: Hash + ?Sized>(key: &Q) -> usize {
    const CHOOSER: foldhash::fast::FixedState = foldhash::fast::FixedState::with_seed(0x5eed);
    // The high bits of foldhash's folded multiply are its best mixed.
    (CHOOSER.hash_one(key) >> (64 - PARTS.trailing_zeros())) as usize
}

impl<K: Hash + Eq + Clone, V: Clone> SharedMap<K, V> {
    /// The part that holds `key`, to change: copied first while a copy of the map shares it.
    fn part_mut<Q: Hash + ?Sized>(&mut self, key: &Q) -> &mut Map<K, V> {
        Arc::make_mut(&mut self.parts[part_of(key)])
    }

    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.parts[part_of(key)].get(key)
    }

    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        // Looked up first, so that a key not held copies nothing.
        if !self.parts[part_of(key)].contains_key(key) {
            return None;
        }
        self.part_mut(key).get_mut(key)
    }

    pub fn entry(&mut self, key: K) -> std::collections::hash_map::Entry<'_, K, V> {
        self.part_mut(&key).entry(key)
    }

    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.part_mut(key).remove(key)
    }

    /// Makes room for about this many more keys, spread over the parts.
    pub fn reserve(&mut self, additional: usize) {
        let each = additional.div_ceil(PARTS) + additional.div_ceil(PARTS) / 8;
        for part in self.parts.iter_mut() {
            Arc::make_mut(part).reserve(each);
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.parts.iter().flat_map(|part| part.keys())
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.parts.iter().all(|part| part.is_empty())
    }
}

/// As a `HashMap` answers `map[key]`, for the tests.
#[cfg(test)]
impl<K: Hash + Eq + Clone, V: Clone, Q: Hash + Eq + ?Sized> std::ops::Index<&Q> for SharedMap<K, V>
where
    K: std::borrow::Borrow<Q>,
{
    type Output = V;

    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("a key the map holds")
    }
}

/// Above this many ids a set keeps them in a B-tree rather than a sorted vector, unless they
/// came in order (see the module's documentation).
const SMALL: usize = 32;

/// A sorted set of ids: one id in place, a vector while small or added in order, a B-tree once
/// large otherwise.
///
/// Most sets hold one id (a customer's own tenant and organization: 600,000 sets at 300,000
/// parties), kept in the set itself rather than in a vector of its own: an allocation less each.
/// The vector and the B-tree are boxed so that a set is 16 bytes (an id and a tag) rather than a
/// vector's 24 and a tag: every entry of the maps below holds one, and at 300,000 parties their
/// tables took 30 MB each (heaptrack), a few percent of `check`'s peak.
#[derive(Clone, Debug)]
#[allow(clippy::box_collection)] // boxed on purpose: see above
pub(super) enum IdSet<V> {
    One(V),
    Small(Box<Vec<V>>),
    Large(Box<BTreeSet<V>>),
}

impl<V: Ord> IdSet<V> {
    fn insert(&mut self, value: V) {
        match self {
            IdSet::One(one) => {
                if *one == value {
                    return;
                }
                let IdSet::One(one) = std::mem::replace(self, IdSet::Small(Box::default())) else {
                    return;
                };
                let pair = if one < value {
                    vec![one, value]
                } else {
                    vec![value, one]
                };
                *self = IdSet::Small(Box::new(pair));
            }
            IdSet::Small(v) => {
                if v.last().is_none_or(|last| *last < value) {
                    v.push(value);
                    return;
                }
                if v.len() < SMALL {
                    if let Err(at) = v.binary_search(&value) {
                        v.insert(at, value);
                    }
                    return;
                }
                // Out of order into a full vector: a B-tree from now on.
                self.grown(0);
                self.insert(value);
            }
            IdSet::Large(set) => {
                set.insert(value);
            }
        }
    }

    fn remove(&mut self, value: &V) {
        self.grown(SMALL);
        match self {
            IdSet::One(one) => {
                if one == value {
                    *self = IdSet::Small(Box::default());
                }
            }
            IdSet::Small(v) => {
                if let Ok(at) = v.binary_search(value) {
                    v.remove(at);
                }
            }
            IdSet::Large(set) => {
                set.remove(value);
            }
        }
    }

    /// Turns a vector of more than `most` ids into a B-tree, where changes out of order cost a
    /// few comparisons instead of moving every id after them.
    fn grown(&mut self, most: usize) {
        if let IdSet::Small(v) = self
            && v.len() > most
        {
            // Sorted already: the B-tree is built in one pass.
            *self = IdSet::Large(Box::new(std::mem::take(&mut **v).into_iter().collect()));
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            IdSet::One(_) => false,
            IdSet::Small(v) => v.is_empty(),
            IdSet::Large(set) => set.is_empty(),
        }
    }

    /// The ids in order.
    pub fn iter(&self) -> IdIter<'_, V> {
        match self {
            IdSet::One(one) => IdIter::One(Some(one)),
            IdSet::Small(v) => IdIter::Small(v.iter()),
            IdSet::Large(set) => IdIter::Large(set.iter()),
        }
    }
}

/// The ids of an [`IdSet`], in order.
pub(super) enum IdIter<'a, V> {
    One(Option<&'a V>),
    Small(std::slice::Iter<'a, V>),
    Large(std::collections::btree_set::Iter<'a, V>),
}

impl<'a, V> Iterator for IdIter<'a, V> {
    type Item = &'a V;

    fn next(&mut self) -> Option<&'a V> {
        match self {
            IdIter::One(one) => one.take(),
            IdIter::Small(i) => i.next(),
            IdIter::Large(i) => i.next(),
        }
    }
}

impl<'a, V: Ord> IntoIterator for &'a IdSet<V> {
    type Item = &'a V;
    type IntoIter = IdIter<'a, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Parties and links by what rules look them up by. Tenants, organizations and PartnerIDs are
/// keyed by their [`identity`](super::identity) keys, so a lookup by any spelling of one finds it.
#[derive(Clone, Debug, Default)]
pub(super) struct Index {
    /// The Microsoft party (there is at most one).
    pub microsoft: Option<PartyId>,
    /// Parties by tenant key.
    pub by_tenant: SharedMap<SharedText, IdSet<PartyId>>,
    /// Parties by organization key.
    pub by_organization: SharedMap<SharedText, IdSet<PartyId>>,
    /// Parties by PartnerID key (a party with none, or an empty one, is not here).
    pub by_partner_id: SharedMap<SharedText, IdSet<PartyId>>,
    /// Parties by kind and CSP region id (`None` for a missing or unlisted country).
    pub by_kind_region: SharedMap<(PartyKind, Option<&'static str>), IdSet<PartyId>>,
    /// Links that name an explicit tenant (purchases into a tenant other than the customer's own),
    /// by tenant key.
    pub links_by_tenant: SharedMap<SharedText, IdSet<LinkId>>,
    /// Links billed via a party (an indirect reseller's sale names its provider as `via`).
    pub links_via: SharedMap<PartyId, IdSet<LinkId>>,
}

/// The CSP region id of a party, as the index keys it.
pub(super) fn region_key(party: &Party) -> Option<&'static str> {
    party
        .country
        .as_deref()
        .and_then(|c| markets().region_of(c))
        .map(|r| r.id.as_str())
}

fn add<K: Hash + Eq + Clone, V: Ord + Clone>(map: &mut SharedMap<K, IdSet<V>>, key: K, value: V) {
    match map.entry(key) {
        std::collections::hash_map::Entry::Occupied(mut set) => set.get_mut().insert(value),
        std::collections::hash_map::Entry::Vacant(set) => {
            set.insert(IdSet::One(value));
        }
    }
}

fn drop<K, Q, V>(map: &mut SharedMap<K, IdSet<V>>, key: &Q, value: &V)
where
    K: Hash + Eq + Clone + std::borrow::Borrow<Q>,
    Q: Hash + Eq + ?Sized,
    V: Ord + Clone,
{
    if let Some(set) = map.get_mut(key) {
        set.remove(value);
        if set.is_empty() {
            map.remove(key);
        }
    }
}

impl Index {
    /// Makes room for this many more parties in the maps that have an entry for most of them
    /// (a customer's own tenant and organization), so a load does not rehash them as they grow.
    pub fn reserve(&mut self, parties: usize) {
        self.by_tenant.reserve(parties);
        self.by_organization.reserve(parties);
    }

    pub fn insert_party(&mut self, p: &Party) {
        if p.kind == PartyKind::Microsoft {
            self.microsoft = Some(p.id);
        }
        add(&mut self.by_tenant, (&*tenant_key(&p.tenant)).into(), p.id);
        add(
            &mut self.by_organization,
            (&*organization_key(&p.organization)).into(),
            p.id,
        );
        if let Some(pid) = partner_id_of(p.partner_id.as_deref()) {
            add(&mut self.by_partner_id, (&*pid).into(), p.id);
        }
        add(&mut self.by_kind_region, (p.kind, region_key(p)), p.id);
    }

    pub fn remove_party(&mut self, p: &Party) {
        if self.microsoft.as_ref() == Some(&p.id) {
            self.microsoft = None;
        }
        drop(&mut self.by_tenant, &*tenant_key(&p.tenant), &p.id);
        drop(
            &mut self.by_organization,
            &*organization_key(&p.organization),
            &p.id,
        );
        if let Some(pid) = partner_id_of(p.partner_id.as_deref()) {
            drop(&mut self.by_partner_id, &*pid, &p.id);
        }
        drop(&mut self.by_kind_region, &(p.kind, region_key(p)), &p.id);
    }

    pub fn insert_link(&mut self, l: &Link) {
        if let Some(t) = &l.tenant {
            add(&mut self.links_by_tenant, (&*tenant_key(t)).into(), l.id);
        }
        if let Some(via) = &l.via {
            add(&mut self.links_via, *via, l.id);
        }
    }

    pub fn remove_link(&mut self, l: &Link) {
        if let Some(t) = &l.tenant {
            drop(&mut self.links_by_tenant, &*tenant_key(t), &l.id);
        }
        if let Some(via) = &l.via {
            drop(&mut self.links_via, via, &l.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A copy of a map shares all its parts; a change to the copy copies the one part it
    /// changes, and the original answers as before.
    #[test]
    fn a_copied_map_shares_its_parts_until_one_is_changed() {
        let mut map: SharedMap<Box<str>, IdSet<u32>> = SharedMap::default();
        for n in 0..1000u32 {
            add(&mut map, format!("tenant-{n}").into(), n);
        }
        let mut copy = map.clone();
        let same = |a: &SharedMap<Box<str>, IdSet<u32>>, b: &SharedMap<Box<str>, IdSet<u32>>| {
            a.parts
                .iter()
                .zip(b.parts.iter())
                .filter(|(a, b)| Arc::ptr_eq(a, b))
                .count()
        };
        assert_eq!(same(&map, &copy), PARTS);
        add(&mut copy, "tenant-7".into(), 1007);
        drop(&mut copy, "tenant-8", &8);
        let touched = [part_of("tenant-7"), part_of("tenant-8")];
        let distinct = if touched[0] == touched[1] { 1 } else { 2 };
        assert_eq!(same(&map, &copy), PARTS - distinct);
        assert!(map["tenant-7"].iter().eq([7].iter()));
        assert!(copy["tenant-7"].iter().eq([7, 1007].iter()));
        assert!(map.get("tenant-8").is_some() && copy.get("tenant-8").is_none());
        // Looking for a key not held copies nothing.
        let before = same(&map, &copy);
        assert!(copy.get_mut("tenant-none").is_none());
        assert_eq!(same(&map, &copy), before);
    }

    /// A set is an id and a tag: every entry of the index's maps holds one.
    #[test]
    fn a_set_is_as_small_as_one_id_and_a_tag() {
        assert_eq!(std::mem::size_of::<IdSet<PartyId>>(), 16);
    }

    /// Ids added in order (a load) stay one vector; any change out of order makes the set a
    /// B-tree, and the set holds what a B-tree given the same changes holds, in the same order.
    #[test]
    fn ids_in_order_stay_a_vector_and_every_set_answers_as_a_b_tree() {
        let mut set = IdSet::Small(Box::default());
        let mut reference = BTreeSet::new();
        for n in 0..1000u32 {
            set.insert(format!("customer-{n:05}"));
            reference.insert(format!("customer-{n:05}"));
        }
        assert!(matches!(set, IdSet::Small(_)), "added in order: a vector");
        assert!(set.iter().eq(reference.iter()));
        // Changes out of order, some of ids already there or not there.
        let mut x = 7u32;
        for step in 0..3000u32 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345) % 2000;
            let id = format!("customer-{x:05}");
            if step % 3 == 0 {
                set.remove(&id);
                reference.remove(&id);
            } else {
                set.insert(id.clone());
                reference.insert(id);
            }
            assert!(set.iter().eq(reference.iter()), "after step {step}");
        }
        assert!(matches!(set, IdSet::Large(_)));
        // A small set stays a vector whatever the order.
        let mut small = IdSet::Small(Box::default());
        for id in ["b", "a", "c", "a"] {
            small.insert(id);
        }
        small.remove(&"c");
        assert!(matches!(&small, IdSet::Small(v) if **v == ["a", "b"]));
    }

    /// A set of one id holds it in place: a customer's own tenant and organization allocate no
    /// vector. It grows, shrinks and iterates as any set.
    #[test]
    fn one_id_is_held_in_place_and_answers_as_any_set() {
        let mut map: SharedMap<&str, IdSet<&str>> = SharedMap::default();
        add(&mut map, "contoso", "customer-7");
        assert!(matches!(map["contoso"], IdSet::One("customer-7")));
        add(&mut map, "contoso", "customer-7");
        assert!(map["contoso"].iter().eq(["customer-7"].iter()));
        add(&mut map, "contoso", "customer-10");
        assert!(
            map["contoso"]
                .iter()
                .eq(["customer-10", "customer-7"].iter())
        );
        drop(&mut map, "contoso", &"customer-7");
        drop(&mut map, "contoso", &"customer-10");
        assert!(map.is_empty(), "an emptied set leaves the map");
        add(&mut map, "fabrikam", "a");
        drop(&mut map, "fabrikam", &"b");
        assert!(matches!(map["fabrikam"], IdSet::One("a")));
        drop(&mut map, "fabrikam", &"a");
        assert!(map.is_empty());
    }
}
