//! Graphviz DOT: parties ranked by tier, links coloured and styled by their worst finding.

use super::{LinkState, Sheet, party_color};
use crate::model::PartyKind;
use std::fmt::Write as _;

/// A DOT string literal, with quotes and backslashes escaped and newlines as `\n`.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn dot_shape(kind: PartyKind) -> &'static str {
    match kind {
        PartyKind::Microsoft => "box",
        PartyKind::IndirectProvider => "hexagon",
        PartyKind::DirectBill => "diamond",
        PartyKind::IndirectReseller => "ellipse",
        PartyKind::Customer => "box",
    }
}

pub(crate) fn render(sheet: &Sheet) -> String {
    let s = sheet.scenario;
    let mut out = String::new();
    let _ = writeln!(out, "digraph csp {{");
    let label = format!("{}\nChecked as of {}", s.meta.title, sheet.as_of);
    let _ = writeln!(
        out,
        "  label={};\n  labelloc=t;\n  fontname=\"Helvetica\";\n  rankdir=TB;",
        quoted(&label)
    );
    let _ = writeln!(
        out,
        "  node [fontname=\"Helvetica\", style=filled, penwidth=1.5];"
    );
    let _ = writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=10];");
    for tier in 0..4u8 {
        let members: Vec<_> = s.parties().filter(|p| p.kind.tier() == tier).collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(out, "  {{ rank=same;");
        for p in members {
            let rounded = if p.kind == PartyKind::Customer {
                ", style=\"rounded,filled\""
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "    {} [label={}, shape={}, fillcolor={}{rounded}, tooltip={}];",
                quoted(p.id.as_str()),
                quoted(&format!(
                    "{}\n{}{}",
                    p.name,
                    p.kind.label(),
                    p.country
                        .as_deref()
                        .map(|c| format!(" · {c}"))
                        .unwrap_or_default()
                )),
                dot_shape(p.kind),
                quoted(party_color(p.kind)),
                quoted(&format!("{} ({})", p.name, p.id))
            );
        }
        let _ = writeln!(out, "  }}");
    }
    for link in s.links() {
        let state = sheet.link_state(link);
        let style = match state {
            LinkState::Violation => "dashed",
            LinkState::Future => "dotted",
            _ if link.kind == crate::model::LinkKind::Admin => "dotted",
            _ => "solid",
        };
        let rules: Vec<&str> = sheet
            .checker
            .for_link(link.id.as_str())
            .iter()
            .map(|f| f.rule.key())
            .collect();
        let mut label = link.kind.label().to_owned();
        if !rules.is_empty() && state != LinkState::Future {
            label.push_str(&format!("\n{}", rules.join(", ")));
        }
        let _ = writeln!(
            out,
            "  {} -> {} [id={}, label={}, color={}, fontcolor={}, style={style}, penwidth={}];",
            quoted(link.from.as_str()),
            quoted(link.to.as_str()),
            quoted(link.id.as_str()),
            quoted(&label),
            quoted(state.color()),
            quoted(state.color()),
            if state == LinkState::Violation {
                2.5
            } else {
                1.5
            }
        );
    }
    out.push_str("}\n");
    out
}
