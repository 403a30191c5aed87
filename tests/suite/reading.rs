//! The reader's second pass: the map zooms by one step a wheel notch, and the like (issue 24's
//! points that can be driven headless).

use crate::support;

/// One notch of a mouse wheel over the middle of the map, as winit reports it (a line).
fn wheel_notch(harness: &mut egui_kittest::Harness<'static, evacmap::app::EvacApp>, lines: f32) {
    let map = harness.state().map_rect().expect("the map is drawn");
    harness.hover_at(map.center());
    harness.run_steps(1);
    harness.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Line,
        delta: egui::vec2(0.0, lines),
        modifiers: egui::Modifiers::NONE,
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
    });
    harness.run_steps(30);
}

#[test]
fn the_first_wheel_notch_over_the_map_zooms_by_one_step() {
    let mut harness = support::app_harness(support::offline_options(), None, 1.0 / 60.0);
    let before = harness.state().zoom();
    wheel_notch(&mut harness, 1.0);
    let after = harness.state().zoom();
    assert!(
        (after - before - 1.0).abs() < 0.35,
        "one notch in went from zoom {before:.2} to {after:.2}"
    );
    wheel_notch(&mut harness, -1.0);
    let back = harness.state().zoom();
    assert!(
        (back - before).abs() < 0.35,
        "one notch out went from zoom {after:.2} to {back:.2}"
    );
}

#[test]
fn a_wheel_notch_keeps_the_place_under_the_pointer() {
    let mut harness = support::app_harness(support::offline_options(), None, 1.0 / 60.0);
    let map = harness.state().map_rect().unwrap();
    let at = map.center() + egui::vec2(map.width() / 4.0, -map.height() / 5.0);
    harness.hover_at(at);
    harness.run_steps(2);
    let before = harness.state().last_overlay().pointer_lon_lat.unwrap();
    harness.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Line,
        delta: egui::vec2(0.0, 1.0),
        modifiers: egui::Modifiers::NONE,
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
    });
    harness.run_steps(5);
    let after = harness.state().last_overlay().pointer_lon_lat.unwrap();
    assert!(
        (before.0 - after.0).abs() < 0.01 && (before.1 - after.1).abs() < 0.01,
        "{before:?} moved to {after:?}"
    );
}

/// A click of the primary button at `pos`.
fn click_at(harness: &mut egui_kittest::Harness<'static, evacmap::app::EvacApp>, pos: egui::Pos2) {
    harness.hover_at(pos);
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
    }
}

#[test]
fn the_legend_opens_downward_inside_the_map_and_never_covers_the_top_bar() {
    use egui_kittest::kittest::Queryable;
    // A short window: the open legend is taller than the room below it.
    let app =
        evacmap::app::EvacApp::new(&egui::Context::default(), support::offline_options(), None);
    let mut harness = egui_kittest::Harness::builder()
        .with_size([900.0, 420.0])
        .with_context_setup(evacmap::app::install_fonts)
        .build_ui_state(|ui, app: &mut evacmap::app::EvacApp| app.show(ui), app);
    harness.run_steps(3);
    support::wait_for_load(&mut harness);
    let top_bar_bottom = harness.get_by_label("Layers").rect().bottom();
    let map_top = harness.state().map_rect().unwrap().top();
    assert!(map_top >= top_bar_bottom);
    // The legend's window (the top bar also has a "Legend" button).
    let legend_top = |harness: &egui_kittest::Harness<'static, evacmap::app::EvacApp>| {
        harness
            .query_by(|n| {
                n.label().as_deref() == Some("Legend") && n.role() == egui::accesskit::Role::Window
            })
            .expect("the legend's window")
            .rect()
            .top()
    };
    // The collapse arrow at the left of the legend's title.
    let legend_header = |harness: &egui_kittest::Harness<'static, evacmap::app::EvacApp>| {
        let window = harness
            .query_by(|n| {
                n.label().as_deref() == Some("Legend") && n.role() == egui::accesskit::Role::Window
            })
            .expect("the legend's window")
            .rect();
        window.left_top() + egui::vec2(14.0, 16.0)
    };
    let closed = legend_top(&harness);
    assert!(
        closed >= map_top,
        "closed at {closed}, the map starts at {map_top}"
    );
    // Opened: its title stays where it was, below the top bar, and so does all it shows.
    let header = legend_header(&harness);
    click_at(&mut harness, header);
    harness.run_steps(4);
    let opened = legend_top(&harness);
    assert!(
        opened >= map_top,
        "opened at {opened}, the map starts at {map_top}"
    );
    assert!(
        (opened - closed).abs() < 1.0,
        "it moved from {closed} to {opened}"
    );
    let entries: Vec<_> = ["Marker colour", "Government", "Marker shape"]
        .into_iter()
        .flat_map(|text| harness.query_all_by_label_contains(text))
        .collect();
    assert!(!entries.is_empty(), "the legend opened");
    for entry in entries {
        assert!(
            entry.rect().top() >= map_top,
            "{:?} is over the top bar",
            entry.rect()
        );
    }
    // Closed again, it is back in its place.
    let header = legend_header(&harness);
    click_at(&mut harness, header);
    harness.run_steps(4);
    assert!((legend_top(&harness) - closed).abs() < 1.0);
}

#[test]
fn the_timelines_buttons_keep_their_places_whatever_the_fields_hold_or_the_player_does() {
    let mut harness = support::app_harness(support::offline_options(), None, 1.0 / 60.0);
    let buttons = [
        "◀ Step",
        "Step ▶",
        "All time",
        "Story week",
        "Loop",
        "Fade, don't hide",
    ];
    let places = |harness: &egui_kittest::Harness<'static, evacmap::app::EvacApp>| {
        use egui_kittest::kittest::Queryable;
        buttons.map(|label| harness.get_by_label(label).rect())
    };
    let at_rest = places(&harness);
    // The fields filled with a range, then playing it.
    harness.get_by_label("Story week").click();
    harness.run_steps(3);
    assert_eq!(places(&harness), at_rest, "after the fields filled");
    harness.key_press(egui::Key::Space);
    harness.run_steps(3);
    assert!(harness.state().is_playing());
    assert_eq!(places(&harness), at_rest, "while playing");
    harness.key_press(egui::Key::Space);
    harness.run_steps(3);
    // A range typed wrong shows an error after the buttons.
    use egui_kittest::kittest::Queryable;
    harness.get_by_label("Range from").click();
    harness.run_steps(1);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_label("Range from").type_text("not a date");
    harness.key_press(egui::Key::Enter);
    harness.run_steps(3);
    assert_eq!(places(&harness), at_rest, "with an error shown");
}
