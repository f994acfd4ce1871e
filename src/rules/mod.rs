//! The rule engine: which parts of a channel break the CSP program's rules, why, and how to fix them.
//! Owns: the `Finding` and `QuickFix` types and how a message names parties. Must not: know egui,
//! files, or anything but the scenario it is given.
//!
//! Rules are pure functions of a [`Scenario`] as of a date: no egui, no I/O. Each rule family lives in
//! its own file with its tests over minimal scenarios; [`catalog`] documents every rule in one place (the
//! CLI's `rules` command, the explanation card and the README table all read it); [`engine`] runs them,
//! fully or incrementally after an edit.

pub mod catalog;
mod chain;
mod changes;
mod context;
mod customer;
mod dependents;
pub mod engine;
pub mod fixes;
mod gdap;
mod history;
mod identity;
mod readiness;
mod regions;
mod reroute;
mod sales;
#[cfg(test)]
mod test_support;

pub use catalog::{RuleId, RuleInfo, Severity};
pub use chain::{chain_kinds, forms_chain};
pub use customer::REGISTRATION_ID_COUNTRIES;
pub use engine::{Checker, Counts, check, check_as_of, check_strict_dates, check_subject};
pub use gdap::MAX_GDAP_DAYS;

use crate::edit::Edit;
use crate::model::{LinkId, PartyId, Scenario};
use serde::Serialize;
use std::fmt;

/// Opens a party's id in a finding's message template (see [`Name`]). Control characters are
/// refused in every text of a channel (`model::limits`) and in ids, so they cannot clash.
const NAME_OPEN: char = '\u{1}';
/// Closes it.
const NAME_CLOSE: char = '\u{2}';

/// A party's name in a finding's message, written as its id between markers and filled in when
/// the message is worded ([`word`]). Names never decide a rule, only how a finding reads: with
/// the ids in the template, renaming a party re-words the findings that name it and re-checks
/// nothing (before, it re-checked every link of the party that had a finding: 0.45 s for the
/// busiest provider of a million links).
#[derive(Clone, Copy)]
pub(crate) struct Name<'a>(pub &'a PartyId);

impl fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{NAME_OPEN}{}{NAME_CLOSE}", self.0)
    }
}

/// A message template with each marked party's current name (its id when it is not in the
/// scenario, as a finding always named an unknown party).
fn word(template: &str, scenario: &Scenario) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find(NAME_OPEN) {
        out.push_str(&rest[..open]);
        let after = &rest[open + NAME_OPEN.len_utf8()..];
        let close = after.find(NAME_CLOSE).unwrap_or(after.len());
        let id = &after[..close];
        out.push_str(scenario.party(id).map_or(id, |p| p.name.as_str()));
        rest = after
            .get(close + NAME_CLOSE.len_utf8()..)
            .unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// What a finding is about: a link, or a party as a whole.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// A link (most rules).
    Link(LinkId),
    /// A party (market, multi-partner and multi-channel notes).
    Party(PartyId),
}

impl Subject {
    /// The link id, if the finding is about a link.
    pub fn link(&self) -> Option<&LinkId> {
        match self {
            Subject::Link(id) => Some(id),
            Subject::Party(_) => None,
        }
    }

    /// The party id, if the finding is about a party.
    pub fn party(&self) -> Option<&PartyId> {
        match self {
            Subject::Party(id) => Some(id),
            Subject::Link(_) => None,
        }
    }
}

/// A concrete edit that resolves a finding, offered as a button.
#[derive(Clone, Debug, PartialEq)]
pub struct QuickFix {
    /// What the button says ("Mark the MPA of Contoso Reseller signed on 2021-03-01").
    pub label: String,
    /// The edit, applied as one undoable step.
    pub edit: Edit,
}

/// One broken (or noteworthy) rule on one link or party.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// Which rule.
    pub rule: RuleId,
    /// How bad; usually the rule's severity, but a rule may vary it by link kind.
    pub severity: Severity,
    /// The link or party it is about.
    pub subject: Subject,
    /// The parties of the chain it concerns, from Microsoft's side down (e.g. Microsoft → provider →
    /// reseller → customer), so the canvas can light the path up.
    pub path: Vec<PartyId>,
    /// What is wrong, naming the parties (by their names when the finding was made or last
    /// re-worded: a [`Checker`] re-words its findings when a party they name is renamed).
    pub message: String,
    /// The message with each party as a [`Name`] marker: what [`Finding::message`] is worded from.
    pub(crate) template: String,
    /// Concrete edits that resolve it, best first; empty when the fix needs a human decision, and
    /// always empty in a [`Checker`]'s findings (fixes can go stale after an edit anywhere, so they
    /// are worked out fresh for one subject: [`check_subject`], [`Checker::sorted_with_fixes`]).
    pub fixes: Vec<QuickFix>,
}

impl Finding {
    /// The rule's documentation.
    pub fn info(&self) -> &'static RuleInfo {
        self.rule.info()
    }

    /// The finding as JSON (rule, severity, link or party, path, message, the rule's fix and the
    /// public page it comes from), as `check --format json`, `diff` and `ask` print it.
    pub fn to_json(&self) -> serde_json::Value {
        let info = self.info();
        serde_json::json!({
            "rule": self.rule.key(),
            "severity": self.severity.key(),
            "link": self.subject.link().map(|l| l.as_str()),
            "party": self.subject.party().map(|p| p.as_str()),
            "path": self.path.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
            "message": self.message,
            "fix": info.fix,
            "source": info.source,
            "source_url": info.source_url,
        })
    }

    /// A finding whose message is a template with [`Name`] markers; the engine words it
    /// ([`Finding::word`]) before anyone reads it.
    fn new(rule: RuleId, subject: Subject, path: Vec<PartyId>, template: String) -> Self {
        Finding {
            rule,
            severity: rule.info().severity,
            subject,
            path,
            message: String::new(),
            template,
            fixes: Vec::new(),
        }
    }

    /// The id of the first party the message names: who the finding is chiefly about (a sale's
    /// seller or its billing provider, when one rule finds the same fault on both).
    pub fn first_named(&self) -> Option<&str> {
        let open = self.template.find(NAME_OPEN)? + NAME_OPEN.len_utf8();
        let len = self.template[open..].find(NAME_CLOSE)?;
        Some(&self.template[open..open + len])
    }

    /// Fills the parties' current names into the message.
    fn word(&mut self, scenario: &Scenario) {
        self.message = word(&self.template, scenario);
    }

    /// True when the message names one of the parties whose markers `finders` look for.
    fn names_any(&self, finders: &[memchr::memmem::Finder<'_>]) -> bool {
        let template = self.template.as_bytes();
        finders.iter().any(|f| f.find(template).is_some())
    }

    fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    fn fix(mut self, label: String, edit: Edit) -> Self {
        self.fixes.push(QuickFix { label, edit });
        self
    }

    /// [`Finding::fix`], worked out only when `wanted` (the check asks for fixes): a fix often
    /// copies a party or searches for a free id, which a [`Checker`] that keeps no fixes skips.
    fn fix_with(self, wanted: bool, make: impl FnOnce() -> (String, Edit)) -> Self {
        if !wanted {
            return self;
        }
        let (label, edit) = make();
        self.fix(label, edit)
    }
}
