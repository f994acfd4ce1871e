//! Each party's and link's kind by graph index, beside the graph.
//!
//! Why: the rules walk a party's links all the time (a customer's sellers, a reseller's
//! providers, whether Microsoft supplies a provider), and most steps of such a walk only ask the
//! link's kind and the other party's kind. Asked of the records, each step read two allocations of
//! their own, both cache misses once the channel outgrows the cache: at 100,000 parties the
//! customer rules waited on about nine misses per customer (cachegrind), and the full check grew
//! ×19 for ×10 parties. A byte per party and per link here (1.3 MB at 300,000 parties and a
//! million links) stays cached, and a walk reads a record only for the links of the kind it wants.
//!
//! Copying the kinds into the graph's own weights did the same for the misses, but made every copy
//! of the graph 16 bytes a link larger (the 300k window 684 → 720 MB, over its 700 MB target).
//!
//! Only [`super::Scenario`] writes here, wherever it adds or replaces a party or a link; a removed
//! one's byte stays until its index is used again, which writes it.

use super::{LinkKind, PartyKind};
use petgraph::stable_graph::{EdgeIndex, NodeIndex};

/// The kinds, by graph index.
#[derive(Clone, Debug, Default)]
pub(super) struct Kinds {
    parties: Vec<PartyKind>,
    links: Vec<LinkKind>,
}

impl Kinds {
    /// Room for this many more of each.
    pub fn reserve(&mut self, parties: usize, links: usize) {
        self.parties.reserve(parties);
        self.links.reserve(links);
    }

    /// Notes the kind of the party at `ix` (just added, or replaced).
    pub fn set_party(&mut self, ix: NodeIndex, kind: PartyKind) {
        set(&mut self.parties, ix.index(), kind, PartyKind::Customer);
    }

    /// Notes the kind of the link at `ix` (just added, or replaced).
    pub fn set_link(&mut self, ix: EdgeIndex, kind: LinkKind) {
        set(&mut self.links, ix.index(), kind, LinkKind::Purchase);
    }

    /// The kind of the party at `ix`, which the graph holds.
    pub fn party(&self, ix: NodeIndex) -> PartyKind {
        self.parties[ix.index()]
    }

    /// The kind of the link at `ix`, which the graph holds.
    pub fn link(&self, ix: EdgeIndex) -> LinkKind {
        self.links[ix.index()]
    }
}

/// Writes `kind` at `at`, growing the table with `filler` for indices not in use yet (the graph
/// hands out the next index, or one freed by a removal).
fn set<K: Copy>(table: &mut Vec<K>, at: usize, kind: K, filler: K) {
    if at >= table.len() {
        table.resize(at + 1, filler);
    }
    table[at] = kind;
}
