//! Owns how a link is drawn between its parties (a quadratic Bézier: straight, fanned out beside a
//! parallel link, or bent around a party in its way); must not know findings or any output format.
//!
//! The canvas and every diagram export share these routes. Routing costs about one walk of a few
//! grid columns per link ([`PointGrid::in_the_way`]), so a channel of a million links is routed in
//! about a second, not in the minutes a search of each whole line took.

use super::spatial::PointGrid;
use crate::model::{PartyId, Position, Scenario};
use petgraph::stable_graph::EdgeIndex;
use petgraph::visit::NodeIndexable;
use std::collections::{BTreeMap, HashMap};

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
                link: g[e].id.clone(),
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
    let g = scenario.graph();
    // Each drawn party's centre and rank by graph index: its rank is its place in id order (ties
    // between parties in the way go to the first id, as a scan in that order would pick).
    let mut drawn: Vec<Option<(Position, usize)>> = vec![None; g.node_bound()];
    let mut centres = Vec::with_capacity(positions.len());
    for (rank, (id, &p)) in positions.iter().enumerate() {
        centres.push(p);
        if let Some(n) = scenario.party_index(id.as_str()) {
            drawn[n.index()] = Some((p, rank));
        }
    }
    let within = radius * 1.6;
    let grid = PointGrid::new(&centres, 2.0 * within);
    // How many links were already routed between each two parties (fanned out side by side).
    let mut seen: HashMap<(usize, usize), usize, foldhash::fast::RandomState> = HashMap::default();
    for e in g.edge_indices() {
        let Some((from_node, to_node)) = g.edge_endpoints(e) else {
            continue;
        };
        let (Some((a, from)), Some((b, to))) = (drawn[from_node.index()], drawn[to_node.index()])
        else {
            continue;
        };
        // Ranks follow the ids: `from <= to` is the order of the two ids.
        let forward = from <= to;
        let n = seen
            .entry(if forward { (from, to) } else { (to, from) })
            .or_insert(0);
        let index = *n;
        *n += 1;
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let length = (dx * dx + dy * dy).sqrt().max(1e-3);
        let sign = if forward { 1.0 } else { -1.0 };
        let normal = (-dy / length * sign, dx / length * sign);
        let step = index.div_ceil(2) as f32 * 33.0;
        let offset = if index % 2 == 1 { step } else { -step };
        // Bend away from the party in the way that stands nearest to one of the link's ends (its
        // own ends aside).
        let blocker = grid.in_the_way(a, b, within, |r| r != from && r != to);
        let bend = blocker.map_or(0.0, |w| {
            let c = w.at;
            let side = (c.x - a.x) * normal.0 + (c.y - a.y) * normal.1;
            let away = if side > 0.0 { -1.0 } else { 1.0 };
            away * (length * 0.3).max(radius * 3.0)
        });
        let shift = offset + bend;
        let control = Position {
            x: (a.x + b.x) / 2.0 + normal.0 * shift,
            y: (a.y + b.y) / 2.0 + normal.1 * shift,
        };
        f(e, a, control, b);
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
    }
}
