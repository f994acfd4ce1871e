//! The window from outside: what tests, benchmarks and the launcher read and do without a mouse
//! (the same paths menus take). Must not hold logic of its own: each item hands over to a part.

use super::ExplorerApp;
use crate::export::{Area, ExportFormat};
use crate::model::PartyId;
use crate::progress::Progress;
use crate::rules::Finding;
use crate::ui::canvas::Selection;
use crate::ui::command::PendingLink;
use crate::ui::document::Document;
use crate::ui::filing::slug_of;
use crate::ui::import::ImportDialog;
use crate::ui::jobs::{Outcome, export_drawn, export_options};
use crate::ui::keeper::Persisted;
use crate::ui::{panels, recovery};
use std::path::{Path, PathBuf};

impl ExplorerApp {
    /// The open document.
    pub fn document(&self) -> &Document {
        &self.ws.doc
    }

    /// The current selection.
    pub fn selection(&self) -> Option<&Selection> {
        self.ws.selection.as_ref()
    }

    /// The parties selected together (a lasso, a query, Ctrl+A).
    pub fn selected(&self) -> &std::collections::BTreeSet<PartyId> {
        &self.ws.selected
    }

    /// The parties lit up on the canvas (a finding's path, an asked chain).
    pub fn highlight(&self) -> &[PartyId] {
        &self.ws.highlight
    }

    /// The parties the canvas keeps bright this frame (the role lens, or the presenter's
    /// spotlight); `None` when nothing is dimmed.
    pub fn kept_bright(&mut self) -> Option<std::collections::BTreeSet<PartyId>> {
        self.focus()
    }

    /// The window's title, as last sent to the window.
    pub fn window_title(&self) -> &str {
        self.presentation.window_title()
    }

    /// The finding shown in the explanation card.
    pub fn explained(&self) -> Option<&Finding> {
        self.ws.explained.as_ref()
    }

    /// The link-kind chooser, when a connect gesture is waiting for a kind.
    pub fn pending_link(&self) -> Option<&PendingLink> {
        self.ws.pending_link.as_ref()
    }

    /// The error banner's text, if one is shown.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The path field shown when a native file dialog could not be shown.
    pub fn path_prompt(&self) -> Option<&panels::PathPrompt> {
        self.filing.path_prompt()
    }

    /// Where a party is on screen (as drawn last frame): tests aim gestures with it.
    pub fn screen_pos(&self, party: &str) -> Option<egui::Pos2> {
        self.ws.doc.position(party).map(|p| self.view.to_screen(p))
    }

    /// Where a click selects a link on screen, as drawn last frame: its ✖ or ⚠ where it has one,
    /// else the middle of its drawn path.
    pub fn link_screen_pos(&self, link: &str) -> Option<egui::Pos2> {
        crate::ui::canvas::link_screen_pos(&self.ws.doc, &self.view, link)
    }

    /// The part of the canvas in view, in canvas coordinates (`None` before the canvas is drawn).
    pub fn visible_area(&self) -> Option<Area> {
        let rect = self.view.rect;
        if !rect.is_positive() {
            return None;
        }
        Some(Area {
            min: self.view.to_canvas(rect.min),
            max: self.view.to_canvas(rect.max),
        })
    }

    /// True while presenter mode is on.
    pub fn is_presenting(&self) -> bool {
        self.presentation.is_presenting()
    }

    /// True when closing or replacing the document would lose work: unsaved changes in it or in the
    /// base of a what-if. A lesson's scenario is scratch work, unless it was saved.
    pub fn has_unsaved_work(&self) -> bool {
        self.work().is_unsaved()
    }

    /// The preferences (theme, recent files, best scores).
    pub fn preferences(&self) -> &Persisted {
        &self.keeper.prefs
    }

    /// The best score of a lesson so far.
    pub fn best_score(&self, lesson: &str) -> Option<u32> {
        self.keeper.prefs.scores.get(lesson).copied()
    }

    /// Crashed sessions' work still offered in this session, newest first.
    pub fn recovery_offers(&self) -> &[recovery::Orphan] {
        self.keeper.offers()
    }

    /// The state folder's session, when the app keeps files (not in most tests).
    pub fn state_dir(&self) -> Option<&recovery::StateDir> {
        self.keeper.state_dir()
    }

    /// Writes the recovery file now and waits for it: what the autosave does, without waiting for
    /// the delay (and the same code path: the writer thread).
    pub fn write_recovery(&mut self) {
        let work = crate::ui::keeper::Work {
            doc: &self.ws.doc,
            base: self.whatif.base.as_ref(),
        };
        self.keeper.write_recovery(work);
        if let Some(message) = self.keeper.take_failure() {
            self.report(message);
        }
    }

    /// True while the recovery writer has work (tests wait for it).
    pub fn is_writing_recovery(&self) -> bool {
        self.keeper.is_writing()
    }

    /// True while a what-if fork's own copy of the scenario is being made (tests wait for it).
    pub fn is_copying(&self) -> bool {
        self.ws.doc.is_copying()
    }

    /// True while a what-if comparison is being computed (tests wait for it).
    pub fn is_comparing(&self) -> bool {
        self.whatif.is_comparing()
    }

    /// The import preview, while it is open.
    pub fn import_dialog(&self) -> Option<&ImportDialog> {
        self.import.as_ref()
    }

    /// The import preview's form, for tests that fill it without typing.
    pub fn import_dialog_mut(&mut self) -> Option<&mut ImportDialog> {
        self.import.as_mut()
    }

    /// True while the import preview is being computed (tests wait for it).
    pub fn is_previewing_import(&self) -> bool {
        self.import
            .as_ref()
            .is_some_and(ImportDialog::is_previewing)
    }

    /// Reads files to import and shows them in the import preview (added to the files already
    /// there when the preview is open). Nothing else changes until the user presses Import.
    pub fn import_paths(&mut self, paths: &[PathBuf]) {
        let (sources, unreadable) = crate::ui::import::read_paths(paths);
        let files = sources
            .into_iter()
            .map(|s| (Some(PathBuf::from(&s.name)), s))
            .collect();
        self.show_import(files, unreadable);
    }

    /// Opens a save file at once (on this thread); a failure leaves the open scenario untouched
    /// and explains why.
    pub fn open_path(&mut self, path: &Path) {
        match Document::open(path) {
            Ok(doc) => {
                self.replace_document(doc);
                self.keeper.remember(path);
            }
            Err(e) => self.report(format!(
                "Could not open the scenario; nothing was changed.\n{e}"
            )),
        }
    }

    /// Opens a save file (RON or `.cspx`) on the worker thread; the open scenario stays until the
    /// new one is read, checked and laid out, and stays for good if that fails or is cancelled.
    pub fn open_in_background(&mut self, ctx: &egui::Context, path: PathBuf) {
        let started = self.jobs.open(ctx, path);
        self.started(started);
    }

    /// Saves to `path` (what Save As does once the dialog answers, without the question about a
    /// write-protected file: such a file is refused), on the worker thread.
    pub fn save_as(&mut self, path: &Path) {
        self.save_to(path, crate::io::disk::ReadOnly::Refuse);
    }

    /// Exports the open scenario as checked now, on this thread (what File → Export does once
    /// the dialog answers, without the worker).
    pub fn export_to(&mut self, path: &Path, format: ExportFormat) {
        let path = if path.extension().is_none() {
            path.with_extension(format.extension())
        } else {
            path.to_owned()
        };
        let options = crate::export::ExportOptions {
            drawn: Some(export_drawn(&self.ws.doc, None)),
            ..export_options()
        };
        let done = crate::export::export_to_file(self.ws.doc.scenario(), format, &options, &path);
        match done {
            Ok(()) => self.notice = Some(format!("Exported {}", path.display())),
            Err(crate::export::ExportError::TooLarge(w, h, fit)) => {
                self.png_offer = Some(super::super::export_offer::PngOffer {
                    path,
                    area: None,
                    pixels: (w, h),
                    asked: options.scale,
                    fit,
                });
            }
            Err(e) => self.report(format!("The export failed; no file was written. {e}")),
        }
    }

    /// Exports the open scenario on the worker thread (a copy of it: editing goes on meanwhile);
    /// with an `area`, only what is in it, as the canvas draws it.
    pub fn export_in_background(
        &mut self,
        ctx: &egui::Context,
        path: &Path,
        format: ExportFormat,
        area: Option<Area>,
    ) {
        let size = super::super::jobs::PngSize::Scale(super::super::jobs::PNG_SCALE);
        let started = self
            .jobs
            .export(ctx, &self.ws.doc, path, format, area, size);
        self.started(started);
    }

    /// The PNG refused for its size, offered again at the scale that fits (File → Export).
    pub fn png_offer(&self) -> Option<&super::super::export_offer::PngOffer> {
        self.png_offer.as_ref()
    }

    /// Answers the offer of a PNG too large for its scale: exports it at the scale that fits, as
    /// one 1920×1080 slide, or as an SVG beside it, or nothing.
    pub fn answer_png_offer(
        &mut self,
        ctx: &egui::Context,
        answer: super::super::export_offer::OfferAnswer,
    ) {
        use super::super::export_offer::OfferAnswer;
        use super::super::jobs::PngSize;
        let Some(offer) = self.png_offer.take() else {
            return;
        };
        let started = match answer {
            OfferAnswer::ExportAt(scale) => self.jobs.export(
                ctx,
                &self.ws.doc,
                &offer.path,
                ExportFormat::Png,
                offer.area,
                PngSize::Scale(scale),
            ),
            OfferAnswer::Slide => self.jobs.export(
                ctx,
                &self.ws.doc,
                &offer.path,
                ExportFormat::Png,
                offer.area,
                PngSize::Slide(crate::export::Slide::default()),
            ),
            OfferAnswer::Svg => self.jobs.export(
                ctx,
                &self.ws.doc,
                &offer.path.with_extension("svg"),
                ExportFormat::Svg,
                offer.area,
                PngSize::Scale(super::super::jobs::PNG_SCALE),
            ),
            OfferAnswer::Cancel => return,
        };
        self.started(started);
    }

    /// What an export is named by default: the open file's name (`c300k` for `c300k.cspx`), or,
    /// for a document without a file, its title made into a file name. (The title of a generated
    /// channel is a sentence: "generated-channel-8-providers-30000-resellers-…-part.svg".)
    pub fn export_stem(&self) -> String {
        let doc = &self.ws.doc;
        doc.path
            .as_deref()
            .and_then(Path::file_stem)
            .and_then(|stem| stem.to_str())
            .filter(|stem| !stem.trim().is_empty())
            .map_or_else(|| slug_of(&doc.scenario().meta.title), str::to_owned)
    }

    /// Whether long work runs on the worker thread (its progress window is up).
    pub fn is_busy(&self) -> bool {
        self.jobs.is_running()
    }

    /// The running job's title, fraction done and stage.
    pub fn job_status(&self) -> Option<(&str, f32, String)> {
        self.jobs.status()
    }

    /// Starts `work` on the worker thread under `title`, with a progress bar and Cancel in the
    /// window; what it returns is applied when it finishes. Refused, with a message, while another
    /// job runs.
    pub fn start_job(
        &mut self,
        ctx: &egui::Context,
        title: impl Into<String>,
        work: impl FnOnce(&Progress) -> Result<Outcome, String> + Send + 'static,
    ) -> bool {
        let started = self.jobs.start(title, ctx, work);
        self.started(started)
    }

    /// Cancels the running job, as its progress window's Cancel does: whatever it would have
    /// brought back is dropped, so nothing that is open changes.
    pub fn cancel_job(&mut self) {
        if let Some(title) = self.jobs.cancel() {
            self.notice = Some(format!("Cancelled: {title}; nothing was changed"));
            self.filing.job_ended(true);
        }
    }
}
