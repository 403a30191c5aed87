//! Whether a regular file's story fits in memory: estimated from the file's size and how it is
//! read, compared with the memory the system has available. A file is refused only when it
//! cannot fit, with both figures, before a byte of it is read. There is no fixed size cap for
//! regular files; pipes, devices and standard input keep one ([`max_input`]), since their size
//! is not known before they are read.

use std::sync::atomic::{AtomicU64, Ordering};

use super::LoadError;

/// What pipes, devices and standard input may give unless `--max-input` says otherwise.
pub const DEFAULT_MAX_INPUT: u64 = 512 * 1024 * 1024;

static MAX_INPUT: AtomicU64 = AtomicU64::new(DEFAULT_MAX_INPUT);

/// The most a pipe, device or standard input may give (`--max-input`).
pub fn max_input() -> u64 {
    MAX_INPUT.load(Ordering::Relaxed)
}

/// Sets [`max_input`] for this process (the command line's `--max-input`).
pub fn set_max_input(bytes: u64) {
    MAX_INPUT.store(bytes.max(1), Ordering::Relaxed);
}

/// How a file is read, which decides the memory its story takes at the peak of the load, in
/// tenths of the file's size (measured on generated files; see docs/testing.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadWay {
    /// A GeoJSON FeatureCollection outlined as it is read, its text never held whole:
    /// 0.6 times the file at the peak (1M features: 174 MB for 294 MB).
    GeoJsonStreamed,
    /// An ACLED export read in chunks into columns: 1.45 times the file at most.
    TableStreamed,
    /// A flow table (or one by chosen columns) read in chunks into columns: a movement or an
    /// event takes more than its short row (a million UNHCR rows, 62 MB: 330 MB at the peak).
    FlowsStreamed,
    /// Any file read whole, then parsed: its text, and a tree of it for what the fast path
    /// does not read.
    Whole,
    /// A CSV table held whole as rows of cells (HXL, IDMC and DTM tables; any table from a
    /// pipe), with the story made of it: 7 times the file (a million UNHCR rows held whole:
    /// 439 MB for 62 MB).
    TableWhole,
}

impl ReadWay {
    fn tenths(self) -> u64 {
        match self {
            ReadWay::GeoJsonStreamed => 7,
            ReadWay::TableStreamed => 15,
            ReadWay::FlowsStreamed => 60,
            ReadWay::Whole => 30,
            ReadWay::TableWhole => 80,
        }
    }

    /// Memory a story read this way from `size` bytes takes, about.
    pub fn memory_needed(self, size: u64) -> u64 {
        size.saturating_mul(self.tenths()) / 10
    }
}

/// The columns address their text with 32-bit offsets: the text of a story stays under 4 GiB.
/// A story's text is at most half its file (ids, names and summaries, without the JSON
/// around them), so files up to twice that are read.
const MAX_STORY_TEXT: u64 = u32::MAX as u64;

/// `Ok` when a story read `way` from a regular file of `size` bytes fits in the memory
/// available (or when that is not known); else the refusal, with both figures.
pub fn check_fits(origin: &str, size: u64, way: ReadWay) -> Result<(), LoadError> {
    let needed = way.memory_needed(size);
    let available = available_memory();
    let refused = |available| {
        Err(LoadError::TooLarge {
            path: origin.to_owned(),
            size,
            needed,
            available,
        })
    };
    match available {
        Some(available) if needed > available => refused(Some(available)),
        _ if size / 2 > MAX_STORY_TEXT => refused(None),
        _ => Ok(()),
    }
}

/// Memory this process may still take: what the system has available, within the limit of its
/// control group (a container's) where it has one. `None` where neither can be read.
pub fn available_memory() -> Option<u64> {
    let system = read_meminfo_available();
    let group = read_cgroup_room();
    match (system, group) {
        (Some(system), Some(group)) => Some(system.min(group)),
        (one, other) => one.or(other),
    }
}

/// `MemAvailable` of `/proc/meminfo`, in bytes.
fn read_meminfo_available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// What the control group (v2) this process is in may still take: its `memory.max` less its
/// `memory.current`; `None` without a limit.
fn read_cgroup_room() -> Option<u64> {
    let own = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let path = own.lines().find_map(|l| l.strip_prefix("0::"))?;
    let folder = std::path::Path::new("/sys/fs/cgroup").join(path.trim_start_matches('/'));
    let read = |name: &str| std::fs::read_to_string(folder.join(name)).ok();
    let max: u64 = read("memory.max")?.trim().parse().ok()?;
    let current: u64 = read("memory.current")?.trim().parse().ok()?;
    Some(max.saturating_sub(current))
}

/// 2_040_109_465 → "1.9 GB": sizes of memory as the system's tools show them.
pub fn format_memory(bytes: u64) -> String {
    const GB: f64 = 1e9;
    const MB: f64 = 1e6;
    let bytes = bytes as f64;
    if bytes >= GB {
        format!("{:.1} GB", bytes / GB)
    } else {
        format!("{:.0} MB", (bytes / MB).max(1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_refused_only_when_its_story_cannot_fit() {
        // A terabyte cannot fit anywhere this runs; a kilobyte fits everywhere.
        let refused = check_fits("huge.geojson", 1 << 40, ReadWay::GeoJsonStreamed).unwrap_err();
        let message = refused.to_string();
        assert!(
            message.starts_with("huge.geojson: the file is 1099.5 GB; its story needs about"),
            "{message}"
        );
        assert!(check_fits("small.geojson", 1024, ReadWay::TableWhole).is_ok());
        if let Some(available) = available_memory() {
            assert!(available > 0);
            let just_over = available * 2;
            let error = check_fits("big.geojson", just_over, ReadWay::GeoJsonStreamed);
            assert!(
                matches!(
                    error,
                    Err(LoadError::TooLarge {
                        available: Some(_),
                        ..
                    })
                ),
                "{error:?}"
            );
        }
    }

    #[test]
    fn memory_is_written_for_people() {
        assert_eq!(format_memory(2_040_109_465), "2.0 GB");
        assert_eq!(format_memory(1_240_000_000), "1.2 GB");
        assert_eq!(format_memory(350_000_000), "350 MB");
        assert_eq!(ReadWay::TableStreamed.memory_needed(1000), 1500);
    }
}
