//! The left panel: the story's title, the layers and the legend.

use egui::{Color32, RichText, Ui, vec2};

use super::Command;
use crate::map::events;
use crate::map::style::{self, CONTROL_LEGEND, MarkerShape};
use crate::map::toggles::DrawToggles;
use crate::model::names::LabelLanguage;
use crate::model::{Dataset, MovementType, PlaceType};

/// The story's title and description.
pub fn story_header_ui(ui: &mut Ui, dataset: &Dataset) {
    if let Some(title) = &dataset.meta.title {
        ui.label(RichText::new(title).strong().size(15.0));
    }
    if let Some(description) = &dataset.meta.description {
        egui::CollapsingHeader::new("About this story")
            .default_open(false)
            .show(ui, |ui| ui.label(RichText::new(description).small()));
    }
}

/// The layer switches, as a menu.
#[must_use = "the commands are for the app to apply"]
pub fn layers_menu_ui(ui: &mut Ui, draw: DrawToggles, online_tiles: bool) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.menu_button("Layers", |ui| {
        let mut changed = draw;
        // Ticked only when tiles can be drawn: with the offline basemap chosen there are none.
        if online_tiles {
            ui.checkbox(&mut changed.tiles, "Online map tiles");
        } else {
            ui.add_enabled(false, egui::Checkbox::new(&mut false, "Online map tiles"))
                .on_disabled_hover_text("Offline: choose a tile source in the Basemap menu");
        }
        ui.checkbox(&mut changed.basemap, "Offline basemap");
        ui.checkbox(&mut changed.places, "Places");
        ui.checkbox(&mut changed.movements, "Movements");
        ui.checkbox(&mut changed.labels, "Labels");
        ui.add_enabled_ui(changed.labels, |ui| {
            ui.label("Place names in");
            for language in LabelLanguage::ALL {
                ui.radio_value(&mut changed.label_language, language, language.label());
            }
        });
        ui.separator();
        ui.label("Density view (H)");
        for density in crate::map::density::Density::ALL {
            ui.radio_value(&mut changed.density, density, density.label());
        }
        if changed != draw {
            commands.push(Command::SetDrawToggles(changed));
        }
    });
    commands
}

/// The legend, explaining every colour, shape and line on the map.
pub fn legend_ui(
    ui: &mut Ui,
    layers: &[crate::layers::LayerBand],
    density: crate::map::density::Density,
    largest_count: Option<u64>,
) {
    if density != crate::map::density::Density::Off {
        density_legend(ui, density);
        ui.add_space(4.0);
    }
    if !layers.is_empty() {
        ui.label(RichText::new("Ring: the file a place comes from").small());
        for layer in layers {
            let [r, g, b] = layer.colour;
            ring_swatch(ui, Color32::from_rgb(r, g, b), &layer.name);
        }
        ui.add_space(4.0);
    }
    ui.label(RichText::new("Marker colour: who held the place at the end of the time range (the latest claim covering most of it).").small());
    for status in CONTROL_LEGEND {
        swatch(
            ui,
            MarkerShape::Circle,
            style::control_color(status),
            style::control_label(status),
        );
    }
    ui.add_space(4.0);
    ui.label(RichText::new("Marker shape: what the place is").small());
    let grey = style::control_color(None);
    swatch(
        ui,
        style::marker_shape(Some(PlaceType::Neighbourhood)),
        grey,
        "Neighbourhood, district, town",
    );
    swatch(ui, style::marker_shape(Some(PlaceType::City)), grey, "City");
    swatch(ui, style::marker_shape(Some(PlaceType::Camp)), grey, "Camp");
    swatch(
        ui,
        style::marker_shape(Some(PlaceType::Province)),
        grey,
        "Region, province, country",
    );
    ui.label(RichText::new("Dotted ring: approximate position. Markers too close to tell apart are spread around their centre, with a line back to the true position.").small());
    ui.add_space(4.0);
    ui.label(RichText::new("Arrows: movements of people").small());
    arrow_swatch(
        ui,
        style::movement_color(Some(MovementType::Evacuation)),
        false,
        "Evacuation (completed)",
    );
    arrow_swatch(
        ui,
        style::movement_color(Some(MovementType::Evacuation)),
        true,
        "Scheduled, not confirmed",
    );
    arrow_swatch(ui, style::FAILED_COLOR, false, "Failed (marked ✕)");
    arrow_swatch(
        ui,
        style::movement_color(Some(MovementType::Displacement)),
        false,
        "Displacement",
    );
    arrow_swatch(
        ui,
        style::movement_color(Some(MovementType::Return)),
        false,
        "Return",
    );
    ui.label(RichText::new("Hollow arrowhead: the destination is assumed, not reported.").small());
    ui.label(
        RichText::new(
            "Long arrows carry their date and the count of people by source, lowest first.",
        )
        .small(),
    );
    ui.label(RichText::new(style::WIDTH_RULE).small());
    ui.label(
        RichText::new(
            "Four or more movements between the same two places are one arrow, as wide as \
             their largest count; its label gives the dates they span.",
        )
        .small(),
    );
    if let Some(largest) = largest_count {
        ui.add_space(4.0);
        count_legend(ui, largest);
    }
    ui.add_space(4.0);
    ui.label(
        RichText::new("Events, beside their place (a number: several; click to open)").small(),
    );
    for (event_type, text) in events::EVENT_LEGEND {
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(vec2(16.0, 16.0), egui::Sense::hover());
            ui.painter()
                .extend(events::event_symbol(rect.center(), event_type, None));
            ui.label(text);
        });
    }
}

/// What the count circles measure, with the largest circle's count.
fn count_legend(ui: &mut Ui, largest: u64) {
    use crate::map::overlay::counts;
    ui.label(
        RichText::new(format!(
            "Circles: people counted at a place, their area by the count (the largest, {}). At \
             each place, each source's latest count in the time range; another source's count \
             stands beside it, never added.",
            crate::model::format_count(largest)
        ))
        .small(),
    );
    for (event_type, text) in counts::COUNT_LEGEND {
        ui.horizontal(|ui| {
            let (rect, _) = ui.allocate_exact_size(vec2(16.0, 16.0), egui::Sense::hover());
            let (fill, line) = counts::count_colors(event_type);
            ui.painter()
                .circle(rect.center(), 6.5, fill, egui::Stroke::new(1.5, line));
            ui.label(text);
        });
    }
}

/// A grey marker with a ring of `color`, as the map rings a place from that file.
fn ring_swatch(ui: &mut Ui, color: Color32, text: &str) {
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(vec2(16.0, 16.0), egui::Sense::hover());
        let painter = ui.painter();
        painter.circle_stroke(rect.center(), 6.5, egui::Stroke::new(2.5, color));
        painter.circle_filled(rect.center(), 4.0, style::control_color(None));
        ui.label(text);
    });
}

/// What the density view's hexagons measure, with their shades from least to most.
fn density_legend(ui: &mut Ui, density: crate::map::density::Density) {
    use crate::map::density::{self, Density};
    let what = match density {
        Density::People => "the people moved from the places in it",
        _ => "the events at the places in it and the movements leaving them",
    };
    ui.label(
        RichText::new(format!(
            "Hexagon: {what}, in the time range; darker is more, against the most in view (log \
             scale). Press H for the markers again."
        ))
        .small(),
    );
    ui.horizontal(|ui| {
        ui.label(RichText::new("least").small());
        for step in [1, 4, 16, 64, 256] {
            let (rect, _) = ui.allocate_exact_size(vec2(16.0, 16.0), egui::Sense::hover());
            let corners = density::corners(rect.center(), 7.5).to_vec();
            ui.painter().add(egui::Shape::convex_polygon(
                corners,
                density::shade(step, 256),
                egui::Stroke::NONE,
            ));
        }
        ui.label(RichText::new("most").small());
    });
}

fn swatch(ui: &mut Ui, shape: MarkerShape, color: Color32, text: &str) {
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(vec2(16.0, 16.0), egui::Sense::hover());
        let c = rect.center();
        let painter = ui.painter();
        let stroke = egui::Stroke::new(1.0, Color32::WHITE);
        match shape {
            MarkerShape::Circle => {
                painter.circle(c, 6.0, color, stroke);
            }
            MarkerShape::Square => {
                painter.rect(
                    egui::Rect::from_center_size(c, vec2(11.0, 11.0)),
                    1.0,
                    color,
                    stroke,
                    egui::StrokeKind::Middle,
                );
            }
            MarkerShape::Triangle => {
                painter.add(egui::Shape::convex_polygon(
                    vec![c + vec2(0.0, -7.0), c + vec2(6.0, 4.0), c + vec2(-6.0, 4.0)],
                    color,
                    stroke,
                ));
            }
            MarkerShape::Diamond => {
                painter.add(egui::Shape::convex_polygon(
                    vec![
                        c + vec2(0.0, -7.0),
                        c + vec2(7.0, 0.0),
                        c + vec2(0.0, 7.0),
                        c + vec2(-7.0, 0.0),
                    ],
                    color,
                    stroke,
                ));
            }
        }
        ui.label(text);
    });
}

fn arrow_swatch(ui: &mut Ui, color: Color32, dashed: bool, text: &str) {
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(vec2(34.0, 12.0), egui::Sense::hover());
        let from = rect.left_center();
        let to = rect.right_center() - vec2(8.0, 0.0);
        let stroke = egui::Stroke::new(3.0, color);
        if dashed {
            ui.painter()
                .extend(egui::Shape::dashed_line(&[from, to], stroke, 6.0, 4.0));
        } else {
            ui.painter().line_segment([from, to], stroke);
        }
        ui.painter().add(egui::Shape::convex_polygon(
            vec![
                rect.right_center(),
                to + vec2(0.0, -5.0),
                to + vec2(0.0, 5.0),
            ],
            color,
            egui::Stroke::NONE,
        ));
        ui.label(text);
    });
}
