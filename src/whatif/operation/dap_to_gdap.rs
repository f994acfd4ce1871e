//! DAP to GDAP: a partner's DAP admin links that exist on a day end, and GDAP links with chosen
//! least-privileged roles and a duration begin, active, for the same customers. Must not touch the
//! partner's GDAP links or any other link.

use super::{Reasons, Refusal, Work};
use crate::model::{AdminType, Link, LinkKind, LinkStatus, PartyId};

const TITLE: &str = "DAP to GDAP";

pub(super) fn prepare(
    work: &mut Work<'_>,
    partner: &PartyId,
    roles: &[String],
    days: u32,
) -> Result<(), Refusal> {
    let mut reasons = Reasons::new(TITLE);
    let s = work.s;
    let on = work.on;
    let x = reasons.check(work.party(partner));
    let roles: Vec<String> = roles
        .iter()
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty())
        .collect();
    if roles.is_empty() {
        reasons.push(
            "no GDAP role was chosen: name the least-privileged roles the partner needs \
             (such as Helpdesk Administrator)"
                .to_owned(),
        );
    }
    let max = crate::rules::MAX_GDAP_DAYS;
    if !(1..=max).contains(&days) {
        reasons.push(format!(
            "a GDAP relationship lasts 1 to {max} days, not {days}"
        ));
    }
    reasons.done()?;
    let Some(x) = x else {
        return reasons.done();
    };
    let dap: Vec<&Link> = s
        .links_from(x.id.as_str())
        .filter(|l| l.kind == LinkKind::Admin && l.admin_type == AdminType::Dap && l.exists_at(on))
        .collect();
    if dap.is_empty() {
        reasons.push(format!(
            "{} has no DAP admin relationship on {on}",
            work.who(&x.id)
        ));
    }
    reasons.done()?;
    for link in &dap {
        work.end(link);
        let mut gdap = (*link).clone();
        gdap.admin_type = AdminType::Gdap;
        gdap.roles = roles.iter().map(Into::into).collect();
        gdap.duration_days = Some(days);
        gdap.auto_extend = false;
        gdap.status = LinkStatus::Accepted;
        let stem = format!("{}.gdap.{on}", link.id);
        work.make(gdap, &stem);
        work.customers.insert(link.to);
    }
    work.summary = format!(
        "{}'s {} become GDAP on {on} ({}, {days} days)",
        work.who(&x.id),
        crate::text::count(dap.len(), "DAP link", "DAP links"),
        roles.join(", ")
    );
    Ok(())
}
