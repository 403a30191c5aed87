//! The status bar: cursor position, zoom, tiles and the story's file.

use egui::{RichText, Ui};

use super::details::format_lat_lon;
use crate::command::Command;

/// What the status bar shows this frame.
pub struct Status<'a> {
    pub pointer_lon_lat: Option<(f64, f64)>,
    pub zoom: f64,
    pub tiles: &'a str,
    pub story: &'a str,
    pub warnings: usize,
    /// Arrows drawn, and whether more in view are left out (the largest are drawn).
    pub arrows: (usize, bool),
    /// The map's index or its clusters and arrows for this zoom are being worked out (a big
    /// story).
    pub preparing_level: bool,
    /// A file being read in the background, and how far it has come.
    pub loading: Option<(&'a std::path::Path, &'a crate::io::LoadProgress)>,
}

/// Shows the status; a click on Cancel beside a load asks to stop it.
pub fn status_bar_ui(ui: &mut Ui, status: &Status) -> Option<Command> {
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
            story.push_str(&format!(
                " ({})",
                crate::model::plural(status.warnings, "warning")
            ));
        }
        ui.label(story);
        if let (drawn, true) = status.arrows {
            ui.separator();
            ui.label(format!(
                "Arrows: the {drawn} largest in view; more are left out"
            ))
            .on_hover_text("Zoom in or narrow the time range to see the others.");
        }
        if status.preparing_level {
            ui.separator();
            ui.spinner();
            ui.label("Preparing the map…").on_hover_text(
                "A big story's places and movements are indexed once after it opens, and its \
                 clusters and arrows worked out once per zoom level; the nearest level ready is \
                 shown meanwhile.",
            );
        }
        let (path, progress) = status.loading?;
        ui.separator();
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        match progress.fraction() {
            Some(fraction) => {
                let bar = egui::ProgressBar::new(fraction)
                    .desired_width(120.0)
                    .text(progress.describe());
                ui.add(bar).widget_info(|| {
                    egui::WidgetInfo::labeled(
                        egui::Role::ProgressIndicator,
                        true,
                        format!("Progress of opening {name}: {}", progress.describe()),
                    )
                });
            }
            None => {
                ui.spinner();
            }
        }
        ui.label(format!("Opening {}…", path.display()));
        ui.button("Cancel opening")
            .clicked()
            .then_some(Command::CancelLoad)
    })
    .inner
}
