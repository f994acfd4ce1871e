//! What a menu, panel, key or gesture asks the app to do: the [`Command`]s. Must not do anything:
//! the app applies them after drawing, so no panel changes the scenario or imports the app.

use super::canvas::{SelectMode, Selection, Verdict};
use super::style::Theme;
use super::training::TrainingCommand;
use super::whatif::WhatIfCommand;
use crate::edit::Edit;
use crate::model::{Date, LinkKind, PartyId, PartyKind, Position};
use crate::rules::Finding;
use std::path::PathBuf;

/// A link being created: both ends are chosen, the kind is not yet.
#[derive(Clone, Debug)]
pub struct PendingLink {
    /// The supplying side.
    pub from: PartyId,
    /// The buying side.
    pub to: PartyId,
    /// Where to show the chooser.
    pub at: egui::Pos2,
    /// Each kind with what it would yield, program chains first.
    pub options: Vec<(LinkKind, Verdict, bool)>,
}

/// What a menu, panel or shortcut asks for; applied after drawing.
#[derive(Clone, Debug)]
#[must_use]
pub enum Command {
    /// Apply an edit as one undo step.
    Edit(Edit),
    /// Undo.
    Undo,
    /// Redo.
    Redo,
    /// Delete the selection.
    DeleteSelection,
    /// Select something (and light up a finding's path).
    Select(Option<Selection>, Vec<PartyId>),
    /// Select every party (Ctrl+A).
    SelectAll,
    /// Change the set of selected parties by these (a Ctrl- or Shift-click).
    SelectParties(Vec<PartyId>, SelectMode),
    /// Change the set of selected parties by those a lasso's outline (canvas coordinates) holds.
    SelectArea(Vec<Position>, SelectMode),
    /// Show the select-by-query form.
    ShowQuery,
    /// Change the set of selected parties by those a query finds.
    SelectQuery(crate::whatif::Query, SelectMode),
    /// Focus one finding in the explanation card.
    Explain(Finding),
    /// New empty scenario.
    New,
    /// Show the Open dialog.
    Open,
    /// Open this file.
    OpenPath(PathBuf),
    /// Open a built-in scenario.
    OpenBuiltin(&'static str),
    /// Save (Save As when the scenario has no file yet).
    Save,
    /// Show the Save As dialog.
    SaveAs,
    /// Show the file dialog that picks files to import (several at once).
    Import,
    /// Show the export dialog for a format.
    Export(crate::export::ExportFormat),
    /// Show the export dialog for the part of the canvas in view, as SVG.
    ExportVisible,
    /// A connect gesture ended on another party: offer the link's kinds with their verdicts.
    Connect {
        /// The supplying side.
        from: PartyId,
        /// The buying side.
        to: PartyId,
        /// Where the gesture ended, for the chooser.
        at: egui::Pos2,
    },
    /// Add a party of this kind near the centre of the view.
    AddParty(PartyKind),
    /// Fit the canvas to the scenario.
    Fit,
    /// Put the keyboard in the party search field (Ctrl+F).
    Find,
    /// Fly the canvas to a party and select it (a search result).
    FindParty(PartyId),
    /// Forget saved positions and lay out by tier.
    TierLayout {
        /// Keep each CSP region's parties together.
        by_region: bool,
    },
    /// Lay the channel out by forces (egui_graphs' Fruchterman–Reingold), as one undo step.
    ForceLayout,
    /// Switch the theme.
    Theme(Theme),
    /// Check as of a date; `true` while a slider drag continues the previous change.
    SetAsOfLive(Date, bool),
    /// Presenter mode on or off.
    Presenter(bool),
    /// Open the ask window with this partner as the seller.
    AskFrom(PartyId),
    /// A lesson, quiz or presenter command.
    Training(TrainingCommand),
    /// A what-if, compare, ask or lens command.
    WhatIf(WhatIfCommand),
}
