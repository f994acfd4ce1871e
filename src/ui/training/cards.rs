//! The training cards: the course window, the lesson card (goal, steps, hints, score, answer, quiz)
//! and the presenter's step card. Must not change the lesson or the document: clicks return commands.

use super::{Training, TrainingCommand, next_lesson};
use crate::rules::Severity;
use crate::training::{LessonRun, Progress, QuizResult};
use crate::ui::document::Document;
use crate::ui::style;
use crate::ui::style::{severity_symbol, severity_text, valid_text};
use egui::{Color32, RichText};
use std::collections::BTreeMap;
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

/// The presenter's *Next* button. Once the room has done the step on the card, it names the step
/// it goes to and stands out in the selection colour: the card stays on the done step so that the
/// room reads its tick (moving on by itself took that away), and the presenter sees at a glance
/// that it is time to move on (in a walk-through the card sat on a done step while the trainer
/// looked for what was left).
fn next_step_button(ui: &mut egui::Ui, done: bool, step: usize, steps: usize) -> egui::Response {
    if done && step + 1 < steps {
        let fill = ui.visuals().selection.bg_fill;
        ui.add(
            egui::Button::new(
                RichText::new(format!("Next ▶ step {}", step + 2))
                    .size(18.0)
                    .color(ui.visuals().selection.stroke.color),
            )
            .fill(fill),
        )
        .on_hover_text(format!(
            "Step {} is done: show step {} (→)",
            step + 1,
            step + 2
        ))
    } else {
        ui.button(RichText::new("Next ▶").size(18.0))
    }
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

    let best = training.best_score();
    if let Some(score) = run.solved {
        let (mut banner, whole) = solved_verdict(run, &progress, score);
        if let Some(best) = best.filter(|b| *b > score) {
            banner.push_str(&format!(" (best {best})"));
        }
        // Green for a lesson solved or a quiz answered in full; a quiz with links missed or
        // wrongly marked is checked, not solved, and says so in amber.
        let fill = if whole {
            Color32::from_rgb(0, 120, 90)
        } else {
            Color32::from_rgb(150, 95, 0)
        };
        egui::Frame::new()
            .fill(fill)
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
        && let Some(best) = best
    {
        ui.label(format!(
            "Solved before, best score {best}; the goal does not hold now."
        ));
    }

    if !lesson.steps.is_empty() {
        ui.add_space(6.0);
        let (done, all) = progress.done();
        ui.label(RichText::new(format!("Steps ({done} of {all} done)")).strong());
        ui.add(egui::ProgressBar::new(done as f32 / all.max(1) as f32).desired_height(6.0));
        let skipped = skipped_steps(run, &progress);
        for (i, step) in lesson.steps.iter().enumerate() {
            ui.horizontal_wrapped(|ui| {
                if skipped.contains(&i) {
                    let warning = severity_text(ui, Severity::Warning);
                    ui.label(RichText::new("⚠").color(warning))
                        .on_hover_text(SKIPPED_HOVER);
                    let text =
                        RichText::new(format!("{}. {} (skipped)", i + 1, step.say)).color(warning);
                    ui.label(if i == run.step { text.strong() } else { text })
                        .on_hover_text(SKIPPED_HOVER);
                } else {
                    ui.label(tick(ui, progress.steps.get(i).copied().unwrap_or(false)));
                    let text = RichText::new(format!("{}. {}", i + 1, step.say));
                    ui.label(if i == run.step { text.strong() } else { text });
                }
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
        let left = run.hints_left(training.hint_step());
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
                    style::count(training.marks.len(), "link", "links")
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

/// The steps of a lesson whose goal holds that the trainee went past without doing them (see
/// [`Progress::skipped`]); none once the answer was revealed (it scores 0 and says so) or in a quiz.
fn skipped_steps(run: &LessonRun, progress: &Progress) -> Vec<usize> {
    if run.revealed || run.lesson().quiz {
        return Vec::new();
    }
    progress.skipped()
}

/// What the lesson card and the presenter's card say while the goal holds, and whether it is said
/// in green: "✔ Solved" only when every step was done. Lesson 1 said "✔ Solved — score 100" with
/// its first step (select the broken purchase, the point of the lesson) unticked; the steps gone
/// past are now named, in amber, until they are done.
fn solved_verdict(run: &LessonRun, progress: &Progress, score: u32) -> (String, bool) {
    if let Some(result) = &run.quiz {
        return quiz_verdict(result, score);
    }
    let skipped = skipped_steps(run, progress);
    if skipped.is_empty() {
        return (format!("✔ Solved — score {score}"), true);
    }
    (
        format!(
            "Goal met, {} skipped — score {score}",
            steps_named(&skipped)
        ),
        false,
    )
}

/// "step 1", "steps 1 and 3", "steps 1, 2 and 4" (indexes from 0).
fn steps_named(steps: &[usize]) -> String {
    let numbers: Vec<String> = steps.iter().map(|i| (i + 1).to_string()).collect();
    match numbers.as_slice() {
        [] => String::new(),
        [one] => format!("step {one}"),
        [rest @ .., last] => format!("steps {} and {last}", rest.join(", ")),
    }
}

const SKIPPED_HOVER: &str =
    "Skipped: the goal was met without this step. Do it now to finish the lesson.";

/// What a checked quiz scored, in a line, and whether it was answered in full (every broken link
/// found, none marked wrongly). A quiz with one of three found said "Solved".
fn quiz_verdict(result: &QuizResult, score: u32) -> (String, bool) {
    let broken = result.right.len() + result.missed.len();
    let whole = result.missed.is_empty() && result.wrong.is_empty();
    let found = if broken == 0 {
        "no link was broken".to_owned()
    } else {
        format!("{} of {broken} broken found", result.right.len())
    };
    let wrong = match result.wrong.len() {
        0 => String::new(),
        n => format!(", {} marked wrongly", style::count(n, "link", "links")),
    };
    let tick = if whole { "✔ " } else { "" };
    (
        format!("{tick}Quiz checked: {found}{wrong} — score {score}"),
        whole,
    )
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
/// `under_step` draws what the step is done with right under it (a lesson about dates: the as-of
/// date), above the buttons.
pub fn presenter_card_ui(
    ui: &mut egui::Ui,
    training: &Training,
    under_step: impl FnOnce(&mut egui::Ui),
    in_buttons_row: impl FnOnce(&mut egui::Ui) -> bool,
) -> Vec<TrainingCommand> {
    let mut out = Vec::new();
    // Rows wrap rather than run off the window: the card has no scroll bar, and its last words
    // ("Esc or F5 leaves") were cut off at 1600 pixels in the presentation theme.
    let Some(run) = &training.run else {
        ui.horizontal_wrapped(|ui| {
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
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(&lesson.title).size(22.0).strong());
        if let Some(score) = run.solved {
            let (verdict, whole) = match &progress {
                Some(progress) => solved_verdict(run, progress, score),
                None => (format!("✔ Solved — score {score}"), true),
            };
            let color = if whole {
                valid_text(ui)
            } else {
                severity_text(ui, Severity::Warning)
            };
            ui.colored_label(color, RichText::new(verdict).size(22.0));
        } else if let Some(best) = training.best_score() {
            ui.label(
                RichText::new(format!(
                    "Solved before (best {best}); the goal does not hold now"
                ))
                .size(18.0)
                .weak(),
            );
        }
    });
    let step_done = progress
        .as_ref()
        .and_then(|p| p.steps.get(run.step).copied())
        .unwrap_or(false);
    if let Some(step) = lesson.steps.get(run.step) {
        let done = step_done;
        let skipped = progress
            .as_ref()
            .is_some_and(|p| skipped_steps(run, p).contains(&run.step));
        ui.horizontal_wrapped(|ui| {
            if skipped {
                ui.label(
                    RichText::new("⚠")
                        .color(severity_text(ui, Severity::Warning))
                        .size(26.0),
                )
                .on_hover_text(SKIPPED_HOVER);
            } else {
                ui.label(tick(ui, done).size(26.0));
            }
            // In the strong text colour: the theme's body grey read dim on a projector (seen in a
            // presenter walk-through), and this line is what the room reads.
            ui.label(
                RichText::new(format!(
                    "Step {} of {}: {}",
                    run.step + 1,
                    lesson.steps.len(),
                    step.say
                ))
                .size(26.0)
                .color(ui.visuals().strong_text_color()),
            );
        });
    } else {
        ui.label(RichText::new(&lesson.goal).size(22.0));
    }
    under_step(ui);
    ui.horizontal_wrapped(|ui| {
        if ui.button(RichText::new("◀ Previous").size(18.0)).clicked() {
            out.push(TrainingCommand::StepPrevious);
        }
        if next_step_button(ui, step_done, run.step, lesson.steps.len()).clicked() {
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
        // The panels (inspector, findings) are hidden here: the trainer can still finish a step
        // that needs them (the quick fixes of what is clicked are in this row).
        // The step the room is on, not the whole answer:
        // on step 2 of 4 the whole answer played over the steps the room had yet to see.
        if !lesson.quiz && !lesson.solution.is_empty() && run.solved.is_none() {
            let open_step = training.hint_step().filter(|&i| {
                lesson.steps[i].done_when.is_some()
                    && progress
                        .as_ref()
                        .is_some_and(|p| !p.steps.get(i).copied().unwrap_or(true))
            });
            let (label, hover, command) = match open_step {
                Some(i) => (
                    format!("👁 Show me step {}", i + 1),
                    "Reveals the answer and plays what this step still needs as one step \
                     (Ctrl+Z takes it back); the lesson then scores 0",
                    TrainingCommand::ShowStep(i),
                ),
                None => (
                    "👁 Show me".to_owned(),
                    "Reveals the answer and plays what it still needs as one step \
                     (Ctrl+Z takes it back); the lesson then scores 0",
                    TrainingCommand::ApplyAnswer,
                ),
            };
            if ui
                .button(RichText::new(label).size(18.0))
                .on_hover_text(hover)
                .clicked()
            {
                out.push(TrainingCommand::Reveal);
                out.push(command);
            }
        }
        // What the caller adds to the row (the quick fixes of what is clicked) takes the place
        // of the keys' reminder.
        if !in_buttons_row(ui) {
            ui.label(
                RichText::new(
                    "← → steps · H hint · click a red link for its quick fixes · F5 or Esc shows the panels",
                )
                .weak(),
            );
        }
    });
    // The step on screen's hints (and the lesson's): one asked for on an earlier step is gone
    // with it.
    for hint in run.shown_hints_for(training.hint_step()) {
        ui.label(RichText::new(format!("💡 {hint}")).size(18.0).italics());
    }
    out
}
