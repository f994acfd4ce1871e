//! `--help`, `rules`, `scenarios` and `lessons`: what the command line knows, listed.

use super::{csp, stderr, stdout};

#[test]
fn rules_lists_the_whole_catalogue() {
    let o = csp(&["rules", "--format", "json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(ids.len(), 28);
    assert!(ids.contains(&"gdap_expired"));
    assert!(ids.contains(&"reseller_customer_of_own_provider"));
    let text = stdout(&csp(&["rules"]));
    assert!(text.contains("mpa_missing (violation): Microsoft Partner Agreement not signed"));
}

#[test]
fn help_is_the_manual_and_scenarios_are_listed() {
    let help = stdout(&csp(&["--help"]));
    for word in ["import", "check", "rules", "--scenario", "Exit codes"] {
        assert!(help.contains(word), "{word} in {help}");
    }
    let list = stdout(&csp(&["scenarios"]));
    assert!(list.contains("sample-6-option-1") && list.contains("Sample scenario 6, option 1"));
    let o = csp(&["--scenario", "no-such"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "an unknown scenario fails before any window opens"
    );
}

#[test]
fn lessons_are_listed_and_a_trainers_lesson_is_checked() {
    let o = csp(&["lessons"]);
    assert!(o.status.success());
    let list = stdout(&o);
    assert!(list.lines().count() >= 12, "{list}");
    assert!(list.contains("10-sample-6-own-provider"), "{list}");

    let o = csp(&["lessons", "assets/lessons/16-gdap.ron"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("its solution does"), "{}", stdout(&o));

    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("lesson.ron");
    let text = std::fs::read_to_string("assets/lessons/16-gdap.ron").unwrap();
    std::fs::write(
        &broken,
        text.replace(
            "duration_days: 730, auto_extend: false",
            "duration_days: 730",
        ),
    )
    .unwrap();
    let o = csp(&["lessons", broken.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("its solution does not meet the success condition"),
        "{}",
        stderr(&o)
    );

    std::fs::write(&broken, text.replace("success:", "succes:")).unwrap();
    let o = csp(&["lessons", broken.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("succes"), "{}", stderr(&o));
}
