//! The canvas's view: zoom and pan between canvas units and screen pixels, fit-to-all, flights, the
//! gesture in progress and the connect verdict asked for. Must not paint or change the document.

use super::PARTY_RADIUS;
use super::paint::Corner;
use super::verdict::{Verdict, best_verdict_in_place};
use crate::model::{LinkId, PartyId, Position};
use crate::ui::document::Document;
use egui::{Pos2, Rect, Vec2, pos2, vec2};

/// The drag in progress, kept in [`CanvasView`] between frames (see `gestures.rs`).
#[derive(Clone, Debug)]
pub(super) enum Drag {
    Move {
        party: PartyId,
        grab: Vec2,
    },
    Connect {
        from: PartyId,
    },
    Pan,
    /// A lasso being drawn (Ctrl+drag): its outline so far, in canvas coordinates.
    Lasso {
        outline: Vec<Position>,
    },
}

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
    /// How far the wheel may zoom out: half the zoom that fits the whole channel (or 0.15 if that is
    /// smaller), kept current by the canvas each frame so that no channel is too big to see whole.
    pub min_zoom: f32,
    pub(super) drag: Option<Drag>,
    /// An animated pan/zoom in progress (search and findings fly the view to what they name).
    pub(super) flight: Option<Flight>,
    /// The verdict shown while connecting, for (revision, from, to): a verdict checks a copy of the
    /// scenario, which is done once per target, not once per frame.
    pub(super) verdict: Option<(u64, PartyId, PartyId, Verdict)>,
    /// The pair a connect drag hovers whose verdict is not known yet: the window works it out
    /// after the frame (see [`CanvasView::settle_verdict`]).
    pub(super) wanted_verdict: Option<(PartyId, PartyId)>,
    /// The legend is open; folded, it is a small button (View → Legend, or the button itself).
    /// The window keeps it in the preferences.
    pub legend_open: bool,
    /// The room the legend keeps free in its corner this frame (none when the canvas is too
    /// narrow to show it): fitting and flying frame the drawing beside it.
    pub(super) legend_room: Option<Vec2>,
    /// Where the legend was drawn last frame, on screen (tests check that it hides no party).
    pub legend: Option<Rect>,
    /// The corner it is in: it stays there while it covers nothing.
    pub(super) legend_corner: Corner,
    /// The zoom and pan the last fit left: while the view is still there (the user has not
    /// panned, zoomed or flown since), a canvas that changes size is fitted again.
    pub(super) fitted: Option<(f32, Vec2)>,
    /// Where each broken link's marker (its ✖ or ⚠) was drawn last frame, in canvas units: a
    /// click on a marker selects the link it belongs to, whatever runs beside it. A marker moves
    /// along its link where the middle is taken, and can end up nearer another link (lesson 10's
    /// purchase ✖ beside the reseller relationship): the nearest line there is the wrong one.
    pub(super) markers: Vec<(LinkId, Position)>,
    /// Zoomed out to the far view, a frame reuses the picture an earlier one drew while nothing
    /// it shows changed (see `picture.rs`). Off, every frame draws it anew: tests read the shapes
    /// it is made of, and compare the two.
    pub keep_picture: bool,
}

/// An animated move of the view from one centre and zoom to another.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Flight {
    from: (Pos2, f32),
    to: (Pos2, f32),
    /// Seconds since the flight started; it ends at [`FLIGHT_SECONDS`].
    elapsed: f32,
}

/// How long a flight takes.
pub(super) const FLIGHT_SECONDS: f32 = 0.45;

/// The zoom at which a party reads comfortably: what flying to one zooms in to at least.
pub const READING_ZOOM: f32 = 0.8;

/// Pixels kept free around a fitted drawing.
const FIT_SCREEN_MARGIN: f32 = 16.0;

/// The highest zoom fitting ever picks (a two-party scenario is not blown up to fill the window).
const FIT_MAX_ZOOM: f32 = 1.6;

impl Default for CanvasView {
    fn default() -> Self {
        CanvasView {
            zoom: 1.0,
            pan: Vec2::ZERO,
            fit_requested: true,
            rect: Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0)),
            min_zoom: 0.15,
            drag: None,
            flight: None,
            verdict: None,
            wanted_verdict: None,
            legend_open: true,
            legend_room: None,
            legend: None,
            legend_corner: Corner::default(),
            fitted: None,
            markers: Vec::new(),
            keep_picture: true,
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

    /// The part of the canvas (in canvas units) that is on screen.
    pub fn visible_canvas(&self) -> Rect {
        let a = self.to_canvas(self.rect.min);
        let b = self.to_canvas(self.rect.max);
        Rect::from_two_pos(pos2(a.x, a.y), pos2(b.x, b.y))
    }

    /// The canvas point at the centre of the view.
    fn centre(&self) -> Pos2 {
        pos2(-self.pan.x / self.zoom, -self.pan.y / self.zoom)
    }

    fn look_at(&mut self, centre: Pos2, zoom: f32) {
        self.zoom = zoom;
        self.pan = -centre.to_vec2() * zoom;
    }

    /// The zoom that shows the canvas box `min..max` (plus a party's margin) whole in this view:
    /// no lower limit, so a channel of any size fits.
    pub fn zoom_to_fit(&self, min: Position, max: Position) -> f32 {
        Self::zoom_in(self.rect, min, max)
    }

    /// [`CanvasView::zoom_to_fit`] in the screen rectangle `area`.
    fn zoom_in(area: Rect, min: Position, max: Position) -> f32 {
        let margin = PARTY_RADIUS * 3.0;
        let size = vec2(max.x - min.x, max.y - min.y) + Vec2::splat(margin * 2.0);
        // A margin on screen too: zoomed far out, the canvas margin is under a pixel, and the
        // parties at the edges are drawn a few pixels wide whatever the zoom.
        let room = (area.size() - Vec2::splat(FIT_SCREEN_MARGIN * 2.0)).max(area.size() * 0.5);
        (room.x / size.x).min(room.y / size.y).min(FIT_MAX_ZOOM)
    }

    /// Where a drawing of the canvas box `min..max` is framed: beside the legend (right of it, or
    /// above it, whichever shows the drawing larger), or the whole view when there is no legend.
    /// Before, fitting ignored the legend, and parties at the bottom left were drawn under it.
    fn frame_area(&self, min: Position, max: Position) -> Rect {
        let Some(room) = self.legend_room else {
            return self.rect;
        };
        let r = self.rect;
        let right_of = Rect::from_min_max(pos2((r.min.x + room.x).min(r.max.x), r.min.y), r.max);
        let above = Rect::from_min_max(r.min, pos2(r.max.x, (r.max.y - room.y).max(r.min.y)));
        if Self::zoom_in(right_of, min, max) >= Self::zoom_in(above, min, max) {
            right_of
        } else {
            above
        }
    }

    /// The canvas point to put at the view's centre so that the drawing of the canvas box
    /// `min..max` (framed in `area`, see [`CanvasView::frame_area`]) shows at `zoom` as near the
    /// middle of the view as the legend allows: in the middle when it clears the legend there,
    /// else moved right or up (the least of the two) just clear of it, else in the middle of
    /// `area`. Before, a small drawing was centred beside the legend, off the middle of a view
    /// where it had room to spare.
    fn centre_for(&self, area: Rect, min: Pos2, max: Pos2, zoom: f32) -> Pos2 {
        let centre = min + (max - min) / 2.0;
        let at = self.framed_at(area, max - min, zoom);
        centre + (self.rect.center() - at) / zoom
    }

    /// Where on screen the middle of a drawing of canvas size `size` goes (see
    /// [`CanvasView::centre_for`]).
    fn framed_at(&self, area: Rect, size: Vec2, zoom: f32) -> Pos2 {
        let r = self.rect;
        let Some(room) = self.legend_room else {
            return area.center();
        };
        // The corner fitting keeps free (the legend moves to another corner only when this one
        // covers something).
        let legend = Rect::from_min_max(
            pos2(r.min.x, r.max.y - room.y),
            pos2(r.min.x + room.x, r.max.y),
        );
        let drawn = (size + Vec2::splat(PARTY_RADIUS * 6.0)) * zoom;
        let middle = r.center();
        if !Rect::from_center_size(middle, drawn).intersects(legend) {
            return middle;
        }
        let right = pos2(legend.max.x + drawn.x / 2.0, middle.y);
        let up = pos2(middle.x, legend.min.y - drawn.y / 2.0);
        [right, up]
            .into_iter()
            .filter(|at| r.contains_rect(Rect::from_center_size(*at, drawn).shrink(0.5)))
            .min_by(|a, b| a.distance(middle).total_cmp(&b.distance(middle)))
            .unwrap_or(area.center())
    }

    /// Keeps [`CanvasView::min_zoom`] at half the zoom that fits everything (at most 0.15).
    pub(super) fn update_min_zoom(&mut self, doc: &Document) {
        self.min_zoom = match doc.bounds() {
            Some((min, max)) => (self.zoom_to_fit(min, max) * 0.5).min(0.15),
            None => 0.15,
        };
    }

    /// Fits every party into view, however many there are.
    pub(super) fn fit(&mut self, doc: &Document) {
        self.flight = None;
        let Some((min, max)) = doc.bounds() else {
            self.zoom = 1.0;
            self.pan = Vec2::ZERO;
            return;
        };
        let area = self.frame_area(min, max);
        let zoom = Self::zoom_in(area, min, max);
        let centre = self.centre_for(area, pos2(min.x, min.y), pos2(max.x, max.y), zoom);
        self.look_at(centre, zoom);
        self.fitted = Some((self.zoom, self.pan));
    }

    /// Takes the canvas's place on screen this frame. A canvas that changed size (the window
    /// resized, a side panel opened or closed) is fitted again when the view is where the last
    /// fit left it: the user had not panned or zoomed, and expects the drawing to fill the window
    /// as it did. A view the user moved stays as it is.
    pub(super) fn place(&mut self, rect: Rect) {
        let resized = (self.rect.size() - rect.size()).length() > 0.5;
        let untouched = self.fitted == Some((self.zoom, self.pan))
            && self.flight.is_none()
            && self.drag.is_none();
        if resized && untouched {
            self.fit_requested = true;
        }
        self.rect = rect;
    }

    /// Brings these canvas points into view when one of them is not, or when they are drawn too
    /// small to read: the view flies (an animated pan and zoom) to show them all, zoomed in to
    /// [`READING_ZOOM`] when they fit at that zoom. Points already in view at a readable zoom do
    /// not move the view (no jump when clicking a finding whose parties are on screen).
    pub fn bring_into_view(&mut self, points: &[Position]) {
        let Some(first) = points.first() else { return };
        let (mut min, mut max) = (pos2(first.x, first.y), pos2(first.x, first.y));
        for p in points {
            min = min.min(pos2(p.x, p.y));
            max = max.max(pos2(p.x, p.y));
        }
        let inner = self.rect.shrink(PARTY_RADIUS * self.zoom);
        // A party under the legend is not in view.
        let hidden = self.legend.map(|l| l.expand(PARTY_RADIUS * self.zoom));
        let in_view = points.iter().all(|p| {
            let at = self.to_screen(*p);
            inner.contains(at) && !hidden.is_some_and(|h| h.contains(at))
        });
        let (low, high) = (
            Position { x: min.x, y: min.y },
            Position { x: max.x, y: max.y },
        );
        let area = self.frame_area(low, high);
        let fit = Self::zoom_in(area, low, high);
        let readable = self.zoom >= READING_ZOOM.min(fit) * 0.99;
        if in_view && readable {
            return;
        }
        let zoom = if readable {
            self.zoom.min(fit)
        } else {
            READING_ZOOM.min(fit)
        };
        let centre = self.centre_for(area, min, max, zoom);
        self.fly_to(centre, zoom);
    }

    /// Flies to a party (if it is not already on screen at a readable zoom): what the search and
    /// a finding about a party use. A customer collapsed into its seller's badge comes out of it.
    pub fn bring_party_into_view(&mut self, doc: &Document, id: &str) {
        if let Some(p) = doc.position(id) {
            self.bring_into_view(&[p]);
        }
    }

    /// Flies to show a link whole, both its parties (if they are not already on screen at a
    /// readable zoom): what clicking a finding about a link uses.
    pub fn bring_link_into_view(&mut self, doc: &Document, id: &str) {
        let Some(link) = doc.scenario().link(id) else {
            return;
        };
        let points: Vec<Position> = link
            .parties()
            .filter_map(|p| doc.position(p.as_str()))
            .collect();
        self.bring_into_view(&points);
    }

    /// Starts an animated move so that the canvas point `centre` ends in the middle at `zoom`.
    pub(super) fn fly_to(&mut self, centre: Pos2, zoom: f32) {
        self.flight = Some(Flight {
            from: (self.centre(), self.zoom),
            to: (centre, zoom),
            elapsed: 0.0,
        });
    }

    /// Advances a flight by `dt` seconds; true while it is still under way (ask for a repaint).
    pub(super) fn advance_flight(&mut self, dt: f32) -> bool {
        let Some(mut flight) = self.flight else {
            return false;
        };
        flight.elapsed += dt;
        let t = (flight.elapsed / FLIGHT_SECONDS).clamp(0.0, 1.0);
        // Smoothstep, with the zoom interpolated on a log scale so that zooming feels even.
        let e = t * t * (3.0 - 2.0 * t);
        let (c0, z0) = flight.from;
        let (c1, z1) = flight.to;
        let zoom = (z0.ln() + (z1.ln() - z0.ln()) * e).exp();
        self.look_at(c0 + (c1 - c0) * e, zoom);
        self.flight = (t < 1.0).then_some(flight);
        self.flight.is_some()
    }

    /// Ends a flight at once, where it was going (a gesture takes over, or a test wants the end).
    pub fn finish_flight(&mut self) {
        if let Some(flight) = self.flight.take() {
            self.look_at(flight.to.0, flight.to.1);
        }
    }

    /// True while the view is flying somewhere.
    pub fn is_flying(&self) -> bool {
        self.flight.is_some()
    }

    /// Zooms by `factor` keeping the canvas point under `anchor` in place, down to
    /// [`CanvasView::min_zoom`] (so the whole channel can always be seen) and up to 4.
    pub fn zoom_at(&mut self, anchor: Pos2, factor: f32) {
        self.flight = None;
        let before = self.to_canvas(anchor);
        self.zoom = (self.zoom * factor).clamp(self.min_zoom, 4.0);
        let after = self.to_screen(before);
        self.pan += anchor - after;
    }
}

/// The verdict shown while connecting (see `verdict.rs`).
impl CanvasView {
    /// The verdict from `from` to `to` while connecting, once it is known: a new pair is asked of
    /// the window (see [`CanvasView::settle_verdict`]) and shown from the next frame on, so that
    /// drawing never needs the document mutably.
    pub(super) fn verdict(
        &mut self,
        doc: &Document,
        from: &PartyId,
        to: &PartyId,
    ) -> Option<Verdict> {
        match &self.verdict {
            Some((revision, f, t, v)) if *revision == doc.revision() && f == from && t == to => {
                Some(v.clone())
            }
            _ => {
                self.wanted_verdict = Some((*from, *to));
                None
            }
        }
    }

    /// Works out the verdict the last frame asked for (trying the link on the document's own
    /// scenario), so the next frame shows it. Returns true when it did (ask for a frame).
    pub fn settle_verdict(&mut self, doc: &mut Document) -> bool {
        let Some((from, to)) = self.wanted_verdict.take() else {
            return false;
        };
        let v = best_verdict_in_place(doc, &from, &to);
        self.verdict = Some((doc.revision(), from, to, v));
        true
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
        assert!(view.is_flying(), "the view flies there");
        view.advance_flight(FLIGHT_SECONDS / 2.0);
        assert!(view.is_flying(), "halfway there it is still flying");
        view.advance_flight(FLIGHT_SECONDS);
        assert!(!view.is_flying());
        let centre = view.to_screen(Position {
            x: 5050.0,
            y: -3000.0,
        });
        assert!((centre - view.rect.center()).length() < 0.01);
    }

    #[test]
    fn bring_into_view_zooms_in_to_read_what_is_drawn_too_small() {
        let mut view = CanvasView {
            zoom: 0.01,
            ..CanvasView::default()
        };
        let p = Position { x: 10.0, y: 10.0 };
        assert!(view.rect.contains(view.to_screen(p)));
        view.bring_into_view(&[p]);
        view.finish_flight();
        assert_eq!(view.zoom, READING_ZOOM);
        assert!((view.to_screen(p) - view.rect.center()).length() < 0.01);
    }

    #[test]
    fn a_channel_of_any_size_fits_and_the_wheel_can_zoom_out_to_it() {
        let wide = crate::model::Scenario::new("wide");
        let mut doc = Document::new(wide);
        let mut s = doc.scenario().clone();
        for (i, x) in [-2_000_000.0f32, 3_000_000.0].into_iter().enumerate() {
            s.add_party(
                crate::model::Party::new(format!("p{i}"), crate::model::PartyKind::Customer)
                    .at(x, 0.0),
            )
            .unwrap();
        }
        doc = Document::new(s);
        let mut view = CanvasView::default();
        view.fit(&doc);
        for id in ["p0", "p1"] {
            let at = view.to_screen(doc.position(id).unwrap());
            assert!(view.rect.contains(at), "{id} at {at:?} is off screen");
        }
        view.update_min_zoom(&doc);
        let fitted = view.zoom;
        assert!(view.min_zoom < fitted);
        for _ in 0..200 {
            view.zoom_at(view.rect.center(), 0.8);
        }
        assert!(view.zoom < fitted, "the wheel zooms out past the fit");
    }

    /// A view of 1200×800 with the legend's room (300×200) kept at its bottom left.
    fn with_legend() -> CanvasView {
        CanvasView {
            rect: Rect::from_min_size(Pos2::ZERO, vec2(1200.0, 800.0)),
            legend_room: Some(vec2(300.0, 200.0)),
            ..CanvasView::default()
        }
    }

    /// The screen rectangle the parties of `doc` span.
    fn drawn_box(view: &CanvasView, doc: &Document) -> Rect {
        let mut drawn = Rect::NOTHING;
        for p in doc.scenario().parties() {
            drawn.extend_with(view.to_screen(doc.position(p.id.as_str()).unwrap()));
        }
        drawn
    }

    fn channel(at: &[(f32, f32)]) -> Document {
        let mut s = crate::model::Scenario::new("small");
        for (i, (x, y)) in at.iter().enumerate() {
            s.add_party(
                crate::model::Party::new(format!("p{i}"), crate::model::PartyKind::Customer)
                    .at(*x, *y),
            )
            .unwrap();
        }
        Document::new(s)
    }

    /// A drawing with room to spare is fitted in the middle of the view when it clears the
    /// legend there (a small one sat off-centre, beside the legend); one that would reach the
    /// legend is moved just clear of it; a large one fills the room beside it.
    #[test]
    fn fitting_centres_the_drawing_as_far_as_the_legend_allows() {
        let mut view = with_legend();
        let small = channel(&[(0.0, 0.0), (100.0, 0.0), (50.0, 50.0)]);
        view.fit(&small);
        let drawn = drawn_box(&view, &small);
        assert!(
            (drawn.center() - view.rect.center()).length() < 0.5,
            "{drawn:?} in {:?}",
            view.rect
        );
        let legend = Rect::from_min_size(pos2(0.0, 600.0), vec2(300.0, 200.0));
        for wide in [
            channel(&[(0.0, 0.0), (800.0, 300.0)]),
            channel(&[(0.0, 0.0), (5000.0, 2000.0)]),
        ] {
            view.fit(&wide);
            let drawn = drawn_box(&view, &wide);
            assert!(view.rect.contains_rect(drawn), "{drawn:?}");
            assert!(!drawn.intersects(legend), "{drawn:?} under the legend");
        }
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
