//! Files: opening a broken save, saving and reopening, exporting, the path field that stands in
//! for a missing dialog, unsaved changes, a file changed on disk, and saving onto a device.

use crate::common;
use crate::common::app;
use crate::common::scenario;
use csp_explorer::model::PartyKind;
use csp_explorer::ui::ExplorerApp;
use csp_explorer::ui::Launch;
use egui::Key;
use egui::Modifiers;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

#[test]
fn a_broken_save_file_is_refused_and_the_open_scenario_stays() {
    let mut harness = app(scenario("sample-4-forbidden"));
    let before = harness.state().document().scenario().clone();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ron");
    std::fs::write(
        &bad,
        "(\n  version: 1,\n  title: \"x\",\n  links: [ (id: 3) ],\n)\n",
    )
    .unwrap();
    harness.state_mut().open_path(&bad);
    harness.run();
    let error = common::shown_error(&harness);
    assert!(error.contains("nothing was changed"), "{error}");
    assert!(error.contains("bad.ron:4:"), "{error}");
    assert_eq!(*harness.state().document().scenario(), before);
    harness.get_by_label_contains("Could not open the scenario");
    harness.get_by_label("Dismiss").click();
    harness.run();
    assert!(harness.state().error().is_none());
}

#[test]
fn saving_and_reopening_round_trips_through_the_app() {
    let mut harness = app(scenario("sample-2-multi-partner"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("saved.ron");
    harness.state_mut().save_as(&path);
    common::finish_jobs(&mut harness);
    assert!(!harness.state().document().is_dirty());
    let mut reopened = app(Launch {
        open: Some(path),
        ..Launch::default()
    });
    reopened.run();
    assert_eq!(
        *reopened.state().document().scenario(),
        common::as_drawn(harness.state().document())
    );
}

#[test]
fn export_writes_the_open_scenario_and_reports_failures() {
    use csp_explorer::export::ExportFormat;
    let mut harness = app(scenario("sample-8-forbidden"));
    let dir = tempfile::tempdir().unwrap();
    harness
        .state_mut()
        .export_to(&dir.path().join("diagram"), ExportFormat::Svg);
    let svg = std::fs::read_to_string(dir.path().join("diagram.svg"))
        .expect("written with its extension");
    assert!(svg.contains("partnership-adatum-litware-br"));
    harness
        .state_mut()
        .export_to(&dir.path().join("diagram"), ExportFormat::Drawio);
    let drawio = std::fs::read_to_string(dir.path().join("diagram.drawio")).unwrap();
    assert!(drawio.contains("<mxGraphModel") && drawio.contains("party-litware-br"));
    harness
        .state_mut()
        .export_to(&dir.path().join("findings"), ExportFormat::Csv);
    let csv = std::fs::read(dir.path().join("findings.csv")).unwrap();
    assert!(
        csv.starts_with(b"\xEF\xBB\xBFseverity,"),
        "the window's CSV opens right in Excel"
    );
    harness
        .state_mut()
        .export_to(&dir.path().join("no-such").join("x.png"), ExportFormat::Png);
    assert!(
        harness
            .state()
            .error()
            .is_some_and(|e| e.contains("no file was written"))
    );
}

#[test]
fn file_export_offers_every_format() {
    use csp_explorer::export::ExportFormat;
    let mut harness = app(scenario("sample-7-forbidden"));
    harness.get_by_label("File").click();
    harness.run();
    harness.get_by_label_contains("Save As");
    harness.get_by_label("Export visible area…");
    harness.get_by_label("Export ⏵").click();
    harness.run();
    for format in ExportFormat::ALL {
        harness.get_by_label(&format!("{}…", format.label()));
    }
    harness.get_by_label("draw.io diagram (keep editing it)…");
    harness.get_by_label("GEXF (Gephi)…");
}

/// A file dialog that cannot be shown says so and offers a path field; the save goes through it.
#[test]
fn a_missing_file_dialog_is_explained_and_a_path_field_stands_in() {
    let dir = tempfile::tempdir().unwrap();
    let dialogs = common::StubDialogs::never_shown(dir.path());
    let mut harness = common::app_with(scenario("sample-1"), dialogs);
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
    harness.run();
    let error = common::shown_error(&harness);
    assert!(error.contains("could not be shown"), "{error}");
    assert!(harness.state().path_prompt().is_some());
    harness.get_by_label("Type the file's path:");
    harness.get_by_label("Save").click();
    common::finish_jobs(&mut harness);
    assert!(harness.state().path_prompt().is_none());
    let saved: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(
        saved.len(),
        1,
        "the scenario was saved where the field said"
    );
    assert!(!harness.state().document().is_dirty());
}

/// The unsaved-changes prompt offers Save, Don't save and Cancel; Save on a scenario with no file yet
/// goes through Save As and then does what was asked.
#[test]
fn the_unsaved_changes_prompt_saves_then_goes_on() {
    use csp_explorer::ui::app::Command;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kept.ron");
    let dialogs = common::StubDialogs::answering(&path);
    let mut harness = common::app_with(scenario("sample-1"), dialogs);
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .execute(&ctx, Command::AddParty(PartyKind::Customer));
    harness.run();
    assert!(harness.state().document().is_dirty());
    let parties = harness.state().document().scenario().party_count();
    harness.state_mut().execute(&ctx, Command::New);
    harness.run();
    harness.get_by_label("Don't save");
    harness.get_by_label("Cancel").click();
    harness.run();
    assert_eq!(
        harness.state().document().scenario().party_count(),
        parties,
        "Cancel keeps everything"
    );
    harness.state_mut().execute(&ctx, Command::New);
    harness.run();
    harness.get_by_label("Save").click();
    common::finish_jobs(&mut harness);
    let saved = csp_explorer::io::load(&path).expect("saved before going on");
    assert_eq!(saved.party_count(), parties);
    assert_eq!(
        harness.state().document().scenario().party_count(),
        0,
        "then the new scenario opened"
    );
}

/// Someone changes the open file on disk behind the app's back: Ctrl+S asks (Overwrite, Save as…,
/// Reload from disk, Cancel) instead of saving over their work, and each answer does what it says.
#[test]
fn a_file_changed_on_disk_is_not_overwritten_without_asking() {
    use csp_explorer::ui::app::Command;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.ron");
    let other = dir.path().join("mine.ron");
    let dialogs = common::StubDialogs::answering(&other);
    let mut harness = common::app_with(scenario("sample-1"), dialogs);
    let ctx = harness.ctx.clone();
    harness.state_mut().save_as(&path);
    common::finish_jobs(&mut harness);
    let add_party = |harness: &mut Harness<'static, ExplorerApp>| {
        harness
            .state_mut()
            .execute(&ctx, Command::AddParty(PartyKind::Customer));
        harness.run();
        assert!(harness.state().document().is_dirty());
    };
    let save = |harness: &mut Harness<'static, ExplorerApp>| {
        harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
        common::finish_jobs(harness);
    };
    // Their version: another title, written the way most programs save (a new file renamed over).
    let theirs = |title: &str| {
        let mut s = csp_explorer::io::load(&path).unwrap();
        s.meta.title = title.to_owned();
        csp_explorer::io::save(&s, &path).unwrap();
        s
    };
    let mine = harness.state().document().scenario().party_count();

    // Cancel: nothing is written, the work stays open and unsaved.
    add_party(&mut harness);
    let their = theirs("Their version");
    save(&mut harness);
    harness.get_by_label("The file changed on disk");
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(harness.query_by_label("The file changed on disk").is_none());
    assert_eq!(csp_explorer::io::load(&path).unwrap(), their);
    assert!(harness.state().document().is_dirty());

    // Overwrite: ours replaces theirs; a second Ctrl+S then saves without asking.
    save(&mut harness);
    harness.get_by_label("Overwrite").click();
    common::finish_jobs(&mut harness);
    assert_eq!(
        csp_explorer::io::load(&path).unwrap().party_count(),
        mine + 1
    );
    assert!(!harness.state().document().is_dirty());
    add_party(&mut harness);
    save(&mut harness);
    assert!(harness.query_by_label("The file changed on disk").is_none());
    assert_eq!(
        csp_explorer::io::load(&path).unwrap().party_count(),
        mine + 2
    );

    // Reload from disk, after a change in place of the same size (only the time tells).
    add_party(&mut harness);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replacen("Sample", "Simple", 1);
    assert_eq!(edited.len(), text.len());
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, edited.as_bytes()))
        .unwrap();
    save(&mut harness);
    harness.get_by_label("Reload from disk").click();
    harness.run();
    let doc = harness.state().document();
    assert_eq!(doc.scenario(), &csp_explorer::io::load(&path).unwrap());
    assert!(
        doc.scenario().meta.title.starts_with("Simple"),
        "{}",
        doc.scenario().meta.title
    );
    assert!(!doc.is_dirty());

    // Save as…: theirs stays as they left it, ours goes to the new file, which the document
    // now belongs to.
    add_party(&mut harness);
    let their = theirs("Theirs again");
    save(&mut harness);
    harness.get_by_label("Save as…").click();
    common::finish_jobs(&mut harness);
    assert_eq!(csp_explorer::io::load(&path).unwrap(), their);
    assert_eq!(
        csp_explorer::io::load(&other).unwrap(),
        common::as_drawn(harness.state().document())
    );
    assert_eq!(
        harness.state().document().path.as_deref(),
        Some(other.as_path())
    );
    assert!(!harness.state().document().is_dirty());
}

/// The open file is deleted behind the app's back: Ctrl+S asks before creating it again (Save it
/// again, Save as…, Cancel), and a write-protected file is asked about before it is replaced
/// (Replace it keeps it write-protected).
#[test]
fn a_deleted_or_write_protected_file_is_not_written_without_asking() {
    use csp_explorer::ui::app::Command;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.ron");
    let mut harness = app(scenario("sample-1"));
    let ctx = harness.ctx.clone();
    harness.state_mut().save_as(&path);
    common::finish_jobs(&mut harness);
    let add_party = |harness: &mut Harness<'static, ExplorerApp>| {
        harness
            .state_mut()
            .execute(&ctx, Command::AddParty(PartyKind::Customer));
        harness.run();
    };
    let save = |harness: &mut Harness<'static, ExplorerApp>| {
        harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
        common::finish_jobs(harness);
    };

    // Deleted: Cancel leaves it deleted; Save it again creates it with the work.
    add_party(&mut harness);
    std::fs::remove_file(&path).unwrap();
    save(&mut harness);
    harness.get_by_label("The file is gone from disk");
    assert!(harness.query_by_label("Reload from disk").is_none());
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(!path.exists(), "nothing was created");
    assert!(harness.state().document().is_dirty());
    save(&mut harness);
    harness.get_by_label("Save it again").click();
    common::finish_jobs(&mut harness);
    assert_eq!(
        csp_explorer::io::load(&path).unwrap(),
        common::as_drawn(harness.state().document())
    );
    assert!(!harness.state().document().is_dirty());

    // Write-protected: Cancel leaves it as it was; Replace it saves and it stays protected.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Protected before it is opened (a protection added while it is open changes the file's
        // change time, and the app asks about a file changed on disk first).
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        harness.state_mut().open_path(&path);
        harness.run();
        let before = std::fs::read(&path).unwrap();
        add_party(&mut harness);
        save(&mut harness);
        harness.get_by_label("The file is read-only");
        harness.get_by_label("Cancel").click();
        harness.run();
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert!(harness.state().document().is_dirty());
        save(&mut harness);
        harness.get_by_label("Replace it").click();
        common::finish_jobs(&mut harness);
        assert_eq!(
            csp_explorer::io::load(&path).unwrap(),
            common::as_drawn(harness.state().document())
        );
        assert!(!harness.state().document().is_dirty());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o444, "still write-protected");
    }
}

/// A rearranged drawing reopens as it was on screen: every party is saved where it is drawn, not
/// only those dragged (parties keep their place across edits, where the tier layout of the channel
/// as it is now would put some elsewhere).
#[test]
fn a_saved_drawing_reopens_as_it_was_on_screen() {
    use csp_explorer::edit::Edit;
    use csp_explorer::model::Position;
    use csp_explorer::ui::app::Command;
    let mut harness = app(scenario("sample-3-multi-channel"));
    let ctx = harness.ctx.clone();
    let ids: Vec<_> = harness
        .state()
        .document()
        .scenario()
        .parties()
        .map(|p| (p.id, p.kind))
        .collect();
    // One party dragged, one removed (the others stay where they were), one added.
    let (dragged, _) = ids[1];
    let (removed, _) = *ids
        .iter()
        .find(|(_, kind)| *kind == PartyKind::IndirectReseller)
        .unwrap();
    for command in [
        Command::Edit(Edit::MoveParty(
            dragged,
            Some(Position { x: 333.0, y: -77.0 }),
        )),
        Command::Edit(Edit::RemoveParty(removed)),
        Command::AddParty(PartyKind::Customer),
    ] {
        harness.state_mut().execute(&ctx, command);
        harness.run();
    }
    let on_screen = harness.state().document().positions().clone();
    let dir = tempfile::tempdir().unwrap();
    for name in ["drawn.ron", "drawn.cspx"] {
        let path = dir.path().join(name);
        harness.state_mut().save_as(&path);
        common::finish_jobs(&mut harness);
        assert_eq!(
            drawn_on_opening(&path),
            on_screen,
            "{name} reopens as it was on screen"
        );
    }
}

/// A file saved before version 4 kept only the parties dragged by hand: it opens as the build that
/// saved it showed it (the dragged party where it was put, the others where the tier layout drew
/// them), in RON and `.cspx` alike, rather than with every other party in a row to the right.
#[test]
fn an_older_file_opens_with_its_drawing() {
    use csp_explorer::model::Position;
    let fresh = app(scenario("sample-3-multi-channel"));
    let mut old = fresh.state().document().scenario().clone();
    let dragged = old.parties().nth(2).unwrap().id;
    let at = Position {
        x: 4321.0,
        y: -99.0,
    };
    old.set_position(&dragged, Some(at)).unwrap();
    let mut on_screen = fresh.state().document().positions().clone();
    on_screen.insert(dragged, at);
    let dir = tempfile::tempdir().unwrap();
    let ron = csp_explorer::io::scenario_to_ron(&old).unwrap();
    assert!(ron.contains("version: 4"));
    let mut cspx = csp_explorer::io::scenario_to_bytes(&old).unwrap();
    // After the magic and the container's version, the model version: one varint byte.
    assert_eq!(cspx[8], 4);
    cspx[8] = 3;
    let files = [
        (
            "old.ron",
            ron.replace("version: 4", "version: 3").into_bytes(),
        ),
        ("old.cspx", cspx),
    ];
    for (name, bytes) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(drawn_on_opening(&path), on_screen, "{name} opens as drawn");
    }
}

/// Where a new window draws each party of the file at `path` once it has opened it.
fn drawn_on_opening(
    path: &std::path::Path,
) -> std::collections::BTreeMap<csp_explorer::model::PartyId, csp_explorer::model::Position> {
    let mut opened = app(Launch {
        open: Some(path.to_owned()),
        ..Launch::default()
    });
    opened.run();
    opened.state().document().positions().clone()
}

/// Save As onto a device or a folder is refused with a message saying what the path is, the work
/// stays open and unsaved, and the device stays a device.
#[cfg(unix)]
#[test]
fn saving_onto_a_device_or_folder_explains_and_keeps_the_work() {
    use csp_explorer::ui::app::Command;
    let mut harness = app(scenario("sample-1"));
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .execute(&ctx, Command::AddParty(PartyKind::Customer));
    harness.run();
    harness
        .state_mut()
        .save_as(std::path::Path::new("/dev/null"));
    common::finish_jobs(&mut harness);
    let error = common::shown_error(&harness);
    assert_eq!(
        error,
        "The scenario was not saved (your work is still open): /dev/null is a device, not a file: choose a file name to save to"
    );
    harness.get_by_label_contains("/dev/null is a device");
    assert!(harness.state().document().is_dirty());
    assert!(harness.state().document().path.is_none());
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    let dir = tempfile::tempdir().unwrap();
    harness.state_mut().save_as(dir.path());
    common::finish_jobs(&mut harness);
    let error = common::shown_error(&harness);
    assert!(
        error.ends_with("is a folder, not a file: choose a file name to save to"),
        "{error}"
    );
}

/// A notice in the status bar is a passing word: it goes after a few seconds (before, "Exported …"
/// stayed on while other files were opened).
#[test]
fn a_status_notice_goes_after_a_few_seconds() {
    use csp_explorer::export::ExportFormat;
    let mut harness = app(scenario("sample-1"));
    let dir = tempfile::tempdir().unwrap();
    harness
        .state_mut()
        .export_to(&dir.path().join("diagram"), ExportFormat::Svg);
    harness.run();
    harness.get_by_label_contains("Exported");
    // Ten seconds of frames (kittest steps 0.25 s of egui's clock per frame).
    for _ in 0..40 {
        harness.step();
    }
    assert!(harness.query_by_label_contains("Exported").is_none());
}

/// Discarding an edited what-if asks to save it first and can: "Save as…" writes it to a file of
/// its own (the question used to ask "Save them first?" with no Save button).
#[test]
fn discarding_an_edited_what_if_offers_to_save_it() {
    use csp_explorer::ui::app::Command;
    use csp_explorer::ui::whatif::WhatIfCommand;
    let mut harness = app(scenario("sample-1"));
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .execute(&ctx, Command::WhatIf(WhatIfCommand::Fork));
    crate::common::finish_jobs(&mut harness);
    harness.get_by_label("■ customer").click();
    // The comparison with the base is made again on its own thread: wait for it (a plain run
    // could use up its steps on a loaded machine).
    crate::common::finish_jobs(&mut harness);
    harness
        .state_mut()
        .execute(&ctx, Command::WhatIf(WhatIfCommand::Discard));
    crate::common::finish_jobs(&mut harness);
    harness.get_by_label_contains("Save them first?");
    harness.get_by_label("Save as…");
    harness.get_by_label("Don't save").click();
    crate::common::finish_jobs(&mut harness);
    assert!(harness.state().whatif.base.is_none(), "back to the base");
}

/// A new user imports a channel from its spreadsheets, then saves it under the name they
/// remember, the spreadsheet's: the save is refused with a message saying why, the spreadsheet is
/// left as it was, and the channel stays open and unsaved (it replaced the CSV with RON).
#[test]
fn save_as_over_the_spreadsheet_a_channel_was_imported_from_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let parties = dir.path().join("parties.csv");
    let links = dir.path().join("links.csv");
    std::fs::copy("saves/examples/parties.csv", &parties).unwrap();
    std::fs::copy("saves/examples/links.csv", &links).unwrap();
    let spreadsheet = std::fs::read(&parties).unwrap();
    let dialogs = common::StubDialogs::answering(&parties);
    let mut harness = common::app_with(scenario("sample-1"), dialogs);
    harness
        .state_mut()
        .import_paths(&[parties.clone(), links.clone()]);
    common::finish_jobs(&mut harness);
    harness.get_by_label("Import").click();
    // The click starts the import on the worker; the window redraws until it is done.
    harness.step();
    common::finish_jobs(&mut harness);
    assert_eq!(harness.state().document().scenario().party_count(), 8);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::S);
    common::finish_jobs(&mut harness);
    let error = common::shown_error(&harness);
    assert!(
        error.contains("parties.csv is not a csp-explorer save (it begins \"id,"),
        "{error}"
    );
    harness.get_by_label_contains("is not a csp-explorer save");
    assert_eq!(std::fs::read(&parties).unwrap(), spreadsheet);
    assert!(harness.state().document().path.is_none());
    assert!(harness.state().document().is_dirty());
    // Saved under another name, the banner saying the work is not saved goes (it stayed, above a
    // status bar saying "Saved …").
    harness.state_mut().save_as(&dir.path().join("channel.ron"));
    common::finish_jobs(&mut harness);
    assert_eq!(harness.state().error(), None);
    assert!(!harness.state().document().is_dirty());
    assert!(
        harness
            .query_by_label_contains("is not a csp-explorer save")
            .is_none()
    );
}
