use super::*;

#[test]
fn a_range_is_asked_for_as_an_rfc_3339_interval() {
    let range =
        |from: Option<&str>, to: Option<&str>| crate::filter::range_from_args(from, to).unwrap();
    assert_eq!(datetime(&DaySpan::ALL_TIME), None);
    assert_eq!(
        datetime(&range(Some("2017-05"), Some("2017-05"))).as_deref(),
        Some("2017-05-01T00:00:00Z/2017-05-31T23:59:59Z")
    );
    assert_eq!(
        datetime(&range(Some("2017-05-12"), None)).as_deref(),
        Some("2017-05-12T00:00:00Z/..")
    );
    assert_eq!(
        datetime(&range(None, Some("2017"))).as_deref(),
        Some("../2017-12-31T23:59:59Z")
    );
}

#[test]
fn the_view_and_range_replace_those_of_the_url_and_other_parameters_stay() {
    let items =
        Url::parse("https://example.org/collections/idps/items?bbox=0,0,1,1&lang=fr").unwrap();
    let window = Window {
        bbox: Some([35.5, 32.5, 37.25, 34.0]),
        range: crate::filter::range_from_args(Some("2017-05-08"), Some("2017-05-14")).unwrap(),
    };
    let url = with_window(&items, &window);
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("bbox"), Some("35.5,32.5,37.25,34"));
    assert_eq!(
        get("datetime"),
        Some("2017-05-08T00:00:00Z/2017-05-14T23:59:59Z")
    );
    assert_eq!(get("lang"), Some("fr"));
    assert_eq!(pairs.iter().filter(|(k, _)| k == "bbox").count(), 1);
    assert_eq!(get("limit"), Some("1000"));
}

#[test]
fn a_url_is_shown_without_its_password() {
    assert_eq!(
        shown("https://ana:secret@example.org/collections"),
        "https://example.org/collections"
    );
    assert_eq!(shown("https://example.org/x"), "https://example.org/x");
    assert!(is_url("HTTPS://example.org") && !is_url("/home/ana/story.geojson"));
}

#[test]
fn the_next_link_prefers_geojson() {
    let page = serde_json::json!({"links": [
        {"rel": "next", "type": "text/html", "href": "page2.html"},
        {"rel": "next", "type": "application/geo+json", "href": "page2.json"},
        {"rel": "self", "href": "page1.json"}
    ]});
    assert_eq!(link(&page, "next").as_deref(), Some("page2.json"));
    assert_eq!(link(&page, "prev"), None);
}

#[test]
fn a_servers_error_is_said_by_its_description() {
    assert_eq!(
        server_message(br#"{"code": "InvalidParameterValue", "description": "Invalid bbox"}"#),
        "Invalid bbox"
    );
    assert_eq!(
        server_message(b"<html>Internal error</html>"),
        "<html>Internal error</html>"
    );
}
