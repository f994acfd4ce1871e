//! `csp-explorer generate`: a deterministic, realistic channel of any size into a save file.
//! Must not decide what a channel holds: `crate::generate` does, for the benches and tests too.

use super::input::is_stdio;
use super::output::{Force, bad_input, output_name, status, write_scenario};
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// The arguments of `generate` (its help is the doc comment of `Command::Generate`).
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Indirect providers (distributors).
    #[arg(long, default_value_t = 10)]
    providers: usize,
    /// Indirect resellers.
    #[arg(long, default_value_t = 1_000)]
    resellers: usize,
    /// Direct-bill partners.
    #[arg(long, default_value_t = 20)]
    direct_bill: usize,
    /// Customers.
    #[arg(long, default_value_t = 10_000)]
    customers: usize,
    /// The same seed always gives the same channel.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Share of resellers and customers with a deliberate rule break (0 to 1).
    #[arg(long, default_value_t = 0.02)]
    break_rate: f64,
    /// Where to write the scenario (.ron, or .cspx for the compact binary format; `-` for RON
    /// on standard output).
    #[arg(short, long, value_name = "SCENARIO.ron")]
    output: PathBuf,
    #[command(flatten)]
    force: Force,
}

impl GenerateArgs {
    /// Generates the channel and writes it.
    pub fn run(self) -> ExitCode {
        generate_channel(
            &crate::generate::GenerateOptions {
                providers: self.providers,
                resellers: self.resellers,
                direct_bill: self.direct_bill,
                customers: self.customers,
                seed: self.seed,
                break_rate: self.break_rate,
            },
            &self.output,
            self.force,
        )
    }
}

fn generate_channel(
    options: &crate::generate::GenerateOptions,
    output: &Path,
    force: Force,
) -> ExitCode {
    let scenario = match crate::generate::generate(options) {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    if let Err(code) = write_scenario(&scenario, output, force) {
        return code;
    }
    status(
        is_stdio(output),
        format_args!(
            "Generated {} parties and {} links into {}.",
            scenario.party_count(),
            scenario.link_count(),
            output_name(output)
        ),
    )
    .err()
    .unwrap_or(ExitCode::SUCCESS)
}
