//! The seed document's scenarios, built in: each yields exactly the findings its explanation promises.

use csp_explorer::rules::{Severity, Subject, check};
use csp_explorer::scenarios::{BUILTIN, builtin};

/// `(rule, subject)` pairs of a built-in scenario's findings, in the engine's order.
fn findings_of(slug: &str) -> Vec<(String, String)> {
    let scenario = builtin(slug)
        .unwrap_or_else(|| panic!("no built-in scenario {slug}"))
        .load()
        .unwrap_or_else(|e| panic!("{e}"));
    check(&scenario)
        .into_iter()
        .map(|f| {
            let subject = match f.subject {
                Subject::Link(id) => String::from(id),
                Subject::Party(id) => String::from(id),
            };
            (f.rule.key().to_owned(), subject)
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(r, s)| ((*r).to_owned(), (*s).to_owned()))
        .collect()
}

#[test]
fn each_builtin_scenario_yields_exactly_its_findings() {
    let expected: &[(&str, &[(&str, &str)])] = &[
        ("partner-types-indirect-provider", &[]),
        ("partner-types-indirect-reseller", &[]),
        ("partner-types-direct-bill", &[]),
        ("sample-1", &[]),
        (
            "sample-1-forbidden",
            &[
                ("incomplete_chain", "purchase-tailspin-azure"),
                ("reseller_billed_by_microsoft", "supply-contoso"),
            ],
        ),
        ("sample-2-multi-partner", &[("multi_partner", "northwind")]),
        ("sample-3-multi-channel", &[("multi_channel", "northwind")]),
        ("sample-4-allowed", &[]),
        (
            "sample-4-forbidden",
            &[("own_use_on_csp_tenant", "purchase-contoso-own-m365")],
        ),
        (
            "sample-5-self-sale",
            &[
                ("self_sale", "purchase-fabrikam-own-m365"),
                ("self_sale", "reseller-fabrikam-fabrikam-own"),
            ],
        ),
        (
            "sample-5-affiliate-sale",
            &[
                ("affiliate_sale", "purchase-fabrikam-de-m365"),
                ("affiliate_sale", "reseller-fabrikam-uk-fabrikam-de"),
            ],
        ),
        (
            "sample-6-forbidden",
            &[
                ("own_use_on_csp_tenant", "purchase-contoso-own-m365"),
                (
                    "reseller_customer_of_own_provider",
                    "purchase-contoso-own-m365",
                ),
                (
                    "reseller_customer_of_own_provider",
                    "reseller-adatum-contoso-own",
                ),
                (
                    "reseller_customer_of_own_provider",
                    "reseller-litware-contoso-own",
                ),
            ],
        ),
        ("sample-6-option-1", &[]),
        ("sample-6-option-2", &[]),
        ("sample-6-option-3", &[]),
        ("sample-7-allowed", &[]),
        (
            "sample-7-forbidden",
            &[
                // One finding per sale, naming the reseller and its provider (issue 22).
                ("cross_region_sale", "purchase-tailspin-jp-m365"),
                ("cross_region_sale", "reseller-adatum-de-tailspin-jp"),
                ("cross_region_sale", "reseller-contoso-de-tailspin-jp"),
            ],
        ),
        ("sample-8-allowed", &[]),
        (
            "sample-8-forbidden",
            &[("cross_region_partnership", "partnership-adatum-litware-br")],
        ),
    ];
    assert_eq!(
        expected.len(),
        BUILTIN.len(),
        "every built-in scenario is pinned"
    );
    for (slug, findings) in expected {
        assert_eq!(findings_of(slug), pairs(findings), "{slug}");
    }
}

#[test]
fn forbidden_variants_break_a_rule_and_allowed_ones_do_not() {
    for b in BUILTIN {
        let s = b.load().unwrap_or_else(|e| panic!("{e}"));
        let violations = check(&s)
            .into_iter()
            .filter(|f| f.severity == Severity::Violation)
            .count();
        let forbidden = b.slug.ends_with("forbidden")
            || b.slug.contains("self-sale")
            || b.slug.contains("affiliate");
        assert_eq!(
            violations > 0,
            forbidden,
            "{}: violations found: {violations}",
            b.slug
        );
        assert!(
            s.meta.title.starts_with("Sample scenario")
                || s.meta.title.starts_with("Partner types")
        );
        assert!(s.meta.description.len() > 100, "{} explains itself", b.slug);
    }
}

#[test]
fn messages_name_the_parties_involved() {
    let s = builtin("sample-7-forbidden")
        .and_then(|b| b.load().ok())
        .expect("loads");
    for f in check(&s) {
        assert!(f.message.contains("Tailspin Japan"), "{}", f.message);
        assert!(
            f.message.contains("(Japan)") && f.message.contains("(Europe)"),
            "{}",
            f.message
        );
    }
}

#[test]
fn the_quick_fixes_of_scenario_6_resolve_the_provider_conflict() {
    use csp_explorer::rules::RuleId;
    let s = builtin("sample-6-forbidden")
        .and_then(|b| b.load().ok())
        .expect("loads");
    let finding = check(&s)
        .into_iter()
        .find(|f| {
            f.rule == RuleId::ResellerCustomerOfOwnProvider
                && f.subject == Subject::Link("purchase-contoso-own-m365".into())
        })
        .expect("the purchase is flagged");
    assert_eq!(
        finding.fixes.len(),
        3,
        "{:?}",
        finding.fixes.iter().map(|f| &f.label).collect::<Vec<_>>()
    );
    for fix in &finding.fixes {
        let mut fixed = s.clone();
        fix.edit.clone().apply(&mut fixed).expect("fix applies");
        let still = check(&fixed).into_iter().any(|f| {
            f.rule == RuleId::ResellerCustomerOfOwnProvider && f.subject == finding.subject
        });
        assert!(!still, "{} leaves the conflict", fix.label);
    }
}

/// A party is named with its kind set off by commas, not in brackets: "Fabrikam (direct-bill)
/// (direct-bill partner) has no supply link from Microsoft" was the first finding lesson 1's room
/// read. No message of any built-in scenario or lesson start runs two brackets together.
#[test]
fn messages_never_run_two_brackets_together() {
    let starts = BUILTIN.iter().map(|b| b.load().expect("loads")).chain(
        csp_explorer::training::LESSONS
            .iter()
            .map(|l| l.load().expect("loads").start),
    );
    let mut seen = 0;
    for s in starts {
        for f in check(&s) {
            seen += 1;
            assert!(!f.message.contains(") ("), "{}", f.message);
        }
    }
    assert!(seen > 50, "{seen} findings looked at");
}
