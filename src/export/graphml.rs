//! Owns: the channel as GraphML for yEd, Gephi and scripts. Must not: choose colours, positions or
//! labels (the shared helpers in mod.rs do) or escape text itself (sanitize.rs does).
//!
//! GraphML that other tools show as drawn, with every party and link attribute as a typed key.
//!
//! Three readers, three layers in one file:
//! - **yEd** reads its own extension (namespace `y`, keys of `yfiles.type` `nodegraphics` and
//!   `edgegraphics`): each party a `y:ShapeNode` with its canvas position and size (`y:Geometry`,
//!   top-left corner), fill, border, shape and a label below it; each link a `y:PolyLineEdge` with
//!   the severity colour, the dash, the width, an arrow at the buying end, a bend where the canvas
//!   curves it, and its label.
//! - **Gephi** reads the keys named `label`, `x`, `y` and `r`/`g`/`b` as the label, position and
//!   colour of nodes and edges.
//! - **Scripts** (networkx, igraph) and Gephi's data table read the plain typed keys (`kind`,
//!   `country`, `worst_severity`, …), which yEd shows as properties too. networkx also turns a
//!   yEd block into `x`, `y` and `label` attributes of its own; each node's and edge's yEd block is
//!   therefore written before its typed keys, which then win (networkx keeps the value read last).

use super::sanitize::xml as escape;
use super::{Dash, LinkState, Sheet, party_color, party_size, rgb};
use crate::model::PartyKind;
use std::fmt::Write as _;

const PARTY_KEYS: &[(&str, &str)] = &[
    ("kind", "string"),
    ("name", "string"),
    ("country", "string"),
    ("region", "string"),
    ("organization", "string"),
    ("affiliate_group", "string"),
    ("tenant", "string"),
    ("tenant_type", "string"),
    ("mpa_signed", "string"),
    ("onboarded", "boolean"),
    ("enrolled", "boolean"),
    ("restricted_since", "string"),
    ("mca_accepted", "string"),
    ("x", "double"),
    ("y", "double"),
    ("worst_severity", "string"),
    ("rules", "string"),
    ("label", "string"),
    ("r", "int"),
    ("g", "int"),
    ("b", "int"),
];
const LINK_KEYS: &[(&str, &str)] = &[
    ("kind", "string"),
    ("date", "string"),
    ("status", "string"),
    ("offer", "string"),
    ("publisher", "string"),
    ("tenant", "string"),
    ("via", "string"),
    ("roles", "string"),
    ("duration_days", "int"),
    ("auto_extend", "boolean"),
    ("exists_as_of", "boolean"),
    ("worst_severity", "string"),
    ("rules", "string"),
    ("label", "string"),
    ("r", "int"),
    ("g", "int"),
    ("b", "int"),
];

/// yEd's name of a party kind's shape (the canvas's ■ ⬢ ◆ ● ▭).
fn yed_shape(kind: PartyKind) -> &'static str {
    match kind {
        PartyKind::Microsoft => "rectangle",
        PartyKind::IndirectProvider => "hexagon",
        PartyKind::DirectBill => "diamond",
        PartyKind::IndirectReseller => "ellipse",
        PartyKind::Customer => "roundrectangle",
    }
}

fn yed_line(dash: Dash) -> &'static str {
    match dash {
        Dash::Solid => "line",
        Dash::Dashed => "dashed",
        Dash::Dotted => "dotted",
    }
}

fn data(out: &mut String, prefix: &str, key: &str, value: Option<String>) {
    if let Some(v) = value {
        let _ = writeln!(
            out,
            "      <data key=\"{prefix}_{key}\">{}</data>",
            escape(&v)
        );
    }
}

pub(crate) fn render(sheet: &Sheet) -> String {
    let s = sheet.scenario;
    let positions = crate::layout::effective_positions(s);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:y=\"http://www.yworks.com/xml/graphml\" xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://www.yworks.com/xml/schema/graphml/1.1/ygraphml.xsd\">\n");
    out.push_str("  <key id=\"yed_node\" for=\"node\" yfiles.type=\"nodegraphics\"/>\n");
    out.push_str("  <key id=\"yed_edge\" for=\"edge\" yfiles.type=\"edgegraphics\"/>\n");
    let bends = super::bends(s, &positions);
    for (key, ty) in PARTY_KEYS {
        let _ = writeln!(
            out,
            "  <key id=\"p_{key}\" for=\"node\" attr.name=\"{key}\" attr.type=\"{ty}\"/>"
        );
    }
    for (key, ty) in LINK_KEYS {
        let _ = writeln!(
            out,
            "  <key id=\"l_{key}\" for=\"edge\" attr.name=\"{key}\" attr.type=\"{ty}\"/>"
        );
    }
    let _ = writeln!(
        out,
        "  <graph id=\"{}\" edgedefault=\"directed\">",
        super::sanitize::name_token(&s.meta.title)
    );
    let _ = writeln!(
        out,
        "    <desc>{} (checked as of {})</desc>",
        escape(s.meta.description.as_str()),
        sheet.as_of
    );
    for p in s.parties() {
        let _ = writeln!(out, "    <node id=\"{}\">", escape(p.id.as_str()));
        let findings = sheet.checker.for_party(p.id.as_str());
        let pos = positions.get(&p.id);
        let fill = rgb(party_color(p.kind));
        let region = p
            .country
            .as_deref()
            .and_then(|c| crate::model::markets().region_of(c))
            .map(|r| r.id.clone());
        // yEd's graphics first: networkx reads a yEd block into `x`, `y` (the box's corner) and
        // `label` (its two-line text), and the data read last wins, so the typed keys after it
        // keep their own values (the centre, the name).
        if let Some(at) = pos {
            let (w, h) = party_size(p.kind);
            let _ = writeln!(
                out,
                concat!(
                    "      <data key=\"yed_node\">\n        <y:ShapeNode>\n",
                    "          <y:Geometry x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>\n",
                    "          <y:Fill color=\"{}\" transparent=\"false\"/>\n",
                    "          <y:BorderStyle color=\"#1F2933\" type=\"line\" width=\"2.0\"/>\n",
                    "          <y:NodeLabel alignment=\"center\" autoSizePolicy=\"content\" fontFamily=\"Dialog\" fontSize=\"12\" fontStyle=\"plain\" hasBackgroundColor=\"false\" hasLineColor=\"false\" modelName=\"sides\" modelPosition=\"s\" textColor=\"#1F2933\" visible=\"true\">{}</y:NodeLabel>\n",
                    "          <y:Shape type=\"{}\"/>\n",
                    "        </y:ShapeNode>\n      </data>"
                ),
                at.x - w / 2.0,
                at.y - h / 2.0,
                w,
                h,
                party_color(p.kind).to_uppercase(),
                escape(&super::party_label(p)),
                yed_shape(p.kind)
            );
        }
        for (key, value) in [
            ("kind", Some(p.kind.key().to_owned())),
            ("name", Some(p.name.clone())),
            ("country", p.country.clone()),
            ("region", region),
            ("organization", Some(p.organization.clone())),
            ("affiliate_group", p.affiliate_group.clone()),
            ("tenant", Some(p.tenant.clone())),
            ("tenant_type", Some(p.tenant_type.key().to_owned())),
            ("mpa_signed", p.mpa_signed.map(|d| d.to_string())),
            ("onboarded", Some(p.onboarded.to_string())),
            ("enrolled", Some(p.enrolled.to_string())),
            (
                "restricted_since",
                p.restricted_since.map(|d| d.to_string()),
            ),
            ("mca_accepted", p.mca_accepted.map(|d| d.to_string())),
            ("x", pos.map(|p| p.x.to_string())),
            ("y", pos.map(|p| p.y.to_string())),
            (
                "worst_severity",
                findings
                    .iter()
                    .map(|f| f.severity)
                    .max()
                    .map(|s| s.key().to_owned()),
            ),
            (
                "rules",
                (!findings.is_empty()).then(|| {
                    findings
                        .iter()
                        .map(|f| f.rule.key())
                        .collect::<Vec<_>>()
                        .join(" ")
                }),
            ),
            ("label", Some(p.name.clone())),
            ("r", Some(fill.0.to_string())),
            ("g", Some(fill.1.to_string())),
            ("b", Some(fill.2.to_string())),
        ] {
            data(&mut out, "p", key, value);
        }
        out.push_str("    </node>\n");
    }
    for l in s.links() {
        let _ = writeln!(
            out,
            "    <edge id=\"{}\" source=\"{}\" target=\"{}\">",
            escape(l.id.as_str()),
            escape(l.from.as_str()),
            escape(l.to.as_str())
        );
        let findings = sheet.checker.for_link(l.id.as_str());
        let state = sheet.link_state(l);
        let stroke = rgb(state.color());
        let label = super::link_label(sheet, l);
        // yEd's graphics first, as for nodes: the typed `label` after it wins in networkx.
        // yEd's path is relative to the two nodes' centres (sx, sy, tx, ty = 0: centre to centre),
        // with the canvas's bend, if any, as an absolute point.
        let bend = bends
            .get(&l.id)
            .map(|b| format!("<y:Point x=\"{:.1}\" y=\"{:.1}\"/>", b.x, b.y))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            concat!(
                "      <data key=\"yed_edge\">\n        <y:PolyLineEdge>\n",
                "          <y:Path sx=\"0.0\" sy=\"0.0\" tx=\"0.0\" ty=\"0.0\">{}</y:Path>\n",
                "          <y:LineStyle color=\"{}\" type=\"{}\" width=\"{:.1}\"/>\n",
                "          <y:Arrows source=\"none\" target=\"standard\"/>\n",
                "          <y:EdgeLabel alignment=\"center\" fontFamily=\"Dialog\" fontSize=\"11\" fontStyle=\"plain\" hasBackgroundColor=\"true\" backgroundColor=\"#FFFFFF\" hasLineColor=\"false\" modelName=\"centered\" modelPosition=\"center\" textColor=\"{}\" visible=\"true\">{}</y:EdgeLabel>\n",
                "          <y:BendStyle smoothed=\"true\"/>\n",
                "        </y:PolyLineEdge>\n      </data>"
            ),
            bend,
            state.color().to_uppercase(),
            yed_line(Dash::of(state, l.kind)),
            super::link_width(state, l.kind),
            if state == LinkState::Valid {
                "#3E4C59".to_owned()
            } else {
                state.color().to_uppercase()
            },
            escape(&label)
        );
        for (key, value) in [
            ("kind", Some(l.kind.key().to_owned())),
            ("date", Some(l.date.to_string())),
            ("status", Some(l.status.key().to_owned())),
            ("offer", l.offer.clone()),
            ("publisher", Some(l.publisher.key().to_owned())),
            ("tenant", l.tenant.clone()),
            ("via", l.via.as_ref().map(|v| v.to_string())),
            ("roles", (!l.roles.is_empty()).then(|| l.roles.join(";"))),
            ("duration_days", l.duration_days.map(|d| d.to_string())),
            ("auto_extend", Some(l.auto_extend.to_string())),
            ("exists_as_of", Some(l.exists_at(sheet.as_of).to_string())),
            (
                "worst_severity",
                findings
                    .iter()
                    .map(|f| f.severity)
                    .max()
                    .map(|s| s.key().to_owned()),
            ),
            (
                "rules",
                (!findings.is_empty()).then(|| {
                    findings
                        .iter()
                        .map(|f| f.rule.key())
                        .collect::<Vec<_>>()
                        .join(" ")
                }),
            ),
            ("label", Some(label.clone())),
            ("r", Some(stroke.0.to_string())),
            ("g", Some(stroke.1.to_string())),
            ("b", Some(stroke.2.to_string())),
        ] {
            data(&mut out, "l", key, value);
        }
        out.push_str("    </edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}
