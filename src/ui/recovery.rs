//! Crash recovery and preferences: files the app writes itself, atomically, in its state folder.
//!
//! Why not eframe's storage alone: eframe keeps everything in one `app.ron` that it rewrites *in
//! place* (create, then write) on a background thread every 30 s and at exit. A kill or power cut
//! between the two leaves it empty or cut short, and eframe then starts from nothing: the autosave
//! kept inside it was gone, and with it the recent files, best lesson scores and theme. So what we
//! cannot lose is written here instead, by us, through [`crate::io::save::write_atomic`] (temporary
//! file, fsync, rename: a reader sees the old file or the new one, never half of one):
//!
//! - `recovery/<session>.ron`: the unsaved document state of one session (see [`Recovery`]); a
//!   large scenario goes beside it as `recovery/<session>.<n>.cspx` (the compact binary save), which
//!   the `.ron` names: it is written first, so the `.ron` always names a complete file;
//! - `preferences.ron`: the preferences, read first at start.
//!
//! eframe's `app.ron` still receives a copy of the preferences (an older build reads them there, and
//! a newer one falls back to it when `preferences.ron` is missing or unreadable); a 0-byte or garbled
//! `app.ron` is harmless, because eframe then starts empty and we read our own file. It keeps only
//! what is fine to lose: the window's size and egui's memory.
//!
//! Sessions: each running app holds an OS lock on `recovery/<session>.lock` for its lifetime. Another
//! app starting meanwhile sees that lock and leaves that session's file alone (two windows open at
//! once do not offer each other's work). The OS drops the lock when the process dies however it
//! dies, so a crashed session's file is one whose lock can be taken: that is what the recovery offer
//! lists. A session writes only its own file, so a new session that ignores the offer never
//! overwrites the work it offered; the file stays until the user restores or discards it.
//!
//! Writing happens on a thread of its own ([`Autosaver`]): serialising a 300,000-party scenario
//! takes seconds, and the window must not freeze after every edit. The window hands it a
//! [`Snapshot`] that shares the scenario instead of copying it; at most one write runs, and a newer
//! snapshot replaces one still waiting (the latest state wins).

use super::document::Document;
use crate::io::SaveError;
use crate::io::save::FileStamp;
use crate::model::{PartyId, Position, Scenario};
use crate::progress::Progress;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// eframe's app id: its storage folder is where our files go by default.
pub const APP_ID: &str = "csp-explorer";

/// Overrides the state folder (recovery files, preferences and eframe's `app.ron`): a portable
/// setup, or a script that must not touch the user's own state.
pub const STATE_DIR_ENV: &str = "CSP_EXPLORER_STATE_DIR";

/// The version of [`Recovery`] this build writes and reads.
pub const RECOVERY_VERSION: u32 = 1;

/// The state folder: `$CSP_EXPLORER_STATE_DIR` when set, else the folder eframe keeps `app.ron` in
/// (`~/.local/share/csp-explorer` on Linux, `~/Library/Application Support/csp-explorer` on macOS,
/// `%APPDATA%\csp-explorer\data` on Windows).
pub fn default_state_dir() -> Option<PathBuf> {
    std::env::var_os(STATE_DIR_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| eframe::storage_dir(APP_ID))
}

/// One document as it was on screen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedDocument {
    /// The file it belongs to (Save writes there again after a restore).
    pub path: Option<PathBuf>,
    /// Unsaved changes (against that file, or never saved).
    pub dirty: bool,
    /// A lesson's scratch scenario.
    #[serde(default)]
    pub scratch: bool,
    /// The scenario as save-file text (the same loader and checks as any save); empty when it
    /// is in `scenario_file`.
    pub scenario: String,
    /// A large scenario is kept beside this file as `.cspx` (the compact binary save: seconds
    /// faster to write than RON at 100,000 parties); this is that file's name, in the same folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_file: Option<String>,
    /// Where every party was drawn, including those without a saved position: the tier layout
    /// would place them elsewhere after some edits, and the user saw them here.
    #[serde(default)]
    pub drawn: BTreeMap<String, Position>,
    /// How the file looked when it was opened or last saved: a save after the restore still asks
    /// when someone changed it meanwhile.
    #[serde(default)]
    pub disk: Option<crate::io::save::FileStamp>,
}

impl SavedDocument {
    /// The document's state, ready to write (the scenario as RON text).
    pub fn of(doc: &Document) -> Result<Self, ron::Error> {
        Ok(SavedDocument {
            path: doc.path.clone(),
            dirty: doc.is_dirty(),
            scratch: doc.scratch,
            scenario: crate::io::scenario_to_ron(doc.scenario())?,
            scenario_file: None,
            drawn: doc
                .positions()
                .iter()
                .map(|(id, p)| (id.to_string(), *p))
                .collect(),
            disk: doc.disk_stamp(),
        })
    }

    /// The document back, as it was; `source` is the recovery file's path (it names it in errors,
    /// and a `scenario_file` is read from its folder).
    pub fn restore(&self, source: &str) -> Result<Document, crate::io::LoadError> {
        let scenario = match &self.scenario_file {
            Some(name) => {
                if !is_sibling_name(name) {
                    return Err(crate::io::LoadError::Binary {
                        path: source.to_owned(),
                        message: format!(
                            "`{name}` is not a recovery file's name (a plain `.cspx` file name)"
                        ),
                    });
                }
                crate::io::load(&Path::new(source).with_file_name(name))?
            }
            None => crate::io::scenario_from_ron(&self.scenario, source)?,
        };
        let mut doc = Document::new(scenario);
        doc.path = self.path.clone();
        doc.set_disk_stamp(self.disk);
        doc.scratch = self.scratch;
        if self.dirty {
            doc.mark_unsaved();
        }
        let drawn: BTreeMap<PartyId, Position> = self
            .drawn
            .iter()
            .map(|(id, p)| (PartyId::from(id.as_str()), *p))
            .collect();
        doc.restore_drawn_positions(&drawn);
        Ok(doc)
    }
}

/// The base of a comparison, as it was.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedBase {
    /// A fork (a what-if of the open scenario) rather than a file opened to compare with.
    pub fork: bool,
    /// The base document.
    pub doc: SavedDocument,
}

/// True for a name this module gives a scenario kept beside a recovery file: a plain file name
/// ending in `.cspx` (a recovery file edited by hand must not make the app read anything else).
fn is_sibling_name(name: &str) -> bool {
    name.ends_with(".cspx")
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// From how many parties and links on a scenario is kept as `.cspx` beside the recovery file
/// rather than as RON inside it: RON of 20,000 entries takes about a tenth of a second, of
/// 1.3 million about ten seconds, against about one as `.cspx`.
pub const BINARY_FROM: usize = 20_000;

/// One document as on screen, for the writer thread: the scenario is shared with the document (no
/// copy), the rest is small or copied cheaply.
pub struct DocSnapshot {
    path: Option<PathBuf>,
    dirty: bool,
    scratch: bool,
    scenario: Arc<Scenario>,
    drawn: BTreeMap<PartyId, Position>,
    disk: Option<FileStamp>,
}

impl DocSnapshot {
    /// The document as it is now.
    pub fn of(doc: &Document) -> Self {
        DocSnapshot {
            path: doc.path.clone(),
            dirty: doc.is_dirty(),
            scratch: doc.scratch,
            scenario: doc.shared_scenario(),
            // Only where the drawing differs from the saved position: a restore puts back the
            // parties the layout placed (see `Document::restore_drawn_positions`), the others are
            // drawn where the scenario says. An imported or laid-out channel keeps almost nothing.
            drawn: doc
                .positions()
                .iter()
                .filter(|(id, at)| {
                    doc.scenario()
                        .party(id.as_str())
                        .is_none_or(|p| p.position != Some(**at))
                })
                .map(|(id, at)| (id.clone(), *at))
                .collect(),
            disk: doc.disk_stamp(),
        }
    }

    /// Serialises it: as RON inside, or as `.cspx` written to `beside` (a path in the recovery
    /// folder) for a scenario of [`BINARY_FROM`] entries or more. Stops when `progress` is
    /// cancelled.
    fn saved(
        self,
        beside: impl FnOnce() -> PathBuf,
        binary_from: usize,
        progress: &Progress,
    ) -> Result<SavedDocument, SaveError> {
        let s = &self.scenario;
        let (scenario, scenario_file) = if s.party_count() + s.link_count() >= binary_from {
            let file = beside();
            let bytes = crate::io::binary::scenario_to_bytes_with(s, progress)?;
            crate::io::save::write_atomic(&file, &bytes)?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (String::new(), Some(name))
        } else {
            let bytes = crate::io::save::scenario_to_ron_with(s, Path::new("recovery"), progress)?;
            let text = String::from_utf8(bytes)
                .map_err(|e| SaveError::Binary(format!("RON text that is not UTF-8: {e}")))?;
            (text, None)
        };
        drop(self.scenario);
        Ok(SavedDocument {
            path: self.path,
            dirty: self.dirty,
            scratch: self.scratch,
            scenario,
            scenario_file,
            drawn: self
                .drawn
                .into_iter()
                .map(|(id, p)| (id.to_string(), p))
                .collect(),
            disk: self.disk,
        })
    }
}

/// Everything the recovery file is written from, taken on the UI thread without copying the
/// scenario (see [`DocSnapshot`]).
pub struct Snapshot {
    /// When (local time), for the offer.
    pub saved_at: String,
    /// The window's title, for the offer.
    pub title: String,
    /// The open document.
    pub doc: DocSnapshot,
    /// The what-if base or compared file (true for a fork).
    pub base: Option<(bool, DocSnapshot)>,
}

/// Everything needed to put a window's work back after a crash.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recovery {
    /// [`RECOVERY_VERSION`] when written.
    pub version: u32,
    /// When it was written (local time), for the offer.
    pub saved_at: String,
    /// The window's title then, for the offer.
    pub title: String,
    /// The open document.
    pub doc: SavedDocument,
    /// The what-if base or compared file, if one was open.
    #[serde(default)]
    pub base: Option<SavedBase>,
}

/// Reads only the version, so that a newer file is refused by its version.
#[derive(Deserialize)]
struct VersionProbe {
    version: u32,
}

impl Recovery {
    /// Parses a recovery file's text; `source` names it in errors.
    pub fn parse(text: &str, source: &str) -> Result<Self, String> {
        if let Ok(VersionProbe { version: found }) = ron::from_str::<VersionProbe>(text)
            && found > RECOVERY_VERSION
        {
            return Err(format!(
                "{source}: written by a newer csp-explorer (recovery format {found}; this build reads {RECOVERY_VERSION}): open it with that version"
            ));
        }
        ron::from_str(text).map_err(|e| {
            format!(
                "{source}:{}:{}: {}",
                e.span.start.line, e.span.start.col, e.code
            )
        })
    }

    /// The text written to disk.
    pub fn to_text(&self) -> Result<String, ron::Error> {
        // The scenario text unescaped (a raw string): the file reads like a save inside a wrapper.
        let pretty = ron::ser::PrettyConfig::new()
            .struct_names(false)
            .escape_strings(false);
        ron::ser::to_string_pretty(self, pretty)
    }
}

/// A recovery file left by a session that is no longer running.
#[derive(Clone, Debug)]
pub struct Orphan {
    /// The file.
    pub path: PathBuf,
    /// Its contents, or why they cannot be read.
    pub recovery: Result<Recovery, String>,
}

/// The state folder and this session's place in it.
pub struct StateDir {
    dir: PathBuf,
    session: String,
    /// Held while the session runs (see the module docs). `None` when the folder cannot be written:
    /// the app then runs without recovery rather than not at all.
    lock: Option<File>,
    /// True while this session's recovery file exists.
    written: bool,
}

/// Makes session names unique within a process too (tests open several apps at once).
fn next_session() -> String {
    static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let serial = SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!(
        "{}-{}-{serial}",
        chrono::Local::now().format("%Y%m%d-%H%M%S"),
        std::process::id()
    )
}

/// Opens (creating if needed) a lock file and takes its lock without waiting; `Ok(None)` when
/// another process (or another open handle) holds it.
fn try_lock(path: &Path) -> std::io::Result<Option<File>> {
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

impl StateDir {
    /// Starts a session in `dir`: creates `dir/recovery` (private to the user on Unix: it holds
    /// unsaved business data) and takes this session's lock.
    pub fn open(dir: PathBuf) -> Self {
        let session = next_session();
        let recovery = dir.join("recovery");
        let lock = std::fs::create_dir_all(&recovery)
            .and_then(|()| {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(&recovery, std::fs::Permissions::from_mode(0o700))?;
                }
                try_lock(&recovery.join(format!("{session}.lock")))
            })
            .map_err(|e| {
                log::warn!(
                    "crash recovery is off: cannot use {}: {e}",
                    recovery.display()
                )
            })
            .ok()
            .flatten();
        StateDir {
            dir,
            session,
            lock,
            written: false,
        }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn recovery_dir(&self) -> PathBuf {
        self.dir.join("recovery")
    }

    /// This session's recovery file.
    pub fn own_file(&self) -> PathBuf {
        self.recovery_dir().join(format!("{}.ron", self.session))
    }

    /// True while this session's recovery file exists.
    pub fn has_written(&self) -> bool {
        self.written
    }

    /// Where the writer thread writes this session's files; refused while this session holds no
    /// lock (another app would take its files for a crashed session's).
    pub fn target(&self) -> Result<Target, SaveError> {
        if self.lock.is_none() {
            return Err(SaveError::Io {
                path: self.own_file().display().to_string(),
                source: std::io::Error::other("the state folder cannot be written"),
            });
        }
        Ok(Target {
            folder: self.recovery_dir(),
            session: self.session.clone(),
        })
    }

    /// Records what the writer thread did: this session's recovery file exists (or not) now.
    pub fn set_written(&mut self, written: bool) {
        self.written = written;
    }

    /// Writes this session's recovery file atomically.
    pub fn write_recovery(&mut self, recovery: &Recovery) -> Result<(), SaveError> {
        if self.lock.is_none() {
            // Without the lock another app would take the file for a crashed session's.
            return Err(SaveError::Io {
                path: self.own_file().display().to_string(),
                source: std::io::Error::other("the state folder cannot be written"),
            });
        }
        let text = recovery.to_text()?;
        crate::io::save::write_atomic(&self.own_file(), text.as_bytes())?;
        self.written = true;
        Ok(())
    }

    /// Removes this session's recovery file (nothing is unsaved any more, or the user chose to
    /// discard it).
    pub fn remove_own(&mut self) {
        if let Ok(target) = self.target() {
            target.remove();
        } else {
            let _ = std::fs::remove_file(self.own_file());
        }
        self.written = false;
    }

    /// Recovery files of sessions that are not running (crashed, killed, or closed without
    /// discarding), newest first. Lock files left without a recovery file are tidied away.
    pub fn orphans(&self) -> Vec<Orphan> {
        let dir = self.recovery_dir();
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(stem) = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else {
                continue;
            };
            if stem == self.session {
                continue;
            }
            let ext = path.extension().and_then(|e| e.to_str());
            let lock_path = dir.join(format!("{stem}.lock"));
            match ext {
                Some("ron") => {}
                Some("cspx") => {
                    // A scenario kept beside a recovery file: litter once its session is gone
                    // and its `.ron` too (a crash between writing the two).
                    let session = stem.split('.').next().unwrap_or_default();
                    let lock = dir.join(format!("{session}.lock"));
                    if session != self.session
                        && !dir.join(format!("{session}.ron")).exists()
                        && !matches!(try_lock(&lock), Ok(None))
                    {
                        let _ = std::fs::remove_file(&path);
                    }
                    continue;
                }
                Some("lock") if !dir.join(format!("{stem}.ron")).exists() => {
                    // A session that ended without a file to recover: its lock is litter once free.
                    if let Ok(Some(lock)) = try_lock(&lock_path) {
                        drop(lock);
                        let _ = std::fs::remove_file(&lock_path);
                    }
                    continue;
                }
                _ => continue,
            }
            // A running session holds its lock: its file is live work, not a crash's.
            if let Ok(None) = try_lock(&lock_path) {
                continue;
            }
            let modified = entry.metadata().and_then(|m| m.modified()).ok();
            let source = path.display().to_string();
            let recovery = read_own(&path)
                .map_err(|e| format!("{source}: {e}"))
                .and_then(|text| Recovery::parse(&text, &source));
            found.push((modified, Orphan { path, recovery }));
        }
        found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.path.cmp(&a.1.path)));
        found.into_iter().map(|(_, o)| o).collect()
    }

    /// Removes a crashed session's files (the user discarded its work, or it was restored and this
    /// session's own file now holds it).
    pub fn discard(&self, orphan: &Orphan) -> std::io::Result<()> {
        match std::fs::remove_file(&orphan.path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        if let (Some(folder), Some(session)) = (
            orphan.path.parent(),
            orphan.path.file_stem().and_then(|s| s.to_str()),
        ) {
            remove_beside(folder, session, &[]);
        }
        let _ = std::fs::remove_file(orphan.path.with_extension("lock"));
        Ok(())
    }

    /// Writes an older build's autosave (kept inside eframe's `app.ron`) as a crashed session's
    /// recovery file, so that it is offered like any other.
    pub fn adopt_legacy_autosave(&self, scenario: String) -> Result<(), SaveError> {
        let title = crate::io::scenario_from_ron(&scenario, "the autosave")
            .map(|s| s.meta.title)
            .unwrap_or_else(|_| "Unsaved work".to_owned());
        let recovery = Recovery {
            version: RECOVERY_VERSION,
            saved_at: "before this version".to_owned(),
            title,
            doc: SavedDocument {
                path: None,
                dirty: true,
                scratch: false,
                scenario,
                scenario_file: None,
                drawn: BTreeMap::new(),
                disk: None,
            },
            base: None,
        };
        let path = self
            .recovery_dir()
            .join(format!("{}-legacy.ron", next_session()));
        crate::io::save::write_atomic(&path, recovery.to_text()?.as_bytes())
    }

    fn preferences_file(&self) -> PathBuf {
        self.dir.join("preferences.ron")
    }

    /// The preferences as last written: `Ok(None)` when there is no file yet, `Err` naming the file
    /// and place when it cannot be read (the caller falls back to eframe's copy).
    pub fn load_preferences<T: DeserializeOwned>(&self) -> Result<Option<T>, String> {
        let path = self.preferences_file();
        let Some(text) = read_own_if_any(&path)? else {
            return Ok(None);
        };
        ron::from_str(&text).map(Some).map_err(|e| {
            format!(
                "{}:{}:{}: {}",
                path.display(),
                e.span.start.line,
                e.span.start.col,
                e.code
            )
        })
    }

    /// Writes the preferences atomically.
    pub fn save_preferences<T: Serialize>(&self, value: &T) -> Result<(), SaveError> {
        let text =
            ron::ser::to_string_pretty(value, ron::ser::PrettyConfig::new().struct_names(false))?;
        self.write_own(&self.preferences_file(), &text)
    }

    /// `lesson.ron`: the lesson in progress when the window was closed (see
    /// [`crate::ui::training::SavedLesson`]). One per state folder, like the preferences: the last
    /// window to run a lesson keeps its place.
    pub fn lesson_file(&self) -> PathBuf {
        self.dir.join("lesson.ron")
    }

    /// The text of the lesson file: `Ok(None)` when there is none, `Err` naming it when it cannot
    /// be read.
    pub fn read_lesson(&self) -> Result<Option<String>, String> {
        read_own_if_any(&self.lesson_file())
    }

    /// Writes the lesson file atomically.
    pub fn write_lesson(&self, text: &str) -> Result<(), SaveError> {
        self.write_own(&self.lesson_file(), text)
    }

    /// Removes the lesson file (none is fine).
    pub fn remove_lesson(&self) {
        match std::fs::remove_file(self.lesson_file()) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                log::warn!("{}: not removed: {e}", self.lesson_file().display())
            }
            _ => {}
        }
    }

    fn write_own(&self, path: &Path, text: &str) -> Result<(), SaveError> {
        std::fs::create_dir_all(&self.dir).map_err(|source| SaveError::Io {
            path: self.dir.display().to_string(),
            source,
        })?;
        crate::io::save::write_atomic(path, text.as_bytes())
    }
}

impl Drop for StateDir {
    /// A session that leaves nothing to recover leaves no lock file either. (A crash skips this;
    /// the next start tidies such a lock file away.)
    fn drop(&mut self) {
        if let Some(lock) = self.lock.take() {
            drop(lock);
            if !self.own_file().exists() {
                let _ = std::fs::remove_file(self.own_file().with_extension("lock"));
            }
        }
    }
}

/// Removes the scenarios kept beside `session`'s recovery file (`<session>.<n>.cspx`) in
/// `folder`, except those named in `keep`.
fn remove_beside(folder: &Path, session: &str, keep: &[&str]) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let prefix = format!("{session}.");
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        if name.starts_with(&prefix) && name.ends_with(".cspx") && !keep.contains(&name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Where the writer thread puts one session's files.
#[derive(Clone, Debug)]
pub struct Target {
    folder: PathBuf,
    session: String,
}

impl Target {
    fn file(&self) -> PathBuf {
        self.folder.join(format!("{}.ron", self.session))
    }

    /// A fresh name for a scenario kept beside the recovery file.
    fn beside(&self) -> PathBuf {
        static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.folder.join(format!("{}.{n}.cspx", self.session))
    }

    /// Writes the recovery file from `snapshot`: the scenarios kept beside it first, then the
    /// file naming them (atomically), then the older ones go.
    fn write(
        &self,
        snapshot: Snapshot,
        binary_from: usize,
        progress: &Progress,
    ) -> Result<(), SaveError> {
        let doc = snapshot
            .doc
            .saved(|| self.beside(), binary_from, progress)?;
        let base = match snapshot.base {
            Some((fork, b)) => Some(SavedBase {
                fork,
                doc: b.saved(|| self.beside(), binary_from, progress)?,
            }),
            None => None,
        };
        let recovery = Recovery {
            version: RECOVERY_VERSION,
            saved_at: snapshot.saved_at,
            title: snapshot.title,
            doc,
            base,
        };
        let text = recovery.to_text()?;
        if !progress.commit() {
            return Err(SaveError::Cancelled {
                path: self.file().display().to_string(),
            });
        }
        crate::io::save::write_atomic(&self.file(), text.as_bytes())?;
        let keep: Vec<&str> = std::iter::once(&recovery.doc)
            .chain(recovery.base.as_ref().map(|b| &b.doc))
            .filter_map(|d| d.scenario_file.as_deref())
            .collect();
        remove_beside(&self.folder, &self.session, &keep);
        Ok(())
    }

    /// Removes the recovery file and what is kept beside it.
    fn remove(&self) {
        let path = self.file();
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => log::warn!("cannot remove {}: {e}", path.display()),
        }
        remove_beside(&self.folder, &self.session, &[]);
    }
}

/// What the writer thread is asked to do.
pub enum Task {
    /// Write the recovery file from this snapshot.
    Write(Target, Box<Snapshot>),
    /// Remove the recovery file (nothing is unsaved any more, or the user threw the work away).
    Remove(Target),
}

/// What the writer thread did.
#[derive(Debug, PartialEq, Eq)]
pub enum Done {
    /// The recovery file now holds the snapshot.
    Written,
    /// The recovery file is gone.
    Removed,
    /// Writing failed; the previous file (if any) is as it was.
    Failed(String),
}

#[derive(Default)]
struct Slot {
    /// The next task; a newer one replaces it unstarted (the latest state wins).
    queued: Option<Task>,
    /// The write in progress (to cancel it), if any.
    running: Option<Progress>,
    /// True while a task runs.
    busy: bool,
    /// Finished tasks, for the window to read.
    done: Vec<Done>,
    /// The window is going: finish what is queued, then stop.
    closing: bool,
}

#[derive(Default)]
struct Shared {
    slot: Mutex<Slot>,
    changed: Condvar,
}

/// The recovery file's writer: a thread of its own that serialises snapshots and writes them,
/// one at a time, without ever making the window wait (except at exit, see
/// [`Autosaver::flush`]).
pub struct Autosaver {
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
    ctx: Option<egui::Context>,
    /// From how many entries a scenario is kept as `.cspx` (see [`BINARY_FROM`]).
    pub binary_from: usize,
}

impl Default for Autosaver {
    fn default() -> Self {
        Autosaver {
            shared: Arc::default(),
            thread: None,
            ctx: None,
            binary_from: BINARY_FROM,
        }
    }
}

impl Autosaver {
    /// A writer that asks `ctx` for a frame when it has finished something.
    pub fn new(ctx: egui::Context) -> Self {
        Autosaver {
            shared: Arc::default(),
            thread: None,
            ctx: Some(ctx),
            binary_from: BINARY_FROM,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Slot> {
        self.shared
            .slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Hands the writer a task; one still waiting is replaced (its snapshot is out of date).
    pub fn submit(&mut self, task: Task) {
        if self.thread.is_none() {
            let shared = Arc::clone(&self.shared);
            let ctx = self.ctx.clone();
            let binary_from = self.binary_from;
            match std::thread::Builder::new()
                .name("csp-explorer recovery".into())
                .spawn(move || writer(&shared, ctx.as_ref(), binary_from))
            {
                Ok(handle) => self.thread = Some(handle),
                Err(e) => {
                    self.lock().done.push(Done::Failed(format!(
                        "no writer thread could be started: {e}"
                    )));
                    return;
                }
            }
        }
        self.lock().queued = Some(task);
        self.shared.changed.notify_all();
    }

    /// What the writer finished since the last call, oldest first.
    pub fn finished(&mut self) -> Vec<Done> {
        std::mem::take(&mut self.lock().done)
    }

    /// True while a task runs or waits.
    pub fn is_busy(&self) -> bool {
        let slot = self.lock();
        slot.busy || slot.queued.is_some()
    }

    /// Gives the scenario back to the window before an edit: a write still waiting is dropped and
    /// the one running is cancelled (both are out of date once the edit is made), and this waits
    /// (at most `patience`) until the writer has let go of its snapshot, so that the edit need not
    /// copy the scenario. A removal is never dropped. True when the writer holds no snapshot now.
    pub fn let_go(&mut self, patience: Duration) -> bool {
        let mut slot = self.lock();
        if matches!(slot.queued, Some(Task::Write(..))) {
            slot.queued = None;
        }
        if let Some(progress) = &slot.running {
            progress.cancel();
        }
        let deadline = std::time::Instant::now() + patience;
        while slot.running.is_some() {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return false;
            }
            slot = self
                .shared
                .changed
                .wait_timeout(slot, left)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
        true
    }

    /// Waits until everything handed to the writer is done (at exit, or where a test needs the file
    /// now).
    pub fn flush(&mut self) {
        let mut slot = self.lock();
        while slot.busy || slot.queued.is_some() {
            slot = self
                .shared
                .changed
                .wait(slot)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }
}

impl Drop for Autosaver {
    /// The window is going: what was handed to the writer is still written (or removed), then the
    /// thread ends.
    fn drop(&mut self) {
        self.lock().closing = true;
        self.shared.changed.notify_all();
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            log::error!("the recovery writer stopped on an internal error");
        }
    }
}

/// The writer thread's loop.
fn writer(shared: &Shared, ctx: Option<&egui::Context>, binary_from: usize) {
    let lock = || {
        shared
            .slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    loop {
        let mut slot = lock();
        while slot.queued.is_none() && !slot.closing {
            slot = shared
                .changed
                .wait(slot)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        let Some(task) = slot.queued.take() else {
            return;
        };
        let progress = Progress::default();
        slot.running = matches!(task, Task::Write(..)).then(|| progress.clone());
        slot.busy = true;
        drop(slot);
        let started = std::time::Instant::now();
        let done = match task {
            Task::Write(target, snapshot) => {
                // The snapshot (and with it the shared scenario) is gone when this returns.
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    target.write(*snapshot, binary_from, &progress)
                })) {
                    Ok(Ok(())) => Some(Done::Written),
                    Ok(Err(_)) if progress.is_cancelled() => None,
                    Ok(Err(e)) => Some(Done::Failed(e.to_string())),
                    Err(_) => Some(Done::Failed("an internal error".to_owned())),
                }
            }
            Task::Remove(target) => {
                target.remove();
                Some(Done::Removed)
            }
        };
        log::info!(
            "recovery file: {done:?} after {:.1} s",
            started.elapsed().as_secs_f32()
        );
        let mut slot = lock();
        slot.running = None;
        slot.busy = false;
        slot.done.extend(done);
        drop(slot);
        shared.changed.notify_all();
        if let Some(ctx) = ctx {
            ctx.request_repaint();
        }
    }
}

/// What the user answered to the recovery offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfferAnswer {
    /// Open the work again.
    Restore,
    /// Delete it for good.
    Discard,
    /// Not now: keep the file and ask again at the next start.
    Later,
}

/// The recovery offer: a modal on top of every window (the scenario library included), so it is
/// never missed.
pub fn offer_ui(ctx: &egui::Context, orphan: &Orphan, more: usize) -> Option<OfferAnswer> {
    let mut answer = None;
    egui::Modal::new(egui::Id::new("recovery-offer")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        ui.heading("Recover unsaved work?");
        match &orphan.recovery {
            Ok(r) => {
                ui.label(format!(
                    "csp-explorer did not close normally. Unsaved work was kept from {}:",
                    r.saved_at
                ));
                ui.label(egui::RichText::new(&r.title).strong());
                let file = match &r.doc.path {
                    Some(p) => format!("Its file: {}", p.display()),
                    None => "It was never saved to a file.".to_owned(),
                };
                ui.label(file);
                if let Some(base) = r.base.as_ref().filter(|b| b.fork) {
                    ui.label(if base.doc.dirty {
                        "A what-if was open; its base has unsaved changes too."
                    } else {
                        "A what-if was open: it comes back with its base."
                    });
                }
            }
            Err(e) => {
                ui.label("A recovery file was found but cannot be read:");
                ui.label(e);
            }
        }
        if more > 0 {
            ui.label(format!("{more} more after this one (newest first).",));
        }
        ui.label(format!("Kept in {}", orphan.path.display()));
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            if orphan.recovery.is_ok() && ui.button("Restore").clicked() {
                answer = Some(OfferAnswer::Restore);
            }
            if ui.button("Discard").clicked() {
                answer = Some(OfferAnswer::Discard);
            }
            if ui.button("Later").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                answer = Some(OfferAnswer::Later);
            }
        });
    });
    answer
}

/// Why one of the app's own files could not be read.
#[derive(Debug, thiserror::Error)]
enum OwnReadError {
    #[error(transparent)]
    Read(#[from] crate::io::read::ReadError),
    #[error("not UTF-8 text ({0})")]
    NotText(#[from] std::string::FromUtf8Error),
}

/// Reads one of the app's own files (a recovery file, the preferences) through the same
/// size-limited reader as every other file: the folder is ours, but a file in it may have been
/// replaced by something huge, a FIFO or a device, and reading it must neither hang nor exhaust
/// memory at start-up.
fn read_own(path: &Path) -> Result<String, OwnReadError> {
    let bytes = crate::io::read::read_limited(path, crate::io::read::MAX_FILE_BYTES)?;
    Ok(String::from_utf8(bytes)?)
}

/// [`read_own`], with a missing file as `Ok(None)` and errors naming the file.
fn read_own_if_any(path: &Path) -> Result<Option<String>, String> {
    match read_own(path) {
        Ok(text) => Ok(Some(text)),
        Err(OwnReadError::Read(crate::io::read::ReadError::Io(e)))
            if e.kind() == std::io::ErrorKind::NotFound =>
        {
            Ok(None)
        }
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_running_sessions_file_is_not_offered_and_a_dead_ones_is() {
        let dir = tempfile::tempdir().unwrap();
        let mut running = StateDir::open(dir.path().to_owned());
        let recovery = Recovery {
            version: RECOVERY_VERSION,
            saved_at: "now".into(),
            title: "t".into(),
            doc: SavedDocument {
                path: None,
                dirty: true,
                scratch: false,
                scenario: crate::io::scenario_to_ron(&crate::model::Scenario::new("t")).unwrap(),
                scenario_file: None,
                drawn: BTreeMap::new(),
                disk: None,
            },
            base: None,
        };
        running.write_recovery(&recovery).unwrap();
        let other = StateDir::open(dir.path().to_owned());
        assert!(
            other.orphans().is_empty(),
            "a live session's work is not a crash's"
        );
        // A crash: the lock goes with the process, the file stays.
        let file = running.own_file();
        drop(running.lock.take());
        std::mem::forget(running);
        let offered = other.orphans();
        assert_eq!(offered.len(), 1);
        assert_eq!(offered[0].path, file);
        assert_eq!(offered[0].recovery.as_ref().unwrap(), &recovery);
        other.discard(&offered[0]).unwrap();
        assert!(other.orphans().is_empty());
        assert!(!file.exists() && !file.with_extension("lock").exists());
    }

    #[test]
    fn the_scenario_inside_round_trips_whatever_its_names_hold() {
        // Written unescaped, as a raw string: quotes and hashes in a name must not end it.
        let mut s = crate::model::Scenario::new("Title \"#\"## with r#\"raw\"#");
        s.add_party(
            crate::model::Party::new("p", crate::model::PartyKind::Customer).named("r#\"x\"#\\"),
        )
        .unwrap();
        let recovery = Recovery {
            version: RECOVERY_VERSION,
            saved_at: "now".into(),
            title: "\"#".into(),
            doc: SavedDocument {
                path: Some(PathBuf::from("/tmp/a \"b\".ron")),
                dirty: true,
                scratch: false,
                scenario: crate::io::scenario_to_ron(&s).unwrap(),
                scenario_file: None,
                drawn: BTreeMap::new(),
                disk: None,
            },
            base: None,
        };
        let text = recovery.to_text().unwrap();
        let back = Recovery::parse(&text, "r.ron").unwrap();
        assert_eq!(back, recovery);
        let doc = back.doc.restore("r.ron").unwrap();
        assert_eq!(doc.scenario(), &s);
    }

    fn snapshot_of(doc: &Document, title: &str) -> Snapshot {
        Snapshot {
            saved_at: "now".into(),
            title: title.into(),
            doc: DocSnapshot::of(doc),
            base: None,
        }
    }

    #[test]
    fn a_large_scenario_is_kept_beside_as_cspx_and_comes_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let mut running = StateDir::open(dir.path().to_owned());
        let target = running.target().unwrap();
        let mut doc = Document::new(crate::scenarios::synthetic(60));
        // One party placed by hand (drawn where the scenario says: not kept twice), the others
        // drawn by the layout.
        let moved = doc.scenario().parties().next().unwrap().id.clone();
        doc.apply(crate::edit::Edit::MoveParty(
            moved.clone(),
            Some(Position { x: -4e4, y: 3e4 }),
        ))
        .unwrap();
        assert!(!DocSnapshot::of(&doc).drawn.contains_key(&moved));
        let base = Document::new(crate::scenarios::synthetic(30));
        let mut autosaver = Autosaver::default();
        autosaver.binary_from = 0;
        for _ in 0..2 {
            let mut snapshot = snapshot_of(&doc, "big");
            snapshot.base = Some((true, DocSnapshot::of(&base)));
            autosaver.submit(Task::Write(target.clone(), Box::new(snapshot)));
            autosaver.flush();
            assert_eq!(autosaver.finished(), vec![Done::Written]);
        }
        let beside = |dir: &Path| {
            let mut names: Vec<String> = std::fs::read_dir(dir)
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".cspx"))
                .collect();
            names.sort();
            names
        };
        let folder = running.recovery_dir();
        assert_eq!(beside(&folder).len(), 2, "the older write's files are gone");
        // A crash, then the next session restores it.
        drop(running.lock.take());
        std::mem::forget(running);
        let next = StateDir::open(dir.path().to_owned());
        let offered = next.orphans();
        assert_eq!(offered.len(), 1);
        let recovery = offered[0].recovery.as_ref().unwrap();
        assert!(recovery.doc.scenario.is_empty() && recovery.doc.scenario_file.is_some());
        let source = offered[0].path.display().to_string();
        let restored = recovery.doc.restore(&source).unwrap();
        assert_eq!(restored.scenario(), doc.scenario());
        assert_eq!(restored.positions(), doc.positions());
        assert!(restored.is_dirty());
        let restored_base = recovery
            .base
            .as_ref()
            .unwrap()
            .doc
            .restore(&source)
            .unwrap();
        assert_eq!(restored_base.scenario(), base.scenario());
        next.discard(&offered[0]).unwrap();
        assert!(
            beside(&folder).is_empty(),
            "discarding takes the files beside too"
        );
        // A hand-edited name never makes it read another file.
        let mut bad = recovery.doc.clone();
        bad.scenario_file = Some("../../etc/passwd".into());
        let Err(err) = bad.restore(&source) else {
            panic!("a path outside the folder was read");
        };
        let err = err.to_string();
        assert!(err.contains("not a recovery file's name"), "{err}");
    }

    #[test]
    fn the_latest_snapshot_wins_and_the_writer_lets_go_of_the_scenario_before_an_edit() {
        let dir = tempfile::tempdir().unwrap();
        let running = StateDir::open(dir.path().to_owned());
        let target = running.target().unwrap();
        let mut autosaver = Autosaver::default();
        let mut doc = Document::new(crate::scenarios::synthetic(200));
        autosaver.submit(Task::Write(
            target.clone(),
            Box::new(snapshot_of(&doc, "first")),
        ));
        doc.apply(crate::edit::Edit::AddParty(crate::model::Party::new(
            "late",
            crate::model::PartyKind::Customer,
        )))
        .unwrap();
        autosaver.submit(Task::Write(
            target.clone(),
            Box::new(snapshot_of(&doc, "second")),
        ));
        autosaver.flush();
        let written = Recovery::parse(
            &std::fs::read_to_string(running.own_file()).unwrap(),
            "r.ron",
        )
        .unwrap();
        assert_eq!(written.title, "second");
        let back = written.doc.restore("r.ron").unwrap();
        assert_eq!(back.scenario(), doc.scenario(), "with the edit");
        // A write in progress (or waiting) is dropped for an edit, and gives the scenario back.
        autosaver.submit(Task::Write(
            target.clone(),
            Box::new(snapshot_of(&doc, "third")),
        ));
        assert!(autosaver.let_go(Duration::from_secs(30)));
        assert!(!doc.is_shared(), "the edit will not copy the scenario");
        autosaver.flush();
        // A removal is never dropped.
        autosaver.submit(Task::Remove(target));
        assert!(autosaver.let_go(Duration::from_secs(30)));
        autosaver.flush();
        assert!(!running.own_file().exists());
        assert_eq!(autosaver.finished().last(), Some(&Done::Removed));
    }

    #[test]
    fn a_newer_or_garbled_recovery_file_is_explained() {
        let err = Recovery::parse("(version: 9, future: 1)", "r.ron").unwrap_err();
        assert!(
            err.contains("newer csp-explorer") && err.contains("r.ron"),
            "{err}"
        );
        let err = Recovery::parse("(version: 1, saved_at: ", "r.ron").unwrap_err();
        assert!(err.starts_with("r.ron:1:"), "{err}");
    }

    #[test]
    fn preferences_survive_in_their_own_file() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::open(dir.path().to_owned());
        assert_eq!(state.load_preferences::<Vec<String>>(), Ok(None));
        state.save_preferences(&vec!["a".to_owned()]).unwrap();
        assert_eq!(
            state.load_preferences::<Vec<String>>(),
            Ok(Some(vec!["a".to_owned()]))
        );
        std::fs::write(dir.path().join("preferences.ron"), "[\"a\", ").unwrap();
        let err = state.load_preferences::<Vec<String>>().unwrap_err();
        assert!(err.contains("preferences.ron:1:"), "{err}");
        std::fs::remove_file(dir.path().join("preferences.ron")).unwrap();
        std::fs::create_dir(dir.path().join("preferences.ron")).unwrap();
        let err = state.load_preferences::<Vec<String>>().unwrap_err();
        assert!(
            err.contains("preferences.ron: this is a folder, not a file"),
            "{err}"
        );
    }

    #[test]
    fn a_recovery_file_larger_than_the_read_limit_is_explained_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let state = StateDir::open(dir.path().to_owned());
        let folder = state.recovery_dir();
        std::fs::create_dir_all(&folder).unwrap();
        let huge = folder.join("crashed-1.ron");
        // Sparse: no disk is used for its size.
        std::fs::File::create(&huge)
            .unwrap()
            .set_len(crate::io::read::MAX_FILE_BYTES + 1)
            .unwrap();
        let offered = state.orphans();
        assert_eq!(offered.len(), 1);
        let err = offered[0].recovery.as_ref().unwrap_err();
        assert!(
            err.contains("crashed-1.ron") && err.contains("larger than"),
            "{err}"
        );
    }
}
