//! The canvas: parties and links drawn by kind and coloured by their worst finding, with zoom, pan,
//! fit-to-view, selection, drag-to-move and drag-to-connect.
//!
//! It paints the scenario's petgraph directly with egui's `Painter` rather than through egui_graphs'
//! `GraphView`: the canvas needs per-edge colours and dash styles from the findings, projector-sized
//! labels at any zoom, positions that come only from the scenario (`GraphView`'s layouts overwrite
//! saved positions), links that bend around parties, training and what-if overlays, and a connect
//! gesture that `GraphView` does not have. egui_graphs still does the physics of the force layout
//! (`layout::force_positions`).
//!
//! The pieces live apart so that each is testable without a window: `view` (the zoom/pan transform
//! and fit), `gestures` (pointer events in, view changes and commands out), `hit` (what is under a
//! point, where links run on screen), `lod` (what is worth drawing at a zoom), `paint` (shapes,
//! badges, legend), `tooltip` (hover texts) and `verdict` (how a link being connected would fare).

mod gestures;
mod hit;
mod lod;
mod paint;
mod tooltip;
mod verdict;
mod view;

pub use hit::link_screen_pos;
pub use verdict::{Verdict, best_verdict, trial_link};
pub use view::CanvasView;

use gestures::Drag;
use hit::{distance_to_polyline, link_paths, party_at};
use paint::{ADDED, CHANGED, badge, circle_points, draw_legend, draw_party_shape, quiz_marker};
use tooltip::{link_tooltip, party_tooltip};

use super::document::Document;
use super::style::{link_color, link_short, severity_color, severity_symbol};
use crate::model::{LinkKind, PartyId, Position};
use crate::rules::{Severity, chain_kinds};
use crate::training::QuizResult;
use crate::whatif::{ChangeKind, ScenarioDiff};
use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Shape, Stroke, vec2};
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
    /// No hover tooltips (the link-kind chooser is open where the pointer is).
    pub no_tooltips: bool,
}

/// How much larger the theme wants canvas labels than normal (the presentation theme sets it; see
/// [`set_label_scale`]).
pub fn label_scale(ctx: &egui::Context) -> f32 {
    ctx.data(|d| d.get_temp::<f32>(egui::Id::new(LABEL_SCALE)))
        .unwrap_or(1.0)
}

/// Sets the canvas label scale for this context.
pub fn set_label_scale(ctx: &egui::Context, scale: f32) {
    ctx.data_mut(|d| d.insert_temp(egui::Id::new(LABEL_SCALE), scale));
}

/// The on-screen size, in points, of a canvas label of `size` at the view's zoom.
pub fn label_size(ctx: &egui::Context, size: f32, view_zoom: f32) -> f32 {
    lod::label_font(size, view_zoom).size * label_scale(ctx)
}

const LABEL_SCALE: &str = "canvas-label-scale";

/// Something the what-if removed, drawn faintly where the base had it.
#[derive(Clone, Debug, PartialEq)]
pub enum Ghost {
    /// A removed party.
    Party(Position, String),
    /// A removed link between two positions.
    Link(Position, Position, String),
}

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

    // Zoom, pan, move and connect: read the frame's pointer once, then apply it to the view.
    let events = gestures::PointerEvents::read(ui, &response);
    let (preview_move, gesture_commands) =
        gestures::apply(doc, view, &events, tool, overlay.read_only);
    commands.extend(gesture_commands);

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
    let scale = label_scale(ui.ctx());
    let font = |size: f32| FontId::proportional(lod::label_font(size, view.zoom).size * scale);
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
        if lod::link_labels(view.zoom) {
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
        // Names in the bundled bold (egui ships no bold), on at most two lines, ellipsised: the
        // full name is in the tooltip and the inspector.
        let name_font = super::style::bold_font(font(15.0).size);
        let mut job = egui::text::LayoutJob::simple(
            party.name.clone(),
            name_font.clone(),
            party_ink,
            name_font.size * 13.0,
        );
        // egui orders a right-to-left line correctly but wraps and ellipsises it from the wrong
        // end (the first word would go), so such names stay whole on one line.
        let rtl = party
            .name
            .chars()
            .any(|c| matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFEFF));
        if rtl {
            job.wrap.max_width = f32::INFINITY;
        }
        job.wrap.max_rows = 2;
        job.halign = egui::Align::Center;
        let name = painter.layout_job(job);
        let kind_line = painter.layout_no_wrap(detail, font(11.0), party_ink.gamma_multiply(0.75));
        let top = c + vec2(0.0, r + 4.0);
        let width = name.size().x.max(kind_line.size().x) + 8.0;
        let plate = Rect::from_min_size(
            top - vec2(width / 2.0, 1.0),
            vec2(width, name.size().y + kind_line.size().y + 3.0),
        );
        painter.rect_filled(plate, 3.0, background.gamma_multiply(0.85));
        // A centred galley's rect already runs from -width/2 to +width/2 around its position.
        painter.galley(top, name, party_ink);
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
        && !overlay.no_tooltips
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
