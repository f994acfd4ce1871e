//! The workspace: the open document and what the user is doing with it (the party or link in the
//! inspector and the set of parties selected together, lit path, the finding explained, a link
//! waiting for its kind, drafts). Must not touch files, dialogs or the window.
//!
//! Every change to the scenario goes through [`Workspace::apply`] (or undo, redo and the as-of
//! date), which turns an impossible edit into a message and then drops whatever refers to what no
//! longer exists. The canvas's view is the app's, lent here where a command needs to know what is
//! in view (a new party goes where the user is looking; an explained finding is flown to).

use super::canvas::{CanvasView, SelectMode, Selection, link_offers_in_place};
use super::command::PendingLink;
use super::document::Document;
use super::panels;
use crate::edit::Edit;
use crate::model::{Date, Link, LinkKind, Party, PartyId, PartyKind, Position, Scenario};
use crate::rules::{Finding, Severity, Subject};
use std::collections::BTreeSet;

/// The open document and the user's hold on it.
pub struct Workspace {
    /// The open document.
    pub doc: Document,
    /// What is selected on the canvas and shown in the inspector.
    pub selection: Option<Selection>,
    /// The parties selected together (a click, a lasso, a query, Ctrl+A): what a what-if operation
    /// acts on and Delete removes. A click makes it the party clicked; Ctrl+click and Shift+click,
    /// the lasso's Shift and Alt and the query's buttons add to it or take from it.
    pub selected: BTreeSet<PartyId>,
    /// The select-by-query form.
    pub query: panels::QueryForm,
    /// The parties lit up on the canvas (a finding's path, an asked chain).
    pub highlight: Vec<PartyId>,
    /// The finding shown in the explanation card.
    pub explained: Option<Finding>,
    /// A connect gesture waiting for the user to choose the link's kind.
    pub pending_link: Option<PendingLink>,
    /// Text being typed into the inspector, by field, committed on Enter or focus loss.
    pub drafts: panels::Drafts,
    /// The findings list's filters.
    pub finding_filter: panels::FindingFilter,
    /// The toolbar's party search.
    pub search: panels::PartySearch,
    /// The selection, parties selected together and lit path when the presenter's spotlight was
    /// lifted (a lesson was just solved): while they stay as they were, nothing is dimmed, so the
    /// room sees the whole solved channel. Selecting or lighting anything else brings it back.
    spotlight_lifted: Option<SpotlightOn>,
}

/// What the presenter's spotlight follows: the selection, the parties selected together and the
/// lit path.
#[derive(Clone, PartialEq)]
struct SpotlightOn {
    selection: Option<Selection>,
    selected: BTreeSet<PartyId>,
    highlight: Vec<PartyId>,
}

impl SpotlightOn {
    /// Whether the spotlight would fall on this again, compared in place: asked every presenter
    /// frame, where a copy would clone every party selected together (Ctrl+A on a large channel).
    fn is_on(&self, ws: &Workspace) -> bool {
        self.selection == ws.selection
            && self.selected == ws.selected
            && self.highlight == ws.highlight
    }
}

impl Default for Workspace {
    fn default() -> Self {
        Workspace::new(Document::new(Scenario::new("Untitled channel")))
    }
}

impl Workspace {
    /// A workspace on `doc`, nothing selected.
    pub fn new(doc: Document) -> Self {
        Workspace {
            doc,
            selection: None,
            selected: BTreeSet::new(),
            query: panels::QueryForm::default(),
            highlight: Vec::new(),
            explained: None,
            pending_link: None,
            drafts: panels::Drafts::default(),
            finding_filter: panels::FindingFilter::default(),
            search: panels::PartySearch::default(),
            spotlight_lifted: None,
        }
    }

    /// Opens `doc` in place of the document: nothing of the old one stays selected or lit.
    pub fn replace(&mut self, doc: Document) {
        self.doc = doc;
        self.selection = None;
        self.selected.clear();
        self.highlight.clear();
        self.explained = None;
        self.pending_link = None;
        self.drafts = panels::Drafts::default();
        self.spotlight_lifted = None;
    }

    /// Applies an edit as one undo step; an impossible edit becomes the message returned, never a
    /// panic.
    pub fn apply(&mut self, edit: Edit) -> Result<(), String> {
        let result = self
            .doc
            .apply(edit)
            .map_err(|e| format!("That change was not made: {e}."));
        self.after_change();
        result
    }

    /// Checks as of `date`; `continuing` while a slider drag goes on (one undo step for the drag).
    pub fn set_as_of(&mut self, date: Date, continuing: bool) -> Result<(), String> {
        let edit = Edit::SetAsOf(Some(date));
        let result = if continuing {
            self.doc.apply_continuing(edit)
        } else {
            self.doc.apply(edit)
        }
        .map_err(|e| format!("That change was not made: {e}."));
        self.after_change();
        result
    }

    /// Undoes the last step, if there is one.
    pub fn undo(&mut self) {
        if self.doc.undo() {
            self.after_change();
        }
    }

    /// Redoes the last undone step, if there is one.
    pub fn redo(&mut self) {
        if self.doc.redo() {
            self.after_change();
        }
    }

    /// Removes what is selected (the parties selected together with their links, as one step; or
    /// the party or link in the inspector).
    pub fn delete_selection(&mut self) -> Result<(), String> {
        if self.selected.len() > 1 {
            let parties = std::mem::take(&mut self.selected);
            self.selection = None;
            let n = parties.len();
            let edit = Edit::Batch(parties.into_iter().map(Edit::RemoveParty).collect());
            return self.apply_labelled(edit, format!("delete {n} parties"));
        }
        self.selected.clear();
        match self.selection.take() {
            Some(Selection::Party(id)) => self.apply(Edit::RemoveParty(id)),
            Some(Selection::Link(id)) => self.apply(Edit::RemoveLink(id)),
            None => Ok(()),
        }
    }

    /// Applies an edit as one undo step named `label` in the Edit menu (a what-if operation of
    /// thousands of links); an impossible edit becomes the message returned.
    pub fn apply_labelled(&mut self, edit: Edit, label: String) -> Result<(), String> {
        let result = self
            .doc
            .apply_labelled(edit, label)
            .map_err(|e| format!("That change was not made: {e}."));
        self.after_change();
        result
    }

    /// Selects something and lights up `path` (a finding's, or nothing); the explanation card
    /// closes with the light. A party becomes the whole selected set; a link or nothing empties it.
    pub fn select(&mut self, selection: Option<Selection>, path: Vec<PartyId>) {
        self.selected.clear();
        if let Some(Selection::Party(id)) = &selection {
            self.selected.insert(*id);
        }
        self.selection = selection;
        self.highlight = path;
        self.drafts = panels::Drafts::default();
        if self.highlight.is_empty() {
            self.explained = None;
        }
    }

    /// Changes the selected set by `parties` as `mode` says. The inspector then shows the one party
    /// selected, or nothing when there are several (the side panel shows the set instead).
    pub fn select_parties(&mut self, parties: impl IntoIterator<Item = PartyId>, mode: SelectMode) {
        match mode {
            SelectMode::Replace => {
                self.selected = parties.into_iter().collect();
            }
            SelectMode::Add => self.selected.extend(parties),
            SelectMode::Remove => {
                for p in parties {
                    self.selected.remove(&p);
                }
            }
            SelectMode::Toggle => {
                for p in parties {
                    if !self.selected.remove(&p) {
                        self.selected.insert(p);
                    }
                }
            }
        }
        self.selection = match self.selected.len() {
            1 => self.selected.first().cloned().map(Selection::Party),
            _ => None,
        };
        self.drafts = panels::Drafts::default();
    }

    /// Changes the selected set by the parties drawn inside a lasso's outline.
    pub fn select_area(&mut self, outline: &[Position], mode: SelectMode) {
        let inside = super::canvas::lasso::parties_inside(&self.doc, outline);
        self.select_parties(inside, mode);
    }

    /// Changes the selected set by the parties `query` finds; a query naming what does not exist
    /// is a message and changes nothing.
    pub fn select_query(
        &mut self,
        query: &crate::whatif::Query,
        mode: SelectMode,
    ) -> Result<(), String> {
        let found = crate::whatif::select(self.doc.scenario(), self.doc.checker(), query)
            .map_err(|e| format!("Nothing was selected: {e}."))?;
        self.select_parties(found, mode);
        Ok(())
    }

    /// Selects every party (Ctrl+A).
    pub fn select_all(&mut self) {
        let all: Vec<PartyId> = self.doc.scenario().parties().map(|p| p.id).collect();
        self.select_parties(all, SelectMode::Replace);
    }

    /// Shows a finding in the explanation card: its subject selected, its path lit, and the view
    /// flown to it (the list may hold findings far off-screen, or customers collapsed into a badge).
    pub fn explain(&mut self, finding: Finding, view: &mut CanvasView) {
        self.highlight = finding.path.clone();
        self.selection = Some(match &finding.subject {
            Subject::Link(id) => Selection::Link(*id),
            Subject::Party(id) => Selection::Party(*id),
        });
        self.drafts = panels::Drafts::default();
        match &finding.subject {
            Subject::Link(id) => view.bring_link_into_view(&self.doc, id.as_str()),
            Subject::Party(id) => view.bring_party_into_view(&self.doc, id.as_str()),
        }
        self.explained = Some(finding);
    }

    /// Nothing lit and no finding explained (a quiz begins, an asked chain is cleared).
    pub fn clear_light(&mut self) {
        self.explained = None;
        self.highlight.clear();
    }

    /// The finding after (or before) the one explained, worst first, notes left out: what the
    /// presenter's arrow keys walk through when no lesson runs.
    pub fn next_finding(&self, forward: bool) -> Option<Finding> {
        let list: Vec<Finding> = self
            .doc
            .checker()
            .sorted()
            .into_iter()
            .filter(|f| f.severity != Severity::Note)
            .collect();
        if list.is_empty() {
            return None;
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
        list.into_iter().nth(next)
    }

    /// Drops references to what no longer exists and refreshes the explanation card.
    pub fn after_change(&mut self) {
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
        if !self.selected.is_empty() {
            self.selected.retain(|id| s.party(id.as_str()).is_some());
        }
        if let Some(explained) = &self.explained {
            let fresh = crate::rules::check_subject(s, s.as_of(), &explained.subject)
                .into_iter()
                .find(|f| f.rule == explained.rule);
            self.explained = fresh;
        }
        self.drafts = panels::Drafts::default();
    }

    /// Adds a party of `kind` in view (see [`free_spot_in_view`]) and selects it.
    pub fn add_party(&mut self, kind: PartyKind, view: &CanvasView) -> Result<(), String> {
        let s = self.doc.scenario();
        if kind == PartyKind::Microsoft && s.microsoft().is_some() {
            return Err("The scenario already has Microsoft; there is only one.".to_owned());
        }
        let stem = match kind {
            PartyKind::Microsoft => "microsoft",
            PartyKind::IndirectProvider => "provider",
            PartyKind::IndirectReseller => "reseller",
            PartyKind::DirectBill => "direct-bill",
            PartyKind::Customer => "customer",
        };
        let id = s.fresh_party_id(stem);
        let mut party = Party::new(id, kind);
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
            party.country = s.parties().find_map(|p| p.country).or(Some("US".into()));
        }
        party.position = Some(free_spot_in_view(&self.doc, view, kind));
        let result = self.apply(Edit::AddParty(party));
        self.selection = Some(Selection::Party(id));
        result
    }

    /// Starts the kind chooser for a connect gesture from `from` to `to`.
    pub fn begin_link(&mut self, from: PartyId, to: PartyId, at: egui::Pos2) {
        let s = self.doc.scenario();
        if s.party(from.as_str()).is_none() || s.party(to.as_str()).is_none() {
            return;
        }
        // Each kind is tried on the document's own scenario and taken back (a copy per kind
        // froze the window for seconds on a large channel), in the order the connect drag's
        // verdict assumes (see `best_verdict`).
        let options = link_offers_in_place(&mut self.doc, &from, &to);
        self.pending_link = Some(PendingLink {
            from,
            to,
            at,
            options,
        });
    }

    /// Creates the pending link with the chosen kind, and selects it.
    pub fn finish_link(&mut self, kind: LinkKind) -> Result<(), String> {
        let Some(pending) = self.pending_link.take() else {
            return Ok(());
        };
        let link = new_link(self.doc.scenario(), &pending, kind);
        let id = link.id;
        let result = self.apply(Edit::AddLink(link));
        self.selection = Some(Selection::Link(id));
        result
    }

    /// Lifts the presenter's spotlight from what it is on now (a lesson was just solved: the room
    /// is to see the whole result, not the last party clicked with the rest dimmed). It comes back
    /// as soon as something else is selected or lit.
    pub fn lift_spotlight(&mut self) {
        self.spotlight_lifted = Some(self.spotlight_on());
    }

    fn spotlight_on(&self) -> SpotlightOn {
        SpotlightOn {
            selection: self.selection.clone(),
            selected: self.selected.clone(),
            highlight: self.highlight.clone(),
        }
    }

    /// The parties kept bright in presenter mode: the lit path, or the selection and its
    /// neighbours; `None` when nothing is (everything is drawn as usual).
    pub fn spotlight(&self) -> Option<BTreeSet<PartyId>> {
        if self
            .spotlight_lifted
            .as_ref()
            .is_some_and(|lifted| lifted.is_on(self))
        {
            return None;
        }
        if !self.highlight.is_empty() {
            return Some(self.highlight.iter().cloned().collect());
        }
        let s = self.doc.scenario();
        if self.selected.len() > 1 {
            return Some(self.selected.clone());
        }
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
                near.insert(*id);
                Some(near)
            }
            None => None,
        }
    }
}

/// The link a finished connect gesture makes: a fresh id, dated as of the scenario's date, with
/// what its kind needs to be valid (GDAP's duration and a least-privileged role, a purchase's
/// offer, an indirect reseller's sale billed by its first accepted provider).
fn new_link(s: &Scenario, pending: &PendingLink, kind: LinkKind) -> Link {
    let id = s.fresh_link_id(&format!("{}-{}-{}", kind.key(), pending.from, pending.to));
    let mut link = Link::new(id, kind, pending.from, pending.to, s.as_of());
    if kind == LinkKind::Admin {
        link.duration_days = Some(crate::rules::MAX_GDAP_DAYS);
        link.roles = vec!["Helpdesk Administrator".into()];
    }
    if kind == LinkKind::Purchase {
        link.offer = Some("Microsoft 365 Business Premium".into());
    }
    if matches!(kind, LinkKind::Purchase | LinkKind::Reseller)
        && s.party(pending.from.as_str())
            .is_some_and(|p| p.kind == PartyKind::IndirectReseller)
    {
        link.via = s
            .links_to(pending.from.as_str())
            .find(|l| {
                l.kind == LinkKind::Partnership && l.status == crate::model::LinkStatus::Accepted
            })
            .map(|l| l.from);
    }
    link
}

/// Where a new party of `kind` goes: in its tier's row when that row is in view (else across the
/// middle of the view), at the free spot nearest the middle, always inside the visible canvas.
fn free_spot_in_view(doc: &Document, view: &CanvasView, kind: PartyKind) -> Position {
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
        doc.positions()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Workspace {
        let scenario = crate::scenarios::builtin("sample-1")
            .expect("sample 1 is built in")
            .load()
            .expect("sample 1 loads");
        Workspace::new(Document::new(scenario))
    }

    #[test]
    fn deleting_the_selected_party_drops_the_selection_and_the_light_and_undo_brings_it_back() {
        let mut w = sample();
        let id = w.doc.scenario().parties().next().expect("a party").id;
        w.select(Some(Selection::Party(id)), vec![id]);
        w.delete_selection().expect("a party can be removed");
        assert!(w.doc.scenario().party(id.as_str()).is_none());
        assert!(w.selection.is_none());
        w.undo();
        assert!(w.doc.scenario().party(id.as_str()).is_some());
        w.redo();
        assert!(w.doc.scenario().party(id.as_str()).is_none());
    }

    #[test]
    fn a_second_microsoft_is_refused_with_a_message_and_changes_nothing() {
        let mut w = sample();
        let before = w.doc.changes();
        let view = CanvasView::default();
        let err = w
            .add_party(PartyKind::Microsoft, &view)
            .expect_err("one Microsoft only");
        assert!(err.contains("only one"), "{err}");
        assert_eq!(w.doc.changes(), before);
        assert!(!w.doc.history().can_undo());
    }

    #[test]
    fn a_connected_reseller_sale_is_billed_by_its_accepted_provider() {
        let mut w = sample();
        let s = w.doc.scenario();
        let reseller = s
            .parties()
            .find(|p| p.kind == PartyKind::IndirectReseller)
            .expect("sample 1 has a reseller")
            .id;
        let provider = s
            .links_to(reseller.as_str())
            .find(|l| l.kind == LinkKind::Partnership)
            .expect("the reseller has a provider")
            .from;
        let customer = s
            .parties()
            .find(|p| p.kind == PartyKind::Customer)
            .expect("sample 1 has a customer")
            .id;
        w.begin_link(reseller, customer, egui::Pos2::ZERO);
        let pending = w.pending_link.as_ref().expect("the chooser opens");
        assert_eq!(pending.options.len(), LinkKind::ALL.len());
        w.finish_link(LinkKind::Purchase)
            .expect("a purchase can be added");
        let Some(Selection::Link(id)) = &w.selection else {
            panic!("the new link is selected");
        };
        let link = w.doc.scenario().link(id.as_str()).expect("the link exists");
        assert_eq!((&link.from, &link.to), (&reseller, &customer));
        assert_eq!(link.via.as_ref(), Some(&provider));
        assert!(link.offer.is_some());
    }

    #[test]
    fn the_presenter_arrows_walk_the_findings_round_and_back() {
        let mut w = sample();
        let Some(first) = w.next_finding(true) else {
            return;
        };
        let mut view = CanvasView::default();
        w.explain(first.clone(), &mut view);
        let last = w.next_finding(false).expect("there is a finding before");
        w.explain(last, &mut view);
        let again = w.next_finding(true).expect("and after");
        assert_eq!((again.rule, again.subject), (first.rule, first.subject));
    }
}
