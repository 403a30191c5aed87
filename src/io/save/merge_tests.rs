use super::*;
use serde_json::json;

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[test]
fn an_unchanged_object_is_its_own_text() {
    let text = "{ \"b\" :1.50,\n  \"a\": [1e3, 2] ,\"x\":{\"y\":null}}";
    let before = object(json!({"a": [1000.0, 2], "b": 1.5, "x": {"y": null}}));
    assert_eq!(merge_object(text, &before, &before).as_deref(), Some(text));
}

#[test]
fn one_changed_member_is_the_only_difference() {
    let text = "{\n  \"type\": \"Feature\",\n  \"properties\": {\n    \"name\": \"Qaboun\",\n    \"n\": 13.383953285627953\n  },\n  \"other\": 1.0\n}";
    let before = object(
        json!({"type": "Feature", "properties": {"name": "Qaboun", "n": 13.383953285627952_f64}}),
    );
    let after = object(
        json!({"type": "Feature", "properties": {"name": "al-Qaboun", "n": 13.383953285627952_f64}}),
    );
    let merged = merge_object(text, &before, &after).expect("an object");
    assert_eq!(merged, text.replace("\"Qaboun\"", "\"al-Qaboun\""));
}

#[test]
fn members_are_added_at_the_end_and_taken_out_with_their_separator() {
    let text = "{\"a\": 1, \"b\": 2, \"c\": 3}";
    let before = object(json!({"a": 1, "b": 2, "c": 3}));
    let after = object(json!({"a": 1, "c": 3, "d": "new"}));
    assert_eq!(
        merge_object(text, &before, &after).as_deref(),
        Some("{\"a\": 1, \"c\": 3, \"d\": \"new\"}")
    );
    let after = object(json!({"b": 2, "c": 3}));
    assert_eq!(
        merge_object(text, &before, &after).as_deref(),
        Some("{\"b\": 2, \"c\": 3}")
    );
}

#[test]
fn a_default_the_file_left_out_stays_out() {
    let text = "{\"measure\": \"people\", \"value\": 5}";
    let before = object(json!({"measure": "people", "value": 5, "qualifier": "exact"}));
    let after = object(json!({"measure": "people", "value": 6, "qualifier": "exact"}));
    assert_eq!(
        merge_object(text, &before, &after).as_deref(),
        Some("{\"measure\": \"people\", \"value\": 6}")
    );
}

#[test]
fn a_moved_geometry_loses_its_stale_bounding_boxes_and_keeps_its_elevation_and_the_rest() {
    let text = r#"{"type": "Feature", "bbox": [1, 2, 1, 2], "geometry": {"type": "Point", "coordinates": [1, 2, 30.5], "bbox": [1, 2, 1, 2], "crs_note": "x"}, "properties": {}}"#;
    let before = object(
        json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [1.0, 2.0]}, "properties": {}}),
    );
    let after = object(
        json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [3.0, 4.0]}, "properties": {}}),
    );
    assert_eq!(
        merge_object(text, &before, &after).as_deref(),
        Some(
            r#"{"type": "Feature", "geometry": {"type": "Point", "coordinates": [3.0,4.0,30.5], "crs_note": "x"}, "properties": {}}"#
        )
    );
}
