//! Building the index: the story's places, movements and events placed once, and each zoom
//! level's clusters and arrows worked out when first asked for.

use std::sync::{Arc, Mutex};

use rstar::RTree;
use rstar::primitives::Rectangle;

use super::super::cluster;
use super::super::projection::{LonLatBounds, World};
use super::super::style;
use super::{
    ArrowGroup, BoxEntry, CountEntry, EventsAt, FIRST_TIER, IndexCore, KEPT_LEVELS, Level,
    LevelCluster, Members, Merge, MovementEnds, NO_SLOT, Node, PlacePoint, PointEntry,
    SAME_PLACES_MERGE, WorldArea, level_zoom, query_points,
};
use crate::model::{Dataset, EventType, FeatureIndex, FeatureKind, PlaceType, Vocabulary};

/// What a run of features adds to the index, in their order.
#[derive(Debug, Default)]
struct Gathered {
    movements: Vec<MovementEnds>,
    /// By the movement's place in `movements`.
    own_ends: Vec<(u32, World, World)>,
    events_at: Vec<(u32, FeatureIndex, u8)>,
    point_events: Vec<PointEntry>,
    generic: Vec<FeatureIndex>,
    counts: Vec<CountEntry>,
}

/// The movements, events and other features of `run` (feature indexes) for the index:
/// `slot_of_feature` gives each place's slot.
fn gather(
    dataset: &Dataset,
    places: &[PlacePoint],
    slot_of_feature: &[u32],
    run: std::ops::Range<usize>,
) -> Gathered {
    let store = dataset.store();
    let place_slot = |id: &str| {
        let slot = *slot_of_feature.get(dataset.index_of(id)?.0)?;
        (slot != u32::MAX).then_some(slot)
    };
    let mut part = Gathered::default();
    let Gathered {
        movements,
        own_ends,
        events_at,
        point_events,
        generic,
        counts,
    } = &mut part;
    for index in run.map(FeatureIndex) {
        match store.kind(index.0) {
            FeatureKind::Movement => {
                let Some((from, to)) = store.movement_ends(index.0) else {
                    continue;
                };
                let (from_place, to_place) = (place_slot(from), place_slot(to));
                // Only a movement with an end at no place of the map needs its path
                // (the ids looked up again): for it, its own ends.
                if from_place.is_none() || to_place.is_none() {
                    let Some(path) = dataset.movement_path_at(index) else {
                        continue;
                    };
                    let (Some(first), Some(last)) = (path.first(), path.last()) else {
                        continue;
                    };
                    own_ends.push((
                        movements.len() as u32,
                        World::from_lon_lat(first.x, first.y),
                        World::from_lon_lat(last.x, last.y),
                    ));
                }
                movements.push(MovementEnds {
                    // Feature indices fit in 32 bits: a story's text stays under 4 GiB.
                    feature: index.0 as u32,
                    from_place: from_place.unwrap_or(NO_SLOT),
                    to_place: to_place.unwrap_or(NO_SLOT),
                    people: style::people_in(store.figure_values(index.0)).unwrap_or(0),
                    days: crate::filter::day_numbers(store.when(index.0).map(|w| w.span())),
                });
            }
            FeatureKind::Event
                if let Some(kind) = store
                    .event_type(index.0)
                    .and_then(EventType::parse)
                    .filter(|t| t.is_count()) =>
            {
                let place = store.event_place(index.0).and_then(place_slot);
                let world = match (store.point(index.0), place) {
                    (Some(p), _) => World::from_lon_lat(p.x, p.y),
                    (None, Some(slot)) => places[slot as usize].world,
                    (None, None) => continue,
                };
                counts.push(CountEntry {
                    feature: index,
                    place: place.unwrap_or(NO_SLOT),
                    world,
                    people: style::people_in(store.figure_values(index.0)).unwrap_or(0),
                    event_type: kind,
                    sources: {
                        use std::hash::{BuildHasher, Hash, Hasher};
                        let mut hasher = foldhash::fast::FixedState::default().build_hasher();
                        for source in store.figure_sources(index.0) {
                            source.hash(&mut hasher);
                        }
                        hasher.finish()
                    },
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
                        let kind = super::event_type_slot(store.event_type(index.0));
                        events_at.push((slot, index, kind));
                    }
                }
            },
            FeatureKind::Generic => generic.push(index),
            FeatureKind::Place => {}
        }
    }
    part
}

impl Gathered {
    /// `later`'s after these.
    fn append(&mut self, mut later: Self) {
        let offset = self.movements.len() as u32;
        self.own_ends.extend(
            later
                .own_ends
                .into_iter()
                .map(|(k, a, b)| (k + offset, a, b)),
        );
        self.movements.append(&mut later.movements);
        self.events_at.append(&mut later.events_at);
        self.point_events.append(&mut later.point_events);
        self.generic.append(&mut later.generic);
        self.counts.append(&mut later.counts);
    }
}

impl IndexCore {
    pub(super) fn new(dataset: &Dataset) -> Self {
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
        // Each run of features on a core of its own (a story's ids looked up by the million
        // miss the cache: ten million features took six seconds on one), joined in order.
        let gather = |run| gather(dataset, &places, &slot_of_feature, run);
        let mut gathered = Gathered::default();
        for part in crate::io::pipeline::on_cores(dataset.len(), 1 << 16, gather) {
            gathered.append(part);
        }
        let events_at = EventsAt::new(gathered.events_at, places.len());
        Self {
            places,
            movements: gathered.movements,
            own_ends: gathered.own_ends,
            events_at,
            point_events: RTree::bulk_load(gathered.point_events),
            generic: gathered.generic,
            count_scale: gathered.counts.iter().map(|c| c.people).max().unwrap_or(0),
            counts: gathered.counts,
            built_for: Self::identity(dataset),
            levels: Mutex::new(Vec::new()),
            building: Mutex::default(),
            movement_names: Mutex::default(),
        }
    }

    fn identity(dataset: &Dataset) -> crate::model::DatasetIdentity {
        dataset.identity()
    }

    /// How many features the story had when this index was built.
    pub fn features_built_for(&self) -> usize {
        self.built_for.1
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

    /// The types of the events at place `slot` ([`super::event_type_slot`]), in the same order.
    pub fn event_types_at(&self, slot: u32) -> &[u8] {
        self.events_at.types_of(slot)
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
            crate::memory::describe_resident()
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
    pub(super) fn kept_level(&self, zoom: u8) -> Option<Arc<Level>> {
        let mut levels = self.levels.lock().unwrap_or_else(|e| e.into_inner());
        let at = levels.iter().position(|l| l.zoom == zoom)?;
        let level = levels.remove(at);
        levels.push(level.clone());
        Some(level)
    }

    /// The kept level nearest to `zoom`.
    pub(super) fn nearest_kept_level(&self, zoom: u8) -> Option<Arc<Level>> {
        let levels = self.levels.lock().unwrap_or_else(|e| e.into_inner());
        levels.iter().min_by_key(|l| l.zoom.abs_diff(zoom)).cloned()
    }

    pub(super) fn build_level(&self, dataset: &Dataset, zoom: u8) -> Level {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs gathered apart and joined are what the whole gives at once (a movement's own ends
    /// counted from the start of the whole).
    #[test]
    fn runs_gathered_on_cores_join_as_the_whole() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/damascus-2017-05.geojson");
        let dataset = crate::io::load_file(&path).unwrap().dataset;
        // Idlib left off the map: the movements to it have ends of their own.
        let idlib = dataset.index_of("idlib").unwrap();
        let mut places = Vec::new();
        let mut slots = vec![u32::MAX; dataset.len()];
        for index in (0..dataset.len()).map(FeatureIndex) {
            if dataset.store().kind(index.0) == FeatureKind::Place
                && index != idlib
                && let Some(at) = dataset.anchor_at(index)
            {
                slots[index.0] = places.len() as u32;
                places.push(PlacePoint {
                    feature: index,
                    world: World::from_lon_lat(at.x(), at.y()),
                });
            }
        }
        let whole = gather(&dataset, &places, &slots, 0..dataset.len());
        assert_eq!(whole.movements.len(), 3);
        assert_eq!(whole.own_ends.len(), 3, "the three movements to Idlib");
        assert!(!whole.events_at.is_empty());
        for cut in 0..=dataset.len() {
            let mut joined = Gathered::default();
            joined.append(gather(&dataset, &places, &slots, 0..cut));
            joined.append(gather(&dataset, &places, &slots, cut..dataset.len()));
            assert_eq!(format!("{joined:?}"), format!("{whole:?}"), "cut at {cut}");
        }
    }
}
