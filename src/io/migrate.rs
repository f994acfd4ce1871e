//! The versions of the save format's model, and how an older save is brought up to date on load,
//! for RON and `.cspx` alike. Must not parse or write files: each format calls it on what it read.

use crate::model::{Link, Scenario};

/// The version this build writes. Version 3 adds `partner_id_on_record` on purchases; version 4
/// saves the drawing: a position is where the party was drawn, and every party drawn has one.
pub const FORMAT_VERSION: u32 = 4;

/// The oldest version this build reads (and migrates on load).
pub const OLDEST_VERSION: u32 = 1;

/// The first version whose positions are the whole drawing (see [`migrate_layout`]).
pub const LAYOUT_VERSION: u32 = 4;

/// Brings the links of a file of `version` to the version this build writes, step by step:
/// [`migrate_v1`] for version 1; version 2 → 3 changes nothing (version 3 only adds the optional
/// `partner_id_on_record`, which a version 2 file never has). The parties' positions are brought
/// up to date once the scenario is whole, by [`migrate_layout`].
pub fn migrate(version: u32, links: &mut [Link]) {
    if version == 1 {
        migrate_v1(links);
    }
}

/// Brings the links of a version 1 file to version 2.
///
/// Version 1 read `status` on partnerships only; version 2 reads it on admin links too (a `pending`
/// admin link is a GDAP request the customer has not approved). A version 1 file may carry a status
/// on another kind of link that meant nothing then, so it is reset to the default rather than
/// turning an admin relationship into a request on load. `ended` and `admin_type` did not exist:
/// their defaults (not ended, GDAP) are what version 1 meant.
pub fn migrate_v1(links: &mut [Link]) {
    for link in links {
        if link.kind != crate::model::LinkKind::Partnership {
            link.status = crate::model::LinkStatus::default();
        }
    }
}

/// Brings the layout of a whole scenario read from a file of `version` to version 4.
///
/// Up to version 3 a save kept the position of a party only once someone had placed it by hand
/// (dragged, or a force layout); the others were drawn by the tier layout, there and when the file
/// was opened. Version 4 saves every party where it is drawn, and reads a party without a position
/// as one added since (by the CLI or an import), placed to the right of its tier. Read that way, an
/// older file with a few dragged parties would draw all the others in a staircase to the right;
/// so a partly placed older file gets, for each party without a position, the tier layout's: the
/// drawing the build that saved it showed on opening it. A file with no position at all (imports,
/// the built-in scenarios) is the tier layout either way and stays without positions.
pub fn migrate_layout(version: u32, scenario: &mut Scenario) {
    if version >= LAYOUT_VERSION {
        return;
    }
    let placed = scenario.parties().filter(|p| p.position.is_some()).count();
    if placed == 0 || placed == scenario.party_count() {
        return;
    }
    let tiers = crate::layout::TierLayout::default().positions(scenario);
    let unplaced: Vec<_> = scenario
        .parties()
        .filter(|p| p.position.is_none())
        .map(|p| p.id)
        .collect();
    for id in unplaced {
        if let Some(at) = tiers.get(&id) {
            // The tier layout's positions are within the bounds of a position by construction; a
            // party it could not place stays unplaced and is drawn as a new one.
            let _ = scenario.set_position(&id, Some(*at));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Party, PartyKind, Position};

    fn channel() -> Scenario {
        let mut s = Scenario::new("old layout");
        s.add_party(Party::new("ms", PartyKind::Microsoft)).unwrap();
        s.add_party(Party::new("dist", PartyKind::IndirectProvider))
            .unwrap();
        for c in ["c1", "c2", "c3"] {
            s.add_party(Party::new(c, PartyKind::Customer)).unwrap();
        }
        s
    }

    #[test]
    fn a_partly_placed_older_layout_gets_the_tier_layout_for_the_rest() {
        let mut s = channel();
        let tiers = crate::layout::TierLayout::default().positions(&s);
        let dragged = Position { x: 900.0, y: -40.0 };
        s.set_position(&"c2".into(), Some(dragged)).unwrap();
        migrate_layout(3, &mut s);
        for p in s.parties() {
            let expected = if p.id.as_str() == "c2" {
                dragged
            } else {
                tiers[&p.id]
            };
            assert_eq!(p.position, Some(expected), "{}", p.id);
        }
    }

    #[test]
    fn a_current_layout_and_one_without_positions_are_left_as_they_are() {
        let mut partly = channel();
        partly
            .set_position(&"c2".into(), Some(Position { x: 9.0, y: 9.0 }))
            .unwrap();
        let before = partly.clone();
        migrate_layout(FORMAT_VERSION, &mut partly);
        assert_eq!(partly, before, "version 4: an unplaced party is a new one");
        let mut none = channel();
        migrate_layout(1, &mut none);
        assert_eq!(
            none,
            channel(),
            "no position: the tier layout, kept unsaved"
        );
    }
}
