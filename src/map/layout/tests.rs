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
