//! Interaction: every mark of the scene is a widget with an accessible name, so it can be
//! reached with Tab, chosen with Enter, read by a screen reader and found by tests. Pointer and
//! keys become the map's own [`MapAction`]s, which the app turns into commands: the map knows
//! nothing of the app's commands.

use egui::{CursorIcon, Id, Pos2, Rect, Response, Sense, Ui, Vec2, WidgetInfo};

use super::super::index::{Level, Merge};
use super::action::MapAction;
use super::scene::{EventMarkKind, Scene};
use super::text::movement_label;
use super::{FocusTarget, OUTSIDE_RANGE, StoryOverlay};
use crate::model::FeatureIndex;
use crate::model::names::LabelLanguage;

/// The widgets of one frame's scene, what the pointer is over and what was asked for.
pub(super) struct Interaction {
    pub(super) counts: Vec<Response>,
    pub(super) arrows: Vec<Response>,
    pub(super) events: Vec<Response>,
    pub(super) places: Vec<Response>,
    pub(super) clusters: Vec<Response>,
    /// What the pointer (or the keyboard's focus) is on.
    pub(super) hovered: Option<FeatureIndex>,
    pub(super) actions: Vec<MapAction>,
    /// Edit mode: a place is dragged, or about to be; the map must not pan.
    pub(super) holds_pointer: bool,
}

impl Interaction {
    /// How each of the marks of `features` (arrows or markers, with their widgets'
    /// `responses`) is emphasised: selected, focused, hovered or not.
    pub(super) fn emphases(
        &self,
        ui: &Ui,
        features: impl Iterator<Item = FeatureIndex>,
        responses: &[Response],
        selection: Option<FeatureIndex>,
    ) -> Vec<Emphasis> {
        features
            .zip(responses)
            .map(|(index, r)| emphasis(selection, self.hovered, index, has_focus(ui, r.id)))
            .collect()
    }

    /// What the keyboard moves between on the map (markers, clusters, arrows, event symbols and
    /// badges), top to bottom then left to right. A cluster stands for its first place, a badge
    /// for its first event.
    pub(super) fn focus_targets(&self, scene: &Scene) -> Vec<FocusTarget> {
        let mut targets: Vec<FocusTarget> = scene
            .places
            .iter()
            .zip(&self.places)
            .map(|(m, r)| (r.id, m.position, m.index))
            .chain(
                scene
                    .arrows
                    .iter()
                    .zip(&self.arrows)
                    .map(|(a, r)| (r.id, a.curve.at(0.5), a.index)),
            )
            .chain(
                scene
                    .events
                    .iter()
                    .zip(&self.events)
                    .filter_map(|(e, r)| Some((r.id, e.center, e.first_event()?))),
            )
            .chain(
                scene
                    .clusters
                    .iter()
                    .zip(&self.clusters)
                    .map(|(c, r)| (r.id, c.center, c.first)),
            )
            .chain(
                scene
                    .counts
                    .iter()
                    .zip(&self.counts)
                    .map(|(c, r)| (r.id, c.center, c.index)),
            )
            .map(|(id, at, feature)| FocusTarget {
                id,
                at,
                feature: Some(feature),
            })
            .collect();
        super::in_reading_order(&mut targets);
        targets
    }
}

/// How a mark is shown: selected, focused by the keyboard, under the pointer, or as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Emphasis {
    Normal,
    Hovered,
    Focused,
    Selected,
}

pub(super) fn emphasis(
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

/// Whether the widget `id` has the keyboard focus.
pub(super) fn has_focus(ui: &Ui, id: Id) -> bool {
    ui.ctx().memory(|m| m.has_focus(id))
}

/// The event badge opened into a fan, with the view and range it was opened in: it closes
/// when either changes (its spots were chosen for that view), and one at a time is open.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct OpenFan {
    pub(super) badge: (usize, Option<FeatureIndex>),
    pub(super) view: [u64; 3],
    pub(super) range: crate::model::DaySpan,
}

/// Where the open fan is kept.
pub(super) fn open_fan_id(ui: &Ui) -> Id {
    ui.scope_id().with("evacmap open event fan")
}

/// What a view is, for telling when it changed.
pub(super) fn view_key(view: &super::super::projection::ScreenTransform) -> [u64; 3] {
    [
        view.zoom().to_bits(),
        view.world_center.x.to_bits(),
        view.world_center.y.to_bits(),
    ]
}

/// A clickable, focusable widget with an accessible name (made only when asked for: egui
/// asks while a screen reader or a test listens).
fn interactive(ui: &mut Ui, id: Id, rect: Rect, label: impl Fn() -> String) -> Response {
    interactive_with(ui, id, rect, Sense::click(), label)
}

/// [`interactive`], sensing `sense` (markers are dragged in edit mode).
fn interactive_with(
    ui: &mut Ui,
    id: Id,
    rect: Rect,
    sense: Sense,
    label: impl Fn() -> String,
) -> Response {
    let response = ui.interact(rect, id, sense);
    let enabled = ui.is_enabled();
    response.widget_info(|| WidgetInfo::labeled(egui::Role::Button, enabled, label()));
    response
}

impl StoryOverlay<'_> {
    /// Makes the scene's widgets, in the order egui hit-tests them (later on top): other
    /// files' features, arrows, event symbols, markers, clusters.
    #[expect(
        clippy::too_many_lines,
        reason = "the widgets of every kind of mark are made in the order egui hit-tests them, and their clicks read in the same pass"
    )]
    pub(super) fn interact(
        &self,
        ui: &mut Ui,
        map_response: &Response,
        view: &super::super::projection::ScreenTransform,
        scene: &Scene,
        level: &Level,
    ) -> Interaction {
        let mut actions = Vec::new();
        // The density view's hexagons, under everything else: a click zooms in on one.
        for (k, hexagon) in scene.hexagons.iter().enumerate() {
            let hit = Rect::from_center_size(hexagon.center, Vec2::splat(hexagon.radius * 1.7));
            let id = ui.scope_id().with(("hexagon", k));
            let response = interactive(ui, id, hit, || hexagon.name.clone());
            if response.clicked() {
                let corners = [hit.left_top(), hit.right_bottom()]
                    .map(|corner| view.to_world(corner).to_position());
                actions.extend(
                    super::super::projection::LonLatBounds::from_points(corners)
                        .map(MapAction::ZoomTo),
                );
            }
            response.on_hover_text(&hexagon.name);
        }
        let generic: Vec<Response> = scene
            .generic
            .iter()
            .filter_map(|mark| {
                let rect = Rect::from_center_size(mark.anchor?, Vec2::splat(14.0));
                Some(interactive(
                    ui,
                    ui.scope_id().with(("feature", mark.index.0)),
                    rect,
                    || self.dataset.display_name_at(mark.index),
                ))
            })
            .collect();
        // Count circles under everything but the density view: a marker or arrow on a circle
        // takes the click.
        let counts: Vec<Response> = scene
            .counts
            .iter()
            .map(|mark| {
                let hit = Rect::from_center_size(mark.center, Vec2::splat(mark.radius * 1.6));
                let id = ui.scope_id().with(("count", mark.index.0));
                interactive(ui, id, hit, || self.count_name(mark))
            })
            .collect();
        let arrows: Vec<Response> = scene
            .arrows
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
                                "{} movements between clusters, {} people or more, among \
                                 them {label}",
                                crate::model::format_count(n as u64),
                                crate::model::format_count(arrow.people)
                            );
                        }
                        (n, Merge::SamePlaces) => {
                            let members =
                                self.shown_members(level, &level.arrows[arrow.group as usize]);
                            label = format!(
                                "{} movements between the same places, {}, up to {} people, \
                                 among them {label}",
                                crate::model::format_count(n as u64),
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
        // Event symbols before the markers, so that where a symbol and a marker touch, the
        // marker takes the click.
        let events: Vec<Response> = scene
            .events
            .iter()
            .map(|mark| match &mark.kind {
                EventMarkKind::Badge(badge) => interactive(
                    ui,
                    ui.scope_id().with(("event badge", badge.key)),
                    Rect::from_center_size(mark.center, Vec2::splat(20.0)),
                    || format!("{} events at {}", badge.events.len(), badge.place_name),
                ),
                &EventMarkKind::Symbol { event, .. } => interactive(
                    ui,
                    ui.scope_id().with(("event", event.0)),
                    Rect::from_center_size(mark.center, Vec2::splat(18.0)),
                    || {
                        format!(
                            "Event: {}",
                            super::super::events::event_label(self.dataset, event)
                        )
                    },
                ),
            })
            .collect();
        let places: Vec<Response> = scene
            .places
            .iter()
            .map(|mark| {
                // Screen readers get both names once Arabic labels are asked for.
                let name = || {
                    match self.draw.label_language {
                        LabelLanguage::English => {
                            self.dataset.store().name(mark.index.0).map(str::to_owned)
                        }
                        _ => Some(self.place_label_at(mark.index, LabelLanguage::Both)),
                    }
                    .unwrap_or_else(|| self.dataset.store().id(mark.index.0).to_owned())
                };
                let hit =
                    Rect::from_center_size(mark.position, Vec2::splat(mark.radius * 2.0 + 6.0));
                let sense = if self.editing {
                    Sense::click_and_drag()
                } else {
                    Sense::click()
                };
                let id = ui.scope_id().with(("place", mark.index.0));
                interactive_with(ui, id, hit, sense, name)
            })
            .collect();
        let clusters: Vec<Response> = scene
            .clusters
            .iter()
            .map(|c| {
                let hit = Rect::from_center_size(c.center, Vec2::splat(c.radius * 2.0 + 4.0));
                let id = ui.scope_id().with(("cluster", c.first.0));
                interactive(ui, id, hit, || c.name())
            })
            .collect();

        for (cluster, response) in scene.clusters.iter().zip(&clusters) {
            if response.clicked()
                && let Some(bounds) = cluster.bounds
            {
                actions.push(MapAction::ZoomTo(bounds));
            }
        }
        let pointer = map_response.hover_pos();
        let near_arrow = pointer.and_then(|p| nearest_arrow(scene, p));
        let event_hover = scene
            .events
            .iter()
            .zip(&events)
            .find(|(_, r)| r.hovered())
            .and_then(|(e, _)| e.event());
        let widget_hover = scene
            .places
            .iter()
            .zip(&places)
            .map(|(m, r)| (m.index, r))
            .chain(scene.arrows.iter().zip(&arrows).map(|(a, r)| (a.index, r)))
            .chain(scene.counts.iter().zip(&counts).map(|(c, r)| (c.index, r)))
            .chain(
                scene
                    .handled_generic()
                    .zip(&generic)
                    .map(|(g, r)| (g.index, r)),
            )
            .find(|(_, r)| r.hovered())
            .map(|(i, _)| i);
        let hovered = event_hover.or(widget_hover).or(if map_response.hovered() {
            near_arrow
        } else {
            None
        });

        for (mark, response) in scene.handled_generic().zip(&generic) {
            if response.clicked() {
                actions.push(MapAction::Select(Some(mark.index)));
            }
        }
        for (mark, response) in scene.places.iter().zip(&places) {
            if response.clicked() {
                actions.push(MapAction::Select(Some(mark.index)));
            }
        }
        for (mark, response) in scene.counts.iter().zip(&counts) {
            if response.clicked() {
                actions.push(MapAction::Select(Some(mark.index)));
            }
        }
        for (arrow, response) in scene.arrows.iter().zip(&arrows) {
            if response.clicked() {
                actions.push(if arrow.merged > 1 {
                    MapAction::SelectMovements(
                        self.shown_members(level, &level.arrows[arrow.group as usize]),
                    )
                } else {
                    MapAction::Select(Some(arrow.index))
                });
            }
        }
        for (mark, response) in scene.events.iter().zip(&events) {
            if !response.clicked() {
                continue;
            }
            match &mark.kind {
                EventMarkKind::Badge(badge) => {
                    let id = open_fan_id(ui);
                    let open = ui.data(|d| d.get_temp::<OpenFan>(id));
                    if open.is_some_and(|fan| fan.badge == badge.key) {
                        ui.data_mut(|d| d.remove::<OpenFan>(id));
                    } else {
                        let fan = OpenFan {
                            badge: badge.key,
                            view: view_key(view),
                            range: self.range,
                        };
                        ui.data_mut(|d| d.insert_temp(id, fan));
                    }
                    // The fan is part of the next frame's scene.
                    ui.ctx().request_repaint();
                }
                &EventMarkKind::Symbol { event, .. } => {
                    actions.push(MapAction::Select(Some(event)));
                }
            }
        }
        let holds_pointer = self.editing && super::editing::holds_pointer(ui, &places);
        if self.editing {
            actions.extend(super::editing::gestures(ui, view, scene, &places));
        }
        if map_response.clicked() {
            let point = map_response.interact_pointer_pos().filter(|_| self.editing);
            match (point, near_arrow) {
                (Some(point), None) => {
                    let position = view.to_world(point).to_position();
                    actions.push(MapAction::AddPlaceAt {
                        lon: position.x(),
                        lat: position.y(),
                    });
                }
                _ => actions.push(MapAction::Select(near_arrow)),
            }
        }
        if hovered.is_some() {
            ui.ctx().set_cursor_icon(CursorIcon::PointingHand);
        }
        // The map keeps the keys that move within it: egui would otherwise send an arrow key
        // to the nearest widget on screen (the timeline's Loop below Barzeh) and Tab to the
        // next widget made. The app moves among the map's items and leaves it on Tab or Esc.
        for response in arrows
            .iter()
            .chain(&events)
            .chain(&places)
            .chain(&clusters)
            .chain(&counts)
        {
            if response.has_focus() {
                ui.memory_mut(|m| {
                    m.set_focus_lock_filter(
                        response.id,
                        egui::EventFilter {
                            tab: true,
                            horizontal_arrows: true,
                            vertical_arrows: true,
                            escape: true,
                        },
                    );
                });
            }
        }
        Interaction {
            counts,
            arrows,
            events,
            places,
            clusters,
            hovered,
            actions,
            holds_pointer,
        }
    }
}

/// The accessible name of a cluster: "Cluster of 132 places around Aleppo".
pub(super) fn cluster_name(count: usize, named: &str) -> String {
    format!("Cluster of {count} places around {named}")
}

/// The arrow whose line passes within 4 points of `pointer`, nearest first.
fn nearest_arrow(scene: &Scene, pointer: Pos2) -> Option<FeatureIndex> {
    scene
        .arrows
        .iter()
        .map(|a| (a.index, a.curve.distance_to(pointer) - a.width / 2.0))
        .filter(|(_, d)| *d <= 4.0)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}
