//! Pipes: `-` for standard input and output, and a reader that goes away early.

use super::{LINKS, PARTIES, csp, csp_into_closed_pipe, csp_with_stdin, stderr, stdout};

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
