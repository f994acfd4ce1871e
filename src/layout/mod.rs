//! Where parties go on the canvas (and in exported diagrams) when the user has not placed them.
//!
//! The tier layout reads the channel top-down the way the program describes it: Microsoft, then
//! indirect providers and direct-bill partners, then indirect resellers, then customers. Within a row,
//! parties sit under the parties that supply them (barycentre ordering), so links rarely cross;
//! optionally each CSP region gets its own block of columns.

mod force;

pub use force::force_positions;

use crate::model::{LinkKind, PartyId, Position, Scenario, markets};
use std::collections::{BTreeMap, HashMap};

/// Vertical distance between tiers, in canvas units.
pub const ROW_GAP: f32 = 170.0;
/// Horizontal distance between neighbours in a tier.
pub const COLUMN_GAP: f32 = 190.0;
/// Extra distance between two regions' blocks when grouping by region.
pub const REGION_GAP: f32 = 120.0;

/// Options of the tier layout.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TierLayout {
    /// Keep each CSP region's parties together, regions side by side.
    pub group_by_region: bool,
}

impl TierLayout {
    /// Positions for every party of the scenario (ignoring the saved ones).
    pub fn positions(&self, scenario: &Scenario) -> BTreeMap<PartyId, Position> {
        let mut rows: [Vec<&PartyId>; 4] = Default::default();
        for p in scenario.parties() {
            rows[p.kind.tier() as usize].push(&p.id);
        }
        let region_of = |id: &PartyId| -> String {
            scenario
                .party(id.as_str())
                .and_then(|p| p.country.as_deref())
                .and_then(|c| markets().region_of(c))
                .map_or_else(|| "~".to_owned(), |r| r.name.clone())
        };
        let mut x_of: HashMap<&PartyId, f32> = HashMap::new();
        let mut out = BTreeMap::new();
        for (tier, row) in rows.iter_mut().enumerate() {
            // Barycentre of the parties that supply each one (already placed, one tier up or more).
            let key = |id: &PartyId| -> f32 {
                let xs: Vec<f32> = scenario
                    .links_to(id.as_str())
                    .filter(|l| l.kind != LinkKind::Admin)
                    .filter_map(|l| x_of.get(&l.from).copied())
                    .collect();
                if xs.is_empty() {
                    f32::MAX
                } else {
                    xs.iter().sum::<f32>() / xs.len() as f32
                }
            };
            let mut keyed: Vec<(String, f32, &PartyId)> = row
                .iter()
                .map(|id| {
                    let region = if self.group_by_region {
                        region_of(id)
                    } else {
                        String::new()
                    };
                    (region, key(id), *id)
                })
                .collect();
            keyed.sort_by(|a, b| {
                (&a.0, a.1, a.2)
                    .partial_cmp(&(&b.0, b.1, b.2))
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
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
                    y: tier as f32 * ROW_GAP,
                };
                x_of.insert(id, pos.x);
                out.insert((*id).clone(), pos);
            }
        }
        out
    }
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
        // Bend away from the nearest party the straight line would cross.
        let blocker = positions
            .iter()
            .filter(|(id, _)| **id != link.from && **id != link.to)
            .map(|(_, c)| (distance_to_segment(*c, a, b), *c))
            .filter(|(d, _)| *d < radius * 1.6)
            .min_by(|x, y| x.0.total_cmp(&y.0));
        let bend = blocker.map_or(0.0, |(_, c)| {
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

fn distance_to_segment(p: Position, a: Position, b: Position) -> f32 {
    let (abx, aby) = (b.x - a.x, b.y - a.y);
    let len2 = (abx * abx + aby * aby).max(1e-6);
    let t = (((p.x - a.x) * abx + (p.y - a.y) * aby) / len2).clamp(0.0, 1.0);
    let (cx, cy) = (a.x + abx * t - p.x, a.y + aby * t - p.y);
    (cx * cx + cy * cy).sqrt()
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
