//! Files from other tools: ACLED exports of every layout, UNHCR-style country flow tables,
//! origin–destination tables and GeoJSON with dates, through `check`, `list` and `convert`.

use std::path::{Path, PathBuf};
use std::process::Command;

use evacmap::model::{EventType, Feature, GeoPrecision, Measure, Term};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// Runs the evacmap binary; gives (exit code, stdout, stderr).
fn evacmap(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_evacmap"))
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn load(name: &str) -> evacmap::io::Loaded {
    evacmap::open::load(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn events(dataset: &evacmap::model::Dataset) -> Vec<evacmap::model::Event> {
    dataset.events().map(|(_, e)| e).collect()
}

#[test]
fn every_acled_layout_opens_with_its_dates_sources_and_places() {
    // 2015: upper case, ALLY_ACTOR columns, "01-January-2015".
    let old = load("acled-2015.csv");
    let first = events(&old.dataset)[0].clone();
    assert_eq!(first.common.id, "SUD1");
    assert_eq!(first.common.when.unwrap().to_string(), "2015-01-01");
    assert_eq!(first.event_type, Term::Known(EventType::Clashes));
    assert_eq!(
        first.actors,
        [
            "Military Forces of Sudan (1989-2019)",
            "SRF: Sudan Revolutionary Front"
        ]
    );
    // Fatalities are a figure, cited to the row's outlets like the event itself.
    assert_eq!(first.figures.len(), 1);
    assert_eq!(first.figures[0].measure, Term::Known(Measure::Fatalities));
    assert_eq!(first.figures[0].value, 2);
    assert_eq!(first.figures[0].sources, first.common.sources);
    assert!(first.common.extra.get("fatalities").is_none());
    // time_precision 2: the week around the date.
    let second = events(&old.dataset)[1].clone();
    assert_eq!(
        second.common.when.unwrap().to_string(),
        "2014-12-31/2015-01-06"
    );
    // Two outlets, two sources.
    let names: Vec<String> = second
        .common
        .sources
        .iter()
        .map(|s| old.dataset.source(s).unwrap().name.clone())
        .collect();
    assert_eq!(names, ["Sudan Tribune", "Radio Dabanga"]);
    // time_precision 3: the month.
    assert_eq!(
        events(&old.dataset)[2].common.when.unwrap().to_string(),
        "2015-02"
    );

    // 2016-2022 API: an unnamed index column, data_id, "31-12-19" and "9-May-20".
    let api = load("acled-2019-api.csv");
    let dates: Vec<String> = events(&api.dataset)
        .iter()
        .map(|e| e.common.when.unwrap().to_string())
        .collect();
    assert_eq!(dates, ["2019-12-31", "2020-05-09", "2020-01-02/2020-01-08"]);
    assert_eq!(
        events(&api.dataset)[1].event_type,
        Term::Known(EventType::Agreement)
    );
    let idlib = api
        .dataset
        .place(events(&api.dataset)[1].place.as_deref().unwrap());
    assert_eq!(
        idlib.unwrap().geo_precision,
        Some(Term::Known(GeoPrecision::Region))
    );

    // 2023+: BOM, CRLF, a quoted line break in notes, every other date form.
    let new = load("acled-2023.csv");
    let dates: Vec<String> = events(&new.dataset)
        .iter()
        .map(|e| e.common.when.unwrap().to_string())
        .collect();
    assert_eq!(
        dates,
        [
            "2016-07-02",
            "2022-01-05",
            "2020-03-21",
            "2024-08-05",
            "2020-05",
            "2019-12-31"
        ]
    );
    assert_eq!(
        events(&new.dataset)[0].summary.as_deref(),
        Some("Students marched\r\nto the parliament.")
    );
    assert_eq!(
        events(&new.dataset)[2].event_type,
        Term::Known(EventType::AttackOnCivilians)
    );
    assert_eq!(
        events(&new.dataset)[0].common.extra["tags"],
        "crowd size=hundreds"
    );
    // Two events at one location share its place.
    assert_eq!(events(&new.dataset)[0].place, events(&new.dataset)[5].place);
    // A row without a source cites the file.
    let file_source = &events(&new.dataset)[5].common.sources[0];
    assert_eq!(
        new.dataset.source(file_source).unwrap().name,
        "acled-2023.csv"
    );
}

#[test]
fn bad_acled_rows_are_located_warnings_and_the_rest_opens() {
    let (code, out, _) = evacmap(&["check", fixture("acled-2023.csv").to_str().unwrap()]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].ends_with(
            "acled-2023.csv:9: warning: the event date \"not a date\" is not a date (ACLED \
             writes 2016-07-02, 31-12-19, 9-May-20, 01-January-2015 or 21 March 2020); the row \
             is left out"
        ),
        "{out}"
    );
    assert!(
        lines[1]
            .ends_with("acled-2023.csv:10: warning: the row has no coordinates; it is left out"),
        "{out}"
    );
    assert!(
        lines[2].ends_with("acled-2023.csv: ok (11 features, 2 warnings)"),
        "{out}"
    );
}

#[test]
fn a_unhcr_table_places_countries_at_their_label_points_with_a_figure_per_population() {
    let flows = load("unhcr-yearly.csv");
    let syria = flows.dataset.place("country-SYR").unwrap();
    assert_eq!(syria.common.name.as_deref(), Some("Syria"));
    assert_eq!(syria.name_ar.as_deref(), Some("سوريا"));
    let (_, to_turkey) = flows.dataset.movements().next().unwrap();
    assert_eq!(to_turkey.from, "country-SYR");
    assert_eq!(to_turkey.to, "country-TUR");
    assert_eq!(to_turkey.common.when.unwrap().to_string(), "2017");
    let figures: Vec<(Term<Measure>, u64)> = to_turkey
        .figures
        .iter()
        .map(|f| (f.measure.clone(), f.value))
        .collect();
    assert_eq!(
        figures,
        [
            (Term::Known(Measure::Refugees), 3_424_237),
            (Term::Known(Measure::AsylumSeekers), 1_080)
        ]
    );
    // "71,237" with a thousands separator; "Iran (Islamic Rep. of)" by its UN name.
    let germany = flows.dataset.by_id("flow-4").unwrap();
    let Feature::Movement(germany) = germany else {
        panic!("flow-4 is not a movement");
    };
    assert_eq!(germany.figures[1].value, 71_237);
    assert!(flows.dataset.place("country-IRN").is_some());
    // The unknown country is a located warning; its row is left out.
    assert_eq!(flows.warnings.len(), 1);
    assert_eq!(
        flows.warnings[0].to_string(),
        "7: warning: unknown country of origin \"ATL\" (not an ISO or UNHCR code, nor a name in \
         the country table); the row is left out"
    );
    assert_eq!(flows.dataset.movements().count(), 5);

    let monthly = load("unhcr-monthly.csv");
    let dates: Vec<String> = monthly
        .dataset
        .movements()
        .map(|(_, m)| m.common.when.unwrap().to_string())
        .collect();
    assert_eq!(dates, ["2022-03", "2022-04"]);
    assert!(
        monthly.warnings[0]
            .to_string()
            .starts_with("4: warning: the month \"Smarch\"")
    );
}

#[test]
fn list_prints_imported_rows_with_figures_by_source() {
    let (code, out, _) = evacmap(&["list", fixture("od-points.csv").to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(
        out.contains("2017-05-12         movement flow-2                     Displacement Barzeh → Idlib [reported] | 1,246 people (SANA)"),
        "{out}"
    );
    assert!(out.contains("| 1,500 people (od-points.csv)"), "{out}");
    let (_, out, _) = evacmap(&[
        "list",
        "--from",
        "2018",
        "--to",
        "2018",
        fixture("unhcr-yearly.csv").to_str().unwrap(),
    ]);
    assert!(
        out.contains(
            "Displacement Afghanistan → Iran [reported] | 951,142 refugees (unhcr-yearly.csv)"
        ),
        "{out}"
    );
    assert!(!out.contains("→ Turkey"), "{out}");
}

#[test]
fn geojson_from_other_tools_gets_its_dates_and_says_from_where() {
    let usgs = load("usgs.geojson");
    assert_eq!(
        usgs.dataset.store().when(0).unwrap().to_string(),
        "2023-11-14"
    );
    assert_eq!(
        usgs.warnings[0].message,
        "dates read from the property \"time\" (milliseconds since 1970) of 2 features"
    );
    let (_, out, _) = evacmap(&[
        "list",
        "--from",
        "2023",
        fixture("usgs.geojson").to_str().unwrap(),
    ]);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("M 5.6 - central Nepal"), "{out}");

    let sequence = load("reports.geojsons");
    let dates: Vec<String> = sequence
        .dataset
        .whens()
        .map(|when| when.unwrap().to_string())
        .collect();
    assert_eq!(dates, ["2017-05-10", "2017-05-11", "2017-05-12"]);
}

#[test]
fn a_file_in_no_known_format_says_what_was_recognised() {
    let (code, out, _) = evacmap(&["check", fixture("not-a-table.csv").to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        out.contains("not-a-table.csv:1:1: error: not GeoJSON; read as a CSV table with the columns name, colour, which is none of the tables evacmap reads"),
        "{out}"
    );
}

#[test]
fn convert_writes_a_story_that_checks_and_lists_the_same() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "acled-2015.csv",
        "acled-2019-api.csv",
        "acled-2023.csv",
        "unhcr-yearly.csv",
        "unhcr-monthly.csv",
        "od-points.csv",
        "usgs.geojson",
        "reports.geojsons",
    ] {
        let input = fixture(name);
        let out = dir.path().join(format!("{name}.geojson"));
        let (code, _, err) = evacmap(&["convert", input.to_str().unwrap(), out.to_str().unwrap()]);
        assert_eq!(code, 0, "{name}: {err}");
        let (code, checked, _) = evacmap(&["check", out.to_str().unwrap()]);
        assert_eq!(code, 0, "{name}: {checked}");
        let (_, before, _) = evacmap(&["list", input.to_str().unwrap()]);
        let (_, after, _) = evacmap(&["list", out.to_str().unwrap()]);
        assert_eq!(before, after, "{name}");
        assert!(!before.is_empty(), "{name}");
    }
    // Several files as one story: ids that clash get their file's name.
    let both = dir.path().join("both.geojson");
    let (code, out, err) = evacmap(&[
        "convert",
        fixture("acled-2015.csv").to_str().unwrap(),
        fixture("acled-2023.csv").to_str().unwrap(),
        both.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("both.geojson: 17 features"), "{out}");
    let merged = evacmap::io::load_file(&both).unwrap().dataset;
    assert!(merged.place("acled-2023.csv:place-1").is_some());
    // A failed input writes nothing.
    let none = dir.path().join("none.geojson");
    let (code, _, err) = evacmap(&[
        "convert",
        fixture("not-a-table.csv").to_str().unwrap(),
        none.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!none.exists());
}

#[test]
fn a_flowmap_flow_table_opens_with_the_locations_beside_it_or_opened_with_it() {
    let flows = fixture("flowmap/flows.csv");
    let locations = fixture("flowmap/locations.csv");
    // Alone: its locations are found beside it.
    let (code, out, _) = evacmap(&["check", flows.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "flows.csv:6: warning: the destination \"XXX\" is not a location id in \
             locations.csv; the row is left out"
        ),
        "{out}"
    );
    assert!(
        out.contains("flows.csv: ok (9 features, 1 warning)"),
        "{out}"
    );
    let (code, out, _) = evacmap(&["list", "--from", "2017-05-12", flows.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Displacement Barzeh → Idlib [reported] | 1,246 people (flows.csv)"),
        "{out}"
    );
    assert!(!out.contains("2017-05-08"), "{out}");

    // Elsewhere, without its locations: refused, saying what it needs.
    let folder = tempfile::tempdir().unwrap();
    let lonely = folder.path().join("flows.csv");
    std::fs::copy(&flows, &lonely).unwrap();
    let (code, out, _) = evacmap(&["check", lonely.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("needs its locations"), "{out}");
    // Named together, the pair is read as one story, the locations not twice.
    let renamed = folder.path().join("places.csv");
    std::fs::copy(&locations, &renamed).unwrap();
    let out_path = folder.path().join("out.geojson");
    let (code, out, err) = evacmap(&[
        "convert",
        renamed.to_str().unwrap(),
        lonely.to_str().unwrap(),
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("9 features"), "{out}");
    let converted = evacmap::io::load_file(&out_path).unwrap();
    assert_eq!(converted.dataset.places().count(), 5);
    assert_eq!(converted.dataset.movements().count(), 4);
}

#[test]
fn a_table_of_no_known_kind_opens_by_the_columns_named() {
    let shelters = fixture("shelters.csv");
    let (code, out, _) = evacmap(&["check", shelters.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        out.contains("the columns reported, northing, easting"),
        "{out}"
    );
    assert!(out.contains("--columns date=COLUMN"), "{out}");

    let columns = "--columns=date=reported,latitude=northing,longitude=easting,name=site,\
                   count=persons,source=outlet";
    let (code, out, _) = evacmap(&["check", columns, shelters.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("shelters.csv:5: warning: the date \"not a date\" is not a date"),
        "{out}"
    );
    let (code, out, err) = evacmap(&["list", columns, shelters.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let events: Vec<&str> = out.lines().filter(|l| l.contains(" event ")).collect();
    assert_eq!(events.len(), 3, "{out}");
    assert!(
        out.contains("Idlib collective shelter | 1,246 people (SANA)"),
        "{out}"
    );
    assert!(out.contains("2017-05-15"), "{out}");

    let (code, _, err) = evacmap(&[
        "check",
        "--columns",
        "colour=site",
        shelters.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("\"colour\" is not a role"), "{err}");
}

#[test]
fn plausibility_is_warned_about_in_flow_tables_too() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("od.csv");
    let mut table =
        String::from("origin,origin_lat,origin_lon,destination,dest_lat,dest_lon,count,date\n");
    for i in 0..12 {
        let lat = 33.5 + i as f64 * 0.01;
        table.push_str(&format!(
            "A{i},{lat},36.3,Idlib,35.93,36.63,10,2017-05-12\n"
        ));
    }
    table.push_str("Pole,87.84,36.3,Idlib,35.93,36.63,10,2017-05-12\n");
    table.push_str("Later,33.5,36.3,Idlib,35.93,36.63,10,2999-01-01\n");
    std::fs::write(&path, table).unwrap();
    let (code, out, _) = evacmap(&["check", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "od.csv:14: warning: latitude 87.84, longitude 36.3 is far from the other rows"
        ),
        "{out}"
    );
    assert!(
        out.contains("od.csv:15: warning: the date 2999-01-01 is in the future"),
        "{out}"
    );
}

#[test]
fn a_reader_that_stops_reading_is_no_error() {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_evacmap"))
        .args(["list", fixture("acled-2023.csv").to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read nothing and hang up, as `| head -0` would.
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "{status:?} {err}");
    assert!(!err.contains("Broken pipe"), "{err}");
}

/// `evacmap generate --format` writes other tools' tables that `check` then reads.
#[test]
fn generated_tables_of_every_format_pass_check() {
    let dir = tempfile::tempdir().unwrap();
    for (format, name, said) in [
        ("acled", "acled.csv", "300 ACLED rows"),
        ("unhcr", "unhcr.csv", "300 UNHCR rows"),
        (
            "geojsonseq",
            "reports.geojsons",
            "300 features in a sequence",
        ),
        ("story", "story.geojson", "300 features"),
    ] {
        let path = dir.path().join(name);
        let run = |args: &[&std::ffi::OsStr]| {
            std::process::Command::new(env!("CARGO_BIN_EXE_evacmap"))
                .args(args)
                .output()
                .unwrap()
        };
        let generated = run(&[
            "generate".as_ref(),
            "300".as_ref(),
            "--format".as_ref(),
            format.as_ref(),
            "--out".as_ref(),
            path.as_os_str(),
        ]);
        let out = String::from_utf8_lossy(&generated.stdout);
        assert!(
            generated.status.success() && out.contains(said),
            "{format}: {out}"
        );
        let checked = run(&["check".as_ref(), path.as_os_str()]);
        let out = String::from_utf8_lossy(&checked.stdout);
        assert!(
            checked.status.success() && out.contains(": ok ("),
            "{format}: {out}"
        );
    }
}
