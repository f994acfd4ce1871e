//! Moving a sale to another seller: the quick fixes that re-route a purchase or a reseller
//! relationship (cross-region sales, self and affiliate sales, restricted direct-bill partners, a
//! direct-bill purchase for a reseller's customer). Owns: which sellers a sale could move to, and the
//! one undoable edit that moves it. Must not: decide a rule or word a finding.
//!
//! Every edit says all it does in its label, and adds the reseller relationships the moved sale
//! needs (`no_reseller_relationship`) or carries over the old ones that served only this sale; the
//! prover (`fixes.rs`) still tries each one on the channel before it is offered.

use super::context::Ctx;
use crate::edit::Edit;
use crate::model::{Link, LinkKind, Party, PartyId, PartyKind, Region};

/// Where a sale could go: a seller and, for an indirect reseller, the provider that bills it.
pub(crate) struct Route<'a> {
    pub seller: &'a Party,
    pub via: Option<&'a Party>,
}

impl Route<'_> {
    /// "Sell from Res JP (JP) instead, billed by Dist JP".
    fn describe(&self) -> String {
        let mut text = format!(
            "Sell from {} ({}) instead",
            self.seller.name,
            self.seller.country.as_deref().unwrap_or("no country")
        );
        if let Some(via) = self.via {
            text.push_str(&format!(", billed by {}", via.name));
        }
        text
    }
}

/// The provider that can bill an indirect reseller's sales for sure: its only provider with an
/// accepted partnership in force, supplied by Microsoft and, when `region` is given, of that region.
fn billing_provider_of<'a>(
    ctx: &Ctx<'a>,
    reseller: &Party,
    region: Option<&'static Region>,
) -> Option<&'a Party> {
    let probe = Link::new(
        "probe",
        LinkKind::Purchase,
        reseller.id,
        reseller.id,
        ctx.as_of,
    );
    let provider = ctx.party(&ctx.sure_billing_provider(&probe)?)?;
    let same_region = region.is_none_or(|r| ctx.region(provider).is_some_and(|p| p.id == r.id));
    (same_region && ctx.supplied_by_microsoft(&provider.id)).then_some(provider)
}

/// Up to `limit` sellers of `kinds` (in that order) in `region` that a sale could move to: supplied
/// direct-bill partners and providers, and resellers with a provider that bills them for sure in
/// the same region. `first`, when given, ranks within a kind (those it accepts come first); `skip`
/// leaves out.
///
/// The region's sellers are walked lazily and the walk stops at `limit`: a region holds thousands
/// of resellers, and listing them all for each of the thousands of cross-region sales of a large
/// channel (each id looked up again) was half of `check` at 300,000 parties.
pub(crate) fn routes<'a>(
    ctx: &Ctx<'a>,
    region: Option<&'static Region>,
    kinds: &[PartyKind],
    first: Option<&dyn Fn(&Party) -> bool>,
    skip: impl Fn(&Party) -> bool,
    limit: usize,
) -> Vec<Route<'a>> {
    let mut out = Vec::new();
    if limit == 0 {
        return out;
    }
    for &kind in kinds {
        let candidates = || {
            ctx.scenario
                .parties_of_kind_in(kind, region)
                .filter(|p| !skip(p))
        };
        // In id order, those `first` accepts before the others.
        let ranked: Box<dyn Iterator<Item = &'a Party> + '_> = match first {
            Some(first) => Box::new(
                candidates()
                    .filter(|p| first(p))
                    .chain(candidates().filter(|p| !first(p))),
            ),
            None => Box::new(candidates()),
        };
        for seller in ranked {
            let route = match kind {
                PartyKind::IndirectReseller => match billing_provider_of(ctx, seller, region) {
                    Some(via) => Route {
                        seller,
                        via: Some(via),
                    },
                    None => continue,
                },
                PartyKind::DirectBill | PartyKind::IndirectProvider
                    if ctx.supplied_by_microsoft(&seller.id) =>
                {
                    Route { seller, via: None }
                }
                _ => continue,
            };
            out.push(route);
            if out.len() >= limit {
                return out;
            }
        }
    }
    out
}

/// True when `partner` has a purchase with `customer` in force on the day checked, as seller or as
/// billing provider, other than `sale`.
fn serves_another_purchase(ctx: &Ctx, partner: &PartyId, customer: &PartyId, sale: &Link) -> bool {
    ctx.links_to(customer).any(|l| {
        l.kind == LinkKind::Purchase
            && l.id != sale.id
            && (l.from == *partner || l.via.as_ref() == Some(partner))
    })
}

/// `old`'s reseller relationship with the sale's customer, in force and covering the sale's date,
/// when it serves no other purchase: it can move with the sale instead of a new one being made.
fn carried_relationship<'a>(ctx: &Ctx<'a>, old: &PartyId, sale: &Link) -> Option<&'a Link> {
    if serves_another_purchase(ctx, old, &sale.to, sale) {
        return None;
    }
    ctx.links_to(&sale.to)
        .find(|l| l.kind == LinkKind::Reseller && l.from == *old && l.exists_at(sale.date))
}

/// The edit that moves `sale` to `route`, and its label ("Sell from Res JP (JP) instead, billed by
/// Dist JP, …"). A purchase also gets the reseller relationships it needs: with `carry`, the old
/// seller's and old billing provider's relationships with the customer move along when they served
/// only this sale (so a cross-region sale moves whole, relationships and all); otherwise new ones,
/// dated as the sale, are added.
pub(crate) fn move_sale(ctx: &Ctx, sale: &Link, route: &Route, carry: bool) -> (String, Edit) {
    let mut moved = sale.clone();
    moved.from = route.seller.id;
    moved.via = route.via.map(|v| v.id);
    let mut also: Vec<String> = Vec::new();
    let mut edits = vec![Edit::UpdateLink(moved)];
    if sale.kind == LinkKind::Purchase {
        let customer = ctx.name(&sale.to);
        let old_via = ctx
            .party(&sale.from)
            .filter(|p| p.kind == PartyKind::IndirectReseller)
            .and(sale.via.as_ref());
        let pairs = [
            (Some(route.seller), Some(&sale.from), route.via),
            (route.via, old_via, None),
        ];
        for (partner, old, billed_by) in pairs {
            let Some(partner) = partner else { continue };
            if ctx.has_reseller_relationship(&partner.id, &sale.to, sale.date) {
                continue;
            }
            let carried = old
                .filter(|_| carry)
                .filter(|old| **old != partner.id)
                .and_then(|old| carried_relationship(ctx, old, sale));
            match carried {
                Some(relationship) => {
                    let mut taken = relationship.clone();
                    taken.from = partner.id;
                    taken.via = billed_by.map(|b| b.id);
                    also.push(format!(
                        "moving {}'s reseller relationship with {customer} to {}",
                        ctx.name(&relationship.from),
                        partner.name
                    ));
                    edits.push(Edit::UpdateLink(taken));
                }
                None => {
                    let id = ctx
                        .scenario
                        .fresh_link_id(&format!("reseller-{}-{}", partner.id, sale.to));
                    let mut relationship =
                        Link::new(id, LinkKind::Reseller, partner.id, sale.to, sale.date);
                    relationship.via = billed_by.map(|b| b.id);
                    also.push(format!(
                        "adding {}'s reseller relationship with {customer}",
                        partner.name
                    ));
                    edits.push(Edit::AddLink(relationship));
                }
            }
        }
    }
    let mut label = route.describe();
    match also.split_last() {
        Some((last, [])) => label.push_str(&format!(", {last}")),
        Some((last, rest)) => label.push_str(&format!(", {} and {last}", rest.join(", "))),
        None => {}
    }
    (label, Edit::Batch(edits))
}
