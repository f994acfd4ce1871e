//! Owns the export formats, their options and errors, and what every exporter reads (`Sheet`);
//! must not hold any one format's drawing or wording (each format has its own file).
//!
//! Diagrams and reports that open in the tools people already use: SVG and PNG for slides, draw.io to
//! keep editing, Graphviz DOT, GraphML (yEd, Gephi), GEXF (Gephi) and Mermaid for other tools and
//! docs, and the findings as a Markdown handout, CSV or JSON. Diagram formats carry the canvas's
//! layout, shapes and colours, so the other tool shows the channel as drawn; every text leaving the
//! app goes through [`sanitize`].
//!
//! Every format is a pure function of the scenario and its findings as of a date; [`export_to_file`]
//! writes atomically, so a failed export never leaves a partial file.

mod dot;
mod drawio;
mod gexf;
mod graphml;
mod mermaid;
mod out;
mod png;
mod report;
pub mod sanitize;
mod svg;

pub use dot::{DOT_UP_TO, EDGE_LABELS_UP_TO, recommended_command, too_large_for_dot};
pub use png::{FittingScale, MAX_PNG_PIXELS, MAX_PNG_SIDE};

use crate::model::{Date, Scenario};
use crate::progress::Progress;
use crate::rules::{Checker, Finding, Severity};
use std::path::Path;

/// The export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// A vector drawing.
    Svg,
    /// The same drawing rasterised.
    Png,
    /// Graphviz.
    Dot,
    /// GraphML with typed attributes and yEd's graphics.
    Graphml,
    /// GEXF, Gephi's own format, with its `viz` colours, positions and shapes.
    Gexf,
    /// A draw.io diagram to keep editing.
    Drawio,
    /// A Mermaid flowchart.
    Mermaid,
    /// A Markdown findings handout.
    Markdown,
    /// The findings as CSV.
    Csv,
    /// The findings as JSON.
    Json,
}

impl ExportFormat {
    /// Every format, in menu order.
    pub const ALL: [ExportFormat; 10] = [
        ExportFormat::Svg,
        ExportFormat::Png,
        ExportFormat::Drawio,
        ExportFormat::Dot,
        ExportFormat::Graphml,
        ExportFormat::Gexf,
        ExportFormat::Mermaid,
        ExportFormat::Markdown,
        ExportFormat::Csv,
        ExportFormat::Json,
    ];

    /// The name on the command line (`--format svg`).
    pub fn key(self) -> &'static str {
        match self {
            ExportFormat::Svg => "svg",
            ExportFormat::Png => "png",
            ExportFormat::Dot => "dot",
            ExportFormat::Graphml => "graphml",
            ExportFormat::Gexf => "gexf",
            ExportFormat::Drawio => "drawio",
            ExportFormat::Mermaid => "mermaid",
            ExportFormat::Markdown => "md",
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }

    /// Parses a [`ExportFormat::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.key() == key)
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Mermaid => "mmd",
            other => other.key(),
        }
    }

    /// The extensions a file dialog offers: the [`ExportFormat::extension`], and for an SVG
    /// `.svgz` too (written gzip-compressed, see [`compressed`]).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            ExportFormat::Svg => &["svg", "svgz"],
            ExportFormat::Png => &["png"],
            ExportFormat::Dot => &["dot"],
            ExportFormat::Graphml => &["graphml"],
            ExportFormat::Gexf => &["gexf"],
            ExportFormat::Drawio => &["drawio"],
            ExportFormat::Mermaid => &["mmd"],
            ExportFormat::Markdown => &["md"],
            ExportFormat::Csv => &["csv"],
            ExportFormat::Json => &["json"],
        }
    }

    /// A menu label.
    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Svg => "SVG diagram (slides, browsers, Inkscape)",
            ExportFormat::Png => "PNG image",
            ExportFormat::Dot => "Graphviz DOT (dot, neato -n)",
            ExportFormat::Graphml => "GraphML (yEd, Gephi, networkx)",
            ExportFormat::Gexf => "GEXF (Gephi)",
            ExportFormat::Drawio => "draw.io diagram (keep editing it)",
            ExportFormat::Mermaid => "Mermaid flowchart (Markdown docs)",
            ExportFormat::Markdown => "Findings handout (Markdown)",
            ExportFormat::Csv => "Findings (CSV for Excel and spreadsheets)",
            ExportFormat::Json => "Findings (JSON)",
        }
    }
}

impl ExportOptions {
    /// The separator of the findings CSV: the one given, else for Excel the one its locale
    /// expects (`;` in German or French, `,` in English), else `,`.
    pub fn csv_separator(&self) -> u8 {
        self.delimiter.unwrap_or_else(|| {
            if self.excel {
                self.locale
                    .clone()
                    .or_else(sanitize::environment_locale)
                    .map_or(b',', |l| sanitize::excel_separator(&l))
            } else {
                b','
            }
        })
    }
}

/// PNG background.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Background {
    /// Opaque white (slides, paper).
    #[default]
    White,
    /// Transparent.
    Transparent,
}

/// How to export.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    /// PNG pixels per SVG unit (1 to 16).
    pub scale: f32,
    /// Check as of this date instead of the scenario's own.
    pub as_of: Option<Date>,
    /// PNG background.
    pub background: Background,
    /// CSV for Excel: a UTF-8 byte order mark first, so Excel on Windows reads names right, and
    /// the separator Excel expects in [`ExportOptions::locale`] (unless `delimiter` says one).
    pub excel: bool,
    /// The CSV separator; by default `,`, or for Excel the locale's.
    pub delimiter: Option<u8>,
    /// The locale whose Excel opens the CSV (`de_DE`, `fr`, `en-US`); by default the
    /// environment's (`LC_ALL`, `LC_NUMERIC`, `LANG`).
    pub locale: Option<String>,
    /// SVG and PNG: draw only the parties inside this part of the canvas (and the links between
    /// them), with the findings about what is drawn; the rules still read the whole channel.
    pub area: Option<Area>,
    /// What the window already knows (the findings it keeps and, for the visible area, where it
    /// draws each party): the export checks nothing again, and an export of the visible area
    /// draws the parties where the canvas shows them. Without it the rules are checked afresh;
    /// without its positions the parties are laid out as the command line lays them out.
    pub drawn: Option<std::sync::Arc<Drawn>>,
    /// SVG and PNG: how the findings are listed below the drawing.
    pub findings: FindingsList,
    /// SVG and PNG: which labels are drawn.
    pub detail: Detail,
    /// SVG: every text drawn as outlines (with the fonts the PNG uses), so any renderer, slide
    /// tool or machine without those fonts shows the slide exactly as csp-explorer does. The
    /// texts can no longer be edited or searched; a drawing beyond the rasteriser's million nodes
    /// is refused.
    pub text_as_paths: bool,
    /// SVG and PNG: the whole channel on one slide of this size instead of the drawing at
    /// `scale`: the drawing fitted beside a panel of its tiers, link states and findings by rule,
    /// every text at a size read from the back of a room (see `svg::slide`). `scale`, `findings`
    /// and an `area` are then not read.
    pub slide: Option<Slide>,
}

/// The size of a slide in pixels (`--slide`, `--slide=3840x2160`): by default a 16:9 slide,
/// 1920 × 1080.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slide {
    /// Its width in pixels.
    pub width: u32,
    /// Its height in pixels.
    pub height: u32,
}

impl Default for Slide {
    fn default() -> Self {
        Slide {
            width: 1920,
            height: 1080,
        }
    }
}

impl Slide {
    /// The shortest side a slide may have: below it a slide's text cannot be both readable and
    /// beside a drawing.
    pub const LEAST_SIDE: u32 = 480;

    /// The two sides `text` is written as (`1920x1080`, `1280×720`), whether or not a slide may
    /// have them; `None` for anything not written as a size (a file's name).
    pub fn sides(text: &str) -> Option<(u32, u32)> {
        let (w, h) = text.split_once(['x', 'X', '×'])?;
        Some((w.trim().parse::<u32>().ok()?, h.trim().parse::<u32>().ok()?))
    }

    /// Parses `WIDTHxHEIGHT` (`1920x1080`, `1280×720`): each side from [`Slide::LEAST_SIDE`] to
    /// [`MAX_PNG_SIDE`], no taller than wide (the panel goes beside the drawing), no more than
    /// 64 megapixels.
    pub fn parse(text: &str) -> Result<Self, String> {
        let Some((width, height)) = Slide::sides(text) else {
            return Err(format!(
                "\"{text}\" is not a slide size: give width and height in pixels, such as 1920x1080"
            ));
        };
        let sides = Slide::LEAST_SIDE..=MAX_PNG_SIDE;
        if !sides.contains(&width) || !sides.contains(&height) {
            return Err(format!(
                "a slide of {width}×{height} pixels: each side must be from {} to {MAX_PNG_SIDE} \
                 pixels (1920x1080 is a 16:9 slide)",
                Slide::LEAST_SIDE
            ));
        }
        if height > width {
            return Err(format!(
                "a slide of {width}×{height} pixels is taller than wide: a slide is landscape \
                 (1920x1080 is 16:9, 1024x768 is 4:3)"
            ));
        }
        if u64::from(width) * u64::from(height) > MAX_PNG_PIXELS {
            return Err(format!(
                "a slide of {width}×{height} pixels is more than 64 megapixels (3840x2160 is a 4K \
                 slide)"
            ));
        }
        Ok(Slide { width, height })
    }
}

impl std::fmt::Display for Slide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

/// How a diagram (SVG, PNG) lists the findings below the drawing. The numbered callouts stay on the
/// drawing whatever the choice; the findings handout (`md`) and the data exports (`csv`, `json`)
/// carry the same numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FindingsList {
    /// Every finding with its fix, however many (a channel of thousands lists pages of them).
    All,
    /// Every finding up to [`SUMMARY_ABOVE`]; above that, per rule: how many, the first few with
    /// their numbers, the fix, and where the full list is.
    #[default]
    Summary,
    /// No list: the drawing, its legend and its callouts only.
    None,
}

/// Above this many findings, [`FindingsList::Summary`] groups them by rule.
pub const SUMMARY_ABOVE: usize = 30;

impl FindingsList {
    /// Every choice, as `--findings` names them.
    pub const ALL: [FindingsList; 3] =
        [FindingsList::All, FindingsList::Summary, FindingsList::None];

    /// The name on the command line (`--findings summary`).
    pub fn key(self) -> &'static str {
        match self {
            FindingsList::All => "all",
            FindingsList::Summary => "summary",
            FindingsList::None => "none",
        }
    }

    /// Parses a [`FindingsList::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.key() == key)
    }
}

/// Which labels a diagram (SVG, PNG) draws. Shapes, links, callouts, the title, the legend and the
/// findings list are always drawn; party names and link kinds are what a picture too small to read
/// them can leave out (the SVG's tooltips keep them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Detail {
    /// No names or kind labels: shapes, links and callouts (what a whole large channel shows).
    Shapes,
    /// Party names, no link kind labels.
    Names,
    /// Party names and, where there is room, each link's kind.
    Full,
    /// Chosen by the export: in an SVG, everything up to 20,000 parties, names without kinds up to
    /// 50,000, shapes above (see `svg::detail_by_size`); in a PNG, no more than that and what its
    /// scale still draws readably (see `svg::readable_at`: kinds from `--scale 0.55`, names from
    /// 0.4).
    #[default]
    Auto,
}

impl Detail {
    /// Every choice, as `--detail` names them.
    pub const ALL: [Detail; 4] = [Detail::Auto, Detail::Full, Detail::Names, Detail::Shapes];

    /// The name on the command line (`--detail names`).
    pub fn key(self) -> &'static str {
        match self {
            Detail::Auto => "auto",
            Detail::Full => "full",
            Detail::Names => "names",
            Detail::Shapes => "shapes",
        }
    }

    /// Parses a [`Detail::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.key() == key)
    }
}

/// The findings the window keeps and, for an area, where it draws its parties (see
/// [`ExportOptions::drawn`]). Its findings must be those of the exported scenario as of the
/// export's date.
#[derive(Debug)]
pub struct Drawn {
    /// Where each party is drawn (only those of the area are needed); `None`: laid out afresh
    /// (a whole channel, drawn as the command line draws it).
    pub positions:
        Option<std::collections::BTreeMap<crate::model::PartyId, crate::model::Position>>,
    /// The findings, shared with the window (checking a 300,000-party channel again took most
    /// of a second; copying its findings, a tenth of one on the window's thread).
    pub checker: std::sync::Arc<Checker>,
}

/// A rectangle of the canvas, in canvas coordinates (File → Export visible area…).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Area {
    /// The top-left corner.
    pub min: crate::model::Position,
    /// The bottom-right corner.
    pub max: crate::model::Position,
}

impl Area {
    /// Whether a point lies inside (edges included).
    pub fn contains(&self, p: crate::model::Position) -> bool {
        p.x >= self.min.x && p.x <= self.max.x && p.y >= self.min.y && p.y <= self.max.y
    }
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            scale: 1.0,
            as_of: None,
            background: Background::White,
            excel: false,
            delimiter: None,
            locale: None,
            area: None,
            drawn: None,
            findings: FindingsList::Summary,
            detail: Detail::Auto,
            text_as_paths: false,
            slide: None,
        }
    }
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A scale outside 0 < scale ≤ 16.
    #[error("scale {0} is not between 0 and 16 (try 1 or 2)")]
    BadScale(f32),
    /// The picture would be too large to rasterise.
    #[error(
        "a PNG of {0}×{1} pixels is too large (at most {MAX_PNG_SIDE} on a side and 64 \
         megapixels). For the whole channel on one slide use --slide (1920×1080, or --slide=\
         WIDTHxHEIGHT: the drawing fitted beside its tiers and findings by rule, every text \
         readable); for a poster of it use --scale {2} (it fits, with the title, legend and \
         findings at full size; below 0.4 the names are too small to read and are left out); or \
         export SVG instead, or only the visible part (File → Export visible area…)"
    )]
    TooLarge(u32, u32, FittingScale),
    /// The findings list alone is taller than a PNG can be (every finding of thousands listed).
    #[error(
        "a PNG of {0}×{1} pixels is too large (at most {MAX_PNG_SIDE} on a side and 64 \
         megapixels), and its findings list alone would not fit at any scale: use --findings \
         summary (md, csv and json list every finding) or --findings none, or export SVG instead"
    )]
    ListTooLong(u32, u32),
    /// The drawing has more shapes and texts than the rasteriser reads.
    #[error(
        "the drawing has too many shapes for a PNG (the renderer reads at most a million): try \
         --detail shapes, export SVG instead, or export only the visible part (File → Export \
         visible area…)"
    )]
    TooManyShapes,
    /// More links or text than Mermaid draws by default.
    #[error(
        "Mermaid draws at most {} links and {} characters unless the page that renders it raises \
         `maxEdges` and `maxTextSize` in mermaid.initialize (a diagram cannot raise them itself); \
         this channel has {links} links and its diagram {chars} characters. Export GraphML, GEXF, \
         DOT, draw.io or SVG instead",
        mermaid::MAX_EDGES,
        mermaid::MAX_TEXT
    )]
    MermaidTooLarge {
        /// Links in the diagram.
        links: usize,
        /// Characters in the diagram.
        chars: usize,
    },
    /// The export was cancelled; no file was written.
    #[error("the export was cancelled")]
    Cancelled,
    /// Compressing a `.svgz` failed (it is done in memory: only when memory runs out).
    #[error("cannot compress the SVG: {0}")]
    Compress(std::io::Error),
    /// Rasterising failed.
    #[error("cannot render the PNG: {0}")]
    Render(String),
    /// Writing failed.
    #[error(transparent)]
    Write(#[from] crate::io::SaveError),
}

/// What every exporter reads: the scenario, the date and the findings as of it.
pub(crate) struct Sheet<'a> {
    pub scenario: &'a Scenario,
    pub as_of: Date,
    /// The findings: checked for the export, or the window's own (borrowed, nothing re-checked).
    pub checker: std::borrow::Cow<'a, Checker>,
    /// Only this part of the canvas is drawn (SVG and PNG).
    pub area: Option<Area>,
    /// Where the window draws the parties, when it gave them (an export of what it shows).
    pub drawn:
        Option<&'a std::collections::BTreeMap<crate::model::PartyId, crate::model::Position>>,
}

impl<'a> Sheet<'a> {
    fn new(scenario: &'a Scenario, as_of: Option<Date>) -> Self {
        let as_of = as_of.unwrap_or_else(|| scenario.as_of());
        Sheet {
            scenario,
            as_of,
            checker: std::borrow::Cow::Owned(Checker::with_as_of(scenario, as_of)),
            area: None,
            drawn: None,
        }
    }

    /// A sheet with nothing checked (no findings): what a PNG too large whatever the rules find
    /// is refused from before they run (see `svg::refuse_unchecked`).
    fn unchecked(scenario: &'a Scenario, as_of: Option<Date>) -> Self {
        Sheet {
            scenario,
            as_of: as_of.unwrap_or_else(|| scenario.as_of()),
            checker: std::borrow::Cow::Owned(Checker::default()),
            area: None,
            drawn: None,
        }
    }

    /// A sheet of what the window shows: its findings, nothing checked again, and its positions
    /// when it gave them.
    fn of_window(scenario: &'a Scenario, as_of: Option<Date>, drawn: &'a Drawn) -> Self {
        Sheet {
            scenario,
            as_of: as_of.unwrap_or_else(|| scenario.as_of()),
            checker: std::borrow::Cow::Borrowed(&drawn.checker),
            area: None,
            drawn: drawn.positions.as_ref(),
        }
    }

    /// Where each drawn party goes: the canvas's positions, only those inside the area when there
    /// is one.
    pub fn positions(
        &self,
    ) -> std::collections::BTreeMap<crate::model::PartyId, crate::model::Position> {
        match self.drawn {
            Some(drawn) => in_area(drawn.clone(), self.area),
            None => drawn_positions(self.scenario, self.area),
        }
    }

    /// Findings, worst first, then by subject.
    pub fn findings(&self) -> Vec<Finding> {
        let mut all = self.checker.sorted();
        all.sort_by_key(|f| std::cmp::Reverse(f.severity));
        all
    }

    /// The findings in the order a diagram lists them, each with the number its link's callout
    /// carries on the drawing (see [`diagram_order`]): what the reports list, so that a number
    /// read on a slide is found in the handout.
    pub fn numbered(&self) -> Vec<(Option<usize>, Finding)> {
        diagram_order(self.findings())
    }

    /// The state of a link for styling: its worst finding, and whether it exists yet.
    pub fn link_state(&self, link: &crate::model::Link) -> LinkState {
        if !link.exists_at(self.as_of) {
            return LinkState::Future;
        }
        match self.checker.worst_for_link(link.id.as_str()) {
            Some(Severity::Violation) => LinkState::Violation,
            Some(Severity::Warning) => LinkState::Warning,
            _ => LinkState::Valid,
        }
    }

    /// The rules a link breaks or is noted by, each once (a rule can find a link twice, once per
    /// party it concerns), in the checker's order.
    pub fn link_rules(&self, link: &crate::model::Link) -> Vec<&'static str> {
        let mut rules: Vec<&'static str> = Vec::new();
        for f in self.checker.for_link(link.id.as_str()) {
            if !rules.contains(&f.rule.key()) {
                rules.push(f.rule.key());
            }
        }
        rules
    }

    /// A party's display name.
    pub fn name(&self, id: &crate::model::PartyId) -> String {
        self.scenario
            .party(id.as_str())
            .map_or_else(|| id.to_string(), |p| p.name.clone())
    }
}

/// A finding drawn as a numbered callout: one about a link that is not a note. Its link's id.
pub(crate) fn callout_link(f: &Finding) -> Option<&str> {
    match &f.subject {
        crate::rules::Subject::Link(id) if f.severity != Severity::Note => Some(id.as_str()),
        _ => None,
    }
}

/// `findings` (worst first) in a diagram's order, numbered. Every finding drawn as a callout (see
/// [`callout_link`]) has a number of its own, counting 1, 2, 3…; a link's findings follow each
/// other (from where its first one stands), so its callout names one run of numbers ("3–4"):
/// repeating the link's number ("1., 1., 2.") read to an audience as a mistake. Findings about a
/// party, and notes, have none (a diagram lists them as bullets).
pub(crate) fn diagram_order(findings: Vec<Finding>) -> Vec<(Option<usize>, Finding)> {
    let mut per_link: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for (i, f) in findings.iter().enumerate() {
        if let Some(link) = callout_link(f) {
            per_link.entry(link).or_default().push(i);
        }
    }
    let mut order = Vec::with_capacity(findings.len());
    for (i, f) in findings.iter().enumerate() {
        match callout_link(f) {
            // The link's first finding brings the others; they are skipped where they stood.
            Some(link) => order.extend(per_link.remove(link).unwrap_or_default()),
            None => order.push(i),
        }
    }
    drop(per_link);
    let mut slots: Vec<Option<Finding>> = findings.into_iter().map(Some).collect();
    let mut next = 0;
    order
        .into_iter()
        .filter_map(|i| slots[i].take())
        .map(|f| {
            let number = callout_link(&f).map(|_| {
                next += 1;
                next
            });
            (number, f)
        })
        .collect()
}

/// How a link is styled in every diagram format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LinkState {
    Valid,
    Warning,
    Violation,
    Future,
}

impl LinkState {
    pub fn key(self) -> &'static str {
        match self {
            LinkState::Valid => "valid",
            LinkState::Warning => "warning",
            LinkState::Violation => "violation",
            LinkState::Future => "future",
        }
    }

    /// Hex colour: the same palette as the canvas (Okabe–Ito, colour-blind safe).
    pub fn color(self) -> &'static str {
        match self {
            LinkState::Valid => "#4a5a6a",
            LinkState::Warning => "#e69f00",
            LinkState::Violation => "#d52027",
            LinkState::Future => "#b8c0c8",
        }
    }
}

/// How a link's line is drawn in the diagram formats (GraphML for yEd, GEXF, draw.io, DOT), the same
/// way as on the canvas and in the SVG: a violation dashed, a link dated later dotted, an admin
/// relationship dotted, everything else solid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dash {
    Solid,
    Dashed,
    Dotted,
}

impl Dash {
    pub fn of(state: LinkState, kind: crate::model::LinkKind) -> Dash {
        match (state, kind) {
            (LinkState::Violation, _) => Dash::Dashed,
            (LinkState::Future, _) | (_, crate::model::LinkKind::Admin) => Dash::Dotted,
            _ => Dash::Solid,
        }
    }
}

/// A link's stroke width in canvas units: the money-carrying links (supply, purchase) are heavier,
/// and a violation heavier still.
pub(crate) fn link_width(state: LinkState, kind: crate::model::LinkKind) -> f32 {
    use crate::model::LinkKind::*;
    let base = if matches!(kind, Supply | Purchase) {
        3.0
    } else {
        2.0
    };
    if state == LinkState::Violation {
        base + 1.0
    } else {
        base
    }
}

/// A link's label in the diagram formats: its kind, and the rules it breaks when it has any and
/// exists at the as-of date.
pub(crate) fn link_label(sheet: &Sheet, link: &crate::model::Link) -> String {
    let rules = sheet.link_rules(link);
    if rules.is_empty() || sheet.link_state(link) == LinkState::Future {
        link.kind.label().to_owned()
    } else {
        format!("{}\n{}", link.kind.label(), rules.join(", "))
    }
}

/// A link named for a reader: "Litware → Contoso, purchase of M365" (its parties, its kind and,
/// for a purchase, the offer), where a finding's words alone do not say which link it is.
pub(crate) fn link_naming(sheet: &Sheet, link: &crate::model::Link) -> String {
    let offer = link
        .offer
        .as_deref()
        .map(|o| format!(" of {}", sanitize::clean(o)))
        .unwrap_or_default();
    format!(
        "{} → {}, {}{offer}",
        sanitize::clean(&sheet.name(&link.from)),
        sanitize::clean(&sheet.name(&link.to)),
        link.kind.label()
    )
}

/// A party's label in the diagram formats: its name, then its kind and country (the kind left out
/// when the name already says it, as "Microsoft" does, so no label reads twice).
pub(crate) fn party_label(p: &crate::model::Party) -> String {
    let mut second = Vec::new();
    if !p.name.trim().eq_ignore_ascii_case(p.kind.label()) {
        second.push(p.kind.label().to_owned());
    }
    if let Some(c) = &p.country {
        second.push(c.to_string());
    }
    if second.is_empty() {
        p.name.clone()
    } else {
        format!("{}\n{}", p.name, second.join(" · "))
    }
}

/// The red, green and blue of a `#rrggbb` colour (for formats that want numbers: Gephi, GEXF).
pub(crate) fn rgb(hex: &str) -> (u8, u8, u8) {
    let channel = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    (channel(1), channel(3), channel(5))
}

/// The canvas's size of a party's shape (its half-width), shared by the diagram formats.
pub(crate) const PARTY_RADIUS: f32 = 30.0;

/// Width and height of a party's shape on the canvas: customers are a wide rounded rectangle.
pub(crate) fn party_size(kind: crate::model::PartyKind) -> (f32, f32) {
    if kind == crate::model::PartyKind::Customer {
        (2.0 * PARTY_RADIUS, 1.4 * PARTY_RADIUS)
    } else {
        (2.0 * PARTY_RADIUS, 2.0 * PARTY_RADIUS)
    }
}

/// Where each curved link bends, by the links' graph indexes, for the formats that draw links as
/// polylines (yEd, draw.io): the middle of the canvas's curve, or `None` for a straight or undrawn
/// link.
pub(crate) fn bends_by_edge(
    scenario: &Scenario,
    positions: &std::collections::BTreeMap<crate::model::PartyId, crate::model::Position>,
) -> Vec<Option<crate::model::Position>> {
    use petgraph::visit::EdgeIndexable;
    let mut out = vec![None; scenario.graph().edge_bound()];
    crate::layout::each_route(scenario, positions, PARTY_RADIUS, |e, from, control, to| {
        let mid = crate::model::Position {
            x: (from.x + to.x) / 2.0,
            y: (from.y + to.y) / 2.0,
        };
        let curved = (control.x - mid.x).abs() + (control.y - mid.y).abs() > 1.0;
        if curved {
            // The middle of the curve (a quadratic Bézier at ½).
            out[e.index()] = Some(crate::model::Position {
                x: 0.25 * from.x + 0.5 * control.x + 0.25 * to.x,
                y: 0.25 * from.y + 0.5 * control.y + 0.25 * to.y,
            });
        }
    });
    out
}

/// Where each party is drawn, by its graph index (`None`: not drawn), for the loops that list the
/// parties in graph order: one lookup by id per party, where searching the map of positions for
/// each party compared a dozen or more ids (string comparisons were the most of a 10,000-party
/// export's time after writing, and a search grows with the channel).
pub(crate) fn positions_by_node(
    scenario: &Scenario,
    positions: &std::collections::BTreeMap<crate::model::PartyId, crate::model::Position>,
) -> Vec<Option<crate::model::Position>> {
    use petgraph::visit::NodeIndexable;
    let mut out = vec![None; scenario.graph().node_bound()];
    for (id, &p) in positions {
        if let Some(n) = scenario.party_index(id.as_str()) {
            out[n.index()] = Some(p);
        }
    }
    out
}

/// A coordinate written with one decimal, as `{:.1}` writes it (ties to even, `-0.0` keeps its sign)
/// but through integer formatting: `{:.1}` takes the exact path of the float formatter, a tenth of
/// the time of a large diagram export.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tenths(pub f32);

impl std::fmt::Display for Tenths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let x = self.0;
        // An f32 times ten is exact in an f64 (24 + 4 bits), so the rounding is the exact one.
        let tenths = (f64::from(x.abs()) * 10.0).round_ties_even();
        if !x.is_finite() || tenths >= 1e18 {
            return write!(f, "{x:.1}");
        }
        let tenths = tenths as u64;
        let sign = if x.is_sign_negative() { "-" } else { "" };
        write!(f, "{sign}{}.{}", tenths / 10, tenths % 10)
    }
}

/// Hex fill of a party kind (the canvas palette).
pub(crate) fn party_color(kind: crate::model::PartyKind) -> &'static str {
    use crate::model::PartyKind::*;
    match kind {
        Microsoft => "#0072b2",
        IndirectProvider => "#56b4e9",
        DirectBill => "#009e73",
        IndirectReseller => "#cc79a7",
        Customer => "#f0e442",
    }
}

/// Exports the scenario in a format.
pub fn export(
    scenario: &Scenario,
    format: ExportFormat,
    options: &ExportOptions,
) -> Result<Vec<u8>, ExportError> {
    export_with(scenario, format, options, &Progress::none())
}

/// [`export`], reporting progress and stopping with [`ExportError::Cancelled`] when cancelled.
///
/// A PNG's page is sized from the layout before any label is placed (see `svg::render_with`): one
/// too large is refused then, naming the scale that fits, rather than after seconds of drawing.
/// One too large even without its findings list is refused before the rules are checked.
pub fn export_with(
    scenario: &Scenario,
    format: ExportFormat,
    options: &ExportOptions,
    progress: &Progress,
) -> Result<Vec<u8>, ExportError> {
    let mut out = out::Out::memory();
    match make(scenario, format, options, progress, &mut out)? {
        Some(bytes) => Ok(bytes),
        // Memory takes every write.
        None => Ok(out.finish().unwrap_or_default().into_bytes()),
    }
}

/// Whether an export is written to its file as it is made (see [`out::Out`]) rather than made
/// whole in memory first: the diagram formats whose documents grow to hundreds of megabytes
/// (at 300,000 parties GraphML writes 1.6 GB, GEXF 720 MB, draw.io 630 MB), and the SVG unless
/// its texts become outlines (which reads the whole document back).
fn streamed(format: ExportFormat, options: &ExportOptions) -> bool {
    match format {
        ExportFormat::Graphml | ExportFormat::Gexf | ExportFormat::Drawio => true,
        ExportFormat::Svg => !options.text_as_paths,
        _ => false,
    }
}

/// Makes the export: a [`streamed`] format is written to `out` (`None`), any other made whole
/// (its bytes).
fn make(
    scenario: &Scenario,
    format: ExportFormat,
    options: &ExportOptions,
    progress: &Progress,
    out: &mut out::Out,
) -> Result<Option<Vec<u8>>, ExportError> {
    if format == ExportFormat::Png && options.slide.is_none() {
        png::check_scale(options.scale)?;
        if options.drawn.as_ref().is_none_or(|d| d.positions.is_none()) {
            // Before the rules run: at 100,000 parties checking them was most of a refusal's time.
            // Also with the window's findings, for the whole channel: the window offers the scale
            // the command line advises.
            svg::refuse_unchecked(scenario, options)?;
        }
    }
    let checking = progress.part(0.0, 0.3, "Checking the rules");
    let mut sheet = match &options.drawn {
        Some(drawn) => Sheet::of_window(scenario, options.as_of, drawn),
        None => Sheet::new(scenario, options.as_of),
    };
    sheet.area = options.area;
    checking.set(1.0);
    if progress.is_cancelled() {
        return Err(ExportError::Cancelled);
    }
    let drawing = progress.part(0.3, 0.9, "Drawing");
    let rendered = match (format, options.slide) {
        (ExportFormat::Svg, Some(slide)) if !options.text_as_paths => {
            svg::write_slide(&sheet, &svg::Look::svg(options), slide, &drawing, None, out)?;
            None
        }
        (ExportFormat::Svg, Some(slide)) => {
            let svg = slide_svg(&sheet, &svg::Look::svg(options), slide, &drawing, None)?;
            Some(png::outlined(&svg)?.into_bytes())
        }
        (ExportFormat::Png, Some(slide)) => {
            // The slide is laid out in its own pixels: drawn at scale 1, it is the size asked.
            let mut hairlines = png::Hairlines::default();
            let svg = slide_svg(
                &sheet,
                &svg::Look::png(options),
                slide,
                &drawing,
                Some(&mut hairlines),
            )?;
            progress.part(0.6, 0.95, "Rendering the picture");
            let at_one = ExportOptions {
                scale: 1.0,
                ..options.clone()
            };
            Some(png::render_over(&svg, &at_one, Some(&hairlines))?)
        }
        (format, _) => make_one(&sheet, format, options, progress, &drawing, out)?,
    };
    if progress.is_cancelled() {
        return Err(ExportError::Cancelled);
    }
    progress.part(0.95, 1.0, "Writing the file");
    Ok(rendered)
}

/// A slide's SVG made in memory, to be outlined or rendered (`hairlines` takes the links a PNG
/// lays straight into its pixels).
fn slide_svg(
    sheet: &Sheet,
    look: &svg::Look,
    slide: Slide,
    drawing: &Progress,
    hairlines: Option<&mut png::Hairlines>,
) -> Result<String, ExportError> {
    let mut made = out::Out::memory();
    svg::write_slide(sheet, look, slide, drawing, hairlines, &mut made)?;
    Ok(made.finish().unwrap_or_default())
}

/// Makes an export other than a slide: a [`streamed`] format written to `out` (`None`), any
/// other made whole (its bytes).
fn make_one(
    sheet: &Sheet,
    format: ExportFormat,
    options: &ExportOptions,
    progress: &Progress,
    drawing: &Progress,
    out: &mut out::Out,
) -> Result<Option<Vec<u8>>, ExportError> {
    let rendered = match format {
        ExportFormat::Svg if !options.text_as_paths => {
            svg::write_with(sheet, &svg::Look::svg(options), drawing, out)?;
            None
        }
        ExportFormat::Svg => {
            let svg = svg::render_with(sheet, &svg::Look::svg(options), drawing)?;
            Some(png::outlined(&svg)?.into_bytes())
        }
        ExportFormat::Png => {
            let svg = svg::render_with(sheet, &svg::Look::png(options), drawing)?;
            progress.part(0.6, 0.95, "Rendering the picture");
            Some(png::render(&svg, options)?)
        }
        ExportFormat::Dot => Some(dot::render(sheet).into_bytes()),
        ExportFormat::Graphml => {
            graphml::write(sheet, out);
            None
        }
        ExportFormat::Gexf => {
            gexf::write(sheet, out);
            None
        }
        ExportFormat::Drawio => {
            drawio::write(sheet, out);
            None
        }
        ExportFormat::Mermaid => Some(mermaid::render(sheet)?.into_bytes()),
        ExportFormat::Markdown => Some(report::markdown(sheet).into_bytes()),
        ExportFormat::Csv => Some(report::csv(sheet, options.excel, options.csv_separator())),
        ExportFormat::Json => Some(report::json(sheet).into_bytes()),
    };
    Ok(rendered)
}

/// The canvas positions of the parties inside `area` (all of them without one).
pub(crate) fn drawn_positions(
    scenario: &Scenario,
    area: Option<Area>,
) -> std::collections::BTreeMap<crate::model::PartyId, crate::model::Position> {
    in_area(crate::layout::effective_positions(scenario), area)
}

/// The positions inside `area` (all of them without one).
pub(crate) fn in_area(
    mut positions: std::collections::BTreeMap<crate::model::PartyId, crate::model::Position>,
    area: Option<Area>,
) -> std::collections::BTreeMap<crate::model::PartyId, crate::model::Position> {
    if let Some(area) = area {
        positions.retain(|_, p| area.contains(*p));
    }
    positions
}

/// Whether an export to `path` is written gzip-compressed: an SVG to a `.svgz` file (any case),
/// which browsers, Inkscape and the usual slide tools open as they open an SVG.
pub fn compressed(format: ExportFormat, path: &Path) -> bool {
    format == ExportFormat::Svg
        && path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("svgz"))
}

/// The bytes of an export as they go into `path`: gzip-compressed where [`compressed`] says so
/// (the extension chooses, as every tool that opens the file decides by it), else as they are.
pub fn for_file(format: ExportFormat, path: &Path, bytes: Vec<u8>) -> Result<Vec<u8>, ExportError> {
    if !compressed(format, path) {
        return Ok(bytes);
    }
    use std::io::Write as _;
    let mut gz = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 8),
        flate2::Compression::default(),
    );
    gz.write_all(&bytes)
        .and_then(|()| gz.finish())
        .map_err(ExportError::Compress)
}

/// Exports to `sink` (standard output, a pipe): a [`streamed`] format goes to it 64 KB at a time
/// as it is made, so its document is never whole in memory (`-o -` of a 300,000-party GraphML
/// built 1.6 GB before its first byte), any other once it is made. The outer `Err` is the export
/// refused or failed, before anything reached the sink (a streamed document fails only when
/// cancelled: its refusals, a PNG's, are not streamed); the inner one is the sink failing (a
/// reader gone away), which the caller words.
pub fn export_to_writer(
    scenario: &Scenario,
    format: ExportFormat,
    options: &ExportOptions,
    sink: &mut dyn std::io::Write,
    progress: &Progress,
) -> Result<std::io::Result<()>, ExportError> {
    if !streamed(format, options) {
        let bytes = export_with(scenario, format, options, progress)?;
        return Ok(sink.write_all(&bytes).and_then(|()| sink.flush()));
    }
    let mut out = out::Out::to(sink);
    let made = make(scenario, format, options, progress, &mut out)?;
    debug_assert!(made.is_none(), "a streamed format writes to its Out");
    progress.set(1.0);
    Ok(out.finish().map(drop))
}

/// Exports to a file, atomically: on any error the file is not created or replaced. An SVG to a
/// `.svgz` file is gzip-compressed (see [`for_file`]).
pub fn export_to_file(
    scenario: &Scenario,
    format: ExportFormat,
    options: &ExportOptions,
    path: &Path,
) -> Result<(), ExportError> {
    export_to_file_with(scenario, format, options, path, &Progress::none())
}

/// [`export_to_file`] with progress and Cancel (see [`export_with`]); a cancelled export writes
/// nothing.
pub fn export_to_file_with(
    scenario: &Scenario,
    format: ExportFormat,
    options: &ExportOptions,
    path: &Path,
    progress: &Progress,
) -> Result<(), ExportError> {
    export_to_path(
        scenario,
        format,
        options,
        path,
        progress,
        crate::io::disk::ReadOnly::Refuse,
    )
}

/// [`export_to_file_with`], replacing a write-protected file when `read_only` says so (the
/// command line's `--force`). A [`streamed`] format goes to the file as it is written, so its
/// document is never whole in memory; still atomically: into a temporary file that replaces
/// `path` only once it is complete.
pub fn export_to_path(
    scenario: &Scenario,
    format: ExportFormat,
    options: &ExportOptions,
    path: &Path,
    progress: &Progress,
    read_only: crate::io::disk::ReadOnly,
) -> Result<(), ExportError> {
    if !streamed(format, options) {
        let bytes = for_file(
            format,
            path,
            export_with(scenario, format, options, progress)?,
        )?;
        crate::io::disk::write_atomic_with(path, &bytes, read_only)?;
        progress.set(1.0);
        return Ok(());
    }
    let failed = |source| {
        ExportError::Write(crate::io::SaveError::Io {
            path: crate::text::path(path),
            source,
        })
    };
    crate::io::disk::write_atomic_streamed(path, read_only, |file| {
        if compressed(format, path) {
            let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
            let mut out = out::Out::to(&mut gz);
            let made = make(scenario, format, options, progress, &mut out)?;
            debug_assert!(made.is_none(), "a streamed format writes to its Out");
            out.finish().map_err(failed)?;
            gz.finish().map_err(failed)?;
        } else {
            let mut out = out::Out::to(file);
            let made = make(scenario, format, options, progress, &mut out)?;
            debug_assert!(made.is_none(), "a streamed format writes to its Out");
            out.finish().map_err(failed)?;
        }
        Ok::<(), ExportError>(())
    })?;
    progress.set(1.0);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file dialog offers each format's own extension first, and an SVG's compressed one too.
    #[test]
    fn every_format_offers_its_extension_and_an_svg_its_compressed_one() {
        for format in ExportFormat::ALL {
            assert_eq!(format.extensions()[0], format.extension(), "{format:?}");
        }
        assert!(ExportFormat::Svg.extensions().contains(&"svgz"));
        assert!(compressed(ExportFormat::Svg, Path::new("slide.svgz")));
    }

    /// A writer that keeps what it is given and the size of each piece.
    struct Pieces(Vec<usize>, Vec<u8>);

    impl std::io::Write for Pieces {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.push(buf.len());
            self.1.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Standard output (`-o -`) gets a large diagram as a file does, in pieces while it is made
    /// (it was made whole in memory first), and any other format whole: the same bytes as
    /// [`export`] either way. A sink that fails is told apart from an export that fails.
    #[test]
    fn a_writer_gets_a_diagram_in_pieces_as_it_is_written() {
        let s = crate::scenarios::synthetic(1_500);
        let options = ExportOptions::default();
        for format in [ExportFormat::Graphml, ExportFormat::Svg, ExportFormat::Csv] {
            let whole = export(&s, format, &options).unwrap();
            let mut pieces = Pieces(Vec::new(), Vec::new());
            let written =
                export_to_writer(&s, format, &options, &mut pieces, &Progress::none()).unwrap();
            assert!(written.is_ok(), "{format:?}");
            assert!(pieces.1 == whole, "{format:?}: the pieces are the document");
            let largest = pieces.0.iter().copied().max().unwrap_or(0);
            if streamed(format, &options) {
                assert!(
                    pieces.0.len() >= 4 && largest * 4 <= whole.len(),
                    "{format:?}: {} pieces, the largest {largest} of {} bytes",
                    pieces.0.len(),
                    whole.len()
                );
            } else {
                assert_eq!(largest, whole.len(), "{format:?} is written once made");
            }
        }
        struct Gone;
        impl std::io::Write for Gone {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let gone = export_to_writer(
            &s,
            ExportFormat::Graphml,
            &options,
            &mut Gone,
            &Progress::none(),
        )
        .expect("the export itself is made");
        assert_eq!(gone.unwrap_err().kind(), std::io::ErrorKind::BrokenPipe);
        let refused = export_to_writer(
            &s,
            ExportFormat::Png,
            &ExportOptions {
                scale: 40.0,
                ..options
            },
            &mut Gone,
            &Progress::none(),
        );
        assert!(matches!(refused, Err(ExportError::BadScale(_))));
    }

    /// The large diagram formats reach their file in pieces while they are made, never whole:
    /// the largest piece handed to the writer is a small part of the document, and the pieces
    /// together are what [`export`] returns.
    #[test]
    fn diagrams_reach_their_file_in_pieces_as_they_are_written() {
        let s = crate::scenarios::synthetic(1_500);
        let options = ExportOptions::default();
        for format in [
            ExportFormat::Svg,
            ExportFormat::Graphml,
            ExportFormat::Gexf,
            ExportFormat::Drawio,
        ] {
            assert!(streamed(format, &options));
            let whole = export(&s, format, &options).unwrap();
            let mut pieces = Pieces(Vec::new(), Vec::new());
            let mut out = out::Out::to(&mut pieces);
            let made = make(&s, format, &options, &Progress::none(), &mut out).unwrap();
            assert!(made.is_none(), "{format:?} is written as it is made");
            out.finish().unwrap();
            assert!(pieces.1 == whole, "{format:?}: the pieces are the document");
            let largest = pieces.0.iter().copied().max().unwrap_or(0);
            assert!(
                pieces.0.len() >= 4 && largest * 4 <= whole.len(),
                "{format:?}: {} pieces, the largest {largest} of {} bytes",
                pieces.0.len(),
                whole.len()
            );
        }
    }

    /// `Tenths` writes what `{:.1}` writes, ties and signed zeros included.
    #[test]
    fn tenths_write_what_the_float_formatter_writes() {
        let mut seed = 5u64;
        let mut values = vec![
            0.0,
            -0.0,
            0.25,
            0.75,
            1.25,
            -0.25,
            -2.75,
            0.05,
            0.15,
            -0.04,
            1e-9,
            16_384.35,
            123_456.75,
            -99_999.95,
            3.0e7,
            1.5e19,
            f32::MAX,
            f32::MIN,
        ];
        for _ in 0..20_000 {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let bits = (seed >> 32) as u32;
            let x = f32::from_bits(bits);
            if x.is_finite() {
                values.push(x);
            }
            // Values a drawing has: quarters (exact ties) and coordinates up to a few hundred
            // thousand units.
            values.push(((seed >> 40) as f32 / 64.0 - 100_000.0) / 4.0);
        }
        for x in values {
            assert_eq!(Tenths(x).to_string(), format!("{x:.1}"), "{x:e}");
        }
    }

    /// An export of what the window shows draws each party where the window draws it (not where
    /// a fresh layout would put it) and counts the window's findings, checking nothing again.
    #[test]
    fn a_visible_area_is_drawn_from_the_window_positions_and_findings() {
        let s = crate::scenarios::synthetic(40);
        let fresh = crate::layout::effective_positions(&s);
        let mut ids = fresh.keys().cloned();
        let (shown, moved_out) = (ids.next().unwrap(), ids.next().unwrap());
        let area = Area {
            min: crate::model::Position {
                x: 10_000.0,
                y: 10_000.0,
            },
            max: crate::model::Position {
                x: 10_400.0,
                y: 10_300.0,
            },
        };
        assert!(
            fresh.values().all(|p| !area.contains(*p)),
            "a fresh layout puts nobody there"
        );
        let mut positions = fresh.clone();
        positions.insert(
            shown,
            crate::model::Position {
                x: 10_200.0,
                y: 10_150.0,
            },
        );
        let checker = Checker::new(&s);
        let counts = checker.counts();
        let options = ExportOptions {
            area: Some(area),
            drawn: Some(std::sync::Arc::new(Drawn {
                positions: Some(positions),
                checker: std::sync::Arc::new(checker),
            })),
            ..ExportOptions::default()
        };
        let svg = String::from_utf8(export(&s, ExportFormat::Svg, &options).unwrap()).unwrap();
        assert!(
            svg.contains(&format!("id=\"party-{shown}\"")),
            "the party in view is drawn"
        );
        assert!(
            !svg.contains(&format!("id=\"party-{moved_out}\"")),
            "nobody else is"
        );
        let violations = counts.of(Severity::Violation);
        assert!(
            svg.contains(&format!("{violations} violation")),
            "the window's findings are counted"
        );
        // The window's findings without its positions (a whole channel): laid out afresh, the
        // findings given counted, none checked again (here, none given).
        let unchecked = ExportOptions {
            drawn: Some(std::sync::Arc::new(Drawn {
                positions: None,
                checker: std::sync::Arc::new(Checker::default()),
            })),
            ..ExportOptions::default()
        };
        let svg = String::from_utf8(export(&s, ExportFormat::Svg, &unchecked).unwrap()).unwrap();
        assert!(svg.contains(&format!("id=\"party-{moved_out}\"")));
        assert!(violations > 0 && !svg.contains(&format!("{violations} violation")));
        assert!(!svg.contains("id=\"callout-"), "no finding drawn");
        // Without the window's positions the same area is empty.
        let fresh_options = ExportOptions {
            area: Some(area),
            ..ExportOptions::default()
        };
        let svg =
            String::from_utf8(export(&s, ExportFormat::Svg, &fresh_options).unwrap()).unwrap();
        assert!(!svg.contains(&format!("id=\"party-{shown}\"")));
    }
}
