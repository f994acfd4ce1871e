//! Form fields shared by the panels: drafts that commit on focus loss, dates, labelled rows. Must not
//! change the scenario: a committed field is a command.

use crate::model::Date;
use crate::rules::Severity;
use crate::ui::style::severity_text;
use std::collections::HashMap;

/// Text being typed into inspector fields, keyed by field; committed on Enter or focus loss so that
/// typing a name is one undo step, not one per key.
#[derive(Clone, Debug, Default)]
pub struct Drafts {
    pub(super) text: HashMap<&'static str, String>,
    pub(super) country_filter: String,
    /// The country picker is open.
    pub(super) country_open: bool,
    /// The country picker's search box is still to be given the focus.
    pub(super) country_focus: bool,
}

pub(super) fn text_field(
    ui: &mut egui::Ui,
    drafts: &mut Drafts,
    key: &'static str,
    current: &str,
) -> Option<String> {
    let buffer = drafts.text.entry(key).or_insert_with(|| current.to_owned());
    let response = ui.add(
        egui::TextEdit::singleline(buffer)
            .id_salt(key)
            .char_limit(crate::model::limits::MAX_TEXT_CHARS)
            .desired_width(220.0),
    );
    (response.lost_focus() && buffer.trim() != current).then(|| buffer.trim().to_owned())
}

/// A date field: `Some(new value)` when a valid date (or an empty field, for "not set") was committed.
pub(super) fn date_field(
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
        // Wrapped into the room left beside the field: unwrapped, it ran past the panel's edge.
        let colour = severity_text(ui, Severity::Violation);
        ui.add(
            egui::Label::new(
                egui::RichText::new("write the date as YYYY-MM-DD, 1990 to 2100").color(colour),
            )
            .wrap(),
        );
    }
    if response.lost_focus() && text != shown {
        parsed
    } else {
        None
    }
}

pub(super) fn row(ui: &mut egui::Ui, label: &str, add: impl FnOnce(&mut egui::Ui)) {
    ui.horizontal(|ui| {
        ui.add_sized([130.0, 20.0], egui::Label::new(label));
        add(ui);
    });
}

/// Parses a `YYYY-MM-DD` field; a date outside the range a scenario may hold (see
/// [`crate::model::limits`]) is not a date yet (the user is still typing the year).
pub fn parse_date(text: &str) -> Option<Date> {
    Date::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| crate::model::limits::check_date("date", *d).is_ok())
}
