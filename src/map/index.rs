//! What the map needs of a story, worked out once instead of every frame: where each place is
//! in world units, where each movement starts and ends, which events are at which place; and,
//! per zoom level, the clusters of places and the arrows that stand for the movements between
//! them, each kept in an R-tree. A frame asks for what lies in the view, so its work follows
//! what is on screen, not the size of the story.
//!
//! The clusters and arrows do not depend on the time range or the search: a frame counts which
//! of their members are shown. Playback, which changes the range every frame, thus reuses them.

use std::sync::{Arc, Mutex};

use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use super::cluster;
use super::projection::{LonLatBounds, World};
use super::style;
use crate::model::{Dataset, FeatureIndex, FeatureKind, PlaceType, Vocabulary};

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
const NO_SLOT: u32 = u32::MAX;

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
}

/// Tallies kept while the range and search stay as they are: a still or panned view counts
/// the members of what it shows once, not every frame (a million features are hundreds of
/// thousands of members at country zoom).
#[derive(Debug, Default)]
pub struct Tallies {
    key: Option<u64>,
    clusters: foldhash::HashMap<u32, Tally>,
    arrows: foldhash::HashMap<u32, Tally>,
}

impl Tallies {
    pub fn cluster(&mut self, k: u32, count: impl FnOnce() -> Tally) -> Tally {
        *self.clusters.entry(k).or_insert_with(count)
    }

    pub fn arrow(&mut self, g: u32, count: impl FnOnce() -> Tally) -> Tally {
        *self.arrows.entry(g).or_insert_with(count)
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
    building: Option<((usize, usize), std::sync::mpsc::Receiver<MapIndex>)>,
}

impl IndexSlot {
    /// Builds the index of `dataset`: at once for a small story, on a thread for a big one.
    pub fn rebuild(&mut self, dataset: &Arc<Dataset>) {
        self.rebuild_in_background_from(dataset, INDEX_IN_BACKGROUND_FROM);
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
    /// The dataset this was built for (its address and size), to tell when it is stale.
    built_for: (usize, usize),
    levels: Mutex<Vec<Arc<Level>>>,
    /// The zoom level being worked out on a thread, if one is.
    building: Mutex<Option<u8>>,
    /// Accessible names of the movements drawn, kept between frames: a screen reader (or a
    /// test) asks for every arrow's every frame, and each costs place lookups and formatting.
    movement_names: Mutex<foldhash::HashMap<FeatureIndex, String>>,
}

impl IndexCore {
    fn new(dataset: &Dataset) -> Self {
        let mut places = Vec::new();
        let store = dataset.store();
        let of_kind = |kind| {
            (0..dataset.len())
                .filter(move |&i| store.kind(i) == kind)
                .map(FeatureIndex)
        };
        for index in of_kind(FeatureKind::Place) {
            if let Some(at) = dataset.anchor_at(index) {
                places.push(PlacePoint {
                    feature: index,
                    world: World::from_lon_lat(at.x(), at.y()),
                });
            }
        }
        // Each feature's place slot, while building: halving the places for each of a million
        // movement ends took a second.
        let mut slot_of_feature = vec![u32::MAX; dataset.len()];
        for (slot, place) in places.iter().enumerate() {
            slot_of_feature[place.feature.0] = slot as u32;
        }
        let place_slot = |id: &str| {
            let slot = *slot_of_feature.get(dataset.index_of(id)?.0)?;
            (slot != u32::MAX).then_some(slot)
        };
        let mut movements = Vec::new();
        let mut own_ends = Vec::new();
        let mut events_at = Vec::new();
        let mut point_events = Vec::new();
        let mut generic = Vec::new();
        for index in (0..dataset.len()).map(FeatureIndex) {
            match store.kind(index.0) {
                FeatureKind::Movement => {
                    let Some(path) = dataset.movement_path_at(index) else {
                        continue;
                    };
                    let (Some(first), Some(last)) = (path.first(), path.last()) else {
                        continue;
                    };
                    let Some((from, to)) = store.movement_ends(index.0) else {
                        continue;
                    };
                    let (from_place, to_place) = (place_slot(from), place_slot(to));
                    if from_place.is_none() || to_place.is_none() {
                        own_ends.push((
                            movements.len() as u32,
                            World::from_lon_lat(first.x, first.y),
                            World::from_lon_lat(last.x, last.y),
                        ));
                    }
                    movements.push(MovementEnds {
                        // Feature indices fit in 32 bits: files are capped far below that.
                        feature: index.0 as u32,
                        from_place: from_place.unwrap_or(NO_SLOT),
                        to_place: to_place.unwrap_or(NO_SLOT),
                        people: style::people_in(store.figure_values(index.0)).unwrap_or(0),
                        days: crate::filter::day_numbers(store.when(index.0).map(|w| w.span())),
                    });
                }
                FeatureKind::Event => match store.point(index.0) {
                    Some(p) => {
                        let world = World::from_lon_lat(p.x, p.y);
                        point_events.push(PointEntry::new([world.x, world.y], index.0 as u32));
                    }
                    None if store.has_geometry(index.0) => {}
                    None => {
                        if let Some(slot) = store.event_place(index.0).and_then(place_slot) {
                            events_at.push((slot, index));
                        }
                    }
                },
                FeatureKind::Generic => generic.push(index),
                FeatureKind::Place => {}
            }
        }
        let events_at = EventsAt::new(events_at, places.len());
        Self {
            places,
            movements,
            own_ends,
            events_at,
            point_events: RTree::bulk_load(point_events),
            generic,
            built_for: Self::identity(dataset),
            levels: Mutex::new(Vec::new()),
            building: Mutex::default(),
            movement_names: Mutex::default(),
        }
    }

    fn identity(dataset: &Dataset) -> (usize, usize) {
        dataset.identity()
    }

    /// Whether this index was built for `dataset` (and not for one since replaced).
    pub fn is_for(&self, dataset: &Dataset) -> bool {
        self.built_for == Self::identity(dataset)
    }

    /// The slot of a place in [`Self::places`], when it has a position.
    pub fn slot_of(&self, place: FeatureIndex) -> Option<u32> {
        slot_in(&self.places, place)
    }

    /// Where a movement (by slot) starts and ends, by its own points: for ends without a place.
    fn own_ends_of(&self, slot: usize) -> (World, World) {
        match self.own_ends.binary_search_by_key(&(slot as u32), |e| e.0) {
            Ok(at) => (self.own_ends[at].1, self.own_ends[at].2),
            // Every movement lacking a place at an end is listed; a placed end never asks.
            Err(_) => (World::default(), World::default()),
        }
    }

    /// The slot of a movement in [`Self::movements`], when it can be drawn.
    pub fn movement_slot_of(&self, movement: FeatureIndex) -> Option<u32> {
        let slot = self
            .movements
            .binary_search_by_key(&movement, |m| m.feature())
            .ok()?;
        Some(slot as u32)
    }

    /// The events at a place (by slot), in file order.
    pub fn events_at(&self, slot: u32) -> &[FeatureIndex] {
        self.events_at.of(slot)
    }

    /// Events at points of their own within `area`.
    pub fn point_events_in(&self, area: WorldArea) -> Vec<FeatureIndex> {
        let mut found: Vec<FeatureIndex> = query_points(&self.point_events, area)
            .map(|i| FeatureIndex(i as usize))
            .collect();
        found.sort_unstable();
        found
    }

    /// The accessible name of a movement, worked out by `name` the first time it is asked for.
    pub fn movement_name(&self, movement: FeatureIndex, name: impl FnOnce() -> String) -> String {
        /// Enough for every arrow of many views; beyond, the names start again.
        const KEPT: usize = 20_000;
        let mut names = self
            .movement_names
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if names.len() >= KEPT {
            names.clear();
        }
        names.entry(movement).or_insert_with(name).clone()
    }

    /// The clusters and arrows for a view at `zoom`, worked out the first time that level is
    /// asked for.
    pub fn level(&self, dataset: &Dataset, zoom: f64) -> Arc<Level> {
        let zoom = level_zoom(zoom);
        if let Some(level) = self.kept_level(zoom) {
            return level;
        }
        let started = std::time::Instant::now();
        let level = Arc::new(self.build_level(dataset, zoom));
        // Building a level for a big story allocates and frees much on the way.
        crate::memory::give_back_freed();
        crate::memory::settle_soon();
        log::info!(
            "zoom level {zoom}: {} clusters, {} arrows, in {:.0} ms; {}",
            level.clusters.len(),
            level.arrows.len(),
            started.elapsed().as_secs_f64() * 1e3,
            crate::logging::describe_resident()
        );
        let mut levels = self.levels.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(at) = levels.iter().position(|l| l.zoom == zoom) {
            // Worked out meanwhile elsewhere: the one kept stays.
            return levels[at].clone();
        }
        if levels.len() >= KEPT_LEVELS {
            levels.remove(0);
        }
        levels.push(level.clone());
        level
    }

    /// The level for `zoom` if it is kept (it becomes the last used).
    fn kept_level(&self, zoom: u8) -> Option<Arc<Level>> {
        let mut levels = self.levels.lock().unwrap_or_else(|e| e.into_inner());
        let at = levels.iter().position(|l| l.zoom == zoom)?;
        let level = levels.remove(at);
        levels.push(level.clone());
        Some(level)
    }

    /// The kept level nearest to `zoom`.
    fn nearest_kept_level(&self, zoom: u8) -> Option<Arc<Level>> {
        let levels = self.levels.lock().unwrap_or_else(|e| e.into_inner());
        levels.iter().min_by_key(|l| l.zoom.abs_diff(zoom)).cloned()
    }

    fn build_level(&self, dataset: &Dataset, zoom: u8) -> Level {
        // Clustered in the pixels of that zoom level, as the screen shows them.
        let scale = 256.0 * 2f64.powi(zoom as i32);
        let points: Vec<cluster::Point> = self
            .places
            .iter()
            .map(|p| [p.world.x * scale, p.world.y * scale])
            .collect();
        let found = cluster::clusters(&points, cluster::CLUSTER_RADIUS, cluster::CLUSTER_MIN);
        let mut cluster_of = vec![None; self.places.len()];
        let mut clusters = Vec::with_capacity(found.len());
        for (k, group) in found.into_iter().enumerate() {
            let mut members: Vec<u32> = group.members.iter().map(|&m| m as u32).collect();
            members.sort_unstable();
            for &m in &members {
                cluster_of[m as usize] = Some(k as u32);
            }
            clusters.push(LevelCluster {
                center: World {
                    x: group.center[0] / scale,
                    y: group.center[1] / scale,
                },
                named: self.cluster_name(dataset, &members),
                bounds: LonLatBounds::from_points(
                    members
                        .iter()
                        .map(|&m| self.places[m as usize].world.to_position()),
                ),
                members,
            });
        }
        let singles = RTree::bulk_load(
            self.places
                .iter()
                .enumerate()
                .filter(|(slot, _)| cluster_of[*slot].is_none())
                .map(|(slot, p)| PointEntry::new([p.world.x, p.world.y], slot as u32))
                .collect(),
        );
        let cluster_tree = RTree::bulk_load(
            clusters
                .iter()
                .enumerate()
                .map(|(k, c)| PointEntry::new([c.center.x, c.center.y], k as u32))
                .collect(),
        );
        let (arrows, members) = self.arrow_groups(dataset, &clusters, &cluster_of);
        let mut arrow_tiers = Vec::new();
        let (mut start, mut size) = (0, FIRST_TIER);
        while start < arrows.len() {
            let end = (start + size).min(arrows.len());
            arrow_tiers.push(RTree::bulk_load(
                (start..end)
                    .map(|g| {
                        let arrow = &arrows[g];
                        BoxEntry::new(reach(arrow.from_world, arrow.to_world), g as u32)
                    })
                    .collect(),
            ));
            start = end;
            size *= 8;
        }
        Level {
            zoom,
            clusters,
            singles,
            cluster_tree,
            arrows,
            members,
            arrow_tiers,
            tallies: Default::default(),
        }
    }

    fn cluster_name(&self, dataset: &Dataset, members: &[u32]) -> String {
        members
            .iter()
            .map(|&m| self.places[m as usize].feature)
            .min_by_key(|&index| {
                let place_type = dataset
                    .store()
                    .place_type(index.0)
                    .and_then(PlaceType::parse);
                (style::label_priority(place_type), index)
            })
            .and_then(|index| dataset.store().name(index.0))
            .unwrap_or_default()
            .to_owned()
    }

    /// The arrows of a level: movements touching a cluster merge per pair of ends; movements
    /// between the same two places merge when there are [`SAME_PLACES_MERGE`] or more; the
    /// rest are drawn one by one.
    fn arrow_groups(
        &self,
        dataset: &Dataset,
        clusters: &[LevelCluster],
        cluster_of: &[Option<u32>],
    ) -> (Vec<ArrowGroup>, Members) {
        let node = |place: Option<u32>, movement: usize| match place {
            Some(slot) => match cluster_of[slot as usize] {
                Some(k) => Node::Cluster(k),
                None => Node::Place(slot),
            },
            None => Node::Point(movement as u32),
        };
        let at = |node: Node, slot: usize, from: bool| match node {
            Node::Place(place) => self.places[place as usize].world,
            Node::Cluster(k) => clusters[k as usize].center,
            Node::Point(_) => {
                let (from_world, to_world) = self.own_ends_of(slot);
                if from { from_world } else { to_world }
            }
        };
        let mut pair_counts: foldhash::HashMap<(u32, u32), usize> = Default::default();
        for m in &self.movements {
            if let (Some(from), Some(to)) = (m.from_place(), m.to_place()) {
                *pair_counts.entry((from, to)).or_default() += 1;
            }
        }
        // Members of each group, gathered before they are laid out one run per arrow.
        let mut grouped: Vec<(ArrowGroup, Vec<u32>)> = Vec::new();
        let mut merged: foldhash::HashMap<(Node, Node), usize> = Default::default();
        for (slot, m) in self.movements.iter().enumerate() {
            let (from, to) = (node(m.from_place(), slot), node(m.to_place(), slot));
            let merge = if matches!(from, Node::Cluster(_)) || matches!(to, Node::Cluster(_)) {
                Some(Merge::Clusters)
            } else {
                match (m.from_place(), m.to_place()) {
                    (Some(a), Some(b)) if pair_counts[&(a, b)] >= SAME_PLACES_MERGE => {
                        Some(Merge::SamePlaces)
                    }
                    _ => None,
                }
            };
            if merge.is_some() {
                if let Some(&g) = merged.get(&(from, to)) {
                    grouped[g].1.push(slot as u32);
                    continue;
                }
                merged.insert((from, to), grouped.len());
            }
            grouped.push((
                ArrowGroup {
                    from,
                    to,
                    from_world: at(from, slot, true),
                    to_world: at(to, slot, false),
                    merge,
                    rank: 0,
                    first_member: 0,
                    member_count: 0,
                },
                vec![slot as u32],
            ));
        }
        // The largest first (by the people of all their movements, then how many): a frame
        // draws arrows in this order until it has drawn enough, and the choice stays the same
        // while the range moves (in playback, arrows do not flicker in and out).
        let weight = |(group, members): &(ArrowGroup, Vec<u32>)| {
            let people = members.iter().map(|&m| self.movements[m as usize].people);
            let people = match group.merge {
                Some(Merge::Clusters) => people.sum(),
                _ => people.max().unwrap_or(0),
            };
            (
                std::cmp::Reverse(people),
                std::cmp::Reverse(members.len()),
                members[0],
            )
        };
        grouped.sort_by_cached_key(weight);
        // Arrows into the same end are ranked by origin, then date, so that they fan out.
        let first_day = |slot: u32| {
            dataset
                .store()
                .when(self.movements[slot as usize].feature as usize)
                .and_then(|w| w.span().first)
        };
        let mut by_destination: foldhash::HashMap<Node, Vec<usize>> = Default::default();
        for (g, (group, _)) in grouped.iter().enumerate() {
            by_destination.entry(group.to).or_default().push(g);
        }
        for into in by_destination.values_mut() {
            into.sort_by_cached_key(|&g| {
                let (group, members) = &grouped[g];
                (node_order(group.from), first_day(members[0]), members[0])
            });
            for (rank, &g) in into.iter().enumerate() {
                grouped[g].0.rank = rank as u32;
            }
        }
        let mut arrows = Vec::with_capacity(grouped.len());
        let mut laid_out = Members {
            movements: Vec::with_capacity(self.movements.len()),
            starts: Vec::with_capacity(self.movements.len()),
            reach: Vec::with_capacity(self.movements.len()),
            arrow_of: vec![0; self.movements.len()],
        };
        for (g, (mut group, mut run)) in grouped.into_iter().enumerate() {
            group.first_member = laid_out.movements.len() as u32;
            group.member_count = run.len() as u32;
            // By date, so that whether any is in a range is a binary search (see
            // `Level::any_in_range`).
            run.sort_by_key(|&m| (self.movements[m as usize].days.0, m));
            let mut reach = i32::MIN;
            for &m in &run {
                let (start, end) = self.movements[m as usize].days;
                reach = reach.max(end);
                laid_out.arrow_of[m as usize] = g as u32;
                laid_out.starts.push(start);
                laid_out.reach.push(reach);
            }
            laid_out.movements.extend(run);
            arrows.push(group);
        }
        (arrows, laid_out)
    }
}

/// Orders arrow ends: places by slot (file order), then clusters, then points.
fn node_order(node: Node) -> (u8, u32) {
    match node {
        Node::Place(slot) => (0, slot),
        Node::Cluster(k) => (1, k),
        Node::Point(m) => (2, m),
    }
}

/// Where an arrow may be drawn, its bend included.
fn reach(from: World, to: World) -> Rectangle<[f64; 2]> {
    let margin = (from.x - to.x).hypot(from.y - to.y) * 0.6;
    Rectangle::from_corners(
        [from.x.min(to.x) - margin, from.y.min(to.y) - margin],
        [from.x.max(to.x) + margin, from.y.max(to.y) + margin],
    )
}

/// The envelopes to ask for `area`: itself, and its part beyond the antimeridian moved back
/// into the world (a view across it sees both edges of the world).
/// A place's slot: places are kept in file order, so it is found by halving.
fn slot_in(places: &[PlacePoint], place: FeatureIndex) -> Option<u32> {
    let slot = places.binary_search_by_key(&place, |p| p.feature).ok()?;
    Some(slot as u32)
}

/// The events at each place, all in one list ordered by place (a list per place cost fifty
/// bytes a place besides its events).
#[derive(Debug, Default)]
struct EventsAt {
    /// Where each place's events start in `events`; one more at the end.
    starts: Vec<u32>,
    events: Vec<FeatureIndex>,
}

impl EventsAt {
    /// From (place slot, event) pairs in file order.
    fn new(mut pairs: Vec<(u32, FeatureIndex)>, places: usize) -> Self {
        // Stable: each place's events stay in file order.
        pairs.sort_by_key(|&(slot, _)| slot);
        let mut starts = Vec::with_capacity(places + 1);
        let mut pairs_at = 0;
        for slot in 0..=places as u32 {
            while pairs.get(pairs_at).is_some_and(|&(s, _)| s < slot) {
                pairs_at += 1;
            }
            starts.push(pairs_at as u32);
        }
        Self {
            starts,
            events: pairs.into_iter().map(|(_, event)| event).collect(),
        }
    }

    fn of(&self, slot: u32) -> &[FeatureIndex] {
        let slot = slot as usize;
        match (self.starts.get(slot), self.starts.get(slot + 1)) {
            (Some(&start), Some(&end)) => {
                self.events.get(start as usize..end as usize).unwrap_or(&[])
            }
            _ => &[],
        }
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
