//! The findings list and the explanation card of one finding.

use crate::rules::{Finding, RuleId, Severity, Subject};
use crate::ui::command::Command;
use crate::ui::document::Document;
use crate::ui::style::{severity_color, severity_symbol};
use egui::{Color32, RichText};

/// Which findings the findings list shows.
#[derive(Clone, Debug, Default)]
pub struct FindingFilter {
    rule: Option<RuleId>,
    party: String,
}

/// All findings, grouped by severity, filterable by rule and party; a click explains one.
pub fn findings_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    filter: &mut FindingFilter,
    explained: Option<&Finding>,
) -> Vec<Command> {
    let mut out = Vec::new();
    ui.heading("Findings");
    ui.horizontal(|ui| {
        egui::ComboBox::from_id_salt("finding-rule")
            .selected_text(filter.rule.map_or("every rule", |r| r.key()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut filter.rule, None, "every rule");
                for rule in RuleId::ALL {
                    ui.selectable_value(&mut filter.rule, Some(*rule), rule.key());
                }
            });
        ui.add(
            egui::TextEdit::singleline(&mut filter.party)
                .hint_text("party")
                .desired_width(110.0),
        );
    });
    let party = filter.party.to_ascii_lowercase();
    let s = doc.scenario();
    let findings: Vec<Finding> = doc
        .checker()
        .sorted()
        .into_iter()
        .filter(|f| filter.rule.is_none_or(|r| r == f.rule))
        .filter(|f| {
            party.is_empty()
                || f.path.iter().any(|p| {
                    p.as_str().to_ascii_lowercase().contains(&party)
                        || s.party(p.as_str())
                            .is_some_and(|q| q.name.to_ascii_lowercase().contains(&party))
                })
        })
        .collect();
    if findings.is_empty() {
        ui.colored_label(Color32::from_rgb(0, 158, 115), "✔ Nothing to report.");
    }
    for severity in Severity::WORST_FIRST {
        let group: Vec<&Finding> = findings.iter().filter(|f| f.severity == severity).collect();
        if group.is_empty() {
            continue;
        }
        let heading = format!(
            "{} {} ({})",
            severity_symbol(severity),
            severity.key(),
            group.len()
        );
        egui::CollapsingHeader::new(
            RichText::new(heading)
                .color(severity_color(severity))
                .strong(),
        )
        .default_open(true)
        .id_salt(severity.key())
        .show(ui, |ui| {
            for f in group {
                let subject = match &f.subject {
                    Subject::Link(id) => format!("link {id}"),
                    Subject::Party(id) => format!("party {id}"),
                };
                let selected = explained.is_some_and(|e| {
                    e.rule == f.rule && e.subject == f.subject && e.message == f.message
                });
                let label = format!("[{}] {subject}\n{}", f.rule, f.message);
                if ui.selectable_label(selected, label).clicked() {
                    out.push(Command::Explain(f.clone()));
                }
            }
        });
    }
    out
}

/// The explanation card of one finding: the rule's what, why, source and fix, and quick fixes.
pub fn explanation_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    finding: Option<&Finding>,
) -> Vec<Command> {
    let mut out = Vec::new();
    let Some(finding) = finding else {
        return out;
    };
    let info = finding.info();
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(2.0, severity_color(finding.severity)))
        .show(ui, |ui| {
            ui.label(
                RichText::new(format!(
                    "{} {} — {}",
                    severity_symbol(finding.severity),
                    info.title,
                    finding.severity
                ))
                .heading()
                .color(severity_color(finding.severity)),
            );
            ui.label(
                RichText::new(format!("rule {}", info.id))
                    .monospace()
                    .weak(),
            );
            ui.label(&finding.message);
            ui.add_space(4.0);
            ui.label(RichText::new("Why").strong());
            ui.label(info.why);
            ui.label(RichText::new("Source").strong());
            ui.label(info.source);
            ui.label(RichText::new("Fix").strong());
            ui.label(info.fix);
            let s = doc.scenario();
            let fresh = crate::rules::check_subject(s, s.as_of(), &finding.subject);
            let fixes = fresh
                .iter()
                .find(|f| f.rule == finding.rule && f.message == finding.message)
                .map(|f| f.fixes.clone())
                .unwrap_or_default();
            for fix in fixes {
                if ui
                    .add(egui::Button::new(format!("🔧 {}", fix.label)).wrap())
                    .clicked()
                {
                    out.push(Command::Edit(fix.edit.clone()));
                }
            }
        });
    out
}
