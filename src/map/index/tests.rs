use super::*;

#[test]
fn a_movement_name_is_worked_out_once() {
    let index = MapIndex::default();
    let mut asked = 0;
    for _ in 0..3 {
        let name = index.movement_name(FeatureIndex(4), || {
            asked += 1;
            "Evacuation A → B".to_owned()
        });
        assert_eq!(name, "Evacuation A → B");
    }
    assert_eq!(asked, 1);
    let other = index.movement_name(FeatureIndex(5), || "Return B → A".to_owned());
    assert_eq!(other, "Return B → A");
}

#[test]
fn events_are_listed_by_place_in_file_order() {
    let pairs = [(2, 10), (0, 11), (2, 12), (0, 13), (4, 14)]
        .map(|(slot, event)| (slot, FeatureIndex(event), (event % 3) as u8));
    let at = EventsAt::new(pairs.to_vec(), 5);
    let of = |slot| at.of(slot).iter().map(|i| i.0).collect::<Vec<_>>();
    assert_eq!(of(0), [11, 13]);
    // Each event's type stays beside it.
    assert_eq!(at.types_of(0), [2, 1]);
    assert_eq!(at.types_of(2), [1, 0]);
    assert_eq!(of(1), Vec::<usize>::new());
    assert_eq!(of(2), [10, 12]);
    assert_eq!(of(4), [14]);
    assert_eq!(of(5), Vec::<usize>::new());
    assert_eq!(of(u32::MAX), Vec::<usize>::new());
}

fn generated(features: usize, seed: u64) -> Dataset {
    crate::io::parse_bytes(crate::generate::story(features, seed).as_bytes(), "gen")
        .expect("a generated story loads")
        .dataset
}

fn bundled() -> Dataset {
    crate::io::parse_bytes(crate::BUNDLED_STORY.as_bytes(), "bundled")
        .expect("the bundled story loads")
        .dataset
}

#[test]
fn every_place_and_movement_of_the_bundled_story_is_indexed() {
    let dataset = bundled();
    let index = MapIndex::new(&dataset);
    assert_eq!(index.places.len(), dataset.places().count());
    assert_eq!(index.movements.len(), dataset.movements().count());
    assert!(index.is_for(&dataset));
    assert!(!index.is_for(&Dataset::default()));
}

#[test]
fn at_city_zoom_the_bundled_story_has_no_clusters_and_one_arrow_per_movement() {
    let dataset = bundled();
    let index = MapIndex::new(&dataset);
    let level = index.level(&dataset, 11.0);
    assert!(level.clusters.is_empty());
    assert_eq!(level.arrows.len(), dataset.movements().count());
    assert!(level.arrows.iter().all(|a| a.merge.is_none()));
    let everywhere = (World { x: 0.0, y: 0.0 }, World { x: 1.0, y: 1.0 });
    assert_eq!(level.singles_in(everywhere).len(), index.places.len());
    assert_eq!(level.arrows_in(everywhere).len(), level.arrows.len());
}

#[test]
fn a_generated_crowd_clusters_at_country_zoom_and_its_movements_merge() {
    let dataset = generated(3000, 7);
    let index = MapIndex::new(&dataset);
    let level = index.level(&dataset, 7.0);
    assert!(!level.clusters.is_empty());
    let clustered: usize = level.clusters.iter().map(|c| c.members.len()).sum();
    let everywhere = (World { x: 0.0, y: 0.0 }, World { x: 1.0, y: 1.0 });
    assert_eq!(
        clustered + level.singles_in(everywhere).len(),
        index.places.len(),
        "each place is in one cluster or drawn alone"
    );
    // Every movement is in exactly one arrow.
    let mut seen = vec![0; index.movements.len()];
    for arrow in &level.arrows {
        for &m in level.members(arrow) {
            seen[m as usize] += 1;
        }
    }
    assert!(seen.iter().all(|&n| n == 1));
    assert!(
        level.arrows.len() < index.movements.len() / 2,
        "{} arrows for {} movements in {} clusters",
        level.arrows.len(),
        index.movements.len(),
        level.clusters.len()
    );
}

#[test]
fn whether_an_arrow_has_a_movement_in_a_range_agrees_with_looking_at_each() {
    let dataset = generated(3000, 3);
    let index = MapIndex::new(&dataset);
    let level = index.level(&dataset, 6.0);
    assert!(level.arrows.iter().any(|a| level.members(a).len() > 5));
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d);
    let ranges = [
        (day(2016, 1, 1), day(2016, 12, 31)),
        (day(2013, 5, 1), day(2013, 5, 31)),
        (None, day(2012, 1, 1)),
        (day(2023, 1, 1), None),
        (day(1990, 1, 1), day(1990, 1, 2)),
    ];
    let mut seen = [0, 0];
    for (first, last) in ranges {
        let range = crate::filter::day_numbers(Some(crate::model::DaySpan { first, last }));
        for arrow in &level.arrows {
            let looked = level.members(arrow).iter().any(|&m| {
                let (start, end) = index.movements[m as usize].days;
                start <= range.1 && end >= range.0
            });
            assert_eq!(level.any_in_range(arrow, range), looked, "{range:?}");
            seen[looked as usize] += 1;
        }
    }
    assert!(
        seen[0] > 0 && seen[1] > 0,
        "both answers were tried: {seen:?}"
    );
}

#[test]
fn arrows_are_numbered_largest_first_and_kept_in_tiers_of_growing_size() {
    let dataset = generated(9000, 4);
    let index = MapIndex::new(&dataset);
    let level = index.level(&dataset, 11.0);
    assert!(level.arrow_tiers() >= 2, "{} arrows", level.arrows.len());
    let everywhere = (World { x: 0.0, y: 0.0 }, World { x: 1.0, y: 1.0 });
    assert_eq!(level.arrows_in_tier(0, everywhere).len(), FIRST_TIER);
    let all = level.arrows_in(everywhere);
    assert_eq!(all, (0..level.arrows.len() as u32).collect::<Vec<_>>());
    let people = |g: u32| -> u64 {
        let arrow = &level.arrows[g as usize];
        let each = level
            .members(arrow)
            .iter()
            .map(|&m| index.movements[m as usize].people);
        match arrow.merge {
            Some(Merge::Clusters) => each.sum(),
            _ => each.max().unwrap_or(0),
        }
    };
    assert!(all.windows(2).all(|w| people(w[0]) >= people(w[1])));
}

#[test]
fn levels_are_kept_and_reused() {
    let dataset = bundled();
    let index = MapIndex::new(&dataset);
    let first = index.level(&dataset, 9.2);
    let again = index.level(&dataset, 8.8);
    assert!(Arc::ptr_eq(&first, &again), "both round to zoom 9");
    for zoom in 0..8 {
        index.level(&dataset, zoom as f64);
    }
    assert!(!Arc::ptr_eq(&first, &index.level(&dataset, 9.0)));
}

/// A big story's index is built on a thread: meanwhile the slot gives an empty index and
/// says so; then the story's own.
#[test]
fn a_big_storys_index_is_built_in_the_background() {
    let dataset = Arc::new(generated(2000, 3));
    let mut slot = IndexSlot::default();
    slot.rebuild_in_background_from(&dataset, 0);
    let started = std::time::Instant::now();
    loop {
        let (index, pending) = slot.current(&dataset);
        if !pending {
            assert!(index.is_for(&dataset));
            assert_eq!(index.movements.len(), dataset.movements().count());
            break;
        }
        assert!(index.places.is_empty() && index.movements.is_empty());
        assert!(started.elapsed() < std::time::Duration::from_secs(60));
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // Another story replaces it at once when small.
    let small = Arc::new(generated(50, 4));
    let (index, pending) = slot.current(&small);
    assert!(!pending && index.is_for(&small));
}

/// After an edit that added or removed nothing, the index before it is drawn while the new one
/// is worked out; after one that did, nothing is (its rows would no longer match).
#[test]
fn after_an_edit_the_old_index_stands_in_only_while_the_rows_are_the_same() {
    use crate::model::Feature;
    use crate::model::edit::{Change, Edit, History, Origins};
    let mut dataset = generated(2000, 5);
    let mut slot = IndexSlot::default();
    slot.rebuild_in_background_from(&Arc::new(dataset.clone()), usize::MAX);
    let mut origins = Origins::read(dataset.len());
    let mut history = History::new();
    let (at, place) = dataset.places().next().expect("a place");
    let mut moved = place.clone();
    moved.common.geometry = Some(geo::Geometry::Point(geo::Point::new(40.0, 35.0)));
    let change = Change::replace(at, Feature::Place(place), Feature::Place(moved));
    history.perform(Edit::new("move", vec![change]), &mut dataset, &mut origins);
    let edited = Arc::new(dataset.clone());
    slot.rebuild_after_edit_from(&edited, 0);
    let (index, pending) = slot.current(&edited);
    assert!(
        !index.places.is_empty() || !pending,
        "the index before the edit is drawn while the new one is built"
    );
    // A feature removed: the rows moved, nothing of the old index is drawn meanwhile.
    let wait = |slot: &mut IndexSlot, dataset: &Arc<Dataset>| {
        let started = std::time::Instant::now();
        while slot.current(dataset).1 {
            assert!(started.elapsed() < std::time::Duration::from_secs(60));
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    };
    wait(&mut slot, &edited);
    let last = FeatureIndex(dataset.len() - 1);
    let removed = dataset.get(last).expect("a feature");
    history.perform(
        Edit::new("remove", vec![Change::remove(last, removed)]),
        &mut dataset,
        &mut origins,
    );
    let shorter = Arc::new(dataset);
    slot.rebuild_after_edit_from(&shorter, 0);
    let (index, pending) = slot.current(&shorter);
    assert!(
        !pending || index.places.is_empty(),
        "no index of other rows stands in"
    );
    wait(&mut slot, &shorter);
    assert!(slot.current(&shorter).0.is_for(&shorter));
}

/// A big story's level is worked out on a thread: nothing to draw at first, then that
/// level; another zoom shows the nearest kept level until its own is ready.
#[test]
fn a_level_worked_out_in_the_background_is_drawn_once_ready() {
    let dataset = Arc::new(generated(3000, 7));
    let index = MapIndex::new(&dataset);
    let wait = |zoom: f64| {
        let (sender, receiver) = std::sync::mpsc::channel();
        let first = index.level_in_background_from(
            &dataset,
            zoom,
            move || {
                sender.send(()).ok();
            },
            0,
        );
        receiver
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the level was worked out");
        first
    };
    assert!(wait(7.0).is_none(), "a level before any was worked out");
    let seven = index
        .level_in_background_from(&dataset, 7.2, || {}, 0)
        .expect("kept");
    assert_eq!(seven.zoom, 7);
    assert_eq!(
        seven.clusters.len(),
        index.level(&dataset, 7.0).clusters.len()
    );
    let meanwhile = wait(10.0).expect("the nearest kept level meanwhile");
    assert_eq!(meanwhile.zoom, 7);
    let ten = index
        .level_in_background_from(&dataset, 10.0, || {}, 0)
        .expect("kept");
    assert_eq!(ten.zoom, 10);
}

#[test]
fn a_view_across_the_antimeridian_finds_places_on_both_sides() {
    let area = (World { x: 0.99, y: 0.4 }, World { x: 1.01, y: 0.6 });
    let found = envelopes(area);
    assert_eq!(found.len(), 2);
}
