//! Whether each party may transact at the link's date: agreements signed, reseller onboarded and
//! enrolled, direct-bill partner not restricted.
//! Owns: `mpa_missing`, `reseller_not_ready`, `restricted_direct_bill`, `mca_missing`. Must not move a
//! recorded date back in a fix: a link dated before a signature moves forward to it instead.

use super::context::{At, Ctx, Node};
use super::history::move_to;
use super::reroute::{move_sale, routes};
use super::{Finding, Name, RuleId, Severity, Subject};
use crate::edit::Edit;
use crate::model::identity::same_tenant;
use crate::model::{Link, LinkKind, Party, PartyId, PartyKind, mpa_effective_date};

/// The partners whose MPA a link needs: the buyer of a supply, both sides of a partnership, the seller
/// and the billing provider of a reseller relationship or purchase.
fn mpa_parties<'a>(at: &At<'a>) -> impl Iterator<Item = Node<'a>> + 'a {
    let (first, second) = match at.link.kind {
        LinkKind::Supply => (Some(at.to), None),
        LinkKind::Partnership => (Some(at.from), Some(at.to)),
        LinkKind::Reseller | LinkKind::Purchase => {
            let from = at.from;
            (Some(from), at.via.filter(|v| v.ix != from.ix))
        }
        LinkKind::Admin => (None, None),
    };
    first.into_iter().chain(second)
}

/// The date to offer when marking an agreement signed: the earliest date among the party's links, so
/// that the fix covers every link at once, and never later than `at_latest`.
fn earliest_link_date(
    ctx: &Ctx,
    party: &PartyId,
    at_latest: crate::model::Date,
) -> crate::model::Date {
    ctx.earliest_link_date(party)
        .map_or(at_latest, |d| d.min(at_latest))
}

pub(crate) fn check_mpa(ctx: &Ctx, at: &At, out: &mut Vec<Finding>) {
    let link = at.link;
    if link.date < mpa_effective_date() {
        return;
    }
    for party in mpa_parties(at) {
        if !party.kind.is_partner() || party.mpa_signed_by(link.date) {
            continue;
        }
        let id = &party.id;
        let state = match party.mpa_signed {
            Some(signed) => format!("signed the Microsoft Partner Agreement only on {signed}"),
            None => "has not signed the Microsoft Partner Agreement".to_owned(),
        };
        let finding = Finding::new(
            RuleId::MpaMissing,
            Subject::Link(link.id),
            ctx.path_of(link),
            format!(
                "{}, {}, {}, but this {} is dated {}; every partner that transacts in CSP since 2020-02-01 must have signed it.",
                Name(id),
                party.kind.with_article(),
                state,
                link.kind.label(),
                link.date
            ),
        );
        out.push(match party.mpa_signed {
            // A recorded signature is never moved back: the link moves forward to it.
            Some(signed) if ctx.fixes => move_to(
                ctx,
                link,
                signed,
                &format!("the day {} signed the MPA", party.name),
                finding,
            ),
            Some(_) => finding,
            None => finding.fix_with(ctx.fixes, || {
                let date = earliest_link_date(ctx, id, link.date);
                let mut signed = party.party.clone();
                signed.mpa_signed = Some(date);
                (
                    format!("Mark the MPA of {} signed on {}", party.name, date),
                    Edit::UpdateParty(signed),
                )
            }),
        });
    }
}

/// The steps an indirect reseller still has to take before the link's date.
fn missing_steps(reseller: &Party, link: &Link) -> Vec<&'static str> {
    let mut steps = Vec::new();
    if !reseller.onboarded {
        steps.push("onboard into Partner Center");
    }
    if !reseller.enrolled {
        steps.push("enroll as an indirect reseller");
    }
    if link.date >= mpa_effective_date() && !reseller.mpa_signed_by(link.date) {
        steps.push("sign the Microsoft Partner Agreement");
    }
    steps
}

pub(crate) fn check_reseller_ready(ctx: &Ctx, at: &At, out: &mut Vec<Finding>) {
    let link = at.link;
    let (reseller, severity) = match link.kind {
        LinkKind::Purchase => (at.from.party, Severity::Violation),
        LinkKind::Partnership => (at.to.party, Severity::Warning),
        _ => return,
    };
    let reseller_id = &reseller.id;
    if reseller.kind != PartyKind::IndirectReseller {
        return;
    }
    let steps = missing_steps(reseller, link);
    if steps.is_empty() {
        return;
    }
    let todo = match steps.as_slice() {
        [.., last] if steps.len() > 1 => {
            format!("{} and {last}", steps[..steps.len() - 1].join(", "))
        }
        _ => steps.join(""),
    };
    let finding = Finding::new(
        RuleId::ResellerNotReady,
        Subject::Link(link.id),
        ctx.path_of(link),
        format!(
            "{} is not ready to transact as an indirect reseller on {}: it still has to {}.",
            Name(reseller_id),
            link.date,
            todo
        ),
    )
    .severity(severity);
    if !ctx.fixes {
        out.push(finding);
        return;
    }
    let mut ready = reseller.clone().ready();
    let mut label = format!("{}: {}", reseller.name, capitalize(&todo));
    let mut edits = Vec::new();
    let needs_mpa = link.date >= mpa_effective_date() && !reseller.mpa_signed_by(link.date);
    match reseller.mpa_signed {
        Some(signed) if needs_mpa => {
            // Signed later than the link: the signature stays, the link moves forward to it.
            if signed <= link.date || signed > ctx.as_of || link.ended.is_some_and(|e| e <= signed)
            {
                out.push(finding);
                return;
            }
            let mut moved = link.clone();
            moved.date = signed;
            let done: Vec<&str> = steps
                .iter()
                .copied()
                .filter(|s| !s.starts_with("sign"))
                .collect();
            label = match done.as_slice() {
                [] => format!("{}: ", reseller.name),
                _ => format!("{}: {}; ", reseller.name, capitalize(&done.join(" and "))),
            };
            label.push_str(&format!(
                "move this {} to {signed}, the day it signed the MPA",
                link.kind.label()
            ));
            edits.push(Edit::UpdateLink(moved));
        }
        None if needs_mpa => {
            ready.mpa_signed = Some(earliest_link_date(ctx, reseller_id, link.date));
        }
        _ => {}
    }
    if ready != *reseller {
        edits.insert(0, Edit::UpdateParty(ready));
    }
    let edit = match edits.len() {
        1 => edits.remove(0),
        _ => Edit::Batch(edits),
    };
    out.push(finding.fix(label, edit));
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

pub(crate) fn check_restricted(ctx: &Ctx, at: &At, out: &mut Vec<Finding>) {
    let link = at.link;
    if !matches!(link.kind, LinkKind::Purchase | LinkKind::Reseller) {
        return;
    }
    let seller = at.from.party;
    if seller.kind != PartyKind::DirectBill || !seller.restricted_at(link.date) {
        return;
    }
    let since = seller
        .restricted_since
        .map(|d| d.to_string())
        .unwrap_or_default();
    let mut finding = Finding::new(
        RuleId::RestrictedDirectBill,
        Subject::Link(link.id),
        ctx.path_of(link),
        format!(
            "{} is a direct-bill partner restricted since {}; this {} with {} on {} is new business it may not take on.",
            Name(&link.from),
            since,
            link.kind.label(),
            Name(&link.to),
            link.date
        ),
    );
    if ctx.fixes {
        // Move the customer to an indirect provider: through an indirect reseller of the
        // customer's region, the partner's own reseller enrolment (on its tenant) first.
        let own = |p: &Party| same_tenant(&p.tenant, &seller.tenant);
        let kinds = [PartyKind::IndirectReseller];
        for route in routes(ctx, ctx.region_of(at.to), &kinds, Some(&own), |_| false, 2) {
            let (label, edit) = move_sale(ctx, link, &route, false);
            finding = finding.fix(
                format!(
                    "Move {} to an indirect provider: {}",
                    at.to.name,
                    lower_first(&label)
                ),
                edit,
            );
        }
    }
    out.push(finding);
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

pub(crate) fn check_mca(ctx: &Ctx, at: &At, out: &mut Vec<Finding>) {
    let link = at.link;
    if link.kind != LinkKind::Purchase {
        return;
    }
    let customer = at.to.party;
    let state = match customer.mca_accepted {
        Some(accepted) if accepted <= link.date => return,
        Some(accepted) => format!("accepted the Microsoft Customer Agreement only on {accepted}"),
        None => "has not accepted the Microsoft Customer Agreement".to_owned(),
    };
    let finding = Finding::new(
        RuleId::McaMissing,
        Subject::Link(link.id),
        ctx.path_of(link),
        format!(
            "{} {}, but buys from {} on {}.",
            Name(&link.to),
            state,
            Name(&link.from),
            link.date
        ),
    );
    out.push(match customer.mca_accepted {
        // A recorded acceptance is never moved back: the purchase moves forward to it.
        Some(accepted) if ctx.fixes => move_to(
            ctx,
            link,
            accepted,
            &format!("the day {} accepted the MCA", customer.name),
            finding,
        ),
        Some(_) => finding,
        None => finding.fix_with(ctx.fixes, || {
            let mut accepted = customer.clone();
            accepted.mca_accepted = Some(link.date);
            (
                format!("Record {}'s MCA acceptance on {}", customer.name, link.date),
                Edit::UpdateParty(accepted),
            )
        }),
    });
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::rules::check;

    #[test]
    fn unsigned_mpa_is_flagged_on_every_transacting_link_and_fixed_at_once() {
        let mut s = valid_channel();
        change_party(&mut s, "dist", |p| p.mpa_signed = None);
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::MpaMissing)
            .collect();
        let mut on = subjects(&findings);
        on.sort();
        assert_eq!(on, ["buy1", "p", "r-dist", "r-res", "s-dist"]);
        assert!(
            findings[0]
                .message
                .contains("Dist, an indirect provider, has not signed")
        );
        assert!(check(&apply_first_fix(s, &findings)).is_empty());
    }

    #[test]
    fn links_before_february_2020_need_no_mpa() {
        let findings = after(
            |s| {
                change_party(s, "db", |p| p.mpa_signed = None);
                change_link(s, "s-db", |l| l.date = d("2019-01-01"));
                change_link(s, "r-db", |l| l.date = d("2019-01-01"));
                change_link(s, "buy2", |l| l.date = d("2020-01-31"));
            },
            RuleId::MpaMissing,
        );
        assert!(findings.is_empty(), "{findings:#?}");
        let late = after(
            |s| change_party(s, "db", |p| p.mpa_signed = Some(d("2021-01-15"))),
            RuleId::MpaMissing,
        );
        assert_eq!(subjects(&late), ["r-db", "s-db"]);
        assert!(late[0].message.contains("only on 2021-01-15"));
    }

    #[test]
    fn reseller_not_enrolled_is_a_warning_on_the_partnership_and_a_violation_on_the_sale() {
        let mut s = valid_channel();
        change_party(&mut s, "res", |p| p.enrolled = false);
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::ResellerNotReady)
            .collect();
        let by_link: Vec<_> = findings
            .iter()
            .map(|f| (f.subject.link().unwrap().as_str(), f.severity))
            .collect();
        assert!(by_link.contains(&("p", Severity::Warning)));
        assert!(by_link.contains(&("buy1", Severity::Violation)));
        assert!(
            findings[0]
                .message
                .contains("enroll as an indirect reseller")
        );
        assert!(!findings[0].message.contains("onboard"));
        assert!(check(&apply_first_fix(s, &findings)).is_empty());
    }

    #[test]
    fn a_ready_reseller_is_not_flagged() {
        assert!(after(|_| {}, RuleId::ResellerNotReady).is_empty());
    }

    #[test]
    fn restricted_direct_bill_may_not_sell_after_the_date() {
        let findings = after(
            |s| change_party(s, "db", |p| p.restricted_since = Some(d("2021-01-15"))),
            RuleId::RestrictedDirectBill,
        );
        assert_eq!(
            subjects(&findings),
            ["buy2"],
            "the reseller relationship predates the restriction"
        );
        let before = after(
            |s| change_party(s, "db", |p| p.restricted_since = Some(d("2022-01-01"))),
            RuleId::RestrictedDirectBill,
        );
        assert!(before.is_empty());
    }

    #[test]
    fn mca_accepted_after_the_purchase_is_flagged_and_fixable() {
        let mut s = valid_channel();
        change_party(&mut s, "c2", |p| p.mca_accepted = Some(d("2021-06-01")));
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::McaMissing)
            .collect();
        assert_eq!(subjects(&findings), ["buy2"]);
        assert!(findings[0].message.contains("only on 2021-06-01"));
        assert!(check(&apply_first_fix(s, &findings)).is_empty());
        assert!(after(|_| {}, RuleId::McaMissing).is_empty());
    }

    // ---- Issue 22: fixes that keep history, restricted direct bill ----

    /// Regression: "Mark the MPA of DB signed on 2021-01-01" overwrote a recorded later signature.
    /// A recorded date is never moved back: the link moves forward to the signing day instead.
    #[test]
    fn a_recorded_mpa_date_is_never_moved_back() {
        let mut s = valid_channel();
        change_party(&mut s, "db", |p| p.mpa_signed = Some(d("2021-01-20")));
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::MpaMissing)
            .collect();
        assert!(!findings.is_empty());
        for f in &findings {
            for fix in &f.fixes {
                let mut fixed = s.clone();
                fix.edit.clone().apply(&mut fixed).unwrap();
                assert_eq!(
                    fixed.party("db").unwrap().mpa_signed,
                    Some(d("2021-01-20")),
                    "{}",
                    fix.label
                );
            }
        }
        let on_supply = findings
            .iter()
            .find(|f| f.subject == Subject::Link("s-db".into()))
            .unwrap();
        assert!(
            on_supply.fixes[0].label.contains("2021-01-20"),
            "{}",
            on_supply.fixes[0].label
        );
    }

    /// Regression: the MCA fix backdated a recorded acceptance the same way.
    #[test]
    fn a_recorded_mca_date_is_never_moved_back() {
        let mut s = valid_channel();
        change_party(&mut s, "c2", |p| p.mca_accepted = Some(d("2021-06-01")));
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::McaMissing)
            .collect();
        let fixed = apply_first_fix(s, &findings);
        assert_eq!(
            fixed.party("c2").unwrap().mca_accepted,
            Some(d("2021-06-01"))
        );
        assert_eq!(fixed.link("buy2").unwrap().date, d("2021-06-01"));
        assert!(check(&fixed).is_empty(), "{:#?}", check(&fixed));
    }

    /// Regression: a restricted direct-bill partner's sale had no quick fix although the catalogue
    /// names one: move the customer to an indirect provider, through a reseller of its region.
    #[test]
    fn a_restricted_direct_bill_sale_is_offered_the_indirect_chain() {
        let mut s = valid_channel();
        change_party(&mut s, "db", |p| p.restricted_since = Some(d("2021-01-15")));
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::RestrictedDirectBill)
            .collect();
        let proven = crate::rules::fixes::prove(&s, s.as_of(), &findings);
        let fix = proven[0]
            .finding
            .fixes
            .first()
            .unwrap_or_else(|| panic!("{:#?}", proven[0].withheld));
        assert!(
            fix.label.contains("Res") && fix.label.contains("Dist"),
            "{}",
            fix.label
        );
        let mut fixed = s.clone();
        fix.edit.clone().apply(&mut fixed).unwrap();
        let sale = fixed.link("buy2").unwrap();
        assert_eq!(
            (sale.from.as_str(), sale.via.as_ref().map(|v| v.as_str())),
            ("res", Some("dist"))
        );
        assert!(
            check(&fixed)
                .iter()
                .all(|f| f.subject != Subject::Link("buy2".into())),
            "{:#?}",
            check(&fixed)
        );
    }
}
