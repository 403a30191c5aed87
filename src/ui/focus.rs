//! Keyboard stops between panels: F6 moves the keyboard from the map to the event list's search,
//! to the timeline's Play button, to the top bar's Fit story, and back to the map.

use egui::{Context, Id};

/// The panels F6 visits after the map, in order.
pub const PANEL_STOPS: [&str; 3] = ["event-list", "timeline", "top-bar"];

/// Remembers `id` as the widget that takes the keyboard when F6 reaches `panel`.
pub fn remember(ctx: &Context, panel: &'static str, id: Id) {
    ctx.data_mut(|d| d.insert_temp(Id::unique(("panel stop", panel)), id));
}

/// The widget that takes the keyboard for `panel`, as of the last frame.
pub fn stop(ctx: &Context, panel: &'static str) -> Option<Id> {
    ctx.data(|d| d.get_temp(Id::unique(("panel stop", panel))))
}
