//! Fixes that keep history: a recorded date is never moved back. Owns the two ways a fix meets a
//! date that does not fit: the dependent link moves forward, or ends with what it needed. Must not:
//! touch a recorded date other than by moving a link's own date forward or giving it an end.
//!
//! "Mark the MPA signed on 2018-01-01" over a recorded 2020 signature would rewrite what happened;
//! moving the link to the day of the signature, or ending a subscription on the day its partnership
//! ended, records what the trainee decides instead. `tests/quick_fixes.rs` holds every offered fix to
//! it over random channels.

use crate::edit::Edit;
use crate::model::{Date, Link};

use super::Finding;
use super::context::Ctx;

/// "Move this purchase to D (why)": a link dated before something it depends on moves forward to
/// that day, rather than that recorded day moving back. Offered only when the link is still in
/// force on D as of the day checked (so the fix does not simply hide it).
pub(crate) fn move_to(ctx: &Ctx, link: &Link, day: Date, why: &str, finding: Finding) -> Finding {
    if day <= link.date || day > ctx.as_of || link.ended.is_some_and(|e| e <= day) {
        return finding;
    }
    let mut moved = link.clone();
    moved.date = day;
    finding.fix(
        format!("Move this {} to {day} ({why})", link.kind.label()),
        Edit::UpdateLink(moved),
    )
}

/// "End this purchase on D (why)", when D is after its date and it has no end yet (a recorded end
/// is never moved back): the dependent link ends with the one it needed.
pub(crate) fn end_with(finding: Finding, link: &Link, on: Date, why: &str) -> Finding {
    if on <= link.date || link.ended.is_some() {
        return finding;
    }
    let mut ended = link.clone();
    ended.ended = Some(on);
    finding.fix(
        format!("End this {} on {on} ({why})", link.kind.label()),
        Edit::UpdateLink(ended),
    )
}
