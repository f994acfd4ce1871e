//! `csp-explorer generate`: a deterministic channel shaped like a real distributor's, so that anyone
//! can reproduce the benchmark figures and try the app at scale. Must not write files or use
//! randomness it was not given: the same options always give the same channel.
//!
//! The shape follows what partner managers import from Partner Center (the CSV importer's columns):
//! Microsoft supplies indirect providers and direct-bill partners in the biggest markets; every
//! reseller partners with one or two providers of its own CSP region; customers cluster in the
//! markets where the channel is, and a few large resellers serve most of them (a heavy-tailed share,
//! not a star); each indirect sale carries the reseller relationships with both the reseller and the
//! billing provider, one to three purchases, and often a GDAP admin relationship. A small fraction of
//! parties carry a deliberate break (`--break-rate`), so the rules have findings to keep.
//!
//! The random numbers come from SplitMix64, written out here rather than taken from `rand`: the
//! output must stay byte-for-byte the same for a seed across crate upgrades and platforms, which
//! `rand`'s `StdRng` does not promise.

use crate::model::{Date, Link, LinkKind, Party, PartyKind, Scenario, markets};

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct GenerateOptions {
    /// Indirect providers (distributors).
    pub providers: usize,
    /// Indirect resellers.
    pub resellers: usize,
    /// Direct-bill partners.
    pub direct_bill: usize,
    /// Customers.
    pub customers: usize,
    /// The seed: the same options always give the same channel.
    pub seed: u64,
    /// The share of customers and resellers that carry a deliberate rule break (0 to 1).
    pub break_rate: f64,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            providers: 10,
            resellers: 1_000,
            direct_bill: 20,
            customers: 10_000,
            seed: 1,
            break_rate: 0.02,
        }
    }
}

/// Markets and how much of a channel they hold (roughly the share of CSP business by country).
const MARKETS: &[(&str, u32)] = &[
    ("US", 30),
    ("GB", 8),
    ("DE", 8),
    ("JP", 6),
    ("FR", 5),
    ("IN", 5),
    ("AU", 4),
    ("CA", 4),
    ("BR", 4),
    ("IT", 3),
    ("NL", 3),
    ("ES", 2),
    ("MX", 2),
    ("ZA", 2),
    ("AE", 2),
    ("KR", 2),
    ("SG", 2),
    ("SE", 1),
    ("PL", 1),
    ("NZ", 1),
];

const NAME_STEMS: &[&str] = &[
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Tailspin",
    "Adatum",
    "Litware",
    "Proseware",
    "Woodgrove",
    "Wingtip",
    "Alpine",
    "Coho",
    "Lucerne",
    "Margie",
    "Trey",
    "Humongous",
    "Wide World",
    "Blue Yonder",
    "Fourth Coffee",
    "Relecloud",
    "Graphic Design",
    "School of Fine Art",
    "VanArsdel",
    "Bellows",
    "Consolidated",
    "Datum",
    "Southridge",
    "Lamna",
    "Munson",
    "Nod",
    "Olympia",
];
const PARTNER_SUFFIXES: &[&str] = &[
    "IT",
    "Cloud",
    "Systems",
    "Solutions",
    "Technologies",
    "Digital",
];
const CUSTOMER_SUFFIXES: &[&str] = &[
    "Ltd",
    "Inc",
    "GmbH",
    "Group",
    "Foods",
    "Health",
    "Logistics",
];
const OFFERS: &[&str] = &[
    "Microsoft 365 E3",
    "Microsoft 365 Business Premium",
    "Azure plan",
    "Dynamics 365 Sales",
    "Microsoft 365 E5",
    "Teams Essentials",
];

/// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast, and fixed forever.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// Picks an index by cumulative weights.
fn pick(cumulative: &[f64], rng: &mut Rng) -> usize {
    let total = cumulative.last().copied().unwrap_or(0.0);
    let x = rng.unit() * total;
    cumulative
        .partition_point(|c| *c <= x)
        .min(cumulative.len() - 1)
}

fn cumulate(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    weights
        .scan(0.0, |sum, w| {
            *sum += w;
            Some(*sum)
        })
        .collect()
}

fn region_of(country: &str) -> Option<&'static str> {
    markets().region_of(country).map(|r| r.id.as_str())
}

/// Why a channel cannot be generated.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum GenerateError {
    /// Resellers need a provider to partner with.
    #[error("--resellers {0} needs at least one provider (--providers)")]
    ResellersWithoutProvider(usize),
    /// Customers need someone to buy from.
    #[error("--customers {0} needs at least one reseller or direct-bill partner to buy from")]
    CustomersWithoutSeller(usize),
    /// The break rate is a share.
    #[error("--break-rate {0} is not between 0 and 1")]
    BreakRate(f64),
}

/// Generates the channel described by `options`.
pub fn generate(options: &GenerateOptions) -> Result<Scenario, GenerateError> {
    let o = options;
    if o.resellers > 0 && o.providers == 0 {
        return Err(GenerateError::ResellersWithoutProvider(o.resellers));
    }
    if o.customers > 0 && o.resellers == 0 && o.direct_bill == 0 {
        return Err(GenerateError::CustomersWithoutSeller(o.customers));
    }
    if !(0.0..=1.0).contains(&o.break_rate) {
        return Err(GenerateError::BreakRate(o.break_rate));
    }
    let mut rng = Rng(o.seed);
    let day = |base: Date, days: usize| base + chrono::Days::new(days as u64);
    let ymd = |y, m, d| Date::from_ymd_opt(y, m, d).expect("a fixed valid date");
    let start = ymd(2021, 1, 4);
    let mpa = ymd(2019, 10, 1);
    let mut s = Scenario::new(format!(
        "Generated channel: {} providers, {} resellers, {} direct-bill partners, {} customers",
        o.providers, o.resellers, o.direct_bill, o.customers
    ));
    s.meta.description = format!(
        "Made by `csp-explorer generate --providers {} --resellers {} --direct-bill {} --customers {} --seed {} --break-rate {}`: a realistic channel across regions with deliberate breaks.",
        o.providers, o.resellers, o.direct_bill, o.customers, o.seed, o.break_rate
    );
    s.meta.as_of = Some(ymd(2025, 6, 1));
    let name = |rng: &mut Rng, suffixes: &[&str], n: usize| {
        format!(
            "{} {} {n}",
            NAME_STEMS[rng.below(NAME_STEMS.len())],
            suffixes[rng.below(suffixes.len())]
        )
    };
    let add_party = |s: &mut Scenario, p: Party| {
        // Ids are generated unique and valid, so adding cannot fail.
        let added = s.add_party(p);
        debug_assert!(added.is_ok(), "{added:?}");
    };
    let mut links: Vec<Link> = Vec::new();
    add_party(
        &mut s,
        Party::new("microsoft", PartyKind::Microsoft).named("Microsoft"),
    );

    // Providers and direct-bill partners sit in the biggest markets first, round the list.
    let market_cum = cumulate(MARKETS.iter().map(|(_, w)| f64::from(*w)));
    let mut providers_by_region: std::collections::HashMap<&str, Vec<usize>> =
        std::collections::HashMap::new();
    let mut provider_country = Vec::with_capacity(o.providers);
    for i in 0..o.providers {
        let country = MARKETS[i % MARKETS.len()].0;
        let id = format!("provider-{i}");
        add_party(
            &mut s,
            Party::new(id.as_str(), PartyKind::IndirectProvider)
                .named(&name(&mut rng, &["Distribution"], i))
                .in_country(country)
                .mpa(mpa),
        );
        links.push(Link::new(
            format!("supply-{id}"),
            LinkKind::Supply,
            "microsoft",
            id.as_str(),
            ymd(2020, 3, 2),
        ));
        providers_by_region
            .entry(region_of(country).unwrap_or(""))
            .or_default()
            .push(i);
        provider_country.push(country);
    }
    let mut direct_country = Vec::with_capacity(o.direct_bill);
    for i in 0..o.direct_bill {
        let country = MARKETS[i % MARKETS.len()].0;
        let id = format!("direct-{i}");
        add_party(
            &mut s,
            Party::new(id.as_str(), PartyKind::DirectBill)
                .named(&name(&mut rng, PARTNER_SUFFIXES, i))
                .in_country(country)
                .mpa(mpa),
        );
        links.push(Link::new(
            format!("supply-{id}"),
            LinkKind::Supply,
            "microsoft",
            id.as_str(),
            ymd(2020, 3, 2),
        ));
        direct_country.push(country);
    }

    // Resellers: in markets where a provider is (else anywhere), partnered with one or two
    // providers of their region. A reseller's share of customers falls off with its rank.
    let served: Vec<usize> = (0..MARKETS.len())
        .filter(|&m| providers_by_region.contains_key(region_of(MARKETS[m].0).unwrap_or("")))
        .collect();
    let mut reseller_country = Vec::with_capacity(o.resellers);
    let mut reseller_providers: Vec<Vec<usize>> = Vec::with_capacity(o.resellers);
    for i in 0..o.resellers {
        let country = if served.is_empty() {
            MARKETS[pick(&market_cum, &mut rng)].0
        } else {
            let cum = cumulate(served.iter().map(|&m| f64::from(MARKETS[m].1)));
            MARKETS[served[pick(&cum, &mut rng)]].0
        };
        let id = format!("reseller-{i}");
        let mut r = Party::new(id.as_str(), PartyKind::IndirectReseller)
            .named(&name(&mut rng, PARTNER_SUFFIXES, i))
            .in_country(country)
            .mpa(mpa)
            .ready();
        if rng.chance(o.break_rate) {
            // A reseller that stopped being enrolled: every sale it makes breaks.
            r.enrolled = false;
        }
        add_party(&mut s, r);
        let region = region_of(country).unwrap_or("");
        let candidates = providers_by_region
            .get(region)
            .cloned()
            .unwrap_or_else(|| (0..o.providers).collect());
        let first = candidates[rng.below(candidates.len())];
        let mut mine = vec![first];
        if candidates.len() > 1 && rng.chance(0.3) {
            let second = candidates[rng.below(candidates.len())];
            if second != first {
                mine.push(second);
            }
        }
        for &p in &mine {
            links.push(Link::new(
                format!("partnership-provider-{p}-{id}"),
                LinkKind::Partnership,
                format!("provider-{p}"),
                id.as_str(),
                day(ymd(2020, 4, 1), rng.below(270)),
            ));
        }
        reseller_country.push(country);
        reseller_providers.push(mine);
    }
    let reseller_cum = cumulate((0..o.resellers).map(|i| 1.0 / ((i + 1) as f64).powf(0.9)));
    let direct_share = match (o.resellers, o.direct_bill) {
        (_, 0) => 0.0,
        (0, _) => 1.0,
        _ => 0.2,
    };

    for i in 0..o.customers {
        let id = format!("customer-{i}");
        let direct = rng.chance(direct_share);
        let (seller, via, seller_country) = if direct {
            let d = rng.below(o.direct_bill);
            (format!("direct-{d}"), None, direct_country[d])
        } else {
            let r = pick(&reseller_cum, &mut rng);
            let providers = &reseller_providers[r];
            let p = providers[rng.below(providers.len())];
            (
                format!("reseller-{r}"),
                Some(format!("provider-{p}")),
                reseller_country[r],
            )
        };
        // Most customers are in their partner's country, the rest elsewhere in its region.
        let region = region_of(seller_country);
        let mut country = seller_country;
        if rng.chance(0.15) {
            let other = MARKETS[pick(&market_cum, &mut rng)].0;
            if region_of(other) == region {
                country = other;
            }
        }
        let since = day(start, rng.below(1_200));
        let mut c = Party::new(id.as_str(), PartyKind::Customer)
            .named(&name(&mut rng, CUSTOMER_SUFFIXES, i))
            .in_country(country)
            .mca(day(since, 0) - chrono::Days::new(1 + rng.below(30) as u64));
        let broken = rng.chance(o.break_rate);
        let break_kind = rng.below(3);
        if broken && break_kind == 0 {
            c.mca_accepted = None;
        }
        if broken && break_kind == 1 {
            // Moved abroad: the partner now sells across regions.
            if let Some((other, _)) = MARKETS.iter().find(|(m, _)| region_of(m) != region) {
                c.country = Some((*other).into());
            }
        }
        c.registration_id = crate::scenarios::registration_id_for(&c, i).map(Into::into);
        add_party(&mut s, c);
        let skip_relationship = broken && break_kind == 2;
        for partner in std::iter::once(&seller).chain(via.as_ref()) {
            if skip_relationship {
                break;
            }
            links.push(Link::new(
                format!("reseller-{partner}-{id}"),
                LinkKind::Reseller,
                partner.as_str(),
                id.as_str(),
                since,
            ));
        }
        let purchases = 1 + usize::from(rng.chance(0.35)) + usize::from(rng.chance(0.1));
        for n in 0..purchases {
            let mut purchase = Link::new(
                format!("purchase-{id}-{n}"),
                LinkKind::Purchase,
                seller.as_str(),
                id.as_str(),
                day(since, rng.below(90)),
            )
            .offer(OFFERS[rng.below(OFFERS.len())]);
            purchase.via = via.clone().map(Into::into);
            links.push(purchase);
        }
        if rng.chance(0.4) {
            links.push(
                Link::new(
                    format!("admin-{id}"),
                    LinkKind::Admin,
                    seller.as_str(),
                    id.as_str(),
                    since,
                )
                .gdap(
                    &["Helpdesk Administrator", "License Administrator"],
                    730,
                    true,
                ),
            );
        }
    }
    for link in links {
        let added = s.add_link(link);
        debug_assert!(added.is_ok(), "{added:?}");
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::check;

    fn small(seed: u64, break_rate: f64) -> GenerateOptions {
        GenerateOptions {
            providers: 4,
            resellers: 40,
            direct_bill: 3,
            customers: 400,
            seed,
            break_rate,
        }
    }

    #[test]
    fn the_same_options_give_the_same_channel_and_another_seed_another() {
        let ron = |o: &GenerateOptions| {
            crate::io::scenario_to_ron(&generate(o).expect("generates")).expect("serialises")
        };
        assert_eq!(ron(&small(7, 0.05)), ron(&small(7, 0.05)));
        assert_ne!(ron(&small(7, 0.05)), ron(&small(8, 0.05)));
    }

    #[test]
    fn the_channel_has_the_parties_asked_and_every_market_has_a_region() {
        for (country, _) in MARKETS {
            assert!(region_of(country).is_some(), "{country} has no CSP region");
        }
        let s = generate(&small(1, 0.0)).unwrap();
        let count = |k: PartyKind| s.parties().filter(|p| p.kind == k).count();
        assert_eq!(count(PartyKind::IndirectProvider), 4);
        assert_eq!(count(PartyKind::IndirectReseller), 40);
        assert_eq!(count(PartyKind::DirectBill), 3);
        assert_eq!(count(PartyKind::Customer), 400);
        assert_eq!(count(PartyKind::Microsoft), 1);
        // Around four links per customer, as in real channels.
        assert!(s.link_count() > 3 * 400, "{} links", s.link_count());
        // Several regions, and a few large resellers: the biggest serves far more than the median.
        let regions: std::collections::BTreeSet<_> = s
            .parties()
            .filter_map(|p| p.country.as_deref().and_then(region_of))
            .collect();
        assert!(regions.len() >= 3, "{regions:?}");
        let mut sizes: Vec<usize> = (0..40)
            .map(|r| {
                s.links_from(&format!("reseller-{r}"))
                    .filter(|l| l.kind == LinkKind::Reseller)
                    .count()
            })
            .collect();
        sizes.sort();
        assert!(sizes[39] >= 4 * sizes[20].max(1), "{sizes:?}");
    }

    #[test]
    fn without_breaks_the_channel_is_clean_and_with_them_it_is_not() {
        let clean = check(&generate(&small(3, 0.0)).unwrap());
        assert!(
            clean
                .iter()
                .all(|f| f.severity != crate::rules::Severity::Violation),
            "{:#?}",
            clean
                .iter()
                .filter(|f| f.severity == crate::rules::Severity::Violation)
                .take(3)
                .collect::<Vec<_>>()
        );
        let broken = check(&generate(&small(3, 0.2)).unwrap());
        assert!(
            broken
                .iter()
                .any(|f| f.severity == crate::rules::Severity::Violation)
        );
    }

    #[test]
    fn impossible_channels_are_refused_with_the_option_to_change() {
        let mut o = small(1, 0.0);
        o.providers = 0;
        assert_eq!(
            generate(&o).unwrap_err().to_string(),
            "--resellers 40 needs at least one provider (--providers)"
        );
        let o = GenerateOptions {
            resellers: 0,
            direct_bill: 0,
            ..small(1, 0.0)
        };
        assert!(
            generate(&o)
                .unwrap_err()
                .to_string()
                .contains("--customers 400")
        );
        let o = GenerateOptions {
            break_rate: 1.5,
            ..small(1, 0.0)
        };
        assert!(
            generate(&o)
                .unwrap_err()
                .to_string()
                .contains("--break-rate 1.5")
        );
    }
}
