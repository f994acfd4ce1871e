//! `csp-explorer import`: reads parties and links CSVs and Partner Center files into one channel,
//! writes it as a save and says what each file was taken for.
//! Must not read or recognise the files itself: `io::import` does, for the window and the CLI alike.

use super::input::is_stdio;
use super::output::{
    Force, bad_input, errln, output_name, refuse_overwriting_inputs, status, write_scenario,
};
use crate::io::import::{self as importer, DateOrder, Source};
use crate::rules::Checker;
use clap::{Args, ValueEnum};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// The arguments of `import` (its help is the doc comment of `Command::Import`).
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The files, in any order (`-` reads standard input).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Where to write the scenario (.ron, or .cspx for the compact binary format; `-` writes RON
    /// to standard output and the summary to standard error).
    #[arg(short, long, value_name = "SCENARIO.ron")]
    output: PathBuf,
    /// The scenario's title (default: taken from the first file's name).
    #[arg(long)]
    title: Option<String>,
    /// How to read slash dates like 03/04/2020 whose day and month are both 12 or less
    /// (without it such a date is an error naming it).
    #[arg(long, value_enum)]
    date_order: Option<DateOrderArg>,
    /// Partner Center files: the signed-in partner's company name (see
    /// docs/partner-center-import.md).
    #[arg(long, value_name = "NAME")]
    partner: Option<String>,
    /// Partner Center files: the signed-in partner's kind.
    #[arg(long, value_enum, default_value = "indirect-provider")]
    partner_kind: PartnerKindArg,
    /// Partner Center files: the signed-in partner's country (ISO code or English name).
    #[arg(long, value_name = "CC")]
    country: Option<String>,
    /// Partner Center files: the signed-in partner's own PartnerID.
    #[arg(long, value_name = "N")]
    partner_id: Option<String>,
    #[command(flatten)]
    force: Force,
}

/// `--date-order`: which number of a slash date is the day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DateOrderArg {
    /// Day first: 03/04/2020 is 3 April.
    Dmy,
    /// Month first: 03/04/2020 is 4 March.
    Mdy,
}

/// `--partner-kind`: how the signed-in partner buys from Microsoft.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PartnerKindArg {
    /// A distributor (indirect provider) with indirect resellers.
    IndirectProvider,
    /// A direct-bill partner selling to its own customers.
    DirectBill,
}

impl ImportArgs {
    /// Reads the options into the importer's and imports.
    pub fn run(self) -> ExitCode {
        let partner = match (self.partner, self.country) {
            (None, None) => None,
            (Some(name), Some(country)) => match crate::io::import::text::parse_country(&country) {
                Ok(country) => Some(importer::SignedInPartner {
                    name,
                    kind: match self.partner_kind {
                        PartnerKindArg::IndirectProvider => {
                            crate::model::PartyKind::IndirectProvider
                        }
                        PartnerKindArg::DirectBill => crate::model::PartyKind::DirectBill,
                    },
                    country,
                    partner_id: self.partner_id,
                }),
                Err(e) => return bad_input(format!("--country {e}")),
            },
            _ => return bad_input("--partner and --country go together"),
        };
        let options = importer::Options {
            date_order: match self.date_order {
                None => DateOrder::Ask,
                Some(DateOrderArg::Dmy) => DateOrder::Dmy,
                Some(DateOrderArg::Mdy) => DateOrder::Mdy,
            },
            title: self.title,
            partner,
        };
        import(&self.files, &self.output, &options, self.force)
    }
}

fn import(files: &[PathBuf], output: &Path, options: &importer::Options, force: Force) -> ExitCode {
    if files.iter().filter(|f| is_stdio(f)).count() > 1 {
        return bad_input("standard input (-) can be read only once: give `-` for one file");
    }
    let inputs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    if let Err(code) = refuse_overwriting_inputs(output, &inputs, force) {
        return code;
    }
    let mut sources = Vec::new();
    for file in files {
        match Source::read(file) {
            Ok(s) => sources.push(s),
            Err(e) => return bad_input(e),
        }
    }
    let imported = match importer::import(&sources, options) {
        Ok(i) => i,
        Err(errors) => {
            errln!("{errors}");
            return bad_input(format!(
                "{} in the files; nothing was written",
                crate::text::count(errors.0.len(), "problem", "problems")
            ));
        }
    };
    let scenario = &imported.scenario;
    if let Err(code) = write_scenario(scenario, output, force) {
        return code;
    }
    let counts = Checker::new(scenario).counts();
    let mut summary = format!(
        "Imported {} and {} into {}: {} as of {}.",
        crate::text::count(scenario.party_count(), "party", "parties"),
        crate::text::count(scenario.link_count(), "link", "links"),
        output_name(output),
        crate::text::severities(counts.violation, counts.warning, counts.note),
        scenario.as_of()
    );
    for (file, kind) in &imported.files {
        let _ = write!(summary, "\n  {file}: {kind}");
    }
    for note in imported.notes.iter().chain(&imported.unknown_columns) {
        let _ = write!(summary, "\n  note: {note}");
    }
    status(is_stdio(output), format_args!("{summary}"))
        .err()
        .unwrap_or(ExitCode::SUCCESS)
}
