use std::cell::Cell;

use chrono::NaiveDate;

use crate::import::table::Table;
use crate::import::{columns, flows, locations};
use crate::io::{LoadProgress, Problem};
use crate::model::Dataset;

thread_local! {
    /// The chunk size [`super::read_file`] reads in on this thread, where a test sets one.
    pub static CHUNK_BYTES: Cell<Option<u64>> = const { Cell::new(None) };
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 5).expect("a date")
}

fn fixture(name: &str) -> Vec<u8> {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    std::fs::read(folder.join(name)).expect("the fixture")
}

fn shown(warnings: &[Problem]) -> Vec<String> {
    warnings.iter().map(ToString::to_string).collect()
}

/// A table's story and warnings read whole by `whole`, and read from its text in chunks of
/// every size in `sizes` by `chunked`: the same.
fn assert_same(
    text: &[u8],
    what: &str,
    sizes: &[u64],
    whole: impl Fn(&Table, &mut Vec<Problem>) -> Dataset,
    chunked: impl Fn(&[u8]) -> (Dataset, Vec<Problem>),
) -> Vec<String> {
    let mut whole_warnings = Vec::new();
    let table = Table::parse(text, &mut whole_warnings).expect("a table");
    let expected = whole(&table, &mut whole_warnings);
    assert!(!expected.is_empty(), "{what}");
    for &size in sizes {
        CHUNK_BYTES.with(|bytes| bytes.set(Some(size)));
        let (dataset, warnings) = chunked(text);
        CHUNK_BYTES.with(|bytes| bytes.set(None));
        assert_eq!(
            shown(&warnings),
            shown(&whole_warnings),
            "{what}, chunks of {size}"
        );
        assert_eq!(dataset.meta, expected.meta, "{what}, chunks of {size}");
        assert_eq!(dataset.len(), expected.len(), "{what}, chunks of {size}");
        for (i, (a, b)) in dataset.features().zip(expected.features()).enumerate() {
            assert_eq!(a, b, "{what}, chunks of {size}: feature {i}");
        }
    }
    shown(&whole_warnings)
}

const SIZES: [u64; 5] = [1, 7, 64, 300, 1 << 20];

/// Every flow table fixture (UNHCR's yearly and monthly, an origin–destination table,
/// flowmap.blue's flows with their locations, a table by chosen columns) read in chunks of
/// every size gives the story and the warnings the table held whole gives.
#[test]
fn flow_tables_read_in_chunks_are_the_tables_held_whole() {
    let progress = LoadProgress::default();
    for name in ["unhcr-yearly.csv", "unhcr-monthly.csv"] {
        let text = fixture(name);
        assert_same(
            &text,
            name,
            &SIZES,
            |table, warnings| flows::read_countries(table, name, today(), warnings),
            |text| {
                let open = || Ok(text);
                flows::read_countries_file(open, text.len() as u64, name, today(), &progress)
                    .expect("read")
            },
        );
    }
    let text = fixture("od-points.csv");
    assert_same(
        &text,
        "od-points.csv",
        &SIZES,
        |table, warnings| flows::read_points(table, "od.csv", today(), warnings),
        |text| {
            let open = || Ok(text);
            flows::read_points_file(open, text.len() as u64, "od.csv", today(), &progress)
                .expect("read")
        },
    );
    let locations_text = fixture("flowmap/locations.csv");
    let places = Table::parse(&locations_text, &mut Vec::new()).expect("locations");
    let text = fixture("flowmap/flows.csv");
    assert_same(
        &text,
        "flowmap/flows.csv",
        &SIZES,
        |table, warnings| {
            locations::read_pair(table, "flows.csv", &places, "loc.csv", today(), warnings)
        },
        |text| {
            let open = || Ok(text);
            let size = text.len() as u64;
            locations::read_pair_file(
                open,
                size,
                "flows.csv",
                &places,
                "loc.csv",
                today(),
                &progress,
            )
            .expect("read")
        },
    );
    let mapping = columns::ColumnMapping::parse_assignments(
        "date=reported, latitude=northing, longitude=easting, name=site, count=persons, \
         source=outlet",
    )
    .expect("a mapping");
    let text = fixture("shelters.csv");
    assert_same(
        &text,
        "shelters.csv",
        &SIZES,
        |table, warnings| {
            columns::read(table, &mapping, "s.csv", today(), warnings).expect("the columns")
        },
        |text| {
            let open = || Ok(text);
            let size = text.len() as u64;
            columns::read_file(open, size, &mapping, "s.csv", today(), &progress)
                .expect("read")
                .expect("the columns")
        },
    );
}

/// A generated UNHCR table with rows that are left out (an unknown country, a year that is
/// none, no count, a record that is not UTF-8) and a table by chosen columns between countries
/// read in chunks are the tables held whole; a mapping naming a missing column is refused.
#[test]
fn generated_tables_with_bad_rows_read_in_chunks_are_the_tables_held_whole() {
    let progress = LoadProgress::default();
    let mut text = Vec::new();
    crate::generate::tables::write_unhcr(&mut text, 3_000, 9).expect("written");
    let mut lines: Vec<Vec<u8>> = text.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    lines[10] = b"2017,Atlantis,ATL,Lebanon,LBN,5,0,0,0,0,0,0,0,0".to_vec();
    lines[500] = b"next year,Syria,SYR,Lebanon,LBN,5,0,0,0,0,0,0,0,0".to_vec();
    lines[1200] = b"2017,Syria,SYR,Lebanon,LBN,0,0,0,0,0,0,0,0,0".to_vec();
    lines[2000] = b"2017,Syria,SYR,Syria,SYR,4,0,0,0,0,0,0,0,0".to_vec();
    lines[2500] = b"2017,Syr\xe9a,SYR,Lebanon,LBN,4,0,0,0,0,0,0,0,0".to_vec();
    let text = lines.join(&b'\n');
    let warnings = assert_same(
        &text,
        "generated UNHCR",
        &[64, 1000, 20_000, 1 << 20],
        |table, warnings| flows::read_countries(table, "u.csv", today(), warnings),
        |text| {
            let open = || Ok(text);
            flows::read_countries_file(open, text.len() as u64, "u.csv", today(), &progress)
                .expect("read")
        },
    );
    let lines: Vec<&str> = warnings
        .iter()
        .map(|w| w.split(':').next().unwrap_or(""))
        .collect();
    assert_eq!(
        lines,
        ["2501", "11", "501", "1201", "2001"],
        "{warnings:#?}"
    );
    let mapping = columns::ColumnMapping::parse_assignments(
        "date=Year, origin=Country of origin (ISO), destination=Country of asylum (ISO), \
         count=Asylum-seekers",
    )
    .expect("a mapping");
    assert_same(
        &text,
        "generated UNHCR by chosen columns",
        &[500, 1 << 20],
        |table, warnings| {
            columns::read(table, &mapping, "u.csv", today(), warnings).expect("the columns")
        },
        |text| {
            let open = || Ok(text);
            let size = text.len() as u64;
            columns::read_file(open, size, &mapping, "u.csv", today(), &progress)
                .expect("read")
                .expect("the columns")
        },
    );
    let missing =
        columns::ColumnMapping::parse_assignments("latitude=a,longitude=b").expect("a mapping");
    let open = || Ok(&text[..]);
    let refused = columns::read_file(open, 10, &missing, "u.csv", today(), &progress);
    assert_eq!(
        refused.expect("read").err().as_deref(),
        Some("the latitude column \"a\" is not in the file")
    );
}

/// A cancelled read stops with no story; an unclosed quote is a located error.
#[test]
fn a_cancelled_read_stops_and_an_unclosed_quote_is_located() {
    let mut text = Vec::new();
    crate::generate::tables::write_unhcr(&mut text, 2_000, 3).expect("written");
    let cancelled = LoadProgress::default();
    cancelled.cancel();
    let open = || Ok(&text[..]);
    CHUNK_BYTES.with(|bytes| bytes.set(Some(1000)));
    let read = flows::read_countries_file(open, text.len() as u64, "u.csv", today(), &cancelled);
    assert!(
        matches!(read, Err(super::StreamError::Cancelled)),
        "{read:?}"
    );
    let mut unclosed = text.clone();
    unclosed.extend(b"2017,\"Syria,SYR,Lebanon,LBN,4,0,0,0,0,0,0,0,0\n");
    unclosed.extend(b"2017,Syria,SYR,Lebanon,LBN,4,0,0,0,0,0,0,0,0\n".repeat(20));
    let open = || Ok(&unclosed[..]);
    let progress = LoadProgress::default();
    let read = flows::read_countries_file(open, unclosed.len() as u64, "u.csv", today(), &progress);
    CHUNK_BYTES.with(|bytes| bytes.set(None));
    match read {
        Err(super::StreamError::Chunk(super::ChunkError::UnclosedQuote { line })) => {
            assert_eq!(line, 2002);
        }
        other => panic!("expected an unclosed quote, got {other:?}"),
    }
}
