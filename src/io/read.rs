//! Reading a story from GeoJSON, checking everything and reporting every problem at once.
//!
//! Policy: any valid RFC 7946 GeoJSON opens (features outside evacmap's vocabulary become
//! generic features); anything invalid is refused with every problem located; nothing panics,
//! whatever the bytes. The structural rules of RFC 7946 are checked by [`super::structure`]
//! before any geometry is converted; evacmap's own vocabulary is checked here.
//!
//! Ids: places, movements and events need unique string ids, because references point at them.
//! Other features may repeat an id (GeoJSON allows it; a warning says only the first is found by
//! it), may use numbers (`1` and `"1"` are different ids), or have none: those get a made-up name
//! for display that is never an id, so it cannot collide with a real one.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use geo::{CoordsIter, Geometry};
use serde_json::{Map, Value};

use super::LoadError;
use super::fast;
use super::json::{self, Step};
use super::problem::{
    Location, Problem, ProblemReport, Severity, describe_value, join_path, line_column, quote,
};
use super::progress::LoadProgress;
use super::source::{
    MAX_FILE_BYTES, origin_name, read_capped, read_capped_to_heap, read_capped_with,
};
use super::split;
use super::structure::{Findings, GEOMETRY_TYPES, ObjectKind, check_object_members, type_name};
use super::text::{FileText, PassingText};
use crate::model::{
    Common, ControlClaim, Dataset, Event, Extra, Feature, FeatureKind, Figure, Generic, GeoJsonId,
    Movement, Place, Source, Store, StoryMeta, Term, Vocabulary, When,
};

/// The largest figure a file may give: JSON numbers above 2^53 − 1 are not exact in most
/// readers (RFC 7493, I-JSON), so a larger count could silently change on the way.
pub const MAX_FIGURE: u64 = (1 << 53) - 1;

/// The format version this build writes and fully understands.
pub const FORMAT_VERSION: u32 = 1;

/// A dataset that loaded, with the warnings it had.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub dataset: Dataset,
    pub warnings: Vec<Problem>,
}

/// Reads and checks a story file (`-` is standard input), at most [`MAX_FILE_BYTES`] of it.
pub fn load_file(path: &Path) -> Result<Loaded, LoadError> {
    load_file_with_limit(path, MAX_FILE_BYTES)
}

/// [`load_file`] with another size cap.
pub fn load_file_with_limit(path: &Path, limit: u64) -> Result<Loaded, LoadError> {
    let bytes = read_capped(path, limit)?;
    parse_bytes(&bytes, &origin_name(path))
}

/// [`load_file`], counting what it has read in `progress` and stopping when that is cancelled.
pub fn load_file_with_progress(path: &Path, progress: &LoadProgress) -> Result<Loaded, LoadError> {
    let bytes = read_capped_with(path, MAX_FILE_BYTES, progress)?;
    parse_owned(bytes, &origin_name(path), progress)
}

/// [`parse_bytes_with`], letting go of the text as it reads the features from it (a
/// million-feature story's text is twice what its columns take).
pub fn parse_owned(
    mut bytes: FileText,
    origin: &str,
    progress: &LoadProgress,
) -> Result<Loaded, LoadError> {
    let bom = if bytes.starts_with(BYTE_ORDER_MARK) {
        BYTE_ORDER_MARK.len()
    } else {
        0
    };
    if std::str::from_utf8(&bytes[bom..]).is_ok() {
        match read_features_apart(bytes.passing().skip(bom), progress) {
            Ok(apart) => {
                drop(bytes);
                return apart.finish().map_err(|problems| {
                    LoadError::Invalid(ProblemReport {
                        origin: origin.to_owned(),
                        problems,
                    })
                });
            }
            Err(Stop::Cancelled) => {
                return Err(LoadError::Cancelled {
                    path: origin.to_owned(),
                });
            }
            Err(Stop::Unfollowed) => {}
            Err(Stop::UnfollowedWhileReading) => {
                if let Some(path) = bytes.reread_from().map(Path::to_owned) {
                    // The pages read past are let go of, and the full reader needs them all:
                    // the file is read again (after the rest of it is let go of too).
                    drop(bytes);
                    let whole = read_capped_to_heap(&path, MAX_FILE_BYTES, progress)?;
                    return parse_bytes_by(&whole, origin, Route::WholeTree, progress);
                }
            }
        }
    }
    parse_bytes_by(&bytes, origin, Route::WholeTree, progress)
}

/// UTF-8's byte-order mark, which a file may start with.
pub(crate) const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Parses and checks a story; `origin` names it in messages.
pub fn parse_bytes(bytes: &[u8], origin: &str) -> Result<Loaded, LoadError> {
    parse_bytes_with(bytes, origin, &LoadProgress::default())
}

/// [`parse_bytes`], counting features in `progress` and stopping when it is cancelled.
pub fn parse_bytes_with(
    bytes: &[u8],
    origin: &str,
    progress: &LoadProgress,
) -> Result<Loaded, LoadError> {
    parse_bytes_by(bytes, origin, Route::Outlined, progress)
}

/// How a collection's features are read: apart, on every core, or from one tree of the document.
#[derive(Clone, Copy, PartialEq)]
enum Route {
    Outlined,
    WholeTree,
}

fn parse_bytes_by(
    bytes: &[u8],
    origin: &str,
    route: Route,
    progress: &LoadProgress,
) -> Result<Loaded, LoadError> {
    let invalid = |problems| {
        LoadError::Invalid(ProblemReport {
            origin: origin.to_owned(),
            problems,
        })
    };
    let text_error = |offset_or_pos: Location, message: String| {
        invalid(vec![Problem {
            severity: Severity::Error,
            location: offset_or_pos,
            message,
        }])
    };

    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        let (line, column) = line_column(bytes, e.valid_up_to());
        return Err(text_error(
            Location::Text { line, column },
            "the file is not UTF-8 text (GeoJSON must be UTF-8)".into(),
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(text_error(
            Location::Text { line: 1, column: 1 },
            "the file is empty".into(),
        ));
    }
    let cancelled = || LoadError::Cancelled {
        path: origin.to_owned(),
    };
    if route == Route::Outlined {
        match read_features_apart(PassingText::borrowed(bytes), progress) {
            Ok(apart) => return apart.finish().map_err(invalid),
            Err(Stop::Cancelled) => return Err(cancelled()),
            Err(Stop::Unfollowed | Stop::UnfollowedWhileReading) => {}
        }
    }
    if progress.is_cancelled() {
        return Err(cancelled());
    }
    let parsed = json::parse(bytes).map_err(|e| {
        let message = json_error_message(&e);
        let (line, column) = editor_position(bytes, e.line(), e.column());
        text_error(Location::Text { line, column }, message)
    })?;

    let mut checker = Checker::default();
    for duplicate in &parsed.duplicates {
        checker.duplicate_member(&parsed.value, &duplicate.path);
    }
    let dataset = checker.read_root(parsed.value, None);
    checker.finish(dataset).map_err(invalid)
}

/// Why the fast path stopped.
enum Stop {
    /// The text is not shaped as it expects (or does not parse): the full reader explains it.
    Unfollowed,
    /// As `Unfollowed`, found by a worker reading features: pages it passed may be let go of.
    UnfollowedWhileReading,
    Cancelled,
}

/// The fast path for a FeatureCollection: its features parsed one at a time, on every core, from
/// the [`split::outline`] of the text, each into its own slot. What it reports is exactly what
/// the full reader would.
fn read_features_apart(text: PassingText, progress: &LoadProgress) -> Result<ReadApart, Stop> {
    log::debug!("outlining {} bytes", text.len());
    // SAFETY: nothing is let go of before the workers start, and the outline keeps no borrow.
    let outline = split::outline(unsafe { text.get(0..text.len()) }).ok_or(Stop::Unfollowed)?;
    read_outlined(outline, FeatureText::Passing(text), progress)
}

/// Where the workers find each feature's text.
#[derive(Clone, Copy)]
enum FeatureText<'a> {
    /// In memory, let go of as it is read.
    Passing(PassingText<'a>),
    /// In the file, a stride of features read again at a time: the text was outlined as it
    /// was read and not kept (`start`: where the outline's offsets begin, after a byte-order
    /// mark).
    File { file: &'a std::fs::File, start: u64 },
}

/// A story file outlined as it was read ([`split::OutlineReader`]), its features read again
/// from it a stride at a time: `None` when the fast path gives up (the caller then reads the
/// file whole, as any other).
pub(crate) fn read_file_outlined(
    outline: split::Outline,
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
fn read_outlined(
    outline: split::Outline,
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
struct ReadApart {
    checker: Checker,
    /// The collection with `features` emptied.
    root: Value,
    /// What each worker read, in order: joined only here, once the text may be let go.
    parts: Vec<ReadFeatures>,
}

impl ReadApart {
    fn finish(self) -> Result<Loaded, Vec<Problem>> {
        let mut checker = self.checker;
        let mut parts = self.parts.into_iter();
        let mut read = parts.next().unwrap_or_default();
        for part in parts {
            read.append(part);
        }
        let dataset = checker.read_root(self.root, Some(read));
        checker.finish(dataset)
    }
}

/// Features as they are read, straight into columns (a million parsed features held at once
/// took gigabytes), with where each was in the file's `features` (an item that is no feature
/// is left out) and the scopes their problems were reported in where those differ from what the
/// feature itself says (a bad id).
#[derive(Default)]
struct ReadFeatures {
    store: Store,
    file_index: Vec<u32>,
    odd_scopes: HashMap<usize, Option<String>>,
    /// Where the features read the quick way ([`fast`]) are in the columns.
    quick: Vec<u32>,
}

impl ReadFeatures {
    fn push(&mut self, index: usize, feature: Option<Feature>) {
        if let Some(feature) = feature {
            self.store.push(&feature);
            self.file_index.push(index as u32);
        }
    }

    /// Adds the features another worker read after these.
    fn append(&mut self, other: ReadFeatures) {
        let base = self.store.len() as u32;
        self.quick.extend(other.quick.iter().map(|p| p + base));
        self.store.append(other.store);
        self.file_index.extend(other.file_index);
        self.odd_scopes.extend(other.odd_scopes);
    }
}

/// The id a feature's problems are reported with, as the reader sets it from the feature's own.
fn scope_id(feature: &Feature) -> Option<std::borrow::Cow<'_, str>> {
    match feature {
        Feature::Generic(generic) => generic.own_id.as_ref().map(|id| id.text()),
        other => Some(other.id().into()),
    }
}

/// [`scope_id`] of a feature in the columns.
fn stored_scope_id(store: &Store, position: usize) -> Option<&str> {
    match store.kind(position) {
        FeatureKind::Generic => store.own_id(position),
        _ => Some(store.id(position)),
    }
}

/// What one worker read.
struct FeatureBatch {
    checker: Checker,
    read: ReadFeatures,
}

/// Parses and reads the features at `ranges`; the first is `features[first_index]`.
fn read_batch(
    text: FeatureText,
    ranges: &[std::ops::Range<usize>],
    first_index: usize,
    sources: Arc<foldhash::HashSet<String>>,
    progress: &LoadProgress,
) -> Result<FeatureBatch, Stop> {
    /// How many features a worker reads between looks at the progress (and, for a text read
    /// again from its file, at once).
    const STRIDE: usize = 1024;
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
            if let Some(quick) = fast::read(piece, &declared) {
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
fn read_at(file: &std::fs::File, buffer: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buffer, offset)
}

#[cfg(not(unix))]
fn read_at(_file: &std::fs::File, _buffer: &mut [u8], _offset: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// What is wrong with a reference to the place `id`, if anything.
fn place_problem(dataset: &Dataset, id: &str) -> Option<String> {
    match dataset.index_of(id).and_then(|i| dataset.kind(i)) {
        None => Some(format!("unknown place {}", quote(id))),
        Some(FeatureKind::Place) => None,
        Some(other) => Some(format!(
            "{} is a {}, not a place",
            quote(id),
            other.as_str()
        )),
    }
}

/// The references to places of features read the quick way (`(position, file index)`), checked
/// from the columns on every core, as the full reader would have noted them: a movement's origin
/// and destination, an event's place.
fn quick_place_problems(dataset: &Dataset, quick: &[(u32, u32)]) -> Vec<Problem> {
    let check = |part: &[(u32, u32)]| {
        let store = dataset.store();
        let mut problems = Vec::new();
        for &(position, index) in part {
            let position = position as usize;
            let references = match store.movement_ends(position) {
                Some((from, to)) => [Some(("properties.from", from)), Some(("properties.to", to))],
                None => [
                    store.event_place(position).map(|p| ("properties.place", p)),
                    None,
                ],
            };
            for (path, id) in references.into_iter().flatten() {
                if let Some(message) = place_problem(dataset, id) {
                    problems.push(Problem {
                        severity: Severity::Error,
                        location: Location::Feature {
                            index: index as usize,
                            id: Some(store.id(position).to_owned()),
                            path: path.to_owned(),
                        },
                        message,
                    });
                }
            }
        }
        problems
    };
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per_worker = quick.len().div_ceil(workers).max(4096);
    std::thread::scope(|scope| {
        let running: Vec<_> = quick
            .chunks(per_worker)
            .map(|part| scope.spawn(move || check(part)))
            .collect();
        running
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// serde_json counts columns in bytes from 0 at a line's start; editors count characters from 1.
fn editor_position(bytes: &[u8], line: usize, byte_column: usize) -> (usize, usize) {
    let line_text = bytes
        .split(|&b| b == b'\n')
        .nth(line.saturating_sub(1))
        .unwrap_or(&[]);
    let prefix = &line_text[..byte_column.min(line_text.len())];
    let characters = String::from_utf8_lossy(prefix).chars().count();
    (line.max(1), characters.max(1))
}

/// serde_json's message without its own " at line L column C" suffix (the location is ours).
fn json_error_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let message = match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    };
    match error.classify() {
        serde_json::error::Category::Eof => format!("the file ends too early: {message}"),
        _ => format!("not valid JSON: {message}"),
    }
}

/// Where the checker is, for problem locations.
#[derive(Clone)]
enum Scope {
    Document,
    Feature { index: usize, id: Option<String> },
}

/// A pending check that an id names something of the right kind.
struct Reference {
    scope: Scope,
    path: String,
    id: String,
    to: ReferenceTarget,
}

#[derive(PartialEq)]
enum ReferenceTarget {
    Place,
    Source,
}

/// The first feature to use each id (a place, movement or event before any other), by the text
/// of the id in the columns.
#[derive(Default)]
struct IdRegister {
    first: hashbrown::HashTable<IdEntry>,
}

#[derive(Clone, Copy)]
struct IdEntry {
    /// Where its id is in the columns.
    position: u32,
    /// Its index in the file's features.
    index: u32,
    evacmap: bool,
}

#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
    references: Vec<Reference>,
    scope: Option<Scope>,
    /// The story's sources, when known before its features are read: a citation of one of them
    /// needs no check later (a million features cite several million times).
    declared_sources: Option<Arc<foldhash::HashSet<String>>>,
    /// Features read the quick way, by position in the columns and index in the file: their
    /// references to places are checked from the columns, not noted one by one.
    quick: Vec<(u32, u32)>,
}

/// The ids of the sources a collection's `evacmap` member declares, as [`Checker::read_meta`]
/// reads them.
fn declared_sources(root: &Value) -> Arc<foldhash::HashSet<String>> {
    let meta = match root.get("evacmap") {
        Some(value) => Checker::default().read_meta(value),
        None => StoryMeta::default(),
    };
    Arc::new(meta.sources.into_iter().map(|s| s.id).collect())
}

/// A JSON object being read: remembers which members were used so the rest is kept as extra.
struct Object<'a> {
    map: &'a Map<String, Value>,
    path: String,
    /// A handful per object: a list is quicker to search than a set is to hash.
    used: Vec<&'static str>,
}

impl<'a> Object<'a> {
    fn new(map: &'a Map<String, Value>, path: impl Into<String>) -> Self {
        Self {
            map,
            path: path.into(),
            used: Vec::new(),
        }
    }

    /// The member `key`; JSON `null` counts as absent.
    fn get(&mut self, key: &'static str) -> Option<&'a Value> {
        if !self.used.contains(&key) {
            self.used.push(key);
        }
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn path_of(&self, key: &str) -> String {
        join_path(&self.path, key)
    }

    /// The member `key` when it is an array (marking it used).
    fn raw_list(&mut self, key: &'static str) -> Option<&'a Value> {
        self.get(key).filter(|v| v.is_array())
    }

    fn extra(&self) -> Extra {
        self.map
            .iter()
            .filter(|(k, _)| !self.used.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

impl Checker {
    fn report(&mut self, severity: Severity, path: String, message: String) {
        let location = match self.scope.clone().unwrap_or(Scope::Document) {
            Scope::Document => Location::Document { path },
            Scope::Feature { index, id } => Location::Feature { index, id, path },
        };
        self.problems.push(Problem {
            severity,
            location,
            message,
        });
    }

    fn error(&mut self, path: String, message: impl Into<String>) {
        self.report(Severity::Error, path, message.into());
    }

    fn warning(&mut self, path: String, message: impl Into<String>) {
        self.report(Severity::Warning, path, message.into());
    }

    /// Reports what the structural checks found, at paths relative to the current scope.
    fn absorb(&mut self, findings: Findings) {
        for finding in findings.0 {
            self.report(finding.severity, finding.path, finding.message);
        }
    }

    /// Checks the references, puts the problems in file order (the top level first, then feature
    /// by feature) and gives the dataset, or every problem when one is an error.
    fn finish(mut self, dataset: Dataset) -> Result<Loaded, Vec<Problem>> {
        log::debug!(
            "dataset made; {} references to check",
            self.references.len()
        );
        self.check_references(&dataset);
        let quick = std::mem::take(&mut self.quick);
        self.problems.extend(quick_place_problems(&dataset, &quick));
        log::debug!("references checked");
        self.problems.sort_by_key(|p| match &p.location {
            Location::Text { line, .. }
            | Location::Line { line }
            | Location::Companion { line, .. } => (0, *line),
            Location::Document { .. } => (0, 0),
            Location::Feature { index, .. } => (1, *index),
        });
        if self.problems.iter().any(Problem::is_error) {
            return Err(self.problems);
        }
        Ok(Loaded {
            dataset,
            warnings: self.problems,
        })
    }

    /// A member name repeated in one object: legal JSON, but the earlier value is lost.
    fn duplicate_member(&mut self, root: &Value, path: &[Step]) {
        if let [Step::Member(features), Step::Index(index), tail @ ..] = path
            && features == "features"
            && let Some(feature) = root.get("features").and_then(|f| f.get(*index))
        {
            return self.duplicate_in_feature(*index, feature, tail);
        }
        self.report_duplicate(path);
    }

    /// [`Self::duplicate_member`] at `path` inside `features[index]`.
    fn duplicate_in_feature(&mut self, index: usize, feature: &Value, path: &[Step]) {
        let id = feature
            .get("id")
            .and_then(GeoJsonId::from_json)
            .map(|id| id.text().into_owned());
        self.scope = Some(Scope::Feature { index, id });
        self.report_duplicate(path);
    }

    fn report_duplicate(&mut self, path: &[Step]) {
        let mut text = String::new();
        for step in path {
            match step {
                Step::Member(name) => text = join_path(&text, name),
                Step::Index(i) => text.push_str(&format!("[{i}]")),
            }
        }
        self.warning(
            text,
            "this member name appears more than once in its object; the last value is used",
        );
        self.scope = None;
    }

    /// The `type` member of a GeoJSON object, if it is a string.
    fn object_type<'v>(&mut self, map: &'v Map<String, Value>) -> Option<&'v str> {
        match map.get("type") {
            Some(Value::String(kind)) => Some(kind),
            Some(other) => {
                self.error(
                    "type".into(),
                    format!("expected a string, found {}", type_name(other)),
                );
                None
            }
            None => {
                self.error("type".into(), "missing GeoJSON \"type\" member");
                None
            }
        }
    }

    /// The document's root; `read` holds its features when they were read apart from it.
    fn read_root(&mut self, root: Value, read: Option<ReadFeatures>) -> Dataset {
        let Value::Object(root) = root else {
            self.error(
                String::new(),
                format!("expected a GeoJSON object, found {}", type_name(&root)),
            );
            return Dataset::default();
        };
        let Some(kind) = self.object_type(&root) else {
            return Dataset::default();
        };
        let single = |feature: Option<Feature>| {
            Dataset::new(
                StoryMeta::default(),
                feature.into_iter().collect(),
                Extra::new(),
            )
        };
        match kind {
            "FeatureCollection" => self.read_collection(&root, read),
            "Feature" => single(self.read_feature(0, &root)),
            kind if GEOMETRY_TYPES.contains(&kind) => {
                let mut wrapper = Map::new();
                wrapper.insert("type".into(), "Feature".into());
                wrapper.insert("geometry".into(), Value::Object(root));
                wrapper.insert("properties".into(), Value::Object(Map::new()));
                single(self.read_feature(0, &wrapper))
            }
            other => {
                self.error(
                    "type".into(),
                    format!(
                        "{} is not a GeoJSON type (expected \"FeatureCollection\", \"Feature\" or \
                         a geometry; names are case-sensitive)",
                        quote(other)
                    ),
                );
                Dataset::default()
            }
        }
    }

    fn read_collection(
        &mut self,
        root: &Map<String, Value>,
        read: Option<ReadFeatures>,
    ) -> Dataset {
        let mut findings = Findings::default();
        check_object_members(root, "", ObjectKind::FeatureCollection, &mut findings);
        self.absorb(findings);
        let mut object = Object::new(root, "");
        object.get("type");
        object.get("bbox");
        let meta = match object.get("evacmap") {
            Some(value) => self.read_meta(value),
            None => StoryMeta::default(),
        };
        let mut store = Store::default();
        match object.get("features") {
            Some(Value::Array(items)) => {
                self.declared_sources = Some(Arc::new(
                    meta.sources.iter().map(|s| s.id.clone()).collect(),
                ));
                let read = read.unwrap_or_else(|| {
                    let mut read = ReadFeatures::default();
                    for (index, item) in items.iter().enumerate() {
                        let feature = self.read_slot(index, item, &mut read.odd_scopes);
                        read.push(index, feature);
                    }
                    read
                });
                let mut ids = IdRegister::default();
                for (position, &index) in read.file_index.iter().enumerate() {
                    let index = index as usize;
                    // The scope is made only for a problem: most ids are used once.
                    let scope = || {
                        let id = match read.odd_scopes.get(&index) {
                            Some(id) => id.clone(),
                            None => stored_scope_id(&read.store, position).map(str::to_owned),
                        };
                        Scope::Feature { index, id }
                    };
                    self.register_id(&mut ids, &read.store, position, index, scope);
                }
                self.scope = None;
                log::debug!("ids registered");
                self.quick = read
                    .quick
                    .iter()
                    .map(|&p| (p, read.file_index[p as usize]))
                    .collect();
                store = read.store;
            }
            Some(other) => self.error(
                "features".into(),
                format!("expected an array of features, found {}", type_name(other)),
            ),
            None => self.error("features".into(), "a FeatureCollection needs \"features\""),
        }
        let mut foreign = object.extra();
        // Keep the bbox out of the extras: it is recomputed by whoever writes the file.
        foreign.remove("bbox");
        Dataset::from_store(meta, store, foreign)
    }

    /// Places, movements and events need unique ids among themselves; any other sharing of an
    /// id is allowed by GeoJSON and only warned about.
    fn register_id(
        &mut self,
        ids: &mut IdRegister,
        store: &Store,
        position: usize,
        index: usize,
        scope: impl FnOnce() -> Scope,
    ) {
        let Some(text) = stored_scope_id(store, position) else {
            return;
        };
        let is_number = store.own_id_is_number(position);
        let evacmap = store.kind(position) != FeatureKind::Generic;
        let same = |entry: &IdEntry| {
            let other = entry.position as usize;
            store.own_id_is_number(other) == is_number
                && stored_scope_id(store, other) == Some(text)
        };
        let hash = crate::model::store::hash(text);
        let Some(entry) = ids.first.find_mut(hash, same) else {
            let entry = IdEntry {
                position: position as u32,
                index: index as u32,
                evacmap,
            };
            ids.first.insert_unique(hash, entry, |entry| {
                crate::model::store::hash(
                    stored_scope_id(store, entry.position as usize).unwrap_or_default(),
                )
            });
            return;
        };
        let (first, first_is_evacmap) = (entry.index, entry.evacmap);
        if evacmap && !first_is_evacmap {
            *entry = IdEntry {
                position: position as u32,
                index: index as u32,
                evacmap,
            };
        }
        let id = match is_number.then(|| text.parse().ok()).flatten() {
            Some(number) => GeoJsonId::Number(number),
            None => GeoJsonId::Text(text.to_owned()),
        };
        self.scope = Some(scope());
        if evacmap && first_is_evacmap {
            self.error(
                "id".into(),
                format!(
                    "duplicate id {}: places, movements and events need unique ids (also used by \
                     features[{first}])",
                    quote(&id.text())
                ),
            );
            return;
        }
        let consequence = if evacmap || first_is_evacmap {
            "references to it mean the place, movement or event"
        } else {
            "looking it up finds the first one"
        };
        self.warning(
            "id".into(),
            format!(
                "id {} is also used by features[{first}]; GeoJSON allows it, but {consequence}",
                id.describe()
            ),
        );
    }

    fn read_meta(&mut self, value: &Value) -> StoryMeta {
        let Value::Object(map) = value else {
            self.error(
                "evacmap".into(),
                format!("expected an object, found {}", type_name(value)),
            );
            return StoryMeta::default();
        };
        let mut object = Object::new(map, "evacmap");
        let version = match object.get("version") {
            Some(Value::Number(n)) if n.as_u64().is_some_and(|v| v >= 1) => {
                let version = n.as_u64().unwrap_or(1).min(u32::MAX as u64) as u32;
                if version > FORMAT_VERSION {
                    self.warning(
                        object.path_of("version"),
                        format!(
                            "format version {version} is newer than this build's ({FORMAT_VERSION}); \
                             parts of the file may be shown as generic properties"
                        ),
                    );
                }
                version
            }
            Some(other) => {
                self.error(
                    object.path_of("version"),
                    format!(
                        "expected a whole number from 1, found {}",
                        describe_value(other)
                    ),
                );
                FORMAT_VERSION
            }
            None => {
                self.error(object.path_of("version"), "missing format version (use 1)");
                FORMAT_VERSION
            }
        };
        let title = self.opt_string(&mut object, "title");
        let description = self.opt_string(&mut object, "description");
        let mut sources = Vec::new();
        match object.get("sources") {
            Some(Value::Object(entries)) => {
                for (id, entry) in entries {
                    let path = join_path("evacmap.sources", id);
                    if id.trim().is_empty() {
                        self.error(path.clone(), "a source id must not be empty");
                    }
                    if let Some(source) = self.read_source(id, entry, path) {
                        sources.push(source);
                    }
                }
            }
            Some(other) => self.error(
                object.path_of("sources"),
                format!(
                    "expected an object of sources by id, found {}",
                    type_name(other)
                ),
            ),
            None => {}
        }
        StoryMeta {
            version,
            title,
            description,
            sources,
            extra: object.extra(),
        }
    }

    fn read_source(&mut self, id: &str, value: &Value, path: String) -> Option<Source> {
        let Value::Object(map) = value else {
            self.error(
                path,
                format!("expected an object, found {}", type_name(value)),
            );
            return None;
        };
        let mut object = Object::new(map, path);
        let name = self.required_string(&mut object, "name");
        let url = self.opt_string(&mut object, "url");
        if let Some(url) = &url
            && let Err(why) = crate::model::link::check(url)
        {
            self.warning(
                object.path_of("url"),
                format!("{why}; the link is shown as text and never opened"),
            );
        }
        Some(Source {
            id: id.to_owned(),
            name: name.unwrap_or_default(),
            kind: self.opt_term(&mut object, "kind"),
            url,
            title: self.opt_string(&mut object, "title"),
            published: self.opt_when(&mut object, "published"),
            note: self.opt_string(&mut object, "note"),
            extra: object.extra(),
        })
    }

    /// [`Self::read_item`], noting the scope its problems had when it is not the feature's own.
    fn read_slot(
        &mut self,
        index: usize,
        item: &Value,
        odd_scopes: &mut HashMap<usize, Option<String>>,
    ) -> Option<Feature> {
        let feature = self.read_item(index, item);
        if let (Some(feature), Some(Scope::Feature { id, .. })) = (&feature, self.scope.take())
            && id.as_deref() != scope_id(feature).as_deref()
        {
            odd_scopes.insert(index, id);
        }
        self.scope = None;
        feature
    }

    /// `features[index]`, which should be a Feature object.
    fn read_item(&mut self, index: usize, item: &Value) -> Option<Feature> {
        let Value::Object(map) = item else {
            self.scope = Some(Scope::Feature { index, id: None });
            self.error(
                String::new(),
                format!("expected a Feature object, found {}", type_name(item)),
            );
            return None;
        };
        self.read_feature(index, map)
    }

    fn read_feature(&mut self, index: usize, map: &Map<String, Value>) -> Option<Feature> {
        let own_id = map.get("id").and_then(GeoJsonId::from_json);
        self.scope = Some(Scope::Feature {
            index,
            id: own_id.as_ref().map(|id| id.text().into_owned()),
        });
        match map.get("type") {
            Some(Value::String(kind)) if kind == "Feature" => {}
            found => {
                let found = found.map_or("nothing".to_owned(), describe_value);
                self.error(
                    "type".into(),
                    format!("expected \"Feature\", found {found}"),
                );
                return None;
            }
        }
        let mut findings = Findings::default();
        check_object_members(map, "", ObjectKind::Feature, &mut findings);
        if map.get("id").is_some_and(Value::is_null) {
            findings.warning("id", "an id of null is read as no id");
        } else if let Some(other) = map.get("id").filter(|v| !v.is_string() && !v.is_number()) {
            findings.error(
                "id",
                format!(
                    "a Feature's id is a string or a number, found {}",
                    type_name(other)
                ),
            );
        }
        // RFC 7946 §3.2: both members are required; null says "none".
        let geometry = match map.get("geometry") {
            Some(value) => super::structure::read_geometry(value, "geometry", &mut findings),
            None => {
                findings.error(
                    "geometry",
                    "a Feature needs a \"geometry\" member (null when it has none)",
                );
                None
            }
        };
        if !map.contains_key("properties") {
            findings.error(
                "properties",
                "a Feature needs a \"properties\" member (null when it has none)",
            );
        }
        self.absorb(findings);
        let empty = Map::new();
        let properties = match map.get("properties") {
            None | Some(Value::Null) => &empty,
            Some(Value::Object(properties)) => properties,
            Some(other) => {
                self.error(
                    "properties".into(),
                    format!("expected an object or null, found {}", type_name(other)),
                );
                &empty
            }
        };
        let mut props = Object::new(properties, "properties");
        let kind = match props.get("kind") {
            Some(Value::String(kind)) => Some(kind.as_str()),
            Some(other) => {
                self.error(
                    "properties.kind".into(),
                    format!("expected a string, found {}", type_name(other)),
                );
                None
            }
            None => None,
        };
        let is_evacmap = matches!(kind, Some("place" | "movement" | "event"));
        if let Some(kind) = kind
            && !is_evacmap
        {
            self.warning(
                "properties.kind".into(),
                format!(
                    "unknown kind {} (expected place, movement or event); shown as a generic \
                     feature",
                    quote(kind)
                ),
            );
        }
        if let Some(geometry) = &geometry {
            self.check_coordinates(geometry, is_evacmap);
        }
        // Unknown members of the feature object; `bbox` is derived data and is not kept.
        let foreign: Extra = map
            .iter()
            .filter(|(k, _)| {
                !matches!(
                    k.as_str(),
                    "type" | "id" | "geometry" | "properties" | "bbox"
                )
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !is_evacmap {
            // Generic features keep every property as it was, `kind` included. Without an id
            // of their own they are named by position, which is never an id.
            let common = Common {
                id: own_id
                    .as_ref()
                    .map_or_else(|| format!("#{index}"), |id| id.text().into_owned()),
                name: ["name", "title", "label"]
                    .iter()
                    .find_map(|k| properties.get(*k).and_then(Value::as_str))
                    .map(str::to_owned),
                when: None,
                when_basis: None,
                sources: Vec::new(),
                geometry,
                extra: properties.clone().into(),
                foreign,
            };
            return Some(Feature::Generic(Generic { common, own_id }));
        }
        let id = match own_id {
            Some(GeoJsonId::Text(id)) if !id.trim().is_empty() => id,
            Some(GeoJsonId::Text(_)) => {
                self.error("id".into(), "the id is empty");
                format!("#{index}")
            }
            Some(GeoJsonId::Number(number)) => {
                self.error("id".into(), "the id must be a string");
                number.to_string()
            }
            None => {
                if map.get("id").is_none_or(Value::is_null) {
                    self.error(
                        "id".into(),
                        "missing id: places, movements and events need one",
                    );
                }
                format!("#{index}")
            }
        };
        let name = self.opt_string(&mut props, "name");
        let when = self.opt_when(&mut props, "when");
        let when_basis = self.opt_string(&mut props, "when_basis");
        let sources = self.source_list(&mut props, "sources");
        let common = Common {
            id,
            name,
            when,
            when_basis,
            sources,
            geometry,
            extra: Extra::new(),
            foreign,
        };
        let mut feature = match kind.unwrap_or_default() {
            "place" => Feature::Place(self.read_place(&mut props, common)),
            "movement" => Feature::Movement(self.read_movement(&mut props, common)),
            _ => Feature::Event(self.read_event(&mut props, common)),
        };
        feature.common_mut().extra = props.extra();
        Some(feature)
    }

    fn read_place(&mut self, props: &mut Object, common: Common) -> Place {
        match &common.geometry {
            Some(Geometry::Point(_) | Geometry::Polygon(_) | Geometry::MultiPolygon(_)) => {}
            Some(_) => self.error(
                "geometry".into(),
                "a place is a Point, or a Polygon or MultiPolygon for an area",
            ),
            None => self.error("geometry".into(), "a place needs a geometry"),
        }
        if common.name.is_none() {
            self.error("properties.name".into(), "a place needs a name");
        }
        let mut control = Vec::new();
        if let Some(items) = self.opt_array(props, "control") {
            for (i, item) in items.iter().enumerate() {
                let path = format!("properties.control[{i}]");
                if let Some(claim) = self.read_control(item, path) {
                    control.push(claim);
                }
            }
        }
        Place {
            common,
            name_ar: self.opt_string(props, "name_ar"),
            name_variants: self.string_list(props, "name_variants"),
            place_type: self.opt_term(props, "place_type"),
            admin1: self.opt_string(props, "admin1"),
            geo_precision: self.opt_term(props, "geo_precision"),
            description: self.opt_string(props, "description"),
            control,
        }
    }

    fn read_control(&mut self, value: &Value, path: String) -> Option<ControlClaim> {
        let Value::Object(map) = value else {
            self.error(
                path,
                format!("expected an object, found {}", type_name(value)),
            );
            return None;
        };
        let mut object = Object::new(map, path);
        let status = self.required_term(&mut object, "status");
        let share_percent = match object.get("share") {
            Some(Value::Number(n)) => match n.as_f64() {
                Some(share) if (0.0..=100.0).contains(&share) => Some(share),
                _ => {
                    self.error(
                        object.path_of("share"),
                        format!("a share is a percentage from 0 to 100, found {n}"),
                    );
                    None
                }
            },
            Some(other) => {
                self.error(
                    object.path_of("share"),
                    format!("expected a number (percent), found {}", type_name(other)),
                );
                None
            }
            None => None,
        };
        let claim = ControlClaim {
            when: self.opt_when(&mut object, "when"),
            status: status?,
            share_percent,
            qualifier: self.opt_term(&mut object, "qualifier"),
            actors: self.string_list(&mut object, "actors"),
            sources: self.cited_sources(&mut object),
            note: self.opt_string(&mut object, "note"),
            extra: object.extra(),
        };
        Some(claim)
    }

    fn read_movement(&mut self, props: &mut Object, common: Common) -> Movement {
        match &common.geometry {
            Some(Geometry::LineString(line)) if line.0.len() >= 2 => {}
            None => {}
            Some(_) => self.error(
                "geometry".into(),
                "a movement is a LineString from origin to destination (or null)",
            ),
        }
        if common.sources.is_empty() {
            self.error(
                "properties.sources".into(),
                "a movement must cite at least one source",
            );
        }
        let (from, also_from) = self.origins(props);
        let to = self.place_reference(props, "to");
        let to_assumed = match props.get("to_assumed") {
            Some(Value::Bool(assumed)) => *assumed,
            Some(other) => {
                self.error(
                    "properties.to_assumed".into(),
                    format!("expected true or false, found {}", type_name(other)),
                );
                false
            }
            None => false,
        };
        if !to.is_empty() && std::iter::once(&from).chain(&also_from).any(|f| *f == to) {
            self.error(
                "properties.to".into(),
                format!("a movement from {} to itself", quote(&to)),
            );
        }
        let figures = self.read_figures(props);
        Movement {
            common,
            from,
            also_from,
            to,
            to_assumed,
            movement_type: self
                .required_term(props, "movement_type")
                .unwrap_or(Term::Unknown(String::new())),
            status: self
                .required_term(props, "status")
                .unwrap_or(Term::Unknown(String::new())),
            figures,
            summary: self.opt_string(props, "summary"),
        }
    }

    fn read_figures(&mut self, props: &mut Object) -> Vec<Figure> {
        let mut figures = Vec::new();
        if let Some(items) = self.opt_array(props, "figures") {
            for (i, item) in items.iter().enumerate() {
                if let Some(figure) = self.read_figure(item, format!("properties.figures[{i}]")) {
                    figures.push(figure);
                }
            }
        }
        figures
    }

    fn read_figure(&mut self, value: &Value, path: String) -> Option<Figure> {
        let Value::Object(map) = value else {
            self.error(
                path,
                format!("expected an object, found {}", type_name(value)),
            );
            return None;
        };
        let mut object = Object::new(map, path);
        let measure = self.required_term(&mut object, "measure");
        let value_path = object.path_of("value");
        let value = match object.get("value") {
            Some(Value::Number(n)) => {
                let whole = n.as_u64().or_else(|| {
                    // 3.0 and -0 are whole numbers written with a fraction or a sign.
                    n.as_f64()
                        .filter(|v| v.fract() == 0.0 && (0.0..=MAX_FIGURE as f64).contains(v))
                        .map(|v| v as u64)
                });
                match whole.filter(|v| *v <= MAX_FIGURE) {
                    Some(v) => Some(v),
                    None => {
                        self.error(
                            value_path,
                            format!(
                                "a figure is a whole number from 0 to {}, found {}",
                                crate::model::format_count(MAX_FIGURE),
                                describe_value(&Value::Number(n.clone()))
                            ),
                        );
                        None
                    }
                }
            }
            Some(other) => {
                self.error(
                    value_path,
                    format!("expected a number, found {}", type_name(other)),
                );
                None
            }
            None => {
                self.error(value_path, "a figure needs a value");
                None
            }
        };
        let qualifier = self
            .opt_term(&mut object, "qualifier")
            .unwrap_or(Term::Known(crate::model::Qualifier::Exact));
        let sources = self.cited_sources(&mut object);
        if sources.is_empty() {
            self.error(
                object.path_of("sources"),
                "every figure must cite at least one source",
            );
        }
        Some(Figure {
            measure: measure?,
            value: value?,
            qualifier,
            sources,
            note: self.opt_string(&mut object, "note"),
            extra: object.extra(),
        })
    }

    fn read_event(&mut self, props: &mut Object, common: Common) -> Event {
        let place = match props.get("place") {
            Some(Value::String(id)) => {
                self.references.push(Reference {
                    scope: self.scope.clone().unwrap_or(Scope::Document),
                    path: "properties.place".into(),
                    id: id.clone(),
                    to: ReferenceTarget::Place,
                });
                Some(id.clone())
            }
            Some(other) => {
                self.error(
                    "properties.place".into(),
                    format!("expected a place id, found {}", type_name(other)),
                );
                None
            }
            None => None,
        };
        match &common.geometry {
            Some(Geometry::Point(_)) => {}
            Some(_) => self.error(
                "geometry".into(),
                "an event is a Point (or null with a place)",
            ),
            None if place.is_none() => self.error(
                "geometry".into(),
                "an event needs a Point geometry or a \"place\" reference",
            ),
            None => {}
        }
        if common.sources.is_empty() {
            self.error(
                "properties.sources".into(),
                "an event must cite at least one source",
            );
        }
        Event {
            common,
            event_type: self
                .required_term(props, "event_type")
                .unwrap_or(Term::Unknown(String::new())),
            place,
            summary: self.opt_string(props, "summary"),
            actors: self.string_list(props, "actors"),
            figures: self.read_figures(props),
        }
    }

    /// Positions beyond ±180° / ±90° are refused for evacmap's own features (they could not be
    /// placed on the map); on other features RFC 7946 only says they SHOULD NOT occur: a warning.
    fn check_coordinates(&mut self, geometry: &Geometry<f64>, is_evacmap: bool) {
        for coord in geometry.coords_iter() {
            let (lon, lat) = (coord.x, coord.y);
            if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) {
                continue;
            }
            let hint = if (-90.0..=90.0).contains(&lon) && (-180.0..=180.0).contains(&lat) {
                " (GeoJSON positions are [longitude, latitude]: are they swapped?)"
            } else {
                ""
            };
            let message = format!(
                "position [{lon}, {lat}] is out of range: longitude must be within -180..180 and \
                 latitude within -90..90{hint}"
            );
            if is_evacmap {
                self.error("geometry".into(), message);
            } else {
                self.warning("geometry".into(), format!("{message}; drawn as given"));
            }
            return;
        }
    }

    fn check_references(&mut self, dataset: &Dataset) {
        let sources: foldhash::HashSet<&str> =
            dataset.meta.sources.iter().map(|s| s.id.as_str()).collect();
        for reference in std::mem::take(&mut self.references) {
            let message = match reference.to {
                ReferenceTarget::Source if !sources.contains(reference.id.as_str()) => {
                    Some(format!(
                        "unknown source {}: sources are declared in the top-level \"evacmap\".\"sources\"",
                        quote(&reference.id)
                    ))
                }
                ReferenceTarget::Place => place_problem(dataset, &reference.id),
                ReferenceTarget::Source => None,
            };
            if let Some(message) = message {
                self.scope = Some(reference.scope);
                self.error(reference.path, message);
            }
        }
        self.scope = None;
    }

    // Typed member readers: each reports a wrong type at the member's path and returns None.

    fn opt_string(&mut self, object: &mut Object, key: &'static str) -> Option<String> {
        match object.get(key)? {
            Value::String(s) => Some(s.clone()),
            other => {
                self.error(
                    object.path_of(key),
                    format!("expected a string, found {}", type_name(other)),
                );
                None
            }
        }
    }

    fn required_string(&mut self, object: &mut Object, key: &'static str) -> Option<String> {
        let value = self.opt_string(object, key);
        match &value {
            None if object.map.get(key).is_none_or(Value::is_null) => {
                self.error(object.path_of(key), format!("missing \"{key}\""))
            }
            Some(s) if s.trim().is_empty() => {
                self.error(object.path_of(key), format!("\"{key}\" is empty"))
            }
            _ => {}
        }
        value
    }

    fn opt_array<'v>(
        &mut self,
        object: &mut Object<'v>,
        key: &'static str,
    ) -> Option<&'v Vec<Value>> {
        match object.get(key)? {
            Value::Array(items) => Some(items),
            other => {
                self.error(
                    object.path_of(key),
                    format!("expected an array, found {}", type_name(other)),
                );
                None
            }
        }
    }

    fn string_list(&mut self, object: &mut Object, key: &'static str) -> Vec<String> {
        let Some(items) = self.opt_array(object, key) else {
            return Vec::new();
        };
        let mut strings = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item {
                Value::String(s) => strings.push(s.clone()),
                other => self.error(
                    format!("{}[{i}]", object.path_of(key)),
                    format!("expected a string, found {}", type_name(other)),
                ),
            }
        }
        strings
    }

    /// A list of source ids; each is checked against the declared sources once all is read.
    fn source_list(&mut self, object: &mut Object, key: &'static str) -> Vec<String> {
        let ids = self.string_list(object, key);
        for (i, id) in ids.iter().enumerate() {
            if self
                .declared_sources
                .as_ref()
                .is_some_and(|declared| declared.contains(id))
            {
                continue;
            }
            self.references.push(Reference {
                scope: self.scope.clone().unwrap_or(Scope::Document),
                path: format!("{}[{i}]", object.path_of(key)),
                id: id.clone(),
                to: ReferenceTarget::Source,
            });
        }
        ids
    }

    fn cited_sources(&mut self, object: &mut Object) -> Vec<String> {
        self.source_list(object, "sources")
    }

    /// `from`: one place id, or a list of them for a movement that left from several places.
    fn origins(&mut self, object: &mut Object) -> (String, Vec<String>) {
        let Some(Value::Array(items)) = object.raw_list("from") else {
            return (self.place_reference(object, "from"), Vec::new());
        };
        let path = object.path_of("from");
        if items.is_empty() {
            self.error(path, "\"from\" needs at least one place id");
            return (String::new(), Vec::new());
        }
        let mut ids = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            match item {
                Value::String(id) if !id.trim().is_empty() => {
                    if ids.contains(id) {
                        self.error(item_path, format!("{} is listed twice", quote(id)));
                        continue;
                    }
                    self.references.push(Reference {
                        scope: self.scope.clone().unwrap_or(Scope::Document),
                        path: item_path,
                        id: id.clone(),
                        to: ReferenceTarget::Place,
                    });
                    ids.push(id.clone());
                }
                other => self.error(
                    item_path,
                    format!("expected a place id, found {}", describe_value(other)),
                ),
            }
        }
        let mut ids = ids.into_iter();
        (ids.next().unwrap_or_default(), ids.collect())
    }

    fn place_reference(&mut self, object: &mut Object, key: &'static str) -> String {
        match self.required_string(object, key) {
            Some(id) => {
                self.references.push(Reference {
                    scope: self.scope.clone().unwrap_or(Scope::Document),
                    path: object.path_of(key),
                    id: id.clone(),
                    to: ReferenceTarget::Place,
                });
                id
            }
            None => String::new(),
        }
    }

    fn opt_when(&mut self, object: &mut Object, key: &'static str) -> Option<When> {
        let text = self.opt_string(object, key)?;
        match When::parse(&text) {
            Ok(when) => Some(when),
            Err(e) => {
                self.error(object.path_of(key), e.to_string());
                None
            }
        }
    }

    fn opt_term<T: Vocabulary>(
        &mut self,
        object: &mut Object,
        key: &'static str,
    ) -> Option<Term<T>> {
        let text = self.opt_string(object, key)?;
        let term = Term::<T>::parse(&text);
        if term.known().is_none() {
            self.warning(
                object.path_of(key),
                format!(
                    "unknown {} {} (known: {}); kept as written",
                    T::WHAT,
                    quote(&text),
                    T::expected()
                ),
            );
        }
        Some(term)
    }

    fn required_term<T: Vocabulary>(
        &mut self,
        object: &mut Object,
        key: &'static str,
    ) -> Option<Term<T>> {
        let term = self.opt_term(object, key);
        if term.is_none() && object.map.get(key).is_none_or(Value::is_null) {
            self.error(
                object.path_of(key),
                format!("missing \"{key}\" (one of: {})", T::expected()),
            );
        }
        term
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// What a load gives, in a form that compares (a dataset's id index has no fixed order).
    pub(crate) fn outcome(
        loaded: Result<Loaded, LoadError>,
    ) -> Result<(Dataset, String), Vec<String>> {
        loaded
            .map(|l| (l.dataset, format!("{:?}", l.warnings)))
            .map_err(|e| e.problems())
    }

    /// The bundled story and every fixture, good or bad.
    pub(crate) fn story_files() -> Vec<std::path::PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = vec![root.join("data/damascus-2017-05.geojson")];
        for folder in ["tests/fixtures/good", "tests/fixtures/bad"] {
            for entry in std::fs::read_dir(root.join(folder)).expect("fixtures") {
                files.push(entry.expect("an entry").path());
            }
        }
        files
    }

    /// Every fixture, good or bad, and the bundled story read the same either way.
    #[test]
    fn features_read_apart_give_what_the_whole_tree_gives() {
        let files = story_files();
        let mut outlined = 0;
        for file in &files {
            let bytes = std::fs::read(file).unwrap();
            let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
            outlined += usize::from(split::outline(text).is_some());
            let fast = outcome(parse_bytes_by(
                &bytes,
                "f",
                Route::Outlined,
                &LoadProgress::default(),
            ));
            let whole = outcome(parse_bytes_by(
                &bytes,
                "f",
                Route::WholeTree,
                &LoadProgress::default(),
            ));
            assert!(fast == whole, "{}: {fast:?}\n{whole:?}", file.display());
        }
        assert!(
            outlined > files.len() / 2,
            "{outlined} of {} outlined",
            files.len()
        );
    }

    #[test]
    fn a_generated_story_reads_the_same_on_every_route() {
        let mut text = Vec::new();
        crate::generate::write_story(&mut text, 3_000, 7).unwrap();
        let fast = outcome(parse_bytes_by(
            &text,
            "g",
            Route::Outlined,
            &LoadProgress::default(),
        ))
        .unwrap();
        let whole = outcome(parse_bytes_by(
            &text,
            "g",
            Route::WholeTree,
            &LoadProgress::default(),
        ))
        .unwrap();
        assert_eq!(fast.0.features().len(), 3_000);
        assert!(fast == whole);
    }

    /// A story read into pages of its own, let go of as its features are read, reads as the
    /// same story read whole; a feature that does not parse, found after pages went, is
    /// reported from the file read again, as the full reader reports it.
    #[test]
    fn a_text_let_go_of_while_read_gives_what_the_whole_text_gives() {
        let dir = tempfile::tempdir().unwrap();
        let mut good = Vec::new();
        crate::generate::write_story(&mut good, 5_000, 11).unwrap();
        let mut bad = good.clone();
        let end_of_features = bad.iter().rposition(|&b| b == b']').unwrap();
        bad.splice(
            end_of_features..end_of_features,
            b",{\"type\":\"Feature\",,}".iter().copied(),
        );
        for (name, bytes) in [("good.geojson", &good), ("bad.geojson", &bad)] {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let progress = LoadProgress::default();
            let mapped = super::super::source::read_file_text(
                &path,
                MAX_FILE_BYTES,
                bytes.len() as u64,
                0,
                &progress,
            )
            .unwrap();
            assert!(mapped.reread_from().is_some(), "{name} was not mapped");
            let released = outcome(parse_owned(mapped, "s", &progress));
            let whole = outcome(parse_bytes_by(
                bytes,
                "s",
                Route::WholeTree,
                &LoadProgress::default(),
            ));
            assert!(released == whole, "{name}: {released:?}\n{whole:?}");
        }
        let problems = outcome(parse_bytes(&bad, "s")).unwrap_err();
        assert!(
            problems[0].starts_with("s:5002:20: error: not valid JSON"),
            "{problems:?}"
        );
    }
}

#[cfg(test)]
mod quick_way_tests {
    use super::*;

    const PLACE_A: &str = r#"{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[36.3,33.5]},"properties":{"kind":"place","name":"A","sources":["monitor"]}}"#;
    const PLACE_B: &str = r#"{"type":"Feature","id":"b","geometry":{"type":"Point","coordinates":[36.6,35.9]},"properties":{"kind":"place","name":"B","place_type":"town","control":[{"when":"2015","status":"opposition","sources":["monitor"]}],"sources":["monitor"]}}"#;
    const MOVEMENT: &str = r#"{"type":"Feature","id":"m","geometry":null,"properties":{"kind":"movement","from":"a","to":"b","when":"2017-05-12","movement_type":"evacuation","status":"completed","figures":[{"measure":"people","value":700,"qualifier":"about","sources":["agency"]}],"sources":["agency"]}}"#;
    const EVENT: &str = r#"{"type":"Feature","id":"e","geometry":null,"properties":{"kind":"event","event_type":"clashes","when":"2017-05","place":"a","summary":"Clashes","actors":["x"],"sources":["monitor"]}}"#;

    fn story(features: &[&str]) -> String {
        format!(
            r#"{{"type":"FeatureCollection","evacmap":{{"version":1,"sources":{{"monitor":{{"name":"Monitor"}},"agency":{{"name":"Agency"}}}}}},"features":[{}]}}"#,
            features.join(",\n")
        )
    }

    fn both_routes(text: &str) -> (String, String) {
        let read = |route| {
            let loaded = parse_bytes_by(text.as_bytes(), "s", route, &LoadProgress::default());
            format!(
                "{:?}",
                loaded
                    .map(|l| (l.dataset, l.warnings))
                    .map_err(|e| e.problems())
            )
        };
        (read(Route::Outlined), read(Route::WholeTree))
    }

    #[test]
    fn features_of_the_usual_shape_go_the_quick_way() {
        let declared = |id: &str| matches!(id, "monitor" | "agency");
        for feature in [PLACE_A, PLACE_B, MOVEMENT, EVENT] {
            assert!(
                fast::read(feature.as_bytes(), &declared).is_some(),
                "{feature}"
            );
        }
        let mut text = Vec::new();
        crate::generate::write_story(&mut text, 300, 2).unwrap();
        let text = String::from_utf8(text).unwrap();
        let features: Vec<&str> = text
            .lines()
            .filter(|line| line.starts_with(r#"{"type":"Feature""#))
            .map(|line| line.trim_end_matches(','))
            .collect();
        assert_eq!(features.len(), 300);
        let quick = features
            .iter()
            .filter(|f| fast::read(f.as_bytes(), &declared).is_some())
            .count();
        assert_eq!(quick, 300, "every generated feature goes the quick way");
    }

    /// Each variation is of one member; the quick way must either decline it or read it exactly
    /// as the full reader does, with the same problems.
    #[test]
    fn the_quick_way_agrees_with_the_full_reader_on_every_variation() {
        let variations: &[(&str, &str, &str)] = &[
            (MOVEMENT, r#""value":700"#, r#""value":700.0"#),
            (MOVEMENT, r#""value":700"#, r#""value":-1"#),
            (MOVEMENT, r#""value":700"#, r#""value":9007199254740992"#),
            (MOVEMENT, r#""value":700"#, r#""value":null"#),
            (MOVEMENT, r#""qualifier":"about","#, ""),
            (
                MOVEMENT,
                r#""qualifier":"about""#,
                r#""qualifier":"roughly""#,
            ),
            (MOVEMENT, r#""measure":"people""#, r#""measure":"goats""#),
            (MOVEMENT, r#""sources":["agency"]}],"#, r#""sources":[]}],"#),
            (
                MOVEMENT,
                r#""sources":["agency"]}],"#,
                r#""sources":["nobody"]}],"#,
            ),
            (
                MOVEMENT,
                r#""sources":["agency"]}}"#,
                r#""sources":["nobody"]}}"#,
            ),
            (MOVEMENT, r#""sources":["agency"]}}"#, r#""sources":null}}"#),
            (MOVEMENT, r#""to":"b""#, r#""to":"a""#),
            (MOVEMENT, r#""to":"b""#, r#""to":"nowhere""#),
            (MOVEMENT, r#""to":"b""#, r#""to":"e""#),
            (MOVEMENT, r#""to":"b""#, r#""to":" ""#),
            (MOVEMENT, r#""to":"b""#, r#""to":7"#),
            (MOVEMENT, r#""from":"a""#, r#""from":["a","b"]"#),
            (MOVEMENT, r#""from":"a""#, r#""from":"a","from":"b""#),
            (MOVEMENT, r#""when":"2017-05-12""#, r#""when":"2017-13""#),
            (
                MOVEMENT,
                r#""when":"2017-05-12""#,
                r#""when":"2017-05/2016""#,
            ),
            (MOVEMENT, r#""when":"2017-05-12""#, r#""when":null"#),
            (MOVEMENT, r#""status":"completed""#, r#""status":"done""#),
            (MOVEMENT, r#""status":"completed","#, ""),
            (
                MOVEMENT,
                r#""geometry":null"#,
                r#""geometry":{"type":"LineString","coordinates":[[36.3,33.5],[36.6,35.9]]}"#,
            ),
            (
                MOVEMENT,
                r#""geometry":null"#,
                r#""geometry":{"type":"Point","coordinates":[36.3,33.5]}"#,
            ),
            (
                MOVEMENT,
                r#""kind":"movement","#,
                r#""kind":"movement","colour":"red","#,
            ),
            (
                MOVEMENT,
                r#""kind":"movement","#,
                r#""kind":"movement","actors":["x"],"#,
            ),
            (
                MOVEMENT,
                r#""kind":"movement","#,
                r#""kind":"movement","to_assumed":true,"#,
            ),
            (
                MOVEMENT,
                r#""kind":"movement","#,
                r#""kind":"movement","to_assumed":"yes","#,
            ),
            (
                MOVEMENT,
                r#""kind":"movement","#,
                r#""kind":"movement","name":"Esc\u00e9"," summary":1,"#,
            ),
            (MOVEMENT, r#""id":"m""#, r#""id":"m","bbox":[0,0,1,1]"#),
            (MOVEMENT, r#""id":"m""#, r#""id":"m","crs":null"#),
            (MOVEMENT, r#""id":"m""#, r#""id":7"#),
            (MOVEMENT, r#""id":"m""#, r#""id":"""#),
            (MOVEMENT, r#""id":"m""#, r#""id":"a""#),
            (MOVEMENT, r#""kind":"movement""#, r#""kind":"journey""#),
            (
                PLACE_A,
                r#""coordinates":[36.3,33.5]"#,
                r#""coordinates":[36.3,133.5]"#,
            ),
            (
                PLACE_A,
                r#""coordinates":[36.3,33.5]"#,
                r#""coordinates":[36.3,33.5,700]"#,
            ),
            (
                PLACE_A,
                r#""coordinates":[36.3,33.5]"#,
                r#""coordinates":[36.3]"#,
            ),
            (
                PLACE_A,
                r#""coordinates":[36.3,33.5]"#,
                r#""coordinates":[]"#,
            ),
            (PLACE_A, r#""name":"A","#, ""),
            (PLACE_A, r#""name":"A""#, r#""name":"A"quoted\u0041""#),
            (
                PLACE_A,
                r#""name":"A""#,
                r#""name":"A","name_ar":"أ","name_variants":["Ay"],"admin1":"X","description":"d""#,
            ),
            (
                PLACE_A,
                r#""name":"A""#,
                r#""name":"A","place_type":"hamlet""#,
            ),
            (
                PLACE_A,
                r#""name":"A""#,
                r#""name":"A","geo_precision":"approximate""#,
            ),
            (
                PLACE_A,
                r#""name":"A""#,
                r#""name":"A","when_basis":"weekday""#,
            ),
            (
                PLACE_A,
                r#"{"type":"Point","coordinates":[36.3,33.5]}"#,
                "null",
            ),
            (
                PLACE_A,
                r#"{"type":"Point","coordinates":[36.3,33.5]}"#,
                r#"{"type":"Polygon","coordinates":[[[36,33],[37,33],[37,34],[36,33]]]}"#,
            ),
            (PLACE_B, r#""status":"opposition""#, r#""status":"rebels""#),
            (PLACE_B, r#""status":"opposition","#, ""),
            (PLACE_B, r#""when":"2015","#, r#""when":"2015","share":40,"#),
            (
                PLACE_B,
                r#""when":"2015","#,
                r#""when":"2015","share":140,"#,
            ),
            (
                PLACE_B,
                r#""when":"2015","#,
                r#""when":"2015","qualifier":"about","note":"n","actors":["y"],"#,
            ),
            (PLACE_B, r#""when":"2015","#, r#""when":"2015","colour":1,"#),
            (
                PLACE_B,
                r#""sources":["monitor"]}]"#,
                r#""sources":["nobody"]}]"#,
            ),
            (PLACE_B, r#"[{"when""#, r#"[7,{"when""#),
            (EVENT, r#""place":"a","#, ""),
            (EVENT, r#""place":"a""#, r#""place":"b""#),
            (EVENT, r#""place":"a""#, r#""place":"m""#),
            (
                EVENT,
                r#""geometry":null"#,
                r#""geometry":{"type":"Point","coordinates":[36.3,33.5]}"#,
            ),
            (EVENT, r#""event_type":"clashes""#, r#""event_type":"riot""#),
            (
                EVENT,
                r#""summary":"Clashes","#,
                r#""summary":"Clashes","figures":[{"measure":"fatalities","value":3,"sources":["monitor"]}],"#,
            ),
            (
                EVENT,
                r#""summary":"Clashes","#,
                r#""summary":"Clashes","to":"b","#,
            ),
            (EVENT, r#""actors":["x"]"#, r#""actors":["x",3]"#),
        ];
        for (base, from, to) in variations {
            assert!(base.contains(from), "{from} is not in {base}");
            let varied = base.replacen(from, to, 1);
            let text = story(&[PLACE_A, PLACE_B, &varied]);
            let (quick, full) = both_routes(&text);
            assert_eq!(quick, full, "{varied}");
        }
    }
}

#[cfg(test)]
mod progress_tests {
    use super::*;

    #[test]
    fn progress_counts_every_feature_and_a_cancelled_load_ends_as_cancelled() {
        let mut text = Vec::new();
        crate::generate::write_story(&mut text, 2_500, 3).unwrap();
        let progress = LoadProgress::default();
        parse_bytes_by(&text, "g", Route::Outlined, &progress).unwrap();
        assert_eq!(progress.describe(), "2,500 of 2,500 features");
        assert_eq!(progress.fraction(), Some(1.0));

        let cancelled = LoadProgress::default();
        cancelled.cancel();
        let error = parse_bytes_by(&text, "g", Route::Outlined, &cancelled).unwrap_err();
        assert!(matches!(error, LoadError::Cancelled { .. }), "{error}");
    }
}
