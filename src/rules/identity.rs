//! Identity and tenants of partners (catalogue groups 3 and 4): one tenant per Partner Center
//! account, one PartnerID per tenant and one tenant per PartnerID, and a direct-bill and an
//! indirect-reseller enrolment on separate tenants.
//! Owns: `shared_partner_tenant`, `direct_bill_and_reseller_on_one_tenant`, `partner_id_reused`,
//! `tenant_with_two_partner_ids`. Must not: compare identities other than through `model::identity`.
//!
//! Each finding sits on every party concerned, so each lights up. The lookups go through the
//! scenario's indexes (partners by tenant, parties by PartnerID): a check of one party reads only
//! the parties sharing its tenant or PartnerID, never the whole channel. Only
//! `tenant_with_two_partner_ids` has a quick fix (give the tenant's other partner this PartnerID):
//! which partner moves to a new tenant is for a person to decide.

use super::context::Ctx;
use super::{Finding, Name, RuleId, Subject};
use crate::edit::Edit;
use crate::model::identity::{partner_id_of, same_organization, same_tenant};
use crate::model::{Party, PartyKind};

fn names(parties: &[&Party]) -> String {
    parties
        .iter()
        .map(|p| format!("{} ({})", Name(&p.id), p.organization))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn check_identity(ctx: &Ctx, party: &Party, out: &mut Vec<Finding>) {
    if !party.kind.is_partner() {
        return;
    }
    let sharing: Vec<&Party> = ctx
        .partners_with_tenant(&party.tenant)
        .filter(|p| p.id != party.id)
        .collect();
    let strangers: Vec<&Party> = sharing
        .iter()
        .copied()
        .filter(|p| !same_organization(&p.organization, &party.organization))
        .collect();
    if !strangers.is_empty() {
        let mut path: Vec<_> = strangers.iter().map(|p| p.id).collect();
        path.push(party.id);
        out.push(Finding::new(
            RuleId::SharedPartnerTenant,
            Subject::Party(party.id),
            path,
            format!(
                "{} ({}) uses tenant {}, which {} of another organization also uses: a tenant belongs to one Partner Center account.",
                Name(&party.id),
                party.organization,
                party.tenant,
                names(&strangers)
            ),
        ));
    }
    let other_side = match party.kind {
        PartyKind::DirectBill if !party.restricted_at(ctx.as_of) => PartyKind::IndirectReseller,
        PartyKind::IndirectReseller => PartyKind::DirectBill,
        _ => PartyKind::Microsoft,
    };
    let clash: Vec<&Party> = sharing
        .iter()
        .copied()
        .filter(|p| p.kind == other_side && !p.restricted_at(ctx.as_of))
        .collect();
    if other_side != PartyKind::Microsoft && !clash.is_empty() {
        let mut path: Vec<_> = clash.iter().map(|p| p.id).collect();
        path.push(party.id);
        out.push(Finding::new(
            RuleId::DirectBillAndResellerOnOneTenant,
            Subject::Party(party.id),
            path,
            format!(
                "{}, {}, shares tenant {} with {} ({}): enrolling as a direct-bill partner and as an indirect reseller needs two tenants, unless the direct-bill enrolment is restricted (moving to the indirect model).",
                Name(&party.id),
                party.kind.with_article(),
                party.tenant,
                names(&clash),
                other_side
            ),
        ));
    }
    check_partner_ids_on_tenant(ctx, party, &sharing, out);
    if let Some(partner_id) = party.partner_id.as_deref().filter(|p| !p.trim().is_empty()) {
        let elsewhere: Vec<&Party> = ctx
            .scenario
            .parties_with_partner_id(partner_id)
            .filter(|p| {
                p.id != party.id && p.kind.is_partner() && !same_tenant(&p.tenant, &party.tenant)
            })
            .collect();
        if !elsewhere.is_empty() {
            let mut path: Vec<_> = elsewhere.iter().map(|p| p.id).collect();
            path.push(party.id);
            out.push(Finding::new(
                RuleId::PartnerIdReused,
                Subject::Party(party.id),
                path,
                format!(
                    "{} (tenant {}) has PartnerID {}, which {} also has on another tenant: a CSP tenant and its PartnerID are one to one.",
                    Name(&party.id),
                    party.tenant,
                    partner_id,
                    names(&elsewhere)
                ),
            ));
        }
    }
}

/// `tenant_with_two_partner_ids`: the partners sharing this partner's tenant with another
/// non-empty PartnerID. The fix keeps this partner's PartnerID for the tenant, giving it to each of
/// them (the finding on the other side offers the other choice).
fn check_partner_ids_on_tenant(
    ctx: &Ctx,
    party: &Party,
    sharing: &[&Party],
    out: &mut Vec<Finding>,
) {
    let Some(own) = partner_id_of(party.partner_id.as_deref()) else {
        return;
    };
    let others: Vec<&Party> = sharing
        .iter()
        .copied()
        .filter(|p| partner_id_of(p.partner_id.as_deref()).is_some_and(|theirs| theirs != own))
        .collect();
    if others.is_empty() {
        return;
    }
    let listed: Vec<String> = others
        .iter()
        .map(|p| {
            format!(
                "{} (PartnerID {})",
                Name(&p.id),
                p.partner_id.as_deref().unwrap_or_default()
            )
        })
        .collect();
    let mut path: Vec<_> = others.iter().map(|p| p.id).collect();
    path.push(party.id);
    let own_text = party.partner_id.as_deref().unwrap_or_default();
    let finding = Finding::new(
        RuleId::TenantWithTwoPartnerIds,
        Subject::Party(party.id),
        path,
        format!(
            "{} has PartnerID {own_text} on tenant {}, where {} has another: a CSP tenant and its PartnerID are one to one.",
            Name(&party.id),
            party.tenant,
            listed.join(", ")
        ),
    )
    .fix_with(ctx.fixes, || {
        let edits = others
            .iter()
            .map(|p| {
                let mut same = (*p).clone();
                same.partner_id = party.partner_id;
                Edit::UpdateParty(same)
            })
            .collect();
        let names: Vec<&str> = others.iter().map(|p| p.name.as_str()).collect();
        (
            format!(
                "Keep PartnerID {own_text} for tenant {}: give it to {} too",
                party.tenant,
                names.join(", ")
            ),
            Edit::Batch(edits),
        )
    });
    out.push(finding);
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn two_organizations_on_one_partner_tenant_are_flagged_on_both() {
        let findings = after(
            |s| change_party(s, "db", |p| p.tenant = "dist".into()),
            RuleId::SharedPartnerTenant,
        );
        assert_eq!(subjects(&findings), ["db", "dist"]);
        let same_org = after(
            |s| {
                change_party(s, "db", |p| {
                    p.tenant = "dist".into();
                    p.organization = "dist".into();
                })
            },
            RuleId::SharedPartnerTenant,
        );
        assert!(same_org.is_empty(), "one company may use one tenant twice");
        assert!(after(|_| {}, RuleId::SharedPartnerTenant).is_empty());
    }

    #[test]
    fn direct_bill_and_reseller_on_one_tenant_is_a_warning_unless_restricted() {
        let share = |s: &mut crate::model::Scenario| {
            change_party(s, "res", |p| {
                p.tenant = "db".into();
                p.organization = "db".into();
            })
        };
        let findings = after(share, RuleId::DirectBillAndResellerOnOneTenant);
        assert_eq!(subjects(&findings), ["db", "res"]);
        assert_eq!(findings[0].severity, crate::rules::Severity::Warning);
        let restricted = after(
            |s| {
                share(s);
                change_party(s, "db", |p| p.restricted_since = Some(d("2023-01-01")));
            },
            RuleId::DirectBillAndResellerOnOneTenant,
        );
        assert!(restricted.is_empty(), "{restricted:#?}");
        let restricted_later = after(
            |s| {
                share(s);
                change_party(s, "db", |p| p.restricted_since = Some(d("2030-01-01")));
            },
            RuleId::DirectBillAndResellerOnOneTenant,
        );
        assert_eq!(subjects(&restricted_later), ["db", "res"]);
    }

    #[test]
    fn a_partner_id_on_two_tenants_is_flagged_but_not_on_one() {
        let findings = after(
            |s| {
                change_party(s, "db", |p| p.partner_id = Some("1234567".into()));
                change_party(s, "dist", |p| p.partner_id = Some("1234567".into()));
            },
            RuleId::PartnerIdReused,
        );
        assert_eq!(subjects(&findings), ["db", "dist"]);
        assert!(findings[0].message.contains("PartnerID 1234567"));
        let one_tenant = after(
            |s| {
                change_party(s, "db", |p| {
                    p.partner_id = Some("1234567".into());
                    p.tenant = "dist".into();
                    p.organization = "dist".into();
                });
                change_party(s, "dist", |p| p.partner_id = Some("1234567".into()));
            },
            RuleId::PartnerIdReused,
        );
        assert!(one_tenant.is_empty());
    }

    /// Regression: tenants and PartnerIDs were compared as typed.
    #[test]
    fn tenants_and_partner_ids_compare_after_normalisation() {
        let findings = after(
            |s| change_party(s, "db", |p| p.tenant = " DIST".into()),
            RuleId::SharedPartnerTenant,
        );
        assert_eq!(subjects(&findings), ["db", "dist"]);
        let reused = after(
            |s| {
                change_party(s, "db", |p| p.partner_id = Some("123 4567".into()));
                change_party(s, "dist", |p| p.partner_id = Some("1234567".into()));
            },
            RuleId::PartnerIdReused,
        );
        assert_eq!(subjects(&reused), ["db", "dist"]);
    }

    #[test]
    fn two_partner_ids_on_one_tenant_are_flagged_on_both_and_one_is_kept() {
        let mut s = valid_channel();
        change_party(&mut s, "res", |p| {
            p.tenant = "db".into();
            p.organization = "db".into();
            p.partner_id = Some("2222222".into());
        });
        change_party(&mut s, "db", |p| {
            p.partner_id = Some("1111111".into());
            p.restricted_since = Some(d("2020-01-01"));
        });
        let findings: Vec<_> = crate::rules::check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::TenantWithTwoPartnerIds)
            .collect();
        assert_eq!(subjects(&findings), ["db", "res"]);
        assert!(
            findings[0].message.contains("PartnerID 2222222"),
            "{}",
            findings[0].message
        );
        let fixed = apply_first_fix(s.clone(), &findings);
        assert_eq!(
            fixed.party("res").unwrap().partner_id.as_deref(),
            Some("1111111")
        );
        assert!(
            crate::rules::check(&fixed)
                .iter()
                .all(|f| f.rule != RuleId::TenantWithTwoPartnerIds)
        );
        // The same PartnerID written with a space is one PartnerID, not two.
        change_party(&mut s, "res", |p| p.partner_id = Some("111 1111".into()));
        assert!(
            crate::rules::check(&s)
                .iter()
                .all(|f| f.rule != RuleId::TenantWithTwoPartnerIds)
        );
    }
}
