//! Owns: checking an old `.xls` workbook (a Compound File holding BIFF records) against the limits
//! before `calamine` reads it. Must not: read its cells (`workbook.rs` has `calamine` do that).
//!
//! `calamine` reads an `.xls` whole as it opens it and trusts what the file says, so a file of a
//! few kilobytes could make it loop for ever or ask for terabytes (the process aborts, which no
//! `catch_unwind` stops):
//! - a sector chain that loops (the directory's is read with no length), or a FAT listing the same
//!   sector again and again (the FAT read grows 127 times faster than the file);
//! - a sheet's `Dimensions` record, whose rows times columns `calamine` reserves as cells (a row
//!   range written backwards wraps to four billion rows);
//! - two cells far apart: the sheet becomes the whole rectangle between them;
//! - many tiny shared strings, or formulas whose text is far longer than their bytes (a 7-byte
//!   reference prints a 255-character sheet name).
//!
//! [`check`] follows the container the way `calamine` does (the same chains, the same streams, the
//! same records) with every count bounded, and refuses what would cost more than the limits below.
//! Anything it cannot follow exactly as `calamine` would is refused as not a workbook.

use super::text::MAX_COLUMNS;

/// Why an `.xls` is not handed to `calamine`.
#[derive(Debug)]
pub(super) enum Refused {
    /// Its container cannot be followed as `calamine` would follow it (or it holds no workbook).
    Unreadable,
    /// Reading it would cost more than the limits allow: the message says which.
    TooLarge(String),
}

/// The most cells an `.xls` sheet may span (rows times columns between its first and last cell,
/// and as its `Dimensions` record claims): `calamine` holds the whole rectangle, about 70 bytes a
/// cell with the cells read. 65,536 rows of 15 columns fit.
pub const MAX_XLS_CELLS: u64 = 1_000_000;

/// The most bytes of shared strings (the `SST` record and its continuations): a string of a few
/// bytes costs about 50 in memory. A channel's 300,000 names take about 8 MB.
pub const MAX_XLS_STRING_BYTES: usize = 16 << 20;

/// The most bytes of formulas in a workbook: `calamine` prints each as text, up to a hundred times
/// longer than its bytes, and the import reads only values.
pub const MAX_XLS_FORMULA_BYTES: usize = 1 << 20;

const MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;

/// Whether `bytes` are a Compound File (an `.xls`, or a `.doc` or `.msg`).
pub(super) fn is_compound_file(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// Checks an `.xls` before `calamine` reads it (see the module's notes): `Ok` when reading it
/// stays within the limits.
pub(super) fn check(bytes: &[u8]) -> Result<(), Refused> {
    let stream = workbook_stream(bytes).ok_or(Refused::Unreadable)?;
    check_records(&stream)
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn u32s(bytes: &[u8]) -> Option<impl Iterator<Item = u32> + '_> {
    // calamine asserts whole words.
    bytes.len().is_multiple_of(4).then(|| {
        bytes
            .chunks_exact(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
    })
}

/// A Compound File's sectors as `calamine` reads them: sector `id` starts after the header, one
/// sector size per id, and an id past the file's length (`maxid`) is an error.
struct Sectors<'a> {
    data: &'a [u8],
    size: usize,
    maxid: u32,
    /// Whether a sector cut short by the end of `data` is read as far as it goes (the file's
    /// sectors), or not followed (the mini stream's: calamine would read on in the file from
    /// wherever it stopped).
    cut_short: bool,
}

impl<'a> Sectors<'a> {
    fn get(&self, id: u32) -> Option<&'a [u8]> {
        if self.maxid < id {
            return None;
        }
        let start = id as usize * self.size;
        let end = start + self.size;
        // A sector that starts past the end is not followed (calamine would read zeros, or slice
        // out of range).
        if end <= self.data.len() {
            Some(&self.data[start..end])
        } else if self.cut_short && start < self.data.len() {
            Some(&self.data[start..])
        } else {
            None
        }
    }

    /// The bytes of the chain from `start`, at most `len` of them, as `calamine`'s `get_chain`
    /// reads them; `None` when the chain loops (visits more sectors than there are) or leaves the
    /// file or the FAT.
    fn chain(&self, mut id: u32, fats: &[u32], len: usize) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut visited = 0u64;
        while id != ENDOFCHAIN {
            visited += 1;
            if visited > u64::from(self.maxid) + 1 {
                return None;
            }
            let sector = self.get(id)?;
            let take = sector.len().min(len - out.len());
            out.extend_from_slice(&sector[..take]);
            if out.len() >= len {
                break;
            }
            id = *fats.get(id as usize)?;
        }
        Some(out)
    }
}

/// The `Workbook` (or `Book`) stream, as `calamine` finds it.
fn workbook_stream(bytes: &[u8]) -> Option<Vec<u8>> {
    let header = bytes.get(..512).filter(|h| h.starts_with(MAGIC))?;
    let version = u16_at(header, 26)?;
    let (size, header_len) = match u16_at(header, 30)? {
        0x0009 => (512, 512),
        0x000C => (4096, 4096),
        _ => return None,
    };
    if u16_at(header, 32)? != 0x0006 || bytes.len() < header_len {
        return None;
    }
    let dir_start = u32_at(header, 48)?;
    let mini_fat_start = u32_at(header, 60)?;
    let mini_fat_len = u32_at(header, 64)? as usize;
    let difat_start = u32_at(header, 68)?;
    let maxid = u32::try_from(bytes.len() / size).ok()?;
    let sectors = Sectors {
        data: &bytes[header_len..],
        size,
        maxid,
        cut_short: true,
    };
    let mut difat: Vec<u32> = u32s(&header[76..512])?.collect();
    let mut id = difat_start;
    let mut steps = 0u64;
    while id < RESERVED_SECTORS {
        steps += 1;
        if steps > u64::from(maxid) + 1 {
            return None;
        }
        difat.extend(u32s(sectors.get(id)?)?);
        id = difat.pop()?;
    }
    // Each FAT sector listed once covers the file; a DIFAT listing more lists some again (the FAT
    // calamine reads would grow 127 times faster than the file).
    let fat_sectors: Vec<u32> = difat.into_iter().filter(|id| *id < DIFSECT).collect();
    if fat_sectors.len() as u64 > u64::from(maxid) + 1 {
        return None;
    }
    let mut fats = Vec::new();
    for id in fat_sectors {
        fats.extend(u32s(sectors.get(id)?)?);
    }
    let directory = sectors.chain(dir_start, &fats, usize::MAX)?;
    let entries: Vec<(String, u32, usize)> = directory
        .chunks_exact(128)
        .map(|entry| {
            let name = encoding_rs::UTF_16LE.decode(&entry[..64]).0;
            let name = name.split('\0').next().unwrap_or_default().to_owned();
            let start = u32::from_le_bytes([entry[116], entry[117], entry[118], entry[119]]);
            let len = if size == 512 {
                u64::from(u32::from_le_bytes([
                    entry[120], entry[121], entry[122], entry[123],
                ]))
            } else {
                u64::from_le_bytes(entry[120..128].try_into().unwrap_or_default())
            };
            (name, start, usize::try_from(len).unwrap_or(usize::MAX))
        })
        .collect();
    let root = entries.first()?;
    if version != 3 && root.1 == ENDOFCHAIN {
        return None;
    }
    let (mini_fats, ministream) = if mini_fat_len > 0 {
        let ministream = sectors.chain(root.1, &fats, root.2)?;
        let minifat = sectors.chain(mini_fat_start, &fats, mini_fat_len.checked_mul(size)?)?;
        (u32s(&minifat)?.collect::<Vec<_>>(), ministream)
    } else {
        (Vec::new(), Vec::new())
    };
    let mini = Sectors {
        data: &ministream,
        size: 64,
        maxid: maxid.checked_mul(8)?,
        cut_short: false,
    };
    let stream = |name: &str| {
        let (_, start, len) = entries
            .iter()
            .find(|(n, ..)| n.eq_ignore_ascii_case(name))?;
        if *len < 4096 {
            mini.chain(*start, &mini_fats, *len)
        } else {
            sectors.chain(*start, &fats, *len)
        }
    };
    stream("Workbook").or_else(|| stream("Book"))
}

/// One BIFF record: its type, its data and the length of its `Continue` records, read as
/// `calamine`'s record iterator reads them.
struct Record<'a> {
    typ: u16,
    data: &'a [u8],
    continued: usize,
}

/// The records from the start of `stream`, until one is cut short (calamine stops with an error
/// there, having read those before it).
fn records(mut stream: &[u8]) -> impl Iterator<Item = Record<'_>> {
    std::iter::from_fn(move || {
        let typ = u16_at(stream, 0)?;
        let len = u16_at(stream, 2)? as usize;
        let data = stream.get(4..4 + len)?;
        stream = &stream[4 + len..];
        let mut continued = 0;
        while stream.len() > 4 && u16_at(stream, 0) == Some(0x003C) {
            let len = u16_at(stream, 2)? as usize;
            stream.get(4..4 + len)?;
            continued += len;
            stream = &stream[4 + len..];
        }
        Some(Record {
            typ,
            data,
            continued,
        })
    })
}

fn too_large(message: String) -> Refused {
    Refused::TooLarge(format!(
        "{message}; save the sheet as .xlsx or CSV and import that"
    ))
}

/// The workbook's records against the limits: its shared strings and formulas, and each sheet's
/// claimed and spanned range and its cells.
fn check_records(stream: &[u8]) -> Result<(), Refused> {
    let mut sheets = Vec::new();
    let mut strings = 0usize;
    for record in records(stream) {
        match record.typ {
            0x0085 => sheets.extend(u32_at(record.data, 0)),
            0x00FC => strings += record.data.len() + record.continued,
            0x000A => break,
            _ => {}
        }
    }
    if strings > MAX_XLS_STRING_BYTES {
        return Err(too_large(format!(
            "this workbook's shared strings take {} bytes; csp-explorer reads .xls workbooks of at \
             most {} bytes of strings",
            crate::text::thousands(strings),
            crate::text::thousands(MAX_XLS_STRING_BYTES)
        )));
    }
    let mut formulas = 0usize;
    for (n, pos) in sheets.into_iter().enumerate() {
        let Some(sheet) = stream.get(pos as usize..) else {
            continue;
        };
        check_sheet(n + 1, sheet, &mut formulas)?;
    }
    Ok(())
}

/// One sheet's records (from its `BOF` to its `EOF`, nested substreams skipped as `calamine`
/// skips them).
fn check_sheet(n: usize, sheet: &[u8], formulas: &mut usize) -> Result<(), Refused> {
    let over = |what: String| {
        too_large(format!(
            "sheet {n}: {what}; csp-explorer reads .xls sheets spanning at most {} cells and {} \
             columns",
            crate::text::thousands(MAX_XLS_CELLS as usize),
            MAX_COLUMNS
        ))
    };
    let (mut first, mut last) = ((u32::MAX, u32::MAX), (0u32, 0u32));
    let mut cells = 0u64;
    let mut seen_bof = false;
    let mut depth = 0usize;
    for record in records(sheet) {
        if depth > 0 {
            match record.typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let data = record.data;
        let mut place = |row: u16, columns: std::ops::RangeInclusive<u16>| {
            let (row, from, to) = (u32::from(row), u32::from(*columns.start()), *columns.end());
            first = (first.0.min(row), first.1.min(from));
            last = (last.0.max(row), last.1.max(u32::from(to)));
            cells += u64::from(to) - u64::from(from) + 1;
        };
        match record.typ {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x0200 => {
                let (rows, columns) = claimed(data)
                    .ok_or_else(|| over("its Dimensions record runs backwards".to_owned()))?;
                if rows.saturating_mul(columns) > MAX_XLS_CELLS {
                    return Err(over(format!(
                        "its Dimensions record claims {} rows of {} columns",
                        crate::text::thousands(rows as usize),
                        crate::text::thousands(columns as usize)
                    )));
                }
            }
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD => {
                if let (Some(row), Some(column)) = (u16_at(data, 0), u16_at(data, 2)) {
                    place(row, column..=column);
                }
            }
            0x00BD => {
                if let (Some(row), Some(from), Some(to)) = (
                    u16_at(data, 0),
                    u16_at(data, 2),
                    u16_at(data, data.len().saturating_sub(2)),
                ) {
                    place(row, from..=to.max(from));
                }
            }
            0x0006 => {
                if let (Some(row), Some(column)) = (u16_at(data, 0), u16_at(data, 2)) {
                    place(row, column..=column);
                }
                *formulas += data.len() + record.continued;
                if *formulas > MAX_XLS_FORMULA_BYTES {
                    return Err(too_large(format!(
                        "sheet {n}: this workbook's formulas take more than {} bytes; \
                         csp-explorer reads .xls workbooks of at most that many",
                        crate::text::thousands(MAX_XLS_FORMULA_BYTES)
                    )));
                }
            }
            0x000A => break,
            _ => {}
        }
        if cells > MAX_XLS_CELLS {
            return Err(over(format!(
                "it has more than {} cells",
                crate::text::thousands(MAX_XLS_CELLS as usize)
            )));
        }
    }
    if cells == 0 {
        return Ok(());
    }
    let rows = u64::from(last.0 - first.0) + 1;
    let columns = u64::from(last.1 - first.1) + 1;
    if last.1 as usize >= MAX_COLUMNS || rows * columns > MAX_XLS_CELLS {
        return Err(over(format!(
            "its cells span rows {} to {} and columns {} to {}",
            first.0 + 1,
            last.0 + 1,
            first.1 + 1,
            last.1 + 1
        )));
    }
    Ok(())
}

/// The rows and columns a `Dimensions` record makes `calamine` reserve, read as it reads them;
/// `None` when they run backwards (calamine's subtraction wraps to billions) or the record has
/// another length (calamine stops there).
fn claimed(data: &[u8]) -> Option<(u64, u64)> {
    let (first_row, last_row, mut first_column, last_column) = match data.len() {
        10 => (
            u32::from(u16_at(data, 0)?),
            u32::from(u16_at(data, 2)?),
            u32::from(u16_at(data, 4)?),
            u32::from(u16_at(data, 6)?),
        ),
        14 | 16 => (
            u32_at(data, 0)?,
            u32_at(data, 4)?,
            u32::from(u16_at(data, 8)?),
            u32::from(u16_at(data, 10)?),
        ),
        _ => return Some((0, 0)),
    };
    if 0xFF < first_column || last_column < first_column {
        first_column = 0;
    }
    let (start, end) = if 1 <= last_row && 1 <= last_column {
        ((first_row, first_column), (last_row - 1, last_column - 1))
    } else {
        ((first_row, first_column), (first_row, first_column))
    };
    let rows = end.0.checked_sub(start.0)?;
    let columns = end.1.checked_sub(start.1)?;
    Some((u64::from(rows) + 1, u64::from(columns) + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::import::workbook::Unread;

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut out = typ.to_le_bytes().to_vec();
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
        out
    }

    /// A `Dimensions` record of BIFF8: first row, last row + 1, first column, last column + 1.
    fn dimensions(rows: (u32, u32), columns: (u16, u16)) -> Vec<u8> {
        let mut d = rows.0.to_le_bytes().to_vec();
        d.extend(rows.1.to_le_bytes());
        d.extend(columns.0.to_le_bytes());
        d.extend(columns.1.to_le_bytes());
        d.extend([0, 0]);
        d
    }

    /// An `.xls` (BIFF8 in a version 3 Compound File of 512-byte sectors) of one sheet, `Sheet1`,
    /// holding `cells` as text after a `Dimensions` record `dims`; `fat` may change the FAT.
    fn xls(cells: &[(u16, u16, &str)], dims: &[u8], fat: impl FnOnce(&mut Vec<u32>)) -> Vec<u8> {
        let mut bof = 0x0600u16.to_le_bytes().to_vec();
        bof.extend([0u8; 14]);
        let bof = |dt: u16| {
            let mut b = bof.clone();
            b[2..4].copy_from_slice(&dt.to_le_bytes());
            record(0x0809, &b)
        };
        let bound = |pos: u32| {
            let mut d = pos.to_le_bytes().to_vec();
            d.extend([0, 0, 6, 0]);
            d.extend(b"Sheet1");
            record(0x0085, &d)
        };
        let globals_len = bof(5).len() + bound(0).len() + record(0x000A, &[]).len();
        let mut stream = bof(5);
        stream.extend(bound(globals_len as u32));
        stream.extend(record(0x000A, &[]));
        stream.extend(bof(0x10));
        stream.extend(record(0x0200, dims));
        for (row, column, text) in cells {
            let mut d = row.to_le_bytes().to_vec();
            d.extend(column.to_le_bytes());
            d.extend([0, 0]);
            d.extend((text.len() as u16).to_le_bytes());
            d.push(0);
            d.extend(text.as_bytes());
            stream.extend(record(0x0204, &d));
        }
        stream.extend(record(0x000A, &[]));
        // At least 4096 bytes: a shorter stream would live in the mini stream.
        let len = stream.len().max(4096);
        stream.resize(len.div_ceil(512) * 512, 0);
        let stream_sectors = stream.len() / 512;
        let mut fats = vec![0xFFFF_FFFD, ENDOFCHAIN];
        fats.extend((3..3 + stream_sectors as u32 - 1).chain([ENDOFCHAIN]));
        fats.resize(128, 0xFFFF_FFFF);
        fat(&mut fats);
        let mut out = MAGIC.to_vec();
        out.resize(512, 0);
        out[24..26].copy_from_slice(&0x3Eu16.to_le_bytes());
        out[26..28].copy_from_slice(&3u16.to_le_bytes());
        out[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
        out[30..32].copy_from_slice(&9u16.to_le_bytes());
        out[32..34].copy_from_slice(&6u16.to_le_bytes());
        out[44..48].copy_from_slice(&1u32.to_le_bytes());
        out[48..52].copy_from_slice(&1u32.to_le_bytes());
        out[56..60].copy_from_slice(&4096u32.to_le_bytes());
        out[60..64].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
        out[68..72].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
        out[76..80].copy_from_slice(&0u32.to_le_bytes());
        for at in (80..512).step_by(4) {
            out[at..at + 4].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        }
        out.extend(fats.iter().flat_map(|f| f.to_le_bytes()));
        let entry = |name: &str, kind: u8, start: u32, size: u32| {
            let mut e: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
            e.resize(64, 0);
            e.extend(((name.len() as u16 + 1) * 2).to_le_bytes());
            e.extend([kind, 1]);
            e.extend([0xFF; 12]);
            e.resize(116, 0);
            e.extend(start.to_le_bytes());
            e.extend(size.to_le_bytes());
            e.extend([0; 4]);
            e
        };
        out.extend(entry("Root Entry", 5, ENDOFCHAIN, 0));
        out.extend(entry("Workbook", 2, 2, len as u32));
        out.resize(out.len() + 256, 0);
        out.extend(stream);
        out
    }

    fn refused(bytes: &[u8]) -> String {
        match super::super::workbook::read(bytes) {
            Err(Unread::TooLarge(message)) => message,
            other => panic!("not refused as too large: {other:?}"),
        }
    }

    /// A small `.xls` reads as before; one whose `Dimensions` record claims a huge or backwards
    /// range (calamine reserved it: a backwards one wrapped to billions of cells and aborted), or
    /// whose two cells lie far apart, is refused naming the sheet and the limit.
    #[test]
    fn an_xls_sheet_is_read_and_its_claims_and_span_are_bounded() {
        let ok = xls(
            &[(0, 0, "id"), (0, 1, "kind"), (2, 1, "customer")],
            &dimensions((0, 3), (0, 2)),
            |_| {},
        );
        let (sheets, format) = super::super::workbook::read(&ok).expect("an .xls workbook");
        assert_eq!(format, "Excel 97–2003 workbook (.xls)");
        assert_eq!(sheets[0].name, "Sheet1");
        assert_eq!(
            sheets[0].rows,
            vec![
                (1, vec!["id".to_owned(), "kind".to_owned()]),
                (3, vec![String::new(), "customer".to_owned()])
            ]
        );
        let backwards = refused(&xls(&[(0, 0, "id")], &dimensions((10, 5), (0, 1)), |_| {}));
        assert!(
            backwards.starts_with("sheet 1: its Dimensions record runs backwards"),
            "{backwards}"
        );
        let huge = refused(&xls(
            &[(0, 0, "id")],
            &dimensions((0, 65_536), (0, 256)),
            |_| {},
        ));
        assert!(
            huge.contains("claims 65,536 rows of 256 columns; csp-explorer reads .xls sheets spanning at most 1,000,000 cells"),
            "{huge}"
        );
        let far = refused(&xls(
            &[(0, 0, "id"), (65_535, 255, "far")],
            &dimensions((0, 1), (0, 1)),
            |_| {},
        ));
        assert!(
            far.contains("its cells span rows 1 to 65536 and columns 1 to 256"),
            "{far}"
        );
    }

    /// A sector chain that loops made calamine read the directory for ever, its memory growing a
    /// sector at a time (or a stream, up to the length its entry claims); a DIFAT listing a FAT sector thousands of times made the FAT it reads
    /// 127 times the file. Both are workbooks that cannot be read.
    #[test]
    fn an_xls_container_that_loops_or_repeats_cannot_be_read() {
        let looping = xls(&[(0, 0, "id")], &dimensions((0, 1), (0, 1)), |fat| {
            fat[1] = 1
        });
        assert!(matches!(
            super::super::workbook::read(&looping),
            Err(Unread::NotAWorkbook)
        ));
        // The stream's chain loops and its directory entry claims 4 GB: calamine read the loop
        // until it had 4 GB.
        let mut stream_loop = xls(&[(0, 0, "id")], &dimensions((0, 1), (0, 1)), |fat| {
            fat[3] = 2
        });
        let size = 512 + 512 + 128 + 120;
        stream_loop[size..size + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(
            super::super::workbook::read(&stream_loop),
            Err(Unread::NotAWorkbook)
        ));
        let mut repeated = xls(&[(0, 0, "id")], &dimensions((0, 1), (0, 1)), |_| {});
        // Every DIFAT slot of the header names the FAT sector.
        for at in (76..512).step_by(4) {
            repeated[at..at + 4].copy_from_slice(&0u32.to_le_bytes());
        }
        assert!(matches!(
            super::super::workbook::read(&repeated),
            Err(Unread::NotAWorkbook)
        ));
    }
}
