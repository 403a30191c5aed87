//! Screen layout of the story: markers spread out when they would pile up, labels that never
//! overlap, and curved arrows. Pure geometry on screen points, so it is tested without a window.

use egui::{Pos2, Rect, Vec2, vec2};

/// Markers closer than this (in points) are spread around their common centre.
pub const CROWD_DISTANCE: f32 = 18.0;

/// Where to draw each marker: its true position, or a spot on a ring around a crowd's centre
/// when markers would overlap. Groups are found by single linkage (chains of close markers).
pub fn spread_markers(positions: &[Pos2]) -> Vec<Pos2> {
    let n = positions.len();
    let mut group: Vec<usize> = (0..n).collect();
    fn root(group: &mut [usize], mut i: usize) -> usize {
        while group[i] != i {
            group[i] = group[group[i]];
            i = group[i];
        }
        i
    }
    for i in 0..n {
        for j in (i + 1)..n {
            if positions[i].distance_sq(positions[j]) < CROWD_DISTANCE * CROWD_DISTANCE {
                let (a, b) = (root(&mut group, i), root(&mut group, j));
                group[a.max(b)] = a.min(b);
            }
        }
    }
    let mut out = positions.to_vec();
    let mut members: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for i in 0..n {
        let r = root(&mut group, i);
        members.entry(r).or_default().push(i);
    }
    for crowd in members.values().filter(|m| m.len() > 1) {
        let count = crowd.len() as f32;
        let center = crowd
            .iter()
            .fold(Vec2::ZERO, |acc, &i| acc + positions[i].to_vec2())
            / count;
        let center = center.to_pos2();
        // Keep the geographic order around the ring: sort by the true bearing from the centre.
        let mut ordered = crowd.clone();
        ordered.sort_by(|&a, &b| {
            let angle = |i: usize| {
                let d = positions[i] - center;
                if d.length() < 0.01 {
                    i as f32
                } else {
                    d.y.atan2(d.x)
                }
            };
            angle(a).total_cmp(&angle(b))
        });
        let radius = (CROWD_DISTANCE * count / std::f32::consts::TAU * 1.3).max(CROWD_DISTANCE);
        for (k, &i) in ordered.iter().enumerate() {
            let angle = -std::f32::consts::FRAC_PI_2 + std::f32::consts::TAU * k as f32 / count;
            out[i] = center + vec2(angle.cos(), angle.sin()) * radius;
        }
    }
    out
}

/// A label to place beside a marker.
#[derive(Debug, Clone, Copy)]
pub struct LabelRequest {
    pub anchor: Pos2,
    pub marker_radius: f32,
    pub size: Vec2,
}

/// Places labels in the order given (most important first), trying right, left, above and
/// below the marker, then the four diagonals; a label that fits nowhere is left out. No two
/// placed labels overlap, and no label covers a marker.
pub fn place_labels(requests: &[LabelRequest], markers: &[(Pos2, f32)]) -> Vec<Option<Rect>> {
    let mut placed: Vec<Rect> = Vec::new();
    requests
        .iter()
        .map(|request| {
            let gap = request.marker_radius + 3.0;
            let a = request.anchor;
            let s = request.size;
            let candidates = [
                Rect::from_min_size(a + vec2(gap, -s.y / 2.0), s),
                Rect::from_min_size(a + vec2(-gap - s.x, -s.y / 2.0), s),
                Rect::from_min_size(a + vec2(-s.x / 2.0, -gap - s.y), s),
                Rect::from_min_size(a + vec2(-s.x / 2.0, gap), s),
                Rect::from_min_size(a + vec2(gap * 0.7, -gap * 0.7 - s.y), s),
                Rect::from_min_size(a + vec2(gap * 0.7, gap * 0.7), s),
                Rect::from_min_size(a + vec2(-gap * 0.7 - s.x, -gap * 0.7 - s.y), s),
                Rect::from_min_size(a + vec2(-gap * 0.7 - s.x, gap * 0.7), s),
            ];
            let free = candidates.into_iter().find(|candidate| {
                !placed.iter().any(|r| r.intersects(*candidate))
                    && !markers
                        .iter()
                        .any(|(center, radius)| candidate.distance_to_pos(*center) < *radius)
            });
            if let Some(rect) = free {
                placed.push(rect);
            }
            free
        })
        .collect()
}

/// Rectangles on screen filed by the squares of a grid they touch, so that what lies near a
/// spot is found without looking at every one (hundreds of badges against hundreds of labels
/// and markers took half a millisecond a frame).
#[derive(Debug, Default)]
pub struct ScreenGrid {
    cells: foldhash::HashMap<(i32, i32), Vec<Rect>>,
}

impl ScreenGrid {
    /// The side of a grid square, in points.
    const CELL: f32 = 64.0;

    pub fn new(rects: impl IntoIterator<Item = Rect>) -> Self {
        let mut grid = Self::default();
        for rect in rects {
            grid.insert(rect);
        }
        grid
    }

    fn cells_of(rect: Rect) -> impl Iterator<Item = (i32, i32)> {
        let cell = |v: f32| (v / Self::CELL).floor() as i32;
        let (x0, x1) = (cell(rect.min.x), cell(rect.max.x));
        let (y0, y1) = (cell(rect.min.y), cell(rect.max.y));
        (x0..=x1).flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
    }

    pub fn insert(&mut self, rect: Rect) {
        if !rect.is_finite() {
            return;
        }
        for cell in Self::cells_of(rect) {
            self.cells.entry(cell).or_default().push(rect);
        }
    }

    /// The rectangles that touch a square touched by `area` (some twice): a superset of those
    /// that overlap it.
    pub fn near(&self, area: Rect) -> Vec<Rect> {
        if !area.is_finite() {
            return Vec::new();
        }
        Self::cells_of(area)
            .filter_map(|cell| self.cells.get(&cell))
            .flatten()
            .copied()
            .collect()
    }
}

/// Where a tooltip of `size` goes beside `anchor`: the corner (below right, above right, below
/// left, above left) that stays inside `bounds` and hides the fewest `markers`, so the hovered
/// marker's neighbours stay in sight.
pub fn tooltip_rect(anchor: Pos2, size: Vec2, bounds: Rect, markers: &[(Pos2, f32)]) -> Rect {
    let gap = 14.0;
    let candidates = [
        Rect::from_min_size(anchor + vec2(gap, gap), size),
        Rect::from_min_size(anchor + vec2(gap, -gap - size.y), size),
        Rect::from_min_size(anchor + vec2(-gap - size.x, gap), size),
        Rect::from_min_size(anchor + vec2(-gap - size.x, -gap - size.y), size),
    ];
    let hidden = |rect: &Rect| {
        markers
            .iter()
            .filter(|(center, radius)| {
                center.distance(anchor) > 1.0 && rect.expand(*radius).contains(*center)
            })
            .count()
    };
    candidates
        .into_iter()
        .min_by_key(|rect| (!bounds.contains_rect(*rect), hidden(rect)))
        .unwrap_or(candidates[0])
}

/// A movement's curve on screen: a quadratic Bézier bending to the left of its direction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Curve {
    pub from: Pos2,
    pub control: Pos2,
    pub to: Pos2,
}

impl Curve {
    /// `bend` is the control point's offset from the chord's middle, as a share of its length.
    pub fn new(from: Pos2, to: Pos2, bend: f32) -> Self {
        let chord = to - from;
        let normal = vec2(chord.y, -chord.x);
        Self {
            from,
            control: from + chord / 2.0 + normal * bend,
            to,
        }
    }

    pub fn at(&self, t: f32) -> Pos2 {
        let u = 1.0 - t;
        (self.from.to_vec2() * u * u
            + self.control.to_vec2() * 2.0 * u * t
            + self.to.to_vec2() * t * t)
            .to_pos2()
    }

    /// Direction of travel at `t`, normalised.
    pub fn direction(&self, t: f32) -> Vec2 {
        let d = (self.control - self.from) * 2.0 * (1.0 - t) + (self.to - self.control) * 2.0 * t;
        d.normalized()
    }

    /// How many straight pieces draw the curve (from 2 to 24) with none further than
    /// `tolerance` points from it: a quadratic's pieces of parameter length 1/n stray at most
    /// |from − 2·control + to| / (4n²). A gently bent or short arrow needs a few; each piece is
    /// six triangles of line and six of halo, for every arrow of every frame.
    pub fn segments_within(&self, tolerance: f32) -> usize {
        let bend =
            (self.from.to_vec2() - self.control.to_vec2() * 2.0 + self.to.to_vec2()).length();
        let needed = (bend / (4.0 * tolerance.max(0.01))).sqrt().ceil();
        (needed as usize).clamp(2, 24)
    }

    /// The curve as `segments` straight pieces, from `t0` to `t1`.
    pub fn points(&self, t0: f32, t1: f32, segments: usize) -> Vec<Pos2> {
        (0..=segments)
            .map(|i| self.at(t0 + (t1 - t0) * i as f32 / segments as f32))
            .collect()
    }

    /// The parameter where the curve is `distance` points short of its end (approximately).
    pub fn t_before_end(&self, distance: f32) -> f32 {
        let length = self.length();
        if length <= distance * 2.0 {
            return 0.5;
        }
        1.0 - distance / length
    }

    pub fn length(&self) -> f32 {
        self.points(0.0, 1.0, 16)
            .windows(2)
            .map(|w| w[0].distance_sq(w[1]).sqrt())
            .sum()
    }

    /// Shortest distance from `point` to the curve.
    pub fn distance_to(&self, point: Pos2) -> f32 {
        self.points(0.0, 1.0, 32)
            .windows(2)
            .map(|w| distance_sq_to_segment(point, w[0], w[1]))
            .fold(f32::INFINITY, f32::min)
            .sqrt()
    }
}

/// Squared: a square root per segment would be most of the cost (hit-testing, bends).
fn distance_sq_to_segment(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    let ab = b - a;
    let length_sq = ab.length_sq();
    if length_sq == 0.0 {
        return p.distance_sq(a);
    }
    let t = ((p - a).dot(ab) / length_sq).clamp(0.0, 1.0);
    p.distance_sq(a + ab * t)
}

/// The bend of the `rank`-th arrow among those sharing a destination: each one curves further,
/// so arrows into the same place fan out instead of overlapping.
pub fn bend_for(rank: usize) -> f32 {
    0.10 + 0.10 * rank as f32
}

/// The point nearest to `points[from]` in `direction` (a unit vector), counting sideways
/// distance twice: what an arrow key moves the keyboard to on the map.
pub fn nearest_in_direction(points: &[Pos2], from: usize, direction: Vec2) -> Option<usize> {
    let origin = *points.get(from)?;
    points
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != from)
        .filter_map(|(i, p)| {
            let offset = *p - origin;
            let along = offset.dot(direction);
            (along > 0.5).then(|| (i, along + 2.0 * (offset - direction * along).length()))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// Above this many markers in an arrow's way, it keeps its bend.
pub const CROWD_OBSTACLES: usize = 24;

/// The bend nearest `bend` whose curve from `from` to `to` passes clear of every obstacle
/// (a marker's centre and radius): more bent, then bent the other way. `bend` itself when none
/// is clear.
pub fn clear_bend(from: Pos2, to: Pos2, bend: f32, obstacles: &[(Pos2, f32)]) -> f32 {
    // Through a crowd no bend is clear of every marker: trying them all only costs time (the
    // arrows of a crowded city view took seconds a frame).
    if obstacles.len() > CROWD_OBSTACLES {
        return bend;
    }
    let clear = |b: f32| {
        let curve = Curve::new(from, to, b);
        obstacles
            .iter()
            .all(|(center, radius)| curve.distance_to(*center) > radius + 4.0)
    };
    let candidates = [0.0, 0.12, 0.24, 0.36, -0.24, -0.36, 0.5, -0.5];
    candidates
        .iter()
        .map(|extra| {
            if *extra < 0.0 {
                -(bend - extra)
            } else {
                bend + extra
            }
        })
        .find(|b| clear(*b))
        .unwrap_or(bend)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_curve_is_drawn_with_as_few_pieces_as_stay_within_the_tolerance() {
        let straight = Curve::new(Pos2::new(0.0, 0.0), Pos2::new(600.0, 0.0), 0.0);
        assert_eq!(straight.segments_within(0.25), 2);
        let short = Curve::new(Pos2::new(0.0, 0.0), Pos2::new(60.0, 40.0), 0.15);
        let long = Curve::new(Pos2::new(0.0, 0.0), Pos2::new(600.0, 400.0), 0.15);
        let huge = Curve::new(Pos2::new(0.0, 0.0), Pos2::new(9000.0, 0.0), 0.3);
        assert!(short.segments_within(0.25) < long.segments_within(0.25));
        assert_eq!(huge.segments_within(0.25), 24);
        for curve in [short, long] {
            let segments = curve.segments_within(0.25);
            let pieces = curve.points(0.0, 1.0, segments);
            // Every point of the true curve is within the tolerance of the pieces.
            for i in 0..=1000 {
                let on_curve = curve.at(i as f32 / 1000.0);
                let nearest = pieces
                    .windows(2)
                    .map(|w| distance_sq_to_segment(on_curve, w[0], w[1]))
                    .fold(f32::INFINITY, f32::min)
                    .sqrt();
                assert!(
                    nearest <= 0.25 + 1e-3,
                    "{nearest} off with {segments} pieces"
                );
            }
        }
    }

    /// Whatever overlaps an area is among what the grid finds near it, at any size and place
    /// (negative positions, rectangles wider than a square).
    #[test]
    fn the_grid_finds_every_rectangle_overlapping_an_area() {
        let mut seed = 5u64;
        let mut next = |range: f32| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            ((seed >> 33) as f32 / (1u64 << 31) as f32) * range
        };
        let mut rect = || {
            let min = Pos2::new(next(1000.0) - 300.0, next(800.0) - 300.0);
            Rect::from_min_size(min, vec2(next(150.0), next(150.0)))
        };
        let rects: Vec<Rect> = (0..300).map(|_| rect()).collect();
        let grid = ScreenGrid::new(rects.iter().copied());
        for _ in 0..300 {
            let area = rect();
            let near = grid.near(area);
            for r in rects.iter().filter(|r| r.intersects(area)) {
                assert!(
                    near.contains(r),
                    "{r:?} overlaps {area:?} but was not found"
                );
            }
        }
    }
    use egui::pos2;

    #[test]
    fn an_arrow_bends_around_a_marker_in_its_way() {
        let (from, to) = (pos2(0.0, 0.0), pos2(0.0, 200.0));
        let base = bend_for(0);
        let in_the_way = Curve::new(from, to, base).at(0.5);
        let bend = clear_bend(from, to, base, &[(in_the_way, 7.0)]);
        assert_ne!(bend, base);
        assert!(Curve::new(from, to, bend).distance_to(in_the_way) > 11.0);
        // Nothing in the way: the bend stays.
        assert_eq!(clear_bend(from, to, base, &[(pos2(300.0, 0.0), 7.0)]), base);
        // A crowd in the way: no bend is tried.
        let crowd: Vec<(Pos2, f32)> = (0..=CROWD_OBSTACLES)
            .map(|i| (in_the_way + egui::vec2(i as f32, 0.0), 7.0))
            .collect();
        assert_eq!(clear_bend(from, to, base, &crowd), base);
    }

    #[test]
    fn markers_far_apart_stay_where_they_are() {
        let positions = [pos2(0.0, 0.0), pos2(100.0, 0.0)];
        assert_eq!(spread_markers(&positions), positions.to_vec());
    }

    #[test]
    fn crowded_markers_are_spread_so_none_overlap() {
        let positions = [
            pos2(100.0, 100.0),
            pos2(101.0, 100.5),
            pos2(100.5, 102.0),
            pos2(99.0, 101.0),
            pos2(102.0, 98.0),
            pos2(300.0, 300.0),
        ];
        let spread = spread_markers(&positions);
        for i in 0..5 {
            for j in (i + 1)..5 {
                assert!(
                    spread[i].distance(spread[j]) >= CROWD_DISTANCE - 0.01,
                    "{i} and {j} overlap: {:?} {:?}",
                    spread[i],
                    spread[j]
                );
            }
            assert!(
                spread[i].distance(pos2(100.5, 100.3)) < 40.0,
                "stays near its crowd"
            );
        }
        assert_eq!(spread[5], positions[5]);
    }

    #[test]
    fn labels_never_overlap_and_skip_when_there_is_no_room() {
        let size = vec2(60.0, 14.0);
        let requests: Vec<LabelRequest> = (0..6)
            .map(|_| LabelRequest {
                anchor: pos2(100.0, 100.0),
                marker_radius: 6.0,
                size,
            })
            .collect();
        let placed = place_labels(&requests, &[(pos2(100.0, 100.0), 6.0)]);
        let rects: Vec<Rect> = placed.iter().flatten().copied().collect();
        assert_eq!(rects.len(), 4, "four sides around one marker");
        for i in 0..rects.len() {
            for j in (i + 1)..rects.len() {
                assert!(!rects[i].intersects(rects[j]));
            }
        }
    }

    #[test]
    fn a_label_prefers_the_right_of_its_marker() {
        let placed = place_labels(
            &[LabelRequest {
                anchor: pos2(50.0, 50.0),
                marker_radius: 5.0,
                size: vec2(40.0, 10.0),
            }],
            &[],
        );
        assert_eq!(placed[0].unwrap().min, pos2(58.0, 45.0));
    }

    #[test]
    fn arrows_to_one_place_fan_out() {
        let from = pos2(0.0, 300.0);
        let to = pos2(0.0, 0.0);
        let first = Curve::new(from, to, bend_for(0));
        let second = Curve::new(from, to, bend_for(1));
        assert!(first.at(0.5).distance(second.at(0.5)) >= 12.0);
        assert_eq!(first.at(0.0), from);
        assert_eq!(first.at(1.0), to);
    }

    #[test]
    fn the_distance_to_a_curve_is_zero_on_it_and_grows_away_from_it() {
        let curve = Curve::new(pos2(0.0, 0.0), pos2(100.0, 0.0), 0.2);
        assert!(curve.distance_to(curve.at(0.3)) < 0.5);
        assert!(curve.distance_to(pos2(50.0, 80.0)) > 50.0);
    }

    #[test]
    fn a_tooltip_goes_where_it_hides_no_neighbour() {
        let bounds = Rect::from_min_size(Pos2::ZERO, vec2(800.0, 600.0));
        let hovered = pos2(400.0, 300.0);
        // A neighbour below right and one below left: the tooltip goes above.
        let markers = [
            (hovered, 7.0),
            (pos2(440.0, 340.0), 7.0),
            (pos2(360.0, 340.0), 7.0),
        ];
        let rect = tooltip_rect(hovered, vec2(120.0, 60.0), bounds, &markers);
        assert!(rect.bottom() < hovered.y, "{rect:?}");
        for (center, radius) in &markers[1..] {
            assert!(
                !rect.expand(*radius).contains(*center),
                "{rect:?} hides {center:?}"
            );
        }
        // Near the right edge, it stays on the map.
        let edge = pos2(790.0, 300.0);
        let rect = tooltip_rect(edge, vec2(120.0, 60.0), bounds, &[]);
        assert!(bounds.contains_rect(rect), "{rect:?}");
    }

    #[test]
    fn a_label_boxed_in_on_four_sides_takes_a_diagonal() {
        let anchor = pos2(100.0, 100.0);
        let size = vec2(40.0, 12.0);
        let request = |anchor| LabelRequest {
            anchor,
            marker_radius: 6.0,
            size,
        };
        // Markers right, left, above and below, each with its label already placed there.
        let taken = [
            request(pos2(160.0, 100.0)),
            request(pos2(40.0, 100.0)),
            request(pos2(100.0, 60.0)),
            request(pos2(100.0, 140.0)),
        ];
        let mut requests = taken.to_vec();
        requests.push(request(anchor));
        let markers: Vec<(Pos2, f32)> = requests.iter().map(|r| (r.anchor, 6.0)).collect();
        let placed = place_labels(&requests, &markers);
        assert!(
            placed[4].is_some(),
            "the boxed-in label was dropped: {placed:?}"
        );
    }
}
