//! Who may sell to whom: not to yourself, not to your affiliates, not into a CSP tenant, not to a
//! reseller by its own provider, and only with a reseller relationship in place.
//! Owns: `self_sale`, `affiliate_sale`, `own_use_on_csp_tenant`, `reseller_customer_of_own_provider`,
//! `no_reseller_relationship`. Must not: compare identities other than through `model::identity`.
//!
//! One file of about 850 lines on purpose: half of it is the tests over minimal channels, kept beside
//! the five rules they pin (the house's way: the check and its tests side by side).

use super::context::{At, Ctx, NotInForce};
use super::history::move_to;
use super::reroute::{move_sale, routes};
use super::{Finding, Name, RuleId, Subject};
use crate::edit::Edit;
use crate::model::Date;
use crate::model::identity::{same_organization, same_tenant};
use crate::model::{Link, LinkKind, LinkStatus, Party, PartyId, PartyKind, TenantType};

fn is_sale(link: &Link) -> bool {
    matches!(link.kind, LinkKind::Purchase | LinkKind::Reseller)
}

/// The tenant a sale lands in: the purchase's own tenant, or the customer's.
pub(crate) fn provisioned_tenant<'a>(link: &'a Link, customer: &'a Party) -> &'a str {
    match link.kind {
        LinkKind::Purchase => link.tenant.as_deref().unwrap_or(&customer.tenant),
        _ => &customer.tenant,
    }
}

pub(crate) fn check_self_and_affiliate(ctx: &Ctx, at: &At, out: &mut Vec<Finding>) {
    let link = at.link;
    if !is_sale(link) {
        return;
    }
    let (seller, customer) = (at.from.party, at.to.party);
    let finding = if ctx.same_organization(at.from, at.to) {
        Finding::new(
            RuleId::SelfSale,
            Subject::Link(link.id),
            ctx.path_of(link),
            format!(
                "{} sells to {}, but both belong to the organization {}: partners may not sell to themselves as end customers.",
                Name(&seller.id),
                Name(&customer.id),
                seller.organization
            ),
        )
    } else if let (Some(a), Some(b)) = (&seller.affiliate_group, &customer.affiliate_group)
        && same_group(a, b)
    {
        Finding::new(
            RuleId::AffiliateSale,
            Subject::Link(link.id),
            ctx.path_of(link),
            format!(
                "{} ({}) sells to {} ({}), an affiliate in the group {}: partners may not sell to their affiliates as end customers.",
                Name(&seller.id),
                seller.organization,
                Name(&customer.id),
                customer.organization,
                a
            ),
        )
    } else {
        return;
    };
    out.push(if ctx.fixes {
        buy_outside(ctx, at, finding)
    } else {
        finding
    });
}

/// Two affiliate groups are one when they compare equal and are not empty.
fn same_group(a: &str, b: &str) -> bool {
    !a.trim().is_empty() && same_organization(a, b)
}

/// The fix of `self_sale` and `affiliate_sale`: buy from a partner of the customer's region outside
/// its organization and affiliate group (a direct-bill partner or an indirect reseller, sample
/// scenario 4), into a customer-type tenant when the sale lands in a CSP tenant.
fn buy_outside(ctx: &Ctx, at: &At, mut finding: Finding) -> Finding {
    let (link, customer) = (at.link, at.to.party);
    let inside = |p: &Party| {
        same_organization(&p.organization, &customer.organization)
            || matches!(
                (&p.affiliate_group, &customer.affiliate_group),
                (Some(a), Some(b)) if same_group(a, b)
            )
    };
    let kinds = [PartyKind::DirectBill, PartyKind::IndirectReseller];
    for route in routes(ctx, ctx.region_of(at.to), &kinds, None, inside, 2) {
        let (mut label, edit) = move_sale(ctx, link, &route, true);
        let mut edits = vec![edit];
        if own_use_on_csp(ctx, link, customer) {
            let (fresh, tenant_edits) = separate_tenant_edits(ctx, link, customer);
            label.push_str(&format!(", into a new customer tenant {fresh}"));
            edits.extend(tenant_edits);
        }
        finding = finding.fix(label, Edit::Batch(edits));
    }
    finding
}

pub(crate) fn check_own_use_tenant(ctx: &Ctx, at: &At, out: &mut Vec<Finding>) {
    let link = at.link;
    if link.kind != LinkKind::Purchase {
        return;
    }
    let customer = at.to.party;
    let tenant = provisioned_tenant(link, customer);
    let owner = if link.tenant.is_none() {
        ctx.tenant_partner(at.to)
    } else {
        ctx.partners_with_tenant(tenant).next()
    };
    let why = match owner {
        Some(partner) => format!("the CSP tenant of {} ({})", Name(&partner.id), partner.kind),
        None if same_tenant(tenant, &customer.tenant)
            && customer.tenant_type == TenantType::Csp =>
        {
            format!(
                "{}'s own tenant, designated as a CSP tenant",
                Name(&customer.id)
            )
        }
        None => return,
    };
    out.push(
        Finding::new(
            RuleId::OwnUseOnCspTenant,
            Subject::Link(link.id),
            ctx.path_of(link),
            format!(
                "{}'s purchase from {} is provisioned to tenant {}, {}: own-use services must go to a separate customer-type tenant.",
                Name(&customer.id),
                Name(&link.from),
                tenant,
                why
            ),
        )
        .fix_with(ctx.fixes, || {
            let (fresh, edits) = separate_tenant_edits(ctx, link, customer);
            (
                format!("Provision to a new customer tenant {fresh}"),
                Edit::Batch(edits),
            )
        }),
    );
}

pub(crate) fn check_reseller_of_own_provider(ctx: &Ctx, at: &At, out: &mut Vec<Finding>) {
    let link = at.link;
    if !is_sale(link) || !ctx.org_has_other_reseller(at.to) {
        return;
    }
    let customer = at.to.party;
    let tenant = provisioned_tenant(link, customer);
    // The seller and the provider that bills it (a `via` counts only on a reseller's sale).
    let is_seller = |id: &PartyId| *id == link.from || at.via.is_some_and(|v| v.id == *id);
    for reseller in ctx
        .resellers_of_org(&customer.organization)
        .filter(|p| p.id != customer.id && same_tenant(&p.tenant, tenant))
    {
        // Only an established (accepted) partnership makes the provider the reseller's own: a
        // pending invitation is no provider–reseller relationship yet (sample scenario 6).
        let Some(partnership) = ctx
            .partnerships_of(&reseller.id)
            .find(|l| l.status == LinkStatus::Accepted && is_seller(&l.from))
        else {
            continue;
        };
        let provider = Name(&partnership.from);
        let mut finding = Finding::new(
            RuleId::ResellerCustomerOfOwnProvider,
            Subject::Link(link.id),
            vec![partnership.from, reseller.id, customer.id],
            format!(
                "{} would be an end customer of {} in tenant {}, but {} is already the indirect provider of {} in that tenant: the provider–reseller relationship prevents any new customer relationship with the same provider.",
                Name(&customer.id),
                provider,
                tenant,
                provider,
                Name(&reseller.id)
            ),
        );
        if ctx.fixes {
            finding = option_separate_tenant(ctx, link, customer, finding);
            finding = options_other_provider(ctx, link, reseller, partnership, finding);
        }
        out.push(finding);
    }
}

/// The edits that give an own-use customer a separate customer-type tenant: the customer's tenant
/// changes, and a purchase provisioned to an explicit tenant goes to the customer's own.
fn separate_tenant_edits(ctx: &Ctx, link: &Link, customer: &Party) -> (String, Vec<Edit>) {
    let fresh = ctx.fresh_tenant(&customer.organization);
    let mut separate = customer.clone();
    separate.tenant = fresh.clone();
    separate.tenant_type = TenantType::Customer;
    let mut edits = vec![Edit::UpdateParty(separate)];
    if link.tenant.is_some() {
        let mut provisioned = link.clone();
        provisioned.tenant = None;
        edits.push(Edit::UpdateLink(provisioned));
    }
    (fresh, edits)
}

/// True when a purchase puts own use on a CSP tenant (what `own_use_on_csp_tenant` flags).
fn own_use_on_csp(ctx: &Ctx, link: &Link, customer: &Party) -> bool {
    let tenant = provisioned_tenant(link, customer);
    link.kind == LinkKind::Purchase
        && (ctx.partners_with_tenant(tenant).next().is_some()
            || (same_tenant(tenant, &customer.tenant) && customer.tenant_type == TenantType::Csp))
}

/// Option 1 of sample scenario 6: a separate tenant as the reseller's own customer environment.
fn option_separate_tenant(ctx: &Ctx, link: &Link, customer: &Party, finding: Finding) -> Finding {
    let (fresh, edits) = separate_tenant_edits(ctx, link, customer);
    finding.fix(
        format!(
            "Option 1: set up a separate tenant {fresh} as {}'s customer environment",
            customer.name
        ),
        Edit::Batch(edits),
    )
}

/// Options 2 and 3 of sample scenario 6: move the reseller partnership to another provider of the
/// reseller's region (option 2 also buys own use from a direct-bill partner; option 3 keeps buying
/// from the old provider).
///
/// Own use on a CSP tenant is a violation of its own (`own_use_on_csp_tenant`), which moving the
/// partnership does not cure: when the purchase has it, both options also provision own use to a new
/// customer-type tenant, in the same undo step, and say so.
fn options_other_provider(
    ctx: &Ctx,
    link: &Link,
    reseller: &Party,
    partnership: &Link,
    mut finding: Finding,
) -> Finding {
    let region = ctx.region(reseller);
    let Some(other) = ctx
        .scenario
        .parties_of_kind_in(PartyKind::IndirectProvider, region)
        .find(|p| p.id != partnership.from && ctx.supplied_by_microsoft(&p.id))
    else {
        return finding;
    };
    let Some(customer) = ctx.party(&link.to) else {
        return finding;
    };
    let mut moved = partnership.clone();
    moved.from = other.id;
    let old = ctx.name(&partnership.from);
    let (tenant_note, tenant_edits) = if own_use_on_csp(ctx, link, customer) {
        let (fresh, edits) = separate_tenant_edits(ctx, link, customer);
        (
            format!(", and provision own use to a new customer tenant {fresh}"),
            edits,
        )
    } else {
        (String::new(), Vec::new())
    };
    // Option 2: end the partnership with the old provider and partner with the other one; the
    // reseller buys its own use from a direct-bill partner of its region, if there is one, which
    // needs a reseller relationship with the customer.
    if link.kind == LinkKind::Purchase
        && let Some(direct) = ctx
            .scenario
            .parties_of_kind_in(PartyKind::DirectBill, region)
            .find(|p| p.id != link.from)
    {
        let mut rebought = link.clone();
        rebought.from = direct.id;
        rebought.via = None;
        rebought.tenant = None;
        let mut edits = vec![Edit::UpdateLink(moved.clone())];
        edits.extend(
            tenant_edits
                .iter()
                .filter(|e| matches!(e, Edit::UpdateParty(_)))
                .cloned(),
        );
        edits.push(Edit::UpdateLink(rebought));
        let mut relationship_note = String::new();
        if let Some(relationship) = ctx.missing_reseller_relationship(&direct.id, link) {
            edits.push(Edit::AddLink(relationship));
            relationship_note = format!(" (with its reseller relationship with {})", customer.name);
        }
        finding = finding.fix(
            format!(
                "Option 2: end the partnership with {old}, partner with {}, and buy own use from {}{relationship_note}{tenant_note}",
                other.name, direct.name
            ),
            Edit::Batch(edits),
        );
    }
    let mut edits = vec![Edit::UpdateLink(moved)];
    edits.extend(tenant_edits);
    finding.fix(
        format!(
            "Option 3: keep buying from {old} and move the reseller partnership to {}{tenant_note}",
            other.name
        ),
        Edit::Batch(edits),
    )
}

pub(crate) fn check_reseller_relationship(ctx: &Ctx, at: &At, out: &mut Vec<Finding>) {
    let link = at.link;
    if link.kind != LinkKind::Purchase {
        return;
    }
    // The billing provider is asked too when the sale names none but the seller has only one
    // provider: the engine knows who bills it, so it knows whose relationship is missing.
    let billing = ctx.sure_billing_provider_at(at);
    for node in std::iter::once(at.from).chain(billing) {
        if ctx.has_relationship_at(node.ix, at.to.ix, link.date) {
            continue;
        }
        let partner = &node.id;
        let role = if node.ix == at.from.ix {
            "seller"
        } else {
            "billing provider"
        };
        let gone = ctx.link_not_in_force(LinkKind::Reseller, Some(node.ix), at.to.ix, link.date);
        let (named, customer) = (Name(partner), Name(&link.to));
        let message = match gone {
            Some(NotInForce::Ended { on, .. }) => format!(
                "{named}'s reseller relationship with {customer} ended on {on}, before this purchase on {} ({named} is its {role}), so it cannot buy for that customer.",
                link.date
            ),
            Some(NotInForce::Later { on, .. }) => format!(
                "{named}'s reseller relationship with {customer} was made on {on}, after this purchase on {} ({named} is its {role}).",
                link.date
            ),
            None => format!(
                "{named} (the {role}) has no reseller relationship with {customer} on or before {}, so it cannot buy for that customer.",
                link.date
            ),
        };
        let mut finding = Finding::new(
            RuleId::NoResellerRelationship,
            Subject::Link(link.id),
            ctx.path_of(link),
            message,
        );
        if ctx.fixes {
            let relationship = |date: Date| {
                let id = ctx
                    .scenario
                    .fresh_link_id(&format!("reseller-{}-{}", partner, link.to));
                let mut relationship = Link::new(id, LinkKind::Reseller, *partner, link.to, date);
                if node.ix == at.from.ix {
                    relationship.via = billing.map(|p| p.id);
                }
                relationship
            };
            let (partner_name, customer_name) = (ctx.name(partner), ctx.name(&link.to));
            finding = match gone {
                // Renewed on the purchase's day, after the old one's end: history stays as it is.
                Some(NotInForce::Ended { on, .. }) => finding.fix(
                    format!(
                        "Renew {partner_name}'s reseller relationship with {customer_name} on {} (it ended on {on})",
                        link.date
                    ),
                    Edit::AddLink(relationship(link.date)),
                ),
                // A relationship is never moved back before the day it was made: the purchase
                // moves forward to that day instead, when it is still in force then.
                Some(NotInForce::Later { on, .. }) => {
                    move_to(ctx, link, on, &format!("when {partner_name}'s reseller relationship with {customer_name} was made"), finding)
                }
                None => finding.fix(
                    format!("Add a reseller relationship from {partner_name} to {customer_name}"),
                    Edit::AddLink(relationship(link.date)),
                ),
            };
        }
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::model::Party;
    use crate::rules::check;

    #[test]
    fn selling_to_your_own_organization_is_flagged() {
        let findings = after(
            |s| change_party(s, "c2", |p| p.organization = "db".into()),
            RuleId::SelfSale,
        );
        assert_eq!(subjects(&findings), ["buy2", "r-db"]);
        assert!(findings[0].message.contains("organization db"));
        assert!(after(|_| {}, RuleId::SelfSale).is_empty());
    }

    #[test]
    fn selling_to_an_affiliate_is_flagged_but_not_to_a_stranger() {
        let findings = after(
            |s| {
                change_party(s, "c2", |p| p.affiliate_group = Some("group".into()));
                change_party(s, "db", |p| p.affiliate_group = Some("group".into()));
            },
            RuleId::AffiliateSale,
        );
        assert_eq!(subjects(&findings), ["buy2", "r-db"]);
        let strangers = after(
            |s| change_party(s, "c2", |p| p.affiliate_group = Some("group".into())),
            RuleId::AffiliateSale,
        );
        assert!(strangers.is_empty());
    }

    #[test]
    fn own_use_on_a_partner_tenant_is_flagged_and_moved_to_a_customer_tenant() {
        let mut s = valid_channel();
        change_link(&mut s, "buy2", |l| l.tenant = Some("res".into()));
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::OwnUseOnCspTenant)
            .collect();
        assert_eq!(subjects(&findings), ["buy2"]);
        assert!(findings[0].message.contains("CSP tenant of Res"));
        let fixed = apply_first_fix(s, &findings);
        assert!(check(&fixed).is_empty(), "{:#?}", check(&fixed));
        assert_eq!(fixed.party("c2").unwrap().tenant, "c2-internal");
    }

    #[test]
    fn a_customer_tenant_marked_csp_is_flagged() {
        let findings = after(
            |s| change_party(s, "c2", |p| p.tenant_type = TenantType::Csp),
            RuleId::OwnUseOnCspTenant,
        );
        assert_eq!(subjects(&findings), ["buy2"]);
        assert!(after(|_| {}, RuleId::OwnUseOnCspTenant).is_empty());
    }

    /// Sample scenario 6: Res buys for its own use from Dist, its own provider, in its own tenant.
    fn reseller_buys_from_own_provider(s: &mut crate::model::Scenario) {
        let own = Party::new("res-own", PartyKind::Customer)
            .named("Res (own use)")
            .of_org("res")
            .with_tenant("res", TenantType::Csp)
            .in_country("US")
            .mca(d("2019-01-01"));
        s.add_party(own).unwrap();
        s.add_link(Link::new(
            "r-own",
            LinkKind::Reseller,
            "dist",
            "res-own",
            d("2021-01-01"),
        ))
        .unwrap();
        s.add_link(Link::new(
            "buy-own",
            LinkKind::Purchase,
            "dist",
            "res-own",
            d("2021-03-01"),
        ))
        .unwrap();
    }

    #[test]
    fn a_reseller_buying_from_its_own_provider_is_flagged_with_three_options() {
        let mut s = valid_channel();
        reseller_buys_from_own_provider(&mut s);
        s.add_party(
            Party::new("dist2", PartyKind::IndirectProvider)
                .in_country("US")
                .mpa(d("2019-01-01")),
        )
        .unwrap();
        s.add_link(Link::new(
            "s-dist2",
            LinkKind::Supply,
            "ms",
            "dist2",
            d("2021-01-01"),
        ))
        .unwrap();
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::ResellerCustomerOfOwnProvider)
            .collect();
        assert_eq!(subjects(&findings), ["buy-own", "r-own"]);
        let labels: Vec<_> = findings[0].fixes.iter().map(|f| &f.label[..8]).collect();
        assert_eq!(labels, ["Option 1", "Option 2", "Option 3"]);
        for option in 0..3 {
            let mut fixed = s.clone();
            findings[0].fixes[option]
                .edit
                .clone()
                .apply(&mut fixed)
                .unwrap();
            let still: Vec<_> = check(&fixed)
                .into_iter()
                .filter(|f| {
                    f.rule == RuleId::ResellerCustomerOfOwnProvider
                        && f.subject.link().unwrap().as_str() == "buy-own"
                })
                .collect();
            assert!(still.is_empty(), "option {} leaves {still:#?}", option + 1);
        }
    }

    #[test]
    fn a_reseller_buying_in_a_separate_tenant_is_option_one_and_allowed() {
        let findings = after(
            |s| {
                reseller_buys_from_own_provider(s);
                change_party(s, "res-own", |p| {
                    p.tenant = "res-internal".into();
                    p.tenant_type = TenantType::Customer;
                });
            },
            RuleId::ResellerCustomerOfOwnProvider,
        );
        assert!(findings.is_empty(), "{findings:#?}");
    }

    #[test]
    fn a_purchase_with_no_reseller_relationship_is_flagged_for_seller_and_provider() {
        let mut s = valid_channel();
        s.remove_link(&"r-res".into()).unwrap();
        s.remove_link(&"r-dist".into()).unwrap();
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::NoResellerRelationship)
            .collect();
        assert_eq!(findings.len(), 2);
        assert!(
            findings
                .iter()
                .any(|f| f.message.contains("(the billing provider)"))
        );
        let once = apply_first_fix(s, &findings);
        let rest: Vec<_> = check(&once)
            .into_iter()
            .filter(|f| f.rule == RuleId::NoResellerRelationship)
            .collect();
        assert_eq!(rest.len(), 1);
        assert!(check(&apply_first_fix(once, &rest)).is_empty());
    }

    #[test]
    fn a_reseller_relationship_made_after_the_purchase_does_not_count() {
        let findings = after(
            |s| change_link(s, "r-db", |l| l.date = d("2021-03-01")),
            RuleId::NoResellerRelationship,
        );
        assert_eq!(subjects(&findings), ["buy2"]);
        assert!(after(|_| {}, RuleId::NoResellerRelationship).is_empty());
    }

    /// Regression: a `via` naming the seller itself asks nothing of the seller twice.
    #[test]
    fn a_via_naming_the_seller_reports_each_finding_once() {
        let mut s = valid_channel();
        change_link(&mut s, "buy2", |l| l.via = Some("db".into()));
        change_party(&mut s, "db", |p| p.mpa_signed = None);
        s.remove_link(&"r-db".into()).unwrap();
        let on_buy2: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.subject == Subject::Link("buy2".into()))
            .map(|f| f.rule)
            .collect();
        for rule in [RuleId::MpaMissing, RuleId::NoResellerRelationship] {
            assert_eq!(
                on_buy2.iter().filter(|r| **r == rule).count(),
                1,
                "{rule:?} in {on_buy2:?}"
            );
        }
    }

    /// Regression: with no `via`, a reseller's only provider is the one that bills the sale, so its
    /// reseller relationship with the customer is required too.
    #[test]
    fn a_sale_without_via_checks_the_only_providers_relationship() {
        let mut s = valid_channel();
        change_link(&mut s, "buy1", |l| l.via = None);
        change_link(&mut s, "r-res", |l| l.via = None);
        assert!(check(&s).is_empty(), "{:#?}", check(&s));
        s.remove_link(&"r-dist".into()).unwrap();
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::NoResellerRelationship)
            .collect();
        assert_eq!(subjects(&findings), ["buy1"]);
        assert!(findings[0].message.contains("Dist (the billing provider)"));
        assert!(check(&apply_first_fix(s, &findings)).is_empty());
    }

    /// Ended links: existence is asked of the right day. A reseller relationship ended before a
    /// purchase does not cover it, one ended after it does; an ended partnership leaves the sale
    /// with no chain from then on; an ended link itself gets no finding.
    #[test]
    fn ended_links_are_asked_of_the_right_day() {
        let before = after(
            |s| change_link(s, "r-db", |l| l.ended = Some(d("2021-01-15"))),
            RuleId::NoResellerRelationship,
        );
        assert_eq!(subjects(&before), ["buy2"]);
        let later = after(
            |s| change_link(s, "r-db", |l| l.ended = Some(d("2021-06-01"))),
            RuleId::NoResellerRelationship,
        );
        assert!(
            later.is_empty(),
            "the relationship covered the sale when it was made"
        );
        let mut s = valid_channel();
        change_link(&mut s, "p", |l| l.ended = Some(d("2023-06-01")));
        let rules_on_sale = |s: &crate::model::Scenario| -> Vec<RuleId> {
            check(s)
                .into_iter()
                .filter(|f| f.subject == Subject::Link("buy1".into()))
                .map(|f| f.rule)
                .collect()
        };
        assert!(rules_on_sale(&s).contains(&RuleId::IncompleteChain));
        s.meta.as_of = Some(d("2023-05-31"));
        assert!(
            rules_on_sale(&s).is_empty(),
            "the day before, the chain stands"
        );
        change_party(&mut s, "db", |p| p.mpa_signed = None);
        s.meta.as_of = Some(d("2024-01-01"));
        change_link(&mut s, "buy2", |l| l.ended = Some(d("2022-01-01")));
        assert!(
            check(&s)
                .iter()
                .all(|f| f.subject != Subject::Link("buy2".into())),
            "an ended purchase gets no finding"
        );
    }

    // ---- Issue 22: identity, scenario 6 on a pending partnership, a stray `via` ----

    /// Regression: tenants were compared as typed, so a reseller's tenant in upper case and a
    /// purchase provisioned to it in lower case were two tenants, and own use went unnoticed.
    #[test]
    fn a_partner_tenant_in_another_case_is_still_a_csp_tenant() {
        let findings = after(
            |s| {
                change_party(s, "res", |p| {
                    p.tenant = "0A1B2C3D-0000-4000-8000-0000000000AA".into()
                });
                change_link(s, "buy2", |l| {
                    l.tenant = Some(" {0a1b2c3d-0000-4000-8000-0000000000aa}".into())
                });
            },
            RuleId::OwnUseOnCspTenant,
        );
        assert_eq!(subjects(&findings), ["buy2"]);
    }

    /// Regression: "Contoso" selling to "contoso " was not a self-sale, nor "Group" and "group"
    /// an affiliate sale.
    #[test]
    fn organizations_and_affiliate_groups_compare_trimmed_and_case_folded() {
        let findings = after(
            |s| {
                change_party(s, "db", |p| p.organization = "Contoso".into());
                change_party(s, "c2", |p| p.organization = "contoso ".into());
            },
            RuleId::SelfSale,
        );
        assert_eq!(subjects(&findings), ["buy2", "r-db"]);
        let affiliates = after(
            |s| {
                change_party(s, "db", |p| {
                    p.affiliate_group = Some("Fabrikam Group".into())
                });
                change_party(s, "c2", |p| {
                    p.affiliate_group = Some("fabrikam  group".into())
                });
            },
            RuleId::AffiliateSale,
        );
        assert_eq!(subjects(&affiliates), ["buy2", "r-db"]);
    }

    /// Regression: a provider whose partnership with the reseller is only pending was taken for the
    /// reseller's own provider (sample scenario 6 fired and said so).
    #[test]
    fn a_pending_partnership_makes_no_own_provider() {
        let findings = after(
            |s| {
                reseller_buys_from_own_provider(s);
                change_link(s, "p", |l| l.status = crate::model::LinkStatus::Pending);
            },
            RuleId::ResellerCustomerOfOwnProvider,
        );
        assert!(findings.is_empty(), "{findings:#?}");
    }

    /// Regression: a `via` on a direct-bill partner's sale was read as its billing provider, which
    /// then "had no reseller relationship".
    #[test]
    fn a_stray_via_on_a_direct_bill_sale_names_no_billing_provider() {
        let mut s = valid_channel();
        change_link(&mut s, "buy2", |l| l.via = Some("dist".into()));
        change_link(&mut s, "r-db", |l| l.via = Some("dist".into()));
        let found = check(&s);
        assert!(found.is_empty(), "{found:#?}");
    }

    // ---- Issue 22: ended links, fixes that keep history, the missing fixes ----

    /// Regression: a relationship that ended before the purchase was "no reseller relationship",
    /// and the fix that re-creates it was withheld as "a link that is already there".
    #[test]
    fn an_ended_relationship_is_named_ended_and_renewed_after_its_end() {
        let mut s = valid_channel();
        change_link(&mut s, "r-db", |l| l.ended = Some(d("2021-01-15")));
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::NoResellerRelationship)
            .collect();
        assert_eq!(subjects(&findings), ["buy2"]);
        assert!(
            findings[0]
                .message
                .contains("DB's reseller relationship with C2 ended on 2021-01-15"),
            "{}",
            findings[0].message
        );
        let proven = crate::rules::fixes::prove(&s, s.as_of(), &findings);
        let labels: Vec<&str> = proven[0]
            .finding
            .fixes
            .iter()
            .map(|f| f.label.as_str())
            .collect();
        assert!(
            labels.iter().any(|l| l.starts_with("Renew")),
            "{labels:?} {:?}",
            proven[0].withheld
        );
        let fixed = apply_first_fix(s, std::slice::from_ref(&proven[0].finding));
        assert!(check(&fixed).is_empty(), "{:#?}", check(&fixed));
        assert_eq!(
            fixed.link("r-db").unwrap().ended,
            Some(d("2021-01-15")),
            "history kept"
        );
    }

    /// Regression: a relationship made after the purchase was "no reseller relationship"; the fix
    /// may not move the relationship's date back: it moves the purchase forward instead.
    #[test]
    fn a_relationship_made_after_the_purchase_is_named_and_the_purchase_moves_forward() {
        let mut s = valid_channel();
        change_link(&mut s, "r-db", |l| l.date = d("2021-03-01"));
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::NoResellerRelationship)
            .collect();
        assert!(
            findings[0]
                .message
                .contains("made on 2021-03-01, after this purchase"),
            "{}",
            findings[0].message
        );
        let fixed = apply_first_fix(s, &findings);
        assert_eq!(fixed.link("r-db").unwrap().date, d("2021-03-01"));
        assert_eq!(fixed.link("buy2").unwrap().date, d("2021-03-01"));
        assert!(check(&fixed).is_empty(), "{:#?}", check(&fixed));
    }

    /// Regression: `self_sale` and `affiliate_sale` had no quick fix although the catalogue names
    /// one: buy from a partner outside the organization, when the channel has one.
    #[test]
    fn a_self_sale_and_an_affiliate_sale_offer_another_partner() {
        for rule in [RuleId::SelfSale, RuleId::AffiliateSale] {
            let mut s = valid_channel();
            if rule == RuleId::SelfSale {
                change_party(&mut s, "c2", |p| p.organization = "db".into());
            } else {
                change_party(&mut s, "c2", |p| p.affiliate_group = Some("g".into()));
                change_party(&mut s, "db", |p| p.affiliate_group = Some("g".into()));
            }
            s.add_party(
                Party::new("db2", PartyKind::DirectBill)
                    .named("DB Two")
                    .in_country("US")
                    .mpa(d("2019-01-01")),
            )
            .unwrap();
            s.add_link(Link::new(
                "s-db2",
                LinkKind::Supply,
                "ms",
                "db2",
                d("2021-01-01"),
            ))
            .unwrap();
            let findings: Vec<_> = check(&s)
                .into_iter()
                .filter(|f| f.rule == rule && f.subject == Subject::Link("buy2".into()))
                .collect();
            let proven = crate::rules::fixes::prove(&s, s.as_of(), &findings);
            let fix = proven[0]
                .finding
                .fixes
                .first()
                .unwrap_or_else(|| panic!("{rule}: {:#?}", proven[0].withheld));
            assert!(fix.label.contains("DB Two"), "{}", fix.label);
            let mut fixed = s.clone();
            fix.edit.clone().apply(&mut fixed).unwrap();
            assert_eq!(fixed.link("buy2").unwrap().from.as_str(), "db2");
            assert!(
                check(&fixed)
                    .iter()
                    .all(|f| f.rule != rule || f.subject != Subject::Link("buy2".into()))
            );
        }
    }
}
