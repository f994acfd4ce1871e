//! `export`: each format written, bad arguments refused.

use super::{csp, stderr, stdout};

#[test]
fn export_writes_each_format_and_refuses_bad_arguments() {
    let dir = tempfile::tempdir().unwrap();
    for format in [
        "svg", "png", "drawio", "dot", "graphml", "gexf", "mermaid", "md", "csv", "json",
    ] {
        let out = dir.path().join(format!("out.{format}"));
        let o = csp(&[
            "export",
            "builtin:sample-1-forbidden",
            "--format",
            format,
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        assert!(std::fs::metadata(&out).unwrap().len() > 100, "{format}");
    }
    let bad = csp(&[
        "export",
        "builtin:sample-1",
        "--format",
        "pdf",
        "-o",
        "x.pdf",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("\"pdf\" is not a format"),
        "{}",
        stderr(&bad)
    );
    let out = dir.path().join("big.png");
    let huge = csp(&[
        "export",
        "builtin:sample-1",
        "--format",
        "png",
        "--scale",
        "40",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(huge.status.code(), Some(2));
    assert!(stderr(&huge).contains("scale 40"));
    assert!(!out.exists());
    let out = dir.path().join("excel.csv");
    let excel = csp(&[
        "export",
        "builtin:sample-1-forbidden",
        "--format",
        "csv",
        "--excel",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(excel.status.success(), "{}", stderr(&excel));
    assert!(
        std::fs::read(&out)
            .unwrap()
            .starts_with(b"\xEF\xBB\xBFseverity,")
    );
}

#[test]
fn the_findings_csv_for_german_excel_is_semicolon_separated() {
    let o = csp(&[
        "export",
        "builtin:sample-7-forbidden",
        "--format",
        "csv",
        "--excel",
        "--locale",
        "de_DE",
        "-o",
        "-",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        o.stdout.starts_with(b"\xEF\xBB\xBFseverity;rule;"),
        "{}",
        stdout(&o)
    );
    let o = csp(&[
        "export",
        "builtin:sample-1",
        "--format",
        "csv",
        "--delimiter",
        "tab",
        "-o",
        "-",
    ]);
    assert!(o.stdout.starts_with(b"severity\trule\t"), "{}", stdout(&o));
    let o = csp(&[
        "export",
        "builtin:sample-1",
        "--format",
        "csv",
        "--delimiter",
        "ab",
        "-o",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(2));
}
