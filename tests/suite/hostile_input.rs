//! Hostile and unusual input: every RFC 7946 rule has a fixture, valid files open, invalid ones
//! are refused with a located message, and no byte sequence panics, hangs or floods the output.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use evacmap::io::{LoadError, Severity, load_file, load_file_with_limit, parse_bytes};
use evacmap::model::{Feature, GeoJsonId};
use serde_json::{Value, json};

pub(crate) fn fixture(dir: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir)
        .join(name)
}

/// Every problem prints as one line, without control characters, at a readable length.
pub(crate) fn assert_printable(origin: &str, lines: &[String]) {
    for line in lines {
        assert!(
            !line.chars().any(|c| c.is_control()),
            "{origin}: a problem line holds a control character: {line:?}"
        );
        assert!(
            line.chars().count() <= 700,
            "{origin}: a problem line of {} characters",
            line.chars().count()
        );
    }
}

fn refused(path: &Path) -> evacmap::io::ProblemReport {
    match load_file(path) {
        Err(LoadError::Invalid(report)) => report,
        Err(other) => panic!("{}: expected a problem report, got {other}", path.display()),
        Ok(_) => panic!("{} loaded, but breaks a rule of RFC 7946", path.display()),
    }
}

/// Invalid files: each breaks one MUST of RFC 7946 and is refused with the rule, located.
#[test]
fn every_rfc_7946_rule_is_enforced_with_a_located_message() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "position-with-one-number",
            "features[0] geometry.coordinates[1]",
            "a position has two or more numbers [longitude, latitude], found 1",
        ),
        (
            "coordinate-not-a-number",
            "features[0] geometry.coordinates[0]",
            "a coordinate is a number, found the string \"36.3\"",
        ),
        (
            "linestring-with-one-position",
            "features[0] geometry.coordinates",
            "a LineString has two or more positions, found 1",
        ),
        (
            "multilinestring-with-a-short-line",
            "features[0] geometry.coordinates[1]",
            "a LineString has two or more positions, found 1",
        ),
        (
            "ring-with-three-positions",
            "features[0] geometry.coordinates[0]",
            "a linear ring has four or more positions, found 3",
        ),
        (
            "ring-not-closed",
            "features[0] geometry.coordinates[0]",
            "a linear ring is closed",
        ),
        (
            "multipolygon-hole-not-closed",
            "features[0] geometry.coordinates[0][1]",
            "a linear ring is closed",
        ),
        (
            "bbox-with-three-numbers",
            "bbox",
            "a bbox has 2·n numbers for n dimensions",
        ),
        (
            "bbox-south-north-of-north",
            "features[0] bbox",
            "southern edge 34 is north of its northern edge 33",
        ),
        (
            "bbox-with-a-string",
            "bbox[1]",
            "a bbox holds numbers, found the string \"33\"",
        ),
        (
            "feature-id-boolean",
            "features[0] id",
            "a Feature's id is a string or a number, found a boolean",
        ),
        (
            "feature-id-object",
            "features[0] id",
            "a Feature's id is a string or a number, found an object",
        ),
        (
            "feature-without-geometry",
            "features[0] geometry",
            "a Feature needs a \"geometry\" member",
        ),
        (
            "feature-without-properties",
            "features[0] properties",
            "a Feature needs a \"properties\" member",
        ),
        (
            "feature-type-lowercase",
            "features[0] type",
            "expected \"Feature\", found the string \"feature\"",
        ),
        (
            "feature-without-type",
            "features[0] type",
            "expected \"Feature\", found nothing",
        ),
        (
            "geometry-type-lowercase",
            "features[0] geometry.type",
            "\"point\" is not a GeoJSON geometry type",
        ),
        (
            "geometry-type-a-number",
            "features[0] geometry.type",
            "expected a string, found a number",
        ),
        (
            "geometry-without-coordinates",
            "features[0] geometry.coordinates",
            "a Point needs a \"coordinates\" member",
        ),
        (
            "coordinates-an-object",
            "features[0] geometry.coordinates",
            "expected an array of positions, found an object",
        ),
        (
            "geometrycollection-without-geometries",
            "features[0] geometry.geometries",
            "needs a \"geometries\" member",
        ),
        (
            "geometrycollection-holding-null",
            "features[0] geometry.geometries[0]",
            "holds geometry objects, found null",
        ),
        (
            "collection-type-an-array",
            "type",
            "expected a string, found an array",
        ),
        (
            "collection-without-features",
            "features",
            "a FeatureCollection needs \"features\"",
        ),
        (
            "properties-an-array",
            "features[0] properties",
            "expected an object or null, found an array",
        ),
        (
            "feature-with-coordinates",
            "features[0] coordinates",
            "a Feature must not have a \"coordinates\" member (RFC 7946 §7.1)",
        ),
        (
            "geometry-with-properties",
            "features[0] geometry.properties",
            "a geometry must not have a \"properties\" member",
        ),
        (
            "collection-with-geometry",
            "geometry",
            "a FeatureCollection must not have a \"geometry\" member",
        ),
    ];
    let dir = fixture("rfc7946/invalid", "");
    let on_disk = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(
        on_disk,
        cases.len(),
        "every invalid fixture has a case here"
    );
    for (name, location, message) in cases {
        let report = refused(&fixture("rfc7946/invalid", &format!("{name}.geojson")));
        let found = report.problems.iter().any(|p| {
            p.severity == Severity::Error
                && p.location.to_string() == *location
                && p.message.contains(message)
        });
        assert!(
            found,
            "{name}: no error at {location:?} saying {message:?}; got:\n{report}"
        );
    }
}

/// Valid files, however unusual, open; SHOULD-level findings are warnings.
#[test]
fn every_valid_unusual_file_opens_with_the_warnings_it_deserves() {
    let cases: &[(&str, Option<(&str, &str)>)] = &[
        (
            "ring-clockwise",
            Some(("features[0] geometry.coordinates", "right-hand rule")),
        ),
        (
            "position-with-four-numbers",
            Some(("features[0] geometry.coordinates", "at most three numbers")),
        ),
        ("legacy-crs", Some(("crs", "older GeoJSON and is ignored"))),
        (
            "coordinates-beyond-range",
            Some((
                "features[0] geometry",
                "position [200, 33.5] is out of range",
            )),
        ),
        (
            "shared-ids",
            Some((
                "features[1] (id \"a\") id",
                "id \"a\" is also used by features[0]",
            )),
        ),
        (
            "duplicate-member-names",
            Some(("features[0] properties.name", "appears more than once")),
        ),
        (
            "empty-linestring",
            Some((
                "features[0] geometry.coordinates",
                "an empty LineString: read as no geometry",
            )),
        ),
        (
            "nested-geometrycollection",
            Some((
                "features[0] geometry.geometries[0]",
                "inside another should be avoided",
            )),
        ),
        (
            "id-null",
            Some(("features[0] id", "an id of null is read as no id")),
        ),
        ("made-up-id-never-collides", None),
        ("number-and-string-ids", None),
        ("null-geometry-and-properties", None),
        ("bbox-across-the-antimeridian", None),
        ("bbox-with-elevations", None),
        ("bare-linestring", None),
        ("single-feature", None),
    ];
    let on_disk = std::fs::read_dir(fixture("rfc7946/valid", ""))
        .unwrap()
        .count();
    assert_eq!(on_disk, cases.len(), "every valid fixture has a case here");
    for (name, expected) in cases {
        let path = fixture("rfc7946/valid", &format!("{name}.geojson"));
        let loaded = load_file(&path).unwrap_or_else(|e| panic!("{name} is valid GeoJSON:\n{e}"));
        let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
        match expected {
            None => assert!(warnings.is_empty(), "{name}: {warnings:#?}"),
            Some((location, message)) => {
                assert_eq!(warnings.len(), 1, "{name}: {warnings:#?}");
                let warning = &loaded.warnings[0];
                assert_eq!(warning.location.to_string(), *location, "{name}");
                assert!(warning.message.contains(message), "{name}: {warning}");
            }
        }
    }
}

#[test]
fn a_lone_latitude_missing_from_a_movement_line_is_an_error_not_a_crash() {
    // The smallest case that used to panic inside the geojson crate's conversion.
    let mut value: Value = serde_json::from_str(evacmap::BUNDLED_STORY).unwrap();
    let line = value["features"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|f| f["geometry"]["type"] == "LineString")
        .expect("the bundled story has a movement line");
    line["geometry"]["coordinates"][1] = json!([36.6]);
    let text = serde_json::to_string(&value).unwrap();
    let result = std::panic::catch_unwind(|| parse_bytes(text.as_bytes(), "story"));
    assert!(result.is_ok(), "the loader panicked");
    let Err(LoadError::Invalid(report)) =
        parse_bytes(serde_json::to_string(&value).unwrap().as_bytes(), "story")
    else {
        panic!("a position of one number is refused");
    };
    assert!(
        report.errors().any(
            |p| p.location.to_string().ends_with("geometry.coordinates[1]")
                && p.message.contains("two or more numbers")
        ),
        "{report}"
    );
}

#[test]
fn ids_follow_geojson_and_made_up_names_never_collide() {
    let loaded = load_file(&fixture("rfc7946/valid", "number-and-string-ids.geojson")).unwrap();
    let features: Vec<Feature> = loaded.dataset.features().collect();
    let own = |i: usize| match &features[i] {
        Feature::Generic(g) => g.own_id.clone(),
        other => panic!("a generic feature, not {other:?}"),
    };
    assert_eq!(own(0), Some(GeoJsonId::Number(1.into())));
    assert_eq!(own(1), Some(GeoJsonId::Text("1".into())));
    // Saved back as they were: a number stays a number.
    let saved: Value =
        serde_json::from_str(&evacmap::io::to_geojson_string(&loaded.dataset)).unwrap();
    assert_eq!(saved["features"][0]["id"], json!(1));
    assert_eq!(saved["features"][1]["id"], json!("1"));

    let loaded = load_file(&fixture(
        "rfc7946/valid",
        "made-up-id-never-collides.geojson",
    ))
    .unwrap();
    assert_eq!(loaded.dataset.index_of("#1").map(|i| i.0), Some(0));
    let saved: Value =
        serde_json::from_str(&evacmap::io::to_geojson_string(&loaded.dataset)).unwrap();
    assert!(
        saved["features"][1].get("id").is_none(),
        "no id is invented"
    );
}

#[test]
fn a_place_keeps_its_id_when_a_generic_feature_shares_it() {
    let mut story: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("good", "minimal.geojson")).unwrap())
            .unwrap();
    let generic =
        json!({"type": "Feature", "id": "a", "geometry": null, "properties": {"note": "x"}});
    story["features"].as_array_mut().unwrap().insert(0, generic);
    let loaded = parse_bytes(story.to_string().as_bytes(), "story").unwrap();
    assert!(matches!(loaded.dataset.by_id("a"), Some(Feature::Place(_))));
    let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].contains("references to it mean the place"),
        "{warnings:#?}"
    );
}

#[test]
fn figures_state_their_rule_and_whole_numbers_with_a_fraction_are_whole() {
    let report = refused(&fixture("bad", "figure-too-large.geojson"));
    let message = report.errors().next().unwrap().to_string();
    assert!(
        message.contains("a figure is a whole number from 0 to 9,007,199,254,740,991, found"),
        "{message}"
    );
    let loaded = load_file(&fixture(
        "good",
        "whole-figure-written-with-a-fraction.geojson",
    ))
    .unwrap();
    let Some(Feature::Movement(movement)) = loaded.dataset.by_id("m") else {
        panic!("m is a movement");
    };
    assert_eq!(movement.figures[0].value, 100);
    for (text, accepted) in [
        ("-0", true),
        ("3.0", true),
        ("2.5", false),
        ("9007199254740992", false),
    ] {
        let story = std::fs::read_to_string(fixture("good", "minimal.geojson"))
            .unwrap()
            .replace("\"value\": 100,", &format!("\"value\": {text},"));
        assert_eq!(
            parse_bytes(story.as_bytes(), "story").is_ok(),
            accepted,
            "{text}"
        );
    }
}

#[test]
fn hostile_text_in_a_file_cannot_forge_or_flood_the_output() {
    let mut story: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("good", "minimal.geojson")).unwrap())
            .unwrap();
    // A source id that tries to start a second, fake problem line and colour the terminal.
    let forged = "src\nother.geojson:features[0]: warning: all fine\u{1b}[31m";
    story["evacmap"]["sources"][forged] = json!({"name": 5});
    // A 4 MiB value where a date should be, and another where a version should be.
    story["features"][2]["properties"]["when"] = json!("x".repeat(4 << 20));
    story["evacmap"]["version"] = json!("9".repeat(4 << 20));
    let Err(error) = parse_bytes(story.to_string().as_bytes(), "story.geojson") else {
        panic!("the story has errors");
    };
    let LoadError::Invalid(report) = &error else {
        panic!("{error}");
    };
    let printed = report.to_string();
    let lines = error.problems();
    assert_eq!(
        printed.lines().count(),
        report.problems.len(),
        "one problem, one line"
    );
    assert_eq!(lines.len(), report.problems.len());
    assert_printable("story.geojson", &lines);
    assert!(printed.len() < 4_000, "{} bytes printed", printed.len());
    assert!(
        lines
            .iter()
            .any(|l| l
                .contains("[\"src\\nother.geojson:features[0]: warning: all fine\\u{001b}[31m\"]")),
        "{printed}"
    );
    assert!(lines.iter().all(|l| l.starts_with("story.geojson:")));
}

#[test]
fn a_pipe_is_read_only_up_to_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("stream.geojson");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    const LIMIT: u64 = 1 << 20;
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            // Four times the cap; the reader stops early, so a broken pipe here is expected.
            let mut file = std::fs::OpenOptions::new().write(true).open(&fifo).unwrap();
            let chunk = vec![b' '; 64 * 1024];
            let mut written = 0u64;
            while written < 4 * LIMIT {
                if file.write_all(&chunk).is_err() {
                    break;
                }
                written += chunk.len() as u64;
            }
            written
        })
    };
    let error = load_file_with_limit(&fifo, LIMIT).unwrap_err();
    assert!(
        matches!(error, LoadError::StreamTooLarge { limit: LIMIT, .. }),
        "{error}"
    );
    assert!(
        error.to_string().contains("more than 1 MiB came from it"),
        "{error}"
    );
    let written = writer.join().unwrap();
    assert!(
        written < 4 * LIMIT,
        "the reader stopped at the cap, not at the end"
    );
}

fn evacmap_binary() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_evacmap"))
}

#[test]
fn an_endless_device_is_refused_at_the_cap_with_a_clear_message() {
    let output = evacmap_binary()
        .args(["check", "/dev/zero"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("/dev/zero: more than 512 MiB came from it, more than a story may have"),
        "{text}"
    );
}

#[test]
fn a_story_can_be_checked_from_standard_input() {
    let mut child = evacmap_binary()
        .args(["check", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(evacmap::BUNDLED_STORY.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.starts_with("standard input: ok ("), "{text}");
}

/// `--max-input` sets the cap of pipes and standard input (the bundled story is 40 KB or so).
#[test]
fn max_input_caps_standard_input() {
    for (cap, ok) in [("1KiB", false), ("10MB", true)] {
        let mut child = evacmap_binary()
            .args(["check", "-", "--max-input", cap])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The reader may stop early: a broken pipe here is the cap working.
        let _written = child
            .stdin
            .take()
            .unwrap()
            .write_all(evacmap::BUNDLED_STORY.as_bytes());
        let output = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        if ok {
            assert!(text.starts_with("standard input: ok ("), "{cap}: {text}");
        } else {
            assert!(
                text.contains("standard input: more than 1024 bytes came from it"),
                "{cap}: {text}"
            );
        }
    }
    let refused = evacmap_binary()
        .args(["check", "-", "--max-input", "lots"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let text = String::from_utf8_lossy(&refused.stderr);
    assert!(text.contains("expected a size such as 512MiB"), "{text}");
}

#[test]
fn check_goes_on_past_a_bad_file_to_the_next() {
    let files = [
        fixture("good", "minimal.geojson"),
        fixture("rfc7946/invalid", "position-with-one-number.geojson"),
        fixture("good", "single-point.geojson"),
    ];
    let mut out = Vec::new();
    let code = evacmap::cli::check(&files, &Default::default(), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("minimal.geojson: ok"), "{text}");
    assert!(
        text.contains(
            "position-with-one-number.geojson:features[0] geometry.coordinates[1]: error:"
        ),
        "{text}"
    );
    assert!(text.contains("single-point.geojson: ok"), "{text}");
}

#[test]
fn links_other_than_web_links_are_noted_when_the_story_loads() {
    let loaded = load_file(&fixture("good", "links-of-every-scheme.geojson")).unwrap();
    let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    for (source, scheme) in [
        ("local", "file:"),
        ("script", "javascript:"),
        ("share", "smb:"),
    ] {
        assert!(
            warnings.iter().any(|w| w.starts_with(&format!(
                "evacmap.sources.{source}.url: warning: the scheme {scheme} is not http or https"
            )) && w.contains("never opened")),
            "{source}: {warnings:#?}"
        );
    }
}
