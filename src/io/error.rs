//! Why a save could not be read or written: errors that name the file, and the line and column
//! where the text gives one. Must not read or write anything; every format and the disk use these.

use crate::io::migrate::{FORMAT_VERSION, OLDEST_VERSION};
use crate::io::read::ReadError;
use crate::model::ScenarioError;

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
    /// The file is write-protected: whoever protected it meant it to stay (see
    /// [`crate::io::disk::is_read_only`]).
    #[error(
        "{path} is read-only, so it was not replaced: save under another name, or make it \
         writable first"
    )]
    ReadOnly {
        /// The path as given.
        path: String,
    },
    /// The file holds something else than a save (see [`crate::io::save::not_a_save`]): a
    /// spreadsheet the channel was imported from, perhaps.
    #[error(
        "{path} is not a csp-explorer save ({what}), so it was not replaced: a save there would \
         lose what it holds (a file this channel was imported from?); save under another name"
    )]
    NotASave {
        /// The path as given.
        path: String,
        /// What it holds, in a few words.
        what: String,
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
