//! Files as layers in the window: opened through File → Open…, shown or hidden, dated by the
//! property the reader picks, reloaded when they change on disk, their problems listed.

use crate::support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use evacmap::app::EvacApp;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// Steps until `done` holds (at most ten seconds), then two more frames.
fn step_until(
    harness: &mut Harness<'static, EvacApp>,
    what: &str,
    done: impl Fn(&EvacApp) -> bool,
) {
    let started = Instant::now();
    while !done(harness.state()) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "waited ten seconds for {what}"
        );
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.run_steps(2);
}

fn layer_names(harness: &Harness<'static, EvacApp>) -> Vec<String> {
    harness
        .state()
        .layer_set()
        .layers()
        .iter()
        .map(|l| l.name.clone())
        .collect()
}

#[test]
fn a_file_opened_through_the_dialog_becomes_a_layer_in_place_of_the_bundled_story() {
    let mut harness = support::app_harness(support::offline_options(), None, 1.0 / 60.0);
    assert_eq!(
        layer_names(&harness),
        ["damascus-2017-05.geojson (bundled)"]
    );
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("Open…").click();
    harness.run_steps(3);
    // Go to the fixtures' folder by typing it, then pick the file from the list.
    let folder = fixture("");
    let field = harness.get_by_label("File name");
    field.click();
    harness.run_steps(1);
    harness
        .get_by_label("File name")
        .type_text(folder.to_str().unwrap());
    harness.run_steps(1);
    harness.get_by_label("Open").click();
    harness.run_steps(3);
    harness.get_by_label("acled-2023.csv").click();
    harness.run_steps(2);
    harness.get_by_label("Open").click();
    harness.run_steps(2);
    step_until(&mut harness, "the ACLED file", |app| {
        !app.is_loading() && app.layer_set().layers()[0].name == "acled-2023.csv"
    });
    assert_eq!(layer_names(&harness), ["acled-2023.csv"]);
    assert_eq!(harness.state().dataset().features().len(), 11);
    harness.get_by_label("Kathmandu");
    // It is remembered for File → Open recent.
    assert_eq!(
        harness.state().persisted().recent_files,
        [std::path::absolute(fixture("acled-2023.csv")).unwrap()]
    );
}

#[test]
fn layers_are_shown_and_hidden_together_and_apart() {
    let mut options = support::offline_options();
    options.file = Some(fixture("acled-2023.csv"));
    options.more_files = vec![fixture("unhcr-yearly.csv")];
    let mut harness = support::app_harness(options, None, 1.0 / 60.0);
    step_until(&mut harness, "the second layer", |app| {
        app.layer_set().layers().len() == 2 && !app.is_loading()
    });
    assert_eq!(
        layer_names(&harness),
        ["acled-2023.csv", "unhcr-yearly.csv"]
    );
    // 11 features from the ACLED file and 12 from the flow table, in one time filter and list.
    assert_eq!(harness.state().dataset().features().len(), 23);
    harness.get_by_label("Layers (2)");
    harness.get_by_label("Show unhcr-yearly.csv").click();
    harness.run_steps(2);
    assert_eq!(harness.state().dataset().features().len(), 11);
    assert!(harness.query_by_label("Syria").is_none());
    harness.get_by_label("Show unhcr-yearly.csv").click();
    harness.run_steps(2);
    assert_eq!(harness.state().dataset().features().len(), 23);
    harness.get_by_label("Remove acled-2023.csv").click();
    harness.run_steps(2);
    assert_eq!(layer_names(&harness), ["unhcr-yearly.csv"]);
    assert_eq!(harness.state().dataset().features().len(), 12);
}

#[test]
fn the_date_property_can_be_picked_in_the_layer_settings() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("reports.geojson");
    std::fs::write(
        &path,
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","id":"r1","geometry":{"type":"Point","coordinates":[36.3,33.5]},
         "properties":{"title":"Report one","reported":"2020-01-05","occurred":"2019-12-30"}},
        {"type":"Feature","id":"r2","geometry":{"type":"Point","coordinates":[36.4,33.6]},
         "properties":{"title":"Report two","reported":"2020-01-06","occurred":"2019-12-31"}}]}"#,
    )
    .unwrap();
    let mut options = support::offline_options();
    options.file = Some(path);
    let mut harness = support::app_harness(options, None, 1.0 / 60.0);
    let when = |harness: &Harness<'static, EvacApp>| {
        harness
            .state()
            .dataset()
            .store()
            .when(0)
            .map(|w| w.to_string())
    };
    // As many plausible dates in both: the first by name is used, the other is offered.
    assert_eq!(when(&harness).as_deref(), Some("2019-12-30"));
    harness.get_by_label("Dates from").click();
    harness.run_steps(2);
    harness.get_by_label("reported").click();
    harness.run_steps(2);
    assert_eq!(when(&harness).as_deref(), Some("2020-01-05"));
    assert_eq!(
        harness.state().layer_set().layers()[0]
            .date_property
            .as_deref(),
        Some("reported")
    );
}

#[test]
fn a_changed_file_reloads_and_a_broken_one_keeps_its_last_good_data() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("flows.csv");
    let table = "Year,Country of origin (ISO),Country of asylum (ISO),Refugees\n2017,SYR,TUR,5\n";
    std::fs::write(&path, table).unwrap();
    let mut options = support::offline_options();
    options.file = Some(path.clone());
    let mut harness = support::app_harness(options, None, 1.0 / 60.0);
    step_until(&mut harness, "the watcher", |app| {
        app.layer_set().layers().len() == 1
    });
    assert_eq!(harness.state().dataset().movements().count(), 1);
    // Saved by writing beside it and renaming, as editors do.
    let saved = folder.path().join(".flows.csv.new");
    std::fs::write(&saved, format!("{table}2018,SYR,LBN,7\n")).unwrap();
    std::fs::rename(&saved, &path).unwrap();
    step_until(&mut harness, "the reload", |app| {
        app.dataset().movements().count() == 2 && !app.is_loading()
    });
    // A broken file: the two movements stay, the problem is listed.
    std::fs::write(&path, "name,colour\nrose,red\n").unwrap();
    step_until(&mut harness, "the failed reload", |app| {
        app.layer_set().layers()[0].failure.is_some() && !app.is_loading()
    });
    assert_eq!(harness.state().dataset().movements().count(), 2);
    harness
        .get_by_label("Problems (1, 1 failed to reload)")
        .click();
    // The list unfolds over a few frames; the problem is said in words, the located form
    // (as `evacmap check` prints it) is under Details.
    harness.run_steps(12);
    harness.get_by_label_contains("the last good data is shown");
    harness.get_by_label("Details").click();
    harness.run_steps(12);
    // Plain text is an accessible node's value.
    let listed = harness
        .query_all_by(|_| true)
        .filter(|n| {
            n.accesskit_node()
                .value()
                .is_some_and(|v| v.contains("flows.csv:1:1: error: not GeoJSON"))
        })
        .count();
    assert_eq!(listed, 1);
}

#[test]
fn the_columns_of_a_table_of_no_known_kind_are_chosen_in_a_dialog_and_remembered() {
    let folder = tempfile::tempdir().unwrap();
    let first = folder.path().join("shelters.csv");
    std::fs::copy(fixture("shelters.csv"), &first).unwrap();
    let mut options = support::offline_options();
    options.file = Some(first.clone());
    let mut harness = support::app_harness(options, None, 1.0 / 60.0);
    // Not opened yet: the bundled story stays while the columns are chosen.
    assert_eq!(
        layer_names(&harness),
        ["damascus-2017-05.geojson (bundled)"]
    );
    // The usual names are guessed; the rest are picked from the header.
    for (role, column) in [
        ("Date", "reported"),
        ("Latitude", "northing"),
        ("Longitude", "easting"),
        ("Count", "persons"),
    ] {
        harness.get_by_label(role).click();
        harness.run_steps(2);
        // The option, not the header of the same name in the preview.
        harness
            .query_all_by_label(column)
            .find(|n| n.accesskit_node().role() == egui::accesskit::Role::Button)
            .unwrap_or_else(|| panic!("no option {column}"))
            .click();
        harness.run_steps(2);
    }
    harness.get_by_label("Open with these columns").click();
    step_until(&mut harness, "the table", |app| {
        !app.is_loading() && app.layer_set().layers()[0].name == "shelters.csv"
    });
    let dataset = harness.state().dataset();
    assert_eq!(dataset.events().count(), 3);
    let first_event = dataset.events().next().unwrap().1;
    assert_eq!(
        first_event.common.name.as_deref(),
        Some("Idlib collective shelter")
    );
    assert_eq!(first_event.common.when.unwrap().to_string(), "2017-05-12");
    assert_eq!(first_event.figures[0].value, 1246);
    assert!(harness.query_by_label("Open with these columns").is_none());

    // Another file with the same columns opens straight away with the same choice.
    let second = folder.path().join("more-shelters.csv");
    std::fs::copy(fixture("shelters.csv"), &second).unwrap();
    harness.state_mut().open(&second);
    step_until(&mut harness, "the second table", |app| {
        !app.is_loading() && app.layer_set().layers().len() == 2
    });
    assert!(harness.query_by_label("Open with these columns").is_none());
    let remembered = harness.state().persisted().column_mappings;
    assert_eq!(remembered.len(), 1, "{remembered:?}");
    let mapping = remembered.values().next().unwrap();
    assert_eq!(mapping.latitude.as_deref(), Some("northing"));
    assert_eq!(mapping.source.as_deref(), Some("outlet"));
}

#[test]
fn the_legend_names_each_file_by_the_colour_of_its_rings() {
    let mut options = support::offline_options();
    options.file = Some(fixture("acled-2023.csv"));
    options.more_files = vec![fixture("unhcr-yearly.csv")];
    let mut harness = support::app_harness(options, None, 1.0 / 60.0);
    step_until(&mut harness, "the second layer", |app| {
        app.layer_set().layers().len() == 2 && !app.is_loading()
    });
    let count = |harness: &Harness<'static, EvacApp>, text: &str| {
        harness
            .query_all_by(|_| true)
            .filter(|n| n.accesskit_node().value().is_some_and(|v| v == text))
            .count()
    };
    let shown = |harness: &Harness<'static, EvacApp>, text: &str| count(harness, text) > 0;
    let before = [
        count(&harness, "acled-2023.csv"),
        count(&harness, "unhcr-yearly.csv"),
    ];
    // The legend's own fold button unfolds it (the top bar's Legend closes it).
    harness
        .get_by(|n| {
            n.role() == egui::accesskit::Role::Window && n.label().as_deref() == Some("Legend")
        })
        .query_all_by(|n| n.role() == egui::accesskit::Role::Button)
        .next()
        .expect("the legend's fold button")
        .click();
    harness.run_steps(12);
    assert!(shown(&harness, "Ring: the file a place comes from"));
    // Each file is named in the legend too.
    let after = [
        count(&harness, "acled-2023.csv"),
        count(&harness, "unhcr-yearly.csv"),
    ];
    assert!(
        after[0] > before[0] && after[1] > before[1],
        "{before:?} {after:?}"
    );
    // With one file shown there is nothing to tell apart.
    harness.get_by_label("Show unhcr-yearly.csv").click();
    harness.run_steps(3);
    assert!(!shown(&harness, "Ring: the file a place comes from"));
}
