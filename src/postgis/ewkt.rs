//! A geometry as PostGIS reads it in `COPY`: extended well-known text in WGS 84
//! (`SRID=4326;POINT(36.3 33.5)`), each number in the fewest digits that read back the same.

use geo::{Coord, Geometry, LineString, Polygon};

/// `SRID=4326;…` for `geometry`.
pub fn ewkt(geometry: &Geometry<f64>) -> String {
    let mut text = String::from("SRID=4326;");
    write_geometry(&mut text, geometry);
    text
}

fn write_geometry(out: &mut String, geometry: &Geometry<f64>) {
    match geometry {
        Geometry::Point(point) => {
            out.push_str("POINT(");
            coord(out, point.0);
            out.push(')');
        }
        Geometry::Line(line) => {
            out.push_str("LINESTRING");
            coords(out, [line.start, line.end].into_iter());
        }
        Geometry::LineString(line) => {
            out.push_str("LINESTRING");
            line_string(out, line);
        }
        Geometry::Polygon(polygon) => {
            out.push_str("POLYGON");
            rings(out, polygon);
        }
        Geometry::MultiPoint(points) => {
            out.push_str("MULTIPOINT");
            list(out, points.0.iter(), |out, p| {
                out.push('(');
                coord(out, p.0);
                out.push(')');
            });
        }
        Geometry::MultiLineString(lines) => {
            out.push_str("MULTILINESTRING");
            list(out, lines.0.iter(), line_string);
        }
        Geometry::MultiPolygon(polygons) => {
            out.push_str("MULTIPOLYGON");
            list(out, polygons.0.iter(), rings);
        }
        Geometry::GeometryCollection(collection) => {
            out.push_str("GEOMETRYCOLLECTION");
            list(out, collection.0.iter(), write_geometry);
        }
        Geometry::Rect(rect) => {
            out.push_str("POLYGON");
            rings(out, &rect.to_polygon());
        }
        Geometry::Triangle(triangle) => {
            out.push_str("POLYGON");
            rings(out, &triangle.to_polygon());
        }
    }
}

/// `(a, b, …)`, or `EMPTY` for none.
fn list<T>(out: &mut String, items: impl Iterator<Item = T>, each: impl Fn(&mut String, T)) {
    let mut any = false;
    for item in items {
        out.push(if any { ',' } else { '(' });
        each(out, item);
        any = true;
    }
    out.push_str(if any { ")" } else { " EMPTY" });
}

fn coord(out: &mut String, c: Coord<f64>) {
    // `{}` writes an f64 in the fewest digits that read back as the same number.
    out.push_str(&c.x.to_string());
    out.push(' ');
    out.push_str(&c.y.to_string());
}

fn coords(out: &mut String, points: impl Iterator<Item = Coord<f64>>) {
    list(out, points, coord);
}

fn line_string(out: &mut String, line: &LineString<f64>) {
    coords(out, line.0.iter().copied());
}

fn rings(out: &mut String, polygon: &Polygon<f64>) {
    list(
        out,
        std::iter::once(polygon.exterior()).chain(polygon.interiors()),
        line_string,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{line_string, point, polygon};

    #[test]
    fn geometries_are_written_as_postgis_reads_them() {
        assert_eq!(
            ewkt(&Geometry::Point(point!(x: 36.33778, y: 33.54611))),
            "SRID=4326;POINT(36.33778 33.54611)"
        );
        assert_eq!(
            ewkt(&Geometry::LineString(
                line_string![(x: 0.1, y: 0.2), (x: 1.0, y: -2.5)]
            )),
            "SRID=4326;LINESTRING(0.1 0.2,1 -2.5)"
        );
        assert_eq!(
            ewkt(&Geometry::Polygon(
                polygon![(x: 0., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.)]
            )),
            "SRID=4326;POLYGON((0 0,1 0,1 1,0 0))"
        );
        assert_eq!(
            ewkt(&Geometry::MultiPoint(geo::MultiPoint(Vec::new()))),
            "SRID=4326;MULTIPOINT EMPTY"
        );
    }
}
