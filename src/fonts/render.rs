//! The chain handed to the renderers: usvg options for the SVG and PNG exports, egui font
//! definitions for the canvas. Must not pick faces: the chain in `mod.rs` is the one order.

use super::{EGUI_BOLD, Fonts};
use resvg::usvg;
use std::sync::Arc;

impl Fonts {
    /// usvg options that draw text with these fonts and this chain: resvg renders exactly what
    /// [`Fonts::measure`] measured.
    pub fn usvg_options(&'static self) -> usvg::Options<'static> {
        usvg::Options {
            fontdb: self.database(),
            font_resolver: usvg::FontResolver {
                select_font: Box::new(move |font, _db| {
                    let bold = font.weight() >= 600;
                    Some(self.faces[if bold { self.bold } else { self.regular }].id)
                }),
                select_fallback: Box::new(move |c, used, db| {
                    let bold = used
                        .first()
                        .and_then(|id| db.face(*id))
                        .is_some_and(|f| f.weight.0 >= 600);
                    self.chain(bold)
                        .find(|f| !used.contains(&f.id) && f.covers(c))
                        .map(|f| f.id)
                }),
            },
            ..usvg::Options::default()
        }
    }

    /// egui font definitions with this chain: the proportional family is Ubuntu Light then every
    /// fallback (system faces with outlines only: egui cannot draw colour-bitmap emoji), and a
    /// [`EGUI_BOLD`] family starts with the bundled bold.
    pub fn egui_definitions(&self) -> egui::FontDefinitions {
        let mut defs = egui::FontDefinitions::default();
        let mut fallbacks = Vec::new();
        for face in &self.faces {
            if !face.outlines {
                continue;
            }
            if !defs.font_data.contains_key(&face.name) {
                let mut data = egui::FontData::from_static(face.data);
                data.index = face.index;
                defs.font_data.insert(face.name.clone(), Arc::new(data));
            }
            if face.name != "Ubuntu-Light" && face.name != "csp-bold" {
                fallbacks.push(face.name.clone());
            }
        }
        let proportional: Vec<String> = std::iter::once("Ubuntu-Light".to_owned())
            .chain(fallbacks.iter().cloned())
            .collect();
        let bold: Vec<String> = ["csp-bold".to_owned(), "Ubuntu-Light".to_owned()]
            .into_iter()
            .chain(fallbacks.iter().cloned())
            .collect();
        defs.families
            .insert(egui::FontFamily::Proportional, proportional);
        defs.families
            .insert(egui::FontFamily::Name(EGUI_BOLD.into()), bold);
        if let Some(mono) = defs.families.get_mut(&egui::FontFamily::Monospace) {
            for name in &fallbacks {
                if !mono.contains(name) {
                    mono.push(name.clone());
                }
            }
        }
        defs
    }
}
