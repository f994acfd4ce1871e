//! Owns: recognising each file (or workbook sheet) by its content, running its reader, collecting
//! every problem and the summary. Must not: parse cells or map a format's fields (its reader does).
//!
//! Importing a channel from the files people have: the project's parties and links spreadsheets (in
//! any common encoding, separator and wording) and, later in this module, Partner Center's data.
//!
//! [`import`] takes any mix of files and recognises each by its content, not its name. Every
//! problem is collected (up to [`MAX_ERRORS`]) and reported with the file, line and value, so a user
//! fixes the files in one go; nothing is returned unless every file is valid. What the import had to
//! assume or could not read goes into the summary, never silently into the scenario.
//!
//! No egui here: the CLI and the app's import dialog both call [`import`].

mod json;
mod locale;
mod ods;
pub mod partner_center;
pub mod project_csv;
pub mod text;
pub mod workbook;
mod xls;

use crate::io::read::{MAX_FILE_BYTES, read_capped, read_limited};
use crate::model::Scenario;
pub use partner_center::SignedInPartner;
use std::collections::HashMap;
use std::fmt;
use std::path::Path;
pub use text::DateOrder;

/// The file name of the error that says Partner Center data needs the signed-in partner (the
/// app's import dialog asks for the partner in a form instead).
pub const NO_PARTNER_FILE: &str = "(Partner Center data)";

/// Stop collecting after this many errors: past it, the files are probably not what we think.
pub const MAX_ERRORS: usize = 50;

/// One import problem, located.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// The file name as given.
    pub file: String,
    /// 1-based line (the header is line 1); `None` for whole-file problems.
    pub line: Option<u64>,
    /// 1-based column number where the problem is: in a CSV file the cell's position in its row
    /// (the spreadsheet column), in JSON the character; `None` when the whole line (or file) is
    /// meant. (The column's name is [`ImportError::column`].)
    pub col: Option<u64>,
    /// What is wrong, naming the column and value.
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.col) {
            (Some(line), Some(column)) => {
                write!(f, "{}:{}:{}: {}", self.file, line, column, self.message)
            }
            (Some(line), None) => write!(f, "{}:{}: {}", self.file, line, self.message),
            _ => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Every problem found in the files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportErrors(pub Vec<ImportError>);

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        if self.0.len() >= MAX_ERRORS {
            write!(f, "\n(stopped after {MAX_ERRORS} errors)")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportErrors {}

impl ImportErrors {
    /// Records a problem, up to [`MAX_ERRORS`].
    pub fn push(&mut self, file: &str, line: Option<u64>, message: String) {
        self.push_at(file, line, None, message);
    }

    /// True once [`MAX_ERRORS`] problems are recorded: no more will be.
    pub fn is_full(&self) -> bool {
        self.0.len() >= MAX_ERRORS
    }

    /// Records `other`'s problems, up to [`MAX_ERRORS`] in all.
    pub fn append(&mut self, other: ImportErrors) {
        let room = MAX_ERRORS.saturating_sub(self.0.len());
        self.0.extend(other.0.into_iter().take(room));
    }

    /// Records a problem at a line and column, up to [`MAX_ERRORS`].
    pub fn push_at(&mut self, file: &str, line: Option<u64>, column: Option<u64>, message: String) {
        if self.0.len() < MAX_ERRORS {
            // Messages quote cells and file names as written: a control character in either
            // (ESC, NUL, a line break) is shown escaped, never sent to the terminal.
            self.0.push(ImportError {
                file: crate::text::escaped(file, usize::MAX),
                line,
                col: column,
                message: crate::text::escaped(&message, usize::MAX),
            });
        }
    }
}

/// One file to import: its name (for messages and the title) and its bytes.
#[derive(Clone, Debug)]
pub struct Source {
    /// As the user gave it (`-` for standard input).
    pub name: String,
    /// The raw content, in whatever encoding it was saved.
    pub bytes: Vec<u8>,
}

impl Source {
    /// Reads a file, or standard input for `-`, of at most [`MAX_FILE_BYTES`] (a FIFO or device
    /// given as a file is refused; standard input may be a pipe).
    pub fn read(path: &Path) -> Result<Source, ImportError> {
        let name = crate::text::path(path);
        let bytes = if name == "-" {
            read_capped(std::io::stdin().lock(), MAX_FILE_BYTES)
        } else {
            read_limited(path, MAX_FILE_BYTES)
        };
        bytes
            .map(|bytes| Source {
                name: name.clone(),
                bytes,
            })
            .map_err(|e| ImportError {
                file: name,
                line: None,
                col: None,
                message: e.to_string(),
            })
    }
}

/// How to read what the files leave open.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// How to read ambiguous slash dates.
    pub date_order: DateOrder,
    /// The scenario's title; by default taken from the first file's name.
    pub title: Option<String>,
    /// Who is signed in to Partner Center; needed when a Partner Center file is imported.
    pub partner: Option<SignedInPartner>,
}

/// What a file was recognised as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// The project's parties spreadsheet.
    Parties,
    /// The project's links spreadsheet.
    Links,
}

impl FileKind {
    /// How the summary names it.
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Parties => "parties (CSV)",
            FileKind::Links => "links (CSV)",
        }
    }
}

/// A successful import: the channel and what the user should know about how it was read.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The channel.
    pub scenario: Scenario,
    /// Each file, what it was read as and in which encoding.
    pub files: Vec<(String, String)>,
    /// Assumptions the import made (defaults chosen where the data said nothing).
    pub notes: Vec<String>,
    /// Columns present in the files that the import did not read.
    pub unknown_columns: Vec<String>,
}

/// The state shared by the readers of one import.
pub(crate) struct Context {
    pub options: Options,
    pub scenario: Scenario,
    pub errors: ImportErrors,
    pub notes: Vec<String>,
    pub unknown_columns: Vec<String>,
    /// Every party id a file named, with where (`file:line`), even when its row had errors: links
    /// to it are then not reported again.
    pub party_lines: HashMap<String, String>,
    /// Every link id read, with where.
    pub link_lines: HashMap<String, String>,
}

/// Imports a channel from any mix of `sources`, each recognised by its content.
pub fn import(sources: &[Source], options: &Options) -> Result<Imported, ImportErrors> {
    preview(sources, options).result
}

/// What the app's import dialog shows before anything changes: the import's result plus what it
/// needs to ask (a plain function of the files and options, so it can run off the UI thread).
#[derive(Clone, Debug)]
pub struct Preview {
    /// Every file in the order given, with what it was recognised as (or "not recognised").
    pub files: Vec<(String, String)>,
    /// A Partner Center file is among them: the import needs the signed-in partner.
    pub needs_partner: bool,
    /// The country most of the Partner Center customers are billed in, a default for the signed-in
    /// partner's own country.
    pub suggested_country: Option<String>,
    /// A slash date could be read either way: the import needs a [`DateOrder`].
    pub ambiguous_dates: bool,
    /// The channel, or every problem.
    pub result: Result<Imported, ImportErrors>,
}

/// Runs the import and says, besides its result, what each file was and what the import needs.
pub fn preview(sources: &[Source], options: &Options) -> Preview {
    let mut files = Vec::new();
    let mut needs_partner = false;
    let mut suggested_country = None;
    let result = run(
        sources,
        options,
        &mut files,
        &mut needs_partner,
        &mut suggested_country,
    );
    let ambiguous_dates = result.as_ref().err().is_some_and(|errors| {
        errors
            .0
            .iter()
            .any(|e| e.message.contains(text::DATE_ORDER_HINT))
    });
    Preview {
        files,
        needs_partner,
        suggested_country,
        ambiguous_dates,
        result,
    }
}

impl ImportError {
    /// The column a cell error is about: every cell error starts with the column's name in
    /// backticks (`` `date` "2020-13-01" is not a date ``).
    pub fn column(&self) -> Option<&str> {
        let rest = self.message.strip_prefix('`')?;
        rest.split_once('`').map(|(column, _)| column)
    }
}

fn run(
    sources: &[Source],
    options: &Options,
    files: &mut Vec<(String, String)>,
    needs_partner: &mut bool,
    suggested_country: &mut Option<String>,
) -> Result<Imported, ImportErrors> {
    let title = options.title.clone().unwrap_or_else(|| {
        sources
            .first()
            .and_then(|s| Path::new(&s.name).file_stem())
            .filter(|s| *s != "-")
            .map_or_else(
                || "Imported channel".to_owned(),
                // A file name may hold anything a title may not (control characters, 255 bytes
                // of it): keep what a title can show.
                |s| {
                    format!("Imported from {}", s.to_string_lossy())
                        .chars()
                        .filter(|c| !c.is_control())
                        .take(crate::model::limits::MAX_TITLE_CHARS)
                        .collect()
                },
            )
    });
    let mut ctx = Context {
        options: options.clone(),
        scenario: Scenario::new(title),
        errors: ImportErrors::default(),
        notes: Vec::new(),
        unknown_columns: Vec::new(),
        party_lines: HashMap::new(),
        link_lines: HashMap::new(),
    };
    if sources.is_empty() {
        ctx.errors.push(
            "(no file)",
            None,
            "give at least one file to import".to_owned(),
        );
        return Err(ctx.errors);
    }
    let mut links = Vec::new();
    // Parties first, whatever the order on the command line: links refer to them.
    let mut pc = partner_center::PcData::default();
    for source in sources {
        match workbook::sniff(&source.bytes) {
            workbook::Sniffed::Text => {}
            workbook::Sniffed::Other(what) => {
                files.push((source.name.clone(), format!("not recognised ({what})")));
                ctx.errors.push(
                    &source.name,
                    None,
                    format!(
                        "this is {what}, not a file csp-explorer can import; choose a workbook \
                         (.xlsx, .xlsm, .xls, .ods), a CSV file or Partner Center JSON"
                    ),
                );
                continue;
            }
            workbook::Sniffed::Container => {
                let read = if ods::is_ods(&source.bytes) {
                    ods::read(&source.bytes)
                        .map(|sheets| (sheets, "OpenDocument spreadsheet (.ods)"))
                } else {
                    workbook::read(&source.bytes)
                };
                match read {
                    Ok((sheets, format)) => read_workbook(
                        &source.name,
                        sheets,
                        format,
                        &mut ctx,
                        files,
                        &mut pc,
                        &mut links,
                    ),
                    Err(workbook::Unread::TooLarge(message)) => {
                        files.push((source.name.clone(), "not read (too large)".to_owned()));
                        ctx.errors.push(&source.name, None, message);
                    }
                    Err(workbook::Unread::NotAWorkbook) => {
                        files.push((
                            source.name.clone(),
                            "not recognised (not a workbook)".to_owned(),
                        ));
                        ctx.errors.push(
                            &source.name,
                            None,
                            workbook::not_a_workbook(&source.bytes),
                        );
                    }
                }
                continue;
            }
        }
        let (decoded, encoding) = match text::decode(&source.bytes) {
            Ok(decoded) => decoded,
            Err(e) => {
                ctx.errors.push_at(
                    &source.name,
                    Some(e.line as u64),
                    Some(e.column as u64),
                    e.message,
                );
                continue;
            }
        };
        if decoded.trim_start().starts_with(['{', '[']) {
            match json::parse(&decoded) {
                Ok(value) => match partner_center::sniff_json(&value, &source.name) {
                    Some(body) => {
                        files.push((source.name.clone(), body.kind.label().to_owned()));
                        pc.add_json(&source.name, &decoded, body, &mut ctx);
                    }
                    None => {
                        files.push((source.name.clone(), "not recognised (JSON)".to_owned()));
                        ctx.errors.push(
                        &source.name,
                        None,
                        "JSON, but not a Partner Center body csp-explorer reads (customers, \
                         indirect resellers, subscriptions, a customer's relationships or agreements); \
                         see docs/partner-center-import.md"
                            .to_owned(),
                    );
                    }
                },
                Err(json::JsonRefused::TooLarge {
                    line,
                    column,
                    message,
                }) => {
                    files.push((source.name.clone(), "not read (too large)".to_owned()));
                    ctx.errors.push_at(
                        &source.name,
                        Some(line as u64),
                        Some(column as u64),
                        message,
                    );
                }
                Err(json::JsonRefused::Syntax(e)) => {
                    files.push((source.name.clone(), "not valid JSON".to_owned()));
                    ctx.errors.push_at(
                        &source.name,
                        Some(e.line() as u64),
                        Some(e.column() as u64),
                        format!("not valid JSON: {e}"),
                    )
                }
            }
            continue;
        }
        // Recognised by its header before its rows are read: a file no reader knows costs only
        // its first line (a 100 MB file of `x,x,…` took 6.9 GB to be told it was not a CSV
        // csp-explorer reads).
        let header = match text::Table::header_of(&decoded, encoding) {
            Ok(header) => header,
            Err(message) => {
                ctx.errors.push(&source.name, None, message);
                files.push((source.name.clone(), "not read".to_owned()));
                continue;
            }
        };
        let label = |kind: &str| format!("{kind} in {encoding}");
        match recognise(&header) {
            Some(kind) => {
                files.push((source.name.clone(), label(kind.label())));
                // The text moves into the table: its rows are read as they are walked.
                let table = text::Table::parse(decoded, encoding);
                read_table(&source.name, kind, table, &mut ctx, &mut pc, &mut links);
            }
            None => {
                ctx.errors.push(&source.name, None, unrecognised(&header));
                files.push((source.name.clone(), "not recognised".to_owned()));
            }
        }
    }
    *suggested_country = pc.suggested_country();
    if !pc.is_empty() {
        *needs_partner = true;
        match ctx.options.partner.clone() {
            Some(partner) => {
                // A title from the first file's name would be a customer GUID; name the channel
                // after whose view it is.
                if options.title.is_none() {
                    ctx.scenario.meta.title =
                        format!("{}'s channel (Partner Center)", partner.name);
                }
                pc.build(&partner, &mut ctx)
            }
            None => ctx.errors.push(
                NO_PARTNER_FILE,
                None,
                "Partner Center data is seen from the signed-in partner: say who that is with \
                 --partner NAME --partner-kind indirect-provider|direct-bill --country CC"
                    .to_owned(),
            ),
        }
    }
    for (name, table) in &links {
        project_csv::read_links(table, name, &mut ctx);
    }
    // A title given with --title (or typed in the import dialog) is bounded like a saved one, so
    // that what the import writes loads again.
    if let Err(e) = crate::model::limits::check_meta(&ctx.scenario.meta) {
        ctx.errors.push("--title", None, e.to_string());
    }
    if ctx.errors.0.is_empty() {
        Ok(Imported {
            scenario: ctx.scenario,
            files: files.clone(),
            notes: ctx.notes,
            unknown_columns: ctx.unknown_columns,
        })
    } else {
        Err(ctx.errors)
    }
}

/// What a table (a CSV file or a workbook's sheet) was recognised as.
#[derive(Clone, Copy)]
enum TableKind {
    Project(FileKind),
    PartnerCenter(partner_center::PcKind),
}

impl TableKind {
    fn label(self) -> &'static str {
        match self {
            TableKind::Project(k) => k.label(),
            TableKind::PartnerCenter(k) => k.label(),
        }
    }
}

/// Recognises a table by its header: Partner Center's downloads first (their headers are the
/// more specific), then the project's links and parties files.
fn recognise(table: &text::Table) -> Option<TableKind> {
    if let Some(kind) = partner_center::sniff_csv(table) {
        Some(TableKind::PartnerCenter(kind))
    } else if project_csv::is_links(table) {
        Some(TableKind::Project(FileKind::Links))
    } else if project_csv::is_parties(table) {
        Some(TableKind::Project(FileKind::Parties))
    } else {
        None
    }
}

/// Reads a recognised table; links wait in `links` until every party is known.
fn read_table(
    name: &str,
    kind: TableKind,
    table: text::Table,
    ctx: &mut Context,
    pc: &mut partner_center::PcData,
    links: &mut Vec<(String, text::Table)>,
) {
    match kind {
        TableKind::PartnerCenter(kind) => pc.add_csv(name, kind, &table, ctx),
        TableKind::Project(FileKind::Parties) => project_csv::read_parties(&table, name, ctx),
        TableKind::Project(FileKind::Links) => links.push((name.to_owned(), table)),
    }
}

/// How many rows from the top of a sheet may come before its header (a title, a date, a blank
/// line people leave above a table).
const HEADER_SEARCH_ROWS: usize = 5;

/// Reads each sheet of a workbook that is a table csp-explorer knows, recognised by its header
/// like a CSV file; the others are named in the summary and skipped. A workbook with no such sheet
/// is an error naming its sheets.
fn read_workbook(
    file: &str,
    sheets: Vec<workbook::Sheet>,
    format: &'static str,
    ctx: &mut Context,
    files: &mut Vec<(String, String)>,
    pc: &mut partner_center::PcData,
    links: &mut Vec<(String, text::Table)>,
) {
    let mut read = 0;
    let mut skipped = Vec::new();
    for sheet in sheets {
        // Recognised by the header alone: the rows below are handed over once, not copied for
        // each row tried as the header.
        let found = (0..sheet.rows.len().min(HEADER_SEARCH_ROWS)).find_map(|at| {
            let header = text::Table::from_rows(sheet.rows[at].1.clone(), Vec::new(), format);
            recognise(&header).map(|kind| (kind, at))
        });
        let Some((kind, at)) = found else {
            skipped.push(match sheet.rows.first() {
                None => format!("\"{}\" (empty)", sheet.name),
                Some((_, first)) => format!(
                    "\"{}\" (first row: {})",
                    sheet.name,
                    crate::text::escaped(
                        &first.iter().take(4).cloned().collect::<Vec<_>>().join(", "),
                        60
                    )
                ),
            });
            continue;
        };
        let workbook::Sheet {
            name: sheet_name,
            mut rows,
        } = sheet;
        let below = rows.split_off(at + 1);
        let header = rows.pop().map(|(_, cells)| cells).unwrap_or_default();
        let table = text::Table::from_rows(header, below, format);
        read += 1;
        let name = format!("{file} (sheet {sheet_name})");
        files.push((
            name.clone(),
            format!(
                "{}, a sheet of an {format}",
                kind.label().trim_end_matches(" (CSV)")
            ),
        ));
        read_table(&name, kind, table, ctx, pc, links);
    }
    if read == 0 {
        files.push((file.to_owned(), format!("not recognised ({format})")));
        ctx.errors.push(
            file,
            None,
            format!(
                "no sheet of this workbook is a table csp-explorer reads (sheets: {}); expected a \
                 parties sheet (columns id, kind, …), a links sheet (id, kind, from, to, date, …) or \
                 a Partner Center download; see docs/csv-import.md",
                skipped.join("; ")
            ),
        );
    } else if !skipped.is_empty() {
        ctx.notes.push(format!(
            "{file}: {} not a table csp-explorer reads, skipped: {}",
            crate::text::count(skipped.len(), "sheet is", "sheets are"),
            skipped.join("; ")
        ));
    }
}

/// Says what a file that matched no reader looked like and what was expected.
fn unrecognised(table: &text::Table) -> String {
    let header: Vec<&str> = table.headers.iter().take(6).map(String::as_str).collect();
    // Quoted short and escaped: a first line may be megabytes long or hold terminal escapes.
    format!(
        "not a file csp-explorer can import (its first line reads \"{}\"); expected a parties CSV \
         (columns id, kind, …) or a links CSV (columns id, kind, from, to, date, …); see docs/csv-import.md",
        crate::text::escaped(&header.join(", "), 120)
    )
}

#[cfg(test)]
mod tests;
