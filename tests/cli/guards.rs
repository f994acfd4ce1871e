//! Careless commands and hostile names: an output that is one of the inputs, a write-protected
//! file, the umask, file names holding line breaks and terminal escapes or bytes that are not
//! UTF-8, and a standard error that cannot be written.

use super::{LINKS, PARTIES, csp, stderr, stdout};
use std::path::Path;
use std::process::Command;

/// A copy of the example spreadsheets in `dir`, so that a test may try to overwrite them.
fn spreadsheets(dir: &Path) -> (String, String) {
    let parties = dir.join("parties.csv");
    let links = dir.join("links.csv");
    std::fs::copy(PARTIES, &parties).unwrap();
    std::fs::copy(LINKS, &links).unwrap();
    (
        parties.to_str().unwrap().to_owned(),
        links.to_str().unwrap().to_owned(),
    )
}

#[test]
fn an_output_that_is_one_of_the_inputs_is_refused_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let (parties, links) = spreadsheets(dir.path());
    let before = std::fs::read(&parties).unwrap();
    let o = csp(&["import", &parties, &links, "-o", &parties]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("parties.csv is a file this command reads: writing the result there would replace it. Give the result another name, or add --force to replace it anyway."),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read(&parties).unwrap(),
        before,
        "the spreadsheet is untouched"
    );
    // The same file under another name: a hard link (and a symlink on Unix).
    let other = dir.path().join("same-parties.csv");
    std::fs::hard_link(&parties, &other).unwrap();
    let o = csp(&["import", &parties, &links, "-o", other.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("(the same file as "), "{}", stderr(&o));
    // export and convert guard their input the same way.
    let save = dir.path().join("x.ron");
    assert!(
        csp(&["import", &parties, &links, "-o", save.to_str().unwrap()])
            .status
            .success()
    );
    let saved = std::fs::read(&save).unwrap();
    let save = save.to_str().unwrap();
    let o = csp(&["export", save, "--format", "svg", "-o", save]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = csp(&["convert", save, save]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(save).unwrap(),
        saved,
        "the save is still the save"
    );
    // --force is the user saying so.
    let o = csp(&["export", save, "--format", "svg", "-o", save, "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read_to_string(save).unwrap().contains("<svg"));
}

#[cfg(unix)]
#[test]
fn a_write_protected_output_is_refused_unless_forced_and_stays_protected() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("protected.ron");
    std::fs::write(&out, "theirs").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = out.to_str().unwrap();
    let generate = |force: bool| {
        let mut args = vec![
            "generate",
            "--customers",
            "20",
            "--resellers",
            "3",
            "-o",
            out,
        ];
        if force {
            args.push("--force");
        }
        csp(&args)
    };
    let o = generate(false);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is read-only, so it was not replaced"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(out).unwrap(), "theirs");
    // fix rewriting it in place is refused the same way.
    let o = csp(&["fix", out, "--all-safe"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = generate(true);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read_to_string(out).unwrap().starts_with('('));
    let mode = std::fs::metadata(out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o444, "replaced, and still write-protected");
}

#[cfg(unix)]
#[test]
fn new_files_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("private.ron");
    let status = Command::new("sh")
        .arg("-c")
        .arg("umask 077 && exec \"$0\" generate --customers 20 --resellers 3 -o \"$1\"")
        .arg(env!("CARGO_BIN_EXE_csp-explorer"))
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "created as the umask says, not 0644");
}

#[test]
fn file_names_are_shown_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let name = dir
        .path()
        .join("bad\nerror: forged line\u{1b}[31m.ron")
        .to_str()
        .unwrap()
        .to_owned();
    let o = csp(&["check", &name]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "one message, one line: {err}");
    assert!(
        err.contains("bad\\nerror: forged line\\u{1b}[31m.ron"),
        "{err}"
    );
    assert!(
        !err.contains('\u{1b}'),
        "no escape sequence reaches the terminal: {err}"
    );
}

#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_work_in_every_command() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let (parties, links) = spreadsheets(dir.path());
    let odd = dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"chan\xffnel.ron"));
    let run = |args: &[&std::ffi::OsStr]| {
        Command::new(env!("CARGO_BIN_EXE_csp-explorer"))
            .args(args)
            .output()
            .unwrap()
    };
    let o = run(&[
        "import".as_ref(),
        parties.as_ref(),
        links.as_ref(),
        "-o".as_ref(),
        odd.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("chan\u{fffd}nel.ron"),
        "shown lossy: {}",
        stdout(&o)
    );
    let converted = dir.path().join("out.cspx");
    let o = run(&["convert".as_ref(), odd.as_os_str(), converted.as_os_str()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for command in ["check", "fix", "diff", "export", "ask"] {
        let mut args: Vec<&std::ffi::OsStr> = vec![command.as_ref(), odd.as_os_str()];
        match command {
            "fix" => args.extend(["--all-safe", "-o", "-"].map(std::ffi::OsStr::new)),
            "diff" => args.push(converted.as_os_str()),
            "export" => args.extend(["--format", "json", "-o", "-"].map(std::ffi::OsStr::new)),
            "ask" => args.extend(["x", "y"].map(std::ffi::OsStr::new)),
            _ => {}
        }
        let o = run(&args);
        let err = stderr(&o);
        assert!(!err.contains("No such file"), "{command}: {err}");
        assert!(!err.contains("invalid UTF-8"), "{command}: {err}");
        if command == "ask" {
            // The scenario was read: the answer is about the parties it does not have.
            assert!(err.contains("chan\u{fffd}nel.ron"), "{command}: {err}");
        } else {
            assert_ne!(o.status.code(), Some(2), "{command}: {err}");
        }
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_standard_error_that_cannot_be_written_is_no_panic() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_csp-explorer"))
        .args(["check", "no-such-file.ron"])
        .stderr(full)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "bad input, said where it could be"
    );
}
