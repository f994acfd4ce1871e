//! What-if modelling on the seed scenarios: the diff between a broken sample and its fixes, the ask
//! answers, and the re-check as of dates around the MPA deadline (2020-02-01).

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
