//! What-if modelling on the seed scenarios: the diff between a broken sample and its fixes, the ask
//! answers, and the re-check as of dates around the MPA deadline (2020-02-01).

#[path = "support/proptest_cases.rs"]
mod proptest_cases;

use csp_explorer::model::{Date, Link, LinkKind, Party, PartyKind, Scenario};
use csp_explorer::rules::{RuleId, check_as_of};
use csp_explorer::scenarios::builtin;
use csp_explorer::whatif::{ChangeKind, Question, ask, diff};

fn load(slug: &str) -> Scenario {
    builtin(slug).unwrap().load().unwrap()
}

fn d(s: &str) -> Date {
    Date::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn rules(findings: &[csp_explorer::rules::Finding]) -> Vec<RuleId> {
    let mut r: Vec<RuleId> = findings.iter().map(|f| f.rule).collect();
    r.dedup();
    r
}

#[test]
fn sample_6_option_1_is_one_tenant_change_that_resolves_every_violation() {
    let d = diff(&load("sample-6-forbidden"), &load("sample-6-option-1"));
    assert!(d.links.is_empty(), "{:?}", d.links);
    assert_eq!(d.parties.len(), 1);
    let ChangeKind::Changed(fields) = &d.parties[0].kind else {
        panic!("{:?}", d.parties)
    };
    let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(names, ["tenant", "tenant_type"]);
    assert_eq!(
        (fields[0].before.as_str(), fields[0].after.as_str()),
        ("contoso", "contoso-internal")
    );
    assert_eq!(d.resolved.len(), 4, "{:?}", d.resolved);
    assert!(d.introduced.is_empty());
    assert_eq!(
        rules(&d.resolved),
        [
            RuleId::OwnUseOnCspTenant,
            RuleId::ResellerCustomerOfOwnProvider
        ]
    );
}

#[test]
fn sample_6_option_2_moves_the_reseller_to_another_provider() {
    let d = diff(&load("sample-6-forbidden"), &load("sample-6-option-2"));
    let added: Vec<&str> = d
        .links
        .iter()
        .filter(|c| c.kind == ChangeKind::Added)
        .map(|c| c.id.as_str())
        .collect();
    let removed: Vec<&str> = d
        .links
        .iter()
        .filter(|c| c.kind == ChangeKind::Removed)
        .map(|c| c.id.as_str())
        .collect();
    assert!(added.contains(&"partnership-wingtip-contoso"), "{added:?}");
    assert!(
        removed.contains(&"partnership-adatum-contoso"),
        "{removed:?}"
    );
    assert!(d.introduced.is_empty(), "{:?}", d.introduced);
    assert!(!d.resolved.is_empty());
}

#[test]
fn breaking_a_valid_channel_shows_introduced_findings() {
    let d = diff(&load("sample-7-allowed"), &load("sample-7-forbidden"));
    assert!(rules(&d.introduced).contains(&RuleId::CrossRegionSale));
    assert!(d.resolved.is_empty());
    assert!(
        d.parties
            .iter()
            .any(|c| c.kind == ChangeKind::Added && c.id == "tailspin-jp")
    );
    assert!(
        d.parties
            .iter()
            .any(|c| c.kind == ChangeKind::Removed && c.id == "northwind-fr")
    );
}

fn q(seller: &str, customer: &str, offer: &str) -> Question {
    Question {
        seller: seller.into(),
        customer: customer.into(),
        offer: offer.into(),
    }
}

#[test]
fn ask_on_the_seed_scenarios() {
    // Sample 1: the two chains both work; Contoso is billed by Adatum.
    let s = load("sample-1");
    let a = ask(&s, &q("contoso", "tailspin", "Azure")).unwrap();
    assert!(a.yes, "{}", a.to_text(&s));
    assert_eq!(a.via.as_ref().map(|v| v.as_str()), Some("adatum"));
    let chain: Vec<&str> = a.chain.iter().map(|p| p.as_str()).collect();
    assert_eq!(chain, ["microsoft", "adatum", "contoso", "tailspin"]);
    assert!(a.needs.is_empty());
    // Sample 2: Contoso may also sell to Fabrikam's customer, once it has reseller relationships.
    let a = ask(&s, &q("contoso", "northwind", "Azure")).unwrap();
    assert!(a.yes);
    assert_eq!(a.needs.len(), 2, "{:?}", a.needs);

    // Sample 1, broken: a reseller supplied by Microsoft has no chain.
    let s = load("sample-1-forbidden");
    let a = ask(&s, &q("contoso", "tailspin", "Azure")).unwrap();
    assert!(!a.yes);
    assert_eq!(rules(&a.blockers), [RuleId::IncompleteChain]);

    // Sample 5: no self sale, no affiliate sale.
    let s = load("sample-5-self-sale");
    let a = ask(&s, &q("fabrikam", "fabrikam-own", "Microsoft 365")).unwrap();
    assert!(!a.yes);
    assert!(rules(&a.blockers).contains(&RuleId::SelfSale));
    let s = load("sample-5-affiliate-sale");
    let a = ask(&s, &q("fabrikam-uk", "fabrikam-de", "Microsoft 365")).unwrap();
    assert!(rules(&a.blockers).contains(&RuleId::AffiliateSale));

    // Sample 6: Litware, billed by Adatum, may not sell to Contoso in Contoso's CSP tenant.
    let s = load("sample-6-forbidden");
    let a = ask(&s, &q("litware", "contoso-own", "Microsoft 365")).unwrap();
    assert!(!a.yes);
    let r = rules(&a.blockers);
    assert!(r.contains(&RuleId::ResellerCustomerOfOwnProvider), "{r:?}");
    assert!(r.contains(&RuleId::OwnUseOnCspTenant), "{r:?}");
    // Option 1's separate tenant makes the same sale possible.
    let s = load("sample-6-option-1");
    assert!(
        ask(&s, &q("litware", "contoso-own", "Microsoft 365"))
            .unwrap()
            .yes
    );

    // Sample 7: a German reseller cannot sell to a Japanese customer; a French one in Europe can.
    let s = load("sample-7-forbidden");
    let a = ask(&s, &q("contoso-de", "tailspin-jp", "Microsoft 365 E3")).unwrap();
    assert!(!a.yes);
    assert_eq!(rules(&a.blockers), [RuleId::CrossRegionSale]);
    let text = a.to_text(&s);
    assert!(text.contains("No."), "{text}");
    assert!(text.contains("Blocked by cross_region_sale"), "{text}");
    let json = a.to_json();
    assert_eq!(json["answer"], "no");
    assert_eq!(json["blockers"][0]["rule"], "cross_region_sale");
    let s = load("sample-7-allowed");
    assert!(
        ask(&s, &q("contoso-de", "northwind-fr", "Microsoft 365 E3"))
            .unwrap()
            .yes
    );

    // Sample 8: a Brazilian reseller partnered with a US provider cannot transact.
    let s = load("sample-8-forbidden");
    let mut with_customer = s.clone();
    with_customer
        .add_party(
            Party::new("cliente-br", PartyKind::Customer)
                .in_country("BR")
                .mca(d("2020-01-01")),
        )
        .unwrap();
    let a = ask(&with_customer, &q("litware-br", "cliente-br", "Azure")).unwrap();
    assert!(!a.yes);
    assert!(
        rules(&a.blockers).contains(&RuleId::CrossRegionSale),
        "{:?}",
        a.blockers
    );
}

#[test]
fn rules_dated_from_2020_02_01_appear_and_disappear_with_the_as_of_date() {
    // A reseller that never signed the MPA, with a partnership made on the deadline day.
    let mut s = load("partner-types-indirect-reseller");
    let mut contoso = s.party("contoso").unwrap().clone();
    contoso.mpa_signed = None;
    s.replace_party(contoso).unwrap();
    let mut partnership = s.link("partnership-adatum-contoso").unwrap().clone();
    partnership.date = d("2020-02-01");
    s.replace_link(partnership).unwrap();
    let mut early = Link::new(
        "partnership-early",
        LinkKind::Partnership,
        "adatum",
        "contoso",
        d("2020-01-31"),
    );
    early.status = csp_explorer::model::LinkStatus::Accepted;
    s.add_link(early).unwrap();

    let mpa_on = |as_of: &str| -> Vec<String> {
        check_as_of(&s, d(as_of))
            .into_iter()
            .filter(|f| f.rule == RuleId::MpaMissing)
            .filter_map(|f| f.subject.link().map(|l| l.to_string()))
            .collect()
    };
    // The day before: the deadline link does not exist yet, and the earlier one predates the rule.
    assert!(mpa_on("2020-01-31").is_empty());
    // On the day: the deadline link exists and needs the MPA; the earlier one still does not.
    let on_the_day = mpa_on("2020-02-01");
    assert!(
        on_the_day.contains(&"partnership-adatum-contoso".to_owned()),
        "{on_the_day:?}"
    );
    assert!(!on_the_day.contains(&"partnership-early".to_owned()));
    // Later links join in as the date moves on.
    let later = mpa_on("2020-04-30");
    assert!(
        later.contains(&"purchase-tailspin-azure".to_owned()),
        "{later:?}"
    );
    assert!(later.len() > on_the_day.len());
}

/// The what-if operations on random channels: undone they give the channel back, their links end
/// and begin on their date, a refusal changes nothing, a plan of them replays to the same result,
/// and the preview agrees with a full check.
mod operations {
    use csp_explorer::generate::{GenerateOptions, generate};
    use csp_explorer::model::{AdminType, Date, LinkKind, PartyId, PartyKind, Scenario};
    use csp_explorer::rules::{Checker, Finding, RuleId, Subject};
    use csp_explorer::whatif::operation::{Customers, Operation, Resellers};
    use csp_explorer::whatif::{Plan, diff, preview};
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    /// A generated channel with some admin links made DAP (the generator makes GDAP only).
    fn channel(seed: u64, size: usize, break_rate: f64) -> Scenario {
        let mut s = generate(&GenerateOptions {
            providers: 3 + size % 4,
            resellers: 3 + size % 9,
            direct_bill: 1 + size % 3,
            customers: 10 + size,
            seed,
            break_rate,
        })
        .expect("generates");
        let dap: Vec<_> = s
            .links()
            .filter(|l| l.kind == LinkKind::Admin)
            .step_by(3)
            .cloned()
            .collect();
        for mut l in dap {
            l.admin_type = AdminType::Dap;
            s.replace_link(l).expect("a valid link");
        }
        s
    }

    const DAYS: [&str; 5] = [
        "2021-03-01",
        "2023-06-30",
        "2025-06-01",
        "2025-07-01",
        "2026-01-15",
    ];

    fn pick(s: &Scenario, kinds: &[PartyKind], n: usize) -> PartyId {
        let all: Vec<&PartyId> = s
            .parties()
            .filter(|p| kinds.contains(&p.kind))
            .map(|p| &p.id)
            .collect();
        if all.is_empty() {
            return "nobody".into();
        }
        *all[n % all.len()]
    }

    /// A random operation on `s`, sometimes one that cannot apply (a party of the wrong kind).
    fn operation(s: &Scenario, code: u8, a: usize, b: usize, c: usize) -> Operation {
        let on: Date = DAYS[c % DAYS.len()].parse().expect("a date");
        let sellers = [PartyKind::IndirectReseller, PartyKind::DirectBill];
        let wrong = a.is_multiple_of(11);
        let kind = |k: PartyKind| if wrong { PartyKind::Customer } else { k };
        match code % 5 {
            0 => {
                let from = pick(s, &sellers, a);
                let customers = if b.is_multiple_of(3) {
                    Customers::All
                } else {
                    let mut mine: Vec<PartyId> = s
                        .links_from(from.as_str())
                        .filter(|l| l.kind == LinkKind::Purchase)
                        .map(|l| l.to)
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect();
                    mine.truncate(1 + b % 4);
                    Customers::Only(mine)
                };
                // Mostly a seller in the same country, sometimes any.
                let country = s.party(from.as_str()).and_then(|p| p.country);
                let near: Vec<PartyId> = s
                    .parties()
                    .filter(|p| sellers.contains(&p.kind) && p.country == country && p.id != from)
                    .map(|p| p.id)
                    .collect();
                let to = match near.as_slice() {
                    [] => pick(s, &sellers, b),
                    _ if b.is_multiple_of(5) => pick(s, &sellers, b),
                    near => near[b % near.len()],
                };
                Operation::MoveCustomers {
                    from,
                    to,
                    customers,
                    admin: c.is_multiple_of(2),
                    on,
                }
            }
            1 => {
                let reseller = pick(s, &[kind(PartyKind::IndirectReseller)], a);
                // Mostly a provider it has, sometimes any.
                let mine: Vec<PartyId> = s
                    .links_to(reseller.as_str())
                    .filter(|l| l.kind == LinkKind::Partnership)
                    .map(|l| l.from)
                    .collect();
                let from = match mine.as_slice() {
                    [] => pick(s, &[PartyKind::IndirectProvider], b),
                    _ if b.is_multiple_of(5) => pick(s, &[PartyKind::IndirectProvider], b),
                    mine => mine[b % mine.len()],
                };
                Operation::ChangeProvider {
                    reseller,
                    from,
                    to: pick(
                        s,
                        &[PartyKind::IndirectProvider],
                        b.wrapping_add(1).wrapping_add(c),
                    ),
                    on,
                }
            }
            2 => {
                let provider = pick(s, &[kind(PartyKind::IndirectProvider)], a);
                let resellers = match b % 3 {
                    0 => Resellers::Country(["US", "DE", "JP", "BR"][c % 4].to_owned()),
                    1 => Resellers::Region(["EUROPE", "UNITED_STATES", "Japan"][c % 3].to_owned()),
                    _ => Resellers::Only(vec![pick(s, &[PartyKind::IndirectReseller], b)]),
                };
                Operation::EndPartnerships {
                    provider,
                    resellers,
                    on,
                }
            }
            3 => Operation::GoIndirect {
                partner: pick(s, &[kind(PartyKind::DirectBill)], a),
                provider: pick(s, &[PartyKind::IndirectProvider], b),
                new_tenant: c.is_multiple_of(2),
                move_purchases: b.is_multiple_of(2),
                on,
            },
            _ => {
                // Mostly a partner with DAP links, sometimes any.
                let with_dap: Vec<PartyId> = s
                    .links()
                    .filter(|l| l.kind == LinkKind::Admin && l.admin_type == AdminType::Dap)
                    .map(|l| l.from)
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let partner = match with_dap.as_slice() {
                    [] => pick(s, &sellers, a),
                    _ if a.is_multiple_of(5) => pick(s, &sellers, a),
                    some => some[a % some.len()],
                };
                Operation::DapToGdap {
                    partner,
                    roles: vec!["Helpdesk Administrator".to_owned()],
                    days: [90, 730, 365, 0, 731][b % 5],
                    on,
                }
            }
        }
    }

    fn key(f: &Finding) -> (RuleId, Subject, String) {
        (f.rule, f.subject.clone(), f.message.clone())
    }

    proptest! {
        #![proptest_config(crate::proptest_cases::config(48))]

        #[test]
        fn an_operation_undone_gives_the_channel_back_and_its_links_end_and_begin_on_its_date(
            seed in 0u64..1_000,
            size in 0usize..40,
            steps in prop::collection::vec((0u8..5, 0usize..100_000, 0usize..100_000, 0usize..100_000), 1..4),
        ) {
            let base = channel(seed, size, 0.1);
            let mut s = base.clone();
            let mut undo = Vec::new();
            let mut done = Vec::new();
            for (code, a, b, c) in steps {
                let op = operation(&s, code, a, b, c);
                let before = s.clone();
                match op.prepare(&s) {
                    Err(refusal) => {
                        prop_assert!(!refusal.reasons.is_empty());
                        let mut tried = s.clone();
                        prop_assert!(op.apply(&mut tried).is_err());
                        prop_assert_eq!(&tried, &before, "a refusal changes nothing");
                    }
                    Ok(prepared) => {
                        let on = op.on();
                        undo.push(prepared.edit().apply(&mut s).expect("a prepared edit applies"));
                        done.push(op.clone());
                        for id in &prepared.ended {
                            let l = s.link(id.as_str()).expect("an ended link stays");
                            prop_assert_eq!(l.ended, Some(on), "{} ends on the day", id);
                            prop_assert!(before.link(id.as_str()).is_some_and(|was| was.exists_at(on)));
                        }
                        for id in &prepared.removed {
                            prop_assert!(s.link(id.as_str()).is_none());
                            prop_assert!(before.link(id.as_str()).is_some_and(|was| was.date == on));
                        }
                        for id in &prepared.made {
                            let l = s.link(id.as_str()).expect("a made link exists");
                            prop_assert_eq!(l.date, on, "{} begins on the day", id);
                            prop_assert!(before.link(id.as_str()).is_none());
                        }
                        prop_assert!(s.as_of() >= on, "checked as of the day or later");
                    }
                }
            }
            // The operations as a plan file, replayed on the channel they came from.
            let text = Plan::new("random", done).to_ron().expect("writes");
            let plan = Plan::parse(&text, "plan.ron").expect("reads back");
            let mut replayed = base.clone();
            plan.apply(&mut replayed, false).expect("the plan applies to its source");
            prop_assert_eq!(&replayed, &s, "a plan replayed equals the what-if");
            // Undone in reverse, the channel is what it was.
            for inverse in undo.into_iter().rev() {
                inverse.apply(&mut s).expect("an inverse applies");
            }
            prop_assert_eq!(&s, &base);
        }

        #[test]
        fn the_preview_agrees_with_a_full_check_as_of_the_day(
            seed in 0u64..1_000,
            size in 0usize..40,
            code in 0u8..5,
            a in 0usize..100_000,
            b in 0usize..100_000,
            c in 0usize..100_000,
        ) {
            let mut s = channel(seed, size, 0.2);
            let op = operation(&s, code, a, b, c);
            let before = s.clone();
            let checker = Checker::new(&s);
            let Ok(p) = preview(&mut s, &checker, &op) else {
                prop_assert_eq!(&s, &before);
                return Ok(());
            };
            prop_assert_eq!(&s, &before, "the preview takes the operation back");
            let mut after = before.clone();
            op.apply(&mut after).expect("a previewed operation applies");
            // The diff of the result checks both sides fully and matches findings as the preview
            // does (one that moves with a sale is neither introduced nor resolved).
            let full = diff(&before, &after);
            prop_assert_eq!(full.as_of, p.as_of);
            let keys = |found: &[Finding]| found.iter().map(key).collect::<Vec<_>>();
            prop_assert_eq!(keys(&p.introduced), keys(&full.introduced));
            prop_assert_eq!(keys(&p.resolved), keys(&full.resolved));
        }
    }
}
