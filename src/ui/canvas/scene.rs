//! What the canvas derives from a document once per change, so that a frame looks only at what is
//! on screen: spatial indexes over parties, links, customer groups and link bundles, each group's
//! and bundle's worst finding, and (for channels small enough) every link's route.
//!
//! Parties and links are addressed by their graph indexes (`NodeIndex::index`,
//! `EdgeIndex::index`), which stay valid until the next change, when the scene is rebuilt.

use super::PARTY_RADIUS;
use super::spatial::Grid;
use crate::layout::Route;
use crate::model::{LinkKind, PartyKind, Position};
use crate::rules::Severity;
use crate::ui::document::Document;
use egui::{Pos2, Rect, pos2, vec2};
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::visit::{EdgeIndexable, EdgeRef, IntoEdgeReferences, NodeIndexable};
use std::collections::HashMap;

/// No group.
pub(super) const NONE: u32 = u32::MAX;

/// Cell size of the grids, in canvas units: a few parties a side.
const CELL: f32 = 600.0;

/// Above this many link-party pairs, links are not routed around parties on the canvas (routing
/// tests every link against every party); they run straight, parallel ones side by side.
const ROUTE_ALL_MAX: usize = 40_000_000;

/// A seller's customers, which collapse into one counted badge when zoomed out.
#[derive(Clone, Debug)]
pub(super) struct Group {
    /// The seller (graph index).
    pub head: NodeIndex,
    /// The customers (graph indexes).
    pub members: Vec<NodeIndex>,
    /// The canvas box around the customers' centres.
    pub bounds: Rect,
    /// The worst finding on any of the customers or their links.
    pub worst: Option<Severity>,
}

/// One end of a bundle: a party, or a collapsed group of customers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum End {
    Party(NodeIndex),
    Group(u32),
}

/// The links of one kind between the same two ends while groups are collapsed, drawn as one stroke.
#[derive(Clone, Debug)]
pub(super) struct Bundle {
    pub from: End,
    pub to: End,
    pub kind: LinkKind,
    pub count: u32,
    /// The worst finding among them.
    pub worst: Option<Severity>,
    /// How many of them exist at the as-of date (the rest are future or ended).
    pub current: u32,
}

/// The derived view of one revision of a document.
pub(super) struct Scene {
    pub revision: u64,
    /// Every party's canvas position, by graph index (NaN where there is no party).
    pub pos: Vec<Pos2>,
    /// Each party's group, by graph index ([`NONE`] when it is not in one).
    pub group_of: Vec<u32>,
    pub groups: Vec<Group>,
    /// Every party (handle → graph index in `party_nodes`).
    pub parties: Grid,
    pub party_nodes: Vec<NodeIndex>,
    /// The parties drawn while groups are collapsed: all but the grouped customers.
    pub loose: Grid,
    pub loose_nodes: Vec<NodeIndex>,
    /// Every link, by the box its drawing can cover.
    pub links: Grid,
    pub link_edges: Vec<EdgeIndex>,
    /// The links drawn one by one while groups are collapsed (neither end in a group).
    pub coarse_links: Grid,
    pub coarse_edges: Vec<EdgeIndex>,
    /// The groups, by their boxes (handle = group number).
    pub group_grid: Grid,
    /// The bundles of links into groups, by their boxes (handle = bundle number).
    pub bundles: Vec<Bundle>,
    pub bundle_grid: Grid,
    /// Every link's route, by graph index, when the channel is small enough to route it all.
    pub routes: Option<Vec<Option<Route>>>,
    /// Each link's place among the links between the same two parties (graph order), by graph
    /// index: where a straight route fans it out. Counted once here, because asking the graph per
    /// link walks all of a party's links, and a provider with 300,000 of them froze the window.
    pub fan: Vec<u32>,
}

impl std::fmt::Debug for Scene {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scene")
            .field("revision", &self.revision)
            .field("parties", &self.party_nodes.len())
            .field("links", &self.link_edges.len())
            .field("groups", &self.groups.len())
            .field("bundles", &self.bundles.len())
            .finish()
    }
}

fn p2(p: Position) -> Pos2 {
    pos2(p.x, p.y)
}

/// The box a link between `a` and `b` can be drawn in: routes bend by up to 30 % of the length
/// (at least three party radii) and parallel links fan out beside each other.
fn link_box(a: Pos2, b: Pos2, parallel: usize) -> Rect {
    let bend = (a.distance(b) * 0.3).max(PARTY_RADIUS * 3.0) + parallel as f32 * 17.0;
    Rect::from_two_pos(a, b).expand(bend)
}

impl Scene {
    /// Derives the scene of `doc` as it is now.
    pub fn build(doc: &Document) -> Scene {
        let s = doc.scenario();
        let g = s.graph();
        let bound = g.node_bound();
        let mut pos = vec![pos2(f32::NAN, f32::NAN); bound];
        for n in g.node_indices() {
            if let Some(p) = doc.position(g[n].id.as_str()) {
                pos[n.index()] = p2(p);
            }
        }
        let placed = |n: NodeIndex| !pos[n.index()].x.is_nan();

        // Customers by the seller they are drawn under.
        let mut by_head: HashMap<NodeIndex, Vec<NodeIndex>> = HashMap::new();
        for n in g.node_indices() {
            if g[n].kind != PartyKind::Customer || !placed(n) {
                continue;
            }
            if let Some(head) = crate::layout::home_seller(s, g[n].id.as_str())
                .and_then(|h| s.party_index(h.as_str()))
                .filter(|h| placed(*h))
            {
                by_head.entry(head).or_default().push(n);
            }
        }
        let mut heads: Vec<_> = by_head.into_iter().filter(|(_, m)| m.len() >= 2).collect();
        heads.sort_by_key(|(h, _)| *h);
        let mut group_of = vec![NONE; bound];
        let mut groups = Vec::with_capacity(heads.len());
        for (head, mut members) in heads {
            members.sort();
            let number = groups.len() as u32;
            let first = pos[members[0].index()];
            let mut bounds = Rect::from_min_max(first, first);
            for &m in &members {
                group_of[m.index()] = number;
                bounds.extend_with(pos[m.index()]);
            }
            groups.push(Group {
                head,
                members,
                bounds,
                worst: None,
            });
        }
        // The worst finding of each link, and of each group (its customers and their links):
        // from the findings, which are few, rather than by asking about every link.
        let checker = doc.checker();
        let mut link_worst: HashMap<EdgeIndex, Severity> = HashMap::new();
        for finding in checker.iter() {
            let touched: [Option<NodeIndex>; 2] = match &finding.subject {
                crate::rules::Subject::Link(id) => {
                    let Some(e) = s.link_index(id.as_str()) else {
                        continue;
                    };
                    let worst = link_worst.entry(e).or_insert(finding.severity);
                    *worst = (*worst).max(finding.severity);
                    g.edge_endpoints(e)
                        .map_or([None, None], |(a, b)| [Some(a), Some(b)])
                }
                crate::rules::Subject::Party(id) => [s.party_index(id.as_str()), None],
            };
            for n in touched.into_iter().flatten() {
                if let Some(group) = groups.get_mut(group_of[n.index()] as usize) {
                    group.worst = group.worst.max(Some(finding.severity));
                }
            }
        }

        let mut parties = Grid::new(CELL);
        let mut loose = Grid::new(CELL);
        let (mut party_nodes, mut loose_nodes) = (Vec::new(), Vec::new());
        for n in g.node_indices().filter(|n| placed(*n)) {
            let r = Rect::from_center_size(pos[n.index()], vec2(0.0, 0.0));
            parties.insert(r);
            party_nodes.push(n);
            if group_of[n.index()] == NONE {
                loose.insert(r);
                loose_nodes.push(n);
            }
        }
        let mut group_grid = Grid::new(CELL);
        for group in &groups {
            group_grid.insert(group.bounds.expand(PARTY_RADIUS * 2.0));
        }

        // Links one by one, and bundled where an end is in a group.
        let as_of = s.as_of();
        let mut links = Grid::new(CELL);
        let mut coarse_links = Grid::new(CELL);
        let (mut link_edges, mut coarse_edges) = (Vec::new(), Vec::new());
        let mut parallel: HashMap<(NodeIndex, NodeIndex), usize> = HashMap::new();
        let mut fan = vec![0u32; g.edge_bound()];
        let mut bundle_of: HashMap<(End, End, LinkKind), usize> = HashMap::new();
        let mut bundles: Vec<Bundle> = Vec::new();
        let end = |n: NodeIndex| match group_of[n.index()] {
            NONE => End::Party(n),
            number => End::Group(number),
        };
        for e in g.edge_references() {
            let (a, b) = (e.source(), e.target());
            if !placed(a) || !placed(b) {
                continue;
            }
            let link = e.weight();
            let pair = if a <= b { (a, b) } else { (b, a) };
            let n = parallel.entry(pair).or_insert(0);
            fan[e.id().index()] = *n as u32;
            let r = link_box(pos[a.index()], pos[b.index()], *n);
            *n += 1;
            links.insert(r);
            link_edges.push(e.id());
            let (from, to) = (end(a), end(b));
            if matches!((from, to), (End::Party(_), End::Party(_))) {
                coarse_links.insert(r);
                coarse_edges.push(e.id());
                continue;
            }
            let i = *bundle_of.entry((from, to, link.kind)).or_insert_with(|| {
                bundles.push(Bundle {
                    from,
                    to,
                    kind: link.kind,
                    count: 0,
                    worst: None,
                    current: 0,
                });
                bundles.len() - 1
            });
            let bundle = &mut bundles[i];
            bundle.count += 1;
            bundle.worst = bundle.worst.max(link_worst.get(&e.id()).copied());
            if link.exists_at(as_of) {
                bundle.current += 1;
            }
        }
        let anchor = |end: End| match end {
            End::Party(n) => pos[n.index()],
            End::Group(number) => groups[number as usize].bounds.center(),
        };
        let mut bundle_grid = Grid::new(CELL);
        for b in &bundles {
            bundle_grid.insert(Rect::from_two_pos(anchor(b.from), anchor(b.to)).expand(4.0));
        }

        let routes = (s.link_count().saturating_mul(s.party_count()) <= ROUTE_ALL_MAX).then(|| {
            let mut all = vec![None; g.edge_bound()];
            for route in crate::layout::routes(s, doc.positions(), PARTY_RADIUS) {
                if let Some(e) = s.link_index(route.link.as_str()) {
                    all[e.index()] = Some(route);
                }
            }
            all
        });

        Scene {
            revision: doc.revision(),
            pos,
            group_of,
            groups,
            parties,
            party_nodes,
            loose,
            loose_nodes,
            links,
            link_edges,
            coarse_links,
            coarse_edges,
            group_grid,
            bundles,
            bundle_grid,
            routes,
            fan,
        }
    }

    /// Where a bundle's end is drawn, in canvas units: the party, or the middle of the group.
    pub fn anchor(&self, end: End) -> Pos2 {
        match end {
            End::Party(n) => self.pos[n.index()],
            End::Group(number) => self.groups[number as usize].bounds.center(),
        }
    }

    /// The canvas route of a link: the shared route when the channel was routed whole, else a
    /// straight line (parallel links side by side).
    pub fn route(&self, doc: &Document, e: EdgeIndex) -> Option<Route> {
        if let Some(all) = &self.routes {
            return all.get(e.index()).cloned().flatten();
        }
        let g = doc.scenario().graph();
        let (a, b) = g.edge_endpoints(e)?;
        let (pa, pb) = (self.pos[a.index()], self.pos[b.index()]);
        if pa.x.is_nan() || pb.x.is_nan() {
            return None;
        }
        // The link's place among the links between the same two parties, in graph order (the
        // order the shared routing fans them out in).
        let index = self.fan.get(e.index()).copied().unwrap_or(0) as usize;
        let step = index.div_ceil(2) as f32 * 33.0;
        let offset = if index % 2 == 1 { step } else { -step };
        let d = pb - pa;
        let length = d.length().max(1e-3);
        let sign = if g[a].id <= g[b].id { 1.0 } else { -1.0 };
        let normal = vec2(-d.y, d.x) / length * sign;
        let mid = pa + d / 2.0 + normal * offset;
        Some(Route {
            link: g[e].id.clone(),
            from: Position { x: pa.x, y: pa.y },
            control: Position { x: mid.x, y: mid.y },
            to: Position { x: pb.x, y: pb.y },
        })
    }

    /// The party nearest `p` (canvas units) within a party's radius, among those drawn: grouped
    /// customers are skipped while groups are collapsed.
    pub fn party_near(&self, p: Pos2, collapsed: bool) -> Option<NodeIndex> {
        let (grid, nodes) = if collapsed {
            (&self.loose, &self.loose_nodes)
        } else {
            (&self.parties, &self.party_nodes)
        };
        let mut found = Vec::new();
        grid.query(
            Rect::from_center_size(p, vec2(2.0, 2.0) * PARTY_RADIUS),
            &mut found,
        );
        found
            .into_iter()
            .map(|h| nodes[h as usize])
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
    use crate::generate::{GenerateOptions, generate};

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
            .loose_nodes
            .iter()
            .filter(|n| g[**n].kind == PartyKind::Customer)
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
            total as usize + scene.coarse_edges.len(),
            scene.link_edges.len()
        );
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
}
