//! Drawing a picture without a window: the map is laid out and painted by the window's own code
//! (walkers, the story overlay, the basemap) in an egui context of the page's size, with no
//! display and no GPU, and what it paints becomes the scene. The export's frame (title, source
//! line, legend) is painted around it the same way.

use std::time::{Duration, Instant};

use egui::{Color32, Pos2, Rect, Vec2, pos2, vec2};
use walkers::{Map, MapMemory, Position, lon_lat};

use super::ExportError;
use super::frame::{self, FrameText};
use super::scene::{Rgba, Scene, Textures, groups_from_shapes};
use crate::map::basemap::Basemap;
use crate::map::index::MapIndex;
use crate::map::overlay::{OverlayOutput, StoryOverlay};
use crate::map::tiles::{CacheSettings, MapTiles, TileProvider};
use crate::map::toggles::DrawToggles;
use crate::model::{Dataset, DaySpan};

/// Where the map looks: its centre and zoom (as walkers counts zoom).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapView {
    pub center: Position,
    pub zoom: f64,
}

/// One picture to draw.
pub struct Picture<'a> {
    pub dataset: &'a Dataset,
    /// Whether each feature shows, by index (the time range applied).
    pub visible: &'a [bool],
    pub range: DaySpan,
    pub draw: DrawToggles,
    pub view: MapView,
    /// The page, in points; with `map_only`, the map's size (the page grows by the frame).
    pub size: Vec2,
    pub map_only: bool,
    pub frame: &'a FrameText,
    /// The feature drawn selected (a chapter's).
    pub selection: Option<crate::model::FeatureIndex>,
}

/// How long an export waits for map tiles before drawing without the missing ones.
const TILE_WAIT: Duration = Duration::from_secs(20);

/// Draws pictures; keeps its fonts and tiles between the frames of an animation.
pub struct Renderer {
    ctx: egui::Context,
    textures: Textures,
    tiles: Option<MapTiles>,
    attribution: Option<String>,
    basemap: std::sync::Arc<Basemap>,
    memory: MapMemory,
    /// The map index of the story drawn last: the frames of an animation share it.
    index: MapIndex,
}

impl Renderer {
    /// A renderer drawing on `provider`'s tiles (none: the offline basemap alone).
    pub fn new(provider: &TileProvider, cache: &CacheSettings) -> Result<Self, ExportError> {
        let ctx = egui::Context::default();
        ctx.set_theme(egui::Theme::Light);
        crate::fonts::install_fonts(&ctx);
        let tiles = provider
            .open(&ctx, cache)
            .map_err(|e| ExportError::Tiles(e.to_string()))?;
        let attribution = tiles
            .as_ref()
            .and_then(|_| provider.attribution())
            .map(|(text, _)| text);
        let mut renderer = Self {
            ctx,
            textures: Textures::default(),
            tiles,
            attribution,
            basemap: Basemap::shared(),
            memory: MapMemory::default(),
            index: MapIndex::default(),
        };
        // The fonts take effect from the second frame.
        let mut output = renderer.ctx.run_ui(raw_input(vec2(400.0, 300.0)), |_| {});
        renderer.textures.update(&output.textures_delta);
        output.textures_delta.clear();
        Ok(renderer)
    }

    /// Draws `picture`: the map as the window draws it, framed. Waits for tiles that are still
    /// loading, up to a limit.
    pub fn draw(&mut self, picture: &Picture) -> Scene {
        self.memory.center_at(picture.view.center);
        self.memory.set_zoom(picture.view.zoom).ok();
        let started = Instant::now();
        let mut legend_at = None;
        let mut frames = 0;
        // With a map of a given size, the page is measured around it in the first frame.
        let mut page_size = picture.size;
        if !self.index.is_for(picture.dataset) {
            self.index = MapIndex::new(picture.dataset);
        }
        loop {
            frames += 1;
            let mut overlay = OverlayOutput::default();
            let mut measured = 0.0;
            let mut output = {
                let Self {
                    ctx,
                    tiles,
                    attribution,
                    basemap,
                    memory,
                    index,
                    ..
                } = self;
                ctx.run_ui(raw_input(page_size), |ui| {
                    let page = Rect::from_min_size(Pos2::ZERO, page_size);
                    measured = draw_page(
                        ui,
                        picture,
                        page,
                        tiles.as_mut(),
                        attribution.as_deref(),
                        basemap,
                        memory,
                        index,
                        &mut overlay,
                        &mut legend_at,
                    );
                })
            };
            let wanted = if picture.map_only {
                vec2(picture.size.x, picture.size.y + measured)
            } else {
                picture.size
            };
            let settled = wanted == page_size;
            page_size = wanted;
            self.textures.update(&output.textures_delta);
            output.textures_delta.clear();
            let loading = picture.draw.tiles
                && self.tiles.as_ref().is_some_and(|t| t.loading() > 0)
                && started.elapsed() < TILE_WAIT;
            // Three frames let egui settle its sizes; more while tiles arrive.
            if frames >= 3 && settled && !loading {
                let page = Rect::from_min_size(Pos2::ZERO, page_size);
                return Scene {
                    width: page_size.x,
                    height: page_size.y,
                    background: Rgba::WHITE,
                    groups: groups_from_shapes(&output.shapes, page, &mut self.textures),
                };
            }
            if loading {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

fn raw_input(size: Vec2) -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(Rect::from_min_size(Pos2::ZERO, size)),
        ..Default::default()
    }
}

/// One frame of the page: header, map, footer and legend. Returns the height of the frame
/// (header and footer).
#[allow(clippy::too_many_arguments)]
fn draw_page(
    ui: &mut egui::Ui,
    picture: &Picture,
    page: Rect,
    tiles: Option<&mut MapTiles>,
    attribution: Option<&str>,
    basemap: &Basemap,
    memory: &mut MapMemory,
    index: &MapIndex,
    overlay: &mut OverlayOutput,
    legend_at: &mut Option<frame::Corner>,
) -> f32 {
    ui.painter().rect_filled(page, 0.0, Color32::WHITE);
    let header = frame::header(ui.painter(), picture.frame, &picture.range, page);
    let attribution = attribution.filter(|_| picture.draw.tiles);
    let footer = frame::footer(
        ui.painter(),
        picture.frame,
        picture.dataset,
        picture.visible,
        &picture.range,
        attribution,
        page,
    );
    let map_rect = Rect::from_min_max(
        pos2(page.min.x, page.min.y + header.height),
        pos2(page.max.x, page.max.y - footer.height),
    );
    header.paint(ui.painter());
    footer.paint(ui.painter());
    let tiles = tiles.filter(|_| picture.draw.tiles).map(|t| t.as_tiles());
    ui.scope_builder(egui::UiBuilder::new().max_rect(map_rect), |ui| {
        ui.set_clip_rect(map_rect);
        let slot = ui.painter().add(egui::Shape::Noop);
        let plugin = StoryOverlay {
            dataset: picture.dataset,
            shared: None,
            index,
            state_key: None,
            visible: picture.visible,
            fade_hidden: false,
            range: picture.range,
            selection: picture.selection,
            draw: picture.draw,
            highlight: None,
            basemap: Some((basemap, slot)),
            layer_rings: &[],
            editing: false,
            output: overlay,
        };
        Map::new(tiles, memory, lon_lat(36.3, 33.5))
            .with_plugin(plugin)
            .show(ui, |_, _, _, _| {});
    });
    if picture.frame.legend {
        let corner = frame::legend(
            ui.painter(),
            picture.dataset,
            picture.visible,
            &picture.range,
            picture.draw,
            map_rect,
            overlay,
            *legend_at,
        );
        *legend_at = corner;
    }
    // A hairline between the map and the frame.
    if header.height > 0.0 {
        ui.painter().hline(
            map_rect.x_range(),
            map_rect.min.y,
            egui::Stroke::new(0.5, Color32::from_gray(170)),
        );
    }
    ui.painter().hline(
        map_rect.x_range(),
        map_rect.max.y,
        egui::Stroke::new(0.5, Color32::from_gray(170)),
    );
    header.height + footer.height
}
