//! Select by query: the parties of a kind, in a country or CSP region, sold to or partnered by a
//! party, with a finding of a rule, whose name contains some text. Must not change anything or keep
//! a selection: the window's workspace holds the set this returns.
//!
//! The most selective criterion picks the candidates (a party's links, a rule's findings, a kind's
//! index), the others filter them, so a query costs what it finds rather than what the channel
//! holds: thousands of customers of a reseller come back in milliseconds from 100,000 parties.

use crate::model::{LinkKind, Party, PartyId, PartyKind, Scenario, markets};
use crate::rules::{Checker, RuleId, Subject};
use std::collections::BTreeSet;

/// What to select; every criterion given must hold (an empty query selects everyone).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// Of this kind.
    pub kind: Option<PartyKind>,
    /// In this country (ISO code, any case).
    pub country: Option<String>,
    /// In this CSP region (its id, such as `EUROPE`, or its name).
    pub region: Option<String>,
    /// Sold to, billed for or partnered by this party on the as-of date: its customers, a
    /// provider's resellers and the customers it bills ("customers of", "resellers of").
    pub of: Option<PartyId>,
    /// With a finding of this rule, on the party or on one of its links.
    pub rule: Option<RuleId>,
    /// Whose name (or id) contains this text, ignoring case.
    pub name_contains: String,
}

impl Query {
    /// The query in words ("customers of Contoso Reseller in DE"), for the status bar and undo.
    pub fn describe(&self, s: &Scenario) -> String {
        let mut out = match self.kind {
            Some(PartyKind::Microsoft) => "Microsoft".to_owned(),
            Some(k) => format!("{}s", k.label()),
            None => "parties".to_owned(),
        };
        if let Some(of) = &self.of {
            let name = s
                .party(of.as_str())
                .map_or(of.as_str(), |p| p.name.as_str());
            out.push_str(&format!(" of {name}"));
        }
        if let Some(c) = &self.country {
            out.push_str(&format!(" in {}", c.trim().to_ascii_uppercase()));
        }
        if let Some(r) = &self.region {
            out.push_str(&format!(" in region {r}"));
        }
        if let Some(rule) = self.rule {
            out.push_str(&format!(" with {}", rule.key()));
        }
        if !self.name_contains.trim().is_empty() {
            out.push_str(&format!(" named “{}”", self.name_contains.trim()));
        }
        out
    }
}

/// Why a query cannot be answered (an unknown party or region).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// `of` names no party.
    #[error("no party has id `{0}`")]
    UnknownParty(PartyId),
    /// `region` names no CSP region.
    #[error("`{0}` is not a CSP region; the regions are {1}")]
    UnknownRegion(String, String),
}

/// The parties `query` selects in `s`, whose findings `checker` holds (as of the as-of date).
pub fn select(
    s: &Scenario,
    checker: &Checker,
    query: &Query,
) -> Result<BTreeSet<PartyId>, QueryError> {
    let region = match query.region.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(wanted) => {
            let regions = &markets().regions;
            let found = regions
                .iter()
                .find(|r| r.id.eq_ignore_ascii_case(wanted) || r.name.eq_ignore_ascii_case(wanted));
            match found {
                Some(r) => Some(r),
                None => {
                    let known: Vec<&str> = regions.iter().map(|r| r.id.as_str()).collect();
                    return Err(QueryError::UnknownRegion(
                        wanted.to_owned(),
                        known.join(", "),
                    ));
                }
            }
        }
    };
    let country = query
        .country
        .as_deref()
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty());
    let needle = query.name_contains.trim().to_lowercase();
    let as_of = s.as_of();

    // Candidates from the most selective criterion.
    let candidates: Vec<&Party> = if let Some(of) = &query.of {
        if s.party(of.as_str()).is_none() {
            return Err(QueryError::UnknownParty(*of));
        }
        let mut ids: BTreeSet<&PartyId> = s
            .links_from(of.as_str())
            .chain(s.links_via(of.as_str()))
            .filter(|l| {
                matches!(
                    l.kind,
                    LinkKind::Supply
                        | LinkKind::Partnership
                        | LinkKind::Reseller
                        | LinkKind::Purchase
                ) && l.exists_at(as_of)
            })
            .map(|l| &l.to)
            .collect();
        ids.remove(of);
        ids.into_iter()
            .filter_map(|id| s.party(id.as_str()))
            .collect()
    } else if let Some(rule) = query.rule {
        named_by_findings(s, checker, rule)
            .into_iter()
            .filter_map(|id| s.party(id.as_str()))
            .collect()
    } else if let Some(kind) = query.kind {
        match region {
            Some(r) => s.parties_of_kind_in(kind, Some(r)).collect(),
            None => s.parties_of_kind(kind).collect(),
        }
    } else {
        s.parties().collect()
    };
    let with_rule = match (query.rule, &query.of) {
        (Some(rule), Some(_)) => Some(named_by_findings(s, checker, rule)),
        _ => None,
    };
    Ok(candidates
        .into_iter()
        .filter(|p| query.kind.is_none_or(|k| p.kind == k))
        .filter(|p| {
            country
                .as_deref()
                .is_none_or(|c| p.country.as_deref() == Some(c))
        })
        .filter(|p| {
            region.is_none_or(|r| {
                p.country
                    .as_deref()
                    .and_then(|c| markets().region_of(c))
                    .is_some_and(|q| q.id == r.id)
            })
        })
        .filter(|p| with_rule.as_ref().is_none_or(|ids| ids.contains(&p.id)))
        .filter(|p| {
            needle.is_empty()
                || p.name.to_lowercase().contains(&needle)
                || p.id.as_str().to_lowercase().contains(&needle)
        })
        .map(|p| p.id)
        .collect())
}

/// The parties with a finding of `rule` on themselves or on a link they are an end of.
fn named_by_findings(s: &Scenario, checker: &Checker, rule: RuleId) -> BTreeSet<PartyId> {
    let mut out = BTreeSet::new();
    for f in checker.iter().filter(|f| f.rule == rule) {
        match &f.subject {
            Subject::Party(id) => {
                out.insert(*id);
            }
            Subject::Link(id) => {
                if let Some(l) = s.link(id.as_str()) {
                    out.insert(l.from);
                    out.insert(l.to);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::whatif::operation::tests::channel;

    fn ids(set: &BTreeSet<PartyId>) -> Vec<&str> {
        set.iter().map(PartyId::as_str).collect()
    }

    #[test]
    fn each_criterion_narrows_the_selection() {
        let s = channel();
        let checker = Checker::new(&s);
        let q = |query: Query| select(&s, &checker, &query).expect("answers");
        let customers = q(Query {
            kind: Some(PartyKind::Customer),
            ..Query::default()
        });
        assert_eq!(customers.len(), 5);
        let of_contoso = q(Query {
            kind: Some(PartyKind::Customer),
            of: Some("contoso".into()),
            ..Query::default()
        });
        assert_eq!(ids(&of_contoso), ["coho", "tailspin", "woodgrove"]);
        // A provider's resellers, and the customers it bills.
        let of_adatum = q(Query {
            of: Some("adatum".into()),
            ..Query::default()
        });
        assert_eq!(
            ids(&of_adatum),
            ["coho", "contoso", "northwind", "tailspin", "woodgrove"]
        );
        let resellers_of_adatum = q(Query {
            kind: Some(PartyKind::IndirectReseller),
            of: Some("adatum".into()),
            ..Query::default()
        });
        assert_eq!(ids(&resellers_of_adatum), ["contoso", "northwind"]);
        let jp = q(Query {
            country: Some("jp".into()),
            ..Query::default()
        });
        assert_eq!(ids(&jp), ["kyoto", "sakura"]);
        let apac = q(Query {
            kind: Some(PartyKind::Customer),
            region: Some("japan".into()),
            ..Query::default()
        });
        assert_eq!(ids(&apac), ["kyoto"]);
        let named = q(Query {
            name_contains: " WINE".into(),
            ..Query::default()
        });
        assert_eq!(ids(&named), ["coho"]);
        assert_eq!(q(Query::default()).len(), s.party_count());
    }

    #[test]
    fn a_rule_selects_the_parties_its_findings_are_about() {
        let mut s = channel();
        let mut kyoto = s.party("kyoto").unwrap().clone();
        kyoto.mca_accepted = None;
        s.replace_party(kyoto).unwrap();
        s.add_link(
            crate::model::Link::new(
                "purchase-kyoto",
                LinkKind::Purchase,
                "wingtip",
                "kyoto",
                "2024-01-01".parse().unwrap(),
            )
            .offer("Azure plan"),
        )
        .unwrap();
        let checker = Checker::new(&s);
        let q = |query: Query| select(&s, &checker, &query).expect("answers");
        let mca = q(Query {
            rule: Some(RuleId::McaMissing),
            ..Query::default()
        });
        assert_eq!(ids(&mca), ["kyoto", "wingtip"]);
        let customers = q(Query {
            kind: Some(PartyKind::Customer),
            rule: Some(RuleId::CrossRegionSale),
            of: Some("wingtip".into()),
            ..Query::default()
        });
        assert_eq!(ids(&customers), ["kyoto"]);
        assert_eq!(
            select(
                &s,
                &checker,
                &Query {
                    of: Some("nobody".into()),
                    ..Query::default()
                }
            ),
            Err(QueryError::UnknownParty("nobody".into()))
        );
        assert!(matches!(
            select(
                &s,
                &checker,
                &Query {
                    region: Some("Atlantis".into()),
                    ..Query::default()
                }
            ),
            Err(QueryError::UnknownRegion(..))
        ));
    }
}
