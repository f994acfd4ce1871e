//! `check`: findings as text and JSON, the as-of date, the audit reading, and a bad save.

use super::{csp, import_example, stderr, stdout};
use std::process::Output;

#[test]
fn check_json_has_the_documented_shape() {
    let o = csp(&[
        "check",
        "builtin:sample-2-multi-partner",
        "--format",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "a note is not a violation: {}",
        stderr(&o)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(
        v["scenario"],
        "Sample scenario 2: a customer buys from several partners"
    );
    assert_eq!(v["as_of"], "2024-06-01");
    let findings = v["findings"].as_array().expect("findings array");
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f["rule"], "multi_partner");
    assert_eq!(f["severity"], "note");
    assert!(f["link"].is_null());
    assert_eq!(f["party"], "northwind");
    assert!(
        f["path"]
            .as_array()
            .is_some_and(|p| p.iter().all(serde_json::Value::is_string))
    );
    assert!(
        f["message"]
            .as_str()
            .is_some_and(|m| m.contains("Northwind"))
    );
    assert_eq!(
        v["counts"],
        serde_json::json!({"violation": 0, "warning": 0, "note": 1})
    );
}

#[test]
fn as_of_moves_findings_around_the_mpa_date() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = import_example(dir.path());
    let count = |as_of: &str, rule: &str| {
        let o = csp(&["check", &scenario, "--as-of", as_of, "--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == rule)
            .count()
    };
    assert_eq!(
        count("2020-02-10", "mpa_missing"),
        0,
        "the partnership is dated 2020-02-15"
    );
    assert_eq!(count("2020-02-20", "mpa_missing"), 1);
}

#[test]
fn a_malformed_save_exits_2_naming_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ron");
    std::fs::write(
        &bad,
        "(\n    version: 1,\n    title: \"x\",\n    parties: [(id: \"a\", kind: wizard)],\n)\n",
    )
    .unwrap();
    let o = csp(&["check", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("bad.ron:4:"), "{err}");
    let missing = csp(&["check", "no-such-file.ron"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no-such-file.ron: cannot read the file"));
    let unknown = csp(&["check", "builtin:nope"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("sample-1"),
        "lists the valid slugs"
    );
}

#[test]
fn strict_dates_check_a_sales_chain_on_its_own_day() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("late-partnership.ron");
    let text = csp_explorer::scenarios::builtin("sample-1")
        .unwrap()
        .text
        .to_owned();
    let mut s = csp_explorer::io::scenario_from_ron(&text, "sample-1").unwrap();
    let partnership = s
        .links()
        .find(|l| l.kind == csp_explorer::model::LinkKind::Partnership)
        .unwrap()
        .clone();
    let sale_day = s
        .links()
        .filter(|l| l.kind == csp_explorer::model::LinkKind::Purchase && l.from == partnership.to)
        .map(|l| l.date)
        .min()
        .unwrap();
    let mut late = partnership.clone();
    late.date = sale_day.succ_opt().unwrap();
    s.replace_link(late).unwrap();
    csp_explorer::io::save(&s, &file).unwrap();
    let path = file.to_str().unwrap();
    let ordinary = csp(&["check", path, "--format", "json"]);
    let strict = csp(&["check", path, "--format", "json", "--strict-dates"]);
    let rules = |o: &Output| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(!rules(&ordinary).contains(&"incomplete_chain".to_owned()));
    assert!(rules(&strict).contains(&"incomplete_chain".to_owned()));
    assert_eq!(strict.status.code(), Some(1));
}
