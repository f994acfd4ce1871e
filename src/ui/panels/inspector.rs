//! The inspector: every attribute of the selected party or link, and the findings on it. Must not
//! change the scenario itself: an edited field is a command.

use super::fields::{Drafts, date_field, row, text_field};
use crate::edit::Edit;
use crate::model::{
    AdminType, Link, LinkKind, LinkStatus, Party, PartyKind, Publisher, TenantType, markets,
};
use crate::rules::{Finding, RuleId, Severity};
use crate::ui::canvas::Selection;
use crate::ui::command::Command;
use crate::ui::document::Document;
use crate::ui::style::{count, severity_symbol, severity_text, valid_text};
use crate::ui::whatif::WhatIfCommand;
use egui::RichText;

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
        let shown = party.country.as_deref().map_or("none".to_owned(), |c| {
            let region = markets()
                .region_of(c)
                .map_or("no CSP region".to_owned(), |r| r.name.clone());
            format!("{} ({c}) — {region}", country_name(c))
        });
        // An inline picker, not a popup: its search box can be clicked and typed in without the
        // list closing under the pointer. The country is cut to the panel's width, its ⏷ kept
        // ("United Kingdom of Great Britain and Northern Ireland (GB) — Europe" ran past the
        // edge), and shown whole on hover.
        if ui
            .add(egui::Button::selectable(drafts.country_open, (shown.as_str(), "⏷")).truncate())
            .on_hover_text(format!(
                "{shown}\nChoose the country: search by name or code"
            ))
            .clicked()
        {
            drafts.country_open = !drafts.country_open;
            drafts.country_filter.clear();
            drafts.country_focus = drafts.country_open;
        }
    });
    if drafts.country_open {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            let search = ui.add(
                egui::TextEdit::singleline(&mut drafts.country_filter)
                    .id_salt("country-search")
                    .hint_text("search a country by name or code")
                    .desired_width(260.0),
            );
            // The search box takes the typing when the picker opens (asked until it has it: the
            // click that opened the picker may still hold the focus for a frame).
            if drafts.country_focus {
                if search.has_focus() {
                    drafts.country_focus = false;
                } else {
                    search.request_focus();
                    ui.ctx().request_repaint();
                }
            }
            let filter = drafts.country_filter.trim().to_lowercase();
            let mut matches: Vec<(String, &str)> = markets()
                .all_markets()
                .into_iter()
                .map(|m| {
                    (
                        format!(
                            "{} ({}) — {}",
                            country_name(m.country),
                            m.country,
                            m.region.name
                        ),
                        m.country,
                    )
                })
                .filter(|(label, code)| {
                    filter.is_empty()
                        || code.eq_ignore_ascii_case(&filter)
                        || label.to_lowercase().contains(&filter)
                })
                .collect();
            // The code typed exactly comes first, then names that start with the text.
            matches.sort_by_key(|(label, code)| {
                if code.eq_ignore_ascii_case(&filter) {
                    0
                } else if label.to_lowercase().starts_with(&filter) {
                    1
                } else {
                    2
                }
            });
            if matches.is_empty() {
                ui.weak("No CSP market matches.");
            }
            egui::ScrollArea::vertical()
                .id_salt("country-list")
                .max_height(220.0)
                .show(ui, |ui| {
                    for (label, code) in &matches {
                        let selected = party.country.as_deref() == Some(*code);
                        if ui.selectable_label(selected, label).clicked() {
                            new.country = Some((*code).into());
                            drafts.country_open = false;
                        }
                    }
                });
            if search.lost_focus()
                && ui.input(|i| i.key_pressed(egui::Key::Enter))
                && let Some((_, code)) = matches.first()
            {
                new.country = Some((*code).into());
                drafts.country_open = false;
            }
        });
    }
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
            new.affiliate_group = Some(v).filter(|v| !v.is_empty()).map(Into::into);
        }
    });
    row(ui, "Tenant", |ui| {
        if let Some(v) = text_field(ui, drafts, "tenant", &party.tenant) {
            new.tenant = v;
        }
    });
    // Its own row: beside the tenant ID's field the toggles ran past the panel's edge.
    row(ui, "Tenant type", |ui| {
        ui.selectable_value(&mut new.tenant_type, TenantType::Csp, "CSP");
        ui.selectable_value(&mut new.tenant_type, TenantType::Customer, "customer");
    });
    if party.kind.is_partner() {
        row(ui, "PartnerID", |ui| {
            if let Some(v) = text_field(
                ui,
                drafts,
                "partner-id",
                party.partner_id.as_deref().unwrap_or(""),
            ) {
                new.partner_id = Some(v).filter(|v| !v.trim().is_empty()).map(Into::into);
            }
        });
    }
    if party.kind == PartyKind::Customer {
        row(ui, "Registration ID", |ui| {
            if let Some(v) = text_field(
                ui,
                drafts,
                "registration-id",
                party.registration_id.as_deref().unwrap_or(""),
            ) {
                new.registration_id = Some(v).filter(|v| !v.trim().is_empty()).map(Into::into);
            }
        });
    }
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
        out.extend(party_findings(ui, doc, party));
    }
    ui.horizontal(|ui| {
        if ui
            .button("👁 View as this party")
            .on_hover_text(
                "Role lens: its relationships, whom it may transact with, what blocks it",
            )
            .clicked()
        {
            out.push(Command::WhatIf(WhatIfCommand::Lens(Some(party.id))));
        }
        if party.kind.is_partner()
            && ui
                .button("❓ Ask what it can sell")
                .on_hover_text("Ask the graph: can this partner sell an offer to a customer?")
                .clicked()
        {
            out.push(Command::AskFrom(party.id));
        }
    });
    if party.kind != PartyKind::Customer {
        ui.horizontal_wrapped(|ui| {
            let of = |kind| crate::whatif::Query {
                kind: Some(kind),
                of: Some(party.id),
                ..crate::whatif::Query::default()
            };
            if ui
                .button("⬚ Select customers of this party")
                .on_hover_text(
                    "Select every customer it sells to or bills on the as-of date (then Move customers…)",
                )
                .clicked()
            {
                out.push(Command::SelectQuery(
                    of(PartyKind::Customer),
                    crate::ui::canvas::SelectMode::Replace,
                ));
            }
            if party.kind == PartyKind::IndirectProvider
                && ui
                    .button("⬚ Select its resellers")
                    .on_hover_text("Select every reseller partnered with it on the as-of date")
                    .clicked()
            {
                out.push(Command::SelectQuery(
                    of(PartyKind::IndirectReseller),
                    crate::ui::canvas::SelectMode::Replace,
                ));
            }
        });
    }
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
                        ui.selectable_value(end, p.id, party_choice(p));
                    }
                });
        });
    }
    row(ui, "Date", |ui| {
        if let Some(Some(d)) = date_field(ui, drafts, "link-date", Some(link.date)) {
            new.date = d;
        }
    });
    row(ui, "Ended", |ui| {
        if let Some(ended) = date_field(ui, drafts, "link-ended", link.ended) {
            new.ended = ended;
        }
    });
    ui.weak("  (empty: in force; from this day on the link no longer exists)");
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
                        new.offer = Some(v).filter(|v| !v.is_empty()).map(Into::into);
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
                        new.tenant = Some(v).filter(|v| !v.is_empty()).map(Into::into);
                    }
                });
                ui.weak("  (empty: the customer's own tenant)");
                row(ui, "PartnerID on record", |ui| {
                    if let Some(v) = text_field(
                        ui,
                        drafts,
                        "link-partner-id-on-record",
                        link.partner_id_on_record.as_deref().unwrap_or(""),
                    ) {
                        new.partner_id_on_record =
                            Some(v).filter(|v| !v.trim().is_empty()).map(Into::into);
                    }
                });
                ui.weak("  (on the order line; a reseller's sale carries the reseller's own)");
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
                            ui.selectable_value(&mut new.via, Some(p.id), p.name.clone());
                        }
                    });
            });
        }
        LinkKind::Admin => {
            row(ui, "Type", |ui| {
                ui.selectable_value(&mut new.admin_type, AdminType::Gdap, "GDAP");
                ui.selectable_value(&mut new.admin_type, AdminType::Dap, "DAP");
            });
            row(ui, "Status", |ui| {
                ui.selectable_value(&mut new.status, LinkStatus::Accepted, "active");
                ui.selectable_value(&mut new.status, LinkStatus::Pending, "pending");
            });
            row(ui, "GDAP roles", |ui| {
                ui.vertical(|ui| {
                    for role in GDAP_ROLES {
                        let mut on = link.roles.iter().any(|r| r.eq_ignore_ascii_case(role));
                        if ui.checkbox(&mut on, role).changed() {
                            if on {
                                new.roles.push(role.into());
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
        out.extend(findings_on(
            ui,
            doc,
            doc.checker().for_link(link.id.as_str()),
        ));
    }
    if ui.button("🗑 Delete link (Del)").clicked() {
        out.push(Command::DeleteSelection);
    }
    out
}

/// A party's own findings, then a summary of its links' findings by rule ("✖ Incomplete chain on 3
/// links"), each opening the first of them: a party whose links are red never reads as valid.
fn party_findings(ui: &mut egui::Ui, doc: &Document, party: &Party) -> Vec<Command> {
    let checker = doc.checker();
    let own = checker.for_party(party.id.as_str());
    let mut by_rule: Vec<(RuleId, Severity, Vec<&Finding>)> = Vec::new();
    for link in doc
        .scenario()
        .links()
        .filter(|l| l.parties().any(|p| *p == party.id))
    {
        for f in checker.for_link(link.id.as_str()) {
            match by_rule.iter_mut().find(|(r, _, _)| *r == f.rule) {
                Some((_, severity, list)) => {
                    *severity = (*severity).max(f.severity);
                    list.push(f);
                }
                None => by_rule.push((f.rule, f.severity, vec![f])),
            }
        }
    }
    by_rule.sort_by_key(|(rule, severity, _)| (std::cmp::Reverse(*severity), *rule));
    let mut out = Vec::new();
    if own.is_empty() && by_rule.is_empty() {
        ui.colored_label(valid_text(ui), "✔ No finding on this party or its links.");
        return out;
    }
    if !own.is_empty() {
        out.extend(findings_on(ui, doc, own));
    }
    if !by_rule.is_empty() {
        let links: usize = by_rule.iter().map(|(_, _, l)| l.len()).sum();
        ui.label(
            RichText::new(format!(
                "On its links ({})",
                count(links, "finding", "findings")
            ))
            .strong(),
        );
        for (rule, severity, list) in by_rule {
            let text = RichText::new(format!(
                "{} {} on {}",
                severity_symbol(severity),
                rule.info().title,
                count(list.len(), "link", "links")
            ))
            .color(severity_text(ui, severity));
            let messages: Vec<&str> = list.iter().map(|f| f.message.as_str()).collect();
            if ui.link(text).on_hover_text(messages.join("\n")).clicked() {
                out.push(Command::Explain(list[0].clone()));
            }
        }
    }
    out
}

/// One line per finding, its rule's title; the whole message on hover. When one rule finds the
/// same fault twice here (a sale's seller and its billing provider both lack the reseller
/// relationship), each line also names whom it is about, so the two lines do not read the same.
fn findings_on(ui: &mut egui::Ui, doc: &Document, findings: &[Finding]) -> Vec<Command> {
    let mut out = Vec::new();
    if findings.is_empty() {
        ui.colored_label(
            valid_text(ui),
            "✔ No finding: valid under the program rules.",
        );
    }
    for f in findings {
        let repeated = findings.iter().filter(|g| g.rule == f.rule).count() > 1;
        let about = f
            .first_named()
            .filter(|_| repeated)
            .map(|id| doc.scenario().party(id).map_or(id, |p| p.name.as_str()));
        let title = f.rule.info().title;
        let line = match about {
            Some(name) => format!("{} {title}: {name}", severity_symbol(f.severity)),
            None => format!("{} {title}", severity_symbol(f.severity)),
        };
        let text = RichText::new(line).color(severity_text(ui, f.severity));
        if ui.link(text).on_hover_text(&f.message).clicked() {
            out.push(Command::Explain(f.clone()));
        }
    }
    out
}

/// A party as a list of parties offers it (a link's ends, the ask window): its name and kind, after a dot so that a name with
/// brackets of its own does not read twice ("Fabrikam (direct-bill) (direct-bill partner)"),
/// and Microsoft once ("Microsoft (Microsoft)").
pub(crate) fn party_choice(p: &Party) -> String {
    if p.kind == PartyKind::Microsoft {
        p.name.clone()
    } else {
        format!("{} · {}", p.name, p.kind.label())
    }
}

/// A country's name from its ISO 3166 code ("DE" → "Germany"); the code itself when unknown.
pub(super) fn country_name(code: &str) -> &str {
    isocountry::CountryCode::for_alpha2_caseless(code).map_or(code, |c| c.name())
}
