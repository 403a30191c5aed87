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
fn type_into(harness: &mut Harness<'static, EvacApp>, label: &str, nth: usize, text: &str) {
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
    harness.get_by_label("Save place").click();
    harness.run_steps(3);
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
    harness.get_by_label("Edit").click();
    harness.run_steps(5);
    harness.get_by_label("New movement…").click();
    harness.run_steps(3);
    choose(&mut harness, "choose a place…", 0, "Qaboun");
    choose(&mut harness, "choose a place…", 0, "Jarjanaz camp");
    type_into(&mut harness, "Date", 0, "2017-05-14");
    choose(
        &mut harness,
        "choose a source…",
        0,
        "News report, mid-May 2017",
    );
    harness.get_by_label("Add a figure").click();
    harness.run_steps(5);
    harness.get_by_label("Add a figure").click();
    harness.run_steps(5);
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
    harness.get_by_label("Save movement").click();
    harness.run_steps(3);
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
    harness.get_by_label("Edit").click();
    harness.run_steps(5);
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
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_evacmap"))
        .arg("check")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
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
