//! The toolbar's party search (Ctrl+F) and its matches, kept per parties version. Must not move the
//! view or select: picking a match returns a command.

use crate::model::PartyId;
use crate::ui::command::Command;
use crate::ui::document::Document;

/// How many matches the list shows (the rest are counted).
const SHOWN: usize = 30;

/// The placeholder of the search field (tests find the field by it).
pub(crate) const SEARCH_HINT: &str = "Find a party (Ctrl+F)";

/// The search field's state: what is typed, and what was found for it.
#[derive(Default)]
pub struct PartySearch {
    /// What is typed.
    pub query: String,
    /// Put the keyboard in the field on the next frame (Ctrl+F).
    pub focus: bool,
    /// Every party's name in lower case, for the document's parties version it was taken from
    /// (a drag moves the revision every frame, not the names).
    names: Option<(u64, Vec<(String, PartyId)>)>,
    /// The matches of `query` at that version: the first [`SHOWN`], and how many there are.
    found: Option<(u64, String, Vec<PartyId>, usize)>,
}

impl PartySearch {
    /// The parties whose name contains `query` (case-insensitive): names starting with it first,
    /// then shorter names, then alphabetically; at most [`SHOWN`], with the total count.
    pub fn matches(&mut self, doc: &Document) -> (&[PartyId], usize) {
        let revision = doc.parties_version();
        let query = self.query.trim().to_lowercase();
        let fresh = matches!(&self.found, Some((r, q, _, _)) if *r == revision && *q == query);
        if !fresh {
            if !matches!(&self.names, Some((r, _)) if *r == revision) {
                let names = doc
                    .scenario()
                    .parties()
                    .map(|p| (p.name.to_lowercase(), p.id))
                    .collect();
                self.names = Some((revision, names));
            }
            let names = &self.names.as_ref().expect("just taken").1;
            let mut hits: Vec<(bool, usize, &str, &PartyId)> = if query.is_empty() {
                Vec::new()
            } else {
                names
                    .iter()
                    .filter(|(name, _)| name.contains(&query))
                    .map(|(name, id)| (!name.starts_with(&query), name.len(), name.as_str(), id))
                    .collect()
            };
            let total = hits.len();
            let shown = SHOWN.min(total);
            if shown > 0 {
                hits.select_nth_unstable(shown - 1);
                hits.truncate(shown);
                hits.sort();
            }
            let ids = hits.into_iter().map(|(_, _, _, id)| *id).collect();
            self.found = Some((revision, query, ids, total));
        }
        let (_, _, ids, total) = self.found.as_ref().expect("just found");
        (ids, *total)
    }
}

/// The search field's id, the same wherever the toolbar is laid out: Ctrl+F gives it the keyboard
/// before it is drawn (see `keys.rs`).
pub fn search_field_id() -> egui::Id {
    egui::Id::new("party-search-field")
}

/// The search field's width (the toolbar counts it when it decides how much to spell out).
pub(crate) const SEARCH_WIDTH: f32 = 150.0;

/// The search field and, while something is typed, the list of matches under it. Picking one (a
/// click, or Enter for the first) asks to find that party.
pub fn search_ui(ui: &mut egui::Ui, doc: &Document, search: &mut PartySearch) -> Option<Command> {
    // The keyboard is given before the field is drawn, so that it takes this frame's keys too.
    if std::mem::take(&mut search.focus) {
        ui.memory_mut(|m| m.request_focus(search_field_id()));
    }
    let response = ui.add(
        egui::TextEdit::singleline(&mut search.query)
            .hint_text(SEARCH_HINT)
            .desired_width(SEARCH_WIDTH)
            .id(search_field_id()),
    );
    if search.query.trim().is_empty() {
        return None;
    }
    let enter = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
    let escape = ui.input(|i| i.key_pressed(egui::Key::Escape));
    if escape {
        search.query.clear();
        return None;
    }
    let (ids, total) = search.matches(doc);
    let ids = ids.to_vec();
    if enter {
        return ids.first().map(|id| {
            search.query.clear();
            Command::FindParty(*id)
        });
    }
    let area_id = response.id.with("matches");
    let hovered_list = ui
        .ctx()
        .memory(|m| m.area_rect(area_id))
        .is_some_and(|r| ui.ctx().pointer_hover_pos().is_some_and(|p| r.contains(p)));
    if !response.has_focus() && !hovered_list {
        return None;
    }
    let mut picked = None;
    egui::Area::new(area_id)
        .order(egui::Order::Foreground)
        .fixed_pos(response.rect.left_bottom() + egui::vec2(0.0, 4.0))
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_max_width(360.0);
                if ids.is_empty() {
                    ui.weak("No party's name contains that.");
                }
                egui::ScrollArea::vertical()
                    .max_height(320.0)
                    .show(ui, |ui| {
                        let s = doc.scenario();
                        for id in &ids {
                            let Some(p) = s.party(id.as_str()) else {
                                continue;
                            };
                            let detail = match &p.country {
                                Some(c) => format!("{} · {c}", p.kind.label()),
                                None => p.kind.label().to_owned(),
                            };
                            let text = format!("{} — {detail}", p.name);
                            if ui
                                .selectable_label(false, text)
                                .on_hover_text(format!("id {}", p.id))
                                .clicked()
                            {
                                picked = Some(*id);
                            }
                        }
                    });
                if total > ids.len() {
                    ui.weak(format!("{} more: type more of the name", total - ids.len()));
                }
            });
        });
    picked.map(|id| {
        search.query.clear();
        Command::FindParty(id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Party, PartyKind, Scenario};

    #[test]
    fn a_search_matches_any_part_of_a_name_in_any_case_prefixes_first() {
        let mut s = Scenario::new("t");
        for (id, name) in [
            ("a", "Northwind Traders"),
            ("b", "Contoso North"),
            ("c", "Fabrikam"),
            ("d", "NORTH"),
        ] {
            let mut p = Party::new(id, PartyKind::Customer);
            p.name = name.to_owned();
            s.add_party(p).unwrap();
        }
        let doc = Document::new(s);
        let mut search = PartySearch {
            query: "north".to_owned(),
            ..PartySearch::default()
        };
        let (ids, total) = search.matches(&doc);
        let ids: Vec<&str> = ids.iter().map(PartyId::as_str).collect();
        assert_eq!(ids, ["d", "a", "b"], "prefixes first, shorter first");
        assert_eq!(total, 3);
        search.query = "  FABRI ".to_owned();
        assert_eq!(search.matches(&doc).0, [PartyId::from("c")]);
        search.query = "zzz".to_owned();
        assert_eq!(search.matches(&doc).1, 0);
    }

    #[test]
    fn a_search_in_a_big_channel_shows_a_few_and_counts_the_rest() {
        let doc = Document::new(crate::scenarios::synthetic(200));
        let mut search = PartySearch {
            query: "e".to_owned(),
            ..PartySearch::default()
        };
        let (ids, total) = search.matches(&doc);
        let expected = doc
            .scenario()
            .parties()
            .filter(|p| p.name.to_lowercase().contains('e'))
            .count();
        assert_eq!(total, expected);
        assert_eq!(ids.len(), SHOWN.min(expected));
        assert!(
            expected > SHOWN,
            "the test needs more matches than are shown"
        );
    }
}
