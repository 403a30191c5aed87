//! Exports from the window: the dialog, the job on a worker and what it said.

use std::time::Duration;

use super::EvacApp;
use crate::ui::Command;

impl EvacApp {
    /// What the last export did ("Saved …" or why it failed); `None` while one runs.
    pub fn export_message(&self) -> Option<&str> {
        self.export_message.as_deref()
    }

    pub fn is_exporting(&self) -> bool {
        self.export_job.is_some()
    }

    /// The view on screen as an export sees it: centre, zoom and the map's size.
    pub fn export_view(&self) -> Option<(crate::export::MapView, egui::Vec2)> {
        let view = self.last_overlay.view?;
        let rect = self.map_rect?;
        Some((
            crate::export::MapView {
                center: view.world_center.to_position(),
                zoom: view.zoom(),
            },
            rect.size(),
        ))
    }

    pub(super) fn start_export(&mut self, request: crate::export::ExportRequest) {
        if self.export_job.is_some() {
            return;
        }
        match crate::export::job::ExportJob::start(self.story.dataset.clone(), request) {
            Ok(job) => {
                self.export_message = None;
                self.export_job = Some(job);
            }
            Err(e) => self.export_message = Some(format!("Export failed: {e}")),
        }
    }

    pub(super) fn poll_export(&mut self, ctx: &egui::Context) {
        let Some(job) = &self.export_job else {
            return;
        };
        if !job.is_finished() {
            ctx.request_repaint_after(Duration::from_millis(100));
            return;
        }
        self.export_message = self.export_job.take().map(|job| job.outcome());
    }

    #[must_use = "the commands are for the app to apply"]
    pub(super) fn export_window(&mut self, ctx: &egui::Context) -> Vec<Command> {
        self.poll_export(ctx);
        if !self.export_open {
            return Vec::new();
        }
        let mut open = true;
        let context = crate::ui::export_dialog::ExportContext {
            range: self.range,
            draw: self.state.draw,
            view: self.export_view(),
            tiles: &self.tile_provider,
            cache: &self.state.tile_cache,
            running: self.export_job.as_ref().map(|j| j.fraction()),
            message: self.export_message.as_deref(),
            chapter: self
                .chapters
                .current
                .and_then(|c| self.story.dataset.meta.chapters.get(c))
                .map(|chapter| (&*self.story.dataset, chapter)),
        };
        let mut commands = Vec::new();
        egui::Window::new("Export the map or its data")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                commands = crate::ui::export_dialog::export_ui(ui, &mut self.export_form, &context);
            });
        if !open {
            self.export_open = false;
        }
        commands
    }
}
