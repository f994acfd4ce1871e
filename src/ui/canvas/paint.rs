//! Painting helpers: party shapes, badges, quiz markers and the legend. Must not decide what is drawn
//! or where: the frame in `mod.rs` does, these only put shapes on the painter.

use super::Overlay;
use crate::model::{LinkKind, Party, PartyKind};
use crate::rules::Severity;
use crate::ui::style::{link_color, party_fill, severity_color};
use egui::{Align2, Color32, FontId, Pos2, Rect, Shape, Stroke, Vec2, pos2, vec2};

pub(super) const ADDED: Color32 = Color32::from_rgb(0, 158, 115);
pub(super) const CHANGED: Color32 = Color32::from_rgb(0, 114, 178);
const MARK: Color32 = Color32::from_rgb(204, 121, 167);

/// A round marker with a white symbol: finding badges, quiz marks, compare marks.
pub(super) fn badge(
    painter: &egui::Painter,
    at: Pos2,
    radius: f32,
    fill: Color32,
    symbol: &str,
    size: f32,
) {
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
pub(super) fn quiz_marker(overlay: &Overlay, link: &str) -> Option<(&'static str, Color32)> {
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

pub(super) fn circle_points(c: Pos2, r: f32) -> Vec<Pos2> {
    (0..=48)
        .map(|i| {
            let a = i as f32 / 48.0 * std::f32::consts::TAU;
            c + vec2(a.cos(), a.sin()) * r
        })
        .collect()
}

pub(super) fn draw_party_shape(
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

/// Pixels between the legend and the canvas's edges.
const LEGEND_MARGIN: f32 = 12.0;

/// The height of the legend's title row: its fold button.
const LEGEND_HEADER: f32 = 24.0;

/// The folded legend's size: its button alone.
const LEGEND_FOLDED: Vec2 = vec2(84.0, 22.0);

/// What the fold button says, open and folded (tests click it by this).
pub const LEGEND_OPEN_LABEL: &str = "▾ Legend";
/// See [`LEGEND_OPEN_LABEL`].
pub const LEGEND_FOLDED_LABEL: &str = "▸ Legend";

/// A corner of the canvas, where the legend goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Corner {
    #[default]
    BottomLeft,
    BottomRight,
    TopLeft,
    TopRight,
}

impl Corner {
    /// In the order they are tried: the bottom left first, where the legend has always been.
    pub const ALL: [Corner; 4] = [
        Corner::BottomLeft,
        Corner::BottomRight,
        Corner::TopLeft,
        Corner::TopRight,
    ];
}

/// The legend's link rows: the kinds, the findings rows (one in a quiz, two otherwise) and the
/// faded row.
fn legend_items(hide_findings: bool) -> usize {
    LinkKind::ALL.len() + if hide_findings { 1 } else { 2 } + 1
}

/// The legend's size, open or folded.
pub(super) fn legend_size(hide_findings: bool, open: bool) -> Vec2 {
    if !open {
        return LEGEND_FOLDED;
    }
    let rows = legend_items(hide_findings).max(PartyKind::ALL.len());
    vec2(230.0 + 190.0, LEGEND_HEADER + 20.0 * rows as f32 + 10.0)
}

/// The room the legend keeps free in its corner: its size and the margins around it.
pub(super) fn legend_room(size: Vec2) -> Vec2 {
    size + Vec2::splat(2.0 * LEGEND_MARGIN)
}

/// Where a legend of `size` goes in the canvas `rect` in `corner`.
pub(super) fn legend_rect(rect: Rect, corner: Corner, size: Vec2) -> Rect {
    let m = LEGEND_MARGIN;
    let x = match corner {
        Corner::BottomLeft | Corner::TopLeft => rect.min.x + m,
        Corner::BottomRight | Corner::TopRight => rect.max.x - m - size.x,
    };
    let y = match corner {
        Corner::TopLeft | Corner::TopRight => rect.min.y + m,
        Corner::BottomLeft | Corner::BottomRight => rect.max.y - m - size.y,
    };
    Rect::from_min_size(pos2(x, y), size)
}

/// The corner for a legend of `size`: the one it is in (`now`) while that covers nothing, else the
/// first that covers nothing, else the one that covers least (`covered` says how much a rectangle
/// of the canvas would hide).
pub(super) fn legend_corner(
    rect: Rect,
    size: Vec2,
    now: Corner,
    covered: impl Fn(Rect) -> usize,
) -> Corner {
    let cost = |c: Corner| covered(legend_rect(rect, c, size));
    if cost(now) == 0 {
        return now;
    }
    Corner::ALL
        .into_iter()
        .map(|c| (cost(c), c))
        .min_by_key(|(cost, _)| *cost)
        .map_or(now, |(_, c)| c)
}

/// Paints the open legend in `bg` (its fold button is a widget, added by the canvas).
pub(super) fn draw_legend(
    painter: &egui::Painter,
    bg: Rect,
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
        "not yet made, or ended (faded)",
        link_color(LinkKind::Purchase, light).gamma_multiply(0.3),
        false,
    ));
    // A second column names the party shapes (the exported legend has them too).
    let origin = bg.min + vec2(6.0, 6.0 + LEGEND_HEADER);
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
    for (i, kind) in PartyKind::ALL.into_iter().enumerate() {
        let y = origin.y + 20.0 * i as f32 + 8.0;
        let c = pos2(origin.x + 238.0, y);
        let party = Party::new(crate::model::PartyId::from("legend"), kind);
        draw_party_shape(painter, &party, c, 7.5, ink, false);
        painter.text(
            pos2(c.x + 16.0, y),
            Align2::LEFT_CENTER,
            kind.label(),
            FontId::proportional(12.0),
            ink,
        );
    }
}

/// The parts of a polyline that can show inside `clip`, each starting a whole number of dash
/// `period`s from the polyline's start, so that dashing them draws the dashes that dashing the
/// whole polyline draws there.
///
/// Zoomed in on a big channel, a broken link from a provider to a customer across the whole
/// distributor is millions of pixels long: dashed whole, it made millions of dashes per frame,
/// nearly all off screen (most of a zoomed-in frame at 100k parties). `clip` should be the view
/// grown by a dash period and the stroke's width, so that a run's first dash, which may start up
/// to a period before the run enters `clip`, is drawn only where nobody sees it.
pub(super) fn visible_runs(points: &[Pos2], clip: Rect, period: f32) -> Vec<Vec<Pos2>> {
    let position = |p: Pos2| crate::model::Position { x: p.x, y: p.y };
    let (lo, hi) = ([clip.min.x, clip.min.y], [clip.max.x, clip.max.y]);
    let mut runs = Vec::new();
    let mut run: Vec<Pos2> = Vec::new();
    // The length of the polyline before the current segment, in f64: summed over millions of
    // pixels, f32 would shift the dashes while panning.
    let mut along = 0.0_f64;
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let length = a.distance(b);
        match crate::layout::clip_segment(position(a), position(b), lo, hi) {
            Some((t0, t1)) => {
                if run.is_empty() {
                    let enters = along + f64::from(t0 * length);
                    let start = (enters / f64::from(period)).floor() * f64::from(period);
                    let back = (start - along) as f32;
                    let dir = if length > 0.0 {
                        (b - a) / length
                    } else {
                        Vec2::ZERO
                    };
                    run.push(a + dir * back);
                }
                run.push(a + (b - a) * t1);
                if t1 < 1.0 {
                    runs.push(std::mem::take(&mut run));
                }
            }
            None => {
                if !run.is_empty() {
                    runs.push(std::mem::take(&mut run));
                }
            }
        }
        along += f64::from(length);
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs.retain(|r| r.len() >= 2);
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dash segments a dashed polyline draws, as (start, end) pairs.
    fn dashes(points: &[Pos2], dash: f32, gap: f32) -> Vec<(Pos2, Pos2)> {
        Shape::dashed_line(points, Stroke::new(1.0, Color32::RED), dash, gap)
            .into_iter()
            .filter_map(|s| match s {
                Shape::LineSegment { points, .. } => Some((points[0], points[1])),
                Shape::Path(p) if p.points.len() >= 2 => {
                    Some((p.points[0], p.points[p.points.len() - 1]))
                }
                _ => None,
            })
            .collect()
    }

    fn inside(view: Rect) -> impl Fn(&(Pos2, Pos2)) -> bool {
        move |(a, b)| view.contains(*a) || view.contains(*b)
    }

    #[test]
    fn a_long_dashed_link_is_dashed_only_near_the_view_with_the_same_dashes_there() {
        let view = Rect::from_min_max(pos2(0.0, 0.0), pos2(800.0, 600.0));
        let (dash, gap) = (10.0, 6.0);
        let clip = view.expand(dash + gap + 4.0);
        // From far left to far right through the view, with a bend inside it, and one that
        // runs along the view and back out.
        for line in [
            vec![
                pos2(-20_000.0, 300.0),
                pos2(400.0, 250.0),
                pos2(30_000.0, 310.0),
            ],
            vec![pos2(-5_003.5, -700.0), pos2(7_000.0, 900.0)],
            vec![
                pos2(100.0, -3_000.0),
                pos2(100.0, 3_000.0),
                pos2(700.0, -3_000.0),
            ],
        ] {
            let runs = visible_runs(&line, clip, dash + gap);
            assert!(!runs.is_empty(), "{line:?} crosses the view");
            let near: Vec<_> = runs.iter().flat_map(|r| dashes(r, dash, gap)).collect();
            let whole = dashes(&line, dash, gap);
            assert!(
                near.len() * 5 < whole.len(),
                "far fewer dashes: {} of {}",
                near.len(),
                whole.len()
            );
            // A pixel in from the edge: egui sums the dashes' places in f32 along the whole line,
            // so a dash that starts exactly on the edge may start a hair beyond it there.
            let seen = inside(view.shrink(1.0));
            let seen_whole: Vec<_> = whole.iter().filter(|d| seen(d)).collect();
            let seen_near: Vec<_> = near.iter().filter(|d| seen(d)).collect();
            assert_eq!(
                seen_whole.len(),
                seen_near.len(),
                "the same dashes show: {line:?}"
            );
            for (w, n) in seen_whole.iter().zip(&seen_near) {
                assert!(
                    w.0.distance(n.0) < 0.05 && w.1.distance(n.1) < 0.05,
                    "{w:?} drawn as {n:?} in {line:?}"
                );
            }
        }
    }

    #[test]
    fn a_link_that_misses_the_view_has_no_runs_and_one_inside_keeps_all_its_points() {
        let clip = Rect::from_min_max(pos2(0.0, 0.0), pos2(100.0, 100.0));
        assert!(visible_runs(&[pos2(-50.0, 200.0), pos2(300.0, 200.0)], clip, 16.0).is_empty());
        let inner = [pos2(10.0, 10.0), pos2(50.0, 90.0), pos2(90.0, 20.0)];
        assert_eq!(visible_runs(&inner, clip, 16.0), vec![inner.to_vec()]);
    }
}
