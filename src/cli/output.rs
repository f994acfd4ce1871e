//! Where the commands' results and messages go: standard output (quietly done when the reader has
//! gone), files written atomically, status lines, and exit code 2 for bad input.
//! Must not load, check or format scenarios: each command does that in its own file.

use super::input::is_stdio;
use crate::io::disk::ReadOnly;
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

/// Prints a line to standard error like `eprintln!`, through [`to_stderr`]: never a panic.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::output::to_stderr(format_args!($($arg)*))
    };
}

pub(crate) use {errln, out, outln};

/// Writes to standard output: `Err` carries the exit code to end with (success when the reader
/// closed the pipe, 2 for any other failure).
pub(crate) fn emit(bytes: &[u8]) -> Result<(), ExitCode> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(|e| stdout_failed(&e))
}

/// Standard output as a [`std::fmt::Write`], buffered: a long report is written as it is made
/// rather than held whole first. The first failure stops it; [`ToStdout::finish`] ends with the
/// exit code [`emit`] would give.
pub(crate) struct ToStdout {
    out: std::io::BufWriter<std::io::StdoutLock<'static>>,
    failed: Option<std::io::Error>,
}

impl Default for ToStdout {
    fn default() -> Self {
        ToStdout {
            out: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
            failed: None,
        }
    }
}

impl std::fmt::Write for ToStdout {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        use std::io::Write;
        if self.failed.is_some() {
            return Err(std::fmt::Error);
        }
        self.out.write_all(s.as_bytes()).map_err(|e| {
            self.failed = Some(e);
            std::fmt::Error
        })
    }
}

impl ToStdout {
    /// Flushes what is left: `Err` carries the exit code to end with, as [`emit`]'s does.
    pub(crate) fn finish(mut self) -> Result<(), ExitCode> {
        use std::io::Write;
        match self.failed.take() {
            Some(e) => Err(e),
            None => self.out.flush(),
        }
        .map_err(|e| stdout_failed(&e))
    }
}

/// The exit code after writing to standard output failed: success when the reader closed the
/// pipe (it has what it wanted), else 2 with a message.
pub(crate) fn stdout_failed(e: &std::io::Error) -> ExitCode {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        ExitCode::SUCCESS
    } else {
        bad_input(format!("cannot write to standard output: {e}"))
    }
}

/// `--force` of the commands that write a file: what it lets them replace.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::Args)]
pub(crate) struct Force {
    /// Replace the output even when it is one of the files this command reads, or write-protected.
    #[arg(long)]
    force: bool,
}

impl Force {
    pub(crate) fn read_only(self) -> ReadOnly {
        if self.force {
            ReadOnly::Replace
        } else {
            ReadOnly::Refuse
        }
    }
}

/// Refuses to write `output` over one of the files the command reads (`inputs`), unless `--force`:
/// `import parties.csv links.csv -o parties.csv` would replace the spreadsheet it reads. Files
/// are compared by identity, so a link to an input or its name in another case is caught too.
pub(crate) fn refuse_overwriting_inputs(
    output: &Path,
    inputs: &[&Path],
    force: Force,
) -> Result<(), ExitCode> {
    if force.force || is_stdio(output) {
        return Ok(());
    }
    let read = inputs
        .iter()
        .filter(|input| !is_stdio(input) && super::input::builtin_slug(input).is_none())
        .find(|input| crate::io::disk::same_file(output, input));
    match read {
        None => Ok(()),
        Some(input) => {
            let same = if output == *input {
                String::new()
            } else {
                format!(" (the same file as {})", crate::text::path(input))
            };
            Err(bad_input(format!(
                "{}{same} is a file this command reads: writing the result there would replace it. \
                 Give the result another name, or add --force to replace it anyway.",
                crate::text::path(output)
            )))
        }
    }
}

/// Saves a scenario (atomically) or writes its save-file text to standard output for `-`. A
/// write-protected file is replaced only with `--force`.
pub(crate) fn write_scenario(
    scenario: &Scenario,
    output: &Path,
    force: Force,
) -> Result<(), ExitCode> {
    if is_stdio(output) {
        let text = crate::io::scenario_to_ron(scenario).map_err(bad_input)?;
        emit(text.as_bytes())
    } else {
        crate::io::save::save_with_options(
            scenario,
            output,
            &crate::progress::Progress::none(),
            &save_options(force),
        )
        .map_err(bad_input)
    }
}

/// Writes the `.cspx` save `input` to `output` as loading it and [`write_scenario`] would, without
/// building the scenario (see [`crate::io::save::resave_binary`]): the numbers of parties and
/// links written, or `None` when that cannot be done (nothing written; load and save instead).
pub(crate) fn resave_scenario(
    input: &Path,
    output: &Path,
    force: Force,
) -> Result<Option<(usize, usize)>, ExitCode> {
    if is_stdio(input) || is_stdio(output) {
        return Ok(None);
    }
    crate::io::save::resave_binary(input, output, &save_options(force)).map_err(bad_input)
}

fn save_options(force: Force) -> crate::io::save::SaveOptions<'static> {
    crate::io::save::SaveOptions {
        read_only: force.read_only(),
        replace_other: force.force,
        ..crate::io::save::SaveOptions::default()
    }
}

/// A status line ("Exported … to …"): on standard output, unless the result itself goes there
/// (`-o -`), where it would be mixed into the file; then on standard error.
pub(crate) fn status(
    result_on_stdout: bool,
    text: std::fmt::Arguments<'_>,
) -> Result<(), ExitCode> {
    if result_on_stdout {
        errln!("{text}");
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
        crate::text::path(path)
    }
}

/// Says what was wrong with the input on standard error and gives exit code 2.
pub(crate) fn bad_input(message: impl std::fmt::Display) -> ExitCode {
    errln!("error: {message}");
    ExitCode::from(2)
}

/// Writes a line to standard error, with every control character but line breaks and tabs shown
/// escaped (what a message quotes of a file is escaped where it is quoted; this is the last guard
/// before the terminal). A standard error that cannot be written (`2>/dev/full`, a closed pipe) is
/// not a reason to panic: the exit code still says how the command went.
pub fn to_stderr(text: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut safe = String::new();
    for c in text.to_string().chars() {
        if c.is_control() && !matches!(c, '\n' | '\t') {
            safe.extend(c.escape_default());
        } else {
            safe.push(c);
        }
    }
    let _ = writeln!(std::io::stderr().lock(), "{safe}");
}
