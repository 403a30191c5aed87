//! The reader's second pass, on the map and its controls: the wheel, the legend, stable
//! buttons, the keyboard that stays on the map, event fans, the selection at any zoom, labels.

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
pub(crate) fn click_at(
    harness: &mut egui_kittest::Harness<'static, evacmap::app::EvacApp>,
    pos: egui::Pos2,
) {
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
    let mut harness =
        support::app_harness_sized([900.0, 420.0], support::offline_options(), None, 1.0 / 60.0);
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

pub(crate) type App = egui_kittest::Harness<'static, evacmap::app::EvacApp>;

pub(crate) fn press(harness: &mut App, key: egui::Key) {
    harness.key_press(key);
    harness.run_steps(2);
}

/// The map item that has the keyboard, by its index in the focus targets.
fn focused_target(harness: &App) -> Option<usize> {
    let focused = harness.ctx.memory(|m| m.focused())?;
    harness
        .state()
        .last_overlay()
        .focus_targets
        .iter()
        .position(|t| t.id == focused)
}

/// Moves the keyboard with arrow keys alone to the first map item whose accessible name
/// satisfies `wanted`: the shortest way there over the arrow keys' moves (each the nearest item
/// in that direction, as the app chooses it), pressed one key at a time.
/// Returns how many keys it pressed.
pub(crate) fn walk_to(harness: &mut App, what: &str, wanted: impl Fn(&str) -> bool) -> usize {
    use evacmap::map::layout::nearest_in_direction;
    const KEYS: [(egui::Key, egui::Vec2); 4] = [
        (egui::Key::ArrowUp, egui::vec2(0.0, -1.0)),
        (egui::Key::ArrowDown, egui::vec2(0.0, 1.0)),
        (egui::Key::ArrowLeft, egui::vec2(-1.0, 0.0)),
        (egui::Key::ArrowRight, egui::vec2(1.0, 0.0)),
    ];
    for pressed in 0..40 {
        if support::focused_label(harness).is_some_and(|l| wanted(&l)) {
            return pressed;
        }
        let here = focused_target(harness).expect("the keyboard is on the map");
        let targets = harness.state().last_overlay().focus_targets.clone();
        let labels: Vec<Option<String>> = targets
            .iter()
            .map(|t| {
                use egui_kittest::kittest::{NodeT, Queryable};
                harness
                    .query_all_by(|_| true)
                    .find(|n| n.accesskit_node().locate().0 == t.id.accesskit_id())
                    .and_then(|n| n.accesskit_node().label().map(|l| l.to_string()))
            })
            .collect();
        let points: Vec<egui::Pos2> = targets.iter().map(|t| t.at).collect();
        // Breadth first from here: the first key of the shortest way to an item wanted.
        let mut first_key: Vec<Option<egui::Key>> = vec![None; points.len()];
        let mut seen = vec![false; points.len()];
        seen[here] = true;
        let mut queue = std::collections::VecDeque::from([here]);
        let mut found = None;
        while let Some(at) = queue.pop_front() {
            if labels[at].as_deref().is_some_and(&wanted) {
                found = Some(at);
                break;
            }
            for (key, direction) in KEYS {
                if let Some(next) = nearest_in_direction(&points, at, direction)
                    && !seen[next]
                {
                    seen[next] = true;
                    first_key[next] = first_key[at].or(Some(key));
                    queue.push_back(next);
                }
            }
        }
        let goal = found.unwrap_or_else(|| {
            panic!(
                "{what} cannot be reached with the arrow keys from {:?}: {labels:?}",
                labels[here]
            )
        });
        press(harness, first_key[goal].expect("a step toward it"));
    }
    panic!(
        "the arrow keys did not reach {what}; the keyboard is on {:?}",
        support::focused_label(harness)
    );
}

const DAMASCUS_PLACES: [&str; 6] = [
    "Barzeh",
    "Tishreen",
    "Qaboun",
    "Damascus",
    "Yarmouk camp",
    "Eastern Ghouta",
];

#[test]
fn arrow_keys_reach_every_damascus_place_and_never_leave_the_map() {
    let mut harness = support::app_harness(support::offline_options(), None, 1.0 / 60.0);
    press(&mut harness, egui::Key::Tab);
    assert!(focused_target(&harness).is_some(), "Tab enters the map");
    // Every item on the map (markers, arrows, event symbols and badges) can be reached from the
    // first with the arrow keys.
    let targets = harness.state().last_overlay().focus_targets.clone();
    let points: Vec<egui::Pos2> = targets.iter().map(|t| t.at).collect();
    let mut reached = vec![false; points.len()];
    let mut stack = vec![0];
    reached[0] = true;
    while let Some(at) = stack.pop() {
        for direction in [
            egui::vec2(0.0, -1.0),
            egui::vec2(0.0, 1.0),
            egui::vec2(-1.0, 0.0),
            egui::vec2(1.0, 0.0),
        ] {
            if let Some(next) = evacmap::map::layout::nearest_in_direction(&points, at, direction)
                && !reached[next]
            {
                reached[next] = true;
                stack.push(next);
            }
        }
    }
    assert!(targets.len() >= 10, "{} items", targets.len());
    assert!(
        reached.iter().all(|&r| r),
        "unreachable: {reached:?} of {points:?}"
    );
    for place in DAMASCUS_PLACES {
        walk_to(&mut harness, place, |l| l == place);
        for key in [
            egui::Key::ArrowUp,
            egui::Key::ArrowDown,
            egui::Key::ArrowLeft,
            egui::Key::ArrowRight,
        ] {
            walk_to(&mut harness, place, |l| l == place);
            press(&mut harness, key);
            assert!(
                focused_target(&harness).is_some(),
                "{key:?} from {place} left the map for {:?}",
                support::focused_label(&harness)
            );
        }
    }
    // Tab leaves the map for the event list; Esc leaves it for nothing.
    press(&mut harness, egui::Key::Tab);
    assert_eq!(support::focused_label(&harness).as_deref(), Some("Search"));
    press(&mut harness, egui::Key::Tab);
    harness
        .ctx
        .memory_mut(|m| m.surrender_focus(m.focused().unwrap()));
    harness.run_steps(1);
    press(&mut harness, egui::Key::Tab);
    assert!(focused_target(&harness).is_some());
    press(&mut harness, egui::Key::Escape);
    assert_eq!(focused_target(&harness), None);
}

#[test]
fn the_seeds_path_can_be_walked_with_the_keyboard_alone() {
    use egui_kittest::kittest::Queryable;
    let mut harness = support::app_harness(support::offline_options(), None, 1.0 / 60.0);
    let index_of = |harness: &App, id: &str| harness.state().dataset().index_of(id);
    // Keys pressed for each step of the walk, said at the end.
    let mut keys: Vec<(&str, usize)> = Vec::new();
    // Open Qaboun.
    press(&mut harness, egui::Key::Tab);
    let walked = walk_to(&mut harness, "Qaboun", |l| l == "Qaboun");
    press(&mut harness, egui::Key::Enter);
    keys.push(("open Qaboun (Tab, arrows, Enter)", walked + 2));
    assert_eq!(harness.state().selection(), index_of(&harness, "qaboun"));
    // Open the 12 May movement.
    let walked = walk_to(&mut harness, "the 12 May movement", |l| {
        l.starts_with("Evacuation Barzeh") && l.contains("12 May 2017")
    });
    press(&mut harness, egui::Key::Enter);
    keys.push(("open the 12 May movement (arrows, Enter)", walked + 1));
    assert_eq!(
        harness.state().selection(),
        index_of(&harness, "barzeh-idlib-2017-05-12")
    );
    // Set 13 May: F6 to the event list, again to the timeline, then Tab to the range fields.
    press(&mut harness, egui::Key::F6);
    press(&mut harness, egui::Key::F6);
    assert_eq!(support::focused_label(&harness).as_deref(), Some("▶ Play"));
    let mut range_keys = 2;
    for _ in 0..15 {
        if support::focused_label(&harness).as_deref() == Some("Range from") {
            break;
        }
        press(&mut harness, egui::Key::Tab);
        range_keys += 1;
    }
    assert_eq!(
        support::focused_label(&harness).as_deref(),
        Some("Range from")
    );
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_label("Range from").type_text("2017-05-13");
    press(&mut harness, egui::Key::Tab);
    assert_eq!(support::focused_label(&harness).as_deref(), Some("until"));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_label("until").type_text("2017-05-13");
    press(&mut harness, egui::Key::Enter);
    // Two Ctrl+A, one Tab between the fields, Enter; the dates typed.
    keys.push((
        "set 13 May (F6, F6, Tab to the fields, type both dates, Enter)",
        range_keys + 4,
    ));
    let may_13 = "2017-05-13".parse::<chrono::NaiveDate>().unwrap();
    assert_eq!(
        harness.state().range(),
        evacmap::model::DaySpan::days(may_13, may_13)
    );
    // Back to the map with F6, to Qaboun's events: open the badge, then the agreement.
    let mut back = 0;
    for _ in 0..4 {
        if focused_target(&harness).is_some() {
            break;
        }
        press(&mut harness, egui::Key::F6);
        back += 1;
    }
    assert!(
        focused_target(&harness).is_some(),
        "F6 came back to the map"
    );
    let to_badge = walk_to(&mut harness, "Qaboun's events", |l| {
        l.ends_with("events at Qaboun")
    });
    press(&mut harness, egui::Key::Enter);
    harness.run_steps(2);
    let to_event = walk_to(&mut harness, "the agreement", |l| {
        l.starts_with("Event: Qaboun evacuation agreement")
    });
    press(&mut harness, egui::Key::Enter);
    keys.push((
        "open its events (F6 to the map, arrows, Enter; arrows, Enter)",
        back + to_badge + 1 + to_event + 1,
    ));
    eprintln!("keyboard walk of the seed's path: {keys:?}");
    assert_eq!(
        harness.state().selection(),
        index_of(&harness, "qaboun-agreement")
    );
}

/// The app on 13 May 2017 at `zoom` (around the Damascus crowd).
fn on_13_may(zoom: f64) -> App {
    let day = "2017-05-13".parse::<chrono::NaiveDate>().unwrap();
    support::app_harness(
        evacmap::app::AppOptions {
            range: evacmap::model::DaySpan::days(day, day),
            view: Some((36.33, 33.53, zoom)),
            ..support::offline_options()
        },
        None,
        1.0 / 60.0,
    )
}

#[test]
fn an_opened_event_fan_covers_no_marker_or_label_and_closes_when_the_range_changes() {
    use egui_kittest::kittest::Queryable;
    for zoom in [7.9, 10.8] {
        let mut harness = on_13_may(zoom);
        harness.get_by_label_contains("events at Qaboun").click();
        harness.run_steps(3);
        let overlay = harness.state().last_overlay().clone();
        let badge = overlay
            .event_marks
            .iter()
            .find(|m| m.is_badge)
            .expect("the badge at Qaboun");
        // The fan: a symbol for each of the badge's events (edges may touch, nothing overlaps).
        let symbols: Vec<egui::Rect> = overlay
            .event_marks
            .iter()
            .filter(|m| !m.is_badge && badge.events.contains(&m.events[0]))
            .map(|m| egui::Rect::from_center_size(m.center, egui::Vec2::splat(17.0)))
            .collect();
        assert!(
            symbols.len() >= 3,
            "zoom {zoom}: the fan opened: {:?}",
            overlay.event_marks
        );
        for symbol in &symbols {
            for marker in &overlay.markers {
                let rect = egui::Rect::from_center_size(
                    marker.drawn_position,
                    egui::Vec2::splat(2.0 * marker.radius),
                );
                assert!(
                    !symbol.intersects(rect),
                    "zoom {zoom}: a symbol at {symbol:?} covers the marker at {rect:?}; all: {:?}",
                    overlay.event_marks
                );
            }
            for label in &overlay.labels {
                assert!(
                    !symbol.intersects(label.rect),
                    "zoom {zoom}: a symbol covers the label {}",
                    label.text
                );
            }
        }
        // Another range, then 13 May again: the fan closed with the change.
        let range = harness.state().range();
        harness
            .state_mut()
            .set_range(evacmap::model::DaySpan::ALL_TIME);
        harness.run_steps(3);
        harness.state_mut().set_range(range);
        harness.run_steps(3);
        let held = badge.events.clone();
        let marks = &harness.state().last_overlay().event_marks;
        assert!(
            marks.iter().any(|m| m.is_badge && m.events == held),
            "the badge is back"
        );
        let fanned = marks
            .iter()
            .filter(|m| !m.is_badge && held.contains(&m.events[0]))
            .count();
        assert_eq!(fanned, 0, "zoom {zoom}: the fan stayed open");
    }
}

#[test]
fn a_selected_event_not_drawn_at_this_zoom_is_marked_where_it_is() {
    // At country zoom Qaboun's events are folded into its badge: the agreement, selected, is
    // still marked on the map.
    let day = "2017-05-13".parse::<chrono::NaiveDate>().unwrap();
    let harness = support::app_harness(
        evacmap::app::AppOptions {
            range: evacmap::model::DaySpan::days(day, day),
            select: Some("qaboun-agreement".into()),
            ..support::offline_options()
        },
        None,
        1.0 / 60.0,
    );
    let overlay = harness.state().last_overlay();
    let agreement = harness
        .state()
        .dataset()
        .index_of("qaboun-agreement")
        .unwrap();
    assert!(
        !overlay.events.contains(&agreement),
        "no symbol of its own here"
    );
    let at = overlay.selection_mark.expect("the selection is marked");
    assert!(harness.state().map_rect().unwrap().contains(at));
    let qaboun = overlay
        .markers
        .iter()
        .find(|m| harness.state().dataset().store().id(m.feature.0) == "qaboun")
        .unwrap();
    assert!(at.distance(qaboun.true_position) < 2.0, "at Qaboun");
}

#[test]
fn basemap_names_give_way_to_the_storys_labels_and_name_each_place_once() {
    let harness = support::app_harness(support::offline_options(), None, 1.0 / 60.0);
    let overlay = harness.state().last_overlay();
    let basemap = &overlay.basemap_labels;
    assert!(basemap.len() > 5, "{basemap:?}");
    let story: Vec<&evacmap::map::overlay::DrawnLabel> =
        overlay.labels.iter().chain(&overlay.arrow_labels).collect();
    assert!(
        overlay
            .arrow_labels
            .iter()
            .any(|l| l.text.starts_with("12 May 2017")),
        "the 12 May arrow is labelled: {:?}",
        overlay.arrow_labels
    );
    for (name, rect) in basemap {
        for label in &story {
            assert!(
                !rect.intersects(label.rect),
                "the basemap's {name} is under the story's label {}",
                label.text
            );
        }
    }
    let mut names: Vec<&str> = basemap.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(names.len(), before, "a name twice: {basemap:?}");
    assert!(
        !names.iter().any(|n| n.contains('(')),
        "a spelling in parentheses: {names:?}"
    );
    assert!(
        !(names.contains(&"Homs") && names.contains(&"Hims")),
        "Homs named twice: {names:?}"
    );
}
