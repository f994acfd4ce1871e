//! What the UI tests share: the app in a kittest harness, with file dialogs that never open.

use csp_explorer::ui::app::Command;
use csp_explorer::ui::canvas::Selection;
use csp_explorer::ui::files::DialogPurpose;
use csp_explorer::ui::{ExplorerApp, FileDialogs, Launch};
use egui_kittest::Harness;
use std::path::{Path, PathBuf};

/// File dialogs never open in tests (rfd can hang with no desktop portal): paths are handed to the
/// app directly.
pub struct NoDialogs;

impl FileDialogs for NoDialogs {
    fn request(&mut self, _: DialogPurpose, _: &Path, _: &str, _: &egui::Context) {}
    fn poll(&mut self) -> Option<(DialogPurpose, Option<PathBuf>)> {
        None
    }
    fn is_open(&self) -> bool {
        false
    }
}

/// File dialogs that do as a test says, for every request: answer with one path, as a user
/// choosing it would, or fail to be shown, like rfd on a desktop with no file-dialog portal and no
/// zenity (the app then offers a path field, filled in with `folder` and the suggested name).
#[allow(dead_code)] // Not every test binary shows dialogs.
pub enum StubDialogs {
    Answering {
        path: PathBuf,
        asked: Option<DialogPurpose>,
    },
    NeverShown {
        folder: PathBuf,
        failed: Option<csp_explorer::ui::files::DialogFailure>,
    },
}

#[allow(dead_code)]
impl StubDialogs {
    /// Dialogs that answer every request with `path`.
    pub fn answering(path: &Path) -> Box<Self> {
        Box::new(StubDialogs::Answering {
            path: path.to_owned(),
            asked: None,
        })
    }

    /// Dialogs that can never be shown; the path field suggests a file in `folder`.
    pub fn never_shown(folder: &Path) -> Box<Self> {
        Box::new(StubDialogs::NeverShown {
            folder: folder.to_owned(),
            failed: None,
        })
    }
}

impl FileDialogs for StubDialogs {
    fn request(&mut self, purpose: DialogPurpose, _: &Path, name: &str, _: &egui::Context) {
        match self {
            StubDialogs::Answering { asked, .. } => *asked = Some(purpose),
            StubDialogs::NeverShown { folder, failed } => {
                *failed = Some(csp_explorer::ui::files::DialogFailure {
                    purpose,
                    suggested: folder.join(name),
                });
            }
        }
    }
    fn poll(&mut self) -> Option<(DialogPurpose, Option<PathBuf>)> {
        match self {
            StubDialogs::Answering { path, asked } => asked.take().map(|p| (p, Some(path.clone()))),
            StubDialogs::NeverShown { .. } => None,
        }
    }
    fn is_open(&self) -> bool {
        matches!(self, StubDialogs::Answering { asked: Some(_), .. })
    }
    fn take_failure(&mut self) -> Option<csp_explorer::ui::files::DialogFailure> {
        match self {
            StubDialogs::NeverShown { failed, .. } => failed.take(),
            StubDialogs::Answering { .. } => None,
        }
    }
}

/// Selects a party or a link as a click would, and lets the window settle.
#[allow(dead_code)] // Not every test binary selects.
pub fn select(harness: &mut Harness<'static, ExplorerApp>, selection: Selection) {
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .execute(&ctx, Command::Select(Some(selection), Vec::new()));
    harness.run();
}

/// The error the window shows (a test fails when it shows none).
#[allow(dead_code)] // Not every test binary looks for one.
pub fn shown_error(harness: &Harness<'static, ExplorerApp>) -> String {
    harness
        .state()
        .error()
        .expect("an error is shown")
        .to_owned()
}

/// The app at a desktop size, once it has settled.
pub fn app(launch: Launch) -> Harness<'static, ExplorerApp> {
    app_with(launch, Box::new(NoDialogs))
}

/// The app with these file dialogs, once it has settled (a file to open is read on the worker
/// thread: it waits for that too).
pub fn app_with(launch: Launch, dialogs: Box<dyn FileDialogs>) -> Harness<'static, ExplorerApp> {
    app_sized_with(launch, egui::vec2(1500.0, 950.0), dialogs)
}

/// The app in a window of `size` (a projector's screen, a small laptop), once it has settled.
#[allow(dead_code)] // Not every test binary sizes the window.
pub fn app_sized(launch: Launch, size: egui::Vec2) -> Harness<'static, ExplorerApp> {
    app_sized_with(launch, size, Box::new(NoDialogs))
}

fn app_sized_with(
    launch: Launch,
    size: egui::Vec2,
    dialogs: Box<dyn FileDialogs>,
) -> Harness<'static, ExplorerApp> {
    let mut harness = Harness::builder()
        .with_size(size)
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
/// import preview, a fork's copy of the scenario.
fn busy(app: &ExplorerApp) -> bool {
    app.is_busy()
        || app.is_writing_recovery()
        || app.is_comparing()
        || app.is_previewing_import()
        || app.is_copying()
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

/// Every shape the frame drew, flattened.
#[allow(dead_code)] // Not every test binary looks at shapes.
pub fn all_shapes(harness: &Harness<'static, ExplorerApp>) -> Vec<egui::Shape> {
    fn walk(shape: &egui::Shape, out: &mut Vec<egui::Shape>) {
        match shape {
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, out)),
            other => out.push(other.clone()),
        }
    }
    let mut out = Vec::new();
    for clipped in &harness.output().shapes {
        walk(&clipped.shape, &mut out);
    }
    out
}
