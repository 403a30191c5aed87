//! The data format: bad files are refused with every problem located; good ones load.

use std::path::{Path, PathBuf};

use evacmap::io::{LoadError, Severity, load_file, parse_bytes, to_geojson_string};
use evacmap::model::{Feature, Measure, Qualifier, Term};

fn fixture(dir: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir)
        .join(name)
}

/// Loads a bad fixture and asserts that one problem is at `location` with `message` in it.
fn assert_rejected(name: &str, location: &str, message: &str) {
    let path = fixture("bad", name);
    let error = match load_file(&path) {
        Ok(_) => panic!("{name} loaded, but should have been refused"),
        Err(error) => error,
    };
    let LoadError::Invalid(report) = &error else {
        panic!("{name}: expected a problem report, got {error}");
    };
    assert!(report.origin.ends_with(name), "origin {}", report.origin);
    let found = report.problems.iter().any(|p| {
        p.severity == Severity::Error
            && p.location.to_string() == location
            && p.message.contains(message)
    });
    assert!(
        found,
        "{name}: no error at {location:?} containing {message:?}; the report was:\n{report}"
    );
}

macro_rules! rejects {
    ($($test:ident: $file:literal at $location:literal says $message:literal;)+) => {
        $(
            #[test]
            fn $test() {
                assert_rejected($file, $location, $message);
            }
        )+
    };
}

rejects! {
    an_empty_file_is_refused: "empty.geojson" at "1:1" says "the file is empty";
    binary_junk_is_refused_at_the_first_bad_byte: "binary-junk.geojson" at "1:18" says "not UTF-8";
    a_truncated_file_is_refused_where_it_ends: "truncated.geojson" at "55:1" says "ends too early";
    a_trailing_comma_is_refused_where_it_is: "trailing-comma.geojson" at "4:1" says "trailing comma";
    ten_thousand_nested_arrays_are_refused_without_overflowing_the_stack: "deep-nesting.geojson" at "1:128" says "recursion limit";
    a_top_level_array_is_refused: "not-an-object.geojson" at "(top level)" says "expected a GeoJSON object, found an array";
    a_misspelt_geojson_type_is_refused: "wrong-type.geojson" at "type" says "\"Featurecollection\" is not a GeoJSON type";
    features_that_are_not_an_array_are_refused: "features-not-array.geojson" at "features" says "expected an array of features, found an object";
    a_feature_that_is_not_an_object_is_refused: "feature-not-object.geojson" at "features[0]" says "expected a Feature object, found a number";
    coordinates_that_are_not_numbers_are_refused: "bad-coordinates-type.geojson" at "features[0] (id \"a\") geometry.coordinates" says "a position is an array of two or more numbers [longitude, latitude], found the string \"36.3, 33.5\"";
    a_latitude_beyond_90_is_refused: "latitude-out-of-range.geojson" at "features[0] (id \"a\") geometry" says "position [36.3, 133.5] is out of range";
    a_longitude_beyond_180_is_refused: "longitude-out-of-range.geojson" at "features[2] (id \"m\") geometry" says "longitude must be within -180..180";
    an_unknown_origin_is_refused: "unknown-from.geojson" at "features[2] (id \"m\") properties.from" says "unknown place \"nowhere\"";
    an_unknown_destination_is_refused: "unknown-to.geojson" at "features[2] (id \"m\") properties.to" says "unknown place \"elsewhere\"";
    an_origin_that_is_an_event_is_refused: "from-is-not-a-place.geojson" at "features[2] (id \"m\") properties.from" says "\"e\" is a event, not a place";
    a_figure_citing_an_undeclared_source_is_refused: "unknown-figure-source.geojson" at "features[2] (id \"m\") properties.figures[0].sources[0]" says "unknown source \"sohr\"";
    an_event_at_an_unknown_place_is_refused: "unknown-event-place.geojson" at "features[3] (id \"e\") properties.place" says "unknown place \"atlantis\"";
    a_duplicate_id_is_refused: "duplicate-id.geojson" at "features[1] (id \"a\") id" says "duplicate id \"a\"";
    an_empty_id_is_refused: "empty-id.geojson" at "features[1] (id \"  \") id" says "the id is empty";
    a_place_without_id_is_refused: "missing-id.geojson" at "features[0] id" says "missing id";
    a_numeric_id_on_a_place_is_refused: "numeric-id.geojson" at "features[0] (id \"7\") id" says "the id must be a string";
    a_date_in_another_format_is_refused: "malformed-when.geojson" at "features[2] (id \"m\") properties.when" says "'12/05/2017' is not a date";
    an_interval_ending_before_it_starts_is_refused: "interval-ends-before-start.geojson" at "features[3] (id \"e\") properties.when" says "ends before it starts";
    a_negative_figure_is_refused: "negative-figure.geojson" at "features[2] (id \"m\") properties.figures[0].value" says "a figure is a whole number from 0 to 9,007,199,254,740,991, found -5";
    a_fractional_figure_is_refused: "fractional-figure.geojson" at "features[2] (id \"m\") properties.figures[0].value" says "a figure is a whole number from 0 to 9,007,199,254,740,991, found 12.5";
    a_figure_written_as_text_is_refused: "figure-as-string.geojson" at "features[2] (id \"m\") properties.figures[0].value" says "expected a number, found a string";
    a_figure_without_sources_is_refused: "figure-without-sources.geojson" at "features[2] (id \"m\") properties.figures[0].sources" says "must cite at least one source";
    a_movement_without_sources_is_refused: "movement-without-sources.geojson" at "features[2] (id \"m\") properties.sources" says "must cite at least one source";
    an_event_with_an_empty_source_list_is_refused: "event-without-sources.geojson" at "features[3] (id \"e\") properties.sources" says "must cite at least one source";
    a_place_without_a_name_is_refused: "place-without-name.geojson" at "features[0] (id \"a\") properties.name" says "a place needs a name";
    a_name_that_is_a_number_is_refused: "name-is-a-number.geojson" at "features[1] (id \"b\") properties.name" says "expected a string, found a number";
    a_story_without_a_format_version_is_refused: "missing-version.geojson" at "evacmap.version" says "missing format version";
    a_movement_to_its_own_origin_is_refused: "movement-to-itself.geojson" at "features[2] (id \"m\") properties.to" says "to itself";
    a_share_over_100_percent_is_refused: "share-over-100.geojson" at "features[1] (id \"b\") properties.control[0].share" says "percentage from 0 to 100, found 150";
    a_control_claim_without_status_is_refused: "control-without-status.geojson" at "features[1] (id \"b\") properties.control[0].status" says "missing \"status\"";
    a_source_without_a_name_is_refused: "source-without-name.geojson" at "evacmap.sources.src.name" says "missing \"name\"";
    an_event_with_neither_point_nor_place_is_refused: "event-without-place-or-point.geojson" at "features[3] (id \"e\") geometry" says "needs a Point geometry or a \"place\"";
    a_movement_drawn_as_a_point_is_refused: "movement-as-point.geojson" at "features[2] (id \"m\") geometry" says "LineString";
    a_movement_without_a_type_is_refused: "missing-movement-type.geojson" at "features[2] (id \"m\") properties.movement_type" says "missing \"movement_type\"";
    a_chapter_naming_an_unknown_feature_is_refused: "chapter-unknown-feature.geojson" at "evacmap.chapters[0].select" says "chapter \"x\" names the feature \"nowhere\", which the story does not have";
    a_chapter_whose_range_ends_before_it_starts_is_refused: "chapter-range-ends-before-it-starts.geojson" at "evacmap.chapters[0].when" says "ends before it starts";
    a_chapter_looking_outside_the_world_is_refused: "chapter-view-outside-the-world.geojson" at "evacmap.chapters[0].view.bbox" says "is outside the world";
    a_chapter_without_a_title_is_refused: "chapter-without-title.geojson" at "evacmap.chapters[0].title" says "missing \"title\"";
    a_chapter_citing_an_undeclared_source_is_refused: "chapter-unknown-source.geojson" at "evacmap.chapters[0].sources[0]" says "unknown source \"rumour\"";
}

#[test]
fn chapters_are_read_as_written_and_survive_a_save_with_an_edit() {
    use evacmap::model::edit::{Change, Edit, History, Origins};
    use evacmap::model::{ChapterView, FeatureIndex};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chapters.geojson");
    std::fs::copy(fixture("good", "chapters.geojson"), &path).unwrap();
    let original = evacmap::io::save::Original::file(&path).unwrap();
    let mut dataset = load_file(&path).unwrap().dataset;
    let chapters = dataset.meta.chapters.clone();
    assert_eq!(chapters.len(), 2);
    assert_eq!(chapters[1].select.as_deref(), Some("m"));
    assert_eq!(
        chapters[1].view,
        Some(ChapterView::Fit(vec!["a".into(), "b".into()]))
    );
    assert_eq!(
        chapters[0].view,
        Some(ChapterView::Bounds([36.0, 33.0, 37.0, 36.5]))
    );
    assert_eq!(
        chapters[1].when.map(|w| w.to_string()).as_deref(),
        Some("2017-05-12")
    );
    // A place renamed and the sources changed: the story's member is rewritten, its chapters
    // (with a member evacmap does not know) stay as they were.
    let mut origins = Origins::read(dataset.len());
    let before = dataset.get(FeatureIndex(0)).unwrap();
    let mut after = before.clone();
    after.common_mut().name = Some("A, renamed".into());
    let mut sources = dataset.meta.sources.clone();
    sources[0].note = Some("a note".into());
    let edits = vec![
        Change::replace(FeatureIndex(0), before, after),
        Change::Sources {
            before: dataset.meta.sources.clone(),
            after: sources,
        },
    ];
    History::new().perform(Edit::new("two changes", edits), &mut dataset, &mut origins);
    evacmap::io::save_story(&path, &dataset, Some((&original, &origins))).unwrap();
    let again = load_file(&path).unwrap().dataset;
    assert_eq!(again.meta.chapters, chapters);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"caption\": \"kept as it was\""), "{text}");
}

#[test]
fn every_problem_of_a_file_is_reported_at_once() {
    let Err(LoadError::Invalid(report)) = load_file(&fixture("bad", "three-problems.geojson"))
    else {
        panic!("three-problems.geojson should be refused with a report");
    };
    let errors: Vec<String> = report.errors().map(|p| p.to_string()).collect();
    // Three mistakes, and the consequence of one: with "b" renamed to "a", the movement to "b"
    // points nowhere. In file order.
    assert_eq!(errors.len(), 4, "{errors:#?}");
    assert!(errors[0].starts_with("features[1] (id \"a\") id: error: duplicate id"));
    assert!(errors[1].starts_with(
        "features[2] (id \"m\") properties.figures[0].value: error: a figure is a whole number from 0 to 9,007,199,254,740,991, found -1"
    ));
    assert!(
        errors[2].starts_with("features[2] (id \"m\") properties.to: error: unknown place \"b\"")
    );
    assert!(
        errors[3]
            .starts_with("features[3] (id \"e\") properties.when: error: '2017-13' is not a date")
    );
}

#[test]
fn every_bad_fixture_is_refused() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        assert!(load_file(&path).is_err(), "{} loaded", path.display());
        count += 1;
    }
    assert!(count >= 25, "only {count} bad fixtures");
}

/// No fixed cap: a regular file is refused only when its story cannot fit in memory, with the
/// figures, before it is read (a sparse terabyte: no disk used, none read).
#[test]
fn a_file_too_large_for_memory_is_refused_with_the_figures_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.geojson");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(1 << 40).unwrap();
    let error = load_file(&path).unwrap_err();
    assert!(matches!(error, LoadError::TooLarge { size, .. } if size == 1 << 40));
    let message = error.to_string();
    assert!(message.contains("the file is 1099.5 GB"), "{message}");
    let opened = evacmap::open::load(&path).unwrap_err().to_string();
    assert!(opened.contains("the file is 1099.5 GB"), "{opened}");
    // Where the memory available is known, both figures are given.
    if evacmap::io::fits::available_memory().is_some() {
        assert!(message.contains("of memory, and"), "{message}");
        assert!(message.contains("is available"), "{message}");
    }
}

#[test]
fn a_missing_file_is_an_io_error_naming_the_file() {
    let error = load_file(Path::new("/nonexistent/story.geojson")).unwrap_err();
    assert!(matches!(error, LoadError::Io { .. }));
    assert!(
        error
            .to_string()
            .starts_with("/nonexistent/story.geojson: cannot read")
    );
}

#[test]
fn no_byte_sequence_makes_the_loader_panic() {
    // A deterministic sweep of damaged versions of a valid file: truncations, byte flips,
    // insertions. Each must come back as Ok or Err, never a panic.
    let good = std::fs::read(fixture("good", "minimal.geojson")).unwrap();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for cut in (0..good.len()).step_by(7) {
        let _ = parse_bytes(&good[..cut], "cut");
    }
    for _ in 0..2000 {
        let mut bytes = good.clone();
        let at = (next() as usize) % bytes.len();
        match next() % 3 {
            0 => bytes[at] = next() as u8,
            1 => bytes.insert(at, b"{}[]\",:-0e\\"[(next() % 11) as usize]),
            _ => {
                bytes.remove(at);
            }
        }
        let _ = parse_bytes(&bytes, "fuzz");
    }
}

#[test]
fn unknown_values_load_with_warnings_and_are_kept() {
    let loaded = load_file(&fixture("good", "unknown-values.geojson")).unwrap();
    let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(warnings[0].starts_with(
        "features[0] (id \"a\") properties.place_type: warning: unknown place_type \"hamlet\""
    ));
    let Some(Feature::Place(place)) = loaded.dataset.by_id("a") else {
        panic!("a is a place");
    };
    assert_eq!(place.place_type.as_ref().unwrap().as_str(), "hamlet");
    let text = to_geojson_string(&loaded.dataset);
    assert!(text.contains("\"qualifier\": \"roughly\""));
}

#[test]
fn plain_geojson_from_other_tools_opens_as_generic_features() {
    let loaded = load_file(&fixture("good", "plain-qgis-export.geojson")).unwrap();
    let features: Vec<Feature> = loaded.dataset.features().collect();
    assert_eq!(features.len(), 4);
    assert!(features.iter().all(|f| matches!(f, Feature::Generic(_))));
    assert_eq!(features[0].common().name.as_deref(), Some("Checkpoint"));
    assert_eq!(features[0].id(), "1");
    // Properties are kept whole, including a `kind` of another vocabulary.
    assert_eq!(features[2].common().extra["kind"], "buffer");
    assert_eq!(features[1].common().extra["lanes"], 4);
    assert_eq!(
        loaded.warnings.len(),
        1,
        "the unknown kind \"buffer\" is noted"
    );
}

#[test]
fn a_bare_geometry_opens_as_one_feature() {
    let loaded = load_file(&fixture("good", "single-point.geojson")).unwrap();
    assert_eq!(loaded.dataset.features().len(), 1);
}

#[test]
fn unknown_properties_survive_load_save_load_unchanged() {
    let path = fixture("good", "unknown-properties.geojson");
    let original: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let first = load_file(&path).unwrap().dataset;
    let saved = to_geojson_string(&first);
    let second = parse_bytes(saved.as_bytes(), "saved").unwrap().dataset;
    assert_eq!(first, second);
    let resaved: serde_json::Value = serde_json::from_str(&saved).unwrap();
    for pointer in [
        "/crs_note",
        "/evacmap/editor",
        "/evacmap/sources/src/archive",
        "/features/0/properties/population_2004",
        "/features/0/properties/aliases",
        "/features/1/properties/control/0/confidence",
        "/features/2/properties/figures/0/page",
        "/features/3/links",
    ] {
        assert_eq!(
            resaved.pointer(pointer),
            original.pointer(pointer),
            "{pointer} changed"
        );
        assert!(resaved.pointer(pointer).is_some(), "{pointer} lost");
    }
}

#[test]
fn saving_is_atomic_and_a_failed_save_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("story.geojson");
    let dataset = load_file(&fixture("good", "minimal.geojson"))
        .unwrap()
        .dataset;
    evacmap::io::save_story(&path, &dataset, None).unwrap();
    let reloaded = load_file(&path).unwrap().dataset;
    assert_eq!(reloaded, dataset);
    // No temporary files are left beside it.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    // Saving into a directory that does not exist fails and creates nothing.
    let missing = dir.path().join("no/such/dir/story.geojson");
    assert!(evacmap::io::save_story(&missing, &dataset, None).is_err());
    assert!(!missing.exists());
}

#[test]
fn the_bundled_story_checks_clean() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/damascus-2017-05.geojson");
    let loaded = load_file(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(loaded.warnings.is_empty(), "{:#?}", loaded.warnings);
    let from_binary = parse_bytes(evacmap::BUNDLED_STORY.as_bytes(), "bundled").unwrap();
    assert_eq!(from_binary.dataset, loaded.dataset);
}

#[test]
fn the_bundled_story_round_trips_through_save() {
    let dataset = parse_bytes(evacmap::BUNDLED_STORY.as_bytes(), "bundled")
        .unwrap()
        .dataset;
    let saved = to_geojson_string(&dataset);
    let again = parse_bytes(saved.as_bytes(), "saved").unwrap().dataset;
    assert_eq!(again, dataset);
}

#[test]
fn the_story_figures_match_the_article() {
    let dataset = parse_bytes(evacmap::BUNDLED_STORY.as_bytes(), "bundled")
        .unwrap()
        .dataset;
    let article = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/article.txt"),
    )
    .unwrap();
    let Some(Feature::Movement(batch)) = dataset.by_id("barzeh-idlib-2017-05-12") else {
        panic!("the second Barzeh batch is a movement");
    };
    assert_eq!(batch.common.when.unwrap().to_string(), "2017-05-12");
    let figures: Vec<(Measure, u64, Qualifier, Vec<String>)> = batch
        .figures
        .iter()
        .map(|f| {
            (
                f.measure.known().unwrap(),
                f.value,
                f.qualifier.known().unwrap(),
                f.sources.clone(),
            )
        })
        .collect();
    let sana = vec!["sana".to_owned()];
    let sohr = vec!["sohr".to_owned()];
    assert_eq!(
        figures,
        vec![
            (Measure::People, 1246, Qualifier::Exact, sana.clone()),
            (Measure::Fighters, 718, Qualifier::Exact, sana),
            (Measure::People, 700, Qualifier::About, sohr.clone()),
            (Measure::Fighters, 150, Qualifier::About, sohr),
        ]
    );
    // The numbers are the article's own words.
    assert!(article.contains("SANA said 1,246 people, of whom 718 were fighters"));
    assert!(article.contains(
        "The Observatory said about 700 people left on Friday, including about 150 fighters."
    ));
    assert!(dataset.source("sana").unwrap().name.starts_with("SANA"));
    assert!(dataset.source("sohr").unwrap().name.starts_with("SOHR"));

    let Some(Feature::Place(qaboun)) = dataset.by_id("qaboun") else {
        panic!("Qaboun is a place");
    };
    let rebel_share = qaboun
        .control
        .iter()
        .find(|c| c.share_percent == Some(20.0))
        .expect("SOHR's 20% claim");
    assert_eq!(rebel_share.sources, vec!["sohr".to_owned()]);
    assert_eq!(rebel_share.qualifier, Some(Term::Known(Qualifier::About)));
    assert_eq!(
        rebel_share.actors,
        vec!["Ahrar al-Sham", "Jaysh al-Islam", "Rahman Corps"]
    );
    assert!(article.contains("around 20 percent still under the control of rebel groups Ahrar al-Sham, Jaysh al-Islam and the Rahman Corps"));

    let Some(Feature::Movement(qaboun_evacuation)) = dataset.by_id("qaboun-idlib-2017-05-14")
    else {
        panic!("the Qaboun evacuation is a movement");
    };
    assert_eq!(qaboun_evacuation.status.as_str(), "scheduled");
    assert!(article.contains("scheduled to take place on Sunday"));
    for (id, date) in [
        ("barzeh-idlib-2017-05-08", "2017-05-08"),
        ("qaboun-agreement", "2017-05-13"),
        ("ghouta-blockade", "2013/.."),
        ("barzeh-qaboun-truce", "2014/2017"),
        ("uprising-2011", "2011-03"),
    ] {
        assert_eq!(
            dataset
                .by_id(id)
                .and_then(|f| f.when())
                .map(|w| w.to_string())
                .as_deref(),
            Some(date),
            "{id}"
        );
    }
}

#[test]
fn the_story_places_sit_where_the_gazetteer_says() {
    let dataset = parse_bytes(evacmap::BUNDLED_STORY.as_bytes(), "bundled")
        .unwrap()
        .dataset;
    for (id, lat, lon) in [
        ("qaboun", 33.54611, 36.33778),
        ("barzeh", 33.55667, 36.32056),
        ("yarmouk-camp", 33.47417, 36.30306),
        ("damascus", 33.51306, 36.29194),
        ("idlib", 35.9306, 36.6339),
    ] {
        let place = dataset.place(id).unwrap();
        let point = dataset.anchor_of_place(&place).unwrap();
        assert_eq!((point.y(), point.x()), (lat, lon), "{id}");
    }
    let tishreen = dataset.place("tishreen").unwrap();
    assert_eq!(
        tishreen.geo_precision.as_ref().unwrap().as_str(),
        "approximate"
    );
}

#[test]
fn the_example_in_the_format_documentation_loads_clean() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/format.md"))
        .unwrap();
    let example = doc
        .split("A minimal one:")
        .nth(1)
        .and_then(|rest| rest.split("```json").nth(1))
        .and_then(|block| block.split("```").next())
        .expect("docs/format.md has a minimal example");
    let loaded =
        parse_bytes(example.as_bytes(), "docs/format.md").unwrap_or_else(|e| panic!("{e}"));
    assert!(loaded.warnings.is_empty());
    assert_eq!(loaded.dataset.features().len(), 4);
}

#[test]
fn a_movement_may_leave_from_several_places_and_the_list_is_checked() {
    let story = std::fs::read_to_string(fixture("good", "minimal.geojson")).unwrap();
    assert!(
        story.contains("\"from\": \"a\""),
        "the fixture's movement leaves from a"
    );
    let with = |from: &str| story.replace("\"from\": \"a\"", &format!("\"from\": {from}"));

    // A place "c" to leave from as well: a copy of place "a".
    let mut value: serde_json::Value = serde_json::from_str(&with(r#"["a", "c"]"#)).unwrap();
    let mut place_c = value["features"][0].clone();
    place_c["id"] = "c".into();
    value["features"].as_array_mut().unwrap().push(place_c);
    let loaded = parse_bytes(value.to_string().as_bytes(), "story").unwrap();
    let Some(Feature::Movement(m)) = loaded.dataset.by_id("m") else {
        panic!("m is a movement");
    };
    assert_eq!(
        (m.from.as_str(), m.also_from.clone()),
        ("a", vec!["c".to_owned()])
    );
    assert_eq!(loaded.dataset.related_to_place("c").len(), 1);
    // Saved back as a list.
    let saved = to_geojson_string(&loaded.dataset);
    assert!(saved.contains("\"from\": [\n"), "{saved}");

    for (from, message) in [
        ("[]", "needs at least one place id"),
        (r#"["a", "a"]"#, "\"a\" is listed twice"),
        (r#"["a", "b"]"#, "a movement from \"b\" to itself"),
        (r#"["a", 7]"#, "expected a place id, found 7"),
        (r#"["a", "nowhere"]"#, "unknown place \"nowhere\""),
    ] {
        let Err(LoadError::Invalid(report)) = parse_bytes(with(from).as_bytes(), "story") else {
            panic!("from {from} should be refused");
        };
        assert!(
            report.errors().any(|p| p.message.contains(message)),
            "from {from}: no {message:?} in\n{report}"
        );
    }
}

#[test]
fn an_assumed_destination_is_kept_and_must_be_true_or_false() {
    let story = std::fs::read_to_string(fixture("good", "minimal.geojson")).unwrap();
    let with = |value: &str| {
        story.replace(
            "\"to\": \"b\"",
            &format!("\"to\": \"b\", \"to_assumed\": {value}"),
        )
    };
    let loaded = parse_bytes(with("true").as_bytes(), "story").unwrap();
    let Some(Feature::Movement(m)) = loaded.dataset.by_id("m") else {
        panic!("m is a movement");
    };
    assert!(m.to_assumed);
    assert!(to_geojson_string(&loaded.dataset).contains("\"to_assumed\": true"));
    assert!(parse_bytes(with("\"yes\"").as_bytes(), "story").is_err());
}
