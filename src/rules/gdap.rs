//! Granular delegated admin privileges (GDAP) on admin links.
//! Owns: `gdap_duration`, `gdap_auto_extend_global_admin` (GDAP links only), `gdap_expired`,
//! `gdap_request_expired`, `dap_after_deprecation`. Must not: renew anything as DAP (deprecated).

use super::context::{At, Ctx};
use super::{Finding, Name, RuleId, Subject};
use crate::edit::Edit;
use crate::model::link::GLOBAL_ADMINISTRATOR;
use crate::model::{AdminType, Date, Link, LinkKind, LinkStatus};

/// How long a GDAP request waits for the customer's approval before it expires, in days.
pub const GDAP_REQUEST_DAYS: i64 = 90;

/// From this day on, DAP is no longer granted with reseller relationship invitations.
pub fn dap_deprecation_date() -> Date {
    Date::from_ymd_opt(2023, 10, 9).expect("a valid date")
}

/// The day an active GDAP link with auto-extend off expires: its date plus its duration, whatever
/// the duration (one outside 1–730 days is `gdap_duration`'s finding, and still ends the
/// relationship then), or plus the longest a GDAP relationship lasts when none is recorded.
pub fn gdap_expiry(link: &Link) -> Option<Date> {
    if link.kind != LinkKind::Admin
        || link.admin_type != AdminType::Gdap
        || link.status != LinkStatus::Accepted
        || link.auto_extend
    {
        return None;
    }
    let days = link.duration_days.unwrap_or(MAX_GDAP_DAYS);
    link.date
        .checked_add_days(chrono::Days::new(u64::from(days)))
}

/// True when an admin link gives the partner access on `day`: not expired, not a pending request.
pub fn grants_access(link: &Link, day: Date) -> bool {
    link.status == LinkStatus::Accepted && gdap_expiry(link).is_none_or(|expiry| day < expiry)
}

/// The longest GDAP relationship, in days.
pub const MAX_GDAP_DAYS: u32 = 730;

pub(crate) fn check_gdap(ctx: &Ctx, at: &At, out: &mut Vec<Finding>) {
    let link = at.link;
    if link.kind != LinkKind::Admin {
        return;
    }
    let partner = Name(&link.from);
    let customer = Name(&link.to);
    let subject = || Subject::Link(link.id);
    let path = || vec![link.from, link.to];
    check_lifetime(ctx, at, out);
    if link.admin_type == AdminType::Dap {
        // Duration, roles and auto-extend are GDAP's; DAP has none of them.
        return;
    }
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

/// `gdap_expired`, `gdap_request_expired` and `dap_after_deprecation`: what the day checked does to
/// an admin link.
fn check_lifetime(ctx: &Ctx, at: &At, out: &mut Vec<Finding>) {
    let link = at.link;
    let partner = Name(&link.from);
    let customer = Name(&link.to);
    let subject = || Subject::Link(link.id);
    let path = || vec![link.from, link.to];
    if link.admin_type == AdminType::Dap && link.date >= dap_deprecation_date() {
        let mut gdap = link.clone();
        gdap.admin_type = AdminType::Gdap;
        let days = gdap
            .duration_days
            .unwrap_or(MAX_GDAP_DAYS)
            .clamp(1, MAX_GDAP_DAYS);
        gdap.duration_days = Some(days);
        out.push(
            Finding::new(
                RuleId::DapAfterDeprecation,
                subject(),
                path(),
                format!(
                    "The admin relationship of {partner} with {customer} is DAP, dated {}; DAP is no longer granted from {}: GDAP replaces it.",
                    link.date,
                    dap_deprecation_date()
                ),
            )
            .fix(
                format!("Make it a GDAP relationship of {days} days with the same roles"),
                Edit::UpdateLink(gdap),
            ),
        );
    }
    if link.kind == LinkKind::Admin && link.status == LinkStatus::Pending {
        let waited = (ctx.as_of - link.date).num_days();
        if waited > GDAP_REQUEST_DAYS {
            // Always a GDAP request: DAP is no longer granted, so a DAP request is renewed as one.
            let again = Link {
                date: ctx.as_of,
                ..as_gdap(link)
            };
            let what = if link.admin_type == AdminType::Dap {
                "a GDAP request"
            } else {
                "a new request"
            };
            out.push(
                Finding::new(
                    RuleId::GdapRequestExpired,
                    subject(),
                    path(),
                    format!(
                        "The admin request of {partner} to {customer}, sent on {}, has waited {waited} days for approval; a GDAP request expires after {GDAP_REQUEST_DAYS} days.",
                        link.date
                    ),
                )
                .fix(
                    format!("Send {what} on {} instead", ctx.as_of),
                    Edit::UpdateLink(again),
                ),
            );
        }
    }
    if let Some(expiry) = gdap_expiry(link)
        && expiry <= ctx.as_of
    {
        let days = match link.duration_days {
            Some(days) => format!("{days} days"),
            None => format!("no duration recorded, so at most {MAX_GDAP_DAYS} days"),
        };
        let mut finding = Finding::new(
            RuleId::GdapExpired,
            subject(),
            path(),
            format!(
                "The admin relationship of {partner} with {customer} expired on {expiry} (made {}, {days}, no auto-extend): {partner} can no longer manage {customer}.",
                link.date,
            ),
        );
        // An end must come after the start (a relationship of 0 days is `gdap_duration`'s to fix),
        // and a recorded end is never moved back.
        if expiry > link.date && link.ended.is_none() {
            let mut ended = link.clone();
            ended.ended = Some(expiry);
            let id = ctx
                .scenario
                .fresh_link_id(&format!("admin-{}-{}", link.from, link.to));
            let renewed = Link {
                id,
                date: ctx.as_of,
                ended: None,
                status: LinkStatus::Pending,
                ..as_gdap(link)
            };
            finding = finding
                .fix(
                    format!(
                        "Renew it: a new GDAP request on {}, this one marked ended on {expiry}",
                        ctx.as_of
                    ),
                    Edit::Batch(vec![
                        Edit::UpdateLink(ended.clone()),
                        Edit::AddLink(renewed),
                    ]),
                )
                .fix(
                    format!("Mark it ended on {expiry}"),
                    Edit::UpdateLink(ended),
                );
        }
        out.push(finding);
    }
}

/// The link as a valid GDAP relationship: GDAP, a duration of 1 to 730 days, and no auto-extend
/// when it keeps the Global Administrator role (which auto-extend is not available with).
fn as_gdap(link: &Link) -> Link {
    let mut gdap = link.clone();
    gdap.admin_type = AdminType::Gdap;
    gdap.duration_days = Some(
        link.duration_days
            .unwrap_or(MAX_GDAP_DAYS)
            .clamp(1, MAX_GDAP_DAYS),
    );
    let global_admin = gdap
        .roles
        .iter()
        .any(|r| r.trim().eq_ignore_ascii_case(GLOBAL_ADMINISTRATOR));
    if global_admin {
        gdap.auto_extend = false;
    }
    gdap
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
            // A relationship of 2021 without auto-extend has expired by 2024, whatever its length.
            let left: Vec<_> = check(&fixed).into_iter().map(|f| f.rule).collect();
            assert_eq!(left, [RuleId::GdapExpired]);
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
            // Turning auto-extend off on a 90-day relationship of 2021 lets it expire by 2024: a
            // warning (`gdap_expired`), which is what happens in Partner Center too.
            let left: Vec<_> = check(&fixed).into_iter().map(|f| f.rule).collect();
            assert!(
                left.iter().all(|r| *r == RuleId::GdapExpired),
                "{}: {left:?}",
                fix.label
            );
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

    #[test]
    fn an_expired_gdap_relationship_is_a_warning_and_no_longer_a_channel() {
        let mut s = valid_channel();
        for (id, partner) in [("a1", "db"), ("a2", "res")] {
            with_admin(
                &mut s,
                Link::new(id, LinkKind::Admin, partner, "c2", d("2023-06-01")).gdap(
                    &["Directory Readers"],
                    90,
                    false,
                ),
            );
        }
        change_link(&mut s, "a2", |l| l.auto_extend = true);
        let all = check(&s);
        let expired: Vec<_> = all
            .iter()
            .filter(|f| f.rule == RuleId::GdapExpired)
            .cloned()
            .collect();
        assert_eq!(subjects(&expired), ["a1"]);
        assert!(expired[0].message.contains("expired on 2023-08-30"));
        assert!(
            all.iter().all(|f| f.rule != RuleId::MultiChannel),
            "an expired relationship is not a second channel"
        );
        let fixed = apply_first_fix(s.clone(), &expired);
        assert_eq!(
            fixed.link("a1").unwrap().ended,
            Some(d("2023-08-30")),
            "marked ended on its expiry"
        );
        assert!(check(&fixed).iter().all(|f| f.rule != RuleId::GdapExpired));
        s.meta.as_of = Some(d("2023-08-29"));
        let before_expiry: Vec<_> = check(&s).into_iter().map(|f| f.rule).collect();
        assert!(!before_expiry.contains(&RuleId::GdapExpired));
        assert!(before_expiry.contains(&RuleId::MultiChannel));
    }

    #[test]
    fn a_pending_request_expires_after_90_days() {
        for (sent, expired) in [("2023-10-01", true), ("2023-10-03", false)] {
            let mut s = valid_channel();
            let mut request = Link::new("a", LinkKind::Admin, "db", "c2", d(sent)).gdap(
                &["Directory Readers"],
                90,
                true,
            );
            request.status = LinkStatus::Pending;
            with_admin(&mut s, request);
            let found: Vec<_> = check(&s)
                .into_iter()
                .filter(|f| f.rule == RuleId::GdapRequestExpired)
                .collect();
            assert_eq!(found.len(), usize::from(expired), "sent {sent}");
            if expired {
                let fixed = apply_first_fix(s, &found);
                assert_eq!(fixed.link("a").unwrap().date, d("2024-01-01"));
                assert!(check(&fixed).is_empty());
            }
        }
    }

    #[test]
    fn dap_after_october_2023_is_flagged_and_gdap_rules_skip_dap() {
        let dap = |date: &str| {
            let mut l = Link::new("a", LinkKind::Admin, "db", "c2", d(date));
            l.admin_type = AdminType::Dap;
            l
        };
        let found = after(
            |s| with_admin(s, dap("2023-10-09")),
            RuleId::DapAfterDeprecation,
        );
        assert_eq!(subjects(&found), ["a"]);
        assert!(
            after(
                |s| with_admin(s, dap("2023-10-08")),
                RuleId::DapAfterDeprecation
            )
            .is_empty()
        );
        let mut s = valid_channel();
        with_admin(&mut s, dap("2023-10-09"));
        let all = check(&s);
        assert!(
            all.iter().all(|f| f.rule != RuleId::GdapDuration),
            "DAP has no duration to check: {all:#?}"
        );
        let fixed = apply_first_fix(s, &found);
        let link = fixed.link("a").unwrap();
        assert_eq!(
            (link.admin_type, link.duration_days),
            (AdminType::Gdap, Some(730))
        );
        assert!(check(&fixed).is_empty(), "{:#?}", check(&fixed));
    }

    // ---- Issue 22: durations outside 1–730 days expire; DAP requests are renewed as GDAP ----

    /// Regression: an admin link of 0 or 900 days never expired and kept counting as a second
    /// channel.
    #[test]
    fn a_relationship_of_any_recorded_duration_expires() {
        for days in [0, 900] {
            let mut s = valid_channel();
            for (id, partner) in [("a1", "db"), ("a2", "res")] {
                with_admin(
                    &mut s,
                    Link::new(id, LinkKind::Admin, partner, "c2", d("2021-01-01")).gdap(
                        &["Directory Readers"],
                        365,
                        true,
                    ),
                );
            }
            change_link(&mut s, "a1", |l| {
                l.duration_days = Some(days);
                l.auto_extend = false;
            });
            let rules: Vec<_> = check(&s)
                .into_iter()
                .filter(|f| {
                    f.subject == Subject::Link("a1".into()) || f.rule == RuleId::MultiChannel
                })
                .map(|f| f.rule)
                .collect();
            assert!(rules.contains(&RuleId::GdapExpired), "{days}: {rules:?}");
            assert!(!rules.contains(&RuleId::MultiChannel), "{days}: {rules:?}");
        }
    }

    /// Regression: resending an expired DAP request made another DAP request.
    #[test]
    fn an_expired_dap_request_is_renewed_as_gdap() {
        let mut s = valid_channel();
        let mut request = Link::new("a", LinkKind::Admin, "db", "c2", d("2021-01-01"));
        request.admin_type = AdminType::Dap;
        request.status = LinkStatus::Pending;
        with_admin(&mut s, request);
        let findings: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::GdapRequestExpired)
            .collect();
        let fixed = apply_first_fix(s, &findings);
        let renewed = fixed.link("a").unwrap();
        assert_eq!(
            renewed.admin_type,
            AdminType::Gdap,
            "{:?}",
            findings[0].fixes
        );
        assert!(check(&fixed).is_empty(), "{:#?}", check(&fixed));
    }

    /// Found by `tests/quick_fixes.rs`: a relationship already recorded to end later than its
    /// expiry was "marked ended on" the expiry, moving the recorded end back.
    #[test]
    fn an_expired_relationship_with_a_later_recorded_end_keeps_it() {
        let mut s = valid_channel();
        with_admin(
            &mut s,
            Link::new("a", LinkKind::Admin, "db", "c2", d("2021-01-01"))
                .gdap(&["Directory Readers"], 90, false)
                .ended_on(d("2025-01-01")),
        );
        let found: Vec<_> = check(&s)
            .into_iter()
            .filter(|f| f.rule == RuleId::GdapExpired)
            .collect();
        assert_eq!(subjects(&found), ["a"]);
        assert!(found[0].fixes.is_empty(), "{:#?}", found[0].fixes);
    }
}
