//! Identity and tenants of partners (catalogue group 3): one tenant per Partner Center account, one
//! PartnerID per tenant, and a direct-bill and an indirect-reseller enrolment on separate tenants.
//!
//! Rules: `shared_partner_tenant`, `direct_bill_and_reseller_on_one_tenant`, `partner_id_reused`.
//! Each finding sits on every party concerned, so each lights up. The lookups go through the
//! scenario's indexes (partners by tenant, parties by PartnerID): a check of one party reads only
//! the parties sharing its tenant or PartnerID, never the whole channel. None has a quick fix: which
//! partner moves to a new tenant, or which tenant keeps the PartnerID, is for a person to decide.

use super::context::Ctx;
use super::{Finding, Name, RuleId, Subject};
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
        .filter(|p| p.organization != party.organization)
        .collect();
    if !strangers.is_empty() {
        let mut path: Vec<_> = strangers.iter().map(|p| p.id.clone()).collect();
        path.push(party.id.clone());
        out.push(Finding::new(
            RuleId::SharedPartnerTenant,
            Subject::Party(party.id.clone()),
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
        let mut path: Vec<_> = clash.iter().map(|p| p.id.clone()).collect();
        path.push(party.id.clone());
        out.push(Finding::new(
            RuleId::DirectBillAndResellerOnOneTenant,
            Subject::Party(party.id.clone()),
            path,
            format!(
                "{} ({}) shares tenant {} with {} ({}): enrolling as a direct-bill partner and as an indirect reseller needs two tenants, unless the direct-bill enrolment is restricted (moving to the indirect model).",
                Name(&party.id),
                party.kind,
                party.tenant,
                names(&clash),
                other_side
            ),
        ));
    }
    if let Some(partner_id) = party.partner_id.as_deref().filter(|p| !p.trim().is_empty()) {
        let elsewhere: Vec<&Party> = ctx
            .scenario
            .parties_with_partner_id(partner_id)
            .filter(|p| p.id != party.id && p.kind.is_partner() && p.tenant != party.tenant)
            .collect();
        if !elsewhere.is_empty() {
            let mut path: Vec<_> = elsewhere.iter().map(|p| p.id.clone()).collect();
            path.push(party.id.clone());
            out.push(Finding::new(
                RuleId::PartnerIdReused,
                Subject::Party(party.id.clone()),
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
}
