//! Spatial lookups for routing links around parties: which party lies nearest to a straight link,
//! without testing every party against every link.
//!
//! Parties go into an R*-tree (`rstar`). A link asks for the parties within a distance of its segment:
//! the segment's box (grown by that distance) is searched, and when it holds many parties (a long
//! link across a crowded row), the segment is cut in halves and each half searched on its own, so a
//! long link costs about as much as the parties really near it, and empty space costs nothing.

use crate::model::Position;
use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};

/// A party's centre and its rank (the order ties are broken in: the caller's iteration order).
type Entry = GeomWithData<[f32; 2], usize>;

/// Above this many parties in a piece's box, the piece is halved (unless it is already short).
const SPLIT_ABOVE: usize = 32;

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
    pub fn nearest_to_segment(
        &self,
        a: Position,
        b: Position,
        within: f32,
        keep: impl Fn(usize) -> bool,
    ) -> Option<(f32, usize, Position)> {
        let mut best: Option<(f32, usize, Position)> = None;
        let mut consider = |e: &Entry| {
            if !keep(e.data) {
                return;
            }
            let c = Position {
                x: e.geom()[0],
                y: e.geom()[1],
            };
            let d = distance_to_segment(c, a, b);
            if d < within && best.is_none_or(|(bd, br, _)| (d, e.data) < (bd, br)) {
                best = Some((d, e.data, c));
            }
        };
        // Pieces of the segment still to search, as parameters along it.
        let mut pieces = vec![(0.0f32, 1.0f32)];
        while let Some((t0, t1)) = pieces.pop() {
            let p0 = lerp(a, b, t0);
            let p1 = lerp(a, b, t1);
            let envelope = AABB::from_corners(
                [p0.x.min(p1.x) - within, p0.y.min(p1.y) - within],
                [p0.x.max(p1.x) + within, p0.y.max(p1.y) + within],
            );
            let short = (p1.x - p0.x).hypot(p1.y - p0.y) <= 4.0 * within;
            let mut found = self.tree.locate_in_envelope(envelope);
            if short {
                found.for_each(&mut consider);
                continue;
            }
            let first: Vec<&Entry> = found.by_ref().take(SPLIT_ABOVE + 1).collect();
            if first.len() <= SPLIT_ABOVE {
                first.into_iter().for_each(&mut consider);
            } else {
                let mid = (t0 + t1) / 2.0;
                pieces.push((t0, mid));
                pieces.push((mid, t1));
            }
        }
        best
    }
}

fn lerp(a: Position, b: Position, t: f32) -> Position {
    Position {
        x: a.x + (b.x - a.x) * t,
        y: a.y + (b.y - a.y) * t,
    }
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
            let expected = points
                .iter()
                .enumerate()
                .filter(|(r, _)| keep(*r))
                .map(|(r, c)| (distance_to_segment(*c, a, b), r, *c))
                .filter(|(d, _, _)| *d < 48.0)
                .min_by(|x, y| (x.0, x.1).partial_cmp(&(y.0, y.1)).unwrap());
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
