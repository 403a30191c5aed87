//! CSV text cut into chunks of whole records as it is read, so that the chunks can be read on
//! several cores and the text is never held whole.
//!
//! Where a record ends is found with the CSV reader's own rules for quotes (a quote opens a
//! quoted field only at the start of a field; `""` inside one is a quote), so a chunk never cuts
//! a quoted line break. A quoted field that never closes would make the rest of the file one
//! record: past [`LONGEST_RECORD`] that is a located error instead of a read of everything.

use std::borrow::Cow;
use std::io::Read;
use std::sync::{Arc, Mutex};

use super::cells::{Cells, row_problem};
use crate::io::Problem;
use crate::io::text::BYTE_ORDER_MARK;

/// How much text a chunk holds, about (a chunk ends at the first record end past it).
pub const CHUNK_BYTES: usize = 1 << 20;

/// No record of a table is longer than this; one that is has an unclosed quote.
pub const LONGEST_RECORD: usize = 64 << 20;

/// Whole records of the text and the line the first one starts on (1-based, counting the
/// header), and where they start in the text.
pub struct Chunk<'a> {
    pub bytes: Cow<'a, [u8]>,
    pub first_line: usize,
    /// The chunk's place among the file's chunks, from 0 (the one holding the header).
    pub number: usize,
}

/// Why the text could not be cut into records.
#[derive(Debug, thiserror::Error)]
pub enum ChunkError {
    #[error(
        "a quoted field opened on this line or the next is not closed within {} MiB: a quote \
         is missing; the rest of the file is not read",
        LONGEST_RECORD >> 20
    )]
    UnclosedQuote { line: usize },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Buffers handed back after use, for the chunks to come. Read into fresh buffers, a million
/// rows spent a fifth of their time in the kernel, finding and zeroing new pages.
pub struct Spares<T> {
    kept: Mutex<Vec<T>>,
    most: usize,
}

impl<T> Spares<T> {
    /// Keeps at most `most` spares.
    pub fn new(most: usize) -> Self {
        Self {
            kept: Mutex::new(Vec::new()),
            most,
        }
    }

    pub fn take(&self) -> Option<T> {
        self.kept.lock().ok()?.pop()
    }

    pub fn give(&self, spare: T) {
        if let Ok(mut kept) = self.kept.lock()
            && kept.len() < self.most
        {
            kept.push(spare);
        }
    }
}

/// Where the scan is in the CSV grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    /// Outside a quoted field.
    Outside,
    Quoted,
    /// A quote seen in a quoted field: an escaped quote if another follows, else its end.
    QuoteInQuoted,
}

/// Cuts text read from `source` into [`Chunk`]s of about `chunk_bytes`.
pub struct ChunkReader<R> {
    source: R,
    buffer: Vec<u8>,
    /// How much of `buffer` has been scanned, and the grammar's state there.
    scanned: usize,
    scan: Scan,
    /// Just after the last record end found in `buffer`.
    last_end: usize,
    /// The line the text in `buffer` starts on.
    line: usize,
    /// Bytes read from the source so far.
    read: u64,
    number: usize,
    chunk_bytes: usize,
    longest_record: usize,
    started: bool,
    ended: bool,
    /// Where buffers come from once their chunks are read, if they are given back.
    spares: Option<Arc<Spares<Vec<u8>>>>,
}

impl<R: Read> ChunkReader<R> {
    pub fn new(source: R) -> Self {
        Self::with_sizes(source, CHUNK_BYTES, LONGEST_RECORD)
    }

    /// A reader cutting chunks of `chunk_bytes`, with records at most `longest_record` long.
    pub fn with_sizes(source: R, chunk_bytes: usize, longest_record: usize) -> Self {
        Self {
            source,
            buffer: Vec::new(),
            scanned: 0,
            scan: Scan::Outside,
            last_end: 0,
            line: 1,
            read: 0,
            number: 0,
            chunk_bytes: chunk_bytes.max(1),
            longest_record: longest_record.max(chunk_bytes),
            started: false,
            ended: false,
            spares: None,
        }
    }

    /// Cuts chunks into buffers from `spares` where there are any (their readers give each
    /// chunk's bytes back there once read).
    pub fn with_spares(mut self, spares: Arc<Spares<Vec<u8>>>) -> Self {
        self.spares = Some(spares);
        self
    }

    /// Bytes read from the source so far.
    pub fn bytes_read(&self) -> u64 {
        self.read
    }

    /// The next chunk; `None` at the end of the text.
    pub fn next_chunk(&mut self) -> Result<Option<Chunk<'static>>, ChunkError> {
        loop {
            let enough = self.last_end >= self.chunk_bytes;
            if self.ended && !enough && matches!(self.scan, Scan::Quoted) {
                // The text ends inside a quoted field.
                let record_start =
                    self.line + memchr::memchr_iter(b'\n', &self.buffer[..self.last_end]).count();
                return Err(ChunkError::UnclosedQuote { line: record_start });
            }
            if enough || (self.ended && !self.buffer.is_empty()) {
                let end = if enough {
                    self.last_end
                } else {
                    self.buffer.len()
                };
                return Ok(Some(self.cut(end)));
            }
            if self.ended {
                return Ok(None);
            }
            if self.buffer.len() - self.last_end > self.longest_record {
                let record_start =
                    self.line + memchr::memchr_iter(b'\n', &self.buffer[..self.last_end]).count();
                return Err(ChunkError::UnclosedQuote { line: record_start });
            }
            self.fill()?;
            // Scanned once the byte-order mark is known to be there or not.
            if self.started {
                self.scan_to_end();
            }
        }
    }

    /// Reads the next block of the source onto the buffer.
    fn fill(&mut self) -> std::io::Result<()> {
        let old = self.buffer.len();
        self.buffer.resize(old + self.chunk_bytes, 0);
        let mut filled = old;
        while filled < self.buffer.len() {
            match self.source.read(&mut self.buffer[filled..]) {
                Ok(0) => {
                    self.ended = true;
                    break;
                }
                Ok(count) => filled += count,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.buffer.truncate(filled);
        self.read += (filled - old) as u64;
        if !self.started && (self.buffer.len() >= BYTE_ORDER_MARK.len() || self.ended) {
            self.started = true;
            if self.buffer.starts_with(BYTE_ORDER_MARK) {
                self.buffer.drain(..BYTE_ORDER_MARK.len());
                self.scanned = self.scanned.saturating_sub(BYTE_ORDER_MARK.len());
            }
        }
        Ok(())
    }

    /// Scans what was read, noting the last record end. Outside quotes only quotes and line
    /// breaks matter: a quote opens a quoted field where a field starts (after a comma or a
    /// record's end) and is a plain character anywhere else, so the scan jumps from one to the
    /// next rather than from field to field.
    fn scan_to_end(&mut self) {
        let bytes = &self.buffer;
        let mut at = self.scanned;
        let mut scan = self.scan;
        while at < bytes.len() {
            match scan {
                Scan::Outside => match memchr::memchr2(b'"', b'\n', &bytes[at..]) {
                    Some(found) => {
                        at += found;
                        if bytes[at] == b'\n' {
                            self.last_end = at + 1;
                        } else if at == 0 || matches!(bytes[at - 1], b',' | b'\n' | b'\r') {
                            scan = Scan::Quoted;
                        }
                        at += 1;
                    }
                    None => at = bytes.len(),
                },
                Scan::Quoted => match memchr::memchr(b'"', &bytes[at..]) {
                    Some(found) => {
                        at += found + 1;
                        scan = Scan::QuoteInQuoted;
                    }
                    None => at = bytes.len(),
                },
                Scan::QuoteInQuoted => {
                    match bytes[at] {
                        b'"' => scan = Scan::Quoted,
                        b'\n' => {
                            self.last_end = at + 1;
                            scan = Scan::Outside;
                        }
                        _ => scan = Scan::Outside,
                    }
                    at += 1;
                }
            }
        }
        self.scanned = at;
        self.scan = scan;
    }

    /// The first `end` bytes of the buffer as a chunk; the rest stays for the next.
    fn cut(&mut self, end: usize) -> Chunk<'static> {
        let spare = self.spares.as_ref().and_then(|spares| spares.take());
        let rest = match spare {
            Some(mut spare) => {
                spare.clear();
                spare.extend_from_slice(&self.buffer[end..]);
                self.buffer.truncate(end);
                spare
            }
            None => self.buffer.split_off(end),
        };
        let bytes = std::mem::replace(&mut self.buffer, rest);
        let chunk = Chunk {
            first_line: self.line,
            number: self.number,
            bytes: Cow::Owned(bytes),
        };
        self.line += memchr::memchr_iter(b'\n', &chunk.bytes).count();
        self.number += 1;
        self.scanned -= end;
        self.last_end = self.last_end.saturating_sub(end);
        chunk
    }
}

/// One record of a chunk: its cells and the line it starts on.
pub struct Record<'r> {
    pub line: usize,
    record: &'r csv::StringRecord,
}

impl Cells for Record<'_> {
    fn line(&self) -> usize {
        self.line
    }

    fn get(&self, column: Option<usize>) -> &str {
        column
            .and_then(|c| self.record.get(c))
            .map_or("", str::trim)
    }
}

impl Record<'_> {
    /// Every cell as written.
    pub fn cells(&self) -> impl Iterator<Item = &str> {
        self.record.iter()
    }
}

/// Records kept after their chunk is read, each cell's text one after another: what a reader
/// that decides something about a chunk's rows before it can use them holds meanwhile, instead
/// of reading the chunk's text twice.
#[derive(Default)]
pub struct KeptRecords {
    text: String,
    /// Where each cell ends in `text`.
    cell_ends: Vec<u32>,
    /// Each record's line and its first cell.
    records: Vec<(usize, u32)>,
}

impl KeptRecords {
    /// Lets go of the records, keeping the room they took.
    pub fn clear(&mut self) {
        self.text.clear();
        self.cell_ends.clear();
        self.records.clear();
    }

    /// Keeps `record`'s cells.
    pub fn keep(&mut self, record: &Record) {
        self.records
            .push((record.line, self.cell_ends.len() as u32));
        for cell in record.cells() {
            self.text.push_str(cell);
            self.cell_ends.push(self.text.len() as u32);
        }
    }

    /// The `index`th record kept.
    pub fn get(&self, index: usize) -> KeptRecord<'_> {
        let (line, first) = self.records[index];
        let end = self
            .records
            .get(index + 1)
            .map_or(self.cell_ends.len(), |&(_, next)| next as usize);
        let start = match first {
            0 => 0,
            first => self.cell_ends[first as usize - 1],
        };
        KeptRecord {
            line,
            start,
            ends: &self.cell_ends[first as usize..end],
            text: &self.text,
        }
    }
}

/// A record of [`KeptRecords`].
pub struct KeptRecord<'r> {
    line: usize,
    /// Where its first cell starts.
    start: u32,
    ends: &'r [u32],
    text: &'r str,
}

impl Cells for KeptRecord<'_> {
    fn line(&self) -> usize {
        self.line
    }

    fn get(&self, column: Option<usize>) -> &str {
        let Some(column) = column.filter(|&c| c < self.ends.len()) else {
            return "";
        };
        let start = match column {
            0 => self.start,
            c => self.ends[c - 1],
        };
        self.text
            .get(start as usize..self.ends[column] as usize)
            .map_or("", str::trim)
    }
}

/// Why a chunk gave no records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordsError {
    /// The first chunk's first line is not a CSV header (the message says why).
    NoHeader(String),
    /// `each` asked to stop.
    Stopped,
}

/// Reads the records of `chunk` in order, each that has any text given to `each` (which
/// returns `false` to stop). The first chunk's first record is the header, returned. A record
/// that cannot be read, or is not UTF-8, is a located warning and is left out.
pub fn read_records(
    chunk: &Chunk,
    warnings: &mut Vec<Problem>,
    mut each: impl FnMut(&Record) -> bool,
) -> Result<Option<Vec<String>>, RecordsError> {
    let bytes: &[u8] = &chunk.bytes;
    let has_header = chunk.number == 0;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(has_header)
        .from_reader(bytes);
    let header = if has_header {
        Some(header_of(&mut reader)?)
    } else {
        None
    };
    let mut record = csv::ByteRecord::new();
    let mut lines = LineCounter::default();
    loop {
        let before = reader.position().byte() as usize;
        let line = chunk.first_line - 1 + lines.line_after_breaks(bytes, before);
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                if record.iter().all(|cell| cell.trim_ascii().is_empty()) {
                    continue;
                }
                // The record's buffers go back and forth: checked once, copied never.
                let text = match csv::StringRecord::from_byte_record(std::mem::take(&mut record)) {
                    Ok(checked) => checked,
                    Err(e) => {
                        let bad = e.utf8_error();
                        warnings.push(not_utf8(bad.field(), bad.valid_up_to(), line));
                        record = e.into_byte_record();
                        continue;
                    }
                };
                if let Some(problem) = rows_run_together(&text, line) {
                    warnings.push(problem);
                }
                let go_on = each(&Record {
                    line,
                    record: &text,
                });
                record = text.into_byte_record();
                if !go_on {
                    return Err(RecordsError::Stopped);
                }
            }
            Err(e) => {
                warnings.push(row_problem(
                    line,
                    format!("this row cannot be read ({e}); it is left out"),
                ));
            }
        }
    }
    Ok(header)
}

/// The header of the text `reader` reads (its first record).
fn header_of(reader: &mut csv::Reader<&[u8]>) -> Result<Vec<String>, RecordsError> {
    let header = reader
        .byte_headers()
        .map_err(|e| RecordsError::NoHeader(format!("the first line is not a CSV header: {e}")))?;
    Ok(header
        .iter()
        .map(|cell| String::from_utf8_lossy(cell).into_owned())
        .collect())
}

/// The header of the first chunk of a text (its first record), alone.
pub fn header(chunk: &Chunk) -> Result<Vec<String>, RecordsError> {
    header_of(
        &mut csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(&chunk.bytes[..]),
    )
}

/// A warning for a record one of whose cells holds a line break followed by what looks like the
/// rest of a row (nearly as many commas as the record has cells): a quote that should have
/// closed on this line is missing, and two rows were read as one. The CSV reader cannot tell;
/// said, it is not lost without a word.
fn rows_run_together(record: &csv::StringRecord, line: usize) -> Option<Problem> {
    // Nearly every record has no line break at all: one look at its text says so.
    memchr::memchr(b'\n', record.as_slice().as_bytes())?;
    let enough = record.len().saturating_sub(4).max(4);
    let column = record.iter().position(|cell| {
        cell.split_once('\n')
            .is_some_and(|(_, after)| after.bytes().filter(|&b| b == b',').count() >= enough)
    })?;
    Some(row_problem(
        line,
        format!(
            "cell {} holds a line break followed by what looks like another row: a closing \
             quote is probably missing on this line, and the rows after it were read into this \
             one",
            column + 1
        ),
    ))
}

/// A warning for a record whose cell `column` (from 0) is not UTF-8 after `valid` bytes.
fn not_utf8(column: usize, valid: usize, line: usize) -> Problem {
    row_problem(
        line,
        format!(
            "cell {} is not UTF-8 text (byte {} of the cell); the row is left out: save the \
             file as UTF-8",
            column + 1,
            valid + 1
        ),
    )
}

/// Line numbers of byte offsets, counted once through the text as the offsets grow.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    line: usize,
}

impl LineCounter {
    /// The line of the first byte at or after `offset` that is not a line break.
    fn line_after_breaks(&mut self, text: &[u8], offset: usize) -> usize {
        let mut start = offset.min(text.len());
        while start < text.len() && matches!(text[start], b'\r' | b'\n') {
            start += 1;
        }
        if start < self.offset {
            self.offset = 0;
            self.line = 0;
        }
        self.line += memchr::memchr_iter(b'\n', &text[self.offset..start]).count();
        self.offset = start;
        self.line + 1
    }
}

#[cfg(test)]
#[path = "chunks_tests.rs"]
mod tests;
