//! The open scenario with its history, findings, drawing and file: what one window edits. Must not
//! know panels or the window; it keeps the canvas's scene current (one file: see below).
//!
//! Why one file: everything here moves together on every edit (the scenario, its history, the
//! incremental re-check, the drawing positions, the canvas's scene, the file's stamp and the revision),
//! and its tests hold them in step; what is derived from it lives elsewhere (`canvas/`, `recovery/`).

use crate::edit::{Edit, History, Touched};
use crate::io::disk::FileStamp;
use crate::io::{LoadError, SaveError};
use crate::layout::effective_positions;
use crate::model::{PartyId, Position, Scenario, ScenarioError};
use crate::progress::Progress;
use crate::rules::{Checker, Subject};
use crate::ui::canvas::drawn::{Drawn, Level};
use crate::ui::canvas::scene::{self, Change, Scene};
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::OnceLock;
use std::time::Instant;

/// Above this many parties, checking the rules and laying out run side by side when a document
/// is made (each takes seconds at 300,000 parties); below, a second thread costs more than it saves.
const PARALLEL_FROM: usize = 10_000;

fn scenario_unplaced(scenario: &Scenario) -> std::collections::BTreeSet<PartyId> {
    scenario
        .parties()
        .filter(|p| p.position.is_none())
        .map(|p| p.id)
        .collect()
}

/// True when `p` lies on the edge of `bounds`: taking it away may shrink them.
fn on_edge(p: Position, (lo, hi): (Position, Position)) -> bool {
    p.x == lo.x || p.x == hi.x || p.y == lo.y || p.y == hi.y
}

fn bounds_of(positions: &BTreeMap<PartyId, Position>) -> Option<(Position, Position)> {
    let mut it = positions.values();
    let first = *it.next()?;
    Some(it.fold((first, first), |(lo, hi), p| {
        (
            Position {
                x: lo.x.min(p.x),
                y: lo.y.min(p.y),
            },
            Position {
                x: hi.x.max(p.x),
                y: hi.y.max(p.y),
            },
        )
    }))
}

/// The open scenario, its undo history, its findings (kept current edit by edit) and where it is saved.
pub struct Document {
    /// Shared with work on other threads (a save, the recovery autosave, a comparison) without
    /// copying: a snapshot is [`Document::shared_scenario`], and an edit copies the scenario only
    /// while such work still holds it (see [`Document::is_shared`]).
    scenario: Arc<Scenario>,
    /// Counts the changes to the scenario and to its unsaved state (edits, undo, redo,
    /// [`Document::mark_unsaved`]), so that a save made from a snapshot knows whether the
    /// document still is what it wrote.
    changes: u64,
    /// Tells this document from every other of the process (a save's outcome finds its document
    /// by it, wherever a what-if has moved it meanwhile).
    id: u64,
    history: History,
    /// Shared with a what-if fork until the fork's own copy is in (see [`Document::fork`]), like
    /// the drawing positions, the unplaced parties and the scene: changed through
    /// `Arc::make_mut`, which copies only while they are shared.
    checker: Arc<Checker>,
    /// Where each party is drawn: saved positions, the tier layout for the rest. Refreshed after
    /// every edit rather than every frame.
    positions: Arc<BTreeMap<PartyId, Position>>,
    /// The parties that had no saved position at the last refresh (drawn by the tier layout).
    unplaced: Arc<std::collections::BTreeSet<PartyId>>,
    /// Where the layout had drawn parties that were removed or placed by hand since, so that undoing
    /// brings them back to the same spot.
    remembered: std::collections::HashMap<PartyId, Position>,
    /// The smallest and largest drawing coordinates (none without parties), kept with `positions`
    /// so that fitting and the zoom limit never scan every party.
    bounds: Option<(Position, Position)>,
    /// The file it was opened from or last saved to.
    pub path: Option<PathBuf>,
    /// Identifies the scenario's state, unique across every document of the process (a what-if and
    /// its base never share one), so that views derived from the scenario (lesson progress, the role
    /// lens, a comparison) are recomputed once per change, not once per frame.
    revision: u64,
    /// A lesson's scenario: scratch work that moving on from does not ask about (until it is saved).
    pub scratch: bool,
    /// How the file at `path` looked when it was opened or last saved here: a save first checks
    /// that nobody has changed it since (see [`Document::changed_on_disk`]).
    disk: Option<FileStamp>,
    /// What the canvas draws from (spatial indexes, customer groups, link bundles): made on first
    /// use (on the worker thread when a file is opened) and then updated edit by edit, so that an
    /// edit to a 300,000-party channel does not rebuild it.
    scene: OnceLock<Arc<Drawn>>,
    /// The right edge of each tier's drawing, where a new party goes: worked out on first need,
    /// then pushed right as parties are drawn further right (never pulled back, so a new party may
    /// land a little further right than needed, but never on anyone).
    tier_edges: Option<BTreeMap<u8, f32>>,
    /// Parties moved by [`Document::preview_position`] since the last change.
    previewed: BTreeSet<PartyId>,
    /// Identifies the findings' state (unique across documents, like `revision`, but moving only
    /// when findings may have changed), with the subjects re-checked by the last few changes, so
    /// that the findings list replaces just those instead of sorting every finding again.
    findings_version: u64,
    findings_log: std::collections::VecDeque<(u64, Option<Vec<Subject>>)>,
    /// The version before the oldest change in the log.
    findings_base: u64,
    /// The findings counted by severity, for the status bar (worked out once per change).
    counts: OnceLock<crate::rules::Counts>,
    /// Identifies the state of the parties themselves (unique across documents): moves when a
    /// party or link is added, removed or changed, not when a party is only moved or dragged.
    parties_version: u64,
    /// A what-if fork's own copy of the scenario, being made on a thread of its own (see
    /// [`Document::fork`]): until it is in, the fork shares its base's scenario, unchanged.
    copying: Option<std::sync::mpsc::Receiver<Copied>>,
    /// The copy of the scenario made for the next edit while a snapshot is held elsewhere (see
    /// [`owned`]); equal to the scenario, since every change to it takes this first. In a mutex
    /// because a snapshot is taken from a shared document.
    spare: std::sync::Mutex<Option<Spare>>,
    /// True while the spare copy's thread holds the scenario to copy it: that hold is not work
    /// the snapshot is for (see [`Document::is_shared`]).
    spare_copying: Arc<std::sync::atomic::AtomicBool>,
}

/// A what-if fork's own copies of what it shares with its base at first (see [`Document::fork`]).
struct Copied {
    scenario: Scenario,
    checker: Checker,
    positions: BTreeMap<PartyId, Position>,
    unplaced: BTreeSet<PartyId>,
    drawn: Option<Drawn>,
}

#[cfg(test)]
thread_local! {
    /// How many copies of a held scenario edits made on this thread (see [`owned`]).
    pub(crate) static COPIES_MADE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// How many scenes this thread has made (see [`Document::drawn`]): a test counts the scenes a
    /// restore makes.
    pub(crate) static SCENES_MADE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many changes the findings log remembers.
const FINDINGS_LOG: usize = 32;

/// The source of [`Document::revision`]s.
fn next_revision() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Hands the memory a job freed (a file read whole, what a check or a layout needed while it ran)
/// back to the system. glibc keeps what a thread frees in that thread's arena, resident, for the
/// thread's next allocations; a job's thread makes none after it: opening a 300,000-party channel
/// left about 45 MB of the window's resident memory freed but kept (`malloc_trim` walks the free
/// lists of every arena and gives back whole free pages; it takes no pointer of ours).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) fn release_freed_memory() {
    // SAFETY: malloc_trim takes a padding and reads only the allocator's own bookkeeping.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Drops `value` (a discarded what-if's document) on a thread of its own and then hands the
/// memory back to the system: freeing a what-if of c300k.cspx took the UI thread 96 ms, and what
/// it held stayed resident (the window kept 1.12 GB after the what-if was discarded, against
/// 0.94 GB before the fork).
pub(crate) fn drop_elsewhere<T: Send + 'static>(value: T) {
    // When no thread can be started, the closure, and `value` with it, is dropped here.
    let _ = std::thread::Builder::new()
        .name("csp-explorer drop".into())
        .spawn(move || {
            drop(value);
            release_freed_memory();
        });
}

/// Other allocators return memory their own way.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn release_freed_memory() {}

/// The scenario to change: while work on another thread (a save, an export, the recovery
/// autosave, a comparison) holds a snapshot of it, which must stay as it was, the edit takes the
/// copy made for it when the snapshot was taken (see [`Document::shared_scenario`]), waiting for
/// it if it is not in yet, or copies it here if there is none. A copy shares every party, link
/// and index part with the snapshot (see [`crate::model::ChannelGraph`]), and the edit then copies
/// only what it changes; the copy itself (the graph's slots and the id maps) took about 20 ms of
/// the UI thread at 300,000 parties and 1,000,000 links, and 0.9 s of wall time in the window
/// while an export and the software rasteriser shared two cores with it. A spare copy no longer
/// needed (the work finished first) is dropped on a thread of its own.
fn owned<'a>(scenario: &'a mut Arc<Scenario>, spare: &mut Option<Spare>) -> &'a mut Scenario {
    let spare = spare.take();
    if Arc::get_mut(scenario).is_none() {
        let started = Instant::now();
        let copy = spare.and_then(|spare| spare.recv().ok());
        #[cfg(test)]
        if copy.is_none() {
            COPIES_MADE.with(|made| made.set(made.get() + 1));
        }
        let from = if copy.is_some() {
            "took the copy made"
        } else {
            "copied the scenario"
        };
        *scenario = Arc::new(copy.unwrap_or_else(|| Scenario::clone(scenario)));
        log::debug!(
            "edit: {from} (held by work on another thread) in {:?}",
            started.elapsed()
        );
    } else if let Some(spare) = spare {
        drop_elsewhere(spare);
    }
    Arc::make_mut(scenario)
}

/// The spare copy's place in a document being changed (no lock taken: it is borrowed mutably).
fn spare(spare: &mut std::sync::Mutex<Option<Spare>>) -> &mut Option<Spare> {
    spare
        .get_mut()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A copy of the scenario being made on a thread of its own for the next edit, from the moment
/// work on another thread takes a snapshot (see [`Document::shared_scenario`]).
type Spare = std::sync::mpsc::Receiver<Scenario>;

impl Document {
    /// A document for a scenario that has not been saved yet.
    pub fn new(scenario: Scenario) -> Self {
        let started = Instant::now();
        let (checker, positions) = if scenario.party_count() >= PARALLEL_FROM {
            std::thread::scope(|scope| {
                let layout = scope.spawn(|| effective_positions(&scenario));
                let checker = Checker::new(&scenario);
                let positions = layout
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (checker, positions)
            })
        } else {
            (Checker::new(&scenario), effective_positions(&scenario))
        };
        log::debug!(
            "document: rules checked and laid out in {:?}",
            started.elapsed()
        );
        let unplaced = scenario_unplaced(&scenario);
        let mut history = History::default();
        history.mark_saved();
        let revision = next_revision();
        Document {
            scenario: Arc::new(scenario),
            changes: 0,
            id: next_revision(),
            history,
            checker: Arc::new(checker),
            unplaced: Arc::new(unplaced),
            bounds: bounds_of(&positions),
            remembered: Default::default(),
            positions: Arc::new(positions),
            path: None,
            revision,
            scratch: false,
            disk: None,
            scene: OnceLock::new(),
            tier_edges: None,
            previewed: BTreeSet::new(),
            findings_version: revision,
            findings_log: Default::default(),
            findings_base: revision,
            counts: OnceLock::new(),
            parties_version: revision,
            copying: None,
            spare: Default::default(),
            spare_copying: Default::default(),
        }
    }

    /// A new, unsaved document for a copy of this one's scenario (a what-if fork). Its findings and
    /// where its parties are drawn are copied from this document, not worked out again: the two
    /// scenarios are equal, and a full check, the tier layout and the scene took seconds on the UI
    /// thread at 300,000 parties. The copy keeps the canvas as it was drawn (nothing jumps); its
    /// scene is copied too when the base has one.
    ///
    /// The scenario itself is shared with this document at first and copied on a thread of its
    /// own (copying 300,000 parties took 2.2–2.6 s on the UI thread): the fork is drawn, hovered
    /// and compared meanwhile, and takes its copy when it is in ([`Document::poll_copy`]). An edit
    /// before then waits for the copy under way rather than making another.
    pub fn fork(&self) -> Document {
        let mut history = History::default();
        history.mark_saved();
        let revision = next_revision();
        let (tx, answer) = std::sync::mpsc::channel();
        let shared = (
            Arc::clone(&self.scenario),
            Arc::clone(&self.checker),
            Arc::clone(&self.positions),
            Arc::clone(&self.unplaced),
            self.scene.get().cloned(),
        );
        let copying = std::thread::Builder::new()
            .name("csp-explorer fork copy".into())
            .spawn(move || {
                let started = Instant::now();
                let (scenario, checker, positions, unplaced, drawn) = shared;
                let copied = Copied {
                    scenario: Scenario::clone(&scenario),
                    checker: Checker::clone(&checker),
                    positions: BTreeMap::clone(&positions),
                    unplaced: BTreeSet::clone(&unplaced),
                    // The scenarios are equal, graph indices included: the drawing is the same.
                    drawn: drawn.map(|d| d.copy_for(revision)),
                };
                drop((scenario, checker, positions, unplaced));
                log::debug!("fork: copied in {:?}", started.elapsed());
                // The fork may be gone (discarded): then nobody wants the copy.
                let _ = tx.send(copied);
            })
            .ok()
            .map(|_| answer);
        let mut fork = Document {
            scenario: Arc::clone(&self.scenario),
            copying: None,
            changes: 0,
            id: next_revision(),
            history,
            checker: Arc::clone(&self.checker),
            positions: Arc::clone(&self.positions),
            unplaced: Arc::clone(&self.unplaced),
            remembered: self.remembered.clone(),
            bounds: self.bounds,
            path: None,
            revision,
            scratch: self.scratch,
            disk: None,
            scene: match self.scene.get() {
                Some(drawn) => OnceLock::from(Arc::clone(drawn)),
                None => OnceLock::new(),
            },
            tier_edges: self.tier_edges.clone(),
            previewed: BTreeSet::new(),
            findings_version: revision,
            findings_log: Default::default(),
            findings_base: revision,
            counts: OnceLock::new(),
            parties_version: revision,
            spare: Default::default(),
            spare_copying: Default::default(),
        };
        match copying {
            Some(answer) => fork.copying = Some(answer),
            // No thread: copied here, as before.
            None => fork.take_copy(Copied {
                scenario: Scenario::clone(&self.scenario),
                checker: Checker::clone(&self.checker),
                positions: BTreeMap::clone(&self.positions),
                unplaced: BTreeSet::clone(&self.unplaced),
                drawn: self.scene.get().map(|d| d.copy_for(revision)),
            }),
        }
        fork
    }

    /// Opens a save file. On error nothing is returned, so the caller's open document stays as it was.
    pub fn open(path: &Path) -> Result<Self, LoadError> {
        Self::open_with(path, &Progress::none())
    }

    /// [`Document::open`] for a worker thread: reports reading, checking and laying out to
    /// `progress`, and stops with [`LoadError::Cancelled`] when it is cancelled.
    pub fn open_with(path: &Path, progress: &Progress) -> Result<Self, LoadError> {
        // Stamped before reading: a change made while it is read shows at the next save.
        let stamp = FileStamp::of(path);
        let started = Instant::now();
        let scenario = crate::io::load_with(path, &progress.part(0.0, 0.6, "Reading the file"))?;
        log::debug!(
            "document: {} read in {:?}",
            path.display(),
            started.elapsed()
        );
        let cancelled = || LoadError::Cancelled {
            path: path.display().to_string(),
        };
        let mut doc = Document::new_with(scenario, &progress.part(0.6, 1.0, "Checking the rules"))
            .ok_or_else(cancelled)?;
        doc.path = Some(path.to_owned());
        doc.disk = stamp;
        Ok(doc)
    }

    /// [`Document::new`] for a worker thread (checking the rules and laying out take seconds at
    /// 100,000 parties): `None` when `progress` is cancelled.
    pub fn new_with(scenario: Scenario, progress: &Progress) -> Option<Self> {
        Self::drawn_with(scenario, &BTreeMap::new(), progress)
    }

    /// [`Document::new_with`] for a document drawn as it was (a restored autosave): the parties the
    /// layout placed go back where `drawn` has them (see [`Document::restore_drawn_positions`])
    /// before the scene is made, so that it is made once. Made and then made again for the
    /// positions put back, it took 1.6-1.9 s more of a 300,000-party restore (two documents, a
    /// what-if and its base, 3.2 s of 15 s of CPU).
    pub fn drawn_with(
        scenario: Scenario,
        drawn: &BTreeMap<PartyId, Position>,
        progress: &Progress,
    ) -> Option<Self> {
        if progress.is_cancelled() {
            return None;
        }
        let mut doc = Self::new(scenario);
        if progress.is_cancelled() {
            return None;
        }
        if !drawn.is_empty() {
            doc.restore_drawn_positions(drawn);
        }
        // The canvas's scene is made here, off the UI thread, so the first frame only draws.
        let started = Instant::now();
        doc.scene();
        log::debug!("document: scene made in {:?}", started.elapsed());
        progress.set(1.0);
        (!progress.is_cancelled()).then_some(doc)
    }

    /// True when the file this document was opened from or saved to has changed on disk since
    /// (its modification time, size or identity differ): saving would overwrite someone else's
    /// work, so the app asks first. A file that is gone is [`Document::gone_from_disk`], and a
    /// document that has no stamp (restored from an older build's autosave) cannot tell.
    pub fn changed_on_disk(&self) -> bool {
        match (&self.path, self.disk) {
            (Some(path), Some(stamp)) => FileStamp::of(path).is_some_and(|now| now != stamp),
            _ => false,
        }
    }

    /// True when the file this document was opened from or saved to is no longer there (deleted,
    /// moved or renamed since): saving would create it again, perhaps in a folder someone emptied
    /// on purpose, so the app asks first.
    pub fn gone_from_disk(&self) -> bool {
        match (&self.path, self.disk) {
            (Some(path), Some(_)) => {
                std::fs::metadata(path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
            }
            _ => false,
        }
    }

    /// How the file looked when it was opened or last saved (kept by crash recovery).
    pub fn disk_stamp(&self) -> Option<FileStamp> {
        self.disk
    }

    /// Restores [`Document::disk_stamp`] (a recovered document: its file must still look the same at
    /// the next save, or the app asks).
    pub fn set_disk_stamp(&mut self, stamp: Option<FileStamp>) {
        self.disk = stamp;
    }

    /// Saves atomically to `path` and remembers it (and how the file looks now). It does not check
    /// [`Document::changed_on_disk`]: the caller asks the user first.
    pub fn save_to(&mut self, path: &Path) -> Result<(), SaveError> {
        let changes = self.changes;
        crate::io::save(&self.scenario, path)?;
        self.saved(path, FileStamp::of(path), changes);
        Ok(())
    }

    /// The scenario, shared for work on another thread (a save, an export, the recovery
    /// autosave, a comparison). Edits meanwhile leave the snapshot as it was: a copy for the
    /// first of them is made at once on a thread of its own (unless one is under way or kept
    /// already), so that the edit takes it rather than copying on the UI thread (see [`owned`]).
    /// It shares the parties and links, so it holds the graph's slots and the id maps: about
    /// 45 MB at 300,000 parties, until the next edit.
    pub fn shared_scenario(&self) -> Arc<Scenario> {
        let mut spare = self
            .spare
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if spare.is_none() {
            let snapshot = Arc::clone(&self.scenario);
            let (tx, copy) = std::sync::mpsc::sync_channel(1);
            let holding = Arc::clone(&self.spare_copying);
            holding.store(true, std::sync::atomic::Ordering::SeqCst);
            let copying = std::thread::Builder::new()
                .name("csp-explorer spare copy".into())
                .spawn(move || {
                    let started = Instant::now();
                    let copied = Scenario::clone(&snapshot);
                    // Let go first, then say so: while the flag is up the hold may be gone
                    // already, never the other way round.
                    drop(snapshot);
                    holding.store(false, std::sync::atomic::Ordering::SeqCst);
                    log::debug!(
                        "edit: a copy made for the next edit in {:?}",
                        started.elapsed()
                    );
                    // The document may be gone, or have taken the copy's place otherwise.
                    let _ = tx.send(copied);
                });
            // No thread: the next edit copies, as before.
            *spare = match copying {
                Ok(_) => Some(copy),
                Err(_) => {
                    self.spare_copying
                        .store(false, std::sync::atomic::Ordering::SeqCst);
                    None
                }
            };
        }
        Arc::clone(&self.scenario)
    }

    /// Runs `trial` on the scenario itself, which must leave it as it found it (a link added,
    /// checked and removed: how the connect gesture's verdicts are found without copying a
    /// 300,000-party scenario, 2.6 s and 633 MB, per party hovered). Nothing the document keeps
    /// is told, because nothing changes. `None` while work on another thread holds the scenario
    /// (see [`Document::is_shared`]): the caller then tries on a copy.
    pub fn trial<R>(&mut self, trial: impl FnOnce(&mut Scenario) -> R) -> Option<R> {
        self.wait_for_copy();
        // The spare copy's thread holds the scenario until its copy is made: waited for. The
        // copy is kept while work still holds the scenario (the trial is then made on a copy
        // by the caller); otherwise it is let go, since a trial leaves the scenario equal but
        // not the same (a link slot taken and freed).
        if let Some(pending) = spare(&mut self.spare).take()
            && let Ok(copy) = pending.recv()
        {
            if Arc::strong_count(&self.scenario) > 1 {
                let (tx, ready) = std::sync::mpsc::sync_channel(1);
                let _ = tx.send(copy);
                *spare(&mut self.spare) = Some(ready);
            } else {
                drop_elsewhere(copy);
            }
        }
        let scenario = Arc::get_mut(&mut self.scenario)?;
        let counts = (scenario.party_count(), scenario.link_count());
        let result = trial(scenario);
        debug_assert_eq!(
            counts,
            (scenario.party_count(), scenario.link_count()),
            "a trial must leave the scenario as it found it"
        );
        Some(result)
    }

    /// True while a snapshot of the scenario is held elsewhere (a save, an export, the recovery
    /// autosave, a comparison): the next edit takes a copy rather than changing it. The spare
    /// copy's own thread, holding it to copy it, does not count.
    pub fn is_shared(&self) -> bool {
        let copying = self.spare_copying.load(std::sync::atomic::Ordering::SeqCst);
        Arc::strong_count(&self.scenario) > 1 + usize::from(copying)
    }

    /// True while a fork's own copy of the scenario is being made (see [`Document::fork`]).
    pub fn is_copying(&self) -> bool {
        self.copying.is_some()
    }

    /// Takes a fork's copy of the scenario if it is in (the window asks every frame while it is
    /// being made); true when it is still being made.
    pub fn poll_copy(&mut self) -> bool {
        // A copy made for an edit that has not come, while the work that held the scenario is
        // done: let go, so that the window does not keep it (see [`Document::shared_scenario`]).
        if Arc::strong_count(&self.scenario) == 1
            && let Some(unused) = spare(&mut self.spare).take()
        {
            drop_elsewhere(unused);
        }
        let Some(answer) = &self.copying else {
            return false;
        };
        match answer.try_recv() {
            Ok(copy) => self.take_copy(copy),
            Err(std::sync::mpsc::TryRecvError::Empty) => return true,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => self.copying = None,
        }
        false
    }

    /// Waits for a fork's copy of the scenario under way, if any, and takes it: what an edit does
    /// before changing the scenario (the copy is nearer done than a new one would be).
    fn wait_for_copy(&mut self) {
        let Some(answer) = &self.copying else {
            return;
        };
        let started = Instant::now();
        match answer.recv() {
            Ok(copy) => self.take_copy(copy),
            Err(_) => self.copying = None,
        }
        log::debug!("edit: waited {:?} for the fork's copy", started.elapsed());
    }

    fn take_copy(&mut self, copied: Copied) {
        self.copying = None;
        // Nothing changed what was shared while it was (changes wait for the copy); when the
        // base is gone meanwhile (the what-if was kept), the shared one is this fork's alone.
        if Arc::strong_count(&self.scenario) > 1 {
            self.scenario = Arc::new(copied.scenario);
        }
        if Arc::strong_count(&self.checker) > 1 {
            self.checker = Arc::new(copied.checker);
        }
        if Arc::strong_count(&self.positions) > 1 {
            self.positions = Arc::new(copied.positions);
        }
        if Arc::strong_count(&self.unplaced) > 1 {
            self.unplaced = Arc::new(copied.unplaced);
        }
        if let (Some(drawn), Some(shared)) = (copied.drawn, self.scene.get_mut())
            && Arc::strong_count(shared) > 1
        {
            *shared = Arc::new(drawn);
        }
    }

    /// Tells this document from every other of the process.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The change counter (see the field): equal counts mean the same scenario and unsaved state.
    pub fn changes(&self) -> u64 {
        self.changes
    }

    /// Records a save made elsewhere (on a worker thread) from the state this document had at
    /// change count `changes`: the document now belongs to `path`, whose file looks like `stamp`.
    /// It counts as saved only if nothing changed since that snapshot; otherwise it stays unsaved
    /// (the file holds the snapshot, not what is on screen).
    pub fn saved(&mut self, path: &Path, stamp: Option<FileStamp>, changes: u64) {
        self.disk = stamp;
        self.path = Some(path.to_owned());
        self.scratch = false;
        if changes == self.changes {
            self.history.mark_saved();
        } else {
            self.history.mark_unsaved();
        }
    }

    /// Counts the scenario as unsaved, whatever is undone later.
    pub fn mark_unsaved(&mut self) {
        self.changes += 1;
        self.history.mark_unsaved();
    }

    /// Applies an edit as one undoable step and re-checks what it touched. (Here and in undo and
    /// redo, [`owned`] copies the scenario first only while a snapshot is held elsewhere.)
    pub fn apply(&mut self, edit: Edit) -> Result<(), ScenarioError> {
        self.wait_for_copy();
        let replaced = self.replaced_by(Some(&edit));
        let scenario = owned(&mut self.scenario, spare(&mut self.spare));
        let touched = self.history.apply(scenario, edit)?;
        self.after(&touched, replaced);
        Ok(())
    }

    /// [`Document::apply`], naming the step in the undo menu (a what-if operation).
    pub fn apply_labelled(&mut self, edit: Edit, label: String) -> Result<(), ScenarioError> {
        self.wait_for_copy();
        let replaced = self.replaced_by(Some(&edit));
        let scenario = owned(&mut self.scenario, spare(&mut self.spare));
        let touched = self.history.apply_labelled(scenario, edit, Some(label))?;
        self.after(&touched, replaced);
        Ok(())
    }

    /// Applies an as-of change that continues the previous one (see [`History::apply_continuing`]).
    pub fn apply_continuing(&mut self, edit: Edit) -> Result<(), ScenarioError> {
        self.wait_for_copy();
        let replaced = self.replaced_by(Some(&edit));
        let scenario = owned(&mut self.scenario, spare(&mut self.spare));
        let touched = self.history.apply_continuing(scenario, edit)?;
        self.after(&touched, replaced);
        Ok(())
    }

    /// Undoes the last step; false when there was nothing to undo.
    pub fn undo(&mut self) -> bool {
        if !self.history.can_undo() {
            return false;
        }
        self.wait_for_copy();
        let replaced = self.replaced_by(self.history.next_undo());
        match self
            .history
            .undo(owned(&mut self.scenario, spare(&mut self.spare)))
        {
            Some(Ok(touched)) => {
                self.after(&touched, replaced);
                true
            }
            _ => false,
        }
    }

    /// Redoes the last undone step; false when there was nothing to redo.
    pub fn redo(&mut self) -> bool {
        if !self.history.can_redo() {
            return false;
        }
        self.wait_for_copy();
        let replaced = self.replaced_by(self.history.next_redo());
        match self
            .history
            .redo(owned(&mut self.scenario, spare(&mut self.spare)))
        {
            Some(Ok(touched)) => {
                self.after(&touched, replaced);
                true
            }
            _ => false,
        }
    }

    /// The graph indexes `edit` is about to remove or replace (see [`Edit::replaced_indexes`]),
    /// which the scene must forget; nothing when there is no scene to keep.
    fn replaced_by(&self, edit: Option<&Edit>) -> (Vec<NodeIndex>, Vec<EdgeIndex>) {
        let mut replaced = (Vec::new(), Vec::new());
        if let Some(edit) = edit
            && self.scene.get().is_some()
        {
            edit.replaced_indexes(&self.scenario, &mut replaced.0, &mut replaced.1);
        }
        replaced
    }

    /// Brings findings, drawing positions and the scene up to date with an applied edit, each
    /// doing only what the edit touched.
    fn after(&mut self, touched: &Touched, replaced: (Vec<NodeIndex>, Vec<EdgeIndex>)) {
        let started = Instant::now();
        self.revision = next_revision();
        self.changes += 1;
        let journal = Arc::make_mut(&mut self.checker).update_recorded(&self.scenario, touched);
        let checked = started.elapsed();
        let mut candidates: BTreeSet<PartyId> = touched.parties.clone();
        candidates.extend(touched.moved.iter().cloned());
        candidates.extend(std::mem::take(&mut self.previewed));
        let drawn = self.refresh_positions(candidates);
        let placed = started.elapsed();
        if touched.everything || !touched.parties.is_empty() || !touched.links.is_empty() {
            self.parties_version = next_revision();
        }
        self.log_findings(
            (!touched.everything).then(|| journal.before().map(|(s, _)| s.clone()).collect()),
        );
        let mut change = Change {
            everything: touched.everything,
            parties: touched.parties.clone(),
            links: touched.links.clone(),
            replaced_parties: replaced.0,
            replaced_links: replaced.1,
        };
        change.parties.extend(drawn);
        for (subject, _) in journal.before() {
            match subject {
                Subject::Link(id) => change.links.insert(*id),
                Subject::Party(id) => change.parties.insert(*id),
            };
        }
        self.follow(&change);
        log::debug!(
            "edit: rules {:?}, positions {:?}, scene {:?}",
            checked,
            placed - checked,
            started.elapsed() - placed
        );
    }

    /// Records that the findings of `subjects` changed (`None`: any may have).
    fn log_findings(&mut self, subjects: Option<Vec<Subject>>) {
        if subjects.as_ref().is_some_and(Vec::is_empty) {
            return;
        }
        self.findings_version = next_revision();
        self.counts = OnceLock::new();
        self.findings_log
            .push_back((self.findings_version, subjects));
        if self.findings_log.len() > FINDINGS_LOG
            && let Some((version, _)) = self.findings_log.pop_front()
        {
            self.findings_base = version;
        }
    }

    /// Identifies the state of the parties and links (not where they are drawn): equal versions
    /// mean the same names, kinds and links, so a view of them (the party search) need not be
    /// redone while a party is dragged.
    pub fn parties_version(&self) -> u64 {
        self.parties_version
    }

    /// Identifies the state of the findings: equal versions mean the same findings.
    pub fn findings_version(&self) -> u64 {
        self.findings_version
    }

    /// The subjects whose findings changed since this document's findings were at `version`, when
    /// the document still knows (`None`: look at all of them; `version` is another document's,
    /// too old, or a change re-checked everything).
    pub fn findings_changes(&self, version: u64) -> Option<BTreeSet<Subject>> {
        let known =
            version == self.findings_base || self.findings_log.iter().any(|(v, _)| *v == version);
        if !known {
            return None;
        }
        let mut changed = BTreeSet::new();
        for (_, subjects) in self.findings_log.iter().filter(|(v, _)| *v > version) {
            changed.extend(subjects.as_ref()?.iter().cloned());
        }
        Some(changed)
    }

    /// The findings counted by severity.
    pub fn counts(&self) -> crate::rules::Counts {
        *self.counts.get_or_init(|| self.checker.counts())
    }

    /// Updates the scene, if one was made, for `change`; when the change is too large to follow,
    /// the scene is dropped and made afresh on next use.
    fn follow(&mut self, change: &Change) {
        if let Some(drawn) = self.scene.take() {
            // Shared only with a what-if's base whose copy is not in (changes wait for it).
            let mut drawn =
                Arc::try_unwrap(drawn).unwrap_or_else(|shared| shared.copy_for(self.revision));
            if drawn.update(self, change) {
                let _ = self.scene.set(Arc::new(drawn));
            }
        }
    }

    /// What the canvas draws from, made now if it was not yet.
    fn drawn(&self) -> &Drawn {
        self.scene.get_or_init(|| {
            let started = Instant::now();
            #[cfg(test)]
            SCENES_MADE.with(|made| made.set(made.get() + 1));
            let drawn = Drawn::build(self);
            log::debug!("scene built in {:?}", started.elapsed());
            Arc::new(drawn)
        })
    }

    /// What the canvas draws from, made now if it was not yet (see [`Scene`]).
    pub(crate) fn scene(&self) -> &Scene {
        &self.drawn().scene
    }

    /// The canvas's far view for a frame at `zoom`, derived on the first frame at its level.
    pub(crate) fn far_level(&self, zoom: f32) -> &Level {
        self.drawn().level(self, zoom)
    }

    /// Gives the document a scene made some other way (a test's choice of routing).
    #[cfg(test)]
    pub(crate) fn keep_scene(&mut self, scene: Scene) {
        self.scene = OnceLock::from(Arc::new(Drawn::from(scene)));
    }

    /// The scene as kept, without making one.
    #[cfg(test)]
    pub(crate) fn kept_scene(&self) -> Option<&Scene> {
        self.scene.get().map(|d| &d.scene)
    }

    /// Sets where a party is drawn (`None`: it is not), keeping the bounds and the tiers' right
    /// edges; `stale` is set when the bounds may have shrunk and must be worked out again.
    fn set_drawn(&mut self, id: &PartyId, at: Option<Position>, stale: &mut bool) {
        let old = match at {
            Some(p) => Arc::make_mut(&mut self.positions).insert(*id, p),
            None => Arc::make_mut(&mut self.positions).remove(id),
        };
        if let (Some(old), Some(bounds)) = (old, self.bounds)
            && Some(old) != at
            && on_edge(old, bounds)
        {
            *stale = true;
        }
        if let Some(p) = at {
            self.bounds = Some(match self.bounds {
                None => (p, p),
                Some((lo, hi)) => (
                    Position {
                        x: lo.x.min(p.x),
                        y: lo.y.min(p.y),
                    },
                    Position {
                        x: hi.x.max(p.x),
                        y: hi.y.max(p.y),
                    },
                ),
            });
            if let (Some(edges), Some(party)) =
                (&mut self.tier_edges, self.scenario.party(id.as_str()))
            {
                let edge = edges.entry(party.kind.tier()).or_insert(f32::MIN);
                *edge = edge.max(p.x);
            }
        }
    }

    /// Brings drawing positions up to date after a change to `candidates` (the parties an edit
    /// touched or moved), placing only what needs a place (the tier layout of a 300,000-party
    /// channel is not redone for every edit). Parties the user never placed keep where they were
    /// drawn: the tier layout depends on the links, and a canvas that rearranges itself when a
    /// link is deleted loses the trainee's eye. A party whose saved position is removed (undoing a
    /// drag or a layout), or that comes back (undoing a delete), returns to where the layout had
    /// drawn it; a party new to the document goes to the right of its tier. When most parties need
    /// a place, the whole tier layout is redone. Returns the parties whose drawn position changed.
    fn refresh_positions(&mut self, candidates: BTreeSet<PartyId>) -> Vec<PartyId> {
        let mut changed = Vec::new();
        let mut needs_place = Vec::new();
        let mut stale = false;
        for id in candidates {
            let saved = match self.scenario.party(id.as_str()) {
                Some(p) => p.position,
                None => {
                    if let Some(at) = self.positions.get(&id).copied() {
                        if Arc::make_mut(&mut self.unplaced).remove(&id) {
                            self.remembered.insert(id, at);
                        }
                        self.set_drawn(&id, None, &mut stale);
                        changed.push(id);
                    }
                    continue;
                }
            };
            match saved {
                Some(saved) => {
                    if Arc::make_mut(&mut self.unplaced).remove(&id)
                        && let Some(drawn) = self.positions.get(&id)
                    {
                        self.remembered.insert(id, *drawn);
                    }
                    if self.positions.get(&id) != Some(&saved) {
                        self.set_drawn(&id, Some(saved), &mut stale);
                        changed.push(id);
                    }
                }
                None => {
                    let kept = self.unplaced.contains(&id) && self.positions.contains_key(&id);
                    if !kept {
                        needs_place.push(id);
                    }
                }
            }
        }
        if needs_place.len() * 2 > self.scenario.party_count() {
            let fresh = effective_positions(&self.scenario);
            for id in needs_place {
                if let Some(p) = fresh.get(&id) {
                    self.set_drawn(&id, Some(*p), &mut stale);
                }
                Arc::make_mut(&mut self.unplaced).insert(id);
                changed.push(id);
            }
        } else if !needs_place.is_empty() {
            // Right of everything already drawn in the party's tier, one column apart.
            if self.tier_edges.is_none() {
                let mut edges: BTreeMap<u8, f32> = BTreeMap::new();
                for p in self.scenario.parties() {
                    if let Some(at) = self.positions.get(&p.id) {
                        let edge = edges.entry(p.kind.tier()).or_insert(f32::MIN);
                        *edge = edge.max(at.x);
                    }
                }
                self.tier_edges = Some(edges);
            }
            needs_place
                .sort_by_key(|id| (self.scenario.party(id.as_str()).map(|p| p.kind.tier()), *id));
            for id in needs_place {
                let tier = self
                    .scenario
                    .party(id.as_str())
                    .map_or(3, |p| p.kind.tier());
                let at = match self.remembered.remove(&id) {
                    Some(at) => at,
                    None => {
                        let edge = self
                            .tier_edges
                            .as_ref()
                            .and_then(|edges| edges.get(&tier).copied())
                            .unwrap_or(f32::MIN);
                        let x = if edge == f32::MIN {
                            0.0
                        } else {
                            edge + crate::layout::COLUMN_GAP
                        };
                        Position {
                            x,
                            y: f32::from(tier) * crate::layout::ROW_GAP,
                        }
                    }
                };
                self.set_drawn(&id, Some(at), &mut stale);
                Arc::make_mut(&mut self.unplaced).insert(id);
                changed.push(id);
            }
        }
        if stale {
            self.bounds = bounds_of(&self.positions);
        }
        changed
    }

    /// The scenario (read-only: changes go through [`Document::apply`]).
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The findings, current with the last edit.
    pub fn checker(&self) -> &Checker {
        &self.checker
    }

    /// The findings, shared for work on another thread (an export) without copying: an edit
    /// meanwhile copies them once, as it copies a shared scenario.
    pub fn shared_checker(&self) -> Arc<Checker> {
        Arc::clone(&self.checker)
    }

    /// The scenario's state: equal revisions mean the same document in the same state.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The undo history.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Where a party is drawn, in canvas coordinates.
    pub fn position(&self, id: &str) -> Option<Position> {
        self.positions.get(id).copied()
    }

    /// The smallest and largest drawing coordinates of any party (none without parties).
    pub fn bounds(&self) -> Option<(Position, Position)> {
        self.bounds
    }

    /// Every party's drawing position.
    pub fn positions(&self) -> &BTreeMap<PartyId, Position> {
        &self.positions
    }

    /// Moves a party's drawing position without an undo step (while a drag is in progress).
    pub fn preview_position(&mut self, id: &PartyId, position: Position) {
        self.wait_for_copy();
        let mut stale = false;
        self.set_drawn(id, Some(position), &mut stale);
        if stale {
            self.bounds = bounds_of(&self.positions);
        }
        self.previewed.insert(*id);
        // Views derived from positions (lesson progress, the lens) are keyed by the revision.
        self.revision = next_revision();
        self.follow(&Change {
            parties: BTreeSet::from([*id]),
            ..Change::default()
        });
    }

    /// Puts parties without a saved position back where they were drawn (a restored autosave): the
    /// tier layout for the scenario as it is now may place them elsewhere, since they keep their spot
    /// across edits (see [`Document::refresh_positions`]). Saved positions come from the scenario.
    pub fn restore_drawn_positions(&mut self, drawn: &BTreeMap<PartyId, Position>) {
        self.wait_for_copy();
        let positions = Arc::make_mut(&mut self.positions);
        for (id, p) in drawn {
            if self.unplaced.contains(id) {
                positions.insert(*id, *p);
            }
        }
        // Fit-to-all and the canvas's spatial index read these: stale ones cut the restored
        // drawing off at the edges.
        self.bounds = bounds_of(&self.positions);
        self.tier_edges = None;
        self.scene = OnceLock::new();
        self.revision = next_revision();
    }

    /// Puts parties moved by [`Document::preview_position`] back where the scenario draws them
    /// (after a cancelled drag).
    pub fn reset_positions(&mut self) {
        self.wait_for_copy();
        let previewed = std::mem::take(&mut self.previewed);
        let drawn = self.refresh_positions(previewed);
        self.revision = next_revision();
        self.follow(&Change {
            parties: drawn.into_iter().collect(),
            ..Change::default()
        });
    }

    /// True when there are changes since the last save.
    pub fn is_dirty(&self) -> bool {
        self.history.is_dirty()
    }

    /// A name for the title bar and prompts.
    pub fn display_name(&self) -> String {
        match &self.path {
            Some(p) => p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            None if self.scenario.meta.title.is_empty() => "Untitled".to_owned(),
            None => self.scenario.meta.title.clone(),
        }
    }
}

/// The canvas's scene derives from the document's scenario, findings and drawing, nothing else.
impl scene::Source for Document {
    fn scenario(&self) -> &Scenario {
        Document::scenario(self)
    }
    fn checker(&self) -> &Checker {
        Document::checker(self)
    }
    fn position(&self, id: &str) -> Option<Position> {
        Document::position(self, id)
    }
    fn positions(&self) -> &BTreeMap<PartyId, Position> {
        Document::positions(self)
    }
    fn revision(&self) -> u64 {
        Document::revision(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Link, LinkKind, Party, PartyKind};

    fn doc() -> Document {
        Document::new(crate::scenarios::synthetic(40))
    }

    /// An edit while work on another thread holds the scenario takes the copy made for it on a
    /// thread of its own when the snapshot was taken: the UI thread copies nothing, the snapshot
    /// stays as it was, and the edit and its undo land in the document.
    #[test]
    fn an_edit_while_a_snapshot_is_held_takes_the_copy_made_elsewhere() {
        let mut doc = doc();
        let party = doc.scenario().parties().last().unwrap().id;
        let at = Position { x: -77.0, y: 55.0 };
        let copies_here = || COPIES_MADE.with(|made| made.get());
        let before = copies_here();
        let held = doc.shared_scenario();
        let again = doc.shared_scenario();
        assert!(doc.is_shared());
        doc.apply(Edit::MoveParty(party, Some(at))).unwrap();
        assert_eq!(copies_here(), before, "the UI thread copied the scenario");
        assert_eq!(
            doc.scenario().party(party.as_str()).unwrap().position,
            Some(at)
        );
        assert_eq!(held.party(party.as_str()).unwrap().position, None);
        assert!(Arc::ptr_eq(&held, &again), "one snapshot, taken twice");
        // The work is done; a new snapshot, then undo while it is held.
        drop((held, again));
        let held = doc.shared_scenario();
        assert!(doc.undo());
        assert_eq!(copies_here(), before);
        assert_eq!(doc.scenario().party(party.as_str()).unwrap().position, None);
        assert_eq!(held.party(party.as_str()).unwrap().position, Some(at));
        // A copy made for an edit that never came is let go once the work is done (the window
        // polls every frame), and the next edit changes the scenario itself.
        drop(held);
        let unused = doc.shared_scenario();
        drop(unused);
        let started = Instant::now();
        while doc.spare.get_mut().unwrap().is_some() {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(20),
                "the unused copy is let go"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
            doc.poll_copy();
        }
        assert!(!doc.is_shared());
        assert!(doc.redo());
        assert_eq!(
            doc.scenario().party(party.as_str()).unwrap().position,
            Some(at)
        );
    }

    #[test]
    fn a_fork_has_the_findings_of_a_fresh_check_and_is_drawn_where_its_base_was() {
        let mut base = doc();
        // The base moved on: a party dragged, a link added (its findings followed edit by edit).
        let first = base.scenario().parties().next().unwrap().id;
        base.apply(Edit::MoveParty(first, Some(Position { x: -500.0, y: 7.0 })))
            .unwrap();
        let (a, b) = {
            let mut kinds = base.scenario().parties().map(|p| (p.kind, p.id));
            let reseller = kinds
                .find(|(k, _)| *k == PartyKind::IndirectReseller)
                .unwrap()
                .1;
            let customer = base
                .scenario()
                .parties()
                .find(|p| p.kind == PartyKind::Customer)
                .unwrap()
                .id;
            (reseller, customer)
        };
        let id = base.scenario().fresh_link_id("trial-purchase");
        let as_of = base.scenario().as_of();
        base.apply(Edit::AddLink(Link::new(
            id,
            LinkKind::Purchase,
            a,
            b,
            as_of,
        )))
        .unwrap();
        let fork = base.fork();
        let fresh = Document::new(base.scenario().clone());
        assert_eq!(fork.checker().sorted(), fresh.checker().sorted());
        assert_eq!(fork.scenario().party_count(), base.scenario().party_count());
        assert_eq!(
            fork.positions(),
            base.positions(),
            "drawn where the base is drawn"
        );
        assert_eq!(fork.bounds(), base.bounds());
        assert_eq!(
            fork.position(first.as_str()),
            Some(Position { x: -500.0, y: 7.0 })
        );
        assert!(!fork.is_dirty() && fork.path.is_none());
        assert_ne!(fork.id(), base.id());
        assert_ne!(fork.revision(), base.revision());
        // The fork shares its base's scenario while its own copy is made on a thread.
        assert!(Arc::ptr_eq(&fork.scenario, &base.scenario));
        // The fork is edited on its own.
        let mut fork = fork;
        fork.apply(Edit::MoveParty(first, Some(Position { x: 9.0, y: 9.0 })))
            .unwrap();
        assert_eq!(
            base.position(first.as_str()),
            Some(Position { x: -500.0, y: 7.0 })
        );
        assert_eq!(
            fork.position(first.as_str()),
            Some(Position { x: 9.0, y: 9.0 })
        );
    }

    #[test]
    fn a_fork_copies_its_scenario_off_the_ui_thread_and_an_edit_waits_for_that_copy() {
        let base = doc();
        let before = base.scenario().clone();
        let mut fork = base.fork();
        // Nothing was copied on this thread: the fork shares the base's scenario...
        assert!(Arc::ptr_eq(&fork.scenario, &base.scenario));
        assert!(Arc::ptr_eq(&fork.checker, &base.checker));
        assert!(Arc::ptr_eq(&fork.positions, &base.positions));
        assert!(Arc::ptr_eq(&fork.unplaced, &base.unplaced));
        assert!(fork.is_copying());
        // ... until its own copy, made meanwhile, is in.
        while fork.poll_copy() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert!(!fork.is_copying());
        assert!(!Arc::ptr_eq(&fork.scenario, &base.scenario));
        assert!(!Arc::ptr_eq(&fork.checker, &base.checker));
        assert!(!Arc::ptr_eq(&fork.positions, &base.positions));
        assert_eq!(fork.scenario(), &before);
        // An edit made at once waits for the copy under way: the fork changes, the base does not.
        let mut again = base.fork();
        let id = again.scenario().parties().next().unwrap().id;
        again
            .apply(Edit::UpdateParty(Party {
                name: "Renamed in the what-if".into(),
                ..again.scenario().party(id.as_str()).unwrap().clone()
            }))
            .unwrap();
        assert!(!again.is_copying());
        assert_eq!(
            again.scenario().party(id.as_str()).unwrap().name,
            "Renamed in the what-if"
        );
        assert_eq!(base.scenario(), &before, "the base is as it was");
        assert!(
            !base.is_shared(),
            "nothing holds the base's scenario any more"
        );
    }

    #[test]
    fn an_edit_moves_no_party_it_does_not_place() {
        let mut doc = doc();
        let before = doc.positions().clone();
        let s = doc.scenario();
        let reseller = s
            .parties_of_kind(PartyKind::IndirectReseller)
            .next()
            .unwrap()
            .id;
        let customer = s.parties_of_kind(PartyKind::Customer).last().unwrap().id;
        let id = s.fresh_link_id("t");
        let date = s.as_of();
        doc.apply(Edit::AddLink(Link::new(
            id,
            LinkKind::Purchase,
            reseller,
            customer,
            date,
        )))
        .unwrap();
        assert_eq!(doc.positions(), &before, "a new link moves nobody");
        // A new party goes right of its tier, on no one's spot.
        doc.apply(Edit::AddParty(Party::new("newcomer", PartyKind::Customer)))
            .unwrap();
        let at = doc.position("newcomer").expect("placed");
        assert!(before.values().all(|p| p.x < at.x || p.y != at.y));
        for (id, p) in &before {
            assert_eq!(doc.position(id.as_str()), Some(*p));
        }
    }

    #[test]
    fn undoing_a_drag_or_a_delete_puts_the_party_back_where_it_was_drawn() {
        let mut doc = doc();
        let (id, at) = doc
            .positions()
            .iter()
            .next()
            .map(|(i, p)| (*i, *p))
            .unwrap();
        doc.apply(Edit::MoveParty(id, Some(Position { x: -9e4, y: 9e4 })))
            .unwrap();
        assert_eq!(
            doc.position(id.as_str()),
            Some(Position { x: -9e4, y: 9e4 })
        );
        assert!(doc.undo());
        assert_eq!(doc.position(id.as_str()), Some(at));
        doc.apply(Edit::RemoveParty(id)).unwrap();
        assert_eq!(doc.position(id.as_str()), None);
        assert_eq!(doc.positions().len(), doc.scenario().party_count());
        assert!(doc.undo());
        assert_eq!(doc.position(id.as_str()), Some(at));
        let (lo, hi) = doc.bounds().unwrap();
        assert!(
            doc.positions()
                .values()
                .all(|p| p.x >= lo.x && p.x <= hi.x && p.y >= lo.y && p.y <= hi.y)
        );
    }

    #[test]
    fn restored_positions_move_the_bounds_and_the_revision() {
        // synthetic scenarios carry no saved positions: every party is drawn where the layout put it.
        let mut doc = doc();
        let id = doc.scenario().parties().next().unwrap().id;
        let revision = doc.revision();
        let far = Position { x: 5e5, y: -4e5 };
        doc.restore_drawn_positions(&BTreeMap::from([(id, far)]));
        assert_eq!(doc.position(id.as_str()), Some(far));
        let (lo, hi) = doc.bounds().unwrap();
        assert_eq!(
            (hi.x, lo.y),
            (far.x, far.y),
            "fit-to-all reaches the restored spot"
        );
        assert_ne!(
            doc.revision(),
            revision,
            "views keyed by the revision are rebuilt"
        );
    }
}
