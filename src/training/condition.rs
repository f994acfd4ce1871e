//! Success conditions of lessons and their steps, checked live against what the trainee has done.
//! Must not change the scenario: a condition only reads it (and its findings).

use crate::model::{Date, LinkKind, Party, PartyId, Scenario};
use crate::rules::{Checker, Severity};
use crate::whatif::{Question, ask};
use serde::Deserialize;
use std::collections::BTreeSet;

/// What the app can observe of a trainee's attempt.
#[derive(Clone, Copy, Debug)]
pub struct Observed<'a> {
    /// The scenario as the trainee left it.
    pub scenario: &'a Scenario,
    /// Its findings, current with the last edit.
    pub checker: &'a Checker,
    /// The id of the selected party or link, if any.
    pub selected: Option<&'a str>,
    /// The links marked as broken (quiz mode).
    pub marked: &'a BTreeSet<String>,
}

/// A condition on the trainee's scenario, written in a lesson file.
///
/// Conditions name rules by their catalogue ids and parties and links by their stable ids, so a
/// lesson reads like the findings the trainee sees.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Condition {
    /// No link or party has a violation.
    NoViolations,
    /// No finding of this rule anywhere.
    NoFinding(String),
    /// At least one finding of this rule somewhere.
    HasFinding(String),
    /// This link exists at the as-of date and has no violation.
    LinkClean(String),
    /// A purchase to `customer` exists (from `seller` and of an offer containing `offer`, when given)
    /// and has no violation.
    Sells {
        /// The customer's id.
        customer: String,
        /// The seller's id; any seller when absent.
        #[serde(default)]
        seller: Option<String>,
        /// Words the offer must contain (case-insensitive); any offer when absent.
        #[serde(default)]
        offer: Option<String>,
    },
    /// The partner could sell to a new customer of its own market with no violation (the reseller
    /// relationships it would still need aside).
    CanTransact(String),
    /// A link matching every given field exists (and exists as of the as-of date).
    Link {
        /// Its kind.
        #[serde(default)]
        kind: Option<LinkKind>,
        /// Its supplying side.
        #[serde(default)]
        from: Option<String>,
        /// Its buying side.
        #[serde(default)]
        to: Option<String>,
        /// Words its offer must contain (case-insensitive): a step that asks for a purchase of
        /// one offer does not tick for a purchase of the default offer drawn by hand.
        #[serde(default)]
        offer: Option<String>,
    },
    /// At least `at_least` parties of this kind (in this country, when given) exist: a step that asks
    /// the trainee to add a party, whatever id the palette gives it.
    Parties {
        /// Their kind.
        kind: crate::model::PartyKind,
        /// Their country (ISO alpha-2).
        #[serde(default)]
        country: Option<String>,
        /// How many.
        at_least: usize,
    },
    /// No party or link has this id any more, at any date: a step that asks the trainee to delete
    /// something (unlike `Not(Link(…))`, a date before the link's own does not meet it).
    Gone(String),
    /// This party or link is selected.
    Selected(String),
    /// Exactly the links with a violation are marked (quiz).
    MarkedAllBroken,
    /// The scenario is checked as of a date before this one.
    AsOfBefore(Date),
    /// The scenario is checked as of this date or later.
    AsOfFrom(Date),
    /// Every condition holds.
    AllOf(Vec<Condition>),
    /// At least one condition holds.
    AnyOf(Vec<Condition>),
    /// The condition does not hold.
    Not(Box<Condition>),
}

impl Condition {
    /// True when the attempt satisfies the condition.
    pub fn holds(&self, seen: &Observed) -> bool {
        let s = seen.scenario;
        let violations_on = |id: &str| {
            seen.checker
                .for_link(id)
                .iter()
                .any(|f| f.severity == Severity::Violation)
        };
        match self {
            Condition::NoViolations => seen.checker.counts().violation == 0,
            Condition::NoFinding(rule) => !seen.checker.iter().any(|f| f.rule.key() == rule),
            Condition::HasFinding(rule) => seen.checker.iter().any(|f| f.rule.key() == rule),
            Condition::LinkClean(id) => {
                s.link(id).is_some_and(|l| l.exists_at(s.as_of())) && !violations_on(id)
            }
            Condition::Sells {
                customer,
                seller,
                offer,
            } => s.links_to(customer).any(|l| {
                l.kind == LinkKind::Purchase
                    && l.exists_at(s.as_of())
                    && seller.as_ref().is_none_or(|id| l.from.as_str() == id)
                    && offer_has(l, offer.as_deref())
                    && !violations_on(l.id.as_str())
            }),
            Condition::CanTransact(id) => can_transact(s, id),
            Condition::Link {
                kind,
                from,
                to,
                offer,
            } => s.links().any(|l| {
                l.exists_at(s.as_of())
                    && kind.is_none_or(|k| l.kind == k)
                    && from.as_ref().is_none_or(|f| l.from.as_str() == f)
                    && to.as_ref().is_none_or(|t| l.to.as_str() == t)
                    && offer_has(l, offer.as_deref())
            }),
            Condition::Parties {
                kind,
                country,
                at_least,
            } => {
                s.parties()
                    .filter(|p| p.kind == *kind)
                    .filter(|p| {
                        country.as_ref().is_none_or(|c| {
                            p.country
                                .as_deref()
                                .is_some_and(|pc| pc.eq_ignore_ascii_case(c))
                        })
                    })
                    .count()
                    >= *at_least
            }
            Condition::Gone(id) => s.link(id).is_none() && s.party(id).is_none(),
            Condition::Selected(id) => seen.selected == Some(id.as_str()),
            Condition::MarkedAllBroken => {
                let broken: BTreeSet<String> = broken_links(seen.checker);
                *seen.marked == broken
            }
            Condition::AsOfBefore(date) => s.as_of() < *date,
            Condition::AsOfFrom(date) => s.as_of() >= *date,
            Condition::AllOf(all) => all.iter().all(|c| c.holds(seen)),
            Condition::AnyOf(any) => any.iter().any(|c| c.holds(seen)),
            Condition::Not(c) => !c.holds(seen),
        }
    }

    /// True when the condition asks about the as-of date: the window then offers the date where
    /// the step is shown (the presenter's card has no toolbar).
    pub fn names_as_of(&self) -> bool {
        match self {
            Condition::AsOfBefore(_) | Condition::AsOfFrom(_) => true,
            Condition::AllOf(all) | Condition::AnyOf(all) => all.iter().any(Condition::names_as_of),
            Condition::Not(c) => c.names_as_of(),
            _ => false,
        }
    }

    /// Every rule id the condition names, so a lesson file can be checked when it is loaded.
    pub fn rule_names(&self) -> Vec<&str> {
        match self {
            Condition::NoFinding(r) | Condition::HasFinding(r) => vec![r.as_str()],
            Condition::AllOf(all) | Condition::AnyOf(all) => {
                all.iter().flat_map(Condition::rule_names).collect()
            }
            Condition::Not(c) => c.rule_names(),
            _ => Vec::new(),
        }
    }
}

/// The links that have at least one violation: what a quiz asks the trainee to find.
pub fn broken_links(checker: &Checker) -> BTreeSet<String> {
    checker
        .iter()
        .filter(|f| f.severity == Severity::Violation)
        .filter_map(|f| f.subject.link().map(ToString::to_string))
        .collect()
}

/// True when `words` are absent or the link's offer contains them (case-insensitive).
fn offer_has(link: &crate::model::Link, words: Option<&str>) -> bool {
    words.is_none_or(|w| {
        link.offer
            .as_ref()
            .is_some_and(|x| x.to_lowercase().contains(&w.to_lowercase()))
    })
}

/// Whether a partner could sell to a fresh customer of its own market: asks the rule engine about a
/// sale to a made-up customer that has accepted the MCA, so only the partner's own state and chain
/// can stand in the way.
pub fn can_transact(scenario: &Scenario, partner: &str) -> bool {
    let Some(me) = scenario.party(partner) else {
        return false;
    };
    if !me.kind.is_partner() {
        return false;
    }
    let mut trial = scenario.clone();
    let id: PartyId = trial.fresh_party_id("lesson-probe-customer");
    let mut probe = Party::new(id, crate::model::PartyKind::Customer);
    probe.country = me.country;
    probe.mca_accepted = Some(crate::model::limits::FIRST_DATE);
    if trial.add_party(probe).is_err() {
        return false;
    }
    let question = Question {
        seller: me.id,
        customer: id,
        offer: "Azure".to_owned(),
    };
    ask(&trial, &question).is_ok_and(|a| a.yes)
}
