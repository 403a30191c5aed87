//! Noticing when an open file changes on disk, so its layer reloads (the last good data stays
//! on screen when the new text does not load).
//!
//! Folders are watched rather than files: editors and exporters often save by writing a new
//! file and renaming it over the old one, which a watch on the old file would miss.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};

use notify::{EventKind, RecursiveMode, Watcher};

/// Watches the folders of the open files and reports which of those files changed.
pub struct FileWatcher {
    watcher: notify::RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    /// Absolute path of each watched file → the path it was opened by.
    files: HashMap<PathBuf, PathBuf>,
    folders: HashSet<PathBuf>,
}

impl FileWatcher {
    /// `wake` is called from the watcher's thread on every change (to repaint the window).
    pub fn new(wake: impl Fn() + Send + 'static) -> notify::Result<Self> {
        let (sender, events) = channel();
        let watcher = notify::recommended_watcher(move |event| {
            sender.send(event).ok();
            wake();
        })?;
        Ok(Self {
            watcher,
            events,
            files: HashMap::new(),
            folders: HashSet::new(),
        })
    }

    /// Watches exactly these files (standard input and missing files are left out).
    pub fn watch(&mut self, paths: &[PathBuf]) {
        let mut files = HashMap::new();
        for path in paths {
            if path.as_os_str() == crate::io::STDIN_PATH {
                continue;
            }
            if let Ok(absolute) = std::path::absolute(path) {
                files.insert(absolute, path.clone());
            }
        }
        let folders: HashSet<PathBuf> = files
            .keys()
            .filter_map(|f| f.parent().map(Path::to_path_buf))
            .collect();
        for gone in self.folders.difference(&folders) {
            self.watcher.unwatch(gone).ok();
        }
        for new in folders.difference(&self.folders) {
            if let Err(e) = self.watcher.watch(new, RecursiveMode::NonRecursive) {
                log::warn!("cannot watch {} for changes: {e}", new.display());
            }
        }
        self.folders = folders;
        self.files = files;
    }

    /// The watched files that changed since the last call, each once, as they were opened.
    pub fn changed(&self) -> Vec<PathBuf> {
        let mut changed = Vec::new();
        while let Ok(event) = self.events.try_recv() {
            let Ok(event) = event else {
                continue;
            };
            if !matches!(event.kind, EventKind::Create(_) | EventKind::Modify(_)) {
                continue;
            }
            for path in &event.paths {
                if let Some(opened) = self.files.get(path)
                    && !changed.contains(opened)
                {
                    changed.push(opened.clone());
                }
            }
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_replaced_by_a_rename_is_reported_once() {
        let folder = tempfile::tempdir().unwrap();
        let story = folder.path().join("story.geojson");
        let other = folder.path().join("other.geojson");
        std::fs::write(&story, "{}").unwrap();
        std::fs::write(&other, "{}").unwrap();
        let mut watcher = FileWatcher::new(|| {}).unwrap();
        watcher.watch(std::slice::from_ref(&story));
        let temporary = folder.path().join(".story.tmp");
        std::fs::write(&temporary, "{\"a\":1}").unwrap();
        std::fs::rename(&temporary, &story).unwrap();
        std::fs::write(&other, "{\"b\":1}").unwrap();
        let started = std::time::Instant::now();
        let mut changed = Vec::new();
        while changed.is_empty() && started.elapsed().as_secs() < 10 {
            std::thread::sleep(std::time::Duration::from_millis(50));
            changed = watcher.changed();
        }
        assert_eq!(changed, [story]);
    }
}
