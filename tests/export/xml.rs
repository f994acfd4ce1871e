//! GraphML (yEd, Gephi), GEXF and draw.io, parsed with roxmltree.

use super::{VIOLATION_RED, broken, text};
use csp_explorer::export::ExportFormat;

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

/// networkx's `read_graphml` as it reads a node's or edge's `<data>`: a plain value under its key's
/// `attr.name`; a yEd block into `x`, `y` (the geometry's corner), `shape_type` and `label` (the
/// node or edge label); the value read last wins. Mirrored here so the test needs no Python.
fn networkx_data(
    element: roxmltree::Node,
    names: &std::collections::HashMap<&str, &str>,
) -> std::collections::HashMap<String, String> {
    let mut data = std::collections::HashMap::new();
    for d in element.children().filter(|n| n.has_tag_name("data")) {
        let key = d.attribute("key").unwrap();
        if d.children().any(|c| c.is_element()) {
            for n in d.descendants() {
                if n.has_tag_name((YED, "Geometry")) {
                    data.insert("x".to_owned(), n.attribute("x").unwrap().to_owned());
                    data.insert("y".to_owned(), n.attribute("y").unwrap().to_owned());
                }
                if n.has_tag_name((YED, "NodeLabel")) || n.has_tag_name((YED, "EdgeLabel")) {
                    data.insert("label".to_owned(), n.text().unwrap_or("").to_owned());
                }
            }
        } else {
            data.insert(names[key].to_owned(), d.text().unwrap_or("").to_owned());
        }
    }
    data
}

#[test]
fn graphml_typed_keys_survive_networkx_reading_the_yed_graphics() {
    let s = broken();
    let xml = text(ExportFormat::Graphml, &s);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed GraphML");
    let names: std::collections::HashMap<&str, &str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("key"))
        .filter_map(|k| Some((k.attribute("id")?, k.attribute("attr.name")?)))
        .collect();
    let positions = csp_explorer::layout::effective_positions(&s);
    for node in doc.descendants().filter(|n| n.has_tag_name("node")) {
        let id = node.attribute("id").unwrap();
        let data = networkx_data(node, &names);
        let at = positions[id];
        let x: f32 = data["x"].parse().unwrap();
        let y: f32 = data["y"].parse().unwrap();
        assert!(
            (x - at.x).abs() < 0.01 && (y - at.y).abs() < 0.01,
            "{id}: typed centre kept, got {x},{y}"
        );
        assert_eq!(
            data["label"],
            s.party(id).unwrap().name,
            "{id}: one-line name kept"
        );
    }
    for edge in doc.descendants().filter(|n| n.has_tag_name("edge")) {
        let data = networkx_data(edge, &names);
        let id = edge.attribute("id").unwrap();
        assert!(!data["label"].is_empty(), "{id}");
        assert_eq!(data["kind"], s.link(id).unwrap().kind.key());
    }
}

#[test]
fn gexf_colours_are_opaque_with_a_hex_that_matches() {
    let s = broken();
    let xml = text(ExportFormat::Gexf, &s);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed GEXF");
    let colours: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name((VIZ, "color")))
        .collect();
    assert_eq!(colours.len(), s.party_count() + s.link_count());
    for c in colours {
        assert_eq!(
            c.attribute("a"),
            None,
            "no alpha: Gephi Lite drew such colours grey"
        );
        let channel = |name: &str| c.attribute(name).unwrap().parse::<u8>().unwrap();
        let hex = format!(
            "#{:02x}{:02x}{:02x}",
            channel("r"),
            channel("g"),
            channel("b")
        );
        assert_eq!(c.attribute("hex"), Some(hex.as_str()));
    }
}
