//! The what-if windows: the comparison card (counts, differences, findings introduced and resolved),
//! the ask window and the role lens. Must not change the document or the comparison: clicks return commands.

use super::{AskState, CompareMode, LensState, WhatIf, WhatIfCommand};
use crate::model::{PartyId, PartyKind, Scenario};
use crate::rules::{Finding, Severity};
use crate::ui::document::Document;
use crate::ui::panels::party_choice;
use crate::ui::style::{self, severity_symbol, severity_text, valid_text};
use crate::whatif::{ChangeKind, Question, ask};
use egui::{Color32, RichText};
fn subject_of(f: &Finding) -> String {
    match &f.subject {
        crate::rules::Subject::Link(id) => format!("link {id}"),
        crate::rules::Subject::Party(id) => format!("party {id}"),
    }
}

/// A finding in the compare card: the rule's title for people, its id and subject only in a
/// details line (as in the findings panel).
fn finding_line(ui: &mut egui::Ui, sign: &str, f: &Finding) {
    ui.colored_label(
        severity_text(ui, f.severity),
        format!(
            "{sign} {} {}: {}",
            severity_symbol(f.severity),
            f.info().title,
            f.message
        ),
    );
    finding_details(ui, f);
}

fn finding_details(ui: &mut egui::Ui, f: &Finding) {
    ui.label(
        RichText::new(format!("    rule {} on {}", f.rule, subject_of(f)))
            .weak()
            .small(),
    );
}

/// The compare card: what the what-if changed, what it broke and what it fixed.
pub fn compare_ui(
    ui: &mut egui::Ui,
    whatif: &mut WhatIf,
    doc: &Document,
    hide_findings: bool,
) -> Vec<WhatIfCommand> {
    let mut out = Vec::new();
    let Some(base) = &whatif.base else {
        return out;
    };
    let fork = base.fork;
    let base_name = base.doc.display_name();
    let mode = whatif.mode;
    ui.heading(if fork { "What-if" } else { "Compare" });
    ui.label(format!(
        "{} compared with {} {base_name}.",
        if fork {
            "This what-if is"
        } else {
            "The open scenario is"
        },
        if fork { "its base," } else { "" }
    ));
    ui.horizontal(|ui| {
        for (m, label) in [
            (CompareMode::Overlay, "Overlay"),
            (CompareMode::SideBySide, "Side by side"),
            (CompareMode::List, "List only"),
        ] {
            if ui.selectable_label(mode == m, label).clicked() {
                out.push(WhatIfCommand::Mode(m));
            }
        }
    });
    ui.horizontal(|ui| {
        if fork {
            if ui
                .button("✔ Keep the what-if")
                .on_hover_text("The what-if becomes the scenario (one undo history from here)")
                .clicked()
            {
                out.push(WhatIfCommand::Keep);
            }
            if ui
                .button("✖ Discard the what-if")
                .on_hover_text("Back to the base, as it was")
                .clicked()
            {
                out.push(WhatIfCommand::Discard);
            }
        } else if ui.button("✖ Stop comparing").clicked() {
            out.push(WhatIfCommand::CloseCompare);
        }
    });
    let ctx = ui.ctx().clone();
    let shown = whatif.comparison(doc, &ctx).is_some();
    if let Some(why) = whatif.failure() {
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!("The comparison could not be made: {why}"),
        );
    }
    if whatif.is_comparing() {
        // The last comparison stays meanwhile; the thread asks for a frame when it lands.
        ui.label(
            egui::RichText::new(if shown {
                "Comparing… (showing the last comparison until then)"
            } else {
                "Comparing…"
            })
            .weak(),
        );
    }
    let plan = whatif.plan_of(doc).len();
    let hand = whatif.hand_edits(doc);
    let grouped = whatif.impact().cloned();
    let Some((d, _)) = whatif.comparison(doc, &ctx) else {
        return out;
    };
    if d.is_empty() {
        ui.label("No difference yet: change something on the canvas, or select parties and apply an operation.");
        return out;
    }
    for f in &d.meta {
        ui.label(format!("~ {}: {} → {}", f.field, f.before, f.after));
    }
    if let Some(grouped) = &grouped
        && !hide_findings
    {
        ui.label(RichText::new(grouped.summary()).strong());
    }
    ui.horizontal_wrapped(|ui| {
        if fork
            && ui
                .add_enabled(plan > 0, egui::Button::new(format!("💾 Save the plan ({plan})…")))
                .on_hover_text(if hand > 0 {
                    format!(
                        "The operations done here as a plan file, to apply to another channel; {} made by hand {} not in it",
                        style::count(hand, "change", "changes"),
                        if hand == 1 { "is" } else { "are" }
                    )
                } else {
                    "The operations done here as a plan file, to apply to another channel (csp-explorer whatif apply)".to_owned()
                })
                .clicked()
        {
            out.push(WhatIfCommand::SavePlan);
        }
        if !hide_findings {
            if ui
                .button("📄 Export the handout…")
                .on_hover_text("The impact as Markdown: what to do first, findings by rule and by party")
                .clicked()
            {
                out.push(WhatIfCommand::ExportImpact { csv: false });
            }
            if ui
                .button("CSV…")
                .on_hover_text("Every finding introduced or resolved, one a row, with its party and customer")
                .clicked()
            {
                out.push(WhatIfCommand::ExportImpact { csv: true });
            }
        }
    });
    let added = valid_text(ui);
    let changed = style::ink(ui.visuals(), CHANGED);
    let removed = ui.visuals().weak_text_color();
    let summary = |c: &crate::whatif::ElementChange| match &c.kind {
        ChangeKind::Added => (added, format!("+ {} ({})", c.label, c.id)),
        ChangeKind::Removed => (removed, format!("− {} ({})", c.label, c.id)),
        ChangeKind::Changed(fields) => (
            changed,
            format!(
                "~ {}: {}",
                c.label,
                fields
                    .iter()
                    .map(|f| format!("{} {} → {}", f.field, f.before, f.after))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        ),
    };
    let changes = d.parties.len() + d.links.len();
    if changes > 0 {
        egui::CollapsingHeader::new(
            RichText::new(format!(
                "Changes: {}, {}",
                style::count(d.parties.len(), "party", "parties"),
                style::count(d.links.len(), "link", "links")
            ))
            .strong(),
        )
        .id_salt("compare-changes")
        .default_open(changes <= CHANGES_OPEN)
        .show(ui, |ui| {
            for c in d.parties.iter().chain(&d.links).take(CHANGES_SHOWN) {
                let (color, text) = summary(c);
                ui.colored_label(color, text);
            }
            if changes > CHANGES_SHOWN {
                ui.label(
                    RichText::new(format!(
                        "… and {} more (csp-explorer diff lists them all)",
                        changes - CHANGES_SHOWN
                    ))
                    .weak(),
                );
            }
        });
    }
    if hide_findings {
        ui.label("Findings introduced and resolved: hidden during the quiz.");
        return out;
    }
    if let Some(grouped) = &grouped {
        impact_ui(ui, grouped);
    }
    let introduced: Vec<&Finding> = d
        .introduced
        .iter()
        .filter(|f| f.severity != Severity::Note)
        .collect();
    let resolved: Vec<&Finding> = d
        .resolved
        .iter()
        .filter(|f| f.severity != Severity::Note)
        .collect();
    egui::CollapsingHeader::new(
        RichText::new(format!(
            "Findings: {} introduced, {} resolved",
            introduced.len(),
            resolved.len()
        ))
        .strong(),
    )
    .id_salt("compare-findings")
    .default_open(introduced.len() + resolved.len() <= CHANGES_OPEN)
    .show(ui, |ui| {
        for f in introduced.iter().take(CHANGES_SHOWN) {
            finding_line(ui, "+", f);
        }
        for f in resolved.iter().take(CHANGES_SHOWN) {
            ui.colored_label(
                valid_text(ui),
                format!("✔ resolved {}: {}", f.info().title, f.message),
            );
            finding_details(ui, f);
        }
        let more = introduced.len().saturating_sub(CHANGES_SHOWN)
            + resolved.len().saturating_sub(CHANGES_SHOWN);
        if more > 0 {
            ui.label(
                RichText::new(format!("… and {more} more (export the CSV for every one)")).weak(),
            );
        }
    });
    out
}

/// Up to this many changes or findings, their lists start open.
const CHANGES_OPEN: usize = 30;

/// The compare card lists this many changes, and this many findings of each side, one by one.
const CHANGES_SHOWN: usize = 200;

/// How many parties the card's impact by party lists.
const PARTIES_SHOWN: usize = 12;

/// The impact grouped: by rule (with the customers each concerns), then the parties with the most
/// findings introduced.
fn impact_ui(ui: &mut egui::Ui, grouped: &crate::whatif::Impact) {
    if grouped.by_rule.is_empty() {
        return;
    }
    ui.label(RichText::new("By rule").strong());
    for r in &grouped.by_rule {
        let mut counts = Vec::new();
        if r.introduced > 0 {
            counts.push(format!(
                "+{} on {}",
                r.introduced,
                style::count(r.customers_introduced, "customer", "customers")
            ));
        }
        if r.resolved > 0 {
            counts.push(format!(
                "−{} on {}",
                r.resolved,
                style::count(r.customers_resolved, "customer", "customers")
            ));
        }
        ui.colored_label(
            severity_text(ui, r.severity),
            format!(
                "{} {}: {}",
                severity_symbol(r.severity),
                r.rule.info().title,
                counts.join(", ")
            ),
        )
        .on_hover_text(format!("rule {}. Fix: {}", r.rule.key(), r.rule.info().fix));
    }
    let parties: Vec<&crate::whatif::PartyImpact> = grouped
        .by_party
        .iter()
        .filter(|p| p.introduced > 0 || p.resolved > 0)
        .take(PARTIES_SHOWN)
        .collect();
    if parties.is_empty() {
        return;
    }
    ui.label(RichText::new("By party").strong());
    for p in parties {
        ui.label(format!(
            "{}: +{} ({}), −{}; {}",
            p.name,
            p.introduced,
            style::count(p.violations, "violation", "violations"),
            p.resolved,
            style::count(p.customers, "customer", "customers")
        ))
        .on_hover_text(format!(
            "{} · rules introduced: {}",
            p.party,
            p.rules
                .iter()
                .map(|r| r.key())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if grouped.by_party.len() > PARTIES_SHOWN {
        ui.label(
            RichText::new(format!(
                "… and {} more in the handout and the CSV",
                style::count(grouped.by_party.len() - PARTIES_SHOWN, "party", "parties")
            ))
            .weak(),
        );
    }
}

const CHANGED: Color32 = Color32::from_rgb(0, 114, 178);

fn party_combo(
    ui: &mut egui::Ui,
    id: &str,
    scenario: &Scenario,
    kinds: &[PartyKind],
    value: &mut String,
) {
    let name = |v: &str| {
        scenario
            .party(v)
            .map_or("choose…".to_owned(), |p| p.name.clone())
    };
    egui::ComboBox::from_id_salt(id)
        .selected_text(name(value))
        .width(220.0)
        .show_ui(ui, |ui| {
            for p in scenario.parties().filter(|p| kinds.contains(&p.kind)) {
                ui.selectable_value(value, p.id.to_string(), party_choice(p));
            }
        });
}

/// The ask window: can this partner sell this offer to this customer?
pub fn ask_ui(
    ctx: &egui::Context,
    state: &mut Option<AskState>,
    doc: &Document,
) -> Vec<WhatIfCommand> {
    let mut out = Vec::new();
    let Some(ask_state) = state.as_mut() else {
        return out;
    };
    let mut open = true;
    let s = doc.scenario();
    egui::Window::new("Ask the graph")
        .open(&mut open)
        .default_width(460.0)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                ui.label("Can");
                party_combo(
                    ui,
                    "ask-seller",
                    s,
                    &[
                        PartyKind::IndirectReseller,
                        PartyKind::DirectBill,
                        PartyKind::IndirectProvider,
                    ],
                    &mut ask_state.seller,
                );
            });
            ui.horizontal(|ui| {
                ui.label("sell");
                ui.add(
                    egui::TextEdit::singleline(&mut ask_state.offer)
                        .desired_width(200.0)
                        .id_salt("ask-offer"),
                );
            });
            ui.horizontal(|ui| {
                ui.label("to");
                party_combo(
                    ui,
                    "ask-customer",
                    s,
                    &[PartyKind::Customer],
                    &mut ask_state.customer,
                );
                ui.label(format!("as of {}?", s.as_of()));
            });
            ui.separator();
            if ask_state.seller.is_empty() || ask_state.customer.is_empty() {
                ui.label("Choose a partner and a customer.");
                return;
            }
            let key = (
                doc.revision(),
                ask_state.seller.clone(),
                ask_state.customer.clone(),
                ask_state.offer.clone(),
            );
            if ask_state.cache.as_ref().is_none_or(|(k, _)| *k != key) {
                let question = Question {
                    seller: ask_state.seller.as_str().into(),
                    customer: ask_state.customer.as_str().into(),
                    offer: ask_state.offer.clone(),
                };
                let answer = ask(s, &question).map_err(|e| e.to_string());
                ask_state.cache = Some((key, answer));
            }
            let Some((_, answer)) = &ask_state.cache else {
                return;
            };
            let answer = match answer {
                Ok(a) => a,
                Err(e) => {
                    ui.colored_label(severity_text(ui, Severity::Violation), e);
                    return;
                }
            };
            let name = |id: &PartyId| {
                s.party(id.as_str())
                    .map_or(id.to_string(), |p| p.name.clone())
            };
            if answer.yes {
                ui.label(RichText::new("✔ Yes").size(24.0).color(valid_text(ui)));
            } else {
                ui.label(
                    RichText::new("✖ No")
                        .size(24.0)
                        .color(severity_text(ui, Severity::Violation)),
                );
            }
            ui.label(format!(
                "Chain: {}",
                answer
                    .chain
                    .iter()
                    .map(name)
                    .collect::<Vec<_>>()
                    .join(" → ")
            ));
            for need in &answer.needs {
                ui.label(format!("Needs {need} (allowed; added with the sale)."));
            }
            for f in &answer.blockers {
                finding_line(ui, "", f);
                ui.label(RichText::new(format!("    Fix: {}", f.info().fix)).weak());
            }
            for f in &answer.cautions {
                finding_line(ui, "", f);
            }
            ui.horizontal(|ui| {
                if ui.button("Show the chain").clicked() {
                    out.push(WhatIfCommand::Highlight(answer.chain.clone()));
                }
                if ui
                    .add_enabled(answer.yes, egui::Button::new("➕ Make this sale"))
                    .on_hover_text(
                        "Adds the purchase and the relationships it needs, as one undo step",
                    )
                    .clicked()
                {
                    out.push(WhatIfCommand::MakeSale(answer.links.clone()));
                }
            });
        });
    if !open {
        *state = None;
    }
    out
}

/// The role lens window: the channel as one party sees it.
pub fn lens_ui(
    ctx: &egui::Context,
    state: &mut Option<LensState>,
    doc: &Document,
) -> Vec<WhatIfCommand> {
    let mut out = Vec::new();
    let Some(lens_state) = state.as_mut() else {
        return out;
    };
    let s = doc.scenario();
    let name = |id: &PartyId| {
        s.party(id.as_str())
            .map_or(id.to_string(), |p| p.name.clone())
    };
    let title = format!("Role lens: {}", name(&lens_state.party));
    let mut open = true;
    egui::Window::new(title)
        .id(egui::Id::new("role-lens"))
        .open(&mut open)
        .default_width(440.0)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                ui.label("Sales of");
                ui.add(
                    egui::TextEdit::singleline(&mut lens_state.offer)
                        .desired_width(180.0)
                        .id_salt("lens-offer"),
                );
            });
            let Some(l) = lens_state.current(doc) else {
                ui.label("This party is no longer in the scenario.");
                return;
            };
            ui.label(
                RichText::new(format!(
                    "{} sees {}",
                    l.kind,
                    style::count(l.relationships.len(), "relationship", "relationships")
                ))
                .strong(),
            );
            for r in &l.relationships {
                let arrow = if r.billing {
                    "billed for"
                } else if r.outgoing {
                    "→"
                } else {
                    "←"
                };
                let mark = r
                    .worst
                    .filter(|w| *w != Severity::Note)
                    .map_or(("✔", valid_text(ui)), |w| {
                        (severity_symbol(w), severity_text(ui, w))
                    });
                ui.colored_label(
                    mark.1,
                    format!("{} {} {arrow} {}", mark.0, r.kind.label(), name(&r.other)),
                );
            }
            ui.add_space(4.0);
            let heading = match l.kind {
                PartyKind::Customer => "Who may sell to it",
                PartyKind::IndirectProvider => "Which resellers it may transact for",
                PartyKind::Microsoft => "Which partners it supplies",
                _ => "Whom it may sell to",
            };
            ui.label(RichText::new(heading).strong());
            if l.counterparts.is_empty() {
                ui.label("Nobody in this scenario.");
            }
            for c in &l.counterparts {
                if c.may {
                    let extra = if c.needs.is_empty() {
                        String::new()
                    } else {
                        format!(" (needs {})", c.needs.join(", "))
                    };
                    ui.colored_label(valid_text(ui), format!("✔ {}{extra}", name(&c.party)));
                } else {
                    ui.colored_label(
                        severity_text(ui, Severity::Violation),
                        format!("✖ {}", name(&c.party)),
                    );
                }
                for f in c.why.iter().take(3) {
                    ui.label(
                        RichText::new(format!("    {}: {}", f.info().title, f.message)).weak(),
                    )
                    .on_hover_text(format!("rule {}", f.rule));
                }
            }
            ui.add_space(4.0);
            ui.label(RichText::new(format!("What blocks it ({})", l.blockers.len())).strong());
            if l.blockers.is_empty() {
                ui.colored_label(
                    valid_text(ui),
                    "Nothing: every link it is part of follows the rules.",
                );
            }
            for f in &l.blockers {
                finding_line(ui, "", f);
            }
            if ui.button("Close the lens").clicked() {
                out.push(WhatIfCommand::Lens(None));
            }
        });
    if !open {
        out.push(WhatIfCommand::Lens(None));
    }
    out
}
