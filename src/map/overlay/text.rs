//! The words of the map: accessible names, arrow labels and hover texts, read from the story.

use super::super::style::{self};
use crate::model::{Dataset, DaySpan, Feature, FeatureIndex, Movement, Vocabulary};

/// The accessible name of a movement: "Evacuation Barzeh → Idlib, 12 May 2017" (read from the
/// columns: it is asked for every arrow drawn, every frame a screen reader listens).
pub fn movement_label(dataset: &Dataset, index: FeatureIndex) -> String {
    let store = dataset.store();
    let mut label = dataset.movement_name_at(index);
    if let Some(when) = store.when(index.0) {
        label.push_str(", ");
        label.push_str(&when.human());
    }
    let status = store.movement_status(index.0).map(|(status, _)| status);
    match status.and_then(crate::model::MovementStatus::parse) {
        Some(crate::model::MovementStatus::Scheduled) => label.push_str(" (scheduled)"),
        Some(crate::model::MovementStatus::Failed) => label.push_str(" (failed)"),
        _ => {}
    }
    label
}
/// An arrow's label: its date and the counts of people with their sources, as a spread when
/// sources differ (lowest first): "12 May 2017 · 700–1,246 people (SOHR–SANA)",
/// "8 May 2017 · 1,000 people (SANA)", "2017 · 3,424,237 refugees (UNHCR)"; the date alone
/// without counts.
pub fn arrow_label(dataset: &Dataset, movement: &Movement) -> String {
    let mut text = movement
        .common
        .when
        .map(|w| w.human())
        .unwrap_or_else(|| "undated".into());
    // People when a source counts them; otherwise the first count of people moved (refugees,
    // asylum seekers…), never mixing two measures in one spread.
    let moved = |f: &&crate::model::Figure| {
        f.measure
            .known()
            .is_some_and(crate::model::Measure::counts_people_moved)
    };
    let measure = movement
        .figures
        .iter()
        .find(|f| f.measure.known() == Some(crate::model::Measure::People))
        .or_else(|| movement.figures.iter().find(moved))
        .map(|f| f.measure.clone());
    let noun = measure.as_ref().map_or_else(String::new, |m| m.label());
    let mut people: Vec<(u64, String)> = movement
        .figures
        .iter()
        .filter(|f| Some(&f.measure) == measure.as_ref())
        .map(|f| {
            let sources: Vec<String> = f
                .sources
                .iter()
                .map(|s| dataset.short_source_name(s))
                .collect();
            (f.value, sources.join(", "))
        })
        .collect();
    people.sort();
    let count = crate::model::format_count;
    match (people.first(), people.last()) {
        (Some((low, low_by)), Some((high, high_by))) if low != high => {
            text.push_str(&format!(
                " · {}–{} {noun} ({low_by}–{high_by})",
                count(*low),
                count(*high)
            ));
        }
        (Some((value, by)), _) => text.push_str(&format!(" · {} {noun} ({by})", count(*value))),
        _ => {}
    }
    text
}

/// The hover text: name, what it is, when, and the figures with their sources.
pub fn tooltip_text(dataset: &Dataset, feature: &Feature, range: &DaySpan) -> String {
    let mut lines = vec![dataset.display_name(feature)];
    match feature {
        Feature::Place(place) => {
            if let Some(arabic) = &place.name_ar {
                lines.push(arabic.clone());
            }
            let kind = place
                .place_type
                .as_ref()
                .map(|t| t.label())
                .unwrap_or_else(|| "place".into());
            let control = style::control_label(dataset.control_at(place, range));
            lines.push(format!("{kind} · {control}"));
        }
        Feature::Movement(movement) => {
            let when = movement.common.when.map(|w| w.human()).unwrap_or_default();
            lines.push(format!("{when} · {}", movement.status.label()));
            for figure in &movement.figures {
                lines.push(dataset.figure_with_sources(figure));
            }
        }
        Feature::Event(event) => {
            let when = event.common.when.map(|w| w.human()).unwrap_or_default();
            let kind = match event.event_type.known() {
                Some(crate::model::EventType::Presence) => "people present".to_owned(),
                Some(crate::model::EventType::Displacement) => "people displaced".to_owned(),
                _ => event.event_type.label(),
            };
            lines.push(format!("{kind} · {when}"));
            for figure in &event.figures {
                lines.push(dataset.figure_with_sources(figure));
            }
        }
        Feature::Generic(_) => {}
    }
    lines.push("Click for details".into());
    lines
        .iter()
        .map(|line| crate::bidi::visual(line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What an exported feature's `<title>` says: its hover text on one line ("Evacuation Barzeh →
/// Idlib. 12 May 2017 · completed. 1,246 people (SANA). …").
pub fn feature_title(dataset: &Dataset, index: FeatureIndex, range: &DaySpan) -> String {
    let Some(feature) = dataset.get(index) else {
        return dataset.store().id(index.0).to_owned();
    };
    let text = tooltip_text(dataset, &feature, range);
    let lines: Vec<&str> = text.lines().collect();
    lines[..lines.len().saturating_sub(1)].join(". ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arrow_label_gives_the_date_and_the_spread_of_the_sources_counts() {
        let dataset = crate::io::parse_bytes(crate::BUNDLED_STORY.as_bytes(), "bundled")
            .unwrap()
            .dataset;
        let label = |id: &str| match dataset.by_id(id) {
            Some(Feature::Movement(m)) => arrow_label(&dataset, &m),
            other => panic!("{id} is not a movement: {other:?}"),
        };
        assert_eq!(
            label("barzeh-idlib-2017-05-12"),
            "12 May 2017 · 700–1,246 people (SOHR–SANA)"
        );
        assert_eq!(label("qaboun-idlib-2017-05-14"), "14 May 2017");
    }
}

#[cfg(test)]
mod flow_label_tests {
    use super::*;

    #[test]
    fn a_flow_of_refugees_is_labelled_with_its_count_of_refugees() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/import/unhcr-yearly.csv");
        let dataset = crate::open::load(&path).unwrap().dataset;
        let (_, movement) = dataset.movements().next().unwrap();
        assert_eq!(
            arrow_label(&dataset, &movement),
            "2017 · 3,424,237 refugees (unhcr-yearly.csv)"
        );
    }
}
