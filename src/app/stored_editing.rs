//! Editing a story opened from a database: Save writes the rows changed back there (nothing
//! is written over a row someone else changed meanwhile), conflicts are shown with both
//! versions for the user to choose, and a failed save keeps every edit and says why.

use egui::{Align2, vec2};

use super::EvacApp;
use crate::command::{Command, EditCommand};
use crate::editing::StoredSaveError;
use crate::editing::database::{StoredStory, describe, describe_theirs};
use crate::postgis::write::{Version, WriteError};

impl EvacApp {
    /// The rows of the story shown, when it is one layer opened from a database.
    pub(super) fn stored_story(&self) -> Option<StoredStory> {
        let [layer] = self.layer_set.layers() else {
            return None;
        };
        let address = layer.path.as_ref()?.to_str()?;
        let stored = layer.stored.as_ref()?;
        Some(StoredStory::new(address, stored))
    }

    /// Whether the edits are of a story in a database.
    pub(super) fn is_editing_stored(&self) -> bool {
        self.edit
            .session
            .as_ref()
            .is_some_and(|s| s.stored().is_some())
    }

    /// Save as, for a story in a database: a copy of what is shown goes to a file; the
    /// edits stay to be saved to the database.
    pub(super) fn save_copy(&mut self, path: &std::path::Path) {
        match crate::io::save_story(path, &self.story.dataset, None) {
            Ok(_) => {
                self.edit.save_as = None;
                self.edit.message = Some((
                    format!(
                        "Saved a copy of what is shown to {}; the story stays in the database",
                        path.display()
                    ),
                    false,
                ));
            }
            Err(error) => {
                self.edit.message = Some((format!("{error}. Nothing was written."), true));
            }
        }
    }

    /// Why the database layer shown cannot be edited, if it cannot.
    pub(super) fn why_stored_not_editable(&self, name: &str) -> Option<String> {
        let layer = self.layer_set.layers().first()?;
        match &layer.stored {
            None => Some(format!(
                "{name} is a story in a database whose rows could not be told apart: pull it \
                 into a file (evacmap pull) to edit it there"
            )),
            Some(stored) if !stored.writable => Some(format!(
                "the story {} in the database is read-only for the database user {}: you can \
                 view it; editing needs a user with the right to write",
                stored.story, stored.user
            )),
            Some(_) => None,
        }
    }

    /// Writes the edits back to the database.
    pub(super) fn save_to_database(&mut self) {
        let Some(session) = self.edit.session.as_mut() else {
            return;
        };
        match session.save_to_database(&self.story.dataset) {
            Ok(report) => {
                self.edit.conflicts = None;
                let mut text = format!(
                    "Saved to the database: {} written, {} removed",
                    crate::model::plural(report.written, "feature"),
                    report.removed
                );
                if report.sources {
                    text.push_str(", the sources updated");
                }
                self.edit.message = Some((text, false));
                if self.edit.database_changed_by.take().is_some()
                    && let Some(path) = self.layer_set.layers().first().and_then(|l| l.path.clone())
                    && !self.queued_reloads.contains(&path)
                {
                    // Others' changes, held back while we had edits, come in now.
                    self.queued_reloads.push(path);
                }
                self.continue_pending();
            }
            Err(StoredSaveError::Write(WriteError::Conflicts(conflicts))) => {
                self.edit.message = Some((
                    format!(
                        "{}. Your edits are kept: choose for each whose version stays, then save \
                         again.",
                        WriteError::Conflicts(conflicts.clone())
                    ),
                    true,
                ));
                self.edit.conflicts = Some(conflicts);
                self.edit.conflicts_opened = true;
            }
            Err(error) => {
                self.edit.message = Some((
                    format!("Not saved: {error}. Your edits are kept; the database is as it was."),
                    true,
                ));
            }
        }
    }

    /// Applies the user's choice for conflict `index`: keep theirs or ours.
    pub(super) fn resolve_conflict(&mut self, index: usize, keep_mine: bool) {
        let Some(conflict) = self
            .edit
            .conflicts
            .as_ref()
            .and_then(|c| c.get(index))
            .cloned()
        else {
            return;
        };
        let done = if keep_mine {
            self.edit
                .session
                .as_mut()
                .and_then(|s| s.keep_mine(&conflict))
        } else {
            let taken = self
                .change_story(|session, dataset| session.take_theirs(&conflict, dataset))
                .flatten();
            self.refresh_open_form();
            taken
        };
        if let Some(conflicts) = &mut self.edit.conflicts {
            conflicts.remove(index);
            if conflicts.is_empty() {
                self.edit.conflicts = None;
            }
        }
        let left = self.edit.conflicts.as_ref().map_or(0, Vec::len);
        let next = if left == 0 {
            "save again (Ctrl+S) to write your edits".to_owned()
        } else {
            format!("{} still to choose", crate::model::plural(left, "conflict"))
        };
        self.edit.message = done.map(|d| (format!("Done: {d}; {next}."), false));
    }

    /// The conflicts of the last save, each with both versions and the two choices.
    pub(super) fn conflicts_ui(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let mut commands = Vec::new();
        let Some(conflicts) = &self.edit.conflicts else {
            return commands;
        };
        let dataset = &self.story.dataset;
        let mut focus_first = std::mem::take(&mut self.edit.conflicts_opened);
        egui::Window::new("Conflicts with the database")
            .collapsible(false)
            .anchor(Align2::CENTER_CENTER, vec2(0.0, 0.0))
            .show(ctx, |ui| {
                ui.label(
                    "Others changed these in the database since you read them. Nothing was \
                     written; choose whose version stays.",
                );
                egui::ScrollArea::vertical()
                    .max_height(360.0)
                    .show(ui, |ui| {
                        for (index, conflict) in conflicts.iter().enumerate() {
                            ui.separator();
                            let kind = [&conflict.mine, &conflict.theirs].into_iter().find_map(
                                |version| match version {
                                    Some(Version::Feature(f)) => Some(f.kind().as_str()),
                                    Some(Version::Source(_)) => Some("source"),
                                    None => None,
                                },
                            );
                            let row = conflict
                                .row
                                .strip_prefix("source:")
                                .unwrap_or(&conflict.row);
                            ui.strong(format!("{} {row}", kind.unwrap_or("row")));
                            ui.label(format!(
                                "Yours: {}",
                                describe(conflict.mine.as_ref(), dataset)
                            ));
                            let by = match (&conflict.by, &conflict.at) {
                                (Some(by), Some(at)) => format!(
                                    " (by {by}, {})",
                                    at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S")
                                ),
                                (Some(by), None) => format!(" (by {by})"),
                                _ => String::new(),
                            };
                            ui.label(format!(
                                "Theirs{by}: {}",
                                describe_theirs(conflict, dataset)
                            ));
                            ui.horizontal(|ui| {
                                let mine = ui.button(format!("Keep mine: {}", conflict.row));
                                if std::mem::take(&mut focus_first) {
                                    mine.request_focus();
                                }
                                if mine.clicked() {
                                    commands.push(Command::Edit(EditCommand::ResolveConflict {
                                        index,
                                        keep_mine: true,
                                    }));
                                }
                                if ui
                                    .button(format!("Keep theirs: {}", conflict.row))
                                    .clicked()
                                {
                                    commands.push(Command::Edit(EditCommand::ResolveConflict {
                                        index,
                                        keep_mine: false,
                                    }));
                                }
                            });
                        }
                    });
            });
        commands
    }
}
