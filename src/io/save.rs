//! The scenario save format: human-readable RON with `version: 2`, stable ids and node positions.
//!
//! Version 2 adds `ended` on every link, and `admin_type` and `status` (`active` or `pending`) on admin
//! links. Version 1 files still load: [`migrate_v1`] brings them to version 2.
//!
//! ```ron
//! (
//!     version: 2,
//!     title: "Sample scenario 1: the direct-bill chain",
//!     description: "Microsoft sells to the direct-bill partner, which sells to the customer.",
//!     as_of: "2024-01-01",
//!     parties: [
//!         (id: "microsoft", kind: microsoft, name: "Microsoft", organization: "microsoft",
//!          tenant: "microsoft", tenant_type: csp),
//!         (id: "fabrikam", kind: direct_bill, name: "Fabrikam", country: "US",
//!          organization: "fabrikam", tenant: "fabrikam", tenant_type: csp, mpa_signed: "2019-10-01",
//!          position: (x: 0.0, y: 150.0)),
//!     ],
//!     links: [
//!         (id: "supply-fabrikam", kind: supply, from: "microsoft", to: "fabrikam", date: "2020-03-01"),
//!     ],
//! )
//! ```
//!
//! Writes are atomic (temporary file in the same folder, flush, fsync, rename), so a crash never leaves
//! a half-written save. A file that is not a valid save gets an error naming the file, line and column.

use crate::model::{Date, Link, Party, Scenario, ScenarioError, ScenarioMeta};
use ron::extensions::Extensions;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The version this build writes.
pub const FORMAT_VERSION: u32 = 2;

/// The oldest version this build reads (and migrates on load).
pub const OLDEST_VERSION: u32 = 1;

/// The file as written: a flat list of parties and links, with ids rather than graph indices.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    version: u32,
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    as_of: Option<Date>,
    #[serde(default)]
    parties: Vec<Party>,
    #[serde(default)]
    links: Vec<Link>,
}

/// Reads only the version, so that a newer file gets a clear message rather than a field error.
#[derive(Deserialize)]
struct VersionProbe {
    version: Option<u32>,
}

/// Why a save could not be read. Every variant names the file (or `<input>`), and the line and
/// column where the text gives one.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("{path}: cannot read the file: {source}")]
    Io {
        /// The file.
        path: String,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The text is not a valid save (RON syntax, a missing or unknown field, a bad value).
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was expected.
        message: String,
    },
    /// A version this build does not read.
    #[error(
        "{path}: save format version {found} is not supported (this build reads versions {OLDEST_VERSION} to {FORMAT_VERSION})"
    )]
    Version {
        /// The file.
        path: String,
        /// The version in the file.
        found: u32,
    },
    /// Well-formed, but not a consistent scenario (a duplicate id, a link to a missing party, …).
    #[error("{path}:{line}: {source}")]
    Invalid {
        /// The file.
        path: String,
        /// 1-based line of the offending entry (best effort).
        line: usize,
        /// What is inconsistent.
        source: ScenarioError,
    },
}

/// Why a save could not be written. The scenario in memory is unchanged, and so is any existing file.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// Writing, flushing or renaming failed.
    #[error("{path}: cannot save: {source}")]
    Io {
        /// The file.
        path: String,
        /// What the OS said.
        source: std::io::Error,
    },
    /// Serialization failed (should not happen for a valid scenario).
    #[error("cannot write the scenario as RON: {0}")]
    Ron(#[from] ron::Error),
}

fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME)
}

/// The scenario as save-file text.
pub fn scenario_to_ron(scenario: &Scenario) -> Result<String, ron::Error> {
    let mut parties: Vec<Party> = scenario.parties().cloned().collect();
    parties.sort_by(|a, b| (a.kind.tier(), &a.id).cmp(&(b.kind.tier(), &b.id)));
    let mut links: Vec<Link> = scenario.links().cloned().collect();
    links.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
    let file = ScenarioFile {
        version: FORMAT_VERSION,
        title: scenario.meta.title.clone(),
        description: scenario.meta.description.clone(),
        as_of: scenario.meta.as_of,
        parties,
        links,
    };
    let pretty = ron::ser::PrettyConfig::new()
        .struct_names(false)
        .separate_tuple_members(false)
        .extensions(Extensions::IMPLICIT_SOME);
    ron_options().to_string_pretty(&file, pretty)
}

/// Parses save-file text; `path` only names the source in errors.
pub fn scenario_from_ron(text: &str, path: &str) -> Result<Scenario, LoadError> {
    let syntax = |e: ron::error::SpannedError| LoadError::Syntax {
        path: path.to_owned(),
        line: e.span.start.line,
        column: e.span.start.col,
        message: e.code.to_string(),
    };
    // A newer version may have fields this build does not know: check the version first.
    if let Ok(VersionProbe {
        version: Some(found),
    }) = ron_options().from_str::<VersionProbe>(text)
        && !(OLDEST_VERSION..=FORMAT_VERSION).contains(&found)
    {
        return Err(LoadError::Version {
            path: path.to_owned(),
            found,
        });
    }
    let mut file: ScenarioFile = ron_options().from_str(text).map_err(syntax)?;
    if file.version == 1 {
        migrate_v1(&mut file.links);
    }
    let mut scenario = Scenario::default();
    scenario.meta = ScenarioMeta {
        title: file.title,
        description: file.description,
        as_of: file.as_of,
    };
    let invalid = |source: ScenarioError, id: &str| LoadError::Invalid {
        path: path.to_owned(),
        line: line_of_id(text, id),
        source,
    };
    for party in file.parties {
        let id = party.id.0.clone();
        scenario.add_party(party).map_err(|e| invalid(e, &id))?;
    }
    for link in file.links {
        let id = link.id.0.clone();
        scenario.add_link(link).map_err(|e| invalid(e, &id))?;
    }
    Ok(scenario)
}

/// Brings the links of a version 1 file to version 2.
///
/// Version 1 read `status` on partnerships only; version 2 reads it on admin links too (a `pending`
/// admin link is a GDAP request the customer has not approved). A version 1 file may carry a status
/// on another kind of link that meant nothing then, so it is reset to the default rather than
/// turning an admin relationship into a request on load. `ended` and `admin_type` did not exist:
/// their defaults (not ended, GDAP) are what version 1 meant.
pub fn migrate_v1(links: &mut [Link]) {
    for link in links {
        if link.kind != crate::model::LinkKind::Partnership {
            link.status = crate::model::LinkStatus::default();
        }
    }
}

/// The 1-based line of the last `id: "…"` entry with this id (the duplicate, when there are two).
fn line_of_id(text: &str, id: &str) -> usize {
    let needle = format!("\"{id}\"");
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.contains("id:") && line.contains(&needle))
        .map(|(i, _)| i + 1)
        .last()
        .unwrap_or(1)
}

/// Loads a save file. On error nothing else changes: the caller's open scenario stays as it was.
pub fn load(path: &Path) -> Result<Scenario, LoadError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: name.clone(),
        source,
    })?;
    scenario_from_ron(&text, &name)
}

/// Saves atomically: the text goes to a temporary file in the same folder, is flushed and synced, then
/// renamed over `path`. A failure at any step leaves the previous file intact.
pub fn save(scenario: &Scenario, path: &Path) -> Result<(), SaveError> {
    let text = scenario_to_ron(scenario)?;
    write_atomic(path, text.as_bytes())
}

/// Writes bytes atomically (see [`save`]); exports use it too, so no failed export leaves a partial file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    let io = |source| SaveError::Io {
        path: path.display().to_string(),
        source,
    };
    let dir: PathBuf = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".csp-explorer-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(io)?;
    // A temporary file is private (0600); a save is a document: keep the permissions of the file it
    // replaces, or give a new one the usual read-for-all.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode());
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(io)?;
    }
    tmp.write_all(bytes).map_err(io)?;
    tmp.flush().map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LinkKind, PartyKind};

    fn sample() -> Scenario {
        let mut s = Scenario::new("Round trip");
        s.meta.description = "Two parties, one link.".into();
        s.meta.as_of = Some("2024-01-01".parse().unwrap());
        s.add_party(Party::new("ms", PartyKind::Microsoft).named("Microsoft"))
            .unwrap();
        s.add_party(
            Party::new("fab", PartyKind::DirectBill)
                .named("Fabrikam")
                .in_country("US")
                .mpa("2019-10-01".parse().unwrap())
                .at(10.0, 150.0),
        )
        .unwrap();
        s.add_link(Link::new(
            "s",
            LinkKind::Supply,
            "ms",
            "fab",
            "2020-03-01".parse().unwrap(),
        ))
        .unwrap();
        s
    }

    #[test]
    fn round_trips_and_is_human_readable() {
        let text = scenario_to_ron(&sample()).unwrap();
        assert!(text.contains("version: 2"), "{text}");
        assert!(text.contains("kind: direct_bill"), "{text}");
        assert!(text.contains("mpa_signed: \"2019-10-01\""), "{text}");
        assert!(
            text.contains("x: 10.0,") && text.contains("y: 150.0,"),
            "{text}"
        );
        assert_eq!(scenario_from_ron(&text, "t.ron").unwrap(), sample());
    }

    #[test]
    fn syntax_errors_name_file_line_and_column() {
        let text =
            "(\n  version: 1,\n  title: \"x\",\n  parties: [ (id: \"a\", kind: wizard) ],\n)";
        let err = scenario_from_ron(text, "bad.ron").unwrap_err().to_string();
        assert!(err.starts_with("bad.ron:4:"), "{err}");
        assert!(err.contains("wizard"), "{err}");
    }

    #[test]
    fn a_newer_version_is_refused_clearly() {
        let err = scenario_from_ron("(version: 3, title: \"x\", future_field: 3)", "new.ron")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "new.ron: save format version 3 is not supported (this build reads versions 1 to 2)"
        );
    }

    #[test]
    fn a_duplicate_id_names_its_line() {
        let text = "(\n version: 1,\n title: \"x\",\n parties: [\n  (id: \"a\", kind: customer, name: \"A\", organization: \"a\", tenant: \"a\", tenant_type: customer),\n  (id: \"a\", kind: customer, name: \"A\", organization: \"a\", tenant: \"a\", tenant_type: customer),\n ],\n)";
        let err = scenario_from_ron(text, "dup.ron").unwrap_err().to_string();
        assert_eq!(err, "dup.ron:6: a party with id `a` already exists");
    }

    #[test]
    fn atomic_save_replaces_and_a_failed_save_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.ron");
        save(&sample(), &path).unwrap();
        assert_eq!(load(&path).unwrap(), sample());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o644, "a save is readable like any document");
        }
        let missing_dir = dir.path().join("no-such-dir").join("s.ron");
        assert!(save(&sample(), &missing_dir).is_err());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            leftovers.len(),
            1,
            "no temporary file left behind: {leftovers:?}"
        );
    }

    #[test]
    fn a_version_1_file_is_migrated_to_version_2() {
        let v1 = "(\n version: 1,\n title: \"old\",\n parties: [\n  (id: \"db\", kind: direct_bill, name: \"DB\", organization: \"db\", tenant: \"db\", tenant_type: csp),\n  (id: \"c\", kind: customer, name: \"C\", organization: \"c\", tenant: \"c\", tenant_type: customer),\n ],\n links: [\n  (id: \"a\", kind: admin, from: \"db\", to: \"c\", date: \"2021-01-01\", status: pending, duration_days: 90),\n ],\n)";
        let s = scenario_from_ron(v1, "old.ron").expect("version 1 loads");
        let admin = s.link("a").unwrap();
        assert_eq!(
            admin.status,
            crate::model::LinkStatus::Accepted,
            "a version 1 status on an admin link meant nothing: it is not a pending request"
        );
        assert_eq!(admin.ended, None);
        assert_eq!(admin.admin_type, crate::model::AdminType::Gdap);
        let text = scenario_to_ron(&s).unwrap();
        assert!(text.contains("version: 2"), "{text}");
        // In version 2 the same field means a pending GDAP request, and ended links keep their day.
        let v2 = v1.replace("version: 1", "version: 2").replace(
            "status: pending",
            "status: pending, ended: \"2022-01-01\", admin_type: dap",
        );
        let s2 = scenario_from_ron(&v2, "new.ron").expect("version 2 loads");
        let admin = s2.link("a").unwrap();
        assert_eq!(admin.status, crate::model::LinkStatus::Pending);
        assert_eq!(admin.ended, Some("2022-01-01".parse().unwrap()));
        assert_eq!(admin.admin_type, crate::model::AdminType::Dap);
        let again = scenario_from_ron(&scenario_to_ron(&s2).unwrap(), "again.ron").unwrap();
        assert_eq!(again, s2, "version 2 round-trips");
    }
}
