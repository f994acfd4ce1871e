//! Owns the geometry helpers of routing (segment clipping, distances, the point index); must not
//! know parties, links or scenarios (only points and segments).
//!
//! Spatial lookups for routing links around parties: which party lies nearest to a straight link,
//! without testing every party against every link.
//!
//! Parties go into an R*-tree (`rstar`). A link walks the tree's boxes nearest first and skips every
//! box farther from its segment than the nearest party found so far, so a long link across a crowded
//! drawing costs about the boxes along its line, and empty space costs nothing. (Searching the
//! segment's whole reach instead, in halves, made the 240,000 long provider links of a 300,000-party
//! channel the biggest cost of its export.)

use crate::model::Position;
use rstar::primitives::GeomWithData;
use rstar::{AABB, ParentNode, RTree, RTreeNode};

/// A party's centre and its rank (the order ties are broken in: the caller's iteration order).
type Entry = GeomWithData<[f32; 2], usize>;

/// Party centres, searchable by distance to a segment.
pub struct PointIndex {
    tree: RTree<Entry>,
}

impl PointIndex {
    /// Indexes the points; each keeps its position in `points` as its rank.
    pub fn new(points: impl IntoIterator<Item = Position>) -> Self {
        let entries = points
            .into_iter()
            .enumerate()
            .map(|(rank, p)| GeomWithData::new([p.x, p.y], rank))
            .collect();
        PointIndex {
            tree: RTree::bulk_load(entries),
        }
    }

    /// The point nearest to the segment `a`–`b` among those closer than `within` and accepted by
    /// `keep`, as (distance, rank, position). Ties go to the lowest rank, as a scan in rank order
    /// would pick.
    ///
    /// The tree is walked depth first, nearer boxes first, and a box is skipped once it is farther
    /// from the segment than the best point found so far: a long link across a crowded drawing
    /// looks only at the boxes along its line, not at every party within reach of it.
    pub fn nearest_to_segment(
        &self,
        a: Position,
        b: Position,
        within: f32,
        keep: impl Fn(usize) -> bool,
    ) -> Option<(f32, usize, Position)> {
        // Boxes are compared with a little slack, so that rounding never skips a point whose own
        // distance (computed by `distance_to_segment`) ties with or beats the best.
        let slack = 1e-5 * (1.0 + a.x.abs().max(a.y.abs()).max(b.x.abs()).max(b.y.abs()));
        let mut best: Option<(f32, usize, Position)> = None;
        let bound = |best: &Option<(f32, usize, Position)>| best.map_or(within, |(d, _, _)| d);
        let mut stack: Vec<(f32, &ParentNode<Entry>)> = vec![(0.0, self.tree.root())];
        while let Some((reach, node)) = stack.pop() {
            if reach - slack > bound(&best) || reach - slack >= within {
                continue;
            }
            let first = stack.len();
            for child in node.children() {
                match child {
                    RTreeNode::Leaf(e) => {
                        if !keep(e.data) {
                            continue;
                        }
                        let c = Position {
                            x: e.geom()[0],
                            y: e.geom()[1],
                        };
                        let d = distance_to_segment(c, a, b);
                        if d < within && best.is_none_or(|(bd, br, _)| (d, e.data) < (bd, br)) {
                            best = Some((d, e.data, c));
                        }
                    }
                    RTreeNode::Parent(p) => {
                        let reach = box_to_segment(&p.envelope(), a, b);
                        if reach - slack <= bound(&best) && reach - slack < within {
                            stack.push((reach, p));
                        }
                    }
                }
            }
            // The nearest child box is looked at next: a close point found early prunes the rest.
            stack[first..].sort_unstable_by(|x, y| y.0.total_cmp(&x.0));
        }
        best
    }
}

/// The distance from the box to the segment `a`–`b` (0 when the segment enters it).
fn box_to_segment(envelope: &AABB<[f32; 2]>, a: Position, b: Position) -> f32 {
    let (lo, hi) = (envelope.lower(), envelope.upper());
    if segment_enters_box(a, b, lo, hi) {
        return 0.0;
    }
    // Apart, a segment and a box are nearest at an end of the segment or a corner of the box.
    let to_box = |p: Position| {
        let dx = (lo[0] - p.x).max(p.x - hi[0]).max(0.0);
        let dy = (lo[1] - p.y).max(p.y - hi[1]).max(0.0);
        dx.hypot(dy)
    };
    let corners = [
        (lo[0], lo[1]),
        (lo[0], hi[1]),
        (hi[0], lo[1]),
        (hi[0], hi[1]),
    ];
    corners
        .into_iter()
        .map(|(x, y)| distance_to_segment(Position { x, y }, a, b))
        .fold(to_box(a).min(to_box(b)), f32::min)
}

/// Whether the segment `a`–`b` meets the box.
fn segment_enters_box(a: Position, b: Position, lo: [f32; 2], hi: [f32; 2]) -> bool {
    clip_segment(a, b, lo, hi).is_some()
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

/// The distance from `p` to the segment `a`–`b`.
pub fn distance_to_segment(p: Position, a: Position, b: Position) -> f32 {
    let (abx, aby) = (b.x - a.x, b.y - a.y);
    let len2 = (abx * abx + aby * aby).max(1e-6);
    let t = (((p.x - a.x) * abx + (p.y - a.y) * aby) / len2).clamp(0.0, 1.0);
    let (cx, cy) = (a.x + abx * t - p.x, a.y + aby * t - p.y);
    (cx * cx + cy * cy).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f32, y: f32) -> Position {
        Position { x, y }
    }

    /// The plain answer: every point tested.
    fn scan(
        points: &[Position],
        a: Position,
        b: Position,
        within: f32,
    ) -> Option<(f32, usize, Position)> {
        points
            .iter()
            .enumerate()
            .map(|(i, c)| (distance_to_segment(*c, a, b), i, *c))
            .filter(|(d, _, _)| *d < within)
            .min_by(|x, y| (x.0, x.1).partial_cmp(&(y.0, y.1)).unwrap())
    }

    /// A wrapped drawing: blocks of customers in a grid, links from a row above running across
    /// them at every angle, and boxes met edge-on (equal distances, so ties matter).
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
        let index = PointIndex::new(points.iter().copied());
        let mut seed = 3u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % n
        };
        for k in 0..400 {
            let (i, j) = (next(points.len()), next(points.len()));
            let (a, b) = if k % 4 == 0 {
                // Along a row or a column, through the middle of parties.
                (
                    points[i],
                    p(points[i].x + 190.0 * next(30) as f32, points[i].y),
                )
            } else {
                (points[i], points[j])
            };
            let keep = |r: usize| r != i && r != j;
            let expected = nearest_by_scan(&points, a, b, keep);
            assert_eq!(
                index.nearest_to_segment(a, b, 48.0, keep),
                expected,
                "{a:?}–{b:?}"
            );
        }
    }

    /// What `nearest_to_segment(a, b, 48.0, keep)` must answer, found by testing every point.
    fn nearest_by_scan(
        points: &[Position],
        a: Position,
        b: Position,
        keep: impl Fn(usize) -> bool,
    ) -> Option<(f32, usize, Position)> {
        points
            .iter()
            .enumerate()
            .filter(|(r, _)| keep(*r))
            .map(|(r, c)| (distance_to_segment(*c, a, b), r, *c))
            .filter(|(d, _, _)| *d < 48.0)
            .min_by(|x, y| (x.0, x.1).partial_cmp(&(y.0, y.1)).unwrap())
    }

    #[test]
    fn finds_what_a_scan_finds_on_crowded_rows_and_long_links() {
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
        let index = PointIndex::new(points.iter().copied());
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize
        };
        for _ in 0..300 {
            let (i, j) = (next() % points.len(), next() % points.len());
            let (a, b) = (points[i], points[j]);
            let keep = |r: usize| r != i && r != j;
            let expected = nearest_by_scan(&points, a, b, keep);
            assert_eq!(index.nearest_to_segment(a, b, 48.0, keep), expected);
        }
        // Unfiltered, between two points of the same row: the nearest is a neighbour on the row.
        let (a, b) = (p(-190_000.0, 500.0), p(-180_000.0, 500.0));
        assert_eq!(
            index.nearest_to_segment(a, b, 48.0, |_| true),
            scan(&points, a, b, 48.0)
        );
        assert!(
            index
                .nearest_to_segment(p(0.0, 0.0), p(0.0, 100.0), 48.0, |_| true)
                .is_none(),
            "nothing near a segment in empty space"
        );
    }
}
