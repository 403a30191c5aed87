//! RFC 7946's structural rules, checked on the parsed JSON, and the conversion of GeoJSON
//! geometry to `geo` types that only happens once the rules hold.
//!
//! Policy: every MUST of RFC 7946 that can be checked on one object is an error, located at the
//! member that breaks it (a position with fewer than two numbers, a LineString with fewer than
//! two positions, an open or short linear ring, a bbox that is not 2·n numbers or whose south is
//! north of its north, a member of the wrong JSON type, an unknown or misspelt `type`, a member
//! that §7.1 forbids on that kind of object). A SHOULD is a warning and the file opens (a ring
//! wound the wrong way, more than three numbers in a position, a nested GeometryCollection).
//! Nothing here indexes or unwraps: every shape of input comes back as findings.

use geo::{
    Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon,
    Point, Polygon,
};
use serde_json::{Map, Value};

use crate::io::problem::{Severity, describe_value, join_path, quote};

/// A broken rule, located by a path relative to the object checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub severity: Severity,
    pub path: String,
    pub message: String,
}

/// Findings as they are collected.
#[derive(Debug, Default)]
pub struct Findings(pub Vec<Finding>);

impl Findings {
    pub fn error(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.push(Severity::Error, path.into(), message.into());
    }

    pub fn warning(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.push(Severity::Warning, path.into(), message.into());
    }

    fn push(&mut self, severity: Severity, path: String, message: String) {
        self.0.push(Finding {
            severity,
            path,
            message,
        });
    }

    fn error_count(&self) -> usize {
        self.0
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }
}

/// The seven geometry types, as RFC 7946 spells them (case matters).
pub const GEOMETRY_TYPES: [&str; 7] = [
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

/// "a string", "an array", … for messages.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Which kind of GeoJSON object is being checked, for the members §7.1 forbids on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    FeatureCollection,
    Feature,
    Geometry,
}

impl ObjectKind {
    fn name(self) -> &'static str {
        match self {
            ObjectKind::FeatureCollection => "FeatureCollection",
            ObjectKind::Feature => "Feature",
            ObjectKind::Geometry => "geometry",
        }
    }

    /// RFC 7946 §7.1: these members define other kinds of object and must not appear here.
    fn forbidden_members(self) -> &'static [&'static str] {
        match self {
            ObjectKind::FeatureCollection => {
                &["coordinates", "geometries", "geometry", "properties"]
            }
            ObjectKind::Feature => &["coordinates", "geometries", "features"],
            ObjectKind::Geometry => &["geometry", "properties", "features"],
        }
    }
}

/// The rules every GeoJSON object shares: no member that belongs to another kind of object, a
/// well-formed `bbox`, and a warning for the pre-RFC `crs` member.
pub fn check_object_members(
    map: &Map<String, Value>,
    path: &str,
    kind: ObjectKind,
    findings: &mut Findings,
) {
    for member in kind.forbidden_members() {
        if map.contains_key(*member) {
            findings.error(
                join_path(path, member),
                format!(
                    "a {} must not have a {} member (RFC 7946 §7.1): it belongs to another kind \
                     of GeoJSON object",
                    kind.name(),
                    quote(member)
                ),
            );
        }
    }
    if let Some(bbox) = map.get("bbox") {
        check_bbox(bbox, &join_path(path, "bbox"), findings);
    }
    if map.contains_key("crs") {
        findings.warning(
            join_path(path, "crs"),
            "the \"crs\" member is from an older GeoJSON and is ignored: RFC 7946 coordinates \
             are always WGS 84 longitude and latitude",
        );
    }
}

/// RFC 7946 §5: a bbox is 2·n numbers (west, south, [min elevation,] east, north[, max
/// elevation]); south is not north of north. West may be east of east (across ±180°).
pub fn check_bbox(value: &Value, path: &str, findings: &mut Findings) {
    let Value::Array(items) = value else {
        findings.error(
            path,
            format!(
                "a bbox is an array of numbers, found {}",
                describe_value(value)
            ),
        );
        return;
    };
    let mut numbers = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match item.as_f64() {
            Some(number) => numbers.push(number),
            None => {
                findings.error(
                    format!("{path}[{i}]"),
                    format!("a bbox holds numbers, found {}", describe_value(item)),
                );
                return;
            }
        }
    }
    let dimensions = match numbers.len() {
        4 => 2,
        6 => 3,
        n => {
            findings.error(
                path,
                format!(
                    "a bbox has 2·n numbers for n dimensions (4: west, south, east, north; or 6 \
                     with elevations), found {n}"
                ),
            );
            return;
        }
    };
    let (south, north) = (numbers.get(1), numbers.get(dimensions + 1));
    if let (Some(south), Some(north)) = (south, north)
        && south > north
    {
        findings.error(
            path,
            format!(
                "a bbox's southern edge {south} is north of its northern edge {north} (the order \
                 is west, south, east, north)"
            ),
        );
    }
    if dimensions == 3
        && let (Some(low), Some(high)) = (numbers.get(2), numbers.get(5))
        && low > high
    {
        findings.error(
            path,
            format!("a bbox's lowest elevation {low} is above its highest {high}"),
        );
    }
}

/// Checks a geometry object (`null` is no geometry) and converts it once it is valid.
///
/// Returns `None` for `null`, for an empty geometry (RFC 7946 §3.1 lets readers treat empty
/// `coordinates` as null; a warning says so) and for an invalid one (the errors say why).
pub fn read_geometry(value: &Value, path: &str, findings: &mut Findings) -> Option<Geometry<f64>> {
    if value.is_null() {
        return None;
    }
    let mut reader = GeometryReader {
        findings,
        warned_extra_numbers: false,
        warned_winding: false,
    };
    let errors_before = reader.findings.error_count();
    let geometry = reader.geometry(value, path, 0);
    // A geometry with any error is not used at all, even where parts of it converted.
    if reader.findings.error_count() > errors_before {
        return None;
    }
    geometry
}

struct GeometryReader<'a> {
    findings: &'a mut Findings,
    /// SHOULD-level findings are noted once per geometry, not once per position.
    warned_extra_numbers: bool,
    warned_winding: bool,
}

impl GeometryReader<'_> {
    fn geometry(&mut self, value: &Value, path: &str, depth: usize) -> Option<Geometry<f64>> {
        let Value::Object(map) = value else {
            self.findings.error(
                path,
                format!(
                    "a geometry is an object (or null), found {}",
                    describe_value(value)
                ),
            );
            return None;
        };
        check_object_members(map, path, ObjectKind::Geometry, self.findings);
        let type_path = join_path(path, "type");
        let kind = match map.get("type") {
            Some(Value::String(kind)) => kind.as_str(),
            Some(other) => {
                self.findings.error(
                    type_path,
                    format!("expected a string, found {}", type_name(other)),
                );
                return None;
            }
            None => {
                self.findings
                    .error(type_path, "a geometry needs a \"type\" member");
                return None;
            }
        };
        if !GEOMETRY_TYPES.contains(&kind) {
            self.findings.error(
                type_path,
                format!(
                    "{} is not a GeoJSON geometry type (expected one of {}; names are \
                     case-sensitive)",
                    quote(kind),
                    GEOMETRY_TYPES.join(", ")
                ),
            );
            return None;
        }
        if kind == "GeometryCollection" {
            return self.collection(map, path, depth);
        }
        let coordinates_path = join_path(path, "coordinates");
        let Some(coordinates) = map.get("coordinates") else {
            self.findings.error(
                coordinates_path,
                format!("a {kind} needs a \"coordinates\" member"),
            );
            return None;
        };
        if matches!(coordinates, Value::Array(items) if items.is_empty()) {
            self.findings.warning(
                coordinates_path,
                format!("an empty {kind}: read as no geometry (RFC 7946 §3.1)"),
            );
            return None;
        }
        let path = coordinates_path.as_str();
        match kind {
            "Point" => self.position(coordinates, path).map(|c| Point(c).into()),
            "MultiPoint" => {
                let items = self.array(coordinates, path, "positions")?;
                let points = self.each(items, path, |r, v, p| r.position(v, p).map(Point))?;
                Some(MultiPoint(points).into())
            }
            "LineString" => self.line(coordinates, path).map(Geometry::LineString),
            "MultiLineString" => {
                let items = self.array(coordinates, path, "LineString coordinates")?;
                let lines = self.each(items, path, |r, v, p| r.line(v, p))?;
                Some(MultiLineString(lines).into())
            }
            "Polygon" => self.polygon(coordinates, path).map(Geometry::Polygon),
            _ => {
                let items = self.array(coordinates, path, "Polygon coordinates")?;
                let polygons = self.each(items, path, |r, v, p| r.polygon(v, p))?;
                Some(MultiPolygon(polygons).into())
            }
        }
    }

    fn collection(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        depth: usize,
    ) -> Option<Geometry<f64>> {
        let members_path = join_path(path, "geometries");
        let Some(members) = map.get("geometries") else {
            self.findings.error(
                members_path,
                "a GeometryCollection needs a \"geometries\" member",
            );
            return None;
        };
        if depth > 0 {
            self.findings.warning(
                path,
                "a GeometryCollection inside another should be avoided (RFC 7946 §3.1.8); read \
                 all the same",
            );
        }
        let items = self.array(members, &members_path, "geometry objects")?;
        let mut geometries = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let item_path = format!("{members_path}[{i}]");
            if item.is_null() {
                self.findings.error(
                    item_path,
                    "a GeometryCollection holds geometry objects, found null",
                );
                ok = false;
                continue;
            }
            match self.geometry(item, &item_path, depth + 1) {
                Some(geometry) => geometries.push(geometry),
                None => ok = false,
            }
        }
        ok.then_some(Geometry::GeometryCollection(GeometryCollection(geometries)))
    }

    fn array<'v>(&mut self, value: &'v Value, path: &str, of: &str) -> Option<&'v Vec<Value>> {
        match value {
            Value::Array(items) => Some(items),
            other => {
                self.findings.error(
                    path,
                    format!("expected an array of {of}, found {}", describe_value(other)),
                );
                None
            }
        }
    }

    /// Reads every item (so every problem is reported), then gives all or nothing.
    fn each<T>(
        &mut self,
        items: &[Value],
        path: &str,
        mut read: impl FnMut(&mut Self, &Value, &str) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            match read(self, item, &format!("{path}[{i}]")) {
                Some(value) => out.push(value),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// RFC 7946 §3.1.1: two or more numbers, longitude first.
    fn position(&mut self, value: &Value, path: &str) -> Option<Coord<f64>> {
        let Value::Array(numbers) = value else {
            self.findings.error(
                path,
                format!(
                    "a position is an array of two or more numbers [longitude, latitude], found \
                     {}",
                    describe_value(value)
                ),
            );
            return None;
        };
        if numbers.len() < 2 {
            self.findings.error(
                path,
                format!(
                    "a position has two or more numbers [longitude, latitude], found {}",
                    numbers.len()
                ),
            );
            return None;
        }
        for (i, number) in numbers.iter().enumerate() {
            if !number.is_number() {
                self.findings.error(
                    format!("{path}[{i}]"),
                    format!("a coordinate is a number, found {}", describe_value(number)),
                );
                return None;
            }
        }
        if numbers.len() > 3 && !self.warned_extra_numbers {
            self.warned_extra_numbers = true;
            self.findings.warning(
                path,
                format!(
                    "a position should have at most three numbers (longitude, latitude, \
                     elevation), found {}; the rest are ignored",
                    numbers.len()
                ),
            );
        }
        let x = numbers.first().and_then(Value::as_f64)?;
        let y = numbers.get(1).and_then(Value::as_f64)?;
        Some(Coord { x, y })
    }

    fn positions(&mut self, value: &Value, path: &str) -> Option<Vec<Coord<f64>>> {
        let items = self.array(value, path, "positions")?;
        self.each(items, path, |r, v, p| r.position(v, p))
    }

    /// RFC 7946 §3.1.4: two or more positions.
    fn line(&mut self, value: &Value, path: &str) -> Option<LineString<f64>> {
        let coords = self.positions(value, path)?;
        if coords.len() < 2 {
            self.findings.error(
                path,
                format!(
                    "a LineString has two or more positions, found {}",
                    coords.len()
                ),
            );
            return None;
        }
        Some(LineString(coords))
    }

    /// RFC 7946 §3.1.6: linear rings of four or more positions, closed; the outer one
    /// counterclockwise and holes clockwise (a SHOULD).
    fn polygon(&mut self, value: &Value, path: &str) -> Option<Polygon<f64>> {
        let items = self.array(value, path, "linear rings")?;
        let rings = self.each(items, path, |r, v, p| r.ring(v, p))?;
        let mut rings = rings.into_iter();
        let exterior = rings.next()?;
        let interiors: Vec<LineString<f64>> = rings.collect();
        let exterior_clockwise = signed_area(&exterior) < 0.0;
        let hole_counterclockwise = interiors.iter().any(|hole| signed_area(hole) > 0.0);
        if (exterior_clockwise || hole_counterclockwise) && !self.warned_winding {
            self.warned_winding = true;
            self.findings.warning(
                path,
                "rings should follow the right-hand rule: the outer ring counterclockwise, holes \
                 clockwise (RFC 7946 §3.1.6); drawn all the same",
            );
        }
        Some(Polygon::new(exterior, interiors))
    }

    fn ring(&mut self, value: &Value, path: &str) -> Option<LineString<f64>> {
        let coords = self.positions(value, path)?;
        if coords.len() < 4 {
            self.findings.error(
                path,
                format!(
                    "a linear ring has four or more positions, found {}",
                    coords.len()
                ),
            );
            return None;
        }
        let closed = match value {
            Value::Array(items) => same_position(items.first(), items.last()),
            _ => false,
        };
        if !closed {
            self.findings.error(
                path,
                "a linear ring is closed: its last position repeats its first exactly",
            );
            return None;
        }
        Some(LineString(coords))
    }
}

/// The first and last positions of a ring hold identical values (elevation included).
fn same_position(first: Option<&Value>, last: Option<&Value>) -> bool {
    let numbers = |value: Option<&Value>| -> Option<Vec<f64>> {
        value?.as_array()?.iter().map(Value::as_f64).collect()
    };
    match (numbers(first), numbers(last)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// Twice the signed area of a ring (shoelace): positive when it runs counterclockwise.
fn signed_area(ring: &LineString<f64>) -> f64 {
    ring.0
        .windows(2)
        .map(|pair| match pair {
            [a, b] => a.x * b.y - b.x * a.y,
            _ => 0.0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(value: Value) -> (Option<Geometry<f64>>, Vec<Finding>) {
        let mut findings = Findings::default();
        let geometry = read_geometry(&value, "geometry", &mut findings);
        (geometry, findings.0)
    }

    fn only_error(value: Value) -> Finding {
        let (geometry, findings) = read(value);
        assert!(geometry.is_none());
        let errors: Vec<Finding> = findings
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert_eq!(errors.len(), 1, "{errors:#?}");
        errors.into_iter().next().unwrap_or_else(|| unreachable!())
    }

    #[test]
    fn a_position_with_one_number_is_an_error_not_a_panic() {
        let error = only_error(json!({"type": "LineString", "coordinates": [[0, 0], [1]]}));
        assert_eq!(error.path, "geometry.coordinates[1]");
        assert!(error.message.contains("two or more numbers"), "{error:?}");
    }

    #[test]
    fn a_valid_polygon_converts_without_findings() {
        let (geometry, findings) = read(json!({"type": "Polygon",
            "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}));
        assert!(matches!(geometry, Some(Geometry::Polygon(_))));
        assert!(findings.is_empty(), "{findings:#?}");
    }

    #[test]
    fn a_clockwise_outer_ring_is_a_warning_and_the_polygon_is_kept() {
        let (geometry, findings) = read(json!({"type": "Polygon",
            "coordinates": [[[0, 0], [0, 1], [1, 1], [0, 0]]]}));
        assert!(geometry.is_some());
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].severity, Severity::Warning);
        assert!(findings[0].message.contains("right-hand rule"));
    }

    #[test]
    fn an_open_ring_and_a_short_ring_are_errors() {
        let open = only_error(
            json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}),
        );
        assert!(open.message.contains("is closed"), "{open:?}");
        let short =
            only_error(json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}));
        assert!(short.message.contains("four or more positions, found 3"));
    }

    #[test]
    fn a_misspelt_type_names_the_seven_types() {
        let error = only_error(json!({"type": "linestring", "coordinates": [[0, 0], [1, 1]]}));
        assert_eq!(error.path, "geometry.type");
        assert!(error.message.contains("case-sensitive"));
    }

    #[test]
    fn a_bbox_must_have_an_even_count_and_south_below_north() {
        let mut findings = Findings::default();
        check_bbox(&json!([0, 0, 1]), "bbox", &mut findings);
        check_bbox(&json!([0, 10, 1, 5]), "bbox", &mut findings);
        check_bbox(&json!([170, -10, -170, 10]), "bbox", &mut findings);
        let messages: Vec<&str> = findings.0.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:#?}");
        assert!(messages[0].contains("found 3"));
        assert!(messages[1].contains("southern edge 10 is north of its northern edge 5"));
    }
}
