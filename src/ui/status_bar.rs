//! The status bar: cursor position, zoom, tiles and the story's file.

use egui::{RichText, Ui};

use super::details::format_lat_lon;

/// What the status bar shows this frame.
pub struct Status<'a> {
    pub pointer_lon_lat: Option<(f64, f64)>,
    pub zoom: f64,
    pub tiles: &'a str,
    pub story: &'a str,
    pub warnings: usize,
    /// A file being read in the background.
    pub loading: Option<&'a std::path::Path>,
}

pub fn status_bar_ui(ui: &mut Ui, status: &Status) {
    ui.horizontal(|ui| {
        let position = status
            .pointer_lon_lat
            .map_or_else(|| "—".to_owned(), |(lon, lat)| format_lat_lon(lat, lon));
        ui.label(RichText::new(format!("Cursor: {position}")).monospace());
        ui.separator();
        ui.label(RichText::new(format!("Zoom {:.1}", status.zoom)).monospace());
        ui.separator();
        ui.label(format!("Tiles: {}", status.tiles));
        ui.separator();
        let mut story = status.story.to_owned();
        if status.warnings > 0 {
            story.push_str(&format!(" ({} warnings)", status.warnings));
        }
        ui.label(story);
        if let Some(path) = status.loading {
            ui.separator();
            ui.spinner();
            ui.label(format!("Opening {}…", path.display()));
        }
    });
}
