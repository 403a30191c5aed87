//! Tiles against a real HTTP server on 127.0.0.1: what is sent, how failures are retried, the
//! disk cache, offline archives, and a window that stays responsive whatever the server does.

use crate::support;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::support::{Behaviour, TileServer, solid_png};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use evacmap::app::{AppOptions, EvacApp};
use evacmap::map::tiles::cache::DiskCache;
use evacmap::map::tiles::net::{NetOptions, NetTiles, ServerSpec};
use evacmap::map::tiles::{CacheSettings, MapTiles, TileProvider};
use walkers::{TileId, Tiles};

const TILE: TileId = TileId {
    x: 4,
    y: 2,
    zoom: 3,
};
const TILE_PATH: &str = "/3/4/2.png";

fn spec(server: &TileServer) -> ServerSpec {
    ServerSpec {
        template: server.template(),
        subdomains: Vec::new(),
        max_zoom: 19,
    }
}

/// Fast retries, so the tests take seconds.
fn quick() -> NetOptions {
    NetOptions {
        backoff_base: Duration::from_millis(200),
        backoff_max: Duration::from_secs(2),
        max_attempts: 4,
        retry_later: Duration::from_secs(600),
        timeout: Duration::from_secs(2),
        ..NetOptions::default()
    }
}

/// Asks for `tile` every 10 ms, as frames would, until it is drawn or `limit` passes.
fn poll(tiles: &mut NetTiles, tile: TileId, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if tiles.at(tile).is_some() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

#[test]
fn tiles_come_with_evacmaps_user_agent_and_are_served_from_the_disk_cache_once_the_server_is_gone()
{
    let cache_dir = tempfile::tempdir().unwrap();
    let ctx = egui::Context::default();
    {
        let server = TileServer::start(Behaviour::Png(solid_png([220, 30, 30])));
        let cache = DiskCache::new(cache_dir.path().to_owned(), 10_000_000);
        let mut tiles = NetTiles::new(spec(&server), quick(), Some(cache), &ctx);
        assert!(
            poll(&mut tiles, TILE, Duration::from_secs(10)),
            "the tile arrived"
        );
        let seen = server.seen_for(TILE_PATH);
        assert_eq!(seen.len(), 1);
        let agent = seen[0].user_agent.clone().unwrap_or_default();
        assert!(
            agent.starts_with("evacmap/") && agent.contains("https://"),
            "User-Agent: {agent}"
        );
    }
    // The server is gone: a new session draws the tile from the cache.
    let cache = DiskCache::new(cache_dir.path().to_owned(), 10_000_000);
    let dead = ServerSpec {
        template: "http://127.0.0.1:9/{z}/{x}/{y}.png".into(),
        subdomains: Vec::new(),
        max_zoom: 19,
    };
    let mut tiles = NetTiles::new(dead, quick(), Some(cache), &ctx);
    assert!(
        poll(&mut tiles, TILE, Duration::from_secs(5)),
        "the tile came from the disk cache"
    );
}

#[test]
fn a_failing_server_is_retried_with_growing_delays_and_then_left_alone() {
    let server = TileServer::start(Behaviour::Status(500));
    let ctx = egui::Context::default();
    let mut tiles = NetTiles::new(spec(&server), quick(), None, &ctx);
    assert!(!poll(&mut tiles, TILE, Duration::from_secs(4)));
    let seen = server.seen_for(TILE_PATH);
    // max_attempts, then nothing more for `retry_later`.
    assert_eq!(seen.len(), 4, "{} requests", seen.len());
    let gaps: Vec<f64> = seen
        .windows(2)
        .map(|w| (w[1].at - w[0].at).as_secs_f64())
        .collect();
    // Delays are 0.2 s · 2^n · (0.5..1.5): each at least the minimum of its step.
    for (n, gap) in gaps.iter().enumerate() {
        let least = 0.2 * 2f64.powi(n as i32) * 0.5;
        assert!(
            *gap >= least * 0.95,
            "retry {n} came after {gap:.3} s, before {least:.3} s"
        );
    }
    assert!(gaps[2] > gaps[0], "delays grow: {gaps:?}");
    assert_eq!(tiles.status().failed.load(Ordering::Relaxed), 1);
}

#[test]
fn retry_after_is_honoured_on_429() {
    let server = TileServer::start(Behaviour::TooMany {
        retry_after_seconds: 2,
    });
    let ctx = egui::Context::default();
    let mut tiles = NetTiles::new(spec(&server), quick(), None, &ctx);
    poll(&mut tiles, TILE, Duration::from_millis(3500));
    // Another tile asked for during the pause waits too.
    let seen = server.seen();
    assert!(seen.len() >= 2, "it tried again after the pause: {seen:?}");
    let gap = (seen[1].at - seen[0].at).as_secs_f64();
    assert!(
        gap >= 1.95,
        "the second request came {gap:.2} s after a 429 asking for 2 s"
    );
}

#[test]
fn garbage_and_closed_connections_fail_the_tile_without_a_flood_of_requests() {
    for behaviour in [Behaviour::Garbage, Behaviour::Close] {
        let server = TileServer::start(behaviour);
        let ctx = egui::Context::default();
        let mut tiles = NetTiles::new(spec(&server), quick(), None, &ctx);
        assert!(!poll(&mut tiles, TILE, Duration::from_secs(4)));
        let count = server.seen_for(TILE_PATH).len();
        assert!((1..=4).contains(&count), "{count} requests");
    }
}

#[test]
fn a_slow_server_never_makes_the_ui_wait() {
    let server = TileServer::start(Behaviour::Slow(
        Duration::from_secs(5),
        solid_png([0, 0, 200]),
    ));
    let ctx = egui::Context::default();
    let mut tiles = NetTiles::new(spec(&server), quick(), None, &ctx);
    let started = Instant::now();
    for i in 0..200u32 {
        let _ = tiles.at(TileId {
            x: i % 8,
            y: i / 8 % 8,
            zoom: 3,
        });
    }
    assert!(
        started.elapsed() < Duration::from_millis(200),
        "{:?} for 200 asks",
        started.elapsed()
    );
    // At most two requests in flight at once (the OpenStreetMap policy).
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        server.seen().len() <= 2,
        "{} requests in flight",
        server.seen().len()
    );
}

/// The app with tiles from `server`, in a headless harness.
fn app_harness(template: String) -> Harness<'static, EvacApp> {
    let options = AppOptions {
        tiles: Some(TileProvider::custom(&template, "Test tiles", 19).unwrap()),
        reset: true,
        ..AppOptions::default()
    };
    support::app_harness(options, None, 1.0 / 60.0)
}

#[test]
fn the_window_stays_responsive_and_the_story_stays_drawn_whatever_the_server_does() {
    let behaviours = [
        ("500", Behaviour::Status(500)),
        (
            "429",
            Behaviour::TooMany {
                retry_after_seconds: 30,
            },
        ),
        ("garbage", Behaviour::Garbage),
        (
            "slow",
            Behaviour::Slow(Duration::from_secs(5), solid_png([0, 0, 200])),
        ),
        ("close", Behaviour::Close),
    ];
    for (name, behaviour) in behaviours {
        let server = TileServer::start(behaviour);
        let mut harness = app_harness(server.template());
        let mut worst = Duration::ZERO;
        for _ in 0..40 {
            let started = Instant::now();
            harness.step();
            worst = worst.max(started.elapsed());
            std::thread::sleep(Duration::from_millis(10));
        }
        // A debug build drawing the whole window: bounded, never a network wait (≥ 5 s here).
        assert!(
            worst < Duration::from_millis(1500),
            "{name}: a frame took {worst:?}"
        );
        let app = harness.state();
        assert!(
            !app.last_overlay().markers.is_empty(),
            "{name}: the story is drawn"
        );
        assert!(app.tiles().is_some(), "{name}: tiles are still asked for");
        assert!(
            server.seen().len() < 60,
            "{name}: {} requests in half a second",
            server.seen().len()
        );
    }
}

#[test]
fn tiles_from_the_server_reach_the_map() {
    let server = TileServer::start(Behaviour::Png(solid_png([220, 30, 30])));
    let mut harness = app_harness(server.template());
    let deadline = Instant::now() + Duration::from_secs(15);
    let loaded = |harness: &Harness<'_, EvacApp>| match harness.state().tiles() {
        Some(MapTiles::Net(net)) => net.ready(),
        _ => 0,
    };
    while loaded(&harness) < 4 && Instant::now() < deadline {
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        loaded(&harness) >= 4,
        "only {} tiles loaded",
        loaded(&harness)
    );
    // Now that its tiles are on screen, the provider is credited beside Natural Earth.
    harness.run_steps(2);
    harness.get_by_label("Test tiles");
    harness.get_by_label("Natural Earth");
    let agents: Vec<String> = server
        .seen()
        .into_iter()
        .filter_map(|s| s.user_agent)
        .collect();
    assert!(
        agents.iter().all(|a| a.starts_with("evacmap/")),
        "{agents:?}"
    );
    // Zoom 7–8 tiles of the story's area were asked for.
    assert!(
        server
            .seen()
            .iter()
            .all(|s| s.path.starts_with("/7/") || s.path.starts_with("/8/")),
        "{:?}",
        server.seen()
    );
}

#[test]
fn an_mbtiles_archive_made_here_opens_and_draws_beyond_its_deepest_level() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.mbtiles");
    support::make_mbtiles(&path, [10, 160, 60]);
    let ctx = egui::Context::default();
    let provider = TileProvider::parse(path.to_str().unwrap()).unwrap();
    let Ok(Some(MapTiles::MbTiles(mut tiles))) = provider.open(&ctx, &CacheSettings::default())
    else {
        panic!("the archive opens as MBTiles");
    };
    assert_eq!(tiles.zoom_range(), (0, 2));
    assert_eq!(tiles.attribution_text(), Some("Test archive"));
    assert!(
        tiles
            .at(TileId {
                x: 1,
                y: 2,
                zoom: 2
            })
            .is_some()
    );
    // Zoom 5 is cut from zoom 2.
    let piece = tiles.at(TileId {
        x: 9,
        y: 17,
        zoom: 5,
    });
    let piece = piece.expect("a deeper tile is drawn from the last level");
    assert!((piece.uv.width() - 0.125).abs() < 1e-6, "{:?}", piece.uv);
}

/// Little-endian base-128 varint, as PMTiles directories use.
fn varint(mut value: u64, out: &mut Vec<u8>) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// A PMTiles v3 file with one PNG tile at zoom 0, written from the specification.
fn make_pmtiles(path: &std::path::Path) {
    let tile = solid_png([200, 120, 0]);
    let mut directory = Vec::new();
    varint(1, &mut directory); // entries
    varint(0, &mut directory); // tile id (delta)
    varint(1, &mut directory); // run length
    varint(tile.len() as u64, &mut directory); // length
    varint(1, &mut directory); // offset + 1
    let metadata = b"{}".to_vec();
    let root_offset = 127u64;
    let metadata_offset = root_offset + directory.len() as u64;
    let data_offset = metadata_offset + metadata.len() as u64;
    let mut header = Vec::with_capacity(127);
    header.extend_from_slice(b"PMTiles");
    header.push(3);
    for value in [
        root_offset,
        directory.len() as u64,
        metadata_offset,
        metadata.len() as u64,
        data_offset, // leaf directories: none
        0,
        data_offset,
        tile.len() as u64,
        1, // addressed tiles
        1, // tile entries
        1, // tile contents
    ] {
        header.extend_from_slice(&value.to_le_bytes());
    }
    header.extend_from_slice(&[1, 1, 1, 2, 0, 0]); // clustered, no compression ×2, PNG, zooms 0–0
    for value in [-1_800_000_000i32, -850_000_000, 1_800_000_000, 850_000_000] {
        header.extend_from_slice(&value.to_le_bytes());
    }
    header.push(0);
    header.extend_from_slice(&0i32.to_le_bytes());
    header.extend_from_slice(&0i32.to_le_bytes());
    assert_eq!(header.len(), 127);
    let mut file = header;
    file.extend_from_slice(&directory);
    file.extend_from_slice(&metadata);
    file.extend_from_slice(&tile);
    std::fs::write(path, file).unwrap();
}

#[test]
fn a_pmtiles_archive_made_here_opens_and_its_tile_loads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("test.pmtiles");
    make_pmtiles(&path);
    let ctx = egui::Context::default();
    let provider = TileProvider::parse(path.to_str().unwrap()).unwrap();
    let Ok(Some(mut tiles)) = provider.open(&ctx, &CacheSettings::default()) else {
        panic!("the archive opens");
    };
    assert!(matches!(tiles, MapTiles::PmTiles(_)));
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut drawn = false;
    while !drawn && Instant::now() < deadline {
        drawn = tiles
            .as_tiles()
            .at(TileId {
                x: 0,
                y: 0,
                zoom: 0,
            })
            .is_some();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(drawn, "the zoom-0 tile was read from the archive");
}

#[test]
fn a_vector_pmtiles_archive_is_refused_and_the_app_falls_back_to_the_offline_basemap() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vector.pmtiles");
    make_pmtiles(&path);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[99] = 1; // MVT
    std::fs::write(&path, bytes).unwrap();
    let options = AppOptions {
        tiles: Some(TileProvider::Archive { path: path.clone() }),
        reset: true,
        ..AppOptions::default()
    };
    let app = EvacApp::new(&egui::Context::default(), options, None);
    assert_eq!(app.tile_provider(), &TileProvider::Offline);
    let error = app.tile_error().unwrap();
    assert!(
        error.contains("vector (MVT)") && error.contains("raster archives"),
        "{error}"
    );
}
