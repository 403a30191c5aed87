//! Time: the range filter, the timeline, playback and the event list, driven headless.

use crate::support;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use evacmap::app::{AppOptions, EvacApp};
use evacmap::map::tiles::TileProvider;
use evacmap::model::DaySpan;

const FIRST_BATCH: &str = "Evacuation Barzeh → Idlib, 8 May 2017";
const QABOUN_EVACUATION: &str = "Evacuation Qaboun → Idlib, 14 May 2017 (scheduled)";

fn harness_with_dt(step_dt: f32) -> Harness<'static, EvacApp> {
    let options = AppOptions {
        tiles: Some(TileProvider::Offline),
        reset: true,
        ..AppOptions::default()
    };
    support::app_harness(options, None, step_dt)
}

fn harness() -> Harness<'static, EvacApp> {
    harness_with_dt(1.0 / 60.0)
}

fn day(text: &str) -> chrono::NaiveDate {
    text.parse().unwrap()
}

/// Types a range into the From and To fields, as a user would.
fn type_range(harness: &mut Harness<'_, EvacApp>, from: &str, to: &str) {
    for (field, text) in [("Range from", from), ("until", to)] {
        let node = harness.get_by_label(field);
        node.click();
        harness.run_steps(1);
        harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        harness.get_by_label(field).type_text(text);
        harness.run_steps(1);
        harness.key_press(egui::Key::Enter);
        harness.run_steps(2);
    }
}

/// The event list's items (each begins with → or •).

#[test]
fn on_8_may_2017_only_the_first_barzeh_batch_is_on_the_map() {
    let mut harness = harness();
    harness.get_by_label(QABOUN_EVACUATION);
    type_range(&mut harness, "2017-05-08", "2017-05-08");
    assert_eq!(
        harness.state().range(),
        DaySpan::days(day("2017-05-08"), day("2017-05-08"))
    );
    harness.get_by_label(FIRST_BATCH);
    assert!(harness.query_by_label(QABOUN_EVACUATION).is_none());
    assert!(
        harness
            .query_by_label("Evacuation Barzeh and Tishreen → Idlib, 12 May 2017")
            .is_none()
    );
    // Places are timeless: still there.
    harness.get_by_label("Qaboun");
}

#[test]
fn the_2013_blockade_of_eastern_ghouta_shows_for_a_range_inside_2013() {
    let mut harness = harness();
    type_range(&mut harness, "2013-03", "2013-06");
    let items = support::list_items(&harness);
    assert!(
        items
            .iter()
            .any(|i| i == "• since 2013 · Blockade of Eastern Ghouta"),
        "{items:#?}"
    );
    assert!(
        !items
            .iter()
            .any(|i| i.contains("Qaboun evacuation agreement")),
        "{items:#?}"
    );
    assert!(harness.query_by_label(FIRST_BATCH).is_none());
}

/// What the "steps," drop-down shows ("Auto (month)", "Week").
fn steps_shown(harness: &egui_kittest::Harness<'static, evacmap::app::EvacApp>) -> String {
    use egui_kittest::kittest::NodeT;
    harness
        .get_by_label("steps,")
        .accesskit_node()
        .value()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn step_buttons_move_by_the_unit_shown_and_keep_the_end_of_the_month() {
    let mut harness = harness();
    assert_eq!(steps_shown(&harness), "Auto (month)");
    // From all time, Step ▶ under a month unit shows the story's first month, then the next.
    harness.get_by_label("Step ▶").click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().range(),
        DaySpan::days(day("2011-03-01"), day("2011-03-31"))
    );
    assert_eq!(steps_shown(&harness), "Auto (month)");
    harness.get_by_label("Step ▶").click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().range(),
        DaySpan::days(day("2011-04-01"), day("2011-04-30"))
    );
    harness.get_by_label("◀ Step").click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().range(),
        DaySpan::days(day("2011-03-01"), day("2011-03-31"))
    );
    // A month chosen: from 31 January a step is the end of February, then the end of March.
    type_range(&mut harness, "2017-01-31", "2017-01-31");
    harness.get_by_label("steps,").click();
    harness.run_steps(2);
    harness.get_by_label("Month").click();
    harness.run_steps(2);
    for expected in ["2017-02-28", "2017-03-31"] {
        harness.get_by_label("Step ▶").click();
        harness.run_steps(2);
        let at = day(expected);
        assert_eq!(harness.state().range(), DaySpan::days(at, at));
    }
}

#[test]
fn arrows_move_the_range_by_its_own_length() {
    let mut harness = harness();
    // → from 13 May gives 14 May.
    type_range(&mut harness, "2017-05-13", "2017-05-13");
    harness.key_press(egui::Key::ArrowRight);
    harness.run_steps(2);
    let may_14 = day("2017-05-14");
    assert_eq!(harness.state().range(), DaySpan::days(may_14, may_14));
    // A week moves by a week.
    harness.get_by_label("Story week").click();
    harness.run_steps(2);
    harness.key_press(egui::Key::ArrowLeft);
    harness.run_steps(2);
    assert_eq!(
        harness.state().range(),
        DaySpan::days(day("2017-05-01"), day("2017-05-07"))
    );
}

#[test]
fn play_from_the_story_week_ends_at_the_storys_end_in_about_ten_seconds() {
    let mut harness = harness_with_dt(0.1);
    harness.get_by_label("Story week").click();
    harness.run_steps(2);
    harness.get_by_label("▶ Play").click();
    harness.run_steps(2);
    assert!(harness.state().is_playing());
    let may_8 = day("2017-05-08");
    assert_eq!(harness.state().range(), DaySpan::days(may_8, may_8));
    harness.get_by_label("Playing: cumulative since 8 May 2017");
    let mut ranges = vec![harness.state().range()];
    let mut frames = 0;
    while harness.state().is_playing() && frames < 300 {
        harness.step();
        frames += 1;
        if ranges.last() != Some(&harness.state().range()) {
            ranges.push(harness.state().range());
        }
    }
    assert!(!harness.state().is_playing(), "playback stops at the end");
    assert_eq!(ranges.len(), 7, "one step a day: {ranges:#?}");
    assert_eq!(
        harness.state().range(),
        DaySpan::days(may_8, day("2017-05-14"))
    );
    let seconds = frames as f32 * 0.1;
    assert!((6.0..=12.0).contains(&seconds), "{seconds} s");
}

#[test]
fn the_story_week_button_zooms_the_timeline_to_the_week() {
    let mut harness = harness();
    let band_width = |harness: &Harness<'_, EvacApp>| {
        let start = harness
            .get_by_label("Start of the time range")
            .rect()
            .center()
            .x;
        let end = harness
            .get_by_label("End of the time range")
            .rect()
            .center()
            .x;
        end - start
    };
    harness.get_by_label("Story week").click();
    harness.run_steps(3);
    let strip_width = harness.ctx.content_rect().width() - 20.0;
    assert!(
        band_width(&harness) >= strip_width / 3.0,
        "the band is {} of {strip_width} points",
        band_width(&harness)
    );
    // All time zooms back out: the week is a narrow band again (but still grabbable).
    harness.get_by_label("All time").click();
    harness.run_steps(3);
    type_range(&mut harness, "2017-05-08", "2017-05-08");
    harness.run_steps(2);
    assert!(
        band_width(&harness) >= 10.0,
        "a single day keeps a visible band"
    );
}

#[test]
fn a_slow_drag_of_the_band_moves_the_range() {
    let mut harness = harness();
    harness.get_by_label("Story week").click();
    harness.run_steps(3);
    let band = harness.get_by_label_contains("Time range:").rect();
    let start = band.center();
    harness.hover_at(start);
    harness.run_steps(1);
    harness.drag_at(start);
    harness.run_steps(1);
    // Half a point a frame: each frame alone is far less than a day.
    for i in 1..=120 {
        harness.hover_at(start + egui::vec2(i as f32 * 0.5, 0.0));
        harness.run_steps(1);
    }
    harness.drop_at(start + egui::vec2(60.0, 0.0));
    harness.run_steps(2);
    let range = harness.state().range();
    assert!(
        range.first > Some(day("2017-05-08")),
        "the band did not follow a slow drag: {range:?}"
    );
    assert_eq!(
        range.last.unwrap() - range.first.unwrap(),
        chrono::TimeDelta::days(6),
        "a drag keeps the range's length"
    );
}

#[test]
fn the_wheel_over_the_band_zooms_the_timeline() {
    let mut harness = harness();
    harness.get_by_label("Story week").click();
    harness.run_steps(3);
    let width = |harness: &Harness<'_, EvacApp>| {
        harness.get_by_label_contains("Time range:").rect().width()
    };
    let before = width(&harness);
    harness.hover_at(harness.get_by_label_contains("Time range:").rect().center());
    harness.run_steps(1);
    harness.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, -200.0),
        modifiers: egui::Modifiers::NONE,
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
    });
    harness.run_steps(10);
    assert!(
        width(&harness) < before * 0.9,
        "{before} → {}",
        width(&harness)
    );
}

#[test]
fn space_plays_and_the_range_advances_with_time() {
    let mut harness = harness_with_dt(0.25);
    harness.get_by_label("Story week").click();
    harness.run_steps(2);
    harness.key_press(egui::Key::Space);
    harness.run_steps(1);
    assert!(harness.state().is_playing());
    let start = harness.state().range();
    harness.run_steps(12); // three seconds at one step a second
    let later = harness.state().range();
    assert!(later.last > start.last, "{start:?} → {later:?}");
    harness.key_press(egui::Key::Space);
    harness.run_steps(1);
    assert!(!harness.state().is_playing());
}

#[test]
fn clicking_a_list_item_selects_it_and_brings_it_into_view() {
    let mut harness = harness();
    let before = harness.state().last_overlay().view.unwrap().world_center;
    harness
        .get_by_label("→ 12 May 2017 · Evacuation Barzeh and Tishreen → Idlib")
        .click();
    harness.run_steps(2);
    let app = harness.state();
    let selected = app.selection().unwrap();
    assert_eq!(
        app.dataset().get(selected).unwrap().id(),
        "barzeh-idlib-2017-05-12"
    );
    let after = app.last_overlay().view.unwrap().world_center.to_position();
    // Centred on the middle of Barzeh → Idlib.
    assert!(
        (after.y() - (33.55667 + 35.9306) / 2.0).abs() < 0.01,
        "{after:?}"
    );
    assert!(
        (after.x() - (36.32056 + 36.6339) / 2.0).abs() < 0.01,
        "{after:?}"
    );
    assert_ne!(before.to_position(), after);
}

#[test]
fn search_narrows_the_list() {
    let mut harness = harness();
    // 3 movements and 10 events.
    assert_eq!(support::list_items(&harness).len(), 13);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run_steps(2);
    assert!(
        harness.get_by_label("Search").is_focused(),
        "Ctrl+F focuses the search box"
    );
    harness.get_by_label("Search").type_text("sohr");
    harness.run_steps(2);
    let items = support::list_items(&harness);
    assert_eq!(
        items,
        [
            "→ 12 May 2017 · Evacuation Barzeh and Tishreen → Idlib",
            "• 13 May 2017 · SOHR: about 20% of Qaboun still held by rebels",
        ]
    );
    harness.get_by_label("Search").type_text(" jaysh");
    harness.run_steps(2);
    assert_eq!(
        support::list_items(&harness),
        vec!["• 13 May 2017 · SOHR: about 20% of Qaboun still held by rebels".to_owned()]
    );
}

#[test]
fn a_selection_outside_the_range_is_kept_and_said_to_be_hidden() {
    let mut harness = harness();
    harness.get_by_label(QABOUN_EVACUATION).click();
    harness.run_steps(2);
    type_range(&mut harness, "2017-05-08", "2017-05-08");
    assert!(harness.state().selection().is_some());
    harness.get_by_label("Outside the selected time range: hidden on the map.");
}

#[test]
fn fading_keeps_what_is_outside_the_range_on_the_map_and_says_so() {
    let mut harness = harness();
    type_range(&mut harness, "2017-05-08", "2017-05-08");
    harness.get_by_label("Fade, don't hide").click();
    harness.run_steps(2);
    harness.get_by_label(FIRST_BATCH);
    harness.get_by_label(&format!("{QABOUN_EVACUATION} (outside the time range)"));
}

#[test]
fn f1_shows_the_keyboard_shortcuts() {
    let mut harness = harness();
    assert!(harness.query_by_label("Play or pause").is_none());
    harness.key_press(egui::Key::F1);
    harness.run_steps(2);
    harness.get_by_label("Play or pause");
    harness.get_by_label("Search the event list");
    harness.key_press(egui::Key::F1);
    harness.run_steps(2);
    assert!(harness.query_by_label("Play or pause").is_none());
}

#[test]
fn selecting_on_the_map_scrolls_the_list_to_the_item() {
    let mut harness = harness();
    // A short window: the list no longer fits, and its last item starts out of view.
    harness.set_size(egui::vec2(1280.0, 560.0));
    harness.run_steps(3);
    let item = "→ 14 May 2017 · Evacuation Qaboun → Idlib";
    // The list ends where the timeline panel begins.
    let visible_bottom = harness.get_by_label("◀ Step").rect().top();
    // Rows out of view are not laid out at all (the list is virtualised), or lie below the fold.
    let before = harness.query_by_label(item).map(|node| node.rect());
    assert!(
        before.is_none_or(|rect| rect.top() >= visible_bottom),
        "the item starts out of view: {before:?}"
    );
    harness.get_by_label(QABOUN_EVACUATION).click();
    harness.run_steps(4);
    let after = harness.get_by_label(item).rect();
    assert!(
        after.bottom() <= visible_bottom,
        "the selected item is scrolled into view: {after:?} (visible to {visible_bottom})"
    );
}

/// While a big story's time index is worked out on a thread, the timeline says so, not that
/// the story has no dates.
#[test]
fn the_timeline_says_it_is_being_prepared_not_that_there_are_no_dates() {
    let index = evacmap::filter::TimeIndex::default();
    let says = |indexing: bool| {
        let input = evacmap::ui::timeline::TimelineInput {
            index: &index,
            extent: None,
            range: DaySpan::default(),
            story_week: None,
            playing: false,
            plan: None,
            step_unit: evacmap::playback::StepUnit::Day,
            settings: evacmap::playback::PlaybackSettings::default(),
            fade_hidden: false,
            visible_count: 0,
            total: 0,
            indexing,
        };
        let mut state = evacmap::ui::timeline::TimelineState::default();
        let harness = Harness::builder()
            .with_context_setup(evacmap::app::install_fonts)
            .build_ui(move |ui| {
                let _ = evacmap::ui::timeline::timeline_ui(ui, &mut state, &input);
            });
        (
            harness
                .query_by_label_contains("Preparing the timeline")
                .is_some(),
            harness
                .query_by_label_contains("The story has no dates")
                .is_some(),
        )
    };
    assert_eq!(says(true), (true, false));
    assert_eq!(says(false), (false, true));
}
