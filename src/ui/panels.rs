//! Menus, toolbar, inspector, findings list, explanation card and dialogs. Each returns the
//! [`Command`]s it wants applied; none changes the scenario itself.

use super::app::{Command, PendingLink, Persisted, parse_date};
use super::canvas::{Selection, Tool};
use super::document::Document;
use super::style::{Theme, party_fill, severity_color, severity_symbol};
use super::training::TrainingCommand;
use super::whatif::WhatIfCommand;
use crate::edit::Edit;
use crate::model::{
    Date, Link, LinkKind, LinkStatus, Party, PartyKind, Publisher, TenantType, markets,
};
use crate::rules::{Finding, RuleId, Severity, Subject};
use egui::{Color32, RichText};
use std::collections::HashMap;

/// Text being typed into inspector fields, keyed by field; committed on Enter or focus loss so that
/// typing a name is one undo step, not one per key.
#[derive(Clone, Debug, Default)]
pub struct Drafts {
    text: HashMap<&'static str, String>,
    country_filter: String,
}

/// What the menus need to know of the window's modes.
#[derive(Clone, Copy, Debug, Default)]
pub struct MenuState {
    /// Presenter mode is on.
    pub presenter: bool,
    /// A what-if or a comparison is open.
    pub comparing: bool,
}

/// Which findings the findings list shows.
#[derive(Clone, Debug, Default)]
pub struct FindingFilter {
    rule: Option<RuleId>,
    party: String,
}

/// The menu bar.
pub fn menu_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    persisted: &Persisted,
    show_help: &mut bool,
    show_library: &mut bool,
    menu: &mut MenuState,
) -> Vec<Command> {
    let mut out = Vec::new();
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            if ui.button("New            Ctrl+N").clicked() {
                out.push(Command::New);
            }
            if ui.button("Open…          Ctrl+O").clicked() {
                out.push(Command::Open);
            }
            ui.menu_button("Open built-in scenario", |ui| {
                for b in crate::scenarios::BUILTIN {
                    let title = b
                        .load()
                        .map(|s| s.meta.title)
                        .unwrap_or_else(|_| b.slug.to_owned());
                    if ui.button(title).clicked() {
                        out.push(Command::OpenBuiltin(b.slug));
                    }
                }
            });
            ui.menu_button("Open recent", |ui| {
                if persisted.recent.is_empty() {
                    ui.label("No recent files");
                }
                for path in &persisted.recent {
                    if ui.button(path.display().to_string()).clicked() {
                        out.push(Command::OpenPath(path.clone()));
                    }
                }
            });
            if ui.button("Scenario library…").clicked() {
                *show_library = true;
            }
            ui.separator();
            if ui.button("Save           Ctrl+S").clicked() {
                out.push(Command::Save);
            }
            if ui.button("Save As…       Ctrl+Shift+S").clicked() {
                out.push(Command::SaveAs);
            }
            ui.menu_button("Export", |ui| {
                for format in crate::export::ExportFormat::ALL {
                    if ui.button(format!("{}…", format.label())).clicked() {
                        out.push(Command::Export(format));
                    }
                }
            });
        });
        ui.menu_button("Edit", |ui| {
            let history = doc.history();
            let undo = history
                .undo_label()
                .map_or("Undo".to_owned(), |l| format!("Undo {l}"));
            if ui
                .add_enabled(
                    history.can_undo(),
                    egui::Button::new(format!("{undo}   Ctrl+Z")),
                )
                .clicked()
            {
                out.push(Command::Undo);
            }
            let redo = history
                .redo_label()
                .map_or("Redo".to_owned(), |l| format!("Redo {l}"));
            if ui
                .add_enabled(
                    history.can_redo(),
                    egui::Button::new(format!("{redo}   Ctrl+Shift+Z")),
                )
                .clicked()
            {
                out.push(Command::Redo);
            }
            if ui.button("Delete selection   Del").clicked() {
                out.push(Command::DeleteSelection);
            }
        });
        ui.menu_button("View", |ui| {
            if ui.button("Fit to view   F").clicked() {
                out.push(Command::Fit);
            }
            if ui.button("Tier layout").clicked() {
                out.push(Command::TierLayout { by_region: false });
            }
            if ui.button("Tier layout, grouped by region").clicked() {
                out.push(Command::TierLayout { by_region: true });
            }
            if ui
                .button("Force layout")
                .on_hover_text("Spread the parties by their links (one undo step)")
                .clicked()
            {
                out.push(Command::ForceLayout);
            }
            ui.separator();
            for theme in Theme::ALL {
                if ui.radio(persisted.theme == theme, theme.label()).clicked() {
                    out.push(Command::Theme(theme));
                }
            }
        });
        ui.menu_button("Training", |ui| {
            if ui.button("Lessons…").clicked() {
                out.push(Command::Training(TrainingCommand::OpenCourse));
            }
            if ui.button("Open a lesson file…").clicked() {
                out.push(Command::Training(TrainingCommand::OpenFile));
            }
            if ui.button("Quiz me on this scenario").clicked() {
                out.push(Command::Training(TrainingCommand::QuizHere));
            }
            ui.separator();
            if ui
                .checkbox(&mut menu.presenter, "Presenter mode   F5")
                .on_hover_text(
                    "Large type, no side panels, a spotlight on the selected path; ← → step",
                )
                .clicked()
            {
                out.push(Command::Presenter(menu.presenter));
            }
        });
        ui.menu_button("What-if", |ui| {
            if ui
                .add_enabled(!menu.comparing, egui::Button::new("Fork a what-if"))
                .on_hover_text("Edit a copy and compare it with the scenario as it is now")
                .clicked()
            {
                out.push(Command::WhatIf(WhatIfCommand::Fork));
            }
            if ui
                .add_enabled(
                    !menu.comparing,
                    egui::Button::new("Compare with a saved scenario…"),
                )
                .clicked()
            {
                out.push(Command::WhatIf(WhatIfCommand::CompareWithFile));
            }
            ui.separator();
            if ui.button("Ask the graph…").clicked() {
                out.push(Command::WhatIf(WhatIfCommand::OpenAsk));
            }
            ui.label(
                RichText::new("Role lens: select a party, then \"View as this party\"").weak(),
            );
        });
        ui.menu_button("Help", |ui| {
            if ui.button("Shortcuts and gestures   F1").clicked() {
                *show_help = true;
            }
        });
    });
    out
}

/// The toolbar: tools, the party palette and the as-of date.
pub fn toolbar_ui(ui: &mut egui::Ui, doc: &Document, tool: &mut Tool) -> Vec<Command> {
    let mut out = Vec::new();
    ui.horizontal_wrapped(|ui| {
        ui.selectable_value(tool, Tool::Select, "⬉ Select / move")
            .on_hover_text("Drag parties to move them; click to select. Shift+drag connects.");
        ui.selectable_value(tool, Tool::Connect, "➝ Connect (C)")
            .on_hover_text("Drag from one party to another to create a relationship or purchase.");
        ui.separator();
        ui.label("Add:");
        for kind in PartyKind::ALL {
            let label = RichText::new(format!("■ {}", kind.label())).color(party_fill(kind));
            if ui
                .button(label)
                .on_hover_text(format!("Add a new {}", kind.label()))
                .clicked()
            {
                out.push(Command::AddParty(kind));
            }
        }
        ui.separator();
        ui.label("Checked as of");
        let s = doc.scenario();
        let mut text = s.as_of().to_string();
        let response = ui.add(
            egui::TextEdit::singleline(&mut text)
                .desired_width(90.0)
                .id_salt("as-of"),
        );
        if response.changed()
            && let Some(date) = parse_date(&text)
            && Some(date) != s.meta.as_of
        {
            out.push(Command::Edit(Edit::SetAsOf(Some(date))));
        }
        out.extend(as_of_slider(ui, s));
        for (label, date) in [("Before MPA (2020-01-31)", "2020-01-31"), ("Today", "")] {
            if ui.small_button(label).clicked() {
                out.push(Command::Edit(Edit::SetAsOf(parse_date(date))));
            }
        }
    });
    out
}

/// A slider over the scenario's history, from a month before its first link to today: dragging it
/// re-checks the channel day by day (one undo step per drag), so findings that depend on a date (the
/// MPA from 2020-02-01, a restriction, an MCA acceptance) appear and disappear as it moves.
fn as_of_slider(ui: &mut egui::Ui, s: &crate::model::Scenario) -> Option<Command> {
    let epoch = Date::from_ymd_opt(2000, 1, 1)?;
    let days = |d: Date| (d - epoch).num_days();
    let first = s.links().map(|l| l.date).min().unwrap_or(epoch);
    let last = s
        .links()
        .map(|l| l.date)
        .max()
        .unwrap_or(epoch)
        .max(crate::model::today())
        .max(s.as_of());
    let low = days(first.min(s.as_of())) - 31;
    let high = days(last);
    let mut value = days(s.as_of());
    let response = ui
        .add(
            egui::Slider::new(&mut value, low..=high)
                .show_value(false)
                .clamping(egui::SliderClamping::Always),
        )
        .on_hover_text("Drag to re-check the channel as of any date; later links fade out");
    // A drag continues its own first change only: a new drag starts a new undo step.
    let fresh_drag = response.id.with("fresh-drag");
    if response.drag_started() {
        ui.data_mut(|d| d.insert_temp(fresh_drag, true));
    }
    if response.changed() {
        let date = epoch + chrono::Duration::days(value);
        let fresh = ui
            .data_mut(|d| d.remove_temp::<bool>(fresh_drag))
            .unwrap_or(false);
        let continuing = response.dragged() && !fresh;
        return Some(Command::SetAsOfLive(date, continuing));
    }
    None
}

/// The status bar: counts by severity, the as-of date, unsaved changes.
pub fn status_ui(ui: &mut egui::Ui, doc: &Document, notice: Option<&str>, hide_findings: bool) {
    ui.horizontal(|ui| {
        let counts = doc.checker().counts();
        if hide_findings {
            ui.label("Quiz: findings hidden");
        }
        for severity in Severity::WORST_FIRST.into_iter().filter(|_| !hide_findings) {
            let n = counts.of(severity);
            ui.label(
                RichText::new(format!(
                    "{} {n} {}",
                    severity_symbol(severity),
                    severity.key()
                ))
                .color(severity_color(severity)),
            );
        }
        ui.separator();
        let s = doc.scenario();
        ui.label(format!(
            "{} parties, {} links · as of {}",
            s.party_count(),
            s.link_count(),
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

fn text_field(
    ui: &mut egui::Ui,
    drafts: &mut Drafts,
    key: &'static str,
    current: &str,
) -> Option<String> {
    let buffer = drafts.text.entry(key).or_insert_with(|| current.to_owned());
    let response = ui.add(
        egui::TextEdit::singleline(buffer)
            .id_salt(key)
            .desired_width(220.0),
    );
    (response.lost_focus() && buffer.trim() != current).then(|| buffer.trim().to_owned())
}

/// A date field: `Some(new value)` when a valid date (or an empty field, for "not set") was committed.
fn date_field(
    ui: &mut egui::Ui,
    drafts: &mut Drafts,
    key: &'static str,
    current: Option<Date>,
) -> Option<Option<Date>> {
    let shown = current.map(|d| d.to_string()).unwrap_or_default();
    let buffer = drafts.text.entry(key).or_insert_with(|| shown.clone());
    let response = ui.add(
        egui::TextEdit::singleline(buffer)
            .id_salt(key)
            .hint_text("YYYY-MM-DD")
            .desired_width(110.0),
    );
    let text = buffer.trim().to_owned();
    let parsed = if text.is_empty() {
        Some(None)
    } else {
        parse_date(&text).map(Some)
    };
    if parsed.is_none() {
        ui.colored_label(
            severity_color(Severity::Violation),
            "write the date as YYYY-MM-DD",
        );
    }
    if response.lost_focus() && text != shown {
        parsed
    } else {
        None
    }
}

fn row(ui: &mut egui::Ui, label: &str, add: impl FnOnce(&mut egui::Ui)) {
    ui.horizontal(|ui| {
        ui.add_sized([130.0, 20.0], egui::Label::new(label));
        add(ui);
    });
}

/// The inspector: every attribute of the selected party or link; each committed change is one edit.
pub fn inspector_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    selection: Option<&Selection>,
    drafts: &mut Drafts,
    hide_findings: bool,
) -> Vec<Command> {
    ui.heading("Inspector");
    let s = doc.scenario();
    match selection {
        Some(Selection::Party(id)) => match s.party(id.as_str()) {
            Some(party) => party_inspector(ui, doc, party, drafts, hide_findings),
            None => Vec::new(),
        },
        Some(Selection::Link(id)) => match s.link(id.as_str()) {
            Some(link) => link_inspector(ui, doc, link, drafts, hide_findings),
            None => Vec::new(),
        },
        None => {
            ui.label("Select a party or a link on the canvas to see and change it.");
            Vec::new()
        }
    }
}

fn party_inspector(
    ui: &mut egui::Ui,
    doc: &Document,
    party: &Party,
    drafts: &mut Drafts,
    hide_findings: bool,
) -> Vec<Command> {
    let mut new = party.clone();
    ui.label(RichText::new(format!("{} · id {}", party.kind.label(), party.id)).strong());
    row(ui, "Name", |ui| {
        if let Some(v) = text_field(ui, drafts, "name", &party.name) {
            new.name = v;
        }
    });
    row(ui, "Kind", |ui| {
        egui::ComboBox::from_id_salt("party-kind")
            .selected_text(party.kind.label())
            .show_ui(ui, |ui| {
                for kind in PartyKind::ALL {
                    ui.selectable_value(&mut new.kind, kind, kind.label());
                }
            });
    });
    row(ui, "Country", |ui| {
        let region = party
            .country
            .as_deref()
            .and_then(|c| markets().region_of(c))
            .map_or("no CSP region".to_owned(), |r| r.name.clone());
        let shown = format!("{} — {region}", party.country.as_deref().unwrap_or("none"));
        egui::ComboBox::from_id_salt("party-country")
            .selected_text(shown)
            .height(300.0)
            .show_ui(ui, |ui| {
                ui.add(
                    egui::TextEdit::singleline(&mut drafts.country_filter)
                        .hint_text("search code or region"),
                );
                let filter = drafts.country_filter.to_ascii_lowercase();
                for m in markets().all_markets() {
                    let label = format!("{} — {}", m.country, m.region.name);
                    if filter.is_empty() || label.to_ascii_lowercase().contains(&filter) {
                        let selected = party.country.as_deref() == Some(m.country);
                        if ui.selectable_label(selected, label).clicked() {
                            new.country = Some(m.country.to_owned());
                        }
                    }
                }
            });
    });
    row(ui, "Organization", |ui| {
        if let Some(v) = text_field(ui, drafts, "organization", &party.organization) {
            new.organization = v;
        }
    });
    row(ui, "Affiliate group", |ui| {
        if let Some(v) = text_field(
            ui,
            drafts,
            "affiliate",
            party.affiliate_group.as_deref().unwrap_or(""),
        ) {
            new.affiliate_group = Some(v).filter(|v| !v.is_empty());
        }
    });
    row(ui, "Tenant", |ui| {
        if let Some(v) = text_field(ui, drafts, "tenant", &party.tenant) {
            new.tenant = v;
        }
        ui.selectable_value(&mut new.tenant_type, TenantType::Csp, "CSP");
        ui.selectable_value(&mut new.tenant_type, TenantType::Customer, "customer");
    });
    if party.kind.is_partner() {
        row(ui, "MPA signed", |ui| {
            if let Some(v) = date_field(ui, drafts, "mpa", party.mpa_signed) {
                new.mpa_signed = v;
            }
        });
    }
    if party.kind == PartyKind::IndirectReseller {
        row(ui, "Partner Center", |ui| {
            ui.checkbox(&mut new.onboarded, "onboarded");
            ui.checkbox(&mut new.enrolled, "enrolled");
        });
    }
    if party.kind == PartyKind::DirectBill {
        row(ui, "Restricted since", |ui| {
            if let Some(v) = date_field(ui, drafts, "restricted", party.restricted_since) {
                new.restricted_since = v;
            }
        });
    }
    if party.kind == PartyKind::Customer {
        row(ui, "MCA accepted", |ui| {
            if let Some(v) = date_field(ui, drafts, "mca", party.mca_accepted) {
                new.mca_accepted = v;
            }
        });
    }
    let mut out = Vec::new();
    if new != *party {
        out.push(Command::Edit(Edit::UpdateParty(new)));
    }
    if !hide_findings {
        out.extend(findings_on(ui, doc.checker().for_party(party.id.as_str())));
    }
    ui.horizontal(|ui| {
        if ui
            .button("👁 View as this party")
            .on_hover_text(
                "Role lens: its relationships, whom it may transact with, what blocks it",
            )
            .clicked()
        {
            out.push(Command::WhatIf(WhatIfCommand::Lens(Some(party.id.clone()))));
        }
        if party.kind.is_partner()
            && ui
                .button("❓ Ask what it can sell")
                .on_hover_text("Ask the graph: can this partner sell an offer to a customer?")
                .clicked()
        {
            out.push(Command::AskFrom(party.id.clone()));
        }
    });
    if ui.button("🗑 Delete party (Del)").clicked() {
        out.push(Command::DeleteSelection);
    }
    out
}

const GDAP_ROLES: [&str; 6] = [
    "Global Administrator",
    "Helpdesk Administrator",
    "User Administrator",
    "Directory Readers",
    "License Administrator",
    "Billing Administrator",
];

fn link_inspector(
    ui: &mut egui::Ui,
    doc: &Document,
    link: &Link,
    drafts: &mut Drafts,
    hide_findings: bool,
) -> Vec<Command> {
    let s = doc.scenario();
    let mut new = link.clone();
    let name = |id: &crate::model::PartyId| {
        s.party(id.as_str())
            .map_or(id.to_string(), |p| p.name.clone())
    };
    ui.label(RichText::new(format!("{} · id {}", link.kind.label(), link.id)).strong());
    row(ui, "Kind", |ui| {
        egui::ComboBox::from_id_salt("link-kind")
            .selected_text(link.kind.label())
            .show_ui(ui, |ui| {
                for kind in LinkKind::ALL {
                    ui.selectable_value(&mut new.kind, kind, kind.label());
                }
            });
    });
    for (label, salt, end) in [
        ("From", "link-from", &mut new.from),
        ("To", "link-to", &mut new.to),
    ] {
        row(ui, label, |ui| {
            egui::ComboBox::from_id_salt(salt)
                .selected_text(name(end))
                .show_ui(ui, |ui| {
                    for p in s.parties() {
                        ui.selectable_value(
                            end,
                            p.id.clone(),
                            format!("{} ({})", p.name, p.kind.label()),
                        );
                    }
                });
        });
    }
    row(ui, "Date", |ui| {
        if let Some(Some(d)) = date_field(ui, drafts, "link-date", Some(link.date)) {
            new.date = d;
        }
    });
    match link.kind {
        LinkKind::Partnership => row(ui, "Status", |ui| {
            ui.selectable_value(&mut new.status, LinkStatus::Accepted, "accepted");
            ui.selectable_value(&mut new.status, LinkStatus::Pending, "pending");
        }),
        LinkKind::Purchase | LinkKind::Reseller => {
            if link.kind == LinkKind::Purchase {
                row(ui, "Offer", |ui| {
                    if let Some(v) =
                        text_field(ui, drafts, "offer", link.offer.as_deref().unwrap_or(""))
                    {
                        new.offer = Some(v).filter(|v| !v.is_empty());
                    }
                });
                row(ui, "Publisher", |ui| {
                    ui.selectable_value(&mut new.publisher, Publisher::FirstParty, "first party");
                    ui.selectable_value(&mut new.publisher, Publisher::ThirdParty, "third party");
                });
                row(ui, "Provisioned to", |ui| {
                    if let Some(v) = text_field(
                        ui,
                        drafts,
                        "link-tenant",
                        link.tenant.as_deref().unwrap_or(""),
                    ) {
                        new.tenant = Some(v).filter(|v| !v.is_empty());
                    }
                });
                ui.weak("  (empty: the customer's own tenant)");
            }
            row(ui, "Billed by (via)", |ui| {
                let shown = link.via.as_ref().map_or("—".to_owned(), name);
                egui::ComboBox::from_id_salt("link-via")
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut new.via, None, "— none");
                        for p in s
                            .parties()
                            .filter(|p| p.kind == PartyKind::IndirectProvider)
                        {
                            ui.selectable_value(&mut new.via, Some(p.id.clone()), p.name.clone());
                        }
                    });
            });
        }
        LinkKind::Admin => {
            row(ui, "GDAP roles", |ui| {
                ui.vertical(|ui| {
                    for role in GDAP_ROLES {
                        let mut on = link.roles.iter().any(|r| r.eq_ignore_ascii_case(role));
                        if ui.checkbox(&mut on, role).changed() {
                            if on {
                                new.roles.push(role.to_owned());
                            } else {
                                new.roles.retain(|r| !r.eq_ignore_ascii_case(role));
                            }
                        }
                    }
                });
            });
            row(ui, "Duration (days)", |ui| {
                let mut days = link.duration_days.unwrap_or(0);
                if ui
                    .add(egui::DragValue::new(&mut days).range(0..=2000))
                    .changed()
                {
                    new.duration_days = Some(days);
                }
                ui.checkbox(&mut new.auto_extend, "auto-extend");
            });
        }
        LinkKind::Supply => {}
    }
    let mut out = Vec::new();
    if new != *link {
        out.push(Command::Edit(Edit::UpdateLink(new)));
    }
    if !hide_findings {
        out.extend(findings_on(ui, doc.checker().for_link(link.id.as_str())));
    }
    if ui.button("🗑 Delete link (Del)").clicked() {
        out.push(Command::DeleteSelection);
    }
    out
}

fn findings_on(ui: &mut egui::Ui, findings: &[Finding]) -> Vec<Command> {
    let mut out = Vec::new();
    if findings.is_empty() {
        ui.colored_label(
            Color32::from_rgb(0, 158, 115),
            "✔ No finding: valid under the program rules.",
        );
    }
    for f in findings {
        let text = RichText::new(format!(
            "{} {}",
            severity_symbol(f.severity),
            f.rule.info().title
        ))
        .color(severity_color(f.severity));
        if ui.link(text).on_hover_text(&f.message).clicked() {
            out.push(Command::Explain(f.clone()));
        }
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

/// The link-kind chooser after a connect gesture; returns the chosen kind.
pub fn link_chooser_ui(
    ctx: &egui::Context,
    doc: &Document,
    pending: &mut Option<PendingLink>,
) -> Option<LinkKind> {
    let p = pending.as_ref()?;
    let mut chosen = None;
    let mut cancel = false;
    let name = |id: &crate::model::PartyId| {
        doc.scenario()
            .party(id.as_str())
            .map_or(id.to_string(), |p| p.name.clone())
    };
    egui::Window::new("New link")
        .id(egui::Id::new("link-chooser"))
        .fixed_pos(p.at)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            ui.label(format!("From {} to {}:", name(&p.from), name(&p.to)));
            let mut shown_other = false;
            for (kind, verdict, chain) in &p.options {
                if !chain && !shown_other {
                    ui.separator();
                    ui.weak("Not a program chain (possible, for training):");
                    shown_other = true;
                }
                let (symbol, color) = match verdict.worst {
                    None => ("✔", Color32::from_rgb(0, 158, 115)),
                    Some(sev) => (severity_symbol(sev), severity_color(sev)),
                };
                let text = RichText::new(format!("{symbol} {}", kind.label())).color(color);
                if ui.button(text).on_hover_text(&verdict.reason).clicked() {
                    chosen = Some(*kind);
                }
            }
            ui.separator();
            if ui.button("Cancel (Esc)").clicked() {
                cancel = true;
            }
        });
    if cancel {
        *pending = None;
    }
    chosen
}

/// The scenario library: every built-in scenario with its title and explanation.
pub fn library_ui(ctx: &egui::Context, open: &mut bool) -> Vec<Command> {
    let mut out = Vec::new();
    let mut keep_open = *open;
    egui::Window::new("Scenario library")
        .open(&mut keep_open)
        .default_size([640.0, 520.0])
        .show(ctx, |ui| {
            ui.label("The sample scenarios of \"Learn how partners can work with other partners in the CSP program\". Open one to explore it, break it and fix it.");
            ui.horizontal(|ui| {
                ui.label("Teaching a room?");
                if ui
                    .button("🎓 Open the lessons")
                    .on_hover_text("A course of 19 lessons with goals, hints, scores and quizzes")
                    .clicked()
                {
                    out.push(Command::Training(TrainingCommand::OpenCourse));
                }
            });
            ui.add_space(6.0);
            egui::ScrollArea::vertical().show(ui, |ui| {
                for b in crate::scenarios::BUILTIN {
                    let Ok(s) = b.load() else { continue };
                    ui.group(|ui| {
                        ui.horizontal(|ui| {
                            ui.label(RichText::new(&s.meta.title).strong());
                            if ui.button("Open").clicked() {
                                out.push(Command::OpenBuiltin(b.slug));
                            }
                        });
                        ui.label(&s.meta.description);
                    });
                }
            });
        });
    *open = keep_open && out.is_empty();
    out
}

/// The help window: gestures and shortcuts.
pub fn help_ui(ctx: &egui::Context, open: &mut bool) {
    egui::Window::new("Shortcuts and gestures")
        .open(open)
        .show(ctx, |ui| {
            egui::Grid::new("help").striped(true).show(ui, |ui| {
                for (keys, what) in [
                    ("Drag a party", "move it (one undo step per drag)"),
                    (
                        "Shift+drag, or C then drag",
                        "connect two parties: choose the link kind on release",
                    ),
                    ("Drag empty canvas", "pan"),
                    ("Mouse wheel / pinch", "zoom around the pointer"),
                    ("F", "fit the channel into view"),
                    (
                        "Click",
                        "select a party or link; click a finding to light up its path",
                    ),
                    ("Del / Backspace", "delete the selection"),
                    ("Ctrl+Z", "undo"),
                    ("Ctrl+Shift+Z, Ctrl+Y", "redo"),
                    ("Ctrl+N / Ctrl+O", "new / open"),
                    ("Ctrl+S / Ctrl+Shift+S", "save / save as"),
                    (
                        "Esc",
                        "cancel a new link, back to Select; leave presenter mode",
                    ),
                    (
                        "F5",
                        "presenter mode: large type, no side panels, spotlight",
                    ),
                    (
                        "→ ← PageDown PageUp Space",
                        "presenter: next / previous lesson step (or finding)",
                    ),
                    ("H", "presenter: the lesson's next hint"),
                    ("Click a link in a quiz", "mark or unmark it as broken"),
                    ("F1", "this window"),
                ] {
                    ui.label(RichText::new(keys).monospace());
                    ui.label(what);
                    ui.end_row();
                }
            });
        });
}

/// Asks before unsaved changes are lost: `Some(true)` discard, `Some(false)` keep, `None` undecided.
pub fn discard_ui(ctx: &egui::Context, name: &str) -> Option<bool> {
    let mut answer = None;
    egui::Modal::new(egui::Id::new("discard")).show(ctx, |ui| {
        ui.heading("Unsaved changes");
        ui.label(format!(
            "{name} has changes that are not saved. Discard them?"
        ));
        ui.horizontal(|ui| {
            if ui.button("Discard changes").clicked() {
                answer = Some(true);
            }
            if ui.button("Keep editing").clicked() {
                answer = Some(false);
            }
        });
    });
    answer
}
