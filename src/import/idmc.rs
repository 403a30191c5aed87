//! IDMC's displacement tables (the Internal Displacement Updates and GIDD exports): each row is
//! one figure as IDMC gives it, with its qualifier (more than, less than, approximately,
//! total), its role, its displacement dates, its event and sources, at its place(s). A figure
//! of IDPs (a stock) is a `presence`; a figure of displacements over a period is a
//! `displacement`. Both are drawn as circles sized by the count. Pure, no egui.

use chrono::NaiveDate;
use serde_json::Value;

use super::counts::{self, CountAt, PlaceBook, PlaceName};
use super::gazetteer::Gazetteer;
use super::table::{Row, Table, row_problem};
use super::{Builder, flows::count_value};
use crate::io::Problem;
use crate::io::problem::quote;
use crate::model::{Dataset, EventType, Extra, Figure, Measure, Qualifier, Term};

const FIGURE: [&str; 3] = ["figure", "total_figures", "displacement_figure"];

/// Whether the table has IDMC's columns: a figure with its qualifier, and a role, an event or
/// displacement dates.
pub fn is_idmc(table: &Table) -> bool {
    table.column(&FIGURE).is_some()
        && table.column(&["qualifier"]).is_some()
        && table
            .column(&[
                "role",
                "event_name",
                "displacement_start_date",
                "displacement_date",
            ])
            .is_some()
}

/// IDMC's qualifier in evacmap's words; `None` for one it does not know (kept as written).
fn qualifier(text: &str) -> Term<Qualifier> {
    let known = match text.trim().to_lowercase().as_str() {
        "" | "total" | "exact" | "equal to" => Qualifier::Exact,
        "more than" | "more than or equal to" | "at least" => Qualifier::AtLeast,
        "less than" | "less than or equal to" | "at most" => Qualifier::AtMost,
        "approximately" | "about" | "around" => Qualifier::About,
        other => return Term::Unknown(other.to_owned()),
    };
    Term::Known(known)
}

/// Where IDMC's columns are.
struct Columns {
    figure: Option<usize>,
    qualifier: Option<usize>,
    role: Option<usize>,
    start: Option<usize>,
    end: Option<usize>,
    on: Option<usize>,
    year: Option<usize>,
    event_name: Option<usize>,
    sources: Option<usize>,
    url: Option<usize>,
    names: Option<usize>,
    coordinates: Option<usize>,
    category: Option<usize>,
    country: Option<usize>,
}

impl Columns {
    fn new(table: &Table) -> Self {
        let column = |names: &[&str]| table.column(names);
        Self {
            figure: column(&FIGURE),
            qualifier: column(&["qualifier"]),
            role: column(&["role"]),
            start: column(&["displacement_start_date", "event_start_date"]),
            end: column(&["displacement_end_date", "event_end_date"]),
            on: column(&["displacement_date"]),
            year: column(&["year"]),
            event_name: column(&["event_name"]),
            sources: column(&["sources", "source", "publishers"]),
            url: column(&["source_url"]),
            names: column(&["locations_name", "location_name", "locations"]),
            coordinates: column(&["locations_coordinates", "location_coordinates"]),
            category: column(&["figure_category", "category", "figure_unit", "metric"]),
            country: column(&["iso3", "iso", "country", "country_/_territory"]),
        }
    }

    /// The columns read into the figure; the others are kept with it.
    fn used(&self) -> [Option<usize>; 10] {
        [
            self.figure,
            self.qualifier,
            self.start,
            self.end,
            self.on,
            self.event_name,
            self.sources,
            self.url,
            self.names,
            self.coordinates,
        ]
    }

    /// The row's figure, when its cell is a whole number (else a located warning).
    fn figure(&self, row: &Row, sources: &[String], warnings: &mut Vec<Problem>) -> Option<Figure> {
        let cell = |index: Option<usize>| row.get(index);
        let qualifier = qualifier(cell(self.qualifier));
        if let Term::Unknown(word) = &qualifier {
            warnings.push(row_problem(
                row.line,
                format!(
                    "the qualifier {} is not one of IDMC's (more than, less than, approximately, \
                     total); it is kept as written",
                    quote(word)
                ),
            ));
        }
        let Some(value) = count_value(cell(self.figure)) else {
            warnings.push(row_problem(
                row.line,
                format!(
                    "the figure {} is not a whole number; the row is kept without it",
                    quote(cell(self.figure))
                ),
            ));
            return None;
        };
        Some(Figure {
            measure: Term::Known(Measure::Idps),
            value,
            qualifier,
            sources: sources.to_vec(),
            note: Some(cell(self.role))
                .filter(|r| !r.is_empty())
                .map(str::to_owned),
            extra: Extra::new(),
        })
    }
}

/// Reads an IDMC table.
pub fn read(
    table: &Table,
    file_name: &str,
    gazetteer: &Gazetteer,
    today: NaiveDate,
    warnings: &mut Vec<Problem>,
) -> Dataset {
    let columns = Columns::new(table);
    let mut builder = Builder::new(
        format!("IDMC displacement figures from {file_name}"),
        file_name,
    );
    let mut book = PlaceBook::new(gazetteer);
    for row in &table.rows {
        let cell = |index: Option<usize>| row.get(index);
        let mut when = counts::row_when(
            row.line,
            cell(columns.on),
            cell(columns.start),
            cell(columns.end),
            today,
            warnings,
        );
        if when.is_none() {
            when = counts::row_when(row.line, cell(columns.year), "", "", today, warnings);
        }
        let sources = builder.cite(&cell(columns.sources).replace(',', ";"));
        if let Some(first) = sources.first() {
            builder.source_url(first, cell(columns.url));
        }
        // Several places: the figure is for all of them together; it stands at the first, the
        // others are named in its details.
        let place_names: Vec<&str> = cell(columns.names).split(';').map(str::trim).collect();
        let named = PlaceName {
            code: "",
            name: place_names.first().copied().unwrap_or(""),
            country: cell(columns.country),
            point: cell(columns.coordinates)
                .split(';')
                .next()
                .and_then(lat_lon),
            place_type: None,
        };
        let named = if named.is_empty() {
            PlaceName {
                code: cell(columns.country),
                ..named
            }
        } else {
            named
        };
        let Some((place, place_name)) =
            book.place_or_keep(&mut builder, &named, table, row, warnings)
        else {
            continue;
        };
        let category = cell(columns.category).to_lowercase();
        let is_stock = ["idps", "stock", "total number"]
            .iter()
            .any(|word| category.contains(word));
        let figures: Vec<Figure> = columns
            .figure(row, &sources, warnings)
            .into_iter()
            .collect();
        let mut extra = kept(table, row, &columns.used());
        if place_names.len() > 1 {
            extra.insert(
                "all locations".into(),
                Value::String(place_names.join("; ")),
            );
        }
        let event = cell(columns.event_name);
        builder.push(
            CountAt {
                id: format!("figure-{}", row.line),
                event_type: if is_stock {
                    EventType::Presence
                } else {
                    EventType::Displacement
                },
                name: format!(
                    "{} in {place_name}",
                    if is_stock { "IDPs" } else { "Displacements" }
                ),
                place,
                when,
                figures,
                sources,
                summary: (!event.is_empty()).then(|| event.to_owned()),
                extra,
            }
            .into_feature(),
        );
    }
    counts::unplaced_summary(&book, warnings);
    builder.finish()
}

/// "33.5, 36.3" (latitude, longitude, as IDMC writes them) as (longitude, latitude).
fn lat_lon(text: &str) -> Option<(f64, f64)> {
    let (lat, lon) = text.split_once(',')?;
    let (lat, lon): (f64, f64) = (lat.trim().parse().ok()?, lon.trim().parse().ok()?);
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lon, lat))
}

/// The row's other columns, kept on its item by their headers.
pub(super) fn kept(table: &Table, row: &Row, used: &[Option<usize>]) -> Extra {
    let mut extra = Extra::new();
    for (index, header) in table.headers.iter().enumerate() {
        let text = row.get(Some(index));
        if !used.contains(&Some(index)) && !text.is_empty() && !header.trim().is_empty() {
            extra.insert(header.trim().to_owned(), Value::String(text.to_owned()));
        }
    }
    extra
}
