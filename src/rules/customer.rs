//! Patterns around one customer that the program explicitly allows, kept as notes for teaching.
//!
//! Rules: `multi_partner`, `multi_channel`.

use super::context::Ctx;
use super::{Finding, RuleId, Subject};
use crate::model::{LinkKind, Party, PartyId, PartyKind};

/// The distinct partners with a link of `kind` to the customer, sorted.
fn partners_with(ctx: &Ctx, customer: &Party, kind: LinkKind) -> Vec<PartyId> {
    let mut partners: Vec<PartyId> = ctx
        .links_to(&customer.id)
        .filter(|l| l.kind == kind)
        // An expired GDAP relationship or a pending request gives no access: not a channel.
        .filter(|l| l.kind != LinkKind::Admin || super::gdap::grants_access(l, ctx.as_of))
        .filter(|l| ctx.party(&l.from).is_some_and(|p| p.kind.is_partner()))
        .map(|l| l.from.clone())
        .collect();
    partners.sort();
    partners.dedup();
    partners
}

pub(crate) fn check_customer(ctx: &Ctx, party: &Party, out: &mut Vec<Finding>) {
    if party.kind != PartyKind::Customer {
        return;
    }
    for (rule, kind, what) in [
        (RuleId::MultiPartner, LinkKind::Purchase, "buys from"),
        (RuleId::MultiChannel, LinkKind::Admin, "is managed by"),
    ] {
        let partners = partners_with(ctx, party, kind);
        if partners.len() < 2 {
            continue;
        }
        let names: Vec<String> = partners.iter().map(|p| ctx.name(p)).collect();
        let mut path = partners;
        path.push(party.id.clone());
        out.push(Finding::new(
            rule,
            Subject::Party(party.id.clone()),
            path,
            format!(
                "{} {} {} partners ({}): allowed in the CSP program.",
                party.name,
                what,
                names.len(),
                names.join(", ")
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::model::Link;
    use crate::rules::Severity;

    #[test]
    fn a_customer_buying_from_two_partners_gets_a_note() {
        let findings = after(
            |s| {
                s.add_link(Link::new(
                    "r-db-c1",
                    LinkKind::Reseller,
                    "db",
                    "c1",
                    d("2021-01-01"),
                ))
                .unwrap();
                s.add_link(Link::new(
                    "buy3",
                    LinkKind::Purchase,
                    "db",
                    "c1",
                    d("2021-05-01"),
                ))
                .unwrap();
            },
            RuleId::MultiPartner,
        );
        assert_eq!(subjects(&findings), ["c1"]);
        assert_eq!(findings[0].severity, Severity::Note);
        assert!(
            findings[0]
                .message
                .contains("C1 buys from 2 partners (DB, Res)")
        );
        assert!(after(|_| {}, RuleId::MultiPartner).is_empty());
    }

    #[test]
    fn two_admin_partners_make_a_multi_channel_note() {
        let findings = after(
            |s| {
                for (id, partner) in [("a1", "db"), ("a2", "res")] {
                    s.add_link(
                        Link::new(id, LinkKind::Admin, partner, "c2", d("2021-01-01")).gdap(
                            &["Helpdesk Administrator"],
                            365,
                            true,
                        ),
                    )
                    .unwrap();
                }
            },
            RuleId::MultiChannel,
        );
        assert_eq!(subjects(&findings), ["c2"]);
        let one = after(
            |s| {
                s.add_link(
                    Link::new("a1", LinkKind::Admin, "db", "c2", d("2021-01-01")).gdap(
                        &["Helpdesk Administrator"],
                        365,
                        true,
                    ),
                )
                .unwrap();
            },
            RuleId::MultiChannel,
        );
        assert!(one.is_empty());
    }
}
