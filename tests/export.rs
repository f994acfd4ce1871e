//! Every export format, checked with a real parser: XML ones with roxmltree (and usvg for SVG), DOT
//! with a Rust DOT parser (Graphviz itself renders the DOT in `.ci/run`, which installs it, so
//! `cargo test` needs nothing but Rust), CSV with the csv crate.

use csp_explorer::export::{Background, ExportFormat, ExportOptions, export, export_to_file};
use csp_explorer::model::Scenario;
use csp_explorer::scenarios::{BUILTIN, builtin};
use graphviz_rust::dot_structures as dot;
use resvg::{tiny_skia, usvg};

/// Sample scenario 1 with one broken link: Fabrikam's MPA is not signed, so its supply, reseller
/// relationship and purchase break `mpa_missing`.
fn broken() -> Scenario {
    let mut s = builtin("sample-1")
        .and_then(|b| b.load().ok())
        .expect("sample-1 loads");
    let mut fabrikam = s.party("fabrikam").cloned().expect("fabrikam");
    fabrikam.mpa_signed = None;
    s.replace_party(fabrikam).expect("replace");
    s
}

const VIOLATION_RED: &str = "#d52027";

fn text(format: ExportFormat, s: &Scenario) -> String {
    String::from_utf8(export(s, format, &ExportOptions::default()).expect("exports"))
        .expect("utf-8")
}

#[test]
fn svg_parses_and_marks_the_broken_links() {
    let s = broken();
    let svg = text(ExportFormat::Svg, &s);
    usvg::Tree::from_str(&svg, &usvg::Options::default()).expect("usvg parses it");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let by_id = |id: &str| doc.descendants().find(|n| n.attribute("id") == Some(id));
    for p in s.parties() {
        assert!(
            by_id(&format!("party-{}", p.id)).is_some(),
            "party {}",
            p.id
        );
    }
    for l in s.links() {
        let group = by_id(&format!("link-{}", l.id)).unwrap_or_else(|| panic!("link {}", l.id));
        let stroke = group
            .descendants()
            .find(|n| n.has_tag_name("path"))
            .and_then(|n| n.attribute("stroke"))
            .expect("a stroked path");
        let broken = [
            "supply-fabrikam",
            "reseller-fabrikam-northwind",
            "purchase-northwind-m365",
        ];
        assert_eq!(
            stroke == VIOLATION_RED,
            broken.contains(&l.id.as_str()),
            "{}: {stroke}",
            l.id
        );
    }
    assert!(svg.contains("Checked as of 2024-06-01"));
    assert!(
        svg.contains("Microsoft Partner Agreement not signed (violation)"),
        "the findings list names the rule by its title"
    );
    assert!(
        !svg.contains("mpa_missing"),
        "a slide's audience reads rule titles, not rule ids"
    );
}

#[test]
fn png_has_the_asked_size_and_the_violation_colour() {
    let s = broken();
    let svg = text(ExportFormat::Svg, &s);
    let tree = usvg::Tree::from_str(&svg, &usvg::Options::default()).unwrap();
    for scale in [1.0f32, 2.0] {
        let options = ExportOptions {
            scale,
            ..ExportOptions::default()
        };
        let png = export(&s, ExportFormat::Png, &options).expect("renders");
        let pixmap = tiny_skia::Pixmap::decode_png(&png).expect("decodes");
        assert_eq!(pixmap.width(), (tree.size().width() * scale).ceil() as u32);
        assert_eq!(
            pixmap.height(),
            (tree.size().height() * scale).ceil() as u32
        );
        let red = pixmap
            .pixels()
            .iter()
            .filter(|p| p.red() > 200 && p.green() < 60 && p.blue() < 60 && p.alpha() == 255)
            .count();
        assert!(red > 100, "violation red is drawn ({red} pixels)");
    }
    let transparent = ExportOptions {
        background: Background::Transparent,
        ..ExportOptions::default()
    };
    let png = export(&s, ExportFormat::Png, &transparent).unwrap();
    let pixmap = tiny_skia::Pixmap::decode_png(&png).unwrap();
    assert_eq!(pixmap.pixels()[0].alpha(), 0, "the corner is transparent");
    let white = export(&s, ExportFormat::Png, &ExportOptions::default()).unwrap();
    let corner = tiny_skia::Pixmap::decode_png(&white).unwrap().pixels()[0];
    assert_eq!(
        (corner.red(), corner.alpha()),
        (255, 255),
        "the corner is white"
    );
    let bad = ExportOptions {
        scale: 0.0,
        ..ExportOptions::default()
    };
    assert!(
        export(&s, ExportFormat::Png, &bad)
            .unwrap_err()
            .to_string()
            .contains("scale 0")
    );
}

#[test]
fn graphml_holds_every_party_link_and_attribute() {
    let s = broken();
    let xml = text(ExportFormat::Graphml, &s);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed GraphML");
    let keys: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("key"))
        .filter_map(|n| n.attribute("attr.name"))
        .collect();
    for key in [
        "kind",
        "country",
        "mpa_signed",
        "tenant_type",
        "via",
        "duration_days",
        "worst_severity",
    ] {
        assert!(keys.contains(&key), "{key}");
    }
    let nodes: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("node"))
        .collect();
    let edges: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("edge"))
        .collect();
    assert_eq!(nodes.len(), s.party_count());
    assert_eq!(edges.len(), s.link_count());
    let purchase = edges
        .iter()
        .find(|e| e.attribute("id") == Some("purchase-northwind-m365"))
        .unwrap();
    let data = |key: &str| {
        purchase
            .children()
            .find(|d| d.attribute("key") == Some(key))
            .and_then(|d| d.text())
    };
    assert_eq!(data("l_kind"), Some("purchase"));
    assert_eq!(data("l_offer"), Some("Microsoft 365 Business Premium"));
    assert_eq!(data("l_worst_severity"), Some("violation"));
}

const YED: &str = "http://www.yworks.com/xml/graphml";
const VIZ: &str = "http://gexf.net/1.3/viz";

fn attr_f32(node: roxmltree::Node, name: &str) -> f32 {
    node.attribute(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{name} on {:?}", node.tag_name()))
}

#[test]
fn graphml_carries_yed_graphics_and_gephi_keys() {
    use csp_explorer::model::PartyKind::*;
    let s = broken();
    let xml = text(ExportFormat::Graphml, &s);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed GraphML");
    let keys: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name("key"))
        .collect();
    for kind in ["nodegraphics", "edgegraphics"] {
        assert!(
            keys.iter()
                .any(|k| k.attribute("yfiles.type") == Some(kind)),
            "yEd's {kind} key"
        );
    }
    for (domain, name, ty) in [
        ("node", "label", "string"),
        ("node", "r", "int"),
        ("node", "g", "int"),
        ("node", "b", "int"),
        ("edge", "label", "string"),
        ("edge", "r", "int"),
    ] {
        assert!(
            keys.iter().any(|k| k.attribute("for") == Some(domain)
                && k.attribute("attr.name") == Some(name)
                && k.attribute("attr.type") == Some(ty)),
            "Gephi's {domain} {name} key"
        );
    }
    let positions = csp_explorer::layout::effective_positions(&s);
    for node in doc.descendants().filter(|n| n.has_tag_name("node")) {
        let id = node.attribute("id").unwrap();
        let party = s.party(id).unwrap();
        let shape = node
            .descendants()
            .find(|n| n.has_tag_name((YED, "ShapeNode")))
            .unwrap_or_else(|| panic!("{id} has a y:ShapeNode"));
        let child = |name: &str| {
            shape
                .children()
                .find(|n| n.has_tag_name((YED, name)))
                .unwrap_or_else(|| panic!("{id}: y:{name}"))
        };
        let geometry = child("Geometry");
        let centre = (
            attr_f32(geometry, "x") + attr_f32(geometry, "width") / 2.0,
            attr_f32(geometry, "y") + attr_f32(geometry, "height") / 2.0,
        );
        let canvas = positions[id];
        assert!((centre.0 - canvas.x).abs() < 0.2 && (centre.1 - canvas.y).abs() < 0.2);
        let expected_shape = match party.kind {
            Microsoft => "rectangle",
            IndirectProvider => "hexagon",
            DirectBill => "diamond",
            IndirectReseller => "ellipse",
            Customer => "roundrectangle",
        };
        assert_eq!(
            child("Shape").attribute("type"),
            Some(expected_shape),
            "{id}"
        );
        let fill = child("Fill").attribute("color").unwrap().to_lowercase();
        let gephi = |key: &str| {
            node.children()
                .find(|d| d.attribute("key") == Some(key))
                .and_then(|d| d.text())
                .unwrap_or_else(|| panic!("{id}: {key}"))
                .to_owned()
        };
        let rgb = format!(
            "#{:02x}{:02x}{:02x}",
            gephi("p_r").parse::<u8>().unwrap(),
            gephi("p_g").parse::<u8>().unwrap(),
            gephi("p_b").parse::<u8>().unwrap()
        );
        assert_eq!(fill, rgb, "{id}: yEd and Gephi get the same colour");
        assert_eq!(gephi("p_label"), party.name);
        assert!(child("NodeLabel").text().unwrap().starts_with(&party.name));
    }
    let mut dashed_red = 0;
    for edge in doc.descendants().filter(|n| n.has_tag_name("edge")) {
        let line = edge
            .descendants()
            .find(|n| n.has_tag_name((YED, "LineStyle")))
            .expect("a y:PolyLineEdge with a y:LineStyle");
        let arrows = edge
            .descendants()
            .find(|n| n.has_tag_name((YED, "Arrows")))
            .expect("y:Arrows");
        assert_eq!(arrows.attribute("target"), Some("standard"));
        assert!(
            edge.descendants()
                .any(|n| n.has_tag_name((YED, "EdgeLabel")))
        );
        if line.attribute("color").map(str::to_lowercase).as_deref() == Some(VIOLATION_RED) {
            assert_eq!(line.attribute("type"), Some("dashed"));
            dashed_red += 1;
        }
    }
    assert_eq!(dashed_red, 3, "the three broken links are red and dashed");
}

#[test]
fn gexf_carries_viz_colours_positions_and_shapes() {
    use csp_explorer::model::PartyKind::*;
    let s = broken();
    let xml = text(ExportFormat::Gexf, &s);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed GEXF");
    let root = doc.root_element();
    assert_eq!(root.tag_name().namespace(), Some("http://gexf.net/1.3"));
    assert_eq!(root.attribute("version"), Some("1.3"));
    let positions = csp_explorer::layout::effective_positions(&s);
    let svg = text(ExportFormat::Svg, &s);
    let nodes: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name("node"))
        .collect();
    assert_eq!(nodes.len(), s.party_count());
    for node in nodes {
        let id = node.attribute("id").unwrap();
        let party = s.party(id).unwrap();
        assert_eq!(node.attribute("label"), Some(party.name.as_str()));
        let viz = |name: &str| {
            node.children()
                .find(|n| n.has_tag_name((VIZ, name)))
                .unwrap_or_else(|| panic!("{id}: viz:{name}"))
        };
        let color = viz("color");
        let hex = format!(
            "#{:02x}{:02x}{:02x}",
            attr_f32(color, "r") as u8,
            attr_f32(color, "g") as u8,
            attr_f32(color, "b") as u8
        );
        assert!(svg.contains(&hex), "{id}: the canvas colour {hex}");
        let position = viz("position");
        assert!((attr_f32(position, "x") - positions[id].x).abs() < 0.2);
        assert!(
            (attr_f32(position, "y") + positions[id].y).abs() < 0.2,
            "y points up"
        );
        let shape = viz("shape").attribute("value").unwrap();
        let expected = match party.kind {
            Microsoft | Customer => "square",
            IndirectProvider => "triangle",
            DirectBill => "diamond",
            IndirectReseller => "disc",
        };
        assert_eq!(shape, expected, "{id}");
        let kind = node
            .descendants()
            .find(|n| n.has_tag_name("attvalue") && n.attribute("for") == Some("kind"))
            .and_then(|n| n.attribute("value"));
        assert_eq!(kind, Some(party.kind.key()));
    }
    let edges: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name("edge"))
        .collect();
    assert_eq!(edges.len(), s.link_count());
    let dashed_red = edges
        .iter()
        .filter(|e| {
            let viz = |name: &str| e.children().find(|n| n.has_tag_name((VIZ, name)));
            let red = viz("color").is_some_and(|c| {
                (c.attribute("r"), c.attribute("g"), c.attribute("b"))
                    == (Some("213"), Some("32"), Some("39"))
            });
            let dashed = viz("shape").and_then(|n| n.attribute("value")) == Some("dashed");
            assert!(viz("thickness").is_some());
            red && dashed
        })
        .count();
    assert_eq!(dashed_red, 3);
}

#[test]
fn drawio_is_an_mxgraph_model_with_styled_cells_and_a_legend_group() {
    let s = broken();
    let xml = text(ExportFormat::Drawio, &s);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed draw.io XML");
    let root = doc.root_element();
    assert!(root.has_tag_name("mxfile"));
    let model_root = root
        .children()
        .find(|n| n.has_tag_name("diagram"))
        .and_then(|d| d.children().find(|n| n.has_tag_name("mxGraphModel")))
        .and_then(|m| m.children().find(|n| n.has_tag_name("root")))
        .expect("mxfile > diagram > mxGraphModel > root");
    let cells: Vec<roxmltree::Node> = model_root.children().filter(|n| n.is_element()).collect();
    assert!(
        cells.iter().all(|c| c.has_tag_name("mxCell")),
        "cells are flat"
    );
    assert_eq!(cells[0].attribute("id"), Some("0"));
    assert_eq!(cells[0].attribute("parent"), None);
    assert_eq!(
        (cells[1].attribute("id"), cells[1].attribute("parent")),
        (Some("1"), Some("0"))
    );
    let ids: std::collections::HashSet<&str> =
        cells.iter().filter_map(|c| c.attribute("id")).collect();
    assert_eq!(ids.len(), cells.len(), "ids are unique");
    for c in &cells[2..] {
        assert!(
            ids.contains(c.attribute("parent").unwrap()),
            "parent exists"
        );
        assert!(
            (c.attribute("vertex") == Some("1")) != (c.attribute("edge") == Some("1")),
            "{:?} is a vertex or an edge",
            c.attribute("id")
        );
    }
    let cell = |id: &str| {
        cells
            .iter()
            .find(|c| c.attribute("id") == Some(id))
            .unwrap_or_else(|| panic!("cell {id}"))
    };
    let style = |id: &str| cell(id).attribute("style").unwrap().to_owned();
    // Parties: shape by kind, the canvas fill, the canvas position.
    let positions = csp_explorer::layout::effective_positions(&s);
    let centre = |id: &str| {
        let g = cell(&format!("party-{id}"))
            .children()
            .find(|n| n.has_tag_name("mxGeometry"))
            .unwrap();
        (
            attr_f32(g, "x") + attr_f32(g, "width") / 2.0,
            attr_f32(g, "y") + attr_f32(g, "height") / 2.0,
        )
    };
    let origin = centre("microsoft");
    for p in s.parties() {
        let st = style(&format!("party-{}", p.id));
        let shape = match p.kind {
            csp_explorer::model::PartyKind::Microsoft => "rounded=1;arcSize=10",
            csp_explorer::model::PartyKind::IndirectProvider => "shape=hexagon",
            csp_explorer::model::PartyKind::DirectBill => "rhombus",
            csp_explorer::model::PartyKind::IndirectReseller => "ellipse",
            csp_explorer::model::PartyKind::Customer => "arcSize=50",
        };
        assert!(
            st.contains(shape) && st.contains("fillColor=#"),
            "{}: {st}",
            p.id
        );
        let c = centre(p.id.as_str());
        let (dx, dy) = (
            positions[p.id.as_str()].x - positions["microsoft"].x,
            positions[p.id.as_str()].y - positions["microsoft"].y,
        );
        assert!((c.0 - origin.0 - dx).abs() < 0.2 && (c.1 - origin.1 - dy).abs() < 0.2);
        assert!(
            cell(&format!("party-{}", p.id))
                .attribute("value")
                .unwrap()
                .starts_with(&p.name)
        );
    }
    // Links: from party to party, coloured and dashed by finding, labelled.
    for l in s.links() {
        let c = cell(&format!("link-{}", l.id));
        assert_eq!(c.attribute("edge"), Some("1"));
        assert_eq!(
            c.attribute("source"),
            Some(format!("party-{}", l.from).as_str())
        );
        assert_eq!(
            c.attribute("target"),
            Some(format!("party-{}", l.to).as_str())
        );
        assert!(c.attribute("value").unwrap().starts_with(l.kind.label()));
        let st = style(&format!("link-{}", l.id));
        let broken = st.contains(&format!("strokeColor={VIOLATION_RED}"));
        assert_eq!(broken, st.contains("dashed=1"), "{}: {st}", l.id);
        assert!(st.contains("endArrow=block"));
    }
    // The legend: one group holding a sample of each party kind and link state.
    assert!(style("legend").starts_with("group"));
    let members = cells
        .iter()
        .filter(|c| c.attribute("parent") == Some("legend"))
        .count();
    assert!(members >= 2 * (5 + 4), "{members} legend cells");
}

/// Every node and edge statement of a parsed DOT graph, subgraphs included.
fn dot_statements(stmts: &[dot::Stmt], nodes: &mut Vec<dot::Node>, edges: &mut Vec<dot::Edge>) {
    for stmt in stmts {
        match stmt {
            dot::Stmt::Node(n) => nodes.push(n.clone()),
            dot::Stmt::Edge(e) => edges.push(e.clone()),
            dot::Stmt::Subgraph(g) => dot_statements(&g.stmts, nodes, edges),
            _ => {}
        }
    }
}

/// The text of a DOT id, with a quoted string's escapes undone.
fn dot_text(id: &dot::Id) -> String {
    let raw = match id {
        dot::Id::Escaped(s) => s.trim_matches('"').to_owned(),
        dot::Id::Html(s) | dot::Id::Plain(s) | dot::Id::Anonymous(s) => s.clone(),
    };
    let mut out = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn dot_attr(attributes: &[dot::Attribute], key: &str) -> Option<String> {
    attributes
        .iter()
        .find(|a| dot_text(&a.0) == key)
        .map(|a| dot_text(&a.1))
}

/// Parses a DOT export with a Rust DOT parser (no Graphviz needed), returning its graph attributes,
/// nodes and edges.
fn parse_dot(text: &str) -> (Vec<dot::Stmt>, Vec<dot::Node>, Vec<dot::Edge>) {
    let graph = graphviz_rust::parse(text).unwrap_or_else(|e| panic!("DOT parses: {e}\n{text}"));
    let dot::Graph::DiGraph { stmts, .. } = graph else {
        panic!("a digraph");
    };
    let (mut nodes, mut edges) = (Vec::new(), Vec::new());
    dot_statements(&stmts, &mut nodes, &mut edges);
    (stmts, nodes, edges)
}

#[test]
fn dot_parses_and_carries_the_canvas_positions() {
    let s = broken();
    let text = text(ExportFormat::Dot, &s);
    let (stmts, nodes, edges) = parse_dot(&text);
    let graph_attr = |key: &str| {
        stmts.iter().find_map(|st| match st {
            dot::Stmt::Attribute(a) if dot_text(&a.0) == key => Some(dot_text(&a.1)),
            _ => None,
        })
    };
    assert_eq!(graph_attr("overlap").as_deref(), Some("false"), "for sfdp");
    assert_eq!(
        graph_attr("inputscale").as_deref(),
        Some("72"),
        "plain neato reads the positions in points, as neato -n does"
    );
    assert_eq!(nodes.len(), s.party_count());
    assert_eq!(edges.len(), s.link_count());
    let positions = csp_explorer::layout::effective_positions(&s);
    let pos = |id: &str| {
        let node = nodes
            .iter()
            .find(|n| dot_text(&n.id.0) == id)
            .unwrap_or_else(|| panic!("node {id}"));
        let pos = dot_attr(&node.attributes, "pos").expect("every node has a pos");
        let (xy, pinned) = pos.split_at(pos.len() - 1);
        assert_eq!(pinned, "!", "positions are pinned");
        let (x, y) = xy.split_once(',').expect("x,y");
        (x.parse::<f32>().unwrap(), y.parse::<f32>().unwrap())
    };
    // The drawing is the canvas's, scaled alike in x and y, and flipped for Graphviz's upward y axis.
    let (mx, my) = pos("microsoft");
    let (fx, fy) = pos("fabrikam");
    let (cm, cf) = (positions["microsoft"], positions["fabrikam"]);
    let (sx, sy) = ((fx - mx) / (cf.x - cm.x), -(fy - my) / (cf.y - cm.y));
    assert!(sx > 0.5 && (sx - sy).abs() < 0.01, "scale {sx} and {sy}");
    let microsoft = nodes
        .iter()
        .find(|n| dot_text(&n.id.0) == "microsoft")
        .unwrap();
    assert_eq!(
        dot_attr(&microsoft.attributes, "label").as_deref(),
        Some("Microsoft"),
        "no doubled label"
    );
    let violation_edges = edges
        .iter()
        .filter(|e| dot_attr(&e.attributes, "color").as_deref() == Some(VIOLATION_RED))
        .filter(|e| dot_attr(&e.attributes, "style").as_deref() == Some("dashed"))
        .count();
    assert_eq!(
        violation_edges, 3,
        "the three broken links are red and dashed"
    );
}

#[test]
fn mermaid_csv_markdown_and_json_read_back() {
    let s = broken();
    let mermaid = text(ExportFormat::Mermaid, &s);
    assert!(mermaid.starts_with("flowchart TD\n"));
    for p in s.parties() {
        assert!(mermaid.contains(&p.name), "{}", p.name);
    }
    assert!(mermaid.contains("linkStyle") && mermaid.contains(VIOLATION_RED));

    let csv = export(&s, ExportFormat::Csv, &ExportOptions::default()).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let findings = csp_explorer::rules::check(&s);
    assert_eq!(rows.len(), findings.len());
    assert!(
        rows.iter()
            .all(|r| &r[1] == "mpa_missing" && &r[0] == "violation")
    );

    let json: serde_json::Value = serde_json::from_str(&text(ExportFormat::Json, &s)).unwrap();
    assert_eq!(json["counts"]["violation"], findings.len());
    assert_eq!(
        json["findings"][0]["fix"],
        "Mark the MPA signed, with a date on or before the link's."
    );

    let md = text(ExportFormat::Markdown, &s);
    assert!(md.starts_with("# Sample scenario 1"));
    assert!(md.contains("## Violations") && md.contains("**Why:**") && md.contains("**Fix:**"));
}

#[test]
fn every_builtin_scenario_exports_in_every_format() {
    for b in BUILTIN {
        let s = b.load().unwrap();
        for format in ExportFormat::ALL {
            let bytes = export(&s, format, &ExportOptions::default())
                .unwrap_or_else(|e| panic!("{} as {}: {e}", b.slug, format.key()));
            assert!(!bytes.is_empty(), "{} as {}", b.slug, format.key());
        }
        let svg = text(ExportFormat::Svg, &s);
        roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{}: {e}", b.slug));
    }
}

#[test]
fn an_unwritable_path_fails_cleanly_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing-folder").join("out.svg");
    let err = export_to_file(
        &broken(),
        ExportFormat::Svg,
        &ExportOptions::default(),
        &path,
    )
    .unwrap_err();
    assert!(err.to_string().contains("out.svg"), "{err}");
    assert!(!path.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// A name holding every awkward character: each C0 control, DEL and C1 controls, XML's two
/// noncharacters, markup and quote characters, a formula start, an emoji with a joiner and
/// right-to-left text with a bidi override.
fn awkward_name() -> String {
    let mut name = String::from("=HYPERLINK(\"x\") <b>&amp; \"D\" 'E' \\ |F| #G ");
    name.extend((0u32..0x20).filter_map(char::from_u32));
    name.extend(['\u{7F}', '\u{85}', '\u{9F}', '\u{FFFE}', '\u{FFFF}']);
    name.push_str(" 👩‍💻 שלום عربي \u{202E}x");
    name
}

/// The awkward name as a scenario may hold it: the model refuses control characters in names and
/// titles (see `model::limits`), so only the markup, quotes, noncharacters, emoji and bidi text
/// reach an export that way; the sanitiser's own tests cover the control characters.
fn storable_awkward_name() -> String {
    awkward_name().chars().filter(|c| !c.is_control()).collect()
}

/// Sample 1 (broken) with the awkward name on Fabrikam, in the title and in the description.
fn awkward() -> Scenario {
    let mut s = broken();
    let mut fabrikam = s.party("fabrikam").cloned().unwrap();
    fabrikam.name = awkward_name();
    assert!(
        s.replace_party(fabrikam.clone()).is_err(),
        "control characters never enter a scenario"
    );
    fabrikam.name = storable_awkward_name();
    s.replace_party(fabrikam).unwrap();
    s.meta.title = storable_awkward_name();
    s.meta.description = awkward_name();
    s
}

#[test]
fn a_name_with_every_awkward_character_survives_every_export() {
    use csp_explorer::export::sanitize::clean;
    let s = awkward();
    let expected = clean(&storable_awkward_name()).into_owned();
    assert!(expected.contains("👩‍💻 שלום عربي \u{202E}x") && !expected.contains('\u{FFFE}'));
    for format in ExportFormat::ALL {
        let bytes = export(&s, format, &ExportOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", format.key()));
        if format == ExportFormat::Png {
            tiny_skia::Pixmap::decode_png(&bytes).expect("the PNG renders and decodes");
            continue;
        }
        let text = String::from_utf8(bytes).expect("utf-8");
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')),
            "{}: a control character leaked",
            format.key()
        );
    }

    // XML formats: well-formed, and the name reads back exactly (as cleaned).
    let svg = text(ExportFormat::Svg, &s);
    usvg::Tree::from_str(&svg, &usvg::Options::default()).expect("usvg parses it");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert!(
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .any(|n| n.text() == Some(expected.as_str())),
        "the party label reads back"
    );

    let graphml = text(ExportFormat::Graphml, &s);
    let doc = roxmltree::Document::parse(&graphml).expect("well-formed GraphML");
    let name = doc
        .descendants()
        .find(|n| n.has_tag_name("node") && n.attribute("id") == Some("fabrikam"))
        .and_then(|n| {
            n.children()
                .find(|d| d.attribute("key") == Some("p_name"))
                .and_then(|d| d.text())
        });
    assert_eq!(name, Some(expected.as_str()));
    let graph_id = doc
        .descendants()
        .find(|n| n.has_tag_name("graph"))
        .and_then(|g| g.attribute("id"))
        .unwrap();
    assert!(
        graph_id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.')),
        "the graph id is an NMTOKEN: {graph_id}"
    );

    let gexf = text(ExportFormat::Gexf, &s);
    let doc = roxmltree::Document::parse(&gexf).expect("well-formed GEXF");
    let label = doc
        .descendants()
        .find(|n| n.has_tag_name("node") && n.attribute("id") == Some("fabrikam"))
        .and_then(|n| n.attribute("label"));
    assert_eq!(label, Some(expected.as_str()));

    let drawio = text(ExportFormat::Drawio, &s);
    let doc = roxmltree::Document::parse(&drawio).expect("well-formed draw.io");
    let value = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("party-fabrikam"))
        .and_then(|n| n.attribute("value"))
        .unwrap();
    assert!(value.starts_with(&expected), "draw.io label {value:?}");
    let title = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("title"))
        .and_then(|n| n.attribute("value"));
    assert_eq!(title, Some(expected.as_str()));

    // DOT: parses, and the label reads back (DOT writes a line break as \n, so \r\n becomes one).
    let (_, nodes, _) = parse_dot(&text(ExportFormat::Dot, &s));
    let label = nodes
        .iter()
        .find(|n| dot_text(&n.id.0) == "fabrikam")
        .and_then(|n| dot_attr(&n.attributes, "label"))
        .unwrap();
    assert!(
        label.starts_with(&expected.replace('\r', "\n")),
        "DOT label {label:?}"
    );

    // Mermaid: one statement a line, the name kept inside its quotes.
    let mermaid = text(ExportFormat::Mermaid, &s);
    for line in mermaid.lines().skip(1) {
        assert!(line.starts_with("    "), "a name broke a line: {line:?}");
    }
    assert!(mermaid.contains("👩‍💻 שלום عربي"));

    // CSV: parses; no cell can run as a formula; the names are there.
    let csv = export(&s, ExportFormat::Csv, &ExportOptions::default()).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert!(!rows.is_empty());
    for cell in rows.iter().flat_map(|r| r.iter()) {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "formula cell {cell:?}"
        );
    }
    assert!(rows.iter().any(|r| r[5].contains(expected.as_str())));

    // JSON and Markdown.
    let json: serde_json::Value = serde_json::from_str(&text(ExportFormat::Json, &s)).unwrap();
    assert_eq!(json["scenario"], expected.as_str());
    let md = text(ExportFormat::Markdown, &s);
    let heading = md.lines().next().unwrap();
    assert!(heading.starts_with("# =HYPERLINK") && heading.ends_with("\u{202E}x"));
}

#[test]
fn csv_for_excel_starts_with_a_byte_order_mark_and_neutralises_formulas() {
    let mut s = broken();
    let mut fabrikam = s.party("fabrikam").cloned().unwrap();
    fabrikam.name = "=HYPERLINK(\"http://x\",\"Fabrikam\")".to_owned();
    s.replace_party(fabrikam).unwrap();
    let plain = export(&s, ExportFormat::Csv, &ExportOptions::default()).unwrap();
    assert!(plain.starts_with(b"severity,"), "no BOM unless asked");
    let excel = ExportOptions {
        excel: true,
        ..ExportOptions::default()
    };
    let bytes = export(&s, ExportFormat::Csv, &excel).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFseverity,"));
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let messages: Vec<String> = reader.records().map(|r| r.unwrap()[6].to_owned()).collect();
    assert!(
        messages.iter().any(|m| m.starts_with("'=HYPERLINK")),
        "{messages:?}"
    );
}

/// A PNG wider or taller than 16,384 pixels is refused before anything is drawn, with the ways out;
/// a smaller scale or only the visible part gets through.
#[test]
fn a_huge_png_is_refused_up_front_with_the_ways_out() {
    use csp_explorer::model::{Party, PartyKind, Position};
    let mut s = Scenario::new("Two far-apart parties");
    s.add_party(Party::new("left", PartyKind::Customer).at(0.0, 0.0))
        .unwrap();
    s.add_party(Party::new("right", PartyKind::Customer).at(20_000.0, 0.0))
        .unwrap();
    let err = export(&s, ExportFormat::Png, &ExportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("a PNG of 20") && err.contains("is too large (at most 16384 on a side)"),
        "{err}"
    );
    for way_out in ["smaller --scale", "export SVG", "Export visible area"] {
        assert!(err.contains(way_out), "{err}");
    }
    let left_only = ExportOptions {
        area: Some(csp_explorer::export::Area {
            min: Position {
                x: -500.0,
                y: -500.0,
            },
            max: Position { x: 500.0, y: 500.0 },
        }),
        ..ExportOptions::default()
    };
    let png = export(&s, ExportFormat::Png, &left_only).expect("the visible part fits");
    let pixmap = tiny_skia::Pixmap::decode_png(&png).unwrap();
    assert!(pixmap.width() < 2_000, "{}", pixmap.width());
    let svg = String::from_utf8(export(&s, ExportFormat::Svg, &left_only).unwrap()).unwrap();
    assert!(svg.contains("party-left") && !svg.contains("party-right"));
}
