//! Places named by code or name, as humanitarian tables name them: OCHA's p-codes (`SY07`) and
//! admin names (`Idleb`), and countries. Placed from the bundled Syrian governorates and world
//! countries, and from gazetteers the user adds: a CSV of code, name, latitude, longitude, or a
//! GeoJSON of admin areas with p-code properties (as OCHA's common operational datasets publish
//! them), each area placed at a point inside it. Pure, no egui.

use std::collections::HashMap;
use std::path::Path;

use geo::InteriorPoint;

use super::countries::Countries;
use super::table::Table;

/// One place a gazetteer knows.
#[derive(Debug, Clone, PartialEq)]
pub struct GazetteerPlace {
    pub code: String,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    /// The country it is in (ISO alpha-2, as p-codes start), when known.
    pub country: Option<String>,
    /// Which gazetteer it comes from: "bundled", or the file's name.
    pub from: String,
}

/// Syria's governorates by OCHA's admin-1 p-codes (common operational dataset), with OCHA's
/// spelling and Natural Earth's, placed at Natural Earth's label points. Natural Earth's own
/// `fips` codes (also `SYnn`) number them differently and are not used.
const SYRIAN_GOVERNORATES: [(&str, &str, &str, f64, f64); 14] = [
    ("SY01", "Damascus", "Dimashq", 36.2852, 33.5092),
    ("SY02", "Aleppo", "Halab", 37.4327, 36.1729),
    ("SY03", "Rural Damascus", "Rif Dimashq", 36.8414, 33.4598),
    ("SY04", "Homs", "Hims", 38.293, 34.2535),
    ("SY05", "Hama", "Hamah", 37.2722, 35.2896),
    ("SY06", "Lattakia", "Al Ladhiqiyah", 35.9812, 35.5713),
    ("SY07", "Idleb", "Idlib", 36.5779, 35.8268),
    ("SY08", "Al-Hasakeh", "Al Hasakah", 40.5745, 36.444),
    ("SY09", "Deir-ez-Zor", "Dayr Az Zawr", 40.2571, 35.3079),
    ("SY10", "Tartous", "Tartus", 36.0751, 34.9425),
    ("SY11", "Ar-Raqqa", "Ar Raqqah", 38.9148, 35.9865),
    ("SY12", "Dar'a", "Daraa", 36.1038, 32.8257),
    ("SY13", "As-Sweida", "As Suwayda", 36.8742, 32.7771),
    ("SY14", "Quneitra", "Al Qunaytirah", 35.9103, 33.0568),
];

/// Why a gazetteer file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    #[error("{path}: cannot be read: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

/// Places by code and by name. The bundled one knows Syria's governorates; files add theirs
/// (a code given twice keeps the last file's place).
#[derive(Debug, Clone)]
pub struct Gazetteer {
    places: Vec<GazetteerPlace>,
    by_code: HashMap<String, usize>,
    by_name: HashMap<String, Vec<usize>>,
    /// The files added, by name, in order.
    pub files: Vec<String>,
}

/// Where a row's place was found.
#[derive(Debug, Clone, PartialEq)]
pub enum Found<'a> {
    Place(&'a GazetteerPlace),
    Country(&'a super::countries::Country),
}

impl Found<'_> {
    pub fn name(&self) -> &str {
        match self {
            Found::Place(place) => &place.name,
            Found::Country(country) => &country.name,
        }
    }

    /// (longitude, latitude).
    pub fn point(&self) -> (f64, f64) {
        match self {
            Found::Place(place) => (place.lon, place.lat),
            Found::Country(country) => country.label,
        }
    }

    /// The code it is known by: a p-code, or a country's ISO alpha-3.
    pub fn code(&self) -> &str {
        match self {
            Found::Place(place) => &place.code,
            Found::Country(country) => &country.iso3,
        }
    }
}

/// Why a row's place was not found.
#[derive(Debug, Clone, PartialEq)]
pub enum NotFound {
    /// Neither its code nor its name is in any gazetteer.
    Unknown,
    /// Its p-code is of another country than the row says.
    OtherCountry { code: String, is_in: String },
    /// Its name is in several countries' gazetteers and the row names no country.
    Ambiguous {
        name: String,
        countries: Vec<String>,
    },
}

impl Default for Gazetteer {
    fn default() -> Self {
        Self::bundled()
    }
}

/// Case, accents, punctuation and hyphens do not matter: "Deir-ez-Zor" = "deir ez zor".
fn fold(text: &str) -> String {
    crate::model::names::folded_words(text, " ")
}

impl Gazetteer {
    /// Syria's governorates by p-code and name (countries are found by [`Countries`]).
    pub fn bundled() -> Self {
        let mut gazetteer = Self {
            places: Vec::new(),
            by_code: HashMap::new(),
            by_name: HashMap::new(),
            files: Vec::new(),
        };
        for (code, name, other_name, lon, lat) in SYRIAN_GOVERNORATES {
            gazetteer.add(
                GazetteerPlace {
                    code: code.into(),
                    name: name.into(),
                    lon,
                    lat,
                    country: Some("SY".into()),
                    from: "bundled".into(),
                },
                &[other_name],
            );
        }
        gazetteer
    }

    fn add(&mut self, place: GazetteerPlace, other_names: &[&str]) {
        let index = self.places.len();
        if !place.code.is_empty() {
            self.by_code.insert(place.code.to_uppercase(), index);
        }
        for name in std::iter::once(place.name.as_str()).chain(other_names.iter().copied()) {
            let key = fold(name);
            if key.is_empty() {
                continue;
            }
            let list = self.by_name.entry(key).or_default();
            if !list.contains(&index) {
                list.push(index);
            }
        }
        self.places.push(place);
    }

    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// What it knows, for messages: "the bundled one (the world's countries, Syria's
    /// governorates) and districts.csv".
    pub fn describe(&self) -> String {
        let bundled = "the bundled one has the world's countries and Syria's governorates";
        match self.files.as_slice() {
            [] => bundled.into(),
            files => format!("{bundled}; added: {}", files.join(", ")),
        }
    }

    /// The place with this p-code (any case).
    pub fn by_code(&self, code: &str) -> Option<&GazetteerPlace> {
        let code = code.trim();
        if code.is_empty() {
            return None;
        }
        self.by_code
            .get(&code.to_uppercase())
            .map(|&i| &self.places[i])
    }

    /// Where a row's place is, from its p-code and its name (either may be empty), and the
    /// country the row names (a code or name; may be empty): the p-code first, then the
    /// name in this country's gazetteer, then a country by that code or name.
    pub fn find(&self, code: &str, name: &str, country: &str) -> Result<Found<'_>, NotFound> {
        let countries = Countries::bundled();
        let row_country = countries.find(country);
        let in_row_country = |place: &GazetteerPlace| match (row_country, &place.country) {
            (Some(row), Some(its)) => row.iso2.eq_ignore_ascii_case(its),
            _ => true,
        };
        if let Some(place) = self.by_code(code) {
            if !in_row_country(place) {
                return Err(NotFound::OtherCountry {
                    code: code.trim().to_owned(),
                    is_in: place.country.clone().unwrap_or_default(),
                });
            }
            return Ok(Found::Place(place));
        }
        // A p-code no gazetteer has, but whose letters name another country than the row's.
        if let (Some(row), Some(prefix)) = (row_country, code.trim().get(..2))
            && code.trim().len() > 2
            && code.trim()[2..].chars().all(|c| c.is_ascii_digit())
            && !row.iso2.eq_ignore_ascii_case(prefix)
            && countries.find(prefix).is_some()
        {
            return Err(NotFound::OtherCountry {
                code: code.trim().to_owned(),
                is_in: prefix.to_uppercase(),
            });
        }
        if let Some(list) = self.by_name.get(&fold(name)) {
            let matching: Vec<&GazetteerPlace> = list
                .iter()
                .map(|&i| &self.places[i])
                .filter(|p| in_row_country(p))
                .collect();
            let mut in_countries: Vec<String> =
                matching.iter().filter_map(|p| p.country.clone()).collect();
            in_countries.sort();
            in_countries.dedup();
            match (matching.first(), in_countries.len()) {
                (Some(place), 0 | 1) => return Ok(Found::Place(place)),
                (Some(_), _) => {
                    return Err(NotFound::Ambiguous {
                        name: name.trim().to_owned(),
                        countries: in_countries,
                    });
                }
                (None, _) => {}
            }
        }
        // A code or name that is a country (a table by country).
        for text in [code, name] {
            if let Some(country) = countries.find(text) {
                return Ok(Found::Country(country));
            }
        }
        Err(NotFound::Unknown)
    }

    /// Adds the places of a gazetteer file (a CSV table, or GeoJSON admin areas); how many.
    pub fn add_file(&mut self, path: &Path) -> Result<usize, GazetteerError> {
        let bytes = std::fs::read(path).map_err(|source| GazetteerError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let invalid = |message: String| GazetteerError::Invalid {
            path: path.display().to_string(),
            message,
        };
        let text = crate::io::text::without_byte_order_mark(&bytes);
        let first = text.iter().find(|b| !b.is_ascii_whitespace());
        let added = if first == Some(&b'{') {
            self.add_geojson(text, &name).map_err(invalid)?
        } else {
            self.add_csv(text, &name).map_err(invalid)?
        };
        if added == 0 {
            return Err(invalid(
                "no place in it has a code or name and a position".into(),
            ));
        }
        self.files.push(name);
        Ok(added)
    }

    /// Rows of code, name, latitude, longitude (headers in any order; `pcode`, `lat`, `lon`…).
    fn add_csv(&mut self, text: &[u8], from: &str) -> Result<usize, String> {
        let mut warnings = Vec::new();
        let table = Table::parse(text, &mut warnings)?;
        let column = |names: &[&str]| table.column(names);
        let code = column(&["code", "pcode", "p-code", "p_code", "admin_pcode", "id"]);
        let name = column(&["name", "admin_name", "name_en"]);
        let lat = column(&["latitude", "lat", "y"]);
        let lon = column(&["longitude", "lon", "lng", "long", "x"]);
        let country = column(&["country", "country_code", "iso2", "iso3", "adm0_pcode"]);
        let (Some(lat), Some(lon)) = (lat, lon) else {
            return Err(
                "a gazetteer table needs latitude and longitude columns (and code or name)".into(),
            );
        };
        if code.is_none() && name.is_none() {
            return Err("a gazetteer table needs a code or a name column".into());
        }
        let mut added = 0;
        for row in &table.rows {
            let (Ok(y), Ok(x)) = (
                row.get(Some(lat)).trim().parse::<f64>(),
                row.get(Some(lon)).trim().parse::<f64>(),
            ) else {
                continue;
            };
            if !(-90.0..=90.0).contains(&y) || !(-180.0..=180.0).contains(&x) {
                continue;
            }
            let code = row.get(code).trim();
            let country = country_of(row.get(country), code);
            self.add(
                GazetteerPlace {
                    code: code.to_owned(),
                    name: row.get(name).trim().to_owned(),
                    lon: x,
                    lat: y,
                    country,
                    from: from.to_owned(),
                },
                &[],
            );
            added += 1;
        }
        Ok(added)
    }

    /// Admin areas with p-code properties (`ADM2_PCODE`, `admin2Pcode`, `pcode`), each placed at
    /// a point inside it; the name from the matching name property (`ADM2_EN`, `admin2Name_en`).
    fn add_geojson(&mut self, text: &[u8], from: &str) -> Result<usize, String> {
        let collection: serde_json::Value =
            serde_json::from_slice(text).map_err(|e| format!("not GeoJSON: {e}"))?;
        let Some(features) = collection.get("features").and_then(|f| f.as_array()) else {
            return Err("not a GeoJSON FeatureCollection (no \"features\" list)".into());
        };
        let mut added = 0;
        for feature in features {
            let (Some(geometry), Some(properties)) = (
                feature.get("geometry"),
                feature.get("properties").and_then(|p| p.as_object()),
            ) else {
                continue;
            };
            let mut findings = crate::io::geojson::structure::Findings::default();
            let Some(geometry) =
                crate::io::geojson::structure::read_geometry(geometry, "", &mut findings)
            else {
                continue;
            };
            let Some(point) = geometry.interior_point() else {
                continue;
            };
            let (code, name) = admin_code_and_name(properties);
            if code.is_empty() && name.is_empty() {
                continue;
            }
            let country = properties
                .iter()
                .find(|(key, _)| fold(key).replace(' ', "") == "adm0pcode")
                .and_then(|(_, v)| v.as_str())
                .map(str::to_owned);
            let country = country_of(country.as_deref().unwrap_or(""), &code);
            self.add(
                GazetteerPlace {
                    code,
                    name,
                    lon: point.x(),
                    lat: point.y(),
                    country,
                    from: from.to_owned(),
                },
                &[],
            );
            added += 1;
        }
        Ok(added)
    }
}

/// The bundled gazetteer with the files at `paths` added, in order (`None` when there are
/// none). The last one made is kept: the window reads every table with the same files.
pub fn with_files(
    paths: &[std::path::PathBuf],
) -> Result<Option<std::sync::Arc<Gazetteer>>, GazetteerError> {
    type Made = Option<(Vec<std::path::PathBuf>, std::sync::Arc<Gazetteer>)>;
    static LAST: std::sync::Mutex<Made> = std::sync::Mutex::new(None);
    if paths.is_empty() {
        return Ok(None);
    }
    let mut last = LAST
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((made_from, gazetteer)) = last.as_ref()
        && made_from == paths
    {
        return Ok(Some(gazetteer.clone()));
    }
    let mut gazetteer = Gazetteer::bundled();
    for path in paths {
        gazetteer.add_file(path)?;
    }
    let gazetteer = std::sync::Arc::new(gazetteer);
    *last = Some((paths.to_vec(), gazetteer.clone()));
    Ok(Some(gazetteer))
}

/// The most detailed admin level's p-code and name among an area's properties.
fn admin_code_and_name(
    properties: &serde_json::Map<String, serde_json::Value>,
) -> (String, String) {
    let text = |key: &str| -> Option<String> {
        properties.iter().find_map(|(k, v)| {
            let k = k.to_lowercase().replace(['_', '-'], "");
            (k == key).then(|| match v {
                serde_json::Value::String(s) => s.trim().to_owned(),
                other => other.to_string(),
            })
        })
    };
    for level in (0..=5).rev() {
        let code =
            text(&format!("adm{level}pcode")).or_else(|| text(&format!("admin{level}pcode")));
        if let Some(code) = code.filter(|c| !c.is_empty()) {
            let name = [
                format!("adm{level}en"),
                format!("admin{level}nameen"),
                format!("adm{level}name"),
                format!("admin{level}name"),
            ]
            .iter()
            .find_map(|key| text(key))
            .unwrap_or_default();
            return (code, name);
        }
    }
    (
        text("pcode").unwrap_or_default(),
        text("name").unwrap_or_default(),
    )
}

/// A place's country as ISO alpha-2: from a country cell (a code or name), else from a
/// p-code's first two letters.
fn country_of(cell: &str, code: &str) -> Option<String> {
    let countries = Countries::bundled();
    if let Some(country) = countries.find(cell.trim()) {
        return Some(country.iso2.clone());
    }
    let prefix = code.trim().get(..2)?;
    prefix
        .chars()
        .all(|c| c.is_ascii_alphabetic())
        .then(|| countries.find(prefix).map(|c| c.iso2.clone()))
        .flatten()
}

#[cfg(test)]
#[path = "gazetteer_tests.rs"]
mod tests;
