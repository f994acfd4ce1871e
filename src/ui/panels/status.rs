//! The status bar: counts of parties, links and findings, the selection by kind, the as-of date and
//! the last notice. Must not change anything.

use crate::model::{PartyId, PartyKind};
use crate::rules::Severity;
use crate::ui::document::Document;
use crate::ui::style::{count, severity_symbol, severity_text};
use egui::RichText;
use std::collections::BTreeSet;

/// The selection in words, by kind, largest first: "412 selected: 401 customers, 11 indirect
/// resellers" (empty when nothing is selected).
pub fn selection_words(doc: &Document, selected: &BTreeSet<PartyId>) -> String {
    if selected.is_empty() {
        return String::new();
    }
    let s = doc.scenario();
    let mut by_kind = [0usize; PartyKind::ALL.len()];
    for id in selected {
        if let Some(p) = s.party(id.as_str())
            && let Some(i) = PartyKind::ALL.iter().position(|k| *k == p.kind)
        {
            by_kind[i] += 1;
        }
    }
    let mut kinds: Vec<(usize, PartyKind)> = PartyKind::ALL
        .iter()
        .enumerate()
        .map(|(i, k)| (by_kind[i], *k))
        .filter(|(n, _)| *n > 0)
        .collect();
    kinds.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
    let parts: Vec<String> = kinds
        .iter()
        .map(|(n, k)| match k {
            PartyKind::Microsoft => "Microsoft".to_owned(),
            k => count(*n, k.label(), &format!("{}s", k.label())),
        })
        .collect();
    format!(
        "{} selected: {}",
        crate::text::thousands(selected.len()),
        parts.join(", ")
    )
}

/// The status bar: counts by severity, the selection, the as-of date, unsaved changes.
pub fn status_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    selected: &BTreeSet<PartyId>,
    notice: Option<&str>,
    hide_findings: bool,
) {
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
        if selected.len() > 1 {
            ui.separator();
            ui.label(selection_words(doc, selected));
        }
        ui.separator();
        ui.label(if doc.is_dirty() {
            "● unsaved changes"
        } else {
            "saved"
        });
        // Last, so it alone gives way in a narrow window: cut with an ellipsis, whole on hover
        // (a long path ran off the window's edge).
        if let Some(notice) = notice {
            ui.separator();
            ui.add(egui::Label::new(notice).truncate());
        }
    });
}
