//! Files from other tools, read into a story: ACLED event exports, displacement flow tables
//! (UNHCR Refugee Data Finder style, yearly or monthly, and any origin–destination CSV), and
//! GeoJSON from anywhere (a FeatureCollection or an RFC 8142 text sequence) with its dates found
//! in its properties. The format is told from the content, not the file's extension.
//!
//! Pure: no egui. `check`, `list`, `convert` and the window all open files through [`load`].

pub mod acled;
pub mod columns;
pub mod countries;
pub mod dates;
pub mod flows;
pub mod geojson_dates;
pub mod locations;
mod plausibility;
pub mod table;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::io::text::FileText;
use columns::ColumnMapping;

use crate::io::{
    LoadError, LoadProgress, Loaded, Location, Problem, ProblemReport, Severity, TableLayout,
    source,
};
use crate::model::{Dataset, Extra, Feature, Source, StoryMeta};

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
}

/// Reads any supported file (`-` is standard input), at most [`source::MAX_FILE_BYTES`] of it.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    load_with(path, &ImportOptions::default(), &LoadProgress::default())
}

/// [`load`], counting in `progress` and stopping when it is cancelled.
pub fn load_with_progress(path: &Path, progress: &LoadProgress) -> Result<Loaded, LoadError> {
    load_with(path, &ImportOptions::default(), progress)
}

/// [`load`] with `options`, counting in `progress` and stopping when it is cancelled.
pub fn load_with(
    path: &Path,
    options: &ImportOptions,
    progress: &LoadProgress,
) -> Result<Loaded, LoadError> {
    // A big GeoJSON story is read without holding its text whole.
    let is_story = |head: &[u8]| matches!(detect(head), Ok(Format::GeoJson));
    if let Some(loaded) = crate::io::streamed::load(path, progress, is_story)? {
        return Ok(dated(loaded));
    }
    let bytes = source::read_capped_with(path, source::MAX_FILE_BYTES, progress)?;
    let origin = source::origin_name(path);
    let file_name = path
        .file_name()
        .map_or_else(|| origin.clone(), |n| n.to_string_lossy().into_owned());
    let file = File {
        origin: &origin,
        name: &file_name,
        path: Some(path),
    };
    parse_file(bytes, &file, options, progress)
}

/// Reads the text of a file named `file_name` (for sources and titles); `origin` names it in
/// messages.
pub fn parse(
    bytes: Vec<u8>,
    origin: &str,
    file_name: &str,
    progress: &LoadProgress,
) -> Result<Loaded, LoadError> {
    let file = File {
        origin,
        name: file_name,
        path: None,
    };
    parse_file(bytes.into(), &file, &ImportOptions::default(), progress)
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
    Loaded { dataset, warnings }
}

fn parse_file(
    bytes: FileText,
    file: &File,
    options: &ImportOptions,
    progress: &LoadProgress,
) -> Result<Loaded, LoadError> {
    let (origin, file_name) = (file.origin, file.name);
    let today = chrono::Local::now().date_naive();
    let refused = |message: String| {
        LoadError::Invalid(ProblemReport {
            origin: origin.to_owned(),
            problems: vec![Problem {
                severity: Severity::Error,
                location: Location::Text { line: 1, column: 1 },
                message,
            }],
        })
    };
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
                return Err(refused(message));
            };
            let key = columns::layout_key(&layout.headers);
            let Some(mapping) = options
                .columns
                .as_ref()
                .or_else(|| options.remembered.get(&key))
            else {
                return Err(LoadError::NeedsColumns {
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
            return finish(Format::ChosenColumns, dataset, warnings, origin);
        }
    };
    let mut warnings = Vec::new();
    let dataset = match format {
        Format::GeoJson => {
            let loaded = crate::io::read::parse_owned(bytes, origin, progress)?;
            return Ok(dated(loaded));
        }
        Format::GeoJsonSequence => {
            let collection = geojson_dates::sequence_to_collection(&bytes);
            let loaded = crate::io::read::parse_bytes_with(&collection, origin, progress)?;
            return Ok(dated(loaded));
        }
        Format::LocationFlows => {
            let flows = read_table(&bytes, &mut warnings)?;
            let Some((locations_name, locations)) = find_locations(file.path, options) else {
                return Err(refused(
                    "a flow table between location ids (origin, dest, count) needs its \
                     locations: open it together with the locations table (id, name, lat, lon), \
                     or keep one with \"locations\" in its name beside it"
                        .into(),
                ));
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
        Format::Acled
        | Format::CountryFlows
        | Format::PointFlows
        | Format::Locations
        | Format::ChosenColumns => {
            let table = read_table(&bytes, &mut warnings)?;
            match format {
                Format::Acled => acled::read(&table, file_name, today, &mut warnings),
                Format::CountryFlows => {
                    flows::read_countries(&table, file_name, today, &mut warnings)
                }
                Format::Locations => locations::read_locations(&table, file_name, &mut warnings),
                _ => flows::read_points(&table, file_name, today, &mut warnings),
            }
        }
    };
    finish(format, dataset, warnings, origin)
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
        rows: table.rows.into_iter().map(|r| r.cells).collect(),
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
        let bytes = source::read_capped(&candidate, source::MAX_FILE_BYTES).ok()?;
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
    use std::io::Read;
    let mut head = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(64 * 1024)
        .read_to_end(&mut head)
        .ok()?;
    detect(first_lines(&head, 2)).ok()
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
    Ok(Loaded { dataset, warnings })
}

/// What the content is, or why it is none of the formats evacmap reads (what was recognised and
/// what was missing).
pub fn detect(bytes: &[u8]) -> Result<Format, String> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = text.iter().position(|b| !b.is_ascii_whitespace());
    match start.map(|i| text[i]) {
        None => return Err("the file is empty".into()),
        Some(0x1E) => return Ok(Format::GeoJsonSequence),
        Some(b'{') => {
            // One JSON object per line is a sequence; a document spanning lines is GeoJSON.
            return Ok(if geojson_dates::is_line_delimited(text) {
                Format::GeoJsonSequence
            } else {
                Format::GeoJson
            });
        }
        Some(b'[') => return Ok(Format::GeoJson),
        Some(_) => {}
    }
    let head = &text[..text.len().min(64 * 1024)];
    if std::str::from_utf8(head).is_err()
        && std::str::from_utf8(&head[..head.len().saturating_sub(3)]).is_err()
    {
        return Err("the file is neither GeoJSON nor CSV text (it is not UTF-8)".into());
    }
    let mut ignored = Vec::new();
    let table = table::Table::parse(first_lines(text, 2), &mut ignored)
        .map_err(|e| format!("not GeoJSON, and not a CSV table: {e}"))?;
    if acled::is_acled(&table) {
        return Ok(Format::Acled);
    }
    if flows::is_country_flows(&table) {
        return Ok(Format::CountryFlows);
    }
    if flows::is_point_flows(&table) {
        return Ok(Format::PointFlows);
    }
    if locations::is_location_flows(&table) {
        return Ok(Format::LocationFlows);
    }
    if locations::is_locations(&table) {
        return Ok(Format::Locations);
    }
    let columns = table.folded_headers().join(", ");
    Err(format!(
        "not GeoJSON; read as a CSV table with the columns {columns}, which is none of the \
         tables evacmap reads: an ACLED export needs event_date, event_type, latitude, longitude \
         and actor1; a country flow table needs year and origin and asylum countries; an \
         origin–destination table needs origin and destination columns with their latitudes and \
         longitudes; a flowmap.blue table needs id, lat and lon (locations) or origin, dest and \
         count (flows)"
    ))
}

/// The first `count` records' text (records may span lines inside quotes).
fn first_lines(text: &[u8], count: usize) -> &[u8] {
    let mut in_quotes = false;
    let mut seen = 0;
    for (i, b) in text.iter().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                seen += 1;
                if seen == count {
                    return &text[..=i];
                }
            }
            _ => {}
        }
    }
    text
}

/// Builds an imported story: its sources declared once, by name, and its features in order.
pub struct Builder {
    meta: StoryMeta,
    features: Vec<Feature>,
    file_source: String,
    ids_by_name: HashMap<String, String>,
}

impl Builder {
    /// A story titled `title` whose file, `file_name`, is its first source.
    pub fn new(title: String, file_name: &str) -> Self {
        let mut builder = Self {
            meta: StoryMeta {
                version: crate::io::read::FORMAT_VERSION,
                title: Some(title),
                ..StoryMeta::default()
            },
            features: Vec::new(),
            file_source: String::new(),
            ids_by_name: HashMap::new(),
        };
        builder.file_source = builder.source(file_name);
        builder
    }

    /// The id of the file's own source: cited where a row names no source.
    pub fn file_source(&self) -> String {
        self.file_source.clone()
    }

    /// The id of the source named `name`, declared on first use.
    pub fn source(&mut self, name: &str) -> String {
        if let Some(id) = self.ids_by_name.get(name) {
            return id.clone();
        }
        let stem: String = crate::model::names::fold(name)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("-");
        let stem = if stem.is_empty() {
            "source".into()
        } else {
            stem
        };
        let mut id = stem.clone();
        let mut n = 1;
        while self.meta.sources.iter().any(|s| s.id == id) {
            n += 1;
            id = format!("{stem}-{n}");
        }
        self.meta.sources.push(Source {
            id: id.clone(),
            name: name.to_owned(),
            kind: None,
            url: None,
            title: None,
            published: None,
            note: None,
            extra: Extra::new(),
        });
        self.ids_by_name.insert(name.to_owned(), id.clone());
        id
    }

    /// The sources a cell names, separated by `;` (the file itself when it names none).
    pub fn cite(&mut self, names: &str) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for name in names.split(';').map(str::trim).filter(|n| !n.is_empty()) {
            let id = self.source(name);
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        if ids.is_empty() {
            ids.push(self.file_source());
        }
        ids
    }

    /// A place at a point, citing the file; callers fill in what their format knows besides.
    pub fn point_place(&self, id: &str, name: &str, lon: f64, lat: f64) -> crate::model::Place {
        crate::model::Place {
            common: crate::model::Common {
                id: id.to_owned(),
                name: Some(name.to_owned()).filter(|n| !n.is_empty()),
                when: None,
                when_basis: None,
                sources: vec![self.file_source()],
                geometry: Some(geo::Geometry::Point(geo::Point::new(lon, lat))),
                extra: Extra::new(),
                foreign: Extra::new(),
            },
            name_ar: None,
            name_variants: Vec::new(),
            place_type: None,
            admin1: None,
            geo_precision: None,
            description: None,
            control: Vec::new(),
        }
    }

    pub fn push(&mut self, feature: Feature) {
        self.features.push(feature);
    }

    pub fn finish(self) -> Dataset {
        Dataset::new(self.meta, self.features, Extra::new())
    }
}

/// Several stories as one: the first keeps its ids; ids and source ids of later ones that are
/// already taken get their file's name in front (`unhcr.csv:country-SYR`), references with them.
pub fn merge(stories: Vec<(String, Dataset)>) -> Dataset {
    let mut stories = stories.into_iter();
    let Some((_, first)) = stories.next() else {
        return Dataset::default();
    };
    let (mut meta, mut features, foreign) = first.into_parts();
    for (name, story) in stories {
        let (other_meta, other_features, _) = story.into_parts();
        // Only places, movements and events need ids of their own; other features keep theirs.
        let taken: std::collections::HashSet<String> = features
            .iter()
            .filter(|f| !matches!(f, Feature::Generic(_)))
            .map(|f| f.id().to_owned())
            .collect();
        let renamed = |id: &str| {
            if taken.contains(id) {
                format!("{name}:{id}")
            } else {
                id.to_owned()
            }
        };
        let mut source_ids = HashMap::new();
        for mut source in other_meta.sources {
            let existing = meta.sources.iter().find(|s| s.name == source.name);
            let id = match existing {
                Some(same) => same.id.clone(),
                None if meta.sources.iter().any(|s| s.id == source.id) => {
                    let id = format!("{name}:{}", source.id);
                    source.id = id.clone();
                    meta.sources.push(source.clone());
                    id
                }
                None => {
                    meta.sources.push(source.clone());
                    source.id.clone()
                }
            };
            source_ids.insert(source.id.clone(), id);
        }
        let source = |id: &String| source_ids.get(id).cloned().unwrap_or_else(|| id.clone());
        for mut feature in other_features {
            let generic = matches!(feature, Feature::Generic(_));
            let common = feature.common_mut();
            if !generic {
                common.id = renamed(&common.id);
            }
            common.sources = common.sources.iter().map(source).collect();
            match &mut feature {
                Feature::Movement(movement) => {
                    movement.from = renamed(&movement.from);
                    movement.to = renamed(&movement.to);
                    for origin in &mut movement.also_from {
                        *origin = renamed(origin);
                    }
                    for figure in &mut movement.figures {
                        figure.sources = figure.sources.iter().map(source).collect();
                    }
                }
                Feature::Event(event) => {
                    event.place = event.place.as_deref().map(renamed);
                }
                Feature::Place(place) => {
                    for claim in &mut place.control {
                        claim.sources = claim.sources.iter().map(source).collect();
                    }
                }
                Feature::Generic(_) => {}
            }
            features.push(feature);
        }
    }
    Dataset::new(meta, features, foreign)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_from_the_content() {
        assert_eq!(
            detect(b"  {\"type\":\"FeatureCollection\",\n\"features\":[]}"),
            Ok(Format::GeoJson)
        );
        assert_eq!(
            detect(b"\x1e{\"type\":\"Feature\"}\n"),
            Ok(Format::GeoJsonSequence)
        );
        assert_eq!(
            detect(b"{\"type\":\"Feature\"}\n{\"type\":\"Feature\"}\n"),
            Ok(Format::GeoJsonSequence)
        );
        assert_eq!(
            detect(
                b"EVENT_DATE,EVENT_TYPE,ACTOR1,LATITUDE,LONGITUDE\n01-January-2015,Riots,x,1,2\n"
            ),
            Ok(Format::Acled)
        );
        assert_eq!(
            detect(
                b"Year,Country of origin (ISO),Country of asylum (ISO),Refugees\n2017,SYR,TUR,5\n"
            ),
            Ok(Format::CountryFlows)
        );
        let refused = detect(b"name,colour\nrose,red\n").unwrap_err();
        assert!(refused.contains("the columns name, colour"), "{refused}");
        assert!(refused.contains("an ACLED export needs"), "{refused}");
        assert_eq!(detect(b"  \n").unwrap_err(), "the file is empty");
    }
}
