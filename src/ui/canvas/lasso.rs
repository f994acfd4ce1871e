//! The lasso: a closed outline drawn with Ctrl+drag, and which parties it holds. Must not change the
//! selection: the workspace does, from what this finds.
//!
//! Parties are found by where they are drawn (the document's positions), so a lasso around a
//! collapsed badge takes the customers in it, and it costs a look at the parties inside the
//! outline's bounds, not a test of every party's shape.

use crate::model::{PartyId, Position};
use crate::ui::document::Document;
use std::collections::BTreeMap;

/// How a lasso or a modifier-click changes the selection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SelectMode {
    /// The parties become the selection.
    #[default]
    Replace,
    /// They are added to it (Shift).
    Add,
    /// They are taken out of it (Alt).
    Remove,
    /// Each is added when out, taken out when in (Ctrl+click).
    Toggle,
}

impl SelectMode {
    /// The mode the keys held when a lasso closes ask for: Shift adds, Alt removes.
    pub fn of_keys(shift: bool, alt: bool) -> SelectMode {
        if alt {
            SelectMode::Remove
        } else if shift {
            SelectMode::Add
        } else {
            SelectMode::Replace
        }
    }
}

/// The smallest step, in screen pixels, between two points kept of a lasso being drawn: a drag
/// across the window keeps a few hundred points, not one per frame's pixel.
pub const STEP: f32 = 4.0;

/// True when `p` is inside the closed polygon `outline` (even-odd rule; a point on the edge may
/// fall either way).
pub fn contains(outline: &[Position], p: Position) -> bool {
    let mut inside = false;
    let n = outline.len();
    if n < 3 {
        return false;
    }
    let mut j = n - 1;
    for i in 0..n {
        let (a, b) = (outline[i], outline[j]);
        if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// The parties drawn inside `outline` (canvas coordinates), by id.
pub fn parties_inside(doc: &Document, outline: &[Position]) -> Vec<PartyId> {
    inside(doc.positions(), outline)
}

fn inside(positions: &BTreeMap<PartyId, Position>, outline: &[Position]) -> Vec<PartyId> {
    let Some(first) = outline.first() else {
        return Vec::new();
    };
    let (mut lo, mut hi) = (*first, *first);
    for p in outline {
        lo = Position {
            x: lo.x.min(p.x),
            y: lo.y.min(p.y),
        };
        hi = Position {
            x: hi.x.max(p.x),
            y: hi.y.max(p.y),
        };
    }
    positions
        .iter()
        .filter(|(_, p)| p.x >= lo.x && p.x <= hi.x && p.y >= lo.y && p.y <= hi.y)
        .filter(|(_, p)| contains(outline, **p))
        .map(|(id, _)| *id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(x: f32, y: f32) -> Position {
        Position { x, y }
    }

    #[test]
    fn a_lasso_holds_what_it_encircles_even_in_a_hollow() {
        // An L: the corner's hollow is outside.
        let l = [
            at(0.0, 0.0),
            at(10.0, 0.0),
            at(10.0, 4.0),
            at(4.0, 4.0),
            at(4.0, 10.0),
            at(0.0, 10.0),
        ];
        assert!(contains(&l, at(2.0, 2.0)));
        assert!(contains(&l, at(2.0, 8.0)));
        assert!(contains(&l, at(8.0, 2.0)));
        assert!(!contains(&l, at(8.0, 8.0)), "the hollow");
        assert!(!contains(&l, at(-1.0, 5.0)));
        assert!(!contains(&l[..2], at(5.0, 0.0)), "a line holds nothing");
        let positions: BTreeMap<PartyId, Position> = [
            ("a", at(2.0, 2.0)),
            ("b", at(8.0, 8.0)),
            ("c", at(2.0, 9.0)),
            ("d", at(50.0, 50.0)),
        ]
        .into_iter()
        .map(|(id, p)| (PartyId::from(id), p))
        .collect();
        let found = inside(&positions, &l);
        assert_eq!(found, [PartyId::from("a"), PartyId::from("c")]);
    }
}
