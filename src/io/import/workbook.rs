//! Owns: telling what a file's bytes are before anything reads them as text, and reading workbooks
//! (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`; `.ods` in `ods.rs`) sheet by sheet into rows of cells. Must not: decide what a sheet
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
///
/// A container names its parts: an old-style Office file (OLE) its streams in UTF-16
/// (`Workbook`, `WordDocument`, Outlook's `__substg1.0_`), a ZIP its files (`xl/workbook.xml`,
/// `word/document.xml`). A workbook that names its workbook part but cannot be read is damaged or
/// protected with a password, and is said to be so: calling it "a Word document" sends the user
/// looking for the wrong file. Word's, Outlook's and PowerPoint's stream names are asked first, as
/// they are the more specific: a document's own text may say "Workbook".
pub fn not_a_workbook(bytes: &[u8]) -> String {
    let names = |needle: &str| memchr::memmem::find(bytes, needle.as_bytes()).is_some();
    let names_utf16 = |needle: &str| {
        let wide: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
        memchr::memmem::find(bytes, &wide).is_some()
    };
    let unreadable = |what: &str| {
        format!(
            "this is {what} that cannot be read: it is damaged or protected with a password; \
             open it in Excel (or LibreOffice), save a copy as .xlsx without a password, then \
             import that"
        )
    };
    let what = if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        if names_utf16("WordDocument") {
            "a Word document (.doc)"
        } else if names_utf16("__substg1.0_") {
            "an Outlook message (.msg)"
        } else if names_utf16("PowerPoint Document") {
            "a PowerPoint presentation (.ppt)"
        } else if names_utf16("Workbook") || names_utf16("Book") {
            return unreadable("an Excel 97-2003 workbook (.xls)");
        } else {
            "an old-style Office file but not an Excel workbook"
        }
    } else if names("xl/workbook.xml") || names("xl/workbook.bin") {
        return unreadable("an Excel workbook");
    } else if names("application/vnd.oasis.opendocument.spreadsheet") {
        return unreadable("an OpenDocument spreadsheet (.ods)");
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
pub(super) fn unpacked_fits(bytes: &[u8]) -> Result<(), Unread> {
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
/// that would unpack to more than [`MAX_UNPACKED_BYTES`] or hold more than a sheet's limits.
/// `format` is the workbook's kind as the summary names it (`Excel workbook (.xlsx)`).
///
/// `.xlsx` and `.xlsb` sheets are read cell by cell as stored (and `.ods` by `ods.rs`): their
/// ranges in `calamine` hold the rectangle between the first and the last cell, and an `.ods` is
/// expanded whole as it opens. An `.xls` is read whole by `calamine` as it opens, through ranges:
/// `xls.rs` checks first what that would cost. `calamine` can panic on a damaged workbook (an index past its string table); that is
/// caught and said to be a workbook that cannot be read, and its message is not printed (see
/// [`quietly`]).
pub fn read(bytes: &[u8]) -> Result<(Vec<Sheet>, &'static str), Unread> {
    unpacked_fits(bytes)?;
    if super::xls::is_compound_file(bytes) {
        super::xls::check(bytes).map_err(|refused| match refused {
            super::xls::Refused::Unreadable => Unread::NotAWorkbook,
            super::xls::Refused::TooLarge(message) => Unread::TooLarge(message),
        })?;
    }
    quietly(|| read_with_calamine(bytes)).unwrap_or(Err(Unread::NotAWorkbook))
}

thread_local! {
    /// True while this thread runs [`quietly`]'s call.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` (a call into `calamine`), catching a panic, and keeps that panic's message off
/// standard error: the user is told the workbook cannot be read, and a `thread panicked at
/// calamine/src/…` line above it would read as a crash.
///
/// The panic hook is process-wide, so it is not swapped in and out around the call: another
/// thread panicking meanwhile (the window's, a test's) would lose its message, and two imports
/// on two threads could restore each other's hook and leave the quiet one for good. Instead one
/// hook is installed, once, in front of whatever hook was there; it stays silent only for a panic
/// on a thread that is inside this call, and hands every other panic on. Whoever sets a hook later
/// replaces it, and then `calamine`'s message is printed again: nothing worse.
fn quietly<T>(f: impl FnOnce() -> T + std::panic::UnwindSafe) -> std::thread::Result<T> {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|quiet| quiet.replace(true));
    let result = std::panic::catch_unwind(f);
    QUIET.with(|quiet| quiet.set(was));
    result
}

/// Any error of `calamine`'s: the bytes are no workbook it can read.
fn unread<E>(_: E) -> Unread {
    Unread::NotAWorkbook
}

fn read_with_calamine(bytes: &[u8]) -> Result<(Vec<Sheet>, &'static str), Unread> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(unread)?;
    let mut sheets = Vec::new();
    match &mut book {
        calamine::Sheets::Xlsx(xlsx) => {
            for name in xlsx.sheet_names() {
                let mut cells = xlsx.worksheet_cells_reader(&name).map_err(unread)?;
                sheets.push(StoredCells::read(&name, || cells.next_cell())?);
            }
            Ok((sheets, "Excel workbook (.xlsx)"))
        }
        calamine::Sheets::Xlsb(xlsb) => {
            for name in xlsb.sheet_names() {
                let mut cells = xlsb.worksheet_cells_reader(&name).map_err(unread)?;
                sheets.push(StoredCells::read(&name, || cells.next_cell())?);
            }
            Ok((sheets, "Excel binary workbook (.xlsb)"))
        }
        _ => read_ranges(book).map_err(unread),
    }
}

/// The rows of a sheet read cell by cell as they are stored (see [`read`]). A cell beyond
/// [`MAX_COLUMNS`] or a sheet of more than [`MAX_CELLS`] is refused, naming the limit.
struct StoredCells {
    name: String,
    rows: std::collections::BTreeMap<u32, Vec<String>>,
    cells: usize,
}

impl StoredCells {
    /// The sheet `name` from its cells, each as `next` gives it.
    fn read<'a, E>(
        name: &str,
        mut next: impl FnMut() -> Result<Option<calamine::Cell<calamine::DataRef<'a>>>, E>,
    ) -> Result<Sheet, Unread> {
        let mut rows = StoredCells {
            name: name.to_owned(),
            rows: Default::default(),
            cells: 0,
        };
        while let Some(cell) = next().map_err(unread)? {
            rows.add(cell.get_position(), cell.get_value())?;
        }
        Ok(rows.finish())
    }

    fn add(
        &mut self,
        (row, column): (u32, u32),
        value: &calamine::DataRef<'_>,
    ) -> Result<(), Unread> {
        let text = cell_text(&Data::from(value.clone()));
        if text.is_empty() {
            return Ok(());
        }
        let column = column as usize;
        self.cells += 1;
        if column >= MAX_COLUMNS || self.cells > MAX_CELLS {
            return Err(Unread::TooLarge(format!(
                "sheet {}, row {}: csp-explorer reads sheets of at most {MAX_COLUMNS} columns and \
                 {} cells; is a stray value far to the right or below the table?",
                crate::text::escaped(&self.name, 60),
                u64::from(row) + 1,
                crate::text::thousands(MAX_CELLS)
            )));
        }
        let cells_of_row = self.rows.entry(row).or_default();
        if cells_of_row.len() <= column {
            cells_of_row.resize(column + 1, String::new());
        }
        cells_of_row[column] = text;
        Ok(())
    }

    fn finish(self) -> Sheet {
        Sheet {
            name: self.name,
            rows: self
                .rows
                .into_iter()
                .map(|(row, cells)| (u64::from(row) + 1, cells))
                .collect(),
        }
    }
}

/// The sheets of an `.xls` workbook through `calamine`'s ranges.
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
pub(super) fn cell_text(cell: &Data) -> String {
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

    /// A BIFF12 record of an `.xlsb` part: its type and size as variable-length numbers, then `body`.
    fn record(kind: u16, body: &[u8]) -> Vec<u8> {
        let mut out = if kind < 0x80 {
            vec![kind as u8]
        } else {
            vec![(kind & 0x7f) as u8 | 0x80, (kind >> 7) as u8]
        };
        let mut len = body.len();
        loop {
            let byte = (len & 0x7f) as u8;
            len >>= 7;
            if len == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        }
        out.extend_from_slice(body);
        out
    }

    fn wide(text: &str) -> Vec<u8> {
        let units: Vec<u16> = text.encode_utf16().collect();
        let mut out = (units.len() as u32).to_le_bytes().to_vec();
        out.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        out
    }

    /// An `.xlsb` workbook of one sheet, `Sheet1`, whose cells are `(row, column, text)`.
    fn xlsb(cells: &[(u32, u32, &str)]) -> Vec<u8> {
        xlsb_with_dimension(cells, &[0; 16])
    }

    /// [`xlsb`] whose sheet declares its dimension with `dimension` (16 bytes when whole).
    fn xlsb_with_dimension(cells: &[(u32, u32, &str)], dimension: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut workbook = 0u32.to_le_bytes().to_vec(); // visible
        workbook.extend(1u32.to_le_bytes());
        workbook.extend(wide("rId1"));
        workbook.extend(wide("Sheet1"));
        let mut workbook = record(0x009C, &workbook); // BrtBundleSh
        workbook.extend(record(0x0090, &[])); // BrtEndBundleShs
        workbook.extend(record(0x009D, &[])); // BrtCalcProp: the names end
        let mut sheet = record(0x0094, dimension); // BrtWsDim
        sheet.extend(record(0x0091, &[])); // BrtBeginSheetData
        for (row, column, text) in cells {
            sheet.extend(record(0x0000, &row.to_le_bytes())); // BrtRowHdr
            let mut cell = column.to_le_bytes().to_vec();
            cell.extend(0u32.to_le_bytes());
            cell.extend(wide(text));
            sheet.extend(record(0x0006, &cell)); // BrtCellSt
        }
        sheet.extend(record(0x0092, &[])); // BrtEndSheetData
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, bytes) in [
            (
                "xl/_rels/workbook.bin.rels",
                br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Target="worksheets/sheet1.bin"/></Relationships>"#.to_vec(),
            ),
            ("xl/workbook.bin", workbook),
            ("xl/worksheets/sheet1.bin", sheet),
        ] {
            zip.start_file(name, stored).unwrap();
            zip.write_all(&bytes).unwrap();
        }
        zip.finish().unwrap();
        out.into_inner()
    }

    /// An `.xlsb` sheet is read as stored: its cells where they are, and two cells at A1 and
    /// XFD1048576 (17 billion through `calamine`'s range, which aborted the app) refused naming the
    /// sheet, the row and the limit.
    #[test]
    fn an_xlsb_sheet_is_read_as_stored_and_a_far_cell_is_refused() {
        let (sheets, format) = read(&xlsb(&[(0, 0, "id"), (0, 1, "kind"), (2, 1, "customer")]))
            .expect("an .xlsb workbook");
        assert_eq!(format, "Excel binary workbook (.xlsb)");
        assert_eq!(sheets[0].name, "Sheet1");
        assert_eq!(
            sheets[0].rows,
            vec![
                (1, vec!["id".to_owned(), "kind".to_owned()]),
                (3, vec![String::new(), "customer".to_owned()])
            ]
        );
        match read(&xlsb(&[(0, 0, "id"), (1_048_575, 16_383, "far")])) {
            Err(Unread::TooLarge(message)) => assert!(
                message.starts_with(
                    "sheet Sheet1, row 1048576: csp-explorer reads sheets of at most 1000 columns"
                ),
                "{message}"
            ),
            other => panic!("not refused: {other:?}"),
        }
    }

    /// `calamine` indexes its tables without checking: a damaged workbook that made it panic is a
    /// workbook that cannot be read, not a crash.
    #[test]
    fn a_workbook_that_makes_calamine_panic_cannot_be_read() {
        // The sheet's dimension record cut to one byte: calamine slices 16 out of it.
        let bytes = xlsb_with_dimension(&[(0, 0, "id")], &[0]);
        assert!(matches!(read(&bytes), Err(Unread::NotAWorkbook)));
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

    /// A damaged or password-protected workbook is called what it is, not a Word document.
    #[test]
    fn a_workbook_that_cannot_be_read_is_called_a_damaged_workbook() {
        let utf16 =
            |name: &str| -> Vec<u8> { name.encode_utf16().flat_map(u16::to_le_bytes).collect() };
        let ole = |stream: &str| {
            let mut bytes = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
            bytes.extend_from_slice(&[0; 64]);
            bytes.extend(utf16(stream));
            bytes
        };
        let xls = not_a_workbook(&ole("Workbook"));
        assert!(
            xls.contains("Excel 97-2003 workbook (.xls) that cannot be read"),
            "{xls}"
        );
        assert!(xls.contains("password") && !xls.contains("Word"), "{xls}");
        assert!(not_a_workbook(&ole("WordDocument")).contains("a Word document (.doc)"));
        assert!(not_a_workbook(&ole("__substg1.0_0037001F")).contains("Outlook message"));
        let xlsx = b"PK\x03\x04\x14\0\0\0\0\0xl/workbook.xml....".to_vec();
        let line = not_a_workbook(&xlsx);
        assert!(
            line.contains("an Excel workbook that cannot be read"),
            "{line}"
        );
        assert!(!line.contains('\n'), "{line}");
    }
}
