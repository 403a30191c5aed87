//! Dates in any GeoJSON's properties (USGS's epoch `time`, `date`, `event_date`, `timestamp`,
//! `start`/`end`), and GeoJSON text sequences (RFC 8142) or one feature per line.
//!
//! When several properties look like dates, the one with the most plausible values (not in the
//! future, not before 1800) is used, and a warning says which, so a reader knows what the time
//! filter filters by.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::dates::{DateForm, day_of_value, plausible};
use crate::io::problem::quote;
use crate::io::{Location, Problem, Severity};
use crate::model::{Dataset, Feature, FeatureIndex, FeatureKind, PartialDate, When};

/// Property names read as dates first when several have as many plausible values.
const PREFERRED: [&str; 8] = [
    "when",
    "date",
    "event_date",
    "time",
    "timestamp",
    "datetime",
    "start",
    "updated",
];

/// Whether the text is one JSON object per line (newline-delimited GeoJSON) rather than one
/// document.
pub fn is_line_delimited(text: &[u8]) -> bool {
    let mut lines = text
        .split(|b| *b == b'\n')
        .map(|l| l.trim_ascii())
        .filter(|l| !l.is_empty());
    let (Some(first), Some(second)) = (lines.next(), lines.next()) else {
        return false;
    };
    second.starts_with(b"{") && serde_json::from_slice::<serde::de::IgnoredAny>(first).is_ok()
}

/// The records of a text sequence (split at RS characters, or at line ends when there are none)
/// as one FeatureCollection's text, so the story reader reads and checks them; record `n` is
/// `features[n]` in messages.
pub fn sequence_to_collection(text: &[u8]) -> Vec<u8> {
    let separator = if text.contains(&0x1E) { 0x1E } else { b'\n' };
    let mut out = b"{\"type\":\"FeatureCollection\",\"features\":[".to_vec();
    let mut first = true;
    for record in text.split(|b| *b == separator).map(|r| r.trim_ascii()) {
        if record.is_empty() {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        out.extend_from_slice(record);
    }
    out.extend_from_slice(b"]}");
    out
}

/// A property whose values read as dates, and how well.
struct Candidate {
    form: DateForm,
    plausible: usize,
}

/// Gives features from other tools (not evacmap's places, movements and events) the dates found
/// in their properties, and says which property that was.
pub fn date_generic_features(
    dataset: Dataset,
    today: NaiveDate,
    warnings: &mut Vec<Problem>,
) -> Dataset {
    far_points(&dataset, warnings);
    match date_properties(&dataset, today).first() {
        Some(name) => {
            let name = name.clone();
            date_by(dataset, &name, today, warnings)
        }
        None => dataset,
    }
}

/// Warns about features from other tools without a position, and about points far from the
/// others.
fn far_points(dataset: &Dataset, warnings: &mut Vec<Problem>) {
    let store = dataset.store();
    for index in 0..dataset.len() {
        if store.kind(index) == FeatureKind::Generic && !store.has_geometry(index) {
            warnings.push(Problem {
                severity: Severity::Warning,
                location: Location::Feature {
                    index,
                    id: store.own_id(index).map(str::to_owned),
                    path: "geometry".into(),
                },
                message: "the feature has no geometry, so it is not on the map".into(),
            });
        }
    }
    let positions: Vec<(usize, f64, f64)> = (0..dataset.len())
        .filter(|&index| dataset.store().kind(index) == FeatureKind::Generic)
        .filter_map(|index| {
            let p = dataset.store().point(index)?;
            Some((index, p.x, p.y))
        })
        .collect();
    super::plausibility::far_from_the_rest_in(&positions, warnings, |index, message| {
        let id = dataset.store().own_id(index).map(str::to_owned);
        Problem {
            severity: Severity::Warning,
            location: Location::Feature {
                index,
                id,
                path: "geometry".into(),
            },
            message: message.replace("from the other rows", "from the other features"),
        }
    });
}

/// The properties of generic features that hold plausible dates, the best first (the most
/// plausible values; ties go to the usual names). `end` counts only as the end of `start`.
pub fn date_properties(dataset: &Dataset, today: NaiveDate) -> Vec<String> {
    let candidates = candidates(dataset, today);
    let mut names: Vec<(&String, &Candidate)> = candidates
        .iter()
        .filter(|(name, _)| name.as_str() != "end")
        .collect();
    names.sort_by_key(|(name, c)| {
        let preference = PREFERRED
            .iter()
            .position(|p| p == name)
            .map_or(0, |p| PREFERRED.len() - p);
        std::cmp::Reverse((c.plausible, preference))
    });
    names.into_iter().map(|(name, _)| name.clone()).collect()
}

/// Dates generic features by the property `name` (with `end` as the end when `name` is
/// `start`), replacing the dates they had, and says so in a warning at the top of `warnings`.
pub fn date_by(
    dataset: Dataset,
    name: &str,
    today: NaiveDate,
    warnings: &mut Vec<Problem>,
) -> Dataset {
    let candidates = candidates(&dataset, today);
    let Some(chosen) = candidates.get(name) else {
        return dataset;
    };
    let form = chosen.form;
    let end = (name == "start")
        .then(|| candidates.get("end").map(|c| c.form))
        .flatten();
    let others: Vec<String> = candidates
        .keys()
        .filter(|k| k.as_str() != name && !(end.is_some() && k.as_str() == "end"))
        .map(|k| quote(k))
        .collect();
    // Dated in place: the story's columns are not rebuilt (a million features as trees took
    // a gigabyte).
    let mut dataset = dataset;
    let mut dated = 0;
    for index in 0..dataset.len() {
        if dataset.store().kind(index) != FeatureKind::Generic {
            continue;
        }
        let Feature::Generic(generic) = dataset.store().feature(index) else {
            continue;
        };
        let day = |key: &str, form: DateForm| {
            generic
                .common
                .extra
                .get(key)
                .and_then(|v| day_of_value(v, form))
        };
        let Some(start) = day(name, form) else {
            dataset.set_when(FeatureIndex(index), None);
            continue;
        };
        let when = match end.and_then(|form| day("end", form)) {
            Some(last) if last >= start => When::between(
                Some(PartialDate::from_date(start)),
                Some(PartialDate::from_date(last)),
            )
            .ok(),
            _ => Some(When::on(PartialDate::from_date(start))),
        };
        if start > today {
            warnings.push(Problem {
                severity: Severity::Warning,
                location: Location::Feature {
                    index,
                    id: generic.own_id.as_ref().map(|id| id.text().into_owned()),
                    path: format!("properties.{name}"),
                },
                message: format!("the date {start} is in the future"),
            });
        }
        dataset.set_when(FeatureIndex(index), when);
        dated += 1;
    }
    let mut message = format!(
        "{DATED_FROM} {} ({}) of {dated} features",
        quote(name),
        form.describe()
    );
    if end.is_some() {
        message.push_str(" up to their \"end\"");
    }
    if !others.is_empty() {
        message.push_str(&format!(
            "; other properties with dates: {}",
            others.join(", ")
        ));
    }
    warnings.retain(|w| !w.message.starts_with(DATED_FROM));
    warnings.insert(
        0,
        Problem {
            severity: Severity::Warning,
            location: Location::Document {
                path: String::new(),
            },
            message,
        },
    );
    dataset
}

/// How the warning that names the date property starts.
const DATED_FROM: &str = "dates read from the property";

/// Every property of generic features with values that read as dates, by name.
fn candidates(dataset: &Dataset, today: NaiveDate) -> BTreeMap<String, Candidate> {
    let mut tallies: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    const FORMS: [DateForm; 3] = [
        DateForm::Iso,
        DateForm::EpochMilliseconds,
        DateForm::EpochSeconds,
    ];
    let generic_features = (0..dataset.len())
        .filter(|&i| dataset.store().kind(i) == FeatureKind::Generic)
        .map(|i| dataset.store().feature(i));
    for feature in generic_features {
        let Feature::Generic(generic) = feature else {
            continue;
        };
        for (key, value) in generic.common.extra.iter() {
            // Numbers count as epochs only under a name that says time (a population is not).
            if value.is_number() && !looks_like_time(key) {
                continue;
            }
            for (i, form) in FORMS.iter().enumerate() {
                if day_of_value(value, *form).is_some_and(|d| plausible(d, today)) {
                    tallies.entry(key.clone()).or_default()[i] += 1;
                    break;
                }
            }
        }
    }
    tallies
        .into_iter()
        .filter_map(|(key, counts)| {
            let (i, plausible) = counts.iter().copied().enumerate().max_by_key(|(_, c)| *c)?;
            (plausible > 0).then(|| {
                (
                    key,
                    Candidate {
                        form: FORMS[i],
                        plausible,
                    },
                )
            })
        })
        .collect()
}

fn looks_like_time(key: &str) -> bool {
    let key = key.to_lowercase();
    ["time", "date", "stamp", "start", "end", "updated", "epoch"]
        .iter()
        .any(|word| key.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dataset(text: &str) -> Dataset {
        crate::io::parse_bytes(text.as_bytes(), "t")
            .unwrap()
            .dataset
    }

    #[test]
    fn usgs_epoch_milliseconds_are_read_and_the_choice_is_said() {
        let story = dataset(
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[1,2]},
             "properties":{"mag":4.5,"time":1700000000000,"updated":1800000000000}},
            {"type":"Feature","id":"b","geometry":{"type":"Point","coordinates":[1,2]},
             "properties":{"mag":5.5,"time":1600000000000,"updated":1800000000000}}]}"#,
        );
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let mut warnings = Vec::new();
        let dated = date_generic_features(story, today, &mut warnings);
        let when = dated.store().when(0).unwrap();
        assert_eq!(when.to_string(), "2023-11-14");
        assert_eq!(dated.store().when(1).unwrap().to_string(), "2020-09-13");
        // "updated" (2027) is in the future: not plausible, so not chosen.
        assert_eq!(
            warnings[0].message,
            "dates read from the property \"time\" (milliseconds since 1970) of 2 features"
        );
    }

    #[test]
    fn start_and_end_make_an_interval_and_iso_text_is_read() {
        let story = dataset(
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":null,
             "properties":{"start":"2020-01-05","end":"2020-02-01","date_note":"x"}}]}"#,
        );
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let mut warnings = Vec::new();
        let dated = date_generic_features(story, today, &mut warnings);
        assert_eq!(
            dated.store().when(0).unwrap().to_string(),
            "2020-01-05/2020-02-01"
        );
    }

    #[test]
    fn another_date_property_can_be_chosen() {
        let story = dataset(
            r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":null,
             "properties":{"reported":"2020-01-05","occurred":"2019-12-30"}},
            {"type":"Feature","geometry":null,
             "properties":{"reported":"2020-01-06","occurred":"bad"}}]}"#,
        );
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        assert_eq!(date_properties(&story, today), ["reported", "occurred"]);
        let mut warnings = Vec::new();
        let dated = date_generic_features(story, today, &mut warnings);
        assert_eq!(dated.store().when(0).unwrap().to_string(), "2020-01-05");
        let redated = date_by(dated, "occurred", today, &mut warnings);
        assert_eq!(redated.store().when(0).unwrap().to_string(), "2019-12-30");
        assert_eq!(redated.store().when(1), None);
        // The choice first, then each feature that is not on the map.
        let messages: Vec<&str> = warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "dates read from the property \"occurred\" (ISO dates) of 1 features; other \
                 properties with dates: \"reported\"",
                "the feature has no geometry, so it is not on the map",
                "the feature has no geometry, so it is not on the map",
            ]
        );
        assert_eq!(
            warnings[2].to_string().split(' ').next(),
            Some("features[1]")
        );
    }

    #[test]
    fn a_sequence_becomes_a_collection() {
        let text = b"\x1e{\"type\":\"Feature\",\"geometry\":null,\"properties\":{}}\n\x1e{\"type\":\"Feature\",\"geometry\":null,\"properties\":{}}\n";
        let collection = sequence_to_collection(text);
        let story = dataset(std::str::from_utf8(&collection).unwrap());
        assert_eq!(story.features().len(), 2);
        assert!(is_line_delimited(b"{\"a\":1}\n{\"a\":2}\n"));
        assert!(!is_line_delimited(b"{\"a\":\n1}\n"));
    }
}
