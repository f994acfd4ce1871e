//! The open scenario with its history, findings and file: what one window edits.

use crate::edit::{Edit, History, Touched};
use crate::io::save::FileStamp;
use crate::io::{LoadError, SaveError};
use crate::layout::effective_positions;
use crate::model::{PartyId, Position, Scenario, ScenarioError};
use crate::progress::Progress;
use crate::rules::Checker;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn scenario_unplaced(scenario: &Scenario) -> std::collections::BTreeSet<PartyId> {
    scenario
        .parties()
        .filter(|p| p.position.is_none())
        .map(|p| p.id.clone())
        .collect()
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
    checker: Checker,
    /// Where each party is drawn: saved positions, the tier layout for the rest. Refreshed after
    /// every edit rather than every frame.
    positions: BTreeMap<PartyId, Position>,
    /// The parties that had no saved position at the last refresh (drawn by the tier layout).
    unplaced: std::collections::BTreeSet<PartyId>,
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
}

/// The source of [`Document::revision`]s.
fn next_revision() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Document {
    /// A document for a scenario that has not been saved yet.
    pub fn new(scenario: Scenario) -> Self {
        let checker = Checker::new(&scenario);
        let positions = effective_positions(&scenario);
        let unplaced = scenario_unplaced(&scenario);
        let mut history = History::default();
        history.mark_saved();
        Document {
            scenario: Arc::new(scenario),
            changes: 0,
            id: next_revision(),
            history,
            checker,
            unplaced,
            bounds: bounds_of(&positions),
            remembered: Default::default(),
            positions,
            path: None,
            revision: next_revision(),
            scratch: false,
            disk: None,
        }
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
        let scenario = crate::io::load_with(path, &progress.part(0.0, 0.6, "Reading the file"))?;
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
        if progress.is_cancelled() {
            return None;
        }
        let doc = Self::new(scenario);
        progress.set(1.0);
        (!progress.is_cancelled()).then_some(doc)
    }

    /// True when the file this document was opened from or saved to has changed on disk since
    /// (its modification time, size or identity differ): saving would overwrite someone else's
    /// work, so the app asks first. A file that is gone is not a conflict (saving recreates it),
    /// and a document that has no stamp (restored from an older build's autosave) cannot tell.
    pub fn changed_on_disk(&self) -> bool {
        match (&self.path, self.disk) {
            (Some(path), Some(stamp)) => FileStamp::of(path).is_some_and(|now| now != stamp),
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

    /// The scenario, shared for work on another thread (a save, the recovery autosave, a
    /// comparison): no copy is made. Edits meanwhile leave the snapshot as it was (the document
    /// then copies the scenario once, see [`Document::is_shared`]).
    pub fn shared_scenario(&self) -> Arc<Scenario> {
        Arc::clone(&self.scenario)
    }

    /// True while a snapshot of the scenario is held elsewhere: the next edit copies it first.
    pub fn is_shared(&self) -> bool {
        Arc::strong_count(&self.scenario) > 1
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
    /// redo, `Arc::make_mut` copies the scenario first only while a snapshot is held elsewhere.)
    pub fn apply(&mut self, edit: Edit) -> Result<(), ScenarioError> {
        let scenario = Arc::make_mut(&mut self.scenario);
        let touched = self.history.apply(scenario, edit)?;
        self.after(&touched);
        Ok(())
    }

    /// Applies an as-of change that continues the previous one (see [`History::apply_continuing`]).
    pub fn apply_continuing(&mut self, edit: Edit) -> Result<(), ScenarioError> {
        let scenario = Arc::make_mut(&mut self.scenario);
        let touched = self.history.apply_continuing(scenario, edit)?;
        self.after(&touched);
        Ok(())
    }

    /// Undoes the last step; false when there was nothing to undo.
    pub fn undo(&mut self) -> bool {
        if !self.history.can_undo() {
            return false;
        }
        match self.history.undo(Arc::make_mut(&mut self.scenario)) {
            Some(Ok(touched)) => {
                self.after(&touched);
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
        match self.history.redo(Arc::make_mut(&mut self.scenario)) {
            Some(Ok(touched)) => {
                self.after(&touched);
                true
            }
            _ => false,
        }
    }

    fn after(&mut self, touched: &Touched) {
        self.revision = next_revision();
        self.changes += 1;
        self.checker.update(&self.scenario, touched);
        self.refresh_positions();
    }

    /// Brings drawing positions up to date after a change, placing only what needs a place (the
    /// tier layout of a 300,000-party channel is not redone for every edit). Parties the user never
    /// placed keep where they were drawn: the tier layout depends on the links, and a canvas that
    /// rearranges itself when a link is deleted loses the trainee's eye. A party whose saved
    /// position is removed (undoing a drag or a layout), or that comes back (undoing a delete),
    /// returns to where the layout had drawn it; a party new to the document goes to the right of
    /// its tier. When most parties need a place, the whole tier layout is redone.
    fn refresh_positions(&mut self) {
        let mut needs_place = Vec::new();
        let mut seen = 0usize;
        for p in self.scenario.parties() {
            seen += 1;
            match p.position {
                Some(saved) => {
                    if self.unplaced.remove(&p.id)
                        && let Some(drawn) = self.positions.get(&p.id)
                    {
                        self.remembered.insert(p.id.clone(), *drawn);
                    }
                    if self.positions.get(&p.id) != Some(&saved) {
                        self.positions.insert(p.id.clone(), saved);
                    }
                }
                None => {
                    let kept = self.unplaced.contains(&p.id) && self.positions.contains_key(&p.id);
                    if !kept {
                        needs_place.push(p.id.clone());
                    }
                }
            }
        }
        if self.positions.len() + needs_place.len() > seen {
            let scenario = &self.scenario;
            let (unplaced, remembered) = (&mut self.unplaced, &mut self.remembered);
            self.positions.retain(|id, at| {
                let keep = scenario.party(id.as_str()).is_some();
                if !keep && unplaced.remove(id) {
                    remembered.insert(id.clone(), *at);
                }
                keep
            });
        }
        if needs_place.len() * 2 > seen {
            let fresh = effective_positions(&self.scenario);
            for id in needs_place {
                if let Some(p) = fresh.get(&id) {
                    self.positions.insert(id.clone(), *p);
                }
                self.unplaced.insert(id);
            }
        } else if !needs_place.is_empty() {
            // Right of everything already drawn in the party's tier, one column apart.
            let mut right_edge: BTreeMap<u8, f32> = BTreeMap::new();
            for p in self.scenario.parties() {
                if let Some(at) = self.positions.get(&p.id) {
                    let edge = right_edge.entry(p.kind.tier()).or_insert(f32::MIN);
                    *edge = edge.max(at.x);
                }
            }
            needs_place.sort_by_key(|id| {
                (
                    self.scenario.party(id.as_str()).map(|p| p.kind.tier()),
                    id.clone(),
                )
            });
            for id in needs_place {
                let at = match self.remembered.remove(&id) {
                    Some(at) => at,
                    None => {
                        let tier = self
                            .scenario
                            .party(id.as_str())
                            .map_or(3, |p| p.kind.tier());
                        let edge = right_edge.entry(tier).or_insert(f32::MIN);
                        let x = if *edge == f32::MIN {
                            0.0
                        } else {
                            *edge + crate::layout::COLUMN_GAP
                        };
                        *edge = x;
                        Position {
                            x,
                            y: f32::from(tier) * crate::layout::ROW_GAP,
                        }
                    }
                };
                self.positions.insert(id.clone(), at);
                self.unplaced.insert(id);
            }
        }
        self.bounds = bounds_of(&self.positions);
    }

    /// The scenario (read-only: changes go through [`Document::apply`]).
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The findings, current with the last edit.
    pub fn checker(&self) -> &Checker {
        &self.checker
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
        self.positions.insert(id.clone(), position);
        self.bounds = bounds_of(&self.positions);
        // Views derived from positions (the canvas's spatial index) are keyed by the revision.
        self.revision = next_revision();
    }

    /// Puts parties without a saved position back where they were drawn (a restored autosave): the
    /// tier layout for the scenario as it is now may place them elsewhere, since they keep their spot
    /// across edits (see [`Document::refresh_positions`]). Saved positions come from the scenario.
    pub fn restore_drawn_positions(&mut self, drawn: &BTreeMap<PartyId, Position>) {
        for (id, p) in drawn {
            if self.unplaced.contains(id) {
                self.positions.insert(id.clone(), *p);
            }
        }
        // Fit-to-all and the canvas's spatial index read these: stale ones cut the restored
        // drawing off at the edges.
        self.bounds = bounds_of(&self.positions);
        self.revision = next_revision();
    }

    /// Recomputes drawing positions from the scenario (after a cancelled drag).
    pub fn reset_positions(&mut self) {
        self.refresh_positions();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Link, LinkKind, Party, PartyKind};

    fn doc() -> Document {
        Document::new(crate::scenarios::synthetic(40))
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
            .id
            .clone();
        let customer = s
            .parties_of_kind(PartyKind::Customer)
            .last()
            .unwrap()
            .id
            .clone();
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
            .map(|(i, p)| (i.clone(), *p))
            .unwrap();
        doc.apply(Edit::MoveParty(
            id.clone(),
            Some(Position { x: -9e4, y: 9e4 }),
        ))
        .unwrap();
        assert_eq!(
            doc.position(id.as_str()),
            Some(Position { x: -9e4, y: 9e4 })
        );
        assert!(doc.undo());
        assert_eq!(doc.position(id.as_str()), Some(at));
        doc.apply(Edit::RemoveParty(id.clone())).unwrap();
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
        let id = doc.scenario().parties().next().unwrap().id.clone();
        let revision = doc.revision();
        let far = Position { x: 5e5, y: -4e5 };
        doc.restore_drawn_positions(&BTreeMap::from([(id.clone(), far)]));
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
