//! Issue 28's view numbers against a real database: how long a story in PostGIS takes to come
//! into the window for a view and a time range (the connection, the query, the rows read as a
//! story), as the window asks for it. Needs a database with a story pushed:
//!
//!   evacmap generate 1000000 --out /tmp/story1m.geojson
//!   evacmap push /tmp/story1m.geojson 'postgres://evacmap@127.0.0.1:5432/postgres?story=big'
//!   EVACMAP_BENCH_DB='postgres://evacmap@127.0.0.1:5432/postgres?story=big' \
//!       cargo bench --bench postgis_view
//!
//! Without `EVACMAP_BENCH_DB` it says so and measures nothing.

use std::time::Instant;

use chrono::NaiveDate;
use evacmap::io::LoadProgress;
use evacmap::io::remote::Window;
use evacmap::model::DaySpan;

fn main() {
    let Ok(address) = std::env::var("EVACMAP_BENCH_DB") else {
        println!("postgis_view: set EVACMAP_BENCH_DB to a database address with a story");
        return;
    };
    let target = evacmap::postgis::Target::parse(&address).expect("an address");
    let year = |y: i32| DaySpan {
        first: NaiveDate::from_ymd_opt(y, 1, 1),
        last: NaiveDate::from_ymd_opt(y, 12, 31),
    };
    let cases = [
        (
            "the whole story, all time (before the map has a view)",
            None,
            DaySpan::default(),
        ),
        (
            "the country in view, all time (country zoom)",
            Some([34.0, 31.0, 43.0, 38.5]),
            DaySpan::default(),
        ),
        (
            "a city, one year (Damascus, 2017)",
            Some([36.1, 33.3, 36.5, 33.7]),
            year(2017),
        ),
        (
            "the city panned east",
            Some([36.3, 33.3, 36.7, 33.7]),
            year(2017),
        ),
        (
            "the range moved a year on",
            Some([36.3, 33.3, 36.7, 33.7]),
            year(2018),
        ),
    ];
    for (what, bbox, range) in cases {
        let window = Window { bbox, range };
        let mut times = Vec::new();
        let mut overviews = Vec::new();
        let mut features = 0;
        for _ in 0..3 {
            let started = Instant::now();
            let progress = std::sync::Arc::new(LoadProgress::default());
            // The overview, if the story shows one for this window: when the reader reads
            // the window's progress, as the window does each frame.
            let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let watcher = {
                let progress = std::sync::Arc::clone(&progress);
                let done = std::sync::Arc::clone(&done);
                std::thread::spawn(move || {
                    while !done.load(std::sync::atomic::Ordering::Relaxed) {
                        if progress.overview().is_some() {
                            return Some(started.elapsed().as_secs_f64());
                        }
                        std::thread::sleep(std::time::Duration::from_millis(2));
                    }
                    None
                })
            };
            let loaded =
                evacmap::postgis::read::open(&target, &window, &progress).expect("the story opens");
            times.push(started.elapsed().as_secs_f64());
            done.store(true, std::sync::atomic::Ordering::Relaxed);
            overviews.extend(watcher.join().ok().flatten());
            features = loaded.dataset.len();
        }
        times.sort_by(f64::total_cmp);
        overviews.sort_by(f64::total_cmp);
        let overview = match overviews.as_slice() {
            [_, middle, _] => format!("; its overview after {middle:.3} s"),
            _ => String::new(),
        };
        println!(
            "{what}: {features} features in {:.2} s (median of 3; {:.2}–{:.2} s){overview}",
            times[1], times[0], times[2]
        );
    }
}
