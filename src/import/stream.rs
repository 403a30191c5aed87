//! Tables whose rows become movements or events between places first seen in them (flow tables:
//! UNHCR's, origin–destination CSVs, flowmap.blue's, a table by chosen columns), read from the
//! file in chunks on every core straight into the story's columns: no table of all the rows, no
//! list of features, no whole-file text.
//!
//! Each format says what one row means ([`RowReader`]): its warnings, the places it names by a
//! key, the `source` cell it cites, and what it writes. A worker reads a chunk's rows; what has
//! to be decided in file order (which row names a place first, and so the place's id and where
//! it stands; the sources' ids) is decided chunk by chunk, in order ([`Sequence`]); the worker
//! then writes the chunk's places and rows into columns of its own, joined in order at the end.
//! A table held whole is read the same way as one chunk, so both give the same story.

use std::hash::Hash;
use std::io::Read;
use std::sync::Arc;

use super::acled::FastMap;
use super::chunks::{
    CHUNK_BYTES, Chunk, ChunkError, ChunkReader, LONGEST_RECORD, RecordsError, Spares, header,
    read_records,
};
use super::table::{Cells, Table, column_in, fold_header};
use super::{Builder, plausibility};
use crate::io::pipeline::{self, Sequence};
use crate::io::{LoadProgress, Problem};
use crate::model::{Dataset, Feature, Store};

/// Why a table read from a file gave no story.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error("{0}")]
    NoHeader(String),
    #[error(transparent)]
    Chunk(#[from] ChunkError),
    #[error("cancelled")]
    Cancelled,
}

impl From<std::io::Error> for StreamError {
    fn from(error: std::io::Error) -> Self {
        StreamError::Chunk(ChunkError::Io(error))
    }
}

/// The positions a table's rows are at, each with its line.
pub type Positions = Vec<(usize, f64, f64)>;

/// The largest chunk read at once, whatever the file's size.
const MAX_CHUNK_BYTES: u64 = 8 << 20;

/// A table's header: its columns found by folded name, as [`Table::column`] finds them.
pub struct Header {
    pub cells: Vec<String>,
    folded: Vec<String>,
}

impl Header {
    pub fn new(cells: Vec<String>) -> Self {
        let folded = cells.iter().map(|h| fold_header(h)).collect();
        Self { cells, folded }
    }

    pub fn of(table: &Table) -> Self {
        Self {
            cells: table.headers.clone(),
            folded: table.folded_headers().to_vec(),
        }
    }

    /// The first column named any of `names`, as [`Table::column`] finds it.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        column_in(&self.folded, names)
    }

    /// The header of the text `open` gives (its first record).
    pub fn read<R: Read>(open: R) -> Result<Self, StreamError> {
        let mut reader = ChunkReader::with_sizes(open, CHUNK_BYTES, LONGEST_RECORD);
        let cells = match reader.next_chunk()? {
            Some(chunk) => header(&chunk).map_err(|e| match e {
                RecordsError::NoHeader(message) => StreamError::NoHeader(message),
                RecordsError::Stopped => StreamError::Cancelled,
            })?,
            None => Vec::new(),
        };
        Ok(Self::new(cells))
    }
}

/// What one row of a format means.
pub trait RowReader: Sync {
    /// A place as rows name it (a country's code; a name at a position): rows naming the same
    /// one share a place.
    type Key: Hash + Eq + Clone + Send;
    /// What makes the place: the first row naming it says.
    type Place: Send;
    /// What a row writes once its places' ids are known.
    type Row: Send;

    /// Reads `row`: its warnings, the places it names and the sources it cites (told to
    /// `named`), and what it writes (`None`: nothing, the row is left out).
    fn read(
        &self,
        row: &impl Cells,
        named: &mut Named<Self::Key, Self::Place>,
        warnings: &mut Vec<Problem>,
    ) -> Option<Self::Row>;

    /// The id of the place at `key`, the `number`th place of the story (from 1).
    fn place_id(&self, key: &Self::Key, number: usize) -> String;

    /// The place `place` makes, with the id `id` (`None` where the table makes no places: a
    /// flows table's locations come from its locations table).
    fn place(&self, place: &Self::Place, id: &str) -> Option<Feature>;

    /// Writes the row on `line` into `store`: its places' ids in the order it named them, and
    /// the ids of the sources it cites.
    fn write(
        &self,
        row: Self::Row,
        line: usize,
        places: &[&str],
        sources: &[String],
        store: &mut Store,
    );
}

/// What the rows of a chunk name: places by key and `source` cells, each once, in the order
/// the rows first name them; and what each row names.
pub struct Named<K, P> {
    keys: FastMap<K, u32>,
    places: Vec<(K, P)>,
    cells: FastMap<String, u32>,
    sources: Vec<String>,
    /// The positions rows are at, for [`super::plausibility::far_from_the_rest`].
    positions: Vec<(usize, f64, f64)>,
    /// The row being read: its places and its source.
    row_places: ([u32; 2], u8),
    row_source: Option<u32>,
}

impl<K: Hash + Eq + Clone, P> Named<K, P> {
    fn new() -> Self {
        Self {
            keys: FastMap::default(),
            places: Vec::new(),
            cells: FastMap::default(),
            sources: Vec::new(),
            positions: Vec::new(),
            row_places: ([0; 2], 0),
            row_source: None,
        }
    }

    /// The row names the place at `key` (made by `place` if the chunk has not named it yet).
    /// A row names two places at most.
    pub fn place(&mut self, key: K, place: impl FnOnce() -> P) {
        let index = match self.keys.get(&key) {
            Some(&index) => index,
            None => {
                let index = self.places.len() as u32;
                self.keys.insert(key.clone(), index);
                self.places.push((key, place()));
                index
            }
        };
        let (places, count) = &mut self.row_places;
        if let Some(slot) = places.get_mut(*count as usize) {
            *slot = index;
            *count += 1;
        }
    }

    /// The places the row has named so far, in order.
    pub fn row_places(&self) -> &[u32] {
        let (places, count) = &self.row_places;
        &places[..*count as usize]
    }

    /// The row cites the sources its `source` cell names.
    pub fn cite(&mut self, cell: &str) {
        let index = match self.cells.get(cell) {
            Some(&index) => index,
            None => {
                let index = self.sources.len() as u32;
                self.cells.insert(cell.to_owned(), index);
                self.sources.push(cell.to_owned());
                index
            }
        };
        self.row_source = Some(index);
    }

    /// The row is at this position (checked against the others once all are read).
    pub fn position(&mut self, line: usize, lon: f64, lat: f64) {
        self.positions.push((line, lon, lat));
    }
}

/// A row read: its line, the places it named, its source, and what it writes.
struct ReadRow<R> {
    line: usize,
    places: ([u32; 2], u8),
    source: Option<u32>,
    row: Option<R>,
}

/// A chunk's rows read, before what they name is decided.
struct ChunkRead<K, P, R> {
    rows: Vec<ReadRow<R>>,
    named: Named<K, P>,
    warnings: Vec<Problem>,
    /// Every record read (for progress).
    records: usize,
}

/// What is decided for a chunk, by its places' and sources' order in it: each place's id and
/// whether the chunk names it first in the file, and each source cell's ids.
struct Decided<P> {
    places: Vec<(String, Option<P>)>,
    sources: Vec<Vec<String>>,
}

/// What is decided in file order across chunks: the places' ids and the sources'; and the
/// warnings, as a table held whole gives them: the records that could not be read (found as
/// the text is read), then the rows'.
struct InOrder<'b, K> {
    ids: FastMap<K, String>,
    builder: &'b mut Builder,
    unread: Vec<Problem>,
    warnings: Vec<Problem>,
    positions: Vec<(usize, f64, f64)>,
}

impl<'b, K: Hash + Eq + Clone> InOrder<'b, K> {
    fn new(builder: &'b mut Builder) -> Self {
        Self {
            ids: FastMap::default(),
            builder,
            unread: Vec::new(),
            warnings: Vec::new(),
            positions: Vec::new(),
        }
    }

    fn decide<P, R>(
        &mut self,
        reader: &impl RowReader<Key = K, Place = P, Row = R>,
        read: (Named<K, P>, Vec<Problem>, Vec<Problem>),
    ) -> Decided<P> {
        let (named, unread, warnings) = read;
        self.unread.extend(unread);
        let places = named.places.into_iter().map(|(key, place)| {
            if let Some(id) = self.ids.get(&key) {
                return (id.clone(), None);
            }
            let id = reader.place_id(&key, self.ids.len() + 1);
            self.ids.insert(key, id.clone());
            (id, Some(place))
        });
        let places = places.collect();
        let sources = named.sources.iter().map(|cell| self.builder.cite(cell));
        let sources = sources.collect();
        self.warnings.extend(warnings);
        self.positions.extend(named.positions);
        Decided { places, sources }
    }
}

impl<K: Hash + Eq + Clone, P, R> ChunkRead<K, P, R> {
    fn new() -> Self {
        Self {
            rows: Vec::new(),
            named: Named::new(),
            warnings: Vec::new(),
            records: 0,
        }
    }

    /// Reads the next record of the chunk, `row`, with `reader`.
    fn read(&mut self, reader: &impl RowReader<Key = K, Place = P, Row = R>, row: &impl Cells) {
        self.records += 1;
        self.named.row_places = ([0; 2], 0);
        self.named.row_source = None;
        let written = reader.read(row, &mut self.named, &mut self.warnings);
        self.rows.push(ReadRow {
            line: row.line(),
            places: self.named.row_places,
            source: self.named.row_source,
            row: written,
        });
    }
}

/// Writes a chunk's rows as `decided`: each place before the first row naming it, where the
/// chunk names it first in the file.
fn write_chunk<T: RowReader>(
    reader: &T,
    rows: Vec<ReadRow<T::Row>>,
    mut decided: Decided<T::Place>,
) -> Store {
    // A table's words repeat row after row (places' ids, sources, a count's header).
    let mut store = Store::for_repeated_texts();
    for read in rows {
        let (places, count) = read.places;
        let places = &places[..count as usize];
        for &place in places {
            let (id, new) = &mut decided.places[place as usize];
            if let Some(place) = new.take().and_then(|new| reader.place(&new, id)) {
                store.push(&place);
            }
        }
        let Some(row) = read.row else { continue };
        let ids: Vec<&str> = places
            .iter()
            .map(|&p| decided.places[p as usize].0.as_str())
            .collect();
        let sources = match read.source {
            Some(source) => decided.sources[source as usize].as_slice(),
            None => &[],
        };
        reader.write(row, read.line, &ids, sources, &mut store);
    }
    store.shrink();
    store
}

/// The story of `table` read with `reader`, after what `builder` holds. Warnings are added to
/// `warnings` in the order of the rows, then those of positions far from the others.
pub fn read_table<T: RowReader>(
    reader: &T,
    table: &Table,
    mut builder: Builder,
    warnings: &mut Vec<Problem>,
) -> Dataset {
    let mut read = ChunkRead::new();
    for row in &table.rows {
        read.read(reader, row);
    }
    let mut in_order = InOrder::new(&mut builder);
    let decided = in_order.decide(reader, (read.named, Vec::new(), read.warnings));
    warnings.append(&mut in_order.warnings);
    let positions = in_order.positions;
    let parts = vec![write_chunk(reader, read.rows, decided)];
    plausibility::far_from_the_rest(&positions, warnings);
    builder.finish_with(parts)
}

/// [`read_table`] of the table that `open` gives, `size` bytes long (for progress; 0 when
/// unknown), read in chunks on every core.
pub fn read_file<T: RowReader, R: Read + Send>(
    reader: &T,
    open: impl Fn() -> std::io::Result<R>,
    size: u64,
    mut builder: Builder,
    warnings: &mut Vec<Problem>,
    progress: &LoadProgress,
) -> Result<Dataset, StreamError> {
    let workers = pipeline::workers() as u64;
    let chunk_bytes = (size / (workers * 4)).clamp(CHUNK_BYTES as u64, MAX_CHUNK_BYTES);
    #[cfg(test)]
    let chunk_bytes = tests::CHUNK_BYTES
        .with(|bytes| bytes.get())
        .unwrap_or(chunk_bytes);
    let (parts, positions) = read_file_in(
        reader,
        open,
        size,
        &mut builder,
        warnings,
        progress,
        chunk_bytes as usize,
    )?;
    plausibility::far_from_the_rest(&positions, warnings);
    Ok(builder.finish_with(parts))
}

/// The story of the table `open` gives, `size` bytes long, read in chunks by the reader
/// `reader_for` makes of its header (given the file's own source), after what `builder` holds:
/// with `warnings`, those found before, and the rows' after them.
pub fn read_file_with<T: RowReader, R: Read + Send>(
    builder: Builder,
    mut warnings: Vec<Problem>,
    reader_for: impl FnOnce(&Header, String) -> T,
    open: impl Fn() -> std::io::Result<R>,
    size: u64,
    progress: &LoadProgress,
) -> Result<(Dataset, Vec<Problem>), StreamError> {
    let reader = reader_for(&Header::read(open()?)?, builder.file_source());
    let dataset = read_file(&reader, open, size, builder, &mut warnings, progress)?;
    Ok((dataset, warnings))
}

/// Rows counted as their chunks are taken, against the rows of the whole file estimated from
/// them, for a table read in chunks.
#[derive(Default)]
pub struct RowsTaken {
    rows: usize,
    bytes: usize,
}

impl RowsTaken {
    /// Counts a chunk of `bytes` bytes and `rows` rows, of a file of `size` bytes.
    pub fn took(&mut self, rows: usize, bytes: usize, size: u64, progress: &LoadProgress) {
        self.rows += rows;
        self.bytes += bytes;
        let estimate = self.rows as u64 * size.max(self.bytes as u64) / self.bytes.max(1) as u64;
        progress.set_rows_total(estimate as usize);
        progress.add_features(rows);
    }
}

/// [`read_file`] in chunks of `chunk_bytes`.
fn read_file_in<T: RowReader, R: Read + Send>(
    reader: &T,
    open: impl Fn() -> std::io::Result<R>,
    size: u64,
    builder: &mut Builder,
    warnings: &mut Vec<Problem>,
    progress: &LoadProgress,
    chunk_bytes: usize,
) -> Result<(Vec<Store>, Positions), StreamError> {
    let workers = pipeline::workers();
    let cancelled = || progress.is_cancelled();
    let mut in_order = InOrder::new(builder);
    let sequence = Sequence::new(|read| in_order.decide(reader, read));
    let buffers = Arc::new(Spares::new(workers));
    let mut chunks =
        ChunkReader::with_sizes(open()?, chunk_bytes, LONGEST_RECORD).with_spares(buffers.clone());
    let next_chunk = || {
        let chunk = chunks.next_chunk();
        progress.set_bytes(chunks.bytes_read().min(size), size.max(1));
        chunk
    };
    let mut parts = Vec::new();
    let mut taken = RowsTaken::default();
    pipeline::in_order(
        next_chunk,
        workers,
        |chunk: Chunk| {
            let _stop = sequence.stop_on_panic();
            if cancelled() {
                sequence.stop();
                return None;
            }
            let (number, bytes) = (chunk.number, chunk.bytes.len());
            let mut unread = Vec::new();
            let mut read = ChunkRead::new();
            let records = read_records(&chunk, &mut unread, |record| {
                read.read(reader, record);
                true
            });
            // Nothing here stops the reading.
            debug_assert!(records.is_ok());
            if let std::borrow::Cow::Owned(buffer) = chunk.bytes {
                buffers.give(buffer);
            }
            let decided = sequence.decide(number, (read.named, unread, read.warnings))?;
            Some((write_chunk(reader, read.rows, decided), read.records, bytes))
        },
        |(store, read, bytes)| {
            parts.push(store);
            taken.took(read, bytes, size, progress);
            true
        },
    )?;
    drop((sequence, buffers));
    if cancelled() {
        return Err(StreamError::Cancelled);
    }
    warnings.append(&mut in_order.unread);
    warnings.append(&mut in_order.warnings);
    Ok((parts, in_order.positions))
}

#[cfg(test)]
#[path = "stream_tests.rs"]
mod tests;
