//! File → Open…: a dialog drawn by egui itself, so it works the same everywhere, without a
//! desktop portal, and in tests. Folders first, then the files evacmap reads; a click on a
//! folder opens it, a click on a file picks it, Open (or a double click) opens it as a layer.

use std::path::{Path, PathBuf};

use egui::{Context, RichText};

use crate::command::Command;

/// Endings of the files listed (others show with "All files").
const READABLE: [&str; 8] = [
    "geojson", "json", "geojsons", "geojsonl", "ndjson", "jsonl", "csv", "txt",
];

/// One entry of the folder shown.
struct Entry {
    name: String,
    is_folder: bool,
}

/// What the file picked is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Purpose {
    /// A story or table, opened as a layer.
    #[default]
    Layer,
    /// A gazetteer, added to those tables are placed with.
    Gazetteer,
}

/// The dialog's state; open while `open`.
#[derive(Default)]
pub struct OpenDialog {
    pub open: bool,
    pub purpose: Purpose,
    folder: PathBuf,
    /// The file name typed or picked (or a whole path).
    name: String,
    entries: Vec<Entry>,
    all_files: bool,
    error: Option<String>,
}

impl OpenDialog {
    /// Opens the dialog in `folder`.
    pub fn show_in(&mut self, folder: &Path) {
        self.show_for(folder, Purpose::Layer);
    }

    /// Opens the dialog in `folder` to pick a file for `purpose`.
    pub fn show_for(&mut self, folder: &Path, purpose: Purpose) {
        self.open = true;
        self.purpose = purpose;
        self.name.clear();
        self.enter(folder.to_path_buf());
    }

    pub fn folder(&self) -> &Path {
        &self.folder
    }

    fn enter(&mut self, folder: PathBuf) {
        self.folder = folder;
        self.error = None;
        self.entries.clear();
        let listing = match std::fs::read_dir(&self.folder) {
            Ok(listing) => listing,
            Err(e) => {
                self.error = Some(format!("cannot list {}: {e}", self.folder.display()));
                return;
            }
        };
        for entry in listing.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let is_folder = entry.file_type().is_ok_and(|t| t.is_dir());
            let readable = Path::new(&name)
                .extension()
                .is_some_and(|e| READABLE.contains(&e.to_string_lossy().to_lowercase().as_str()));
            if is_folder || readable || self.all_files {
                self.entries.push(Entry { name, is_folder });
            }
        }
        self.entries
            .sort_by_key(|e| (!e.is_folder, e.name.to_lowercase()));
    }

    /// The path the dialog would open.
    fn chosen(&self) -> PathBuf {
        let typed = Path::new(self.name.trim());
        // A web address (an OGC API – Features collection) is opened as it is.
        if crate::open::is_remote(self.name.trim()) || typed.is_absolute() {
            typed.to_path_buf()
        } else {
            self.folder.join(typed)
        }
    }

    /// Draws the dialog; gives `Open(path)` when a file is chosen.
    pub fn ui(&mut self, ctx: &Context) -> Option<Command> {
        if !self.open {
            return None;
        }
        let mut command = None;
        let mut open = self.open;
        let mut enter = None;
        let purpose = self.purpose;
        let pick = move |path: PathBuf| match purpose {
            Purpose::Layer => Command::Open(path),
            Purpose::Gazetteer => Command::AddGazetteer(path),
        };
        let (title, hint) = match purpose {
            Purpose::Layer => (
                "Open a file",
                "GeoJSON, GeoJSON sequences, ACLED exports, flow tables, HXL, IDMC and DTM tables \
                 (CSV); or type the web address of an OGC API – Features collection",
            ),
            Purpose::Gazetteer => (
                "Add a gazetteer",
                "A CSV of code, name, latitude, longitude, or GeoJSON admin areas with p-codes",
            ),
        };
        egui::Window::new(title)
            .open(&mut open)
            .collapsible(false)
            .default_width(460.0)
            .show(ctx, |ui| {
                ui.horizontal(|ui| {
                    if ui
                        .button("⬆ Up")
                        .on_hover_text("The folder above")
                        .clicked()
                    {
                        enter = self.folder.parent().map(Path::to_path_buf);
                    }
                    ui.label(RichText::new(self.folder.display().to_string()).monospace());
                });
                ui.label(RichText::new(hint).weak());
                egui::ScrollArea::vertical()
                    .id_salt("open dialog files")
                    .max_height(300.0)
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        for entry in &self.entries {
                            let text = if entry.is_folder {
                                format!("{}/", entry.name)
                            } else {
                                entry.name.clone()
                            };
                            let picked = !entry.is_folder && self.name == entry.name;
                            let response = ui.selectable_label(picked, text);
                            if response.clicked() {
                                if entry.is_folder {
                                    enter = Some(self.folder.join(&entry.name));
                                } else {
                                    self.name = entry.name.clone();
                                }
                            }
                            if response.double_clicked() && !entry.is_folder {
                                command = Some(pick(self.folder.join(&entry.name)));
                            }
                        }
                        if self.entries.is_empty() {
                            ui.label(RichText::new("No files evacmap reads here").weak());
                        }
                    });
                if let Some(error) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                }
                ui.horizontal(|ui| {
                    let label = ui.label("File name");
                    let field = ui
                        .add(egui::TextEdit::singleline(&mut self.name).desired_width(260.0))
                        .labelled_by(label.id);
                    let typed_enter =
                        field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    if ui.checkbox(&mut self.all_files, "All files").changed() {
                        enter = Some(self.folder.clone());
                    }
                    let can_open = !self.name.trim().is_empty();
                    if (ui
                        .add_enabled(
                            can_open,
                            egui::Button::new(match purpose {
                                Purpose::Layer => "Open",
                                Purpose::Gazetteer => "Add",
                            }),
                        )
                        .clicked()
                        || (typed_enter && can_open))
                        && command.is_none()
                    {
                        let chosen = self.chosen();
                        if chosen.is_dir() {
                            enter = Some(chosen);
                            self.name.clear();
                        } else {
                            command = Some(pick(chosen));
                        }
                    }
                });
            });
        if let Some(folder) = enter {
            self.enter(folder);
        }
        self.open = open && command.is_none();
        command
    }
}
