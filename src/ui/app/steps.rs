//! Where the parts' answers land: what a training or what-if step, a file step (a guarded action
//! going on, a save to write, a dialog answered) and a finished job do to the window. Must not draw.
//!
//! These need several parts at once (a lesson opens a document, which closes the comparison and
//! fits the canvas), which is why they are the app's and not any one part's.

use super::ExplorerApp;
use crate::edit::Edit;
use crate::model::Scenario;
use crate::training::LoadedLesson;
use crate::ui::canvas::Selection;
use crate::ui::command::Command;
use crate::ui::document::Document;
use crate::ui::files::{DialogPurpose, default_folder};
use crate::ui::filing::{Discard, FileStep, file_name};
use crate::ui::import;
use crate::ui::jobs::Outcome;
use crate::ui::keeper::{Restored, Work};
use crate::ui::recovery;
use crate::ui::training::TrainingStep;
use crate::ui::whatif::{WhatIfCommand, WhatIfFile, WhatIfStep};
use std::path::PathBuf;

impl ExplorerApp {
    pub(super) fn training_step(&mut self, ctx: &egui::Context, step: TrainingStep) {
        match step {
            TrainingStep::Open(loaded) => self.guard(ctx, Discard::Lesson(loaded)),
            TrainingStep::PickFile => self.filing.pick(DialogPurpose::OpenLesson, ctx),
            TrainingStep::Apply(edit, select) => {
                if let Some(edit) = edit {
                    self.apply(*edit);
                }
                let s = self.ws.doc.scenario();
                let select = select.and_then(|id| {
                    if s.link(&id).is_some() {
                        Some(Selection::Link(id.as_str().into()))
                    } else {
                        s.party(&id).map(|_| Selection::Party(id.as_str().into()))
                    }
                });
                if select.is_some() {
                    self.ws.select(select, Vec::new());
                }
            }
            TrainingStep::Score(lesson, score) => self.keeper.record_score(&lesson, score),
            TrainingStep::ClearLight => self.ws.clear_light(),
            TrainingStep::StepFinding(forward) => {
                if let Some(finding) = self.ws.next_finding(forward) {
                    self.ws.explain(finding, &mut self.view);
                }
            }
            TrainingStep::Report(message) => self.report(message),
        }
    }

    pub(super) fn whatif_step(&mut self, ctx: &egui::Context, step: WhatIfStep) {
        match step {
            WhatIfStep::Notice(notice) => self.notice = Some(notice),
            WhatIfStep::BackToBase(notice) => {
                self.ws.after_change();
                self.notice = Some(notice);
            }
            WhatIfStep::ConfirmDiscard => self.filing.ask(Discard::WhatIf),
            WhatIfStep::PickFile(file) => {
                let purpose = match file {
                    WhatIfFile::CompareWith => DialogPurpose::CompareWith,
                    WhatIfFile::SavePlan => DialogPurpose::SavePlan,
                    WhatIfFile::OpenPlan => DialogPurpose::OpenPlan,
                    WhatIfFile::ExportImpact { csv } => DialogPurpose::ExportImpact { csv },
                };
                let name = file.suggested_name(&self.export_stem());
                self.filing.request(purpose, &default_folder(), &name, ctx);
            }
            WhatIfStep::Error(message) => self.report(message),
            WhatIfStep::Changed(notice) => {
                self.ws.after_change();
                self.notice = Some(notice);
            }
            WhatIfStep::Fit => self.view.fit_requested = true,
            WhatIfStep::Apply(edit) => self.apply(*edit),
            WhatIfStep::Highlight(chain) => {
                self.ws.highlight = chain;
                self.ws.explained = None;
            }
            WhatIfStep::Preview(work) => {
                let started = self.jobs.start(work.title(), ctx, move |progress| {
                    work.run(progress)
                        .map(|previewed| Outcome::Previewed(Box::new(previewed)))
                });
                self.started(started);
            }
        }
    }

    /// `action` would replace or close the document: it goes on unless unsaved work would be lost,
    /// then the user is asked first.
    pub(super) fn guard(&mut self, ctx: &egui::Context, action: Discard) {
        let step = self.filing.guard(action, self.has_unsaved_work());
        self.file_steps(ctx, step);
    }

    /// Carries out what filing decided.
    pub(super) fn file_steps(
        &mut self,
        ctx: &egui::Context,
        steps: impl IntoIterator<Item = FileStep>,
    ) {
        for step in steps {
            match step {
                FileStep::Proceed(action) => self.proceed(ctx, action),
                FileStep::Write(path, read_only) => self.save_to(&path, read_only),
                FileStep::Reload(path) => match Document::open(&path) {
                    Ok(doc) => {
                        self.replace_document(doc);
                        self.notice = Some(format!(
                            "Reloaded {} from disk; your changes were discarded.",
                            path.display()
                        ));
                    }
                    Err(e) => self.report(format!(
                        "The file could not be reloaded; your version is still open.\n{e}"
                    )),
                },
                FileStep::Chosen(purpose, path) => self.answer_dialog(ctx, purpose, path),
                FileStep::Import(paths) => self.import_paths(&paths),
                FileStep::Report(message) => self.report(message),
            }
        }
    }

    /// Does what waited for the user (or for a save).
    pub(super) fn proceed(&mut self, ctx: &egui::Context, action: Discard) {
        match action {
            Discard::New => self.replace_document(Document::new(Scenario::new("Untitled channel"))),
            Discard::Open => self.filing.pick(DialogPurpose::Open, ctx),
            Discard::OpenPath(path) => self.open_in_background(ctx, path),
            Discard::OpenBuiltin(slug) => self.open_builtin(slug),
            // A job started while the question was asked: the work is offered again once the
            // job is done, rather than only at the next start.
            Discard::Restore(orphan) if self.jobs.is_running() => {
                self.keeper.offer_again(*orphan);
                self.notice = Some(
                    "The unsaved work is offered again once the job running has finished."
                        .to_owned(),
                );
            }
            Discard::Restore(orphan) => {
                let started = self.jobs.restore(ctx, *orphan);
                self.started(started);
            }
            Discard::Lesson(loaded) => {
                let mut doc = Document::new(loaded.start.clone());
                doc.scratch = true;
                self.replace_document(doc);
                self.training.start(*loaded);
                self.training.show_course = false;
            }
            Discard::WhatIf => {
                self.ws.doc.scratch = true;
                self.execute(ctx, Command::WhatIf(WhatIfCommand::Discard));
            }
            Discard::Close => self.filing.close(ctx),
            Discard::Import(imported) => {
                // Laying out and checking a large channel takes a while: the worker does it, and
                // the preview stays open until the channel is there (Cancel leaves both as they
                // were).
                let title = format!("Importing {}", imported.scenario.meta.title);
                let started = self.jobs.import(ctx, title, move |progress| {
                    progress.part(0.0, 1.0, "Laying out the channel");
                    Ok(import::into_channel(*imported))
                });
                self.started(started);
            }
        }
    }

    /// Opens `doc` in place of the open document: lessons, comparisons, lenses, the selection and
    /// an error about the old one go with it.
    pub(super) fn replace_document(&mut self, doc: Document) {
        self.ws.replace(doc);
        self.error = None;
        self.training.stop();
        self.whatif.close();
        self.view.fit_requested = true;
        self.show_library = false;
    }

    /// Opens a built-in scenario (as a new, unsaved document).
    pub(super) fn open_builtin(&mut self, slug: &str) {
        match crate::scenarios::builtin(slug).map(|b| b.load()) {
            Some(Ok(s)) => self.replace_document(Document::new(s)),
            Some(Err(e)) => self.report(format!("The built-in scenario could not be loaded: {e}")),
            None => self.report(format!("There is no built-in scenario `{slug}`.")),
        }
    }

    /// Opens the lesson the window was closed in, where it was left.
    pub(super) fn resume_lesson(&mut self) {
        match self.keeper.resume_lesson() {
            Ok(None) => {}
            Ok(Some(resumed)) => {
                self.replace_document(resumed.doc);
                let title = resumed.run.lesson().title.clone();
                let reached = resumed.saved.attempt.reached.iter().filter(|r| **r).count();
                let steps = resumed.run.lesson().steps.len();
                self.training.resume(resumed.run, resumed.saved.marks);
                self.notice = Some(format!(
                    "Back in the lesson “{title}” where you left it ({reached} of {steps} {} done).",
                    if steps == 1 { "step" } else { "steps" }
                ));
            }
            Err(message) => self.report(message),
        }
    }

    /// Opens a crashed session's work as it was on screen, once the worker has read it back
    /// (see [`Keeper::took_over`]).
    pub(super) fn restored(&mut self, orphan: &recovery::Orphan, restored: Restored) {
        self.replace_document(restored.doc);
        self.whatif.base = restored.base;
        self.whatif.reset();
        let work = Work {
            doc: &self.ws.doc,
            base: self.whatif.base.as_ref(),
        };
        self.keeper.took_over(orphan, work);
        self.notice = Some(format!(
            "Restored the unsaved work kept at {}.",
            restored.saved_at
        ));
    }

    /// Does what a file dialog (or the path field) was asked for, with the path the user chose.
    pub(super) fn answer_dialog(
        &mut self,
        ctx: &egui::Context,
        purpose: DialogPurpose,
        path: PathBuf,
    ) {
        match purpose {
            DialogPurpose::Open => self.open_in_background(ctx, path),
            // What waits for the save goes on once it has landed.
            // A write-protected file is asked about first.
            DialogPurpose::SaveAs if path.extension().is_none() => {
                let step = self.filing.write(path.with_extension("ron"));
                self.file_steps(ctx, step);
            }
            DialogPurpose::SaveAs => {
                let step = self.filing.write(path);
                self.file_steps(ctx, step);
            }
            DialogPurpose::Export(format) => self.export_in_background(ctx, &path, format, None),
            DialogPurpose::ExportVisible => {
                let area = self.visible_area();
                self.export_in_background(ctx, &path, crate::export::ExportFormat::Svg, area);
            }
            DialogPurpose::OpenLesson => match LoadedLesson::load(&path) {
                Ok(loaded) => self.guard(ctx, Discard::Lesson(Box::new(loaded))),
                Err(e) => self.report(format!(
                    "The lesson could not be opened; nothing was changed.\n{e}"
                )),
            },
            DialogPurpose::CompareWith => {
                let started = self.jobs.compare(ctx, path);
                self.started(started);
            }
            DialogPurpose::SavePlan => {
                let path = if path.extension().is_none() {
                    path.with_extension("ron")
                } else {
                    path
                };
                let done = self.whatif.save_plan(&self.ws.doc, &path);
                self.noticed(done);
            }
            DialogPurpose::OpenPlan => {
                let done = self.whatif.open_plan(&path);
                self.reported(done);
            }
            DialogPurpose::ExportImpact { csv } => {
                let done = self.whatif.export_impact(&self.ws.doc, &path, csv);
                self.noticed(done);
            }
            // The in-window path field of an import holds one path a line.
            DialogPurpose::Import => {
                let paths: Vec<PathBuf> = path
                    .to_string_lossy()
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(PathBuf::from)
                    .collect();
                self.import_paths(&paths);
            }
        }
        ctx.request_repaint();
    }

    /// Applies the finished job's outcome, or explains its failure.
    pub(super) fn poll_jobs(&mut self, ctx: &egui::Context) {
        let Some((title, result)) = self.jobs.poll() else {
            return;
        };
        ctx.request_repaint();
        self.filing.job_ended(result.is_err());
        let outcome = match result {
            Ok(outcome) => outcome,
            Err(message) => return self.report(message),
        };
        match outcome {
            Outcome::Saved {
                document,
                path,
                stamp,
                changes,
            } => {
                // A failed save's banner (Save As onto a file it must not replace, then under
                // another name) would go on saying the work is not saved.
                if self
                    .error
                    .as_deref()
                    .is_some_and(|e| e.starts_with(crate::ui::jobs::NOT_SAVED))
                {
                    self.error = None;
                }
                // The document it was made from records it (whichever it is now: a what-if may
                // have made it the base meanwhile).
                let doc = if self.ws.doc.id() == document {
                    Some(&mut self.ws.doc)
                } else {
                    let base = self.whatif.base.as_mut().map(|b| &mut b.doc);
                    base.filter(|d| d.id() == document)
                };
                let changed_since = doc.is_some_and(|doc| {
                    doc.saved(&path, stamp, changes);
                    doc.is_dirty()
                });
                self.keeper.remember(&path);
                self.notice = Some(if changed_since {
                    // The file's name, not its path: the status bar must show the words that matter.
                    format!(
                        "Saved {} as it was when the save began; changed since (not saved yet)",
                        file_name(&path)
                    )
                } else {
                    format!("Saved {}", path.display())
                });
                let step = self.filing.saved(self.ws.doc.is_dirty());
                self.file_steps(ctx, step);
            }
            Outcome::Open(doc) => {
                let path = doc.path.clone();
                self.replace_document(*doc);
                if let Some(path) = path {
                    self.keeper.remember(&path);
                }
            }
            Outcome::Imported(doc) => {
                let s = doc.scenario();
                let (parties, links) = (s.party_count(), s.link_count());
                self.replace_document(*doc);
                self.import = None;
                self.notice = Some(format!(
                    "Imported {} and {}: not saved yet (Ctrl+S)",
                    crate::ui::style::count(parties, "party", "parties"),
                    crate::ui::style::count(links, "link", "links"),
                ));
            }
            Outcome::CompareWith(doc) => self.whatif.compare_with(*doc),
            Outcome::Restored(restored) => {
                let (orphan, restored) = *restored;
                self.restored(&orphan, restored);
            }
            Outcome::Previewed(previewed) => self.whatif.previewed(*previewed),
            Outcome::Exported(path) => self.notice = Some(format!("Exported {}", path.display())),
            Outcome::PngTooLarge(offer) => self.png_offer = Some(*offer),
            Outcome::Placed {
                revision,
                positions,
            } if revision == self.ws.doc.revision() => {
                let moves = positions
                    .into_iter()
                    .map(|(id, p)| Edit::MoveParty(id, Some(p)))
                    .collect();
                self.apply(Edit::Batch(moves));
                self.view.fit_requested = true;
            }
            Outcome::Placed { .. } => self.report(format!(
                "{title}: the channel changed while the layout was computed, so it was not \
                 applied; run it again."
            )),
        }
    }
}
