//! A big story's overview from its store, drawn while the story's features are read: discs
//! and arrows the keyboard and a screen reader find by name, framed when it shows, and gone
//! when the features come, the view left where the reader has it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use egui_kittest::kittest::{NodeT, Queryable};
use evacmap::io::overview::Overview;

use super::ui::harness;
use crate::support;

fn overview() -> Overview {
    Overview::from_json(
        1_000_000,
        0.1,
        &serde_json::json!([
            [37.2, 36.2, 70000, 140000, 70000],
            [36.3, 33.5, 50000, 10, 5]
        ]),
        &serde_json::json!([[0, 1, 150, 10000]]),
    )
    .unwrap()
}

const ALEPPO: &str = "Overview: 70,000 places around 36.20° N, 37.20° E, with 140,000 events";
const ARROW: &str = "Overview: 150 movements, 10,000 people or more, from around 36.20° N, \
                     37.20° E to around 33.50° N, 36.30° E";

/// The app reading a big story whose overview shows until `released` is set; stepped until
/// the overview is drawn.
fn loading_with_overview(
    released: &Arc<AtomicBool>,
) -> egui_kittest::Harness<'static, evacmap::app::EvacApp> {
    let mut harness = harness();
    let release = Arc::clone(released);
    let story =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/damascus-2017-05.geojson");
    let job = evacmap::open::job::LoadJob::start_with(
        std::path::Path::new("postgres://127.0.0.1/evacmap?story=big"),
        move |_, progress| {
            progress.set_overview(overview());
            let started = Instant::now();
            while !release.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(30) {
                std::thread::sleep(Duration::from_millis(5));
            }
            evacmap::io::load_file(&story)
        },
    );
    harness.state_mut().start_load(job);
    let started = Instant::now();
    while harness.query_by_label_contains(ALEPPO).is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no overview in ten seconds"
        );
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    harness.run_steps(2);
    harness
}

#[test]
fn a_big_storys_overview_shows_while_its_features_load() {
    let released = Arc::new(AtomicBool::new(false));
    let mut harness = loading_with_overview(&released);
    assert!(harness.state().is_loading());
    harness.get_by_label_contains("Overview: 50,000 places around 33.50° N, 36.30° E");
    harness.get_by_label(ARROW);
    // Framed: both discs in a country's view.
    let framed = harness.state().zoom();
    assert!((5.0..9.0).contains(&framed), "zoom {framed}");
    // A disc opens on its places.
    harness.get_by_label_contains(ALEPPO).click();
    harness.run_steps(3);
    let zoomed = harness.state().zoom();
    assert!(zoomed >= framed + 1.0, "{framed} → {zoomed}");
    // The features come: the overview goes, and the view stays where the reader put it.
    released.store(true, Ordering::Relaxed);
    support::wait_for_load(&mut harness);
    assert!(harness.query_by_label_contains("Overview:").is_none());
    assert!((harness.state().zoom() - zoomed).abs() < 1e-9);
}

/// The overview's discs are reached with Tab and opened with Enter, as a click opens them.
#[test]
fn an_overview_disc_is_reached_and_opened_with_the_keyboard() {
    let released = Arc::new(AtomicBool::new(false));
    let mut harness = loading_with_overview(&released);
    let framed = harness.state().zoom();
    let disc = harness
        .get_by_label_contains(ALEPPO)
        .accesskit_node()
        .label()
        .unwrap();
    let presses = crate::editing::key_until(
        &mut harness,
        (egui::Modifiers::NONE, egui::Key::Tab),
        &disc,
        80,
    );
    eprintln!("Tab presses to the Aleppo disc: {presses}");
    harness.key_press(egui::Key::Enter);
    harness.run_steps(3);
    assert!(harness.state().zoom() >= framed + 1.0);
    released.store(true, Ordering::Relaxed);
    support::wait_for_load(&mut harness);
}
