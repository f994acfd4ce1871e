//! A scenario's title, explanation and as-of date: what is said about a channel rather than the
//! channel itself. Owns the type only; the bounds of its fields are `limits.rs`'s (which must not
//! need the scenario, hence this file of its own).

use super::Date;
use serde::{Deserialize, Serialize};

/// Descriptive data of a scenario, saved with it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScenarioMeta {
    /// A short title ("Sample scenario 7: a reseller sells across regions").
    pub title: String,
    /// The explanation shown beside the canvas and in exports.
    #[serde(default)]
    pub description: String,
    /// The date the scenario is checked as of; `None` means today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Date>,
}
