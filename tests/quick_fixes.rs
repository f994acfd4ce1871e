//! Quick fixes that fix: over random channels, every fix the app offers (through
//! `rules::fixes::prove`, as the findings panel, the explanation card and `csp-explorer fix` do)
//! removes its finding, introduces no violation anywhere, duplicates no link, moves no recorded date
//! backwards (a signature, an acceptance, a restriction, a link's start or end), and is refused or
//! changes nothing when applied a second time.
//!
//! The property is written out here on its own (not by calling the prover's check), so a prover that
//! lets a bad fix through fails it. The built-in scenarios pin that the fixes people rely on are still
//! offered (a prover that withheld everything would pass the property but fail those).

#[path = "support/proptest_cases.rs"]
mod proptest_cases;
#[path = "support/random_channel.rs"]
mod random_channel;

use csp_explorer::model::{Date, Scenario};
use csp_explorer::rules::fixes::{prove, why_not};
use csp_explorer::rules::{Finding, Severity, check_as_of};
use proptest::prelude::*;
use random_channel::{Op, base_channel, date, edit_for, op};
use std::collections::BTreeMap;

fn counts(findings: &[Finding], violations_only: bool) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for f in findings {
        if violations_only && f.severity != Severity::Violation {
            continue;
        }
        *out.entry(format!("{:?} {:?}", f.rule, f.subject))
            .or_insert(0) += 1;
    }
    out
}

/// How many links repeat another's kind, ends and `via` while it is in force (a relationship
/// renewed after the old one ended repeats nothing).
fn duplicates(s: &Scenario) -> usize {
    let mut groups: BTreeMap<String, Vec<(Date, Option<Date>)>> = BTreeMap::new();
    for l in s.links() {
        groups
            .entry(format!("{:?} {} {} {:?}", l.kind, l.from, l.to, l.via))
            .or_default()
            .push((l.date, l.ended));
    }
    let mut repeats = 0;
    for spans in groups.values() {
        for (i, (start, end)) in spans.iter().enumerate() {
            let overlaps = spans[..i]
                .iter()
                .any(|(s2, e2)| end.is_none_or(|e| *s2 < e) && e2.is_none_or(|e| *start < e));
            repeats += usize::from(overlaps);
        }
    }
    repeats
}

/// The recorded dates of a channel, by party or link and field: what no fix may move backwards.
fn recorded_dates(s: &Scenario) -> BTreeMap<String, Date> {
    let mut out = BTreeMap::new();
    for p in s.parties() {
        for (field, value) in [
            ("mpa_signed", p.mpa_signed),
            ("mca_accepted", p.mca_accepted),
            ("restricted_since", p.restricted_since),
        ] {
            if let Some(d) = value {
                out.insert(format!("party {} {field}", p.id), d);
            }
        }
    }
    for l in s.links() {
        out.insert(format!("link {} date", l.id), l.date);
        if let Some(d) = l.ended {
            out.insert(format!("link {} ended", l.id), d);
        }
    }
    out
}

/// The first recorded date `after` moved backwards or dropped (a party or link the fix removed
/// keeps no date to compare).
fn moved_back(before: &Scenario, after: &Scenario) -> Option<String> {
    let now = recorded_dates(after);
    recorded_dates(before).into_iter().find_map(|(key, was)| {
        let (what, id) = {
            let mut parts = key.split(' ');
            (parts.next()?, parts.next()?)
        };
        let still_there = match what {
            "party" => after.party(id).is_some(),
            _ => after.link(id).is_some(),
        };
        match now.get(&key) {
            Some(d) if *d < was => Some(format!("{key}: {was} → {d}")),
            None if still_there => Some(format!("{key}: {was} → none")),
            _ => None,
        }
    })
}

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

fn every_offered_fix_is_clean(s: &Scenario) -> Result<usize, TestCaseError> {
    let as_of = s.as_of();
    let before = check_as_of(s, as_of);
    let all_before = counts(&before, false);
    let violations_before = counts(&before, true);
    let mut tried = 0;
    for proven in prove(s, as_of, &before) {
        let finding = &proven.finding;
        let key = format!("{:?} {:?}", finding.rule, finding.subject);
        for fix in &finding.fixes {
            tried += 1;
            let mut once = s.clone();
            let applied = fix.edit.clone().apply(&mut once);
            prop_assert!(applied.is_ok(), "{} does not apply", fix.label);
            let after = check_as_of(&once, as_of);
            let left = counts(&after, false).get(&key).copied().unwrap_or(0);
            prop_assert!(
                left < all_before[&key],
                "'{}' leaves {key}: {after:#?}",
                fix.label
            );
            for (k, n) in counts(&after, true) {
                let was = violations_before.get(&k).copied().unwrap_or(0);
                prop_assert!(n <= was, "'{}' adds the violation {k}", fix.label);
            }
            prop_assert!(
                duplicates(&once) <= duplicates(s),
                "'{}' duplicates a link",
                fix.label
            );
            if let Some(moved) = moved_back(s, &once) {
                prop_assert!(false, "'{}' moves a recorded date back: {moved}", fix.label);
            }
            let mut twice = once.clone();
            if fix.edit.clone().apply(&mut twice).is_ok() {
                prop_assert_eq!(&twice, &once, "'{}' applied twice", fix.label);
            }
        }
    }
    Ok(tried)
}

proptest! {
    #![proptest_config(proptest_cases::config(256))]

    #[test]
    fn every_offered_quick_fix_removes_its_finding_and_breaks_nothing(
        start in prop::option::weighted(0.85, any::<[bool; 2]>()),
        setup in prop::collection::vec(op(), 0..14),
    ) {
        let s = channel(start, &setup);
        every_offered_fix_is_clean(&s)?;
    }

    /// The prover tries fixes incrementally on one working copy; it must reach the verdict of the
    /// plain reading (a copy and a full check per fix) on every proposal, offered or withheld.
    #[test]
    fn the_incremental_prover_agrees_with_a_full_check_per_fix(
        start in prop::option::weighted(0.85, any::<[bool; 2]>()),
        setup in prop::collection::vec(op(), 0..14),
    ) {
        let s = channel(start, &setup);
        let as_of = s.as_of();
        let before = check_as_of(&s, as_of);
        let proven = prove(&s, as_of, &before);
        for (finding, proven) in before.iter().zip(&proven) {
            for fix in &finding.fixes {
                let reference = why_not(&s, as_of, &before, finding, fix);
                let offered = proven.finding.fixes.iter().any(|f| f.label == fix.label);
                let why = proven.withheld.iter().find(|w| w.label == fix.label).map(|w| w.why.clone());
                prop_assert_eq!(offered, reference.is_none(), "'{}': {:?}", fix.label, reference);
                prop_assert_eq!(why, reference, "'{}'", fix.label);
            }
        }
    }
}

/// The built-in scenarios: every offered fix is clean there too, and the ones the lessons and the
/// issue name are offered (a prover that withheld everything would not pass this).
#[test]
fn the_fixes_of_the_built_in_scenarios_are_offered_and_clean() {
    let mut offered = 0;
    for b in csp_explorer::scenarios::BUILTIN {
        let s = b.load().expect("built-in loads");
        offered += every_offered_fix_is_clean(&s).unwrap_or_else(|e| panic!("{}: {e}", b.slug));
    }
    assert!(offered >= 10, "only {offered} fixes offered on the samples");
    let s = csp_explorer::scenarios::builtin("sample-6-forbidden")
        .expect("sample 6")
        .load()
        .expect("loads");
    let findings = check_as_of(&s, s.as_of());
    let options: Vec<String> = prove(&s, s.as_of(), &findings)
        .into_iter()
        .filter(|p| p.finding.rule == csp_explorer::rules::RuleId::ResellerCustomerOfOwnProvider)
        .flat_map(|p| p.finding.fixes.into_iter().map(|f| f.label))
        .collect();
    for option in ["Option 1", "Option 2", "Option 3"] {
        assert!(
            options.iter().any(|l| l.starts_with(option)),
            "{option} missing from {options:#?}"
        );
    }
}
