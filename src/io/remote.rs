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
