//! `csp-explorer whatif …`: the what-if operations on a set of parties (move customers, change
//! provider, end partnerships, go indirect, DAP to GDAP) and plans, for scripts and CI. Each prints
//! the impact (findings introduced and resolved, by rule and by party) and writes the result.
//! Must not hold what an operation does: `whatif::operation` does, for the window too.
//!
//! Exit codes: 0 the result is written and introduces no violation, 1 it introduces one, 2 bad
//! input or a refused operation (with the reason; nothing is written, unless `apply --keep-going`
//! skipped the refused steps and wrote the rest).

use super::input::{is_stdio, load_scenario, parse_date};
use super::output::{
    Force, bad_input, errln, output_name, refuse_overwriting_inputs, status, write_scenario,
};
use crate::model::{Date, PartyId, Scenario};
use crate::whatif::operation::{Customers, Operation, Resellers, resolve_party};
use crate::whatif::plan::{MAX_PLAN_BYTES, Plan};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// The arguments of `whatif` (its help is the doc comment of `Command::Whatif`).
#[derive(Debug, Args)]
pub struct WhatifArgs {
    #[command(subcommand)]
    command: WhatifCommand,
}

/// Where the result goes: a save file (RON, or `.cspx` by its extension) or `-` for standard
/// output.
#[derive(Debug, Args)]
struct Out {
    /// The result: a save file, or `-` for standard output (the impact then goes to standard
    /// error).
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    #[command(flatten)]
    force: Force,
}

/// The what-if operations.
#[derive(Debug, Subcommand)]
enum WhatifCommand {
    /// Move customers from one seller to another on a date: their purchases, reseller
    /// relationships and admin access end and are made again from the new seller (billed by its
    /// provider), with the same offers and tenants.
    MoveCustomers {
        /// The channel: a save file, `builtin:<slug>`, or `-` for standard input.
        scenario: String,
        /// The seller they leave (id or exact name).
        #[arg(long, value_name = "ID")]
        from: String,
        /// The seller they go to (id or exact name).
        #[arg(long, value_name = "ID")]
        to: String,
        /// The customers (ids or exact names, comma-separated).
        #[arg(
            long,
            value_name = "ID,ID…",
            value_delimiter = ',',
            required_unless_present_any = ["all", "country", "region"],
            conflicts_with_all = ["all", "country", "region"]
        )]
        customers: Vec<String>,
        /// Every customer of the old seller on the date.
        #[arg(long, conflicts_with_all = ["country", "region"])]
        all: bool,
        /// Every customer of the old seller on the date in this country (ISO code).
        #[arg(long, value_name = "CC", conflicts_with = "region")]
        country: Option<String>,
        /// Every customer of the old seller on the date in this CSP region (id or name, as
        /// `csp-explorer rules` names them: EUROPE, "North America", …).
        #[arg(long, value_name = "R")]
        region: Option<String>,
        /// Leave the admin relationships with the old seller.
        #[arg(long)]
        keep_admin: bool,
        /// The day of the move (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        on: Date,
        #[command(flatten)]
        out: Out,
    },
    /// A reseller leaves one indirect provider for another on a date: the partnership ends, an
    /// accepted one with the new provider begins, and the sales billed by the old provider are
    /// billed by the new one.
    ChangeProvider {
        /// The channel: a save file, `builtin:<slug>`, or `-` for standard input.
        scenario: String,
        /// The indirect reseller (id or exact name).
        #[arg(long, value_name = "ID")]
        reseller: String,
        /// The provider it leaves (id or exact name).
        #[arg(long, value_name = "ID")]
        from: String,
        /// The provider it goes to (id or exact name).
        #[arg(long, value_name = "ID")]
        to: String,
        /// The day of the change (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        on: Date,
        #[command(flatten)]
        out: Out,
    },
    /// A provider ends its partnerships with some resellers on a date (named, or all in a country
    /// or a CSP region); nothing else changes, so the check shows what is left behind.
    EndPartnership {
        /// The channel: a save file, `builtin:<slug>`, or `-` for standard input.
        scenario: String,
        /// The indirect provider (id or exact name).
        #[arg(long, value_name = "ID")]
        provider: String,
        /// The resellers (ids or exact names; repeat or separate with commas).
        #[arg(long, value_name = "ID", value_delimiter = ',', num_args = 1.., required_unless_present_any = ["country", "region"], conflicts_with_all = ["country", "region"])]
        reseller: Vec<String>,
        /// Every reseller of the provider in this country (ISO code).
        #[arg(long, value_name = "CC", conflicts_with = "region")]
        country: Option<String>,
        /// Every reseller of the provider in this CSP region (id or name, as `csp-explorer rules`
        /// names them: EUROPE, "North America", …).
        #[arg(long, value_name = "R")]
        region: Option<String>,
        /// The day they end (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        on: Date,
        #[command(flatten)]
        out: Out,
    },
    /// A direct-bill partner is restricted on a date and goes on as an indirect reseller of a
    /// provider: its customers' reseller relationships are extended to the reseller and the
    /// provider.
    GoIndirect {
        /// The channel: a save file, `builtin:<slug>`, or `-` for standard input.
        scenario: String,
        /// The direct-bill partner (id or exact name).
        #[arg(long, value_name = "ID")]
        partner: String,
        /// The indirect provider it partners with (id or exact name).
        #[arg(long, value_name = "ID")]
        provider: String,
        /// Enrol as indirect reseller on a new tenant (by default on the direct-bill tenant).
        #[arg(long)]
        new_tenant: bool,
        /// Move the purchases to the new reseller in the same step.
        #[arg(long)]
        move_purchases: bool,
        /// The day of the transition (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        on: Date,
        #[command(flatten)]
        out: Out,
    },
    /// A partner's DAP admin links end on a date and GDAP links with the chosen roles and duration
    /// begin.
    DapToGdap {
        /// The channel: a save file, `builtin:<slug>`, or `-` for standard input.
        scenario: String,
        /// The partner (id or exact name).
        #[arg(long, value_name = "ID")]
        partner: String,
        /// The least-privileged GDAP roles, separated by commas ("Helpdesk Administrator, License
        /// Administrator").
        #[arg(long, value_name = "ROLES")]
        roles: String,
        /// How long each GDAP relationship lasts (1 to 730 days).
        #[arg(long, value_name = "N")]
        days: u32,
        /// The day of the change (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        on: Date,
        #[command(flatten)]
        out: Out,
    },
    /// Apply a plan (the operations a what-if made, saved from the window or written by hand) to a
    /// channel: each step in order; a step that no longer applies stops the plan with its reason
    /// and nothing is written, unless --keep-going.
    Apply {
        /// The plan file, or `-` for standard input.
        plan: String,
        /// The channel: a save file, `builtin:<slug>`, or `-` for standard input (not both).
        scenario: String,
        /// Skip the steps that do not apply (each reported) and apply the rest.
        #[arg(long)]
        keep_going: bool,
        #[command(flatten)]
        out: Out,
    },
}

impl WhatifArgs {
    /// Runs the operation or plan and writes the result.
    pub fn run(self) -> ExitCode {
        match self.command {
            WhatifCommand::Apply {
                plan,
                scenario,
                keep_going,
                out,
            } => apply_plan(&plan, &scenario, keep_going, &out),
            other => single(other),
        }
    }
}

/// One operation: load, resolve the names, apply, report, write.
fn single(command: WhatifCommand) -> ExitCode {
    let scenario_name = match &command {
        WhatifCommand::MoveCustomers { scenario, .. }
        | WhatifCommand::ChangeProvider { scenario, .. }
        | WhatifCommand::EndPartnership { scenario, .. }
        | WhatifCommand::GoIndirect { scenario, .. }
        | WhatifCommand::DapToGdap { scenario, .. }
        | WhatifCommand::Apply { scenario, .. } => scenario.clone(),
    };
    let base = match load_scenario(Path::new(&scenario_name)) {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    let (operation, output) = match operation_of(command, &base) {
        Ok(op) => op,
        Err(e) => return bad_input(e),
    };
    let mut result = base.clone();
    let prepared = match operation.apply(&mut result) {
        Ok(p) => p,
        Err(refusal) => return bad_input(refusal),
    };
    let heading = format!("{}: {}.", prepared.summary, prepared.counts());
    let inputs = [Path::new(&scenario_name)];
    finish(
        &base,
        &result,
        &scenario_name,
        &inputs,
        &output,
        &heading,
        0,
    )
}

/// The operation a command asks for, its parties resolved from ids or names, and where the
/// result goes.
fn operation_of(command: WhatifCommand, s: &Scenario) -> Result<(Operation, Out), String> {
    let party = |text: &str| resolve_party(s, text);
    let parties = |texts: &[String]| -> Result<Vec<PartyId>, String> {
        texts
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .map(&party)
            .collect()
    };
    Ok(match command {
        WhatifCommand::MoveCustomers {
            from,
            to,
            customers,
            all,
            country,
            region,
            keep_admin,
            on,
            out,
            ..
        } => (
            Operation::MoveCustomers {
                from: party(&from)?,
                to: party(&to)?,
                customers: match (all, country, region) {
                    (true, _, _) => Customers::All,
                    (false, Some(c), _) => Customers::Country(c),
                    (false, None, Some(r)) => Customers::Region(r),
                    (false, None, None) => Customers::Only(parties(&customers)?),
                },
                admin: !keep_admin,
                on,
            },
            out,
        ),
        WhatifCommand::ChangeProvider {
            reseller,
            from,
            to,
            on,
            out,
            ..
        } => (
            Operation::ChangeProvider {
                reseller: party(&reseller)?,
                from: party(&from)?,
                to: party(&to)?,
                on,
            },
            out,
        ),
        WhatifCommand::EndPartnership {
            provider,
            reseller,
            country,
            region,
            on,
            out,
            ..
        } => (
            Operation::EndPartnerships {
                provider: party(&provider)?,
                resellers: match (country, region) {
                    (Some(c), _) => Resellers::Country(c),
                    (None, Some(r)) => Resellers::Region(r),
                    (None, None) => Resellers::Only(parties(&reseller)?),
                },
                on,
            },
            out,
        ),
        WhatifCommand::GoIndirect {
            partner,
            provider,
            new_tenant,
            move_purchases,
            on,
            out,
            ..
        } => (
            Operation::GoIndirect {
                partner: party(&partner)?,
                provider: party(&provider)?,
                new_tenant,
                move_purchases,
                on,
            },
            out,
        ),
        WhatifCommand::DapToGdap {
            partner,
            roles,
            days,
            on,
            out,
            ..
        } => (
            Operation::DapToGdap {
                partner: party(&partner)?,
                roles: roles
                    .split([',', ';'])
                    .map(|r| r.trim().to_owned())
                    .filter(|r| !r.is_empty())
                    .collect(),
                days,
                on,
            },
            out,
        ),
        WhatifCommand::Apply { .. } => {
            return Err("a plan is not one operation".to_owned());
        }
    })
}

/// `whatif apply PLAN SCENARIO`.
fn apply_plan(plan_name: &str, scenario_name: &str, keep_going: bool, output: &Out) -> ExitCode {
    if is_stdio(Path::new(plan_name)) && is_stdio(Path::new(scenario_name)) {
        return bad_input("only one of the plan and the scenario can come from standard input (-)");
    }
    let plan = match read_plan(plan_name) {
        Ok(p) => p,
        Err(e) => return bad_input(e),
    };
    let base = match load_scenario(Path::new(scenario_name)) {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    let mut result = base.clone();
    let applied = match plan.apply(&mut result, keep_going) {
        Ok(a) => a,
        Err(refused) => {
            return bad_input(format!(
                "{plan_name}: {refused}. Nothing was written (--keep-going skips the steps that do not apply)."
            ));
        }
    };
    let mut heading = format!(
        "Applied {} of {} to {scenario_name}:",
        crate::text::count(applied.done.len(), "step", "steps"),
        if plan.title.is_empty() {
            plan_name.to_owned()
        } else {
            format!("plan “{}”", plan.title)
        }
    );
    for (step, prepared) in &applied.done {
        heading.push_str(&format!(
            "\n  {step}. {}: {}.",
            prepared.summary,
            prepared.counts()
        ));
    }
    for skipped in &applied.skipped {
        errln!("skipped {skipped}");
    }
    let code = if applied.skipped.is_empty() { 0 } else { 2 };
    let inputs = [Path::new(scenario_name), Path::new(plan_name)];
    finish(
        &base,
        &result,
        scenario_name,
        &inputs,
        output,
        &heading,
        code,
    )
}

/// Reads a plan file (or standard input), size-limited and decoded like every file.
fn read_plan(name: &str) -> Result<Plan, String> {
    let bytes = if is_stdio(Path::new(name)) {
        crate::io::read::read_capped(std::io::stdin().lock(), MAX_PLAN_BYTES)
            .map_err(|e| format!("standard input: {e}"))?
    } else {
        crate::io::read::read_limited(Path::new(name), MAX_PLAN_BYTES)
            .map_err(|e| format!("{name}: {e}"))?
    };
    let label = if is_stdio(Path::new(name)) {
        "standard input"
    } else {
        name
    };
    let text = crate::io::read::decode_unicode(&bytes).map_err(|e| format!("{label}: {e}"))?;
    Plan::parse(&text, label).map_err(|e| e.to_string())
}

/// Prints what changed and its impact, writes the result, and gives the exit code: `code` when it
/// is not 0 (skipped steps), else 1 when a violation was introduced. The result is not written
/// over one of the `inputs` (unless `--force`).
fn finish(
    base: &Scenario,
    result: &Scenario,
    base_name: &str,
    inputs: &[&Path],
    out: &Out,
    heading: &str,
    code: u8,
) -> ExitCode {
    let output = out.output.as_path();
    if let Err(code) = refuse_overwriting_inputs(output, inputs, out.force) {
        return code;
    }
    let d = crate::whatif::diff(base, result);
    let impact = crate::whatif::impact(&d, base, result);
    let on_stdout = is_stdio(output);
    let report = format!("{heading}\n{}", impact.to_text(base_name));
    if let Err(code) = status(on_stdout, format_args!("{}", report.trim_end())) {
        return code;
    }
    if let Err(code) = write_scenario(result, output, out.force) {
        return code;
    }
    if let Err(code) = status(on_stdout, format_args!("Wrote {}.", output_name(output))) {
        return code;
    }
    match code {
        0 if impact.violations > 0 => ExitCode::from(1),
        0 => ExitCode::SUCCESS,
        other => ExitCode::from(other),
    }
}
