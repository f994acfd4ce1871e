//! Gestures: wheel/pinch zoom, pan, drag-to-move, drag-to-connect and the lasso, from pointer events
//! to view changes. Must not change the document or paint: a move, a new link or a lasso's outline
//! comes out as a command.
//!
//! A drag means one thing from where it starts and the keys held: Ctrl (Cmd on a Mac) draws a lasso
//! wherever it starts; otherwise, on a party, Shift (or the Connect tool) connects and a plain drag
//! moves it; on empty canvas a drag pans. Shift adds the lasso's parties to the selection and Alt
//! takes them out, read when it closes.
//!
//! The frame's pointer state is read once into [`PointerEvents`] and then applied by [`apply`], so
//! the gesture logic is plain data in, commands out, and testable without a window.

use super::hit::party_at;
use super::lasso::{STEP, SelectMode};
use super::view::{CanvasView, Drag};
use super::{CanvasCommand, Tool};
use crate::model::{PartyId, Position};
use crate::ui::document::Document;
use egui::{Pos2, Vec2};

/// What the pointer did over the canvas this frame.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct PointerEvents {
    /// Where the pointer hovers, if over the canvas.
    pub hover: Option<Pos2>,
    /// Where the pointer is while it interacts (pressed or dragging).
    pub interact: Option<Pos2>,
    /// Where the primary button went down.
    pub press_origin: Option<Pos2>,
    /// Zoom factor from the wheel and pinch (1 = none).
    pub zoom: f32,
    pub shift: bool,
    /// Ctrl (Cmd on a Mac) is held.
    pub command: bool,
    /// Alt is held.
    pub alt: bool,
    pub drag_started: bool,
    pub dragged: bool,
    pub drag_stopped: bool,
    pub drag_delta: Vec2,
}

impl PointerEvents {
    /// Reads this frame's pointer state for the canvas `response`.
    pub fn read(ui: &egui::Ui, response: &egui::Response) -> Self {
        let (scroll, pinch, modifiers, press_origin) = ui.input(|i| {
            (
                i.smooth_scroll_delta.y,
                i.zoom_delta(),
                i.modifiers,
                i.pointer.press_origin(),
            )
        });
        PointerEvents {
            hover: response.hover_pos(),
            interact: response.interact_pointer_pos(),
            press_origin,
            // Ctrl+wheel is egui's zoom: the wheel already zooms here.
            zoom: pinch * (scroll / 400.0).exp(),
            shift: modifiers.shift,
            command: modifiers.command,
            alt: modifiers.alt,
            drag_started: response.drag_started(),
            dragged: response.dragged(),
            drag_stopped: response.drag_stopped(),
            drag_delta: response.drag_delta(),
        }
    }
}

/// Applies one frame's pointer events to the view; returns where a dragged party is previewed and
/// the commands for the app (a finished move or connect).
pub(super) fn apply(
    doc: &Document,
    view: &mut CanvasView,
    events: &PointerEvents,
    tool: Tool,
    read_only: bool,
) -> (Option<(PartyId, Position)>, Vec<CanvasCommand>) {
    let mut commands = Vec::new();
    // Zoom with the wheel (or pinch) around the pointer.
    if let Some(p) = events.hover
        && (events.zoom - 1.0).abs() > 1e-4
    {
        view.zoom_at(p, events.zoom);
    }
    // A gesture takes over from a flight in progress.
    if events.drag_started {
        view.flight = None;
    }
    // A drag starts where the button went down, not where it has moved to by the time egui calls it a drag.
    if events.drag_started
        && let Some(p) = events.press_origin.or(events.interact)
    {
        view.drag = Some(match party_at(doc, view, p) {
            _ if events.command && !read_only => Drag::Lasso {
                outline: vec![view.to_canvas(p)],
            },
            Some(_) if read_only => Drag::Pan,
            Some(party) if tool == Tool::Connect || events.shift => Drag::Connect { from: party },
            Some(party) => {
                let at = doc
                    .position(party.as_str())
                    .map_or(p, |q| view.to_screen(q));
                Drag::Move {
                    party,
                    grab: p - at,
                }
            }
            None => Drag::Pan,
        });
    }
    let mut preview_move = None;
    if let (Some(Drag::Move { party, grab }), Some(p)) = (&view.drag, events.interact) {
        preview_move = Some((*party, view.to_canvas(p - *grab)));
    }
    if events.dragged && matches!(view.drag, Some(Drag::Pan)) {
        view.pan += events.drag_delta;
    }
    if let Some(p) = events.interact
        && matches!(view.drag, Some(Drag::Lasso { .. }))
    {
        let (at, zoom) = (view.to_canvas(p), view.zoom);
        if let Some(Drag::Lasso { outline }) = &mut view.drag {
            // Points closer than a few pixels on screen add nothing to the outline.
            let far_enough = outline
                .last()
                .is_none_or(|q| (q.x - at.x).hypot(q.y - at.y) * zoom >= STEP);
            if far_enough {
                outline.push(at);
            }
        }
    }
    if events.drag_stopped {
        match view.drag.take() {
            Some(Drag::Move { party, grab }) => {
                if let Some(p) = events.interact.or(events.hover) {
                    commands.push(CanvasCommand::MoveParty(party, view.to_canvas(p - grab)));
                }
            }
            Some(Drag::Connect { from }) => {
                if let Some(p) = events.interact.or(events.hover)
                    && let Some(to) = party_at(doc, view, p)
                    && to != from
                {
                    commands.push(CanvasCommand::Connect { from, to, at: p });
                }
            }
            Some(Drag::Lasso { outline }) => {
                let mode = SelectMode::of_keys(events.shift, events.alt);
                commands.push(CanvasCommand::SelectArea { outline, mode });
            }
            Some(Drag::Pan) | None => {}
        }
    }
    (preview_move, commands)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Document {
        Document::new(crate::scenarios::synthetic(40))
    }

    #[test]
    fn dragging_empty_space_pans() {
        let doc = doc();
        let mut view = CanvasView::default();
        let empty = Pos2::new(-5000.0, -5000.0);
        let start = PointerEvents {
            hover: Some(empty),
            interact: Some(empty),
            press_origin: Some(empty),
            zoom: 1.0,
            drag_started: true,
            ..PointerEvents::default()
        };
        apply(&doc, &mut view, &start, Tool::Select, false);
        let drag = PointerEvents {
            dragged: true,
            drag_delta: Vec2::new(30.0, -20.0),
            zoom: 1.0,
            ..start
        };
        let (preview, commands) = apply(&doc, &mut view, &drag, Tool::Select, false);
        assert_eq!(view.pan, Vec2::new(30.0, -20.0));
        assert!(preview.is_none() && commands.is_empty());
    }

    #[test]
    fn dragging_a_party_moves_it_and_a_read_only_canvas_pans_instead() {
        let doc = doc();
        let (id, at) = doc
            .positions()
            .iter()
            .next()
            .map(|(i, p)| (*i, *p))
            .expect("a party");
        for read_only in [false, true] {
            let mut view = CanvasView::default();
            let from = view.to_screen(at);
            let to = from + Vec2::new(50.0, 0.0);
            let start = PointerEvents {
                hover: Some(from),
                interact: Some(from),
                press_origin: Some(from),
                zoom: 1.0,
                drag_started: true,
                ..PointerEvents::default()
            };
            apply(&doc, &mut view, &start, Tool::Select, read_only);
            let stop = PointerEvents {
                hover: Some(to),
                interact: Some(to),
                drag_started: false,
                drag_stopped: true,
                ..start
            };
            let (_, commands) = apply(&doc, &mut view, &stop, Tool::Select, read_only);
            if read_only {
                assert!(commands.is_empty());
            } else {
                let [CanvasCommand::MoveParty(moved, p)] = commands.as_slice() else {
                    panic!("expected one move, got {commands:?}");
                };
                assert_eq!(moved, &id);
                assert!((p.x - (at.x + 50.0)).abs() < 1e-3 && (p.y - at.y).abs() < 1e-3);
            }
        }
    }
}
