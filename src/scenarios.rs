//! The built-in scenarios: the seed document's sample scenarios and partner types, compiled in so
//! that the app, the CLI and the tests open them from any folder.
//!
//! Each is an ordinary save file under `assets/scenarios/`; users can open, change and save a copy.

use crate::io::{LoadError, scenario_from_ron};
use crate::model::Scenario;

/// One built-in scenario.
#[derive(Debug)]
pub struct Builtin {
    /// Short stable name used on the command line (`--scenario sample-1`).
    pub slug: &'static str,
    /// The file it comes from, for error messages.
    pub file: &'static str,
    /// The save-file text.
    pub text: &'static str,
}

impl Builtin {
    /// Parses the scenario.
    pub fn load(&self) -> Result<Scenario, LoadError> {
        scenario_from_ron(self.text, self.file)
    }
}

macro_rules! builtin {
    ($slug:literal, $file:literal) => {
        Builtin {
            slug: $slug,
            file: concat!("assets/scenarios/", $file),
            text: include_str!(concat!("../assets/scenarios/", $file)),
        }
    };
}

/// Every built-in scenario, in teaching order.
pub static BUILTIN: &[Builtin] = &[builtin!("sample-1", "sample-1-two-chains.ron")];

/// The built-in scenario with this slug.
pub fn builtin(slug: &str) -> Option<&'static Builtin> {
    BUILTIN.iter().find(|b| b.slug == slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_loads_and_has_a_title_and_explanation() {
        for b in BUILTIN {
            let s = b.load().unwrap_or_else(|e| panic!("{e}"));
            assert!(!s.meta.title.is_empty(), "{}", b.slug);
            assert!(!s.meta.description.is_empty(), "{}", b.slug);
        }
        let slugs: std::collections::HashSet<_> = BUILTIN.iter().map(|b| b.slug).collect();
        assert_eq!(slugs.len(), BUILTIN.len(), "slugs are unique");
    }

    #[test]
    fn sample_one_is_valid() {
        let s = builtin("sample-1")
            .and_then(|b| b.load().ok())
            .expect("sample-1 loads");
        let findings = crate::rules::check(&s);
        assert!(findings.is_empty(), "{findings:#?}");
    }
}
