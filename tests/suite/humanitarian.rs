//! Humanitarian data as it is shared: HXL-tagged tables (movements, counts at places, events),
//! IDMC displacement figures, IOM DTM counts by round, and gazetteers that place rows named by
//! p-code; through `check`, `list`, `convert` and the window.

use std::path::{Path, PathBuf};

use egui_kittest::kittest::{NodeT, Queryable};
use evacmap::model::{EventType, Feature, Measure, Qualifier, Term};

use crate::support::{app_harness, offline_options};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/humanitarian")
        .join(name)
}

fn fixture_text(name: &str) -> String {
    fixture(name).display().to_string()
}

use crate::support::run_evacmap as evacmap;

/// `evacmap list` of a fixture, each line without its trailing spaces.
fn list(args: &[&str]) -> Vec<String> {
    let (code, out, err) = evacmap(&[&["list"], args].concat());
    assert_eq!(code, 0, "{err}");
    out.lines().map(|l| l.trim_end().to_owned()).collect()
}

#[test]
fn an_hxl_flow_table_becomes_movements_between_governorates_placed_by_p_code() {
    let lines = list(&[&fixture_text("hxl-flows.csv")]);
    assert_eq!(
        lines,
        [
            "timeless           place    sy01                       Damascus",
            "timeless           place    sy07                       Idleb",
            "2017-05-14         movement movement-3                 Damascus to Idleb [reported] | 1,500 IDPs (OCHA)",
            "2017-05-29         movement movement-4                 Damascus to Idleb [reported] | 2,100 IDPs (OCHA)",
            "timeless           place    sy04                       Homs",
            "timeless           place    sy02                       Aleppo",
            "2017-06-02         movement movement-5                 Homs to Aleppo [reported] | 800 IDPs (UNHCR)",
        ]
    );
    // The same tags under French headers, in which the names are French too: the tags and
    // p-codes say what each column is and where each row is.
    assert_eq!(list(&[&fixture_text("hxl-flows-fr.csv")]), lines);
}

#[test]
fn an_hxl_stock_table_becomes_counts_at_places_with_splits_kept_apart() {
    let lines = list(&[&fixture_text("hxl-stocks.csv")]);
    assert_eq!(
        lines,
        [
            "timeless           place    sy07                       Idleb",
            "2017-06-30         event    count-3                    IDPs in Idleb | 1,200,000 IDPs (OCHA); 240,000 families (OCHA)",
            "2017-06-30         event    count-4                    IDPs in Idleb | 950,000 IDPs (Syria Response Coordinators)",
            "timeless           place    sy02                       Aleppo",
            "2017-06-30         event    count-5                    IDPs in Aleppo | 600,000 IDPs (OCHA)",
            "timeless           place    sy03                       Rural Damascus",
            "2017-06-30         event    count-6                    IDPs in Rural Damascus | 400,000 IDPs (OCHA)",
        ]
    );
    let loaded = evacmap::open::load(&fixture("hxl-stocks.csv")).unwrap();
    let Some(Feature::Event(idleb)) = loaded.dataset.by_id("count-3") else {
        panic!("count-3 is not an event");
    };
    assert_eq!(idleb.event_type, Term::Known(EventType::Presence));
    // Women and men are kept beside the total, as given, and not added to it.
    assert_eq!(
        idleb.common.extra.get("IDPs: women and girls"),
        Some(&serde_json::json!("640000"))
    );
    assert_eq!(
        idleb.common.extra.get("IDPs: men and boys"),
        Some(&serde_json::json!("560000"))
    );
    assert_eq!(idleb.figures[0].value, 1_200_000);
    // A column whose tag evacmap does not use is kept with the item.
    assert_eq!(
        idleb.common.extra.get("Site type"),
        Some(&serde_json::json!("mixed"))
    );
}

#[test]
fn an_hxl_event_table_becomes_events_with_their_types_and_counts() {
    assert_eq!(
        list(&[&fixture_text("hxl-events.csv")]),
        [
            "timeless           place    sy01                       Damascus",
            "2017-05-08         event    event-3                    Barzeh evacuation agreement",
            "2017-05-12         event    event-4                    Clashes in Qaboun | 12 fatalities (SOHR)",
            "timeless           place    sy07                       Idleb",
            "2017-05-20         event    event-5                    Flooding in camps",
        ]
    );
    let loaded = evacmap::open::load(&fixture("hxl-events.csv")).unwrap();
    let types: Vec<Term<EventType>> = loaded.dataset.events().map(|(_, e)| e.event_type).collect();
    assert_eq!(
        types,
        [
            Term::Known(EventType::Agreement),
            Term::Known(EventType::Clashes),
            Term::Known(EventType::Development),
        ]
    );
    let Some(Feature::Event(flood)) = loaded.dataset.by_id("event-5") else {
        panic!("event-5 is not an event");
    };
    // The table's own word is kept beside evacmap's.
    assert_eq!(
        flood.common.extra.get("event type"),
        Some(&serde_json::json!("Flood"))
    );
    assert_eq!(flood.summary.as_deref(), Some("Heavy rain in camps"));
}

#[test]
fn idmc_figures_keep_their_qualifier_role_dates_sources_and_places() {
    assert_eq!(
        list(&[&fixture_text("idmc.csv")]),
        [
            "timeless           place    barzeh                     Barzeh",
            "2017-05-08/2017-05-12 event    figure-2                   Displacements in Barzeh | at least 1,200 IDPs (OCHA)",
            "timeless           place    qaboun                     Qaboun",
            "2017-05-14/2017-05-15 event    figure-3                   Displacements in Qaboun | about 2,000 IDPs (SOHR, SANA)",
            "timeless           place    syr                        Syria",
            "2017-12-31         event    figure-4                   IDPs in Syria | 6,150,000 IDPs (IDMC)",
            "2017-12-31         event    figure-5                   IDPs in Syria",
        ]
    );
    let loaded = evacmap::open::load(&fixture("idmc.csv")).unwrap();
    let dataset = &loaded.dataset;
    let Some(Feature::Event(barzeh)) = dataset.by_id("figure-2") else {
        panic!("figure-2 is not an event");
    };
    assert_eq!(barzeh.event_type, Term::Known(EventType::Displacement));
    let figure = &barzeh.figures[0];
    assert_eq!(figure.qualifier, Term::Known(Qualifier::AtLeast));
    assert_eq!(figure.measure, Term::Known(Measure::Idps));
    assert_eq!(figure.note.as_deref(), Some("Recommended figure"));
    assert_eq!(barzeh.summary.as_deref(), Some("Barzeh evacuation"));
    // The source's address is kept with the source.
    let ocha = dataset
        .meta
        .sources
        .iter()
        .find(|s| s.name == "OCHA")
        .unwrap();
    assert_eq!(ocha.url.as_deref(), Some("https://example.org/ocha-sitrep"));
    // At Barzeh's coordinates (IDMC writes latitude first).
    let barzeh_place = dataset.by_id("barzeh").unwrap();
    let point = barzeh_place.common().geometry.clone().unwrap();
    assert_eq!(
        point,
        geo::Geometry::Point(geo::Point::new(36.32056, 33.55667))
    );
    // A figure for two places stands at the first and names both.
    let Some(Feature::Event(qaboun)) = dataset.by_id("figure-3") else {
        panic!("figure-3 is not an event");
    };
    assert_eq!(
        qaboun.common.extra.get("all locations"),
        Some(&serde_json::json!("Qaboun; Tishreen"))
    );
    let Some(Feature::Event(stock)) = dataset.by_id("figure-4") else {
        panic!("figure-4 is not an event");
    };
    assert_eq!(stock.event_type, Term::Known(EventType::Presence));
    // A figure that is no number is a located warning; the row is kept.
    assert!(
        loaded.warnings.iter().any(|w| w.to_string()
            == "5: warning: the figure \"many\" is not a whole number; the row is kept without it"),
        "{:?}",
        loaded.warnings
    );
}

#[test]
fn dtm_counts_by_round_are_placed_from_an_added_gazetteer() {
    let gazetteer = fixture_text("sy-districts.csv");
    let dtm = fixture_text("dtm.csv");
    // Without the districts' gazetteer, no row can be placed: each is said and kept.
    let (code, out, _) = evacmap(&["check", &dtm]);
    assert_eq!(code, 0);
    assert!(
        out.contains(
            "dtm.csv:2: warning: p-code \"SY0700\" (\"Idleb district\") is in no gazetteer"
        ),
        "{out}"
    );
    assert!(
        out.contains("5 rows could not be placed") && out.contains("ok (5 features, 6 warnings)"),
        "{out}"
    );
    // With it, the rounds are counts at the districts; the unknown district is kept.
    assert_eq!(
        list(&["--gazetteer", &gazetteer, &dtm]),
        [
            "timeless           place    sy0700                     Idleb district",
            "2017-03-31         event    dtm-2                      IDPs in Idleb district, round 1 | 150,000 IDPs (IOM Displacement Tracking Matrix)",
            "2017-06-30         event    dtm-3                      IDPs in Idleb district, round 2 | 210,000 IDPs (IOM Displacement Tracking Matrix)",
            "timeless           place    sy0200                     Jebel Saman",
            "2017-03-31         event    dtm-4                      IDPs in Jebel Saman, round 1 | 90,000 IDPs (IOM Displacement Tracking Matrix)",
            "2017-06-30         event    dtm-5                      IDPs in Jebel Saman, round 2 | 120,000 IDPs (IOM Displacement Tracking Matrix)",
            "timeless           feature  row 6                      Row 6 (not placed)",
        ]
    );
    // `convert` writes the same story, which checks clean of errors.
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("dtm.geojson");
    let (code, _, err) = evacmap(&[
        "convert",
        "--gazetteer",
        &gazetteer,
        &dtm,
        &out_path.display().to_string(),
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = evacmap(&["check", &out_path.display().to_string()]);
    assert_eq!(code, 0, "{out}");
    // A gazetteer that cannot be read stops before anything is read.
    let (code, out, _) = evacmap(&["check", "--gazetteer", &dtm, &dtm]);
    assert_eq!(code, 2);
    assert!(out.contains("latitude"), "{out}");
}

#[test]
fn bad_hxl_is_located_in_words_and_nothing_is_dropped_silently() {
    let (code, out, _) = evacmap(&["check", &fixture_text("hxl-bad.csv")]);
    assert_eq!(code, 0, "{out}");
    let expected = [
        "hxl-bad.csv:2: warning: column 4 (\"IDPs\", #affected+idps) and column 5 (\"IDPs again\", #affected+idps) both carry #affected+idps: the first is read as the count, the second is kept with each item as it is (counts are never added together)",
        "hxl-bad.csv:2: warning: column 6 (\"Colour\", #colour): \"#colour\" is not one of HXL's hashtags (a typing error?); its values are kept with each item",
        "hxl-bad.csv:4: warning: this row looks like a second hashtag row (HXL has one, on line 2); it is left out",
        "hxl-bad.csv:5: warning: the count \"lots\" in column 4 (\"IDPs\", #affected+idps) is not a whole number; it is kept with the row as text, not drawn",
        "hxl-bad.csv:6: warning: p-code \"SY07\" is in Syria (SY), not in \"IRQ\" as the row says; the row is kept without a position",
        "hxl-bad.csv:7: warning: p-code \"XX99\" (\"Atlantis\") is in no gazetteer",
        "hxl-bad.csv:1: warning: 2 rows could not be placed",
    ];
    for line in expected {
        assert!(out.contains(line), "missing {line:?} in\n{out}");
    }
    let loaded = evacmap::open::load(&fixture("hxl-bad.csv")).unwrap();
    let dataset = &loaded.dataset;
    // The second count column is kept as it was; the unreadable count too.
    let Some(Feature::Event(first)) = dataset.by_id("count-3") else {
        panic!("count-3 is not an event");
    };
    assert_eq!(
        first.common.extra.get("IDPs again"),
        Some(&serde_json::json!("1100"))
    );
    let Some(Feature::Event(lots)) = dataset.by_id("count-5") else {
        panic!("count-5 is not an event");
    };
    assert!(lots.figures.is_empty());
    assert_eq!(
        lots.common.extra.get("IDPs"),
        Some(&serde_json::json!("lots"))
    );
    // Rows that could not be placed are kept, with their cells and why.
    let Some(Feature::Generic(unplaced)) =
        dataset.features().into_iter().find(|f| f.id() == "row 6")
    else {
        panic!("row 6 is not kept");
    };
    assert_eq!(
        unplaced.common.extra.get("Country"),
        Some(&serde_json::json!("IRQ"))
    );
    assert!(
        unplaced
            .common
            .extra
            .get("unplaced")
            .and_then(|v| v.as_str())
            .is_some_and(|why| why.contains("not in \"IRQ\"")),
    );
}

#[test]
fn a_table_with_tags_evacmap_cannot_use_is_refused_with_the_tags_it_has() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sectors.csv");
    std::fs::write(&path, "Sector,Budget\n#sector,#value\nHealth,100\n").unwrap();
    let (code, out, _) = evacmap(&["check", &path.display().to_string()]);
    assert_eq!(code, 1);
    assert!(
        out.contains("sectors.csv:1:1: error: an HXL table with the hashtags #sector, #value, which is none of those evacmap reads"),
        "{out}"
    );
}

/// The accessible names of the count circles drawn.
fn count_names(harness: &egui_kittest::Harness<'static, evacmap::app::EvacApp>) -> Vec<String> {
    let mut names: Vec<String> = harness
        .query_all_by(|n| n.label().is_some_and(|l| l.starts_with("People counted: ")))
        .filter_map(|n| n.accesskit_node().label())
        .collect();
    names.sort();
    names
}

#[test]
fn an_hxl_stock_table_draws_circles_at_its_places_and_two_sources_side_by_side() {
    let mut options = offline_options();
    options.file = Some(fixture("hxl-stocks.csv"));
    let mut harness = app_harness(options, None, 1.0 / 60.0);
    let app = harness.state();
    let dataset = app.dataset();
    let output = app.last_overlay();
    let id = |feature: evacmap::model::FeatureIndex| dataset.store().id(feature.0).to_owned();
    let mut drawn: Vec<String> = output.counts.iter().map(|c| id(c.feature)).collect();
    drawn.sort();
    assert_eq!(drawn, ["count-3", "count-4", "count-5", "count-6"]);
    let marker = |place: &str| {
        output
            .markers
            .iter()
            .find(|m| id(m.feature) == place)
            .map(|m| m.drawn_position)
            .unwrap()
    };
    let circle = |count: &str| {
        *output
            .counts
            .iter()
            .find(|c| id(c.feature) == count)
            .unwrap()
    };
    // Aleppo's count is centred on its marker; the larger is larger by area.
    let aleppo = circle("count-5");
    assert!(aleppo.center.distance(marker("sy02")) < 0.5);
    let (ocha, coordinators) = (circle("count-3"), circle("count-4"));
    let area_ratio = (ocha.radius / aleppo.radius).powi(2);
    assert!((area_ratio - 2.0).abs() < 0.05, "{area_ratio}");
    // Two sources at Idleb: side by side across the marker, apart, never one circle.
    let idleb = marker("sy07");
    assert!(ocha.center.x < idleb.x && idleb.x < coordinators.center.x);
    assert!((ocha.center.y - idleb.y).abs() < 0.5);
    assert!(ocha.center.distance(coordinators.center) >= ocha.radius + coordinators.radius);
    let names = count_names(&harness);
    assert_eq!(names.len(), 4, "{names:?}");
    let idleb_names: Vec<&String> = names.iter().filter(|n| n.contains("in Idleb")).collect();
    assert!(
        idleb_names
            .iter()
            .any(|n| n.contains("1,200,000 IDPs") && n.contains("OCHA"))
            && idleb_names
                .iter()
                .any(|n| n.contains("950,000 IDPs") && n.contains("Syria Response Coordinators")),
        "{idleb_names:?}"
    );
    // The details give the count, its date and its source.
    let ocha_name = idleb_names
        .iter()
        .find(|n| n.contains("OCHA"))
        .map(|n| (*n).clone())
        .unwrap();
    harness.get_by_label(&ocha_name).click();
    harness.run_steps(3);
    let app = harness.state();
    assert_eq!(
        app.selection()
            .map(|s| app.dataset().store().id(s.0).to_owned()),
        Some("count-3".to_owned())
    );
    harness.get_by_label("OCHA:");
    harness.get_by_label("1,200,000 IDPs; 240,000 families");
    assert!(
        harness
            .query_all_by(|n| n.label().is_some_and(|l| l.contains("30 June 2017")))
            .next()
            .is_some()
    );
}

#[test]
fn the_latest_round_within_the_range_is_the_one_drawn() {
    let mut options = offline_options();
    options.file = Some(fixture("dtm.csv"));
    options.gazetteers = vec![fixture("sy-districts.csv")];
    let harness_all = app_harness(options.clone(), None, 1.0 / 60.0);
    let names = |harness: &egui_kittest::Harness<'static, evacmap::app::EvacApp>| {
        count_names(harness)
            .into_iter()
            .map(|n| n.split(": ").take(2).collect::<Vec<_>>().join(": "))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&harness_all),
        [
            "People counted: IDPs in Idleb district, round 2, 30 June 2017",
            "People counted: IDPs in Jebel Saman, round 2, 30 June 2017",
        ]
    );
    options.range = evacmap::filter::range_from_args(Some("2017-01"), Some("2017-04")).unwrap();
    let harness_first = app_harness(options, None, 1.0 / 60.0);
    assert_eq!(
        names(&harness_first),
        [
            "People counted: IDPs in Idleb district, round 1, 31 March 2017",
            "People counted: IDPs in Jebel Saman, round 1, 31 March 2017",
        ]
    );
}

#[test]
fn a_gazetteer_added_from_the_file_menu_places_the_open_table_and_is_remembered() {
    let mut options = offline_options();
    options.file = Some(fixture("dtm.csv"));
    let mut harness = app_harness(options, None, 1.0 / 60.0);
    // Nothing of the DTM table can be placed yet: no circle.
    assert!(harness.state().last_overlay().counts.is_empty());
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("Add gazetteer…").click();
    harness.run_steps(3);
    harness.get_by_label("Add a gazetteer");
    harness.get_by_label("File name").click();
    harness.run_steps(1);
    harness
        .get_by_label("File name")
        .type_text(&fixture_text("sy-districts.csv"));
    harness.run_steps(1);
    harness.get_by_label("Add").click();
    harness.run_steps(3);
    let started = std::time::Instant::now();
    while harness.state().last_overlay().counts.len() < 2 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the table was not read again with the gazetteer"
        );
        harness.run_steps(1);
    }
    assert_eq!(count_names(&harness).len(), 2);
    assert_eq!(
        harness.state().persisted().gazetteers,
        [std::fs::canonicalize(fixture("sy-districts.csv")).unwrap()]
    );
    harness.get_by_label_contains("Gazetteer");
    // A file that is no gazetteer is refused in words, and nothing is added.
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("Add gazetteer…").click();
    harness.run_steps(3);
    harness.get_by_label("File name").click();
    harness.run_steps(1);
    harness
        .get_by_label("File name")
        .type_text(&fixture_text("dtm.csv"));
    harness.run_steps(1);
    harness.get_by_label("Add").click();
    harness.run_steps(3);
    harness.get_by_label_contains("no gazetteer was added");
    assert_eq!(harness.state().persisted().gazetteers.len(), 1);
}

#[test]
fn count_circles_are_reached_and_opened_with_the_keyboard_alone() {
    use crate::reading::{press, walk_to};
    let mut options = offline_options();
    options.file = Some(fixture("hxl-stocks.csv"));
    let mut harness = app_harness(options, None, 1.0 / 60.0);
    press(&mut harness, egui::Key::Tab);
    let walked = walk_to(&mut harness, "the coordinators' count at Idleb", |l| {
        l.starts_with("People counted: IDPs in Idleb") && l.contains("Syria Response Coordinators")
    });
    press(&mut harness, egui::Key::Enter);
    eprintln!("keys to open a count circle: Tab, {walked} arrows, Enter");
    let app = harness.state();
    assert_eq!(
        app.selection()
            .map(|s| app.dataset().store().id(s.0).to_owned()),
        Some("count-4".to_owned())
    );
}
