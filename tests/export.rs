//! Every export format, checked with a real parser (and Graphviz itself for DOT).

use csp_explorer::export::{Background, ExportFormat, ExportOptions, export, export_to_file};
use csp_explorer::model::Scenario;
use csp_explorer::scenarios::{BUILTIN, builtin};
use resvg::{tiny_skia, usvg};

/// Sample scenario 1 with one broken link: Fabrikam's MPA is not signed, so its supply, reseller
/// relationship and purchase break `mpa_missing`.
fn broken() -> Scenario {
    let mut s = builtin("sample-1")
        .and_then(|b| b.load().ok())
        .expect("sample-1 loads");
    let mut fabrikam = s.party("fabrikam").cloned().expect("fabrikam");
    fabrikam.mpa_signed = None;
    s.replace_party(fabrikam).expect("replace");
    s
}

const VIOLATION_RED: &str = "#d52027";

fn text(format: ExportFormat, s: &Scenario) -> String {
    String::from_utf8(export(s, format, &ExportOptions::default()).expect("exports"))
        .expect("utf-8")
}

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
        let group = by_id(&format!("link-{}", l.id)).unwrap_or_else(|| panic!("link {}", l.id));
        let stroke = group
            .descendants()
            .find(|n| n.has_tag_name("path"))
            .and_then(|n| n.attribute("stroke"))
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
        svg.contains("mpa_missing"),
        "the findings list names the rule"
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

#[test]
fn graphviz_accepts_the_dot() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.dot");
    export_to_file(
        &broken(),
        ExportFormat::Dot,
        &ExportOptions::default(),
        &path,
    )
    .unwrap();
    let out = std::process::Command::new("dot")
        .arg("-Tsvg")
        .arg(&path)
        .output()
        .expect("Graphviz `dot` must be installed (apt-get install graphviz)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = String::from_utf8_lossy(&out.stdout);
    assert!(svg.contains("Fabrikam"), "the labels render");
    assert!(
        svg.contains(VIOLATION_RED),
        "broken links keep their colour"
    );
}

#[test]
fn mermaid_csv_markdown_and_json_read_back() {
    let s = broken();
    let mermaid = text(ExportFormat::Mermaid, &s);
    assert!(mermaid.starts_with("flowchart TD\n"));
    for p in s.parties() {
        assert!(mermaid.contains(&p.name), "{}", p.name);
    }
    assert!(mermaid.contains("linkStyle") && mermaid.contains(VIOLATION_RED));

    let csv = export(&s, ExportFormat::Csv, &ExportOptions::default()).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let findings = csp_explorer::rules::check(&s);
    assert_eq!(rows.len(), findings.len());
    assert!(
        rows.iter()
            .all(|r| &r[1] == "mpa_missing" && &r[0] == "violation")
    );

    let json: serde_json::Value = serde_json::from_str(&text(ExportFormat::Json, &s)).unwrap();
    assert_eq!(json["counts"]["violation"], findings.len());
    assert_eq!(
        json["findings"][0]["fix"],
        "Mark the MPA signed, with a date on or before the link's."
    );

    let md = text(ExportFormat::Markdown, &s);
    assert!(md.starts_with("# Sample scenario 1"));
    assert!(md.contains("## Violations") && md.contains("**Why:**") && md.contains("**Fix:**"));
}

#[test]
fn every_builtin_scenario_exports_in_every_format() {
    for b in BUILTIN {
        let s = b.load().unwrap();
        for format in ExportFormat::ALL {
            let bytes = export(&s, format, &ExportOptions::default())
                .unwrap_or_else(|e| panic!("{} as {}: {e}", b.slug, format.key()));
            assert!(!bytes.is_empty(), "{} as {}", b.slug, format.key());
        }
        let svg = text(ExportFormat::Svg, &s);
        roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{}: {e}", b.slug));
    }
}

#[test]
fn an_unwritable_path_fails_cleanly_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing-folder").join("out.svg");
    let err = export_to_file(
        &broken(),
        ExportFormat::Svg,
        &ExportOptions::default(),
        &path,
    )
    .unwrap_err();
    assert!(err.to_string().contains("out.svg"), "{err}");
    assert!(!path.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
