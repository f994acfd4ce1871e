//! The explorer window: its modules, what starts it ([`run`], [`Launch`]) and the app icon. Must not
//! hold window logic: that is `app.rs` and its parts.
//!
//! The explorer window: a live, rule-checked canvas of the CSP channel.
//!
//! One direction of flow: a gesture becomes an [`Edit`](crate::edit::Edit), the [`Document`] applies it
//! through its history and re-checks incrementally, and every panel draws from the scenario plus the
//! findings. Panels return commands ([`app::Command`]) that the app applies after drawing.

pub mod app;
pub mod canvas;
mod command;
mod document;
pub mod export_offer;
pub mod files;
mod filing;
pub mod import;
pub mod jobs;
mod keeper;
mod keys;
mod page;
mod panels;
mod presentation;
pub mod recovery;
pub mod style;
pub mod training;
pub mod whatif;
mod workspace;

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
    /// The folder for crash recovery and preferences (see [`recovery`]); `None` keeps nothing on
    /// disk (tests). [`run`] uses [`recovery::default_state_dir`] when it is `None`.
    pub state_dir: Option<PathBuf>,
}

/// The app icon (assets/icon, drawn from the canvas's own shapes), compiled in so the window has it
/// wherever the binary runs from.
const ICON_PNG: &[u8] = include_bytes!("../../assets/icon/csp-explorer-256.png");

/// The window icon, or none if the compiled-in PNG cannot be decoded (a window without an icon is
/// better than no window).
pub fn window_icon() -> Option<egui::IconData> {
    eframe::icon_data::from_png_bytes(ICON_PNG).ok()
}

/// Opens the window and runs until it closes.
pub fn run(mut launch: Launch) -> eframe::Result<()> {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("csp-explorer")
        .with_app_id("csp-explorer")
        .with_inner_size([1500.0, 950.0])
        .with_min_inner_size([900.0, 600.0]);
    if let Some(icon) = window_icon() {
        viewport = viewport.with_icon(icon);
    }
    let override_dir = std::env::var_os(recovery::STATE_DIR_ENV).filter(|v| !v.is_empty());
    let options = eframe::NativeOptions {
        viewport,
        // With the override, eframe's own file moves there too: nothing of the user's is touched.
        persistence_path: override_dir.map(|d| PathBuf::from(d).join("app.ron")),
        ..Default::default()
    };
    if launch.state_dir.is_none() {
        launch.state_dir = recovery::default_state_dir();
    }
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_window_icon_decodes_to_a_square_with_transparent_corners() {
        let icon = super::window_icon().expect("the compiled-in icon decodes");
        assert_eq!((icon.width, icon.height), (256, 256));
        assert_eq!(icon.rgba.len(), 256 * 256 * 4);
        assert_eq!(
            icon.rgba[3], 0,
            "the corner outside the rounded square is transparent"
        );
        let centre = ((128 * 256 + 128) * 4) as usize;
        assert_eq!(icon.rgba[centre + 3], 255, "the middle is drawn");
    }
}
