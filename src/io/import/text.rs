//! Owns: decoding bytes and reading a CSV text into a table, and the cell parsers (dates, yes/no,
//! countries). Must not: know what a column means to the model (the readers' column tables do).
//!
//! Reading spreadsheets as people save them: any common encoding, any common separator, headers and
//! values written in words. Everything here is shared by every CSV source (the project's own files and
//! Partner Center's downloads), so a new column or a new synonym is one line in the caller's table.

use crate::model::Date;
use encoding_rs::{Encoding, UTF_8};
use std::borrow::Cow;
use std::collections::HashMap;

/// How to read a slash date whose day and month are both 12 or less (`03/04/2020`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DateOrder {
    /// Refuse it, naming the cell: a guess would silently shift dates by months.
    #[default]
    Ask,
    /// Day first (`03/04/2020` is 3 April), as in most of Europe.
    Dmy,
    /// Month first (`03/04/2020` is 4 March), as in the United States.
    Mdy,
}

/// How an ambiguous date's error says what to do (the app's import dialog looks for it to offer
/// its day-first / month-first choice).
pub const DATE_ORDER_HINT: &str = "say which with --date-order dmy or --date-order mdy";

/// Decodes a file's bytes and says which encoding was used.
///
/// A byte order mark wins (UTF-8, UTF-16 LE/BE). Without one, bytes that are valid UTF-8 are read as
/// UTF-8; anything else is in the legacy encoding `chardetng` finds most likely from the bytes
/// themselves (the detector browsers use for unlabelled pages): Windows-1252 for what Excel on a
/// western Windows saves as "CSV", Shift_JIS for a Japanese Excel's, Windows-1251 for a Russian's.
/// The encoding's name goes into the summary, so a wrong guess is visible.
///
/// A file whose byte order mark promises UTF-8 or UTF-16 but whose bytes break that promise is an
/// error naming the byte offset, line and column (see [`crate::io::read::decode_unicode`]), not a
/// silent replacement character.
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), crate::io::read::TextError> {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        let text = crate::io::read::decode_unicode(bytes)?;
        return Ok((text, encoding.name()));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_owned(), UTF_8.name()));
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    Ok((text.into_owned(), encoding.name()))
}

/// The most cells a row of a CSV file may have (its header too): a channel's files have about a
/// dozen columns, Partner Center's downloads a few dozen.
pub const MAX_COLUMNS: usize = 1_000;

/// The longest line of a CSV file, in bytes: a row of real data is a few hundred.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// The most cells a CSV file (or a workbook's sheet) may hold, 1.6 times a million-link channel's
/// links file. A CSV file's rows are read one at a time, so this bounds the work of a file of
/// one-letter cells (`x,x,x,…`) rather than its memory; a sheet's cells are held (each about 40
/// bytes besides its text), and this bounds them to under a gigabyte.
pub const MAX_CELLS: usize = 16_000_000;

/// The first line over [`MAX_LINE_BYTES`], as an error to refuse the file with: found before
/// anything is parsed (the CSV reader holds a whole record in memory, and a 100 MB line of 35
/// million cells took minutes and gigabytes).
///
/// Looked for a window at a time, not a line at a time: a line longer than the limit is a window
/// of the limit's length holding no line break, so each step looks back from the window's end
/// for its last break and goes on from there. A 100 MB file takes about a hundred steps, where
/// splitting it into its ten million lines took two seconds in a debug build.
fn overlong_line(text: &str) -> Option<(u64, String)> {
    let bytes = text.as_bytes();
    let mut start = 0;
    let (start, len) = loop {
        let window = bytes.get(start..)?;
        if window.len() <= MAX_LINE_BYTES {
            return None;
        }
        match memchr::memrchr(b'\n', &window[..=MAX_LINE_BYTES]) {
            Some(last) => start += last + 1,
            None => {
                let len = memchr::memchr(b'\n', window).unwrap_or(window.len());
                break (start, len);
            }
        }
    };
    let line = memchr::memchr_iter(b'\n', &bytes[..start]).count() as u64 + 1;
    Some((
        line,
        format!(
            "this line is {} bytes long; csp-explorer reads lines of at most {} bytes (1 MB): is \
             this a CSV file?",
            crate::text::thousands(len),
            crate::text::thousands(MAX_LINE_BYTES)
        ),
    ))
}

/// A problem with one row, found as the rows are walked ([`Table::rows`]): cells beyond the
/// header, a record the CSV reader could not read, or a limit reached (the walk stops there).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowProblem {
    /// 1-based line of the record, when known.
    pub line: Option<u64>,
    /// 1-based position of the cell the problem is about, if it is one cell.
    pub column: Option<u64>,
    /// What is wrong.
    pub message: String,
}

impl RowProblem {
    /// Records the problem against `file`.
    pub(crate) fn report(self, file: &str, errors: &mut super::ImportErrors) {
        errors.push_at(file, self.line, self.column, self.message);
    }
}

/// The field separator of a CSV text, from its first line: whichever of `,` `;` and tab occurs most
/// outside quotes (a comma on a tie or when none occurs). German and French Excel save with `;`.
pub fn detect_separator(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in first.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(c) = counts.iter_mut().find(|(s, _)| *s == b) {
            c.1 += 1;
        }
    }
    let best = counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .copied()
        .unwrap_or((b',', 0));
    if best.1 == 0 { b',' } else { best.0 }
}

/// Folds a header or a value written by a person to a comparable key: lower case, with spaces, `_`,
/// `-`, `/`, `.` and brackets removed (`MPA signed`, `mpa_signed` and `Mpa-Signed` are all `mpasigned`).
pub fn fold(s: &str) -> String {
    s.trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '/' | '.' | '(' | ')' | '\t'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// One column a reader understands: its key (as written in the docs) and what people also call it.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// The documented name, e.g. `partner_id`.
    pub key: &'static str,
    /// Other headers meaning the same, e.g. `MPN ID`, `PartnerID` (compared folded).
    pub synonyms: &'static [&'static str],
}

impl Column {
    /// A column known only by its key.
    pub const fn new(key: &'static str) -> Self {
        Column { key, synonyms: &[] }
    }

    /// A column also known by `synonyms`.
    pub const fn or(key: &'static str, synonyms: &'static [&'static str]) -> Self {
        Column { key, synonyms }
    }

    fn matches(&self, folded: &str) -> bool {
        fold(self.key) == folded
            || self.synonyms.iter().any(|s| fold(s) == folded)
            || super::locale::header_aliases(self.key)
                .iter()
                .any(|s| fold(s) == folded)
    }
}

/// A table of rows of cells (a CSV file or a workbook's sheet), with its header mapped onto the
/// caller's columns.
///
/// A CSV file's rows are not held as cells: its text is kept (about the size of the file) and
/// each record is read when [`Table::rows`] walks to it, so memory while importing grows with
/// what the rows make (parties, links, the errors kept), not with the number of cells. A file of
/// one-letter cells (`x,x,x,…`) made 16 times its size in cells, and a 5 MB links file of them
/// took seconds to copy before its first row was found wrong.
#[derive(Debug)]
pub struct Table {
    /// Which encoding the bytes were read in.
    pub encoding: &'static str,
    /// The separator that was detected (0 for a sheet, whose cells come split).
    pub separator: u8,
    /// The header cells as written.
    pub headers: Vec<String>,
    /// Where the rows come from.
    source: RowSource,
    /// Why the file's rows are not read at all (a line over [`MAX_LINE_BYTES`], a header over
    /// [`MAX_COLUMNS`]): its line and what is wrong.
    pub broken: Vec<(Option<u64>, String)>,
    /// The order of slash dates that the file's own dates decide, found the first time an
    /// ambiguous date needs it (see [`Table::date_order`]).
    decided_order: std::cell::OnceCell<DateOrder>,
}

/// Where a table's rows come from.
#[derive(Debug)]
enum RowSource {
    /// A sheet's cells, already read (and bounded as they were, see `workbook.rs`).
    Cells(Vec<(u64, Vec<String>)>),
    /// A CSV text, its line ends made `\n`, read a record at a time.
    Csv(String),
}

impl Table {
    /// Reads a CSV text's header with the separator found in its first line; the rows are read as
    /// [`Table::rows`] walks them.
    pub fn parse(text: impl Into<String>, encoding: &'static str) -> Table {
        let text = unix_line_ends(text.into());
        let separator = detect_separator(&text);
        let mut table = Table {
            encoding,
            separator,
            headers: Vec::new(),
            source: RowSource::Cells(Vec::new()),
            broken: Vec::new(),
            decided_order: std::cell::OnceCell::new(),
        };
        if let Some((line, message)) = overlong_line(&text) {
            // Nothing of it is read: the file is refused with the line that is too long.
            table.broken.push((Some(line), message));
            return table;
        }
        table.headers = csv_reader(separator, text.as_bytes())
            .headers()
            .map(|h| {
                h.iter()
                    .take(MAX_COLUMNS + 1)
                    .map(|s| s.trim_start_matches('\u{feff}').trim().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        if table.headers.len() > MAX_COLUMNS {
            table.broken.push((
                Some(1),
                too_many(format!("the header has more than {MAX_COLUMNS} cells")),
            ));
        }
        table.source = RowSource::Csv(text);
        table
    }

    /// A table from rows already split into cells (a workbook's sheet): `headers` is the row the
    /// header was found in, `rows` the rows below it with their spreadsheet row numbers.
    pub fn from_rows(
        headers: Vec<String>,
        rows: Vec<(u64, Vec<String>)>,
        encoding: &'static str,
    ) -> Table {
        let rows: Vec<(u64, Vec<String>)> = rows
            .into_iter()
            .map(|(line, cells)| (line, cells.iter().map(|c| one_line(c)).collect()))
            .collect();
        Table {
            encoding,
            separator: 0,
            headers: headers.iter().map(|h| one_line(h)).collect(),
            source: RowSource::Cells(rows),
            broken: Vec::new(),
            decided_order: std::cell::OnceCell::new(),
        }
    }

    /// The data rows, each with its 1-based line (or sheet row) and its cells (trimmed, one line
    /// each), in order; blank rows are skipped. A row with more non-empty cells than the header has
    /// columns comes as a [`RowProblem`] first, then as the row. A record the CSV reader cannot
    /// read, a row of more than [`MAX_COLUMNS`] cells or a file past [`MAX_CELLS`] cells is a
    /// problem that ends the walk. Nothing is walked when the file is [`Table::broken`].
    pub fn rows(&self) -> Rows<'_> {
        let walk = match &self.source {
            RowSource::Cells(rows) => Walk::Cells(rows.iter()),
            RowSource::Csv(_) if !self.broken.is_empty() => Walk::Done,
            RowSource::Csv(text) => Walk::Csv {
                // `has_headers`: the header record is skipped, the first record read is a row.
                reader: Box::new(csv_reader(self.separator, text.as_bytes())),
                record: csv::StringRecord::new(),
                cells: self.headers.len(),
            },
        };
        Rows {
            table: self,
            walk,
            pending: None,
        }
    }

    /// How to read this table's ambiguous slash dates: as the user said, else as the file's own
    /// dates decide (a pass over its rows, made once and only when asked).
    pub fn date_order(&self, given: DateOrder) -> DateOrder {
        match given {
            DateOrder::Ask => *self.decided_order.get_or_init(|| {
                let mut votes = DateVotes::default();
                for (_, cells) in self.rows().flatten() {
                    for cell in cells.iter() {
                        votes.see(cell);
                    }
                    if votes.split() {
                        break;
                    }
                }
                votes.order()
            }),
            given => given,
        }
    }

    /// Parses a date cell of this table in the `given` order. A slash date that order leaves
    /// ambiguous is read in the order the file's own dates decide ([`Table::date_order`]), else
    /// in `otherwise` (Partner Center writes month first); when that is [`DateOrder::Ask`] too, it
    /// is refused saying so. The file's dates are looked at only when a date needs them: a file
    /// of ISO dates, or of cells that are no dates at all, is never read twice.
    pub fn parse_date(
        &self,
        value: &str,
        given: DateOrder,
        otherwise: DateOrder,
    ) -> Result<Date, String> {
        match parse_date(value, given) {
            Err(e) if given == DateOrder::Ask && e.contains(DATE_ORDER_HINT) => {
                match self.date_order(DateOrder::Ask) {
                    DateOrder::Ask if otherwise == DateOrder::Ask => Err(e),
                    DateOrder::Ask => parse_date(value, otherwise),
                    decided => parse_date(value, decided),
                }
            }
            result => result,
        }
    }

    /// Only the header of a CSV text, to recognise the file by before its rows are read (a file no
    /// reader knows costs no more than its first line). A first line longer than
    /// [`MAX_LINE_BYTES`] or of more than [`MAX_COLUMNS`] cells is refused.
    pub fn header_of(text: &str, encoding: &'static str) -> Result<Table, String> {
        // memchr: a first line of 100 MB is searched at memory speed, not a character at a time.
        let end = memchr::memchr2(b'\n', b'\r', text.as_bytes()).unwrap_or(text.len());
        let first = &text[..end];
        if let Some((_, message)) = overlong_line(first) {
            return Err(format!("line 1: {message}"));
        }
        let separator = detect_separator(first);
        let cells = first.bytes().filter(|b| *b == separator).count() + 1;
        if cells > MAX_COLUMNS {
            return Err(format!(
                "the first line has {} cells; csp-explorer reads at most {MAX_COLUMNS} cells a \
                 row: is this the right file?",
                crate::text::thousands(cells)
            ));
        }
        Ok(Table::parse(first, encoding))
    }

    /// Decodes `bytes` (see [`decode`]) and reads them.
    pub fn from_bytes(bytes: &[u8]) -> Result<Table, crate::io::read::TextError> {
        let (text, encoding) = decode(bytes)?;
        Ok(Table::parse(text, encoding))
    }

    /// The record's cells beyond the header's columns, if any is not empty: those cells belong to
    /// no column and would be lost (often a separator inside a value that is not quoted). Empty
    /// trailing cells (`a,b,c,`, as some exports write) lose nothing and pass.
    fn extra_cells(&self, line: u64, cells: &[String]) -> Option<RowProblem> {
        let width = self.headers.len();
        let extra = cells.get(width..).unwrap_or_default();
        if extra.iter().all(String::is_empty) {
            return None;
        }
        let quoted: Vec<String> = extra.iter().map(|c| format!("\"{c}\"")).collect();
        let hint = match self.separator {
            // A sheet's cells are cells: nothing was split that should not have been.
            0 => "give the extra cells a header or clear them".to_owned(),
            b'\t' => "a value holding a tab must be in double quotes".to_owned(),
            s => format!("a value holding a `{}` must be in double quotes", s as char),
        };
        Some(RowProblem {
            line: Some(line),
            column: Some(width as u64 + 1),
            message: format!(
                "this row has {} cells but the header has {width} columns; the extra cell(s) {} \
                 belong to no column ({hint})",
                cells.len(),
                quoted.join(", ")
            ),
        })
    }

    /// Maps the header onto `columns`: the column index of each key found, the headers that matched
    /// none (as written), and the keys that appear twice.
    pub fn map_columns(&self, columns: &[Column]) -> ColumnMap {
        let mut map = ColumnMap::default();
        for (i, header) in self.headers.iter().enumerate() {
            let folded = fold(header);
            if folded.is_empty() {
                continue;
            }
            match columns.iter().find(|c| c.matches(&folded)) {
                Some(c) => {
                    if map.index.insert(c.key, i).is_some() {
                        map.twice.push(c.key);
                    }
                }
                None => map.unknown.push(header.clone()),
            }
        }
        map
    }

    /// True when every one of `keys` is a column of this table (folded, synonyms counted).
    pub fn has_columns(&self, columns: &[Column], keys: &[&str]) -> bool {
        let map = self.map_columns(columns);
        keys.iter().all(|k| map.index.contains_key(k))
    }
}

/// What the slash dates seen so far say about the order of day and month: a file is written in
/// one locale, so one date whose first number is above 12 (`15/10/2019`) makes every date of the
/// file day first, and one whose second is (`10/15/2019`) month first. A file showing both, or
/// neither, decides nothing ([`DateOrder::Ask`]): its ambiguous dates are still asked about.
#[derive(Default)]
struct DateVotes {
    day_first: bool,
    month_first: bool,
}

impl DateVotes {
    fn see(&mut self, cell: &str) {
        if cell.len() > 25 || !cell.contains('/') {
            return;
        }
        let day_part = cell.split([' ', 'T']).next().unwrap_or(cell);
        let parts: Vec<&str> = day_part.split('/').collect();
        let [a, b, y] = parts[..] else {
            return;
        };
        if y.len() != 4 {
            return;
        }
        let (Ok(a), Ok(b)) = (a.parse::<u32>(), b.parse::<u32>()) else {
            return;
        };
        self.day_first |= a > 12 && b <= 12;
        self.month_first |= b > 12 && a <= 12;
    }

    /// Both orders were seen: nothing more can decide.
    fn split(&self) -> bool {
        self.day_first && self.month_first
    }

    fn order(&self) -> DateOrder {
        match (self.day_first, self.month_first) {
            (true, false) => DateOrder::Dmy,
            (false, true) => DateOrder::Mdy,
            _ => DateOrder::Ask,
        }
    }
}

/// The CSV reader of a table's text. Cells are not trimmed by the reader: `one_line` trims each
/// as it copies it (trimming the record first rebuilt every one of them).
fn csv_reader(separator: u8, text: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(separator)
        .flexible(true)
        .has_headers(true)
        .from_reader(text)
}

/// A limit's message: `what` was found, and the limits.
fn too_many(what: String) -> String {
    format!(
        "{what}; csp-explorer reads at most {MAX_COLUMNS} cells a row and {} cells a file: is \
         this the right file?",
        crate::text::thousands(MAX_CELLS)
    )
}

/// The rows of a [`Table`], walked one at a time (see [`Table::rows`]).
pub struct Rows<'a> {
    table: &'a Table,
    walk: Walk<'a>,
    /// A row whose problem (extra cells) was given first: it comes next.
    pending: Option<(u64, Cow<'a, [String]>)>,
}

enum Walk<'a> {
    Cells(std::slice::Iter<'a, (u64, Vec<String>)>),
    Csv {
        /// Boxed: the reader holds its buffers inline, and this enum is moved around.
        reader: Box<csv::Reader<&'a [u8]>>,
        /// Reused for every record: one allocation for the walk, not one per row.
        record: csv::StringRecord,
        /// Cells read so far, header included, against [`MAX_CELLS`].
        cells: usize,
    },
    Done,
}

/// A row: its line and its cells.
pub type TableRow<'a> = (u64, Cow<'a, [String]>);

impl<'a> Iterator for Rows<'a> {
    type Item = Result<TableRow<'a>, RowProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(row) = self.pending.take() {
            return Some(Ok(row));
        }
        let (line, cells) = match self.walk.next_row()? {
            Ok(row) => row,
            Err(problem) => {
                self.walk = Walk::Done;
                return Some(Err(problem));
            }
        };
        match self.table.extra_cells(line, &cells) {
            Some(problem) => {
                self.pending = Some((line, cells));
                Some(Err(problem))
            }
            None => Some(Ok((line, cells))),
        }
    }
}

impl<'a> Rows<'a> {
    /// The next row to take in: a problem with a row is recorded against `file` and the walk goes
    /// on; `None` at the end, or once `errors` holds all a report shows (the rest of a broken file
    /// is not worth reading: half a million wrong rows took 23 s in a debug build).
    pub(crate) fn next_or_report(
        &mut self,
        file: &str,
        errors: &mut super::ImportErrors,
    ) -> Option<TableRow<'a>> {
        loop {
            if errors.is_full() {
                return None;
            }
            match self.next()? {
                Ok(row) => return Some(row),
                Err(problem) => problem.report(file, errors),
            }
        }
    }
}

impl<'a> Walk<'a> {
    /// The next non-blank row, or the problem that ends the walk.
    fn next_row(&mut self) -> Option<Result<TableRow<'a>, RowProblem>> {
        match self {
            Walk::Done => None,
            Walk::Cells(rows) => rows
                .next()
                .map(|(line, cells)| Ok((*line, Cow::Borrowed(cells.as_slice())))),
            Walk::Csv {
                reader,
                record,
                cells,
            } => loop {
                match reader.read_record(record) {
                    Ok(false) => return None,
                    Ok(true) => {
                        let line = record.position().map_or(0, |p| p.line());
                        let problem = |message: String| {
                            Some(Err(RowProblem {
                                line: Some(line),
                                column: None,
                                message: format!("not valid CSV: {message}"),
                            }))
                        };
                        if record.len() > MAX_COLUMNS {
                            return problem(too_many(format!(
                                "this row has {} cells",
                                crate::text::thousands(record.len())
                            )));
                        }
                        if record.iter().all(|c| c.trim().is_empty()) {
                            continue;
                        }
                        *cells += record.len();
                        if *cells > MAX_CELLS {
                            return problem(too_many(format!(
                                "the file has more than {} cells by this row",
                                crate::text::thousands(MAX_CELLS)
                            )));
                        }
                        let row: Vec<String> = record.iter().map(one_line).collect();
                        return Some(Ok((line, Cow::Owned(row))));
                    }
                    Err(e) => {
                        return Some(Err(RowProblem {
                            line: e.position().map(|p| p.line()),
                            column: None,
                            message: format!("not valid CSV: {e}"),
                        }));
                    }
                }
            },
        }
    }
}

/// Windows (CRLF) and old Mac Excel (CR) line ends made LF, so line numbers in messages count the
/// way an editor does. In place: a file is up to a gigabyte, and copies of it were most of the
/// memory an import took.
fn unix_line_ends(text: String) -> String {
    if memchr::memchr(b'\r', text.as_bytes()).is_none() {
        return text;
    }
    let mut bytes = text.into_bytes();
    let (mut read, mut write) = (0, 0);
    while let Some(at) = memchr::memchr(b'\r', &bytes[read..]) {
        let cr = read + at;
        bytes.copy_within(read..cr, write);
        write += cr - read;
        bytes[write] = b'\n';
        write += 1;
        read = cr + 1;
        if bytes.get(read) == Some(&b'\n') {
            read += 1;
        }
    }
    let len = bytes.len();
    bytes.copy_within(read..len, write);
    bytes.truncate(write + len - read);
    // Only ASCII bytes were removed or changed: the text is as valid as it was.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// A cell as one line: a line break typed inside a quoted cell (Alt+Enter in Excel) reads as a
/// space, so a name or an offer spread over two lines in a spreadsheet imports as one.
fn one_line(cell: &str) -> String {
    let cell = cell.trim();
    // memchr: this runs for every cell of a file (2.6 million in a 5 MB links file).
    if memchr::memchr2(b'\n', b'\r', cell.as_bytes()).is_none() {
        return cell.to_owned();
    }
    cell.split(['\n', '\r'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where each known column sits in a table.
#[derive(Debug, Default)]
pub struct ColumnMap {
    /// Column key → cell index.
    pub index: HashMap<&'static str, usize>,
    /// Headers that name no known column, as written.
    pub unknown: Vec<String>,
    /// Keys whose column appears more than once.
    pub twice: Vec<&'static str>,
}

impl ColumnMap {
    /// The non-empty cell of `key` in `cells`.
    pub fn cell<'a>(&self, cells: &'a [String], key: &str) -> Option<&'a str> {
        self.index
            .get(key)
            .and_then(|&i| cells.get(i))
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }
}

/// Parses a date as people write it: `2020-03-15`, `2020-03-15T10:22:31Z` (the date part),
/// `15.03.2020`, and `15/03/2020` or `03/15/2020` (the order is clear when one number is above 12;
/// otherwise `order` decides, and without one the date is refused with a message saying so).
pub fn parse_date_as_written(value: &str, order: DateOrder) -> Result<Date, String> {
    let v = value.trim();
    let iso = v
        .get(..10)
        .filter(|_| v.len() == 10 || v[10..].starts_with(['T', ' ']));
    if let Some(day) = iso
        && let Ok(d) = Date::parse_from_str(day, "%Y-%m-%d")
    {
        return Ok(d);
    }
    if let Some(d) = excel_serial(v) {
        return Ok(d);
    }
    let bad = || {
        format!(
            "\"{value}\" is not a date; write it as YYYY-MM-DD (2021-03-15), 15.03.2021 or 15/03/2021"
        )
    };
    // A slash or dotted date may carry a time after a space (Excel: `15/03/2021 00:00`).
    let day_part = v.split(' ').next().unwrap_or(v);
    let (sep, dotted) = if day_part.contains('.') {
        ('.', true)
    } else if day_part.contains('/') {
        ('/', false)
    } else {
        return Err(bad());
    };
    let parts: Vec<&str> = day_part.split(sep).collect();
    let [a, b, y] = parts[..] else {
        return Err(bad());
    };
    // Year first (`2019/10/15`, `2019.10.15`, as Japanese and Chinese spreadsheets write it) is
    // always year, month, day.
    if a.len() == 4 {
        let (Ok(year), Ok(month), Ok(day)) = (a.parse::<i32>(), b.parse::<u32>(), y.parse::<u32>())
        else {
            return Err(bad());
        };
        return Date::from_ymd_opt(year, month, day).ok_or_else(bad);
    }
    let (Ok(a), Ok(b), Ok(y)) = (a.parse::<u32>(), b.parse::<u32>(), y.parse::<i32>()) else {
        return Err(bad());
    };
    if y < 1000 {
        return Err(format!("\"{value}\" needs a four-digit year"));
    }
    // Dotted dates are day first everywhere they are written.
    let (day, month) = if dotted || a > 12 {
        (a, b)
    } else if b > 12 {
        (b, a)
    } else {
        match order {
            DateOrder::Dmy => (a, b),
            DateOrder::Mdy => (b, a),
            DateOrder::Ask if a == b => (a, b),
            DateOrder::Ask => {
                return Err(format!(
                    "\"{value}\" could be {a} {} or {b} {}, and no date of this file has a day above \
                     12 to tell; {DATE_ORDER_HINT} (or write YYYY-MM-DD)",
                    month_name(b),
                    month_name(a)
                ));
            }
        }
    };
    Date::from_ymd_opt(y, month, day).ok_or_else(bad)
}

/// [`parse_date_as_written`], then refused unless within the dates a scenario may hold
/// ([`crate::model::limits`]).
pub fn parse_date(value: &str, order: DateOrder) -> Result<Date, String> {
    let date = parse_date_as_written(value, order)?;
    crate::model::limits::check_date("date", date).map_err(|_| {
        format!(
            "\"{value}\" is out of range: expected a date from {} to {}",
            crate::model::limits::FIRST_DATE,
            crate::model::limits::LAST_DATE
        )
    })?;
    Ok(date)
}

/// An Excel date serial (`43831` is 2020-01-01, a fraction is the time of day): what a date cell
/// holds underneath, and what a CSV saved from a sheet whose date column lost its format shows.
/// Only five-digit serials are taken (1927–2173), which covers every date a scenario may hold and
/// is no other way of writing a date.
fn excel_serial(v: &str) -> Option<Date> {
    let whole = v.split_once('.').map_or(v, |(whole, fraction)| {
        if fraction.bytes().all(|b| b.is_ascii_digit()) {
            whole
        } else {
            ""
        }
    });
    if whole.len() != 5 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let days: i64 = whole.parse().ok()?;
    // Day 0 is 1899-12-30 for every serial after February 1900 (Excel counts a 29 February 1900
    // that never was, after Lotus 1-2-3).
    Date::from_ymd_opt(1899, 12, 30)?.checked_add_signed(chrono::Duration::days(days))
}

fn month_name(m: u32) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES
        .get(m.wrapping_sub(1) as usize)
        .copied()
        .unwrap_or("?")
}

/// Parses a yes/no cell: `true`/`yes`/`y`/`1`/`x` and `false`/`no`/`n`/`0`, any case.
/// Excel's `WAHR`/`FALSCH`, `VRAI`/`FAUX` and the other languages' words count too
/// ([`super::locale`]).
pub fn parse_flag(value: &str) -> Result<bool, String> {
    match value.trim().to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "x" | "✓" => Ok(true),
        "false" | "no" | "n" | "0" | "-" => Ok(false),
        other => super::locale::flag(&fold(other))
            .ok_or_else(|| format!("\"{value}\" is not yes or no (true/false, yes/no, x, 1/0)")),
    }
}

/// Common English names that differ from the ISO 3166 short names `isocountry` knows.
const COUNTRY_ALIASES: &[(&str, &str)] = &[
    ("united states", "US"),
    ("united states of america", "US"),
    ("united kingdom", "GB"),
    ("great britain", "GB"),
    ("south korea", "KR"),
    ("korea", "KR"),
    ("russia", "RU"),
    ("vietnam", "VN"),
    ("taiwan", "TW"),
    ("czech republic", "CZ"),
    ("the netherlands", "NL"),
    ("holland", "NL"),
    ("uae", "AE"),
    ("bolivia", "BO"),
    ("venezuela", "VE"),
    ("iran", "IR"),
    ("tanzania", "TZ"),
    ("moldova", "MD"),
    ("laos", "LA"),
    ("syria", "SY"),
    ("turkey", "TR"),
    ("türkiye", "TR"),
];

/// Two-letter codes people write that ISO 3166 does not: `UK` for the United Kingdom (GB), and
/// `EL` (the EU's code for Greece, GR).
const CODE_ALIASES: &[(&str, &str)] = &[("UK", "GB"), ("EL", "GR")];

/// Characters of a cell quoted in a message: enough to find it, never a whole runaway cell.
const VALUE_SHOWN: usize = 60;

/// A country written as an ISO alpha-2 or alpha-3 code, by its English name or by its name in one
/// of the languages of [`super::locale`], as its alpha-2 code. An unknown code or name is refused
/// with the nearest codes or names as suggestions.
pub fn parse_country(value: &str) -> Result<String, String> {
    let v = value.trim();
    if v.len() == 2 && v.chars().all(|c| c.is_ascii_alphabetic()) {
        let upper = v.to_ascii_uppercase();
        if let Some((_, code)) = CODE_ALIASES.iter().find(|(alias, _)| *alias == upper) {
            return Ok((*code).to_owned());
        }
        if isocountry::CountryCode::for_alpha2(&upper).is_ok()
            || crate::model::markets().region_of(&upper).is_some()
        {
            return Ok(upper);
        }
        return Err(format!(
            "\"{}\" is not a country code{}",
            crate::text::escaped(value, VALUE_SHOWN),
            nearest_codes(&upper)
        ));
    }
    if v.len() == 3
        && let Ok(c) = isocountry::CountryCode::for_alpha3_caseless(v)
    {
        return Ok(c.alpha2().to_owned());
    }
    let lower = v.to_lowercase();
    if let Some((_, code)) = COUNTRY_ALIASES.iter().find(|(n, _)| *n == lower) {
        return Ok((*code).to_owned());
    }
    if let Some(code) = super::locale::country(&lower) {
        return Ok(code.to_owned());
    }
    if let Some(c) = isocountry::CountryCode::iter().find(|c| c.name().to_lowercase() == lower) {
        return Ok(c.alpha2().to_owned());
    }
    Err(format!(
        "\"{}\" is not a country{}",
        crate::text::escaped(value, VALUE_SHOWN),
        nearest_names(&lower)
    ))
}

/// ", did you mean …?" with the codes that differ from `code` in one letter (UA Ukraine, US United
/// States for `UX`), or the advice to write an ISO code when none is that near.
fn nearest_codes(code: &str) -> String {
    let mut near: Vec<&isocountry::CountryCode> = isocountry::CountryCode::iter()
        .filter(|c| {
            let a = c.alpha2();
            a.chars().zip(code.chars()).filter(|(x, y)| x == y).count() == 1
        })
        .collect();
    // Those sharing the first letter first: `UX` is likelier a slip for US than for MX.
    near.sort_by_key(|c| (!c.alpha2().starts_with(&code[..1]), c.alpha2()));
    let near: Vec<String> = near
        .into_iter()
        .take(6)
        .map(|c| format!("{} ({})", c.alpha2(), short_name(c.name())))
        .collect();
    if near.is_empty() {
        "; write its ISO code (US, DE, JP) or English name (United States)".to_owned()
    } else {
        format!("; did you mean {}?", near.join(", "))
    }
}

/// ", did you mean …?" with the three names nearest to `lower` by edit distance (English or
/// localised), or the advice to write an ISO code when none is near.
fn nearest_names(lower: &str) -> String {
    let english = isocountry::CountryCode::iter()
        .map(|c| (c.name().to_lowercase(), c.alpha2()))
        .chain(COUNTRY_ALIASES.iter().map(|(n, c)| ((*n).to_owned(), *c)))
        .chain(super::locale::country_names().map(|(n, c)| (n.to_owned(), c)));
    // A name is near when at most a quarter of its letters differ. The lengths alone rule most
    // names out (the distance is at least their difference), so a cell of 70,000 characters is
    // not compared letter by letter with every name in every language (29 s, seen).
    let len = lower.chars().count();
    let mut scored: Vec<(usize, String, &str)> = english
        .filter(|(name, _)| {
            let n = name.chars().count();
            len.abs_diff(n) <= n / 4
        })
        .map(|(name, code)| (edit_distance(lower, &name), name, code))
        .filter(|(d, name, _)| *d <= name.chars().count() / 4)
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.2 == b.2);
    let near: Vec<String> = scored
        .iter()
        .take(3)
        .map(|(_, name, code)| format!("{} ({code})", short_name(name)))
        .collect();
    if near.is_empty() {
        ": write its ISO code (US, DE, JP) or English name (United States)".to_owned()
    } else {
        format!("; did you mean {}?", near.join(", "))
    }
}

/// A country name without the ISO list's qualifiers, capitalised as a name.
fn short_name(name: &str) -> String {
    let name = name.split(" (").next().unwrap_or(name);
    let mut out = String::new();
    let mut start = true;
    for c in name.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = c == ' ' || c == '-';
    }
    out
}

/// Levenshtein distance in characters (country names are short; a full matrix row is enough).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn encodings_are_recognised() {
        let decode = |b: &[u8]| super::decode(b).unwrap();
        assert_eq!(decode("Gärten".as_bytes()), ("Gärten".to_owned(), "UTF-8"));
        assert_eq!(
            decode(b"\xef\xbb\xbfG\xc3\xa4rten"),
            ("Gärten".to_owned(), "UTF-8")
        );
        assert_eq!(
            decode(b"Name;Land\nG\xe4rten M\xfcller;Deutschland\n"),
            (
                "Name;Land\nGärten Müller;Deutschland\n".to_owned(),
                "windows-1252"
            )
        );
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("名前,国\n株式会社ノースウィンド,日本\n");
        assert_eq!(
            decode(&sjis),
            (
                "名前,国\n株式会社ノースウィンド,日本\n".to_owned(),
                "Shift_JIS"
            )
        );
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Gärten".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16), ("Gärten".to_owned(), "UTF-16LE"));
        let utf16be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("Gärten".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(&utf16be), ("Gärten".to_owned(), "UTF-16BE"));
    }

    /// The first line over the limit is found with its number and length, wherever it is.
    #[test]
    fn an_overlong_line_is_found_by_its_number_and_length() {
        let long = "x".repeat(MAX_LINE_BYTES + 1);
        let just = "y".repeat(MAX_LINE_BYTES);
        let lines = |text: &str| {
            overlong_line(text).map(|(line, m)| (line, m.contains("1,048,577 bytes long")))
        };
        assert_eq!(lines(&format!("a\n{just}\n{just}\nb")), None);
        assert_eq!(lines(&just), None);
        assert_eq!(lines(&long), Some((1, true)));
        assert_eq!(lines(&format!("a\nb\n{just}\n{long}\nc")), Some((4, true)));
        assert_eq!(
            lines(&format!("{}\n{long}", "ab\n".repeat(500_000))),
            Some((500_002, true))
        );
    }

    #[test]
    fn windows_and_old_mac_line_ends_become_unix_ones_in_place() {
        assert_eq!(
            unix_line_ends("a\r\nb\rc\r\n\r\nd\r".to_owned()),
            "a\nb\nc\n\nd\n"
        );
        assert_eq!(unix_line_ends("\rÄé\r\n€".to_owned()), "\nÄé\n€");
        assert_eq!(unix_line_ends("no breaks".to_owned()), "no breaks");
    }

    #[test]
    fn separators_come_from_the_header_row() {
        assert_eq!(detect_separator("id;kind;name\n1,2;3"), b';');
        assert_eq!(detect_separator("id\tkind\n"), b'\t');
        assert_eq!(detect_separator("id,kind,\"a;b;c\"\n"), b',');
        assert_eq!(detect_separator("id\n"), b',');
    }

    #[test]
    fn headers_fold_and_synonyms_match() {
        let cols = [
            Column::new("mpa_signed"),
            Column::or("partner_id", &["MPN ID", "PartnerID"]),
            Column::or("country", &["Country/Region"]),
        ];
        let t = Table::parse("MPA signed;MPN ID;Country/Region;Colour\n", "UTF-8");
        let m = t.map_columns(&cols);
        assert_eq!(m.index["mpa_signed"], 0);
        assert_eq!(m.index["partner_id"], 1);
        assert_eq!(m.index["country"], 2);
        assert_eq!(m.unknown, ["Colour"]);
    }

    #[test]
    fn dates_as_people_write_them() {
        let ask = DateOrder::Ask;
        assert_eq!(parse_date("2019-10-15", ask), Ok(d("2019-10-15")));
        assert_eq!(parse_date("2019-10-15T10:22:31Z", ask), Ok(d("2019-10-15")));
        assert_eq!(parse_date("15.03.2020", ask), Ok(d("2020-03-15")));
        assert_eq!(parse_date("1.3.2020", ask), Ok(d("2020-03-01")));
        assert_eq!(parse_date("10/15/2019", ask), Ok(d("2019-10-15")));
        assert_eq!(parse_date("15/10/2019 00:00", ask), Ok(d("2019-10-15")));
        assert_eq!(parse_date("05/05/2019", ask), Ok(d("2019-05-05")));
        let err = parse_date("03/04/2020", ask).unwrap_err();
        assert!(err.contains("3 April or 4 March"), "{err}");
        assert!(err.contains("--date-order"), "{err}");
        assert_eq!(
            parse_date("03/04/2020", DateOrder::Dmy),
            Ok(d("2020-04-03"))
        );
        assert_eq!(
            parse_date("03/04/2020", DateOrder::Mdy),
            Ok(d("2020-03-04"))
        );
        assert!(parse_date("2019-13-01", ask).is_err());
        assert!(parse_date("31.02.2020", ask).is_err());
        assert!(
            parse_date("15.03.20", ask)
                .unwrap_err()
                .contains("four-digit")
        );
        assert!(parse_date("yesterday", ask).is_err());
        assert_eq!(parse_date("43831", ask), Ok(d("2020-01-01")));
        assert_eq!(parse_date("44000.5", ask), Ok(d("2020-06-18")));
        assert!(parse_date("4383", ask).is_err());
        assert_eq!(parse_date("2019/10/15", ask), Ok(d("2019-10-15")));
        assert_eq!(parse_date("2019.10.15", ask), Ok(d("2019-10-15")));
        assert_eq!(parse_date("2019/1/5 0:00", ask), Ok(d("2019-01-05")));
    }

    #[test]
    fn a_file_s_own_dates_decide_the_order_of_its_ambiguous_ones() {
        let decided = |cells: &[&str]| {
            let text: String = cells.iter().map(|c| format!("x,{c}\n")).collect();
            let text = format!("name,date\n{text}");
            let csv = Table::parse(text, "UTF-8").date_order(DateOrder::Ask);
            let rows = cells
                .iter()
                .enumerate()
                .map(|(i, c)| (i as u64 + 2, vec!["x".to_owned(), (*c).to_owned()]))
                .collect();
            let sheet = Table::from_rows(vec!["name".into(), "date".into()], rows, "sheet");
            assert_eq!(sheet.date_order(DateOrder::Ask), csv, "{cells:?}");
            csv
        };
        assert_eq!(decided(&["12/1/2019", "10/15/2019"]), DateOrder::Mdy);
        assert_eq!(decided(&["1/12/2019", "15/10/2019 00:00"]), DateOrder::Dmy);
        assert_eq!(decided(&["1/12/2019", "3/4/2020"]), DateOrder::Ask);
        assert_eq!(decided(&["13/1/2019", "1/13/2019"]), DateOrder::Ask);
        // The user's order wins; an ambiguous date of a file that decides nothing is asked about,
        // or read as the caller's default (Partner Center's month first).
        let table = Table::parse("date\n1/12/2019\n3/4/2020\n", "UTF-8");
        assert_eq!(table.date_order(DateOrder::Dmy), DateOrder::Dmy);
        let ask = DateOrder::Ask;
        assert!(table.parse_date("3/4/2020", ask, ask).is_err());
        assert_eq!(
            table.parse_date("3/4/2020", ask, DateOrder::Mdy),
            Ok(d("2020-03-04"))
        );
        let decided = Table::parse("date\n3/4/2020\n15/10/2019\n", "UTF-8");
        assert_eq!(
            decided.parse_date("3/4/2020", ask, DateOrder::Mdy),
            Ok(d("2020-04-03"))
        );
    }

    /// Every localised header word of `super::locale`, folded, with its key.
    fn folded_headers() -> Vec<(String, &'static str)> {
        super::super::locale::header_words()
            .map(|(w, k)| (fold(w), k))
            .collect()
    }

    #[test]
    fn no_localised_header_means_two_columns() {
        let mut seen: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
        for (word, key) in folded_headers() {
            if let Some(other) = seen.insert(word.clone(), key) {
                assert_eq!(other, key, "`{word}` means both {other} and {key}");
            }
        }
    }

    #[test]
    fn flags_and_countries_in_words() {
        for yes in ["TRUE", "Yes", "x", "1"] {
            assert_eq!(parse_flag(yes), Ok(true), "{yes}");
        }
        assert_eq!(parse_flag("No"), Ok(false));
        assert!(parse_flag("maybe").is_err());
        assert_eq!(parse_flag("VRAI"), Ok(true));
        assert_eq!(parse_flag("FALSCH"), Ok(false));
        assert_eq!(parse_country("us").as_deref(), Ok("US"));
        assert_eq!(parse_country("United States").as_deref(), Ok("US"));
        assert_eq!(parse_country("germany").as_deref(), Ok("DE"));
        assert_eq!(parse_country("DEU").as_deref(), Ok("DE"));
        assert_eq!(parse_country("Deutschland").as_deref(), Ok("DE"));
        assert_eq!(parse_country("UK").as_deref(), Ok("GB"));
        assert_eq!(parse_country("uk").as_deref(), Ok("GB"));
        let xx = parse_country("XX").unwrap_err();
        assert!(xx.contains("\"XX\" is not a country code"), "{xx}");
        let ux = parse_country("UX").unwrap_err();
        assert!(ux.contains("US (United States"), "{ux}");
        let typo = parse_country("Germny").unwrap_err();
        assert!(typo.contains("did you mean Germany (DE)"), "{typo}");
        assert!(parse_country("Atlantis").unwrap_err().contains("ISO code"));
    }

    #[test]
    fn a_runaway_country_cell_is_quoted_cut_and_escaped() {
        // The fuzzer's case: 70,000 characters in a reseller's location (29 s in the suggestions,
        // and the whole cell in the message).
        let long = parse_country(&"x".repeat(70_000)).unwrap_err();
        assert!(long.len() < 300, "{} bytes", long.len());
        assert!(long.contains("xxx…\" is not a country"), "{long}");
        let escape = parse_country("Ger\u{1b}[2Jmany").unwrap_err();
        assert!(escape.contains("Ger\\u{1b}[2Jmany"), "{escape}");
    }
}
