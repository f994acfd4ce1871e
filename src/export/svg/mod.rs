//! Owns the SVG picture's steps and measures (placement, page layout, writing, in that order);
//! must not rasterise (`png.rs`) nor route links (`layout::routes`).
//!
//! The diagram as SVG: parties by kind, links by kind and finding, a legend, a title with the as-of
//! date, numbered callouts on broken links and the findings list below the drawing.
//!
//! Every text is measured with the fonts resvg draws it with ([`crate::fonts`]), and every label,
//! callout and legend entry is placed on a board of the boxes already taken (party shapes first),
//! so nothing overlaps: a party's name goes below its shape, or above, right or left of it (whichever
//! is free and crossed by the fewest links), a callout slides along its link to a free spot, and a
//! link's kind label is left out (it stays in the link's tooltip) where there is no room for it.
//! Labels sit on a white plate above the links, so no dashed line runs through a word. Long names are
//! wrapped on two lines and ellipsised; the full name is in the party's `<title>` tooltip.

//!
//! The work is in three rooms: [`placement`] puts every label on a free spot (over the indexes of
//! [`board`]), [`layout`] numbers the findings and lays out the page around the drawing, [`writing`]
//! writes the markup.

mod board;
mod layout;
mod placement;
mod slide;
mod writing;

use super::out::Out;
use super::{Detail, ExportError, FindingsList, Sheet};
use crate::fonts::TextStyle;
use crate::layout::routes_by_edge;
use crate::model::Position;
use crate::progress::Progress;
use board::Box2;

const RADIUS: f32 = 30.0;
const MARGIN: f32 = 70.0;
/// Room kept around every placed box (the white plate behind a label is this much larger).
const PAD: f32 = 3.0;
/// The widest a party name may run before it wraps.
const NAME_WIDTH: f32 = 180.0;
const NAME: TextStyle = TextStyle {
    size: 15.0,
    bold: true,
};
const DETAIL: TextStyle = TextStyle {
    size: 12.0,
    bold: false,
};
const KIND: TextStyle = TextStyle {
    size: 11.0,
    bold: false,
};
const LEGEND: TextStyle = TextStyle {
    size: 12.0,
    bold: false,
};
const LIST: TextStyle = TextStyle {
    size: 13.0,
    bold: false,
};
const LIST_BOLD: TextStyle = TextStyle {
    size: 13.0,
    bold: true,
};
const CALLOUT_R: f32 = 11.0;

/// How far beyond the parties and their links' curves a label may reach on a PNG: a name beside
/// its shape (at most [`NAME_WIDTH`] wide, with its plate and gap), or a callout's pill on its
/// link. The placement keeps every label inside this (see [`board::Board::frame`]), which is what
/// lets the page be sized before anything is placed.
fn reach(detail: Detail) -> f32 {
    if detail >= Detail::Names {
        NAME_WIDTH + 2.0 * PAD + 20.0
    } else {
        80.0
    }
}

/// The smallest text height, in pixels, a PNG still draws: below it a label is a smudge, and
/// placing it costs most of a large picture's time.
const READABLE_PX: f32 = 6.0;

/// The labels a PNG at `scale` draws when the level of detail is left to the export: kind labels
/// from 0.55 (11-pixel text at 6 pixels), names from 0.4, shapes and callouts below.
pub(crate) fn readable_at(scale: f32) -> Detail {
    if KIND.size * scale >= READABLE_PX {
        Detail::Full
    } else if NAME.size * scale >= READABLE_PX {
        Detail::Names
    } else {
        Detail::Shapes
    }
}

/// Above this many parties an SVG leaves out the links' kind labels by default; above
/// [`SVG_NAMES_UP_TO`] the names too (the tooltips keep both). A whole channel that large is seen
/// at a size where neither is readable, and they are most of its file: at 100,000 parties, 65 of
/// 97 MB, and most of the time spent placing.
pub(crate) const SVG_KINDS_UP_TO: usize = 20_000;
/// See [`SVG_KINDS_UP_TO`].
pub(crate) const SVG_NAMES_UP_TO: usize = 50_000;

/// The labels an SVG of `parties` draws when the level of detail is left to the export.
pub(crate) fn detail_by_size(parties: usize) -> Detail {
    if parties <= SVG_KINDS_UP_TO {
        Detail::Full
    } else if parties <= SVG_NAMES_UP_TO {
        Detail::Names
    } else {
        Detail::Shapes
    }
}

/// The most elements and texts the rasteriser reads (usvg refuses a document beyond a million
/// nodes), with room for the header, legend and list counted roughly.
const MAX_NODES: usize = 950_000;

/// How many parties or links are placed between two looks at the progress (and Cancel).
const PROGRESS_EVERY: usize = 2_048;

/// Counts the placement's steps (parties' labels, then callouts and link labels) for the progress
/// bar, and looks at Cancel every [`PROGRESS_EVERY`] steps.
struct Steps<'p> {
    progress: &'p Progress,
    total: f32,
    placed: usize,
}

impl Steps<'_> {
    /// The indexes are built: placing begins.
    fn begin(&self) {
        self.progress.set(0.1);
    }

    /// One more party or link placed; `None` when the export was cancelled.
    fn step(&mut self) -> Option<()> {
        self.placed += 1;
        if self.placed.is_multiple_of(PROGRESS_EVERY) {
            if self.progress.is_cancelled() {
                return None;
            }
            self.progress
                .set(0.1 + 0.8 * self.placed as f32 / self.total);
        }
        Some(())
    }
}

/// How a picture is drawn: its background, which labels and which list of findings.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Look {
    /// No white page behind the drawing (a PNG with `--transparent`).
    pub transparent: bool,
    /// How the findings are listed below the drawing.
    pub findings: FindingsList,
    /// Which labels are drawn ([`Detail::Auto`]: see [`Look::detail_for`]).
    pub detail: Detail,
    /// For a PNG, its scale: the page is sized before anything is placed and refused at once if
    /// it cannot be drawn; no tooltips (a picture has none).
    pub png_scale: Option<f32>,
}

impl Look {
    /// The SVG's look for `options`: on a white page.
    pub(crate) fn svg(options: &crate::export::ExportOptions) -> Self {
        Look {
            transparent: false,
            findings: options.findings,
            detail: options.detail,
            png_scale: None,
        }
    }

    /// A PNG's look for `options`.
    pub(crate) fn png(options: &crate::export::ExportOptions) -> Self {
        Look {
            transparent: options.background == crate::export::Background::Transparent,
            findings: options.findings,
            detail: options.detail,
            png_scale: Some(options.scale),
        }
    }

    /// Page units per text unit: a PNG below scale 1 draws its header and list at their size at
    /// scale 1 (see `png::text_zoom`); an SVG, which is zoomed where it is shown, at 1.
    fn text_zoom(&self) -> f32 {
        self.png_scale.map_or(1.0, super::png::text_zoom)
    }

    /// The labels drawn for a drawing of `parties`: those chosen, or by default those of
    /// [`detail_by_size`] and, in a PNG, no more than its scale shows readably.
    fn detail_for(&self, parties: usize) -> Detail {
        match (self.detail, self.png_scale) {
            (Detail::Auto, Some(scale)) => readable_at(scale).min(detail_by_size(parties)),
            (Detail::Auto, None) => detail_by_size(parties),
            (chosen, _) => chosen,
        }
    }
}

/// Renders the sheet as a standalone SVG document in `look`, kept in memory (what a PNG
/// rasterises); see [`write_with`].
pub(crate) fn render_with(
    sheet: &Sheet,
    look: &Look,
    progress: &Progress,
) -> Result<String, ExportError> {
    let mut out = Out::memory();
    write_with(sheet, look, progress, &mut out)?;
    Ok(out.finish().unwrap_or_default())
}

/// Writes the sheet as a standalone SVG document in `look` to `out`. Reports to `progress` while
/// placing labels. A PNG's page is bounded first (see [`bound`]) and refused before any label is
/// placed when it is too large at its scale.
pub(crate) fn write_with(
    sheet: &Sheet,
    look: &Look,
    progress: &Progress,
    out: &mut Out,
) -> Result<(), ExportError> {
    let s = sheet.scenario;
    let positions = sheet.positions();
    let look = &Look {
        detail: look.detail_for(positions.len()),
        ..*look
    };
    let numbering = layout::Numbering::of(sheet, &positions);
    let frame = match look.png_scale {
        Some(scale) => {
            // Before every link is routed: only those that can reach beyond the parties move the
            // bound, so a refusal costs a few of them.
            let links = LinkExtent::beyond_parties(s, &positions);
            let bound = bound(sheet, &positions, &links, &numbering, look);
            refuse_beyond(&bound, bound.sizing, scale)?;
            if bound.nodes > MAX_NODES {
                return Err(ExportError::TooManyShapes);
            }
            Some(bound.frame)
        }
        None => None,
    };
    // Each route with its link's graph index, which the placement and the writing read the link
    // and its numbers by (not its id).
    let (edges, all_routes): (Vec<_>, Vec<_>) =
        routes_by_edge(s, &positions, RADIUS).into_iter().unzip();
    let drawing = Drawing {
        positions: &positions,
        routes: &all_routes,
        edges: &edges,
        numbering: &numbering,
    };
    let placed = drawing.place(sheet, look.detail, frame, progress)?;
    let page = layout::page(
        sheet,
        placed.extent(&all_routes),
        &numbering,
        look.findings,
        look.text_zoom(),
    );
    let laid = writing::Laid {
        positions: &positions,
        routes: &all_routes,
        edges: &edges,
        numbering: &numbering,
        placed: &placed,
    };
    writing::write(sheet, &laid, &page, look, out);
    progress.set(1.0);
    Ok(())
}

/// What a drawing's labels are placed around: the parties where they are drawn, the links' routes
/// with their graph indexes, the findings' numbers.
struct Drawing<'a> {
    positions: &'a std::collections::BTreeMap<crate::model::PartyId, Position>,
    routes: &'a [crate::layout::Route],
    edges: &'a [petgraph::stable_graph::EdgeIndex],
    numbering: &'a layout::Numbering,
}

impl Drawing<'_> {
    /// Places every label at `detail` (inside `frame` when given), reporting to `progress`.
    fn place(
        &self,
        sheet: &Sheet,
        detail: Detail,
        frame: Option<Box2>,
        progress: &Progress,
    ) -> Result<placement::Placed, ExportError> {
        let mut steps = Steps {
            progress,
            // Parties' labels, then callouts and link labels: the share of the work each step is.
            total: (sheet.scenario.party_count() + 2 * self.routes.len()).max(1) as f32,
            placed: 0,
        };
        placement::place_all(
            sheet,
            self.positions,
            self.routes,
            self.edges,
            self.numbering,
            detail,
            frame,
            &mut steps,
        )
        .ok_or(ExportError::Cancelled)
    }
}

/// Writes the sheet as one slide of `slide`'s size in `look` to `out` (see [`slide`]): the whole
/// drawing fitted beside a panel of its tiers and findings by rule.
pub(crate) fn write_slide(
    sheet: &Sheet,
    look: &Look,
    size: super::Slide,
    progress: &Progress,
    hairlines: Option<&mut super::png::Hairlines>,
    out: &mut Out,
) -> Result<(), ExportError> {
    slide::write(sheet, look, size, progress, hairlines, out)
}

/// Refuses a PNG whose `bound` exceeds the limits at `scale`, naming the scale at which `sizing`
/// (the most the page can measure at any smaller scale) fits.
fn refuse_beyond(bound: &Bound, sizing: super::png::Sizing, scale: f32) -> Result<(), ExportError> {
    let Err(ExportError::TooLarge(w, h, _)) = super::png::fits(bound.width, bound.height, scale)
    else {
        return Ok(());
    };
    match sizing.fitting() {
        Some(fit) => Err(ExportError::TooLarge(w, h, fit)),
        None => Err(ExportError::ListTooLong(w, h)),
    }
}

/// Refuses a PNG too large whatever the rules find, before they are checked: its page without any
/// findings list already exceeds the limits at its scale. The scale it names fits the page with
/// the longest list the findings can make ([`layout::list_most`]) and its widest subtitle, so
/// it draws the first time. With every finding listed (`--findings all`), which has no such
/// bound, the refusal waits for the check.
pub(crate) fn refuse_unchecked(
    scenario: &crate::model::Scenario,
    options: &crate::export::ExportOptions,
) -> Result<(), ExportError> {
    let scale = options.scale;
    let mut sheet = Sheet::unchecked(scenario, options.as_of);
    sheet.area = options.area;
    let positions = sheet.positions();
    let look = Look::png(options);
    let look = &Look {
        detail: look.detail_for(positions.len()),
        ..look
    };
    let links = LinkExtent::beyond_parties(scenario, &positions);
    let numbering = layout::Numbering::of(&sheet, &positions);
    // The page's bound without a list (nothing is checked): the bound with the list the rules
    // make is as wide and taller, so what this refuses, the check would refuse too.
    let unlisted = bound(&sheet, &positions, &links, &numbering, look);
    if super::png::fits(unlisted.width, unlisted.height, scale).is_ok() {
        return Ok(());
    }
    let Some(list) = layout::list_most(unlisted.sizing.text.0, look.findings) else {
        return Ok(());
    };
    let most = super::png::Sizing {
        drawing: unlisted.sizing.drawing,
        text: (
            unlisted.sizing.text.0.max(layout::widest_subtitle(&sheet)),
            unlisted.sizing.text.1 + list,
        ),
    };
    refuse_beyond(&unlisted, most, scale)
}

/// Widens `into` to hold `b`.
fn grow(b: Box2, into: &mut Option<Box2>) {
    *into = Some(into.map_or(b, |e| e.union(&b)));
}

/// What a PNG's page bound reads of the links (see [`bound`]): the box of their curves' middles,
/// the box of their ends and control points (which holds each whole curve), and how many are
/// drawn. Gathered route by route, so that a refusal routes the links without keeping them.
#[derive(Clone, Copy, Debug, Default)]
struct LinkExtent {
    middles: Option<Box2>,
    curves: Option<Box2>,
    count: usize,
}

impl LinkExtent {
    /// One more link, drawn from `from` to `to` bent towards `control`.
    fn add(&mut self, from: Position, control: Position, to: Position) {
        // The curve's middle, as `Route::at(0.5)` computes it.
        let c = Position {
            x: 0.25 * from.x + 0.5 * control.x + 0.25 * to.x,
            y: 0.25 * from.y + 0.5 * control.y + 0.25 * to.y,
        };
        grow(Box2::around(c.x, c.y, 1.0, 1.0), &mut self.middles);
        for p in [from, control, to] {
            grow(Box2::around(p.x, p.y, 0.0, 0.0), &mut self.curves);
        }
        self.count += 1;
    }

    /// What [`bound`] reads of the links of the parties at `positions`, as gathering it from every
    /// route would, routing only the links whose curve can reach beyond the box
    /// of the parties' shapes: the page's least extent and its frame hold that box anyway, so a
    /// link whose every possible curve stays inside it changes neither (its middle lies between
    /// its ends and its control point). Its control point's box comes from the length of the link
    /// and its place among the links between its two parties (see
    /// [`crate::layout::Router::control_bound`]), counted as routing counts it
    /// ([`crate::layout::Parallels`]). In a tier layout the long links from the top rows are
    /// routed, the rest are not. Each link's place is counted in one pass over the links: found
    /// by walking the links of one of its parties, it was a quarter of a 100,000-party refusal.
    fn beyond_parties(
        scenario: &crate::model::Scenario,
        positions: &std::collections::BTreeMap<crate::model::PartyId, Position>,
    ) -> Self {
        let g = scenario.graph();
        let router = crate::layout::Router::new(scenario, positions, RADIUS);
        let mut parties: Option<Box2> = None;
        for n in g.node_indices() {
            if let Some(end) = router.drawn(n) {
                grow(placement::shape_box(g[n].kind, end.at), &mut parties);
            }
        }
        let mut extent = LinkExtent::default();
        let Some(parties) = parties else {
            return extent;
        };
        // Two units of room: a curve's middle is measured with one unit around it.
        let inside = parties.grown(-2.0);
        let parallels = crate::layout::Parallels::of(&router);
        for e in g.edge_indices() {
            let Some((a, b)) = router.ends(e) else {
                continue;
            };
            let index = parallels.place(e);
            let (lo, hi) = router.control_bound(a, b, index + 1);
            if lo.x >= inside.x0 && lo.y >= inside.y0 && hi.x <= inside.x1 && hi.y <= inside.y1 {
                // Counted, not routed: the page's bound counts its links' nodes.
                extent.count += 1;
                continue;
            }
            extent.add(a.at, router.control(a, b, index), b.at);
        }
        extent
    }

    /// The extent of routes already made (what [`LinkExtent::beyond_parties`] is held to).
    #[cfg(test)]
    fn of(routes: &[crate::layout::Route]) -> Self {
        let mut extent = LinkExtent::default();
        for r in routes {
            extent.add(r.from, r.control, r.to);
        }
        extent
    }
}

/// The most a PNG's page can measure and the frame its labels must stay in, known before any
/// label is placed, and about how many nodes its document has for the rasteriser.
struct Bound {
    width: f32,
    height: f32,
    /// The most the page can measure at this scale or any smaller one (its list wrapped at the
    /// narrowest page): what a smaller scale is fitted to.
    sizing: super::png::Sizing,
    frame: Box2,
    nodes: usize,
}

/// Bounds the page of `look` before placing: the page holds at least the party shapes and the
/// links' middles (`least`), and at most that with the links' curves and every label's
/// [`reach`] (`frame`, which the placement then keeps to). The page is widest around the frame;
/// it is tallest around the least extent with the frame's extra height added, since a narrower
/// page only wraps the legend and the list onto more lines.
fn bound(
    sheet: &Sheet,
    positions: &std::collections::BTreeMap<crate::model::PartyId, crate::model::Position>,
    links: &LinkExtent,
    numbering: &layout::Numbering,
    look: &Look,
) -> Bound {
    let mut least = links.middles;
    let mut parties = 0;
    // The drawn parties, read from the positions (a lookup by id each, not a search of the map).
    for (id, p) in positions {
        if let Some(party) = sheet.scenario.party(id.as_str()) {
            grow(placement::shape_box(party.kind, *p), &mut least);
            parties += 1;
        }
    }
    let least = least.unwrap_or(Box2 {
        x0: 0.0,
        y0: 0.0,
        x1: 1.0,
        y1: 1.0,
    });
    let mut hull = Some(least);
    if let Some(curves) = links.curves {
        grow(curves, &mut hull);
    }
    let frame = hull.unwrap_or(least).grown(reach(look.detail));
    let zoom = look.text_zoom();
    let narrow = layout::page(sheet, least, numbering, look.findings, zoom);
    let wide = layout::page(sheet, frame, numbering, look.findings, zoom);
    // The narrowest page there can be (a drawing of no width, the header's least width): its
    // list wraps onto the most lines.
    let point = Box2 {
        x0: 0.0,
        y0: 0.0,
        x1: 0.0,
        y1: 0.0,
    };
    let narrowest = layout::page(sheet, point, numbering, look.findings, 1.0);
    let extra = (frame.y1 - frame.y0) - (least.y1 - least.y0);
    // Nodes as usvg counts them (an element, and a text's words): a party's shape (the Microsoft
    // logo is five) and, with names, its plate and up to three lines; a link's path and, with
    // kinds, its label; a callout's leader, disc and number.
    let per_party = if look.detail >= Detail::Names { 9 } else { 2 };
    let per_link = if look.detail >= Detail::Full { 4 } else { 1 };
    let nodes = 200
        + parties * per_party
        + links.count * per_link
        + numbering.numbers.len() * 5
        + narrow.list.len() * 2;
    Bound {
        width: wide.width,
        height: narrow.height + extra,
        sizing: super::png::Sizing {
            drawing: (wide.drawing.0, narrow.drawing.1 + extra),
            text: (narrowest.text.0, narrowest.text.1.max(narrow.text.1)),
        },
        frame,
        nodes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::routes;

    /// A PNG's page is bounded before anything is placed: the bound must never be less than the
    /// page drawn, on every built-in scenario at every level of detail.
    #[test]
    fn the_png_bound_is_never_less_than_the_page() {
        for b in crate::scenarios::BUILTIN {
            let s = b.load().unwrap();
            let sheet = crate::export::Sheet::new(&s, None);
            for (detail, scale) in [
                (Detail::Full, 1.0),
                (Detail::Shapes, 1.0),
                (Detail::Shapes, 0.25),
            ] {
                let look = Look {
                    detail,
                    ..Look::png(&crate::export::ExportOptions {
                        scale,
                        ..Default::default()
                    })
                };
                let positions = sheet.positions();
                let all_routes = routes(&s, &positions, RADIUS);
                let numbering = layout::Numbering::of(&sheet, &positions);
                let links = LinkExtent::of(&all_routes);
                let bound = bound(&sheet, &positions, &links, &numbering, &look);
                let svg = render_with(&sheet, &look, &Progress::none()).unwrap();
                let attr = |name: &str| -> f32 {
                    let at = svg.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
                    svg[at..at + svg[at..].find('"').unwrap()].parse().unwrap()
                };
                let (w, h) = (attr("width"), attr("height"));
                assert!(bound.width >= w, "{}: {} < {w}", b.slug, bound.width);
                assert!(bound.height >= h, "{}: {} < {h}", b.slug, bound.height);
                // The sizing that fits smaller scales holds the page at this one too.
                let (most_w, most_h) = bound.sizing.pixels(scale);
                assert!(most_w >= (w * scale).ceil(), "{}: {most_w} < {w}", b.slug);
                assert!(most_h >= (h * scale).ceil(), "{}: {most_h} < {h}", b.slug);
                // Near, so the scale it suggests is not needlessly small.
                assert!(bound.width < w + 2.0 * reach(detail) + 400.0, "{}", b.slug);
            }
        }
    }

    /// A PNG refused before the rules are checked routes only the links that can reach beyond its
    /// parties, and bounds the page exactly as routing every link does: on every built-in
    /// scenario, a generated channel, and links fanned out and bent beyond a row of parties (in
    /// both directions between the same two).
    #[test]
    fn bounding_from_the_links_beyond_the_parties_is_bounding_from_every_route() {
        use crate::model::{Link, LinkKind, Party, PartyKind, Scenario};
        let mut scenarios: Vec<Scenario> = crate::scenarios::BUILTIN
            .iter()
            .map(|b| b.load().unwrap())
            .collect();
        scenarios.push(
            crate::generate::generate(&crate::generate::GenerateOptions {
                providers: 4,
                resellers: 150,
                direct_bill: 3,
                customers: 1_200,
                seed: 9,
                break_rate: 0.05,
            })
            .unwrap(),
        );
        let mut row = Scenario::new("A row");
        for (id, x) in [("a", 0.0), ("b", 300.0), ("c", 600.0)] {
            row.add_party(Party::new(id, PartyKind::IndirectReseller).at(x, 0.0))
                .unwrap();
        }
        let d: crate::model::Date = "2021-01-01".parse().unwrap();
        for (id, from, to) in [
            ("ac", "a", "c"),
            ("ab1", "a", "b"),
            ("ba", "b", "a"),
            ("ab2", "a", "b"),
            ("bc", "b", "c"),
        ] {
            row.add_link(Link::new(id, LinkKind::Admin, from, to, d))
                .unwrap();
        }
        scenarios.push(row);
        let mut routed_beyond = 0;
        for s in &scenarios {
            let sheet = crate::export::Sheet::new(s, None);
            let positions = sheet.positions();
            let numbering = layout::Numbering::of(&sheet, &positions);
            let every = LinkExtent::of(&routes(s, &positions, RADIUS));
            let beyond = LinkExtent::beyond_parties(s, &positions);
            assert_eq!(beyond.count, every.count, "{}", s.meta.title);
            routed_beyond += usize::from(beyond.curves.is_some());
            for detail in [Detail::Full, Detail::Shapes] {
                let look = Look {
                    detail,
                    ..Look::png(&crate::export::ExportOptions::default())
                };
                let (a, b) = (
                    bound(&sheet, &positions, &every, &numbering, &look),
                    bound(&sheet, &positions, &beyond, &numbering, &look),
                );
                assert_eq!(
                    (a.width, a.height, a.sizing, a.frame, a.nodes),
                    (b.width, b.height, b.sizing, b.frame, b.nodes),
                    "{}",
                    s.meta.title
                );
            }
        }
        assert!(
            routed_beyond > 3,
            "{routed_beyond}: some links reach beyond"
        );
    }

    /// A PNG refused before the rules are checked is one the check would refuse too, and the
    /// scale it names fits the page the check then bounds: on every built-in scenario, with the
    /// findings summarised or left out, at scales too large for it.
    #[test]
    fn a_png_refused_unchecked_would_be_refused_checked_and_its_advice_fits() {
        use crate::export::{ExportOptions, FindingsList};
        let mut refused = 0;
        for b in crate::scenarios::BUILTIN {
            let s = b.load().unwrap();
            for findings in [FindingsList::Summary, FindingsList::None] {
                for scale in [4.0, 8.0, 16.0] {
                    let options = ExportOptions {
                        scale,
                        findings,
                        ..ExportOptions::default()
                    };
                    let checked_bound = |scale: f32| {
                        let sheet = crate::export::Sheet::new(&s, None);
                        let positions = sheet.positions();
                        let look = Look::png(&ExportOptions {
                            scale,
                            ..options.clone()
                        });
                        let look = Look {
                            detail: look.detail_for(positions.len()),
                            ..look
                        };
                        let all_routes = routes(&s, &positions, RADIUS);
                        let numbering = layout::Numbering::of(&sheet, &positions);
                        bound(
                            &sheet,
                            &positions,
                            &LinkExtent::of(&all_routes),
                            &numbering,
                            &look,
                        )
                    };
                    let Err(err) = refuse_unchecked(&s, &options) else {
                        continue;
                    };
                    let ExportError::TooLarge(_, _, fit) = err else {
                        panic!("{}: {err}", b.slug);
                    };
                    refused += 1;
                    let at = checked_bound(scale);
                    assert!(
                        super::super::png::fits(at.width, at.height, scale).is_err(),
                        "{} at {scale}: the check refuses it too",
                        b.slug
                    );
                    let advised = checked_bound(fit.0);
                    assert!(
                        super::super::png::fits(advised.width, advised.height, fit.0).is_ok(),
                        "{} at {scale}: the advice {fit} fits",
                        b.slug
                    );
                }
            }
        }
        assert!(refused > 10, "{refused} refusals tried");
    }

    /// A broken link keeps its kind label beside its callout wherever there is room: on the
    /// built-in scenarios, most numbered links have theirs.
    #[test]
    fn broken_links_keep_their_kind_label() {
        let (mut numbered, mut labelled) = (0, 0);
        for b in crate::scenarios::BUILTIN {
            let s = b.load().unwrap();
            let sheet = crate::export::Sheet::new(&s, None);
            let positions = sheet.positions();
            let (edges, all_routes): (Vec<_>, Vec<_>) =
                routes_by_edge(&s, &positions, RADIUS).into_iter().unzip();
            let numbering = layout::Numbering::of(&sheet, &positions);
            let mut steps = Steps {
                progress: &Progress::none(),
                total: 1.0,
                placed: 0,
            };
            let placed = placement::place_all(
                &sheet,
                &positions,
                &all_routes,
                &edges,
                &numbering,
                Detail::Full,
                None,
                &mut steps,
            )
            .unwrap();
            for (i, e) in edges.iter().enumerate() {
                if numbering.of_edge(*e).is_some() {
                    numbered += 1;
                    labelled += usize::from(placed.kind_labels.iter().any(|(r, _, _)| *r == i));
                }
            }
        }
        assert!(numbered > 10, "{numbered}");
        assert!(2 * labelled > numbered, "{labelled} of {numbered}");
    }

    /// A PNG at a small scale (what a whole large channel is advised) draws its title, legend
    /// and findings list at their size at scale 1, inside the page: every one of their texts is
    /// as many pixels high as at scale 1, where the drawing shrinks.
    #[test]
    fn a_small_scale_png_keeps_its_header_and_list_readable() {
        use crate::export::ExportOptions;
        use resvg::usvg;
        let s = crate::generate::generate(&crate::generate::GenerateOptions {
            providers: 2,
            resellers: 12,
            direct_bill: 2,
            customers: 100,
            seed: 3,
            break_rate: 0.3,
        })
        .expect("valid options");
        let sheet = crate::export::Sheet::new(&s, None);
        // Each text of the header and the list, with its height and right edge in pixels.
        let texts = |scale: f32| {
            let look = Look::png(&ExportOptions {
                scale,
                ..ExportOptions::default()
            });
            let svg = render_with(&sheet, &look, &Progress::none()).expect("fits");
            let tree = usvg::Tree::from_str(&svg, &crate::fonts::Fonts::shared().usvg_options())
                .expect("parses");
            // The texts of the header and list: the title and subtitle at the top level (or in
            // the header's group when zoomed), the legend's, the list's.
            fn walk(
                group: &usvg::Group,
                inside: bool,
                top: bool,
                out: &mut Vec<(String, f32, f32)>,
            ) {
                for node in group.children() {
                    match node {
                        usvg::Node::Group(g) => {
                            let id = g.id();
                            let inside = inside || ["header", "legend", "findings"].contains(&id);
                            walk(g, inside, false, out);
                        }
                        usvg::Node::Text(t) if inside || top => {
                            let text: String = t.chunks().iter().map(|c| c.text()).collect();
                            let b = t.abs_bounding_box();
                            out.push((text, b.height(), b.right()));
                        }
                        _ => {}
                    }
                }
            }
            let mut out = Vec::new();
            walk(tree.root(), false, true, &mut out);
            let width = tree.size().width();
            out.into_iter()
                .map(|(text, h, right)| (text, h * scale, right / width))
                .collect::<Vec<_>>()
        };
        let full = texts(1.0);
        assert!(full.len() > 20, "{} texts", full.len());
        // The median height (a text's box follows its glyphs: "…" is lower than "Fix").
        let median = |texts: &[(String, f32, f32)]| {
            let mut heights: Vec<f32> = texts.iter().map(|(_, h, _)| *h).collect();
            heights.sort_by(f32::total_cmp);
            heights[heights.len() / 2]
        };
        let height_of = |texts: &[(String, f32, f32)], prefix: &str| {
            texts
                .iter()
                .find(|(t, _, _)| t.starts_with(prefix))
                .map(|(_, h, _)| *h)
                .unwrap_or_else(|| panic!("{prefix:?} drawn"))
        };
        let title = s.meta.title.chars().take(12).collect::<String>();
        for scale in [0.3, 0.1] {
            let small = texts(scale);
            assert!(small.len() > 20, "{} texts at {scale}", small.len());
            assert!(
                median(&small) >= 0.9 * median(&full) && median(&small) >= 10.0,
                "at {scale}: {} px, {} px at 1",
                median(&small),
                median(&full)
            );
            for prefix in [title.as_str(), "Checked as of", "Findings by rule", "Fix: "] {
                let (at_scale, at_1) = (height_of(&small, prefix), height_of(&full, prefix));
                assert!(
                    (at_scale - at_1).abs() < 0.5,
                    "{prefix:?} at {scale}: {at_scale} px, {at_1} px at 1"
                );
            }
            for (text, _, right) in &small {
                assert!(*right <= 1.0, "{text:?} at {scale} runs off the page");
            }
        }
    }

    /// The links' curves are indexed only to place party names: a drawing without names (a
    /// large channel's SVG, a small PNG) does not build the index, which at 300,000 parties held
    /// a gigabyte; one with names does.
    #[test]
    fn the_links_are_indexed_only_when_names_are_placed() {
        let s = crate::scenarios::synthetic(60);
        let sheet = crate::export::Sheet::new(&s, None);
        let built = || board::BUILT.with(std::cell::Cell::get);
        for (detail, indexed) in [
            (Detail::Shapes, false),
            (Detail::Names, true),
            (Detail::Full, true),
        ] {
            let before = built();
            let look = Look {
                detail,
                ..Look::svg(&crate::export::ExportOptions::default())
            };
            render_with(&sheet, &look, &Progress::none()).unwrap();
            assert_eq!(built() > before, indexed, "{detail:?}");
        }
    }

    /// The labels a PNG draws by default follow what its scale can still show.
    #[test]
    fn a_small_png_leaves_out_what_it_cannot_show() {
        assert_eq!(readable_at(1.0), Detail::Full);
        assert_eq!(readable_at(0.5), Detail::Names);
        assert_eq!(readable_at(0.2), Detail::Shapes);
    }
}
