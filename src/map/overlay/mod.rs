//! The story on the map, in a walkers plugin, in three steps: the [`scene`] (what is drawn
//! where, for this view, range and data), [`interaction`] (each mark a widget with an
//! accessible name; clicks and keys become [`MapAction`]s for the app) and [`paint`] (egui
//! shapes, the same for the window, `--screenshot` and every export).

mod action;
mod arrows;
mod cluster_events;
pub mod counts;
mod density;
mod editing;
pub mod interaction;
pub mod paint;
pub mod scene;
pub mod text;

use std::sync::Arc;

use egui::{Color32, Id, Pos2, Rect, Response, Shape, Ui, Vec2, vec2};
use walkers::{MapMemory, Plugin, Projector};

use super::basemap::Basemap;
use super::index::{Level, MapIndex};
use super::projection::{ScreenTransform, World};
use super::tessellated;
use super::toggles::DrawToggles;
use crate::model::{Dataset, DaySpan, FeatureIndex};
pub use action::MapAction;
pub use arrows::MAX_ARROWS;
pub use paint::MarkTag;
use scene::{EventMarkKind, Scene};
pub use text::{arrow_label, movement_label, tooltip_text};

/// What the overlay saw this frame, for the app, the status bar and tests.
#[derive(Debug, Default, Clone)]
pub struct OverlayOutput {
    /// The basemap's place names drawn, with where (they give way to the story's marks).
    pub basemap_labels: Vec<(String, Rect)>,
    /// What clicks and keys on the map asked for, for the app to turn into commands.
    pub actions: Vec<MapAction>,
    pub hovered: Option<FeatureIndex>,
    pub view: Option<ScreenTransform>,
    pub pointer_lon_lat: Option<(f64, f64)>,
    /// Each drawn place: where it truly is and where its marker was drawn (spread when crowded).
    pub markers: Vec<DrawnMarker>,
    /// Each drawn movement arrow.
    pub arrows: Vec<FeatureIndex>,
    /// More arrows are in view than are drawn: the largest [`MAX_ARROWS`] are.
    pub arrows_left_out: bool,
    /// Each drawn place label, in logical order (as the data has it, before bidi reordering).
    pub labels: Vec<DrawnLabel>,
    /// Each event drawn with a symbol of its own (not those folded into a badge).
    pub events: Vec<FeatureIndex>,
    /// Each event symbol and badge drawn, with the events it stands for.
    pub event_marks: Vec<DrawnEventMark>,
    /// The labels drawn on arrows: date and figures with their sources.
    pub arrow_labels: Vec<DrawnLabel>,
    /// Each cluster of places drawn as one circle.
    pub clusters: Vec<DrawnCluster>,
    /// The density view's hexagons: where, and their accessible names.
    pub hexagons: Vec<(Pos2, String)>,
    /// Each count of people drawn as a circle.
    pub counts: Vec<DrawnCount>,
    /// What the keyboard moves between on the map (markers, arrows, event symbols), top to
    /// bottom then left to right: the map is one Tab stop and arrow keys move among these.
    pub focus_targets: Vec<FocusTarget>,
    /// Where the selection is marked with a ring of its own, when no mark of its own is drawn
    /// for it at this zoom (an event folded into a badge, a place in a cluster).
    pub selection_mark: Option<Pos2>,
    /// The clusters and arrows of this zoom are still being worked out: those of the nearest
    /// zoom worked out are drawn meanwhile, or none.
    pub level_pending: bool,
    /// Edit mode: a place is dragged, or the pointer is on one; the map does not pan.
    pub holds_pointer: bool,
}

/// A map item the keyboard can focus.
#[derive(Debug, Clone, Copy)]
pub struct FocusTarget {
    pub id: Id,
    pub at: Pos2,
    /// The feature it stands for; `None` for a disc or arrow of a store's overview.
    pub feature: Option<FeatureIndex>,
}

/// Puts map items in the order the keyboard meets them: top to bottom, then left to right.
pub fn in_reading_order(targets: &mut [FocusTarget]) {
    targets.sort_by(|a, b| {
        (a.at.y, a.at.x)
            .partial_cmp(&(b.at.y, b.at.x))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
}

/// A count of people at a place, drawn as a circle sized by the count.
#[derive(Debug, Clone, Copy)]
pub struct DrawnCount {
    pub feature: FeatureIndex,
    pub center: Pos2,
    pub radius: f32,
    pub faded: bool,
}

/// A cluster on the map: where, how many places, its accessible name.
#[derive(Debug, Clone)]
pub struct DrawnCluster {
    pub center: Pos2,
    pub count: usize,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct DrawnLabel {
    pub feature: FeatureIndex,
    pub text: String,
    /// Where it is drawn, its white card included.
    pub rect: Rect,
}

#[derive(Debug, Clone, Copy)]
pub struct DrawnMarker {
    pub feature: FeatureIndex,
    pub true_position: Pos2,
    pub drawn_position: Pos2,
    pub radius: f32,
    pub color: Color32,
    /// Drawn faded: outside the time range, or not matched by the search.
    pub faded: bool,
}

/// The plugin for one frame.
pub struct StoryOverlay<'a> {
    pub dataset: &'a Dataset,
    /// The same story, shared: when given, a zoom level of a big story is worked out on a
    /// thread while the map shows the nearest one kept (the window); when not, at once (an
    /// export draws exactly).
    pub shared: Option<&'a Arc<Dataset>>,
    /// The story by position, and its clusters and arrows per zoom level.
    pub index: &'a MapIndex,
    /// Stands for the state of the range, search and fading: while it stays the same, what
    /// is counted of clusters and arrows is kept. `None`: count every frame.
    pub state_key: Option<u64>,
    /// Whether each feature shows in the current time range, by index.
    pub visible: &'a [bool],
    /// Draw what is outside the range faded instead of leaving it out.
    pub fade_hidden: bool,
    /// The time range, for control status "as of" its end.
    pub range: DaySpan,
    pub selection: Option<FeatureIndex>,
    pub draw: DrawToggles,
    /// What a search matched, by feature index: the rest is drawn dimmed. `None`: no search.
    pub highlight: Option<&'a [bool]>,
    /// The basemap and the painter slot reserved beneath the tiles for it.
    pub basemap: Option<(&'a Basemap, egui::layers::ShapeIdx)>,
    /// With several files open, where each one's features end (ascending) and its colour:
    /// markers get a ring of their file's colour. Empty with one file.
    pub layer_rings: &'a [(usize, Color32)],
    /// Edit mode: markers can be dragged (to move a place, or with Shift to draw a movement),
    /// and a click on the empty map adds a place.
    pub editing: bool,
    pub output: &'a mut OverlayOutput,
}

/// The keyboard focus ring on markers, arrows and event symbols: strong blue, seen on any map.
pub const FOCUS_RING: Color32 = Color32::from_rgb(0x00, 0x5f, 0xcc);

/// Added to the accessible name of what is drawn faded.
pub const OUTSIDE_RANGE: &str = " (outside the time range)";

/// An event's symbol, or a badge standing for several events at one place.
#[derive(Debug, Clone)]
pub struct DrawnEventMark {
    pub center: Pos2,
    /// The events it stands for: one for a symbol, several for a badge.
    pub events: Vec<FeatureIndex>,
    pub is_badge: bool,
}

impl Plugin for StoryOverlay<'_> {
    fn run(
        self: Box<Self>,
        ui: &mut Ui,
        response: &Response,
        projector: &Projector,
        _: &MapMemory,
    ) {
        let this = *self;
        this.draw(ui, response, projector);
    }
}

impl StoryOverlay<'_> {
    fn is_visible(&self, index: FeatureIndex) -> bool {
        self.visible.get(index.0).copied().unwrap_or(true)
    }

    fn is_highlighted(&self, index: FeatureIndex) -> bool {
        self.highlight
            .is_none_or(|matches| matches.get(index.0).copied().unwrap_or(false))
    }

    /// Whether drawn geometry is kept as triangles between frames: in the window; an export
    /// draws its shapes as they are, for vector output.
    fn keeps_triangles(&self) -> bool {
        self.shared.is_some()
    }

    fn draw(self, ui: &mut Ui, map_response: &Response, projector: &Projector) {
        let view = ScreenTransform::from_projector(projector);
        let rect = projector.clip_rect();
        let painter = ui.painter().with_clip_rect(rect);
        let level = match self.shared {
            Some(story) => {
                let ctx = ui.ctx().clone();
                self.index
                    .level_now_or_soon(story, view.zoom(), move || ctx.request_repaint())
            }
            None => Some(self.index.level(self.dataset, view.zoom())),
        };
        let level_pending = level
            .as_ref()
            .is_none_or(|l| l.zoom != crate::map::index::level_zoom(view.zoom()));
        let level = level.unwrap_or_else(Level::empty);
        // The fan opened in this view and range; one opened in another is closed.
        let fan_id = interaction::open_fan_id(ui);
        let open_fan = ui.data(|d| d.get_temp::<interaction::OpenFan>(fan_id));
        let open_badge = match open_fan {
            Some(fan) if fan.view == interaction::view_key(&view) && fan.range == self.range => {
                Some(fan.badge)
            }
            Some(_) => {
                ui.data_mut(|d| d.remove::<interaction::OpenFan>(fan_id));
                None
            }
            None => None,
        };
        let scene = self.build_scene(&painter, &view, rect, &level, &|key| {
            open_badge == Some(key)
        });
        let basemap_labels = self.paint_basemap(ui, &painter, &view, rect, &scene);
        let interaction = self.interact(ui, map_response, &view, &scene, &level);
        let pointer = map_response.hover_pos();
        self.paint(ui, &painter, &scene, &interaction, pointer);
        let focus_targets = interaction.focus_targets(&scene);
        let output = OverlayOutput {
            holds_pointer: interaction.holds_pointer,
            basemap_labels,
            actions: interaction.actions,
            hovered: interaction.hovered,
            view: Some(view),
            pointer_lon_lat: pointer.map(|p| {
                let position = view.to_world(p).to_position();
                (position.x(), position.y())
            }),
            focus_targets,
            level_pending,
            ..drawn(&scene)
        };
        *self.output = output;
    }

    /// The basemap in the slot reserved for it beneath the tiles: its geometry (kept as
    /// triangles in the window) and its labels, which give way to the story's markers, labels,
    /// arrow labels and event symbols. Returns the basemap's labels drawn, with their places.
    fn paint_basemap(
        &self,
        ui: &Ui,
        painter: &egui::Painter,
        view: &ScreenTransform,
        rect: Rect,
        scene: &Scene,
    ) -> Vec<(String, Rect)> {
        let Some((basemap, slot)) = self.basemap else {
            return Vec::new();
        };
        if !self.draw.basemap {
            painter.set(slot, Shape::rect_filled(rect, 0.0, Color32::from_gray(235)));
            return Vec::new();
        }
        let places = &scene.places;
        let keep_clear: Vec<Rect> = places
            .iter()
            .map(|m| Rect::from_center_size(m.position, vec2(150.0, 2.0 * m.radius + 16.0)))
            .chain(
                scene
                    .labels
                    .iter()
                    .chain(&scene.arrow_labels)
                    .map(|l| l.rect),
            )
            .chain(
                scene
                    .events
                    .iter()
                    .map(|e| Rect::from_center_size(e.center, Vec2::splat(20.0))),
            )
            .collect();
        // The story's own places: the basemap does not repeat their names nearby.
        let suppressed: Vec<(String, World)> = places
            .iter()
            .filter_map(|m| {
                let name = self.dataset.store().name(m.index.0)?.to_owned();
                let at = self.dataset.anchor_at(m.index)?;
                Some((name, World::from_lon_lat(at.x(), at.y())))
            })
            .collect();
        let geometry = if self.keeps_triangles() {
            let key = tessellated::key((tessellated::view_bits(view), rect_bits(rect)));
            let id = Id::unique("evacmap basemap geometry");
            let clip = painter.clip_rect();
            tessellated::mesh(ui.ctx(), id, key, clip, || basemap.geometry(view, rect))
        } else {
            Shape::Vec(basemap.geometry(view, rect))
        };
        let (labels, named) = basemap.labels(painter, view, rect, &keep_clear, &suppressed);
        painter.set(slot, Shape::Vec(vec![geometry, Shape::Vec(labels)]));
        named
    }
}

fn rect_bits(rect: Rect) -> [[u32; 2]; 2] {
    [rect.min, rect.max].map(tessellated::point_bits)
}

/// Labels as drawn: feature, text, place.
fn drawn_labels(labels: &[scene::PlacedLabel]) -> Vec<DrawnLabel> {
    labels
        .iter()
        .map(|l| DrawnLabel {
            feature: l.feature,
            text: l.text.clone(),
            rect: l.rect,
        })
        .collect()
}

/// What the scene drew, as the app, the status bar, `layout.json` and tests see it.
fn drawn(scene: &Scene) -> OverlayOutput {
    OverlayOutput {
        markers: scene
            .places
            .iter()
            .map(|m| DrawnMarker {
                feature: m.index,
                true_position: m.true_position,
                drawn_position: m.position,
                radius: m.radius,
                color: m.color,
                faded: m.faded || m.dimmed,
            })
            .collect(),
        arrows: scene.arrows.iter().map(|a| a.index).collect(),
        arrows_left_out: scene.arrows_left_out,
        selection_mark: scene.selection_mark,
        labels: drawn_labels(&scene.labels),
        events: scene.events.iter().filter_map(|e| e.event()).collect(),
        event_marks: scene
            .events
            .iter()
            .map(|e| DrawnEventMark {
                center: e.center,
                events: match &e.kind {
                    EventMarkKind::Badge(badge) => badge.events.clone(),
                    EventMarkKind::Symbol { event, .. } => vec![*event],
                },
                is_badge: matches!(e.kind, EventMarkKind::Badge(_)),
            })
            .collect(),
        arrow_labels: drawn_labels(&scene.arrow_labels),
        clusters: scene
            .clusters
            .iter()
            .map(|c| DrawnCluster {
                center: c.center,
                count: c.count,
                name: c.name(),
            })
            .collect(),
        hexagons: scene
            .hexagons
            .iter()
            .map(|h| (h.center, h.name.clone()))
            .collect(),
        counts: scene
            .counts
            .iter()
            .map(|c| DrawnCount {
                feature: c.index,
                center: c.center,
                radius: c.radius,
                faded: c.faded,
            })
            .collect(),
        ..OverlayOutput::default()
    }
}
