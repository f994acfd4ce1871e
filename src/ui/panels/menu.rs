//! The menu bar and the toolbar (tools, party palette, as-of date). Must not carry out what they
//! offer: each item returns a command.

use super::fields::parse_date;
use crate::edit::Edit;
use crate::model::PartyKind;
use crate::ui::canvas::Tool;
use crate::ui::command::Command;
use crate::ui::document::Document;
use crate::ui::style::{Theme, party_text};
use crate::ui::training::TrainingCommand;
use crate::ui::whatif::{OperationKind, WhatIfCommand};
use egui::RichText;
use std::path::PathBuf;

/// What the menus need to know of the window's modes.
#[derive(Clone, Copy, Debug, Default)]
pub struct MenuState {
    /// Presenter mode is on.
    pub presenter: bool,
    /// A what-if or a comparison is open.
    pub comparing: bool,
    /// The canvas's legend is open.
    pub legend: bool,
    /// How many parties are selected: the what-if operations act on them.
    pub selected: usize,
}

/// The menu bar. `recent` lists recently used files, newest first; `current` is the chosen theme.
pub fn menu_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    recent: &[PathBuf],
    current: Theme,
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
                if recent.is_empty() {
                    ui.label("No recent files");
                }
                for path in recent {
                    if ui.button(path.display().to_string()).clicked() {
                        out.push(Command::OpenPath(path.clone()));
                    }
                }
            });
            if ui.button("Scenario library…").clicked() {
                *show_library = true;
            }
            if ui
                .button("Import…")
                .on_hover_text(
                    "Spreadsheets and Partner Center data (several files at once, or drop them \
                     on the window): a preview first, then a new document",
                )
                .clicked()
            {
                out.push(Command::Import);
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
            if ui.button("Export visible area…").clicked() {
                out.push(Command::ExportVisible);
            }
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
            ui.separator();
            if ui.button("Select all   Ctrl+A").clicked() {
                out.push(Command::SelectAll);
            }
            if ui
                .button("Select by query…")
                .on_hover_text(
                    "Kind, country or region, customers of a seller, a rule's findings, a name",
                )
                .clicked()
            {
                out.push(Command::ShowQuery);
            }
            ui.label(
                RichText::new("Lasso: Ctrl+drag (Shift adds, Alt removes); Ctrl+click toggles")
                    .weak(),
            );
        });
        ui.menu_button("View", |ui| {
            if ui.button("Find a party…   Ctrl+F").clicked() {
                out.push(Command::Find);
            }
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
            ui.checkbox(&mut menu.legend, "Legend").on_hover_text(
                "The link kinds, findings and party shapes, in a corner of the canvas",
            );
            ui.separator();
            for theme in Theme::ALL {
                if ui.radio(current == theme, theme.label()).clicked() {
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
            if ui
                .button("Apply a plan…")
                .on_hover_text(
                    "Replay a plan of operations (saved from a what-if) on this channel, in a what-if",
                )
                .clicked()
            {
                out.push(Command::WhatIf(WhatIfCommand::OpenPlan));
            }
            if ui
                .add_enabled(menu.comparing, egui::Button::new("Save the plan…"))
                .on_hover_text("The operations done in this what-if, as a plan file")
                .clicked()
            {
                out.push(Command::WhatIf(WhatIfCommand::SavePlan));
            }
            // The operations the selection card offers, here too: presenter mode hides that
            // card, and lesson 21 asks for Change provider… (seen in a presenter walk-through).
            ui.separator();
            ui.label(RichText::new("On the selected parties:").weak());
            for kind in OperationKind::ALL {
                if ui
                    .add_enabled(
                        menu.selected > 0,
                        egui::Button::new(format!("{}…", kind.title())),
                    )
                    .on_hover_text(kind.hint())
                    .on_disabled_hover_text(
                        "Select parties first: a click, Ctrl+drag for a lasso, or Edit → Select by query",
                    )
                    .clicked()
                {
                    out.push(Command::WhatIf(WhatIfCommand::OpenOperation(kind)));
                }
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

/// How much the toolbar spells out: as much as fits in one row of the window (see
/// [`Density::fitting`]). The tooltips always say everything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Density {
    /// Every label in full.
    Full,
    /// The as-of date in short: "As of", "Before MPA" without its date.
    Compact,
    /// Short labels throughout: "reseller" for "indirect reseller", "Connect" without its key.
    Short,
    /// Short labels, and the party palette folded into an "Add party" menu.
    Folded,
}

impl Density {
    /// The fullest density whose toolbar fits in `width` points on one row; `Folded` when none
    /// does (the row then wraps, but is as short as it gets). Measured from the real texts, fonts
    /// and spacing, so a theme's zoom or another font is taken into account.
    pub fn fitting(ui: &egui::Ui, width: f32) -> Density {
        [Density::Full, Density::Compact, Density::Short]
            .into_iter()
            .find(|d| d.width(ui) <= width)
            .unwrap_or(Density::Folded)
    }

    /// The width the toolbar needs in this density, in points.
    fn width(self, ui: &egui::Ui) -> f32 {
        let spacing = &ui.style().spacing;
        let text = |t: &str, style: egui::TextStyle| {
            egui::WidgetText::from(t)
                .into_galley(ui, Some(egui::TextWrapMode::Extend), f32::INFINITY, style)
                .size()
                .x
        };
        let button = |t: &str| text(t, egui::TextStyle::Button) + 2.0 * spacing.button_padding.x;
        let label = |t: &str| text(t, egui::TextStyle::Body);
        let field = |w: f32| w + 2.0 * spacing.button_padding.x;
        let separator = spacing.item_spacing.x;
        let mut widths = vec![field(super::search::SEARCH_WIDTH), separator];
        widths.extend([self.select_label(), self.connect_label()].map(button));
        widths.push(separator);
        if self == Density::Folded {
            widths.push(button(ADD_MENU));
        } else {
            widths.push(label("Add:"));
            widths.extend(PartyKind::ALL.map(|k| button(&self.palette_label(k))));
        }
        widths.extend([
            separator,
            label(self.as_of_label()),
            field(super::as_of::DATE_WIDTH),
            button(super::as_of::CALENDAR_TEXT),
            spacing.slider_width + spacing.interact_size.y,
        ]);
        widths.extend(self.shortcuts().map(|(l, _)| button(l)));
        // Every item is followed by the item spacing, and a little room keeps rounding from
        // wrapping the last button.
        widths.iter().sum::<f32>() + spacing.item_spacing.x * widths.len() as f32 + 8.0
    }

    fn select_label(self) -> &'static str {
        if self >= Density::Short {
            "⬉ Select"
        } else {
            "⬉ Select / move"
        }
    }

    fn connect_label(self) -> &'static str {
        if self >= Density::Short {
            "➝ Connect"
        } else {
            "➝ Connect (C)"
        }
    }

    fn palette_label(self, kind: PartyKind) -> String {
        let name = match (self, kind) {
            (Density::Full | Density::Compact, _) => kind.label(),
            (_, PartyKind::IndirectProvider) => "provider",
            (_, PartyKind::IndirectReseller) => "reseller",
            (_, PartyKind::DirectBill) => "direct-bill",
            (_, _) => kind.label(),
        };
        format!("■ {name}")
    }

    fn as_of_label(self) -> &'static str {
        if self == Density::Full {
            "Checked as of"
        } else {
            "As of"
        }
    }

    /// The as-of shortcuts: label and date (empty for today).
    fn shortcuts(self) -> [(&'static str, &'static str); 2] {
        let mpa = if self == Density::Full {
            "Before MPA (2020-01-31)"
        } else {
            "Before MPA"
        };
        [(mpa, "2020-01-31"), ("Today", "")]
    }
}

/// The folded palette's menu button.
const ADD_MENU: &str = "➕ Add party";

/// The toolbar: tools, the party palette and the as-of date, in one row. Narrower windows get
/// shorter labels, then the palette as a menu ([`Density`]); before, "Today" wrapped onto a row of
/// its own in the default 1500-point window.
pub fn toolbar_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    tool: &mut Tool,
    search: &mut super::PartySearch,
) -> Vec<Command> {
    let mut out = Vec::new();
    let density = Density::fitting(ui, ui.available_width());
    ui.horizontal_wrapped(|ui| {
        out.extend(super::search_ui(ui, doc, search));
        ui.separator();
        ui.selectable_value(tool, Tool::Select, density.select_label())
            .on_hover_text(
                "Drag parties to move them; click to select. Shift+drag connects; Ctrl+drag lassos.",
            );
        ui.selectable_value(tool, Tool::Connect, density.connect_label())
            .on_hover_text(
                "Drag from one party to another to create a relationship or purchase (C).",
            );
        ui.separator();
        let mut palette = |ui: &mut egui::Ui, folded: bool| {
            for kind in PartyKind::ALL {
                // A menu has room for the full names.
                let words = if folded { Density::Full } else { density };
                let label = RichText::new(words.palette_label(kind)).color(party_text(ui, kind));
                if ui
                    .button(label)
                    .on_hover_text(format!("Add a new {}", kind.label()))
                    .clicked()
                {
                    out.push(Command::AddParty(kind));
                    if folded {
                        ui.close();
                    }
                }
            }
        };
        if density == Density::Folded {
            ui.menu_button(ADD_MENU, |ui| palette(ui, true));
        } else {
            ui.label("Add:");
            palette(ui, false);
        }
        ui.separator();
        let label = ui
            .label(density.as_of_label())
            .on_hover_text("The findings are checked as of this date");
        let s = doc.scenario();
        out.extend(super::as_of::date_ui(ui, s, label.id));
        out.extend(super::as_of::slider_ui(ui, s, doc.parties_version()));
        for (label, date) in density.shortcuts() {
            let hover = if date.is_empty() {
                "Check the channel as of today".to_owned()
            } else {
                format!("Check the channel as of {date}, the day before the MPA rules began")
            };
            if ui.small_button(label).on_hover_text(hover).clicked() {
                out.push(Command::Edit(Edit::SetAsOf(parse_date(date))));
            }
        }
    });
    out
}
