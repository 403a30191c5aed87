//! The recovery journal: every edit appended to a file as it is made, and synced to disk, so
//! that after a crash, a kill or a power cut the next start offers the unsaved edits back.
//!
//! One journal per story file, in the user's local data folder, named after the story's path.
//! A line of JSON per entry: a header, then edits (each change with the feature before and
//! after, as evacmap writes features), undos and redos. A line cut short by a power cut ends
//! the journal; what came before it is restored.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::io::geojson::edit_check::{chapters_from_json, feature_from_json, sources_from_json};
use crate::io::save::FileStamp;
use crate::io::write::{feature_to_json, meta_to_json};
use crate::model::edit::{Change, Edit};
use crate::model::{Chapter, Dataset, Feature, Source, StoryMeta};

/// What the journal keeps.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Edit(Edit),
    Undo,
    Redo,
}

/// The journal of the story being edited.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
}

/// Where the journal of the story at `story` is kept (`None`: the bundled story).
pub fn location(dir: &Path, story: Option<&Path>) -> PathBuf {
    let key = match story {
        Some(path) => std::path::absolute(path)
            .unwrap_or_else(|_| path.to_owned())
            .display()
            .to_string(),
        None => "the bundled story".to_owned(),
    };
    dir.join(format!("{:016x}.jsonl", crate::model::store::hash(&key)))
}

impl Journal {
    /// A new journal for the story at `story`, read when it was as `stamp` says.
    pub fn start(
        dir: &Path,
        story: Option<&Path>,
        stamp: Option<FileStamp>,
    ) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let path = location(dir, story);
        let mut file = File::create(&path)?;
        let header = json!({
            "evacmap_journal": 1,
            "story": story.map(|p| std::path::absolute(p).unwrap_or_else(|_| p.to_owned())),
            "len": stamp.map(|s| s.len),
            "modified_ns": stamp.and_then(|s| nanos(s.modified)),
        });
        writeln!(file, "{header}")?;
        file.sync_data()?;
        Ok(Self { path, file })
    }

    /// Appends `entry`, on disk when this returns.
    pub fn record(&mut self, entry: &Entry) -> std::io::Result<()> {
        let line = match entry {
            Entry::Edit(edit) => json!({"edit": edit_to_json(edit)}),
            Entry::Undo => json!({"undo": true}),
            Entry::Redo => json!({"redo": true}),
        };
        writeln!(self.file, "{line}")?;
        self.file.sync_data()
    }

    /// Deletes the journal: its edits are saved, or let go.
    pub fn remove(self) {
        drop(self.file);
        if let Err(e) = std::fs::remove_file(&self.path) {
            log::warn!("the journal {} stays: {e}", self.path.display());
        }
    }
}

/// Edits found in a journal at start-up, not saved when evacmap last stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct Recovery {
    /// The journal file.
    pub journal: PathBuf,
    pub entries: Vec<Entry>,
    /// The story file changed since the edits were made (they may no longer fit).
    pub file_changed: bool,
}

impl Recovery {
    /// The unsaved edits of the story at `story` (`None`: the bundled story), if any; `stamp`
    /// is the story file as it is now.
    pub fn find(dir: &Path, story: Option<&Path>, stamp: Option<FileStamp>) -> Option<Self> {
        let journal = location(dir, story);
        let file = File::open(&journal).ok()?;
        let mut lines = BufReader::new(file).lines().map_while(Result::ok);
        let header: Value = serde_json::from_str(&lines.next()?).ok()?;
        header.get("evacmap_journal")?;
        let then = (
            header.get("len").and_then(Value::as_u64),
            header.get("modified_ns").and_then(Value::as_u64),
        );
        let now = (stamp.map(|s| s.len), stamp.and_then(|s| nanos(s.modified)));
        let entries: Vec<Entry> = lines
            .map_while(|line| entry_from_json(&serde_json::from_str(&line).ok()?))
            .collect();
        let recovery = Self {
            journal,
            entries,
            file_changed: then != now,
        };
        (!recovery.labels().is_empty()).then_some(recovery)
    }

    /// What the edits that stand did (undone ones left out), oldest first.
    pub fn labels(&self) -> Vec<String> {
        let (mut done, mut undone) = (Vec::new(), Vec::new());
        for entry in &self.entries {
            match entry {
                Entry::Edit(edit) => {
                    done.push(edit.label.clone());
                    undone.clear();
                }
                Entry::Undo => undone.extend(done.pop()),
                Entry::Redo => done.extend(undone.pop()),
            }
        }
        done
    }

    /// Lets the edits go: the journal is deleted.
    pub fn discard(&self) {
        if let Err(e) = std::fs::remove_file(&self.journal) {
            log::warn!("the journal {} stays: {e}", self.journal.display());
        }
    }
}

/// Whether `edit` can be made on `dataset`: the feature its first change replaces or removes
/// is there as the edit found it (the edits evacmap makes change one feature, or the sources).
pub fn fits(edit: &Edit, dataset: &Dataset) -> bool {
    match edit.changes.first() {
        Some(Change::Feature {
            index,
            before: Some(before),
            ..
        }) => dataset.get(*index).as_ref() == Some(before.as_ref()),
        Some(Change::Feature { index, .. }) => index.0 <= dataset.len(),
        Some(Change::Sources { before, .. }) => *before == dataset.meta.sources,
        Some(Change::Chapters { before, .. }) => *before == dataset.meta.chapters,
        None => true,
    }
}

fn nanos(time: Option<std::time::SystemTime>) -> Option<u64> {
    let since = time?.duration_since(std::time::UNIX_EPOCH).ok()?;
    u64::try_from(since.as_nanos()).ok()
}

fn sources_json(sources: &[Source]) -> Value {
    meta_to_json(&StoryMeta {
        sources: sources.to_vec(),
        ..StoryMeta::default()
    })
}

fn chapters_json(chapters: &[Chapter]) -> Value {
    meta_to_json(&StoryMeta {
        chapters: chapters.to_vec(),
        ..StoryMeta::default()
    })
}

fn edit_to_json(edit: &Edit) -> Value {
    let feature = |f: &Option<Box<Feature>>| f.as_deref().map_or(Value::Null, feature_to_json);
    let changes: Vec<Value> = edit
        .changes
        .iter()
        .map(|change| match change {
            Change::Feature {
                index,
                before,
                after,
                ..
            } => json!({"feature": {
                "index": index.0,
                "before": feature(before),
                "after": feature(after),
            }}),
            Change::Sources { before, after } => json!({"sources": {
                "before": sources_json(before),
                "after": sources_json(after),
            }}),
            Change::Chapters { before, after } => json!({"chapters": {
                "before": chapters_json(before),
                "after": chapters_json(after),
            }}),
        })
        .collect();
    json!({"label": edit.label, "changes": changes})
}

fn entry_from_json(line: &Value) -> Option<Entry> {
    if line.get("undo").is_some() {
        return Some(Entry::Undo);
    }
    if line.get("redo").is_some() {
        return Some(Entry::Redo);
    }
    let edit = line.get("edit")?;
    let label = edit.get("label")?.as_str()?.to_owned();
    let mut changes = Vec::new();
    for change in edit.get("changes")?.as_array()? {
        if let Some(feature) = change.get("feature") {
            let index =
                crate::model::FeatureIndex(usize::try_from(feature.get("index")?.as_u64()?).ok()?);
            let read = |key: &str| -> Option<Option<Box<Feature>>> {
                match feature.get(key)? {
                    Value::Null => Some(None),
                    value => Some(Some(Box::new(feature_from_json(value)?))),
                }
            };
            changes.push(Change::Feature {
                index,
                before: read("before")?,
                after: read("after")?,
                origin: crate::model::edit::Origins::NEW,
            });
        } else if let Some(chapters) = change.get("chapters") {
            changes.push(Change::Chapters {
                before: chapters_from_json(chapters.get("before")?)?,
                after: chapters_from_json(chapters.get("after")?)?,
            });
        } else {
            let sources = change.get("sources")?;
            changes.push(Change::Sources {
                before: sources_from_json(sources.get("before")?)?,
                after: sources_from_json(sources.get("after")?)?,
            });
        }
    }
    Some(Entry::Edit(Edit { label, changes }))
}
