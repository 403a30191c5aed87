//! Other people's changes as they are committed: a connection of its own that `LISTEN`s on
//! `evacmap_story` (each push and change ends with a `NOTIFY` naming the story and who changed
//! it), on a thread, handing the changes of one story to whoever polls. No egui: `wake` is
//! called when a change arrives, for the window to look.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;

use super::{DbError, Target};

/// The channel evacmap notifies on.
pub const CHANNEL: &str = "evacmap_story";

/// A change committed to a story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub story: String,
    /// The database user who committed it.
    pub by: String,
    /// The server process that committed it (an evacmap save says so): tells a client's own
    /// saves from others'.
    pub backend: Option<i32>,
}

/// Listens for the changes of one story until dropped.
pub struct Listener {
    changes: Receiver<Change>,
    stop: Arc<AtomicBool>,
}

impl Listener {
    /// Starts listening for changes to `story`.
    pub fn start(
        target: &Target,
        story: &str,
        wake: impl Fn() + Send + 'static,
    ) -> Result<Self, DbError> {
        let mut client = target.connect()?;
        client
            .batch_execute(&format!("LISTEN {CHANNEL}"))
            .map_err(|e| target.failed(&e))?;
        let (sender, changes) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let story = story.to_owned();
        let stopping = stop.clone();
        let shown = target.shown.clone();
        std::thread::Builder::new()
            .name("evacmap-postgis-listen".into())
            .spawn(move || {
                while !stopping.load(Ordering::Relaxed) {
                    let mut notifications = client.notifications();
                    let next = notifications
                        .timeout_iter(Duration::from_millis(200))
                        .next();
                    match next {
                        Ok(Some(notification)) => {
                            if let Some(change) = parse(notification.payload())
                                && change.story == story
                            {
                                if sender.send(change).is_err() {
                                    return;
                                }
                                wake();
                            }
                        }
                        Ok(None) => {}
                        Err(error) => {
                            log::warn!(
                                "{shown}: no longer told of changes: {}",
                                super::words(&error)
                            );
                            return;
                        }
                    }
                }
            })
            .map_err(|e| DbError::Query {
                url: target.shown.clone(),
                message: format!("cannot start listening: {e}"),
            })?;
        Ok(Self { changes, stop })
    }

    /// The changes that arrived since the last call.
    pub fn changes(&self) -> Vec<Change> {
        self.changes.try_iter().collect()
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// A notification's payload: `{"story": …, "by": …}`.
fn parse(payload: &str) -> Option<Change> {
    let json: serde_json::Value = serde_json::from_str(payload).ok()?;
    Some(Change {
        story: json.get("story")?.as_str()?.to_owned(),
        by: json
            .get("by")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("someone")
            .to_owned(),
        backend: json
            .get("backend")
            .and_then(serde_json::Value::as_i64)
            .and_then(|b| i32::try_from(b).ok()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_names_the_story_and_who_changed_it() {
        assert_eq!(
            parse(r#"{"story": "damascus", "by": "ana"}"#),
            Some(Change {
                story: "damascus".into(),
                by: "ana".into(),
                backend: None,
            })
        );
        assert_eq!(
            parse(r#"{"story": "d", "by": "ana", "backend": 4242}"#).and_then(|c| c.backend),
            Some(4242)
        );
        assert_eq!(parse("damascus"), None);
    }
}
