//! An HXL table's rows as a story. What the table is comes from its tags: origins and
//! destinations (`+origin` / `+dest` on `#adm1`–`#adm5`, `#loc`, `#country`) make movements;
//! a count of people (`#affected`, `#population`, `#inneed`) at places makes counts at places
//! (stocks, drawn as circles); dated rows at places make events. Disaggregations (`+f`, `+m`,
//! `+children`…) are kept beside the total, never added to it; columns evacmap does not use
//! are kept with each item.

use chrono::NaiveDate;
use serde_json::Value;

use super::{Column, HxlTable, Tag, is_core_hashtag, is_tag_row};
use crate::import::Builder;
use crate::import::counts::{self, CountAt, PlaceBook, PlaceName};
use crate::import::gazetteer::Gazetteer;
use crate::import::table::{Row, Table, row_problem};
use crate::io::Problem;
use crate::io::problem::quote;
use crate::model::{
    Common, Dataset, EventType, Extra, Feature, Figure, Measure, Movement, MovementStatus,
    MovementType, PlaceType, Qualifier, Term, Vocabulary,
};

/// What an HXL table holds, told from its tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HxlKind {
    Flows,
    Stocks,
    Events,
}

impl HxlKind {
    pub fn describe(self) -> &'static str {
        match self {
            HxlKind::Flows => "HXL table of movements",
            HxlKind::Stocks => "HXL table of people counted at places",
            HxlKind::Events => "HXL table of events",
        }
    }
}

/// Place hashtags, most detailed first.
const PLACE_LEVELS: [(&str, Option<PlaceType>); 7] = [
    ("loc", None),
    ("adm5", Some(PlaceType::District)),
    ("adm4", Some(PlaceType::District)),
    ("adm3", Some(PlaceType::District)),
    ("adm2", Some(PlaceType::District)),
    ("adm1", Some(PlaceType::Province)),
    ("country", Some(PlaceType::Country)),
];
const COUNT_TAGS: [&str; 3] = ["affected", "population", "inneed"];
/// Attributes that split a count by who is counted: such a column is part of a total.
const SPLITS: [(&str, &str); 12] = [
    ("f", "women and girls"),
    ("m", "men and boys"),
    ("women", "women"),
    ("men", "men"),
    ("girls", "girls"),
    ("boys", "boys"),
    ("children", "children"),
    ("adolescents", "adolescents"),
    ("adults", "adults"),
    ("elderly", "elderly"),
    ("infants", "infants"),
    ("youth", "youth"),
];

/// Which end of a movement a place column names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Origin,
    Dest,
    Here,
}

fn role_of(tag: &Tag) -> Role {
    if tag.has("origin") {
        Role::Origin
    } else if tag.has("dest") {
        Role::Dest
    } else {
        Role::Here
    }
}

/// Whether a place column holds its code (`code`) or its name: `+code` / `+pcode` for codes;
/// `+name`, or no attribute but a role, for names (`#loc+type` is neither).
fn names_place(tag: &Tag, code: bool) -> bool {
    let is_code = tag.has("code") || tag.has("pcode");
    if code {
        return is_code;
    }
    !is_code
        && (tag.has("name")
            || tag
                .attributes
                .iter()
                .all(|a| matches!(a.as_str(), "origin" | "dest" | "en" | "fr" | "ar" | "es")))
}

/// What a count column counts.
fn measure_of(tag: &Tag) -> Term<Measure> {
    let any = |words: &[&str]| words.iter().any(|w| tag.has(w));
    Term::Known(if any(&["hh", "households"]) {
        // Households of IDPs are households, not people.
        Measure::Families
    } else if any(&["idps", "idp"]) {
        Measure::Idps
    } else if any(&["refugees", "refugee"]) {
        Measure::Refugees
    } else if any(&["returnees", "returnee", "returned"]) {
        Measure::Returnees
    } else if any(&["asylum", "asylum_seekers"]) {
        Measure::AsylumSeekers
    } else if any(&["stateless"]) {
        Measure::Stateless
    } else if any(&["killed", "dead"]) {
        Measure::Fatalities
    } else {
        Measure::People
    })
}

/// Who a split column counts ("women and girls"), when it is a split of a total.
fn split_of(tag: &Tag) -> Option<String> {
    let mut words: Vec<String> = Vec::new();
    for attribute in &tag.attributes {
        if let Some((_, word)) = SPLITS.iter().find(|(a, _)| a == attribute) {
            words.push((*word).to_owned());
        } else if let Some(ages) = attribute.strip_prefix("age") {
            words.push(format!("aged {}", ages.replace('_', "–")));
        }
    }
    (!words.is_empty()).then(|| words.join(", "))
}

/// The columns of each role and meaning, worked out once from the tags.
struct Plan<'t> {
    hxl: &'t HxlTable<'t>,
    /// Count columns drawn as figures, with what they count.
    totals: Vec<(usize, Term<Measure>)>,
    /// Split columns, with the words kept for them ("IDPs: women and girls").
    splits: Vec<(usize, String)>,
    date: Option<usize>,
    start: Option<usize>,
    end: Option<usize>,
    source: Option<usize>,
    used: Vec<bool>,
}

impl<'t> Plan<'t> {
    fn new(hxl: &'t HxlTable<'t>, warnings: &mut Vec<Problem>) -> Self {
        let mut plan = Plan {
            hxl,
            totals: Vec::new(),
            splits: Vec::new(),
            date: None,
            start: None,
            end: None,
            source: None,
            used: vec![false; hxl.columns.len()],
        };
        let mut total_tags: Vec<(&Column, &Tag)> = Vec::new();
        for (column, tag) in hxl.tagged(&COUNT_TAGS) {
            if tag.has("origin") || tag.has("dest") {
                continue;
            }
            if let Some(split) = split_of(tag) {
                let measure = measure_of(tag).label();
                plan.splits
                    .push((column.index, format!("{measure}: {split}")));
                plan.used[column.index] = true;
                continue;
            }
            if let Some((first, _)) = total_tags.iter().find(|(_, t)| t.same_as(tag)) {
                // Two counts of the same thing in one row (two dates, two rounds): the first is
                // the figure; the other is kept as it is, never added to it.
                warnings.push(row_problem(
                    hxl.tag_line,
                    format!(
                        "{} and {} both carry {}: the first is read as the count, the second is \
                         kept with each item as it is (counts are never added together)",
                        first.describe(),
                        column.describe(),
                        tag.text()
                    ),
                ));
                continue;
            }
            total_tags.push((column, tag));
            plan.totals.push((column.index, measure_of(tag)));
            plan.used[column.index] = true;
        }
        let dates =
            |with: &[&str], without: &[&str]| hxl.column("date", with, without).map(|c| c.index);
        plan.date = dates(&["reported"], &[]).or_else(|| dates(&[], &["start", "end"]));
        plan.start = dates(&["start"], &[]);
        plan.end = dates(&["end"], &[]);
        plan.source = hxl
            .column("meta", &["source"], &[])
            .or_else(|| hxl.column("org", &["reporting"], &[]))
            .or_else(|| hxl.column("org", &[], &[]))
            .map(|c| c.index);
        for index in [plan.date, plan.start, plan.end, plan.source]
            .into_iter()
            .flatten()
        {
            plan.used[index] = true;
        }
        for column in &hxl.columns {
            if let Some(tag) = &column.tag
                && !is_core_hashtag(&tag.hashtag)
            {
                warnings.push(row_problem(
                    hxl.tag_line,
                    format!(
                        "{}: {} is not one of HXL's hashtags (a typing error?); its values are \
                         kept with each item",
                        column.describe(),
                        quote(&format!("#{}", tag.hashtag))
                    ),
                ));
            }
        }
        plan
    }

    /// Whether some place column has this role.
    fn has_role(&self, role: Role) -> bool {
        self.hxl
            .tagged(&PLACE_LEVELS.map(|(tag, _)| tag))
            .any(|(_, tag)| role_of(tag) == role)
            || self.coordinate(role, "lat").is_some()
    }

    fn coordinate(&self, role: Role, axis: &str) -> Option<usize> {
        self.hxl
            .tagged(&["geo"])
            .find(|(_, tag)| tag.has(axis) && role_of(tag) == role)
            .map(|(c, _)| c.index)
    }

    /// What the table is, or why it is none of the kinds evacmap reads.
    fn kind(&self) -> Result<HxlKind, String> {
        if self.has_role(Role::Origin) && self.has_role(Role::Dest) {
            return Ok(HxlKind::Flows);
        }
        let has_events = self.hxl.column("event", &[], &[]).is_some();
        // The dead are counted at incidents: a table of them is one of events.
        let counts_people = self
            .totals
            .iter()
            .any(|(_, measure)| measure.known() != Some(Measure::Fatalities));
        if self.has_role(Role::Here) && counts_people && !has_events {
            return Ok(HxlKind::Stocks);
        }
        if self.has_role(Role::Here) && (self.date.is_some() || self.start.is_some() || has_events)
        {
            return Ok(HxlKind::Events);
        }
        Err(format!(
            "an HXL table with the hashtags {}, which is none of those evacmap reads: movements \
             need places with +origin and +dest (#adm1–#adm5, #loc, #country); counts at places \
             need a place and #affected, #population or #inneed; events need a place and #date",
            self.hxl.tag_list()
        ))
    }

    /// Marks the place columns of `role` used.
    fn use_places(&mut self, role: Role) {
        let levels = PLACE_LEVELS.map(|(tag, _)| tag);
        let indices: Vec<usize> = self
            .hxl
            .tagged(&levels)
            .filter(|(_, tag)| names_place(tag, true) || names_place(tag, false))
            .chain(
                self.hxl
                    .tagged(&["geo"])
                    .filter(|(_, tag)| tag.has("lat") || tag.has("lon")),
            )
            .filter(|(_, tag)| role_of(tag) == role)
            .map(|(c, _)| c.index)
            .collect();
        for index in indices {
            self.used[index] = true;
        }
    }

    /// How a row names its place of `role`: coordinates, else the most detailed level with a
    /// code or name.
    fn place_name<'r>(&self, row: &'r Row, role: Role) -> PlaceName<'r> {
        let cell = |index: Option<usize>| row.get(index);
        let of_role = |hashtag: &str, code: bool| {
            self.hxl
                .columns
                .iter()
                .find(|c| {
                    c.tag.as_ref().is_some_and(|t| {
                        t.hashtag == hashtag && role_of(t) == role && names_place(t, code)
                    })
                })
                .map(|c| c.index)
        };
        let country = [of_role("country", true), of_role("country", false)]
            .into_iter()
            .map(cell)
            .find(|c| !c.is_empty())
            .unwrap_or_default();
        let mut named = PlaceName {
            country,
            ..PlaceName::default()
        };
        for (hashtag, place_type) in PLACE_LEVELS {
            let (code, name) = (cell(of_role(hashtag, true)), cell(of_role(hashtag, false)));
            if !code.is_empty() || !name.is_empty() {
                named.code = code;
                named.name = name;
                named.place_type = place_type;
                break;
            }
        }
        let number = |axis| cell(self.coordinate(role, axis)).parse::<f64>().ok();
        if let (Some(lat), Some(lon)) = (number("lat"), number("lon"))
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lon)
        {
            named.point = Some((lon, lat));
        }
        named
    }

    /// A row's figures (one per count column), citing `sources`; a count that is no whole
    /// number is a located warning.
    fn figures(&self, row: &Row, sources: &[String], warnings: &mut Vec<Problem>) -> Vec<Figure> {
        let mut figures = Vec::new();
        for (index, measure) in &self.totals {
            let text = row.get(Some(*index));
            if text.is_empty() {
                continue;
            }
            let Some(value) = crate::import::flows::count_value(text) else {
                warnings.push(row_problem(
                    row.line,
                    format!(
                        "the count {} in {} is not a whole number; it is kept with the row as \
                         text, not drawn",
                        quote(text),
                        self.hxl.columns[*index].describe()
                    ),
                ));
                continue;
            };
            let column = &self.hxl.columns[*index];
            let header = column.header.trim();
            figures.push(Figure {
                measure: measure.clone(),
                value,
                qualifier: Term::Known(Qualifier::Exact),
                sources: sources.to_vec(),
                note: (!header.is_empty() && !header.starts_with('#')).then(|| header.to_owned()),
                extra: Extra::new(),
            });
        }
        figures
    }

    /// The row's splits and unused columns, kept on its item; counts that were not whole
    /// numbers too.
    fn kept(&self, row: &Row) -> Extra {
        let mut extra = Extra::new();
        for (index, words) in &self.splits {
            let text = row.get(Some(*index));
            if !text.is_empty() {
                extra.insert(words.clone(), Value::String(text.to_owned()));
            }
        }
        for column in &self.hxl.columns {
            let text = row.get(Some(column.index));
            let unreadable_count = self.totals.iter().any(|(i, _)| *i == column.index)
                && crate::import::flows::count_value(text).is_none();
            if (!self.used[column.index] || unreadable_count) && !text.is_empty() {
                extra.insert(column.key(), Value::String(text.to_owned()));
            }
        }
        extra
    }

    /// Every column of a row by key, for a row kept without a place.
    fn all_cells(&self, row: &Row) -> Vec<(String, String)> {
        self.hxl
            .columns
            .iter()
            .map(|c| (c.key(), row.get(Some(c.index)).to_owned()))
            .collect()
    }
}

/// Reads an HXL-tagged table; `Err` says why it is none of the kinds evacmap reads.
pub fn read(
    table: &Table,
    file_name: &str,
    gazetteer: &Gazetteer,
    today: NaiveDate,
    warnings: &mut Vec<Problem>,
) -> Result<(HxlKind, Dataset), String> {
    let Some(hxl) = HxlTable::find(table) else {
        return Err("the table has no HXL hashtag row".into());
    };
    let mut plan = Plan::new(&hxl, warnings);
    let kind = plan.kind()?;
    match kind {
        HxlKind::Flows => {
            plan.use_places(Role::Origin);
            plan.use_places(Role::Dest);
        }
        HxlKind::Stocks | HxlKind::Events => plan.use_places(Role::Here),
    }
    let event = EventColumns::new(&hxl, &mut plan);
    let title = match kind {
        HxlKind::Flows => format!("Movements from {file_name}"),
        HxlKind::Stocks => format!("People counted at places, from {file_name}"),
        HxlKind::Events => format!("Events from {file_name}"),
    };
    let mut builder = Builder::new(title, file_name);
    let mut book = PlaceBook::new(gazetteer);
    for row in hxl.rows {
        if is_tag_row(row.cells()) {
            warnings.push(row_problem(
                row.line,
                format!(
                    "this row looks like a second hashtag row (HXL has one, on line {}); it is \
                     left out",
                    hxl.tag_line
                ),
            ));
            continue;
        }
        if row.cells().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |index: Option<usize>| row.get(index);
        let when = counts::row_when(
            row.line,
            cell(plan.date),
            cell(plan.start),
            cell(plan.end),
            today,
            warnings,
        );
        let sources = builder.cite(cell(plan.source));
        let figures = plan.figures(row, &sources, warnings);
        let Some(placed) = place_row(&plan, kind, row, &mut builder, &mut book, warnings) else {
            continue;
        };
        let read = RowRead {
            line: row.line,
            when,
            sources,
            figures,
            extra: plan.kept(row),
        };
        let feature = match (kind, placed.as_slice()) {
            (HxlKind::Flows, [from, to]) => match movement(read, from, to, warnings) {
                Ok(movement) => movement,
                Err(why) => {
                    let cells = plan.all_cells(row);
                    counts::keep_unplaced(&mut builder, &mut book, row.line, cells, &why, warnings);
                    continue;
                }
            },
            (HxlKind::Stocks, [here]) => stock(read, here, &plan, warnings),
            (HxlKind::Events, [here]) => event.feature(row, here, read),
            _ => continue,
        };
        builder.push(feature);
    }
    counts::unplaced_summary(&book, warnings);
    Ok((kind, builder.finish()))
}

/// What every kind of row has once read: its line, date, sources, figures and kept columns.
struct RowRead {
    line: usize,
    when: Option<crate::model::When>,
    sources: Vec<String>,
    figures: Vec<Figure>,
    extra: Extra,
}

/// The places of a row (origin and destination, or where it is), declared as met; `None`
/// when one cannot be found: the row is then kept without a position, with a warning.
fn place_row(
    plan: &Plan,
    kind: HxlKind,
    row: &Row,
    builder: &mut Builder,
    book: &mut PlaceBook,
    warnings: &mut Vec<Problem>,
) -> Option<Vec<(String, String)>> {
    let ends: &[Role] = match kind {
        HxlKind::Flows => &[Role::Origin, Role::Dest],
        _ => &[Role::Here],
    };
    let mut placed = Vec::new();
    for &role in ends {
        match book.place(builder, &plan.place_name(row, role)) {
            Ok(place) => placed.push(place),
            Err(why) => {
                let end = match role {
                    Role::Origin => "origin: ",
                    Role::Dest => "destination: ",
                    Role::Here => "",
                };
                let why = format!("{end}{why}");
                counts::keep_unplaced(builder, book, row.line, plan.all_cells(row), &why, warnings);
                return None;
            }
        }
    }
    Some(placed)
}

/// A movement between two places (id, name); `Err` says why it cannot be one.
fn movement(
    read: RowRead,
    (from, from_name): &(String, String),
    (to, to_name): &(String, String),
    warnings: &mut Vec<Problem>,
) -> Result<Feature, String> {
    if from == to {
        return Err(format!(
            "origin and destination are the same place ({from_name})"
        ));
    }
    if read.figures.is_empty() {
        warnings.push(row_problem(
            read.line,
            "the movement has no count; it is drawn at the narrowest width",
        ));
    }
    let returns = read
        .figures
        .iter()
        .any(|f| f.measure.known() == Some(Measure::Returnees));
    Ok(Feature::Movement(Movement {
        common: Common {
            id: format!("movement-{}", read.line),
            name: Some(format!("{from_name} to {to_name}")),
            when: read.when,
            when_basis: None,
            sources: read.sources,
            geometry: None,
            extra: read.extra,
            foreign: Extra::new(),
        },
        from: from.clone(),
        also_from: Vec::new(),
        to: to.clone(),
        to_assumed: false,
        movement_type: Term::Known(if returns {
            MovementType::Return
        } else {
            MovementType::Displacement
        }),
        status: Term::Known(MovementStatus::Reported),
        figures: read.figures,
        summary: None,
    }))
}

/// A count of people at a place (id, name).
fn stock(
    read: RowRead,
    (place, place_name): &(String, String),
    plan: &Plan,
    warnings: &mut Vec<Problem>,
) -> Feature {
    if read.figures.is_empty() {
        warnings.push(row_problem(
            read.line,
            "the row has no count; it is kept without one (no circle is drawn)",
        ));
    }
    let what = plan
        .totals
        .first()
        .map_or_else(|| "people".to_owned(), |(_, measure)| measure.label());
    CountAt {
        id: format!("count-{}", read.line),
        event_type: EventType::Presence,
        name: format!("{what} in {place_name}"),
        place: place.clone(),
        when: read.when,
        figures: read.figures,
        sources: read.sources,
        summary: None,
        extra: read.extra,
    }
    .into_feature()
}

/// An events table's own columns: what happened, its name and description.
struct EventColumns {
    event_type: Option<usize>,
    name: Option<usize>,
    description: Option<usize>,
}

impl EventColumns {
    fn new(hxl: &HxlTable, plan: &mut Plan) -> Self {
        let index = |c: Option<&Column>| c.map(|c| c.index);
        let columns = Self {
            event_type: index(hxl.column("event", &["type"], &[])),
            name: index(
                hxl.column("event", &["name"], &[])
                    .or_else(|| hxl.column("event", &[], &["type", "id", "code"])),
            ),
            description: index(hxl.column("description", &[], &[])),
        };
        for index in [columns.event_type, columns.name, columns.description]
            .into_iter()
            .flatten()
        {
            plan.used[index] = true;
        }
        columns
    }

    /// The event a row tells of, at its place (id, name).
    fn feature(&self, row: &Row, (place, place_name): &(String, String), read: RowRead) -> Feature {
        let type_text = row.get(self.event_type);
        let folded = type_text.trim().to_lowercase().replace([' ', '-'], "_");
        let event_type = EventType::parse(&folded).unwrap_or_else(|| {
            crate::import::acled::event_type(type_text, "")
                .known()
                .unwrap_or(EventType::Development)
        });
        let name = match row.get(self.name) {
            "" if type_text.is_empty() => format!("Event in {place_name}"),
            "" => format!("{type_text} in {place_name}"),
            name => name.to_owned(),
        };
        let description = row.get(self.description);
        let mut extra = Extra::new();
        if !type_text.is_empty() && event_type.as_str() != folded {
            // The table's own word for it, beside evacmap's.
            extra.insert("event type".into(), Value::String(type_text.to_owned()));
        }
        for (key, value) in read.extra.iter() {
            extra.insert(key.clone(), value.clone());
        }
        CountAt {
            id: format!("event-{}", row.line),
            event_type,
            name,
            place: place.clone(),
            when: read.when,
            figures: read.figures,
            sources: read.sources,
            summary: (!description.is_empty()).then(|| description.to_owned()),
            extra,
        }
        .into_feature()
    }
}
