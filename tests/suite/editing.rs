//! Edit mode, driven as a user would through AccessKit names: add a place by clicking the map,
//! record a movement to it with two figures from two sources, undo, redo, save, reopen.

use std::path::{Path, PathBuf};

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use evacmap::app::{AppOptions, EvacApp};

use crate::reading::click_at;
use crate::support;

/// The bundled story as a file of its own in `dir`, and the options that open it with a
/// journal in `dir`.
fn story_in(dir: &Path) -> (PathBuf, AppOptions) {
    let path = dir.join("damascus.geojson");
    std::fs::write(&path, evacmap::BUNDLED_STORY).unwrap();
    let options = AppOptions {
        file: Some(path.clone()),
        journal_dir: Some(dir.join("journal")),
        ..support::offline_options()
    };
    (path, options)
}

/// Where the nodes labelled `label` are now (what tells them from one that comes).
fn ids(harness: &Harness<'static, EvacApp>, label: &str) -> Vec<egui::Rect> {
    harness
        .query_all_by_label(label)
        .map(|n| n.rect())
        .collect()
}

/// Opens the combo box at `nth` of those showing `shown` as their value, and picks `choice` in it (the
/// choice's own node, not another with the same name elsewhere).
fn choose(harness: &mut Harness<'static, EvacApp>, shown: &str, nth: usize, choice: &str) {
    let before = ids(harness, choice);
    let combos: Vec<_> = harness.query_all_by_value(shown).collect();
    assert!(
        combos.len() > nth,
        "{} combo boxes show {shown:?}",
        combos.len()
    );
    combos[nth].click();
    harness.run_steps(5);
    // The list is searched as one types; the choice is then in view.
    harness.event(egui::Event::Text(choice.chars().take(6).collect()));
    harness.run_steps(5);
    let node = harness
        .query_all_by_label(choice)
        .find(|n| !before.contains(&n.rect()))
        .unwrap_or_else(|| panic!("{choice:?} is offered"));
    node.click();
    harness.run_steps(5);
}

/// Types `text` into the nth field labelled `label`.
pub(crate) fn type_into(
    harness: &mut Harness<'static, EvacApp>,
    label: &str,
    nth: usize,
    text: &str,
) {
    let fields: Vec<_> = harness.query_all_by_label(label).collect();
    assert!(
        fields.len() > nth,
        "{} fields labelled {label:?}",
        fields.len()
    );
    fields[nth].click();
    harness.run_steps(3);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .query_all_by_label(label)
        .nth(nth)
        .unwrap()
        .type_text(text);
    harness.run_steps(5);
}

/// Clicks what is named `label`, and lets the frames that follow draw what it did.
pub(crate) fn press(harness: &mut Harness<'static, EvacApp>, label: &str) {
    harness.get_by_label(label).click();
    harness.run_steps(5);
}

/// File → Save as…, the path typed, Enter.
pub(crate) fn save_as_through_the_dialog(harness: &mut Harness<'static, EvacApp>, path: &Path) {
    press(harness, "File");
    press(harness, "Save as…");
    type_the_path_to_save_to(harness, path);
}

/// In the open Save as dialog: the path typed over what is there, Enter.
pub(crate) fn type_the_path_to_save_to(harness: &mut Harness<'static, EvacApp>, path: &Path) {
    let field = "Save the story to (a .geojson file):";
    press(harness, field);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by_label(field)
        .type_text(path.to_str().unwrap());
    harness.run_steps(2);
    harness.key_press(egui::Key::Enter);
    harness.run_steps(3);
}

/// `evacmap check` passes on the file at `path`.
fn assert_checks(path: &Path) {
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_evacmap"))
        .arg("check")
        .arg(path)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{said}");
}

fn is_disabled(harness: &Harness<'static, EvacApp>, label: &str) -> bool {
    harness.get_by_label(label).accesskit_node().is_disabled()
}

#[test]
fn a_report_is_recorded_on_the_map_undone_redone_saved_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let (path, options) = story_in(dir.path());
    let mut harness = support::app_harness(options.clone(), None, 1.0 / 60.0);
    let features = harness.state().dataset().len();

    // Read-only until edit mode is on: a click on the empty map adds nothing.
    let map = harness.state().map_rect().unwrap();
    let empty = map.left_bottom() + egui::vec2(60.0, -60.0);
    click_at(&mut harness, empty);
    harness.run_steps(3);
    assert!(harness.query_by_label("New place").is_none());

    harness.key_press(egui::Key::E);
    harness.run_steps(5);
    assert!(harness.state().is_editing());
    click_at(&mut harness, empty);
    harness.run_steps(3);
    harness.get_by_label("New place");
    type_into(&mut harness, "Name", 0, "Jarjanaz camp");
    choose(
        &mut harness,
        "choose a source…",
        0,
        "News report, mid-May 2017",
    );
    press(&mut harness, "Save place");
    assert_eq!(harness.state().dataset().len(), features + 1);
    let camp = harness
        .state()
        .dataset()
        .index_of("jarjanaz-camp")
        .expect("the new place");
    assert!(harness.state().has_unsaved_edits());
    assert!(
        harness.state().window_title().starts_with('●'),
        "{}",
        harness.state().window_title()
    );

    // A movement from Qaboun to it, with two figures from two sources.
    press(&mut harness, "Edit");
    press(&mut harness, "New movement…");
    choose(&mut harness, "choose a place…", 0, "Qaboun");
    choose(&mut harness, "choose a place…", 0, "Jarjanaz camp");
    type_into(&mut harness, "Date", 0, "2017-05-14");
    choose(
        &mut harness,
        "choose a source…",
        0,
        "News report, mid-May 2017",
    );
    press(&mut harness, "Add a figure");
    press(&mut harness, "Add a figure");
    type_into(&mut harness, "value", 0, "1500");
    type_into(&mut harness, "value", 1, "1200");
    // The first combo box showing no source adds one to the movement's own sources.
    choose(
        &mut harness,
        "choose a source…",
        1,
        "SANA (Syrian Arab News Agency)",
    );
    // The second figure has no source yet: it cannot be saved, and the form says why.
    assert!(is_disabled(&harness, "Save movement"));
    let why = "Cannot save yet: Figure 2: every figure must cite at least one source";
    assert!(harness.query_by_label(why).is_some(), "the reason is shown");
    choose(
        &mut harness,
        "choose a source…",
        1,
        "SOHR (Syrian Observatory for Human Rights)",
    );
    assert!(!is_disabled(&harness, "Save movement"));
    press(&mut harness, "Save movement");
    let dataset = harness.state().dataset();
    assert_eq!(dataset.len(), features + 2);
    let movement = dataset
        .get(evacmap::model::FeatureIndex(features + 1))
        .unwrap();
    let evacmap::model::Feature::Movement(movement) = movement else {
        panic!("a movement: {movement:?}")
    };
    assert_eq!(
        (movement.from.as_str(), movement.to.as_str()),
        ("qaboun", "jarjanaz-camp")
    );
    let figures: Vec<(u64, Vec<String>)> = movement
        .figures
        .iter()
        .map(|f| (f.value, f.sources.clone()))
        .collect();
    assert_eq!(
        figures,
        [(1500, vec!["sana".into()]), (1200, vec!["sohr".into()])]
    );

    // Undo twice, redo once: the place is back, the movement not.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(5);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(5);
    assert_eq!(harness.state().dataset().len(), features);
    harness.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    harness.run_steps(5);
    assert_eq!(harness.state().dataset().len(), features + 1);
    press(&mut harness, "Edit");
    assert!(
        harness
            .query_by_label("Redo: add movement Qaboun → Jarjanaz camp")
            .is_some()
    );
    harness.key_press(egui::Key::Escape);
    harness.run_steps(5);

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    harness.run_steps(3);
    assert!(!harness.state().has_unsaved_edits());
    assert_checks(&path);
    let camp_details = harness.state().dataset().get(camp).unwrap();
    drop(harness);

    // Reopened: the same place, with the same details.
    let options = AppOptions {
        select: Some("jarjanaz-camp".into()),
        ..options
    };
    let again = support::app_harness(options, None, 1.0 / 60.0);
    let found = again
        .state()
        .dataset()
        .index_of("jarjanaz-camp")
        .expect("saved");
    assert_eq!(again.state().dataset().get(found).unwrap(), camp_details);
    assert_eq!(again.state().selection(), Some(found));
    assert!(again.query_all_by_label("Jarjanaz camp").count() >= 1);
}

/// Presses at `from`, moves to `to` in steps, releases there (with `modifiers` held).
fn drag(
    harness: &mut Harness<'static, EvacApp>,
    from: egui::Pos2,
    to: egui::Pos2,
    modifiers: egui::Modifiers,
) {
    harness.hover_at(from);
    harness.run_steps(1);
    harness.event(egui::Event::ModifiersChanged(modifiers));
    harness.event(egui::Event::PointerButton {
        pos: from,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers,
    });
    harness.run_steps(1);
    for step in 1..=10 {
        let at = from + (to - from) * (step as f32 / 10.0);
        harness.event(egui::Event::PointerMoved(at));
        harness.run_steps(1);
    }
    harness.event(egui::Event::PointerButton {
        pos: to,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers,
    });
    harness.run_steps(1);
    harness.event(egui::Event::ModifiersChanged(egui::Modifiers::NONE));
    harness.run_steps(3);
}

fn marker_of(harness: &Harness<'static, EvacApp>, id: &str) -> egui::Pos2 {
    let index = harness.state().dataset().index_of(id).unwrap();
    harness
        .state()
        .last_overlay()
        .markers
        .iter()
        .find(|m| m.feature == index)
        .map(|m| m.drawn_position)
        .unwrap_or_else(|| {
            let drawn: Vec<String> = harness
                .state()
                .last_overlay()
                .markers
                .iter()
                .map(|m| harness.state().dataset().display_name_at(m.feature))
                .collect();
            panic!(
                "{id} is drawn: {drawn:?}, clusters {:?}",
                harness.state().last_overlay().clusters
            )
        })
}

#[test]
fn dragging_a_place_moves_it_with_its_movements_and_shift_dragging_draws_a_movement() {
    let dir = tempfile::tempdir().unwrap();
    let (_, options) = story_in(dir.path());
    let mut harness = support::app_harness(options, None, 1.0 / 60.0);
    let dataset = harness.state().dataset().clone();
    let idlib = marker_of(&harness, "idlib");
    // Read-only: a drag pans the map, the place stays.
    drag(
        &mut harness,
        idlib,
        idlib + egui::vec2(60.0, 0.0),
        egui::Modifiers::NONE,
    );
    // The map glides a little after a pan: let it stop.
    harness.run_steps(120);
    assert_eq!(harness.state().dataset(), &dataset);
    assert!(
        marker_of(&harness, "idlib").x > idlib.x + 30.0,
        "the map was panned"
    );

    harness.key_press(egui::Key::E);
    harness.run_steps(2);
    let idlib = marker_of(&harness, "idlib");
    drag(
        &mut harness,
        idlib,
        idlib + egui::vec2(40.0, 0.0),
        egui::Modifiers::NONE,
    );
    let moved = harness.state().dataset().clone();
    let anchor = |d: &evacmap::model::Dataset| d.place_anchor("idlib").unwrap();
    assert!(
        anchor(&moved).x() > anchor(&dataset).x(),
        "Idlib moved east"
    );
    // The movements to Idlib end where it is now.
    let to_idlib = moved.index_of("barzeh-idlib-2017-05-12").unwrap();
    let end = *moved.movement_path_at(to_idlib).unwrap().last().unwrap();
    assert_eq!(end, anchor(&moved).0);
    press(&mut harness, "Edit");
    assert!(harness.query_by_label("Undo: move Idlib").is_some());
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(3);
    assert_eq!(
        harness.state().dataset(),
        &dataset,
        "one undo puts everything back"
    );

    // Shift+drag from Barzeh to Damascus: the form of a movement between them.
    let (barzeh, damascus) = (
        marker_of(&harness, "barzeh"),
        marker_of(&harness, "damascus"),
    );
    drag(&mut harness, barzeh, damascus, egui::Modifiers::SHIFT);
    harness.get_by_label("New movement");
    let shown: Vec<String> = harness
        .query_all_by(|n| n.role() == egui::accesskit::Role::ComboBox)
        .filter_map(|n| n.accesskit_node().value())
        .collect();
    assert!(
        shown.contains(&"Barzeh".to_owned()) && shown.contains(&"Damascus".to_owned()),
        "{shown:?}"
    );
}

#[test]
fn deleting_is_undoable_and_refused_where_something_still_depends_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let (path, options) = story_in(dir.path());
    // Without its chapters, which name every event (tests/suite/chapters.rs deletes with them).
    let mut story: serde_json::Value = serde_json::from_str(evacmap::BUNDLED_STORY).unwrap();
    story["evacmap"].as_object_mut().unwrap().remove("chapters");
    std::fs::write(&path, serde_json::to_string_pretty(&story).unwrap()).unwrap();
    let options = AppOptions {
        select: Some("qaboun".into()),
        edit: true,
        ..options
    };
    let mut harness = support::app_harness(options, None, 1.0 / 60.0);
    harness.run_steps(3);
    let features = harness.state().dataset().len();
    // Qaboun is selected (and its form open: --edit with --select); movements and events
    // still happen there.
    press(&mut harness, "Edit");
    press(&mut harness, "Delete the selection");
    assert_eq!(harness.state().dataset().len(), features);
    let refused = harness
        .query_all_by(|n| {
            n.value()
                .is_some_and(|v| v.starts_with("Qaboun cannot be deleted"))
        })
        .count();
    assert_eq!(refused, 1, "the refusal is told");

    // An event goes, and comes back with Ctrl+Z.
    let un = harness
        .state()
        .dataset()
        .index_of("un-forcible-displacement")
        .unwrap();
    press(&mut harness, "Edit");
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    harness.state_mut().open_form_for_test(un);
    harness.run_steps(3);
    press(&mut harness, "Delete this event");
    assert_eq!(harness.state().dataset().len(), features - 1);
    assert!(
        harness
            .state()
            .dataset()
            .index_of("un-forcible-displacement")
            .is_none()
    );
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run_steps(3);
    assert_eq!(harness.state().dataset().len(), features);
    assert!(
        harness
            .state()
            .dataset()
            .index_of("un-forcible-displacement")
            .is_some()
    );

    // A source still cited cannot be deleted: the form says what cites it.
    press(&mut harness, "Edit");
    press(&mut harness, "Sources…");

    press(&mut harness, "Delete source article");
    let cited = harness
        .query_all_by(|n| {
            n.role() == egui::accesskit::Role::Label
                && n.value().is_some_and(|v| {
                    v.starts_with("News report, mid-May 2017 is still cited by Qaboun")
                })
        })
        .count();
    assert_eq!(cited, 1, "what cites the source is told");
    assert_eq!(
        harness.state().dataset().meta.sources.len(),
        4,
        "nothing deleted"
    );
}

#[test]
fn a_table_is_read_only_until_saved_as_a_story_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("acled.csv");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/acled-2023.csv"),
        &table,
    )
    .unwrap();
    let options = AppOptions {
        file: Some(table.clone()),
        journal_dir: Some(dir.path().join("journal")),
        ..support::offline_options()
    };
    let mut harness = support::app_harness(options, None, 1.0 / 60.0);
    harness.key_press(egui::Key::E);
    harness.run_steps(3);
    assert!(!harness.state().is_editing());
    let said = harness
        .query_all_by(|n| {
            n.value().is_some_and(|v| {
                v.starts_with("Cannot edit: acled.csv is a table of ACLED events, read-only")
            })
        })
        .count();
    assert!(said >= 1, "the reason is told");
    let story = dir.path().join("acled-story.geojson");
    save_as_through_the_dialog(&mut harness, &story);
    harness.run_steps(3);
    assert_checks(&story);
    harness.key_press(egui::Key::E);
    harness.run_steps(3);
    assert!(harness.state().is_editing(), "the new story can be edited");
}

/// Presses `key` until the widget named `label` has the keyboard (at most `most` times);
/// returns how many presses it took.
pub(crate) fn key_until(
    harness: &mut Harness<'static, EvacApp>,
    (modifiers, key): (egui::Modifiers, egui::Key),
    label: &str,
    most: usize,
) -> usize {
    for pressed in 0..=most {
        if support::focused_label(harness).as_deref() == Some(label) {
            return pressed;
        }
        harness.key_press_modifiers(modifiers, key);
        harness.run_steps(2);
    }
    panic!(
        "{label:?} not reached with {key:?} in {most} presses; the keyboard is on {:?}",
        support::focused_label(harness)
    );
}

#[test]
fn a_place_is_recorded_with_the_keyboard_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (_, options) = story_in(dir.path());
    let mut harness = support::app_harness(options, None, 1.0 / 60.0);
    let features = harness.state().dataset().len();
    let mut keys: Vec<(&str, usize)> = Vec::new();
    harness.key_press(egui::Key::E);
    harness.run_steps(2);
    keys.push(("edit mode (E)", 1));
    // Into the map, F6 to the top bar (at Fit story), back along it to Edit.
    let tab = (egui::Modifiers::NONE, egui::Key::Tab);
    let back = (egui::Modifiers::SHIFT, egui::Key::Tab);
    let f6 = (egui::Modifiers::NONE, egui::Key::F6);
    harness.key_press(egui::Key::Tab);
    harness.run_steps(2);
    let to_bar = key_until(&mut harness, f6, "Fit story", 4);
    let along = key_until(&mut harness, back, "Edit", 12);
    harness.key_press(egui::Key::Enter);
    harness.run_steps(3);
    keys.push((
        "the Edit menu (Tab, F6…, Shift+Tab…, Enter)",
        2 + to_bar + along,
    ));
    let down = key_until(&mut harness, tab, "New place at the centre of the map…", 12);
    harness.key_press(egui::Key::Enter);
    harness.run_steps(5);
    keys.push(("New place at the centre… (Tab…, Enter)", down + 1));
    harness.get_by_label("New place");
    // The form's first field has the keyboard as it opens.
    let to_name = key_until(&mut harness, tab, "Name", 0);
    harness.get_by_label("Name").type_text("Kafr Batna");
    harness.run_steps(2);
    let to_save = key_until(&mut harness, tab, "Save place", 60);
    harness.key_press(egui::Key::Enter);
    harness.run_steps(5);
    keys.push((
        "name it and save (Tab…, the name, Tab…, Enter)",
        to_name + to_save + 1,
    ));
    eprintln!("keyboard walk of recording a place: {keys:?}");
    assert_eq!(harness.state().dataset().len(), features + 1);
    assert!(harness.state().dataset().index_of("kafr-batna").is_some());
}

/// Clicks the first item whose name starts with `start` ("Undo: …").
fn press_the_item_starting(harness: &mut Harness<'static, EvacApp>, start: &str) {
    let label = harness
        .query_all_by(|n| n.label().is_some_and(|l| l.starts_with(start)))
        .next()
        .unwrap_or_else(|| panic!("an item starting {start:?}"))
        .accesskit_node()
        .label()
        .unwrap();
    press(harness, &label);
}

/// A form open on a feature follows what an undo (or a redo) does to it: its fields would
/// otherwise write back what was undone.
#[test]
fn an_open_form_shows_its_feature_as_an_undo_leaves_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_, options) = story_in(dir.path());
    let options = AppOptions {
        edit: true,
        test_renames: vec![("qaboun".into(), "Qabun (renamed)".into())],
        ..options
    };
    let mut harness = support::app_harness(options, None, 1.0 / 60.0);
    harness.run_steps(3);
    let qaboun = harness.state().dataset().index_of("qaboun").unwrap();
    harness.state_mut().open_form_for_test(qaboun);
    harness.run_steps(3);
    let named = |harness: &Harness<'static, EvacApp>, name: &str| {
        harness
            .query_all_by(|n| {
                n.role() == egui::accesskit::Role::TextInput && n.value().as_deref() == Some(name)
            })
            .count()
    };
    assert_eq!(
        named(&harness, "Qabun (renamed)"),
        1,
        "the form shows the renamed place"
    );
    press(&mut harness, "Edit");
    press_the_item_starting(&mut harness, "Undo: ");
    assert_eq!(
        named(&harness, "Qabun (renamed)"),
        0,
        "the undone name is gone from the form"
    );
    assert_eq!(
        named(&harness, "Qaboun"),
        1,
        "the form shows the name as it is again"
    );
    press(&mut harness, "Edit");
    press_the_item_starting(&mut harness, "Redo: ");
    assert_eq!(
        named(&harness, "Qabun (renamed)"),
        1,
        "and follows the redo"
    );
}
