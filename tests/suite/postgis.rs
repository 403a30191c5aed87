//! A story shared in PostGIS, against a real PostgreSQL cluster the tests start: push, pull,
//! open as a layer for a view and range, the schema's own rules, names that are SQL, and the
//! password kept out of every message.

use std::path::Path;
use std::process::Command;

use egui_kittest::kittest::Queryable;

use crate::support::postgis::{Cluster, PASSWORD};
use crate::support::{app_harness, offline_options};

fn bundled() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/damascus-2017-05.geojson")
}

use crate::support::run_evacmap as evacmap;

#[test]
fn a_pushed_story_pulls_back_as_the_same_file_and_lists_the_same() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let file = bundled();
    let url = cluster.url(None);
    let (code, out, err) = evacmap(&["push", file.to_str().unwrap(), &url]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("?story=damascus-2017-05: 21 features (4 sources)"),
        "{out}"
    );
    assert!(!out.contains(PASSWORD) && !err.contains(PASSWORD));
    let dir = tempfile::tempdir().unwrap();
    let pulled = dir.path().join("pulled.geojson");
    let (code, out, err) = evacmap(&["pull", &url, pulled.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("as it was pushed"), "{out}");
    assert_eq!(
        std::fs::read(&pulled).unwrap(),
        std::fs::read(&file).unwrap()
    );
    // `list` reads the database as it reads the file.
    let (_, from_file, _) = evacmap(&["list", file.to_str().unwrap()]);
    let (code, from_database, err) = evacmap(&["list", &url]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(from_database, from_file);
    // A second push of the same story is refused unless it replaces it.
    let (code, _, err) = evacmap(&["push", file.to_str().unwrap(), &url]);
    assert_eq!(code, 1);
    assert!(
        err.contains("is already in the database: push --replace"),
        "{err}"
    );
    let (code, out, _) = evacmap(&["push", "--replace", file.to_str().unwrap(), &url]);
    assert_eq!(code, 0);
    assert!(out.contains("replacing the story there"), "{out}");
}

#[test]
fn the_schema_keeps_the_formats_rules_and_is_versioned() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let (code, _, err) = evacmap(&["push", bundled().to_str().unwrap(), &cluster.url(None)]);
    assert_eq!(code, 0, "{err}");
    let mut client = cluster.client();
    let version: i32 = client
        .query_one("SELECT max(version) FROM evacmap_migrations", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, evacmap::postgis::SCHEMA_VERSION);
    // SANA's and SOHR's figures for the 12 May movement, side by side, each with its source.
    let rows = client
        .query(
            "SELECT value, sources FROM evacmap_figures
             WHERE feature_id = 'barzeh-idlib-2017-05-12' AND measure = 'people' ORDER BY n",
            &[],
        )
        .unwrap();
    let figures: Vec<(i64, Vec<String>)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(
        figures,
        [
            (1246, vec!["sana".to_owned()]),
            (700, vec!["sohr".to_owned()])
        ]
    );
    // A figure without a source cannot exist, nor one citing a source the story lacks, nor a
    // movement to a place that is not there.
    for (statement, what) in [
        (
            "INSERT INTO evacmap_figures VALUES ('damascus-2017-05', 'barzeh-idlib-2017-05-12', 9, 'people', 5, 'exact', '{}', NULL)",
            "a figure without a source",
        ),
        (
            "INSERT INTO evacmap_figures VALUES ('damascus-2017-05', 'barzeh-idlib-2017-05-12', 9, 'people', 5, 'exact', '{nobody}', NULL)",
            "a figure citing no source of the story",
        ),
        (
            "INSERT INTO evacmap_links VALUES ('damascus-2017-05', 'barzeh-idlib-2017-05-12', 'to', 'atlantis')",
            "a movement to a place that is not there",
        ),
        (
            "UPDATE evacmap_features SET when_start = '2017-06-01', when_end = '2017-05-01' WHERE feature_id = 'qaboun'",
            "a date that ends before it starts",
        ),
    ] {
        assert!(
            client.batch_execute(statement).is_err(),
            "{what} was accepted"
        );
    }
    // A place still referred to cannot go, nor change its id; a movement removed takes its
    // links and figures with it.
    for (statement, what) in [
        (
            "DELETE FROM evacmap_features WHERE feature_id = 'qaboun'",
            "removing a place movements go from",
        ),
        (
            "UPDATE evacmap_features SET feature_id = 'qabun' WHERE feature_id = 'qaboun'",
            "renaming a place movements go from",
        ),
    ] {
        let error = evacmap::postgis::words(&client.batch_execute(statement).unwrap_err());
        assert!(error.contains("still referred to"), "{what}: {error}");
    }
    client
        .batch_execute("DELETE FROM evacmap_features WHERE feature_id = 'barzeh-idlib-2017-05-12'")
        .unwrap();
    let left: i64 = client
        .query_one(
            "SELECT (SELECT count(*) FROM evacmap_links WHERE feature_id = 'barzeh-idlib-2017-05-12')
                  + (SELECT count(*) FROM evacmap_figures WHERE feature_id = 'barzeh-idlib-2017-05-12')",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(left, 0);
    // Each row says its version and who changed it when.
    let row = client
        .query_one(
            "SELECT row_version, changed_by FROM evacmap_features WHERE feature_id = 'qaboun'",
            &[],
        )
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 1);
    assert_eq!(row.get::<_, String>(1), "evacmap");
}

#[test]
fn names_and_ids_that_are_sql_are_data() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let story = dir.path().join("hostile.geojson");
    let nasty = "'); DROP TABLE evacmap_features;--";
    let text = serde_json::json!({
        "type": "FeatureCollection",
        "evacmap": {"version": 1, "title": nasty,
                    "sources": {"o'brien": {"name": "O'Brien \"quoted\"\ttab"}}},
        "features": [
            {"type": "Feature", "id": nasty, "geometry": {"type": "Point", "coordinates": [36.3, 33.5]},
             "properties": {"kind": "place", "name": "Qaboun'; --", "sources": ["o'brien"]}},
            {"type": "Feature", "id": "b\\ack", "geometry": {"type": "Point", "coordinates": [36.6, 35.9]},
             "properties": {"kind": "place", "name": "line\nbreak", "sources": ["o'brien"]}},
            {"type": "Feature", "id": "m", "geometry": null,
             "properties": {"kind": "movement", "from": nasty, "to": "b\\ack",
                            "movement_type": "evacuation", "status": "completed", "when": "2017-05-12",
                            "figures": [{"measure": "people", "value": 10, "sources": ["o'brien"]}],
                            "sources": ["o'brien"]}}
        ]
    });
    std::fs::write(&story, serde_json::to_string_pretty(&text).unwrap()).unwrap();
    let url = cluster.url(Some("x'); DROP TABLE evacmap_stories;--"));
    let (code, _, err) = evacmap(&["push", story.to_str().unwrap(), &url]);
    assert_eq!(code, 0, "{err}");
    let pulled = dir.path().join("pulled.geojson");
    let (code, _, err) = evacmap(&["pull", &url, pulled.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read(&pulled).unwrap(),
        std::fs::read(&story).unwrap()
    );
    let mut client = cluster.client();
    let stories: i64 = client
        .query_one("SELECT count(*) FROM evacmap_stories", &[])
        .unwrap()
        .get(0);
    assert_eq!(stories, 1);
    let features: i64 = client
        .query_one("SELECT count(*) FROM evacmap_features", &[])
        .unwrap()
        .get(0);
    assert_eq!(features, 3);
}

#[test]
fn a_view_and_range_ask_only_for_what_they_show_and_the_places_it_needs() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let (code, _, err) = evacmap(&["push", bundled().to_str().unwrap(), &cluster.url(None)]);
    assert_eq!(code, 0, "{err}");
    let target = evacmap::postgis::Target::parse(&cluster.url(None)).unwrap();
    let window = evacmap::open::ogc_api::Window {
        // Around Damascus only: Idlib, far north, is outside.
        bbox: Some([36.0, 33.3, 36.6, 33.7]),
        range: evacmap::filter::range_from_args(Some("2017-05-12"), Some("2017-05-12")).unwrap(),
    };
    let loaded = evacmap::postgis::read::open(&target, &window, &Default::default()).unwrap();
    let ids: Vec<String> = loaded
        .dataset
        .features()
        .map(|f| f.id().to_owned())
        .collect();
    // The 12 May movement to Idlib is there, and so is Idlib, which it needs.
    assert!(
        ids.contains(&"barzeh-idlib-2017-05-12".to_owned()),
        "{ids:?}"
    );
    assert!(ids.contains(&"idlib".to_owned()), "{ids:?}");
    // The 14 May movement is not in the range.
    assert!(
        !ids.contains(&"qaboun-idlib-2017-05-14".to_owned()),
        "{ids:?}"
    );
    let (_, whole, _) = evacmap(&["list", &cluster.url(None)]);
    assert!(ids.len() < whole.lines().count(), "{ids:?}");
    // A view far from every place of the story: no movement of the range, though movements
    // have no geometry of their own.
    let far = evacmap::open::ogc_api::Window {
        bbox: Some([40.0, 35.0, 41.0, 36.0]),
        ..window
    };
    let loaded = evacmap::postgis::read::open(&target, &far, &Default::default()).unwrap();
    let kinds: Vec<String> = loaded
        .dataset
        .features()
        .map(|f| f.kind().as_str().to_owned())
        .collect();
    assert!(!kinds.iter().any(|k| k == "movement"), "{kinds:?}");
}

#[test]
fn a_wrong_password_is_said_and_never_shown() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let wrong = cluster.url_with(Some("not-the-password-91"), None);
    let (code, _, err) = evacmap(&["push", bundled().to_str().unwrap(), &wrong]);
    assert_eq!(code, 1);
    assert!(
        err.contains("password authentication failed for user \"evacmap\""),
        "{err}"
    );
    assert!(!err.contains("not-the-password-91"), "{err}");
    // From the environment, as PGPASSWORD.
    let output = Command::new(env!("CARGO_BIN_EXE_evacmap"))
        .args(["list", &cluster.url_with(None, None)])
        .env("PGPASSWORD", "not-the-password-92")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("password authentication failed"), "{err}");
    assert!(!err.contains("not-the-password-92"), "{err}");
}

#[test]
fn a_story_in_the_database_opens_in_the_window_with_its_figures_by_source() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let (code, _, err) = evacmap(&["push", bundled().to_str().unwrap(), &cluster.url(None)]);
    assert_eq!(code, 0, "{err}");
    let from_file = app_harness(offline_options(), None, 1.0 / 60.0);
    let mut options = offline_options();
    options.file = Some(cluster.url(None).into());
    let mut harness = app_harness(options, None, 1.0 / 60.0);
    assert_eq!(harness.state().dataset().len(), 21);
    let markers = |h: &egui_kittest::Harness<'static, evacmap::app::EvacApp>| {
        let mut ids: Vec<String> = h
            .state()
            .last_overlay()
            .markers
            .iter()
            .map(|m| h.state().dataset().store().id(m.feature.0).to_owned())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(markers(&harness), markers(&from_file));
    assert_eq!(
        harness.state().last_overlay().arrows.len(),
        from_file.state().last_overlay().arrows.len()
    );
    harness.get_by_label("Qaboun").click();
    harness.run_steps(3);
    assert_eq!(
        harness
            .state()
            .selection()
            .map(|s| harness.state().dataset().store().id(s.0).to_owned()),
        Some("qaboun".to_owned())
    );
    // No password anywhere the window shows.
    assert!(
        harness
            .query_all_by(|n| n.label().is_some_and(|l| l.contains(PASSWORD)))
            .next()
            .is_none()
    );
}

#[test]
fn a_change_committed_by_another_client_is_on_screen_within_two_seconds() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let file = bundled();
    let (code, _, err) = evacmap(&["push", file.to_str().unwrap(), &cluster.url(None)]);
    assert_eq!(code, 0, "{err}");
    let mut options = offline_options();
    options.file = Some(cluster.url(None).into());
    let mut harness = app_harness(options, None, 1.0 / 60.0);
    assert_eq!(harness.state().dataset().len(), 21);
    harness.get_by_label("Qaboun").click();
    harness.run_steps(2);
    let started = std::time::Instant::now();
    while !harness.state().follows_changes() {
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        std::thread::sleep(std::time::Duration::from_millis(10));
        harness.run_steps(1);
    }
    // Another client adds a place and pushes the story again.
    let mut story: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    story["features"].as_array_mut().unwrap().push(serde_json::json!({
        "type": "Feature", "id": "harasta", "geometry": {"type": "Point", "coordinates": [36.37, 33.56]},
        "properties": {"kind": "place", "name": "Harasta", "sources": ["un"]}
    }));
    let dir = tempfile::tempdir().unwrap();
    let changed = dir.path().join("damascus-2017-05.geojson");
    std::fs::write(&changed, serde_json::to_vec_pretty(&story).unwrap()).unwrap();
    let (code, _, err) = evacmap(&[
        "push",
        "--replace",
        changed.to_str().unwrap(),
        &cluster.url(None),
    ]);
    assert_eq!(code, 0, "{err}");
    let pushed = std::time::Instant::now();
    while harness.state().dataset().len() < 22 {
        assert!(
            pushed.elapsed() < std::time::Duration::from_secs(2),
            "the change was not on screen within two seconds"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
        harness.run_steps(1);
    }
    harness.run_steps(2);
    harness.get_by_label("Harasta");
    harness.get_by_label_contains("changed the story damascus-2017-05 in the database");
    // The reader's selection stays.
    assert_eq!(
        harness
            .state()
            .selection()
            .map(|s| harness.state().dataset().store().id(s.0).to_owned()),
        Some("qaboun".to_owned())
    );
}

#[test]
fn tls_checks_the_servers_certificate() {
    let Some(cluster) = Cluster::start_with_tls() else {
        return;
    };
    let (code, _, err) = evacmap(&["push", bundled().to_str().unwrap(), &cluster.url(None)]);
    assert_eq!(code, 0, "{err}");
    let verified = format!(
        "{}?sslmode=verify-full&sslrootcert={}",
        cluster.url(None),
        cluster.authority().display()
    );
    let (code, out, err) = evacmap(&["list", &verified]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 21);
    // Against the system's roots, which do not know the test authority: refused, in words.
    let unknown = format!("{}?sslmode=verify-full", cluster.url(None));
    let (code, _, err) = evacmap(&["list", &unknown]);
    assert_eq!(code, 1);
    assert!(
        err.contains("cannot connect") && err.to_lowercase().contains("certificate"),
        "{err}"
    );
    assert!(!err.contains(PASSWORD), "{err}");
    let (code, _, err) = evacmap(&["list", &format!("{}?sslmode=sometimes", cluster.url(None))]);
    assert_eq!(code, 1);
    assert!(
        err.contains("sslmode=sometimes is not one evacmap uses"),
        "{err}"
    );
}

#[test]
fn a_read_only_user_can_open_and_pull_and_is_told_it_cannot_push() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let (code, _, err) = evacmap(&["push", bundled().to_str().unwrap(), &cluster.url(None)]);
    assert_eq!(code, 0, "{err}");
    let mut client = cluster.client();
    client
        .batch_execute(
            "CREATE ROLE reader LOGIN PASSWORD 'reader-pw';
             GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader;",
        )
        .unwrap();
    let reader =
        cluster
            .url(None)
            .replacen(&format!("evacmap:{PASSWORD}@"), "reader:reader-pw@", 1);
    let (code, out, err) = evacmap(&["list", &reader]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 21);
    let dir = tempfile::tempdir().unwrap();
    let pulled = dir.path().join("pulled.geojson");
    let (code, _, err) = evacmap(&["pull", &reader, pulled.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = evacmap(&["push", "--replace", bundled().to_str().unwrap(), &reader]);
    assert_eq!(code, 1);
    assert!(
        err.contains("the database user reader may read this database but not change it"),
        "{err}"
    );
    assert!(!err.contains("reader-pw"), "{err}");
}
