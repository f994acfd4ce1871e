//! Regional authorization: partners sell to, and partner with, their own CSP region only.
//! Owns: `cross_region_sale`, `cross_region_partnership`, `unlisted_market`. Must not: judge a party
//! in no region (that is `unlisted_market`'s alone).

use super::context::{At, Ctx, Node};
use super::reroute::{move_sale, routes};
use super::{Finding, Name, RuleId, Subject};
use crate::edit::Edit;
use crate::model::{LinkKind, Party, PartyKind};

pub(crate) fn check_cross_region(ctx: &Ctx, at: &At, out: &mut Vec<Finding>) {
    match at.link.kind {
        LinkKind::Purchase | LinkKind::Reseller => check_sale(ctx, at, out),
        LinkKind::Partnership => check_partnership(ctx, at, out),
        LinkKind::Supply | LinkKind::Admin => {}
    }
}

/// One finding per sale (purchase or reseller relationship), naming every partner on it that is
/// in another region than the customer: the seller, the billing provider, or both.
fn check_sale(ctx: &Ctx, at: &At, out: &mut Vec<Finding>) {
    let (link, customer) = (at.link, at.to);
    let Some(customer_region) = ctx.region_of(customer) else {
        return;
    };
    let elsewhere: Vec<(Node, &str)> = at
        .sale_partners()
        .filter_map(|p| {
            let region = ctx.region_of(p)?;
            // Regions are the markets table's own, one each: the same region is the same reference.
            (!std::ptr::eq(region, customer_region)).then_some((p, region.name.as_str()))
        })
        .collect();
    let message = match elsewhere.as_slice() {
        [] => return,
        [(seller, region)] => format!(
            "{} is in {} ({region}), but its customer {} is in {} ({}): a partner can only sell to customers of its own CSP region.",
            Name(&seller.id),
            country(seller),
            Name(&customer.id),
            country(&customer),
            customer_region.name
        ),
        many => {
            // "A and B are in DE (Europe)", or "A is in DE (Europe) and B in US (United States)".
            let (first, _) = many[0];
            let together = many.iter().all(|(p, _)| country(p) == country(&first));
            let place = |p: &Node, region: &str| format!("{} ({region})", country(p));
            let who = if together {
                let names: Vec<String> =
                    many.iter().map(|(p, _)| Name(&p.id).to_string()).collect();
                format!(
                    "{} are in {}",
                    names.join(" and "),
                    place(&first, many[0].1)
                )
            } else {
                let each: Vec<String> = many
                    .iter()
                    .enumerate()
                    .map(|(i, (p, region))| {
                        let verb = if i == 0 { " is" } else { "" };
                        format!("{}{verb} in {}", Name(&p.id), place(p, region))
                    })
                    .collect();
                each.join(" and ")
            };
            format!(
                "{who}, but their customer {} is in {} ({}): a partner can only sell to customers of its own CSP region.",
                Name(&customer.id),
                country(&customer),
                customer_region.name
            )
        }
    };
    let mut finding = Finding::new(
        RuleId::CrossRegionSale,
        Subject::Link(link.id),
        ctx.path_of(link),
        message,
    );
    if ctx.fixes {
        // The same kind of seller first; an indirect reseller's sale may also go to a direct-bill
        // partner of the region. A relationship may move to a provider (the indirect model's own).
        let kinds: &[PartyKind] = match (at.from.kind, link.kind) {
            (PartyKind::IndirectReseller, _) => {
                &[PartyKind::IndirectReseller, PartyKind::DirectBill]
            }
            (PartyKind::IndirectProvider, LinkKind::Reseller) => &[PartyKind::IndirectProvider],
            (PartyKind::DirectBill, _) => &[PartyKind::DirectBill],
            _ => &[],
        };
        for route in routes(ctx, Some(customer_region), kinds, None, |_| false, 3) {
            let (label, edit) = move_sale(ctx, link, &route, true);
            finding = finding.fix(label, edit);
        }
        if link.kind == LinkKind::Reseller && link.ended.is_none() && ctx.as_of > link.date {
            let mut ended = link.clone();
            ended.ended = Some(ctx.as_of);
            finding = finding.fix(
                format!("End this reseller relationship on {}", ctx.as_of),
                Edit::UpdateLink(ended),
            );
        }
    }
    out.push(finding);
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
        Subject::Link(link.id),
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
        .filter(|p| p.id != provider.id)
        .take(if ctx.fixes { 3 } else { 0 })
    {
        let mut moved = link.clone();
        moved.from = other.id;
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
        Subject::Party(party.id),
        vec![party.id],
        message,
    ));
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::model::Link;
    use crate::rules::check;

    #[test]
    fn a_sale_across_regions_is_flagged_for_seller_and_provider() {
        let findings = after(
            |s| change_party(s, "c1", |p| p.country = Some("DE".into())),
            RuleId::CrossRegionSale,
        );
        // One finding per link, naming every party of another region (issue 22).
        assert_eq!(subjects(&findings), ["buy1", "r-dist", "r-res"]);
        assert!(
            findings[0].message.starts_with(
                "Res and Dist are in US (United States), but their customer C1 is in DE (Europe)"
            ),
            "{}",
            findings[0].message
        );
        assert!(findings[1].message.contains("is in US (United States)"));
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
        s.add_link(crate::model::Link::new(
            "s-db-de",
            LinkKind::Supply,
            "ms",
            "db-de",
            d("2021-01-01"),
        ))
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

    // ---- Issue 22: one finding per sale, and a re-route ----

    /// A Japanese provider and reseller partnered and supplied: where sample 7's sale can go.
    fn with_a_japanese_chain(s: &mut crate::model::Scenario) {
        s.add_party(
            crate::model::Party::new("dist-jp", PartyKind::IndirectProvider)
                .named("Dist JP")
                .in_country("JP")
                .mpa(d("2019-01-01")),
        )
        .unwrap();
        s.add_party(
            crate::model::Party::new("res-jp", PartyKind::IndirectReseller)
                .named("Res JP")
                .in_country("JP")
                .mpa(d("2019-01-01"))
                .ready(),
        )
        .unwrap();
        for l in [
            Link::new("s-jp", LinkKind::Supply, "ms", "dist-jp", d("2021-01-01")),
            Link::new(
                "p-jp",
                LinkKind::Partnership,
                "dist-jp",
                "res-jp",
                d("2021-01-01"),
            ),
        ] {
            s.add_link(l).unwrap();
        }
    }

    /// Regression: a cross-region indirect sale gave five findings (seller and provider, on the
    /// purchase and on both reseller relationships) and no usable fix.
    #[test]
    fn a_cross_region_sale_is_one_finding_per_link_naming_everyone_and_is_re_routed() {
        let mut s = valid_channel();
        change_party(&mut s, "c1", |p| p.country = Some("JP".into()));
        with_a_japanese_chain(&mut s);
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::CrossRegionSale)
            .collect();
        assert_eq!(subjects(&findings), ["buy1", "r-dist", "r-res"]);
        let on_sale = &findings[0];
        assert!(
            on_sale.message.contains("Res") && on_sale.message.contains("Dist"),
            "{}",
            on_sale.message
        );
        let proven = crate::rules::fixes::prove(&s, s.as_of(), std::slice::from_ref(on_sale));
        let fix = proven[0]
            .finding
            .fixes
            .first()
            .unwrap_or_else(|| panic!("{:#?}", proven[0].withheld));
        assert!(
            fix.label.contains("Res JP") && fix.label.contains("Dist JP"),
            "{}",
            fix.label
        );
        let mut fixed = s.clone();
        fix.edit.clone().apply(&mut fixed).unwrap();
        let left: Vec<_> = check(&fixed)
            .into_iter()
            .filter(|f| f.severity == crate::rules::Severity::Violation)
            .collect();
        assert!(left.is_empty(), "the whole sale moved: {left:#?}");
    }
}
