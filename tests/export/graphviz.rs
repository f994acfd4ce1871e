//! DOT, parsed with a Rust DOT parser (Graphviz renders it in `.ci/run`).

use super::{VIOLATION_RED, broken, text};
use csp_explorer::export::ExportFormat;
use graphviz_rust::dot_structures as dot;

/// Every node and edge statement of a parsed DOT graph, subgraphs included.
pub(crate) fn dot_statements(
    stmts: &[dot::Stmt],
    nodes: &mut Vec<dot::Node>,
    edges: &mut Vec<dot::Edge>,
) {
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
pub(crate) fn dot_text(id: &dot::Id) -> String {
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

pub(crate) fn dot_attr(attributes: &[dot::Attribute], key: &str) -> Option<String> {
    attributes
        .iter()
        .find(|a| dot_text(&a.0) == key)
        .map(|a| dot_text(&a.1))
}

/// Parses a DOT export with a Rust DOT parser (no Graphviz needed), returning its graph attributes,
/// nodes and edges.
pub(crate) fn parse_dot(text: &str) -> (Vec<dot::Stmt>, Vec<dot::Node>, Vec<dot::Edge>) {
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

/// Above 1,000 parties the DOT says what draws it (`neato -n2`) and limits `dot`'s ordering work;
/// above 2,000 links a link's kind and rules are its tooltip, not a label Graphviz must place (what
/// made `neato -n2` grow ×43–59 per 10× parties). A small channel keeps its labels and no comment.
#[test]
fn a_large_dot_names_the_command_that_draws_it_and_drops_edge_labels() {
    use csp_explorer::generate::{GenerateOptions, generate};
    let s = generate(&GenerateOptions {
        providers: 2,
        resellers: 120,
        direct_bill: 5,
        customers: 1_000,
        ..GenerateOptions::default()
    })
    .expect("valid options");
    assert!(s.party_count() > csp_explorer::export::DOT_UP_TO);
    assert!(s.link_count() > csp_explorer::export::EDGE_LABELS_UP_TO);
    let (stmts, _, edges) = parse_dot(&text(ExportFormat::Dot, &s));
    let graph_attr = |stmts: &[dot::Stmt], key: &str| {
        stmts.iter().find_map(|st| match st {
            dot::Stmt::Attribute(a) if dot_text(&a.0) == key => Some(dot_text(&a.1)),
            _ => None,
        })
    };
    let comment = graph_attr(&stmts, "comment").expect("a comment");
    assert!(comment.contains("neato -n2 -Tsvg"), "{comment}");
    assert_eq!(graph_attr(&stmts, "remincross").as_deref(), Some("false"));
    assert!(
        edges
            .iter()
            .all(|e| dot_attr(&e.attributes, "label").is_none())
    );
    assert!(
        edges
            .iter()
            .all(|e| dot_attr(&e.attributes, "tooltip").is_some())
    );

    let small = broken();
    let (stmts, _, edges) = parse_dot(&text(ExportFormat::Dot, &small));
    assert!(graph_attr(&stmts, "comment").is_none());
    assert!(
        edges
            .iter()
            .all(|e| dot_attr(&e.attributes, "label").is_some())
    );
}
