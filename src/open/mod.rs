//! Opening any file: its kind told from its content ([`detect`]), then read by the reader for
//! that kind (evacmap's GeoJSON in [`crate::io::geojson`], other tools' tables in
//! [`crate::import`]); on a worker with progress and Cancel for the window ([`job`]), and watched
//! for changes ([`watch`]). The way only goes down: the app and the command line open files
//! here, and this module calls the readers, never the other way.
//!
//! Pure: no egui. `check`, `list`, `convert` and the window all open files through [`load`].

pub mod detect;
pub mod job;
pub mod ogc_api;
mod tables;
pub mod watch;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::import::columns::{self, ColumnMapping, TableLayout};
use crate::import::gazetteer::Gazetteer;
use crate::import::{acled, dtm, flows, geojson_dates, hxl, idmc, locations, table};
use crate::io::fits::{self, ReadWay};
use crate::io::text::{FileText, MAPPED_FROM_BYTES};
use crate::io::{
    LoadError, LoadProgress, Loaded, Location, Problem, ProblemReport, Severity, source,
};
use crate::model::Dataset;
pub use detect::detect;
use detect::first_lines;
use tables::ChunkedTable;

/// Why a file could not be opened. The previous data, if any, stays as it was.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// It could not be read, or what was read is not a story.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A CSV table of none of the known kinds: which column is what must be chosen.
    #[error("{origin}:1:1: error: {message}")]
    NeedsColumns {
        origin: String,
        message: String,
        layout: Box<TableLayout>,
    },
}

impl OpenError {
    /// Every problem, located; a single one for I/O and size errors.
    pub fn problems(&self) -> Vec<String> {
        match self {
            OpenError::Load(error) => error.problems(),
            other => vec![other.to_string()],
        }
    }
}

/// What a file was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// GeoJSON: evacmap's own stories, or any other FeatureCollection, Feature or geometry.
    GeoJson,
    /// GeoJSON text sequence (RFC 8142) or newline-delimited GeoJSON: one feature per record.
    GeoJsonSequence,
    Acled,
    /// Origin and asylum countries with counts (UNHCR, IOM), by year or month.
    CountryFlows,
    /// Any CSV with origin and destination columns and their coordinates.
    PointFlows,
    /// flowmap.blue / Flourish locations: id, name, lat, lon.
    Locations,
    /// flowmap.blue / Flourish flows between location ids: origin, dest, count[, time].
    LocationFlows,
    /// Any other CSV, read by the columns the user chose.
    ChosenColumns,
    /// A table with HXL hashtags under its header: movements, counts at places or events.
    Hxl,
    /// IDMC displacement figures.
    Idmc,
    /// IOM DTM counts of IDPs present, by admin area and round.
    Dtm,
}

impl Format {
    pub fn describe(self) -> &'static str {
        match self {
            Format::GeoJson => "GeoJSON",
            Format::GeoJsonSequence => "GeoJSON text sequence",
            Format::Acled => "table of ACLED events",
            Format::CountryFlows => "country flow table (UNHCR style)",
            Format::PointFlows => "origin–destination table",
            Format::Locations => "locations table (flowmap.blue)",
            Format::LocationFlows => "flow table (flowmap.blue)",
            Format::ChosenColumns => "table read by chosen columns",
            Format::Hxl => "HXL-tagged table",
            Format::Idmc => "IDMC displacement table",
            Format::Dtm => "IOM DTM table",
        }
    }
}

/// What else a file is read with: the files opened together with it (a flow table's
/// locations), and the columns chosen for tables of no known kind.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Files opened together with this one.
    pub companions: Vec<PathBuf>,
    /// Columns chosen before, by header layout ([`columns::layout_key`]).
    pub remembered: BTreeMap<String, ColumnMapping>,
    /// Columns for any table of no known kind (`--columns`), before the remembered ones.
    pub columns: Option<ColumnMapping>,
    /// Where tables that name places by p-code or admin name find them: the bundled
    /// gazetteer and those added (`--gazetteer`, File → Add gazetteer…); `None`: the bundled.
    pub gazetteer: Option<std::sync::Arc<Gazetteer>>,
    /// For a web address (an OGC API – Features collection): the view and range to ask for.
    pub window: ogc_api::Window,
}

/// Reads any supported file (`-` is standard input: at most [`crate::io::max_input`] of it). A
/// regular file is refused only when its story cannot fit in memory.
pub fn load(path: &Path) -> Result<Loaded, OpenError> {
    load_with(path, &ImportOptions::default(), &LoadProgress::default())
}

/// [`load`], counting in `progress` and stopping when it is cancelled.
pub fn load_with_progress(path: &Path, progress: &LoadProgress) -> Result<Loaded, OpenError> {
    load_with(path, &ImportOptions::default(), progress)
}

/// [`load`] with `options`, counting in `progress` and stopping when it is cancelled.
pub fn load_with(
    path: &Path,
    options: &ImportOptions,
    progress: &LoadProgress,
) -> Result<Loaded, OpenError> {
    if let Some(url) = path.to_str().filter(|p| ogc_api::is_url(p)) {
        return load_url(url, &options.window, progress);
    }
    if let Some(address) = path.to_str().filter(|p| crate::postgis::is_database(p)) {
        return load_database(address, &options.window, progress);
    }
    let metadata = std::fs::metadata(path)
        .ok()
        .filter(std::fs::Metadata::is_file);
    let sniffed = metadata.as_ref().and_then(|_| sniff(path));
    // Tables of the kinds read in chunks, from a regular file.
    let chunked = metadata
        .as_ref()
        .and_then(|_| ChunkedTable::of(path, sniffed, options));
    if let Some(metadata) = &metadata {
        let way = match sniffed {
            _ if chunked.is_some() => chunked.as_ref().map_or(ReadWay::Whole, ChunkedTable::way),
            Some(Format::GeoJson | Format::GeoJsonSequence)
                if metadata.len() >= MAPPED_FROM_BYTES =>
            {
                ReadWay::GeoJsonStreamed
            }
            Some(Format::GeoJson | Format::GeoJsonSequence) | None => ReadWay::Whole,
            Some(_) => ReadWay::TableWhole,
        };
        fits::check_fits(&source::origin_name(path), metadata.len(), way)?;
    }
    // A big GeoJSON story is read without holding its text whole.
    let is_story = |head: &[u8]| matches!(detect(head), Ok(Format::GeoJson));
    if let Some(loaded) = crate::io::geojson::load_big_file(path, progress, is_story)? {
        return Ok(dated(loaded));
    }
    let origin = source::origin_name(path);
    let file_name = path
        .file_name()
        .map_or_else(|| origin.clone(), |n| n.to_string_lossy().into_owned());
    // A big text sequence is read as a big story is, its records found as it is read.
    if let Some(metadata) = &metadata
        && sniffed == Some(Format::GeoJsonSequence)
        && metadata.len() >= MAPPED_FROM_BYTES
        && let Some(loaded) = crate::io::geojson::load_sequence_file(path, progress)?
    {
        return Ok(dated(loaded));
    }
    if let Some(table) = chunked {
        return table.read(path, &origin, &file_name, progress);
    }
    let bytes = source::read_capped_with(path, crate::io::max_input(), progress)?;
    let file = File {
        origin: &origin,
        name: &file_name,
        path: Some(path),
    };
    parse_file(bytes, &file, options, progress)
}

/// What `window` shows of a PostGIS story.
fn load_database(
    address: &str,
    window: &ogc_api::Window,
    progress: &LoadProgress,
) -> Result<Loaded, OpenError> {
    let origin = ogc_api::shown(address);
    let read = crate::postgis::Target::parse(address)
        .and_then(|target| crate::postgis::read::open(&target, window, progress));
    read.map_err(|error| match error {
        crate::postgis::DbError::Cancelled { .. } => {
            OpenError::from(LoadError::Cancelled { path: origin })
        }
        other => OpenError::from(refused(&origin, other.to_string())),
    })
}

/// Whether a path names a web collection or a database: read for a view and range, again as
/// they change, never watched (a story in a database is written back row by row when edited).
pub fn is_remote(text: &str) -> bool {
    ogc_api::is_url(text) || crate::postgis::is_database(text)
}

/// The features of an OGC API – Features collection within `window`, read as any GeoJSON is.
fn load_url(
    url: &str,
    window: &ogc_api::Window,
    progress: &LoadProgress,
) -> Result<Loaded, OpenError> {
    let origin = ogc_api::shown(url);
    let failed = |message: String| OpenError::from(refused(&origin, message));
    let read = ogc_api::read(url, window, progress).map_err(|error| match error {
        ogc_api::OgcError::Cancelled { .. } => OpenError::from(LoadError::Cancelled {
            path: origin.clone(),
        }),
        other => failed(other.to_string()),
    })?;
    let collection = serde_json::json!({
        "type": "FeatureCollection",
        "features": read.features,
    });
    let bytes = serde_json::to_vec(&collection).map_err(|e| failed(e.to_string()))?;
    let mut loaded = dated(crate::io::geojson::parse_bytes_with(
        &bytes, &origin, progress,
    )?);
    for note in read.notes {
        loaded.warnings.push(Problem {
            severity: Severity::Warning,
            location: Location::Line { line: 1 },
            message: note,
        });
    }
    Ok(loaded)
}

/// Reads the text of a file named `file_name` (for sources and titles); `origin` names it in
/// messages.
pub fn parse(
    bytes: Vec<u8>,
    origin: &str,
    file_name: &str,
    progress: &LoadProgress,
) -> Result<Loaded, OpenError> {
    let file = File {
        origin,
        name: file_name,
        path: None,
    };
    parse_file(bytes.into(), &file, &ImportOptions::default(), progress)
}

/// Today, against which dates in the future are told.
fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// The story of a table read in chunks, or what stopped it as a load error.
fn streamed(
    read: Result<(Dataset, Vec<Problem>), crate::import::stream::StreamError>,
    origin: &str,
) -> Result<(Dataset, Vec<Problem>), LoadError> {
    use crate::import::chunks::ChunkError;
    use crate::import::stream::StreamError;
    let located = |line: usize, message: String| {
        LoadError::Invalid(ProblemReport {
            origin: origin.to_owned(),
            problems: vec![Problem {
                severity: Severity::Error,
                location: Location::Line { line },
                message,
            }],
        })
    };
    read.map_err(|error| match error {
        StreamError::NoHeader(message) => located(1, message),
        StreamError::Chunk(ChunkError::Io(source)) => LoadError::Io {
            path: origin.to_owned(),
            source,
        },
        StreamError::Chunk(unclosed @ ChunkError::UnclosedQuote { line }) => {
            located(line, unclosed.to_string())
        }
        StreamError::Cancelled => LoadError::Cancelled {
            path: origin.to_owned(),
        },
    })
}

/// The file being read: how messages name it, its name (for sources and titles), where it is.
struct File<'a> {
    origin: &'a str,
    name: &'a str,
    path: Option<&'a Path>,
}

/// A GeoJSON story as read, its generic features dated where their properties say when.
fn dated(loaded: Loaded) -> Loaded {
    let today = chrono::Local::now().date_naive();
    let mut warnings = loaded.warnings;
    let dataset = geojson_dates::date_generic_features(loaded.dataset, today, &mut warnings);
    Loaded {
        dataset,
        warnings,
        stored: loaded.stored,
    }
}

fn parse_file(
    bytes: FileText,
    file: &File,
    options: &ImportOptions,
    progress: &LoadProgress,
) -> Result<Loaded, OpenError> {
    let (origin, file_name) = (file.origin, file.name);
    let today = chrono::Local::now().date_naive();
    let refused = |message: String| refused(origin, message);
    let read_table = |bytes: &[u8], warnings: &mut Vec<Problem>| {
        table::Table::parse_with(bytes, warnings, progress).map_err(|e| match e {
            table::TableError::NotCsv(message) => refused(message),
            table::TableError::Cancelled => LoadError::Cancelled {
                path: origin.to_owned(),
            },
        })
    };
    let format = match detect(&bytes) {
        Ok(format) => format,
        Err(message) => {
            // A table, but of no known kind: read it by the columns chosen for it.
            let Some(layout) = table_layout(&bytes) else {
                return Err(refused(message).into());
            };
            let key = columns::layout_key(&layout.headers);
            let Some(mapping) = options
                .columns
                .as_ref()
                .or_else(|| options.remembered.get(&key))
            else {
                return Err(OpenError::NeedsColumns {
                    origin: origin.to_owned(),
                    message: format!(
                        "{message}. Choose its columns when opening it in the window, or name \
                         them: --columns date=COLUMN,latitude=COLUMN,longitude=COLUMN (or \
                         origin=COLUMN,destination=COLUMN; also name, count, source)"
                    ),
                    layout: Box::new(layout),
                });
            };
            let mut warnings = Vec::new();
            let table = read_table(&bytes, &mut warnings)?;
            let dataset = columns::read(&table, mapping, file_name, today, &mut warnings)
                .map_err(|e| refused(format!("the chosen columns cannot be used: {e}")))?;
            return Ok(finish(Format::ChosenColumns, dataset, warnings, origin)?);
        }
    };
    let mut warnings = Vec::new();
    let dataset = match format {
        Format::GeoJson => {
            let loaded = crate::io::geojson::parse_owned(bytes, origin, progress)?;
            return Ok(dated(loaded));
        }
        Format::GeoJsonSequence => {
            let collection = geojson_dates::sequence_to_collection(&bytes);
            let loaded = crate::io::geojson::parse_bytes_with(&collection, origin, progress)?;
            return Ok(dated(loaded));
        }
        Format::LocationFlows => {
            let flows = read_table(&bytes, &mut warnings)?;
            let Some((locations_name, locations)) = find_locations(file.path, options) else {
                return Err(OpenError::from(refused(
                    "a flow table between location ids (origin, dest, count) needs its \
                     locations: open it together with the locations table (id, name, lat, lon), \
                     or keep one with \"locations\" in its name beside it"
                        .into(),
                )));
            };
            locations::read_pair(
                &flows,
                file_name,
                &locations,
                &locations_name,
                today,
                &mut warnings,
            )
        }
        Format::Acled => {
            let open = || Ok(&bytes[..]);
            let size = bytes.len() as u64;
            let read = acled::stream::read(open, size, file_name, today, progress);
            let (dataset, row_warnings) = streamed(read, origin)?;
            warnings = row_warnings;
            dataset
        }
        Format::Hxl | Format::Idmc | Format::Dtm => {
            let table = read_table(&bytes, &mut warnings)?;
            let bundled;
            let gazetteer = match &options.gazetteer {
                Some(added) => added.as_ref(),
                None => {
                    bundled = Gazetteer::bundled();
                    &bundled
                }
            };
            match format {
                Format::Hxl => {
                    hxl::read::read(&table, file_name, gazetteer, today, &mut warnings)
                        .map_err(refused)?
                        .1
                }
                Format::Idmc => idmc::read(&table, file_name, gazetteer, today, &mut warnings),
                _ => dtm::read(&table, file_name, gazetteer, today, &mut warnings),
            }
        }
        Format::CountryFlows | Format::PointFlows | Format::Locations | Format::ChosenColumns => {
            let table = read_table(&bytes, &mut warnings)?;
            match format {
                Format::CountryFlows => {
                    flows::read_countries(&table, file_name, today, &mut warnings)
                }
                Format::Locations => locations::read_locations(&table, file_name, &mut warnings),
                _ => flows::read_points(&table, file_name, today, &mut warnings),
            }
        }
    };
    Ok(finish(format, dataset, warnings, origin)?)
}

/// How many rows a [`TableLayout`] shows.
const PREVIEW_ROWS: usize = 5;

/// The header and first rows of CSV text with at least two columns; `None` when it is no table.
fn table_layout(bytes: &[u8]) -> Option<TableLayout> {
    let mut ignored = Vec::new();
    let head = first_lines(bytes, PREVIEW_ROWS + 1);
    let table = table::Table::parse(head, &mut ignored).ok()?;
    (table.headers.len() >= 2).then(|| TableLayout {
        headers: table.headers.clone(),
        rows: table
            .rows
            .iter()
            .map(|r| r.cells().map(str::to_owned).collect())
            .collect(),
    })
}

/// The locations table for a flow table at `path`: among the files opened with it, else a CSV
/// beside it with "location" in its name (the one sharing most of its name first).
fn find_locations(path: Option<&Path>, options: &ImportOptions) -> Option<(String, table::Table)> {
    let mut candidates: Vec<PathBuf> = options.companions.clone();
    if let Some(folder) = path.and_then(Path::parent) {
        let folder = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        };
        let own = path
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let mut beside: Vec<(usize, PathBuf)> = std::fs::read_dir(folder)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path())
            .filter(|p| {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().to_lowercase())
                    .unwrap_or_default();
                name.contains("location") && name.ends_with(".csv") && name != own
            })
            .map(|p| {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().to_lowercase())
                    .unwrap_or_default();
                let shared = name.chars().zip(own.chars()).take_while(|(a, b)| a == b);
                (shared.count(), p)
            })
            .collect();
        beside.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        candidates.extend(beside.into_iter().map(|(_, p)| p));
    }
    candidates.into_iter().find_map(|candidate| {
        // Told from its first lines; only the one that is a locations table is read whole.
        if sniff(&candidate) != Some(Format::Locations) {
            return None;
        }
        let bytes = source::read_capped(&candidate, crate::io::max_input()).ok()?;
        let table = table::Table::parse(&bytes, &mut Vec::new()).ok()?;
        let name = candidate.file_name()?.to_string_lossy().into_owned();
        Some((name, table))
    })
}

/// Files as they open: each with the files it is read with. A flow table between location ids
/// takes the locations tables opened with it, which then do not open on their own.
pub fn group_companions(paths: &[PathBuf]) -> Vec<(PathBuf, Vec<PathBuf>)> {
    let sniffed: Vec<Option<Format>> = paths.iter().map(|p| sniff(p)).collect();
    let locations: Vec<PathBuf> = paths
        .iter()
        .zip(&sniffed)
        .filter(|(_, f)| **f == Some(Format::Locations))
        .map(|(p, _)| p.clone())
        .collect();
    let has_flows = sniffed.contains(&Some(Format::LocationFlows));
    paths
        .iter()
        .zip(&sniffed)
        .filter(|(_, f)| !(has_flows && **f == Some(Format::Locations)))
        .map(|(p, f)| match f {
            Some(Format::LocationFlows) => (p.clone(), locations.clone()),
            _ => (p.clone(), Vec::new()),
        })
        .collect()
}

/// The format of a file from its first lines; `None` when it cannot be read or told.
fn sniff(path: &Path) -> Option<Format> {
    detect(first_lines(&head_of(path)?, 2)).ok()
}

/// The first 64 KiB of the file at `path`.
fn head_of(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(64 * 1024)
        .read_to_end(&mut head)
        .ok()?;
    Some(head)
}

/// A file (or address) refused as a whole: one error, at its start.
fn refused(origin: &str, message: String) -> LoadError {
    LoadError::Invalid(ProblemReport {
        origin: origin.to_owned(),
        problems: vec![Problem {
            severity: Severity::Error,
            location: Location::Text { line: 1, column: 1 },
            message,
        }],
    })
}

/// The story of a table, or an error when no row could be used.
fn finish(
    format: Format,
    dataset: Dataset,
    warnings: Vec<Problem>,
    origin: &str,
) -> Result<Loaded, LoadError> {
    if dataset.is_empty() {
        let mut problems = warnings;
        problems.push(Problem {
            severity: Severity::Error,
            location: Location::Text { line: 1, column: 1 },
            message: format!(
                "read as a {}, but no row could be used (see the warnings above)",
                format.describe()
            ),
        });
        return Err(LoadError::Invalid(ProblemReport {
            origin: origin.to_owned(),
            problems,
        }));
    }
    Ok(Loaded {
        dataset,
        warnings,
        stored: None,
    })
}
