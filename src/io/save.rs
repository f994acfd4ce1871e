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

use crate::io::read::{MAX_FILE_BYTES, ReadError, decode_unicode, read_limited};
use crate::model::{Date, Link, Party, Scenario, ScenarioError, ScenarioMeta};
use crate::progress::Progress;
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

/// [`ScenarioFile`] borrowed from a scenario, for writing: the same text without copying every
/// party and link first (at 300,000 parties the copies cost seconds and a gigabyte).
#[derive(Serialize)]
struct ScenarioFileOut<'a> {
    version: u32,
    title: &'a str,
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    as_of: Option<Date>,
    parties: Vec<&'a Party>,
    links: Vec<&'a Link>,
}

impl<'a> ScenarioFileOut<'a> {
    fn of(scenario: &'a Scenario) -> Self {
        let mut parties: Vec<&Party> = scenario.parties().collect();
        parties.sort_by(|a, b| (a.kind.tier(), &a.id).cmp(&(b.kind.tier(), &b.id)));
        let mut links: Vec<&Link> = scenario.links().collect();
        links.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
        ScenarioFileOut {
            version: FORMAT_VERSION,
            title: &scenario.meta.title,
            description: &scenario.meta.description,
            as_of: scenario.meta.as_of,
            parties,
            links,
        }
    }
}

/// Reads only the version, so that a newer file gets a clear message rather than a field error.
/// Signed, so that `version: -1` is named as a version rather than "integer out of bounds".
#[derive(Deserialize)]
struct VersionProbe {
    version: Option<i64>,
}

/// Why a save could not be read. Every variant names the file (or `<input>`), and the line and
/// column where the text gives one.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read (missing, not a regular file, too large).
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        source: ReadError,
    },
    /// The text is not a valid save (bad encoding, RON syntax, a missing or unknown field, a bad
    /// value).
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
    #[error("{path}: {}", version_message(*found, "save format", OLDEST_VERSION, FORMAT_VERSION))]
    Version {
        /// The file.
        path: String,
        /// The version in the file.
        found: i64,
    },
    /// A `.cspx` file that cannot be read (damaged, cut short, a value no build writes).
    #[error("{path}: {message}")]
    Binary {
        /// The file.
        path: String,
        /// What is wrong, naming the entry.
        message: String,
    },
    /// The load was cancelled (see [`crate::progress::Progress`]); nothing was opened.
    #[error("{path}: opening was cancelled")]
    Cancelled {
        /// The file.
        path: String,
    },
    /// Well-formed, but not a consistent scenario (a duplicate id, a link to a missing party, a
    /// date or position out of bounds, …).
    #[error("{path}:{line}: {source}")]
    Invalid {
        /// The file.
        path: String,
        /// 1-based line of the offending entry or field (best effort).
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
    /// The path is a folder, a device, a FIFO or a socket: saving there would replace it with a
    /// regular file (or write into a device).
    #[error("{path} is {what}, not a file: choose a file name to save to")]
    NotAFile {
        /// The path as given.
        path: String,
        /// What it is ("a device", …).
        what: &'static str,
    },
    /// Serialization failed (should not happen for a valid scenario).
    #[error("cannot write the scenario as RON: {0}")]
    Ron(#[from] ron::Error),
    /// Binary encoding failed (should not happen for a valid scenario).
    #[error("cannot write the scenario as .cspx: {0}")]
    Binary(String),
    /// The save was cancelled before its file was replaced: the file is as it was.
    #[error("{path}: the save was cancelled; the file was not changed")]
    Cancelled {
        /// The file.
        path: String,
    },
}

/// Says why a format version is not read and what to do, for saves and lessons alike.
pub fn version_message(found: i64, format: &str, oldest: u32, newest: u32) -> String {
    let reads = if oldest == newest {
        format!("this build reads version {newest}")
    } else {
        format!("this build reads versions {oldest} to {newest}")
    };
    if found > i64::from(newest) {
        format!(
            "{format} version {found} was written by a newer csp-explorer ({reads}); update csp-explorer to open it"
        )
    } else {
        format!(
            "{format} version {found} is not a version csp-explorer has written ({reads}); check the `version` field"
        )
    }
}

/// The `version` of RON text, read before anything else: from a lenient parse, or, when the rest of
/// the file does not parse (a newer format may have new syntax), from the first `version: N`.
pub fn probe_version(text: &str) -> Option<i64> {
    if let Ok(VersionProbe { version }) = ron_options().from_str::<VersionProbe>(text) {
        return version;
    }
    let at = text.find("version")?;
    let rest = text[at + "version".len()..]
        .trim_start()
        .strip_prefix(':')?;
    let rest = rest.trim_start();
    let end = rest
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && matches!(c, '-' | '+'))))
        .map_or(rest.len(), |(i, _)| i);
    rest[..end].parse().ok()
}

/// The fields that hold dates, in saves and lessons (`SetAsOf` is a lesson change).
const DATE_FIELDS: &[&str] = &[
    "date",
    "ended",
    "mpa_signed",
    "restricted_since",
    "mca_accepted",
    "as_of",
    "SetAsOf",
];

/// Line, column and message of a RON error, in words a person can act on: a date that chrono could
/// not read ("input is out of range") names its field and the expected form.
pub fn describe_ron_error(text: &str, e: &ron::error::SpannedError) -> (usize, usize, String) {
    let (line, column) = (e.span.start.line, e.span.start.col);
    if let ron::Error::Message(_) = &e.code {
        // RON's span of a string value is its content, between the quotes.
        let start = offset_of(text, line, column);
        let end = offset_of(text, e.span.end.line, e.span.end.col).max(start);
        if let Some(field) = field_before(&text[..start])
            && DATE_FIELDS.contains(&field.as_str())
        {
            return (
                line,
                column,
                format!(
                    "field `{field}`: \"{}\" is not a date: expected {}",
                    text[start..end].trim_end_matches('"'),
                    crate::model::limits::expected_date()
                ),
            );
        }
    }
    (line, column, e.code.to_string())
}

/// The byte offset of a 1-based line and column (in characters).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = text.get(start..).unwrap_or("");
    start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

/// The field (or tuple variant) whose value starts where `before` ends: the identifier before the
/// `:` or `(` that precedes it (and the value's opening quote).
fn field_before(before: &str) -> Option<String> {
    let before = before.trim_end();
    let before = before.strip_suffix('"').unwrap_or(before).trim_end();
    let before = before
        .strip_suffix(':')
        .or_else(|| before.strip_suffix('('))?
        .trim_end();
    let start = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    let name = &before[start..];
    (!name.is_empty()).then(|| name.to_owned())
}

fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME)
}

/// The scenario as save-file text.
pub fn scenario_to_ron(scenario: &Scenario) -> Result<String, ron::Error> {
    ron_options().to_string_pretty(&ScenarioFileOut::of(scenario), ron_pretty())
}

fn ron_pretty() -> ron::ser::PrettyConfig {
    ron::ser::PrettyConfig::new()
        .struct_names(false)
        .separate_tuple_members(false)
        .extensions(Extensions::IMPLICIT_SOME)
}

/// Bytes of RON text a party or link takes on average (342 MB for 1.32 million of them), for
/// a progress bar that moves evenly while the text is written.
const RON_BYTES_PER_ENTRY: usize = 260;

/// [`scenario_to_ron`] for a worker thread: reports how far the text has got and stops with
/// [`SaveError::Cancelled`] as soon as `progress` is cancelled. `path` names the file in errors.
pub fn scenario_to_ron_with(
    scenario: &Scenario,
    path: &Path,
    progress: &Progress,
) -> Result<Vec<u8>, SaveError> {
    let entries = scenario.party_count() + scenario.link_count();
    let mut out = Watched {
        bytes: Vec::with_capacity(64 + RON_BYTES_PER_ENTRY * entries),
        expected: (RON_BYTES_PER_ENTRY * entries).max(1),
        progress,
    };
    match ron_options().to_io_writer_pretty(&mut out, &ScenarioFileOut::of(scenario), ron_pretty())
    {
        Ok(()) => Ok(out.bytes),
        Err(_) if progress.is_cancelled() => Err(SaveError::Cancelled {
            path: path.display().to_string(),
        }),
        Err(e) => Err(SaveError::Ron(e)),
    }
}

/// A buffer that reports how much has been written against what is expected, and fails the next
/// write once its work is cancelled (serde then unwinds at once).
struct Watched<'a> {
    bytes: Vec<u8>,
    expected: usize,
    progress: &'a Progress,
}

impl std::io::Write for Watched<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let before = self.bytes.len();
        self.bytes.extend_from_slice(buf);
        // Every 64 KiB: a cancel is heard within microseconds, the counters are not hammered.
        if before >> 16 != self.bytes.len() >> 16 {
            if self.progress.is_cancelled() {
                return Err(std::io::Error::other("cancelled"));
            }
            self.progress
                .set((self.bytes.len() as f32 / self.expected as f32).min(0.99));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Parses save-file text; `path` only names the source in errors.
pub fn scenario_from_ron(text: &str, path: &str) -> Result<Scenario, LoadError> {
    // A byte order mark is what Notepad puts first; it is not RON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let syntax = |e: ron::error::SpannedError| {
        let (line, column, mut message) = describe_ron_error(text, &e);
        if text.trim().is_empty() {
            message = "the file is empty, so it is not a csp-explorer save (a save begins with \
                       `(` and `version: 2`)"
                .to_owned();
        } else if !text.trim_start().starts_with(['(', '/']) {
            message = "this is not a csp-explorer save (a save begins with `(` and `version: 2`); \
                       spreadsheets and Partner Center files come in through File → Import… or \
                       `csp-explorer import`"
                .to_owned();
        } else if text[offset_of(text, e.span.end.line, e.span.end.col).min(text.len())..]
            .trim()
            .is_empty()
        {
            message.push_str("; the file ends here, too early (was it cut off?)");
        }
        LoadError::Syntax {
            path: path.to_owned(),
            line,
            column,
            message,
        }
    };
    // A newer version may have fields this build does not know: check the version first.
    if let Some(found) = probe_version(text)
        && !(i64::from(OLDEST_VERSION)..=i64::from(FORMAT_VERSION)).contains(&found)
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
    crate::model::limits::check_meta(&scenario.meta).map_err(|error| LoadError::Invalid {
        path: path.to_owned(),
        line: line_of_field(text, 0, error.field),
        source: ScenarioError::OutOfBounds {
            subject: "the scenario".to_owned(),
            error,
        },
    })?;
    let invalid = |source: ScenarioError, section: Section, id: &str| {
        let entry = line_of_id(text, section, id);
        let line = match &source {
            ScenarioError::OutOfBounds { error, .. } => line_of_field(text, entry, error.field),
            _ => entry,
        };
        LoadError::Invalid {
            path: path.to_owned(),
            line,
            source,
        }
    };
    scenario.reserve(file.parties.len(), file.links.len());
    for party in file.parties {
        let id = party.id.0.clone();
        scenario
            .add_party(party)
            .map_err(|e| invalid(e, Section::Parties, &id))?;
    }
    for link in file.links {
        let id = link.id.0.clone();
        scenario
            .add_link(link)
            .map_err(|e| invalid(e, Section::Links, &id))?;
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

/// Which list of a save an entry is in.
#[derive(Clone, Copy)]
enum Section {
    Parties,
    Links,
}

/// The 1-based line of the last `id: "…"` entry with this id in its section (the duplicate, when
/// there are two). Only an `id` field counts: `to: "x"` or `via: "x"` name the party, they are not it.
fn line_of_id(text: &str, section: Section, id: &str) -> usize {
    let needle = format!("\"{id}\"");
    let is_entry = |line: &str| {
        line.match_indices("id:").any(|(i, _)| {
            let before = line[..i].chars().next_back();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                && line[i + 3..].trim_start().starts_with(&needle)
        })
    };
    let start_of = |name: &str| {
        text.lines()
            .position(|l| l.trim_start().starts_with(name))
            .unwrap_or(0)
    };
    let (parties, links) = (start_of("parties:"), start_of("links:"));
    let (from, to) = match section {
        Section::Parties if links > parties => (parties, links),
        Section::Parties => (parties, usize::MAX),
        Section::Links if parties > links => (links, parties),
        Section::Links => (links, usize::MAX),
    };
    text.lines()
        .enumerate()
        .skip(from)
        .take(to.saturating_sub(from))
        .filter(|(_, line)| is_entry(line))
        .map(|(i, _)| i + 1)
        .last()
        .unwrap_or(1)
}

/// The 1-based line where `field:` is first written at or after line `from` (1-based; 0 for the
/// top of the file), or `from` when it is not found there.
fn line_of_field(text: &str, from: usize, field: &str) -> usize {
    let starts_field = |line: &str| {
        line.match_indices(field).any(|(i, _)| {
            let before = line[..i].chars().next_back();
            let after = line[i + field.len()..].trim_start();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_') && after.starts_with(':')
        })
    };
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, line)| starts_field(line))
        .map_or(from.max(1), |(i, _)| i + 1)
}

/// Loads a save file, RON or `.cspx` (told apart by their first bytes, whatever the file is called),
/// of at most [`MAX_FILE_BYTES`]; RON may be UTF-8 or UTF-16 with a byte order mark. On error
/// nothing else changes: the caller's open scenario stays as it was.
pub fn load(path: &Path) -> Result<Scenario, LoadError> {
    load_with(path, &Progress::none())
}

/// [`load`], reporting progress and stopping with [`LoadError::Cancelled`] when cancelled.
pub fn load_with(path: &Path, progress: &Progress) -> Result<Scenario, LoadError> {
    load_limited_with(path, MAX_FILE_BYTES, progress)
}

/// Loads a save file of at most `limit` bytes (see [`load`]).
pub fn load_limited(path: &Path, limit: u64) -> Result<Scenario, LoadError> {
    load_limited_with(path, limit, &Progress::none())
}

fn load_limited_with(path: &Path, limit: u64, progress: &Progress) -> Result<Scenario, LoadError> {
    let name = path.display().to_string();
    let bytes = read_limited(path, limit).map_err(|source| LoadError::Io {
        path: name.clone(),
        source,
    })?;
    if progress.is_cancelled() {
        return Err(LoadError::Cancelled { path: name });
    }
    if super::binary::is_binary(&bytes) {
        return super::binary::scenario_from_bytes(&bytes, &name, progress);
    }
    let text = decode_unicode(&bytes).map_err(|e| LoadError::Syntax {
        path: name.clone(),
        line: e.line,
        column: e.column,
        message: e.message,
    })?;
    let scenario = scenario_from_ron(&text, &name)?;
    progress.set(1.0);
    Ok(scenario)
}

/// What a file looked like when it was opened or saved: if it looks different at the next save,
/// someone else changed it (see `Document::changed_on_disk`). Kept in the crash-recovery file too,
/// so that a change made between a crash and the restore is still caught.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    modified: Option<std::time::SystemTime>,
    len: u64,
    /// The inode: a program that saves by renaming a new file over the old one changes it even
    /// within the file system's timestamp granularity.
    #[cfg(unix)]
    #[serde(default)]
    inode: u64,
}

impl FileStamp {
    /// The stamp of the file at `path` (following symlinks), or `None` when there is none.
    pub fn of(path: &Path) -> Option<FileStamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(FileStamp {
            modified: meta.modified().ok(),
            len: meta.len(),
            #[cfg(unix)]
            inode: std::os::unix::fs::MetadataExt::ino(&meta),
        })
    }
}

/// Saves atomically: the text goes to a temporary file in the same folder, is flushed and synced, then
/// renamed over `path`, and the folder is synced. A failure at any step leaves the previous file
/// intact. See [`write_atomic`] for symlinks, devices and leftover temporary files. A path ending in
/// `.cspx` gets the compact binary format ([`super::binary`]), any other RON.
pub fn save(scenario: &Scenario, path: &Path) -> Result<(), SaveError> {
    save_with(scenario, path, &Progress::none())
}

/// [`save`] for a worker thread: the bytes are made first, reporting to `progress` and stopping
/// with [`SaveError::Cancelled`] (the file untouched) when it is cancelled; then the save
/// [commits](Progress::commit), refusing any later cancel, and writes the file atomically.
pub fn save_with(scenario: &Scenario, path: &Path, progress: &Progress) -> Result<(), SaveError> {
    let bytes = if super::binary::wants_binary(path) {
        let encoding = progress.part(0.0, 0.9, "Encoding");
        super::binary::scenario_to_bytes_with(scenario, &encoding).map_err(|e| match e {
            SaveError::Cancelled { .. } => SaveError::Cancelled {
                path: path.display().to_string(),
            },
            e => e,
        })?
    } else {
        scenario_to_ron_with(scenario, path, &progress.part(0.0, 0.9, "Writing the text"))?
    };
    let writing = progress.part(0.9, 1.0, "Writing the file");
    if !writing.commit() {
        return Err(SaveError::Cancelled {
            path: path.display().to_string(),
        });
    }
    write_atomic(path, &bytes)?;
    writing.set(1.0);
    Ok(())
}

/// The prefix of this app's temporary files; the process id follows, so a leftover can be told
/// from one being written.
const TEMP_PREFIX: &str = ".csp-explorer-";

/// The suffix of this app's temporary files.
const TEMP_SUFFIX: &str = ".tmp";

/// A temporary file of ours untouched this long is left over from a save that was killed (a save
/// writes its file in seconds and renames it at once).
pub const STALE_TEMP_AGE: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Follows `path` through symlinks to the file a save must replace, so that the link stays a link
/// and its target gets the new content. A dangling link gives its (missing) target.
fn resolve_symlinks(path: &Path) -> std::io::Result<PathBuf> {
    let mut path = path.to_owned();
    // Linux gives up after 40 links too (ELOOP).
    for _ in 0..40 {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&path)?;
                path = match path.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok(path),
        }
    }
    Err(std::io::Error::other(
        "too many levels of symbolic links (a loop?)",
    ))
}

/// Writes bytes atomically (see [`save`]); exports use it too, so no failed export leaves a partial
/// file.
///
/// - A symlink is followed: its target is replaced and the link stays.
/// - A folder, device, FIFO or socket is refused: it never becomes a regular file.
/// - The folder is synced after the rename, so the new name survives a power cut.
/// - This app's temporary files left in the folder by a killed save are removed (see
///   [`remove_stale_temp_files`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    let io = |source| SaveError::Io {
        path: path.display().to_string(),
        source,
    };
    let target = resolve_symlinks(path).map_err(io)?;
    if let Ok(meta) = std::fs::metadata(&target)
        && let Some(what) = crate::io::read::not_a_file(&meta)
    {
        return Err(SaveError::NotAFile {
            path: path.display().to_string(),
            what,
        });
    }
    let dir: PathBuf = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
        .suffix(TEMP_SUFFIX)
        .tempfile_in(&dir)
        .map_err(io)?;
    // A temporary file is private (0600); a save is a document: keep the permissions of the file it
    // replaces, or give a new one the usual read-for-all.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).map_or(0o644, |m| m.permissions().mode());
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(io)?;
    }
    tmp.write_all(bytes).map_err(io)?;
    tmp.flush().map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(&target).map_err(|e| io(e.error))?;
    // The rename is durable only once the folder's entry is on disk. The file is already in place,
    // so a folder that cannot be synced (some network file systems refuse) is logged, not an error.
    #[cfg(unix)]
    if let Err(e) = std::fs::File::open(&dir).and_then(|d| d.sync_all()) {
        log::warn!("could not sync the folder {}: {e}", dir.display());
    }
    remove_stale_temp_files(&dir);
    Ok(())
}

/// Removes this app's temporary files (`.csp-explorer-<pid>-<random>.tmp`) that a killed save left
/// in `dir`, and returns how many. Only regular files with exactly that form are touched, and only
/// when stale: untouched for [`STALE_TEMP_AGE`], or (where `/proc` tells) written by a process that
/// no longer runs. Another instance's save in progress is therefore never removed.
pub fn remove_stale_temp_files(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let now = std::time::SystemTime::now();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(middle) = name
            .strip_prefix(TEMP_PREFIX)
            .and_then(|n| n.strip_suffix(TEMP_SUFFIX))
        else {
            continue;
        };
        // symlink_metadata: a link named like ours is not ours.
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if !meta.file_type().is_file() {
            continue;
        }
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age >= STALE_TEMP_AGE);
        let owner: Option<u32> = middle.split('-').next().and_then(|p| p.parse().ok());
        let orphaned = owner.is_some_and(|pid| pid != std::process::id() && !process_runs(pid));
        if (old || orphaned) && std::fs::remove_file(entry.path()).is_ok() {
            log::info!(
                "removed a leftover temporary file {}",
                entry.path().display()
            );
            removed += 1;
        }
    }
    removed
}

/// True unless the system says no process `pid` runs (Linux: no `/proc/<pid>`). Where it cannot
/// tell, it answers true, and only the age rule removes leftovers.
fn process_runs(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
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
            "new.ron: save format version 3 was written by a newer csp-explorer (this build reads versions 1 to 2); update csp-explorer to open it"
        );
        // Even when the rest uses syntax this build does not know, the version speaks first.
        let err = scenario_from_ron("(version: 7, title: \"x\", parties: {new syntax})", "n.ron")
            .unwrap_err()
            .to_string();
        assert!(err.contains("version 7 was written by a newer"), "{err}");
        let err = scenario_from_ron("(version: -1, title: \"x\")", "neg.ron")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "neg.ron: save format version -1 is not a version csp-explorer has written (this build reads versions 1 to 2); check the `version` field"
        );
    }

    #[test]
    fn a_byte_order_mark_is_accepted() {
        let text = format!("\u{feff}{}", scenario_to_ron(&sample()).unwrap());
        assert_eq!(scenario_from_ron(&text, "bom.ron").unwrap(), sample());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bom.ron");
        std::fs::write(&path, text.as_bytes()).unwrap();
        assert_eq!(load(&path).unwrap(), sample());
    }

    #[test]
    fn invalid_utf8_names_byte_line_and_column_with_a_hint() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("latin1.ron");
        std::fs::write(&path, b"(\n version: 2,\n title: \"G\xe4rten\",\n)").unwrap();
        let err = load(&path).unwrap_err().to_string();
        let name = path.display();
        assert_eq!(
            err,
            format!(
                "{name}:3:11: not valid UTF-8: byte 25 (0xE4) is not part of any character; save it as UTF-8 (in most editors: Save As → Encoding: UTF-8)"
            )
        );
    }

    fn with_party_field(field: &str) -> String {
        format!(
            "(\n version: 2,\n title: \"x\",\n parties: [\n  (\n   id: \"c\",\n   kind: customer,\n   name: \"C\",\n   organization: \"c\",\n   tenant: \"c\",\n   tenant_type: customer,\n   {field}\n  ),\n ],\n)"
        )
    }

    #[test]
    fn a_date_chrono_cannot_read_names_the_field_and_the_form() {
        for bad in ["2024-13-01", "+300000-01-01", "15.03.2020", ""] {
            let text = with_party_field(&format!("mca_accepted: \"{bad}\","));
            let err = scenario_from_ron(&text, "d.ron").unwrap_err().to_string();
            assert!(err.starts_with("d.ron:12:"), "{bad}: {err}");
            assert!(
                err.ends_with(&format!(
                    "field `mca_accepted`: \"{bad}\" is not a date: expected a date written YYYY-MM-DD from 1990-01-01 to 2100-12-31"
                )),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn values_out_of_bounds_are_refused_with_field_and_line() {
        let cases = [
            (
                "mpa_signed: \"-262143-01-01\",",
                "field `mpa_signed`: -262143-01-01 is out of range",
            ),
            (
                "position: (x: NaN, y: 0.0),",
                "field `position`: (NaN, 0) is not a place",
            ),
            (
                "position: (x: 1.0, y: inf),",
                "field `position`: (1, inf) is not a place",
            ),
            ("position: (x: 1e50, y: 0.0),", "field `position`"),
        ];
        for (field, expected) in cases {
            let err = scenario_from_ron(&with_party_field(field), "b.ron")
                .unwrap_err()
                .to_string();
            assert!(err.starts_with("b.ron:12: party `c`: "), "{field}: {err}");
            assert!(err.contains(expected), "{field}: {err}");
        }
        let long = "n".repeat(201);
        let text = with_party_field("").replace("name: \"C\"", &format!("name: \"{long}\""));
        let err = scenario_from_ron(&text, "b.ron").unwrap_err().to_string();
        assert_eq!(
            err,
            "b.ron:8: party `c`: field `name`: is 201 characters long; at most 200 are allowed"
        );
        let text = with_party_field("").replace("title: \"x\"", "title: \"a\\u{0}b\"");
        let err = scenario_from_ron(&text, "b.ron").unwrap_err().to_string();
        assert!(
            err.starts_with(
                "b.ron:3: the scenario: field `title`: has a control character (U+0000)"
            ),
            "{err}"
        );
        let link = "(\n version: 2,\n title: \"x\",\n parties: [ (id: \"a\", kind: microsoft, name: \"M\", organization: \"m\", tenant: \"m\", tenant_type: csp),\n  (id: \"b\", kind: direct_bill, name: \"B\", organization: \"b\", tenant: \"b\", tenant_type: csp) ],\n links: [\n  (id: \"s\", kind: supply, from: \"a\", to: \"b\",\n   date: \"2999-01-01\"),\n ],\n)";
        let err = scenario_from_ron(link, "l.ron").unwrap_err().to_string();
        assert!(
            err.starts_with("l.ron:8: link `s`: field `date`: 2999-01-01 is out of range"),
            "{err}"
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
    fn a_cancelled_save_leaves_the_file_as_it_was_and_a_committed_one_finishes() {
        let dir = tempfile::tempdir().unwrap();
        let big = crate::scenarios::synthetic(400);
        for name in ["s.ron", "s.cspx"] {
            let path = dir.path().join(name);
            save(&sample(), &path).unwrap();
            let old = std::fs::read(&path).unwrap();
            let progress = Progress::default();
            progress.cancel();
            let err = save_with(&big, &path, &progress).unwrap_err();
            assert!(matches!(err, SaveError::Cancelled { .. }), "{err}");
            assert!(err.to_string().contains(name), "{err}");
            assert_eq!(std::fs::read(&path).unwrap(), old, "{name} untouched");
            // Saved through the watched writer, the text is the same as without it.
            let progress = Progress::default();
            save_with(&big, &path, &progress).unwrap();
            assert_eq!(progress.fraction(), 1.0);
            assert!(
                !progress.cancel(),
                "a save that wrote its file cannot be cancelled"
            );
            assert_eq!(load(&path).unwrap(), big);
        }
        assert_eq!(
            String::from_utf8(
                scenario_to_ron_with(&big, Path::new("x"), &Progress::none()).unwrap()
            )
            .unwrap(),
            scenario_to_ron(&big).unwrap()
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            2,
            "no temporary files"
        );
    }

    #[cfg(unix)]
    #[test]
    fn saving_through_a_symlink_writes_its_target_and_keeps_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real").join("channel.ron");
        std::fs::create_dir(real.parent().unwrap()).unwrap();
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.ron");
        std::os::unix::fs::symlink("real/channel.ron", &link).unwrap();
        save(&sample(), &link).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink(),
            "the link is still a link"
        );
        assert_eq!(load(&real).unwrap(), sample(), "the target has the save");
        // A link to a link, and a dangling link (its target is created).
        let chain = dir.path().join("chain.ron");
        std::os::unix::fs::symlink(&link, &chain).unwrap();
        save(&Scenario::new("via chain"), &chain).unwrap();
        assert_eq!(load(&real).unwrap().meta.title, "via chain");
        let dangling = dir.path().join("dangling.ron");
        std::os::unix::fs::symlink("new.ron", &dangling).unwrap();
        save(&sample(), &dangling).unwrap();
        assert_eq!(load(&dir.path().join("new.ron")).unwrap(), sample());
        assert!(
            std::fs::symlink_metadata(&dangling)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        let looped = dir.path().join("loop.ron");
        std::os::unix::fs::symlink("loop.ron", &looped).unwrap();
        let err = save(&sample(), &looped).unwrap_err().to_string();
        assert!(err.contains("too many levels of symbolic links"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn devices_folders_and_fifos_are_refused_and_stay_what_they_are() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let err = save(&sample(), Path::new("/dev/null"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "/dev/null is a device, not a file: choose a file name to save to"
        );
        assert!(
            std::fs::metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_char_device()
        );
        let err = save(&sample(), dir.path()).unwrap_err().to_string();
        assert!(
            err.ends_with("is a folder, not a file: choose a file name to save to"),
            "{err}"
        );
        let fifo = dir.path().join("pipe.ron");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let err = save(&sample(), &fifo).unwrap_err().to_string();
        assert!(err.contains("is a named pipe (FIFO), not a file"), "{err}");
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
        // A symlink to a device is refused too.
        let link = dir.path().join("null.ron");
        std::os::unix::fs::symlink("/dev/null", &link).unwrap();
        assert!(matches!(
            save(&sample(), &link),
            Err(SaveError::NotAFile { .. })
        ));
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "no temporary file was made: {names:?}");
    }

    #[test]
    fn stale_temporary_files_of_ours_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let old = std::time::SystemTime::now() - STALE_TEMP_AGE - std::time::Duration::from_secs(5);
        let make = |name: &str, modified: std::time::SystemTime| {
            let path = dir.path().join(name);
            let file = std::fs::File::create(&path).unwrap();
            file.set_modified(modified).unwrap();
            path
        };
        let now = std::time::SystemTime::now();
        let me = std::process::id();
        // A process that has exited: its pid names no running process.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let gone = child.id();
        child.wait().unwrap();
        let stale_old = make(".csp-explorer-aB3xYz.tmp", old);
        let stale_pid_old = make(&format!(".csp-explorer-{me}-Qw12er.tmp"), old);
        let fresh_mine = make(&format!(".csp-explorer-{me}-Zx98cv.tmp"), now);
        let fresh_unknown = make(".csp-explorer-aB3xYq.tmp", now);
        let orphan = make(&format!(".csp-explorer-{gone}-Po09iu.tmp"), now);
        let not_ours = make(".other-app-aB3xYz.tmp", old);
        let not_tmp = make(".csp-explorer-notes.txt", old);
        save(&sample(), &dir.path().join("s.ron")).unwrap();
        assert!(!stale_old.exists() && !stale_pid_old.exists());
        assert!(
            fresh_mine.exists(),
            "a save of this process may be under way"
        );
        assert!(fresh_unknown.exists(), "without a pid, only age tells");
        if Path::new("/proc/self").exists() {
            assert!(!orphan.exists(), "its process has gone");
        }
        assert!(not_ours.exists() && not_tmp.exists());
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
