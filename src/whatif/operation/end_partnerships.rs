//! End partnerships: a provider ends its partnerships with some resellers (named, or all of them in
//! a country or a CSP region) on a day. Must change nothing else: the customers, relationships and
//! admin access the partnership leaves behind stay, so that the check shows them.

use super::{Market, Reasons, Refusal, Resellers, Work};
use crate::model::{Link, LinkKind, PartyId, PartyKind};
use std::collections::{BTreeMap, BTreeSet};

const TITLE: &str = "End partnerships";

pub(super) fn prepare(
    work: &mut Work<'_>,
    provider: &PartyId,
    resellers: &Resellers,
) -> Result<(), Refusal> {
    let mut reasons = Reasons::new(TITLE);
    let s = work.s;
    let on = work.on;
    let p =
        reasons.check(work.party_of_kind(provider, "the provider", &[PartyKind::IndirectProvider]));
    reasons.done()?;
    let Some(p) = p else {
        return reasons.done();
    };
    // The provider's partnerships that exist on the day, by reseller.
    let mut partnered: BTreeMap<&PartyId, Vec<&Link>> = BTreeMap::new();
    for link in s
        .links_from(p.id.as_str())
        .filter(|l| l.kind == LinkKind::Partnership && l.exists_at(on))
    {
        partnered.entry(&link.to).or_default().push(link);
    }
    let nowhere = |market: &str| {
        format!(
            "{} has no partnership on {on} with a reseller in {market}",
            work.who(&p.id)
        )
    };
    let chosen: Vec<&PartyId> = match resellers {
        Resellers::Only(ids) => {
            if ids.is_empty() {
                reasons.push("no reseller was chosen".to_owned());
            }
            let mut chosen = BTreeSet::new();
            for id in ids {
                match work.party(id) {
                    Err(reason) => reasons.push(reason),
                    Ok(_) if !partnered.contains_key(id) => reasons.push(format!(
                        "{} has no partnership with {} on {on}",
                        work.who(id),
                        work.who(&p.id)
                    )),
                    Ok(_) => {
                        chosen.insert(id);
                    }
                }
            }
            chosen.into_iter().collect()
        }
        Resellers::Country(code) => {
            Market::country(code).pick(s, partnered.keys().copied(), &mut reasons, nowhere)
        }
        Resellers::Region(wanted) => match reasons.check(Market::region(wanted)) {
            Some(region) => region.pick(s, partnered.keys().copied(), &mut reasons, nowhere),
            None => Vec::new(),
        },
    };
    reasons.done()?;

    let mut left_behind = BTreeSet::new();
    for reseller in &chosen {
        for link in partnered.get(reseller).into_iter().flatten() {
            work.end(link);
        }
        // The customers the reseller and the provider share: what the partnership leaves behind.
        for sale in s.links_from(reseller.as_str()).filter(|l| {
            matches!(
                l.kind,
                LinkKind::Reseller | LinkKind::Admin | LinkKind::Purchase
            ) && l.exists_at(on)
        }) {
            let shared = s
                .links_to(sale.to.as_str())
                .any(|l| l.kind == LinkKind::Reseller && l.from == p.id && l.exists_at(on));
            if shared {
                left_behind.insert(sale.to);
            }
        }
    }
    work.summary = format!(
        "{} ends its partnerships with {} on {on} ({} shared with them left as they are)",
        work.who(&p.id),
        match chosen.as_slice() {
            [one] => work.who(one),
            many => crate::text::count(many.len(), "reseller", "resellers"),
        },
        crate::text::count(left_behind.len(), "customer", "customers")
    );
    work.customers.extend(left_behind);
    Ok(())
}
