//! Owns where each label of the drawing goes (party names, callouts, kind labels), in drawing
//! coordinates; must not lay out the page or write SVG.
//!
//! Every label goes on a free spot of the [`Board`] (party shapes first), preferring the spots crossed
//! by the fewest links.

use super::board::{Board, Box2, Crossings};
use super::layout::{Numbering, callout_half};
use super::{CALLOUT_R, DETAIL, KIND, NAME, NAME_WIDTH, PAD, RADIUS, Steps};
use crate::export::sanitize::clean;
use crate::export::{Detail, Sheet};
use crate::fonts::{Fonts, TextStyle};
use crate::layout::Route;
use crate::model::{LinkKind, PartyId, PartyKind, Position};
use foldhash::HashMap;
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use std::collections::BTreeMap;

/// A block of text lines centred on `x`, the first baseline at `top + ascent`.
#[derive(Clone, Debug)]
pub(super) struct Label {
    pub(super) lines: Vec<(String, TextStyle)>,
    /// Line advance per line (ascent + descent of its style, measured).
    pub(super) heights: Vec<f32>,
    pub(super) ascents: Vec<f32>,
    pub(super) width: f32,
}

impl Label {
    pub(super) fn new(fonts: &Fonts, lines: Vec<(String, TextStyle)>) -> Self {
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

    pub(super) fn height(&self) -> f32 {
        self.heights.iter().sum()
    }

    /// The box of the label centred on `cx` with its top at `top`, padded.
    pub(super) fn at(&self, cx: f32, top: f32) -> Box2 {
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
pub(super) struct Spot {
    pub(super) cx: f32,
    pub(super) top: f32,
}

/// The box a party's shape takes (centred on `p`).
pub(super) fn shape_box(kind: PartyKind, p: Position) -> Box2 {
    let h = if kind == PartyKind::Customer {
        RADIUS * 0.7
    } else {
        RADIUS
    };
    Box2::around(p.x, p.y, RADIUS + 1.0, h + 1.0)
}

/// How far from its party's centre a name's candidate spot reaches, across and down (see
/// [`party_labels`]): beside the shape, its half-width, the gap and the widest name
/// ([`NAME_WIDTH`]) padded on both sides; above or below it, its half-height, the farther gap
/// and three lines (two of the name, one of its kind) at twice their size, for fallback fonts
/// taller than the bundled ones. The links' index is filed only there, so that it grows with
/// the parties and not with the length of the links between them; a spot beyond it would still
/// be counted right, link by link ([`Crossings`]).
const NAME_REACH: (f32, f32) = (
    RADIUS + 1.0 + PAD + 6.0 + NAME_WIDTH + 2.0 * PAD + 16.0,
    RADIUS + 1.0 + PAD + 20.0 + 2.0 * (2.0 * NAME.size + DETAIL.size) + 2.0 * PAD + 16.0,
);

/// Finds a free spot for `label` among `candidates` (centre x, top y), preferring the one crossed by
/// the fewest links, then the earliest; failing that, searches outward from the first candidate.
fn place(board: &Board, label: &Label, candidates: &[Spot], links: &Crossings) -> Option<Spot> {
    let mut best: Option<(usize, usize, Spot)> = None;
    for (i, spot) in candidates.iter().enumerate() {
        let b = label.at(spot.cx, spot.top);
        if !board.free(&b) {
            continue;
        }
        // Counted only as far as the best so far: a spot that ties it loses to the earlier one.
        let cost = links.count_up_to(&b, best.map_or(usize::MAX, |(c, _, _)| c));
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
/// ends: far enough out, nothing is taken). `None` only on a board with a frame (a PNG's), where
/// the spot below everything may be outside it.
fn search(board: &Board, label: &Label, origin: Spot) -> Option<Spot> {
    for ring in 1..400 {
        let d = ring as f32 * 10.0;
        for k in 0..(8 * ring) {
            let a = std::f32::consts::TAU * k as f32 / (8 * ring) as f32;
            let spot = Spot {
                cx: origin.cx + d * a.sin(),
                top: origin.top + d * a.cos(),
            };
            if board.free(&label.at(spot.cx, spot.top)) {
                return Some(spot);
            }
        }
    }
    if board.frame.is_some() {
        return None;
    }
    Some(Spot {
        cx: origin.cx,
        top: board.bottom.map_or(origin.top, |y| y.max(origin.top)) + PAD * 2.0,
    })
}

/// The labels of the drawing, each where it was placed (drawing coordinates), and the board of every
/// box taken: party shapes, names, callouts and kind labels.
///
/// Each list is in the order the writing reads the parties (graph order) and the links (route
/// order), so that it walks them beside the drawing instead of looking each party and link up
/// by id (three lookups per link were a growing share of a 10,000-party SVG's time).
pub(super) struct Placed {
    /// Each drawn party's name and kind, in graph order.
    pub(super) party_labels: Vec<(NodeIndex, Label, Spot)>,
    /// Per numbered link, in route order: the route's index, the callout's centre and the point
    /// on the link it is drawn from.
    pub(super) callouts: Vec<(usize, Position, Position)>,
    /// The five kind labels, measured once.
    pub(super) kind_label: HashMap<LinkKind, Label>,
    /// Per link with room for it, in route order: the route's index, its kind and its label's
    /// spot.
    pub(super) kind_labels: Vec<(usize, LinkKind, Spot)>,
    pub(super) board: Board,
}

impl Placed {
    /// What the page must hold: every box taken and the middle of every link.
    pub(super) fn extent(&self, all_routes: &[Route]) -> Box2 {
        let mut extent: Option<Box2> = None;
        for b in &self.board.taken {
            extent = Some(extent.map_or(*b, |e| e.union(b)));
        }
        for route in all_routes {
            let c = route.at(0.5);
            let b = Box2::around(c.x, c.y, 1.0, 1.0);
            extent = Some(extent.map_or(b, |e| e.union(&b)));
        }
        extent.unwrap_or(Box2 {
            x0: 0.0,
            y0: 0.0,
            x1: 1.0,
            y1: 1.0,
        })
    }
}

/// Places every label of the drawing: party shapes are taken first, then each party's name goes to
/// the freest of its candidate spots, then each numbered link's callout slides along its link to a
/// free spot, then each other link's kind label takes a free spot along it or is left out. `None`
/// when cancelled. With a `frame` (a PNG's), nothing is placed outside it: a name with no room
/// inside is left out, a callout with none sits on its link's middle. `edges` are the routes'
/// links' graph indexes.
#[allow(clippy::too_many_arguments)]
pub(super) fn place_all(
    sheet: &Sheet,
    positions: &BTreeMap<PartyId, Position>,
    all_routes: &[Route],
    edges: &[EdgeIndex],
    numbering: &Numbering,
    detail: Detail,
    frame: Option<Box2>,
    steps: &mut Steps,
) -> Option<Placed> {
    let fonts = Fonts::shared();
    let s = sheet.scenario;
    steps.begin();
    let g = s.graph();
    // The shapes, the names, the callouts and the kind labels, as many as are drawn at most.
    let names = if detail >= Detail::Names {
        positions.len()
    } else {
        0
    };
    let kinds = if detail >= Detail::Full {
        all_routes.len()
    } else {
        0
    };
    let drawn = crate::export::positions_by_node(s, positions);
    // Where nearly every label goes: around the parties, as far as a name reaches.
    let area = drawn
        .iter()
        .flatten()
        .map(|p| Box2::around(p.x, p.y, NAME_REACH.0, NAME_REACH.1))
        .reduce(|a, b| a.union(&b));
    let mut board = Board::with_room(
        positions.len() + names + numbering.numbers.len() + kinds,
        area,
    );
    for n in g.node_indices() {
        if let Some(p) = drawn[n.index()] {
            board.take(shape_box(g[n].kind, p));
        }
    }
    // The shapes are inside any frame (it is made around them); the labels must stay in it.
    board.frame = frame;
    // The links' curves are indexed only to place party names, and freed before the rest: at
    // 300,000 parties (drawn without names) the index held a gigabyte that nothing read.
    let party_labels = if detail >= Detail::Names {
        let around: Vec<Box2> = drawn
            .iter()
            .flatten()
            .map(|p| Box2::around(p.x, p.y, NAME_REACH.0, NAME_REACH.1))
            .collect();
        let lines = Crossings::of_routes(all_routes, &around);
        party_labels(sheet, positions, &mut board, &lines, steps)?
    } else {
        Vec::new()
    };
    let callouts = callouts(all_routes, edges, numbering, &mut board, steps)?;
    // Five kinds, measured once each rather than once per link.
    let kind_label: HashMap<LinkKind, Label> = LinkKind::ALL
        .into_iter()
        .map(|k| (k, Label::new(fonts, vec![(k.label().to_owned(), KIND)])))
        .collect();
    let kind_labels = if detail >= Detail::Full {
        kind_labels(
            sheet,
            all_routes,
            edges,
            numbering,
            &kind_label,
            &mut board,
            steps,
        )?
    } else {
        Vec::new()
    };
    Some(Placed {
        party_labels,
        callouts,
        kind_label,
        kind_labels,
        board,
    })
}

/// Each drawn party's name (wrapped, ellipsised) and kind line on the freest of its candidate spots:
/// below, above, right or left of its shape, then a little farther below or above; narrower if none
/// is free; failing all, the nearest free spot around it.
fn party_labels(
    sheet: &Sheet,
    positions: &BTreeMap<PartyId, Position>,
    board: &mut Board,
    lines: &Crossings,
    steps: &mut Steps,
) -> Option<Vec<(NodeIndex, Label, Spot)>> {
    let fonts = Fonts::shared();
    let mut party_labels = Vec::with_capacity(positions.len());
    let g = sheet.scenario.graph();
    let drawn = crate::export::positions_by_node(sheet.scenario, positions);
    for n in g.node_indices() {
        let party = &g[n];
        steps.step()?;
        let Some(p) = drawn[n.index()] else {
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
            if let Some(spot) = place(board, &label, &candidates, lines) {
                chosen = Some((label, spot));
                break;
            }
        }
        let chosen = chosen.or_else(|| {
            let label = build(110.0, 1);
            let origin = Spot {
                cx: p.x,
                top: shape.y1 + PAD + 2.0,
            };
            search(board, &label, origin).map(|spot| (label, spot))
        });
        // Only a PNG's frame leaves a name out.
        let Some((label, spot)) = chosen else {
            continue;
        };
        board.take(label.at(spot.cx, spot.top));
        party_labels.push((n, label, spot));
    }
    Some(party_labels)
}

/// Where a callout may sit along its link, in order of preference (fractions of the way).
const ALONG: [f32; 9] = [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.15, 0.85];

/// Each numbered link's callout: the first free spot along the link, else the nearest free spot
/// around its middle; per link, the callout's centre and the point on the link it is drawn from.
fn callouts(
    all_routes: &[Route],
    edges: &[EdgeIndex],
    numbering: &Numbering,
    board: &mut Board,
    steps: &mut Steps,
) -> Option<Vec<(usize, Position, Position)>> {
    let mut callouts = Vec::new();
    for (i, (route, e)) in all_routes.iter().zip(edges).enumerate() {
        steps.step()?;
        let Some(n) = numbering.of_edge(*e) else {
            continue;
        };
        let half = callout_half(n);
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
                board,
                &disc,
                Spot {
                    cx: anchor.x,
                    top: anchor.y - CALLOUT_R,
                },
            );
            // A number is never left out: with no room inside a PNG's frame, on the link itself.
            spot = Some(found.map_or(anchor, |found| Position {
                x: found.cx,
                y: found.top + CALLOUT_R,
            }));
        }
        if let Some(c) = spot {
            board.take(Box2::around(c.x, c.y, rx, r));
            callouts.push((i, c, anchor));
        }
    }
    Some(callouts)
}

/// Each link gets its kind label on the first free spot along it, or none (the link's tooltip
/// still says it): the numbered links first, so that a broken link keeps its kind beside its
/// callout ("purchase" on a red line says what broke).
fn kind_labels(
    sheet: &Sheet,
    all_routes: &[Route],
    edges: &[EdgeIndex],
    numbering: &Numbering,
    kind_label: &HashMap<LinkKind, Label>,
    board: &mut Board,
    steps: &mut Steps,
) -> Option<Vec<(usize, LinkKind, Spot)>> {
    let g = sheet.scenario.graph();
    let mut kind_labels = Vec::new();
    let numbered = |i: &usize| numbering.of_edge(edges[*i]).is_some();
    let (broken, others): (Vec<usize>, Vec<usize>) = (0..all_routes.len()).partition(numbered);
    for i in broken.into_iter().chain(others) {
        steps.step()?;
        let (route, kind) = (&all_routes[i], g[edges[i]].kind);
        let label = &kind_label[&kind];
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
            kind_labels.push((i, kind, spot));
        }
    }
    // In route order, as the writing reads them.
    kind_labels.sort_unstable_by_key(|(i, _, _)| *i);
    Some(kind_labels)
}
