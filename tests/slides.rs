//! Slides without collisions: the exported SVG is parsed and laid out by usvg with the fonts resvg
//! draws it with, every text, callout, party shape and legend swatch is boxed, and no two boxes may
//! overlap — on every built-in scenario, a 60-party channel and names in several scripts.

use csp_explorer::export::{ExportFormat, ExportOptions, export};
use csp_explorer::fonts::Fonts;
use csp_explorer::model::{Party, PartyKind, Scenario};
use csp_explorer::scenarios::{BUILTIN, builtin, synthetic};
use resvg::{tiny_skia, usvg};

/// A box with what it is, for the failure message.
struct Boxed {
    what: String,
    rect: tiny_skia::Rect,
}

fn collect(group: &usvg::Group, out: &mut Vec<Boxed>) {
    for node in group.children() {
        match node {
            usvg::Node::Group(g) => {
                let id = g.id();
                if ["shape-", "swatch-", "callout-"]
                    .iter()
                    .any(|p| id.starts_with(p))
                {
                    out.push(Boxed {
                        what: id.to_owned(),
                        rect: g.abs_bounding_box(),
                    });
                } else {
                    collect(g, out);
                }
            }
            usvg::Node::Text(t) => {
                let text: String = t.chunks().iter().map(|c| c.text()).collect();
                out.push(Boxed {
                    what: format!("text {text:?}"),
                    rect: t.abs_bounding_box(),
                });
            }
            _ => {}
        }
    }
}

/// Every pair of overlapping boxes (touching within half a pixel is allowed).
fn overlaps(svg: &str) -> Vec<String> {
    let tree = usvg::Tree::from_str(svg, &Fonts::shared().usvg_options()).expect("usvg parses");
    let mut boxes = Vec::new();
    collect(tree.root(), &mut boxes);
    assert!(boxes.len() > 10, "boxes found: {}", boxes.len());
    let mut out = Vec::new();
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let (ra, rb) = (a.rect, b.rect);
            let w = ra.right().min(rb.right()) - ra.left().max(rb.left());
            let h = ra.bottom().min(rb.bottom()) - ra.top().max(rb.top());
            if w > 0.5 && h > 0.5 {
                out.push(format!("{} {:?} × {} {:?}", a.what, ra, b.what, rb));
            }
        }
    }
    out
}

fn svg(s: &Scenario) -> String {
    String::from_utf8(export(s, ExportFormat::Svg, &ExportOptions::default()).expect("exports"))
        .expect("utf-8")
}

#[test]
fn no_label_marker_shape_or_legend_overlaps_on_any_builtin_scenario() {
    for b in BUILTIN {
        let s = b.load().expect("loads");
        let found = overlaps(&svg(&s));
        assert!(found.is_empty(), "{}: {:#?}", b.slug, found);
    }
}

#[test]
fn no_overlaps_on_a_sixty_party_channel() {
    let s = synthetic(60);
    assert!(s.party_count() >= 60);
    let found = overlaps(&svg(&s));
    assert!(found.is_empty(), "{found:#?}");
}

/// Sample 7 with Japanese, Arabic, German and over-long names.
fn international() -> Scenario {
    let mut s = builtin("sample-7-forbidden")
        .and_then(|b| b.load().ok())
        .expect("sample 7 loads");
    let names = [
        "東京ソフトウェア株式会社",
        "شركة القاهرة للحلول السحابية",
        "Müller & Söhne Cloud-Vertriebsgesellschaft mit beschränkter Haftung",
        "Αθήνα Cloud 🚀",
    ];
    let ids: Vec<String> = s
        .parties()
        .filter(|p| p.kind != PartyKind::Microsoft)
        .map(|p| p.id.to_string())
        .collect();
    for (id, name) in ids.iter().zip(names) {
        let mut p: Party = s.party(id).cloned().expect("party");
        p.name = name.to_owned();
        s.replace_party(p).expect("replace");
    }
    s
}

#[test]
fn long_and_foreign_names_are_wrapped_with_the_full_name_in_a_title_and_do_not_collide() {
    let s = international();
    let text = svg(&s);
    let found = overlaps(&text);
    assert!(found.is_empty(), "{found:#?}");
    let doc = roxmltree::Document::parse(&text).expect("well-formed");
    let long = "Müller & Söhne Cloud-Vertriebsgesellschaft mit beschränkter Haftung";
    let party = doc
        .descendants()
        .find(|n| {
            n.attribute("id").is_some_and(|id| id.starts_with("party-"))
                && n.children()
                    .any(|c| c.has_tag_name("title") && c.text().is_some_and(|t| t.contains(long)))
        })
        .expect("the full name is in the party's tooltip");
    let lines: Vec<&str> = party
        .children()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        !lines.iter().any(|l| l.contains(long)),
        "wrapped, not drawn whole: {lines:?}"
    );
    assert!(lines.iter().any(|l| l.ends_with('…')), "{lines:?}");
}

#[test]
fn the_png_draws_the_microsoft_logo_and_real_bold() {
    let s = builtin("sample-1")
        .and_then(|b| b.load().ok())
        .expect("sample 1");
    let png = export(&s, ExportFormat::Png, &ExportOptions::default()).expect("renders");
    let pixmap = tiny_skia::Pixmap::decode_png(&png).expect("decodes");
    let count = |r: u8, g: u8, b: u8| {
        pixmap
            .pixels()
            .iter()
            .filter(|p| {
                p.red().abs_diff(r) < 8 && p.green().abs_diff(g) < 8 && p.blue().abs_diff(b) < 8
            })
            .count()
    };
    // The logo's four colours (the legend's small Microsoft square has them too).
    for (r, g, b) in [(242, 80, 34), (127, 186, 0), (0, 164, 239), (255, 185, 0)] {
        assert!(
            count(r, g, b) > 30,
            "logo colour {r},{g},{b}: {}",
            count(r, g, b)
        );
    }
    // Bold is a bold face: the same word in bold is wider than in regular.
    let fonts = Fonts::shared();
    let word = "Microsoft";
    assert!(
        fonts.width(word, csp_explorer::fonts::TextStyle::bold(15.0))
            > 1.1 * fonts.width(word, csp_explorer::fonts::TextStyle::regular(15.0))
    );
    let svg = svg(&s);
    assert!(
        svg.contains(r#"font-family="DejaVu Sans"#),
        "bold text names the bold family"
    );
}

#[test]
fn measured_widths_are_what_resvg_draws() {
    use csp_explorer::fonts::{SVG_BOLD, SVG_REGULAR, TextStyle};
    let fonts = Fonts::shared();
    for text in [
        "Contoso Deutschland",
        "WWW iii",
        "Müller &amp; Söhne",
        "شركة القاهرة",
        "Αθήνα Москва",
        "Cloud 🚀 ☁",
        "東京ソフト Tokyo",
    ] {
        for style in [TextStyle::regular(15.0), TextStyle::bold(15.0)] {
            let (family, weight) = if style.bold {
                (SVG_BOLD, "bold")
            } else {
                (SVG_REGULAR, "normal")
            };
            let svg = format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="600" height="100"><text x="10" y="50" font-family="{family}" font-weight="{weight}" font-size="15">{text}</text></svg>"#
            );
            let tree = usvg::Tree::from_str(&svg, &fonts.usvg_options()).expect("parses");
            let mut boxes = Vec::new();
            collect(tree.root(), &mut boxes);
            assert_eq!(boxes.len(), 1, "{text}");
            let drawn = boxes[0].rect;
            let measured = fonts.measure(&text.replace("&amp;", "&"), style);
            // Within a pixel, or 2 % where a bold base falls back to a regular CJK face (the
            // layout keeps 3 px of room on each side of every label).
            assert!(
                (drawn.width() - measured.width).abs() < (0.02 * drawn.width()).max(1.0),
                "{text} {style:?}: drawn {} measured {}",
                drawn.width(),
                measured.width
            );
            assert!(
                (drawn.height() - measured.height()).abs() < 1.0,
                "{text} {style:?}: drawn {} measured {}",
                drawn.height(),
                measured.height()
            );
        }
    }
}

/// The numbers of a slide: those of the findings list (first lines, not indented) and the runs the
/// callouts on the links carry ("3" or "3–4").
fn numbering(svg: &str) -> (Vec<usize>, Vec<(usize, usize)>) {
    let doc = roxmltree::Document::parse(svg).expect("well-formed");
    let list: Vec<(f64, &str)> = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("findings"))
        .map(|g| {
            g.children()
                .filter(|n| n.has_tag_name("text"))
                .filter_map(|n| Some((n.attribute("x")?.parse().ok()?, n.text()?)))
                .collect()
        })
        .unwrap_or_default();
    let left = list.iter().map(|(x, _)| *x).fold(f64::INFINITY, f64::min);
    let listed = list
        .iter()
        .filter(|(x, _)| *x == left)
        .filter_map(|(_, line)| line.split_once(". ")?.0.parse().ok())
        .collect();
    let mut runs: Vec<(usize, usize)> = doc
        .descendants()
        .filter(|n| {
            n.attribute("id")
                .is_some_and(|id| id.starts_with("callout-"))
        })
        .map(|g| {
            let text = g
                .children()
                .find(|n| n.has_tag_name("text"))
                .and_then(|t| t.text())
                .expect("a callout has its number");
            let (a, b) = text.split_once('–').unwrap_or((text, text));
            (a.parse().expect("a number"), b.parse().expect("a number"))
        })
        .collect();
    runs.sort();
    (listed, runs)
}

#[test]
fn every_finding_on_a_slide_has_a_number_of_its_own_and_a_links_callout_names_its_run() {
    let (mut runs_seen, mut bullets_seen) = (0, 0);
    for b in BUILTIN {
        let s = b.load().expect("loads");
        let svg = svg(&s);
        // A finding without a number (a note about a party) is a bullet, not "•.".
        assert!(
            !svg.contains(">•."),
            "{}: a bullet with a full stop",
            b.slug
        );
        bullets_seen += svg.matches(">• ").count();
        let (listed, runs) = numbering(&svg);
        // The list counts 1, 2, 3…: no number twice (it read "1., 1., 2." before).
        let expected: Vec<usize> = (1..=listed.len()).collect();
        assert_eq!(listed, expected, "{}: the list's numbers", b.slug);
        // The callouts' runs cover exactly those numbers, each once, in order along the list.
        let mut next = 1;
        for (first, last) in &runs {
            assert_eq!(*first, next, "{}: callouts {runs:?}", b.slug);
            assert!(last >= first, "{}: callouts {runs:?}", b.slug);
            next = last + 1;
        }
        assert_eq!(next, listed.len() + 1, "{}: callouts {runs:?}", b.slug);
        runs_seen += runs.iter().filter(|(a, b)| b > a).count();
    }
    assert!(
        runs_seen > 0,
        "some built-in scenario has a link with several findings"
    );
    assert!(
        bullets_seen > 0,
        "some built-in scenario lists an unnumbered finding"
    );
}
