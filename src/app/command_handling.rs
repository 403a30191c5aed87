//! Applying the commands the panels and the map returned, in one place.

use super::EvacApp;
use crate::ui::Command;

impl EvacApp {
    pub(super) fn apply(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::SelectMovements(movements) => {
                self.selection = None;
                self.selected_movements = Some(movements);
            }
            Command::Select(selection) => self.select(selection),
            Command::Show(index) => {
                self.auto_fitted = None;
                self.selected_movements = None;
                self.selection = Some(index);
                if let Some(center) = self.center_of(index) {
                    self.memory.center_at(center);
                }
            }
            Command::FitAll => match self.map_rect {
                Some(rect) => self.fit_to_story(rect),
                None => self.fit_pending = true,
            },
            Command::ZoomTo(bounds) => self.zoom_to(bounds),
            Command::Zoom(delta) => {
                self.auto_fitted = None;
                let zoom = (self.memory.zoom() + delta).clamp(2.0, 19.0);
                if self.memory.detached().is_none()
                    && let Some(view) = self.last_overlay.view
                {
                    self.memory.center_at(view.world_center.to_position());
                }
                self.memory.set_zoom(zoom).ok();
            }
            Command::SetDrawToggles(draw) => self.state.draw = draw,
            Command::SetRange(range) => {
                self.playing = None;
                self.set_range(range);
            }
            Command::Step(count) => self.step(count),
            Command::StepByUnit(count) => self.step_by_unit(count),
            Command::TogglePlay => self.toggle_play(ctx.input(|i| i.time)),
            Command::SetPlayback(settings) => self.state.playback = Some(settings),
            Command::SetFadeHidden(fade) => self.state.fade_hidden = fade,
            Command::ToggleHelp => self.help_open = !self.help_open,
            Command::SetTileProvider(provider) => self.use_tiles(ctx, provider),
            Command::ClearTileCache => {
                // Drop the downloader first so nothing writes while the files go.
                self.tiles = None;
                if let Err(e) = self.state.tile_cache.clear() {
                    self.tile_error = Some(format!("could not clear the tile cache: {e}"));
                }
                self.use_tiles(ctx, self.tile_provider.clone());
            }
            Command::SetCacheLimit(bytes) => {
                self.state.tile_cache.limit_bytes = bytes;
                self.use_tiles(ctx, self.tile_provider.clone());
            }
            Command::SetPanels(panels) => self.state.panels = panels,
            Command::ToggleExport => self.export_open = !self.export_open,
            Command::ToggleLegend => self.state.legend_closed = !self.state.legend_closed,
            Command::Export(request) => self.start_export(*request),
            Command::Open(path) => self.open_asking(path),
            Command::Edit(command) => self.apply_edit(command),
            Command::Chapter(command) => self.apply_chapter(ctx, command),
            Command::ResolveUnsaved(_) | Command::ResolveExternalChange(_) => {
                self.resolve(ctx, command);
            }
            Command::ToggleOpenDialog => {
                if self.open_dialog.open {
                    self.open_dialog.open = false;
                } else {
                    self.open_dialog.show_in(&self.dialog_folder());
                }
            }
            Command::ShowDatabaseDialog => self.database_dialog.show(),
            Command::ShowGazetteerDialog => {
                let folder = self.dialog_folder();
                self.open_dialog
                    .show_for(&folder, crate::ui::open_dialog::Purpose::Gazetteer);
            }
            Command::AddGazetteer(path) => self.add_gazetteer(&path),
            Command::SetLayerVisible(index, visible) => {
                self.layer_set.set_visible(index, visible);
                self.apply_layers();
            }
            Command::RemoveLayer(index) => {
                self.layer_set.remove(index);
                self.apply_layers();
            }
            Command::SetDateProperty(index, name) => {
                self.layer_set.set_date_property(index, &name);
                self.apply_layers();
            }
            Command::OpenWithColumns(path, headers, mapping) => {
                let key = crate::import::columns::layout_key(&headers);
                self.state.column_mappings.insert(key, mapping);
                self.columns_dialog = None;
                self.open(&path);
            }
            Command::CloseColumnsDialog => self.columns_dialog = None,
            Command::CancelLoad => {
                if let Some(pending) = &self.loading {
                    pending.job.cancel();
                }
            }
            Command::CancelExport => {
                if let Some(job) = &self.export_job {
                    job.cancel();
                }
            }
            // Panels only offer web links; checked again here, where the link is opened.
            Command::OpenUrl(url) => match crate::model::link::check(&url) {
                Ok(url) => ctx.open_url(egui::OpenUrl::new_tab(url.as_str())),
                Err(why) => log::warn!("not opening {url:?}: {why}"),
            },
        }
    }
}
