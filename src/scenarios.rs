//! The built-in scenarios: the seed document's sample scenarios and partner types, compiled in so
//! that the app, the CLI and the tests open them from any folder. Must not read the disk: each is a
//! save file compiled in and parsed by the ordinary reader (`synthetic` builds bench channels in code).
//!
//! Each is an ordinary save file under `assets/scenarios/`; users can open, change and save a copy.

use crate::io::{LoadError, scenario_from_ron};
use crate::model::Scenario;

/// One built-in scenario.
#[derive(Debug)]
pub struct Builtin {
    /// Short stable name used on the command line (`--scenario sample-1`).
    pub slug: &'static str,
    /// The file it comes from, for error messages.
    pub file: &'static str,
    /// The save-file text.
    pub text: &'static str,
}

impl Builtin {
    /// Parses the scenario.
    pub fn load(&self) -> Result<Scenario, LoadError> {
        scenario_from_ron(self.text, self.file)
    }
}

macro_rules! builtin {
    ($slug:literal, $file:literal) => {
        Builtin {
            slug: $slug,
            file: concat!("assets/scenarios/", $file),
            text: include_str!(concat!("../assets/scenarios/", $file)),
        }
    };
}

/// Every built-in scenario, in teaching order.
pub static BUILTIN: &[Builtin] = &[
    builtin!(
        "partner-types-indirect-provider",
        "partner-types-indirect-provider.ron"
    ),
    builtin!(
        "partner-types-indirect-reseller",
        "partner-types-indirect-reseller.ron"
    ),
    builtin!("partner-types-direct-bill", "partner-types-direct-bill.ron"),
    builtin!("sample-1", "sample-1-two-chains.ron"),
    builtin!("sample-1-forbidden", "sample-1-forbidden.ron"),
    builtin!("sample-2-multi-partner", "sample-2-multi-partner.ron"),
    builtin!("sample-3-multi-channel", "sample-3-multi-channel.ron"),
    builtin!("sample-4-allowed", "sample-4-allowed.ron"),
    builtin!("sample-4-forbidden", "sample-4-forbidden.ron"),
    builtin!("sample-5-self-sale", "sample-5-self-sale.ron"),
    builtin!("sample-5-affiliate-sale", "sample-5-affiliate-sale.ron"),
    builtin!("sample-6-forbidden", "sample-6-forbidden.ron"),
    builtin!("sample-6-option-1", "sample-6-option-1.ron"),
    builtin!("sample-6-option-2", "sample-6-option-2.ron"),
    builtin!("sample-6-option-3", "sample-6-option-3.ron"),
    builtin!("sample-7-allowed", "sample-7-allowed.ron"),
    builtin!("sample-7-forbidden", "sample-7-forbidden.ron"),
    builtin!("sample-8-allowed", "sample-8-allowed.ron"),
    builtin!("sample-8-forbidden", "sample-8-forbidden.ron"),
];

/// The built-in scenario with this slug.
pub fn builtin(slug: &str) -> Option<&'static Builtin> {
    BUILTIN.iter().find(|b| b.slug == slug)
}

/// A generated channel of about `parties` parties in five regions, for benchmarks and stress tests:
/// providers, direct-bill partners, resellers and customers with complete chains, and a sprinkle of
/// deliberate breaks (a missing MCA every 17th customer, an unenrolled reseller every 23rd, a
/// cross-region sale every 31st) so that the engine has findings to keep.
pub fn synthetic(parties: usize) -> Scenario {
    use crate::model::{Date, Link, LinkKind, Party, PartyKind};
    const COUNTRIES: [&str; 5] = ["US", "DE", "JP", "BR", "AU"];
    let date = |y: i32, m: u32| Date::from_ymd_opt(y, m, 1).unwrap_or_default();
    let signed = date(2019, 6);
    let mut s = Scenario::new(format!("Synthetic channel of {parties} parties"));
    s.meta.description =
        "Generated for benchmarks: complete chains with a few deliberate breaks.".into();
    s.meta.as_of = Some(date(2024, 1));
    let n = parties.max(10);
    // Multiples of five, so that `i % count` keeps the region `COUNTRIES[i % 5]` of customer `i`.
    let providers = (n / 200 + 1) * 5;
    let direct = (n / 200 + 1) * 5;
    let resellers = (n / 40 + 1) * 5;
    let customers = n.saturating_sub(1 + providers + direct + resellers).max(1);
    let mut links: Vec<Link> = Vec::new();
    let add = |s: &mut Scenario, p: Party| {
        // Ids are generated unique, so adding cannot fail.
        let _ = s.add_party(p);
    };
    add(
        &mut s,
        Party::new("microsoft", PartyKind::Microsoft).named("Microsoft"),
    );
    for i in 0..providers {
        let id = format!("provider-{i}");
        add(
            &mut s,
            Party::new(id.as_str(), PartyKind::IndirectProvider)
                .in_country(COUNTRIES[i % 5])
                .mpa(signed),
        );
        links.push(Link::new(
            format!("supply-{id}"),
            LinkKind::Supply,
            "microsoft",
            id.as_str(),
            date(2020, 3),
        ));
    }
    for i in 0..direct {
        let id = format!("direct-{i}");
        add(
            &mut s,
            Party::new(id.as_str(), PartyKind::DirectBill)
                .in_country(COUNTRIES[i % 5])
                .mpa(signed),
        );
        links.push(Link::new(
            format!("supply-{id}"),
            LinkKind::Supply,
            "microsoft",
            id.as_str(),
            date(2020, 3),
        ));
    }
    for i in 0..resellers {
        let id = format!("reseller-{i}");
        let mut r = Party::new(id.as_str(), PartyKind::IndirectReseller)
            .in_country(COUNTRIES[i % 5])
            .mpa(signed)
            .ready();
        r.enrolled = i % 23 != 22;
        add(&mut s, r);
        let provider = format!("provider-{}", i % providers);
        links.push(Link::new(
            format!("partnership-{i}"),
            LinkKind::Partnership,
            provider,
            id.as_str(),
            date(2020, 4),
        ));
    }
    for i in 0..customers {
        let id = format!("customer-{i}");
        let mut c = Party::new(id.as_str(), PartyKind::Customer)
            .in_country(COUNTRIES[i % 5])
            .mca(signed);
        if i % 17 == 16 {
            c.mca_accepted = None;
        }
        if i % 31 == 30 {
            c.country = Some(COUNTRIES[(i + 1) % 5].into());
        }
        c.registration_id = registration_id_for(&c, i).map(Into::into);
        add(&mut s, c);
        let (seller, via) = if i % 4 == 0 {
            (format!("direct-{}", i % direct), None)
        } else {
            let r = i % resellers;
            (
                format!("reseller-{r}"),
                Some(format!("provider-{}", r % providers)),
            )
        };
        for partner in std::iter::once(&seller).chain(via.as_ref()) {
            links.push(Link::new(
                format!("reseller-{partner}-{id}"),
                LinkKind::Reseller,
                partner.as_str(),
                id.as_str(),
                date(2020, 5),
            ));
        }
        let mut purchase = Link::new(
            format!("purchase-{id}"),
            LinkKind::Purchase,
            seller.as_str(),
            id.as_str(),
            date(2020, 6),
        )
        .offer("Microsoft 365 E3");
        purchase.via = via.map(Into::into);
        links.push(purchase);
    }
    for link in links {
        let _ = s.add_link(link);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_loads_and_has_a_title_and_explanation() {
        for b in BUILTIN {
            let s = b.load().unwrap_or_else(|e| panic!("{e}"));
            assert!(!s.meta.title.is_empty(), "{}", b.slug);
            assert!(!s.meta.description.is_empty(), "{}", b.slug);
        }
        let slugs: std::collections::HashSet<_> = BUILTIN.iter().map(|b| b.slug).collect();
        assert_eq!(slugs.len(), BUILTIN.len(), "slugs are unique");
    }

    #[test]
    fn sample_one_is_valid() {
        let s = builtin("sample-1")
            .and_then(|b| b.load().ok())
            .expect("sample-1 loads");
        let findings = crate::rules::check(&s);
        assert!(findings.is_empty(), "{findings:#?}");
    }
}

/// A made-up business registration number for a customer in a country where Partner Center asks
/// for one (`registration_id_missing`), so generated channels carry only their planted breaks.
pub(crate) fn registration_id_for(customer: &crate::model::Party, serial: usize) -> Option<String> {
    let country = customer.country.as_deref()?;
    crate::rules::REGISTRATION_ID_COUNTRIES
        .contains(&country)
        .then(|| format!("{country}-{serial:09}"))
}

#[cfg(test)]
mod synthetic_tests {
    use super::*;
    use crate::rules::{RuleId, check};

    #[test]
    fn synthetic_channels_have_the_size_asked_and_only_the_planted_breaks() {
        let s = synthetic(400);
        assert!(
            (390..=410).contains(&s.party_count()),
            "{}",
            s.party_count()
        );
        let mut rules: Vec<RuleId> = check(&s).into_iter().map(|f| f.rule).collect();
        rules.sort();
        rules.dedup();
        assert_eq!(
            rules,
            [
                RuleId::ResellerNotReady,
                RuleId::CrossRegionSale,
                RuleId::McaMissing
            ]
        );
    }
}
