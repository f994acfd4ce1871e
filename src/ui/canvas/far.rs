//! The far view: the marks and trunks a zoomed-out frame draws instead of every party and link,
//! derived per zoom level from the scene. Must not paint, and never needs the document: its source.
//!
//! Its cost follows the screen, not the channel.
//!
//! Fitting 300,000 parties into a window puts tens of thousands of resellers and customer groups a
//! few pixels apart and tens of thousands of partnerships across most of the screen. Stroking each
//! of them is what made such a frame take seconds (mostly in the software rasteriser), and the
//! result was a wall of overlapping lines that said nothing. Zoomed out, the canvas instead draws:
//!
//! - **Marks**: resellers, customers and customer groups too small to be drawn one by one are
//!   gathered into square cells of a few pixels, one mark per cell, coloured by the worst finding
//!   on anything in it or on the links touching it (else by the kind of its most senior party), so
//!   a fitted channel still shows where the red is. Microsoft, providers and direct-bill partners
//!   (a few hundred at most) are always drawn as themselves.
//! - **Trunks**: links (and bundles of links into customer groups) of one kind whose ends fall in
//!   the same two cells become one stroke between the ends' centroids, with a count; the cells grow
//!   with the link's length, so long links (a provider's partnerships across the channel) merge
//!   into a few trunks towards regions while short ones stay apart. A trunk of one link or bundle is
//!   drawn as that link or bundle. Links shorter than a few pixels are not stroked: their marks
//!   touch and carry their findings.
//!
//! Both are derived per *level* (zoom rounded down to a power of two) on the first frame drawn at
//! that level, and looked up by the visible rectangle like everything else. After an edit a level
//! is not derived again: what each party, group, link and bundle gave it is kept, and the parts
//! the scene's update looked at again are taken out and counted again (deriving the fitted level
//! of 300,000 parties took about 50 ms, in the first frame after every edit).

use super::PARTY_RADIUS;
use super::scene::{End, FastMap, NONE, Redone, Scene, Source, worst_of};
use super::spatial::Grid;
use crate::model::{LinkKind, PartyKind};
use crate::rules::Severity;
use egui::{Pos2, Rect, pos2, vec2};
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use std::sync::OnceLock;

/// How many levels are kept: level `k` is zoom `2^-k`, so 40 levels reach far below any fit.
const LEVELS: usize = 40;

/// A mark cell's side at its level's zoom, in pixels: a frame between that zoom and twice it
/// draws cells of 3 to 6 pixels.
const MARK_PX: f32 = 3.0;

/// Links shorter than this (pixels, at the level's zoom) are not stroked when zoomed out.
const SHORT_PX: f32 = 8.0;

/// The ends of a link are gathered in cells this fraction of its length wide (at least a mark
/// cell): a trunk's end is then off a link's own end by at most a tenth of its length or so.
const GATHER: f32 = 1.0 / 2.0;

/// A customer group drawn at least this wide or tall (pixels, at the level's zoom) is a badge of
/// its own; smaller ones go into marks.
const BADGE_PX: f32 = 12.0;

/// The level a frame at `zoom` draws: the one whose zoom is at most `zoom` and more than half it.
pub(super) fn level_index(zoom: f32) -> usize {
    let k = (-zoom.max(f32::MIN_POSITIVE).log2()).ceil();
    k.clamp(0.0, (LEVELS - 1) as f32) as usize
}

/// The zoom of level `k`.
pub(super) fn level_zoom(k: usize) -> f32 {
    2f32.powi(-(k as i32))
}

/// The levels of one scene, each derived on first use and then followed edit by edit.
#[derive(Clone)]
pub(super) struct Levels([OnceLock<Level>; LEVELS]);

impl Default for Levels {
    fn default() -> Self {
        Levels(std::array::from_fn(|_| OnceLock::new()))
    }
}

impl Levels {
    /// The level for `zoom`, derived now if it is the first time.
    pub fn get(&self, doc: &impl Source, scene: &Scene, zoom: f32) -> &Level {
        let k = level_index(zoom);
        self.0[k].get_or_init(|| Level::build(doc, scene, k))
    }

    /// Brings every level derived so far up to date with `scene`, just updated: only the parts
    /// the scene's update looked at again (`redone`) are taken out and counted again.
    pub fn update(&mut self, doc: &impl Source, scene: &Scene, redone: &Redone) {
        for level in self.0.iter_mut().filter_map(OnceLock::get_mut) {
            level.update(doc, scene, redone);
        }
    }
}

/// What one mark cell holds.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Mark {
    /// The cell's centre, in canvas units.
    pub centre: Pos2,
    pub resellers: u32,
    pub customers: u32,
    /// The worst finding on anything in the cell or on a link touching it.
    pub worst: Option<Severity>,
}

impl Mark {
    /// The kind the mark is drawn as when nothing in it has a finding: its most senior party.
    pub fn kind(&self) -> PartyKind {
        if self.resellers > 0 {
            PartyKind::IndirectReseller
        } else {
            PartyKind::Customer
        }
    }

    /// Whether anything is in the cell (a mark with nothing in it is a free slot).
    fn alive(&self) -> bool {
        self.resellers + self.customers > 0
    }
}

/// What a trunk stands for when it is only one thing: then it is drawn as that thing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Part {
    /// A link between two parties drawn one by one.
    Link(EdgeIndex),
    /// A bundle of links into a customer group (index into [`Scene::bundles`]).
    Bundle(u32),
}

impl Part {
    /// The part as a number, so that a trunk can sum its parts' numbers: with one part left, the
    /// sum is that part.
    fn code(self) -> u64 {
        match self {
            Part::Link(e) => (e.index() as u64) << 1,
            Part::Bundle(b) => (u64::from(b) << 1) | 1,
        }
    }

    fn decode(code: u64) -> Part {
        if code & 1 == 0 {
            Part::Link(EdgeIndex::new((code >> 1) as usize))
        } else {
            Part::Bundle((code >> 1) as u32)
        }
    }
}

/// One end of a trunk.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct TrunkEnd {
    /// Where it is drawn: the party, or the centroid of the ends gathered there (canvas units).
    pub at: Pos2,
    /// The party, when the end is one (Microsoft, a provider, a direct-bill partner).
    pub party: Option<NodeIndex>,
    /// What kind of party is at this end (for an area: resellers when any end there is one,
    /// else customers).
    pub kind: PartyKind,
}

/// Links of one kind between the same two cells, drawn as one stroke.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Trunk {
    pub from: TrunkEnd,
    pub to: TrunkEnd,
    pub kind: LinkKind,
    /// How many links (0: a free slot).
    pub count: u32,
    /// How many of them have a violation.
    pub broken: u32,
    /// How many of them exist at the as-of date.
    pub current: u32,
    pub worst: Option<Severity>,
    /// Links into customer groups from someone other than the group's own seller (drawn faint
    /// unless broken, as bundles are).
    pub from_afar: bool,
    /// The one link or bundle it stands for, if only one.
    pub single: Option<Part>,
}

/// Where an end of a link goes when links are gathered: a party of its own, or a cell (the log2
/// of its size and its coordinates).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum EndKey {
    Party(NodeIndex),
    Cell(i8, i32, i32),
}

/// What makes links one trunk: their kind, whether they come from afar, and their ends' keys.
type TrunkKey = (LinkKind, bool, EndKey, EndKey);

/// What a trunk sums over its links and bundles, so that one can be taken out again.
#[derive(Clone, Debug)]
struct Sum {
    key: TrunkKey,
    /// End positions weighted by link count (in f64, so that taking one out leaves the rest).
    from: [f64; 2],
    to: [f64; 2],
    /// How many links and bundles.
    parts: u32,
    /// The sum of their [`Part::code`]s.
    codes: u64,
    /// How many of them have each severity as their worst.
    severities: [u32; 3],
    /// How many of them have a reseller at each end.
    resellers: [u32; 2],
}

/// What a party gave the level, as it was counted.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
enum Counted {
    #[default]
    Nothing,
    /// Drawn as itself (Microsoft, a provider, a direct-bill partner).
    Top,
    /// In a mark (its slot), as a reseller or a customer, with its worst finding.
    Mark(u32, bool, Option<Severity>),
}

/// What a customer group gave the level, as it was counted.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
enum GroupCounted {
    #[default]
    Nothing,
    Badge,
    /// In a mark (its slot), with its member count and worst finding.
    Mark(u32, u32, Option<Severity>),
}

/// What a link drawn one by one or a bundle gave the level, as it was counted.
#[derive(Clone, Copy, Debug)]
struct ItemCounted {
    /// Its trunk ([`NONE`]: too short to be stroked).
    trunk: u32,
    /// The marks its ends sit in, coloured by its worst finding ([`NONE`]: none).
    marks: [u32; 2],
    worst: Option<Severity>,
    count: u32,
    broken: u32,
    current: u32,
    /// Its ends' anchors.
    a: Pos2,
    b: Pos2,
    /// Which ends are resellers.
    resellers: [bool; 2],
}

/// The far view at one level. Marks and trunks live in slots (handles in their grids); a slot
/// whose mark holds nothing or whose trunk counts nothing is free. What each party, group, link
/// and bundle gave is kept, so that an edit takes out and counts again just what it touched.
#[derive(Clone)]
pub(crate) struct Level {
    /// The level's zoom.
    pub(super) zoom: f32,
    /// A mark cell's side, in canvas units.
    pub(super) cell: f32,
    pub(super) marks: Vec<Mark>,
    pub(super) mark_grid: Grid,
    pub(super) trunks: Vec<Trunk>,
    pub(super) trunk_grid: Grid,
    /// Customer groups large enough to be drawn as badges, by their boxes (handle = group number).
    pub(super) badge_grid: Grid,
    /// The parties always drawn as themselves: Microsoft, providers, direct-bill partners, in
    /// graph order.
    pub(super) tops: Vec<NodeIndex>,
    /// How many edits were followed since the level was derived (for tests).
    pub(super) updates: u32,
    mark_of_cell: FastMap<(i32, i32), u32>,
    /// Per mark slot: its cell.
    mark_cells: Vec<(i32, i32)>,
    /// Per mark slot: how many things in it or touching it have each severity as their worst.
    mark_severities: Vec<[u32; 3]>,
    free_marks: Vec<u32>,
    sum_of_key: FastMap<TrunkKey, u32>,
    /// Per trunk slot.
    sums: Vec<Sum>,
    free_trunks: Vec<u32>,
    /// Per party (graph index).
    parties: Vec<Counted>,
    /// Per group number.
    groups: Vec<GroupCounted>,
    /// Per link drawn one by one or bundle that counted into a trunk or a mark (one that counted
    /// into neither has nothing to take out).
    items: FastMap<Part, ItemCounted>,
    /// Marks and trunks changed since they were last finished.
    touched_marks: Vec<u32>,
    touched_trunks: Vec<u32>,
}

impl std::fmt::Debug for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Level")
            .field("zoom", &self.zoom)
            .field("marks", &self.marks.iter().filter(|m| m.alive()).count())
            .field(
                "trunks",
                &self.trunks.iter().filter(|t| t.count > 0).count(),
            )
            .field("tops", &self.tops.len())
            .finish()
    }
}

fn is_top(kind: PartyKind) -> bool {
    kind.tier() <= 1
}

fn cell_of(p: Pos2, size: f32) -> (i32, i32) {
    (
        (p.x / size).floor().clamp(i32::MIN as f32, i32::MAX as f32) as i32,
        (p.y / size).floor().clamp(i32::MIN as f32, i32::MAX as f32) as i32,
    )
}

fn add_severity(counts: &mut [u32; 3], worst: Option<Severity>, by: i32) {
    if let Some(worst) = worst {
        let count = &mut counts[worst as usize];
        *count = count.saturating_add_signed(by);
    }
}

impl Level {
    /// Derives level `k` of `scene` (a scene of `doc`).
    pub(super) fn build(doc: &impl Source, scene: &Scene, k: usize) -> Level {
        let zoom = level_zoom(k);
        let cell = MARK_PX / zoom;
        let mut level = Level {
            zoom,
            cell,
            marks: Vec::new(),
            mark_grid: Grid::new(cell * 64.0),
            trunks: Vec::new(),
            trunk_grid: Grid::new(cell * 64.0),
            badge_grid: Grid::new(cell * 64.0),
            tops: Vec::new(),
            updates: 0,
            mark_of_cell: FastMap::default(),
            mark_cells: Vec::new(),
            mark_severities: Vec::new(),
            free_marks: Vec::new(),
            sum_of_key: FastMap::default(),
            sums: Vec::new(),
            free_trunks: Vec::new(),
            parties: Vec::new(),
            groups: Vec::new(),
            items: FastMap::default(),
            touched_marks: Vec::new(),
            touched_trunks: Vec::new(),
        };
        for n in scene.node_indices() {
            level.count_party(doc, scene, n);
        }
        for number in 0..scene.groups.len() as u32 {
            level.count_group(scene, number);
        }
        let parts = scene
            .edge_indices()
            .map(Part::Link)
            .chain((0..scene.bundles.len() as u32).map(Part::Bundle));
        for part in parts {
            level.count_item(doc, scene, part);
        }
        level.finish(doc);
        for grid in [
            &mut level.mark_grid,
            &mut level.trunk_grid,
            &mut level.badge_grid,
        ] {
            grid.seal();
        }
        level
    }

    /// Follows an update of `scene` (see [`Levels::update`]): takes out what the parties,
    /// groups, links and bundles it looked at again gave, and counts them as they are now.
    pub(super) fn update(&mut self, doc: &impl Source, scene: &Scene, redone: &Redone) {
        let parts: Vec<Part> = redone
            .edges
            .iter()
            .map(|&e| Part::Link(e))
            .chain(redone.bundles.iter().map(|&b| Part::Bundle(b)))
            .collect();
        for &part in &parts {
            self.uncount_item(part);
        }
        for &number in &redone.groups {
            self.uncount_group(number);
        }
        for &n in &redone.nodes {
            self.uncount_party(n);
        }
        for &n in &redone.nodes {
            self.count_party(doc, scene, n);
        }
        for &number in &redone.groups {
            self.count_group(scene, number);
        }
        for &part in &parts {
            self.count_item(doc, scene, part);
        }
        self.finish(doc);
        self.updates += 1;
    }

    /// The mark slot of the cell at `key`, made when there is none.
    fn mark_slot(&mut self, key: (i32, i32)) -> u32 {
        if let Some(&slot) = self.mark_of_cell.get(&key) {
            return slot;
        }
        let mark = Mark {
            centre: pos2(
                (key.0 as f32 + 0.5) * self.cell,
                (key.1 as f32 + 0.5) * self.cell,
            ),
            ..Mark::default()
        };
        let slot = match self.free_marks.pop() {
            Some(slot) => {
                self.marks[slot as usize] = mark;
                self.mark_severities[slot as usize] = [0; 3];
                self.mark_cells[slot as usize] = key;
                slot
            }
            None => {
                self.marks.push(mark);
                self.mark_severities.push([0; 3]);
                self.mark_cells.push(key);
                self.marks.len() as u32 - 1
            }
        };
        self.mark_of_cell.insert(key, slot);
        slot
    }

    fn count_party(&mut self, doc: &impl Source, scene: &Scene, n: NodeIndex) {
        let i = n.index();
        if self.parties.len() <= i {
            self.parties.resize(i + 1, Counted::Nothing);
        }
        let Some(party) = doc
            .scenario()
            .graph()
            .node_weight(n)
            .filter(|_| scene.loose.contains(i as u32))
        else {
            return;
        };
        if is_top(party.kind) {
            if let Err(at) = self.tops.binary_search(&n) {
                self.tops.insert(at, n);
            }
            self.parties[i] = Counted::Top;
            return;
        }
        let slot = self.mark_slot(cell_of(scene.pos[i], self.cell));
        let reseller = party.kind == PartyKind::IndirectReseller;
        let worst = scene.party_worst(n);
        let mark = &mut self.marks[slot as usize];
        if reseller {
            mark.resellers += 1;
        } else {
            mark.customers += 1;
        }
        add_severity(&mut self.mark_severities[slot as usize], worst, 1);
        self.touched_marks.push(slot);
        self.parties[i] = Counted::Mark(slot, reseller, worst);
    }

    fn uncount_party(&mut self, n: NodeIndex) {
        let Some(counted) = self.parties.get_mut(n.index()).map(std::mem::take) else {
            return;
        };
        match counted {
            Counted::Nothing => {}
            Counted::Top => {
                if let Ok(at) = self.tops.binary_search(&n) {
                    self.tops.remove(at);
                }
            }
            Counted::Mark(slot, reseller, worst) => {
                let mark = &mut self.marks[slot as usize];
                if reseller {
                    mark.resellers -= 1;
                } else {
                    mark.customers -= 1;
                }
                add_severity(&mut self.mark_severities[slot as usize], worst, -1);
                self.touched_marks.push(slot);
            }
        }
    }

    fn count_group(&mut self, scene: &Scene, number: u32) {
        let i = number as usize;
        if self.groups.len() <= i {
            self.groups.resize(i + 1, GroupCounted::Nothing);
        }
        let Some(group) = scene.groups.get(i).filter(|g| !g.members.is_empty()) else {
            // A group that is gone (its number waits for the next one).
            return;
        };
        let size = group.bounds.size() * self.zoom + vec2(2.0, 2.0) * PARTY_RADIUS * self.zoom;
        if size.x.max(size.y) >= BADGE_PX {
            self.badge_grid
                .insert_at(number, group.bounds.expand(PARTY_RADIUS * 2.0));
            self.groups[i] = GroupCounted::Badge;
            return;
        }
        let slot = self.mark_slot(cell_of(group.bounds.center(), self.cell));
        let members = group.members.len() as u32;
        self.marks[slot as usize].customers += members;
        add_severity(&mut self.mark_severities[slot as usize], group.worst, 1);
        self.touched_marks.push(slot);
        self.groups[i] = GroupCounted::Mark(slot, members, group.worst);
    }

    fn uncount_group(&mut self, number: u32) {
        let Some(counted) = self.groups.get_mut(number as usize).map(std::mem::take) else {
            return;
        };
        match counted {
            GroupCounted::Nothing => {}
            GroupCounted::Badge => self.badge_grid.remove(number),
            GroupCounted::Mark(slot, members, worst) => {
                self.marks[slot as usize].customers -= members;
                add_severity(&mut self.mark_severities[slot as usize], worst, -1);
                self.touched_marks.push(slot);
            }
        }
    }

    /// Whether group `number` is drawn as a badge at this level (as counted).
    pub(super) fn is_badge(&self, number: u32) -> bool {
        self.groups.get(number as usize) == Some(&GroupCounted::Badge)
    }

    /// Counts a link drawn one by one, or a bundle, as the scene has it now: into its trunk, and
    /// its worst finding into the marks of its ends.
    fn count_item(&mut self, doc: &impl Source, scene: &Scene, part: Part) {
        let s = doc.scenario();
        let g = s.graph();
        let (from, to, kind, count, broken, current, worst) = match part {
            Part::Link(e) => {
                if !scene.coarse_links.contains(e.index() as u32) {
                    return;
                }
                let (Some((a, b)), Some(link)) = (g.edge_endpoints(e), g.edge_weight(e)) else {
                    return;
                };
                let worst = scene.link_worst(e);
                (
                    End::Party(a),
                    End::Party(b),
                    link.kind,
                    1,
                    u32::from(worst == Some(Severity::Violation)),
                    u32::from(link.exists_at(s.as_of())),
                    worst,
                )
            }
            Part::Bundle(b) => match scene.bundles.get(b as usize).filter(|b| b.count > 0) {
                Some(bundle) => (
                    bundle.from,
                    bundle.to,
                    bundle.kind,
                    bundle.count,
                    bundle.broken(),
                    bundle.current,
                    bundle.worst,
                ),
                None => return,
            },
        };
        let top = |end: End| matches!(end, End::Party(n) if is_top(g[n].kind));
        let reseller =
            |end: End| matches!(end, End::Party(n) if g[n].kind == PartyKind::IndirectReseller);
        let (a, b) = (scene.anchor(from), scene.anchor(to));
        // The mark an end sits in, if it is drawn as a mark at this level.
        let mut marks = [NONE; 2];
        if worst.is_some() {
            for (slot, end) in marks.iter_mut().zip([from, to]) {
                let in_mark = match end {
                    End::Party(_) => !top(end),
                    End::Group(number) => !self.is_badge(number),
                };
                if in_mark {
                    let key = cell_of(scene.anchor(end), self.cell);
                    *slot = self.mark_slot(key);
                    add_severity(&mut self.mark_severities[*slot as usize], worst, 1);
                    self.touched_marks.push(*slot);
                }
            }
        }
        let mut counted = ItemCounted {
            trunk: NONE,
            marks,
            worst,
            count,
            broken,
            current,
            a,
            b,
            resellers: [reseller(from), reseller(to)],
        };
        let length = a.distance(b);
        if length * self.zoom >= SHORT_PX {
            let size = (length * GATHER).max(self.cell);
            let exponent = size.log2().floor().clamp(-100.0, 100.0) as i8;
            let size = 2f32.powi(i32::from(exponent));
            let key_of = |end: End, at: Pos2| match end {
                End::Party(n) if top(end) => EndKey::Party(n),
                _ => {
                    let (x, y) = cell_of(at, size);
                    EndKey::Cell(exponent, x, y)
                }
            };
            let from_afar = match (from, to) {
                (End::Party(n), End::Group(gr)) | (End::Group(gr), End::Party(n)) => {
                    scene.groups[gr as usize].head != n
                }
                _ => false,
            };
            let key = (kind, from_afar, key_of(from, a), key_of(to, b));
            let slot = self.trunk_slot(key);
            let sum = &mut self.sums[slot as usize];
            let weight = f64::from(count.max(1));
            sum.from[0] += f64::from(a.x) * weight;
            sum.from[1] += f64::from(a.y) * weight;
            sum.to[0] += f64::from(b.x) * weight;
            sum.to[1] += f64::from(b.y) * weight;
            sum.parts += 1;
            sum.codes += part.code();
            add_severity(&mut sum.severities, worst, 1);
            sum.resellers[0] += u32::from(counted.resellers[0]);
            sum.resellers[1] += u32::from(counted.resellers[1]);
            let t = &mut self.trunks[slot as usize];
            t.count += count;
            t.broken += broken;
            t.current += current;
            self.touched_trunks.push(slot);
            counted.trunk = slot;
        }
        // What counted into no trunk and no mark has nothing to take out again (a link too short
        // to stroke at this level and without findings: most of a fitted channel's): keeping it
        // held 14 MB at 300,000 parties.
        if counted.trunk != NONE || counted.marks != [NONE; 2] {
            self.items.insert(part, counted);
        }
    }

    fn uncount_item(&mut self, part: Part) {
        let Some(counted) = self.items.remove(&part) else {
            return;
        };
        for slot in counted.marks.into_iter().filter(|&m| m != NONE) {
            add_severity(&mut self.mark_severities[slot as usize], counted.worst, -1);
            self.touched_marks.push(slot);
        }
        if counted.trunk == NONE {
            return;
        }
        let slot = counted.trunk;
        let sum = &mut self.sums[slot as usize];
        let weight = f64::from(counted.count.max(1));
        let (a, b) = (counted.a, counted.b);
        sum.from[0] -= f64::from(a.x) * weight;
        sum.from[1] -= f64::from(a.y) * weight;
        sum.to[0] -= f64::from(b.x) * weight;
        sum.to[1] -= f64::from(b.y) * weight;
        sum.parts -= 1;
        sum.codes -= part.code();
        add_severity(&mut sum.severities, counted.worst, -1);
        sum.resellers[0] -= u32::from(counted.resellers[0]);
        sum.resellers[1] -= u32::from(counted.resellers[1]);
        let t = &mut self.trunks[slot as usize];
        t.count -= counted.count;
        t.broken -= counted.broken;
        t.current -= counted.current;
        self.touched_trunks.push(slot);
    }

    /// The trunk slot for links with `key`, made when there is none.
    fn trunk_slot(&mut self, key: TrunkKey) -> u32 {
        if let Some(&slot) = self.sum_of_key.get(&key) {
            return slot;
        }
        let end = TrunkEnd {
            at: Pos2::ZERO,
            party: None,
            kind: PartyKind::Customer,
        };
        let trunk = Trunk {
            from: end,
            to: end,
            kind: key.0,
            count: 0,
            broken: 0,
            current: 0,
            worst: None,
            from_afar: key.1,
            single: None,
        };
        let sum = Sum {
            key,
            from: [0.0; 2],
            to: [0.0; 2],
            parts: 0,
            codes: 0,
            severities: [0; 3],
            resellers: [0; 2],
        };
        let slot = match self.free_trunks.pop() {
            Some(slot) => {
                self.trunks[slot as usize] = trunk;
                self.sums[slot as usize] = sum;
                slot
            }
            None => {
                self.trunks.push(trunk);
                self.sums.push(sum);
                self.trunks.len() as u32 - 1
            }
        };
        self.sum_of_key.insert(key, slot);
        slot
    }

    /// Brings the marks and trunks counted into since the last call up to date: their worst
    /// finding, a trunk's ends and what it stands for, their boxes in the grids; empty ones are
    /// freed.
    fn finish(&mut self, doc: &impl Source) {
        let g = doc.scenario().graph();
        let mut marks = std::mem::take(&mut self.touched_marks);
        marks.sort_unstable();
        marks.dedup();
        for slot in marks {
            let i = slot as usize;
            let severities = self.mark_severities[i];
            let mark = &mut self.marks[i];
            mark.worst = worst_of(&severities);
            let centre = mark.centre;
            if mark.alive() {
                self.mark_grid.insert_at(
                    slot,
                    Rect::from_center_size(centre, vec2(self.cell, self.cell)),
                );
            } else {
                self.mark_grid.remove(slot);
                if severities == [0; 3] {
                    let key = self.mark_cells[i];
                    if self.mark_of_cell.remove(&key).is_some() {
                        self.free_marks.push(slot);
                    }
                }
            }
        }
        let mut trunks = std::mem::take(&mut self.touched_trunks);
        trunks.sort_unstable();
        trunks.dedup();
        for slot in trunks {
            let i = slot as usize;
            let sum = &self.sums[i];
            if sum.parts == 0 {
                self.trunk_grid.remove(slot);
                if self.sum_of_key.remove(&sum.key).is_some() {
                    self.trunks[i].worst = None;
                    self.free_trunks.push(slot);
                }
                continue;
            }
            let (_, _, from_key, to_key) = sum.key;
            let end = |key: EndKey, resellers: u32, at: Pos2| match key {
                EndKey::Party(n) => TrunkEnd {
                    at,
                    party: Some(n),
                    kind: g.node_weight(n).map_or(PartyKind::Customer, |p| p.kind),
                },
                EndKey::Cell(..) => TrunkEnd {
                    at,
                    party: None,
                    kind: if resellers > 0 {
                        PartyKind::IndirectReseller
                    } else {
                        PartyKind::Customer
                    },
                },
            };
            let (single, a, b) = if sum.parts == 1 {
                let part = Part::decode(sum.codes);
                let item = self.items.get(&part);
                (
                    Some(part),
                    item.map_or(Pos2::ZERO, |c| c.a),
                    item.map_or(Pos2::ZERO, |c| c.b),
                )
            } else {
                let weight = f64::from(self.trunks[i].count.max(1));
                let at = |p: [f64; 2]| pos2((p[0] / weight) as f32, (p[1] / weight) as f32);
                (None, at(sum.from), at(sum.to))
            };
            let from = end(from_key, sum.resellers[0], a);
            let to = end(to_key, sum.resellers[1], b);
            let worst = worst_of(&sum.severities);
            let t = &mut self.trunks[i];
            t.from = from;
            t.to = to;
            t.single = single;
            t.worst = worst;
            self.trunk_grid
                .insert_at(slot, Rect::from_two_pos(a, b).expand(self.cell));
        }
    }

    /// What the level says, in an order and numbering of its own (slots, group and bundle numbers
    /// differ between a level followed edit by edit and one derived anew), with positions to a
    /// hundredth of a canvas unit; also checks that the grids hold just what is alive.
    #[cfg(test)]
    pub(super) fn canonical(&self, scene: &Scene) -> CanonicalLevel {
        for grid in [&self.mark_grid, &self.trunk_grid, &self.badge_grid] {
            grid.assert_consistent();
        }
        let round = |p: Pos2| ((p.x * 100.0).round() as i64, (p.y * 100.0).round() as i64);
        let mut marks = Vec::new();
        for (slot, m) in self.marks.iter().enumerate() {
            assert_eq!(self.mark_grid.contains(slot as u32), m.alive(), "{m:?}");
            if m.alive() {
                marks.push((round(m.centre), m.resellers, m.customers, m.worst));
            }
        }
        marks.sort_by_key(|m| format!("{m:?}"));
        let end = |e: End| match e {
            End::Party(n) => (0, n.index()),
            End::Group(g) => (1, scene.groups[g as usize].head.index()),
        };
        let mut trunks = Vec::new();
        for (slot, t) in self.trunks.iter().enumerate() {
            assert_eq!(self.trunk_grid.contains(slot as u32), t.count > 0, "{t:?}");
            if t.count == 0 {
                continue;
            }
            let single = t.single.map(|part| match part {
                Part::Link(e) => format!("link {}", e.index()),
                Part::Bundle(b) => {
                    let b = &scene.bundles[b as usize];
                    format!("bundle {:?} {:?} {:?}", end(b.from), end(b.to), b.kind)
                }
            });
            trunks.push(format!(
                "{:?} {} {:?}/{:?} {:?}/{:?} {:?} {:?} n{} x{} c{} {:?} {:?}",
                t.kind,
                t.from_afar,
                t.from.party,
                t.from.kind,
                t.to.party,
                t.to.kind,
                round(t.from.at),
                round(t.to.at),
                t.count,
                t.broken,
                t.current,
                t.worst,
                single
            ));
        }
        trunks.sort();
        let mut badges: Vec<usize> = (0..self.groups.len() as u32)
            .filter(|&g| self.is_badge(g))
            .map(|g| scene.groups[g as usize].head.index())
            .collect();
        badges.sort_unstable();
        CanonicalLevel {
            marks: marks.iter().map(|m| format!("{m:?}")).collect(),
            trunks,
            badges,
            tops: self.tops.clone(),
        }
    }

    /// The mark under `p` (canvas units), if any.
    pub(super) fn mark_at(&self, p: Pos2) -> Option<&Mark> {
        let mut found = Vec::new();
        self.mark_grid
            .query(Rect::from_center_size(p, vec2(0.5, 0.5)), &mut found);
        found.first().map(|&i| &self.marks[i as usize])
    }
}

/// See [`Level::canonical`].
#[cfg(test)]
#[derive(Debug, PartialEq)]
pub(super) struct CanonicalLevel {
    marks: Vec<String>,
    trunks: Vec<String>,
    badges: Vec<usize>,
    tops: Vec<NodeIndex>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::document::Document;

    use crate::ui::canvas::test_channel as channel;

    /// Every link or bundle the far view could draw: (from, to, count, worst, kind).
    fn items(doc: &Document, scene: &Scene) -> Vec<(End, End, u32, Option<Severity>, LinkKind)> {
        let g = doc.scenario().graph();
        let checker = doc.checker();
        let mut out: Vec<_> = scene
            .edge_indices()
            .filter(|e| scene.coarse_links.contains(e.index() as u32))
            .map(|e| {
                let (a, b) = g.edge_endpoints(e).unwrap();
                let link = &g[e];
                (
                    End::Party(a),
                    End::Party(b),
                    1,
                    checker.worst_for_link(link.id.as_str()),
                    link.kind,
                )
            })
            .collect();
        out.extend(
            scene
                .bundles
                .iter()
                .filter(|b| b.count > 0)
                .map(|b| (b.from, b.to, b.count, b.worst, b.kind)),
        );
        out
    }

    #[test]
    fn levels_follow_the_zoom_in_powers_of_two() {
        assert_eq!(level_index(1.0), 0);
        assert_eq!(level_index(0.25), 2);
        assert_eq!(level_index(0.2), 3);
        assert_eq!(level_index(0.126), 3);
        for zoom in [0.29, 0.1, 0.013, 0.0007, 1e-6] {
            let z = level_zoom(level_index(zoom));
            assert!(
                z <= zoom && zoom < 2.0 * z,
                "{zoom} drawn at level zoom {z}"
            );
        }
        assert_eq!(level_index(0.0), LEVELS - 1, "no zoom is out of range");
    }

    #[test]
    fn every_party_far_away_is_in_one_mark_a_badge_or_drawn_as_itself() {
        let doc = channel(1_200);
        let scene = Scene::build(&doc);
        let g = doc.scenario().graph();
        for k in [3, 5, 7, 9] {
            let level = Level::build(&doc, &scene, k);
            let in_marks: u32 = level.marks.iter().map(|m| m.resellers + m.customers).sum();
            let in_badges: usize = (0..scene.groups.len() as u32)
                .filter(|&b| level.is_badge(b))
                .map(|b| scene.groups[b as usize].members.len())
                .sum();
            assert_eq!(
                in_marks as usize + in_badges + level.tops.len(),
                scene.parties_drawn(),
                "level {k}"
            );
            assert!(
                level.tops.iter().all(|&n| g[n].kind.tier() <= 1),
                "only Microsoft, providers and direct-bill partners are drawn as themselves"
            );
            // One mark per cell.
            let alive: Vec<&Mark> = level.marks.iter().filter(|m| m.alive()).collect();
            for (i, a) in alive.iter().enumerate() {
                assert!(alive[i + 1..].iter().all(|b| b.centre != a.centre));
            }
        }
    }

    #[test]
    fn trunks_count_every_long_link_once_and_a_broken_one_turns_its_trunk_or_mark_red() {
        let doc = channel(1_200);
        let scene = Scene::build(&doc);
        let all = items(&doc, &scene);
        for k in [4, 6, 8] {
            let level = Level::build(&doc, &scene, k);
            let zoom = level_zoom(k);
            let long: Vec<_> = all
                .iter()
                .filter(|(a, b, ..)| scene.anchor(*a).distance(scene.anchor(*b)) * zoom >= SHORT_PX)
                .collect();
            let counted: u32 = level.trunks.iter().map(|t| t.count).sum();
            assert_eq!(counted, long.iter().map(|i| i.2).sum::<u32>(), "level {k}");
            assert!(
                level.trunks.iter().filter(|t| t.count > 0).count() < long.len(),
                "level {k}: something is gathered"
            );
            // Worst wins: each broken link is red where the far view shows it.
            for (a, b, _, worst, kind) in &all {
                if *worst != Some(Severity::Violation) {
                    continue;
                }
                let (pa, pb) = (scene.anchor(*a), scene.anchor(*b));
                let red_trunk = level.trunks.iter().any(|t| {
                    t.kind == *kind
                        && t.worst == Some(Severity::Violation)
                        && t.broken > 0
                        && t.from.at.distance(pa) <= pa.distance(pb)
                        && t.to.at.distance(pb) <= pa.distance(pb)
                });
                let red_mark = |p: Pos2| {
                    level
                        .mark_at(p)
                        .is_some_and(|m| m.worst == Some(Severity::Violation))
                };
                let badge = |e: &End| match e {
                    End::Group(n) => level.is_badge(*n),
                    End::Party(_) => false,
                };
                assert!(
                    red_trunk || red_mark(pa) || red_mark(pb) || badge(a) || badge(b),
                    "level {k}: a broken {kind:?} from {pa:?} to {pb:?} shows no red"
                );
            }
        }
    }

    #[test]
    fn a_trunk_of_one_link_is_that_link_and_far_away_a_providers_links_gather() {
        let doc = channel(1_200);
        let scene = Scene::build(&doc);
        let g = doc.scenario().graph();
        // Close enough to tell parties apart: links between different places stay apart.
        let near = Level::build(&doc, &scene, 2);
        for t in &near.trunks {
            if let Some(Part::Link(e)) = t.single {
                let (a, b) = g.edge_endpoints(e).unwrap();
                assert_eq!(
                    (t.from.at, t.to.at),
                    (scene.pos[a.index()], scene.pos[b.index()])
                );
                assert_eq!(t.count, 1);
            }
        }
        // Far out, a provider's partnerships go into trunks towards the areas of its resellers:
        // fewer than it has partnerships, and about as many for a channel four times bigger (the
        // trunks follow the screen, not the channel).
        let provider_trunks = |doc: &Document| {
            let scene = Scene::build(doc);
            let g = doc.scenario().graph();
            let provider = g
                .node_indices()
                .find(|&n| g[n].kind == PartyKind::IndirectProvider)
                .unwrap();
            let partnerships = g
                .edges(provider)
                .filter(|e| e.weight().kind == LinkKind::Partnership)
                .count();
            // The level that fits the channel in about 1,500 pixels.
            let (min, max) = doc.bounds().unwrap();
            let fit = 1_500.0 / (max.x - min.x).max(max.y - min.y);
            let level = Level::build(doc, &scene, level_index(fit));
            let trunks = level
                .trunks
                .iter()
                .filter(|t| t.kind == LinkKind::Partnership && t.from.party == Some(provider))
                .count();
            (trunks, partnerships)
        };
        let (small, small_links) = provider_trunks(&doc);
        let (big, big_links) = provider_trunks(&channel(4_800));
        assert!(small_links >= 20 && big_links >= 3 * small_links);
        assert!(
            small > 0 && small * 2 <= small_links,
            "{small} trunks for {small_links}"
        );
        assert!(
            big * 2 <= small * 3,
            "{big} trunks for {big_links} partnerships, {small} for {small_links}"
        );
    }

    #[test]
    fn after_an_edit_the_far_view_is_followed_to_what_a_fresh_scene_gives() {
        let mut doc = channel(1_200);
        let s = doc.scenario();
        let customer = s.parties_of_kind(PartyKind::Customer).nth(300).unwrap().id;
        let seller = s
            .parties_of_kind(PartyKind::IndirectReseller)
            .find(|r| !r.enrolled)
            .expect("a reseller not enrolled")
            .id;
        let mover = s.parties().last().unwrap().id;
        for k in [5, 8] {
            let _ = doc.far_level(level_zoom(k));
        }
        let edits = [
            crate::edit::Edit::AddLink(crate::model::Link::new(
                "purchase-new",
                LinkKind::Purchase,
                seller,
                customer,
                "2024-05-01".parse().unwrap(),
            )),
            crate::edit::Edit::MoveParty(
                mover,
                Some(crate::model::Position {
                    x: -500.0,
                    y: -500.0,
                }),
            ),
        ];
        for (i, edit) in edits.into_iter().enumerate() {
            doc.apply(edit).unwrap();
            let fresh = Scene::build(&doc);
            for k in [5, 8] {
                let updated = doc.far_level(level_zoom(k));
                assert_eq!(
                    updated.updates,
                    i as u32 + 1,
                    "level {k}: followed, not derived"
                );
                let built = Level::build(&doc, &fresh, k);
                assert_eq!(
                    updated.canonical(doc.kept_scene().unwrap()),
                    built.canonical(&fresh),
                    "level {k} after edit {i}"
                );
            }
        }
    }
}
