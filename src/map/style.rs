//! How story features look: one place for colours, shapes and the arrow-width rule, so the
//! legend and the map cannot disagree.

use egui::Color32;

use crate::model::{
    ControlStatus, Measure, Movement, MovementStatus, MovementType, PlaceType, Vocabulary,
};

/// Fill colour of a place marker by who held it.
pub fn control_color(status: Option<ControlStatus>) -> Color32 {
    match status {
        Some(ControlStatus::Government) => Color32::from_rgb(0xc8, 0x3a, 0x32),
        Some(ControlStatus::Opposition) => Color32::from_rgb(0x2f, 0x8f, 0x45),
        Some(ControlStatus::Contested) => Color32::from_rgb(0xe0, 0x8e, 0x1b),
        Some(ControlStatus::Truce) => Color32::from_rgb(0x3b, 0x7d, 0xc4),
        Some(ControlStatus::Unknown) | None => Color32::from_rgb(0x7a, 0x7f, 0x88),
    }
}

/// The legend's wording for a control status.
pub fn control_label(status: Option<ControlStatus>) -> &'static str {
    match status {
        Some(ControlStatus::Government) => "Government",
        Some(ControlStatus::Opposition) => "Opposition",
        Some(ControlStatus::Contested) => "Contested",
        Some(ControlStatus::Truce) => "Local truce",
        Some(ControlStatus::Unknown) | None => "Not reported",
    }
}

pub const CONTROL_LEGEND: [Option<ControlStatus>; 5] = [
    Some(ControlStatus::Government),
    Some(ControlStatus::Opposition),
    Some(ControlStatus::Contested),
    Some(ControlStatus::Truce),
    None,
];

/// A marker's outline shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerShape {
    /// Neighbourhoods, districts, villages, towns.
    Circle,
    /// Cities.
    Square,
    /// Camps.
    Triangle,
    /// Regions, provinces, countries: areas shown by a point.
    Diamond,
}

pub fn marker_shape(place_type: Option<PlaceType>) -> MarkerShape {
    match place_type {
        Some(PlaceType::City) => MarkerShape::Square,
        Some(PlaceType::Camp) => MarkerShape::Triangle,
        Some(PlaceType::Region | PlaceType::Province | PlaceType::Country) => MarkerShape::Diamond,
        _ => MarkerShape::Circle,
    }
}

/// Marker radius in points.
pub fn marker_radius(place_type: Option<PlaceType>) -> f32 {
    match place_type {
        Some(PlaceType::Country | PlaceType::Province | PlaceType::Region) => 8.0,
        Some(PlaceType::City) => 7.0,
        _ => 6.0,
    }
}

/// Label importance: lower is placed first when labels compete for room.
pub fn label_priority(place_type: Option<PlaceType>) -> u8 {
    match place_type {
        Some(PlaceType::Country) => 0,
        Some(PlaceType::Province | PlaceType::City) => 1,
        Some(PlaceType::Region) => 2,
        _ => 3,
    }
}

/// Arrow colour by what the movement was.
pub fn movement_color(movement_type: Option<MovementType>) -> Color32 {
    match movement_type {
        Some(MovementType::Evacuation) | None => Color32::from_rgb(0x6a, 0x2c, 0x91),
        Some(MovementType::Displacement) => Color32::from_rgb(0xb3, 0x4d, 0x06),
        Some(MovementType::Return) => Color32::from_rgb(0x11, 0x6d, 0x5b),
    }
}

/// Failed movements are drawn grey, with a cross at their middle.
pub const FAILED_COLOR: Color32 = Color32::from_rgb(0x8e, 0x8e, 0x8e);
pub const FAILED_MARK: Color32 = Color32::from_rgb(0xc0, 0x20, 0x20);

/// How an arrow's line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineStyle {
    Solid,
    /// Announced but not (yet) known to have happened.
    Dashed,
    /// Reported to have fallen through.
    Failed,
}

pub fn line_style(status: Option<MovementStatus>) -> LineStyle {
    match status {
        Some(MovementStatus::Scheduled) => LineStyle::Dashed,
        Some(MovementStatus::Failed) => LineStyle::Failed,
        _ => LineStyle::Solid,
    }
}

/// The largest number of people any source reports for a movement.
pub fn people_count(movement: &Movement) -> Option<u64> {
    people_in(
        movement
            .figures
            .iter()
            .map(|f| (f.measure.as_str(), f.value)),
    )
}

/// [`people_count`] of figures given as (measure, value), as the columns keep them.
pub fn people_in<'a>(figures: impl Iterator<Item = (&'a str, u64)>) -> Option<u64> {
    figures
        .filter(|(measure, _)| Measure::parse(measure).is_some_and(Measure::counts_people_moved))
        .map(|(_, value)| value)
        .max()
}

/// The legend's statement of the width rule, in words ([`arrow_width`] and
/// [`merged_arrow_width`] give the numbers).
pub const WIDTH_RULE: &str = "Arrow width: the more people moved, the wider the arrow (from the \
                              highest count any source gives, up to 16 pt); a thin arrow when no \
                              count is reported. Between clusters, an arrow is as wide as its \
                              people compared with the largest such arrow in view.";

/// The width of an arrow standing for the movements between clusters: sums of hundreds of
/// movements would all reach the widest, so it is by its share of the largest such arrow in
/// view (2 to 12 pt, by the square root, as for one movement). [`WIDTH_RULE`] says it in words.
pub fn merged_arrow_width(people: u64, largest: u64) -> f32 {
    if largest == 0 {
        return 2.0;
    }
    2.0 + 10.0 * (people as f32 / largest as f32).sqrt()
}

/// Arrow width in points for a number of people: 2 pt + √(people ÷ 20) pt, at most 16 pt.
pub fn arrow_width(people: Option<u64>) -> f32 {
    match people {
        Some(n) => (2.0 + (n as f32 / 20.0).sqrt()).min(16.0),
        None => 2.0,
    }
}

/// Length of an arrow's head for a line `width` points wide.
pub fn head_length(width: f32) -> f32 {
    (width * 2.2).max(10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arrow_between_clusters_is_as_wide_as_its_share_of_the_largest_in_view() {
        assert_eq!(merged_arrow_width(2_000_000, 2_000_000), 12.0);
        assert_eq!(merged_arrow_width(500_000, 2_000_000), 7.0);
        assert_eq!(merged_arrow_width(0, 2_000_000), 2.0);
        assert_eq!(merged_arrow_width(0, 0), 2.0);
    }

    #[test]
    fn arrow_width_grows_with_the_square_root_of_people() {
        assert_eq!(arrow_width(None), 2.0);
        assert_eq!(arrow_width(Some(0)), 2.0);
        assert!((arrow_width(Some(1246)) - 9.893).abs() < 0.01);
        assert!((arrow_width(Some(700)) - 7.916).abs() < 0.01);
        assert_eq!(arrow_width(Some(10_000_000)), 16.0);
    }

    #[test]
    fn each_control_status_has_its_own_colour() {
        let colors: std::collections::HashSet<_> =
            CONTROL_LEGEND.iter().map(|s| control_color(*s)).collect();
        assert_eq!(colors.len(), CONTROL_LEGEND.len());
    }
}
