//! SVG and PNG: parsed with usvg, rendered with resvg, sized as asked, broken links marked.

use super::{VIOLATION_RED, broken, text};
use csp_explorer::export::{Background, ExportFormat, ExportOptions, export};
use csp_explorer::model::Scenario;
use resvg::{tiny_skia, usvg};

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
        let path = by_id(&format!("link-{}", l.id)).unwrap_or_else(|| panic!("link {}", l.id));
        // The stroke is said once, by the group of the links of its kind and state.
        let stroke = path
            .ancestors()
            .find_map(|n| n.attribute("stroke"))
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
        err.starts_with("a PNG of 20")
            && err.contains("is too large (at most 16384 on a side and 64 megapixels)"),
        "{err}"
    );
    for way_out in ["--scale 0.", "export SVG", "Export visible area"] {
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

/// A 10,000-party channel exported to PNG as a new user would, following only the messages: at the
/// default scale it is refused before anything is drawn, naming a scale; that scale then draws it
/// the first time, within the limits the message states.
#[test]
fn a_ten_thousand_party_png_follows_its_advice_once() {
    use csp_explorer::generate::{GenerateOptions, generate};
    let s = generate(&GenerateOptions {
        providers: 5,
        resellers: 1_000,
        direct_bill: 10,
        customers: 8_500,
        ..GenerateOptions::default()
    })
    .expect("valid options");
    assert!(s.party_count() > 9_000, "{}", s.party_count());
    let err = export(&s, ExportFormat::Png, &ExportOptions::default())
        .unwrap_err()
        .to_string();
    let advised: f32 = err
        .split_once("--scale ")
        .and_then(|(_, rest)| rest.split(' ').next())
        .and_then(|scale| scale.parse().ok())
        .unwrap_or_else(|| panic!("a scale in {err}"));
    let options = ExportOptions {
        scale: advised,
        ..ExportOptions::default()
    };
    let png = export(&s, ExportFormat::Png, &options).expect("the advised scale draws");
    // The size from the PNG's header (IHDR), without decoding 64 megapixels.
    let side = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().expect("4 bytes"));
    let (w, h) = (side(16), side(20));
    assert!(w <= 16_384 && h <= 16_384, "{w}×{h}");
    assert!(u64::from(w) * u64::from(h) <= 1 << 26, "{w}×{h}");
    // The advice is not needlessly small: the picture uses most of what the limits allow.
    assert!(
        w.max(h) > 16_384 / 2 || u64::from(w) * u64::from(h) > 1 << 24,
        "{w}×{h} at {advised}"
    );
}
