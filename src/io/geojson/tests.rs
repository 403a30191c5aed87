use super::*;
use crate::model::*;

/// What a load gives, in a form that compares (a dataset's id index has no fixed order).
pub(crate) fn outcome(loaded: Result<Loaded, LoadError>) -> Result<(Dataset, String), Vec<String>> {
    loaded
        .map(|l| (l.dataset, format!("{:?}", l.warnings)))
        .map_err(|e| e.problems())
}

/// The bundled story and every fixture, good or bad.
pub(crate) fn story_files() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("data/damascus-2017-05.geojson")];
    for folder in ["tests/fixtures/good", "tests/fixtures/bad"] {
        for entry in std::fs::read_dir(root.join(folder)).expect("fixtures") {
            files.push(entry.expect("an entry").path());
        }
    }
    files
}

/// Every fixture, good or bad, and the bundled story read the same either way.
#[test]
fn features_read_apart_give_what_the_whole_tree_gives() {
    let files = story_files();
    let mut outlined = 0;
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        outlined += usize::from(outline::outline(text).is_some());
        let fast = outcome(parse_bytes_by(
            &bytes,
            "f",
            Route::Outlined,
            &LoadProgress::default(),
        ));
        let whole = outcome(parse_bytes_by(
            &bytes,
            "f",
            Route::WholeTree,
            &LoadProgress::default(),
        ));
        assert!(fast == whole, "{}: {fast:?}\n{whole:?}", file.display());
    }
    assert!(
        outlined > files.len() / 2,
        "{outlined} of {} outlined",
        files.len()
    );
}

#[test]
fn a_generated_story_reads_the_same_on_every_route() {
    let mut text = Vec::new();
    crate::generate::write_story(&mut text, 3_000, 7).unwrap();
    let fast = outcome(parse_bytes_by(
        &text,
        "g",
        Route::Outlined,
        &LoadProgress::default(),
    ))
    .unwrap();
    let whole = outcome(parse_bytes_by(
        &text,
        "g",
        Route::WholeTree,
        &LoadProgress::default(),
    ))
    .unwrap();
    assert_eq!(fast.0.features().len(), 3_000);
    assert!(fast == whole);
}

/// A story read into pages of its own, let go of as its features are read, reads as the
/// same story read whole; a feature that does not parse, found after pages went, is
/// reported from the file read again, as the full reader reports it.
#[test]
fn a_text_let_go_of_while_read_gives_what_the_whole_text_gives() {
    let dir = tempfile::tempdir().unwrap();
    let mut good = Vec::new();
    crate::generate::write_story(&mut good, 5_000, 11).unwrap();
    let mut bad = good.clone();
    let end_of_features = bad.iter().rposition(|&b| b == b']').unwrap();
    bad.splice(
        end_of_features..end_of_features,
        b",{\"type\":\"Feature\",,}".iter().copied(),
    );
    for (name, bytes) in [("good.geojson", &good), ("bad.geojson", &bad)] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let progress = LoadProgress::default();
        let mapped =
            super::super::source::read_file_text(&path, u64::MAX, bytes.len() as u64, 0, &progress)
                .unwrap();
        assert!(mapped.reread_from().is_some(), "{name} was not mapped");
        let released = outcome(parse_owned(mapped, "s", &progress));
        let whole = outcome(parse_bytes_by(
            bytes,
            "s",
            Route::WholeTree,
            &LoadProgress::default(),
        ));
        assert!(released == whole, "{name}: {released:?}\n{whole:?}");
    }
    let problems = outcome(parse_bytes(&bad, "s")).unwrap_err();
    assert!(
        problems[0].starts_with("s:5002:20: error: not valid JSON"),
        "{problems:?}"
    );
}
