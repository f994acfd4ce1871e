//! Colours, shapes and themes: how kinds and findings look, in one place, and the label scale a theme
//! sets. Must not draw a panel or the canvas, nor import them.

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
        ctx.set_visuals(self.visuals());
        ctx.set_zoom_factor(self.zoom());
        set_label_scale(ctx, self.label_scale());
    }

    /// Canvas labels on top of the zoom factor. The presentation theme zooms everything by 1.5,
    /// but the canvas then fits the channel into fewer points and labels follow the canvas zoom
    /// (by its square root): 1.35 more keeps its labels at least 1.5 times their normal size on
    /// screen.
    pub fn label_scale(self) -> f32 {
        if self == Theme::Presentation {
            1.35
        } else {
            1.0
        }
    }

    /// The theme's visuals: egui's dark or light ones (presentation: pure white and black), with
    /// weak text dark enough to read and a border on text fields and buttons.
    pub fn visuals(self) -> egui::Visuals {
        let mut v = match self {
            Theme::Dark => egui::Visuals::dark(),
            Theme::Light => egui::Visuals::light(),
            Theme::Presentation => {
                let mut v = egui::Visuals::light();
                v.override_text_color = Some(Color32::BLACK);
                v.panel_fill = Color32::WHITE;
                v.window_fill = Color32::WHITE;
                v.extreme_bg_color = Color32::WHITE;
                v.faint_bg_color = Color32::from_gray(242);
                v
            }
        };
        // egui draws weak text as the text colour at partial opacity: on a projector it fades
        // away. Keep its hue but give it text contrast.
        let weak = v
            .panel_fill
            .lerp_to_gamma(v.text_color(), v.weak_text_alpha);
        v.weak_text_color = Some(ink(&v, weak));
        // Text fields (and buttons) get a visible border, at 3:1 against the panel (WCAG's contrast
        // for the edge of a control).
        let edge = if v.dark_mode {
            Color32::from_gray(125)
        } else if self == Theme::Presentation {
            Color32::from_gray(80)
        } else {
            Color32::from_gray(140)
        };
        v.widgets.inactive.bg_stroke = egui::Stroke::new(1.0, edge);
        // A blinking cursor redraws the whole window twice a second for as long as a field has
        // focus: measured at 21 % of a CPU in a release build with software rendering, for a
        // window otherwise at rest. A steady cursor costs nothing.
        v.text_cursor.blink = false;
        v
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

/// The bold font of a size (party names on the canvas): the bundled bold of [`crate::fonts`].
pub fn bold_font(size: f32) -> egui::FontId {
    egui::FontId::new(size, egui::FontFamily::Name(crate::fonts::EGUI_BOLD.into()))
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
        // Violet, not the lavender it was: beside supply's blue it read as the same colour on a
        // projector (seen in a presenter walk-through).
        LinkKind::Reseller => (
            Color32::from_rgb(120, 60, 140),
            Color32::from_rgb(215, 150, 235),
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

/// "1 link", "3 links", "100,141 parties": a count with its noun in the right number and its
/// thousands separated, as the slide, the README and `check`'s summary write them (a status bar
/// reading "100141 parties, 339200 links" had to be counted digit by digit).
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        crate::text::thousands(n),
        if n == 1 { one } else { many }
    )
}

/// The colour for text of a valid result ("✔ Nothing to report").
pub const VALID: Color32 = Color32::from_rgb(0, 158, 115);

/// `c` as it shows on the opaque `bg` (egui blends premultiplied colours in gamma space).
fn over(c: Color32, bg: Color32) -> Color32 {
    let [r, g, b, a] = c.to_array();
    let keep = 1.0 - f32::from(a) / 255.0;
    let mix = |f: u8, b: u8| (f32::from(f) + f32::from(b) * keep).round().min(255.0) as u8;
    Color32::from_rgb(mix(r, bg.r()), mix(g, bg.g()), mix(b, bg.b()))
}

/// The backgrounds text is drawn on in these visuals, as they show (the faint stripe is drawn over
/// the panel).
pub fn text_backgrounds(visuals: &egui::Visuals) -> [Color32; 4] {
    let panel = visuals.panel_fill;
    [
        panel,
        visuals.window_fill,
        over(visuals.extreme_bg_color, panel),
        over(visuals.faint_bg_color, panel),
    ]
}

/// WCAG relative luminance of an sRGB colour.
fn luminance(c: Color32) -> f32 {
    let channel = |v: u8| {
        let v = f32::from(v) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.r()) + 0.7152 * channel(c.g()) + 0.0722 * channel(c.b())
}

/// WCAG contrast ratio of two colours, from 1 (none) to 21 (black on white).
pub fn contrast(a: Color32, b: Color32) -> f32 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Text contrast the app keeps against every background it draws text on (WCAG AA).
pub const MIN_TEXT_CONTRAST: f32 = 4.5;

/// `color` made readable as text on the theme's backgrounds (panels, windows, fields): darkened
/// on light themes, lightened on dark ones, just enough for [`MIN_TEXT_CONTRAST`]. The hue stays,
/// so a warning still reads amber and a note blue.
pub fn ink(visuals: &egui::Visuals, color: Color32) -> Color32 {
    let backgrounds = text_backgrounds(visuals);
    let worst = |c: Color32| {
        backgrounds
            .iter()
            .map(|b| contrast(c, *b))
            .fold(f32::MAX, f32::min)
    };
    let target = if visuals.dark_mode {
        Color32::WHITE
    } else {
        Color32::BLACK
    };
    let mut c = color;
    for step in 1..=20 {
        if worst(c) >= MIN_TEXT_CONTRAST + 0.05 {
            break;
        }
        c = color.lerp_to_gamma(target, step as f32 / 20.0);
    }
    c
}

/// A severity's colour as text on this theme.
pub fn severity_text(ui: &egui::Ui, severity: Severity) -> Color32 {
    ink(ui.visuals(), severity_color(severity))
}

/// The valid colour as text on this theme.
pub fn valid_text(ui: &egui::Ui) -> Color32 {
    ink(ui.visuals(), VALID)
}

/// A party kind's colour as text (the toolbar palette) on this theme.
pub fn party_text(ui: &egui::Ui, kind: PartyKind) -> Color32 {
    ink(ui.visuals(), party_fill(kind))
}

/// How much larger the theme wants canvas labels than normal (the presentation theme sets it when
/// applied; see [`Theme::label_scale`]).
pub fn label_scale(ctx: &egui::Context) -> f32 {
    ctx.data(|d| d.get_temp::<f32>(egui::Id::new(LABEL_SCALE)))
        .unwrap_or(1.0)
}

/// Sets the canvas label scale for this context.
fn set_label_scale(ctx: &egui::Context, scale: f32) {
    ctx.data_mut(|d| d.insert_temp(egui::Id::new(LABEL_SCALE), scale));
}

const LABEL_SCALE: &str = "canvas-label-scale";

#[cfg(test)]
mod tests {
    use super::*;

    /// A focused text field must not keep an idle window redrawing (a blinking cursor does).
    #[test]
    fn no_theme_blinks_the_text_cursor() {
        for theme in Theme::ALL {
            assert!(!theme.visuals().text_cursor.blink, "{}", theme.label());
        }
    }

    #[test]
    fn counts_separate_their_thousands() {
        assert_eq!(count(1, "party", "parties"), "1 party");
        assert_eq!(count(999, "party", "parties"), "999 parties");
        assert_eq!(count(100_141, "party", "parties"), "100,141 parties");
    }

    #[test]
    fn contrast_is_the_wcag_ratio() {
        assert!((contrast(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 0.01);
        assert!((contrast(Color32::WHITE, Color32::WHITE) - 1.0).abs() < 0.01);
        // egui's default light weak text and amber on white fail; that is what `ink` is for.
        assert!(contrast(severity_color(Severity::Warning), Color32::WHITE) < 4.5);
    }

    /// Every text colour and every palette colour of every theme reads at 4.5:1 on each background
    /// it is drawn on (panels, windows, text fields, the canvas), and control edges at 3:1.
    #[test]
    fn every_theme_passes_contrast() {
        for theme in Theme::ALL {
            let v = theme.visuals();
            let backgrounds = ["panel", "window", "field", "faint"]
                .into_iter()
                .zip(text_backgrounds(&v));
            let mut texts: Vec<(String, Color32)> = vec![
                ("text".into(), v.text_color()),
                ("strong text".into(), v.strong_text_color()),
                ("weak text".into(), v.weak_text_color()),
                ("valid".into(), ink(&v, VALID)),
            ];
            for severity in Severity::WORST_FIRST {
                texts.push((severity.key().into(), ink(&v, severity_color(severity))));
            }
            for kind in PartyKind::ALL {
                texts.push((format!("palette {kind}"), ink(&v, party_fill(kind))));
            }
            let mut failures = Vec::new();
            for (name, colour) in &texts {
                for (bg_name, bg) in backgrounds.clone() {
                    let ratio = contrast(over(*colour, bg), bg);
                    if ratio < MIN_TEXT_CONTRAST {
                        failures.push(format!("{theme:?}: {name} on {bg_name} is {ratio:.2}:1"));
                    }
                }
            }
            // Link labels on the canvas.
            let canvas = if theme.is_light() {
                Color32::from_gray(250)
            } else {
                Color32::from_gray(24)
            };
            for kind in LinkKind::ALL {
                let ratio = contrast(link_color(kind, theme.is_light()), canvas);
                if ratio < MIN_TEXT_CONTRAST {
                    failures.push(format!("{theme:?}: {kind:?} link label is {ratio:.2}:1"));
                }
            }
            let edge = contrast(v.widgets.inactive.bg_stroke.color, v.panel_fill);
            if edge < 3.0 || v.widgets.inactive.bg_stroke.width < 1.0 {
                failures.push(format!("{theme:?}: text field border is {edge:.2}:1"));
            }
            assert!(failures.is_empty(), "{}", failures.join("\n"));
        }
    }
}
