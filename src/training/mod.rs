//! Training: lessons with live success conditions, hints and scores, and the quiz. Must not import
//! the window (`ui`): a lesson is played and scored headless.
//!
//! Like the rules, this is free of egui: a [`LessonRun`] is told what the trainee's scenario looks
//! like and answers with progress and a score, so every lesson's success condition is tested
//! headless (`tests/lessons.rs`) and the GUI only draws it.

mod condition;
mod lesson;
mod verify;

pub use condition::{Condition, Observed, broken_links, can_transact};
pub use lesson::{
    Change, LESSON_VERSION, Lesson, LessonError, LinkPatch, LoadedLesson, MAX_LESSON_BYTES,
    MAX_LESSON_SCENARIO_BYTES, PartyPatch, Played, Step, StepTarget, play, show_me, show_me_until,
};
pub use verify::verify;

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A built-in lesson: compiled in so the course works from any folder.
#[derive(Debug)]
pub struct BuiltinLesson {
    /// Stable name (the file stem): `04-sample-1-two-chains`.
    pub key: &'static str,
    /// The file, for error messages.
    pub file: &'static str,
    /// The lesson text.
    pub text: &'static str,
}

impl BuiltinLesson {
    /// Parses the lesson and builds its starting scenario.
    pub fn load(&self) -> Result<LoadedLesson, LessonError> {
        LoadedLesson::parse(self.key, self.text, self.file, None)
    }
}

macro_rules! lesson {
    ($key:literal) => {
        BuiltinLesson {
            key: $key,
            file: concat!("assets/lessons/", $key, ".ron"),
            text: include_str!(concat!("../../assets/lessons/", $key, ".ron")),
        }
    };
}

/// The course, in teaching order.
pub static LESSONS: &[BuiltinLesson] = &[
    lesson!("01-direct-bill"),
    lesson!("02-indirect-provider"),
    lesson!("03-indirect-reseller"),
    lesson!("04-sample-1-two-chains"),
    lesson!("05-sample-2-multi-partner"),
    lesson!("06-sample-3-multi-channel"),
    lesson!("07-sample-4-own-use-tenant"),
    lesson!("08-sample-5-self-sale"),
    lesson!("09-sample-5-affiliate-sale"),
    lesson!("10-sample-6-own-provider"),
    lesson!("11-sample-7-regions"),
    lesson!("12-sample-8-partner-regions"),
    lesson!("13-mca"),
    lesson!("14-reseller-relationships"),
    lesson!("15-restricted-direct-bill"),
    lesson!("16-gdap"),
    lesson!("17-mpa-as-of"),
    lesson!("20-partnership-ends"),
    lesson!("21-reseller-changes-distributor"),
    lesson!("22-direct-bill-goes-indirect"),
    lesson!("18-quiz-sample-6"),
    lesson!("19-quiz-mixed"),
];

/// The built-in lesson with this key.
pub fn builtin_lesson(key: &str) -> Option<&'static BuiltinLesson> {
    LESSONS.iter().find(|l| l.key == key)
}

/// Points lost for each hint shown.
pub const HINT_COST: u32 = 15;
/// The least a solved lesson scores, however many hints were used.
pub const SOLVED_FLOOR: u32 = 25;

/// A lesson in progress: hints shown, whether the answer was revealed, the presenter's current step,
/// and whether (and with what score) it was solved.
#[derive(Clone, Debug)]
pub struct LessonRun {
    /// The lesson.
    pub loaded: LoadedLesson,
    /// The hints shown, in the order they were asked for (each costs points).
    shown: Vec<HintAt>,
    /// True once the trainer revealed the answer: the lesson can still be finished, for no points.
    pub revealed: bool,
    /// The step the presenter is on.
    pub step: usize,
    /// The score while the goal holds: it follows the scenario (undo the fix and it is gone; redo it
    /// and it is back). A judged quiz stays judged.
    pub solved: Option<u32>,
    /// The best score of this attempt, kept when the scenario is broken again.
    pub best: Option<u32>,
    /// The quiz's result, once the trainee asked for it.
    pub quiz: Option<QuizResult>,
    /// Per step, the undo depth (edits in the history) at which it was first done, if it was: a step
    /// stays done while later edits are made (selecting a link and then deleting it should not take
    /// the first step back), and is taken back when the edits before it are undone.
    reached: Vec<Option<usize>>,
}

/// Where an attempt stands, apart from the scenario: what the window keeps when it is closed in the
/// middle of a lesson, so that the trainer picks it up where they left it ([`LessonRun::resume`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Attempt {
    /// How many hints were shown (each costs points). An attempt kept before steps had hints of
    /// their own names only this: its hints were the lesson's first ones.
    pub hints_shown: usize,
    /// Which hints were shown, in order.
    pub hints: Vec<HintAt>,
    /// The answer was revealed.
    pub revealed: bool,
    /// The presenter's step.
    pub step: usize,
    /// The best score of the attempt so far.
    pub best: Option<u32>,
    /// Per step: reached. A step once done stays done (the selection that did it is not kept).
    pub reached: Vec<bool>,
    /// A judged quiz's result.
    pub quiz: Option<QuizResult>,
}

/// Where a hint is in its lesson: the `n`th of a step's own, or of the lesson's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HintAt {
    /// A step's hint: the step, then the hint's place among its hints.
    Step(usize, usize),
    /// The lesson's own hint.
    Lesson(usize),
}

/// What the run looks like now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Per step: done or not. A step stays done once done; a narration step counts as done once the
    /// presenter moved past it or a later step is done.
    pub steps: Vec<bool>,
    /// True when the success condition holds.
    pub success: bool,
}

impl Progress {
    /// Steps done, of all steps.
    pub fn done(&self) -> (usize, usize) {
        (self.steps.iter().filter(|d| **d).count(), self.steps.len())
    }

    /// The step the trainee is on: the first not done, if any is left.
    pub fn on_step(&self) -> Option<usize> {
        self.steps.iter().position(|done| !done)
    }

    /// The steps the trainee went past: not done while the goal holds (a narration step is done
    /// by then, so these are steps with a condition). The goal can be met without them (a trainee
    /// who fixes lesson 1's channel without first selecting the broken purchase), and a lesson
    /// that says "Solved" with a step unticked says the step did not matter.
    pub fn skipped(&self) -> Vec<usize> {
        if !self.success {
            return Vec::new();
        }
        (0..self.steps.len()).filter(|&i| !self.steps[i]).collect()
    }
}

impl LessonRun {
    /// Starts a lesson.
    pub fn new(loaded: LoadedLesson) -> Self {
        LessonRun {
            loaded,
            shown: Vec::new(),
            revealed: false,
            step: 0,
            solved: None,
            best: None,
            quiz: None,
            reached: Vec::new(),
        }
    }

    /// Picks an attempt up where [`LessonRun::attempt`] left it. Steps reached then stay reached:
    /// the undo history they were reached in is gone, so they count as reached before any edit.
    /// Numbers beyond this lesson (a lesson file changed since) are brought within it.
    pub fn resume(loaded: LoadedLesson, attempt: Attempt) -> Self {
        let lesson = &loaded.lesson;
        let steps = lesson.steps.len();
        let mut reached: Vec<Option<usize>> = attempt
            .reached
            .iter()
            .map(|done| done.then_some(0))
            .collect();
        reached.resize(steps, None);
        // Only hints this lesson has, each once; an older attempt's count, as the first hints
        // offered before any step was begun.
        let mut shown: Vec<HintAt> = Vec::new();
        if attempt.hints.is_empty() {
            shown.extend(hint_order(lesson, None).take(attempt.hints_shown));
        } else {
            for at in attempt.hints {
                if hint_text(lesson, at).is_some() && !shown.contains(&at) {
                    shown.push(at);
                }
            }
        }
        LessonRun {
            shown,
            revealed: attempt.revealed,
            step: attempt.step.min(steps.saturating_sub(1)),
            solved: None,
            best: attempt.best,
            quiz: attempt.quiz.filter(|_| lesson.quiz),
            reached,
            loaded,
        }
    }

    /// Where the attempt stands (see [`Attempt`]).
    pub fn attempt(&self) -> Attempt {
        Attempt {
            hints_shown: self.shown.len(),
            hints: self.shown.clone(),
            revealed: self.revealed,
            step: self.step,
            best: self.best,
            reached: self.reached.iter().map(Option::is_some).collect(),
            quiz: self.quiz.clone(),
        }
    }

    /// The lesson.
    pub fn lesson(&self) -> &Lesson {
        &self.loaded.lesson
    }

    /// Checks the attempt with no history (as the CLI does): see [`LessonRun::observe_at`].
    pub fn observe(&mut self, seen: &Observed) -> Progress {
        self.observe_at(seen, 0)
    }

    /// Checks the attempt as the scenario is now, `depth` edits into its undo history: the steps
    /// done at a greater depth than the current one were undone and are no longer done; the lesson is
    /// solved exactly while its goal holds (a score is given each time it starts to hold).
    pub fn observe_at(&mut self, seen: &Observed, depth: usize) -> Progress {
        let lesson = &self.loaded.lesson;
        let checked: Vec<Option<bool>> = lesson
            .steps
            .iter()
            .map(|s| s.done_when.as_ref().map(|c| c.holds(seen)))
            .collect();
        self.reached.resize(checked.len(), None);
        for (reached, done) in self.reached.iter_mut().zip(&checked) {
            if reached.is_some_and(|at| at > depth) {
                *reached = None;
            }
            if *done == Some(true) && reached.is_none() {
                *reached = Some(depth);
            }
        }
        // A quiz is judged when the trainee asks for the result, not while marks are being placed;
        // once judged it stays judged.
        let success = if lesson.quiz {
            self.quiz.is_some() && lesson.success.holds(seen)
        } else {
            lesson.success.holds(seen)
        };
        if !lesson.quiz {
            if !success {
                self.solved = None;
            } else if self.solved.is_none() {
                let score = self.score_now();
                self.solved = Some(score);
                self.best = Some(self.best.map_or(score, |b| b.max(score)));
            }
        } else if success && self.solved.is_none() {
            self.solved = Some(self.score_now());
        }
        // A narration step is done once the presenter moved past it, a later step is done, or the
        // lesson is solved (a quiz: answered, whatever its score).
        let finished = self.solved.is_some() || self.quiz.is_some();
        let reached: Vec<bool> = self.reached.iter().map(Option::is_some).collect();
        let steps = checked
            .iter()
            .enumerate()
            .map(|(i, done)| match done {
                Some(_) => reached[i],
                None => finished || i < self.step || reached[i + 1..].contains(&true),
            })
            .collect();
        Progress { steps, success }
    }

    /// The score the attempt would get if it were solved now.
    pub fn score_now(&self) -> u32 {
        if self.revealed {
            return 0;
        }
        if let Some(quiz) = &self.quiz {
            return quiz.score.saturating_sub(self.hint_cost());
        }
        100u32.saturating_sub(self.hint_cost()).max(SOLVED_FLOOR)
    }

    /// The points the hints shown cost.
    pub fn hint_cost(&self) -> u32 {
        HINT_COST.saturating_mul(u32::try_from(self.shown.len()).unwrap_or(u32::MAX))
    }

    /// The step a hint asked for now is for: the presenter's step, or the first step with a
    /// condition not yet done if that is further on (narration is skipped: lesson 5's room,
    /// drawing the purchase, is not on "Ask the graph" any more). `None` once every step is past.
    pub fn hint_step(&self, progress: &Progress) -> Option<usize> {
        let steps = &self.loaded.lesson.steps;
        let open = steps
            .iter()
            .zip(&progress.steps)
            .position(|(step, done)| step.done_when.is_some() && !done);
        match open {
            Some(i) => Some(i.max(self.step)),
            None => (self.step < steps.len()).then_some(self.step),
        }
    }

    /// Shows the next hint for a trainee on step `on_step` (see [`LessonRun::hint_step`]): that
    /// step's own first, then the lesson's; never another step's (a hint for the step after next
    /// only confuses a room). With no step, any hint left. `None` when none is left.
    pub fn next_hint(&mut self, on_step: Option<usize>) -> Option<&str> {
        let lesson = &self.loaded.lesson;
        let at = hint_order(lesson, on_step).find(|at| !self.shown.contains(at))?;
        self.shown.push(at);
        hint_text(lesson, at)
    }

    /// The hints shown so far, in the order they were asked for.
    pub fn shown_hints(&self) -> Vec<&str> {
        self.shown
            .iter()
            .filter_map(|&at| hint_text(&self.loaded.lesson, at))
            .collect()
    }

    /// The hints shown that are for step `on_step` or the whole lesson: what the presenter's card
    /// keeps on screen (the panel lists every hint shown).
    pub fn shown_hints_for(&self, on_step: Option<usize>) -> Vec<&str> {
        self.shown
            .iter()
            .filter(|at| match at {
                HintAt::Step(step, _) => on_step.is_none_or(|on| on == *step),
                HintAt::Lesson(_) => true,
            })
            .filter_map(|&at| hint_text(&self.loaded.lesson, at))
            .collect()
    }

    /// How many hints are left to ask for on step `on_step` (any step's with `None`).
    pub fn hints_left(&self, on_step: Option<usize>) -> usize {
        hint_order(&self.loaded.lesson, on_step)
            .filter(|at| !self.shown.contains(at))
            .count()
    }

    /// Moves the presenter to the next step; false at the last one.
    pub fn next_step(&mut self) -> bool {
        if self.step + 1 < self.loaded.lesson.steps.len() {
            self.step += 1;
            true
        } else {
            false
        }
    }

    /// Moves the presenter back a step; false at the first one.
    pub fn previous_step(&mut self) -> bool {
        if self.step > 0 {
            self.step -= 1;
            true
        } else {
            false
        }
    }

    /// Judges a quiz: compares the marks with the broken links and keeps the result.
    pub fn judge_quiz(&mut self, seen: &Observed) -> &QuizResult {
        self.quiz
            .insert(score_quiz(seen.marked, &broken_links(seen.checker)))
    }
}

/// The hints of `lesson` offered to a trainee on step `on_step`, in order: its own, then the
/// lesson's. With no step (every step past, or an attempt kept before steps had hints), the
/// lesson's then every step's in order.
fn hint_order(lesson: &Lesson, on_step: Option<usize>) -> impl Iterator<Item = HintAt> + '_ {
    let of_step = |i: usize| {
        let count = lesson.steps.get(i).map_or(0, |s| s.hints.len());
        (0..count).map(move |n| HintAt::Step(i, n))
    };
    let first = on_step.into_iter().flat_map(of_step);
    let general = (0..lesson.hints.len()).map(HintAt::Lesson);
    let rest = (0..lesson.steps.len())
        .filter(move |_| on_step.is_none())
        .flat_map(of_step);
    first.chain(general).chain(rest)
}

/// A hint's words, if the lesson has it.
fn hint_text(lesson: &Lesson, at: HintAt) -> Option<&str> {
    match at {
        HintAt::Step(step, n) => lesson.steps.get(step)?.hints.get(n),
        HintAt::Lesson(n) => lesson.hints.get(n),
    }
    .map(String::as_str)
}

/// How a quiz went: links rightly marked, wrongly marked, and broken links missed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizResult {
    /// Marked and broken.
    pub right: Vec<String>,
    /// Marked but valid.
    pub wrong: Vec<String>,
    /// Broken but not marked.
    pub missed: Vec<String>,
    /// 0 to 100: each right mark earns a share, each wrong mark costs one.
    pub score: u32,
}

/// Scores marks against the broken links. Every broken link found is worth `100 / broken` points
/// and every valid link marked costs as much, so marking everything scores no better than nothing.
pub fn score_quiz(marked: &BTreeSet<String>, broken: &BTreeSet<String>) -> QuizResult {
    let right: Vec<String> = marked.intersection(broken).cloned().collect();
    let wrong: Vec<String> = marked.difference(broken).cloned().collect();
    let missed: Vec<String> = broken.difference(marked).cloned().collect();
    let score = if broken.is_empty() {
        if wrong.is_empty() { 100 } else { 0 }
    } else {
        let net = right.len().saturating_sub(wrong.len());
        ((net * 100) as f64 / broken.len() as f64).round() as u32
    };
    QuizResult {
        right,
        wrong,
        missed,
        score,
    }
}

/// Plays `changes` on the lesson's starting scenario and says whether the result solves the lesson
/// (for a quiz, with the marks the changes place, judged).
pub fn solves(loaded: &LoadedLesson, changes: &[Change]) -> Result<bool, String> {
    let mut scenario = loaded.start.clone();
    let (edit, marks) = play(&scenario, changes)?;
    edit.apply(&mut scenario).map_err(|e| e.to_string())?;
    let checker = crate::rules::Checker::new(&scenario);
    let marked: BTreeSet<String> = marks.into_iter().collect();
    let seen = Observed {
        scenario: &scenario,
        checker: &checker,
        selected: None,
        marked: &marked,
    };
    let mut run = LessonRun::new(loaded.clone());
    if loaded.lesson.quiz {
        run.judge_quiz(&seen);
    }
    Ok(run.observe(&seen).success)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(ids: &[&str]) -> BTreeSet<String> {
        ids.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn quiz_scoring_rewards_finds_and_charges_false_alarms() {
        let broken = set(&["a", "b", "c", "d"]);
        let all = score_quiz(&set(&["a", "b", "c", "d"]), &broken);
        assert_eq!((all.score, all.wrong.len(), all.missed.len()), (100, 0, 0));
        let half = score_quiz(&set(&["a", "b"]), &broken);
        assert_eq!(half.score, 50);
        assert_eq!(half.missed, ["c", "d"]);
        let noisy = score_quiz(&set(&["a", "b", "x"]), &broken);
        assert_eq!((noisy.score, noisy.right.len()), (25, 2));
        assert_eq!(noisy.wrong, ["x"]);
        let everything = score_quiz(&set(&["a", "b", "c", "d", "w", "x", "y", "z"]), &broken);
        assert_eq!(everything.score, 0, "marking everything earns nothing");
        assert_eq!(score_quiz(&set(&[]), &set(&[])).score, 100);
        assert_eq!(score_quiz(&set(&["x"]), &set(&[])).score, 0);
    }

    #[test]
    fn an_attempt_resumed_keeps_its_steps_hints_and_presenter_step_without_the_selection() {
        let loaded = builtin_lesson("13-mca")
            .expect("lesson")
            .load()
            .expect("loads");
        let scenario = loaded.start.clone();
        let checker = crate::rules::Checker::new(&scenario);
        let marked = BTreeSet::new();
        let seen = |selected| Observed {
            scenario: &scenario,
            checker: &checker,
            selected,
            marked: &marked,
        };
        let mut run = LessonRun::new(loaded.clone());
        // Step 1 is selecting the purchase.
        let done = run.observe(&seen(Some("purchase-tailspin-azure")));
        assert_eq!(done.done(), (1, 2));
        run.next_hint(done.on_step());
        run.next_step();
        let attempt = run.attempt();

        let mut resumed = LessonRun::resume(loaded.clone(), attempt.clone());
        assert_eq!(resumed.attempt(), attempt);
        // Nothing is selected after a restart: the step stays done all the same.
        assert_eq!(resumed.observe(&seen(None)).done(), (1, 2));
        assert_eq!(resumed.shown_hints().len(), 1);
        assert_eq!(resumed.score_now(), 100 - HINT_COST);
        assert_eq!(resumed.step, 1);
        // A fresh run without the attempt has nothing done.
        assert_eq!(
            LessonRun::new(loaded.clone()).observe(&seen(None)).done(),
            (0, 2)
        );

        // An attempt from a longer version of the lesson is brought within this one.
        let beyond = Attempt {
            hints_shown: 99,
            hints: Vec::new(),
            step: 99,
            reached: vec![true; 9],
            ..attempt
        };
        let mut run = LessonRun::resume(loaded.clone(), beyond);
        assert_eq!(run.shown_hints().len(), run.attempt().hints_shown);
        assert_eq!(
            run.hints_left(None),
            0,
            "every hint the lesson has, each once"
        );
        assert_eq!(run.step, loaded.lesson.steps.len() - 1);
        assert_eq!(run.observe(&seen(None)).steps.len(), 2);
    }

    #[test]
    fn a_step_gone_past_is_skipped_once_the_goal_holds_and_not_after_it_is_done() {
        let loaded = builtin_lesson("01-direct-bill")
            .expect("lesson")
            .load()
            .expect("loads");
        // Lesson 1's fix without its first step, selecting the broken purchase.
        let fix: Vec<Change> = loaded
            .lesson
            .solution
            .iter()
            .filter(|c| !matches!(c, Change::Select(_)))
            .cloned()
            .collect();
        let mut scenario = loaded.start.clone();
        let (edit, _) = play(&scenario, &fix).expect("plays");
        edit.apply(&mut scenario).expect("applies");
        let checker = crate::rules::Checker::new(&scenario);
        let start_checker = crate::rules::Checker::new(&loaded.start);
        let marked = BTreeSet::new();
        let mut run = LessonRun::new(loaded.clone());
        let at_start = run.observe(&Observed {
            scenario: &loaded.start,
            checker: &start_checker,
            selected: None,
            marked: &marked,
        });
        assert!(at_start.skipped().is_empty(), "nothing is gone past yet");
        let seen = |selected| Observed {
            scenario: &scenario,
            checker: &checker,
            selected,
            marked: &marked,
        };
        let fixed = run.observe(&seen(None));
        assert!(fixed.success);
        assert_eq!(fixed.skipped(), [0], "{fixed:?}");
        // Done afterwards, it is no longer skipped.
        let selected = run.observe(&seen(Some("purchase-northwind-m365")));
        assert!(
            selected.success && selected.skipped().is_empty(),
            "{selected:?}"
        );
    }

    #[test]
    fn every_builtin_lesson_loads() {
        assert!(LESSONS.len() >= 12);
        for l in LESSONS {
            let loaded = l.load().unwrap_or_else(|e| panic!("{e}"));
            assert!(!loaded.lesson.goal.is_empty(), "{}", l.key);
            assert!(
                LessonRun::new(loaded.clone()).hints_left(None) > 0,
                "{} has no hint",
                l.key
            );
        }
    }
}
