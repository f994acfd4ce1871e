//! Files at the edges: scenario saves (RON for people and git, `.cspx` for size) and, beside them,
//! imports and exports.

pub mod binary;
pub mod import;
pub mod read;
pub mod save;

pub use binary::{scenario_from_bytes, scenario_to_bytes};
pub use save::{LoadError, SaveError, load, load_with, save, scenario_from_ron, scenario_to_ron};
