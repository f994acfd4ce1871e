//! The explorer window: a live, rule-checked canvas of the CSP channel.
//!
//! One direction of flow: a gesture becomes an [`Edit`](crate::edit::Edit), the [`Document`] applies it
//! through its history and re-checks incrementally, and every panel draws from the scenario plus the
//! findings. Panels return commands ([`app::Command`]) that the app applies after drawing.

pub mod app;
pub mod canvas;
mod command;
mod document;
pub mod files;
mod panels;
mod style;
pub mod training;
pub mod whatif;

pub use app::ExplorerApp;
pub use document::Document;
pub use files::{FileDialogs, NativeDialogs};

use std::path::PathBuf;

/// What to open when the window starts.
#[derive(Clone, Debug, Default)]
pub struct Launch {
    /// A save file.
    pub open: Option<PathBuf>,
    /// A built-in scenario slug (see [`crate::scenarios::BUILTIN`]).
    pub builtin: Option<String>,
    /// A built-in lesson key (see [`crate::training::LESSONS`]).
    pub lesson: Option<String>,
    /// Start in presenter mode.
    pub presenter: bool,
}

/// Opens the window and runs until it closes.
pub fn run(launch: Launch) -> eframe::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("csp-explorer")
            .with_app_id("csp-explorer")
            .with_inner_size([1500.0, 950.0])
            .with_min_inner_size([900.0, 600.0]),
        ..Default::default()
    };
    eframe::run_native(
        "csp-explorer",
        options,
        Box::new(move |cc| {
            Ok(Box::new(ExplorerApp::new(
                cc,
                launch,
                Box::new(NativeDialogs::default()),
            )))
        }),
    )
}
