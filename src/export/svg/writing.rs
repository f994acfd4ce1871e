//! Owns the SVG markup and styling of a laid-out page; must not decide where anything goes (the
//! placement and the layout did).
//!
//! The header first, then the links under the parties, the parties with their names, the callouts and
//! kind labels above them, and the findings list.

use super::layout::{Numbering, Page, Swatch, TITLE, callout_text};
use super::placement::{Label, Placed, Spot};
use super::{CALLOUT_R, LIST_BOLD, MARGIN, RADIUS};
use crate::export::sanitize::xml as escape;
use crate::export::{LinkState, Sheet, party_color};
use crate::fonts::{Fonts, SVG_BOLD, SVG_REGULAR, TextStyle};
use crate::layout::Route;
use crate::model::{LinkKind, PartyId, PartyKind, Position};
use std::collections::BTreeMap;
use std::fmt::Write as _;

fn shape(kind: PartyKind, x: f32, y: f32, r: f32, fill: &str) -> String {
    let stroke = r##"stroke="#1f2933" stroke-width="2""##;
    match kind {
        PartyKind::Microsoft => {
            // The four-square logo, as on the canvas.
            let q = r * 0.35;
            let mut logo = String::new();
            for (dx, dy, colour) in [
                (-1.0, -1.0, "#f25022"),
                (1.0, -1.0, "#7fba00"),
                (-1.0, 1.0, "#00a4ef"),
                (1.0, 1.0, "#ffb900"),
            ] {
                let side = q * 0.95;
                let _ = write!(
                    logo,
                    r#"<rect x="{:.1}" y="{:.1}" width="{side:.1}" height="{side:.1}" fill="{colour}"/>"#,
                    x + dx * q * 0.55 - side / 2.0,
                    y + dy * q * 0.55 - side / 2.0,
                );
            }
            format!(
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="{:.1}" fill="{fill}" {stroke}/>{logo}"#,
                x - r,
                y - r,
                2.0 * r,
                2.0 * r,
                r * 0.2
            )
        }
        PartyKind::IndirectProvider => {
            let points: Vec<String> = (0..6)
                .map(|i| {
                    let a = std::f32::consts::TAU * i as f32 / 6.0;
                    format!("{:.1},{:.1}", x + r * a.cos(), y + r * a.sin())
                })
                .collect();
            format!(
                r#"<polygon points="{}" fill="{fill}" {stroke}/>"#,
                points.join(" ")
            )
        }
        PartyKind::DirectBill => format!(
            r#"<polygon points="{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}" fill="{fill}" {stroke}/>"#,
            x,
            y - r,
            x + r,
            y,
            x,
            y + r,
            x - r,
            y
        ),
        PartyKind::IndirectReseller => format!(
            r#"<circle cx="{x:.1}" cy="{y:.1}" r="{:.1}" fill="{fill}" {stroke}/>"#,
            r * 0.9
        ),
        PartyKind::Customer => format!(
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="{:.1}" fill="{fill}" {stroke}/>"#,
            x - r,
            y - r * 0.7,
            2.0 * r,
            1.4 * r,
            r * 0.5
        ),
    }
}

fn toward(from: Position, to: Position, distance: f32) -> Position {
    let (dx, dy) = (to.x - from.x, to.y - from.y);
    let len = (dx * dx + dy * dy).sqrt().max(1e-3);
    Position {
        x: from.x + dx / len * distance,
        y: from.y + dy / len * distance,
    }
}

fn family(style: TextStyle) -> String {
    if style.bold {
        format!(r#"font-family="{SVG_BOLD}" font-weight="bold""#)
    } else {
        String::new()
    }
}

/// Writes a label on a white plate: the plate keeps links from running through its words.
fn write_label(out: &mut String, label: &Label, spot: Spot, dx: f32, dy: f32, fill: &str) {
    let b = label.at(spot.cx, spot.top).shifted(dx, dy);
    let _ = write!(
        out,
        r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="3" fill="#ffffff" fill-opacity="0.9"/>"##,
        b.x0,
        b.y0,
        b.x1 - b.x0,
        b.y1 - b.y0
    );
    let mut top = spot.top + dy;
    for (i, (text, style)) in label.lines.iter().enumerate() {
        // Name lines in the label's ink, the detail line (a smaller, regular style) muted.
        let colour = if style.bold || label.lines.len() == 1 {
            fill
        } else {
            "#52606d"
        };
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-size="{}" {} fill="{colour}" text-anchor="middle">{}</text>"#,
            spot.cx + dx,
            top + label.ascents[i],
            style.size,
            family(*style),
            escape(text)
        );
        top += label.heights[i];
    }
}

/// Writes the page as a standalone SVG document, on a white page unless `transparent`.
pub(super) fn write(
    sheet: &Sheet,
    positions: &BTreeMap<PartyId, Position>,
    all_routes: &[Route],
    numbering: &Numbering,
    placed: &Placed,
    page: &Page,
    transparent: bool,
) -> String {
    let fonts = Fonts::shared();
    let s = sheet.scenario;
    let (width, height, dx, dy) = (page.width, page.height, page.dx, page.dy);
    let at = |p: Position| Position {
        x: p.x + dx,
        y: p.y + dy,
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="{SVG_REGULAR}">"#
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&s.meta.title));
    out.push_str("<defs>\n");
    for state in [
        LinkState::Valid,
        LinkState::Warning,
        LinkState::Violation,
        LinkState::Future,
    ] {
        let _ = writeln!(
            out,
            r#"<marker id="arrow-{}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{}"/></marker>"#,
            state.key(),
            state.color()
        );
    }
    out.push_str("</defs>\n");
    if !transparent {
        let _ = writeln!(
            out,
            r##"<rect width="100%" height="100%" fill="#ffffff"/>"##
        );
    }
    write_header(&mut out, page);

    // Links (under everything else).
    out.push_str("<g id=\"links\" fill=\"none\">\n");
    for route in all_routes {
        let Some(link) = s.link(route.link.as_str()) else {
            continue;
        };
        let state = sheet.link_state(link);
        let (a, c, b) = (at(route.from), at(route.control), at(route.to));
        let start = toward(a, c, RADIUS);
        let end = toward(b, c, RADIUS + 3.0);
        let dash = match (state, link.kind) {
            (LinkState::Violation, _) => r#" stroke-dasharray="10 6""#,
            (LinkState::Future, _) => r#" stroke-dasharray="2 6""#,
            (_, LinkKind::Admin) => r#" stroke-dasharray="3 4""#,
            _ => "",
        };
        let stroke_width = if matches!(link.kind, LinkKind::Supply | LinkKind::Purchase) {
            3.0
        } else {
            2.0
        };
        let _ = writeln!(
            out,
            r#"<g id="link-{}" class="link {} {}"><title>{} {} → {} ({})</title><path d="M{:.1},{:.1} Q{:.1},{:.1} {:.1},{:.1}" stroke="{}" stroke-width="{stroke_width}"{dash} marker-end="url(#arrow-{})"/></g>"#,
            escape(link.id.as_str()),
            link.kind.key(),
            state.key(),
            link.kind.label(),
            escape(sheet.name(&link.from).as_str()),
            escape(sheet.name(&link.to).as_str()),
            link.date,
            start.x,
            start.y,
            c.x,
            c.y,
            end.x,
            end.y,
            state.color(),
            state.key()
        );
    }
    out.push_str("</g>\n");

    // Parties: shape, then the name on its plate.
    out.push_str("<g id=\"parties\">\n");
    for party in s.parties() {
        let Some(p) = positions.get(&party.id) else {
            continue;
        };
        let c = at(*p);
        let _ = write!(
            out,
            r#"<g id="party-{}" class="party {}"><title>{} ({})</title><g id="shape-{}">{}</g>"#,
            escape(party.id.as_str()),
            party.kind.key(),
            escape(party.name.as_str()),
            party.kind.label(),
            escape(party.id.as_str()),
            shape(party.kind, c.x, c.y, RADIUS, party_color(party.kind)),
        );
        if let Some((label, spot)) = placed.party_labels.get(party.id.as_str()) {
            write_label(&mut out, label, *spot, dx, dy, "#1f2933");
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n");

    // Link labels and callouts, above the parties.
    out.push_str("<g id=\"link-labels\">\n");
    for route in all_routes {
        let Some(link) = s.link(route.link.as_str()) else {
            continue;
        };
        let state = sheet.link_state(link);
        if let (Some(n), Some((centre, anchor))) = (
            numbering.numbers.get(link.id.as_str()),
            placed.callouts.get(link.id.as_str()),
        ) {
            let (c, a) = (at(*centre), at(*anchor));
            let leader = if (c.x - a.x).hypot(c.y - a.y) > CALLOUT_R + 4.0 {
                format!(
                    r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{}" stroke-width="1.5"/>"#,
                    a.x,
                    a.y,
                    c.x,
                    c.y,
                    state.color()
                )
            } else {
                String::new()
            };
            let number = callout_text(*n);
            let m = fonts.measure(&number, TextStyle::bold(12.0));
            let half = super::layout::callout_half(*n);
            let shape = if half > CALLOUT_R {
                format!(
                    r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{}" rx="{CALLOUT_R}" fill="{}"/>"#,
                    c.x - half,
                    c.y - CALLOUT_R,
                    2.0 * half,
                    2.0 * CALLOUT_R,
                    state.color()
                )
            } else {
                format!(
                    r#"<circle cx="{:.1}" cy="{:.1}" r="{CALLOUT_R}" fill="{}"/>"#,
                    c.x,
                    c.y,
                    state.color()
                )
            };
            let _ = writeln!(
                out,
                r##"{leader}<g id="callout-{}"><title>{} {} → {}</title>{shape}<text x="{:.1}" y="{:.1}" font-size="12" {} fill="#ffffff" text-anchor="middle">{number}</text></g>"##,
                n.0,
                link.kind.label(),
                escape(sheet.name(&link.from).as_str()),
                escape(sheet.name(&link.to).as_str()),
                c.x,
                c.y - m.height() / 2.0 + m.ascent,
                family(TextStyle::bold(12.0)),
            );
        } else if let Some((kind, spot)) = placed.kind_labels.get(link.id.as_str()) {
            write_label(&mut out, &placed.kind_label[kind], *spot, dx, dy, "#52606d");
            out.push('\n');
        }
    }
    out.push_str("</g>\n");

    write_list(&mut out, page);
    out.push_str("</svg>\n");
    out
}

/// The title, the counts and the legend.
fn write_header(out: &mut String, page: &Page) {
    let _ = writeln!(
        out,
        r##"<text x="{MARGIN}" y="{:.1}" font-size="26" {} fill="#1f2933">{}</text>"##,
        page.title_base,
        family(TITLE),
        escape(&page.title)
    );
    let _ = writeln!(
        out,
        r##"<text x="{MARGIN}" y="{:.1}" font-size="15" fill="#3e4c59">{}</text>"##,
        page.sub_base,
        escape(&page.subtitle)
    );
    let _ = writeln!(out, r##"<g id="legend" font-size="12" fill="#1f2933">"##);
    for entry in &page.legend {
        let (x, mid) = (entry.x, entry.mid);
        match entry.item.swatch {
            Swatch::Party(kind) => {
                let _ = writeln!(
                    out,
                    r#"<g id="swatch-{}">{}</g>"#,
                    kind.key(),
                    shape(kind, x + 8.0, mid, 7.5, party_color(kind))
                );
            }
            Swatch::Link(state) => {
                let dash = match state {
                    LinkState::Violation => r#" stroke-dasharray="8 5""#,
                    LinkState::Future => r#" stroke-dasharray="2 6""#,
                    _ => "",
                };
                let _ = writeln!(
                    out,
                    r#"<g id="swatch-{}"><line x1="{x:.1}" y1="{mid:.1}" x2="{:.1}" y2="{mid:.1}" stroke="{}" stroke-width="3"{dash}/></g>"#,
                    state.key(),
                    x + entry.swatch_w,
                    state.color(),
                );
            }
        }
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}">{}</text>"#,
            x + entry.swatch_w + 6.0,
            mid - page.legend_height / 2.0 + page.legend_ascent,
            escape(&entry.item.text)
        );
    }
    out.push_str("</g>\n");
}

/// The findings list below the drawing.
fn write_list(out: &mut String, page: &Page) {
    if page.list.is_empty() {
        return;
    }
    let list_top = page.list_top;
    let _ = writeln!(
        out,
        r##"<g id="findings" font-size="13"><line x1="{MARGIN}" y1="{:.0}" x2="{:.0}" y2="{:.0}" stroke="#cbd2d9"/><text x="{MARGIN}" y="{:.0}" font-size="17" {} fill="#1f2933">{}</text>"##,
        list_top - 8.0,
        page.width - MARGIN,
        list_top - 8.0,
        list_top + 16.0,
        family(TextStyle::bold(17.0)),
        escape(&page.list_heading),
    );
    for (i, line) in page.list.iter().enumerate() {
        let weight = if line.bold {
            family(LIST_BOLD)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" fill="{}" {weight}>{}</text>"#,
            MARGIN + line.indent,
            list_top + 40.0 + page.line_h * i as f32,
            line.color,
            escape(line.text.as_str())
        );
    }
    out.push_str("</g>\n");
}
