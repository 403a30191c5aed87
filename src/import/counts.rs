//! What the humanitarian tables (HXL, IDMC, IOM DTM) share: places found in a gazetteer and
//! declared once, counts of people at places as `presence` or `displacement` events, and rows
//! that cannot be placed, kept as plain features and counted. Pure, no egui.

use std::collections::HashMap;

use serde_json::Value;

use super::Builder;
use super::gazetteer::{Found, Gazetteer, NotFound};
use crate::io::Problem;
use crate::io::problem::quote;
use crate::model::{
    Common, Event, EventType, Extra, Feature, Figure, Generic, GeoPrecision, PlaceType, Term, When,
};

/// The places of an imported table, each declared (pushed) the first time a row names it.
pub struct PlaceBook<'g> {
    pub gazetteer: &'g Gazetteer,
    ids: HashMap<String, String>,
    /// Rows kept without a place.
    pub unplaced: usize,
}

/// How a row names its place.
#[derive(Debug, Clone, Default)]
pub struct PlaceName<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub country: &'a str,
    /// (longitude, latitude), when the row gives coordinates.
    pub point: Option<(f64, f64)>,
    /// What kind of area a code or name at this level is (a governorate is a province).
    pub place_type: Option<PlaceType>,
}

impl PlaceName<'_> {
    pub fn is_empty(&self) -> bool {
        self.code.trim().is_empty() && self.name.trim().is_empty() && self.point.is_none()
    }

    /// How the row names it, for messages: "SY07 (Idleb)".
    pub fn describe(&self) -> String {
        match (self.code.trim(), self.name.trim()) {
            ("", "") => "no place".into(),
            (code, "") => format!("p-code {}", quote(code)),
            ("", name) => quote(name),
            (code, name) => format!("p-code {} ({})", quote(code), quote(name)),
        }
    }
}

impl<'g> PlaceBook<'g> {
    pub fn new(gazetteer: &'g Gazetteer) -> Self {
        Self {
            gazetteer,
            ids: HashMap::new(),
            unplaced: 0,
        }
    }

    /// The id and name of the place a row names, declared on first use; or why it cannot be
    /// placed.
    pub fn place(
        &mut self,
        builder: &mut Builder,
        named: &PlaceName,
    ) -> Result<(String, String), String> {
        if let Some((lon, lat)) = named.point {
            let key = format!("{lon:.5},{lat:.5}");
            let name = if named.name.trim().is_empty() {
                named.code.trim()
            } else {
                named.name.trim()
            };
            if let Some(id) = self.ids.get(&key) {
                return Ok((id.clone(), name.to_owned()));
            }
            let id = self.unique_id(named.name, named.code);
            let mut place = builder.point_place(&id, name, lon, lat);
            place.place_type = named.place_type.map(Term::Known);
            builder.push(Feature::Place(place));
            self.ids.insert(key, id.clone());
            return Ok((id, name.to_owned()));
        }
        let found = self
            .gazetteer
            .find(named.code, named.name, named.country)
            .map_err(|why| self.why(named, why))?;
        let key = format!("{}|{}", found.code(), found.name());
        if let Some(id) = self.ids.get(&key) {
            return Ok((id.clone(), found.name().to_owned()));
        }
        let id = self.unique_id(found.name(), found.code());
        let (lon, lat) = found.point();
        let mut place = builder.point_place(&id, found.name(), lon, lat);
        place.geo_precision = Some(Term::Known(GeoPrecision::Region));
        place.place_type = match found {
            Found::Country(_) => Some(Term::Known(PlaceType::Country)),
            Found::Place(_) => named.place_type.map(Term::Known),
        };
        if let Found::Place(from) = &found
            && from.from != "bundled"
        {
            place
                .common
                .extra
                .insert("gazetteer".into(), Value::String(from.from.clone()));
        }
        if !found.code().is_empty() {
            place
                .common
                .extra
                .insert("pcode".into(), Value::String(found.code().to_owned()));
        }
        builder.push(Feature::Place(place));
        self.ids.insert(key, id.clone());
        Ok((id, found.name().to_owned()))
    }

    /// [`Self::place`], or, when the row cannot be placed, the row kept without a position
    /// (all its cells, by header) with a located warning: `None` then.
    pub fn place_or_keep(
        &mut self,
        builder: &mut Builder,
        named: &PlaceName,
        table: &super::table::Table,
        row: &super::table::Row,
        warnings: &mut Vec<Problem>,
    ) -> Option<(String, String)> {
        match self.place(builder, named) {
            Ok(placed) => Some(placed),
            Err(why) => {
                keep_unplaced(
                    builder,
                    self,
                    row.line,
                    row_cells(table, row),
                    &why,
                    warnings,
                );
                None
            }
        }
    }

    fn why(&self, named: &PlaceName, why: NotFound) -> String {
        let add = "add a gazetteer that has it (File → Add gazetteer…, --gazetteer FILE)";
        match why {
            NotFound::Unknown if named.is_empty() => "the row names no place".into(),
            NotFound::Unknown => format!(
                "{} is in no gazetteer ({}); {add}",
                named.describe(),
                self.gazetteer.describe()
            ),
            NotFound::OtherCountry { code, is_in } => format!(
                "p-code {} is in {} ({}), not in {} as the row says",
                quote(&code),
                country_name(&is_in),
                is_in,
                quote(named.country.trim())
            ),
            NotFound::Ambiguous { name, countries } => format!(
                "{} is a place in several countries ({}) and the row names none",
                quote(&name),
                countries.join(", ")
            ),
        }
    }

    fn unique_id(&self, name: &str, code: &str) -> String {
        let stem = if code.trim().is_empty() {
            crate::model::names::folded_words(name, "-")
        } else {
            code.trim().to_lowercase()
        };
        let stem = if stem.is_empty() {
            "place".into()
        } else {
            stem
        };
        let mut id = stem.clone();
        let mut n = 1;
        while self.ids.values().any(|taken| *taken == id) {
            n += 1;
            id = format!("{stem}-{n}");
        }
        id
    }
}

fn country_name(iso2: &str) -> String {
    super::countries::Countries::bundled()
        .find(iso2)
        .map_or_else(|| iso2.to_owned(), |c| c.name.clone())
}

/// A count of people at a place (or several counts of one row, side by side).
pub struct CountAt {
    pub id: String,
    pub event_type: EventType,
    pub name: String,
    pub place: String,
    pub when: Option<When>,
    pub figures: Vec<Figure>,
    pub sources: Vec<String>,
    pub summary: Option<String>,
    /// The row's other columns and the disaggregations, kept and shown.
    pub extra: Extra,
}

impl CountAt {
    pub fn into_feature(self) -> Feature {
        Feature::Event(Event {
            common: Common {
                id: self.id,
                name: Some(self.name),
                when: self.when,
                when_basis: None,
                sources: self.sources,
                geometry: None,
                extra: self.extra,
                foreign: Extra::new(),
            },
            event_type: Term::Known(self.event_type),
            place: Some(self.place),
            summary: self.summary,
            actors: Vec::new(),
            figures: self.figures,
        })
    }
}

/// A row that cannot be placed, kept as a plain feature without a position (its columns as
/// properties), with a located warning that says why.
pub fn keep_unplaced(
    builder: &mut Builder,
    book: &mut PlaceBook,
    line: usize,
    columns: impl IntoIterator<Item = (String, String)>,
    why: &str,
    warnings: &mut Vec<Problem>,
) {
    book.unplaced += 1;
    warnings.push(super::table::row_problem(
        line,
        format!("{why}; the row is kept without a position"),
    ));
    let mut extra = Extra::new();
    for (key, value) in columns {
        if !value.trim().is_empty() {
            extra.insert(key, Value::String(value));
        }
    }
    extra.insert("unplaced".into(), Value::String(why.to_owned()));
    builder.push(Feature::Generic(Generic {
        common: Common {
            id: format!("row {line}"),
            name: Some(format!("Row {line} (not placed)")),
            when: None,
            when_basis: None,
            sources: vec![builder.file_source()],
            geometry: None,
            extra,
            foreign: Extra::new(),
        },
        own_id: None,
    }));
}

/// Every cell of a row by its column's header, for a row kept without a place.
pub fn row_cells(table: &super::table::Table, row: &super::table::Row) -> Vec<(String, String)> {
    table
        .headers
        .iter()
        .enumerate()
        .map(|(i, header)| (header.trim().to_owned(), row.get(Some(i)).to_owned()))
        .collect()
}

/// The closing count of rows kept without a place, when there are any.
pub fn unplaced_summary(book: &PlaceBook, warnings: &mut Vec<Problem>) {
    if book.unplaced > 0 {
        warnings.push(super::table::row_problem(
            1,
            format!(
                "{} row{} could not be placed (each is listed with its line); they are kept as \
                 plain features without a position: add a gazetteer that has their places \
                 (File → Add gazetteer…, --gazetteer FILE) and open the table again",
                book.unplaced,
                if book.unplaced == 1 { "" } else { "s" }
            ),
        ));
    }
}

/// When a row's count or event was, from its date cell, or from a start and an end cell (any
/// may be empty); a cell that is no date is a located warning and the row is kept undated.
pub fn row_when(
    line: usize,
    on: &str,
    start: &str,
    end: &str,
    today: chrono::NaiveDate,
    warnings: &mut Vec<Problem>,
) -> Option<When> {
    use chrono::Datelike;
    let mut read = |text: &str, what: &str| -> Option<When> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let when = super::dates::table_when(text, today.year());
        if when.is_none() {
            warnings.push(super::table::row_problem(
                line,
                format!(
                    "the {what} {} is not a date; the row is kept undated",
                    quote(text)
                ),
            ));
        }
        when
    };
    let when = match read(on, "date") {
        Some(when) => Some(when),
        None => {
            let (start, end) = (read(start, "start date"), read(end, "end date"));
            match (start.and_then(|w| w.start()), end.and_then(|w| w.end())) {
                (None, None) => None,
                (first, last) if first == last => first.map(When::on),
                (first, last) => match When::between(first, last) {
                    Ok(when) => Some(when),
                    Err(error) => {
                        warnings.push(super::table::row_problem(
                            line,
                            format!("{error}; the row is kept undated"),
                        ));
                        None
                    }
                },
            }
        }
    };
    if let Some(first) = when.as_ref().and_then(|w| w.span().first) {
        super::plausibility::future_date(line, first, today, warnings);
    }
    when
}
