//! What reading from a server shares: which part of a story to ask for (a view's box and a
//! time range), and an address as it may be shown (without its password). No egui.

use crate::model::DaySpan;

/// What part of a story or collection to ask for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Window {
    /// West, south, east, north (longitude and latitude, CRS84); `None`: everywhere.
    pub bbox: Option<[f64; 4]>,
    /// The time range; all time asks for no `datetime`.
    pub range: DaySpan,
}

/// Where each feature read from a shared store came from, to write edits back to it: the
/// row of each feature (by its place in what was read) and the version it had then. A save
/// changes a row only while it still has that version (optimistic concurrency).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoredRows {
    /// The story's id in the store.
    pub story: String,
    /// Each feature's row id and version, in the order the features were read.
    pub rows: Vec<(String, i64)>,
    /// Whether the user may change the story (a read-only role may only view it).
    pub writable: bool,
    /// Who the store knows the user as.
    pub user: String,
}

/// A URL as it may be shown: without a password (or user) it may carry.
pub fn shown(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            // Only an address that cannot have a user refuses one: then it has none to hide.
            if parsed.set_username("").is_err() || parsed.set_password(None).is_err() {
                return url.to_owned();
            }
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// An address without the password it may carry, its user kept: what settings remember.
pub fn without_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            if parsed.set_password(None).is_err() {
                return shown(url);
            }
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}
