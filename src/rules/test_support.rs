//! Minimal scenarios shared by the rule tests.
//! Owns: the valid two-chain channel every rule test bends. Must not: be compiled outside tests.

use super::{Finding, RuleId, check};
use crate::model::{Date, Link, LinkKind, Party, PartyKind, Scenario};

pub fn d(s: &str) -> Date {
    s.parse().expect("test dates are valid")
}

/// Both chains of sample scenario 1, complete and correct: no finding at all.
///
/// Microsoft → dist (provider) → res (reseller) → c1, and Microsoft → db (direct-bill) → c2; everyone
/// in the United States, every agreement signed, every relationship in place. Checked as of 2024-01-01.
pub fn valid_channel() -> Scenario {
    let signed = d("2019-06-01");
    let mut s = Scenario::new("valid channel");
    s.meta.as_of = Some(d("2024-01-01"));
    let parties = [
        Party::new("ms", PartyKind::Microsoft).named("Microsoft"),
        Party::new("dist", PartyKind::IndirectProvider)
            .named("Dist")
            .in_country("US")
            .mpa(signed),
        Party::new("res", PartyKind::IndirectReseller)
            .named("Res")
            .in_country("US")
            .mpa(signed)
            .ready(),
        Party::new("db", PartyKind::DirectBill)
            .named("DB")
            .in_country("US")
            .mpa(signed),
        Party::new("c1", PartyKind::Customer)
            .named("C1")
            .in_country("US")
            .mca(signed),
        Party::new("c2", PartyKind::Customer)
            .named("C2")
            .in_country("US")
            .mca(signed),
    ];
    for p in parties {
        s.add_party(p).expect("valid party");
    }
    let day = d("2021-01-01");
    let links = [
        Link::new("s-dist", LinkKind::Supply, "ms", "dist", day),
        Link::new("s-db", LinkKind::Supply, "ms", "db", day),
        Link::new("p", LinkKind::Partnership, "dist", "res", day),
        Link::new("r-res", LinkKind::Reseller, "res", "c1", day).via("dist"),
        Link::new("r-dist", LinkKind::Reseller, "dist", "c1", day),
        Link::new("buy1", LinkKind::Purchase, "res", "c1", d("2021-02-01"))
            .via("dist")
            .offer("Microsoft 365 E3"),
        Link::new("r-db", LinkKind::Reseller, "db", "c2", day),
        Link::new("buy2", LinkKind::Purchase, "db", "c2", d("2021-02-01")).offer("Azure plan"),
    ];
    for l in links {
        s.add_link(l).expect("valid link");
    }
    s
}

/// Applies `change` to the valid channel and returns the findings of one rule.
pub fn after(change: impl FnOnce(&mut Scenario), rule: RuleId) -> Vec<Finding> {
    let mut s = valid_channel();
    change(&mut s);
    check(&s).into_iter().filter(|f| f.rule == rule).collect()
}

/// Replaces a party of the scenario by a changed copy.
pub fn change_party(s: &mut Scenario, id: &str, change: impl FnOnce(&mut Party)) {
    let mut p = s.party(id).expect("party exists").clone();
    change(&mut p);
    s.replace_party(p).expect("replace party");
}

/// Replaces a link of the scenario by a changed copy.
pub fn change_link(s: &mut Scenario, id: &str, change: impl FnOnce(&mut Link)) {
    let mut l = s.link(id).expect("link exists").clone();
    change(&mut l);
    s.replace_link(l).expect("replace link");
}

/// The ids of the links (or parties) a list of findings is about.
pub fn subjects(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| match &f.subject {
            super::Subject::Link(id) => id.to_string(),
            super::Subject::Party(id) => id.to_string(),
        })
        .collect()
}

/// Applies the first quick fix of the first finding and returns the scenario after it.
pub fn apply_first_fix(mut s: Scenario, findings: &[Finding]) -> Scenario {
    let fix = findings
        .first()
        .and_then(|f| f.fixes.first())
        .expect("a quick fix is offered");
    fix.edit
        .clone()
        .apply(&mut s)
        .expect("the quick fix applies");
    s
}

#[test]
fn the_valid_channel_has_no_finding() {
    let findings = check(&valid_channel());
    assert!(findings.is_empty(), "{findings:#?}");
}
