//! A changed object written back over its old text: the members whose value changed get the new
//! value, the rest keep their text exactly (spacing, member order, number digits, unknown
//! members), so that a one-word edit is a one-word difference in the file.

use serde_json::{Map, Value};

use crate::io::geojson::outline::{Member, object_members};

/// `original`, an object's text, with every member whose value differs between `before` and
/// `after` (the old and the new object as evacmap writes them) given `after`'s value: nested
/// objects member by member, other values whole. Members `after` lacks are taken out; members
/// only `after` has are added at the end. `None` when `original` is not an object.
pub fn merge_object(
    original: &str,
    before: &Map<String, Value>,
    after: &Map<String, Value>,
) -> Option<String> {
    let text = original.as_bytes();
    let (members, object) = object_members(text)?;
    // A bbox says where the geometry is: once the geometry moved, the old one would be wrong.
    let moved = before.get("geometry") != after.get("geometry")
        || before.get("coordinates") != after.get("coordinates");
    let mut pieces: Vec<(Option<usize>, String)> = Vec::new();
    for (at, member) in members.iter().enumerate() {
        let name = member.name.as_str();
        let old = before.get(name);
        let new = after.get(name);
        let value_text = &original[member.value.clone()];
        let value = match (old, new) {
            _ if name == "bbox" && moved => continue,
            (Some(old), Some(new)) if old == new => value_text.to_owned(),
            (_, Some(Value::Object(new))) if value_text.starts_with('{') => {
                let old = match old {
                    Some(Value::Object(old)) => old.clone(),
                    _ => Map::new(),
                };
                merge_object(value_text, &old, new)
                    .unwrap_or_else(|| compact(&Value::Object(new.clone())))
            }
            (_, Some(new)) if name == "coordinates" => with_elevation(value_text, new),
            (_, Some(new)) => compact(new),
            (Some(_), None) => continue,
            (None, None) => value_text.to_owned(),
        };
        pieces.push((Some(at), member_text(original, member, &value)));
    }
    for (name, value) in after {
        // Only what the edit changed: a default evacmap writes (a figure's "exact") but the
        // file left out stays out.
        let in_text = members.iter().any(|m| m.name == *name);
        if !in_text && before.get(name) != Some(value) {
            pieces.push((
                None,
                format!(
                    "{}: {}",
                    compact(&Value::String(name.clone())),
                    compact(value)
                ),
            ));
        }
    }
    Some(join(original, &members, object, &pieces))
}

/// A member's key and value, with the spacing around its colon as it was.
fn member_text(original: &str, member: &Member, value: &str) -> String {
    format!("{}{value}", &original[member.key.start..member.value.start])
}

/// The object again: its opening as it was, the members kept or changed with the separators
/// they had, added ones with the first separator, its closing as it was.
fn join(
    original: &str,
    members: &[Member],
    object: std::ops::Range<usize>,
    pieces: &[(Option<usize>, String)],
) -> String {
    let (opening, closing) = match (members.first(), members.last()) {
        (Some(first), Some(last)) => (
            &original[object.start..first.key.start],
            &original[last.value.end..object.end],
        ),
        _ => ("{", "}"),
    };
    let usual = match members.get(1) {
        Some(second) => &original[members[0].value.end..second.key.start],
        None => ", ",
    };
    let mut text = String::with_capacity(original.len() + 64);
    text.push_str(opening);
    let mut previous: Option<Option<usize>> = None;
    for (at, piece) in pieces {
        if let Some(previous) = previous {
            match (previous, at) {
                (Some(p), Some(a)) if *a == p + 1 => {
                    text.push_str(&original[members[p].value.end..members[*a].key.start]);
                }
                _ => text.push_str(usual),
            }
        }
        text.push_str(piece);
        previous = Some(*at);
    }
    text.push_str(closing);
    text
}

/// A moved point's new position, with the elevation it had (evacmap draws in two dimensions;
/// the third number is another tool's and stays as it was written).
fn with_elevation(old: &str, new: &Value) -> String {
    let flat = |text: &str| !text[1..].contains(['[', '{']);
    match new {
        Value::Array(position) if position.len() == 2 && old.starts_with('[') && flat(old) => {
            let parts: Vec<&str> = old[1..old.len() - 1].split(',').map(str::trim).collect();
            match parts.as_slice() {
                [_, _, elevation] => format!("[{},{},{elevation}]", position[0], position[1]),
                _ => compact(new),
            }
        }
        _ => compact(new),
    }
}

fn compact(value: &Value) -> String {
    // Writing a JSON value to text cannot fail.
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
