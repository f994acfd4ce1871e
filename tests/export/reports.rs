//! The text formats: Mermaid, and the findings report as CSV (for Excel too), Markdown and JSON.

use super::{VIOLATION_RED, broken, text};
use csp_explorer::export::{ExportFormat, ExportOptions, export};

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
fn csv_for_excel_starts_with_a_byte_order_mark_and_neutralises_formulas() {
    let mut s = broken();
    let mut fabrikam = s.party("fabrikam").cloned().unwrap();
    fabrikam.name = "=HYPERLINK(\"http://x\",\"Fabrikam\")".to_owned();
    s.replace_party(fabrikam).unwrap();
    let plain = export(&s, ExportFormat::Csv, &ExportOptions::default()).unwrap();
    assert!(plain.starts_with(b"severity,"), "no BOM unless asked");
    let excel = ExportOptions {
        excel: true,
        ..ExportOptions::default()
    };
    let bytes = export(&s, ExportFormat::Csv, &excel).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBFseverity,"));
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let messages: Vec<String> = reader.records().map(|r| r.unwrap()[6].to_owned()).collect();
    assert!(
        messages.iter().any(|m| m.starts_with("'=HYPERLINK")),
        "{messages:?}"
    );
}

#[test]
fn mermaid_above_its_default_edge_limit_is_refused_naming_the_limit_and_the_other_formats() {
    let small = text(ExportFormat::Mermaid, &broken());
    assert!(small.starts_with("flowchart TD\n"));
    let big = csp_explorer::scenarios::synthetic(400);
    assert!(big.link_count() > 500, "{}", big.link_count());
    let err = export(&big, ExportFormat::Mermaid, &ExportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("at most 500 links"), "{err}");
    assert!(
        err.contains(&format!("this channel has {} links", big.link_count())),
        "{err}"
    );
    assert!(err.contains("maxEdges") && err.contains("GraphML"), "{err}");
}

#[test]
fn the_findings_csv_takes_a_delimiter_or_the_separator_excel_expects_in_the_locale() {
    let s = broken();
    let csv = |options: ExportOptions| export(&s, ExportFormat::Csv, &options).unwrap();
    let german = csv(ExportOptions {
        excel: true,
        locale: Some("de_DE.UTF-8".to_owned()),
        ..ExportOptions::default()
    });
    assert!(german.starts_with(b"\xEF\xBB\xBFseverity;rule;title;"));
    let english = csv(ExportOptions {
        excel: true,
        locale: Some("en_US".to_owned()),
        ..ExportOptions::default()
    });
    assert!(english.starts_with(b"\xEF\xBB\xBFseverity,rule,title,"));
    let tab = csv(ExportOptions {
        delimiter: Some(b'\t'),
        ..ExportOptions::default()
    });
    assert!(tab.starts_with(b"severity\trule\ttitle\t"));
    let rows = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&german[3..])
        .records()
        .count();
    assert_eq!(rows, csp_explorer::rules::check(&s).len());
}

/// A party named to smuggle a formula past a `;`-splitting reader, and a `<script>` into the handout.
#[test]
fn hostile_names_stay_text_in_the_csv_and_markdown() {
    let mut s = broken();
    let mut fabrikam = s.party("fabrikam").cloned().unwrap();
    fabrikam.name = "x;=1+1;<script>alert(1)</script>".to_owned();
    s.replace_party(fabrikam).unwrap();
    let bytes = export(&s, ExportFormat::Csv, &ExportOptions::default()).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    for line in text.lines() {
        for piece in line.split([';', ',']) {
            let piece = piece.trim_start_matches('"').trim_start();
            assert!(!piece.starts_with(['=', '+', '@']), "{piece:?} in {line}");
        }
    }
    let md =
        String::from_utf8(export(&s, ExportFormat::Markdown, &ExportOptions::default()).unwrap())
            .unwrap();
    assert!(!md.contains("<script>"), "{md}");
    assert!(md.contains("&lt;script&gt;"), "{md}");
}

#[test]
fn every_json_export_carries_its_format_version() {
    let json: serde_json::Value =
        serde_json::from_str(&text(ExportFormat::Json, &broken())).unwrap();
    assert_eq!(json["format_version"], csp_explorer::JSON_FORMAT_VERSION);
}
