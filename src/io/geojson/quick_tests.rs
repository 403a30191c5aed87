use super::*;

const PLACE_A: &str = r#"{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[36.3,33.5]},"properties":{"kind":"place","name":"A","sources":["monitor"]}}"#;
const PLACE_B: &str = r#"{"type":"Feature","id":"b","geometry":{"type":"Point","coordinates":[36.6,35.9]},"properties":{"kind":"place","name":"B","place_type":"town","control":[{"when":"2015","status":"opposition","sources":["monitor"]}],"sources":["monitor"]}}"#;
const MOVEMENT: &str = r#"{"type":"Feature","id":"m","geometry":null,"properties":{"kind":"movement","from":"a","to":"b","when":"2017-05-12","movement_type":"evacuation","status":"completed","figures":[{"measure":"people","value":700,"qualifier":"about","sources":["agency"]}],"sources":["agency"]}}"#;
const EVENT: &str = r#"{"type":"Feature","id":"e","geometry":null,"properties":{"kind":"event","event_type":"clashes","when":"2017-05","place":"a","summary":"Clashes","actors":["x"],"sources":["monitor"]}}"#;

fn story(features: &[&str]) -> String {
    format!(
        r#"{{"type":"FeatureCollection","evacmap":{{"version":1,"sources":{{"monitor":{{"name":"Monitor"}},"agency":{{"name":"Agency"}}}}}},"features":[{}]}}"#,
        features.join(",\n")
    )
}

fn both_routes(text: &str) -> (String, String) {
    let read = |route| {
        let loaded = parse_bytes_by(text.as_bytes(), "s", route, &LoadProgress::default());
        format!(
            "{:?}",
            loaded
                .map(|l| (l.dataset, l.warnings))
                .map_err(|e| e.problems())
        )
    };
    (read(Route::Outlined), read(Route::WholeTree))
}

#[test]
fn features_of_the_usual_shape_go_the_quick_way() {
    let declared = |id: &str| matches!(id, "monitor" | "agency");
    for feature in [PLACE_A, PLACE_B, MOVEMENT, EVENT] {
        assert!(
            usual_shape::read(feature.as_bytes(), &declared).is_some(),
            "{feature}"
        );
    }
    let mut text = Vec::new();
    crate::generate::write_story(&mut text, 300, 2).unwrap();
    let text = String::from_utf8(text).unwrap();
    let features: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with(r#"{"type":"Feature""#))
        .map(|line| line.trim_end_matches(','))
        .collect();
    assert_eq!(features.len(), 300);
    let quick = features
        .iter()
        .filter(|f| usual_shape::read(f.as_bytes(), &declared).is_some())
        .count();
    assert_eq!(quick, 300, "every generated feature goes the quick way");
}

/// Each variation is of one member; the quick way must either decline it or read it exactly
/// as the full reader does, with the same problems.
#[test]
#[expect(
    clippy::too_many_lines,
    reason = "one test walks every shape the quick reader accepts or leaves to the checker"
)]
fn the_quick_way_agrees_with_the_full_reader_on_every_variation() {
    let variations: &[(&str, &str, &str)] = &[
        (MOVEMENT, r#""value":700"#, r#""value":700.0"#),
        (MOVEMENT, r#""value":700"#, r#""value":-1"#),
        (MOVEMENT, r#""value":700"#, r#""value":9007199254740992"#),
        (MOVEMENT, r#""value":700"#, r#""value":null"#),
        (MOVEMENT, r#""qualifier":"about","#, ""),
        (
            MOVEMENT,
            r#""qualifier":"about""#,
            r#""qualifier":"roughly""#,
        ),
        (MOVEMENT, r#""measure":"people""#, r#""measure":"goats""#),
        (MOVEMENT, r#""sources":["agency"]}],"#, r#""sources":[]}],"#),
        (
            MOVEMENT,
            r#""sources":["agency"]}],"#,
            r#""sources":["nobody"]}],"#,
        ),
        (
            MOVEMENT,
            r#""sources":["agency"]}}"#,
            r#""sources":["nobody"]}}"#,
        ),
        (MOVEMENT, r#""sources":["agency"]}}"#, r#""sources":null}}"#),
        (MOVEMENT, r#""to":"b""#, r#""to":"a""#),
        (MOVEMENT, r#""to":"b""#, r#""to":"nowhere""#),
        (MOVEMENT, r#""to":"b""#, r#""to":"e""#),
        (MOVEMENT, r#""to":"b""#, r#""to":" ""#),
        (MOVEMENT, r#""to":"b""#, r#""to":7"#),
        (MOVEMENT, r#""from":"a""#, r#""from":["a","b"]"#),
        (MOVEMENT, r#""from":"a""#, r#""from":"a","from":"b""#),
        (MOVEMENT, r#""when":"2017-05-12""#, r#""when":"2017-13""#),
        (
            MOVEMENT,
            r#""when":"2017-05-12""#,
            r#""when":"2017-05/2016""#,
        ),
        (MOVEMENT, r#""when":"2017-05-12""#, r#""when":null"#),
        (MOVEMENT, r#""status":"completed""#, r#""status":"done""#),
        (MOVEMENT, r#""status":"completed","#, ""),
        (
            MOVEMENT,
            r#""geometry":null"#,
            r#""geometry":{"type":"LineString","coordinates":[[36.3,33.5],[36.6,35.9]]}"#,
        ),
        (
            MOVEMENT,
            r#""geometry":null"#,
            r#""geometry":{"type":"Point","coordinates":[36.3,33.5]}"#,
        ),
        (
            MOVEMENT,
            r#""kind":"movement","#,
            r#""kind":"movement","colour":"red","#,
        ),
        (
            MOVEMENT,
            r#""kind":"movement","#,
            r#""kind":"movement","actors":["x"],"#,
        ),
        (
            MOVEMENT,
            r#""kind":"movement","#,
            r#""kind":"movement","to_assumed":true,"#,
        ),
        (
            MOVEMENT,
            r#""kind":"movement","#,
            r#""kind":"movement","to_assumed":"yes","#,
        ),
        (
            MOVEMENT,
            r#""kind":"movement","#,
            r#""kind":"movement","name":"Esc\u00e9"," summary":1,"#,
        ),
        (MOVEMENT, r#""id":"m""#, r#""id":"m","bbox":[0,0,1,1]"#),
        (MOVEMENT, r#""id":"m""#, r#""id":"m","crs":null"#),
        (MOVEMENT, r#""id":"m""#, r#""id":7"#),
        (MOVEMENT, r#""id":"m""#, r#""id":"""#),
        (MOVEMENT, r#""id":"m""#, r#""id":"a""#),
        (MOVEMENT, r#""kind":"movement""#, r#""kind":"journey""#),
        (
            PLACE_A,
            r#""coordinates":[36.3,33.5]"#,
            r#""coordinates":[36.3,133.5]"#,
        ),
        (
            PLACE_A,
            r#""coordinates":[36.3,33.5]"#,
            r#""coordinates":[36.3,33.5,700]"#,
        ),
        (
            PLACE_A,
            r#""coordinates":[36.3,33.5]"#,
            r#""coordinates":[36.3]"#,
        ),
        (
            PLACE_A,
            r#""coordinates":[36.3,33.5]"#,
            r#""coordinates":[]"#,
        ),
        (PLACE_A, r#""name":"A","#, ""),
        (PLACE_A, r#""name":"A""#, r#""name":"A"quoted\u0041""#),
        (
            PLACE_A,
            r#""name":"A""#,
            r#""name":"A","name_ar":"أ","name_variants":["Ay"],"admin1":"X","description":"d""#,
        ),
        (
            PLACE_A,
            r#""name":"A""#,
            r#""name":"A","place_type":"hamlet""#,
        ),
        (
            PLACE_A,
            r#""name":"A""#,
            r#""name":"A","geo_precision":"approximate""#,
        ),
        (
            PLACE_A,
            r#""name":"A""#,
            r#""name":"A","when_basis":"weekday""#,
        ),
        (
            PLACE_A,
            r#"{"type":"Point","coordinates":[36.3,33.5]}"#,
            "null",
        ),
        (
            PLACE_A,
            r#"{"type":"Point","coordinates":[36.3,33.5]}"#,
            r#"{"type":"Polygon","coordinates":[[[36,33],[37,33],[37,34],[36,33]]]}"#,
        ),
        (PLACE_B, r#""status":"opposition""#, r#""status":"rebels""#),
        (PLACE_B, r#""status":"opposition","#, ""),
        (PLACE_B, r#""when":"2015","#, r#""when":"2015","share":40,"#),
        (
            PLACE_B,
            r#""when":"2015","#,
            r#""when":"2015","share":140,"#,
        ),
        (
            PLACE_B,
            r#""when":"2015","#,
            r#""when":"2015","qualifier":"about","note":"n","actors":["y"],"#,
        ),
        (PLACE_B, r#""when":"2015","#, r#""when":"2015","colour":1,"#),
        (
            PLACE_B,
            r#""sources":["monitor"]}]"#,
            r#""sources":["nobody"]}]"#,
        ),
        (PLACE_B, r#"[{"when""#, r#"[7,{"when""#),
        (EVENT, r#""place":"a","#, ""),
        (EVENT, r#""place":"a""#, r#""place":"b""#),
        (EVENT, r#""place":"a""#, r#""place":"m""#),
        (
            EVENT,
            r#""geometry":null"#,
            r#""geometry":{"type":"Point","coordinates":[36.3,33.5]}"#,
        ),
        (EVENT, r#""event_type":"clashes""#, r#""event_type":"riot""#),
        (
            EVENT,
            r#""summary":"Clashes","#,
            r#""summary":"Clashes","figures":[{"measure":"fatalities","value":3,"sources":["monitor"]}],"#,
        ),
        (
            EVENT,
            r#""summary":"Clashes","#,
            r#""summary":"Clashes","to":"b","#,
        ),
        (EVENT, r#""actors":["x"]"#, r#""actors":["x",3]"#),
    ];
    for (base, from, to) in variations {
        assert!(base.contains(from), "{from} is not in {base}");
        let varied = base.replacen(from, to, 1);
        let text = story(&[PLACE_A, PLACE_B, &varied]);
        let (quick, full) = both_routes(&text);
        assert_eq!(quick, full, "{varied}");
    }
}
