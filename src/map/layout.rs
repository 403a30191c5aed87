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
mod tests;
