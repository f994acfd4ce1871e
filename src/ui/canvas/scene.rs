//! The scene: what the canvas derives from one revision of a document (spatial indexes, groups,
//! bundles, routes). Must not paint or read the document beyond [`Source`] (one file: see below).
//!
//! Why one file: the scene's indexes (parties, links, groups, bundles, routes) are built and updated
//! together, each update step reading the tables the one before changed, and the property test that
//! holds an updated scene equal to a fresh build (most of the file's length) must see them all.
//!
//! What the canvas derives from a document, so that a frame looks only at what is on screen:
//! spatial indexes over parties, links, customer groups and link bundles, each group's and bundle's
//! worst finding, and (for channels small enough) every link's route.
//!
//! The document keeps its scene and updates it after each edit ([`Scene::update`]): only the
//! parties and links the edit touched, moved or re-checked, the groups they belong to and the
//! bundles they are counted in are redone, so an edit to a 300,000-party channel costs what it
//! touched rather than a rebuild. `tests::edits_update_the_scene_to_what_a_fresh_build_gives`
//! holds the updated scene equal to [`Scene::build`] after random edits.
//!
//! Parties and links are addressed by their graph indexes (`NodeIndex::index`,
//! `EdgeIndex::index`), which are also their handles in the grids. Groups and bundles are
//! addressed by their numbers; a number freed by a group or bundle that is gone is given to the
//! next one made, so a dead group has no members and a dead bundle a count of 0, and neither is
//! in its grid.

use super::PARTY_RADIUS;
use super::spatial::Grid;
use crate::layout::Route;
use crate::model::{LinkId, LinkKind, PartyId, PartyKind, Position, Scenario};
use crate::rules::{Checker, Severity};
use egui::{Pos2, Rect, pos2, vec2};
use petgraph::Direction;
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::visit::{EdgeIndexable, EdgeRef, IntoEdgeReferences, NodeIndexable};
use std::collections::BTreeSet;

pub(super) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// No group (and no node, in the per-node tables).
pub(super) const NONE: u32 = u32::MAX;

/// Cell size of the grids, in canvas units: a few parties a side.
const CELL: f32 = 600.0;

/// Above this many link-party pairs, links are not routed around parties on the canvas (routing
/// tests every link against every party); they run straight, parallel ones side by side.
const ROUTE_ALL_MAX: usize = 40_000_000;

/// A seller's customers, which collapse into one counted badge when zoomed out.
#[derive(Clone, Debug)]
pub(crate) struct Group {
    /// The seller (graph index).
    pub head: NodeIndex,
    /// The customers (graph indexes), in index order; none for a dead group.
    pub members: Vec<NodeIndex>,
    /// The canvas box around the customers' centres.
    pub bounds: Rect,
    /// The worst finding on any of the customers or their links.
    pub worst: Option<Severity>,
    /// How many findings of each severity (by `Severity as usize`) its customers and their links
    /// carry, counting a link's worst once per end in the group: `worst` follows from it.
    severities: [u32; 3],
    /// The bundles with an end in this group (their boxes follow the group's).
    bundles: Vec<u32>,
}

/// One end of a bundle: a party, or a collapsed group of customers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum End {
    Party(NodeIndex),
    Group(u32),
}

/// The links of one kind between the same two ends while groups are collapsed, drawn as one stroke.
#[derive(Clone, Debug)]
pub(crate) struct Bundle {
    pub from: End,
    pub to: End,
    pub kind: LinkKind,
    /// How many links (0 for a dead bundle).
    pub count: u32,
    /// The worst finding among them.
    pub worst: Option<Severity>,
    /// How many of them exist at the as-of date (the rest are future or ended).
    pub current: u32,
    /// How many of them have each severity as their worst finding.
    severities: [u32; 3],
}

impl Bundle {
    /// How many of its links have a violation.
    pub fn broken(&self) -> u32 {
        self.severities[Severity::Violation as usize]
    }
}

/// What the scene recorded about a link when it counted it, so that it can take it out again
/// exactly (after the edit, the link may be gone or its index reused).
#[derive(Clone, Copy, Debug, PartialEq)]
struct EdgeState {
    from: NodeIndex,
    to: NodeIndex,
    kind: LinkKind,
    worst: Option<Severity>,
    current: bool,
    /// Both ends are drawn, so it is in the link grids and in a bundle or the coarse grid.
    placed: bool,
    /// Its bundle ([`NONE`]: drawn one by one).
    bundle: u32,
}

/// What one edit changed, as the scene needs to know it (see [`Scene::update`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct Change {
    /// Too much changed to follow piece by piece (the as-of date, Microsoft): build anew.
    pub everything: bool,
    /// Parties whose fields, links, drawn position or findings may have changed.
    pub parties: BTreeSet<PartyId>,
    /// Links added, changed or re-checked.
    pub links: BTreeSet<LinkId>,
    /// Graph indexes, from before the edit, of the parties and links it removed or replaced.
    pub replaced_parties: Vec<NodeIndex>,
    pub replaced_links: Vec<EdgeIndex>,
}

/// What one update of the scene looked at again, so that the far view derived from it can follow
/// the same parts instead of being derived anew (see `far::Level::update`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Redone {
    /// Parties whose place, kind, group or findings may have changed.
    pub nodes: Vec<NodeIndex>,
    /// Links taken out and counted again.
    pub edges: Vec<EdgeIndex>,
    /// Groups whose members, box or findings changed, made or dropped.
    pub groups: Vec<u32>,
    /// Bundles whose counts, ends or findings changed, made or dropped.
    pub bundles: Vec<u32>,
}

/// What a scene is derived from: one revision of a document's scenario, its findings and where each
/// party is drawn. The document is one; the scene needs nothing else of it.
pub(crate) trait Source {
    /// The scenario.
    fn scenario(&self) -> &Scenario;
    /// Its findings, current with it.
    fn checker(&self) -> &Checker;
    /// Where a party is drawn.
    fn position(&self, id: &str) -> Option<Position>;
    /// Where every party is drawn.
    fn positions(&self) -> &std::collections::BTreeMap<PartyId, Position>;
    /// Identifies this state of the scenario and its drawing.
    fn revision(&self) -> u64;
}

/// A set of links by handle (graph index), a bit each. Why not a grid: nothing looks the links
/// drawn one by one while groups are collapsed up by place (the far view only asks whether a link
/// is one of them, and the frame finds links in `links`), and as a grid, cells and boxes for most
/// of a million links, they held 26 MB of a 300,000-party window, copied again by every fork.
#[derive(Clone, Debug, Default)]
pub(super) struct LinkSet {
    bits: Vec<u64>,
}

impl LinkSet {
    /// Whether link `handle` is in the set.
    pub fn contains(&self, handle: u32) -> bool {
        let i = handle as usize;
        self.bits
            .get(i / 64)
            .is_some_and(|word| word & (1 << (i % 64)) != 0)
    }

    fn insert(&mut self, handle: u32) {
        let i = handle as usize;
        if self.bits.len() <= i / 64 {
            self.bits.resize(i / 64 + 1, 0);
        }
        self.bits[i / 64] |= 1 << (i % 64);
    }

    fn remove(&mut self, handle: u32) {
        let i = handle as usize;
        if let Some(word) = self.bits.get_mut(i / 64) {
            *word &= !(1 << (i % 64));
        }
    }

    /// The handles in the set, in increasing order.
    #[cfg(test)]
    fn handles(&self) -> Vec<u32> {
        (0..self.bits.len() * 64)
            .filter(|&i| self.contains(i as u32))
            .map(|i| i as u32)
            .collect()
    }
}

/// The derived view of one revision of a document.
pub(crate) struct Scene {
    pub(super) revision: u64,
    /// Every party's canvas position, by graph index (NaN where there is no party).
    pub(super) pos: Vec<Pos2>,
    /// Each party's group, by graph index ([`NONE`] when it is not in one).
    pub(super) group_of: Vec<u32>,
    pub(super) groups: Vec<Group>,
    /// Every party (handle = graph index). The handles of this grid and of `loose` are the
    /// parties' graph indexes and those of `links` and `coarse_links` the links': no table maps
    /// them back (four such tables of identities held 12.6 MB at 300,000 parties).
    pub(super) parties: Grid,
    /// The parties drawn while groups are collapsed: all but the grouped customers.
    pub(super) loose: Grid,
    /// Every link, by the box its drawing can cover (handle = graph index).
    pub(super) links: Grid,
    /// The links drawn one by one while groups are collapsed (neither end in a group).
    pub(super) coarse_links: LinkSet,
    /// The groups, by their boxes (handle = group number).
    pub(super) group_grid: Grid,
    /// The bundles of links into groups, by their boxes (handle = bundle number).
    pub(super) bundles: Vec<Bundle>,
    pub(super) bundle_grid: Grid,
    /// Every link's route, by graph index, when the channel is small enough to route it all.
    pub(super) routes: Option<Vec<Option<Route>>>,
    /// Each link's place among the links between the same two parties (graph order), by graph
    /// index: where a straight route fans it out. Counted once here, because asking the graph per
    /// link walks all of a party's links, and a provider with 300,000 of them froze the window.
    pub(super) fan: Vec<u32>,
    /// How many groups are alive.
    live_groups: usize,
    /// What was counted for each party: its kind, its home seller ([`NONE`] for none, or when
    /// either is not drawn) and its worst finding.
    kinds: Vec<Option<PartyKind>>,
    heads: Vec<u32>,
    node_worst: Vec<Option<Severity>>,
    /// What was counted for each link.
    edges: Vec<Option<EdgeState>>,
    bundle_of: FastMap<(End, End, LinkKind), u32>,
    group_by_head: FastMap<NodeIndex, u32>,
    /// Sellers with a single customer under them (not a group).
    singles: FastMap<NodeIndex, NodeIndex>,
    free_groups: Vec<u32>,
    free_bundles: Vec<u32>,
    /// Groups and bundles whose counts or boxes changed since they were last finished.
    touched_groups: FastSet<u32>,
    moved_groups: FastSet<u32>,
    touched_bundles: FastSet<u32>,
    /// What the last update looked at again (taken by the far view after each update).
    pub(super) redone: Redone,
    /// How many edits were followed since the scene was built (for tests).
    pub(super) updates: u32,
}

impl std::fmt::Debug for Scene {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scene")
            .field("revision", &self.revision)
            .field("parties", &self.parties_drawn())
            .field("groups", &self.live_groups)
            .field("updates", &self.updates)
            .finish()
    }
}

fn p2(p: Position) -> Pos2 {
    pos2(p.x, p.y)
}

fn placed_at(p: Pos2) -> bool {
    !p.x.is_nan()
}

/// The box a link between `a` and `b` can be drawn in: routes bend by up to 30 % of the length
/// (at least three party radii) and parallel links fan out beside each other.
fn link_box(a: Pos2, b: Pos2, parallel: usize) -> Rect {
    let bend = (a.distance(b) * 0.3).max(PARTY_RADIUS * 3.0) + parallel as f32 * 17.0;
    Rect::from_two_pos(a, b).expand(bend)
}

/// The worst severity with a non-zero count.
pub(super) fn worst_of(severities: &[u32; 3]) -> Option<Severity> {
    [Severity::Violation, Severity::Warning, Severity::Note]
        .into_iter()
        .find(|s| severities[*s as usize] > 0)
}

/// The seller a customer is drawn under: [`crate::layout::home_seller`] on graph indexes (the
/// indirect reseller it buys from or has a reseller relationship with, else such a direct-bill
/// partner; the smallest id on ties).
fn home_seller(g: &crate::model::ChannelGraph, n: NodeIndex) -> u32 {
    g.edges_directed(n, Direction::Incoming)
        .filter(|e| matches!(e.weight().kind, LinkKind::Purchase | LinkKind::Reseller))
        .filter_map(|e| {
            let seller = &g[e.source()];
            let rank = match seller.kind {
                PartyKind::IndirectReseller => 0,
                PartyKind::DirectBill => 1,
                _ => return None,
            };
            Some((rank, &seller.id, e.source()))
        })
        .min()
        .map_or(NONE, |(_, _, s)| s.index() as u32)
}

/// The links between `a` and `b` (either way), in index order. Walks the links of both parties
/// in step and stops with the one that has fewer: a customer's few, not its provider's 300,000.
fn edges_between(g: &crate::model::ChannelGraph, a: NodeIndex, b: NodeIndex) -> Vec<EdgeIndex> {
    let all = |n: NodeIndex| {
        g.edges_directed(n, Direction::Outgoing)
            .chain(g.edges_directed(n, Direction::Incoming))
            .map(|e| (e.id(), e.source(), e.target()))
    };
    let (mut from_a, mut from_b) = (all(a), all(b));
    let (mut seen_a, mut seen_b) = (Vec::new(), Vec::new());
    let mut found = loop {
        match from_a.next() {
            Some(e) => seen_a.push(e),
            None => break seen_a,
        }
        match from_b.next() {
            Some(e) => seen_b.push(e),
            None => break seen_b,
        }
    };
    found.retain(|&(_, s, t)| (s == a && t == b) || (s == b && t == a));
    let mut out: Vec<EdgeIndex> = found.into_iter().map(|(e, _, _)| e).collect();
    out.sort();
    out.dedup();
    out
}

impl Scene {
    /// This scene for a copy of its document (a what-if fork) at `revision`: the same drawing,
    /// copied instead of built again (5 s on the UI thread at 300,000 parties under load). The far
    /// view is left to be derived on first use, as after an edit.
    pub(crate) fn copy_for(&self, revision: u64) -> Scene {
        Scene {
            revision,
            pos: self.pos.clone(),
            group_of: self.group_of.clone(),
            groups: self.groups.clone(),
            parties: self.parties.clone(),
            loose: self.loose.clone(),
            links: self.links.clone(),
            coarse_links: self.coarse_links.clone(),
            group_grid: self.group_grid.clone(),
            bundles: self.bundles.clone(),
            bundle_grid: self.bundle_grid.clone(),
            routes: self.routes.clone(),
            fan: self.fan.clone(),
            live_groups: self.live_groups,
            kinds: self.kinds.clone(),
            heads: self.heads.clone(),
            node_worst: self.node_worst.clone(),
            edges: self.edges.clone(),
            bundle_of: self.bundle_of.clone(),
            group_by_head: self.group_by_head.clone(),
            singles: self.singles.clone(),
            free_groups: self.free_groups.clone(),
            free_bundles: self.free_bundles.clone(),
            touched_groups: self.touched_groups.clone(),
            moved_groups: self.moved_groups.clone(),
            touched_bundles: self.touched_bundles.clone(),
            redone: Redone::default(),
            updates: 0,
        }
    }

    /// Derives the scene of `doc` as it is now.
    pub(crate) fn build(doc: &impl Source) -> Scene {
        let s = doc.scenario();
        Self::build_with(
            doc,
            s.link_count().saturating_mul(s.party_count()) <= ROUTE_ALL_MAX,
        )
    }

    /// [`Scene::build`], routing every link around the parties or not.
    pub(super) fn build_with(doc: &impl Source, route_all: bool) -> Scene {
        let s = doc.scenario();
        let g = s.graph();
        let (nodes, edges) = (g.node_bound(), g.edge_bound());
        let mut scene = Scene {
            revision: doc.revision(),
            pos: vec![pos2(f32::NAN, f32::NAN); nodes],
            group_of: vec![NONE; nodes],
            groups: Vec::new(),
            parties: Grid::new(CELL),
            loose: Grid::new(CELL),
            links: Grid::new(CELL),
            coarse_links: LinkSet::default(),
            group_grid: Grid::new(CELL),
            bundles: Vec::new(),
            bundle_grid: Grid::new(CELL),
            routes: None,
            fan: Vec::new(),
            live_groups: 0,
            kinds: vec![None; nodes],
            heads: vec![NONE; nodes],
            node_worst: vec![None; nodes],
            edges: Vec::new(),
            bundle_of: FastMap::default(),
            group_by_head: FastMap::default(),
            singles: FastMap::default(),
            free_groups: Vec::new(),
            free_bundles: Vec::new(),
            touched_groups: FastSet::default(),
            moved_groups: FastSet::default(),
            touched_bundles: FastSet::default(),
            redone: Redone::default(),
            updates: 0,
        };
        scene.grow(nodes, edges);
        for n in g.node_indices() {
            scene.kinds[n.index()] = Some(g[n].kind);
            if let Some(p) = doc.position(g[n].id.as_str()) {
                scene.pos[n.index()] = p2(p);
            }
        }
        // The worst finding of each party and link: from the findings, which are few, rather
        // than by asking about every link.
        let mut link_worst = vec![None; edges];
        for finding in doc.checker().iter() {
            match &finding.subject {
                crate::rules::Subject::Link(id) => {
                    if let Some(e) = s.link_index(id.as_str()) {
                        let worst = &mut link_worst[e.index()];
                        *worst = (*worst).max(Some(finding.severity));
                    }
                }
                crate::rules::Subject::Party(id) => {
                    if let Some(n) = s.party_index(id.as_str()) {
                        let worst = &mut scene.node_worst[n.index()];
                        *worst = (*worst).max(Some(finding.severity));
                    }
                }
            }
        }
        // Customers by the seller they are drawn under; groups in the sellers' order.
        let mut by_head: FastMap<NodeIndex, Vec<NodeIndex>> = FastMap::default();
        for n in g.node_indices() {
            let head = scene.head_now(g, n, |m| scene.pos[m.index()]);
            scene.heads[n.index()] = head;
            if head != NONE {
                by_head
                    .entry(NodeIndex::new(head as usize))
                    .or_default()
                    .push(n);
            }
        }
        let mut heads: Vec<_> = by_head.into_iter().collect();
        heads.sort_by_key(|(h, _)| *h);
        for (head, mut members) in heads {
            if members.len() < 2 {
                scene.singles.insert(head, members[0]);
                continue;
            }
            members.sort();
            let number = scene.new_group(head);
            for &m in &members {
                scene.group_of[m.index()] = number;
            }
            scene.groups[number as usize].members = members;
            scene.moved_groups.insert(number);
        }
        for n in g.node_indices() {
            scene.add_node(n);
        }
        // Links one by one, and bundled where an end is in a group.
        let as_of = s.as_of();
        let mut parallel: FastMap<(NodeIndex, NodeIndex), u32> = FastMap::default();
        for e in g.edge_references() {
            let (a, b) = (e.source(), e.target());
            let pair = if a <= b { (a, b) } else { (b, a) };
            let n = parallel.entry(pair).or_insert(0);
            let fan = *n;
            *n += 1;
            let link = e.weight();
            scene.add_edge(
                e.id(),
                (a, b),
                link.kind,
                link_worst[e.id().index()],
                link.exists_at(as_of),
                fan,
            );
        }
        scene.finish();
        // Each grid's items into its sorted arrays, one entry each (the grids' memory: see
        // `spatial`); what an edit moves from here on goes on the side.
        for grid in [
            &mut scene.parties,
            &mut scene.loose,
            &mut scene.links,
            &mut scene.group_grid,
            &mut scene.bundle_grid,
        ] {
            grid.seal();
        }
        scene.redone = Redone::default();
        if route_all {
            scene.route_all(doc);
        }
        scene
    }

    /// Brings the scene from the document's previous revision to its current one, given what the
    /// edit changed. False when the change is too large to follow piece by piece (then build a
    /// fresh scene): a change to the as-of date, or more than an eighth of the channel.
    pub(crate) fn update(&mut self, doc: &impl Source, change: &Change) -> bool {
        if change.everything {
            return false;
        }
        self.redone = Redone::default();
        let s = doc.scenario();
        let g = s.graph();
        self.grow(g.node_bound(), g.edge_bound());
        let pos_now = |n: NodeIndex| {
            g.node_weight(n)
                .and_then(|p| doc.position(p.id.as_str()))
                .map_or(pos2(f32::NAN, f32::NAN), p2)
        };

        // The parties to look at again: touched, moved, re-checked, removed, and the ends of
        // links that went.
        let mut dirty: FastSet<NodeIndex> = FastSet::default();
        dirty.extend(change.replaced_parties.iter().copied());
        dirty.extend(
            change
                .parties
                .iter()
                .filter_map(|id| s.party_index(id.as_str())),
        );
        for e in &change.replaced_links {
            if let Some(old) = self.edges.get(e.index()).copied().flatten() {
                dirty.extend([old.from, old.to]);
            }
        }
        // A seller that changed kind or place may no longer be (or now be) its customers' home.
        let mut customers = Vec::new();
        for &n in &dirty {
            let kind = g.node_weight(n).map(|p| p.kind);
            let was_placed = placed_at(self.pos[n.index()]);
            if kind != self.kinds[n.index()] || placed_at(pos_now(n)) != was_placed {
                customers.extend(
                    g.edges_directed(n, Direction::Outgoing)
                        .filter(|e| {
                            matches!(e.weight().kind, LinkKind::Purchase | LinkKind::Reseller)
                        })
                        .map(|e| e.target()),
                );
            }
        }
        dirty.extend(customers);
        let limit = |total: usize| total / 8 + 64;
        if dirty.len() > limit(g.node_count()) {
            return false;
        }

        // Where each of them is now, and under which seller.
        let mut new_pos: FastMap<NodeIndex, Pos2> = FastMap::default();
        for &n in &dirty {
            new_pos.insert(n, pos_now(n));
        }
        let pos_of = |n: NodeIndex| {
            new_pos.get(&n).copied().unwrap_or_else(|| {
                self.pos
                    .get(n.index())
                    .copied()
                    .unwrap_or(pos2(f32::NAN, f32::NAN))
            })
        };
        let mut new_head: FastMap<NodeIndex, u32> = FastMap::default();
        for &n in &dirty {
            new_head.insert(n, self.head_now(g, n, pos_of));
        }
        // A seller going from one customer to two (or back) makes or unmakes a group: its other
        // customer changes too.
        let mut size_change: FastMap<u32, i64> = FastMap::default();
        for (&n, &head) in &new_head {
            let old = self.heads[n.index()];
            if old != head {
                if old != NONE {
                    *size_change.entry(old).or_default() -= 1;
                }
                if head != NONE {
                    *size_change.entry(head).or_default() += 1;
                }
            }
        }
        let mut regrouped = Vec::new();
        for (&head, &delta) in &size_change {
            let old = self.group_size(head) as i64;
            if (old >= 2) != (old + delta >= 2) {
                regrouped.extend(self.members_of(head));
            }
        }
        for n in regrouped {
            if dirty.insert(n) {
                new_pos.insert(n, self.pos[n.index()]);
                new_head.insert(n, self.heads[n.index()]);
            }
        }
        let new_size =
            |head: u32| self.group_size(head) as i64 + size_change.get(&head).copied().unwrap_or(0);
        // The sellers the dirty parties will be grouped under (two customers or more).
        let grouped: FastSet<u32> = new_head
            .values()
            .copied()
            .filter(|&head| head != NONE && new_size(head) >= 2)
            .collect();
        let group_key = |head: u32| if grouped.contains(&head) { head } else { NONE };

        // Which of them change how their links are drawn (place, kind, group).
        let mut links: FastSet<EdgeIndex> = FastSet::default();
        let mut pairs: Vec<(NodeIndex, NodeIndex)> = Vec::new();
        for &n in &dirty {
            let i = n.index();
            let old_key = match self.group_of[i] {
                NONE => NONE,
                number => self.groups[number as usize].head.index() as u32,
            };
            let new_key = group_key(new_head[&n]);
            let moved = new_pos[&n].x.to_bits() != self.pos[i].x.to_bits()
                || new_pos[&n].y.to_bits() != self.pos[i].y.to_bits();
            let kind = g.node_weight(n).map(|p| p.kind);
            if moved || old_key != new_key || kind != self.kinds[i] {
                links.extend(
                    g.edges_directed(n, Direction::Outgoing)
                        .chain(g.edges_directed(n, Direction::Incoming))
                        .map(|e| e.id()),
                );
            }
        }
        for e in &change.replaced_links {
            links.insert(*e);
            if let Some(old) = self.edges.get(e.index()).copied().flatten() {
                pairs.push((old.from, old.to));
            }
        }
        for id in &change.links {
            if let Some(e) = s.link_index(id.as_str()) {
                links.insert(e);
                if let Some((a, b)) = g.edge_endpoints(e) {
                    pairs.push((a, b));
                }
            }
        }
        // A link added or gone between two parties moves the others between them apart.
        for (a, b) in pairs {
            if g.contains_node(a) && g.contains_node(b) {
                links.extend(edges_between(g, a, b));
            }
        }
        if links.len() > limit(g.edge_count()) {
            return false;
        }

        // Take out what was counted for them, as it was counted.
        let mut links: Vec<EdgeIndex> = links.into_iter().collect();
        links.sort();
        let mut dirty: Vec<NodeIndex> = dirty.into_iter().collect();
        dirty.sort();
        for &e in &links {
            self.remove_edge(e);
        }
        for &n in &dirty {
            self.remove_node(n);
        }
        self.redone.nodes.clone_from(&dirty);
        self.redone.edges.clone_from(&links);
        // Regroup: out of the old seller's group, into the new one's.
        for &n in &dirty {
            let old = self.heads[n.index()];
            if old == NONE {
                continue;
            }
            let head = NodeIndex::new(old as usize);
            if let Some(&number) = self.group_by_head.get(&head) {
                let group = &mut self.groups[number as usize];
                if let Ok(at) = group.members.binary_search(&n) {
                    group.members.remove(at);
                }
                self.moved_groups.insert(number);
            } else if self.singles.get(&head) == Some(&n) {
                self.singles.remove(&head);
            }
            self.heads[n.index()] = NONE;
        }
        for &n in &dirty {
            let i = n.index();
            self.pos[i] = new_pos[&n];
            self.kinds[i] = g.node_weight(n).map(|p| p.kind);
            self.node_worst[i] = g
                .node_weight(n)
                .and_then(|p| doc.checker().worst_for_party(p.id.as_str()));
            let head = new_head[&n];
            self.heads[i] = head;
            if head == NONE {
                continue;
            }
            let seller = NodeIndex::new(head as usize);
            if !grouped.contains(&head) {
                self.singles.insert(seller, n);
                continue;
            }
            // A group keeps its number while it has members, so links not looked at again stay
            // counted in the right bundle.
            let number = match self.group_by_head.get(&seller) {
                Some(&number) => number,
                None => self.new_group(seller),
            };
            let group = &mut self.groups[number as usize];
            if let Err(at) = group.members.binary_search(&n) {
                group.members.insert(at, n);
            }
            self.moved_groups.insert(number);
        }
        let emptied: Vec<u32> = self
            .group_by_head
            .values()
            .copied()
            .filter(|&number| self.groups[number as usize].members.is_empty())
            .collect();
        for number in emptied {
            self.drop_group(number);
        }
        for &n in &dirty {
            let i = n.index();
            self.group_of[i] = match self.heads[i] {
                NONE => NONE,
                head => self
                    .group_by_head
                    .get(&NodeIndex::new(head as usize))
                    .copied()
                    .unwrap_or(NONE),
            };
            self.add_node(n);
        }
        // Count the links again, as they are now.
        let as_of = s.as_of();
        let checker = doc.checker();
        for &e in &links {
            let Some((a, b)) = g.edge_endpoints(e) else {
                continue;
            };
            let link = &g[e];
            let fan = edges_between(g, a, b)
                .iter()
                .position(|x| *x == e)
                .unwrap_or(0) as u32;
            self.add_edge(
                e,
                (a, b),
                link.kind,
                checker.worst_for_link(link.id.as_str()),
                link.exists_at(as_of),
                fan,
            );
        }
        self.finish();
        if self.routes.is_some() {
            self.route_all(doc);
        }
        self.revision = doc.revision();
        self.updates += 1;
        true
    }

    /// Every party index the scene has a place for (graph indexes of removed parties included).
    pub(super) fn node_indices(&self) -> impl Iterator<Item = NodeIndex> + use<> {
        (0..self.pos.len()).map(NodeIndex::new)
    }

    /// Every link index the scene has a place for (graph indexes of removed links included).
    pub(super) fn edge_indices(&self) -> impl Iterator<Item = EdgeIndex> + use<> {
        (0..self.edges.len()).map(EdgeIndex::new)
    }

    /// Makes the per-index tables long enough for `nodes` parties and `edges` links.
    fn grow(&mut self, nodes: usize, edges: usize) {
        if self.pos.len() < nodes {
            self.pos.resize(nodes, pos2(f32::NAN, f32::NAN));
            self.group_of.resize(nodes, NONE);
            self.kinds.resize(nodes, None);
            self.heads.resize(nodes, NONE);
            self.node_worst.resize(nodes, None);
        }
        if self.edges.len() < edges {
            self.edges.resize(edges, None);
            self.fan.resize(edges, 0);
        }
    }

    /// The seller `n` is drawn under now ([`NONE`]: none, or one of them is not drawn), given
    /// where parties are.
    fn head_now(
        &self,
        g: &crate::model::ChannelGraph,
        n: NodeIndex,
        pos: impl Fn(NodeIndex) -> Pos2,
    ) -> u32 {
        if g.node_weight(n)
            .is_none_or(|p| p.kind != PartyKind::Customer)
            || !placed_at(pos(n))
        {
            return NONE;
        }
        match home_seller(g, n) {
            NONE => NONE,
            head if placed_at(pos(NodeIndex::new(head as usize))) => head,
            _ => NONE,
        }
    }

    /// How many customers are drawn under `head`.
    fn group_size(&self, head: u32) -> usize {
        let head = NodeIndex::new(head as usize);
        match self.group_by_head.get(&head) {
            Some(&number) => self.groups[number as usize].members.len(),
            None => usize::from(self.singles.contains_key(&head)),
        }
    }

    /// The customers drawn under `head`.
    fn members_of(&self, head: u32) -> Vec<NodeIndex> {
        let head = NodeIndex::new(head as usize);
        match self.group_by_head.get(&head) {
            Some(&number) => self.groups[number as usize].members.clone(),
            None => self.singles.get(&head).copied().into_iter().collect(),
        }
    }

    fn new_group(&mut self, head: NodeIndex) -> u32 {
        let group = Group {
            head,
            members: Vec::new(),
            bounds: Rect::NOTHING,
            worst: None,
            severities: [0; 3],
            bundles: Vec::new(),
        };
        let number = match self.free_groups.pop() {
            Some(number) => {
                self.groups[number as usize] = group;
                number
            }
            None => {
                self.groups.push(group);
                self.groups.len() as u32 - 1
            }
        };
        self.group_by_head.insert(head, number);
        self.live_groups += 1;
        number
    }

    fn drop_group(&mut self, number: u32) {
        self.redone.groups.push(number);
        let group = &mut self.groups[number as usize];
        self.group_by_head.remove(&group.head);
        group.members.clear();
        group.worst = None;
        self.group_grid.remove(number);
        self.free_groups.push(number);
        self.live_groups -= 1;
        self.moved_groups.remove(&number);
        self.touched_groups.remove(&number);
    }

    /// Counts party `n` as the tables say it is now: in the grids, and its findings in its group.
    fn add_node(&mut self, n: NodeIndex) {
        let i = n.index();
        if self.kinds[i].is_none() {
            return;
        }
        if placed_at(self.pos[i]) {
            let r = Rect::from_center_size(self.pos[i], vec2(0.0, 0.0));
            self.parties.insert_at(i as u32, r);
            if self.group_of[i] == NONE {
                self.loose.insert_at(i as u32, r);
            }
        }
        self.count_in_group(n, self.node_worst[i], 1);
    }

    /// Takes out what [`Scene::add_node`] counted for `n`.
    fn remove_node(&mut self, n: NodeIndex) {
        let i = n.index();
        self.parties.remove(i as u32);
        self.loose.remove(i as u32);
        self.count_in_group(n, self.node_worst[i], -1);
    }

    /// Adds `by` findings of `severity` to the group `n` is in.
    fn count_in_group(&mut self, n: NodeIndex, severity: Option<Severity>, by: i32) {
        let number = self.group_of[n.index()];
        if let (Some(severity), Some(group)) = (severity, self.groups.get_mut(number as usize)) {
            let count = &mut group.severities[severity as usize];
            *count = count.saturating_add_signed(by);
            self.touched_groups.insert(number);
        }
    }

    fn end(&self, n: NodeIndex) -> End {
        match self.group_of[n.index()] {
            NONE => End::Party(n),
            number => End::Group(number),
        }
    }

    /// Counts link `e` from `from` to `to`: in the link grids, in its bundle, and its worst finding
    /// in the groups of its ends.
    fn add_edge(
        &mut self,
        e: EdgeIndex,
        (from, to): (NodeIndex, NodeIndex),
        kind: LinkKind,
        worst: Option<Severity>,
        current: bool,
        fan: u32,
    ) {
        let (a, b) = (self.pos[from.index()], self.pos[to.index()]);
        let placed = placed_at(a) && placed_at(b);
        let mut bundle = NONE;
        self.fan[e.index()] = fan;
        if placed {
            let r = link_box(a, b, fan as usize);
            let handle = e.index() as u32;
            self.links.insert_at(handle, r);
            let ends = (self.end(from), self.end(to));
            if let (End::Party(_), End::Party(_)) = ends {
                self.coarse_links.insert(handle);
            } else {
                bundle = self.bundle_for(ends.0, ends.1, kind);
                let b = &mut self.bundles[bundle as usize];
                b.count += 1;
                b.current += u32::from(current);
                if let Some(worst) = worst {
                    b.severities[worst as usize] += 1;
                }
                self.touched_bundles.insert(bundle);
            }
        }
        for n in [from, to] {
            self.count_in_group(n, worst, 1);
        }
        self.edges[e.index()] = Some(EdgeState {
            from,
            to,
            kind,
            worst,
            current,
            placed,
            bundle,
        });
    }

    /// Takes out what [`Scene::add_edge`] counted for `e` (nothing when it counted nothing).
    fn remove_edge(&mut self, e: EdgeIndex) {
        let Some(old) = self.edges.get_mut(e.index()).and_then(Option::take) else {
            return;
        };
        let handle = e.index() as u32;
        if old.placed {
            self.links.remove(handle);
            self.coarse_links.remove(handle);
            if let Some(b) = self.bundles.get_mut(old.bundle as usize) {
                b.count -= 1;
                b.current -= u32::from(old.current);
                if let Some(worst) = old.worst {
                    b.severities[worst as usize] -= 1;
                }
                self.touched_bundles.insert(old.bundle);
            }
        }
        for n in [old.from, old.to] {
            self.count_in_group(n, old.worst, -1);
        }
        self.fan[e.index()] = 0;
    }

    /// The bundle of links of `kind` between two ends, made when there is none.
    fn bundle_for(&mut self, from: End, to: End, kind: LinkKind) -> u32 {
        let number = match self.bundle_of.get(&(from, to, kind)) {
            Some(&number) => number,
            None => self.new_bundle(from, to, kind),
        };
        // A bundle emptied earlier in this update and filled again may belong to a group made
        // anew under the same number, which does not list it yet.
        if self.bundles[number as usize].count == 0 {
            for end in [from, to] {
                if let End::Group(g) = end
                    && let Some(group) = self.groups.get_mut(g as usize)
                    && !group.bundles.contains(&number)
                {
                    group.bundles.push(number);
                }
            }
        }
        number
    }

    fn new_bundle(&mut self, from: End, to: End, kind: LinkKind) -> u32 {
        let bundle = Bundle {
            from,
            to,
            kind,
            count: 0,
            worst: None,
            current: 0,
            severities: [0; 3],
        };
        let number = match self.free_bundles.pop() {
            Some(number) => {
                self.bundles[number as usize] = bundle;
                number
            }
            None => {
                self.bundles.push(bundle);
                self.bundles.len() as u32 - 1
            }
        };
        self.bundle_of.insert((from, to, kind), number);
        number
    }

    /// Brings the groups and bundles whose counts, members or ends changed up to date: their worst
    /// finding, their boxes in the grids; bundles with no link left are dropped.
    fn finish(&mut self) {
        let mut moved: Vec<u32> = self.moved_groups.drain().collect();
        moved.sort_unstable();
        for number in moved {
            let group = &mut self.groups[number as usize];
            let Some(first) = group.members.first() else {
                continue;
            };
            let first = self.pos[first.index()];
            let mut bounds = Rect::from_min_max(first, first);
            for m in &group.members {
                bounds.extend_with(self.pos[m.index()]);
            }
            group.bounds = bounds;
            self.group_grid
                .insert_at(number, bounds.expand(PARTY_RADIUS * 2.0));
            self.touched_bundles.extend(group.bundles.iter().copied());
            self.touched_groups.insert(number);
        }
        for number in self.touched_groups.drain() {
            let group = &mut self.groups[number as usize];
            group.worst = worst_of(&group.severities);
            self.redone.groups.push(number);
        }
        let mut bundles: Vec<u32> = self.touched_bundles.drain().collect();
        bundles.sort_unstable();
        self.redone.bundles.extend_from_slice(&bundles);
        for number in bundles {
            let bundle = &self.bundles[number as usize];
            let (from, to, kind) = (bundle.from, bundle.to, bundle.kind);
            if bundle.count == 0 {
                if self.bundle_of.remove(&(from, to, kind)).is_some() {
                    self.bundle_grid.remove(number);
                    for end in [from, to] {
                        if let End::Group(g) = end {
                            self.groups[g as usize].bundles.retain(|b| *b != number);
                        }
                    }
                    self.bundles[number as usize].worst = None;
                    self.free_bundles.push(number);
                }
                continue;
            }
            let r = Rect::from_two_pos(self.anchor(from), self.anchor(to)).expand(4.0);
            let bundle = &mut self.bundles[number as usize];
            bundle.worst = worst_of(&bundle.severities);
            self.bundle_grid.insert_at(number, r);
        }
    }

    fn route_all(&mut self, doc: &impl Source) {
        let s = doc.scenario();
        let mut all = vec![None; s.graph().edge_bound()];
        for route in crate::layout::routes(s, doc.positions(), PARTY_RADIUS) {
            if let Some(e) = s.link_index(route.link.as_str()) {
                all[e.index()] = Some(route);
            }
        }
        self.routes = Some(all);
    }

    /// The worst finding on a party itself, as counted (graph index).
    pub(super) fn party_worst(&self, n: NodeIndex) -> Option<Severity> {
        self.node_worst.get(n.index()).copied().flatten()
    }

    /// The worst finding on a link, as counted (graph index).
    pub(super) fn link_worst(&self, e: EdgeIndex) -> Option<Severity> {
        self.edges
            .get(e.index())
            .copied()
            .flatten()
            .and_then(|e| e.worst)
    }

    /// True when some customers are grouped under their seller (and collapse when zoomed out).
    pub fn has_groups(&self) -> bool {
        self.live_groups > 0
    }

    /// How many parties are drawn.
    pub fn parties_drawn(&self) -> usize {
        self.pos.iter().filter(|p| placed_at(**p)).count()
    }

    /// Where a bundle's end is drawn, in canvas units: the party, or the middle of the group.
    pub fn anchor(&self, end: End) -> Pos2 {
        match end {
            End::Party(n) => self.pos[n.index()],
            End::Group(number) => self.groups[number as usize].bounds.center(),
        }
    }

    /// The canvas route of a link: the shared route when the channel was routed whole, else a
    /// straight line (parallel links side by side). The canvas itself asks for
    /// [`Scene::route_points`]; tests compare whole routes.
    #[cfg(test)]
    pub fn route(&self, doc: &impl Source, e: EdgeIndex) -> Option<Route> {
        if let Some(all) = &self.routes {
            return all.get(e.index()).cloned().flatten();
        }
        let g = doc.scenario().graph();
        let (from, control, to) = self.route_points(g, e)?;
        let at = |p: Pos2| Position { x: p.x, y: p.y };
        Some(Route {
            link: g[e].id,
            from: at(from),
            control: at(control),
            to: at(to),
        })
    }

    /// The three points of [`Scene::route`] (from, Bézier control, to; canvas units), without
    /// copying the link's id: what a frame asks of every link near the view.
    pub(super) fn route_points(
        &self,
        g: &crate::model::ChannelGraph,
        e: EdgeIndex,
    ) -> Option<(Pos2, Pos2, Pos2)> {
        if let Some(all) = &self.routes {
            let route = all.get(e.index())?.as_ref()?;
            return Some((p2(route.from), p2(route.control), p2(route.to)));
        }
        let (a, b) = g.edge_endpoints(e)?;
        let (pa, pb) = (self.pos[a.index()], self.pos[b.index()]);
        if pa.x.is_nan() || pb.x.is_nan() {
            return None;
        }
        // The link's place among the links between the same two parties, in graph order (the
        // order the shared routing fans them out in).
        let index = self.fan.get(e.index()).copied().unwrap_or(0) as usize;
        let d = pb - pa;
        if index == 0 {
            // The first (mostly the only) link between two parties runs straight: no need to
            // compare their ids for the side, which a frame would do for thousands of links.
            return Some((pa, pa + d / 2.0, pb));
        }
        let step = index.div_ceil(2) as f32 * 33.0;
        let offset = if index % 2 == 1 { step } else { -step };
        let length = d.length().max(1e-3);
        let sign = if g[a].id <= g[b].id { 1.0 } else { -1.0 };
        let normal = vec2(-d.y, d.x) / length * sign;
        let mid = pa + d / 2.0 + normal * offset;
        Some((pa, mid, pb))
    }

    /// The party nearest `p` (canvas units) within a party's radius, among those drawn: grouped
    /// customers are skipped while groups are collapsed.
    pub fn party_near(&self, p: Pos2, collapsed: bool) -> Option<NodeIndex> {
        let grid = if collapsed {
            &self.loose
        } else {
            &self.parties
        };
        let mut found = Vec::new();
        grid.query(
            Rect::from_center_size(p, vec2(2.0, 2.0) * PARTY_RADIUS),
            &mut found,
        );
        found
            .into_iter()
            .map(|h| NodeIndex::new(h as usize))
            .map(|n| (n, self.pos[n.index()].distance(p)))
            .filter(|(_, d)| *d <= PARTY_RADIUS)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(n, _)| n)
    }

    /// The collapsed group whose badge covers `p` (canvas units), if any.
    pub fn group_at(&self, p: Pos2) -> Option<u32> {
        let mut found = Vec::new();
        self.group_grid
            .query(Rect::from_center_size(p, vec2(1.0, 1.0)), &mut found);
        found.into_iter().next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Edit;
    use crate::generate::{GenerateOptions, generate};
    use crate::model::{Link, Party};
    use crate::ui::document::Document;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, HashMap};

    fn channel(customers: usize) -> Document {
        Document::new(
            generate(&GenerateOptions {
                providers: 3,
                resellers: customers / 8,
                direct_bill: 2,
                customers,
                seed: 3,
                break_rate: 0.05,
            })
            .expect("valid options"),
        )
    }

    #[test]
    fn every_grouped_customer_is_under_its_home_seller_and_counted_once() {
        let doc = channel(400);
        let scene = Scene::build(&doc);
        let s = doc.scenario();
        let g = s.graph();
        assert!(!scene.groups.is_empty());
        let mut counted = 0;
        for (number, group) in scene.groups.iter().enumerate() {
            assert!(group.members.len() >= 2);
            for &m in &group.members {
                assert_eq!(g[m].kind, PartyKind::Customer);
                let home = crate::layout::home_seller(s, g[m].id.as_str()).unwrap();
                assert_eq!(home, &g[group.head].id);
                assert_eq!(scene.group_of[m.index()], number as u32);
                assert!(group.bounds.contains(scene.pos[m.index()]));
            }
            counted += group.members.len();
        }
        let loose_customers = scene
            .loose
            .items()
            .iter()
            .filter(|(n, _)| g[NodeIndex::new(*n as usize)].kind == PartyKind::Customer)
            .count();
        let customers = s.parties_of_kind(PartyKind::Customer).count();
        assert_eq!(counted + loose_customers, customers);
    }

    #[test]
    fn bundles_count_every_link_into_a_group_once_and_keep_its_worst_finding() {
        let doc = channel(400);
        let scene = Scene::build(&doc);
        let total: u32 = scene.bundles.iter().map(|b| b.count).sum();
        assert_eq!(
            total as usize + scene.coarse_links.handles().len(),
            scene.links.items().len()
        );
        assert_eq!(scene.links.items().len(), doc.scenario().link_count());
        assert!(
            scene.bundles.iter().any(|b| b.count > 1),
            "something is bundled"
        );
        // A group with a violation among its customers' links shows it, and so does a bundle.
        let checker = doc.checker();
        let g = doc.scenario().graph();
        let broken = g
            .edge_references()
            .find(|e| {
                checker.worst_for_link(e.weight().id.as_str()) == Some(Severity::Violation)
                    && scene.group_of[e.target().index()] != NONE
            })
            .expect("a broken link into a group");
        let group = scene.group_of[broken.target().index()];
        assert_eq!(
            scene.groups[group as usize].worst,
            Some(Severity::Violation)
        );
        assert!(scene.bundles.iter().any(|b| b.to == End::Group(group)
            && b.kind == broken.weight().kind
            && b.worst == Some(Severity::Violation)));
    }

    #[test]
    fn the_party_under_a_point_skips_collapsed_customers() {
        let doc = channel(200);
        let scene = Scene::build(&doc);
        let member = scene.groups[0].members[0];
        let at = scene.pos[member.index()];
        assert_eq!(scene.party_near(at, false), Some(member));
        assert_ne!(scene.party_near(at, true), Some(member));
        assert!(scene.group_at(at).is_some());
    }

    #[test]
    fn straight_routes_run_from_party_to_party_and_fan_parallel_links_out() {
        let doc = channel(60);
        let mut scene = Scene::build(&doc);
        let shared = scene
            .routes
            .take()
            .expect("a small channel is routed whole");
        let g = doc.scenario().graph();
        let mut controls: HashMap<(NodeIndex, NodeIndex), Vec<Position>> = HashMap::new();
        for e in g.edge_indices() {
            let (Some(mine), Some(theirs)) = (scene.route(&doc, e), shared[e.index()].clone())
            else {
                continue;
            };
            assert_eq!((mine.from, mine.to), (theirs.from, theirs.to));
            let (a, b) = g.edge_endpoints(e).unwrap();
            let pair = if a <= b { (a, b) } else { (b, a) };
            controls.entry(pair).or_default().push(mine.control);
        }
        let mut fanned = 0;
        for list in controls.values().filter(|l| l.len() > 1) {
            for (i, c) in list.iter().enumerate() {
                assert!(
                    list[i + 1..].iter().all(|d| d != c),
                    "parallel links overlap"
                );
            }
            fanned += 1;
        }
        assert!(fanned > 0, "the channel has parallel links");
    }

    /// Everything a scene says, by what it is about (parties, links, sellers, bundle ends) rather
    /// than by the numbers it gave its groups and bundles, which depend on the order things came.
    // Plain tuples: the comparison's failure message shows every value side by side.
    #[allow(clippy::type_complexity)]
    #[derive(Debug, PartialEq)]
    struct Canonical {
        parties: Vec<(
            usize,
            Option<(u32, u32)>,
            Option<PartyKind>,
            u32,
            Option<Severity>,
            u32,
        )>,
        groups: BTreeMap<usize, (Vec<usize>, [u32; 4], Option<Severity>, [u32; 3])>,
        links: Vec<(
            usize,
            Option<(usize, usize, u32, Option<Severity>, bool, bool)>,
        )>,
        bundles: BTreeMap<
            (u32, usize, u32, usize, String),
            (u32, u32, Option<Severity>, [u32; 3], [u32; 4]),
        >,
        grids: Vec<Vec<(u32, [u32; 4])>>,
        coarse_links: Vec<u32>,
        group_grid: BTreeMap<usize, [u32; 4]>,
        bundle_grid: BTreeMap<(u32, usize, u32, usize, String), [u32; 4]>,
        singles: BTreeMap<usize, usize>,
        routes: Option<Vec<(usize, Option<Route>)>>,
    }

    fn bits(r: Rect) -> [u32; 4] {
        [r.min.x, r.min.y, r.max.x, r.max.y].map(f32::to_bits)
    }

    fn canonical(scene: &Scene, doc: &Document) -> Canonical {
        for grid in [
            &scene.parties,
            &scene.loose,
            &scene.links,
            &scene.group_grid,
            &scene.bundle_grid,
        ] {
            grid.assert_consistent();
        }
        let g = doc.scenario().graph();
        let head = |number: u32| scene.groups[number as usize].head.index();
        let end = |end: End| match end {
            End::Party(n) => (0, n.index()),
            End::Group(number) => (1, head(number)),
        };
        let key = |b: &Bundle| {
            let ((f0, f1), (t0, t1)) = (end(b.from), end(b.to));
            (f0, f1, t0, t1, format!("{:?}", b.kind))
        };
        // Nothing is kept at an index with no party or link.
        for i in 0..scene.pos.len() {
            if !g.contains_node(NodeIndex::new(i)) {
                assert!(
                    scene.pos[i].x.is_nan() && scene.kinds[i].is_none(),
                    "party {i} kept"
                );
                assert_eq!((scene.heads[i], scene.group_of[i]), (NONE, NONE));
            }
        }
        for i in 0..scene.edges.len() {
            if g.edge_weight(EdgeIndex::new(i)).is_none() {
                assert!(scene.edges[i].is_none(), "link {i} kept");
            }
        }
        let live_groups: Vec<&Group> = scene
            .groups
            .iter()
            .filter(|g| !g.members.is_empty())
            .collect();
        assert_eq!(live_groups.len(), scene.live_groups);
        assert_eq!(scene.group_by_head.len(), scene.live_groups);
        let live_bundles: Vec<&Bundle> = scene.bundles.iter().filter(|b| b.count > 0).collect();
        assert_eq!(live_bundles.len(), scene.bundle_of.len());
        Canonical {
            parties: g
                .node_indices()
                .map(|n| {
                    let i = n.index();
                    let p = scene.pos[i];
                    (
                        i,
                        placed_at(p).then(|| (p.x.to_bits(), p.y.to_bits())),
                        scene.kinds[i],
                        scene.heads[i],
                        scene.node_worst[i],
                        match scene.group_of[i] {
                            NONE => NONE,
                            number => head(number) as u32,
                        },
                    )
                })
                .collect(),
            groups: live_groups
                .iter()
                .map(|group| {
                    let mut bundles: Vec<_> = group
                        .bundles
                        .iter()
                        .map(|b| key(&scene.bundles[*b as usize]))
                        .collect();
                    bundles.sort();
                    let mut expected: Vec<_> = live_bundles
                        .iter()
                        .filter(|b| {
                            [b.from, b.to].iter().any(
                                |e| matches!(e, End::Group(x) if head(*x) == group.head.index()),
                            )
                        })
                        .map(|b| key(b))
                        .collect();
                    expected.sort();
                    assert_eq!(bundles, expected, "the group's bundles");
                    (
                        group.head.index(),
                        (
                            group.members.iter().map(|m| m.index()).collect(),
                            bits(group.bounds),
                            group.worst,
                            group.severities,
                        ),
                    )
                })
                .collect(),
            links: g
                .edge_indices()
                .map(|e| {
                    let state = scene.edges[e.index()].map(|st| {
                        (
                            st.from.index(),
                            st.to.index(),
                            scene.fan[e.index()],
                            st.worst,
                            st.current,
                            st.bundle == NONE,
                        )
                    });
                    (e.index(), state)
                })
                .collect(),
            bundles: live_bundles
                .iter()
                .map(|b| {
                    let number = scene.bundle_of[&(b.from, b.to, b.kind)];
                    let r = scene
                        .bundle_grid
                        .items()
                        .into_iter()
                        .find(|(h, _)| *h == number)
                        .map(|(_, r)| r);
                    (
                        key(b),
                        (
                            b.count,
                            b.current,
                            b.worst,
                            b.severities,
                            bits(r.expect("in the grid")),
                        ),
                    )
                })
                .collect(),
            grids: [&scene.parties, &scene.loose, &scene.links]
                .iter()
                .map(|grid| {
                    grid.items()
                        .into_iter()
                        .map(|(h, r)| (h, bits(r)))
                        .collect()
                })
                .collect(),
            coarse_links: scene.coarse_links.handles(),
            group_grid: scene
                .group_grid
                .items()
                .into_iter()
                .map(|(h, r)| (head(h), bits(r)))
                .collect(),
            bundle_grid: scene
                .bundle_grid
                .items()
                .into_iter()
                .map(|(h, r)| (key(&scene.bundles[h as usize]), bits(r)))
                .collect(),
            singles: scene
                .singles
                .iter()
                .map(|(h, n)| (h.index(), n.index()))
                .collect(),
            routes: scene.routes.as_ref().map(|all| {
                g.edge_indices()
                    .map(|e| (e.index(), all[e.index()].clone()))
                    .collect()
            }),
        }
    }

    /// One step of a random editing session.
    #[derive(Clone, Debug)]
    enum Step {
        /// A purchase or reseller relationship from a seller to a customer (by position in the
        /// scenario's lists, wrapped around).
        Sell(usize, usize, bool),
        /// Another link beside an existing one (same ends and kind): parallel links fan out.
        Parallel(usize),
        /// Remove the first of two or more links between the same parties: the others move over.
        RemoveFirstTwin(usize),
        RemoveLink(usize),
        RemoveParty(usize),
        /// Move a party (saved position), or take its saved position away.
        Move(usize, Option<(i16, i16)>),
        /// Drag a party without letting go, then let go or cancel.
        Drag(usize, (i16, i16), bool),
        /// A seller becomes the other kind of seller, or a customer a reseller and back.
        ChangeKind(usize),
        /// A link is moved to other ends.
        Rewire(usize, usize),
        AddCustomer(usize),
        Undo,
        Redo,
    }

    fn step() -> impl Strategy<Value = Step> {
        let at = || (-60i16..60, -60i16..60);
        prop_oneof![
            4 => (any::<usize>(), any::<usize>(), any::<bool>()).prop_map(|(a, b, p)| Step::Sell(a, b, p)),
            2 => any::<usize>().prop_map(Step::Parallel),
            1 => any::<usize>().prop_map(Step::RemoveFirstTwin),
            2 => any::<usize>().prop_map(Step::RemoveLink),
            1 => any::<usize>().prop_map(Step::RemoveParty),
            2 => (any::<usize>(), proptest::option::of(at())).prop_map(|(i, p)| Step::Move(i, p)),
            1 => (any::<usize>(), at(), any::<bool>()).prop_map(|(i, p, keep)| Step::Drag(i, p, keep)),
            1 => any::<usize>().prop_map(Step::ChangeKind),
            1 => (any::<usize>(), any::<usize>()).prop_map(|(l, c)| Step::Rewire(l, c)),
            1 => any::<usize>().prop_map(Step::AddCustomer),
            2 => Just(Step::Undo),
            1 => Just(Step::Redo),
        ]
    }

    fn nth<T>(items: Vec<T>, i: usize) -> Option<T> {
        let n = items.len();
        (n > 0).then(|| items.into_iter().nth(i % n)).flatten()
    }

    fn perform(doc: &mut Document, step: &Step) {
        let s = doc.scenario();
        let sellers: Vec<PartyId> = s
            .parties()
            .filter(|p| matches!(p.kind, PartyKind::IndirectReseller | PartyKind::DirectBill))
            .map(|p| p.id)
            .collect();
        let customers: Vec<PartyId> = s
            .parties_of_kind(PartyKind::Customer)
            .map(|p| p.id)
            .collect();
        let parties: Vec<PartyId> = s.parties().map(|p| p.id).collect();
        let links: Vec<Link> = s.links().cloned().collect();
        let at = |(x, y): (i16, i16)| Position {
            x: f32::from(x) * 90.0,
            y: f32::from(y) * 90.0,
        };
        let edit = match step.clone() {
            Step::Sell(a, b, purchase) => {
                let (Some(seller), Some(customer)) = (nth(sellers, a), nth(customers, b)) else {
                    return;
                };
                let kind = if purchase {
                    LinkKind::Purchase
                } else {
                    LinkKind::Reseller
                };
                Edit::AddLink(Link::new(
                    s.fresh_link_id("t"),
                    kind,
                    seller,
                    customer,
                    s.as_of(),
                ))
            }
            Step::Parallel(i) => match nth(links, i) {
                Some(l) => Edit::AddLink(Link::new(
                    s.fresh_link_id("twin"),
                    l.kind,
                    l.from,
                    l.to,
                    l.date,
                )),
                None => return,
            },
            Step::RemoveFirstTwin(i) => {
                let g = s.graph();
                let twins: Vec<EdgeIndex> = g
                    .edge_indices()
                    .filter(|e| {
                        let (a, b) = g.edge_endpoints(*e).expect("a link");
                        let between = edges_between(g, a, b);
                        between.len() > 1 && between[0] == *e
                    })
                    .collect();
                match nth(twins, i) {
                    Some(e) => Edit::RemoveLink(g[e].id),
                    None => return,
                }
            }
            Step::RemoveLink(i) => match nth(links, i) {
                Some(l) => Edit::RemoveLink(l.id),
                None => return,
            },
            Step::RemoveParty(i) => match nth(parties, i) {
                Some(id)
                    if s.party(id.as_str())
                        .is_some_and(|p| p.kind != PartyKind::Microsoft) =>
                {
                    Edit::RemoveParty(id)
                }
                _ => return,
            },
            Step::Move(i, to) => match nth(parties, i) {
                Some(id) => Edit::MoveParty(id, to.map(at)),
                None => return,
            },
            Step::Drag(i, to, keep) => {
                let Some(id) = nth(parties, i) else { return };
                doc.preview_position(&id, at(to));
                if !keep {
                    doc.reset_positions();
                    return;
                }
                Edit::MoveParty(id, Some(at(to)))
            }
            Step::ChangeKind(i) => {
                let Some(mut party) = nth(parties, i).and_then(|id| s.party(id.as_str()).cloned())
                else {
                    return;
                };
                party.kind = match party.kind {
                    PartyKind::IndirectReseller => PartyKind::DirectBill,
                    PartyKind::DirectBill => PartyKind::IndirectReseller,
                    PartyKind::Customer => PartyKind::IndirectReseller,
                    _ => return,
                };
                Edit::UpdateParty(party)
            }
            Step::Rewire(l, c) => {
                let (Some(mut link), Some(customer)) = (nth(links, l), nth(customers, c)) else {
                    return;
                };
                link.to = customer;
                Edit::UpdateLink(link)
            }
            Step::AddCustomer(i) => {
                let id = s.fresh_party_id("newcomer");
                let party = Party::new(id, PartyKind::Customer);
                let mut edits = vec![Edit::AddParty(party)];
                if let Some(seller) = nth(sellers, i) {
                    edits.push(Edit::AddLink(Link::new(
                        s.fresh_link_id("n"),
                        LinkKind::Purchase,
                        seller,
                        id,
                        s.as_of(),
                    )));
                }
                Edit::Batch(edits)
            }
            Step::Undo => {
                doc.undo();
                return;
            }
            Step::Redo => {
                doc.redo();
                return;
            }
        };
        // Some random edits are refused (a second Microsoft, a link of the wrong kind): that
        // leaves the document as it was, which the comparison checks as well.
        let _ = doc.apply(edit);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// The scene the document keeps, updated edit by edit, says exactly what a scene built
        /// from scratch says, and it was indeed updated rather than rebuilt.
        #[test]
        fn edits_update_the_scene_to_what_a_fresh_build_gives(
            seed in 0u64..1_000,
            steps in proptest::collection::vec(step(), 1..24),
            route in any::<bool>(),
        ) {
            let scenario = generate(&GenerateOptions {
                providers: 2,
                resellers: 5,
                direct_bill: 2,
                customers: 24,
                seed,
                break_rate: 0.2,
            })
            .expect("valid options");
            let mut doc = Document::new(scenario);
            doc.keep_scene(Scene::build_with(&doc, route));
            // The far view at three zooms (cells of 24, 192 and 1,536 canvas units), followed
            // edit by edit with the scene.
            let far = [3, 6, 9];
            for k in far {
                let _ = doc.far_level(super::super::far::level_zoom(k));
            }
            for step in &steps {
                let (revision, updates) = (doc.revision(), doc.kept_scene().map(|s| s.updates));
                perform(&mut doc, step);
                let fresh = Scene::build_with(&doc, route);
                let Some(kept) = doc.kept_scene() else {
                    // Too much changed to follow (a link whose re-check reaches most of this
                    // small channel): the document dropped its scene to build it anew.
                    doc.keep_scene(fresh);
                    for k in far {
                        let _ = doc.far_level(super::super::far::level_zoom(k));
                    }
                    continue;
                };
                prop_assert_eq!(kept.revision, doc.revision());
                if revision != doc.revision() {
                    prop_assert!(Some(kept.updates) > updates, "followed, not rebuilt");
                }
                prop_assert_eq!(canonical(kept, &doc), canonical(&fresh, &doc), "after {:?}", step);
                for k in far {
                    let zoom = super::super::far::level_zoom(k);
                    let followed = doc.far_level(zoom);
                    if revision != doc.revision() {
                        prop_assert!(followed.updates > 0, "level {} followed, not derived", k);
                    }
                    let built = super::super::far::Level::build(&doc, &fresh, k);
                    prop_assert_eq!(
                        followed.canonical(doc.kept_scene().expect("kept")),
                        built.canonical(&fresh),
                        "level {} after {:?}", k, step
                    );
                }
            }
        }
    }

    #[test]
    fn a_purchase_that_breaks_a_rule_colours_the_group_at_once_and_undo_takes_it_back() {
        let mut doc = channel(400);
        let before = canonical(doc.scene(), &doc);
        let s = doc.scenario();
        let g = s.graph();
        let scene = doc.scene();
        // A customer in a group with no violation, and a reseller heading another group.
        let calm = scene
            .groups
            .iter()
            .find(|group| group.worst.is_none() && !group.members.is_empty())
            .expect("a group without findings");
        let customer = g[calm.members[0]].id;
        let seller = g[scene
            .groups
            .iter()
            .find(|x| x.head != calm.head)
            .unwrap()
            .head]
            .id;
        let link = Link::new(
            s.fresh_link_id("x"),
            LinkKind::Purchase,
            seller,
            customer,
            s.as_of(),
        );
        doc.apply(Edit::AddLink(link.clone())).unwrap();
        let worst = doc.checker().worst_for_link(link.id.as_str());
        assert!(worst.is_some(), "the purchase breaks a rule");
        let scene = doc.scene();
        assert_eq!(scene.updates, 1, "followed, not rebuilt");
        let n = doc.scenario().party_index(customer.as_str()).unwrap();
        let number = scene.group_of[n.index()];
        assert!(scene.groups[number as usize].worst >= worst);
        assert_eq!(canonical(scene, &doc), canonical(&Scene::build(&doc), &doc));
        assert!(doc.undo());
        assert_eq!(canonical(doc.scene(), &doc), before);
    }

    #[test]
    fn a_fork_draws_what_a_fresh_scene_of_it_draws_and_follows_its_own_edits() {
        let mut base = channel(400);
        let _ = base.scene();
        let s = base.scenario();
        let (seller, customer) = {
            let scene = base.scene();
            let group = scene.groups.iter().find(|g| !g.members.is_empty()).unwrap();
            let other = scene.groups.iter().find(|x| x.head != group.head).unwrap();
            (s.graph()[other.head].id, s.graph()[group.members[0]].id)
        };
        let link = Link::new(
            s.fresh_link_id("x"),
            LinkKind::Purchase,
            seller,
            customer,
            s.as_of(),
        );
        base.apply(Edit::AddLink(link)).unwrap();
        let mut fork = base.fork();
        // The fork shares the base's scene until its own copy, made on a thread, is in.
        while fork.poll_copy() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let copied = fork.kept_scene().expect("the base's scene is copied");
        assert_eq!(copied.revision, fork.revision());
        assert_eq!(
            canonical(copied, &fork),
            canonical(&Scene::build(&fork), &fork)
        );
        // The fork's scene follows the fork's edits; the base's stays the base's.
        let first = fork.scenario().parties().next().unwrap().id;
        fork.apply(Edit::MoveParty(
            first,
            Some(Position { x: -900.0, y: 40.0 }),
        ))
        .unwrap();
        let followed = fork.kept_scene().expect("followed, not dropped");
        assert_eq!(followed.updates, 1);
        assert_eq!(
            canonical(followed, &fork),
            canonical(&Scene::build(&fork), &fork)
        );
        assert_eq!(
            canonical(base.scene(), &base),
            canonical(&Scene::build(&base), &base)
        );
    }
}
