//! Loading a story on a worker thread, so the window stays responsive, and so that a defect in
//! the loader (a panic) becomes an error the window can show instead of a crash.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, TryRecvError};

use super::{LoadError, LoadProgress, Loaded, OpenError};

/// A story being read on a worker thread.
pub struct LoadJob {
    path: PathBuf,
    receiver: Receiver<Result<Loaded, OpenError>>,
    progress: Arc<LoadProgress>,
    started: std::time::Instant,
    /// The file as it was when reading began: a save copies from it only while it still is.
    stamp: Option<crate::io::save::FileStamp>,
}

impl LoadJob {
    /// Starts reading `path` in whatever format it is ([`crate::open::load_with_progress`]).
    pub fn start(path: &Path) -> Self {
        Self::start_with(path, crate::open::load_with_progress)
    }

    /// Starts reading `path` in whatever format it is, with `options` ([`crate::open::load_with`]).
    pub fn start_import(path: &Path, options: crate::open::ImportOptions) -> Self {
        Self::start_with(path, move |path, progress| {
            crate::open::load_with(path, &options, progress)
        })
    }

    /// Starts reading `path` with `loader` ([`crate::open::load_with_progress`] in the app,
    /// anything in tests).
    pub fn start_with<E: Into<OpenError>>(
        path: &Path,
        loader: impl FnOnce(&Path, &LoadProgress) -> Result<Loaded, E> + Send + 'static,
    ) -> Self {
        let stamp = crate::io::save::FileStamp::of(path).ok();
        let (sender, receiver) = mpsc::channel();
        let owned = path.to_owned();
        let progress = Arc::new(LoadProgress::default());
        let shared = Arc::clone(&progress);
        let spawned = std::thread::Builder::new()
            .name("evacmap-load".into())
            .spawn(move || {
                // The loader's state is dropped with the thread: nothing sees it half-updated.
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    loader(&owned, &shared).map_err(Into::into)
                }))
                .unwrap_or_else(|payload| Err(crashed(&owned, payload.as_ref()).into()));
                // The window may have gone (closed, or this job replaced): nobody to tell.
                sender.send(outcome).ok();
            });
        if let Err(e) = spawned {
            // No thread could be started: say so through the same channel.
            let (sender, failed) = mpsc::channel();
            sender
                .send(Err(OpenError::Load(LoadError::Io {
                    path: path.display().to_string(),
                    source: e,
                })))
                .ok();
            return Self {
                path: path.to_owned(),
                receiver: failed,
                progress,
                started: std::time::Instant::now(),
                stamp,
            };
        }
        Self {
            path: path.to_owned(),
            receiver,
            progress,
            started: std::time::Instant::now(),
            stamp,
        }
    }

    /// The file as it was when reading began (`None` for what is not a file on disk).
    pub fn stamp(&self) -> Option<crate::io::save::FileStamp> {
        self.stamp
    }

    /// How long it has been reading.
    pub fn elapsed(&self) -> std::time::Duration {
        self.started.elapsed()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How far the worker has come.
    pub fn progress(&self) -> &LoadProgress {
        &self.progress
    }

    /// Asks the worker to stop; it answers [`LoadError::Cancelled`] at its next step.
    pub fn cancel(&self) {
        self.progress.cancel();
    }

    /// The outcome once the worker has finished; `None` while it is still reading.
    pub fn poll(&self) -> Option<Result<Loaded, OpenError>> {
        match self.receiver.try_recv() {
            Ok(outcome) => Some(outcome),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(LoadError::Crashed {
                path: self.path.display().to_string(),
                message: "the reading thread ended without an answer".into(),
            }
            .into())),
        }
    }

    /// Waits for the outcome (tests and `--screenshot` start-up).
    pub fn wait(self) -> Result<Loaded, OpenError> {
        self.receiver.recv().unwrap_or_else(|_| {
            Err(LoadError::Crashed {
                path: self.path.display().to_string(),
                message: "the reading thread ended without an answer".into(),
            }
            .into())
        })
    }
}

fn crashed(path: &Path, payload: &(dyn std::any::Any + Send)) -> LoadError {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_owned());
    LoadError::Crashed {
        path: path.display().to_string(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panicking_loader(_: &Path, _: &LoadProgress) -> Result<Loaded, LoadError> {
        panic!("a defect in the loader")
    }

    #[test]
    fn a_panic_in_the_loader_comes_back_as_an_error() {
        let job = LoadJob::start_with(Path::new("story.geojson"), panicking_loader);
        match job.wait() {
            Err(OpenError::Load(LoadError::Crashed { path, message })) => {
                assert_eq!(path, "story.geojson");
                assert_eq!(message, "a defect in the loader");
            }
            Err(other) => panic!("unexpected error {other}"),
            Ok(_) => panic!("a panicking loader cannot succeed"),
        }
    }

    #[test]
    fn a_missing_file_comes_back_as_an_io_error() {
        let job = LoadJob::start(Path::new("/nonexistent/story.geojson"));
        assert!(matches!(
            job.wait(),
            Err(OpenError::Load(LoadError::Io { .. }))
        ));
    }
}
