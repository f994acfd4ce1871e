//! File → Import… and files dropped on the window, driven as a user would in kittest: the preview
//! comes first, nothing changes until Import, and the channel opens as a new, unsaved document.

mod common;

use common::{app, app_with, finish_jobs, scenario};
use csp_explorer::model::PartyKind;
use csp_explorer::ui::ExplorerApp;
use csp_explorer::ui::files::{DialogPurpose, FileDialogs};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A file dialog that answers an import with these files, as a person picking several would.
struct PickFiles {
    paths: Vec<PathBuf>,
    asked: Option<DialogPurpose>,
}

impl FileDialogs for PickFiles {
    fn request(&mut self, purpose: DialogPurpose, _: &Path, _: &str, _: &egui::Context) {
        self.asked = Some(purpose);
    }
    fn poll(&mut self) -> Option<(DialogPurpose, Option<PathBuf>)> {
        None
    }
    fn poll_files(&mut self) -> Option<(DialogPurpose, Vec<PathBuf>)> {
        self.asked.take().map(|p| (p, self.paths.clone()))
    }
    fn is_open(&self) -> bool {
        false
    }
}

fn partner_center_fixtures() -> Vec<PathBuf> {
    let dir = Path::new("tests/fixtures/partner-center");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the fixtures")
        .map(|e| e.expect("an entry").path())
        .collect();
    paths.sort();
    paths
}

fn open_import_from_the_menu(harness: &mut Harness<'static, ExplorerApp>) {
    harness.get_by_label("File").click();
    finish_jobs(harness);
    harness.get_by_label("Import…").click();
    finish_jobs(harness);
}

/// Types into the text field that currently shows `hint` (its placeholder).
fn type_into(harness: &mut Harness<'static, ExplorerApp>, hint: &'static str, text: &str) {
    harness
        .get_by(move |n| n.placeholder() == Some(hint))
        .focus();
    finish_jobs(harness);
    harness
        .get_by(move |n| n.placeholder() == Some(hint))
        .type_text(text);
    finish_jobs(harness);
}

/// True when the button with this label is greyed out.
fn disabled(harness: &Harness<'static, ExplorerApp>, label: &str) -> bool {
    harness.get_by_label(label).accesskit_node().is_disabled()
}

#[test]
fn file_import_previews_partner_center_data_then_opens_a_new_unsaved_document() {
    let dialogs = PickFiles {
        paths: partner_center_fixtures(),
        asked: None,
    };
    let mut harness = app_with(scenario("sample-1"), Box::new(dialogs));
    let before = harness.state().document().scenario().clone();
    open_import_from_the_menu(&mut harness);

    // Each file with what it was recognised as.
    harness.get_by_label("Import preview");
    harness.get_by_label("Partner Center customers (JSON)");
    harness.get_by_label("Partner Center indirect resellers (JSON)");
    harness.get_by_label("Partner Center agreements of one customer (JSON)");
    // It asks who is signed in, with the country most customers are billed in filled in.
    harness.get_by_label("Who is signed in to Partner Center?");
    let form = harness.state().import_dialog().unwrap().form.clone();
    assert_eq!(form.country, "US");
    assert_eq!(form.partner_kind, PartyKind::IndirectProvider);
    harness.get_by_label("✔ United States of America (US)");
    // Until the name is typed the preview runs, but Import waits.
    harness.get_by_label_contains("type your company's name");
    assert!(disabled(&harness, "Import"));
    // The channel by kind, the check, the assumptions.
    harness.get_by_label("Parties");
    harness.get_by_label("Links");
    harness.get_by_label(PartyKind::IndirectReseller.label());
    harness.get_by_label_contains("What the import assumed");
    harness.get_by_label_contains("Partner Center does not give your MPA date");
    harness.get_by_label_contains("The check finds");

    type_into(
        &mut harness,
        "e.g. Contoso Distribution",
        "Contoso Distribution",
    );
    type_into(&mut harness, "optional", "1000001");
    // The preview ran again with the name: the channel is named after it.
    harness.get_by_label("The channel: Contoso Distribution's channel (Partner Center)");
    assert_eq!(
        *harness.state().document().scenario(),
        before,
        "nothing changes before Import"
    );

    harness.get_by_label("Import").click();
    // The click starts the import on the worker; the window redraws until it is done.
    harness.step();
    finish_jobs(&mut harness);
    assert!(
        harness.state().import_dialog().is_none(),
        "the preview closed"
    );
    let doc = harness.state().document();
    let s = doc.scenario();
    assert_eq!(
        s.meta.title,
        "Contoso Distribution's channel (Partner Center)"
    );
    assert!(doc.path.is_none(), "a new document, with no file yet");
    assert!(doc.is_dirty(), "and unsaved");
    let me = s
        .parties()
        .find(|p| p.name == "Contoso Distribution")
        .expect("the signed-in partner is a party");
    assert_eq!(me.partner_id.as_deref(), Some("1000001"));
    assert_eq!(me.country.as_deref(), Some("US"));
    assert!(
        s.parties().all(|p| p.position.is_some()),
        "every party is laid out by the tier layout"
    );
    let rules: Vec<&str> = doc.checker().iter().map(|f| f.rule.key()).collect();
    assert!(rules.contains(&"partnership_pending"), "{rules:?}");
    assert!(rules.contains(&"mca_missing"), "{rules:?}");
}

#[test]
fn import_offers_to_save_unsaved_work_first_and_cancel_changes_nothing() {
    use csp_explorer::ui::app::Command;
    let mut harness = app(scenario("sample-1"));
    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .execute(&ctx, Command::AddParty(PartyKind::Customer));
    finish_jobs(&mut harness);
    let edited = harness.state().document().scenario().clone();
    harness.state_mut().import_paths(&[
        PathBuf::from("saves/examples/parties.csv"),
        PathBuf::from("saves/examples/links.csv"),
    ]);
    finish_jobs(&mut harness);
    harness.get_by_label("parties (CSV) in UTF-8");
    harness.get_by_label("links (CSV) in UTF-8");
    // Project CSVs need no signed-in partner.
    assert!(
        harness
            .query_by_label("Who is signed in to Partner Center?")
            .is_none()
    );
    harness.get_by_label("Import").click();
    finish_jobs(&mut harness);
    harness.get_by_label("Unsaved changes");
    // The prompt's Cancel (the preview behind it has one too): drawn last, so last in the tree.
    harness
        .get_all_by_label("Cancel")
        .last()
        .expect("the prompt's Cancel")
        .click();
    finish_jobs(&mut harness);
    assert_eq!(*harness.state().document().scenario(), edited);
    assert!(
        harness.state().import_dialog().is_some(),
        "the preview is still open"
    );
    harness.get_by_label("Import").click();
    finish_jobs(&mut harness);
    harness.get_by_label("Don't save").click();
    // The click starts the import on the worker; the window redraws until it is done.
    harness.step();
    finish_jobs(&mut harness);
    let s = harness.state().document().scenario();
    assert_eq!((s.party_count(), s.link_count()), (8, 12));
    assert!(harness.state().document().is_dirty());
    harness.get_by_label_contains("Imported 8 parties and 12 links");
}

/// A file dropped on the window, as egui's native backend hands it over.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn dropping_files_on_the_window_opens_the_same_preview_and_adds_to_it() {
    let mut harness = app(scenario("sample-1"));
    let fixtures = partner_center_fixtures();
    let (first, rest) = fixtures.split_at(2);
    for path in first {
        harness
            .input_mut()
            .dropped_files
            .push(Arc::new(Dropped(path.clone())));
    }
    finish_jobs(&mut harness);
    assert_eq!(
        harness.state().import_dialog().unwrap().file_names().len(),
        2
    );
    harness.get_by_label("Import preview");
    // Dropping more adds them to the open preview.
    for path in rest {
        harness
            .input_mut()
            .dropped_files
            .push(Arc::new(Dropped(path.clone())));
    }
    finish_jobs(&mut harness);
    let dialog = harness.state().import_dialog().unwrap();
    assert_eq!(dialog.file_names().len(), fixtures.len());
    assert!(dialog.preview().unwrap().preview.needs_partner);
    harness.get_by_label("Partner Center indirect resellers (JSON)");
    harness.get_by_label("Cancel").click();
    finish_jobs(&mut harness);
    assert!(harness.state().import_dialog().is_none());
    assert_eq!(
        harness.state().document().scenario().meta.title,
        csp_explorer::scenarios::builtin("sample-1")
            .unwrap()
            .load()
            .unwrap()
            .meta
            .title,
        "Cancel changes nothing"
    );
}

#[test]
fn a_dropped_save_file_opens_like_file_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kept.ron");
    let s = csp_explorer::scenarios::builtin("sample-6-forbidden")
        .unwrap()
        .load()
        .unwrap();
    csp_explorer::io::save(&s, &path).unwrap();
    let mut harness = app(scenario("sample-1"));
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(Dropped(path.clone())));
    // Opening runs on the worker thread, as File → Open does.
    harness.step();
    common::finish_jobs(&mut harness);
    assert!(harness.state().import_dialog().is_none());
    assert_eq!(
        harness.state().document().path.as_deref(),
        Some(path.as_path())
    );
}

#[test]
fn problems_are_listed_by_file_line_and_column_and_block_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let parties = dir.path().join("parties.csv");
    std::fs::write(
        &parties,
        "id;kind;name;country;MPA signed\n\
         ms;microsoft;Microsoft;;\n\
         dist;indirect_provider;Contoso Distribution;US;03/04/2020\n\
         cust;customer;Fabrikam;United States;\n\
         bad;wholesaler;Tailspin;US;\n",
    )
    .unwrap();
    let mut harness = app(scenario("sample-1"));
    harness
        .state_mut()
        .import_paths(std::slice::from_ref(&parties));
    finish_jobs(&mut harness);
    harness.get_by_label("2 problems: nothing can be imported until they are fixed in the files.");
    // ("File" is the menu's label too.)
    assert_eq!(harness.get_all_by_label("File").count(), 2);
    for header in ["Line", "Column", "Problem"] {
        harness.get_by_label(header);
    }
    harness.get_by_label_contains("\"wholesaler\" is not one of");
    harness.get_by_label("2 (kind)");
    harness.get_by_label("5");
    assert!(disabled(&harness, "Import"));
    // The ambiguous date asks for the date order; choosing it runs the import again.
    harness.get_by_label("Dates like 03/04/2020");
    harness
        .get_by_label("Day first (03/04/2020 is 3 April)")
        .click();
    finish_jobs(&mut harness);
    harness.get_by_label("1 problem: nothing can be imported until they are fixed in the files.");
    // Fixed in the file, then read again: the import can go ahead.
    let fixed = std::fs::read_to_string(&parties)
        .unwrap()
        .replace("wholesaler", "customer");
    std::fs::write(&parties, fixed).unwrap();
    harness.get_by_label("Read the files again").click();
    finish_jobs(&mut harness);
    assert!(!disabled(&harness, "Import"));
    harness.get_by_label("Import").click();
    // The click starts the import on the worker; the window redraws until it is done.
    harness.step();
    finish_jobs(&mut harness);
    let s = harness.state().document().scenario();
    assert_eq!(s.party_count(), 4);
    let mpa = s.party("dist").unwrap().mpa_signed;
    assert_eq!(mpa.map(|d| d.to_string()).as_deref(), Some("2020-04-03"));
}

/// The walkthrough's example: 42 Partner Center files are summed up by kind, so the questions
/// stay in sight, and the imported channel has the planted breaks for the findings panel.
#[test]
fn a_whole_partner_center_export_is_summed_up_by_kind_and_imports() {
    let dir = Path::new("docs/examples/partner-center");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let mut harness = app(scenario("sample-1"));
    harness.state_mut().import_paths(&paths);
    finish_jobs(&mut harness);
    harness.get_by_label("Files (42)");
    assert_eq!(harness.get_all_by_label("20 ×").count(), 2);
    harness.get_by_label("Partner Center agreements of one customer (JSON)");
    harness.get_by_label("Partner Center customers (JSON)");
    // The list itself is folded; the form is on screen without scrolling.
    assert!(
        harness
            .query_by_label("customer-07-agreements.json")
            .is_none()
    );
    let form = harness
        .get_by_label("Who is signed in to Partner Center?")
        .rect();
    assert!(form.bottom() < 700.0, "the form is in view: {form:?}");

    type_into(
        &mut harness,
        "e.g. Contoso Distribution",
        "Contoso Distribution",
    );
    harness.get_by_label("Import").click();
    // The click starts the import on the worker; the window redraws until it is done.
    harness.step();
    finish_jobs(&mut harness);
    let doc = harness.state().document();
    assert_eq!(doc.scenario().party_count(), 26);
    let mut rules: Vec<&str> = doc.checker().iter().map(|f| f.rule.key()).collect();
    rules.sort();
    rules.dedup();
    assert!(rules.contains(&"partnership_pending"), "{rules:?}");
    assert!(rules.contains(&"cross_region_sale"), "{rules:?}");
    assert!(rules.contains(&"mca_missing"), "{rules:?}");
}

/// A file dialog that notes what the app asked for (and the name it suggested) and never answers.
struct Recorded(Arc<Mutex<Vec<(DialogPurpose, String)>>>);

impl FileDialogs for Recorded {
    fn request(&mut self, purpose: DialogPurpose, _: &Path, name: &str, _: &egui::Context) {
        self.0
            .lock()
            .expect("not poisoned")
            .push((purpose, name.to_owned()));
    }
    fn poll(&mut self) -> Option<(DialogPurpose, Option<PathBuf>)> {
        None
    }
    fn is_open(&self) -> bool {
        false
    }
}

/// Import lays out and checks the channel on the worker thread, behind the progress window:
/// Cancel leaves the open document and the preview as they were; done, the channel is a new
/// unsaved document with no file, so Save asks for a name (made from its title).
#[test]
fn import_runs_on_the_worker_with_cancel_and_opens_a_new_unsaved_document() {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let mut harness = app_with(scenario("sample-1"), Box::new(Recorded(asked.clone())));
    let before = harness.state().document().scenario().clone();
    harness.state_mut().import_paths(&partner_center_fixtures());
    finish_jobs(&mut harness);
    type_into(
        &mut harness,
        "e.g. Contoso Distribution",
        "Contoso Distribution",
    );

    harness.get_by_label("Import").click();
    // The click starts the job in this frame; its answer is taken at the start of a later one.
    harness.step();
    assert!(harness.state().is_busy(), "the import runs on the worker");
    harness.get_by_label("Importing Contoso Distribution's channel (Partner Center)");
    harness.state_mut().cancel_job();
    for _ in 0..5 {
        std::thread::sleep(std::time::Duration::from_millis(5));
        harness.step();
    }
    assert!(!harness.state().is_busy());
    assert_eq!(
        *harness.state().document().scenario(),
        before,
        "Cancel leaves the open document untouched"
    );
    assert!(!harness.state().document().is_dirty(), "and still saved");
    assert!(
        harness.state().import_dialog().is_some(),
        "the preview is still open to import again"
    );
    harness.get_by_label_contains("Cancelled: Importing");

    harness.get_by_label("Import").click();
    harness.step();
    assert!(harness.state().is_busy());
    finish_jobs(&mut harness);
    assert!(
        harness.state().import_dialog().is_none(),
        "the preview closed"
    );
    let doc = harness.state().document();
    assert_eq!(
        doc.scenario().meta.title,
        "Contoso Distribution's channel (Partner Center)"
    );
    assert!(doc.path.is_none(), "no file yet");
    assert!(doc.is_dirty(), "unsaved");
    assert!(
        doc.scenario().parties().all(|p| p.position.is_some()),
        "laid out on the worker"
    );
    harness.get_by_label_contains("not saved yet (Ctrl+S)");

    let ctx = harness.ctx.clone();
    harness
        .state_mut()
        .execute(&ctx, csp_explorer::ui::app::Command::Save);
    finish_jobs(&mut harness);
    assert_eq!(
        asked.lock().expect("not poisoned").last(),
        Some(&(
            DialogPurpose::SaveAs,
            "contoso-distributions-channel-partner-center.ron".to_owned()
        )),
        "Save asks for a name, made from the title without a stray -s-"
    );
}

/// The preview (import and check) runs on a thread of its own, at the start and after every change
/// to the form: nothing of it is there when the files are handed over, Import waits for the
/// preview of the answers as they are, and the preview that lands is the same as before.
#[test]
fn the_preview_runs_off_the_ui_thread_and_import_waits_for_it() {
    let mut harness = app(scenario("sample-1"));
    harness.state_mut().import_paths(&partner_center_fixtures());
    // Handed to the preview's thread: its result is taken in a later frame, never at once.
    let dialog = harness.state().import_dialog().unwrap();
    assert!(dialog.is_previewing());
    assert!(dialog.preview().is_none());
    let why = dialog.ready().unwrap_err();
    assert!(why.contains("wait for the preview"), "{why}");
    finish_jobs(&mut harness);
    assert!(harness.query_by_label("Reading the files…").is_none());
    harness.get_by_label("Partner Center customers (JSON)");
    harness.get_by_label_contains("type your company's name");

    let dialog = harness.state_mut().import_dialog_mut().unwrap();
    dialog.form.partner_name = "Contoso Distribution".to_owned();
    // The preview shown is of the old answers: Import waits for the new one.
    assert!(!dialog.is_current());
    let why = dialog.ready().unwrap_err();
    assert!(why.contains("wait for the preview"), "{why}");
    finish_jobs(&mut harness);
    harness.get_by_label("The channel: Contoso Distribution's channel (Partner Center)");
    assert!(!disabled(&harness, "Import"));
    assert!(harness.state().import_dialog().unwrap().is_current());
}

/// A workbook and a Shift_JIS CSV dropped on the window: the preview names each sheet it read, the
/// workbook's kind and the CSV's encoding, and Import opens the channel.
#[test]
fn a_dropped_workbook_and_a_shift_jis_file_are_previewed_by_sheet_and_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let sjis = dir.path().join("顧客.csv");
    let (bytes, _, _) =
        encoding_rs::SHIFT_JIS.encode("ID,種類,名前,国\nj,顧客,株式会社ノースウィンド,日本\n");
    std::fs::write(&sjis, &bytes).unwrap();
    let mut harness = app(scenario("sample-1"));
    for path in [PathBuf::from("tests/fixtures/workbooks/channel.ods"), sjis] {
        harness
            .input_mut()
            .dropped_files
            .push(Arc::new(Dropped(path)));
    }
    finish_jobs(&mut harness);
    harness.get_by_label("parties, a sheet of an OpenDocument spreadsheet (.ods)");
    harness.get_by_label("links, a sheet of an OpenDocument spreadsheet (.ods)");
    harness.get_by_label("parties (CSV) in Shift_JIS");
    harness.get_by_label("Import").click();
    finish_jobs(&mut harness);
    let s = harness.state().document().scenario();
    assert_eq!(s.party("j").unwrap().name, "株式会社ノースウィンド");
    assert_eq!(s.party("res").unwrap().name, "Contoso Reseller");
}
