//! Patterns around one customer that the program explicitly allows, kept as notes for teaching.
//! Owns: `multi_partner`, `multi_channel`, and `registration_id_missing` (what Partner Center asks of
//! a customer before a partner can create it in some countries). Must not: judge a single sale.

use super::context::{Ctx, Node};
use super::{Finding, Name, RuleId, Subject};
use crate::model::{LinkKind, Party, PartyId, PartyKind};

/// The distinct partners with a link of `kind` to the customer, sorted.
fn partners_with(ctx: &Ctx, customer: &Party, kind: LinkKind) -> Vec<PartyId> {
    let mut partners: Vec<PartyId> = ctx
        .links_to(&customer.id)
        .filter(|l| l.kind == kind)
        // An expired GDAP relationship or a pending request gives no access: not a channel.
        .filter(|l| l.kind != LinkKind::Admin || super::gdap::grants_access(l, ctx.as_of))
        .filter(|l| ctx.party(&l.from).is_some_and(|p| p.kind.is_partner()))
        .map(|l| l.from)
        .collect();
    partners.sort();
    partners.dedup();
    partners
}

/// True when at least two distinct partners have a link of `kind` to the customer that counts as
/// a channel ([`partners_with`] without the list: most customers have one, and every customer is
/// asked).
fn two_partners_with(ctx: &Ctx, customer: Node, kind: LinkKind) -> bool {
    let mut first = None;
    for (from, l) in ctx.incoming_of_kind(customer.ix, kind) {
        if !ctx.scenario.party_kind(from.ix).is_partner()
            || (kind == LinkKind::Admin && !super::gdap::grants_access(l, ctx.as_of))
        {
            continue;
        }
        match first {
            None => first = Some(from.ix),
            Some(ix) if ix != from.ix => return true,
            Some(_) => {}
        }
    }
    false
}

pub(crate) fn check_customer(ctx: &Ctx, customer: Node, out: &mut Vec<Finding>) {
    let party = customer.party;
    if party.kind != PartyKind::Customer {
        return;
    }
    for (rule, kind, what) in [
        (RuleId::MultiPartner, LinkKind::Purchase, "buys from"),
        (RuleId::MultiChannel, LinkKind::Admin, "is managed by"),
    ] {
        if !two_partners_with(ctx, customer, kind) {
            continue;
        }
        let partners = partners_with(ctx, party, kind);
        if partners.len() < 2 {
            continue;
        }
        let names: Vec<String> = partners.iter().map(|p| Name(p).to_string()).collect();
        let mut path = partners;
        path.push(party.id);
        out.push(Finding::new(
            rule,
            Subject::Party(party.id),
            path,
            format!(
                "{} {} {} partners ({}): allowed in the CSP program.",
                Name(&party.id),
                what,
                names.len(),
                names.join(", ")
            ),
        ));
    }
}

/// The countries where Partner Center requires a customer's business registration number (ISO 3166
/// alpha-2), from the catalogue's group 3.
pub const REGISTRATION_ID_COUNTRIES: [&str; 24] = [
    "AM", "AZ", "BY", "BR", "HU", "IN", "IQ", "KZ", "KG", "MD", "MM", "PL", "RU", "SA", "ZA", "SS",
    "TJ", "TH", "TR", "UA", "AE", "UZ", "VE", "VN",
];

/// `registration_id_missing`: a customer that a partner buys for or has a reseller relationship
/// with, in a country where Partner Center refuses the customer without a registration number.
pub(crate) fn check_registration_id(ctx: &Ctx, party: &Party, out: &mut Vec<Finding>) {
    if party.kind != PartyKind::Customer
        || party
            .registration_id
            .as_deref()
            .is_some_and(|id| !id.trim().is_empty())
    {
        return;
    }
    let Some(country) = party.country.as_ref() else {
        return;
    };
    if !REGISTRATION_ID_COUNTRIES.contains(&country.as_str()) {
        return;
    }
    // Only a partner creates a customer in Partner Center: a "purchase" from Microsoft or from
    // another customer is an `invalid_chain`, not a partner that needs the number.
    let Some(partner) = ctx
        .links_to(&party.id)
        .filter(|l| matches!(l.kind, LinkKind::Purchase | LinkKind::Reseller))
        .filter(|l| ctx.party(&l.from).is_some_and(|p| p.kind.is_partner()))
        .map(|l| l.from)
        .min()
    else {
        return;
    };
    out.push(Finding::new(
        RuleId::RegistrationIdMissing,
        Subject::Party(party.id),
        vec![partner, party.id],
        format!(
            "{} is in {}, where a partner must give the customer's business registration number, but it has no registration ID ({} has a relationship with it).",
            Name(&party.id),
            country.as_str(),
            Name(&partner)
        ),
    ));
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

    #[test]
    fn a_customer_in_a_registration_country_needs_its_registration_id() {
        let findings = after(
            |s| change_party(s, "c1", |p| p.country = Some("PL".into())),
            RuleId::RegistrationIdMissing,
        );
        assert_eq!(subjects(&findings), ["c1"]);
        assert_eq!(findings[0].severity, Severity::Warning);
        assert!(findings[0].message.contains("registration ID"));
        let recorded = after(
            |s| {
                change_party(s, "c1", |p| {
                    p.country = Some("PL".into());
                    p.registration_id = Some("PL-5260250995".into());
                })
            },
            RuleId::RegistrationIdMissing,
        );
        assert!(recorded.is_empty());
        // Not a registration country, or no purchase or reseller relationship: nothing to say.
        assert!(after(|_| {}, RuleId::RegistrationIdMissing).is_empty());
    }

    /// Regression: a purchase from Microsoft (itself an `invalid_chain`) made the customer need a
    /// registration ID, and the finding named Microsoft as the partner.
    #[test]
    fn only_a_partners_link_asks_for_a_registration_id() {
        let findings = after(
            |s| {
                s.add_party(
                    crate::model::Party::new("c3", PartyKind::Customer)
                        .in_country("PL")
                        .mca(d("2019-01-01")),
                )
                .unwrap();
                s.add_link(Link::new(
                    "odd",
                    LinkKind::Purchase,
                    "ms",
                    "c3",
                    d("2021-01-01"),
                ))
                .unwrap();
            },
            RuleId::RegistrationIdMissing,
        );
        assert!(findings.is_empty(), "{findings:#?}");
    }
}
