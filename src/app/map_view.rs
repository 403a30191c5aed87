//! The map: tiles, basemap and the story's overlay in the central panel; its framing (fit,
//! zoom to, centre on) and the attribution.

use egui::{Align2, Color32, Rect, RichText, Shape, Ui, vec2};
use walkers::{Map, Tiles, lon_lat};

use super::EvacApp;
use crate::map::overlay::{OverlayOutput, StoryOverlay};
use crate::map::projection::{LonLatBounds, fit_bounds};
use crate::map::tiles::{CountingTiles, TileProvider};
use crate::model::{Feature, FeatureIndex};
use crate::ui::Command;

impl EvacApp {
    /// Switches the tile provider; one that cannot be opened leaves the offline basemap, with
    /// the reason shown.
    pub fn use_tiles(&mut self, ctx: &egui::Context, provider: TileProvider) {
        self.tiles = None;
        match provider.open(ctx, &self.state.tile_cache) {
            Ok(tiles) => {
                self.tiles = tiles;
                self.tile_provider = provider;
                self.tile_error = None;
            }
            Err(error) => {
                log::warn!("{error}; showing the offline basemap");
                self.tile_error = Some(error.to_string());
                self.tile_provider = TileProvider::Offline;
            }
        }
    }

    #[must_use = "the commands are for the app to apply"]
    pub(super) fn map_ui(&mut self, ui: &mut Ui) -> Vec<Command> {
        let rect = ui.available_rect_before_wrap();
        self.map_rect = Some(rect);
        // The part of the map no details card covers: the story is framed there.
        let free = self.free_map_area(rect);
        let resized_since_fit = self
            .auto_fitted
            .is_some_and(|fitted| fitted.size() != free.size());
        if (self.fit_pending || resized_since_fit)
            && self.loading.is_none()
            && free.width() > 50.0
            && free.height() > 50.0
        {
            self.fit_to_story(rect);
            self.auto_fitted = Some(free);
        }
        let overview = self.shown_overview(rect);
        // Reserve the bottom of the paint order for the basemap: walkers draws tiles above it,
        // and the overlay fills it in with the frame's projection.
        let basemap_slot = ui.painter().add(Shape::Noop);
        self.search_matches
            .update(&self.search, &self.catalogue, self.story.dataset.len());
        let mut overlay = OverlayOutput::default();
        let emphasis = self.chapter_emphasis();
        let wheel_zoomed = self.wheel_zoom(ui, rect);
        let home = self.memory.detached().unwrap_or(lon_lat(36.3, 33.5));
        let draw = self.state.draw;
        let mut counted = match (&mut self.tiles, draw.tiles) {
            (Some(tiles), true) => Some(CountingTiles {
                inner: tiles.as_tiles(),
                drawn: 0,
            }),
            _ => None,
        };
        let tiles = counted.as_mut().map(|t| t as &mut dyn Tiles);
        let highlight = emphasis.as_deref().or(self.search_matches.matches());
        let layer_rings: Vec<(usize, Color32)> = self
            .layer_bands
            .iter()
            .map(|b| {
                (
                    b.end,
                    Color32::from_rgb(b.colour[0], b.colour[1], b.colour[2]),
                )
            })
            .collect();
        let (index, index_pending) = self.map_index.current(&self.story.dataset);
        // What the counts of clusters and arrows depend on besides the view.
        let state_key = {
            use std::hash::{BuildHasher, Hash, Hasher};
            let mut hasher = foldhash::fast::FixedState::default().build_hasher();
            self.visible.generation().hash(&mut hasher);
            self.state.fade_hidden.hash(&mut hasher);
            self.search_matches.query().hash(&mut hasher);
            hasher.finish()
        };
        let plugin = StoryOverlay {
            state_key: Some(state_key),
            layer_rings: &layer_rings,
            editing: self.edit.mode,
            highlight,
            dataset: &self.story.dataset,
            shared: Some(&self.story.dataset),
            index,
            visible: self.visible.flags(),
            fade_hidden: self.state.fade_hidden,
            range: self.range,
            selection: self.selection,
            draw,
            basemap: Some((&self.basemap, basemap_slot)),
            output: &mut overlay,
        };
        // Name the tile provider only while its tiles are drawn (as of the last frame).
        let attribution = if self.tiles_on_screen {
            self.tile_provider.attribution()
        } else {
            None
        };
        let mut overview_actions = Vec::new();
        let mut overview_targets = Vec::new();
        let mut map = Map::new(tiles, &mut self.memory, home)
            .zoom_with_ctrl(false)
            // A place dragged in edit mode moves the place, not the map.
            .panning(!self.last_overlay.holds_pointer)
            .with_plugin(plugin);
        if let Some((overview, progress)) = &overview {
            map = map.with_plugin(crate::map::overview::OverviewOverlay {
                overview,
                progress: progress.clone(),
                actions: &mut overview_actions,
                focus_targets: &mut overview_targets,
            });
        }
        let response = map
            .show(ui, |ui, _, _, _| attribution_ui(ui, rect, attribution))
            .response;
        if response.changed() || response.dragged() || wheel_zoomed {
            self.auto_fitted = None;
        }
        let tiles_on_screen = counted.is_some_and(|t| t.drawn > 0);
        if tiles_on_screen != self.tiles_on_screen {
            self.tiles_on_screen = tiles_on_screen;
            ui.ctx().request_repaint();
        }
        let commands = std::mem::take(&mut overlay.actions)
            .into_iter()
            .chain(overview_actions)
            .map(Command::from)
            .collect();
        if !overview_targets.is_empty() {
            overlay.focus_targets.extend(overview_targets);
            crate::map::overlay::in_reading_order(&mut overlay.focus_targets);
        }
        // The story's index is being built: nothing of it is drawn yet.
        overlay.level_pending |= index_pending;
        self.last_overlay = overlay;
        commands
    }

    /// The overview of a big story being read from a store, and how far its features have
    /// come; framed when it first shows, if the story would have been.
    fn shown_overview(
        &mut self,
        rect: Rect,
    ) -> Option<(std::sync::Arc<crate::io::overview::Overview>, String)> {
        let pending = self.loading.as_ref().filter(|p| !p.reload)?;
        let progress = pending.job.progress();
        let overview = progress.overview()?;
        let described = progress.describe();
        let (elapsed, at_startup) = (pending.job.elapsed(), pending.at_startup);
        if !self.overview_shown {
            self.overview_shown = true;
            log::info!(
                "overview of {} features drawn, {elapsed:.2?} after the open began",
                overview.features
            );
            let frame = self.fit_pending || !at_startup;
            if let (true, Some([west, south, east, north])) = (frame, overview.bounds()) {
                let bounds = LonLatBounds {
                    min_lon: west,
                    min_lat: south,
                    max_lon: east,
                    max_lat: north,
                };
                self.frame(rect, bounds);
                // The view stays when the features arrive.
                self.fit_pending = false;
            }
        }
        Some((overview, described))
    }

    /// The map less the details card, when the window is narrow enough for the card to float.
    pub(super) fn free_map_area(&self, map: Rect) -> Rect {
        match self.details_card_width {
            Some(width) if self.selection.is_some() => Rect::from_min_max(
                map.min,
                egui::pos2((map.max.x - width - 16.0).max(map.min.x + 60.0), map.max.y),
            ),
            _ => map,
        }
    }

    /// Zooms one level a wheel notch (a line; 50 points of a touchpad's scroll), keeping the
    /// place under the pointer where it is, and takes the scroll from walkers: walkers scales
    /// the scroll by the frame's duration, so the first notch after the window had been idle
    /// could jump seven levels. Returns whether it zoomed.
    pub(super) fn wheel_zoom(&mut self, ui: &mut Ui, map: Rect) -> bool {
        /// Points of a touchpad's scroll that make one level.
        const POINTS_PER_LEVEL: f32 = 50.0;
        let Some(pointer) = ui
            .input(|i| i.pointer.hover_pos())
            .filter(|p| map.contains(*p))
        else {
            return false;
        };
        if !ui.ui_contains_pointer() {
            return false;
        }
        let levels: f32 = ui.input(|input| {
            input
                .events
                .iter()
                .filter_map(|event| match event {
                    egui::Event::MouseWheel {
                        unit,
                        delta,
                        modifiers,
                        ..
                    } if !modifiers.command => Some(match unit {
                        egui::MouseWheelUnit::Line => delta.y,
                        egui::MouseWheelUnit::Point => delta.y / POINTS_PER_LEVEL,
                        egui::MouseWheelUnit::Page => delta.y * 2.0,
                    }),
                    _ => None,
                })
                .sum()
        });
        // Whatever the wheel scrolled is the map's: walkers neither zooms nor pans with it.
        ui.input_mut(|i| i.smooth_scroll_delta = egui::Vec2::ZERO);
        if levels == 0.0 {
            return false;
        }
        let zoom = self.memory.zoom();
        let new_zoom = (zoom + f64::from(levels)).clamp(2.0, 19.0);
        if let Some(view) = self.last_overlay.view {
            // The place under the pointer stays under it: the centre moves toward it by the
            // share of the view the zoom takes away.
            let under = view.to_world(pointer);
            let center = view.world_center;
            let keep = 2f64.powf(zoom - new_zoom);
            let moved = crate::map::projection::World {
                x: under.x + (center.x - under.x) * keep,
                y: under.y + (center.y - under.y) * keep,
            };
            self.memory.center_at(moved.to_position());
        }
        self.memory.set_zoom(new_zoom).ok();
        ui.ctx().request_repaint();
        true
    }

    /// Frames `bounds` (a cluster's places), at least one zoom level closer than now, so that
    /// a click on a cluster always opens it further.
    pub(super) fn zoom_to(&mut self, bounds: LonLatBounds) {
        let Some(rect) = self.map_rect else {
            return;
        };
        let (center, zoom) = fit_bounds(bounds, self.free_map_area(rect).size(), 70.0, 2.0, 17.0);
        let zoom = zoom.max(self.memory.zoom() + 1.0).min(19.0);
        self.memory.center_at(center);
        self.memory.set_zoom(zoom).ok();
        self.auto_fitted = None;
    }

    pub(super) fn fit_to_story(&mut self, rect: Rect) {
        let dataset = &self.story.dataset;
        let visible = &self.visible;
        if let Some(bounds) = crate::story::framing_bounds(dataset, |i| visible.is_visible(i)) {
            self.frame(rect, bounds);
        }
        self.fit_pending = false;
    }

    /// Shows `bounds` in the part of the map `rect` no details card covers.
    fn frame(&mut self, rect: Rect, bounds: LonLatBounds) {
        let free = self.free_map_area(rect);
        let (center, zoom) = fit_bounds(bounds, free.size(), 70.0, 3.0, 14.0);
        // Framed in the free part: the map's own centre is where that puts it.
        let view = crate::map::projection::ScreenTransform::new(free, center, zoom);
        self.memory
            .center_at(view.to_world(rect.center()).to_position());
        self.memory.set_zoom(zoom).ok();
    }

    /// Where to centre the map to show a feature: a movement's middle, anything else's anchor.
    pub(super) fn center_of(&self, index: FeatureIndex) -> Option<walkers::Position> {
        let dataset = &self.story.dataset;
        match dataset.get(index)? {
            Feature::Movement(m) => {
                let path = dataset.movement_path(&m)?;
                let (a, b) = (path.first()?, path.last()?);
                Some(lon_lat((a.x + b.x) / 2.0, (a.y + b.y) / 2.0))
            }
            other => dataset.anchor(&other),
        }
    }
}

/// The attribution at the bottom right of the map: the tile provider's while its tiles are on
/// screen, and Natural Earth's for the offline basemap.
pub fn attribution_ui(ui: &mut Ui, map_rect: Rect, attribution: Option<(String, String)>) {
    egui::Area::new(ui.scope_id().with("attribution"))
        .fixed_pos(map_rect.right_bottom() - vec2(2.0, 2.0))
        .pivot(Align2::RIGHT_BOTTOM)
        .order(egui::Order::Middle)
        .show(ui.ctx(), |ui| {
            egui::Frame::new()
                .fill(Color32::from_white_alpha(215))
                .inner_margin(egui::Margin::symmetric(6, 2))
                .corner_radius(3.0)
                .show(ui, |ui| {
                    // Dark text on the light box, whatever the window's theme: the theme's own
                    // light text would be unreadable here.
                    let link = Color32::from_rgb(0x00, 0x4f, 0xa3);
                    ui.visuals_mut().override_text_color = Some(Color32::from_gray(40));
                    ui.visuals_mut().hyperlink_color = link;
                    ui.horizontal(|ui| {
                        ui.spacing_mut().item_spacing.x = 4.0;
                        if let Some((text, url)) = attribution {
                            if url.is_empty() {
                                ui.label(RichText::new(text).small());
                            } else {
                                ui.hyperlink_to(RichText::new(text).small().color(link), url);
                            }
                            ui.label(RichText::new("|").small());
                        }
                        ui.hyperlink_to(
                            RichText::new("Natural Earth").small().color(link),
                            "https://www.naturalearthdata.com/",
                        )
                        .on_hover_text(
                            "Offline basemap: Natural Earth (public domain), 1:50m world and \
                             1:10m region. Borders follow Natural Earth's default, de facto point \
                             of view; disputed areas (the Golan among them) are outlined in dashes.",
                        );
                    });
                });
        });
}
