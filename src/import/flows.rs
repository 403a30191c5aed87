//! Displacement flow tables: UNHCR Refugee Data Finder style (`Year`, `Country of origin (ISO)`,
//! `Country of asylum (ISO)`, a count per population type; monthly variants add `Month`), placed
//! at each country's label point; and any CSV with origin and destination columns and their
//! coordinates. Each row becomes a movement with one figure per count, citing the file (or the
//! row's `source`).

use std::collections::HashMap;

use chrono::NaiveDate;

use super::countries::Countries;
use super::dates::{iso_day, month_number};
use super::table::{Row, Table, row_problem};
use super::{Builder, plausibility};
use crate::io::Problem;
use crate::io::problem::quote;
use crate::model::{
    Common, Dataset, Extra, Feature, Figure, GeoPrecision, Measure, Movement, MovementStatus,
    MovementType, PartialDate, PlaceType, Qualifier, Term, When,
};

const ORIGIN_CODES: [&str; 5] = [
    "country_of_origin_(iso)",
    "country_of_origin_iso",
    "origin_iso",
    "coo_iso",
    "iso_origin",
];
const ORIGIN_NAMES: [&str; 4] = ["country_of_origin", "coo_name", "coo", "origin_country"];
const ASYLUM_CODES: [&str; 5] = [
    "country_of_asylum_(iso)",
    "country_of_asylum_iso",
    "asylum_iso",
    "coa_iso",
    "iso_asylum",
];
const ASYLUM_NAMES: [&str; 5] = [
    "country_of_asylum",
    "coa_name",
    "coa",
    "asylum_country",
    "destination_country",
];
/// Columns that are not counts.
const NOT_COUNTS: [&str; 4] = ["year", "month", "source", "note"];

/// Whether the table has a year and origin and asylum countries.
pub fn is_country_flows(table: &Table) -> bool {
    let any = |names: &[&str]| table.column(names).is_some();
    any(&["year"])
        && (any(&ORIGIN_CODES) || any(&ORIGIN_NAMES))
        && (any(&ASYLUM_CODES) || any(&ASYLUM_NAMES))
}

/// A column of counts: what it counts, and its header (kept as each figure's note).
pub(super) struct Count {
    pub column: usize,
    pub measure: Term<Measure>,
    pub header: String,
}

impl Count {
    /// The figure `row` gives in this column, citing `sources`; `None` when the cell is no whole
    /// number.
    pub fn figure(&self, row: &Row, sources: &[String]) -> Option<Figure> {
        Some(Figure {
            measure: self.measure.clone(),
            value: count_value(row.get(Some(self.column)))?,
            qualifier: Term::Known(Qualifier::Exact),
            sources: sources.to_vec(),
            note: Some(self.header.clone()),
            extra: Extra::new(),
        })
    }
}

/// Reads a country flow table.
pub fn read_countries(
    table: &Table,
    file_name: &str,
    today: NaiveDate,
    warnings: &mut Vec<Problem>,
) -> Dataset {
    let countries = Countries::bundled();
    let column = |names: &[&str]| table.column(names);
    let year_column = column(&["year"]);
    let month_column = column(&["month"]);
    let source_column = column(&["source"]);
    let ends = [
        (column(&ORIGIN_CODES), column(&ORIGIN_NAMES), "origin"),
        (column(&ASYLUM_CODES), column(&ASYLUM_NAMES), "asylum"),
    ];
    let place_columns: Vec<usize> = ends
        .iter()
        .flat_map(|(code, name, _)| [*code, *name])
        .flatten()
        .collect();
    let counts = count_columns(table, &place_columns);
    let mut builder = Builder::new(format!("Displacement flows from {file_name}"), file_name);
    let mut placed: HashMap<String, String> = HashMap::new();
    for row in &table.rows {
        let Some(when) = year_and_month(row, year_column, month_column, warnings) else {
            continue;
        };
        future(row.line, when, today, warnings);
        let mut ids = Vec::new();
        for (code_column, name_column, role) in ends {
            let (code, name) = (row.get(code_column), row.get(name_column));
            let Some(country) = countries.find(code).or_else(|| countries.find(name)) else {
                let written = if code.is_empty() { name } else { code };
                warnings.push(row_problem(
                    row.line,
                    format!(
                        "unknown country of {role} {} (not an ISO or UNHCR code, nor a name in the \
                         country table); the row is left out",
                        quote(written)
                    ),
                ));
                break;
            };
            let id = placed
                .entry(country.iso3.clone())
                .or_insert_with(|| {
                    let id = format!("country-{}", country.iso3);
                    builder.push(country_place(&builder, &id, country));
                    id
                })
                .clone();
            ids.push(id);
        }
        let source = row.get(source_column);
        push_movement(
            &mut builder,
            row,
            &ids,
            Some(when),
            &counts,
            source,
            warnings,
        );
    }
    builder.finish()
}

fn country_place(builder: &Builder, id: &str, country: &super::countries::Country) -> Feature {
    let (lon, lat) = country.label;
    let mut place = builder.point_place(id, &country.name, lon, lat);
    place.name_ar = Some(country.name_ar.clone()).filter(|n| !n.is_empty());
    place.place_type = Some(Term::Known(PlaceType::Country));
    place.geo_precision = Some(Term::Known(GeoPrecision::Region));
    place.description = Some(format!(
        "{} ({}), placed at its label point.",
        country.name, country.iso3
    ));
    Feature::Place(place)
}

/// The columns holding counts: every column but the places, dates and sources, with what each
/// counts.
fn count_columns(table: &Table, place_columns: &[usize]) -> Vec<Count> {
    table
        .headers
        .iter()
        .enumerate()
        .filter(|(i, _)| !place_columns.contains(i))
        .filter(|(_, h)| !NOT_COUNTS.contains(&super::table::fold_header(h).as_str()))
        .filter(|(_, h)| !h.trim().is_empty())
        .map(|(column, header)| Count {
            column,
            measure: measure_of(header),
            header: header.trim().to_owned(),
        })
        .collect()
}

/// What a count column counts, from its header ("Refugees under UNHCR's mandate": refugees).
fn measure_of(header: &str) -> Term<Measure> {
    let h = header.to_lowercase();
    let measure = if h.contains("returned") || h.contains("return") {
        Measure::Returnees
    } else if h.contains("refugee") {
        Measure::Refugees
    } else if h.contains("asylum") {
        Measure::AsylumSeekers
    } else if h.contains("idp") || h.contains("internally displaced") {
        Measure::Idps
    } else if h.contains("stateless") {
        Measure::Stateless
    } else {
        Measure::People
    };
    Term::Known(measure)
}

/// Warns about a row dated after `today`.
fn future(line: usize, when: When, today: NaiveDate, warnings: &mut Vec<Problem>) {
    if let Some(start) = when.start() {
        plausibility::future_date(line, start.first_day(), today, warnings);
    }
}

/// A row's date: its year, and its month when the table has one (a name or a number).
fn year_and_month(
    row: &Row,
    year_column: Option<usize>,
    month_column: Option<usize>,
    warnings: &mut Vec<Problem>,
) -> Option<When> {
    let year_text = row.get(year_column);
    let Some(year) = year_text
        .parse::<i32>()
        .ok()
        .filter(|y| (1800..=9999).contains(y))
    else {
        warnings.push(row_problem(
            row.line,
            format!(
                "the year {} is not a year; the row is left out",
                quote(year_text)
            ),
        ));
        return None;
    };
    let month_text = row.get(month_column);
    if month_text.is_empty() {
        return Some(When::on(PartialDate::year(year)));
    }
    let month = month_text
        .parse::<u32>()
        .ok()
        .or_else(|| month_number(month_text));
    match month.and_then(|m| PartialDate::month(year, m)) {
        Some(date) => Some(When::on(date)),
        None => {
            warnings.push(row_problem(
                row.line,
                format!(
                    "the month {} is not a month; the row is left out",
                    quote(month_text)
                ),
            ));
            None
        }
    }
}

/// A movement for `row` between its two `ends` (none when an end was not found: that was
/// warned about), citing the sources `source` names, with a figure per count it has (none is a
/// warning; the row is left out).
pub(super) fn push_movement(
    builder: &mut Builder,
    row: &Row,
    ends: &[String],
    when: Option<When>,
    counts: &[Count],
    source: &str,
    warnings: &mut Vec<Problem>,
) {
    let [from, to] = ends else {
        return;
    };
    let sources = builder.cite(source);
    let figures: Vec<Figure> = counts
        .iter()
        .filter_map(|count| count.figure(row, &sources))
        .filter(|figure| figure.value > 0)
        .collect();
    if figures.is_empty() {
        warnings.push(row_problem(
            row.line,
            "the row has no count above zero; it is left out",
        ));
        return;
    }
    if from == to {
        warnings.push(row_problem(
            row.line,
            "origin and destination are the same place; the row is left out",
        ));
        return;
    }
    builder.push(Feature::Movement(Movement {
        common: Common {
            id: format!("flow-{}", row.line),
            name: None,
            when,
            when_basis: None,
            sources,
            geometry: None,
            extra: Extra::new(),
            foreign: Extra::new(),
        },
        from: from.to_owned(),
        also_from: Vec::new(),
        to: to.to_owned(),
        to_assumed: false,
        movement_type: Term::Known(MovementType::Displacement),
        status: Term::Known(MovementStatus::Reported),
        figures,
        summary: None,
    }));
}

const POINT_ORIGINS: [&str; 4] = ["origin", "from", "source_name", "origin_name"];
const POINT_DESTINATIONS: [&str; 5] = ["destination", "dest", "to", "target", "destination_name"];
const COORDINATES: [[&[&str]; 2]; 2] = [
    [
        &["origin_lat", "from_lat", "origin_latitude", "lat_origin"],
        &[
            "origin_lon",
            "from_lon",
            "origin_longitude",
            "origin_lng",
            "lon_origin",
        ],
    ],
    [
        &[
            "dest_lat",
            "destination_lat",
            "to_lat",
            "destination_latitude",
            "lat_dest",
        ],
        &[
            "dest_lon",
            "destination_lon",
            "to_lon",
            "destination_longitude",
            "dest_lng",
            "lon_dest",
        ],
    ],
];
const POINT_COUNTS: [&str; 5] = ["count", "value", "flow", "people", "number"];

/// Whether the table has origin and destination columns with their coordinates.
pub fn is_point_flows(table: &Table) -> bool {
    let any = |names: &[&str]| table.column(names).is_some();
    any(&POINT_ORIGINS)
        && any(&POINT_DESTINATIONS)
        && COORDINATES.iter().flatten().all(|names| any(names))
}

/// Reads an origin–destination table with coordinates.
pub fn read_points(
    table: &Table,
    file_name: &str,
    today: NaiveDate,
    warnings: &mut Vec<Problem>,
) -> Dataset {
    let column = |names: &[&str]| table.column(names);
    let names = [column(&POINT_ORIGINS), column(&POINT_DESTINATIONS)];
    let coordinates = COORDINATES.map(|[lat, lon]| (column(lat), column(lon)));
    let count_column = column(&POINT_COUNTS);
    let date_column = column(&["date", "time", "when"]);
    let year_column = column(&["year"]);
    let source_column = column(&["source"]);
    let counts: Vec<Count> = count_column
        .map(|column| Count {
            column,
            measure: Term::Known(Measure::People),
            header: table.headers[column].trim().to_owned(),
        })
        .into_iter()
        .collect();
    let mut builder = Builder::new(format!("Movements from {file_name}"), file_name);
    let mut places: HashMap<(String, i64, i64), String> = HashMap::new();
    let mut positions = Vec::new();
    for row in &table.rows {
        let when = if let Some(day) = iso_day(row.get(date_column)) {
            When::on(PartialDate::from_date(day))
        } else if !row.get(year_column).is_empty() {
            match year_and_month(row, year_column, None, warnings) {
                Some(when) => when,
                None => continue,
            }
        } else {
            warnings.push(row_problem(
                row.line,
                "the row has no date (a date as YYYY-MM-DD, or a year); it is left out",
            ));
            continue;
        };
        future(row.line, when, today, warnings);
        let mut ids = Vec::new();
        for (name_column, (lat_column, lon_column)) in names.iter().zip(coordinates) {
            let (lat, lon) = (
                row.get(lat_column).parse::<f64>(),
                row.get(lon_column).parse::<f64>(),
            );
            let (Ok(lat), Ok(lon)) = (lat, lon) else {
                warnings.push(row_problem(
                    row.line,
                    "the row has no coordinates; it is left out",
                ));
                break;
            };
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                warnings.push(row_problem(
                    row.line,
                    format!("latitude {lat}, longitude {lon} is not a position on Earth; the row is left out"),
                ));
                break;
            }
            positions.push((row.line, lon, lat));
            let name = row.get(*name_column).to_owned();
            let key = (
                name.clone(),
                (lat * 1e5).round() as i64,
                (lon * 1e5).round() as i64,
            );
            let next = places.len() + 1;
            let id = places
                .entry(key)
                .or_insert_with(|| {
                    let id = format!("place-{next}");
                    builder.push(Feature::Place(builder.point_place(&id, &name, lon, lat)));
                    id
                })
                .clone();
            ids.push(id);
        }
        let source = row.get(source_column);
        push_movement(
            &mut builder,
            row,
            &ids,
            Some(when),
            &counts,
            source,
            warnings,
        );
    }
    plausibility::far_from_the_rest(&positions, warnings);
    builder.finish()
}

/// A count as tables write it: `1,246`, `1 246`, `1246.0`; `None` when it is no whole number.
pub(super) fn count_value(text: &str) -> Option<u64> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    digits.parse::<u64>().ok().or_else(|| {
        let value = digits.parse::<f64>().ok()?;
        (value >= 0.0 && value.fract() == 0.0 && value < 1e15).then_some(value as u64)
    })
}
