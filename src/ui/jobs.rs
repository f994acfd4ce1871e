//! Long work off the UI thread (opening, saving, importing, laying out, comparing, exporting,
//! previewing a what-if operation), one job at a time with progress and Cancel. Must not touch
//! what is open: outcomes are applied by the app.
//!
//! Long work off the UI thread: opening, importing, laying out, comparing and exporting a large
//! channel run on a worker thread while the window shows a progress bar with Cancel.
//!
//! One job runs at a time. The work gets a [`Progress`] to report to and to learn it was cancelled;
//! its result comes back through [`Jobs::poll`] on the UI thread, which alone changes the document.
//! So a failed or cancelled job never touches what is open: a cancelled job's result is dropped
//! unseen, however far the worker got. While a job runs the window asks for a frame twice a second
//! (to move the bar); an idle window asks for none.

use super::document::Document;
use super::filing::file_name;
use super::keeper::{Keeper, Restored};
use super::recovery;
use crate::model::{PartyId, Position, Scenario};
use crate::progress::Progress;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

/// How the banner begins when a save failed: a later save that lands takes that banner away (it
/// would say the work is not saved when it is).
pub(crate) const NOT_SAVED: &str = "The scenario was not saved (your work is still open)";

/// What a job of the explorer window brings back; the window applies it on the UI thread.
pub enum Outcome {
    /// A document to open in place of the current one (opened from a file, or imported).
    Open(Box<Document>),
    /// An imported channel, opened in place of the current one as a new, unsaved document (it
    /// has no file yet); the import preview closes.
    Imported(Box<Document>),
    /// A saved scenario to compare the open one with.
    CompareWith(Box<Document>),
    /// A crashed session's work, read back from its recovery file (the file, and what it held).
    Restored(Box<(recovery::Orphan, Restored)>),
    /// A file was written.
    Exported(PathBuf),
    /// A PNG too large at its scale was not written; the window offers the scale that fits.
    PngTooLarge(Box<super::export_offer::PngOffer>),
    /// The document was saved to `path`, as it was at change count `changes`.
    Saved {
        /// The saved document's [`Document::id`].
        document: u64,
        /// Where.
        path: PathBuf,
        /// How the file looks now.
        stamp: Option<crate::io::disk::FileStamp>,
        /// The document's [`Document::changes`] when the save began.
        changes: u64,
    },
    /// New positions for every party, computed for the document at `revision`: applied as one
    /// undoable step, unless the document changed meanwhile.
    Placed {
        /// The document's revision the layout read.
        revision: u64,
        /// Where each party goes.
        positions: BTreeMap<PartyId, Position>,
    },
    /// A what-if operation's preview, for the operation window.
    Previewed(Box<super::whatif::Previewed>),
}

/// How often the window redraws while a job runs. Twice a second moves the bar and its seconds
/// often enough; ten times a second cost the software rasteriser (llvmpipe, as on a VM or under
/// Xvfb) about 10 s of CPU during the 35 s opening of a 300,000-party channel on a 2-core machine,
/// nearly all of it taken from the job it was showing.
pub const REDRAW_WHILE_RUNNING: Duration = Duration::from_millis(500);

/// The job being run.
struct Running<T> {
    title: String,
    progress: Progress,
    answer: Receiver<Result<T, String>>,
    started: Instant,
}

/// What the job panel asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobAction {
    /// Nothing.
    None,
    /// The user pressed Cancel.
    Cancel,
}

/// The window's worker: at most one job at a time, and its progress.
pub struct Jobs<T> {
    running: Option<Running<T>>,
}

impl<T> Default for Jobs<T> {
    fn default() -> Self {
        Jobs { running: None }
    }
}

impl<T: Send + 'static> Jobs<T> {
    /// Starts `work` on a worker thread under `title` ("Opening big.cspx"). Refused (returning the
    /// title of the job in the way) while another job runs.
    pub fn start(
        &mut self,
        title: impl Into<String>,
        ctx: &egui::Context,
        work: impl FnOnce(&Progress) -> Result<T, String> + Send + 'static,
    ) -> Result<(), String> {
        if let Some(running) = &self.running {
            return Err(running.title.clone());
        }
        let title = title.into();
        let progress = Progress::default();
        let (tx, answer) = channel();
        let ctx = ctx.clone();
        let worker_progress = progress.clone();
        let name = title.clone();
        let spawned = std::thread::Builder::new()
            .name("csp-explorer job".into())
            .spawn(move || {
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    work(&worker_progress)
                }))
                .unwrap_or_else(|panic| {
                    let why = panic
                        .downcast_ref::<&str>()
                        .map(|s| (*s).to_owned())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "no reason given".to_owned());
                    log::error!("the job `{name}` panicked: {why}");
                    Err(format!("it stopped on an internal error ({why})"))
                });
                // A cancelled job's window no longer listens: that is fine.
                let _ = tx.send(result);
                ctx.request_repaint();
                super::document::release_freed_memory();
            });
        if let Err(e) = spawned {
            return Err(format!("no worker thread could be started: {e}"));
        }
        self.running = Some(Running {
            title,
            progress,
            answer,
            started: Instant::now(),
        });
        Ok(())
    }

    /// The finished job's title and result, once; `None` while it runs or when there is none.
    pub fn poll(&mut self) -> Option<(String, Result<T, String>)> {
        let running = self.running.as_ref()?;
        let result = match running.answer.try_recv() {
            Ok(result) => result,
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => Err("the worker stopped without an answer".into()),
        };
        let (title, took) = self
            .running
            .take()
            .map(|r| (r.title, r.started.elapsed()))
            .unwrap_or_default();
        log::info!(
            "{title}: {} after {:.1} s",
            if result.is_ok() { "done" } else { "failed" },
            took.as_secs_f32()
        );
        Some((title, result))
    }

    /// Cancels the running job: the worker is told to stop, and whatever it returns is dropped.
    /// Returns the job's title.
    /// Refused (`None`, the job goes on) once the work has committed to finishing (a save
    /// replacing its file, see [`Progress::commit`]).
    pub fn cancel(&mut self) -> Option<String> {
        if !self.running.as_ref()?.progress.cancel() {
            return None;
        }
        self.running.take().map(|r| r.title)
    }

    /// Whether a job runs.
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// The running job's title, fraction done and stage.
    pub fn status(&self) -> Option<(&str, f32, String)> {
        let r = self.running.as_ref()?;
        Some((&r.title, r.progress.fraction(), r.progress.stage()))
    }

    /// The progress window of the running job (nothing when idle). Asks for the next frame itself.
    pub fn ui(&self, ctx: &egui::Context) -> JobAction {
        let Some(running) = &self.running else {
            return JobAction::None;
        };
        ctx.request_repaint_after(REDRAW_WHILE_RUNNING);
        let mut action = JobAction::None;
        let fraction = running.progress.fraction();
        let stage = running.progress.stage();
        egui::Window::new(running.title.as_str())
            .id(egui::Id::new("job-progress"))
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 60.0))
            .show(ctx, |ui| {
                ui.set_min_width(360.0);
                if !stage.is_empty() {
                    ui.label(format!("{stage}…"));
                }
                // Not animated: an animated bar asks for every frame, the window redraws twice
                // a second instead.
                ui.add(egui::ProgressBar::new(fraction));
                ui.label(format!("{:.0} % done", fraction * 100.0));
                ui.horizontal(|ui| {
                    ui.label(
                        egui::RichText::new(format!(
                            "{} s · the window stays usable",
                            running.started.elapsed().as_secs()
                        ))
                        .weak(),
                    );
                    // Past its point of no return (a save replacing its file) a job cannot be
                    // cancelled: no button that would not do what it says.
                    if running.progress.can_cancel() && ui.button("Cancel").clicked() {
                        action = JobAction::Cancel;
                    }
                });
            });
        action
    }
}

/// The explorer window's jobs: what each does on the worker thread. Each returns at once, refused
/// with the title of the job in the way while another runs; what it brings back is applied by the
/// window when it lands.
impl Jobs<Outcome> {
    /// Opens a save file (RON or `.cspx`); the open scenario stays until the new one is read,
    /// checked and laid out, and stays for good if that fails or is cancelled.
    pub fn open(&mut self, ctx: &egui::Context, path: PathBuf) -> Result<(), String> {
        let title = format!("Opening {}", file_name(&path));
        self.start(title, ctx, move |progress| {
            Document::open_with(&path, progress)
                .map(|doc| Outcome::Open(Box::new(doc)))
                .map_err(|e| format!("Could not open the scenario; nothing was changed.\n{e}"))
        })
    }

    /// Runs an import (or any other way of making a scenario), then checks its channel as a new,
    /// unsaved document. The work reports to its [`Progress`] and returns the scenario or a
    /// message saying what is wrong.
    pub fn import(
        &mut self,
        ctx: &egui::Context,
        title: impl Into<String>,
        work: impl FnOnce(&Progress) -> Result<Scenario, String> + Send + 'static,
    ) -> Result<(), String> {
        self.start(title, ctx, move |progress| {
            let scenario = work(&progress.part(0.0, 0.6, "Importing"))?;
            let mut doc =
                Document::new_with(scenario, &progress.part(0.6, 1.0, "Checking the rules"))
                    // Only a cancelled job stops here, and its answer is dropped unseen.
                    .ok_or_else(|| "cancelled".to_owned())?;
            // Nothing of it is on disk yet: Save asks for a name, closing the window asks, and
            // the autosave keeps it.
            doc.mark_unsaved();
            Ok(Outcome::Imported(Box::new(doc)))
        })
    }

    /// Reads a crashed session's work back (see [`Keeper::read_back_with`]): a large channel takes
    /// seconds to read, check and lay out, which froze the window when done on its thread. A
    /// cancelled restore leaves the open document and the recovery file as they were (it is
    /// offered again at the next start).
    pub fn restore(&mut self, ctx: &egui::Context, orphan: recovery::Orphan) -> Result<(), String> {
        let title = match &orphan.recovery {
            Ok(r) => format!("Restoring {}", r.title),
            Err(_) => "Restoring the unsaved work".to_owned(),
        };
        self.start(title, ctx, move |progress| {
            let restored = Keeper::read_back_with(&orphan, progress).map_err(|e| {
                format!(
                    "The unsaved work could not be restored; its file is kept ({}).\n{e}",
                    orphan.path.display()
                )
            })?;
            Ok(Outcome::Restored(Box::new((orphan, restored))))
        })
    }

    /// Opens a saved scenario to compare the open one with.
    pub fn compare(&mut self, ctx: &egui::Context, path: PathBuf) -> Result<(), String> {
        let title = format!("Opening {} to compare", file_name(&path));
        self.start(title, ctx, move |progress| {
            Document::open_with(&path, progress)
                .map(|doc| Outcome::CompareWith(Box::new(doc)))
                .map_err(|e| format!("Could not open the scenario to compare with: {e}"))
        })
    }

    /// Saves a snapshot of `doc` to `path`, with a progress bar and Cancel (until the file is being
    /// replaced: a cancelled save leaves the file as it was). Taking the snapshot copies nothing
    /// (the scenario is shared, see [`Document::shared_scenario`]); editing goes on meanwhile, and
    /// the document counts as saved only if it still is what was written. Every party is saved
    /// where it is drawn, so that the file reopens as it was left (the tier layout of the channel
    /// as it is now would place some elsewhere: parties keep their place across edits).
    pub fn save(
        &mut self,
        ctx: &egui::Context,
        doc: &Document,
        path: &Path,
        read_only: crate::io::disk::ReadOnly,
    ) -> Result<(), String> {
        let scenario = doc.shared_scenario();
        let drawn = doc.positions().clone();
        let changes = doc.changes();
        let document = doc.id();
        let path = path.to_owned();
        let title = format!("Saving {}", file_name(&path));
        self.start(title, ctx, move |progress| {
            let options = crate::io::save::SaveOptions {
                read_only,
                drawn: Some(&drawn),
                ..Default::default()
            };
            crate::io::save::save_with_options(&scenario, &path, progress, &options)
                .map(|()| Outcome::Saved {
                    document,
                    changes,
                    stamp: crate::io::disk::FileStamp::of(&path),
                    path,
                })
                .map_err(|e| format!("{NOT_SAVED}: {e}"))
        })
    }

    /// Exports `doc` to `path` (a copy of it: editing goes on meanwhile); with an `area`, only
    /// the parties in it, where the canvas draws them, with the findings the window keeps. A PNG
    /// is drawn at its `size`; one too large for its scale comes back as
    /// [`Outcome::PngTooLarge`], with the scale that fits, for the window to offer.
    pub fn export(
        &mut self,
        ctx: &egui::Context,
        doc: &Document,
        path: &Path,
        format: crate::export::ExportFormat,
        area: Option<crate::export::Area>,
        size: PngSize,
    ) -> Result<(), String> {
        let (scale, slide) = match size {
            PngSize::Scale(scale) => (scale, None),
            PngSize::Slide(slide) => (PNG_SCALE, Some(slide)),
        };
        let path = if path.extension().is_none() {
            path.with_extension(format.extension())
        } else {
            path.to_owned()
        };
        let drawn = Some(export_drawn(doc, area));
        // Shared, not copied: a copy took 2.6 s at 300,000 parties on the UI thread.
        let scenario = doc.shared_scenario();
        let title = format!("Exporting {}", file_name(&path));
        self.start(title, ctx, move |progress| {
            let options = crate::export::ExportOptions {
                area,
                drawn,
                scale,
                slide,
                ..export_options()
            };
            match crate::export::export_to_file_with(&scenario, format, &options, &path, progress) {
                Ok(()) => Ok(Outcome::Exported(path)),
                Err(crate::export::ExportError::TooLarge(w, h, fit)) => Ok(Outcome::PngTooLarge(
                    Box::new(super::export_offer::PngOffer {
                        path,
                        area,
                        pixels: (w, h),
                        asked: scale,
                        fit,
                    }),
                )),
                Err(e) => Err(format!("The export failed; no file was written. {e}")),
            }
        })
    }

    /// Computes new positions from the shared channel and where it is drawn now; they are
    /// applied as one undoable step, if the document has not changed meanwhile.
    pub fn place(
        &mut self,
        ctx: &egui::Context,
        doc: &Document,
        title: &str,
        place: impl FnOnce(&Scenario, &BTreeMap<PartyId, Position>) -> BTreeMap<PartyId, Position>
        + Send
        + 'static,
    ) -> Result<(), String> {
        // Shared, not copied (a copy took 2.6 s on the UI thread at 300,000 parties).
        let scenario = doc.shared_scenario();
        let drawn = doc.positions().clone();
        let revision = doc.revision();
        self.start(title, ctx, move |progress| {
            progress.part(0.0, 1.0, "Placing the parties");
            let positions = place(&scenario, &drawn);
            Ok(Outcome::Placed {
                revision,
                positions,
            })
        })
    }
}

/// How large a PNG is drawn: at a scale, or as one slide of that size (`export --slide`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PngSize {
    Scale(f32),
    Slide(crate::export::Slide),
}

/// The scale of the window's PNGs, for slides on high-density screens; a channel too large for
/// it is offered the scale that fits (see `export_offer`).
pub const PNG_SCALE: f32 = 2.0;

/// What an export reads of the window: the findings it keeps, shared (never checked again nor
/// copied), and with an `area` where the canvas draws the parties in it; the whole channel is
/// laid out as the command line lays it out.
pub fn export_drawn(
    doc: &Document,
    area: Option<crate::export::Area>,
) -> std::sync::Arc<crate::export::Drawn> {
    std::sync::Arc::new(crate::export::Drawn {
        // Only the parties in view: a copy of every position costs tens of milliseconds at
        // 300,000 parties, and the export reads no others.
        positions: area.map(|area| {
            doc.positions()
                .iter()
                .filter(|(_, p)| area.contains(**p))
                .map(|(id, p)| (*id, *p))
                .collect()
        }),
        checker: doc.shared_checker(),
    })
}

/// The options the window exports with: 2× PNGs, and CSV for Excel (people open it there, and it
/// needs the byte order mark).
pub fn export_options() -> crate::export::ExportOptions {
    crate::export::ExportOptions {
        scale: PNG_SCALE,
        excel: true,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::sync_channel;

    /// An export reads the findings the window keeps, shared and not checked again: of the
    /// whole channel (it checked every rule again on the worker before) and of the visible area,
    /// which also takes the parties in view where the canvas draws them.
    #[test]
    fn an_export_shares_the_windows_findings_whole_or_in_part() {
        let doc = Document::new(crate::scenarios::synthetic(40));
        let whole = export_drawn(&doc, None);
        assert!(std::sync::Arc::ptr_eq(
            &whole.checker,
            &doc.shared_checker()
        ));
        assert!(
            whole.positions.is_none(),
            "laid out as the command line does"
        );
        let (id, at) = doc.positions().iter().next().expect("parties");
        let area = crate::export::Area { min: *at, max: *at };
        let part = export_drawn(&doc, Some(area));
        assert!(std::sync::Arc::ptr_eq(&part.checker, &doc.shared_checker()));
        let shown = part.positions.as_ref().expect("the canvas's positions");
        assert_eq!(shown.get(id), Some(at));
        assert!(shown.len() < doc.positions().len());
    }

    fn wait<T: Send + 'static>(jobs: &mut Jobs<T>) -> (String, Result<T, String>) {
        let start = Instant::now();
        loop {
            if let Some(done) = jobs.poll() {
                return done;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "the job ends");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn a_job_reports_progress_and_its_result_comes_back_once() {
        let ctx = egui::Context::default();
        let mut jobs = Jobs::default();
        let (go, wait_for_go) = sync_channel::<()>(0);
        jobs.start("Counting", &ctx, move |p| {
            p.part(0.0, 0.5, "Counting sheep").set(1.0);
            wait_for_go.recv().map_err(|e| e.to_string())?;
            Ok(42)
        })
        .unwrap();
        assert_eq!(
            jobs.start("Another", &ctx, |_| Ok(1)),
            Err("Counting".to_owned()),
            "one job at a time"
        );
        let start = Instant::now();
        while jobs.status().is_some_and(|(_, f, _)| f < 0.5) {
            assert!(start.elapsed() < Duration::from_secs(30));
            std::thread::sleep(Duration::from_millis(2));
        }
        assert_eq!(
            jobs.status(),
            Some(("Counting", 0.5, "Counting sheep".to_owned()))
        );
        assert!(jobs.poll().is_none(), "still running");
        go.send(()).unwrap();
        assert_eq!(wait(&mut jobs), ("Counting".to_owned(), Ok(42)));
        assert!(!jobs.is_running());
        assert!(jobs.poll().is_none(), "taken once");
    }

    #[test]
    fn a_cancelled_job_stops_and_its_result_is_dropped() {
        let ctx = egui::Context::default();
        let mut jobs: Jobs<u32> = Jobs::default();
        let (saw_cancel, cancelled) = channel();
        jobs.start("Looping", &ctx, move |p| {
            while !p.is_cancelled() {
                std::thread::sleep(Duration::from_millis(1));
            }
            saw_cancel.send(()).unwrap();
            Ok(7)
        })
        .unwrap();
        assert_eq!(jobs.cancel(), Some("Looping".to_owned()));
        cancelled
            .recv_timeout(Duration::from_secs(30))
            .expect("the worker sees the cancel");
        assert!(jobs.poll().is_none(), "nothing comes back");
        assert!(!jobs.is_running());
        jobs.start("Next", &ctx, |_| Ok(1)).expect("free again");
    }

    #[test]
    fn a_job_past_its_point_of_no_return_cannot_be_cancelled() {
        let ctx = egui::Context::default();
        let mut jobs: Jobs<u32> = Jobs::default();
        let (committed, was_committed) = channel();
        let (go, wait_for_go) = sync_channel::<()>(0);
        jobs.start("Saving", &ctx, move |p| {
            committed.send(p.commit()).unwrap();
            wait_for_go.recv().map_err(|e| e.to_string())?;
            Ok(3)
        })
        .unwrap();
        assert!(was_committed.recv_timeout(Duration::from_secs(30)).unwrap());
        assert_eq!(jobs.cancel(), None, "refused");
        assert!(jobs.is_running());
        go.send(()).unwrap();
        assert_eq!(
            wait(&mut jobs),
            ("Saving".to_owned(), Ok(3)),
            "and reported"
        );
    }

    #[test]
    fn a_failing_or_panicking_job_is_an_error_not_a_crash() {
        let ctx = egui::Context::default();
        let mut jobs: Jobs<u32> = Jobs::default();
        jobs.start("Failing", &ctx, |_| Err("the file is gone".into()))
            .unwrap();
        assert_eq!(wait(&mut jobs).1, Err("the file is gone".to_owned()));
        jobs.start("Panicking", &ctx, |_| panic!("boom")).unwrap();
        let (_, result) = wait(&mut jobs);
        assert_eq!(
            result,
            Err("it stopped on an internal error (boom)".to_owned())
        );
    }
}
