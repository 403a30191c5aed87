//! A story's overview in PostGIS (schema version 3), against a real cluster: a push counts
//! it, a big story opened at country zoom over all time shows it before its features, a
//! change removes it and a save counts it again.

use std::time::{Duration, Instant};

use evacmap::io::LoadProgress;
use evacmap::io::remote::Window;
use evacmap::model::{DaySpan, Feature, FeatureIndex};
use evacmap::postgis::Target;

use crate::support::postgis::Cluster;
use crate::support::run_evacmap as evacmap;

/// Places, events at places, movements and their origins, and the people moved, as the file
/// has them.
fn counted(file: &std::path::Path) -> (u64, u64, u64, u64, u64) {
    let dataset = evacmap::io::load_file(file).unwrap().dataset;
    let (mut places, mut events, mut movements, mut origins, mut people) = (0, 0, 0, 0, 0);
    for k in 0..dataset.len() {
        match dataset.get(FeatureIndex(k)) {
            Some(Feature::Place(_)) => places += 1,
            Some(Feature::Event(event)) if event.place.is_some() => events += 1,
            Some(Feature::Movement(movement)) => {
                movements += 1;
                origins += 1 + movement.also_from.len() as u64;
                people += evacmap::map::style::people_count(&movement).unwrap_or(0);
            }
            _ => {}
        }
    }
    (places, events, movements, origins, people)
}

fn overview_shown(
    target: &Target,
    window: &Window,
) -> Option<std::sync::Arc<evacmap::io::overview::Overview>> {
    let progress = LoadProgress::default();
    evacmap::postgis::read::open(target, window, &progress).unwrap();
    progress.overview()
}

#[test]
fn a_big_storys_overview_is_counted_shown_first_and_renewed_after_a_change() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.geojson");
    let count = evacmap::postgis::overview::OVERVIEW_FROM as usize + 1_000;
    let mut text = Vec::new();
    evacmap::generate::write_story(&mut text, count, 3).unwrap();
    std::fs::write(&file, text).unwrap();
    let url = cluster.url(Some("big"));
    let (code, _, err) = evacmap(&["push", file.to_str().unwrap(), &url]);
    assert_eq!(code, 0, "{err}");
    let target = Target::parse(&url).unwrap();

    // The whole story over all time: the overview comes first, and counts what the file has.
    let overview = overview_shown(&target, &Window::default()).expect("an overview");
    let (places, events, movements, origins, people) = counted(&file);
    assert_eq!(overview.features, count as u64);
    assert_eq!(overview.totals(), (places, events, origins));
    let flowed: u64 = overview.flows.iter().map(|f| f.movements).sum();
    assert!(
        (movements..=origins).contains(&flowed),
        "{flowed} of {movements}–{origins}"
    );
    assert!(overview.flows.iter().map(|f| f.people).sum::<u64>() >= people);
    assert!(
        overview
            .flows
            .windows(2)
            .all(|w| w[0].movements >= w[1].movements)
    );
    // A country's view shows it too; a city's, or a range, read only what they need.
    let country = Window {
        bbox: Some([34.0, 31.0, 43.0, 38.5]),
        range: DaySpan::default(),
    };
    assert!(overview_shown(&target, &country).is_some());
    let city = Window {
        bbox: Some([36.1, 33.3, 36.5, 33.7]),
        range: DaySpan::default(),
    };
    assert!(overview_shown(&target, &city).is_none());
    let year = Window {
        bbox: None,
        range: DaySpan {
            first: chrono::NaiveDate::from_ymd_opt(2017, 1, 1),
            last: chrono::NaiveDate::from_ymd_opt(2017, 12, 31),
        },
    };
    assert!(overview_shown(&target, &year).is_none());

    // A change by another tool removes it (every story's: it does not say which story it
    // changes): a stale overview is never shown.
    let mut client = cluster.client();
    client
        .execute(
            "UPDATE evacmap_features SET name = name || ' (renamed)'
             WHERE story_id = 'big' AND feature_id =
                 (SELECT feature_id FROM evacmap_features WHERE story_id = 'big' LIMIT 1)",
            &[],
        )
        .unwrap();
    let stored = |client: &mut postgres::Client| -> i64 {
        client
            .query_one(
                "SELECT count(*) FROM evacmap_overviews WHERE story_id = 'big'",
                &[],
            )
            .unwrap()
            .get(0)
    };
    assert_eq!(stored(&mut client), 0);
    assert!(overview_shown(&target, &Window::default()).is_none());
    // What a save starts after it commits counts it again, on a thread of its own.
    evacmap::postgis::overview::refresh_later(&target, "big");
    let started = Instant::now();
    while stored(&mut client) == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "not counted again"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        overview_shown(&target, &Window::default()).map(|o| o.totals()),
        Some((places, events, origins))
    );

    // A tenth of a degree for a country; coarser for a story spread over the world (at most
    // 400 cells across).
    assert_eq!(overview.cell, 0.1);
    let mut wide: serde_json::Value = serde_json::from_str(evacmap::BUNDLED_STORY).unwrap();
    wide["features"].as_array_mut().unwrap().push(serde_json::json!({
        "type": "Feature", "id": "lima", "geometry": {"type": "Point", "coordinates": [-77.04, -12.05]},
        "properties": {"kind": "place", "name": "Lima"}}));
    let wide_file = dir.path().join("wide.geojson");
    std::fs::write(&wide_file, wide.to_string()).unwrap();
    let (code, _, err) = evacmap(&[
        "push",
        wide_file.to_str().unwrap(),
        &cluster.url(Some("wide")),
    ]);
    assert_eq!(code, 0, "{err}");
    let cell: f64 = client
        .query_one(
            "SELECT cell FROM evacmap_overviews WHERE story_id = 'wide'",
            &[],
        )
        .unwrap()
        .get(0);
    // From Lima (77.04° W) to Deir ez-Zor's edge of the story (Syria, 38.3° E): 115.3° / 400.
    assert!((cell - (38.3 + 77.04) / 400.0).abs() < 1e-6, "{cell}");

    // A small story has one too, but opens without it: its features come about as soon.
    let bundled =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/damascus-2017-05.geojson");
    let small = cluster.url(Some("small"));
    let (code, _, err) = evacmap(&["push", bundled.to_str().unwrap(), &small]);
    assert_eq!(code, 0, "{err}");
    let row = client
        .query_one(
            "SELECT features, json_array_length(flows) FROM evacmap_overviews WHERE story_id = 'small'",
            &[],
        )
        .unwrap();
    assert_eq!((row.get::<_, i64>(0), row.get::<_, i32>(1)), (21, 1));
    assert!(overview_shown(&Target::parse(&small).unwrap(), &Window::default()).is_none());
    // A change evacmap writes names its story: only that story's overview goes.
    let mut transaction = client.transaction().unwrap();
    transaction
        .batch_execute(
            "SELECT set_config('evacmap.story', 'small', true);
             UPDATE evacmap_features SET name = name WHERE story_id = 'small' AND feature_id = 'qaboun'",
        )
        .unwrap();
    transaction.commit().unwrap();
    let left: Vec<String> = client
        .query("SELECT story_id FROM evacmap_overviews ORDER BY 1", &[])
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(left, ["big", "wide"]);
}
