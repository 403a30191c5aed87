//! The map's gestures in edit mode: drag a place to move it, Shift+drag from one place to
//! another to draw a movement. While dragging, a line shows where it goes.

use egui::{Color32, Pos2, Response, Stroke, Ui};

use super::action::MapAction;
use super::scene::Scene;
use crate::map::projection::ScreenTransform;
use crate::model::FeatureIndex;

/// A drag under way: from which place, and whether it draws a movement.
#[derive(Debug, Clone, Copy)]
struct Drag {
    place: FeatureIndex,
    connect: bool,
}

fn drag_id(ui: &Ui) -> egui::Id {
    ui.scope_id().with("evacmap edit drag")
}

/// Whether a place is being dragged, or the pointer is on one (a press there drags the place,
/// not the map): the map does not pan then.
pub(super) fn holds_pointer(ui: &Ui, places: &[Response]) -> bool {
    ui.data(|d| d.get_temp::<Drag>(drag_id(ui)).is_some()) || places.iter().any(Response::hovered)
}

/// What the drags of `places` (the markers' widgets) asked for this frame, drawing the drag
/// under way.
pub(super) fn gestures(
    ui: &mut Ui,
    view: &ScreenTransform,
    scene: &Scene,
    places: &[Response],
) -> Vec<MapAction> {
    let mut actions = Vec::new();
    let id = drag_id(ui);
    for (mark, response) in scene.places.iter().zip(places) {
        if response.drag_started() {
            let connect = ui.input(|i| i.modifiers.shift);
            ui.data_mut(|d| {
                d.insert_temp(
                    id,
                    Drag {
                        place: mark.index,
                        connect,
                    },
                );
            });
        }
        let Some(drag) = ui
            .data(|d| d.get_temp::<Drag>(id))
            .filter(|d| d.place == mark.index)
        else {
            continue;
        };
        let Some(pointer) = response.interact_pointer_pos() else {
            continue;
        };
        if response.dragged() {
            draw_drag(ui, mark.position, pointer, drag.connect);
        }
        if response.drag_stopped() {
            ui.data_mut(|d| d.remove::<Drag>(id));
            if drag.connect {
                let target = place_at(scene, pointer).filter(|&to| to != mark.index);
                if let Some(to) = target {
                    actions.push(MapAction::Connect {
                        from: mark.index,
                        to,
                    });
                }
            } else if pointer.distance(mark.position) > 2.0 {
                let position = view.to_world(pointer).to_position();
                actions.push(MapAction::MovePlace {
                    place: mark.index,
                    lon: position.x(),
                    lat: position.y(),
                });
            }
        }
    }
    actions
}

/// The place whose marker is under `pointer`.
fn place_at(scene: &Scene, pointer: Pos2) -> Option<FeatureIndex> {
    scene
        .places
        .iter()
        .filter(|m| m.position.distance(pointer) <= m.radius + 6.0)
        .min_by(|a, b| {
            a.position
                .distance(pointer)
                .total_cmp(&b.position.distance(pointer))
        })
        .map(|m| m.index)
}

fn draw_drag(ui: &Ui, from: Pos2, to: Pos2, connect: bool) {
    let painter = ui.painter();
    let colour = if connect {
        Color32::from_rgb(0xc0, 0x39, 0x2b)
    } else {
        Color32::from_rgb(0x00, 0x5f, 0xcc)
    };
    painter.line_segment([from, to], Stroke::new(2.0, colour));
    if connect {
        painter.circle_stroke(to, 6.0, Stroke::new(2.0, colour));
    } else {
        painter.circle_filled(to, 6.0, colour);
    }
}
