//! The real window: the binary runs under Xvfb, renders the bundled story and saves a screenshot.
//!
//! Needs an X display. Without one it starts Xvfb; if that is impossible the test is skipped,
//! unless EVACMAP_REQUIRE_DISPLAY=1 (as in CI), where it fails.

use crate::support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub(crate) struct Display {
    pub(crate) name: String,
    server: Option<Child>,
}

impl Drop for Display {
    fn drop(&mut self) {
        if let Some(server) = &mut self.server {
            let _ = server.kill();
            let _ = server.wait();
        }
    }
}

fn start_xvfb() -> Result<Display, String> {
    let mut server = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1600x1000x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start Xvfb: {e}"))?;
    let stdout = server.stdout.take().ok_or("Xvfb has no stdout")?;
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| format!("Xvfb did not say its display: {e}"))?;
    let number = line.trim();
    if number.is_empty() {
        let _ = server.kill();
        return Err("Xvfb exited without a display".into());
    }
    Ok(Display {
        name: format!(":{number}"),
        server: Some(server),
    })
}

/// A display to run on, or `None` when there is none and none is required.
pub(crate) fn display() -> Option<Display> {
    let required = std::env::var("EVACMAP_REQUIRE_DISPLAY").is_ok_and(|v| v == "1");
    match start_xvfb() {
        Ok(display) => Some(display),
        Err(reason) => match std::env::var("DISPLAY") {
            Ok(name) if !name.is_empty() => Some(Display { name, server: None }),
            _ if required => panic!("EVACMAP_REQUIRE_DISPLAY=1 but no display: {reason}"),
            _ => {
                eprintln!(
                    "SKIPPED: no X display ({reason}); set EVACMAP_REQUIRE_DISPLAY=1 to fail instead"
                );
                None
            }
        },
    }
}

/// Web Mercator, written out again here so the test does not trust the app's own projection.
fn mercator(lon: f64, lat: f64) -> (f64, f64) {
    let x = (lon + 180.0) / 360.0;
    let y = (1.0 - lat.to_radians().tan().asinh() / std::f64::consts::PI) / 2.0;
    (x, y)
}

/// Where the map is in a screenshot, from its layout file; projects independently of the app.
struct MapView {
    rect: [f64; 4],
    center: (f64, f64),
    scale: f64,
}

impl MapView {
    fn of(layout: &serde_json::Value) -> Self {
        let numbers = |key: &str| -> Vec<f64> {
            layout[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect()
        };
        let rect = numbers("map_rect");
        let center = numbers("center_lon_lat");
        Self {
            rect: [rect[0], rect[1], rect[2], rect[3]],
            center: mercator(center[0], center[1]),
            scale: 256.0 * 2f64.powf(layout["zoom"].as_f64().unwrap()),
        }
    }

    /// The screenshot pixel where (lon, lat) is.
    fn pixel(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (x, y) = mercator(lon, lat);
        let [left, top, right, bottom] = self.rect;
        (
            (left + right) / 2.0 + (x - self.center.0) * self.scale,
            (top + bottom) / 2.0 + (y - self.center.1) * self.scale,
        )
    }

    fn contains(&self, (x, y): (f64, f64)) -> bool {
        let [left, top, right, bottom] = self.rect;
        left < x && x < right && top < y && y < bottom
    }

    /// A grid of pixels over the map, `step` apart.
    fn samples(&self, step: usize) -> impl Iterator<Item = (u32, u32)> + '_ {
        let [left, top, right, bottom] = self.rect.map(|v| v as u32);
        (top + 5..bottom - 5)
            .step_by(step)
            .flat_map(move |y| (left + 5..right - 5).step_by(step).map(move |x| (x, y)))
    }

    /// The share of sampled map pixels that `test` accepts.
    fn share(&self, image: &image::RgbaImage, test: impl Fn(&image::Rgba<u8>) -> bool) -> f64 {
        let (mut hits, mut total) = (0, 0);
        for (x, y) in self.samples(9) {
            total += 1;
            hits += usize::from(test(image.get_pixel(x, y)));
        }
        hits as f64 / total.max(1) as f64
    }
}

fn screenshot(
    display: &Display,
    dir: &Path,
    extra: &[&str],
) -> (image::RgbaImage, serde_json::Value) {
    let png = dir.join("story.png");
    let output = Command::new(env!("CARGO_BIN_EXE_evacmap"))
        .args(["--reset", "--size", "1200x800", "--screenshot"])
        .arg(&png)
        .args(extra)
        .env("DISPLAY", &display.name)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("the evacmap binary runs");
    assert!(
        output.status.success(),
        "evacmap --screenshot failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let image = image::open(&png).expect("a PNG was saved").to_rgba8();
    let layout_path = dir.join("story.png.layout.json");
    let layout = serde_json::from_slice(&std::fs::read(layout_path).expect("a layout was saved"))
        .expect("the layout is JSON");
    (image, layout)
}

#[test]
fn the_window_renders_the_story_with_qaboun_where_it_projects() {
    let Some(display) = display() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (image, layout) = screenshot(&display, dir.path(), &["--tiles", "offline"]);
    assert_eq!((image.width(), image.height()), (1200, 800));

    // Where Qaboun (33.54611 N, 36.33778 E) must be, from the map's rectangle, centre and zoom.
    let view = MapView::of(&layout);
    let (expected_x, expected_y) = view.pixel(36.33778, 33.54611);
    assert!(view.contains((expected_x, expected_y)));
    let number = |v: &serde_json::Value| v.as_f64().unwrap();

    let qaboun = layout["markers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "qaboun")
        .expect("Qaboun is drawn");
    let point = |key: &str| -> (f64, f64) {
        let v = qaboun[key].as_array().unwrap();
        (number(&v[0]), number(&v[1]))
    };
    let (true_x, true_y) = point("true");
    assert!(
        (true_x - expected_x).abs() < 1.5 && (true_y - expected_y).abs() < 1.5,
        "the app put Qaboun at ({true_x}, {true_y}), the projection says ({expected_x}, {expected_y})"
    );
    // Zoomed out, Qaboun's marker may be spread out of the Damascus crowd, but not far.
    let (drawn_x, drawn_y) = point("drawn");
    assert!(((drawn_x - true_x).powi(2) + (drawn_y - true_y).powi(2)).sqrt() < 60.0);
    let color: Vec<u8> = qaboun["color"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_u64().unwrap() as u8)
        .collect();
    let mut matching = 0;
    for dy in -3i32..=3 {
        for dx in -3i32..=3 {
            let x = (drawn_x.round() as i32 + dx) as u32;
            let y = (drawn_y.round() as i32 + dy) as u32;
            let p = image.get_pixel(x, y);
            matching += i32::from((0..3).all(|c| (p[c] as i32 - color[c] as i32).abs() <= 12));
        }
    }
    assert!(
        matching >= 20,
        "only {matching} pixels of Qaboun's colour {color:?} at its marker ({drawn_x:.1}, {drawn_y:.1})"
    );

    // The offline basemap fills the map: sea, land and borders, not one flat colour.
    let colours: std::collections::HashSet<[u8; 4]> = view
        .samples(7)
        .map(|(x, y)| image.get_pixel(x, y).0)
        .collect();
    assert!(
        colours.len() > 40,
        "only {} colours on the map",
        colours.len()
    );
    // The Mediterranean off Tyre (33.3 N, 34.6 E) is sea-blue.
    let (sea_x, sea_y) = view.pixel(34.6, 33.3);
    let sea = image.get_pixel(sea_x as u32, sea_y as u32);
    assert!(
        sea[2] > sea[0] + 30,
        "the sea at ({sea_x:.0}, {sea_y:.0}) is blue: {sea:?}"
    );
}

#[test]
fn a_time_range_from_the_command_line_reaches_the_window() {
    let Some(display) = display() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (_, layout) = screenshot(
        &display,
        dir.path(),
        &[
            "--tiles",
            "offline",
            "--from",
            "2017-05-08",
            "--to",
            "2017-05-08",
        ],
    );
    // On 8 May 2017 only the first Barzeh batch had left; places are timeless and all shown.
    assert_eq!(
        layout["arrows"],
        serde_json::json!(["barzeh-idlib-2017-05-08"])
    );
    let markers = layout["markers"].as_array().unwrap();
    assert!(markers.iter().any(|m| m["id"] == "qaboun"));
}

#[test]
fn the_screenshot_waits_for_tiles_from_the_loopback_server_and_shows_them() {
    let Some(display) = display() else {
        return;
    };
    let server =
        support::TileServer::start(support::Behaviour::Png(support::solid_png([220, 30, 30])));
    let dir = tempfile::tempdir().unwrap();
    let template = server.template();
    let (image, layout) = screenshot(&display, dir.path(), &["--tiles", &template]);
    let red = MapView::of(&layout).share(&image, |p| p[0] > 200 && p[1] < 60 && p[2] < 60);
    // The tiles cover the map; markers, arrows, labels and the legend cover some of them.
    assert!(red > 0.5, "only {red:.2} of the map is tile-red");
    let agents: Vec<String> = server
        .seen()
        .into_iter()
        .filter_map(|s| s.user_agent)
        .collect();
    assert!(
        !agents.is_empty() && agents.iter().all(|a| a.starts_with("evacmap/")),
        "{agents:?}"
    );
}

#[test]
fn with_a_failing_tile_server_the_offline_basemap_is_what_the_screenshot_shows() {
    let Some(display) = display() else {
        return;
    };
    let server = support::TileServer::start(support::Behaviour::Status(500));
    let dir = tempfile::tempdir().unwrap();
    let template = server.template();
    let (image, layout) = screenshot(&display, dir.path(), &["--tiles", &template]);
    assert!(!server.seen().is_empty(), "tiles were asked for");
    let view = MapView::of(&layout);
    let at = |lon: f64, lat: f64| {
        let (x, y) = view.pixel(lon, lat);
        *image.get_pixel(x as u32, y as u32)
    };
    let sea = at(34.6, 33.3);
    assert!(sea[2] > sea[0] + 30, "the sea off Tyre is blue: {sea:?}");
    let desert = at(38.0, 34.2);
    assert!(
        desert[0] > 200 && desert[0] >= desert[2],
        "the Syrian desert is land-coloured: {desert:?}"
    );
}

#[test]
fn an_mbtiles_archive_is_drawn_as_the_basemap() {
    let Some(display) = display() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("green.mbtiles");
    support::make_mbtiles(&archive, [10, 160, 60]);
    let (image, layout) = screenshot(
        &display,
        dir.path(),
        &["--tiles", archive.to_str().unwrap()],
    );
    let green = MapView::of(&layout).share(&image, |p| p[0] < 40 && p[1] > 140 && p[2] < 90);
    assert!(
        green > 0.5,
        "only {green:.2} of the map is the archive's green"
    );
}

#[test]
fn the_window_opens_a_story_of_a_hundred_thousand_features_as_clusters_and_the_largest_arrows() {
    let Some(display) = display() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let story = dir.path().join("generated-100000.geojson");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&story).unwrap());
    evacmap::generate::write_story(&mut file, 100_000, 1).unwrap();
    drop(file);
    let (image, layout) = screenshot(
        &display,
        dir.path(),
        &["--tiles", "offline", story.to_str().unwrap()],
    );
    let view = MapView::of(&layout);
    let clusters = layout["clusters"].as_array().unwrap();
    let clustered: u64 = clusters.iter().map(|c| c["count"].as_u64().unwrap()).sum();
    let markers = layout["markers"].as_array().unwrap().len();
    assert!(
        clusters.len() >= 20 && markers < 100,
        "33,334 places are some tens of clusters and a few markers: {} clusters, {markers} markers",
        clusters.len()
    );
    assert!(
        clustered > 30_000,
        "the clusters hold the places: {clustered}"
    );
    let drawn = layout["arrows"].as_array().unwrap().len();
    assert_eq!(drawn, evacmap::map::overlay::MAX_ARROWS);
    assert_eq!(layout["arrows_left_out"], true);
    // A cluster's circle is dark slate where the layout says it is.
    let dark = |p: &image::Rgba<u8>| p[0] < 90 && p[1] < 100 && p[2] < 120;
    let found = clusters.iter().filter(|c| {
        let at = c["center"].as_array().unwrap();
        let (x, y) = (
            at[0].as_f64().unwrap() as i64,
            at[1].as_f64().unwrap() as i64,
        );
        // Beside the count's digits, inside the circle.
        [(-9, 0), (9, 0), (0, -9), (0, 9)].iter().any(|(dx, dy)| {
            let (px, py) = ((x + dx) as u32, (y + dy) as u32);
            view.contains((px as f64, py as f64)) && dark(image.get_pixel(px, py))
        })
    });
    assert!(
        found.count() * 2 >= clusters.len(),
        "most clusters are drawn where the layout says"
    );
}

#[test]
fn the_13_may_layout_lists_the_event_badge_at_qaboun_and_the_statement_at_syria() {
    let Some(display) = display() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (_, layout) = screenshot(
        &display,
        dir.path(),
        &[
            "--tiles",
            "offline",
            "--from",
            "2017-05-13",
            "--to",
            "2017-05-13",
        ],
    );
    let marks = layout["events"]
        .as_array()
        .expect("the layout lists events");
    let events_of = |mark: &serde_json::Value| -> Vec<String> {
        mark["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap().to_owned())
            .collect()
    };
    let badge = marks
        .iter()
        .find(|m| m["kind"] == "badge" && events_of(m).contains(&"qaboun-agreement".into()))
        .unwrap_or_else(|| panic!("no badge holds the Qaboun agreement: {marks:?}"));
    let held = events_of(badge);
    assert!(
        held.contains(&"qaboun-sohr-estimate".to_owned()),
        "{held:?}"
    );
    assert!(badge["center"].as_array().is_some_and(|c| c.len() == 2));
    assert!(
        marks
            .iter()
            .any(|m| events_of(m) == ["un-forcible-displacement"]),
        "the UN's statement at Syria has its own symbol: {marks:?}"
    );
    assert!(
        layout["labels"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["feature"] == "qaboun" && l["text"] == "Qaboun"),
        "{}",
        layout["labels"]
    );
}
