//! The Basemap menu: tile provider, custom templates, offline archives and the tile cache.

use egui::{RichText, Ui};

use super::Command;
use crate::map::tiles::{CacheSettings, TileProvider};

/// What the user is typing in the menu.
#[derive(Debug, Clone)]
pub struct BasemapForm {
    pub template: String,
    pub attribution: String,
    pub max_zoom: u8,
    pub archive: String,
    pub error: Option<String>,
    /// The cache's size and when it was measured: walking the cache directory is disk I/O,
    /// so it is not repeated every frame the menu is open.
    cache_size: Option<(std::time::Instant, u64)>,
}

impl Default for BasemapForm {
    fn default() -> Self {
        Self {
            template: "https://{s}.example.org/{z}/{x}/{y}.png".into(),
            attribution: String::new(),
            max_zoom: 19,
            archive: String::new(),
            error: None,
            cache_size: None,
        }
    }
}

#[must_use = "the commands are for the app to apply"]
pub fn basemap_menu_ui(
    ui: &mut Ui,
    form: &mut BasemapForm,
    current: &TileProvider,
    cache: &CacheSettings,
) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.menu_button("Basemap", |ui| {
        ui.set_min_width(360.0);
        for choice in TileProvider::CHOICES {
            if ui.radio(*current == choice, choice.name()).clicked() {
                commands.push(Command::SetTileProvider(choice));
            }
        }
        if matches!(current, TileProvider::Custom { .. } | TileProvider::Archive { .. }) {
            ui.add(egui::RadioButton::new(true, current.name()));
        }
        ui.separator();
        ui.label(RichText::new("Custom XYZ tiles").strong());
        ui.horizontal(|ui| {
            let label = ui.label("URL");
            ui.add(egui::TextEdit::singleline(&mut form.template).desired_width(280.0)).labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            let label = ui.label("Attribution");
            ui.add(egui::TextEdit::singleline(&mut form.attribution).desired_width(230.0)).labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            let label = ui.label("Max zoom");
            ui.add(egui::DragValue::new(&mut form.max_zoom).range(1..=22)).labelled_by(label.id);
            if ui.button("Use these tiles").clicked() {
                match TileProvider::custom(form.template.trim(), form.attribution.trim(), form.max_zoom) {
                    Ok(provider) => {
                        form.error = None;
                        commands.push(Command::SetTileProvider(provider));
                    }
                    Err(message) => form.error = Some(message),
                }
            }
        });
        ui.label(RichText::new("{z}, {x}, {y} are filled in; {s} takes a, b, c.").small().weak());
        ui.separator();
        ui.label(RichText::new("Offline archive (.mbtiles or .pmtiles, raster)").strong());
        ui.horizontal(|ui| {
            let label = ui.label("File");
            ui.add(egui::TextEdit::singleline(&mut form.archive).desired_width(230.0).hint_text("/path/to/tiles.mbtiles"))
                .labelled_by(label.id);
            if ui.button("Open").clicked() {
                match TileProvider::parse(form.archive.trim()) {
                    Ok(provider @ TileProvider::Archive { .. }) => {
                        form.error = None;
                        commands.push(Command::SetTileProvider(provider));
                    }
                    _ => form.error = Some("choose a file ending in .mbtiles or .pmtiles".into()),
                }
            }
        });
        if let Some(error) = &form.error {
            ui.colored_label(egui::Color32::from_rgb(0xc0, 0x30, 0x30), error);
        }
        ui.separator();
        ui.label(RichText::new("Tile cache").strong());
        let location = cache.root().map_or_else(|| "no cache directory".into(), |p| p.display().to_string());
        ui.label(RichText::new(location).monospace().small());
        let used = match form.cache_size {
            Some((measured, bytes)) if measured.elapsed() < std::time::Duration::from_secs(2) => bytes,
            _ => {
                let bytes = cache.used_bytes();
                form.cache_size = Some((std::time::Instant::now(), bytes));
                bytes
            }
        };
        let used_mb = used as f64 / 1e6;
        let mut limit_mb = (cache.limit_bytes / 1_000_000) as u32;
        ui.horizontal(|ui| {
            ui.label(format!("{used_mb:.1} MB used; limit"));
            let response = ui.add(egui::DragValue::new(&mut limit_mb).range(10..=100_000).suffix(" MB"));
            if response.changed() {
                commands.push(Command::SetCacheLimit(limit_mb as u64 * 1_000_000));
            }
        });
        if ui.button("Clear tile cache").clicked() {
            form.cache_size = None;
            commands.push(Command::ClearTileCache);
        }
        ui.label(
            RichText::new(
                "Tiles are kept at least 7 days, or longer when the server says so. There is no bulk download: \
                 tile servers forbid it; use an offline archive instead.",
            )
            .small()
            .weak(),
        );
    });
    commands
}
