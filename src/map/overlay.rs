//! The story on the map: place markers, movement arrows and their labels, drawn and hit-tested
//! in a walkers plugin. Every marker and arrow is an interactive widget with an accessible name,
//! so it can be reached with Tab, chosen with Enter, read by a screen reader and found by tests.

use std::sync::Arc;

use egui::epaint::{PathShape, PathStroke};
use egui::{
    Color32, CursorIcon, FontId, Id, Pos2, Rect, Response, Sense, Shape, Stroke, Ui, Vec2,
    WidgetInfo, vec2,
};
use walkers::{MapMemory, Plugin, Projector};

use super::basemap::Basemap;
use super::cluster;
use super::events;
use super::index::{ArrowGroup, Level, MapIndex, Merge, Node, Tally};
use super::layout::{
    self, Curve, LabelRequest, ScreenGrid, bend_for, clear_bend, place_labels, spread_markers,
    tooltip_rect,
};
use super::projection::{ScreenTransform, World};
use super::sprites::DiscSprites;
use super::style::{self, LineStyle, MarkerShape};
use super::tessellated;
use crate::command::Command;
use crate::model::names::{self, LabelLanguage};
use crate::model::{Dataset, DaySpan, Feature, FeatureIndex, Movement, PlaceType, Vocabulary};

/// Which parts of the map are drawn; persisted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Layers {
    pub tiles: bool,
    pub basemap: bool,
    pub places: bool,
    pub movements: bool,
    pub labels: bool,
    pub label_language: LabelLanguage,
}

impl Default for Layers {
    fn default() -> Self {
        Self {
            tiles: true,
            basemap: true,
            places: true,
            movements: true,
            labels: true,
            label_language: LabelLanguage::English,
        }
    }
}

/// What the overlay saw this frame, for the app, the status bar and tests.
#[derive(Debug, Default, Clone)]
pub struct OverlayOutput {
    pub commands: Vec<Command>,
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
    /// The labels drawn on arrows: date and figures with their sources.
    pub arrow_labels: Vec<DrawnLabel>,
    /// Each cluster of places drawn as one circle.
    pub clusters: Vec<DrawnCluster>,
    /// What the keyboard moves between on the map (markers, arrows, event symbols), top to
    /// bottom then left to right: the map is one Tab stop and arrow keys move among these.
    pub focus_targets: Vec<FocusTarget>,
    /// The clusters and arrows of this zoom are still being worked out: those of the nearest
    /// zoom worked out are drawn meanwhile, or none.
    pub level_pending: bool,
}

/// A map item the keyboard can focus.
#[derive(Debug, Clone, Copy)]
pub struct FocusTarget {
    pub id: Id,
    pub at: Pos2,
    pub feature: FeatureIndex,
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
}

#[derive(Debug, Clone, Copy)]
pub struct DrawnMarker {
    pub feature: FeatureIndex,
    pub true_position: Pos2,
    pub drawn_position: Pos2,
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
    pub layers: Layers,
    /// What a search matched, by feature index: the rest is drawn dimmed. `None`: no search.
    pub highlight: Option<&'a [bool]>,
    /// The basemap and the painter slot reserved beneath the tiles for it.
    pub basemap: Option<(&'a Basemap, egui::layers::ShapeIdx)>,
    /// With several files open, where each one's features end (ascending) and its colour:
    /// markers get a ring of their file's colour. Empty with one file.
    pub layer_rings: &'a [(usize, Color32)],
    pub output: &'a mut OverlayOutput,
}

/// The keyboard focus ring on markers, arrows and event symbols: strong blue, seen on any map.
pub const FOCUS_RING: Color32 = Color32::from_rgb(0x00, 0x5f, 0xcc);

/// Added to the accessible name of what is drawn faded.
pub const OUTSIDE_RANGE: &str = " (outside the time range)";

/// The accessible name of a movement: "Evacuation Barzeh → Idlib, 12 May 2017" (read from the
/// columns: it is asked for every arrow drawn, every frame a screen reader listens).
pub fn movement_label(dataset: &Dataset, index: FeatureIndex) -> String {
    let store = dataset.store();
    let mut label = dataset.movement_name_at(index);
    if let Some(when) = store.when(index.0) {
        label.push_str(", ");
        label.push_str(&when.human());
    }
    let status = store.movement_status(index.0).map(|(status, _)| status);
    match status.and_then(crate::model::MovementStatus::parse) {
        Some(crate::model::MovementStatus::Scheduled) => label.push_str(" (scheduled)"),
        Some(crate::model::MovementStatus::Failed) => label.push_str(" (failed)"),
        _ => {}
    }
    label
}

struct PlaceMark {
    index: FeatureIndex,
    /// Its slot in the map index.
    slot: u32,
    /// Outside the time range, drawn faded.
    faded: bool,
    /// Not matched by the search, drawn faded.
    dimmed: bool,
    place_type: Option<PlaceType>,
    /// Its position is approximate (drawn with a dotted halo).
    approximate: bool,
    true_position: Pos2,
    position: Pos2,
    radius: f32,
    color: Color32,
    /// The colour of its file, when several are open.
    ring: Option<Color32>,
}

struct Arrow {
    index: FeatureIndex,
    /// Outside the time range, drawn faded.
    faded: bool,
    /// Not matched by the search, drawn faded.
    dimmed: bool,
    curve: Curve,
    /// Where the line stops and the head begins.
    head_t: f32,
    width: f32,
    color: Color32,
    style: LineStyle,
    /// The destination is assumed, not reported: the head is drawn hollow.
    assumed: bool,
    /// Further origins (a movement from several places): each joins the arrow near its start.
    feeders: Vec<Pos2>,
    /// How many movements the arrow stands for (more than one between clusters, or between
    /// the same two places reported again and again).
    merged: usize,
    /// What joined them.
    merge: Merge,
    /// Its arrow in the zoom level (which holds the movements it stands for).
    group: u32,
    /// The people they moved, by the highest count of each.
    people: u64,
}

/// How far beyond the map's edge (points) markers, arrows and events are still laid out, so
/// that those entering the view as it pans are ready and labels at the edge find their room.
const CULL_MARGIN: f32 = 80.0;

/// An arrow in view, before the largest are chosen to be drawn.
struct ArrowCandidate {
    group: u32,
    /// The first movement shown: it names the arrow and gives its colour.
    representative: Option<FeatureIndex>,
    /// How many of its movements are shown.
    shown: usize,
    people: u64,
    all_faded: bool,
}

/// The most arrows drawn at once: beyond a few hundred a flow map is a hairball, and each arrow
/// costs a frame time. The largest (by people, then movements) are drawn, as flowmap.gl does;
/// the status bar says how many more are in view.
pub const MAX_ARROWS: usize = 150;

/// Arrows into one end fan out in bends of this many steps, then start again.
const FAN_OUT: usize = 5;

/// The most arrows labelled at once (the largest that find room): more crowd the map.
const MAX_ARROW_LABELS: usize = 8;

/// A crowd of places drawn as one circle with their count.
struct ClusterMark {
    center: Pos2,
    radius: f32,
    /// Its cluster in the zoom level.
    cluster: u32,
    /// How many of its places are drawn.
    count: usize,
    /// The first of them, which names its widget.
    first: FeatureIndex,
    /// The name of its most prominent place.
    named: String,
    /// Where its places are: a click zooms there.
    bounds: Option<crate::map::projection::LonLatBounds>,
    faded: bool,
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

impl<'a> StoryOverlay<'a> {
    fn is_visible(&self, index: FeatureIndex) -> bool {
        self.visible.get(index.0).copied().unwrap_or(true)
    }

    fn is_highlighted(&self, index: FeatureIndex) -> bool {
        self.highlight
            .is_none_or(|matches| matches.get(index.0).copied().unwrap_or(false))
    }

    fn draw(mut self, ui: &mut Ui, map_response: &Response, projector: &Projector) {
        let view = ScreenTransform::from_projector(projector);
        let rect = projector.clip_rect();
        let painter = ui.painter().with_clip_rect(rect);
        // What lies this far beyond the map's edge is left out: the work of a frame follows what
        // is on screen, not the size of the story.
        let area = rect.expand(CULL_MARGIN);
        let level = match self.shared {
            Some(story) => {
                let ctx = ui.ctx().clone();
                self.index
                    .level_now_or_soon(story, view.zoom(), move || ctx.request_repaint())
            }
            None => Some(self.index.level(self.dataset, view.zoom())),
        };
        self.output.level_pending = level
            .as_ref()
            .is_none_or(|l| l.zoom != crate::map::index::level_zoom(view.zoom()));
        let level = level.unwrap_or_else(Level::empty);
        let (places, clusters) = if self.layers.places {
            self.place_marks(&view, area, &level)
        } else {
            (Vec::new(), Vec::new())
        };
        if let Some((basemap, slot)) = self.basemap {
            if self.layers.basemap {
                // Basemap labels give way to the story's markers and their labels.
                let keep_clear: Vec<Rect> = places
                    .iter()
                    .map(|m| Rect::from_center_size(m.position, vec2(150.0, 2.0 * m.radius + 16.0)))
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
                    let key = tessellated::key((tessellated::view_bits(&view), rect_bits(rect)));
                    let id = Id::unique("evacmap basemap geometry");
                    let clip = painter.clip_rect();
                    tessellated::mesh(ui.ctx(), id, key, clip, || basemap.geometry(&view, rect))
                } else {
                    Shape::Vec(basemap.geometry(&view, rect))
                };
                let labels = basemap.labels(&painter, &view, rect, &keep_clear, &suppressed);
                painter.set(slot, Shape::Vec(vec![geometry, Shape::Vec(labels)]));
            } else {
                painter.set(slot, Shape::rect_filled(rect, 0.0, Color32::from_gray(235)));
            }
        }
        let arrows = if self.layers.movements {
            self.arrows(&view, area, &places, &clusters, &level)
        } else {
            Vec::new()
        };

        let generic_hover = if self.layers.places {
            self.draw_generic(ui, &painter, &view, area)
        } else {
            None
        };

        // Widgets: arrows first, so that markers (added later) are on top of them.
        let arrow_responses: Vec<Response> = arrows
            .iter()
            .map(|arrow| {
                // Built only when asked for (a screen reader or a test is listening).
                let label = || {
                    let mut label = self
                        .index
                        .movement_name(arrow.index, || movement_label(self.dataset, arrow.index));
                    match (arrow.merged, arrow.merge) {
                        (1, _) => {}
                        (n, Merge::Clusters) => {
                            label = format!(
                                "{n} movements between clusters, {} people or more, among \
                                 them {label}",
                                crate::model::format_count(arrow.people)
                            );
                        }
                        (n, Merge::SamePlaces) => {
                            let members =
                                self.shown_members(&level, &level.arrows[arrow.group as usize]);
                            label = format!(
                                "{n} movements between the same places, {}, up to {} people, \
                                 among them {label}",
                                self.dates_of(&members),
                                crate::model::format_count(arrow.people)
                            );
                        }
                    }
                    if arrow.faded {
                        label.push_str(OUTSIDE_RANGE);
                    }
                    label
                };
                let handle = Rect::from_center_size(
                    arrow.curve.at(0.5),
                    Vec2::splat(arrow.width.max(8.0) + 8.0),
                );
                interactive(
                    ui,
                    ui.scope_id().with(("movement", arrow.index.0)),
                    handle,
                    label,
                )
            })
            .collect();
        // Labels first: event symbols go where they hide no label. Event widgets before the
        // markers', so that where a symbol and a marker touch, the marker takes the click.
        let labels = self.layout_labels(&painter, &places);
        let label_rects: Vec<Rect> = labels.iter().map(|l| l.rect).collect();
        let event_widgets = self.event_widgets(ui, &view, area, &places, &label_rects);
        let place_responses: Vec<Response> = places
            .iter()
            .map(|mark| {
                // Screen readers get both names once Arabic labels are asked for.
                let name = || {
                    match self.layers.label_language {
                        LabelLanguage::English => {
                            self.dataset.store().name(mark.index.0).map(str::to_owned)
                        }
                        _ => Some(self.place_label_at(mark.index, LabelLanguage::Both)),
                    }
                    .unwrap_or_else(|| self.dataset.store().id(mark.index.0).to_owned())
                };
                let hit =
                    Rect::from_center_size(mark.position, Vec2::splat(mark.radius * 2.0 + 6.0));
                interactive(ui, ui.scope_id().with(("place", mark.index.0)), hit, name)
            })
            .collect();

        let cluster_names: Vec<String> = clusters
            .iter()
            .map(|c| format!("Cluster of {} places around {}", c.count, c.named))
            .collect();
        let cluster_responses: Vec<Response> = clusters
            .iter()
            .zip(&cluster_names)
            .map(|(c, name)| {
                let hit = Rect::from_center_size(c.center, Vec2::splat(c.radius * 2.0 + 4.0));
                let id = ui.scope_id().with(("cluster", c.first.0));
                interactive(ui, id, hit, || name.clone())
            })
            .collect();
        for (cluster, response) in clusters.iter().zip(&cluster_responses) {
            if response.clicked()
                && let Some(bounds) = cluster.bounds
            {
                self.output.commands.push(Command::ZoomTo(bounds));
            }
        }
        let event_hover = event_widgets
            .iter()
            .find(|w| w.response.hovered())
            .and_then(|w| w.event);

        let pointer = map_response.hover_pos();
        let widget_hover = places
            .iter()
            .zip(&place_responses)
            .map(|(m, r)| (m.index, r))
            .chain(
                arrows
                    .iter()
                    .zip(&arrow_responses)
                    .map(|(a, r)| (a.index, r)),
            )
            .find(|(_, r)| r.hovered())
            .map(|(i, _)| i);
        let near_arrow = pointer.and_then(|p| {
            arrows
                .iter()
                .map(|a| (a.index, a.curve.distance_to(p) - a.width / 2.0))
                .filter(|(_, d)| *d <= 4.0)
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(i, _)| i)
        });
        let hovered =
            event_hover
                .or(widget_hover)
                .or(generic_hover)
                .or(if map_response.hovered() {
                    near_arrow
                } else {
                    None
                });

        for (mark, response) in places.iter().zip(&place_responses) {
            if response.clicked() {
                self.output.commands.push(Command::Select(Some(mark.index)));
            }
        }
        for (arrow, response) in arrows.iter().zip(&arrow_responses) {
            if response.clicked() {
                self.output.commands.push(if arrow.merged > 1 {
                    Command::SelectMovements(
                        self.shown_members(&level, &level.arrows[arrow.group as usize]),
                    )
                } else {
                    Command::Select(Some(arrow.index))
                });
            }
        }
        for widget in &event_widgets {
            if widget.response.clicked()
                && let Some(index) = widget.event
            {
                self.output.commands.push(Command::Select(Some(index)));
            }
        }
        if map_response.clicked() {
            self.output.commands.push(Command::Select(near_arrow));
        }
        if hovered.is_some() {
            ui.ctx().set_cursor_icon(CursorIcon::PointingHand);
        }

        let focused = |id: Id| ui.ctx().memory(|m| m.has_focus(id));
        let faded_painter = {
            let mut p = painter.clone();
            p.set_opacity(FADED_OPACITY);
            p
        };
        let emphases: Vec<Emphasis> = arrows
            .iter()
            .zip(&arrow_responses)
            .map(|(arrow, response)| {
                emphasis(self.selection, hovered, arrow.index, focused(response.id))
            })
            .collect();
        let clip = painter.clip_rect();
        let arrow_shapes = || {
            let mut shapes = Vec::new();
            for (arrow, &emphasis) in arrows.iter().zip(&emphases) {
                let first = shapes.len();
                arrow_shapes(arrow, emphasis, clip, &mut shapes);
                if arrow.faded || arrow.dimmed {
                    shapes[first..]
                        .iter_mut()
                        .for_each(|shape| fade(shape, FADED_OPACITY));
                }
            }
            shapes
        };
        if self.keeps_triangles() {
            let key = tessellated::key(
                arrows
                    .iter()
                    .zip(&emphases)
                    .map(|(arrow, emphasis)| arrow_key(arrow, *emphasis))
                    .collect::<Vec<_>>(),
            );
            let id = Id::unique("evacmap story arrows");
            painter.add(tessellated::mesh(ui.ctx(), id, key, clip, arrow_shapes));
        } else {
            painter.extend(arrow_shapes());
        }
        for mark in &places {
            let faded = mark.faded || mark.dimmed;
            draw_leader(if faded { &faded_painter } else { &painter }, mark);
        }
        let sprites = DiscSprites::of(ui.ctx());
        for (mark, response) in places.iter().zip(&place_responses) {
            let emphasis = emphasis(self.selection, hovered, mark.index, focused(response.id));
            draw_marker(
                if mark.faded || mark.dimmed {
                    &faded_painter
                } else {
                    &painter
                },
                &sprites,
                mark,
                emphasis,
            );
        }
        for (cluster, response) in clusters.iter().zip(&cluster_responses) {
            let target = if cluster.faded {
                &faded_painter
            } else {
                &painter
            };
            let ring = if focused(response.id) {
                FOCUS_RING
            } else if response.hovered() {
                Color32::from_gray(40)
            } else {
                Color32::WHITE
            };
            draw_disc(
                target,
                &sprites,
                cluster.center,
                cluster.radius,
                Color32::from_rgb(0x33, 0x41, 0x55),
                Stroke::new(2.0, ring),
            );
            target.text(
                cluster.center,
                egui::Align2::CENTER_CENTER,
                crate::model::format_count(cluster.count as u64),
                FontId::proportional(12.0),
                Color32::WHITE,
            );
        }
        self.output.clusters = clusters
            .iter()
            .zip(cluster_names)
            .map(|(c, name)| DrawnCluster {
                center: c.center,
                count: c.count,
                name,
            })
            .collect();
        let taken: Vec<Rect> = label_rects
            .iter()
            .copied()
            .chain(
                event_widgets
                    .iter()
                    .map(|w| Rect::from_center_size(w.center, Vec2::splat(20.0))),
            )
            .chain(
                places
                    .iter()
                    .map(|m| Rect::from_center_size(m.position, Vec2::splat(2.0 * m.radius))),
            )
            .collect();
        self.output.labels = self.draw_labels(&painter, labels);
        self.output.arrow_labels = self.draw_arrow_labels(&painter, &arrows, taken, rect, &level);
        for widget in &event_widgets {
            let ring = match widget.event {
                Some(index) if Some(index) == self.selection => {
                    Some(Color32::from_rgb(0xff, 0xc8, 0x00))
                }
                _ if focused(widget.response.id) => Some(FOCUS_RING),
                _ if widget.response.hovered() => Some(Color32::from_gray(40)),
                _ => None,
            };
            let target = if widget.faded {
                &faded_painter
            } else {
                &painter
            };
            match widget.count {
                Some(count) => events::count_badge(target, widget.center, count, ring),
                None => target.extend(events::event_symbol(widget.center, widget.event_type, ring)),
            }
        }
        self.output.events = event_widgets.iter().filter_map(|w| w.event).collect();
        let mut targets: Vec<FocusTarget> = places
            .iter()
            .zip(&place_responses)
            .map(|(m, r)| (r.id, m.position, m.index))
            .chain(
                arrows
                    .iter()
                    .zip(&arrow_responses)
                    .map(|(a, r)| (r.id, a.curve.at(0.5), a.index)),
            )
            .chain(
                event_widgets
                    .iter()
                    .filter_map(|w| Some((w.response.id, w.center, w.event?))),
            )
            .map(|(id, at, feature)| FocusTarget { id, at, feature })
            .collect();
        targets.sort_by(|a, b| {
            (a.at.y, a.at.x)
                .partial_cmp(&(b.at.y, b.at.x))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        self.output.focus_targets = targets;
        if let Some(index) = hovered {
            self.draw_tooltip(&painter, rect, pointer, index, &places, &arrows);
        }

        self.output.hovered = hovered;
        self.output.view = Some(view);
        self.output.pointer_lon_lat = pointer.map(|p| {
            let position = view.to_world(p).to_position();
            (position.x(), position.y())
        });
        self.output.arrows = arrows.iter().map(|a| a.index).collect();
        self.output.markers = places
            .iter()
            .map(|m| DrawnMarker {
                feature: m.index,
                true_position: m.true_position,
                drawn_position: m.position,
                color: m.color,
                faded: m.faded || m.dimmed,
            })
            .collect();
    }

    /// Features from other GeoJSON files: points as grey markers, lines as paths, polygons as
    /// outlined areas, each with a clickable handle. Returns the hovered one.
    fn draw_generic(
        &mut self,
        ui: &mut Ui,
        painter: &egui::Painter,
        view: &ScreenTransform,
        area: Rect,
    ) -> Option<FeatureIndex> {
        use geo::{Geometry, InteriorPoint};
        let color = Color32::from_rgb(0x45, 0x4f, 0x5c);
        let mut hovered = None;
        for &index in &self.index.generic {
            let Some(ref feature @ Feature::Generic(ref generic)) = self.dataset.get(index) else {
                continue;
            };
            if !self.is_visible(index) {
                continue;
            }
            let Some(geometry) = &generic.common.geometry else {
                continue;
            };
            let stroke = Stroke::new(2.0, color);
            let rings: Vec<&geo::LineString<f64>> = match geometry {
                Geometry::LineString(l) => vec![l],
                Geometry::MultiLineString(ml) => ml.0.iter().collect(),
                Geometry::Polygon(p) => {
                    std::iter::once(p.exterior()).chain(p.interiors()).collect()
                }
                Geometry::MultiPolygon(mp) => mp.0.iter().map(|p| p.exterior()).collect(),
                _ => Vec::new(),
            };
            for ring in rings {
                let points: Vec<Pos2> = ring
                    .0
                    .iter()
                    .map(|c| view.lon_lat_to_screen(c.x, c.y))
                    .collect();
                painter.add(PathShape::line(points, PathStroke::from(stroke)));
            }
            let Some(anchor) = geometry.interior_point() else {
                continue;
            };
            let at = view.position_to_screen(anchor);
            if !area.contains(at) {
                continue;
            }
            painter.circle(at, 5.0, color, Stroke::new(1.5, Color32::WHITE));
            let response = interactive(
                ui,
                ui.scope_id().with(("feature", index.0)),
                Rect::from_center_size(at, Vec2::splat(14.0)),
                || self.dataset.display_name(feature),
            );
            if response.clicked() {
                self.output.commands.push(Command::Select(Some(index)));
            }
            if response.hovered() {
                hovered = Some(index);
            }
            if self.selection == Some(index) {
                painter.circle_stroke(at, 9.0, Stroke::new(3.0, HIGHLIGHT));
            }
        }
        hovered
    }

    /// The dates `movements` span: "2015 – 2023", "May 2017".
    fn dates_of(&self, movements: &[FeatureIndex]) -> String {
        let whens = movements
            .iter()
            .filter_map(|&i| self.dataset.store().when(i.0));
        let first = whens.clone().min_by_key(|w| w.span().first);
        let last = whens.max_by_key(|w| w.span().last);
        match (first, last) {
            (Some(first), Some(last)) if first.human() == last.human() => first.human(),
            (Some(first), Some(last)) => format!("{} – {}", first.human(), last.human()),
            _ => "undated".into(),
        }
    }

    /// The colour of the file `index` comes from, when several are open.
    fn layer_ring(&self, index: FeatureIndex) -> Option<Color32> {
        let band = self.layer_rings.partition_point(|(end, _)| *end <= index.0);
        self.layer_rings.get(band).map(|(_, colour)| *colour)
    }

    /// Whether a feature is drawn at all: shown in the range, or drawn faded.
    fn is_drawn(&self, index: FeatureIndex) -> bool {
        self.fade_hidden || self.is_visible(index)
    }

    fn place_mark(&self, view: &ScreenTransform, slot: u32) -> Option<PlaceMark> {
        let dataset = self.dataset;
        let point = self.index.places.get(slot as usize)?;
        let index = point.feature;
        let position = view.to_screen_near(point.world);
        let place_type = dataset
            .store()
            .place_type(index.0)
            .and_then(PlaceType::parse);
        Some(PlaceMark {
            index,
            slot,
            faded: !self.is_visible(index),
            dimmed: !self.is_highlighted(index),
            place_type,
            approximate: dataset
                .store()
                .geo_precision(index.0)
                .and_then(crate::model::GeoPrecision::parse)
                .is_some_and(|p| p != crate::model::GeoPrecision::Exact),
            true_position: position,
            position,
            radius: style::marker_radius(place_type),
            color: style::control_color(dataset.control_at_index(index, &self.range)),
            ring: self.layer_ring(index),
        })
    }

    /// A place's label in `language`, from the columns.
    fn place_label_at(&self, index: FeatureIndex, language: LabelLanguage) -> String {
        let store = self.dataset.store();
        names::label(store.name(index.0), store.name_ar(index.0), language)
    }

    /// The places in view: markers (spread apart where a few crowd) and the clusters of this
    /// zoom level, each counting the places it holds that are drawn.
    fn place_marks(
        &self,
        view: &ScreenTransform,
        area: Rect,
        level: &Level,
    ) -> (Vec<PlaceMark>, Vec<ClusterMark>) {
        let world_area = view.visible_world(area);
        let mut marks: Vec<PlaceMark> = level
            .singles_in(world_area)
            .into_iter()
            .filter(|&slot| {
                self.index
                    .places
                    .get(slot as usize)
                    .is_some_and(|p| self.is_drawn(p.feature))
            })
            .filter_map(|slot| self.place_mark(view, slot))
            .filter(|mark| area.contains(mark.position))
            .collect();
        let mut clusters = Vec::new();
        let mut tallies = level.tallies(self.state_key);
        for k in level.clusters_in(world_area) {
            let cluster = &level.clusters[k as usize];
            // How many of its places are drawn, the first of them, and whether all are faded.
            let tally = tallies.cluster(k, || {
                let mut tally = Tally {
                    all_faded: true,
                    ..Tally::default()
                };
                for &slot in &cluster.members {
                    let index = self.index.places[slot as usize].feature;
                    if self.is_drawn(index) {
                        tally.shown += 1;
                        tally.first.get_or_insert(index);
                        tally.all_faded &= !self.is_visible(index) || !self.is_highlighted(index);
                    }
                }
                tally
            });
            match (tally.shown, tally.first) {
                (0, _) | (_, None) => {}
                // One place of the crowd in the range: its own marker says more than a "1".
                (1, Some(first)) => {
                    marks.extend(
                        self.index
                            .slot_of(first)
                            .and_then(|slot| self.place_mark(view, slot)),
                    );
                }
                (count, Some(first)) => clusters.push(ClusterMark {
                    center: view.to_screen_near(cluster.center),
                    radius: cluster::cluster_radius(count),
                    cluster: k,
                    count,
                    first,
                    named: cluster.named.clone(),
                    bounds: cluster.bounds,
                    faded: tally.all_faded,
                }),
            }
        }
        marks.sort_by_key(|m| m.index);
        let spread = spread_markers(&marks.iter().map(|m| m.position).collect::<Vec<_>>());
        for (mark, position) in marks.iter_mut().zip(spread) {
            mark.position = position;
        }
        (marks, clusters)
    }

    /// The movements shown of an arrow, in file order.
    fn shown_members(&self, level: &Level, group: &ArrowGroup) -> Vec<FeatureIndex> {
        level
            .members(group)
            .iter()
            .map(|&m| self.index.movements[m as usize].feature())
            .filter(|&i| self.is_drawn(i))
            .collect()
    }

    fn arrows(
        &mut self,
        view: &ScreenTransform,
        area: Rect,
        places: &[PlaceMark],
        clusters: &[ClusterMark],
        level: &Level,
    ) -> Vec<Arrow> {
        let dataset: &'a Dataset = self.dataset;
        // Where each end is drawn: a place's marker (spread apart) or a cluster's circle.
        let drawn_place: foldhash::HashMap<u32, (Pos2, f32)> = places
            .iter()
            .map(|m| (m.slot, (m.position, m.radius)))
            .collect();
        let drawn_cluster: foldhash::HashMap<u32, (Pos2, f32)> = clusters
            .iter()
            .map(|c| (c.cluster, (c.center, c.radius)))
            .collect();
        let end_at = |node: Node, world: World| {
            match node {
                Node::Place(slot) => drawn_place.get(&slot).copied(),
                Node::Cluster(k) => drawn_cluster.get(&k).copied(),
                Node::Point(_) => None,
            }
            .unwrap_or((view.to_screen_near(world), 0.0))
        };
        // The arrows in view are taken largest first, the selected movement's before them,
        // up to [`MAX_ARROWS`].
        let world_area = view.visible_world(area);
        let selected = self
            .selection
            .and_then(|i| self.index.movement_slot_of(i))
            .and_then(|m| level.arrow_of(m));
        let range_days = crate::filter::day_numbers(Some(self.range));
        let mut tallies = level.tallies(self.state_key);
        // What an arrow stands for this frame, or `None` when it is not drawn.
        let mut consider = |g: u32| -> Option<ArrowCandidate> {
            let group = &level.arrows[g as usize];
            let members = level.members(group);
            let any_drawn = if self.fade_hidden {
                !members.is_empty()
            } else {
                level.any_in_range(group, range_days)
            };
            if !any_drawn {
                return None;
            }
            let (from, _) = end_at(group.from, group.from_world);
            let (to, _) = end_at(group.to, group.to_world);
            // Too short to see, or wholly off screen, bend included.
            let chord = from.distance_sq(to);
            if chord < 16.0
                || !Rect::from_two_pos(from, to)
                    .expand(chord.sqrt() * 0.6)
                    .intersects(area)
            {
                return None;
            }
            // The people of the movements shown: added up between clusters, the largest
            // count between the same two places.
            let tally = tallies.arrow(g, || {
                let mut tally = Tally {
                    all_faded: true,
                    ..Tally::default()
                };
                for &m in members {
                    let ends = &self.index.movements[m as usize];
                    let index = ends.feature();
                    if !self.is_drawn(index) {
                        continue;
                    }
                    tally.shown += 1;
                    tally.first.get_or_insert(index);
                    tally.all_faded &= !self.is_visible(index) || !self.is_highlighted(index);
                    tally.people = match group.merge {
                        Some(Merge::SamePlaces) | None => tally.people.max(ends.people),
                        Some(Merge::Clusters) => tally.people + ends.people,
                    };
                }
                tally
            });
            (tally.shown > 0).then_some(ArrowCandidate {
                group: g,
                representative: tally.first,
                shown: tally.shown,
                people: tally.people,
                all_faded: tally.all_faded,
            })
        };
        let mut candidates: Vec<ArrowCandidate> = Vec::with_capacity(MAX_ARROWS);
        candidates.extend(selected.and_then(&mut consider));
        // Tier by tier, largest first, until enough are found and one more shows that
        // others are left out: a frame's work follows what it draws, not what is in view.
        let mut left_out = false;
        'tiers: for tier in 0..level.arrow_tiers() {
            for g in level.arrows_in_tier(tier, world_area) {
                if Some(g) == selected {
                    continue;
                }
                if let Some(candidate) = consider(g) {
                    if candidates.len() == MAX_ARROWS {
                        left_out = true;
                        break 'tiers;
                    }
                    candidates.push(candidate);
                }
            }
        }
        drop(tallies);
        self.output.arrows_left_out = left_out;
        // Drawn in a steady order, whatever the selection.
        candidates.sort_by_key(|c| c.group);
        let largest_merged = candidates
            .iter()
            .filter(|c| level.arrows[c.group as usize].merge == Some(Merge::Clusters))
            .map(|c| c.people)
            .max()
            .unwrap_or(0);

        let mut arrows = Vec::with_capacity(candidates.len());
        for candidate in candidates {
            let g = candidate.group;
            let group = &level.arrows[g as usize];
            let Some(index) = candidate.representative else {
                continue;
            };
            let store = dataset.store();
            let Some((status, assumed)) = store.movement_status(index.0) else {
                continue;
            };
            let also_from: Vec<&str> = store.movement_origins(index.0).skip(1).collect();
            let (from, _) = end_at(group.from, group.from_world);
            let (to, to_radius) = end_at(group.to, group.to_world);
            let reach = Rect::from_two_pos(from, to).expand(from.distance(to) * 0.6);
            let merged = if group.merge.is_some() {
                candidate.shown
            } else {
                1
            };
            let width = match group.merge {
                Some(Merge::Clusters) => {
                    style::merged_arrow_width(candidate.people, largest_merged)
                }
                _ => style::arrow_width((candidate.people > 0).then_some(candidate.people)),
            };
            // Bent around markers of places the movement does not involve (told apart by
            // slot: comparing ids for every marker and arrow was a tenth of a crowded frame).
            let own = |m: &PlaceMark| {
                Node::Place(m.slot) == group.from
                    || Node::Place(m.slot) == group.to
                    || (!also_from.is_empty()
                        && also_from.iter().any(|&f| f == store.id(m.index.0)))
            };
            let unrelated: Vec<(Pos2, f32)> = places
                .iter()
                .filter(|m| reach.contains(m.position) && !own(m))
                .take(layout::CROWD_OBSTACLES + 1)
                .map(|m| (m.position, m.radius + width / 2.0))
                .collect();
            // Fanned out a few at a time: the fortieth arrow into a cluster bent like the first
            // few would loop across the map.
            let rank = group.rank as usize % FAN_OUT;
            let bend = clear_bend(from, to, bend_for(rank), &unrelated);
            let curve = Curve::new(from, to, bend);
            let feeders = also_from
                .iter()
                .filter_map(|id| {
                    let slot = self.index.slot_of(dataset.index_of(id)?)?;
                    drawn_place.get(&slot).map(|&(at, _)| at)
                })
                .collect();
            arrows.push(Arrow {
                index,
                faded: if merged > 1 {
                    candidate.all_faded
                } else {
                    !self.is_visible(index)
                },
                dimmed: merged == 1 && !self.is_highlighted(index),
                curve,
                head_t: curve.t_before_end(to_radius + 2.0 + style::head_length(width)),
                width,
                color: style::movement_color(
                    store
                        .movement_type(index.0)
                        .and_then(crate::model::MovementType::parse),
                ),
                style: style::line_style(crate::model::MovementStatus::parse(status)),
                assumed,
                merged,
                merge: group.merge.unwrap_or(Merge::Clusters),
                group: g,
                people: candidate.people,
                feeders,
            });
        }
        arrows
    }

    /// The events' symbols and badges as widgets (each with an accessible name), and the state
    /// of each badge (opened or not, kept in egui's memory).
    fn event_widgets(
        &self,
        ui: &mut Ui,
        view: &ScreenTransform,
        area: Rect,
        places: &[PlaceMark],
        labels: &[Rect],
    ) -> Vec<EventWidget> {
        if !self.layers.places {
            return Vec::new();
        }
        let marker_of: foldhash::HashMap<FeatureIndex, (Pos2, f32)> = places
            .iter()
            .map(|m| (m.index, (m.position, m.radius)))
            .collect();
        // The events at the places drawn, and those at points of their own in view.
        let mut candidates: Vec<FeatureIndex> = places
            .iter()
            .flat_map(|m| self.index.events_at(m.slot).iter().copied())
            .chain(self.index.point_events_in(view.visible_world(area)))
            .collect();
        candidates.sort_unstable();
        let groups = events::event_groups(
            self.dataset,
            candidates,
            |i| {
                if self.is_visible(i) {
                    Some(!self.is_highlighted(i))
                } else {
                    self.fade_hidden.then_some(true)
                }
            },
            |place| marker_of.get(&place).copied(),
            |lon, lat| Some(view.lon_lat_to_screen(lon, lat)).filter(|at| area.contains(*at)),
        );
        let largest_marker = places.iter().map(|m| m.radius).fold(0.0, f32::max);
        let markers = ScreenGrid::new(
            places
                .iter()
                .map(|m| Rect::from_center_size(m.position, Vec2::splat(2.0 * m.radius))),
        );
        let mut widgets = Vec::new();
        let mut taken = ScreenGrid::new(labels.iter().copied());
        for (g, group) in groups.iter().enumerate() {
            // What a badge beside this marker could touch.
            let reach = group.marker_radius + 9.0 + 10.0 + largest_marker + 10.0;
            let around = Rect::from_center_size(group.anchor, Vec2::splat(2.0 * reach));
            let near_markers: Vec<(Pos2, f32)> = markers
                .near(around)
                .iter()
                .map(|r| (r.center(), r.width() / 2.0))
                .collect();
            // No room beside the marker at this zoom: the events show when zoomed in (and are
            // in the list meanwhile).
            let Some(badge_center) = group.badge_center(&near_markers, &taken.near(around)) else {
                continue;
            };
            taken.insert(Rect::from_center_size(badge_center, Vec2::splat(20.0)));
            let event_widget = |ui: &mut Ui, mark: &events::EventMark, center: Pos2| EventWidget {
                event: Some(mark.index),
                event_type: mark.event_type,
                count: None,
                center,
                faded: mark.faded,
                response: interactive(
                    ui,
                    ui.scope_id().with(("event", mark.index.0)),
                    Rect::from_center_size(center, Vec2::splat(18.0)),
                    || format!("Event: {}", events::event_label(self.dataset, mark.index)),
                ),
            };
            if let [only] = group.events.as_slice() {
                widgets.push(event_widget(ui, only, badge_center));
                continue;
            }
            let open_id = ui.scope_id().with(("events opened", g, group.place));
            let mut open = ui.data(|d| d.get_temp::<bool>(open_id).unwrap_or(false));
            let badge = interactive(
                ui,
                ui.scope_id().with(("event badge", g, group.place)),
                Rect::from_center_size(badge_center, Vec2::splat(20.0)),
                || format!("{} events at {}", group.events.len(), group.place_name),
            );
            if badge.clicked() {
                open = !open;
                ui.data_mut(|d| d.insert_temp(open_id, open));
            }
            widgets.push(EventWidget {
                event: None,
                event_type: None,
                count: Some(group.events.len()),
                center: badge_center,
                faded: group.events.iter().all(|e| e.faded),
                response: badge,
            });
            if open {
                for (i, mark) in group.events.iter().enumerate() {
                    widgets.push(event_widget(ui, mark, group.fanned_center(i)));
                }
            }
        }
        widgets
    }

    /// Places the labels that fit (before anything else that goes beside the markers).
    fn layout_labels(&self, painter: &egui::Painter, places: &[PlaceMark]) -> Vec<PlacedLabel> {
        if !self.layers.labels {
            return Vec::new();
        }
        let font = FontId::proportional(13.0);
        let mut order: Vec<usize> = (0..places.len()).collect();
        order.sort_by_key(|&i| {
            let m = &places[i];
            (
                Some(m.index) != self.selection,
                style::label_priority(m.place_type),
                m.index,
            )
        });
        let texts: Vec<String> = order
            .iter()
            .map(|&i| self.place_label_at(places[i].index, self.layers.label_language))
            .collect();
        let galleys: Vec<_> = texts
            .iter()
            .map(|text| {
                let shown = crate::bidi::visual(text).into_owned();
                painter.layout_no_wrap(shown, font.clone(), Color32::from_gray(25))
            })
            .collect();
        let requests: Vec<LabelRequest> = order
            .iter()
            .zip(&galleys)
            .map(|(&i, galley)| LabelRequest {
                anchor: places[i].position,
                marker_radius: places[i].radius,
                size: galley.size() + vec2(6.0, 2.0),
            })
            .collect();
        let markers: Vec<(Pos2, f32)> = places.iter().map(|m| (m.position, m.radius)).collect();
        let rects = place_labels(&requests, &markers);
        rects
            .into_iter()
            .zip(galleys)
            .zip(order.iter().zip(texts))
            .filter_map(|((rect, galley), (&i, text))| {
                Some(PlacedLabel {
                    rect: rect?,
                    galley,
                    feature: places[i].index,
                    text,
                })
            })
            .collect()
    }

    /// Labels on arrows long enough to carry one ("12 May 2017 · 700–1,246 people (SOHR–SANA)"),
    /// beside the middle of the arrow where they hide no place, label or symbol.
    fn draw_arrow_labels(
        &self,
        painter: &egui::Painter,
        arrows: &[Arrow],
        mut taken: Vec<Rect>,
        map: Rect,
        level: &Level,
    ) -> Vec<DrawnLabel> {
        let font = FontId::proportional(12.0);
        let mut drawn = Vec::new();
        // The biggest movements find room first; the selected one before all.
        let mut order: Vec<&Arrow> = arrows.iter().filter(|a| !a.faded && !a.dimmed).collect();
        order.sort_by_key(|a| {
            (
                Some(a.index) != self.selection,
                std::cmp::Reverse(a.people),
                a.index,
            )
        });
        for arrow in order {
            if drawn.len() >= MAX_ARROW_LABELS {
                break;
            }
            if arrow.curve.length() < 160.0 {
                continue;
            }
            let text = match (arrow.merged, arrow.merge) {
                (1, _) => match self.dataset.get(arrow.index) {
                    Some(Feature::Movement(movement)) => arrow_label(self.dataset, &movement),
                    _ => continue,
                },
                (n, Merge::Clusters) => format!(
                    "{n} movements · {} people or more",
                    crate::model::format_count(arrow.people)
                ),
                (n, Merge::SamePlaces) => format!(
                    "{} · {n} movements · up to {} people",
                    self.dates_of(&self.shown_members(level, &level.arrows[arrow.group as usize])),
                    crate::model::format_count(arrow.people)
                ),
            };
            let galley = painter.layout_no_wrap(text.clone(), font.clone(), Color32::from_gray(25));
            let size = galley.size() + vec2(8.0, 4.0);
            let middle = arrow.curve.at(0.5);
            let normal = {
                let d = arrow.curve.direction(0.5);
                vec2(-d.y, d.x)
            };
            let gap = arrow.width / 2.0 + 6.0;
            // Beside the middle of the arrow, on one side or the other.
            let candidates = [1.0, -1.0].map(|side: f32| {
                let toward = normal * side;
                let reach = gap + (toward.x.abs() * size.x + toward.y.abs() * size.y) / 2.0;
                Rect::from_center_size(middle + toward * reach, size)
            });
            let Some(rect) = candidates
                .into_iter()
                .find(|r| map.contains_rect(*r) && !taken.iter().any(|t| t.intersects(*r)))
            else {
                continue;
            };
            taken.push(rect);
            painter.rect(
                rect,
                3.0,
                Color32::from_white_alpha(225),
                Stroke::new(1.0, arrow.color),
                egui::StrokeKind::Inside,
            );
            painter.galley(rect.min + vec2(4.0, 2.0), galley, Color32::from_gray(25));
            drawn.push(DrawnLabel {
                feature: arrow.index,
                text,
            });
        }
        drawn
    }

    /// Draws the placed labels and says which were drawn.
    fn draw_labels(&self, painter: &egui::Painter, labels: Vec<PlacedLabel>) -> Vec<DrawnLabel> {
        labels
            .into_iter()
            .map(|label| {
                painter.rect_filled(label.rect, 3.0, Color32::from_white_alpha(200));
                painter.galley(
                    label.rect.min + vec2(3.0, 1.0),
                    label.galley,
                    Color32::from_gray(25),
                );
                DrawnLabel {
                    feature: label.feature,
                    text: label.text,
                }
            })
            .collect()
    }

    fn draw_tooltip(
        &self,
        painter: &egui::Painter,
        map_rect: Rect,
        pointer: Option<Pos2>,
        index: FeatureIndex,
        places: &[PlaceMark],
        arrows: &[Arrow],
    ) {
        let Some(feature) = self.dataset.get(index) else {
            return;
        };
        let anchor = pointer
            .or_else(|| places.iter().find(|m| m.index == index).map(|m| m.position))
            .or_else(|| {
                arrows
                    .iter()
                    .find(|a| a.index == index)
                    .map(|a| a.curve.at(0.5))
            });
        let Some(anchor) = anchor else {
            return;
        };
        let text = tooltip_text(self.dataset, &feature, &self.range);
        let galley = painter.layout(
            text,
            FontId::proportional(12.5),
            Color32::from_gray(20),
            320.0,
        );
        let markers: Vec<(Pos2, f32)> = places.iter().map(|m| (m.position, m.radius)).collect();
        let rect = tooltip_rect(anchor, galley.size() + vec2(12.0, 8.0), map_rect, &markers);
        painter.rect(
            rect,
            4.0,
            Color32::from_white_alpha(245),
            Stroke::new(1.0, Color32::from_gray(150)),
            egui::StrokeKind::Inside,
        );
        painter.galley(rect.min + vec2(6.0, 4.0), galley, Color32::from_gray(20));
    }
}

/// A clickable, focusable widget with an accessible name (made only when asked for: egui
/// asks while a screen reader or a test listens).
fn interactive(ui: &mut Ui, id: Id, rect: Rect, label: impl Fn() -> String) -> Response {
    let response = ui.interact(rect, id, Sense::click());
    let enabled = ui.is_enabled();
    response.widget_info(|| WidgetInfo::labeled(egui::Role::Button, enabled, label()));
    response
}

/// A place label with its place on screen, before it is drawn.
struct PlacedLabel {
    rect: Rect,
    galley: std::sync::Arc<egui::Galley>,
    feature: FeatureIndex,
    text: String,
}

/// An event's symbol, or a badge standing for several, as drawn this frame.
struct EventWidget {
    /// The event; `None` for a badge.
    event: Option<FeatureIndex>,
    event_type: Option<crate::model::EventType>,
    /// How many events a badge stands for.
    count: Option<usize>,
    center: Pos2,
    faded: bool,
    response: Response,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Emphasis {
    Normal,
    Hovered,
    Focused,
    Selected,
}

fn emphasis(
    selection: Option<FeatureIndex>,
    hovered: Option<FeatureIndex>,
    index: FeatureIndex,
    focused: bool,
) -> Emphasis {
    if selection == Some(index) {
        Emphasis::Selected
    } else if focused {
        Emphasis::Focused
    } else if hovered == Some(index) {
        Emphasis::Hovered
    } else {
        Emphasis::Normal
    }
}

const HIGHLIGHT: Color32 = Color32::from_rgb(0xff, 0xc8, 0x00);

/// The points of a polyline from the first segment that touches `visible` to the last, and
/// the length of the line before them; `None` when no segment does.
fn visible_run(points: &[Pos2], visible: Rect) -> Option<(usize, usize, f32)> {
    let mut run = None;
    let mut length = 0.0;
    for (i, pair) in points.windows(2).enumerate() {
        if Rect::from_two_pos(pair[0], pair[1]).intersects(visible) {
            match &mut run {
                None => run = Some((i, i + 1, length)),
                Some((_, last, _)) => *last = i + 1,
            }
        }
        length += pair[0].distance(pair[1]);
    }
    run
}

/// How opaque what the range or the search leaves out is drawn.
const FADED_OPACITY: f32 = 0.25;

/// Makes a shape as faint as [`FADED_OPACITY`] (what a painter with that opacity does).
fn fade(shape: &mut Shape, opacity: f32) {
    egui::epaint::shape_transform::adjust_colors(shape, move |color| {
        *color = color.gamma_multiply(opacity);
    });
}

/// What an arrow is drawn from, for [`tessellated::key`].
fn arrow_key(arrow: &Arrow, emphasis: Emphasis) -> impl std::hash::Hash {
    let curve = &arrow.curve;
    let feeders: Vec<[u32; 2]> = arrow
        .feeders
        .iter()
        .map(|&f| tessellated::point_bits(f))
        .collect();
    (
        [curve.from, curve.control, curve.to].map(tessellated::point_bits),
        [arrow.head_t.to_bits(), arrow.width.to_bits()],
        (arrow.faded, arrow.dimmed, arrow.assumed),
        arrow.color,
        arrow.style as u8,
        emphasis as u8,
        feeders,
    )
}

fn rect_bits(rect: Rect) -> [[u32; 2]; 2] {
    [rect.min, rect.max].map(tessellated::point_bits)
}

impl StoryOverlay<'_> {
    /// Whether drawn geometry is kept as triangles between frames: in the window; an export
    /// draws its shapes as they are, for vector output.
    fn keeps_triangles(&self) -> bool {
        self.shared.is_some()
    }
}

/// An arrow's line, halo, feeders and head, with `clip` the map's area.
fn arrow_shapes(arrow: &Arrow, emphasis: Emphasis, clip: Rect, out: &mut Vec<Shape>) {
    let curve = &arrow.curve;
    // A quarter of a point off the true curve does not show under a line's feathering.
    let points = curve.points(0.0, arrow.head_t, curve.segments_within(0.25));
    // The line only where it may show: at city zoom most of a long arrow is off screen. (A
    // margin for the widest halo and a dash and gap.)
    let visible = clip.expand(arrow.width * 4.5 + 16.0);
    let run = visible_run(&points, visible);
    let shown = run.map_or(&points[..0], |(from, to, _)| &points[from..=to]);
    let color = match arrow.style {
        LineStyle::Failed => style::FAILED_COLOR,
        _ => arrow.color,
    };
    let halo = match emphasis {
        Emphasis::Selected => Some(Stroke::new(arrow.width + 6.0, HIGHLIGHT)),
        Emphasis::Focused => Some(Stroke::new(arrow.width + 7.0, FOCUS_RING)),
        Emphasis::Hovered => Some(Stroke::new(
            arrow.width + 4.0,
            Color32::from_white_alpha(230),
        )),
        Emphasis::Normal => Some(Stroke::new(
            arrow.width + 2.0,
            Color32::from_white_alpha(150),
        )),
    };
    if let Some(halo) = halo
        && !shown.is_empty()
    {
        out.push(PathShape::line(shown.to_vec(), PathStroke::from(halo)).into());
    }
    let stroke = Stroke::new(arrow.width, color);
    let join = curve.at(0.15);
    for feeder in &arrow.feeders {
        let feeder_stroke = Stroke::new((arrow.width * 0.6).max(2.0), color);
        out.push(Shape::line_segment(
            [*feeder, join],
            Stroke::new(feeder_stroke.width + 2.0, Color32::from_white_alpha(150)),
        ));
        out.push(Shape::line_segment([*feeder, join], feeder_stroke));
    }
    match arrow.style {
        LineStyle::Dashed => {
            let dash = (arrow.width * 2.5).max(8.0);
            let gap = dash * 0.6;
            // In the whole line's phase, so that the dashes stay put as the view pans.
            if let Some((_, _, before)) = run {
                let period = dash + gap;
                out.extend(Shape::dashed_line_with_offset(
                    shown,
                    stroke,
                    &[dash],
                    &[gap],
                    (period - before % period) % period,
                ));
            }
        }
        LineStyle::Solid | LineStyle::Failed => {
            if !shown.is_empty() {
                out.push(PathShape::line(shown.to_vec(), PathStroke::from(stroke)).into());
            }
        }
    }
    // The head: a triangle from the end of the line to the destination marker's edge.
    let base = curve.at(arrow.head_t);
    let direction = curve.direction(arrow.head_t);
    let tip = base + direction * style::head_length(arrow.width);
    let side = vec2(-direction.y, direction.x) * (arrow.width * 1.2).max(6.0);
    let outline = match emphasis {
        Emphasis::Selected => Stroke::new(2.0, HIGHLIGHT),
        _ => Stroke::new(1.0, Color32::WHITE),
    };
    if arrow.assumed {
        // Hollow: the report does not name this destination.
        out.push(Shape::convex_polygon(
            vec![tip, base + side, base - side],
            Color32::WHITE,
            Stroke::new(2.0, color),
        ));
    } else {
        out.push(Shape::convex_polygon(
            vec![tip, base + side, base - side],
            color,
            outline,
        ));
    }
    if arrow.style == LineStyle::Failed {
        let middle = curve.at(0.5);
        let size = 6.0;
        let mark = Stroke::new(3.0, style::FAILED_MARK);
        out.push(Shape::line_segment(
            [middle + vec2(-size, -size), middle + vec2(size, size)],
            mark,
        ));
        out.push(Shape::line_segment(
            [middle + vec2(-size, size), middle + vec2(size, -size)],
            mark,
        ));
    }
}

/// For a marker spread out of a crowd: a line back to where the place really is.
fn draw_leader(painter: &egui::Painter, mark: &PlaceMark) {
    if mark.true_position.distance(mark.position) > 0.5 {
        painter.line_segment(
            [mark.true_position, mark.position],
            Stroke::new(1.0, Color32::from_gray(90)),
        );
        painter.circle(
            mark.true_position,
            2.5,
            mark.color,
            Stroke::new(0.8, Color32::WHITE),
        );
    }
}

/// A filled, outlined circle: from the disc texture where it fits (a quad instead of hundreds
/// of vertices), tessellated where it is too big for it.
fn draw_disc(
    painter: &egui::Painter,
    sprites: &DiscSprites,
    center: Pos2,
    radius: f32,
    fill: Color32,
    stroke: Stroke,
) {
    let pixels_per_point = painter.pixels_per_point();
    if crate::map::sprites::fits(radius + stroke.width, pixels_per_point) {
        painter.add(sprites.disc(center, radius, fill, stroke, pixels_per_point));
    } else {
        painter.circle(center, radius, fill, stroke);
    }
}

fn draw_marker(
    painter: &egui::Painter,
    sprites: &DiscSprites,
    mark: &PlaceMark,
    emphasis: Emphasis,
) {
    let place_type = mark.place_type;
    let radius = mark.radius;
    let center = mark.position;
    match emphasis {
        Emphasis::Selected => {
            painter.circle_filled(center, radius + 6.0, HIGHLIGHT);
        }
        Emphasis::Hovered => {
            painter.circle_filled(center, radius + 4.0, Color32::from_white_alpha(220));
        }
        Emphasis::Focused => {
            painter.circle_stroke(center, radius + 5.0, Stroke::new(3.0, FOCUS_RING));
            painter.circle_stroke(center, radius + 8.0, Stroke::new(1.5, Color32::WHITE));
        }
        Emphasis::Normal => {}
    }
    if let Some(ring) = mark.ring {
        painter.circle_stroke(center, radius + 3.0, Stroke::new(2.5, ring));
    }
    let outline = Stroke::new(1.5, Color32::WHITE);
    match style::marker_shape(place_type) {
        MarkerShape::Circle => {
            draw_disc(painter, sprites, center, radius, mark.color, outline);
        }
        MarkerShape::Square => {
            painter.rect(
                Rect::from_center_size(center, Vec2::splat(radius * 1.7)),
                1.0,
                mark.color,
                outline,
                egui::StrokeKind::Middle,
            );
        }
        MarkerShape::Triangle => {
            let r = radius * 1.2;
            let points = vec![
                center + vec2(0.0, -r),
                center + vec2(r * 0.87, r * 0.5),
                center + vec2(-r * 0.87, r * 0.5),
            ];
            painter.add(Shape::convex_polygon(points, mark.color, outline));
        }
        MarkerShape::Diamond => {
            let r = radius * 1.15;
            let points = vec![
                center + vec2(0.0, -r),
                center + vec2(r, 0.0),
                center + vec2(0.0, r),
                center + vec2(-r, 0.0),
            ];
            painter.add(Shape::convex_polygon(points, mark.color, outline));
        }
    }
    if mark.approximate {
        // Approximate positions get a dotted halo: "somewhere around here". Dots about 4.5
        // points apart, from the disc texture (as dashes, each was a tessellated line).
        let ring = radius + 3.5;
        let dots = ((std::f32::consts::TAU * ring / 4.5).round() as usize).max(6);
        painter.add(sprites.dots(
            (0..dots).map(|k| {
                let a = std::f32::consts::TAU * k as f32 / dots as f32;
                center + vec2(a.cos(), a.sin()) * ring
            }),
            0.9,
            Color32::from_gray(60),
            painter.pixels_per_point(),
        ));
    }
}

/// An arrow's label: its date and the counts of people with their sources, as a spread when
/// sources differ (lowest first): "12 May 2017 · 700–1,246 people (SOHR–SANA)",
/// "8 May 2017 · 1,000 people (SANA)", "2017 · 3,424,237 refugees (UNHCR)"; the date alone
/// without counts.
pub fn arrow_label(dataset: &Dataset, movement: &Movement) -> String {
    let mut text = movement
        .common
        .when
        .map(|w| w.human())
        .unwrap_or_else(|| "undated".into());
    // People when a source counts them; otherwise the first count of people moved (refugees,
    // asylum seekers…), never mixing two measures in one spread.
    let moved = |f: &&crate::model::Figure| {
        f.measure
            .known()
            .is_some_and(crate::model::Measure::counts_people_moved)
    };
    let measure = movement
        .figures
        .iter()
        .find(|f| f.measure.known() == Some(crate::model::Measure::People))
        .or_else(|| movement.figures.iter().find(moved))
        .map(|f| f.measure.clone());
    let noun = measure.as_ref().map_or_else(String::new, |m| m.label());
    let mut people: Vec<(u64, String)> = movement
        .figures
        .iter()
        .filter(|f| Some(&f.measure) == measure.as_ref())
        .map(|f| {
            let sources: Vec<String> = f
                .sources
                .iter()
                .map(|s| dataset.short_source_name(s))
                .collect();
            (f.value, sources.join(", "))
        })
        .collect();
    people.sort();
    let count = crate::model::format_count;
    match (people.first(), people.last()) {
        (Some((low, low_by)), Some((high, high_by))) if low != high => {
            text.push_str(&format!(
                " · {}–{} {noun} ({low_by}–{high_by})",
                count(*low),
                count(*high)
            ));
        }
        (Some((value, by)), _) => text.push_str(&format!(" · {} {noun} ({by})", count(*value))),
        _ => {}
    }
    text
}

/// The hover text: name, what it is, when, and the figures with their sources.
pub fn tooltip_text(dataset: &Dataset, feature: &Feature, range: &DaySpan) -> String {
    let mut lines = vec![dataset.display_name(feature)];
    match feature {
        Feature::Place(place) => {
            if let Some(arabic) = &place.name_ar {
                lines.push(arabic.clone());
            }
            let kind = place
                .place_type
                .as_ref()
                .map(|t| t.label())
                .unwrap_or_else(|| "place".into());
            let control = style::control_label(dataset.control_at(place, range));
            lines.push(format!("{kind} · {control}"));
        }
        Feature::Movement(movement) => {
            let when = movement.common.when.map(|w| w.human()).unwrap_or_default();
            lines.push(format!("{when} · {}", movement.status.label()));
            for figure in &movement.figures {
                lines.push(dataset.figure_with_sources(figure));
            }
        }
        Feature::Event(event) => {
            let when = event.common.when.map(|w| w.human()).unwrap_or_default();
            lines.push(format!("{} · {when}", event.event_type.label()));
        }
        Feature::Generic(_) => {}
    }
    lines.push("Click for details".into());
    lines
        .iter()
        .map(|line| crate::bidi::visual(line))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arrow_label_gives_the_date_and_the_spread_of_the_sources_counts() {
        let dataset = crate::io::parse_bytes(crate::BUNDLED_STORY.as_bytes(), "bundled")
            .unwrap()
            .dataset;
        let label = |id: &str| match dataset.by_id(id) {
            Some(Feature::Movement(m)) => arrow_label(&dataset, &m),
            other => panic!("{id} is not a movement: {other:?}"),
        };
        assert_eq!(
            label("barzeh-idlib-2017-05-12"),
            "12 May 2017 · 700–1,246 people (SOHR–SANA)"
        );
        assert_eq!(label("qaboun-idlib-2017-05-14"), "14 May 2017");
    }

    #[test]
    fn only_the_part_of_a_line_in_view_is_dashed_in_the_whole_lines_phase() {
        use egui::pos2;
        let points: Vec<Pos2> = (0..=10).map(|i| pos2(i as f32 * 100.0, 0.0)).collect();
        let visible = Rect::from_min_max(pos2(350.0, -10.0), pos2(520.0, 10.0));
        assert_eq!(visible_run(&points, visible), Some((3, 6, 300.0)));
        let above = Rect::from_min_max(pos2(0.0, 50.0), pos2(100.0, 60.0));
        assert_eq!(visible_run(&points, above), None);
        // The dashes drawn over the visible part are where the whole line's are.
        let dashes = |path: &[Pos2], offset: f32| -> Vec<(i32, i32)> {
            Shape::dashed_line_with_offset(
                path,
                Stroke::new(1.0, Color32::RED),
                &[8.0],
                &[5.0],
                offset,
            )
            .iter()
            .filter_map(|s| match s {
                Shape::LineSegment { points, .. } => {
                    Some((points[0].x.round() as i32, points[1].x.round() as i32))
                }
                _ => None,
            })
            .collect()
        };
        let whole = dashes(&points, 0.0);
        let (from, to, before) = visible_run(&points, visible).unwrap();
        let part = dashes(&points[from..=to], (13.0 - before % 13.0) % 13.0);
        assert!(!part.is_empty());
        assert!(part.iter().all(|dash| whole.contains(dash)), "{part:?}");
    }
}

#[cfg(test)]
mod flow_label_tests {
    use super::*;

    #[test]
    fn a_flow_of_refugees_is_labelled_with_its_count_of_refugees() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/import/unhcr-yearly.csv");
        let dataset = crate::import::load(&path).unwrap().dataset;
        let (_, movement) = dataset.movements().next().unwrap();
        assert_eq!(
            arrow_label(&dataset, &movement),
            "2017 · 3,424,237 refugees (unhcr-yearly.csv)"
        );
    }
}
