//! CSP regions and the markets (countries) in each, from `assets/csp-markets.json`.
//!
//! The table is compiled in so that the binary works from any folder; it is parsed once, on first use.

use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// A CSP region: partners can only sell to customers, and partner with partners, of their own region.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Region {
    /// Stable id, e.g. `EUROPE`.
    pub id: String,
    /// Display name, e.g. "Europe".
    pub name: String,
    /// The region's default billing currency.
    pub default_currency: String,
    /// ISO alpha-2 codes of the region's markets.
    pub markets: Vec<String>,
}

/// One market (country) and the region it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Market<'a> {
    /// ISO alpha-2 code.
    pub country: &'a str,
    /// Its CSP region.
    pub region: &'a Region,
}

#[derive(Deserialize)]
struct MarketsFile {
    source: String,
    regions: Vec<Region>,
    #[serde(default)]
    changes_from_2021: HashMap<String, String>,
}

/// The longest market code the table may hold (ISO alpha-2 codes are two letters): a country
/// longer than this is in no market, and is known to be without a lookup.
const LONGEST_CODE: usize = 8;

/// The regional authorization table.
#[derive(Debug)]
pub struct Markets {
    /// Where the table comes from.
    pub source: String,
    /// Every region, in the order of the table.
    pub regions: Vec<Region>,
    /// Notes on how a country differed in the 2021 table.
    pub changes_from_2021: HashMap<String, String>,
    /// Foldhash rather than SipHash: a load looks up every party's country (300,000 at the
    /// largest channels) and the rules look them up again; SipHash was about 1% of `check`.
    by_country: HashMap<String, usize, foldhash::fast::RandomState>,
}

impl Markets {
    /// Parses a markets table in the format of `assets/csp-markets.json`.
    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        let file: MarketsFile = serde_json::from_str(json)?;
        if let Some(code) = file
            .regions
            .iter()
            .flat_map(|r| &r.markets)
            .find(|c| c.len() > LONGEST_CODE)
        {
            return Err(serde::de::Error::custom(format!(
                "market `{code}` is longer than {LONGEST_CODE} bytes: markets are ISO country codes"
            )));
        }
        let by_country = file
            .regions
            .iter()
            .enumerate()
            .flat_map(|(i, r)| r.markets.iter().map(move |c| (c.clone(), i)))
            .collect();
        Ok(Markets {
            source: file.source,
            regions: file.regions,
            changes_from_2021: file.changes_from_2021,
            by_country,
        })
    }

    /// The region of a country code (case-insensitive), or `None` for an unlisted market.
    ///
    /// Upper-cased on the stack, not into a new `String`: every party's region is asked when a
    /// channel loads and when it is checked, hundreds of thousands of times.
    pub fn region_of(&self, country: &str) -> Option<&Region> {
        let code = country.trim().as_bytes();
        let mut upper = [0u8; LONGEST_CODE];
        let upper = upper.get_mut(..code.len())?;
        upper.copy_from_slice(code);
        upper.make_ascii_uppercase();
        // Upper-casing ASCII letters keeps UTF-8 valid; the check costs a few bytes.
        let upper = std::str::from_utf8(upper).ok()?;
        self.by_country.get(upper).map(|&i| &self.regions[i])
    }

    /// Every listed market with its region, sorted by country code.
    pub fn all_markets(&self) -> Vec<Market<'_>> {
        let mut all: Vec<Market<'_>> = self
            .regions
            .iter()
            .flat_map(|region| {
                region.markets.iter().map(move |c| Market {
                    country: c.as_str(),
                    region,
                })
            })
            .collect();
        all.sort_by_key(|m| m.country);
        all
    }
}

/// The compiled-in markets table (2023 edition).
pub fn markets() -> &'static Markets {
    static MARKETS: OnceLock<Markets> = OnceLock::new();
    MARKETS.get_or_init(|| {
        Markets::from_json(include_str!("../../assets/csp-markets.json"))
            .expect("assets/csp-markets.json is valid: checked by a unit test")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_parses_and_knows_regions() {
        let m = markets();
        assert_eq!(m.regions.len(), 15);
        assert_eq!(m.region_of("de").map(|r| r.id.as_str()), Some("EUROPE"));
        assert_eq!(
            m.region_of("US").map(|r| r.id.as_str()),
            Some("UNITED_STATES")
        );
        assert_eq!(m.region_of("BR").map(|r| r.id.as_str()), Some("BRAZIL"));
        assert!(m.region_of("RU").is_none(), "Russia is not listed in 2023");
        assert!(m.region_of("").is_none());
        assert_eq!(m.region_of(" fR ").map(|r| r.id.as_str()), Some("EUROPE"));
        assert!(
            m.region_of(&"de".repeat(50)).is_none(),
            "longer than any code"
        );
        assert!(m.region_of("dé").is_none());
        assert!(m.changes_from_2021.contains_key("RU"));
    }

    #[test]
    fn every_market_is_in_exactly_one_region() {
        let m = markets();
        let total: usize = m.regions.iter().map(|r| r.markets.len()).sum();
        assert_eq!(m.all_markets().len(), total);
        let mut codes: Vec<_> = m.all_markets().iter().map(|x| x.country).collect();
        codes.dedup();
        assert_eq!(codes.len(), total);
    }
}
