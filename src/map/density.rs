//! The density view: where reports are, as hexagons shaded by how many there are (or by how many
//! people the movements from there moved), as kepler.gl's hexagon layer shows a million points.
//! A story of a million reports spread over a country is a carpet of clusters; hexagons of a
//! fixed size show where it is thick. Pure: the bins in the plane of a zoom level's pixels; the
//! overlay puts them on screen.

use egui::{Color32, Pos2, pos2};

/// What the density view measures; `Off` draws markers and clusters as usual. Persisted with the
/// map's other switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Density {
    #[default]
    Off,
    /// Events and movements from each place, in the time range.
    Reports,
    /// The people the movements from each place moved, in the time range.
    People,
}

impl Density {
    pub const ALL: [Density; 3] = [Density::Off, Density::Reports, Density::People];

    pub fn label(self) -> &'static str {
        match self {
            Density::Off => "Off: markers and clusters",
            Density::Reports => "Hexagons by reports",
            Density::People => "Hexagons by people moved",
        }
    }
}

/// A hexagon's size at the zoom level it is binned at: centre to corner, in points.
pub const HEX_RADIUS: f64 = 18.0;

/// What the reports in one hexagon add up to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HexBin {
    /// Its centre in the plane of the level's pixels.
    pub center: [f64; 2],
    pub reports: u64,
    pub people: u64,
    /// The point with the most reports in it (by its place in the points binned), to name it.
    pub most: usize,
}

impl HexBin {
    pub fn value(&self, density: Density) -> u64 {
        match density {
            Density::People => self.people,
            _ => self.reports,
        }
    }
}

/// The hexagon (axial coordinates) holding `p`, in a grid of pointy-top hexagons of `radius`.
pub fn hex_of(p: [f64; 2], radius: f64) -> (i64, i64) {
    let q = (3f64.sqrt() / 3.0 * p[0] - p[1] / 3.0) / radius;
    let r = (2.0 / 3.0 * p[1]) / radius;
    // Rounded in cube coordinates, where the three add up to zero.
    let s = -q - r;
    let (mut rq, mut rr, rs) = (q.round(), r.round(), s.round());
    let (dq, dr, ds) = ((rq - q).abs(), (rr - r).abs(), (rs - s).abs());
    if dq > dr && dq > ds {
        rq = -rr - rs;
    } else if dr > ds {
        rr = -rq - rs;
    }
    (rq as i64, rr as i64)
}

/// The centre of hexagon `(q, r)`.
pub fn hex_center((q, r): (i64, i64), radius: f64) -> [f64; 2] {
    let (q, r) = (q as f64, r as f64);
    [radius * 3f64.sqrt() * (q + r / 2.0), radius * 1.5 * r]
}

/// Sums `points` (a position, its reports and its people) by hexagon of `radius`; hexagons with
/// nothing in them are left out.
pub fn bin(points: impl IntoIterator<Item = ([f64; 2], u64, u64)>, radius: f64) -> Vec<HexBin> {
    // Reports, people, and the point with the most reports (and how many it has).
    let mut bins: foldhash::HashMap<(i64, i64), (u64, u64, usize, u64)> =
        foldhash::HashMap::default();
    for (k, (p, reports, people)) in points.into_iter().enumerate() {
        if !(p[0].is_finite() && p[1].is_finite()) || reports == 0 {
            continue;
        }
        let sum = bins.entry(hex_of(p, radius)).or_insert((0, 0, k, 0));
        sum.0 += reports;
        sum.1 += people;
        if reports > sum.3 {
            (sum.2, sum.3) = (k, reports);
        }
    }
    let mut found: Vec<HexBin> = bins
        .into_iter()
        .map(|(hex, (reports, people, most, _))| HexBin {
            center: hex_center(hex, radius),
            reports,
            people,
            most,
        })
        .collect();
    // The same order every time, for the same picture and the same keyboard order.
    found.sort_by(|a, b| {
        (a.center[1], a.center[0])
            .partial_cmp(&(b.center[1], b.center[0]))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    found
}

/// The corners of a pointy-top hexagon around `center`.
pub fn corners(center: Pos2, radius: f32) -> [Pos2; 6] {
    std::array::from_fn(|k| {
        let angle = std::f32::consts::PI / 180.0 * (60.0 * k as f32 - 30.0);
        pos2(
            center.x + radius * angle.cos(),
            center.y + radius * angle.sin(),
        )
    })
}

/// The shade of a hexagon holding `value` where the most is `most`: pale yellow to dark red,
/// on a log scale (a few crowded places would otherwise leave every other hexagon pale).
pub fn shade(value: u64, most: u64) -> Color32 {
    let t = if most <= 1 {
        1.0
    } else {
        ((1 + value) as f32).ln() / ((1 + most) as f32).ln()
    };
    // ColorBrewer's YlOrRd, from its lightest to its darkest.
    const STOPS: [[u8; 3]; 5] = [
        [255, 237, 160],
        [254, 178, 76],
        [253, 141, 60],
        [227, 26, 28],
        [128, 0, 38],
    ];
    let at = t.clamp(0.0, 1.0) * (STOPS.len() - 1) as f32;
    let (low, high) = (
        at.floor() as usize,
        (at.ceil() as usize).min(STOPS.len() - 1),
    );
    let mix = at - low as f32;
    let channel = |c: usize| {
        (f32::from(STOPS[low][c]) * (1.0 - mix) + f32::from(STOPS[high][c]) * mix).round() as u8
    };
    Color32::from_rgba_unmultiplied(channel(0), channel(1), channel(2), 210)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_is_binned_in_the_hexagon_whose_centre_is_nearest() {
        for x in -50..50 {
            for y in -50..50 {
                let p = [f64::from(x) * 1.7, f64::from(y) * 1.3];
                let hex = hex_of(p, HEX_RADIUS);
                let center = hex_center(hex, HEX_RADIUS);
                let distance = |c: [f64; 2]| (c[0] - p[0]).hypot(c[1] - p[1]);
                // No neighbour's centre is nearer.
                for (dq, dr) in [(1, 0), (-1, 0), (0, 1), (0, -1), (1, -1), (-1, 1)] {
                    let other = hex_center((hex.0 + dq, hex.1 + dr), HEX_RADIUS);
                    assert!(distance(center) <= distance(other) + 1e-9, "{p:?}");
                }
                assert!(distance(center) <= HEX_RADIUS + 1e-9, "{p:?}");
            }
        }
    }

    #[test]
    fn bins_add_up_what_falls_in_them_and_leave_out_what_is_empty() {
        let points = [
            ([0.0, 0.0], 2, 100),
            ([3.0, 2.0], 1, 50),
            ([200.0, 0.0], 5, 0),
            ([400.0, 0.0], 0, 999),
            ([f64::NAN, 0.0], 9, 9),
        ];
        let bins = bin(points, HEX_RADIUS);
        assert_eq!(bins.len(), 2);
        let near = bins.iter().find(|b| b.center[0].abs() < 20.0).unwrap();
        assert_eq!((near.reports, near.people, near.most), (3, 150, 0));
        let far = bins.iter().find(|b| b.center[0] > 100.0).unwrap();
        assert_eq!(
            (far.value(Density::Reports), far.value(Density::People)),
            (5, 0)
        );
    }

    #[test]
    fn more_is_darker() {
        let luminance = |c: Color32| u32::from(c.r()) + u32::from(c.g()) + u32::from(c.b());
        let shades: Vec<u32> = [1, 10, 100, 1000]
            .map(|v| luminance(shade(v, 1000)))
            .to_vec();
        assert!(shades.windows(2).all(|w| w[0] > w[1]), "{shades:?}");
    }
}
