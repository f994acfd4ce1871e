//! Owns the geometry helpers of routing (segment clipping, distances, the grid of party centres);
//! must not know parties, links or scenarios (only points and segments).
//!
//! Which party stands in the way of a straight link, found without testing every party against
//! every link: party centres are filed in a uniform grid (built in two linear passes, count then
//! fill), and a link walks the grid's columns from both of its ends toward its middle, stopping as
//! soon as no column ahead can hold a party nearer to its end than the one already found. A link
//! whose ends stand among other parties, as in the tier layout, costs a few columns however long it
//! is. (An R*-tree searched for the party nearest to the whole line made each long link walk the
//! boxes along all of it: a 300,000-party channel's 240,000 long provider links cost more than the
//! rest of its draw.io or GraphML export together.)

use crate::model::Position;

/// The most cells the grid has per point (a drawing spread very wide gets wider cells instead).
const CELLS_PER_POINT: usize = 4;

/// Points (party centres) in a uniform grid, searchable along a segment.
pub struct PointGrid {
    x0: f32,
    y0: f32,
    cell: f32,
    columns: usize,
    rows: usize,
    /// Where each cell's points start in `points` (one more than cells).
    starts: Vec<u32>,
    /// The points, cell by cell: x, y and the rank (the position in the caller's order).
    points: Vec<(f32, f32, u32)>,
}

/// A point in the way of a segment (see [`PointGrid::in_the_way`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct InTheWay {
    /// How near it stands to an end: min(t, 1 − t), `t` its clamped projection on the segment as a
    /// fraction of the way from its start.
    pub from_end: f32,
    /// Its distance from the segment.
    pub distance: f32,
    /// Its rank.
    pub rank: usize,
    /// Where it is.
    pub at: Position,
}

impl InTheWay {
    /// Measures the point `at` (of `rank`) against the segment `a`–`b`.
    pub fn measure(at: Position, rank: usize, a: Position, b: Position) -> Self {
        let (abx, aby) = (b.x - a.x, b.y - a.y);
        let len2 = (abx * abx + aby * aby).max(1e-6);
        let t = (((at.x - a.x) * abx + (at.y - a.y) * aby) / len2).clamp(0.0, 1.0);
        let (cx, cy) = (a.x + abx * t - at.x, a.y + aby * t - at.y);
        InTheWay {
            from_end: t.min(1.0 - t),
            distance: (cx * cx + cy * cy).sqrt(),
            rank,
            at,
        }
    }

    /// The order of preference: nearest to an end, then nearest to the segment, then lowest rank.
    pub fn before(&self, other: &InTheWay) -> bool {
        (self.from_end, self.distance, self.rank) < (other.from_end, other.distance, other.rank)
    }
}

impl PointGrid {
    /// Files the points in cells of at least `cell` units; each keeps its place in `points` as its
    /// rank.
    pub fn new(points: &[Position], cell: f32) -> Self {
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for p in points {
            x0 = x0.min(p.x);
            y0 = y0.min(p.y);
            x1 = x1.max(p.x);
            y1 = y1.max(p.y);
        }
        if points.is_empty() {
            (x0, y0, x1, y1) = (0.0, 0.0, 0.0, 0.0);
        }
        let most = (points.len() * CELLS_PER_POINT).max(1_024) as f32;
        let cell = cell.max(((x1 - x0 + cell) * (y1 - y0 + cell) / most).sqrt());
        let columns = ((x1 - x0) / cell) as usize + 1;
        let rows = ((y1 - y0) / cell) as usize + 1;
        let mut grid = PointGrid {
            x0,
            y0,
            cell,
            columns,
            rows,
            starts: vec![0; columns * rows + 1],
            points: vec![(0.0, 0.0, 0); points.len()],
        };
        let cells: Vec<usize> = points
            .iter()
            .map(|p| grid.cell_index(grid.column_of(p.x), grid.row_of(p.y)))
            .collect();
        for &c in &cells {
            grid.starts[c + 1] += 1;
        }
        for c in 0..columns * rows {
            grid.starts[c + 1] += grid.starts[c];
        }
        let mut next = grid.starts.clone();
        for (rank, (p, &c)) in points.iter().zip(&cells).enumerate() {
            // (Four billion parties would take far more memory than any machine has for them.)
            grid.points[next[c] as usize] = (p.x, p.y, rank as u32);
            next[c] += 1;
        }
        grid
    }

    /// The column an x falls in, clamped to the grid.
    fn column_of(&self, x: f32) -> usize {
        (((x - self.x0) / self.cell).max(0.0) as usize).min(self.columns - 1)
    }

    /// The row a y falls in, clamped to the grid.
    fn row_of(&self, y: f32) -> usize {
        (((y - self.y0) / self.cell).max(0.0) as usize).min(self.rows - 1)
    }

    fn cell_index(&self, column: usize, row: usize) -> usize {
        row * self.columns + column
    }

    /// The point in the way of the segment `a`–`b` (closer than `within` to it, and accepted by
    /// `keep`) that stands nearest to one of its ends ([`InTheWay::before`] breaks ties). It
    /// answers what measuring every point would.
    ///
    /// Two walks, one from each end, take the grid's columns (rows, for a segment steeper than
    /// 45°) in turn toward the middle; a walk stops at the middle, or as soon as nothing in its next
    /// column can stand nearer to its end than the best point found so far.
    pub fn in_the_way(
        &self,
        a: Position,
        b: Position,
        within: f32,
        keep: impl Fn(usize) -> bool,
    ) -> Option<InTheWay> {
        let mut best: Option<InTheWay> = None;
        let mut walks = [Walk::new(self, a, b, within), Walk::new(self, b, a, within)];
        loop {
            let mut walked = false;
            for walk in &mut walks {
                if walk.done {
                    continue;
                }
                // A point past the middle is the other walk's: it stands nearer to the other end.
                let bound = best.map_or(0.5, |b| b.from_end.min(0.5));
                if walk.lower_bound(self) > bound + walk.slack {
                    walk.done = true;
                    continue;
                }
                walked = true;
                walk.take_column(self, a, b, within, &keep, &mut best);
            }
            if !walked {
                return best;
            }
        }
    }
}

/// One end's walk along a segment, a column of cells at a time (a row, for a steep segment). In the
/// walk's own terms `u` is the axis it walks along and `v` the other.
struct Walk {
    /// The start and the end of the segment in (u, v).
    from: (f32, f32),
    to: (f32, f32),
    steep: bool,
    /// The next column (or row) and the last one the walk may take.
    next: i64,
    last: i64,
    /// +1 or −1: the direction of the walk in columns.
    dir: i64,
    /// How far a point off the segment can be from it along u, as a fraction of the segment.
    off_line: f32,
    /// Rounding room in the stopping test (in fractions of the segment).
    slack: f32,
    done: bool,
}

impl Walk {
    fn new(grid: &PointGrid, from: Position, to: Position, within: f32) -> Self {
        let steep = (to.y - from.y).abs() > (to.x - from.x).abs();
        let uv = |p: Position| if steep { (p.y, p.x) } else { (p.x, p.y) };
        let (from, to) = (uv(from), uv(to));
        let (du, dv) = (to.0 - from.0, to.1 - from.1);
        let length = (du * du + dv * dv).sqrt();
        let origin = if steep { grid.y0 } else { grid.x0 };
        let limit = if steep { grid.rows } else { grid.columns } as i64;
        let line = |u: f32| (((u - origin) / grid.cell).floor() as i64).clamp(0, limit - 1);
        let dir = if du >= 0.0 { 1 } else { -1 };
        // From where a point within reach behind the start can be, to past the far end.
        let (next, last) = if dir > 0 {
            (line(from.0 - within), line(to.0 + within))
        } else {
            (line(from.0 + within), line(to.0 - within))
        };
        // A point within `within` of the line lies off it along u by at most within·|dv|/length.
        let off_line = if length > 1e-3 {
            within * dv.abs() / (length * du.abs())
        } else {
            0.0
        };
        let reach = from
            .0
            .abs()
            .max(from.1.abs())
            .max(to.0.abs())
            .max(to.1.abs());
        Walk {
            from,
            to,
            steep,
            next,
            last,
            dir,
            off_line,
            slack: 1e-4 + 1e-5 * (1.0 + reach) / length.max(1e-3),
            done: false,
        }
    }

    /// The least fraction of the way from this walk's start at which a point in the next column
    /// can stand: its near edge, less how far a point off the line can be. Grows along the walk.
    fn lower_bound(&self, grid: &PointGrid) -> f32 {
        let du = self.to.0 - self.from.0;
        if du.abs() <= 1e-3 {
            return 0.0;
        }
        let origin = if self.steep { grid.y0 } else { grid.x0 };
        let edge = origin + (self.next + i64::from(self.dir < 0)) as f32 * grid.cell;
        ((edge - self.from.0) / du - self.off_line).max(0.0)
    }

    /// Measures the points of the next column that may be within reach, then moves on.
    fn take_column(
        &mut self,
        grid: &PointGrid,
        a: Position,
        b: Position,
        within: f32,
        keep: &impl Fn(usize) -> bool,
        best: &mut Option<InTheWay>,
    ) {
        let origin = if self.steep { grid.y0 } else { grid.x0 };
        let (u0, u1) = (
            origin + self.next as f32 * grid.cell,
            origin + (self.next + 1) as f32 * grid.cell,
        );
        // The part of the segment a point of this column can be nearest to, and its v extent.
        let (lo, hi) = (self.from.0.min(self.to.0), self.from.0.max(self.to.0));
        let (q0, q1) = ((u0 - within).max(lo), (u1 + within).min(hi));
        if q0 <= q1 {
            let du = self.to.0 - self.from.0;
            let v_at = |u: f32| {
                if du.abs() <= 1e-3 {
                    self.from.1
                } else {
                    self.from.1 + (u - self.from.0) * (self.to.1 - self.from.1) / du
                }
            };
            let (va, vb) = (v_at(q0), v_at(q1));
            let (v0, v1) = (va.min(vb) - within, va.max(vb) + within);
            let column = self.next as usize;
            let (r0, r1) = if self.steep {
                (grid.column_of(v0), grid.column_of(v1))
            } else {
                (grid.row_of(v0), grid.row_of(v1))
            };
            for r in r0..=r1 {
                let cell = if self.steep {
                    grid.cell_index(r, column)
                } else {
                    grid.cell_index(column, r)
                };
                let (start, end) = (grid.starts[cell] as usize, grid.starts[cell + 1] as usize);
                for &(x, y, rank) in &grid.points[start..end] {
                    let rank = rank as usize;
                    if !keep(rank) {
                        continue;
                    }
                    let found = InTheWay::measure(Position { x, y }, rank, a, b);
                    if found.distance < within && best.is_none_or(|b| found.before(&b)) {
                        *best = Some(found);
                    }
                }
            }
        }
        if self.next == self.last {
            self.done = true;
        } else {
            self.next += self.dir;
        }
    }
}

/// The part of the segment `a`–`b` inside the box `lo..hi`, as the fractions of the way from `a`
/// to `b` where it enters and leaves (Liang–Barsky clipping); none when it misses the box.
pub fn clip_segment(a: Position, b: Position, lo: [f32; 2], hi: [f32; 2]) -> Option<(f32, f32)> {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let (mut t0, mut t1) = (0.0f32, 1.0f32);
    for (p, q) in [
        (-dx, a.x - lo[0]),
        (dx, hi[0] - a.x),
        (-dy, a.y - lo[1]),
        (dy, hi[1] - a.y),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
            if t0 > t1 {
                return None;
            }
        }
    }
    Some((t0, t1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f32, y: f32) -> Position {
        Position { x, y }
    }

    /// The plain answer: every point measured.
    fn scan(
        points: &[Position],
        a: Position,
        b: Position,
        within: f32,
        keep: impl Fn(usize) -> bool,
    ) -> Option<InTheWay> {
        points
            .iter()
            .enumerate()
            .filter(|(r, _)| keep(*r))
            .map(|(r, c)| InTheWay::measure(*c, r, a, b))
            .filter(|w| w.distance < within)
            .reduce(|x, y| if y.before(&x) { y } else { x })
    }

    fn lcg(seed: u64) -> impl FnMut(usize) -> usize {
        let mut seed = seed;
        move |n| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % n
        }
    }

    /// A wrapped drawing: blocks of customers in a grid, links from a row above running across
    /// them at every angle, and points met edge-on (equal distances, so ties matter).
    #[test]
    fn finds_what_a_scan_finds_across_a_field_of_blocks() {
        let mut points = Vec::new();
        for i in 0..60 {
            for j in 0..40 {
                points.push(p(i as f32 * 190.0, 400.0 + j as f32 * 140.0));
            }
        }
        for i in 0..8 {
            points.push(p(i as f32 * 1_500.0, 0.0));
        }
        let grid = PointGrid::new(&points, 96.0);
        let mut next = lcg(3);
        for k in 0..600 {
            let (i, j) = (next(points.len()), next(points.len()));
            let (a, b) = match k % 4 {
                // Along a row, through the middle of parties.
                0 => (
                    points[i],
                    p(points[i].x + 190.0 * next(30) as f32, points[i].y),
                ),
                // Down a column.
                1 => (
                    points[i],
                    p(points[i].x, points[i].y + 140.0 * next(30) as f32),
                ),
                _ => (points[i], points[j]),
            };
            let keep = |r: usize| r != i && r != j;
            assert_eq!(
                grid.in_the_way(a, b, 48.0, keep),
                scan(&points, a, b, 48.0, keep),
                "{a:?}–{b:?}"
            );
        }
    }

    #[test]
    fn finds_what_a_scan_finds_on_crowded_rows_long_links_and_scattered_points() {
        // Three rows like the tier layout's: a long row of customers, short rows above.
        let mut points = Vec::new();
        for i in 0..2_000 {
            points.push(p(i as f32 * 190.0 - 190_000.0, 510.0));
        }
        for i in 0..200 {
            points.push(p(i as f32 * 190.0 - 19_000.0, 340.0));
        }
        for i in 0..20 {
            points.push(p(i as f32 * 190.0 - 1_900.0, 170.0));
        }
        // And points anywhere, some on top of each other.
        let mut next = lcg(7);
        for _ in 0..500 {
            let q = p(
                next(400_000) as f32 - 200_000.0,
                next(3_000) as f32 - 1_000.0,
            );
            points.push(q);
            if next(10) == 0 {
                points.push(q);
            }
        }
        let grid = PointGrid::new(&points, 96.0);
        for k in 0..400 {
            let (i, j) = (next(points.len()), next(points.len()));
            let (a, b) = if k % 10 == 0 {
                // Anywhere, not only from a point.
                (
                    p(next(400_000) as f32 - 200_000.0, next(3_000) as f32),
                    points[j],
                )
            } else {
                (points[i], points[j])
            };
            let keep = |r: usize| r != i && r != j;
            assert_eq!(
                grid.in_the_way(a, b, 48.0, keep),
                scan(&points, a, b, 48.0, keep),
                "{a:?}–{b:?}"
            );
        }
        // A segment of no length, and one in empty space.
        let a = points[5];
        assert_eq!(
            grid.in_the_way(a, a, 48.0, |_| true),
            scan(&points, a, a, 48.0, |_| true)
        );
        assert!(
            grid.in_the_way(p(0.0, -5_000.0), p(100.0, -5_000.0), 48.0, |_| true)
                .is_none(),
            "nothing near a segment in empty space"
        );
    }

    /// Between two parties with others in line, the one nearest an end is the one in the way.
    #[test]
    fn the_party_in_the_way_is_the_one_nearest_an_end() {
        let points = [p(0.0, 0.0), p(400.0, 10.0), p(900.0, 0.0), p(1000.0, 0.0)];
        let grid = PointGrid::new(&points, 96.0);
        let found = grid
            .in_the_way(points[0], points[3], 48.0, |r| r != 0 && r != 3)
            .expect("two parties in the way");
        assert_eq!(
            found.rank, 2,
            "at 90 % of the way, nearer its end than 40 %"
        );
    }
}
