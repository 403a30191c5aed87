use super::*;

#[test]
fn every_bundled_layer_loads() {
    let basemap = Basemap::bundled("SYR");
    let (polygons, lines, labels) = basemap.counts();
    assert!(polygons >= 20, "{polygons} polygons");
    assert!(lines >= 50, "{lines} lines");
    // Regional: 10 named countries (the Cyprus buffer zone and N. Cyprus have no English
    // name), 14 governorates (not the UNDOF zone), 72 places. World: 242 countries and the
    // 1:50m places outside the region's box.
    let world_places_outside = features(WORLD_PLACES)
        .iter()
        .filter(|(g, _)| matches!(g, Geometry::Point(p) if !in_region(p.x(), p.y())))
        .count();
    assert!(world_places_outside > 1_000, "{world_places_outside}");
    assert_eq!(labels, 10 + 14 + 72 + 242 + world_places_outside);
    // At full detail every polygon has triangles (a coarse level may drop an islet).
    assert!(basemap.fills.iter().all(|f| {
        let full = f.details.for_error(0.0);
        !full.indices.is_empty() && full.indices.len() % 3 == 0
    }));
}

/// WCAG 2 contrast ratio of two opaque colours.
fn contrast(a: Color32, b: Color32) -> f32 {
    let luminance = |c: Color32| {
        let channel = |v: u8| {
            let v = v as f32 / 255.0;
            if v <= 0.039_28 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(c.r()) + 0.7152 * channel(c.g()) + 0.0722 * channel(c.b())
    };
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Whether a land triangle (world or regional) of the given detail covers `lon, lat`.
fn on_land_at(basemap: &Basemap, detail: f64, lon: f64, lat: f64) -> bool {
    let p = World::from_lon_lat(lon, lat);
    let side = |a: World, b: World| (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
    basemap
        .world_fills
        .iter()
        .chain(&basemap.fills)
        .filter(|f| f.color != palette::SEA)
        .any(|f| {
            let f = f.details.for_error(detail);
            f.indices.chunks(3).any(|t| {
                let v = |i: usize| f.vertices[t[i] as usize];
                let (a, b, c) = (side(v(0), v(1)), side(v(1), v(2)), side(v(2), v(0)));
                (a >= 0.0 && b >= 0.0 && c >= 0.0) || (a <= 0.0 && b <= 0.0 && c <= 0.0)
            })
        })
}

#[test]
fn the_neighbours_beyond_the_region_are_land_and_the_sea_is_not() {
    let basemap = Basemap::shared();
    for detail in std::iter::once(0.0).chain(SIMPLIFICATIONS) {
        let on_land = |lon, lat| on_land_at(&basemap, detail, lon, lat);
        // Ankara, Baghdad, Cairo and Nicosia: outside the 1:10m box, from the world layer.
        for (name, lon, lat) in [
            ("Ankara", 32.85, 39.93),
            ("Baghdad", 44.40, 33.31),
            ("Cairo", 31.24, 30.04),
            ("Nicosia", 33.36, 35.17),
            ("Damascus", 36.29, 33.51),
        ] {
            assert!(
                on_land(lon, lat),
                "{name} is not on land at detail {detail}"
            );
        }
        // The Mediterranean west of Latakia and the Atlantic are sea.
        assert!(!on_land(34.5, 34.8), "detail {detail}");
        assert!(!on_land(-30.0, 30.0), "detail {detail}");
    }
}

#[test]
fn governorate_borders_are_solid_far_out_and_dashed_closer_in() {
    let basemap = Basemap::shared();
    let governorate_dashes = |zoom: f64| {
        let rect = Rect::from_min_size(Pos2::ZERO, egui::vec2(1000.0, 700.0));
        let view = ScreenTransform::new(rect, walkers::lon_lat(38.5, 35.0), zoom);
        let shapes = basemap.geometry(&view, rect);
        let is_dash = |shape: &&Shape| {
            matches!(shape, Shape::LineSegment { stroke, .. }
                if stroke.color == palette::GOVERNORATE_BORDER)
        };
        shapes.iter().filter(is_dash).count()
    };
    assert_eq!(governorate_dashes(7.0), 0);
    assert!(governorate_dashes(8.0) > 100, "{}", governorate_dashes(8.0));
}

#[test]
fn a_view_draws_a_detail_within_a_pixel_of_the_data() {
    let basemap = Basemap::shared();
    for levels in basemap.fills.iter().map(|f| &f.details.levels) {
        // Coarsest first, the data as it is last, each kept one much smaller than the next.
        assert_eq!(levels.last().map(|(error, _)| *error), Some(0.0));
        for pair in levels.windows(2) {
            let ((coarse, a), (fine, b)) = (&pair[0], &pair[1]);
            assert!(coarse > fine);
            let (a, b) = (a.vertices.len() as f64, b.vertices.len() as f64);
            assert!(a <= b * KEPT_IF_AT_MOST, "{a} points against {b}");
        }
    }
    for zoom in [2.0, 5.5, 7.0, 8.5, 10.0, 18.0] {
        let allowed = allowed_error(zoom);
        for fill in basemap.fills.iter().chain(&basemap.world_fills) {
            let chosen = fill.details.for_error(allowed);
            let (error, _) = fill
                .details
                .levels
                .iter()
                .find(|(_, level)| std::ptr::eq(level, chosen))
                .expect("a level of its own");
            assert!(*error <= allowed, "zoom {zoom}: error {error}");
        }
    }
    // At country zoom, the region's layers draw less than half the points of their data.
    let points = |allowed: f64| -> usize {
        let fills = (basemap.fills.iter())
            .chain(&basemap.lakes)
            .map(|f| f.details.for_error(allowed).vertices.len());
        let lines = (basemap.country_borders.iter())
            .chain(&basemap.governorate_borders)
            .chain(&basemap.rivers)
            .map(|l| l.details.for_error(allowed).len());
        fills.chain(lines).sum()
    };
    let (country, full) = (points(allowed_error(7.0)), points(0.0));
    assert!(
        country * 2 < full,
        "{country} points at zoom 7, {full} in all"
    );
}

#[test]
fn basemap_labels_are_legible_on_the_land() {
    for label in [
        palette::LABEL,
        palette::GOVERNORATE_LABEL,
        palette::COUNTRY_LABEL,
    ] {
        for ground in [palette::LAND, palette::FOCUS_COUNTRY] {
            let ratio = contrast(label, ground);
            assert!(ratio >= 4.5, "{label:?} on {ground:?}: {ratio:.2}:1");
        }
    }
}

#[test]
fn syria_is_filled_in_the_focus_colour() {
    let basemap = Basemap::bundled("SYR");
    let damascus = World::from_lon_lat(36.29, 33.51);
    let covering: Vec<Color32> = basemap
        .fills
        .iter()
        .filter(|f| {
            f.bounds.0.x <= damascus.x
                && damascus.x <= f.bounds.1.x
                && f.bounds.0.y <= damascus.y
                && damascus.y <= f.bounds.1.y
        })
        .map(|f| f.color)
        .collect();
    assert!(covering.contains(&palette::FOCUS_COUNTRY));
}

#[test]
fn the_basemaps_names_keep_a_readable_contrast_on_land_and_sea() {
    use crate::colour::{MIN_CONTRAST, contrast};
    for label in [
        palette::LABEL,
        palette::GOVERNORATE_LABEL,
        palette::COUNTRY_LABEL,
    ] {
        for ground in [palette::LAND, palette::SEA, palette::FOCUS_COUNTRY] {
            assert!(
                contrast(label, ground) >= MIN_CONTRAST,
                "{label:?} on {ground:?}: {:.2}",
                contrast(label, ground)
            );
        }
    }
}
