//! Hit-testing: which party or link is under a screen point, and where links run on screen.

use super::PARTY_RADIUS;
use super::view::CanvasView;
use crate::model::{Link, PartyId, Position};
use crate::ui::document::Document;
use egui::Pos2;

pub(super) fn party_at(doc: &Document, view: &CanvasView, pointer: Pos2) -> Option<PartyId> {
    let r = PARTY_RADIUS * view.zoom;
    doc.positions()
        .iter()
        .filter(|(_, p)| view.to_screen(**p).distance(pointer) <= r)
        .min_by(|a, b| {
            let da = view.to_screen(*a.1).distance(pointer);
            let db = view.to_screen(*b.1).distance(pointer);
            da.total_cmp(&db)
        })
        .map(|(id, _)| id.clone())
}

/// The screen path of every link as a polyline, clipped to the parties' outlines (routes from
/// [`crate::layout::routes`], shared with the exports).
/// Where a link's marker sits on screen (the middle of its drawn path): what a click selects.
pub fn link_screen_pos(doc: &Document, view: &CanvasView, id: &str) -> Option<Pos2> {
    link_paths(doc, view, None)
        .into_iter()
        .find(|(l, _)| l.id.as_str() == id)
        .map(|(_, points)| points[points.len() / 2])
}

pub(super) fn link_paths<'a>(
    doc: &'a Document,
    view: &CanvasView,
    preview: Option<&(PartyId, Position)>,
) -> Vec<(&'a Link, Vec<Pos2>)> {
    let moved;
    let positions = match preview {
        Some((id, at)) => {
            let mut p = doc.positions().clone();
            p.insert(id.clone(), *at);
            moved = p;
            &moved
        }
        None => doc.positions(),
    };
    let s = doc.scenario();
    let r = PARTY_RADIUS * view.zoom;
    crate::layout::routes(s, positions, PARTY_RADIUS)
        .into_iter()
        .filter_map(|route| {
            let link = s.link(route.link.as_str())?;
            let (a, b) = (view.to_screen(route.from), view.to_screen(route.to));
            let points: Vec<Pos2> = (0..=24)
                .map(|i| view.to_screen(route.at(i as f32 / 24.0)))
                .filter(|p| p.distance(a) > r && p.distance(b) > r + 2.0)
                .collect();
            (points.len() >= 2).then_some((link, points))
        })
        .collect()
}

pub(super) fn distance_to_polyline(p: Pos2, points: &[Pos2]) -> f32 {
    points
        .windows(2)
        .map(|w| distance_to_segment(p, w[0], w[1]))
        .fold(f32::MAX, f32::min)
}

fn distance_to_segment(p: Pos2, a: Pos2, b: Pos2) -> f32 {
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
    fn the_party_under_the_pointer_is_the_nearest_one_within_its_radius() {
        let doc = Document::new(crate::scenarios::synthetic(40));
        let view = CanvasView::default();
        let (id, at) = doc.positions().iter().next().expect("a party");
        let screen = view.to_screen(*at);
        assert_eq!(party_at(&doc, &view, screen).as_ref(), Some(id));
        let far = screen + egui::vec2(PARTY_RADIUS * 40.0, PARTY_RADIUS * 40.0);
        let nearest = party_at(&doc, &view, far);
        assert!(nearest.is_none_or(|p| &p != id));
    }
}
