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
