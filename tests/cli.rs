//! The command line, run as a user would: real binary, real files, exit codes and output.

use std::path::Path;
use std::process::{Command, Output};

fn csp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_csp-explorer"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const PARTIES: &str = "saves/examples/parties.csv";
const LINKS: &str = "saves/examples/links.csv";

fn import_example(dir: &Path) -> String {
    let out = dir.join("channel.ron");
    let o = csp(&[
        "import",
        PARTIES,
        LINKS,
        "-o",
        out.to_str().unwrap(),
        "--title",
        "Example channel",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("Imported 8 parties and 12 links"),
        "{}",
        stdout(&o)
    );
    out.to_str().unwrap().to_owned()
}

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
        text.contains("      fix: Choose a seller in the customer's region."),
        "{text}"
    );
    assert!(
        text.ends_with("6 violations, 1 warning, 0 notes.\n"),
        "{text}"
    );
}

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

#[test]
fn generate_writes_a_channel_that_check_reads_and_refuses_impossible_ones() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("big.ron");
    let args = [
        "generate",
        "--providers",
        "3",
        "--resellers",
        "30",
        "--direct-bill",
        "2",
        "--customers",
        "300",
        "--seed",
        "5",
        "--break-rate",
        "0.1",
        "-o",
        out.to_str().unwrap(),
    ];
    let o = csp(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("Generated 336 parties and "),
        "{}",
        stdout(&o)
    );
    let first = std::fs::read_to_string(&out).unwrap();
    assert!(csp(&args).status.success());
    assert_eq!(
        first,
        std::fs::read_to_string(&out).unwrap(),
        "same seed, same file"
    );
    let checked = csp(&["check", out.to_str().unwrap()]);
    assert!(
        stdout(&checked).contains("violation"),
        "{}",
        stdout(&checked)
    );

    let bad = csp(&["generate", "--providers", "0", "-o", out.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("needs at least one provider"),
        "{}",
        stderr(&bad)
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

/// Runs the binary with its standard output on a pipe whose reading end is already closed, as
/// `csp-explorer … | head -1` is once `head` has its line.
fn csp_into_closed_pipe(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    Command::new(env!("CARGO_BIN_EXE_csp-explorer"))
        .args(args)
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("the binary runs")
}

/// Runs the binary with `input` on its standard input.
fn csp_with_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_csp-explorer"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    // Written from a thread: a large input would otherwise fill the pipe while the child fills its
    // own output pipe, and both would wait forever.
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("the binary ends");
    writer.join().expect("stdin written");
    out
}

#[test]
fn a_closed_pipe_ends_a_listing_quietly_with_success() {
    for args in [
        &["scenarios"][..],
        &["lessons"],
        &["rules"],
        &["rules", "--format", "json"],
        &["check", "builtin:sample-6-forbidden"],
        &["export", "builtin:sample-1", "--format", "svg", "-o", "-"],
    ] {
        let o = csp_into_closed_pipe(args);
        // Success, not a panic (101): the reader has what it wanted. (`check` would say 1 here,
        // as sample 6 has violations, had its report been read.)
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(
            !stderr(&o).contains("panicked") && !stderr(&o).contains("Broken pipe"),
            "{args:?} is quiet: {}",
            stderr(&o)
        );
    }
}

#[test]
fn a_dash_reads_standard_input_and_writes_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    // import … -o - : the scenario on stdout, the summary on stderr.
    let o = csp(&["import", PARTIES, LINKS, "-o", "-", "--title", "Piped"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ron = o.stdout.clone();
    assert!(stdout(&o).contains("title: \"Piped\""), "{}", stdout(&o));
    assert!(
        stderr(&o).starts_with("Imported 8 parties and 12 links into standard output"),
        "{}",
        stderr(&o)
    );

    // check - reads the scenario from stdin and reports as for a file.
    let o = csp_with_stdin(&["check", "-", "--as-of", "2024-01-01"], &ron);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("Piped (as of 2024-01-01)"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("[cross_region_sale]"), "{}", stdout(&o));

    // export - … -o - : an SVG on stdout, byte for byte what a file export writes.
    let o = csp_with_stdin(&["export", "-", "--format", "svg", "-o", "-"], &ron);
    assert!(o.status.success(), "{}", stderr(&o));
    let file = dir.path().join("slide.svg");
    let scenario = dir.path().join("piped.ron");
    std::fs::write(&scenario, &ron).unwrap();
    let f = csp(&[
        "export",
        scenario.to_str().unwrap(),
        "--format",
        "svg",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert!(f.status.success(), "{}", stderr(&f));
    assert_eq!(o.stdout, std::fs::read(&file).unwrap());
    assert!(stderr(&o).contains("to standard output"), "{}", stderr(&o));

    // diff with one side on stdin; both sides there is refused.
    let o = csp_with_stdin(&["diff", "-", scenario.to_str().unwrap()], &ron);
    assert_eq!(o.status.code(), Some(0), "no difference: {}", stdout(&o));
    let o = csp_with_stdin(&["diff", "-", "-"], &ron);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("only one of the two"), "{}", stderr(&o));

    // import - : a parties CSV piped in (its links need a file of their own).
    let parties = std::fs::read(PARTIES).unwrap();
    let o = csp_with_stdin(&["import", "-", "-o", "-"], &parties);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("-: parties (CSV)"), "{}", stderr(&o));
    let o = csp_with_stdin(&["import", "-", "-", "-o", "-"], &parties);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("read only once"), "{}", stderr(&o));

    // fix - needs -o; with -o - the scenario comes out and the report goes to stderr.
    let o = csp_with_stdin(&["fix", "-", "--all-safe"], &ron);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("-o -"), "{}", stderr(&o));
    let o = csp_with_stdin(&["fix", "-", "--all-safe", "-o", "-"], &ron);
    assert!(stdout(&o).contains("title: \"Piped\""), "{}", stdout(&o));
    assert!(stderr(&o).contains(" violation"), "{}", stderr(&o));

    // A broken scenario on stdin is named as such.
    let o = csp_with_stdin(&["check", "-"], b"(version: 2, parties: [");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("standard input"), "{}", stderr(&o));
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

/// `convert` turns a RON save into the compact `.cspx` and back; every command reads either,
/// recognised by content (a `.cspx` renamed to `.ron` still opens), and the round trip is lossless.
#[test]
fn convert_writes_cspx_that_every_command_reads_and_back_to_the_same_ron() {
    let dir = tempfile::tempdir().unwrap();
    let ron = dir.path().join("channel.ron");
    let generated = csp(&[
        "generate",
        "--providers",
        "2",
        "--resellers",
        "20",
        "--customers",
        "200",
        "-o",
        ron.to_str().unwrap(),
    ]);
    assert!(generated.status.success(), "{}", stderr(&generated));
    let cspx = dir.path().join("channel.cspx");
    let o = csp(&["convert", ron.to_str().unwrap(), cspx.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("(compact binary .cspx)"),
        "{}",
        stdout(&o)
    );
    let bytes = std::fs::read(&cspx).unwrap();
    assert!(bytes.starts_with(b"CSPX"));
    assert!(bytes.len() * 2 < std::fs::metadata(&ron).unwrap().len() as usize);
    // Named like a RON file, read by its content.
    let disguised = dir.path().join("disguised.ron");
    std::fs::write(&disguised, &bytes).unwrap();
    let text = csp(&["check", ron.to_str().unwrap()]);
    let binary = csp(&["check", disguised.to_str().unwrap()]);
    assert_eq!(stdout(&text), stdout(&binary), "the same findings");
    let back = dir.path().join("back.ron");
    let o = csp(&["convert", cspx.to_str().unwrap(), back.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&ron).unwrap(),
        std::fs::read_to_string(&back).unwrap(),
        "RON -> .cspx -> RON is the same file"
    );
    // A damaged .cspx: exit 2 and a message naming the file.
    let cut = dir.path().join("cut.cspx");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let o = csp(&["check", cut.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cut.cspx") && stderr(&o).contains("cannot be read"),
        "{}",
        stderr(&o)
    );
}
