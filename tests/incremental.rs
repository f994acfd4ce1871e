//! The incremental checker must always agree with a full check.
//!
//! proptest builds random channels and random edit sequences (adds, removals, attribute changes, link
//! re-routing, undo, redo, as-of changes) from small pools of countries, organizations, tenants and
//! dates, so that collisions (shared tenants, same organization, cross-region pairs) are common. After
//! every step the findings kept by [`Checker::update`] must equal those of a fresh full check, and
//! the quick fixes it works out for them ([`Checker::sorted_with_fixes`]) those of the full check;
//! and the diff against the channel before the edits, which checks only what they reach, must
//! equal the diff of two full checks.

#[path = "support/proptest_cases.rs"]
mod proptest_cases;
#[path = "support/random_channel.rs"]
mod random_channel;

use csp_explorer::edit::History;
use csp_explorer::model::Scenario;
use csp_explorer::rules::{Checker, Finding, check_as_of};
use csp_explorer::whatif::{diff, diff_checked_in_full};
use proptest::prelude::*;
use random_channel::{Op, base_channel, date, edit_for, op};

/// Findings without their quick fixes, which may name parties anywhere and are refreshed on demand.
fn essence(findings: Vec<Finding>) -> Vec<String> {
    findings
        .into_iter()
        .map(|f| {
            format!(
                "{:?} {:?} {:?} {:?} {}",
                f.subject, f.rule, f.severity, f.path, f.message
            )
        })
        .collect()
}

/// A random channel made by `setup` from the base channel (`start`) or from nothing, and the serial
/// number of the last edit.
fn channel(start: Option<[bool; 2]>, setup: &[Op]) -> (Scenario, usize) {
    let mut s = match start {
        Some(with_via) => base_channel(with_via),
        None => {
            let mut s = Scenario::new("random");
            s.meta.as_of = Some(date("2021-06-01"));
            s
        }
    };
    let mut serial = 0;
    for op in setup {
        serial += 1;
        if let Some(edit) = edit_for(&s, op, serial) {
            let _ = edit.apply(&mut s);
        }
    }
    (s, serial)
}

fn run(start: Option<[bool; 2]>, setup: &[Op], edits: &[Op]) -> Result<(), TestCaseError> {
    let (mut s, mut serial) = channel(start, setup);
    let mut checker = Checker::new(&s);
    let mut history = History::default();
    for (step, op) in edits.iter().enumerate() {
        serial += 1;
        let touched = match op.code {
            9 => history.undo(&mut s),
            10 => history.redo(&mut s),
            _ => edit_for(&s, op, serial).map(|edit| history.apply(&mut s, edit)),
        };
        let Some(Ok(touched)) = touched else { continue };
        checker.update(&s, &touched);
        let full = check_as_of(&s, s.as_of());
        let incremental = essence(checker.sorted());
        prop_assert_eq!(
            incremental,
            essence(full.clone()),
            "after step {} ({:?})",
            step,
            op
        );
        prop_assert!(
            checker.iter().all(|f| f.fixes.is_empty()),
            "a checker keeps no fixes"
        );
        prop_assert_eq!(
            checker.sorted_with_fixes(&s),
            full,
            "fixes after step {}",
            step
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(proptest_cases::config(512))]

    #[test]
    fn incremental_check_equals_full_check(
        start in prop::option::weighted(0.7, any::<[bool; 2]>()),
        setup in prop::collection::vec(op(), 0..25),
        edits in prop::collection::vec(op(), 1..30),
    ) {
        run(start, &setup, &edits)?;
    }
}

proptest! {
    #![proptest_config(proptest_cases::config(160))]

    /// The diff of a channel and its edited copy checks only what the edits reach, and must tell
    /// what comparing two full checks tells.
    #[test]
    fn diff_of_what_edits_reach_equals_diff_of_full_checks(
        start in prop::option::weighted(0.7, any::<[bool; 2]>()),
        setup in prop::collection::vec(op(), 0..25),
        edits in prop::collection::vec(op(), 1..30),
    ) {
        let (base, mut serial) = channel(start, &setup);
        let mut whatif = base.clone();
        for op in &edits {
            serial += 1;
            if let Some(edit) = edit_for(&whatif, op, serial) {
                let _ = edit.apply(&mut whatif);
            }
        }
        let expected = diff_checked_in_full(&base, &whatif);
        prop_assert_eq!(diff(&base, &whatif), expected.clone());
        // The what-if saved and read as its changes to the base (what `diff` of two `.cspx`
        // saves does): the same diff, with the base edited into the what-if and back.
        let bytes = csp_explorer::io::scenario_to_bytes(&whatif).unwrap();
        let changes = csp_explorer::io::binary::whatif_changes(&bytes, &base)
            .expect("a what-if saved by this build is read as its changes");
        let mut edited = base.clone();
        prop_assert_eq!(csp_explorer::whatif::diff_changes(&mut edited, &changes).unwrap(), expected);
    }
}

#[test]
fn the_base_channel_is_valid() {
    for with_via in [[true, true], [false, false]] {
        let s = base_channel(with_via);
        assert!(
            check_as_of(&s, s.as_of()).is_empty(),
            "{:#?}",
            check_as_of(&s, s.as_of())
        );
    }
}
