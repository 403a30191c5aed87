use super::*;

#[test]
fn syrian_governorates_are_found_by_ocha_p_code_and_by_either_spelling() {
    let gazetteer = Gazetteer::bundled();
    let idleb = gazetteer.find("SY07", "", "").unwrap();
    assert_eq!(idleb.name(), "Idleb");
    assert_eq!(idleb.point(), (36.5779, 35.8268));
    assert_eq!(gazetteer.find("sy07", "", "").unwrap().name(), "Idleb");
    assert_eq!(gazetteer.find("", "Idlib", "SYR").unwrap().code(), "SY07");
    assert_eq!(
        gazetteer.find("", "deir ez-zor", "").unwrap().code(),
        "SY09"
    );
    assert_eq!(
        gazetteer.find("", "Rif Dimashq", "").unwrap().code(),
        "SY03"
    );
    // A country by its code or name.
    assert_eq!(gazetteer.find("LBN", "", "").unwrap().name(), "Lebanon");
    assert_eq!(gazetteer.find("", "Nowhere", ""), Err(NotFound::Unknown));
}

#[test]
fn a_p_code_of_another_country_than_the_rows_is_not_placed() {
    let gazetteer = Gazetteer::bundled();
    assert_eq!(
        gazetteer.find("SY07", "", "IRQ"),
        Err(NotFound::OtherCountry {
            code: "SY07".into(),
            is_in: "SY".into()
        })
    );
    // Not in any gazetteer, but its letters say Iraq.
    assert_eq!(
        gazetteer.find("IQ01", "", "Syria"),
        Err(NotFound::OtherCountry {
            code: "IQ01".into(),
            is_in: "IQ".into()
        })
    );
}

#[test]
fn a_csv_gazetteer_adds_places_by_code_and_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("districts.csv");
    std::fs::write(
        &path,
        "pcode,name,lat,lon\nSY0700,Idleb district,35.93,36.63\nSY0200,Jebel Saman,36.2,37.15\n\
         SY0300,no position,,\n",
    )
    .unwrap();
    let mut gazetteer = Gazetteer::bundled();
    assert_eq!(gazetteer.add_file(&path).unwrap(), 2);
    let found = gazetteer.find("SY0200", "", "SYR").unwrap();
    assert_eq!(
        (found.name(), found.point()),
        ("Jebel Saman", (37.15, 36.2))
    );
    assert_eq!(
        gazetteer.find("", "jebel saman", "").unwrap().code(),
        "SY0200"
    );
    assert_eq!(gazetteer.files, vec!["districts.csv".to_owned()]);
}

#[test]
fn a_geojson_of_admin_areas_places_each_inside_its_area() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("adm2.geojson");
    std::fs::write(
        &path,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature",
        "properties":{"ADM2_EN":"Al Bab","ADM2_PCODE":"SY0201","ADM1_PCODE":"SY02","ADM0_PCODE":"SY"},
        "geometry":{"type":"Polygon","coordinates":[[[37.4,36.3],[37.7,36.3],[37.7,36.5],[37.4,36.5],[37.4,36.3]]]}}]}"#,
    )
    .unwrap();
    let mut gazetteer = Gazetteer::bundled();
    assert_eq!(gazetteer.add_file(&path).unwrap(), 1);
    let found = gazetteer.find("SY0201", "", "").unwrap();
    assert_eq!(found.name(), "Al Bab");
    let (lon, lat) = found.point();
    assert!((37.4..=37.7).contains(&lon) && (36.3..=36.5).contains(&lat));
}

#[test]
fn a_file_that_is_no_gazetteer_is_refused_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.csv");
    std::fs::write(&path, "a,b\n1,2\n").unwrap();
    let error = Gazetteer::bundled()
        .add_file(&path)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("notes.csv") && error.contains("latitude"),
        "{error}"
    );
    let missing = Gazetteer::bundled()
        .add_file(&dir.path().join("missing.csv"))
        .unwrap_err();
    assert!(missing.to_string().contains("cannot be read"), "{missing}");
}
