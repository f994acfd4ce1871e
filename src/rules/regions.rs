//! Regional authorization: partners sell to, and partner with, their own CSP region only.
//!
//! Rules: `cross_region_sale`, `cross_region_partnership`, `unlisted_market`.

use super::context::{At, Ctx, Node};
use super::{Finding, Name, RuleId, Subject};
use crate::edit::Edit;
use crate::model::{Link, LinkKind, Party, PartyKind};

pub(crate) fn check_cross_region(ctx: &Ctx, at: &At, out: &mut Vec<Finding>) {
    match at.link.kind {
        LinkKind::Purchase | LinkKind::Reseller => check_sale(ctx, at, out),
        LinkKind::Partnership => check_partnership(ctx, at, out),
        LinkKind::Supply | LinkKind::Admin => {}
    }
}

fn check_sale(ctx: &Ctx, at: &At, out: &mut Vec<Finding>) {
    let (link, customer) = (at.link, at.to);
    let Some(customer_region) = ctx.region_of(customer) else {
        return;
    };
    for seller in at.sale_partners() {
        let Some(seller_region) = ctx.region_of(seller) else {
            continue;
        };
        // Regions are the markets table's own, one each: the same region is the same reference.
        if std::ptr::eq(seller_region, customer_region) {
            continue;
        }
        let mut finding = Finding::new(
            RuleId::CrossRegionSale,
            Subject::Link(link.id.clone()),
            ctx.path_of(link),
            format!(
                "{} is in {} ({}), but its customer {} is in {} ({}): a partner can only sell to customers of its own CSP region.",
                Name(&seller.id),
                country(&seller),
                seller_region.name,
                Name(&customer.id),
                country(&customer),
                customer_region.name
            ),
        );
        if ctx.fixes && seller.ix == at.from.ix {
            for other in ctx
                .scenario
                .parties_of_kind_in(seller.kind, Some(customer_region))
                .take(3)
            {
                finding = sell_from(ctx, link, other, finding);
            }
        }
        out.push(finding);
    }
}

/// "Sell from X instead", as one undo step: the sale moves to X and is billed by a provider X can
/// use (its only accepted provider, for a reseller; none for others), never by the old cross-region
/// `via`; X's reseller relationship with the customer is added when a purchase needs it. A reseller
/// with no or several providers gets no such fix: which provider bills it is for a person to decide.
fn sell_from(ctx: &Ctx, link: &Link, other: &Party, finding: Finding) -> Finding {
    let mut moved = link.clone();
    moved.from = other.id.clone();
    moved.via = None;
    if other.kind == PartyKind::IndirectReseller {
        let probe = Link::new(
            "probe",
            link.kind,
            other.id.clone(),
            link.to.clone(),
            link.date,
        );
        match ctx.sure_billing_provider(&probe) {
            Some(provider) => moved.via = Some(provider),
            None => return finding,
        }
    }
    let mut label = format!("Sell from {} ({}) instead", other.name, country(other));
    if let Some(via) = &moved.via {
        label.push_str(&format!(", billed by {}", ctx.name(via)));
    }
    let mut edits = vec![Edit::UpdateLink(moved.clone())];
    if link.kind == LinkKind::Purchase {
        if let Some(mut relationship) = ctx.missing_reseller_relationship(&other.id, link) {
            relationship.via = moved.via.clone();
            edits.push(Edit::AddLink(relationship));
            label.push_str(&format!(
                ", adding its reseller relationship with {}",
                ctx.name(&link.to)
            ));
        }
        // The billing provider needs its own reseller relationship with the customer too.
        if let Some(provider) = &moved.via
            && let Some(relationship) = ctx.missing_reseller_relationship(provider, link)
        {
            edits.push(Edit::AddLink(relationship));
            label.push_str(&format!(
                ", and {}'s reseller relationship with {}",
                ctx.name(provider),
                ctx.name(&link.to)
            ));
        }
    }
    finding.fix(label, Edit::Batch(edits))
}

fn check_partnership(ctx: &Ctx, at: &At, out: &mut Vec<Finding>) {
    let (link, provider, reseller) = (at.link, at.from, at.to);
    let (Some(provider_region), Some(reseller_region)) =
        (ctx.region_of(provider), ctx.region_of(reseller))
    else {
        return;
    };
    if std::ptr::eq(provider_region, reseller_region) {
        return;
    }
    let mut finding = Finding::new(
        RuleId::CrossRegionPartnership,
        Subject::Link(link.id.clone()),
        ctx.path_of(link),
        format!(
            "{} is in {} ({}) and {} in {} ({}): partners can only establish relationships with partners of the same CSP region.",
            Name(&provider.id),
            country(&provider),
            provider_region.name,
            Name(&reseller.id),
            country(&reseller),
            reseller_region.name
        ),
    );
    for other in ctx
        .scenario
        .parties_of_kind_in(PartyKind::IndirectProvider, Some(reseller_region))
        .take(if ctx.fixes { 3 } else { 0 })
    {
        let mut moved = link.clone();
        moved.from = other.id.clone();
        finding = finding.fix(
            format!("Partner with {} ({}) instead", other.name, country(other)),
            Edit::UpdateLink(moved),
        );
    }
    out.push(finding);
}

fn country(p: &Party) -> &str {
    p.country.as_deref().unwrap_or("no country")
}

pub(crate) fn check_market(ctx: &Ctx, node: Node, out: &mut Vec<Finding>) {
    let party = node.party;
    if party.kind == PartyKind::Microsoft || ctx.region_of(node).is_some() {
        return;
    }
    let message = match &party.country {
        None => format!(
            "{} has no country, so its CSP region is unknown.",
            Name(&party.id)
        ),
        Some(c) => {
            let history = crate::model::markets()
                .changes_from_2021
                .get(c.as_str())
                .map(|note| format!(" (2021 table: {note})"))
                .unwrap_or_default();
            format!(
                "{}'s country {} is in no CSP region: the market is not supported by regional authorization{}.",
                Name(&party.id),
                c,
                history
            )
        }
    };
    out.push(Finding::new(
        RuleId::UnlistedMarket,
        Subject::Party(party.id.clone()),
        vec![party.id.clone()],
        message,
    ));
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::rules::check;

    #[test]
    fn a_sale_across_regions_is_flagged_for_seller_and_provider() {
        let findings = after(
            |s| change_party(s, "c1", |p| p.country = Some("DE".into())),
            RuleId::CrossRegionSale,
        );
        assert_eq!(
            subjects(&findings),
            ["buy1", "buy1", "r-dist", "r-res", "r-res"]
        );
        assert!(findings[0].message.contains("is in US (United States)"));
        assert!(findings[0].message.contains("DE (Europe)"));
    }

    #[test]
    fn a_sale_in_the_same_region_is_not_flagged_even_across_countries() {
        let findings = after(
            |s| {
                change_party(s, "db", |p| p.country = Some("DE".into()));
                change_party(s, "c2", |p| p.country = Some("FR".into()));
            },
            RuleId::CrossRegionSale,
        );
        assert!(findings.is_empty());
    }

    #[test]
    fn the_fix_moves_the_sale_to_a_seller_of_the_customer_region() {
        let mut s = valid_channel();
        change_party(&mut s, "c2", |p| p.country = Some("DE".into()));
        s.add_party(
            crate::model::Party::new("db-de", PartyKind::DirectBill)
                .in_country("DE")
                .mpa(d("2019-01-01")),
        )
        .unwrap();
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::CrossRegionSale)
            .collect();
        assert_eq!(subjects(&findings), ["buy2", "r-db"]);
        let fixed = apply_first_fix(s, &findings);
        assert_eq!(fixed.link("buy2").unwrap().from.as_str(), "db-de");
        assert!(
            check(&fixed)
                .iter()
                .all(|f| f.rule != RuleId::CrossRegionSale
                    || f.subject.link().unwrap().as_str() != "buy2")
        );
    }

    #[test]
    fn a_partnership_across_regions_is_flagged() {
        let findings = after(
            |s| change_party(s, "res", |p| p.country = Some("BR".into())),
            RuleId::CrossRegionPartnership,
        );
        assert_eq!(subjects(&findings), ["p"]);
        assert!(findings[0].message.contains("BR (Brazil)"));
        assert!(after(|_| {}, RuleId::CrossRegionPartnership).is_empty());
    }

    #[test]
    fn an_unlisted_or_missing_country_is_a_warning_not_a_region_violation() {
        let mut s = valid_channel();
        change_party(&mut s, "c2", |p| p.country = Some("RU".into()));
        change_party(&mut s, "c1", |p| p.country = None);
        let all = check(&s);
        let unlisted: Vec<_> = all
            .iter()
            .filter(|f| f.rule == RuleId::UnlistedMarket)
            .cloned()
            .collect();
        assert_eq!(subjects(&unlisted), ["c1", "c2"]);
        assert!(unlisted[1].message.contains("2021 table"));
        assert!(all.iter().all(|f| f.rule != RuleId::CrossRegionSale));
        assert!(after(|_| {}, RuleId::UnlistedMarket).is_empty());
    }
}
