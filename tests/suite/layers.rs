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
        harness.state().dataset().features()[0]
            .when()
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
    // The list unfolds over a few frames.
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
