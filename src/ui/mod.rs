//! Panels. Each draws itself and returns `Command`s; the app applies them at the end of the frame.

pub mod basemap_menu;
pub mod details;
pub mod event_list;
pub mod focus;
pub mod sidebar;
pub mod status_bar;
pub mod timeline;

use crate::map::overlay::Layers;
use crate::model::{DaySpan, FeatureIndex};
use crate::playback::PlaybackSettings;

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
    /// Show what intersects this time range.
    SetRange(DaySpan),
    /// Move the range by whole playback steps (negative: back).
    Step(i32),
    TogglePlay,
    SetPlayback(PlaybackSettings),
    /// Fade (true) or hide (false) what is outside the range.
    SetFadeHidden(bool),
    ToggleHelp,
    /// Use another tile provider (and remember it).
    SetTileProvider(crate::map::tiles::TileProvider),
    ClearTileCache,
    SetCacheLimit(u64),
    /// Open a link in the browser (only ever on a click).
    OpenUrl(String),
}
