//! Owns how a link is drawn between its parties (a quadratic Bézier: straight, fanned out beside a
//! parallel link, or bent around a party in its way); must not know findings or any output format.
//!
//! The canvas and every diagram export share these routes. Routing costs about one walk of a few
//! grid columns per link ([`PointGrid::in_the_way`]), so a channel of a million links is routed in
//! about a second, not in the minutes a search of each whole line took.

use super::spatial::PointGrid;
use crate::model::{PartyId, Position, Scenario};
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::visit::{EdgeIndexable, NodeIndexable};
use std::collections::BTreeMap;

/// How a link is drawn: a quadratic Bézier from the centre of one party to the centre of the other.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// The link.
    pub link: crate::model::LinkId,
    /// Centre of the supplying party.
    pub from: Position,
    /// The Bézier control point (the midpoint for a straight link).
    pub control: Position,
    /// Centre of the buying party.
    pub to: Position,
}

impl Route {
    /// The point at `t` in 0..=1 along the curve.
    pub fn at(&self, t: f32) -> Position {
        let u = 1.0 - t;
        Position {
            x: u * u * self.from.x + 2.0 * u * t * self.control.x + t * t * self.to.x,
            y: u * u * self.from.y + 2.0 * u * t * self.control.y + t * t * self.to.y,
        }
    }
}

/// Routes every link between drawn parties: parallel links between the same two parties fan out side
/// by side, and a link that would run straight through another party (of `radius`) bends away from
/// the one in its way nearest to one of its ends, so that no link hides behind a party it does not
/// touch. The canvas and the exports share it.
pub fn routes(
    scenario: &Scenario,
    positions: &BTreeMap<PartyId, Position>,
    radius: f32,
) -> Vec<Route> {
    routes_by_edge(scenario, positions, radius)
        .into_iter()
        .map(|(_, route)| route)
        .collect()
}

/// [`routes`], each with its link's graph index (what a caller that keeps per-link tables by index
/// needs, without looking each link up by id).
pub fn routes_by_edge(
    scenario: &Scenario,
    positions: &BTreeMap<PartyId, Position>,
    radius: f32,
) -> Vec<(EdgeIndex, Route)> {
    let g = scenario.graph();
    let mut out = Vec::with_capacity(g.edge_count());
    each_route(scenario, positions, radius, |e, from, control, to| {
        out.push((
            e,
            Route {
                link: g[e].id,
                from,
                control,
                to,
            },
        ));
    });
    out
}

/// Routes every link between drawn parties (see [`routes`]) and hands each to `f` as its graph
/// index, its start, its Bézier control point and its end.
pub fn each_route(
    scenario: &Scenario,
    positions: &BTreeMap<PartyId, Position>,
    radius: f32,
    mut f: impl FnMut(EdgeIndex, Position, Position, Position),
) {
    let router = Router::new(scenario, positions, radius);
    let g = scenario.graph();
    let parallels = Parallels::of(&router);
    for e in g.edge_indices() {
        let Some((a, b)) = router.ends(e) else {
            continue;
        };
        f(e, a.at, router.control(a, b, parallels.place(e)), b.at);
    }
}

/// Each routed link's place (from 0) among the links between the same two parties, in either
/// direction, counted in graph order as [`each_route`] routes them: what [`Router::control`]
/// fans it out by.
///
/// Worked out for every link at once, by sorting the links by their two parties' ranks: each
/// then follows the earlier links between the same two parties. A count per pair looked up as
/// each link was routed (a hash map of every pair) missed the cache on every link of a large
/// channel: at 100,000 parties it was most of routing's own time and grew ×25 from 10,000.
pub struct Parallels {
    /// Per link, by graph index: its place (0 for a link not routed).
    places: Vec<u32>,
}

impl Parallels {
    /// The places of the links `router` routes (those with both ends drawn).
    pub fn of(router: &Router) -> Self {
        let g = router.scenario.graph();
        // (Ranks count parties and indexes links: four billion would take far more memory than
        // any machine has.)
        let mut by_pair: Vec<(u64, u32)> = Vec::with_capacity(g.edge_count());
        for e in g.edge_indices() {
            if let Some((a, b)) = router.ends(e) {
                let (from, to) = (a.rank as u64, b.rank as u64);
                let pair = if from <= to {
                    (from << 32) | to
                } else {
                    (to << 32) | from
                };
                by_pair.push((pair, e.index() as u32));
            }
        }
        // By pair, then in graph order within it.
        by_pair.sort_unstable();
        let mut places = vec![0u32; g.edge_bound()];
        let mut place = 0;
        for (i, &(pair, e)) in by_pair.iter().enumerate() {
            place = if i > 0 && by_pair[i - 1].0 == pair {
                place + 1
            } else {
                0
            };
            places[e as usize] = place;
        }
        Parallels { places }
    }

    /// The link's place among its parallels (0 for a link not routed).
    pub fn place(&self, e: EdgeIndex) -> usize {
        self.places.get(e.index()).map_or(0, |p| *p as usize)
    }
}

/// A drawn end of a link: the party's centre and its rank, its place in id order (ties between
/// parties in the way go to the first id, as a scan in that order would pick).
#[derive(Clone, Copy, Debug)]
pub struct End {
    /// The party's graph index.
    pub node: NodeIndex,
    /// Its centre.
    pub at: Position,
    /// Its place in id order.
    pub rank: usize,
}

/// What routing reads of a channel: each drawn party's centre and rank by graph index, and the grid
/// of centres that finds the party in a link's way. [`each_route`] routes every link with it; a
/// caller that needs only some links' routes (a PNG refused from the extent of the few curves that
/// can reach beyond its parties) routes those alone, with the same arithmetic.
pub struct Router<'a> {
    scenario: &'a Scenario,
    drawn: Vec<Option<(Position, usize)>>,
    grid: PointGrid,
    within: f32,
    radius: f32,
}

impl<'a> Router<'a> {
    /// The router of the parties at `positions` (only those are drawn), drawn with `radius`.
    pub fn new(
        scenario: &'a Scenario,
        positions: &BTreeMap<PartyId, Position>,
        radius: f32,
    ) -> Self {
        let g = scenario.graph();
        let mut drawn: Vec<Option<(Position, usize)>> = vec![None; g.node_bound()];
        let mut centres = Vec::with_capacity(positions.len());
        for (rank, (id, &p)) in positions.iter().enumerate() {
            centres.push(p);
            if let Some(n) = scenario.party_index(id.as_str()) {
                drawn[n.index()] = Some((p, rank));
            }
        }
        let within = radius * 1.6;
        Router {
            scenario,
            drawn,
            grid: PointGrid::new(&centres, 2.0 * within),
            within,
            radius,
        }
    }

    /// A drawn party's centre and rank.
    pub fn drawn(&self, n: NodeIndex) -> Option<End> {
        let (at, rank) = (*self.drawn.get(n.index())?)?;
        Some(End { node: n, at, rank })
    }

    /// The link's two ends, from its supplier to its buyer, when both are drawn.
    pub fn ends(&self, e: EdgeIndex) -> Option<(End, End)> {
        let (from, to) = self.scenario.graph().edge_endpoints(e)?;
        Some((self.drawn(from)?, self.drawn(to)?))
    }

    /// The unit normal of the link `a`–`b` (its left in id order, so parallel links in either
    /// direction fan out on the same sides) and its length.
    fn normal(a: End, b: End) -> ((f32, f32), f32) {
        let (dx, dy) = (b.at.x - a.at.x, b.at.y - a.at.y);
        let length = (dx * dx + dy * dy).sqrt().max(1e-3);
        // Ranks follow the ids: `from <= to` is the order of the two ids.
        let sign = if a.rank <= b.rank { 1.0 } else { -1.0 };
        ((-dy / length * sign, dx / length * sign), length)
    }

    /// How far a link fanned out as the `index`-th of its parallels stands off the straight line.
    fn fanned(index: usize) -> f32 {
        let step = index.div_ceil(2) as f32 * 33.0;
        if index % 2 == 1 { step } else { -step }
    }

    /// How far a link bent around a party in its way stands off the straight line.
    fn bent(&self, length: f32) -> f32 {
        (length * 0.3).max(self.radius * 3.0)
    }

    /// The Bézier control point of the link from `a` to `b`, the `index`-th (from 0) of the links
    /// between these two parties: fanned out beside its parallels, and bent away from the party in
    /// the way that stands nearest to one of its ends (its own ends aside).
    pub fn control(&self, a: End, b: End, index: usize) -> Position {
        let (normal, length) = Self::normal(a, b);
        let (from, to) = (a.rank, b.rank);
        let offset = Self::fanned(index);
        let blocker = self
            .grid
            .in_the_way(a.at, b.at, self.within, |r| r != from && r != to);
        let bend = blocker.map_or(0.0, |w| {
            let c = w.at;
            let side = (c.x - a.at.x) * normal.0 + (c.y - a.at.y) * normal.1;
            let away = if side > 0.0 { -1.0 } else { 1.0 };
            away * self.bent(length)
        });
        let shift = offset + bend;
        Position {
            x: (a.at.x + b.at.x) / 2.0 + normal.0 * shift,
            y: (a.at.y + b.at.y) / 2.0 + normal.1 * shift,
        }
    }

    /// Where the control point of a link from `a` to `b` can be when it is one of at most
    /// `parallels` links between these two parties, bent or not: a box around its middle, found
    /// without asking what stands in its way. It holds what [`Router::control`] answers (the same
    /// arithmetic, each term at its largest).
    pub fn control_bound(&self, a: End, b: End, parallels: usize) -> (Position, Position) {
        let (normal, length) = Self::normal(a, b);
        let most = Self::fanned(parallels.saturating_sub(1)).abs() + self.bent(length);
        let (mx, my) = ((a.at.x + b.at.x) / 2.0, (a.at.y + b.at.y) / 2.0);
        let (ox, oy) = (normal.0.abs() * most, normal.1.abs() * most);
        (
            Position {
                x: mx - ox,
                y: my - oy,
            },
            Position {
                x: mx + ox,
                y: my + oy,
            },
        )
    }
}

#[cfg(test)]
mod route_tests {
    use super::*;
    use crate::layout::effective_positions;
    use crate::model::{Link, LinkKind, Party, PartyKind};

    #[test]
    fn a_link_through_another_party_bends_and_parallel_links_fan_out() {
        let mut s = Scenario::new("t");
        for (id, x) in [("a", 0.0), ("b", 100.0), ("c", 200.0)] {
            s.add_party(Party::new(id, PartyKind::Customer).at(x, 0.0))
                .unwrap();
        }
        let d: crate::model::Date = "2021-01-01".parse().unwrap();
        s.add_link(Link::new("ac", LinkKind::Admin, "a", "c", d))
            .unwrap();
        s.add_link(Link::new("ab1", LinkKind::Admin, "a", "b", d))
            .unwrap();
        s.add_link(Link::new("ab2", LinkKind::Admin, "a", "b", d))
            .unwrap();
        let positions = effective_positions(&s);
        let routes = routes(&s, &positions, 30.0);
        let by_id = |id: &str| {
            routes
                .iter()
                .find(|r| r.link.as_str() == id)
                .unwrap()
                .clone()
        };
        assert!(by_id("ac").control.y.abs() > 40.0, "bends around b");
        assert_eq!(
            by_id("ab1").control.y,
            0.0,
            "the first of a pair runs straight"
        );
        assert!(by_id("ab2").control.y.abs() > 10.0, "the second fans out");
        assert_eq!(by_id("ac").at(0.0), Position { x: 0.0, y: 0.0 });

        // A router asked about one link answers what routing them all does, within its bound,
        // both for every link between its parties and for its own place among them.
        s.add_link(Link::new("ba", LinkKind::Admin, "b", "a", d))
            .unwrap();
        let router = Router::new(&s, &positions, 30.0);
        let g = s.graph();
        let mut checked = 0;
        each_route(&s, &positions, 30.0, |e, _, control, _| {
            let (a, b) = router.ends(e).unwrap();
            // Its place: the earlier links between the same two parties, either way.
            let index = g
                .edge_indices()
                .filter(|f| *f < e)
                .filter(|f| {
                    let ends = g.edge_endpoints(*f).unwrap();
                    ends == (a.node, b.node) || ends == (b.node, a.node)
                })
                .count();
            assert_eq!(router.control(a, b, index), control, "{}", g[e].id);
            let parallels = g.edges_connecting(a.node, b.node).count()
                + g.edges_connecting(b.node, a.node).count();
            let (lo, hi) = router.control_bound(a, b, parallels);
            assert!(
                lo.x <= control.x && control.x <= hi.x && lo.y <= control.y && control.y <= hi.y,
                "{}: {control:?} beyond {lo:?}–{hi:?}",
                g[e].id
            );
            let (lo, hi) = router.control_bound(a, b, index + 1);
            assert!(
                lo.x <= control.x && control.x <= hi.x && lo.y <= control.y && control.y <= hi.y,
                "{}: {control:?} beyond {lo:?}–{hi:?}",
                g[e].id
            );
            checked += 1;
        });
        assert_eq!(checked, 4);
    }
}
