//! Reading what users give us, safely: every file through one size-limited reader that refuses
//! anything that is not a regular file (a FIFO would block forever, `/dev/zero` would fill memory),
//! and text decoding that accepts a byte order mark and reports bad bytes by offset, line and column.
//! Must not parse what it reads: the formats and the importer do.

use std::fmt;
use std::io::Read;
use std::path::Path;

/// The largest save or import file read: above any real channel (the RON save of a 300k-party,
/// 1M-link channel is about 350 MB; its `.cspx` 154 MB), below what would exhaust a laptop's
/// memory once parsed.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024 * 1024;

/// The largest lesson file read: lessons are a page of text, and the built-in ones are under 10 KB.
pub const MAX_LESSON_BYTES: u64 = 1024 * 1024;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The OS refused (missing, no permission, …).
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    /// A directory, FIFO, device or socket.
    #[error("this is {0}, not a file; choose a file")]
    NotAFile(&'static str),
    /// More bytes than the limit.
    #[error(
        "the file is larger than {} (the most csp-explorer reads); is it the right file?",
        megabytes(*.0)
    )]
    TooLarge(u64),
}

fn megabytes(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MB", bytes / (1024 * 1024))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// What a path is when it is not a regular file ("a directory", "a named pipe (FIFO)", …), or `None`
/// for a regular file.
pub fn not_a_file(meta: &std::fs::Metadata) -> Option<&'static str> {
    let kind = meta.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

/// Reads a regular file of at most `limit` bytes. The type is checked before opening (opening a
/// FIFO for reading blocks until a writer comes) and again on the opened handle; the read itself is
/// capped too, in case the file grows meanwhile.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (file, _) = open_limited(path, limit)?;
    read_capped(file, limit)
}

/// Opens a regular file of at most `limit` bytes for [`read_capped`], checked as [`read_limited`]
/// checks it, with its length (so that a reader can look at its first bytes before the rest).
pub fn open_limited(path: &Path, limit: u64) -> Result<(std::fs::File, u64), ReadError> {
    if let Some(what) = not_a_file(&std::fs::metadata(path)?) {
        return Err(ReadError::NotAFile(what));
    }
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if let Some(what) = not_a_file(&meta) {
        return Err(ReadError::NotAFile(what));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge(limit));
    }
    Ok((file, meta.len()))
}

/// Reads a stream (standard input) up to `limit` bytes; more is an error, never a truncation.
pub fn read_capped(reader: impl Read, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    reader.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(limit));
    }
    Ok(bytes)
}

/// Text that is not valid in the encoding it claims (or that we require).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextError {
    /// 0-based byte offset of the first bad byte in the file.
    pub offset: usize,
    /// 1-based line of it.
    pub line: usize,
    /// 1-based column (in characters) of it.
    pub column: usize,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// Where the text decoded so far ends: 1-based line and column.
fn line_column(decoded: &str) -> (usize, usize) {
    let line = decoded.matches('\n').count() + 1;
    let column = decoded
        .rsplit('\n')
        .next()
        .map_or(0, |last| last.chars().count())
        + 1;
    (line, column)
}

const SAVE_AS_UTF8: &str = "save it as UTF-8 (in most editors: Save As → Encoding: UTF-8)";

/// Decodes a text file we require to be Unicode (saves and lessons): UTF-8, with or without a byte
/// order mark, or UTF-16 with one. Anything else is an error naming the byte offset, line and column
/// of the first bad byte, with the hint to save it as UTF-8.
pub fn decode_unicode(bytes: &[u8]) -> Result<String, TextError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest, 3);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, u16::from_le_bytes, "UTF-16LE");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, u16::from_be_bytes, "UTF-16BE");
    }
    // UTF-16 without its byte order mark is valid UTF-8 full of NUL bytes, which RON would then
    // report as a puzzling syntax error at 1:1.
    if bytes.len() >= 4
        && bytes.iter().take(64).filter(|b| **b == 0).count() * 3 >= bytes.len().min(64)
    {
        return Err(TextError {
            offset: bytes.iter().position(|b| *b == 0).unwrap_or(0),
            line: 1,
            column: 1,
            message: format!(
                "this looks like UTF-16 without a byte order mark, which csp-explorer cannot read; {SAVE_AS_UTF8}"
            ),
        });
    }
    utf8(bytes, 0)
}

fn utf8(bytes: &[u8], skipped: usize) -> Result<String, TextError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(e) => {
            let good = e.valid_up_to();
            // The prefix up to `good` is valid by definition.
            let prefix = std::str::from_utf8(&bytes[..good]).unwrap_or_default();
            let (line, column) = line_column(prefix);
            let offset = skipped + good;
            Err(TextError {
                offset,
                line,
                column,
                message: format!(
                    "not valid UTF-8: byte {offset} (0x{:02X}) is not part of any character; {SAVE_AS_UTF8}",
                    bytes[good]
                ),
            })
        }
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16, name: &str) -> Result<String, TextError> {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut offset = 2;
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => {
                text.push(c);
                offset += 2 * c.len_utf16();
            }
            Err(e) => {
                let (line, column) = line_column(&text);
                return Err(TextError {
                    offset,
                    line,
                    column,
                    message: format!(
                        "not valid {name}: byte {offset} starts half a character (0x{:04X} has no partner); {SAVE_AS_UTF8}",
                        e.unpaired_surrogate()
                    ),
                });
            }
        }
    }
    if bytes.len() % 2 == 1 {
        let (line, column) = line_column(&text);
        let offset = bytes.len() + 1;
        return Err(TextError {
            offset,
            line,
            column,
            message: format!(
                "not valid {name}: the file ends in the middle of a character (byte {offset}); {SAVE_AS_UTF8}"
            ),
        });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_accepted_and_dropped() {
        assert_eq!(decode_unicode(b"\xEF\xBB\xBF(a)").unwrap(), "(a)");
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("(ä)".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode_unicode(&le).unwrap(), "(ä)");
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("(ä)".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode_unicode(&be).unwrap(), "(ä)");
    }

    #[test]
    fn invalid_utf8_names_offset_line_and_column_and_says_what_to_do() {
        let err = decode_unicode(b"(\n  title: \"G\xe4rten\",\n)").unwrap_err();
        assert_eq!((err.offset, err.line, err.column), (13, 2, 12));
        assert!(err.message.contains("byte 13 (0xE4)"), "{}", err.message);
        assert!(err.message.contains("save it as UTF-8"), "{}", err.message);
        // After a BOM the offset still counts from the file's first byte.
        let err = decode_unicode(b"\xEF\xBB\xBFab\xff").unwrap_err();
        assert_eq!((err.offset, err.line, err.column), (5, 1, 3));
    }

    #[test]
    fn invalid_utf16_is_reported_likewise() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("a\nb".encode_utf16().flat_map(u16::to_le_bytes));
        bytes.extend(0xD800u16.to_le_bytes()); // a lone high surrogate
        bytes.extend("c".encode_utf16().flat_map(u16::to_le_bytes));
        let err = decode_unicode(&bytes).unwrap_err();
        assert_eq!((err.offset, err.line, err.column), (8, 2, 2));
        assert!(err.message.contains("UTF-16LE"), "{}", err.message);
        let odd = [0xFF, 0xFE, b'a', 0, b'b'];
        let err = decode_unicode(&odd).unwrap_err();
        assert!(
            err.message.contains("ends in the middle"),
            "{}",
            err.message
        );
        let no_bom: Vec<u8> = "(version: 2)"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let err = decode_unicode(&no_bom).unwrap_err();
        assert!(
            err.message.contains("without a byte order mark"),
            "{}",
            err.message
        );
    }

    #[test]
    fn reads_are_limited_and_refuse_what_is_not_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.ron");
        std::fs::write(&path, [b'x'; 100]).unwrap();
        assert_eq!(read_limited(&path, 100).unwrap().len(), 100);
        let err = read_limited(&path, 99).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge(99)), "{err}");
        assert!(err.to_string().contains("larger than 1 KB"), "{err}");
        let err = read_limited(dir.path(), 100).unwrap_err();
        assert_eq!(
            err.to_string(),
            "this is a folder, not a file; choose a file"
        );
        assert!(matches!(
            read_capped(&[0u8; 10][..], 9),
            Err(ReadError::TooLarge(9))
        ));
        #[cfg(unix)]
        {
            let err = read_limited(Path::new("/dev/zero"), 100).unwrap_err();
            assert_eq!(
                err.to_string(),
                "this is a device, not a file; choose a file"
            );
            let fifo = dir.path().join("pipe");
            let made = std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap();
            assert!(made.success());
            // Opening it would block until a writer came: it must be refused before that.
            let err = read_limited(&fifo, 100).unwrap_err();
            assert!(err.to_string().contains("named pipe (FIFO)"), "{err}");
        }
    }
}
