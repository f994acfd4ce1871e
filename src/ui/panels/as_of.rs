//! The toolbar's as-of date: a field people can type in, a calendar, and a slider over the
//! scenario's history. Must not change the document: a date chosen is a command.
//!
//! The field used to parse every keystroke: typing over it was reverted key by key, and deleting
//! one digit of 2020-01-31 applied 2020-01-03 and re-checked the channel. Now what is typed is a
//! draft (kept in egui's memory, like any half-finished gesture) that applies on Enter or when the
//! field is left; a draft that is not a date stays as typed, marked red, until it is corrected or
//! Esc restores the date in force.

use super::fields::parse_date;
use crate::edit::Edit;
use crate::model::limits::{FIRST_DATE, LAST_DATE};
use crate::model::{Date, Scenario};
use crate::rules::Severity;
use crate::ui::command::Command;
use crate::ui::style::severity_text;
use egui::{Key, Modifiers};

/// The as-of date field's width.
pub(super) const DATE_WIDTH: f32 = 90.0;

/// What the calendar button beside the field shows (egui_extras' date picker writes the date and
/// its icon; the date is in the field already). The toolbar measures it.
pub(super) const CALENDAR_TEXT: &str = " 📆";

/// The date field's id: the same in every frame and window layout.
fn as_of_field_id() -> egui::Id {
    egui::Id::new("as-of-date-field")
}

/// What is typed in the field and not applied yet, and the date in force when typing began (a
/// change made elsewhere, by the slider or an undo, replaces a draft left behind).
#[derive(Clone, Debug)]
struct Draft {
    text: String,
    over: Date,
}

/// The date typed, written in full (YYYY-MM-DD): "2020-01-3", what is left when the last digit of
/// 2020-01-31 is deleted, is not taken for 3 January.
fn whole_date(text: &str) -> Option<Date> {
    parse_date(text).filter(|d| d.to_string() == text.trim())
}

/// A step of the arrow keys: Up/Down a day, with Shift a month, with Ctrl (Cmd) a year.
fn stepped(date: Date, key_up: bool, modifiers: Modifiers) -> Date {
    use chrono::Days;
    let sign = if key_up { 1 } else { -1 };
    let moved = if modifiers.command {
        shift_months(date, 12 * sign)
    } else if modifiers.shift {
        shift_months(date, sign)
    } else if key_up {
        date.checked_add_days(Days::new(1))
    } else {
        date.checked_sub_days(Days::new(1))
    };
    moved.unwrap_or(date).clamp(FIRST_DATE, LAST_DATE)
}

/// `date` moved by `months` (negative: back), the day kept or brought to the month's last.
fn shift_months(date: Date, months: i32) -> Option<Date> {
    use chrono::Months;
    if months >= 0 {
        date.checked_add_months(Months::new(months.unsigned_abs()))
    } else {
        date.checked_sub_months(Months::new(months.unsigned_abs()))
    }
}

/// The field's placeholder, shown when it is empty (tests find the field by it).
pub const AS_OF_HINT: &str = "as of YYYY-MM-DD";

/// The as-of date field and its calendar: what is typed applies on Enter or when the field is
/// left; the arrows step the date (a day, Shift a month, Ctrl a year); the calendar picks one.
/// `label` names the field (for screen readers and tests).
pub(super) fn date_ui(ui: &mut egui::Ui, s: &Scenario, label: egui::Id) -> Option<Command> {
    let current = s.as_of();
    let set = |date: Date| {
        (Some(date) != s.meta.as_of).then_some(Command::Edit(Edit::SetAsOf(Some(date))))
    };
    let id = as_of_field_id();
    let draft_id = id.with("draft");
    let focused = ui.memory(|m| m.has_focus(id));
    let mut draft = ui
        .data(|d| d.get_temp::<Draft>(draft_id))
        .filter(|d| focused || d.over == current);
    let mut out = None;
    if focused {
        let step = ui.input_mut(|i| {
            [(Key::ArrowUp, true), (Key::ArrowDown, false)]
                .into_iter()
                .flat_map(|(key, up)| {
                    [Modifiers::COMMAND, Modifiers::SHIFT, Modifiers::NONE].map(|m| (key, up, m))
                })
                .find(|&(key, _, m)| i.consume_key(m, key))
        });
        if let Some((_, up, modifiers)) = step {
            let from = draft
                .as_ref()
                .and_then(|d| whole_date(&d.text))
                .unwrap_or(current);
            let to = stepped(from, up, modifiers);
            draft = Some(Draft {
                text: to.to_string(),
                over: to,
            });
            out = set(to);
        }
    }
    let mut text = draft
        .as_ref()
        .map_or_else(|| current.to_string(), |d| d.text.clone());
    let invalid = draft.is_some() && whole_date(&text).is_none();
    // Marked red once it is left, or once it is as long as a date (not while the year is typed).
    let marked = invalid && (!focused || text.trim().chars().count() >= 10);
    let mut field = egui::TextEdit::singleline(&mut text)
        .id(id)
        .hint_text(AS_OF_HINT)
        .desired_width(DATE_WIDTH);
    if marked {
        field = field.text_color(severity_text(ui, Severity::Violation));
    }
    let response = ui.add(field).labelled_by(label);
    // Up and Down stay with the field (egui would move the keyboard to the next widget).
    ui.memory_mut(|m| {
        m.set_focus_lock_filter(
            id,
            egui::EventFilter {
                horizontal_arrows: true,
                vertical_arrows: true,
                tab: false,
                escape: false,
            },
        )
    });
    if response.changed() {
        draft = Some(Draft {
            text: text.clone(),
            over: current,
        });
    }
    let response = if invalid {
        response.on_hover_text(format!(
            "“{}” is not a date: write it as YYYY-MM-DD, 1990 to 2100. Esc puts back {current}.",
            text.trim()
        ))
    } else {
        response.on_hover_text(
            "The date the channel is checked as of: type one and press Enter. \
             ↑/↓ a day, Shift+↑/↓ a month, Ctrl+↑/↓ a year.",
        )
    };
    if response.lost_focus() {
        if ui.input(|i| i.key_pressed(Key::Escape)) {
            draft = None;
        } else if let Some(date) = draft.as_ref().and_then(|d| whole_date(&d.text)) {
            draft = None;
            out = out.or_else(|| set(date));
        }
    }
    ui.data_mut(|d| {
        if let Some(draft) = draft {
            d.insert_temp(draft_id, draft);
        } else {
            d.remove::<Draft>(draft_id);
        }
    });
    // Drawn whatever the field did, so the button never blinks out for a frame.
    let picked = calendar_ui(ui, current);
    out.or_else(|| picked.and_then(set))
}

/// The as-of date on its own row, with its label, field, calendar and slider: what the presenter's
/// card shows while a lesson's step asks for a date (presenter mode hides the toolbar, and lesson
/// 17's first step asked the room to use it).
pub fn as_of_ui(ui: &mut egui::Ui, doc: &crate::ui::document::Document) -> Vec<Command> {
    let mut out = Vec::new();
    ui.horizontal(|ui| {
        let label = ui
            .label("Checked as of")
            .on_hover_text("The findings are checked as of this date");
        let s = doc.scenario();
        out.extend(date_ui(ui, s, label.id));
        out.extend(slider_ui(ui, s, doc.parties_version()));
    });
    out
}

/// The calendar button beside the field (egui_extras' date picker): a date picked and saved there.
fn calendar_ui(ui: &mut egui::Ui, current: Date) -> Option<Date> {
    use chrono::Datelike;
    let to_jiff = |d: Date| {
        jiff::civil::Date::new(
            i16::try_from(d.year()).ok()?,
            i8::try_from(d.month()).ok()?,
            i8::try_from(d.day()).ok()?,
        )
        .ok()
    };
    let mut picked = to_jiff(current)?;
    let response = ui
        .add(
            egui_extras::DatePickerButton::new(&mut picked)
                .id_salt("as-of-calendar")
                .format("")
                .calendar_week(false)
                .start_end_years(1990..=2100),
        )
        .on_hover_text("Pick the date on a calendar");
    if !response.changed() {
        return None;
    }
    Date::from_ymd_opt(
        i32::from(picked.year()),
        u32::try_from(picked.month()).ok()?,
        u32::try_from(picked.day()).ok()?,
    )
    .filter(|d| *d != current)
}

/// A slider over the scenario's history, from a month before its first link to today: dragging it
/// re-checks the channel day by day (one undo step per drag), so findings that depend on a date (the
/// MPA from 2020-02-01, a restriction, an MCA acceptance) appear and disappear as it moves. It spans
/// years in a hundred points, so a day cannot be hit by dragging: with the keyboard on it, ←/→ step
/// a day, with Shift a month, with Ctrl a year.
///
/// The first and last link dates are kept per [`Document::parties_version`](crate::ui::document::Document::parties_version)
/// (`version`): scanning a million links for them took several milliseconds of every frame, idle
/// ones included, and keyed by the revision it was redone after every move of a party too (at 300k
/// parties the largest part of the frame after an edit).
pub(super) fn slider_ui(ui: &mut egui::Ui, s: &Scenario, version: u64) -> Option<Command> {
    let epoch = Date::from_ymd_opt(2000, 1, 1)?;
    let days = |d: Date| (d.clamp(FIRST_DATE, LAST_DATE) - epoch).num_days();
    let span_id = egui::Id::new("as-of-slider-span");
    let span = ui
        .data(|d| d.get_temp::<(u64, Date, Date)>(span_id))
        .filter(|(v, _, _)| *v == version)
        .map(|(_, first, last)| (first, last))
        .unwrap_or_else(|| {
            // One pass over the links (a million at 300k parties).
            let (first, last) = s
                .links()
                .fold(None, |span: Option<(Date, Date)>, l| {
                    Some(span.map_or((l.date, l.date), |(a, b)| (a.min(l.date), b.max(l.date))))
                })
                .unwrap_or((epoch, epoch));
            ui.data_mut(|d| d.insert_temp(span_id, (version, first, last)));
            (first, last)
        });
    let current = s.as_of();
    // Shift and Ctrl with the arrows step by a month and a year (the slider's own keys step a day).
    let slider_id = egui::Id::new("as-of-slider-id");
    let focused = ui
        .data(|d| d.get_temp::<egui::Id>(slider_id))
        .is_some_and(|id| ui.memory(|m| m.has_focus(id)));
    let stepped_to = focused
        .then(|| {
            ui.input_mut(|i| {
                [(Key::ArrowRight, true), (Key::ArrowLeft, false)]
                    .into_iter()
                    .flat_map(|(key, up)| {
                        [Modifiers::COMMAND, Modifiers::SHIFT].map(|m| (key, up, m))
                    })
                    .find(|&(key, _, m)| i.consume_key(m, key))
            })
        })
        .flatten()
        .map(|(_, up, m)| stepped(current, up, m));
    let first = span.0;
    let last = span.1.max(crate::model::today()).max(current);
    let low = days(first.min(current)) - 31;
    let high = days(last);
    let mut value = days(current);
    let response = ui
        .add(
            egui::Slider::new(&mut value, low..=high)
                .show_value(false)
                .step_by(1.0)
                .clamping(egui::SliderClamping::Always),
        )
        .on_hover_text(
            "Drag to re-check the channel as of any date; later links fade out. \
             Click it, then ←/→ step a day, Shift a month, Ctrl a year.",
        );
    ui.data_mut(|d| d.insert_temp(slider_id, response.id));
    if let Some(date) = stepped_to.filter(|d| *d != current) {
        return Some(Command::Edit(Edit::SetAsOf(Some(date))));
    }
    // A drag continues its own first change only: a new drag starts a new undo step.
    let fresh_drag = response.id.with("fresh-drag");
    if response.drag_started() {
        ui.data_mut(|d| d.insert_temp(fresh_drag, true));
    }
    if response.changed() {
        // Saturating: no date in the scenario can make this overflow (chrono panics on overflow).
        let date = crate::model::limits::add_days_saturating(epoch, value);
        let fresh = ui
            .data_mut(|d| d.remove_temp::<bool>(fresh_drag))
            .unwrap_or(false);
        let continuing = response.dragged() && !fresh;
        return Some(Command::SetAsOfLive(date, continuing));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        parse_date(text).expect("a date")
    }

    #[test]
    fn the_arrows_step_a_day_a_month_or_a_year_within_the_dates_a_scenario_holds() {
        let up = |d, m| stepped(date(d), true, m).to_string();
        let down = |d, m| stepped(date(d), false, m).to_string();
        assert_eq!(up("2020-01-31", Modifiers::NONE), "2020-02-01");
        assert_eq!(down("2020-03-01", Modifiers::NONE), "2020-02-29");
        // A month from the 31st lands on the month's last day.
        assert_eq!(up("2020-01-31", Modifiers::SHIFT), "2020-02-29");
        assert_eq!(down("2020-03-31", Modifiers::SHIFT), "2020-02-29");
        assert_eq!(up("2020-02-29", Modifiers::COMMAND), "2021-02-28");
        // Held at the ends of the range a scenario may hold.
        assert_eq!(up("2100-12-31", Modifiers::NONE), "2100-12-31");
        assert_eq!(down("1990-01-01", Modifiers::COMMAND), "1990-01-01");
    }

    #[test]
    fn only_a_date_written_in_full_is_taken() {
        assert_eq!(whole_date(" 2020-01-31 "), Some(date("2020-01-31")));
        assert_eq!(whole_date("2020-01-3"), None);
        assert_eq!(whole_date("2020-1-31"), None);
        assert_eq!(whole_date("2020-02-30"), None);
        assert_eq!(whole_date("1989-12-31"), None);
    }
}
