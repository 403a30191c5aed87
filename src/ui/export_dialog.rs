//! File → Export…: the map as it is on screen (or the whole story) to PNG, SVG, PDF, an
//! animation of playback, or the data shown as GeoJSON or CSV. The dialog only gathers the
//! choices; the app runs the export on a worker thread and reports back here.

use std::path::PathBuf;

use egui::{RichText, Ui};

use crate::command::Command;
use crate::export::{ExportRequest, Format, FrameText, MapView, PageSize, ViewChoice};
use crate::map::tiles::{CacheSettings, TileProvider};
use crate::map::toggles::DrawToggles;
use crate::model::DaySpan;

/// What the dialog remembers between openings.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportForm {
    pub format: Format,
    /// Where to write; the extension follows the format.
    pub path: String,
    /// Use the map's size on screen (else `width` × `height`).
    pub map_size: bool,
    pub width: f32,
    pub height: f32,
    pub scale: f32,
    pub title: String,
    pub subtitle: String,
    pub byline: String,
    pub legend: bool,
    /// The view on screen (else: fit what is shown).
    pub current_view: bool,
    /// In story mode: the chapter shown, its title and text in the frame.
    pub chapter: bool,
}

impl Default for ExportForm {
    fn default() -> Self {
        let folder = directories::UserDirs::new()
            .and_then(|dirs| dirs.picture_dir().map(|p| p.to_path_buf()))
            .unwrap_or_else(|| PathBuf::from("."));
        Self {
            format: Format::Png,
            path: folder.join("evacmap.png").display().to_string(),
            map_size: true,
            width: 1200.0,
            height: 800.0,
            scale: 1.0,
            title: String::new(),
            subtitle: String::new(),
            byline: String::new(),
            legend: true,
            current_view: true,
            chapter: true,
        }
    }
}

/// The window's state the export starts from.
pub struct ExportContext<'a> {
    pub range: DaySpan,
    pub draw: DrawToggles,
    /// The view on screen and the map's size in points.
    pub view: Option<(MapView, egui::Vec2)>,
    pub tiles: &'a TileProvider,
    pub cache: &'a CacheSettings,
    /// An export under way: how far (0 to 1).
    pub running: Option<f32>,
    /// What the last export did.
    pub message: Option<&'a str>,
    /// The story, and the chapter shown in story mode.
    pub chapter: Option<(&'a crate::model::Dataset, &'a crate::model::Chapter)>,
}

/// Builds the request the form describes.
pub fn request(form: &ExportForm, context: &ExportContext) -> ExportRequest {
    let mut request = ExportRequest::new(form.format, PathBuf::from(form.path.trim()));
    request.range = context.range;
    let on_screen = context.view.filter(|_| form.current_view);
    request.view = match on_screen {
        Some((view, _)) => ViewChoice::Exact(view),
        None => ViewChoice::Fit,
    };
    request.size = match context.view {
        Some((_, size)) if form.map_size => PageSize::map(size.x.round(), size.y.round()),
        _ => PageSize::points(form.width, form.height),
    };
    request.scale = form.scale;
    let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    request.frame = FrameText {
        title: text(&form.title),
        subtitle: text(&form.subtitle),
        byline: text(&form.byline),
        legend: form.legend,
        date_stamp: false,
        more_sources: Vec::new(),
    };
    request.draw = context.draw;
    request.draw.tiles = context.draw.tiles && !matches!(context.tiles, TileProvider::Offline);
    request.tiles = if request.draw.tiles {
        context.tiles.clone()
    } else {
        TileProvider::Offline
    };
    request.cache = context.cache.clone();
    match context.chapter.filter(|_| form.chapter) {
        Some((dataset, chapter)) => crate::export::chapter::for_chapter(dataset, &request, chapter),
        None => request,
    }
}

/// The dialog's contents.
#[must_use = "the commands are for the app to apply"]
pub fn export_ui(ui: &mut Ui, form: &mut ExportForm, context: &ExportContext) -> Vec<Command> {
    let mut commands = Vec::new();
    egui::Grid::new("export form")
        .num_columns(2)
        .spacing([8.0, 6.0])
        .show(ui, |ui| {
            let label = ui.label("Format");
            let before = form.format;
            egui::ComboBox::from_id_salt("export format")
                .selected_text(form.format.label())
                .show_ui(ui, |ui| {
                    for format in Format::ALL {
                        ui.selectable_value(&mut form.format, format, format.label());
                    }
                })
                .response
                .labelled_by(label.id);
            if form.format != before {
                form.path = with_extension(&form.path, form.format);
            }
            ui.end_row();

            let label = ui.label("Save as");
            ui.add(egui::TextEdit::singleline(&mut form.path).desired_width(320.0))
                .labelled_by(label.id);
            ui.end_row();

            if let Some((_, chapter)) = context.chapter {
                ui.label("Chapter");
                ui.checkbox(
                    &mut form.chapter,
                    format!("“{}”, its title and text in the frame", chapter.title),
                );
                ui.end_row();
            }

            if !matches!(form.format, Format::GeoJson | Format::Csv) {
                ui.label("View");
                ui.horizontal(|ui| {
                    ui.radio_value(&mut form.current_view, true, "As on screen");
                    ui.radio_value(&mut form.current_view, false, "Fit what is shown");
                });
                ui.end_row();

                ui.label("Size");
                ui.horizontal(|ui| {
                    ui.checkbox(&mut form.map_size, "The map's size on screen");
                    ui.add_enabled_ui(!form.map_size, |ui| {
                        ui.add(
                            egui::DragValue::new(&mut form.width)
                                .range(100.0..=10_000.0)
                                .suffix(" w"),
                        );
                        ui.add(
                            egui::DragValue::new(&mut form.height)
                                .range(100.0..=10_000.0)
                                .suffix(" h"),
                        );
                    });
                });
                ui.end_row();

                if form.format != Format::Svg && form.format != Format::Pdf {
                    ui.label("Scale");
                    ui.horizontal(|ui| {
                        for scale in [1.0, 2.0, 3.0] {
                            ui.radio_value(&mut form.scale, scale, format!("{scale}×"));
                        }
                    });
                    ui.end_row();
                }

                let label = ui.label("Title");
                ui.text_edit_singleline(&mut form.title)
                    .labelled_by(label.id);
                ui.end_row();
                let label = ui.label("Subtitle");
                ui.text_edit_singleline(&mut form.subtitle)
                    .labelled_by(label.id);
                ui.end_row();
                let label = ui.label("Byline");
                ui.text_edit_singleline(&mut form.byline)
                    .labelled_by(label.id);
                ui.end_row();
                ui.label("");
                ui.checkbox(&mut form.legend, "Legend");
                ui.end_row();
            }
        });
    ui.label(
        RichText::new(
            "The footer names the sources of everything shown, the dates shown and the map's \
             attribution.",
        )
        .small()
        .weak(),
    );
    ui.separator();
    match context.running {
        Some(fraction) => {
            ui.horizontal(|ui| {
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .show_percentage()
                        .desired_width(220.0),
                );
                if ui.button("Cancel").clicked() {
                    commands.push(Command::CancelExport);
                }
            });
        }
        None => {
            ui.horizontal(|ui| {
                let ready = !form.path.trim().is_empty();
                if ui.add_enabled(ready, egui::Button::new("Export")).clicked() {
                    commands.push(Command::Export(Box::new(request(form, context))));
                }
                if ui.button("Close").clicked() {
                    commands.push(Command::ToggleExport);
                }
            });
        }
    }
    if let Some(message) = context.message {
        ui.label(message);
    }
    commands
}

/// `path` with the extension of `format` (a folder name for frames).
fn with_extension(path: &str, format: Format) -> String {
    let path = PathBuf::from(path.trim());
    let stem = path.with_extension("");
    match format {
        Format::Frames => format!("{}-frames", stem.display()),
        other => stem.with_extension(other.extension()).display().to_string(),
    }
}
