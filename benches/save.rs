//! Saving a big story after one edit: a place moved, the story saved faithfully (untouched
//! features copied from the file read, the moved one merged into its text).
//!
//! `cargo bench --bench save` generates a story of `EVACMAP_BENCH_FEATURES` features (default
//! 1,000,000) in a temporary folder; `EVACMAP_BENCH_FILE=story.geojson` saves that one instead.
//! Prints the time of the save, and the memory resident before it and at its peak (Linux's
//! VmHWM, reset before the save), beside the file's size.

#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    reason = "a bench binary: a panic is the check failing, and it reports on standard output"
)]

use std::io::Write;
use std::time::Instant;

use evacmap::io::save::{Original, save_story};
use evacmap::model::edit::{Change, Edit, History, Origins};
use evacmap::model::{Feature, FeatureIndex};

// The same allocator as the evacmap binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A figure of /proc/self/status, in MB.
fn status_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1000.0)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    evacmap::memory::configure_process();
    let dir = tempfile::tempdir().unwrap();
    let path = match std::env::var_os("EVACMAP_BENCH_FILE") {
        Some(path) => path.into(),
        None => {
            let count = std::env::var("EVACMAP_BENCH_FEATURES")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(1_000_000);
            let path = dir.path().join("story.geojson");
            let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
            evacmap::generate::write_story(&mut file, count, 1).unwrap();
            file.flush().unwrap();
            path
        }
    };
    let file_mb = std::fs::metadata(&path).unwrap().len() as f64 / 1e6;
    let original = Original::file(&path).unwrap();
    let started = Instant::now();
    let mut dataset = evacmap::io::load_file(&path).unwrap().dataset;
    println!(
        "read {} features ({file_mb:.0} MB) in {:.2} s",
        dataset.len(),
        started.elapsed().as_secs_f64()
    );
    let mut origins = Origins::read(dataset.len());
    let (at, before) = dataset
        .features()
        .enumerate()
        .find(|(_, f)| matches!(f, Feature::Place(_)))
        .map(|(i, f)| (FeatureIndex(i), f))
        .unwrap();
    let mut after = before.clone();
    after.common_mut().geometry = Some(geo::Geometry::Point(geo::Point::new(36.5, 33.5)));
    let edit = Edit::new("move a place", vec![Change::replace(at, before, after)]);
    History::new().perform(edit, &mut dataset, &mut origins);

    // Linux: writing 5 to clear_refs resets the peak (VmHWM) to what is resident now.
    std::fs::write("/proc/self/clear_refs", "5").ok();
    let resident = status_mb("VmRSS:");
    let target = dir.path().join("saved.geojson");
    let started = Instant::now();
    let report = save_story(&target, &dataset, Some((&original, &origins))).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let peak = status_mb("VmHWM:");
    let saved_mb = std::fs::metadata(&target).unwrap().len() as f64 / 1e6;
    println!(
        "saved {saved_mb:.0} MB in {seconds:.2} s: {} copied, {} merged, {} written anew",
        report.copied, report.merged, report.written
    );
    println!(
        "resident before the save {resident:.0} MB, at its peak {peak:.0} MB (+{:.0} MB); \
         the peak is {:.2}× the file",
        peak - resident,
        peak / file_mb
    );
}
