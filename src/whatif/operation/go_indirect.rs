//! Direct-bill goes indirect: a direct-bill partner is restricted on a day and goes on as an
//! indirect reseller of a provider, as Partner Center's "Transition from direct bill to indirect
//! reseller" describes. Must not end the direct-bill partner's relationships or admin access: a
//! restricted partner keeps its customers, it only makes no new purchases and invites no one.
//!
//! The direct-bill partner is restricted from the day (unless it was already). The indirect reseller
//! it enrols as is a new party of the same organization, onboarded, enrolled and bound by the same
//! MPA: on the direct-bill tenant (with its PartnerID, as the page allows once the direct-bill
//! enrolment is restricted) or on a new tenant (whose PartnerID Partner Center gives later, so none
//! is set). It partners with the chosen provider (accepted); each customer with a reseller
//! relationship with the direct-bill partner gets one with the reseller (billed by the provider)
//! and one with the provider; with `move_purchases`, the purchases end and are made again from the
//! reseller, billed by the provider.

use super::{Reasons, Refusal, Work};
use crate::model::identity::organization_key;
use crate::model::{Link, LinkKind, PartyId, PartyKind, Position};
use std::collections::BTreeSet;

const TITLE: &str = "Direct-bill goes indirect";

pub(super) fn prepare(
    work: &mut Work<'_>,
    partner: &PartyId,
    provider: &PartyId,
    new_tenant: bool,
    move_purchases: bool,
) -> Result<(), Refusal> {
    let mut reasons = Reasons::new(TITLE);
    let s = work.s;
    let on = work.on;
    let db = reasons.check(work.party_of_kind(
        partner,
        "the partner going indirect",
        &[PartyKind::DirectBill],
    ));
    let p =
        reasons.check(work.party_of_kind(provider, "its provider", &[PartyKind::IndirectProvider]));
    reasons.done()?;
    let (Some(db), Some(p)) = (db, p) else {
        return reasons.done();
    };
    if let Some(reason) = work.other_region(
        p,
        db,
        "partners can only establish relationships with partners of their own region",
    ) {
        reasons.push(reason);
    }
    // Done twice, it would enrol a second reseller: a plan replayed twice, or a lesson's Show me
    // after the trainee did it.
    if let Some(already) = s
        .parties_of_kind(PartyKind::IndirectReseller)
        .filter(|r| organization_key(&r.organization) == organization_key(&db.organization))
        .find(|r| work.providers_of(&r.id).contains(&p.id))
    {
        reasons.push(format!(
            "{} already goes on as indirect reseller {} of {}",
            work.who(&db.id),
            work.who(&already.id),
            work.who(&p.id)
        ));
    }
    reasons.done()?;

    // Restricted from the day, unless it already was from an earlier one.
    if db.restricted_since.is_none_or(|since| since > on) {
        let mut restricted = db.clone();
        restricted.restricted_since = Some(on);
        work.edits.push(crate::edit::Edit::UpdateParty(restricted));
        work.parties_changed.push(db.id);
    }
    let id = work.fresh_party_id(&format!("{}-indirect", db.id));
    let mut reseller = db.clone();
    reseller.id = id;
    reseller.kind = PartyKind::IndirectReseller;
    reseller.name = indirect_name(&db.name);
    reseller.restricted_since = None;
    reseller.onboarded = true;
    reseller.enrolled = true;
    reseller.mca_accepted = None;
    reseller.registration_id = None;
    if new_tenant {
        reseller.tenant = fresh_tenant(work, &db.tenant);
        reseller.tenant_type = crate::model::TenantType::Csp;
        reseller.partner_id = None;
    }
    // Under the direct-bill partner, in the resellers' row, when it was placed by hand.
    reseller.position = db.position.map(|at| Position {
        x: at.x,
        y: at.y + crate::layout::ROW_GAP,
    });
    work.edits.push(crate::edit::Edit::AddParty(reseller));
    work.parties_made.push(id);
    let partnership = Link::new("", LinkKind::Partnership, p.id, id, on);
    work.make(partnership, &format!("partnership-{}-{id}.{on}", p.id));

    let customers: BTreeSet<PartyId> = s
        .links_from(db.id.as_str())
        .filter(|l| {
            l.kind == LinkKind::Reseller
                && l.exists_at(on)
                && s.party(l.to.as_str())
                    .is_some_and(|c| c.kind == PartyKind::Customer)
        })
        .map(|l| l.to)
        .collect();
    for customer in &customers {
        let mut relationship = Link::new("", LinkKind::Reseller, id, *customer, on);
        relationship.via = Some(p.id);
        work.make(relationship, &format!("reseller-{id}-{customer}.{on}"));
        work.ensure_reseller_relationship(&p.id, customer);
    }
    let mut moved = 0;
    if move_purchases {
        let purchases: Vec<&Link> = s
            .links_from(db.id.as_str())
            .filter(|l| l.kind == LinkKind::Purchase && l.exists_at(on))
            .collect();
        for purchase in purchases {
            work.end(purchase);
            work.remake(purchase, &id, Some(&p.id));
            moved += 1;
        }
    }
    work.summary = format!(
        "{} is restricted on {on} and goes on as indirect reseller `{id}` of {}{} ({} extended{})",
        work.who(&db.id),
        work.who(&p.id),
        if new_tenant {
            " on a new tenant"
        } else {
            " on its own tenant"
        },
        crate::text::count(
            customers.len(),
            "customer's relationship",
            "customers' relationships"
        ),
        if move_purchases {
            format!(
                ", {} moved",
                crate::text::count(moved, "purchase", "purchases")
            )
        } else {
            String::new()
        }
    );
    work.customers.extend(customers);
    Ok(())
}

/// The reseller's name: the partner's with "(indirect)", within the model's bound on names.
fn indirect_name(name: &str) -> String {
    const SUFFIX: &str = " (indirect)";
    let room = crate::model::limits::MAX_NAME_CHARS - SUFFIX.chars().count();
    let mut out: String = name.chars().take(room).collect();
    out.push_str(SUFFIX);
    out
}

/// A tenant id no party uses: `<tenant>-indirect`, `<tenant>-indirect-2`, …
fn fresh_tenant(work: &Work<'_>, tenant: &str) -> String {
    let stem = format!("{tenant}-indirect");
    let used = |t: &str| work.s.parties_with_tenant(t).next().is_some();
    if !used(&stem) {
        return stem;
    }
    (2..)
        .map(|n| format!("{stem}-{n}"))
        .find(|t| !used(t))
        .unwrap_or(stem)
}
