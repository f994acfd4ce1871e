//! Where the commands' results and messages go: standard output (quietly done when the reader has
//! gone), files written atomically, status lines, and exit code 2 for bad input.
//! Must not load, check or format scenarios: each command does that in its own file.

use crate::model::Scenario;
use std::path::Path;
use std::process::ExitCode;

/// Prints to standard output like `print!`, but a reader that has gone away (`| head -1`) ends
/// the command quietly with success instead of a panic: what it wanted has been printed. Any other
/// write error ends it with exit code 2 and a message. Only for functions returning [`ExitCode`].
macro_rules! out {
    ($($arg:tt)*) => {
        if let Err(code) = $crate::cli::output::emit(format!($($arg)*).as_bytes()) {
            return code;
        }
    };
}

/// [`out!`] with a line end.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::output::out!("{}\n", format_args!($($arg)*))
    };
}

pub(crate) use {out, outln};

/// Writes to standard output: `Err` carries the exit code to end with (success when the reader
/// closed the pipe, 2 for any other failure).
pub(crate) fn emit(bytes: &[u8]) -> Result<(), ExitCode> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(ExitCode::SUCCESS),
        Err(e) => Err(bad_input(format!("cannot write to standard output: {e}"))),
    }
}

/// `-` as a file name: standard input where a file is read, standard output where one is written.
pub const STDIO: &str = "-";

pub(crate) fn is_stdio(path: &Path) -> bool {
    path.as_os_str() == STDIO
}

/// Writes a command's result to `path` atomically (see [`crate::io::disk::write_atomic`]), or to
/// standard output for `-`.
pub(crate) fn write_output(path: &Path, bytes: &[u8]) -> Result<(), ExitCode> {
    if is_stdio(path) {
        emit(bytes)
    } else {
        crate::io::disk::write_atomic(path, bytes).map_err(bad_input)
    }
}

/// Saves a scenario (atomically) or writes its save-file text to standard output for `-`.
pub(crate) fn write_scenario(scenario: &Scenario, output: &Path) -> Result<(), ExitCode> {
    if is_stdio(output) {
        let text = crate::io::scenario_to_ron(scenario).map_err(bad_input)?;
        emit(text.as_bytes())
    } else {
        crate::io::save(scenario, output).map_err(bad_input)
    }
}

/// A status line ("Exported … to …"): on standard output, unless the result itself goes there
/// (`-o -`), where it would be mixed into the file; then on standard error.
pub(crate) fn status(
    result_on_stdout: bool,
    text: std::fmt::Arguments<'_>,
) -> Result<(), ExitCode> {
    if result_on_stdout {
        eprintln!("{text}");
        Ok(())
    } else {
        emit(format!("{text}\n").as_bytes())
    }
}

/// How a status line names where a result went.
pub(crate) fn output_name(path: &Path) -> String {
    if is_stdio(path) {
        "standard output".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Says what was wrong with the input on standard error and gives exit code 2.
pub(crate) fn bad_input(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
