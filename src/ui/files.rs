//! Native file dialogs behind a trait, run off the UI thread so that the window never freezes. Must
//! not decide what a chosen path is for: filing does.
//!
//! Native file dialogs, run off the UI thread so that the window never freezes.
//!
//! Dialogs hide behind [`FileDialogs`] so that tests inject paths without ever touching rfd (which can
//! hang on a machine with no desktop portal).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};

/// Which dialog a result answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogPurpose {
    /// Open a scenario.
    Open,
    /// Save the scenario under a new name.
    SaveAs,
    /// Export the scenario in a format.
    Export(crate::export::ExportFormat),
    /// Export the part of the canvas in view, as SVG.
    ExportVisible,
    /// Open a lesson file a trainer wrote.
    OpenLesson,
    /// Pick a saved scenario to compare the open one with.
    CompareWith,
    /// Pick the files to import (several at once).
    Import,
    /// Save the what-if's plan.
    SavePlan,
    /// Pick a plan to apply.
    OpenPlan,
    /// Export the what-if's impact: a Markdown handout, or a CSV of its findings.
    ExportImpact {
        /// CSV rather than Markdown.
        csv: bool,
    },
}

/// Asks the user for file paths, answering later through [`FileDialogs::poll`].
pub trait FileDialogs {
    /// Starts a dialog; its answer arrives through `poll`. Ignored while another dialog is open.
    fn request(
        &mut self,
        purpose: DialogPurpose,
        folder: &Path,
        file_name: &str,
        ctx: &egui::Context,
    );
    /// The answer of the open dialog, once the user has chosen (`None` inside when cancelled).
    fn poll(&mut self) -> Option<(DialogPurpose, Option<PathBuf>)>;
    /// The answer of the open dialog with every file chosen: one for most dialogs, several for
    /// [`DialogPurpose::Import`] (empty when cancelled). Dialogs that pick one file need not
    /// override it.
    fn poll_files(&mut self) -> Option<(DialogPurpose, Vec<PathBuf>)> {
        self.poll()
            .map(|(purpose, path)| (purpose, path.into_iter().collect()))
    }
    /// True while a dialog is open.
    fn is_open(&self) -> bool;
    /// A dialog that could not be shown (no file-dialog portal, no zenity): the app then asks for the
    /// path in a field of its own. Taken once.
    fn take_failure(&mut self) -> Option<DialogFailure> {
        None
    }
}

/// A native dialog that could not be shown, and what it would have suggested.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialogFailure {
    /// What the dialog was for.
    pub purpose: DialogPurpose,
    /// The folder and file name it would have started at.
    pub suggested: PathBuf,
}

/// How long a dialog takes at least when a person cancels it: a "cancelled" answer sooner than this
/// means the dialog never appeared (rfd reports a missing portal and a missing zenity as a cancel,
/// and only logs the reason).
pub const NOBODY_CANCELS_THAT_FAST: std::time::Duration = std::time::Duration::from_millis(400);

/// What a native dialog's answer means: a path, a cancel, or a dialog that never appeared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The user chose these paths (one, or several for an import).
    Picked(Vec<PathBuf>),
    /// The user cancelled.
    Cancelled,
    /// The dialog could not be shown.
    Failed,
}

impl Answer {
    /// Reads rfd's answer, given how long the dialog was up.
    pub fn classify(picked: Option<Vec<PathBuf>>, open_for: std::time::Duration) -> Answer {
        match picked {
            Some(paths) if !paths.is_empty() => Answer::Picked(paths),
            _ if open_for < NOBODY_CANCELS_THAT_FAST => Answer::Failed,
            _ => Answer::Cancelled,
        }
    }
}

/// rfd dialogs on a worker thread.
#[derive(Default)]
pub struct NativeDialogs {
    pending: Option<(DialogPurpose, PathBuf, Receiver<Answer>)>,
    failure: Option<DialogFailure>,
}

impl FileDialogs for NativeDialogs {
    fn request(
        &mut self,
        purpose: DialogPurpose,
        folder: &Path,
        file_name: &str,
        ctx: &egui::Context,
    ) {
        if self.pending.is_some() {
            return;
        }
        let (tx, rx) = channel();
        let folder = folder.to_owned();
        let file_name = file_name.to_owned();
        let ctx = ctx.clone();
        let suggested = folder.join(&file_name);
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            log::debug!(
                "showing the {purpose:?} file dialog in {}",
                folder.display()
            );
            let dialog = rfd::FileDialog::new()
                .add_filter("csp-explorer scenario", &["ron", "cspx"])
                .set_directory(&folder);
            let one = |dialog: rfd::FileDialog| dialog.pick_file().map(|p| vec![p]);
            let picked = match purpose {
                DialogPurpose::Open => one(dialog.set_title("Open scenario")),
                DialogPurpose::OpenLesson => one(dialog.set_title("Open lesson")),
                DialogPurpose::CompareWith => one(dialog.set_title("Compare with which scenario?")),
                DialogPurpose::SaveAs => dialog
                    .set_title("Save scenario as")
                    .set_file_name(file_name)
                    .save_file()
                    .map(|p| vec![p]),
                DialogPurpose::Export(format) => rfd::FileDialog::new()
                    .add_filter(format.label(), format.extensions())
                    .set_directory(&folder)
                    .set_title("Export")
                    .set_file_name(file_name)
                    .save_file()
                    .map(|p| vec![p]),
                // Spreadsheets and Partner Center's JSON, whatever they are named: the importer
                // recognises each file by its content.
                DialogPurpose::Import => rfd::FileDialog::new()
                    .add_filter(
                        "Spreadsheets, workbooks and Partner Center data",
                        &[
                            "csv", "txt", "tsv", "json", "xlsx", "xlsm", "xls", "xlsb", "ods",
                        ],
                    )
                    .add_filter("All files", &["*"])
                    .set_directory(&folder)
                    .set_title("Import files (choose several at once)")
                    .pick_files(),
                DialogPurpose::SavePlan => rfd::FileDialog::new()
                    .add_filter("csp-explorer plan", &["ron"])
                    .set_directory(&folder)
                    .set_title("Save the plan")
                    .set_file_name(file_name)
                    .save_file()
                    .map(|p| vec![p]),
                DialogPurpose::OpenPlan => one(rfd::FileDialog::new()
                    .add_filter("csp-explorer plan", &["ron"])
                    .add_filter("All files", &["*"])
                    .set_directory(&folder)
                    .set_title("Apply which plan?")),
                DialogPurpose::ExportImpact { csv } => rfd::FileDialog::new()
                    .add_filter(
                        if csv { "CSV" } else { "Markdown" },
                        &[if csv { "csv" } else { "md" }],
                    )
                    .set_directory(&folder)
                    .set_title("Export the impact")
                    .set_file_name(file_name)
                    .save_file()
                    .map(|p| vec![p]),
                DialogPurpose::ExportVisible => rfd::FileDialog::new()
                    .add_filter("SVG", crate::export::ExportFormat::Svg.extensions())
                    .set_directory(&folder)
                    .set_title("Export visible area")
                    .set_file_name(file_name)
                    .save_file()
                    .map(|p| vec![p]),
            };
            let answer = Answer::classify(picked, started.elapsed());
            if answer == Answer::Failed {
                log::error!(
                    "the {purpose:?} file dialog could not be shown (no desktop file-dialog portal \
                     and no zenity?); asking for the path in the window instead"
                );
            }
            // The window may have closed meanwhile; then nobody needs the answer.
            let _ = tx.send(answer);
            ctx.request_repaint();
        });
        self.pending = Some((purpose, suggested, rx));
    }

    fn poll(&mut self) -> Option<(DialogPurpose, Option<PathBuf>)> {
        self.poll_files()
            .map(|(purpose, paths)| (purpose, paths.into_iter().next()))
    }

    fn poll_files(&mut self) -> Option<(DialogPurpose, Vec<PathBuf>)> {
        let (purpose, suggested, rx) = self.pending.as_ref()?;
        let purpose = *purpose;
        let answer = match rx.try_recv() {
            Ok(answer) => answer,
            Err(std::sync::mpsc::TryRecvError::Empty) => return None,
            // The worker died (a panic inside the dialog library): that is a failure too.
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                log::error!("the {purpose:?} file dialog stopped without an answer");
                Answer::Failed
            }
        };
        let suggested = suggested.clone();
        self.pending = None;
        match answer {
            Answer::Picked(paths) => Some((purpose, paths)),
            Answer::Cancelled => Some((purpose, Vec::new())),
            Answer::Failed => {
                self.failure = Some(DialogFailure { purpose, suggested });
                None
            }
        }
    }

    fn is_open(&self) -> bool {
        self.pending.is_some()
    }

    fn take_failure(&mut self) -> Option<DialogFailure> {
        self.failure.take()
    }
}

/// The default folder for scenarios: `saves/` under the working directory when it exists.
pub fn default_folder() -> PathBuf {
    let saves = PathBuf::from("saves");
    if saves.is_dir() {
        saves.canonicalize().unwrap_or(saves)
    } else {
        std::env::current_dir().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn an_instant_cancel_is_a_dialog_that_never_appeared() {
        let p = PathBuf::from("/tmp/x.ron");
        assert_eq!(
            Answer::classify(Some(vec![p.clone()]), Duration::ZERO),
            Answer::Picked(vec![p])
        );
        assert_eq!(
            Answer::classify(Some(Vec::new()), Duration::from_secs(3)),
            Answer::Cancelled,
            "no file chosen is a cancel"
        );
        assert_eq!(
            Answer::classify(None, Duration::from_millis(5)),
            Answer::Failed
        );
        assert_eq!(
            Answer::classify(None, Duration::from_secs(3)),
            Answer::Cancelled
        );
    }
}
