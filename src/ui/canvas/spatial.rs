//! A spatial index over canvas rectangles: what lies in the visible part of the canvas, found without
//! looking at what does not. Must not know parties or links: items are numbers with boxes.
//!
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

/// The cells of one level: a fast hash (the keys are small integers from our own boxes).
type Cells = HashMap<(i32, i32), Vec<u32>, foldhash::fast::RandomState>;

/// The most cells a side an item may span at one level before it goes one level up.
const MAX_SPAN: i64 = 4;
/// How many levels there are; the last one takes whatever is larger still.
const LEVELS: usize = 10;

/// The grid. Items are `u32` handles the caller chooses (graph indexes, group or bundle numbers)
/// and maps back to parties, links or bundles; an item can be removed or moved, so the grid follows
/// an edit without being rebuilt.
#[derive(Clone, Debug, Default)]
pub(super) struct Grid {
    cell: f32,
    levels: Vec<Cells>,
    /// Each item's box, to drop the ones a visited cell holds but the query box misses (and to
    /// find an item's cells again when it is removed).
    boxes: Vec<Rect>,
    /// Which handles hold an item.
    live: Vec<bool>,
}

impl Grid {
    /// An empty grid whose finest cells are `cell` canvas units wide.
    pub fn new(cell: f32) -> Self {
        Grid {
            cell: cell.max(1.0),
            levels: vec![Cells::default(); LEVELS],
            boxes: Vec::new(),
            live: Vec::new(),
        }
    }

    fn range(&self, level: usize, r: Rect) -> (i64, i64, i64, i64) {
        let size = f64::from(self.cell) * 4f64.powi(level as i32);
        let f = |v: f32| (f64::from(v) / size).floor() as i64;
        (f(r.min.x), f(r.min.y), f(r.max.x), f(r.max.y))
    }

    /// The level an item with box `r` goes in, and the range of its cells there.
    fn place(&self, r: Rect) -> (usize, (i64, i64, i64, i64)) {
        // Below the level whose cells are a quarter of the box's longer side, the box spans at
        // least MAX_SPAN + 1 cells whatever its alignment: start looking there.
        let side = f64::from(r.width().max(r.height()));
        let mut first = 0;
        while first + 1 < LEVELS
            && f64::from(self.cell) * 4f64.powi(first as i32) * (MAX_SPAN as f64) < side
        {
            first += 1;
        }
        let level = (first..LEVELS)
            .find(|&l| {
                let (x0, y0, x1, y1) = self.range(l, r);
                x1 - x0 < MAX_SPAN && y1 - y0 < MAX_SPAN
            })
            .unwrap_or(LEVELS - 1);
        (level, self.range(level, r))
    }

    /// Adds an item with the next free handle at the end (0, 1, 2, ...) and returns it.
    #[cfg(test)]
    pub fn insert(&mut self, r: Rect) -> u32 {
        let id = self.boxes.len() as u32;
        self.insert_at(id, r);
        id
    }

    /// Adds item `id` with its box, replacing the item `id` had before, if any.
    pub fn insert_at(&mut self, id: u32, r: Rect) {
        self.remove(id);
        let i = id as usize;
        if self.boxes.len() <= i {
            self.boxes.resize(i + 1, Rect::NOTHING);
            self.live.resize(i + 1, false);
        }
        self.boxes[i] = r;
        self.live[i] = true;
        let (level, (x0, y0, x1, y1)) = self.place(r);
        for x in x0..=x1 {
            for y in y0..=y1 {
                self.levels[level]
                    .entry((x as i32, y as i32))
                    .or_default()
                    .push(id);
            }
        }
    }

    /// Whether item `id` is in the grid.
    pub fn contains(&self, id: u32) -> bool {
        self.live.get(id as usize).copied().unwrap_or(false)
    }

    /// Removes item `id` (nothing when there is none).
    pub fn remove(&mut self, id: u32) {
        let i = id as usize;
        if !self.live.get(i).copied().unwrap_or(false) {
            return;
        }
        self.live[i] = false;
        let (level, (x0, y0, x1, y1)) = self.place(self.boxes[i]);
        for x in x0..=x1 {
            for y in y0..=y1 {
                let key = (x as i32, y as i32);
                if let Some(items) = self.levels[level].get_mut(&key) {
                    if let Some(at) = items.iter().position(|&item| item == id) {
                        items.swap_remove(at);
                    }
                    if items.is_empty() {
                        self.levels[level].remove(&key);
                    }
                }
            }
        }
    }

    /// Every item with its box, by handle.
    #[cfg(test)]
    pub fn items(&self) -> Vec<(u32, Rect)> {
        (0..self.boxes.len())
            .filter(|&i| self.live[i])
            .map(|i| (i as u32, self.boxes[i]))
            .collect()
    }

    /// Panics unless each item sits in exactly the cells its box covers, and no cell is empty.
    #[cfg(test)]
    pub fn assert_consistent(&self) {
        let mut expected: HashMap<(usize, i32, i32), Vec<u32>> = HashMap::new();
        for (id, r) in self.items() {
            let (level, (x0, y0, x1, y1)) = self.place(r);
            for x in x0..=x1 {
                for y in y0..=y1 {
                    expected
                        .entry((level, x as i32, y as i32))
                        .or_default()
                        .push(id);
                }
            }
        }
        let mut actual: HashMap<(usize, i32, i32), Vec<u32>> = HashMap::new();
        for (level, cells) in self.levels.iter().enumerate() {
            for ((x, y), items) in cells {
                assert!(!items.is_empty(), "an empty cell is kept");
                let mut items = items.clone();
                items.sort_unstable();
                actual.insert((level, *x, *y), items);
            }
        }
        assert_eq!(actual, expected, "cells and boxes disagree");
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
    fn removed_and_moved_items_are_found_where_they_are_now_only() {
        let mut grid = Grid::new(100.0);
        let near = Rect::from_center_size(pos2(50.0, 50.0), vec2(10.0, 10.0));
        let far = Rect::from_center_size(pos2(90_000.0, 0.0), vec2(10.0, 10.0));
        let long = Rect::from_min_max(pos2(-40_000.0, 0.0), pos2(40_000.0, 100.0));
        grid.insert_at(7, near);
        grid.insert_at(3, long);
        grid.insert_at(12, near);
        assert_eq!(found(&grid, near), vec![3, 7, 12]);
        grid.remove(7);
        grid.insert_at(12, far);
        grid.remove(40);
        assert_eq!(found(&grid, near), vec![3]);
        assert_eq!(found(&grid, far), vec![12]);
        grid.remove(3);
        assert_eq!(found(&grid, near), Vec::<u32>::new());
        assert_eq!(grid.items(), vec![(12, far)]);
        grid.assert_consistent();
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
