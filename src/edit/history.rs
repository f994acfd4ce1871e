//! Undo and redo over [`Edit`]s, and whether the document has changed since it was saved.
//! Must not know what an edit does: each [`Edit`] applies itself and returns its inverse.

use super::{Edit, Touched};
use crate::model::{Scenario, ScenarioError};

/// One undoable step: what was done and what undoes it.
#[derive(Clone, Debug)]
struct Step {
    /// Tells this step from every other of the history, across undo and redo: what a step came
    /// from (a what-if operation of a plan) is kept beside the history by this id.
    id: StepId,
    /// What the undo menu calls it, when the edit's own description would not say (a what-if
    /// operation of thousands of links is "Move 412 customers of …", not "13,000 changes").
    label: Option<String>,
    redo: Edit,
    undo: Edit,
}

/// The id of one step of a [`History`]: the same for the step after it is undone and redone.
pub type StepId = u64;

/// The undo and redo stacks of one open scenario.
///
/// Each [`History::apply`] is one step, so a gesture that should undo as a whole (a drag, a quick fix)
/// is given as one [`Edit::Batch`].
#[derive(Clone, Debug, Default)]
pub struct History {
    done: Vec<Step>,
    undone: Vec<Step>,
    /// Length of `done` when the scenario was last saved; `None` when that state is gone from the stack.
    saved_at: Option<usize>,
    /// The id the next step gets.
    next_id: StepId,
}

impl Step {
    fn describe(&self) -> String {
        self.label.clone().unwrap_or_else(|| self.redo.describe())
    }
}

impl History {
    /// Applies an edit as a new step (clearing redo) and returns what it touched.
    pub fn apply(&mut self, scenario: &mut Scenario, edit: Edit) -> Result<Touched, ScenarioError> {
        self.apply_labelled(scenario, edit, None)
    }

    /// [`History::apply`], with the name the undo menu gives the step (`None`: the edit's own
    /// [`Edit::describe`]).
    pub fn apply_labelled(
        &mut self,
        scenario: &mut Scenario,
        edit: Edit,
        label: Option<String>,
    ) -> Result<Touched, ScenarioError> {
        let undo = edit.clone().apply(scenario)?;
        let touched = Touched::of(&edit, &undo, scenario);
        if self.saved_at.is_some_and(|at| at > self.done.len()) {
            self.saved_at = None;
        }
        self.undone.clear();
        let id = self.next_id;
        self.next_id += 1;
        self.done.push(Step {
            id,
            label,
            redo: edit,
            undo,
        });
        Ok(touched)
    }

    /// The id of the last step done (the one [`History::undo`] would undo).
    pub fn last_step(&self) -> Option<StepId> {
        self.done.last().map(|step| step.id)
    }

    /// The ids of the steps done, oldest first: what is in the scenario now, step by step.
    pub fn done_steps(&self) -> impl Iterator<Item = StepId> + '_ {
        self.done.iter().map(|step| step.id)
    }

    /// Applies an as-of change that continues the previous one (a date slider being dragged): the drag
    /// becomes one undo step instead of one per day. Any other edit, or an as-of change that follows
    /// something else or the saved state, is a new step.
    pub fn apply_continuing(
        &mut self,
        scenario: &mut Scenario,
        edit: Edit,
    ) -> Result<Touched, ScenarioError> {
        let continues = matches!(edit, Edit::SetAsOf(_))
            && self.undone.is_empty()
            && self.saved_at != Some(self.done.len())
            && matches!(
                self.done.last(),
                Some(Step {
                    redo: Edit::SetAsOf(_),
                    ..
                })
            );
        if !continues {
            return self.apply(scenario, edit);
        }
        let inverse = edit.clone().apply(scenario)?;
        let touched = Touched::of(&edit, &inverse, scenario);
        if let Some(last) = self.done.last_mut() {
            last.redo = edit;
        }
        Ok(touched)
    }

    /// Undoes the last step; `None` when there is nothing to undo.
    pub fn undo(&mut self, scenario: &mut Scenario) -> Option<Result<Touched, ScenarioError>> {
        let step = self.done.pop()?;
        Some(self.replay(scenario, step, true))
    }

    /// Redoes the last undone step; `None` when there is nothing to redo.
    pub fn redo(&mut self, scenario: &mut Scenario) -> Option<Result<Touched, ScenarioError>> {
        let step = self.undone.pop()?;
        Some(self.replay(scenario, step, false))
    }

    fn replay(
        &mut self,
        scenario: &mut Scenario,
        step: Step,
        undo: bool,
    ) -> Result<Touched, ScenarioError> {
        let edit = if undo { &step.undo } else { &step.redo };
        let inverse = edit.clone().apply(scenario)?;
        let touched = Touched::of(edit, &inverse, scenario);
        if undo {
            self.undone.push(step);
        } else {
            // The fresh inverse undoes exactly what was just redone.
            self.done.push(Step {
                undo: inverse,
                ..step
            });
        }
        Ok(touched)
    }

    /// The edit [`History::undo`] would apply next.
    pub fn next_undo(&self) -> Option<&Edit> {
        self.done.last().map(|step| &step.undo)
    }

    /// The edit [`History::redo`] would apply next.
    pub fn next_redo(&self) -> Option<&Edit> {
        self.undone.last().map(|step| &step.redo)
    }

    /// True when there is a step to undo.
    pub fn can_undo(&self) -> bool {
        !self.done.is_empty()
    }

    /// True when there is a step to redo.
    pub fn can_redo(&self) -> bool {
        !self.undone.is_empty()
    }

    /// What the next undo would undo.
    pub fn undo_label(&self) -> Option<String> {
        self.done.last().map(Step::describe)
    }

    /// What the next redo would redo.
    pub fn redo_label(&self) -> Option<String> {
        self.undone.last().map(Step::describe)
    }

    /// Marks the current state as saved.
    pub fn mark_saved(&mut self) {
        self.saved_at = Some(self.done.len());
    }

    /// Forgets the saved state: the scenario counts as unsaved whatever is undone or redone (restored
    /// autosave, a kept what-if).
    pub fn mark_unsaved(&mut self) {
        self.saved_at = None;
    }

    /// True when the scenario differs from what was last saved (or was never saved and has edits).
    pub fn is_dirty(&self) -> bool {
        self.saved_at != Some(self.done.len())
    }

    /// Number of steps that can be undone.
    pub fn len(&self) -> usize {
        self.done.len()
    }

    /// True when nothing can be undone.
    pub fn is_empty(&self) -> bool {
        self.done.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Party, PartyKind};

    #[test]
    fn undo_redo_round_trip_and_dirty_flag() {
        let mut s = Scenario::new("t");
        let mut h = History::default();
        h.mark_saved();
        assert!(!h.is_dirty());
        h.apply(&mut s, Edit::AddParty(Party::new("a", PartyKind::Customer)))
            .unwrap();
        h.apply(&mut s, Edit::AddParty(Party::new("b", PartyKind::Customer)))
            .unwrap();
        assert!(h.is_dirty());
        assert_eq!(h.undo_label().as_deref(), Some("add b"));
        h.undo(&mut s).unwrap().unwrap();
        assert!(s.party("b").is_none());
        h.undo(&mut s).unwrap().unwrap();
        assert!(!h.is_dirty());
        assert!(h.undo(&mut s).is_none());
        h.redo(&mut s).unwrap().unwrap();
        h.redo(&mut s).unwrap().unwrap();
        assert!(s.party("b").is_some());
        assert!(h.redo(&mut s).is_none());
        h.undo(&mut s).unwrap().unwrap();
        h.apply(&mut s, Edit::AddParty(Party::new("c", PartyKind::Customer)))
            .unwrap();
        assert!(!h.can_redo(), "a new step clears redo");
    }

    #[test]
    fn a_date_slider_drag_is_one_undo_step() {
        let d = |s: &str| crate::model::Date::parse_from_str(s, "%Y-%m-%d").unwrap();
        let mut s = Scenario::new("t");
        s.meta.as_of = Some(d("2024-01-01"));
        let mut h = History::default();
        h.mark_saved();
        // The first change after the saved state is its own step; the drag continues it.
        for day in ["2023-01-01", "2022-01-01", "2021-01-01"] {
            h.apply_continuing(&mut s, Edit::SetAsOf(Some(d(day))))
                .unwrap();
        }
        assert_eq!(h.len(), 1);
        assert_eq!(s.meta.as_of, Some(d("2021-01-01")));
        h.undo(&mut s).unwrap().unwrap();
        assert_eq!(
            s.meta.as_of,
            Some(d("2024-01-01")),
            "one undo restores the start"
        );
        assert!(!h.is_dirty());
        // Anything else in between starts a new step.
        h.apply_continuing(&mut s, Edit::SetAsOf(Some(d("2020-01-01"))))
            .unwrap();
        h.apply(&mut s, Edit::AddParty(Party::new("a", PartyKind::Customer)))
            .unwrap();
        h.apply_continuing(&mut s, Edit::SetAsOf(Some(d("2019-01-01"))))
            .unwrap();
        assert_eq!(h.len(), 3);
        // A non-date edit is never merged.
        h.apply_continuing(&mut s, Edit::AddParty(Party::new("b", PartyKind::Customer)))
            .unwrap();
        assert_eq!(h.len(), 4);
    }

    #[test]
    fn a_labelled_step_keeps_its_name_and_id_across_undo_and_redo() {
        let mut s = Scenario::new("t");
        let mut h = History::default();
        h.apply(&mut s, Edit::AddParty(Party::new("a", PartyKind::Customer)))
            .unwrap();
        let batch = Edit::Batch(vec![
            Edit::AddParty(Party::new("b", PartyKind::Customer)),
            Edit::AddParty(Party::new("c", PartyKind::Customer)),
        ]);
        h.apply_labelled(&mut s, batch, Some("Add two customers".to_owned()))
            .unwrap();
        let id = h.last_step().expect("a step");
        assert_eq!(h.undo_label().as_deref(), Some("Add two customers"));
        assert_eq!(h.done_steps().count(), 2);
        h.undo(&mut s).unwrap().unwrap();
        assert_eq!(h.redo_label().as_deref(), Some("Add two customers"));
        assert_ne!(h.last_step(), Some(id));
        h.redo(&mut s).unwrap().unwrap();
        assert_eq!(h.last_step(), Some(id), "a redone step keeps its id");
        assert_eq!(h.undo_label().as_deref(), Some("Add two customers"));
        let ids: Vec<StepId> = h.done_steps().collect();
        assert!(ids[0] < ids[1], "oldest first: {ids:?}");
    }
}
