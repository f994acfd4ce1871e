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
//! Both are derived per *level* (zoom rounded down to a power of two), once per scene, on the
//! first frame drawn at that level, and looked up by the visible rectangle like everything else.

use super::PARTY_RADIUS;
use super::scene::{End, FastMap, Scene, Source};
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

/// The levels of one scene, each derived on first use.
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
}

/// What a trunk stands for when it is only one thing: then it is drawn as that thing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Part {
    /// A link between two parties drawn one by one.
    Link(EdgeIndex),
    /// A bundle of links into a customer group (index into [`Scene::bundles`]).
    Bundle(u32),
}

/// One end of a trunk.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct TrunkEnd {
    /// Where it is drawn: the party, or the centroid of the ends gathered there (canvas units).
    pub at: Pos2,
    /// The party, when the end is one (Microsoft, a provider, a direct-bill partner).
    pub party: Option<NodeIndex>,
    /// What kind of party is at this end (customers, for a group).
    pub kind: PartyKind,
}

/// Links of one kind between the same two cells, drawn as one stroke.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Trunk {
    pub from: TrunkEnd,
    pub to: TrunkEnd,
    pub kind: LinkKind,
    /// How many links.
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

/// The far view at one level.
pub(crate) struct Level {
    /// The level's zoom.
    pub(super) zoom: f32,
    /// A mark cell's side, in canvas units.
    pub(super) cell: f32,
    pub(super) marks: Vec<Mark>,
    pub(super) mark_grid: Grid,
    pub(super) trunks: Vec<Trunk>,
    pub(super) trunk_grid: Grid,
    /// Customer groups large enough to be drawn as badges (group numbers), by their boxes.
    pub(super) badges: Vec<u32>,
    pub(super) badge_grid: Grid,
    /// The parties always drawn as themselves: Microsoft, providers, direct-bill partners.
    pub(super) tops: Vec<NodeIndex>,
}

impl std::fmt::Debug for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Level")
            .field("zoom", &self.zoom)
            .field("marks", &self.marks.len())
            .field("trunks", &self.trunks.len())
            .field("badges", &self.badges.len())
            .field("tops", &self.tops.len())
            .finish()
    }
}

/// Where an end of a link goes when links are gathered: a party of its own, or a cell (the log2
/// of its size and its coordinates).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum EndKey {
    Party(NodeIndex),
    Cell(i8, i32, i32),
}

/// One link or bundle on its way into a trunk.
struct Item {
    from: End,
    to: End,
    kind: LinkKind,
    count: u32,
    broken: u32,
    current: u32,
    worst: Option<Severity>,
    part: Part,
}

/// A trunk being summed up: end positions weighted by link count.
struct Sum {
    trunk: Trunk,
    from: egui::Vec2,
    to: egui::Vec2,
    parts: u32,
}

fn is_top(kind: PartyKind) -> bool {
    kind.tier() <= 1
}

impl Level {
    /// Derives level `k` of `scene` (a scene of `doc`).
    pub(super) fn build(doc: &impl Source, scene: &Scene, k: usize) -> Level {
        let zoom = level_zoom(k);
        let cell = MARK_PX / zoom;
        let s = doc.scenario();
        let g = s.graph();
        let cell_of = |p: Pos2, size: f32| {
            (
                (p.x / size).floor().clamp(i32::MIN as f32, i32::MAX as f32) as i32,
                (p.y / size).floor().clamp(i32::MIN as f32, i32::MAX as f32) as i32,
            )
        };

        // Marks: every reseller and loose customer, and every group too small to be a badge.
        let mut marks: FastMap<(i32, i32), Mark> = FastMap::default();
        let mut tops = Vec::new();
        for &n in &scene.loose_nodes {
            let Some(party) = g
                .node_weight(n)
                .filter(|_| scene.loose.contains(n.index() as u32))
            else {
                continue;
            };
            if is_top(party.kind) {
                tops.push(n);
                continue;
            }
            let mark = marks
                .entry(cell_of(scene.pos[n.index()], cell))
                .or_default();
            match party.kind {
                PartyKind::IndirectReseller => mark.resellers += 1,
                _ => mark.customers += 1,
            }
            mark.worst = mark.worst.max(scene.party_worst(n));
        }
        let mut badges = Vec::new();
        let mut badge_grid = Grid::new(cell * 64.0);
        let mut is_badge = vec![false; scene.groups.len()];
        for (number, group) in scene.groups.iter().enumerate() {
            if group.members.is_empty() {
                // A group that is gone (its number waits for the next one).
                continue;
            }
            let size = group.bounds.size() * zoom + vec2(2.0, 2.0) * PARTY_RADIUS * zoom;
            if size.x.max(size.y) >= BADGE_PX {
                is_badge[number] = true;
                badges.push(number as u32);
                badge_grid.insert(group.bounds.expand(PARTY_RADIUS * 2.0));
                continue;
            }
            let mark = marks
                .entry(cell_of(group.bounds.center(), cell))
                .or_default();
            mark.customers += group.members.len() as u32;
            mark.worst = mark.worst.max(group.worst);
        }

        // Trunks: every link drawn one by one when groups are collapsed, and every bundle.
        let as_of = s.as_of();
        let items = scene
            .coarse_edges
            .iter()
            .filter(|e| scene.coarse_links.contains(e.index() as u32))
            .filter_map(|&e| {
                let (a, b) = g.edge_endpoints(e)?;
                let link = g.edge_weight(e)?;
                let worst = scene.link_worst(e);
                Some(Item {
                    from: End::Party(a),
                    to: End::Party(b),
                    kind: link.kind,
                    count: 1,
                    broken: u32::from(worst == Some(Severity::Violation)),
                    current: u32::from(link.exists_at(as_of)),
                    worst,
                    part: Part::Link(e),
                })
            })
            .chain(
                scene
                    .bundles
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| b.count > 0)
                    .map(|(i, b)| Item {
                        from: b.from,
                        to: b.to,
                        kind: b.kind,
                        count: b.count,
                        broken: b.broken(),
                        current: b.current,
                        worst: b.worst,
                        part: Part::Bundle(i as u32),
                    }),
            );
        let kind_of = |end: End| match end {
            End::Party(n) => g[n].kind,
            End::Group(_) => PartyKind::Customer,
        };
        // The mark an end sits in, if it is drawn as a mark at this level.
        let mark_of = |end: End| match end {
            End::Party(n) if is_top(g[n].kind) => None,
            End::Group(number) if is_badge[number as usize] => None,
            _ => Some(cell_of(scene.anchor(end), cell)),
        };
        let mut sums: FastMap<(LinkKind, bool, EndKey, EndKey), Sum> = FastMap::default();
        for item in items {
            let (a, b) = (scene.anchor(item.from), scene.anchor(item.to));
            if item.worst.is_some() {
                for end in [item.from, item.to] {
                    if let Some(mark) = mark_of(end).and_then(|c| marks.get_mut(&c)) {
                        mark.worst = mark.worst.max(item.worst);
                    }
                }
            }
            let length = a.distance(b);
            if length * zoom < SHORT_PX {
                continue;
            }
            let size = (length * GATHER).max(cell);
            let exponent = size.log2().floor().clamp(-100.0, 100.0) as i8;
            let size = 2f32.powi(i32::from(exponent));
            let key_of = |end: End, at: Pos2| match end {
                End::Party(n) if is_top(g[n].kind) => EndKey::Party(n),
                _ => {
                    let (x, y) = cell_of(at, size);
                    EndKey::Cell(exponent, x, y)
                }
            };
            let from_afar = match (item.from, item.to) {
                (End::Party(n), End::Group(gr)) | (End::Group(gr), End::Party(n)) => {
                    scene.groups[gr as usize].head != n
                }
                _ => false,
            };
            let key = (
                item.kind,
                from_afar,
                key_of(item.from, a),
                key_of(item.to, b),
            );
            let end = |e: End, at: Pos2| TrunkEnd {
                at,
                party: match e {
                    End::Party(n) if is_top(g[n].kind) => Some(n),
                    _ => None,
                },
                kind: kind_of(e),
            };
            let sum = sums.entry(key).or_insert_with(|| Sum {
                trunk: Trunk {
                    from: end(item.from, a),
                    to: end(item.to, b),
                    kind: item.kind,
                    count: 0,
                    broken: 0,
                    current: 0,
                    worst: None,
                    from_afar,
                    single: Some(item.part),
                },
                from: egui::Vec2::ZERO,
                to: egui::Vec2::ZERO,
                parts: 0,
            });
            let weight = item.count.max(1) as f32;
            sum.from += a.to_vec2() * weight;
            sum.to += b.to_vec2() * weight;
            sum.parts += 1;
            let t = &mut sum.trunk;
            t.count += item.count;
            t.broken += item.broken;
            t.current += item.current;
            t.worst = t.worst.max(item.worst);
        }
        let mut trunks: Vec<Trunk> = sums
            .into_values()
            .map(|sum| {
                let mut t = sum.trunk;
                if sum.parts > 1 {
                    let weight = t.count.max(1) as f32;
                    t.from.at = (sum.from / weight).to_pos2();
                    t.to.at = (sum.to / weight).to_pos2();
                    t.single = None;
                }
                t
            })
            .collect();
        // A steady order: the biggest first (they get their counts' labels first), then by place.
        trunks.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then(a.from.at.x.total_cmp(&b.from.at.x))
                .then(a.from.at.y.total_cmp(&b.from.at.y))
                .then(a.to.at.x.total_cmp(&b.to.at.x))
                .then(a.to.at.y.total_cmp(&b.to.at.y))
                .then((a.kind as u8).cmp(&(b.kind as u8)))
        });
        let mut trunk_grid = Grid::new(cell * 64.0);
        for t in &trunks {
            trunk_grid.insert(Rect::from_two_pos(t.from.at, t.to.at).expand(cell));
        }

        let mut marks: Vec<Mark> = marks
            .into_iter()
            .map(|((x, y), mut mark)| {
                mark.centre = pos2((x as f32 + 0.5) * cell, (y as f32 + 0.5) * cell);
                mark
            })
            .collect();
        marks.sort_by(|a, b| {
            (a.centre.y, a.centre.x)
                .partial_cmp(&(b.centre.y, b.centre.x))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let mut mark_grid = Grid::new(cell * 64.0);
        for m in &marks {
            mark_grid.insert(Rect::from_center_size(m.centre, vec2(cell, cell)));
        }
        Level {
            zoom,
            cell,
            marks,
            mark_grid,
            trunks,
            trunk_grid,
            badges,
            badge_grid,
            tops,
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
            .coarse_edges
            .iter()
            .filter(|e| scene.coarse_links.contains(e.index() as u32))
            .map(|&e| {
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
            let in_badges: usize = level
                .badges
                .iter()
                .map(|&b| scene.groups[b as usize].members.len())
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
            for (i, a) in level.marks.iter().enumerate() {
                assert!(level.marks[i + 1..].iter().all(|b| b.centre != a.centre));
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
                level.trunks.len() < long.len(),
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
                    End::Group(n) => level.badges.contains(n),
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
    fn after_an_edit_the_far_view_is_what_a_fresh_scene_gives() {
        let mut doc = channel(1_200);
        let s = doc.scenario();
        let customer = s
            .parties_of_kind(PartyKind::Customer)
            .nth(300)
            .unwrap()
            .id
            .clone();
        let seller = s
            .parties_of_kind(PartyKind::IndirectReseller)
            .find(|r| !r.enrolled)
            .expect("a reseller not enrolled")
            .id
            .clone();
        for k in [5, 8] {
            let _ = doc.far_level(level_zoom(k));
        }
        doc.apply(crate::edit::Edit::AddLink(crate::model::Link::new(
            "purchase-new",
            LinkKind::Purchase,
            seller,
            customer,
            "2024-05-01".parse().unwrap(),
        )))
        .unwrap();
        let fresh = Scene::build(&doc);
        for k in [5, 8] {
            let updated = doc.far_level(level_zoom(k));
            let levels = Levels::default();
            let built = levels.get(&doc, &fresh, level_zoom(k));
            assert_eq!(updated.marks, built.marks, "level {k}");
            assert_eq!(updated.trunks.len(), built.trunks.len(), "level {k}");
        }
    }
}
