//! The links' id map: each link's id and its edge in the graph, and how a loader fills it in bulk.
//!
//! At 300,000 parties the map holds a million entries (32 MB with its control bytes), far more
//! than the caches: inserting the links one by one as a load read them cost two cache misses each,
//! the probe of the control bytes and the write of the entry (perf annotate, `check c300k`: 90% of
//! `Scenario::add_link_resolved`, about 6% of the whole command). A loader instead hands the
//! links over as it adds them to the graph ([`Placed`]): each one's hash, taken while its id's text
//! is at hand, goes into one of a few hundred bins ([`BITS`]) by the part of the table the hash lands in, and the
//! map is filled at the end bin by bin, so that each bin's inserts fall in a few pages of the
//! table, one after another. The entries carry their hash, so filling reads no id's text again
//! (those lie all over the interner's memory), and ids are compared by pointer (interned).
//!
//! A hashbrown `HashTable` rather than std's `HashMap` because only it takes a hash computed
//! beforehand; it is the same table std uses inside.

use super::LinkId;
use petgraph::stable_graph::EdgeIndex;
use std::hash::BuildHasher;

/// How many bins (`1 << BITS`) a loader sorts its links into. Few enough that the bins' write
/// heads stay in the L1 cache (with 4,096 bins, pushing to a bin was a cache miss each, most of
/// what handing a link over cost), and enough that the part of the table one bin fills stays in
/// the L2 cache: at a million links, 8,192 buckets (136 KB).
const BITS: u32 = 8;

/// Link ids and their edges, hashed as their text (foldhash, seeded per process, as the model's
/// other maps), so that a `&str` finds its link.
#[derive(Clone, Debug, Default)]
pub(super) struct LinkIds {
    table: hashbrown::HashTable<(LinkId, EdgeIndex)>,
    hasher: foldhash::fast::RandomState,
}

/// A link added to the graph by a loader and not yet in the id map (see the module's
/// documentation): its id's hash, the id, its edge and its number among the links handed over.
#[derive(Clone, Copy, Debug)]
struct Pending {
    hash: u64,
    id: LinkId,
    edge: EdgeIndex,
    at: u32,
}

/// Links a loader has added to the graph, binned by where their ids go in the map, until
/// [`LinkIds::insert_placed`] files them. Ids are not checked for duplicates until then.
#[derive(Debug)]
pub(crate) struct Placed {
    bins: Vec<Vec<Pending>>,
    /// The hash's bits below the bin's: `(hash & mask) >> shift` is the bin.
    mask: u64,
    shift: u32,
    count: u32,
}

impl Placed {
    /// How many links were handed over.
    pub fn len(&self) -> usize {
        self.count as usize
    }
}

impl LinkIds {
    /// The hash an id is filed under.
    fn hash(&self, id: &str) -> u64 {
        self.hasher.hash_one(id)
    }

    /// The hasher the table uses to move entries when it grows.
    fn rehash(hasher: &foldhash::fast::RandomState) -> impl Fn(&(LinkId, EdgeIndex)) -> u64 + '_ {
        move |(id, _)| hasher.hash_one(id.as_str())
    }

    pub fn len(&self) -> usize {
        self.table.len()
    }

    pub fn reserve(&mut self, more: usize) {
        self.table.reserve(more, Self::rehash(&self.hasher));
    }

    pub fn get(&self, id: &str) -> Option<EdgeIndex> {
        self.table
            .find(self.hash(id), |(k, _)| k.as_str() == id)
            .map(|&(_, edge)| edge)
    }

    pub fn contains_key(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    /// Files `id` at `edge`, in place of the edge it had if any.
    pub fn insert(&mut self, id: LinkId, edge: EdgeIndex) {
        let hash = self.hash(id.as_str());
        match self
            .table
            .entry(hash, |(k, _)| *k == id, Self::rehash(&self.hasher))
        {
            hashbrown::hash_table::Entry::Occupied(mut held) => held.get_mut().1 = edge,
            hashbrown::hash_table::Entry::Vacant(slot) => {
                slot.insert((id, edge));
            }
        }
    }

    pub fn remove(&mut self, id: &str) -> Option<EdgeIndex> {
        let hash = self.hash(id);
        self.table
            .find_entry(hash, |(k, _)| k.as_str() == id)
            .ok()
            .map(|held| held.remove().0.1)
    }

    /// Room for `links` more, and the bins a loader hands them over in.
    pub fn placed(&mut self, links: usize) -> Placed {
        self.reserve(links);
        // The table's buckets (a power of two, seven eighths of them usable) and which of their
        // index bits choose a bin.
        let buckets = (self.table.capacity() / 7 * 8).next_power_of_two().max(1);
        let bits = buckets.trailing_zeros();
        let shift = bits.saturating_sub(BITS);
        let bins = 1usize << (bits - shift);
        let each = links / bins + links / bins / 4;
        Placed {
            bins: (0..bins).map(|_| Vec::with_capacity(each)).collect(),
            mask: buckets as u64 - 1,
            shift,
            count: 0,
        }
    }

    /// Hands over a link just added at `edge`, to be filed by [`LinkIds::insert_placed`].
    pub fn hand_over(&self, placed: &mut Placed, id: LinkId, edge: EdgeIndex) {
        let hash = self.hash(id.as_str());
        let bin = ((hash & placed.mask) >> placed.shift) as usize;
        placed.bins[bin].push(Pending {
            hash,
            id,
            edge,
            at: placed.count,
        });
        placed.count += 1;
    }

    /// Files the links handed over, bin by bin. `Err` names the first (in the order they were
    /// handed over) whose id was filed already, by its number and id; the others are filed.
    pub fn insert_placed(&mut self, placed: Placed) -> Result<(), (usize, LinkId)> {
        self.reserve(placed.len());
        let mut first: Option<(u32, LinkId)> = None;
        for bin in placed.bins {
            for link in bin {
                match self.table.entry(
                    link.hash,
                    |(k, _)| *k == link.id,
                    Self::rehash(&self.hasher),
                ) {
                    hashbrown::hash_table::Entry::Occupied(_) => {
                        if first.is_none_or(|(at, _)| link.at < at) {
                            first = Some((link.at, link.id));
                        }
                    }
                    hashbrown::hash_table::Entry::Vacant(slot) => {
                        slot.insert((link.id, link.edge));
                    }
                }
            }
        }
        match first {
            Some((at, id)) => Err((at as usize, id)),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(n: usize) -> EdgeIndex {
        EdgeIndex::new(n)
    }

    #[test]
    fn links_handed_over_are_found_as_links_inserted_one_by_one() {
        let ids: Vec<LinkId> = (0..5_000).map(|n| format!("l-{n}").into()).collect();
        let mut bulk = LinkIds::default();
        let mut placed = bulk.placed(ids.len());
        for (n, id) in ids.iter().enumerate() {
            bulk.hand_over(&mut placed, *id, edge(n));
        }
        assert_eq!(placed.len(), ids.len());
        bulk.insert_placed(placed).unwrap();
        let mut one = LinkIds::default();
        for (n, id) in ids.iter().enumerate() {
            one.insert(*id, edge(n));
        }
        assert_eq!(bulk.len(), one.len());
        for (n, id) in ids.iter().enumerate() {
            assert_eq!(bulk.get(id.as_str()), Some(edge(n)));
            assert_eq!(one.get(id.as_str()), Some(edge(n)));
        }
        assert_eq!(bulk.get("l-5000"), None);
        assert_eq!(bulk.remove("l-7"), Some(edge(7)));
        assert!(!bulk.contains_key("l-7"));
        bulk.insert("l-7".into(), edge(9));
        bulk.insert("l-7".into(), edge(10));
        assert_eq!(bulk.get("l-7"), Some(edge(10)));
        assert_eq!(bulk.len(), one.len());
    }

    #[test]
    fn the_first_repeated_id_handed_over_is_named_even_when_filed_already() {
        let mut ids = LinkIds::default();
        ids.insert("old".into(), edge(0));
        let mut placed = ids.placed(6);
        for (n, id) in ["a", "b", "c", "b", "a", "old"].into_iter().enumerate() {
            ids.hand_over(&mut placed, id.into(), edge(n + 1));
        }
        // "b" at 3 is the first repeat, before "a" at 4 and "old" at 5.
        assert_eq!(ids.insert_placed(placed), Err((3, "b".into())));
        // Nothing handed over is lost: the first of each id is filed.
        assert_eq!(ids.get("a"), Some(edge(1)));
        assert_eq!(ids.get("b"), Some(edge(2)));
        assert_eq!(ids.get("old"), Some(edge(0)));
    }
}
