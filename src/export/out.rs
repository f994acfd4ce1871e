//! Owns where a text export's document goes while it is written: a file, piece by piece, or
//! memory; must not decide what a format writes (each format's file does).
//!
//! A diagram of 300,000 parties is a document of hundreds of megabytes (GraphML 1.6 GB). Built
//! whole in a `String` before a byte reached the disk, it doubled its memory as it grew and copied
//! itself at each doubling: GraphML peaked at 2.3 GB, a quarter of its time in page faults and
//! copies. [`Out`] keeps [`SPILL_AT`] bytes and hands them to the file each time that many are
//! written, so an export's memory is what it reads, not what it writes.

use std::io::Write;

/// How many bytes [`Out`] keeps before handing them on: large enough that the file sees few
/// writes, small enough to stay in the processor's cache.
const SPILL_AT: usize = 1 << 16;

/// A document being written: to a file (or any writer) as it is made, or kept in memory.
/// Writing never fails on the spot (the format writers go on as with a `String`); the first
/// error is kept, the rest of the document is dropped, and [`Out::finish`] returns it.
pub(crate) struct Out<'w> {
    text: String,
    sink: Option<&'w mut dyn Write>,
    error: Option<std::io::Error>,
}

impl Out<'static> {
    /// A document kept whole in memory (see [`Out::finish`]).
    pub(crate) fn memory() -> Self {
        Out {
            text: String::new(),
            sink: None,
            error: None,
        }
    }
}

impl<'w> Out<'w> {
    /// A document written to `sink` as it is made.
    pub(crate) fn to(sink: &'w mut dyn Write) -> Self {
        Out {
            text: String::with_capacity(SPILL_AT + 4_096),
            sink: Some(sink),
            error: None,
        }
    }

    /// Appends text.
    pub(crate) fn push_str(&mut self, s: &str) {
        self.text.push_str(s);
        if self.text.len() >= SPILL_AT {
            self.spill();
        }
    }

    /// Appends a character.
    pub(crate) fn push(&mut self, c: char) {
        self.text.push(c);
        if self.text.len() >= SPILL_AT {
            self.spill();
        }
    }

    /// Whether writing to the sink has failed: what is written now is dropped.
    pub(crate) fn failed(&self) -> bool {
        self.error.is_some()
    }

    /// Hands what is kept to the sink (in memory: keeps it).
    fn spill(&mut self) {
        let Some(sink) = self.sink.as_mut() else {
            return;
        };
        if self.error.is_none()
            && let Err(e) = sink.write_all(self.text.as_bytes())
        {
            self.error = Some(e);
        }
        self.text.clear();
    }

    /// The end of the document: in memory, its text; written to a sink, the rest handed on and
    /// flushed (an empty text), or the first error writing met.
    pub(crate) fn finish(mut self) -> std::io::Result<String> {
        if self.sink.is_none() {
            return Ok(self.text);
        }
        self.spill();
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        if let Some(sink) = self.sink.as_mut() {
            sink.flush()?;
        }
        Ok(String::new())
    }
}

impl std::fmt::Write for Out<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.push_str(s);
        Ok(())
    }

    fn write_char(&mut self, c: char) -> std::fmt::Result {
        self.push(c);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// A writer that takes `room` bytes, then fails like a full disk.
    struct Disk {
        written: Vec<u8>,
        room: usize,
        writes: usize,
    }

    impl Write for Disk {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.writes += 1;
            if self.written.len() + buf.len() > self.room {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::StorageFull,
                    "no space left on device",
                ));
            }
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn document(out: &mut Out) {
        for i in 0..50_000 {
            let _ = writeln!(out, "<node id=\"n{i}\">");
            out.push_str("  <data/>");
            out.push('\n');
        }
    }

    /// What reaches the writer is what a document kept in memory holds, handed on in pieces of
    /// about [`SPILL_AT`] bytes rather than at the end; a write that fails is reported once, at
    /// the end.
    #[test]
    fn a_document_written_as_it_is_made_is_the_document_kept_in_memory() {
        let mut memory = Out::memory();
        document(&mut memory);
        let whole = memory.finish().unwrap();
        assert!(whole.len() > 10 * SPILL_AT, "{}", whole.len());

        let mut disk = Disk {
            written: Vec::new(),
            room: usize::MAX,
            writes: 0,
        };
        let mut out = Out::to(&mut disk);
        document(&mut out);
        // Before the end, all but the last piece is on the disk already.
        let kept = out.text.len();
        assert!(kept < SPILL_AT, "{kept} bytes kept");
        assert_eq!(out.finish().unwrap(), "");
        assert_eq!(disk.written, whole.as_bytes());
        assert!(
            disk.writes >= whole.len() / (2 * SPILL_AT),
            "{} writes",
            disk.writes
        );

        let mut full = Disk {
            written: Vec::new(),
            room: 3 * SPILL_AT,
            writes: 0,
        };
        let mut out = Out::to(&mut full);
        document(&mut out);
        assert!(out.failed());
        let err = out.finish().unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::StorageFull);
        assert!(full.written.len() <= 3 * SPILL_AT);
    }
}
