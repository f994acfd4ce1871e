//! The role lens: the channel as one party sees it. Its relationships, whom it may transact with (and
//! what stops it), and every finding that concerns it. Must not change the scenario or hold rules of
//! its own: what stops a sale is what the rules say.

use super::ask::{Question, ask};
use crate::model::{LinkId, LinkKind, PartyId, PartyKind, Scenario};
use crate::rules::{Finding, Severity, Subject, check};
use std::collections::BTreeSet;

/// One of the party's links, seen from its side.
#[derive(Clone, Debug, PartialEq)]
pub struct LensLink {
    /// The link.
    pub link: LinkId,
    /// Its kind.
    pub kind: LinkKind,
    /// The party at the other end.
    pub other: PartyId,
    /// True when the party is the supplying side (`from`).
    pub outgoing: bool,
    /// True when the party is on the link only as the provider that bills it (`via`).
    pub billing: bool,
    /// The worst finding on the link, if any.
    pub worst: Option<Severity>,
}

/// Someone the party could transact with, and whether it may.
#[derive(Clone, Debug, PartialEq)]
pub struct Counterpart {
    /// The other party.
    pub party: PartyId,
    /// True when nothing stands in the way.
    pub may: bool,
    /// What stands in the way (violations), or the warnings it would carry.
    pub why: Vec<Finding>,
    /// Allowed steps that are still missing.
    pub needs: Vec<String>,
}

/// The channel seen from one party.
#[derive(Clone, Debug, PartialEq)]
pub struct Lens {
    /// Whose view.
    pub party: PartyId,
    /// Its kind.
    pub kind: PartyKind,
    /// Its links, upstream first.
    pub relationships: Vec<LensLink>,
    /// A partner: the customers it may sell to. A customer: the partners that may sell to it. A
    /// provider: the resellers it may transact for. Microsoft: the partners it supplies.
    pub counterparts: Vec<Counterpart>,
    /// Violations and warnings about it, its links, or chains it is part of.
    pub blockers: Vec<Finding>,
    /// The parties it deals with (itself, its neighbours and Microsoft): the rest is dimmed.
    pub visible: BTreeSet<PartyId>,
}

/// How many counterparts the lens asks about, so that a large channel stays responsive.
pub const MAX_COUNTERPARTS: usize = 40;

/// The lens of `party`, asking about `offer` where a sale is concerned; `None` for an unknown party.
pub fn lens(scenario: &Scenario, party: &str, offer: &str) -> Option<Lens> {
    let me = scenario.party(party)?;
    let as_of = scenario.as_of();
    let findings = check(scenario);
    let worst = |id: &LinkId| {
        findings
            .iter()
            .filter(|f| f.subject.link() == Some(id))
            .map(|f| f.severity)
            .max()
    };
    let mut relationships: Vec<LensLink> = scenario
        .links()
        .filter(|l| l.from == me.id || l.to == me.id || l.via.as_ref() == Some(&me.id))
        .map(|l| LensLink {
            link: l.id,
            kind: l.kind,
            other: if l.from == me.id { l.to } else { l.from },
            outgoing: l.from == me.id,
            billing: l.from != me.id && l.to != me.id,
            worst: worst(&l.id),
        })
        .collect();
    relationships
        .sort_by(|a, b| (a.outgoing, a.kind, &a.other).cmp(&(b.outgoing, b.kind, &b.other)));

    let mut visible: BTreeSet<PartyId> = BTreeSet::from([me.id]);
    visible.extend(relationships.iter().map(|r| r.other));
    visible.extend(scenario.microsoft().map(|m| m.id));

    let ask_counterpart = |seller: &PartyId, customer: &PartyId| -> Option<Counterpart> {
        let question = Question {
            seller: *seller,
            customer: *customer,
            offer: offer.to_owned(),
        };
        let answer = ask(scenario, &question).ok()?;
        let other = if *seller == me.id { customer } else { seller };
        Some(Counterpart {
            party: *other,
            may: answer.yes,
            why: if answer.yes {
                answer.cautions
            } else {
                answer.blockers
            },
            needs: answer.needs,
        })
    };
    let of_kind = |kinds: &[PartyKind]| -> Vec<PartyId> {
        scenario
            .parties()
            .filter(|p| kinds.contains(&p.kind) && p.id != me.id)
            .map(|p| p.id)
            .take(MAX_COUNTERPARTS)
            .collect()
    };
    let counterparts: Vec<Counterpart> = match me.kind {
        PartyKind::IndirectReseller | PartyKind::DirectBill => of_kind(&[PartyKind::Customer])
            .iter()
            .filter_map(|c| ask_counterpart(&me.id, c))
            .collect(),
        PartyKind::Customer => of_kind(&[PartyKind::IndirectReseller, PartyKind::DirectBill])
            .iter()
            .filter_map(|s| ask_counterpart(s, &me.id))
            .collect(),
        PartyKind::IndirectProvider | PartyKind::Microsoft => {
            // The downstream partners it has a link with: may it transact with them?
            let kind = if me.kind == PartyKind::Microsoft {
                LinkKind::Supply
            } else {
                LinkKind::Partnership
            };
            scenario
                .links_from(me.id.as_str())
                .filter(|l| l.kind == kind && l.exists_at(as_of))
                .map(|l| {
                    let why: Vec<Finding> = findings
                        .iter()
                        .filter(|f| f.subject.link() == Some(&l.id) && f.severity != Severity::Note)
                        .cloned()
                        .collect();
                    Counterpart {
                        party: l.to,
                        may: why.iter().all(|f| f.severity != Severity::Violation),
                        why,
                        needs: Vec::new(),
                    }
                })
                .collect()
        }
    };

    let my_links: BTreeSet<&LinkId> = relationships.iter().map(|r| &r.link).collect();
    let blockers = findings
        .iter()
        .filter(|f| f.severity != Severity::Note)
        .filter(|f| match &f.subject {
            Subject::Party(id) => *id == me.id,
            Subject::Link(id) => my_links.contains(id) || f.path.contains(&me.id),
        })
        .cloned()
        .collect();
    Some(Lens {
        party: me.id,
        kind: me.kind,
        relationships,
        counterparts,
        blockers,
        visible,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleId;
    use crate::scenarios::builtin;

    fn load(slug: &str) -> Scenario {
        builtin(slug).unwrap().load().unwrap()
    }

    #[test]
    fn a_reseller_sees_its_provider_its_customers_and_what_it_may_sell() {
        let s = load("sample-1");
        let l = lens(&s, "contoso", "Azure").unwrap();
        let others: Vec<&str> = l.relationships.iter().map(|r| r.other.as_str()).collect();
        assert_eq!(others, ["adatum", "tailspin", "tailspin"], "{l:?}");
        assert!(l.visible.contains(&PartyId::from("microsoft")));
        assert!(!l.visible.contains(&PartyId::from("fabrikam")));
        // Contoso may sell to Tailspin (it already does) and to Northwind once it has a relationship.
        let tailspin = l
            .counterparts
            .iter()
            .find(|c| c.party.as_str() == "tailspin")
            .unwrap();
        assert!(tailspin.may && tailspin.needs.is_empty(), "{tailspin:?}");
        let northwind = l
            .counterparts
            .iter()
            .find(|c| c.party.as_str() == "northwind")
            .unwrap();
        assert!(northwind.may, "{northwind:?}");
        assert_eq!(
            northwind.needs.len(),
            2,
            "reseller and provider relationships: {northwind:?}"
        );
        assert!(l.blockers.is_empty(), "{:?}", l.blockers);
    }

    #[test]
    fn a_customer_sees_who_may_sell_to_it_and_why_not() {
        let s = load("sample-7-forbidden");
        let l = lens(&s, "tailspin-jp", "Azure").unwrap();
        let contoso = &l.counterparts[0];
        assert_eq!(contoso.party.as_str(), "contoso-de");
        assert!(!contoso.may);
        assert!(
            contoso
                .why
                .iter()
                .any(|f| f.rule == RuleId::CrossRegionSale)
        );
        assert!(l.blockers.iter().any(|f| f.rule == RuleId::CrossRegionSale));
    }

    #[test]
    fn a_provider_sees_which_resellers_it_may_transact_for() {
        let s = load("sample-8-forbidden");
        let l = lens(&s, "adatum", "Azure").unwrap();
        assert_eq!(l.counterparts.len(), 1);
        assert!(!l.counterparts[0].may);
        assert_eq!(
            l.counterparts[0].why[0].rule,
            RuleId::CrossRegionPartnership
        );
        assert!(lens(&s, "nobody", "Azure").is_none());
    }
}
