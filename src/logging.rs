//! Logging, with tile failures reported once per host instead of once per tile.
//!
//! walkers logs a warning for every tile it fails to read (evacmap uses it for PMTiles archives);
//! that can be hundreds of lines. This logger passes everything else through to env_logger and
//! reports only the first such failure of each host or archive.

use std::collections::HashSet;
use std::sync::Mutex;

use log::{Log, Metadata, Record};

use crate::map::tiles::host_of;

struct TileAwareLogger {
    inner: env_logger::Logger,
    hosts_reported: Mutex<HashSet<String>>,
}

/// Whether a log record is walkers reporting a failed tile.
fn is_tile_failure(record: &Record) -> bool {
    record.target().starts_with("walkers") && record.level() <= log::Level::Warn
}

/// The host a tile failure message names, or the whole message when it names none.
pub fn failure_key(message: &str) -> String {
    match message.find("://") {
        Some(start) => {
            let url_start = message[..start]
                .rfind(|c: char| c.is_whitespace() || c == '(')
                .map_or(0, |i| i + 1);
            host_of(&message[url_start..]).to_owned()
        }
        None => message.to_owned(),
    }
}

impl Log for TileAwareLogger {
    fn enabled(&self, metadata: &Metadata) -> bool {
        self.inner.enabled(metadata)
    }

    fn log(&self, record: &Record) {
        if !is_tile_failure(record) {
            self.inner.log(record);
            return;
        }
        let message = record.args().to_string();
        let key = failure_key(&message);
        let first = self
            .hosts_reported
            .lock()
            .map(|mut hosts| hosts.insert(key.clone()))
            .unwrap_or(false);
        if first {
            self.inner.log(
                &Record::builder()
                    .args(format_args!(
                        "tiles from {key} failed to load ({message}); the offline basemap is shown \
                         where tiles are missing, and further failures from it are not logged"
                    ))
                    .level(log::Level::Warn)
                    .target("evacmap::tiles")
                    .build(),
            );
        }
    }

    fn flush(&self) {
        self.inner.flush();
    }
}

/// Installs the logger (level from `RUST_LOG`, default `warn`). Safe to call more than once.
pub fn init() {
    let inner = env_logger::Builder::from_env(
        env_logger::Env::default().default_filter_or("warn,usvg=error"),
    )
    // Milliseconds: the info messages time loading and indexing.
    .format_timestamp_millis()
    .build();
    let max_level = inner.filter();
    let logger = TileAwareLogger {
        inner,
        hosts_reported: Mutex::new(HashSet::new()),
    };
    if log::set_boxed_logger(Box::new(logger)).is_ok() {
        log::set_max_level(max_level);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_grouped_by_the_host_in_their_message() {
        assert_eq!(
            failure_key(
                "Fetch(\"error sending request for url (https://tile.openstreetmap.org/7/78/51.png)\")"
            ),
            "tile.openstreetmap.org"
        );
        assert_eq!(
            failure_key("http://127.0.0.1:8080/1/2/3.png: 500"),
            "127.0.0.1"
        );
        assert_eq!(failure_key("decoding failed"), "decoding failed");
    }
}
