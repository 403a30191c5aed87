//! ACLED exports read from the file in chunks on every core, straight into the story's columns:
//! no table of all the rows, no list of features, no whole-file text. A million-row export took
//! 5.5 KB a row read whole (every cell a string, then every event a tree); this way a row takes
//! what its event keeps in the columns.
//!
//! One pass over the file. A worker reads a chunk's rows once, keeping them, and notes what has
//! to be decided in file order (the places by location, the sources by name, repeated event
//! ids) and the warnings. Those are decided chunk by chunk, in order, as [`super::read`] decides
//! them row by row ([`pipeline::Sequence`]); the worker then writes the kept rows into columns
//! of events, joined in order after the places. The story is the same as [`super::read`] makes
//! of the table held whole (a test compares them).

use std::borrow::Cow;
use std::io::Read;
use std::sync::Arc;

use chrono::NaiveDate;

use super::{AcledColumns, AcledRow, FastMap, PlaceKey, Registry, title};
use crate::import::Builder;
use crate::import::chunks::{
    CHUNK_BYTES, Chunk, ChunkError, ChunkReader, KeptRecords, LONGEST_RECORD, Spares, read_records,
};
use crate::import::plausibility;
pub use crate::import::stream::StreamError;
use crate::import::stream::{Header, RowsTaken};
use crate::io::pipeline::{self, Sequence};
use crate::io::{LoadProgress, Problem};
use crate::model::{Dataset, Feature, Place, Store};

/// The largest chunk read at once, whatever the file's size.
const MAX_CHUNK_BYTES: u64 = 8 << 20;

/// A chunk's rows that can be used, kept until what is decided in file order is known.
struct ChunkRows {
    kept: KeptRecords,
    /// Each kept row's date and position, and its place and `source` cell among the chunk's.
    rows: Vec<(AcledRow, u32, u32)>,
    /// Every row read, used or not (for progress).
    read: usize,
}

/// What a chunk's rows say that is decided in file order.
#[derive(Default)]
struct Survey {
    /// The first row's place at each location the chunk has (its id not yet given).
    places: Vec<(PlaceKey, Place)>,
    /// Each `source` cell, the first time the chunk has it.
    source_cells: Vec<String>,
    /// Each kept row's event id, one after another, and where each ends with its line.
    event_ids: String,
    events: Vec<(usize, usize)>,
    positions: Vec<(usize, f64, f64)>,
    warnings: Vec<Problem>,
    /// Whether it is the file's first chunk, and its size.
    first: bool,
    bytes: usize,
}

/// What is decided for a chunk's rows: the ids of its places and its sources, by their place
/// among the chunk's, and the events read under another id than their own (a repeated one), by
/// kept row.
struct Decided {
    places: Vec<String>,
    sources: Vec<Vec<String>>,
    renamed: FastMap<usize, String>,
}

/// Reads the ACLED export that `open` gives, `size` bytes long (for progress; 0 when unknown).
pub fn read<R: Read + Send>(
    open: impl Fn() -> std::io::Result<R>,
    size: u64,
    file_name: &str,
    today: NaiveDate,
    progress: &LoadProgress,
) -> Result<(Dataset, Vec<Problem>), StreamError> {
    // Chunks as big as memory allows (a few per worker): each worker's columns keep a
    // repeated text once.
    let workers = pipeline::workers() as u64;
    let chunk_bytes = (size / (workers * 4)).clamp(CHUNK_BYTES as u64, MAX_CHUNK_BYTES);
    read_with(open, size, file_name, today, progress, chunk_bytes as usize)
}

/// [`read`] in chunks of `chunk_bytes`.
fn read_with<R: Read + Send>(
    open: impl Fn() -> std::io::Result<R>,
    size: u64,
    file_name: &str,
    today: NaiveDate,
    progress: &LoadProgress,
    chunk_bytes: usize,
) -> Result<(Dataset, Vec<Problem>), StreamError> {
    let workers = pipeline::workers();
    let header = Header::read(open()?)?;
    let columns = AcledColumns::new(|names| header.column(names));
    let mut builder = Builder::new(title(file_name), file_name);
    let file_source = builder.file_source();
    let cancelled = || progress.is_cancelled();
    let started = std::time::Instant::now();

    // What is decided in file order, chunk by chunk: the places go into the builder's store.
    let mut registry = Registry::default();
    let mut sources: FastMap<String, Vec<String>> = FastMap::default();
    let mut warnings = Vec::new();
    let mut positions = Vec::new();
    let sequence = Sequence::new(|survey: Survey| {
        if survey.first {
            // The rows to come, estimated from the first chunk's, so that the ids' table is
            // not grown again and again.
            let per_byte = survey.events.len() as f64 / survey.bytes.max(1) as f64;
            registry.reserve((per_byte * size as f64 * 1.05) as usize);
        }
        let mut places = Vec::with_capacity(survey.places.len());
        for (key, mut place) in survey.places {
            let (id, new) = registry.place_id(&super::PlaceRef(&key.0, key.1, key.2));
            if new {
                place.common.id = id.clone();
                builder.push(Feature::Place(place));
            }
            places.push(id);
        }
        let cited = survey.source_cells.into_iter().map(|cell| {
            if let Some(ids) = sources.get(&cell) {
                return ids.clone();
            }
            let ids = builder.cite(&cell);
            sources.insert(cell, ids.clone());
            ids
        });
        let cited = cited.collect();
        warnings.extend(survey.warnings);
        let mut renamed = FastMap::default();
        let mut start = 0;
        for (row, &(end, line)) in survey.events.iter().enumerate() {
            let id = &survey.event_ids[start..end];
            start = end;
            if let Some(unique) = registry.unique_event_id(id, line, &mut warnings) {
                renamed.insert(row, unique);
            }
        }
        positions.extend(survey.positions);
        Decided {
            places,
            sources: cited,
            renamed,
        }
    });

    let mut parts = Vec::new();
    // A few chunks are in hand at once: their buffers and kept rows serve the next ones.
    let buffers = Arc::new(Spares::new(workers));
    let kept_rows = Spares::new(workers);
    let mut reader =
        ChunkReader::with_sizes(open().map_err(ChunkError::Io)?, chunk_bytes, LONGEST_RECORD)
            .with_spares(buffers.clone());
    let mut taken = RowsTaken::default();
    let next_chunk = || {
        let chunk = reader.next_chunk();
        progress.set_bytes(reader.bytes_read().min(size), size.max(1));
        chunk
    };
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
            let kept = kept_rows.take().unwrap_or_default();
            let (rows, survey) = read_chunk(&chunk, kept, &columns, &file_source, today);
            if let Cow::Owned(buffer) = chunk.bytes {
                buffers.give(buffer);
            }
            let decided = sequence.decide(number, survey)?;
            let mut events = events_of(&rows, &columns, &decided);
            // Held until every chunk is read: without room to grow or its word tables.
            events.shrink();
            let mut kept = rows.kept;
            kept.clear();
            kept_rows.give(kept);
            Some((events, rows.read, bytes))
        },
        |(store, read, bytes)| {
            parts.push(store);
            taken.took(read, bytes, size, progress);
            true
        },
    )?;
    drop((sequence, buffers, kept_rows));
    if cancelled() {
        return Err(StreamError::Cancelled);
    }
    log::debug!(
        "ACLED rows read at {:.2} s",
        started.elapsed().as_secs_f64()
    );
    // Each row's warnings in the order of the rows, as one pass over them gives them.
    warnings.sort_by_key(|problem: &Problem| problem.location.line());
    plausibility::far_from_the_rest(&positions, &mut warnings);
    drop(positions);
    let dataset = builder.finish_with(parts);
    log::debug!(
        "ACLED story ready at {:.2} s",
        started.elapsed().as_secs_f64()
    );
    Ok((dataset, warnings))
}

/// A chunk's rows read once: those that can be used kept, and what they say that is decided
/// in file order.
fn read_chunk(
    chunk: &Chunk,
    kept: KeptRecords,
    columns: &AcledColumns,
    file_source: &str,
    today: NaiveDate,
) -> (ChunkRows, Survey) {
    let mut survey = Survey::default();
    let mut rows = ChunkRows {
        kept,
        rows: Vec::new(),
        read: 0,
    };
    let mut places_seen: FastMap<PlaceKey, u32> = FastMap::default();
    let mut cells_seen: FastMap<String, u32> = FastMap::default();
    let (mut unread, mut warnings) = (Vec::new(), Vec::new());
    let read = read_records(chunk, &mut unread, |row| {
        rows.read += 1;
        let Some(read) = columns.read_row(row, today, &mut warnings) else {
            return true;
        };
        survey
            .positions
            .push((row.line, read.longitude, read.latitude));
        let key = columns.place_key(row, &read);
        let place = match places_seen.get(&key) {
            Some(&place) => place,
            None => {
                let place = survey.places.len() as u32;
                places_seen.insert(key.to_key(), place);
                let found = columns.place(row, &read, "", file_source);
                survey.places.push((key.to_key(), found));
                place
            }
        };
        let cell = columns.source_names(row);
        let source = match cells_seen.get(cell) {
            Some(&source) => source,
            None => {
                let source = survey.source_cells.len() as u32;
                cells_seen.insert(cell.to_owned(), source);
                survey.source_cells.push(cell.to_owned());
                source
            }
        };
        survey.event_ids.push_str(&columns.event_id_as_written(row));
        survey.events.push((survey.event_ids.len(), row.line));
        rows.kept.keep(row);
        rows.rows.push((read, place, source));
        true
    });
    // Nothing here stops the reading.
    debug_assert!(read.is_ok());
    unread.extend(warnings);
    survey.warnings = unread;
    survey.first = chunk.number == 0;
    survey.bytes = chunk.bytes.len();
    (rows, survey)
}

/// The events of a chunk's kept rows, in columns, as `decided`.
fn events_of(rows: &ChunkRows, columns: &AcledColumns, decided: &Decided) -> Store {
    let mut store = Store::for_repeated_texts();
    for (index, (read, place, source)) in rows.rows.iter().enumerate() {
        let row = rows.kept.get(index);
        let id = match decided.renamed.get(&index) {
            Some(id) => Cow::Borrowed(id.as_str()),
            None => columns.event_id_as_written(&row),
        };
        let place = &decided.places[*place as usize];
        let sources = &decided.sources[*source as usize];
        columns.with_event_parts(&row, read, &id, place, sources, |parts| {
            store.push_event_parts(parts);
        });
    }
    store
}

#[cfg(test)]
#[path = "stream_tests.rs"]
mod tests;
