//! The bar along the top: File (Open…, Open recent, Export…), framing and zoom, the map's layers,
//! the basemap, which panels show, the legend and help.

use std::path::PathBuf;

use egui::{RichText, Ui};

use super::basemap_menu::{BasemapForm, basemap_menu_ui};
use super::{Panels, sidebar};
use crate::command::{Command, EditCommand, FormRequest};
use crate::map::tiles::{CacheSettings, TileProvider};
use crate::map::toggles::DrawToggles;

/// What the bar shows this frame.
pub struct TopBar<'a> {
    pub draw: DrawToggles,
    pub tile_provider: &'a TileProvider,
    pub tile_cache: &'a CacheSettings,
    pub panels: Panels,
    pub recent_files: &'a [PathBuf],
    pub edit: EditMenu<'a>,
}

/// What the Edit menu offers this frame.
pub struct EditMenu<'a> {
    pub mode: bool,
    /// Why the story cannot be edited, when it cannot.
    pub not_editable: Option<&'a str>,
    pub undo: Option<&'a str>,
    pub redo: Option<&'a str>,
    pub unsaved: bool,
    /// One file is open: it can be saved under another name (a table as a new story).
    pub can_save_as: bool,
    pub selection: Option<crate::model::FeatureIndex>,
    /// The centre of the map (longitude, latitude): where a place added from the menu goes.
    pub map_center: Option<(f64, f64)>,
}

#[must_use = "the commands are for the app to apply"]
fn edit_menu_ui(ui: &mut Ui, edit: &EditMenu) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.menu_button("Edit", |ui| {
        let mut mode = edit.mode;
        let toggle = ui.add_enabled(
            edit.not_editable.is_none() || edit.mode,
            egui::Checkbox::new(&mut mode, "Edit mode (E)"),
        );
        if let Some(why) = edit.not_editable {
            toggle.on_disabled_hover_text(why);
        } else if toggle.changed() {
            commands.push(Command::Edit(EditCommand::ToggleMode));
        }
        ui.separator();
        let undo = edit
            .undo
            .map_or("Undo".to_owned(), |l| format!("Undo: {l}"));
        if ui
            .add_enabled(edit.undo.is_some(), egui::Button::new(undo))
            .clicked()
        {
            commands.push(Command::Edit(EditCommand::Undo));
        }
        let redo = edit
            .redo
            .map_or("Redo".to_owned(), |l| format!("Redo: {l}"));
        if ui
            .add_enabled(edit.redo.is_some(), egui::Button::new(redo))
            .clicked()
        {
            commands.push(Command::Edit(EditCommand::Redo));
        }
        ui.separator();
        ui.add_enabled_ui(edit.mode, |ui| {
            if let Some((lon, lat)) = edit.map_center
                && ui
                    .button("New place at the centre of the map…")
                    .on_hover_text("Or click the map where it is")
                    .clicked()
            {
                commands.push(Command::Edit(EditCommand::OpenForm(
                    FormRequest::NewPlace { lon, lat },
                )));
            }
            if ui.button("New movement…").clicked() {
                commands.push(Command::Edit(EditCommand::OpenForm(
                    FormRequest::NewMovement {
                        from: None,
                        to: None,
                    },
                )));
            }
            if ui.button("New event…").clicked() {
                commands.push(Command::Edit(EditCommand::OpenForm(
                    FormRequest::NewEvent {
                        place: edit.selection,
                        point: None,
                    },
                )));
            }
            if ui
                .button("Add chapter from the current view")
                .on_hover_text("A step of the story: this view, this range, this selection")
                .clicked()
            {
                commands.push(Command::Edit(EditCommand::AddChapterFromView));
            }
            if ui.button("Sources…").clicked() {
                commands.push(Command::Edit(EditCommand::OpenForm(FormRequest::Sources)));
            }
            if let Some(selection) = edit.selection {
                if ui.button("Edit the selection…").clicked() {
                    commands.push(Command::Edit(EditCommand::OpenForm(FormRequest::Feature(
                        selection,
                    ))));
                }
                if ui.button("Delete the selection").clicked() {
                    commands.push(Command::Edit(EditCommand::DeleteFeature(selection)));
                }
            }
        });
    });
    commands
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
            if ui
                .button("Open database…")
                .on_hover_text("A story shared in PostgreSQL with PostGIS")
                .clicked()
            {
                commands.push(Command::ShowDatabaseDialog);
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
            if ui
                .add_enabled(bar.edit.unsaved || bar.edit.mode, egui::Button::new("Save"))
                .on_hover_text("Save the story (Ctrl+S)")
                .clicked()
            {
                commands.push(Command::Edit(EditCommand::Save));
            }
            if ui
                .add_enabled(bar.edit.can_save_as, egui::Button::new("Save as…"))
                .clicked()
            {
                commands.push(Command::Edit(EditCommand::ToggleSaveAs));
            }
            if ui
                .button("Add gazetteer…")
                .on_hover_text(
                    "Places by p-code or admin name for HXL, IOM DTM and IDMC tables: a CSV of \
                     code, name, latitude, longitude, or GeoJSON admin areas with p-codes",
                )
                .clicked()
            {
                commands.push(Command::ShowGazetteerDialog);
            }
            if ui.button("Export…").clicked() {
                commands.push(Command::ToggleExport);
            }
        });
        commands.extend(edit_menu_ui(ui, &bar.edit));
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
                "File → Open…, or drop files on the window (GeoJSON, ACLED, flow tables, HXL, IDMC, DTM).",
            )
            .weak(),
        );
    });
    commands
}
