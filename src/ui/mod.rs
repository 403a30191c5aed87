//! Panels. Each draws itself and returns `Command`s; the app applies them at the end of the frame.

pub mod details;
pub mod sidebar;
pub mod status_bar;

use crate::map::overlay::Layers;
use crate::model::FeatureIndex;

/// Something the user asked for, applied by the app once the frame is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Select a feature, or clear the selection.
    Select(Option<FeatureIndex>),
    /// Select a feature and bring it into view.
    Show(FeatureIndex),
    /// Frame the whole story.
    FitAll,
    /// Zoom in (positive) or out (negative) by whole levels.
    Zoom(f64),
    SetLayers(Layers),
    /// Open a link in the browser (only ever on a click).
    OpenUrl(String),
}
