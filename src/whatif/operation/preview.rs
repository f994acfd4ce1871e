//! An operation tried and taken back: the findings it would introduce and resolve, as of its date.
//! Must leave the scenario exactly as it found it.
//!
//! The operation is applied to the scenario itself (a copy of a 300,000-party channel costs
//! seconds) and re-checked incrementally by a copy of the channel's [`Checker`], recording what
//! each re-checked link and party had before; then it is undone. Both sides are checked as of the
//! later of the scenario's date and the operation's, so the preview shows what the change does on
//! the day it takes effect, not what time does meanwhile. Findings are matched as the diff
//! matches them (one that moves with a sale is neither introduced nor resolved).

use super::{Operation, Prepared, Refusal};
use crate::edit::Touched;
use crate::model::{Date, Scenario};
use crate::rules::{Checker, Finding};
use crate::whatif::diff::changed_findings;

/// What an operation would do, before it is applied.
#[derive(Clone, Debug)]
pub struct Preview {
    /// The operation worked out: its edit, what ends and what is made.
    pub prepared: Prepared,
    /// The day both sides are checked as of.
    pub as_of: Date,
    /// Findings it would bring.
    pub introduced: Vec<Finding>,
    /// Findings it would take away.
    pub resolved: Vec<Finding>,
}

/// Tries `operation` on `scenario` and takes it back; `checker` holds the scenario's findings (as of
/// any date: a check as of another day is made when needed).
pub fn preview(
    scenario: &mut Scenario,
    checker: &Checker,
    operation: &Operation,
) -> Result<Preview, Refusal> {
    let prepared = operation.prepare(scenario)?;
    let as_of = scenario.as_of().max(operation.on());
    let mut at = if checker.as_of() == Some(as_of) {
        checker.clone()
    } else {
        Checker::with_as_of(scenario, as_of)
    };
    let saved_as_of = scenario.meta.as_of;
    scenario.meta.as_of = Some(as_of);
    let changes = prepared.changes.clone();
    let inverse = match changes.clone().apply(scenario) {
        Ok(inverse) => inverse,
        Err(e) => {
            scenario.meta.as_of = saved_as_of;
            return Err(Refusal::one(
                operation.title(),
                format!("the change could not be made: {e}"),
            ));
        }
    };
    let touched = Touched::of(&changes, &inverse, scenario);
    let journal = at.update_recorded(scenario, &touched);
    let mut before = Vec::new();
    let mut after = Vec::new();
    for (subject, was) in journal.before() {
        before.extend_from_slice(was);
        after.extend_from_slice(at.for_subject(subject));
    }
    let (mut introduced, mut resolved) = changed_findings(before, after);
    let undone = inverse.apply(scenario);
    scenario.meta.as_of = saved_as_of;
    debug_assert!(undone.is_ok(), "the inverse of an applied edit applies");
    let order = |a: &Finding, b: &Finding| {
        (&a.subject, a.rule, &a.message).cmp(&(&b.subject, b.rule, &b.message))
    };
    introduced.sort_by(order);
    resolved.sort_by(order);
    Ok(Preview {
        prepared,
        as_of,
        introduced,
        resolved,
    })
}
