//! The shape of the channel: which links form a program chain, and whether a sale reaches Microsoft.
//! Owns: `reseller_billed_by_microsoft`, `invalid_chain`, `incomplete_chain`, `provider_sells_direct`,
//! `partnership_pending`. Must not: judge who may sell to whom (sales.rs) or when (readiness.rs).
//!
//! One file of about 870 lines on purpose: nearly half is the tests over minimal channels, kept beside
//! the five rules they pin (the house's way: the check and its tests side by side).
//!
//! A link that ended, or is made only later, is named as such with its date, never as missing.

use super::context::{At, Ctx, Node, NotInForce};
use super::history::end_with;
use super::{Finding, Name, RuleId, Subject};
use crate::edit::Edit;
use crate::model::{Date, Link, LinkKind, LinkStatus, Party, PartyId, PartyKind};

/// True when a link of `kind` from a `from` party to a `to` party is one of the program's chains.
pub fn forms_chain(kind: LinkKind, from: PartyKind, to: PartyKind) -> bool {
    use PartyKind::*;
    match kind {
        LinkKind::Supply => from == Microsoft && matches!(to, IndirectProvider | DirectBill),
        LinkKind::Partnership => from == IndirectProvider && to == IndirectReseller,
        LinkKind::Reseller | LinkKind::Admin | LinkKind::Purchase => {
            from.is_partner() && to == Customer
        }
    }
}

/// The link kinds that form a chain between two parties, in [`LinkKind::ALL`] order: what the canvas
/// offers first when a link is dragged from one to the other.
pub fn chain_kinds(from: PartyKind, to: PartyKind) -> Vec<LinkKind> {
    LinkKind::ALL
        .into_iter()
        .filter(|k| forms_chain(*k, from, to))
        .collect()
}

/// Checks that a link is a program chain. Returns false (after recording the finding) when it is not,
/// in which case no other rule looks at the link.
pub(crate) fn check_shape(ctx: &Ctx, at: &At, out: &mut Vec<Finding>) -> bool {
    let (link, from, to) = (at.link, at.from.party, at.to.party);
    if forms_chain(link.kind, from.kind, to.kind) {
        return true;
    }
    let subject = Subject::Link(link.id);
    let path = vec![link.from, link.to];
    if from.kind == PartyKind::Microsoft
        && to.kind == PartyKind::IndirectReseller
        && matches!(link.kind, LinkKind::Supply | LinkKind::Purchase)
    {
        let mut finding = Finding::new(
            RuleId::ResellerBilledByMicrosoft,
            subject,
            path,
            format!(
                "{} is an indirect reseller, but this {} bills it directly from Microsoft. Indirect resellers transact through an indirect provider.",
                Name(&to.id),
                link.kind.label()
            ),
        );
        if ctx.fixes {
            finding = make_direct_bill(ctx, to, finding);
        }
        if ctx.fixes
            && let Some(provider) = ctx
                .scenario
                .parties_of_kind_in(PartyKind::IndirectProvider, ctx.region(to))
                .next()
        {
            let already = ctx.partnerships_of(&to.id).any(|p| p.from == provider.id);
            if already {
                finding = finding.fix(
                    format!(
                        "Route it through {}: remove it ({} already partners with {})",
                        provider.name, provider.name, to.name
                    ),
                    Edit::RemoveLink(link.id),
                );
            } else {
                let mut partnership = link.clone();
                partnership.kind = LinkKind::Partnership;
                partnership.from = provider.id;
                partnership.via = None;
                partnership.offer = None;
                partnership.tenant = None;
                partnership.publisher = Default::default();
                finding = finding.fix(
                    format!(
                        "Route it through {}: replace it by a partnership",
                        provider.name
                    ),
                    Edit::UpdateLink(partnership),
                );
            }
        }
        out.push(finding);
        return false;
    }
    let mut finding = Finding::new(
        RuleId::InvalidChain,
        subject,
        path,
        format!(
            "{}{} from {} to {} is not part of any program chain: {}.",
            if link.kind == LinkKind::Admin {
                "An "
            } else {
                "A "
            },
            link.kind.label(),
            with_kind(from),
            with_kind(to),
            expected_ends(link.kind)
        ),
    );
    if !ctx.fixes {
        out.push(finding);
        return false;
    }
    if forms_chain(link.kind, to.kind, from.kind) {
        let mut reversed = link.clone();
        std::mem::swap(&mut reversed.from, &mut reversed.to);
        finding = finding.fix(
            format!("Reverse it: {} → {}", to.name, from.name),
            Edit::UpdateLink(reversed),
        );
    }
    for kind in chain_kinds(from.kind, to.kind) {
        let mut retyped = link.clone();
        retyped.kind = kind;
        finding = finding.fix(
            format!("Make it {} instead", kind.with_article()),
            Edit::UpdateLink(retyped),
        );
    }
    out.push(finding);
    false
}

/// "Make X a direct-bill partner", as one undo step: X's kind changes, its partnerships (which a
/// direct-bill partner cannot have) are removed, and its sales stop naming a billing provider. The
/// label names every removal.
fn make_direct_bill(ctx: &Ctx, reseller: &Party, finding: Finding) -> Finding {
    let mut direct = reseller.clone();
    direct.kind = PartyKind::DirectBill;
    direct.onboarded = false;
    direct.enrolled = false;
    let mut edits = vec![Edit::UpdateParty(direct)];
    let mut providers = Vec::new();
    for l in ctx.scenario.links_to(reseller.id.as_str()) {
        if l.kind == LinkKind::Partnership {
            providers.push(ctx.name(&l.from));
            edits.push(Edit::RemoveLink(l.id));
        }
    }
    let mut unbilled = false;
    for l in ctx.scenario.links_from(reseller.id.as_str()) {
        if matches!(l.kind, LinkKind::Purchase | LinkKind::Reseller) && l.via.is_some() {
            let mut direct_sale = l.clone();
            direct_sale.via = None;
            edits.push(Edit::UpdateLink(direct_sale));
            unbilled = true;
        }
    }
    let mut label = format!("Make {} a direct-bill partner", reseller.name);
    if !providers.is_empty() {
        providers.sort();
        providers.dedup();
        label.push_str(&format!(
            ", ending its partnerships with {}",
            providers.join(", ")
        ));
    }
    if unbilled {
        label.push_str(", and let it bill its own sales");
    }
    finding.fix(label, Edit::Batch(edits))
}

fn expected_ends(kind: LinkKind) -> &'static str {
    match kind {
        LinkKind::Supply => "Microsoft supplies indirect providers and direct-bill partners",
        LinkKind::Partnership => {
            "partnerships run from an indirect provider to an indirect reseller"
        }
        LinkKind::Reseller => "reseller relationships run from a partner to a customer",
        LinkKind::Admin => "admin relationships run from a partner to a customer",
        LinkKind::Purchase => "customers buy from partners",
    }
}

/// `incomplete_chain`, `provider_sells_direct` and `partnership_pending` on a purchase.
pub(crate) fn check_purchase_chain(ctx: &Ctx, at: &At, out: &mut Vec<Finding>) {
    let (link, seller) = (at.link, at.from);
    let customer = at.to.name.as_str();
    let (named_seller, named_customer) = (Name(&link.from), Name(&link.to));
    let subject = || Subject::Link(link.id);
    match seller.kind {
        PartyKind::DirectBill | PartyKind::IndirectProvider => {
            if !ctx.supplied(seller.ix) {
                out.push(missing_supply(
                    ctx,
                    link,
                    seller,
                    format!("{named_seller} sells to {named_customer}, but "),
                ));
            }
            if seller.kind == PartyKind::IndirectProvider {
                let mut finding = Finding::new(
                    RuleId::ProviderSellsDirect,
                    subject(),
                    ctx.path_of(link),
                    format!(
                        "{} is an indirect provider selling straight to {} with no indirect reseller; the customer becomes a direct customer of the provider.",
                        named_seller, named_customer
                    ),
                );
                // A few routes are enough to choose from; a provider with thousands of resellers
                // must not turn one finding into thousands of fixes.
                for partnership in ctx
                    .links_from(&seller.id)
                    .filter(|l| l.kind == LinkKind::Partnership && l.status == LinkStatus::Accepted)
                    .take(if ctx.fixes { 3 } else { 0 })
                {
                    let mut routed = link.clone();
                    routed.from = partnership.to;
                    routed.via = Some(seller.id);
                    let mut edits = vec![Edit::UpdateLink(routed)];
                    let reseller = ctx.name(&partnership.to);
                    let mut label = format!("Sell through {reseller} (billed by {})", seller.name);
                    // The reseller needs its own reseller relationship with the customer, billed
                    // by the provider; add it in the same step when it is missing.
                    let has_relationship =
                        ctx.has_reseller_relationship(&partnership.to, &link.to, link.date);
                    if !has_relationship {
                        let id = ctx
                            .scenario
                            .fresh_link_id(&format!("reseller-{}-{}", partnership.to, link.to));
                        edits.push(Edit::AddLink(
                            Link::new(id, LinkKind::Reseller, partnership.to, link.to, link.date)
                                .via(seller.id),
                        ));
                        label.push_str(&format!(
                            ", adding {reseller}'s reseller relationship with {customer}"
                        ));
                    }
                    finding = finding.fix(label, Edit::Batch(edits));
                }
                out.push(finding);
            }
        }
        PartyKind::IndirectReseller => check_indirect_sale(ctx, at, out),
        PartyKind::Microsoft | PartyKind::Customer => {}
    }
}

fn check_indirect_sale(ctx: &Ctx, at: &At, out: &mut Vec<Finding>) {
    let link = at.link;
    // In messages, names are marked ids, filled in when shown; labels of fixes (worked out fresh)
    // name parties as they are.
    let (reseller, customer) = (Name(&link.from), Name(&link.to));
    let (reseller_name, customer_name) = (at.from.name.as_str(), at.to.name.as_str());
    let subject = || Subject::Link(link.id);
    if let Some(provider) = at.via
        && provider.kind != PartyKind::IndirectProvider
    {
        out.push(Finding::new(
            RuleId::IncompleteChain,
            subject(),
            ctx.path_of(link),
            format!(
                "{} sells to {} billed by {}, but {} is {}, not an indirect provider.",
                reseller,
                customer,
                Name(&provider.id),
                Name(&provider.id),
                provider.kind.with_article()
            ),
        ));
        return;
    }
    // The reseller's partnerships (with the sale's `via` when it names one), in one pass and no
    // list: every sale of every reseller asks. When several qualify, the finding names the
    // partnership last by link id ([`Ctx::billing_provider`] says why), never the first in the
    // graph's edge order: that order is how the links happened to be added, so the same channel
    // built another way (a what-if read as its changes to its base) named another provider
    // (tests/incremental.rs, seed ee21e5d1).
    let mut accepted: Option<(Node, &Link)> = None;
    let mut any_supplied = false;
    let mut pending: Option<&Link> = None;
    for (provider, partnership) in ctx.partnerships_into(at.from.ix) {
        if at.via.is_some_and(|v| v.ix != provider.ix) {
            continue;
        }
        match partnership.status {
            LinkStatus::Accepted => {
                if accepted.is_none_or(|(_, named)| partnership.id > named.id) {
                    accepted = Some((provider, partnership));
                }
                any_supplied = any_supplied || ctx.supplied(provider.ix);
            }
            LinkStatus::Pending => {
                if pending.is_none_or(|named| partnership.id > named.id) {
                    pending = Some(partnership);
                }
            }
        }
    }
    if accepted.is_none()
        && let Some(first) = pending
    {
        let mut accept = first.clone();
        accept.status = LinkStatus::Accepted;
        out.push(
            Finding::new(
                RuleId::PartnershipPending,
                subject(),
                ctx.path_of(link),
                format!(
                    "{} sells to {}, but its partnership with {} is still pending: the provider may transact for it only after it accepts.",
                    reseller,
                    customer,
                    Name(&first.from)
                ),
            )
            .fix(
                format!("Accept the partnership of {} with {}", reseller_name, ctx.name(&first.from)),
                Edit::UpdateLink(accept),
            ),
        );
        return;
    }
    let Some((provider, _)) = accepted else {
        let via_ix = at.via.map(|v| v.ix);
        if let Some(gone) =
            ctx.link_not_in_force(LinkKind::Partnership, via_ix, at.from.ix, ctx.as_of)
        {
            out.push(partnership_not_in_force(ctx, at, gone));
            return;
        }
        let message = match &link.via {
            Some(via) => format!(
                "{} sells to {} billed by {}, but has no partnership with {}.",
                reseller,
                customer,
                Name(via),
                Name(via)
            ),
            None => format!(
                "{reseller} sells to {customer}, but has no partnership with any indirect provider, so the sale cannot reach Microsoft."
            ),
        };
        let mut finding = Finding::new(
            RuleId::IncompleteChain,
            subject(),
            ctx.path_of(link),
            message,
        );
        let candidate = link.via.or_else(|| supplied_provider_near(ctx, &link.from));
        if ctx.fixes
            && let Some(provider) = candidate
        {
            let id = ctx
                .scenario
                .fresh_link_id(&format!("partnership-{}-{}", provider, link.from));
            let partnership = Link::new(id, LinkKind::Partnership, provider, link.from, link.date);
            let mut edits = vec![Edit::AddLink(partnership)];
            let mut label = format!(
                "Add a partnership from {} to {}",
                ctx.name(&provider),
                reseller_name
            );
            // Once the provider bills the sale, it needs its own reseller relationship with the
            // customer (`no_reseller_relationship`): add it in the same step when it is missing.
            if let Some(relationship) = ctx.missing_reseller_relationship(&provider, link) {
                edits.push(Edit::AddLink(relationship));
                label.push_str(&format!(
                    ", and {}'s reseller relationship with {}",
                    ctx.name(&provider),
                    customer_name
                ));
            }
            finding = finding.fix(label, Edit::Batch(edits));
        }
        out.push(finding);
        return;
    };
    if !any_supplied {
        out.push(missing_supply(
            ctx,
            link,
            provider,
            format!(
                "{reseller} sells to {customer} through {}, but ",
                Name(&provider.id)
            ),
        ));
    }
}

/// How a message names the day a link was looked for: the sale's own day (the audit reading, or a
/// check as of that very day) or the day checked.
fn after_what(ctx: &Ctx, link: &Link) -> String {
    if ctx.as_of == link.date {
        format!("after this sale on {}", link.date)
    } else {
        format!("after the day checked, {}", ctx.as_of)
    }
}

/// `incomplete_chain` for a reseller whose partnership ended, or is made only later: the message
/// says which and when, and the fixes fit it (renewed after its end, or the sale ended with it).
fn partnership_not_in_force(ctx: &Ctx, at: &At, gone: NotInForce) -> Finding {
    let link = at.link;
    let (reseller, customer) = (Name(&link.from), Name(&link.to));
    let (provider, message) = match gone {
        NotInForce::Ended { from, on, .. } => (
            from,
            format!(
                "{reseller}'s partnership with {} ended on {on}: {reseller} sells to {customer} through it, but the subscription cannot be renewed or changed through that chain.",
                Name(&from.id)
            ),
        ),
        NotInForce::Later { from, on, .. } => (
            from,
            format!(
                "{reseller}'s partnership with {} was made on {on}, {}: {reseller} sells to {customer} with no partnership in force.",
                Name(&from.id),
                after_what(ctx, link)
            ),
        ),
    };
    let mut finding = Finding::new(
        RuleId::IncompleteChain,
        Subject::Link(link.id),
        ctx.path_of(link),
        message,
    );
    if let (true, NotInForce::Ended { link: old, on, .. }) = (ctx.fixes, gone) {
        let id = ctx
            .scenario
            .fresh_link_id(&format!("partnership-{}-{}", provider.id, link.from));
        let mut renewed = Link::new(id, LinkKind::Partnership, provider.id, link.from, on);
        renewed.status = old.status;
        finding = finding.fix(
            format!(
                "Renew the partnership of {} with {} on {on} (it ended then)",
                provider.name, at.from.name
            ),
            Edit::AddLink(renewed),
        );
        finding = end_with(finding, link, on, "the partnership ended");
    }
    finding
}

/// An indirect provider supplied by Microsoft in the reseller's region.
fn supplied_provider_near(ctx: &Ctx, reseller: &PartyId) -> Option<PartyId> {
    let region = ctx.party(reseller).and_then(|r| ctx.region(r));
    let supplied = |p: &&crate::model::Party| ctx.supplied_by_microsoft(&p.id);
    let near = ctx
        .scenario
        .parties_of_kind_in(PartyKind::IndirectProvider, region)
        .find(supplied);
    // Only a provider of the reseller's region: one of another region would trade this finding
    // for `cross_region_partnership`. A reseller of unknown region may take any provider.
    near.or_else(|| {
        region.is_none().then(|| {
            ctx.scenario
                .parties_of_kind(PartyKind::IndirectProvider)
                .filter(supplied)
                .min_by(|a, b| a.id.cmp(&b.id))
        })?
    })
    .map(|p| p.id)
}

/// `incomplete_chain` for a seller or billing provider that Microsoft does not supply as of the
/// day: `lead` is the start of the message ("X sells to C, but "), the rest says whether the supply
/// ended, is made only later, or was never drawn, with the fixes that fit.
fn missing_supply(ctx: &Ctx, link: &Link, buyer: Node, lead: String) -> Finding {
    let ms = ctx.scenario.microsoft();
    let gone = ms
        .and_then(|m| ctx.scenario.party_index(m.id.as_str()))
        .and_then(|m| ctx.link_not_in_force(LinkKind::Supply, Some(m), buyer.ix, ctx.as_of));
    let named = Name(&buyer.id);
    let message = match (gone, ms) {
        (Some(NotInForce::Ended { on, .. }), Some(ms)) => format!(
            "{lead}{}'s supply to {named} ended on {on}: the subscription cannot be renewed or changed through that chain.",
            Name(&ms.id)
        ),
        (Some(NotInForce::Later { on, .. }), Some(ms)) => format!(
            "{lead}{}'s supply to {named} is dated {on}, {}.",
            Name(&ms.id),
            after_what(ctx, link)
        ),
        _ => format!(
            "{lead}{named}, {}, has no supply link from Microsoft.",
            buyer.kind.with_article()
        ),
    };
    let mut finding = Finding::new(
        RuleId::IncompleteChain,
        Subject::Link(link.id),
        ctx.path_of(link),
        message,
    );
    let Some(ms) = ms.filter(|_| ctx.fixes) else {
        return finding;
    };
    let supply = |date: Date| {
        let id = ctx.scenario.fresh_link_id(&format!("supply-{}", buyer.id));
        Link::new(id, LinkKind::Supply, ms.id, buyer.id, date)
    };
    match gone {
        Some(NotInForce::Ended { on, .. }) => {
            finding = finding.fix(
                format!(
                    "Renew {}'s supply to {} on {on} (it ended then)",
                    ms.name, buyer.name
                ),
                Edit::AddLink(supply(on)),
            );
            end_with(finding, link, on, "the supply ended")
        }
        // A supply made only later is not moved back; a second one would repeat it.
        Some(NotInForce::Later { .. }) => finding,
        None => finding.fix(
            format!("Add supply from {} to {}", ms.name, buyer.name),
            Edit::AddLink(supply(link.date)),
        ),
    }
}

/// A party named in a sentence with its kind set off by commas ("Fabrikam, a direct-bill partner,"):
/// in brackets the kind ran into a name that has brackets of its own ("Fabrikam (direct-bill)
/// (direct-bill partner)"). Microsoft is its own kind.
fn with_kind(party: &Party) -> String {
    match party.kind {
        PartyKind::Microsoft => Name(&party.id).to_string(),
        kind => format!("{}, {},", Name(&party.id), kind.with_article()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::model::Party;
    use crate::rules::check;

    #[test]
    fn microsoft_billing_a_reseller_is_flagged_and_nothing_else() {
        let findings = after(
            |s| {
                s.add_link(Link::new(
                    "bad",
                    LinkKind::Supply,
                    "ms",
                    "res",
                    d("2021-01-01"),
                ))
                .unwrap();
            },
            RuleId::ResellerBilledByMicrosoft,
        );
        assert_eq!(subjects(&findings), ["bad"]);
        let mut s = valid_channel();
        s.add_link(Link::new(
            "bad",
            LinkKind::Supply,
            "ms",
            "res",
            d("2021-01-01"),
        ))
        .unwrap();
        let on_bad: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.subject == Subject::Link("bad".into()))
            .collect();
        assert_eq!(
            on_bad.len(),
            1,
            "no other finding on that link: {on_bad:#?}"
        );
        let fixed = apply_first_fix(s, &on_bad);
        assert!(
            check(&fixed)
                .iter()
                .all(|f| f.rule != RuleId::ResellerBilledByMicrosoft)
        );
    }

    #[test]
    fn supply_to_a_provider_is_not_billing_a_reseller() {
        assert!(after(|_| {}, RuleId::ResellerBilledByMicrosoft).is_empty());
    }

    #[test]
    fn reseller_to_reseller_is_not_a_chain() {
        let findings = after(
            |s| {
                s.add_party(Party::new("res2", PartyKind::IndirectReseller).in_country("US"))
                    .unwrap();
                s.add_link(Link::new(
                    "rr",
                    LinkKind::Partnership,
                    "res",
                    "res2",
                    d("2021-01-01"),
                ))
                .unwrap();
            },
            RuleId::InvalidChain,
        );
        assert_eq!(subjects(&findings), ["rr"]);
        assert!(
            findings[0]
                .message
                .contains("not part of any program chain")
        );
    }

    #[test]
    fn a_reversed_purchase_offers_to_reverse_it() {
        let mut s = valid_channel();
        s.add_link(
            Link::new("rev", LinkKind::Admin, "c2", "db", d("2021-01-01")).gdap(
                &["Helpdesk Administrator"],
                90,
                false,
            ),
        )
        .unwrap();
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::InvalidChain)
            .collect();
        assert_eq!(subjects(&findings), ["rev"]);
        assert!(findings[0].fixes[0].label.starts_with("Reverse"));
        let fixed = apply_first_fix(s, &findings);
        // The reversed 90-day relationship of 2021 has expired by 2024: only that warning is left.
        let left: Vec<_> = check(&fixed).into_iter().map(|f| f.rule).collect();
        assert_eq!(left, [RuleId::GdapExpired]);
    }

    #[test]
    fn valid_chains_are_not_flagged() {
        assert!(after(|_| {}, RuleId::InvalidChain).is_empty());
        assert_eq!(
            chain_kinds(PartyKind::DirectBill, PartyKind::Customer),
            [LinkKind::Reseller, LinkKind::Admin, LinkKind::Purchase]
        );
        assert_eq!(chain_kinds(PartyKind::Customer, PartyKind::DirectBill), []);
    }

    #[test]
    fn direct_bill_with_no_supply_is_incomplete_and_fixable() {
        let mut s = valid_channel();
        s.remove_link(&"s-db".into()).unwrap();
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::IncompleteChain)
            .collect();
        assert_eq!(subjects(&findings), ["buy2"]);
        assert!(check(&apply_first_fix(s, &findings)).is_empty());
    }

    #[test]
    fn reseller_with_no_partnership_is_incomplete_and_fixable() {
        let mut s = valid_channel();
        s.remove_link(&"p".into()).unwrap();
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::IncompleteChain)
            .collect();
        assert_eq!(subjects(&findings), ["buy1"]);
        assert!(check(&apply_first_fix(s, &findings)).is_empty());
    }

    #[test]
    fn reseller_whose_provider_has_no_supply_is_incomplete() {
        let findings = after(
            |s| drop(s.remove_link(&"s-dist".into())),
            RuleId::IncompleteChain,
        );
        assert_eq!(subjects(&findings), ["buy1"]);
        assert!(
            findings[0]
                .message
                .contains("Dist, an indirect provider, has no supply"),
            "{}",
            findings[0].message
        );
    }

    #[test]
    fn a_future_supply_does_not_complete_the_chain() {
        let findings = after(
            |s| change_link(s, "s-db", |l| l.date = d("2030-01-01")),
            RuleId::IncompleteChain,
        );
        assert_eq!(subjects(&findings), ["buy2"]);
    }

    #[test]
    fn provider_selling_direct_is_a_warning_with_a_reroute() {
        let mut s = valid_channel();
        s.add_link(Link::new(
            "direct",
            LinkKind::Purchase,
            "dist",
            "c1",
            d("2021-03-01"),
        ))
        .unwrap();
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::ProviderSellsDirect)
            .collect();
        assert_eq!(subjects(&findings), ["direct"]);
        assert_eq!(findings[0].severity, crate::rules::Severity::Warning);
        let fixed = apply_first_fix(s, &findings);
        assert_eq!(fixed.link("direct").unwrap().from.as_str(), "res");
        assert!(check(&fixed).is_empty(), "{:#?}", check(&fixed));
    }

    #[test]
    fn a_sale_through_a_pending_partnership_is_flagged_once() {
        let mut s = valid_channel();
        change_link(&mut s, "p", |l| l.status = LinkStatus::Pending);
        let all = check(&s);
        let pending: Vec<_> = all
            .iter()
            .filter(|f| f.rule == RuleId::PartnershipPending)
            .cloned()
            .collect();
        assert_eq!(subjects(&pending), ["buy1"]);
        assert!(
            all.iter().all(|f| f.rule != RuleId::IncompleteChain),
            "pending is not also incomplete"
        );
        assert!(check(&apply_first_fix(s, &pending)).is_empty());
    }

    #[test]
    fn an_accepted_partnership_is_not_pending() {
        assert!(after(|_| {}, RuleId::PartnershipPending).is_empty());
    }

    /// Regression: a "partnership" whose other end is not an indirect provider is no program chain,
    /// so it neither completes the reseller's chain nor makes it pending.
    #[test]
    fn a_partnership_from_a_non_provider_does_not_complete_the_chain() {
        for from in ["db", "ms", "c2"] {
            for pending in [false, true] {
                let mut s = valid_channel();
                change_link(&mut s, "p", |l| {
                    l.from = from.into();
                    l.status = if pending {
                        LinkStatus::Pending
                    } else {
                        LinkStatus::Accepted
                    };
                });
                let on_sale: Vec<_> = check(&s)
                    .into_iter()
                    .filter(|f| f.subject == Subject::Link("buy1".into()))
                    .map(|f| f.rule)
                    .collect();
                assert!(
                    on_sale.contains(&RuleId::IncompleteChain),
                    "from {from}, pending {pending}: {on_sale:?}"
                );
                assert!(
                    !on_sale.contains(&RuleId::PartnershipPending),
                    "from {from}"
                );
            }
        }
    }

    // ---- Issue 22: ended links described as ended, with fixes that fit ----

    /// Regression: a partnership that ended was reported as "no partnership with any indirect
    /// provider", and its re-creation withheld as "a link that is already there".
    #[test]
    fn an_ended_partnership_is_named_ended_and_renewed_after_its_end() {
        let mut s = valid_channel();
        change_link(&mut s, "p", |l| l.ended = Some(d("2023-06-30")));
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::IncompleteChain)
            .collect();
        assert_eq!(subjects(&findings), ["buy1"]);
        assert!(
            findings[0]
                .message
                .contains("Res's partnership with Dist ended on 2023-06-30"),
            "{}",
            findings[0].message
        );
        let proven = crate::rules::fixes::prove(&s, s.as_of(), &findings);
        let labels: Vec<&str> = proven[0]
            .finding
            .fixes
            .iter()
            .map(|f| f.label.as_str())
            .collect();
        assert!(
            labels
                .iter()
                .any(|l| l.starts_with("Renew the partnership")),
            "{labels:?} {:?}",
            proven[0].withheld
        );
        assert!(
            labels
                .iter()
                .any(|l| l.starts_with("End this purchase on 2023-06-30")),
            "{labels:?}"
        );
        for fix in &proven[0].finding.fixes {
            let mut fixed = s.clone();
            fix.edit.clone().apply(&mut fixed).unwrap();
            assert_eq!(
                fixed.link("p").unwrap().ended,
                Some(d("2023-06-30")),
                "{}",
                fix.label
            );
            assert!(
                check(&fixed)
                    .iter()
                    .all(|f| f.rule != RuleId::IncompleteChain),
                "{}: {:#?}",
                fix.label,
                check(&fixed)
            );
        }
    }

    /// Regression: an ended supply was "no supply link from Microsoft".
    #[test]
    fn an_ended_supply_is_named_ended() {
        let findings = after(
            |s| change_link(s, "s-db", |l| l.ended = Some(d("2022-01-01"))),
            RuleId::IncompleteChain,
        );
        assert!(
            findings[0]
                .message
                .contains("Microsoft's supply to DB ended on 2022-01-01"),
            "{}",
            findings[0].message
        );
    }

    /// Regression: the audit reading said "has no partnership" of a partnership made after the
    /// sale.
    #[test]
    fn the_audit_reading_says_the_partnership_was_made_after_the_sale() {
        let mut s = valid_channel();
        change_link(&mut s, "p", |l| l.date = d("2021-06-01"));
        let strict = crate::rules::check_strict_dates(&s, s.as_of());
        assert_eq!(strict.len(), 1, "{strict:#?}");
        assert!(
            strict[0]
                .message
                .contains("Res's partnership with Dist was made on 2021-06-01, after this sale"),
            "{}",
            strict[0].message
        );
    }

    /// A reseller with two accepted providers, neither supplied by Microsoft: the finding on its
    /// sale names the partnership last by id whichever was added first (by edge order, a what-if
    /// read back as its changes to the base named the other one).
    #[test]
    fn an_unsupplied_chain_names_the_partnership_last_by_id_in_any_link_order() {
        for order in [["pz", "pa"], ["pa", "pz"]] {
            let mut s = valid_channel();
            s.remove_link(&"p".into()).unwrap();
            for provider in order {
                s.add_party(
                    Party::new(provider, PartyKind::IndirectProvider)
                        .in_country("US")
                        .mpa(d("2019-06-01")),
                )
                .unwrap();
            }
            for provider in order {
                s.add_link(Link::new(
                    format!("p-{provider}").as_str(),
                    LinkKind::Partnership,
                    provider,
                    "res",
                    d("2021-01-01"),
                ))
                .unwrap();
            }
            s.add_link(Link::new(
                "buy3",
                LinkKind::Purchase,
                "res",
                "c1",
                d("2021-03-01"),
            ))
            .unwrap();
            let on_sale: Vec<_> = check(&s)
                .into_iter()
                .filter(|f| f.subject == Subject::Link("buy3".into()))
                .collect();
            assert_eq!(on_sale.len(), 1, "{on_sale:#?}");
            assert_eq!(on_sale[0].rule, RuleId::IncompleteChain);
            assert!(
                on_sale[0]
                    .message
                    .starts_with("Res sells to C1 through pz, but pz,"),
                "added {order:?}: {}",
                on_sale[0].message
            );
            let path: Vec<_> = on_sale[0].path.iter().map(|p| p.as_str()).collect();
            assert_eq!(path, ["pz", "res", "c1"], "added {order:?}");
        }
    }
}
