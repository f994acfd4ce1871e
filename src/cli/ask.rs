//! `csp-explorer ask`: can this partner sell this offer to this customer? Yes or no, the chain, and
//! every rule in the way; exit code 0 for yes, 1 for no.
//! Must not decide the answer itself: `whatif::ask` tries the sale with the same rules.

use super::Format;
use super::input::{load_scenario, parse_date};
use super::output::{bad_input, out};
use crate::model::Date;
use clap::Args;
use std::process::ExitCode;

// The arguments of `ask` (its help is the doc comment of `Command::Ask`).
#[derive(Debug, Args)]
pub struct AskArgs {
    /// A save file, `builtin:<slug>`, or `-` for standard input.
    scenario: std::path::PathBuf,
    /// The id of the partner that would sell.
    seller: String,
    /// The id of the customer that would buy.
    customer: String,
    /// The offer.
    #[arg(long, default_value = "Azure plan")]
    offer: String,
    /// Ask as of this date (YYYY-MM-DD) instead of the scenario's own.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_of: Option<Date>,
    /// Output format (text or json).
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

impl AskArgs {
    /// Asks the question and prints the answer.
    pub fn run(self) -> ExitCode {
        ask(
            &self.scenario,
            self.seller,
            self.customer,
            self.offer,
            self.as_of,
            self.format,
        )
    }
}

fn ask(
    name: &std::path::Path,
    seller: String,
    customer: String,
    offer: String,
    as_of: Option<Date>,
    format: Format,
) -> ExitCode {
    let mut scenario = match load_scenario(name) {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    if let Some(date) = as_of {
        scenario.meta.as_of = Some(date);
    }
    let question = crate::whatif::Question {
        seller: seller.into(),
        customer: customer.into(),
        offer,
    };
    let answer = match crate::whatif::ask(&scenario, &question) {
        Ok(a) => a,
        Err(e) => return bad_input(format!("{}: {e}", crate::text::path(name))),
    };
    match format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&answer.to_json()).unwrap_or_default();
            text.push('\n');
            out!("{text}");
        }
        Format::Text | Format::Markdown => out!("{}", answer.to_text(&scenario)),
    }
    if answer.yes {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
