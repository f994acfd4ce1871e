//! Verdicts for the connect gesture: how a new link would fare, tried and taken back. Must not leave
//! the scenario changed, nor keep state: the view caches the verdict shown.
//!
//! Verdicts for the connect gesture: how a new link would fare.
//!
//! A verdict adds the new link, checks it and takes it back. On the open document this is done on
//! the scenario itself ([`Document::trial`]), which costs a re-check of one link; only when work on
//! another thread holds the scenario (a save) is it done on a copy, as it always was before: at
//! 300,000 parties a copy took 2.6 s and 633 MB, once per party the pointer passed over while
//! connecting and once per kind of link when the kind chooser opened.

use crate::model::{Link, LinkKind, PartyId, Scenario};
use crate::rules::{RuleId, Severity, chain_kinds};
use crate::ui::document::Document;

/// How a link would fare, for tinting targets while connecting.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// The worst finding the new link would have; `None` when valid.
    pub worst: Option<Severity>,
    /// Why, in a line, in the words the room reads: the finding's message, never the rule's id
    /// (a presenter walk-through read "invalid_chain: …" off the projector).
    pub reason: String,
    /// The rule the worst finding breaks, for the chooser's hover text (title and id, for the
    /// trainer who looks it up in the catalogue); `None` when valid or not a rule's finding.
    pub rule: Option<RuleId>,
}

/// What a new link of `kind` from `from` to `to` would yield, tried on `scenario` and taken back:
/// the scenario is left as it was found.
fn try_link(scenario: &mut Scenario, from: &PartyId, to: &PartyId, kind: LinkKind) -> Verdict {
    let as_of = scenario.as_of();
    let id = scenario.fresh_link_id("trial");
    let link = Link::new(id, kind, *from, *to, as_of);
    if scenario.add_link(link).is_err() {
        return Verdict {
            worst: Some(Severity::Violation),
            reason: "cannot link these parties".to_owned(),
            rule: None,
        };
    }
    let found = crate::rules::check_subject(scenario, as_of, &crate::rules::Subject::Link(id));
    let taken_back = scenario.remove_link(&id);
    debug_assert!(taken_back.is_ok(), "the trial link was just added");
    match found.iter().max_by_key(|f| f.severity) {
        None => Verdict {
            worst: None,
            reason: format!("{} here is valid", kind.with_article()),
            rule: None,
        },
        // The kind is named: over a target the verdict is that of the kind offered first. Once:
        // a message that opens with it ("An admin relationship from …") is not prefixed again.
        Some(f) => {
            let named = f.message.to_lowercase().starts_with(&kind.with_article());
            let reason = if named {
                f.message.clone()
            } else {
                format!("as {}: {}", kind.with_article(), f.message)
            };
            Verdict {
                worst: Some(f.severity),
                reason,
                rule: Some(f.rule),
            }
        }
    }
}

/// What a new link of `kind` from `from` to `to` would yield, checked on a copy of the scenario
/// (for callers that only have a shared document; the window uses [`trial_link_in_place`]).
pub fn trial_link(doc: &Document, from: &PartyId, to: &PartyId, kind: LinkKind) -> Verdict {
    try_link(&mut doc.scenario().clone(), from, to, kind)
}

/// [`trial_link`] on the document's own scenario, taken back at once (a copy only while another
/// thread holds the scenario).
pub fn trial_link_in_place(
    doc: &mut Document,
    from: &PartyId,
    to: &PartyId,
    kind: LinkKind,
) -> Verdict {
    match doc.trial(|s| try_link(s, from, to, kind)) {
        Some(v) => v,
        None => trial_link(doc, from, to, kind),
    }
}

/// Why no link of any kind can join `from` and `to`, or the kinds of link worth trying.
fn kinds_between(s: &Scenario, from: &PartyId, to: &PartyId) -> Result<Vec<LinkKind>, Verdict> {
    let (Some(a), Some(b)) = (s.party(from.as_str()), s.party(to.as_str())) else {
        return Err(Verdict {
            worst: Some(Severity::Violation),
            reason: String::new(),
            rule: None,
        });
    };
    if from == to {
        return Err(Verdict {
            worst: Some(Severity::Violation),
            reason: "a party cannot link to itself".to_owned(),
            rule: None,
        });
    }
    let kinds = chain_kinds(a.kind, b.kind);
    if kinds.is_empty() {
        return Err(Verdict {
            worst: Some(Severity::Violation),
            reason: format!(
                "no program chain runs from {} to {}",
                a.kind.with_article(),
                b.kind.with_article()
            ),
            rule: None,
        });
    }
    Ok(kinds)
}

/// Every kind of link from `from` to `to` with its verdict and whether it is a program chain,
/// tried on `scenario` and taken back, in the order the kind chooser offers them: the program
/// chains first, each group best verdict first, ties in [`LinkKind::ALL`]'s order.
fn offers_on(
    scenario: &mut Scenario,
    from: &PartyId,
    to: &PartyId,
) -> Vec<(LinkKind, Verdict, bool)> {
    let (Some(a), Some(b)) = (scenario.party(from.as_str()), scenario.party(to.as_str())) else {
        return Vec::new();
    };
    let chains = chain_kinds(a.kind, b.kind);
    let mut offers: Vec<_> = LinkKind::ALL
        .into_iter()
        .map(|k| (k, try_link(scenario, from, to, k), chains.contains(&k)))
        .collect();
    offers.sort_by_key(|(_, v, chain)| (!*chain, v.worst));
    offers
}

/// [`offers_on`] the document's own scenario (a copy only while another thread holds it): what
/// the kind chooser lists after a connect gesture.
pub fn link_offers_in_place(
    doc: &mut Document,
    from: &PartyId,
    to: &PartyId,
) -> Vec<(LinkKind, Verdict, bool)> {
    match doc.trial(|s| offers_on(s, from, to)) {
        Some(offers) => offers,
        None => offers_on(&mut doc.scenario().clone(), from, to),
    }
}

/// The verdict of the kind the chooser will offer first (the best program chain), tried on
/// `scenario` and taken back: what a connect drag shows over its target, in its line, the
/// target's ring and the text under the pointer, so that the gesture says one thing. Before, the
/// ring followed the parties' kinds alone and was green over a sale to oneself that every kind
/// in the chooser marked ✖.
fn best_on(scenario: &mut Scenario, from: &PartyId, to: &PartyId) -> Verdict {
    if let Err(v) = kinds_between(scenario, from, to) {
        return v;
    }
    match offers_on(scenario, from, to).into_iter().next() {
        Some((_, verdict, _)) => verdict,
        None => Verdict {
            worst: None,
            reason: String::new(),
            rule: None,
        },
    }
}

/// The verdict of the kind of link the chooser offers first between two parties, checked on one
/// copy of the scenario.
pub fn best_verdict(doc: &Document, from: &PartyId, to: &PartyId) -> Verdict {
    if let Err(v) = kinds_between(doc.scenario(), from, to) {
        return v;
    }
    best_on(&mut doc.scenario().clone(), from, to)
}

/// [`best_verdict`] on the document's own scenario, taken back at once (a copy only while another
/// thread holds the scenario).
pub fn best_verdict_in_place(doc: &mut Document, from: &PartyId, to: &PartyId) -> Verdict {
    match doc.trial(|s| best_on(s, from, to)) {
        Some(v) => v,
        None => best_verdict(doc, from, to),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::canvas::CanvasView;
    use std::sync::Arc;

    fn sample() -> Document {
        Document::new(
            crate::scenarios::builtin("sample-1")
                .expect("sample-1 is built in")
                .load()
                .expect("sample-1 loads"),
        )
    }

    /// What a scenario is, in a form that shows any difference: its save text, and where each
    /// link and party sits in the graph (the canvas's scene mirrors those indices).
    fn state(s: &Scenario) -> (String, Vec<(String, usize)>) {
        let mut indices: Vec<(String, usize)> = s
            .links()
            .map(|l| {
                (
                    l.id.to_string(),
                    s.link_index(l.id.as_str()).unwrap().index(),
                )
            })
            .chain(s.parties().map(|p| {
                (
                    p.id.to_string(),
                    s.party_index(p.id.as_str()).unwrap().index(),
                )
            }))
            .collect();
        indices.sort();
        (crate::io::scenario_to_ron(s).unwrap(), indices)
    }

    #[test]
    fn verdicts_tried_in_place_equal_those_on_a_copy_and_leave_the_scenario_as_it_was() {
        let mut doc = sample();
        let before = state(doc.scenario());
        let ids: Vec<PartyId> = doc.scenario().parties().map(|p| p.id).collect();
        let mut judged = 0;
        for from in &ids {
            for to in &ids {
                let on_copy = best_verdict(&doc, from, to);
                assert_eq!(
                    best_verdict_in_place(&mut doc, from, to),
                    on_copy,
                    "{from} → {to}"
                );
                for kind in LinkKind::ALL {
                    assert_eq!(
                        trial_link_in_place(&mut doc, from, to, kind),
                        trial_link(&doc, from, to, kind),
                        "{from} → {to} as {kind:?}"
                    );
                }
                judged += usize::from(on_copy.worst.is_some());
            }
        }
        assert!(judged > 0, "some pairs break a rule");
        assert_eq!(state(doc.scenario()), before);
        // A link added afterwards lands where it would have landed without the trials.
        let mut untouched = sample().scenario().clone();
        let link = |s: &Scenario| {
            Link::new(
                s.fresh_link_id("later"),
                LinkKind::Purchase,
                ids[0],
                ids[1],
                s.as_of(),
            )
        };
        let expected = untouched.add_link(link(&untouched)).unwrap();
        let mut tried = doc.scenario().clone();
        assert_eq!(tried.add_link(link(&tried)).unwrap(), expected);
    }

    /// A verdict names the kind of link once and with the right article, and no rule id: the chooser
    /// said "as a admin relationship: invalid_chain: A admin relationship from …".
    #[test]
    fn a_verdict_names_the_kind_once_with_its_article() {
        let doc = sample();
        let ids: Vec<PartyId> = doc.scenario().parties().map(|p| p.id).collect();
        let mut chains_refused = 0;
        for from in &ids {
            for to in ids.iter().filter(|to| *to != from) {
                for kind in LinkKind::ALL {
                    let verdict = trial_link(&doc, from, to, kind);
                    let reason = verdict.reason;
                    let lower = reason.to_lowercase();
                    assert!(!lower.contains("a admin"), "{reason}");
                    if let Some(rule) = verdict.rule {
                        assert!(!reason.contains(rule.key()), "{reason}");
                    }
                    if verdict.rule == Some(RuleId::InvalidChain) {
                        chains_refused += 1;
                        // Sample 1's "Fabrikam (direct-bill)" is not followed by its kind in
                        // brackets.
                        assert!(!lower.contains(") ("), "{reason}");
                        assert_eq!(lower.matches(&kind.with_article()).count(), 1, "{reason}");
                    }
                }
            }
        }
        assert!(chains_refused > 0, "some kinds are refused as chains");
    }

    #[test]
    fn a_scenario_held_by_another_thread_is_tried_on_a_copy() {
        let mut doc = sample();
        let held = doc.shared_scenario();
        assert!(
            doc.trial(|_| ()).is_none(),
            "a held scenario is not changed"
        );
        let fabrikam = PartyId::from("fabrikam");
        let tailspin = PartyId::from("tailspin");
        let v = best_verdict_in_place(&mut doc, &fabrikam, &tailspin);
        assert_eq!(v, best_verdict(&doc, &fabrikam, &tailspin));
        assert!(
            Arc::ptr_eq(&held, &doc.shared_scenario()),
            "nothing was copied into the document"
        );
        drop(held);
        assert!(doc.trial(|_| ()).is_some());
    }

    #[test]
    fn the_canvas_asks_for_a_verdict_and_shows_it_once_the_window_settled_it() {
        let mut doc = sample();
        let mut view = CanvasView::default();
        let (from, to) = (PartyId::from("fabrikam"), PartyId::from("tailspin"));
        assert_eq!(
            view.verdict(&doc, &from, &to),
            None,
            "not known in the first frame"
        );
        assert!(view.settle_verdict(&mut doc));
        assert!(!view.settle_verdict(&mut doc), "asked once");
        let shown = view
            .verdict(&doc, &from, &to)
            .expect("known in the next frame");
        assert_eq!(shown, best_verdict(&doc, &from, &to));
        // Another target is asked for afresh.
        let other = PartyId::from("contoso");
        assert_eq!(view.verdict(&doc, &from, &other), None);
        assert!(view.settle_verdict(&mut doc));
    }
}
