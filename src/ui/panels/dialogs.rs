//! Windows and modals: the link-kind chooser, the scenario library, help, unsaved changes, a file
//! changed on disk, the path field. Must not act on an answer: each returns it for the app.

use crate::model::LinkKind;
use crate::ui::command::{Command, PendingLink};
use crate::ui::document::Document;
use crate::ui::files::{DialogFailure, DialogPurpose};
use crate::ui::style::{severity_symbol, severity_text, valid_text};
use crate::ui::training::TrainingCommand;
use egui::RichText;
use std::path::PathBuf;

/// The widest the link-kind chooser gets (its reasons wrap within it).
const CHOOSER_WIDTH: f32 = 360.0;

/// The link-kind chooser after a connect gesture; returns the chosen kind.
pub fn link_chooser_ui(
    ctx: &egui::Context,
    doc: &Document,
    pending: &mut Option<PendingLink>,
) -> Option<LinkKind> {
    let p = pending.as_ref()?;
    let mut chosen = None;
    let mut cancel = false;
    let name = |id: &crate::model::PartyId| {
        doc.scenario()
            .party(id.as_str())
            .map_or(id.to_string(), |p| p.name.clone())
    };
    // Opened where the drag ended, and kept inside the window (it ran off the right and bottom
    // edges for a target near them).
    egui::Window::new("New link")
        .id(egui::Id::new("link-chooser"))
        .current_pos(p.at)
        .constrain_to(ctx.content_rect())
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            ui.set_max_width(CHOOSER_WIDTH);
            ui.label(format!("From {} to {}:", name(&p.from), name(&p.to)));
            let mut shown_other = false;
            for (kind, verdict, chain) in &p.options {
                if !chain && !shown_other {
                    ui.separator();
                    ui.weak("Not a program chain (possible, for training):");
                    shown_other = true;
                }
                let (symbol, color) = match verdict.worst {
                    None => ("✔", valid_text(ui)),
                    Some(sev) => (severity_symbol(sev), severity_text(ui, sev)),
                };
                let text = RichText::new(format!("{symbol} {}", kind.label())).color(color);
                // The rule's title and id on hover, for the trainer who looks it up; the line
                // under the button is the finding in the room's words.
                let hover = match verdict.rule {
                    Some(rule) => format!("{} (rule {})", rule.info().title, rule.key()),
                    None => verdict.reason.clone(),
                };
                if ui.button(text).on_hover_text(hover).clicked() {
                    chosen = Some(*kind);
                }
                // Each kind's own reason, under it: the first one is what the drag showed. At the
                // body's size, not `small()`: the reason is what the room reads to choose, and small
                // coloured text was unreadable on a projector (seen in a presenter walk-through).
                ui.add(egui::Label::new(RichText::new(&verdict.reason).color(color)).wrap());
            }
            ui.separator();
            if ui.button("Cancel (Esc)").clicked() {
                cancel = true;
            }
        });
    if cancel {
        *pending = None;
    }
    chosen
}

/// The scenario library: every built-in scenario with its title and explanation.
pub fn library_ui(ctx: &egui::Context, open: &mut bool) -> Vec<Command> {
    let mut out = Vec::new();
    let mut keep_open = *open;
    egui::Window::new("Scenario library")
        .open(&mut keep_open)
        .default_size([640.0, 520.0])
        .show(ctx, |ui| {
            ui.label("The sample scenarios of \"Learn how partners can work with other partners in the CSP program\". Open one to explore it, break it and fix it.");
            ui.horizontal(|ui| {
                ui.label("Teaching a room?");
                if ui
                    .button("🎓 Open the lessons")
                    .on_hover_text("A course of 22 lessons with goals, hints, scores and quizzes")
                    .clicked()
                {
                    out.push(Command::Training(TrainingCommand::OpenCourse));
                }
            });
            ui.add_space(6.0);
            egui::ScrollArea::vertical().show(ui, |ui| {
                for b in crate::scenarios::BUILTIN {
                    let Ok(s) = b.load() else { continue };
                    ui.group(|ui| {
                        ui.horizontal(|ui| {
                            ui.label(RichText::new(&s.meta.title).strong());
                            if ui.button("Open").clicked() {
                                out.push(Command::OpenBuiltin(b.slug));
                            }
                        });
                        ui.label(&s.meta.description);
                    });
                }
            });
        });
    *open = keep_open && out.is_empty();
    out
}

/// The help window: gestures and shortcuts.
pub fn help_ui(ctx: &egui::Context, open: &mut bool) {
    egui::Window::new("Shortcuts and gestures")
        .open(open)
        .show(ctx, |ui| {
            egui::Grid::new("help").striped(true).show(ui, |ui| {
                for (keys, what) in [
                    ("Drag a party", "move it (one undo step per drag)"),
                    (
                        "Shift+drag, or C then drag",
                        "connect two parties: choose the link kind on release",
                    ),
                    ("Drag empty canvas", "pan"),
                    ("Mouse wheel / pinch", "zoom around the pointer"),
                    ("F", "fit the channel into view"),
                    (
                        "Click",
                        "select a party or link; click a finding to light up its path",
                    ),
                    (
                        "Ctrl+drag",
                        "lasso: select the parties inside (Shift adds, Alt takes out)",
                    ),
                    (
                        "Ctrl+click / Shift+click",
                        "toggle a party in the selection / add it",
                    ),
                    ("Ctrl+A", "select every party"),
                    ("Del / Backspace", "delete the selection"),
                    ("Ctrl+Z", "undo"),
                    ("Ctrl+Shift+Z, Ctrl+Y", "redo"),
                    ("Ctrl+N / Ctrl+O", "new / open"),
                    ("Ctrl+S / Ctrl+Shift+S", "save / save as"),
                    (
                        "Esc",
                        "cancel a new link, back to Select; leave presenter mode",
                    ),
                    (
                        "F5",
                        "presenter mode: large type, no side panels, spotlight",
                    ),
                    (
                        "→ ← PageDown PageUp Space",
                        "presenter: next / previous lesson step (or finding)",
                    ),
                    ("H", "presenter: the lesson's next hint"),
                    ("Click a link in a quiz", "mark or unmark it as broken"),
                    ("F1", "this window"),
                ] {
                    ui.label(RichText::new(keys).monospace());
                    ui.label(what);
                    ui.end_row();
                }
            });
        });
}

/// What the user answered to the unsaved-changes prompt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnsavedAnswer {
    /// Save, then go on.
    Save,
    /// Go on and lose the changes.
    DontSave,
    /// Stay: nothing happens.
    Cancel,
}

/// Asks before unsaved changes are lost: Save, Don't save or Cancel (`None` while undecided).
/// `can_save` is false when saving the open document would not keep the work (it sits in a
/// what-if's base, or the question is about discarding the what-if itself).
pub fn discard_ui(ctx: &egui::Context, name: &str, save: Keep) -> Option<UnsavedAnswer> {
    let mut answer = None;
    egui::Modal::new(egui::Id::new("discard")).show(ctx, |ui| {
        ui.heading("Unsaved changes");
        // The question asks to save only where a button can: before, discarding a what-if asked
        // "Save them first?" with no Save button.
        ui.label(match save {
            Keep::Save | Keep::SaveAs => {
                format!("{name} has changes that are not saved. Save them first?")
            }
            Keep::Nothing => format!(
                "{name} has changes that are not saved, and saving here would not keep them. \
                 Go on without them?"
            ),
        });
        ui.horizontal(|ui| {
            let button = match save {
                Keep::Save => Some("Save"),
                Keep::SaveAs => Some("Save as…"),
                Keep::Nothing => None,
            };
            if let Some(label) = button
                && ui.button(label).clicked()
            {
                answer = Some(UnsavedAnswer::Save);
            }
            if ui.button("Don't save").clicked() {
                answer = Some(UnsavedAnswer::DontSave);
            }
            if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                answer = Some(UnsavedAnswer::Cancel);
            }
        });
    });
    answer
}

/// How the unsaved-changes question can keep the changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// Save the open document (Save As when it has no file yet).
    Save,
    /// Save it under a new name (a what-if about to be discarded).
    SaveAs,
    /// Nothing here would keep them (they are in a what-if's base).
    Nothing,
}

/// Why a save waits for the user instead of writing the file at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conflict {
    /// Someone changed the file on disk since it was opened or saved here.
    Changed,
    /// The file was deleted, moved or renamed since: saving would create it again.
    Gone,
    /// The file is write-protected: whoever protected it meant it to stay as it is.
    ReadOnly,
}

/// What the user answered when a save waits (see [`Conflict`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConflictAnswer {
    /// Save all the same: over the other changes, in place of the file that is gone, or over the
    /// write-protected file (which stays write-protected).
    Overwrite,
    /// Save under another name; the file on disk stays as the other person left it.
    SaveAs,
    /// Drop the changes made here and open the file as it is on disk now.
    Reload,
    /// Do nothing.
    Cancel,
}

/// Asks before a save writes a file that someone changed on disk since it was opened here, that is
/// gone from disk, or that is write-protected (`None` while undecided).
pub fn conflict_ui(
    ctx: &egui::Context,
    path: &std::path::Path,
    conflict: Conflict,
) -> Option<ConflictAnswer> {
    let mut answer = None;
    let name = crate::text::path(path);
    let (heading, text, overwrite, overwrite_hint, save_as_hint) = match conflict {
        Conflict::Changed => (
            "The file changed on disk",
            format!(
                "{name} was changed by another program or person since you opened or saved it \
                 here. Saving now would overwrite their changes."
            ),
            "Overwrite",
            "Save your version over theirs",
            "Keep their file as it is and save yours under another name",
        ),
        Conflict::Gone => (
            "The file is gone from disk",
            format!(
                "{name} was deleted, moved or renamed since you opened or saved it here. Saving \
                 now would create it again there."
            ),
            "Save it again",
            "Create the file again where it was, with your version",
            "Save your version under another name or in another folder",
        ),
        Conflict::ReadOnly => (
            "The file is read-only",
            format!(
                "{name} is write-protected: someone meant it to stay as it is. Replacing it \
                 keeps it write-protected."
            ),
            "Replace it",
            "Save your version over the write-protected file",
            "Leave the file as it is and save yours under another name",
        ),
    };
    egui::Modal::new(egui::Id::new("changed-on-disk")).show(ctx, |ui| {
        ui.heading(heading);
        ui.label(text);
        ui.horizontal(|ui| {
            if ui.button(overwrite).on_hover_text(overwrite_hint).clicked() {
                answer = Some(ConflictAnswer::Overwrite);
            }
            if ui.button("Save as…").on_hover_text(save_as_hint).clicked() {
                answer = Some(ConflictAnswer::SaveAs);
            }
            // Only a changed file has another version to open.
            if conflict == Conflict::Changed
                && ui
                    .button("Reload from disk")
                    .on_hover_text("Discard your changes and open their version")
                    .clicked()
            {
                answer = Some(ConflictAnswer::Reload);
            }
            if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                answer = Some(ConflictAnswer::Cancel);
            }
        });
    });
    answer
}

/// A path typed into the window, standing in for a native file dialog that could not be shown.
#[derive(Clone, Debug)]
pub struct PathPrompt {
    /// What the dialog was for.
    pub purpose: DialogPurpose,
    /// The path as typed so far.
    pub text: String,
}

impl PathPrompt {
    /// Starts from the path the dialog would have suggested.
    pub fn new(failure: DialogFailure) -> Self {
        PathPrompt {
            purpose: failure.purpose,
            text: failure.suggested.display().to_string(),
        }
    }
}

/// The in-window path field: returns the purpose and path once the user confirms.
pub fn path_prompt_ui(
    ctx: &egui::Context,
    prompt: &mut Option<PathPrompt>,
) -> Option<(DialogPurpose, PathBuf)> {
    let p = prompt.as_mut()?;
    let (title, action) = match p.purpose {
        DialogPurpose::Open => ("Open scenario", "Open"),
        DialogPurpose::SaveAs => ("Save scenario as", "Save"),
        DialogPurpose::Export(_) => ("Export", "Export"),
        DialogPurpose::ExportVisible => ("Export visible area", "Export"),
        DialogPurpose::OpenLesson => ("Open lesson", "Open"),
        DialogPurpose::CompareWith => ("Compare with which scenario?", "Compare"),
        DialogPurpose::Import => ("Import files", "Read"),
        DialogPurpose::SavePlan => ("Save the plan", "Save"),
        DialogPurpose::OpenPlan => ("Apply which plan?", "Open"),
        DialogPurpose::ExportImpact { .. } => ("Export the impact", "Export"),
    };
    let mut answer = None;
    let mut cancel = false;
    egui::Modal::new(egui::Id::new("path-prompt")).show(ctx, |ui| {
        ui.heading(title);
        // An import takes several files: one path a line (Enter starts a new line).
        let many = p.purpose == DialogPurpose::Import;
        ui.label(if many {
            "Type the files' paths, one a line:"
        } else {
            "Type the file's path:"
        });
        let field = if many {
            egui::TextEdit::multiline(&mut p.text)
        } else {
            egui::TextEdit::singleline(&mut p.text)
        };
        let field = ui.add(field.id_salt("path-prompt-field").desired_width(480.0));
        let entered = !many && field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let path = p.text.trim();
        ui.horizontal(|ui| {
            let ok = ui.add_enabled(!path.is_empty(), egui::Button::new(action));
            if (ok.clicked() || entered) && !path.is_empty() {
                answer = Some((p.purpose, PathBuf::from(path)));
            }
            if ui.button("Cancel").clicked() {
                cancel = true;
            }
        });
    });
    if answer.is_some() || cancel {
        *prompt = None;
    }
    answer
}
