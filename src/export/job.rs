//! An export on a worker thread, for the window: its progress, a way to cancel it, and what it
//! says when it ends.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread::JoinHandle;

use super::{ExportError, ExportRequest, ExportSummary, Progress, export};
use crate::model::Dataset;

pub struct ExportJob {
    progress: Arc<Progress>,
    handle: JoinHandle<Result<ExportSummary, ExportError>>,
}

impl ExportJob {
    /// Starts writing `request` from `dataset` (a copy: the window goes on with its own).
    pub fn start(dataset: Arc<Dataset>, request: ExportRequest) -> std::io::Result<Self> {
        let progress = Arc::new(Progress::default());
        let shared = progress.clone();
        let handle = std::thread::Builder::new()
            .name("export".into())
            .spawn(move || export(&dataset, &request, &shared))?;
        Ok(Self { progress, handle })
    }

    /// From 0 to 1.
    pub fn fraction(&self) -> f32 {
        self.progress.fraction()
    }

    /// Stops the export; nothing is written.
    pub fn cancel(&self) {
        self.progress.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_finished(&self) -> bool {
        self.handle.is_finished()
    }

    /// Waits for the end and says what happened: "Saved …" or why the export failed.
    pub fn outcome(self) -> String {
        match self.handle.join() {
            Ok(Ok(summary)) => format!(
                "Saved {} ({} bytes). {}",
                summary.path.display(),
                summary.bytes,
                summary.sources
            ),
            Ok(Err(e)) => format!("Export failed: {e}"),
            Err(_) => "Export failed: the export stopped on an internal error; nothing was written"
                .to_owned(),
        }
    }
}
