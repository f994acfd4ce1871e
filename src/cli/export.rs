//! `csp-explorer export`: a diagram (SVG, PNG, draw.io, DOT, GraphML, GEXF, Mermaid) or a findings
//! report (Markdown, CSV, JSON) of a channel, written atomically or to standard output.
//! Must not draw or format anything itself: `crate::export` does, for the window too.

use super::input::{is_stdio, load_scenario, parse_date, parse_export_format};
use super::output::{
    Force, bad_input, errln, output_name, refuse_overwriting_inputs, status, stdout_failed,
};
use crate::export::{Background, Detail, ExportFormat, ExportOptions, FindingsList, Slide};
use crate::model::Date;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

// The arguments of `export` (its help is the doc comment of `Command::Export`).
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// A save file, `builtin:<slug>`, or `-` for standard input.
    scenario: PathBuf,
    /// A word left after the scenario: `--slide 3840x2160` puts the size here or in `scenario`
    /// (the size goes after `=`), and the user is told so rather than "unexpected argument".
    #[arg(hide = true)]
    stray: Option<PathBuf>,
    /// The format: svg, png, drawio, dot, graphml, gexf, mermaid, md, csv or json.
    #[arg(long, value_parser = parse_export_format)]
    format: ExportFormat,
    /// Where to write it (written atomically: a failed export leaves no file); `-` for standard
    /// output. An SVG to a `.svgz` file is gzip-compressed.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// PNG scale (1 = one pixel per unit; 2 for high-density screens). A whole large channel
    /// on a slide: --slide.
    #[arg(long, default_value_t = 1.0)]
    scale: f32,
    /// SVG and PNG: the whole channel on one slide, 1920x1080 unless a size is given
    /// (`--slide=3840x2160`): the drawing fitted beside a panel of its tiers, link states and
    /// findings by rule, every text readable on the slide (names and link kinds drawn only where
    /// they are).
    // The size only after `=`: a bare `--slide` before the channel's file would otherwise take
    // the file's name for its size.
    #[arg(
        long,
        value_name = "WIDTHxHEIGHT",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "1920x1080",
        value_parser = Slide::parse,
        conflicts_with_all = ["scale", "findings"]
    )]
    slide: Option<Slide>,
    /// Check as of this date (YYYY-MM-DD) instead of the scenario's own.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    as_of: Option<Date>,
    /// A transparent PNG background instead of white.
    #[arg(long)]
    transparent: bool,
    /// CSV for Excel: starts the file with a UTF-8 byte order mark, so Excel on Windows shows
    /// non-ASCII names right, and separates cells with what Excel expects in --locale.
    #[arg(long)]
    excel: bool,
    /// The locale of the Excel that opens the CSV (de, fr-FR, en_US, …): `;` where the decimal
    /// separator is a comma (German, French, Spanish, …), `,` elsewhere. By default the
    /// environment's (LC_ALL, LC_NUMERIC, LANG).
    #[arg(long, value_name = "LOCALE", requires = "excel")]
    locale: Option<String>,
    /// The CSV separator, one character (`;`, `,`, `tab`); wins over --excel's.
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    delimiter: Option<u8>,
    #[command(flatten)]
    force: Force,
    /// SVG and PNG: the findings below the drawing: all, summary (every finding up to 30, above
    /// that grouped by rule with the first few of each) or none. The callouts' numbers stay on
    /// the drawing; md, csv and json list every finding with them.
    #[arg(long, value_name = "LIST", default_value = "summary", value_parser = parse_findings_list)]
    findings: FindingsList,
    /// SVG and PNG: the labels drawn: full (names and link kinds), names, shapes (neither), or
    /// auto (everything in an SVG; in a PNG what its scale draws readably: kinds from --scale
    /// 0.55, names from 0.4).
    #[arg(long, value_name = "LEVEL", default_value = "auto", value_parser = parse_detail)]
    detail: Detail,
    /// SVG: every text as outlines of the glyphs the PNG draws, so any renderer or slide tool
    /// shows it as csp-explorer does, without its fonts (the texts are no longer editable).
    #[arg(long)]
    text_as_paths: bool,
}

/// The size a user gave as `--slide 3840x2160` (read as the scenario or as a stray word, since
/// `--slide` takes its size only after `=`): a word written as a size that names no file.
fn slide_size_after_a_space(
    scenario: &std::path::Path,
    stray: Option<&std::path::Path>,
) -> Option<String> {
    std::iter::once(scenario).chain(stray).find_map(|word| {
        let text = word.to_str()?;
        (Slide::sides(text).is_some() && !word.exists()).then(|| text.to_owned())
    })
}

/// A `--findings` choice.
fn parse_findings_list(value: &str) -> Result<FindingsList, String> {
    FindingsList::from_key(value)
        .ok_or_else(|| format!("\"{value}\" is not a findings list; use all, summary or none"))
}

/// A `--detail` level.
fn parse_detail(value: &str) -> Result<Detail, String> {
    Detail::from_key(value).ok_or_else(|| {
        format!("\"{value}\" is not a level of detail; use auto, full, names or shapes")
    })
}

/// A CSV separator: one ASCII character, or `tab`.
fn parse_delimiter(value: &str) -> Result<u8, String> {
    match value {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        v if v.len() == 1 && v.is_ascii() && !v.starts_with(['"', '\n', '\r']) => {
            Ok(v.as_bytes()[0])
        }
        _ => Err(format!(
            "\"{value}\" is not a separator: give one character such as ; or , (or tab)"
        )),
    }
}

impl ExportArgs {
    /// Exports the scenario and says where it went (and which characters no font draws).
    pub fn run(self) -> ExitCode {
        let Self {
            scenario,
            format,
            output,
            scale,
            as_of,
            transparent,
            excel,
            locale,
            delimiter,
            force,
            findings,
            detail,
            text_as_paths,
            slide,
            stray,
        } = self;
        if let Some(size) = slide_size_after_a_space(&scenario, stray.as_deref()) {
            return bad_input(format_args!(
                "{size} is a slide's size, not a channel's file: write it after `=`, \
                 --slide={size}"
            ));
        }
        if let Some(stray) = stray {
            return bad_input(format_args!(
                "export takes one channel, {} and {} are two: give one, and its output with -o",
                scenario.display(),
                stray.display()
            ));
        }
        if slide.is_some() && !matches!(format, ExportFormat::Svg | ExportFormat::Png) {
            return bad_input(format_args!(
                "--slide draws a slide as svg or png, not {}",
                format.key()
            ));
        }
        if let Err(code) = refuse_overwriting_inputs(&output, &[&scenario], force) {
            return code;
        }
        let loaded = match load_scenario(&scenario) {
            Ok(s) => s,
            Err(e) => return bad_input(e),
        };
        let options = ExportOptions {
            scale,
            as_of,
            background: if transparent {
                Background::Transparent
            } else {
                Background::White
            },
            excel,
            delimiter,
            locale,
            area: None,
            drawn: None,
            findings,
            detail,
            text_as_paths,
            slide,
        };
        let written = if is_stdio(&output) {
            // As it is written, like a file: a large diagram is never whole in memory.
            let mut stdout = std::io::stdout().lock();
            match crate::export::export_to_writer(
                &loaded,
                format,
                &options,
                &mut stdout,
                &crate::progress::Progress::none(),
            ) {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(stdout_failed(&e)),
                Err(e) => Err(bad_input(e)),
            }
        } else {
            // Into the file as it is written: a large diagram is never whole in memory.
            crate::export::export_to_path(
                &loaded,
                format,
                &options,
                &output,
                &crate::progress::Progress::none(),
                force.read_only(),
            )
            .map_err(bad_input)
        };
        match written {
            Ok(()) => {
                if matches!(format, ExportFormat::Png)
                    && let Some(warning) = crate::fonts::Fonts::shared().coverage_warning(
                        std::iter::once(loaded.meta.title.as_str())
                            .chain(loaded.parties().map(|p| p.name.as_str())),
                    )
                {
                    errln!("warning: {warning}");
                }
                if matches!(format, ExportFormat::Dot)
                    && loaded.party_count() > crate::export::DOT_UP_TO
                {
                    let file = if is_stdio(&output) {
                        "FILE.dot".to_owned()
                    } else {
                        output_name(&output)
                    };
                    eprintln!(
                        "warning: {}",
                        crate::export::too_large_for_dot(loaded.party_count(), &file)
                    );
                }
                let done = status(
                    is_stdio(&output),
                    format_args!(
                        "Exported {} as {} to {}.",
                        loaded.meta.title,
                        format.key(),
                        output_name(&output)
                    ),
                );
                done.err().unwrap_or(ExitCode::SUCCESS)
            }
            Err(code) => code,
        }
    }
}
