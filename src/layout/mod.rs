//! Owns where parties go (the tier layout, saved positions) and how links are routed between them;
//! must not know findings, styling or any output format (the canvas and the exports read it).
//!
//! Where parties go on the canvas (and in exported diagrams) when the user has not placed them.
//!
//! The tier layout reads the channel top-down the way the program describes it: Microsoft, then
//! indirect providers and direct-bill partners, then indirect resellers, then customers. Within a row,
//! parties sit under the parties that supply them (barycentre ordering), so links rarely cross;
//! optionally each CSP region gets its own block of columns.

mod force;
mod routes;
mod spatial;

pub use force::force_positions;
pub use routes::{End, Parallels, Route, Router, each_route, routes, routes_by_edge};
pub use spatial::clip_segment;

use crate::model::{LinkKind, PartyId, PartyKind, Position, Scenario, markets};
use petgraph::Direction;
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::{EdgeRef, NodeIndexable};
use std::collections::BTreeMap;

/// Vertical distance between tiers, in canvas units.
pub const ROW_GAP: f32 = 170.0;
/// Horizontal distance between neighbours in a tier.
pub const COLUMN_GAP: f32 = 190.0;
/// Extra distance between two regions' blocks when grouping by region.
pub const REGION_GAP: f32 = 120.0;

/// Vertical distance between rows of one seller's block of customers.
pub const BLOCK_ROW_GAP: f32 = 140.0;
/// The narrowest a band of sellers is before it wraps: small channels stay on one band.
const MIN_BAND_COLUMNS: f32 = 30.0;

/// Options of the tier layout.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TierLayout {
    /// Keep each CSP region's parties together, regions side by side.
    pub group_by_region: bool,
}

/// A seller's unit in the reseller band: the reseller (if the unit has one; a direct-bill
/// partner's customers form a unit of their own under the band, the partner sits a tier up) and
/// its customers in a block of rows under it.
struct Unit {
    head: Option<NodeIndex>,
    customers: Vec<NodeIndex>,
    region: String,
    key: f32,
    columns: usize,
}

impl Unit {
    fn width(&self) -> f32 {
        self.columns.max(1) as f32 * COLUMN_GAP
    }

    fn height(&self) -> f32 {
        let rows = self.customers.len().div_ceil(self.columns.max(1));
        ROW_GAP + rows as f32 * BLOCK_ROW_GAP
    }
}

impl TierLayout {
    /// Positions for every party of the scenario (ignoring the saved ones).
    ///
    /// Microsoft on top, then providers and direct-bill partners in a row, then the reseller band:
    /// each reseller with its customers in a block of rows under it (about as wide as tall), so a
    /// channel of thousands reads block by block instead of as one endless row. The band wraps
    /// into shelves when it would be much wider than tall. Customers with no reseller or
    /// direct-bill seller go in rows at the bottom.
    pub fn positions(&self, scenario: &Scenario) -> BTreeMap<PartyId, Position> {
        let g = scenario.graph();
        let bound = g.node_bound();
        let region_of = |n: NodeIndex| -> String {
            if !self.group_by_region {
                return String::new();
            }
            g[n].country
                .as_deref()
                .and_then(|c| markets().region_of(c))
                .map_or_else(|| "~".to_owned(), |r| r.name.clone())
        };
        // Where each party went, by graph index (NaN: not placed yet). Parties are read by index
        // throughout: at 300,000 parties, looking each one up by id was most of the layout's time.
        let mut x_of: Vec<f32> = vec![f32::NAN; bound];
        // Barycentre of the parties that supply one (already placed, one tier up or more).
        let key = |x_of: &[f32], n: NodeIndex| -> f32 {
            let (sum, count) = g
                .edges_directed(n, Direction::Incoming)
                .filter(|e| e.weight().kind != LinkKind::Admin)
                .map(|e| x_of[e.source().index()])
                .filter(|x| !x.is_nan())
                .fold((0.0, 0usize), |(s, c), x| (s + x, c + 1));
            if count == 0 {
                f32::MAX
            } else {
                sum / count as f32
            }
        };
        let order = |a: &(String, f32, NodeIndex), b: &(String, f32, NodeIndex)| {
            (&a.0, a.1, &g[a.2].id)
                .partial_cmp(&(&b.0, b.1, &g[b.2].id))
                .unwrap_or(std::cmp::Ordering::Equal)
        };
        let mut out: Vec<(NodeIndex, Position)> = Vec::with_capacity(scenario.party_count());

        // Tiers 0 and 1: one centred row each.
        for tier in 0..2u8 {
            let mut keyed: Vec<(String, f32, NodeIndex)> = g
                .node_indices()
                .filter(|&n| g[n].kind.tier() == tier)
                .map(|n| (region_of(n), key(&x_of, n), n))
                .collect();
            keyed.sort_by(order);
            let mut xs = Vec::with_capacity(keyed.len());
            let mut x = 0.0;
            for (i, (region, _, _)) in keyed.iter().enumerate() {
                if i > 0 {
                    x += COLUMN_GAP.max(room_beside(&g[keyed[i - 1].2].name));
                    if self.group_by_region && keyed[i - 1].0 != *region {
                        x += REGION_GAP;
                    }
                }
                xs.push(x);
            }
            let shift = x / 2.0;
            for ((_, _, n), x) in keyed.iter().zip(xs) {
                let pos = Position {
                    x: x - shift,
                    y: f32::from(tier) * ROW_GAP,
                };
                x_of[n.index()] = pos.x;
                out.push((*n, pos));
            }
        }

        // The reseller band: units of a seller and its customers.
        let mut by_seller: Vec<Vec<NodeIndex>> = vec![Vec::new(); bound];
        let mut loose: Vec<NodeIndex> = Vec::new();
        for n in g.node_indices() {
            if g[n].kind != PartyKind::Customer {
                continue;
            }
            match home_seller_of(g, n) {
                Some(seller) => by_seller[seller.index()].push(n),
                None => loose.push(n),
            }
        }
        let mut units: Vec<Unit> = Vec::new();
        for n in g.node_indices() {
            let head = match g[n].kind {
                PartyKind::IndirectReseller => Some(n),
                PartyKind::DirectBill if !by_seller[n.index()].is_empty() => None,
                _ => continue,
            };
            let mut customers = std::mem::take(&mut by_seller[n.index()]);
            customers.sort_by(|a, b| g[*a].id.cmp(&g[*b].id));
            let key = match head {
                Some(head) => key(&x_of, head),
                None => {
                    let x = x_of[n.index()];
                    if x.is_nan() { f32::MAX } else { x }
                }
            };
            units.push(Unit {
                head,
                columns: (customers.len() as f32).sqrt().ceil() as usize,
                customers,
                region: region_of(n),
                key,
            });
        }
        units.sort_by(|a, b| {
            let id = |u: &Unit| u.head.or(u.customers.first().copied()).map(|n| &g[n].id);
            (&a.region, a.key, id(a))
                .partial_cmp(&(&b.region, b.key, id(b)))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let area: f32 = units.iter().map(|u| u.width() * u.height()).sum();
        // Shelves leave room under their shorter blocks, so aim wider than the window's 16:10.
        let band = (area * 2.5).sqrt().max(MIN_BAND_COLUMNS * COLUMN_GAP);
        // Shelves: units left to right until the band is full, then the next shelf below.
        let mut shelves: Vec<(f32, Vec<(f32, &Unit)>)> = vec![(0.0, Vec::new())];
        let mut x = 0.0;
        let mut previous: Option<&str> = None;
        for unit in &units {
            let gap = if previous.is_some_and(|r| r != unit.region) {
                REGION_GAP
            } else {
                0.0
            };
            let shelf = shelves.last_mut().expect("one shelf at least");
            if !shelf.1.is_empty() && x + gap + unit.width() > band {
                shelves.push((0.0, Vec::new()));
                x = 0.0;
            } else {
                x += if shelf.1.is_empty() { 0.0 } else { gap };
            }
            let shelf = shelves.last_mut().expect("one shelf at least");
            shelf.1.push((x, unit));
            x += unit.width();
            shelf.0 = x;
            previous = Some(&unit.region);
        }
        let mut y = 2.0 * ROW_GAP;
        for (width, placed) in &shelves {
            let shift = (width - COLUMN_GAP) / 2.0;
            let mut height: f32 = 0.0;
            for (left, unit) in placed {
                if let Some(head) = unit.head {
                    let pos = Position {
                        x: left + (unit.width() - COLUMN_GAP) / 2.0 - shift,
                        y,
                    };
                    out.push((head, pos));
                }
                for (i, n) in unit.customers.iter().enumerate() {
                    let (row, column) = (i / unit.columns, i % unit.columns);
                    // A last row that is not full is centred under the seller.
                    let in_row = (unit.customers.len() - row * unit.columns).min(unit.columns);
                    let indent = (unit.columns - in_row) as f32 * COLUMN_GAP / 2.0;
                    out.push((
                        *n,
                        Position {
                            x: left + indent + column as f32 * COLUMN_GAP - shift,
                            y: y + ROW_GAP + row as f32 * BLOCK_ROW_GAP,
                        },
                    ));
                }
                height = height.max(unit.height());
            }
            y += height + BLOCK_ROW_GAP;
        }

        // Customers with no seller to sit under: rows at the bottom, in the band's width.
        let mut keyed: Vec<(String, f32, NodeIndex)> = loose
            .into_iter()
            .map(|n| (region_of(n), key(&x_of, n), n))
            .collect();
        keyed.sort_by(order);
        let per_row = ((band / COLUMN_GAP) as usize).max(1);
        let y = if shelves.iter().all(|s| s.1.is_empty()) {
            3.0 * ROW_GAP
        } else {
            y
        };
        for (row, chunk) in keyed.chunks(per_row).enumerate() {
            let shift = (chunk.len() - 1) as f32 * COLUMN_GAP / 2.0;
            for (i, (_, _, n)) in chunk.iter().enumerate() {
                out.push((
                    *n,
                    Position {
                        x: i as f32 * COLUMN_GAP - shift,
                        y: y + row as f32 * BLOCK_ROW_GAP,
                    },
                ));
            }
        }
        // In id order, so the map is built in one pass instead of one search per party. Sorted on
        // each id's first 16 bytes, held in the entry, and on the whole ids only where those tie:
        // comparing the ids through the graph (a party, its id, the text) was most of the layout's
        // time at 10,000 parties, and grew faster than the channel.
        let mut sorted: Vec<(u128, PartyId, Position)> = out
            .into_iter()
            .map(|(n, pos)| {
                let id = g[n].id;
                (id_prefix(id.as_str()), id, pos)
            })
            .collect();
        sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        sorted.into_iter().map(|(_, id, pos)| (id, pos)).collect()
    }
}

/// An id's first 16 bytes as a number that orders as the ids do where two differ (padded with
/// zeros: a shorter id that is the start of a longer one is less, as in text order, or ties).
fn id_prefix(id: &str) -> u128 {
    let mut bytes = [0u8; 16];
    let n = id.len().min(16);
    bytes[..n].copy_from_slice(&id.as_bytes()[..n]);
    u128::from_be_bytes(bytes)
}

/// The least distance from a party of the top rows (Microsoft, providers, direct-bill partners) to
/// its right-hand neighbour that leaves room for its name between them, in canvas units. Links
/// leave these parties upwards and downwards, so the canvas writes their names beside them where
/// no link runs; with the Presentation theme's type, "Fabrikam (direct-bill)" found no such place
/// between its neighbours on sample 6 and went among Microsoft's supply links, hiding them (and
/// OCR read their arrowheads into the name). The width is an estimate of the name in that type
/// (22.5 px bold at zoom 1, about 14 units a character, wrapped at about 21 characters), between
/// two parties of radius 30 with a little air: the layout does not measure fonts. At 17 units the
/// top rows grew so wide that sample 6's drawing, framed beside the legend in presenter mode, was
/// drawn too small for two of its names to be read off the screen.
fn room_beside(name: &str) -> f32 {
    const PER_CHARACTER: f32 = 14.0;
    const WRAPS_AT: usize = 21;
    let characters = name.chars().count().min(WRAPS_AT);
    2.0 * 30.0 + 26.0 + characters as f32 * PER_CHARACTER
}

/// The seller a customer is drawn under (and, on the canvas, counted with when zoomed out): the
/// indirect reseller it buys from or has a reseller relationship with, else such a direct-bill
/// partner; the smallest id when there are several, so the answer does not depend on link order.
pub fn home_seller<'a>(scenario: &'a Scenario, customer: &str) -> Option<&'a PartyId> {
    let g = scenario.graph();
    let n = scenario.party_index(customer)?;
    home_seller_of(g, n).map(|seller| &g[seller].id)
}

/// [`home_seller`] on graph indexes.
pub fn home_seller_of(g: &crate::model::ChannelGraph, customer: NodeIndex) -> Option<NodeIndex> {
    g.edges_directed(customer, Direction::Incoming)
        .filter(|e| matches!(e.weight().kind, LinkKind::Purchase | LinkKind::Reseller))
        .filter_map(|e| {
            let seller = &g[e.source()];
            let rank = match seller.kind {
                PartyKind::IndirectReseller => 0,
                PartyKind::DirectBill => 1,
                _ => return None,
            };
            Some((rank, &seller.id, e.source()))
        })
        .min()
        .map(|(_, _, n)| n)
}

/// Where each party is drawn: its saved position, or the tier layout's for those with none.
///
/// Unplaced parties of a partly placed scenario go to the right of everything already placed in their
/// tier, so that adding a party never lands it on top of another. The tier layout is computed only
/// when no party has a position (the only case that reads it): every export of a placed channel
/// asks for these positions, and the layout of 100,000 parties is a tenth of a second.
pub fn effective_positions(scenario: &Scenario) -> BTreeMap<PartyId, Position> {
    if scenario.parties().all(|p| p.position.is_none()) {
        return TierLayout::default().positions(scenario);
    }
    let mut out = BTreeMap::new();
    let mut right_edge = f32::MIN;
    for p in scenario.parties() {
        if let Some(pos) = p.position {
            right_edge = right_edge.max(pos.x);
            out.insert(p.id, pos);
        }
    }
    let mut next_x = right_edge + COLUMN_GAP;
    let mut unplaced: Vec<_> = scenario
        .parties()
        .filter(|p| p.position.is_none())
        .collect();
    unplaced.sort_by_key(|p| (p.kind.tier(), p.id));
    for p in unplaced {
        out.insert(
            p.id,
            Position {
                x: next_x,
                y: f32::from(p.kind.tier()) * ROW_GAP,
            },
        );
        next_x += COLUMN_GAP;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Link, Party, PartyKind};
    use std::collections::HashMap;

    fn d() -> crate::model::Date {
        "2021-01-01".parse().unwrap()
    }

    fn channel() -> Scenario {
        let mut s = Scenario::new("t");
        for p in [
            Party::new("ms", PartyKind::Microsoft),
            Party::new("dist", PartyKind::IndirectProvider).in_country("DE"),
            Party::new("db", PartyKind::DirectBill).in_country("US"),
            Party::new("res", PartyKind::IndirectReseller).in_country("DE"),
            Party::new("c-db", PartyKind::Customer).in_country("US"),
            Party::new("c-res", PartyKind::Customer).in_country("DE"),
        ] {
            s.add_party(p).unwrap();
        }
        for l in [
            Link::new("1", LinkKind::Supply, "ms", "dist", d()),
            Link::new("2", LinkKind::Supply, "ms", "db", d()),
            Link::new("3", LinkKind::Partnership, "dist", "res", d()),
            Link::new("4", LinkKind::Purchase, "res", "c-res", d()),
            Link::new("5", LinkKind::Purchase, "db", "c-db", d()),
        ] {
            s.add_link(l).unwrap();
        }
        s
    }

    #[test]
    fn tiers_go_top_down_and_customers_sit_under_their_sellers() {
        let pos = TierLayout::default().positions(&channel());
        let y = |id: &str| pos[&PartyId::from(id)].y;
        let x = |id: &str| pos[&PartyId::from(id)].x;
        assert!(
            y("ms") < y("dist")
                && y("dist") == y("db")
                && y("db") < y("res")
                && y("res") < y("c-res")
        );
        assert_eq!(x("ms"), 0.0, "a lone party is centred");
        assert_eq!(
            x("c-db") < x("c-res"),
            x("db") < x("dist"),
            "customers follow their sellers' order"
        );
    }

    #[test]
    fn customers_sit_in_a_block_under_their_reseller_and_a_big_channel_wraps() {
        let s = crate::generate::generate(&crate::generate::GenerateOptions {
            providers: 4,
            resellers: 200,
            direct_bill: 3,
            customers: 1_800,
            seed: 5,
            break_rate: 0.0,
        })
        .expect("valid options");
        let pos = TierLayout::default().positions(&s);
        assert_eq!(pos.len(), s.party_count(), "everyone has a place");
        // No two parties share a spot.
        let mut spots: Vec<(i64, i64)> = pos
            .values()
            .map(|p| ((p.x * 10.0) as i64, (p.y * 10.0) as i64))
            .collect();
        spots.sort_unstable();
        spots.dedup();
        assert_eq!(spots.len(), pos.len(), "two parties on one spot");
        // Each customer is below its home seller and near it: within its block's width.
        let mut block: HashMap<&PartyId, usize> = HashMap::new();
        for c in s.parties_of_kind(PartyKind::Customer) {
            if let Some(home) = home_seller(&s, c.id.as_str()) {
                *block.entry(home).or_default() += 1;
            }
        }
        for c in s.parties_of_kind(PartyKind::Customer) {
            let Some(home) = home_seller(&s, c.id.as_str()) else {
                continue;
            };
            if s.party(home.as_str()).unwrap().kind != PartyKind::IndirectReseller {
                continue;
            }
            let n = block[home];
            let (p, h) = (pos[&c.id], pos[home]);
            let half_block = (n as f32).sqrt().ceil() * COLUMN_GAP / 2.0;
            assert!(p.y > h.y, "{} is not below {home}", c.id);
            assert!(
                (p.x - h.x).abs() <= half_block,
                "{} is far from {home}",
                c.id
            );
        }
        // Not one endless row: the drawing is at most a few times wider than tall.
        let (w, h) = pos.values().fold((f32::MIN, f32::MIN), |(w, h), p| {
            (w.max(p.x.abs() * 2.0), h.max(p.y))
        });
        assert!(w < h * 4.0, "{w} wide, {h} tall");
    }

    /// The prefix that sorts the layout's ids orders them as their text does wherever it differs.
    #[test]
    fn an_ids_prefix_orders_as_its_text() {
        let ids = [
            "",
            "a",
            "a\0",
            "a\0b",
            "ab",
            "customer-1",
            "customer-10",
            "customer-2",
            "customer-1234567",
            "customer-12345678",
            "customer-12345679",
            "é",
            "z",
        ];
        for a in ids {
            for b in ids {
                let (x, y) = (id_prefix(a), id_prefix(b));
                if x != y {
                    assert_eq!(x.cmp(&y), a.cmp(b), "{a:?} {b:?}");
                }
            }
        }
    }

    #[test]
    fn grouping_by_region_separates_regions() {
        let pos = TierLayout {
            group_by_region: true,
        }
        .positions(&channel());
        let gap = (pos[&PartyId::from("db")].x - pos[&PartyId::from("dist")].x).abs();
        assert_eq!(gap, COLUMN_GAP + REGION_GAP);
    }

    #[test]
    fn saved_positions_win_and_new_parties_do_not_overlap() {
        let mut s = channel();
        s.set_position(&"ms".into(), Some(Position { x: 500.0, y: 0.0 }))
            .unwrap();
        let pos = effective_positions(&s);
        assert_eq!(pos[&PartyId::from("ms")], Position { x: 500.0, y: 0.0 });
        assert!(pos.values().filter(|p| p.x > 500.0).count() == 5);
    }
}
