//! What the commands read: a scenario named by file, `builtin:<slug>` or `-` for standard input, and
//! the values of options (dates, export formats) parsed with a message that says the expected form.
//! Must not write anything: results go through `output.rs`.

use crate::export::ExportFormat;
use crate::model::{Date, Scenario};
use std::mem::ManuallyDrop;
use std::path::Path;

/// `-` as a file name: standard input where a file is read, standard output where one is written.
pub const STDIO: &str = "-";

pub(crate) fn is_stdio(path: &Path) -> bool {
    path.as_os_str() == STDIO
}

pub(crate) fn parse_export_format(s: &str) -> Result<ExportFormat, String> {
    ExportFormat::from_key(s).ok_or_else(|| {
        let all: Vec<&str> = ExportFormat::ALL.iter().map(|f| f.key()).collect();
        format!("\"{s}\" is not a format; use one of {}", all.join(", "))
    })
}

pub(crate) fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("\"{s}\" is not a date; use YYYY-MM-DD"))
}

/// Loads a save file, a built-in scenario named `builtin:<slug>`, or a scenario piped to standard
/// input (`-`).
///
/// The scenario is never freed: a command ends the process when it is done with it, and the
/// operating system takes the memory back at once, whereas dropping a 300,000-party channel one
/// allocation at a time took a fifth of `check`'s CPU time (perf: 1.8 s of 9.7 s, most of it in
/// `free`). See [`kept`].
pub fn load_scenario(name: &Path) -> Result<ManuallyDrop<Scenario>, String> {
    load(name).map(ManuallyDrop::new)
}

/// A command's large result (a checker, its findings) that lives until the process exits: never
/// freed piece by piece, for the reason [`load_scenario`] gives.
pub(crate) fn kept<T>(value: T) -> ManuallyDrop<T> {
    ManuallyDrop::new(value)
}

fn load(name: &Path) -> Result<Scenario, String> {
    if is_stdio(name) {
        // Size-limited and decoded like a file: a BOM is fine, bad bytes are located.
        let bytes =
            crate::io::read::read_capped(std::io::stdin().lock(), crate::io::read::MAX_FILE_BYTES)
                .map_err(|e| format!("standard input: {e}"))?;
        let none = crate::progress::Progress::none();
        return crate::io::save::scenario_from_file_bytes(&bytes, "standard input", &none)
            .map_err(|e| e.to_string());
    }
    if let Some(slug) = builtin_slug(name) {
        let builtin = crate::scenarios::builtin(slug).ok_or_else(|| {
            format!(
                "no built-in scenario `{slug}`; the built-in scenarios are {}",
                builtin_slugs()
            )
        })?;
        return builtin.load().map_err(|e| e.to_string());
    }
    crate::io::load(name).map_err(|e| e.to_string())
}

/// The slug of a scenario named `builtin:<slug>`; `None` for a file (whatever its name's bytes).
pub(crate) fn builtin_slug(name: &Path) -> Option<&str> {
    name.to_str()?.strip_prefix("builtin:")
}

/// The slugs of the built-in scenarios, comma-separated.
pub fn builtin_slugs() -> String {
    crate::scenarios::BUILTIN
        .iter()
        .map(|b| b.slug)
        .collect::<Vec<_>>()
        .join(", ")
}
