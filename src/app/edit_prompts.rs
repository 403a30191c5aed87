//! The windows of edit mode: the edit bar, the open form, Save as, and the questions that keep
//! unsaved edits from being lost (restore after a crash, save before closing or opening,
//! the file changed on disk).

use egui::{Align2, RichText, Ui, vec2};

use super::EvacApp;
use super::editing::Pending;
use crate::command::{Command, EditCommand, ExternalChoice, UnsavedChoice};

impl EvacApp {
    /// The bar under the top bar while editing (or while an edit message stands).
    pub(super) fn edit_bar_ui(&mut self, ui: &mut Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        ui.horizontal_wrapped(|ui| {
            if self.edit.mode {
                ui.label(RichText::new("Editing").strong());
                ui.label(
                    RichText::new(
                        "Click the map to add a place · drag a place to move it · Shift+drag from \
                         one place to another to record a movement · click a feature to edit it",
                    )
                    .weak(),
                );
                let history = self.edit.session.as_ref().map(|s| &s.history);
                let undo = history.and_then(|h| h.undo_label());
                let redo = history.and_then(|h| h.redo_label());
                if ui
                    .add_enabled(undo.is_some(), egui::Button::new("Undo"))
                    .on_hover_text(
                        undo.map_or("Nothing to undo".into(), |l| format!("Undo: {l} (Ctrl+Z)")),
                    )
                    .clicked()
                {
                    commands.push(Command::Edit(EditCommand::Undo));
                }
                if ui
                    .add_enabled(redo.is_some(), egui::Button::new("Redo"))
                    .on_hover_text(redo.map_or("Nothing to redo".into(), |l| {
                        format!("Redo: {l} (Ctrl+Shift+Z)")
                    }))
                    .clicked()
                {
                    commands.push(Command::Edit(EditCommand::Redo));
                }
                if ui
                    .button("Save")
                    .on_hover_text("Save the story (Ctrl+S)")
                    .clicked()
                {
                    commands.push(Command::Edit(EditCommand::Save));
                }
                if ui
                    .button("Stop editing")
                    .on_hover_text("The map is read-only again (E)")
                    .clicked()
                {
                    commands.push(Command::Edit(EditCommand::ToggleMode));
                }
            }
            if let Some(journal) = self
                .edit
                .session
                .as_ref()
                .and_then(|s| s.journal_error.clone())
            {
                ui.label(RichText::new(journal).color(ui.visuals().warn_fg_color));
            }
            if let Some((message, is_error)) = &self.edit.message {
                let colour = if *is_error {
                    ui.visuals().error_fg_color
                } else {
                    ui.visuals().text_color()
                };
                ui.label(RichText::new(message).color(colour));
                if ui
                    .small_button("✕")
                    .on_hover_text("Dismiss")
                    .accessible_name("Dismiss")
                    .clicked()
                {
                    self.edit.message = None;
                }
            }
        });
        commands
    }

    /// The form, Save as, and the questions about unsaved edits.
    pub(super) fn edit_windows(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let mut commands = Vec::new();
        if let Some(form) = &mut self.edit.form {
            let just_opened = std::mem::take(&mut self.edit.form_opened);
            commands.extend(crate::ui::edit::edit_form_ui(
                ctx,
                form,
                &self.story.dataset,
                just_opened,
            ));
        }
        commands.extend(self.save_as_ui(ctx));
        commands.extend(self.recovery_ui(ctx));
        commands.extend(self.unsaved_ui(ctx));
        commands.extend(self.changed_on_disk_ui(ctx));
        commands.extend(self.conflicts_ui(ctx));
        commands
    }

    fn save_as_ui(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let mut commands = Vec::new();
        let Some(path) = &mut self.edit.save_as else {
            return commands;
        };
        let mut open = true;
        egui::Window::new("Save as")
            .open(&mut open)
            .collapsible(false)
            .anchor(Align2::CENTER_CENTER, vec2(0.0, 0.0))
            .show(ctx, |ui| {
                let label = ui.label("Save the story to (a .geojson file):");
                let field = ui
                    .add(egui::TextEdit::singleline(path).desired_width(420.0))
                    .labelled_by(label.id);
                let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.horizontal(|ui| {
                    let ready = !path.trim().is_empty();
                    if ui.add_enabled(ready, egui::Button::new("Save")).clicked()
                        || (entered && ready)
                    {
                        commands.push(Command::Edit(EditCommand::SaveAs(path.trim().into())));
                    }
                    if ui.button("Cancel").clicked() {
                        commands.push(Command::Edit(EditCommand::ToggleSaveAs));
                    }
                });
            });
        if !open {
            commands.push(Command::Edit(EditCommand::ToggleSaveAs));
        }
        commands
    }

    fn recovery_ui(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let mut commands = Vec::new();
        let Some(recovery) = &self.edit.recovery else {
            return commands;
        };
        egui::Window::new("Unsaved edits from the last session")
            .collapsible(false)
            .anchor(Align2::CENTER_CENTER, vec2(0.0, 0.0))
            .show(ctx, |ui| {
                ui.label(format!(
                    "evacmap stopped before these edits to {} were saved:",
                    self.story.name
                ));
                egui::ScrollArea::vertical()
                    .max_height(240.0)
                    .show(ui, |ui| {
                        for label in recovery.labels() {
                            ui.label(format!("• {label}"));
                        }
                    });
                if recovery.file_changed {
                    ui.label(
                        RichText::new(
                            "The file changed since: edits that no longer fit it are not restored.",
                        )
                        .color(ui.visuals().warn_fg_color),
                    );
                }
                ui.horizontal(|ui| {
                    if ui.button("Restore the edits").clicked() {
                        commands.push(Command::Edit(EditCommand::RestoreEdits(true)));
                    }
                    if ui.button("Discard them").clicked() {
                        commands.push(Command::Edit(EditCommand::RestoreEdits(false)));
                    }
                });
            });
        commands
    }

    fn unsaved_ui(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let mut commands = Vec::new();
        let Some(pending) = &self.edit.pending else {
            return commands;
        };
        let then = match pending {
            Pending::Close => "before closing".to_owned(),
            Pending::Open(path) => format!("before opening {}", path.display()),
        };
        egui::Window::new("Unsaved edits")
            .collapsible(false)
            .anchor(Align2::CENTER_CENTER, vec2(0.0, 0.0))
            .show(ctx, |ui| {
                ui.label(format!("Save the edits to {} {then}?", self.story.name));
                ui.horizontal(|ui| {
                    if ui.button("Save").clicked() {
                        commands.push(Command::ResolveUnsaved(UnsavedChoice::Save));
                    }
                    if ui.button("Don't save").clicked() {
                        commands.push(Command::ResolveUnsaved(UnsavedChoice::Discard));
                    }
                    if ui.button("Cancel").clicked() {
                        commands.push(Command::ResolveUnsaved(UnsavedChoice::Cancel));
                    }
                });
            });
        commands
    }

    fn changed_on_disk_ui(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let mut commands = Vec::new();
        if !self.edit.changed_on_disk {
            return commands;
        }
        egui::Window::new("The file changed on disk")
            .collapsible(false)
            .anchor(Align2::CENTER_CENTER, vec2(0.0, 0.0))
            .show(ctx, |ui| {
                ui.label(format!(
                    "{} was changed by another program while you had unsaved edits. Neither \
                     version is overwritten until you choose.",
                    self.story.name
                ));
                ui.horizontal(|ui| {
                    if ui.button("Reload it (your edits go)").clicked() {
                        commands.push(Command::ResolveExternalChange(ExternalChoice::Reload));
                    }
                    if ui.button("Keep mine (Save as…)").clicked() {
                        commands.push(Command::ResolveExternalChange(ExternalChoice::KeepMine));
                    }
                    if ui.button("Compare").clicked() {
                        commands.push(Command::ResolveExternalChange(ExternalChoice::Compare));
                    }
                });
                if let Some(lines) = &self.edit.comparison {
                    ui.separator();
                    egui::ScrollArea::vertical()
                        .max_height(240.0)
                        .show(ui, |ui| {
                            for line in lines {
                                ui.label(line);
                            }
                        });
                }
            });
        commands
    }

    /// Applies the answer about unsaved edits, or about the file changed on disk.
    pub(super) fn resolve(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::ResolveUnsaved(UnsavedChoice::Save) => {
                self.apply_edit(EditCommand::Save);
            }
            Command::ResolveUnsaved(UnsavedChoice::Discard) => {
                if matches!(self.edit.pending, Some(Pending::Close)) {
                    self.edit.may_close = true;
                    self.edit.pending = None;
                    self.end_session();
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                } else {
                    self.continue_pending();
                }
            }
            Command::ResolveUnsaved(_) => self.edit.pending = None,
            Command::ResolveExternalChange(ExternalChoice::Reload) => {
                self.end_session();
                if let Some(path) = self.story.path.clone() {
                    self.reload_layer(&path);
                }
            }
            Command::ResolveExternalChange(ExternalChoice::KeepMine) => {
                self.edit.changed_on_disk = false;
                self.edit.save_as = Some(String::new());
            }
            Command::ResolveExternalChange(ExternalChoice::Compare) => {
                self.edit.comparison = Some(self.compare_with_disk());
            }
            _ => {}
        }
        if self.edit.may_close
            && self.edit.pending.is_none()
            && matches!(command, Command::ResolveUnsaved(UnsavedChoice::Save))
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// A close with unsaved edits waits for the answer to "save them first?".
    pub(super) fn keep_unsaved_edits_on_close(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested())
            && self.has_unsaved_edits()
            && !self.edit.may_close
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.edit.pending = Some(Pending::Close);
        }
    }

    /// The window's title: the story's file, marked while it has unsaved edits.
    pub(super) fn update_title(&mut self, ctx: &egui::Context) {
        let mark = if self.has_unsaved_edits() { "● " } else { "" };
        let title = format!("{mark}{} — evacmap", self.story.name);
        if title != self.edit.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.edit.title = title;
        }
    }

    /// The window's title as last set.
    pub fn window_title(&self) -> &str {
        &self.edit.title
    }

    /// What differs between the file on disk and the story edited, one line a feature.
    fn compare_with_disk(&self) -> Vec<String> {
        let Some(path) = &self.story.path else {
            return Vec::new();
        };
        let disk = match crate::open::load(path) {
            Ok(loaded) => loaded.dataset,
            Err(error) => return error.problems(),
        };
        let mine = &self.story.dataset;
        let mut lines = Vec::new();
        for feature in disk.features() {
            match mine.by_id(feature.id()) {
                None => lines.push(format!("only on disk: {}", disk.display_name(&feature))),
                Some(other) if other != feature => {
                    lines.push(format!("different: {}", disk.display_name(&feature)));
                }
                Some(_) => {}
            }
        }
        for feature in mine.features() {
            if disk.by_id(feature.id()).is_none() {
                lines.push(format!(
                    "only in your edits: {}",
                    mine.display_name(&feature)
                ));
            }
        }
        if lines.is_empty() {
            lines.push("The features are the same; the file differs only in its form.".into());
        }
        lines
    }
}
