//! The open files as layers (shown or hidden, removed, each with its colour), the date property
//! a layer's time filter uses, and every layer's problems, each a click away from its item.

use egui::{Color32, RichText, Ui};

use crate::command::Command;
use crate::layers::{LAYER_COLOURS, LayerSet};

/// Problems listed before "and N more".
const MAX_PROBLEMS_LISTED: usize = 200;

/// What the panel shows.
pub struct FilesInput<'a> {
    pub layers: &'a LayerSet,
}

#[must_use = "the commands are for the app to apply"]
pub fn files_ui(ui: &mut Ui, input: &FilesInput) -> Vec<Command> {
    let mut commands = Vec::new();
    let layers = input.layers.layers();
    if layers.is_empty() {
        return commands;
    }
    egui::CollapsingHeader::new(format!("Layers ({})", layers.len()))
        .id_salt("file layers")
        .default_open(true)
        .show(ui, |ui| {
            for (index, layer) in layers.iter().enumerate() {
                ui.horizontal(|ui| {
                    let [r, g, b] = LAYER_COLOURS[layer.colour];
                    let (swatch, _) =
                        ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                    ui.painter()
                        .rect_filled(swatch, 2.0, Color32::from_rgb(r, g, b));
                    let mut visible = layer.visible;
                    let toggle = ui.checkbox(&mut visible, "");
                    toggle.widget_info(|| {
                        egui::WidgetInfo::selected(
                            egui::Role::CheckBox,
                            true,
                            visible,
                            format!("Show {}", layer.name),
                        )
                    });
                    if toggle.changed() {
                        commands.push(Command::SetLayerVisible(index, visible));
                    }
                    let remove = ui.small_button("✕").on_hover_text("Remove this layer");
                    remove.widget_info(|| {
                        egui::WidgetInfo::labeled(
                            egui::Role::Button,
                            true,
                            format!("Remove {}", layer.name),
                        )
                    });
                    if remove.clicked() {
                        commands.push(Command::RemoveLayer(index));
                    }
                    let mut name = RichText::new(&layer.name);
                    if layer.failure.is_some() {
                        name = name.color(ui.visuals().error_fg_color);
                    }
                    // Cut to the panel's width rather than widening it.
                    ui.add(egui::Label::new(name).truncate()).on_hover_text(
                        layer
                            .path
                            .as_ref()
                            .map_or("the bundled story".into(), |p| p.display().to_string()),
                    );
                });
                if !layer.date_properties.is_empty() {
                    commands.extend(date_property_ui(ui, index, layer));
                }
            }
        });
    let problems = input.layers.problems();
    if !problems.is_empty() {
        let errors = problems.iter().filter(|p| p.is_error).count();
        let title = match errors {
            0 => format!("Problems ({})", problems.len()),
            n => format!("Problems ({}, {n} failed to reload)", problems.len()),
        };
        egui::CollapsingHeader::new(title)
            .id_salt("layer problems")
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("problem list")
                    .max_height(200.0)
                    .show(ui, |ui| {
                        for (n, problem) in problems.iter().take(MAX_PROBLEMS_LISTED).enumerate() {
                            let mut text = RichText::new(&problem.summary);
                            if problem.is_error {
                                text = text.color(ui.visuals().error_fg_color);
                            }
                            match problem.feature {
                                Some(feature) => {
                                    if ui.link(text).clicked() {
                                        commands.push(Command::Show(feature));
                                    }
                                }
                                None => {
                                    ui.add(egui::Label::new(text).wrap());
                                }
                            }
                            // The technical form (file, JSON path), as `evacmap check` prints it.
                            egui::CollapsingHeader::new(RichText::new("Details").small())
                                .id_salt(("problem details", n))
                                .show(ui, |ui| {
                                    ui.add(
                                        egui::Label::new(
                                            RichText::new(&problem.text).small().monospace(),
                                        )
                                        .wrap(),
                                    );
                                });
                        }
                        if problems.len() > MAX_PROBLEMS_LISTED {
                            ui.label(format!(
                                "and {} more (evacmap check lists them all)",
                                problems.len() - MAX_PROBLEMS_LISTED
                            ));
                        }
                    });
            });
    }
    commands
}

/// Which property a layer's features are dated by, when several look like dates.
fn date_property_ui(ui: &mut Ui, index: usize, layer: &crate::layers::Layer) -> Option<Command> {
    let mut chosen = layer.date_property.clone().unwrap_or_default();
    let before = chosen.clone();
    ui.horizontal(|ui| {
        let label = ui.label("Dates from");
        egui::ComboBox::from_id_salt(("date property", index))
            .selected_text(chosen.clone())
            .show_ui(ui, |ui| {
                for name in &layer.date_properties {
                    ui.selectable_value(&mut chosen, name.clone(), name);
                }
            })
            .response
            .labelled_by(label.id);
    });
    (chosen != before).then_some(Command::SetDateProperty(index, chosen))
}
