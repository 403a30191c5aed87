//! What the map asks the app for: the map returns these, the app turns them into commands.

use super::super::projection::LonLatBounds;
use crate::model::FeatureIndex;

/// What a click or a key on the map asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum MapAction {
    /// Select a feature (a place, movement, event or other feature), or nothing.
    Select(Option<FeatureIndex>),
    /// Select the movements an arrow stands for (between clusters, or the same two places).
    SelectMovements(Vec<FeatureIndex>),
    /// Show where a cluster's places are.
    ZoomTo(LonLatBounds),
    /// Edit mode: the empty map was clicked here (a new place).
    AddPlaceAt { lon: f64, lat: f64 },
    /// Edit mode: a place was dragged here.
    MovePlace {
        place: FeatureIndex,
        lon: f64,
        lat: f64,
    },
    /// Edit mode: a line was drawn from one place to another (Shift+drag): a movement.
    Connect {
        from: FeatureIndex,
        to: FeatureIndex,
    },
}
