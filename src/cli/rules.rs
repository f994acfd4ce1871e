//! `csp-explorer rules`: the rule catalogue as text, JSON or a Markdown table.
//! Must not describe rules itself: every word comes from `rules::catalog`.

use super::Format;
use super::output::out;
use crate::rules::RuleId;
use crate::rules::catalog::CATALOG;
use clap::Args;
use std::fmt::Write as _;
use std::process::ExitCode;

// The arguments of `rules` (its help is the doc comment of `Command::Rules`).
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

impl RulesArgs {
    /// Prints the catalogue.
    pub fn run(self) -> ExitCode {
        out!("{}", render_rules(self.format));
        ExitCode::SUCCESS
    }
}

/// The catalogue as text, JSON or a Markdown table.
pub fn render_rules(format: Format) -> String {
    match format {
        Format::Json => {
            let rules: Vec<serde_json::Value> = CATALOG
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id.key(), "severity": r.severity.key(), "title": r.title,
                        "what": r.what, "why": r.why, "source": r.source,
                        "source_url": r.source_url, "fix": r.fix, "example": r.example,
                    })
                })
                .collect();
            let value = serde_json::json!({
                "format_version": crate::JSON_FORMAT_VERSION,
                "rules": rules,
            });
            let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
            text.push('\n');
            text
        }
        Format::Markdown => {
            let mut out =
                String::from("| id | severity | what | fix | source |\n|---|---|---|---|---|\n");
            for r in CATALOG {
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} | {} | [{}]({}) |",
                    r.id.key(),
                    severity_label(r.id),
                    r.what.replace('|', "\\|"),
                    r.fix.replace('|', "\\|"),
                    r.source.replace('|', "\\|"),
                    r.source_url
                );
            }
            out
        }
        Format::Text => {
            let mut out = String::new();
            for r in CATALOG {
                let _ = writeln!(
                    out,
                    "{} ({}): {}",
                    r.id.key(),
                    severity_label(r.id),
                    r.title
                );
                let _ = writeln!(out, "  what:   {}", r.what);
                let _ = writeln!(out, "  why:    {}", r.why);
                let _ = writeln!(out, "  source: {}", r.source);
                let _ = writeln!(out, "          {}", r.source_url);
                let _ = writeln!(out, "  fix:    {}", r.fix);
                let _ = writeln!(out, "  e.g.    {}\n", r.example);
            }
            out
        }
    }
}

fn severity_label(rule: RuleId) -> &'static str {
    match rule {
        RuleId::ResellerNotReady => "violation (warning on a partnership)",
        _ => rule.info().severity.key(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_markdown_table_lists_every_rule() {
        let table = render_rules(Format::Markdown);
        assert_eq!(table.lines().count(), 2 + RuleId::ALL.len());
    }
}
