//! File → Import… and files dropped on the window: the importer's form and preview (one file: see
//! below). Must not change the open document: Import hands the channel to the app.
//!
//! Why one file: the form, the preview's thread and the window that edits them are one conversation
//! (each change to the form or files starts a preview the window shows); the work itself is plain
//! functions at the top, with no egui in them, and the importer proper lives in `io::import`.
//!
//! File → Import… and files dropped on the window: the importer's preview, shown before anything
//! changes.
//!
//! The work is done by plain functions with no egui in them ([`read_paths`], [`run_preview`],
//! [`into_channel`]): they take files and the form and return data. The preview runs on a thread of
//! its own after every change to the files or the form (importing and checking a large Partner
//! Center export takes seconds; typing in the form must not wait for it): the last preview stays
//! shown, marked as being brought up to date, until the new one lands, and Import waits for it.
//! [`import_ui`] draws the preview and says what the user chose; on Import the app lays out and
//! checks the channel on the worker thread (`Jobs::import`, with progress and
//! Cancel) and opens it as a new, unsaved document.

use crate::io::import::{self, DateOrder, ImportError, Imported, Preview, SignedInPartner, Source};
use crate::model::{LinkKind, PartyKind, Scenario};
use crate::rules::{Checker, Counts, Severity};
use crate::ui::style::{severity_text, valid_text};
use egui::RichText;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError};

/// What the importer needs to know that the files do not say: who is signed in to Partner Center
/// (only asked when a Partner Center file is among them) and how to read ambiguous slash dates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportForm {
    /// The signed-in partner's company name; empty until the user types it.
    pub partner_name: String,
    /// Indirect provider (a distributor) or direct-bill partner.
    pub partner_kind: PartyKind,
    /// The signed-in partner's country, as a code or an English name.
    pub country: String,
    /// The signed-in partner's own PartnerID (optional).
    pub partner_id: String,
    /// How to read a slash date whose day and month are both 12 or less.
    pub date_order: DateOrder,
}

impl Default for ImportForm {
    fn default() -> Self {
        ImportForm {
            partner_name: String::new(),
            // Partner Center's indirect resellers list exists only for a distributor.
            partner_kind: PartyKind::IndirectProvider,
            country: String::new(),
            partner_id: String::new(),
            date_order: DateOrder::Ask,
        }
    }
}

/// The name the preview runs with until the user types theirs: the counts and findings do not
/// depend on it, and Import waits for the real one.
pub const PROVISIONAL_NAME: &str = "Your company";

impl ImportForm {
    /// The importer's options. The signed-in partner is left out while the country is not one
    /// (the preview then says so next to the field); an empty name runs as [`PROVISIONAL_NAME`].
    pub fn options(&self) -> import::Options {
        let name = self.partner_name.trim();
        let partner = import::text::parse_country(self.country.trim())
            .ok()
            .map(|country| SignedInPartner {
                name: if name.is_empty() {
                    PROVISIONAL_NAME.to_owned()
                } else {
                    name.to_owned()
                },
                kind: self.partner_kind,
                country,
                partner_id: Some(self.partner_id.trim().to_owned()).filter(|id| !id.is_empty()),
            });
        import::Options {
            date_order: self.date_order,
            title: None,
            partner,
        }
    }

    /// What is wrong with the country field, if anything.
    pub fn country_problem(&self) -> Option<String> {
        let country = self.country.trim();
        if country.is_empty() {
            return Some("choose your country (a code such as US, or a name)".to_owned());
        }
        import::text::parse_country(country).err()
    }
}

/// Everything the preview shows, computed from the files and the form.
#[derive(Clone, Debug)]
pub struct ImportPreview {
    /// The importer's answer, with what it needs to ask.
    pub preview: Preview,
    /// Parties by kind, in tier order (kinds with none left out).
    pub parties: Vec<(PartyKind, usize)>,
    /// Links by kind (kinds with none left out).
    pub links: Vec<(LinkKind, usize)>,
    /// What the check finds on the imported channel.
    pub counts: Counts,
}

/// Reads files from disk; a file that cannot be read is an error naming it (the others are read).
pub fn read_paths(paths: &[PathBuf]) -> (Vec<Source>, Vec<ImportError>) {
    let mut sources = Vec::new();
    let mut unreadable = Vec::new();
    for path in paths {
        match Source::read(path) {
            Ok(source) => sources.push(source),
            Err(e) => unreadable.push(e),
        }
    }
    (sources, unreadable)
}

/// Runs the importer on the files with the form's options and sums up the channel.
pub fn run_preview(sources: &[Source], form: &ImportForm) -> ImportPreview {
    let preview = import::preview(sources, &form.options());
    let (mut parties, mut links, mut counts) = (Vec::new(), Vec::new(), Counts::default());
    if let Ok(imported) = &preview.result {
        let s = &imported.scenario;
        parties = PartyKind::ALL
            .into_iter()
            .map(|k| (k, s.parties().filter(|p| p.kind == k).count()))
            .filter(|(_, n)| *n > 0)
            .collect();
        links = LinkKind::ALL
            .into_iter()
            .map(|k| (k, s.links().filter(|l| l.kind == k).count()))
            .filter(|(_, n)| *n > 0)
            .collect();
        counts = Checker::new(s).counts();
    }
    ImportPreview {
        preview,
        parties,
        links,
        counts,
    }
}

/// The imported channel as it opens: laid out by the tier layout (the app's View → Tier layout), so
/// that the saved file has positions and the canvas does not move when the first link changes.
pub fn into_channel(imported: Imported) -> Scenario {
    let mut scenario = imported.scenario;
    let moves = crate::layout::TierLayout::default()
        .positions(&scenario)
        .into_iter()
        .map(|(id, p)| crate::edit::Edit::MoveParty(id, Some(p)))
        .collect();
    // Every id comes from the scenario itself, so moving them cannot fail; if it did, the parties
    // would keep no position and the canvas would lay them out the same way when drawing.
    let _ = crate::edit::Edit::Batch(moves).apply(&mut scenario);
    scenario
}

/// One file of the import: where it came from (to read it again after the user fixed it) and its
/// bytes.
#[derive(Clone, Debug)]
struct ImportFile {
    path: Option<PathBuf>,
    source: Source,
}

/// What a preview is computed from: the files (by how often they changed) and the form.
type PreviewKey = (u64, ImportForm);

/// A preview being computed on its own thread.
struct Previewing {
    key: PreviewKey,
    answer: Receiver<ImportPreview>,
}

/// What files dropped on the window are for.
pub enum Dropped {
    /// One save file (`.ron`): opened like File → Open.
    Open(PathBuf),
    /// Anything else: read for the import preview, as File → Import… would (with the files that
    /// could not be read).
    Preview(Vec<(Option<PathBuf>, Source)>, Vec<ImportError>),
}

/// Reads files dropped on the window. A dropped file with a path is read like any file
/// (size-limited, never a FIFO or a device); only one without (a browser's) goes through its
/// handle.
pub fn dropped(dropped: Vec<egui::DroppedFileHandle>) -> Dropped {
    if let [file] = dropped.as_slice()
        && file.path().extension().is_some_and(|e| e == "ron")
    {
        return Dropped::Open(file.path().to_owned());
    }
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for file in dropped {
        let path = file.path().to_owned();
        let name = path.display().to_string();
        if !path.as_os_str().is_empty() {
            match Source::read(&path) {
                Ok(source) => files.push((Some(path), source)),
                Err(e) => unreadable.push(e),
            }
            continue;
        }
        match file.bytes() {
            Ok(bytes) => files.push((Some(path), Source { name, bytes })),
            Err(message) => unreadable.push(ImportError {
                file: name,
                line: None,
                col: None,
                message: format!("cannot read the dropped file: {message}"),
            }),
        }
    }
    Dropped::Preview(files, unreadable)
}

/// The import preview window's state: the files, the form, and the preview for that form.
pub struct ImportDialog {
    files: Vec<ImportFile>,
    /// The files' contents, shared with the preview's thread (not copied for each run).
    sources: Arc<Vec<Source>>,
    /// Counts the changes to the files (added, read again).
    files_version: u64,
    /// Files that could not be read at all.
    unreadable: Vec<ImportError>,
    /// The form as the user is editing it.
    pub form: ImportForm,
    /// What the shown preview was computed for.
    previewed: Option<PreviewKey>,
    /// The last preview computed; `None` until the first lands.
    preview: Option<ImportPreview>,
    /// The preview being computed, if any: at most one at a time.
    previewing: Option<Previewing>,
    /// A preview that stopped on an internal error (not tried again until something changes).
    failed: Option<String>,
    ctx: egui::Context,
}

impl ImportDialog {
    /// Starts a preview of these files; `ctx` is asked for a frame when it lands. When Partner
    /// Center data is among them, the country is then taken from where most of its customers are
    /// billed.
    pub fn new(
        files: Vec<(Option<PathBuf>, Source)>,
        unreadable: Vec<ImportError>,
        ctx: &egui::Context,
    ) -> Self {
        let files: Vec<ImportFile> = files
            .into_iter()
            .map(|(path, source)| ImportFile { path, source })
            .collect();
        let mut dialog = ImportDialog {
            sources: Arc::new(sources_of(&files)),
            files,
            files_version: 0,
            unreadable,
            form: ImportForm::default(),
            previewed: None,
            preview: None,
            previewing: None,
            failed: None,
            ctx: ctx.clone(),
        };
        dialog.refresh();
        dialog
    }

    /// Adds files (dropped on the window, or picked again with Add files…) and runs again.
    pub fn add(&mut self, files: Vec<(Option<PathBuf>, Source)>, unreadable: Vec<ImportError>) {
        self.files.extend(
            files
                .into_iter()
                .map(|(path, source)| ImportFile { path, source }),
        );
        self.unreadable.extend(unreadable);
        self.files_changed();
    }

    /// Reads every file from disk again (after the user fixed one) and runs again.
    pub fn reload(&mut self) {
        let mut unreadable = Vec::new();
        for file in &mut self.files {
            if let Some(path) = &file.path {
                match Source::read(path) {
                    Ok(source) => file.source = source,
                    Err(e) => unreadable.push(e),
                }
            }
        }
        self.unreadable = unreadable;
        self.files_changed();
    }

    fn files_changed(&mut self) {
        self.sources = Arc::new(sources_of(&self.files));
        self.files_version += 1;
        self.refresh();
    }

    fn suggest_country(&mut self) {
        if self.form.country.is_empty()
            && let Some(country) = self
                .preview
                .as_ref()
                .and_then(|p| p.preview.suggested_country.clone())
        {
            self.form.country = country;
        }
    }

    fn key(&self) -> PreviewKey {
        (self.files_version, self.form.clone())
    }

    /// Takes a preview that has landed, and starts one when the files or the form changed since
    /// the last (one at a time: a newer change waits for the running one, then runs).
    pub fn refresh(&mut self) {
        if let Some(previewing) = &self.previewing {
            match previewing.answer.try_recv() {
                Ok(preview) => {
                    self.previewed = Some(previewing.key.clone());
                    self.preview = Some(preview);
                    self.failed = None;
                    self.previewing = None;
                    self.suggest_country();
                    // Taken after the window was drawn: draw it again with the new preview.
                    self.ctx.request_repaint();
                }
                Err(TryRecvError::Empty) => return,
                Err(TryRecvError::Disconnected) => {
                    log::error!("the import preview stopped on an internal error");
                    self.previewed = Some(previewing.key.clone());
                    self.failed = Some("the import stopped on an internal error".to_owned());
                    self.previewing = None;
                }
            }
        }
        let key = self.key();
        if self.previewed.as_ref() == Some(&key) {
            return;
        }
        let (sources, form) = (Arc::clone(&self.sources), self.form.clone());
        let (tx, answer) = std::sync::mpsc::channel();
        let ctx = self.ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("csp-explorer import preview".into())
            .spawn(move || {
                // A panic drops the sender: the window hears of it as a disconnection.
                let preview = run_preview(&sources, &form);
                let _ = tx.send(preview);
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.previewing = Some(Previewing { key, answer }),
            Err(e) => {
                self.previewed = Some(key);
                self.failed = Some(format!("no thread could be started: {e}"));
            }
        }
    }

    /// The last preview computed (`None` until the first lands); see [`ImportDialog::is_current`].
    pub fn preview(&self) -> Option<&ImportPreview> {
        self.preview.as_ref()
    }

    /// True while a preview is being computed.
    pub fn is_previewing(&self) -> bool {
        self.previewing.is_some()
    }

    /// True when the preview shown is the one for the files and the form as they are now.
    pub fn is_current(&self) -> bool {
        self.previewed.as_ref() == Some(&self.key()) && self.failed.is_none()
    }

    /// The names of the files, in the order given.
    pub fn file_names(&self) -> Vec<&str> {
        self.files.iter().map(|f| f.source.name.as_str()).collect()
    }

    /// The imported channel, when Import can go ahead: every file read and valid, the preview up
    /// to date with the form, and the signed-in partner named when Partner Center data needs one.
    pub fn ready(&self) -> Result<&Imported, String> {
        if let Some(e) = self.unreadable.first() {
            return Err(format!("{e}"));
        }
        if self.files.is_empty() {
            return Err("add at least one file".to_owned());
        }
        if let Some(why) = &self.failed {
            return Err(why.clone());
        }
        let preview = match &self.preview {
            Some(p) if self.is_current() => p,
            _ => return Err("wait for the preview of these files and answers".to_owned()),
        };
        let imported = preview.preview.result.as_ref().map_err(|errors| {
            format!(
                "fix the {} in the files first, then press Read the files again",
                plural(errors.0.len(), "problem")
            )
        })?;
        if preview.preview.needs_partner {
            if let Some(problem) = self.form.country_problem() {
                return Err(problem);
            }
            if self.form.partner_name.trim().is_empty() {
                return Err(
                    "type your company's name (the partner signed in to Partner Center)".to_owned(),
                );
            }
        }
        Ok(imported)
    }
}

fn sources_of(files: &[ImportFile]) -> Vec<Source> {
    files.iter().map(|f| f.source.clone()).collect()
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// What the user chose in the preview.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportAnswer {
    /// Open the channel as a new, unsaved document.
    Import,
    /// Pick more files to add.
    AddFiles,
    /// Close the preview; nothing changes.
    Cancel,
}

/// The import preview window. The form's changes re-run the importer before the window is drawn
/// again.
pub fn import_ui(ctx: &egui::Context, dialog: &mut ImportDialog) -> Option<ImportAnswer> {
    // A preview that landed since the last frame is drawn in this one.
    dialog.refresh();
    let mut answer = None;
    let mut open = true;
    egui::Window::new("Import preview")
        .id(egui::Id::new("import-preview"))
        .open(&mut open)
        .default_size([760.0, 640.0])
        .collapsible(false)
        .show(ctx, |ui| {
            ui.label(
                "Nothing changes until you press Import: the channel then opens as a new, \
                 unsaved document.",
            );
            ui.add_space(4.0);
            // The buttons stay at the bottom; the rest scrolls.
            let body_height = (ui.available_height() - 44.0).max(160.0);
            egui::ScrollArea::vertical()
                .id_salt("import-body")
                .max_height(body_height)
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    if files_ui(ui, dialog) {
                        answer = Some(ImportAnswer::AddFiles);
                    }
                    form_ui(ui, dialog);
                    if let Some(why) = &dialog.failed {
                        ui.colored_label(
                            severity_text(ui, Severity::Violation),
                            format!("The preview could not be made: {why}."),
                        );
                    }
                    if dialog.is_previewing() {
                        // The thread asks for a frame when it lands.
                        ui.label(
                            RichText::new(if dialog.preview.is_some() {
                                "Reading the files again with your answers…"
                            } else {
                                "Reading the files…"
                            })
                            .weak(),
                        );
                    }
                    if let Some(preview) = &dialog.preview {
                        result_ui(ui, preview, &dialog.files);
                    }
                });
            ui.separator();
            ui.horizontal(|ui| {
                let ready = dialog.ready();
                let import = ui.add_enabled(ready.is_ok(), egui::Button::new("Import"));
                let import = match &ready {
                    Ok(_) => import.on_hover_text("Open the channel as a new, unsaved document"),
                    Err(why) => import.on_disabled_hover_text(why.as_str()),
                };
                if import.clicked() {
                    answer = Some(ImportAnswer::Import);
                }
                if ui.button("Cancel").clicked() {
                    answer = Some(ImportAnswer::Cancel);
                }
                if let Err(why) = &ready {
                    ui.colored_label(
                        severity_text(ui, Severity::Warning),
                        format!("To import: {why}."),
                    );
                }
            });
        });
    if !open {
        answer = Some(ImportAnswer::Cancel);
    }
    dialog.refresh();
    answer
}

/// Up to this many files are listed one by one; more (a Partner Center export has two files per
/// customer) are summed up by kind, with the list folded, so the form below stays in sight.
const FILES_LISTED: usize = 8;

/// The files and what each was recognised as; true when Add files… was pressed.
fn files_ui(ui: &mut egui::Ui, dialog: &mut ImportDialog) -> bool {
    let mut add = false;
    let mut reload = false;
    // Until the first preview lands, the files by name, not yet recognised.
    let reading: Vec<(String, String)>;
    let files = match &dialog.preview {
        Some(p) => &p.preview.files,
        None => {
            reading = dialog
                .files
                .iter()
                .map(|f| (f.source.name.clone(), "reading…".to_owned()))
                .collect();
            &reading
        }
    };
    ui.heading(format!("Files ({})", files.len() + dialog.unreadable.len()));
    let problem = |kind: &str| kind.starts_with("not ");
    let list = |ui: &mut egui::Ui| {
        egui::Grid::new("import-files")
            .num_columns(2)
            .striped(true)
            .show(ui, |ui| {
                for (name, kind) in files {
                    file_name_label(ui, name);
                    if problem(kind) {
                        ui.colored_label(severity_text(ui, Severity::Violation), kind);
                    } else {
                        ui.label(kind);
                    }
                    ui.end_row();
                }
                for e in &dialog.unreadable {
                    file_name_label(ui, &e.file);
                    ui.colored_label(severity_text(ui, Severity::Violation), &e.message);
                    ui.end_row();
                }
            });
    };
    if files.len() + dialog.unreadable.len() <= FILES_LISTED {
        list(ui);
    } else {
        // By kind, in the order first met; files that are not recognised or not read are named.
        let mut kinds: Vec<(&str, usize)> = Vec::new();
        for (_, kind) in files.iter().filter(|(_, k)| !problem(k)) {
            match kinds.iter_mut().find(|(k, _)| k == kind) {
                Some((_, n)) => *n += 1,
                None => kinds.push((kind, 1)),
            }
        }
        egui::Grid::new("import-file-kinds")
            .num_columns(2)
            .show(ui, |ui| {
                for (kind, n) in &kinds {
                    ui.label(format!("{n} ×"));
                    ui.label(*kind);
                    ui.end_row();
                }
                for (name, kind) in files.iter().filter(|(_, k)| problem(k)) {
                    file_name_label(ui, name);
                    ui.colored_label(severity_text(ui, Severity::Violation), kind);
                    ui.end_row();
                }
                for e in &dialog.unreadable {
                    file_name_label(ui, &e.file);
                    ui.colored_label(severity_text(ui, Severity::Violation), &e.message);
                    ui.end_row();
                }
            });
        egui::CollapsingHeader::new("Every file")
            .id_salt("import-every-file")
            .show(ui, list);
    }
    ui.horizontal(|ui| {
        add = ui
            .button("Add files…")
            .on_hover_text("Choose more files to import with these")
            .clicked();
        let can_reload = dialog.files.iter().any(|f| f.path.is_some());
        reload = ui
            .add_enabled(can_reload, egui::Button::new("Read the files again"))
            .on_hover_text("After fixing a file in a spreadsheet or editor")
            .clicked();
        ui.weak("or drop more files on the window");
    });
    if reload {
        dialog.reload();
    }
    add
}

/// A file by its name, with the whole path on hover (a Partner Center export's paths are long and
/// alike up to the file name).
fn file_name_label(ui: &mut egui::Ui, path: &str) {
    let name = std::path::Path::new(path)
        .file_name()
        .map_or(path.to_owned(), |n| n.to_string_lossy().into_owned());
    ui.label(RichText::new(name).monospace())
        .on_hover_text(path);
}

/// A note with each file's path cut to its name: the files are listed above with their paths, and
/// a Partner Center export's long, alike paths pushed the words out of sight (the whole note is
/// on hover).
fn with_file_names(note: &str, paths: &[&str]) -> String {
    let mut out = note.to_owned();
    for path in paths {
        if let Some(name) = std::path::Path::new(path).file_name()
            && name != std::ffi::OsStr::new(path)
        {
            out = out.replace(path, &name.to_string_lossy());
        }
    }
    out
}

/// What the importer needs to ask: the signed-in partner and the date order.
fn form_ui(ui: &mut egui::Ui, dialog: &mut ImportDialog) {
    let Some(preview) = dialog.preview.as_ref().map(|p| &p.preview) else {
        return;
    };
    let form = &mut dialog.form;
    if preview.needs_partner {
        ui.add_space(6.0);
        ui.heading("Who is signed in to Partner Center?");
        ui.label(
            "Partner Center's data is your view of the channel: your customers, your resellers. \
             Say whose view it is.",
        );
        egui::Grid::new("import-partner")
            .num_columns(2)
            .show(ui, |ui| {
                ui.label("Your company");
                ui.add(
                    egui::TextEdit::singleline(&mut form.partner_name)
                        .id_salt("import-partner-name")
                        .hint_text("e.g. Contoso Distribution")
                        .desired_width(260.0),
                );
                ui.end_row();
                ui.label("You are");
                ui.horizontal(|ui| {
                    for kind in [PartyKind::IndirectProvider, PartyKind::DirectBill] {
                        ui.radio_value(&mut form.partner_kind, kind, kind.label());
                    }
                });
                ui.end_row();
                ui.label("Your country");
                ui.horizontal(|ui| {
                    ui.add(
                        egui::TextEdit::singleline(&mut form.country)
                            .id_salt("import-partner-country")
                            .hint_text("US or United States")
                            .desired_width(160.0),
                    );
                    match form.country_problem() {
                        Some(problem) => {
                            ui.colored_label(severity_text(ui, Severity::Violation), problem);
                        }
                        None => {
                            let code = import::text::parse_country(form.country.trim())
                                .unwrap_or_default();
                            let name = isocountry::CountryCode::for_alpha2_caseless(&code)
                                .map_or(code.as_str(), |c| c.name());
                            ui.colored_label(valid_text(ui), format!("✔ {name} ({code})"));
                        }
                    }
                });
                ui.end_row();
                ui.label("Your PartnerID");
                ui.add(
                    egui::TextEdit::singleline(&mut form.partner_id)
                        .id_salt("import-partner-id")
                        .hint_text("optional")
                        .desired_width(160.0),
                );
                ui.end_row();
            });
    }
    if preview.ambiguous_dates || form.date_order != DateOrder::Ask {
        ui.add_space(6.0);
        ui.heading("Dates like 03/04/2020");
        ui.label("Some slash dates could be read either way. How are they written in your files?");
        ui.horizontal(|ui| {
            ui.radio_value(&mut form.date_order, DateOrder::Ask, "Not sure: list them");
            ui.radio_value(
                &mut form.date_order,
                DateOrder::Dmy,
                "Day first (03/04/2020 is 3 April)",
            );
            ui.radio_value(
                &mut form.date_order,
                DateOrder::Mdy,
                "Month first (03/04/2020 is 4 March)",
            );
        });
    }
}

/// The channel by kind, the check, the assumptions and unread columns, or every problem.
fn result_ui(ui: &mut egui::Ui, p: &ImportPreview, files: &[ImportFile]) {
    ui.add_space(6.0);
    match &p.preview.result {
        Ok(imported) => {
            ui.heading(format!("The channel: {}", imported.scenario.meta.title));
            ui.columns(2, |cols| {
                cols[0].strong("Parties");
                egui::Grid::new("import-parties").show(&mut cols[0], |ui| {
                    for (kind, n) in &p.parties {
                        ui.label(kind.label());
                        ui.label(n.to_string());
                        ui.end_row();
                    }
                });
                cols[1].strong("Links");
                egui::Grid::new("import-links").show(&mut cols[1], |ui| {
                    for (kind, n) in &p.links {
                        ui.label(kind.label());
                        ui.label(n.to_string());
                        ui.end_row();
                    }
                });
            });
            ui.add_space(4.0);
            let c = &p.counts;
            let text = format!(
                "The check finds {}, {} and {} as of {}.",
                plural(c.violation, "violation"),
                plural(c.warning, "warning"),
                plural(c.note, "note"),
                imported.scenario.as_of()
            );
            let severity = if c.violation > 0 {
                Some(Severity::Violation)
            } else if c.warning > 0 {
                Some(Severity::Warning)
            } else {
                None
            };
            match severity {
                Some(s) => ui.colored_label(severity_text(ui, s), text),
                None => ui.colored_label(valid_text(ui), text),
            };
            if !imported.notes.is_empty() {
                ui.add_space(4.0);
                ui.strong(format!(
                    "What the import assumed ({}): Partner Center or the files did not say",
                    imported.notes.len()
                ));
                let names: Vec<&str> = files.iter().map(|f| f.source.name.as_str()).collect();
                for note in &imported.notes {
                    ui.label(format!("• {}", with_file_names(note, &names)))
                        .on_hover_text(note);
                }
            }
            if !imported.unknown_columns.is_empty() {
                ui.add_space(4.0);
                ui.strong("Columns not read");
                for column in &imported.unknown_columns {
                    ui.label(format!("• {column}"));
                }
            }
        }
        Err(errors) => {
            let shown: Vec<&ImportError> = errors
                .0
                .iter()
                // The form above asks for the signed-in partner; the CLI's wording of that
                // error would only repeat it with command-line flags.
                .filter(|e| e.file != import::NO_PARTNER_FILE)
                .collect();
            if shown.is_empty() {
                ui.label("Say who is signed in to Partner Center above to see the channel.");
                return;
            }
            ui.colored_label(
                severity_text(ui, Severity::Violation),
                format!(
                    "{}: nothing can be imported until they are fixed in the files.",
                    plural(shown.len(), "problem")
                ),
            );
            egui::Grid::new("import-errors")
                .num_columns(4)
                .striped(true)
                .show(ui, |ui| {
                    ui.strong("File");
                    ui.strong("Line");
                    ui.strong("Column");
                    ui.strong("Problem");
                    ui.end_row();
                    for e in shown {
                        ui.label(RichText::new(&e.file).monospace());
                        ui.label(e.line.map(|l| l.to_string()).unwrap_or_default());
                        // The spreadsheet column's number and the header's name, as known.
                        ui.label(match (e.col, e.column()) {
                            (Some(n), Some(name)) => format!("{n} ({name})"),
                            (Some(n), None) => n.to_string(),
                            (None, Some(name)) => name.to_owned(),
                            (None, None) => String::new(),
                        });
                        ui.add(egui::Label::new(&e.message).wrap());
                        ui.end_row();
                    }
                });
            if errors.0.len() >= import::MAX_ERRORS {
                ui.weak(format!("(stopped after {} problems)", import::MAX_ERRORS));
            }
        }
    }
}

/// While files are dragged over the window, says that dropping them imports them.
pub fn drop_hint_ui(ctx: &egui::Context) {
    let hovered = ctx.input(|i| i.raw.hovered_files.len());
    if hovered == 0 {
        return;
    }
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::new("import-drop-hint"),
    ));
    let rect = ctx.content_rect();
    painter.rect_filled(rect, 0.0, egui::Color32::from_black_alpha(170));
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        format!(
            "Drop {} to import: a preview comes first",
            if hovered == 1 {
                "the file"
            } else {
                "the files"
            }
        ),
        egui::FontId::proportional(26.0),
        egui::Color32::WHITE,
    );
}

#[cfg(test)]
mod tests {
    use super::with_file_names;

    #[test]
    fn notes_name_files_by_their_name_not_their_whole_path() {
        let note = "/home/ana/exports/pc/customers.json: Northwind Traders is associated with \
                    partner 4847383, which is not among the indirect resellers";
        let paths = ["/home/ana/exports/pc/customers.json", "resellers.csv"];
        assert_eq!(
            with_file_names(note, &paths),
            "customers.json: Northwind Traders is associated with partner 4847383, which is not \
             among the indirect resellers"
        );
        let bare = "resellers.csv: 2 rows without a PartnerID";
        assert_eq!(with_file_names(bare, &paths), bare);
    }
}
