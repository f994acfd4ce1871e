//! The diagram as SVG: parties by kind, links by kind and finding, a legend, a title with the as-of
//! date, numbered callouts on broken links and the findings list below the drawing.
//!
//! Every text is measured with the fonts resvg draws it with ([`crate::fonts`]), and every label,
//! callout and legend entry is placed on a board of the boxes already taken (party shapes first),
//! so nothing overlaps: a party's name goes below its shape, or above, right or left of it (whichever
//! is free and crossed by the fewest links), a callout slides along its link to a free spot, and a
//! link's kind label is left out (it stays in the link's tooltip) where there is no room for it.
//! Labels sit on a white plate above the links, so no dashed line runs through a word. Long names are
//! wrapped on two lines and ellipsised; the full name is in the party's `<title>` tooltip.

use super::sanitize::{clean, xml as escape};
use super::{LinkState, Sheet, party_color};
use crate::fonts::{Fonts, SVG_BOLD, SVG_REGULAR, TextStyle};
use crate::layout::{Route, routes};
use crate::model::{LinkKind, PartyKind, Position};
use crate::progress::Progress;
use crate::rules::{Severity, Subject};
use std::collections::HashMap;
use std::fmt::Write as _;

const RADIUS: f32 = 30.0;
const MARGIN: f32 = 70.0;
/// Room kept around every placed box (the white plate behind a label is this much larger).
const PAD: f32 = 3.0;
/// The widest a party name may run before it wraps.
const NAME_WIDTH: f32 = 180.0;
const NAME: TextStyle = TextStyle {
    size: 15.0,
    bold: true,
};
const DETAIL: TextStyle = TextStyle {
    size: 12.0,
    bold: false,
};
const KIND: TextStyle = TextStyle {
    size: 11.0,
    bold: false,
};
const LEGEND: TextStyle = TextStyle {
    size: 12.0,
    bold: false,
};
const LIST: TextStyle = TextStyle {
    size: 13.0,
    bold: false,
};
const LIST_BOLD: TextStyle = TextStyle {
    size: 13.0,
    bold: true,
};
const CALLOUT_R: f32 = 11.0;

/// An axis-aligned box.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Box2 {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

impl Box2 {
    fn around(x: f32, y: f32, half_w: f32, half_h: f32) -> Self {
        Box2 {
            x0: x - half_w,
            y0: y - half_h,
            x1: x + half_w,
            y1: y + half_h,
        }
    }

    fn overlaps(&self, o: &Box2) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    fn shifted(&self, dx: f32, dy: f32) -> Self {
        Box2 {
            x0: self.x0 + dx,
            y0: self.y0 + dy,
            x1: self.x1 + dx,
            y1: self.y1 + dy,
        }
    }

    fn union(&self, o: &Box2) -> Self {
        Box2 {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }

    /// Whether the segment a–b passes through the box (sampled: links are short Béziers).
    fn crossed_by(&self, a: Position, b: Position) -> bool {
        Box2::samples(a, b).any(|p| self.contains(p))
    }

    /// The points [`Box2::crossed_by`] tests on a segment.
    fn samples(a: Position, b: Position) -> impl Iterator<Item = Position> {
        (0..=8).map(move |i| {
            let t = i as f32 / 8.0;
            Position {
                x: a.x + (b.x - a.x) * t,
                y: a.y + (b.y - a.y) * t,
            }
        })
    }

    /// Whether a point is strictly inside.
    fn contains(&self, p: Position) -> bool {
        p.x > self.x0 && p.x < self.x1 && p.y > self.y0 && p.y < self.y1
    }
}

/// The side of a cell of the [`Board`]'s grid: about a label's width.
const BOARD_CELL: f32 = 256.0;
/// A box wider or taller than this many cells is kept aside and tested by every question (none
/// of the drawing's boxes is, but a box must never go missing).
const BOARD_SPAN: i64 = 64;

/// The boxes taken so far, filed in a hashed grid of [`BOARD_CELL`] cells, so that asking whether a
/// spot is free looks only at the boxes of the cells it meets (a channel of 300,000 parties has as
/// many labels; an R*-tree grown one box at a time spent a tenth of that export in its bookkeeping).
#[derive(Default)]
struct Board {
    taken: Vec<Box2>,
    /// Per cell (column, row): the indexes in `taken` of the boxes meeting it.
    cells: HashMap<(i64, i64), Vec<u32>, foldhash::fast::RandomState>,
    /// Boxes too large to file (see [`BOARD_SPAN`]).
    oversize: Vec<u32>,
    /// The lowest bottom edge taken, for the last-resort spot below everything.
    bottom: Option<f32>,
}

impl Board {
    /// The cells (columns, rows) a box meets, inclusive.
    fn span(b: &Box2) -> ((i64, i64), (i64, i64)) {
        let cell = |v: f32| (v / BOARD_CELL).floor() as i64;
        ((cell(b.x0), cell(b.x1)), (cell(b.y0), cell(b.y1)))
    }

    fn free(&self, b: &Box2) -> bool {
        let overlaps = |i: &u32| self.taken[*i as usize].overlaps(b);
        if self.oversize.iter().any(overlaps) {
            return false;
        }
        let ((c0, c1), (r0, r1)) = Self::span(b);
        if c1 - c0 > BOARD_SPAN || r1 - r0 > BOARD_SPAN {
            // A question as large as the board itself: ask every box.
            return !self.taken.iter().any(|t| t.overlaps(b));
        }
        for r in r0..=r1 {
            for c in c0..=c1 {
                if self
                    .cells
                    .get(&(c, r))
                    .is_some_and(|v| v.iter().any(overlaps))
                {
                    return false;
                }
            }
        }
        true
    }

    fn take(&mut self, b: Box2) {
        // (Four billion boxes would take far more memory than any machine has for them.)
        let index = self.taken.len() as u32;
        self.taken.push(b);
        let ((c0, c1), (r0, r1)) = Self::span(&b);
        if c1 - c0 > BOARD_SPAN || r1 - r0 > BOARD_SPAN {
            self.oversize.push(index);
        } else {
            for r in r0..=r1 {
                for c in c0..=c1 {
                    self.cells.entry((c, r)).or_default().push(index);
                }
            }
        }
        self.bottom = Some(self.bottom.map_or(b.y1, |y| y.max(b.y1)));
    }
}

/// A block of text lines centred on `x`, the first baseline at `top + ascent`.
#[derive(Clone, Debug)]
struct Label {
    lines: Vec<(String, TextStyle)>,
    /// Line advance per line (ascent + descent of its style, measured).
    heights: Vec<f32>,
    ascents: Vec<f32>,
    width: f32,
}

impl Label {
    fn new(fonts: &Fonts, lines: Vec<(String, TextStyle)>) -> Self {
        let mut heights = Vec::new();
        let mut ascents = Vec::new();
        let mut width: f32 = 0.0;
        for (text, style) in &lines {
            let m = fonts.measure(text, *style);
            width = width.max(m.width);
            heights.push(m.height());
            ascents.push(m.ascent);
        }
        Label {
            lines,
            heights,
            ascents,
            width,
        }
    }

    fn height(&self) -> f32 {
        self.heights.iter().sum()
    }

    /// The box of the label centred on `cx` with its top at `top`, padded.
    fn at(&self, cx: f32, top: f32) -> Box2 {
        Box2 {
            x0: cx - self.width / 2.0 - PAD,
            y0: top - PAD,
            x1: cx + self.width / 2.0 + PAD,
            y1: top + self.height() + PAD,
        }
    }
}

/// Where a label was put: centre x and top y (in drawing coordinates, before the page shift).
#[derive(Clone, Copy, Debug)]
struct Spot {
    cx: f32,
    top: f32,
}

/// How many points a link's curve is sampled at ([`polyline`]).
const POLYLINE: usize = 13;

/// A link as straight segments (the Bézier sampled), for counting how many links cross a label.
fn polyline(route: &Route) -> impl Iterator<Item = Position> + '_ {
    (0..POLYLINE).map(|i| route.at(i as f32 / (POLYLINE - 1) as f32))
}

/// A link's sampled curve.
#[cfg(test)]
struct Line {
    points: Vec<Position>,
}

#[cfg(test)]
impl Line {
    fn new(route: &Route) -> Self {
        Line {
            points: polyline(route).collect(),
        }
    }
}

/// A segment longer than this (in either direction) is indexed by the points [`Box2::crossed_by`]
/// samples on it rather than by its box, which would cover every label along a long link.
const LONG_SEGMENT: f32 = 400.0;

/// The side of a cell of [`Crossings`]' grid (at least: a drawing spread very wide gets wider
/// cells, so that the grid never has more than [`MAX_CELLS`] cells, nor many more than it has
/// sampled points).
const CELL: f32 = 128.0;
const MAX_CELLS: usize = 16_000_000;
const ORIGIN: Position = Position { x: 0.0, y: 0.0 };

/// The links' sampled curves in a uniform grid: which links cross a box, without testing every
/// link. It answers exactly what testing every segment with [`Box2::crossed_by`] answers.
///
/// A short segment is filed under every cell its box touches, a long one's points that
/// `crossed_by` samples under the cell each falls in. Each cell holds the geometry itself, so a
/// question reads its cells in order. The grid is built in two linear passes (count, then fill):
/// a channel of a million links (some 50 million sampled points) is indexed in seconds, where an
/// R*-tree took half a minute to bulk-load them.
struct Crossings {
    x0: f32,
    y0: f32,
    cell: f32,
    columns: usize,
    rows: usize,
    /// Where each cell's entries start in `points` and in `segments` (one more than cells).
    point_starts: Vec<usize>,
    segment_starts: Vec<usize>,
    /// Sampled points of long segments: x, y and the link's index.
    points: Vec<(f32, f32, u32)>,
    /// Short segments: their ends and the link's index.
    segments: Vec<(Position, Position, u32)>,
}

/// One thing filed in a cell of [`Crossings`].
enum Piece {
    Point(Position),
    Segment(Position, Position),
}

impl Crossings {
    #[cfg(test)]
    fn new(lines: &[Line]) -> Self {
        Self::build(lines.len(), |i| lines[i].points.clone())
    }

    /// The curves of the routes.
    fn of_routes(routes: &[Route]) -> Self {
        Self::build(routes.len(), |i| polyline(&routes[i]).collect())
    }

    /// Files `count` curves, the `i`-th given by `curve(i)` (asked three times: for the extent,
    /// to count, to fill).
    fn build(count: usize, curve: impl Fn(usize) -> Vec<Position>) -> Self {
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for i in 0..count {
            for p in curve(i) {
                x0 = x0.min(p.x);
                y0 = y0.min(p.y);
                x1 = x1.max(p.x);
                y1 = y1.max(p.y);
            }
        }
        if x0 > x1 {
            (x0, y0, x1, y1) = (0.0, 0.0, 0.0, 0.0);
        }
        let most = (count * POLYLINE * 2).clamp(1_024, MAX_CELLS) as f32;
        let cell = CELL.max(((x1 - x0 + CELL) * (y1 - y0 + CELL) / most).sqrt());
        let columns = ((x1 - x0) / cell) as usize + 1;
        let rows = ((y1 - y0) / cell) as usize + 1;
        let mut grid = Crossings {
            x0,
            y0,
            cell,
            columns,
            rows,
            point_starts: Vec::new(),
            segment_starts: Vec::new(),
            points: Vec::new(),
            segments: Vec::new(),
        };
        let cells = columns * rows;
        let (mut points, mut segments) = (vec![0usize; cells + 1], vec![0usize; cells + 1]);
        grid.each_piece(count, &curve, |cell, piece, _| match piece {
            Piece::Point(_) => points[cell + 1] += 1,
            Piece::Segment(..) => segments[cell + 1] += 1,
        });
        for c in 0..cells {
            points[c + 1] += points[c];
            segments[c + 1] += segments[c];
        }
        let (mut next_point, mut next_segment) = (points.clone(), segments.clone());
        let mut filed_points = vec![(0.0, 0.0, 0); points[cells]];
        let mut filed_segments = vec![(ORIGIN, ORIGIN, 0); segments[cells]];
        grid.each_piece(count, &curve, |cell, piece, line| match piece {
            Piece::Point(p) => {
                filed_points[next_point[cell]] = (p.x, p.y, line);
                next_point[cell] += 1;
            }
            Piece::Segment(a, b) => {
                filed_segments[next_segment[cell]] = (a, b, line);
                next_segment[cell] += 1;
            }
        });
        grid.point_starts = points;
        grid.segment_starts = segments;
        grid.points = filed_points;
        grid.segments = filed_segments;
        grid
    }

    /// Calls `f` with every (cell, piece, link index) the grid holds.
    fn each_piece(
        &self,
        count: usize,
        curve: impl Fn(usize) -> Vec<Position>,
        mut f: impl FnMut(usize, Piece, u32),
    ) {
        for line in 0..count {
            // (Four billion links would take far more memory than any machine has for them.)
            let index = line as u32;
            for w in curve(line).windows(2) {
                let (a, b) = (w[0], w[1]);
                if (b.x - a.x).abs() <= LONG_SEGMENT && (b.y - a.y).abs() <= LONG_SEGMENT {
                    let (c0, r0) = self.cell_of(a.x.min(b.x), a.y.min(b.y));
                    let (c1, r1) = self.cell_of(a.x.max(b.x), a.y.max(b.y));
                    for r in r0..=r1 {
                        for c in c0..=c1 {
                            f(r * self.columns + c, Piece::Segment(a, b), index);
                        }
                    }
                } else {
                    for p in Box2::samples(a, b) {
                        let (c, r) = self.cell_of(p.x, p.y);
                        f(r * self.columns + c, Piece::Point(p), index);
                    }
                }
            }
        }
    }

    /// The cell (column, row) a point is in, clamped to the grid.
    fn cell_of(&self, x: f32, y: f32) -> (usize, usize) {
        let c = ((x - self.x0) / self.cell).max(0.0) as usize;
        let r = ((y - self.y0) / self.cell).max(0.0) as usize;
        (c.min(self.columns - 1), r.min(self.rows - 1))
    }

    /// How many links cross the box.
    fn count(&self, b: &Box2) -> usize {
        let (c0, r0) = self.cell_of(b.x0, b.y0);
        let (c1, r1) = self.cell_of(b.x1, b.y1);
        let mut crossing: Vec<u32> = Vec::new();
        for r in r0..=r1 {
            for c in c0..=c1 {
                let cell = r * self.columns + c;
                let points = &self.points[self.point_starts[cell]..self.point_starts[cell + 1]];
                for &(x, y, line) in points {
                    if b.contains(Position { x, y }) {
                        crossing.push(line);
                    }
                }
                let segments =
                    &self.segments[self.segment_starts[cell]..self.segment_starts[cell + 1]];
                for &(p, q, line) in segments {
                    if b.crossed_by(p, q) {
                        crossing.push(line);
                    }
                }
            }
        }
        crossing.sort_unstable();
        crossing.dedup();
        crossing.len()
    }
}

/// The box a party's shape takes (centred on `p`).
fn shape_box(kind: PartyKind, p: Position) -> Box2 {
    let h = if kind == PartyKind::Customer {
        RADIUS * 0.7
    } else {
        RADIUS
    };
    Box2::around(p.x, p.y, RADIUS + 1.0, h + 1.0)
}

fn shape(kind: PartyKind, x: f32, y: f32, r: f32, fill: &str) -> String {
    let stroke = r##"stroke="#1f2933" stroke-width="2""##;
    match kind {
        PartyKind::Microsoft => {
            // The four-square logo, as on the canvas.
            let q = r * 0.35;
            let mut logo = String::new();
            for (dx, dy, colour) in [
                (-1.0, -1.0, "#f25022"),
                (1.0, -1.0, "#7fba00"),
                (-1.0, 1.0, "#00a4ef"),
                (1.0, 1.0, "#ffb900"),
            ] {
                let side = q * 0.95;
                let _ = write!(
                    logo,
                    r#"<rect x="{:.1}" y="{:.1}" width="{side:.1}" height="{side:.1}" fill="{colour}"/>"#,
                    x + dx * q * 0.55 - side / 2.0,
                    y + dy * q * 0.55 - side / 2.0,
                );
            }
            format!(
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="{:.1}" fill="{fill}" {stroke}/>{logo}"#,
                x - r,
                y - r,
                2.0 * r,
                2.0 * r,
                r * 0.2
            )
        }
        PartyKind::IndirectProvider => {
            let points: Vec<String> = (0..6)
                .map(|i| {
                    let a = std::f32::consts::TAU * i as f32 / 6.0;
                    format!("{:.1},{:.1}", x + r * a.cos(), y + r * a.sin())
                })
                .collect();
            format!(
                r#"<polygon points="{}" fill="{fill}" {stroke}/>"#,
                points.join(" ")
            )
        }
        PartyKind::DirectBill => format!(
            r#"<polygon points="{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}" fill="{fill}" {stroke}/>"#,
            x,
            y - r,
            x + r,
            y,
            x,
            y + r,
            x - r,
            y
        ),
        PartyKind::IndirectReseller => format!(
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="{:.1}" fill="{fill}" {stroke}/>"#,
            r * 0.9
        ),
        PartyKind::Customer => format!(
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="{:.1}" fill="{fill}" {stroke}/>"#,
            x - r,
            y - r * 0.7,
            2.0 * r,
            1.4 * r,
            r * 0.5
        ),
    }
}

fn toward(from: Position, to: Position, distance: f32) -> Position {
    let (dx, dy) = (to.x - from.x, to.y - from.y);
    let len = (dx * dx + dy * dy).sqrt().max(1e-3);
    Position {
        x: from.x + dx / len * distance,
        y: from.y + dy / len * distance,
    }
}

fn family(style: TextStyle) -> String {
    if style.bold {
        format!(r#"font-family="{SVG_BOLD}" font-weight="bold""#)
    } else {
        String::new()
    }
}

/// Writes a label on a white plate: the plate keeps links from running through its words.
fn write_label(out: &mut String, label: &Label, spot: Spot, dx: f32, dy: f32, fill: &str) {
    let b = label.at(spot.cx, spot.top).shifted(dx, dy);
    let _ = write!(
        out,
        r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="3" fill="#ffffff" fill-opacity="0.9"/>"##,
        b.x0,
        b.y0,
        b.x1 - b.x0,
        b.y1 - b.y0
    );
    let mut top = spot.top + dy;
    for (i, (text, style)) in label.lines.iter().enumerate() {
        // Name lines in the label's ink, the detail line (a smaller, regular style) muted.
        let colour = if style.bold || label.lines.len() == 1 {
            fill
        } else {
            "#52606d"
        };
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-size="{}" {} fill="{colour}" text-anchor="middle">{}</text>"#,
            spot.cx + dx,
            top + label.ascents[i],
            style.size,
            family(*style),
            escape(text)
        );
        top += label.heights[i];
    }
}

/// Finds a free spot for `label` among `candidates` (centre x, top y), preferring the one crossed by
/// the fewest links, then the earliest; failing that, searches outward from the first candidate.
fn place(board: &Board, label: &Label, candidates: &[Spot], links: &Crossings) -> Option<Spot> {
    let mut best: Option<(usize, usize, Spot)> = None;
    for (i, spot) in candidates.iter().enumerate() {
        let b = label.at(spot.cx, spot.top);
        if !board.free(&b) {
            continue;
        }
        let cost = links.count(&b);
        if best.is_none_or(|(c, j, _)| (cost, i) < (c, j)) {
            best = Some((cost, i, *spot));
        }
        if cost == 0 {
            break;
        }
    }
    best.map(|(_, _, s)| s)
}

/// Searches rings of growing distance around `origin` for a free spot (the last resort, which always
/// ends: far enough out, nothing is taken).
fn search(board: &Board, label: &Label, origin: Spot) -> Spot {
    for ring in 1..400 {
        let d = ring as f32 * 10.0;
        for k in 0..(8 * ring) {
            let a = std::f32::consts::TAU * k as f32 / (8 * ring) as f32;
            let spot = Spot {
                cx: origin.cx + d * a.sin(),
                top: origin.top + d * a.cos(),
            };
            if board.free(&label.at(spot.cx, spot.top)) {
                return spot;
            }
        }
    }
    Spot {
        cx: origin.cx,
        top: board.bottom.map_or(origin.top, |y| y.max(origin.top)) + PAD * 2.0,
    }
}

/// One legend entry: a swatch (a party shape or a link sample) and its text.
struct LegendItem {
    swatch: Swatch,
    text: String,
}

enum Swatch {
    Party(PartyKind),
    Link(LinkState),
}

/// The smallest page a drawing whose party centres span `width` × `height` can get: the shapes and
/// margins around them, and the header above (labels and the findings list only add to it).
pub(crate) fn least_page_size(width: f32, height: f32) -> (f32, f32) {
    (
        (width + 2.0 * (RADIUS + 1.0) + 2.0 * MARGIN).max(960.0),
        height + 88.0,
    )
}

/// How many parties or links are placed between two looks at the progress (and Cancel).
const PROGRESS_EVERY: usize = 2_048;

/// Renders the sheet as a standalone SVG document, on a white page unless `transparent`. Reports to
/// `progress` while placing labels; `None` when it is cancelled.
pub(crate) fn render_with(sheet: &Sheet, transparent: bool, progress: &Progress) -> Option<String> {
    let fonts = Fonts::shared();
    let s = sheet.scenario;
    let positions = sheet.positions();
    let all_routes = routes(s, &positions, RADIUS);
    let lines = Crossings::of_routes(&all_routes);
    progress.set(0.1);
    // Parties' labels, then callouts and link labels: the share of the work each step is.
    let total = (s.party_count() + 2 * all_routes.len()).max(1) as f32;
    let mut placed = 0usize;
    let step = |placed: &mut usize| -> Option<()> {
        *placed += 1;
        if placed.is_multiple_of(PROGRESS_EVERY) {
            if progress.is_cancelled() {
                return None;
            }
            progress.set(0.1 + 0.8 * *placed as f32 / total);
        }
        Some(())
    };

    // 1. The drawing, in layout coordinates: party shapes, then party labels, then callouts, then
    //    link kind labels, each on a free spot of the board.
    let mut board = Board::default();
    for party in s.parties() {
        if let Some(p) = positions.get(&party.id) {
            board.take(shape_box(party.kind, *p));
        }
    }
    let mut party_labels: HashMap<&str, (Label, Spot)> = HashMap::new();
    for party in s.parties() {
        step(&mut placed)?;
        let Some(&p) = positions.get(&party.id) else {
            continue;
        };
        let name = clean(&party.name);
        let detail = match &party.country {
            Some(c) => format!("{} · {}", party.kind.label(), clean(c)),
            None => party.kind.label().to_owned(),
        };
        let build = |width: f32, name_lines: usize| {
            let mut lines: Vec<(String, TextStyle)> = fonts
                .wrap(&name, NAME, width, name_lines)
                .into_iter()
                .map(|l| (l, NAME))
                .collect();
            if lines.is_empty() {
                lines.push((String::new(), NAME));
            }
            lines.push((fonts.ellipsize(&detail, DETAIL, width), DETAIL));
            Label::new(fonts, lines)
        };
        let shape = shape_box(party.kind, p);
        let mut chosen = None;
        for (width, name_lines) in [(NAME_WIDTH, 2), (NAME_WIDTH * 0.7, 2), (110.0, 1)] {
            let label = build(width, name_lines);
            let h = label.height();
            let side = label.width / 2.0 + PAD + 6.0;
            let candidates = [
                Spot {
                    cx: p.x,
                    top: shape.y1 + PAD + 2.0,
                },
                Spot {
                    cx: p.x,
                    top: shape.y0 - PAD - 2.0 - h,
                },
                Spot {
                    cx: shape.x1 + side,
                    top: p.y - h / 2.0,
                },
                Spot {
                    cx: shape.x0 - side,
                    top: p.y - h / 2.0,
                },
                Spot {
                    cx: p.x,
                    top: shape.y1 + PAD + 20.0,
                },
                Spot {
                    cx: p.x,
                    top: shape.y0 - PAD - 20.0 - h,
                },
            ];
            if let Some(spot) = place(&board, &label, &candidates, &lines) {
                chosen = Some((label, spot));
                break;
            }
        }
        let (label, spot) = chosen.unwrap_or_else(|| {
            let label = build(110.0, 1);
            let origin = Spot {
                cx: p.x,
                top: shape.y1 + PAD + 2.0,
            };
            let spot = search(&board, &label, origin);
            (label, spot)
        });
        board.take(label.at(spot.cx, spot.top));
        party_labels.insert(party.id.as_str(), (label, spot));
    }

    // The curves were only needed to place party names (at a million links they hold hundreds of
    // megabytes, better freed before the document is written).
    drop(lines);

    // Numbered callouts: links with a violation or warning, in the order of the findings list.
    // Findings about what is drawn (all of them, unless only an area is).
    let drawn = |id: &crate::model::PartyId| positions.contains_key(id);
    let findings: Vec<_> = sheet
        .findings()
        .into_iter()
        .filter(|f| {
            sheet.area.is_none()
                || match &f.subject {
                    Subject::Party(id) => drawn(id),
                    Subject::Link(id) => s
                        .link(id.as_str())
                        .is_some_and(|l| drawn(&l.from) && drawn(&l.to)),
                }
        })
        .collect();
    // Every numbered finding has a number of its own. A link's findings follow each other in the
    // list (from where its first one stands), so its callout names one run of numbers ("3–4"):
    // repeating the link's number ("1., 1., 2.") read to an audience as a mistake.
    fn numbered(f: &crate::rules::Finding) -> Option<&str> {
        match &f.subject {
            Subject::Link(id) if f.severity != Severity::Note => Some(id.as_str()),
            _ => None,
        }
    }
    let findings = {
        let mut per_link: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, f) in findings.iter().enumerate() {
            if let Some(link) = numbered(f) {
                per_link.entry(link).or_default().push(i);
            }
        }
        let mut order = Vec::with_capacity(findings.len());
        for (i, f) in findings.iter().enumerate() {
            match numbered(f) {
                // The link's first finding brings the others; they are skipped where they stood.
                Some(link) => order.extend(per_link.remove(link).unwrap_or_default()),
                None => order.push(i),
            }
        }
        let mut slots: Vec<Option<_>> = findings.into_iter().map(Some).collect();
        order
            .into_iter()
            .filter_map(|i| slots[i].take())
            .collect::<Vec<_>>()
    };
    // Per link: the first and last number of its findings.
    let mut numbers: HashMap<String, (usize, usize)> = HashMap::new();
    let mut next = 0;
    for f in &findings {
        if let Some(link) = numbered(f) {
            next += 1;
            numbers
                .entry(link.to_owned())
                .and_modify(|(_, last)| *last = next)
                .or_insert((next, next));
        }
    }
    let callout_text = |(first, last): (usize, usize)| {
        if first == last {
            first.to_string()
        } else {
            format!("{first}–{last}")
        }
    };
    // A callout is a disc, or a pill as wide as a run of numbers: its half width.
    let callout_half = |n: (usize, usize)| {
        let w = fonts.measure(&callout_text(n), TextStyle::bold(12.0)).width;
        (w / 2.0 + 5.0).max(CALLOUT_R)
    };
    const ALONG: [f32; 9] = [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.15, 0.85];
    // Per link: the callout centre (and where on the link it points from), or the kind label.
    let mut callouts: HashMap<&str, (Position, Position)> = HashMap::new();
    for route in &all_routes {
        step(&mut placed)?;
        let Some(n) = numbers.get(route.link.as_str()) else {
            continue;
        };
        let half = callout_half(*n);
        let (rx, r) = (half + PAD, CALLOUT_R + PAD);
        let mut spot = ALONG
            .iter()
            .map(|t| route.at(*t))
            .find(|c| board.free(&Box2::around(c.x, c.y, rx, r)));
        let anchor = route.at(0.5);
        if spot.is_none() {
            let disc = Label {
                lines: Vec::new(),
                heights: vec![2.0 * CALLOUT_R],
                ascents: vec![0.0],
                width: 2.0 * half,
            };
            let found = search(
                &board,
                &disc,
                Spot {
                    cx: anchor.x,
                    top: anchor.y - CALLOUT_R,
                },
            );
            spot = Some(Position {
                x: found.cx,
                y: found.top + CALLOUT_R,
            });
        }
        if let Some(c) = spot {
            board.take(Box2::around(c.x, c.y, rx, r));
            callouts.insert(route.link.as_str(), (c, anchor));
        }
    }
    // Five kinds, measured once each rather than once per link.
    let kind_label: HashMap<LinkKind, Label> = LinkKind::ALL
        .into_iter()
        .map(|k| (k, Label::new(fonts, vec![(k.label().to_owned(), KIND)])))
        .collect();
    let mut kind_labels: HashMap<&str, (&Label, Spot)> = HashMap::new();
    for route in &all_routes {
        step(&mut placed)?;
        if numbers.contains_key(route.link.as_str()) {
            continue;
        }
        let Some(link) = s.link(route.link.as_str()) else {
            continue;
        };
        let label = &kind_label[&link.kind];
        let candidates: Vec<Spot> = ALONG
            .iter()
            .map(|t| route.at(*t))
            .map(|c| Spot {
                cx: c.x,
                top: c.y - label.height() / 2.0,
            })
            .collect();
        // Only free spots: a kind label that would cover another is left out (the link's tooltip
        // and the legend still say it).
        if let Some(spot) = candidates
            .iter()
            .find(|spot| board.free(&label.at(spot.cx, spot.top)))
            .copied()
        {
            board.take(label.at(spot.cx, spot.top));
            kind_labels.insert(route.link.as_str(), (label, spot));
        }
    }

    // 2. The page: the drawing's extent, then the header (title, counts, legend) laid out at the
    //    page width, then the drawing shifted below the header and centred.
    let mut extent: Option<Box2> = None;
    for b in &board.taken {
        extent = Some(extent.map_or(*b, |e| e.union(b)));
    }
    for route in &all_routes {
        let c = route.at(0.5);
        let b = Box2::around(c.x, c.y, 1.0, 1.0);
        extent = Some(extent.map_or(b, |e| e.union(&b)));
    }
    let extent = extent.unwrap_or(Box2 {
        x0: 0.0,
        y0: 0.0,
        x1: 1.0,
        y1: 1.0,
    });

    let title_style = TextStyle::bold(26.0);
    let title = match sheet.area {
        Some(_) => format!("{} (part)", clean(&s.meta.title)),
        None => clean(&s.meta.title).into_owned(),
    };
    let title = fonts.ellipsize(&title, title_style, 1800.0);
    let counts = sheet.checker.counts();
    let subtitle = format!(
        "Checked as of {} · {} · csp-explorer",
        sheet.as_of,
        crate::text::severities(counts.violation, counts.warning, counts.note)
    );
    let sub_style = TextStyle::regular(15.0);
    let legend_items: Vec<LegendItem> = PartyKind::ALL
        .into_iter()
        .map(|k| LegendItem {
            swatch: Swatch::Party(k),
            text: k.label().to_owned(),
        })
        .chain(
            [
                (LinkState::Valid, "valid link"),
                (LinkState::Warning, "warning (numbered)"),
                (LinkState::Violation, "violation (dashed, numbered)"),
                (LinkState::Future, "dated after the as-of date"),
            ]
            .into_iter()
            .map(|(state, text)| LegendItem {
                swatch: Swatch::Link(state),
                text: text.to_owned(),
            }),
        )
        .collect();
    let width = (extent.x1 - extent.x0 + 2.0 * MARGIN)
        .max(960.0)
        .max(fonts.width(&title, title_style) + 2.0 * MARGIN)
        .max(fonts.width(&subtitle, sub_style) + 2.0 * MARGIN)
        .ceil();

    let mut header = String::new();
    let title_m = fonts.measure(&title, title_style);
    let title_base = 20.0 + title_m.ascent;
    let _ = writeln!(
        header,
        r##"<text x="{MARGIN}" y="{title_base:.1}" font-size="26" {} fill="#1f2933">{}</text>"##,
        family(title_style),
        escape(&title)
    );
    let sub_m = fonts.measure(&subtitle, sub_style);
    let sub_base = title_base + title_m.descent + 6.0 + sub_m.ascent;
    let _ = writeln!(
        header,
        r##"<text x="{MARGIN}" y="{sub_base:.1}" font-size="15" fill="#3e4c59">{}</text>"##,
        escape(&subtitle)
    );
    // Legend: items flow in rows at the page width.
    let _ = writeln!(header, r##"<g id="legend" font-size="12" fill="#1f2933">"##);
    let legend_m = fonts.measure("Xg", LEGEND);
    let row_h = legend_m.height().max(16.0) + 8.0;
    let mut x = MARGIN;
    let mut row_top = sub_base + sub_m.descent + 12.0;
    for (i, item) in legend_items.iter().enumerate() {
        let swatch_w = if matches!(item.swatch, Swatch::Party(_)) {
            16.0
        } else {
            30.0
        };
        let text_w = fonts.width(&item.text, LEGEND);
        let item_w = swatch_w + 6.0 + text_w;
        let new_row = i == PartyKind::ALL.len() || x + item_w > width - MARGIN;
        if new_row && x > MARGIN {
            x = MARGIN;
            row_top += row_h;
        }
        let mid = row_top + row_h / 2.0;
        match item.swatch {
            Swatch::Party(kind) => {
                let _ = writeln!(
                    header,
                    r#"<g id="swatch-{}">{}</g>"#,
                    kind.key(),
                    shape(kind, x + 8.0, mid, 7.5, party_color(kind))
                );
            }
            Swatch::Link(state) => {
                let dash = match state {
                    LinkState::Violation => r#" stroke-dasharray="8 5""#,
                    LinkState::Future => r#" stroke-dasharray="2 6""#,
                    _ => "",
                };
                let _ = writeln!(
                    header,
                    r#"<g id="swatch-{}"><line x1="{x:.1}" y1="{mid:.1}" x2="{:.1}" y2="{mid:.1}" stroke="{}" stroke-width="3"{dash}/></g>"#,
                    state.key(),
                    x + swatch_w,
                    state.color(),
                );
            }
        }
        let _ = writeln!(
            header,
            r#"<text x="{:.1}" y="{:.1}">{}</text>"#,
            x + swatch_w + 6.0,
            mid - legend_m.height() / 2.0 + legend_m.ascent,
            escape(&item.text)
        );
        x += item_w + 22.0;
    }
    header.push_str("</g>\n");
    let header_bottom = row_top + row_h;

    let dx = (width - (extent.x1 - extent.x0)) / 2.0 - extent.x0;
    let dy = header_bottom + 24.0 - extent.y0;
    let at = |p: Position| Position {
        x: p.x + dx,
        y: p.y + dy,
    };
    let diagram_bottom = extent.y1 + dy + 24.0;

    // 3. The findings list below the drawing, wrapped at the measured page width.
    let list_width = width - 2.0 * MARGIN;
    let mut list: Vec<(String, &'static str, bool, f32)> = Vec::new();
    let indent = fonts.width("    ", LIST);
    let mut listed = 0;
    for f in &findings {
        // A numbered finding reads "3. …"; one that is not drawn on the diagram is a bullet.
        let marker = match numbered(f) {
            Some(_) => {
                listed += 1;
                format!("{listed}.")
            }
            None => "•".to_owned(),
        };
        let color = match f.severity {
            Severity::Violation => "#d52027",
            Severity::Warning => "#b07800",
            Severity::Note => "#0072b2",
        };
        // A slide is read by an audience: the rule's title, not its id (the id is in the report
        // and data exports).
        let head = format!(
            "{marker} {} ({}) — {}",
            f.info().title,
            f.severity,
            clean(&f.message)
        );
        let head_lines = fonts.wrap(&head, LIST_BOLD, list_width, usize::MAX);
        for (i, line) in head_lines.into_iter().enumerate() {
            list.push((line, color, i == 0, if i == 0 { 0.0 } else { indent }));
        }
        if f.severity != Severity::Note {
            for line in fonts.wrap(
                &format!("Fix: {}", f.info().fix),
                LIST,
                list_width - indent,
                usize::MAX,
            ) {
                list.push((line, "#3e4c59", false, indent));
            }
        }
    }
    // The tallest line sets the pitch (a fallback face for another script may be taller).
    let line_h = list
        .iter()
        .map(|(line, _, bold, _)| {
            fonts
                .measure(line, if *bold { LIST_BOLD } else { LIST })
                .height()
        })
        .fold(16.0f32, f32::max)
        + 3.0;
    let list_top = diagram_bottom + 30.0;
    let height = if list.is_empty() {
        diagram_bottom + 20.0
    } else {
        list_top + 30.0 + line_h * list.len() as f32 + 20.0
    }
    .ceil();

    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="{SVG_REGULAR}">"#
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&s.meta.title));
    out.push_str("<defs>\n");
    for state in [
        LinkState::Valid,
        LinkState::Warning,
        LinkState::Violation,
        LinkState::Future,
    ] {
        let _ = writeln!(
            out,
            r#"<marker id="arrow-{}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{}"/></marker>"#,
            state.key(),
            state.color()
        );
    }
    out.push_str("</defs>\n");
    if !transparent {
        let _ = writeln!(
            out,
            r##"<rect width="100%" height="100%" fill="#ffffff"/>"##
        );
    }
    out.push_str(&header);

    // Links (under everything else).
    out.push_str("<g id=\"links\" fill=\"none\">\n");
    for route in &all_routes {
        let Some(link) = s.link(route.link.as_str()) else {
            continue;
        };
        let state = sheet.link_state(link);
        let (a, c, b) = (at(route.from), at(route.control), at(route.to));
        let start = toward(a, c, RADIUS);
        let end = toward(b, c, RADIUS + 3.0);
        let dash = match (state, link.kind) {
            (LinkState::Violation, _) => r#" stroke-dasharray="10 6""#,
            (LinkState::Future, _) => r#" stroke-dasharray="2 6""#,
            (_, LinkKind::Admin) => r#" stroke-dasharray="3 4""#,
            _ => "",
        };
        let stroke_width = if matches!(link.kind, LinkKind::Supply | LinkKind::Purchase) {
            3.0
        } else {
            2.0
        };
        let _ = writeln!(
            out,
            r#"<g id="link-{}" class="link {} {}"><title>{} {} → {} ({})</title><path d="M{:.1},{:.1} Q{:.1},{:.1} {:.1},{:.1}" stroke="{}" stroke-width="{stroke_width}"{dash} marker-end="url(#arrow-{})"/></g>"#,
            escape(link.id.as_str()),
            link.kind.key(),
            state.key(),
            link.kind.label(),
            escape(sheet.name(&link.from).as_str()),
            escape(sheet.name(&link.to).as_str()),
            link.date,
            start.x,
            start.y,
            c.x,
            c.y,
            end.x,
            end.y,
            state.color(),
            state.key()
        );
    }
    out.push_str("</g>\n");

    // Parties: shape, then the name on its plate.
    out.push_str("<g id=\"parties\">\n");
    for party in s.parties() {
        let Some(p) = positions.get(&party.id) else {
            continue;
        };
        let c = at(*p);
        let _ = write!(
            out,
            r#"<g id="party-{}" class="party {}"><title>{} ({})</title><g id="shape-{}">{}</g>"#,
            escape(party.id.as_str()),
            party.kind.key(),
            escape(party.name.as_str()),
            party.kind.label(),
            escape(party.id.as_str()),
            shape(party.kind, c.x, c.y, RADIUS, party_color(party.kind)),
        );
        if let Some((label, spot)) = party_labels.get(party.id.as_str()) {
            write_label(&mut out, label, *spot, dx, dy, "#1f2933");
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n");

    // Link labels and callouts, above the parties.
    out.push_str("<g id=\"link-labels\">\n");
    for route in &all_routes {
        let Some(link) = s.link(route.link.as_str()) else {
            continue;
        };
        let state = sheet.link_state(link);
        if let (Some(n), Some((centre, anchor))) = (
            numbers.get(link.id.as_str()),
            callouts.get(link.id.as_str()),
        ) {
            let (c, a) = (at(*centre), at(*anchor));
            let leader = if (c.x - a.x).hypot(c.y - a.y) > CALLOUT_R + 4.0 {
                format!(
                    r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{}" stroke-width="1.5"/>"#,
                    a.x,
                    a.y,
                    c.x,
                    c.y,
                    state.color()
                )
            } else {
                String::new()
            };
            let number = callout_text(*n);
            let m = fonts.measure(&number, TextStyle::bold(12.0));
            let half = callout_half(*n);
            let shape = if half > CALLOUT_R {
                format!(
                    r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{}" rx="{CALLOUT_R}" fill="{}"/>"#,
                    c.x - half,
                    c.y - CALLOUT_R,
                    2.0 * half,
                    2.0 * CALLOUT_R,
                    state.color()
                )
            } else {
                format!(
                    r#"<circle cx="{:.1}" cy="{:.1}" r="{CALLOUT_R}" fill="{}"/>"#,
                    c.x,
                    c.y,
                    state.color()
                )
            };
            let _ = writeln!(
                out,
                r##"{leader}<g id="callout-{}"><title>{} {} → {}</title>{shape}<text x="{:.1}" y="{:.1}" font-size="12" {} fill="#ffffff" text-anchor="middle">{number}</text></g>"##,
                n.0,
                link.kind.label(),
                escape(sheet.name(&link.from).as_str()),
                escape(sheet.name(&link.to).as_str()),
                c.x,
                c.y - m.height() / 2.0 + m.ascent,
                family(TextStyle::bold(12.0)),
            );
        } else if let Some((label, spot)) = kind_labels.get(link.id.as_str()) {
            write_label(&mut out, label, *spot, dx, dy, "#52606d");
            out.push('\n');
        }
    }
    out.push_str("</g>\n");

    // Findings list.
    if !list.is_empty() {
        let _ = writeln!(
            out,
            r##"<g id="findings" font-size="13"><line x1="{MARGIN}" y1="{:.0}" x2="{:.0}" y2="{:.0}" stroke="#cbd2d9"/><text x="{MARGIN}" y="{:.0}" font-size="17" {} fill="#1f2933">Findings</text>"##,
            list_top - 8.0,
            width - MARGIN,
            list_top - 8.0,
            list_top + 16.0,
            family(TextStyle::bold(17.0)),
        );
        for (i, (line, color, bold, indent)) in list.iter().enumerate() {
            let weight = if *bold {
                family(LIST_BOLD)
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                r#"<text x="{:.1}" y="{:.1}" fill="{color}" {weight}>{}</text>"#,
                MARGIN + indent,
                list_top + 40.0 + line_h * i as f32,
                escape(line.as_str())
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str("</svg>\n");
    progress.set(1.0);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (the tests need no more than that).
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self, range: f32) -> f32 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 40) as f32 / (1u64 << 24) as f32 * range
        }
    }

    /// The PNG size check refuses by [`least_page_size`]: it must never exceed the real page.
    #[test]
    fn the_least_page_size_is_never_more_than_the_page() {
        for b in crate::scenarios::BUILTIN {
            let s = b.load().unwrap();
            let sheet = crate::export::Sheet::new(&s, None);
            let positions = sheet.positions();
            let span = |f: fn(&Position) -> f32| {
                let values = positions.values().map(f);
                values.clone().fold(f32::MIN, f32::max) - values.fold(f32::MAX, f32::min)
            };
            let (w, h) = least_page_size(span(|p| p.x), span(|p| p.y));
            let svg = render_with(&sheet, false, &Progress::none()).unwrap();
            let attr = |name: &str| -> f32 {
                let at = svg.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
                svg[at..at + svg[at..].find('"').unwrap()].parse().unwrap()
            };
            assert!(w <= attr("width"), "{}: {w} > {}", b.slug, attr("width"));
            assert!(h <= attr("height"), "{}: {h} > {}", b.slug, attr("height"));
        }
    }

    #[test]
    fn the_indexes_answer_what_testing_every_box_and_link_answers() {
        let mut rng = Lcg(11);
        // Links of every length: short ones between neighbours, long ones across the drawing.
        let mut lines = Vec::new();
        for i in 0..400 {
            let reach = if i % 5 == 0 { 20_000.0 } else { 600.0 };
            let from = Position {
                x: rng.next(20_000.0),
                y: rng.next(2_000.0),
            };
            let to = Position {
                x: from.x + rng.next(reach) - reach / 2.0,
                y: from.y + rng.next(reach / 4.0) - reach / 8.0,
            };
            let route = Route {
                link: crate::model::LinkId::from(format!("l{i}").as_str()),
                from,
                control: Position {
                    x: (from.x + to.x) / 2.0 + rng.next(200.0) - 100.0,
                    y: (from.y + to.y) / 2.0 + rng.next(200.0) - 100.0,
                },
                to,
            };
            lines.push(Line::new(&route));
        }
        let crossings = Crossings::new(&lines);
        let mut board = Board::default();
        let mut plain: Vec<Box2> = Vec::new();
        for _ in 0..1_500 {
            let b = Box2::around(
                rng.next(20_000.0),
                rng.next(2_000.0),
                rng.next(120.0) + 2.0,
                rng.next(30.0) + 2.0,
            );
            let crossed = lines
                .iter()
                .filter(|l| l.points.windows(2).any(|w| b.crossed_by(w[0], w[1])))
                .count();
            assert_eq!(crossings.count(&b), crossed, "links crossing {b:?}");
            let free = !plain.iter().any(|t| t.overlaps(&b));
            assert_eq!(board.free(&b), free, "{b:?} free");
            if free {
                board.take(b);
                plain.push(b);
            }
        }
        assert!(plain.len() > 100, "the test takes many boxes");
        assert_eq!(
            board.bottom,
            plain.iter().map(|b| b.y1).reduce(f32::max),
            "the lowest edge"
        );
    }
}
