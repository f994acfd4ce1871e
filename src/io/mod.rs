//! Files at the edges: scenario saves (RON) and, beside them, imports and exports.

pub mod import;
pub mod read;
pub mod save;

pub use save::{LoadError, SaveError, load, save, scenario_from_ron, scenario_to_ron};
