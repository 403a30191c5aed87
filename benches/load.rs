//! Loading speed: a generated story of 100,000 features, parsed and fully checked.

#![allow(
    clippy::unwrap_used,
    clippy::let_underscore_must_use,
    clippy::too_many_lines,
    reason = "tests and benches: a panic is the check failing, and a long test reads as one story"
)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

// The same allocator as the evacmap binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A valid story of 100,000 features from `evacmap::generate` (a third each places, movements
/// and events, every one citing sources).
fn load(c: &mut Criterion) {
    let story = evacmap::generate::story(100_000, 1);
    assert!(evacmap::io::parse_bytes(story.as_bytes(), "generated").is_ok());
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(story.len() as u64));
    group.bench_function("100k_features", |b| {
        b.iter(|| evacmap::io::parse_bytes(black_box(story.as_bytes()), "generated"))
    });
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
