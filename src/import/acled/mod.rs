//! ACLED conflict-event exports, every generation of their columns: the 2015 upper-case layout
//! (`GWNO`, `ALLY_ACTOR_1`), the lower-case API layouts of 2016–2022 (with or without `data_id`,
//! `iso`, `iso3`, `region`, an unnamed index column) and the 2023+ layout (`disorder_type`,
//! `civilian_targeting`, `tags`). Each location becomes a place, each row an event there, citing
//! the outlets its `source` names.

use std::borrow::Cow;

use chrono::{Datelike, Duration, NaiveDate};

use super::dates::parse_day;
use super::table::{Cells, Table, row_position, row_problem};
use super::{Builder, plausibility, point_place};
use crate::io::Problem;
use crate::model::{
    Dataset, Event, EventParts, EventType, Feature, FigureParts, GeoPrecision, Measure,
    PartialDate, Place, Qualifier, Term, When,
};

pub mod stream;

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

/// Where ACLED's columns are in a header (each `None` where the layout lacks it).
pub(crate) struct AcledColumns {
    id: Option<usize>,
    date: Option<usize>,
    precision: Option<usize>,
    latitude: Option<usize>,
    longitude: Option<usize>,
    location: Option<usize>,
    admin1: Option<usize>,
    geo_precision: Option<usize>,
    source: Option<usize>,
    notes: Option<usize>,
    fatalities: Option<usize>,
    event_type: Option<usize>,
    sub_event_type: Option<usize>,
    actors: [Option<usize>; 4],
    kept: Vec<(&'static str, usize)>,
}

/// What a row that can be used says before its place and its id are known.
pub(crate) struct AcledRow {
    when: Option<When>,
    longitude: f64,
    latitude: f64,
}

/// Where a row's place is: the location's name and its position to a metre.
pub(crate) type PlaceKey = (String, i64, i64);

/// A [`PlaceKey`] borrowed from its row, to look one up without making it.
#[derive(Hash)]
pub(crate) struct PlaceRef<'a>(pub(crate) &'a str, pub(crate) i64, pub(crate) i64);

impl PlaceRef<'_> {
    pub(crate) fn to_key(&self) -> PlaceKey {
        (self.0.to_owned(), self.1, self.2)
    }
}

impl hashbrown::Equivalent<PlaceKey> for PlaceRef<'_> {
    fn equivalent(&self, key: &PlaceKey) -> bool {
        self.0 == key.0 && self.1 == key.1 && self.2 == key.2
    }
}

/// Maps and sets of the readers, hashed fast (their keys come from the file, not from a
/// network: no need for a hash that resists chosen keys).
pub(crate) type FastMap<K, V> = hashbrown::HashMap<K, V, foldhash::fast::RandomState>;

impl AcledColumns {
    /// The columns of a header, found by `column` (by folded name, as [`Table::column`]).
    pub(crate) fn new(column: impl Fn(&[&str]) -> Option<usize>) -> Self {
        Self {
            id: column(&["event_id_cnty", "data_id"]),
            date: column(&["event_date"]),
            precision: column(&["time_precision"]),
            latitude: column(&["latitude"]),
            longitude: column(&["longitude"]),
            location: column(&["location"]),
            admin1: column(&["admin1"]),
            geo_precision: column(&["geo_precision"]),
            source: column(&["source"]),
            notes: column(&["notes"]),
            fatalities: column(&["fatalities"]),
            event_type: column(&["event_type"]),
            sub_event_type: column(&["sub_event_type"]),
            actors: [
                column(&["actor1"]),
                column(&["assoc_actor_1", "ally_actor_1"]),
                column(&["actor2"]),
                column(&["assoc_actor_2", "ally_actor_2"]),
            ],
            kept: KEPT
                .iter()
                .filter_map(|name| Some((*name, column(&[name])?)))
                .collect(),
        }
    }

    /// A row's date and position; `None`, with a located warning, for a row that is left out.
    pub(crate) fn read_row(
        &self,
        row: &impl Cells,
        today: NaiveDate,
        warnings: &mut Vec<Problem>,
    ) -> Option<AcledRow> {
        let Some(day) = parse_day(row.get(self.date), today.year()) else {
            warnings.push(row_problem(
                row.line(),
                format!(
                    "the event date {} is not a date (ACLED writes 2016-07-02, 31-12-19, 9-May-20, \
                     01-January-2015 or 21 March 2020); the row is left out",
                    crate::io::problem::quote(row.get(self.date))
                ),
            ));
            return None;
        };
        let (longitude, latitude) = row_position(row, self.longitude, self.latitude, warnings)?;
        if day > today {
            warnings.push(row_problem(
                row.line(),
                format!("the event date {day} is in the future"),
            ));
        }
        let when = match row.get(self.precision) {
            // Reported to the week: the days around the date.
            "2" => When::between(
                Some(PartialDate::from_date(day - Duration::days(3))),
                Some(PartialDate::from_date(day + Duration::days(3))),
            )
            .ok(),
            "3" => PartialDate::month(day.year(), day.month()).map(When::on),
            _ => Some(When::on(PartialDate::from_date(day))),
        };
        Some(AcledRow {
            when,
            longitude,
            latitude,
        })
    }

    /// Where the row's place is: rows with the same key share a place.
    pub(crate) fn place_key<'a>(&self, row: &'a impl Cells, read: &AcledRow) -> PlaceRef<'a> {
        PlaceRef(
            row.get(self.location),
            (read.latitude * 1e5).round() as i64,
            (read.longitude * 1e5).round() as i64,
        )
    }

    /// The id the row gives its event (its line's where it has none).
    pub(crate) fn event_id(&self, row: &impl Cells) -> String {
        self.event_id_as_written(row).into_owned()
    }

    /// [`Self::event_id`], borrowed from the row where it has one.
    pub(crate) fn event_id_as_written<'a>(&self, row: &'a impl Cells) -> Cow<'a, str> {
        match row.get(self.id) {
            "" => Cow::Owned(format!("row-{}", row.line())),
            id => Cow::Borrowed(id),
        }
    }

    /// The outlets the row's `source` names, as written.
    pub(crate) fn source_names<'a>(&self, row: &'a impl Cells) -> &'a str {
        row.get(self.source)
    }

    /// The place of the first row at a location, with the id `id`.
    pub(crate) fn place(
        &self,
        row: &impl Cells,
        read: &AcledRow,
        id: &str,
        file_source: &str,
    ) -> Place {
        let mut place = point_place(
            id,
            row.get(self.location),
            read.longitude,
            read.latitude,
            file_source,
        );
        place.admin1 = Some(row.get(self.admin1).to_owned()).filter(|a| !a.is_empty());
        place.geo_precision = match row.get(self.geo_precision) {
            "1" => Some(Term::Known(GeoPrecision::Exact)),
            "2" => Some(Term::Known(GeoPrecision::Approximate)),
            "3" => Some(Term::Known(GeoPrecision::Region)),
            _ => None,
        };
        place
    }

    /// The row's event, at `place`, citing `sources`.
    pub(crate) fn event(
        &self,
        row: &impl Cells,
        read: &AcledRow,
        id: &str,
        place: &str,
        sources: &[String],
    ) -> Event {
        self.with_event_parts(row, read, id, place, sources, |parts| parts.to_event())
    }

    /// What `with` makes of the row's event as borrowed parts (see [`Self::event`]).
    pub(crate) fn with_event_parts<T>(
        &self,
        row: &impl Cells,
        read: &AcledRow,
        id: &str,
        place: &str,
        sources: &[String],
        with: impl FnOnce(&EventParts) -> T,
    ) -> T {
        let mut members = [("", ""); KEPT.len()];
        let mut count = 0;
        for &(name, column) in &self.kept {
            let value = row.get(Some(column));
            if !value.is_empty() {
                members[count] = (name, value);
                count += 1;
            }
        }
        // ACLED's own count, cited to the outlets of the row: "0" is a count too.
        let fatalities = row.get(self.fatalities).parse::<u64>().ok();
        let (killed, exact) = (
            Term::Known(Measure::Fatalities),
            Term::Known(Qualifier::Exact),
        );
        let figures: &[_] = &match fatalities {
            Some(value) => vec![FigureParts {
                measure: &killed,
                value,
                qualifier: &exact,
                note: None,
            }],
            None => Vec::new(),
        };
        let acled_type = row.get(self.event_type);
        let sub_type = row.get(self.sub_event_type);
        let what = if sub_type.is_empty() {
            acled_type
        } else {
            sub_type
        };
        let name = match row.get(self.location) {
            "" => what.to_owned(),
            location => format!("{what} in {location}"),
        };
        let actors: Vec<&str> = self
            .actors
            .iter()
            .flat_map(|c| row.get(*c).split(';'))
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .collect();
        let notes = row.get(self.notes);
        with(&EventParts {
            id,
            name: Some(&name),
            when: read.when,
            sources,
            members: &members[..count],
            event_type: &event_type(acled_type, sub_type),
            place,
            summary: (!notes.is_empty()).then_some(notes),
            actors: &actors,
            figures,
        })
    }
}

/// Places by location and event ids as a file's rows come, in order: what makes the story the
/// same however its rows were read.
#[derive(Default)]
pub(crate) struct Registry {
    places: FastMap<PlaceKey, String>,
    ids: EventIds,
}

/// Event ids as rows give them, each with the line it is first on: one text of them all and a
/// table of where each starts, not a string apiece (a million ids as strings in a map took
/// 80 MB, a fifth of an export's peak).
#[derive(Default)]
struct EventIds {
    /// Each id's length (four bytes) and then the id.
    text: Vec<u8>,
    /// Where each id starts in `text`, and its line.
    starts: hashbrown::HashTable<(u64, u64)>,
}

/// The id at `start` of an [`EventIds`] text.
fn id_at(text: &[u8], start: u64) -> &[u8] {
    let start = start as usize;
    let len = text
        .get(start..start + 4)
        .and_then(|len| len.try_into().ok())
        .map_or(0, |len| u32::from_le_bytes(len) as usize);
    text.get(start + 4..start + 4 + len).unwrap_or_default()
}

fn hash_id(id: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::default().hash_one(id)
}

impl EventIds {
    /// The line the id `id` is first on, if a row has it.
    fn line_of(&self, id: &str) -> Option<usize> {
        let id = id.as_bytes();
        let found = self
            .starts
            .find(hash_id(id), |&(start, _)| id_at(&self.text, start) == id);
        found.map(|&(_, line)| line as usize)
    }

    fn insert(&mut self, id: &str, line: usize) {
        let start = self.text.len() as u64;
        // An id is a cell of a chunk, far shorter than 4 GB.
        let len = u32::try_from(id.len()).unwrap_or(u32::MAX);
        self.text.extend(len.to_le_bytes());
        self.text.extend(&id.as_bytes()[..len as usize]);
        let text = &self.text;
        self.starts.insert_unique(
            hash_id(id.as_bytes()),
            (start, line as u64),
            |&(start, _)| hash_id(id_at(text, start)),
        );
    }
}

impl Registry {
    /// Room for `events` more event ids.
    pub(crate) fn reserve(&mut self, events: usize) {
        let text = &self.ids.text;
        self.ids
            .starts
            .reserve(events, |&(start, _)| hash_id(id_at(text, start)));
    }

    /// The id of the place at `key`, and whether it is new (the first place is `place-1`).
    pub(crate) fn place_id(&mut self, key: &PlaceRef) -> (String, bool) {
        if let Some(id) = self.places.get(key) {
            return (id.clone(), false);
        }
        let id = format!("place-{}", self.places.len() + 1);
        self.places.insert(key.to_key(), id.clone());
        (id, true)
    }

    /// Registers the event id `id` of the row on `line`. Where another row has it already,
    /// the row's event is read as `id@line`, returned, with a located warning.
    pub(crate) fn unique_event_id(
        &mut self,
        id: &str,
        line: usize,
        warnings: &mut Vec<Problem>,
    ) -> Option<String> {
        let Some(first) = self.ids.line_of(id) else {
            self.ids.insert(id, line);
            return None;
        };
        warnings.push(row_problem(
            line,
            format!(
                "duplicate event id {} (also on line {first}); this row is read as {}",
                crate::io::problem::quote(id),
                crate::io::problem::quote(&format!("{id}@{line}"))
            ),
        ));
        let unique = format!("{id}@{line}");
        self.ids.insert(&unique, line);
        Some(unique)
    }
}

/// The title an ACLED file's story gets.
fn title(file_name: &str) -> String {
    format!("ACLED events from {file_name}")
}

/// Reads an ACLED table held whole: the places first, in the order their rows come, then an
/// event per row. Rows that cannot be placed or dated are located warnings. Files are read by
/// [`stream::read`], which gives the same story without holding the table; this is what it is
/// checked against.
pub fn read(
    table: &Table,
    file_name: &str,
    today: NaiveDate,
    warnings: &mut Vec<Problem>,
) -> Dataset {
    let columns = AcledColumns::new(|names| table.column(names));
    let mut builder = Builder::new(title(file_name), file_name);
    let file_source = builder.file_source();
    let mut registry = Registry::default();
    let mut events = Vec::new();
    let mut positions = Vec::new();
    for row in &table.rows {
        let Some(read) = columns.read_row(row, today, warnings) else {
            continue;
        };
        positions.push((row.line, read.longitude, read.latitude));
        let (place_id, new) = registry.place_id(&columns.place_key(row, &read));
        if new {
            let place = columns.place(row, &read, &place_id, &file_source);
            builder.push(Feature::Place(place));
        }
        let id = columns.event_id(row);
        let id = registry
            .unique_event_id(&id, row.line, warnings)
            .unwrap_or(id);
        let sources = builder.cite(columns.source_names(row));
        events.push(Feature::Event(
            columns.event(row, &read, &id, &place_id, &sources),
        ));
    }
    for event in events {
        builder.push(event);
    }
    plausibility::far_from_the_rest(&positions, warnings);
    builder.finish()
}

/// ACLED's event types (and the 2015 layout's "Battle-…" forms) in evacmap's words.
pub(crate) fn event_type(acled_type: &str, sub_type: &str) -> Term<EventType> {
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
