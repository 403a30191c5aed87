//! Handing memory the process freed back to the system.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Gives the pages of freed memory back to the system now. The allocator keeps freed pages a
/// while for reuse; after a big story is read, that is the text and the workers' buffers, a
/// third of what the story takes, held for nothing. A no-op for other allocators.
pub fn give_back_freed() {
    // SAFETY: mi_collect has no preconditions; it only frees mimalloc's own unused pages.
    unsafe { libmimalloc_sys::mi_collect(true) };
    // What C libraries freed (the GL driver's per-thread buffers, for one) stays with the
    // system allocator's arenas until trimmed.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim has no preconditions; it only returns free memory of glibc's arenas.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e` of the mimalloc 3 that
/// libmimalloc-sys builds, which does not name it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Sets how this process keeps memory, first thing in `main`: small pages only (see
/// [`keep_pages_small`]), and freed memory handed back at once rather than a second later. A
/// load frees as it goes (a worker's growing columns, the parts it joins): held a second each,
/// they made the peak of a million-feature load 40% higher, for no speed gained.
pub fn configure_process() {
    keep_pages_small();
    report_file_size_limits();
    // SAFETY: setting an option has no preconditions.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
}

/// A write past the file-size limit (`ulimit -f`) fails with an error the save reports, the
/// file left as it was, instead of killing the process with the unsaved edits in it.
fn report_file_size_limits() {
    #[cfg(unix)]
    // SAFETY: ignoring a signal installs no handler and touches no memory.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

/// Asks the system to back this process's memory with small pages only. Where transparent huge
/// pages are on for every process (Debian's default), one touched byte makes two megabytes
/// resident: the allocators' partly used pages then held a tenth of a big story's memory.
/// Pages already faulted in keep their size.
fn keep_pages_small() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE only sets a flag of this process; it touches no memory.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// When freed memory is to be handed back, in milliseconds since `EPOCH` (0: not asked for).
struct Settle {
    due_ms: AtomicU64,
}

static SETTLE: Settle = Settle {
    due_ms: AtomicU64::new(0),
};
static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

/// How long after a big change freed memory is handed back: the frames that follow a load or
/// a new zoom level free much of what they work out once (first tallies, lists), too.
pub const SETTLE_DELAY: Duration = Duration::from_millis(400);

fn now_ms() -> u64 {
    EPOCH.get_or_init(Instant::now).elapsed().as_millis() as u64 + 1
}

impl Settle {
    fn soon(&self) {
        let due = now_ms() + SETTLE_DELAY.as_millis() as u64;
        self.due_ms.store(due, Ordering::Relaxed);
    }

    fn pending(&self) -> bool {
        self.due_ms.load(Ordering::Relaxed) != 0
    }

    /// Whether the hand-back is due now (and taken: once per ask); `Err` while still to come.
    fn take_due(&self) -> Result<bool, ()> {
        let due = self.due_ms.load(Ordering::Relaxed);
        if due == 0 {
            return Ok(false);
        }
        if now_ms() < due {
            return Err(());
        }
        Ok(self
            .due_ms
            .compare_exchange(due, 0, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok())
    }
}

/// Asks for freed memory to be handed back a little later (see [`settle_when_due`]); each ask
/// puts that off again, so a burst of changes is settled once.
pub fn settle_soon() {
    SETTLE.soon();
}

/// Whether a hand-back is asked for and still to come.
pub fn settle_pending() -> bool {
    SETTLE.pending()
}

/// Hands freed memory back if it was asked for and the delay has passed; returns whether a
/// hand-back is still to come (the caller should come back after [`SETTLE_DELAY`]).
pub fn settle_when_due() -> bool {
    match SETTLE.take_due() {
        Ok(true) => {
            give_back_freed();
            false
        }
        Ok(false) => false,
        Err(()) => true,
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
    fn the_purge_delay_option_is_the_one_set() {
        // mimalloc's default purge delay is a second: the option numbered here is that one.
        // SAFETY: reading an option has no preconditions.
        let delay = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(delay, 1000);
        }
    }

    #[test]
    fn a_settle_asked_for_is_due_after_the_delay_and_once() {
        let settle = Settle {
            due_ms: AtomicU64::new(0),
        };
        assert_eq!(settle.take_due(), Ok(false));
        settle.soon();
        assert!(settle.pending());
        assert_eq!(settle.take_due(), Err(()), "due before the delay passed");
        std::thread::sleep(SETTLE_DELAY + Duration::from_millis(50));
        assert_eq!(settle.take_due(), Ok(true));
        assert!(!settle.pending());
        assert_eq!(
            settle.take_due(),
            Ok(false),
            "handed back twice for one ask"
        );
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
