//! Properties of editing and saving, over random channels and random edit sequences (adds, removals,
//! attribute changes of every field, re-routing, moves, as-of changes, batches):
//!
//! - undo then redo returns the same scenario, step by step and all the way back and forth;
//! - save then load returns the same scenario, every party and link field and position included.
//!
//! The incremental-equals-full property is in `tests/incremental.rs`, on the same generator.

#[path = "support/proptest_cases.rs"]
mod proptest_cases;
#[path = "support/random_channel.rs"]
mod random_channel;

use csp_explorer::edit::History;
use csp_explorer::model::{Position, Scenario};
use proptest::prelude::*;
use random_channel::{Op, base_channel, date, edit_for, op};

/// A random channel: the base channel or an empty one, with random edits applied.
fn channel(start: Option<[bool; 2]>, setup: &[Op]) -> Scenario {
    let mut s = match start {
        Some(with_via) => base_channel(with_via),
        None => {
            let mut s = Scenario::new("random");
            s.meta.as_of = Some(date("2021-06-01"));
            s
        }
    };
    for (serial, op) in setup.iter().enumerate() {
        if let Some(edit) = edit_for(&s, op, serial + 1) {
            let _ = edit.apply(&mut s);
        }
    }
    s
}

proptest! {
    #![proptest_config(proptest_cases::config(256))]

    #[test]
    fn undo_then_redo_returns_the_same_scenario(
        start in prop::option::weighted(0.7, any::<[bool; 2]>()),
        setup in prop::collection::vec(op(), 0..20),
        edits in prop::collection::vec(op(), 1..30),
    ) {
        let mut s = channel(start, &setup);
        let initial = s.clone();
        let mut history = History::default();
        let mut states = vec![s.clone()];
        let mut serial = 1000;
        for (step, op) in edits.iter().enumerate() {
            serial += 1;
            let Some(edit) = edit_for(&s, op, serial) else { continue };
            let before = s.clone();
            if history.apply(&mut s, edit.clone()).is_err() {
                prop_assert_eq!(&s, &before, "a refused edit changed the scenario (step {})", step);
                continue;
            }
            let after = s.clone();
            prop_assert!(history.undo(&mut s).is_some_and(|r| r.is_ok()));
            prop_assert_eq!(&s, &before, "undo of step {} ({:?})", step, edit);
            prop_assert!(history.redo(&mut s).is_some_and(|r| r.is_ok()));
            prop_assert_eq!(&s, &after, "redo of step {} ({:?})", step, edit);
            states.push(after);
        }
        // All the way back, then all the way forward, through every state in between.
        for expected in states.iter().rev().skip(1) {
            prop_assert!(history.undo(&mut s).is_some_and(|r| r.is_ok()));
            prop_assert_eq!(&s, expected);
        }
        prop_assert_eq!(&s, &initial);
        prop_assert!(history.undo(&mut s).is_none(), "nothing left to undo");
        for expected in states.iter().skip(1) {
            prop_assert!(history.redo(&mut s).is_some_and(|r| r.is_ok()));
            prop_assert_eq!(&s, expected);
        }
        prop_assert!(history.redo(&mut s).is_none(), "nothing left to redo");
    }

    #[test]
    fn save_then_load_returns_the_same_scenario(
        start in prop::option::weighted(0.7, any::<[bool; 2]>()),
        setup in prop::collection::vec(op(), 0..40),
        title in "\\PC{0,40}",
        description in "\\PC{0,200}",
        positions in prop::collection::vec(
            prop::option::of((-1.0e6f32..1.0e6, -1.0e6f32..1.0e6)), 0..60),
    ) {
        let mut s = channel(start, &setup);
        s.meta.title = title;
        s.meta.description = description;
        // Positions with every fraction, or none (drawn by the layout), party by party.
        let ids: Vec<_> = s.parties().map(|p| p.id).collect();
        for (id, p) in ids.iter().zip(&positions) {
            let mut party = s.party(id.as_str()).unwrap().clone();
            party.position = p.map(|(x, y)| Position { x, y });
            csp_explorer::edit::Edit::UpdateParty(party).apply(&mut s).unwrap();
        }
        let text = csp_explorer::io::scenario_to_ron(&s).unwrap();
        let loaded = csp_explorer::io::scenario_from_ron(&text, "property.ron");
        prop_assert!(loaded.is_ok(), "{}\n{}", loaded.unwrap_err(), text);
        prop_assert_eq!(loaded.unwrap(), s.clone());
        // Through a file too (the atomic write and the reader).
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("property.ron");
        csp_explorer::io::save(&s, &path).unwrap();
        prop_assert_eq!(csp_explorer::io::load(&path).unwrap(), s);
    }
}
