//! Edits of a story opened from a database: which rows they change (from what the edit
//! session remembers of each feature as read), written back in one transaction that changes
//! a row only while it has the version read. Conflicts are resolved by the user, row by row:
//! keep theirs (an undoable edit) or keep ours (the next save writes over theirs, knowingly).

use std::collections::{HashMap, HashSet};

use crate::io::remote::StoredRows;
use crate::model::edit::{Change, Edit, Origins};
use crate::model::{Dataset, Feature, FeatureIndex, Source};
use crate::postgis::write::{Conflict, Expected, RowWrite, SourcesWrite, Version, WriteError};

/// Where the story's rows are, and the version each had when read.
#[derive(Debug, Clone)]
pub struct StoredStory {
    /// The database's address as opened (it may carry a password: never shown).
    address: String,
    pub story: String,
    /// Each feature's row and version, by its place in what was read.
    rows: Vec<(String, i64)>,
    /// Rows whose conflict the user resolved by keeping theirs or ours: what to expect now.
    rebased: HashMap<String, Expected>,
    /// Sources the user chose to write over.
    overrule: Vec<String>,
    /// Their versions the user took, by row: such a row, unchanged since, is not written
    /// (that would say the saver changed it).
    taken: HashMap<String, Feature>,
    /// The server processes of our own saves: their notifications are not others' changes.
    own_backends: Vec<i32>,
}

/// What a save to the database did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReport {
    pub written: usize,
    pub removed: usize,
    pub sources: bool,
}

impl StoredStory {
    pub fn new(address: &str, stored: &StoredRows) -> Self {
        Self {
            address: address.to_owned(),
            story: stored.story.clone(),
            rows: stored.rows.clone(),
            rebased: HashMap::new(),
            overrule: Vec::new(),
            taken: HashMap::new(),
            own_backends: Vec::new(),
        }
    }

    /// Whether a notification from the server process `backend` was our own save.
    pub fn is_own(&self, backend: Option<i32>) -> bool {
        backend.is_some_and(|b| self.own_backends.contains(&b))
    }

    /// The row writes and source changes that take the database from the story as read to
    /// `dataset`. Chapters cannot be written back (a view of the story does not hold them).
    pub fn writes(
        &self,
        dataset: &Dataset,
        origins: &Origins,
    ) -> Result<(Vec<RowWrite>, Option<SourcesWrite>), String> {
        if origins.original_chapters().is_some() {
            return Err(
                "chapters of a story in a database are edited in a file pulled from it \
                        (evacmap pull), then pushed: undo the chapter edits to save the rest"
                    .into(),
            );
        }
        let mut writes = Vec::new();
        let mut kept = HashSet::new();
        for (index, feature) in dataset.features().enumerate() {
            let Some(origin) = origins.origin(index) else {
                let row = feature.id().to_owned();
                let expected = self.rebased.get(&row).copied().unwrap_or(Expected::Absent);
                writes.push(RowWrite::Put {
                    row,
                    expected,
                    feature: Box::new(feature),
                });
                continue;
            };
            kept.insert(origin);
            let Some(original) = origins.original(origin) else {
                continue;
            };
            let (row, version) = &self.rows[origin];
            if *original == feature && !self.rebased.contains_key(row) {
                // Changed and changed back.
                continue;
            }
            if self.taken.get(row) == Some(&feature) {
                // Their version, as the database has it.
                continue;
            }
            writes.push(RowWrite::Put {
                row: row.clone(),
                expected: self.expected(row, *version),
                feature: Box::new(feature),
            });
        }
        for origin in 0..origins.features_read() {
            if !kept.contains(&origin) {
                let (row, version) = &self.rows[origin];
                let version = match self.expected(row, *version) {
                    Expected::Version(v) => v,
                    // Removed by them too: nothing left to remove.
                    Expected::Absent => continue,
                };
                writes.push(RowWrite::Delete {
                    row: row.clone(),
                    version,
                });
            }
        }
        let sources = origins.original_sources().map(|before| SourcesWrite {
            before: before.to_vec(),
            after: dataset.meta.sources.clone(),
            overrule: self.overrule.clone(),
        });
        Ok((writes, sources))
    }

    fn expected(&self, row: &str, version: i64) -> Expected {
        self.rebased
            .get(row)
            .copied()
            .unwrap_or(Expected::Version(version))
    }

    /// Writes `writes` and `sources` (nothing at all when there is nothing to write); on
    /// success, the rows as they are now become the ones read, with their new versions.
    pub fn write(
        &mut self,
        dataset: &Dataset,
        origins: &Origins,
        writes: &[RowWrite],
        sources: Option<&SourcesWrite>,
    ) -> Result<StoredReport, WriteError> {
        let sources = sources.filter(|s| s.before != s.after);
        if writes.is_empty() && sources.is_none() {
            self.settle(dataset, origins, &HashMap::new());
            return Ok(StoredReport {
                written: 0,
                removed: 0,
                sources: false,
            });
        }
        let target = crate::postgis::Target::parse(&self.address)?;
        let written = crate::postgis::write::write(&target, &self.story, writes, sources)?;
        self.settle(dataset, origins, &written.versions);
        self.own_backends.push(written.backend);
        Ok(StoredReport {
            written: written.versions.len(),
            removed: written.removed,
            sources: sources.is_some(),
        })
    }

    /// After a save: each row's version now (written, taken from them, or as read).
    fn settle(&mut self, dataset: &Dataset, origins: &Origins, written: &HashMap<String, i64>) {
        let rows = (0..dataset.len())
            .map(|index| {
                let id = dataset.store().id(index);
                let version = written
                    .get(id)
                    .copied()
                    .or_else(|| match self.rebased.get(id) {
                        Some(Expected::Version(version)) => Some(*version),
                        _ => None,
                    });
                match version {
                    Some(version) => (id.to_owned(), version),
                    None => origins
                        .origin(index)
                        .map(|o| self.rows[o].clone())
                        .unwrap_or_else(|| (id.to_owned(), 1)),
                }
            })
            .collect();
        self.rows = rows;
        self.rebased.clear();
        self.overrule.clear();
        self.taken.clear();
    }

    /// Keeps ours: the next save writes over their version of the row.
    pub fn keep_mine(&mut self, conflict: &Conflict) {
        match conflict.row.strip_prefix("source:") {
            Some(source) => self.overrule.push(source.to_owned()),
            None => {
                let expected = conflict
                    .their_version
                    .map_or(Expected::Absent, Expected::Version);
                self.rebased.insert(conflict.row.clone(), expected);
            }
        }
    }

    /// Keeps theirs: the edit that puts their version in ours (undoable), and their version
    /// expected from now on.
    pub fn take_theirs(&mut self, conflict: &Conflict, dataset: &Dataset) -> Option<Edit> {
        let label = format!("take their version of {}", conflict.row);
        let change = match (&conflict.theirs, conflict.row.strip_prefix("source:")) {
            (theirs, Some(id)) => {
                let mut after: Vec<Source> = dataset.meta.sources.clone();
                let at = after.iter().position(|s| s.id == id);
                match (theirs, at) {
                    (Some(Version::Source(theirs)), Some(at)) => after[at] = theirs.clone(),
                    (Some(Version::Source(theirs)), None) => after.push(theirs.clone()),
                    (None, Some(at)) => {
                        after.remove(at);
                    }
                    _ => return None,
                }
                Change::Sources {
                    before: dataset.meta.sources.clone(),
                    after,
                }
            }
            (theirs, None) => {
                let expected = conflict
                    .their_version
                    .map_or(Expected::Absent, Expected::Version);
                self.rebased.insert(conflict.row.clone(), expected);
                let mine = dataset.index_of(&conflict.row);
                match (theirs, mine) {
                    (Some(Version::Feature(theirs)), Some(index)) => {
                        self.taken
                            .insert(conflict.row.clone(), theirs.as_ref().clone());
                        Change::replace(index, dataset.get(index)?, theirs.as_ref().clone())
                    }
                    (Some(Version::Feature(theirs)), None) => {
                        Change::add(FeatureIndex(dataset.len()), theirs.as_ref().clone())
                    }
                    (None, Some(index)) => Change::remove(index, dataset.get(index)?),
                    _ => return None,
                }
            }
        };
        Some(Edit::new(label, vec![change]))
    }
}

/// Their version of a conflicting row, in words; a row still there that does not read as a
/// feature (written by another tool) is said to be so, not to be removed.
pub fn describe_theirs(conflict: &Conflict, dataset: &Dataset) -> String {
    match (&conflict.theirs, conflict.their_version) {
        (None, Some(version)) => {
            format!("changed (version {version}) into something this evacmap cannot read")
        }
        (theirs, _) => describe(theirs.as_ref(), dataset),
    }
}

/// One version of a conflicting row, in words: what it is, when, where, its figures.
pub fn describe(version: Option<&Version>, dataset: &Dataset) -> String {
    let Some(version) = version else {
        return "removed".into();
    };
    let feature = match version {
        Version::Source(source) => {
            let mut text = format!("source {}", source.name);
            if let Some(url) = &source.url {
                text.push_str(&format!(" ({url})"));
            }
            return text;
        }
        Version::Feature(feature) => feature.as_ref(),
    };
    let name_of = |id: &str| {
        dataset
            .index_of(id)
            .and_then(|i| dataset.get(i))
            .and_then(|f| f.common().name.clone())
            .unwrap_or_else(|| id.to_owned())
    };
    let mut parts = Vec::new();
    match feature {
        Feature::Movement(movement) => parts.push(format!(
            "{} → {}",
            name_of(&movement.from),
            name_of(&movement.to)
        )),
        _ => parts.push(
            feature
                .common()
                .name
                .clone()
                .unwrap_or_else(|| feature.id().to_owned()),
        ),
    }
    if let Some(when) = feature.when() {
        parts.push(when.human());
    }
    if let Some(geo::Geometry::Point(point)) = &feature.common().geometry {
        parts.push(format!("at {:.4}, {:.4}", point.y(), point.x()));
    }
    let figures: Vec<String> = feature
        .figures()
        .iter()
        .map(|f| format!("{} ({})", f.describe(), f.sources.join(", ")))
        .collect();
    if !figures.is_empty() {
        parts.push(figures.join("; "));
    }
    parts.join(", ")
}

#[cfg(test)]
#[path = "database_tests.rs"]
mod tests;
