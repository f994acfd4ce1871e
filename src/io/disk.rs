//! The file system's side of saving: atomic replacement (through symlinks, never over a device),
//! leftover temporary files, and the stamp that tells a file changed on disk. Must not know formats.

use crate::io::error::SaveError;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What a file looked like when it was opened or saved: if it looks different at the next save,
/// someone else changed it (see `Document::changed_on_disk`). Kept in the crash-recovery file too,
/// so that a change made between a crash and the restore is still caught.
#[derive(Clone, Copy, Debug, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    modified: Option<std::time::SystemTime>,
    len: u64,
    /// The inode: a program that saves by renaming a new file over the old one changes it even
    /// within the file system's timestamp granularity.
    #[cfg(unix)]
    #[serde(default)]
    inode: u64,
    /// When the inode last changed (seconds and nanoseconds), which no program can set: an edit of
    /// the same size whose modification time was put back (`cp -p`, `touch -r`) still moves it.
    /// Zero in stamps kept by builds that did not record it.
    #[cfg(unix)]
    #[serde(default)]
    changed: (i64, i64),
    /// Where the system keeps no such time, a hash of the content of a small file (up to
    /// [`HASHED_UP_TO`] bytes) tells the same edit.
    #[cfg(not(unix))]
    #[serde(default)]
    hash: Option<u64>,
}

/// The largest file whose content a [`FileStamp`] hashes where the system keeps no change time.
#[cfg(not(unix))]
const HASHED_UP_TO: u64 = 4 * 1024 * 1024;

impl PartialEq for FileStamp {
    /// The same file as far as can be told: a change time recorded on one side only (a stamp kept
    /// by an older build) is not a difference.
    fn eq(&self, other: &Self) -> bool {
        #[cfg(unix)]
        let changed =
            self.changed == (0, 0) || other.changed == (0, 0) || self.changed == other.changed;
        #[cfg(not(unix))]
        let changed = self.hash.is_none() || other.hash.is_none() || self.hash == other.hash;
        #[cfg(unix)]
        let inode = self.inode == other.inode;
        #[cfg(not(unix))]
        let inode = true;
        self.modified == other.modified && self.len == other.len && inode && changed
    }
}

impl FileStamp {
    /// The stamp of the file at `path` (following symlinks), or `None` when there is none.
    pub fn of(path: &Path) -> Option<FileStamp> {
        let meta = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        Some(FileStamp {
            modified: meta.modified().ok(),
            len: meta.len(),
            #[cfg(unix)]
            inode: meta.ino(),
            #[cfg(unix)]
            changed: (meta.ctime(), meta.ctime_nsec()),
            #[cfg(not(unix))]
            hash: (meta.len() <= HASHED_UP_TO)
                .then(|| std::fs::read(path).ok().map(|bytes| fnv1a(&bytes)))
                .flatten(),
        })
    }
}

/// FNV-1a, 64 bits: a hash that stays the same across builds (it is kept in recovery files).
#[cfg(not(unix))]
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Whether `a` and `b` name the same file: the same device and inode (through symlinks and hard
/// links, and whatever case a case-insensitive system was given the name in). `false` when either
/// does not exist.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
    }
}

/// Whether the file at `path` (following symlinks) exists and is write-protected (no write
/// permission for anyone, `chmod a-w`; read-only on Windows). Such a file is protected on
/// purpose: a save asks, or is refused, before replacing it.
pub fn is_read_only(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().readonly())
}

/// Whether a write may replace a write-protected file (see [`is_read_only`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReadOnly {
    /// Refuse with [`SaveError::ReadOnly`]: the user did not say to replace it.
    #[default]
    Refuse,
    /// Replace it (the user said so: the window's question, `--force`); it stays write-protected.
    Replace,
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

/// Writes bytes atomically (see [`crate::io::save::save`]); exports use it too, so no failed export
/// leaves a partial file.
///
/// - A symlink is followed: its target is replaced and the link stays.
/// - A folder, device, FIFO or socket is refused: it never becomes a regular file.
/// - A write-protected file is refused ([`SaveError::ReadOnly`]); see [`write_atomic_with`].
/// - A new file gets the permissions the user's umask gives new files (0666 less the umask); a
///   replaced file keeps its own.
/// - The folder is synced after the rename, so the new name survives a power cut.
/// - This app's temporary files left in the folder by a killed save are removed, before the write
///   (a folder full of them is often why a write fails) and after it (see
///   [`remove_stale_temp_files`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    write_atomic_with(path, bytes, ReadOnly::Refuse)
}

/// [`write_atomic`], replacing a write-protected file when `read_only` says so.
pub fn write_atomic_with(path: &Path, bytes: &[u8], read_only: ReadOnly) -> Result<(), SaveError> {
    write_atomic_streamed(path, read_only, |file| {
        file.write_all(bytes).map_err(|source| SaveError::Io {
            path: crate::text::path(path),
            source,
        })
    })
}

/// [`write_atomic_with`] for a file written as it is made: `write` writes it into the temporary
/// file, which replaces `path` only when `write` succeeds (an error from it leaves no file and
/// `path` as it was). The checks that refuse a path (a folder, a write-protected file) come first,
/// before any of the work of writing.
pub fn write_atomic_streamed<E: From<SaveError>>(
    path: &Path,
    read_only: ReadOnly,
    write: impl FnOnce(&mut dyn Write) -> Result<(), E>,
) -> Result<(), E> {
    let io = |source| SaveError::Io {
        path: crate::text::path(path),
        source,
    };
    let target = resolve_symlinks(path).map_err(io)?;
    let dir: PathBuf = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    // First, so that even a write refused or failing below (a full disk is often full of them)
    // clears what killed saves left.
    remove_stale_temp_files(&dir);
    if let Ok(meta) = std::fs::metadata(&target)
        && let Some(what) = crate::io::read::not_a_file(&meta)
    {
        return Err(SaveError::NotAFile {
            path: crate::text::path(path),
            what,
        }
        .into());
    }
    if read_only == ReadOnly::Refuse && is_read_only(&target) {
        return Err(SaveError::ReadOnly {
            path: crate::text::path(path),
        }
        .into());
    }
    let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    // A temporary file is private (0600); a save is a document. A new one is created as any
    // program creates a file (0666, less the umask, which the system applies: 0644 usually, 0600
    // under `umask 077`); a replaced one keeps the permissions of the file it replaces.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(&dir).map_err(io)?;
    if let Ok(meta) = std::fs::metadata(&target) {
        tmp.as_file()
            .set_permissions(meta.permissions())
            .map_err(io)?;
    }
    write(tmp.as_file_mut())?;
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

    #[test]
    fn an_edit_of_the_same_size_with_its_time_put_back_changes_the_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("channel.ron");
        std::fs::write(&path, "(version: 2, title: \"ours\")").unwrap();
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        let ours = FileStamp::of(&path).unwrap();
        assert_eq!(
            FileStamp::of(&path),
            Some(ours),
            "an unchanged file looks the same"
        );
        // Someone writes as much in place and puts the time back (`cp -p`, `touch -r` do).
        std::thread::sleep(std::time::Duration::from_millis(20));
        let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        std::io::Write::write_all(&mut &file, b"(version: 2, title: \"hers\")").unwrap();
        file.set_modified(modified).unwrap();
        drop(file);
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            modified
        );
        assert_ne!(FileStamp::of(&path), Some(ours), "the edit is seen");
        // A stamp kept by a build that did not record the change time is no difference by itself.
        let mut old = FileStamp::of(&path).unwrap();
        #[cfg(unix)]
        {
            old.changed = (0, 0);
        }
        #[cfg(not(unix))]
        {
            old.hash = None;
        }
        assert_eq!(FileStamp::of(&path), Some(old));
    }

    #[test]
    fn the_same_file_is_told_through_links_and_other_names() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("parties.csv");
        let b = dir.path().join("links.csv");
        std::fs::write(&a, "a").unwrap();
        std::fs::write(&b, "a").unwrap();
        assert!(same_file(&a, &a));
        assert!(same_file(&a, &dir.path().join(".").join("parties.csv")));
        assert!(!same_file(&a, &b), "the same content is not the same file");
        assert!(!same_file(&a, &dir.path().join("missing.csv")));
        let hard = dir.path().join("hard.csv");
        std::fs::hard_link(&a, &hard).unwrap();
        assert!(same_file(&a, &hard));
        #[cfg(unix)]
        {
            let soft = dir.path().join("soft.csv");
            std::os::unix::fs::symlink("parties.csv", &soft).unwrap();
            assert!(same_file(&soft, &a));
        }
    }
}
