//! `csp-explorer scenarios`: the built-in scenarios, slug and title.
//! Must not hold scenarios: `crate::scenarios` compiles them in.

use super::output::outln;
use std::process::ExitCode;

/// Lists the built-in scenarios.
pub fn list_scenarios() -> ExitCode {
    for b in crate::scenarios::BUILTIN {
        match b.load() {
            Ok(s) => outln!("{:<28} {}", b.slug, s.meta.title),
            Err(e) => outln!("{:<28} (cannot load: {e})", b.slug),
        }
    }
    ExitCode::SUCCESS
}
