//! The panels around the canvas: menus and toolbar, status bar, inspector, findings and dialogs. Must
//! not import the app or its parts: each panel draws from what it is given and returns commands.
//!
//! Each panel has its own file, draws from the [`Document`](super::document::Document) (plus the
//! little state it owns, such as drafts or filters) and returns the [`Command`](super::command::Command)s
//! it wants applied; none changes the scenario itself, and none imports the app.

mod as_of;
mod dialogs;
mod fields;
mod findings;
mod inspector;
mod menu;
mod search;
mod selection;
mod status;

pub use as_of::as_of_ui;
pub use dialogs::{
    Conflict, ConflictAnswer, Keep, PathPrompt, UnsavedAnswer, conflict_ui, discard_ui, help_ui,
    library_ui, link_chooser_ui, path_prompt_ui,
};
pub use fields::{Drafts, parse_date};
pub(crate) use findings::proven_fixes;
pub use findings::{FindingFilter, explanation_ui, findings_ui};
pub use inspector::inspector_ui;
pub(crate) use inspector::party_choice;
pub use menu::{MenuState, menu_ui, toolbar_ui};
pub use search::{PartySearch, search_field_id, search_ui};
pub use selection::{QueryForm, selection_ui};
pub use status::status_ui;
