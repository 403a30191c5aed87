//! ACLED conflict-event exports, every generation of their columns: the 2015 upper-case layout
//! (`GWNO`, `ALLY_ACTOR_1`), the lower-case API layouts of 2016–2022 (with or without `data_id`,
//! `iso`, `iso3`, `region`, an unnamed index column) and the 2023+ layout (`disorder_type`,
//! `civilian_targeting`, `tags`). Each location becomes a place, each row an event there, citing
//! the outlets its `source` names.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use serde_json::Value;

use super::dates::parse_day;
use super::table::{Table, row_position, row_problem};
use super::{Builder, plausibility};
use crate::io::Problem;
use crate::model::{
    Common, Dataset, Event, EventType, Extra, Feature, Figure, GeoPrecision, Measure, PartialDate,
    Qualifier, Term, When,
};

/// Whether the table has ACLED's columns (in any of its layouts).
pub fn is_acled(table: &Table) -> bool {
    table.has_all(&["event_date", "event_type", "latitude", "longitude"])
        && (table.column(&["actor1", "event_id_cnty"]).is_some())
}

/// What a column of ACLED's that is kept on each event means, for the details panel (the
/// codebook's names, `event_id_cnty` or `inter1`, mean nothing to most readers).
pub fn column_label(column: &str) -> Option<&'static str> {
    Some(match column {
        "event_id_cnty" => "ACLED event id",
        "data_id" => "ACLED data id",
        "event_id_no_cnty" => "Event number",
        "gwno" => "Country code (Gleditsch–Ward)",
        "iso" => "Country code (ISO number)",
        "iso3" => "Country code",
        "region" => "Region",
        "country" => "Country",
        "admin2" => "District",
        "admin3" => "Sub-district",
        "event_type" => "Event type",
        "sub_event_type" => "Sub-event type",
        "disorder_type" => "Disorder type",
        "civilian_targeting" => "Civilians targeted",
        "interaction" => "Interaction (ACLED code)",
        "inter1" => "First actor's kind (ACLED code)",
        "inter2" => "Second actor's kind (ACLED code)",
        "tags" => "Tags",
        "source_scale" => "Source scale",
        "time_precision" => "Date precision (ACLED code)",
        "geo_precision" => "Location precision (ACLED code)",
        "timestamp" => "Last updated (Unix time)",
        _ => return None,
    })
}

/// Columns kept on each event as they were, so that nothing of the export is lost.
const KEPT: [&str; 22] = [
    "event_id_cnty",
    "data_id",
    "event_id_no_cnty",
    "gwno",
    "iso",
    "iso3",
    "region",
    "country",
    "admin2",
    "admin3",
    "event_type",
    "sub_event_type",
    "disorder_type",
    "civilian_targeting",
    "interaction",
    "inter1",
    "inter2",
    "tags",
    "source_scale",
    "time_precision",
    "geo_precision",
    "timestamp",
];

/// Reads an ACLED table. Rows that cannot be placed or dated are located warnings.
#[expect(
    clippy::too_many_lines,
    reason = "one row's columns read in the order ACLED's codebook lists them"
)]
pub fn read(
    table: &Table,
    file_name: &str,
    today: NaiveDate,
    warnings: &mut Vec<Problem>,
) -> Dataset {
    let column = |names: &[&str]| table.column(names);
    let id_column = column(&["event_id_cnty", "data_id"]);
    let date_column = column(&["event_date"]);
    let precision_column = column(&["time_precision"]);
    let lat_column = column(&["latitude"]);
    let lon_column = column(&["longitude"]);
    let location_column = column(&["location"]);
    let admin1_column = column(&["admin1"]);
    let geo_precision_column = column(&["geo_precision"]);
    let source_column = column(&["source"]);
    let notes_column = column(&["notes"]);
    let fatalities_column = column(&["fatalities"]);
    let type_column = column(&["event_type"]);
    let sub_type_column = column(&["sub_event_type"]);
    let actor_columns = [
        column(&["actor1"]),
        column(&["assoc_actor_1", "ally_actor_1"]),
        column(&["actor2"]),
        column(&["assoc_actor_2", "ally_actor_2"]),
    ];
    let kept: Vec<(&str, usize)> = KEPT
        .iter()
        .filter_map(|name| Some((*name, column(&[name])?)))
        .collect();

    let mut builder = Builder::new(format!("ACLED events from {file_name}"), file_name);
    let mut places: HashMap<(String, i64, i64), String> = HashMap::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut positions = Vec::new();
    for row in &table.rows {
        let Some(day) = parse_day(row.get(date_column), today.year()) else {
            warnings.push(row_problem(
                row.line,
                format!(
                    "the event date {} is not a date (ACLED writes 2016-07-02, 31-12-19, 9-May-20, \
                     01-January-2015 or 21 March 2020); the row is left out",
                    crate::io::problem::quote(row.get(date_column))
                ),
            ));
            continue;
        };
        let Some((lon, lat)) = row_position(row, lon_column, lat_column, warnings) else {
            continue;
        };
        positions.push((row.line, lon, lat));
        if day > today {
            warnings.push(row_problem(
                row.line,
                format!("the event date {day} is in the future"),
            ));
        }
        let when = match row.get(precision_column) {
            // Reported to the week: the days around the date.
            "2" => When::between(
                Some(PartialDate::from_date(day - Duration::days(3))),
                Some(PartialDate::from_date(day + Duration::days(3))),
            )
            .ok(),
            "3" => PartialDate::month(day.year(), day.month()).map(When::on),
            _ => Some(When::on(PartialDate::from_date(day))),
        };
        let location = row.get(location_column).to_owned();
        let key = (
            location.clone(),
            (lat * 1e5).round() as i64,
            (lon * 1e5).round() as i64,
        );
        let next_place = places.len();
        let place_id = places
            .entry(key)
            .or_insert_with(|| {
                let id = format!("place-{}", next_place + 1);
                let mut place = builder.point_place(&id, &location, lon, lat);
                place.admin1 = Some(row.get(admin1_column).to_owned()).filter(|a| !a.is_empty());
                place.geo_precision = match row.get(geo_precision_column) {
                    "1" => Some(Term::Known(GeoPrecision::Exact)),
                    "2" => Some(Term::Known(GeoPrecision::Approximate)),
                    "3" => Some(Term::Known(GeoPrecision::Region)),
                    _ => None,
                };
                builder.push(Feature::Place(place));
                id
            })
            .clone();

        let mut id = row.get(id_column).to_owned();
        if id.is_empty() {
            id = format!("row-{}", row.line);
        }
        if let Some(first) = ids.get(&id) {
            warnings.push(row_problem(
                row.line,
                format!(
                    "duplicate event id {} (also on line {first}); this row is read as {}",
                    crate::io::problem::quote(&id),
                    crate::io::problem::quote(&format!("{id}@{}", row.line))
                ),
            ));
            id = format!("{id}@{}", row.line);
        }
        ids.insert(id.clone(), row.line);

        let sources = builder.cite(row.get(source_column));
        let extra: Extra = kept
            .iter()
            .filter(|(_, c)| !row.get(Some(*c)).is_empty())
            .map(|(name, c)| ((*name).to_owned(), Value::from(row.get(Some(*c)))))
            .collect();
        // ACLED's own count, cited to the outlets of the row: "0" is a count too.
        let figures = row
            .get(fatalities_column)
            .parse::<u64>()
            .ok()
            .map(|value| Figure {
                measure: Term::Known(Measure::Fatalities),
                value,
                qualifier: Term::Known(Qualifier::Exact),
                sources: sources.clone(),
                note: None,
                extra: Extra::new(),
            })
            .into_iter()
            .collect();
        let acled_type = row.get(type_column);
        let sub_type = row.get(sub_type_column);
        let what = if sub_type.is_empty() {
            acled_type
        } else {
            sub_type
        };
        let name = match location.as_str() {
            "" => what.to_owned(),
            place => format!("{what} in {place}"),
        };
        let actors = actor_columns
            .iter()
            .flat_map(|c| row.get(*c).split(';'))
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect();
        builder.push(Feature::Event(Event {
            common: Common {
                id,
                name: Some(name),
                when,
                when_basis: None,
                sources,
                geometry: None,
                extra,
                foreign: Extra::new(),
            },
            event_type: event_type(acled_type, sub_type),
            place: Some(place_id),
            summary: Some(row.get(notes_column).to_owned()).filter(|n| !n.is_empty()),
            actors,
            figures,
        }));
    }
    plausibility::far_from_the_rest(&positions, warnings);
    builder.finish()
}

/// ACLED's event types (and the 2015 layout's "Battle-…" forms) in evacmap's words.
fn event_type(acled_type: &str, sub_type: &str) -> Term<EventType> {
    let sub = sub_type.to_lowercase();
    let known = match acled_type.to_lowercase().as_str() {
        "battles" | "battle-no change of territory" => EventType::Clashes,
        "battle-government regains territory" | "battle-non-state actor overtakes territory" => {
            EventType::ControlChange
        }
        "strategic developments" if sub == "agreement" => EventType::Agreement,
        "strategic developments" if sub.contains("territory") => EventType::ControlChange,
        "protests" => EventType::Protest,
        "riots" => EventType::Riot,
        "riots/protests" if sub.contains("riot") => EventType::Riot,
        "riots/protests" => EventType::Protest,
        "violence against civilians" => EventType::AttackOnCivilians,
        "explosions/remote violence" | "remote violence" => EventType::Strike,
        "" => return Term::Unknown("event".into()),
        _ => EventType::Development,
    };
    Term::Known(known)
}
