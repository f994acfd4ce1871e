//! Owns: the channel as a Mermaid flowchart for Markdown documentation. Must not: write a diagram
//! that Mermaid refuses to draw (past its default limits the export is refused with the reason).
//!
//! Mermaid draws at most [`MAX_EDGES`] links and [`MAX_TEXT`] characters. Both limits are "secure"
//! settings: only the page that renders a diagram may raise them (`mermaid.initialize`), never the
//! diagram itself (an `%%{init}%%` directive or front matter asking for more is ignored), so a
//! larger diagram would show only Mermaid's error.

use super::{LinkState, Sheet};
use crate::model::PartyKind;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Labels are quoted, so brackets are safe inside (see [`super::sanitize::mermaid`]).
fn label(text: &str) -> String {
    super::sanitize::mermaid(text)
}

/// Mermaid's default `maxEdges`.
pub const MAX_EDGES: usize = 500;
/// Mermaid's default `maxTextSize`, in characters.
pub const MAX_TEXT: usize = 50_000;

pub(crate) fn render(sheet: &Sheet) -> Result<String, super::ExportError> {
    let links = sheet.scenario.link_count();
    let text = diagram(sheet);
    let chars = text.chars().count();
    if links > MAX_EDGES || chars > MAX_TEXT {
        return Err(super::ExportError::MermaidTooLarge { links, chars });
    }
    Ok(text)
}

fn diagram(sheet: &Sheet) -> String {
    let s = sheet.scenario;
    let mut out = String::from("flowchart TD\n");
    // Node ids are generated (n0, n1, …): party ids may hold characters Mermaid reserves.
    let mut ids: HashMap<&str, String> = HashMap::new();
    for (i, p) in s.parties().enumerate() {
        let id = format!("n{i}");
        let text = format!("{}<br/>{}", label(&p.name), p.kind.label());
        let node = match p.kind {
            PartyKind::Microsoft => format!("{id}[\"{text}\"]"),
            PartyKind::IndirectProvider => format!("{id}{{{{\"{text}\"}}}}"),
            PartyKind::DirectBill => format!("{id}{{\"{text}\"}}"),
            PartyKind::IndirectReseller => format!("{id}((\"{text}\"))"),
            PartyKind::Customer => format!("{id}(\"{text}\")"),
        };
        let _ = writeln!(out, "    {node}:::{}", p.kind.key());
        ids.insert(p.id.as_str(), id);
    }
    let mut styles: Vec<(usize, LinkState)> = Vec::new();
    for (i, link) in s.links().enumerate() {
        let (Some(a), Some(b)) = (ids.get(link.from.as_str()), ids.get(link.to.as_str())) else {
            continue;
        };
        let state = sheet.link_state(link);
        let arrow = match state {
            LinkState::Violation | LinkState::Future => "-.->",
            _ => "-->",
        };
        let mut text = link.kind.label().to_owned();
        if state == LinkState::Violation || state == LinkState::Warning {
            let rules = sheet.link_rules(link);
            text = format!(
                "{} {}: {}",
                if state == LinkState::Violation {
                    "✖"
                } else {
                    "⚠"
                },
                text,
                rules.join(", ")
            );
        }
        let _ = writeln!(out, "    {a} {arrow}|\"{}\"| {b}", label(&text));
        styles.push((i, state));
    }
    for (kind, fill) in PartyKind::ALL.map(|k| (k, super::party_color(k))) {
        let _ = writeln!(
            out,
            "    classDef {} fill:{fill},stroke:#1f2933,color:#1f2933",
            kind.key()
        );
    }
    for (i, state) in styles {
        if state != LinkState::Valid {
            let _ = writeln!(
                out,
                "    linkStyle {i} stroke:{},stroke-width:2px",
                state.color()
            );
        }
    }
    out
}
