use super::*;
use crate::import::table::Table;

/// A generated ACLED export of `rows` rows.
fn acled(rows: usize, seed: u64) -> Vec<u8> {
    let mut text = Vec::new();
    crate::generate::tables::write_acled(&mut text, rows, seed).expect("written");
    text
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 4).expect("a date")
}

/// The story and warnings of `text` read whole as a table, and read in chunks of `chunk_bytes`.
fn both_ways(text: &[u8], chunk_bytes: usize) -> ((Dataset, Vec<String>), (Dataset, Vec<String>)) {
    let mut whole_warnings = Vec::new();
    let table = Table::parse(text, &mut whole_warnings).expect("a table");
    let whole = super::super::read(&table, "acled.csv", today(), &mut whole_warnings);
    let open = || Ok(text);
    let (streamed, warnings) = read_with(
        open,
        text.len() as u64,
        "acled.csv",
        today(),
        &LoadProgress::default(),
        chunk_bytes,
    )
    .expect("read");
    let shown = |w: Vec<Problem>| w.iter().map(ToString::to_string).collect::<Vec<_>>();
    ((whole, shown(whole_warnings)), (streamed, shown(warnings)))
}

fn assert_same(text: &[u8], chunk_bytes: usize, what: &str) {
    let ((whole, whole_warnings), (streamed, warnings)) = both_ways(text, chunk_bytes);
    assert_eq!(warnings, whole_warnings, "{what}, chunks of {chunk_bytes}");
    assert_eq!(
        streamed.len(),
        whole.len(),
        "{what}, chunks of {chunk_bytes}"
    );
    assert_eq!(streamed.meta, whole.meta, "{what}, chunks of {chunk_bytes}");
    for (i, (a, b)) in streamed.features().zip(whole.features()).enumerate() {
        assert_eq!(a, b, "{what}, chunks of {chunk_bytes}: feature {i}");
    }
}

/// Every ACLED fixture and a generated export (with a repeated id, a bad date and a row far away)
/// read in chunks of every size give the story and the warnings the table held whole gives.
#[test]
fn a_file_read_in_chunks_is_the_same_story_as_the_table_held_whole() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    for name in ["acled-2015.csv", "acled-2019-api.csv", "acled-2023.csv"] {
        let text = std::fs::read(folder.join(name)).expect("the fixture");
        for chunk_bytes in [1, 7, 64, 300, 1 << 20] {
            assert_same(&text, chunk_bytes, name);
        }
    }
    let mut generated = acled(2_000, 5);
    let second_row = generated
        .iter()
        .position(|&b| b == b'\n')
        .expect("a header")
        + 1;
    let third_row = second_row
        + generated[second_row..]
            .iter()
            .position(|&b| b == b'\n')
            .expect("a row")
        + 1;
    // The second row has the first one's id; a row with a bad date; a point in the Pacific.
    let id_end = generated[second_row..]
        .iter()
        .position(|&b| b == b',')
        .expect("an id");
    let first_id = generated[second_row..second_row + id_end].to_vec();
    let next_id_end = generated[third_row..]
        .iter()
        .position(|&b| b == b',')
        .expect("an id");
    generated.splice(third_row..third_row + next_id_end, first_id);
    generated.extend(b"X1,not a date,2020,1,,Battles,,a,,1,,,,,,,,,,,,Nowhere,1,1,1,s,,,0,,1\n");
    generated.extend(b"X2,2020-01-01,2020,1,,Battles,,a,,1,,,,,,,,,,,,Far,-40,-140,1,s,,,0,,1\n");
    for chunk_bytes in [100, 4096, 1 << 20] {
        assert_same(&generated, chunk_bytes, "generated");
    }
    let ((_, warnings), _) = both_ways(&generated, 1 << 20);
    assert!(
        warnings.iter().any(|w| w.contains("duplicate event id")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("not a date")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("far from the other rows")),
        "{warnings:?}"
    );
}

#[test]
fn an_unclosed_quote_is_a_located_error_and_a_cancelled_read_stops() {
    let mut text = acled(50, 1);
    text.extend(b"X1,2020-01-01,2020,1,,Battles,,a,,1,,,,,,,,,,,,\"Nowhere,1,1,1,s,,,0,,1\n");
    let more = acled(50, 2);
    let header_end = more.iter().position(|&b| b == b'\n').expect("a header");
    // Rows without quotes after it: nothing closes the quote.
    text.extend(more[header_end + 1..].iter().filter(|&&b| b != b'"'));
    let open = || Ok(&text[..]);
    let error = read_with(open, 0, "acled.csv", today(), &LoadProgress::default(), 64).err();
    assert!(
        matches!(
            error,
            Some(StreamError::Chunk(ChunkError::UnclosedQuote { line: 52 }))
        ),
        "{error:?}"
    );
    let cancelled = LoadProgress::default();
    cancelled.cancel();
    let text = acled(50, 1);
    let open = || Ok(&text[..]);
    let error = read_with(open, 0, "acled.csv", today(), &cancelled, 64).err();
    assert!(matches!(error, Some(StreamError::Cancelled)), "{error:?}");
}
