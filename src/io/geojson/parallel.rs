//! The quick route through a FeatureCollection: its features read apart, on every core, from
//! the [`outline`] of its text (in memory, or read again from the file a stride at a time), each
//! worker straight into columns. What it reports is exactly what the whole-tree reader would;
//! anything it does not follow is left to that reader ([`Stop::Unfollowed`]).

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use super::checker::{Checker, declared_sources};
use super::json::{self};
use super::{Loaded, outline, usual_shape};
use crate::io::LoadError;
use crate::io::problem::{Problem, ProblemReport};
use crate::io::progress::LoadProgress;
use crate::io::text::PassingText;
use crate::model::{Feature, Store};

/// Why the fast path stopped.
pub(super) enum Stop {
    /// The text is not shaped as it expects (or does not parse): the full reader explains it.
    Unfollowed,
    /// As `Unfollowed`, found by a worker reading features: pages it passed may be let go of.
    UnfollowedWhileReading,
    Cancelled,
}

/// The fast path for a FeatureCollection: its features parsed one at a time, on every core, from
/// the [`outline::outline`] of the text, each into its own slot. What it reports is exactly what
/// the full reader would.
pub(super) fn read_features_apart(
    text: PassingText,
    progress: &LoadProgress,
) -> Result<ReadApart, Stop> {
    log::debug!("outlining {} bytes", text.len());
    // SAFETY: nothing is let go of before the workers start, and the outline keeps no borrow.
    let outline = outline::outline(unsafe { text.get(0..text.len()) }).ok_or(Stop::Unfollowed)?;
    read_outlined(outline, FeatureText::Passing(text), progress)
}

/// Where the workers find each feature's text.
#[derive(Clone, Copy)]
pub(super) enum FeatureText<'a> {
    /// In memory, let go of as it is read.
    Passing(PassingText<'a>),
    /// In the file, a stride of features read again at a time: the text was outlined as it
    /// was read and not kept (`start`: where the outline's offsets begin, after a byte-order
    /// mark).
    File { file: &'a std::fs::File, start: u64 },
}

/// A story file outlined as it was read ([`outline::OutlineReader`]), its features read again
/// from it a stride at a time: `None` when the fast path gives up (the caller then reads the
/// file whole, as any other).
pub(super) fn read_file_outlined(
    outline: outline::Outline,
    file: &std::fs::File,
    start: u64,
    origin: &str,
    progress: &LoadProgress,
) -> Result<Option<Loaded>, LoadError> {
    match read_outlined(outline, FeatureText::File { file, start }, progress) {
        Ok(apart) => apart.finish().map(Some).map_err(|problems| {
            LoadError::Invalid(ProblemReport {
                origin: origin.to_owned(),
                problems,
            })
        }),
        Err(Stop::Cancelled) => Err(LoadError::Cancelled {
            path: origin.to_owned(),
        }),
        Err(Stop::Unfollowed | Stop::UnfollowedWhileReading) => Ok(None),
    }
}

/// [`read_features_apart`] from an outline already made.
pub(super) fn read_outlined(
    outline: outline::Outline,
    text: FeatureText,
    progress: &LoadProgress,
) -> Result<ReadApart, Stop> {
    let skeleton = json::parse(&outline.skeleton).map_err(|_| Stop::Unfollowed)?;
    if skeleton.value.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(Stop::Unfollowed);
    }
    progress.set_features_total(outline.features.len());
    log::debug!("outlined {} features", outline.features.len());
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per_worker = outline.features.len().div_ceil(workers).max(512);
    let sources = declared_sources(&skeleton.value);
    let batches: Vec<Result<FeatureBatch, Stop>> = std::thread::scope(|scope| {
        let running: Vec<_> = outline
            .features
            .chunks(per_worker)
            .enumerate()
            .map(|(n, ranges)| {
                let sources = sources.clone();
                scope.spawn(move || read_batch(text, ranges, n * per_worker, sources, progress))
            })
            .collect();
        running
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut checker = Checker::default();
    for duplicate in &skeleton.duplicates {
        checker.duplicate_member(&skeleton.value, &duplicate.path);
    }
    log::debug!("features read");
    let mut parts = Vec::with_capacity(batches.len());
    for batch in batches {
        let batch = batch?;
        if progress.is_cancelled() {
            return Err(Stop::Cancelled);
        }
        checker.problems.extend(batch.checker.problems);
        checker.references.extend(batch.checker.references);
        parts.push(batch.read);
    }
    Ok(ReadApart {
        checker,
        root: skeleton.value,
        parts,
    })
}

/// A collection whose features were read apart from it, to be put together.
pub(super) struct ReadApart {
    pub(super) checker: Checker,
    /// The collection with `features` emptied.
    pub(super) root: Value,
    /// What each worker read, in order: joined only here, once the text may be let go.
    pub(super) parts: Vec<ReadFeatures>,
}

impl ReadApart {
    pub(super) fn finish(self) -> Result<Loaded, Vec<Problem>> {
        let mut checker = self.checker;
        let mut parts = self.parts.into_iter();
        let mut read = parts.next().unwrap_or_default();
        read.append_all(parts.collect());
        let dataset = checker.read_root(self.root, Some(read));
        checker.finish(dataset)
    }
}

/// Features as they are read, straight into columns (a million parsed features held at once
/// took gigabytes), with where each was in the file's `features` (an item that is no feature
/// is left out) and the scopes their problems were reported in where those differ from what the
/// feature itself says (a bad id).
#[derive(Default)]
pub(super) struct ReadFeatures {
    pub(super) store: Store,
    pub(super) file_index: Vec<u32>,
    pub(super) odd_scopes: HashMap<usize, Option<String>>,
    /// Where the features read the quick way ([`usual_shape`]) are in the columns.
    pub(super) quick: Vec<u32>,
}

impl ReadFeatures {
    pub(super) fn push(&mut self, index: usize, feature: Option<Feature>) {
        if let Some(feature) = feature {
            self.store.push(&feature);
            self.file_index.push(index as u32);
        }
    }

    /// Adds the features the other workers read after these, in order, with room made once
    /// for all of them.
    pub(super) fn append_all(&mut self, others: Vec<ReadFeatures>) {
        let mut stores = Vec::with_capacity(others.len());
        let mut base = self.store.len() as u32;
        for other in others {
            self.quick.extend(other.quick.iter().map(|p| p + base));
            base += other.store.len() as u32;
            self.file_index.extend(other.file_index);
            self.odd_scopes.extend(other.odd_scopes);
            stores.push(other.store);
        }
        self.store.append_all(stores);
    }
}

/// What one worker read.
pub(super) struct FeatureBatch {
    pub(super) checker: Checker,
    pub(super) read: ReadFeatures,
}

/// Parses and reads the features at `ranges`; the first is `features[first_index]`.
pub(super) fn read_batch(
    text: FeatureText,
    ranges: &[std::ops::Range<usize>],
    first_index: usize,
    sources: Arc<foldhash::HashSet<String>>,
    progress: &LoadProgress,
) -> Result<FeatureBatch, Stop> {
    /// How many features a worker reads between looks at the progress (and, for a text read
    /// again from its file, at once).
    pub(super) const STRIDE: usize = 1024;
    let mut checker = Checker {
        declared_sources: Some(sources.clone()),
        ..Checker::default()
    };
    let mut read = ReadFeatures::default();
    read.store.reserve(ranges.len());
    read.file_index.reserve(ranges.len());
    let declared = |id: &str| sources.contains(id);
    let mut buffer = Vec::new();
    for (stride_number, stride) in ranges.chunks(STRIDE).enumerate() {
        let (Some(first), Some(last)) = (stride.first(), stride.last()) else {
            continue;
        };
        let span = first.start..last.end;
        let window: &[u8] = match text {
            // SAFETY: only strides already read are let go of (below), and no worker's
            // features overlap another's.
            FeatureText::Passing(passing) => unsafe { passing.get(span.clone()) },
            FeatureText::File { file, start } => {
                buffer.resize(span.len(), 0);
                read_at(file, &mut buffer, start + span.start as u64)
                    .map_err(|_| Stop::UnfollowedWhileReading)?;
                &buffer
            }
        };
        for (offset, range) in stride.iter().enumerate() {
            let index = first_index + stride_number * STRIDE + offset;
            let piece = &window[range.start - span.start..range.end - span.start];
            if let Some(quick) = usual_shape::read(piece, &declared) {
                // Its places are checked from the columns once all is read.
                read.quick.push(read.store.len() as u32);
                read.push(index, Some(quick.feature));
                continue;
            }
            let parsed = json::parse(piece).map_err(|_| Stop::UnfollowedWhileReading)?;
            for duplicate in &parsed.duplicates {
                checker.duplicate_in_feature(index, &parsed.value, &duplicate.path);
            }
            let feature = checker.read_slot(index, &parsed.value, &mut read.odd_scopes);
            read.push(index, feature);
        }
        if let FeatureText::Passing(passing) = text {
            // SAFETY: the stride is read and nothing borrowed from it is kept; the pages it
            // shares with the next feature stay (only whole pages go).
            unsafe { passing.release(span) };
        }
        progress.add_features(stride.len());
        if progress.is_cancelled() {
            return Err(Stop::Cancelled);
        }
    }
    Ok(FeatureBatch { checker, read })
}

/// Fills `buffer` from `file` at `offset`.
#[cfg(unix)]
pub(super) fn read_at(file: &std::fs::File, buffer: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buffer, offset)
}

#[cfg(not(unix))]
pub(super) fn read_at(
    _file: &std::fs::File,
    _buffer: &mut [u8],
    _offset: u64,
) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}
