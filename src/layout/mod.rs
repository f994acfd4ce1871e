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
mod spatial;

pub use force::force_positions;
pub use spatial::{PointIndex, clip_segment};

use crate::model::{LinkKind, PartyId, PartyKind, Position, Scenario, markets};
use std::collections::{BTreeMap, HashMap};

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
struct Unit<'a> {
    head: Option<&'a PartyId>,
    customers: Vec<&'a PartyId>,
    region: String,
    key: f32,
    columns: usize,
}

impl Unit<'_> {
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
        let region_of = |id: &PartyId| -> String {
            if !self.group_by_region {
                return String::new();
            }
            scenario
                .party(id.as_str())
                .and_then(|p| p.country.as_deref())
                .and_then(|c| markets().region_of(c))
                .map_or_else(|| "~".to_owned(), |r| r.name.clone())
        };
        let mut x_of: HashMap<&PartyId, f32> = HashMap::new();
        // Barycentre of the parties that supply one (already placed, one tier up or more).
        let key = |x_of: &HashMap<&PartyId, f32>, id: &PartyId| -> f32 {
            let (sum, n) = scenario
                .links_to(id.as_str())
                .filter(|l| l.kind != LinkKind::Admin)
                .filter_map(|l| x_of.get(&l.from).copied())
                .fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
            if n == 0 { f32::MAX } else { sum / n as f32 }
        };
        let order = |a: &(String, f32, &PartyId), b: &(String, f32, &PartyId)| {
            (&a.0, a.1, a.2)
                .partial_cmp(&(&b.0, b.1, b.2))
                .unwrap_or(std::cmp::Ordering::Equal)
        };
        let mut out = BTreeMap::new();

        // Tiers 0 and 1: one centred row each.
        for tier in 0..2u8 {
            let mut keyed: Vec<(String, f32, &PartyId)> = scenario
                .parties()
                .filter(|p| p.kind.tier() == tier)
                .map(|p| (region_of(&p.id), key(&x_of, &p.id), &p.id))
                .collect();
            keyed.sort_by(order);
            let mut xs = Vec::with_capacity(keyed.len());
            let mut x = 0.0;
            for (i, (region, _, _)) in keyed.iter().enumerate() {
                if i > 0 {
                    x += COLUMN_GAP;
                    if self.group_by_region && keyed[i - 1].0 != *region {
                        x += REGION_GAP;
                    }
                }
                xs.push(x);
            }
            let shift = x / 2.0;
            for ((_, _, id), x) in keyed.iter().zip(xs) {
                let pos = Position {
                    x: x - shift,
                    y: f32::from(tier) * ROW_GAP,
                };
                x_of.insert(id, pos.x);
                out.insert((*id).clone(), pos);
            }
        }

        // The reseller band: units of a seller and its customers.
        let mut by_seller: HashMap<&PartyId, Vec<&PartyId>> = HashMap::new();
        let mut loose: Vec<&PartyId> = Vec::new();
        for p in scenario.parties().filter(|p| p.kind == PartyKind::Customer) {
            match home_seller(scenario, p.id.as_str()) {
                Some(seller) => by_seller.entry(seller).or_default().push(&p.id),
                None => loose.push(&p.id),
            }
        }
        let mut units: Vec<Unit> = Vec::new();
        for p in scenario.parties() {
            let head = match p.kind {
                PartyKind::IndirectReseller => Some(&p.id),
                PartyKind::DirectBill if by_seller.contains_key(&p.id) => None,
                _ => continue,
            };
            let mut customers = by_seller.remove(&p.id).unwrap_or_default();
            customers.sort();
            let key = match head {
                Some(id) => key(&x_of, id),
                None => x_of.get(&p.id).copied().unwrap_or(f32::MAX),
            };
            units.push(Unit {
                head,
                columns: (customers.len() as f32).sqrt().ceil() as usize,
                customers,
                region: region_of(&p.id),
                key,
            });
        }
        units.sort_by(|a, b| {
            let id = |u: &Unit| u.head.or(u.customers.first().copied()).cloned();
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
                    out.insert(head.clone(), pos);
                }
                for (i, id) in unit.customers.iter().enumerate() {
                    let (row, column) = (i / unit.columns, i % unit.columns);
                    // A last row that is not full is centred under the seller.
                    let in_row = (unit.customers.len() - row * unit.columns).min(unit.columns);
                    let indent = (unit.columns - in_row) as f32 * COLUMN_GAP / 2.0;
                    out.insert(
                        (*id).clone(),
                        Position {
                            x: left + indent + column as f32 * COLUMN_GAP - shift,
                            y: y + ROW_GAP + row as f32 * BLOCK_ROW_GAP,
                        },
                    );
                }
                height = height.max(unit.height());
            }
            y += height + BLOCK_ROW_GAP;
        }

        // Customers with no seller to sit under: rows at the bottom, in the band's width.
        let mut keyed: Vec<(String, f32, &PartyId)> = loose
            .into_iter()
            .map(|id| (region_of(id), key(&x_of, id), id))
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
            for (i, (_, _, id)) in chunk.iter().enumerate() {
                out.insert(
                    (*id).clone(),
                    Position {
                        x: i as f32 * COLUMN_GAP - shift,
                        y: y + row as f32 * BLOCK_ROW_GAP,
                    },
                );
            }
        }
        out
    }
}

/// The seller a customer is drawn under (and, on the canvas, counted with when zoomed out): the
/// indirect reseller it buys from or has a reseller relationship with, else such a direct-bill
/// partner; the smallest id when there are several, so the answer does not depend on link order.
pub fn home_seller<'a>(scenario: &'a Scenario, customer: &str) -> Option<&'a PartyId> {
    scenario
        .links_to(customer)
        .filter(|l| matches!(l.kind, LinkKind::Purchase | LinkKind::Reseller))
        .filter_map(|l| {
            let seller = scenario.party(l.from.as_str())?;
            let rank = match seller.kind {
                PartyKind::IndirectReseller => 0,
                PartyKind::DirectBill => 1,
                _ => return None,
            };
            Some((rank, &seller.id))
        })
        .min()
        .map(|(_, id)| id)
}

/// Where each party is drawn: its saved position, or the tier layout's for those with none.
///
/// Unplaced parties of a partly placed scenario go to the right of everything already placed in their
/// tier, so that adding a party never lands it on top of another.
pub fn effective_positions(scenario: &Scenario) -> BTreeMap<PartyId, Position> {
    let tiers = TierLayout::default().positions(scenario);
    if scenario.parties().all(|p| p.position.is_none()) {
        return tiers;
    }
    let mut out = BTreeMap::new();
    let mut right_edge = f32::MIN;
    for p in scenario.parties() {
        if let Some(pos) = p.position {
            right_edge = right_edge.max(pos.x);
            out.insert(p.id.clone(), pos);
        }
    }
    let mut next_x = right_edge + COLUMN_GAP;
    let mut unplaced: Vec<_> = scenario
        .parties()
        .filter(|p| p.position.is_none())
        .collect();
    unplaced.sort_by_key(|p| (p.kind.tier(), p.id.clone()));
    for p in unplaced {
        out.insert(
            p.id.clone(),
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

/// How a link is drawn: a quadratic Bézier from the centre of one party to the centre of the other.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// The link.
    pub link: crate::model::LinkId,
    /// Centre of the supplying party.
    pub from: Position,
    /// The Bézier control point (the midpoint for a straight link).
    pub control: Position,
    /// Centre of the buying party.
    pub to: Position,
}

impl Route {
    /// The point at `t` in 0..=1 along the curve.
    pub fn at(&self, t: f32) -> Position {
        let u = 1.0 - t;
        Position {
            x: u * u * self.from.x + 2.0 * u * t * self.control.x + t * t * self.to.x,
            y: u * u * self.from.y + 2.0 * u * t * self.control.y + t * t * self.to.y,
        }
    }
}

/// Routes every link between drawn parties: parallel links between the same two parties fan out side
/// by side, and a link that would run straight through another party (of `radius`) bends around it,
/// so that no link hides behind a party it does not touch. The canvas and the exports share it.
pub fn routes(
    scenario: &Scenario,
    positions: &BTreeMap<PartyId, Position>,
    radius: f32,
) -> Vec<Route> {
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    let mut out = Vec::new();
    // Parties in id order (ties between blockers go to the first id, as a scan would pick), found by
    // distance to a link through a spatial index rather than by testing each one.
    let ids: Vec<&PartyId> = positions.keys().collect();
    let near = PointIndex::new(positions.values().copied());
    for link in scenario.links() {
        let (Some(&a), Some(&b)) = (positions.get(&link.from), positions.get(&link.to)) else {
            continue;
        };
        let forward = link.from <= link.to;
        let key = if forward {
            (link.from.as_str(), link.to.as_str())
        } else {
            (link.to.as_str(), link.from.as_str())
        };
        let n = seen.entry(key).or_insert(0);
        let index = *n;
        *n += 1;
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let length = (dx * dx + dy * dy).sqrt().max(1e-3);
        let sign = if forward { 1.0 } else { -1.0 };
        let normal = (-dy / length * sign, dx / length * sign);
        let step = index.div_ceil(2) as f32 * 33.0;
        let offset = if index % 2 == 1 { step } else { -step };
        // Bend away from the nearest party the straight line would cross (its own ends aside,
        // found once by rank rather than compared by name at every candidate).
        let rank = |id: &PartyId| ids.binary_search(&id).ok();
        let (from, to) = (rank(&link.from), rank(&link.to));
        let blocker =
            near.nearest_to_segment(a, b, radius * 1.6, |r| Some(r) != from && Some(r) != to);
        let bend = blocker.map_or(0.0, |(_, _, c)| {
            let side = (c.x - a.x) * normal.0 + (c.y - a.y) * normal.1;
            let away = if side > 0.0 { -1.0 } else { 1.0 };
            away * (length * 0.3).max(radius * 3.0)
        });
        let shift = offset + bend;
        out.push(Route {
            link: link.id.clone(),
            from: a,
            control: Position {
                x: (a.x + b.x) / 2.0 + normal.0 * shift,
                y: (a.y + b.y) / 2.0 + normal.1 * shift,
            },
            to: b,
        });
    }
    out
}

#[cfg(test)]
mod route_tests {
    use super::*;
    use crate::model::{Link, Party, PartyKind};

    #[test]
    fn a_link_through_another_party_bends_and_parallel_links_fan_out() {
        let mut s = Scenario::new("t");
        for (id, x) in [("a", 0.0), ("b", 100.0), ("c", 200.0)] {
            s.add_party(Party::new(id, PartyKind::Customer).at(x, 0.0))
                .unwrap();
        }
        let d: crate::model::Date = "2021-01-01".parse().unwrap();
        s.add_link(Link::new("ac", LinkKind::Admin, "a", "c", d))
            .unwrap();
        s.add_link(Link::new("ab1", LinkKind::Admin, "a", "b", d))
            .unwrap();
        s.add_link(Link::new("ab2", LinkKind::Admin, "a", "b", d))
            .unwrap();
        let positions = effective_positions(&s);
        let routes = routes(&s, &positions, 30.0);
        let by_id = |id: &str| {
            routes
                .iter()
                .find(|r| r.link.as_str() == id)
                .unwrap()
                .clone()
        };
        assert!(by_id("ac").control.y.abs() > 40.0, "bends around b");
        assert_eq!(
            by_id("ab1").control.y,
            0.0,
            "the first of a pair runs straight"
        );
        assert!(by_id("ab2").control.y.abs() > 10.0, "the second fans out");
        assert_eq!(by_id("ac").at(0.0), Position { x: 0.0, y: 0.0 });
    }
}
