//! Presentation: presenter mode (the projector's large type), refitting the canvas when the zoom
//! factor changes, and the window title. Must not change the document or keep anything on disk.
//!
//! A theme or presenter mode changes egui's zoom factor; the canvas's new size arrives a frame or
//! two later, so the canvas is fitted again for a few frames ([`Presentation::frame`]). The title is
//! sent to the window only when it changes: a viewport command asks for another frame, and an idle
//! window must not repaint forever.

use super::style::Theme;

/// Frames in which the canvas is fitted again after the zoom factor changed.
const REFIT_FRAMES: u8 = 3;

/// How much larger everything is in presenter mode (the back row of a room).
const PRESENTER_ZOOM: f32 = 1.5;

/// Presenter mode, refits and the window title.
pub struct Presentation {
    /// Presenter mode: large type, no side panels, a spotlight on the selected path.
    presenter: bool,
    /// The zoom factor of the last frame.
    last_zoom: f32,
    /// Frames left in which to fit the canvas again (the new size arrives a frame after the zoom).
    refit_frames: u8,
    /// The window title last sent to the window.
    window_title: String,
}

impl Default for Presentation {
    fn default() -> Self {
        Presentation {
            presenter: false,
            last_zoom: 1.0,
            refit_frames: 0,
            window_title: String::new(),
        }
    }
}

impl Presentation {
    /// True while presenter mode is on.
    pub fn is_presenting(&self) -> bool {
        self.presenter
    }

    /// Turns presenter mode on or off: everything larger than `theme` makes it, side panels hidden.
    /// The canvas is to be fitted again.
    pub fn set_presenter(&mut self, ctx: &egui::Context, theme: Theme, on: bool) {
        self.presenter = on;
        ctx.set_zoom_factor(Self::zoom(theme, on));
    }

    /// A theme was chosen (and applied): presenter mode keeps its larger type in it.
    pub fn theme_changed(&self, ctx: &egui::Context, theme: Theme) {
        if self.presenter {
            ctx.set_zoom_factor(Self::zoom(theme, true));
        }
    }

    /// Presenter mode brings the type to the presenter's size; a theme already that large (the
    /// Presentation theme) is not enlarged again. Multiplied, the two made everything 2.25×: a
    /// 1600×1000 projector was 711×444 points, the lesson card took half of it and the drawing
    /// was a strip without its legend or link labels (seen in a presenter walk-through).
    fn zoom(theme: Theme, presenter: bool) -> f32 {
        if presenter {
            theme.zoom().max(PRESENTER_ZOOM)
        } else {
            theme.zoom()
        }
    }

    /// At the start of a frame: true when the canvas is to be fitted again (the zoom factor
    /// changed in the last few frames; another frame is asked for meanwhile).
    pub fn frame(&mut self, ctx: &egui::Context) -> bool {
        let zoom = ctx.zoom_factor();
        if (zoom - self.last_zoom).abs() > f32::EPSILON {
            self.last_zoom = zoom;
            self.refit_frames = REFIT_FRAMES;
        }
        if self.refit_frames == 0 {
            return false;
        }
        self.refit_frames -= 1;
        ctx.request_repaint();
        true
    }

    /// The title last sent to the window.
    pub fn window_title(&self) -> &str {
        &self.window_title
    }

    /// Sends the window title (`● ` first while `dirty`) when it changed.
    pub fn title(&mut self, ctx: &egui::Context, name: &str, dirty: bool) {
        let title = format!("{}{name} — csp-explorer", if dirty { "● " } else { "" });
        if self.window_title != title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.window_title = title;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One frame of `ctx`, asking `p` whether to refit in it (the zoom factor takes effect as a
    /// frame begins).
    fn frame(ctx: &egui::Context, p: &mut Presentation) -> bool {
        let mut refit = false;
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| refit = p.frame(ui.ctx()));
        output.textures_delta.clear();
        refit
    }

    #[test]
    fn presenter_mode_enlarges_the_theme_and_a_zoom_change_refits_for_three_frames() {
        let ctx = egui::Context::default();
        let mut p = Presentation::default();
        let theme = Theme::default();
        assert!(!frame(&ctx, &mut p) || (ctx.zoom_factor() - 1.0).abs() > f32::EPSILON);
        while frame(&ctx, &mut p) {}
        p.set_presenter(&ctx, theme, true);
        assert!(p.is_presenting());
        let refits: Vec<bool> = (0..5).map(|_| frame(&ctx, &mut p)).collect();
        assert_eq!(refits, [true, true, true, false, false]);
        assert!((ctx.zoom_factor() - theme.zoom() * PRESENTER_ZOOM).abs() < 1e-4);
        p.set_presenter(&ctx, theme, false);
        assert!(frame(&ctx, &mut p), "leaving presenter mode refits too");
        assert!((ctx.zoom_factor() - theme.zoom()).abs() < 1e-4);
    }

    /// The Presentation theme is already at the presenter's size: presenter mode keeps it there
    /// instead of enlarging it 1.5× again (2.25× left the drawing a strip on a projector).
    #[test]
    fn presenter_mode_does_not_enlarge_the_presentation_theme_again() {
        let ctx = egui::Context::default();
        let mut p = Presentation::default();
        p.set_presenter(&ctx, Theme::Presentation, true);
        frame(&ctx, &mut p);
        assert!((ctx.zoom_factor() - PRESENTER_ZOOM).abs() < 1e-4);
        assert!(Theme::Presentation.zoom() <= PRESENTER_ZOOM);
        p.theme_changed(&ctx, Theme::Dark);
        frame(&ctx, &mut p);
        assert!((ctx.zoom_factor() - PRESENTER_ZOOM).abs() < 1e-4);
    }

    #[test]
    fn the_title_marks_unsaved_work_and_is_sent_only_when_it_changes() {
        let ctx = egui::Context::default();
        let mut p = Presentation::default();
        p.title(&ctx, "sample.ron", true);
        assert_eq!(p.window_title, "● sample.ron — csp-explorer");
        p.title(&ctx, "sample.ron", false);
        assert_eq!(p.window_title, "sample.ron — csp-explorer");
    }
}
