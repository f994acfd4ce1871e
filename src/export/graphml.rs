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

use super::out::Out;
use super::sanitize::Xml;
use super::{Dash, LinkState, Sheet, Tenths, party_color, party_size, rgb};
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

/// A `#rrggbb` colour in capitals, as yEd writes it, without a `String` made for each use.
struct Upper<'a>(&'a str);

impl std::fmt::Display for Upper<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write as _;
        self.0
            .chars()
            .try_for_each(|c| f.write_char(c.to_ascii_uppercase()))
    }
}

fn yed_line(dash: Dash) -> &'static str {
    match dash {
        Dash::Solid => "line",
        Dash::Dashed => "dashed",
        Dash::Dotted => "dotted",
    }
}

/// A text value (escaped): names, ids, keys, the label.
fn text(out: &mut Out, prefix: &str, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        let _ = writeln!(out, "      <data key=\"{prefix}_{key}\">{}</data>", Xml(v));
    }
}

/// A value that is never markup (a number, a date, a boolean), written as it displays.
fn value(out: &mut Out, prefix: &str, key: &str, value: Option<impl std::fmt::Display>) {
    if let Some(v) = value {
        let _ = writeln!(out, "      <data key=\"{prefix}_{key}\">{v}</data>");
    }
}

/// The rule ids of some findings, space-separated (`rules`), written in place.
fn rules(out: &mut Out, prefix: &str, findings: &[crate::rules::Finding]) {
    let Some((first, rest)) = findings.split_first() else {
        return;
    };
    let _ = write!(
        out,
        "      <data key=\"{prefix}_rules\">{}",
        first.rule.key()
    );
    for f in rest {
        out.push(' ');
        out.push_str(f.rule.key());
    }
    out.push_str("</data>\n");
}

/// The worst severity of some findings (`worst_severity`), if any.
fn worst(findings: &[crate::rules::Finding]) -> Option<&'static str> {
    findings.iter().map(|f| f.severity).max().map(|s| s.key())
}

/// Writes the GraphML document to `out`, party by party and link by link.
pub(crate) fn write(sheet: &Sheet, out: &mut Out) {
    let s = sheet.scenario;
    let positions = crate::layout::effective_positions(s);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:y=\"http://www.yworks.com/xml/graphml\" xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://www.yworks.com/xml/schema/graphml/1.1/ygraphml.xsd\">\n");
    out.push_str("  <key id=\"yed_node\" for=\"node\" yfiles.type=\"nodegraphics\"/>\n");
    out.push_str("  <key id=\"yed_edge\" for=\"edge\" yfiles.type=\"edgegraphics\"/>\n");
    let bends = super::bends_by_edge(s, &positions);
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
        Xml(s.meta.description.as_str()),
        sheet.as_of
    );
    let g = s.graph();
    let drawn = super::positions_by_node(s, &positions);
    for n in g.node_indices() {
        if out.failed() {
            // The file cannot take more: the export fails with that error, drop the rest.
            return;
        }
        let p = &g[n];
        let _ = writeln!(out, "    <node id=\"{}\">", Xml(p.id.as_str()));
        let findings = sheet.checker.for_party(p.id.as_str());
        let pos = drawn[n.index()];
        let fill = rgb(party_color(p.kind));
        let region = p
            .country
            .as_deref()
            .and_then(|c| crate::model::markets().region_of(c))
            .map(|r| r.id.as_str());
        // yEd's graphics first: networkx reads a yEd block into `x`, `y` (the box's corner) and
        // `label` (its two-line text), and the data read last wins, so the typed keys after it
        // keep their own values (the centre, the name).
        if let Some(at) = pos {
            let (w, h) = party_size(p.kind);
            let _ = writeln!(
                out,
                concat!(
                    "      <data key=\"yed_node\">\n        <y:ShapeNode>\n",
                    "          <y:Geometry x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n",
                    "          <y:Fill color=\"{}\" transparent=\"false\"/>\n",
                    "          <y:BorderStyle color=\"#1F2933\" type=\"line\" width=\"2.0\"/>\n",
                    "          <y:NodeLabel alignment=\"center\" autoSizePolicy=\"content\" fontFamily=\"Dialog\" fontSize=\"12\" fontStyle=\"plain\" hasBackgroundColor=\"false\" hasLineColor=\"false\" modelName=\"sides\" modelPosition=\"s\" textColor=\"#1F2933\" visible=\"true\">{}</y:NodeLabel>\n",
                    "          <y:Shape type=\"{}\"/>\n",
                    "        </y:ShapeNode>\n      </data>"
                ),
                Tenths(at.x - w / 2.0),
                Tenths(at.y - h / 2.0),
                Tenths(w),
                Tenths(h),
                Upper(party_color(p.kind)),
                Xml(&super::party_label(p)),
                yed_shape(p.kind)
            );
        }
        text(out, "p", "kind", Some(p.kind.key()));
        text(out, "p", "name", Some(&p.name));
        text(out, "p", "country", p.country.as_deref());
        text(out, "p", "region", region);
        text(out, "p", "organization", Some(&p.organization));
        text(out, "p", "affiliate_group", p.affiliate_group.as_deref());
        text(out, "p", "tenant", Some(&p.tenant));
        text(out, "p", "tenant_type", Some(p.tenant_type.key()));
        value(out, "p", "mpa_signed", p.mpa_signed);
        value(out, "p", "onboarded", Some(p.onboarded));
        value(out, "p", "enrolled", Some(p.enrolled));
        value(out, "p", "restricted_since", p.restricted_since);
        value(out, "p", "mca_accepted", p.mca_accepted);
        value(out, "p", "x", pos.map(|p| p.x));
        value(out, "p", "y", pos.map(|p| p.y));
        text(out, "p", "worst_severity", worst(findings));
        rules(out, "p", findings);
        text(out, "p", "label", Some(&p.name));
        value(out, "p", "r", Some(fill.0));
        value(out, "p", "g", Some(fill.1));
        value(out, "p", "b", Some(fill.2));
        out.push_str("    </node>\n");
    }
    for e in g.edge_indices() {
        if out.failed() {
            return;
        }
        let l = &g[e];
        let _ = writeln!(
            out,
            "    <edge id=\"{}\" source=\"{}\" target=\"{}\">",
            Xml(l.id.as_str()),
            Xml(l.from.as_str()),
            Xml(l.to.as_str())
        );
        let findings = sheet.checker.for_link(l.id.as_str());
        let state = sheet.link_state(l);
        let stroke = rgb(state.color());
        let label = super::link_label(sheet, l);
        // yEd's graphics first, as for nodes: the typed `label` after it wins in networkx.
        // yEd's path is relative to the two nodes' centres (sx, sy, tx, ty = 0: centre to centre),
        // with the canvas's bend, if any, as an absolute point.
        out.push_str(concat!(
            "      <data key=\"yed_edge\">\n        <y:PolyLineEdge>\n",
            "          <y:Path sx=\"0.0\" sy=\"0.0\" tx=\"0.0\" ty=\"0.0\">"
        ));
        if let Some(b) = bends.get(e.index()).copied().flatten() {
            let _ = write!(
                out,
                "<y:Point x=\"{}\" y=\"{}\"/>",
                Tenths(b.x),
                Tenths(b.y)
            );
        }
        let _ = writeln!(
            out,
            concat!(
                "</y:Path>\n",
                "          <y:LineStyle color=\"{}\" type=\"{}\" width=\"{}\"/>\n",
                "          <y:Arrows source=\"none\" target=\"standard\"/>\n",
                "          <y:EdgeLabel alignment=\"center\" fontFamily=\"Dialog\" fontSize=\"11\" fontStyle=\"plain\" hasBackgroundColor=\"true\" backgroundColor=\"#FFFFFF\" hasLineColor=\"false\" modelName=\"centered\" modelPosition=\"center\" textColor=\"{}\" visible=\"true\">{}</y:EdgeLabel>\n",
                "          <y:BendStyle smoothed=\"true\"/>\n",
                "        </y:PolyLineEdge>\n      </data>"
            ),
            Upper(state.color()),
            yed_line(Dash::of(state, l.kind)),
            Tenths(super::link_width(state, l.kind)),
            Upper(if state == LinkState::Valid {
                "#3e4c59"
            } else {
                state.color()
            }),
            Xml(&label)
        );
        text(out, "l", "kind", Some(l.kind.key()));
        value(out, "l", "date", Some(l.date));
        text(out, "l", "status", Some(l.status.key()));
        text(out, "l", "offer", l.offer.as_deref());
        text(out, "l", "publisher", Some(l.publisher.key()));
        text(out, "l", "tenant", l.tenant.as_deref());
        text(out, "l", "via", l.via.as_ref().map(|v| v.as_str()));
        if let Some((first, rest)) = l.roles.split_first() {
            let _ = write!(out, "      <data key=\"l_roles\">{}", Xml(first));
            for role in rest {
                let _ = write!(out, ";{}", Xml(role));
            }
            out.push_str("</data>\n");
        }
        value(out, "l", "duration_days", l.duration_days);
        value(out, "l", "auto_extend", Some(l.auto_extend));
        value(out, "l", "exists_as_of", Some(l.exists_at(sheet.as_of)));
        text(out, "l", "worst_severity", worst(findings));
        rules(out, "l", findings);
        text(out, "l", "label", Some(&label));
        value(out, "l", "r", Some(stroke.0));
        value(out, "l", "g", Some(stroke.1));
        value(out, "l", "b", Some(stroke.2));
        out.push_str("    </edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
}
