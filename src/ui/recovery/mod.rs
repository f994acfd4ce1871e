//! Crash recovery's files: what is written (the recovery file's format, a document's snapshot) and
//! the state folder, writer thread and offer below. Must not decide when to write: the keeper does.
//!
//! Crash recovery and preferences: files the app writes itself, atomically, in its state folder.
//!
//! Why not eframe's storage alone: eframe keeps everything in one `app.ron` that it rewrites *in
//! place* (create, then write) on a background thread every 30 s and at exit. A kill or power cut
//! between the two leaves it empty or cut short, and eframe then starts from nothing: the autosave
//! kept inside it was gone, and with it the recent files, best lesson scores and theme. So what we
//! cannot lose is written here instead, by us, through [`crate::io::disk::write_atomic`] (temporary
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

mod autosaver;
mod offer;
mod state_dir;

pub use autosaver::{Autosaver, Done, Task};
pub use offer::{OfferAnswer, offer_ui};
pub use state_dir::{StateDir, Target};

use super::document::Document;
use crate::io::SaveError;
use crate::io::disk::FileStamp;
use crate::model::{PartyId, Position, Scenario};
use crate::progress::Progress;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    pub disk: Option<crate::io::disk::FileStamp>,
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
        self.restore_with(source, &Progress::none())
    }

    /// [`SavedDocument::restore`] for the worker thread: reading a large scenario, checking its
    /// rules and laying it out take seconds (a 100,000-party channel froze the window for about
    /// five), so it reports to `progress` and stops, with [`crate::io::LoadError::Cancelled`],
    /// when cancelled.
    pub fn restore_with(
        &self,
        source: &str,
        progress: &Progress,
    ) -> Result<Document, crate::io::LoadError> {
        let reading = progress.part(0.0, 0.5, "Reading the kept work");
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
                crate::io::load_with(&Path::new(source).with_file_name(name), &reading)?
            }
            None => crate::io::scenario_from_ron(&self.scenario, source)?,
        };
        let cancelled = || crate::io::LoadError::Cancelled {
            path: source.to_owned(),
        };
        let drawn: BTreeMap<PartyId, Position> = self
            .drawn
            .iter()
            .map(|(id, p)| (PartyId::from(id.as_str()), *p))
            .collect();
        // Drawn where it was before its scene is made, off the UI thread: once.
        let mut doc = Document::drawn_with(
            scenario,
            &drawn,
            &progress.part(0.5, 1.0, "Checking the rules"),
        )
        .ok_or_else(cancelled)?;
        doc.path = self.path.clone();
        doc.set_disk_stamp(self.disk);
        doc.scratch = self.scratch;
        if self.dirty {
            doc.mark_unsaved();
        }
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
                .map(|(id, at)| (*id, *at))
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
            let bytes = crate::io::binary::scenario_to_bytes_with(s, None, progress)?;
            crate::io::disk::write_atomic(&file, &bytes)?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (String::new(), Some(name))
        } else {
            let bytes = crate::io::ron_file::scenario_to_ron_with(
                s,
                None,
                Path::new("recovery"),
                progress,
            )?;
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

/// A small recovery file's contents, for tests here and in the keeper.
#[cfg(test)]
pub(crate) fn sample_recovery() -> Recovery {
    Recovery {
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A restore puts the parties back where they were drawn before it makes the canvas's scene,
    /// and makes it once (it made one, then another for the positions put back: 1.6-1.9 s of a
    /// 300,000-party restore, per document).
    #[test]
    fn a_restore_makes_its_scene_once_with_the_parties_where_they_were_drawn() {
        let doc = Document::new(crate::scenarios::synthetic(60));
        let mut saved = SavedDocument::of(&doc).unwrap();
        let (moved, _) = doc
            .positions()
            .iter()
            .find(|(id, _)| {
                doc.scenario()
                    .party(id.as_str())
                    .is_some_and(|p| p.position.is_none())
            })
            .expect("a party the layout placed");
        let at = Position {
            x: -4321.0,
            y: 1234.0,
        };
        saved.drawn.insert(moved.to_string(), at);
        let before = crate::ui::document::SCENES_MADE.with(|made| made.get());
        let restored = saved
            .restore_with("recovery.ron", &Progress::none())
            .unwrap();
        let made = crate::ui::document::SCENES_MADE.with(|made| made.get()) - before;
        assert_eq!(made, 1, "one scene made by the restore");
        assert_eq!(restored.position(moved.as_str()), Some(at));
        assert_eq!(restored.bounds().map(|(lo, _)| lo.x), Some(at.x));
    }

    #[test]
    fn a_running_sessions_file_is_not_offered_and_a_dead_ones_is() {
        let dir = tempfile::tempdir().unwrap();
        let mut running = StateDir::open(dir.path().to_owned());
        let recovery = sample_recovery();
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
        let moved = doc.scenario().parties().next().unwrap().id;
        doc.apply(crate::edit::Edit::MoveParty(
            moved,
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
