//! Training in the window: the lesson run, quiz marks and progress, what each [`TrainingCommand`]
//! does to them, and the lesson kept between runs. Must not replace the document or touch files itself.
//!
//! The lesson logic lives in [`crate::training`]; the cards that draw it are in `cards.rs`. A command
//! that needs the window (open a lesson's scenario, apply its answer, keep a score) comes back as a
//! [`TrainingStep`] for the app to carry out.

mod cards;

pub use cards::{course_ui, lesson_ui, presenter_card_ui};

use super::canvas::Selection;
use super::document::Document;
use super::recovery::SavedDocument;
use crate::edit::Edit;
use crate::training::{
    Attempt, Condition, Lesson, LessonRun, LoadedLesson, Observed, Progress, broken_links,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What the training panels ask for.
#[derive(Clone, Debug, PartialEq)]
pub enum TrainingCommand {
    /// Show the course window.
    OpenCourse,
    /// Start a built-in lesson.
    Start(&'static str),
    /// Show the dialog to open a lesson file.
    OpenFile,
    /// Quiz the trainee on the open scenario.
    QuizHere,
    /// Leave the lesson (the scenario stays open).
    Stop,
    /// Start the lesson again from its starting scenario.
    Restart,
    /// Start the next lesson of the course.
    Next,
    /// Show the next hint.
    Hint,
    /// Reveal the answer (the trainer's button).
    Reveal,
    /// Play what the lesson's solution still needs, from wherever the trainee got to, as one
    /// undoable step (*Show me*).
    ApplyAnswer,
    /// Play what the solution needs for this step (0-based) to be done, and no more, as one
    /// undoable step (the presenter's *Show me this step*).
    ShowStep(usize),
    /// Judge the quiz.
    CheckQuiz,
    /// Mark or unmark a link as broken.
    ToggleMark(String),
    /// Presenter: next step.
    StepNext,
    /// Presenter: previous step.
    StepPrevious,
}

/// What a training command needs of the window once the training state has done its part.
#[derive(Debug)]
pub enum TrainingStep {
    /// Open this lesson: its starting scenario replaces the document (after the unsaved-changes
    /// question).
    Open(Box<LoadedLesson>),
    /// Show the dialog that opens a lesson file.
    PickFile,
    /// Apply this edit (what the answer still needed) as one undo step, then select this party or
    /// link (the last one the answer selects).
    Apply(Option<Box<Edit>>, Option<String>),
    /// The lesson was solved with this score: kept if it is its best.
    Score(String, u32),
    /// Nothing lit and no finding explained (a quiz on the open scenario begins).
    ClearLight,
    /// The presenter's arrows without lesson steps: the next (`true`) or previous finding.
    StepFinding(bool),
    /// A message for the banner.
    Report(String),
}

/// The training state of the window.
#[derive(Debug, Default)]
pub struct Training {
    /// The lesson in progress.
    pub run: Option<LessonRun>,
    /// Links marked as broken in a quiz.
    pub marks: BTreeSet<String>,
    /// The lesson's progress, current with the document.
    pub progress: Option<Progress>,
    /// What `progress` was computed from: document revision, selection, marks, judged.
    seen: Option<(u64, Option<Selection>, BTreeSet<String>, bool)>,
    /// The course window is open.
    pub show_course: bool,
    /// A message for the trainee that stays until the next change ("Solved!").
    pub celebrated: bool,
    /// The best score of this lesson kept between sessions (the preferences'), set by the app each
    /// frame: the cards show the best of it and this attempt's, never a lower one as "the best".
    pub kept_best: Option<u32>,
}

impl Training {
    /// The best score to show for the lesson in progress: this attempt's or an earlier one's.
    pub fn best_score(&self) -> Option<u32> {
        self.run.as_ref().and_then(|r| r.best).max(self.kept_best)
    }
}

impl Training {
    /// True while a quiz hides the findings (until it is judged).
    pub fn hides_findings(&self) -> bool {
        self.run
            .as_ref()
            .is_some_and(|r| r.lesson().quiz && r.quiz.is_none())
    }

    /// True while a lesson runs whose steps or goal ask about the as-of date: presenter mode then
    /// shows the date on the card (it hides the toolbar that holds it).
    pub fn asks_for_dates(&self) -> bool {
        self.run.as_ref().is_some_and(|r| {
            let lesson = r.lesson();
            lesson.success.names_as_of()
                || lesson
                    .steps
                    .iter()
                    .filter_map(|s| s.done_when.as_ref())
                    .any(|c| c.names_as_of())
        })
    }

    /// True when a quiz takes link clicks as marks.
    pub fn marking(&self) -> bool {
        self.hides_findings()
    }

    /// Starts a lesson (the caller opens its starting scenario).
    pub fn start(&mut self, loaded: LoadedLesson) {
        self.run = Some(LessonRun::new(loaded));
        self.marks.clear();
        self.progress = None;
        self.seen = None;
        self.celebrated = false;
    }

    /// Picks up a lesson where it was left (see [`SavedLesson`]); the caller opens its document.
    pub fn resume(&mut self, run: LessonRun, marks: BTreeSet<String>) {
        self.run = Some(run);
        self.marks = marks;
        self.progress = None;
        self.seen = None;
        self.celebrated = false;
    }

    /// Does what a training card or key asked for; what needs the window comes back as a step.
    pub fn command(&mut self, command: TrainingCommand, doc: &Document) -> Option<TrainingStep> {
        match command {
            TrainingCommand::OpenCourse => self.show_course = true,
            TrainingCommand::Start(key) => {
                return Some(
                    match crate::training::builtin_lesson(key).map(|l| l.load()) {
                        Some(Ok(loaded)) => TrainingStep::Open(Box::new(loaded)),
                        Some(Err(e)) => {
                            TrainingStep::Report(format!("The lesson could not be loaded: {e}"))
                        }
                        None => TrainingStep::Report(format!("There is no lesson `{key}`.")),
                    },
                );
            }
            TrainingCommand::OpenFile => return Some(TrainingStep::PickFile),
            TrainingCommand::QuizHere => {
                self.start(quiz_on(doc));
                self.show_course = false;
                return Some(TrainingStep::ClearLight);
            }
            TrainingCommand::Stop => self.stop(),
            TrainingCommand::Restart => {
                if let Some(run) = &self.run {
                    let loaded = run.loaded.clone();
                    if loaded.key == QUIZ_KEY {
                        self.start(loaded);
                    } else {
                        return Some(TrainingStep::Open(Box::new(loaded)));
                    }
                }
            }
            TrainingCommand::Next => {
                if let Some(next) = self.run.as_ref().and_then(|r| next_lesson(&r.loaded.key)) {
                    return self.command(TrainingCommand::Start(next), doc);
                }
            }
            TrainingCommand::Hint => {
                // The hint for the step the room is on, not the next in a fixed order.
                let on_step = self.hint_step();
                if let Some(run) = self.run.as_mut() {
                    run.next_hint(on_step);
                }
            }
            TrainingCommand::Reveal => {
                if let Some(run) = self.run.as_mut() {
                    run.revealed = true;
                }
            }
            TrainingCommand::ApplyAnswer => {
                let run = self.run.as_ref()?;
                // From wherever the trainee got to: only what is still missing, as one undo step.
                let played = crate::training::show_me(&run.loaded, doc.scenario());
                return self.play(played);
            }
            TrainingCommand::ShowStep(i) => {
                let run = self.run.as_ref()?;
                let Some(done_when) = run.lesson().steps.get(i).and_then(|s| s.done_when.as_ref())
                else {
                    return self.command(TrainingCommand::ApplyAnswer, doc);
                };
                let selected = self.seen.as_ref().and_then(|seen| match &seen.1 {
                    Some(Selection::Party(id)) => Some(id.as_str()),
                    Some(Selection::Link(id)) => Some(id.as_str()),
                    None => None,
                });
                let target = crate::training::StepTarget {
                    done_when,
                    selected,
                    marked: &self.marks,
                };
                let played =
                    crate::training::show_me_until(&run.loaded, doc.scenario(), Some(target));
                // The card goes to the step shown, so the room reads what was just done with its
                // tick (it stayed on the narration step before it).
                if played.is_ok()
                    && let Some(run) = self.run.as_mut()
                {
                    run.step = run.step.max(i);
                }
                return self.play(played);
            }
            TrainingCommand::CheckQuiz => {
                self.judge(doc);
                if let Some(run) = &self.run
                    && run.loaded.key != QUIZ_KEY
                    && let Some(score) = run.solved
                {
                    return Some(TrainingStep::Score(run.loaded.key.clone(), score));
                }
            }
            TrainingCommand::ToggleMark(id) => {
                if !self.marks.remove(&id) {
                    self.marks.insert(id);
                }
            }
            TrainingCommand::StepNext | TrainingCommand::StepPrevious => {
                let forward = command == TrainingCommand::StepNext;
                match self.run.as_mut() {
                    Some(run) if !run.lesson().steps.is_empty() => {
                        if forward {
                            run.next_step();
                        } else {
                            run.previous_step();
                        }
                    }
                    _ => return Some(TrainingStep::StepFinding(forward)),
                }
            }
        }
        None
    }

    /// The step a hint asked for now is for (see [`LessonRun::hint_step`]).
    pub fn hint_step(&self) -> Option<usize> {
        let run = self.run.as_ref()?;
        run.hint_step(self.progress.as_ref()?)
    }

    /// What *Show me* played, for the window to apply (one undo step, then the selection); the
    /// quiz's marks are placed here.
    fn play(&mut self, played: Result<crate::training::Played, String>) -> Option<TrainingStep> {
        let quiz = self.run.as_ref().is_some_and(|r| r.lesson().quiz);
        match played {
            Ok(played) => {
                if quiz {
                    self.marks = played.marks.into_iter().collect();
                }
                let select = played.select;
                let edit = (played.edit != Edit::Batch(Vec::new())).then_some(played.edit);
                (edit.is_some() || select.is_some())
                    .then(|| TrainingStep::Apply(edit.map(Box::new), select))
            }
            Err(e) => Some(TrainingStep::Report(format!(
                "The answer cannot be applied to the scenario as it is now: {e}. Restart the lesson to see it."
            ))),
        }
    }

    /// Leaves the lesson.
    pub fn stop(&mut self) {
        self.run = None;
        self.marks.clear();
        self.progress = None;
        self.seen = None;
    }

    /// Re-checks the lesson's conditions when the document, the selection or the marks changed.
    /// Returns the score when this refresh solved the lesson.
    pub fn refresh(&mut self, doc: &Document, selection: Option<&Selection>) -> Option<u32> {
        // A link that is gone cannot stay marked (a quiz could never be won otherwise).
        let s = doc.scenario();
        self.marks.retain(|id| s.link(id).is_some());
        if self
            .run
            .as_ref()
            .is_some_and(|r| r.loaded.key == QUIZ_KEY && r.quiz.is_none())
            && self.seen.as_ref().is_none_or(|k| k.0 != doc.revision())
        {
            // A quiz on the open scenario follows its edits: the count, answer and solution are of
            // the scenario as it is now.
            let fresh = quiz_on(doc);
            if let Some(run) = self.run.as_mut() {
                run.loaded.lesson.hints = fresh.lesson.hints;
                run.loaded.lesson.answer = fresh.lesson.answer;
                run.loaded.lesson.solution = fresh.lesson.solution;
                run.loaded.start = fresh.start;
            }
        }
        let run = self.run.as_mut()?;
        let key = (
            doc.revision(),
            selection.cloned(),
            self.marks.clone(),
            run.quiz.is_some(),
        );
        if self.seen.as_ref() == Some(&key) && self.progress.is_some() {
            return None;
        }
        let selected = selection.map(|s| match s {
            Selection::Party(id) => id.as_str(),
            Selection::Link(id) => id.as_str(),
        });
        let seen = Observed {
            scenario: doc.scenario(),
            checker: doc.checker(),
            selected,
            marked: &self.marks,
        };
        let was_solved = run.solved.is_some();
        self.progress = Some(run.observe_at(&seen, doc.history().len()));
        self.seen = Some(key);
        if !was_solved && let Some(score) = run.solved {
            self.celebrated = true;
            return Some(score);
        }
        None
    }

    /// Judges the quiz against the document's findings.
    pub fn judge(&mut self, doc: &Document) {
        let Some(run) = self.run.as_mut() else { return };
        let seen = Observed {
            scenario: doc.scenario(),
            checker: doc.checker(),
            selected: None,
            marked: &self.marks,
        };
        let score = run.judge_quiz(&seen).score.saturating_sub(run.hint_cost());
        // A judged quiz is finished, whatever its score: later edits do not re-score it.
        let score = if run.revealed { 0 } else { score };
        run.solved.get_or_insert(score);
        self.seen = None;
    }
}

/// The key of a quiz on the open scenario (not a lesson of the course).
pub const QUIZ_KEY: &str = "quiz";

/// The version of [`SavedLesson`] this build writes and reads.
pub const SAVED_LESSON_VERSION: u32 = 1;

/// A lesson in progress, kept in the state folder (`lesson.ron`, see
/// [`super::recovery::StateDir::lesson_file`]) while it runs and when the window is closed, so that
/// the next start picks it up where the trainer left it: the lesson, the trainee's scenario as drawn,
/// the steps reached, hints shown, the presenter's step and a quiz's marks.
///
/// Why not the recovery file: a lesson's scenario is scratch work, which closing the window throws
/// away without asking (and which the recovery file therefore leaves out); and why not the
/// preferences: they are copied into eframe's storage and read at every start, while a lesson's
/// scenario can be a few hundred kilobytes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedLesson {
    /// [`SAVED_LESSON_VERSION`] when written.
    pub version: u32,
    /// A built-in lesson's key, or the path of the trainer's lesson file (read again on resume).
    pub key: String,
    /// The lesson's title, for messages when it cannot be resumed.
    pub title: String,
    /// Where the attempt stands.
    pub attempt: Attempt,
    /// A quiz's marks.
    pub marks: BTreeSet<String>,
    /// The trainee's document, as the recovery file keeps one.
    pub doc: SavedDocument,
}

/// Reads only the version, so that a newer file is refused by its version.
#[derive(Deserialize)]
struct VersionProbe {
    version: u32,
}

impl SavedLesson {
    /// What [`SavedLesson::of`] is made from, to tell whether it changed: the document's revision,
    /// the attempt and the marks. `None` when there is nothing to keep: no lesson, or a quiz on the
    /// user's own scenario (that is the document's own work, kept by the recovery file).
    pub fn key(training: &Training, doc: &Document) -> Option<(u64, Attempt, BTreeSet<String>)> {
        let run = training.run.as_ref()?;
        (run.loaded.key != QUIZ_KEY)
            .then(|| (doc.revision(), run.attempt(), training.marks.clone()))
    }

    /// The window's lesson as it stands, or `None` (see [`SavedLesson::key`]).
    pub fn of(training: &Training, doc: &Document) -> Option<Result<Self, ron::Error>> {
        let (_, attempt, marks) = Self::key(training, doc)?;
        let run = training.run.as_ref()?;
        Some(SavedDocument::of(doc).map(|doc| SavedLesson {
            version: SAVED_LESSON_VERSION,
            key: run.loaded.key.clone(),
            title: run.lesson().title.clone(),
            attempt,
            marks,
            doc,
        }))
    }

    /// The text written to disk.
    pub fn to_text(&self) -> Result<String, ron::Error> {
        let pretty = ron::ser::PrettyConfig::new()
            .struct_names(false)
            .escape_strings(false);
        ron::ser::to_string_pretty(self, pretty)
    }

    /// Parses the file's text; `source` names it in errors.
    pub fn parse(text: &str, source: &str) -> Result<Self, String> {
        if let Ok(VersionProbe { version: found }) = ron::from_str::<VersionProbe>(text)
            && found > SAVED_LESSON_VERSION
        {
            return Err(format!(
                "{source}: written by a newer csp-explorer (lesson progress format {found}; this build reads {SAVED_LESSON_VERSION})"
            ));
        }
        ron::from_str(text).map_err(|e| {
            format!(
                "{source}:{}:{}: {}",
                e.span.start.line, e.span.start.col, e.code
            )
        })
    }

    /// The lesson (a built-in one, or its file read again), the attempt on it and the trainee's
    /// document; `source` is the file this was read from.
    pub fn resume(&self, source: &str) -> Result<(LessonRun, Document), String> {
        let loaded = match crate::training::builtin_lesson(&self.key) {
            Some(builtin) => builtin.load(),
            None => LoadedLesson::load(std::path::Path::new(&self.key)),
        }
        .map_err(|e| format!("the lesson “{}”: {e}", self.title))?;
        let doc = self.doc.restore(source).map_err(|e| e.to_string())?;
        Ok((LessonRun::resume(loaded, self.attempt.clone()), doc))
    }
}

/// A quiz on any scenario: find the links with a violation. Its answer marks exactly those.
pub fn quiz_on(doc: &Document) -> LoadedLesson {
    let broken = broken_links(doc.checker());
    let title = &doc.scenario().meta.title;
    LoadedLesson {
        key: QUIZ_KEY.to_owned(),
        lesson: Lesson {
            version: crate::training::LESSON_VERSION,
            title: format!("Quiz: {title}"),
            topic: "Quiz".to_owned(),
            scenario: String::new(),
            setup: Vec::new(),
            goal: "Findings are hidden. Click every link you think breaks a program rule (click again to unmark), then press \"Check my answer\". Warnings and notes do not count: only violations.".to_owned(),
            steps: Vec::new(),
            hints: vec![
                "Hover a link or a party to see its details: dates, tenants, countries, readiness.".to_owned(),
                if broken.len() == 1 {
                    "1 link has a violation.".to_owned()
                } else {
                    format!("{} links have a violation.", broken.len())
                },
            ],
            success: Condition::MarkedAllBroken,
            answer: if broken.is_empty() {
                "No link breaks a rule: the best answer marks nothing.".to_owned()
            } else {
                format!("The links with a violation: {}.", broken.iter().cloned().collect::<Vec<_>>().join(", "))
            },
            solution: broken
                .into_iter()
                .map(crate::training::Change::Mark)
                .collect(),
            quiz: true,
        },
        start: doc.scenario().clone(),
    }
}

/// The lesson after this one in the course.
pub fn next_lesson(key: &str) -> Option<&'static str> {
    let lessons = crate::training::LESSONS;
    let i = lessons.iter().position(|l| l.key == key)?;
    lessons.get(i + 1).map(|l| l.key)
}
