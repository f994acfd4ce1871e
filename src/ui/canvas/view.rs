//! The view transform: zoom and pan between canvas units and screen pixels, and fit-to-all.
//! Pure geometry, testable without a window.

use super::PARTY_RADIUS;
use super::gestures::Drag;
use crate::model::Position;
use crate::ui::document::Document;
use egui::{Pos2, Rect, Vec2, pos2, vec2};

/// Zoom, pan and the gesture in progress: view state that is never saved in the scenario.
#[derive(Clone, Debug)]
pub struct CanvasView {
    /// Screen pixels per canvas unit.
    pub zoom: f32,
    /// Offset of the canvas origin from the centre of the view, in screen pixels.
    pub pan: Vec2,
    /// Fit everything into view on the next frame.
    pub fit_requested: bool,
    /// Where the canvas was drawn last frame (tests use it to aim gestures).
    pub rect: Rect,
    pub(super) drag: Option<Drag>,
}

impl Default for CanvasView {
    fn default() -> Self {
        CanvasView {
            zoom: 1.0,
            pan: Vec2::ZERO,
            fit_requested: true,
            rect: Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0)),
            drag: None,
        }
    }
}

impl CanvasView {
    /// Canvas coordinates to screen pixels.
    pub fn to_screen(&self, p: Position) -> Pos2 {
        self.rect.center() + self.pan + vec2(p.x, p.y) * self.zoom
    }

    /// Screen pixels to canvas coordinates.
    pub fn to_canvas(&self, p: Pos2) -> Position {
        let v = (p - self.rect.center() - self.pan) / self.zoom;
        Position { x: v.x, y: v.y }
    }

    pub(super) fn fit(&mut self, doc: &Document) {
        let positions: Vec<Position> = doc.positions().values().copied().collect();
        if positions.is_empty() {
            self.zoom = 1.0;
            self.pan = Vec2::ZERO;
            return;
        }
        let (mut min, mut max) = (pos2(f32::MAX, f32::MAX), pos2(f32::MIN, f32::MIN));
        for p in positions {
            min = min.min(pos2(p.x, p.y));
            max = max.max(pos2(p.x, p.y));
        }
        let margin = PARTY_RADIUS * 3.0;
        let size = (max - min) + Vec2::splat(margin * 2.0);
        self.zoom = (self.rect.width() / size.x)
            .min(self.rect.height() / size.y)
            .clamp(0.25, 1.6);
        let centre = min + (max - min) / 2.0;
        self.pan = -centre.to_vec2() * self.zoom;
    }

    /// Pans, keeping the zoom, so that these canvas points are in view when one of them is not (a
    /// finding clicked in the list: its parties come to the middle of the canvas).
    pub fn bring_into_view(&mut self, points: &[Position]) {
        let Some(first) = points.first() else { return };
        let inner = self.rect.shrink(PARTY_RADIUS * self.zoom);
        if points.iter().all(|p| inner.contains(self.to_screen(*p))) {
            return;
        }
        let (mut min, mut max) = (pos2(first.x, first.y), pos2(first.x, first.y));
        for p in points {
            min = min.min(pos2(p.x, p.y));
            max = max.max(pos2(p.x, p.y));
        }
        let centre = min + (max - min) / 2.0;
        self.pan = -centre.to_vec2() * self.zoom;
    }

    /// Zooms by `factor` keeping the canvas point under `anchor` in place.
    pub fn zoom_at(&mut self, anchor: Pos2, factor: f32) {
        let before = self.to_canvas(anchor);
        self.zoom = (self.zoom * factor).clamp(0.15, 4.0);
        let after = self.to_screen(before);
        self.pan += anchor - after;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bring_into_view_pans_only_when_something_is_out_of_view() {
        let mut view = CanvasView {
            rect: Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0)),
            ..CanvasView::default()
        };
        let near = Position { x: 10.0, y: 10.0 };
        view.bring_into_view(&[near]);
        assert_eq!(view.pan, Vec2::ZERO, "already in view: no jump");
        let far = Position {
            x: 5000.0,
            y: -3000.0,
        };
        view.bring_into_view(&[
            far,
            Position {
                x: 5100.0,
                y: -3000.0,
            },
        ]);
        let centre = view.to_screen(Position {
            x: 5050.0,
            y: -3000.0,
        });
        assert!((centre - view.rect.center()).length() < 0.01);
    }

    #[test]
    fn screen_and_canvas_round_trip() {
        let mut view = CanvasView {
            zoom: 2.5,
            pan: vec2(40.0, -12.0),
            ..CanvasView::default()
        };
        view.rect = Rect::from_min_size(pos2(10.0, 20.0), vec2(300.0, 200.0));
        let p = Position { x: 17.0, y: -3.5 };
        let back = view.to_canvas(view.to_screen(p));
        assert!((back.x - p.x).abs() < 1e-4 && (back.y - p.y).abs() < 1e-4);
    }

    #[test]
    fn zoom_keeps_the_point_under_the_anchor() {
        let mut view = CanvasView::default();
        let anchor = pos2(123.0, 456.0);
        let before = view.to_canvas(anchor);
        view.zoom_at(anchor, 1.7);
        let after = view.to_canvas(anchor);
        assert!((before.x - after.x).abs() < 1e-3 && (before.y - after.y).abs() < 1e-3);
        assert!((view.zoom - 1.7).abs() < 1e-6);
    }
}
