//! Edits to a story, each one undoable: what changed, before and after.
//!
//! An edit changes the story's columns in place (see [`crate::model::store`]), so the map index,
//! the time index and search see it as soon as they are rebuilt from the new revision. Beside the
//! columns, [`Origins`] remembers which feature of the file each row came from and how it was
//! when read: what a faithful save needs to write untouched features back as they were.

use std::collections::HashMap;

use super::{Chapter, Dataset, Feature, FeatureIndex, Source};

/// One change: a feature replaced, added or removed, or the list of sources replaced.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// `before: None` adds `after` at `index`; `after: None` removes the feature there.
    Feature {
        index: FeatureIndex,
        before: Option<Box<Feature>>,
        after: Option<Box<Feature>>,
        /// Where in the file the feature came from, kept while it is out of the story.
        origin: u32,
    },
    Sources {
        before: Vec<Source>,
        after: Vec<Source>,
    },
    /// The story's chapters, in their order.
    Chapters {
        before: Vec<Chapter>,
        after: Vec<Chapter>,
    },
}

impl Change {
    /// Replaces the feature at `index`.
    pub fn replace(index: FeatureIndex, before: Feature, after: Feature) -> Self {
        Self::Feature {
            index,
            before: Some(Box::new(before)),
            after: Some(Box::new(after)),
            origin: Origins::NEW,
        }
    }

    /// Adds `feature` at `index`.
    pub fn add(index: FeatureIndex, feature: Feature) -> Self {
        Self::Feature {
            index,
            before: None,
            after: Some(Box::new(feature)),
            origin: Origins::NEW,
        }
    }

    /// Removes `feature`, which is at `index`.
    pub fn remove(index: FeatureIndex, feature: Feature) -> Self {
        Self::Feature {
            index,
            before: Some(Box::new(feature)),
            after: None,
            origin: Origins::NEW,
        }
    }

    /// The same change the other way round.
    fn inverted(&mut self) {
        match self {
            Self::Feature { before, after, .. } => std::mem::swap(before, after),
            Self::Sources { before, after } => std::mem::swap(before, after),
            Self::Chapters { before, after } => std::mem::swap(before, after),
        }
    }

    fn apply(&mut self, dataset: &mut Dataset, origins: &mut Origins) {
        match self {
            Self::Feature {
                index,
                before,
                after,
                origin,
            } => match (before.as_deref(), after.as_deref()) {
                (Some(before), Some(after)) => {
                    origins.remember(index.0, before);
                    dataset.replace_feature(*index, after);
                }
                (None, Some(after)) => {
                    origins.inserted(index.0, *origin);
                    dataset.insert_feature(*index, after);
                }
                (Some(before), None) => {
                    origins.remember(index.0, before);
                    *origin = origins.removed(index.0);
                    dataset.remove_feature(*index);
                }
                (None, None) => {}
            },
            Self::Sources { before, after } => {
                origins.remember_sources(before);
                dataset.set_sources(after.clone());
            }
            Self::Chapters { before, after } => {
                origins.chapters.get_or_insert_with(|| before.clone());
                dataset.set_chapters(after.clone());
            }
        }
    }
}

/// Changes made together, undone together: "move Qaboun", "add movement Barzeh → Idlib".
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    /// What the edit did, in words, for the Edit menu ("Undo: move Qaboun").
    pub label: String,
    pub changes: Vec<Change>,
}

impl Edit {
    pub fn new(label: impl Into<String>, changes: Vec<Change>) -> Self {
        Self {
            label: label.into(),
            changes,
        }
    }

    pub fn apply(&mut self, dataset: &mut Dataset, origins: &mut Origins) {
        for change in &mut self.changes {
            change.apply(dataset, origins);
        }
    }

    pub fn revert(&mut self, dataset: &mut Dataset, origins: &mut Origins) {
        for change in self.changes.iter_mut().rev() {
            change.inverted();
            change.apply(dataset, origins);
            change.inverted();
        }
    }

    /// The features the edit leaves changed or added, where they are after it.
    pub fn touched(&self) -> impl Iterator<Item = FeatureIndex> + '_ {
        self.changes.iter().filter_map(|change| match change {
            Change::Feature {
                index,
                after: Some(_),
                ..
            } => Some(*index),
            _ => None,
        })
    }
}

/// Every edit made, to undo and redo, and which of them the file on disk has.
#[derive(Debug, Default)]
pub struct History {
    done: Vec<Edit>,
    undone: Vec<Edit>,
    /// How many edits were done when the story was last saved (or read); `None` when that
    /// state can no longer be reached by undo and redo.
    saved_at: Option<usize>,
}

impl History {
    pub fn new() -> Self {
        Self {
            saved_at: Some(0),
            ..Self::default()
        }
    }

    /// Applies `edit` and keeps it for undo; what was undone can no longer be redone.
    pub fn perform(&mut self, mut edit: Edit, dataset: &mut Dataset, origins: &mut Origins) {
        edit.apply(dataset, origins);
        if self.saved_at.is_some_and(|at| at > self.done.len()) {
            self.saved_at = None;
        }
        self.undone.clear();
        self.done.push(edit);
    }

    /// Undoes the last edit; returns it.
    pub fn undo(&mut self, dataset: &mut Dataset, origins: &mut Origins) -> Option<&Edit> {
        let mut edit = self.done.pop()?;
        edit.revert(dataset, origins);
        self.undone.push(edit);
        self.undone.last()
    }

    /// Does again the last edit undone; returns it.
    pub fn redo(&mut self, dataset: &mut Dataset, origins: &mut Origins) -> Option<&Edit> {
        let mut edit = self.undone.pop()?;
        edit.apply(dataset, origins);
        self.done.push(edit);
        self.done.last()
    }

    /// What Undo would undo ("move Qaboun").
    pub fn undo_label(&self) -> Option<&str> {
        self.done.last().map(|e| e.label.as_str())
    }

    pub fn redo_label(&self) -> Option<&str> {
        self.undone.last().map(|e| e.label.as_str())
    }

    /// The edits done, oldest first (what the recovery journal replays).
    pub fn done(&self) -> &[Edit] {
        &self.done
    }

    /// After a save: rows are numbered as in the new file, so what the edits remembered of
    /// where removed features were in the old one no longer applies (undone, they are new).
    pub fn forget_origins(&mut self) {
        for edit in self.done.iter_mut().chain(&mut self.undone) {
            for change in &mut edit.changes {
                if let Change::Feature { origin, .. } = change {
                    *origin = Origins::NEW;
                }
            }
        }
    }

    /// Whether the story differs from the file it was read from or last saved to.
    pub fn is_unsaved(&self) -> bool {
        self.saved_at != Some(self.done.len())
    }

    /// The story as it is now is the file's.
    pub fn mark_saved(&mut self) {
        self.saved_at = Some(self.done.len());
    }
}

/// Which feature of the file each row of the story came from, and how the changed ones were
/// when read: a save copies an untouched feature's text as it was, and merges a changed one's
/// new members into its old text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Origins {
    /// By row: the feature's place in the file's `features` array, or [`Self::NEW`].
    rows: Vec<u32>,
    /// Features as read, by their place in the file, for those changed or removed since.
    originals: HashMap<u32, Feature>,
    /// The list of sources as read, once it changed.
    sources: Option<Vec<Source>>,
    /// The chapters as read, once they changed.
    chapters: Option<Vec<Chapter>>,
    /// How many features the file had.
    read: usize,
}

impl Origins {
    /// A feature that was not in the file.
    pub const NEW: u32 = u32::MAX;

    /// The origins of a story read from a file of `features` features, in file order.
    pub fn read(features: usize) -> Self {
        Self {
            rows: (0..features as u32).collect(),
            read: features,
            ..Self::default()
        }
    }

    /// How many features the file had.
    pub fn features_read(&self) -> usize {
        self.read
    }

    /// Where row `index` came from in the file.
    pub fn origin(&self, index: usize) -> Option<usize> {
        match self.rows.get(index) {
            Some(&origin) if origin != Self::NEW => Some(origin as usize),
            _ => None,
        }
    }

    /// Feature `origin` of the file as read, when it was changed or removed since.
    pub fn original(&self, origin: usize) -> Option<&Feature> {
        self.originals.get(&(origin as u32))
    }

    /// The sources as read, when they changed since.
    pub fn original_sources(&self) -> Option<&[Source]> {
        self.sources.as_deref()
    }

    /// The chapters as read, when they changed since.
    pub fn original_chapters(&self) -> Option<&[Chapter]> {
        self.chapters.as_deref()
    }

    fn remember(&mut self, index: usize, before: &Feature) {
        if let Some(&origin) = self.rows.get(index)
            && origin != Self::NEW
        {
            self.originals
                .entry(origin)
                .or_insert_with(|| before.clone());
        }
    }

    fn remember_sources(&mut self, before: &[Source]) {
        self.sources.get_or_insert_with(|| before.to_vec());
    }

    fn inserted(&mut self, index: usize, origin: u32) {
        let index = index.min(self.rows.len());
        self.rows.insert(index, origin);
    }

    fn removed(&mut self, index: usize) -> u32 {
        if index < self.rows.len() {
            self.rows.remove(index)
        } else {
            Self::NEW
        }
    }
}

/// Changes in place: what an [`Edit`] does to the columns.
impl Dataset {
    /// Puts `feature` where feature `index` is.
    pub fn replace_feature(&mut self, index: FeatureIndex, feature: &Feature) {
        let same_id = self.get(index).is_some_and(|old| {
            old.id() == feature.id() && super::ids::lookup_key(&self.store, index.0).is_some()
        }) && !matches!(feature, Feature::Generic(_));
        self.store.replace(index.0, feature);
        self.edited(!same_id);
    }

    /// Puts `feature` at `index`, the features from there on one further.
    pub fn insert_feature(&mut self, index: FeatureIndex, feature: &Feature) {
        self.store.insert(index.0, feature);
        self.edited(true);
    }

    /// Takes feature `index` out, the features after it one closer.
    pub fn remove_feature(&mut self, index: FeatureIndex) {
        self.store.remove(index.0);
        self.edited(true);
    }

    /// Replaces the story's chapters.
    pub fn set_chapters(&mut self, chapters: Vec<Chapter>) {
        self.meta.chapters = chapters;
        self.revision += 1;
    }

    /// Replaces the story's list of sources.
    pub fn set_sources(&mut self, sources: Vec<Source>) {
        self.meta.sources = sources;
        self.revision += 1;
    }

    /// After an edit: the ids found again where they may have moved, and a new revision.
    fn edited(&mut self, ids_moved: bool) {
        if ids_moved {
            self.by_id = super::ids::IdIndex::of(&self.store);
        }
        self.revision += 1;
    }
}

#[cfg(test)]
mod tests;
