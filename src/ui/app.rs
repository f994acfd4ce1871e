//! The explorer window: owns the shell's parts, draws each frame as a page (panels, canvas, windows)
//! and carries out what they ask for. Must not keep state of its own beyond the parts and the banner.
//!
//! The parts, each a type with its own file, state and tests (see ARCHITECTURE.md, "The shell"):
//! the [`Workspace`] (the document and the user's hold on it), the canvas's [`CanvasView`] and
//! [`Tool`], [`Filing`] (open, save, conflicts, what waits for a save, dialogs, the close guard), the
//! [`Keeper`] (recovery file, preferences, lesson kept between runs), the [`Jobs`] (long work on
//! the worker thread), [`Presentation`] (presenter mode, refits, title), [`Training`] and
//! [`WhatIf`]. Panels return [`Command`]s; a part answers a command with a small step
//! ([`FileStep`], [`TrainingStep`], [`WhatIfStep`]) when it needs another part, and this file is
//! where those meet.

mod api;
mod steps;

use super::Launch;
use super::canvas::{CanvasView, Selection, Tool};
pub use super::command::{Command, PendingLink};
use super::files::{DialogPurpose, FileDialogs, default_folder};
use super::filing::{Discard, Filing};
use super::import::{self, ImportDialog};
use super::jobs::{JobAction, Jobs, Outcome};
pub use super::keeper::Persisted;
use super::keeper::{Keeper, OfferStep, Work};
use super::keys::{Keys, remember_focus, shortcuts};
use super::page::{self, MenuBar, Stage};
use super::panels;
pub use super::panels::parse_date;
use super::presentation::Presentation;
use super::training::{QUIZ_KEY, Training, TrainingCommand};
use super::whatif::{AskState, WhatIf};
use super::workspace::Workspace;
use crate::edit::Edit;
use crate::model::{PartyId, Position, Scenario};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// How long a notice stays in the status bar.
const NOTICE_SECONDS: f64 = 8.0;

/// How often eframe writes its storage (window size, egui memory and a copy of the preferences).
const AUTOSAVE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(30);

/// The explorer window.
pub struct ExplorerApp {
    /// The open document and the user's hold on it.
    ws: Workspace,
    /// View state of the canvas (zoom, pan, gesture in progress).
    pub view: CanvasView,
    /// The current tool.
    pub tool: Tool,
    /// Lessons, quiz marks and progress.
    pub training: Training,
    /// The what-if base, the ask window and the role lens.
    pub whatif: WhatIf,
    filing: Filing,
    keeper: Keeper,
    /// Long work on a worker thread (opening, importing, laying out, exporting), with its progress.
    jobs: Jobs<Outcome>,
    presentation: Presentation,
    /// The import preview (File → Import…, or files dropped on the window).
    import: Option<ImportDialog>,
    /// A PNG export refused for its size, offered again at the scale that fits.
    png_offer: Option<super::export_offer::PngOffer>,
    /// The last error, shown in a banner until dismissed.
    error: Option<String>,
    /// A passing confirmation ("Saved …").
    notice: Option<String>,
    /// The notice on show, and since when (egui's clock, in seconds): it goes after
    /// [`NOTICE_SECONDS`], so that "Exported …" does not stay under other files opened since.
    notice_shown: Option<(String, f64)>,
    show_help: bool,
    show_library: bool,
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
        let keeper = Keeper::open(launch.state_dir.clone(), cc.storage, &cc.egui_ctx);
        keeper.prefs.theme.apply(&cc.egui_ctx);
        super::style::install_fonts(&cc.egui_ctx);
        let mut view = CanvasView::default();
        view.legend_open = !keeper.prefs.legend_folded;
        let mut app = ExplorerApp {
            ws: Workspace::default(),
            view,
            tool: Tool::Select,
            training: Training::default(),
            whatif: WhatIf::default(),
            filing: Filing::new(dialogs),
            keeper,
            jobs: Jobs::default(),
            presentation: Presentation::default(),
            import: None,
            png_offer: None,
            error: None,
            notice: None,
            notice_shown: None,
            show_help: false,
            show_library: launch.open.is_none()
                && launch.builtin.is_none()
                && launch.lesson.is_none(),
            egui_ctx: cc.egui_ctx.clone(),
        };
        let ctx = &cc.egui_ctx;
        if let Some(slug) = launch.builtin.as_deref()
            && let Some(b) = crate::scenarios::builtin(slug)
        {
            app.open_builtin(b.slug);
        }
        if let Some(path) = launch.open {
            app.open_in_background(ctx, path);
        }
        if let Some(key) = launch.lesson.as_deref()
            && let Some(lesson) = crate::training::builtin_lesson(key)
        {
            app.execute(ctx, Command::Training(TrainingCommand::Start(lesson.key)));
        }
        if app.show_library {
            // Nothing named on the command line: the lesson the window was closed in, if any.
            app.resume_lesson();
        }
        if launch.presenter {
            app.execute(ctx, Command::Presenter(true));
        }
        app
    }

    /// Runs a command now (the same path menus and shortcuts take).
    pub fn execute(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::Edit(edit) => self.apply(edit),
            Command::Undo => {
                self.keeper.before_edit(&self.ws.doc);
                self.ws.undo();
            }
            Command::Redo => {
                self.keeper.before_edit(&self.ws.doc);
                self.ws.redo();
            }
            Command::DeleteSelection if self.ws.selection.is_some() => {
                self.keeper.before_edit(&self.ws.doc);
                let done = self.ws.delete_selection();
                self.reported(done);
            }
            Command::DeleteSelection => {}
            Command::Select(selection, path) => self.ws.select(selection, path),
            Command::SelectAll => self.ws.select_all(),
            Command::ShowQuery => self.ws.query.open = true,
            Command::SelectParties(parties, mode) => self.ws.select_parties(parties, mode),
            Command::SelectArea(outline, mode) => self.ws.select_area(&outline, mode),
            Command::SelectQuery(query, mode) => {
                let done = self.ws.select_query(&query, mode);
                self.reported(done);
            }
            Command::Explain(finding) => self.ws.explain(finding, &mut self.view),
            Command::New => self.guard(ctx, Discard::New),
            Command::Open => self.guard(ctx, Discard::Open),
            Command::OpenPath(path) => self.guard(ctx, Discard::OpenPath(path)),
            Command::OpenBuiltin(slug) => self.guard(ctx, Discard::OpenBuiltin(slug)),
            Command::Save => {
                let step = self.filing.save(&self.ws.doc, ctx);
                self.file_steps(ctx, step);
            }
            Command::SaveAs => self.filing.save_as(&self.ws.doc, ctx),
            Command::Import => self.filing.pick(DialogPurpose::Import, ctx),
            Command::Export(format) => {
                let name = format!("{}.{}", self.export_stem(), format.extension());
                let purpose = DialogPurpose::Export(format);
                self.filing.request(purpose, &default_folder(), &name, ctx);
            }
            Command::ExportVisible => {
                let name = format!("{}-part.svg", self.export_stem());
                let purpose = DialogPurpose::ExportVisible;
                self.filing.request(purpose, &default_folder(), &name, ctx);
            }
            Command::Connect { from, to, at } => self.ws.begin_link(from, to, at),
            Command::AddParty(kind) => {
                self.keeper.before_edit(&self.ws.doc);
                let done = self.ws.add_party(kind, &self.view);
                self.reported(done);
            }
            Command::Fit => self.view.fit_requested = true,
            Command::Find => self.ws.search.focus = true,
            Command::FindParty(id) => {
                self.view.bring_party_into_view(&self.ws.doc, id.as_str());
                self.ws.select(Some(Selection::Party(id)), Vec::new());
            }
            Command::TierLayout { by_region } => {
                let layout = crate::layout::TierLayout {
                    group_by_region: by_region,
                };
                self.place(ctx, "Arranging in tiers", move |s, _| layout.positions(s));
            }
            Command::ForceLayout => self.place(ctx, "Spreading out", |s, placed| {
                crate::layout::force_positions(s, placed)
            }),
            Command::Theme(theme) => {
                self.keeper.prefs.theme = theme;
                theme.apply(ctx);
                self.presentation.theme_changed(ctx, theme);
            }
            Command::SetAsOfLive(date, continuing) => {
                self.keeper.before_edit(&self.ws.doc);
                let done = self.ws.set_as_of(date, continuing);
                self.reported(done);
            }
            Command::Presenter(on) => {
                let theme = self.keeper.prefs.theme;
                self.presentation.set_presenter(ctx, theme, on);
                self.view.fit_requested = true;
            }
            Command::AskFrom(party) => {
                self.whatif.ask = Some(AskState::new(Some(party.to_string())));
            }
            Command::Training(command) => {
                if let Some(step) = self.training.command(command, &self.ws.doc) {
                    self.training_step(ctx, step);
                }
            }
            Command::WhatIf(command) => {
                if command.edits() {
                    self.keeper.before_edit(&self.ws.doc);
                }
                let (selection, selected) = (self.ws.selection.as_ref(), &self.ws.selected);
                let step = self
                    .whatif
                    .command(command, &mut self.ws.doc, selection, selected);
                if let Some(step) = step {
                    self.whatif_step(ctx, step);
                }
            }
        }
    }

    /// Applies an edit as one step; an impossible edit becomes a message, never a panic.
    fn apply(&mut self, edit: Edit) {
        self.keeper.before_edit(&self.ws.doc);
        let done = self.ws.apply(edit);
        self.reported(done);
    }

    /// Shows an error in the banner and logs it (`RUST_LOG=csp_explorer=info`), so nothing fails
    /// silently.
    fn report(&mut self, message: String) {
        log::error!("{message}");
        self.error = Some(message);
    }

    fn reported(&mut self, done: Result<(), String>) {
        if let Err(message) = done {
            self.report(message);
        }
    }

    /// A notice in the status bar when it went well, the banner when not.
    fn noticed(&mut self, done: Result<String, String>) {
        match done {
            Ok(notice) => self.notice = Some(notice),
            Err(message) => self.report(message),
        }
    }

    /// What a crash or closing the window would lose.
    fn work(&self) -> Work<'_> {
        Work {
            doc: &self.ws.doc,
            base: self.whatif.base.as_ref(),
        }
    }

    /// Shows the import preview with these files (added to those there when it is open).
    fn show_import(
        &mut self,
        files: Vec<(Option<PathBuf>, crate::io::import::Source)>,
        unreadable: Vec<crate::io::import::ImportError>,
    ) {
        match &mut self.import {
            Some(dialog) => dialog.add(files, unreadable),
            None => {
                self.import = Some(ImportDialog::new(files, unreadable, &self.egui_ctx));
                self.show_library = false;
            }
        }
    }

    /// Whether a job started; one refused (another runs) says so in the banner.
    fn started(&mut self, started: Result<(), String>) -> bool {
        let refused = started.map_err(|busy| {
            format!("“{busy}” is still running: wait for it to finish or cancel it first.")
        });
        let ok = refused.is_ok();
        self.reported(refused);
        ok
    }

    /// Saves to `path` on the worker thread; what waits for the save goes on when it lands.
    fn save_to(&mut self, path: &Path, read_only: crate::io::disk::ReadOnly) {
        let started = self
            .jobs
            .save(&self.egui_ctx, &self.ws.doc, path, read_only);
        let started = self.started(started);
        self.filing.save_started(started);
    }

    /// Computes new positions on the worker thread; applied as one undoable step.
    fn place(
        &mut self,
        ctx: &egui::Context,
        title: &str,
        place: impl FnOnce(&Scenario, &BTreeMap<PartyId, Position>) -> BTreeMap<PartyId, Position>
        + Send
        + 'static,
    ) {
        let started = self.jobs.place(ctx, &self.ws.doc, title, place);
        self.started(started);
    }

    /// The parties the canvas keeps bright: the role lens's, or in presenter mode the spotlight on
    /// the lit path or the selection and its neighbours.
    fn focus(&mut self) -> Option<BTreeSet<PartyId>> {
        if let Some(lens) = self.whatif.lens.as_mut()
            && !self.training.hides_findings()
        {
            return lens.current(&self.ws.doc).map(|l| l.visible.clone());
        }
        if !self.presentation.is_presenting() {
            return None;
        }
        self.ws.spotlight()
    }

    /// Before drawing: dialogs' answers, finished jobs, keys, refits, the close guard, the title
    /// and the lesson's progress. Returns the commands the keys asked for.
    fn begin_frame(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let steps = self.filing.poll(ctx);
        self.file_steps(ctx, steps);
        self.poll_jobs(ctx);
        // A what-if fork's own copy of the scenario is made on a thread: taken when it is in.
        if self.ws.doc.poll_copy() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        self.expire_notice(ctx);
        let keys = Keys {
            tool: &mut self.tool,
            show_help: &mut self.show_help,
            pending_link: &mut self.ws.pending_link,
            presenting: self.presentation.is_presenting(),
            lesson: self.training.run.is_some(),
        };
        let commands = shortcuts(ctx, keys);
        if self.presentation.frame(ctx) {
            self.view.fit_requested = true;
        }
        if ctx.input(|i| i.viewport().close_requested())
            && let Some(notice) = self.filing.close_requested(ctx, self.has_unsaved_work())
        {
            self.notice = Some(notice);
        }
        // A lesson's window is named by the lesson: its scenario's own title named another
        // lesson's sample, and a quiz's ("…, broken: a reseller buys as a customer from its own
        // provider") gave the answer away on the projector.
        let name = match (&self.whatif.base, &self.training.run) {
            (Some(base), _) if base.fork => format!("What-if of {}", base.doc.display_name()),
            (_, Some(run)) if run.loaded.key != QUIZ_KEY => run.lesson().title.clone(),
            _ => self.ws.doc.display_name(),
        };
        self.presentation.title(ctx, &name, self.ws.doc.is_dirty());
        // Lesson progress follows every change; a first success is scored and remembered, and
        // the presenter's spotlight lets the room see the whole solved channel.
        if let Some(score) = self
            .training
            .refresh(&self.ws.doc, self.ws.selection.as_ref())
        {
            self.ws.lift_spotlight();
            if let Some(run) = &self.training.run
                && run.loaded.key != QUIZ_KEY
            {
                self.keeper.record_score(&run.loaded.key, score);
            }
        }
        self.training.kept_best = self.training.run.as_ref().and_then(|r| {
            (r.loaded.key != QUIZ_KEY)
                .then(|| self.keeper.prefs.scores.get(&r.loaded.key).copied())
                .flatten()
        });
        commands
    }

    /// Lets the status bar's notice go once it has been on show for [`NOTICE_SECONDS`] (a new
    /// notice starts its own time), and asks for the frame that takes it away.
    fn expire_notice(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        let Some(notice) = &self.notice else {
            self.notice_shown = None;
            return;
        };
        let since = match &self.notice_shown {
            Some((shown, since)) if shown == notice => *since,
            _ => {
                self.notice_shown = Some((notice.clone(), now));
                now
            }
        };
        let left = since + NOTICE_SECONDS - now;
        if left <= 0.0 {
            self.notice = None;
            self.notice_shown = None;
        } else {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(left));
        }
    }

    /// The canvas area: the canvas (or base and what-if side by side) and what it asks for.
    fn canvas_ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let before = self.view.rect.size();
        let focus = self.focus();
        let stage = Stage {
            view: &mut self.view,
            tool: self.tool,
            light: self.keeper.prefs.theme.is_light(),
            focus: focus.as_ref(),
        };
        let out = page::canvases_ui(ui, &self.ws, stage, &self.training, &mut self.whatif);
        // The verdict a connect drag asked for, tried on the document itself: shown next frame.
        if self.view.settle_verdict(&mut self.ws.doc) {
            ui.ctx().request_repaint();
        }
        // In presenter mode the step card grows and shrinks with its text: keep the whole
        // channel in view for the room.
        if self.presentation.is_presenting() && (self.view.rect.size() - before).length() > 1.0 {
            self.view.fit_requested = true;
            ui.ctx().request_repaint();
        }
        out
    }

    /// The windows over the page, the topmost last: the link chooser, library, course, ask and
    /// lens, help, the import preview, the job's progress, the path field, the recovery offer and
    /// filing's questions.
    fn windows_ui(&mut self, ctx: &egui::Context, hide_findings: bool) -> Vec<Command> {
        let mut out = Vec::new();
        if let Some(kind) = panels::link_chooser_ui(ctx, &self.ws.doc, &mut self.ws.pending_link) {
            self.keeper.before_edit(&self.ws.doc);
            let done = self.ws.finish_link(kind);
            self.reported(done);
        }
        // The library waits while crashed work is offered: one question at a time.
        if self.show_library && self.keeper.offers().is_empty() {
            out.extend(panels::library_ui(ctx, &mut self.show_library));
        }
        if self.training.show_course {
            let scores = &self.keeper.prefs.scores;
            let course = super::training::course_ui(ctx, &mut self.training.show_course, scores);
            out.extend(course.into_iter().map(Command::Training));
        }
        // The ask window and the lens would give a quiz away: they wait until it is checked.
        if !hide_findings {
            let ask = super::whatif::ask_ui(ctx, &mut self.whatif.ask, &self.ws.doc);
            let lens = super::whatif::lens_ui(ctx, &mut self.whatif.lens, &self.ws.doc);
            out.extend(ask.into_iter().chain(lens).map(Command::WhatIf));
            let operation =
                super::whatif::operation_ui(ctx, &mut self.whatif.operation, &self.ws.doc);
            let plan = super::whatif::plan_ui(ctx, &mut self.whatif.plan_window);
            out.extend(operation.into_iter().chain(plan).map(Command::WhatIf));
        }
        if self.show_help {
            panels::help_ui(ctx, &mut self.show_help);
        }
        let dropped = ctx.input(|i| i.raw.dropped_files.clone());
        if !dropped.is_empty() {
            match import::dropped(dropped) {
                import::Dropped::Open(path) => self.guard(ctx, Discard::OpenPath(path)),
                import::Dropped::Preview(files, unreadable) => {
                    self.show_import(files, unreadable);
                    ctx.request_repaint();
                }
            }
        }
        import::drop_hint_ui(ctx);
        if let Some(dialog) = &mut self.import {
            match import::import_ui(ctx, dialog) {
                // The open document's unsaved changes are offered to be saved first; on Cancel
                // nothing changes and the preview stays open.
                Some(import::ImportAnswer::Import) => {
                    if let Ok(imported) = dialog.ready().cloned() {
                        self.guard(ctx, Discard::Import(Box::new(imported)));
                    }
                }
                Some(import::ImportAnswer::AddFiles) => {
                    self.filing.pick(DialogPurpose::Import, ctx)
                }
                Some(import::ImportAnswer::Cancel) => self.import = None,
                None => {}
            }
        }
        if self.jobs.ui(ctx) == JobAction::Cancel {
            self.cancel_job();
        }
        if let Some(offer) = &self.png_offer
            && let Some(answer) = super::export_offer::offer_ui(ctx, offer)
        {
            self.answer_png_offer(ctx, answer);
        }
        if let Some((purpose, path)) = self.filing.path_prompt_ui(ctx) {
            self.error = None;
            self.answer_dialog(ctx, purpose, path);
        }
        // The recovery offer comes last: on top of every window, and modal. It waits for a job
        // running (a file opened at start): its Restore is a job too.
        if !self.filing.is_asking() && !self.jobs.is_running() {
            match self.keeper.offer_ui(ctx) {
                Some(OfferStep::Restore(orphan)) => self.guard(ctx, Discard::Restore(orphan)),
                Some(OfferStep::Failed(message)) => self.report(message),
                None => {}
            }
        }
        let base_unsaved = (self.whatif.base.as_ref())
            .is_some_and(|b| b.fork && b.doc.is_dirty() && !b.doc.scratch);
        let steps = self.filing.questions_ui(ctx, &self.ws.doc, base_unsaved);
        self.file_steps(ctx, steps);
        out
    }

    /// After a frame: what is kept on disk is brought up to date.
    fn end_frame(&mut self, ctx: &egui::Context) {
        remember_focus(ctx);
        let work = Work {
            doc: &self.ws.doc,
            base: self.whatif.base.as_ref(),
        };
        self.keeper.keep_recovery(ctx, work);
        self.keeper.prefs.legend_folded = !self.view.legend_open;
        self.keeper.keep_preferences();
        self.keeper
            .keep_lesson(ctx, &self.training, &self.ws.doc, false);
        if let Some(message) = self.keeper.take_failure() {
            self.report(message);
        }
    }
}

impl eframe::App for ExplorerApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        let mut commands = self.begin_frame(&ctx);
        let hide_findings = self.training.hides_findings();
        let presenting = self.presentation.is_presenting();
        let bar = MenuBar {
            recent: &self.keeper.prefs.recent,
            theme: self.keeper.prefs.theme,
            presenting,
            comparing: self.whatif.base.is_some(),
            show_help: &mut self.show_help,
            show_library: &mut self.show_library,
            legend: &mut self.view.legend_open,
        };
        commands.extend(page::top_ui(ui, &mut self.ws, &mut self.tool, bar));
        if presenting {
            let explained = self.ws.explained.as_ref();
            commands.extend(page::presenter_ui(
                ui,
                &self.training,
                &self.ws.doc,
                self.ws.selection.as_ref(),
                explained,
            ));
        } else {
            page::status_ui(ui, &self.ws, self.notice.as_deref(), hide_findings);
            if self.training.run.is_some() {
                commands.extend(page::lesson_ui(ui, &self.training, &self.ws.doc));
            }
            commands.extend(page::side_ui(
                ui,
                &mut self.ws,
                &mut self.whatif,
                hide_findings,
            ));
        }
        egui::CentralPanel::default().show(ui, |ui| {
            page::error_banner_ui(ui, &mut self.error);
            commands.extend(self.canvas_ui(ui));
        });
        commands.extend(self.windows_ui(&ctx, hide_findings));
        // Commands change what the panels show after they were drawn: draw once more to show it
        // (without this the window would wait for the next mouse move).
        if !commands.is_empty() {
            ctx.request_repaint();
        }
        for command in commands {
            self.execute(&ctx, command);
        }
        self.end_frame(&ctx);
    }

    fn auto_save_interval(&self) -> std::time::Duration {
        AUTOSAVE_INTERVAL
    }

    /// eframe calls this every 30 s and at exit. The recovery file is brought up to date at once
    /// (at exit: kept when work is unsaved, removed when the user chose not to save it), the
    /// preferences go to our own file, and eframe's storage gets their second copy.
    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        let work = Work {
            doc: &self.ws.doc,
            base: self.whatif.base.as_ref(),
        };
        self.keeper
            .keep_recovery_now(work, self.filing.close_confirmed());
        self.keeper.keep_preferences();
        let ctx = self.egui_ctx.clone();
        self.keeper
            .keep_lesson(&ctx, &self.training, &self.ws.doc, true);
        eframe::set_value(storage, eframe::APP_KEY, &self.keeper.prefs);
        if let Some(message) = self.keeper.take_failure() {
            self.report(message);
        }
    }

    /// At exit (after the last `save`): the recovery file is written or removed before the process
    /// ends. (Dropping the app waits for it too.)
    fn on_exit(&mut self) {
        self.keeper.flush();
    }
}
