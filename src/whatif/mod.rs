//! What-if modelling: compare two versions of a channel, ask whether a sale could happen, and see the
//! channel as one party sees it. Must not import the window (`ui`): the CLI uses all of it.
//!
//! Like the rules, everything here is a pure function of scenarios: the GUI's compare view, ask window
//! and role lens, and the CLI's `diff` and `ask`, all call the same code.

mod ask;
mod diff;
mod lens;

pub use ask::{Answer, AskError, Question, ask};
pub use diff::{ChangeKind, ElementChange, FieldChange, ScenarioDiff, diff};
pub use lens::{Counterpart, Lens, LensLink, lens};
