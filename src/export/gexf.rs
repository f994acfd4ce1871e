//! Owns: the channel as GEXF 1.3 for Gephi and Gephi Lite. Must not: choose colours, positions or
//! labels (the shared helpers in mod.rs do) or escape text itself (sanitize.rs does).
//!
//! GEXF 1.3, Gephi's own format: every party a node with its label, attributes, and the `viz`
//! module's colour, position (the canvas's), size and shape; every link an edge with its label,
//! attributes, and the severity colour, thickness and dash.
//!
//! Gephi's y axis points up, the canvas's down, so positions are flipped to keep the picture the
//! right way up. `viz:shape` offers disc, square, triangle and diamond: Microsoft and customers are
//! squares (told apart by colour), providers triangles, direct-bill partners diamonds, resellers
//! discs.

use super::out::Out;
use super::sanitize::xml as escape;
use super::{Dash, Sheet, party_color, rgb};
use crate::model::PartyKind;
use std::fmt::Write as _;

const PARTY_ATTRIBUTES: &[(&str, &str)] = &[
    ("kind", "string"),
    ("country", "string"),
    ("region", "string"),
    ("organization", "string"),
    ("tenant", "string"),
    ("worst_severity", "string"),
    ("rules", "string"),
];
const LINK_ATTRIBUTES: &[(&str, &str)] = &[
    ("kind", "string"),
    ("date", "string"),
    ("status", "string"),
    ("offer", "string"),
    ("exists_as_of", "boolean"),
    ("worst_severity", "string"),
    ("rules", "string"),
];

fn viz_shape(kind: PartyKind) -> &'static str {
    match kind {
        PartyKind::Microsoft | PartyKind::Customer => "square",
        PartyKind::IndirectProvider => "triangle",
        PartyKind::DirectBill => "diamond",
        PartyKind::IndirectReseller => "disc",
    }
}

fn declare(out: &mut Out, class: &str, attributes: &[(&str, &str)]) {
    let _ = writeln!(out, "    <attributes class=\"{class}\">");
    for (id, ty) in attributes {
        let _ = writeln!(
            out,
            "      <attribute id=\"{id}\" title=\"{id}\" type=\"{ty}\"/>"
        );
    }
    out.push_str("    </attributes>\n");
}

fn values(out: &mut Out, values: &[(&str, Option<String>)]) {
    out.push_str("        <attvalues>\n");
    for (id, value) in values {
        if let Some(v) = value {
            let _ = writeln!(
                out,
                "          <attvalue for=\"{id}\" value=\"{}\"/>",
                escape(v)
            );
        }
    }
    out.push_str("        </attvalues>\n");
}

/// The worst severity and the rule keys (each once) of some findings.
fn rules(findings: &[crate::rules::Finding]) -> (Option<String>, Option<String>) {
    let worst = findings
        .iter()
        .map(|f| f.severity)
        .max()
        .map(|s| s.key().to_owned());
    let mut keys: Vec<&str> = Vec::new();
    for f in findings {
        if !keys.contains(&f.rule.key()) {
            keys.push(f.rule.key());
        }
    }
    (worst, (!keys.is_empty()).then(|| keys.join(" ")))
}

/// A `viz:color` that every GEXF reader draws: Gephi reads `r`, `g` and `b`; Gephi Lite (through
/// graphology's parser) takes `hex` first, and turned a colour with an alpha `a` into one it does
/// not draw (grey nodes). Every colour is opaque, so `a` is left out.
fn viz_color(r: u8, g: u8, b: u8) -> String {
    format!("<viz:color r=\"{r}\" g=\"{g}\" b=\"{b}\" hex=\"#{r:02x}{g:02x}{b:02x}\"/>")
}

/// Writes the GEXF document to `out`, node by node and edge by edge.
pub(crate) fn write(sheet: &Sheet, out: &mut Out) {
    let s = sheet.scenario;
    let positions = crate::layout::effective_positions(s);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n");
    let _ = writeln!(
        out,
        "  <meta>\n    <creator>csp-explorer</creator>\n    <description>{}: {} (checked as of {})</description>\n  </meta>",
        escape(&s.meta.title),
        escape(&s.meta.description),
        sheet.as_of
    );
    out.push_str("  <graph defaultedgetype=\"directed\" mode=\"static\">\n");
    declare(out, "node", PARTY_ATTRIBUTES);
    declare(out, "edge", LINK_ATTRIBUTES);
    out.push_str("    <nodes>\n");
    let g = s.graph();
    let drawn = super::positions_by_node(s, &positions);
    for n in g.node_indices() {
        if out.failed() {
            // The file cannot take more: the export fails with that error, drop the rest.
            return;
        }
        let p = &g[n];
        let _ = writeln!(
            out,
            "      <node id=\"{}\" label=\"{}\">",
            escape(p.id.as_str()),
            escape(&p.name)
        );
        let (worst, rule_keys) = rules(sheet.checker.for_party(p.id.as_str()));
        let region = p
            .country
            .as_deref()
            .and_then(|c| crate::model::markets().region_of(c))
            .map(|r| r.id.clone());
        values(
            out,
            &[
                ("kind", Some(p.kind.key().to_owned())),
                ("country", p.country.map(String::from)),
                ("region", region),
                ("organization", Some(p.organization.clone())),
                ("tenant", Some(p.tenant.clone())),
                ("worst_severity", worst),
                ("rules", rule_keys),
            ],
        );
        let (r, g, b) = rgb(party_color(p.kind));
        let _ = writeln!(out, "        {}", viz_color(r, g, b));
        if let Some(at) = drawn[n.index()] {
            let _ = writeln!(
                out,
                "        <viz:position x=\"{:.1}\" y=\"{:.1}\" z=\"0.0\"/>",
                at.x, -at.y
            );
        }
        let _ = writeln!(
            out,
            "        <viz:size value=\"{:.1}\"/>\n        <viz:shape value=\"{}\"/>\n      </node>",
            super::PARTY_RADIUS / 2.0,
            viz_shape(p.kind)
        );
    }
    out.push_str("    </nodes>\n    <edges>\n");
    for l in s.links() {
        if out.failed() {
            return;
        }
        let state = sheet.link_state(l);
        let _ = writeln!(
            out,
            "      <edge id=\"{}\" source=\"{}\" target=\"{}\" label=\"{}\">",
            escape(l.id.as_str()),
            escape(l.from.as_str()),
            escape(l.to.as_str()),
            escape(&super::link_label(sheet, l))
        );
        let (worst, rule_keys) = rules(sheet.checker.for_link(l.id.as_str()));
        values(
            out,
            &[
                ("kind", Some(l.kind.key().to_owned())),
                ("date", Some(l.date.to_string())),
                ("status", Some(l.status.key().to_owned())),
                ("offer", l.offer.map(String::from)),
                ("exists_as_of", Some(l.exists_at(sheet.as_of).to_string())),
                ("worst_severity", worst),
                ("rules", rule_keys),
            ],
        );
        let (r, g, b) = rgb(state.color());
        let shape = match Dash::of(state, l.kind) {
            Dash::Solid => "solid",
            Dash::Dashed => "dashed",
            Dash::Dotted => "dotted",
        };
        let _ = writeln!(
            out,
            "        {}\n        <viz:thickness value=\"{:.1}\"/>\n        <viz:shape value=\"{shape}\"/>\n      </edge>",
            viz_color(r, g, b),
            super::link_width(state, l.kind)
        );
    }
    out.push_str("    </edges>\n  </graph>\n</gexf>\n");
}
