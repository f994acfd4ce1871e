//! Level of detail: what is worth drawing at a given zoom, and where labels fit. Must not paint or
//! look at the document: plain geometry and sizes.

use super::scene::FastMap;
use egui::{FontId, Pos2, Rect};

/// Below this zoom the short kind name beside each link is left out: it would not be readable.
pub(super) const LINK_LABEL_MIN_ZOOM: f32 = 0.55;

/// Below this zoom a seller's customers collapse into one counted badge and the links into them
/// bundle: a customer is then under 9 pixels across, too small to read or to aim at.
pub(super) const COLLAPSE_ZOOM: f32 = 0.3;

/// Whether links are labelled with their kind at `zoom`.
pub(super) fn link_labels(zoom: f32) -> bool {
    zoom > LINK_LABEL_MIN_ZOOM
}

/// Whether customers collapse into their sellers' badges at `zoom`.
pub(super) fn collapsed(zoom: f32) -> bool {
    zoom < COLLAPSE_ZOOM
}

/// A label font that grows slower than the zoom (projector-readable when zoomed out, not huge
/// when zoomed in).
pub(super) fn label_font(size: f32, zoom: f32) -> FontId {
    FontId::proportional((size * zoom.sqrt()).clamp(10.0, 26.0))
}

/// Screen space taken by labels (and the shapes they must not cover) this frame: a label goes on
/// the canvas only where it meets nothing placed before it. Rectangles are kept in a uniform grid
/// of [`LabelSpace::CELL`]-pixel cells, so a check looks only at its neighbours.
#[derive(Default)]
pub(super) struct LabelSpace {
    cells: FastMap<(i32, i32), Vec<u32>>,
    rects: Vec<Rect>,
}

impl LabelSpace {
    const CELL: f32 = 48.0;

    fn cells_of(r: Rect) -> impl Iterator<Item = (i32, i32)> {
        let f = |v: f32| (v / Self::CELL).floor() as i32;
        let (x0, y0, x1, y1) = (f(r.min.x), f(r.min.y), f(r.max.x), f(r.max.y));
        (x0..=x1).flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
    }

    /// True when `r` meets something already placed.
    pub fn collides(&self, r: Rect) -> bool {
        Self::cells_of(r).any(|c| {
            self.cells
                .get(&c)
                .is_some_and(|list| list.iter().any(|&i| self.rects[i as usize].intersects(r)))
        })
    }

    /// How much of `r` is covered by what is already placed (the sum of the overlaps' areas).
    pub fn overlap(&self, r: Rect) -> f32 {
        let mut seen = Vec::new();
        Self::cells_of(r)
            .filter_map(|c| self.cells.get(&c))
            .flatten()
            .filter(|&&i| {
                let fresh = !seen.contains(&i);
                seen.push(i);
                fresh
            })
            .map(|&i| {
                let o = self.rects[i as usize].intersect(r);
                if o.is_positive() { o.area() } else { 0.0 }
            })
            .sum()
    }

    /// Takes `r` whatever it meets (a party's shape).
    pub fn occupy(&mut self, r: Rect) {
        let i = self.rects.len() as u32;
        self.rects.push(r);
        for c in Self::cells_of(r) {
            self.cells.entry(c).or_default().push(i);
        }
    }

    /// Takes `r` if it is free; false (and nothing taken) when it would overlap.
    pub fn try_place(&mut self, r: Rect) -> bool {
        if self.collides(r) {
            return false;
        }
        self.occupy(r);
        true
    }
}

/// The links drawn one by one this frame, as screen segments, so that a party's name can go on a
/// side no link runs under. Name plates are opaque (a link under the letters made them unreadable),
/// so a plate placed over a link hides it; on sample 6 in the Presentation theme,
/// "Fabrikam (direct-bill)" went above its diamond among Microsoft's fanning supply links, hid
/// them, and OCR read arrowheads into the name. Segments are kept in a grid of
/// [`LinkSpace::CELL`]-pixel cells (a long segment in pieces of a cell's length each, so a link
/// across the screen is in the cells it passes, not in its whole bounding box).
#[derive(Default)]
pub(super) struct LinkSpace {
    cells: FastMap<(i32, i32), Vec<u32>>,
    segments: Vec<(Pos2, Pos2)>,
}

impl LinkSpace {
    const CELL: f32 = 48.0;

    /// Adds a link's polyline, the part of it inside `clip` (the canvas, with room for the plates
    /// clamped to its edge): zoomed in, a link across a whole distributor is millions of pixels
    /// long.
    pub fn add(&mut self, points: &[Pos2], clip: Rect) {
        for w in points.windows(2) {
            let Some((a, b)) = clip_to(w[0], w[1], clip) else {
                continue;
            };
            let i = self.segments.len() as u32;
            self.segments.push((a, b));
            let pieces = ((b - a).length() / Self::CELL).ceil().max(1.0) as usize;
            for k in 0..pieces {
                let p = a.lerp(b, k as f32 / pieces as f32);
                let q = a.lerp(b, (k + 1) as f32 / pieces as f32);
                for c in LabelSpace::cells_of(Rect::from_two_pos(p, q)) {
                    let list = self.cells.entry(c).or_default();
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
            }
        }
    }

    /// How many of the segments run through `r`.
    pub fn crossings(&self, r: Rect) -> usize {
        // Sorted rather than searched for each: fitted, the cells around a provider hold
        // thousands of its links' segments, and searching made this the frame's largest cost.
        let mut seen: Vec<u32> = Vec::new();
        for c in LabelSpace::cells_of(r) {
            seen.extend(self.cells.get(&c).into_iter().flatten());
        }
        seen.sort_unstable();
        seen.dedup();
        seen.iter()
            .filter(|&&i| {
                let (a, b) = self.segments[i as usize];
                clip_to(a, b, r).is_some()
            })
            .count()
    }
}

/// The part of the segment `a`–`b` inside `r`, if any.
fn clip_to(a: Pos2, b: Pos2, r: Rect) -> Option<(Pos2, Pos2)> {
    let p = |q: Pos2| crate::model::Position { x: q.x, y: q.y };
    let (t0, t1) = crate::layout::clip_segment(p(a), p(b), [r.min.x, r.min.y], [r.max.x, r.max.y])?;
    Some((a.lerp(b, t0), a.lerp(b, t1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{pos2, vec2};

    #[test]
    fn labels_stay_readable_at_any_zoom() {
        assert!(!link_labels(0.3) && link_labels(1.0));
        assert!(collapsed(0.1) && !collapsed(1.0));
        assert_eq!(label_font(15.0, 0.01).size, 10.0);
        assert_eq!(label_font(15.0, 100.0).size, 26.0);
    }

    #[test]
    fn a_label_is_placed_only_where_it_overlaps_nothing() {
        let mut space = LabelSpace::default();
        let label = |x: f32, y: f32| Rect::from_min_size(pos2(x, y), vec2(120.0, 18.0));
        assert!(space.try_place(label(0.0, 0.0)));
        assert!(!space.try_place(label(100.0, 10.0)), "overlaps the first");
        assert!(space.try_place(label(121.0, 0.0)), "beside it");
        assert!(space.try_place(label(0.0, 19.0)), "under it");
        space.occupy(Rect::from_center_size(pos2(500.0, 500.0), vec2(60.0, 60.0)));
        assert!(!space.try_place(label(440.0, 520.0)), "over a party");
        // Far apart in the same cell row, across cell borders.
        assert!(space.try_place(label(-1000.0, -47.0)));
        assert!(!space.try_place(label(-1100.0, -40.0)));
    }

    #[test]
    fn a_place_knows_the_links_that_run_through_it() {
        let clip = Rect::from_min_max(pos2(-2000.0, -2000.0), pos2(2000.0, 2000.0));
        let mut links = LinkSpace::default();
        // A long diagonal, a bent link, and one far off screen (clipped away).
        links.add(&[pos2(0.0, 0.0), pos2(1000.0, 1000.0)], clip);
        links.add(
            &[pos2(0.0, 500.0), pos2(300.0, 500.0), pos2(300.0, 900.0)],
            clip,
        );
        links.add(&[pos2(1.0e7, 0.0), pos2(1.0e7, 10.0)], clip);
        let at = |x: f32, y: f32| Rect::from_min_size(pos2(x, y), vec2(100.0, 20.0));
        assert_eq!(links.crossings(at(450.0, 440.0)), 1, "on the diagonal");
        assert_eq!(links.crossings(at(600.0, 300.0)), 0, "beside it");
        assert_eq!(
            links.crossings(at(250.0, 490.0)),
            2,
            "on the bend: both its legs"
        );
        assert_eq!(
            links.crossings(at(260.0, 700.0)),
            1,
            "on the bent link's second leg"
        );
        assert_eq!(links.crossings(at(-200.0, -200.0)), 0);
        // A segment through a plate from corner to corner, with no end inside it.
        assert_eq!(links.crossings(at(890.0, 955.0)), 1);
    }
}
