//! Frame CPU time with the bundled story loaded: 300 frames in a headless egui harness (no GPU),
//! the pointer sweeping over the map so hover and hit-testing run every frame. A frame is the
//! UI pass (layout, basemap, markers, arrows, labels) plus tessellation into triangles; only the
//! GPU upload and drawing are left out. Prints the median and the worst frame.
//! Run with `cargo bench --bench frame_time`.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use evacmap::app::{AppOptions, EvacApp};
use evacmap::map::tiles::TileProvider;

const FRAMES: usize = 300;

fn main() {
    let options = AppOptions {
        tiles: Some(TileProvider::Offline),
        reset: true,
        ..AppOptions::default()
    };
    let app = EvacApp::new(&egui::Context::default(), options, None);
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_context_setup(evacmap::app::install_fonts)
        .build_ui_state(|ui, app: &mut EvacApp| app.show(ui), app);
    harness.run_steps(5);
    let map = harness.state().map_rect().expect("the map was drawn");
    let mut times: Vec<Duration> = Vec::with_capacity(FRAMES);
    for frame in 0..FRAMES {
        let t = frame as f32 / FRAMES as f32;
        let pointer = map.lerp_inside(egui::vec2(0.2 + 0.6 * t, 0.9 - 0.8 * t));
        harness.hover_at(pointer);
        let start = Instant::now();
        harness.step();
        let output = harness.output();
        let shapes = output.shapes.clone();
        let triangles = harness.ctx.tessellate(shapes, output.pixels_per_point);
        std::hint::black_box(triangles);
        times.push(start.elapsed());
    }
    times.sort();
    let median = times[FRAMES / 2];
    let worst = times[FRAMES - 1];
    println!(
        "frame_time: {FRAMES} frames, median {:.2} ms, worst {:.2} ms",
        median.as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3
    );
}
