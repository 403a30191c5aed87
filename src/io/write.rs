//! Writing a story back to GeoJSON: known members in a fixed order, unknown ones as they were.

use serde_json::{Map, Value, json};

use super::geojson::FORMAT_VERSION;
use crate::model::{
    Chapter, ChapterView, Common, ControlClaim, Dataset, Extra, Feature, Figure, Source, StoryMeta,
    Term, Vocabulary,
};

/// The dataset as a GeoJSON FeatureCollection.
pub fn to_geojson(dataset: &Dataset) -> Value {
    let mut root = to_geojson_without_features(dataset);
    let features = dataset.features().map(|f| feature_to_json(&f)).collect();
    root.insert("features".into(), Value::Array(features));
    Value::Object(root)
}

/// The collection's own members: its type, the story's member, the unknown ones.
pub(crate) fn to_geojson_without_features(dataset: &Dataset) -> Map<String, Value> {
    let mut root = Map::new();
    root.insert("type".into(), "FeatureCollection".into());
    let meta = &dataset.meta;
    if meta.version > 0 || !meta.sources.is_empty() || meta.title.is_some() {
        root.insert("evacmap".into(), meta_to_json(meta));
    }
    append(&mut root, &dataset.foreign);
    root
}

/// The story's own member (`"evacmap"`): version, title, description, sources.
pub(crate) fn meta_to_json(meta: &StoryMeta) -> Value {
    let mut evacmap = Map::new();
    evacmap.insert("version".into(), meta.version.max(FORMAT_VERSION).into());
    put(&mut evacmap, "title", meta.title.as_deref());
    put(&mut evacmap, "description", meta.description.as_deref());
    let sources: Map<String, Value> = meta
        .sources
        .iter()
        .map(|s| (s.id.clone(), source_to_json(s)))
        .collect();
    evacmap.insert("sources".into(), Value::Object(sources));
    if !meta.chapters.is_empty() {
        let chapters = meta.chapters.iter().map(chapter_to_json).collect();
        evacmap.insert("chapters".into(), Value::Array(chapters));
    }
    append(&mut evacmap, &meta.extra);
    Value::Object(evacmap)
}

/// The dataset as pretty-printed GeoJSON text.
pub fn to_geojson_string(dataset: &Dataset) -> String {
    let mut text =
        serde_json::to_string_pretty(&to_geojson(dataset)).unwrap_or_else(|_| String::from("{}"));
    text.push('\n');
    text
}

fn put(map: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(value) = value {
        map.insert(key.into(), value.into());
    }
}

fn put_term<T: Vocabulary>(map: &mut Map<String, Value>, key: &str, term: Option<&Term<T>>) {
    put(map, key, term.map(Term::as_str));
}

fn put_list(map: &mut Map<String, Value>, key: &str, items: &[String]) {
    if !items.is_empty() {
        map.insert(key.into(), json!(items));
    }
}

fn append(map: &mut Map<String, Value>, extra: &Extra) {
    for (key, value) in extra {
        map.entry(key.clone()).or_insert_with(|| value.clone());
    }
}

pub(crate) fn chapter_to_json(chapter: &Chapter) -> Value {
    let mut map = Map::new();
    map.insert("id".into(), chapter.id.clone().into());
    map.insert("title".into(), chapter.title.clone().into());
    if !chapter.text.is_empty() {
        map.insert("text".into(), chapter.text.clone().into());
    }
    let when = chapter.when.map(|w| w.to_string());
    put(&mut map, "when", when.as_deref());
    match &chapter.view {
        Some(ChapterView::Bounds(bbox)) => {
            map.insert("view".into(), json!({ "bbox": bbox }));
        }
        Some(ChapterView::Fit(ids)) => {
            map.insert("view".into(), json!({ "fit": ids }));
        }
        None => {}
    }
    put(&mut map, "select", chapter.select.as_deref());
    put_list(&mut map, "emphasise", &chapter.emphasise);
    put_list(&mut map, "sources", &chapter.sources);
    append(&mut map, &chapter.extra);
    Value::Object(map)
}

pub(crate) fn source_to_json(source: &Source) -> Value {
    let mut map = Map::new();
    map.insert("name".into(), source.name.clone().into());
    put_term(&mut map, "kind", source.kind.as_ref());
    put(&mut map, "url", source.url.as_deref());
    put(&mut map, "title", source.title.as_deref());
    let published = source.published.map(|w| w.to_string());
    put(&mut map, "published", published.as_deref());
    put(&mut map, "note", source.note.as_deref());
    append(&mut map, &source.extra);
    Value::Object(map)
}

fn figure_to_json(figure: &Figure) -> Value {
    let mut map = Map::new();
    map.insert("measure".into(), figure.measure.as_str().into());
    map.insert("value".into(), figure.value.into());
    map.insert("qualifier".into(), figure.qualifier.as_str().into());
    map.insert("sources".into(), json!(figure.sources));
    put(&mut map, "note", figure.note.as_deref());
    append(&mut map, &figure.extra);
    Value::Object(map)
}

fn control_to_json(claim: &ControlClaim) -> Value {
    let mut map = Map::new();
    let when = claim.when.map(|w| w.to_string());
    put(&mut map, "when", when.as_deref());
    map.insert("status".into(), claim.status.as_str().into());
    if let Some(share) = claim.share_percent {
        map.insert("share".into(), json!(share));
    }
    put_term(&mut map, "qualifier", claim.qualifier.as_ref());
    put_list(&mut map, "actors", &claim.actors);
    map.insert("sources".into(), json!(claim.sources));
    put(&mut map, "note", claim.note.as_deref());
    append(&mut map, &claim.extra);
    Value::Object(map)
}

fn common_properties(kind: &str, common: &Common) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("kind".into(), kind.into());
    put(&mut map, "name", common.name.as_deref());
    let when = common.when.map(|w| w.to_string());
    put(&mut map, "when", when.as_deref());
    put(&mut map, "when_basis", common.when_basis.as_deref());
    map
}

/// One feature as GeoJSON: known members in a fixed order, unknown ones as they were.
pub(crate) fn feature_to_json(feature: &Feature) -> Value {
    let common = feature.common();
    let mut properties = match feature {
        Feature::Generic(_) => Map::new(),
        Feature::Place(place) => {
            let mut map = common_properties("place", common);
            put(&mut map, "name_ar", place.name_ar.as_deref());
            put_list(&mut map, "name_variants", &place.name_variants);
            put_term(&mut map, "place_type", place.place_type.as_ref());
            put(&mut map, "admin1", place.admin1.as_deref());
            put_term(&mut map, "geo_precision", place.geo_precision.as_ref());
            put(&mut map, "description", place.description.as_deref());
            if !place.control.is_empty() {
                let claims = place.control.iter().map(control_to_json).collect();
                map.insert("control".into(), Value::Array(claims));
            }
            map
        }
        Feature::Movement(movement) => {
            let mut map = common_properties("movement", common);
            if movement.also_from.is_empty() {
                map.insert("from".into(), movement.from.clone().into());
            } else {
                let origins: Vec<&String> = std::iter::once(&movement.from)
                    .chain(&movement.also_from)
                    .collect();
                map.insert("from".into(), json!(origins));
            }
            map.insert("to".into(), movement.to.clone().into());
            if movement.to_assumed {
                map.insert("to_assumed".into(), true.into());
            }
            map.insert(
                "movement_type".into(),
                movement.movement_type.as_str().into(),
            );
            map.insert("status".into(), movement.status.as_str().into());
            if !movement.figures.is_empty() {
                let figures = movement.figures.iter().map(figure_to_json).collect();
                map.insert("figures".into(), Value::Array(figures));
            }
            put(&mut map, "summary", movement.summary.as_deref());
            map
        }
        Feature::Event(event) => {
            let mut map = common_properties("event", common);
            map.insert("event_type".into(), event.event_type.as_str().into());
            put(&mut map, "place", event.place.as_deref());
            put(&mut map, "summary", event.summary.as_deref());
            put_list(&mut map, "actors", &event.actors);
            if !event.figures.is_empty() {
                let figures = event.figures.iter().map(figure_to_json).collect();
                map.insert("figures".into(), Value::Array(figures));
            }
            map
        }
    };
    if !matches!(feature, Feature::Generic(_)) && !common.sources.is_empty() {
        properties.insert("sources".into(), json!(common.sources));
    }
    append(&mut properties, &common.extra);

    let mut map = Map::new();
    map.insert("type".into(), "Feature".into());
    match feature {
        Feature::Generic(g) => {
            if let Some(id) = &g.own_id {
                map.insert("id".into(), id.to_json());
            }
        }
        _ => {
            map.insert("id".into(), common.id.clone().into());
        }
    }
    let geometry = common
        .geometry
        .as_ref()
        .map(|g| serde_json::to_value(geojson::Geometry::new(g.into())).unwrap_or(Value::Null))
        .unwrap_or(Value::Null);
    map.insert("geometry".into(), geometry);
    map.insert("properties".into(), Value::Object(properties));
    append(&mut map, &common.foreign);
    Value::Object(map)
}
