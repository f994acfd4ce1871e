//! The file system's side of saving: atomic replacement (through symlinks, never over a device),
//! leftover temporary files, and the stamp that tells a file changed on disk. Must not know formats.

use crate::io::error::SaveError;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

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
