use super::*;

/// What a generated table is read as, by the same reader the window uses.
fn opened(bytes: Vec<u8>, name: &str) -> crate::io::Loaded {
    let dir = tempfile::tempdir().expect("a folder");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("written");
    crate::open::load(&path).unwrap_or_else(|e| panic!("{name}: {:?}", e.problems()))
}

#[test]
fn generated_acled_rows_are_read_as_acled_events_every_one() {
    let mut bytes = Vec::new();
    write_acled(&mut bytes, 500, 3).expect("written");
    let detected = crate::open::detect::detect(&bytes);
    assert_eq!(detected, Ok(crate::open::Format::Acled));
    let loaded = opened(bytes, "acled.csv");
    assert_eq!(loaded.dataset.events().count(), 500, "every row an event");
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn generated_unhcr_rows_are_read_as_country_flows() {
    let mut bytes = Vec::new();
    write_unhcr(&mut bytes, 300, 4).expect("written");
    assert_eq!(
        crate::open::detect::detect(&bytes),
        Ok(crate::open::Format::CountryFlows)
    );
    let loaded = opened(bytes, "unhcr.csv");
    assert!(loaded.dataset.movements().count() > 0);
    assert!(
        loaded.warnings.iter().all(|w| !w.is_error()),
        "{:?}",
        loaded.warnings
    );
}

#[test]
fn a_generated_sequence_is_read_as_geojson_features() {
    let mut bytes = Vec::new();
    write_geojson_seq(&mut bytes, 200, 5).expect("written");
    assert_eq!(
        crate::open::detect::detect(&bytes),
        Ok(crate::open::Format::GeoJsonSequence)
    );
    let loaded = opened(bytes, "reports.geojsons");
    assert_eq!(loaded.dataset.len(), 200);
}

#[test]
fn the_same_seed_gives_the_same_table() {
    let table = |seed| {
        let mut bytes = Vec::new();
        write_acled(&mut bytes, 50, seed).expect("written");
        bytes
    };
    assert_eq!(table(9), table(9));
    assert_ne!(table(9), table(10));
}
