//! Every export format, checked with a real parser: XML ones with roxmltree (and usvg for SVG), DOT
//! with a Rust DOT parser (Graphviz itself renders the DOT in `.ci/run`, which installs it, so
//! `cargo test` needs nothing but Rust), CSV with the csv crate. One test binary; a module per
//! family of formats, sharing the scenarios here.

mod drawings;
mod every_format;
mod graphviz;
mod reports;
mod xml;

use csp_explorer::export::{ExportFormat, ExportOptions, export};
use csp_explorer::model::Scenario;
use csp_explorer::scenarios::builtin;

/// Sample scenario 1 with one broken link: Fabrikam's MPA is not signed, so its supply, reseller
/// relationship and purchase break `mpa_missing`.
pub(crate) fn broken() -> Scenario {
    let mut s = builtin("sample-1")
        .and_then(|b| b.load().ok())
        .expect("sample-1 loads");
    let mut fabrikam = s.party("fabrikam").cloned().expect("fabrikam");
    fabrikam.mpa_signed = None;
    s.replace_party(fabrikam).expect("replace");
    s
}

pub(crate) const VIOLATION_RED: &str = "#d52027";

pub(crate) fn text(format: ExportFormat, s: &Scenario) -> String {
    String::from_utf8(export(s, format, &ExportOptions::default()).expect("exports"))
        .expect("utf-8")
}
