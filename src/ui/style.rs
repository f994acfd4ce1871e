//! Colours, shapes and themes: how kinds and findings look, in one place.

use crate::model::{LinkKind, PartyKind};
use crate::rules::Severity;
use egui::Color32;
use serde::{Deserialize, Serialize};

/// The look of the window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Theme {
    /// Dark background.
    #[default]
    Dark,
    /// Light background.
    Light,
    /// For a projector: light, high contrast, large fonts.
    Presentation,
}

impl Theme {
    /// Every theme, as the View menu lists them.
    pub const ALL: [Theme; 3] = [Theme::Dark, Theme::Light, Theme::Presentation];

    /// The menu label.
    pub fn label(self) -> &'static str {
        match self {
            Theme::Dark => "Dark",
            Theme::Light => "Light",
            Theme::Presentation => "Presentation (large, high contrast)",
        }
    }

    /// Applies the theme to the context.
    pub fn apply(self, ctx: &egui::Context) {
        match self {
            Theme::Dark => {
                ctx.set_visuals(egui::Visuals::dark());
                ctx.set_zoom_factor(1.0);
            }
            Theme::Light => {
                ctx.set_visuals(egui::Visuals::light());
                ctx.set_zoom_factor(1.0);
            }
            Theme::Presentation => {
                let mut v = egui::Visuals::light();
                v.override_text_color = Some(Color32::BLACK);
                v.panel_fill = Color32::WHITE;
                v.window_fill = Color32::WHITE;
                v.extreme_bg_color = Color32::WHITE;
                ctx.set_visuals(v);
                ctx.set_zoom_factor(1.5);
            }
        }
    }

    /// The zoom factor of the theme (presenter mode enlarges from here).
    pub fn zoom(self) -> f32 {
        if self == Theme::Presentation {
            1.5
        } else {
            1.0
        }
    }

    /// True for the light themes (the canvas picks its ink from this).
    pub fn is_light(self) -> bool {
        self != Theme::Dark
    }
}

/// Installs the app's fonts: the same chain as the exports (crate::fonts): Ubuntu Light, then the
/// bundled DejaVu subset (Arabic, Hebrew, symbols), then one system face per script the system has a
/// font for (CJK, Thai, Indic, …), then egui's emoji and Hack (arrows); and a bold family
/// ([`crate::fonts::EGUI_BOLD`]) for party names.
pub fn install_fonts(ctx: &egui::Context) {
    ctx.set_fonts(crate::fonts::Fonts::shared().egui_definitions());
}

/// The fill colour of a party kind (colour-blind-safe Okabe–Ito hues).
pub fn party_fill(kind: PartyKind) -> Color32 {
    match kind {
        PartyKind::Microsoft => Color32::from_rgb(0, 114, 178),
        PartyKind::IndirectProvider => Color32::from_rgb(86, 180, 233),
        PartyKind::DirectBill => Color32::from_rgb(0, 158, 115),
        PartyKind::IndirectReseller => Color32::from_rgb(204, 121, 167),
        PartyKind::Customer => Color32::from_rgb(240, 228, 66),
    }
}

/// The colour of a finding's severity.
pub fn severity_color(severity: Severity) -> Color32 {
    match severity {
        Severity::Violation => Color32::from_rgb(213, 32, 39),
        Severity::Warning => Color32::from_rgb(230, 159, 0),
        Severity::Note => Color32::from_rgb(0, 114, 178),
    }
}

/// A short symbol beside the colour, so that severity never rests on colour alone.
pub fn severity_symbol(severity: Severity) -> &'static str {
    match severity {
        Severity::Violation => "✖",
        Severity::Warning => "⚠",
        Severity::Note => "ℹ",
    }
}

/// The ink of a valid link of a kind.
pub fn link_color(kind: LinkKind, light: bool) -> Color32 {
    let (dark, bright) = match kind {
        LinkKind::Supply => (
            Color32::from_rgb(40, 70, 130),
            Color32::from_rgb(140, 170, 230),
        ),
        LinkKind::Partnership => (
            Color32::from_rgb(70, 70, 70),
            Color32::from_rgb(200, 200, 200),
        ),
        LinkKind::Reseller => (
            Color32::from_rgb(90, 90, 140),
            Color32::from_rgb(170, 170, 220),
        ),
        LinkKind::Admin => (
            Color32::from_rgb(110, 80, 40),
            Color32::from_rgb(220, 190, 140),
        ),
        LinkKind::Purchase => (
            Color32::from_rgb(0, 110, 80),
            Color32::from_rgb(110, 220, 170),
        ),
    };
    if light { dark } else { bright }
}

/// A short label drawn on links.
pub fn link_short(kind: LinkKind) -> &'static str {
    match kind {
        LinkKind::Supply => "supply",
        LinkKind::Partnership => "partner",
        LinkKind::Reseller => "reseller",
        LinkKind::Admin => "admin",
        LinkKind::Purchase => "buys",
    }
}

/// "1 link", "3 links": a count with its noun in the right number.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
