//! The keeper: what is kept on disk between runs (the crash-recovery file, the preferences, the
//! lesson in progress) and its own timers. Must not change the document or draw anything but the offer.
//!
//! The window tells it, after each frame, what the work is now ([`Work`]); it decides what to
//! write and when (the recovery file at once after a pause, then at most every [`RECOVERY_DELAY`];
//! the lesson at most once a second; the preferences when they change) and hands the slow writes
//! to [`recovery::Autosaver`], a thread of its own. What it cannot keep comes back as a message for
//! the window's banner. The files themselves, their format and the state folder's locks are
//! [`super::recovery`]'s.

use super::document::Document;
use super::recovery;
use super::style::Theme;
use super::training::{SavedLesson, Training};
use super::whatif::Base;
use crate::training::{Attempt, LessonRun};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The preferences kept between runs: written by the app to `preferences.ron` in its state folder
/// (atomically) and, as a second copy, to eframe's storage. See [`super::recovery`] for why.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Persisted {
    /// The chosen theme.
    pub theme: Theme,
    /// Recently opened or saved files, newest first.
    pub recent: Vec<PathBuf>,
    /// Save-file text of unsaved work as older builds kept it inside eframe's storage: read once and
    /// turned into a recovery file, never written again (unsaved work now lives in
    /// [`super::recovery`]'s files).
    #[serde(skip_serializing)]
    pub autosave: Option<String>,
    /// The best score of each lesson solved, by lesson key.
    pub scores: BTreeMap<String, u32>,
    /// The canvas's legend is folded away (View → Legend).
    pub legend_folded: bool,
}

const MAX_RECENT: usize = 8;

/// The least time between two writes of the lesson file while a lesson is being worked on.
const LESSON_WRITE_GAP: Duration = Duration::from_secs(1);

/// What the lesson file is written from (see [`SavedLesson::key`]).
type LessonKey = (u64, Attempt, BTreeSet<String>);

/// The least time between two writes of the recovery file while edits go on: the first change after
/// a pause is written at once, the next ones at most this late. A crash loses at most this much.
pub const RECOVERY_DELAY: Duration = Duration::from_secs(3);

/// What the recovery file was last written from: the document's and the base's identity and change
/// count, file and unsaved state. A different key means the file is out of date. (Not the
/// revision: that also moves with every frame of a drag, which changes nothing to recover.)
type RecoveryKey = (
    (u64, u64),
    Option<PathBuf>,
    bool,
    Option<((u64, u64), bool)>,
);

/// How long unsaved work may go without a recovery file before an edit stops cancelling the write
/// in progress (it is out of date once the edit is made, and cancelling it spares the edit a copy
/// of the scenario): without this, edits made faster than a large scenario is written would
/// cancel every write.
const UNPROTECTED_AT_MOST: Duration = Duration::from_secs(30);

/// How long an edit waits for the recovery writer to let go of the scenario before copying it.
const LET_GO_PATIENCE: Duration = Duration::from_millis(250);

/// How long after a start to look again for crashed work whose session's lock was still held: a
/// killed process lets go of its locks as it dies, within a second or two.
const LOOK_AGAIN_FOR: Duration = Duration::from_secs(10);
/// How often to look again meanwhile.
const LOOK_AGAIN_EVERY: Duration = Duration::from_secs(1);

/// The work a crash would lose: the open document and a what-if's base.
#[derive(Clone, Copy)]
pub struct Work<'a> {
    /// The open document.
    pub doc: &'a Document,
    /// The what-if base or the compared file.
    pub base: Option<&'a Base>,
}

impl Work<'_> {
    /// True when closing or replacing the document would lose work: unsaved changes in it or in the
    /// base of a what-if. A lesson's scenario is scratch work, unless it was saved.
    pub fn is_unsaved(&self) -> bool {
        let dirty = |d: &Document| d.is_dirty() && !d.scratch;
        dirty(self.doc) || self.base.is_some_and(|b| b.fork && dirty(&b.doc))
    }

    fn key(&self) -> RecoveryKey {
        (
            (self.doc.id(), self.doc.changes()),
            self.doc.path.clone(),
            self.doc.is_dirty(),
            self.base
                .map(|b| ((b.doc.id(), b.doc.changes()), b.doc.is_dirty())),
        )
    }

    /// What the recovery file is written from, taken without copying the scenario.
    fn snapshot(&self) -> recovery::Snapshot {
        let doc = self.doc;
        recovery::Snapshot {
            saved_at: chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string(),
            // The file's name and the scenario's title, as the user knows the work.
            title: match (self.base, &doc.path) {
                (Some(base), _) if base.fork => format!(
                    "A what-if of {} ({})",
                    base.doc.display_name(),
                    doc.scenario().meta.title
                ),
                (_, Some(_)) => format!("{} ({})", doc.display_name(), doc.scenario().meta.title),
                _ => doc.display_name(),
            },
            doc: recovery::DocSnapshot::of(doc),
            base: self
                .base
                .map(|b| (b.fork, recovery::DocSnapshot::of(&b.doc))),
        }
    }
}

/// A crashed session's work, read back to be opened.
pub struct Restored {
    /// When it was kept (local time).
    pub saved_at: String,
    /// The document as it was on screen.
    pub doc: Document,
    /// The what-if base or compared file that was open with it.
    pub base: Option<Base>,
}

/// A lesson the window was closed in, read back to be picked up.
pub struct Resumed {
    /// The saved progress (steps reached, marks).
    pub saved: SavedLesson,
    /// The lesson run, where it was left.
    pub run: LessonRun,
    /// The trainee's scenario.
    pub doc: Document,
}

/// What the user answered to the recovery offer, once the keeper has done its part.
pub enum OfferStep {
    /// Open this crashed session's work (after the unsaved-changes question).
    Restore(Box<recovery::Orphan>),
    /// Something went wrong: a message for the banner.
    Failed(String),
}

/// Keeps the window's state on disk between runs.
pub struct Keeper {
    /// The thread clearing leftovers of killed saves at start (see [`clear_leftovers`]).
    leftovers: Option<std::thread::JoinHandle<usize>>,
    /// The preferences.
    pub prefs: Persisted,
    /// The preferences as last written to the state folder.
    prefs_written: Option<Persisted>,
    /// The state folder (recovery files, preferences); `None` keeps nothing on disk.
    state: Option<recovery::StateDir>,
    /// Crashed sessions' work, newest first, offered one at a time until restored, discarded or
    /// put off until the next start.
    offers: Vec<recovery::Orphan>,
    /// What this session's recovery file was last written from (handed to the writer thread),
    /// and when.
    recovery_written: Option<(RecoveryKey, Instant)>,
    /// The recovery writer, a thread of its own.
    autosaver: recovery::Autosaver,
    /// True once the writer was asked to remove the recovery file (and nothing written since).
    removal_sent: bool,
    /// Since when unsaved work is safe in a recovery file (the last write, or when the work
    /// became unsaved); `None` while nothing is unsaved. See [`UNPROTECTED_AT_MOST`].
    protected_since: Option<Instant>,
    /// A crashed session's work restored here: its file goes once this session's recovery file
    /// holds the work.
    takeover: Option<recovery::Orphan>,
    /// What the lesson file was last written from (see [`SavedLesson`]), and when; `None` once it
    /// was removed.
    lesson_written: Option<(LessonKey, Instant)>,
    /// True while a lesson file may exist that no longer matches the window (at start, until the
    /// first frame has removed or resumed it).
    lesson_kept: bool,
    /// True while writing the recovery file fails (the banner says so once, not every few seconds).
    recovery_failing: bool,
    /// A message for the window's banner, learnt while keeping.
    failure: Option<String>,
    /// Until when, and when last, to look again for crashed sessions' work: set at start when
    /// another session's file was held (see [`recovery::StateDir::held_by_others`]).
    look_again: Option<(Instant, Option<Instant>)>,
    /// Every recovery file offered in this session, so that a later look offers only new ones.
    ever_offered: BTreeSet<PathBuf>,
    /// The window's context, to ask for a frame when a failure is learnt between frames.
    ctx: egui::Context,
}

/// Removes, on a thread of its own, the temporary files that saves killed in an earlier session
/// left in `folders` (the state folder, the folders of the recent files: where this app writes),
/// rather than waiting for the next save there to complete (nine of them, 600 MB, were seen). A
/// folder on a slow or gone network share holds only this thread, not the window. The thread
/// answers how many files it removed.
fn clear_leftovers(folders: BTreeSet<PathBuf>) -> std::thread::JoinHandle<usize> {
    std::thread::spawn(move || {
        folders
            .iter()
            .filter(|f| !f.as_os_str().is_empty())
            .map(|f| crate::io::disk::remove_stale_temp_files(f))
            .sum()
    })
}

impl Keeper {
    /// Opens the state folder `dir` (`None` keeps nothing on disk), reads the preferences (our own
    /// file first; eframe's copy in `storage` when it is missing or unreadable, as after an older
    /// build or a hand edit) and lists crashed sessions' work to offer.
    pub fn open(
        dir: Option<PathBuf>,
        storage: Option<&dyn eframe::Storage>,
        ctx: &egui::Context,
    ) -> Self {
        let state = dir.map(recovery::StateDir::open);
        let own = state.as_ref().and_then(|s| {
            s.load_preferences::<Persisted>()
                .map_err(|e| log::warn!("preferences not read, using eframe's copy: {e}"))
                .ok()
                .flatten()
        });
        let prefs_written = own.clone();
        let mut prefs: Persisted = own
            .or_else(|| storage.and_then(|s| eframe::get_value(s, eframe::APP_KEY)))
            .unwrap_or_default();
        if let (Some(text), Some(state)) = (prefs.autosave.take(), &state)
            && let Err(e) = state.adopt_legacy_autosave(text)
        {
            log::error!("an older version's autosave could not be kept: {e}");
        }
        let offers = state
            .as_ref()
            .map(recovery::StateDir::orphans)
            .unwrap_or_default();
        let ever_offered = offers.iter().map(|o| o.path.clone()).collect();
        let look_again = state
            .as_ref()
            .is_some_and(recovery::StateDir::held_by_others)
            .then(|| (Instant::now() + LOOK_AGAIN_FOR, None));
        let leftovers = clear_leftovers(
            state
                .as_ref()
                .map(|s| s.dir().to_owned())
                .into_iter()
                .chain(
                    prefs
                        .recent
                        .iter()
                        .filter_map(|p| p.parent().map(Path::to_owned)),
                )
                .collect(),
        );
        Keeper {
            leftovers: Some(leftovers),
            prefs,
            prefs_written,
            state,
            offers,
            recovery_written: None,
            autosaver: recovery::Autosaver::new(ctx.clone()),
            removal_sent: false,
            protected_since: None,
            takeover: None,
            lesson_written: None,
            lesson_kept: true,
            recovery_failing: false,
            failure: None,
            look_again,
            ever_offered,
            ctx: ctx.clone(),
        }
    }

    /// Looks again for crashed sessions' work, once a second for [`LOOK_AGAIN_FOR`] after a start
    /// that found another session's file held (a window killed a moment before this one started
    /// still held its lock): what has become free since is offered, once.
    ///
    /// The offer waits for a job (a file opened at start), and so did this look: a 300k channel
    /// opened at start took longer than [`LOOK_AGAIN_FOR`] on a busy machine, the look ended
    /// without looking, and the killed window's work was never offered (issue 25's walk-through).
    /// So it looks once more when its time is up.
    fn look_again(&mut self, ctx: &egui::Context) {
        let Some((until, last)) = self.look_again else {
            return;
        };
        let now = Instant::now();
        if now >= until {
            self.offer_new_orphans();
            self.look_again = None;
            return;
        }
        if let Some(last) = last
            && now < last + LOOK_AGAIN_EVERY
        {
            ctx.request_repaint_after(last + LOOK_AGAIN_EVERY - now);
            return;
        }
        self.look_again = Some((until, Some(now)));
        self.offer_new_orphans();
        ctx.request_repaint_after(LOOK_AGAIN_EVERY);
    }

    /// Adds to the offers the crashed sessions' work not offered yet in this session; stops
    /// looking once no other session's file is held.
    fn offer_new_orphans(&mut self) {
        let Some(state) = &self.state else {
            return;
        };
        for orphan in state.orphans() {
            if self.ever_offered.insert(orphan.path.clone()) {
                self.offers.push(orphan);
            }
        }
        if !state.held_by_others() {
            self.look_again = None;
        }
    }

    /// Crashed sessions' work still offered in this session, newest first.
    pub fn offers(&self) -> &[recovery::Orphan] {
        &self.offers
    }

    /// The state folder's session, when the app keeps files (not in most tests).
    pub fn state_dir(&self) -> Option<&recovery::StateDir> {
        self.state.as_ref()
    }

    /// True while the recovery writer has work (tests wait for it).
    pub fn is_writing(&self) -> bool {
        self.autosaver.is_busy()
    }

    /// The message for the banner learnt since the last call, if any.
    pub fn take_failure(&mut self) -> Option<String> {
        self.failure.take()
    }

    /// Puts `path` first among the recent files.
    pub fn remember(&mut self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_owned());
        self.prefs.recent.retain(|p| *p != path);
        self.prefs.recent.insert(0, path);
        self.prefs.recent.truncate(MAX_RECENT);
    }

    /// Keeps a lesson's score if it is its best.
    pub fn record_score(&mut self, lesson: &str, score: u32) {
        let best = self.prefs.scores.entry(lesson.to_owned()).or_insert(0);
        *best = (*best).max(score);
    }

    /// Hands the writer thread everything on screen that a crash would lose: the document (every
    /// party's drawn position, its file, unsaved state, title) and the what-if base. Returns at
    /// once; the outcome is learnt in a later frame ([`Keeper::results`]).
    fn send_recovery(&mut self, work: Work<'_>) {
        let key = work.key();
        let Some(state) = &self.state else {
            return;
        };
        match state.target() {
            Ok(target) => {
                let snapshot = Box::new(work.snapshot());
                self.autosaver
                    .submit(recovery::Task::Write(target, snapshot));
            }
            Err(e) => self.recovery_failed(&e.to_string()),
        }
        self.recovery_written = Some((key, Instant::now()));
        self.removal_sent = false;
    }

    /// Writes the recovery file now and waits for it: what the autosave does, without waiting for
    /// the delay (and the same code path: the writer thread).
    pub fn write_recovery(&mut self, work: Work<'_>) {
        self.send_recovery(work);
        self.autosaver.flush();
        self.results();
    }

    /// Reads what the writer thread has done.
    fn results(&mut self) {
        for done in self.autosaver.finished() {
            match done {
                recovery::Done::Written => {
                    if let Some(state) = self.state.as_mut() {
                        state.set_written(true);
                    }
                    self.recovery_failing = false;
                    self.protected_since = Some(Instant::now());
                    // A restored crash's work is in this session's file now: its own can go.
                    if let Some(orphan) = self.takeover.take()
                        && let Some(state) = &self.state
                        && let Err(e) = state.discard(&orphan)
                    {
                        log::warn!("{}: restored but not deleted: {e}", orphan.path.display());
                    }
                }
                recovery::Done::Removed => {
                    if let Some(state) = self.state.as_mut() {
                        state.set_written(false);
                    }
                }
                recovery::Done::Failed(e) => self.recovery_failed(&e),
            }
        }
    }

    fn recovery_failed(&mut self, e: &str) {
        log::error!("the recovery file was not written: {e}");
        if !self.recovery_failing {
            self.recovery_failing = true;
            self.failure = Some(format!(
                "Unsaved work cannot be kept for crash recovery ({e}). Save your work to a file."
            ));
            // Learnt after the window was drawn: draw the banner now, not at the next input.
            self.ctx.request_repaint();
        }
    }

    /// Before an edit: a recovery write in progress is out of date once the edit is made, and
    /// while it holds the scenario the edit would have to copy it (seconds at 300,000 parties), so
    /// it is cancelled and the edit waits a moment for the writer to let go. Not when unsaved work
    /// has gone unprotected too long (see [`UNPROTECTED_AT_MOST`]): then the write finishes.
    pub fn before_edit(&mut self, doc: &Document) {
        if self
            .protected_since
            .is_some_and(|since| since.elapsed() < UNPROTECTED_AT_MOST)
            && doc.is_shared()
        {
            self.autosaver.let_go(LET_GO_PATIENCE);
        }
    }

    /// Brings the recovery file up to date after a frame: removed when nothing is unsaved, written
    /// when the work changed (at once after a pause, then at most every [`RECOVERY_DELAY`]).
    pub fn keep_recovery(&mut self, ctx: &egui::Context, work: Work<'_>) {
        if self.leftovers.as_ref().is_some_and(|t| t.is_finished())
            && let Some(Ok(removed)) = self.leftovers.take().map(|t| t.join())
            && removed > 0
        {
            log::info!("removed {removed} temporary files left by saves killed earlier");
        }
        if self.state.is_none() {
            return;
        }
        self.results();
        if !work.is_unsaved() {
            self.protected_since = None;
            self.keep_recovery_now(work, false);
            return;
        }
        self.protected_since.get_or_insert_with(Instant::now);
        let key = work.key();
        match &self.recovery_written {
            Some((k, _)) if *k == key => {}
            Some((_, at)) if at.elapsed() < RECOVERY_DELAY => {
                // An idle window draws no frames: ask for the one that writes it.
                ctx.request_repaint_after(RECOVERY_DELAY.saturating_sub(at.elapsed()));
            }
            _ => self.send_recovery(work),
        }
    }

    /// The recovery file as it must be now, without waiting for the delay: written if the work
    /// changed since, removed if nothing is unsaved or `discarded` (the user chose not to save at
    /// close). The writer thread does it; at exit the window waits for it ([`Keeper::flush`]).
    pub fn keep_recovery_now(&mut self, work: Work<'_>, discarded: bool) {
        let unsaved = work.is_unsaved() && !discarded;
        let current = self
            .recovery_written
            .as_ref()
            .is_some_and(|(k, _)| *k == work.key());
        let Some(state) = self.state.as_ref() else {
            return;
        };
        if !unsaved {
            if (state.has_written() || self.recovery_written.is_some()) && !self.removal_sent {
                if let Ok(target) = state.target() {
                    self.autosaver.submit(recovery::Task::Remove(target));
                }
                self.removal_sent = true;
            }
            self.recovery_written = None;
        } else if !current || (!state.has_written() && !self.autosaver.is_busy()) {
            self.send_recovery(work);
        }
    }

    /// Waits for the recovery writer (at exit: the file is written or removed before the process
    /// ends).
    pub fn flush(&mut self) {
        self.autosaver.flush();
    }

    /// Reads back the lesson the window was closed in, where it was left (see [`SavedLesson`]). One
    /// that cannot be picked up (its file gone, the file garbled) is forgotten, and the message
    /// says why.
    pub fn resume_lesson(&mut self) -> Result<Option<Resumed>, String> {
        let Some(state) = &self.state else {
            return Ok(None);
        };
        let path = state.lesson_file();
        let source = path.display().to_string();
        let resumed = state.read_lesson().and_then(|text| {
            text.map(|text| {
                let saved = SavedLesson::parse(&text, &source)?;
                let (run, doc) = saved.resume(&source)?;
                Ok(Resumed { saved, run, doc })
            })
            .transpose()
        });
        resumed.map_err(|e| {
            log::warn!("the lesson in progress was not resumed: {e}");
            state.remove_lesson();
            format!(
                "The lesson you were in when the window closed could not be picked up again: {e}"
            )
        })
    }

    /// Keeps the lesson file current with the lesson in the window: written after a change (at
    /// most once a second, or at once when `now`), removed when no lesson runs. A lesson's scenario
    /// is small (lessons are at most a few hundred parties), so the write happens here.
    pub fn keep_lesson(
        &mut self,
        ctx: &egui::Context,
        training: &Training,
        doc: &Document,
        now: bool,
    ) {
        let Some(state) = &self.state else { return };
        let Some(key) = SavedLesson::key(training, doc) else {
            if self.lesson_kept {
                state.remove_lesson();
                self.lesson_kept = false;
                self.lesson_written = None;
            }
            return;
        };
        if let Some((written, at)) = &self.lesson_written {
            if *written == key {
                return;
            }
            let wait = LESSON_WRITE_GAP.saturating_sub(at.elapsed());
            if !now && !wait.is_zero() {
                ctx.request_repaint_after(wait);
                return;
            }
        }
        let text = match SavedLesson::of(training, doc) {
            Some(saved) => saved
                .map_err(|e| e.to_string())
                .and_then(|saved| saved.to_text().map_err(|e| e.to_string())),
            None => Err("no lesson runs".to_owned()),
        };
        match text.map(|text| state.write_lesson(&text).map_err(|e| e.to_string())) {
            Ok(Ok(())) => {}
            Ok(Err(e)) | Err(e) => log::warn!("the lesson's progress was not kept: {e}"),
        }
        self.lesson_kept = true;
        self.lesson_written = Some((key, Instant::now()));
    }

    /// Writes the preferences to the state folder when they changed.
    pub fn keep_preferences(&mut self) {
        let Some(state) = &self.state else {
            return;
        };
        if self.prefs_written.as_ref() == Some(&self.prefs) {
            return;
        }
        if let Err(e) = state.save_preferences(&self.prefs) {
            log::warn!("preferences not written: {e}");
        }
        self.prefs_written = Some(self.prefs.clone());
    }

    /// The recovery offer, while crashed work is offered and nothing else asks (`asking`): the
    /// answer that needs the window (restore), or the message of one that failed.
    pub fn offer_ui(&mut self, ctx: &egui::Context) -> Option<OfferStep> {
        self.look_again(ctx);
        let orphan = self.offers.first()?;
        match recovery::offer_ui(ctx, orphan, self.offers.len() - 1)? {
            recovery::OfferAnswer::Restore => {
                Some(OfferStep::Restore(Box::new(self.offers.remove(0))))
            }
            recovery::OfferAnswer::Discard => {
                let orphan = self.offers.remove(0);
                let state = self.state.as_ref()?;
                state.discard(&orphan).err().map(|e| {
                    OfferStep::Failed(format!(
                        "The recovered work could not be deleted ({}): {e}",
                        orphan.path.display()
                    ))
                })
            }
            recovery::OfferAnswer::Later => {
                self.offers.clear();
                None
            }
        }
    }

    /// Offers `orphan` again, first (its restore could not start yet).
    pub fn offer_again(&mut self, orphan: recovery::Orphan) {
        self.offers.insert(0, orphan);
    }

    /// Reads a crashed session's work back, as it was on screen; on the worker thread (see
    /// [`crate::ui::jobs::Jobs::restore`]), reporting to `progress` (the document, then its base
    /// if a what-if was open) and stopping when cancelled.
    pub fn read_back_with(
        orphan: &recovery::Orphan,
        progress: &crate::progress::Progress,
    ) -> Result<Restored, String> {
        let source = orphan.path.display().to_string();
        let r = orphan.recovery.clone()?;
        let split = if r.base.is_some() { 0.5 } else { 1.0 };
        let doc = r
            .doc
            .restore_with(&source, &progress.part(0.0, split, "Restoring the work"))
            .map_err(|e| e.to_string())?;
        let base = match &r.base {
            Some(b) => Some(Base {
                doc: b
                    .doc
                    .restore_with(&source, &progress.part(split, 1.0, "Restoring its base"))
                    .map_err(|e| e.to_string())?,
                fork: b.fork,
            }),
            None => None,
        };
        Ok(Restored {
            saved_at: r.saved_at,
            doc,
            base,
        })
    }

    /// A crashed session's work is open again (`work`): this session's recovery file holds it
    /// before the crashed session's file is deleted, so a second crash loses nothing either.
    pub fn took_over(&mut self, orphan: &recovery::Orphan, work: Work<'_>) {
        self.recovery_written = None;
        if work.is_unsaved() {
            // Its file goes once this session's holds the work (see `results`).
            self.takeover = Some(orphan.clone());
            self.keep_recovery_now(work, false);
        } else if let Some(state) = &self.state
            && let Err(e) = state.discard(orphan)
        {
            log::warn!("{}: restored but not deleted: {e}", orphan.path.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Scenario;

    fn keeper(dir: &Path) -> Keeper {
        Keeper::open(Some(dir.to_owned()), None, &egui::Context::default())
    }

    /// A keeper started while another window (the `StateDir` returned) still holds the lock of its
    /// unsaved work.
    fn started_beside_a_dying_window(state: &Path) -> (Keeper, recovery::StateDir) {
        let mut dying = recovery::StateDir::open(state.to_owned());
        dying
            .write_recovery(&recovery::sample_recovery())
            .expect("written");
        let late = keeper(state);
        assert!(late.offers().is_empty(), "held: not a crash's yet");
        (late, dying)
    }

    /// The files offered, in order.
    fn offered(keeper: &Keeper) -> Vec<PathBuf> {
        keeper.offers().iter().map(|o| o.path.clone()).collect()
    }

    /// A window started a moment after another was killed found the dying one's lock still held
    /// and offered nothing (issue 25's walk-through: restore after a kill). It looks again for a
    /// while: once the lock is let go, the work is offered, and only once.
    #[test]
    fn work_whose_lock_is_let_go_after_the_start_is_offered_once() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let (mut late, dying) = started_beside_a_dying_window(&dir.path().join("state"));
        assert!(late.look_again.is_some(), "it will look again");
        // The process goes; its file stays.
        let file = dying.own_file();
        drop(dying);
        assert!(file.exists());
        late.offer_new_orphans();
        assert_eq!(offered(&late), [file]);
        assert!(late.look_again.is_none(), "nothing held any more");
        late.offers.clear();
        late.offer_new_orphans();
        assert!(late.offers().is_empty(), "offered once");
    }

    /// A file opened at start kept the offer (and its looking again) waiting past
    /// [`LOOK_AGAIN_FOR`]: the work let go meanwhile is still offered when the offer's turn comes.
    #[test]
    fn work_let_go_while_a_job_kept_the_offer_waiting_is_offered_when_it_is_done() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let (mut late, dying) = started_beside_a_dying_window(&dir.path().join("state"));
        let file = dying.own_file();
        drop(dying);
        // The job outlasted the time to look again in.
        late.look_again = Some((Instant::now(), None));
        late.look_again(&egui::Context::default());
        assert_eq!(offered(&late), [file]);
        assert!(late.look_again.is_none(), "and it stops looking");
    }

    /// Temporary files of saves killed in an earlier session (their process is gone) are removed
    /// when the app starts, in the state folder and in the folders of the recent files; those of a
    /// save still running and files merely named alike stay.
    #[cfg(target_os = "linux")]
    #[test]
    fn leftovers_of_killed_saves_are_cleared_at_start() {
        let state = tempfile::tempdir().expect("a temporary folder");
        let work = tempfile::tempdir().expect("a temporary folder");
        let mut first = keeper(state.path());
        first.remember(&work.path().join("channel.ron"));
        first.keep_preferences();
        first.flush();
        first
            .leftovers
            .take()
            .expect("started")
            .join()
            .expect("no panic");
        drop(first);
        // A process id no process has (beyond Linux's pid_max).
        let dead = ".csp-explorer-4194305-a1b2c3.tmp";
        let running = format!(".csp-explorer-{}-d4e5f6.tmp", std::process::id());
        for dir in [state.path(), work.path()] {
            for name in [dead, running.as_str(), "csp-explorer-4194305-x.tmp"] {
                std::fs::write(dir.join(name), "half a save").expect("written");
            }
        }
        let mut k = keeper(state.path());
        assert_eq!(k.prefs.recent, [work.path().join("channel.ron")]);
        let removed = k
            .leftovers
            .take()
            .expect("started")
            .join()
            .expect("no panic");
        assert_eq!(removed, 2);
        for dir in [state.path(), work.path()] {
            assert!(!dir.join(dead).exists(), "{}", dir.display());
            assert!(dir.join(&running).exists());
            assert!(dir.join("csp-explorer-4194305-x.tmp").exists());
        }
    }

    #[test]
    fn recent_files_are_newest_first_without_repeats_and_at_most_eight() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut k = keeper(dir.path());
        for i in 0..10 {
            k.remember(&dir.path().join(format!("{i}.ron")));
        }
        k.remember(&dir.path().join("5.ron"));
        assert_eq!(k.prefs.recent.len(), MAX_RECENT);
        assert_eq!(k.prefs.recent[0], dir.path().join("5.ron"));
        assert_eq!(
            k.prefs
                .recent
                .iter()
                .filter(|p| p.ends_with("5.ron"))
                .count(),
            1
        );
    }

    #[test]
    fn a_best_score_is_never_lowered() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut k = keeper(dir.path());
        k.record_score("intro", 80);
        k.record_score("intro", 60);
        assert_eq!(k.prefs.scores["intro"], 80);
        k.keep_preferences();
        let again = keeper(dir.path());
        assert_eq!(again.prefs.scores["intro"], 80, "written and read back");
    }

    #[test]
    fn unsaved_work_is_kept_and_offered_to_the_next_session_once_this_one_is_gone() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut doc = Document::new(Scenario::new("Kept"));
        doc.mark_unsaved();
        {
            let mut k = keeper(dir.path());
            let work = Work {
                doc: &doc,
                base: None,
            };
            assert!(work.is_unsaved());
            k.write_recovery(work);
            assert!(k.take_failure().is_none());
            // Gone without the clean exit's removal (as after a crash): the lock goes with the
            // session, the file stays.
        }
        let next = keeper(dir.path());
        let [orphan] = next.offers() else {
            panic!("one crashed session's work is offered: {:?}", next.offers());
        };
        let restored = Keeper::read_back_with(orphan, &crate::progress::Progress::none())
            .expect("it reads back");
        assert_eq!(restored.doc.scenario().meta.title, "Kept");
    }

    #[test]
    fn saved_work_leaves_no_recovery_file() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let doc = Document::new(Scenario::new("Clean"));
        let mut k = keeper(dir.path());
        let work = Work {
            doc: &doc,
            base: None,
        };
        assert!(!work.is_unsaved());
        k.keep_recovery(&egui::Context::default(), work);
        k.flush();
        assert!(!k.state_dir().expect("a state folder").has_written());
    }
}
