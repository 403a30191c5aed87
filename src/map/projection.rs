//! Web Mercator in "world units" (the whole world is the unit square) and the affine map from
//! world units to the screen for the current view.
//!
//! Geometry that does not move (basemap, story) is projected to world units once; each frame only
//! scales and shifts it, which is cheap and exact.

use egui::{Pos2, Rect, Vec2, pos2};
use walkers::{Position, Projector, lon_lat};

/// Web Mercator's latitude limit.
pub const MAX_LATITUDE: f64 = 85.051_128_78;

/// Pixels per world unit at zoom 0 (walkers' tiles are 256 px).
const TILE_SIZE: f64 = 256.0;

/// A point in world units: x east from -180°, y south from the northern limit; both 0..1.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct World {
    pub x: f64,
    pub y: f64,
}

impl World {
    pub fn from_lon_lat(lon: f64, lat: f64) -> Self {
        let lat = lat.clamp(-MAX_LATITUDE, MAX_LATITUDE);
        let x = (lon + 180.0) / 360.0;
        let y = (1.0 - lat.to_radians().tan().asinh() / std::f64::consts::PI) / 2.0;
        Self { x, y }
    }

    pub fn from_position(position: Position) -> Self {
        Self::from_lon_lat(position.x(), position.y())
    }

    pub fn to_position(self) -> Position {
        let lon = self.x * 360.0 - 180.0;
        let lat = (std::f64::consts::PI * (1.0 - 2.0 * self.y))
            .sinh()
            .atan()
            .to_degrees();
        lon_lat(lon, lat)
    }
}

/// The current view: where world units land on the screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScreenTransform {
    /// The screen point the view is centred on.
    pub screen_center: Pos2,
    /// The world point under `screen_center`.
    pub world_center: World,
    /// Screen points per world unit (256 · 2^zoom).
    pub scale: f64,
}

impl ScreenTransform {
    pub fn new(rect: Rect, center: Position, zoom: f64) -> Self {
        Self {
            screen_center: rect.center(),
            world_center: World::from_position(center),
            scale: TILE_SIZE * 2f64.powf(zoom),
        }
    }

    /// The same view as walkers' projector.
    pub fn from_projector(projector: &Projector) -> Self {
        let rect = projector.clip_rect();
        let center = projector.unproject(rect.center().to_vec2());
        Self::new(rect, center, projector.zoom())
    }

    pub fn zoom(&self) -> f64 {
        (self.scale / TILE_SIZE).log2()
    }

    pub fn to_screen(&self, world: World) -> Pos2 {
        pos2(
            (self.screen_center.x as f64 + (world.x - self.world_center.x) * self.scale) as f32,
            (self.screen_center.y as f64 + (world.y - self.world_center.y) * self.scale) as f32,
        )
    }

    /// A story position on screen, taken the short way round: a longitude more than 180° from
    /// the view's centre is drawn on the near side of the antimeridian (179° and −179° are 2°
    /// apart, not 358°).
    pub fn lon_lat_to_screen(&self, lon: f64, lat: f64) -> Pos2 {
        self.to_screen_near(World::from_lon_lat(lon, lat))
    }

    /// A world point on screen, on the near side of the antimeridian (as
    /// [`Self::lon_lat_to_screen`]).
    pub fn to_screen_near(&self, mut world: World) -> Pos2 {
        let dx = world.x - self.world_center.x;
        if dx > 0.5 {
            world.x -= 1.0;
        } else if dx < -0.5 {
            world.x += 1.0;
        }
        self.to_screen(world)
    }

    pub fn position_to_screen(&self, position: Position) -> Pos2 {
        self.lon_lat_to_screen(position.x(), position.y())
    }

    pub fn to_world(&self, screen: Pos2) -> World {
        World {
            x: self.world_center.x + (screen.x - self.screen_center.x) as f64 / self.scale,
            y: self.world_center.y + (screen.y - self.screen_center.y) as f64 / self.scale,
        }
    }

    /// The world rectangle visible in `rect`.
    pub fn visible_world(&self, rect: Rect) -> (World, World) {
        (self.to_world(rect.min), self.to_world(rect.max))
    }
}

/// A bounding box in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LonLatBounds {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl LonLatBounds {
    /// The smallest box holding every point, across the antimeridian when that is shorter:
    /// then `max_lon` is above 180 (179° and −179° give 179..181).
    pub fn from_points(points: impl IntoIterator<Item = Position>) -> Option<Self> {
        let mut framing = Framing::default();
        for point in points {
            framing.add(point.x(), point.y());
        }
        framing.bounds()
    }

    /// `self` grown to hold the point `lon`, `lat`.
    fn with(self, lon: f64, lat: f64) -> Self {
        Self {
            min_lon: self.min_lon.min(lon),
            min_lat: self.min_lat.min(lat),
            max_lon: self.max_lon.max(lon),
            max_lat: self.max_lat.max(lat),
        }
    }

    fn around(lon: f64, lat: f64) -> Self {
        Self {
            min_lon: lon,
            min_lat: lat,
            max_lon: lon,
            max_lat: lat,
        }
    }

    fn union(self, other: Self) -> Self {
        self.with(other.min_lon, other.min_lat)
            .with(other.max_lon, other.max_lat)
    }
}

/// Points gathered one at a time (on any number of threads, then joined) into the box
/// [`LonLatBounds::from_points`] gives them: as they are, and with western longitudes shifted
/// past 180°, whichever is narrower.
#[derive(Debug, Clone, Copy, Default)]
pub struct Framing {
    plain: Option<LonLatBounds>,
    shifted: Option<LonLatBounds>,
}

impl Framing {
    pub fn add(&mut self, lon: f64, lat: f64) {
        let east = if lon < 0.0 { lon + 360.0 } else { lon };
        self.plain = Some(match self.plain {
            Some(b) => b.with(lon, lat),
            None => LonLatBounds::around(lon, lat),
        });
        self.shifted = Some(match self.shifted {
            Some(b) => b.with(east, lat),
            None => LonLatBounds::around(east, lat),
        });
    }

    /// Both sets of points together.
    pub fn join(self, other: Self) -> Self {
        let union = |a: Option<LonLatBounds>, b: Option<LonLatBounds>| match (a, b) {
            (Some(a), Some(b)) => Some(a.union(b)),
            (a, b) => a.or(b),
        };
        Self {
            plain: union(self.plain, other.plain),
            shifted: union(self.shifted, other.shifted),
        }
    }

    pub fn bounds(self) -> Option<LonLatBounds> {
        let (plain, shifted) = (self.plain?, self.shifted?);
        let span = |b: &LonLatBounds| b.max_lon - b.min_lon;
        Some(if span(&shifted) < span(&plain) {
            shifted
        } else {
            plain
        })
    }
}

/// The centre and zoom that show `bounds` whole in a view of `size` points, `padding` from each
/// edge; zoom is kept within `min_zoom..=max_zoom` (a single point gets `max_zoom`).
pub fn fit_bounds(
    bounds: LonLatBounds,
    size: Vec2,
    padding: f32,
    min_zoom: f64,
    max_zoom: f64,
) -> (Position, f64) {
    let a = World::from_lon_lat(bounds.min_lon, bounds.max_lat);
    let b = World::from_lon_lat(bounds.max_lon, bounds.min_lat);
    let center = World {
        x: (a.x + b.x) / 2.0,
        y: (a.y + b.y) / 2.0,
    }
    .to_position();
    // A box across the antimeridian has its centre past 180°: bring it back into range.
    let center = lon_lat((center.x() + 180.0).rem_euclid(360.0) - 180.0, center.y());
    let width = ((size.x - 2.0 * padding).max(1.0)) as f64;
    let height = ((size.y - 2.0 * padding).max(1.0)) as f64;
    let span_x = (b.x - a.x).abs();
    let span_y = (b.y - a.y).abs();
    let zoom_x = if span_x > 0.0 {
        (width / (span_x * TILE_SIZE)).log2()
    } else {
        max_zoom
    };
    let zoom_y = if span_y > 0.0 {
        (height / (span_y * TILE_SIZE)).log2()
    } else {
        max_zoom
    };
    (center, zoom_x.min(zoom_y).clamp(min_zoom, max_zoom))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn world_units_round_trip_through_degrees() {
        let p = World::from_lon_lat(36.33778, 33.54611).to_position();
        assert!((p.x() - 36.33778).abs() < 1e-9);
        assert!((p.y() - 33.54611).abs() < 1e-9);
    }

    #[test]
    fn the_transform_agrees_with_walkers() {
        let rect = Rect::from_min_size(pos2(10.0, 20.0), Vec2::new(800.0, 600.0));
        let mut memory = walkers::MapMemory::default();
        memory.set_zoom(9.0).unwrap();
        let center = lon_lat(36.3, 33.5);
        memory.center_at(center);
        let projector = Projector::new(rect, &walkers::MercatorProjection, &memory, center);
        let ours = ScreenTransform::from_projector(&projector);
        for (lon, lat) in [(36.6339, 35.9306), (36.30306, 33.47417), (35.0, 32.0)] {
            let theirs = projector.project(lon_lat(lon, lat)).to_pos2();
            let mine = ours.lon_lat_to_screen(lon, lat);
            assert!((theirs - mine).length() < 0.05, "{theirs:?} vs {mine:?}");
        }
    }

    #[test]
    fn fitting_shows_every_point_inside_the_padding() {
        let bounds = LonLatBounds::from_points([
            lon_lat(36.30306, 33.47417),
            lon_lat(36.6339, 35.9306),
            lon_lat(36.32056, 33.55667),
        ])
        .unwrap();
        let size = Vec2::new(1000.0, 700.0);
        let (center, zoom) = fit_bounds(bounds, size, 60.0, 2.0, 16.0);
        let view = ScreenTransform::new(Rect::from_min_size(Pos2::ZERO, size), center, zoom);
        let inner = Rect::from_min_size(Pos2::ZERO, size).shrink(59.9);
        for (lon, lat) in [(36.30306, 33.47417), (36.6339, 35.9306)] {
            assert!(inner.contains(view.lon_lat_to_screen(lon, lat)));
        }
        // Tight: the north–south span fills the padded height.
        let top = view.lon_lat_to_screen(36.6339, 35.9306).y;
        let bottom = view.lon_lat_to_screen(36.30306, 33.47417).y;
        assert!(((bottom - top) - (700.0 - 120.0)).abs() < 1.0);
    }

    #[test]
    fn a_story_across_the_antimeridian_is_framed_the_short_way() {
        let points = [lon_lat(179.4, -16.8), lon_lat(-179.9, -16.2)];
        let bounds = LonLatBounds::from_points(points).unwrap();
        assert!(
            (bounds.max_lon - bounds.min_lon - 0.7).abs() < 1e-9,
            "{bounds:?}"
        );
        let size = egui::vec2(800.0, 600.0);
        let (center, zoom) = fit_bounds(bounds, size, 50.0, 2.0, 14.0);
        assert!(
            center.x().abs() > 179.0,
            "centred near 180°, not {center:?}"
        );
        assert!(
            zoom > 8.0,
            "zoomed in to the two points, not the world: {zoom}"
        );
        let rect = Rect::from_min_size(Pos2::ZERO, size);
        let view = ScreenTransform::new(rect, center, zoom);
        for p in points {
            assert!(
                rect.contains(view.position_to_screen(p)),
                "{p:?} is off screen"
            );
        }
    }
}
