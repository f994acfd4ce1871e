//! `--help`, `rules`, `scenarios` and `lessons`: what the command line knows, listed.

use super::{csp, stderr, stdout};

#[test]
fn rules_lists_the_whole_catalogue() {
    let o = csp(&["rules", "--format", "json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["format_version"], csp_explorer::JSON_FORMAT_VERSION);
    let ids: Vec<&str> = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(ids.len(), 34);
    for rule in v["rules"].as_array().unwrap() {
        let url = rule["source_url"].as_str().unwrap_or_default();
        assert!(
            url.starts_with("https://learn.microsoft.com/en-us/partner-center/"),
            "{rule}"
        );
        assert!(
            !rule["fix"].as_str().unwrap_or_default().is_empty(),
            "{rule}"
        );
    }
    assert!(ids.contains(&"gdap_expired"));
    assert!(ids.contains(&"partner_id_on_record_is_provider"));
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
    assert!(
        stdout(&o).contains("its solution ticks every step in order"),
        "{}",
        stdout(&o)
    );

    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("lesson.ron");
    let text = std::fs::read_to_string("assets/lessons/16-gdap.ron").unwrap();
    std::fs::write(
        &broken,
        text.replace(
            r#"SetLink("admin-contoso-northwind", (auto_extend: false))"#,
            r#"SetLink("admin-contoso-northwind", (duration_days: 700))"#,
        ),
    )
    .unwrap();
    let o = csp(&["lessons", broken.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    // Each problem on its own line, naming the file and the step.
    let problems = stderr(&o);
    assert!(
        problems.contains("lesson.ron: its solution does not meet the goal"),
        "{problems}"
    );
    assert!(
        problems.contains("lesson.ron: step 3 (\"Drop Global Administrator or turn off auto-extend.\") is never ticked by the solution"),
        "{problems}"
    );

    std::fs::write(&broken, text.replace("success:", "succes:")).unwrap();
    let o = csp(&["lessons", broken.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("succes"), "{}", stderr(&o));
}

#[test]
fn completions_and_the_man_page_come_from_the_cli_definition() {
    for (shell, marker) in [
        ("bash", "complete -F _csp__explorer"),
        ("zsh", "#compdef csp-explorer"),
        ("fish", "complete -c csp-explorer"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let o = csp(&["completions", shell]);
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(
            script.contains("import") && script.contains("date-order"),
            "{shell}"
        );
    }
    let man = stdout(&csp(&["man"]));
    assert!(
        man.starts_with(".ie") || man.contains(".TH csp-explorer"),
        "{man}"
    );
    assert!(
        man.contains("completions"),
        "the man page lists the subcommands"
    );
    let dir = tempfile::tempdir().unwrap();
    let o = csp(&["completions", "--out-dir", dir.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for name in [
        "csp-explorer.bash",
        "_csp-explorer",
        "csp-explorer.fish",
        "_csp-explorer.ps1",
        "csp-explorer.1",
    ] {
        assert!(
            dir.path().join(name).is_file(),
            "{name} written: {}",
            stdout(&o)
        );
    }
    // The .deb installs what --out-dir writes.
    let manifest = std::fs::read_to_string("Cargo.toml").unwrap();
    for installed in [
        "csp-explorer.bash",
        "_csp-explorer",
        "csp-explorer.fish",
        "csp-explorer.1",
    ] {
        assert!(
            manifest.contains(&format!("target/packaging/{installed}")),
            "{installed}"
        );
    }
    assert!(manifest.contains("packaging/deb/copyright"));
}

/// A word that is neither a file nor a command is refused before any window opens, naming it: a
/// file named alone opens the app on it (what a file manager passes), so a mistyped command must
/// not open the app on a file that is not there.
#[test]
fn a_mistyped_command_is_refused_not_opened_as_a_file() {
    let o = csp(&["chek", "x.ron"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = csp(&["chek"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("there is no file `chek`, and it is not a command"),
        "{}",
        stderr(&o)
    );
}
