//! Stories opened from a database follow other people's committed changes: a listener per
//! such layer (started on a thread, so that a slow server never stalls a frame), and a change
//! to its story reads the layer again, keeping the view, range and selection, with a note in
//! the status bar.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};

use super::EvacApp;
use crate::postgis::live::Listener;
use crate::postgis::{DbError, Target};

/// The listeners of the layers opened from databases.
#[derive(Default)]
pub(super) struct Live {
    listening: Vec<(PathBuf, Listener)>,
    starting: Vec<(PathBuf, Receiver<Result<Listener, DbError>>)>,
}

impl EvacApp {
    /// Whether every story opened from a database is followed for others' changes.
    pub fn follows_changes(&self) -> bool {
        self.live.starting.is_empty() && !self.live.listening.is_empty()
    }

    /// Starts and stops listeners as database layers come and go, and reads a layer again when
    /// its story changed.
    pub(super) fn poll_live(&mut self, ctx: &egui::Context) {
        let databases: Vec<PathBuf> = self
            .layer_set
            .layers()
            .iter()
            .filter_map(|layer| layer.path.clone())
            .filter(|p| p.to_str().is_some_and(crate::postgis::is_database))
            .collect();
        let live = &mut self.live;
        live.listening.retain(|(path, _)| databases.contains(path));
        live.starting.retain(|(path, _)| databases.contains(path));
        for path in &databases {
            let known = live.listening.iter().any(|(p, _)| p == path)
                || live.starting.iter().any(|(p, _)| p == path);
            if known {
                continue;
            }
            let (sender, receiver) = channel();
            let address = path.to_string_lossy().into_owned();
            let wake = ctx.clone();
            let spawned = std::thread::Builder::new()
                .name("evacmap-postgis-live".into())
                .spawn(move || {
                    let started = Target::parse(&address).and_then(|target| {
                        let mut client = target.connect()?;
                        let story = crate::postgis::story_of(&mut client, &target)?;
                        Listener::start(&target, &story, move || wake.request_repaint())
                    });
                    // The app may have closed meanwhile: then nobody needs it.
                    sender.send(started).ok();
                });
            if spawned.is_ok() {
                live.starting.push((path.clone(), receiver));
            }
        }
        let mut started = Vec::new();
        live.starting
            .retain(|(path, receiver)| match receiver.try_recv() {
                Ok(result) => {
                    started.push((path.clone(), result));
                    false
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => true,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => false,
            });
        for (path, result) in started {
            match result {
                Ok(listener) => live.listening.push((path, listener)),
                Err(error) => log::warn!("changes by others will not show: {error}"),
            }
        }
        let mut changed = Vec::new();
        for (path, listener) in &live.listening {
            if let Some(change) = listener.changes().pop() {
                changed.push((path.clone(), change));
            }
        }
        for (path, change) in changed {
            let edited = self
                .edit
                .session
                .as_ref()
                .and_then(|s| s.stored())
                .is_some()
                && self
                    .layer_set
                    .layers()
                    .first()
                    .and_then(|l| l.path.as_ref())
                    == Some(&path);
            let at = chrono::Local::now().format("%H:%M:%S");
            if edited {
                let own = self
                    .edit
                    .session
                    .as_ref()
                    .and_then(|s| s.stored())
                    .is_some_and(|s| s.is_own(change.backend));
                if own {
                    // Our own save: the story shown is what was written.
                    continue;
                }
                if self.has_unsaved_edits() {
                    // Reading the story again would drop the edits: it waits for the save,
                    // which checks each row changed against theirs.
                    self.edit.message = Some((
                        format!(
                            "{} changed the story {} in the database at {at}: your edits stay; \
                             saving checks each row you changed against theirs",
                            change.by, change.story
                        ),
                        false,
                    ));
                    self.edit.database_changed_by = Some(change.by);
                    continue;
                }
            }
            if !self.queued_reloads.contains(&path) {
                self.queued_reloads.push(path);
            }
            self.edit.message = Some((
                format!(
                    "{} changed the story {} in the database: brought in at {at}",
                    change.by, change.story
                ),
                false,
            ));
        }
    }
}
