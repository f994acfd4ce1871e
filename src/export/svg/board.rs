//! Owns the placement's geometry (boxes) and its two indexes, the taken boxes and the links' curves;
//! must not know parties, findings or SVG text.
//!
//! The taken boxes are a hashed grid and the links' sampled curves a uniform grid, so asking "is this
//! spot free, and how many links cross it" costs the cells it meets.

use crate::layout::Route;
use crate::model::Position;
use std::collections::HashMap;

/// An axis-aligned box.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Box2 {
    pub(super) x0: f32,
    pub(super) y0: f32,
    pub(super) x1: f32,
    pub(super) y1: f32,
}

impl Box2 {
    pub(super) fn around(x: f32, y: f32, half_w: f32, half_h: f32) -> Self {
        Box2 {
            x0: x - half_w,
            y0: y - half_h,
            x1: x + half_w,
            y1: y + half_h,
        }
    }

    pub(super) fn overlaps(&self, o: &Box2) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    pub(super) fn shifted(&self, dx: f32, dy: f32) -> Self {
        Box2 {
            x0: self.x0 + dx,
            y0: self.y0 + dy,
            x1: self.x1 + dx,
            y1: self.y1 + dy,
        }
    }

    pub(super) fn union(&self, o: &Box2) -> Self {
        Box2 {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }

    /// Whether the segment a–b passes through the box (sampled: links are short Béziers): one of
    /// the points [`Box2::samples`] takes is inside. Each sample is computed as `samples` does
    /// and all nine are tested without branching, inlined: a label's spot asks it of every short
    /// segment in its cells, and as a call that stopped at the first hit it was a fifth of
    /// counting the links that cross a spot.
    #[inline]
    pub(super) fn crossed_by(&self, a: Position, b: Position) -> bool {
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let mut inside = false;
        for i in 0..=8 {
            let t = i as f32 / 8.0;
            let (x, y) = (a.x + dx * t, a.y + dy * t);
            inside |= (x > self.x0) & (x < self.x1) & (y > self.y0) & (y < self.y1);
        }
        inside
    }

    /// The points [`Box2::crossed_by`] tests on a segment.
    pub(super) fn samples(a: Position, b: Position) -> impl Iterator<Item = Position> {
        (0..=8).map(move |i| {
            let t = i as f32 / 8.0;
            Position {
                x: a.x + (b.x - a.x) * t,
                y: a.y + (b.y - a.y) * t,
            }
        })
    }

    /// The box grown by `by` on every side.
    pub(super) fn grown(&self, by: f32) -> Self {
        Box2 {
            x0: self.x0 - by,
            y0: self.y0 - by,
            x1: self.x1 + by,
            y1: self.y1 + by,
        }
    }

    /// Whether a point is strictly inside.
    pub(super) fn contains(&self, p: Position) -> bool {
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
pub(super) struct Board {
    pub(super) taken: Vec<Box2>,
    /// Per cell (column, row): the boxes meeting it, copied there, so that a question reads each
    /// cell's boxes in one run of memory (through indexes into `taken`, each box was a jump of
    /// its own, which at 10,000 parties missed the cache where at 1,000 it did not).
    /// Outside `area`, and beyond a cell's first [`INLINE`] boxes inside it.
    cells: HashMap<(i64, i64), Vec<Box2>, foldhash::fast::RandomState>,
    /// The cells over the drawing (where nearly every box goes), row by row from `area`'s first
    /// cell, each holding its first [`INLINE`] boxes in itself: a question reads a cell's boxes
    /// where it finds the cell, where the hashed grid's lookup and the boxes' own allocation were
    /// two misses of the cache per cell at 10,000 parties (`Board::free`: 4% of a 1,000-party
    /// SVG export, 10% of a 10,000-party one).
    dense: Vec<Cell>,
    /// The first column and row of `dense` and how many of each.
    area: (i64, i64, i64, i64),
    /// Boxes too large to file (see [`BOARD_SPAN`]).
    oversize: Vec<u32>,
    /// The lowest bottom edge taken, for the last-resort spot below everything.
    pub(super) bottom: Option<f32>,
    /// Where every box must stay, if anywhere: a PNG's page is sized before its labels are placed,
    /// from this frame, so a label outside it would make the picture larger than promised.
    pub(super) frame: Option<Box2>,
}

/// How many boxes a cell of [`Board`]'s `dense` grid holds in itself.
const INLINE: usize = 5;

/// A cell of [`Board`]'s grid over the drawing: its first [`INLINE`] boxes and how many it has in
/// all (the others are in the hashed cells).
#[derive(Clone, Copy)]
struct Cell {
    count: u32,
    boxes: [Box2; INLINE],
}

impl Board {
    /// An empty board with room for about `boxes` boxes, so that filing them does not grow the
    /// grid a doubling at a time (rehashing it was 3% of placing a 10,000-party drawing, and grew
    /// faster than the drawing), and its cells over `area` (where the boxes will be) laid out
    /// in one array.
    pub(super) fn with_room(boxes: usize, area: Option<Box2>) -> Self {
        let mut board = Board::default();
        board.taken.reserve(boxes);
        if let Some(area) = area {
            let ((c0, c1), (r0, r1)) = Self::span(&area);
            let (columns, rows) = (c1 - c0 + 1, r1 - r0 + 1);
            // A drawing is a few hundred cells a side; a grid of more than a few million cells
            // would say more about its positions than about where labels go: hashed, then.
            if columns > 0 && rows > 0 && columns.saturating_mul(rows) <= 4_000_000 {
                board.area = (c0, r0, columns, rows);
                let blank = Cell {
                    count: 0,
                    boxes: [Box2::around(0.0, 0.0, 0.0, 0.0); INLINE],
                };
                board.dense = vec![blank; (columns * rows) as usize];
                board.cells.reserve(boxes / 8);
                return board;
            }
        }
        board.cells.reserve(boxes);
        board
    }

    /// The place of the cell (column, row) in `dense`, if it is there.
    #[inline]
    fn dense_at(&self, c: i64, r: i64) -> Option<usize> {
        let (c0, r0, columns, rows) = self.area;
        let (c, r) = (c - c0, r - r0);
        (c >= 0 && r >= 0 && c < columns && r < rows).then(|| (r * columns + c) as usize)
    }

    /// The cells (columns, rows) a box meets, inclusive.
    fn span(b: &Box2) -> ((i64, i64), (i64, i64)) {
        let cell = |v: f32| (v / BOARD_CELL).floor() as i64;
        ((cell(b.x0), cell(b.x1)), (cell(b.y0), cell(b.y1)))
    }

    pub(super) fn free(&self, b: &Box2) -> bool {
        if self
            .frame
            .is_some_and(|f| b.x0 < f.x0 || b.y0 < f.y0 || b.x1 > f.x1 || b.y1 > f.y1)
        {
            return false;
        }
        if self
            .oversize
            .iter()
            .any(|i| self.taken[*i as usize].overlaps(b))
        {
            return false;
        }
        let ((c0, c1), (r0, r1)) = Self::span(b);
        if c1 - c0 > BOARD_SPAN || r1 - r0 > BOARD_SPAN {
            // A question as large as the board itself: ask every box.
            return !self.taken.iter().any(|t| t.overlaps(b));
        }
        for r in r0..=r1 {
            for c in c0..=c1 {
                if let Some(i) = self.dense_at(c, r) {
                    let cell = &self.dense[i];
                    let inline = (cell.count as usize).min(INLINE);
                    if cell.boxes[..inline].iter().any(|t| t.overlaps(b)) {
                        return false;
                    }
                    if inline == cell.count as usize {
                        continue;
                    }
                }
                if self
                    .cells
                    .get(&(c, r))
                    .is_some_and(|v| v.iter().any(|t| t.overlaps(b)))
                {
                    return false;
                }
            }
        }
        true
    }

    pub(super) fn take(&mut self, b: Box2) {
        // (Four billion boxes would take far more memory than any machine has for them.)
        let index = self.taken.len() as u32;
        self.taken.push(b);
        let ((c0, c1), (r0, r1)) = Self::span(&b);
        if c1 - c0 > BOARD_SPAN || r1 - r0 > BOARD_SPAN {
            self.oversize.push(index);
        } else {
            for r in r0..=r1 {
                for c in c0..=c1 {
                    if let Some(i) = self.dense_at(c, r) {
                        let cell = &mut self.dense[i];
                        cell.count += 1;
                        if cell.count as usize <= INLINE {
                            cell.boxes[cell.count as usize - 1] = b;
                            continue;
                        }
                    }
                    self.cells.entry((c, r)).or_default().push(b);
                }
            }
        }
        self.bottom = Some(self.bottom.map_or(b.y1, |y| y.max(b.y1)));
    }
}

/// How many points a link's curve is sampled at ([`polyline`]).
pub(super) const POLYLINE: usize = 13;

/// A link as straight segments (the Bézier sampled), for counting how many links cross a label.
pub(super) fn polyline(route: &Route) -> impl Iterator<Item = Position> + '_ {
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

/// The side of a cell of [`Crossings`]' grid of short segments (at least: a drawing spread very
/// wide gets wider cells, so that the grid never has more than [`MAX_CELLS`] cells, nor many
/// more than it has sampled points).
const CELL: f32 = 128.0;
/// The side of a cell of [`Crossings`]' grid of points (at least, as [`CELL`]): finer, since a
/// point is filed once whatever the cells' size, and a label's spot (a couple of hundred units
/// by a few dozen) then reads the points of about a third of the area a 128-unit cell made it
/// read. A segment is filed in every cell its box meets, so its cells stay coarse.
const POINT_CELL: f32 = 64.0;
const MAX_CELLS: usize = 16_000_000;
const ORIGIN: Position = Position { x: 0.0, y: 0.0 };

/// The links' sampled curves in a uniform grid: which links cross a box, without testing every
/// link. It answers exactly what testing every segment with [`Box2::crossed_by`] answers.
///
/// A short segment is filed under every cell its box touches, a long one's points that
/// `crossed_by` samples under the cell each falls in. Each cell holds the geometry itself, so a
/// question reads its cells in order.
///
/// Only the cells where a question can come are filed: those that meet one of the boxes it is
/// built with (where names go, around the parties). A long link's samples mostly fall between
/// the tiers, where no name goes: at 10,000 parties half of them (46% of the pieces, against 29%
/// at 1,000), so filing them made the index grow faster than the channel. A question that meets
/// a cell left out is answered from the links' curves themselves, link by link (slower, the same
/// answer), so the boxes bound where the index is fast, not what it answers. The grid is built in two linear passes (count, then fill):
/// a channel of a million links (some 50 million sampled points) is indexed in seconds, where an
/// R*-tree took half a minute to bulk-load them.
pub(super) struct Crossings {
    /// The cells of `points` and those of `segments`: the same drawing, cut finer for points.
    point_grid: Grid,
    segment_grid: Grid,
    /// Where each cell's entries start in `points` and in `segments` (one more than cells).
    /// Four bytes each: a grid has up to [`MAX_CELLS`] cells, and its starts were most of its
    /// memory at eight.
    point_starts: Vec<u32>,
    segment_starts: Vec<u32>,
    /// Sampled points of long segments: x, y and the link's index.
    points: Vec<(f32, f32, u32)>,
    /// Short segments: their ends and the link's index.
    segments: Vec<(Position, Position, u32)>,
    /// The links found crossing a box, kept between questions (a question per candidate spot
    /// of every label, each of which once made and freed its own list).
    crossing: std::cell::RefCell<Vec<u32>>,
    /// Per cell of `point_grid` and of `segment_grid`: whether it is filed (see above).
    point_filed: Vec<bool>,
    segment_filed: Vec<bool>,
    /// The curves, `per` points each, for a question that meets a cell not filed.
    curves: Vec<Position>,
    per: usize,
}

#[cfg(test)]
thread_local! {
    /// How many [`Crossings`] this thread has built (what a test of when they are needed reads).
    pub(super) static BUILT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// One thing filed in a cell of [`Crossings`].
enum Piece {
    Point(Position),
    Segment(Position, Position),
}

/// A uniform grid over the drawing: its origin, the side of its cells, and how many there are.
#[derive(Clone, Copy)]
struct Grid {
    x0: f32,
    y0: f32,
    cell: f32,
    columns: usize,
    rows: usize,
}

impl Grid {
    /// Cells of at least `least` units over the box from (x0, y0) to (x1, y1), about `most`
    /// of them at most (within `1_024..=MAX_CELLS`).
    fn new((x0, y0, x1, y1): (f32, f32, f32, f32), least: f32, most: usize) -> Self {
        let most = most.clamp(1_024, MAX_CELLS) as f32;
        let cell = least.max(((x1 - x0 + least) * (y1 - y0 + least) / most).sqrt());
        Grid {
            x0,
            y0,
            cell,
            columns: ((x1 - x0) / cell) as usize + 1,
            rows: ((y1 - y0) / cell) as usize + 1,
        }
    }

    fn cells(&self) -> usize {
        self.columns * self.rows
    }

    /// Per cell: whether it meets one of `boxes`.
    fn meeting(&self, boxes: &[Box2]) -> Vec<bool> {
        let mut meets = vec![false; self.cells()];
        for b in boxes {
            let (c0, r0) = self.cell_of(b.x0, b.y0);
            let (c1, r1) = self.cell_of(b.x1, b.y1);
            for r in r0..=r1 {
                meets[r * self.columns + c0..=r * self.columns + c1].fill(true);
            }
        }
        meets
    }

    /// Whether every cell a box meets is marked in `marked` (per cell, as [`Grid::meeting`]).
    fn all_marked(&self, b: &Box2, marked: &[bool]) -> bool {
        let (c0, r0) = self.cell_of(b.x0, b.y0);
        let (c1, r1) = self.cell_of(b.x1, b.y1);
        (r0..=r1).all(|r| {
            marked[r * self.columns + c0..=r * self.columns + c1]
                .iter()
                .all(|m| *m)
        })
    }

    /// The cell (column, row) a point is in, clamped to the grid.
    fn cell_of(&self, x: f32, y: f32) -> (usize, usize) {
        let c = ((x - self.x0) / self.cell).max(0.0) as usize;
        let r = ((y - self.y0) / self.cell).max(0.0) as usize;
        (c.min(self.columns - 1), r.min(self.rows - 1))
    }
}

impl Crossings {
    #[cfg(test)]
    fn new(lines: &[Line], asked: &[Box2]) -> Self {
        let curves: Vec<Position> = lines.iter().flat_map(|l| l.points.clone()).collect();
        Self::build(curves, lines.first().map_or(1, |l| l.points.len()), asked)
    }

    /// The curves of the routes, filed where the boxes `asked` meet (where questions come).
    pub(super) fn of_routes(routes: &[Route], asked: &[Box2]) -> Self {
        let curves: Vec<Position> = routes.iter().flat_map(polyline).collect();
        Self::build(curves, POLYLINE, asked)
    }

    /// Files the curves of `curves`, `per` points each (sampled once, then read for the extent,
    /// to count and to fill), in the cells that meet the boxes `asked`.
    fn build(curves: Vec<Position>, per: usize, asked: &[Box2]) -> Self {
        #[cfg(test)]
        BUILT.with(|built| built.set(built.get() + 1));
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for p in &curves {
            x0 = x0.min(p.x);
            y0 = y0.min(p.y);
            x1 = x1.max(p.x);
            y1 = y1.max(p.y);
        }
        if x0 > x1 {
            (x0, y0, x1, y1) = (0.0, 0.0, 0.0, 0.0);
        }
        let count = curves.len() / per.max(1);
        let extent = (x0, y0, x1, y1);
        let mut grid = Crossings {
            point_grid: Grid::new(extent, POINT_CELL, count * POLYLINE * 4),
            segment_grid: Grid::new(extent, CELL, count * POLYLINE * 2),
            point_starts: Vec::new(),
            segment_starts: Vec::new(),
            points: Vec::new(),
            segments: Vec::new(),
            crossing: std::cell::RefCell::new(Vec::new()),
            point_filed: Vec::new(),
            segment_filed: Vec::new(),
            curves: Vec::new(),
            per,
        };
        let (point_cells, segment_cells) = (grid.point_grid.cells(), grid.segment_grid.cells());
        grid.point_filed = grid.point_grid.meeting(asked);
        grid.segment_filed = grid.segment_grid.meeting(asked);
        // Counted per cell (each count one ahead), summed into where each cell starts, then each
        // piece filed at its cell's next free place: the starts end one cell ahead, and are
        // shifted back after.
        let mut points = vec![0u32; point_cells + 1];
        let mut segments = vec![0u32; segment_cells + 1];
        grid.each_piece(&curves, per, |cell, piece, _| match piece {
            Piece::Point(_) => points[cell + 1] += 1,
            Piece::Segment(..) => segments[cell + 1] += 1,
        });
        for c in 0..point_cells {
            points[c + 1] += points[c];
        }
        for c in 0..segment_cells {
            segments[c + 1] += segments[c];
        }
        let mut filed_points = vec![(0.0, 0.0, 0); points[point_cells] as usize];
        let mut filed_segments = vec![(ORIGIN, ORIGIN, 0); segments[segment_cells] as usize];
        grid.each_piece(&curves, per, |cell, piece, line| match piece {
            Piece::Point(p) => {
                filed_points[points[cell] as usize] = (p.x, p.y, line);
                points[cell] += 1;
            }
            Piece::Segment(a, b) => {
                filed_segments[segments[cell] as usize] = (a, b, line);
                segments[cell] += 1;
            }
        });
        // Each cell's next free place is now the next cell's start: shift them back one cell.
        for (starts, cells) in [(&mut points, point_cells), (&mut segments, segment_cells)] {
            starts.copy_within(0..cells, 1);
            starts[0] = 0;
        }
        grid.point_starts = points;
        grid.segment_starts = segments;
        grid.points = filed_points;
        grid.segments = filed_segments;
        grid.curves = curves;
        grid
    }

    /// Calls `f` with every (cell, piece, link index) the grids hold: a point's cell is one of
    /// the point grid, a segment's one of the segment grid.
    fn each_piece(&self, curves: &[Position], per: usize, mut f: impl FnMut(usize, Piece, u32)) {
        let (points, segments) = (&self.point_grid, &self.segment_grid);
        for (line, curve) in curves.chunks(per.max(1)).enumerate() {
            // (Four billion links would take far more memory than any machine has for them.)
            let index = line as u32;
            for w in curve.windows(2) {
                let (a, b) = (w[0], w[1]);
                if (b.x - a.x).abs() <= LONG_SEGMENT && (b.y - a.y).abs() <= LONG_SEGMENT {
                    let (c0, r0) = segments.cell_of(a.x.min(b.x), a.y.min(b.y));
                    let (c1, r1) = segments.cell_of(a.x.max(b.x), a.y.max(b.y));
                    for r in r0..=r1 {
                        for c in c0..=c1 {
                            let cell = r * segments.columns + c;
                            if self.segment_filed[cell] {
                                f(cell, Piece::Segment(a, b), index);
                            }
                        }
                    }
                } else {
                    for p in Box2::samples(a, b) {
                        let (c, r) = points.cell_of(p.x, p.y);
                        let cell = r * points.columns + c;
                        if self.point_filed[cell] {
                            f(cell, Piece::Point(p), index);
                        }
                    }
                }
            }
        }
    }

    /// How many links cross the box.
    #[cfg(test)]
    pub(super) fn count(&self, b: &Box2) -> usize {
        self.count_up_to(b, usize::MAX)
    }

    /// How many links cross the box, counted up to `most` (`most` when at least that many do):
    /// a label's spot is compared with the best found so far, and once as many links cross it
    /// as cross the best, how many more do not matter.
    pub(super) fn count_up_to(&self, b: &Box2, most: usize) -> usize {
        if !self.point_grid.all_marked(b, &self.point_filed)
            || !self.segment_grid.all_marked(b, &self.segment_filed)
        {
            return self.count_each_curve(b).min(most);
        }
        /// Up to this many, the links are told apart as they are found (a short list searched
        /// each time), which lets the count stop at `most`; beyond it, sorted once at the end.
        const ONE_BY_ONE: usize = 64;
        let mut crossing = self.crossing.borrow_mut();
        crossing.clear();
        let one_by_one = most <= ONE_BY_ONE;
        // Whether the count has reached `most` with `line` (told apart one by one).
        let add = |crossing: &mut Vec<u32>, line: u32| {
            if !one_by_one {
                crossing.push(line);
                return false;
            }
            if !crossing.contains(&line) {
                crossing.push(line);
            }
            crossing.len() >= most
        };
        // A row's cells are side by side in `points`: the box's part of a row is one run.
        let grid = &self.point_grid;
        let (c0, r0) = grid.cell_of(b.x0, b.y0);
        let (c1, r1) = grid.cell_of(b.x1, b.y1);
        for r in r0..=r1 {
            let run = r * grid.columns;
            let run =
                self.point_starts[run + c0] as usize..self.point_starts[run + c1 + 1] as usize;
            for &(x, y, line) in &self.points[run] {
                if b.contains(Position { x, y }) && add(&mut crossing, line) {
                    return most;
                }
            }
        }
        let grid = &self.segment_grid;
        let (c0, r0) = grid.cell_of(b.x0, b.y0);
        let (c1, r1) = grid.cell_of(b.x1, b.y1);
        for r in r0..=r1 {
            for c in c0..=c1 {
                let cell = r * grid.columns + c;
                let segments = &self.segments
                    [self.segment_starts[cell] as usize..self.segment_starts[cell + 1] as usize];
                for &(p, q, line) in segments {
                    if b.crossed_by(p, q) && add(&mut crossing, line) {
                        return most;
                    }
                }
            }
        }
        if !one_by_one {
            crossing.sort_unstable();
            crossing.dedup();
        }
        crossing.len().min(most)
    }
}

impl Crossings {
    /// How many links cross the box, each segment of each curve tested with
    /// [`Box2::crossed_by`] (what the index answers: a long segment's filed points are the ones
    /// it tests). What a question that meets a cell not filed is answered with.
    fn count_each_curve(&self, b: &Box2) -> usize {
        self.curves
            .chunks(self.per.max(1))
            .filter(|curve| curve.windows(2).any(|w| b.crossed_by(w[0], w[1])))
            .count()
    }
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

    #[test]
    fn a_crowded_cell_of_the_grid_over_the_drawing_keeps_every_box() {
        let area = Box2::around(0.0, 0.0, 1_000.0, 1_000.0);
        let mut board = Board::with_room(0, Some(area));
        // Twenty small boxes in one 256-unit cell: five in the cell, the rest hashed.
        let boxes: Vec<Box2> = (0..20)
            .map(|i| Box2::around(10.0 + 12.0 * i as f32, 10.0, 4.0, 4.0))
            .collect();
        for b in &boxes {
            assert!(board.free(b));
            board.take(*b);
        }
        for b in &boxes {
            assert!(!board.free(&Box2::around(b.x0 + 4.0, b.y0 + 4.0, 1.0, 1.0)));
        }
        assert!(board.free(&Box2::around(16.0, 10.0, 1.0, 1.0)));
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
        // Filed everywhere, and only around twenty-five boxes (where the questions that meet them are
        // answered from the index, the others link by link): both answer the same.
        let everywhere = Crossings::new(
            &lines,
            &[Box2 {
                x0: -30_000.0,
                y0: -30_000.0,
                x1: 50_000.0,
                y1: 50_000.0,
            }],
        );
        let asked: Vec<Box2> = (0..25)
            .map(|_| Box2::around(rng.next(20_000.0), rng.next(2_000.0), 600.0, 200.0))
            .collect();
        let near = Crossings::new(&lines, &asked);
        let filed = |c: &Crossings| c.points.len() + c.segments.len();
        assert!(
            filed(&near) < filed(&everywhere) / 2,
            "the index around the boxes leaves most cells out"
        );
        let mut board = Board::default();
        // Its cells over part of the boxes' area in one array, the others hashed.
        let mut dense = Board::with_room(
            0,
            Some(Box2 {
                x0: 5_000.0,
                y0: 500.0,
                x1: 15_000.0,
                y1: 3_000.0,
            }),
        );
        assert!(!dense.dense.is_empty());
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
            for crossings in [&everywhere, &near] {
                assert_eq!(crossings.count(&b), crossed, "links crossing {b:?}");
                for most in [1, 2, 3, 100] {
                    assert_eq!(crossings.count_up_to(&b, most), crossed.min(most), "{b:?}");
                }
            }
            let free = !plain.iter().any(|t| t.overlaps(&b));
            assert_eq!(board.free(&b), free, "{b:?} free");
            assert_eq!(dense.free(&b), free, "{b:?} free");
            if free {
                board.take(b);
                dense.take(b);
                plain.push(b);
            }
        }
        assert!(plain.len() > 100, "the test takes many boxes");
        // Some questions met only filed cells of `near`, others left ones.
        let (inside, outside): (Vec<&Box2>, Vec<&Box2>) = plain
            .iter()
            .partition(|b| near.point_grid.all_marked(b, &near.point_filed));
        assert!(
            inside.len() > 5 && outside.len() > 5,
            "{} questions in the filed cells, {} outside",
            inside.len(),
            outside.len()
        );
        assert_eq!(
            board.bottom,
            plain.iter().map(|b| b.y1).reduce(f32::max),
            "the lowest edge"
        );
    }
}
