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
