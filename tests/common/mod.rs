//! What the UI tests share: the app in a kittest harness, with file dialogs that never open.

use csp_explorer::ui::{ExplorerApp, FileDialogs, Launch};
use egui_kittest::Harness;
use std::path::{Path, PathBuf};

/// File dialogs never open in tests (rfd can hang with no desktop portal): paths are handed to the
/// app directly.
pub struct NoDialogs;

impl FileDialogs for NoDialogs {
    fn request(
        &mut self,
        _: csp_explorer::ui::files::DialogPurpose,
        _: &Path,
        _: &str,
        _: &egui::Context,
    ) {
    }
    fn poll(&mut self) -> Option<(csp_explorer::ui::files::DialogPurpose, Option<PathBuf>)> {
        None
    }
    fn is_open(&self) -> bool {
        false
    }
}

/// The app at a desktop size, once it has settled.
pub fn app(launch: Launch) -> Harness<'static, ExplorerApp> {
    app_with(launch, Box::new(NoDialogs))
}

/// The app with these file dialogs, once it has settled (a file to open is read on the worker
/// thread: it waits for that too).
pub fn app_with(launch: Launch, dialogs: Box<dyn FileDialogs>) -> Harness<'static, ExplorerApp> {
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1500.0, 950.0))
        .build_eframe(move |cc| ExplorerApp::new(cc, launch, dialogs));
    // A job keeps the window redrawing: step (not run) until it is done, then settle.
    harness.step();
    finish_jobs(&mut harness);
    harness
}

/// Runs frames until the worker thread's job (opening, saving, exporting, laying out), the
/// recovery writer, a what-if comparison and an import preview have finished and their results have been applied, and the window has settled. A job may start in any of those
/// frames (a key press or click is handled a frame later): it is waited for too.
pub fn finish_jobs(harness: &mut Harness<'static, ExplorerApp>) {
    let start = std::time::Instant::now();
    loop {
        while busy(harness.state()) {
            assert!(
                start.elapsed() < std::time::Duration::from_secs(120),
                "the job finishes"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
            harness.step();
        }
        // A job that started while settling keeps the window redrawing: wait for it, then settle
        // again.
        if harness.try_run().is_ok() && !busy(harness.state()) {
            return;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(120),
            "the window settles"
        );
    }
}

/// Work the window waits for in the background: a job, the recovery writer, a comparison, an
/// import preview.
fn busy(app: &ExplorerApp) -> bool {
    app.is_busy() || app.is_writing_recovery() || app.is_comparing() || app.is_previewing_import()
}

/// The app on a built-in scenario.
pub fn scenario(slug: &str) -> Launch {
    Launch {
        builtin: Some(slug.to_owned()),
        ..Launch::default()
    }
}

/// The open document's scenario as a save writes it: every party where the canvas draws it (see
/// `Jobs::save`), not only those placed by hand.
#[allow(dead_code)] // Not every test binary saves.
pub fn as_drawn(doc: &csp_explorer::ui::Document) -> csp_explorer::model::Scenario {
    let mut s = doc.scenario().clone();
    for (id, at) in doc.positions() {
        s.set_position(id, Some(*at)).expect("a drawn party");
    }
    s
}
