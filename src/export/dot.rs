//! Owns the Graphviz DOT text: attributes, ranks and positions Graphviz reads; must not lay out
//! anything the app does not already lay out (positions come from `layout`).
//!
//! Graphviz DOT: parties ranked by tier, links coloured and styled by their worst finding.
//!
//! Every party carries its canvas position as `pos="x,y!"` (in points, y up, as Graphviz wants), so
//! `neato -n` draws the channel as the app does; `dot` ignores positions and ranks by tier instead.
//! `inputscale=72` makes plain `neato` and `fdp` read the positions in points too (they default to
//! inches, which blew the drawing up 72 times), so they pin the same picture. `overlap=false` keeps
//! `sfdp`, which lays out afresh, from stacking parties; `overlap_scaling=0` and
//! `overlap_shrink=false` stop that overlap removal from rescaling the pinned drawing when nothing
//! overlaps (Graphviz otherwise stretches a `neato -n` layout).
//!
//! What Graphviz can draw depends on the size (measured on this project's 2-core machine, see the
//! README): placing edge labels is what made `neato -n2` grow ×43–59 per 10× parties (19 s at
//! 10,000 parties, 1.2 s without them), so above [`EDGE_LABELS_UP_TO`] links a link's kind and
//! rules go in its tooltip instead of a label. `dot` spends its time ordering the wide tiers
//! (mincross) and placing them (network simplex): above [`DOT_UP_TO`] parties the file limits both
//! (`mclimit`, `nslimit`, `remincross`), and names in its `comment` the command that draws it, which
//! the CLI prints as a warning: `neato -n2`, the app's own layout. (Wrapping a tier onto several
//! ranks, chained by invisible edges, made `dot` slower still: over 300 s at 1,000 parties.)

use super::{LinkState, Sheet, party_color};
use crate::model::PartyKind;
use std::fmt::Write as _;

/// A DOT string literal (see [`super::sanitize::dot_string`]).
fn quoted(s: &str) -> String {
    super::sanitize::dot_string(s)
}

/// Points per canvas unit in `pos` (see `render`).
const POSITION_SCALE: f32 = 1.3;

/// Up to this many links each carries its kind (and broken rules) as a label; above, as a tooltip.
pub const EDGE_LABELS_UP_TO: usize = 2_000;

/// Above this many parties Graphviz `dot` is impractical (seconds at 1,000 parties, not finished
/// in 15 minutes at 10,000): the file says so and names `neato -n2`.
pub const DOT_UP_TO: usize = 1_000;

/// Why `dot` is impractical for a channel of `parties` (above [`DOT_UP_TO`]), with the command
/// that draws `file` instead: what the DOT's `comment` and the command line's warning say.
pub fn too_large_for_dot(parties: usize, file: &str) -> String {
    let how_long = if parties <= 10 * DOT_UP_TO {
        "seconds to minutes"
    } else {
        "it did not finish in 15 minutes at 10,000"
    };
    format!(
        "{parties} parties are too many for Graphviz `dot` ({how_long}); draw the app's layout \
         with `{}` (about a second at 10,000 parties)",
        recommended_command(file)
    )
}

/// The command that draws a DOT export of a channel too large for `dot`.
pub fn recommended_command(file: &str) -> String {
    format!("neato -n2 -Tsvg {file} -o {file}.svg")
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
    let positions = crate::layout::effective_positions(s);
    // Graphviz's y axis points up and its unit is the point: flip the canvas and keep it positive.
    // Graphviz writes the labels inside the shapes, which makes them larger than the canvas's, so the
    // drawing is spread by POSITION_SCALE (uniformly: the picture keeps its proportions).
    let top = positions.values().map(|p| p.y).fold(f32::MIN, f32::max);
    let left = positions.values().map(|p| p.x).fold(f32::MAX, f32::min);
    let _ = writeln!(
        out,
        "  label={};\n  labelloc=t;\n  fontname=\"Helvetica\";\n  rankdir=TB;\n  inputscale=72;\n  overlap=false;\n  overlap_scaling=0;\n  overlap_shrink=false;\n  splines=true;",
        quoted(&label)
    );
    let parties = s.party_count();
    if parties > DOT_UP_TO {
        let _ = writeln!(
            out,
            "  comment={};\n  mclimit=0.1;\n  nslimit=1;\n  nslimit1=1;\n  remincross=false;",
            quoted(&too_large_for_dot(parties, "FILE.dot"))
        );
    }
    let labelled = s.link_count() <= EDGE_LABELS_UP_TO;
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
        let _ = writeln!(out, "  subgraph tier{tier} {{\n    rank=same;");
        for p in members {
            let rounded = if p.kind == PartyKind::Customer {
                ", style=\"rounded,filled\""
            } else {
                ""
            };
            let pos = positions
                .get(&p.id)
                .map(|at| {
                    format!(
                        ", pos=\"{:.1},{:.1}!\"",
                        (at.x - left) * POSITION_SCALE,
                        (top - at.y) * POSITION_SCALE
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    {} [label={}, shape={}, fillcolor={}{rounded}{pos}, tooltip={}];",
                quoted(p.id.as_str()),
                quoted(&super::party_label(p)),
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
        let label = super::link_label(sheet, link);
        // Placing a label per link is what Graphviz cannot do at scale: a tooltip costs nothing.
        let text = if labelled { "label" } else { "tooltip" };
        let _ = writeln!(
            out,
            "  {} -> {} [id={}, {text}={}, color={}, fontcolor={}, style={style}, penwidth={}];",
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
