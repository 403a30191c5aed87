//! Any other CSV, read by columns the user names: which column is the date, the latitude and
//! longitude, the place name, the origin and destination, the count and the source. The choice is
//! remembered for that header layout (the window keeps it between runs).
//!
//! Rows with a latitude and longitude become events there; rows with an origin and a destination
//! (countries, found as in the flow tables) become movements.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::countries::Countries;
use super::dates::table_when;
use super::flows::{Count, push_movement};
use super::table::{Table, fold_header, row_position, row_problem};
use super::{Builder, plausibility};
use crate::io::Problem;
use crate::io::problem::quote;
use crate::model::{Common, Dataset, Event, Extra, Feature, Measure, Term};

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

/// Reads `table` with `mapping`. Rows that cannot be used are located warnings.
#[expect(
    clippy::too_many_lines,
    reason = "one row's chosen columns read in turn, each with its located warning"
)]
pub fn read(
    table: &Table,
    mapping: &ColumnMapping,
    file_name: &str,
    today: NaiveDate,
    warnings: &mut Vec<Problem>,
) -> Result<Dataset, String> {
    if let Some(missing) = mapping.missing() {
        return Err(missing.to_owned());
    }
    let mut columns = HashMap::new();
    for role in Role::ALL {
        let Some(header) = mapping.get(role) else {
            continue;
        };
        let Some(column) = table.headers.iter().position(|h| h.trim() == header.trim()) else {
            return Err(format!(
                "the {} column {} is not in the file",
                role.label().to_lowercase(),
                quote(header)
            ));
        };
        columns.insert(role, column);
    }
    let column = |role| columns.get(&role).copied();
    let flows = column(Role::Origin).is_some() && column(Role::Destination).is_some();
    let mut builder = Builder::new(format!("Rows of {file_name}"), file_name);
    let counts: Vec<Count> = column(Role::Count)
        .map(|c| Count {
            column: c,
            measure: Term::Known(Measure::People),
            header: table.headers[c].trim().to_owned(),
        })
        .into_iter()
        .collect();
    let countries = Countries::bundled();
    let mut places: HashMap<String, String> = HashMap::new();
    let mut positions = Vec::new();
    for row in &table.rows {
        let when = match (column(Role::Date), row.get(column(Role::Date))) {
            (None, _) => None,
            (Some(_), text) => match table_when(text, today.year()) {
                Some(when) => Some(when),
                None => {
                    warnings.push(row_problem(
                        row.line,
                        format!(
                            "the date {} is not a date (2017-05-12, 12-May-17, 2017-05 or 2017); \
                             the row is left out",
                            quote(text)
                        ),
                    ));
                    continue;
                }
            },
        };
        if let Some(start) = when.and_then(|w| w.start()) {
            plausibility::future_date(row.line, start.first_day(), today, warnings);
        }
        if flows {
            let mut ids = Vec::with_capacity(2);
            for (role, what) in [(Role::Origin, "origin"), (Role::Destination, "destination")] {
                let written = row.get(column(role));
                let Some(country) = countries.find(written) else {
                    warnings.push(row_problem(
                        row.line,
                        format!(
                            "the {what} {} is not a country evacmap knows (an ISO code or a \
                             name); the row is left out",
                            quote(written)
                        ),
                    ));
                    break;
                };
                let id = places
                    .entry(country.iso3.clone())
                    .or_insert_with(|| {
                        let id = format!("country-{}", country.iso3);
                        let (lon, lat) = country.label;
                        builder.push(Feature::Place(builder.point_place(
                            &id,
                            &country.name,
                            lon,
                            lat,
                        )));
                        id
                    })
                    .clone();
                ids.push(id);
            }
            let source = row.get(column(Role::Source));
            push_movement(&mut builder, row, &ids, when, &counts, source, warnings);
            continue;
        }
        let Some((lon, lat)) = row_position(
            row,
            column(Role::Longitude),
            column(Role::Latitude),
            warnings,
        ) else {
            continue;
        };
        positions.push((row.line, lon, lat));
        let sources = builder.cite(row.get(column(Role::Source)));
        let name = row.get(column(Role::Name)).to_owned();
        let key = format!("{name}\u{1f}{lat:.5}\u{1f}{lon:.5}");
        let next = places.len() + 1;
        let place = places
            .entry(key)
            .or_insert_with(|| {
                let id = format!("place-{next}");
                builder.push(Feature::Place(builder.point_place(&id, &name, lon, lat)));
                id
            })
            .clone();
        // The columns not mapped stay with the row, as the file wrote them.
        let mapped: Vec<usize> = columns.values().copied().collect();
        let extra: Extra = table
            .headers
            .iter()
            .enumerate()
            .filter(|(i, h)| !mapped.contains(i) && !h.trim().is_empty())
            .filter(|(i, _)| !row.get(Some(*i)).is_empty())
            .map(|(i, h)| (h.trim().to_owned(), row.get(Some(i)).into()))
            .collect();
        let figures = counts
            .iter()
            .filter_map(|count| count.figure(row, &sources))
            .collect();
        builder.push(Feature::Event(Event {
            common: Common {
                id: format!("row-{}", row.line),
                name: Some(name).filter(|n| !n.is_empty()),
                when,
                when_basis: None,
                sources,
                geometry: None,
                extra,
                foreign: Extra::new(),
            },
            event_type: Term::Unknown("report".into()),
            place: Some(place),
            summary: None,
            actors: Vec::new(),
            figures,
        }));
    }
    plausibility::far_from_the_rest(&positions, warnings);
    Ok(builder.finish())
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
