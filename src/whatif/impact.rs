//! The impact of a what-if, readable: the findings it introduced and resolved grouped by rule and by
//! party, each with the customers it concerns, and the same as a Markdown handout and a CSV. Must
//! not compare scenarios itself ([`diff`](super::diff) does) nor write files.
//!
//! A finding is put on the partner it is chiefly about: the party its message names first when
//! that is a partner (a sale's seller, or its billing provider when the fault is the provider's),
//! else the link's supplying side, else the party itself. Its customer is the customer end of its
//! link, or the party when that is a customer.

use super::diff::{ChangeKind, ScenarioDiff};
use crate::export::sanitize::{csv_cell, markdown_code, markdown_line};
use crate::model::{Date, PartyId, PartyKind, Scenario};
use crate::rules::{Finding, RuleId, Severity, Subject};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// One rule's share of the impact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleImpact {
    /// The rule.
    pub rule: RuleId,
    /// Its worst severity among these findings.
    pub severity: Severity,
    /// Findings introduced.
    pub introduced: usize,
    /// Findings resolved.
    pub resolved: usize,
    /// Customers its introduced findings concern.
    pub customers_introduced: usize,
    /// Customers its resolved findings concern.
    pub customers_resolved: usize,
}

/// One partner's share of the impact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartyImpact {
    /// The party.
    pub party: PartyId,
    /// Its name (in the what-if, or the base when it is gone).
    pub name: String,
    /// Its kind.
    pub kind: Option<PartyKind>,
    /// Findings introduced on it.
    pub introduced: usize,
    /// Findings resolved.
    pub resolved: usize,
    /// Violations among those introduced.
    pub violations: usize,
    /// The rules of the findings introduced, by id.
    pub rules: BTreeSet<RuleId>,
    /// Customers concerned by its findings, introduced or resolved.
    pub customers: usize,
}

/// What a what-if does to the findings, grouped for people.
#[derive(Clone, Debug, PartialEq)]
pub struct Impact {
    /// The day both sides were checked as of.
    pub as_of: Date,
    /// Rules with findings introduced or resolved, most introduced violations first.
    pub by_rule: Vec<RuleImpact>,
    /// Parties with findings introduced or resolved, most introduced first.
    pub by_party: Vec<PartyImpact>,
    /// Findings introduced.
    pub introduced: usize,
    /// Violations among them.
    pub violations: usize,
    /// Findings resolved.
    pub resolved: usize,
    /// Customers concerned by a finding introduced or resolved.
    pub customers: usize,
    /// Parties added, removed and changed.
    pub parties: [usize; 3],
    /// Links added, ended (a change that only sets their end), removed, and otherwise changed.
    pub links: [usize; 4],
}

/// Who a finding is chiefly about and which customer it concerns.
struct Placed {
    party: Option<PartyId>,
    customer: Option<PartyId>,
}

/// Where a finding goes, looked up in `s` (the what-if for introduced findings, the base for
/// resolved ones).
fn place(s: &Scenario, f: &Finding) -> Placed {
    let is =
        |id: &str, kinds: &dyn Fn(PartyKind) -> bool| s.party(id).is_some_and(|p| kinds(p.kind));
    let partner = |id: &str| {
        is(id, &|k: PartyKind| {
            k.is_partner() || k == PartyKind::Microsoft
        })
    };
    let customer = |id: &str| is(id, &|k: PartyKind| k == PartyKind::Customer);
    let named = f.first_named().filter(|id| partner(id)).map(PartyId::from);
    match &f.subject {
        Subject::Link(id) => {
            let link = s.link(id.as_str());
            Placed {
                party: named.or_else(|| link.map(|l| l.from)),
                customer: link
                    .and_then(|l| [&l.to, &l.from].into_iter().find(|p| customer(p.as_str())))
                    .cloned(),
            }
        }
        Subject::Party(id) => Placed {
            party: named.or(Some(*id)),
            customer: customer(id.as_str()).then_some(*id),
        },
    }
}

/// Groups a diff's findings by rule and by party (`base` and `whatif` are the scenarios it compared).
pub fn impact(d: &ScenarioDiff, base: &Scenario, whatif: &Scenario) -> Impact {
    #[derive(Default)]
    struct Tally {
        introduced: usize,
        resolved: usize,
        violations: usize,
        worst: Option<Severity>,
        rules: BTreeSet<RuleId>,
        customers_introduced: BTreeSet<PartyId>,
        customers_resolved: BTreeSet<PartyId>,
    }
    let mut rules: BTreeMap<RuleId, Tally> = BTreeMap::new();
    let mut parties: BTreeMap<PartyId, Tally> = BTreeMap::new();
    let mut customers = BTreeSet::new();
    for (findings, s, introduced) in [(&d.introduced, whatif, true), (&d.resolved, base, false)] {
        for f in findings {
            let placed = place(s, f);
            let count = |t: &mut Tally| {
                if introduced {
                    t.introduced += 1;
                    t.rules.insert(f.rule);
                    if f.severity == Severity::Violation {
                        t.violations += 1;
                    }
                    t.customers_introduced.extend(placed.customer);
                } else {
                    t.resolved += 1;
                    t.customers_resolved.extend(placed.customer);
                }
                t.worst = t.worst.max(Some(f.severity));
            };
            count(rules.entry(f.rule).or_default());
            if let Some(party) = &placed.party {
                count(parties.entry(*party).or_default());
            }
            customers.extend(placed.customer);
        }
    }
    let mut by_rule: Vec<RuleImpact> = rules
        .into_iter()
        .map(|(rule, t)| RuleImpact {
            rule,
            severity: t.worst.unwrap_or(rule.info().severity),
            introduced: t.introduced,
            resolved: t.resolved,
            customers_introduced: t.customers_introduced.len(),
            customers_resolved: t.customers_resolved.len(),
        })
        .collect();
    by_rule.sort_by_key(|r| {
        (
            std::cmp::Reverse(r.introduced > 0),
            std::cmp::Reverse(r.severity),
            std::cmp::Reverse(r.introduced),
            std::cmp::Reverse(r.resolved),
            r.rule,
        )
    });
    let mut by_party: Vec<PartyImpact> = parties
        .into_iter()
        .map(|(party, t)| {
            let found = whatif
                .party(party.as_str())
                .or_else(|| base.party(party.as_str()));
            PartyImpact {
                name: found.map_or_else(|| party.to_string(), |p| p.name.clone()),
                kind: found.map(|p| p.kind),
                introduced: t.introduced,
                resolved: t.resolved,
                violations: t.violations,
                rules: t.rules,
                customers: t.customers_introduced.union(&t.customers_resolved).count(),
                party,
            }
        })
        .collect();
    by_party.sort_by(|a, b| {
        (b.violations, b.introduced, b.resolved)
            .cmp(&(a.violations, a.introduced, a.resolved))
            .then_with(|| a.party.cmp(&b.party))
    });
    let count = |changes: &[super::diff::ElementChange], kind: &dyn Fn(&ChangeKind) -> bool| {
        changes.iter().filter(|c| kind(&c.kind)).count()
    };
    let ended = |k: &ChangeKind| matches!(k, ChangeKind::Changed(fields) if fields.len() == 1 && fields[0].field == "ended" && fields[0].before == "—");
    Impact {
        as_of: d.as_of,
        by_rule,
        by_party,
        introduced: d.introduced.len(),
        violations: d
            .introduced
            .iter()
            .filter(|f| f.severity == Severity::Violation)
            .count(),
        resolved: d.resolved.len(),
        customers: customers.len(),
        parties: [
            count(&d.parties, &|k| *k == ChangeKind::Added),
            count(&d.parties, &|k| *k == ChangeKind::Removed),
            count(&d.parties, &|k| matches!(k, ChangeKind::Changed(_))),
        ],
        links: [
            count(&d.links, &|k| *k == ChangeKind::Added),
            count(&d.links, &ended),
            count(&d.links, &|k| *k == ChangeKind::Removed),
            count(&d.links, &|k| {
                matches!(k, ChangeKind::Changed(_)) && !ended(k)
            }),
        ],
    }
}

/// A severity's mark, as the window shows it (colour never alone).
fn symbol(severity: Severity) -> &'static str {
    match severity {
        Severity::Violation => "✖",
        Severity::Warning => "⚠",
        Severity::Note => "ℹ",
    }
}

/// How many parties the handout's party table lists (the CSV has every finding).
const PARTIES_SHOWN: usize = 40;

/// How many parties the terminal's summary lists.
const PARTIES_LISTED: usize = 10;

/// How many findings the handout lists one by one.
const FINDINGS_SHOWN: usize = 100;

impl Impact {
    /// The impact in one paragraph: what changed, what broke and what was fixed, and for how many
    /// customers (the CLI's summary, the compare card's first line).
    pub fn summary(&self) -> String {
        use crate::text::count;
        let [added, removed, changed] = self.parties;
        let [links_added, links_ended, links_removed, links_changed] = self.links;
        let mut changes = Vec::new();
        for (n, one, many) in [
            (links_ended, "link ended", "links ended"),
            (links_added, "link made", "links made"),
            (links_removed, "link removed", "links removed"),
            (links_changed, "link changed", "links changed"),
            (added, "party added", "parties added"),
            (removed, "party removed", "parties removed"),
            (changed, "party changed", "parties changed"),
        ] {
            if n > 0 {
                changes.push(count(n, one, many));
            }
        }
        if changes.is_empty() {
            changes.push("nothing changed".to_owned());
        }
        format!(
            "{}. Findings as of {}: {} introduced ({}), {} resolved; {} concerned.",
            changes.join(", "),
            self.as_of,
            self.introduced,
            count(self.violations, "violation", "violations"),
            self.resolved,
            count(self.customers, "customer", "customers")
        )
    }

    /// The impact as text for a terminal: the summary, each rule with its counts, and the parties
    /// with the most findings introduced.
    pub fn to_text(&self, base_name: &str) -> String {
        let mut out = format!("{}\n", self.summary());
        if !self.by_rule.is_empty() {
            let _ = writeln!(out, "By rule (compared with {base_name}):");
        }
        for r in &self.by_rule {
            let mut parts = Vec::new();
            if r.introduced > 0 {
                parts.push(format!(
                    "+{} on {}",
                    r.introduced,
                    crate::text::count(r.customers_introduced, "customer", "customers")
                ));
            }
            if r.resolved > 0 {
                parts.push(format!(
                    "-{} on {}",
                    r.resolved,
                    crate::text::count(r.customers_resolved, "customer", "customers")
                ));
            }
            let _ = writeln!(
                out,
                "  {} {} ({}): {}",
                symbol(r.severity),
                r.rule.info().title,
                r.rule.key(),
                parts.join(", ")
            );
        }
        let shown: Vec<&PartyImpact> = self
            .by_party
            .iter()
            .filter(|p| p.introduced > 0)
            .take(PARTIES_LISTED)
            .collect();
        if !shown.is_empty() {
            let _ = writeln!(out, "Parties with the most findings introduced:");
        }
        for p in shown {
            let _ = writeln!(
                out,
                "  {} ({}): +{} ({}), {}",
                p.name,
                p.party,
                p.introduced,
                crate::text::count(p.violations, "violation", "violations"),
                crate::text::count(p.customers, "customer", "customers")
            );
        }
        out
    }

    /// The impact as a Markdown handout: the summary, what to do first, then the tables by rule and
    /// by party, and the findings introduced one by one (the first [`FINDINGS_SHOWN`]).
    pub fn to_markdown(&self, d: &ScenarioDiff, base_name: &str, whatif_name: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# What-if impact: {}\n", markdown_line(whatif_name));
        let _ = writeln!(
            out,
            "Compared with {}, both checked as of {}.\n",
            markdown_line(base_name),
            self.as_of
        );
        let _ = writeln!(out, "{}\n", markdown_line(&self.summary()));
        let first: Vec<&RuleImpact> = self
            .by_rule
            .iter()
            .filter(|r| r.introduced > 0 && r.severity != Severity::Note)
            .collect();
        if !first.is_empty() {
            let _ = writeln!(out, "## What to do first\n");
            for (i, r) in first.iter().enumerate() {
                let info = r.rule.info();
                let _ = writeln!(
                    out,
                    "{}. **{}** ({}, {} on {}): {}",
                    i + 1,
                    markdown_line(info.title),
                    r.severity,
                    crate::text::count(r.introduced, "finding", "findings"),
                    crate::text::count(r.customers_introduced, "customer", "customers"),
                    markdown_line(info.fix)
                );
            }
            out.push('\n');
        }
        if !self.by_rule.is_empty() {
            let _ = writeln!(out, "## By rule\n");
            let _ = writeln!(
                out,
                "| Rule | Severity | Introduced | Customers | Resolved | Customers |\n|---|---|---:|---:|---:|---:|"
            );
            for r in &self.by_rule {
                let _ = writeln!(
                    out,
                    "| {} {} | {} | {} | {} | {} | {} |",
                    markdown_line(r.rule.info().title),
                    markdown_code(r.rule.key()),
                    r.severity,
                    r.introduced,
                    r.customers_introduced,
                    r.resolved,
                    r.customers_resolved
                );
            }
            out.push('\n');
        }
        if !self.by_party.is_empty() {
            let _ = writeln!(out, "## By party\n");
            let _ = writeln!(
                out,
                "| Party | Kind | Introduced | Violations | Resolved | Customers | Rules introduced |\n|---|---|---:|---:|---:|---:|---|"
            );
            for p in self.by_party.iter().take(PARTIES_SHOWN) {
                let rules: Vec<String> = p.rules.iter().map(|r| markdown_code(r.key())).collect();
                let _ = writeln!(
                    out,
                    "| {} {} | {} | {} | {} | {} | {} | {} |",
                    markdown_line(&p.name),
                    markdown_code(p.party.as_str()),
                    p.kind.map_or("—", PartyKind::label),
                    p.introduced,
                    p.violations,
                    p.resolved,
                    p.customers,
                    rules.join(", ")
                );
            }
            if self.by_party.len() > PARTIES_SHOWN {
                let _ = writeln!(
                    out,
                    "\n{} more (every finding is in the CSV: `--format csv`).",
                    crate::text::count(self.by_party.len() - PARTIES_SHOWN, "party", "parties")
                );
            }
            out.push('\n');
        }
        for (heading, findings) in [
            ("Findings introduced", &d.introduced),
            ("Findings resolved", &d.resolved),
        ] {
            if findings.is_empty() {
                continue;
            }
            let _ = writeln!(out, "## {heading}\n");
            for f in findings.iter().take(FINDINGS_SHOWN) {
                let _ = writeln!(
                    out,
                    "- {} {}: {} ({})",
                    symbol(f.severity),
                    markdown_line(f.info().title),
                    markdown_line(&f.message),
                    match &f.subject {
                        Subject::Link(id) => format!("link {}", markdown_code(id.as_str())),
                        Subject::Party(id) => format!("party {}", markdown_code(id.as_str())),
                    }
                );
            }
            if findings.len() > FINDINGS_SHOWN {
                let _ = writeln!(
                    out,
                    "- … and {} more (every finding is in the CSV: `--format csv`).",
                    findings.len() - FINDINGS_SHOWN
                );
            }
            out.push('\n');
        }
        out
    }

    /// Every finding introduced or resolved, one a row, with the party and customer it is put on
    /// (for a spreadsheet: filter by party, count by rule). Cells are guarded against formulas.
    pub fn to_csv(
        d: &ScenarioDiff,
        base: &Scenario,
        whatif: &Scenario,
    ) -> Result<String, csv::Error> {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        w.write_record([
            "change",
            "severity",
            "rule",
            "subject",
            "subject_id",
            "party_id",
            "party",
            "customer_id",
            "customer",
            "message",
        ])?;
        for (change, findings, s) in [
            ("introduced", &d.introduced, whatif),
            ("resolved", &d.resolved, base),
        ] {
            for f in findings {
                let placed = place(s, f);
                let name = |id: &Option<PartyId>| {
                    id.as_ref()
                        .and_then(|id| s.party(id.as_str()))
                        .map(|p| p.name.clone())
                        .unwrap_or_default()
                };
                let (subject, subject_id) = match &f.subject {
                    Subject::Link(id) => ("link", id.as_str()),
                    Subject::Party(id) => ("party", id.as_str()),
                };
                let party_id = placed.party.as_ref().map_or("", PartyId::as_str).to_owned();
                let customer_id = placed
                    .customer
                    .as_ref()
                    .map_or("", PartyId::as_str)
                    .to_owned();
                w.write_record([
                    change,
                    f.severity.key(),
                    f.rule.key(),
                    subject,
                    &csv_cell(subject_id),
                    &csv_cell(&party_id),
                    &csv_cell(&name(&placed.party)),
                    &csv_cell(&customer_id),
                    &csv_cell(&name(&placed.customer)),
                    &csv_cell(&f.message),
                ])?;
            }
        }
        let bytes = w
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}
