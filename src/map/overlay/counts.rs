//! Counts of people at places (stocks: IDPs present, refugees in a camp; and displacements at a
//! place) as circles whose area follows the count, the largest in the story at
//! [`LARGEST_RADIUS`]. At each place, each source's latest count within the time range is
//! drawn (a DTM table's latest round); counts from different sources stand side by side,
//! never merged.

use egui::{Color32, Pos2, Rect};

use super::StoryOverlay;
use crate::map::index::{CountEntry, NO_SLOT};
use crate::model::{EventType, FeatureIndex};

/// The radius of the story's largest count.
pub const LARGEST_RADIUS: f32 = 36.0;
/// The smallest circle drawn, so that a small count is still seen and clicked.
const SMALLEST_RADIUS: f32 = 4.0;
/// Between circles standing side by side.
const GAP: f32 = 3.0;

/// What the circles mean, for the legends.
pub const COUNT_LEGEND: [(EventType, &str); 2] = [
    (
        EventType::Presence,
        "People counted at a place (circle area: the count)",
    ),
    (
        EventType::Displacement,
        "People displaced at a place (circle area: the count)",
    ),
];

/// One count drawn as a circle.
pub(super) struct CountMark {
    pub(super) index: FeatureIndex,
    pub(super) center: Pos2,
    pub(super) radius: f32,
    pub(super) event_type: EventType,
    pub(super) people: u64,
    /// Outside the time range (drawn faded).
    pub(super) faded: bool,
}

/// A circle's radius for `people` when the largest count is `largest`: its area follows the
/// count.
pub fn count_radius(people: u64, largest: u64) -> f32 {
    if largest == 0 {
        return SMALLEST_RADIUS;
    }
    let share = (people as f64 / largest as f64).sqrt() as f32;
    (LARGEST_RADIUS * share).max(SMALLEST_RADIUS)
}

/// The colour a count's circle is filled with (translucent) and outlined in.
pub fn count_colors(event_type: EventType) -> (Color32, Color32) {
    match event_type {
        EventType::Displacement => (
            Color32::from_rgba_unmultiplied(0xc2, 0x41, 0x0c, 70),
            Color32::from_rgb(0xc2, 0x41, 0x0c),
        ),
        _ => (
            Color32::from_rgba_unmultiplied(0x0f, 0x76, 0x6e, 70),
            Color32::from_rgb(0x0f, 0x76, 0x6e),
        ),
    }
}

impl StoryOverlay<'_> {
    /// The counts to draw for the places drawn (`drawn_at`: where each place slot's marker
    /// is) and the counts at points of their own in `area`: at each, each source's latest
    /// count within the range.
    pub(super) fn count_marks(
        &self,
        view: &crate::map::projection::ScreenTransform,
        area: Rect,
        drawn_at: &foldhash::HashMap<u32, Pos2>,
    ) -> Vec<CountMark> {
        if self.index.counts.is_empty() || !self.draw.places {
            return Vec::new();
        }
        let store = self.dataset.store();
        // (where, which sources, what) → the latest count shown, and whether it is faded.
        type Key = (u32, u64, u64, EventType);
        let mut latest: foldhash::HashMap<Key, (&CountEntry, Pos2, bool)> = Default::default();
        let mut order: Vec<Key> = Vec::new();
        for entry in &self.index.counts {
            let center = if entry.place == NO_SLOT {
                let at = view.to_screen_near(entry.world);
                if !area.contains(at) {
                    continue;
                }
                at
            } else {
                match drawn_at.get(&entry.place) {
                    Some(&at) => at,
                    None => continue,
                }
            };
            let visible = self.is_visible(entry.feature);
            if !visible && !self.fade_hidden {
                continue;
            }
            let own_point = if entry.place == NO_SLOT {
                entry.feature.0 as u64
            } else {
                0
            };
            let key = (entry.place, own_point, entry.sources, entry.event_type);
            let last_day = |e: &CountEntry| store.when(e.feature.0).and_then(|w| w.span().last);
            match latest.get_mut(&key) {
                None => {
                    order.push(key);
                    latest.insert(key, (entry, center, !visible));
                }
                Some(kept) => {
                    // A shown count wins over a faded one; then the later one.
                    if (visible, last_day(entry)) > (!kept.2, last_day(kept.0)) {
                        *kept = (entry, center, !visible);
                    }
                }
            }
        }
        // Side by side where several stand at one spot, the largest first.
        let mut at_spot: Vec<(Pos2, Vec<CountMark>)> = Vec::new();
        for key in order {
            let (entry, center, faded) = latest[&key];
            let mark = CountMark {
                index: entry.feature,
                center,
                radius: count_radius(entry.people, self.index.count_scale),
                event_type: entry.event_type,
                people: entry.people,
                faded,
            };
            match at_spot
                .iter_mut()
                .find(|(spot, _)| spot.distance(center) < 0.5)
            {
                Some((_, marks)) => marks.push(mark),
                None => at_spot.push((center, vec![mark])),
            }
        }
        let mut marks = Vec::new();
        for (spot, mut group) in at_spot {
            group.sort_by(|a, b| b.radius.total_cmp(&a.radius).then(a.index.cmp(&b.index)));
            let width: f32 =
                group.iter().map(|m| 2.0 * m.radius).sum::<f32>() + GAP * (group.len() - 1) as f32;
            let mut left = spot.x - width / 2.0;
            for mut mark in group {
                mark.center = Pos2::new(left + mark.radius, spot.y);
                left += 2.0 * mark.radius + GAP;
                marks.push(mark);
            }
        }
        marks
    }

    /// A count's accessible name: "People counted: IDPs in Idleb, 30 June 2017: 1,200,000
    /// IDPs (OCHA)".
    pub(super) fn count_name(&self, mark: &CountMark) -> String {
        let what = match mark.event_type {
            EventType::Displacement => "Displacement counted",
            _ => "People counted",
        };
        let mut name = format!("{what}: {}", self.dataset.display_name_at(mark.index));
        if let Some(when) = self.dataset.store().when(mark.index.0) {
            name.push_str(", ");
            name.push_str(&when.human());
        }
        if let Some(feature) = self.dataset.get(mark.index) {
            let figures: Vec<String> = feature
                .figures()
                .iter()
                .map(|f| self.dataset.figure_with_sources(f))
                .collect();
            if !figures.is_empty() {
                name.push_str(": ");
                name.push_str(&figures.join("; "));
            }
        }
        if mark.faded {
            name.push_str(super::OUTSIDE_RANGE);
        }
        name
    }
}

/// A count in few characters, for inside its circle: "1.2M", "950k", "800".
pub fn short_count(people: u64) -> Option<String> {
    let text = match people {
        0 => return None,
        1..=999 => people.to_string(),
        1_000..=999_999 => {
            let thousands = people as f64 / 1e3;
            if thousands < 10.0 {
                format!("{thousands:.1}k")
            } else {
                format!("{thousands:.0}k")
            }
        }
        _ => {
            let millions = people as f64 / 1e6;
            if millions < 10.0 {
                format!("{millions:.1}M")
            } else {
                format!("{millions:.0}M")
            }
        }
    };
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn circle_areas_follow_the_counts() {
        let largest = count_radius(1_000_000, 1_000_000);
        let quarter = count_radius(250_000, 1_000_000);
        assert_eq!(largest, LARGEST_RADIUS);
        // A quarter of the people: a quarter of the area, half the radius.
        assert!((quarter - LARGEST_RADIUS / 2.0).abs() < 1e-3);
        assert_eq!(count_radius(1, 1_000_000), SMALLEST_RADIUS);
        assert_eq!(count_radius(5, 0), SMALLEST_RADIUS);
    }

    #[test]
    fn counts_are_shortened_for_their_circles() {
        assert_eq!(short_count(1_200_000).as_deref(), Some("1.2M"));
        assert_eq!(short_count(950_000).as_deref(), Some("950k"));
        assert_eq!(short_count(2_100).as_deref(), Some("2.1k"));
        assert_eq!(short_count(800).as_deref(), Some("800"));
        assert_eq!(short_count(0), None);
    }
}
