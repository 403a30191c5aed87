//! Displacement flow tables: UNHCR Refugee Data Finder style (`Year`, `Country of origin (ISO)`,
//! `Country of asylum (ISO)`, a count per population type; monthly variants add `Month`), placed
//! at each country's label point; and any CSV with origin and destination columns and their
//! coordinates. Each row becomes a movement with one figure per count, citing the file (or the
//! row's `source`).

use std::hash::Hash;
use std::io::Read;

use chrono::NaiveDate;

use super::countries::{Countries, Country};
use super::dates::{iso_day, month_number};
use super::stream::{self, Header, Named, RowReader, StreamError};
use super::table::{Cells, Table, row_problem};
use super::{Builder, plausibility, point_place};
use crate::io::problem::quote;
use crate::io::{LoadProgress, Problem};
use crate::model::{
    Dataset, Feature, FigureParts, GeoPrecision, Measure, MovementParts, MovementStatus,
    MovementType, PartialDate, PlaceType, Qualifier, Store, Term, When,
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
    /// The figure of `value` in this column (its header its note), counted `qualifier`.
    pub fn figure<'a>(&'a self, value: u64, qualifier: &'a Term<Qualifier>) -> FigureParts<'a> {
        FigureParts {
            measure: &self.measure,
            value,
            qualifier,
            note: Some(&self.header),
        }
    }
}

/// A country flow table's columns, and how its rows become movements between countries.
struct CountryFlows {
    countries: &'static Countries,
    year: Option<usize>,
    month: Option<usize>,
    source: Option<usize>,
    ends: [(Option<usize>, Option<usize>, &'static str); 2],
    counts: Vec<Count>,
    today: NaiveDate,
    file_source: String,
}

impl CountryFlows {
    fn new(header: &Header, today: NaiveDate, file_source: String) -> Self {
        let column = |names: &[&str]| header.column(names);
        let ends = [
            (column(&ORIGIN_CODES), column(&ORIGIN_NAMES), "origin"),
            (column(&ASYLUM_CODES), column(&ASYLUM_NAMES), "asylum"),
        ];
        let place_columns: Vec<usize> = ends
            .iter()
            .flat_map(|(code, name, _)| [*code, *name])
            .flatten()
            .collect();
        Self {
            countries: Countries::bundled(),
            year: column(&["year"]),
            month: column(&["month"]),
            source: column(&["source"]),
            ends,
            counts: count_columns(header, &place_columns),
            today,
            file_source,
        }
    }
}

impl RowReader for CountryFlows {
    type Key = &'static str;
    type Place = &'static Country;
    type Row = Flow;

    fn read(
        &self,
        row: &impl Cells,
        named: &mut Named<Self::Key, Self::Place>,
        warnings: &mut Vec<Problem>,
    ) -> Option<Flow> {
        let when = year_and_month(row, self.year, self.month, warnings)?;
        future(row.line(), when, self.today, warnings);
        for (code_column, name_column, role) in self.ends {
            let (code, name) = (row.get(code_column), row.get(name_column));
            let countries = self.countries;
            let Some(country) = countries.find(code).or_else(|| countries.find(name)) else {
                let written = if code.is_empty() { name } else { code };
                warnings.push(row_problem(
                    row.line(),
                    format!(
                        "unknown country of {role} {} (not an ISO or UNHCR code, nor a name in the \
                         country table); the row is left out",
                        quote(written)
                    ),
                ));
                return None;
            };
            named.place(country.iso3.as_str(), || country);
        }
        read_flow(
            row,
            Some(when),
            &self.counts,
            row.get(self.source),
            named,
            warnings,
        )
    }

    fn place_id(&self, key: &&'static str, _: usize) -> String {
        format!("country-{key}")
    }

    fn place(&self, country: &&'static Country, id: &str) -> Option<Feature> {
        Some(country_place(&self.file_source, id, country))
    }

    fn write(&self, flow: Flow, line: usize, ends: &[&str], sources: &[String], store: &mut Store) {
        write_flow(flow, line, ends, sources, &self.counts, store);
    }
}

/// Reads a country flow table held whole.
pub fn read_countries(
    table: &Table,
    file_name: &str,
    today: NaiveDate,
    warnings: &mut Vec<Problem>,
) -> Dataset {
    let builder = country_flows_builder(file_name);
    let reader = CountryFlows::new(&Header::of(table), today, builder.file_source());
    stream::read_table(&reader, table, builder, warnings)
}

/// Reads the country flow table `open` gives, `size` bytes long, in chunks on every core.
pub fn read_countries_file<R: Read + Send>(
    open: impl Fn() -> std::io::Result<R>,
    size: u64,
    file_name: &str,
    today: NaiveDate,
    progress: &LoadProgress,
) -> Result<(Dataset, Vec<Problem>), StreamError> {
    let reader_for = |header: &Header, source| CountryFlows::new(header, today, source);
    let builder = country_flows_builder(file_name);
    stream::read_file_with(builder, Vec::new(), reader_for, open, size, progress)
}

fn country_flows_builder(file_name: &str) -> Builder {
    Builder::new(format!("Displacement flows from {file_name}"), file_name)
}

fn country_place(file_source: &str, id: &str, country: &Country) -> Feature {
    let (lon, lat) = country.label;
    let mut place = point_place(id, &country.name, lon, lat, file_source);
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
fn count_columns(header: &Header, place_columns: &[usize]) -> Vec<Count> {
    header
        .cells
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
    row: &impl Cells,
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
            row.line(),
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
                row.line(),
                format!(
                    "the month {} is not a month; the row is left out",
                    quote(month_text)
                ),
            ));
            None
        }
    }
}

/// A flow table's row that becomes a movement: its date and its counts (by count column), the
/// ends and sources given when it is written.
pub(super) struct Flow {
    when: Option<When>,
    counts: Vec<(u32, u64)>,
}

/// The movement of `row`, whose ends were named to `named` (a row naming fewer than two was
/// warned about and writes nothing), citing the sources `source` names, with a figure per
/// count it has above zero (none is a warning; the row is left out, as is one whose two ends
/// are the same place).
pub(super) fn read_flow<K: Hash + Eq + Clone, P>(
    row: &impl Cells,
    when: Option<When>,
    counts: &[Count],
    source: &str,
    named: &mut Named<K, P>,
    warnings: &mut Vec<Problem>,
) -> Option<Flow> {
    let &[from, to] = named.row_places() else {
        return None;
    };
    named.cite(source);
    let counts: Vec<(u32, u64)> = counts
        .iter()
        .enumerate()
        .filter_map(|(i, count)| Some((i as u32, count_value(row.get(Some(count.column)))?)))
        .filter(|&(_, value)| value > 0)
        .collect();
    if counts.is_empty() {
        warnings.push(row_problem(
            row.line(),
            "the row has no count above zero; it is left out",
        ));
        return None;
    }
    if from == to {
        warnings.push(row_problem(
            row.line(),
            "origin and destination are the same place; the row is left out",
        ));
        return None;
    }
    Some(Flow { when, counts })
}

/// Writes the movement of `flow`, read from the row on `line`, between `ends`: straight into
/// the columns, without a tree of its own.
pub(super) fn write_flow(
    flow: Flow,
    line: usize,
    ends: &[&str],
    sources: &[String],
    counts: &[Count],
    store: &mut Store,
) {
    let [from, to] = ends else {
        return;
    };
    let exact = Term::Known(Qualifier::Exact);
    let figures: Vec<FigureParts> = flow
        .counts
        .iter()
        .map(|&(count, value)| counts[count as usize].figure(value, &exact))
        .collect();
    store.push_movement_parts(&MovementParts {
        id: &format!("flow-{line}"),
        when: flow.when,
        sources,
        from,
        to,
        movement_type: &Term::Known(MovementType::Displacement),
        status: &Term::Known(MovementStatus::Reported),
        figures: &figures,
    });
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

/// An origin–destination table's columns, and how its rows become movements between places
/// at their coordinates.
struct PointFlows {
    names: [Option<usize>; 2],
    coordinates: [(Option<usize>, Option<usize>); 2],
    date: Option<usize>,
    year: Option<usize>,
    source: Option<usize>,
    counts: Vec<Count>,
    today: NaiveDate,
    file_source: String,
}

impl PointFlows {
    fn new(header: &Header, today: NaiveDate, file_source: String) -> Self {
        let column = |names: &[&str]| header.column(names);
        let counts = column(&POINT_COUNTS).map(|column| Count {
            column,
            measure: Term::Known(Measure::People),
            header: header.cells[column].trim().to_owned(),
        });
        Self {
            names: [column(&POINT_ORIGINS), column(&POINT_DESTINATIONS)],
            coordinates: COORDINATES.map(|[lat, lon]| (column(lat), column(lon))),
            date: column(&["date", "time", "when"]),
            year: column(&["year"]),
            source: column(&["source"]),
            counts: counts.into_iter().collect(),
            today,
            file_source,
        }
    }
}

/// A place at a point: its name and where it is, to a metre.
type PointKey = (String, i64, i64);

impl RowReader for PointFlows {
    type Key = PointKey;
    type Place = (String, f64, f64);
    type Row = Flow;

    fn read(
        &self,
        row: &impl Cells,
        named: &mut Named<PointKey, Self::Place>,
        warnings: &mut Vec<Problem>,
    ) -> Option<Flow> {
        let when = if let Some(day) = iso_day(row.get(self.date)) {
            When::on(PartialDate::from_date(day))
        } else if !row.get(self.year).is_empty() {
            year_and_month(row, self.year, None, warnings)?
        } else {
            warnings.push(row_problem(
                row.line(),
                "the row has no date (a date as YYYY-MM-DD, or a year); it is left out",
            ));
            return None;
        };
        future(row.line(), when, self.today, warnings);
        for (name_column, (lat_column, lon_column)) in self.names.iter().zip(self.coordinates) {
            let (lat, lon) = (
                row.get(lat_column).parse::<f64>(),
                row.get(lon_column).parse::<f64>(),
            );
            let (Ok(lat), Ok(lon)) = (lat, lon) else {
                warnings.push(row_problem(
                    row.line(),
                    "the row has no coordinates; it is left out",
                ));
                return None;
            };
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                warnings.push(row_problem(
                    row.line(),
                    format!("latitude {lat}, longitude {lon} is not a position on Earth; the row is left out"),
                ));
                return None;
            }
            named.position(row.line(), lon, lat);
            let name = row.get(*name_column);
            let key = (
                name.to_owned(),
                (lat * 1e5).round() as i64,
                (lon * 1e5).round() as i64,
            );
            named.place(key, || (name.to_owned(), lon, lat));
        }
        read_flow(
            row,
            Some(when),
            &self.counts,
            row.get(self.source),
            named,
            warnings,
        )
    }

    fn place_id(&self, _: &PointKey, number: usize) -> String {
        format!("place-{number}")
    }

    fn place(&self, (name, lon, lat): &(String, f64, f64), id: &str) -> Option<Feature> {
        let place = point_place(id, name, *lon, *lat, &self.file_source);
        Some(Feature::Place(place))
    }

    fn write(&self, flow: Flow, line: usize, ends: &[&str], sources: &[String], store: &mut Store) {
        write_flow(flow, line, ends, sources, &self.counts, store);
    }
}

/// Reads an origin–destination table with coordinates, held whole.
pub fn read_points(
    table: &Table,
    file_name: &str,
    today: NaiveDate,
    warnings: &mut Vec<Problem>,
) -> Dataset {
    let builder = point_flows_builder(file_name);
    let reader = PointFlows::new(&Header::of(table), today, builder.file_source());
    stream::read_table(&reader, table, builder, warnings)
}

/// Reads the origin–destination table `open` gives, `size` bytes long, in chunks on every core.
pub fn read_points_file<R: Read + Send>(
    open: impl Fn() -> std::io::Result<R>,
    size: u64,
    file_name: &str,
    today: NaiveDate,
    progress: &LoadProgress,
) -> Result<(Dataset, Vec<Problem>), StreamError> {
    let reader_for = |header: &Header, source| PointFlows::new(header, today, source);
    let builder = point_flows_builder(file_name);
    stream::read_file_with(builder, Vec::new(), reader_for, open, size, progress)
}

fn point_flows_builder(file_name: &str) -> Builder {
    Builder::new(format!("Movements from {file_name}"), file_name)
}

/// A count as tables write it: `1,246`, `1 246`, `1246.0`; `None` when it is no whole number.
pub(super) fn count_value(text: &str) -> Option<u64> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    digits.parse::<u64>().ok().or_else(|| {
        let value = digits.parse::<f64>().ok()?;
        (value >= 0.0 && value.fract() == 0.0 && value < 1e15).then_some(value as u64)
    })
}
