//! The layout of one frame: the panels around the map, the details card, legend and help.

use std::time::Instant;

use egui::{Align2, RichText, Ui, vec2};

use super::EvacApp;
use super::keyboard::SHORTCUTS;
use crate::ui::event_list::{EventListInput, event_list_ui};
use crate::ui::timeline::{TimelineInput, timeline_ui};
use crate::ui::{Command, details, sidebar, status_bar};

impl EvacApp {
    /// Draws one frame into `ui` (the whole window). Separate from eframe so tests can drive it.
    #[expect(
        clippy::too_many_lines,
        reason = "one frame's panel layout, read top to bottom as the window stacks it"
    )]
    pub fn show(&mut self, ui: &mut Ui) {
        let frame_started = Instant::now();
        self.frames += 1;
        crate::ui::text_style::keep_readable(ui.ctx());
        if crate::memory::settle_when_due() {
            ui.ctx().request_repaint_after(crate::memory::SETTLE_DELAY);
        }
        self.poll_load(ui.ctx());
        self.poll_story_indexes(ui.ctx());
        self.poll_files(ui.ctx());
        self.refresh_web_layers(std::time::Instant::now());
        self.poll_live(ui.ctx());
        if self.window_settled.is_some() {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        }
        self.advance_playback(ui.ctx());
        self.start_editing_if_asked();
        let now = ui.ctx().input(|i| i.time);
        self.open_pending_chapter(now);
        self.advance_passage(ui.ctx());
        self.apply_test_renames();
        self.keep_unsaved_edits_on_close(ui.ctx());
        self.update_title(ui.ctx());
        let mut commands = self.keyboard_commands(ui.ctx());
        self.open_dropped_files(ui.ctx());

        egui::Panel::top("menu").show(ui, |ui| {
            commands.extend(self.top_bar_ui(ui));
        });
        let edit_bar = self.edit.mode
            || self.edit.message.is_some()
            || self
                .edit
                .session
                .as_ref()
                .is_some_and(|s| s.journal_error.is_some());
        if edit_bar {
            egui::Panel::top("edit bar").show(ui, |ui| {
                commands.extend(self.edit_bar_ui(ui));
            });
        }
        egui::Panel::bottom("status").show(ui, |ui| {
            let tiles = match (&self.tiles, &self.tile_error) {
                _ if !self.state.draw.tiles => "hidden".to_owned(),
                (Some(tiles), _) => {
                    format!("{} ({})", self.tile_provider.name(), tiles.status_text())
                }
                (None, Some(error)) => format!("offline basemap ({error})"),
                (None, None) => self.tile_provider.name(),
            };
            let cancel = status_bar::status_bar_ui(
                ui,
                &status_bar::Status {
                    pointer_lon_lat: self.last_overlay.pointer_lon_lat,
                    zoom: self.memory.zoom(),
                    tiles: &tiles,
                    story: &self.story.name,
                    loading: self
                        .loading
                        .as_ref()
                        .map(|l| (l.job.path(), l.job.progress())),
                    warnings: self.story.warnings.len(),
                    preparing_level: self.last_overlay.level_pending,
                    arrows: (
                        self.last_overlay.arrows.len(),
                        self.last_overlay.arrows_left_out,
                    ),
                },
            );
            commands.extend(cancel);
        });
        if self.focus_search {
            // Ctrl+F brings the list back to search in.
            self.state.panels.list = true;
        }
        let wide = ui.available_width() >= crate::ui::NARROW_WIDTH;
        // Panels also fold away when dragged shut by their edge.
        let mut panels = self.state.panels;
        egui::Panel::bottom("timeline").show_collapsible(ui, &mut panels.timeline, |ui| {
            let input = TimelineInput {
                index: &self.time_index,
                extent: self.extent,
                range: self.range,
                story_week: self.story_week,
                playing: self.playing.is_some(),
                plan: self.playback_plan(),
                step_unit: self.step_unit(),
                settings: self.playback_settings(),
                fade_hidden: self.state.fade_hidden,
                visible_count: self.visible.count(),
                total: self.story.dataset.features().len(),
                indexing: self.indexes.is_building(),
            };
            commands.extend(timeline_ui(ui, &mut self.timeline, &input));
        });
        egui::Panel::left("sidebar")
            .default_size(290.0)
            .resizable(true)
            .show_collapsible(ui, &mut panels.list, |ui| {
                sidebar::story_header_ui(ui, &self.story.dataset);
                let files = crate::ui::files_panel::FilesInput {
                    layers: &self.layer_set,
                };
                commands.extend(crate::ui::files_panel::files_ui(ui, &files));
                ui.separator();
                if self.indexes.is_building() {
                    ui.horizontal_wrapped(|ui| {
                        ui.spinner();
                        ui.label(format!(
                            "Preparing the list and the timeline of {} features…",
                            crate::model::format_count(self.story.dataset.len() as u64)
                        ));
                    });
                    return;
                }
                let input = EventListInput {
                    dataset: &self.story.dataset,
                    catalogue: &self.catalogue,
                    visible: self.visible.flags(),
                    visible_generation: self.visible.generation(),
                    selection: self.selection,
                    reveal_selection: self.reveal_selection,
                    focus_search: self.focus_search,
                };
                commands.extend(event_list_ui(
                    ui,
                    &mut self.search,
                    &mut self.list_rows,
                    &input,
                ));
            });
        self.state.panels = panels;
        self.reveal_selection = false;
        self.focus_search = false;
        if wide {
            self.details_card_width = None;
        }
        if self.selection.is_none()
            && let Some(movements) = &self.selected_movements
            && wide
        {
            egui::Panel::right("details")
                .default_size(340.0)
                .resizable(true)
                .show(ui, |ui| {
                    commands.extend(details::movements_ui(ui, &self.story.dataset, movements))
                });
        }
        if let Some(index) = self.selection {
            let shown = self.visible.is_visible(index.0);
            let details = |ui: &mut Ui| {
                details::details_ui(
                    ui,
                    &self.story.dataset,
                    index,
                    &self.range,
                    shown,
                    self.visible.flags(),
                )
            };
            if wide {
                egui::Panel::right("details")
                    .default_size(340.0)
                    .resizable(true)
                    .show(ui, |ui| commands.extend(details(ui)));
            } else if let Some(map) = self.map_rect {
                // A narrow window keeps its map: the details float over it as a card.
                self.details_card_width = Some(300.0_f32.min(map.width() - 40.0));
                egui::Area::new(egui::Id::unique("details card"))
                    .fixed_pos(map.right_top() + vec2(-8.0, 8.0))
                    .pivot(Align2::RIGHT_TOP)
                    .order(egui::Order::Foreground)
                    .show(ui.ctx(), |ui| {
                        egui::Frame::window(ui.style()).show(ui, |ui| {
                            ui.set_width(300.0_f32.min(map.width() - 40.0));
                            ui.set_max_height(map.height() - 40.0);
                            commands.extend(details(ui));
                        });
                    });
            }
        }
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| {
                commands.extend(self.map_ui(ui));
            });
        self.legend_ui(ui.ctx());
        commands.extend(self.chapter_panel(ui.ctx()));
        commands.extend(self.export_window(ui.ctx()));
        commands.extend(self.open_dialog.ui(ui.ctx()));
        commands.extend(self.database_dialog.ui(ui.ctx()));
        if let Some(dialog) = &mut self.columns_dialog {
            commands.extend(dialog.ui(ui.ctx()));
        }
        self.help_ui(ui.ctx());
        self.load_error_ui(ui.ctx());
        commands.extend(self.edit_windows(ui.ctx()));

        for command in commands {
            self.apply(ui.ctx(), command);
        }
        if let Some(id) = self.focus_next.take() {
            ui.ctx().memory_mut(|m| m.request_focus(id));
        }
        self.advance_screenshot(ui.ctx());
        log::debug!(
            "frame {} built in {:.1} ms",
            self.frames,
            frame_started.elapsed().as_secs_f64() * 1e3
        );
    }
    /// The chapter shown in story mode, over the map.
    fn chapter_panel(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let (Some(current), Some(map)) = (self.chapters.current, self.map_rect) else {
            self.chapter_panel_focused = false;
            return Vec::new();
        };
        let chapters = &self.story.dataset.meta.chapters;
        let Some(chapter) = chapters.get(current) else {
            return Vec::new();
        };
        // The draft follows the chapter shown, and what an undo or a save made of it.
        let draft = &mut self.chapter_draft;
        if draft.index != current || self.chapter_draft_for.as_ref() != Some(chapter) {
            *draft = crate::ui::chapter_panel::ChapterDraft {
                index: current,
                title: chapter.title.clone(),
                text: chapter.text.clone(),
            };
            self.chapter_draft_for = Some(chapter.clone());
        }
        let panel = crate::ui::chapter_panel::ChapterPanel {
            chapters,
            current,
            dataset: &self.story.dataset,
            reduced_motion: self.state.reduced_motion,
            draft: self.edit.mode.then_some(draft),
        };
        let output = crate::ui::chapter_panel::chapter_panel_ui(ctx, map, panel);
        self.chapter_panel_focused = output.has_focus;
        output.commands
    }

    pub(super) fn legend_ui(&mut self, ctx: &egui::Context) {
        let Some(map) = self.map_rect else {
            return;
        };
        let mut open = !self.state.legend_closed;
        egui::Window::new("Legend")
            .open(&mut open)
            // Collapsed at first, out of the story's way; one click opens it.
            .default_open(false)
            .collapsible(true)
            .resizable(false)
            .default_width(250.0)
            // Pinned in the map's top-left corner, opening downward inside the map and
            // scrolling there when taller: it never covers the top bar, and closed it returns
            // to its place.
            .fixed_pos(map.left_top() + vec2(8.0, 8.0))
            .constrain_to(map)
            .max_height((map.height() - 60.0).max(80.0))
            .vscroll(true)
            .show(ctx, |ui| {
                sidebar::legend_ui(
                    ui,
                    &self.layer_bands,
                    self.state.draw.density,
                    self.map_index.largest_count(),
                )
            });
        self.state.legend_closed = !open;
    }

    pub(super) fn help_ui(&mut self, ctx: &egui::Context) {
        let mut open = self.help_open;
        egui::Window::new("Keyboard shortcuts")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .anchor(Align2::CENTER_CENTER, vec2(0.0, 0.0))
            .show(ctx, |ui| {
                egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                    for (keys, action) in SHORTCUTS {
                        ui.label(RichText::new(*keys).monospace().strong());
                        ui.label(*action);
                        ui.end_row();
                    }
                });
            });
        self.help_open = open;
    }

    #[must_use = "the commands are for the app to apply"]
    pub(super) fn top_bar_ui(&mut self, ui: &mut Ui) -> Vec<Command> {
        // Asked of the file only while the Edit or File menu may show it.
        let not_editable = if self.edit.session.is_some() {
            None
        } else {
            self.why_not_editable()
        };
        let history = self.edit.session.as_ref().map(|s| &s.history);
        let input = crate::ui::top_bar::TopBar {
            edit: crate::ui::top_bar::EditMenu {
                mode: self.edit.mode,
                not_editable: not_editable.as_deref(),
                undo: history.and_then(|h| h.undo_label()),
                redo: history.and_then(|h| h.redo_label()),
                unsaved: self.has_unsaved_edits(),
                can_save_as: self.layer_set.layers().len() == 1,
                selection: self.selection,
                map_center: self.last_overlay.view.map(|view| {
                    let center = view.world_center.to_position();
                    (center.x(), center.y())
                }),
            },
            draw: self.state.draw,
            tile_provider: &self.tile_provider,
            tile_cache: &self.state.tile_cache,
            panels: self.state.panels,
            recent_files: &self.state.recent_files,
        };
        crate::ui::top_bar::top_bar_ui(ui, &input, &mut self.basemap_form)
    }
}
