//! The command line, run as a user would: real binary, real files, exit codes and output. One test
//! binary; a module per command or concern, sharing the helpers here.

mod check;
mod export;
mod fix;
mod guards;
mod import;
mod listings;
mod pipes;
mod saves;
mod whatif;

use std::path::Path;
use std::process::{Command, Output};

pub(crate) fn csp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_csp-explorer"))
        .args(args)
        .output()
        .expect("the binary runs")
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub(crate) const PARTIES: &str = "saves/examples/parties.csv";
pub(crate) const LINKS: &str = "saves/examples/links.csv";

pub(crate) fn import_example(dir: &Path) -> String {
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

/// Runs the binary with its standard output on a pipe whose reading end is already closed, as
/// `csp-explorer … | head -1` is once `head` has its line.
pub(crate) fn csp_into_closed_pipe(args: &[&str]) -> Output {
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
pub(crate) fn csp_with_stdin(args: &[&str], input: &[u8]) -> Output {
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
