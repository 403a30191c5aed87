use super::*;

#[test]
fn progress_counts_every_feature_and_a_cancelled_load_ends_as_cancelled() {
    let mut text = Vec::new();
    crate::generate::write_story(&mut text, 2_500, 3).unwrap();
    let progress = LoadProgress::default();
    parse_bytes_by(&text, "g", Route::Outlined, &progress).unwrap();
    assert_eq!(progress.describe(), "2,500 of 2,500 features");
    assert_eq!(progress.fraction(), Some(1.0));

    let cancelled = LoadProgress::default();
    cancelled.cancel();
    let error = parse_bytes_by(&text, "g", Route::Outlined, &cancelled).unwrap_err();
    assert!(matches!(error, LoadError::Cancelled { .. }), "{error}");
}
