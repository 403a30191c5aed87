//! How far a load has come, shared by the worker that reads and the window that shows it, and
//! the window's request to stop.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Counters a loader advances and a window reads; all relaxed (a progress bar needs no order).
#[derive(Debug, Default)]
pub struct LoadProgress {
    bytes_total: AtomicU64,
    bytes_read: AtomicU64,
    features_total: AtomicU64,
    features_read: AtomicU64,
    /// The items counted are a table's rows, not features.
    rows: AtomicBool,
    cancelled: AtomicBool,
    /// What a store shows of a big story before its features arrive.
    overview: std::sync::Mutex<Option<std::sync::Arc<super::overview::Overview>>>,
}

impl LoadProgress {
    /// Asks the loader to stop at its next step; it then ends with [`super::LoadError::Cancelled`].
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    pub fn set_bytes(&self, read: u64, total: u64) {
        self.bytes_read.store(read, Ordering::Relaxed);
        self.bytes_total.store(total, Ordering::Relaxed);
    }

    /// Shows `overview` while the features are read.
    pub fn set_overview(&self, overview: super::overview::Overview) {
        if let Ok(mut slot) = self.overview.lock() {
            *slot = Some(std::sync::Arc::new(overview));
        }
    }

    /// The overview the loader has shown, if any.
    pub fn overview(&self) -> Option<std::sync::Arc<super::overview::Overview>> {
        self.overview.lock().ok().and_then(|slot| slot.clone())
    }

    pub fn set_features_total(&self, total: usize) {
        self.features_total.store(total as u64, Ordering::Relaxed);
    }

    /// Counts a table's rows (`total` may be an estimate: the lines) instead of features.
    pub fn set_rows_total(&self, total: usize) {
        self.rows.store(true, Ordering::Relaxed);
        self.set_features_total(total);
    }

    pub fn add_features(&self, count: usize) {
        self.features_read
            .fetch_add(count as u64, Ordering::Relaxed);
    }

    /// From 0 to 1: reading the bytes is the first tenth, reading the features the rest.
    pub fn fraction(&self) -> Option<f32> {
        let ratio = |done: &AtomicU64, total: &AtomicU64| {
            let total = total.load(Ordering::Relaxed);
            (total > 0).then(|| done.load(Ordering::Relaxed).min(total) as f32 / total as f32)
        };
        match ratio(&self.features_read, &self.features_total) {
            Some(features) => Some(0.1 + 0.9 * features),
            None => ratio(&self.bytes_read, &self.bytes_total).map(|bytes| 0.1 * bytes),
        }
    }

    /// "1.2 of 27.9 MiB read" while reading, then "12,000 of 100,000 features".
    pub fn describe(&self) -> String {
        let features_total = self.features_total.load(Ordering::Relaxed);
        if features_total > 0 {
            let read = self
                .features_read
                .load(Ordering::Relaxed)
                .min(features_total);
            let unit = if self.rows.load(Ordering::Relaxed) {
                "rows"
            } else {
                "features"
            };
            return format!(
                "{} of {} {unit}",
                crate::model::format_count(read),
                crate::model::format_count(features_total)
            );
        }
        let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
        let read = self.bytes_read.load(Ordering::Relaxed);
        match self.bytes_total.load(Ordering::Relaxed) {
            0 => format!("{:.1} MiB read", mib(read)),
            total => format!("{:.1} of {:.1} MiB read", mib(read), mib(total)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_the_first_tenth_and_features_the_rest() {
        let progress = LoadProgress::default();
        assert_eq!(progress.fraction(), None);
        progress.set_bytes(512 * 1024, 1024 * 1024);
        assert_eq!(progress.fraction(), Some(0.05));
        assert_eq!(progress.describe(), "0.5 of 1.0 MiB read");
        progress.set_features_total(4_000);
        progress.add_features(1_000);
        assert_eq!(progress.fraction(), Some(0.1 + 0.9 * 0.25));
        assert_eq!(progress.describe(), "1,000 of 4,000 features");
        assert!(!progress.is_cancelled());
        progress.cancel();
        assert!(progress.is_cancelled());
    }
}
