//! Changes over time (catalogue group 4): relationships and partnerships removed while business
//! still hangs on them, a partner moving from direct bill to indirect, and the PartnerID an order
//! carries. Owns: `relationship_removed_with_active_subscriptions`,
//! `direct_bill_buys_for_reseller_customer`, `customers_left_behind`,
//! `partner_id_on_record_is_provider`, `partner_id_on_record_other`. Must not: read a link that is
//! not in force as if it were (an ended link is named with its end date).
//!
//! (`tenant_with_two_partner_ids`, the fourth rule of the group, is a party's: see `identity.rs`.)

use super::context::{At, Ctx, Node};
use super::history::end_with;
use super::reroute::{Route, move_sale};
use super::{Finding, Name, RuleId, Subject};
use crate::edit::Edit;
use crate::model::identity::{partner_id_key, partner_id_of, same_tenant};
use crate::model::{Date, Link, LinkKind, LinkStatus, PartyKind};

/// `relationship_removed_with_active_subscriptions`: a purchase in force on the day checked whose
/// seller's (or billing provider's) reseller relationship with the customer ended after the
/// purchase was made, with no other one of that partner in force.
pub(crate) fn check_relationship_removed(ctx: &Ctx, at: &At, out: &mut Vec<Finding>) {
    let link = at.link;
    if link.kind != LinkKind::Purchase {
        return;
    }
    let billing = ctx.sure_billing_provider_at(at);
    for partner in std::iter::once(at.from).chain(billing) {
        if ctx.has_relationship_at(partner.ix, at.to.ix, ctx.as_of) {
            continue;
        }
        let Some(removed) = ctx
            .incoming_ever(at.to.ix)
            .filter(|(from, l)| {
                from.ix == partner.ix
                    && l.kind == LinkKind::Reseller
                    && l.ended.is_some_and(|e| link.date < e && e <= ctx.as_of)
            })
            .map(|(_, l)| l)
            .max_by_key(|l| l.ended)
        else {
            continue;
        };
        let on = removed.ended.unwrap_or(ctx.as_of);
        let (named, customer) = (Name(&partner.id), Name(&link.to));
        let mut finding = Finding::new(
            RuleId::RelationshipRemovedWithActiveSubscriptions,
            Subject::Link(link.id),
            ctx.path_of(link),
            format!(
                "{named}'s reseller relationship with {customer} ended on {on}, but this purchase (made {}) is still active: a reseller relationship can be removed only once the customer's subscriptions with that partner are cancelled.",
                link.date
            ),
        );
        if ctx.fixes {
            finding = end_with(finding, link, on, "the relationship ended then");
            let id = ctx
                .scenario
                .fresh_link_id(&format!("reseller-{}-{}", partner.id, link.to));
            let mut renewed = Link::new(id, LinkKind::Reseller, partner.id, link.to, on);
            renewed.via = removed.via;
            finding = finding.fix(
                format!(
                    "Keep the relationship: renew {}'s reseller relationship with {} on {on}",
                    partner.name, at.to.name
                ),
                Edit::AddLink(renewed),
            );
        }
        out.push(finding);
    }
}

/// The route through an indirect reseller: the reseller and the provider that bills it for sure.
fn through<'a>(ctx: &Ctx<'a>, reseller: Node<'a>) -> Option<Route<'a>> {
    let probe = Link::new(
        "probe",
        LinkKind::Purchase,
        reseller.id,
        reseller.id,
        ctx.as_of,
    );
    let via = ctx.party(&ctx.sure_billing_provider(&probe)?)?;
    Some(Route {
        seller: reseller.party,
        via: Some(via),
    })
}

/// `direct_bill_buys_for_reseller_customer`: a direct-bill partner's purchase for a customer that
/// an indirect reseller on the same tenant had a reseller relationship with before the purchase.
pub(crate) fn check_direct_bill_for_reseller_customer(ctx: &Ctx, at: &At, out: &mut Vec<Finding>) {
    let (link, seller) = (at.link, at.from);
    if link.kind != LinkKind::Purchase || seller.kind != PartyKind::DirectBill {
        return;
    }
    let Some((reseller, since)) = ctx
        .incoming_ever(at.to.ix)
        .filter(|(from, l)| {
            l.kind == LinkKind::Reseller
                && from.kind == PartyKind::IndirectReseller
                && l.date < link.date
                && same_tenant(&from.tenant, &seller.tenant)
        })
        .map(|(from, l)| (from, l.date))
        .min_by(|a, b| (&a.0.id, a.1).cmp(&(&b.0.id, b.1)))
    else {
        return;
    };
    let mut finding = Finding::new(
        RuleId::DirectBillBuysForResellerCustomer,
        Subject::Link(link.id),
        ctx.path_of(link),
        format!(
            "{} sells to {} as a direct-bill partner, but {}, its indirect-reseller enrolment on the same tenant, has had a reseller relationship with {} since {since}: customers won as an indirect reseller are sold through its indirect provider.",
            Name(&seller.id),
            Name(&link.to),
            Name(&reseller.id),
            Name(&link.to)
        ),
    );
    if ctx.fixes
        && let Some(route) = through(ctx, reseller)
    {
        let (label, edit) = move_sale(ctx, link, &route, false);
        finding = finding.fix(label, edit);
    }
    out.push(finding);
}

/// `customers_left_behind`: on each of a reseller's reseller relationships and admin links with a
/// customer that the provider of an ended partnership still serves too.
pub(crate) fn check_customers_left_behind(ctx: &Ctx, at: &At, out: &mut Vec<Finding>) {
    let (link, reseller, customer) = (at.link, at.from, at.to);
    if !matches!(link.kind, LinkKind::Reseller | LinkKind::Admin)
        || reseller.kind != PartyKind::IndirectReseller
    {
        return;
    }
    let mut seen: Vec<Node> = Vec::new();
    for (provider, partnership) in ctx.incoming_ever(reseller.ix) {
        if partnership.kind != LinkKind::Partnership
            || provider.kind != PartyKind::IndirectProvider
            || !partnership.ended_by(ctx.as_of)
            || seen.iter().any(|p| p.ix == provider.ix)
        {
            continue;
        }
        let renewed = ctx
            .partnerships_into(reseller.ix)
            .any(|(p, _)| p.ix == provider.ix);
        if renewed || !ctx.has_relationship_at(provider.ix, customer.ix, ctx.as_of) {
            continue;
        }
        seen.push(provider);
        let on = partnership.ended.unwrap_or(ctx.as_of);
        let what = match link.kind {
            LinkKind::Admin => "admin access to",
            _ => "a reseller relationship with",
        };
        let mut finding = Finding::new(
            RuleId::CustomersLeftBehind,
            Subject::Link(link.id),
            vec![provider.id, reseller.id, customer.id],
            format!(
                "{}'s partnership with {} ended on {on}, but {} still has {what} {}, whom {} also serves: ending a partnership moves no customer and removes no access.",
                Name(&provider.id),
                Name(&reseller.id),
                Name(&reseller.id),
                Name(&customer.id),
                Name(&provider.id)
            ),
        );
        if ctx.fixes {
            finding = move_to_other_provider(ctx, reseller, customer, provider, finding);
            finding = end_dealings(ctx, reseller, customer, finding);
        }
        out.push(finding);
    }
}

/// The reseller's links with the customer that are in force on the day checked: reseller
/// relationships, admin links and purchases.
fn dealings<'a>(ctx: &Ctx<'a>, reseller: Node<'a>, customer: Node<'a>) -> Vec<&'a Link> {
    ctx.incoming(customer.ix)
        .filter(|(from, l)| {
            from.ix == reseller.ix
                && matches!(
                    l.kind,
                    LinkKind::Reseller | LinkKind::Admin | LinkKind::Purchase
                )
        })
        .map(|(_, l)| l)
        .collect()
}

/// "Move the customer to another provider of the reseller": its sales with the customer billed by
/// the other provider (which gets a reseller relationship with the customer when it has none), and
/// the old provider's relationship with the customer ended on the day checked.
fn move_to_other_provider(
    ctx: &Ctx,
    reseller: Node,
    customer: Node,
    old: Node,
    mut finding: Finding,
) -> Finding {
    let others: Vec<Node> = ctx
        .partnerships_into(reseller.ix)
        .filter(|(p, l)| p.ix != old.ix && l.status == LinkStatus::Accepted && ctx.supplied(p.ix))
        .map(|(p, _)| p)
        .take(2)
        .collect();
    let old_relationships: Vec<&Link> = ctx
        .incoming(customer.ix)
        .filter(|(from, l)| from.ix == old.ix && l.kind == LinkKind::Reseller)
        .map(|(_, l)| l)
        .collect();
    // Each ends on the day checked: made before it, and with no end of its own yet (a recorded
    // end is never moved back).
    if old_relationships
        .iter()
        .any(|l| l.date >= ctx.as_of || l.ended.is_some())
    {
        return finding;
    }
    for other in others {
        let mut edits = Vec::new();
        let mut earliest: Option<Date> = None;
        for l in dealings(ctx, reseller, customer) {
            if l.kind == LinkKind::Admin || l.via.as_ref() != Some(&old.id) {
                continue;
            }
            let mut moved = l.clone();
            moved.via = Some(other.id);
            earliest = Some(earliest.map_or(l.date, |e: Date| e.min(l.date)));
            edits.push(Edit::UpdateLink(moved));
        }
        let mut label = format!(
            "Move {} to {}: {}'s sales with {} billed by {}",
            customer.name, other.name, reseller.name, customer.name, other.name
        );
        if !ctx.has_relationship_at(other.ix, customer.ix, ctx.as_of) {
            let date = earliest.unwrap_or(ctx.as_of);
            let id = ctx
                .scenario
                .fresh_link_id(&format!("reseller-{}-{}", other.id, customer.id));
            edits.push(Edit::AddLink(Link::new(
                id,
                LinkKind::Reseller,
                other.id,
                customer.id,
                date,
            )));
            label.push_str(&format!(
                ", {}'s reseller relationship with {} added",
                other.name, customer.name
            ));
        }
        for l in &old_relationships {
            let mut ended = (*l).clone();
            ended.ended = Some(ctx.as_of);
            edits.push(Edit::UpdateLink(ended));
        }
        label.push_str(&format!(", and {}'s ended on {}", old.name, ctx.as_of));
        finding = finding.fix(label, Edit::Batch(edits));
    }
    finding
}

/// "End the reseller's relationship and access": its reseller relationships, admin links and
/// subscriptions with the customer end on the day checked (each one made before it).
fn end_dealings(ctx: &Ctx, reseller: Node, customer: Node, finding: Finding) -> Finding {
    let links = dealings(ctx, reseller, customer);
    if links
        .iter()
        .any(|l| l.date >= ctx.as_of || l.ended.is_some())
    {
        return finding;
    }
    let count = |kind: LinkKind| links.iter().filter(|l| l.kind == kind).count();
    let mut parts = Vec::new();
    for (kind, one, many) in [
        (
            LinkKind::Reseller,
            "reseller relationship",
            "reseller relationships",
        ),
        (LinkKind::Admin, "admin access", "admin links"),
        (LinkKind::Purchase, "subscription", "subscriptions"),
    ] {
        match count(kind) {
            0 => {}
            1 if kind != LinkKind::Purchase => parts.push(one.to_owned()),
            n => parts.push(crate::text::count(n, one, many)),
        }
    }
    let edits = links
        .iter()
        .map(|l| {
            let mut ended = (*l).clone();
            ended.ended = Some(ctx.as_of);
            Edit::UpdateLink(ended)
        })
        .collect();
    let listed = match parts.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => return finding,
    };
    finding.fix(
        format!(
            "End {}'s {listed} with {} on {}",
            reseller.name, customer.name, ctx.as_of
        ),
        Edit::Batch(edits),
    )
}

/// `partner_id_on_record_is_provider` and `partner_id_on_record_other` on an indirect reseller's
/// purchase with a PartnerID on record.
pub(crate) fn check_partner_id_on_record(ctx: &Ctx, at: &At, out: &mut Vec<Finding>) {
    let (link, reseller) = (at.link, at.from);
    if link.kind != LinkKind::Purchase || reseller.kind != PartyKind::IndirectReseller {
        return;
    }
    let Some(on_record) = partner_id_of(link.partner_id_on_record.as_deref()) else {
        return;
    };
    let written = link.partner_id_on_record.as_deref().unwrap_or_default();
    // The provider that bills it: `via`, or the only accepted one; with several and no `via`, any
    // of them (the order is credited to a provider whichever it is).
    let providers: Vec<Node> = match ctx.sure_billing_provider_at(at) {
        Some(provider) => vec![provider],
        None => ctx
            .partnerships_into(reseller.ix)
            .filter(|(_, l)| l.status == LinkStatus::Accepted)
            .map(|(p, _)| p)
            .collect(),
    };
    fn key_of(pid: Option<&str>) -> Option<std::borrow::Cow<'_, str>> {
        pid.map(partner_id_key).filter(|k| !k.is_empty())
    }
    let own = key_of(reseller.partner_id.as_deref());
    let provider = providers
        .iter()
        .find(|p| key_of(p.partner_id.as_deref()).is_some_and(|k| k == on_record));
    let (rule, message) = match provider {
        Some(provider) => {
            let also = if own.as_ref() == Some(&on_record) {
                format!(" (it is {}'s too)", Name(&reseller.id))
            } else {
                String::new()
            };
            (
                RuleId::PartnerIdOnRecordIsProvider,
                format!(
                    "This purchase carries PartnerID {written} on its order, {}'s own{also}: an order for {}'s customer must carry {}'s PartnerID, or {} loses the sale.",
                    Name(&provider.id),
                    Name(&reseller.id),
                    Name(&reseller.id),
                    Name(&reseller.id)
                ),
            )
        }
        None => match &own {
            Some(own) if *own != on_record => (
                RuleId::PartnerIdOnRecordOther,
                format!(
                    "This purchase carries PartnerID {written} on its order, which is neither {}'s ({}) nor its provider's: the sale is credited to another partner location.",
                    Name(&reseller.id),
                    reseller.partner_id.as_deref().unwrap_or_default()
                ),
            ),
            _ => return,
        },
    };
    let finding = Finding::new(rule, Subject::Link(link.id), ctx.path_of(link), message);
    let provider_key = provider.and_then(|p| key_of(p.partner_id.as_deref()));
    let fixable = own.is_some() && own != provider_key;
    out.push(finding.fix_with(ctx.fixes && fixable, || {
        let mut written = link.clone();
        written.partner_id_on_record = reseller.partner_id;
        (
            format!(
                "Write {}'s PartnerID {} on the order",
                reseller.name,
                reseller.partner_id.as_deref().unwrap_or_default()
            ),
            Edit::UpdateLink(written),
        )
    }));
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::rules::check;

    #[test]
    fn a_relationship_ended_under_an_active_purchase_is_flagged_with_both_fixes() {
        let mut s = valid_channel();
        change_link(&mut s, "r-db", |l| l.ended = Some(d("2023-06-30")));
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::RelationshipRemovedWithActiveSubscriptions)
            .collect();
        assert_eq!(subjects(&findings), ["buy2"]);
        assert!(
            findings[0]
                .message
                .contains("DB's reseller relationship with C2 ended on 2023-06-30"),
            "{}",
            findings[0].message
        );
        let labels: Vec<&str> = findings[0].fixes.iter().map(|f| f.label.as_str()).collect();
        assert_eq!(labels.len(), 2, "{labels:?}");
        assert!(labels[0].starts_with("End this purchase on 2023-06-30"));
        assert!(labels[1].starts_with("Keep the relationship"));
        for fix in &findings[0].fixes {
            let mut fixed = s.clone();
            fix.edit.clone().apply(&mut fixed).unwrap();
            assert!(
                check(&fixed).is_empty(),
                "{}: {:#?}",
                fix.label,
                check(&fixed)
            );
            assert_eq!(fixed.link("r-db").unwrap().ended, Some(d("2023-06-30")));
        }
        // Ended before the purchase, it is `no_reseller_relationship`'s; after the day checked,
        // nothing yet; with the purchase ended first, nothing at all.
        let before = after(
            |s| change_link(s, "r-db", |l| l.ended = Some(d("2021-01-15"))),
            RuleId::RelationshipRemovedWithActiveSubscriptions,
        );
        assert!(before.is_empty());
        let later = after(
            |s| change_link(s, "r-db", |l| l.ended = Some(d("2025-01-01"))),
            RuleId::RelationshipRemovedWithActiveSubscriptions,
        );
        assert!(later.is_empty());
        let cancelled = after(
            |s| {
                change_link(s, "buy2", |l| l.ended = Some(d("2023-06-01")));
                change_link(s, "r-db", |l| l.ended = Some(d("2023-06-30")));
            },
            RuleId::RelationshipRemovedWithActiveSubscriptions,
        );
        assert!(cancelled.is_empty());
    }

    #[test]
    fn the_billing_providers_removed_relationship_counts_too() {
        let findings = after(
            |s| change_link(s, "r-dist", |l| l.ended = Some(d("2023-06-30"))),
            RuleId::RelationshipRemovedWithActiveSubscriptions,
        );
        assert_eq!(subjects(&findings), ["buy1"]);
        assert!(
            findings[0].message.starts_with("Dist's"),
            "{}",
            findings[0].message
        );
    }

    /// Fabrikam enrolled both ways on one tenant: its reseller side won C2 in 2021-01, so a
    /// direct-bill purchase for C2 in 2021-02 is refused; the fix sells it as the reseller.
    fn both_ways_on_one_tenant(s: &mut crate::model::Scenario) {
        change_party(s, "res", |p| {
            p.tenant = "db".into();
            p.organization = "db".into();
        });
        change_party(s, "db", |p| p.restricted_since = Some(d("2020-01-01")));
        s.add_link(
            Link::new("r-res-c2", LinkKind::Reseller, "res", "c2", d("2021-01-15")).via("dist"),
        )
        .unwrap();
    }

    #[test]
    fn a_direct_bill_purchase_for_a_customer_won_as_reseller_is_flagged_and_rerouted() {
        let mut s = valid_channel();
        both_ways_on_one_tenant(&mut s);
        // The restriction predates every sale here: only the rule under test remains of interest.
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::DirectBillBuysForResellerCustomer)
            .collect();
        assert_eq!(subjects(&findings), ["buy2"]);
        assert!(
            findings[0].message.contains("since 2021-01-15"),
            "{}",
            findings[0].message
        );
        let fixed = apply_first_fix(s.clone(), &findings);
        let sale = fixed.link("buy2").unwrap();
        assert_eq!(
            (sale.from.as_str(), sale.via.as_ref().map(|v| v.as_str())),
            ("res", Some("dist"))
        );
        assert!(
            check(&fixed)
                .iter()
                .all(|f| f.rule != RuleId::DirectBillBuysForResellerCustomer)
        );
        // A reseller relationship made after the purchase, or on another tenant, is no reason.
        let later = after(
            |s| {
                both_ways_on_one_tenant(s);
                change_link(s, "r-res-c2", |l| l.date = d("2021-03-01"));
            },
            RuleId::DirectBillBuysForResellerCustomer,
        );
        assert!(later.is_empty());
        let apart = after(
            |s| {
                both_ways_on_one_tenant(s);
                change_party(s, "res", |p| p.tenant = "res".into());
            },
            RuleId::DirectBillBuysForResellerCustomer,
        );
        assert!(apart.is_empty());
    }

    /// Dist's partnership with Res ends in 2023 while both still serve C1; Res also has admin
    /// access to C1. Dist2 is Res's other provider.
    fn partnership_ended(s: &mut crate::model::Scenario) {
        change_link(s, "p", |l| l.ended = Some(d("2023-06-30")));
        s.add_link(
            Link::new("a-res", LinkKind::Admin, "res", "c1", d("2021-01-01")).gdap(
                &["Directory Readers"],
                730,
                true,
            ),
        )
        .unwrap();
    }

    #[test]
    fn customers_left_behind_by_an_ended_partnership_are_flagged_on_each_link() {
        let findings = after(partnership_ended, RuleId::CustomersLeftBehind);
        assert_eq!(subjects(&findings), ["a-res", "r-res"]);
        assert!(
            findings[1]
                .message
                .starts_with("Dist's partnership with Res ended on 2023-06-30"),
            "{}",
            findings[1].message
        );
        assert_eq!(findings[0].severity, crate::rules::Severity::Warning);
        // Ending Res's relationship, access and subscription with C1 clears it.
        let mut s = valid_channel();
        partnership_ended(&mut s);
        let ending = findings[1]
            .fixes
            .iter()
            .find(|f| f.label.starts_with("End Res's"))
            .expect("the end fix");
        assert_eq!(
            ending.label,
            "End Res's reseller relationship, admin access and 1 subscription with C1 on 2024-01-01"
        );
        ending.edit.clone().apply(&mut s).unwrap();
        assert!(
            check(&s)
                .iter()
                .all(|f| f.rule != RuleId::CustomersLeftBehind),
            "{:#?}",
            check(&s)
        );
    }

    #[test]
    fn customers_move_to_the_resellers_other_provider() {
        let mut s = valid_channel();
        partnership_ended(&mut s);
        s.add_party(
            crate::model::Party::new("dist2", PartyKind::IndirectProvider)
                .named("Dist2")
                .in_country("US")
                .mpa(d("2019-01-01")),
        )
        .unwrap();
        for l in [
            Link::new("s-dist2", LinkKind::Supply, "ms", "dist2", d("2021-01-01")),
            Link::new("p2", LinkKind::Partnership, "dist2", "res", d("2021-01-01")),
        ] {
            s.add_link(l).unwrap();
        }
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::CustomersLeftBehind)
            .collect();
        let proven = crate::rules::fixes::prove(&s, s.as_of(), &findings);
        let moving = proven[0]
            .finding
            .fixes
            .iter()
            .find(|f| f.label.starts_with("Move C1 to Dist2"))
            .unwrap_or_else(|| panic!("{:#?}", proven[0]));
        moving.edit.clone().apply(&mut s).unwrap();
        assert_eq!(
            s.link("buy1").unwrap().via.as_ref().unwrap().as_str(),
            "dist2"
        );
        let left: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| {
                f.severity == crate::rules::Severity::Violation
                    || f.rule == RuleId::CustomersLeftBehind
            })
            .collect();
        assert!(left.is_empty(), "{left:#?}");
    }

    #[test]
    fn a_partner_id_on_record_must_be_the_resellers_own() {
        let ids = |s: &mut crate::model::Scenario| {
            change_party(s, "res", |p| p.partner_id = Some("4847383".into()));
            change_party(s, "dist", |p| p.partner_id = Some("1000001".into()));
        };
        // The provider's own PartnerID (written with a space): a violation, fixed by the reseller's.
        let mut s = valid_channel();
        ids(&mut s);
        change_link(&mut s, "buy1", |l| {
            l.partner_id_on_record = Some("1000 001".into())
        });
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::PartnerIdOnRecordIsProvider)
            .collect();
        assert_eq!(subjects(&findings), ["buy1"]);
        let fixed = apply_first_fix(s, &findings);
        assert_eq!(
            fixed.link("buy1").unwrap().partner_id_on_record.as_deref(),
            Some("4847383")
        );
        assert!(check(&fixed).is_empty(), "{:#?}", check(&fixed));
        // Another partner's: a warning; the reseller's own, or none: nothing.
        let other = after(
            |s| {
                ids(s);
                change_link(s, "buy1", |l| {
                    l.partner_id_on_record = Some("9999001".into())
                });
            },
            RuleId::PartnerIdOnRecordOther,
        );
        assert_eq!(subjects(&other), ["buy1"]);
        assert_eq!(other[0].severity, crate::rules::Severity::Warning);
        for written in [Some("4847383"), None] {
            let mut s = valid_channel();
            ids(&mut s);
            change_link(&mut s, "buy1", |l| {
                l.partner_id_on_record = written.map(Into::into)
            });
            assert!(check(&s).is_empty(), "{written:?}: {:#?}", check(&s));
        }
        // The provider's PartnerID is the provider's even when the reseller has it too.
        let shared = after(
            |s| {
                ids(s);
                change_party(s, "res", |p| p.partner_id = Some("1000001".into()));
                change_link(s, "buy1", |l| {
                    l.partner_id_on_record = Some("1000001".into())
                });
            },
            RuleId::PartnerIdOnRecordIsProvider,
        );
        assert_eq!(subjects(&shared), ["buy1"]);
        assert!(
            shared[0].fixes.is_empty(),
            "no PartnerID of the reseller's own to write"
        );
    }
}
