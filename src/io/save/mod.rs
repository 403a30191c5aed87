//! Saving a story: atomically (a temporary file beside the target, synced, then renamed over
//! it), written as it is produced (no whole-file string), and faithfully: what was not edited
//! is written back exactly as it was read ([`faithful`]).

mod faithful;
mod merge;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

pub use faithful::FaithfulPlan;
pub use merge::merge_object;

use crate::io::describe_io_error;
use crate::model::Dataset;
use crate::model::edit::Origins;

/// Why a story could not be saved. The file on disk is as it was, and the edits are kept.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{path}: cannot save: {}", describe_io_error(source))]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: cannot save: there is a folder of that name")]
    Folder { path: String },
    #[error(
        "{path} changed on disk since it was read: nothing was written over it. Reload it to see \
         the other version, or save your edits under another name"
    )]
    ChangedOnDisk { path: String },
}

impl SaveError {
    fn io(path: &Path) -> impl Fn(std::io::Error) -> SaveError + '_ {
        move |source| SaveError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

/// What tells a file from the same file changed: its length and when it was last written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    pub len: u64,
    pub modified: Option<SystemTime>,
}

impl FileStamp {
    pub fn of(path: &Path) -> std::io::Result<Self> {
        let metadata = std::fs::metadata(path)?;
        Ok(Self {
            len: metadata.len(),
            modified: metadata.modified().ok(),
        })
    }
}

/// Where the text a story was read from can be read again, to copy what was not edited.
#[derive(Debug, Clone, PartialEq)]
pub enum Original {
    /// A file, as it was when read (a changed file is not copied from).
    File { path: PathBuf, stamp: FileStamp },
    /// Text held in memory (the bundled story).
    Text(Arc<[u8]>),
}

impl Original {
    /// The file at `path` as it is now.
    pub fn file(path: &Path) -> std::io::Result<Self> {
        Ok(Self::File {
            path: path.to_owned(),
            stamp: FileStamp::of(path)?,
        })
    }
}

/// How a save went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaveReport {
    /// Features written back as they were read, text for text.
    pub copied: usize,
    /// Features written anew (added, or every one where the text read could not be used).
    pub written: usize,
    /// Edited features whose new members were merged into their old text.
    pub merged: usize,
}

/// Saves `dataset` to `target`. With the text it was read from and its rows' origins, the
/// features are written back faithfully; without them (or where that text is not a
/// FeatureCollection evacmap can follow), evacmap writes the story its own way.
pub fn save_story(
    target: &Path,
    dataset: &Dataset,
    read_from: Option<(&Original, &Origins)>,
) -> Result<SaveReport, SaveError> {
    if target.is_dir() {
        return Err(SaveError::Folder {
            path: target.display().to_string(),
        });
    }
    let plan = match read_from {
        Some((original, origins)) => FaithfulPlan::new(original, origins)?,
        None => None,
    };
    write_atomically(target, |out| match (&plan, read_from) {
        (Some(plan), Some((original, origins))) => plan.write(out, dataset, original, origins),
        _ => write_generated(out, dataset),
    })
}

/// Writes through `write` into a temporary file beside `target`, then puts it in its place:
/// the file is either the old one or the complete new one, never half-written. The new file
/// keeps the old one's permissions.
pub fn write_atomically(
    target: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<SaveReport>,
) -> Result<SaveReport, SaveError> {
    let error = SaveError::io(target);
    let directory = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let temporary = tempfile::NamedTempFile::new_in(directory).map_err(&error)?;
    if let Ok(metadata) = std::fs::metadata(target) {
        std::fs::set_permissions(temporary.path(), metadata.permissions()).map_err(&error)?;
    }
    let mut out = std::io::BufWriter::with_capacity(1 << 20, temporary);
    let report = write(&mut out).map_err(&error)?;
    let temporary = out.into_inner().map_err(|e| error(e.into_error()))?;
    temporary.as_file().sync_all().map_err(&error)?;
    temporary.persist(target).map_err(|e| error(e.error))?;
    Ok(report)
}

/// The story evacmap's own way: its members in a fixed order, one feature a line.
pub fn write_generated(out: &mut dyn Write, dataset: &Dataset) -> std::io::Result<SaveReport> {
    let mut root = crate::io::write::to_geojson_without_features(dataset);
    root.insert("features".into(), serde_json::Value::Array(Vec::new()));
    let head = serde_json::to_string_pretty(&serde_json::Value::Object(root))?;
    // The pretty text ends with `"features": []\n}`: the features go between the brackets.
    let Some(open) = head.rfind("[]") else {
        return Err(std::io::Error::other(
            "the collection has no features array",
        ));
    };
    out.write_all(&head.as_bytes()[..=open])?;
    for (i, feature) in dataset.features().enumerate() {
        out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
        serde_json::to_writer(&mut *out, &crate::io::write::feature_to_json(&feature))?;
    }
    if !dataset.is_empty() {
        out.write_all(b"\n  ")?;
    }
    out.write_all(&head.as_bytes()[open + 1..])?;
    out.write_all(b"\n")?;
    Ok(SaveReport {
        copied: 0,
        written: dataset.len(),
        merged: 0,
    })
}

#[cfg(test)]
mod tests;
