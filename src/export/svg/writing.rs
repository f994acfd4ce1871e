//! Owns the SVG markup and styling of a laid-out page; must not decide where anything goes (the
//! placement and the layout did).
//!
//! The header first, then the links under the parties, the parties with their names, the callouts and
//! kind labels above them, and the findings list.
//!
//! What repeats is said once: the links are grouped by kind and state, and the group carries their
//! stroke, width, dashes and arrow; the party and label layers carry the names' size, ink and
//! anchoring. A tooltip (`<title>`) is written only where it tells something the drawing does not
//! show: a party whose name is shortened or left out, a link with a finding or not yet dated, a
//! callout's link; a PNG has none. A link's curve is written relative to its start. On a page
//! larger than a slide coordinates are whole units, and each party's shape refers (`<use>`) to
//! one shape per kind instead of repeating its size, fill and stroke: slides stay plain elements a
//! slide tool edits one by one. At 100,000 parties this is what keeps the file under 50 MB.

use super::layout::{Numbering, Page, Swatch, TITLE, callout_text};
use super::placement::{Label, Placed, Spot};
use super::{CALLOUT_R, LIST_BOLD, Look, MARGIN, NAME, RADIUS};
use crate::export::out::Out;
use crate::export::png::Hairlines;
use crate::export::sanitize::xml as escape;
use crate::export::{LinkState, Sheet, Tenths, party_color};
use crate::fonts::{Fonts, SVG_BOLD, SVG_REGULAR, TextStyle};
use crate::layout::Route;
use crate::model::{LinkKind, PartyId, PartyKind, Position};
use petgraph::stable_graph::EdgeIndex;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Above this width or height a page's coordinates are written in whole units: a tenth of a unit
/// is invisible there and costs a tenth of the file.
const FINE_UP_TO: f32 = 5_000.0;

/// A coordinate as written: in tenths (`fine`), or whole.
#[derive(Clone, Copy)]
struct N(f32, bool);

impl std::fmt::Display for N {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.1 {
            Tenths(self.0).fmt(f)
        } else {
            write!(f, "{}", self.0.round() as i64)
        }
    }
}

/// A party's shape centred on `x`, `y`, `fine` or in whole units. With an `id` it is named
/// (`shape-…`): the element itself, or a group for Microsoft's four-square logo.
pub(super) fn shape(
    kind: PartyKind,
    x: f32,
    y: f32,
    r: f32,
    fill: &str,
    fine: bool,
    id: &str,
) -> String {
    let n = |v: f32| N(v, fine);
    let stroke = r##"stroke="#1f2933" stroke-width="2""##;
    let id_attr = if id.is_empty() {
        String::new()
    } else {
        format!(r#"id="{id}" "#)
    };
    match kind {
        PartyKind::Microsoft => {
            // The four-square logo, as on the canvas.
            let q = r * 0.35;
            let mut logo = String::new();
            for (dx, dy, colour) in [
                (-1.0, -1.0, "#f25022"),
                (1.0, -1.0, "#7fba00"),
                (-1.0, 1.0, "#00a4ef"),
                (1.0, 1.0, "#ffb900"),
            ] {
                let side = q * 0.95;
                let _ = write!(
                    logo,
                    r#"<rect x="{:.1}" y="{:.1}" width="{side:.1}" height="{side:.1}" fill="{colour}"/>"#,
                    x + dx * q * 0.55 - side / 2.0,
                    y + dy * q * 0.55 - side / 2.0,
                );
            }
            let square = format!(
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="{:.1}" fill="{fill}" {stroke}/>{logo}"#,
                x - r,
                y - r,
                2.0 * r,
                2.0 * r,
                r * 0.2
            );
            if id.is_empty() {
                square
            } else {
                format!(r#"<g id="{id}">{square}</g>"#)
            }
        }
        PartyKind::IndirectProvider => {
            let mut points = String::new();
            for i in 0..6 {
                let a = std::f32::consts::TAU * i as f32 / 6.0;
                let sep = if i == 0 { "" } else { " " };
                let _ = write!(points, "{sep}{},{}", n(x + r * a.cos()), n(y + r * a.sin()));
            }
            format!(r#"<polygon {id_attr}points="{points}" fill="{fill}" {stroke}/>"#)
        }
        PartyKind::DirectBill => format!(
            r#"<polygon {id_attr}points="{},{} {},{} {},{} {},{}" fill="{fill}" {stroke}/>"#,
            n(x),
            n(y - r),
            n(x + r),
            n(y),
            n(x),
            n(y + r),
            n(x - r),
            n(y)
        ),
        PartyKind::IndirectReseller => format!(
            r#"<circle {id_attr}cx="{}" cy="{}" r="{}" fill="{fill}" {stroke}/>"#,
            n(x),
            n(y),
            Tenths(r * 0.9)
        ),
        PartyKind::Customer => format!(
            r#"<rect {id_attr}x="{}" y="{}" width="{}" height="{}" rx="{}" fill="{fill}" {stroke}/>"#,
            n(x - r),
            n(y - r * 0.7),
            Tenths(2.0 * r),
            Tenths(1.4 * r),
            Tenths(r * 0.5)
        ),
    }
}

fn toward(from: Position, to: Position, distance: f32) -> Position {
    let (dx, dy) = (to.x - from.x, to.y - from.y);
    let len = (dx * dx + dy * dy).sqrt().max(1e-3);
    Position {
        x: from.x + dx / len * distance,
        y: from.y + dy / len * distance,
    }
}

pub(super) fn family(style: TextStyle) -> String {
    if style.bold {
        format!(r#"font-family="{SVG_BOLD}" font-weight="bold""#)
    } else {
        String::new()
    }
}

/// The text defaults of the layers that hold labels (the parties, the link labels): a label's line
/// writes only what differs from them.
const LABEL_LAYER: &str = r##"font-size="15" fill="#1f2933" text-anchor="middle""##;
const LABEL_INK: &str = "#1f2933";

/// Writes a label on a white plate (the plate keeps links from running through its words), inside
/// a layer with [`LABEL_LAYER`]'s defaults.
fn write_label(out: &mut Out, label: &Label, spot: Spot, dx: f32, dy: f32, fill: &str, fine: bool) {
    let n = |v: f32| N(v, fine);
    let b = label.at(spot.cx, spot.top).shifted(dx, dy);
    let _ = write!(
        out,
        r##"<rect x="{}" y="{}" width="{:.1}" height="{:.1}" rx="3" fill="#ffffff" fill-opacity="0.9"/>"##,
        n(b.x0),
        n(b.y0),
        b.x1 - b.x0,
        b.y1 - b.y0
    );
    let mut top = spot.top + dy;
    for (i, (text, style)) in label.lines.iter().enumerate() {
        // Name lines in the label's ink, the detail line (a smaller, regular style) muted.
        let colour = if style.bold || label.lines.len() == 1 {
            fill
        } else {
            "#52606d"
        };
        let size = if style.size == NAME.size {
            String::new()
        } else {
            format!(r#" font-size="{}""#, style.size)
        };
        let ink = if colour == LABEL_INK {
            String::new()
        } else {
            format!(r#" fill="{colour}""#)
        };
        let bold = if style.bold {
            format!(" {}", family(*style))
        } else {
            String::new()
        };
        let _ = write!(
            out,
            r#"<text x="{}" y="{:.1}"{size}{bold}{ink}>{}</text>"#,
            n(spot.cx + dx),
            top + label.ascents[i],
            escape(text)
        );
        top += label.heights[i];
    }
}

/// Whether a party's label shows its whole name (else its tooltip says it).
fn shows_whole_name(label: Option<&Label>, name: &str) -> bool {
    label.is_some_and(|label| {
        let drawn: Vec<&str> = label
            .lines
            .iter()
            .filter(|(_, style)| *style == NAME)
            .map(|(text, _)| text.as_str())
            .collect();
        drawn.join(" ") == crate::export::sanitize::clean(name).trim()
    })
}

/// How a drawing's links are inked: as the page draws them ([`Ink::page`]), or as a slide's
/// drawing shrunk to a texture does (see `super::slide`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Ink {
    /// Coordinates in tenths of a unit (else whole units, see [`FINE_UP_TO`]).
    pub(super) fine: bool,
    /// A link with a finding this many times as wide, its dashes as long: on a slide it stays in
    /// sight where the others are a haze.
    pub(super) broken_wider: f32,
    /// Whether a link ends in an arrow (on a slide it would be under a pixel, or a blot on a
    /// widened broken link).
    pub(super) arrows: bool,
}

impl Ink {
    /// The links as a page draws them: every link at its width, with its arrow.
    pub(super) fn page(fine: bool) -> Self {
        Ink {
            fine,
            broken_wider: 1.0,
            arrows: true,
        }
    }
}

/// A link's dashes (ink, gap) by its state, then its kind; `None` for a solid line.
fn link_dash(kind: LinkKind, state: LinkState) -> Option<(u8, u8)> {
    match (state, kind) {
        (LinkState::Violation, _) => Some((10, 6)),
        (LinkState::Future, _) => Some((2, 6)),
        (_, LinkKind::Admin) => Some((3, 4)),
        _ => None,
    }
}

/// A link's stroke width by its kind: the money's links (supply, purchase) wider.
fn link_width(kind: LinkKind) -> u8 {
    if matches!(kind, LinkKind::Supply | LinkKind::Purchase) {
        3
    } else {
        2
    }
}

/// How a link is stroked: its state's colour and dashes, its kind's width, its arrow (see
/// [`Ink`] for a slide's).
fn link_stroke(kind: LinkKind, state: LinkState, ink: Ink) -> String {
    let dash = match link_dash(kind, state) {
        Some((on, off)) => format!(r#" stroke-dasharray="{on} {off}""#),
        None => String::new(),
    };
    let width = link_width(kind);
    let broken = matches!(state, LinkState::Warning | LinkState::Violation);
    if broken && ink.broken_wider > 1.0 {
        let k = ink.broken_wider;
        let dash = match (state, kind) {
            (LinkState::Violation, _) => {
                format!(r#" stroke-dasharray="{:.1} {:.1}""#, 10.0 * k, 6.0 * k)
            }
            (_, LinkKind::Admin) => format!(r#" stroke-dasharray="{:.1} {:.1}""#, 3.0 * k, 4.0 * k),
            _ => String::new(),
        };
        let arrow = if ink.arrows {
            format!(r#" marker-end="url(#arrow-{})""#, state.key())
        } else {
            String::new()
        };
        return format!(
            r#"stroke="{}" stroke-width="{:.1}"{dash}{arrow}"#,
            state.color(),
            width as f32 * k,
        );
    }
    if !ink.arrows {
        return format!(r#"stroke="{}" stroke-width="{width}"{dash}"#, state.color());
    }
    format!(
        r#"stroke="{}" stroke-width="{width}"{dash} marker-end="url(#arrow-{})""#,
        state.color(),
        state.key()
    )
}

/// A coordinate on the grid the page is written on: in tenths of a unit (`fine`), or whole units.
fn on_grid(v: f32, fine: bool) -> i64 {
    if fine {
        (f64::from(v) * 10.0).round() as i64
    } else {
        f64::from(v).round() as i64
    }
}

/// Writes a coordinate of [`on_grid`] (`12`, `-3.5`: no trailing `.0`).
fn write_grid(out: &mut Out, k: i64, fine: bool) {
    if !fine {
        let _ = write!(out, "{k}");
        return;
    }
    let sign = if k < 0 { "-" } else { "" };
    let (whole, tenth) = (k.unsigned_abs() / 10, k.unsigned_abs() % 10);
    if tenth == 0 {
        let _ = write!(out, "{sign}{whole}");
    } else {
        let _ = write!(out, "{sign}{whole}.{tenth}");
    }
}

/// A link's path data: from `start`, a quadratic curve through `control` to `end`, or a line.
/// The curve's points are written relative to the start (`M x,y q dx,dy dx,dy`), each offset
/// taken on the grid from the start as written, so nothing drifts: a link is short beside the
/// page, and its offsets take half the digits of whole coordinates on a page 100,000 units wide.
fn write_link_path(
    out: &mut Out,
    start: Position,
    control: Option<Position>,
    end: Position,
    fine: bool,
) {
    let (sx, sy) = (on_grid(start.x, fine), on_grid(start.y, fine));
    out.push('M');
    write_grid(out, sx, fine);
    out.push(',');
    write_grid(out, sy, fine);
    let offset = |out: &mut Out, p: Position| {
        write_grid(out, on_grid(p.x, fine) - sx, fine);
        out.push(',');
        write_grid(out, on_grid(p.y, fine) - sy, fine);
    };
    match control {
        Some(c) => {
            out.push('q');
            offset(out, c);
            out.push(' ');
        }
        None => out.push('l'),
    }
    offset(out, end);
}

/// Where a link is drawn, moved by `at`: from the edge of its supplier's shape, through its
/// control point (`None` for a link drawn straight, its control point halfway), to short of its
/// buyer's shape by the room of its arrow.
fn link_curve(
    route: &Route,
    at: impl Fn(Position) -> Position,
) -> (Position, Option<Position>, Position) {
    let (a, c, b) = (at(route.from), at(route.control), at(route.to));
    let start = toward(a, c, RADIUS);
    let end = toward(b, c, RADIUS + 3.0);
    let mid = Position {
        x: (a.x + b.x) / 2.0,
        y: (a.y + b.y) / 2.0,
    };
    let bend = (c.x - mid.x).abs() + (c.y - mid.y).abs() > 0.05;
    (start, bend.then_some(c), end)
}

/// A link to draw: its route and the link.
type Drawn<'a> = (&'a Route, &'a crate::model::Link);

/// The order link groups are drawn in: the broken ones last, on top.
fn state_rank(state: LinkState) -> u8 {
    match state {
        LinkState::Valid => 0,
        LinkState::Future => 1,
        LinkState::Warning => 2,
        LinkState::Violation => 3,
    }
}

/// What is drawn: the parties, their links and every label as placed.
pub(super) struct Laid<'a> {
    /// Where each drawn party is.
    pub(super) positions: &'a BTreeMap<PartyId, Position>,
    /// Every drawn link's route.
    pub(super) routes: &'a [Route],
    /// The graph index of each route's link.
    pub(super) edges: &'a [EdgeIndex],
    /// The findings' numbers.
    pub(super) numbering: &'a Numbering,
    /// Every label where it was placed.
    pub(super) placed: &'a Placed,
}

/// Writes the page as a standalone SVG document in `look` (on a white page unless transparent;
/// without tooltips for a PNG) to `out`.
pub(super) fn write(sheet: &Sheet, laid: &Laid, page: &Page, look: &Look, out: &mut Out) {
    let (width, height) = (page.width, page.height);
    let fine = fine(width, height);
    open_document(sheet, (width, height), fine, false, look, out);
    write_header(out, page);
    if !write_drawing(
        sheet,
        laid,
        look,
        (page.dx, page.dy),
        Ink::page(fine),
        None,
        out,
    ) {
        return;
    }
    write_list(out, page);
    out.push_str("</svg>\n");
}

/// Whether a drawing of `width` × `height` units writes its coordinates in tenths (else in whole
/// units, its parties referring to one shape per kind, see [`FINE_UP_TO`]).
pub(super) fn fine(width: f32, height: f32) -> bool {
    width.max(height) <= FINE_UP_TO
}

/// Opens a `width` × `height` SVG document: its title, the arrows and (unless `fine`) one shape
/// per kind in its definitions, and its white page unless `look` is transparent. The arrows are
/// `unclipped` on a slide: usvg gives each arrow of a clipped marker a clip path of its own and
/// looks every new one up among those it has, which at 340,000 links was 40% of a slide's 39 s
/// (the arrow lies inside its marker's box, so the clip changes no pixel).
pub(super) fn open_document(
    sheet: &Sheet,
    (width, height): (f32, f32),
    fine: bool,
    unclipped: bool,
    look: &Look,
    out: &mut Out,
) {
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="{SVG_REGULAR}">"#
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&sheet.scenario.meta.title));
    out.push_str("<defs>\n");
    for state in [
        LinkState::Valid,
        LinkState::Warning,
        LinkState::Violation,
        LinkState::Future,
    ] {
        let _ = writeln!(
            out,
            r#"<marker id="arrow-{}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"{}><path d="M0,0 L10,5 L0,10 z" fill="{}"/></marker>"#,
            state.key(),
            if unclipped {
                r#" overflow="visible""#
            } else {
                ""
            },
            state.color()
        );
    }
    if !fine {
        // One shape per kind, which each party of a page this large refers to.
        for kind in PartyKind::ALL {
            out.push_str(&shape(
                kind,
                0.0,
                0.0,
                RADIUS,
                party_color(kind),
                true,
                &format!("kind-{}", kind.key()),
            ));
            out.push('\n');
        }
    }
    out.push_str("</defs>\n");
    if !look.transparent {
        let _ = writeln!(
            out,
            r##"<rect width="100%" height="100%" fill="#ffffff"/>"##
        );
    }
}

/// Writes the drawing of `laid` (its links, parties, callouts and kind labels, not its page)
/// shifted by `(dx, dy)`, its links in `ink`. `false` when `out` stopped taking more (the export
/// then fails with its error).
pub(super) fn write_drawing(
    sheet: &Sheet,
    laid: &Laid,
    look: &Look,
    (dx, dy): (f32, f32),
    ink: Ink,
    mut hairlines: Option<&mut Hairlines>,
    out: &mut Out,
) -> bool {
    let fine = ink.fine;
    let Laid {
        positions,
        routes: all_routes,
        edges,
        numbering,
        placed,
    } = *laid;
    let fonts = Fonts::shared();
    let s = sheet.scenario;
    let g = s.graph();
    let tips = look.png_scale.is_none();
    let n = |v: f32| N(v, fine);
    let at = |p: Position| Position {
        x: p.x + dx,
        y: p.y + dy,
    };

    // Links (under everything else), a group per kind and state.
    let mut groups: Vec<((LinkKind, LinkState), Vec<Drawn>)> = Vec::new();
    for (route, e) in all_routes.iter().zip(edges) {
        let link = &g[*e];
        let key = (link.kind, sheet.link_state(link));
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push((route, link)),
            None => groups.push((key, vec![(route, link)])),
        }
    }
    groups.sort_by_key(|((kind, state), _)| (state_rank(*state), kind.key()));
    out.push_str("<g id=\"links\" fill=\"none\">\n");
    for ((kind, state), members) in &groups {
        // A group under a pixel wide on a slide's PNG goes to its hairlines, not into the SVG.
        // Unbroken ones: the widened broken links stay strokes, above them.
        let thin = match hairlines.as_deref_mut() {
            Some(h)
                if !ink.arrows && !matches!(state, LinkState::Warning | LinkState::Violation) =>
            {
                let dash =
                    link_dash(*kind, *state).map(|(on, off)| (f32::from(on), f32::from(off)));
                h.ink(state.color(), f32::from(link_width(*kind)), dash)
                    .map(|ink| (h, ink, dash))
            }
            _ => None,
        };
        if let Some((h, link_ink, dash)) = thin {
            for (route, _) in members {
                let (start, control, end) = link_curve(route, at);
                let control = control.unwrap_or(Position {
                    x: (start.x + end.x) / 2.0,
                    y: (start.y + end.y) / 2.0,
                });
                h.add(
                    link_ink,
                    dash,
                    ((start.x, start.y), (control.x, control.y), (end.x, end.y)),
                );
            }
            continue;
        }
        let _ = writeln!(
            out,
            r#"<g class="link {} {}" {}>"#,
            kind.key(),
            state.key(),
            link_stroke(*kind, *state, ink)
        );
        for (route, link) in members {
            let _ = write!(out, r#"<path id="link-{}" d=""#, escape(link.id.as_str()));
            let (start, control, end) = link_curve(route, at);
            write_link_path(out, start, control, end, fine);
            out.push('"');
            if tips && *state != LinkState::Valid {
                let _ = writeln!(
                    out,
                    "><title>{} {} → {} ({})</title></path>",
                    link.kind.label(),
                    escape(sheet.name(&link.from).as_str()),
                    escape(sheet.name(&link.to).as_str()),
                    link.date,
                );
            } else {
                out.push_str("/>\n");
            }
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n");

    // Parties: shape, then the name on its plate.
    let _ = writeln!(out, "<g id=\"parties\" {LABEL_LAYER}>");
    let drawn = crate::export::positions_by_node(s, positions);
    // The names were placed in graph order too: read beside the parties.
    let mut labels = placed.party_labels.iter().peekable();
    for node in g.node_indices() {
        if out.failed() {
            // The file cannot take more: the export fails with that error, drop the rest.
            return false;
        }
        let party = &g[node];
        let Some(p) = drawn[node.index()] else {
            continue;
        };
        let c = at(p);
        let id = escape(party.id.as_str());
        let label = labels
            .next_if(|(n, _, _)| *n == node)
            .map(|(_, label, spot)| (label, spot));
        if fine {
            let _ = write!(
                out,
                r#"<g id="party-{id}" class="party {}">"#,
                party.kind.key()
            );
        } else {
            let _ = write!(out, r#"<g id="party-{id}">"#);
        }
        if tips && !shows_whole_name(label.map(|(l, _)| l), &party.name) {
            let _ = write!(
                out,
                "<title>{} ({})</title>",
                escape(party.name.as_str()),
                party.kind.label()
            );
        }
        if fine {
            out.push_str(&shape(
                party.kind,
                c.x,
                c.y,
                RADIUS,
                party_color(party.kind),
                fine,
                &format!("shape-{id}"),
            ));
        } else {
            let _ = write!(
                out,
                r##"<use xlink:href="#kind-{}" x="{}" y="{}"/>"##,
                party.kind.key(),
                n(c.x),
                n(c.y)
            );
        }
        if let Some((label, spot)) = label {
            write_label(out, label, *spot, dx, dy, LABEL_INK, fine);
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n");

    // Link labels and callouts, above the parties.
    let _ = writeln!(out, "<g id=\"link-labels\" {LABEL_LAYER}>");
    // The callouts and kind labels were kept in route order: read beside the routes.
    let mut callouts = placed.callouts.iter().peekable();
    let mut kind_labels = placed.kind_labels.iter().peekable();
    for (i, e) in edges.iter().enumerate() {
        let callout = callouts.next_if(|(route, _, _)| *route == i);
        let kind_label = kind_labels.next_if(|(route, _, _)| *route == i);
        if callout.is_none() && kind_label.is_none() {
            continue;
        }
        let link = &g[*e];
        if let (Some(number), Some((_, centre, anchor))) = (numbering.of_edge(*e), callout) {
            let state = sheet.link_state(link);
            let (c, a) = (at(*centre), at(*anchor));
            let leader = if (c.x - a.x).hypot(c.y - a.y) > CALLOUT_R + 4.0 {
                format!(
                    r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1.5"/>"#,
                    n(a.x),
                    n(a.y),
                    n(c.x),
                    n(c.y),
                    state.color()
                )
            } else {
                String::new()
            };
            let text = callout_text(number);
            let m = fonts.measure(&text, TextStyle::bold(12.0));
            let half = super::layout::callout_half(number);
            let disc = if half > CALLOUT_R {
                format!(
                    r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{}" rx="{CALLOUT_R}" fill="{}"/>"#,
                    c.x - half,
                    c.y - CALLOUT_R,
                    2.0 * half,
                    2.0 * CALLOUT_R,
                    state.color()
                )
            } else {
                format!(
                    r#"<circle cx="{:.1}" cy="{:.1}" r="{CALLOUT_R}" fill="{}"/>"#,
                    c.x,
                    c.y,
                    state.color()
                )
            };
            let tip = if tips {
                format!(
                    "<title>{} {} → {}</title>",
                    link.kind.label(),
                    escape(sheet.name(&link.from).as_str()),
                    escape(sheet.name(&link.to).as_str()),
                )
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                r##"{leader}<g id="callout-{}">{tip}{disc}<text x="{:.1}" y="{:.1}" font-size="12" {} fill="#ffffff">{text}</text></g>"##,
                number.0,
                c.x,
                c.y - m.height() / 2.0 + m.ascent,
                family(TextStyle::bold(12.0)),
            );
        }
        if let Some((_, kind, spot)) = kind_label {
            write_label(
                out,
                &placed.kind_label[kind],
                *spot,
                dx,
                dy,
                "#52606d",
                fine,
            );
            out.push('\n');
        }
    }
    out.push_str("</g>\n");
    true
}

/// The opening of a group that draws text units at `zoom` page units each, its origin at `top`
/// on the page; nothing when the header and list are drawn at their own size.
fn zoomed(zoom: f32, top: f32) -> String {
    if zoom == 1.0 {
        String::new()
    } else {
        format!(r#" transform="matrix({zoom} 0 0 {zoom} 0 {top:.1})""#)
    }
}

/// The title, the counts and the legend (in text units, see [`Page`]).
fn write_header(out: &mut Out, page: &Page) {
    let zoom = zoomed(page.zoom, 0.0);
    if !zoom.is_empty() {
        let _ = writeln!(out, r#"<g id="header"{zoom}>"#);
    }
    let _ = writeln!(
        out,
        r##"<text x="{MARGIN}" y="{:.1}" font-size="26" {} fill="#1f2933">{}</text>"##,
        page.title_base,
        family(TITLE),
        escape(&page.title)
    );
    let _ = writeln!(
        out,
        r##"<text x="{MARGIN}" y="{:.1}" font-size="15" fill="#3e4c59">{}</text>"##,
        page.sub_base,
        escape(&page.subtitle)
    );
    let _ = writeln!(out, r##"<g id="legend" font-size="12" fill="#1f2933">"##);
    for entry in &page.legend {
        let (x, mid) = (entry.x, entry.mid);
        match entry.item.swatch {
            Swatch::Party(kind) => {
                let _ = writeln!(
                    out,
                    r#"<g id="swatch-{}">{}</g>"#,
                    kind.key(),
                    shape(kind, x + 8.0, mid, 7.5, party_color(kind), true, "")
                );
            }
            Swatch::Link(state) => link_swatch(out, state, x, x + entry.swatch_w, mid),
        }
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}">{}</text>"#,
            x + entry.swatch_w + 6.0,
            mid - page.legend_height / 2.0 + page.legend_ascent,
            escape(&entry.item.text)
        );
    }
    out.push_str("</g>\n");
    if !zoom.is_empty() {
        out.push_str("</g>\n");
    }
}

/// A legend's sample of a link in `state`, from `x` to `x2` at height `mid`.
pub(super) fn link_swatch(out: &mut Out, state: LinkState, x: f32, x2: f32, mid: f32) {
    let dash = match state {
        LinkState::Violation => r#" stroke-dasharray="8 5""#,
        LinkState::Future => r#" stroke-dasharray="2 6""#,
        _ => "",
    };
    let _ = writeln!(
        out,
        r#"<g id="swatch-{}"><line x1="{x:.1}" y1="{mid:.1}" x2="{x2:.1}" y2="{mid:.1}" stroke="{}" stroke-width="3"{dash}/></g>"#,
        state.key(),
        state.color(),
    );
}

/// The findings list below the drawing.
fn write_list(out: &mut Out, page: &Page) {
    if page.list.is_empty() {
        return;
    }
    // Text units from the list's top when zoomed; page units otherwise (the same at zoom 1).
    let zoom = zoomed(page.zoom, page.list_top);
    let list_top = if zoom.is_empty() { page.list_top } else { 0.0 };
    let _ = writeln!(
        out,
        r##"<g id="findings" font-size="13"{zoom}><line x1="{MARGIN}" y1="{:.0}" x2="{:.0}" y2="{:.0}" stroke="#cbd2d9"/><text x="{MARGIN}" y="{:.0}" font-size="17" {} fill="#1f2933">{}</text>"##,
        list_top - 8.0,
        page.width / page.zoom - MARGIN,
        list_top - 8.0,
        list_top + 16.0,
        family(TextStyle::bold(17.0)),
        escape(&page.list_heading),
    );
    for (i, line) in page.list.iter().enumerate() {
        let weight = if line.bold {
            family(LIST_BOLD)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" fill="{}" {weight}>{}</text>"#,
            MARGIN + line.indent,
            list_top + 40.0 + page.line_h * i as f32,
            line.color,
            escape(line.text.as_str())
        );
    }
    out.push_str("</g>\n");
}
