//! The hand-written corpus of malformed inputs (`tests/malformed/`, see its README.md): each file
//! goes through the real command line, and its error must hold every fragment of its `.expect` file
//! (`loads` means it must be accepted). The random half of this (mutations of good files) is
//! `tests/fuzz.rs`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/malformed");

/// The corpus files of one folder, each with its expected fragments.
fn cases(folder: &str) -> Vec<(PathBuf, Vec<String>)> {
    let dir = Path::new(CORPUS).join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "expect"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "{folder}: the corpus is missing");
    files
        .into_iter()
        .map(|path| {
            let expect = PathBuf::from(format!("{}.expect", path.display()));
            let text = std::fs::read_to_string(&expect)
                .unwrap_or_else(|e| panic!("{}: {e}", expect.display()));
            let fragments = text
                .lines()
                .map(str::to_owned)
                .filter(|l| !l.is_empty())
                .collect();
            (path, fragments)
        })
        .collect()
}

fn csp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_csp-explorer"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Runs every case of `folder` through `run` and checks its outcome; all failures are reported
/// together.
fn check_folder(folder: &str, run: impl Fn(&Path) -> Output) {
    let mut failures = Vec::new();
    for (path, fragments) in cases(folder) {
        let out = run(&path);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let name = path.file_name().unwrap().to_string_lossy();
        if stderr.contains("panicked") {
            failures.push(format!("{name}: panicked:\n{stderr}"));
            continue;
        }
        if fragments == ["loads"] {
            if out.status.code() == Some(2) || stderr.contains("error") {
                failures.push(format!("{name}: should load, but:\n{stderr}"));
            }
            continue;
        }
        if out.status.code() != Some(2) {
            failures.push(format!(
                "{name}: exit code {:?}, expected 2",
                out.status.code()
            ));
        }
        if !stderr.contains(name.as_ref()) {
            failures.push(format!(
                "{name}: the error does not name the file:\n{stderr}"
            ));
        }
        for fragment in &fragments {
            if !stderr.contains(fragment.as_str()) {
                failures.push(format!("{name}: missing {fragment:?} in:\n{stderr}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_malformed_save_is_refused_with_a_message_saying_where_and_what() {
    check_folder("saves", |path| csp(&["check", path.to_str().unwrap()]));
}

#[test]
fn every_malformed_lesson_is_refused_with_a_message_saying_where_and_what() {
    check_folder("lessons", |path| csp(&["lessons", path.to_str().unwrap()]));
}

#[test]
fn every_malformed_import_is_refused_with_a_message_saying_where_and_what() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.ron");
    check_folder("imports", |path| {
        csp(&[
            "import",
            path.to_str().unwrap(),
            "--partner",
            "Contoso Distribution",
            "--partner-kind",
            "indirect-provider",
            "--country",
            "US",
            "-o",
            out.to_str().unwrap(),
        ])
    });
}
