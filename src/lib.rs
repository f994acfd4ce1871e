//! csp-explorer: see, change and check how partners work together in Microsoft's Cloud Solution
//! Provider (CSP) program.
//!
//! The library holds everything that works without a window: the [`model`] of the channel, the
//! [`rules`] engine, [`edit`] commands with undo, file I/O, [`whatif`] modelling (diff, ask, role lens)
//! and [`training`] (lessons, quiz). The binary adds the CLI and the GUI.

pub mod cli;
pub mod edit;
pub mod export;
pub mod fonts;
pub mod generate;
#[cfg(test)]
mod house;
pub mod io;
pub mod layout;
pub mod model;
pub mod progress;
pub mod rules;
pub mod scenarios;
pub mod text;
pub mod training;
pub mod ui;
pub mod whatif;

/// The version of every JSON document the app writes (the findings export, `check --json`, `diff
/// --json`, `ask --json`, `rules --json`), as its top-level `format_version`: scripts reading them
/// can tell a change of shape from a change of content. Raised when a field is renamed or removed
/// or changes meaning; adding a field does not raise it.
pub const JSON_FORMAT_VERSION: u32 = 1;
