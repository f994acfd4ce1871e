//! Owns the page around the drawing: the findings' numbering and list, the header, the page size;
//! must not place labels on the drawing or write SVG.
//!
//! The drawing's extent (every taken box, every link's middle) sets the page width, the header (title,
//! counts, legend) flows at that width above it, and the findings list is wrapped below it.

use super::board::Box2;
use super::{CALLOUT_R, LEGEND, LIST, LIST_BOLD, MARGIN};
use crate::export::sanitize::clean;
use crate::export::{FindingsList, LinkState, SUMMARY_ABOVE, Sheet, callout_link, diagram_order};
use crate::fonts::{Fonts, TextStyle};
use crate::model::{PartyId, PartyKind, Position};
use crate::rules::{Finding, Severity, Subject};
use std::collections::{BTreeMap, HashMap};

/// Maps read once per link of a large drawing: hashed quickly (their keys are the app's own ids).
type FastMap<K, V> = foldhash::HashMap<K, V>;

/// The findings of the slide in list order, and the run of numbers each numbered link carries.
pub(super) struct Numbering {
    /// Findings about what is drawn in the diagram's order (see [`diagram_order`]), numbered.
    pub(super) findings: Vec<(Option<usize>, Finding)>,
    /// Per link: the first and last number of its findings.
    pub(super) numbers: FastMap<String, (usize, usize)>,
    /// The same by the link's graph index (empty without numbers): what the placement and the
    /// writing read once per link, without hashing its id.
    by_edge: Vec<Option<(u32, u32)>>,
}

impl Numbering {
    /// The findings about what is drawn (all of them, unless only an area is), numbered.
    pub(super) fn of(sheet: &Sheet, positions: &BTreeMap<PartyId, Position>) -> Self {
        let s = sheet.scenario;
        let drawn = |id: &PartyId| positions.contains_key(id);
        let findings = diagram_order(
            sheet
                .findings()
                .into_iter()
                .filter(|f| {
                    sheet.area.is_none()
                        || match &f.subject {
                            Subject::Party(id) => drawn(id),
                            Subject::Link(id) => s
                                .link(id.as_str())
                                .is_some_and(|l| drawn(&l.from) && drawn(&l.to)),
                        }
                })
                .collect(),
        );
        let mut numbers: FastMap<String, (usize, usize)> = FastMap::default();
        for (number, f) in &findings {
            if let (Some(number), Some(link)) = (number, callout_link(f)) {
                numbers
                    .entry(link.to_owned())
                    .and_modify(|(_, last)| *last = *number)
                    .or_insert((*number, *number));
            }
        }
        let mut by_edge = Vec::new();
        if !numbers.is_empty() {
            use petgraph::visit::EdgeIndexable as _;
            by_edge = vec![None; s.graph().edge_bound()];
            for (link, &(first, last)) in &numbers {
                if let Some(e) = s.link_index(link) {
                    // (Four billion findings would take far more memory than any machine has.)
                    by_edge[e.index()] = Some((first as u32, last as u32));
                }
            }
        }
        Numbering {
            findings,
            numbers,
            by_edge,
        }
    }

    /// `per_rule` findings about a party of `s` under every rule, as a violation and as a
    /// warning, none drawn as a callout: more rules than a list or a slide shows (what a test of
    /// a summary lays out).
    #[cfg(test)]
    pub(super) fn under_every_rule(s: &crate::model::Scenario, per_rule: usize) -> Self {
        let party = s.parties().next().expect("a party").id;
        let mut findings = Vec::new();
        for (i, rule) in crate::rules::RuleId::ALL.iter().enumerate() {
            for severity in [Severity::Violation, Severity::Warning] {
                for k in 0..per_rule {
                    findings.push((
                        None,
                        Finding {
                            rule: *rule,
                            severity,
                            subject: Subject::Party(party),
                            path: Vec::new(),
                            message: format!("case {i}-{k} of {severity}"),
                            template: String::new(),
                            fixes: Vec::new(),
                        },
                    ));
                }
            }
        }
        Numbering {
            findings,
            numbers: FastMap::default(),
            by_edge: Vec::new(),
        }
    }

    /// The first and last number of the findings of the link at graph index `e`, if it has any.
    pub(super) fn of_edge(&self, e: petgraph::stable_graph::EdgeIndex) -> Option<(usize, usize)> {
        let (first, last) = (*self.by_edge.get(e.index())?)?;
        Some((first as usize, last as usize))
    }
}

/// What a callout reads: its link's number, or the run of them ("3–4").
pub(super) fn callout_text((first, last): (usize, usize)) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first}–{last}")
    }
}

/// A callout is a disc, or a pill as wide as a run of numbers: its half width.
pub(super) fn callout_half(n: (usize, usize)) -> f32 {
    let w = Fonts::shared()
        .measure(&callout_text(n), TextStyle::bold(12.0))
        .width;
    (w / 2.0 + 5.0).max(CALLOUT_R)
}

/// One legend entry: a swatch (a party shape or a link sample) and its text.
pub(super) struct LegendItem {
    pub(super) swatch: Swatch,
    pub(super) text: String,
}

pub(super) enum Swatch {
    Party(PartyKind),
    Link(LinkState),
}

/// A legend entry where it goes on the page: its left edge and the middle of its row.
pub(super) struct LegendSpot {
    pub(super) item: LegendItem,
    pub(super) x: f32,
    pub(super) mid: f32,
    /// The swatch's width (a party shape is narrower than a link sample).
    pub(super) swatch_w: f32,
}

/// One line of the findings list: its text, ink, weight and indent.
pub(super) struct ListLine {
    pub(super) text: String,
    pub(super) color: &'static str,
    pub(super) bold: bool,
    pub(super) indent: f32,
}

/// The page: its size, the header, where the drawing goes and the findings list.
///
/// The header and the list are laid out in text units, [`Page::zoom`] page units each: a PNG at a
/// scale below 1 draws them at their size at scale 1 (see `super::super::png::text_zoom`), so the
/// title, legend and findings of a whole large channel stay readable in the picture. Everything
/// else is in page units. The page is `drawing.0.max(zoom * text.0)` wide and
/// `drawing.1 + zoom * text.1` tall, which is what lets a PNG's scale be fitted to its limits (see
/// `super::super::png::Sizing`).
pub(super) struct Page {
    pub(super) width: f32,
    pub(super) height: f32,
    /// Page units per text unit (1 in an SVG).
    pub(super) zoom: f32,
    /// The drawing's width with its margins, and its height, in page units.
    pub(super) drawing: (f32, f32),
    /// The least width the header needs, and the height of the header, gaps and list, in text
    /// units.
    pub(super) text: (f32, f32),
    /// The shift from drawing coordinates to the page.
    pub(super) dx: f32,
    pub(super) dy: f32,
    pub(super) title: String,
    pub(super) title_base: f32,
    pub(super) subtitle: String,
    pub(super) sub_base: f32,
    pub(super) legend: Vec<LegendSpot>,
    /// The legend font's line height and ascent (a text's baseline from its row's middle).
    pub(super) legend_height: f32,
    pub(super) legend_ascent: f32,
    /// The list's heading ("Findings", or how they are grouped).
    pub(super) list_heading: String,
    pub(super) list: Vec<ListLine>,
    /// The top of the list, in page units.
    pub(super) list_top: f32,
    /// The list's line pitch, in text units.
    pub(super) line_h: f32,
}

pub(super) const TITLE: TextStyle = TextStyle {
    size: 26.0,
    bold: true,
};
const SUBTITLE: TextStyle = TextStyle {
    size: 15.0,
    bold: false,
};

/// The widest the page's subtitle can make it, whatever the rules find (see [`list_most`]).
pub(super) fn widest_subtitle(sheet: &Sheet) -> f32 {
    let many = 99_999_999;
    let subtitle = format!(
        "Checked as of {} · {} · csp-explorer",
        sheet.as_of,
        crate::text::severities(many, many, many)
    );
    Fonts::shared().width(&subtitle, SUBTITLE) + 2.0 * MARGIN
}

/// Lays out the page around a drawing of `extent` (every taken box and the middle of every link,
/// see [`super::placement::Placed::extent`]): the header at the page width, then the drawing shifted
/// below the header and centred, then the findings list wrapped at the page width. The header and
/// list are `zoom` times their size (see [`Page`]). A PNG lays out pages around the smallest and
/// largest extents its labels can give before placing any (see `super::bound`).
pub(super) fn page(
    sheet: &Sheet,
    extent: Box2,
    numbering: &Numbering,
    findings_list: FindingsList,
    zoom: f32,
) -> Page {
    let fonts = Fonts::shared();
    let s = sheet.scenario;
    let title = match sheet.area {
        Some(_) => format!("{} (part)", clean(&s.meta.title)),
        None => clean(&s.meta.title).into_owned(),
    };
    let title = fonts.ellipsize(&title, TITLE, 1800.0);
    let counts = sheet.checker.counts();
    let subtitle = format!(
        "Checked as of {} · {} · csp-explorer",
        sheet.as_of,
        crate::text::severities(counts.violation, counts.warning, counts.note)
    );
    let legend_items: Vec<LegendItem> = PartyKind::ALL
        .into_iter()
        .map(|k| LegendItem {
            swatch: Swatch::Party(k),
            text: k.label().to_owned(),
        })
        .chain(
            [
                (LinkState::Valid, "valid link"),
                (LinkState::Warning, "warning (numbered)"),
                (LinkState::Violation, "violation (dashed, numbered)"),
                (LinkState::Future, "dated after the as-of date"),
            ]
            .into_iter()
            .map(|(state, text)| LegendItem {
                swatch: Swatch::Link(state),
                text: text.to_owned(),
            }),
        )
        .collect();
    let drawing_w = extent.x1 - extent.x0 + 2.0 * MARGIN;
    // The least width of the header, in text units.
    let text_w = (fonts
        .width(&title, TITLE)
        .max(fonts.width(&subtitle, SUBTITLE))
        + 2.0 * MARGIN)
        .max(960.0)
        .ceil();
    let width = drawing_w.max(zoom * text_w).ceil();
    // The width the header flows and the list wraps at, in text units.
    let text_width = width / zoom;

    let title_m = fonts.measure(&title, TITLE);
    let title_base = 20.0 + title_m.ascent;
    let sub_m = fonts.measure(&subtitle, SUBTITLE);
    let sub_base = title_base + title_m.descent + 6.0 + sub_m.ascent;
    // Legend: items flow in rows at the page width.
    let legend_m = fonts.measure("Xg", LEGEND);
    let row_h = legend_m.height().max(16.0) + 8.0;
    let mut x = MARGIN;
    let mut row_top = sub_base + sub_m.descent + 12.0;
    let mut legend = Vec::new();
    for (i, item) in legend_items.into_iter().enumerate() {
        let swatch_w = if matches!(item.swatch, Swatch::Party(_)) {
            16.0
        } else {
            30.0
        };
        let text_w = fonts.width(&item.text, LEGEND);
        let item_w = swatch_w + 6.0 + text_w;
        let new_row = i == PartyKind::ALL.len() || x + item_w > text_width - MARGIN;
        if new_row && x > MARGIN {
            x = MARGIN;
            row_top += row_h;
        }
        let mid = row_top + row_h / 2.0;
        legend.push(LegendSpot {
            item,
            x,
            mid,
            swatch_w,
        });
        x += item_w + 22.0;
    }
    let header_bottom = row_top + row_h;

    let dx = (width - (extent.x1 - extent.x0)) / 2.0 - extent.x0;
    let dy = zoom * (header_bottom + 24.0) - extent.y0;
    let diagram_bottom = extent.y1 + dy + zoom * 24.0;

    // The findings list below the drawing, wrapped at the measured page width.
    let (list_heading, list) =
        list_lines(sheet, numbering, text_width - 2.0 * MARGIN, findings_list);
    // The tallest line sets the pitch (a fallback face for another script may be taller).
    let line_h = list
        .iter()
        .map(|line| {
            fonts
                .measure(&line.text, if line.bold { LIST_BOLD } else { LIST })
                .height()
        })
        .fold(16.0f32, f32::max)
        + 3.0;
    let list_top = diagram_bottom + zoom * 30.0;
    // The header, the gaps around the drawing and the list, in text units.
    let text_h = header_bottom
        + 48.0
        + if list.is_empty() {
            20.0
        } else {
            30.0 + 30.0 + line_h * list.len() as f32 + 20.0
        };
    let drawing_h = extent.y1 - extent.y0;
    let height = (drawing_h + zoom * text_h).ceil();
    Page {
        width,
        height,
        zoom,
        drawing: (drawing_w, drawing_h),
        text: (text_w, text_h),
        dx,
        dy,
        title,
        title_base,
        subtitle,
        sub_base,
        legend,
        legend_height: legend_m.height(),
        legend_ascent: legend_m.ascent,
        list_heading,
        list,
        list_top,
        line_h,
    }
}

/// How a finding's severity is inked in the list.
pub(super) fn severity_color(severity: Severity) -> &'static str {
    match severity {
        Severity::Violation => "#d52027",
        Severity::Warning => "#b07800",
        Severity::Note => "#0072b2",
    }
}

/// How many examples of each rule a summary shows.
const EXAMPLES: usize = 3;

/// How many rules a summary shows with their examples and fix (the worst and most frequent); the
/// others are counted on one line. More is not read on a slide, and it keeps the list short
/// enough for a PNG to leave room for it before the rules run (see [`list_most`]).
const BLOCKS: usize = 10;

/// The most lines a finding's own line wraps onto in a list of every finding (the rest is cut
/// with "…"; the handout has every word): what lets a PNG bound its list before the rules run.
const HEAD_LINES: usize = 4;

/// The summary's line for the rules beyond [`BLOCKS`]: how many, with how many findings.
fn other_rules(rules: usize, findings: usize) -> String {
    format!(
        "… and {} more, with {}",
        crate::text::count(rules, "rule", "rules"),
        crate::text::count(findings, "finding", "findings")
    )
}

/// The summary's last line: where the full list of `findings` is.
fn full_list_pointer(findings: usize) -> String {
    format!(
        "The full list of all {}, numbered as on the drawing: export the findings as a handout \
         (md), csv or json.",
        crate::text::count(findings, "finding", "findings")
    )
}

/// The most height, in text units, the findings list (as [`FindingsList`] `choice` makes it) can
/// add below the drawing of a page at least `width` text units wide, whatever the rules find:
/// known before they run, so a PNG too large whatever they find is refused without checking them
/// (see `super::refuse_unchecked`). `None` for every finding listed, which has no bound.
///
/// A summary holds at most [`BLOCKS`] blocks of a rule and severity, each of known lines (its
/// title with a count, the examples, "… and N more", the fix), the line counting the other rules
/// and the pointer to the full list; a list of up to [`SUMMARY_ABOVE`] findings at most
/// [`HEAD_LINES`] and the fix for each. Lines wrap onto no more at a wider page, and none is
/// taller than the tallest face draws ([`Fonts::tallest`]).
pub(super) fn list_most(width: f32, choice: FindingsList) -> Option<f32> {
    match choice {
        FindingsList::None => return Some(0.0),
        FindingsList::All => return None,
        FindingsList::Summary => {}
    }
    let fonts = Fonts::shared();
    let indent = fonts.width("    ", LIST);
    let width = width - 2.0 * MARGIN;
    let lines = |text: &str, style: TextStyle, inset: f32| {
        fonts.wrap(text, style, width - inset, usize::MAX).len()
    };
    let many = 99_999_999;
    let fix_lines =
        |info: &crate::rules::RuleInfo| lines(&format!("Fix: {}", info.fix), LIST, indent);
    let mut blocks = Vec::new();
    let mut listed = 0;
    for rule in crate::rules::RuleId::ALL {
        let info = rule.info();
        let fix = fix_lines(info);
        listed = listed.max(HEAD_LINES + fix);
        for severity in [Severity::Violation, Severity::Warning, Severity::Note] {
            let head = format!(
                "{} ({severity}): {}",
                info.title,
                crate::text::count(many, "finding", "findings")
            );
            let fix = if severity == Severity::Note { 0 } else { fix };
            blocks.push(lines(&head, LIST_BOLD, 0.0) + EXAMPLES + 1 + fix);
        }
    }
    blocks.sort_unstable_by(|a, b| b.cmp(a));
    let summary = blocks.iter().take(BLOCKS).sum::<usize>()
        + lines(&other_rules(many, many), LIST, 0.0)
        + lines(&full_list_pointer(many), LIST, 0.0);
    let most = summary.max(SUMMARY_ABOVE * listed);
    let line_h = fonts.tallest(LIST.size).max(16.0) + 3.0;
    // What a list adds to the page's height (see `page`), rounded up.
    Some(60.0 + line_h * most as f32 + 1.0)
}

/// The findings grouped per rule and severity (a rule can warn of some cases and forbid others),
/// worst first, then the most frequent: each group the indexes of its findings in `all`, in the
/// list's order. What a summary lists, and a slide.
pub(super) fn by_rule(all: &[(Option<usize>, Finding)]) -> Vec<Vec<usize>> {
    let mut rules: Vec<Vec<usize>> = Vec::new();
    let mut slot: HashMap<(crate::rules::RuleId, Severity), usize> = HashMap::new();
    for (i, (_, f)) in all.iter().enumerate() {
        let at = *slot.entry((f.rule, f.severity)).or_insert_with(|| {
            rules.push(Vec::new());
            rules.len() - 1
        });
        rules[at].push(i);
    }
    rules.sort_by_key(|of| {
        let severity = all[of[0]].1.severity;
        (std::cmp::Reverse(severity), std::cmp::Reverse(of.len()))
    });
    rules
}

/// The findings list below the drawing, `width` wide: its heading and lines. Every finding with its
/// fix; or, for [`FindingsList::Summary`] above [`SUMMARY_ABOVE`] findings, one block per rule
/// (worst first, then the most frequent): how many, the first few with their numbers, the fix; and
/// a last line saying where the full list is. None for [`FindingsList::None`]. A finding whose
/// words another repeats (a reseller's unsigned agreement breaks each of its sales alike) names its
/// link ("Litware → Contoso, purchase of M365"), so the list never reads the same line twice.
fn list_lines(
    sheet: &Sheet,
    numbering: &Numbering,
    width: f32,
    choice: FindingsList,
) -> (String, Vec<ListLine>) {
    let fonts = Fonts::shared();
    let indent = fonts.width("    ", LIST);
    let mut list: Vec<ListLine> = Vec::new();
    let all = &numbering.findings;
    let mut said: HashMap<&str, usize> = HashMap::new();
    for (_, f) in all {
        *said.entry(f.message.as_str()).or_default() += 1;
    }
    // The finding's words, and its link's when other findings say the same.
    let message = |f: &Finding| -> String {
        let text = clean(&f.message);
        match &f.subject {
            Subject::Link(id) if said.get(f.message.as_str()).is_some_and(|n| *n > 1) => {
                match sheet.scenario.link(id.as_str()) {
                    Some(link) => format!("{text} ({})", crate::export::link_naming(sheet, link)),
                    None => text.into_owned(),
                }
            }
            _ => text.into_owned(),
        }
    };
    let marker = |number: Option<usize>| match number {
        // A numbered finding reads "3. …"; one that is not drawn on the diagram is a bullet.
        Some(n) => format!("{n}."),
        None => "•".to_owned(),
    };
    let push_wrapped = |list: &mut Vec<ListLine>, text: &str, style, color, first_indent, most| {
        let lines = fonts.wrap(text, style, width - first_indent, most);
        for (i, line) in lines.into_iter().enumerate() {
            list.push(ListLine {
                text: line,
                color,
                bold: i == 0 && style == LIST_BOLD,
                indent: if i == 0 { first_indent } else { indent },
            });
        }
    };
    let summarise = match choice {
        FindingsList::None => return (String::new(), list),
        FindingsList::All => false,
        FindingsList::Summary => all.len() > SUMMARY_ABOVE,
    };
    if !summarise {
        for (number, f) in all {
            // A slide is read by an audience: the rule's title, not its id (the id is in the
            // report and data exports).
            let head = format!(
                "{} {} ({}) — {}",
                marker(*number),
                f.info().title,
                f.severity,
                message(f)
            );
            push_wrapped(
                &mut list,
                &head,
                LIST_BOLD,
                severity_color(f.severity),
                0.0,
                HEAD_LINES,
            );
            if f.severity != Severity::Note {
                push_wrapped(
                    &mut list,
                    &format!("Fix: {}", f.info().fix),
                    LIST,
                    "#3e4c59",
                    indent,
                    usize::MAX,
                );
            }
        }
        return ("Findings".to_owned(), list);
    }
    let rules = by_rule(all);
    for of in rules.iter().take(BLOCKS) {
        let first = &all[of[0]].1;
        let info = first.info();
        let head = format!(
            "{} ({}): {}",
            info.title,
            first.severity,
            crate::text::count(of.len(), "finding", "findings")
        );
        push_wrapped(
            &mut list,
            &head,
            LIST_BOLD,
            severity_color(first.severity),
            0.0,
            usize::MAX,
        );
        for &i in of.iter().take(EXAMPLES) {
            let (number, f) = &all[i];
            let example = format!("{} {}", marker(*number), message(f));
            list.push(ListLine {
                text: fonts.ellipsize(&example, LIST, width - indent),
                color: "#1f2933",
                bold: false,
                indent,
            });
        }
        if of.len() > EXAMPLES {
            list.push(ListLine {
                text: format!("… and {} more", of.len() - EXAMPLES),
                color: "#52606d",
                bold: false,
                indent,
            });
        }
        if first.severity != Severity::Note {
            push_wrapped(
                &mut list,
                &format!("Fix: {}", info.fix),
                LIST,
                "#3e4c59",
                indent,
                usize::MAX,
            );
        }
    }
    if let Some(others) = rules.get(BLOCKS..).filter(|o| !o.is_empty()) {
        let findings = others.iter().map(Vec::len).sum();
        push_wrapped(
            &mut list,
            &other_rules(others.len(), findings),
            LIST,
            "#52606d",
            0.0,
            usize::MAX,
        );
    }
    push_wrapped(
        &mut list,
        &full_list_pointer(all.len()),
        LIST,
        "#1f2933",
        0.0,
        usize::MAX,
    );
    (format!("Findings by rule ({} in all)", all.len()), list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleId;

    /// A summary of findings under every rule shows the first [`BLOCKS`] rules with their
    /// examples and counts the others on one line; the list stays within what a PNG leaves room
    /// for before the rules run ([`list_most`]).
    #[test]
    fn a_summary_of_many_rules_shows_the_first_few_and_counts_the_others() {
        let s = crate::scenarios::synthetic(40);
        let sheet = Sheet::unchecked(&s, None);
        let blocks = 2 * RuleId::ALL.len();
        let numbering = Numbering::under_every_rule(&s, 5);
        let width = 960.0;
        let (heading, list) = list_lines(
            &sheet,
            &numbering,
            width - 2.0 * MARGIN,
            FindingsList::Summary,
        );
        assert_eq!(heading, format!("Findings by rule ({} in all)", 5 * blocks));
        let heads = list.iter().filter(|line| line.bold).count();
        assert_eq!(heads, BLOCKS, "rules shown with their examples");
        let others = other_rules(blocks - BLOCKS, 5 * (blocks - BLOCKS));
        assert!(
            list.iter().any(|line| line.text == others),
            "{others} in {:#?}",
            list.iter().map(|l| &l.text).collect::<Vec<_>>()
        );
        assert!(
            list.last()
                .is_some_and(|l| l.text.contains("numbered as on the drawing")),
            "the pointer to the full list comes last"
        );
        let line_h = Fonts::shared().tallest(LIST.size).max(16.0) + 3.0;
        let most = list_most(width, FindingsList::Summary).expect("a summary has a bound");
        assert!(
            60.0 + line_h * list.len() as f32 <= most,
            "{} lines within {most}",
            list.len()
        );
    }
}
