//! Training in the window: the course, the lesson card (goal, steps, hints, score, answer), the
//! quiz, and the presenter's step card. The lesson logic lives in [`crate::training`]; this draws it
//! and turns clicks into [`TrainingCommand`]s.

use super::canvas::Selection;
use super::document::Document;
use super::recovery::SavedDocument;
use super::style::{severity_symbol, severity_text, valid_text};
use crate::rules::Severity;
use crate::training::{
    Attempt, Condition, Lesson, LessonRun, LoadedLesson, Observed, Progress, QuizResult,
    broken_links,
};
use egui::{Color32, RichText};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

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
    /// Play the lesson's solution as one undoable step.
    ApplyAnswer,
    /// Judge the quiz.
    CheckQuiz,
    /// Mark or unmark a link as broken.
    ToggleMark(String),
    /// Presenter: next step.
    StepNext,
    /// Presenter: previous step.
    StepPrevious,
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
}

impl Training {
    /// True while a quiz hides the findings (until it is judged).
    pub fn hides_findings(&self) -> bool {
        self.run
            .as_ref()
            .is_some_and(|r| r.lesson().quiz && r.quiz.is_none())
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
        let score = run
            .judge_quiz(&seen)
            .score
            .saturating_sub(crate::training::HINT_COST * run.hints_shown as u32);
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

/// A line of the course window.
struct CourseEntry {
    key: &'static str,
    topic: String,
    title: String,
}

/// The course's lessons, parsed once (not every frame the window is open).
fn course() -> &'static [CourseEntry] {
    static COURSE: std::sync::OnceLock<Vec<CourseEntry>> = std::sync::OnceLock::new();
    COURSE.get_or_init(|| {
        crate::training::LESSONS
            .iter()
            .filter_map(|l| {
                let loaded = l.load().ok()?;
                Some(CourseEntry {
                    key: l.key,
                    topic: loaded.lesson.topic,
                    title: loaded.lesson.title,
                })
            })
            .collect()
    })
}

/// The course: every built-in lesson by topic, with the best score so far.
pub fn course_ui(
    ctx: &egui::Context,
    open: &mut bool,
    scores: &BTreeMap<String, u32>,
) -> Vec<TrainingCommand> {
    let mut out = Vec::new();
    let mut keep_open = *open;
    egui::Window::new("Lessons")
        .open(&mut keep_open)
        .default_size([620.0, 560.0])
        .show(ctx, |ui| {
            ui.label("A course on how partners work together in CSP: the partner types, the seed document's sample scenarios, the rules of its linked pages, and quizzes. Each lesson opens a scenario, sets a goal, and checks your changes live.");
            ui.horizontal(|ui| {
                if ui.button("📂 Open a lesson file…").clicked() {
                    out.push(TrainingCommand::OpenFile);
                }
                if ui
                    .button("❓ Quiz me on the open scenario")
                    .on_hover_text("Hide the findings and mark the broken links yourself")
                    .clicked()
                {
                    out.push(TrainingCommand::QuizHere);
                }
            });
            ui.separator();
            egui::ScrollArea::vertical().show(ui, |ui| {
                let mut topic = "";
                for entry in course() {
                    if entry.topic != topic {
                        topic = &entry.topic;
                        ui.add_space(6.0);
                        ui.label(RichText::new(topic).strong().size(16.0));
                    }
                    ui.horizontal(|ui| {
                        if ui.button("Start").clicked() {
                            out.push(TrainingCommand::Start(entry.key));
                        }
                        match scores.get(entry.key) {
                            Some(score) => ui.colored_label(
                                valid_text(ui),
                                format!("✔ {score:>3}"),
                            ),
                            None => ui.label("   ·  "),
                        };
                        ui.label(&entry.title);
                    });
                }
            });
        });
    *open = keep_open && out.is_empty();
    out
}

fn tick(ui: &egui::Ui, done: bool) -> RichText {
    if done {
        RichText::new("✔").color(valid_text(ui))
    } else {
        RichText::new("○").weak()
    }
}

/// The lesson card, in the left panel: goal, steps, hints, score, answer and the quiz.
pub fn lesson_ui(ui: &mut egui::Ui, training: &Training, doc: &Document) -> Vec<TrainingCommand> {
    let mut out = Vec::new();
    let Some(run) = &training.run else {
        return out;
    };
    let lesson = run.lesson();
    ui.horizontal(|ui| {
        ui.label(RichText::new(&lesson.topic).weak());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .small_button("✖ Leave")
                .on_hover_text("Leave the lesson; the scenario stays open")
                .clicked()
            {
                out.push(TrainingCommand::Stop);
            }
            if ui.small_button("⟲ Restart").clicked() {
                out.push(TrainingCommand::Restart);
            }
        });
    });
    ui.heading(&lesson.title);
    ui.label(RichText::new("Goal").strong());
    ui.label(&lesson.goal);
    let progress = training.progress.clone().unwrap_or(Progress {
        steps: vec![false; lesson.steps.len()],
        success: false,
    });

    if let Some(score) = run.solved {
        let banner = if lesson.quiz {
            format!("✔ Quiz checked — score {score}")
        } else {
            format!("✔ Solved — score {score}")
        };
        egui::Frame::new()
            .fill(Color32::from_rgb(0, 120, 90))
            .inner_margin(8.0)
            .corner_radius(4.0)
            .show(ui, |ui| {
                ui.colored_label(Color32::WHITE, RichText::new(banner).heading());
                ui.horizontal(|ui| {
                    if next_lesson(&run.loaded.key).is_some()
                        && ui.button("Next lesson ▶").clicked()
                    {
                        out.push(TrainingCommand::Next);
                    }
                });
            });
    }

    if run.solved.is_none()
        && let Some(best) = run.best
    {
        ui.label(format!(
            "Solved before with a score of {best} (kept); the goal no longer holds."
        ));
    }

    if !lesson.steps.is_empty() {
        ui.add_space(6.0);
        let (done, all) = progress.done();
        ui.label(RichText::new(format!("Steps ({done} of {all} done)")).strong());
        ui.add(egui::ProgressBar::new(done as f32 / all.max(1) as f32).desired_height(6.0));
        for (i, step) in lesson.steps.iter().enumerate() {
            ui.horizontal_wrapped(|ui| {
                ui.label(tick(ui, progress.steps.get(i).copied().unwrap_or(false)));
                let text = RichText::new(format!("{}. {}", i + 1, step.say));
                ui.label(if i == run.step { text.strong() } else { text });
            });
        }
    }

    if lesson.quiz {
        ui.add_space(6.0);
        quiz_ui(ui, training, doc, &mut out);
    }

    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.label(format!("Score if solved now: {}", run.score_now()));
    });
    for (i, hint) in run.shown_hints().iter().enumerate() {
        ui.label(RichText::new(format!("💡 Hint {}: {hint}", i + 1)).italics());
    }
    ui.horizontal(|ui| {
        let left = lesson.hints.len() - run.hints_shown.min(lesson.hints.len());
        if ui
            .add_enabled(
                left > 0 && run.solved.is_none(),
                egui::Button::new(format!(
                    "💡 Hint (−{}, {left} left)",
                    crate::training::HINT_COST
                )),
            )
            .clicked()
        {
            out.push(TrainingCommand::Hint);
        }
        if !run.revealed
            && ui
                .button("👁 Reveal the answer")
                .on_hover_text("For trainers: shows the answer; the lesson then scores 0")
                .clicked()
        {
            out.push(TrainingCommand::Reveal);
        }
    });
    if run.revealed {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.label(RichText::new("Answer").strong());
            ui.label(&lesson.answer);
            if !lesson.solution.is_empty()
                && run.solved.is_none()
                && ui
                    .button(if lesson.quiz {
                        "Mark the answer"
                    } else {
                        "Show me: apply the answer"
                    })
                    .on_hover_text("One step: Ctrl+Z takes it back")
                    .clicked()
            {
                out.push(TrainingCommand::ApplyAnswer);
            }
        });
    }
    if progress.success && run.solved.is_none() {
        ui.colored_label(valid_text(ui), "✔ The goal is met.");
    }
    out
}

fn quiz_ui(ui: &mut egui::Ui, training: &Training, doc: &Document, out: &mut Vec<TrainingCommand>) {
    let Some(run) = &training.run else { return };
    match &run.quiz {
        None => {
            ui.label(
                RichText::new(format!(
                    "⚑ {} marked. Click a link on the canvas to mark or unmark it.",
                    super::style::count(training.marks.len(), "link", "links")
                ))
                .strong(),
            );
            if ui.button("✔ Check my answer").clicked() {
                out.push(TrainingCommand::CheckQuiz);
            }
        }
        Some(result) => quiz_result_ui(ui, result, doc),
    }
}

fn quiz_result_ui(ui: &mut egui::Ui, result: &QuizResult, doc: &Document) {
    ui.label(
        RichText::new(format!(
            "Quiz: {} right, {} wrong, {} missed — {} points",
            result.right.len(),
            result.wrong.len(),
            result.missed.len(),
            result.score
        ))
        .strong(),
    );
    let s = doc.scenario();
    let describe = |id: &str| {
        s.link(id).map_or(id.to_owned(), |l| {
            let name = |p: &crate::model::PartyId| {
                s.party(p.as_str())
                    .map_or(p.to_string(), |q| q.name.clone())
            };
            format!("{} {} → {}", l.kind.label(), name(&l.from), name(&l.to))
        })
    };
    let groups: [(&str, Color32, &[String]); 3] = [
        ("✔ Right", valid_text(ui), &result.right),
        (
            "✖ Not broken",
            severity_text(ui, Severity::Warning),
            &result.wrong,
        ),
        (
            "! Missed",
            severity_text(ui, Severity::Violation),
            &result.missed,
        ),
    ];
    for (label, color, ids) in groups {
        for id in ids {
            ui.colored_label(color, format!("{label}: {}", describe(id)));
            for f in doc.checker().for_link(id) {
                if f.severity == Severity::Note {
                    continue;
                }
                // The rule's title for people; its id only in a details line, as in the
                // findings panel.
                ui.label(format!(
                    "    {} {}: {} Why: {}",
                    severity_symbol(f.severity),
                    f.info().title,
                    f.message,
                    f.info().why
                ));
                ui.label(
                    RichText::new(format!("      rule {}", f.rule))
                        .weak()
                        .small(),
                );
            }
            if label.starts_with('✖') {
                ui.label("    No violation on this link.");
            }
        }
    }
}

/// The presenter's card at the foot of the canvas: the lesson's current step in large type.
pub fn presenter_card_ui(ui: &mut egui::Ui, training: &Training) -> Vec<TrainingCommand> {
    let mut out = Vec::new();
    let Some(run) = &training.run else {
        ui.horizontal(|ui| {
            if ui
                .button(RichText::new("◀ Previous finding").size(18.0))
                .clicked()
            {
                out.push(TrainingCommand::StepPrevious);
            }
            if ui
                .button(RichText::new("Next finding ▶").size(18.0))
                .clicked()
            {
                out.push(TrainingCommand::StepNext);
            }
            ui.label(
                RichText::new("Presenter mode · ← → step through the findings · Esc or F5 leaves")
                    .size(18.0)
                    .weak(),
            );
        });
        return out;
    };
    let lesson = run.lesson();
    let progress = training.progress.clone();
    ui.horizontal(|ui| {
        ui.label(RichText::new(&lesson.title).size(22.0).strong());
        if let Some(score) = run.solved {
            ui.colored_label(
                valid_text(ui),
                RichText::new(format!("✔ Solved — {score}")).size(22.0),
            );
        } else if let Some(best) = run.best {
            ui.label(
                RichText::new(format!(
                    "Solved before (best {best}); the goal no longer holds"
                ))
                .size(18.0)
                .weak(),
            );
        }
    });
    if let Some(step) = lesson.steps.get(run.step) {
        let done = progress
            .as_ref()
            .and_then(|p| p.steps.get(run.step).copied())
            .unwrap_or(false);
        ui.horizontal_wrapped(|ui| {
            ui.label(tick(ui, done).size(26.0));
            ui.label(
                RichText::new(format!(
                    "Step {} of {}: {}",
                    run.step + 1,
                    lesson.steps.len(),
                    step.say
                ))
                .size(26.0),
            );
        });
    } else {
        ui.label(RichText::new(&lesson.goal).size(22.0));
    }
    ui.horizontal(|ui| {
        if ui.button(RichText::new("◀ Previous").size(18.0)).clicked() {
            out.push(TrainingCommand::StepPrevious);
        }
        if ui.button(RichText::new("Next ▶").size(18.0)).clicked() {
            out.push(TrainingCommand::StepNext);
        }
        if lesson.quiz
            && run.quiz.is_none()
            && ui
                .button(
                    RichText::new(format!(
                        "✔ Check my answer ({} marked)",
                        training.marks.len()
                    ))
                    .size(18.0),
                )
                .clicked()
        {
            out.push(TrainingCommand::CheckQuiz);
        }
        ui.label(RichText::new("← → steps · H hint · Esc or F5 leaves presenter mode").weak());
    });
    for hint in run.shown_hints() {
        ui.label(RichText::new(format!("💡 {hint}")).size(18.0).italics());
    }
    out
}

/// The lesson after this one in the course.
pub fn next_lesson(key: &str) -> Option<&'static str> {
    let lessons = crate::training::LESSONS;
    let i = lessons.iter().position(|l| l.key == key)?;
    lessons.get(i + 1).map(|l| l.key)
}
