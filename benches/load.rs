//! Loading speed: a generated story of 100,000 features, parsed and fully checked.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

// The same allocator as the evacmap binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A valid story with `count` features: a third places, a third movements between them,
/// a third events at them, every one citing sources.
fn generated_story(count: usize) -> String {
    let mut features = Vec::with_capacity(count);
    let places = count / 3;
    for i in 0..places {
        let lon = 35.0 + (i % 1000) as f64 * 0.005;
        let lat = 32.0 + (i / 1000) as f64 * 0.005;
        features.push(format!(
            r#"{{"type":"Feature","id":"p{i}","geometry":{{"type":"Point","coordinates":[{lon},{lat}]}},"properties":{{"kind":"place","name":"Place {i}","place_type":"village","geo_precision":"exact","control":[{{"when":"2017-05","status":"government","sources":["a"]}}],"sources":["a"]}}}}"#
        ));
    }
    for i in 0..places {
        let to = (i + 1) % places;
        features.push(format!(
            r#"{{"type":"Feature","id":"m{i}","geometry":null,"properties":{{"kind":"movement","from":"p{i}","to":"p{to}","when":"2017-05-{day:02}","movement_type":"evacuation","status":"completed","figures":[{{"measure":"people","value":{i},"qualifier":"about","sources":["a"]}},{{"measure":"fighters","value":12,"qualifier":"exact","sources":["b"]}}],"sources":["a","b"]}}}}"#,
            day = 1 + i % 28
        ));
    }
    for i in 0..count - 2 * places {
        features.push(format!(
            r#"{{"type":"Feature","id":"e{i}","geometry":null,"properties":{{"kind":"event","event_type":"clashes","when":"2016/2017-0{m}","place":"p{p}","summary":"Clashes reported","sources":["b"]}}}}"#,
            m = 1 + i % 9,
            p = i % places
        ));
    }
    format!(
        r#"{{"type":"FeatureCollection","evacmap":{{"version":1,"sources":{{"a":{{"name":"A"}},"b":{{"name":"B"}}}}}},"features":[{}]}}"#,
        features.join(",\n")
    )
}

fn load(c: &mut Criterion) {
    let story = generated_story(100_000);
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
