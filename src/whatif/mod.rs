//! What-if modelling: compare two versions of a channel, ask whether a sale could happen, see the
//! channel as one party sees it, select parties by query, change a whole set of them at once with
//! a dated operation, replay operations as a plan, and read the impact grouped by rule and party.
//! Must not import the window (`ui`): the CLI uses all of it.
//!
//! Like the rules, everything here is a pure function of scenarios: the GUI's compare view, ask window
//! and role lens, and the CLI's `diff` and `ask`, all call the same code.

mod ask;
mod diff;
mod impact;
mod lens;
pub mod operation;
pub mod plan;
pub mod query;

pub use ask::{Answer, AskError, Question, ask};
pub use diff::{
    ChangeKind, Changes, ElementChange, FieldChange, ScenarioDiff, diff, diff_changes,
    diff_checked_in_full,
};
pub use impact::{Impact, PartyImpact, RuleImpact, impact};
pub use lens::{Counterpart, Lens, LensLink, lens};
pub use operation::{Operation, Prepared, Preview, Refusal, preview};
pub use plan::Plan;
pub use query::{Query, select};
