//! Frame CPU time: the UI pass (layout, basemap, markers, arrows, labels, hit-testing under the
//! pointer) plus tessellation into triangles, in a headless egui harness (no GPU upload or
//! drawing). First the bundled story with the pointer sweeping over the map; then a generated
//! story (EVACMAP_BENCH_FEATURES features, default 100,000) at country zoom, at city zoom and
//! while panning; each zoom also with the pointer still, to tell what a moving pointer's
//! hit-testing costs. Prints the median, the 95th percentile and the worst frame of each.
//!
//! Run with `cargo bench --bench frame_time` (or `EVACMAP_BENCH_FEATURES=1000000 cargo bench
//! --bench frame_time` for a million features).

#![allow(
    clippy::unwrap_used,
    clippy::let_underscore_must_use,
    clippy::too_many_lines,
    reason = "tests and benches: a panic is the check failing, and a long test reads as one story"
)]

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use evacmap::app::{AppOptions, EvacApp};
use evacmap::map::tiles::TileProvider;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn harness(options: AppOptions) -> Harness<'static, EvacApp> {
    let app = EvacApp::new(&egui::Context::default(), options, None);
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_context_setup(evacmap::app::install_fonts)
        .build_ui_state(|ui, app: &mut EvacApp| app.show(ui), app);
    harness.run_steps(3);
    let started = Instant::now();
    // Loaded and the view's zoom level worked out (a thread does that for a big story):
    // frames are timed with nothing else running.
    while (harness.state().is_loading() || harness.state().last_overlay().level_pending)
        && started.elapsed() < Duration::from_secs(600)
    {
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    harness.run_steps(3);
    harness
}

/// Times `frames` frames, `before` preparing each (pointer moves, drags).
fn time_frames(
    harness: &mut Harness<'static, EvacApp>,
    frames: usize,
    mut before: impl FnMut(&mut Harness<'static, EvacApp>, f32),
) -> Vec<Duration> {
    let mut times = Vec::with_capacity(frames);
    for frame in 0..frames {
        before(harness, frame as f32 / frames as f32);
        let start = Instant::now();
        harness.step();
        let output = harness.output();
        let triangles = harness
            .ctx
            .tessellate(output.shapes.clone(), output.pixels_per_point);
        std::hint::black_box(triangles);
        times.push(start.elapsed());
    }
    times
}

fn report(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "frame_time {name}: {} frames, median {:.2} ms, p95 {:.2} ms, worst {:.2} ms",
        times.len(),
        ms(at(0.5)),
        ms(at(0.95)),
        ms(at(1.0))
    );
}

/// What the last frame drew: the work of a frame follows it.
fn drawn(harness: &Harness<'static, EvacApp>) {
    let output = harness.output();
    let meshes = harness
        .ctx
        .tessellate(output.shapes.clone(), output.pixels_per_point);
    let (vertices, indices) =
        meshes
            .iter()
            .fold((0, 0), |(v, i), clipped| match &clipped.primitive {
                egui::epaint::Primitive::Mesh(mesh) => {
                    (v + mesh.vertices.len(), i + mesh.indices.len())
                }
                egui::epaint::Primitive::Callback(_) => (v, i),
            });
    println!(
        "  tessellated: {vertices} vertices, {indices} indices, in {} meshes",
        meshes.len()
    );
    let overlay = harness.state().last_overlay();
    println!(
        "  drawn: {} markers, {} clusters, {} arrows, {} event symbols, {} labels, {} arrow labels",
        overlay.markers.len(),
        overlay.clusters.len(),
        overlay.arrows.len(),
        overlay.events.len(),
        overlay.labels.len(),
        overlay.arrow_labels.len()
    );
}

fn options() -> AppOptions {
    AppOptions {
        tiles: Some(TileProvider::Offline),
        reset: true,
        ..AppOptions::default()
    }
}

fn main() {
    // As the app sets it up.
    evacmap::memory::configure_process();
    let mut bundled = harness(options());
    let map = bundled.state().map_rect().expect("the map was drawn");
    let sweep = time_frames(&mut bundled, 300, |h, t| {
        h.hover_at(map.lerp_inside(egui::vec2(0.2 + 0.6 * t, 0.9 - 0.8 * t)));
    });
    report("bundled story, pointer sweeping", sweep);

    let features: usize = std::env::var("EVACMAP_BENCH_FEATURES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join(format!("generated-{features}.geojson"));
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("story file"));
    evacmap::generate::write_story(&mut file, features, 1).expect("story written");
    drop(file);
    // More frames (EVACMAP_BENCH_FRAMES) make a profile of the frames alone.
    let frames = std::env::var("EVACMAP_BENCH_FRAMES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(if features > 200_000 { 30 } else { 100 });
    // EVACMAP_BENCH_VIEW=city (or country) measures one view only.
    let only = std::env::var("EVACMAP_BENCH_VIEW").unwrap_or_default();
    for (name, view) in [
        ("country zoom (Syria, zoom 7)", (38.3, 35.0, 7.0)),
        ("city zoom (Aleppo, zoom 12)", (37.16, 36.2, 12.0)),
    ] {
        if !name.starts_with(only.as_str()) {
            continue;
        }
        let mut h = harness(AppOptions {
            file: Some(path.clone()),
            view: Some(view),
            ..options()
        });
        let map = h.state().map_rect().expect("the map was drawn");
        let times = time_frames(&mut h, frames, |h, t| {
            h.hover_at(map.lerp_inside(egui::vec2(0.2 + 0.6 * t, 0.5)));
        });
        report(&format!("{features} features, {name}"), times);
        drawn(&h);
        // The same view with the pointer still: the difference from the frames above is what
        // hit-testing a moving pointer costs (egui redraws the whole frame either way).
        let still = map.lerp_inside(egui::vec2(0.5, 0.5));
        let times = time_frames(&mut h, frames, |h, _| h.hover_at(still));
        report(
            &format!("{features} features, {name}, pointer still"),
            times,
        );
        if name.starts_with("country") {
            // Panning: a drag across the map, one step per frame.
            let start = map.center();
            h.drag_at(start);
            let times = time_frames(&mut h, frames, |h, t| {
                h.hover_at(start + egui::vec2(-300.0 * t, 120.0 * t));
            });
            h.drop_at(start + egui::vec2(-300.0, 120.0));
            report(
                &format!("{features} features, panning at country zoom"),
                times,
            );
        }
    }
}
