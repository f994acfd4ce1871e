//! The findings list and the explanation card of one finding, with the list's filters. Must not
//! change the scenario or the selection itself: clicks and quick fixes return commands.
//!
//! The list is grouped by rule (plain title and count), one entry per distinct message (the parties
//! named in words; ids only in the details line), filtered by severity, rule and party with the filters
//! kept in place above it, and virtualised: only the rows in view are laid out, so a channel with
//! 100,000 findings scrolls as fast as one with ten.

use crate::rules::fixes::ProvenFinding;
use crate::rules::{Checker, Finding, RuleId, Severity, Subject};
use crate::ui::command::Command;
use crate::ui::document::Document;
use crate::ui::style::{count, severity_symbol, severity_text, valid_text};
use egui::{Color32, RichText};
use std::collections::{BTreeMap, BTreeSet};

/// Which findings the findings list shows, and the list it built for them (rebuilt only when the
/// scenario or the filter changes).
#[derive(Clone, Debug)]
pub struct FindingFilter {
    /// Shown severities, worst first (as [`Severity::WORST_FIRST`]).
    severities: [bool; 3],
    rule: Option<RuleId>,
    party: String,
    /// Rules whose group is folded.
    collapsed: BTreeSet<RuleId>,
    /// How many findings the reading shown has before filtering.
    total: usize,
    /// The audit reading: each purchase's chain checked on the purchase's own date
    /// (`check --strict-dates`) instead of the as-of date. The canvas keeps the ordinary reading.
    pub strict_dates: bool,
    cache: Option<ListCache>,
}

impl Default for FindingFilter {
    fn default() -> Self {
        FindingFilter {
            severities: [true; 3],
            rule: None,
            party: String::new(),
            collapsed: BTreeSet::new(),
            total: 0,
            strict_dates: false,
            cache: None,
        }
    }
}

type ListKey = (
    u64,
    [bool; 3],
    Option<RuleId>,
    String,
    BTreeSet<RuleId>,
    bool,
);

/// Every finding of a reading, sorted by subject, rule and message.
#[derive(Clone, Debug)]
enum Reading {
    /// The checker's findings, each as its subject and its place among the checker's findings on
    /// that subject. Why not copies: a finding holds its chain, message and wording, about 500
    /// bytes, and the copies of c300k.cspx's 19,000 findings kept 10 MB of the window resident
    /// for a list that shows twenty of them at a time.
    Checker(Vec<(Subject, u32)>),
    /// The audit reading's findings (`check --strict-dates`), which no checker holds.
    Audit(Vec<Finding>),
}

impl Reading {
    /// The checker's findings, sorted.
    fn of_checker(checker: &Checker) -> Reading {
        let mut all = Vec::with_capacity(checker.iter().count());
        for subject in checker.subjects() {
            all.extend(places(checker, &subject));
        }
        Reading::Checker(all)
    }

    fn len(&self) -> usize {
        match self {
            Reading::Checker(all) => all.len(),
            Reading::Audit(all) => all.len(),
        }
    }

    /// The `i`th finding; `checker` is the one the reading was taken from (None only if it
    /// changed since, which the list's key rules out).
    fn get<'a>(&'a self, checker: &'a Checker, i: usize) -> Option<&'a Finding> {
        match self {
            Reading::Checker(all) => {
                let (subject, at) = all.get(i)?;
                checker.for_subject(subject).get(*at as usize)
            }
            Reading::Audit(all) => all.get(i),
        }
    }

    /// Every finding, in order.
    fn findings<'a>(&'a self, checker: &'a Checker) -> Vec<&'a Finding> {
        (0..self.len())
            .filter_map(|i| self.get(checker, i))
            .collect()
    }
}

/// The checker's findings on `subject` as places, sorted by rule and message.
fn places(checker: &Checker, subject: &Subject) -> Vec<(Subject, u32)> {
    let findings = checker.for_subject(subject);
    let mut order: Vec<u32> = (0..findings.len() as u32).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&findings[a as usize], &findings[b as usize]);
        (a.rule, &a.message).cmp(&(b.rule, &b.message))
    });
    order.into_iter().map(|at| (subject.clone(), at)).collect()
}

#[derive(Clone, Debug)]
struct ListCache {
    key: ListKey,
    /// Every finding of the reading, sorted (by subject, rule and message).
    all: Reading,
    /// The findings version of the document `all` was taken at (see
    /// [`Document::findings_version`]); `None` for a reading that is not the checker's.
    version: Option<u64>,
    /// The findings the filters let through (indexes into `all`).
    picked: Vec<usize>,
    rows: Vec<Row>,
    shown: usize,
}

impl ListCache {
    /// The `index`th finding shown, `checker` being the document's.
    fn finding<'a>(&'a self, checker: &'a Checker, index: usize) -> Option<&'a Finding> {
        self.all.get(checker, *self.picked.get(index)?)
    }
}

/// Brings `all` (the checker's findings, sorted) up to date with `changed` subjects, whose findings
/// the document re-checked since: each subject's run of findings is replaced in place, so an edit
/// costs what it changed rather than a sort of every finding. None when too much changed.
fn patch(all: &mut Reading, changed: &BTreeSet<Subject>, checker: &Checker) -> Option<()> {
    let Reading::Checker(all) = all else {
        return None;
    };
    if changed.len() > 64 + all.len() / 16 {
        return None;
    }
    for subject in changed {
        let start = all.partition_point(|(s, _)| s < subject);
        let end = start + all[start..].partition_point(|(s, _)| s == subject);
        all.splice(start..end, places(checker, subject));
    }
    Some(())
}

/// One row of the list: a rule's heading or one distinct finding under it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Row {
    Group {
        rule: RuleId,
        severity: Severity,
        count: usize,
        folded: bool,
    },
    Entry {
        /// Index into the cached findings.
        index: usize,
        /// How many findings share its rule and message (one per link, say).
        repeats: usize,
    },
}

/// Groups `findings` (worst first) by rule, one entry per distinct message; folded rules keep only
/// their heading. Returns the rows.
fn rows_of(findings: &[&Finding], collapsed: &BTreeSet<RuleId>) -> Vec<Row> {
    let mut order: Vec<RuleId> = Vec::new();
    let mut groups: BTreeMap<RuleId, (Severity, Vec<usize>)> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        let group = groups.entry(f.rule).or_insert_with(|| {
            order.push(f.rule);
            (f.severity, Vec::new())
        });
        group.0 = group.0.max(f.severity);
        group.1.push(i);
    }
    order.sort_by_key(|r| std::cmp::Reverse(groups[r].0));
    let mut rows = Vec::new();
    for rule in order {
        let (severity, members) = &groups[&rule];
        let folded = collapsed.contains(&rule);
        rows.push(Row::Group {
            rule,
            severity: *severity,
            count: members.len(),
            folded,
        });
        if folded {
            continue;
        }
        let mut by_message: Vec<(usize, usize)> = Vec::new();
        let mut seen: std::collections::HashMap<&str, usize, foldhash::fast::RandomState> =
            Default::default();
        for &i in members {
            match seen.get(findings[i].message.as_str()) {
                Some(&at) => by_message[at].1 += 1,
                None => {
                    seen.insert(&findings[i].message, by_message.len());
                    by_message.push((i, 1));
                }
            }
        }
        rows.extend(
            by_message
                .into_iter()
                .map(|(index, repeats)| Row::Entry { index, repeats }),
        );
    }
    rows
}

/// True when the finding concerns a party whose name or id contains `needle` (lower case).
fn mentions(doc: &Document, f: &Finding, needle: &str) -> bool {
    let s = doc.scenario();
    let subject_parties: Vec<&str> = match &f.subject {
        Subject::Party(id) => vec![id.as_str()],
        Subject::Link(id) => s
            .link(id.as_str())
            .map(|l| vec![l.from.as_str(), l.to.as_str()])
            .unwrap_or_default(),
    };
    f.path
        .iter()
        .map(|p| p.as_str())
        .chain(subject_parties)
        .any(|id| {
            id.to_lowercase().contains(needle)
                || s.party(id)
                    .is_some_and(|p| p.name.to_lowercase().contains(needle))
        })
}

impl FindingFilter {
    fn key(&self, doc: &Document) -> ListKey {
        let needle = self.party.trim().to_lowercase();
        // The party filter reads names, which can change without a finding changing; the audit
        // reading is checked anew. Otherwise the list follows the checker's findings only.
        let version = if self.strict_dates || !needle.is_empty() {
            doc.revision()
        } else {
            doc.findings_version()
        };
        (
            version,
            self.severities,
            self.rule,
            needle,
            self.collapsed.clone(),
            self.strict_dates,
        )
    }

    /// The list for the document as it is now, redone only when something changed, and then by
    /// replacing the findings of what the document re-checked when it can.
    fn list(&mut self, doc: &Document) -> &ListCache {
        let key = self.key(doc);
        if self.cache.as_ref().is_none_or(|c| c.key != key) {
            let started = std::time::Instant::now();
            let needle = key.3.clone();
            let reading = (!self.strict_dates && needle.is_empty()).then(|| doc.findings_version());
            let mut all = match self.cache.take() {
                Some(cache)
                    if reading.is_some()
                        && let Some(since) = cache.version
                        && let Some(changed) = doc.findings_changes(since) =>
                {
                    let mut all = cache.all;
                    patch(&mut all, &changed, doc.checker()).map(|()| all)
                }
                _ => None,
            };
            if all.is_none() {
                all = Some(if self.strict_dates {
                    let s = doc.scenario();
                    let mut all = crate::rules::check_strict_dates(s, s.as_of());
                    all.sort_by(|a, b| {
                        (&a.subject, a.rule, &a.message).cmp(&(&b.subject, b.rule, &b.message))
                    });
                    Reading::Audit(all)
                } else {
                    Reading::of_checker(doc.checker())
                });
            }
            let all = all.unwrap_or(Reading::Audit(Vec::new()));
            self.total = all.len();
            let every = all.findings(doc.checker());
            let picked: Vec<usize> = every
                .iter()
                .enumerate()
                .filter(|(_, f)| {
                    Severity::WORST_FIRST
                        .iter()
                        .position(|s| *s == f.severity)
                        .is_none_or(|i| self.severities[i])
                })
                .filter(|(_, f)| self.rule.is_none_or(|r| r == f.rule))
                .filter(|(_, f)| needle.is_empty() || mentions(doc, f, &needle))
                .map(|(i, _)| i)
                .collect();
            let findings: Vec<&Finding> = picked.iter().map(|&i| every[i]).collect();
            let rows = rows_of(&findings, &self.collapsed);
            let shown = picked.len();
            log::debug!(
                "findings list: {shown} of {} findings in {} rows, in {:?}",
                all.len(),
                rows.len(),
                started.elapsed()
            );
            self.cache = Some(ListCache {
                key,
                all,
                version: reading,
                picked,
                rows,
                shown,
            });
        }
        self.cache.as_ref().expect("just built")
    }
}

/// What a finding is about, for the details line: "link supply-adatum · rule incomplete-chain".
fn details(f: &Finding) -> String {
    let subject = match &f.subject {
        Subject::Link(id) => format!("link {id}"),
        Subject::Party(id) => format!("party {id}"),
    };
    format!("{subject} · rule {}", f.rule)
}

/// All findings, grouped by rule, filterable by severity, rule and party; a click explains one and
/// brings it into view.
pub fn findings_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    filter: &mut FindingFilter,
    explained: Option<&Finding>,
) -> Vec<Command> {
    let mut out = Vec::new();
    ui.heading("Findings");
    ui.horizontal_wrapped(|ui| {
        for (i, severity) in Severity::WORST_FIRST.into_iter().enumerate() {
            // Plain text: the symbol tells the severity, and coloured text on the selected
            // button's fill would not be readable.
            let text = format!("{} {}s", severity_symbol(severity), severity.key());
            ui.toggle_value(&mut filter.severities[i], text)
                .on_hover_text(format!("Show or hide the {}s", severity.key()));
        }
    });
    ui.horizontal(|ui| {
        egui::ComboBox::from_id_salt("finding-rule")
            .selected_text(filter.rule.map_or("every rule", |r| r.info().title))
            .width(170.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut filter.rule, None, "every rule");
                for rule in RuleId::ALL {
                    ui.selectable_value(&mut filter.rule, Some(*rule), rule.info().title);
                }
            });
        ui.add(
            egui::TextEdit::singleline(&mut filter.party)
                .hint_text("party name")
                .desired_width(120.0),
        );
    });
    ui.checkbox(
        &mut filter.strict_dates,
        "Audit: chains on each sale's own date",
    )
    .on_hover_text(
        "Check each purchase's chain (partnership, supply) on the purchase's own date instead of \
             the as-of date, as an auditor reads it: a 2020 sale that had no partnership in 2020 \
             is listed. The canvas keeps the ordinary reading.",
    );
    filter.list(doc);
    let total = filter.total;
    let list = filter.list(doc);
    if list.picked.is_empty() {
        if total == 0 {
            ui.colored_label(valid_text(ui), "✔ Nothing to report.");
        } else {
            ui.label(format!(
                "No finding matches the filters ({} hidden).",
                count(total, "finding", "findings")
            ));
        }
        return out;
    }
    if list.shown < total {
        ui.weak(format!(
            "Showing {} of {total}.",
            count(list.shown, "finding", "findings")
        ));
    }
    let row_height = ui.text_style_height(&egui::TextStyle::Body) * 2.0 + 6.0;
    let mut toggle = None;
    egui::ScrollArea::vertical()
        .id_salt("findings-list")
        .auto_shrink([false, false])
        .show_rows(ui, row_height, list.rows.len(), |ui, range| {
            for row in &list.rows[range] {
                let (rect, response) = ui.allocate_exact_size(
                    egui::vec2(ui.available_width(), row_height),
                    egui::Sense::click(),
                );
                let painter = ui.painter_at(rect);
                let body = egui::TextStyle::Body.resolve(ui.style());
                let small = egui::TextStyle::Small.resolve(ui.style());
                let text = ui.visuals().text_color();
                let weak = ui.visuals().weak_text_color();
                let width = rect.width() - 8.0;
                match *row {
                    Row::Group {
                        rule,
                        severity,
                        count: n,
                        folded,
                    } => {
                        let title = format!(
                            "{} {} {} ({})",
                            if folded { "▶" } else { "▼" },
                            severity_symbol(severity),
                            rule.info().title,
                            crate::text::thousands(n)
                        );
                        response.widget_info(|| {
                            egui::WidgetInfo::labeled(egui::WidgetType::Button, true, &title)
                        });
                        // Cut to the panel with an ellipsis, whole in the tooltip (a long
                        // rule title ran off the panel's edge, cut mid-word).
                        let galley = ui.painter().layout_no_wrap(
                            truncate(ui, &title, &body, width),
                            body.clone(),
                            severity_text(ui, severity),
                        );
                        painter.galley(rect.left_top() + egui::vec2(2.0, 2.0), galley, text);
                        let what = truncate(ui, rule.info().what, &small, width - 16.0);
                        painter.text(
                            rect.left_top() + egui::vec2(18.0, row_height / 2.0 + 1.0),
                            egui::Align2::LEFT_TOP,
                            what,
                            small.clone(),
                            weak,
                        );
                        let click = if folded {
                            "Click to show this rule's findings."
                        } else {
                            "Click to fold this rule's findings."
                        };
                        if response
                            .on_hover_text(format!("{title}\n{}\n{click}", rule.info().what))
                            .clicked()
                        {
                            toggle = Some(rule);
                        }
                    }
                    Row::Entry { index, repeats } => {
                        let Some(f) = list.finding(doc.checker(), index) else {
                            continue;
                        };
                        let selected = explained.is_some_and(|e| {
                            e.rule == f.rule && e.subject == f.subject && e.message == f.message
                        });
                        if selected {
                            painter.rect_filled(rect, 2.0, ui.visuals().selection.bg_fill);
                        } else if response.hovered() {
                            painter.rect_filled(
                                rect,
                                2.0,
                                ui.visuals().widgets.hovered.weak_bg_fill,
                            );
                        }
                        // The count goes first, where truncation cannot hide it.
                        let message = if repeats > 1 {
                            format!("×{repeats} · {}", f.message)
                        } else {
                            f.message.clone()
                        };
                        let line = truncate(ui, &message, &body, width - 18.0);
                        painter.text(
                            rect.left_top() + egui::vec2(18.0, 2.0),
                            egui::Align2::LEFT_TOP,
                            line,
                            body.clone(),
                            text,
                        );
                        painter.text(
                            rect.left_top() + egui::vec2(18.0, row_height / 2.0 + 1.0),
                            egui::Align2::LEFT_TOP,
                            truncate(ui, &details(f), &small, width - 18.0),
                            small.clone(),
                            weak,
                        );
                        let response = response.on_hover_text(format!("{message}\n{}", details(f)));
                        response.widget_info(|| {
                            egui::WidgetInfo::selected(
                                egui::WidgetType::SelectableLabel,
                                true,
                                selected,
                                &f.message,
                            )
                        });
                        if response.clicked() {
                            out.push(Command::Explain(f.clone()));
                        }
                    }
                }
            }
        });
    if let Some(rule) = toggle
        && !filter.collapsed.remove(&rule)
    {
        filter.collapsed.insert(rule);
    }
    out
}

/// `text` cut to fit `width` with an ellipsis (the whole text is in the row's tooltip).
fn truncate(ui: &egui::Ui, text: &str, font: &egui::FontId, width: f32) -> String {
    let fits = |t: &str| {
        ui.fonts_mut(|f| {
            f.layout_no_wrap(t.to_owned(), font.clone(), Color32::WHITE)
                .size()
                .x
        }) <= width
    };
    if fits(text) {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid].iter().collect::<String>() + "…";
        if fits(&candidate) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    chars[..lo].iter().collect::<String>() + "…"
}

/// The explanation card of one finding: the rule's what, why, source (a link to the public page)
/// and fix, and quick fixes.
pub fn explanation_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    finding: Option<&Finding>,
) -> Vec<Command> {
    let mut out = Vec::new();
    let Some(finding) = finding else {
        return out;
    };
    let info = finding.info();
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(2.0, severity_text(ui, finding.severity)))
        .show(ui, |ui| {
            ui.label(
                RichText::new(format!(
                    "{} {} — {}",
                    severity_symbol(finding.severity),
                    info.title,
                    finding.severity
                ))
                .heading()
                .color(severity_text(ui, finding.severity)),
            );
            ui.label(
                RichText::new(format!("rule {}", info.id))
                    .monospace()
                    .weak(),
            );
            ui.label(&finding.message);
            ui.add_space(4.0);
            ui.label(RichText::new("Why").strong());
            ui.label(info.why);
            ui.label(RichText::new("Source").strong());
            // The public page the rule comes from, opened in the browser (eframe's `links`).
            ui.hyperlink_to(format!("🔗 {}", info.source), info.source_url)
                .on_hover_text(info.source_url);
            ui.label(RichText::new("Fix").strong());
            ui.label(info.fix);
            let proven = proven_fixes(ui, doc, finding);
            for fix in &proven.finding.fixes {
                if ui
                    .add(egui::Button::new(format!("🔧 {}", fix.label)).wrap())
                    .clicked()
                {
                    out.push(Command::Edit(fix.edit.clone()));
                }
            }
            for withheld in &proven.withheld {
                ui.label(
                    RichText::new(format!(
                        "Not offered: {} — {}. Decide this one by hand.",
                        withheld.label, withheld.why
                    ))
                    .weak(),
                );
            }
        });
    out
}

/// The proven quick fixes of a finding, worked out once per document revision (each is tried on a
/// copy of the channel, see `rules::fixes`) and kept in egui's memory rather than redone per frame.
pub(crate) fn proven_fixes(ui: &egui::Ui, doc: &Document, finding: &Finding) -> ProvenFinding {
    let id = egui::Id::new((
        "proven-fixes",
        doc.revision(),
        &finding.subject,
        finding.rule,
        &finding.message,
    ));
    if let Some(cached) = ui.memory(|m| m.data.get_temp::<ProvenFinding>(id)) {
        return cached;
    }
    let s = doc.scenario();
    let fresh = crate::rules::fixes::check_subject_proven(s, s.as_of(), &finding.subject)
        .into_iter()
        .find(|p| p.finding.rule == finding.rule && p.finding.message == finding.message)
        .unwrap_or_else(|| ProvenFinding {
            finding: Finding {
                fixes: Vec::new(),
                ..finding.clone()
            },
            withheld: Vec::new(),
        });
    ui.memory_mut(|m| m.data.insert_temp(id, fresh.clone()));
    fresh
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::check;

    #[test]
    fn rows_group_by_rule_worst_first_and_merge_repeated_messages() {
        let s = crate::scenarios::builtin("sample-7-forbidden")
            .expect("built in")
            .load()
            .expect("loads");
        let mut findings = check(&s);
        // The same message on two links is one entry with a count.
        let mut twin = findings[0].clone();
        twin.subject = Subject::Link("another-link".into());
        findings.push(twin);
        findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
        let findings: Vec<&Finding> = findings.iter().collect();
        let rows = rows_of(&findings, &BTreeSet::new());
        let groups: Vec<(RuleId, Severity, usize)> = rows
            .iter()
            .filter_map(|r| match r {
                Row::Group {
                    rule,
                    severity,
                    count,
                    ..
                } => Some((*rule, *severity, *count)),
                Row::Entry { .. } => None,
            })
            .collect();
        let rules: BTreeSet<RuleId> = findings.iter().map(|f| f.rule).collect();
        assert_eq!(groups.len(), rules.len(), "one group per rule");
        assert!(groups.windows(2).all(|w| w[0].1 >= w[1].1), "worst first");
        assert_eq!(
            groups.iter().map(|g| g.2).sum::<usize>(),
            findings.len(),
            "the counts add up"
        );
        // Sample 7's purchase and reseller relationship share one message (issue 22: one finding
        // per sale), so with the twin that entry counts three.
        assert!(
            rows.iter()
                .any(|r| matches!(r, Row::Entry { repeats, .. } if *repeats >= 2))
        );
        let entries = rows
            .iter()
            .filter(|r| matches!(r, Row::Entry { .. }))
            .count();
        let distinct: BTreeSet<(RuleId, &str)> = findings
            .iter()
            .map(|f| (f.rule, f.message.as_str()))
            .collect();
        assert_eq!(entries, distinct.len(), "one entry per rule and message");
        // A folded rule keeps only its heading.
        let folded: BTreeSet<RuleId> = rules.iter().copied().collect();
        assert_eq!(rows_of(&findings, &folded).len(), rules.len());
    }

    #[test]
    fn the_list_after_edits_is_the_list_made_afresh_and_follows_only_what_changed() {
        use crate::edit::Edit;
        use crate::model::{Link, LinkKind, PartyKind};
        let scenario = crate::generate::generate(&crate::generate::GenerateOptions {
            providers: 3,
            resellers: 20,
            direct_bill: 2,
            customers: 150,
            seed: 5,
            break_rate: 0.1,
        })
        .expect("valid options");
        let mut doc = Document::new(scenario);
        let mut kept = FindingFilter::default();
        kept.list(&doc);
        let s = doc.scenario();
        let sellers: Vec<_> = s
            .parties_of_kind(PartyKind::IndirectReseller)
            .map(|p| p.id)
            .collect();
        let customers: Vec<_> = s
            .parties_of_kind(PartyKind::Customer)
            .map(|p| p.id)
            .collect();
        let mut patched = 0;
        for i in 0..12 {
            let s = doc.scenario();
            let before = doc.findings_version();
            match i % 4 {
                0 | 1 => {
                    let link = Link::new(
                        s.fresh_link_id("t"),
                        LinkKind::Purchase,
                        sellers[i * 7 % sellers.len()],
                        customers[i * 31 % customers.len()],
                        s.as_of(),
                    );
                    doc.apply(Edit::AddLink(link)).unwrap();
                }
                2 => {
                    let id = s.links().nth(i * 13).unwrap().id;
                    doc.apply(Edit::RemoveLink(id)).unwrap();
                }
                _ => assert!(doc.undo()),
            }
            if doc.findings_changes(before).is_some_and(|c| !c.is_empty()) {
                patched += 1;
            }
            let list = kept.list(&doc);
            let (all, rows) = (list.all.findings(doc.checker()), list.rows.clone());
            let mut fresh = FindingFilter::default();
            let fresh = fresh.list(&doc);
            assert_eq!(all, fresh.all.findings(doc.checker()), "after edit {i}");
            assert_eq!(all, doc.checker().sorted().iter().collect::<Vec<_>>());
            assert_eq!(rows, fresh.rows, "after edit {i}");
        }
        assert!(patched > 0, "some edits were followed rather than redone");
        // A move changes no finding: the list is not redone at all.
        let version = doc.findings_version();
        let id = doc.scenario().parties().next().unwrap().id;
        doc.apply(Edit::MoveParty(id, None)).unwrap();
        assert_eq!(doc.findings_version(), version);
        // Another document's version is not taken for this one's.
        let other = Document::new(crate::scenarios::synthetic(10));
        assert!(other.findings_changes(version).is_none());
    }
}
