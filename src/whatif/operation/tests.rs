//! The operations on a small channel: what each ends and makes, on its date, and what it refuses.

use super::*;
use crate::model::{AdminType, Link, LinkKind, Party, PartyKind, Scenario};
use crate::rules::{Checker, Finding, RuleId};

pub(crate) fn d(s: &str) -> Date {
    s.parse().expect("a test date")
}

/// Microsoft; providers Adatum and Litware (US) and Sakura (JP); resellers Contoso (Adatum),
/// Fabrikam (Litware) and Northwind (Adatum), all US; direct-bill Wingtip (US); customers
/// Tailspin, Woodgrove and Coho of Contoso via Adatum, Alpine of Wingtip, and Kyoto (JP).
/// Checked as of 2025-01-01.
pub(crate) fn channel() -> Scenario {
    let mut s = Scenario::new("operations");
    s.meta.as_of = Some(d("2025-01-01"));
    let mpa = d("2019-10-01");
    let mut add = |p: Party| {
        s.add_party(p).expect("a valid party");
    };
    add(Party::new("ms", PartyKind::Microsoft).named("Microsoft"));
    for (id, name, country) in [
        ("adatum", "Adatum Distribution", "US"),
        ("litware", "Litware Distribution", "US"),
        ("sakura", "Sakura Distribution", "JP"),
    ] {
        add(Party::new(id, PartyKind::IndirectProvider)
            .named(name)
            .in_country(country)
            .mpa(mpa));
    }
    for (id, name) in [
        ("contoso", "Contoso Reseller"),
        ("fabrikam", "Fabrikam Reseller"),
        ("northwind", "Northwind Reseller"),
    ] {
        add(Party::new(id, PartyKind::IndirectReseller)
            .named(name)
            .in_country("US")
            .mpa(mpa)
            .ready());
    }
    let mut wingtip = Party::new("wingtip", PartyKind::DirectBill)
        .named("Wingtip")
        .in_country("US")
        .mpa(mpa);
    wingtip.partner_id = Some("555".into());
    add(wingtip);
    for (id, name, country) in [
        ("tailspin", "Tailspin Toys", "US"),
        ("woodgrove", "Woodgrove Bank", "US"),
        ("coho", "Coho Winery", "US"),
        ("alpine", "Alpine Ski House", "US"),
        ("kyoto", "Kyoto Foods", "JP"),
    ] {
        add(Party::new(id, PartyKind::Customer)
            .named(name)
            .in_country(country)
            .mca(d("2020-01-01")));
    }
    let start = d("2021-01-01");
    let mut link = |l: Link| {
        s.add_link(l).expect("a valid link");
    };
    for p in ["adatum", "litware", "sakura", "wingtip"] {
        link(Link::new(
            format!("supply-{p}"),
            LinkKind::Supply,
            "ms",
            p,
            d("2020-03-01"),
        ));
    }
    for (p, r) in [
        ("adatum", "contoso"),
        ("litware", "fabrikam"),
        ("adatum", "northwind"),
    ] {
        link(Link::new(
            format!("partnership-{p}-{r}"),
            LinkKind::Partnership,
            p,
            r,
            d("2020-04-01"),
        ));
    }
    for c in ["tailspin", "woodgrove", "coho"] {
        link(Link::new(
            format!("reseller-contoso-{c}"),
            LinkKind::Reseller,
            "contoso",
            c,
            start,
        ));
        link(Link::new(
            format!("reseller-adatum-{c}"),
            LinkKind::Reseller,
            "adatum",
            c,
            start,
        ));
        link(
            Link::new(
                format!("purchase-{c}"),
                LinkKind::Purchase,
                "contoso",
                c,
                start,
            )
            .via("adatum")
            .offer("Azure plan"),
        );
    }
    link(
        Link::new(
            "admin-contoso-tailspin",
            LinkKind::Admin,
            "contoso",
            "tailspin",
            start,
        )
        .gdap(&["Helpdesk Administrator"], 730, true),
    );
    link(Link::new(
        "reseller-wingtip-alpine",
        LinkKind::Reseller,
        "wingtip",
        "alpine",
        start,
    ));
    link(
        Link::new(
            "purchase-alpine",
            LinkKind::Purchase,
            "wingtip",
            "alpine",
            start,
        )
        .offer("Microsoft 365 E3")
        .to_tenant("alpine"),
    );
    let mut dap = Link::new(
        "dap-wingtip-alpine",
        LinkKind::Admin,
        "wingtip",
        "alpine",
        start,
    );
    dap.admin_type = AdminType::Dap;
    link(dap);
    s
}

const ON: &str = "2025-07-01";

fn id(s: &str) -> PartyId {
    s.into()
}

/// Applies `op` to a copy of `s`, checks that undoing gives `s` back, and returns the copy.
fn applied(s: &Scenario, op: &Operation) -> (Scenario, Prepared) {
    let mut after = s.clone();
    let prepared = op.prepare(&after).expect("the operation applies");
    let undo = prepared.edit().apply(&mut after).expect("the edit applies");
    let mut undone = after.clone();
    undo.apply(&mut undone).expect("the undo applies");
    assert_eq!(&undone, s, "undoing {op:?} gives the channel back");
    (after, prepared)
}

fn refused(s: &Scenario, op: &Operation) -> Refusal {
    let mut copy = s.clone();
    let refusal = op.apply(&mut copy).expect_err("the operation is refused");
    assert_eq!(&copy, s, "a refusal changes nothing");
    refusal
}

fn ended_on(s: &Scenario, link: &str) -> Option<Date> {
    s.link(link).expect("the link is still there").ended
}

/// The links of `kind` from `from` to `to` that exist on `day`.
fn existing(s: &Scenario, kind: LinkKind, from: &str, to: &str, day: Date) -> Vec<Link> {
    s.links_to(to)
        .filter(|l| l.kind == kind && l.from.as_str() == from && l.exists_at(day))
        .cloned()
        .collect()
}

fn move_op(from: &str, to: &str, customers: Customers) -> Operation {
    Operation::MoveCustomers {
        from: id(from),
        to: id(to),
        customers,
        admin: true,
        on: d(ON),
    }
}

#[test]
fn moving_customers_ends_the_old_sellers_links_and_makes_the_new_ones_on_the_day() {
    let s = channel();
    let (after, prepared) = applied(&s, &move_op("contoso", "fabrikam", Customers::All));
    let on = d(ON);
    assert_eq!(after.meta.as_of, Some(on), "checked as of the move");
    assert_eq!(
        prepared.customers,
        [id("coho"), id("tailspin"), id("woodgrove")]
    );
    for c in ["tailspin", "woodgrove", "coho"] {
        assert_eq!(ended_on(&after, &format!("reseller-contoso-{c}")), Some(on));
        assert_eq!(ended_on(&after, &format!("purchase-{c}")), Some(on));
        // Nothing else is billed through Adatum: its relationship ends too.
        assert_eq!(ended_on(&after, &format!("reseller-adatum-{c}")), Some(on));
        let bought = existing(&after, LinkKind::Purchase, "fabrikam", c, on);
        assert_eq!(bought.len(), 1, "{c}");
        assert_eq!(bought[0].date, on);
        assert_eq!(
            bought[0].via,
            Some(id("litware")),
            "billed by Fabrikam's provider"
        );
        assert_eq!(bought[0].offer.as_deref(), Some("Azure plan"));
        assert_eq!(
            existing(&after, LinkKind::Reseller, "fabrikam", c, on).len(),
            1
        );
        assert_eq!(
            existing(&after, LinkKind::Reseller, "litware", c, on).len(),
            1
        );
    }
    assert_eq!(ended_on(&after, "admin-contoso-tailspin"), Some(on));
    let admin = existing(&after, LinkKind::Admin, "fabrikam", "tailspin", on);
    assert_eq!(admin[0].roles, ["Helpdesk Administrator"]);
    assert_eq!(admin[0].duration_days, Some(730));
    // The day before, the old chain is whole and the new one does not exist yet.
    let eve = d("2025-06-30");
    assert_eq!(
        existing(&after, LinkKind::Purchase, "contoso", "coho", eve).len(),
        1
    );
    assert!(existing(&after, LinkKind::Purchase, "fabrikam", "coho", eve).is_empty());
    assert_eq!(prepared.ended.len(), 10);
    assert_eq!(prepared.made.len(), 10);
    assert!(
        prepared
            .summary
            .starts_with("Move 3 customers of Contoso Reseller"),
        "{}",
        prepared.summary
    );
}

#[test]
fn a_move_to_a_reseller_of_the_same_provider_keeps_the_customers_provider() {
    let s = channel();
    let only = Customers::Only(vec![id("tailspin")]);
    let mut op = move_op("contoso", "northwind", only);
    if let Operation::MoveCustomers { admin, .. } = &mut op {
        *admin = false;
    }
    let (after, _) = applied(&s, &op);
    let on = d(ON);
    let bought = existing(&after, LinkKind::Purchase, "northwind", "tailspin", on);
    assert_eq!(bought[0].via, Some(id("adatum")));
    assert_eq!(
        ended_on(&after, "reseller-adatum-tailspin"),
        None,
        "Adatum still bills it"
    );
    assert_eq!(
        ended_on(&after, "admin-contoso-tailspin"),
        None,
        "admin access stays when not asked"
    );
    assert_eq!(
        ended_on(&after, "purchase-woodgrove"),
        None,
        "only Tailspin moves"
    );
}

#[test]
fn a_move_is_refused_with_every_reason_and_changes_nothing() {
    let mut s = channel();
    let r = refused(
        &s,
        &move_op(
            "contoso",
            "fabrikam",
            Customers::Only(vec![id("alpine"), id("nobody"), id("litware"), id("kyoto")]),
        ),
    );
    let text = r.to_string();
    assert!(
        text.starts_with("Move customers cannot apply, nothing was changed: "),
        "{text}"
    );
    assert!(text.contains("Alpine Ski House (`alpine`) is not a customer of Contoso Reseller (`contoso`) on 2025-07-01"), "{text}");
    assert!(text.contains("no party has id `nobody`"), "{text}");
    assert!(
        text.contains("is an indirect provider, not a customer"),
        "{text}"
    );
    assert!(
        text.contains("Kyoto Foods (`kyoto`) is in JP (Japan)"),
        "{text}"
    );
    let r = refused(&s, &move_op("contoso", "contoso", Customers::All));
    assert!(
        r.reasons[0].contains("both the seller they leave and the one they go to"),
        "{r}"
    );
    let r = refused(&s, &move_op("adatum", "contoso", Customers::All));
    assert!(
        r.reasons[0].contains("is an indirect provider; the seller they leave must be"),
        "{r}"
    );
    let r = refused(&s, &move_op("northwind", "contoso", Customers::All));
    assert!(
        r.reasons[0].contains("Northwind Reseller (`northwind`) has no customers on 2025-07-01"),
        "{r}"
    );
    // A reseller with no provider could bill nothing.
    let mut ended = s.link("partnership-litware-fabrikam").unwrap().clone();
    ended.ended = Some(d("2024-01-01"));
    s.replace_link(ended).unwrap();
    let r = refused(&s, &move_op("contoso", "fabrikam", Customers::All));
    assert!(
        r.reasons[0].contains("no accepted partnership with an indirect provider on 2025-07-01"),
        "{r}"
    );
}

/// Contoso also sells to Kyoto Foods in Japan: a move of all its customers to a US reseller is
/// refused, one of its US customers (by country or by CSP region) leaves Kyoto where it is.
#[test]
fn a_move_by_country_or_region_takes_only_the_sellers_customers_there() {
    let mut s = channel();
    s.add_link(Link::new(
        "reseller-contoso-kyoto",
        LinkKind::Reseller,
        "contoso",
        "kyoto",
        d("2021-01-01"),
    ))
    .unwrap();
    s.add_link(
        Link::new(
            "purchase-kyoto",
            LinkKind::Purchase,
            "contoso",
            "kyoto",
            d("2021-01-01"),
        )
        .via("adatum")
        .offer("Azure plan"),
    )
    .unwrap();
    let r = refused(&s, &move_op("contoso", "fabrikam", Customers::All));
    assert!(
        r.to_string().contains("Kyoto Foods (`kyoto`) is in JP"),
        "{r}"
    );
    for customers in [
        Customers::Country("us".into()),
        Customers::Region("UNITED_STATES".into()),
        Customers::Region("united states".into()),
    ] {
        let (after, prepared) = applied(&s, &move_op("contoso", "fabrikam", customers.clone()));
        assert_eq!(
            prepared.customers,
            [id("coho"), id("tailspin"), id("woodgrove")],
            "{customers:?}"
        );
        assert_eq!(ended_on(&after, "purchase-kyoto"), None, "{customers:?}");
        assert_eq!(
            ended_on(&after, "purchase-coho"),
            Some(d(ON)),
            "{customers:?}"
        );
    }
    let r = refused(
        &s,
        &move_op("contoso", "fabrikam", Customers::Country("BR".into())),
    );
    assert_eq!(
        r.reasons,
        ["Contoso Reseller (`contoso`) has no customers in BR on 2025-07-01"]
    );
    let r = refused(
        &s,
        &move_op("contoso", "fabrikam", Customers::Region("Atlantis".into())),
    );
    assert!(
        r.reasons[0].starts_with("`Atlantis` is not a CSP region; the regions are AFRICA (Africa)"),
        "{r}"
    );
    // Japan's customer goes to a reseller of Japan's region only.
    let r = refused(
        &s,
        &move_op("contoso", "fabrikam", Customers::Region("Japan".into())),
    );
    assert!(
        r.to_string().contains("Kyoto Foods (`kyoto`) is in JP"),
        "{r}"
    );
}

#[test]
fn a_link_made_on_the_day_itself_is_removed_rather_than_ended() {
    let mut s = channel();
    s.add_link(
        Link::new(
            "purchase-coho-late",
            LinkKind::Purchase,
            "contoso",
            "coho",
            d(ON),
        )
        .via("adatum")
        .offer("Teams Essentials"),
    )
    .unwrap();
    let (after, prepared) = applied(&s, &move_op("contoso", "fabrikam", Customers::All));
    assert!(after.link("purchase-coho-late").is_none());
    assert_eq!(prepared.removed, [LinkId::from("purchase-coho-late")]);
    assert!(
        existing(&after, LinkKind::Purchase, "fabrikam", "coho", d(ON))
            .iter()
            .any(|l| l.offer.as_deref() == Some("Teams Essentials"))
    );
}

fn change_provider(to: &str) -> Operation {
    Operation::ChangeProvider {
        reseller: id("contoso"),
        from: id("adatum"),
        to: id(to),
        on: d(ON),
    }
}

#[test]
fn changing_provider_moves_the_partnership_and_the_billing_on_the_day() {
    let s = channel();
    let (after, prepared) = applied(&s, &change_provider("litware"));
    let on = d(ON);
    assert_eq!(ended_on(&after, "partnership-adatum-contoso"), Some(on));
    let new = existing(&after, LinkKind::Partnership, "litware", "contoso", on);
    assert_eq!(new.len(), 1);
    assert_eq!(new[0].status, LinkStatus::Accepted);
    for c in ["tailspin", "woodgrove", "coho"] {
        assert_eq!(ended_on(&after, &format!("purchase-{c}")), Some(on));
        let bought = existing(&after, LinkKind::Purchase, "contoso", c, on);
        assert_eq!(bought[0].via, Some(id("litware")));
        assert_eq!(
            ended_on(&after, &format!("reseller-contoso-{c}")),
            None,
            "the reseller keeps its customer"
        );
        assert_eq!(ended_on(&after, &format!("reseller-adatum-{c}")), Some(on));
        assert_eq!(
            existing(&after, LinkKind::Reseller, "litware", c, on).len(),
            1
        );
    }
    assert_eq!(prepared.customers.len(), 3);
    // After the change the channel has no violation.
    let findings = crate::rules::check(&after);
    assert!(
        findings
            .iter()
            .all(|f| f.severity != crate::rules::Severity::Violation),
        "{findings:?}"
    );
}

#[test]
fn a_provider_in_another_region_is_refused() {
    let s = channel();
    let r = refused(&s, &change_provider("sakura"));
    assert_eq!(r.reasons.len(), 1, "{r}");
    assert!(
        r.reasons[0].starts_with(
            "Sakura Distribution (`sakura`) is in JP (Japan) and Contoso Reseller (`contoso`) in US"
        ),
        "{r}"
    );
    let r = refused(
        &s,
        &Operation::ChangeProvider {
            reseller: id("fabrikam"),
            from: id("adatum"),
            to: id("litware"),
            on: d(ON),
        },
    );
    assert!(
        r.reasons[0]
            .contains("has no partnership with Adatum Distribution (`adatum`) on 2025-07-01"),
        "{r}"
    );
}

#[test]
fn ending_partnerships_changes_nothing_else_so_the_check_shows_what_is_left_behind() {
    let s = channel();
    for resellers in [
        Resellers::Only(vec![id("contoso"), id("northwind")]),
        Resellers::Country("us".into()),
        Resellers::Region("united states".into()),
    ] {
        let op = Operation::EndPartnerships {
            provider: id("adatum"),
            resellers: resellers.clone(),
            on: d(ON),
        };
        let (after, prepared) = applied(&s, &op);
        assert_eq!(
            ended_on(&after, "partnership-adatum-contoso"),
            Some(d(ON)),
            "{resellers:?}"
        );
        assert_eq!(
            ended_on(&after, "partnership-adatum-northwind"),
            Some(d(ON))
        );
        assert_eq!(prepared.ended.len(), 2);
        assert!(prepared.made.is_empty());
        assert_eq!(
            prepared.customers.len(),
            3,
            "the customers Adatum and Contoso share"
        );
        let rules: BTreeSet<RuleId> = crate::rules::check(&after).iter().map(|f| f.rule).collect();
        assert!(rules.contains(&RuleId::IncompleteChain), "{rules:?}");
    }
    let r = refused(
        &s,
        &Operation::EndPartnerships {
            provider: id("adatum"),
            resellers: Resellers::Only(vec![id("fabrikam")]),
            on: d(ON),
        },
    );
    assert!(
        r.reasons[0].contains("Fabrikam Reseller (`fabrikam`) has no partnership with Adatum"),
        "{r}"
    );
    let r = refused(
        &s,
        &Operation::EndPartnerships {
            provider: id("adatum"),
            resellers: Resellers::Region("Atlantis".into()),
            on: d(ON),
        },
    );
    assert!(
        r.reasons[0].contains("`Atlantis` is not a CSP region"),
        "{r}"
    );
    let r = refused(
        &s,
        &Operation::EndPartnerships {
            provider: id("adatum"),
            resellers: Resellers::Country("BR".into()),
            on: d(ON),
        },
    );
    assert!(
        r.reasons[0].contains("no partnership on 2025-07-01 with a reseller in BR"),
        "{r}"
    );
}

fn go_indirect(new_tenant: bool, move_purchases: bool) -> Operation {
    Operation::GoIndirect {
        partner: id("wingtip"),
        provider: id("litware"),
        new_tenant,
        move_purchases,
        on: d(ON),
    }
}

#[test]
fn a_direct_bill_partner_goes_indirect_on_its_own_tenant_or_a_new_one() {
    let s = channel();
    let on = d(ON);
    let (after, prepared) = applied(&s, &go_indirect(false, false));
    assert_eq!(after.party("wingtip").unwrap().restricted_since, Some(on));
    assert_eq!(prepared.parties_made, [id("wingtip-indirect")]);
    let r = after.party("wingtip-indirect").unwrap();
    assert_eq!(r.kind, PartyKind::IndirectReseller);
    assert_eq!(
        (r.tenant.as_str(), r.partner_id.as_deref()),
        ("wingtip", Some("555"))
    );
    assert!(r.onboarded && r.enrolled);
    assert_eq!(
        existing(
            &after,
            LinkKind::Partnership,
            "litware",
            "wingtip-indirect",
            on
        )
        .len(),
        1
    );
    let rel = existing(&after, LinkKind::Reseller, "wingtip-indirect", "alpine", on);
    assert_eq!(rel[0].via, Some(id("litware")));
    assert_eq!(
        existing(&after, LinkKind::Reseller, "litware", "alpine", on).len(),
        1
    );
    assert_eq!(
        ended_on(&after, "purchase-alpine"),
        None,
        "purchases stay unless moved"
    );
    assert_eq!(ended_on(&after, "reseller-wingtip-alpine"), None);

    let (after, _) = applied(&s, &go_indirect(true, true));
    let r = after.party("wingtip-indirect").unwrap();
    assert_eq!(
        (r.tenant.as_str(), r.partner_id.as_deref()),
        ("wingtip-indirect", None)
    );
    assert_eq!(ended_on(&after, "purchase-alpine"), Some(on));
    let bought = existing(&after, LinkKind::Purchase, "wingtip-indirect", "alpine", on);
    assert_eq!(bought[0].via, Some(id("litware")));
    assert_eq!(bought[0].tenant.as_deref(), Some("alpine"), "same tenant");
    let violations: Vec<_> = crate::rules::check(&after)
        .into_iter()
        .filter(|f| f.severity == crate::rules::Severity::Violation)
        .collect();
    assert!(violations.is_empty(), "{violations:?}");
    // Done twice, it would enrol a second reseller: the second time is refused.
    let r = refused(&after, &go_indirect(false, false));
    assert!(
        r.reasons[0].contains("already goes on as indirect reseller Wingtip"),
        "{r}"
    );
    assert!(r.reasons[0].contains("(`wingtip-indirect`) of"), "{r}");

    let r = refused(
        &s,
        &Operation::GoIndirect {
            partner: id("wingtip"),
            provider: id("sakura"),
            new_tenant: false,
            move_purchases: false,
            on,
        },
    );
    assert!(
        r.reasons[0].contains("Sakura Distribution (`sakura`) is in JP"),
        "{r}"
    );
    let r = refused(
        &s,
        &Operation::GoIndirect {
            partner: id("contoso"),
            provider: id("litware"),
            new_tenant: false,
            move_purchases: false,
            on,
        },
    );
    assert!(
        r.reasons[0].contains(
            "is an indirect reseller; the partner going indirect must be a direct-bill partner"
        ),
        "{r}"
    );
}

#[test]
fn dap_links_become_gdap_with_the_chosen_roles() {
    let s = channel();
    let on = d(ON);
    let op = Operation::DapToGdap {
        partner: id("wingtip"),
        roles: vec![
            "Helpdesk Administrator".into(),
            " License Administrator ".into(),
        ],
        days: 365,
        on,
    };
    let (after, prepared) = applied(&s, &op);
    assert_eq!(ended_on(&after, "dap-wingtip-alpine"), Some(on));
    let gdap = existing(&after, LinkKind::Admin, "wingtip", "alpine", on);
    assert_eq!(gdap.len(), 1);
    assert_eq!(gdap[0].admin_type, AdminType::Gdap);
    assert_eq!(
        gdap[0].roles,
        ["Helpdesk Administrator", "License Administrator"]
    );
    assert_eq!(gdap[0].duration_days, Some(365));
    assert_eq!(prepared.customers, [id("alpine")]);
    let r = refused(
        &s,
        &Operation::DapToGdap {
            partner: id("contoso"),
            roles: vec![],
            days: 0,
            on,
        },
    );
    assert_eq!(r.reasons.len(), 2, "{r}");
    assert!(r.reasons[1].contains("1 to 730 days, not 0"), "{r}");
    let r = refused(
        &s,
        &Operation::DapToGdap {
            partner: id("contoso"),
            roles: vec!["Helpdesk Administrator".into()],
            days: 30,
            on,
        },
    );
    assert!(
        r.reasons[0].contains("has no DAP admin relationship on 2025-07-01"),
        "{r}"
    );
}

#[test]
fn the_preview_names_what_an_operation_would_break_and_leaves_the_channel_as_it_was() {
    let mut s = channel();
    let mut fabrikam = s.party("fabrikam").unwrap().clone();
    fabrikam.enrolled = false;
    s.replace_party(fabrikam).unwrap();
    let before = s.clone();
    let checker = Checker::new(&s);
    let p = preview(
        &mut s,
        &checker,
        &move_op("contoso", "fabrikam", Customers::All),
    )
    .expect("a preview");
    assert_eq!(s, before, "the preview takes the operation back");
    assert_eq!(p.as_of, d(ON));
    let introduced: BTreeSet<RuleId> = p.introduced.iter().map(|f| f.rule).collect();
    assert_eq!(
        introduced,
        BTreeSet::from([RuleId::ResellerNotReady]),
        "{:?}",
        p.introduced
    );
    assert_eq!(p.introduced.len(), 3, "one a purchase");
    // The preview agrees with a full check of the result, as of the day.
    let mut after = before.clone();
    op_apply(&mut after, &move_op("contoso", "fabrikam", Customers::All));
    let full = crate::whatif::diff(&before, &after);
    let key = |f: &Finding| (f.rule, f.subject.clone(), f.message.clone());
    let keys = |found: &[Finding]| found.iter().map(key).collect::<BTreeSet<_>>();
    assert_eq!(keys(&full.introduced), keys(&p.introduced));
    assert_eq!(keys(&full.resolved), keys(&p.resolved));
}

/// Coho never accepted the MCA: its purchase from Contoso breaks the rule, and so does the one
/// from Northwind that replaces it. The customer's problem moved with the sale; it was neither
/// brought nor taken away, in the preview and in the diff of the result.
#[test]
fn a_finding_that_moves_with_a_sale_is_neither_introduced_nor_resolved() {
    let mut s = channel();
    let mut coho = s.party("coho").unwrap().clone();
    coho.mca_accepted = None;
    s.replace_party(coho).unwrap();
    let op = move_op("contoso", "northwind", Customers::All);
    let before = s.clone();
    let checker = Checker::new(&s);
    let p = preview(&mut s, &checker, &op).expect("a preview");
    let rules = |found: &[Finding]| found.iter().map(|f| f.rule).collect::<Vec<_>>();
    assert!(
        !rules(&p.introduced).contains(&RuleId::McaMissing),
        "{:?}",
        p.introduced
    );
    assert!(
        !rules(&p.resolved).contains(&RuleId::McaMissing),
        "{:?}",
        p.resolved
    );
    let mut after = before.clone();
    op_apply(&mut after, &op);
    assert!(
        crate::rules::check(&after)
            .iter()
            .any(|f| f.rule == RuleId::McaMissing && f.subject.link().is_some()),
        "the new purchase still breaks it"
    );
    let d = crate::whatif::diff(&before, &after);
    assert!(
        !rules(&d.introduced).contains(&RuleId::McaMissing),
        "{:?}",
        d.introduced
    );
    assert!(
        !rules(&d.resolved).contains(&RuleId::McaMissing),
        "{:?}",
        d.resolved
    );
    let grouped = crate::whatif::impact(&d, &before, &after);
    assert!(
        grouped.by_rule.iter().all(|r| r.rule != RuleId::McaMissing),
        "{grouped:?}"
    );
    // A rule the new seller breaks where the old one did not is still introduced.
    let mut northwind = before.party("northwind").unwrap().clone();
    northwind.enrolled = false;
    let mut unready = before.clone();
    unready.replace_party(northwind).unwrap();
    let checker = Checker::new(&unready);
    let p = preview(&mut unready, &checker, &op).expect("a preview");
    assert_eq!(
        rules(&p.introduced),
        [RuleId::ResellerNotReady; 3],
        "{:?}",
        p.introduced
    );
    assert!(p.resolved.is_empty(), "{:?}", p.resolved);
}

fn op_apply(s: &mut Scenario, op: &Operation) {
    op.apply(s).expect("applies");
}

#[test]
fn a_party_is_found_by_its_id_or_its_exact_name() {
    let mut s = channel();
    assert_eq!(resolve_party(&s, "contoso"), Ok(id("contoso")));
    assert_eq!(resolve_party(&s, "Contoso Reseller"), Ok(id("contoso")));
    assert!(
        resolve_party(&s, "contoso reseller")
            .unwrap_err()
            .contains("no party has id or name")
    );
    let mut twin = s.party("fabrikam").unwrap().clone();
    twin.name = "Contoso Reseller".into();
    s.replace_party(twin).unwrap();
    let e = resolve_party(&s, "Contoso Reseller").unwrap_err();
    assert!(
        e.contains("2 parties are named `Contoso Reseller` (contoso, fabrikam)"),
        "{e}"
    );
}

/// A plan replayed twice, or a lesson's *Show me* after the trainee did the operation: the second
/// time finds nothing to do and is refused, rather than doing it again (a second reseller, a
/// second set of links).
#[test]
fn an_operation_done_already_is_refused_the_second_time() {
    let s = channel();
    for op in [
        move_op("contoso", "fabrikam", Customers::All),
        change_provider("litware"),
        Operation::EndPartnerships {
            provider: id("adatum"),
            resellers: Resellers::Only(vec![id("contoso"), id("northwind")]),
            on: d(ON),
        },
        go_indirect(false, true),
        Operation::DapToGdap {
            partner: id("wingtip"),
            roles: vec!["Helpdesk Administrator".into()],
            days: 365,
            on: d(ON),
        },
    ] {
        let (after, _) = applied(&s, &op);
        let r = refused(&after, &op);
        assert!(!r.reasons.is_empty(), "{}: {r}", op.title());
    }
}
