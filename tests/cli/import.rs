//! `import`: spreadsheets and Partner Center files into a save, and what a bad file gets.

use super::{csp, import_example, stderr, stdout};

#[test]
fn import_then_check_reports_violations_with_exit_code_1() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = import_example(dir.path());
    let o = csp(&["check", &scenario, "--as-of", "2024-01-01"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.starts_with("Example channel (as of 2024-01-01)"),
        "{text}"
    );
    assert!(
        text.contains("[cross_region_sale] link purchase-tailspin"),
        "{text}"
    );
    assert!(
        text.contains("      fix: Choose a seller in the customer's region: re-route"),
        "{text}"
    );
    assert!(
        text.ends_with("6 violations, 1 warning, 0 notes.\n"),
        "{text}"
    );
}

#[test]
fn bad_csv_exits_2_names_every_problem_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let parties = dir.path().join("parties.csv");
    let links = dir.path().join("links.csv");
    std::fs::write(
        &parties,
        "id,kind,country\nms,microsoft,\nadatum,wholesaler,US\n",
    )
    .unwrap();
    std::fs::write(
        &links,
        "id,kind,from,to,date\ns,supply,ms,adatum,2020-13-01\n",
    )
    .unwrap();
    let out = dir.path().join("out.ron");
    let o = csp(&[
        "import",
        parties.to_str().unwrap(),
        links.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("parties.csv:3:2: `kind` \"wholesaler\" is not one of"),
        "{err}"
    );
    assert!(
        !err.contains("is not a party id"),
        "a party that failed is still known by its id: {err}"
    );
    assert!(
        err.contains("links.csv:2:5: `date` \"2020-13-01\" is not a date"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!out.exists());
}

/// The walkthrough's example (docs/examples/partner-center: what a distributor's Partner Center
/// returns for 3 resellers and 20 customers) imports into the channel the docs describe: each
/// file recognised (the empty agreements too), and the check finds the breaks planted in it.
#[test]
fn the_partner_center_example_imports_with_its_planted_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("contoso.ron");
    let mut files: Vec<String> = std::fs::read_dir("docs/examples/partner-center")
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    files.sort();
    assert_eq!(
        files.len(),
        42,
        "customers, resellers, 20 × 2 per-customer bodies"
    );
    let mut args = vec!["import"];
    args.extend(files.iter().map(String::as_str));
    args.extend([
        "--partner",
        "Contoso Distribution",
        "--country",
        "US",
        "-o",
        out.to_str().unwrap(),
    ]);
    let o = csp(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.starts_with("Imported 26 parties and 66 links"),
        "{text}"
    );
    assert_eq!(
        text.matches("Partner Center agreements of one customer")
            .count(),
        20,
        "an empty agreements body is still an agreements body: {text}"
    );
    assert!(
        text.contains("(Tailspin Toys, Lucerne Publishing, Woodgrove Bank)"),
        "{text}"
    );
    let o = csp(&["check", out.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    rules.sort();
    rules.dedup();
    assert_eq!(
        rules,
        [
            "cross_region_sale",
            "incomplete_chain",
            "mca_missing",
            "mpa_missing",
            "no_reseller_relationship",
            "partnership_pending",
            "reseller_not_ready",
        ]
    );
    // The pending reseller shows as one finding per sale, not three.
    let trey: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["link"]
                .as_str()
                .unwrap_or("")
                .starts_with("purchase-trey")
        })
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        trey.iter().filter(|r| **r == "partnership_pending").count(),
        4
    );
    assert!(!trey.contains(&"reseller_not_ready"), "{trey:?}");
}

#[test]
fn a_workbook_and_a_reconciliation_file_import_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c.ron");
    let o = csp(&[
        "import",
        "tests/fixtures/workbooks/channel.ods",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("Imported 4 parties and 5 links"),
        "{}",
        stdout(&o)
    );
    let o = csp(&[
        "import",
        "tests/fixtures/partner-center-billing/invoice-reconciliation.csv",
        "--partner",
        "Contoso Distribution",
        "--country",
        "US",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("Partner Center invoice reconciliation (CSV)"),
        "{text}"
    );
    assert!(
        text.contains("7 charge lines of the billing files read as 3 subscriptions"),
        "{text}"
    );
    // A ZIP that is not a workbook: one line, exit 2.
    let o = csp(&[
        "import",
        "tests/fixtures/workbooks/not-a-workbook.zip",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let lines: Vec<String> = stderr(&o).lines().map(str::to_owned).collect();
    assert!(
        lines[0].contains("this is a ZIP archive, not a workbook"),
        "{lines:?}"
    );
    assert_eq!(lines.len(), 2, "the problem and the count: {lines:?}");
}
