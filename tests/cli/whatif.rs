//! `diff` and `ask`: a what-if against its base, and whether a sale would be allowed.

use super::{csp, stderr, stdout};

#[test]
fn diff_compares_a_base_with_a_what_if() {
    let o = csp(&[
        "diff",
        "builtin:sample-6-forbidden",
        "builtin:sample-6-option-1",
    ]);
    assert_eq!(o.status.code(), Some(1), "differences exit with 1");
    let text = stdout(&o);
    assert!(
        text.contains("~ contoso-own (Contoso (as end customer)): tenant: contoso → contoso-internal; tenant_type: csp → customer"),
        "{text}"
    );
    assert!(text.contains("Findings resolved:"), "{text}");
    assert!(!text.contains("Findings introduced:"), "{text}");

    let o = csp(&[
        "diff",
        "builtin:sample-7-allowed",
        "builtin:sample-7-forbidden",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        json["findings_introduced"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "cross_region_sale")
    );
    assert!(
        json["parties"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == "tailspin-jp" && p["change"] == "added")
    );

    let same = csp(&["diff", "builtin:sample-1", "builtin:sample-1"]);
    assert_eq!(same.status.code(), Some(0));
    let missing = csp(&["diff", "builtin:sample-1", "nowhere.ron"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("nowhere.ron"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn ask_answers_yes_or_no_with_the_chain_and_the_rules_in_the_way() {
    let o = csp(&["ask", "builtin:sample-1", "contoso", "tailspin"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("Yes."), "{text}");
    assert!(
        text.contains("Chain: Microsoft → Adatum Distribution → Contoso Reseller → Tailspin Toys"),
        "{text}"
    );

    let o = csp(&[
        "ask",
        "builtin:sample-7-forbidden",
        "contoso-de",
        "tailspin-jp",
        "--offer",
        "Microsoft 365 E3",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["answer"], "no");
    assert_eq!(json["offer"], "Microsoft 365 E3");
    assert_eq!(json["blockers"][0]["rule"], "cross_region_sale");

    // Before the partnership existed, Contoso had no provider to bill it.
    let o = csp(&[
        "ask",
        "builtin:sample-1",
        "contoso",
        "tailspin",
        "--as-of",
        "2020-02-10",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("incomplete_chain"), "{}", stdout(&o));

    let o = csp(&["ask", "builtin:sample-1", "contoso", "nobody"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no party has id `nobody`"),
        "{}",
        stderr(&o)
    );
}
