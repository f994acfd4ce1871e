//! Verdicts for the connect gesture: how a new link would fare, checked on a copy of the scenario.

use crate::model::{Link, LinkKind, PartyId};
use crate::rules::{Severity, chain_kinds};
use crate::ui::document::Document;

/// How a link would fare, for tinting targets while connecting.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// The worst finding the new link would have; `None` when valid.
    pub worst: Option<Severity>,
    /// Why, in a line.
    pub reason: String,
}

/// What a new link of `kind` from `from` to `to` would yield, checked on a copy of the scenario.
pub fn trial_link(doc: &Document, from: &PartyId, to: &PartyId, kind: LinkKind) -> Verdict {
    let s = doc.scenario();
    let mut trial = s.clone();
    let id = s.fresh_link_id("trial");
    let link = Link::new(id.clone(), kind, from.clone(), to.clone(), s.as_of());
    if trial.add_link(link).is_err() {
        return Verdict {
            worst: Some(Severity::Violation),
            reason: "cannot link these parties".to_owned(),
        };
    }
    let found = crate::rules::check_subject(&trial, s.as_of(), &crate::rules::Subject::Link(id));
    match found.iter().max_by_key(|f| f.severity) {
        None => Verdict {
            worst: None,
            reason: format!("a {} here is valid", kind.label()),
        },
        Some(f) => Verdict {
            worst: Some(f.severity),
            reason: format!("{}: {}", f.rule, f.message),
        },
    }
}

/// The verdict of the best kind of link between two parties.
pub fn best_verdict(doc: &Document, from: &PartyId, to: &PartyId) -> Verdict {
    let s = doc.scenario();
    let (Some(a), Some(b)) = (s.party(from.as_str()), s.party(to.as_str())) else {
        return Verdict {
            worst: Some(Severity::Violation),
            reason: String::new(),
        };
    };
    if from == to {
        return Verdict {
            worst: Some(Severity::Violation),
            reason: "a party cannot link to itself".to_owned(),
        };
    }
    let kinds = chain_kinds(a.kind, b.kind);
    if kinds.is_empty() {
        return Verdict {
            worst: Some(Severity::Violation),
            reason: format!(
                "no program chain runs from {} to {}",
                a.kind.with_article(),
                b.kind.with_article()
            ),
        };
    }
    kinds
        .into_iter()
        .map(|k| trial_link(doc, from, to, k))
        .min_by_key(|v| v.worst)
        .unwrap_or(Verdict {
            worst: None,
            reason: String::new(),
        })
}

impl super::CanvasView {
    /// [`best_verdict`] from `from` to `to`, remembered until the document or the pair changes.
    pub(super) fn verdict(&mut self, doc: &Document, from: &PartyId, to: &PartyId) -> Verdict {
        match &self.verdict {
            Some((revision, f, t, v)) if *revision == doc.revision() && f == from && t == to => {
                v.clone()
            }
            _ => {
                let v = best_verdict(doc, from, to);
                self.verdict = Some((doc.revision(), from.clone(), to.clone(), v.clone()));
                v
            }
        }
    }
}
