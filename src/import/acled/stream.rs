//! ACLED exports read from the file in chunks on every core, straight into the story's columns:
//! no table of all the rows, no list of features, no whole-file text. A million-row export took
//! 5.5 KB a row read whole (every cell a string, then every event a tree); this way a row takes
//! what its event keeps in the columns.
//!
//! Two passes over the file. The first, on every core, reads each chunk's rows for what has to
//! be decided in file order (the places by location, the sources by name, repeated event ids)
//! and the warnings; those are decided chunk by chunk, in order, as [`super::read`] decides them
//! row by row. The second reads the rows again, on every core, into columns of events that
//! are joined in order after the places. The story is the same as [`super::read`] makes of the
//! table held whole (a test compares them).

use std::io::Read;

use chrono::NaiveDate;

use super::{AcledColumns, FastMap, FastSet, PlaceKey, Registry, title};
use crate::import::Builder;
use crate::import::chunks::{
    CHUNK_BYTES, Chunk, ChunkError, ChunkReader, LONGEST_RECORD, RecordsError, header, read_records,
};
use crate::import::plausibility;
use crate::import::table::{Cells, fold_header};
use crate::io::pipeline;
use crate::io::{LoadProgress, Problem};
use crate::model::{Dataset, Feature, Place, Store};

/// Why an ACLED file gave no story.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error("{0}")]
    NoHeader(String),
    #[error(transparent)]
    Chunk(#[from] ChunkError),
    #[error("cancelled")]
    Cancelled,
}

/// The largest chunk read at once, whatever the file's size.
const MAX_CHUNK_BYTES: u64 = 32 << 20;

/// What the first pass finds in a chunk.
#[derive(Default)]
struct Survey {
    /// The first row's place at each location the chunk has (its id not yet given).
    places: Vec<(PlaceKey, Place)>,
    /// Each `source` cell, the first time the chunk has it.
    source_cells: Vec<String>,
    /// Each event's id and line.
    events: Vec<(String, usize)>,
    positions: Vec<(usize, f64, f64)>,
    warnings: Vec<Problem>,
}

/// What the second pass needs to know of the whole file.
struct Decided {
    registry: Registry,
    sources: FastMap<String, Vec<String>>,
    /// Events read under another id than their own (a repeated one), by line.
    renamed: FastMap<usize, String>,
}

/// Reads the ACLED export that `open` gives (opened once for each pass), `size` bytes long
/// (for progress; 0 when unknown).
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
    let chunks = || -> Result<ChunkReader<R>, ChunkError> {
        Ok(ChunkReader::with_sizes(
            open()?,
            chunk_bytes,
            LONGEST_RECORD,
        ))
    };
    // The header alone: a small first chunk, not one as big as those read on the cores.
    let first =
        ChunkReader::with_sizes(open().map_err(ChunkError::Io)?, CHUNK_BYTES, LONGEST_RECORD);
    let columns = AcledColumns::new(header_lookup(first)?);
    let mut builder = Builder::new(title(file_name), file_name);
    let file_source = builder.file_source();
    let total = size.max(1) * 2;
    let cancelled = || progress.is_cancelled();

    let started = std::time::Instant::now();
    // First pass: what is decided in file order.
    let mut store = Store::default();
    let mut decided = Decided {
        registry: Registry::default(),
        sources: FastMap::default(),
        renamed: FastMap::default(),
    };
    let mut warnings = Vec::new();
    let mut positions = Vec::new();
    let mut reader = chunks()?;
    let next_chunk = || {
        let chunk = reader.next_chunk();
        progress.set_bytes(reader.bytes_read().min(size), total);
        chunk
    };
    pipeline::in_order(
        next_chunk,
        workers,
        |chunk| (!cancelled()).then(|| survey(&chunk, &columns, &file_source, today)),
        |survey| {
            for (key, mut place) in survey.places {
                let key = super::PlaceRef(&key.0, key.1, key.2);
                let (id, new) = decided.registry.place_id(&key);
                if new {
                    place.common.id = id;
                    store.push(&Feature::Place(place));
                }
            }
            for cell in survey.source_cells {
                if !decided.sources.contains_key(&cell) {
                    let ids = builder.cite(&cell);
                    decided.sources.insert(cell, ids);
                }
            }
            warnings.extend(survey.warnings);
            for (id, line) in survey.events {
                let unique = decided
                    .registry
                    .unique_event_id(id.clone(), line, &mut warnings);
                if unique != id {
                    decided.renamed.insert(line, unique);
                }
            }
            positions.extend(survey.positions);
            true
        },
    )?;
    if cancelled() {
        return Err(StreamError::Cancelled);
    }
    // Each row's warnings in the order of the rows, as one pass over them gives them.
    warnings.sort_by_key(|problem: &Problem| problem.location.line());
    plausibility::far_from_the_rest(&positions, &mut warnings);
    let events = positions.len();
    drop(positions);
    store.reserve(events);
    log::debug!(
        "ACLED first pass: {events} rows in {:.2} s",
        started.elapsed().as_secs_f64()
    );

    // Second pass: the events, into columns.
    progress.set_rows_total(events);
    let decided = &decided;
    let mut reader = chunks()?;
    let next_chunk = || {
        let chunk = reader.next_chunk();
        progress.set_bytes(size + reader.bytes_read().min(size), total);
        chunk
    };
    pipeline::in_order(
        next_chunk,
        workers,
        |chunk| (!cancelled()).then(|| events_of(&chunk, &columns, decided, today)),
        |(events, count)| {
            store.append(events);
            progress.add_features(count);
            true
        },
    )?;
    if cancelled() {
        return Err(StreamError::Cancelled);
    }
    log::debug!(
        "ACLED second pass done at {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let dataset = builder.finish_with(store);
    log::debug!(
        "ACLED story ready at {:.2} s",
        started.elapsed().as_secs_f64()
    );
    Ok((dataset, warnings))
}

/// The columns of the header (the first record of the text), found by folded name.
fn header_lookup<R: Read>(
    mut reader: ChunkReader<R>,
) -> Result<impl Fn(&[&str]) -> Option<usize>, StreamError> {
    let header = match reader.next_chunk()? {
        Some(chunk) => header(&chunk).map_err(|e| match e {
            RecordsError::NoHeader(message) => StreamError::NoHeader(message),
            RecordsError::Stopped => StreamError::Cancelled,
        })?,
        None => Vec::new(),
    };
    let folded: Vec<String> = header.iter().map(|h| fold_header(h)).collect();
    Ok(move |names: &[&str]| {
        names
            .iter()
            .find_map(|name| folded.iter().position(|h| h == name))
    })
}

/// The first pass over a chunk.
fn survey(chunk: &Chunk, columns: &AcledColumns, file_source: &str, today: NaiveDate) -> Survey {
    let mut survey = Survey::default();
    let mut places_seen: FastSet<PlaceKey> = FastSet::default();
    let mut cells_seen: FastSet<String> = FastSet::default();
    let (mut unread, mut warnings) = (Vec::new(), Vec::new());
    let read = read_records(chunk, &mut unread, |row| {
        let Some(read) = columns.read_row(row, today, &mut warnings) else {
            return true;
        };
        survey
            .positions
            .push((row.line, read.longitude, read.latitude));
        let key = columns.place_key(row, &read);
        if !places_seen.contains(&key) {
            places_seen.insert(key.to_key());
            let place = columns.place(row, &read, "", file_source);
            survey.places.push((key.to_key(), place));
        }
        let cell = columns.source_names(row);
        if !cells_seen.contains(cell) {
            cells_seen.insert(cell.to_owned());
            survey.source_cells.push(cell.to_owned());
        }
        survey.events.push((columns.event_id(row), row.line));
        true
    });
    // As in the second pass: nothing stops the reading.
    debug_assert!(read.is_ok());
    unread.extend(warnings);
    survey.warnings = unread;
    survey
}

/// The second pass over a chunk: its events in columns, and how many rows it had.
fn events_of(
    chunk: &Chunk,
    columns: &AcledColumns,
    decided: &Decided,
    today: NaiveDate,
) -> (Store, usize) {
    let mut store = Store::for_repeated_texts();
    // Told in the first pass.
    let (mut unread, mut ignored) = (Vec::new(), Vec::new());
    let mut rows = 0;
    // The header was read when the columns were found, and nothing here stops the reading.
    let read = read_records(chunk, &mut unread, |row| {
        rows += 1;
        let Some(read) = columns.read_row(row, today, &mut ignored) else {
            return true;
        };
        ignored.clear();
        let key = columns.place_key(row, &read);
        let place = decided
            .registry
            .known_place(&key)
            .map_or("", String::as_str);
        let id = match decided.renamed.get(&row.line()) {
            Some(id) => id.clone(),
            None => columns.event_id(row),
        };
        let sources = decided.sources.get(columns.source_names(row));
        let sources = sources.map_or(&[][..], Vec::as_slice);
        columns.with_event_parts(row, &read, &id, place, sources, |parts| {
            store.push_event_parts(parts);
        });
        true
    });
    debug_assert!(read.is_ok());
    (store, rows)
}

#[cfg(test)]
#[path = "stream_tests.rs"]
mod tests;
