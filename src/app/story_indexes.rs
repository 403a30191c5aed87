//! What the window works out from a story besides its map index: the time index (what a range
//! shows), the list's order, and the story's extent and week. A big story's are worked out on a
//! thread (1.8 s for ten million features, which froze the window), the list and timeline
//! saying so meanwhile.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::{Duration, Instant};

use super::EvacApp;
use crate::filter::{TimeIndex, VisibleSet};
use crate::model::{Dataset, DatasetIdentity, DaySpan};
use crate::ui::event_list::EventCatalogue;

/// From this many features, a story's indexes are worked out on a thread.
pub const INDEXES_IN_BACKGROUND_FROM: usize = 1_000_000;

/// A story's indexes, worked out together.
pub(super) struct StoryIndexes {
    time: TimeIndex,
    catalogue: EventCatalogue,
    extent: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    story_week: Option<DaySpan>,
    /// How long the time index took, and the rest.
    took: (Duration, Duration),
}

impl StoryIndexes {
    fn build(dataset: &Arc<Dataset>) -> Self {
        let started = Instant::now();
        let time = TimeIndex::for_dataset(dataset);
        let time_took = started.elapsed();
        let catalogue = EventCatalogue::new(dataset);
        let extent = crate::filter::time_extent(dataset);
        let story_week = crate::filter::story_week(dataset);
        Self {
            time,
            catalogue,
            extent,
            story_week,
            took: (time_took, started.elapsed() - time_took),
        }
    }
}

/// A big story's indexes being worked out on a thread.
#[derive(Default)]
pub(super) struct IndexesBuilding {
    building: Option<(DatasetIdentity, Receiver<StoryIndexes>)>,
}

impl IndexesBuilding {
    /// Whether a story's indexes are still being worked out.
    pub(super) fn is_building(&self) -> bool {
        self.building.is_some()
    }

    /// Starts working out `dataset`'s indexes on a thread; `None` if no thread could start
    /// (then they are worked out here).
    fn start(&mut self, dataset: &Arc<Dataset>) -> Option<()> {
        let (sender, receiver) = std::sync::mpsc::channel();
        let story = Arc::clone(dataset);
        let spawned = std::thread::Builder::new()
            .name("story indexes".into())
            .spawn(move || {
                sender.send(StoryIndexes::build(&story)).ok();
            });
        match spawned {
            Ok(_) => {
                self.building = Some((dataset.identity(), receiver));
                Some(())
            }
            Err(error) => {
                log::warn!("cannot start a thread for the story's indexes: {error}");
                None
            }
        }
    }

    /// The indexes worked out for `dataset`, once they are. Those of another story (replaced
    /// meanwhile) are dropped.
    fn take_ready(&mut self, dataset: &Arc<Dataset>) -> Option<StoryIndexes> {
        let (identity, receiver) = self.building.as_ref()?;
        if *identity != dataset.identity() {
            self.building = None;
            return None;
        }
        match receiver.try_recv() {
            Ok(indexes) => {
                self.building = None;
                Some(indexes)
            }
            Err(TryRecvError::Empty) => None,
            // The thread died: worked out here instead.
            Err(TryRecvError::Disconnected) => {
                self.building = None;
                Some(StoryIndexes::build(dataset))
            }
        }
    }
}

impl EvacApp {
    /// The indexes built from the story: time, map (on a thread for a big story; after an
    /// edit, the one before it stands in meanwhile), visible set, list and search, extent. A
    /// big story's time index, list and extent are worked out on a thread too (not after an
    /// edit: the list and timeline would blink).
    pub(super) fn rebuild_story_indexes(&mut self, after_edit: bool) {
        let started = Instant::now();
        let dataset = Arc::clone(&self.story.dataset);
        if after_edit {
            self.map_index.rebuild_after_edit(&dataset);
        } else {
            self.map_index.rebuild(&dataset);
        }
        let map_index = started.elapsed();
        self.search_matches.clear();
        self.indexes.building = None;
        let threshold = self
            .indexes_in_background_from
            .unwrap_or(INDEXES_IN_BACKGROUND_FROM);
        if !after_edit && dataset.len() >= threshold && self.indexes.start(&dataset).is_some() {
            // Meanwhile every feature shows (as undated ones do), until the range applies.
            self.apply_story_indexes(StoryIndexes {
                time: TimeIndex::new(std::iter::repeat_n(None, dataset.len())),
                catalogue: EventCatalogue::default(),
                extent: None,
                story_week: None,
                took: Default::default(),
            });
            log::info!(
                "indexing {} features: map {:.0} ms (a big story's on a thread); time, list \
                 and extent on a thread",
                dataset.len(),
                map_index.as_secs_f64() * 1e3,
            );
            return;
        }
        let indexes = StoryIndexes::build(&dataset);
        let (time, rest) = indexes.took;
        self.apply_story_indexes(indexes);
        log::info!(
            "indexed {} features{} in {:.0} ms: time {:.0} ms, map {:.0} ms (a big story's on a thread), list, search and extent {:.0} ms",
            dataset.len(),
            if after_edit { " after an edit" } else { "" },
            started.elapsed().as_secs_f64() * 1e3,
            time.as_secs_f64() * 1e3,
            map_index.as_secs_f64() * 1e3,
            rest.as_secs_f64() * 1e3,
        );
    }

    fn apply_story_indexes(&mut self, indexes: StoryIndexes) {
        self.time_index = indexes.time;
        self.visible = VisibleSet::new(&self.time_index, &self.range);
        self.catalogue = indexes.catalogue;
        self.extent = indexes.extent;
        self.story_week = indexes.story_week;
    }

    /// Takes a big story's indexes once the thread has worked them out.
    pub(super) fn poll_story_indexes(&mut self, ctx: &egui::Context) {
        if !self.indexes.is_building() {
            return;
        }
        let dataset = Arc::clone(&self.story.dataset);
        match self.indexes.take_ready(&dataset) {
            Some(indexes) => {
                let (time, rest) = indexes.took;
                log::info!(
                    "indexed {} features on a thread: time {:.0} ms, list and extent {:.0} ms",
                    dataset.len(),
                    time.as_secs_f64() * 1e3,
                    rest.as_secs_f64() * 1e3,
                );
                self.apply_story_indexes(indexes);
                self.timeline.fit(&self.range);
                ctx.request_repaint();
            }
            None if self.indexes.is_building() => {
                ctx.request_repaint_after(Duration::from_millis(100));
            }
            None => {}
        }
    }

    /// Whether the list and the timeline are still being worked out for the story shown.
    pub fn is_indexing(&self) -> bool {
        self.indexes.is_building()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> Arc<Dataset> {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/damascus-2017-05.geojson");
        Arc::new(crate::io::load_file(&path).unwrap().dataset)
    }

    fn wait_for(building: &mut IndexesBuilding, dataset: &Arc<Dataset>) -> StoryIndexes {
        let started = Instant::now();
        loop {
            if let Some(indexes) = building.take_ready(dataset) {
                return indexes;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "no indexes in ten seconds"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn indexes_worked_out_on_a_thread_are_those_worked_out_here() {
        let dataset = bundled();
        let mut building = IndexesBuilding::default();
        building.start(&dataset).unwrap();
        assert!(building.is_building());
        let threaded = wait_for(&mut building, &dataset);
        assert!(!building.is_building());
        let here = StoryIndexes::build(&dataset);
        assert_eq!(threaded.catalogue.order, here.catalogue.order);
        assert_eq!(threaded.extent, here.extent);
        assert_eq!(threaded.story_week, here.story_week);
        let may = DaySpan {
            first: chrono::NaiveDate::from_ymd_opt(2017, 5, 12),
            last: chrono::NaiveDate::from_ymd_opt(2017, 5, 14),
        };
        assert_eq!(
            VisibleSet::new(&threaded.time, &may).flags(),
            VisibleSet::new(&here.time, &may).flags()
        );
    }

    #[test]
    fn the_indexes_of_a_story_replaced_meanwhile_are_dropped() {
        let first = bundled();
        let mut building = IndexesBuilding::default();
        building.start(&first).unwrap();
        let second = bundled();
        assert!(building.take_ready(&second).is_none());
        assert!(!building.is_building());
    }
}
