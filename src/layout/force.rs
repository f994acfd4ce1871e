//! Owns the force-directed layout on demand (egui_graphs' physics, run headless); must not touch
//! the scenario (it returns positions; the caller turns them into edits).
//!
//! A force-directed layout on demand (View → Force layout), computed by egui_graphs'
//! Fruchterman–Reingold algorithm on a copy of the channel's graph.
//!
//! The canvas paints the scenario itself (see `ui::canvas`), but the physics is egui_graphs': its
//! `ForceAlgorithm::step` needs only the graph and a viewport, so it runs here, headless and
//! deterministic, starting from where the parties are drawn now. The result becomes ordinary
//! `MoveParty` edits, so a force layout is one undo step and is saved like any drag.

use super::COLUMN_GAP;
use crate::model::{PartyId, Position, Scenario};
use egui_graphs::{DefaultEdgeShape, DefaultNodeShape, ForceAlgorithm, FruchtermanReingold};
use petgraph::Directed;
use petgraph::stable_graph::{DefaultIx, StableGraph};
use std::collections::{BTreeMap, HashMap};

type LayoutGraph =
    egui_graphs::Graph<PartyId, (), Directed, DefaultIx, DefaultNodeShape, DefaultEdgeShape>;

/// How many simulation steps to run: enough to settle a training-sized channel, bounded so that a
/// large one (the algorithm is quadratic per step) still answers within about a second.
fn steps_for(parties: usize) -> usize {
    let n = parties.max(1) as f64;
    ((40_000_000.0 / (n * n)) as usize).clamp(15, 500)
}

/// Positions from a force-directed layout, starting from `start` (every party should have one).
pub fn force_positions(
    scenario: &Scenario,
    start: &BTreeMap<PartyId, Position>,
) -> BTreeMap<PartyId, Position> {
    let mut graph: StableGraph<PartyId, (), Directed> = StableGraph::default();
    let mut index = HashMap::new();
    for party in scenario.parties() {
        index.insert(party.id, graph.add_node(party.id));
    }
    for link in scenario.links() {
        if let (Some(a), Some(b)) = (index.get(&link.from), index.get(&link.to))
            && a != b
        {
            graph.add_edge(*a, *b, ());
        }
    }
    let mut g: LayoutGraph = egui_graphs::to_graph(&graph);
    let ids: Vec<_> = g.g().node_indices().collect();
    for (i, node) in ids.iter().enumerate() {
        let Some(n) = g.node_mut(*node) else { continue };
        // Two parties on the same spot would have no direction to repel each other in.
        let p = start.get(n.payload()).copied().unwrap_or(Position {
            x: i as f32 * COLUMN_GAP,
            y: 0.0,
        });
        n.set_location(egui::pos2(p.x + i as f32 * 0.01, p.y));
    }
    // The viewport sets the ideal link length: sqrt(area / parties) = one column gap.
    let n = ids.len().max(1) as f32;
    let side = COLUMN_GAP * n.sqrt();
    let view = egui::Rect::from_center_size(egui::Pos2::ZERO, egui::vec2(side, side));
    let mut algorithm = FruchtermanReingold::from_state(egui_graphs::FruchtermanReingoldState {
        dt: 0.2,
        max_step: 25.0,
        ..Default::default()
    });
    for _ in 0..steps_for(ids.len()) {
        algorithm.step(&mut g, view);
    }
    g.nodes_iter()
        .map(|(_, node)| {
            let p = node.location();
            (*node.payload(), Position { x: p.x, y: p.y })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::effective_positions;

    #[test]
    fn the_force_layout_moves_parties_apart_and_is_deterministic() {
        let s = crate::scenarios::builtin("sample-6-forbidden")
            .unwrap()
            .load()
            .unwrap();
        let start = effective_positions(&s);
        let a = force_positions(&s, &start);
        let b = force_positions(&s, &start);
        assert_eq!(a, b, "the same start gives the same layout");
        assert_eq!(a.len(), s.party_count());
        assert_ne!(a, start);
        let points: Vec<Position> = a.values().copied().collect();
        for (i, p) in points.iter().enumerate() {
            assert!(p.x.is_finite() && p.y.is_finite());
            for q in &points[i + 1..] {
                let d = ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt();
                assert!(d > 40.0, "two parties overlap: {p:?} {q:?}");
            }
        }
    }

    #[test]
    fn an_empty_or_single_party_channel_is_fine() {
        let s = Scenario::new("empty");
        assert!(force_positions(&s, &BTreeMap::new()).is_empty());
        let mut one = Scenario::new("one");
        one.add_party(crate::model::Party::new(
            "ms",
            crate::model::PartyKind::Microsoft,
        ))
        .unwrap();
        let p = force_positions(&one, &BTreeMap::new());
        assert!(p["ms"].x.is_finite());
    }
}
