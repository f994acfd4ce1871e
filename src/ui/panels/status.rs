//! The status bar: counts of parties, links and findings, the as-of date and the last notice. Must
//! not change anything.

use crate::rules::Severity;
use crate::ui::document::Document;
use crate::ui::style::{count, severity_symbol, severity_text};
use egui::RichText;

/// The status bar: counts by severity, the as-of date, unsaved changes.
pub fn status_ui(ui: &mut egui::Ui, doc: &Document, notice: Option<&str>, hide_findings: bool) {
    ui.horizontal(|ui| {
        let counts = doc.counts();
        if hide_findings {
            ui.label("Quiz: findings hidden");
        }
        for severity in Severity::WORST_FIRST.into_iter().filter(|_| !hide_findings) {
            let n = counts.of(severity);
            ui.label(
                RichText::new(format!(
                    "{} {}",
                    severity_symbol(severity),
                    count(n, severity.key(), &format!("{}s", severity.key()))
                ))
                .color(severity_text(ui, severity)),
            );
        }
        ui.separator();
        let s = doc.scenario();
        ui.label(format!(
            "{}, {} · as of {}",
            count(s.party_count(), "party", "parties"),
            count(s.link_count(), "link", "links"),
            s.as_of()
        ));
        ui.separator();
        ui.label(if doc.is_dirty() {
            "● unsaved changes"
        } else {
            "saved"
        });
        if let Some(notice) = notice {
            ui.separator();
            ui.label(notice);
        }
    });
}
