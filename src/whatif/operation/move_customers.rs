//! Move customers: they leave one seller for another on a day. Must not touch what the customers
//! have with anyone else, beyond the old seller's provider when nothing is billed through it any
//! more.
//!
//! For each customer, the old seller's reseller relationships, purchases and (when asked) admin
//! relationships that exist on the day end; the new seller's are made from that day with the same
//! offers, tenants, roles and durations. A new indirect reseller's sales are billed by the provider
//! that billed the old ones when it partners with that provider too (so the customer's provider
//! does not change), else by its first accepted provider by id; that provider gets a reseller
//! relationship with the customer if it has none, and the old provider's ends once nothing of the
//! customer's is sold or billed through it.

use super::{Customers, Market, Reasons, Refusal, Work};
use crate::model::{LinkKind, PartyId, PartyKind};
use std::collections::BTreeSet;

const TITLE: &str = "Move customers";

/// The kinds of party that sell to customers and can hand them over.
const SELLERS: [PartyKind; 2] = [PartyKind::IndirectReseller, PartyKind::DirectBill];

/// The customers `seller` sells to on the day: a reseller relationship or a purchase from it exists.
pub(super) fn customers_of(work: &Work<'_>, seller: &PartyId) -> BTreeSet<PartyId> {
    work.s
        .links_from(seller.as_str())
        .filter(|l| {
            matches!(l.kind, LinkKind::Reseller | LinkKind::Purchase) && l.exists_at(work.on)
        })
        .filter(|l| {
            work.s
                .party(l.to.as_str())
                .is_some_and(|p| p.kind == PartyKind::Customer)
        })
        .map(|l| l.to)
        .collect()
}

pub(super) fn prepare(
    work: &mut Work<'_>,
    from: &PartyId,
    to: &PartyId,
    customers: &Customers,
    admin: bool,
) -> Result<(), Refusal> {
    let mut reasons = Reasons::new(TITLE);
    let old = reasons.check(work.party_of_kind(from, "the seller they leave", &SELLERS));
    let new = reasons.check(work.party_of_kind(to, "the seller they go to", &SELLERS));
    reasons.done()?;
    let (Some(old), Some(new)) = (old, new) else {
        return reasons.done();
    };
    if old.id == new.id {
        reasons.push(format!(
            "{} is both the seller they leave and the one they go to",
            work.who(&old.id)
        ));
        return reasons.done();
    }
    let on = work.on;
    let providers = if new.kind == PartyKind::IndirectReseller {
        let providers = work.providers_of(&new.id);
        if providers.is_empty() {
            reasons.push(format!(
                "{} has no accepted partnership with an indirect provider on {on}, so nothing it sells \
                 could be billed: partner it with a provider first (Change provider)",
                work.who(&new.id)
            ));
        }
        providers
    } else {
        Vec::new()
    };
    let sold = customers_of(work, &old.id);
    let nowhere =
        |market: &str| format!("{} has no customers in {market} on {on}", work.who(&old.id));
    let moving: Vec<PartyId> = match customers {
        Customers::All => {
            if sold.is_empty() {
                reasons.push(format!(
                    "{} has no customers on {on} (no reseller relationship or purchase from it exists that day)",
                    work.who(&old.id)
                ));
            }
            sold.iter().cloned().collect()
        }
        Customers::Only(ids) => {
            if ids.is_empty() {
                reasons.push("no customer was chosen".to_owned());
            }
            let mut seen = BTreeSet::new();
            for id in ids {
                if !seen.insert(id) {
                    continue;
                }
                match work.party(id) {
                    Err(reason) => reasons.push(reason),
                    Ok(p) if p.kind != PartyKind::Customer => reasons.push(format!(
                        "{} is {}, not a customer",
                        work.who(id),
                        p.kind.with_article()
                    )),
                    Ok(_) if !sold.contains(id) => reasons.push(format!(
                        "{} is not a customer of {} on {on}: it has no reseller relationship or purchase from it that day",
                        work.who(id),
                        work.who(&old.id)
                    )),
                    Ok(_) => {}
                }
            }
            seen.into_iter().cloned().collect()
        }
        Customers::Country(code) => Market::country(code)
            .pick(work.s, &sold, &mut reasons, nowhere)
            .into_iter()
            .cloned()
            .collect(),
        Customers::Region(wanted) => match reasons.check(Market::region(wanted)) {
            Some(region) => (region.pick(work.s, &sold, &mut reasons, nowhere))
                .into_iter()
                .cloned()
                .collect(),
            None => Vec::new(),
        },
    };
    for id in &moving {
        if let Ok(customer) = work.party(id)
            && let Some(reason) = work.other_region(
                customer,
                new,
                "a partner can sell only to customers of its own region",
            )
        {
            reasons.push(reason);
        }
    }
    reasons.done()?;

    let old_id = old.id;
    let new_id = new.id;
    for customer in &moving {
        move_one(work, &old_id, &new_id, &providers, customer, admin);
    }
    work.summary = format!(
        "Move {} of {} to {} on {on}",
        crate::text::count(moving.len(), "customer", "customers"),
        work.who(&old_id),
        work.who(&new_id)
    );
    Ok(())
}

/// Moves one customer from `old` to `new`, billed by one of `providers` when `new` is an indirect
/// reseller.
fn move_one(
    work: &mut Work<'_>,
    old: &PartyId,
    new: &PartyId,
    providers: &[PartyId],
    customer: &PartyId,
    admin: bool,
) {
    let on = work.on;
    let leaving: Vec<_> = work
        .s
        .links_to(customer.as_str())
        .filter(|l| {
            l.from == *old
                && l.exists_at(on)
                && match l.kind {
                    LinkKind::Reseller | LinkKind::Purchase => true,
                    LinkKind::Admin => admin,
                    LinkKind::Supply | LinkKind::Partnership => false,
                }
        })
        .collect();
    let old_providers: BTreeSet<PartyId> = leaving.iter().filter_map(|l| l.via).collect();
    // The customer keeps its provider when the new seller partners with it too.
    let via = old_providers
        .iter()
        .find(|p| providers.contains(p))
        .or_else(|| providers.first())
        .cloned();
    let mut has_relationship = work
        .existing_to(customer, LinkKind::Reseller, new)
        .next()
        .is_some();
    for link in &leaving {
        work.end(link);
        match link.kind {
            LinkKind::Reseller if has_relationship => {}
            LinkKind::Reseller => {
                has_relationship = true;
                // A reseller relationship names its provider only when the old one did.
                let billed = link.via.as_ref().and(via.as_ref());
                work.remake(link, new, billed);
            }
            LinkKind::Purchase => work.remake(link, new, via.as_ref()),
            _ => work.remake(link, new, None),
        }
    }
    if let Some(provider) = &via {
        work.ensure_reseller_relationship(provider, customer);
    }
    for provider in old_providers.iter().filter(|p| Some(*p) != via.as_ref()) {
        work.end_unused_provider_relationship(provider, customer);
    }
    work.customers.insert(*customer);
}
