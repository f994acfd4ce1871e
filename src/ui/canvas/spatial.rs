//! A spatial index over canvas rectangles: what lies in the visible part of the canvas, found without
//! looking at what does not. Must not know parties or links: items are numbers with boxes.
//!
//! A hierarchical loose grid: level 0 has square cells of `cell` canvas units, each further level
//! cells twice as wide. An item goes into the finest level whose cells are at least as wide as its
//! box's longer side, in the one cell holding its box's centre; its box then reaches at most half a
//! cell beyond that cell, so a query visits, at each level, the cells its box overlaps once widened
//! by half a cell, and its cost follows what is in (or near) the box, not the channel's size.
//!
//! Why one cell per item, and sorted arrays rather than a map of cells: the previous grid put an
//! item in up to 16 cells of a map of vectors, and at 300,000 parties its links grid held 5.8
//! million cell entries in about 500,000 little vectors, 55 MB of the window's memory. Now the
//! items placed when the grid is sealed ([`Grid::seal`], after the scene or far view is derived)
//! sit in arrays sorted by cell, each item's box beside its cell, so a query reads the boxes of a
//! column of cells in order instead of looking each item's box up (zoomed in at 300,000 parties,
//! the boxes of 100,000 links or more meet the window); what an edit moves afterwards goes in a
//! small map of cells on the side, and its old entry is skipped.

use egui::Rect;
use std::collections::HashMap;

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The cells of one level for the items placed since the grid was sealed, each item with its box.
type Cells = FastMap<(i32, i32), Vec<(u32, Rect)>>;

/// How many levels there are; the last one takes whatever is larger still.
const LEVELS: usize = 24;

/// A cell's coordinates stay within ±`HALF` (a point beyond shares the outermost cell).
const HALF: i64 = 1 << 28;

/// Where an item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Held {
    /// No item has this handle.
    Nowhere,
    /// In the sorted arrays (or, before the grid is sealed, in `pending`).
    Sealed,
    /// In `extra`, placed or moved since the grid was sealed.
    Extra,
}

/// The grid. Items are `u32` handles the caller chooses (graph indexes, group or bundle numbers)
/// and maps back to parties, links or bundles; an item can be removed or moved, so the grid follows
/// an edit without being rebuilt.
#[derive(Clone, Debug, Default)]
pub(super) struct Grid {
    cell: f32,
    /// Whether the sorted arrays hold the items; until then they are in `pending` and a query
    /// looks at every one.
    sealed: bool,
    /// Each item's box by handle, until the grid is sealed.
    pending: Vec<Rect>,
    /// The cell of each item placed when the grid was sealed ([`key`]), in increasing order, and
    /// at the same place in `handles` and `boxes` the item and its box. An entry whose item has
    /// moved or gone since is skipped (see `held`).
    keys: Vec<u64>,
    handles: Vec<u32>,
    boxes: Vec<Rect>,
    /// The cells of each level for items placed since the grid was sealed.
    extra: Vec<Cells>,
    /// The boxes of the items in `extra`, to find their cells when they move or go.
    extra_boxes: FastMap<u32, Rect>,
    /// Where each handle's item is.
    held: Vec<Held>,
}

/// The sorted key of cell `(x, y)` of `level`: the level first, so each level is one run of the
/// sorted arrays, then the column, so a column's cells are one run of it.
fn key(level: usize, x: i64, y: i64) -> u64 {
    let coordinate = |v: i64| (v.clamp(-HALF, HALF - 1) + HALF) as u64;
    ((level as u64) << 58) | (coordinate(x) << 29) | coordinate(y)
}

impl Grid {
    /// An empty grid whose finest cells are `cell` canvas units wide.
    pub fn new(cell: f32) -> Self {
        Grid {
            cell: cell.max(1.0),
            extra: vec![Cells::default(); LEVELS],
            ..Grid::default()
        }
    }

    fn size(&self, level: usize) -> f64 {
        f64::from(self.cell) * 2f64.powi(level as i32)
    }

    /// The cell at `level` holding canvas point `(x, y)` (NaN is in cell 0).
    fn cell_of(&self, level: usize, x: f64, y: f64) -> (i64, i64) {
        let size = self.size(level);
        let at = |v: f64| ((v / size).floor() as i64).clamp(-HALF, HALF - 1);
        (at(x), at(y))
    }

    /// The level an item with box `r` goes in, and its cell there.
    fn place(&self, r: Rect) -> (usize, (i64, i64)) {
        let side = f64::from(r.width().max(r.height()));
        let level = (0..LEVELS)
            .find(|&l| side <= self.size(l))
            .unwrap_or(LEVELS - 1);
        let c = r.center();
        (level, self.cell_of(level, f64::from(c.x), f64::from(c.y)))
    }

    /// The cells at `level` (not the last) whose items can meet `r`: those its box, widened by
    /// half a cell, overlaps.
    fn range(&self, level: usize, r: Rect) -> (i64, i64, i64, i64) {
        let half = self.size(level) / 2.0;
        let (x0, y0) = self.cell_of(level, f64::from(r.min.x) - half, f64::from(r.min.y) - half);
        let (x1, y1) = self.cell_of(level, f64::from(r.max.x) + half, f64::from(r.max.y) + half);
        (x0, y0, x1, y1)
    }

    /// Adds an item with the next free handle at the end (0, 1, 2, ...) and returns it.
    #[cfg(test)]
    pub fn insert(&mut self, r: Rect) -> u32 {
        let id = self.held.len() as u32;
        self.insert_at(id, r);
        id
    }

    /// Adds item `id` with its box, replacing the item `id` had before, if any.
    pub fn insert_at(&mut self, id: u32, r: Rect) {
        self.remove(id);
        let i = id as usize;
        if self.held.len() <= i {
            self.held.resize(i + 1, Held::Nowhere);
        }
        if !self.sealed {
            if self.pending.len() <= i {
                self.pending.resize(i + 1, Rect::NOTHING);
            }
            self.pending[i] = r;
            self.held[i] = Held::Sealed;
            return;
        }
        self.held[i] = Held::Extra;
        self.extra_boxes.insert(id, r);
        if self.extra.len() < LEVELS {
            self.extra.resize(LEVELS, Cells::default());
        }
        let (level, (x, y)) = self.place(r);
        self.extra[level]
            .entry((x as i32, y as i32))
            .or_default()
            .push((id, r));
    }

    /// Every item with its box, in no particular order.
    fn held_items(&self) -> Vec<(u32, Rect)> {
        if !self.sealed {
            return (0..self.pending.len())
                .filter(|&i| self.held[i] == Held::Sealed)
                .map(|i| (i as u32, self.pending[i]))
                .collect();
        }
        let sealed = self
            .handles
            .iter()
            .zip(&self.boxes)
            .filter(|&(&h, _)| self.held[h as usize] == Held::Sealed)
            .map(|(&h, &r)| (h, r));
        sealed
            .chain(self.extra_boxes.iter().map(|(&h, &r)| (h, r)))
            .collect()
    }

    /// Sorts every item into the arrays by its cell, leaving nothing on the side: the queries
    /// after it visit only the cells near their box. Done once the scene or far view is derived
    /// (a query before it looks at every box); again whenever the caller likes (it costs a sort
    /// of all the items).
    pub fn seal(&mut self) {
        let mut placed: Vec<(u64, u32, Rect)> = self
            .held_items()
            .into_iter()
            .map(|(h, r)| {
                let (level, (x, y)) = self.place(r);
                (key(level, x, y), h, r)
            })
            .collect();
        placed.sort_unstable_by_key(|&(k, h, _)| (k, h));
        self.keys = placed.iter().map(|p| p.0).collect();
        self.handles = placed.iter().map(|p| p.1).collect();
        self.boxes = placed.iter().map(|p| p.2).collect();
        for held in &mut self.held {
            if *held == Held::Extra {
                *held = Held::Sealed;
            }
        }
        self.held.shrink_to_fit();
        self.pending = Vec::new();
        self.extra_boxes = FastMap::default();
        for cells in &mut self.extra {
            *cells = Cells::default();
        }
        self.sealed = true;
    }

    /// Whether item `id` is in the grid.
    pub fn contains(&self, id: u32) -> bool {
        self.held
            .get(id as usize)
            .is_some_and(|&held| held != Held::Nowhere)
    }

    /// Removes item `id` (nothing when there is none).
    pub fn remove(&mut self, id: u32) {
        let i = id as usize;
        let Some(&held) = self.held.get(i) else {
            return;
        };
        self.held[i] = Held::Nowhere;
        // A sealed entry stays in the arrays (or in `pending`), skipped from now on.
        let Some(r) = (held == Held::Extra)
            .then(|| self.extra_boxes.remove(&id))
            .flatten()
        else {
            return;
        };
        let (level, (x, y)) = self.place(r);
        let key = (x as i32, y as i32);
        let Some(cells) = self.extra.get_mut(level) else {
            return;
        };
        if let Some(items) = cells.get_mut(&key) {
            if let Some(at) = items.iter().position(|&(item, _)| item == id) {
                items.swap_remove(at);
            }
            if items.is_empty() {
                cells.remove(&key);
            }
        }
    }

    /// Every item with its box, by handle.
    #[cfg(test)]
    pub fn items(&self) -> Vec<(u32, Rect)> {
        let mut items = self.held_items();
        items.sort_unstable_by_key(|&(h, _)| h);
        items
    }

    /// Panics unless each item sits in exactly the one cell its box gives it (in the arrays or
    /// on the side, as it is held), the arrays are sorted and no cell on the side is empty.
    #[cfg(test)]
    pub fn assert_consistent(&self) {
        let mut expected: Vec<(u64, u32)> = Vec::new();
        for (id, r) in self.items() {
            let (level, (x, y)) = self.place(r);
            expected.push((key(level, x, y), id));
        }
        let mut actual: Vec<(u64, u32)> = Vec::new();
        if self.sealed {
            assert!(self.keys.is_sorted(), "the arrays are out of order");
            assert_eq!(self.keys.len(), self.handles.len());
            assert_eq!(self.keys.len(), self.boxes.len());
            for ((&k, &h), &r) in self.keys.iter().zip(&self.handles).zip(&self.boxes) {
                if self.held[h as usize] == Held::Sealed {
                    let (level, (x, y)) = self.place(r);
                    assert_eq!(k, key(level, x, y), "item {h} is in its box's cell");
                    actual.push((k, h));
                }
            }
        } else {
            assert!(self.keys.is_empty() && self.extra.iter().all(Cells::is_empty));
            actual.clone_from(&expected);
        }
        for (level, cells) in self.extra.iter().enumerate() {
            for ((x, y), items) in cells {
                assert!(!items.is_empty(), "an empty cell is kept");
                for &(h, r) in items {
                    assert_eq!(
                        self.held[h as usize],
                        Held::Extra,
                        "item {h} is on the side"
                    );
                    assert_eq!(self.extra_boxes.get(&h), Some(&r), "item {h}'s box");
                    actual.push((key(level, i64::from(*x), i64::from(*y)), h));
                }
            }
        }
        expected.sort_unstable();
        actual.sort_unstable();
        assert_eq!(actual, expected, "cells and boxes disagree");
    }

    /// Appends to `out` every item whose box meets `r`, each once, in handle order.
    pub fn query(&self, r: Rect, out: &mut Vec<u32>) {
        let start = out.len();
        if !self.sealed {
            out.extend((0..self.pending.len() as u32).filter(|&h| {
                self.held[h as usize] == Held::Sealed && self.pending[h as usize].intersects(r)
            }));
            return;
        }
        // The entries `from..to` of the arrays whose boxes meet `r` and whose items are still
        // where they were sealed: the boxes are read in order, the items' state only for those.
        let take = |from: usize, to: usize, out: &mut Vec<u32>| {
            for (&h, b) in self.handles[from..to].iter().zip(&self.boxes[from..to]) {
                if b.intersects(r) && self.held[h as usize] == Held::Sealed {
                    out.push(h);
                }
            }
        };
        for level in 0..LEVELS {
            // This level's run of the arrays.
            let lo = self.keys.partition_point(|&k| k < key(level, -HALF, -HALF));
            let hi = lo + self.keys[lo..].partition_point(|&k| k <= key(level, HALF, HALF));
            let last = level == LEVELS - 1;
            let (x0, y0, x1, y1) = if last {
                (-HALF, -HALF, HALF, HALF)
            } else {
                self.range(level, r)
            };
            if lo < hi {
                // A box wider than the level has items (or the last level, whose items can be
                // any size): look at all of them rather than column by column.
                if last || (x1 - x0 + 1) as usize > hi - lo {
                    take(lo, hi, out);
                } else {
                    let keys = &self.keys[lo..hi];
                    for x in x0..=x1 {
                        let (first, end) = (key(level, x, y0), key(level, x, y1));
                        let from = keys.partition_point(|&k| k < first);
                        let to = from + keys[from..].partition_point(|&k| k <= end);
                        take(lo + from, lo + to, out);
                    }
                }
            }
            let Some(cells) = self.extra.get(level).filter(|c| !c.is_empty()) else {
                continue;
            };
            let meets = |items: &Vec<(u32, Rect)>, out: &mut Vec<u32>| {
                out.extend(
                    items
                        .iter()
                        .filter(|(_, b)| b.intersects(r))
                        .map(|&(h, _)| h),
                );
            };
            let wide = last || (x1 - x0 + 1).saturating_mul(y1 - y0 + 1) > cells.len() as i64;
            if wide {
                for ((x, y), items) in cells {
                    let (x, y) = (i64::from(*x), i64::from(*y));
                    if x >= x0 && x <= x1 && y >= y0 && y <= y1 {
                        meets(items, out);
                    }
                }
                continue;
            }
            for x in x0..=x1 {
                for y in y0..=y1 {
                    if let Some(items) = cells.get(&(x as i32, y as i32)) {
                        meets(items, out);
                    }
                }
            }
        }
        out[start..].sort_unstable();
    }
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

    /// Queries that must find exactly the boxes they meet: around the middle, a corner, a point,
    /// and far larger than everything.
    fn assert_queries_exact(grid: &Grid, boxes: &[Option<Rect>], when: &str) {
        for q in [
            Rect::from_min_max(pos2(-500.0, -500.0), pos2(700.0, 300.0)),
            Rect::from_min_max(pos2(9_000.0, 9_000.0), pos2(9_100.0, 9_050.0)),
            Rect::from_center_size(pos2(1_234.0, -2_345.0), vec2(0.5, 0.5)),
            Rect::from_min_max(pos2(-1e7, -1e7), pos2(1e7, 1e7)),
        ] {
            let expected: Vec<u32> = (0..boxes.len() as u32)
                .filter(|&i| boxes[i as usize].is_some_and(|b| b.intersects(q)))
                .collect();
            let mut out = vec![u32::MAX];
            grid.query(q, &mut out);
            assert_eq!(out[0], u32::MAX, "what was in `out` stays ({when})");
            assert_eq!(
                out[1..],
                expected,
                "query {q:?} {when}: each once, in order"
            );
        }
        grid.assert_consistent();
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
        let mut some_box = |i: usize| {
            let a = pos2(next(), next());
            let b = match i % 3 {
                0 => a,
                1 => a + vec2(next() / 50.0, next() / 50.0),
                _ => pos2(next(), next()),
            };
            Rect::from_two_pos(a, b)
        };
        for i in 0..3_000 {
            let r = some_box(i);
            assert_eq!(grid.insert(r) as usize, boxes.len());
            boxes.push(Some(r));
        }
        assert_queries_exact(&grid, &boxes, "before sealing");
        grid.seal();
        assert_queries_exact(&grid, &boxes, "sealed");
        // Edits after sealing: every fifth item moved, every seventh removed, some added.
        for i in 0..3_300 {
            if i >= 3_000 || i % 5 == 0 {
                let r = some_box(i);
                grid.insert_at(i as u32, r);
                if i >= boxes.len() {
                    boxes.resize(i + 1, None);
                }
                boxes[i] = Some(r);
            } else if i % 7 == 0 {
                grid.remove(i as u32);
                boxes[i] = None;
            }
        }
        assert_queries_exact(&grid, &boxes, "after edits");
        grid.seal();
        assert_queries_exact(&grid, &boxes, "sealed again");
    }

    #[test]
    fn a_sealed_grid_holds_each_item_once() {
        let mut grid = Grid::new(100.0);
        // Short and long boxes: the long ones spanned up to 16 cells each in the grid before.
        for x in 0..1_000 {
            let a = pos2(x as f32 * 37.0, (x % 13) as f32 * 310.0);
            grid.insert(Rect::from_two_pos(
                a,
                a + vec2((x % 50) as f32 * 60.0, 900.0),
            ));
        }
        grid.seal();
        assert_eq!(
            (grid.keys.len(), grid.handles.len(), grid.boxes.len()),
            (1_000, 1_000, 1_000)
        );
        grid.insert_at(5, Rect::from_center_size(pos2(1.0, 1.0), vec2(3.0, 3.0)));
        grid.remove(6);
        assert_eq!(
            grid.keys.len(),
            1_000,
            "an edit leaves the arrays as they are"
        );
        let on_the_side: usize = grid
            .extra
            .iter()
            .flat_map(|c| c.values())
            .map(Vec::len)
            .sum();
        assert_eq!(on_the_side, 1, "only the moved item is on the side");
        grid.assert_consistent();
        grid.seal();
        assert_eq!(grid.keys.len(), 999);
        grid.assert_consistent();
    }

    #[test]
    fn removed_and_moved_items_are_found_where_they_are_now_only() {
        for seal in [false, true] {
            let mut grid = Grid::new(100.0);
            let near = Rect::from_center_size(pos2(50.0, 50.0), vec2(10.0, 10.0));
            let far = Rect::from_center_size(pos2(90_000.0, 0.0), vec2(10.0, 10.0));
            let long = Rect::from_min_max(pos2(-40_000.0, 0.0), pos2(40_000.0, 100.0));
            grid.insert_at(7, near);
            grid.insert_at(3, long);
            grid.insert_at(12, near);
            if seal {
                grid.seal();
            }
            assert_eq!(found(&grid, near), vec![3, 7, 12]);
            grid.remove(7);
            grid.insert_at(12, far);
            grid.remove(40);
            assert_eq!(found(&grid, near), vec![3], "sealed: {seal}");
            assert_eq!(found(&grid, far), vec![12], "sealed: {seal}");
            grid.remove(3);
            assert_eq!(found(&grid, near), Vec::<u32>::new(), "sealed: {seal}");
            assert_eq!(grid.items(), vec![(12, far)]);
            assert!(grid.contains(12) && !grid.contains(3) && !grid.contains(7));
            grid.assert_consistent();
            grid.insert_at(7, near);
            assert_eq!(found(&grid, near), vec![7], "sealed: {seal}");
            grid.assert_consistent();
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
        grid.seal();
        let near = found(
            &grid,
            Rect::from_center_size(pos2(50_000.0, 0.0), vec2(250.0, 10.0)),
        );
        assert_eq!(near, vec![499, 500, 501]);
    }
}
