//! Filing: the ways work reaches a file or is let go (open, save, save as, a file changed on disk,
//! the unsaved-changes question, what waits for a save, file dialogs and the path field standing in
//! for one, the close guard). Must not open, save or replace the document itself: it says what to do.
//!
//! Whatever would lose unsaved work waits here as a [`Discard`] until the user answers; a save that
//! the answer needs goes first, and what waited goes on only when the work is safe (the save
//! landed and nothing was edited meanwhile), else the question comes back. Each answer comes out as
//! a [`FileStep`] for the app to carry out.

use super::document::Document;
use super::files::{DialogPurpose, FileDialogs, default_folder};
use super::panels;
use super::recovery;
use crate::io::disk::ReadOnly;
use crate::training::LoadedLesson;
use std::path::{Path, PathBuf};

/// Something that waits for the user to confirm discarding unsaved changes.
#[derive(Clone, Debug)]
pub enum Discard {
    New,
    Open,
    OpenPath(PathBuf),
    OpenBuiltin(&'static str),
    Restore(Box<recovery::Orphan>),
    Lesson(Box<LoadedLesson>),
    WhatIf,
    Close,
    /// Open an imported channel as a new, unsaved document.
    Import(Box<crate::io::import::Imported>),
}

/// What the app is to do next, as filing decided it.
#[derive(Debug)]
pub enum FileStep {
    /// Go on with what waited (nothing unsaved, the user chose not to save, or the save landed).
    Proceed(Discard),
    /// Write the document to this file, on the worker thread (a Save, an Overwrite, a Save As
    /// answered), replacing a write-protected file only when the user said so; then tell
    /// [`Filing::save_started`] whether it started.
    Write(PathBuf, ReadOnly),
    /// Open this file again, dropping the changes (the changed-on-disk question's Reload).
    Reload(PathBuf),
    /// A file dialog, or the path field standing in for one, answered with this path.
    Chosen(DialogPurpose, PathBuf),
    /// Files picked to import.
    Import(Vec<PathBuf>),
    /// A message for the banner.
    Report(String),
}

/// The state of saving, opening and letting go of work.
pub struct Filing {
    dialogs: Box<dyn FileDialogs>,
    /// What waits for the user's answer to "save the changes first?".
    asking: Option<Discard>,
    /// What to do once a save has written the file (Save in the unsaved-changes question).
    after_save: Option<Discard>,
    /// A save waiting for the user: the file changed on disk since it was opened here, is gone
    /// from disk, or is write-protected.
    conflict: Option<(PathBuf, panels::Conflict)>,
    /// A path field standing in for a native file dialog that could not be shown.
    path_prompt: Option<panels::PathPrompt>,
    /// True while the running job is a save: what waits for it goes on or is dropped with its
    /// outcome.
    saving: bool,
    /// The user chose to close (and not to save): the next close request is let through.
    close_confirmed: bool,
}

impl Filing {
    /// Filing through `dialogs` (native ones in the app, stand-ins in tests).
    pub fn new(dialogs: Box<dyn FileDialogs>) -> Self {
        Filing {
            dialogs,
            asking: None,
            after_save: None,
            conflict: None,
            path_prompt: None,
            saving: false,
            close_confirmed: false,
        }
    }

    /// The path field shown when a native file dialog could not be shown.
    pub fn path_prompt(&self) -> Option<&panels::PathPrompt> {
        self.path_prompt.as_ref()
    }

    /// True once the user chose to close without saving.
    pub fn close_confirmed(&self) -> bool {
        self.close_confirmed
    }

    /// Shows a file dialog for `purpose`, in `folder`, suggesting `name`.
    pub fn request(
        &mut self,
        purpose: DialogPurpose,
        folder: &Path,
        name: &str,
        ctx: &egui::Context,
    ) {
        self.dialogs.request(purpose, folder, name, ctx);
    }

    /// Shows the dialog picking a file for `purpose` in the default folder.
    pub fn pick(&mut self, purpose: DialogPurpose, ctx: &egui::Context) {
        self.dialogs.request(purpose, &default_folder(), "", ctx);
    }

    /// `action` would replace or close the document: it goes on at once (the step returned) unless
    /// `unsaved` work would be lost, then it waits for the user's answer. Closing is asked about
    /// by the close guard instead ([`Filing::close_requested`]).
    pub fn guard(&mut self, action: Discard, unsaved: bool) -> Option<FileStep> {
        if unsaved && !matches!(action, Discard::Close) {
            self.asking = Some(action);
            None
        } else {
            Some(FileStep::Proceed(action))
        }
    }

    /// Asks "save the changes first?" before `action`, whatever is unsaved (a what-if's discard).
    pub fn ask(&mut self, action: Discard) {
        self.asking = Some(action);
    }

    /// The window's close button: kept open while work is unsaved, and asked about (or closed once
    /// a save running now has landed, `notice` says so).
    pub fn close_requested(&mut self, ctx: &egui::Context, unsaved: bool) -> Option<String> {
        if !unsaved || self.close_confirmed {
            return None;
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
        if self.saving {
            // Closing while a save runs: close once it has landed, or ask if it leaves work unsaved.
            self.after_save = Some(Discard::Close);
            Some("Closing once the save is done…".to_owned())
        } else {
            self.asking = Some(Discard::Close);
            None
        }
    }

    /// Closes the window for good (the user chose not to save).
    pub fn close(&mut self, ctx: &egui::Context) {
        self.close_confirmed = true;
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }

    /// Save: to the document's own file, unless someone changed that file on disk since it was
    /// opened or saved, it is gone from disk, or it is write-protected (then the user is asked
    /// first, see [`panels::conflict_ui`]); Save As for a document without a file.
    pub fn save(&mut self, doc: &Document, ctx: &egui::Context) -> Option<FileStep> {
        match doc.path.clone() {
            Some(path) if doc.changed_on_disk() => {
                self.conflict = Some((path, panels::Conflict::Changed));
                None
            }
            Some(path) if doc.gone_from_disk() => {
                self.conflict = Some((path, panels::Conflict::Gone));
                None
            }
            Some(path) => self.write(path),
            None => {
                self.save_as(doc, ctx);
                None
            }
        }
    }

    /// Writes to `path` (a Save, or Save As answered), unless the file there is write-protected:
    /// then the user is asked first.
    pub fn write(&mut self, path: PathBuf) -> Option<FileStep> {
        if crate::io::disk::is_read_only(&path) {
            self.conflict = Some((path, panels::Conflict::ReadOnly));
            None
        } else {
            Some(FileStep::Write(path, ReadOnly::Refuse))
        }
    }

    /// Shows the Save As dialog, in the document's folder, named after its title.
    pub fn save_as(&mut self, doc: &Document, ctx: &egui::Context) {
        let folder = doc
            .path
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_owned))
            .unwrap_or_else(default_folder);
        let name = slug_of(&doc.scenario().meta.title);
        self.dialogs
            .request(DialogPurpose::SaveAs, &folder, &format!("{name}.ron"), ctx);
    }

    /// A save's job started (`true`) or was refused (another job runs): what waited for the save
    /// waits no more.
    pub fn save_started(&mut self, started: bool) {
        if started {
            self.saving = true;
        } else {
            self.after_save = None;
        }
    }

    /// The running job ended (finished, failed or cancelled); `failed` when the work is not saved.
    /// Returns whether it was a save.
    pub fn job_ended(&mut self, failed: bool) -> bool {
        let was_saving = std::mem::take(&mut self.saving);
        if was_saving && failed {
            // What waited for the save (a close, an open) waits no more: the work is still
            // unsaved, and the message says why.
            self.after_save = None;
        }
        was_saving
    }

    /// A save landed; `dirty` when the document changed while it was written. What waited for it
    /// goes on (returned), or asks again rather than losing the edits.
    pub fn saved(&mut self, dirty: bool) -> Option<FileStep> {
        let action = self.after_save.take()?;
        if dirty {
            self.asking = Some(action);
            None
        } else {
            Some(FileStep::Proceed(action))
        }
    }

    /// Reads the file dialogs' answers: the path chosen (several for an import), or the failure
    /// of a dialog that could not be shown (then a path field stands in for it).
    pub fn poll(&mut self, ctx: &egui::Context) -> Vec<FileStep> {
        let mut steps = Vec::new();
        match self.dialogs.poll_files() {
            Some((DialogPurpose::Import, paths)) if !paths.is_empty() => {
                steps.push(FileStep::Import(paths));
                ctx.request_repaint();
            }
            Some((purpose, paths)) if !paths.is_empty() => {
                let path = paths.into_iter().next().unwrap_or_default();
                steps.push(FileStep::Chosen(purpose, path));
            }
            // A cancelled Save As cancels what was waiting for it.
            Some((DialogPurpose::SaveAs, _)) => self.after_save = None,
            _ => {}
        }
        if let Some(failure) = self.dialogs.take_failure() {
            steps.push(FileStep::Report(
                "The file dialog could not be shown (this desktop has no file-dialog portal or \
                 zenity): type the path below instead."
                    .to_owned(),
            ));
            self.path_prompt = Some(panels::PathPrompt::new(failure));
            ctx.request_repaint();
        }
        steps
    }

    /// The path field standing in for a file dialog: the purpose and path once confirmed.
    pub fn path_prompt_ui(&mut self, ctx: &egui::Context) -> Option<(DialogPurpose, PathBuf)> {
        panels::path_prompt_ui(ctx, &mut self.path_prompt)
    }

    /// True while the unsaved-changes question is up (the recovery offer waits for it).
    pub fn is_asking(&self) -> bool {
        self.asking.is_some()
    }

    /// The questions about letting go of work, on top of the window: "save the changes first?"
    /// (`base_unsaved`: the unsaved work sits in a what-if's base, which a Save of the open
    /// document would not keep) and "the file changed on disk". Returns what the answers set
    /// going.
    pub fn questions_ui(
        &mut self,
        ctx: &egui::Context,
        doc: &Document,
        base_unsaved: bool,
    ) -> Vec<FileStep> {
        let mut steps = Vec::new();
        if let Some(action) = self.asking.clone() {
            // A what-if about to be discarded is saved under a name of its own (the base keeps
            // its file); unsaved work in the base would not be kept by saving the what-if.
            let save = if matches!(action, Discard::WhatIf) {
                panels::Keep::SaveAs
            } else if base_unsaved {
                panels::Keep::Nothing
            } else {
                panels::Keep::Save
            };
            match panels::discard_ui(ctx, &doc.display_name(), save) {
                Some(panels::UnsavedAnswer::Save) => {
                    self.asking = None;
                    // Saved first (Save As for a document without a file, or the changed-on-disk
                    // question first); the action goes on once the file is written.
                    self.after_save = Some(action);
                    if save == panels::Keep::SaveAs {
                        self.save_as(doc, ctx);
                    } else {
                        steps.extend(self.save(doc, ctx));
                    }
                }
                Some(panels::UnsavedAnswer::DontSave) => {
                    self.asking = None;
                    steps.push(FileStep::Proceed(action));
                }
                Some(panels::UnsavedAnswer::Cancel) => self.asking = None,
                None => {}
            }
        }
        if let Some((path, conflict)) = self.conflict.clone()
            && let Some(answer) = panels::conflict_ui(ctx, &path, conflict)
        {
            self.conflict = None;
            match answer {
                // What waits for the save (after_save) goes on once it has landed. A changed
                // file that is write-protected too is asked about again.
                panels::ConflictAnswer::Overwrite => match conflict {
                    panels::Conflict::Changed => steps.extend(self.write(path)),
                    panels::Conflict::Gone => {
                        steps.push(FileStep::Write(path, ReadOnly::Refuse));
                    }
                    panels::Conflict::ReadOnly => {
                        steps.push(FileStep::Write(path, ReadOnly::Replace));
                    }
                },
                // after_save stays: it goes on once Save As has written the file.
                panels::ConflictAnswer::SaveAs => self.save_as(doc, ctx),
                panels::ConflictAnswer::Reload => {
                    self.after_save = None;
                    steps.push(FileStep::Reload(path));
                }
                panels::ConflictAnswer::Cancel => self.after_save = None,
            }
        }
        steps
    }
}

/// A file name made from a title: lower-case letters and digits joined by single hyphens.
/// Apostrophes are dropped rather than made into a hyphen, so "Contoso's channel" gives
/// `contosos-channel` and not `contoso-s-channel`.
pub fn slug_of(title: &str) -> String {
    let slug: String = title
        .chars()
        .filter(|c| !matches!(c, '\'' | '\u{2019}' | '\u{2018}'))
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if slug.is_empty() {
        "scenario".to_owned()
    } else {
        slug
    }
}

/// A path's file name, for a job's title or a notice.
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::slug_of;

    #[test]
    fn a_file_name_from_a_title_drops_apostrophes_and_joins_words_with_one_hyphen() {
        assert_eq!(
            slug_of("Contoso Distribution's channel (Partner Center)"),
            "contoso-distributions-channel-partner-center"
        );
        assert_eq!(slug_of("Fabrikam\u{2019}s  EU / US"), "fabrikams-eu-us");
        assert_eq!(slug_of("Sample 1"), "sample-1");
        assert_eq!(slug_of("  '' ?? "), "scenario");
    }
}
