//! What-if in the window: the base a branch is compared with, the comparison kept current on a
//! thread of its own, the ask window's and the lens's state, and what each [`WhatIfCommand`] does.
//! Must not touch files or the window's other parts: what needs them comes back as a [`WhatIfStep`].
//!
//! Fork a branch and compare it with its base (overlay, side by side, or as a list), ask the graph
//! whether a sale could happen, view the channel through one party's lens, and change a set of
//! parties with a dated operation (previewed, then applied as one undo step, each recorded in the
//! what-if's plan). The answers come from [`crate::whatif`]; the windows that draw them are in
//! `windows.rs` (compare card, ask, lens) and `operations.rs` (operation and plan windows).

mod operations;
mod windows;

pub use operations::{
    CustomerScope, OperationForm, OperationKind, PlanWindow, ResellerScope, operation_ui, plan_ui,
};
pub use windows::{ask_ui, compare_ui, lens_ui};

use super::canvas::{CanvasView, Ghost, Selection};
use super::document::Document;
use crate::edit::{Edit, StepId};
use crate::model::Scenario;
use crate::model::{Link, PartyId};
use crate::progress::Progress;
use crate::rules::Checker;
use crate::whatif::operation::Operation;
use crate::whatif::plan::Plan;
use crate::whatif::{Answer, ChangeKind, Impact, Lens, ScenarioDiff, diff, impact, lens};
use crate::whatif::{Preview, Refusal};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

/// How the open what-if is compared with its base.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CompareMode {
    /// One canvas: additions and changes marked, removals drawn as ghosts.
    #[default]
    Overlay,
    /// Base and what-if on two canvases.
    SideBySide,
    /// Only the list of differences.
    List,
}

/// What the what-if panels ask for.
#[derive(Clone, Debug, PartialEq)]
pub enum WhatIfCommand {
    /// Fork the open scenario into a what-if branch.
    Fork,
    /// Keep the what-if: it becomes the document, the base is dropped.
    Keep,
    /// Throw the what-if away and go back to the base.
    Discard,
    /// Stop comparing with a scenario loaded from a file.
    CloseCompare,
    /// Pick a saved scenario to compare the open one with.
    CompareWithFile,
    /// Show the comparison this way.
    Mode(CompareMode),
    /// Open the ask window.
    OpenAsk,
    /// Add the links of a sale the ask window found (one undo step).
    MakeSale(Vec<Link>),
    /// Light up a chain of parties on the canvas.
    Highlight(Vec<PartyId>),
    /// Look at the channel as this party (or stop).
    Lens(Option<PartyId>),
    /// Open the operation window, filled from the selection.
    OpenOperation(OperationKind),
    /// Try an operation and take it back, to show what it would do.
    PreviewOperation(Operation),
    /// Apply an operation as one undo step (in a what-if, forked first if none is open).
    Operate(Operation),
    /// Save the operations of the open what-if as a plan file.
    SavePlan,
    /// Pick a plan file to apply.
    OpenPlan,
    /// Apply the plan in the plan window.
    ApplyPlan,
    /// Export the comparison's impact: a Markdown handout, or a CSV of its findings.
    ExportImpact {
        /// CSV rather than Markdown.
        csv: bool,
    },
}

impl WhatIfCommand {
    /// True for the commands that change the document (the keeper lets go of it first).
    pub fn edits(&self) -> bool {
        matches!(
            self,
            WhatIfCommand::MakeSale(_) | WhatIfCommand::Operate(_) | WhatIfCommand::ApplyPlan
        )
    }
}

/// What a file dialog is asked for by the what-if part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhatIfFile {
    /// A saved scenario to compare with.
    CompareWith,
    /// Where to save the plan.
    SavePlan,
    /// A plan to apply.
    OpenPlan,
    /// Where to export the impact (CSV or Markdown).
    ExportImpact {
        /// CSV rather than Markdown.
        csv: bool,
    },
}

impl WhatIfFile {
    /// The file name a save dialog suggests, after the scenario's own (`stem`).
    pub fn suggested_name(self, stem: &str) -> String {
        match self {
            WhatIfFile::CompareWith | WhatIfFile::OpenPlan => String::new(),
            WhatIfFile::SavePlan => format!("{stem}-plan.ron"),
            WhatIfFile::ExportImpact { csv: true } => format!("{stem}-impact.csv"),
            WhatIfFile::ExportImpact { csv: false } => format!("{stem}-impact.md"),
        }
    }
}

/// What a what-if command needs of the window once the what-if state has done its part.
#[derive(Debug)]
pub enum WhatIfStep {
    /// A passing confirmation for the status bar.
    Notice(String),
    /// The document is the base again (the what-if was discarded): drop what referred to the
    /// what-if, and say so.
    BackToBase(String),
    /// Ask "save the changes first?" before the what-if is discarded.
    ConfirmDiscard,
    /// Show a file dialog for this.
    PickFile(WhatIfFile),
    /// Something could not be done: say why in the banner.
    Error(String),
    /// The document changed (an operation or a plan applied): the selection and the explanation
    /// card follow, and the status bar says this.
    Changed(String),
    /// Fit the canvas again (the comparison is laid out another way).
    Fit,
    /// Apply this edit as one undo step.
    Apply(Box<Edit>),
    /// Light up this chain of parties (the explanation card closes).
    Highlight(Vec<PartyId>),
    /// Work out this operation's preview on the worker thread, with progress (seconds on a
    /// large channel); it lands through [`WhatIf::previewed`].
    Preview(Box<PreviewWork>),
}

/// An operation's preview, to work out off the window's thread: the operation, and the document's
/// channel and findings at the revision it was asked at.
pub struct PreviewWork {
    operation: Operation,
    revision: u64,
    scenario: Arc<Scenario>,
    checker: Checker,
}

impl std::fmt::Debug for PreviewWork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreviewWork")
            .field("operation", &self.operation)
            .field("revision", &self.revision)
            .finish_non_exhaustive()
    }
}

/// A preview worked out, for the revision it was asked at.
#[derive(Debug)]
pub struct Previewed {
    operation: Operation,
    revision: u64,
    result: Result<Preview, Refusal>,
}

impl PreviewWork {
    /// What the progress window calls it ("Previewing Move customers").
    pub fn title(&self) -> String {
        format!("Previewing {}", self.operation.title())
    }

    /// Tries the operation on a copy of the channel and takes it back. The copy is made here,
    /// not on the window's thread (about a second at 100,000 parties), and the shared channel is
    /// let go of as soon as it is made, so an edit meanwhile copies nothing.
    pub fn run(self, progress: &Progress) -> Result<Previewed, String> {
        let PreviewWork {
            operation,
            revision,
            scenario,
            checker,
        } = self;
        progress.part(0.0, 0.3, "Copying the channel");
        let mut copy = Scenario::clone(&scenario);
        drop(scenario);
        if progress.is_cancelled() {
            return Err("cancelled".to_owned());
        }
        progress.part(0.3, 1.0, "Re-checking what it changes");
        let result = crate::whatif::preview(&mut copy, &checker, &operation);
        Ok(Previewed {
            operation,
            revision,
            result,
        })
    }
}

/// The base of a comparison: a fork of the open scenario, or a scenario from a file.
pub struct Base {
    /// The base document (for a fork: the document as it was, with its history and file).
    pub doc: Document,
    /// True for a fork (it can be kept or discarded); false for a file opened only to compare.
    pub fork: bool,
}

/// What an answer was computed from: document revision, seller, customer, offer.
type AskKey = (u64, String, String, String);

/// What the canvases need of a comparison: the base, the differences with the ghosts of what was
/// removed, and the base canvas's view.
pub type CompareParts<'a> = (
    Option<&'a Base>,
    Option<(&'a ScenarioDiff, &'a [Ghost])>,
    &'a mut CanvasView,
);

/// The ask window's question and its cached answer.
#[derive(Clone, Debug, Default)]
pub struct AskState {
    /// The seller's id.
    pub seller: String,
    /// The customer's id.
    pub customer: String,
    /// The offer.
    pub offer: String,
    cache: Option<(AskKey, Result<Answer, String>)>,
}

/// The role lens: whose view, for which offer, and the cached lens.
#[derive(Clone, Debug)]
pub struct LensState {
    /// Whose view.
    pub party: PartyId,
    /// The offer asked about for sales.
    pub offer: String,
    cache: Option<((u64, String), Option<Lens>)>,
}

impl AskState {
    /// An empty question, with a seller when one is known.
    pub fn new(seller: Option<String>) -> Self {
        AskState {
            seller: seller.unwrap_or_default(),
            customer: String::new(),
            offer: "Azure plan".to_owned(),
            cache: None,
        }
    }
}

impl LensState {
    /// A lens on `party`.
    pub fn new(party: PartyId) -> Self {
        LensState {
            party,
            offer: "Azure plan".to_owned(),
            cache: None,
        }
    }

    /// The lens, recomputed only when the document or the offer changed.
    pub fn current(&mut self, doc: &Document) -> Option<&Lens> {
        let key = (doc.revision(), self.offer.clone());
        if self.cache.as_ref().is_none_or(|(k, _)| *k != key) {
            let l = lens(doc.scenario(), self.party.as_str(), &self.offer);
            self.cache = Some((key, l));
        }
        self.cache.as_ref().and_then(|(_, l)| l.as_ref())
    }
}

/// How long the documents must stay unchanged before a new comparison starts (the first starts at
/// once). A comparison holds both scenarios while it runs, and an edit meanwhile copies the open
/// one (seconds at 300,000 parties): dragging the as-of slider or typing in the inspector must not
/// start one per frame.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(400);

/// What a comparison was computed from: the base's and the open document's identity and change
/// count (moving a party while dragging changes neither: the differences are the scenarios').
type CompareKey = (u64, u64, u64, u64);

/// A comparison being computed on a thread of its own.
struct Comparing {
    key: CompareKey,
    answer: std::sync::mpsc::Receiver<Result<(ScenarioDiff, Impact), String>>,
}

/// The what-if state of the window.
#[derive(Default)]
pub struct WhatIf {
    /// What the open document is compared with.
    pub base: Option<Base>,
    /// How.
    pub mode: CompareMode,
    /// The last comparison computed (shown, marked as being brought up to date, while a newer one
    /// is computed).
    cache: Option<(CompareKey, ScenarioDiff, Vec<Ghost>, Impact)>,
    /// The comparison being computed, if any: at most one at a time.
    comparing: Option<Comparing>,
    /// A comparison that failed, and why (not tried again until either side changes).
    failed: Option<(CompareKey, String)>,
    /// The state last seen that the comparison shown is not of, and since when: a new comparison
    /// starts once the documents have been still for [`SETTLE`].
    waiting: Option<(CompareKey, std::time::Instant)>,
    /// The base canvas's view in side-by-side mode.
    pub base_view: CanvasView,
    /// The ask window, when open.
    pub ask: Option<AskState>,
    /// The role lens, when on.
    pub lens: Option<LensState>,
    /// The operation window's form, when open.
    pub operation: Option<OperationForm>,
    /// The plan window, when a plan was opened to apply.
    pub plan_window: Option<PlanWindow>,
    /// The operations applied to the open document, by the undo step that applied each: the
    /// plan is those whose step is done (an undone operation leaves the plan with its step).
    plan: Vec<(StepId, Operation)>,
}

impl WhatIf {
    /// The comparison of the open document with its base, as last computed. Comparing runs on a
    /// thread of its own (seconds for a large channel: the window must not freeze after each
    /// edit): when either side changed, a new comparison starts and the last one stays until it
    /// lands (see [`WhatIf::is_comparing`]); `ctx` is asked for a frame when it does.
    pub fn comparison(
        &mut self,
        doc: &Document,
        ctx: &egui::Context,
    ) -> Option<(&ScenarioDiff, &[Ghost])> {
        self.refresh(doc, ctx);
        self.cache.as_ref().map(|(_, d, g, _)| (d, g.as_slice()))
    }

    /// The impact of the comparison last computed, grouped by rule and by party.
    pub fn impact(&self) -> Option<&Impact> {
        self.cache.as_ref().map(|(_, _, _, grouped)| grouped)
    }

    /// True while a comparison is being computed (what is shown is older, or nothing yet).
    pub fn is_comparing(&self) -> bool {
        self.comparing.is_some() || self.waiting.is_some()
    }

    /// Why the comparison could not be made, if it could not.
    pub fn failure(&self) -> Option<&str> {
        self.failed.as_ref().map(|(_, why)| why.as_str())
    }

    /// Takes a finished comparison, and starts one when either side changed since the last.
    fn refresh(&mut self, doc: &Document, ctx: &egui::Context) {
        let Some(base) = &self.base else {
            return;
        };
        let key = (base.doc.id(), base.doc.changes(), doc.id(), doc.changes());
        if let Some(comparing) = &self.comparing {
            let answer = match comparing.answer.try_recv() {
                Ok(answer) => answer,
                Err(std::sync::mpsc::TryRecvError::Empty) => return,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    Err("the comparison stopped without an answer".to_owned())
                }
            };
            let was = comparing.key;
            self.comparing = None;
            // What this frame drew before the answer was taken (the compare card is drawn before
            // the canvas takes it, say) shows the comparison as it was: draw another frame. The
            // thread's own request may land after this frame has ended and been judged idle.
            ctx.request_repaint();
            match answer {
                // Ghosts are placed where the base draws what was removed: only for that base.
                Ok((d, grouped)) if (was.0, was.1) == (key.0, key.1) => {
                    let ghosts = ghosts_of(&d, &base.doc);
                    self.cache = Some((was, d, ghosts, grouped));
                    self.failed = None;
                }
                Ok(_) => {}
                Err(why) => {
                    log::error!("comparing failed: {why}");
                    self.failed = Some((was, why));
                }
            }
        }
        let done = |k: &CompareKey| *k == key;
        if self.cache.as_ref().is_some_and(|(k, _, _, _)| done(k))
            || self.failed.as_ref().is_some_and(|(k, _)| done(k))
        {
            self.waiting = None;
            return;
        }
        // The first comparison starts at once; later ones once the documents are still.
        if self.cache.is_some() {
            let since = match self.waiting {
                Some((k, since)) if k == key => since,
                _ => {
                    let now = std::time::Instant::now();
                    self.waiting = Some((key, now));
                    now
                }
            };
            let still = since.elapsed();
            if still < SETTLE {
                ctx.request_repaint_after(SETTLE - still);
                return;
            }
        }
        self.waiting = None;
        let (from, to) = (base.doc.shared_scenario(), doc.shared_scenario());
        let (tx, answer) = std::sync::mpsc::channel();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("csp-explorer compare".into())
            .spawn(move || {
                // The differences, and their impact grouped by rule and by party (which reads
                // both scenarios: done here, not on the window's thread).
                let d = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let d = diff(&from, &to);
                    let grouped = impact(&d, &from, &to);
                    (d, grouped)
                }))
                .map_err(|_| "an internal error".to_owned());
                // The scenarios go back before the window hears of it: its next edit copies
                // nothing.
                drop((from, to));
                let _ = tx.send(d);
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.comparing = Some(Comparing { key, answer }),
            Err(e) => self.failed = Some((key, format!("no thread could be started: {e}"))),
        }
    }

    /// The base, the comparison (brought up to date) and the base canvas's view, borrowed together
    /// so that both canvases can be drawn without copying the comparison every frame.
    pub fn parts(&mut self, doc: &Document, ctx: &egui::Context) -> CompareParts<'_> {
        self.refresh(doc, ctx);
        let comparison = match (&self.base, &self.cache) {
            (Some(_), Some((_, d, g, _))) => Some((d, g.as_slice())),
            _ => None,
        };
        (self.base.as_ref(), comparison, &mut self.base_view)
    }

    /// Does what a what-if card or window asked for, on the open document `doc` (a fork swaps it
    /// with its branch); what needs the window comes back as a step.
    pub fn command(
        &mut self,
        command: WhatIfCommand,
        doc: &mut Document,
        selection: Option<&Selection>,
        selected: &BTreeSet<PartyId>,
    ) -> Option<WhatIfStep> {
        match command {
            WhatIfCommand::Fork => {
                if self.base.is_some() {
                    return None;
                }
                self.fork(doc);
                return Some(WhatIfStep::Notice(
                    "Forked a what-if: change anything, compare it with the base, then keep or discard it."
                        .to_owned(),
                ));
            }
            WhatIfCommand::Keep => {
                let mut step = None;
                if let Some(base) = self.base.take()
                    && base.fork
                {
                    // The what-if replaces the base under the base's file, unless it was saved
                    // elsewhere meanwhile; either way it differs from the base's file.
                    if doc.path.is_none() {
                        doc.path = base.doc.path.clone();
                        if doc.path.is_some() || base.doc.is_dirty() {
                            doc.mark_unsaved();
                        }
                    }
                    doc.scratch = base.doc.scratch && doc.path.is_none();
                    step = Some(WhatIfStep::Notice("Kept the what-if.".to_owned()));
                }
                self.reset();
                return step;
            }
            WhatIfCommand::Discard if doc.is_dirty() && !doc.scratch => {
                return Some(WhatIfStep::ConfirmDiscard);
            }
            WhatIfCommand::Discard => {
                let mut step = None;
                if let Some(base) = self.base.take()
                    && base.fork
                {
                    // The what-if's own scenario, findings and scene are freed on a thread of
                    // their own (96 ms of the UI thread at 300,000 parties), and given back.
                    crate::ui::document::drop_elsewhere(std::mem::replace(doc, base.doc));
                    step = Some(WhatIfStep::BackToBase(
                        "Discarded the what-if: back to the base.".to_owned(),
                    ));
                }
                self.reset();
                return step;
            }
            WhatIfCommand::CloseCompare => {
                self.base = None;
                self.reset();
            }
            WhatIfCommand::CompareWithFile => {
                return Some(WhatIfStep::PickFile(WhatIfFile::CompareWith));
            }
            WhatIfCommand::Mode(mode) => {
                self.mode = mode;
                self.base_view.fit_requested = true;
                return Some(WhatIfStep::Fit);
            }
            WhatIfCommand::OpenAsk => {
                let seller = match selection {
                    Some(Selection::Party(id)) => Some(id.to_string()),
                    _ => None,
                };
                self.ask = Some(AskState::new(seller));
            }
            WhatIfCommand::MakeSale(links) => {
                let sale = Edit::Batch(links.into_iter().map(Edit::AddLink).collect());
                return Some(WhatIfStep::Apply(Box::new(sale)));
            }
            WhatIfCommand::Highlight(chain) => return Some(WhatIfStep::Highlight(chain)),
            WhatIfCommand::Lens(party) => self.lens = party.map(LensState::new),
            WhatIfCommand::OpenOperation(kind) => {
                let focused = match selection {
                    Some(Selection::Party(id)) => Some(id),
                    _ => None,
                };
                self.operation = Some(OperationForm::from_selection(
                    kind,
                    doc.scenario(),
                    focused,
                    selected,
                ));
            }
            WhatIfCommand::PreviewOperation(operation) => {
                return Some(WhatIfStep::Preview(Box::new(PreviewWork {
                    operation,
                    revision: doc.revision(),
                    scenario: doc.shared_scenario(),
                    checker: doc.checker().clone(),
                })));
            }
            WhatIfCommand::Operate(op) => {
                let mut notice = String::new();
                if self.base.is_none() {
                    self.fork(doc);
                    notice.push_str("Forked a what-if for it. ");
                }
                return Some(match self.operate(doc, &op) {
                    Ok(summary) => {
                        self.operation = None;
                        WhatIfStep::Changed(format!("{notice}Applied: {summary}."))
                    }
                    Err(why) => WhatIfStep::Error(why),
                });
            }
            WhatIfCommand::SavePlan => {
                if self.plan_of(doc).is_empty() {
                    return Some(WhatIfStep::Error(
                        "This what-if has no operation to save as a plan yet: apply one from the selection (Move customers…, Change provider…)."
                            .to_owned(),
                    ));
                }
                return Some(WhatIfStep::PickFile(WhatIfFile::SavePlan));
            }
            WhatIfCommand::OpenPlan => return Some(WhatIfStep::PickFile(WhatIfFile::OpenPlan)),
            WhatIfCommand::ApplyPlan => {
                let window = self.plan_window.clone()?;
                let mut notice = String::new();
                if self.base.is_none() {
                    self.fork(doc);
                    notice.push_str("Forked a what-if for it. ");
                }
                let report = self.run_plan(doc, &window.plan, window.keep_going);
                if let Some(w) = &mut self.plan_window {
                    w.report = Some(report.clone());
                }
                return Some(WhatIfStep::Changed(format!("{notice}{report}")));
            }
            WhatIfCommand::ExportImpact { csv } => {
                return Some(WhatIfStep::PickFile(WhatIfFile::ExportImpact { csv }));
            }
        }
        None
    }

    /// Shows a preview worked out on the worker thread in the operation window, if it is still
    /// open (the window tells a preview of another form or revision as out of date).
    pub fn previewed(&mut self, previewed: Previewed) {
        if let Some(form) = &mut self.operation {
            form.preview = Some((previewed.operation, previewed.revision, previewed.result));
        }
    }

    /// Forks the open document into a what-if: it becomes the base, a copy the document.
    fn fork(&mut self, doc: &mut Document) {
        // The findings and drawing are the base's, copied rather than worked out again.
        let branch = doc.fork();
        let base = std::mem::replace(doc, branch);
        self.base = Some(Base {
            doc: base,
            fork: true,
        });
        self.reset();
    }

    /// Applies one operation to `doc` as one undo step and records it in the plan: what it did, or
    /// why it could not (nothing changed).
    fn operate(&mut self, doc: &mut Document, op: &Operation) -> Result<String, String> {
        let prepared = op.prepare(doc.scenario()).map_err(|r| r.to_string())?;
        doc.apply_labelled(prepared.edit(), prepared.summary.clone())
            .map_err(|e| format!("{} was not made: {e}.", op.title()))?;
        if let Some(step) = doc.history().last_step() {
            self.plan.push((step, op.clone()));
        }
        Ok(format!("{} ({})", prepared.summary, prepared.counts()))
    }

    /// Applies a plan's steps to `doc`, each one undo step. A step that does not apply stops the
    /// plan and the steps applied are undone, unless `keep_going`: then it is skipped. Returns
    /// what happened, in words.
    fn run_plan(&mut self, doc: &mut Document, plan: &Plan, keep_going: bool) -> String {
        let steps = plan.steps.len();
        let mut done = 0;
        let mut skipped = Vec::new();
        for (i, op) in plan.steps.iter().enumerate() {
            match self.operate(doc, op) {
                Ok(_) => done += 1,
                Err(why) if keep_going => skipped.push(format!("step {} skipped: {why}", i + 1)),
                Err(why) => {
                    for _ in 0..done {
                        doc.undo();
                    }
                    return format!(
                        "Step {} of {steps} ({}) does not apply, so the plan changed nothing: {why}",
                        i + 1,
                        op.title()
                    );
                }
            }
        }
        let mut report = format!(
            "Applied {} of the plan's {steps}, each one undo step.",
            crate::ui::style::count(done, "step", "steps")
        );
        for line in skipped {
            report.push(' ');
            report.push_str(&line);
        }
        report
    }

    /// The plan of the open document: the operations whose undo step is done, in order.
    pub fn plan_of(&self, doc: &Document) -> Vec<Operation> {
        let done: BTreeSet<StepId> = doc.history().done_steps().collect();
        self.plan
            .iter()
            .filter(|(step, _)| done.contains(step))
            .map(|(_, op)| op.clone())
            .collect()
    }

    /// How many undo steps of the open document are not operations (changes by hand, which a
    /// plan does not replay).
    pub fn hand_edits(&self, doc: &Document) -> usize {
        let recorded: BTreeSet<StepId> = self.plan.iter().map(|(step, _)| *step).collect();
        doc.history()
            .done_steps()
            .filter(|step| !recorded.contains(step))
            .count()
    }

    /// Writes the open document's plan to `path`; the notice to show, or why it failed.
    pub fn save_plan(&self, doc: &Document, path: &Path) -> Result<String, String> {
        let title = match &self.base {
            Some(base) => format!("What-if of {}", base.doc.display_name()),
            None => doc.display_name(),
        };
        let plan = Plan::new(title, self.plan_of(doc));
        let text = plan
            .to_ron()
            .map_err(|e| format!("The plan could not be written: {e}"))?;
        crate::io::disk::write_atomic(path, text.as_bytes())
            .map_err(|e| format!("The plan could not be saved to {}: {e}", path.display()))?;
        let hand = self.hand_edits(doc);
        let mut notice = format!(
            "Saved the plan ({}) to {}.",
            crate::ui::style::count(plan.steps.len(), "operation", "operations"),
            path.display()
        );
        if hand > 0 {
            notice.push_str(&format!(
                " {} made by hand {} not in it.",
                crate::ui::style::count(hand, "other change", "other changes"),
                if hand == 1 { "is" } else { "are" }
            ));
        }
        Ok(notice)
    }

    /// Reads a plan file and opens the plan window on it.
    pub fn open_plan(&mut self, path: &Path) -> Result<(), String> {
        let name = path.display().to_string();
        let bytes = crate::io::read::read_limited(path, crate::whatif::plan::MAX_PLAN_BYTES)
            .map_err(|e| format!("The plan could not be read: {name}: {e}"))?;
        let text = crate::io::read::decode_unicode(&bytes)
            .map_err(|e| format!("The plan could not be read: {name}: {e}"))?;
        let plan =
            Plan::parse(&text, &name).map_err(|e| format!("The plan could not be read: {e}"))?;
        self.plan_window = Some(PlanWindow {
            name,
            plan,
            keep_going: false,
            report: None,
        });
        Ok(())
    }

    /// Writes the comparison's impact to `path`: a Markdown handout, or (`csv`) every finding
    /// introduced and resolved one a row.
    pub fn export_impact(&self, doc: &Document, path: &Path, csv: bool) -> Result<String, String> {
        let Some(base) = &self.base else {
            return Err("There is no comparison to export: fork a what-if first.".to_owned());
        };
        let Some((key, d, _, grouped)) = &self.cache else {
            return Err("The comparison is not ready yet: try again in a moment.".to_owned());
        };
        if *key != (base.doc.id(), base.doc.changes(), doc.id(), doc.changes()) {
            return Err(
                "The comparison is being brought up to date: try again in a moment.".to_owned(),
            );
        }
        let (a, b) = (base.doc.scenario(), doc.scenario());
        let text = if csv {
            crate::whatif::Impact::to_csv(d, a, b)
                .map_err(|e| format!("The CSV could not be made: {e}"))?
        } else {
            grouped.to_markdown(
                d,
                &base.doc.display_name(),
                &format!("What-if of {}", base.doc.display_name()),
            )
        };
        crate::io::disk::write_atomic(path, text.as_bytes()).map_err(|e| {
            format!(
                "The impact could not be exported to {}: {e}",
                path.display()
            )
        })?;
        Ok(format!("Exported the impact to {}.", path.display()))
    }

    /// Opens a scenario to compare the open one with (not a fork: it cannot be kept).
    pub fn compare_with(&mut self, doc: Document) {
        self.base = Some(Base { doc, fork: false });
        self.reset();
    }

    /// Forgets the base, the comparison, the lens and the ask window (another scenario is open).
    pub fn close(&mut self) {
        self.base = None;
        self.reset();
        self.lens = None;
        self.ask = None;
    }

    /// Forgets the cached comparison (after the base changed identity); one being computed is
    /// dropped when it lands.
    pub fn reset(&mut self) {
        self.plan.clear();
        self.cache = None;
        self.comparing = None;
        self.failed = None;
        self.waiting = None;
        self.base_view = CanvasView::default();
    }
}

/// Removed links and parties, placed where the base drew them.
fn ghosts_of(d: &ScenarioDiff, base: &Document) -> Vec<Ghost> {
    let s = base.scenario();
    let mut out = Vec::new();
    for c in &d.parties {
        if c.kind == ChangeKind::Removed
            && let Some(p) = base.position(&c.id)
        {
            out.push(Ghost::Party(p, c.label.clone()));
        }
    }
    for c in &d.links {
        if c.kind != ChangeKind::Removed {
            continue;
        }
        if let Some(l) = s.link(&c.id)
            && let (Some(a), Some(b)) =
                (base.position(l.from.as_str()), base.position(l.to.as_str()))
        {
            out.push(Ghost::Link(a, b, l.kind.label().to_owned()));
        }
    }
    out
}
