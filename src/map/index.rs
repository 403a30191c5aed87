//! What the map needs of a story, worked out once instead of every frame: where each place is
//! in world units, where each movement starts and ends, which events are at which place; and,
//! per zoom level, the clusters of places and the arrows that stand for the movements between
//! them, each kept in an R-tree. A frame asks for what lies in the view, so its work follows
//! what is on screen, not the size of the story.
//!
//! The clusters and arrows do not depend on the time range or the search: a frame counts which
//! of their members are shown. Playback, which changes the range every frame, thus reuses them.

mod build;

use std::sync::{Arc, Mutex};

use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use super::projection::{LonLatBounds, World};
use crate::model::{Dataset, FeatureIndex};

type PointEntry = GeomWithData<[f64; 2], u32>;
type BoxEntry = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// The deepest zoom level clustering is worked out for; deeper views use it.
pub const MAX_LEVEL: u8 = 20;

/// How many zoom levels stay worked out (those used last): zooming in and out again reuses
/// them, and a level of a million features holds some tens of megabytes.
const KEPT_LEVELS: usize = 4;

/// From this many movements between the same two places, one arrow stands for them.
pub const SAME_PLACES_MERGE: usize = 4;

/// A place with a position.
#[derive(Debug, Clone, Copy)]
pub struct PlacePoint {
    pub feature: FeatureIndex,
    pub world: World,
}

/// A movement the map can draw: its two ends, by place (a slot in [`MapIndex::places`]) where
/// the place is known. 32 bytes: a million-feature story has hundreds of thousands.
#[derive(Debug, Clone, Copy)]
pub struct MovementEnds {
    feature: u32,
    from_place: u32,
    to_place: u32,
    /// The people it moved, by the highest count any source gives (0 without one).
    pub people: u64,
    /// Its dates as day numbers (see [`crate::filter::day_numbers`]).
    pub days: (i32, i32),
}

const _: () = assert!(std::mem::size_of::<MovementEnds>() == 32);

/// No place slot: the end is a point of the movement's own (see [`MapIndex::own_ends`]).
pub const NO_SLOT: u32 = u32::MAX;

impl MovementEnds {
    pub fn feature(&self) -> FeatureIndex {
        FeatureIndex(self.feature as usize)
    }

    pub fn from_place(&self) -> Option<u32> {
        (self.from_place != NO_SLOT).then_some(self.from_place)
    }

    pub fn to_place(&self) -> Option<u32> {
        (self.to_place != NO_SLOT).then_some(self.to_place)
    }
}

/// Why one arrow stands for several movements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// They join the same clusters: the people are added up.
    Clusters,
    /// They join the same two places (a yearly table): the people are the largest count, as
    /// yearly counts of refugees are stocks, not flows to add up.
    SamePlaces,
}

/// Where an arrow starts or ends at one zoom level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Node {
    /// A place drawn with its own marker (a slot in [`MapIndex::places`]).
    Place(u32),
    /// A cluster of places (an index into [`Level::clusters`]).
    Cluster(u32),
    /// A point of the movement's own (its place is unknown): the movement's index.
    Point(u32),
}

/// A crowd of places drawn as one circle at one zoom level.
#[derive(Debug, Clone)]
pub struct LevelCluster {
    pub center: World,
    /// Slots in [`MapIndex::places`], in file order.
    pub members: Vec<u32>,
    /// The name of its most prominent place (a city before a village), then of the first.
    pub named: String,
    /// Where its places are: a click zooms there.
    pub bounds: Option<LonLatBounds>,
}

/// One arrow at one zoom level: a movement, or the movements merged into it.
#[derive(Debug, Clone)]
pub struct ArrowGroup {
    pub from: Node,
    pub to: Node,
    pub from_world: World,
    pub to_world: World,
    /// `None` for a movement drawn alone.
    pub merge: Option<Merge>,
    /// Its rank among the arrows into the same place, so that they fan out.
    pub rank: u32,
    first_member: u32,
    member_count: u32,
}

/// The clusters and arrows of one zoom level.
pub struct Level {
    pub zoom: u8,
    pub clusters: Vec<LevelCluster>,
    singles: RTree<PointEntry>,
    cluster_tree: RTree<PointEntry>,
    pub arrows: Vec<ArrowGroup>,
    members: Members,
    /// The arrows by where they may be drawn, in tiers by size: the first tier holds the
    /// largest [`FIRST_TIER`] arrows, each next one eight times as many.
    arrow_tiers: Vec<RTree<BoxEntry>>,
    tallies: Mutex<Tallies>,
}

/// What a frame counts of the members of a cluster or an arrow, for one state of the range and
/// search.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tally {
    /// How many members are drawn.
    pub shown: usize,
    /// The first of them.
    pub first: Option<FeatureIndex>,
    /// Their people (added up, or the largest, as the arrow merges them).
    pub people: u64,
    /// All of them are drawn faded.
    pub all_faded: bool,
    /// The events at a cluster's places in the range, by type (in the order of
    /// [`crate::model::EventType::ALL`], then those of a type of their own).
    pub events_by_type: [u32; EVENT_TYPES],
}

/// Event types counted in a [`Tally`]: evacmap's, and one slot for the others.
pub const EVENT_TYPES: usize = 18;

/// An event type's slot in a [`Tally`]'s count by type (the last for a type of its own).
pub fn event_type_slot(event_type: Option<&str>) -> u8 {
    use crate::model::{EventType, Vocabulary};
    event_type
        .and_then(EventType::parse)
        .and_then(|known| EventType::ALL.iter().position(|&t| t == known))
        .unwrap_or(EVENT_TYPES - 1) as u8
}
const _: () =
    assert!(<crate::model::EventType as crate::model::Vocabulary>::ALL.len() < EVENT_TYPES);

/// Tallies kept while the range and search stay as they are: a still or panned view counts
/// the members of what it shows once, not every frame (a million features are hundreds of
/// thousands of members at country zoom).
#[derive(Debug, Default)]
pub struct Tallies {
    key: Option<u64>,
    clusters: foldhash::HashMap<u32, Tally>,
    arrows: foldhash::HashMap<u32, Tally>,
    /// The density view's hexagons at this level.
    hexagons: Option<Arc<Vec<crate::map::density::HexBin>>>,
}

impl Tallies {
    pub fn cluster(&mut self, k: u32, count: impl FnOnce() -> Tally) -> Tally {
        *self.clusters.entry(k).or_insert_with(count)
    }

    pub fn arrow(&mut self, g: u32, count: impl FnOnce() -> Tally) -> Tally {
        *self.arrows.entry(g).or_insert_with(count)
    }

    /// The density view's hexagons, binned once for the range and search.
    pub fn hexagons(
        &mut self,
        bin: impl FnOnce() -> Vec<crate::map::density::HexBin>,
    ) -> Arc<Vec<crate::map::density::HexBin>> {
        self.hexagons.get_or_insert_with(|| Arc::new(bin())).clone()
    }
}

/// The movements of every arrow of a level, one run per arrow, each run by date.
struct Members {
    /// Slots in [`MapIndex::movements`].
    movements: Vec<u32>,
    /// Where each member's dates start (day numbers).
    starts: Vec<i32>,
    /// The latest end among the members of its run so far (this one included).
    reach: Vec<i32>,
    /// The arrow of each movement slot.
    arrow_of: Vec<u32>,
}

/// How many arrows the first tier of a level holds (see [`Level::arrows_in_tier`]).
const FIRST_TIER: usize = 256;

/// A rectangle of world units: (north-west corner, south-east corner).
pub type WorldArea = (World, World);

/// The story's places, movements and events by position, and its zoom levels as they are
/// asked for; shared with the thread that works out a level of a big story.
#[derive(Clone, Default)]
pub struct MapIndex(Arc<IndexCore>);

impl std::ops::Deref for MapIndex {
    type Target = IndexCore;

    fn deref(&self) -> &IndexCore {
        &self.0
    }
}

/// From this many places and movements, a zoom level is worked out on a thread of its own (it
/// takes a second or more for a million features), the map showing the nearest level worked
/// out meanwhile; below, at once (a tenth of a second for a hundred thousand).
const LEVELS_IN_BACKGROUND_FROM: usize = 200_000;

impl MapIndex {
    pub fn new(dataset: &Dataset) -> Self {
        Self(Arc::new(IndexCore::new(dataset)))
    }

    /// The clusters and arrows for a view at `zoom`: for a big story, while that level is worked
    /// out on a thread (`done` is called when it is), the nearest one already worked out, or
    /// `None` if none is yet.
    pub fn level_now_or_soon(
        &self,
        dataset: &Arc<Dataset>,
        zoom: f64,
        done: impl FnOnce() + Send + 'static,
    ) -> Option<Arc<Level>> {
        self.level_in_background_from(dataset, zoom, done, LEVELS_IN_BACKGROUND_FROM)
    }

    fn level_in_background_from(
        &self,
        dataset: &Arc<Dataset>,
        zoom: f64,
        done: impl FnOnce() + Send + 'static,
        threshold: usize,
    ) -> Option<Arc<Level>> {
        if self.places.len() + self.movements.len() < threshold {
            return Some(self.level(dataset, zoom));
        }
        let zoom = level_zoom(zoom);
        if let Some(level) = self.kept_level(zoom) {
            return Some(level);
        }
        let mut building = self.building.lock().unwrap_or_else(|e| e.into_inner());
        if building.is_none() {
            *building = Some(zoom);
            let (index, story) = (self.clone(), dataset.clone());
            let spawned = std::thread::Builder::new()
                .name(format!("zoom level {zoom}"))
                .spawn(move || {
                    // Whatever happens, the next ask may start again.
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        index.level(&story, zoom as f64)
                    }))
                    .ok();
                    *index.building.lock().unwrap_or_else(|e| e.into_inner()) = None;
                    done();
                });
            if let Err(error) = spawned {
                log::warn!("cannot start a thread for zoom level {zoom}: {error}");
                *building = None;
                drop(building);
                return Some(self.level(dataset, zoom as f64));
            }
        }
        drop(building);
        self.nearest_kept_level(zoom)
    }
}

/// From this many features, the map index of a story is built on a thread of its own (0.7 s
/// for a million), the map drawing nothing of the story until it is ready.
const INDEX_IN_BACKGROUND_FROM: usize = 200_000;

/// The map index of the story shown, built on a thread for a big story.
#[derive(Default)]
pub struct IndexSlot {
    ready: MapIndex,
    /// The index being built on a thread, and the story it is for.
    building: Option<(
        crate::model::DatasetIdentity,
        std::sync::mpsc::Receiver<MapIndex>,
    )>,
}

impl IndexSlot {
    /// The largest count of people drawn as a circle, when the story has counts (for the
    /// legend).
    pub fn largest_count(&self) -> Option<u64> {
        (!self.ready.counts.is_empty()).then_some(self.ready.count_scale)
    }

    /// Builds the index of `dataset`: at once for a small story, on a thread for a big one.
    pub fn rebuild(&mut self, dataset: &Arc<Dataset>) {
        self.rebuild_in_background_from(dataset, INDEX_IN_BACKGROUND_FROM);
    }

    /// After an edit: as [`Self::rebuild`], but while a big story's index is worked out on a
    /// thread, the one from before the edit is drawn (not none) when the edit kept every
    /// feature where it was in the columns (none added or removed): a moved place shows at
    /// its old position for a moment, instead of the whole map going blank.
    pub fn rebuild_after_edit(&mut self, dataset: &Arc<Dataset>) {
        self.rebuild_after_edit_from(dataset, INDEX_IN_BACKGROUND_FROM);
    }

    fn rebuild_after_edit_from(&mut self, dataset: &Arc<Dataset>, threshold: usize) {
        let before = self.ready.clone();
        let same_rows = self.building.is_none() && before.features_built_for() == dataset.len();
        self.rebuild_in_background_from(dataset, threshold);
        if same_rows && self.building.is_some() {
            self.ready = before;
        }
    }

    fn rebuild_in_background_from(&mut self, dataset: &Arc<Dataset>, threshold: usize) {
        self.building = None;
        if dataset.len() < threshold {
            self.ready = MapIndex::new(dataset);
            return;
        }
        // Nothing of the new story is drawn from the old one's index meanwhile.
        self.ready = MapIndex::default();
        let (sender, receiver) = std::sync::mpsc::channel();
        let story = dataset.clone();
        let spawned = std::thread::Builder::new()
            .name("map index".into())
            .spawn(move || {
                let started = std::time::Instant::now();
                let index = MapIndex::new(&story);
                log::info!(
                    "map index of {} features built in {:.0} ms",
                    story.len(),
                    started.elapsed().as_secs_f64() * 1e3
                );
                sender.send(index).ok();
            });
        match spawned {
            Ok(_) => self.building = Some((dataset.identity(), receiver)),
            Err(error) => {
                log::warn!("cannot start the map index thread: {error}");
                self.ready = MapIndex::new(dataset);
            }
        }
    }

    /// The index to draw `dataset` with, and whether its own is still being built (then the
    /// index is empty). A stale index is rebuilt.
    pub fn current(&mut self, dataset: &Arc<Dataset>) -> (&MapIndex, bool) {
        if let Some((identity, receiver)) = &self.building {
            if *identity != dataset.identity() {
                self.rebuild(dataset);
            } else {
                match receiver.try_recv() {
                    Ok(index) => {
                        self.ready = index;
                        self.building = None;
                    }
                    Err(std::sync::mpsc::TryRecvError::Empty) => return (&self.ready, true),
                    // The thread died: built here instead.
                    Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                        self.building = None;
                        self.ready = MapIndex::new(dataset);
                    }
                }
            }
        } else if !self.ready.is_for(dataset) {
            self.rebuild(dataset);
        }
        (&self.ready, self.building.is_some())
    }
}

/// The zoom level clusters are worked out for at a view's zoom.
pub fn level_zoom(zoom: f64) -> u8 {
    zoom.round().clamp(0.0, MAX_LEVEL as f64) as u8
}

/// See [`MapIndex`].
#[derive(Default)]
pub struct IndexCore {
    pub places: Vec<PlacePoint>,
    pub movements: Vec<MovementEnds>,
    /// The ends of the movements (by slot) that lack a place at either end, as points of their
    /// own: few do, so they are kept apart from the others.
    own_ends: Vec<(u32, World, World)>,

    /// The events at each place slot, in file order.
    events_at: EventsAt,
    /// Events at points of their own.
    point_events: RTree<PointEntry>,
    /// Features of other kinds (from plain GeoJSON files), in file order.
    pub generic: Vec<FeatureIndex>,
    /// Counts of people at places (`presence` and `displacement` events), drawn as circles
    /// rather than symbols, in file order.
    pub counts: Vec<CountEntry>,
    /// The largest count of people among them: the largest circle's.
    pub count_scale: u64,
    /// The dataset this was built for (its address and size), to tell when it is stale.
    built_for: crate::model::DatasetIdentity,
    levels: Mutex<Vec<Arc<Level>>>,
    /// The zoom level being worked out on a thread, if one is.
    building: Mutex<Option<u8>>,
    /// Accessible names of the movements drawn, kept between frames: a screen reader (or a
    /// test) asks for every arrow's every frame, and each costs place lookups and formatting.
    movement_names: Mutex<foldhash::HashMap<FeatureIndex, String>>,
}

/// A count of people at a place, as the map draws it.
#[derive(Debug, Clone, Copy)]
pub struct CountEntry {
    pub feature: FeatureIndex,
    /// Its place's slot, or [`NO_SLOT`] for a count at a point of its own.
    pub place: u32,
    pub world: World,
    /// The people counted (the highest count of people its figures give; 0 for none).
    pub people: u64,
    pub event_type: crate::model::EventType,
    /// Which sources its figures cite, as a hash: counts of the same sources at a place are
    /// one series (the latest in the range is drawn), told apart without text every frame.
    pub sources: u64,
}

/// The events at each place, all in one list ordered by place (a list per place cost fifty
/// bytes a place besides its events).
#[derive(Debug, Default)]
struct EventsAt {
    /// Where each place's events start in `events`; one more at the end.
    starts: Vec<u32>,
    events: Vec<FeatureIndex>,
    /// Each event's type, by its slot in a count by type ([`event_type_slot`]).
    types: Vec<u8>,
}

impl EventsAt {
    /// From (place slot, event, its type's slot) in file order.
    fn new(mut pairs: Vec<(u32, FeatureIndex, u8)>, places: usize) -> Self {
        // Stable: each place's events stay in file order.
        pairs.sort_by_key(|&(slot, _, _)| slot);
        let mut starts = Vec::with_capacity(places + 1);
        let mut pairs_at = 0;
        for slot in 0..=places as u32 {
            while pairs.get(pairs_at).is_some_and(|&(s, _, _)| s < slot) {
                pairs_at += 1;
            }
            starts.push(pairs_at as u32);
        }
        Self {
            starts,
            types: pairs.iter().map(|&(_, _, kind)| kind).collect(),
            events: pairs.into_iter().map(|(_, event, _)| event).collect(),
        }
    }

    fn range(&self, slot: u32) -> std::ops::Range<usize> {
        let slot = slot as usize;
        match (self.starts.get(slot), self.starts.get(slot + 1)) {
            (Some(&start), Some(&end)) => start as usize..end as usize,
            _ => 0..0,
        }
    }

    fn of(&self, slot: u32) -> &[FeatureIndex] {
        self.events.get(self.range(slot)).unwrap_or(&[])
    }

    fn types_of(&self, slot: u32) -> &[u8] {
        self.types.get(self.range(slot)).unwrap_or(&[])
    }
}

fn envelopes(area: WorldArea) -> Vec<AABB<[f64; 2]>> {
    let (min, max) = area;
    let mut found = vec![AABB::from_corners([min.x, min.y], [max.x, max.y])];
    if min.x < 0.0 {
        found.push(AABB::from_corners([min.x + 1.0, min.y], [1.0, max.y]));
    }
    if max.x > 1.0 {
        found.push(AABB::from_corners([0.0, min.y], [max.x - 1.0, max.y]));
    }
    found
}

fn query_points(tree: &RTree<PointEntry>, area: WorldArea) -> impl Iterator<Item = u32> + '_ {
    envelopes(area).into_iter().flat_map(move |envelope| {
        tree.locate_in_envelope(&envelope)
            .map(|e| e.data)
            .collect::<Vec<_>>()
    })
}

impl Level {
    /// No clusters and no arrows: what the map draws of a big story before its first level is
    /// worked out.
    pub fn empty() -> Arc<Level> {
        Arc::new(IndexCore::default().build_level(&Dataset::default(), 0))
    }

    /// Places drawn with their own marker within `area` (slots, in file order).
    pub fn singles_in(&self, area: WorldArea) -> Vec<u32> {
        let mut found: Vec<u32> = query_points(&self.singles, area).collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Clusters within `area`, in order.
    pub fn clusters_in(&self, area: WorldArea) -> Vec<u32> {
        let mut found: Vec<u32> = query_points(&self.cluster_tree, area).collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Arrows that may cross `area`, largest first (see [`MapIndex::level`]).
    pub fn arrows_in(&self, area: WorldArea) -> Vec<u32> {
        (0..self.arrow_tiers())
            .flat_map(|tier| self.arrows_in_tier(tier, area))
            .collect()
    }

    /// How many tiers the arrows are kept in.
    pub fn arrow_tiers(&self) -> usize {
        self.arrow_tiers.len()
    }

    /// The arrows of one tier that may cross `area`, largest first. Each tier's arrows are
    /// all smaller than the last tier's: a frame that wants the largest few in view asks
    /// the tiers in turn and stops early.
    pub fn arrows_in_tier(&self, tier: usize, area: WorldArea) -> Vec<u32> {
        let Some(tree) = self.arrow_tiers.get(tier) else {
            return Vec::new();
        };
        let mut found: Vec<u32> = envelopes(area)
            .into_iter()
            .flat_map(|envelope| {
                tree.locate_in_envelope_intersecting(&envelope)
                    .map(|e| e.data)
                    .collect::<Vec<_>>()
            })
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The movements (slots in [`MapIndex::movements`]) an arrow stands for, in file order.
    pub fn members(&self, arrow: &ArrowGroup) -> &[u32] {
        &self.members.movements[Self::run(arrow)]
    }

    fn run(arrow: &ArrowGroup) -> std::ops::Range<usize> {
        let start = arrow.first_member as usize;
        start..start + arrow.member_count as usize
    }

    /// Whether any movement of an arrow is dated within `first..=last` (day numbers), without
    /// looking at each: a frame asks this of every arrow in view.
    pub fn any_in_range(&self, arrow: &ArrowGroup, (first, last): (i32, i32)) -> bool {
        let run = Self::run(arrow);
        let starting = self.members.starts[run.clone()].partition_point(|&s| s <= last);
        starting > 0 && self.members.reach[run.start + starting - 1] >= first
    }

    /// The tallies for the state of the range and search `key` stands for (those of another
    /// state are forgotten); `None`: a state not to be kept, counted afresh.
    pub fn tallies(&self, key: Option<u64>) -> std::sync::MutexGuard<'_, Tallies> {
        let mut tallies = self.tallies.lock().unwrap_or_else(|e| e.into_inner());
        if key.is_none() || tallies.key != key {
            tallies.clusters.clear();
            tallies.arrows.clear();
            tallies.hexagons = None;
            tallies.key = key;
        }
        tallies
    }

    /// The arrow a movement (by slot) is drawn in at this level.
    pub fn arrow_of(&self, movement: u32) -> Option<u32> {
        self.members.arrow_of.get(movement as usize).copied()
    }
}

#[cfg(test)]
mod tests;
