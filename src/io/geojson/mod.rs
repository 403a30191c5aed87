//! Reading a story from GeoJSON, checking everything and reporting every problem at once.
//!
//! Policy: any valid RFC 7946 GeoJSON opens (features outside evacmap's vocabulary become
//! generic features); anything invalid is refused with every problem located; nothing panics,
//! whatever the bytes.
//!
//! The way through: [`outline`] finds each feature's text; [`parallel`] reads them on every core,
//! [`usual_shape`] straight into columns where a feature has the usual shape, the [`checker`]
//! otherwise ([`root`], [`features`], [`kinds`]); [`references`] are checked last. A big file is
//! outlined as it is read, without keeping its text ([`big_file`]). The structural rules of RFC 7946 are checked by [`structure`]
//! before any geometry is converted; evacmap's own vocabulary is checked here.
//!
//! Ids: places, movements and events need unique string ids, because references point at them.
//! Other features may repeat an id (GeoJSON allows it; a warning says only the first is found by
//! it), may use numbers (`1` and `"1"` are different ids), or have none: those get a made-up name
//! for display that is never an id, so it cannot collide with a real one.

use std::path::Path;

use crate::io::LoadError;
use crate::io::fits::max_input;
use crate::io::problem::{Location, Problem, ProblemReport, Severity, line_column};
use crate::io::progress::LoadProgress;
use crate::io::source::{origin_name, read_capped, read_capped_to_heap, read_capped_with};
use crate::io::text::{BYTE_ORDER_MARK, FileText, PassingText, without_byte_order_mark};
use crate::model::Dataset;
use checker::Checker;
use parallel::{Stop, read_features_apart};

mod big_file;
mod chapters;
mod checker;
pub mod edit_check;
mod features;
pub mod json;
mod kinds;
pub mod outline;
mod parallel;
mod references;
mod root;
mod sequence;
pub mod structure;
mod usual_shape;

pub use big_file::load as load_big_file;
pub use sequence::load as load_sequence_file;

/// The largest figure a file may give: JSON numbers above 2^53 − 1 are not exact in most
/// readers (RFC 7493, I-JSON), so a larger count could silently change on the way.
pub const MAX_FIGURE: u64 = (1 << 53) - 1;

/// The format version this build writes and fully understands.
pub const FORMAT_VERSION: u32 = 1;

/// A dataset that loaded, with the warnings it had.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub dataset: Dataset,
    pub warnings: Vec<Problem>,
    /// For a story read from a database: the row and version of each feature.
    pub stored: Option<std::sync::Arc<crate::io::remote::StoredRows>>,
}

/// Reads and checks a story file (`-` is standard input: at most [`max_input`] of it).
pub fn load_file(path: &Path) -> Result<Loaded, LoadError> {
    load_file_with_limit(path, max_input())
}

/// [`load_file`] with another size cap.
pub fn load_file_with_limit(path: &Path, limit: u64) -> Result<Loaded, LoadError> {
    let bytes = read_capped(path, limit)?;
    parse_bytes(&bytes, &origin_name(path))
}

/// [`load_file`], counting what it has read in `progress` and stopping when that is cancelled.
pub fn load_file_with_progress(path: &Path, progress: &LoadProgress) -> Result<Loaded, LoadError> {
    let bytes = read_capped_with(path, max_input(), progress)?;
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
                    let whole = read_capped_to_heap(&path, u64::MAX, progress)?;
                    return parse_bytes_by(&whole, origin, Route::WholeTree, progress);
                }
            }
        }
    }
    parse_bytes_by(&bytes, origin, Route::WholeTree, progress)
}

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

    let bytes = without_byte_order_mark(bytes);
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
    let syntax_error = |e: serde_json::Error| {
        let message = json_error_message(&e);
        let (line, column) = editor_position(bytes, e.line(), e.column());
        text_error(Location::Text { line, column }, message)
    };
    // A big text that is not JSON (a file cut short) is told so without its tree: the tree of a
    // gigabyte is ten gigabytes. The same reader finds the same first fault.
    if bytes.len() as u64 >= crate::io::text::MAPPED_FROM_BYTES {
        let mut syntax = serde_json::Deserializer::from_slice(bytes);
        <serde::de::IgnoredAny as serde::Deserialize>::deserialize(&mut syntax)
            .and_then(|_| syntax.end())
            .map_err(syntax_error)?;
    }
    let parsed = json::parse(bytes).map_err(syntax_error)?;

    let mut checker = Checker::default();
    for duplicate in &parsed.duplicates {
        checker.duplicate_member(&parsed.value, &duplicate.path);
    }
    let dataset = checker.read_root(parsed.value, None);
    checker.finish(dataset).map_err(invalid)
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

#[cfg(test)]
mod progress_tests;
#[cfg(test)]
mod quick_tests;
#[cfg(test)]
pub(crate) mod tests;
