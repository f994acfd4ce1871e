//! `csp-explorer convert`: a save from RON to `.cspx` or back, the input told by its content and the
//! output by its extension. Must not know either format: `io` reads and writes both.

use super::input::{builtin_slug, is_stdio, load_scenario};
use super::output::{
    Force, bad_input, output_name, refuse_overwriting_inputs, resave_scenario, status,
    write_scenario,
};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

// The arguments of `convert` (its help is the doc comment of `Command::Convert`).
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The save to read (RON or .cspx).
    input: PathBuf,
    /// Where to write it: `.cspx` for the binary format, any other name for RON.
    output: PathBuf,
    #[command(flatten)]
    force: Force,
}

impl ConvertArgs {
    /// Reads the save and writes it in the format its output's name asks for.
    pub fn run(self) -> ExitCode {
        let (input, output) = (&self.input, self.output.as_path());
        if let Err(code) = refuse_overwriting_inputs(output, &[input], self.force) {
            return code;
        }
        let wrote = |parties: usize, links: usize| {
            let format = if crate::io::binary::wants_binary(output) {
                "compact binary .cspx"
            } else {
                "RON"
            };
            status(
                is_stdio(output),
                format_args!(
                    "Wrote {parties} parties and {links} links to {} ({format}).",
                    output_name(output)
                ),
            )
            .err()
            .unwrap_or(ExitCode::SUCCESS)
        };
        // A `.cspx` to a `.cspx` is written from its records, without building the channel in
        // between; any other file, or one that needs more than that, is loaded and saved.
        if builtin_slug(input).is_none() {
            match resave_scenario(input, output, self.force) {
                Ok(Some((parties, links))) => return wrote(parties, links),
                Ok(None) => {}
                Err(code) => return code,
            }
        }
        let scenario = match load_scenario(input) {
            Ok(s) => s,
            Err(e) => return bad_input(e),
        };
        if let Err(code) = write_scenario(&scenario, output, self.force) {
            return code;
        }
        wrote(scenario.party_count(), scenario.link_count())
    }
}
