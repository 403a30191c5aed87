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
