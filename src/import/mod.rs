//! Files from other tools, read into a story: ACLED event exports, displacement flow tables
//! (UNHCR Refugee Data Finder style, yearly or monthly, and any origin–destination CSV), and
//! GeoJSON from anywhere (a FeatureCollection or an RFC 8142 text sequence) with its dates found
//! in its properties. The format is told from the content, not the file's extension.
//!
//! Pure: no egui. `check`, `list`, `convert` and the window all open files through [`load`].

pub mod acled;
pub mod countries;
pub mod dates;
pub mod flows;
pub mod geojson_dates;
mod plausibility;
pub mod table;

use std::collections::HashMap;
use std::path::Path;

use crate::io::{
    LoadError, LoadProgress, Loaded, Location, Problem, ProblemReport, Severity, source,
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
}

impl Format {
    pub fn describe(self) -> &'static str {
        match self {
            Format::GeoJson => "GeoJSON",
            Format::GeoJsonSequence => "GeoJSON text sequence",
            Format::Acled => "ACLED event export",
            Format::CountryFlows => "country flow table (UNHCR style)",
            Format::PointFlows => "origin–destination table",
        }
    }
}

/// Reads any supported file (`-` is standard input), at most [`source::MAX_FILE_BYTES`] of it.
pub fn load(path: &Path) -> Result<Loaded, LoadError> {
    load_with_progress(path, &LoadProgress::default())
}

/// [`load`], counting in `progress` and stopping when it is cancelled.
pub fn load_with_progress(path: &Path, progress: &LoadProgress) -> Result<Loaded, LoadError> {
    let bytes = source::read_capped_with(path, source::MAX_FILE_BYTES, progress)?;
    let origin = source::origin_name(path);
    let file_name = path
        .file_name()
        .map_or_else(|| origin.clone(), |n| n.to_string_lossy().into_owned());
    parse(bytes, &origin, &file_name, progress)
}

/// Reads the text of a file named `file_name` (for sources and titles); `origin` names it in
/// messages.
pub fn parse(
    bytes: Vec<u8>,
    origin: &str,
    file_name: &str,
    progress: &LoadProgress,
) -> Result<Loaded, LoadError> {
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
    let format = detect(&bytes).map_err(refused)?;
    let mut warnings = Vec::new();
    let dataset = match format {
        Format::GeoJson => {
            let loaded = crate::io::read::parse_owned(bytes, origin, progress)?;
            let mut warnings = loaded.warnings;
            let dataset =
                geojson_dates::date_generic_features(loaded.dataset, today, &mut warnings);
            return Ok(Loaded { dataset, warnings });
        }
        Format::GeoJsonSequence => {
            let collection = geojson_dates::sequence_to_collection(&bytes);
            let loaded = crate::io::read::parse_bytes_with(&collection, origin, progress)?;
            let mut warnings = loaded.warnings;
            let dataset =
                geojson_dates::date_generic_features(loaded.dataset, today, &mut warnings);
            return Ok(Loaded { dataset, warnings });
        }
        Format::Acled | Format::CountryFlows | Format::PointFlows => {
            let table = table::Table::parse(&bytes, &mut warnings).map_err(refused)?;
            match format {
                Format::Acled => acled::read(&table, file_name, today, &mut warnings),
                Format::CountryFlows => flows::read_countries(&table, file_name, &mut warnings),
                _ => flows::read_points(&table, file_name, &mut warnings),
            }
        }
    };
    if dataset.features().is_empty() {
        let mut problems = warnings;
        problems.push(Problem {
            severity: Severity::Error,
            location: Location::Text { line: 1, column: 1 },
            message: format!(
                "read as an {}, but no row could be used (see the warnings above)",
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
    let columns = table.folded_headers().join(", ");
    Err(format!(
        "not GeoJSON; read as a CSV table with the columns {columns}, which is none of the \
         tables evacmap reads: an ACLED export needs event_date, event_type, latitude, longitude \
         and actor1; a country flow table needs year and origin and asylum countries; an \
         origin–destination table needs origin and destination columns with their latitudes and \
         longitudes"
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
