//! Which column is what, for a CSV table of no kind evacmap knows: the date, the latitude and
//! longitude, the place name, the origin and destination, the count and the source, with the
//! first rows to see them by. The choice is remembered for tables with the same columns.

use std::path::PathBuf;

use egui::{Context, RichText};

use crate::command::Command;
use crate::import::columns::TableLayout;
use crate::import::columns::{ColumnMapping, Role};

/// How many characters of a cell the preview shows.
const PREVIEW_CHARS: usize = 24;

/// The dialog for one file.
pub struct ColumnsDialog {
    path: PathBuf,
    layout: TableLayout,
    mapping: ColumnMapping,
}

impl ColumnsDialog {
    /// The dialog for the table at `path`, starting from `mapping` (a guess, or the last choice).
    pub fn new(path: PathBuf, layout: TableLayout, mapping: ColumnMapping) -> Self {
        Self {
            path,
            layout,
            mapping,
        }
    }

    #[must_use = "the commands are for the app to apply"]
    pub fn ui(&mut self, ctx: &Context) -> Vec<Command> {
        let mut commands = Vec::new();
        let name = self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        egui::Window::new(format!("Columns of {name}"))
            .collapsible(false)
            .resizable(true)
            .default_width(520.0)
            .show(ctx, |ui| {
                ui.label(
                    "This table is of no kind evacmap knows. Say which column is what; the \
                     choice is kept for tables with the same columns.",
                );
                ui.add_space(6.0);
                egui::Grid::new("column roles")
                    .num_columns(2)
                    .spacing([12.0, 4.0])
                    .show(ui, |ui| {
                        for role in Role::ALL {
                            self.role_ui(ui, role);
                            ui.end_row();
                        }
                    });
                ui.add_space(6.0);
                ui.label(RichText::new("First rows").strong());
                egui::ScrollArea::horizontal()
                    .max_height(140.0)
                    .show(ui, |ui| self.preview_ui(ui));
                ui.add_space(6.0);
                let missing = self.mapping.missing();
                if let Some(missing) = missing {
                    ui.label(RichText::new(crate::model::capitalise(missing)).weak());
                }
                ui.horizontal(|ui| {
                    let open = ui.add_enabled(
                        missing.is_none(),
                        egui::Button::new("Open with these columns"),
                    );
                    if open.clicked() {
                        commands.push(Command::OpenWithColumns(
                            self.path.clone(),
                            self.layout.headers.clone(),
                            self.mapping.clone(),
                        ));
                    }
                    if ui.button("Cancel").clicked() {
                        commands.push(Command::CloseColumnsDialog);
                    }
                });
            });
        commands
    }

    fn role_ui(&mut self, ui: &mut egui::Ui, role: Role) {
        let label = ui.label(role.label());
        let mut chosen = self.mapping.get(role).map(str::to_owned);
        egui::ComboBox::from_id_salt(("column role", role.key()))
            .selected_text(chosen.clone().unwrap_or_else(|| "(none)".into()))
            .width(220.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut chosen, None, "(none)");
                for header in &self.layout.headers {
                    ui.selectable_value(&mut chosen, Some(header.clone()), header);
                }
            })
            .response
            .labelled_by(label.id);
        self.mapping.set(role, chosen);
    }

    fn preview_ui(&self, ui: &mut egui::Ui) {
        egui::Grid::new("columns preview")
            .striped(true)
            .show(ui, |ui| {
                for header in &self.layout.headers {
                    ui.label(RichText::new(cut(header)).strong());
                }
                ui.end_row();
                for row in &self.layout.rows {
                    for cell in row.iter().take(self.layout.headers.len()) {
                        ui.label(cut(cell));
                    }
                    ui.end_row();
                }
            });
    }
}

fn cut(text: &str) -> String {
    let text = text.trim().replace(['\n', '\r'], " ");
    if text.chars().count() <= PREVIEW_CHARS {
        return text;
    }
    let mut short: String = text.chars().take(PREVIEW_CHARS - 1).collect();
    short.push('…');
    short
}
