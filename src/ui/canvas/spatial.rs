//! A spatial index over canvas rectangles: what lies in the visible part of the canvas, found
//! without looking at what does not.
//!
//! A hierarchical uniform grid: level 0 has square cells of `cell` canvas units, each further level
//! cells four times wider. An item goes into the finest level where its box spans at most
//! [`MAX_SPAN`] cells a side, so a point or a short link sits in one or a few fine cells and a link
//! across the whole channel in a few coarse ones. A query visits, at each level, only the cells the
//! query box overlaps, so its cost follows what is in (or near) the box, not the channel's size.

use egui::Rect;
use std::collections::HashMap;

/// The most cells a side an item may span at one level before it goes one level up.
const MAX_SPAN: i64 = 4;
/// How many levels there are; the last one takes whatever is larger still.
const LEVELS: usize = 10;

/// The grid. Items are `u32` handles the caller maps to parties, links or bundles.
#[derive(Clone, Debug, Default)]
pub(super) struct Grid {
    cell: f32,
    levels: Vec<HashMap<(i32, i32), Vec<u32>>>,
    /// Each item's box, to drop the ones a visited cell holds but the query box misses.
    boxes: Vec<Rect>,
}

impl Grid {
    /// An empty grid whose finest cells are `cell` canvas units wide.
    pub fn new(cell: f32) -> Self {
        Grid {
            cell: cell.max(1.0),
            levels: vec![HashMap::new(); LEVELS],
            boxes: Vec::new(),
        }
    }

    fn range(&self, level: usize, r: Rect) -> (i64, i64, i64, i64) {
        let size = f64::from(self.cell) * 4f64.powi(level as i32);
        let f = |v: f32| (f64::from(v) / size).floor() as i64;
        (f(r.min.x), f(r.min.y), f(r.max.x), f(r.max.y))
    }

    /// Adds an item with its box; handles are given out in order: 0, 1, 2, ...
    pub fn insert(&mut self, r: Rect) -> u32 {
        let id = self.boxes.len() as u32;
        self.boxes.push(r);
        let level = (0..LEVELS)
            .find(|&l| {
                let (x0, y0, x1, y1) = self.range(l, r);
                x1 - x0 < MAX_SPAN && y1 - y0 < MAX_SPAN
            })
            .unwrap_or(LEVELS - 1);
        let (x0, y0, x1, y1) = self.range(level, r);
        for x in x0..=x1 {
            for y in y0..=y1 {
                self.levels[level]
                    .entry((x as i32, y as i32))
                    .or_default()
                    .push(id);
            }
        }
        id
    }

    /// Appends to `out` every item whose box meets `r`, each once, in handle order.
    pub fn query(&self, r: Rect, out: &mut Vec<u32>) {
        let start = out.len();
        for (level, cells) in self.levels.iter().enumerate() {
            if cells.is_empty() {
                continue;
            }
            let (x0, y0, x1, y1) = self.range(level, r);
            // A box far larger than the grid's content: walk the occupied cells instead.
            if (x1 - x0 + 1).saturating_mul(y1 - y0 + 1) > cells.len() as i64 {
                for ((x, y), items) in cells {
                    let (x, y) = (i64::from(*x), i64::from(*y));
                    if x >= x0 && x <= x1 && y >= y0 && y <= y1 {
                        take(items, &self.boxes, r, out);
                    }
                }
                continue;
            }
            for x in x0..=x1 {
                for y in y0..=y1 {
                    if let Some(items) = cells.get(&(x as i32, y as i32)) {
                        take(items, &self.boxes, r, out);
                    }
                }
            }
        }
        // An item spanning several cells of its level was taken once per cell.
        out[start..].sort_unstable();
        let mut kept = start;
        for i in start..out.len() {
            if kept == start || out[kept - 1] != out[i] {
                out[kept] = out[i];
                kept += 1;
            }
        }
        out.truncate(kept);
    }
}

fn take(items: &[u32], boxes: &[Rect], r: Rect, out: &mut Vec<u32>) {
    out.extend(
        items
            .iter()
            .copied()
            .filter(|&i| boxes[i as usize].intersects(r)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{pos2, vec2};

    fn found(grid: &Grid, r: Rect) -> Vec<u32> {
        let mut out = Vec::new();
        grid.query(r, &mut out);
        out.sort_unstable();
        out
    }

    #[test]
    fn a_query_finds_exactly_the_boxes_it_meets_once_each() {
        let mut grid = Grid::new(100.0);
        let mut boxes = Vec::new();
        // Points, short links and links across everything, at scattered places.
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) as f32 / (1u64 << 31) as f32) * 20_000.0 - 10_000.0
        };
        for i in 0..3_000 {
            let a = pos2(next(), next());
            let b = match i % 3 {
                0 => a,
                1 => a + vec2(next() / 50.0, next() / 50.0),
                _ => pos2(next(), next()),
            };
            let r = Rect::from_two_pos(a, b);
            assert_eq!(grid.insert(r) as usize, boxes.len());
            boxes.push(r);
        }
        for q in [
            Rect::from_min_max(pos2(-500.0, -500.0), pos2(700.0, 300.0)),
            Rect::from_min_max(pos2(9_000.0, 9_000.0), pos2(9_100.0, 9_050.0)),
            Rect::from_min_max(pos2(-1e7, -1e7), pos2(1e7, 1e7)),
        ] {
            let expected: Vec<u32> = (0..boxes.len() as u32)
                .filter(|&i| boxes[i as usize].intersects(q))
                .collect();
            assert_eq!(found(&grid, q), expected, "query {q:?}");
        }
    }

    #[test]
    fn a_small_query_finds_only_what_is_near_it() {
        let mut grid = Grid::new(100.0);
        for x in 0..1_000 {
            grid.insert(Rect::from_center_size(
                pos2(x as f32 * 100.0, 0.0),
                vec2(1.0, 1.0),
            ));
        }
        let near = found(
            &grid,
            Rect::from_center_size(pos2(50_000.0, 0.0), vec2(250.0, 10.0)),
        );
        assert_eq!(near, vec![499, 500, 501]);
    }
}
