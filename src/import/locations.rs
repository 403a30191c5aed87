//! flowmap.blue and Flourish pairs: a `locations` table (`id`, `name`, `lat`, `lon`) and a `flows`
//! table (`origin`, `dest`, `count`, optionally `time`) whose ends are location ids. A flow table
//! opens with its locations (the file opened with it, or a `locations` CSV beside it); a
//! locations table alone opens as places.

use std::collections::HashMap;
use std::io::Read;

use chrono::{Datelike, NaiveDate};

use super::Builder;
use super::dates::table_when;
use super::flows::{Count, Flow, read_flow, write_flow};
use super::plausibility;
use super::stream::{self, Header, Named, RowReader, StreamError};
use super::table::{Cells, Table, row_problem};
use crate::io::problem::quote;
use crate::io::{LoadProgress, Location, Problem, Severity};
use crate::model::{Dataset, Feature, Measure, Store, Term};

const IDS: [&str; 2] = ["id", "location_id"];
const LATITUDES: [&str; 2] = ["lat", "latitude"];
const LONGITUDES: [&str; 4] = ["lon", "lng", "long", "longitude"];
const NAMES: [&str; 3] = ["name", "location", "label"];
const ORIGINS: [&str; 2] = ["origin", "from"];
const DESTINATIONS: [&str; 4] = ["dest", "destination", "to", "target"];
const COUNTS: [&str; 4] = ["count", "value", "flow", "people"];
const TIMES: [&str; 3] = ["time", "date", "year"];

/// Whether the table lists locations by id with their coordinates.
pub fn is_locations(table: &Table) -> bool {
    table.column(&IDS).is_some()
        && table.column(&LATITUDES).is_some()
        && table.column(&LONGITUDES).is_some()
        && table.column(&ORIGINS).is_none()
}

/// Whether the table holds flows between location ids (origin, dest, count; no coordinates).
pub fn is_location_flows(table: &Table) -> bool {
    table.column(&ORIGINS).is_some()
        && table.column(&DESTINATIONS).is_some()
        && table.column(&COUNTS).is_some()
        && table.column(&LATITUDES).is_none()
}

/// The places of a locations table, by their id. Problems are located in `file`.
struct Located {
    ids: HashMap<String, String>,
    positions: Vec<(usize, f64, f64)>,
}

fn companion_problem(file: &str, line: usize, message: String) -> Problem {
    Problem {
        severity: Severity::Warning,
        location: Location::Companion {
            file: file.to_owned(),
            line,
        },
        message,
    }
}

/// Adds a place per row of `table` (its id, name and position) to `builder`.
fn add_locations(
    builder: &mut Builder,
    table: &Table,
    locate: &dyn Fn(usize, String) -> Problem,
    warnings: &mut Vec<Problem>,
) -> Located {
    let (id_column, name_column) = (table.column(&IDS), table.column(&NAMES));
    let (lat_column, lon_column) = (table.column(&LATITUDES), table.column(&LONGITUDES));
    let mut located = Located {
        ids: HashMap::new(),
        positions: Vec::new(),
    };
    let mut lines: HashMap<String, usize> = HashMap::new();
    for row in &table.rows {
        let id = row.get(id_column);
        if id.is_empty() {
            warnings.push(locate(
                row.line,
                "the location has no id; it is left out".into(),
            ));
            continue;
        }
        if let Some(first) = lines.get(id) {
            warnings.push(locate(
                row.line,
                format!(
                    "the location id {} is also on line {first}; this row is left out",
                    quote(id)
                ),
            ));
            continue;
        }
        let (lat_text, lon_text) = (row.get(lat_column), row.get(lon_column));
        let position = match (lat_text.parse::<f64>(), lon_text.parse::<f64>()) {
            (Ok(lat), Ok(lon))
                if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) =>
            {
                (lon, lat)
            }
            _ => {
                warnings.push(locate(
                    row.line,
                    format!(
                        "the location {} has no position on Earth (latitude {}, longitude {}); \
                         it is left out",
                        quote(id),
                        quote(lat_text),
                        quote(lon_text)
                    ),
                ));
                continue;
            }
        };
        lines.insert(id.to_owned(), row.line);
        let name = match row.get(name_column) {
            "" => id,
            name => name,
        };
        let place_id = format!("location-{id}");
        let place = builder.point_place(&place_id, name, position.0, position.1);
        builder.push(Feature::Place(place));
        located.ids.insert(id.to_owned(), place_id);
        located.positions.push((row.line, position.0, position.1));
    }
    plausibility::far_from_the_rest_in(&located.positions, warnings, locate);
    located
}

/// A locations table opened alone: its places.
pub fn read_locations(table: &Table, file_name: &str, warnings: &mut Vec<Problem>) -> Dataset {
    let mut builder = Builder::new(format!("Locations from {file_name}"), file_name);
    add_locations(&mut builder, table, &row_problem, warnings);
    builder.finish()
}

/// A flow table's columns, and how its rows become movements between the locations of its
/// locations table.
struct LocationFlows<'l> {
    located: &'l Located,
    locations_file: &'l str,
    ends: [Option<usize>; 2],
    time: Option<usize>,
    source: Option<usize>,
    counts: Vec<Count>,
    today: NaiveDate,
}

impl<'l> LocationFlows<'l> {
    fn new(
        header: &Header,
        located: &'l Located,
        locations_file: &'l str,
        today: NaiveDate,
    ) -> Self {
        let counts = header.column(&COUNTS).map(|c| Count {
            column: c,
            measure: Term::Known(Measure::People),
            header: header.cells[c].trim().to_owned(),
        });
        Self {
            located,
            locations_file,
            ends: [header.column(&ORIGINS), header.column(&DESTINATIONS)],
            time: header.column(&TIMES),
            source: header.column(&["source"]),
            counts: counts.into_iter().collect(),
            today,
        }
    }
}

impl RowReader for LocationFlows<'_> {
    /// A location's id in the locations table.
    type Key = String;
    /// Its place is in the story already.
    type Place = ();
    type Row = Flow;

    fn read(
        &self,
        row: &impl Cells,
        named: &mut Named<String, ()>,
        warnings: &mut Vec<Problem>,
    ) -> Option<Flow> {
        let when = match row.get(self.time) {
            "" => None,
            text => match table_when(text, self.today.year()) {
                Some(when) => Some(when),
                None => {
                    warnings.push(row_problem(
                        row.line(),
                        format!(
                            "the time {} is not a date (2017-05-12, 2017-05 or 2017); the row is \
                             left out",
                            quote(text)
                        ),
                    ));
                    return None;
                }
            },
        };
        if let Some(start) = when.and_then(|w| w.start()).map(|d| d.first_day()) {
            plausibility::future_date(row.line(), start, self.today, warnings);
        }
        for (column, role) in self.ends.iter().zip(["origin", "destination"]) {
            let written = row.get(*column);
            if !self.located.ids.contains_key(written) {
                warnings.push(row_problem(
                    row.line(),
                    format!(
                        "the {role} {} is not a location id in {}; the row is left out",
                        quote(written),
                        self.locations_file
                    ),
                ));
                return None;
            }
            named.place(written.to_owned(), || ());
        }
        read_flow(
            row,
            when,
            &self.counts,
            row.get(self.source),
            named,
            warnings,
        )
    }

    fn place_id(&self, key: &String, _: usize) -> String {
        self.located.ids.get(key).cloned().unwrap_or_default()
    }

    fn place(&self, (): &(), _: &str) -> Option<Feature> {
        None
    }

    fn write(&self, flow: Flow, line: usize, ends: &[&str], sources: &[String], store: &mut Store) {
        write_flow(flow, line, ends, sources, &self.counts, store);
    }
}

/// A flow table with its locations (read from `locations_file`): a movement per row between the
/// two locations, with its count as a figure citing the flow file (or the row's `source`).
pub fn read_pair(
    flows: &Table,
    file_name: &str,
    locations: &Table,
    locations_file: &str,
    today: NaiveDate,
    warnings: &mut Vec<Problem>,
) -> Dataset {
    let mut builder = pair_builder(file_name);
    let locate = |line, message| companion_problem(locations_file, line, message);
    let located = add_locations(&mut builder, locations, &locate, warnings);
    let reader = LocationFlows::new(&Header::of(flows), &located, locations_file, today);
    stream::read_table(&reader, flows, builder, warnings)
}

/// [`read_pair`] of the flow table `open` gives, `size` bytes long, read in chunks on every
/// core; the locations table, small, held whole.
pub fn read_pair_file<R: Read + Send>(
    open: impl Fn() -> std::io::Result<R>,
    size: u64,
    file_name: &str,
    locations: &Table,
    locations_file: &str,
    today: NaiveDate,
    progress: &LoadProgress,
) -> Result<(Dataset, Vec<Problem>), StreamError> {
    let mut builder = pair_builder(file_name);
    let mut warnings = Vec::new();
    let locate = |line, message| companion_problem(locations_file, line, message);
    let located = add_locations(&mut builder, locations, &locate, &mut warnings);
    let reader_for =
        |header: &Header, _| LocationFlows::new(header, &located, locations_file, today);
    stream::read_file_with(builder, warnings, reader_for, open, size, progress)
}

fn pair_builder(file_name: &str) -> Builder {
    Builder::new(format!("Flows from {file_name}"), file_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        Table::parse(text.as_bytes(), &mut Vec::new()).unwrap()
    }

    #[test]
    fn flows_between_location_ids_become_movements_with_their_counts() {
        let locations = table("id,name,lat,lon\nDAM,Damascus,33.51,36.29\nIDL,Idlib,35.93,36.63\n");
        let flows = table("origin,dest,count,time\nDAM,IDL,1246,2017-05-12\nDAM,XXX,5,2017\n");
        assert!(is_locations(&locations) && !is_location_flows(&locations));
        assert!(is_location_flows(&flows) && !is_locations(&flows));
        let mut warnings = Vec::new();
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let dataset = read_pair(
            &flows,
            "flows.csv",
            &locations,
            "locations.csv",
            today,
            &mut warnings,
        );
        let movements: Vec<_> = dataset.movements().map(|(_, m)| m).collect();
        assert_eq!(movements.len(), 1);
        assert_eq!(movements[0].from, "location-DAM");
        assert_eq!(movements[0].to, "location-IDL");
        assert_eq!(movements[0].figures[0].value, 1246);
        assert_eq!(movements[0].common.when.unwrap().to_string(), "2017-05-12");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(
            warnings[0].to_string(),
            "3: warning: the destination \"XXX\" is not a location id in locations.csv; the row \
             is left out"
        );
    }

    #[test]
    fn problems_of_the_locations_are_located_in_their_own_file() {
        let locations = table("id,name,lat,lon\nA,a,1,2\nA,again,1,2\nB,b,x,2\n");
        let flows = table("origin,dest,count\nA,A,1\n");
        let mut warnings = Vec::new();
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        read_pair(
            &flows,
            "flows.csv",
            &locations,
            "locations.csv",
            today,
            &mut warnings,
        );
        let lines: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
        assert!(
            lines[0]
                .starts_with("locations.csv:3: warning: the location id \"A\" is also on line 2"),
            "{lines:?}"
        );
        assert!(
            lines[1].starts_with("locations.csv:4: warning: the location \"B\" has no position"),
            "{lines:?}"
        );
        // A flow from a place to itself is the flow table's problem.
        assert!(
            lines[2].starts_with("2: warning: origin and destination are the same place"),
            "{lines:?}"
        );
    }
}
