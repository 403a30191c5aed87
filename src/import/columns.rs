//! Any other CSV, read by columns the user names: which column is the date, the latitude and
//! longitude, the place name, the origin and destination, the count and the source. The choice is
//! remembered for that header layout (the window keeps it between runs).
//!
//! Rows with a latitude and longitude become events there; rows with an origin and a destination
//! (countries, found as in the flow tables) become movements.

use std::collections::HashMap;
use std::io::Read;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::countries::Countries;
use super::dates::table_when;
use super::flows::{Count, Flow, count_value, read_flow, write_flow};
use super::stream::{self, Header, Named, RowReader, StreamError};
use super::table::{Cells, Table, fold_header, row_position, row_problem};
use super::{Builder, plausibility, point_place};
use crate::io::problem::quote;
use crate::io::{LoadProgress, Problem};
use crate::model::{
    Dataset, EventParts, Feature, FigureParts, Measure, Qualifier, Store, Term, When,
};

/// A table's header and its first rows: enough to choose what its columns are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableLayout {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// What one column is used as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Date,
    Latitude,
    Longitude,
    Name,
    Origin,
    Destination,
    Count,
    Source,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Date,
        Role::Latitude,
        Role::Longitude,
        Role::Name,
        Role::Origin,
        Role::Destination,
        Role::Count,
        Role::Source,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Role::Date => "Date",
            Role::Latitude => "Latitude",
            Role::Longitude => "Longitude",
            Role::Name => "Place name",
            Role::Origin => "Origin",
            Role::Destination => "Destination",
            Role::Count => "Count",
            Role::Source => "Source",
        }
    }

    /// The name `--columns` knows it by.
    pub fn key(self) -> &'static str {
        match self {
            Role::Date => "date",
            Role::Latitude => "latitude",
            Role::Longitude => "longitude",
            Role::Name => "name",
            Role::Origin => "origin",
            Role::Destination => "destination",
            Role::Count => "count",
            Role::Source => "source",
        }
    }

    /// Headers (folded) that usually hold it, for the first guess.
    fn usual_headers(self) -> &'static [&'static str] {
        match self {
            Role::Date => &[
                "date",
                "time",
                "when",
                "day",
                "event_date",
                "timestamp",
                "year",
            ],
            Role::Latitude => &["latitude", "lat", "y"],
            Role::Longitude => &["longitude", "lon", "lng", "long", "x"],
            Role::Name => &["name", "place", "location", "town", "city", "site"],
            Role::Origin => &["origin", "from", "source_country", "origin_country"],
            Role::Destination => &["destination", "dest", "to", "target"],
            Role::Count => &[
                "count",
                "value",
                "people",
                "persons",
                "number",
                "total",
                "individuals",
            ],
            Role::Source => &["source", "sources", "reported_by", "outlet"],
        }
    }
}

/// Which column (by its header as written) plays each role; `None` for roles not used.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ColumnMapping {
    pub date: Option<String>,
    pub latitude: Option<String>,
    pub longitude: Option<String>,
    pub name: Option<String>,
    pub origin: Option<String>,
    pub destination: Option<String>,
    pub count: Option<String>,
    pub source: Option<String>,
}

impl ColumnMapping {
    pub fn get(&self, role: Role) -> Option<&str> {
        self.slot(role).as_deref()
    }

    pub fn set(&mut self, role: Role, header: Option<String>) {
        *self.slot_mut(role) = header;
    }

    fn slot(&self, role: Role) -> &Option<String> {
        match role {
            Role::Date => &self.date,
            Role::Latitude => &self.latitude,
            Role::Longitude => &self.longitude,
            Role::Name => &self.name,
            Role::Origin => &self.origin,
            Role::Destination => &self.destination,
            Role::Count => &self.count,
            Role::Source => &self.source,
        }
    }

    fn slot_mut(&mut self, role: Role) -> &mut Option<String> {
        match role {
            Role::Date => &mut self.date,
            Role::Latitude => &mut self.latitude,
            Role::Longitude => &mut self.longitude,
            Role::Name => &mut self.name,
            Role::Origin => &mut self.origin,
            Role::Destination => &mut self.destination,
            Role::Count => &mut self.count,
            Role::Source => &mut self.source,
        }
    }

    /// A first guess from the header's names (each column used for one role at most).
    pub fn guess(headers: &[String]) -> Self {
        let folded: Vec<String> = headers.iter().map(|h| fold_header(h)).collect();
        let mut mapping = Self::default();
        let mut used = vec![false; headers.len()];
        for role in Role::ALL {
            let found = role.usual_headers().iter().find_map(|usual| {
                folded
                    .iter()
                    .enumerate()
                    .position(|(i, h)| !used[i] && h == usual)
            });
            if let Some(i) = found {
                used[i] = true;
                mapping.set(role, Some(headers[i].clone()));
            }
        }
        mapping
    }

    /// Why the rows could not be placed with this choice, if they could not.
    pub fn missing(&self) -> Option<&'static str> {
        let points = self.latitude.is_some() && self.longitude.is_some();
        let flows = self.origin.is_some() && self.destination.is_some();
        (!points && !flows).then_some(
            "choose a latitude and a longitude column (each row a place), or an origin and a \
             destination column (each row a movement between countries)",
        )
    }

    /// `date=when,latitude=y,longitude=x`: the command line's form.
    pub fn parse_assignments(text: &str) -> Result<Self, String> {
        let mut mapping = Self::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((key, header)) = part.split_once('=') else {
                return Err(format!("{} is not ROLE=COLUMN", quote(part)));
            };
            let Some(role) = Role::ALL.into_iter().find(|r| r.key() == key.trim()) else {
                let keys: Vec<&str> = Role::ALL.iter().map(|r| r.key()).collect();
                return Err(format!(
                    "{} is not a role; the roles are {}",
                    quote(key.trim()),
                    keys.join(", ")
                ));
            };
            mapping.set(role, Some(header.trim().to_owned()));
        }
        Ok(mapping)
    }
}

/// The key a header layout's choice is remembered by: its column names, folded, in order.
pub fn layout_key(headers: &[String]) -> String {
    headers
        .iter()
        .map(|h| fold_header(h))
        .collect::<Vec<_>>()
        .join(",")
}

/// The columns chosen, and how a row becomes an event at its place, or a movement between its
/// countries where an origin and a destination are chosen.
struct Chosen {
    columns: HashMap<Role, usize>,
    flows: bool,
    counts: Vec<Count>,
    /// The columns not chosen, kept on each event as the file wrote them: each with its header.
    unmapped: Vec<(usize, String)>,
    countries: &'static Countries,
    today: NaiveDate,
    file_source: String,
}

/// What a row writes: a movement, or an event with its name, date, other columns and counts.
enum ChosenRow {
    Flow(Flow),
    Event {
        name: String,
        when: Option<When>,
        /// The columns not chosen that the row fills: each header and cell.
        extra: Vec<(String, String)>,
        counts: Vec<(u32, u64)>,
    },
}

impl Chosen {
    /// The columns `mapping` names in `header`; an error names one that is missing.
    fn new(
        header: &Header,
        mapping: &ColumnMapping,
        today: NaiveDate,
        file_source: String,
    ) -> Result<Self, String> {
        if let Some(missing) = mapping.missing() {
            return Err(missing.to_owned());
        }
        let mut columns = HashMap::new();
        for role in Role::ALL {
            let Some(chosen) = mapping.get(role) else {
                continue;
            };
            let Some(column) = header.cells.iter().position(|h| h.trim() == chosen.trim()) else {
                return Err(format!(
                    "the {} column {} is not in the file",
                    role.label().to_lowercase(),
                    quote(chosen)
                ));
            };
            columns.insert(role, column);
        }
        let counts = columns.get(&Role::Count).map(|&c| Count {
            column: c,
            measure: Term::Known(Measure::People),
            header: header.cells[c].trim().to_owned(),
        });
        let mapped: Vec<usize> = columns.values().copied().collect();
        let unmapped = header.cells.iter().enumerate();
        let unmapped = unmapped
            .filter(|(i, h)| !mapped.contains(i) && !h.trim().is_empty())
            .map(|(i, h)| (i, h.trim().to_owned()))
            .collect();
        Ok(Self {
            flows: columns.contains_key(&Role::Origin) && columns.contains_key(&Role::Destination),
            columns,
            counts: counts.into_iter().collect(),
            unmapped,
            countries: Countries::bundled(),
            today,
            file_source,
        })
    }

    fn column(&self, role: Role) -> Option<usize> {
        self.columns.get(&role).copied()
    }
}

impl RowReader for Chosen {
    /// A country's code (movements), or a name at a position (events).
    type Key = String;
    type Place = (String, f64, f64);
    type Row = ChosenRow;

    fn read(
        &self,
        row: &impl Cells,
        named: &mut Named<String, Self::Place>,
        warnings: &mut Vec<Problem>,
    ) -> Option<ChosenRow> {
        let when = match (self.column(Role::Date), row.get(self.column(Role::Date))) {
            (None, _) => None,
            (Some(_), text) => match table_when(text, self.today.year()) {
                Some(when) => Some(when),
                None => {
                    warnings.push(row_problem(
                        row.line(),
                        format!(
                            "the date {} is not a date (2017-05-12, 12-May-17, 2017-05 or 2017); \
                             the row is left out",
                            quote(text)
                        ),
                    ));
                    return None;
                }
            },
        };
        if let Some(start) = when.and_then(|w| w.start()) {
            plausibility::future_date(row.line(), start.first_day(), self.today, warnings);
        }
        let source = row.get(self.column(Role::Source));
        if self.flows {
            for (role, what) in [(Role::Origin, "origin"), (Role::Destination, "destination")] {
                let written = row.get(self.column(role));
                let Some(country) = self.countries.find(written) else {
                    warnings.push(row_problem(
                        row.line(),
                        format!(
                            "the {what} {} is not a country evacmap knows (an ISO code or a \
                             name); the row is left out",
                            quote(written)
                        ),
                    ));
                    return None;
                };
                let (lon, lat) = country.label;
                named.place(country.iso3.clone(), || (country.name.clone(), lon, lat));
            }
            let flow = read_flow(row, when, &self.counts, source, named, warnings)?;
            return Some(ChosenRow::Flow(flow));
        }
        let (lon, lat) = row_position(
            row,
            self.column(Role::Longitude),
            self.column(Role::Latitude),
            warnings,
        )?;
        named.position(row.line(), lon, lat);
        named.cite(source);
        let name = row.get(self.column(Role::Name));
        let key = format!("{name}\u{1f}{lat:.5}\u{1f}{lon:.5}");
        named.place(key, || (name.to_owned(), lon, lat));
        let extra = self
            .unmapped
            .iter()
            .filter(|(i, _)| !row.get(Some(*i)).is_empty())
            .map(|(i, h)| (h.clone(), row.get(Some(*i)).to_owned()))
            .collect();
        let counts = self.counts.iter().enumerate();
        let counts = counts
            .filter_map(|(i, count)| Some((i as u32, count_value(row.get(Some(count.column)))?)))
            .collect();
        Some(ChosenRow::Event {
            name: name.to_owned(),
            when,
            extra,
            counts,
        })
    }

    fn place_id(&self, key: &String, number: usize) -> String {
        match self.flows {
            true => format!("country-{key}"),
            false => format!("place-{number}"),
        }
    }

    fn place(&self, (name, lon, lat): &(String, f64, f64), id: &str) -> Option<Feature> {
        let place = point_place(id, name, *lon, *lat, &self.file_source);
        Some(Feature::Place(place))
    }

    fn write(
        &self,
        row: ChosenRow,
        line: usize,
        places: &[&str],
        sources: &[String],
        store: &mut Store,
    ) {
        let (name, when, extra, counts) = match row {
            ChosenRow::Flow(flow) => {
                return write_flow(flow, line, places, sources, &self.counts, store);
            }
            ChosenRow::Event {
                name,
                when,
                extra,
                counts,
            } => (name, when, extra, counts),
        };
        let exact = Term::Known(Qualifier::Exact);
        let figures: Vec<FigureParts> = counts
            .iter()
            .map(|&(count, value)| self.counts[count as usize].figure(value, &exact))
            .collect();
        let members: Vec<(&str, &str)> = extra
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        store.push_event_parts(&EventParts {
            id: &format!("row-{line}"),
            name: Some(name.as_str()).filter(|n| !n.is_empty()),
            when,
            sources,
            members: &members,
            event_type: &Term::Unknown("report".into()),
            place: places.first().copied().unwrap_or_default(),
            summary: None,
            actors: &[],
            figures: &figures,
        });
    }
}

/// Reads `table` with `mapping`. Rows that cannot be used are located warnings; a mapping that
/// cannot be used is an error saying why.
pub fn read(
    table: &Table,
    mapping: &ColumnMapping,
    file_name: &str,
    today: NaiveDate,
    warnings: &mut Vec<Problem>,
) -> Result<Dataset, String> {
    let builder = chosen_builder(file_name);
    let reader = Chosen::new(&Header::of(table), mapping, today, builder.file_source())?;
    Ok(stream::read_table(&reader, table, builder, warnings))
}

/// [`read`] of the table `open` gives, `size` bytes long, in chunks on every core. The outer
/// error is the file's; the inner, the mapping's.
pub fn read_file<R: Read + Send>(
    open: impl Fn() -> std::io::Result<R>,
    size: u64,
    mapping: &ColumnMapping,
    file_name: &str,
    today: NaiveDate,
    progress: &LoadProgress,
) -> Result<Result<(Dataset, Vec<Problem>), String>, StreamError> {
    let builder = chosen_builder(file_name);
    let header = Header::read(open()?)?;
    let reader = match Chosen::new(&header, mapping, today, builder.file_source()) {
        Ok(reader) => reader,
        Err(message) => return Ok(Err(message)),
    };
    let mut warnings = Vec::new();
    let dataset = stream::read_file(&reader, open, size, builder, &mut warnings, progress)?;
    Ok(Ok((dataset, warnings)))
}

fn chosen_builder(file_name: &str) -> Builder {
    Builder::new(format!("Rows of {file_name}"), file_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        Table::parse(text.as_bytes(), &mut Vec::new()).unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
    }

    #[test]
    fn the_first_guess_takes_usual_names_once_each() {
        let headers: Vec<String> = ["when", "Y", "X", "town", "n", "reported by"]
            .map(String::from)
            .to_vec();
        let guess = ColumnMapping::guess(&headers);
        assert_eq!(guess.date.as_deref(), Some("when"));
        assert_eq!(guess.latitude.as_deref(), Some("Y"));
        assert_eq!(guess.longitude.as_deref(), Some("X"));
        assert_eq!(guess.name.as_deref(), Some("town"));
        assert_eq!(guess.count, None);
        assert_eq!(guess.source.as_deref(), Some("reported by"));
        assert_eq!(guess.missing(), None);
        assert!(ColumnMapping::default().missing().is_some());
    }

    #[test]
    fn rows_with_coordinates_become_events_with_their_figures_and_other_columns() {
        let table = table(
            "day,northing,easting,site,people,outlet,remark\n\
             12-May-17,33.51,36.29,Barzeh,1246,SANA,second batch\n\
             2017-05,33.52,36.33,Qaboun,,SOHR,\n\
             soon,1,1,x,1,a,\n\
             2017,,,y,1,a,\n",
        );
        let mapping = ColumnMapping::parse_assignments(
            "date=day, latitude=northing, longitude=easting, name=site, count=people, source=outlet",
        )
        .unwrap();
        let mut warnings = Vec::new();
        let dataset = read(&table, &mapping, "rows.csv", today(), &mut warnings).unwrap();
        let events: Vec<_> = dataset.events().map(|(_, e)| e).collect();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].common.when.unwrap().to_string(), "2017-05-12");
        assert_eq!(events[0].figures[0].value, 1246);
        assert_eq!(
            dataset.source(&events[0].common.sources[0]).unwrap().name,
            "SANA"
        );
        assert_eq!(events[0].common.extra["remark"], "second batch");
        assert_eq!(events[1].common.when.unwrap().to_string(), "2017-05");
        assert!(events[1].figures.is_empty());
        let lines: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(
            lines[0].starts_with("4: warning: the date \"soon\""),
            "{lines:?}"
        );
        assert!(
            lines[1].starts_with("5: warning: the row has no coordinates"),
            "{lines:?}"
        );
    }

    #[test]
    fn rows_with_an_origin_and_a_destination_become_movements_between_countries() {
        let table = table("from country,to country,people\nSYR,Lebanon,10\nSYR,Atlantis,5\n");
        let mapping = ColumnMapping::parse_assignments(
            "origin=from country,destination=to country,count=people",
        )
        .unwrap();
        let mut warnings = Vec::new();
        let dataset = read(&table, &mapping, "f.csv", today(), &mut warnings).unwrap();
        let movements: Vec<_> = dataset.movements().map(|(_, m)| m).collect();
        assert_eq!(movements.len(), 1);
        assert_eq!(
            (movements[0].from.as_str(), movements[0].to.as_str()),
            ("country-SYR", "country-LBN")
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].message.contains("\"Atlantis\""));
    }

    #[test]
    fn a_mapping_naming_a_missing_column_or_no_place_is_refused() {
        let table = table("a,b\n1,2\n");
        let mut warnings = Vec::new();
        let missing = ColumnMapping::parse_assignments("latitude=a,longitude=c").unwrap();
        assert_eq!(
            read(&table, &missing, "t.csv", today(), &mut warnings).unwrap_err(),
            "the longitude column \"c\" is not in the file"
        );
        let unplaced = ColumnMapping::parse_assignments("date=a").unwrap();
        assert!(read(&table, &unplaced, "t.csv", today(), &mut warnings).is_err());
        assert!(ColumnMapping::parse_assignments("colour=a").is_err());
        assert_eq!(layout_key(&["A b".into(), "C".into()]), "a_b,c");
    }
}
