//! Owns: telling what a file's bytes are before anything reads them as text, and reading workbooks
//! (`.xlsx`, `.xlsm`, `.xls`, `.ods`) sheet by sheet into rows of cells. Must not: decide what a sheet
//! holds (`mod.rs` recognises each sheet by its header, as it does a CSV).
//!
//! Partner managers keep their channel in Excel far more than in CSV, and a workbook imported as text
//! used to be an error made of its ZIP bytes. Workbooks are read with `calamine`; every other file
//! that is not text is named by what it looks like (ZIP, PDF, image, …), never shown.

use super::text::{MAX_CELLS, MAX_COLUMNS};
use calamine::{Data, Reader};
use std::io::Cursor;

/// What a file's first bytes say it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sniffed {
    /// Text (or something only the text readers can tell apart): read as CSV or JSON.
    Text,
    /// A ZIP or OLE container that may be a workbook: try `calamine` on it.
    Container,
    /// Something that is not text and not a workbook: what it looks like, to say so in one line.
    Other(&'static str),
}

/// Recognises the kinds of file people pick by mistake, from their magic numbers.
pub fn sniff(bytes: &[u8]) -> Sniffed {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"%PDF-", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF87a", "a GIF image"),
        (b"GIF89a", "a GIF image"),
        (b"\x1F\x8B", "a gzip archive"),
        (b"Rar!\x1A\x07", "a RAR archive"),
        (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
        (b"SQLite format 3\0", "an SQLite database"),
        (b"\x7FELF", "a program (ELF)"),
        (b"MZ", "a Windows program"),
        (b"RIFF", "a media file (RIFF)"),
        (b"%!PS", "a PostScript document"),
        (b"{\\rtf", "a Rich Text (RTF) document"),
    ];
    if bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"PK\x05\x06")
        || bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
    {
        return Sniffed::Container;
    }
    if let Some((_, what)) = MAGIC.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Sniffed::Other(what);
    }
    // NUL bytes do not occur in text, except in UTF-16, which has a byte order mark or a NUL in
    // every other byte (the text decoder names that case itself). A stray one in a CSV (a name
    // pasted with one) is left to the readers, which name its cell; binary formats are full of them.
    let head = &bytes[..bytes.len().min(8192)];
    let nuls = head.iter().filter(|b| **b == 0).count();
    let utf16_like = nuls * 3 >= head.len() && head.len() >= 4;
    let bom = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
    if (nuls * 50 > head.len() || nuls >= 32) && !utf16_like && !bom {
        return Sniffed::Other("binary data");
    }
    Sniffed::Text
}

/// The one line said about a container that `calamine` could not open as a workbook.
pub fn not_a_workbook(bytes: &[u8]) -> String {
    let names = |needle: &str| memchr::memmem::find(bytes, needle.as_bytes()).is_some();
    let what = if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        "an old-style Office file (Word .doc or Outlook .msg) but not an Excel workbook"
    } else if names("word/document.xml") {
        "a Word document (.docx)"
    } else if names("ppt/presentation.xml") {
        "a PowerPoint presentation (.pptx)"
    } else {
        "a ZIP archive, not a workbook"
    };
    format!(
        "this is {what}; csp-explorer imports workbooks (.xlsx, .xlsm, .xls, .ods), CSV and \
         Partner Center JSON: unpack the archive or save the data as one of those, then import that"
    )
}

/// One sheet of a workbook: its name and its rows (1-based row number, cells as text).
#[derive(Debug)]
pub struct Sheet {
    /// As the workbook names it.
    pub name: String,
    /// The non-empty rows, each with its 1-based row number as the spreadsheet shows it.
    pub rows: Vec<(u64, Vec<String>)>,
}

/// The most the parts of a ZIP workbook (`.xlsx`, `.xlsm`, `.ods`: its sheets' XML, shared strings,
/// styles) may take unpacked. A sheet of 300,000 customers is about 200 MB of XML; `calamine`
/// unpacks a whole sheet into memory, and a 1 MB file can unpack to gigabytes (a ZIP bomb).
pub const MAX_UNPACKED_BYTES: u64 = 512 * 1024 * 1024;

/// Why a container was not read.
#[derive(Debug)]
pub enum Unread {
    /// It is no workbook `calamine` knows (see [`not_a_workbook`]).
    NotAWorkbook,
    /// It is one, but would take more than the limits allow: the message says which.
    TooLarge(String),
}

/// Refuses a ZIP workbook whose parts would unpack to more than [`MAX_UNPACKED_BYTES`], from the
/// sizes its directory declares, before anything is unpacked. The declared sizes bind: the ZIP
/// reader stops with an error a part that unpacks to more than its entry says.
fn unpacked_fits(bytes: &[u8]) -> Result<(), Unread> {
    // Not a ZIP archive (an old .xls), or a broken one: `calamine` says what it is.
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    let mut total = 0u64;
    for i in 0..archive.len() {
        let Ok(part) = archive.by_index_raw(i) else {
            return Ok(());
        };
        total = total.saturating_add(part.size());
        if total > MAX_UNPACKED_BYTES {
            return Err(Unread::TooLarge(format!(
                "this workbook unpacks to more than {} MB (its part {} alone to {} MB); \
                 csp-explorer reads workbooks of at most {} MB unpacked: save the sheet as CSV \
                 and import that",
                crate::text::thousands((total >> 20) as usize),
                crate::text::escaped(&part.name().unwrap_or_default(), 60),
                crate::text::thousands((part.size() >> 20) as usize),
                MAX_UNPACKED_BYTES >> 20
            )));
        }
    }
    Ok(())
}

/// Reads every sheet of a workbook; `Err` when the bytes are no workbook `calamine` knows, or one
/// that would unpack to more than [`MAX_UNPACKED_BYTES`]. `format` is the workbook's kind as the
/// summary names it (`Excel workbook (.xlsx)`).
pub fn read(bytes: &[u8]) -> Result<(Vec<Sheet>, &'static str), Unread> {
    unpacked_fits(bytes)?;
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|_| Unread::NotAWorkbook)?;
    if let calamine::Sheets::Xlsx(xlsx) = &mut book {
        let mut sheets = Vec::new();
        for name in xlsx.sheet_names() {
            let rows = xlsx_rows(xlsx, &name)?;
            sheets.push(Sheet { name, rows });
        }
        return Ok((sheets, "Excel workbook (.xlsx)"));
    }
    read_ranges(book).map_err(|_| Unread::NotAWorkbook)
}

/// The rows of an `.xlsx` sheet, read cell by cell as they are stored. `calamine`'s ranges hold the
/// rectangle between the first and the last cell: a sheet of two cells, A1 and XFD1048576, asks
/// for 17 billion (a file of a few kilobytes aborts the app). A cell beyond [`MAX_COLUMNS`] or a
/// sheet of more than [`MAX_CELLS`] is refused, naming the limit.
fn xlsx_rows<RS: std::io::Read + std::io::Seek>(
    book: &mut calamine::Xlsx<RS>,
    sheet: &str,
) -> Result<Vec<(u64, Vec<String>)>, Unread> {
    let mut reader = book
        .worksheet_cells_reader(sheet)
        .map_err(|_| Unread::NotAWorkbook)?;
    let mut rows: std::collections::BTreeMap<u32, Vec<String>> = Default::default();
    let mut cells = 0usize;
    while let Some(cell) = reader.next_cell().map_err(|_| Unread::NotAWorkbook)? {
        let (row, column) = cell.get_position();
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        let column = column as usize;
        cells += 1;
        if column >= MAX_COLUMNS || cells > MAX_CELLS {
            return Err(Unread::TooLarge(format!(
                "sheet {}, row {}: csp-explorer reads sheets of at most {MAX_COLUMNS} columns and \
                 {} cells; is a stray value far to the right or below the table?",
                crate::text::escaped(sheet, 60),
                u64::from(row) + 1,
                crate::text::thousands(MAX_CELLS)
            )));
        }
        let cells_of_row = rows.entry(row).or_default();
        if cells_of_row.len() <= column {
            cells_of_row.resize(column + 1, String::new());
        }
        cells_of_row[column] = text;
    }
    Ok(rows
        .into_iter()
        .map(|(row, cells)| (u64::from(row) + 1, cells))
        .collect())
}

/// The sheets of a workbook of another kind (`.xls`, `.xlsb`, `.ods`) through `calamine`'s ranges.
fn read_ranges(
    mut book: calamine::Sheets<Cursor<&[u8]>>,
) -> Result<(Vec<Sheet>, &'static str), calamine::Error> {
    let format = match &book {
        calamine::Sheets::Xls(_) => "Excel 97–2003 workbook (.xls)",
        calamine::Sheets::Xlsx(_) => "Excel workbook (.xlsx)",
        calamine::Sheets::Xlsb(_) => "Excel binary workbook (.xlsb)",
        calamine::Sheets::Ods(_) => "OpenDocument spreadsheet (.ods)",
    };
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name)?;
        // The used range may start below and right of A1; row numbers in messages are the
        // spreadsheet's own.
        let (top, left) = range.start().unwrap_or((0, 0));
        let rows = range
            .rows()
            .enumerate()
            .filter_map(|(i, cells)| {
                let mut row: Vec<String> = std::iter::repeat_n(String::new(), left as usize)
                    .chain(cells.iter().map(cell_text))
                    .collect();
                while row.last().is_some_and(String::is_empty) {
                    row.pop();
                }
                (!row.is_empty()).then(|| (u64::from(top) + i as u64 + 1, row))
            })
            .collect();
        sheets.push(Sheet { name, rows });
    }
    Ok((sheets, format))
}

/// A cell as the text a CSV of the same sheet would hold: whole numbers without `.0`, dates as
/// ISO dates (a date cell is a number underneath; its format makes it a date), booleans as words.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{day:02}")
        }
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_that_are_not_text_are_named_by_what_they_look_like() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Sniffed::Other("a PDF document"));
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Sniffed::Other("a PNG image")
        );
        assert_eq!(sniff(b"PK\x03\x04rest"), Sniffed::Container);
        assert_eq!(
            sniff(b"id,kind\nabc\0def,x\n"),
            Sniffed::Other("binary data")
        );
        assert_eq!(
            sniff("id,kind,name\nm,microsoft,Ä\n".as_bytes()),
            Sniffed::Text
        );
        // UTF-16 without a byte order mark is left to the text decoder, which says what it is.
        let utf16: Vec<u8> = "id,kind\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(sniff(&utf16), Sniffed::Text);
    }

    /// A ZIP archive of one stored part `name` whose entries declare `declared` bytes unpacked.
    fn zip_declaring(name: &str, data: &[u8], declared: u32) -> Vec<u8> {
        let le16 = |v: u16| v.to_le_bytes();
        let le32 = |v: u32| v.to_le_bytes();
        let crc = 0u32;
        let mut out = Vec::new();
        // Local header, then the data.
        out.extend(le32(0x0403_4b50));
        for v in [20u16, 0, 0, 0, 0] {
            out.extend(le16(v));
        }
        out.extend(le32(crc));
        out.extend(le32(data.len() as u32));
        out.extend(le32(declared));
        out.extend(le16(name.len() as u16));
        out.extend(le16(0));
        out.extend(name.as_bytes());
        out.extend(data);
        // The central directory's entry, then its end.
        let directory = out.len() as u32;
        out.extend(le32(0x0201_4b50));
        for v in [20u16, 20, 0, 0, 0, 0] {
            out.extend(le16(v));
        }
        out.extend(le32(crc));
        out.extend(le32(data.len() as u32));
        out.extend(le32(declared));
        for v in [name.len() as u16, 0, 0, 0, 0] {
            out.extend(le16(v));
        }
        out.extend(le32(0));
        out.extend(le32(0));
        out.extend(name.as_bytes());
        let size = out.len() as u32 - directory;
        out.extend(le32(0x0605_4b50));
        for v in [0u16, 0, 1, 1] {
            out.extend(le16(v));
        }
        out.extend(le32(size));
        out.extend(le32(directory));
        out.extend(le16(0));
        out
    }

    /// A workbook whose sheet would unpack to 4 GB is refused from its directory, naming the
    /// part and the limit, before anything is unpacked; one within the limit goes on to be read.
    #[test]
    fn a_workbook_that_unpacks_beyond_the_limit_is_refused_before_unpacking() {
        let bomb = zip_declaring("xl/worksheets/sheet1.xml", b"<x/>", u32::MAX);
        assert_eq!(sniff(&bomb), Sniffed::Container);
        match read(&bomb) {
            Err(Unread::TooLarge(message)) => {
                assert!(message.contains("xl/worksheets/sheet1.xml"), "{message}");
                assert!(message.contains("at most 512 MB unpacked"), "{message}");
            }
            other => panic!("not refused as too large: {other:?}"),
        }
        let small = zip_declaring("notes.txt", b"hello", 5);
        assert!(matches!(read(&small), Err(Unread::NotAWorkbook)));
    }

    #[test]
    fn a_zip_that_is_not_a_workbook_is_one_line_saying_so() {
        let zip = b"PK\x03\x04\x14\0\0\0\0\0notes.txt....".to_vec();
        assert!(matches!(read(&zip), Err(Unread::NotAWorkbook)));
        let line = not_a_workbook(&zip);
        assert!(line.contains("ZIP archive, not a workbook"), "{line}");
        assert!(!line.contains('\n') && !line.contains('\0'), "{line}");
        let docx = b"PK\x03\x04\x14\0\0\0\0\0word/document.xml....".to_vec();
        assert!(not_a_workbook(&docx).contains("Word document"));
    }
}
