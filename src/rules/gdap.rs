//! Granular delegated admin privileges (GDAP) on admin links.
//!
//! Rules: `gdap_duration`, `gdap_auto_extend_global_admin`.

use super::context::Ctx;
use super::{Finding, RuleId, Subject};
use crate::edit::Edit;
use crate::model::link::GLOBAL_ADMINISTRATOR;
use crate::model::{Link, LinkKind};

/// The longest GDAP relationship, in days.
pub const MAX_GDAP_DAYS: u32 = 730;

pub(crate) fn check_gdap(ctx: &Ctx, link: &Link, out: &mut Vec<Finding>) {
    if link.kind != LinkKind::Admin {
        return;
    }
    let partner = ctx.name(&link.from);
    let customer = ctx.name(&link.to);
    let subject = || Subject::Link(link.id.clone());
    let path = || vec![link.from.clone(), link.to.clone()];
    let bad_duration = match link.duration_days {
        None => Some("has no duration".to_owned()),
        Some(days) if !(1..=MAX_GDAP_DAYS).contains(&days) => Some(format!("lasts {days} days")),
        Some(_) => None,
    };
    if let Some(what) = bad_duration {
        let days = link
            .duration_days
            .unwrap_or(MAX_GDAP_DAYS)
            .clamp(1, MAX_GDAP_DAYS);
        let mut fixed = link.clone();
        fixed.duration_days = Some(days);
        out.push(
            Finding::new(
                RuleId::GdapDuration,
                subject(),
                path(),
                format!("The admin relationship of {partner} with {customer} {what}; GDAP relationships last 1 to {MAX_GDAP_DAYS} days."),
            )
            .fix(format!("Set the duration to {days} days"), Edit::UpdateLink(fixed)),
        );
    }
    let global_admin = link
        .roles
        .iter()
        .any(|r| r.trim().eq_ignore_ascii_case(GLOBAL_ADMINISTRATOR));
    if link.auto_extend && global_admin {
        let mut no_extend = link.clone();
        no_extend.auto_extend = false;
        let mut no_global = link.clone();
        no_global
            .roles
            .retain(|r| !r.trim().eq_ignore_ascii_case(GLOBAL_ADMINISTRATOR));
        out.push(
            Finding::new(
                RuleId::GdapAutoExtendGlobalAdmin,
                subject(),
                path(),
                format!("The admin relationship of {partner} with {customer} auto-extends and includes Global Administrator; auto-extend is not available with that role."),
            )
            .fix("Turn auto-extend off".to_owned(), Edit::UpdateLink(no_extend))
            .fix("Remove the Global Administrator role".to_owned(), Edit::UpdateLink(no_global)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::rules::check;

    fn with_admin(s: &mut crate::model::Scenario, admin: Link) {
        s.add_link(admin).unwrap();
    }

    #[test]
    fn durations_outside_one_to_730_days_are_flagged_and_clamped() {
        for (days, expected) in [(Some(0), 1), (Some(731), 730), (None, 730)] {
            let mut s = valid_channel();
            let mut admin = Link::new("a", LinkKind::Admin, "db", "c2", d("2021-01-01")).gdap(
                &["Helpdesk Administrator"],
                1,
                false,
            );
            admin.duration_days = days;
            with_admin(&mut s, admin);
            let findings: Vec<_> = check(&s)
                .into_iter()
                .filter(|f| f.rule == RuleId::GdapDuration)
                .collect();
            assert_eq!(subjects(&findings), ["a"], "{days:?}");
            let fixed = apply_first_fix(s, &findings);
            assert_eq!(fixed.link("a").unwrap().duration_days, Some(expected));
            assert!(check(&fixed).is_empty());
        }
        for days in [1, 730] {
            let found = after(
                |s| {
                    with_admin(
                        s,
                        Link::new("a", LinkKind::Admin, "db", "c2", d("2021-01-01")).gdap(
                            &["Directory Readers"],
                            days,
                            false,
                        ),
                    )
                },
                RuleId::GdapDuration,
            );
            assert!(found.is_empty(), "{days} days is valid");
        }
    }

    #[test]
    fn auto_extend_with_global_admin_is_flagged_with_two_fixes() {
        let mut s = valid_channel();
        with_admin(
            &mut s,
            Link::new("a", LinkKind::Admin, "db", "c2", d("2021-01-01")).gdap(
                &["global administrator", "Directory Readers"],
                90,
                true,
            ),
        );
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::GdapAutoExtendGlobalAdmin)
            .collect();
        assert_eq!(subjects(&findings), ["a"]);
        assert_eq!(findings[0].fixes.len(), 2);
        for fix in &findings[0].fixes {
            let mut fixed = s.clone();
            fix.edit.clone().apply(&mut fixed).unwrap();
            assert!(check(&fixed).is_empty(), "{}", fix.label);
        }
        let without_extend = after(
            |s| {
                with_admin(
                    s,
                    Link::new("a", LinkKind::Admin, "db", "c2", d("2021-01-01")).gdap(
                        &["Global Administrator"],
                        90,
                        false,
                    ),
                )
            },
            RuleId::GdapAutoExtendGlobalAdmin,
        );
        assert!(without_extend.is_empty());
    }
}
