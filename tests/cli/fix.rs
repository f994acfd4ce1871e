//! `fix`: the quick fixes `check` lists, applied one by one or all safe ones, in place or to `-o`.

use super::{csp, stderr, stdout};

#[test]
fn check_json_lists_proven_quick_fixes_and_fix_applies_them() {
    let o = csp(&["check", "builtin:sample-6-forbidden", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    let findings = v["findings"].as_array().expect("findings");
    let (n, own_provider) = findings
        .iter()
        .enumerate()
        .find(|(_, f)| f["rule"] == "reseller_customer_of_own_provider")
        .expect("sample 6 has the finding");
    let labels = own_provider["quick_fixes"].as_array().expect("quick_fixes");
    assert_eq!(labels.len(), 3, "{labels:#?}");
    // Each finding names the rule's fix and the public page it comes from.
    assert!(
        own_provider["fix"]
            .as_str()
            .is_some_and(|f| f.starts_with("Option 1")),
        "{own_provider}"
    );
    assert_eq!(
        own_provider["source_url"],
        "https://learn.microsoft.com/en-us/partner-center/enroll/csp-supported-partner-relationships#supported-partner-transactions-in-the-csp-program"
    );
    let dir = tempfile::tempdir().unwrap();
    for k in 1..=3 {
        let out = dir.path().join(format!("option-{k}.ron"));
        let o = csp(&[
            "fix",
            "builtin:sample-6-forbidden",
            "--finding",
            &(n + 1).to_string(),
            "--option",
            &k.to_string(),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
        assert!(stdout(&o).contains(labels[k - 1].as_str().unwrap()));
        let check = csp(&["check", out.to_str().unwrap(), "--format", "json"]);
        let after: serde_json::Value = serde_json::from_str(&stdout(&check)).unwrap();
        assert_eq!(
            after["findings"].as_array().unwrap().len(),
            0,
            "option {k} leaves {after:#}"
        );
    }
}

#[test]
fn fix_rewrites_in_place_applies_all_safe_fixes_and_refuses_bad_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s1.ron");
    std::fs::write(
        &file,
        csp_explorer::scenarios::builtin("sample-1-forbidden")
            .unwrap()
            .text,
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let bad = csp(&["fix", path, "--finding", "99"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--finding 99"), "{}", stderr(&bad));
    let builtin = csp(&["fix", "builtin:sample-1-forbidden", "--all-safe"]);
    assert_eq!(builtin.status.code(), Some(2));
    assert!(stderr(&builtin).contains("give -o FILE"));
    let before = std::fs::read_to_string(&file).unwrap();
    let o = csp(&["fix", path, "--all-safe"]);
    assert!(stdout(&o).contains("Applied: "), "{}", stdout(&o));
    let after = std::fs::read_to_string(&file).unwrap();
    assert_ne!(before, after, "the file is rewritten in place");
    let check = csp(&["check", path, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&check)).unwrap();
    for f in v["findings"].as_array().unwrap() {
        assert_ne!(
            f["quick_fixes"].as_array().unwrap().len(),
            1,
            "--all-safe leaves a finding with one fix: {f:#}"
        );
    }
}
