//! Plans: the operations done in a what-if, as a readable file (RON, one operation per entry,
//! parties by id) that replays on any channel: next month's import, a colleague's copy, a CI job.
//! Must not read or write files itself (the window and the CLI do, through `io`), nor know the
//! window.
//!
//! ```ron
//! // csp-explorer plan: csp-explorer whatif apply PLAN SCENARIO -o OUT
//! (
//!     version: 1,
//!     title: "Humongous moves to Litware",
//!     steps: [
//!         ChangeProvider(reseller: "reseller-0", from: "provider-0", to: "provider-3", on: "2025-07-01"),
//!     ],
//! )
//! ```
//!
//! A step that no longer applies (a party gone, a customer moved meanwhile) stops the plan with its
//! reason, and the channel is left as it was; asked to keep going, the plan skips it and applies
//! the rest.

use super::operation::{Operation, Prepared, Refusal};
use crate::model::Scenario;
use serde::{Deserialize, Serialize};

/// The plan format version this build reads and writes.
pub const PLAN_VERSION: u32 = 1;

/// The largest plan file read (a plan of explicit customer lists for a whole channel stays far
/// below).
pub const MAX_PLAN_BYTES: u64 = 64 * 1024 * 1024;

/// What a plan file holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Always [`PLAN_VERSION`] for now.
    pub version: u32,
    /// What the plan is about, for people.
    #[serde(default)]
    pub title: String,
    /// The operations, applied in order.
    pub steps: Vec<Operation>,
}

/// Why a plan file could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{name}, line {line}, column {column}: {message}")]
pub struct PlanError {
    /// The file (or "standard input").
    pub name: String,
    /// Where (1-based).
    pub line: usize,
    /// Where (1-based).
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// A step of a plan that did not apply.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("step {step} of {steps} ({title}): {refusal}")]
pub struct StepRefused {
    /// Which step (1-based).
    pub step: usize,
    /// Of how many.
    pub steps: usize,
    /// The step's operation title.
    pub title: String,
    /// Why it did not apply.
    pub refusal: Refusal,
}

/// What applying a plan did.
#[derive(Clone, Debug, Default)]
pub struct Applied {
    /// The steps that applied, in order (their number, 1-based, and what they did).
    pub done: Vec<(usize, Prepared)>,
    /// The steps skipped because they did not apply (only when asked to keep going).
    pub skipped: Vec<StepRefused>,
}

impl Plan {
    /// A plan of these operations.
    pub fn new(title: impl Into<String>, steps: Vec<Operation>) -> Self {
        Plan {
            version: PLAN_VERSION,
            title: title.into(),
            steps,
        }
    }

    /// Reads a plan from its text; `name` says where it came from, for messages.
    pub fn parse(text: &str, name: &str) -> Result<Plan, PlanError> {
        let at = |line: usize, column: usize, message: String| PlanError {
            name: name.to_owned(),
            line,
            column,
            message,
        };
        match crate::io::ron_file::probe_version(text) {
            Some(v) if v == i64::from(PLAN_VERSION) => {}
            Some(v) if v > i64::from(PLAN_VERSION) => {
                return Err(at(
                    1,
                    1,
                    format!(
                        "plan version {v} is newer than this csp-explorer reads ({PLAN_VERSION}): update csp-explorer"
                    ),
                ));
            }
            Some(v) => {
                return Err(at(
                    1,
                    1,
                    format!("plan version {v} is not one this csp-explorer reads ({PLAN_VERSION})"),
                ));
            }
            None => {
                return Err(at(
                    1,
                    1,
                    "this is not a csp-explorer plan: it has no `version`".to_owned(),
                ));
            }
        }
        let options = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
        options.from_str::<Plan>(text).map_err(|e| {
            let (line, column, message) = crate::io::ron_file::describe_ron_error(text, &e);
            at(line, column, message)
        })
    }

    /// The plan as file text: a first line saying what it is and how to apply it, one step a line.
    pub fn to_ron(&self) -> Result<String, ron::Error> {
        let config = ron::ser::PrettyConfig::new()
            .depth_limit(2)
            .separate_tuple_members(false)
            .struct_names(false);
        let body = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .to_string_pretty(self, config)?;
        Ok(format!(
            "// csp-explorer plan: csp-explorer whatif apply PLAN SCENARIO -o OUT\n{body}\n"
        ))
    }

    /// Applies the steps to `scenario` in order. A step that does not apply stops the plan with
    /// its reason and leaves `scenario` as it was; with `keep_going` it is skipped (and reported)
    /// and the rest applies.
    pub fn apply(&self, scenario: &mut Scenario, keep_going: bool) -> Result<Applied, StepRefused> {
        let mut applied = Applied::default();
        let mut undo = Vec::new();
        let steps = self.steps.len();
        for (i, step) in self.steps.iter().enumerate() {
            let outcome = step.prepare(scenario).and_then(|prepared| {
                prepared
                    .edit()
                    .apply(scenario)
                    .map(|inverse| (prepared, inverse))
                    .map_err(|e| Refusal {
                        operation: step.title().to_owned(),
                        reasons: vec![format!("the change could not be made: {e}")],
                    })
            });
            match outcome {
                Ok((prepared, inverse)) => {
                    undo.push(inverse);
                    applied.done.push((i + 1, prepared));
                }
                Err(refusal) => {
                    let refused = StepRefused {
                        step: i + 1,
                        steps,
                        title: step.title().to_owned(),
                        refusal,
                    };
                    if !keep_going {
                        for inverse in undo.into_iter().rev() {
                            let undone = inverse.apply(scenario);
                            debug_assert!(undone.is_ok(), "the inverse of an applied edit applies");
                        }
                        return Err(refused);
                    }
                    applied.skipped.push(refused);
                }
            }
        }
        Ok(applied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::whatif::operation::tests::{channel, d};
    use crate::whatif::operation::{Customers, Resellers};

    fn plan() -> Plan {
        Plan::new(
            "Contoso moves to Litware",
            vec![
                Operation::ChangeProvider {
                    reseller: "contoso".into(),
                    from: "adatum".into(),
                    to: "litware".into(),
                    on: d("2025-07-01"),
                },
                Operation::MoveCustomers {
                    from: "contoso".into(),
                    to: "fabrikam".into(),
                    customers: Customers::Only(vec!["coho".into()]),
                    admin: true,
                    on: d("2025-08-01"),
                },
                Operation::EndPartnerships {
                    provider: "adatum".into(),
                    resellers: Resellers::Country("US".into()),
                    on: d("2025-09-01"),
                },
            ],
        )
    }

    #[test]
    fn a_plan_reads_back_as_it_was_written_one_step_a_line() {
        let text = plan().to_ron().unwrap();
        assert!(text.starts_with("// csp-explorer plan"), "{text}");
        assert!(
            text.contains(
                "        ChangeProvider(reseller: \"contoso\", from: \"adatum\", to: \"litware\", on: \"2025-07-01\"),\n"
            ),
            "{text}"
        );
        assert_eq!(Plan::parse(&text, "plan.ron"), Ok(plan()));
    }

    #[test]
    fn a_plan_applied_to_its_source_equals_the_operations_done_one_by_one() {
        let mut by_hand = channel();
        for step in &plan().steps {
            step.apply(&mut by_hand).expect("applies");
        }
        let mut replayed = channel();
        let applied = plan()
            .apply(&mut replayed, false)
            .expect("the plan applies");
        assert_eq!(applied.done.len(), 3);
        assert_eq!(replayed, by_hand);
    }

    #[test]
    fn a_step_that_no_longer_applies_stops_the_plan_and_changes_nothing_unless_asked_to_go_on() {
        let mut s = channel();
        s.remove_party(&"coho".into()).unwrap();
        let before = s.clone();
        let e = plan()
            .apply(&mut s, false)
            .expect_err("step 2 names a customer that is gone");
        assert_eq!(s, before, "nothing applied");
        assert_eq!(e.step, 2);
        assert!(
            e.to_string()
                .starts_with("step 2 of 3 (Move customers): Move customers cannot apply"),
            "{e}"
        );
        assert!(e.to_string().contains("no party has id `coho`"), "{e}");
        let applied = plan().apply(&mut s, true).expect("keeps going");
        assert_eq!(
            applied.done.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            [1, 3]
        );
        assert_eq!(applied.skipped.len(), 1);
        assert_ne!(s, before);
    }

    #[test]
    fn a_bad_plan_is_named_by_line_and_field() {
        let e = Plan::parse("(version: 1, steps: [DapToGdap(partner: \"x\", roles: [], days: 1, on: \"2025-13-01\")])", "p.ron")
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("field `on`: \"2025-13-01\" is not a date"),
            "{e}"
        );
        let e = Plan::parse("(version: 1, steps: [Jump(to: \"x\")])", "p.ron").unwrap_err();
        assert!(e.to_string().starts_with("p.ron, line 1"), "{e}");
        assert!(e.to_string().contains("Jump"), "{e}");
        let e = Plan::parse("(version: 7, steps: [])", "p.ron").unwrap_err();
        assert!(e.message.contains("newer"), "{e}");
        let e = Plan::parse("(title: \"x\")", "p.ron").unwrap_err();
        assert!(e.message.contains("not a csp-explorer plan"), "{e}");
    }
}
