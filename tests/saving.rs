//! Saving runs on the worker thread, driven as a user would (egui_kittest): Save As starts a job,
//! the file lands and the document is clean once it has; an edit made while the save runs leaves
//! the document unsaved (the file holds what was there when the save began); a save that fails
//! says why and keeps the work unsaved; closing while a save runs waits for it.

mod common;

use common::{app, as_drawn, finish_jobs, scenario};
use csp_explorer::edit::Edit;
use csp_explorer::model::{Party, PartyKind};
use csp_explorer::ui::app::Command;
use egui_kittest::kittest::Queryable;

#[test]
fn a_save_runs_as_a_job_and_the_document_is_clean_once_it_lands() {
    let mut harness = app(scenario("sample-2-multi-partner"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("channel.cspx");
    assert!(harness.state().document().path.is_none());
    harness.state_mut().save_as(&path);
    // Nothing of the save is applied before its job lands (in a later frame).
    assert!(harness.state().is_busy(), "the save runs on the worker");
    assert_eq!(
        harness.state().job_status().map(|(title, _, _)| title),
        Some("Saving channel.cspx")
    );
    assert!(harness.state().document().path.is_none());
    finish_jobs(&mut harness);
    let doc = harness.state().document();
    assert_eq!(csp_explorer::io::load(&path).unwrap(), as_drawn(doc));
    assert!(!doc.is_dirty());
    assert_eq!(doc.path.as_deref(), Some(path.as_path()));
    assert!(!doc.changed_on_disk(), "the stamp is the new file's");
    harness.get_by_label_contains("Saved ");
}

#[test]
fn an_edit_made_while_saving_leaves_the_document_unsaved() {
    let mut harness = app(scenario("sample-2-multi-partner"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("channel.ron");
    let before = as_drawn(harness.state().document());
    let ctx = harness.ctx.clone();
    harness.state_mut().save_as(&path);
    assert!(harness.state().is_busy());
    // The user goes on working while the file is written.
    harness.state_mut().execute(
        &ctx,
        Command::Edit(Edit::AddParty(Party::new("late", PartyKind::Customer))),
    );
    finish_jobs(&mut harness);
    let doc = harness.state().document();
    assert_eq!(
        csp_explorer::io::load(&path).unwrap(),
        before,
        "the file holds the scenario as it was when the save began"
    );
    assert!(doc.scenario().party("late").is_some());
    assert!(doc.is_dirty(), "the edit is not in the file");
    assert_eq!(doc.path.as_deref(), Some(path.as_path()));
    harness.get_by_label_contains("changed since (not saved yet)");
    // The next save writes it, to the same file and without a "changed on disk" question.
    harness.state_mut().execute(&ctx, Command::Save);
    finish_jobs(&mut harness);
    assert!(harness.query_by_label("The file changed on disk").is_none());
    let doc = harness.state().document();
    assert!(!doc.is_dirty());
    assert_eq!(csp_explorer::io::load(&path).unwrap(), as_drawn(doc));
}

#[test]
fn a_failed_save_says_why_and_keeps_the_work_unsaved() {
    let mut harness = app(scenario("sample-1"));
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .execute(&ctx, Command::AddParty(PartyKind::Customer));
    finish_jobs(&mut harness);
    let dir = tempfile::tempdir().unwrap();
    // A folder that cannot be written to (the tests may run as root, which ignores permissions):
    // a "folder" that is a file.
    let not_a_folder = dir.path().join("notes.txt");
    std::fs::write(&not_a_folder, "not a folder").unwrap();
    let path = not_a_folder.join("channel.ron");
    harness.state_mut().save_as(&path);
    finish_jobs(&mut harness);
    let error = harness.state().error().expect("the failure is shown");
    assert!(
        error.starts_with("The scenario was not saved (your work is still open):")
            && error.contains("channel.ron"),
        "{error}"
    );
    let doc = harness.state().document();
    assert!(doc.is_dirty());
    assert!(
        doc.path.is_none(),
        "the document does not belong to that path"
    );
    assert_eq!(
        std::fs::read_to_string(&not_a_folder).unwrap(),
        "not a folder"
    );
}

#[test]
fn closing_while_a_save_runs_waits_for_it_then_closes() {
    let mut harness = app(scenario("sample-1"));
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .execute(&ctx, Command::AddParty(PartyKind::Customer));
    finish_jobs(&mut harness);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("channel.ron");
    harness.state_mut().save_as(&path);
    harness
        .input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    harness.step();
    assert!(
        harness.query_by_label("Don't save").is_none(),
        "no prompt while the save that answers it runs"
    );
    finish_jobs(&mut harness);
    assert!(!harness.state().document().is_dirty());
    assert!(path.exists());
    assert!(
        harness.query_by_label("Don't save").is_none(),
        "saved: nothing to ask"
    );
}
