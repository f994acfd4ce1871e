//! The diagram as SVG: parties by kind, links by kind and finding, a legend, a title with the as-of
//! date, numbered callouts on broken links and the findings list below the drawing.

use super::sanitize::xml as escape;
use super::{LinkState, Sheet, party_color};
use crate::layout::{effective_positions, routes};
use crate::model::{LinkKind, PartyKind, Position};
use crate::rules::{Severity, Subject};
use std::collections::HashMap;
use std::fmt::Write as _;

const RADIUS: f32 = 30.0;
const MARGIN: f32 = 70.0;
const HEADER: f32 = 150.0;
const LINE: f32 = 18.0;

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + word.chars().count() + 1 > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn shape(kind: PartyKind, x: f32, y: f32, r: f32, fill: &str) -> String {
    let stroke = r##"stroke="#1f2933" stroke-width="2""##;
    match kind {
        PartyKind::Microsoft => format!(
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="6" fill="{fill}" {stroke}/>"#,
            x - r,
            y - r,
            2.0 * r,
            2.0 * r
        ),
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

/// Renders the sheet as a standalone SVG document, on a white page unless `transparent`.
pub(crate) fn render(sheet: &Sheet, transparent: bool) -> String {
    let s = sheet.scenario;
    let positions = effective_positions(s);
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
    for (i, p) in positions.values().enumerate() {
        if i == 0 {
            (min_x, min_y, max_x, max_y) = (p.x, p.y, p.x, p.y);
        }
        min_x = min_x.min(p.x);
        min_y = min_y.min(p.y);
        max_x = max_x.max(p.x);
        max_y = max_y.max(p.y);
    }
    // Wide enough for the drawing, the title (bold 26 px ≈ 15 px a character) and the legend.
    let title_width = 15.5 * s.meta.title.chars().count() as f32 + 2.0 * MARGIN;
    let width = (max_x - min_x + 2.0 * MARGIN + 4.0 * RADIUS)
        .max(960.0)
        .max(title_width);
    let shift_x = (width - (max_x - min_x)) / 2.0 - min_x;
    let at = |p: Position| Position {
        x: p.x + shift_x,
        y: p.y - min_y + HEADER + MARGIN,
    };
    let diagram_bottom = max_y - min_y + HEADER + MARGIN + RADIUS + 60.0;

    // Numbered callouts: links with a violation or warning, in the order of the findings list.
    let findings = sheet.findings();
    let mut numbers: HashMap<String, usize> = HashMap::new();
    for f in &findings {
        if let Subject::Link(id) = &f.subject
            && f.severity != Severity::Note
        {
            let next = numbers.len() + 1;
            numbers.entry(id.0.clone()).or_insert(next);
        }
    }
    let wrap_width = ((width - 2.0 * MARGIN) / 7.2) as usize;
    let mut list: Vec<(String, &'static str, bool)> = Vec::new();
    for f in &findings {
        let number = match &f.subject {
            Subject::Link(id) => numbers
                .get(id.as_str())
                .map_or("•".to_owned(), |n| n.to_string()),
            Subject::Party(_) => "•".to_owned(),
        };
        let color = match f.severity {
            Severity::Violation => "#d52027",
            Severity::Warning => "#b07800",
            Severity::Note => "#0072b2",
        };
        let head = format!("{number}. [{}] {} — {}", f.severity, f.rule, f.message);
        for (i, line) in wrap(&head, wrap_width).into_iter().enumerate() {
            list.push((
                if i == 0 { line } else { format!("    {line}") },
                color,
                i == 0,
            ));
        }
        if f.severity != Severity::Note {
            for line in wrap(
                &format!("Fix: {}", f.info().fix),
                wrap_width.saturating_sub(4),
            ) {
                list.push((format!("    {line}"), "#3e4c59", false));
            }
        }
    }
    let list_top = diagram_bottom + 30.0;
    let height = if list.is_empty() {
        diagram_bottom + 20.0
    } else {
        list_top + 30.0 + LINE * list.len() as f32 + 20.0
    };

    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="Ubuntu, DejaVu Sans, Arial, Helvetica, sans-serif">"#
    );
    let _ = writeln!(out, "<title>{}</title>", escape(s.meta.title.as_str()));
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

    // Title, as-of and counts.
    let counts = sheet.checker.counts();
    let _ = writeln!(
        out,
        r##"<text x="{MARGIN}" y="48" font-size="26" font-weight="bold" fill="#1f2933">{}</text>"##,
        escape(s.meta.title.as_str())
    );
    let _ = writeln!(
        out,
        r##"<text x="{MARGIN}" y="76" font-size="15" fill="#3e4c59">Checked as of {} · {} violation(s), {} warning(s), {} note(s) · csp-explorer</text>"##,
        sheet.as_of, counts.violation, counts.warning, counts.note
    );

    // Legend: party kinds, then link states, in two rows under the title.
    let _ = writeln!(out, r##"<g id="legend" font-size="12" fill="#1f2933">"##);
    let mut x = MARGIN;
    for kind in PartyKind::ALL {
        let _ = writeln!(
            out,
            "{}",
            shape(kind, x + 8.0, 104.0, 7.0, party_color(kind))
        );
        let _ = writeln!(
            out,
            r#"<text x="{:.0}" y="108">{}</text>"#,
            x + 20.0,
            kind.label()
        );
        x += 34.0 + 6.5 * kind.label().len() as f32;
    }
    let mut x = MARGIN;
    for (state, label) in [
        (LinkState::Valid, "valid link"),
        (LinkState::Warning, "warning (numbered)"),
        (LinkState::Violation, "violation (dashed, numbered)"),
        (LinkState::Future, "dated after the as-of date"),
    ] {
        let dash = match state {
            LinkState::Violation => r#" stroke-dasharray="8 5""#,
            LinkState::Future => r#" stroke-dasharray="2 6""#,
            _ => "",
        };
        let _ = writeln!(
            out,
            r#"<line x1="{x:.0}" y1="128" x2="{:.0}" y2="128" stroke="{}" stroke-width="3"{dash}/><text x="{:.0}" y="132">{label}</text>"#,
            x + 30.0,
            state.color(),
            x + 36.0
        );
        x += 50.0 + 6.5 * label.len() as f32;
    }
    out.push_str("</g>\n");

    // Links.
    out.push_str("<g id=\"links\" fill=\"none\">\n");
    // Labels of links converging on one party are spread along their curves so they do not stack.
    let mut arrivals: HashMap<&str, (usize, usize)> = HashMap::new();
    for link in s.links() {
        arrivals.entry(link.to.as_str()).or_insert((0, 0)).1 += 1;
    }
    for route in routes(s, &positions, RADIUS) {
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
        let width = if matches!(link.kind, LinkKind::Supply | LinkKind::Purchase) {
            3.0
        } else {
            2.0
        };
        let _ = writeln!(
            out,
            r#"<g id="link-{}" class="link {} {}"><title>{} {} → {} ({})</title><path d="M{:.1},{:.1} Q{:.1},{:.1} {:.1},{:.1}" stroke="{}" stroke-width="{width}"{dash} marker-end="url(#arrow-{})"/>"#,
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
        let t = match arrivals.get_mut(link.to.as_str()) {
            Some((seen, total)) if *total > 1 => {
                *seen += 1;
                0.25 + 0.5 * (*seen - 1) as f32 / (*total - 1) as f32
            }
            _ => 0.5,
        };
        let mid = at(route.at(t));
        if let Some(n) = numbers.get(link.id.as_str()) {
            let _ = writeln!(
                out,
                r##"<circle cx="{:.1}" cy="{:.1}" r="11" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="12" font-weight="bold" fill="#ffffff" text-anchor="middle">{n}</text>"##,
                mid.x,
                mid.y,
                state.color(),
                mid.x,
                mid.y + 4.0
            );
        } else {
            let _ = writeln!(
                out,
                r##"<text x="{:.1}" y="{:.1}" font-size="11" fill="#52606d" stroke="#ffffff" stroke-width="3" paint-order="stroke">{}</text>"##,
                mid.x + 7.0,
                mid.y + 4.0,
                link.kind.label()
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n");

    // Parties.
    out.push_str("<g id=\"parties\">\n");
    for party in s.parties() {
        let Some(p) = positions.get(&party.id) else {
            continue;
        };
        let p = at(*p);
        let detail = match &party.country {
            Some(c) => format!("{} · {c}", party.kind.label()),
            None => party.kind.label().to_owned(),
        };
        let _ = writeln!(
            out,
            r##"<g id="party-{}" class="party {}"><title>{} ({})</title>{}<text x="{:.1}" y="{:.1}" font-size="15" font-weight="bold" fill="#1f2933" text-anchor="middle" stroke="#ffffff" stroke-width="4" paint-order="stroke">{}</text><text x="{:.1}" y="{:.1}" font-size="12" fill="#52606d" text-anchor="middle" stroke="#ffffff" stroke-width="3" paint-order="stroke">{}</text></g>"##,
            escape(party.id.as_str()),
            party.kind.key(),
            escape(party.name.as_str()),
            party.kind.label(),
            shape(party.kind, p.x, p.y, RADIUS, party_color(party.kind)),
            p.x,
            p.y + RADIUS + 20.0,
            escape(party.name.as_str()),
            p.x,
            p.y + RADIUS + 36.0,
            escape(detail.as_str())
        );
    }
    out.push_str("</g>\n");

    // Findings list.
    if !list.is_empty() {
        let _ = writeln!(
            out,
            r##"<g id="findings" font-size="13"><line x1="{MARGIN}" y1="{:.0}" x2="{:.0}" y2="{:.0}" stroke="#cbd2d9"/><text x="{MARGIN}" y="{:.0}" font-size="17" font-weight="bold" fill="#1f2933">Findings</text>"##,
            list_top - 8.0,
            width - MARGIN,
            list_top - 8.0,
            list_top + 16.0
        );
        for (i, (line, color, bold)) in list.iter().enumerate() {
            let weight = if *bold { r#" font-weight="bold""# } else { "" };
            let _ = writeln!(
                out,
                r#"<text x="{MARGIN}" y="{:.0}" fill="{color}"{weight} xml:space="preserve">{}</text>"#,
                list_top + 40.0 + LINE * i as f32,
                escape(line.as_str())
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str("</svg>\n");
    out
}
