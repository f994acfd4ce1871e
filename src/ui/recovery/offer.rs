//! The recovery offer: a modal listing one crashed session's work with Restore, Discard and Later.
//! Must not act on the answer: the keeper does.

use super::Orphan;

/// What the user answered to the recovery offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfferAnswer {
    /// Open the work again.
    Restore,
    /// Delete it for good.
    Discard,
    /// Not now: keep the file and ask again at the next start.
    Later,
}

/// The recovery offer: a modal on top of every window (the scenario library included), so it is
/// never missed.
pub fn offer_ui(ctx: &egui::Context, orphan: &Orphan, more: usize) -> Option<OfferAnswer> {
    let mut answer = None;
    egui::Modal::new(egui::Id::new("recovery-offer")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        ui.heading("Recover unsaved work?");
        match &orphan.recovery {
            Ok(r) => {
                ui.label(format!(
                    "csp-explorer did not close normally. Unsaved work was kept from {}:",
                    r.saved_at
                ));
                ui.label(egui::RichText::new(&r.title).strong());
                let file = match &r.doc.path {
                    Some(p) => format!("Its file: {}", p.display()),
                    None => "It was never saved to a file.".to_owned(),
                };
                ui.label(file);
                if let Some(base) = r.base.as_ref().filter(|b| b.fork) {
                    ui.label(if base.doc.dirty {
                        "A what-if was open; its base has unsaved changes too."
                    } else {
                        "A what-if was open: it comes back with its base."
                    });
                }
            }
            Err(e) => {
                ui.label("A recovery file was found but cannot be read:");
                ui.label(e);
            }
        }
        if more > 0 {
            ui.label(format!("{more} more after this one (newest first).",));
        }
        ui.label(format!("Kept in {}", orphan.path.display()));
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            if orphan.recovery.is_ok() && ui.button("Restore").clicked() {
                answer = Some(OfferAnswer::Restore);
            }
            if ui.button("Discard").clicked() {
                answer = Some(OfferAnswer::Discard);
            }
            if ui.button("Later").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                answer = Some(OfferAnswer::Later);
            }
        });
    });
    answer
}
