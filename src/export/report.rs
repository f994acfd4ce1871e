//! Owns: the findings as a Markdown handout, a CSV sheet and JSON. Must not: decide what a finding
//! says (the rules do) or let a name or message shape the file (every text goes through
//! [`super::sanitize`]).

use super::Sheet;
use super::sanitize::{clean, csv_cell, markdown_code, markdown_line};
use crate::rules::{Finding, Severity, Subject};
use std::fmt::Write as _;

fn subject(f: &Finding) -> (&'static str, String) {
    match &f.subject {
        Subject::Link(id) => ("link", id.to_string()),
        Subject::Party(id) => ("party", id.to_string()),
    }
}

fn parties(sheet: &Sheet, f: &Finding) -> String {
    f.path
        .iter()
        .map(|p| clean(&sheet.name(p)).into_owned())
        .collect::<Vec<_>>()
        .join(" → ")
}

pub(crate) fn markdown(sheet: &Sheet) -> String {
    let s = sheet.scenario;
    let counts = sheet.checker.counts();
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", markdown_line(&s.meta.title));
    if !s.meta.description.is_empty() {
        for line in clean(&s.meta.description).lines() {
            let _ = writeln!(out, "{}", markdown_line(line));
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "Checked as of **{}**: {}.\n",
        sheet.as_of,
        crate::text::severities(counts.violation, counts.warning, counts.note)
    );
    // In the diagrams' order, with their callout numbers: a number read on a slide is found here.
    let findings = sheet.numbered();
    if findings.is_empty() {
        out.push_str("No finding: every link follows the program rules.\n");
    }
    for severity in Severity::WORST_FIRST {
        let group: Vec<&(Option<usize>, Finding)> = findings
            .iter()
            .filter(|(_, f)| f.severity == severity)
            .collect();
        if group.is_empty() {
            continue;
        }
        let heading = match severity {
            Severity::Violation => "Violations",
            Severity::Warning => "Warnings",
            Severity::Note => "Notes (allowed patterns)",
        };
        let _ = writeln!(out, "## {heading}\n");
        for (number, f) in group {
            let info = f.info();
            let (kind, id) = subject(f);
            let number = number.map(|n| format!("{n}. ")).unwrap_or_default();
            let _ = writeln!(out, "### {number}{} (`{}`)\n", info.title, f.rule);
            let _ = writeln!(
                out,
                "- **Where:** {kind} {} — {}",
                markdown_code(&id),
                markdown_line(&parties(sheet, f))
            );
            let _ = writeln!(out, "- **What:** {}", markdown_line(&f.message));
            let _ = writeln!(out, "- **Why:** {}", info.why);
            let _ = writeln!(out, "- **Source:** {}", info.source);
            let _ = writeln!(out, "- **Fix:** {}\n", info.fix);
        }
    }
    out
}

/// The findings as CSV separated by `delimiter`; every cell through [`csv_cell`], and with a byte
/// order mark first when the file is for Excel (`excel`), which otherwise reads UTF-8 as the
/// machine's legacy code page.
pub(crate) fn csv(sheet: &Sheet, excel: bool, delimiter: u8) -> Vec<u8> {
    let start = if excel {
        super::sanitize::UTF8_BOM.to_vec()
    } else {
        Vec::new()
    };
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(start);
    let header = [
        "severity",
        "rule",
        "title",
        "subject_kind",
        "subject",
        "parties",
        "message",
        "why",
        "fix",
        "number",
    ];
    // Writing to memory cannot fail; a failure would mean a bug in the csv crate.
    let _ = writer.write_record(header);
    for (number, f) in sheet.numbered() {
        let (kind, id) = subject(&f);
        let info = f.info();
        let number = number.map(|n| n.to_string()).unwrap_or_default();
        let _ = writer.write_record(
            [
                f.severity.key(),
                f.rule.key(),
                info.title,
                kind,
                id.as_str(),
                parties(sheet, &f).as_str(),
                f.message.as_str(),
                info.why,
                info.fix,
                number.as_str(),
            ]
            .map(|cell| csv_cell(cell).into_owned()),
        );
    }
    writer.into_inner().unwrap_or_default()
}

pub(crate) fn json(sheet: &Sheet) -> String {
    let findings: Vec<serde_json::Value> = sheet
        .numbered()
        .iter()
        .map(|(number, f)| {
            let info = f.info();
            serde_json::json!({
                "number": number,
                "rule": f.rule.key(),
                "severity": f.severity.key(),
                "title": info.title,
                "link": f.subject.link().map(|l| l.as_str()),
                "party": f.subject.party().map(|p| p.as_str()),
                "path": f.path.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
                "parties": parties(sheet, f),
                "message": clean(&f.message),
                "why": info.why,
                "source": info.source,
                "fix": info.fix,
            })
        })
        .collect();
    let counts = sheet.checker.counts();
    let value = serde_json::json!({
        "format_version": crate::JSON_FORMAT_VERSION,
        "scenario": clean(&sheet.scenario.meta.title),
        "as_of": sheet.as_of.to_string(),
        "findings": findings,
        "counts": counts,
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
