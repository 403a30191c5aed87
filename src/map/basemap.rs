//! The offline basemap, bundled in the binary so the map is never blank: the whole world at
//! Natural Earth 1:50m (land, country borders, capitals and large cities), and on top of it, inside
//! its box, the region at 1:10m (land, borders, Syria's governorates, cities, rivers, lakes and
//! disputed areas). Natural Earth's default (de facto) point of view; disputed areas are drawn
//! as such.
//!
//! Polygons are triangulated (earcut) and everything is projected to world units once, at start
//! (and once per process: the parsed basemap is shared); a frame only transforms vertices. Each
//! layer is kept at a few levels of detail, simplified so that a view draws no more points than
//! it can show: at country zoom, the 1:10m coastlines drew tens of thousands of triangles
//! smaller than a pixel, every frame.

use egui::epaint::{Mesh, PathShape, PathStroke};
use egui::{Align2, Color32, FontId, Painter, Pos2, Rect, Shape, Stroke};
use geo::{BoundingRect, Geometry, InteriorPoint, Simplify, TriangulateEarcut};
use serde_json::Value;

use crate::io::geojson::structure::{Findings, read_geometry};

use super::projection::{ScreenTransform, World};

macro_rules! layer_file {
    ($name:literal) => {
        include_str!(concat!("../../assets/basemap/", $name))
    };
}

const COUNTRIES: &str = layer_file!("countries.geojson");
const LAND: &str = layer_file!("land.geojson");
const LAKES: &str = layer_file!("lakes.geojson");
const ADMIN0_LINES: &str = layer_file!("admin0_lines.geojson");
const ADMIN1_POLYGONS: &str = layer_file!("admin1_syria.geojson");
const ADMIN1_LINES: &str = layer_file!("admin1_syria_lines.geojson");
const RIVERS: &str = layer_file!("rivers.geojson");
const PLACES: &str = layer_file!("places.geojson");
const DISPUTED: &str = layer_file!("disputed_areas.geojson");
const WORLD_LAND: &str = layer_file!("world/land.geojson");
const WORLD_COUNTRIES: &str = layer_file!("world/countries.geojson");
const WORLD_PLACES: &str = layer_file!("world/places.geojson");

/// The regional layer's box (lon, lat): 1:10m detail inside, the world layer outside.
const REGION: ((f64, f64), (f64, f64)) = ((34.0, 31.0), (43.5, 38.5));

fn in_region(lon: f64, lat: f64) -> bool {
    let ((west, south), (east, north)) = REGION;
    (west..=east).contains(&lon) && (south..=north).contains(&lat)
}

/// The basemap's colours; light, so that story markers and arrows stand out.
pub mod palette {
    use egui::Color32;
    pub const SEA: Color32 = Color32::from_rgb(0xaa, 0xd3, 0xdf);
    pub const LAND: Color32 = Color32::from_rgb(0xe8, 0xe4, 0xda);
    pub const FOCUS_COUNTRY: Color32 = Color32::from_rgb(0xf7, 0xf3, 0xe8);
    pub const COUNTRY_BORDER: Color32 = Color32::from_rgb(0x8c, 0x7d, 0x8f);
    pub const GOVERNORATE_BORDER: Color32 = Color32::from_rgb(0xb5, 0xa8, 0xb8);
    pub const RIVER: Color32 = Color32::from_rgb(0x7d, 0xb4, 0xd0);
    pub const LABEL: Color32 = Color32::from_rgb(0x55, 0x50, 0x5a);
    // Labels keep a contrast of at least 4.5:1 (WCAG AA) against the land they sit on.
    pub const GOVERNORATE_LABEL: Color32 = Color32::from_rgb(0x5a, 0x4f, 0x5d);
    pub const COUNTRY_LABEL: Color32 = Color32::from_rgb(0x58, 0x50, 0x46);
    pub const WORLD_BORDER: Color32 = Color32::from_rgb(0xb0, 0xa4, 0xb2);
    pub const DISPUTED: Color32 = Color32::from_rgb(0xb0, 0x50, 0x30);
}

/// The simplifications tried, as the largest error each may make (degrees), finest first.
const SIMPLIFICATIONS: [f64; 6] = [0.001_25, 0.0025, 0.005, 0.01, 0.02, 0.04];

/// A simplification is kept only if it has at most this share of the points of the next finer
/// one kept: a level barely smaller would cost memory and save no drawing.
const KEPT_IF_AT_MOST: f64 = 0.6;

/// The largest error a view at `zoom` can draw without showing it: a pixel (under the width of
/// the lines drawn).
fn allowed_error(zoom: f64) -> f64 {
    360.0 / (256.0 * 2f64.powf(zoom))
}

/// A shape at several levels of detail, coarsest first, each with the largest error its
/// simplification made (0 for the data as it is, always last).
struct Details<T> {
    levels: Vec<(f64, T)>,
}

impl<T> Details<T> {
    /// `simplified(error)` for each simplification worth keeping; `size` counts points.
    fn build(simplified: impl Fn(f64) -> T, size: impl Fn(&T) -> usize) -> Self {
        let mut levels = vec![(0.0, simplified(0.0))];
        for error in SIMPLIFICATIONS {
            let level = simplified(error);
            let finer = levels.last().map_or(0, |(_, finer)| size(finer));
            if (size(&level) as f64) <= finer as f64 * KEPT_IF_AT_MOST {
                levels.push((error, level));
            }
        }
        levels.reverse();
        Self { levels }
    }

    /// The coarsest level whose error a view may make.
    fn for_error(&self, allowed: f64) -> &T {
        let fits = self.levels.iter().find(|(error, _)| *error <= allowed);
        // The finest level (error 0) always fits.
        &fits.or(self.levels.last()).expect("the data as it is").1
    }
}

/// Triangles in world units.
struct Triangles {
    vertices: Vec<World>,
    indices: Vec<u32>,
}

/// A polygon, with the bounds used to skip what is off screen.
struct Fill {
    details: Details<Triangles>,
    bounds: (World, World),
    color: Color32,
}

struct Line {
    details: Details<Vec<World>>,
    bounds: (World, World),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum LabelKind {
    Country,
    Governorate,
    City,
}

struct Label {
    at: World,
    /// What is shown.
    text: String,
    /// Every name it goes by, lower case (a governorate's other spelling in parentheses too).
    aliases: Vec<String>,
    /// For a governorate: the city labels with one of its names (worked out once): while one
    /// of them is shown, the governorate's name is left to the city.
    namesakes: Vec<usize>,
    kind: LabelKind,
    /// Shown from this zoom on.
    min_zoom: f64,
    /// Shown up to this zoom (a world label gives way to the region's finer one).
    max_zoom: f64,
    /// Lower is more important.
    rank: f64,
}

pub struct Basemap {
    /// The world at 1:50m, drawn first; the region's box is then cleared to sea.
    world_fills: Vec<Fill>,
    world_borders: Vec<Line>,
    fills: Vec<Fill>,
    /// Disputed areas: a tint and a dashed outline.
    disputed: Vec<Fill>,
    disputed_outlines: Vec<Line>,
    lakes: Vec<Fill>,
    country_borders: Vec<Line>,
    governorate_borders: Vec<Line>,
    rivers: Vec<Line>,
    labels: Vec<Label>,
}

/// The features of a bundled layer whose geometry passes RFC 7946's rules (the same checked
/// conversion stories go through; nothing here can panic on a damaged file).
fn features(text: &str) -> Vec<(Geometry<f64>, serde_json::Map<String, Value>)> {
    let collection: Value = match serde_json::from_str(text) {
        Ok(c) => c,
        Err(e) => {
            log::error!("bundled basemap layer is unreadable: {e}");
            return Vec::new();
        }
    };
    let Some(items) = collection.get("features").and_then(Value::as_array) else {
        log::error!("bundled basemap layer has no features");
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|feature| {
            let mut findings = Findings::default();
            let geometry = read_geometry(feature.get("geometry")?, "geometry", &mut findings)?;
            let properties = feature
                .get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            Some((geometry, properties))
        })
        .collect()
}

fn world_bounds(geometry: &Geometry<f64>) -> Option<(World, World)> {
    let rect = geometry.bounding_rect()?;
    // North is the smaller y in world units.
    Some((
        World::from_lon_lat(rect.min().x, rect.max().y),
        World::from_lon_lat(rect.max().x, rect.min().y),
    ))
}

fn polygons(geometry: &Geometry<f64>) -> Vec<geo::Polygon<f64>> {
    match geometry {
        Geometry::Polygon(p) => vec![p.clone()],
        Geometry::MultiPolygon(mp) => mp.0.clone(),
        _ => Vec::new(),
    }
}

fn triangles(polygon: &geo::Polygon<f64>) -> Triangles {
    let raw = polygon.earcut_triangles_raw();
    let vertices = raw
        .vertices
        .iter()
        .map(|[lon, lat]| World::from_lon_lat(*lon, *lat))
        .collect();
    let indices = raw.triangle_indices.iter().map(|&i| i as u32).collect();
    Triangles { vertices, indices }
}

fn fill(geometry: &Geometry<f64>, color: Color32) -> Vec<Fill> {
    polygons(geometry)
        .into_iter()
        .filter_map(|polygon| {
            let bounds = world_bounds(&Geometry::Polygon(polygon.clone()))?;
            // A polygon simplified away at a coarse level (an islet) is not drawn there.
            let details = Details::build(
                |error| match error {
                    0.0 => triangles(&polygon),
                    _ => triangles(&polygon.simplify(error)),
                },
                |triangles| triangles.vertices.len(),
            );
            Some(Fill {
                details,
                bounds,
                color,
            })
        })
        .collect()
}

fn lines(geometry: &Geometry<f64>) -> Vec<Line> {
    let strings: Vec<geo::LineString<f64>> = match geometry {
        Geometry::LineString(l) => vec![l.clone()],
        Geometry::MultiLineString(ml) => ml.0.clone(),
        Geometry::Polygon(p) => std::iter::once(p.exterior().clone())
            .chain(p.interiors().iter().cloned())
            .collect(),
        Geometry::MultiPolygon(mp) => mp.0.iter().map(|p| p.exterior().clone()).collect(),
        _ => Vec::new(),
    };
    strings
        .into_iter()
        .filter_map(|line| {
            let bounds = world_bounds(&Geometry::LineString(line.clone()))?;
            let project = |line: &geo::LineString<f64>| {
                line.0
                    .iter()
                    .map(|c| World::from_lon_lat(c.x, c.y))
                    .collect()
            };
            let details = Details::build(
                |error| match error {
                    0.0 => project(&line),
                    _ => project(&line.simplify(error)),
                },
                Vec::len,
            );
            Some(Line { details, bounds })
        })
        .collect()
}

fn number(properties: &serde_json::Map<String, Value>, key: &str) -> Option<f64> {
    properties.get(key)?.as_f64()
}

fn text<'a>(properties: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a str> {
    properties.get(key)?.as_str()
}

impl Basemap {
    /// The bundled basemap with Syria as the focus country, read once per process.
    pub fn shared() -> std::sync::Arc<Basemap> {
        static SHARED: std::sync::OnceLock<std::sync::Arc<Basemap>> = std::sync::OnceLock::new();
        SHARED
            .get_or_init(|| std::sync::Arc::new(Basemap::bundled("SYR")))
            .clone()
    }

    /// Reads the bundled layers. `focus_country` (ISO 3166 alpha-3) is filled lighter.
    pub fn bundled(focus_country: &str) -> Self {
        let mut labels = Vec::new();
        let (world_fills, world_borders, regional_countries) = world_layer(&mut labels);
        let mut fills = Vec::new();
        for (geometry, _) in features(LAND) {
            fills.extend(fill(&geometry, palette::LAND));
        }
        for (geometry, properties) in features(COUNTRIES) {
            let is_focus = text(&properties, "iso_a3") == Some(focus_country);
            let color = if is_focus {
                palette::FOCUS_COUNTRY
            } else {
                palette::LAND
            };
            fills.extend(fill(&geometry, color));
            if let (Some(name), Some(at)) =
                (text(&properties, "name_en"), geometry.interior_point())
            {
                // Beside the world layer's label of the same country, from closer in.
                let world_has_it = text(&properties, "iso_a3")
                    .is_some_and(|iso| regional_countries.contains(&iso.to_owned()));
                labels.push(Label {
                    at: World::from_lon_lat(at.x(), at.y()),
                    text: name.to_uppercase(),
                    kind: LabelKind::Country,
                    aliases: Vec::new(),
                    namesakes: Vec::new(),
                    min_zoom: if world_has_it {
                        WORLD_TO_REGION_ZOOM
                    } else {
                        0.0
                    },
                    max_zoom: 8.5,
                    rank: 0.0,
                });
            }
        }
        let mut lakes = Vec::new();
        for (geometry, _) in features(LAKES) {
            lakes.extend(fill(&geometry, palette::SEA));
        }
        let mut disputed = Vec::new();
        let mut disputed_outlines = Vec::new();
        for (geometry, _) in features(DISPUTED) {
            let tint = Color32::from_rgba_unmultiplied(0xb0, 0x50, 0x30, 40);
            disputed.extend(fill(&geometry, tint));
            disputed_outlines.extend(lines(&geometry));
        }
        for (_, properties) in features(ADMIN1_POLYGONS) {
            if let (Some(name), Some(lon), Some(lat)) = (
                text(&properties, "name"),
                number(&properties, "label_lon"),
                number(&properties, "label_lat"),
            ) && name != "UNDOF"
            {
                labels.push(Label {
                    at: World::from_lon_lat(lon, lat),
                    // "Homs (Hims)" is labelled "Homs"; the other spelling still names it.
                    text: name
                        .split_once(" (")
                        .map_or(name, |(main, _)| main)
                        .trim()
                        .to_owned(),
                    kind: LabelKind::Governorate,
                    aliases: name
                        .split(['(', ')'])
                        .map(|part| part.trim().to_lowercase())
                        .filter(|part| !part.is_empty())
                        .collect(),
                    namesakes: Vec::new(),
                    min_zoom: 6.0,
                    max_zoom: 12.0,
                    rank: 1.0,
                });
            }
        }
        for (geometry, properties) in features(PLACES) {
            if let (Geometry::Point(p), Some(name)) = (&geometry, text(&properties, "name")) {
                labels.push(Label {
                    at: World::from_lon_lat(p.x(), p.y()),
                    text: name.to_owned(),
                    kind: LabelKind::City,
                    aliases: Vec::new(),
                    namesakes: Vec::new(),
                    min_zoom: number(&properties, "min_zoom").unwrap_or(8.0) - 1.0,
                    max_zoom: f64::INFINITY,
                    rank: number(&properties, "scalerank").unwrap_or(10.0),
                });
            }
        }
        labels.sort_by(|a, b| {
            (a.kind, a.rank)
                .partial_cmp(&(b.kind, b.rank))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        find_namesakes(&mut labels);
        let collect_lines = |text: &str| -> Vec<Line> {
            features(text).iter().flat_map(|(g, _)| lines(g)).collect()
        };
        Self {
            world_fills,
            world_borders,
            fills,
            disputed,
            disputed_outlines,
            lakes,
            country_borders: collect_lines(ADMIN0_LINES),
            governorate_borders: collect_lines(ADMIN1_LINES),
            rivers: collect_lines(RIVERS),
            labels,
        }
    }

    /// How many polygons and lines the basemap holds (for tests and diagnostics).
    pub fn counts(&self) -> (usize, usize, usize) {
        (
            self.world_fills.len() + self.fills.len() + self.lakes.len() + self.disputed.len(),
            self.world_borders.len()
                + self.country_borders.len()
                + self.governorate_borders.len()
                + self.rivers.len()
                + self.disputed_outlines.len(),
            self.labels.len(),
        )
    }

    /// The basemap's names for this view, drawn over its [`Self::geometry`], with each name
    /// placed and its rectangle. `keep_clear`: screen areas where no basemap label may go;
    /// `suppressed`: the story's own places, whose names the basemap does not repeat nearby.
    pub fn labels(
        &self,
        painter: &Painter,
        view: &ScreenTransform,
        rect: Rect,
        keep_clear: &[Rect],
        suppressed: &[(String, World)],
    ) -> (Vec<Shape>, Vec<(String, Rect)>) {
        self.label_shapes(painter, view, rect, view.zoom(), keep_clear, suppressed)
    }

    /// The basemap's land, water and borders for this view, back to front: what depends on the
    /// view alone.
    pub fn geometry(&self, view: &ScreenTransform, rect: Rect) -> Vec<Shape> {
        let visible = view.visible_world(rect);
        let zoom = view.zoom();
        let detail = allowed_error(zoom);
        let mut shapes = vec![Shape::rect_filled(rect, 0.0, palette::SEA)];
        for fill in &self.world_fills {
            if overlaps(fill.bounds, visible) {
                shapes.push(Shape::mesh(fill_mesh(fill, detail, view)));
            }
        }
        let world_border = Stroke::new(0.8, palette::WORLD_BORDER);
        for line in &self.world_borders {
            if overlaps(line.bounds, visible) {
                shapes.push(polyline(line, detail, view, world_border));
            }
        }
        // The region's box is cleared to sea, then drawn at 1:10m: the two scales' coastlines
        // never show at once.
        let ((west, south), (east, north)) = REGION;
        let region = Rect::from_two_pos(
            view.to_screen(World::from_lon_lat(west, north)),
            view.to_screen(World::from_lon_lat(east, south)),
        );
        shapes.push(Shape::rect_filled(region, 0.0, palette::SEA));
        for fill in self.fills.iter().chain(&self.lakes).chain(&self.disputed) {
            if overlaps(fill.bounds, visible) {
                shapes.push(Shape::mesh(fill_mesh(fill, detail, view)));
            }
        }
        for line in &self.rivers {
            if overlaps(line.bounds, visible) {
                let river = Stroke::new(1.0, palette::RIVER);
                shapes.push(polyline(line, detail, view, river));
            }
        }
        let governorate = Stroke::new(1.0, palette::GOVERNORATE_BORDER);
        for line in &self.governorate_borders {
            if overlaps(line.bounds, visible) {
                // Far out, a dash pattern is noise (and a thousand dashes a frame): a fine
                // solid line in the same light colour says the same.
                if zoom < SOLID_GOVERNORATES_BELOW {
                    shapes.push(polyline(
                        line,
                        detail,
                        view,
                        Stroke::new(0.8, governorate.color),
                    ));
                } else {
                    let points = screen_points(line, detail, view);
                    shapes.extend(Shape::dashed_line(&points, governorate, 5.0, 3.0));
                }
            }
        }
        let border = Stroke::new(1.4, palette::COUNTRY_BORDER);
        for line in &self.country_borders {
            if overlaps(line.bounds, visible) {
                shapes.push(polyline(line, detail, view, border));
            }
        }
        let disputed = Stroke::new(1.2, palette::DISPUTED);
        for line in &self.disputed_outlines {
            if overlaps(line.bounds, visible) {
                let points = screen_points(line, detail, view);
                shapes.extend(Shape::dashed_line(&points, disputed, 4.0, 3.0));
            }
        }
        shapes
    }

    fn label_shapes(
        &self,
        painter: &Painter,
        view: &ScreenTransform,
        rect: Rect,
        zoom: f64,
        keep_clear: &[Rect],
        suppressed: &[(String, World)],
    ) -> (Vec<Shape>, Vec<(String, Rect)>) {
        let mut placed: Vec<Rect> = keep_clear.to_vec();
        let mut shapes = Vec::new();
        let mut named = Vec::new();
        let shown = |label: &Label| {
            zoom >= label.min_zoom
                && zoom <= label.max_zoom
                && rect.contains(view.to_screen(label.at))
        };
        for label in &self.labels {
            if !shown(label) {
                continue;
            }
            // One label a place: a governorate named as a city in view ("Hamah", "Homs (Hims)"
            // and the city "Hims") is left to the city's label.
            if label
                .namesakes
                .iter()
                .any(|&city| shown(&self.labels[city]))
            {
                continue;
            }
            if label.kind == LabelKind::City
                && suppressed.iter().any(|(name, at)| {
                    name.eq_ignore_ascii_case(&label.text)
                        && view.to_screen(*at).distance(view.to_screen(label.at)) < 200.0
                })
            {
                continue;
            }
            let at = view.to_screen(label.at);
            if !rect.contains(at) {
                continue;
            }
            let (font, color, anchor, offset) = match label.kind {
                LabelKind::Country => (
                    FontId::proportional(13.0),
                    palette::COUNTRY_LABEL,
                    Align2::CENTER_CENTER,
                    egui::Vec2::ZERO,
                ),
                LabelKind::Governorate => (
                    FontId::proportional(12.0),
                    palette::GOVERNORATE_LABEL,
                    Align2::CENTER_CENTER,
                    egui::Vec2::ZERO,
                ),
                LabelKind::City => (
                    FontId::proportional(12.0),
                    palette::LABEL,
                    Align2::LEFT_CENTER,
                    egui::vec2(5.0, 0.0),
                ),
            };
            let galley = painter.layout_no_wrap(label.text.clone(), font, color);
            let text_rect = anchor.anchor_size(at + offset, galley.size());
            if placed.iter().any(|r| r.expand(2.0).intersects(text_rect)) {
                continue;
            }
            placed.push(text_rect);
            named.push((label.text.clone(), text_rect));
            if label.kind == LabelKind::City {
                shapes.push(Shape::circle_filled(at, 2.5, palette::LABEL));
            }
            shapes.push(Shape::galley(text_rect.min, galley, color));
        }
        (shapes, named)
    }
}

impl Label {
    /// Whether it goes by `name` (lower case): its text or one of its other names.
    fn names(&self, name: &str) -> bool {
        self.text.to_lowercase() == name || self.aliases.iter().any(|a| a == name)
    }
}

/// Notes, for each governorate label, the city labels that go by one of its names.
fn find_namesakes(labels: &mut [Label]) {
    let cities: Vec<(usize, String)> = labels
        .iter()
        .enumerate()
        .filter(|(_, l)| l.kind == LabelKind::City)
        .map(|(i, l)| (i, l.text.to_lowercase()))
        .collect();
    for label in labels
        .iter_mut()
        .filter(|l| l.kind == LabelKind::Governorate)
    {
        label.namesakes = cities
            .iter()
            .filter(|(_, name)| label.names(name))
            .map(|&(i, _)| i)
            .collect();
    }
}

/// From this zoom on, the region's own country labels replace the world layer's.
const WORLD_TO_REGION_ZOOM: f64 = 6.0;

/// The world layer: land fills, country outlines, and labels of countries and cities outside
/// the region's box (inside it, the region's finer layer labels). Returns the countries whose
/// world label gives way to the region's from [`WORLD_TO_REGION_ZOOM`] on.
fn world_layer(labels: &mut Vec<Label>) -> (Vec<Fill>, Vec<Line>, Vec<String>) {
    let mut fills = Vec::new();
    for (geometry, _) in features(WORLD_LAND) {
        fills.extend(fill(&geometry, palette::LAND));
    }
    let mut borders = Vec::new();
    let mut regional = Vec::new();
    for (geometry, properties) in features(WORLD_COUNTRIES) {
        borders.extend(lines(&geometry));
        let (Some(name), Some(lon), Some(lat)) = (
            text(&properties, "name_en").or_else(|| text(&properties, "name")),
            number(&properties, "label_lon"),
            number(&properties, "label_lat"),
        ) else {
            continue;
        };
        let touches_region = geometry.bounding_rect().is_some_and(|r| {
            let ((west, south), (east, north)) = REGION;
            r.min().x <= east && r.max().x >= west && r.min().y <= north && r.max().y >= south
        });
        if touches_region && let Some(iso) = text(&properties, "iso_a3") {
            regional.push(iso.to_owned());
        }
        labels.push(Label {
            at: World::from_lon_lat(lon, lat),
            text: name.to_uppercase(),
            kind: LabelKind::Country,
            aliases: Vec::new(),
            namesakes: Vec::new(),
            min_zoom: number(&properties, "min_label").unwrap_or(4.0) - 1.0,
            max_zoom: if touches_region {
                WORLD_TO_REGION_ZOOM
            } else {
                8.5
            },
            rank: number(&properties, "labelrank").unwrap_or(5.0),
        });
    }
    for (geometry, properties) in features(WORLD_PLACES) {
        if let (Geometry::Point(p), Some(name)) = (&geometry, text(&properties, "name"))
            && !in_region(p.x(), p.y())
        {
            labels.push(Label {
                at: World::from_lon_lat(p.x(), p.y()),
                text: name.to_owned(),
                kind: LabelKind::City,
                aliases: Vec::new(),
                namesakes: Vec::new(),
                min_zoom: number(&properties, "min_zoom").unwrap_or(6.0) - 1.0,
                max_zoom: f64::INFINITY,
                rank: number(&properties, "scalerank").unwrap_or(10.0),
            });
        }
    }
    (fills, borders, regional)
}

fn overlaps(a: (World, World), b: (World, World)) -> bool {
    a.0.x <= b.1.x && b.0.x <= a.1.x && a.0.y <= b.1.y && b.0.y <= a.1.y
}

/// Below this zoom, governorate borders are drawn solid rather than dashed.
const SOLID_GOVERNORATES_BELOW: f64 = 7.5;

/// `detail`: the largest error the view allows (see [`allowed_error`]).
fn fill_mesh(fill: &Fill, detail: f64, view: &ScreenTransform) -> Mesh {
    let triangles = fill.details.for_error(detail);
    let mut mesh = Mesh::default();
    mesh.vertices.reserve(triangles.vertices.len());
    for world in &triangles.vertices {
        mesh.colored_vertex(view.to_screen(*world), fill.color);
    }
    mesh.indices.extend_from_slice(&triangles.indices);
    mesh
}

fn screen_points(line: &Line, detail: f64, view: &ScreenTransform) -> Vec<Pos2> {
    line.details
        .for_error(detail)
        .iter()
        .map(|w| view.to_screen(*w))
        .collect()
}

fn polyline(line: &Line, detail: f64, view: &ScreenTransform, stroke: Stroke) -> Shape {
    let points = screen_points(line, detail, view);
    Shape::Path(PathShape::line(points, PathStroke::from(stroke)))
}

#[cfg(test)]
mod tests;
