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

/// The memory the process holds now (resident set size), in bytes, where the system tells
/// (Linux); for the log, so that a big story's footprint can be read off a run.
pub fn resident_bytes() -> Option<u64> {
    vm_rss(&std::fs::read_to_string("/proc/self/status").ok()?)
}

/// The `VmRSS` line of a `/proc/<pid>/status` text, in bytes.
fn vm_rss(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}

/// "resident memory 412 MB", or nothing where the system does not tell.
pub fn describe_resident() -> String {
    resident_bytes().map_or_else(String::new, |bytes| {
        format!("resident memory {} MB", bytes / 1_000_000)
    })
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

    #[test]
    fn resident_memory_is_read_from_the_status_text() {
        let status = "Name:\tevacmap\nVmPeak:\t  900 kB\nVmRSS:\t  205312 kB\nThreads:\t3\n";
        assert_eq!(vm_rss(status), Some(205_312 * 1024));
        assert_eq!(vm_rss("Name:\tevacmap\n"), None);
        assert_eq!(vm_rss("VmRSS:\t lots kB\n"), None);
    }

    /// Other tests allocate and free at the same time, so only that a figure comes is checked.
    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_reports_its_resident_memory() {
        assert!(resident_bytes().is_some_and(|bytes| bytes > 0));
        assert!(describe_resident().starts_with("resident memory "));
    }
}
