//! The bar along the top: File (Open…, Open recent, Export…), framing and zoom, the map's layers,
//! the basemap, which panels show, the legend and help.

use std::path::PathBuf;

use egui::{RichText, Ui};

use super::basemap_menu::{BasemapForm, basemap_menu_ui};
use super::{Panels, sidebar};
use crate::command::Command;
use crate::map::tiles::{CacheSettings, TileProvider};
use crate::map::toggles::DrawToggles;

/// What the bar shows this frame.
pub struct TopBar<'a> {
    pub draw: DrawToggles,
    pub tile_provider: &'a TileProvider,
    pub tile_cache: &'a CacheSettings,
    pub panels: Panels,
    pub recent_files: &'a [PathBuf],
}

#[must_use = "the commands are for the app to apply"]
pub fn top_bar_ui(ui: &mut Ui, bar: &TopBar, basemap_form: &mut BasemapForm) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.horizontal(|ui| {
        ui.label(RichText::new("evacmap").strong());
        ui.separator();
        ui.menu_button("File", |ui| {
            if ui.button("Open…").clicked() {
                commands.push(Command::ToggleOpenDialog);
            }
            ui.add_enabled_ui(!bar.recent_files.is_empty(), |ui| {
                ui.menu_button("Open recent", |ui| {
                    for path in bar.recent_files {
                        if ui.button(path.display().to_string()).clicked() {
                            commands.push(Command::Open(path.clone()));
                        }
                    }
                });
            });
            if ui.button("Export…").clicked() {
                commands.push(Command::ToggleExport);
            }
        });
        let fit = ui
            .button("Fit story")
            .on_hover_text("Show the whole story (Home)");
        super::focus::remember(ui.ctx(), "top-bar", fit.id);
        if fit.clicked() {
            commands.push(Command::FitAll);
        }
        if ui.button("+").on_hover_text("Zoom in (+)").clicked() {
            commands.push(Command::Zoom(1.0));
        }
        if ui.button("−").on_hover_text("Zoom out (-)").clicked() {
            commands.push(Command::Zoom(-1.0));
        }
        commands.extend(sidebar::layers_menu_ui(
            ui,
            bar.draw,
            !matches!(bar.tile_provider, TileProvider::Offline),
        ));
        commands.extend(basemap_menu_ui(
            ui,
            basemap_form,
            bar.tile_provider,
            bar.tile_cache,
        ));
        let mut panels = bar.panels;
        ui.toggle_value(&mut panels.list, "List")
            .on_hover_text("Show or hide the story and its events on the left");
        ui.toggle_value(&mut panels.timeline, "Timeline")
            .on_hover_text("Show or hide the timeline and playback");
        if panels != bar.panels {
            commands.push(Command::SetPanels(panels));
        }
        if ui.button("Legend").clicked() {
            commands.push(Command::ToggleLegend);
        }
        if ui
            .button("Help")
            .on_hover_text("Keyboard shortcuts (F1 or ?)")
            .clicked()
        {
            commands.push(Command::ToggleHelp);
        }
        ui.separator();
        ui.label(
            RichText::new(
                "File → Open…, or drop files on the window (GeoJSON, ACLED, flow tables).",
            )
            .weak(),
        );
    });
    commands
}
