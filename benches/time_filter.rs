//! Changing the time range over 1,000,000 dated events: the sorted index touches only the
//! events that cross the range's moving edges.

#![allow(
    clippy::unwrap_used,
    clippy::let_underscore_must_use,
    clippy::too_many_lines,
    reason = "tests and benches: a panic is the check failing, and a long test reads as one story"
)]

use chrono::{Days, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use evacmap::filter::{TimeIndex, VisibleSet};
use evacmap::model::DaySpan;
use std::hint::black_box;

const EVENTS: u64 = 1_000_000;

/// One million events spread over 20 years, most a day long, some a month, a few open-ended.
fn spans() -> Vec<Option<DaySpan>> {
    let base = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    let mut seed = 7u64;
    (0..EVENTS)
        .map(|_| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let start = base + Days::new((seed >> 33) % 7300);
            let length = match (seed >> 20) % 20 {
                0 => 30,
                1 => 365,
                _ => 0,
            };
            match (seed >> 12) % 100 {
                0 => Some(DaySpan {
                    first: Some(start),
                    last: None,
                }),
                1 => None,
                _ => Some(DaySpan::days(start, start + Days::new(length))),
            }
        })
        .collect()
}

fn change_range(c: &mut Criterion) {
    let index = TimeIndex::new(spans());
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let week = DaySpan::days(day(2010, 5, 8), day(2010, 5, 14));
    let mut group = c.benchmark_group("time_filter_1M");

    // Playback: the week slides forward a day at a time.
    let mut visible = VisibleSet::new(&index, &week);
    let mut offset = 0u64;
    group.bench_function("slide_one_day", |b| {
        b.iter(|| {
            offset = (offset + 1) % 3000;
            let first = week.first.unwrap() + Days::new(offset);
            visible.set_range(
                &index,
                black_box(&DaySpan::days(first, first + Days::new(6))),
            );
        })
    });

    // A jump: from one week to another a year away.
    let far = DaySpan::days(day(2011, 5, 8), day(2011, 5, 14));
    let mut visible = VisibleSet::new(&index, &week);
    let mut flip = false;
    group.bench_function("jump_a_year", |b| {
        b.iter(|| {
            flip = !flip;
            visible.set_range(&index, black_box(if flip { &far } else { &week }));
        })
    });

    // Typing a new month in the range fields.
    let month = DaySpan::days(day(2015, 3, 1), day(2015, 3, 31));
    let mut visible = VisibleSet::new(&index, &week);
    let mut flip = false;
    group.bench_function("week_to_a_month", |b| {
        b.iter(|| {
            flip = !flip;
            visible.set_range(&index, black_box(if flip { &month } else { &week }));
        })
    });
    group.finish();
}

criterion_group!(benches, change_range);
criterion_main!(benches);
