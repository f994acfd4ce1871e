//! What-if in the window: fork a branch and compare it with its base (overlay, side by side, or as a
//! list), ask the graph whether a sale could happen, and view the channel through one party's lens.
//! The answers come from [`crate::whatif`]; this keeps them current and draws them.

use super::canvas::{CanvasView, Ghost};
use super::document::Document;
use super::style::{severity_symbol, severity_text, valid_text};
use crate::model::{Link, PartyId, PartyKind, Scenario};
use crate::rules::{Finding, Severity};
use crate::whatif::{Answer, ChangeKind, Lens, Question, ScenarioDiff, ask, diff, lens};
use egui::{Color32, RichText};

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
    answer: std::sync::mpsc::Receiver<Result<ScenarioDiff, String>>,
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
    cache: Option<(CompareKey, ScenarioDiff, Vec<Ghost>)>,
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
        self.cache.as_ref().map(|(_, d, g)| (d, g.as_slice()))
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
            match answer {
                // Ghosts are placed where the base draws what was removed: only for that base.
                Ok(d) if (was.0, was.1) == (key.0, key.1) => {
                    let ghosts = ghosts_of(&d, &base.doc);
                    self.cache = Some((was, d, ghosts));
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
        if self.cache.as_ref().is_some_and(|(k, _, _)| done(k))
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
                let d = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| diff(&from, &to)))
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
            (Some(_), Some((_, d, g))) => Some((d, g.as_slice())),
            _ => None,
        };
        (self.base.as_ref(), comparison, &mut self.base_view)
    }

    /// Forgets the cached comparison (after the base changed identity); one being computed is
    /// dropped when it lands.
    pub fn reset(&mut self) {
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

fn subject_of(f: &Finding) -> String {
    match &f.subject {
        crate::rules::Subject::Link(id) => format!("link {id}"),
        crate::rules::Subject::Party(id) => format!("party {id}"),
    }
}

/// A finding in the compare card: the rule's title for people, its id and subject only in a
/// details line (as in the findings panel).
fn finding_line(ui: &mut egui::Ui, sign: &str, f: &Finding) {
    ui.colored_label(
        severity_text(ui, f.severity),
        format!(
            "{sign} {} {}: {}",
            severity_symbol(f.severity),
            f.info().title,
            f.message
        ),
    );
    finding_details(ui, f);
}

fn finding_details(ui: &mut egui::Ui, f: &Finding) {
    ui.label(
        RichText::new(format!("    rule {} on {}", f.rule, subject_of(f)))
            .weak()
            .small(),
    );
}

/// The compare card: what the what-if changed, what it broke and what it fixed.
pub fn compare_ui(
    ui: &mut egui::Ui,
    whatif: &mut WhatIf,
    doc: &Document,
    hide_findings: bool,
) -> Vec<WhatIfCommand> {
    let mut out = Vec::new();
    let Some(base) = &whatif.base else {
        return out;
    };
    let fork = base.fork;
    let base_name = base.doc.display_name();
    let mode = whatif.mode;
    ui.heading(if fork { "What-if" } else { "Compare" });
    ui.label(format!(
        "{} compared with {} {base_name}.",
        if fork {
            "This what-if is"
        } else {
            "The open scenario is"
        },
        if fork { "its base," } else { "" }
    ));
    ui.horizontal(|ui| {
        for (m, label) in [
            (CompareMode::Overlay, "Overlay"),
            (CompareMode::SideBySide, "Side by side"),
            (CompareMode::List, "List only"),
        ] {
            if ui.selectable_label(mode == m, label).clicked() {
                out.push(WhatIfCommand::Mode(m));
            }
        }
    });
    ui.horizontal(|ui| {
        if fork {
            if ui
                .button("✔ Keep the what-if")
                .on_hover_text("The what-if becomes the scenario (one undo history from here)")
                .clicked()
            {
                out.push(WhatIfCommand::Keep);
            }
            if ui
                .button("✖ Discard the what-if")
                .on_hover_text("Back to the base, as it was")
                .clicked()
            {
                out.push(WhatIfCommand::Discard);
            }
        } else if ui.button("✖ Stop comparing").clicked() {
            out.push(WhatIfCommand::CloseCompare);
        }
    });
    let ctx = ui.ctx().clone();
    let shown = whatif.comparison(doc, &ctx).is_some();
    if let Some(why) = whatif.failure() {
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!("The comparison could not be made: {why}"),
        );
    }
    if whatif.is_comparing() {
        // The last comparison stays meanwhile; the thread asks for a frame when it lands.
        ui.label(
            egui::RichText::new(if shown {
                "Comparing… (showing the last comparison until then)"
            } else {
                "Comparing…"
            })
            .weak(),
        );
    }
    let Some((d, _)) = whatif.comparison(doc, &ctx) else {
        return out;
    };
    if d.is_empty() {
        ui.label("No difference yet: change something on the canvas.");
        return out;
    }
    let added = valid_text(ui);
    let changed = super::style::ink(ui.visuals(), CHANGED);
    let removed = ui.visuals().weak_text_color();
    let summary = |c: &crate::whatif::ElementChange| match &c.kind {
        ChangeKind::Added => (added, format!("+ {} ({})", c.label, c.id)),
        ChangeKind::Removed => (removed, format!("− {} ({})", c.label, c.id)),
        ChangeKind::Changed(fields) => (
            changed,
            format!(
                "~ {}: {}",
                c.label,
                fields
                    .iter()
                    .map(|f| format!("{} {} → {}", f.field, f.before, f.after))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        ),
    };
    for f in &d.meta {
        ui.label(format!("~ {}: {} → {}", f.field, f.before, f.after));
    }
    if !d.parties.is_empty() || !d.links.is_empty() {
        ui.label(
            RichText::new(format!(
                "Changes: {}, {}",
                super::style::count(d.parties.len(), "party", "parties"),
                super::style::count(d.links.len(), "link", "links")
            ))
            .strong(),
        );
    }
    for c in d.parties.iter().chain(&d.links) {
        let (color, text) = summary(c);
        ui.colored_label(color, text);
    }
    if hide_findings {
        ui.label("Findings introduced and resolved: hidden during the quiz.");
        return out;
    }
    let introduced: Vec<&Finding> = d
        .introduced
        .iter()
        .filter(|f| f.severity != Severity::Note)
        .collect();
    let resolved: Vec<&Finding> = d
        .resolved
        .iter()
        .filter(|f| f.severity != Severity::Note)
        .collect();
    ui.label(
        RichText::new(format!(
            "Findings: {} introduced, {} resolved",
            introduced.len(),
            resolved.len()
        ))
        .strong(),
    );
    for f in introduced {
        finding_line(ui, "+", f);
    }
    for f in resolved {
        ui.colored_label(
            valid_text(ui),
            format!("✔ resolved {}: {}", f.info().title, f.message),
        );
        finding_details(ui, f);
    }
    out
}

const CHANGED: Color32 = Color32::from_rgb(0, 114, 178);

fn party_combo(
    ui: &mut egui::Ui,
    id: &str,
    scenario: &Scenario,
    kinds: &[PartyKind],
    value: &mut String,
) {
    let name = |v: &str| {
        scenario
            .party(v)
            .map_or("choose…".to_owned(), |p| p.name.clone())
    };
    egui::ComboBox::from_id_salt(id)
        .selected_text(name(value))
        .width(220.0)
        .show_ui(ui, |ui| {
            for p in scenario.parties().filter(|p| kinds.contains(&p.kind)) {
                ui.selectable_value(value, p.id.to_string(), format!("{} ({})", p.name, p.kind));
            }
        });
}

/// The ask window: can this partner sell this offer to this customer?
pub fn ask_ui(
    ctx: &egui::Context,
    state: &mut Option<AskState>,
    doc: &Document,
) -> Vec<WhatIfCommand> {
    let mut out = Vec::new();
    let Some(ask_state) = state.as_mut() else {
        return out;
    };
    let mut open = true;
    let s = doc.scenario();
    egui::Window::new("Ask the graph")
        .open(&mut open)
        .default_width(460.0)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                ui.label("Can");
                party_combo(
                    ui,
                    "ask-seller",
                    s,
                    &[
                        PartyKind::IndirectReseller,
                        PartyKind::DirectBill,
                        PartyKind::IndirectProvider,
                    ],
                    &mut ask_state.seller,
                );
            });
            ui.horizontal(|ui| {
                ui.label("sell");
                ui.add(
                    egui::TextEdit::singleline(&mut ask_state.offer)
                        .desired_width(200.0)
                        .id_salt("ask-offer"),
                );
            });
            ui.horizontal(|ui| {
                ui.label("to");
                party_combo(
                    ui,
                    "ask-customer",
                    s,
                    &[PartyKind::Customer],
                    &mut ask_state.customer,
                );
                ui.label(format!("as of {}?", s.as_of()));
            });
            ui.separator();
            if ask_state.seller.is_empty() || ask_state.customer.is_empty() {
                ui.label("Choose a partner and a customer.");
                return;
            }
            let key = (
                doc.revision(),
                ask_state.seller.clone(),
                ask_state.customer.clone(),
                ask_state.offer.clone(),
            );
            if ask_state.cache.as_ref().is_none_or(|(k, _)| *k != key) {
                let question = Question {
                    seller: ask_state.seller.as_str().into(),
                    customer: ask_state.customer.as_str().into(),
                    offer: ask_state.offer.clone(),
                };
                let answer = ask(s, &question).map_err(|e| e.to_string());
                ask_state.cache = Some((key, answer));
            }
            let Some((_, answer)) = &ask_state.cache else {
                return;
            };
            let answer = match answer {
                Ok(a) => a,
                Err(e) => {
                    ui.colored_label(severity_text(ui, Severity::Violation), e);
                    return;
                }
            };
            let name = |id: &PartyId| {
                s.party(id.as_str())
                    .map_or(id.to_string(), |p| p.name.clone())
            };
            if answer.yes {
                ui.label(RichText::new("✔ Yes").size(24.0).color(valid_text(ui)));
            } else {
                ui.label(
                    RichText::new("✖ No")
                        .size(24.0)
                        .color(severity_text(ui, Severity::Violation)),
                );
            }
            ui.label(format!(
                "Chain: {}",
                answer
                    .chain
                    .iter()
                    .map(name)
                    .collect::<Vec<_>>()
                    .join(" → ")
            ));
            for need in &answer.needs {
                ui.label(format!("Needs {need} (allowed; added with the sale)."));
            }
            for f in &answer.blockers {
                finding_line(ui, "", f);
                ui.label(RichText::new(format!("    Fix: {}", f.info().fix)).weak());
            }
            for f in &answer.cautions {
                finding_line(ui, "", f);
            }
            ui.horizontal(|ui| {
                if ui.button("Show the chain").clicked() {
                    out.push(WhatIfCommand::Highlight(answer.chain.clone()));
                }
                if ui
                    .add_enabled(answer.yes, egui::Button::new("➕ Make this sale"))
                    .on_hover_text(
                        "Adds the purchase and the relationships it needs, as one undo step",
                    )
                    .clicked()
                {
                    out.push(WhatIfCommand::MakeSale(answer.links.clone()));
                }
            });
        });
    if !open {
        *state = None;
    }
    out
}

/// The role lens window: the channel as one party sees it.
pub fn lens_ui(
    ctx: &egui::Context,
    state: &mut Option<LensState>,
    doc: &Document,
) -> Vec<WhatIfCommand> {
    let mut out = Vec::new();
    let Some(lens_state) = state.as_mut() else {
        return out;
    };
    let s = doc.scenario();
    let name = |id: &PartyId| {
        s.party(id.as_str())
            .map_or(id.to_string(), |p| p.name.clone())
    };
    let title = format!("Role lens: {}", name(&lens_state.party));
    let mut open = true;
    egui::Window::new(title)
        .id(egui::Id::new("role-lens"))
        .open(&mut open)
        .default_width(440.0)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                ui.label("Sales of");
                ui.add(
                    egui::TextEdit::singleline(&mut lens_state.offer)
                        .desired_width(180.0)
                        .id_salt("lens-offer"),
                );
            });
            let Some(l) = lens_state.current(doc) else {
                ui.label("This party is no longer in the scenario.");
                return;
            };
            ui.label(
                RichText::new(format!(
                    "{} sees {}",
                    l.kind,
                    super::style::count(l.relationships.len(), "relationship", "relationships")
                ))
                .strong(),
            );
            for r in &l.relationships {
                let arrow = if r.billing {
                    "billed for"
                } else if r.outgoing {
                    "→"
                } else {
                    "←"
                };
                let mark = r
                    .worst
                    .filter(|w| *w != Severity::Note)
                    .map_or(("✔", valid_text(ui)), |w| {
                        (severity_symbol(w), severity_text(ui, w))
                    });
                ui.colored_label(
                    mark.1,
                    format!("{} {} {arrow} {}", mark.0, r.kind.label(), name(&r.other)),
                );
            }
            ui.add_space(4.0);
            let heading = match l.kind {
                PartyKind::Customer => "Who may sell to it",
                PartyKind::IndirectProvider => "Which resellers it may transact for",
                PartyKind::Microsoft => "Which partners it supplies",
                _ => "Whom it may sell to",
            };
            ui.label(RichText::new(heading).strong());
            if l.counterparts.is_empty() {
                ui.label("Nobody in this scenario.");
            }
            for c in &l.counterparts {
                if c.may {
                    let extra = if c.needs.is_empty() {
                        String::new()
                    } else {
                        format!(" (needs {})", c.needs.join(", "))
                    };
                    ui.colored_label(valid_text(ui), format!("✔ {}{extra}", name(&c.party)));
                } else {
                    ui.colored_label(
                        severity_text(ui, Severity::Violation),
                        format!("✖ {}", name(&c.party)),
                    );
                }
                for f in c.why.iter().take(3) {
                    ui.label(
                        RichText::new(format!("    {}: {}", f.info().title, f.message)).weak(),
                    )
                    .on_hover_text(format!("rule {}", f.rule));
                }
            }
            ui.add_space(4.0);
            ui.label(RichText::new(format!("What blocks it ({})", l.blockers.len())).strong());
            if l.blockers.is_empty() {
                ui.colored_label(
                    valid_text(ui),
                    "Nothing: every link it is part of follows the rules.",
                );
            }
            for f in &l.blockers {
                finding_line(ui, "", f);
            }
            if ui.button("Close the lens").clicked() {
                out.push(WhatIfCommand::Lens(None));
            }
        });
    if !open {
        out.push(WhatIfCommand::Lens(None));
    }
    out
}
