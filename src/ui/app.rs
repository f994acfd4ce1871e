//! The eframe application: menus, toolbar, panels and the canvas around one [`Document`].

use super::Launch;
use super::canvas::{
    CanvasCommand, CanvasView, Overlay, Selection, Tool, best_verdict, canvas_ui,
    trial_link_in_place,
};
pub use super::command::{Command, PendingLink};
use super::document::Document;
use super::files::{DialogPurpose, FileDialogs, default_folder};
use super::jobs::{JobAction, Jobs, Outcome};
use super::panels;
pub use super::panels::parse_date;
use super::recovery;
use super::style::Theme;
use super::training::{SavedLesson, Training, TrainingCommand};
use super::whatif::{AskState, Base, CompareMode, LensState, WhatIf, WhatIfCommand};
use crate::edit::Edit;
use crate::model::{Link, LinkKind, Party, PartyId, PartyKind, Position, Scenario};
use crate::progress::Progress;
use crate::rules::{Finding, Severity, Subject, chain_kinds};
use crate::training::LoadedLesson;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

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
}

const MAX_RECENT: usize = 8;

/// The least time between two writes of the lesson file while a lesson is being worked on.
const LESSON_WRITE_GAP: std::time::Duration = std::time::Duration::from_secs(1);

/// What the lesson file is written from (see [`SavedLesson::key`]).
type LessonKey = (u64, crate::training::Attempt, BTreeSet<String>);

/// How often eframe writes its storage (window size, egui memory and a copy of the preferences).
const AUTOSAVE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(30);

/// The least time between two writes of the recovery file while edits go on: the first change after
/// a pause is written at once, the next ones at most this late. A crash loses at most this much.
const RECOVERY_DELAY: std::time::Duration = std::time::Duration::from_secs(3);

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
const UNPROTECTED_AT_MOST: std::time::Duration = std::time::Duration::from_secs(30);

/// How long an edit waits for the recovery writer to let go of the scenario before copying it.
const LET_GO_PATIENCE: std::time::Duration = std::time::Duration::from_millis(250);

/// Something that waits for the user to confirm discarding unsaved changes.
#[derive(Clone, Debug)]
enum Discard {
    New,
    Open,
    OpenPath(PathBuf),
    OpenBuiltin(&'static str),
    Restore(Box<recovery::Orphan>),
    Lesson(Box<LoadedLesson>),
    WhatIf,
    Close,
    /// Open an imported channel as a new, unsaved document.
    Import(Box<crate::io::import::Imported>),
}

/// The explorer window.
pub struct ExplorerApp {
    doc: Document,
    /// View state of the canvas (zoom, pan, gesture in progress).
    pub view: CanvasView,
    /// The toolbar's party search.
    pub search: panels::PartySearch,
    /// The current tool.
    pub tool: Tool,
    selection: Option<Selection>,
    highlight: Vec<PartyId>,
    explained: Option<Finding>,
    pending_link: Option<PendingLink>,
    discard: Option<Discard>,
    /// Crashed sessions' work, newest first, offered one at a time until restored, discarded or
    /// put off until the next start.
    offers: Vec<recovery::Orphan>,
    /// The state folder (recovery files, preferences); `None` keeps nothing on disk.
    state: Option<recovery::StateDir>,
    /// What this session's recovery file was last written from (handed to the writer thread),
    /// and when.
    recovery_written: Option<(RecoveryKey, std::time::Instant)>,
    /// The recovery writer, a thread of its own.
    autosaver: recovery::Autosaver,
    /// True once the writer was asked to remove the recovery file (and nothing written since).
    removal_sent: bool,
    /// Since when unsaved work is safe in a recovery file (the last write, or when the work
    /// became unsaved); `None` while nothing is unsaved. See [`UNPROTECTED_AT_MOST`].
    protected_since: Option<std::time::Instant>,
    /// A crashed session's work restored here: its file goes once this session's recovery file
    /// holds the work.
    takeover: Option<recovery::Orphan>,
    /// The preferences as last written to the state folder.
    prefs_written: Option<Persisted>,
    /// What the lesson file was last written from (see [`SavedLesson`]), and when; `None` once it
    /// was removed.
    lesson_written: Option<(LessonKey, std::time::Instant)>,
    /// True while a lesson file may exist that no longer matches the window (at start, until the
    /// first frame has removed or resumed it).
    lesson_kept: bool,
    /// True while writing the recovery file fails (the banner says so once, not every few seconds).
    recovery_failing: bool,
    /// The last error, shown in a banner until dismissed.
    error: Option<String>,
    /// A passing confirmation ("Saved …").
    notice: Option<String>,
    show_help: bool,
    show_library: bool,
    close_confirmed: bool,
    persisted: Persisted,
    dialogs: Box<dyn FileDialogs>,
    /// Text being typed into the inspector, by field, committed on Enter or focus loss.
    pub(crate) drafts: panels::Drafts,
    pub(crate) finding_filter: panels::FindingFilter,
    /// Lessons, quiz marks and progress.
    pub training: Training,
    /// The what-if base, the ask window and the role lens.
    pub whatif: WhatIf,
    /// Presenter mode: large type, no side panels, a spotlight on the selected path.
    presenter: bool,
    /// The zoom factor of the last frame: when it changes (presenter mode, a theme), the canvas is
    /// fitted again once the new size is known.
    last_zoom: f32,
    /// Frames left in which to fit the canvas again (the new size arrives a frame after the zoom).
    refit_frames: u8,
    /// The window title last sent to the window.
    window_title: String,
    /// A path field standing in for a native file dialog that could not be shown.
    path_prompt: Option<panels::PathPrompt>,
    /// What to do once Save As has written the file (Save in the unsaved-changes prompt).
    after_save: Option<Discard>,
    /// A save waiting for the user because the file changed on disk since it was opened here.
    conflict: Option<PathBuf>,
    /// The import preview (File → Import…, or files dropped on the window).
    import: Option<super::import::ImportDialog>,
    /// Long work on a worker thread (opening, importing, laying out, exporting), with its progress.
    jobs: Jobs<Outcome>,
    /// True while the running job is a save: what waits for it ([`ExplorerApp::after_save`])
    /// goes on or is dropped with its outcome.
    saving: bool,
    /// The window's context, for work started where none is at hand (a save from a test).
    egui_ctx: egui::Context,
}

impl ExplorerApp {
    /// Creates the app, restoring preferences and opening what `launch` names.
    pub fn new(
        cc: &eframe::CreationContext<'_>,
        launch: Launch,
        dialogs: Box<dyn FileDialogs>,
    ) -> Self {
        let state = launch.state_dir.clone().map(recovery::StateDir::open);
        // Our own file first; eframe's copy when it is missing or unreadable (an older build, or a
        // preferences file someone edited by hand).
        let own = state.as_ref().and_then(|s| {
            s.load_preferences::<Persisted>()
                .map_err(|e| log::warn!("preferences not read, using eframe's copy: {e}"))
                .ok()
                .flatten()
        });
        let prefs_written = own.clone();
        let mut persisted: Persisted = own
            .or_else(|| {
                cc.storage
                    .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            })
            .unwrap_or_default();
        if let (Some(text), Some(state)) = (persisted.autosave.take(), &state)
            && let Err(e) = state.adopt_legacy_autosave(text)
        {
            log::error!("an older version's autosave could not be kept: {e}");
        }
        let offers = state
            .as_ref()
            .map(recovery::StateDir::orphans)
            .unwrap_or_default();
        persisted.theme.apply(&cc.egui_ctx);
        super::style::install_fonts(&cc.egui_ctx);
        let mut app = ExplorerApp {
            doc: Document::new(Scenario::new("Untitled channel")),
            view: CanvasView::default(),
            search: panels::PartySearch::default(),
            tool: Tool::Select,
            selection: None,
            highlight: Vec::new(),
            explained: None,
            pending_link: None,
            discard: None,
            offers,
            state,
            recovery_written: None,
            autosaver: recovery::Autosaver::new(cc.egui_ctx.clone()),
            removal_sent: false,
            protected_since: None,
            takeover: None,
            prefs_written,
            lesson_written: None,
            lesson_kept: true,
            recovery_failing: false,
            error: None,
            notice: None,
            show_help: false,
            show_library: launch.open.is_none()
                && launch.builtin.is_none()
                && launch.lesson.is_none(),
            close_confirmed: false,
            persisted,
            dialogs,
            drafts: panels::Drafts::default(),
            finding_filter: panels::FindingFilter::default(),
            training: Training::default(),
            whatif: WhatIf::default(),
            presenter: false,
            last_zoom: 1.0,
            refit_frames: 0,
            window_title: String::new(),
            path_prompt: None,
            after_save: None,
            conflict: None,
            import: None,
            jobs: Jobs::default(),
            saving: false,
            egui_ctx: cc.egui_ctx.clone(),
        };
        if let Some(slug) = launch.builtin.as_deref()
            && let Some(b) = crate::scenarios::builtin(slug)
        {
            app.open_builtin(b.slug);
        }
        if let Some(path) = launch.open {
            app.open_in_background(&cc.egui_ctx, path);
        }
        if let Some(key) = launch.lesson.as_deref()
            && let Some(lesson) = crate::training::builtin_lesson(key)
        {
            app.training_command(&cc.egui_ctx, TrainingCommand::Start(lesson.key));
        }
        if app.show_library {
            // Nothing named on the command line: the lesson the window was closed in, if any.
            app.resume_lesson();
        }
        if launch.presenter {
            app.set_presenter(&cc.egui_ctx, true);
        }
        app
    }

    /// The open document.
    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// The current selection.
    pub fn selection(&self) -> Option<&Selection> {
        self.selection.as_ref()
    }

    /// The error banner's text, if one is shown.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The link-kind chooser, when a connect gesture is waiting for a kind.
    pub fn pending_link(&self) -> Option<&PendingLink> {
        self.pending_link.as_ref()
    }

    /// Where a party is on screen (as drawn last frame): tests aim gestures with it.
    pub fn screen_pos(&self, party: &str) -> Option<egui::Pos2> {
        self.doc.position(party).map(|p| self.view.to_screen(p))
    }

    /// Where a link is on screen (the middle of its drawn path, as drawn last frame).
    pub fn link_screen_pos(&self, link: &str) -> Option<egui::Pos2> {
        super::canvas::link_screen_pos(&self.doc, &self.view, link)
    }

    /// The best score of a lesson so far.
    pub fn best_score(&self, lesson: &str) -> Option<u32> {
        self.persisted.scores.get(lesson).copied()
    }

    /// The parties lit up on the canvas (a finding's path, an asked chain).
    pub fn highlight(&self) -> &[PartyId] {
        &self.highlight
    }

    /// The finding shown in the explanation card.
    pub fn explained(&self) -> Option<&Finding> {
        self.explained.as_ref()
    }

    /// Shows an error in the banner and logs it (`RUST_LOG=csp_explorer=info`), so nothing fails
    /// silently.
    fn report(&mut self, message: String) {
        log::error!("{message}");
        self.error = Some(message);
    }

    /// The path field shown when a native file dialog could not be shown.
    pub fn path_prompt(&self) -> Option<&panels::PathPrompt> {
        self.path_prompt.as_ref()
    }

    /// Runs a command now (the same path menus and shortcuts take).
    pub fn execute(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::Edit(edit) => self.apply(edit),
            Command::Undo => {
                self.before_edit();
                if self.doc.undo() {
                    self.after_history_move();
                }
            }
            Command::Redo => {
                self.before_edit();
                if self.doc.redo() {
                    self.after_history_move();
                }
            }
            Command::DeleteSelection => match self.selection.take() {
                Some(Selection::Party(id)) => self.apply(Edit::RemoveParty(id)),
                Some(Selection::Link(id)) => self.apply(Edit::RemoveLink(id)),
                None => {}
            },
            Command::Select(selection, path) => {
                self.selection = selection;
                self.highlight = path;
                self.drafts = panels::Drafts::default();
                if self.highlight.is_empty() {
                    self.explained = None;
                }
            }
            Command::Explain(finding) => {
                self.highlight = finding.path.clone();
                self.selection = Some(match &finding.subject {
                    Subject::Link(id) => Selection::Link(id.clone()),
                    Subject::Party(id) => Selection::Party(id.clone()),
                });
                self.drafts = panels::Drafts::default();
                // Fly to what the finding is about (the list may hold findings far off-screen,
                // or customers collapsed into a badge).
                match &finding.subject {
                    Subject::Link(id) => self.view.bring_link_into_view(&self.doc, id.as_str()),
                    Subject::Party(id) => self.view.bring_party_into_view(&self.doc, id.as_str()),
                }
                self.explained = Some(finding);
            }
            Command::New => self.guard(Discard::New, ctx),
            Command::Open => self.guard(Discard::Open, ctx),
            Command::OpenPath(path) => self.guard(Discard::OpenPath(path), ctx),
            Command::OpenBuiltin(slug) => self.guard(Discard::OpenBuiltin(slug), ctx),
            Command::Save => match self.doc.path.clone() {
                Some(path) => self.save_in_place(&path),
                None => self.request_save_as(ctx),
            },
            Command::SaveAs => self.request_save_as(ctx),
            Command::Import => {
                self.dialogs
                    .request(DialogPurpose::Import, &default_folder(), "", ctx)
            }
            Command::Export(format) => {
                let name = format!("{}.{}", self.export_stem(), format.extension());
                self.dialogs
                    .request(DialogPurpose::Export(format), &default_folder(), &name, ctx);
            }
            Command::ExportVisible => {
                let name = format!("{}-part.svg", self.export_stem());
                self.dialogs
                    .request(DialogPurpose::ExportVisible, &default_folder(), &name, ctx);
            }
            Command::AddParty(kind) => self.add_party(kind),
            Command::Fit => self.view.fit_requested = true,
            Command::Find => self.search.focus = true,
            Command::FindParty(id) => {
                self.view.bring_party_into_view(&self.doc, id.as_str());
                self.execute(ctx, Command::Select(Some(Selection::Party(id)), Vec::new()));
            }
            Command::TierLayout { by_region } => {
                let layout = crate::layout::TierLayout {
                    group_by_region: by_region,
                };
                self.layout_in_background(ctx, "Arranging in tiers", move |s, _| {
                    layout.positions(s)
                });
            }
            Command::ForceLayout => {
                self.layout_in_background(ctx, "Spreading out", |s, placed| {
                    crate::layout::force_positions(s, placed)
                });
            }
            Command::Theme(theme) => {
                self.persisted.theme = theme;
                theme.apply(ctx);
                if self.presenter {
                    ctx.set_zoom_factor(theme.zoom() * 1.5);
                }
            }
            Command::SetAsOfLive(date, continuing) => {
                self.before_edit();
                let edit = Edit::SetAsOf(Some(date));
                let result = if continuing {
                    self.doc.apply_continuing(edit)
                } else {
                    self.doc.apply(edit)
                };
                if let Err(e) = result {
                    self.report(format!("That change was not made: {e}."));
                }
                self.after_change();
            }
            Command::Presenter(on) => self.set_presenter(ctx, on),
            Command::AskFrom(party) => {
                self.whatif.ask = Some(AskState::new(Some(party.to_string())));
            }
            Command::Training(command) => self.training_command(ctx, command),
            Command::WhatIf(command) => self.whatif_command(ctx, command),
        }
    }

    /// Presenter mode: everything larger (the projector's back row), side panels hidden.
    fn set_presenter(&mut self, ctx: &egui::Context, on: bool) {
        self.presenter = on;
        let zoom = self.persisted.theme.zoom();
        ctx.set_zoom_factor(if on { zoom * 1.5 } else { zoom });
        self.view.fit_requested = true;
    }

    /// True while presenter mode is on.
    pub fn is_presenting(&self) -> bool {
        self.presenter
    }

    fn training_command(&mut self, ctx: &egui::Context, command: TrainingCommand) {
        use super::training::{next_lesson, quiz_on};
        match command {
            TrainingCommand::OpenCourse => self.training.show_course = true,
            TrainingCommand::Start(key) => {
                match crate::training::builtin_lesson(key).map(|l| l.load()) {
                    Some(Ok(loaded)) => self.guard(Discard::Lesson(Box::new(loaded)), ctx),
                    Some(Err(e)) => self.report(format!("The lesson could not be loaded: {e}")),
                    None => self.report(format!("There is no lesson `{key}`.")),
                }
            }
            TrainingCommand::OpenFile => {
                self.dialogs
                    .request(DialogPurpose::OpenLesson, &default_folder(), "", ctx)
            }
            TrainingCommand::QuizHere => {
                let quiz = quiz_on(&self.doc);
                self.training.start(quiz);
                self.explained = None;
                self.highlight.clear();
                self.training.show_course = false;
            }
            TrainingCommand::Stop => self.training.stop(),
            TrainingCommand::Restart => {
                if let Some(run) = &self.training.run {
                    let loaded = run.loaded.clone();
                    if loaded.key == super::training::QUIZ_KEY {
                        self.training.start(loaded);
                    } else {
                        self.guard(Discard::Lesson(Box::new(loaded)), ctx);
                    }
                }
            }
            TrainingCommand::Next => {
                if let Some(next) = self
                    .training
                    .run
                    .as_ref()
                    .and_then(|r| next_lesson(&r.loaded.key))
                {
                    self.training_command(ctx, TrainingCommand::Start(next));
                }
            }
            TrainingCommand::Hint => {
                if let Some(run) = self.training.run.as_mut() {
                    run.next_hint();
                }
            }
            TrainingCommand::Reveal => {
                if let Some(run) = self.training.run.as_mut() {
                    run.revealed = true;
                }
            }
            TrainingCommand::ApplyAnswer => {
                let Some(run) = &self.training.run else {
                    return;
                };
                let quiz = run.lesson().quiz;
                match crate::training::play(self.doc.scenario(), &run.lesson().solution) {
                    Ok((edit, marks)) => {
                        if edit != Edit::Batch(Vec::new()) {
                            self.apply(edit);
                        }
                        if quiz {
                            self.training.marks = marks.into_iter().collect();
                        }
                    }
                    Err(e) => {
                        self.report(format!(
                            "The answer cannot be applied to the scenario as it is now ({e}). Restart the lesson to see it."
                        ))
                    }
                }
            }
            TrainingCommand::CheckQuiz => {
                self.training.judge(&self.doc);
                if let Some(run) = &self.training.run
                    && run.loaded.key != super::training::QUIZ_KEY
                    && let Some(score) = run.solved
                {
                    let best = self
                        .persisted
                        .scores
                        .entry(run.loaded.key.clone())
                        .or_insert(0);
                    *best = (*best).max(score);
                }
            }
            TrainingCommand::ToggleMark(id) => {
                if !self.training.marks.remove(&id) {
                    self.training.marks.insert(id);
                }
            }
            TrainingCommand::StepNext | TrainingCommand::StepPrevious => {
                let forward = command == TrainingCommand::StepNext;
                match self.training.run.as_mut() {
                    Some(run) if !run.lesson().steps.is_empty() => {
                        if forward {
                            run.next_step();
                        } else {
                            run.previous_step();
                        }
                    }
                    _ => self.step_finding(ctx, forward),
                }
            }
        }
    }

    /// Presenter without a lesson: the arrow keys walk through the findings, worst first.
    fn step_finding(&mut self, ctx: &egui::Context, forward: bool) {
        let list: Vec<Finding> = self
            .doc
            .checker()
            .sorted()
            .into_iter()
            .filter(|f| f.severity != Severity::Note)
            .collect();
        if list.is_empty() {
            return;
        }
        let n = list.len();
        let current = self.explained.as_ref().and_then(|e| {
            list.iter()
                .position(|f| f.rule == e.rule && f.subject == e.subject && f.message == e.message)
        });
        let next = match (current, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        self.execute(ctx, Command::Explain(list[next].clone()));
    }

    fn whatif_command(&mut self, ctx: &egui::Context, command: WhatIfCommand) {
        match command {
            WhatIfCommand::Fork => {
                if self.whatif.base.is_some() {
                    return;
                }
                // The findings and drawing are the base's, copied rather than worked out again.
                let branch = self.doc.fork();
                let base = std::mem::replace(&mut self.doc, branch);
                self.whatif.base = Some(Base {
                    doc: base,
                    fork: true,
                });
                self.whatif.reset();
                self.notice = Some(
                    "Forked a what-if: change anything, compare it with the base, then keep or discard it."
                        .to_owned(),
                );
            }
            WhatIfCommand::Keep => {
                if let Some(base) = self.whatif.base.take()
                    && base.fork
                {
                    // The what-if replaces the base under the base's file, unless it was saved
                    // elsewhere meanwhile; either way it differs from the base's file.
                    if self.doc.path.is_none() {
                        self.doc.path = base.doc.path.clone();
                        if self.doc.path.is_some() || base.doc.is_dirty() {
                            self.doc.mark_unsaved();
                        }
                    }
                    self.doc.scratch = base.doc.scratch && self.doc.path.is_none();
                    self.notice = Some("Kept the what-if.".to_owned());
                }
                self.whatif.reset();
            }
            WhatIfCommand::Discard if self.doc.is_dirty() && !self.doc.scratch => {
                self.discard = Some(Discard::WhatIf);
            }
            WhatIfCommand::Discard => {
                if let Some(base) = self.whatif.base.take()
                    && base.fork
                {
                    self.doc = base.doc;
                    self.after_change();
                    self.notice = Some("Discarded the what-if: back to the base.".to_owned());
                }
                self.whatif.reset();
            }
            WhatIfCommand::CloseCompare => {
                self.whatif.base = None;
                self.whatif.reset();
            }
            WhatIfCommand::CompareWithFile => {
                self.dialogs
                    .request(DialogPurpose::CompareWith, &default_folder(), "", ctx)
            }
            WhatIfCommand::Mode(mode) => {
                self.whatif.mode = mode;
                self.whatif.base_view.fit_requested = true;
                self.view.fit_requested = true;
            }
            WhatIfCommand::OpenAsk => {
                let seller = match &self.selection {
                    Some(Selection::Party(id)) => Some(id.to_string()),
                    _ => None,
                };
                self.whatif.ask = Some(AskState::new(seller));
            }
            WhatIfCommand::MakeSale(links) => {
                self.apply(Edit::Batch(links.into_iter().map(Edit::AddLink).collect()));
            }
            WhatIfCommand::Highlight(chain) => {
                self.highlight = chain;
                self.explained = None;
            }
            WhatIfCommand::Lens(party) => self.whatif.lens = party.map(LensState::new),
        }
    }

    /// Compares the open scenario with a saved one (what-if → compare with a saved scenario).
    pub fn compare_with(&mut self, path: &Path) {
        match Document::open(path) {
            Ok(doc) => {
                self.whatif.base = Some(Base { doc, fork: false });
                self.whatif.reset();
            }
            Err(e) => self.report(format!("Could not open the scenario to compare with: {e}")),
        }
    }

    /// Opens a lesson file a trainer wrote; a bad file is explained and changes nothing.
    pub fn open_lesson_file(&mut self, path: &Path, ctx: &egui::Context) {
        match LoadedLesson::load(path) {
            Ok(loaded) => self.guard(Discard::Lesson(Box::new(loaded)), ctx),
            Err(e) => self.report(format!(
                "The lesson could not be opened; nothing was changed.\n{e}"
            )),
        }
    }

    /// Applies an edit as one step; an impossible edit becomes a message, never a panic.
    fn apply(&mut self, edit: Edit) {
        self.before_edit();
        if let Err(e) = self.doc.apply(edit) {
            self.report(format!("That change was not made: {e}."));
        }
        self.after_change();
    }

    fn after_history_move(&mut self) {
        self.after_change();
    }

    /// Drops references to what no longer exists and refreshes the explanation card.
    fn after_change(&mut self) {
        let s = self.doc.scenario();
        let exists = match &self.selection {
            Some(Selection::Party(id)) => s.party(id.as_str()).is_some(),
            Some(Selection::Link(id)) => s.link(id.as_str()).is_some(),
            None => true,
        };
        if !exists {
            self.selection = None;
            self.highlight.clear();
        }
        if let Some(explained) = &self.explained {
            let fresh = crate::rules::check_subject(s, s.as_of(), &explained.subject)
                .into_iter()
                .find(|f| f.rule == explained.rule);
            self.explained = fresh;
        }
        self.drafts = panels::Drafts::default();
    }

    fn add_party(&mut self, kind: PartyKind) {
        let s = self.doc.scenario();
        if kind == PartyKind::Microsoft && s.microsoft().is_some() {
            self.report("The scenario already has Microsoft; there is only one.".to_owned());
            return;
        }
        let stem = match kind {
            PartyKind::Microsoft => "microsoft",
            PartyKind::IndirectProvider => "provider",
            PartyKind::IndirectReseller => "reseller",
            PartyKind::DirectBill => "direct-bill",
            PartyKind::Customer => "customer",
        };
        let id = s.fresh_party_id(stem);
        let mut party = Party::new(id.clone(), kind);
        party.name = match kind {
            PartyKind::Microsoft => "Microsoft".to_owned(),
            _ => format!(
                "New {} {}",
                kind.label(),
                id.as_str()
                    .rsplit('-')
                    .next()
                    .filter(|n| n.chars().all(|c| c.is_ascii_digit()))
                    .unwrap_or("1")
            ),
        };
        if kind != PartyKind::Microsoft {
            // Most channels live in one market: start where the rest of the scenario is.
            party.country = s
                .parties()
                .find_map(|p| p.country.clone())
                .or(Some("US".to_owned()));
        }
        party.position = Some(self.free_spot_in_view(kind));
        self.apply(Edit::AddParty(party));
        self.selection = Some(Selection::Party(id));
    }

    /// Where a new party of `kind` goes: in its tier's row when that row is in view (else across the
    /// middle of the view), at the free spot nearest the middle, always inside the visible canvas.
    fn free_spot_in_view(&self, kind: PartyKind) -> Position {
        let view = &self.view;
        let margin = 60.0;
        let top_left = view.to_canvas(view.rect.min + egui::vec2(margin, margin));
        let bottom_right = view.to_canvas(view.rect.max - egui::vec2(margin, margin));
        let centre = view.to_canvas(view.rect.center());
        let row_y = f32::from(kind.tier()) * crate::layout::ROW_GAP;
        let y = if (top_left.y..=bottom_right.y).contains(&row_y) {
            row_y
        } else {
            centre.y
        };
        let gap = crate::layout::COLUMN_GAP;
        let taken = |x: f32| {
            self.doc
                .positions()
                .values()
                .any(|p| (p.x - x).abs() < gap * 0.6 && (p.y - y).abs() < 40.0)
        };
        let visible = |x: f32| (top_left.x..=bottom_right.x).contains(&x);
        // The middle, then one column right, one left, two right, …
        let x = (0..64)
            .map(|i| {
                let step = (i + 1) / 2;
                let side = if i % 2 == 1 { 1.0 } else { -1.0 };
                centre.x + side * step as f32 * gap
            })
            .take_while(|x| visible(*x) || (*x - centre.x).abs() < gap)
            .find(|x| visible(*x) && !taken(*x))
            .unwrap_or(centre.x);
        Position { x, y }
    }

    /// Starts the kind chooser for a connect gesture from `from` to `to`.
    pub fn begin_link(&mut self, from: PartyId, to: PartyId, at: egui::Pos2) {
        let s = self.doc.scenario();
        let (Some(a), Some(b)) = (s.party(from.as_str()), s.party(to.as_str())) else {
            return;
        };
        let chains = chain_kinds(a.kind, b.kind);
        // Each kind is tried on the document's own scenario and taken back (a copy per kind
        // froze the window for seconds on a large channel).
        let mut options: Vec<_> = LinkKind::ALL
            .into_iter()
            .map(|k| {
                let verdict = trial_link_in_place(&mut self.doc, &from, &to, k);
                (k, verdict, chains.contains(&k))
            })
            .collect();
        options.sort_by_key(|(_, v, chain)| (!*chain, v.worst));
        self.pending_link = Some(PendingLink {
            from,
            to,
            at,
            options,
        });
    }

    /// Creates the pending link with the chosen kind.
    pub fn finish_link(&mut self, kind: LinkKind) {
        let Some(pending) = self.pending_link.take() else {
            return;
        };
        let s = self.doc.scenario();
        let id = s.fresh_link_id(&format!("{}-{}-{}", kind.key(), pending.from, pending.to));
        let mut link = Link::new(
            id.clone(),
            kind,
            pending.from.clone(),
            pending.to.clone(),
            s.as_of(),
        );
        if kind == LinkKind::Admin {
            link.duration_days = Some(crate::rules::MAX_GDAP_DAYS);
            link.roles = vec!["Helpdesk Administrator".to_owned()];
        }
        if kind == LinkKind::Purchase {
            link.offer = Some("Microsoft 365 Business Premium".to_owned());
        }
        // An indirect reseller's sale is billed by its (first accepted) provider.
        if matches!(kind, LinkKind::Purchase | LinkKind::Reseller)
            && s.party(pending.from.as_str())
                .is_some_and(|p| p.kind == PartyKind::IndirectReseller)
        {
            link.via = s
                .links_to(pending.from.as_str())
                .find(|l| {
                    l.kind == LinkKind::Partnership
                        && l.status == crate::model::LinkStatus::Accepted
                })
                .map(|l| l.from.clone());
        }
        self.apply(Edit::AddLink(link));
        self.selection = Some(Selection::Link(id));
    }

    /// True when closing or replacing the document would lose work: unsaved changes in it or in the
    /// base of a what-if. A lesson's scenario is scratch work, unless it was saved.
    pub fn has_unsaved_work(&self) -> bool {
        let dirty = |d: &Document| d.is_dirty() && !d.scratch;
        dirty(&self.doc)
            || self
                .whatif
                .base
                .as_ref()
                .is_some_and(|b| b.fork && dirty(&b.doc))
    }

    fn guard(&mut self, action: Discard, ctx: &egui::Context) {
        if self.has_unsaved_work() && !matches!(action, Discard::Close) {
            self.discard = Some(action);
        } else {
            self.proceed(action, ctx);
        }
    }

    fn proceed(&mut self, action: Discard, ctx: &egui::Context) {
        match action {
            Discard::New => self.replace_document(Document::new(Scenario::new("Untitled channel"))),
            Discard::Open => self
                .dialogs
                .request(DialogPurpose::Open, &default_folder(), "", ctx),
            Discard::OpenPath(path) => self.open_in_background(ctx, path),
            Discard::OpenBuiltin(slug) => self.open_builtin(slug),
            Discard::Restore(orphan) => self.restore(&orphan),
            Discard::Lesson(loaded) => {
                let mut doc = Document::new(loaded.start.clone());
                doc.scratch = true;
                self.replace_document(doc);
                self.training.start(*loaded);
                self.training.show_course = false;
            }
            Discard::WhatIf => {
                self.doc.scratch = true;
                self.whatif_command(ctx, WhatIfCommand::Discard);
            }
            Discard::Close => {
                self.close_confirmed = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            Discard::Import(imported) => {
                // Laying out and checking a large channel takes a while: the worker does it, and
                // the preview stays open until the channel is there (Cancel leaves both as they
                // were).
                let title = format!("Importing {}", imported.scenario.meta.title);
                self.import_in_background(ctx, title, move |progress| {
                    progress.part(0.0, 1.0, "Laying out the channel");
                    Ok(super::import::into_channel(*imported))
                });
            }
        }
    }

    fn replace_document(&mut self, doc: Document) {
        self.doc = doc;
        // An error about the scenario that was open (a failed "Show me", say) is about the past.
        self.error = None;
        // Lessons, comparisons and lenses are about the scenario that was open.
        self.training.stop();
        self.whatif.base = None;
        self.whatif.reset();
        self.whatif.lens = None;
        self.whatif.ask = None;
        self.selection = None;
        self.highlight.clear();
        self.explained = None;
        self.pending_link = None;
        self.drafts = panels::Drafts::default();
        self.view.fit_requested = true;
        self.show_library = false;
    }

    /// Opens a save file; a failure leaves the open scenario untouched and explains why.
    pub fn open_path(&mut self, path: &Path) {
        match Document::open(path) {
            Ok(doc) => {
                self.replace_document(doc);
                self.remember(path);
                self.error = None;
            }
            Err(e) => {
                self.report(format!(
                    "Could not open the scenario; nothing was changed.\n{e}"
                ));
            }
        }
    }

    /// Reads files to import and shows them in the import preview (added to the files already
    /// there when the preview is open). Nothing else changes until the user presses Import.
    pub fn import_paths(&mut self, paths: &[PathBuf]) {
        let (sources, unreadable) = super::import::read_paths(paths);
        let files = sources
            .into_iter()
            .map(|s| (Some(PathBuf::from(&s.name)), s))
            .collect();
        self.show_import(files, unreadable);
    }

    fn show_import(
        &mut self,
        files: Vec<(Option<PathBuf>, crate::io::import::Source)>,
        unreadable: Vec<crate::io::import::ImportError>,
    ) {
        match &mut self.import {
            Some(dialog) => dialog.add(files, unreadable),
            None => {
                self.import = Some(super::import::ImportDialog::new(
                    files,
                    unreadable,
                    &self.egui_ctx,
                ));
                self.show_library = false;
            }
        }
    }

    /// Files dropped on the window: one save file (`.ron`) opens like File → Open; anything else
    /// goes to the import preview, as File → Import… would.
    fn dropped(&mut self, ctx: &egui::Context, dropped: Vec<egui::DroppedFileHandle>) {
        if let [file] = dropped.as_slice()
            && file.path().extension().is_some_and(|e| e == "ron")
        {
            self.guard(Discard::OpenPath(file.path().to_owned()), ctx);
            return;
        }
        let mut files = Vec::new();
        let mut unreadable = Vec::new();
        for file in dropped {
            let path = file.path().to_owned();
            let name = path.display().to_string();
            // A dropped file with a path is read like any file (size-limited, never a FIFO or a
            // device); only one without (a browser's) goes through the handle.
            if !path.as_os_str().is_empty() {
                match crate::io::import::Source::read(&path) {
                    Ok(source) => files.push((Some(path), source)),
                    Err(e) => unreadable.push(e),
                }
                continue;
            }
            match file.bytes() {
                Ok(bytes) => files.push((Some(path), crate::io::import::Source { name, bytes })),
                Err(message) => unreadable.push(crate::io::import::ImportError {
                    file: name,
                    line: None,
                    col: None,
                    message: format!("cannot read the dropped file: {message}"),
                }),
            }
        }
        self.show_import(files, unreadable);
        ctx.request_repaint();
    }

    /// The import preview, while it is open.
    pub fn import_dialog(&self) -> Option<&super::import::ImportDialog> {
        self.import.as_ref()
    }

    /// The import preview's form, for tests that fill it without typing.
    pub fn import_dialog_mut(&mut self) -> Option<&mut super::import::ImportDialog> {
        self.import.as_mut()
    }

    /// Opens a built-in scenario (as a new, unsaved document).
    pub fn open_builtin(&mut self, slug: &str) {
        match crate::scenarios::builtin(slug).map(|b| b.load()) {
            Some(Ok(s)) => {
                self.replace_document(Document::new(s));
                self.error = None;
            }
            Some(Err(e)) => self.report(format!("The built-in scenario could not be loaded: {e}")),
            None => self.report(format!("There is no built-in scenario `{slug}`.")),
        }
    }

    /// Exports the open scenario as checked now (what File → Export does once the dialog answers).
    pub fn export_to(&mut self, path: &Path, format: crate::export::ExportFormat) {
        let path = if path.extension().is_none() {
            path.with_extension(format.extension())
        } else {
            path.to_owned()
        };
        let options = Self::export_options();
        match crate::export::export_to_file(self.doc.scenario(), format, &options, &path) {
            Ok(()) => self.notice = Some(format!("Exported {}", path.display())),
            Err(e) => self.report(format!("The export failed; no file was written. {e}")),
        }
    }

    /// Saves to `path` (what Save As does once the dialog answers), on the worker thread.
    pub fn save_as(&mut self, path: &Path) {
        self.save_to(path);
    }

    /// Saves a snapshot of the open scenario to `path` on the worker thread, with a progress bar
    /// and Cancel (until the file is being replaced: a cancelled save leaves the file as it was).
    /// Taking the snapshot copies nothing (the scenario is shared, see
    /// [`Document::shared_scenario`]); editing goes on meanwhile, and the document counts as saved
    /// only if it still is what was written. What waits for the save (`after_save`: a close, an
    /// open) goes on when it lands, see [`ExplorerApp::poll_jobs`].
    fn save_to(&mut self, path: &Path) {
        let scenario = self.doc.shared_scenario();
        let changes = self.doc.changes();
        let document = self.doc.id();
        let path = path.to_owned();
        let title = format!("Saving {}", file_name(&path));
        let ctx = self.egui_ctx.clone();
        let started = self.start_job(&ctx, title, move |progress| {
            crate::io::save::save_with(&scenario, &path, progress)
                .map(|()| Outcome::Saved {
                    document,
                    changes,
                    stamp: crate::io::save::FileStamp::of(&path),
                    path,
                })
                .map_err(|e| format!("The scenario was not saved (your work is still open): {e}"))
        });
        if started {
            self.saving = true;
        } else {
            self.after_save = None;
        }
    }

    /// A save finished: the document it was made from records it (whichever it is now: a what-if
    /// may have made it the base meanwhile), then what waited for it goes on if the work is safe,
    /// or asks again if the document changed during the save.
    fn saved(
        &mut self,
        ctx: &egui::Context,
        document: u64,
        path: &Path,
        stamp: Option<crate::io::save::FileStamp>,
        changes: u64,
    ) {
        let doc = if self.doc.id() == document {
            Some(&mut self.doc)
        } else {
            self.whatif
                .base
                .as_mut()
                .map(|b| &mut b.doc)
                .filter(|d| d.id() == document)
        };
        let changed_since = match doc {
            Some(doc) => {
                doc.saved(path, stamp, changes);
                doc.is_dirty()
            }
            None => false,
        };
        self.remember(path);
        self.notice = Some(if changed_since {
            // The file's name, not its path: the status bar must show the words that matter.
            format!(
                "Saved {} as it was when the save began; changed since (not saved yet)",
                file_name(path)
            )
        } else {
            format!("Saved {}", path.display())
        });
        if let Some(action) = self.after_save.take() {
            if self.doc.is_dirty() {
                // Edited while saving: the prompt asks again rather than losing the edits.
                self.discard = Some(action);
            } else {
                self.proceed(action, ctx);
            }
        }
    }

    /// Saves to the document's own file, unless someone changed that file on disk since it was
    /// opened or saved here: then the user is asked first (see [`panels::conflict_ui`]).
    fn save_in_place(&mut self, path: &Path) {
        if self.doc.changed_on_disk() {
            self.conflict = Some(path.to_owned());
        } else {
            self.save_to(path);
        }
    }

    /// The answer to "the file changed on disk": each choice, then what was waiting for the save
    /// (a close, an open) goes on only when the work is safe.
    fn resolve_conflict(
        &mut self,
        ctx: &egui::Context,
        path: &Path,
        answer: panels::ConflictAnswer,
    ) {
        match answer {
            // What waits for the save (after_save) goes on once it has landed.
            panels::ConflictAnswer::Overwrite => self.save_to(path),
            // after_save stays: it goes on once Save As has written the file.
            panels::ConflictAnswer::SaveAs => self.request_save_as(ctx),
            panels::ConflictAnswer::Reload => {
                self.after_save = None;
                match Document::open(path) {
                    Ok(doc) => {
                        self.replace_document(doc);
                        self.notice = Some(format!(
                            "Reloaded {} from disk; your changes were discarded.",
                            path.display()
                        ));
                    }
                    Err(e) => self.report(format!(
                        "The file could not be reloaded; your version is still open.\n{e}"
                    )),
                }
            }
            panels::ConflictAnswer::Cancel => self.after_save = None,
        }
    }

    fn request_save_as(&mut self, ctx: &egui::Context) {
        let folder = self
            .doc
            .path
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_owned))
            .unwrap_or_else(default_folder);
        let name = slug_of(&self.doc.scenario().meta.title);
        self.dialogs
            .request(DialogPurpose::SaveAs, &folder, &format!("{name}.ron"), ctx);
    }

    fn remember(&mut self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_owned());
        self.persisted.recent.retain(|p| *p != path);
        self.persisted.recent.insert(0, path);
        self.persisted.recent.truncate(MAX_RECENT);
    }

    /// The parties the canvas keeps bright: the role lens's, or in presenter mode the spotlight on
    /// the lit path or the selection and its neighbours.
    fn focus(&mut self) -> Option<BTreeSet<PartyId>> {
        if let Some(lens) = self.whatif.lens.as_mut()
            && !self.training.hides_findings()
        {
            return lens.current(&self.doc).map(|l| l.visible.clone());
        }
        if !self.presenter {
            return None;
        }
        if !self.highlight.is_empty() {
            return Some(self.highlight.iter().cloned().collect());
        }
        let s = self.doc.scenario();
        match &self.selection {
            Some(Selection::Link(id)) => {
                s.link(id.as_str()).map(|l| l.parties().cloned().collect())
            }
            Some(Selection::Party(id)) => {
                let mut near: BTreeSet<PartyId> = s
                    .links()
                    .filter(|l| l.parties().any(|p| p == id))
                    .flat_map(|l| l.parties().cloned().collect::<Vec<_>>())
                    .collect();
                near.insert(id.clone());
                Some(near)
            }
            None => None,
        }
    }

    /// The canvas, or base and what-if side by side; returns what the editable canvas asks for.
    fn canvases(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let light = self.persisted.theme.is_light();
        let focus = self.focus();
        let marking = self.training.marking();
        let hide_findings = self.training.hides_findings();
        let mode = self.whatif.mode;
        let (base, comparison, base_view) = self.whatif.parts(&self.doc, ui.ctx());
        let side_by_side = base.is_some() && mode == CompareMode::SideBySide;
        let (diff, ghosts) = match comparison {
            Some((d, g)) if mode == CompareMode::Overlay => (Some(d), g),
            Some((d, _)) if mode == CompareMode::SideBySide => (Some(d), &[][..]),
            _ => (None, &[][..]),
        };
        let overlay = Overlay {
            hide_findings,
            marks: Some(&self.training.marks),
            quiz: self.training.run.as_ref().and_then(|r| r.quiz.as_ref()),
            focus: focus.as_ref(),
            diff,
            ghosts,
            read_only: false,
            no_tooltips: self.pending_link.is_some(),
        };
        let mut out = Vec::new();
        let view = &mut self.view;
        let (doc, selection, highlight, tool) = (
            &self.doc,
            self.selection.as_ref(),
            &self.highlight,
            self.tool,
        );
        let canvas = if side_by_side {
            let mut result = Vec::new();
            ui.columns(2, |columns| {
                if let Some(base) = base {
                    columns[0].add(
                        egui::Label::new(
                            egui::RichText::new(format!("Base: {}", base.doc.display_name()))
                                .strong(),
                        )
                        .truncate(),
                    );
                    let _ = canvas_ui(
                        &mut columns[0],
                        &base.doc,
                        base_view,
                        None,
                        &[],
                        Tool::Select,
                        light,
                        &Overlay {
                            read_only: true,
                            hide_findings,
                            ..Overlay::default()
                        },
                    );
                }
                columns[1].label(egui::RichText::new("What-if").strong());
                result = canvas_ui(
                    &mut columns[1],
                    doc,
                    view,
                    selection,
                    highlight,
                    tool,
                    light,
                    &overlay,
                );
            });
            result
        } else {
            canvas_ui(ui, doc, view, selection, highlight, tool, light, &overlay)
        };
        for c in canvas {
            match c {
                CanvasCommand::Select(selection) => {
                    if marking && let Some(Selection::Link(id)) = &selection {
                        out.push(Command::Training(TrainingCommand::ToggleMark(
                            id.to_string(),
                        )));
                    }
                    out.push(Command::Select(selection, Vec::new()))
                }
                CanvasCommand::MoveParty(id, position) => {
                    out.push(Command::Edit(Edit::MoveParty(id, Some(position))))
                }
                CanvasCommand::Connect { from, to, at } => self.begin_link(from, to, at),
            }
        }
        // The verdict a connect drag asked for, tried on the document itself: shown next frame.
        if self.view.settle_verdict(&mut self.doc) {
            ui.ctx().request_repaint();
        }
        out
    }

    fn shortcuts(&mut self, ctx: &egui::Context) -> Vec<Command> {
        use egui::{Key, KeyboardShortcut, Modifiers};
        let mut out = Vec::new();
        let typing = ctx.egui_wants_keyboard_input();
        ctx.input_mut(|i| {
            let cmd = |key| KeyboardShortcut::new(Modifiers::COMMAND, key);
            let cmd_shift = |key| KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, key);
            if i.consume_shortcut(&cmd_shift(Key::Z)) || i.consume_shortcut(&cmd(Key::Y)) {
                out.push(Command::Redo);
            }
            if i.consume_shortcut(&cmd(Key::Z)) {
                out.push(Command::Undo);
            }
            if i.consume_shortcut(&cmd_shift(Key::S)) {
                out.push(Command::SaveAs);
            }
            if i.consume_shortcut(&cmd(Key::S)) {
                out.push(Command::Save);
            }
            if i.consume_shortcut(&cmd(Key::O)) {
                out.push(Command::Open);
            }
            if i.consume_shortcut(&cmd(Key::N)) {
                out.push(Command::New);
            }
            if i.consume_shortcut(&cmd(Key::F)) {
                out.push(Command::Find);
            }
            if !typing {
                if i.key_pressed(Key::Delete) || i.key_pressed(Key::Backspace) {
                    out.push(Command::DeleteSelection);
                }
                if i.key_pressed(Key::F) {
                    out.push(Command::Fit);
                }
                if i.key_pressed(Key::C) {
                    self.tool = if self.tool == Tool::Connect {
                        Tool::Select
                    } else {
                        Tool::Connect
                    };
                }
                if i.key_pressed(Key::Escape) {
                    self.pending_link = None;
                    self.tool = Tool::Select;
                    if self.presenter {
                        out.push(Command::Presenter(false));
                    }
                }
                if self.presenter {
                    if i.key_pressed(Key::ArrowRight)
                        || i.key_pressed(Key::PageDown)
                        || i.key_pressed(Key::Space)
                    {
                        out.push(Command::Training(TrainingCommand::StepNext));
                    }
                    if i.key_pressed(Key::ArrowLeft) || i.key_pressed(Key::PageUp) {
                        out.push(Command::Training(TrainingCommand::StepPrevious));
                    }
                    if i.key_pressed(Key::H) && self.training.run.is_some() {
                        out.push(Command::Training(TrainingCommand::Hint));
                    }
                }
            }
            if i.key_pressed(Key::F1) {
                self.show_help = !self.show_help;
            }
            if i.key_pressed(Key::F5) {
                out.push(Command::Presenter(!self.presenter));
            }
        });
        out
    }

    fn poll_dialogs(&mut self, ctx: &egui::Context) {
        match self.dialogs.poll_files() {
            Some((DialogPurpose::Import, paths)) if !paths.is_empty() => {
                self.import_paths(&paths);
                ctx.request_repaint();
            }
            Some((purpose, paths)) if !paths.is_empty() => {
                let path = paths.into_iter().next().unwrap_or_default();
                self.answer_dialog(ctx, purpose, path);
            }
            // A cancelled Save As cancels what was waiting for it.
            Some((DialogPurpose::SaveAs, _)) => self.after_save = None,
            _ => {}
        }
        if let Some(failure) = self.dialogs.take_failure() {
            self.report(
                "The file dialog could not be shown (this desktop has no file-dialog portal or \
                 zenity): type the path below instead."
                    .to_owned(),
            );
            self.path_prompt = Some(panels::PathPrompt::new(failure));
            ctx.request_repaint();
        }
    }

    /// Does what a file dialog was asked for with the path the user chose.
    fn answer_dialog(&mut self, ctx: &egui::Context, purpose: DialogPurpose, path: PathBuf) {
        {
            match purpose {
                DialogPurpose::Open => self.open_in_background(ctx, path),
                DialogPurpose::SaveAs => {
                    let path = if path.extension().is_none() {
                        path.with_extension("ron")
                    } else {
                        path
                    };
                    // What waits for the save (after_save) goes on once it has landed.
                    self.save_to(&path);
                }
                DialogPurpose::Export(format) => {
                    self.export_in_background(ctx, &path, format, None);
                }
                DialogPurpose::ExportVisible => self.export_visible_in_background(ctx, &path),
                DialogPurpose::OpenLesson => self.open_lesson_file(&path, ctx),
                DialogPurpose::CompareWith => self.compare_in_background(ctx, path),
                // The in-window path field of an import holds one path a line.
                DialogPurpose::Import => {
                    let paths: Vec<PathBuf> = path
                        .to_string_lossy()
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(PathBuf::from)
                        .collect();
                    self.import_paths(&paths);
                }
            }
            ctx.request_repaint();
        }
    }
}

/// Crash recovery and preferences (see [`super::recovery`]).
impl ExplorerApp {
    /// Crashed sessions' work still offered in this session, newest first.
    pub fn recovery_offers(&self) -> &[recovery::Orphan] {
        &self.offers
    }

    /// The preferences (theme, recent files, best scores).
    pub fn preferences(&self) -> &Persisted {
        &self.persisted
    }

    /// The state folder's session, when the app keeps files (not in most tests).
    pub fn state_dir(&self) -> Option<&recovery::StateDir> {
        self.state.as_ref()
    }

    fn recovery_key(&self) -> RecoveryKey {
        (
            (self.doc.id(), self.doc.changes()),
            self.doc.path.clone(),
            self.doc.is_dirty(),
            self.whatif
                .base
                .as_ref()
                .map(|b| ((b.doc.id(), b.doc.changes()), b.doc.is_dirty())),
        )
    }

    /// What the recovery file is written from, taken without copying the scenario.
    fn recovery_snapshot(&self) -> recovery::Snapshot {
        recovery::Snapshot {
            saved_at: chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string(),
            // The file's name and the scenario's title, as the user knows the work.
            title: match (&self.whatif.base, &self.doc.path) {
                (Some(base), _) if base.fork => format!(
                    "A what-if of {} ({})",
                    base.doc.display_name(),
                    self.doc.scenario().meta.title
                ),
                (_, Some(_)) => format!(
                    "{} ({})",
                    self.doc.display_name(),
                    self.doc.scenario().meta.title
                ),
                _ => self.doc.display_name(),
            },
            doc: recovery::DocSnapshot::of(&self.doc),
            base: self
                .whatif
                .base
                .as_ref()
                .map(|b| (b.fork, recovery::DocSnapshot::of(&b.doc))),
        }
    }

    /// Hands the writer thread everything on screen that a crash would lose: the document (every
    /// party's drawn position, its file, unsaved state, title) and the what-if base. Returns at
    /// once; the window learns the outcome in a later frame ([`ExplorerApp::recovery_results`]).
    fn send_recovery(&mut self) {
        let key = self.recovery_key();
        let Some(state) = &self.state else {
            return;
        };
        match state.target() {
            Ok(target) => {
                let snapshot = Box::new(self.recovery_snapshot());
                self.autosaver
                    .submit(recovery::Task::Write(target, snapshot));
            }
            Err(e) => self.recovery_failed(&e.to_string()),
        }
        self.recovery_written = Some((key, std::time::Instant::now()));
        self.removal_sent = false;
    }

    /// Writes the recovery file now and waits for it: what the autosave does, without waiting for
    /// the delay (and the same code path: the writer thread).
    pub fn write_recovery(&mut self) {
        self.send_recovery();
        self.autosaver.flush();
        self.recovery_results();
    }

    /// True while the import preview is being computed (tests wait for it).
    pub fn is_previewing_import(&self) -> bool {
        self.import
            .as_ref()
            .is_some_and(super::import::ImportDialog::is_previewing)
    }

    /// True while a what-if comparison is being computed (tests wait for it).
    pub fn is_comparing(&self) -> bool {
        self.whatif.is_comparing()
    }

    /// True while the recovery writer has work (tests wait for it).
    pub fn is_writing_recovery(&self) -> bool {
        self.autosaver.is_busy()
    }

    /// Reads what the writer thread has done.
    fn recovery_results(&mut self) {
        for done in self.autosaver.finished() {
            match done {
                recovery::Done::Written => {
                    if let Some(state) = self.state.as_mut() {
                        state.set_written(true);
                    }
                    self.recovery_failing = false;
                    self.protected_since = Some(std::time::Instant::now());
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
            self.report(format!(
                "Unsaved work cannot be kept for crash recovery ({e}). Save your work to a file."
            ));
            // Learnt after the window was drawn: draw the banner now, not at the next input.
            self.egui_ctx.request_repaint();
        }
    }

    /// Before an edit: a recovery write in progress is out of date once the edit is made, and
    /// while it holds the scenario the edit would have to copy it (seconds at 300,000 parties), so
    /// it is cancelled and the edit waits a moment for the writer to let go. Not when unsaved work
    /// has gone unprotected too long (see [`UNPROTECTED_AT_MOST`]): then the write finishes.
    fn before_edit(&mut self) {
        if self
            .protected_since
            .is_some_and(|since| since.elapsed() < UNPROTECTED_AT_MOST)
            && self.doc.is_shared()
        {
            self.autosaver.let_go(LET_GO_PATIENCE);
        }
    }

    /// Brings the recovery file up to date after a frame: removed when nothing is unsaved, written
    /// when the work changed (at once after a pause, then at most every [`RECOVERY_DELAY`]).
    fn keep_recovery(&mut self, ctx: &egui::Context) {
        if self.state.is_none() {
            return;
        }
        self.recovery_results();
        if !self.has_unsaved_work() {
            self.protected_since = None;
            self.keep_recovery_now(false);
            return;
        }
        self.protected_since
            .get_or_insert_with(std::time::Instant::now);
        let key = self.recovery_key();
        match &self.recovery_written {
            Some((k, _)) if *k == key => {}
            Some((_, at)) if at.elapsed() < RECOVERY_DELAY => {
                // An idle window draws no frames: ask for the one that writes it.
                ctx.request_repaint_after(RECOVERY_DELAY.saturating_sub(at.elapsed()));
            }
            _ => self.send_recovery(),
        }
    }

    /// The recovery file as it must be now, without waiting for the delay: written if the work
    /// changed since, removed if nothing is unsaved or `discarded` (the user chose not to save at
    /// close). The writer thread does it; at exit the window waits for it (see `on_exit`).
    fn keep_recovery_now(&mut self, discarded: bool) {
        let unsaved = self.has_unsaved_work() && !discarded;
        let current = self
            .recovery_written
            .as_ref()
            .is_some_and(|(k, _)| *k == self.recovery_key());
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
            self.send_recovery();
        }
    }

    /// Opens the lesson the window was closed in, where it was left (see [`SavedLesson`]). One that
    /// cannot be picked up (its file gone, the file garbled) is explained once and forgotten.
    fn resume_lesson(&mut self) {
        let Some(state) = &self.state else { return };
        let path = state.lesson_file();
        let source = path.display().to_string();
        let resumed = state.read_lesson().and_then(|text| {
            text.map(|text| {
                let saved = SavedLesson::parse(&text, &source)?;
                let (run, doc) = saved.resume(&source)?;
                Ok((saved, run, doc))
            })
            .transpose()
        });
        match resumed {
            Ok(None) => {}
            Ok(Some((saved, run, doc))) => {
                self.replace_document(doc);
                let title = run.lesson().title.clone();
                let (reached, steps) = (
                    saved.attempt.reached.iter().filter(|r| **r).count(),
                    run.lesson().steps.len(),
                );
                self.training.resume(run, saved.marks);
                self.show_library = false;
                self.notice = Some(format!(
                    "Back in the lesson “{title}” where you left it ({reached} of {steps} {} done).",
                    if steps == 1 { "step" } else { "steps" }
                ));
            }
            Err(e) => {
                log::warn!("the lesson in progress was not resumed: {e}");
                self.report(format!(
                    "The lesson you were in when the window closed could not be picked up again: {e}"
                ));
                if let Some(state) = &self.state {
                    state.remove_lesson();
                }
            }
        }
    }

    /// Keeps the lesson file current with the lesson in the window: written after a change (at
    /// most once a second, or at once when `now`), removed when no lesson runs. A lesson's scenario
    /// is small (lessons are at most a few hundred parties), so the write happens here.
    fn keep_lesson(&mut self, ctx: &egui::Context, now: bool) {
        let Some(state) = &self.state else { return };
        let Some(key) = SavedLesson::key(&self.training, &self.doc) else {
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
        let text = SavedLesson::of(&self.training, &self.doc)
            .expect("a key means a lesson to keep")
            .map_err(|e| e.to_string())
            .and_then(|saved| saved.to_text().map_err(|e| e.to_string()));
        match text.map(|text| state.write_lesson(&text).map_err(|e| e.to_string())) {
            Ok(Ok(())) => {}
            Ok(Err(e)) | Err(e) => log::warn!("the lesson's progress was not kept: {e}"),
        }
        self.lesson_kept = true;
        self.lesson_written = Some((key, std::time::Instant::now()));
    }

    /// Writes the preferences to the state folder when they changed.
    fn keep_preferences(&mut self) {
        let Some(state) = &self.state else {
            return;
        };
        if self.prefs_written.as_ref() == Some(&self.persisted) {
            return;
        }
        if let Err(e) = state.save_preferences(&self.persisted) {
            log::warn!("preferences not written: {e}");
        }
        self.prefs_written = Some(self.persisted.clone());
    }

    /// Opens a crashed session's work as it was on screen; this session's recovery file holds it
    /// before the crashed session's file is deleted, so a second crash loses nothing either.
    fn restore(&mut self, orphan: &recovery::Orphan) {
        let source = orphan.path.display().to_string();
        let restored = orphan.recovery.clone().and_then(|r| {
            let doc = r.doc.restore(&source).map_err(|e| e.to_string())?;
            let base = match &r.base {
                Some(b) => Some(Base {
                    doc: b.doc.restore(&source).map_err(|e| e.to_string())?,
                    fork: b.fork,
                }),
                None => None,
            };
            Ok((r.saved_at, doc, base))
        });
        match restored {
            Ok((saved_at, doc, base)) => {
                self.replace_document(doc);
                self.whatif.base = base;
                self.whatif.reset();
                self.recovery_written = None;
                if self.has_unsaved_work() {
                    // Its file goes once this session's holds the work (recovery_results).
                    self.takeover = Some(orphan.clone());
                    self.keep_recovery_now(false);
                } else if let Some(state) = &self.state
                    && let Err(e) = state.discard(orphan)
                {
                    log::warn!("{source}: restored but not deleted: {e}");
                }
                self.notice = Some(format!("Restored the unsaved work kept at {saved_at}."));
            }
            Err(e) => self.report(format!(
                "The unsaved work could not be restored; its file is kept ({source}).\n{e}"
            )),
        }
    }
}

/// Long work on the worker thread ([`Jobs`]): each starts a job, and [`ExplorerApp::poll_jobs`]
/// applies what it brings back, so a failed or cancelled job changes nothing that is open.
impl ExplorerApp {
    /// Whether long work runs on the worker thread (its progress window is up).
    pub fn is_busy(&self) -> bool {
        self.jobs.is_running()
    }

    /// Cancels the running job, as its progress window's Cancel does: whatever it would have
    /// brought back is dropped, so nothing that is open changes.
    pub fn cancel_job(&mut self) {
        if let Some(title) = self.jobs.cancel() {
            self.notice = Some(format!("Cancelled: {title}; nothing was changed"));
            if std::mem::take(&mut self.saving) {
                self.after_save = None;
            }
        }
    }

    /// The running job's title, fraction done and stage.
    pub fn job_status(&self) -> Option<(&str, f32, String)> {
        self.jobs.status()
    }

    /// Starts `work` on the worker thread under `title`, with a progress bar and Cancel in the
    /// window; what it returns is applied when it finishes. Refused, with a message, while another
    /// job runs.
    pub fn start_job(
        &mut self,
        ctx: &egui::Context,
        title: impl Into<String>,
        work: impl FnOnce(&Progress) -> Result<Outcome, String> + Send + 'static,
    ) -> bool {
        match self.jobs.start(title, ctx, work) {
            Ok(()) => true,
            Err(busy) => {
                self.report(format!(
                    "“{busy}” is still running: wait for it to finish or cancel it first."
                ));
                false
            }
        }
    }

    /// Opens a save file (RON or `.cspx`) on the worker thread; the open scenario stays until the
    /// new one is read, checked and laid out, and stays for good if that fails or is cancelled.
    pub fn open_in_background(&mut self, ctx: &egui::Context, path: PathBuf) {
        let title = format!("Opening {}", file_name(&path));
        self.start_job(ctx, title, move |progress| {
            Document::open_with(&path, progress)
                .map(|doc| Outcome::Open(Box::new(doc)))
                .map_err(|e| format!("Could not open the scenario; nothing was changed.\n{e}"))
        });
    }

    /// Runs an import (or any other way of making a scenario) on the worker thread, then opens its
    /// channel as a new, unsaved document. The work reports to its [`Progress`] and returns the
    /// scenario or a message saying what is wrong; on error or Cancel the open document stays.
    /// Ask about unsaved changes before calling it.
    pub fn import_in_background(
        &mut self,
        ctx: &egui::Context,
        title: impl Into<String>,
        work: impl FnOnce(&Progress) -> Result<Scenario, String> + Send + 'static,
    ) -> bool {
        self.start_job(ctx, title, move |progress| {
            let scenario = work(&progress.part(0.0, 0.6, "Importing"))?;
            let mut doc =
                Document::new_with(scenario, &progress.part(0.6, 1.0, "Checking the rules"))
                    // Only a cancelled job stops here, and its answer is dropped unseen.
                    .ok_or_else(|| "cancelled".to_owned())?;
            // Nothing of it is on disk yet: Save asks for a name, closing the window asks, and
            // the autosave keeps it.
            doc.mark_unsaved();
            Ok(Outcome::Imported(Box::new(doc)))
        })
    }

    /// Opens a saved scenario to compare the open one with, on the worker thread.
    pub fn compare_in_background(&mut self, ctx: &egui::Context, path: PathBuf) {
        let title = format!("Opening {} to compare", file_name(&path));
        self.start_job(ctx, title, move |progress| {
            Document::open_with(&path, progress)
                .map(|doc| Outcome::CompareWith(Box::new(doc)))
                .map_err(|e| format!("Could not open the scenario to compare with: {e}"))
        });
    }

    /// Exports the open scenario on the worker thread (a copy of it: editing goes on meanwhile).
    pub fn export_in_background(
        &mut self,
        ctx: &egui::Context,
        path: &Path,
        format: crate::export::ExportFormat,
        area: Option<crate::export::Area>,
    ) {
        let path = if path.extension().is_none() {
            path.with_extension(format.extension())
        } else {
            path.to_owned()
        };
        let drawn = area.map(|area| {
            std::sync::Arc::new(crate::export::Drawn {
                // Only the parties in view: a copy of every position costs tens of milliseconds
                // at 300,000 parties, and the export reads no others.
                positions: self
                    .doc
                    .positions()
                    .iter()
                    .filter(|(_, p)| area.contains(**p))
                    .map(|(id, p)| (id.clone(), *p))
                    .collect(),
                checker: self.doc.checker().clone(),
            })
        });
        // Shared, not copied: a copy took 2.6 s at 300,000 parties on the UI thread.
        let scenario = self.doc.shared_scenario();
        let title = format!("Exporting {}", file_name(&path));
        self.start_job(ctx, title, move |progress| {
            let options = crate::export::ExportOptions {
                area,
                drawn,
                ..Self::export_options()
            };
            crate::export::export_to_file_with(&scenario, format, &options, &path, progress)
                .map(|()| Outcome::Exported(path))
                .map_err(|e| format!("The export failed; no file was written. {e}"))
        });
    }

    /// What an export is named by default: the open file's name (`c300k` for `c300k.cspx`), or,
    /// for a document without a file, its title made into a file name. (The title of a generated
    /// channel is a sentence: "generated-channel-8-providers-30000-resellers-…-part.svg".)
    pub fn export_stem(&self) -> String {
        self.doc
            .path
            .as_deref()
            .and_then(Path::file_stem)
            .and_then(|stem| stem.to_str())
            .filter(|stem| !stem.trim().is_empty())
            .map_or_else(|| slug_of(&self.doc.scenario().meta.title), str::to_owned)
    }

    /// Exports the part of the canvas in view as SVG: the parties where the canvas draws them, with
    /// the findings the window keeps (nothing laid out or checked again).
    pub fn export_visible_in_background(&mut self, ctx: &egui::Context, path: &Path) {
        let area = self.visible_area();
        self.export_in_background(ctx, path, crate::export::ExportFormat::Svg, area);
    }

    /// Computes new positions on the worker thread from the shared channel and where it is drawn
    /// now; they are applied as one undoable step.
    fn layout_in_background(
        &mut self,
        ctx: &egui::Context,
        title: &str,
        place: impl FnOnce(&Scenario, &BTreeMap<PartyId, Position>) -> BTreeMap<PartyId, Position>
        + Send
        + 'static,
    ) {
        // Shared, not copied (a copy took 2.6 s on the UI thread at 300,000 parties).
        let scenario = self.doc.shared_scenario();
        let drawn = self.doc.positions().clone();
        let revision = self.doc.revision();
        self.start_job(ctx, title, move |progress| {
            progress.part(0.0, 1.0, "Placing the parties");
            let positions = place(&scenario, &drawn);
            Ok(Outcome::Placed {
                revision,
                positions,
            })
        });
    }

    /// Applies the finished job's outcome, or explains its failure.
    fn poll_jobs(&mut self, ctx: &egui::Context) {
        let Some((title, result)) = self.jobs.poll() else {
            return;
        };
        ctx.request_repaint();
        let was_saving = std::mem::take(&mut self.saving);
        let outcome = match result {
            Ok(outcome) => outcome,
            Err(message) => {
                if was_saving {
                    // What waited for the save (a close, an open) waits no more: the work is
                    // still unsaved, and the error says why.
                    self.after_save = None;
                }
                self.report(message);
                return;
            }
        };
        match outcome {
            Outcome::Saved {
                document,
                path,
                stamp,
                changes,
            } => self.saved(ctx, document, &path, stamp, changes),
            Outcome::Open(doc) => {
                let path = doc.path.clone();
                self.replace_document(*doc);
                if let Some(path) = path {
                    self.remember(&path);
                }
                self.error = None;
            }
            Outcome::Imported(doc) => {
                let s = doc.scenario();
                let (parties, links) = (s.party_count(), s.link_count());
                self.replace_document(*doc);
                self.import = None;
                self.notice = Some(format!(
                    "Imported {} and {}: not saved yet (Ctrl+S)",
                    crate::text::count(parties, "party", "parties"),
                    crate::text::count(links, "link", "links"),
                ));
            }
            Outcome::CompareWith(doc) => {
                self.whatif.base = Some(Base {
                    doc: *doc,
                    fork: false,
                });
                self.whatif.reset();
            }
            Outcome::Exported(path) => self.notice = Some(format!("Exported {}", path.display())),
            Outcome::Placed {
                revision,
                positions,
            } => {
                if revision != self.doc.revision() {
                    self.report(format!(
                        "{title}: the channel changed while the layout was computed, so it was not \
                         applied; run it again."
                    ));
                    return;
                }
                let moves = positions
                    .into_iter()
                    .map(|(id, p)| Edit::MoveParty(id, Some(p)))
                    .collect();
                self.apply(Edit::Batch(moves));
                self.view.fit_requested = true;
            }
        }
    }

    /// The part of the canvas in view, in canvas coordinates (`None` before the canvas is drawn).
    pub fn visible_area(&self) -> Option<crate::export::Area> {
        let rect = self.view.rect;
        if !rect.is_positive() {
            return None;
        }
        Some(crate::export::Area {
            min: self.view.to_canvas(rect.min),
            max: self.view.to_canvas(rect.max),
        })
    }

    /// The options the window exports with: 2× PNGs, and CSV for Excel (people open it there, and
    /// it needs the byte order mark).
    fn export_options() -> crate::export::ExportOptions {
        crate::export::ExportOptions {
            scale: 2.0,
            excel: true,
            ..Default::default()
        }
    }
}

/// A path's file name for a job's title.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// A file name made from a title: lower-case letters and digits joined by single hyphens.
/// Apostrophes are dropped rather than made into a hyphen, so "Contoso's channel" gives
/// `contosos-channel` and not `contoso-s-channel`.
fn slug_of(title: &str) -> String {
    let slug: String = title
        .chars()
        .filter(|c| !matches!(c, '\'' | '\u{2019}' | '\u{2018}'))
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if slug.is_empty() {
        "scenario".to_owned()
    } else {
        slug
    }
}

impl eframe::App for ExplorerApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.poll_dialogs(&ctx);
        self.poll_jobs(&ctx);
        let mut commands = self.shortcuts(&ctx);
        let zoom = ctx.zoom_factor();
        if (zoom - self.last_zoom).abs() > f32::EPSILON {
            self.last_zoom = zoom;
            self.refit_frames = 3;
        }
        if self.refit_frames > 0 {
            self.refit_frames -= 1;
            self.view.fit_requested = true;
            ctx.request_repaint();
        }

        if ctx.input(|i| i.viewport().close_requested())
            && self.has_unsaved_work()
            && !self.close_confirmed
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            if self.saving {
                // Closing while a save runs: close once it has landed, or ask if it leaves work
                // unsaved.
                self.after_save = Some(Discard::Close);
                self.notice = Some("Closing once the save is done…".to_owned());
            } else {
                self.discard = Some(Discard::Close);
            }
        }
        let name = match &self.whatif.base {
            Some(base) if base.fork => format!("What-if of {}", base.doc.display_name()),
            _ => self.doc.display_name(),
        };
        let title = format!(
            "{}{name} — csp-explorer",
            if self.doc.is_dirty() { "● " } else { "" },
        );
        // A viewport command asks for another frame: send the title only when it changes, or the
        // idle window would repaint forever.
        if self.window_title != title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.window_title = title;
        }

        // Lesson progress follows every change; a first success is scored and remembered.
        if let Some(score) = self.training.refresh(&self.doc, self.selection.as_ref())
            && let Some(run) = &self.training.run
            && run.loaded.key != super::training::QUIZ_KEY
        {
            let best = self
                .persisted
                .scores
                .entry(run.loaded.key.clone())
                .or_insert(0);
            *best = (*best).max(score);
        }
        let hide_findings = self.training.hides_findings();

        egui::Panel::top("menu").show(ui, |ui| {
            let mut menu = panels::MenuState {
                presenter: self.presenter,
                comparing: self.whatif.base.is_some(),
            };
            commands.extend(panels::menu_ui(
                ui,
                &self.doc,
                &self.persisted.recent,
                self.persisted.theme,
                &mut self.show_help,
                &mut self.show_library,
                &mut menu,
            ));
            if !self.presenter {
                commands.extend(panels::toolbar_ui(
                    ui,
                    &self.doc,
                    &mut self.tool,
                    &mut self.search,
                ));
            }
        });
        if !self.presenter {
            egui::Panel::bottom("status").show(ui, |ui| {
                panels::status_ui(ui, &self.doc, self.notice.as_deref(), hide_findings)
            });
        }
        if self.presenter {
            egui::Panel::bottom("presenter").show(ui, |ui| {
                ui.add_space(4.0);
                commands.extend(
                    super::training::presenter_card_ui(ui, &self.training)
                        .into_iter()
                        .map(Command::Training),
                );
                if self.training.run.is_none()
                    && let Some(f) = &self.explained
                {
                    let info = f.info();
                    ui.label(
                        egui::RichText::new(format!(
                            "{} {}: {}",
                            super::style::severity_symbol(f.severity),
                            info.title,
                            f.message
                        ))
                        .size(22.0)
                        .color(super::style::severity_text(ui, f.severity)),
                    );
                    ui.label(egui::RichText::new(format!("Why: {}", info.why)).size(18.0));
                    ui.label(egui::RichText::new(format!("Fix: {}", info.fix)).size(18.0));
                }
                ui.add_space(4.0);
            });
        }
        if !self.presenter && self.training.run.is_some() {
            egui::Panel::left("lesson")
                .default_size(340.0)
                .size_range(240.0..=520.0)
                .resizable(true)
                .show(ui, |ui| {
                    // The panel keeps the width the user gave it whatever is selected: wide
                    // content scrolls instead of widening the panel (and moving the canvas).
                    egui::ScrollArea::both()
                        .auto_shrink([false, false])
                        .show(ui, |ui| {
                            commands.extend(
                                super::training::lesson_ui(ui, &self.training, &self.doc)
                                    .into_iter()
                                    .map(Command::Training),
                            );
                        });
                });
        }
        if !self.presenter {
            egui::Panel::right("side")
                .default_size(400.0)
                .size_range(280.0..=560.0)
                .resizable(true)
                .show(ui, |ui| {
                    // The panel keeps the width the user gave it whatever is selected: wide
                    // content scrolls instead of widening the panel (and moving the canvas). The
                    // inspector and explanation scroll in the upper part; the findings keep their
                    // filters in place in the lower part, above a list of their own.
                    let upper = if hide_findings {
                        ui.available_height()
                    } else {
                        (ui.available_height() * 0.55).max(220.0)
                    };
                    egui::ScrollArea::both()
                        .id_salt("side-upper")
                        .auto_shrink([false, false])
                        .max_height(upper)
                        .show(ui, |ui| {
                            if self.whatif.base.is_some() {
                                commands.extend(
                                    super::whatif::compare_ui(
                                        ui,
                                        &mut self.whatif,
                                        &self.doc,
                                        hide_findings,
                                    )
                                    .into_iter()
                                    .map(Command::WhatIf),
                                );
                                ui.separator();
                            }
                            // The explanation of the finding just clicked comes first.
                            if !hide_findings && self.explained.is_some() {
                                commands.extend(panels::explanation_ui(
                                    ui,
                                    &self.doc,
                                    self.explained.as_ref(),
                                ));
                                ui.separator();
                            }
                            commands.extend(panels::inspector_ui(
                                ui,
                                &self.doc,
                                self.selection.as_ref(),
                                &mut self.drafts,
                                hide_findings,
                            ));
                            if hide_findings {
                                ui.separator();
                                ui.heading("Findings");
                                ui.label("Hidden during the quiz: mark the links you think are broken, then check your answer.");
                            }
                        });
                    if !hide_findings {
                        ui.separator();
                        commands.extend(panels::findings_ui(
                            ui,
                            &self.doc,
                            &mut self.finding_filter,
                            self.explained.as_ref(),
                        ));
                    }
                });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if let Some(error) = self.error.clone() {
                egui::Frame::new()
                    .fill(egui::Color32::from_rgb(120, 20, 24))
                    .inner_margin(8.0)
                    .show(ui, |ui| {
                        ui.horizontal(|ui| {
                            ui.colored_label(egui::Color32::WHITE, error);
                            if ui.button("Dismiss").clicked() {
                                self.error = None;
                            }
                        });
                    });
            }
            let before = self.view.rect.size();
            commands.extend(self.canvases(ui));
            // In presenter mode the step card grows and shrinks with its text: keep the whole
            // channel in view for the room.
            if self.presenter && (self.view.rect.size() - before).length() > 1.0 {
                self.view.fit_requested = true;
                ctx.request_repaint();
            }
        });

        if let Some(kind) = panels::link_chooser_ui(&ctx, &self.doc, &mut self.pending_link) {
            self.finish_link(kind);
        }
        // The library waits while crashed work is offered: one question at a time.
        if self.show_library && self.offers.is_empty() {
            commands.extend(panels::library_ui(&ctx, &mut self.show_library));
        }
        if self.training.show_course {
            commands.extend(
                super::training::course_ui(
                    &ctx,
                    &mut self.training.show_course,
                    &self.persisted.scores,
                )
                .into_iter()
                .map(Command::Training),
            );
        }
        // The ask window and the lens would give a quiz away: they wait until it is checked.
        if !hide_findings {
            commands.extend(
                super::whatif::ask_ui(&ctx, &mut self.whatif.ask, &self.doc)
                    .into_iter()
                    .map(Command::WhatIf),
            );
            commands.extend(
                super::whatif::lens_ui(&ctx, &mut self.whatif.lens, &self.doc)
                    .into_iter()
                    .map(Command::WhatIf),
            );
        }
        if self.show_help {
            panels::help_ui(&ctx, &mut self.show_help);
        }
        let dropped = ctx.input(|i| i.raw.dropped_files.clone());
        if !dropped.is_empty() {
            self.dropped(&ctx, dropped);
        }
        super::import::drop_hint_ui(&ctx);
        if let Some(dialog) = &mut self.import {
            match super::import::import_ui(&ctx, dialog) {
                Some(super::import::ImportAnswer::Import) => {
                    if let Ok(imported) = dialog.ready().cloned() {
                        // The open document's unsaved changes are offered to be saved first; on
                        // Cancel nothing changes and the preview stays open.
                        self.guard(Discard::Import(Box::new(imported)), &ctx);
                    }
                }
                Some(super::import::ImportAnswer::AddFiles) => {
                    self.dialogs
                        .request(DialogPurpose::Import, &default_folder(), "", &ctx)
                }
                Some(super::import::ImportAnswer::Cancel) => self.import = None,
                None => {}
            }
        }
        if self.jobs.ui(&ctx) == JobAction::Cancel {
            self.cancel_job();
        }
        if let Some((purpose, path)) = panels::path_prompt_ui(&ctx, &mut self.path_prompt) {
            self.error = None;
            self.answer_dialog(&ctx, purpose, path);
        }
        // The recovery offer comes last: on top of every window, and modal.
        if self.discard.is_none()
            && let Some(orphan) = self.offers.first()
        {
            match recovery::offer_ui(&ctx, orphan, self.offers.len() - 1) {
                Some(recovery::OfferAnswer::Restore) => {
                    let orphan = self.offers.remove(0);
                    self.guard(Discard::Restore(Box::new(orphan)), &ctx);
                }
                Some(recovery::OfferAnswer::Discard) => {
                    let orphan = self.offers.remove(0);
                    if let Some(state) = &self.state
                        && let Err(e) = state.discard(&orphan)
                    {
                        self.report(format!(
                            "The recovered work could not be deleted ({}): {e}",
                            orphan.path.display()
                        ));
                    }
                }
                Some(recovery::OfferAnswer::Later) => self.offers.clear(),
                None => {}
            }
        }
        if let Some(action) = self.discard.clone() {
            let base_dirty = self
                .whatif
                .base
                .as_ref()
                .is_some_and(|b| b.fork && b.doc.is_dirty() && !b.doc.scratch);
            let can_save = !matches!(action, Discard::WhatIf) && !base_dirty;
            match panels::discard_ui(&ctx, &self.doc.display_name(), can_save) {
                Some(panels::UnsavedAnswer::Save) => {
                    self.discard = None;
                    match self.doc.path.clone() {
                        Some(path) if self.doc.changed_on_disk() => {
                            self.after_save = Some(action);
                            self.conflict = Some(path);
                        }
                        Some(path) => {
                            self.after_save = Some(action);
                            self.save_to(&path);
                        }
                        // Save As first; the action goes on once the file is written.
                        None => {
                            self.after_save = Some(action);
                            self.request_save_as(&ctx);
                        }
                    }
                }
                Some(panels::UnsavedAnswer::DontSave) => {
                    self.discard = None;
                    self.proceed(action, &ctx);
                }
                Some(panels::UnsavedAnswer::Cancel) => self.discard = None,
                None => {}
            }
        }
        if let Some(path) = self.conflict.clone()
            && let Some(answer) = panels::conflict_ui(&ctx, &path)
        {
            self.conflict = None;
            self.resolve_conflict(&ctx, &path, answer);
        }
        // Commands change what the panels show after they were drawn: draw once more to show it
        // (without this the window would wait for the next mouse move).
        if !commands.is_empty() {
            ctx.request_repaint();
        }
        for command in commands {
            self.execute(&ctx, command);
        }
        self.keep_recovery(&ctx);
        self.keep_preferences();
        self.keep_lesson(&ctx, false);
    }

    fn auto_save_interval(&self) -> std::time::Duration {
        AUTOSAVE_INTERVAL
    }

    /// eframe calls this every 30 s and at exit. The recovery file is brought up to date at once
    /// (at exit: kept when work is unsaved, removed when the user chose not to save it), the
    /// preferences go to our own file, and eframe's storage gets their second copy.
    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.keep_recovery_now(self.close_confirmed);
        self.keep_preferences();
        let ctx = self.egui_ctx.clone();
        self.keep_lesson(&ctx, true);
        eframe::set_value(storage, eframe::APP_KEY, &self.persisted);
    }

    /// At exit (after the last `save`): the recovery file is written or removed before the process
    /// ends. (Dropping the app waits for it too.)
    fn on_exit(&mut self) {
        self.autosaver.flush();
    }
}

/// The verdict shown while connecting, re-exported for tests.
pub fn verdict_between(doc: &Document, from: &PartyId, to: &PartyId) -> Option<Severity> {
    best_verdict(doc, from, to).worst
}

#[cfg(test)]
mod tests {
    use super::slug_of;

    #[test]
    fn a_file_name_from_a_title_drops_apostrophes_and_joins_words_with_one_hyphen() {
        assert_eq!(
            slug_of("Contoso Distribution's channel (Partner Center)"),
            "contoso-distributions-channel-partner-center"
        );
        assert_eq!(slug_of("Fabrikam\u{2019}s  EU / US"), "fabrikams-eu-us");
        assert_eq!(slug_of("Sample 1"), "sample-1");
        assert_eq!(slug_of("  '' ?? "), "scenario");
    }
}
