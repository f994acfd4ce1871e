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
    /// Open a lesson file a trainer wrote.
    OpenLesson,
    /// Pick a saved scenario to compare the open one with.
    CompareWith,
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
    /// True while a dialog is open.
    fn is_open(&self) -> bool;
}

/// rfd dialogs on a worker thread.
#[derive(Default)]
pub struct NativeDialogs {
    pending: Option<(DialogPurpose, Receiver<Option<PathBuf>>)>,
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
        std::thread::spawn(move || {
            let dialog = rfd::FileDialog::new()
                .add_filter("csp-explorer scenario", &["ron"])
                .set_directory(&folder);
            let picked = match purpose {
                DialogPurpose::Open => dialog.set_title("Open scenario").pick_file(),
                DialogPurpose::OpenLesson => dialog.set_title("Open lesson").pick_file(),
                DialogPurpose::CompareWith => {
                    dialog.set_title("Compare with which scenario?").pick_file()
                }
                DialogPurpose::SaveAs => dialog
                    .set_title("Save scenario as")
                    .set_file_name(file_name)
                    .save_file(),
                DialogPurpose::Export(format) => rfd::FileDialog::new()
                    .add_filter(format.label(), &[format.extension()])
                    .set_directory(&folder)
                    .set_title("Export")
                    .set_file_name(file_name)
                    .save_file(),
            };
            // The window may have closed meanwhile; then nobody needs the answer.
            let _ = tx.send(picked);
            ctx.request_repaint();
        });
        self.pending = Some((purpose, rx));
    }

    fn poll(&mut self) -> Option<(DialogPurpose, Option<PathBuf>)> {
        let (purpose, rx) = self.pending.as_ref()?;
        let purpose = *purpose;
        match rx.try_recv() {
            Ok(answer) => {
                self.pending = None;
                Some((purpose, answer))
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => None,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.pending = None;
                Some((purpose, None))
            }
        }
    }

    fn is_open(&self) -> bool {
        self.pending.is_some()
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
