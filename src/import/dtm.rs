//! IOM's Displacement Tracking Matrix tables: the number of IDPs present in an admin area (by
//! p-code and name) at a reporting date, round by round, as the DTM API and HDX publish them
//! (`admin1Pcode`, `numPresentIdpInd`, `reportingDate`, `roundNumber`; or `Admin 2 Pcode`,
//! `Number of Reported IDPs`, `Round Number`). Each row is a count of IDPs present at its
//! place (a `presence`); the map shows, at each place, the latest round within the time range.
//! Pure, no egui.

use chrono::NaiveDate;
use serde_json::Value;

use super::counts::{self, CountAt, PlaceBook, PlaceName};
use super::gazetteer::Gazetteer;
use super::table::{Table, row_problem};
use super::{Builder, flows::count_value, idmc::kept};
use crate::io::Problem;
use crate::io::problem::quote;
use crate::model::{Dataset, EventType, Extra, Figure, Measure, PlaceType, Qualifier, Term};

const COUNTS: [&str; 9] = [
    "numpresentidpind",
    "num_present_idp_ind",
    "number_of_reported_idps",
    "number_of_idps",
    "idps_present",
    "idp_individuals",
    "total_idps",
    "total_idp_individuals",
    "idps",
];
const ROUND: [&str; 3] = ["roundnumber", "round_number", "round"];
const DATE: [&str; 4] = ["reportingdate", "reporting_date", "date_of_report", "date"];

/// The code and name columns of an admin level, in the forms DTM exports write them.
fn admin_columns(level: u8) -> ([String; 4], [String; 5]) {
    (
        [
            format!("admin{level}pcode"),
            format!("admin_{level}_pcode"),
            format!("admin{level}_pcode"),
            format!("adm{level}_pcode"),
        ],
        [
            format!("admin{level}name"),
            format!("admin_{level}_name"),
            format!("admin{level}_name"),
            format!("adm{level}_name"),
            format!("admin{level}name_en"),
        ],
    )
}

fn find(table: &Table, names: &[String]) -> Option<usize> {
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    table.column(&names)
}

/// Whether the table has DTM's columns: a count of IDPs present, an admin area, and a round or
/// a reporting date.
pub fn is_dtm(table: &Table) -> bool {
    let admin = (1..=3).any(|level| {
        let (codes, names) = admin_columns(level);
        find(table, &codes).is_some() || find(table, &names).is_some()
    });
    table.column(&COUNTS).is_some()
        && admin
        && (table.column(&ROUND).is_some() || table.column(&DATE[..3]).is_some())
}

/// An admin level's code and name columns, and what kind of place it is.
type Level = (Option<usize>, Option<usize>, PlaceType);

/// Reads a DTM table.
pub fn read(
    table: &Table,
    file_name: &str,
    gazetteer: &Gazetteer,
    today: NaiveDate,
    warnings: &mut Vec<Problem>,
) -> Dataset {
    let count = table.column(&COUNTS);
    let round = table.column(&ROUND);
    let date = table.column(&DATE);
    let source = table.column(&["source"]);
    let country = table.column(&[
        "admin0pcode",
        "admin_0_pcode",
        "admin0name",
        "country",
        "country_name",
    ]);
    // Most detailed level first.
    let levels: Vec<Level> = (1..=3u8)
        .rev()
        .map(|level| {
            let (codes, names) = admin_columns(level);
            let kind = if level == 1 {
                PlaceType::Province
            } else {
                PlaceType::District
            };
            (find(table, &codes), find(table, &names), kind)
        })
        .filter(|(code, name, _)| code.is_some() || name.is_some())
        .collect();
    let mut used: Vec<Option<usize>> = vec![count, round, date];
    for (code, name, _) in &levels {
        used.extend([*code, *name]);
    }
    let mut builder = Builder::new(
        format!("IDPs present (IOM DTM), from {file_name}"),
        file_name,
    );
    let dtm = builder.source("IOM Displacement Tracking Matrix");
    let mut book = PlaceBook::new(gazetteer);
    for row in &table.rows {
        let cell = |index: Option<usize>| row.get(index);
        if row.cells().all(|c| c.trim().is_empty()) {
            continue;
        }
        let named = levels
            .iter()
            .map(|(code, name, kind)| PlaceName {
                code: cell(*code),
                name: cell(*name),
                country: cell(country),
                point: None,
                place_type: Some(*kind),
            })
            .find(|named| !named.is_empty())
            .unwrap_or_default();
        let Some((place, place_name)) =
            book.place_or_keep(&mut builder, &named, table, row, warnings)
        else {
            continue;
        };
        let mut sources = vec![dtm.clone()];
        sources.extend(builder.cite(cell(source)).into_iter().filter(|id| {
            // A row that names no source cites the DTM alone, not also the file.
            *id != dtm && (!cell(source).is_empty())
        }));
        let round_text = cell(round);
        let mut extra = kept(table, row, &used);
        if !round_text.is_empty() {
            extra.insert("round".into(), Value::String(round_text.to_owned()));
        }
        builder.push(
            CountAt {
                id: format!("dtm-{}", row.line),
                event_type: EventType::Presence,
                name: if round_text.is_empty() {
                    format!("IDPs in {place_name}")
                } else {
                    format!("IDPs in {place_name}, round {round_text}")
                },
                place,
                when: counts::row_when(row.line, cell(date), "", "", today, warnings),
                figures: idps_figure(row, count, &sources, round_text, warnings)
                    .into_iter()
                    .collect(),
                sources,
                summary: None,
                extra,
            }
            .into_feature(),
        );
    }
    counts::unplaced_summary(&book, warnings);
    builder.finish()
}

/// The count of IDPs a row gives, when its cell is a whole number (else a located warning).
fn idps_figure(
    row: &super::table::Row,
    count: Option<usize>,
    sources: &[String],
    round: &str,
    warnings: &mut Vec<Problem>,
) -> Option<Figure> {
    let Some(value) = count_value(row.get(count)) else {
        warnings.push(row_problem(
            row.line,
            format!(
                "the count of IDPs {} is not a whole number; the row is kept without it",
                quote(row.get(count))
            ),
        ));
        return None;
    };
    Some(Figure {
        measure: Term::Known(Measure::Idps),
        value,
        qualifier: Term::Known(Qualifier::Exact),
        sources: sources.to_vec(),
        note: (!round.is_empty()).then(|| format!("round {round}")),
        extra: Extra::new(),
    })
}
