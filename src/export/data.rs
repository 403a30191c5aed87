//! What the time range shows, as data: GeoJSON in evacmap's own format (it opens identically
//! and passes `evacmap check`) and CSV with one row per figure, so that competing figures from
//! different sources stay separate rows. Dates are written exactly as reported.

use std::collections::HashSet;

use crate::model::{Dataset, Feature};

/// The visible features as a story file, with the places they refer to (so every reference
/// resolves) and the story's metadata and sources. Returns the text and the feature count.
pub fn geojson(dataset: &Dataset, visible: &[bool]) -> (String, usize) {
    let shown = |i: usize| visible.get(i).copied().unwrap_or(false);
    let store = dataset.store();
    let mut needed: HashSet<&str> = HashSet::new();
    for index in (0..dataset.len()).filter(|&i| shown(i)) {
        needed.extend(store.movement_origins(index));
        needed.extend(store.movement_ends(index).map(|(_, to)| to));
        needed.extend(store.event_place(index));
    }
    let features: Vec<Feature> = dataset
        .indexed()
        .filter(|(index, feature)| {
            shown(index.0)
                || matches!(feature, Feature::Place(p) if needed.contains(p.common.id.as_str()))
        })
        .map(|(_, feature)| feature)
        .collect();
    let count = features.len();
    // The chapters whose features are all in the export go with it; the others would name
    // features it does not have.
    let ids: HashSet<&str> = features.iter().map(Feature::id).collect();
    let mut meta = dataset.meta.clone();
    meta.chapters
        .retain(|chapter| chapter.feature_ids().all(|id| ids.contains(id)));
    let subset = Dataset::new(meta, features, dataset.foreign.clone());
    (crate::io::write::to_geojson_string(&subset), count)
}

/// The columns of the CSV export.
pub const CSV_HEADER: [&str; 12] = [
    "movement_id",
    "movement",
    "from",
    "to",
    "when",
    "status",
    "measure",
    "value",
    "qualifier",
    "sources",
    "source_ids",
    "note",
];

/// One row per figure of every visible movement. Returns the text and the row count.
pub fn csv(dataset: &Dataset, visible: &[bool]) -> (String, usize) {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut rows = 0;
    writer.write_record(CSV_HEADER).ok();
    for (index, feature) in dataset.indexed() {
        let Feature::Movement(ref movement) = feature else {
            continue;
        };
        if !visible.get(index.0).copied().unwrap_or(false) {
            continue;
        }
        let place = |id: &str| {
            dataset
                .place(id)
                .and_then(|p| p.common.name.clone())
                .unwrap_or_else(|| id.to_owned())
        };
        let mut from = vec![place(&movement.from)];
        from.extend(movement.also_from.iter().map(|id| place(id)));
        let name = dataset.display_name(&feature);
        let when = movement
            .common
            .when
            .map(|w| w.to_string())
            .unwrap_or_default();
        for figure in &movement.figures {
            let names: Vec<String> = figure
                .sources
                .iter()
                .map(|id| dataset.short_source_name(id))
                .collect();
            let record = [
                movement.common.id.clone(),
                name.clone(),
                from.join("; "),
                place(&movement.to),
                when.clone(),
                movement.status.as_str().to_owned(),
                figure.measure.as_str().to_owned(),
                figure.value.to_string(),
                figure.qualifier.as_str().to_owned(),
                names.join("; "),
                figure.sources.join("; "),
                figure.note.clone().unwrap_or_default(),
            ];
            writer.write_record(&record).ok();
            rows += 1;
        }
    }
    let bytes = writer.into_inner().unwrap_or_default();
    (String::from_utf8_lossy(&bytes).into_owned(), rows)
}
