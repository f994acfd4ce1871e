//! Owns the window's answer to a PNG too large at its scale (File → Export → PNG image draws at
//! 2×): the size it would have and the scale that fits, the same advice the command line gives
//! (`export::FittingScale`), and the whole channel on one slide (`export --slide`), with a button
//! for each way out. Must not export anything itself: the
//! app starts the export job the answer asks for.

use crate::export::{Area, FittingScale};
use std::path::PathBuf;

/// A PNG export refused for its size, offered again at the scale that fits.
#[derive(Clone, Debug, PartialEq)]
pub struct PngOffer {
    /// Where the PNG was to go.
    pub path: PathBuf,
    /// Only this part of the canvas, as for the refused export.
    pub area: Option<Area>,
    /// The refused picture's width and height in pixels.
    pub pixels: (u32, u32),
    /// The scale that was asked.
    pub asked: f32,
    /// The largest scale that fits the limits.
    pub fit: FittingScale,
}

/// What the user chose.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OfferAnswer {
    /// Export the PNG again at this scale.
    ExportAt(f32),
    /// Export it as one 1920×1080 slide (the command line's `--slide`).
    Slide,
    /// Export an SVG instead, beside where the PNG was to go.
    Svg,
    /// Export nothing.
    Cancel,
}

/// The question, modal, until answered (`None` while undecided).
pub fn offer_ui(ctx: &egui::Context, offer: &PngOffer) -> Option<OfferAnswer> {
    let mut answer = None;
    let (w, h) = offer.pixels;
    let fit = offer.fit;
    egui::Modal::new(egui::Id::new("png-too-large")).show(ctx, |ui| {
        ui.set_max_width(520.0);
        ui.heading("The picture is too large for a PNG");
        ui.label(format!(
            "At {}× this channel is {w} × {h} pixels; a PNG can have at most {} on a side and \
             64 megapixels. At {fit}× it fits.",
            offer.asked,
            crate::export::MAX_PNG_SIDE,
        ));
        ui.label(
            "The title, legend and findings are drawn at full size at any scale; below 0.4× \
             the parties' names are too small to read and are left out (an SVG keeps them).",
        );
        ui.label(
            "For a presentation, a slide puts the whole channel on one 1920 × 1080 picture: the \
             drawing beside its tiers and findings by rule, every text readable.",
        );
        ui.horizontal(|ui| {
            if ui.button("Export as a slide (1920 × 1080)").clicked() {
                answer = Some(OfferAnswer::Slide);
            }
            if ui.button(format!("Export at {fit}×")).clicked() {
                answer = Some(OfferAnswer::ExportAt(fit.0));
            }
            if ui.button("Export SVG instead").clicked() {
                answer = Some(OfferAnswer::Svg);
            }
            if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                answer = Some(OfferAnswer::Cancel);
            }
        });
    });
    answer
}
