//! Owns the whole channel on one slide (`--slide`): the drawing fitted into the slide beside a
//! panel of what a room reads (the tiers, the link states, the findings by rule), every text at a
//! slide's size; must not place labels (`placement`) nor write the drawing's markup (`writing`).
//!
//! A whole channel of thousands of parties drawn at a slide's size is a texture: its names would
//! be a pixel high. What the audience reads is then the panel: how many partners of each kind,
//! how many links break a rule, and which rules, the worst and most frequent first, with a
//! pointer to the handout that lists every finding. The drawing keeps the names and kind labels
//! only when they are drawn at least [`READABLE_PX`] high on the slide (a small channel's).
//!
//! The slide is laid out in its own pixels: text sizes are those of a 1080-pixel-high slide,
//! scaled by the slide's height, so a 4K slide is the same slide, sharper.

use super::board::Box2;
use super::layout::{self, Numbering, severity_color};
use super::writing::{self, Ink, Laid, family, link_swatch, shape};
use super::{Detail, KIND, Look, NAME, RADIUS, placement, reach};
use crate::export::out::Out;
use crate::export::png::Hairlines;
use crate::export::sanitize::{clean, xml as escape};
use crate::export::{ExportError, LinkState, Sheet, Slide, party_color};
use crate::fonts::{Fonts, TextStyle};
use crate::layout::routes_by_edge;
use crate::model::PartyKind;
use crate::progress::Progress;
use std::fmt::Write as _;

/// The height the slide's text sizes are given for; a slide of another height scales them.
const DESIGN_HEIGHT: f32 = 1080.0;
/// Room around the slide and between its drawing and its panel, at [`DESIGN_HEIGHT`].
const MARGIN: f32 = 40.0;
const TITLE_SIZE: f32 = 40.0;
const SUBTITLE_SIZE: f32 = 22.0;
const HEADING_SIZE: f32 = 26.0;
const BODY_SIZE: f32 = 21.0;
const FOOT_SIZE: f32 = 19.0;
/// The least text height, in slide pixels at [`DESIGN_HEIGHT`], at which the drawing keeps a
/// label: names and kind labels smaller than this are not read from a room, and are left out.
const READABLE_PX: f32 = 10.0;
/// The least width, in slide pixels at [`DESIGN_HEIGHT`], of a link with a finding in the
/// drawing: drawn at its own width in a whole large channel's drawing, it was a hundredth of a
/// pixel, and the places of the findings the panel counts were nowhere to be seen.
const BROKEN_PX: f32 = 1.2;
/// The panel's share of the slide's width.
const PANEL_SHARE: f32 = 0.34;
/// The largest the drawing is drawn: a channel of a few parties is not blown up past twice its
/// size.
const MOST_ZOOM: f32 = 2.0;
/// The title wraps onto at most this many lines.
const TITLE_LINES: usize = 2;
/// A finding's rule wraps onto at most this many lines in the panel.
const RULE_LINES: usize = 2;
const INK: &str = "#1f2933";
const MUTED: &str = "#52606d";

/// One text of the slide: where its baseline starts, its style, ink and words, and what is drawn
/// before it (a party's shape, a link's sample).
pub(super) struct Text {
    pub(super) x: f32,
    pub(super) baseline: f32,
    pub(super) style: TextStyle,
    pub(super) color: &'static str,
    pub(super) text: String,
    pub(super) swatch: Option<layout::Swatch>,
}

/// The slide laid out: its size, its texts, and the box the drawing is fitted into.
pub(super) struct SlidePage {
    pub(super) width: f32,
    pub(super) height: f32,
    pub(super) texts: Vec<Text>,
    pub(super) drawing_box: Box2,
    /// Slide pixels per pixel of a 1080-pixel-high slide.
    pub(super) unit: f32,
}

/// How many drawn parties and links there are of each kind and state.
#[derive(Default)]
pub(super) struct Counts {
    pub(super) parties: [usize; PartyKind::ALL.len()],
    /// Valid, warning, violation, future.
    pub(super) links: [usize; 4],
}

const STATES: [(LinkState, &str); 4] = [
    (LinkState::Valid, "valid links"),
    (LinkState::Warning, "links with a warning"),
    (LinkState::Violation, "links breaking a rule (dashed)"),
    (LinkState::Future, "links dated after the as-of date"),
];

/// `n` and its noun, its thousands separated as every other count on the slide ("61,715
/// warnings", "1 note"): the subtitle said "61715 warnings" above a panel of "61,902 in all".
fn counted(n: usize, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        crate::text::thousands(n),
        if n == 1 { one } else { many }
    )
}

/// A kind's label for a count of them ("1,000 indirect resellers", "1 Microsoft").
fn kind_count(kind: PartyKind, n: usize) -> String {
    let label = kind.label();
    if n == 1 || kind == PartyKind::Microsoft {
        format!("{} {label}", crate::text::thousands(n))
    } else {
        format!("{} {label}s", crate::text::thousands(n))
    }
}

/// Lays the slide out: the title and subtitle across the top, the panel on the right (the
/// channel's tiers and link states, then the findings by rule as many as fit, the others
/// counted, and where the full list is), and the box left for the drawing.
pub(super) fn lay_out(
    sheet: &Sheet,
    slide: Slide,
    counts: &Counts,
    numbering: &Numbering,
) -> SlidePage {
    let fonts = Fonts::shared();
    let (width, height) = (slide.width as f32, slide.height as f32);
    let unit = height / DESIGN_HEIGHT;
    let margin = MARGIN * unit;
    let style = |size: f32, bold: bool| TextStyle {
        size: size * unit,
        bold,
    };
    let mut texts = Vec::new();
    let line = |style: TextStyle| {
        let m = fonts.measure("Xg", style);
        (m.ascent, m.height() * 1.25)
    };

    // The header, across the slide.
    let title_style = style(TITLE_SIZE, true);
    let title = match sheet.area {
        Some(_) => format!("{} (part)", clean(&sheet.scenario.meta.title)),
        None => clean(&sheet.scenario.meta.title).into_owned(),
    };
    let (ascent, pitch) = line(title_style);
    let mut y = margin * 0.75;
    // A long title (a generated channel's says what it holds) wraps rather than losing its end.
    for text in fonts.wrap(&title, title_style, width - 2.0 * margin, TITLE_LINES) {
        texts.push(Text {
            x: margin,
            baseline: y + ascent,
            style: title_style,
            color: INK,
            text,
            swatch: None,
        });
        y += pitch;
    }
    let counts_found = sheet.checker.counts();
    let sub_style = style(SUBTITLE_SIZE, false);
    let (ascent, pitch) = line(sub_style);
    texts.push(Text {
        x: margin,
        baseline: y + ascent,
        style: sub_style,
        color: "#3e4c59",
        text: fonts.ellipsize(
            &format!(
                "Checked as of {} · {} · csp-explorer",
                sheet.as_of,
                [
                    counted(counts_found.violation, "violation", "violations"),
                    counted(counts_found.warning, "warning", "warnings"),
                    counted(counts_found.note, "note", "notes"),
                ]
                .join(", ")
            ),
            sub_style,
            width - 2.0 * margin,
        ),
        swatch: None,
    });
    y += pitch + margin / 2.0;
    let top = y;

    // The panel, on the right.
    let panel_w = (width * PANEL_SHARE).max(360.0 * unit);
    let panel_x = width - margin - panel_w;
    let swatch_w = 34.0 * unit;
    let (heading, body, foot) = (
        style(HEADING_SIZE, true),
        style(BODY_SIZE, false),
        style(FOOT_SIZE, false),
    );
    let (heading_ascent, heading_pitch) = line(heading);
    let (body_ascent, body_pitch) = line(body);
    let (foot_ascent, foot_pitch) = line(foot);
    let push_heading = |texts: &mut Vec<Text>, y: &mut f32, text: String| {
        texts.push(Text {
            x: panel_x,
            baseline: *y + heading_ascent,
            style: heading,
            color: INK,
            text: fonts.ellipsize(&text, heading, panel_w),
            swatch: None,
        });
        *y += heading_pitch;
    };
    push_heading(&mut texts, &mut y, "The channel".to_owned());
    for (i, kind) in PartyKind::ALL.into_iter().enumerate() {
        let n = counts.parties[i];
        if n == 0 {
            continue;
        }
        texts.push(Text {
            x: panel_x + swatch_w,
            baseline: y + body_ascent,
            style: body,
            color: INK,
            text: fonts.ellipsize(&kind_count(kind, n), body, panel_w - swatch_w),
            swatch: Some(layout::Swatch::Party(kind)),
        });
        y += body_pitch;
    }
    for (i, (state, what)) in STATES.into_iter().enumerate() {
        let n = counts.links[i];
        if n == 0 {
            continue;
        }
        let what = if n == 1 {
            what.replacen("links", "link", 1)
        } else {
            what.to_owned()
        };
        texts.push(Text {
            x: panel_x + swatch_w,
            baseline: y + body_ascent,
            style: body,
            color: INK,
            text: fonts.ellipsize(
                &format!("{} {what}", crate::text::thousands(n)),
                body,
                panel_w - swatch_w,
            ),
            swatch: Some(layout::Swatch::Link(state)),
        });
        y += body_pitch;
    }
    y += margin / 2.0;

    // The findings by rule, as many as fit above the pointer to the full list.
    let all = &numbering.findings;
    let foot_lines = if all.is_empty() {
        Vec::new()
    } else {
        fonts.wrap(
            // A slide draws no callouts, and it may be a PNG: the numbers are those of the full
            // diagram's callouts, which "as in the SVG" left the audience to guess.
            "Every finding with its fix: export the findings as a handout (md), csv or json, \
             numbered as the callouts of the full diagram (exported without --slide).",
            foot,
            panel_w,
            3,
        )
    };
    let bottom = height - margin - foot_pitch * foot_lines.len() as f32;
    if all.is_empty() {
        push_heading(&mut texts, &mut y, "No findings".to_owned());
    } else {
        push_heading(
            &mut texts,
            &mut y,
            format!(
                "Findings by rule ({} in all)",
                crate::text::thousands(all.len())
            ),
        );
        let rules = layout::by_rule(all);
        let count_w = |n: usize| fonts.width(&crate::text::thousands(n), style(BODY_SIZE, true));
        let count_col = rules.iter().map(|of| count_w(of.len())).fold(0.0, f32::max) + 10.0 * unit;
        for (shown, of) in rules.iter().enumerate() {
            let first = &all[of[0]].1;
            let lines = fonts.wrap(
                &format!("{} ({})", first.info().title, first.severity),
                body,
                panel_w - count_col,
                RULE_LINES,
            );
            let left = rules.len() - shown - 1;
            // Room for this rule, and for the line counting the others after it.
            let after = if left > 0 { body_pitch } else { 0.0 };
            if y + body_pitch * lines.len() as f32 + after > bottom {
                let findings: usize = rules[shown..].iter().map(Vec::len).sum();
                texts.push(Text {
                    x: panel_x,
                    baseline: y + body_ascent,
                    style: body,
                    color: MUTED,
                    text: fonts.ellipsize(
                        &format!(
                            "… and {} more {}, with {}",
                            crate::text::thousands(rules.len() - shown),
                            if rules.len() - shown == 1 {
                                "rule"
                            } else {
                                "rules"
                            },
                            counted(findings, "finding", "findings")
                        ),
                        body,
                        panel_w,
                    ),
                    swatch: None,
                });
                break;
            }
            let color = severity_color(first.severity);
            texts.push(Text {
                x: panel_x,
                baseline: y + body_ascent,
                style: style(BODY_SIZE, true),
                color,
                text: crate::text::thousands(of.len()),
                swatch: None,
            });
            for text in lines {
                texts.push(Text {
                    x: panel_x + count_col,
                    baseline: y + body_ascent,
                    style: body,
                    color,
                    text,
                    swatch: None,
                });
                y += body_pitch;
            }
        }
        let mut y = bottom;
        for text in foot_lines {
            texts.push(Text {
                x: panel_x,
                baseline: y + foot_ascent,
                style: foot,
                color: MUTED,
                text,
                swatch: None,
            });
            y += foot_pitch;
        }
    }
    SlidePage {
        width,
        height,
        texts,
        drawing_box: Box2 {
            x0: margin,
            y0: top,
            x1: panel_x - margin,
            y1: height - margin,
        },
        unit,
    }
}

/// The labels a slide's drawing keeps at `zoom` slide pixels per unit (at a 1080-pixel-high
/// slide): those drawn at least [`READABLE_PX`] high.
fn readable_on_slide(zoom: f32) -> Detail {
    if KIND.size * zoom >= READABLE_PX {
        Detail::Full
    } else if NAME.size * zoom >= READABLE_PX {
        Detail::Names
    } else {
        Detail::Shapes
    }
}

/// The zoom that fits `extent` into `into`, at most [`MOST_ZOOM`] times `unit`.
fn fitting(extent: Box2, into: Box2, unit: f32) -> f32 {
    let w = (extent.x1 - extent.x0).max(1.0);
    let h = (extent.y1 - extent.y0).max(1.0);
    ((into.x1 - into.x0) / w)
        .min((into.y1 - into.y0) / h)
        .min(MOST_ZOOM * unit)
}

/// Writes the sheet as one slide of `slide`'s size in `look` (its `detail`: [`Detail::Auto`]
/// keeps what the slide draws readably, see [`readable_on_slide`]); with `hairlines` (a PNG's),
/// the links under a pixel wide go there instead of into the SVG, and the SVG has no background.
pub(super) fn write(
    sheet: &Sheet,
    look: &Look,
    slide: Slide,
    progress: &Progress,
    hairlines: Option<&mut Hairlines>,
    out: &mut Out,
) -> Result<(), ExportError> {
    let s = sheet.scenario;
    let g = s.graph();
    let positions = sheet.positions();
    let numbering = Numbering::of(sheet, &positions);
    let (edges, all_routes): (Vec<_>, Vec<_>) =
        routes_by_edge(s, &positions, RADIUS).into_iter().unzip();
    let mut counts = Counts::default();
    // What the drawing holds before any label: the parties' shapes and the links' curves.
    let mut least: Option<Box2> = None;
    let mut grow = |b: Box2| least = Some(least.map_or(b, |e: Box2| e.union(&b)));
    for (id, p) in &positions {
        if let Some(party) = s.party(id.as_str()) {
            grow(placement::shape_box(party.kind, *p));
            if let Some(i) = PartyKind::ALL.iter().position(|k| *k == party.kind) {
                counts.parties[i] += 1;
            }
        }
    }
    for (route, e) in all_routes.iter().zip(&edges) {
        for p in [route.from, route.control, route.to] {
            grow(Box2::around(p.x, p.y, 0.0, 0.0));
        }
        let state = sheet.link_state(&g[*e]);
        if let Some(i) = STATES.iter().position(|(st, _)| *st == state) {
            counts.links[i] += 1;
        }
    }
    let least = least.unwrap_or(Box2 {
        x0: 0.0,
        y0: 0.0,
        x1: 1.0,
        y1: 1.0,
    });
    let page = lay_out(sheet, slide, &counts, &numbering);
    let detail = match look.detail {
        Detail::Auto => {
            // Judged with the room the names would take; kept only if still readable then.
            let with_names = fitting(
                least.grown(reach(Detail::Names)),
                page.drawing_box,
                page.unit,
            );
            readable_on_slide(with_names / page.unit).min(super::detail_by_size(positions.len()))
        }
        chosen => chosen,
    };
    let placed = super::Drawing {
        positions: &positions,
        routes: &all_routes,
        edges: &edges,
        numbering: &numbering,
    }
    .place(sheet, detail, None, progress)?;
    let extent = placed.extent(&all_routes).union(&least);
    let zoom = fitting(extent, page.drawing_box, page.unit);
    let into = page.drawing_box;
    let tx =
        into.x0 + ((into.x1 - into.x0) - zoom * (extent.x1 - extent.x0)) / 2.0 - zoom * extent.x0;
    let ty =
        into.y0 + ((into.y1 - into.y0) - zoom * (extent.y1 - extent.y0)) / 2.0 - zoom * extent.y0;
    let fine = writing::fine(extent.x1 - extent.x0, extent.y1 - extent.y0);
    let ink = Ink {
        fine,
        // A broken link at least [`BROKEN_PX`] wide on the slide: the findings' places in sight.
        broken_wider: (BROKEN_PX * page.unit / (3.0 * zoom)).max(1.0),
        // An arrow (7 widths long) under a pixel is not seen, and costs the rasteriser a shape
        // per link.
        arrows: 7.0 * 2.0 * zoom >= page.unit,
    };
    // The offset as written in the SVG, so the links drawn beside it meet their parties.
    let (tx, ty) = ((tx * 10.0).round() / 10.0, (ty * 10.0).round() / 10.0);
    // A PNG's links under a pixel wide are drawn into its pixels beside the SVG (see
    // `png::Hairlines`), under its parties and broken links as the SVG would draw them: on the
    // background, which the pixels then already have.
    let hairlines = hairlines.filter(|_| !ink.arrows).map(|h| {
        *h = Hairlines::new(zoom, (tx, ty));
        h
    });
    let bare = Look {
        transparent: look.transparent || hairlines.is_some(),
        ..*look
    };
    writing::open_document(sheet, (page.width, page.height), fine, true, &bare, out);
    write_texts(out, &page);
    let _ = writeln!(
        out,
        r#"<g id="drawing" transform="matrix({zoom} 0 0 {zoom} {tx:.1} {ty:.1})">"#
    );
    let laid = Laid {
        positions: &positions,
        routes: &all_routes,
        edges: &edges,
        numbering: &numbering,
        placed: &placed,
    };
    if writing::write_drawing(sheet, &laid, look, (0.0, 0.0), ink, hairlines, out) {
        out.push_str("</g>\n</svg>\n");
    }
    progress.set(1.0);
    Ok(())
}

/// The slide's texts (the header and the panel) with their swatches.
fn write_texts(out: &mut Out, page: &SlidePage) {
    let unit = page.unit;
    let _ = writeln!(out, r#"<g id="slide-text" fill="{INK}">"#);
    for t in &page.texts {
        let mid = t.baseline - 0.35 * t.style.size;
        match &t.swatch {
            Some(layout::Swatch::Party(kind)) => {
                let _ = writeln!(
                    out,
                    r#"<g id="swatch-{}">{}</g>"#,
                    kind.key(),
                    shape(
                        *kind,
                        t.x - 22.0 * unit,
                        mid,
                        10.0 * unit,
                        party_color(*kind),
                        true,
                        ""
                    )
                );
            }
            Some(layout::Swatch::Link(state)) => {
                link_swatch(out, *state, t.x - 32.0 * unit, t.x - 8.0 * unit, mid);
            }
            None => {}
        }
        let weight = if t.style.bold {
            format!(" {}", family(t.style))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" font-size="{:.1}"{weight} fill="{}">{}</text>"#,
            t.x,
            t.baseline,
            t.style.size,
            t.color,
            escape(&t.text)
        );
    }
    out.push_str("</g>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use resvg::usvg;

    /// Every text of a slide's header and panel: its words, box and font size in pixels.
    fn panel_texts(tree: &usvg::Tree) -> Vec<(String, usvg::Rect, f32)> {
        fn walk(group: &usvg::Group, inside: bool, out: &mut Vec<(String, usvg::Rect, f32)>) {
            for node in group.children() {
                match node {
                    usvg::Node::Group(g) => walk(g, inside || g.id() == "slide-text", out),
                    usvg::Node::Text(t) if inside => {
                        let spans = t.chunks().iter().flat_map(|c| c.spans());
                        let size = spans.map(|s| s.font_size().get()).fold(f32::MAX, f32::min);
                        let text = t.chunks().iter().map(|c| c.text()).collect();
                        out.push((text, t.abs_bounding_box(), size));
                    }
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(tree.root(), false, &mut out);
        out
    }

    /// The drawing's group on the slide.
    fn drawing(tree: &usvg::Tree) -> usvg::Rect {
        match tree.node_by_id("drawing") {
            Some(usvg::Node::Group(g)) => g.abs_bounding_box(),
            _ => panic!("a drawing"),
        }
    }

    /// A slide is the size asked, whatever the channel: every text inside it, none over
    /// another nor over the drawing, none smaller than the slide's smallest size; the drawing
    /// inside its box on the left. On every built-in scenario and a generated channel, at
    /// 1920×1080 and at a small 854×480 (where the findings no longer all fit).
    #[test]
    fn a_slide_is_its_size_with_every_text_readable_and_apart() {
        let mut scenarios: Vec<crate::model::Scenario> = crate::scenarios::BUILTIN
            .iter()
            .map(|b| b.load().unwrap())
            .collect();
        scenarios.push(
            crate::generate::generate(&crate::generate::GenerateOptions {
                providers: 3,
                resellers: 100,
                direct_bill: 5,
                customers: 1_000,
                seed: 4,
                break_rate: 0.3,
            })
            .unwrap(),
        );
        for s in &scenarios {
            let sheet = Sheet::new(s, None);
            for size in [
                Slide::default(),
                Slide {
                    width: 854,
                    height: 480,
                },
            ] {
                let mut out = Out::memory();
                let look = Look::png(&crate::export::ExportOptions::default());
                write(&sheet, &look, size, &Progress::none(), None, &mut out).unwrap();
                let svg = out.finish().unwrap();
                let tree =
                    usvg::Tree::from_str(&svg, &crate::fonts::Fonts::shared().usvg_options())
                        .unwrap();
                let (w, h) = (size.width as f32, size.height as f32);
                assert_eq!((tree.size().width(), tree.size().height()), (w, h));
                let unit = h / DESIGN_HEIGHT;
                let texts = panel_texts(&tree);
                assert!(texts.len() >= 5, "{}: {} texts", s.meta.title, texts.len());
                let d = drawing(&tree);
                for (i, (text, b, size)) in texts.iter().enumerate() {
                    let at = format!("{text:?} of {} at {w}×{h}", s.meta.title);
                    assert!(*size >= FOOT_SIZE * unit - 0.05, "{at}: {size} px");
                    assert!(b.left() >= 0.0 && b.right() <= w, "{at}: {b:?}");
                    assert!(b.top() >= 0.0 && b.bottom() <= h, "{at}: {b:?}");
                    let apart = |o: &usvg::Rect| {
                        b.right() <= o.left()
                            || o.right() <= b.left()
                            || b.bottom() <= o.top()
                            || o.bottom() <= b.top()
                    };
                    assert!(apart(&d), "{at} over the drawing {d:?}");
                    for (other, o, _) in &texts[i + 1..] {
                        assert!(apart(o), "{at} over {other:?}");
                    }
                }
                assert!(d.left() >= MARGIN * unit - 1.0 && d.bottom() <= h - MARGIN * unit + 1.0);
            }
        }
    }

    /// Findings under more rules than the panel has room for: the first ones listed, the others
    /// counted on one line, the pointer to the full list last, all inside the slide.
    #[test]
    fn findings_beyond_the_panel_are_counted_on_one_line() {
        let s = crate::scenarios::synthetic(40);
        let sheet = Sheet::unchecked(&s, None);
        let groups = 2 * crate::rules::RuleId::ALL.len();
        let page = lay_out(
            &sheet,
            Slide::default(),
            &Counts::default(),
            &Numbering::under_every_rule(&s, 1),
        );
        let texts: Vec<&str> = page.texts.iter().map(|t| t.text.as_str()).collect();
        let counted = texts
            .iter()
            .position(|t| t.starts_with("… and "))
            .unwrap_or_else(|| panic!("the others counted in {texts:#?}"));
        let listed = page.texts[..counted]
            .iter()
            .filter(|t| t.style.bold && t.text.chars().all(|c| c.is_ascii_digit()))
            .count();
        assert!(listed >= 5, "{listed} rules listed");
        assert!(
            texts[counted].contains(&format!("{} more", groups - listed)),
            "{}",
            texts[counted]
        );
        assert!(
            texts
                .last()
                .unwrap()
                .ends_with("(exported without --slide).")
        );
        for t in &page.texts {
            assert!(
                t.baseline <= page.height - MARGIN * page.unit,
                "{:?}",
                t.text
            );
        }
    }

    /// Counts of thousands read as the panel's heading writes them: "… and 18 more rules, with
    /// 18,000 findings", not "18000".
    #[test]
    fn counts_on_a_slide_separate_their_thousands() {
        let s = crate::scenarios::synthetic(40);
        let sheet = Sheet::unchecked(&s, None);
        let numbering = Numbering::under_every_rule(&s, 1_000);
        let page = lay_out(&sheet, Slide::default(), &Counts::default(), &numbering);
        let more = page
            .texts
            .iter()
            .find(|t| t.text.starts_with("… and "))
            .map(|t| t.text.as_str())
            .expect("the others counted");
        let (_, findings) = more.split_once(", with ").expect(more);
        let n: usize = findings
            .trim_end_matches(" findings")
            .replace(',', "")
            .parse()
            .expect(more);
        assert!(n >= 1_000, "{more}");
        assert_eq!(findings, format!("{} findings", crate::text::thousands(n)));
        assert_eq!(counted(61_715, "warning", "warnings"), "61,715 warnings");
        assert_eq!(counted(1, "note", "notes"), "1 note");
    }

    /// A large channel's slide PNG, its thin links drawn as hairlines beside the SVG, is the
    /// picture resvg draws of the whole SVG: the same ink, in the same places.
    #[test]
    fn a_slide_png_with_hairlines_is_the_picture_resvg_draws() {
        use crate::export::png;
        let s = crate::generate::generate(&crate::generate::GenerateOptions {
            providers: 3,
            resellers: 400,
            direct_bill: 5,
            customers: 3_500,
            seed: 4,
            break_rate: 0.05,
        })
        .unwrap();
        let sheet = Sheet::new(&s, None);
        let options = crate::export::ExportOptions::default();
        let look = Look::png(&options);
        let picture = |hairlines: Option<&mut png::Hairlines>| {
            let mut out = Out::memory();
            let taken = hairlines.is_some();
            let mut own = png::Hairlines::default();
            let h = hairlines.unwrap_or(&mut own);
            write(
                &sheet,
                &look,
                Slide::default(),
                &Progress::none(),
                taken.then_some(&mut *h),
                &mut out,
            )
            .unwrap();
            let svg = out.finish().unwrap();
            let bytes = png::render_over(&svg, &options, taken.then_some(&*h)).unwrap();
            (svg, resvg::tiny_skia::Pixmap::decode_png(&bytes).unwrap())
        };
        let (whole, before) = picture(None);
        let mut hairlines = png::Hairlines::default();
        let (rest, after) = picture(Some(&mut hairlines));
        assert!(
            rest.matches("<path id=\"link-").count() * 4
                < whole.matches("<path id=\"link-").count(),
            "the thin links left the SVG"
        );
        let gray = |c: &resvg::tiny_skia::PremultipliedColorU8| {
            (u32::from(c.red()) + u32::from(c.green()) + u32::from(c.blue())) as f64 / 3.0
        };
        let (mut sum, mut apart) = (0.0, 0usize);
        for (a, b) in before.pixels().iter().zip(after.pixels()) {
            sum += gray(a) - gray(b);
            if (gray(a) - gray(b)).abs() > 16.0 {
                apart += 1;
            }
        }
        let n = before.pixels().len();
        assert!(
            (sum / n as f64).abs() < 0.05,
            "mean apart by {}",
            sum / n as f64
        );
        assert!(apart * 1000 < n, "{apart} of {n} pixels apart");
    }

    /// A whole large channel's slide draws shapes and its broken links wider; a small one's keeps
    /// its names and links as the SVG draws them.
    #[test]
    fn a_slide_keeps_names_only_where_they_are_read() {
        assert_eq!(readable_on_slide(1.0), Detail::Full);
        assert_eq!(readable_on_slide(0.7), Detail::Names);
        assert_eq!(readable_on_slide(0.1), Detail::Shapes);
        let slide_of = |s: &crate::model::Scenario| {
            let sheet = Sheet::new(s, None);
            let mut out = Out::memory();
            let look = Look::svg(&crate::export::ExportOptions::default());
            write(
                &sheet,
                &look,
                Slide::default(),
                &Progress::none(),
                None,
                &mut out,
            )
            .unwrap();
            out.finish().unwrap()
        };
        let sample = crate::scenarios::builtin("sample-7-forbidden").unwrap();
        let small = slide_of(&sample.load().unwrap());
        assert!(small.contains("Contoso Germany"), "names drawn");
        assert!(
            small.contains(r#"stroke-dasharray="10 6""#),
            "links as drawn"
        );
        let large = crate::generate::generate(&crate::generate::GenerateOptions {
            providers: 3,
            resellers: 150,
            direct_bill: 5,
            customers: 1_500,
            seed: 4,
            break_rate: 0.05,
        })
        .unwrap();
        let name = large
            .parties()
            .find(|p| p.kind == PartyKind::Customer)
            .unwrap()
            .name
            .clone();
        let large = slide_of(&large);
        assert!(
            !large.contains(&format!(">{name}</text>")),
            "no names drawn"
        );
        assert!(
            !large.contains(r#"stroke-dasharray="10 6""#),
            "broken links widened"
        );
        assert!(large.contains("Findings by rule"));
    }
}
