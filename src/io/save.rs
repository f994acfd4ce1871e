//! Loading and saving a scenario file: which format a file is (by its first bytes when read, by its
//! name when written), with progress and cancelling. Must not parse or encode a format (`ron_file.rs`,
//! `binary.rs`) nor touch the disk except through `read.rs` and `disk.rs`.
//!
//! Writes are atomic (temporary file in the same folder, flush, fsync, rename), so a crash never leaves
//! a half-written save. A file that is not a valid save gets an error naming the file, line and column.

use crate::io::binary;
use crate::io::disk::{ReadOnly, write_atomic_with};
use crate::io::error::{LoadError, SaveError};
use crate::io::read::{MAX_FILE_BYTES, ReadError, decode_unicode, open_limited};
use crate::io::ron_file::scenario_from_ron;
use crate::io::ron_file::scenario_to_ron_with;
use crate::model::{PartyId, Position, Scenario};
use crate::progress::Progress;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

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
    let name = crate::text::path(path);
    let io = |source| LoadError::Io {
        path: name.clone(),
        source,
    };
    let (file, len) = open_limited(path, limit).map_err(io)?;
    // The first bytes first: a `.cspx` header whose counts the file cannot hold is refused before
    // the rest is read (a 300 MB file of padding is not worth 300 MB of memory).
    let mut reader = file.take(limit + 1);
    let mut bytes = Vec::new();
    (&mut reader)
        .take(HEADER_PROBE)
        .read_to_end(&mut bytes)
        .map_err(|e| io(e.into()))?;
    if binary::is_binary(&bytes) {
        binary::check_header(&bytes, len).map_err(|message| LoadError::Binary {
            path: name.clone(),
            message,
        })?;
        if progress.is_cancelled() {
            return Err(LoadError::Cancelled { path: name });
        }
        // Read a window at a time: the whole file is never in memory beside the channel.
        let left = len.saturating_sub(bytes.len() as u64);
        return binary::scenario_from_file(bytes, reader, left, &name, progress);
    }
    reader.read_to_end(&mut bytes).map_err(|e| io(e.into()))?;
    if bytes.len() as u64 > limit {
        return Err(io(ReadError::TooLarge(limit)));
    }
    if progress.is_cancelled() {
        return Err(LoadError::Cancelled { path: name });
    }
    scenario_from_file_bytes(&bytes, &name, progress)
}

/// How much of a file is read before the rest to look at its header: a `.cspx` header holds the
/// title and description, at most about 82 KB.
const HEADER_PROBE: u64 = 128 * 1024;

/// A save's bytes, `.cspx` or RON (UTF-8, or UTF-16 with a byte order mark) told apart by their
/// first bytes; `name` names the source in errors (a file, or standard input).
pub fn scenario_from_file_bytes(
    bytes: &[u8],
    name: &str,
    progress: &Progress,
) -> Result<Scenario, LoadError> {
    if binary::is_binary(bytes) {
        return binary::scenario_from_bytes(bytes, name, progress);
    }
    let text = decode_unicode(bytes).map_err(|e| LoadError::Syntax {
        path: name.to_owned(),
        line: e.line,
        column: e.column,
        message: e.message,
    })?;
    let scenario = scenario_from_ron(&text, name)?;
    progress.set(1.0);
    Ok(scenario)
}

/// Saves atomically: the text goes to a temporary file in the same folder, is flushed and synced, then
/// renamed over `path`, and the folder is synced. A failure at any step leaves the previous file
/// intact. See [`crate::io::disk::write_atomic`] for symlinks, devices and leftover temporary files. A path ending in
/// `.cspx` gets the compact binary format ([`binary`]), any other RON.
pub fn save(scenario: &Scenario, path: &Path) -> Result<(), SaveError> {
    save_with(scenario, path, &Progress::none())
}

/// [`save`] for a worker thread: the bytes are made first, reporting to `progress` and stopping
/// with [`SaveError::Cancelled`] (the file untouched) when it is cancelled; then the save
/// [commits](Progress::commit), refusing any later cancel, and writes the file atomically.
pub fn save_with(scenario: &Scenario, path: &Path, progress: &Progress) -> Result<(), SaveError> {
    save_with_options(scenario, path, progress, &SaveOptions::default())
}

/// What a save may do beyond [`save`]'s defaults.
#[derive(Clone, Copy, Debug, Default)]
pub struct SaveOptions<'a> {
    /// Whether a write-protected file is replaced (the user said so) or refused.
    pub read_only: ReadOnly,
    /// Where the window draws each party: saved in place of the scenario's own positions, so that
    /// the file reopens as it was on screen (see [`crate::io::ron_file::scenario_to_ron_with`]).
    pub drawn: Option<&'a BTreeMap<PartyId, Position>>,
    /// Whether a file that holds something else than a save (see [`not_a_save`]) is replaced (the
    /// command line's `--force`) or refused.
    pub replace_other: bool,
}

/// [`save_with`], with `options`.
pub fn save_with_options(
    scenario: &Scenario,
    path: &Path,
    progress: &Progress,
    options: &SaveOptions<'_>,
) -> Result<(), SaveError> {
    // Refused before the work of writing the bytes, which can take seconds.
    refuse_replacing(path, options)?;
    let bytes = if binary::wants_binary(path) {
        let encoding = progress.part(0.0, 0.9, "Encoding");
        binary::scenario_to_bytes_with(scenario, options.drawn, &encoding).map_err(|e| match e {
            SaveError::Cancelled { .. } => SaveError::Cancelled {
                path: crate::text::path(path),
            },
            e => e,
        })?
    } else {
        let writing = progress.part(0.0, 0.9, "Writing the text");
        scenario_to_ron_with(scenario, options.drawn, path, &writing)?
    };
    let writing = progress.part(0.9, 1.0, "Writing the file");
    if !writing.commit() {
        return Err(SaveError::Cancelled {
            path: crate::text::path(path),
        });
    }
    write_atomic_with(path, &bytes, options.read_only)?;
    writing.set(1.0);
    Ok(())
}

/// Refuses to write `path` where `options` do not allow replacing what it is.
fn refuse_replacing(path: &Path, options: &SaveOptions<'_>) -> Result<(), SaveError> {
    if options.read_only == ReadOnly::Refuse && crate::io::disk::is_read_only(path) {
        return Err(SaveError::ReadOnly {
            path: crate::text::path(path),
        });
    }
    if !options.replace_other
        && let Some(what) = not_a_save(path)
    {
        return Err(SaveError::NotASave {
            path: crate::text::path(path),
            what,
        });
    }
    Ok(())
}

/// Writes the `.cspx` save at `input` to `output`, a `.cspx` name, as [`load`] then
/// [`save_with_options`] would, byte for byte, without building the scenario in between (see
/// [`binary::resaved`]); returns the numbers of parties and links written. `Ok(None)` when it
/// cannot be done that way (`input` is RON, of an older version, damaged, …) and nothing was
/// written: the caller then loads and saves, which also words what is wrong with `input`.
pub fn resave_binary(
    input: &Path,
    output: &Path,
    options: &SaveOptions<'_>,
) -> Result<Option<(usize, usize)>, SaveError> {
    if !binary::wants_binary(output) || options.drawn.is_some() {
        return Ok(None);
    }
    let Ok((file, len)) = open_limited(input, MAX_FILE_BYTES) else {
        return Ok(None);
    };
    let mut reader = file.take(len);
    let mut bytes = Vec::new();
    // The first bytes first: RON is left to the load without being read twice.
    let is_cspx = (&mut reader)
        .take(binary::MAGIC.len() as u64)
        .read_to_end(&mut bytes)
        .is_ok_and(|_| binary::is_binary(&bytes));
    if !is_cspx {
        return Ok(None);
    }
    bytes.reserve_exact(len as usize);
    if reader.read_to_end(&mut bytes).is_err() {
        return Ok(None);
    }
    let Some((resaved, parties, links)) = binary::resaved(&bytes) else {
        return Ok(None);
    };
    refuse_replacing(output, options)?;
    write_atomic_with(output, &resaved, options.read_only)?;
    Ok(Some((parties, links)))
}

/// How the `.cspx` save at `path` differs from `base`, loaded already (see
/// [`binary::whatif_changes`]): `diff` of two saves loads one of them, not both. `None` when it
/// cannot be told that way (the file is RON, of an older version, cannot be read, would not
/// load): the caller then loads it, which also words what is wrong with it.
pub fn whatif_changes(path: &Path, base: &Scenario) -> Option<crate::whatif::Changes> {
    let (file, len) = open_limited(path, MAX_FILE_BYTES).ok()?;
    let mut reader = file.take(len);
    let mut bytes = Vec::new();
    (&mut reader)
        .take(HEADER_PROBE)
        .read_to_end(&mut bytes)
        .ok()?;
    if !binary::is_binary(&bytes) || binary::check_header(&bytes, len).is_err() {
        return None;
    }
    let left = len.saturating_sub(bytes.len() as u64);
    binary::whatif_changes_from_file(bytes, reader, left, &crate::text::path(path), base)
}

/// What the file at `path` holds, when it is something a save must not replace: not empty, and
/// neither a `.cspx` nor RON by its first bytes. Save As onto the spreadsheet a channel was
/// imported from (the name the user remembers) replaced it with RON, and the file dialog's
/// "replace it?" reads the same for a save as for a spreadsheet. `None` when there is no such
/// file (or it cannot be read: the write says why).
pub fn not_a_save(path: &Path) -> Option<String> {
    // A folder, device or FIFO is refused here: the write says what it is.
    let (file, _) = open_limited(path, u64::MAX).ok()?;
    let mut head = Vec::new();
    file.take(4096).read_to_end(&mut head).ok()?;
    if head.is_empty() || binary::is_binary(&head) {
        return None;
    }
    let text = match encoding_rs::Encoding::for_bom(&head) {
        Some((encoding, bom)) => encoding
            .decode_without_bom_handling(&head[bom..])
            .0
            .into_owned(),
        None => String::from_utf8_lossy(&head).into_owned(),
    };
    if looks_like_ron(&text) {
        return None;
    }
    Some(match crate::io::import::workbook::sniff(&head) {
        crate::io::import::workbook::Sniffed::Other(what) => what.to_owned(),
        crate::io::import::workbook::Sniffed::Container => {
            "a workbook or another ZIP archive".to_owned()
        }
        crate::io::import::workbook::Sniffed::Text => {
            let first = text.trim_start().lines().next().unwrap_or_default();
            format!("it begins \"{}\"", crate::text::escaped(first, 40))
        }
    })
}

/// Whether a text starts as a RON save does: `(` (or a struct's name and `(`, or a `#![enable]`
/// attribute) after white space and comments.
fn looks_like_ron(text: &str) -> bool {
    let mut rest = text.trim_start();
    loop {
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.split_once("*/").map_or("", |(_, r)| r).trim_start();
        } else {
            break;
        }
    }
    let name = rest.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
    rest.is_empty() || rest.starts_with("#!") || name.trim_start().starts_with('(')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::disk::STALE_TEMP_AGE;
    use crate::io::ron_file::tests::sample;
    use crate::io::ron_file::{scenario_to_ron, scenario_to_ron_with};

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
                scenario_to_ron_with(&big, None, Path::new("x"), &Progress::none()).unwrap()
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
        std::fs::write(&real, "(old)").unwrap();
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

    /// Save As onto the spreadsheet a channel was imported from (or any file that is not a save)
    /// is refused, naming what the file begins with, and the file is left as it was; a save, an
    /// empty file, RON with comments first or in UTF-16 are replaced as before, and so is anything
    /// with `replace_other` (`--force`).
    #[test]
    fn a_save_does_not_replace_a_file_that_is_not_a_save() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("parties.csv");
        let spreadsheet = "id,kind,name,country\nms,microsoft,Microsoft,\n";
        std::fs::write(&csv, spreadsheet).unwrap();
        let e = save(&sample(), &csv).unwrap_err().to_string();
        assert_eq!(
            e,
            format!(
                "{} is not a csp-explorer save (it begins \"id,kind,name,country\"), so it was not \
                 replaced: a save there would lose what it holds (a file this channel was imported \
                 from?); save under another name",
                csv.display()
            )
        );
        assert_eq!(std::fs::read_to_string(&csv).unwrap(), spreadsheet);
        let pdf = dir.path().join("report.ron");
        std::fs::write(&pdf, b"%PDF-1.7\n").unwrap();
        let e = save(&sample(), &pdf).unwrap_err().to_string();
        assert!(e.contains("(a PDF document)"), "{e}");
        let options = SaveOptions {
            replace_other: true,
            ..SaveOptions::default()
        };
        save_with_options(&sample(), &csv, &Progress::none(), &options).unwrap();
        assert_eq!(load(&csv).unwrap(), sample());
        let ron = scenario_to_ron(&sample()).unwrap();
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(ron.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        for existing in [
            ron.clone().into_bytes(),
            format!("// my channel\n/* kept by hand */\n{ron}").into_bytes(),
            utf16,
            Vec::new(),
            crate::io::binary::scenario_to_bytes(&sample()).unwrap(),
        ] {
            let path = dir.path().join("mine.ron");
            std::fs::write(&path, &existing).unwrap();
            save(&sample(), &path).unwrap();
        }
    }

    /// A stale temporary file of a killed save, in `dir`: its process has gone (or, where `/proc`
    /// does not tell, it is old).
    fn leftover(dir: &Path) -> std::path::PathBuf {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let gone = child.id();
        child.wait().unwrap();
        let path = dir.join(format!(".csp-explorer-{gone}-Lf00er.tmp"));
        let file = std::fs::File::create(&path).unwrap();
        let old = std::time::SystemTime::now() - STALE_TEMP_AGE - std::time::Duration::from_secs(5);
        file.set_modified(old).unwrap();
        path
    }

    #[test]
    fn leftovers_are_removed_when_a_folder_is_written_even_if_the_write_fails() {
        let dir = tempfile::tempdir().unwrap();
        let stale = leftover(dir.path());
        let folder = dir.path().join("a-folder");
        std::fs::create_dir(&folder).unwrap();
        assert!(matches!(
            save(&sample(), &folder),
            Err(SaveError::NotAFile { .. })
        ));
        assert!(
            !stale.exists(),
            "a refused save still clears the folder of a killed save's leftovers"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_write_protected_file_is_refused_unless_replacing_it_was_asked_and_stays_protected() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("protected.ron");
        std::fs::write(&path, "(theirs)").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let err = save(&sample(), &path).unwrap_err();
        assert!(matches!(err, SaveError::ReadOnly { .. }), "{err}");
        assert!(
            err.to_string()
                .ends_with("protected.ron is read-only, so it was not replaced: save under another name, or make it writable first"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "(theirs)");
        for name in ["protected.ron", "protected.cspx"] {
            let path = dir.path().join(name);
            std::fs::write(&path, "(theirs)").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
            let options = SaveOptions {
                read_only: ReadOnly::Replace,
                ..SaveOptions::default()
            };
            save_with_options(&sample(), &path, &Progress::none(), &options).unwrap();
            assert_eq!(load(&path).unwrap(), sample());
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o444, "{name}: still write-protected");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("private.ron");
        std::fs::write(&path, "(old)").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        save(&sample(), &path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }
}
