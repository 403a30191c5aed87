//! The map in other views and states: across the antimeridian, dimmed by a search, the 13 May
//! badge, the 12 May arrow's label, a small window, folded panels, a load in progress.

use crate::support;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use evacmap::app::{AppOptions, EvacApp};
use evacmap::model::DaySpan;

use super::ui::{harness, harness_with, harness_with_stored, index_of, labels_containing, options};

#[test]
fn a_story_across_the_antimeridian_is_framed_and_drawn_the_short_way() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/good/across-the-antimeridian.geojson");
    let harness = harness_with(AppOptions {
        file: Some(path),
        ..options()
    });
    let map = harness.state().map_rect().unwrap();
    let markers = &harness.state().last_overlay().markers;
    assert_eq!(markers.len(), 2);
    for marker in markers {
        assert!(
            map.contains(marker.drawn_position),
            "{marker:?} is off the map {map:?}"
        );
    }
    // Framed closely, as two places 0.7° apart should be, not as the whole world.
    assert!(
        harness.state().zoom() > 6.0,
        "zoom {}",
        harness.state().zoom()
    );
}

#[test]
fn searching_qab_lists_qaboun_and_dims_the_rest_of_the_map_until_cleared() {
    let mut harness = harness();
    let faded = |harness: &Harness<'_, EvacApp>, id: &str| {
        let index = index_of(harness, id);
        harness
            .state()
            .last_overlay()
            .markers
            .iter()
            .find(|m| m.feature == index)
            .map(|m| m.faded)
            .unwrap()
    };
    assert!(!faded(&harness, "barzeh"));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run_steps(2);
    harness.get_by_label("Search").type_text("Qab");
    harness.run_steps(2);
    assert!(!faded(&harness, "qaboun"), "Qaboun matches and stands out");
    assert!(
        faded(&harness, "barzeh"),
        "Barzeh does not match and is dimmed"
    );
    // The place is listed; clicking it selects it.
    harness.get_by_label("◆ Qaboun (place)").click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().selection(),
        Some(index_of(&harness, "qaboun"))
    );
    // Cleared: nothing is dimmed.
    harness.get_by_label("Search").focus();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.key_press(egui::Key::Backspace);
    harness.run_steps(2);
    assert!(!faded(&harness, "barzeh"));
}

#[test]
fn on_13_may_the_events_at_qaboun_are_on_the_map_as_a_badge_that_opens() {
    let day = |text: &str| text.parse::<chrono::NaiveDate>().unwrap();
    let may_13 = day("2017-05-13");
    let mut harness = harness_with(AppOptions {
        range: DaySpan::days(may_13, may_13),
        ..options()
    });
    // The 2017 offensive, the clashes, the agreement and SOHR's estimate: one badge at Qaboun.
    harness.get_by_label("4 events at Qaboun").click();
    harness.run_steps(2);
    harness.get_by_label("Event: SOHR: about 20% of Qaboun still held by rebels, 13 May 2017");
    harness
        .get_by_label("Event: Qaboun evacuation agreement, 13 May 2017")
        .click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().selection(),
        Some(index_of(&harness, "qaboun-agreement"))
    );
    // On 8 May none of them is shown.
    let mut harness = harness_with(AppOptions {
        range: DaySpan::days(day("2017-05-08"), day("2017-05-08")),
        ..options()
    });
    harness.run_steps(2);
    assert!(harness.query_by_label("4 events at Qaboun").is_none());
}

#[test]
fn the_12_may_arrow_carries_its_date_and_figures_and_its_destination_is_marked_assumed() {
    let harness = harness_with(AppOptions {
        select: Some("barzeh-idlib-2017-05-12".into()),
        ..options()
    });
    let batch = index_of(&harness, "barzeh-idlib-2017-05-12");
    let labels = &harness.state().last_overlay().arrow_labels;
    let text = labels
        .iter()
        .find(|l| l.feature == batch)
        .map(|l| l.text.as_str());
    assert_eq!(text, Some("12 May 2017 · 700–1,246 people (SOHR–SANA)"));
    harness.get_by_label("(assumed: the report does not name the destination)");
}

/// Every drawn marker lies inside the map.
fn story_is_framed(harness: &Harness<'_, EvacApp>) -> bool {
    let map = harness.state().map_rect().unwrap();
    let markers = &harness.state().last_overlay().markers;
    !markers.is_empty() && markers.iter().all(|m| map.contains(m.drawn_position))
}

#[test]
fn a_small_window_keeps_its_map_with_the_details_open_and_the_story_framed() {
    let mut harness = harness_with(AppOptions {
        select: Some("barzeh-idlib-2017-05-12".into()),
        ..options()
    });
    harness.set_size(egui::vec2(900.0, 600.0));
    harness.run_steps(6);
    let map = harness.state().map_rect().unwrap();
    assert!(
        map.width() >= 500.0,
        "the map is {} points wide",
        map.width()
    );
    // The details are there, as a card over the map, and the story is framed beside it.
    harness.get_by_label("Figures, by source");
    assert!(
        story_is_framed(&harness),
        "the story left the view on resize"
    );
    // Syria's own marker stands for the whole country and is not framed.
    let syria = index_of(&harness, "syria");
    for marker in harness
        .state()
        .last_overlay()
        .markers
        .iter()
        .filter(|m| m.feature != syria)
    {
        assert!(
            marker.drawn_position.x < map.right() - 300.0,
            "{marker:?} is under the details card (map {map:?})"
        );
    }
}

#[test]
fn the_list_and_the_timeline_fold_away_and_stay_folded() {
    let mut harness = harness();
    let before = harness.state().map_rect().unwrap();
    harness.get_by_label("List").click();
    harness.run_steps(20);
    harness.get_by_label("Timeline").click();
    harness.run_steps(20);
    let after = harness.state().map_rect().unwrap();
    assert!(
        after.width() > before.width() + 200.0,
        "{before:?} → {after:?}"
    );
    assert!(
        after.height() > before.height() + 60.0,
        "{before:?} → {after:?}"
    );
    assert!(story_is_framed(&harness));
    let saved = harness.state().persisted();
    assert!(!saved.panels.list && !saved.panels.timeline);
    let again = harness_with_stored(
        AppOptions {
            reset: false,
            ..options()
        },
        Some(saved),
    );
    assert!(
        again.query_by_label("Story week").is_none(),
        "the timeline stays folded"
    );
}

/// Reads half of a large story, then waits to be cancelled (or gives up after 20 s).
fn half_read_loader(
    path: &std::path::Path,
    progress: &evacmap::io::LoadProgress,
) -> Result<evacmap::io::Loaded, evacmap::io::LoadError> {
    progress.set_features_total(2_048);
    progress.add_features(1_024);
    let mut text = Vec::new();
    evacmap::generate::write_story(&mut text, 2_048, 5).unwrap();
    std::fs::write(path, &text).unwrap();
    let started = std::time::Instant::now();
    while !progress.is_cancelled() && started.elapsed().as_secs() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    // The real loader, which stops at its first look at the progress.
    evacmap::io::load_file_with_progress(path, progress)
}

#[test]
fn a_load_shows_its_progress_and_cancel_keeps_the_story_on_screen() {
    let mut harness = harness();
    let folder = tempfile::tempdir().unwrap();
    let job = evacmap::open::job::LoadJob::start_with(
        &folder.path().join("big.geojson"),
        half_read_loader,
    );
    harness.state_mut().start_load(job);
    // The worker may take a moment to start when the machine is busy.
    let label = "Progress of opening big.geojson: 1,024 of 2,048 features";
    let started = std::time::Instant::now();
    while harness.query_by_label(label).is_none() {
        assert!(
            started.elapsed().as_secs() < 10,
            "waited ten seconds for the progress"
        );
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(harness.state().is_loading());
    harness.get_by_label("Cancel opening").click();
    support::wait_for_load(&mut harness);
    assert!(!harness.state().is_loading());
    assert_eq!(
        labels_containing(
            &harness,
            "opening was cancelled; the story shown is unchanged"
        )
        .len(),
        1
    );
    // The bundled story is still there and answers.
    harness.get_by_label("Qaboun").click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().selection(),
        Some(index_of(&harness, "qaboun"))
    );
}

/// A big story's time index and list are worked out on a thread (here asked for with the
/// bundled story): the list, the count and the range's filter come out as when worked out at
/// once.
#[test]
fn a_storys_indexes_worked_out_on_a_thread_show_the_same_list_and_range() {
    let may = DaySpan {
        first: chrono::NaiveDate::from_ymd_opt(2017, 5, 12),
        last: chrono::NaiveDate::from_ymd_opt(2017, 5, 13),
    };
    let mut threaded_options = options();
    threaded_options.indexes_in_background_from = Some(0);
    threaded_options.range = may;
    let mut threaded = harness_with(threaded_options);
    let started = std::time::Instant::now();
    while threaded.state().is_indexing() {
        assert!(
            started.elapsed().as_secs() < 10,
            "no indexes in ten seconds"
        );
        threaded.step();
    }
    threaded.run_steps(2);
    assert!(labels_containing(&threaded, "Preparing the list").is_empty());
    let mut inline_options = options();
    inline_options.range = may;
    let inline = harness_with(inline_options);
    let listed = support::list_items(&threaded);
    assert!(!listed.is_empty());
    assert_eq!(listed, support::list_items(&inline));
    assert_eq!(
        labels_containing(&threaded, "events and movements"),
        labels_containing(&inline, "events and movements")
    );
}
