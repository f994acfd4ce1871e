//! The lesson verifier: plays a lesson's solution move by move, as a trainee would, and says where the
//! lesson would lie to them. Must not change a lesson or score a run (`mod.rs` scores; this only asks
//! a [`LessonRun`] what it would show).
//!
//! Why a verifier and not only "the start fails, the solution passes": a step's condition is checked
//! live, on whatever the trainee's scenario looks like, so a condition that is true for the wrong
//! reason ticks a step the trainee never did. The commonest way is a condition of absence
//! ("no `mpa_missing`") that also holds when the link it is about does not exist yet at the as-of
//! date; a lesson that asks the trainee to travel in time then ticks it as a side effect. So for each
//! lesson this checks:
//! - no step is ticked in the starting scenario;
//! - replaying the solution ticks every step that has a condition, in order, each at a move of its
//!   own, and a quiz's narration once it is answered;
//! - changing the as-of date alone, from the start or from any move of the solution, ticks no step
//!   whose condition does not ask for a date (and meets no goal that does not);
//! - the goal holds only after the last move;
//! - undoing the moves unticks the steps they ticked, back to nothing at the start;
//! - *Show me* ([`show_me`]) solves the lesson from the start and from every move on the way, and
//!   a step's *Show me* ([`show_me_until`]) ticks that step from every move it is still open at.

use super::condition::{Condition, Observed};
use super::lesson::{Change, LoadedLesson, Played, StepTarget, show_me, show_me_until};
use super::{LessonRun, Progress};
use crate::edit::Edit;
use crate::model::{Date, Scenario, limits};
use crate::rules::Checker;
use std::collections::BTreeSet;

/// What a trainee would see at one point of the replay: the scenario, the selection, the quiz marks,
/// and how many edits the undo history holds.
#[derive(Clone)]
struct Moment {
    scenario: Scenario,
    selected: Option<String>,
    marked: BTreeSet<String>,
    depth: usize,
}

impl Moment {
    fn start(loaded: &LoadedLesson) -> Self {
        Moment {
            scenario: loaded.start.clone(),
            selected: None,
            marked: BTreeSet::new(),
            depth: 0,
        }
    }

    /// Makes one move of a solution, as the window would: a selection, a quiz mark, or an edit
    /// (one undo step).
    fn make(&self, change: &Change) -> Result<Moment, String> {
        let mut next = self.clone();
        match change {
            Change::Select(id) => next.selected = Some(id.clone()),
            Change::Mark(id) => {
                next.marked.insert(id.clone());
            }
            _ => {
                if let Some(edit) = change.to_edit(&next.scenario)? {
                    edit.apply(&mut next.scenario).map_err(|e| e.to_string())?;
                    next.depth += 1;
                }
                // The window drops a selection of what no longer exists.
                if let Some(id) = &next.selected
                    && next.scenario.party(id).is_none()
                    && next.scenario.link(id).is_none()
                {
                    next.selected = None;
                }
            }
        }
        Ok(next)
    }

    /// This moment after *Show me* played: its edit (one undo step), its marks and selection.
    fn after(&self, played: Played) -> Result<Moment, String> {
        let mut after = self.clone();
        played
            .edit
            .apply(&mut after.scenario)
            .map_err(|e| e.to_string())?;
        after.marked.extend(played.marks);
        if played.select.is_some() {
            after.selected = played.select;
        }
        Ok(after)
    }

    /// Shows `observe` what the trainee sees now.
    fn see<T>(&self, observe: impl FnOnce(&Observed) -> T) -> T {
        let checker = Checker::new(&self.scenario);
        observe(&Observed {
            scenario: &self.scenario,
            checker: &checker,
            selected: self.selected.as_deref(),
            marked: &self.marked,
        })
    }

    /// Whether the lesson's goal holds here (a quiz judged here, on a run of its own).
    fn goal_holds(&self, loaded: &LoadedLesson) -> bool {
        self.see(|seen| {
            let mut run = LessonRun::new(loaded.clone());
            if loaded.lesson.quiz {
                run.judge_quiz(seen);
            }
            run.observe(seen).success
        })
    }
}

/// The step's number and the start of its text, for messages.
fn name_step(loaded: &LoadedLesson, i: usize) -> String {
    let say = &loaded.lesson.steps[i].say;
    let short: String = say.chars().take(50).collect();
    let more = if short.len() < say.len() { "…" } else { "" };
    format!("step {} (\"{short}{more}\")", i + 1)
}

/// A move of the solution, for messages: its number and what it is.
fn name_move(solution: &[Change], m: usize) -> String {
    match m.checked_sub(1).and_then(|i| solution.get(i)) {
        Some(change) => format!("move {m} ({})", change.describe()),
        None => "the start".to_owned(),
    }
}

/// True when the condition looks at the as-of date itself, so that changing it is what it asks for.
fn asks_for_a_date(condition: &Condition) -> bool {
    match condition {
        Condition::AsOfBefore(_) | Condition::AsOfFrom(_) => true,
        Condition::AllOf(all) | Condition::AnyOf(all) => all.iter().any(asks_for_a_date),
        Condition::Not(c) => asks_for_a_date(c),
        _ => false,
    }
}

/// Every date a date change could meaningfully go to: the first and last dates, each date the
/// scenario or the lesson names, and the day before each (the last day a link does not exist yet).
fn dates_to_try(scenario: &Scenario, loaded: &LoadedLesson) -> BTreeSet<Date> {
    fn named(condition: &Condition, into: &mut BTreeSet<Date>) {
        match condition {
            Condition::AsOfBefore(d) | Condition::AsOfFrom(d) => {
                into.insert(*d);
            }
            Condition::AllOf(all) | Condition::AnyOf(all) => {
                all.iter().for_each(|c| named(c, into));
            }
            Condition::Not(c) => named(c, into),
            _ => {}
        }
    }
    let mut dates = BTreeSet::from([limits::FIRST_DATE, limits::LAST_DATE]);
    for link in scenario.links() {
        dates.insert(link.date);
        dates.extend(link.ended);
    }
    for party in scenario.parties() {
        dates.extend(party.mpa_signed);
        dates.extend(party.mca_accepted);
        dates.extend(party.restricted_since);
    }
    let lesson = &loaded.lesson;
    named(&lesson.success, &mut dates);
    for step in &lesson.steps {
        if let Some(c) = &step.done_when {
            named(c, &mut dates);
        }
    }
    let before: Vec<Date> = dates
        .iter()
        .filter_map(|d| d.pred_opt())
        .filter(|d| *d >= limits::FIRST_DATE)
        .collect();
    dates.extend(before);
    dates
}

/// Checks that a lesson tells the trainee the truth (see the module's documentation). Every problem
/// found is one sentence naming the step or move; none means the lesson is honest.
pub fn verify(loaded: &LoadedLesson) -> Result<(), Vec<String>> {
    let lesson = &loaded.lesson;
    let mut problems = Vec::new();
    let start = Moment::start(loaded);
    if start.goal_holds(loaded) {
        problems.push("its starting scenario already meets the goal".to_owned());
    }
    if lesson.solution.is_empty() {
        problems.push("it has no solution to check".to_owned());
        return Err(problems);
    }

    // The replay: every moment from the start to the last move.
    let mut moments = vec![start];
    for (i, change) in lesson.solution.iter().enumerate() {
        let last = moments.last().expect("the start is there");
        match last.make(change) {
            Ok(next) => moments.push(next),
            Err(e) => {
                problems.push(format!(
                    "its solution cannot be played: {}: {e}",
                    name_move(&lesson.solution, i + 1)
                ));
                return Err(problems);
            }
        }
    }
    let last = moments.len() - 1;

    // Forward, with one run as the window keeps it.
    let mut run = LessonRun::new(loaded.clone());
    let mut seen: Vec<Progress> = Vec::with_capacity(moments.len());
    for (m, moment) in moments.iter().enumerate() {
        let progress = moment.see(|obs| {
            if m == last && lesson.quiz {
                run.judge_quiz(obs);
            }
            run.observe_at(obs, moment.depth)
        });
        seen.push(progress);
    }
    for (i, done) in seen[0].steps.iter().enumerate() {
        if *done {
            problems.push(format!(
                "{} is ticked in the starting scenario",
                name_step(loaded, i)
            ));
        }
    }
    let conditioned: Vec<usize> = (0..lesson.steps.len())
        .filter(|i| lesson.steps[*i].done_when.is_some())
        .collect();
    let ticked_at = |i: usize| seen.iter().position(|p| p.steps[i]);
    let mut previous: Option<(usize, usize)> = None;
    for &i in &conditioned {
        let Some(at) = ticked_at(i) else {
            problems.push(format!(
                "{} is never ticked by the solution",
                name_step(loaded, i)
            ));
            continue;
        };
        if let Some((j, before)) = previous
            && at <= before
        {
            problems.push(if at == before {
                format!(
                    "{} and {} are both ticked by {}: each step should be a move of its own",
                    name_step(loaded, j),
                    name_step(loaded, i),
                    name_move(&lesson.solution, at)
                )
            } else {
                format!(
                    "{} is ticked by {}, before {}",
                    name_step(loaded, i),
                    name_move(&lesson.solution, at),
                    name_step(loaded, j)
                )
            });
        }
        previous = Some((i, at));
    }
    if let Some(end) = seen.last()
        && let Some(i) = end.steps.iter().position(|d| !d)
        && (lesson.quiz || lesson.steps[i].done_when.is_some())
    {
        problems.push(format!(
            "{} is not ticked when the lesson is {}",
            name_step(loaded, i),
            if lesson.quiz { "answered" } else { "solved" }
        ));
    }
    for (m, moment) in moments.iter().enumerate() {
        let holds = if lesson.quiz {
            moment.goal_holds(loaded)
        } else {
            seen[m].success
        };
        if m < last && holds && m > 0 {
            problems.push(format!(
                "the goal already holds after {}, before the last move",
                name_move(&lesson.solution, m)
            ));
        }
        if m == last && !holds {
            problems.push("its solution does not meet the goal".to_owned());
        }
    }

    // A date change alone, from every moment before the end.
    let mut reported: BTreeSet<usize> = BTreeSet::new();
    let mut goal_reported = false;
    for (m, moment) in moments.iter().enumerate().take(last) {
        for date in dates_to_try(&moment.scenario, loaded) {
            if date == moment.scenario.as_of() {
                continue;
            }
            let mut moved = moment.clone();
            if Edit::SetAsOf(Some(date))
                .apply(&mut moved.scenario)
                .is_err()
            {
                continue;
            }
            moved.see(|obs| {
                for (i, step) in lesson.steps.iter().enumerate() {
                    let Some(condition) = &step.done_when else {
                        continue;
                    };
                    if seen[m].steps[i] || asks_for_a_date(condition) || reported.contains(&i) {
                        continue;
                    }
                    if condition.holds(obs) {
                        reported.insert(i);
                        problems.push(format!(
                            "{} is ticked by changing the date alone (to {date}, at {}), which the step does not ask for",
                            name_step(loaded, i),
                            name_move(&lesson.solution, m)
                        ));
                    }
                }
                if !lesson.quiz
                    && !goal_reported
                    && !asks_for_a_date(&lesson.success)
                    && lesson.success.holds(obs)
                {
                    goal_reported = true;
                    problems.push(format!(
                        "the goal is met by changing the date alone (to {date}, at {})",
                        name_move(&lesson.solution, m)
                    ));
                }
            });
        }
    }

    // Undo, edit by edit, back to the start.
    let mut back = run;
    for m in (0..last).rev() {
        let moment = &moments[m];
        // Only the last moment at each depth is reached by undo (a selection is not undone).
        if moments[m + 1].depth == moment.depth {
            continue;
        }
        let progress = moment.see(|obs| back.observe_at(obs, moment.depth));
        let was = &seen[m];
        for &i in &conditioned {
            if progress.steps[i] && !was.steps[i] {
                problems.push(format!(
                    "{} stays ticked when the edits back to {} are undone",
                    name_step(loaded, i),
                    name_move(&lesson.solution, m)
                ));
            }
        }
        if progress.success && !lesson.quiz {
            problems.push(format!(
                "the goal still holds when the edits back to {} are undone",
                name_move(&lesson.solution, m)
            ));
        }
    }

    // Show me, from every moment before the end.
    for (m, moment) in moments.iter().enumerate().take(last) {
        let shown = show_me(loaded, &moment.scenario).and_then(|played| moment.after(played));
        match shown {
            Ok(after) if after.goal_holds(loaded) => {}
            Ok(_) => problems.push(format!(
                "Show me at {} does not meet the goal",
                name_move(&lesson.solution, m)
            )),
            Err(e) => problems.push(format!(
                "Show me at {} fails: {e}",
                name_move(&lesson.solution, m)
            )),
        }
    }

    // Show me for one step, from every moment the step is still open: it ticks that step and
    // stops there (a step's Show me that also ticks the next step shows the room too much).
    for (m, moment) in moments.iter().enumerate().take(last) {
        for &i in conditioned.iter().filter(|&&i| !seen[m].steps[i]) {
            let done_when = lesson.steps[i].done_when.as_ref().expect("conditioned");
            let target = StepTarget {
                done_when,
                selected: moment.selected.as_deref(),
                marked: &moment.marked,
            };
            let shown = show_me_until(loaded, &moment.scenario, Some(target))
                .and_then(|played| moment.after(played));
            match shown {
                Ok(after) if after.see(|obs| done_when.holds(obs)) => {}
                Ok(_) => problems.push(format!(
                    "Show me for {} at {} does not tick it",
                    name_step(loaded, i),
                    name_move(&lesson.solution, m)
                )),
                Err(e) => problems.push(format!(
                    "Show me for {} at {} fails: {e}",
                    name_step(loaded, i),
                    name_move(&lesson.solution, m)
                )),
            }
        }
    }

    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}
