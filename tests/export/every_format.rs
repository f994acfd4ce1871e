//! What holds for every format: every built-in scenario exports, a failed write leaves no file, and
//! a name with every awkward character survives.

use super::graphviz::{dot_attr, dot_text, parse_dot};
use super::{broken, text};
use csp_explorer::export::{ExportFormat, ExportOptions, export, export_to_file};
use csp_explorer::model::Scenario;
use csp_explorer::scenarios::BUILTIN;
use resvg::{tiny_skia, usvg};

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

/// A file exported in any format holds exactly what the export returns, whether the format is
/// written to the file as it is made (SVG, GraphML, GEXF, draw.io) or made whole first; a `.svgz`
/// holds the same SVG compressed. A generated channel of a few thousand links makes documents of
/// many of the pieces a streamed export hands to the file.
#[test]
fn a_file_holds_what_the_export_returns_in_every_format() {
    use std::io::Read as _;
    let s = csp_explorer::generate::generate(&csp_explorer::generate::GenerateOptions {
        providers: 3,
        resellers: 60,
        direct_bill: 2,
        customers: 600,
        seed: 4,
        break_rate: 0.05,
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    for format in ExportFormat::ALL {
        if format == ExportFormat::Mermaid {
            continue;
        }
        let options = ExportOptions {
            scale: 0.25,
            ..ExportOptions::default()
        };
        let bytes = export(&s, format, &options).unwrap();
        let path = dir.path().join(format!("channel.{}", format.extension()));
        export_to_file(&s, format, &options, &path).unwrap();
        let written = std::fs::read(&path).unwrap();
        assert!(
            written == bytes,
            "{}: {} bytes written, {} exported",
            format.key(),
            written.len(),
            bytes.len()
        );
        if format == ExportFormat::Graphml {
            assert!(written.len() > 1 << 20, "{} bytes", written.len());
        }
    }
    let svg = export(&s, ExportFormat::Svg, &ExportOptions::default()).unwrap();
    let path = dir.path().join("channel.svgz");
    export_to_file(&s, ExportFormat::Svg, &ExportOptions::default(), &path).unwrap();
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap())
        .read_to_end(&mut unzipped)
        .unwrap();
    assert!(unzipped == svg, "the .svgz holds the SVG");
    // Nothing else was left in the folder (no temporary file).
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        ExportFormat::ALL.len(),
        "every format's file and the .svgz, nothing else"
    );
}

/// A streamed export cancelled after its temporary file is made leaves no file, and the file it
/// would replace as it was.
#[test]
fn a_cancelled_streamed_export_leaves_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    for format in [
        ExportFormat::Graphml,
        ExportFormat::Svg,
        ExportFormat::Drawio,
    ] {
        let path = dir.path().join(format!("old.{}", format.extension()));
        std::fs::write(&path, "the old export").unwrap();
        let progress = csp_explorer::progress::Progress::default();
        assert!(progress.cancel());
        let err = csp_explorer::export::export_to_file_with(
            &broken(),
            format,
            &ExportOptions::default(),
            &path,
            &progress,
        )
        .unwrap_err();
        assert!(
            matches!(err, csp_explorer::export::ExportError::Cancelled),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "the old export");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
}

/// A name holding every awkward character: each C0 control, DEL and C1 controls, XML's two
/// noncharacters, markup and quote characters, a formula start, an emoji with a joiner and
/// right-to-left text with a bidi override.
fn awkward_name() -> String {
    let mut name = String::from("=HYPERLINK(\"x\") <b>&amp; \"D\" 'E' \\ |F| #G ");
    name.extend((0u32..0x20).filter_map(char::from_u32));
    name.extend(['\u{7F}', '\u{85}', '\u{9F}', '\u{FFFE}', '\u{FFFF}']);
    name.push_str(" 👩‍💻 שלום عربي \u{202E}x");
    name
}

/// The awkward name as a scenario may hold it: the model refuses control characters in names and
/// titles (see `model::limits`), so only the markup, quotes, noncharacters, emoji and bidi text
/// reach an export that way; the sanitiser's own tests cover the control characters.
fn storable_awkward_name() -> String {
    awkward_name().chars().filter(|c| !c.is_control()).collect()
}

/// Sample 1 (broken) with the awkward name on Fabrikam, in the title and in the description.
fn awkward() -> Scenario {
    let mut s = broken();
    let mut fabrikam = s.party("fabrikam").cloned().unwrap();
    fabrikam.name = awkward_name();
    assert!(
        s.replace_party(fabrikam.clone()).is_err(),
        "control characters never enter a scenario"
    );
    fabrikam.name = storable_awkward_name();
    s.replace_party(fabrikam).unwrap();
    s.meta.title = storable_awkward_name();
    s.meta.description = awkward_name();
    s
}

#[test]
fn a_name_with_every_awkward_character_survives_every_export() {
    use csp_explorer::export::sanitize::clean;
    let s = awkward();
    let expected = clean(&storable_awkward_name()).into_owned();
    assert!(expected.contains("👩‍💻 שלום عربي \u{202E}x") && !expected.contains('\u{FFFE}'));
    for format in ExportFormat::ALL {
        let bytes = export(&s, format, &ExportOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", format.key()));
        if format == ExportFormat::Png {
            tiny_skia::Pixmap::decode_png(&bytes).expect("the PNG renders and decodes");
            continue;
        }
        let text = String::from_utf8(bytes).expect("utf-8");
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')),
            "{}: a control character leaked",
            format.key()
        );
    }

    // XML formats: well-formed, and the name reads back exactly (as cleaned).
    let svg = text(ExportFormat::Svg, &s);
    usvg::Tree::from_str(&svg, &usvg::Options::default()).expect("usvg parses it");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert!(
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .any(|n| n.text() == Some(expected.as_str())),
        "the party label reads back"
    );

    let graphml = text(ExportFormat::Graphml, &s);
    let doc = roxmltree::Document::parse(&graphml).expect("well-formed GraphML");
    let name = doc
        .descendants()
        .find(|n| n.has_tag_name("node") && n.attribute("id") == Some("fabrikam"))
        .and_then(|n| {
            n.children()
                .find(|d| d.attribute("key") == Some("p_name"))
                .and_then(|d| d.text())
        });
    assert_eq!(name, Some(expected.as_str()));
    let graph_id = doc
        .descendants()
        .find(|n| n.has_tag_name("graph"))
        .and_then(|g| g.attribute("id"))
        .unwrap();
    assert!(
        graph_id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.')),
        "the graph id is an NMTOKEN: {graph_id}"
    );

    let gexf = text(ExportFormat::Gexf, &s);
    let doc = roxmltree::Document::parse(&gexf).expect("well-formed GEXF");
    let label = doc
        .descendants()
        .find(|n| n.has_tag_name("node") && n.attribute("id") == Some("fabrikam"))
        .and_then(|n| n.attribute("label"));
    assert_eq!(label, Some(expected.as_str()));

    let drawio = text(ExportFormat::Drawio, &s);
    let doc = roxmltree::Document::parse(&drawio).expect("well-formed draw.io");
    let value = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("party-fabrikam"))
        .and_then(|n| n.attribute("value"))
        .unwrap();
    assert!(value.starts_with(&expected), "draw.io label {value:?}");
    let title = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("title"))
        .and_then(|n| n.attribute("value"));
    assert_eq!(title, Some(expected.as_str()));

    // DOT: parses, and the label reads back (DOT writes a line break as \n, so \r\n becomes one).
    let (_, nodes, _) = parse_dot(&text(ExportFormat::Dot, &s));
    let label = nodes
        .iter()
        .find(|n| dot_text(&n.id.0) == "fabrikam")
        .and_then(|n| dot_attr(&n.attributes, "label"))
        .unwrap();
    assert!(
        label.starts_with(&expected.replace('\r', "\n")),
        "DOT label {label:?}"
    );

    // Mermaid: one statement a line, the name kept inside its quotes.
    let mermaid = text(ExportFormat::Mermaid, &s);
    for line in mermaid.lines().skip(1) {
        assert!(line.starts_with("    "), "a name broke a line: {line:?}");
    }
    assert!(mermaid.contains("👩‍💻 שלום عربي"));

    // CSV: parses; no cell can run as a formula; the names are there.
    let csv = export(&s, ExportFormat::Csv, &ExportOptions::default()).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert!(!rows.is_empty());
    for cell in rows.iter().flat_map(|r| r.iter()) {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "formula cell {cell:?}"
        );
    }
    assert!(rows.iter().any(|r| r[5].contains(expected.as_str())));

    // JSON and Markdown.
    let json: serde_json::Value = serde_json::from_str(&text(ExportFormat::Json, &s)).unwrap();
    assert_eq!(json["scenario"], expected.as_str());
    let md = text(ExportFormat::Markdown, &s);
    let heading = md.lines().next().unwrap();
    assert!(heading.starts_with("# =HYPERLINK") && heading.ends_with("\u{202E}x"));
}
