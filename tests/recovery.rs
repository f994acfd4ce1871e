//! Crash recovery as a user meets it: work is edited, the app dies without a normal exit (the harness
//! is dropped: no `save`, no exit), and a fresh app on the same state folder offers it back exactly as
//! it was on screen. The offer is kept until the user restores or discards it.

#[allow(dead_code)]
mod common;

use common::NoDialogs;
use csp_explorer::edit::Edit;
use csp_explorer::model::{PartyId, Position, Scenario};
use csp_explorer::ui::app::Command;
use csp_explorer::ui::style::Theme;
use csp_explorer::ui::whatif::WhatIfCommand;
use csp_explorer::ui::{Document, ExplorerApp, Launch};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The app with a state folder (where the real app keeps recovery files and preferences).
fn app_in(state: &Path, open: Option<PathBuf>) -> Harness<'static, ExplorerApp> {
    let launch = Launch {
        open,
        state_dir: Some(state.to_owned()),
        ..Launch::default()
    };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1500.0, 950.0))
        .build_eframe(move |cc| ExplorerApp::new(cc, launch, Box::new(NoDialogs)));
    // The file to open is read on the worker thread: a plain `run()` could use up its steps
    // while the job still runs on a loaded machine.
    harness.step();
    common::finish_jobs(&mut harness);
    harness
}

fn run(harness: &mut Harness<'static, ExplorerApp>, command: Command) {
    let ctx = harness.ctx.clone();
    harness.state_mut().execute(&ctx, command);
    common::finish_jobs(harness);
}

/// What a document showed: scenario, every party's drawn position, file, unsaved state.
#[derive(Debug, PartialEq)]
struct Shown {
    scenario: Scenario,
    positions: BTreeMap<PartyId, Position>,
    path: Option<PathBuf>,
    dirty: bool,
}

fn shown(doc: &Document) -> Shown {
    Shown {
        scenario: doc.scenario().clone(),
        positions: doc.positions().clone(),
        path: doc.path.clone(),
        dirty: doc.is_dirty(),
    }
}

/// A saved file of a built-in channel whose parties have no saved positions (drawn by the tier
/// layout), as most files made by hand or imported are.
fn saved_channel(dir: &Path) -> PathBuf {
    let scenario = csp_explorer::scenarios::builtin("sample-3-multi-channel")
        .unwrap()
        .load()
        .unwrap();
    assert!(scenario.parties().all(|p| p.position.is_none()));
    let path = dir.join("channel.ron");
    csp_explorer::io::save(&scenario, &path).unwrap();
    path
}

/// Edits that leave unplaced parties where they were drawn, not where the tier layout would now
/// put them (it recentres a row when a party leaves it).
fn edit(harness: &mut Harness<'static, ExplorerApp>) {
    run(harness, Command::Edit(Edit::RemoveParty("contoso".into())));
    run(
        harness,
        Command::Edit(Edit::RemoveLink("supply-adatum".into())),
    );
    harness.get_by_label("■ customer").click();
    common::finish_jobs(harness);
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_crash_after_edits_restores_what_was_on_screen_and_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let file = saved_channel(dir.path());
    let mut harness = app_in(&state, Some(file.clone()));
    edit(&mut harness);
    let before = shown(harness.state().document());
    assert!(before.dirty && before.path.as_deref() == Some(file.as_path()));
    // The test means something only if a fresh layout would draw some party elsewhere.
    let fresh = csp_explorer::layout::effective_positions(&before.scenario);
    assert_ne!(
        fresh, before.positions,
        "these edits must move unplaced parties away from the fresh tier layout"
    );
    // The autosave's code path, then a crash: no exit, no eframe save.
    harness.state_mut().write_recovery();
    drop(harness);

    let mut harness = app_in(&state, None);
    assert_eq!(harness.state().recovery_offers().len(), 1);
    // The offer is modal and on top; the scenario library a first start shows waits for it.
    assert!(harness.query_by_label("Scenario library").is_none());
    let restore = harness.get_by_label("Restore");
    let at = restore.rect().center();
    let layer = harness
        .ctx
        .layer_id_at(at)
        .expect("something is drawn there");
    assert_eq!(layer.order, egui::Order::Foreground, "{layer:?}");
    restore.click();
    // Read back, checked and laid out on the worker with a progress bar (a 100,000-party
    // recovery froze the window for about five seconds when done in the frame): in the frame
    // of the click the job starts, and the document stays as it was until it lands.
    harness.step();
    let status = harness
        .state()
        .job_status()
        .map(|(title, ..)| title.to_owned());
    assert!(
        status
            .as_deref()
            .is_some_and(|t| t.starts_with("Restoring")),
        "{status:?}"
    );
    assert_ne!(shown(harness.state().document()), before);
    common::finish_jobs(&mut harness);
    assert_eq!(shown(harness.state().document()), before);
    assert!(harness.state().recovery_offers().is_empty());

    // The document remembers its file: Save writes there, without asking for a name.
    run(&mut harness, Command::Save);
    assert!(!harness.state().document().is_dirty());
    // Every party where it was drawn (a save keeps the drawing).
    assert_eq!(
        csp_explorer::io::load(&file).unwrap(),
        common::as_drawn(harness.state().document())
    );
    // Nothing unsaved: no recovery file is left, and the next start offers nothing.
    common::finish_jobs(&mut harness);
    assert_eq!(files_in(&state.join("recovery")).len(), 1, "only the lock");
    drop(harness);
    let harness = app_in(&state, None);
    assert!(harness.state().recovery_offers().is_empty());
}

#[test]
fn a_file_changed_between_the_crash_and_the_restore_is_not_saved_over() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let file = saved_channel(dir.path());
    let mut harness = app_in(&state, Some(file.clone()));
    edit(&mut harness);
    harness.state_mut().write_recovery();
    drop(harness);
    // A colleague saves their version while this app is down (longer, so the size differs too).
    let mut theirs = csp_explorer::io::load(&file).unwrap();
    theirs.meta.description = "A colleague's version, saved after the crash.".into();
    csp_explorer::io::save(&theirs, &file).unwrap();

    let mut harness = app_in(&state, None);
    harness.get_by_label("Restore").click();
    common::finish_jobs(&mut harness);
    run(&mut harness, Command::Save);
    harness.get_by_label("The file changed on disk");
    assert_eq!(
        csp_explorer::io::load(&file).unwrap(),
        theirs,
        "their save is still there"
    );
    assert!(harness.state().document().is_dirty());
}

#[test]
fn a_crash_during_a_what_if_restores_the_what_if_and_its_base() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let file = saved_channel(dir.path());
    let mut harness = app_in(&state, Some(file.clone()));
    run(
        &mut harness,
        Command::Edit(Edit::RemoveParty("contoso".into())),
    );
    run(&mut harness, Command::WhatIf(WhatIfCommand::Fork));
    edit(&mut harness);
    let what_if = shown(harness.state().document());
    let base = shown(&harness.state().whatif.base.as_ref().unwrap().doc);
    assert!(base.dirty && base.path.as_deref() == Some(file.as_path()));
    harness.state_mut().write_recovery();
    drop(harness);

    let mut harness = app_in(&state, None);
    harness.get_by_label("Restore").click();
    common::finish_jobs(&mut harness);
    let app = harness.state();
    assert_eq!(shown(app.document()), what_if);
    let restored = app.whatif.base.as_ref().expect("the base is back");
    assert!(
        restored.fork,
        "still a what-if: it can be kept or discarded"
    );
    assert_eq!(shown(&restored.doc), base);
}

/// A storage standing in for eframe's `app.ron` at a normal exit.
#[derive(Default)]
struct Memory(HashMap<String, String>);

impl eframe::Storage for Memory {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

/// A normal exit: eframe's last `save`, then the app goes.
fn exit_normally(mut harness: Harness<'static, ExplorerApp>) {
    eframe::App::save(harness.state_mut(), &mut Memory::default());
    drop(harness);
}

#[test]
fn an_ignored_offer_is_kept_until_discarded() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let mut harness = app_in(&state, Some(saved_channel(dir.path())));
    edit(&mut harness);
    harness.state_mut().write_recovery();
    let crashed = harness.state().state_dir().unwrap().own_file();
    drop(harness);
    assert!(crashed.exists());

    // Ignored, then a normal exit: kept.
    let harness = app_in(&state, None);
    assert_eq!(harness.state().recovery_offers()[0].path, crashed);
    exit_normally(harness);
    assert!(
        crashed.exists(),
        "a normal exit keeps work it did not restore"
    );

    // Later: kept, not asked again in this session, asked again at the next start.
    let mut harness = app_in(&state, None);
    harness.get_by_label("Later").click();
    common::finish_jobs(&mut harness);
    assert!(harness.state().recovery_offers().is_empty());
    assert!(harness.query_by_label("Recover unsaved work?").is_none());
    harness.get_by_label("Scenario library");
    exit_normally(harness);
    assert!(crashed.exists());

    // Discard: gone for good.
    let mut harness = app_in(&state, None);
    assert_eq!(harness.state().recovery_offers().len(), 1);
    harness.get_by_label("Discard").click();
    common::finish_jobs(&mut harness);
    assert!(!crashed.exists());
    assert!(!crashed.with_extension("lock").exists());
    exit_normally(harness);
    let harness = app_in(&state, None);
    assert!(harness.state().recovery_offers().is_empty());
}

#[test]
fn unsaved_work_at_a_normal_exit_is_kept_and_saved_work_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let file = saved_channel(dir.path());
    // Closed with unsaved work (a session logout, say, that skips the prompt): offered next time.
    let mut harness = app_in(&state, Some(file.clone()));
    edit(&mut harness);
    let before = shown(harness.state().document());
    exit_normally(harness);
    let mut harness = app_in(&state, None);
    harness.get_by_label("Restore").click();
    common::finish_jobs(&mut harness);
    assert_eq!(shown(harness.state().document()), before);
    // Saved, then closed: nothing is offered.
    run(&mut harness, Command::Save);
    exit_normally(harness);
    assert!(
        files_in(&state.join("recovery")).is_empty(),
        "{:?}",
        files_in(&state.join("recovery"))
    );
    let harness = app_in(&state, None);
    assert!(harness.state().recovery_offers().is_empty());
}

#[test]
fn closing_without_saving_discards_this_sessions_work() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let mut harness = app_in(&state, Some(saved_channel(dir.path())));
    edit(&mut harness);
    harness.state_mut().write_recovery();
    let own = harness.state().state_dir().unwrap().own_file();
    assert!(own.exists());
    // The window's close button: the unsaved-changes prompt, answered "Don't save".
    harness
        .input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    common::finish_jobs(&mut harness);
    harness.get_by_label("Don't save").click();
    common::finish_jobs(&mut harness);
    exit_normally(harness);
    assert!(!own.exists(), "the user chose to throw the work away");
    let harness = app_in(&state, None);
    assert!(harness.state().recovery_offers().is_empty());
}

#[test]
fn preferences_come_back_from_the_apps_own_file() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let file = saved_channel(dir.path());
    let mut harness = app_in(&state, Some(file.clone()));
    run(&mut harness, Command::Theme(Theme::Presentation));
    let prefs = harness.state().preferences().clone();
    assert_eq!(prefs.recent, vec![file.canonicalize().unwrap()]);
    // Written after the frame that changed them, not only at eframe's exit: then a crash.
    drop(harness);
    let harness = app_in(&state, None);
    assert_eq!(harness.state().preferences(), &prefs);
    assert_eq!(harness.state().preferences().theme, Theme::Presentation);
}
