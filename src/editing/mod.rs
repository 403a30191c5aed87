//! Editing a story: the edits made and undone, where the story was read from (for a faithful
//! save), and the recovery journal that keeps every edit safe until it is saved.
//!
//! No drawing here: the forms are in `ui::edit`, the app applies what they return.

pub mod database;
pub mod journal;

use std::path::{Path, PathBuf};

use crate::io::SaveError;
use crate::io::save::{Original, SaveReport, save_story};
use crate::model::Dataset;
use crate::model::edit::{Edit, History, Origins};
use crate::postgis::write::{Conflict, WriteError};
use database::{StoredReport, StoredStory};
use journal::{Entry, Journal};

/// One story being edited.
#[derive(Debug)]
pub struct EditSession {
    pub history: History,
    origins: Origins,
    /// The text the story was read from: what a save copies untouched features from.
    original: Option<Original>,
    /// Where Save writes; `None` for the bundled story (Save asks where).
    path: Option<PathBuf>,
    /// Where the journal is kept; `None`: no journal (a story from standard input).
    journal_dir: Option<PathBuf>,
    journal: Option<Journal>,
    /// Why the journal could not be written, once: shown to the user.
    pub journal_error: Option<String>,
    /// For a story opened from a database: its rows there, where Save writes.
    stored: Option<StoredStory>,
}

/// Why edits were not saved to the database; they are all kept.
#[derive(Debug, thiserror::Error)]
pub enum StoredSaveError {
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Write(#[from] WriteError),
}

impl EditSession {
    /// Editing `dataset`, read from `original` (at `path`), with a journal in `journal_dir`.
    pub fn new(
        dataset: &Dataset,
        original: Option<Original>,
        path: Option<PathBuf>,
        journal_dir: Option<PathBuf>,
    ) -> Self {
        Self {
            history: History::new(),
            origins: Origins::read(dataset.len()),
            original,
            path,
            journal_dir,
            journal: None,
            journal_error: None,
            stored: None,
        }
    }

    /// Editing a story opened from a database: Save writes its changed rows back there.
    pub fn with_stored(mut self, stored: StoredStory) -> Self {
        self.stored = Some(stored);
        self
    }

    /// The story's rows in a database, when it was opened from one.
    pub fn stored(&self) -> Option<&StoredStory> {
        self.stored.as_ref()
    }

    /// Writes the edits back to the database the story was opened from, in one transaction
    /// that changes a row only while it has the version read. On a conflict or a failure,
    /// nothing is written and every edit stays.
    pub fn save_to_database(&mut self, dataset: &Dataset) -> Result<StoredReport, StoredSaveError> {
        let Some(stored) = self.stored.as_mut() else {
            return Err(StoredSaveError::Refused(
                "the story was not opened from a database".into(),
            ));
        };
        let (writes, sources) = stored
            .writes(dataset, &self.origins)
            .map_err(StoredSaveError::Refused)?;
        let report = stored.write(dataset, &self.origins, &writes, sources.as_ref())?;
        self.origins = Origins::read(dataset.len());
        self.history.forget_origins();
        self.history.mark_saved();
        Ok(report)
    }

    /// Keeps our version of a conflicting row: the next save writes over theirs.
    pub fn keep_mine(&mut self, conflict: &Conflict) -> Option<String> {
        self.stored.as_mut()?.keep_mine(conflict);
        Some(format!("kept your version of {}", conflict.row))
    }

    /// Keeps their version of a conflicting row, as an undoable edit; returns its label.
    pub fn take_theirs(&mut self, conflict: &Conflict, dataset: &mut Dataset) -> Option<String> {
        let edit = self.stored.as_mut()?.take_theirs(conflict, dataset)?;
        let label = edit.label.clone();
        self.perform(edit, dataset);
        Some(label)
    }

    /// Where Save writes.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn is_unsaved(&self) -> bool {
        self.history.is_unsaved()
    }

    /// Makes `edit` and notes it in the journal.
    pub fn perform(&mut self, edit: Edit, dataset: &mut Dataset) {
        self.history.perform(edit, dataset, &mut self.origins);
        if let Some(done) = self.history.done().last().cloned() {
            self.note(&Entry::Edit(done));
        }
    }

    /// Undoes the last edit; returns what it did.
    pub fn undo(&mut self, dataset: &mut Dataset) -> Option<String> {
        let label = self.history.undo(dataset, &mut self.origins)?.label.clone();
        self.note(&Entry::Undo);
        Some(label)
    }

    pub fn redo(&mut self, dataset: &mut Dataset) -> Option<String> {
        let label = self.history.redo(dataset, &mut self.origins)?.label.clone();
        self.note(&Entry::Redo);
        Some(label)
    }

    /// Saves to `target` (Save as) or where the story is. The edits stay for undo; the file
    /// saved becomes the one untouched features are copied from.
    pub fn save(&mut self, dataset: &Dataset, target: &Path) -> Result<SaveReport, SaveError> {
        let read_from = self.original.as_ref().map(|o| (o, &self.origins));
        let report = match save_story(target, dataset, read_from) {
            // The file read changed meanwhile: another file gets the story written evacmap's
            // way (what other tools wrote there cannot be copied); the changed file itself is
            // never written over.
            Err(SaveError::ChangedOnDisk { .. }) if self.path.as_deref() != Some(target) => {
                save_story(target, dataset, None)?
            }
            result => result?,
        };
        self.original = Original::file(target).ok();
        self.origins = Origins::read(dataset.len());
        self.history.forget_origins();
        self.history.mark_saved();
        self.discard_journal();
        self.path = Some(target.to_owned());
        Ok(report)
    }

    /// The journal goes: the edits are saved, or let go.
    pub fn discard_journal(&mut self) {
        if let Some(journal) = self.journal.take() {
            journal.remove();
        } else if let Some(dir) = &self.journal_dir {
            // A journal left by an earlier session of this story: its edits were let go.
            let stale = journal::location(dir, self.path.as_deref());
            if stale.exists()
                && let Err(e) = std::fs::remove_file(&stale)
            {
                log::warn!("the journal {} stays: {e}", stale.display());
            }
        }
    }

    /// Replays recovered edits onto the story as read. Stops at the first edit that does not
    /// fit the story (the file changed since it was made): the edits before it stay.
    pub fn restore(&mut self, entries: Vec<Entry>, dataset: &mut Dataset) -> Result<(), String> {
        for entry in entries {
            match entry {
                Entry::Edit(edit) => {
                    if !journal::fits(&edit, dataset) {
                        return Err(format!(
                            "“{}” no longer fits the file, which changed since; the edits before \
                             it were restored",
                            edit.label
                        ));
                    }
                    self.perform(edit, dataset);
                }
                Entry::Undo => {
                    self.undo(dataset);
                }
                Entry::Redo => {
                    self.redo(dataset);
                }
            }
        }
        Ok(())
    }

    /// Appends to the journal, starting it at the first edit.
    fn note(&mut self, entry: &Entry) {
        let Some(dir) = &self.journal_dir else {
            return;
        };
        if self.journal.is_none() {
            let stamp = match &self.original {
                Some(Original::File { stamp, .. }) => Some(*stamp),
                _ => None,
            };
            match Journal::start(dir, self.path.as_deref(), stamp) {
                Ok(journal) => self.journal = Some(journal),
                Err(e) => {
                    self.journal_error = Some(format!(
                        "unsaved edits cannot be kept safe in {}: {}",
                        dir.display(),
                        crate::io::describe_io_error(&e)
                    ));
                    return;
                }
            }
        }
        if let Some(journal) = &mut self.journal
            && let Err(e) = journal.record(entry)
        {
            self.journal_error = Some(format!(
                "unsaved edits cannot be kept safe: {}",
                crate::io::describe_io_error(&e)
            ));
        }
    }
}

/// Where journals are kept: the user's local data folder.
pub fn default_journal_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "evacmap", "evacmap")
        .map(|d| d.data_local_dir().join("journal"))
}

#[cfg(test)]
mod tests;
