//! Owns the draw.io (mxGraph) file: cells, styles, geometry and the legend group; must not place
//! parties or route links itself (positions and bends come from `layout`).
//!
//! draw.io (`.drawio`): the diagram as an mxGraph model a trainer can keep editing in draw.io or
//! diagrams.net and paste into slides.
//!
//! The file is draw.io's documented uncompressed form: `mxfile` › `diagram` › `mxGraphModel` ›
//! `root`, whose first two cells are the root (`0`) and the default layer (`1`). Each party is a
//! vertex (`vertex="1"`) with its canvas position and size in an `mxGeometry`, and a style giving its
//! shape by kind (rectangle, hexagon, rhombus, ellipse, rounded rectangle), its fill and its label
//! below it; each link an edge (`edge="1"`) from party to party with the severity colour, the dash,
//! the width, an arrow at the buying end, its label and, where the canvas curves it, a waypoint. The
//! title and the legend sit above the drawing; the legend is one group (`style="group"`) so it moves
//! as one. Labels are plain text (no `html=1`), so a name is never read as markup.

use super::out::Out;
use super::sanitize::{Xml, xml as escape};
use super::{Dash, LinkState, Sheet, Tenths, party_color, party_size};
use crate::model::{LinkKind, PartyKind, Position};
use std::fmt::Write as _;

const MARGIN: f32 = 40.0;
/// Where the drawing starts below the title and the legend.
const TOP: f32 = 190.0;

fn party_style(kind: PartyKind) -> String {
    let shape = match kind {
        PartyKind::Microsoft => "rounded=1;arcSize=10;",
        PartyKind::IndirectProvider => "shape=hexagon;perimeter=hexagonPerimeter2;size=0.25;",
        PartyKind::DirectBill => "rhombus;",
        PartyKind::IndirectReseller => "ellipse;",
        PartyKind::Customer => "rounded=1;arcSize=50;",
    };
    format!(
        "{shape}fillColor={};strokeColor=#1f2933;strokeWidth=2;verticalLabelPosition=bottom;verticalAlign=top;labelPosition=center;align=center;fontSize=12;fontColor=#1f2933;",
        party_color(kind)
    )
}

fn dash_style(dash: Dash, kind: crate::model::LinkKind) -> &'static str {
    match (dash, kind) {
        (Dash::Solid, _) => "dashed=0;",
        (Dash::Dashed, _) => "dashed=1;dashPattern=10 6;",
        (Dash::Dotted, crate::model::LinkKind::Admin) => "dashed=1;dashPattern=3 4;",
        (Dash::Dotted, _) => "dashed=1;dashPattern=2 6;",
    }
}

fn link_style(state: LinkState, dash: &str, width: f32) -> String {
    let label = if state == LinkState::Valid {
        "#3e4c59"
    } else {
        state.color()
    };
    format!(
        "endArrow=block;endFill=1;curved=1;strokeColor={};strokeWidth={width:.0};{dash}fontSize=11;fontColor={label};labelBackgroundColor=#ffffff;",
        state.color()
    )
}

/// A vertex cell. Its `id` and `style` are written as they are (escaped already: a party's style
/// is escaped once for all the parties of its kind, not once per party).
fn vertex(
    out: &mut Out,
    id: impl std::fmt::Display,
    parent: &str,
    value: &str,
    style: &str,
    geometry: [f32; 4],
) {
    let [x, y, w, h] = geometry.map(Tenths);
    let _ = writeln!(
        out,
        "        <mxCell id=\"{id}\" value=\"{}\" style=\"{style}\" vertex=\"1\" parent=\"{}\">\n          <mxGeometry x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" as=\"geometry\"/>\n        </mxCell>",
        Xml(value),
        Xml(parent)
    );
}

/// The legend: one group holding a sample of each party kind and each link state.
fn legend(out: &mut Out, x: f32, y: f32) {
    let _ = writeln!(
        out,
        "        <mxCell id=\"legend\" value=\"\" style=\"group\" vertex=\"1\" connectable=\"0\" parent=\"1\">\n          <mxGeometry x=\"{x:.1}\" y=\"{y:.1}\" width=\"960\" height=\"60\" as=\"geometry\"/>\n        </mxCell>"
    );
    let text = escape("text;align=left;verticalAlign=middle;fontSize=12;fontColor=#1f2933;");
    let mut at = 0.0;
    for kind in PartyKind::ALL {
        let (w, h) = party_size(kind);
        let (w, h) = (w * 16.0 / 60.0, h * 16.0 / 60.0);
        let style = party_style(kind).replace("strokeWidth=2;", "strokeWidth=1;");
        vertex(
            out,
            format_args!("legend-{}", kind.key()),
            "legend",
            "",
            &escape(&style),
            [at, 12.0 - h / 2.0 + 4.0, w, h],
        );
        let width = 14.0 + 7.0 * kind.label().len() as f32;
        vertex(
            out,
            format_args!("legend-{}-text", kind.key()),
            "legend",
            kind.label(),
            &text,
            [at + 20.0, 2.0, width, 20.0],
        );
        at += 30.0 + width;
    }
    let mut at = 0.0;
    for (state, label) in [
        (LinkState::Valid, "valid link"),
        (LinkState::Warning, "warning"),
        (LinkState::Violation, "violation (dashed)"),
        (LinkState::Future, "dated after the as-of date"),
    ] {
        let dash = dash_style(
            Dash::of(state, crate::model::LinkKind::Supply),
            crate::model::LinkKind::Supply,
        );
        let style = format!(
            "endArrow=none;strokeColor={};strokeWidth=3;{dash}",
            state.color()
        );
        let _ = writeln!(
            out,
            "        <mxCell id=\"legend-{}\" value=\"\" style=\"{}\" edge=\"1\" parent=\"legend\">\n          <mxGeometry relative=\"1\" as=\"geometry\">\n            <mxPoint x=\"{at:.1}\" y=\"45\" as=\"sourcePoint\"/>\n            <mxPoint x=\"{:.1}\" y=\"45\" as=\"targetPoint\"/>\n          </mxGeometry>\n        </mxCell>",
            state.key(),
            escape(&style),
            at + 30.0
        );
        let width = 14.0 + 7.0 * label.len() as f32;
        vertex(
            out,
            format_args!("legend-{}-text", state.key()),
            "legend",
            label,
            &text,
            [at + 36.0, 35.0, width, 20.0],
        );
        at += 50.0 + width;
    }
}

/// Writes the draw.io document to `out`, cell by cell.
pub(crate) fn write(sheet: &Sheet, out: &mut Out) {
    let s = sheet.scenario;
    let positions = crate::layout::effective_positions(s);
    let bends = super::bends_by_edge(s, &positions);
    // Where each party is drawn, by graph index: the links below read their ends by index instead
    // of looking each party up by id.
    let g = s.graph();
    let drawn = super::positions_by_node(s, &positions);
    let r = super::PARTY_RADIUS;
    let min_x = positions.values().map(|p| p.x).fold(f32::MAX, f32::min);
    let min_y = positions.values().map(|p| p.y).fold(f32::MAX, f32::min);
    let max_x = positions.values().map(|p| p.x).fold(f32::MIN, f32::max);
    let max_y = positions.values().map(|p| p.y).fold(f32::MIN, f32::max);
    // Room for the labels left of the leftmost party; nothing placed means an empty page.
    let (dx, dy) = if positions.is_empty() {
        (0.0, 0.0)
    } else {
        (MARGIN + 3.0 * r - min_x, TOP + r - min_y)
    };
    let at = |p: Position| Position {
        x: p.x + dx,
        y: p.y + dy,
    };
    let page_width = if positions.is_empty() {
        1000.0
    } else {
        (max_x + dx + 3.0 * r + MARGIN).max(1000.0)
    };
    let page_height = if positions.is_empty() {
        TOP
    } else {
        max_y + dy + 2.0 * r + 40.0 + MARGIN
    };

    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<mxfile host=\"csp-explorer\" type=\"device\">\n");
    let _ = writeln!(
        out,
        "  <diagram id=\"csp-explorer\" name=\"{}\">\n    <mxGraphModel dx=\"0\" dy=\"0\" grid=\"1\" gridSize=\"10\" guides=\"1\" tooltips=\"1\" connect=\"1\" arrows=\"1\" fold=\"1\" page=\"1\" pageScale=\"1\" pageWidth=\"{page_width:.0}\" pageHeight=\"{page_height:.0}\" math=\"0\" shadow=\"0\">\n      <root>\n        <mxCell id=\"0\"/>\n        <mxCell id=\"1\" parent=\"0\"/>",
        escape(&s.meta.title)
    );
    let counts = sheet.checker.counts();
    vertex(
        out,
        "title",
        "1",
        &s.meta.title,
        &escape("text;align=left;verticalAlign=top;fontSize=22;fontStyle=1;fontColor=#1f2933;"),
        [MARGIN, 20.0, page_width - 2.0 * MARGIN, 32.0],
    );
    vertex(
        out,
        "subtitle",
        "1",
        &format!(
            "Checked as of {} · {} · csp-explorer",
            sheet.as_of,
            crate::text::severities(counts.violation, counts.warning, counts.note)
        ),
        &escape("text;align=left;verticalAlign=top;fontSize=14;fontColor=#3e4c59;"),
        [MARGIN, 56.0, page_width - 2.0 * MARGIN, 24.0],
    );
    legend(out, MARGIN, 96.0);

    // Styles are a handful (per party kind, per link state and kind): made and escaped once, not
    // per cell.
    let party_styles: Vec<(PartyKind, String)> = PartyKind::ALL
        .into_iter()
        .map(|k| (k, escape(&party_style(k))))
        .collect();
    let mut link_styles: Vec<((LinkState, LinkKind), String)> = Vec::new();
    for n in g.node_indices() {
        if out.failed() {
            // The file cannot take more: the export fails with that error, drop the rest.
            return;
        }
        let p = &g[n];
        let Some(pos) = drawn[n.index()] else {
            continue;
        };
        let c = at(pos);
        let (w, h) = party_size(p.kind);
        let style = party_styles
            .iter()
            .find(|(k, _)| *k == p.kind)
            .map_or("", |(_, style)| style.as_str());
        vertex(
            out,
            format_args!("party-{}", Xml(p.id.as_str())),
            "1",
            &super::party_label(p),
            style,
            [c.x - w / 2.0, c.y - h / 2.0, w, h],
        );
    }
    for e in g.edge_indices() {
        if out.failed() {
            return;
        }
        let Some((from, to)) = g.edge_endpoints(e) else {
            continue;
        };
        if drawn[from.index()].is_none() || drawn[to.index()].is_none() {
            continue;
        }
        let l = &g[e];
        let state = sheet.link_state(l);
        let style = match link_styles
            .iter()
            .position(|(key, _)| *key == (state, l.kind))
        {
            Some(i) => &link_styles[i].1,
            None => {
                let style = link_style(
                    state,
                    dash_style(Dash::of(state, l.kind), l.kind),
                    super::link_width(state, l.kind),
                );
                link_styles.push(((state, l.kind), escape(&style)));
                &link_styles[link_styles.len() - 1].1
            }
        };
        let points = bends[e.index()]
            .map(|b| {
                let b = at(b);
                format!(
                    "\n            <Array as=\"points\">\n              <mxPoint x=\"{}\" y=\"{}\"/>\n            </Array>",
                    Tenths(b.x),
                    Tenths(b.y)
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "        <mxCell id=\"link-{}\" value=\"{}\" style=\"{}\" edge=\"1\" parent=\"1\" source=\"party-{}\" target=\"party-{}\">\n          <mxGeometry relative=\"1\" as=\"geometry\">{points}\n          </mxGeometry>\n        </mxCell>",
            Xml(l.id.as_str()),
            Xml(&super::link_label(sheet, l)),
            style,
            Xml(l.from.as_str()),
            Xml(l.to.as_str())
        );
    }
    out.push_str("      </root>\n    </mxGraphModel>\n  </diagram>\n</mxfile>\n");
}
