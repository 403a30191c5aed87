//! The columnar model keeps every story exactly: features taken back out of the columns are the
//! features that were read, they write the same GeoJSON, and columns built apart (as the loader
//! does on several cores) and joined are the columns built in one go.

use std::path::{Path, PathBuf};

use evacmap::io::{load_file, parse_bytes, write::to_geojson_string};
use evacmap::model::{Dataset, Feature, Store};

fn stories() -> Vec<(String, Dataset)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<PathBuf> = vec![root.join("data/damascus-2017-05.geojson")];
    for dir in ["tests/fixtures/good", "tests/fixtures/rfc7946/valid"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        files.sort();
        paths.extend(files);
    }
    let mut stories: Vec<(String, Dataset)> = paths
        .iter()
        .map(|path| {
            let loaded = load_file(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path.display().to_string(), loaded.dataset)
        })
        .collect();
    let generated = evacmap::generate::story(600, 5);
    let loaded = parse_bytes(generated.as_bytes(), "generated").unwrap();
    stories.push(("generated".into(), loaded.dataset));
    assert!(stories.len() > 20, "fixtures missing: {}", stories.len());
    stories
}

#[test]
fn every_good_story_writes_the_same_geojson_from_columns_as_from_features() {
    for (name, dataset) in stories() {
        let features: Vec<Feature> = dataset.features().collect();
        assert_eq!(features.len(), dataset.len(), "{name}");
        let rebuilt = Dataset::new(dataset.meta.clone(), features, dataset.foreign.clone());
        assert_eq!(rebuilt, dataset, "{name}");
        let written = to_geojson_string(&dataset);
        assert_eq!(to_geojson_string(&rebuilt), written, "{name}");
        // And what is written reads back as the same story.
        let again = parse_bytes(written.as_bytes(), "saved").unwrap().dataset;
        assert_eq!(again, dataset, "{name}");
        assert_eq!(to_geojson_string(&again), written, "{name}");
    }
}

#[test]
fn columns_built_in_parts_and_joined_are_the_columns_built_at_once() {
    for (name, dataset) in stories() {
        let features: Vec<Feature> = dataset.features().collect();
        let cuts: Vec<usize> = if features.len() <= 40 {
            (0..=features.len()).collect()
        } else {
            vec![0, 1, features.len() / 3, features.len() / 2, features.len()]
        };
        for cut in cuts {
            let mut first = Store::default();
            features[..cut].iter().for_each(|f| first.push(f));
            let mut second = Store::default();
            features[cut..].iter().for_each(|f| second.push(f));
            first.append(second);
            let joined = Dataset::from_store(dataset.meta.clone(), first, dataset.foreign.clone());
            assert_eq!(joined, dataset, "{name} cut at {cut}");
            // Lookups by id find the same features.
            for (i, feature) in features.iter().enumerate() {
                assert_eq!(
                    joined.index_of(feature.id()),
                    dataset.index_of(feature.id()),
                    "{name} cut at {cut}, feature {i}"
                );
            }
        }
    }
}
