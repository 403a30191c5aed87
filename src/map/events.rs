//! Events on the map: a symbol per event type beside its place (or at its own point). Several
//! events at one place become one badge with their count; a click opens the badge into a fan of
//! the events, each selectable like a marker.

use egui::{Color32, Pos2, Rect, Shape, Stroke, Vec2, pos2, vec2};

use super::layout::ScreenGrid;

use crate::model::{Dataset, EventType, FeatureIndex, FeatureKind, Vocabulary};

/// One event to draw.
#[derive(Debug, Clone)]
pub struct EventMark {
    pub index: FeatureIndex,
    pub event_type: Option<EventType>,
    pub faded: bool,
}

/// An event's accessible name and first tooltip line: "Qaboun evacuation agreement, 13 May
/// 2017". Made when asked for: a crowded view has thousands of events and draws a few dozen.
pub fn event_label(dataset: &Dataset, index: FeatureIndex) -> String {
    let mut label = dataset.display_name_at(index);
    if let Some(when) = dataset.store().when(index.0) {
        label.push_str(", ");
        label.push_str(&when.human());
    }
    label
}

/// The events at one place (or one point), and where that place is drawn.
#[derive(Debug, Clone)]
pub struct EventGroup {
    /// The place, when the events are at one; `None` for an event at a point of its own.
    pub place: Option<FeatureIndex>,
    pub place_name: String,
    pub anchor: Pos2,
    pub marker_radius: f32,
    pub events: Vec<EventMark>,
}

impl EventGroup {
    /// Where the badge (or a lone event's symbol) sits: at the first corner of the marker (up
    /// right, up left, down right, down left) clear of the other `markers` and of what is
    /// already `taken` (labels, other badges); `None` when every corner is covered.
    pub fn badge_center(&self, markers: &[(Pos2, f32)], taken: &[egui::Rect]) -> Option<Pos2> {
        let offset = self.marker_radius + 9.0;
        let corners = [
            vec2(offset, -offset),
            vec2(-offset, -offset),
            vec2(offset, offset),
            vec2(-offset, offset),
        ];
        corners
            .iter()
            .map(|corner| self.anchor + *corner)
            .find(|center| {
                let tile = egui::Rect::from_center_size(*center, vec2(20.0, 20.0));
                markers.iter().all(|(at, radius)| {
                    at.distance(self.anchor) < 1.0 || at.distance(*center) > radius + 10.0
                }) && !taken.iter().any(|r| r.intersects(tile))
            })
    }
}

/// The size of an event's symbol on the map, and the room it keeps around it.
pub const SYMBOL_ROOM: f32 = 22.0;

/// Where the `count` events of an opened badge at `badge` go: the free spots nearest the badge,
/// on rings around it, where a symbol covers no marker, no label and no other symbol (each spot
/// taken is added to `taken`). Far out of room, the rest go on the outer ring regardless.
pub fn fan_spots(
    badge: Pos2,
    count: usize,
    markers: &ScreenGrid,
    taken: &mut ScreenGrid,
) -> Vec<Pos2> {
    const RINGS: [f32; 5] = [24.0, 46.0, 68.0, 90.0, 112.0];
    let mut spots = Vec::with_capacity(count);
    let mut candidates = RINGS.iter().flat_map(|&radius| {
        // As many spots on a ring as fit side by side, starting straight up.
        let around = ((std::f32::consts::TAU * radius / SYMBOL_ROOM).floor() as usize).max(6);
        (0..around).map(move |k| {
            let angle =
                -std::f32::consts::FRAC_PI_2 + std::f32::consts::TAU * k as f32 / around as f32;
            badge + vec2(angle.cos(), angle.sin()) * radius
        })
    });
    let free = |at: Pos2, taken: &ScreenGrid| {
        let room = Rect::from_center_size(at, Vec2::splat(SYMBOL_ROOM));
        markers.near(room).iter().all(|r| !r.intersects(room))
            && taken.near(room).iter().all(|r| !r.intersects(room))
    };
    while spots.len() < count {
        match candidates.next() {
            Some(at) if free(at, taken) => {
                taken.insert(Rect::from_center_size(at, Vec2::splat(SYMBOL_ROOM)));
                spots.push(at);
            }
            Some(_) => {}
            None => {
                // No free spot within reach: the outer ring, straight up and on round.
                let radius = RINGS[RINGS.len() - 1] + SYMBOL_ROOM;
                let k = spots.len() as f32;
                let angle = -std::f32::consts::FRAC_PI_2 + k * SYMBOL_ROOM / radius;
                spots.push(badge + vec2(angle.cos(), angle.sin()) * radius);
            }
        }
    }
    spots
}

/// The shown events among `candidates` (in file order) grouped by where they are drawn.
/// `state(i)`: `None` when the event is not shown, else whether it is drawn faded;
/// `place_at(i)`: where a place's marker is drawn.
pub fn event_groups(
    dataset: &Dataset,
    candidates: impl IntoIterator<Item = FeatureIndex>,
    state: impl Fn(FeatureIndex) -> Option<bool>,
    place_at: impl Fn(FeatureIndex) -> Option<(Pos2, f32)>,
    point_at: impl Fn(f64, f64) -> Option<Pos2>,
) -> Vec<EventGroup> {
    let mut groups: Vec<EventGroup> = Vec::new();
    // Which group each place's events go to.
    let mut group_of_place: foldhash::HashMap<FeatureIndex, usize> = Default::default();
    for index in candidates {
        let store = dataset.store();
        if dataset.kind(index) != Some(FeatureKind::Event) {
            continue;
        }
        let Some(faded) = state(index) else {
            continue;
        };
        // Where it goes first: most events are off screen or in a cluster in a big story.
        let (place, anchor, marker_radius) = match store.point(index.0) {
            Some(p) => match point_at(p.x, p.y) {
                Some(point) => (None, point, 0.0),
                None => continue,
            },
            None if store.has_geometry(index.0) => continue,
            None => {
                let Some(place) = store
                    .event_place(index.0)
                    .and_then(|id| dataset.index_of(id))
                else {
                    continue;
                };
                match place_at(place) {
                    Some((at, radius)) => (Some(place), at, radius),
                    None => continue,
                }
            }
        };
        let mark = EventMark {
            index,
            event_type: store.event_type(index.0).and_then(EventType::parse),
            faded,
        };
        match place
            .and_then(|p| group_of_place.get(&p))
            .and_then(|&g| groups.get_mut(g))
        {
            Some(group) => group.events.push(mark),
            None => {
                if let Some(place) = place {
                    group_of_place.insert(place, groups.len());
                }
                let place_name = place
                    .map(|p| dataset.display_name_at(p))
                    .unwrap_or_default();
                groups.push(EventGroup {
                    place,
                    place_name,
                    anchor,
                    marker_radius,
                    events: vec![mark],
                });
            }
        }
    }
    groups
}

/// The colour an event type is drawn in.
pub fn event_color(event_type: Option<EventType>) -> Color32 {
    match event_type {
        Some(EventType::Agreement | EventType::Truce) => Color32::from_rgb(0x1f, 0x7a, 0x4d),
        Some(EventType::Clashes | EventType::Offensive | EventType::Siege) => {
            Color32::from_rgb(0xb3, 0x26, 0x1e)
        }
        Some(EventType::Surrender | EventType::ControlChange) => {
            Color32::from_rgb(0x6a, 0x2c, 0x91)
        }
        Some(EventType::Uprising | EventType::Protest | EventType::Riot) => {
            Color32::from_rgb(0xc2, 0x5b, 0x00)
        }
        Some(EventType::AttackOnCivilians | EventType::Strike) => {
            Color32::from_rgb(0x8b, 0x00, 0x00)
        }
        _ => Color32::from_rgb(0x4a, 0x4a, 0x55),
    }
}

/// The symbol of an event type, centred on `center`: a white tile with a coloured mark, so it
/// reads on any basemap. `ring`: drawn around it (selection, focus, hover).
pub fn event_symbol(
    center: Pos2,
    event_type: Option<EventType>,
    ring: Option<Color32>,
) -> Vec<Shape> {
    let color = event_color(event_type);
    let half = 7.0;
    let tile = egui::Rect::from_center_size(center, vec2(2.0 * half, 2.0 * half));
    let mut shapes = vec![Shape::rect_filled(tile, 3.0, Color32::WHITE)];
    shapes.push(Shape::rect_stroke(
        tile,
        3.0,
        Stroke::new(1.2, color),
        egui::StrokeKind::Inside,
    ));
    let s = 3.5;
    let mark = Stroke::new(1.8, color);
    match event_type {
        // Two bars: an agreement or truce.
        Some(EventType::Agreement | EventType::Truce) => {
            shapes.push(Shape::line_segment(
                [center + vec2(-s, -1.8), center + vec2(s, -1.8)],
                mark,
            ));
            shapes.push(Shape::line_segment(
                [center + vec2(-s, 1.8), center + vec2(s, 1.8)],
                mark,
            ));
        }
        // Crossed lines: fighting.
        Some(EventType::Clashes | EventType::Offensive) => {
            shapes.push(Shape::line_segment(
                [center + vec2(-s, -s), center + vec2(s, s)],
                mark,
            ));
            shapes.push(Shape::line_segment(
                [center + vec2(-s, s), center + vec2(s, -s)],
                mark,
            ));
        }
        // A ring: encirclement.
        Some(EventType::Siege) => shapes.push(Shape::circle_stroke(center, s, mark)),
        // A filled triangle: a turn of events (surrender, change of control, uprising).
        Some(EventType::Surrender | EventType::ControlChange | EventType::Uprising) => {
            shapes.push(Shape::convex_polygon(
                vec![
                    pos2(center.x, center.y - s),
                    pos2(center.x + s, center.y + s),
                    pos2(center.x - s, center.y + s),
                ],
                color,
                Stroke::NONE,
            ));
        }
        // A broken bar: a deal that failed.
        Some(EventType::FailedDeal) => {
            shapes.push(Shape::line_segment(
                [center + vec2(-s, 0.0), center + vec2(-0.8, 0.0)],
                mark,
            ));
            shapes.push(Shape::line_segment(
                [center + vec2(0.8, 0.0), center + vec2(s, 0.0)],
                mark,
            ));
        }
        // A raised bar: people in the street (protest, riot).
        Some(EventType::Protest | EventType::Riot) => {
            shapes.push(Shape::line_segment(
                [center + vec2(0.0, -s), center + vec2(0.0, 1.0)],
                mark,
            ));
            shapes.push(Shape::circle_filled(
                center + vec2(0.0, s - 0.6),
                1.2,
                color,
            ));
        }
        // A burst: strikes, shelling, explosions.
        Some(EventType::Strike) => {
            for angle in [0.0_f32, 60.0, 120.0] {
                let d = vec2(angle.to_radians().cos(), angle.to_radians().sin()) * s;
                shapes.push(Shape::line_segment([center - d, center + d], mark));
            }
        }
        // A large dot: violence against civilians.
        Some(EventType::AttackOnCivilians) => {
            shapes.push(Shape::circle_filled(center, s, color));
        }
        // A dot: a statement or anything else reported.
        _ => shapes.push(Shape::circle_filled(center, 2.2, color)),
    }
    if let Some(ring) = ring {
        shapes.push(Shape::rect_stroke(
            tile.expand(2.5),
            4.0,
            Stroke::new(2.5, ring),
            egui::StrokeKind::Outside,
        ));
    }
    shapes
}

/// A badge with a count of events, centred on `center`.
pub fn count_badge(painter: &egui::Painter, center: Pos2, count: usize, ring: Option<Color32>) {
    let radius = 9.0;
    painter.circle(
        center,
        radius,
        Color32::from_rgb(0x33, 0x33, 0x40),
        Stroke::new(1.5, Color32::WHITE),
    );
    painter.text(
        center,
        egui::Align2::CENTER_CENTER,
        count.to_string(),
        egui::FontId::proportional(12.0),
        Color32::WHITE,
    );
    if let Some(ring) = ring {
        painter.circle_stroke(center, radius + 3.0, Stroke::new(2.5, ring));
    }
}

/// Event types and their names, for the legend.
pub const EVENT_LEGEND: [(Option<EventType>, &str); 9] = [
    (Some(EventType::Agreement), "Agreement or truce"),
    (Some(EventType::Clashes), "Clashes or offensive"),
    (Some(EventType::Siege), "Siege"),
    (
        Some(EventType::ControlChange),
        "Surrender, change of control, uprising",
    ),
    (Some(EventType::FailedDeal), "Deal that failed"),
    (Some(EventType::Protest), "Protest or riot"),
    (Some(EventType::Strike), "Strike, shelling or explosion"),
    (
        Some(EventType::AttackOnCivilians),
        "Violence against civilians",
    ),
    (Some(EventType::Statement), "Statement or other report"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_at_one_place_form_one_group_and_an_opened_group_fans_out() {
        let dataset = crate::io::parse_bytes(crate::BUNDLED_STORY.as_bytes(), "bundled")
            .unwrap()
            .dataset;
        let qaboun = dataset.index_of("qaboun").unwrap();
        let groups = event_groups(
            &dataset,
            dataset.events().map(|(i, _)| i),
            |_| Some(false),
            |place| (place == qaboun).then_some((pos2(100.0, 100.0), 7.0)),
            |_, _| Some(pos2(0.0, 0.0)),
        );
        assert_eq!(groups.len(), 1, "only Qaboun is drawn here: {groups:#?}");
        let group = &groups[0];
        assert_eq!(group.place, Some(qaboun));
        assert!(group.events.len() >= 3, "{:#?}", group.events);
        // Opened beside a crowd: the fan keeps off the markers and labels around it.
        let badge = pos2(116.0, 84.0);
        let markers = ScreenGrid::new([
            Rect::from_center_size(pos2(100.0, 100.0), Vec2::splat(14.0)),
            Rect::from_center_size(pos2(116.0, 60.0), Vec2::splat(14.0)),
            Rect::from_center_size(pos2(140.0, 84.0), Vec2::splat(14.0)),
        ]);
        let label = Rect::from_min_size(pos2(90.0, 30.0), vec2(60.0, 16.0));
        let mut taken = ScreenGrid::new([label, Rect::from_center_size(badge, Vec2::splat(20.0))]);
        let centers = fan_spots(badge, group.events.len(), &markers, &mut taken);
        assert_eq!(centers.len(), group.events.len());
        for (i, a) in centers.iter().enumerate() {
            let room = Rect::from_center_size(*a, Vec2::splat(SYMBOL_ROOM));
            assert!(!room.intersects(label), "{a:?} covers the label");
            for marker in markers.near(room) {
                assert!(!room.intersects(marker), "{a:?} covers a marker");
            }
            for b in &centers[i + 1..] {
                assert!(
                    a.distance(*b) >= 14.0,
                    "fanned symbols overlap: {centers:?}"
                );
            }
        }
    }
}
