//! OGC API – Features collections as read-only layers: against pygeoapi (a real server) and
//! against servers on 127.0.0.1 that answer as the test needs (the query asked for, errors,
//! invalid JSON, a `next` chain without end).

use std::path::Path;
use std::sync::Arc;

use egui_kittest::kittest::Queryable;
use evacmap::open::ogc_api::{MAX_PAGES, Window};
use evacmap::open::{ImportOptions, load_with};

use crate::support::pygeoapi::Pygeoapi;
use crate::support::{Behaviour, TileServer, app_harness, offline_options};

/// A page of `count` point features numbered from `first`, with a `next` link when given.
fn page(first: usize, count: usize, next: Option<String>) -> Vec<u8> {
    let features: Vec<serde_json::Value> = (first..first + count)
        .map(|i| {
            serde_json::json!({
                "type": "Feature", "id": format!("r{i}"),
                "geometry": {"type": "Point", "coordinates": [36.0 + i as f64 * 0.001, 33.5]},
                "properties": {"name": format!("Report {i}"), "date": "2017-05-12"}
            })
        })
        .collect();
    let links: Vec<serde_json::Value> = next
        .into_iter()
        .map(
            |href| serde_json::json!({"rel": "next", "type": "application/geo+json", "href": href}),
        )
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "type": "FeatureCollection", "features": features, "links": links
    }))
    .unwrap()
}

fn json(body: serde_json::Value) -> (u16, &'static str, Vec<u8>) {
    (200, "application/json", serde_json::to_vec(&body).unwrap())
}

/// A server with a landing page, one collection and its items in three pages.
fn three_pages() -> TileServer {
    TileServer::start(Behaviour::Route(Arc::new(|path: &str| {
        let (route, query) = path.split_once('?').unwrap_or((path, ""));
        match route {
            "/" => json(serde_json::json!({"links": [
                {"rel": "data", "href": "/collections"}]})),
            "/collections" => json(serde_json::json!({"collections": [{"id": "reports",
                "links": [{"rel": "items", "href": "/collections/reports/items"}]}]})),
            "/collections/reports/items" if query.contains("page=2") => (
                200,
                "application/geo+json",
                page(4, 4, Some("items?page=3".into())),
            ),
            "/collections/reports/items" if query.contains("page=3") => {
                (200, "application/geo+json", page(8, 2, None))
            }
            "/collections/reports/items" => (
                200,
                "application/geo+json",
                page(0, 4, Some("/collections/reports/items?page=2".into())),
            ),
            _ => (
                404,
                "application/json",
                br#"{"description": "no such page"}"#.to_vec(),
            ),
        }
    })))
}

fn url_of(server: &TileServer, path: &str) -> String {
    format!("http://127.0.0.1:{}{path}", server.port)
}

fn load_url(url: &str, window: Window) -> Result<evacmap::io::Loaded, evacmap::open::OpenError> {
    let options = ImportOptions {
        window,
        ..ImportOptions::default()
    };
    load_with(
        Path::new(url),
        &options,
        &evacmap::io::LoadProgress::default(),
    )
}

#[test]
fn the_landing_page_leads_to_the_items_and_every_page_is_read() {
    let server = three_pages();
    let loaded = load_url(&url_of(&server, "/"), Window::default()).unwrap();
    assert_eq!(loaded.dataset.len(), 10);
    // Dates are found as in any GeoJSON.
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.message.contains("dates read from the property \"date\"")),
        "{:?}",
        loaded.warnings
    );
    let seen: Vec<String> = server.seen().into_iter().map(|s| s.path).collect();
    assert_eq!(seen.len(), 5, "{seen:?}");
    assert!(
        seen[3].contains("page=2") && seen[4].contains("page=3"),
        "{seen:?}"
    );
}

#[test]
fn the_view_and_range_reach_the_server_as_bbox_and_datetime() {
    let server = three_pages();
    let window = Window {
        bbox: Some([35.5, 32.75, 37.0, 34.25]),
        range: evacmap::filter::range_from_args(Some("2017-05-08"), Some("2017-05-14")).unwrap(),
    };
    load_url(&url_of(&server, "/collections/reports/items"), window).unwrap();
    let first = &server.seen()[0].path;
    let query: Vec<(String, String)> = reqwest::Url::parse(&format!("http://x{first}"))
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |key: &str| {
        query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("bbox"), Some("35.5,32.75,37,34.25"));
    assert_eq!(
        get("datetime"),
        Some("2017-05-08T00:00:00Z/2017-05-14T23:59:59Z")
    );
    assert_eq!(get("limit"), Some("1000"));
}

#[test]
fn server_errors_and_invalid_json_are_said_in_words() {
    let failing = TileServer::start(Behaviour::Route(Arc::new(|path: &str| {
        if path.starts_with("/broken") {
            (
                200,
                "application/json",
                b"{\"type\": \"FeatureCollection\", \"features\": [".to_vec(),
            )
        } else if path.starts_with("/several") {
            json(serde_json::json!({"collections": [{"id": "a"}, {"id": "b"}]}))
        } else {
            (
                500,
                "application/json",
                br#"{"code": "NoApplicableCode", "description": "database is down"}"#.to_vec(),
            )
        }
    })));
    let message = |path: &str| match load_url(&url_of(&failing, path), Window::default()) {
        Ok(_) => panic!("{path} opened"),
        Err(error) => error.problems().join("\n"),
    };
    let five_hundred = message("/collections/x/items");
    assert!(
        five_hundred.contains("the server answered 500 Internal Server Error: database is down"),
        "{five_hundred}"
    );
    let broken = message("/broken");
    assert!(
        broken.contains("the server's answer is not JSON (EOF while parsing"),
        "{broken}"
    );
    let several = message("/several");
    assert!(
        several.contains("the server has 2 collections; open one of them:")
            && several.contains("/several/a"),
        "{several}"
    );
    // Nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = match load_url(&format!("http://127.0.0.1:{closed}/"), Window::default()) {
        Ok(_) => panic!("a closed port answered"),
        Err(error) => error.problems().join("\n"),
    };
    assert!(
        refused.contains("the server cannot be reached"),
        "{refused}"
    );
}

#[test]
fn an_endless_next_chain_stops_at_the_bound_with_what_was_read() {
    let endless = TileServer::start(Behaviour::Route(Arc::new(|path: &str| {
        let n: usize = path
            .split("page=")
            .nth(1)
            .and_then(|p| p.split('&').next()?.parse().ok())
            .unwrap_or(0);
        (
            200,
            "application/geo+json",
            page(n, 1, Some(format!("/items?page={}", n + 1))),
        )
    })));
    let loaded = load_url(&url_of(&endless, "/items"), Window::default()).unwrap();
    assert_eq!(loaded.dataset.len(), MAX_PAGES);
    assert!(
        loaded.warnings.iter().any(|w| w
            .message
            .contains(&format!("the server offered more after {MAX_PAGES} pages"))),
        "{:?}",
        loaded
            .warnings
            .iter()
            .map(|w| &w.message)
            .collect::<Vec<_>>()
    );
    // A chain that comes back to a page already read stops there too.
    let circle = TileServer::start(Behaviour::Route(Arc::new(|_: &str| {
        (
            200,
            "application/geo+json",
            page(0, 2, Some("/items".into())),
        )
    })));
    let loaded = load_url(&url_of(&circle, "/items"), Window::default()).unwrap();
    assert!(loaded.dataset.len() <= 4);
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.message.contains("returned to a page already read")),
    );
}

#[test]
fn a_password_in_the_address_is_never_shown() {
    let server = TileServer::start(Behaviour::Status(500));
    let url = format!("http://ana:s3cret@127.0.0.1:{}/items", server.port);
    let Err(error) = load_url(&url, Window::default()) else {
        panic!("a 500 opened");
    };
    let text = error.problems().join("\n");
    assert!(!text.contains("s3cret") && !text.contains("ana:"), "{text}");
    assert!(text.contains("500"), "{text}");
}

#[test]
fn pygeoapi_pages_through_a_collection_larger_than_a_page() {
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("reports.geojson");
    let features: Vec<serde_json::Value> = (0..25)
        .map(|i| {
            serde_json::json!({"type": "Feature", "id": format!("r{i}"),
                "geometry": {"type": "Point", "coordinates": [36.0 + i as f64 * 0.01, 33.5]},
                "properties": {"name": format!("Report {i}"),
                               "date": format!("2017-05-{:02}", 1 + i % 28)}})
        })
        .collect();
    std::fs::write(
        &data,
        serde_json::to_vec(&serde_json::json!({"type": "FeatureCollection", "features": features}))
            .unwrap(),
    )
    .unwrap();
    let Some(server) = Pygeoapi::start(&data, 10) else {
        return;
    };
    // Through the command line, from the landing page: every feature, in three pages.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_evacmap"))
        .args(["list", &server.url()])
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(listed.lines().count(), 25, "{listed}");
    assert!(
        listed.contains("2017-05-12         feature  r11"),
        "{listed}"
    );
    // In the window: a layer of its own, read-only.
    let mut options = offline_options();
    options.file = Some(format!("{}collections/reports", server.url()).into());
    let harness = app_harness(options, None, 1.0 / 60.0);
    assert_eq!(harness.state().dataset().len(), 25);
    harness.get_by_label("Report 3");
}

#[test]
fn the_window_asks_again_for_a_new_range_once_it_settles() {
    let server = three_pages();
    let mut options = offline_options();
    options.file = Some(url_of(&server, "/collections/reports/items").into());
    let mut harness = app_harness(options, None, 1.0 / 60.0);
    assert_eq!(harness.state().dataset().len(), 10);
    let range = evacmap::filter::range_from_args(Some("2017-05-12"), Some("2017-05-12")).unwrap();
    harness.state_mut().set_range(range);
    let started = std::time::Instant::now();
    let asked = |server: &TileServer| {
        server.seen().iter().any(|s| {
            s.path
                .contains("datetime=2017-05-12T00%3A00%3A00Z%2F2017-05-12T23%3A59%3A59Z")
        })
    };
    while !asked(&server) {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the new range was not asked for: {:?}",
            server.seen().iter().map(|s| &s.path).collect::<Vec<_>>()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.run_steps(1);
    }
    // With the view's box too.
    let asked_for_range = server
        .seen()
        .into_iter()
        .find(|s| s.path.contains("datetime="))
        .map(|s| s.path)
        .unwrap_or_default();
    assert!(asked_for_range.contains("bbox="), "{asked_for_range}");
    // A web layer is read-only: edit mode says so instead of failing on save.
    crate::support::wait_for_load(&mut harness);
    harness.key_press(egui::Key::E);
    harness.run_steps(3);
    assert!(!harness.state().is_editing());
    let said = harness
        .query_all_by(|n| {
            n.value().is_some_and(|v| {
                v.starts_with("Cannot edit: ")
                    && v.contains("comes from a web service (OGC API – Features) and is read-only")
            })
        })
        .count();
    assert!(said >= 1, "the reason is told");
}

#[test]
fn a_collection_read_whole_is_not_asked_again_while_the_view_holds_all_of_it() {
    let server = three_pages();
    let mut options = offline_options();
    options.file = Some(url_of(&server, "/collections/reports/items").into());
    let mut harness = app_harness(options, None, 1.0 / 60.0);
    assert_eq!(harness.state().dataset().len(), 10);
    let items = |server: &TileServer| {
        server
            .seen()
            .iter()
            .filter(|s| s.path.contains("/items"))
            .count()
    };
    let read = items(&server);
    // The story is framed whole once read; the view settles for well past the 0.4 s wait.
    for _ in 0..90 {
        std::thread::sleep(std::time::Duration::from_millis(10));
        harness.run_steps(1);
    }
    assert_eq!(
        items(&server),
        read,
        "asked again: {:?}",
        server.seen().iter().map(|s| &s.path).collect::<Vec<_>>()
    );
    // Zoomed in, where the view holds only part of it, it is asked for the view's box.
    for _ in 0..4 {
        harness.get_by_label("+").click();
        harness.run_steps(2);
    }
    let started = std::time::Instant::now();
    while !server.seen().iter().any(|s| s.path.contains("bbox=")) {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "no view asked for"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.run_steps(1);
    }
}
