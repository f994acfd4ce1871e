//! Owns: reading an OpenDocument spreadsheet (`.ods`) sheet by sheet into rows of cells, as its
//! cells are stored. Must not: decide what a sheet holds (`mod.rs` does), or read other workbooks
//! (`workbook.rs`).
//!
//! `calamine` reads a whole `.ods` into its ranges when it opens it, expanding what the file only
//! says to repeat: a cell or row "repeated" a million times costs bytes in the file and gigabytes
//! in memory, and `<text:s text:c="1000000000"/>` asks for a billion spaces. Here a repeat is
//! expanded only where it holds a value, and only within the limits every sheet has (columns,
//! cells, the length of a cell), checked before anything is expanded.

use super::text::{MAX_CELLS, MAX_COLUMNS, MAX_LINE_BYTES};
use super::workbook::{Sheet, Unread, cell_text};
use calamine::Data;
use quick_xml::events::{BytesStart, Event};
use std::io::{BufReader, Cursor, Read};

/// What an OpenDocument spreadsheet names itself in its `mimetype` part.
const MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// True when the ZIP archive is an OpenDocument spreadsheet (its `mimetype` part says so).
pub fn is_ods(bytes: &[u8]) -> bool {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    let Ok(part) = archive.by_name("mimetype") else {
        return false;
    };
    let mut head = Vec::new();
    part.take(MIMETYPE.len() as u64 + 16)
        .read_to_end(&mut head)
        .is_ok()
        && head.trim_ascii() == MIMETYPE
}

/// Reads every sheet of an OpenDocument spreadsheet (see [`is_ods`]).
pub fn read(bytes: &[u8]) -> Result<Vec<Sheet>, Unread> {
    super::workbook::unpacked_fits(bytes)?;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| Unread::NotAWorkbook)?;
    let content = archive
        .by_name("content.xml")
        .map_err(|_| Unread::NotAWorkbook)?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    xml.config_mut().trim_text(false);
    let mut reader = SheetsReader::default();
    let mut buf = Vec::new();
    loop {
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|_| Unread::NotAWorkbook)?;
        match event {
            Event::Eof => break,
            event => reader.event(event)?,
        }
        buf.clear();
    }
    Ok(reader.sheets)
}

/// Where the reader is in `content.xml`, and what it has read.
#[derive(Default)]
struct SheetsReader {
    sheets: Vec<Sheet>,
    /// The 0-based row the next `<table:table-row>` of the current sheet starts at.
    next_row: u64,
    /// The row being read: its cells (empty ones as empty strings) and how often it repeats.
    row: Vec<String>,
    row_repeats: u64,
    /// The 0-based column the next cell of the row starts at.
    column: u64,
    /// The cell being read: its value from its attributes, or the text of its paragraphs, and how
    /// often it repeats.
    cell: Option<Cell>,
    /// Inside `<office:annotation>` (a comment: not the cell's value), how deep.
    annotation: usize,
    /// Inside `<text:p>` (a paragraph of the cell's text), how deep.
    paragraph: usize,
    /// Cells kept in all sheets so far, against [`MAX_CELLS`].
    cells: usize,
}

struct Cell {
    value: Data,
    /// The value is the text of the cell's paragraphs (a string cell without `office:string-value`).
    from_text: bool,
    text: String,
    paragraphs: usize,
    repeats: u64,
}

impl SheetsReader {
    fn sheet_name(&self) -> &str {
        self.sheets.last().map_or("", |s| s.name.as_str())
    }

    /// The refusal naming the sheet, the row and the limit.
    fn too_large(&self, what: String) -> Unread {
        Unread::TooLarge(format!(
            "sheet {}, row {}: {what}",
            crate::text::escaped(self.sheet_name(), 60),
            self.next_row + 1
        ))
    }

    fn event(&mut self, event: Event<'_>) -> Result<(), Unread> {
        match event {
            Event::Start(e) => self.start(&e, false),
            Event::Empty(e) => self.start(&e, true),
            Event::End(e) => self.end(e.name().as_ref()),
            Event::Text(t) => self.text(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let text = match quick_xml::escape::resolve_xml_entity(&r) {
                    Some(text) => text.to_owned(),
                    None => r
                        .resolve_char_ref()
                        .ok()
                        .flatten()
                        .map(String::from)
                        .unwrap_or_default(),
                };
                self.text(&text)
            }
            _ => Ok(()),
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) -> Result<(), Unread> {
        match e.name().as_ref() {
            "table:table" => {
                let name = attribute(e, "table:name").unwrap_or_default();
                self.sheets.push(Sheet {
                    name,
                    rows: Vec::new(),
                });
                self.next_row = 0;
            }
            "table:table-row" => {
                self.row.clear();
                self.column = 0;
                self.row_repeats = repeats(e, "table:number-rows-repeated");
                if empty {
                    self.end_row()?;
                }
            }
            "table:table-cell" | "table:covered-table-cell" => {
                self.cell = Some(cell_of(e));
                if empty {
                    self.end_cell()?;
                }
            }
            "office:annotation" if !empty => self.annotation += 1,
            "text:p" if !empty => {
                self.paragraph += 1;
                if self.annotation == 0
                    && let Some(cell) = &mut self.cell
                {
                    cell.paragraphs += 1;
                    if cell.paragraphs > 1 {
                        cell.text.push('\n');
                    }
                }
            }
            "text:s" if self.reading_text() => {
                let spaces = repeats(e, "text:c");
                if spaces > self.cell_room() as u64 {
                    return Err(self.cell_too_long());
                }
                if let Some(cell) = &mut self.cell {
                    cell.text.extend(std::iter::repeat_n(' ', spaces as usize));
                }
            }
            "text:tab" => self.text("\t")?,
            "text:line-break" => self.text("\n")?,
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, name: &str) -> Result<(), Unread> {
        match name {
            "table:table-cell" | "table:covered-table-cell" => self.end_cell(),
            "table:table-row" => self.end_row(),
            "office:annotation" => {
                self.annotation = self.annotation.saturating_sub(1);
                Ok(())
            }
            "text:p" => {
                self.paragraph = self.paragraph.saturating_sub(1);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// True inside a paragraph of a cell whose value is its text (not in a comment on it).
    fn reading_text(&self) -> bool {
        self.annotation == 0
            && self.paragraph > 0
            && self.cell.as_ref().is_some_and(|c| c.from_text)
    }

    /// How many more bytes the current cell's text may take.
    fn cell_room(&self) -> usize {
        let used = self.cell.as_ref().map_or(0, |c| c.text.len());
        MAX_LINE_BYTES.saturating_sub(used)
    }

    fn cell_too_long(&self) -> Unread {
        self.too_large(format!(
            "column {}: this cell is longer than {} bytes (1 MB), the most csp-explorer reads in \
             a cell",
            self.column + 1,
            crate::text::thousands(MAX_LINE_BYTES)
        ))
    }

    fn text(&mut self, text: &str) -> Result<(), Unread> {
        if !self.reading_text() {
            return Ok(());
        }
        if text.len() > self.cell_room() {
            return Err(self.cell_too_long());
        }
        if let Some(cell) = &mut self.cell {
            cell.text.push_str(text);
        }
        Ok(())
    }

    /// Puts the cell just read into its row: as many times as it repeats if it holds a value; an
    /// empty one only moves the column on (rows end in a thousand repeated empty cells).
    fn end_cell(&mut self) -> Result<(), Unread> {
        let Some(cell) = self.cell.take() else {
            return Ok(());
        };
        let value = if cell.from_text {
            Data::String(cell.text)
        } else {
            cell.value
        };
        let text = cell_text(&value);
        if text.is_empty() {
            self.column = self.column.saturating_add(cell.repeats);
            return Ok(());
        }
        let end = self.column.saturating_add(cell.repeats);
        if end > MAX_COLUMNS as u64 {
            return Err(self.too_large(format!(
                "column {}: csp-explorer reads sheets of at most {MAX_COLUMNS} columns; is a \
                 stray value far to the right of the table?",
                end.min(u64::from(u32::MAX))
            )));
        }
        self.row.resize(self.column as usize, String::new());
        for _ in 0..cell.repeats {
            self.row.push(text.clone());
        }
        self.column = end;
        Ok(())
    }

    /// Puts the row just read into its sheet, as many times as it repeats if it holds a value; an
    /// empty one only moves the row on (sheets end in a million repeated empty rows).
    fn end_row(&mut self) -> Result<(), Unread> {
        let repeats = self.row_repeats.max(1);
        let filled = self.row.iter().filter(|c| !c.is_empty()).count();
        if filled > 0 {
            let adding = (filled as u64).saturating_mul(repeats);
            if self.cells as u64 + adding > MAX_CELLS as u64 {
                return Err(self.too_large(format!(
                    "csp-explorer reads sheets of at most {} cells; is a row repeated far below \
                     the table?",
                    crate::text::thousands(MAX_CELLS)
                )));
            }
            self.cells += adding as usize;
            let row = std::mem::take(&mut self.row);
            let first = self.next_row + 1;
            if let Some(sheet) = self.sheets.last_mut() {
                for n in 0..repeats {
                    sheet.rows.push((first + n, row.clone()));
                }
            }
        }
        self.row.clear();
        self.next_row = self.next_row.saturating_add(repeats);
        Ok(())
    }
}

/// A cell's value from its attributes (`office:value-type` and the value attribute that goes with
/// it), as `calamine` reads it: numbers, dates, times and booleans from their attribute, a string
/// from `office:string-value` or else from its paragraphs.
fn cell_of(e: &BytesStart<'_>) -> Cell {
    let mut value = Data::Empty;
    let mut set = false;
    let mut string = false;
    for attr in e.attributes().flatten() {
        let Ok(text) = attr.normalized_value(quick_xml::XmlVersion::Implicit1_0) else {
            continue;
        };
        match attr.key.as_ref() {
            "office:value" if !set => {
                if let Ok(f) = text.trim().parse::<f64>() {
                    value = Data::Float(f);
                    set = true;
                }
            }
            "office:string-value" if !set => {
                value = Data::String(text.into_owned());
                set = true;
            }
            "office:date-value" if !set => {
                value = Data::DateTimeIso(text.into_owned());
                set = true;
            }
            "office:time-value" if !set => {
                value = Data::DurationIso(text.into_owned());
                set = true;
            }
            "office:boolean-value" if !set => {
                value = Data::Bool(text.eq_ignore_ascii_case("true"));
                set = true;
            }
            "office:value-type" => string = text == "string",
            _ => {}
        }
    }
    Cell {
        value,
        from_text: string && !set,
        text: String::new(),
        paragraphs: 0,
        repeats: repeats(e, "table:number-columns-repeated"),
    }
}

/// A repeat count attribute (1 when absent or not a number; at least 1).
fn repeats(e: &BytesStart<'_>, name: &str) -> u64 {
    attribute(e, name)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .max(1)
}

fn attribute(e: &BytesStart<'_>, name: &str) -> Option<String> {
    let attr = e.try_get_attribute(name).ok().flatten()?;
    attr.normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .ok()
        .map(|v| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// An `.ods` of this `content.xml` body (inside `<office:spreadsheet>`).
    fn ods(tables: &str) -> Vec<u8> {
        parts(&[
            ("mimetype", MIMETYPE),
            ("content.xml", content(tables).as_bytes()),
        ])
    }

    /// A ZIP archive of these parts, stored.
    fn parts(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, bytes) in parts {
            zip.start_file(*name, stored).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
        out.into_inner()
    }

    /// `content.xml` with `tables` inside `<office:spreadsheet>`.
    fn content(tables: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
             <office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
             xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
             xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">\
             <office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>\
             </office:document-content>"
        )
    }

    #[test]
    fn cells_are_read_as_stored_with_values_repeats_and_row_numbers() {
        let bytes = ods("<table:table table:name=\"Parties &amp; links\">\
             <table:table-column table:number-columns-repeated=\"3\"/>\
             <table:table-row table:number-rows-repeated=\"2\"><table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>\
             <table:table-row>\
               <table:table-cell office:value-type=\"string\"><text:p>a<text:s text:c=\"2\"/>b &amp; c</text:p><text:p>2nd</text:p></table:table-cell>\
               <table:table-cell table:number-columns-repeated=\"2\"/>\
               <table:table-cell office:value-type=\"float\" office:value=\"42\"><text:p>42.00</text:p></table:table-cell>\
               <table:table-cell office:value-type=\"date\" office:date-value=\"2021-02-01\"><text:p>01/02/21</text:p></table:table-cell>\
               <table:table-cell office:value-type=\"boolean\" office:boolean-value=\"true\"/>\
               <table:table-cell office:value-type=\"string\" office:string-value=\"kept\"><office:annotation><text:p>a note</text:p></office:annotation></table:table-cell>\
               <table:table-cell table:number-columns-repeated=\"1017\"/>\
             </table:table-row>\
             <table:table-row table:number-rows-repeated=\"2\"><table:table-cell office:value-type=\"string\" table:number-columns-repeated=\"2\"><text:p>x</text:p></table:table-cell></table:table-row>\
             <table:table-row table:number-rows-repeated=\"1048570\"><table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>\
             </table:table>\
             <table:table table:name=\"Empty\"/>");
        assert!(is_ods(&bytes));
        let sheets = read(&bytes).unwrap();
        assert_eq!(sheets.len(), 2, "{sheets:?}");
        assert_eq!(sheets[0].name, "Parties & links");
        let row = |cells: &[&str]| cells.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            sheets[0].rows,
            vec![
                (
                    3,
                    row(&["a  b & c\n2nd", "", "", "42", "2021-02-01", "true", "kept"])
                ),
                (4, row(&["x", "x"])),
                (5, row(&["x", "x"])),
            ]
        );
        assert!(sheets[1].rows.is_empty());
    }

    /// Each of these few-kilobyte files asked `calamine` for gigabytes: a value repeated across
    /// every column of a million rows, a billion spaces, a cell a million columns to the right.
    /// Each is refused naming the sheet, the row and the limit, before anything is expanded.
    #[test]
    fn repeats_beyond_the_limits_are_refused_before_they_are_expanded() {
        let cases = [
            (
                "<table:table-row table:number-rows-repeated=\"1048576\"><table:table-cell office:value-type=\"float\" office:value=\"1\" table:number-columns-repeated=\"900\"/></table:table-row>",
                "sheet Bomb, row 1: csp-explorer reads sheets of at most 16,000,000 cells",
            ),
            (
                "<table:table-row><table:table-cell office:value-type=\"string\"><text:p><text:s text:c=\"1000000000\"/></text:p></table:table-cell></table:table-row>",
                "sheet Bomb, row 1: column 1: this cell is longer than 1,048,576 bytes",
            ),
            (
                "<table:table-row><table:table-cell table:number-columns-repeated=\"1000000\"/><table:table-cell office:value-type=\"float\" office:value=\"1\"/></table:table-row>",
                "sheet Bomb, row 1: column 1000001: csp-explorer reads sheets of at most 1000 columns",
            ),
        ];
        for (row, expected) in cases {
            let bytes = ods(&format!(
                "<table:table table:name=\"Bomb\">{row}</table:table>"
            ));
            match read(&bytes) {
                Err(Unread::TooLarge(message)) => {
                    assert!(message.starts_with(expected), "{message}")
                }
                other => panic!("{expected}: {other:?}"),
            }
        }
    }

    #[test]
    fn broken_xml_or_a_missing_part_is_not_a_workbook() {
        let broken = ods("<table:table table:name=\"S\"><table:table-row></table:table>");
        assert!(matches!(read(&broken), Err(Unread::NotAWorkbook)));
        let no_content = parts(&[("mimetype", MIMETYPE)]);
        assert!(is_ods(&no_content));
        assert!(matches!(read(&no_content), Err(Unread::NotAWorkbook)));
        assert!(!is_ods(&parts(&[("mimetype", b"application/zip")])));
    }
}
