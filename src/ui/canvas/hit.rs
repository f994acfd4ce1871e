//! Hit-testing: which party or link is under a screen point, and where links run on screen. Must not
//! change the view, the scene or the document: it only answers where things are.

use super::PARTY_RADIUS;
use super::lod;
use super::scene::Scene;
use super::view::CanvasView;
use crate::model::{LinkId, PartyId, Position};
use crate::ui::document::Document;
use egui::Pos2;
use petgraph::stable_graph::EdgeIndex;

/// The scene of `doc`: the document keeps it, updated edit by edit.
pub(super) fn scene_of<'a>(doc: &'a Document, _view: &CanvasView) -> &'a Scene {
    doc.scene()
}

/// The party drawn under `pointer`: the nearest within its radius (customers collapsed into a
/// badge are not drawn, so not hit).
pub(super) fn party_at(doc: &Document, view: &CanvasView, pointer: Pos2) -> Option<PartyId> {
    let scene = scene_of(doc, view);
    let p = view.to_canvas(pointer);
    let collapsed = lod::collapsed(view.zoom) && scene.has_groups();
    scene
        .party_near(egui::pos2(p.x, p.y), collapsed)
        .map(|n| doc.scenario().graph()[n].id)
}

/// How near a marker's centre a click or the pointer must be to mean its link, in pixels: the
/// marker's radius, and a little.
const MARKER_HIT: f32 = 11.0;

/// The link whose marker (its ✖ or ⚠, as drawn last frame) is under `pointer`. A marker is drawn
/// over every link and names its own: where it moved along its link to a free place, another link
/// can run nearer to it (lesson 10's purchase ✖ beside the reseller relationship), and a click on
/// the nearest line selected that one.
pub(super) fn marker_at(view: &CanvasView, pointer: Pos2) -> Option<LinkId> {
    view.markers
        .iter()
        .map(|(id, at)| (id, view.to_screen(*at).distance(pointer)))
        .filter(|(_, d)| *d <= MARKER_HIT)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(id, _)| *id)
}

/// Where a click selects a link on screen: its marker where one was drawn last frame, else the
/// middle of its drawn path.
pub fn link_screen_pos(doc: &Document, view: &CanvasView, id: &str) -> Option<Pos2> {
    if let Some((_, at)) = view.markers.iter().find(|(m, _)| m.as_str() == id) {
        return Some(view.to_screen(*at));
    }
    let e = doc.scenario().link_index(id)?;
    let scene = scene_of(doc, view);
    let points = link_path(doc, view, scene, e, None)?;
    Some(points[points.len() / 2])
}

/// The screen path of a link as a polyline, clipped to the parties' outlines. Its route is the
/// one shared with the exports ([`crate::layout::routes`]) for a channel small enough to route
/// whole; a link whose party is being dragged runs straight to where the party is previewed.
pub(super) fn link_path(
    doc: &Document,
    view: &CanvasView,
    scene: &Scene,
    e: EdgeIndex,
    preview: Option<&(PartyId, Position)>,
) -> Option<Vec<Pos2>> {
    let g = doc.scenario().graph();
    let (mut from, mut control, mut to) = scene.route_points(g, e)?;
    if let Some((moving, at)) = preview {
        let link = g.edge_weight(e)?;
        if link.from == *moving || link.to == *moving {
            if link.from == *moving {
                from = egui::pos2(at.x, at.y);
            }
            if link.to == *moving {
                to = egui::pos2(at.x, at.y);
            }
            control = from + (to - from) / 2.0;
        }
    }
    Some(screen_points(view, from, control, to)).filter(|points| points.len() >= 2)
}

fn screen_points(view: &CanvasView, from: Pos2, control: Pos2, to: Pos2) -> Vec<Pos2> {
    let r = PARTY_RADIUS * view.zoom;
    let screen = |p: Pos2| view.to_screen(Position { x: p.x, y: p.y });
    let (a, b) = (screen(from), screen(to));
    let mid = from + (to - from) / 2.0;
    let straight = (control.x - mid.x).abs() + (control.y - mid.y).abs() < 0.01;
    // A curve gets a point every 20 pixels or so (at most 24 segments); a straight link, 8.
    let steps = if straight {
        8
    } else {
        ((a.distance(b) / 20.0) as usize).clamp(4, 24)
    };
    let at = |t: f32| {
        let u = 1.0 - t;
        egui::pos2(
            u * u * from.x + 2.0 * u * t * control.x + t * t * to.x,
            u * u * from.y + 2.0 * u * t * control.y + t * t * to.y,
        )
    };
    let samples: Vec<Pos2> = (0..=steps)
        .map(|i| screen(at(i as f32 / steps as f32)))
        .collect();
    let outside = |p: &Pos2| p.distance(a) > r && p.distance(b) > r + 2.0;
    let (Some(first), Some(last)) = (
        samples.iter().position(outside),
        samples.iter().rposition(outside),
    ) else {
        return Vec::new();
    };
    // The path starts and ends on the parties' outlines, not at the first sample past them (a
    // long straight link has a sample only every eighth of its length).
    let mut points = Vec::with_capacity(last - first + 3);
    if first > 0 {
        points.push(towards(samples[first], samples[first - 1], a, r));
    }
    points.extend_from_slice(&samples[first..=last]);
    if last + 1 < samples.len() {
        points.push(towards(samples[last], samples[last + 1], b, r + 2.0));
    }
    points
}

/// The point on the chord from `outside` to `inside` (a point within `r` of `centre`) at distance
/// `r` from `centre`.
fn towards(outside: Pos2, inside: Pos2, centre: Pos2, r: f32) -> Pos2 {
    let (mut lo, mut hi) = (0.0f32, 1.0f32);
    for _ in 0..20 {
        let mid = (lo + hi) / 2.0;
        if outside.lerp(inside, mid).distance(centre) > r {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    outside.lerp(inside, lo)
}

pub(super) fn distance_to_polyline(p: Pos2, points: &[Pos2]) -> f32 {
    points
        .windows(2)
        .map(|w| distance_to_segment(p, w[0], w[1]))
        .fold(f32::MAX, f32::min)
}

pub(super) fn distance_to_segment(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    let ab = b - a;
    let t = ((p - a).dot(ab) / ab.length_sq().max(1e-6)).clamp(0.0, 1.0);
    p.distance(a + ab * t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::pos2;

    #[test]
    fn distance_to_a_polyline_is_to_its_nearest_segment() {
        let path = [pos2(0.0, 0.0), pos2(10.0, 0.0), pos2(10.0, 10.0)];
        assert!((distance_to_polyline(pos2(5.0, 3.0), &path) - 3.0).abs() < 1e-5);
        assert!((distance_to_polyline(pos2(14.0, 5.0), &path) - 4.0).abs() < 1e-5);
        // Past the end the distance is to the end point.
        assert!((distance_to_polyline(pos2(10.0, 13.0), &path) - 3.0).abs() < 1e-5);
    }

    #[test]
    fn a_long_straight_link_runs_from_outline_to_outline() {
        let view = CanvasView::default();
        let r = PARTY_RADIUS * view.zoom;
        let (from, to) = (egui::pos2(0.0, 0.0), egui::pos2(4_000.0, 0.0));
        let points = screen_points(&view, from, from + (to - from) / 2.0, to);
        let (a, b) = (
            view.to_screen(Position { x: 0.0, y: 0.0 }),
            view.to_screen(Position { x: 4_000.0, y: 0.0 }),
        );
        assert!((points[0].distance(a) - r).abs() < 0.01, "{:?}", points[0]);
        let end = points[points.len() - 1];
        assert!((end.distance(b) - r - 2.0).abs() < 0.01, "{end:?}");
        // A link shorter than its parties draws nothing.
        assert!(screen_points(&view, from, from, egui::pos2(10.0, 0.0)).is_empty());
    }

    #[test]
    fn the_party_under_the_pointer_is_the_nearest_one_within_its_radius() {
        let doc = Document::new(crate::scenarios::synthetic(40));
        let view = CanvasView::default();
        let (id, at) = doc.positions().iter().next().expect("a party");
        let screen = view.to_screen(*at);
        assert_eq!(party_at(&doc, &view, screen).as_ref(), Some(id));
        let far = screen + egui::vec2(PARTY_RADIUS * 40.0, PARTY_RADIUS * 40.0);
        let nearest = party_at(&doc, &view, far);
        assert!(nearest.is_none_or(|p| &p != id));
        // Whatever the index finds is what a scan of every party finds.
        for (other, p) in doc.positions() {
            let probe = view.to_screen(*p) + egui::vec2(PARTY_RADIUS * 0.5, 0.0);
            let scan = doc
                .positions()
                .iter()
                .map(|(i, q)| (i, view.to_screen(*q).distance(probe)))
                .filter(|(_, d)| *d <= PARTY_RADIUS)
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(i, _)| *i);
            assert_eq!(party_at(&doc, &view, probe), scan, "near {other}");
        }
    }
}
