//! The canvas: parties and links drawn by kind and coloured by their worst finding, with zoom, pan,
//! fit-to-view, selection, drag-to-move and drag-to-connect.
//!
//! It paints the scenario's petgraph directly with egui's `Painter` rather than through egui_graphs'
//! `GraphView`: the canvas needs per-edge colours and dash styles from the findings, projector-sized
//! labels at any zoom, positions that come only from the scenario (`GraphView`'s layouts overwrite
//! saved positions), links that bend around parties, training and what-if overlays, and a connect
//! gesture that `GraphView` does not have. egui_graphs still does the physics of the force layout
//! (`layout::force_positions`). Painting a few hundred shapes a frame is cheap, and hit-testing is a
//! linear scan over what is drawn.

use super::document::Document;
use super::style::{link_color, link_short, party_fill, severity_color, severity_symbol};
use crate::model::{Link, LinkKind, Party, PartyId, PartyKind, Position};
use crate::rules::{Severity, chain_kinds};
use crate::training::QuizResult;
use crate::whatif::{ChangeKind, ScenarioDiff};
use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Shape, Stroke, Vec2, pos2, vec2};
use std::collections::{BTreeSet, HashSet};

/// What the canvas shows beyond the scenario and its findings: the training and what-if layers.
#[derive(Clone, Copy, Debug, Default)]
pub struct Overlay<'a> {
    /// Quiz: links and parties are not coloured by their findings.
    pub hide_findings: bool,
    /// Quiz: the links the trainee marked as broken.
    pub marks: Option<&'a BTreeSet<String>>,
    /// Quiz: the judged answer (right, wrong and missed links).
    pub quiz: Option<&'a QuizResult>,
    /// Role lens or presenter spotlight: the parties kept bright; the rest is dimmed.
    pub focus: Option<&'a BTreeSet<PartyId>>,
    /// Compare overlay: what the open what-if changed from its base.
    pub diff: Option<&'a ScenarioDiff>,
    /// Compare overlay: links and parties of the base that the what-if removed, drawn as ghosts
    /// (canvas positions of the link's ends, or of the party, with a label).
    pub ghosts: &'a [Ghost],
    /// Side-by-side compare: the base is shown, not edited.
    pub read_only: bool,
}

/// Something the what-if removed, drawn faintly where the base had it.
#[derive(Clone, Debug, PartialEq)]
pub enum Ghost {
    /// A removed party.
    Party(Position, String),
    /// A removed link between two positions.
    Link(Position, Position, String),
}

const ADDED: Color32 = Color32::from_rgb(0, 158, 115);
const CHANGED: Color32 = Color32::from_rgb(0, 114, 178);
const MARK: Color32 = Color32::from_rgb(204, 121, 167);

/// Radius of a party, in canvas units.
pub const PARTY_RADIUS: f32 = 30.0;

/// What the primary drag does on a party.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tool {
    /// Drag moves parties; click selects.
    #[default]
    Select,
    /// Drag from one party to another creates a link (Shift+drag does the same in Select).
    Connect,
}

/// What is selected on the canvas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// A party.
    Party(PartyId),
    /// A link.
    Link(crate::model::LinkId),
}

#[derive(Clone, Debug)]
enum Drag {
    Move { party: PartyId, grab: Vec2 },
    Connect { from: PartyId },
    Pan,
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
    drag: Option<Drag>,
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

    fn fit(&mut self, doc: &Document) {
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

    /// Zooms by `factor` keeping the canvas point under `anchor` in place.
    pub fn zoom_at(&mut self, anchor: Pos2, factor: f32) {
        let before = self.to_canvas(anchor);
        self.zoom = (self.zoom * factor).clamp(0.15, 4.0);
        let after = self.to_screen(before);
        self.pan += anchor - after;
    }
}

/// What the canvas asks the app to do.
#[derive(Clone, Debug, PartialEq)]
#[must_use]
pub enum CanvasCommand {
    /// Select something, or nothing.
    Select(Option<Selection>),
    /// A drag ended: record the party's new position as one undo step.
    MoveParty(PartyId, Position),
    /// A connect drag ended on another party: ask which kind of link to make.
    Connect {
        /// Where the drag started.
        from: PartyId,
        /// Where it ended.
        to: PartyId,
        /// The pointer, for the kind chooser.
        at: Pos2,
    },
}

/// How a link would fare, for tinting targets while connecting.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// The worst finding the new link would have; `None` when valid.
    pub worst: Option<Severity>,
    /// Why, in a line.
    pub reason: String,
}

/// What a new link of `kind` from `from` to `to` would yield, checked on a copy of the scenario.
pub fn trial_link(doc: &Document, from: &PartyId, to: &PartyId, kind: LinkKind) -> Verdict {
    let s = doc.scenario();
    let mut trial = s.clone();
    let id = s.fresh_link_id("trial");
    let link = Link::new(id.clone(), kind, from.clone(), to.clone(), s.as_of());
    if trial.add_link(link).is_err() {
        return Verdict {
            worst: Some(Severity::Violation),
            reason: "cannot link these parties".to_owned(),
        };
    }
    let found = crate::rules::check_subject(&trial, s.as_of(), &crate::rules::Subject::Link(id));
    match found.iter().max_by_key(|f| f.severity) {
        None => Verdict {
            worst: None,
            reason: format!("a {} here is valid", kind.label()),
        },
        Some(f) => Verdict {
            worst: Some(f.severity),
            reason: format!("{}: {}", f.rule, f.message),
        },
    }
}

/// The verdict of the best kind of link between two parties.
pub fn best_verdict(doc: &Document, from: &PartyId, to: &PartyId) -> Verdict {
    let s = doc.scenario();
    let (Some(a), Some(b)) = (s.party(from.as_str()), s.party(to.as_str())) else {
        return Verdict {
            worst: Some(Severity::Violation),
            reason: String::new(),
        };
    };
    if from == to {
        return Verdict {
            worst: Some(Severity::Violation),
            reason: "a party cannot link to itself".to_owned(),
        };
    }
    let kinds = chain_kinds(a.kind, b.kind);
    if kinds.is_empty() {
        return Verdict {
            worst: Some(Severity::Violation),
            reason: format!("no program chain runs from a {} to a {}", a.kind, b.kind),
        };
    }
    kinds
        .into_iter()
        .map(|k| trial_link(doc, from, to, k))
        .min_by_key(|v| v.worst)
        .unwrap_or(Verdict {
            worst: None,
            reason: String::new(),
        })
}

fn party_at(doc: &Document, view: &CanvasView, pointer: Pos2) -> Option<PartyId> {
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

fn link_paths<'a>(
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

fn distance_to_polyline(p: Pos2, points: &[Pos2]) -> f32 {
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

/// Draws the canvas and turns gestures into commands.
#[allow(clippy::too_many_arguments)]
pub fn canvas_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    view: &mut CanvasView,
    selection: Option<&Selection>,
    highlight: &[PartyId],
    tool: Tool,
    light: bool,
    overlay: &Overlay,
) -> Vec<CanvasCommand> {
    let mut commands = Vec::new();
    // A read-only canvas still pans and zooms, but never moves or connects anything.
    let tool = if overlay.read_only {
        Tool::Select
    } else {
        tool
    };
    let (rect, response) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
    view.rect = rect;
    if view.fit_requested {
        view.fit(doc);
        view.fit_requested = false;
    }
    let painter = ui.painter_at(rect);
    let ink = if light {
        Color32::from_gray(20)
    } else {
        Color32::from_gray(235)
    };
    let background = if light {
        Color32::from_gray(250)
    } else {
        Color32::from_gray(24)
    };
    painter.rect_filled(rect, 0.0, background);
    let pointer = response.hover_pos();

    // Zoom with the wheel (or pinch) around the pointer.
    if let Some(p) = pointer {
        let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
        let factor = pinch * (scroll / 400.0).exp();
        if (factor - 1.0).abs() > 1e-4 {
            view.zoom_at(p, factor);
        }
    }

    // Gestures.
    let shift = ui.input(|i| i.modifiers.shift);
    // A drag starts where the button went down, not where it has moved to by the time egui calls it a drag.
    let press_origin = ui.input(|i| i.pointer.press_origin());
    if response.drag_started()
        && let Some(p) = press_origin.or(response.interact_pointer_pos())
    {
        view.drag = Some(match party_at(doc, view, p) {
            Some(_) if overlay.read_only => Drag::Pan,
            Some(party) if tool == Tool::Connect || shift => Drag::Connect { from: party },
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
    let mut preview_move: Option<(PartyId, Position)> = None;
    if let (Some(drag), Some(p)) = (&view.drag, response.interact_pointer_pos()) {
        match drag {
            Drag::Pan => {}
            Drag::Move { party, grab } => {
                preview_move = Some((party.clone(), view.to_canvas(p - *grab)))
            }
            Drag::Connect { .. } => {}
        }
    }
    if response.dragged() && matches!(view.drag, Some(Drag::Pan)) {
        view.pan += response.drag_delta();
    }
    if response.drag_stopped() {
        match view.drag.take() {
            Some(Drag::Move { party, grab }) => {
                if let Some(p) = response.interact_pointer_pos().or(pointer) {
                    commands.push(CanvasCommand::MoveParty(party, view.to_canvas(p - grab)));
                }
            }
            Some(Drag::Connect { from }) => {
                if let Some(p) = response.interact_pointer_pos().or(pointer)
                    && let Some(to) = party_at(doc, view, p)
                    && to != from
                {
                    commands.push(CanvasCommand::Connect { from, to, at: p });
                }
            }
            Some(Drag::Pan) | None => {}
        }
    }

    let position_of = |id: &PartyId| -> Option<Pos2> {
        match &preview_move {
            Some((moving, at)) if moving == id => Some(view.to_screen(*at)),
            _ => doc.position(id.as_str()).map(|p| view.to_screen(p)),
        }
    };
    let segments = link_paths(doc, view, preview_move.as_ref());

    if response.clicked()
        && let Some(p) = response.interact_pointer_pos()
    {
        let hit = party_at(doc, view, p).map(Selection::Party).or_else(|| {
            segments
                .iter()
                .map(|(l, points)| (l, distance_to_polyline(p, points)))
                .filter(|(_, d)| *d < 8.0)
                .min_by(|x, y| x.1.total_cmp(&y.1))
                .map(|(l, _)| Selection::Link(l.id.clone()))
        });
        commands.push(CanvasCommand::Select(hit));
    }

    // Which consecutive pairs of the highlighted path to light up.
    let path_pairs: HashSet<(&str, &str)> = highlight
        .windows(2)
        .map(|w| (w[0].as_str(), w[1].as_str()))
        .collect();
    let in_path: HashSet<&str> = highlight.iter().map(PartyId::as_str).collect();
    let s = doc.scenario();
    let as_of = s.as_of();
    let font = |size: f32| FontId::proportional((size * view.zoom.sqrt()).clamp(10.0, 26.0));
    let mut hovered_text: Option<String> = None;

    // Links.
    for (link, points) in &segments {
        let end = points[points.len() - 1];
        let dir = (end - points[points.len() - 2]).normalized();
        let worst = if overlay.hide_findings {
            None
        } else {
            doc.checker().worst_for_link(link.id.as_str())
        };
        let future = !link.exists_at(as_of);
        let dimmed = overlay
            .focus
            .is_some_and(|f| !f.contains(&link.from) || !f.contains(&link.to));
        let selected = selection == Some(&Selection::Link(link.id.clone()));
        let lit = path_pairs.contains(&(link.from.as_str(), link.to.as_str()));
        let mut color = match worst {
            Some(sev) if sev != Severity::Note => severity_color(sev),
            _ => link_color(link.kind, light),
        };
        if future || dimmed {
            color = color.gamma_multiply(if dimmed { 0.15 } else { 0.3 });
        }
        let width = match link.kind {
            LinkKind::Supply | LinkKind::Purchase => 3.0,
            _ => 2.0,
        } * view.zoom.clamp(0.6, 1.5)
            + if selected || lit { 2.5 } else { 0.0 };
        if selected || lit {
            painter.add(Shape::line(
                points.clone(),
                Stroke::new(width + 6.0, color.gamma_multiply(0.3)),
            ));
        }
        let stroke = Stroke::new(width, color);
        let dashed = matches!(worst, Some(Severity::Violation)) || link.kind == LinkKind::Admin;
        if dashed {
            let (dash, gap) = if worst == Some(Severity::Violation) {
                (10.0, 6.0)
            } else {
                (3.0, 4.0)
            };
            painter.extend(Shape::dashed_line(points, stroke, dash, gap));
        } else {
            painter.add(Shape::line(points.clone(), stroke));
        }
        // Arrow head at the buying end.
        let head = 10.0 + width;
        let left = end - dir * head + dir.rot90() * head * 0.5;
        let right = end - dir * head - dir.rot90() * head * 0.5;
        painter.add(Shape::convex_polygon(
            vec![end, left, right],
            color,
            Stroke::NONE,
        ));
        let mid = points[points.len() / 2];
        let id = link.id.as_str();
        let change = overlay.diff.and_then(|d| d.link(id));
        // At most one marker per link: a quiz mark, a what-if change, or the worst finding.
        let marked = if let Some((symbol, fill)) = quiz_marker(overlay, id) {
            badge(&painter, mid, 11.0, fill, symbol, 13.0);
            true
        } else if let Some(change) = change {
            let (symbol, fill) = match change {
                ChangeKind::Added => ("+", ADDED),
                ChangeKind::Removed => ("−", Color32::GRAY),
                ChangeKind::Changed(_) => ("~", CHANGED),
            };
            painter.add(Shape::line(
                points.clone(),
                Stroke::new(width + 8.0, fill.gamma_multiply(0.35)),
            ));
            badge(&painter, mid, 10.0, fill, symbol, 14.0);
            true
        } else if let Some(sev) = worst.filter(|s| *s != Severity::Note) {
            badge(
                &painter,
                mid,
                9.0,
                severity_color(sev),
                severity_symbol(sev),
                11.0,
            );
            true
        } else {
            false
        };
        // The kind is always named, beside the marker when there is one: "which of these red
        // links is the purchase?"
        if view.zoom > 0.55 {
            let offset = if marked { 20.0 } else { 9.0 };
            painter.text(
                mid + dir.rot90() * offset,
                Align2::CENTER_CENTER,
                link_short(link.kind),
                FontId::proportional(11.0),
                color,
            );
        }
        if pointer.is_some_and(|p| distance_to_polyline(p, points) < 8.0) {
            hovered_text = Some(link_tooltip(doc, link, overlay.hide_findings));
        }
    }

    // What the what-if removed, where the base had it.
    for ghost in overlay.ghosts {
        let grey = ink.gamma_multiply(0.35);
        match ghost {
            Ghost::Link(a, b, label) => {
                let (a, b) = (view.to_screen(*a), view.to_screen(*b));
                painter.extend(Shape::dashed_line(
                    &[a, b],
                    Stroke::new(2.5, grey),
                    6.0,
                    6.0,
                ));
                let mid = a + (b - a) / 2.0;
                badge(&painter, mid, 10.0, Color32::GRAY, "−", 14.0);
                painter.text(
                    mid + vec2(0.0, 14.0),
                    Align2::CENTER_TOP,
                    label,
                    FontId::proportional(11.0),
                    grey,
                );
            }
            Ghost::Party(p, label) => {
                let c = view.to_screen(*p);
                let r = PARTY_RADIUS * view.zoom;
                painter.extend(Shape::dashed_line(
                    &circle_points(c, r),
                    Stroke::new(2.0, grey),
                    5.0,
                    5.0,
                ));
                painter.text(
                    c,
                    Align2::CENTER_CENTER,
                    format!("− {label}"),
                    font(13.0),
                    grey,
                );
            }
        }
    }

    // Connect rubber band and target tints.
    let mut connect_reason: Option<(Pos2, Verdict)> = None;
    if let (Some(Drag::Connect { from }), Some(p)) =
        (&view.drag, pointer.or(response.interact_pointer_pos()))
    {
        if let Some(a) = position_of(from) {
            painter.line_segment([a, p], Stroke::new(3.0, ink.gamma_multiply(0.7)));
        }
        if let Some(target) = party_at(doc, view, p).filter(|t| t != from) {
            connect_reason = Some((p, best_verdict(doc, from, &target)));
        }
    }

    // Parties.
    let connecting_from = match &view.drag {
        Some(Drag::Connect { from }) => Some(from.clone()),
        _ => None,
    };
    for party in s.parties() {
        let Some(c) = position_of(&party.id) else {
            continue;
        };
        let r = PARTY_RADIUS * view.zoom;
        let selected = selection == Some(&Selection::Party(party.id.clone()));
        if let Some(from) = &connecting_from
            && *from != party.id
            && let Some(f) = s.party(from.as_str())
        {
            let tint = if chain_kinds(f.kind, party.kind).is_empty() {
                severity_color(Severity::Violation)
            } else {
                Color32::from_rgb(0, 158, 115)
            };
            painter.circle_stroke(c, r + 8.0, Stroke::new(4.0, tint.gamma_multiply(0.8)));
        }
        if selected || in_path.contains(party.id.as_str()) {
            painter.circle_filled(
                c,
                r + 10.0,
                Color32::from_rgb(86, 180, 233).gamma_multiply(0.35),
            );
        }
        let dimmed = overlay.focus.is_some_and(|f| !f.contains(&party.id));
        let party_ink = if dimmed {
            ink.gamma_multiply(0.25)
        } else {
            ink
        };
        if let Some(change) = overlay.diff.and_then(|d| d.party(party.id.as_str())) {
            let color = match change {
                ChangeKind::Changed(_) => CHANGED,
                _ => ADDED,
            };
            painter.circle_stroke(c, r + 7.0, Stroke::new(4.0, color));
            let symbol = if matches!(change, ChangeKind::Changed(_)) {
                "~"
            } else {
                "+"
            };
            let corner = c + vec2(-r * 0.8, -r * 0.8);
            badge(&painter, corner, 9.0, color, symbol, 13.0);
        }
        draw_party_shape(&painter, party, c, r, party_ink, dimmed);
        let worst = if overlay.hide_findings {
            None
        } else {
            doc.checker().worst_for_party(party.id.as_str())
        };
        if let Some(sev) = worst {
            let corner = c + vec2(r * 0.8, -r * 0.8);
            badge(
                &painter,
                corner,
                9.0,
                severity_color(sev),
                severity_symbol(sev),
                11.0,
            );
        }
        // Labels sit on a plate so that links running under them never make them unreadable.
        let detail = match &party.country {
            Some(country) => format!("{} · {country}", party.kind.label()),
            None => party.kind.label().to_owned(),
        };
        let name = painter.layout_no_wrap(party.name.clone(), font(15.0), party_ink);
        let kind_line = painter.layout_no_wrap(detail, font(11.0), party_ink.gamma_multiply(0.75));
        let top = c + vec2(0.0, r + 4.0);
        let width = name.size().x.max(kind_line.size().x) + 8.0;
        let plate = Rect::from_min_size(
            top - vec2(width / 2.0, 1.0),
            vec2(width, name.size().y + kind_line.size().y + 3.0),
        );
        painter.rect_filled(plate, 3.0, background.gamma_multiply(0.85));
        painter.galley(top - vec2(name.size().x / 2.0, 0.0), name, party_ink);
        painter.galley(
            top + vec2(
                -kind_line.size().x / 2.0,
                plate.height() - kind_line.size().y - 2.0,
            ),
            kind_line,
            party_ink,
        );
        if pointer.is_some_and(|p| p.distance(c) <= r) {
            hovered_text = Some(party_tooltip(doc, party, overlay.hide_findings));
        }
    }

    if let Some((p, verdict)) = connect_reason {
        let color = verdict
            .worst
            .map_or(Color32::from_rgb(0, 158, 115), severity_color);
        let text = match verdict.worst {
            None => format!("✔ {}", verdict.reason),
            Some(sev) => format!("{} {}", severity_symbol(sev), verdict.reason),
        };
        let galley = painter.layout(text, FontId::proportional(13.0), Color32::WHITE, 360.0);
        let bg = Rect::from_min_size(p + vec2(16.0, 16.0), galley.size() + vec2(12.0, 8.0));
        painter.rect_filled(bg, 4.0, color);
        painter.galley(bg.min + vec2(6.0, 4.0), galley, Color32::WHITE);
    } else if view.drag.is_none()
        && let (Some(text), Some(_)) = (hovered_text, pointer)
    {
        response.clone().on_hover_text_at_pointer(text);
    }

    // A narrow canvas (side-by-side compare) has no room to spare for the legend.
    if rect.width() >= 760.0 {
        draw_legend(&painter, rect, light, ink, overlay.hide_findings);
    }
    commands
}

/// A round marker with a white symbol: finding badges, quiz marks, compare marks.
fn badge(painter: &egui::Painter, at: Pos2, radius: f32, fill: Color32, symbol: &str, size: f32) {
    painter.circle_filled(at, radius, fill);
    painter.text(
        at,
        Align2::CENTER_CENTER,
        symbol,
        FontId::proportional(size),
        Color32::WHITE,
    );
}

/// The quiz's marker on a link: marked while answering; right, wrong or missed once judged.
fn quiz_marker(overlay: &Overlay, link: &str) -> Option<(&'static str, Color32)> {
    if let Some(q) = overlay.quiz {
        let has = |list: &[String]| list.iter().any(|l| l == link);
        return if has(&q.right) {
            Some(("✔", ADDED))
        } else if has(&q.wrong) {
            Some(("✖", Color32::from_rgb(230, 159, 0)))
        } else if has(&q.missed) {
            Some(("!", severity_color(Severity::Violation)))
        } else {
            None
        };
    }
    overlay
        .marks
        .filter(|m| m.contains(link))
        .map(|_| ("⚑", MARK))
}

fn circle_points(c: Pos2, r: f32) -> Vec<Pos2> {
    (0..=48)
        .map(|i| {
            let a = i as f32 / 48.0 * std::f32::consts::TAU;
            c + vec2(a.cos(), a.sin()) * r
        })
        .collect()
}

fn draw_party_shape(
    painter: &egui::Painter,
    party: &Party,
    c: Pos2,
    r: f32,
    ink: Color32,
    dimmed: bool,
) {
    let fill = if dimmed {
        party_fill(party.kind).gamma_multiply(0.25)
    } else {
        party_fill(party.kind)
    };
    let outline = Stroke::new(2.0, ink.gamma_multiply(0.8));
    match party.kind {
        PartyKind::Microsoft => {
            painter.rect(
                Rect::from_center_size(c, Vec2::splat(r * 2.0)),
                6.0,
                fill,
                outline,
                egui::StrokeKind::Middle,
            );
            // The four-square logo, simplified.
            let q = r * 0.35;
            for (dx, dy, col) in [
                (-1.0, -1.0, Color32::from_rgb(242, 80, 34)),
                (1.0, -1.0, Color32::from_rgb(127, 186, 0)),
                (-1.0, 1.0, Color32::from_rgb(0, 164, 239)),
                (1.0, 1.0, Color32::from_rgb(255, 185, 0)),
            ] {
                let centre = c + vec2(dx * q * 0.55, dy * q * 0.55);
                painter.rect_filled(
                    Rect::from_center_size(centre, Vec2::splat(q * 0.95)),
                    0.0,
                    if dimmed {
                        col.gamma_multiply(0.25)
                    } else {
                        col
                    },
                );
            }
        }
        PartyKind::IndirectProvider => {
            let points: Vec<Pos2> = (0..6)
                .map(|i| {
                    let a = std::f32::consts::TAU * (i as f32) / 6.0;
                    c + vec2(a.cos(), a.sin()) * r
                })
                .collect();
            painter.add(Shape::convex_polygon(points, fill, outline));
        }
        PartyKind::DirectBill => {
            let points = vec![
                c + vec2(0.0, -r),
                c + vec2(r, 0.0),
                c + vec2(0.0, r),
                c + vec2(-r, 0.0),
            ];
            painter.add(Shape::convex_polygon(points, fill, outline));
        }
        PartyKind::IndirectReseller => {
            painter.circle(c, r * 0.9, fill, outline);
        }
        PartyKind::Customer => {
            painter.rect(
                Rect::from_center_size(c, vec2(r * 2.0, r * 1.4)),
                r * 0.5,
                fill,
                outline,
                egui::StrokeKind::Middle,
            );
        }
    }
}

fn draw_legend(
    painter: &egui::Painter,
    rect: Rect,
    light: bool,
    ink: Color32,
    hide_findings: bool,
) {
    // Valid links keep their kind's colour; findings override it.
    let mut items: Vec<(&str, Color32, bool)> = LinkKind::ALL
        .into_iter()
        .map(|k| (k.label(), link_color(k, light), k == LinkKind::Admin))
        .collect();
    if hide_findings {
        items.push(("quiz: findings hidden", ink.gamma_multiply(0.5), false));
    } else {
        items.push(("⚠ warning", severity_color(Severity::Warning), false));
        items.push((
            "✖ violation (dashed)",
            severity_color(Severity::Violation),
            true,
        ));
    }
    items.push((
        "dated after as-of (faded)",
        link_color(LinkKind::Purchase, light).gamma_multiply(0.3),
        false,
    ));
    let origin = rect.left_bottom() + vec2(12.0, -12.0 - 20.0 * items.len() as f32);
    let bg = Rect::from_min_size(
        origin - vec2(6.0, 6.0),
        vec2(230.0, 20.0 * items.len() as f32 + 10.0),
    );
    let fill = if light {
        Color32::from_white_alpha(230)
    } else {
        Color32::from_black_alpha(200)
    };
    painter.rect_filled(bg, 4.0, fill);
    for (i, (label, color, dashed)) in items.iter().enumerate() {
        let y = origin.y + 20.0 * i as f32 + 8.0;
        let a = pos2(origin.x, y);
        let b = pos2(origin.x + 36.0, y);
        if *dashed {
            painter.extend(Shape::dashed_line(
                &[a, b],
                Stroke::new(3.0, *color),
                8.0,
                4.0,
            ));
        } else {
            painter.line_segment([a, b], Stroke::new(3.0, *color));
        }
        painter.text(
            pos2(origin.x + 44.0, y),
            Align2::LEFT_CENTER,
            *label,
            FontId::proportional(12.0),
            ink,
        );
    }
}

fn party_tooltip(doc: &Document, party: &Party, hide_findings: bool) -> String {
    let region = party
        .country
        .as_deref()
        .and_then(|c| crate::model::markets().region_of(c))
        .map_or("no CSP region".to_owned(), |r| r.name.clone());
    let mut text = format!(
        "{} ({})\nid {} · {} · {}\norganization {} · tenant {} ({})",
        party.name,
        party.kind,
        party.id,
        party.country.as_deref().unwrap_or("no country"),
        region,
        party.organization,
        party.tenant,
        party.tenant_type.key()
    );
    let mut details = Vec::new();
    if let Some(d) = party.mpa_signed {
        details.push(format!("MPA signed {d}"));
    }
    if party.kind == PartyKind::IndirectReseller {
        details.push(format!(
            "{} · {}",
            if party.onboarded {
                "onboarded"
            } else {
                "not onboarded"
            },
            if party.enrolled {
                "enrolled"
            } else {
                "not enrolled"
            }
        ));
    }
    if let Some(d) = party.mca_accepted {
        details.push(format!("MCA accepted {d}"));
    }
    if let Some(d) = party.restricted_since {
        details.push(format!("restricted since {d}"));
    }
    if let Some(g) = &party.affiliate_group {
        details.push(format!("affiliate group {g}"));
    }
    if !details.is_empty() {
        text.push('\n');
        text.push_str(&details.join(" · "));
    }
    if hide_findings {
        return text;
    }
    for f in doc.checker().for_party(party.id.as_str()) {
        text.push_str(&format!("\n{} {}", severity_symbol(f.severity), f.message));
    }
    text
}

fn link_tooltip(doc: &Document, link: &Link, hide_findings: bool) -> String {
    let name = |id: &PartyId| {
        doc.scenario()
            .party(id.as_str())
            .map_or(id.to_string(), |p| p.name.clone())
    };
    let mut text = format!(
        "{} {} → {}\nid {} · dated {}",
        link.kind.label(),
        name(&link.from),
        name(&link.to),
        link.id,
        link.date
    );
    if let Some(offer) = &link.offer {
        text.push_str(&format!(" · {offer}"));
    }
    if let Some(via) = &link.via {
        text.push_str(&format!(" · billed by {}", name(via)));
    }
    if link.status == crate::model::LinkStatus::Pending {
        text.push_str(" · pending");
    }
    if hide_findings {
        return text;
    }
    let findings = doc.checker().for_link(link.id.as_str());
    if findings.is_empty() {
        text.push_str("\n✔ valid");
    }
    for f in findings {
        text.push_str(&format!(
            "\n{} [{}] {}",
            severity_symbol(f.severity),
            f.rule,
            f.message
        ));
    }
    text
}
