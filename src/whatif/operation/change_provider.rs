//! Change provider: a reseller leaves one indirect provider for another on a day. Must not touch
//! the reseller's own relationships with its customers, nor sales billed by any other provider.
//!
//! The partnership with the old provider ends and an accepted one with the new provider begins
//! (unless one exists already). Every purchase and reseller relationship of the reseller billed
//! via the old provider ends and is made again billed via the new one; the new provider gets a
//! reseller relationship with each of those customers, and the old provider's ends once nothing of
//! the customer's is sold or billed through it.

use super::{Reasons, Refusal, Work};
use crate::model::{Link, LinkKind, LinkStatus, PartyId, PartyKind};
use std::collections::BTreeSet;

const TITLE: &str = "Change provider";

pub(super) fn prepare(
    work: &mut Work<'_>,
    reseller: &PartyId,
    from: &PartyId,
    to: &PartyId,
) -> Result<(), Refusal> {
    let mut reasons = Reasons::new(TITLE);
    let s = work.s;
    let on = work.on;
    let r =
        reasons.check(work.party_of_kind(reseller, "the reseller", &[PartyKind::IndirectReseller]));
    let old = reasons.check(work.party_of_kind(
        from,
        "the provider it leaves",
        &[PartyKind::IndirectProvider],
    ));
    let new = reasons.check(work.party_of_kind(
        to,
        "the provider it goes to",
        &[PartyKind::IndirectProvider],
    ));
    reasons.done()?;
    let (Some(r), Some(old), Some(new)) = (r, old, new) else {
        return reasons.done();
    };
    if old.id == new.id {
        reasons.push(format!(
            "{} is both the provider it leaves and the one it goes to",
            work.who(&old.id)
        ));
        return reasons.done();
    }
    let ending: Vec<&Link> = s
        .links_to(r.id.as_str())
        .filter(|l| l.kind == LinkKind::Partnership && l.from == old.id && l.exists_at(on))
        .collect();
    if ending.is_empty() {
        reasons.push(format!(
            "{} has no partnership with {} on {on}",
            work.who(&r.id),
            work.who(&old.id)
        ));
    }
    if let Some(reason) = work.other_region(
        new,
        r,
        "partners can only establish relationships with partners of their own region",
    ) {
        reasons.push(reason);
    }
    reasons.done()?;

    for link in &ending {
        work.end(link);
    }
    let partnered = s.links_to(r.id.as_str()).any(|l| {
        l.kind == LinkKind::Partnership
            && l.from == new.id
            && l.status == LinkStatus::Accepted
            && l.exists_at(on)
    });
    if !partnered {
        let link = Link::new("", LinkKind::Partnership, new.id, r.id, on);
        work.make(link, &format!("partnership-{}-{}.{on}", new.id, r.id));
    }
    let billed: Vec<&Link> = s
        .links_from(r.id.as_str())
        .filter(|l| {
            matches!(l.kind, LinkKind::Purchase | LinkKind::Reseller)
                && l.via.as_ref() == Some(&old.id)
                && l.exists_at(on)
        })
        .collect();
    let mut customers = BTreeSet::new();
    for link in billed {
        work.end(link);
        work.remake(link, &r.id, Some(&new.id));
        customers.insert(link.to);
    }
    for customer in &customers {
        work.ensure_reseller_relationship(&new.id, customer);
        work.end_unused_provider_relationship(&old.id, customer);
    }
    work.summary = format!(
        "{} leaves {} for {} on {on} ({} billed by the new provider)",
        work.who(&r.id),
        work.who(&old.id),
        work.who(&new.id),
        crate::text::count(customers.len(), "customer", "customers")
    );
    work.customers.extend(customers);
    Ok(())
}
