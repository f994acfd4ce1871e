//! The selection card: the parties selected together, counted by kind, the what-if operations that
//! act on them, and the select-by-query form. Must not change the selection or the document:
//! its buttons return commands (the workspace selects, the what-if part operates).

use crate::model::{PartyId, PartyKind, markets};
use crate::rules::RuleId;
use crate::ui::canvas::SelectMode;
use crate::ui::command::Command;
use crate::ui::document::Document;
use crate::ui::whatif::{OperationKind, WhatIfCommand};
use crate::whatif::Query;
use crate::whatif::operation::resolve_party;
use egui::RichText;
use std::collections::BTreeSet;

/// The select-by-query form: what it asks, kept while the window is open, and its count of
/// matches (worked out again only when the query or the document changes).
#[derive(Clone, Debug, Default)]
pub struct QueryForm {
    /// The form is shown.
    pub open: bool,
    /// Of this kind (`None`: any).
    pub kind: Option<PartyKind>,
    /// In this country (ISO code; empty: any).
    pub country: String,
    /// In this CSP region, by id (`None`: any).
    pub region: Option<String>,
    /// Customers or resellers of this party (id or exact name; empty: anyone's).
    pub of: String,
    /// With a finding of this rule.
    pub rule: Option<RuleId>,
    /// Whose name contains this.
    pub name: String,
    /// How many parties the query found, for (document revision, query).
    matched: Option<(u64, Query, Result<usize, String>)>,
}

impl QueryForm {
    /// The query the form asks, its `of` party resolved by id or exact name.
    pub fn query(&self, doc: &Document) -> Result<Query, String> {
        let of = match self.of.trim() {
            "" => None,
            text => Some(resolve_party(doc.scenario(), text)?),
        };
        Ok(Query {
            kind: self.kind,
            country: Some(self.country.trim().to_owned()).filter(|c| !c.is_empty()),
            region: self.region.clone(),
            of,
            rule: self.rule,
            name_contains: self.name.trim().to_owned(),
        })
    }

    /// How many parties the query finds, or why it cannot be asked.
    fn count(&mut self, doc: &Document) -> Result<usize, String> {
        let query = self.query(doc)?;
        let fresh = matches!(&self.matched, Some((r, q, _)) if *r == doc.revision() && *q == query);
        if !fresh {
            let found = crate::whatif::select(doc.scenario(), doc.checker(), &query)
                .map(|set| set.len())
                .map_err(|e| e.to_string());
            self.matched = Some((doc.revision(), query, found));
        }
        match &self.matched {
            Some((_, _, found)) => found.clone(),
            None => Ok(0),
        }
    }
}

/// The selection card and the query form, above the inspector.
pub fn selection_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    selected: &BTreeSet<PartyId>,
    form: &mut QueryForm,
) -> Vec<Command> {
    let mut out = Vec::new();
    if selected.len() > 1 {
        ui.heading("Selection");
        ui.label(super::status::selection_words(doc, selected));
        ui.horizontal_wrapped(|ui| {
            if ui
                .button("✖ Clear")
                .on_hover_text("Select nothing (a click on empty canvas does the same)")
                .clicked()
            {
                out.push(Command::Select(None, Vec::new()));
            }
            if ui
                .button("🗑 Delete them")
                .on_hover_text("Delete the selected parties and their links, as one undo step")
                .clicked()
            {
                out.push(Command::DeleteSelection);
            }
        });
    }
    if !selected.is_empty() {
        ui.label(RichText::new("What-if on the selection:").strong());
        ui.horizontal_wrapped(|ui| {
            for kind in OperationKind::ALL {
                if ui
                    .button(format!("{}…", kind.title()))
                    .on_hover_text(kind.hint())
                    .clicked()
                {
                    out.push(Command::WhatIf(WhatIfCommand::OpenOperation(kind)));
                }
            }
        });
    }
    let header = egui::CollapsingHeader::new("Select by query")
        .id_salt("select-by-query")
        .open(Some(form.open))
        .show(ui, |ui| query_ui(ui, doc, form, &mut out));
    if header.header_response.clicked() {
        form.open = !form.open;
    }
    ui.separator();
    out
}

/// The query's fields, its count of matches, and Select / Add / Remove.
fn query_ui(ui: &mut egui::Ui, doc: &Document, form: &mut QueryForm, out: &mut Vec<Command>) {
    egui::Grid::new("query-grid").num_columns(2).show(ui, |ui| {
        ui.label("Kind");
        egui::ComboBox::from_id_salt("query-kind")
            .selected_text(form.kind.map_or("any", PartyKind::label))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut form.kind, None, "any");
                for kind in PartyKind::ALL {
                    ui.selectable_value(&mut form.kind, Some(kind), kind.label());
                }
            });
        ui.end_row();
        ui.label("Country");
        ui.add(
            egui::TextEdit::singleline(&mut form.country)
                .hint_text("any country (code, e.g. DE)")
                .desired_width(180.0),
        );
        ui.end_row();
        ui.label("CSP region");
        let region_name = |id: &str| {
            markets()
                .regions
                .iter()
                .find(|r| r.id == id)
                .map_or(id.to_owned(), |r| r.name.clone())
        };
        egui::ComboBox::from_id_salt("query-region")
            .selected_text(form.region.as_deref().map_or("any".to_owned(), region_name))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut form.region, None, "any");
                for r in &markets().regions {
                    ui.selectable_value(&mut form.region, Some(r.id.clone()), &r.name);
                }
            });
        ui.end_row();
        ui.label("Of (seller or provider)");
        ui.add(
            egui::TextEdit::singleline(&mut form.of)
                .hint_text("anyone's (id or exact name)")
                .desired_width(180.0),
        )
        .on_hover_text(
            "Customers of a seller, resellers of a provider (with Kind), everything a party sells to or bills",
        );
        ui.end_row();
        ui.label("Has a finding of");
        egui::ComboBox::from_id_salt("query-rule")
            .selected_text(form.rule.map_or("any rule or none", |r| r.info().title))
            .width(200.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut form.rule, None, "any rule or none");
                for rule in RuleId::ALL.iter().copied() {
                    ui.selectable_value(&mut form.rule, Some(rule), rule.info().title);
                }
            });
        ui.end_row();
        ui.label("Name contains");
        ui.add(
            egui::TextEdit::singleline(&mut form.name)
                .hint_text("any name")
                .desired_width(180.0),
        );
        ui.end_row();
    });
    let count = form.count(doc);
    match &count {
        Ok(n) => {
            ui.label(format!(
                "{} match.",
                crate::ui::style::count(*n, "party", "parties")
            ));
        }
        Err(why) => {
            ui.colored_label(ui.visuals().error_fg_color, why);
        }
    }
    ui.horizontal(|ui| {
        let ready = count.is_ok();
        for (label, mode, hint) in [
            (
                "Select",
                SelectMode::Replace,
                "The matches become the selection",
            ),
            ("Add", SelectMode::Add, "Add the matches to the selection"),
            (
                "Remove",
                SelectMode::Remove,
                "Take the matches out of the selection",
            ),
        ] {
            if ui
                .add_enabled(ready, egui::Button::new(label))
                .on_hover_text(hint)
                .clicked()
                && let Ok(query) = form.query(doc)
            {
                out.push(Command::SelectQuery(query, mode));
            }
        }
    });
}
