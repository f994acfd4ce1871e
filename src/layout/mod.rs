//! Where parties go on the canvas (and in exported diagrams) when the user has not placed them.
//!
//! The tier layout reads the channel top-down the way the program describes it: Microsoft, then
//! indirect providers and direct-bill partners, then indirect resellers, then customers. Within a row,
//! parties sit under the parties that supply them (barycentre ordering), so links rarely cross;
//! optionally each CSP region gets its own block of columns.

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
