//! Story mode: the bundled story told chapter by chapter.

use egui_kittest::kittest::Queryable;
use evacmap::app::AppOptions;
use evacmap::model::DaySpan;

use crate::editing::press;
use crate::support;

fn day(text: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn labels_starting(
    harness: &egui_kittest::Harness<'static, evacmap::app::EvacApp>,
    start: &str,
) -> usize {
    harness
        .query_all_by(|n| {
            n.role() == egui::accesskit::Role::Label
                && n.value().is_some_and(|v| v.starts_with(start))
        })
        .count()
}

#[test]
fn the_story_opens_on_its_first_chapter_and_steps_to_the_12_may_batch_and_back() {
    let options = AppOptions {
        open_first_chapter: true,
        ..support::offline_options()
    };
    let mut harness = support::app_harness(options, None, 1.0 / 60.0);
    harness.run_steps(60);
    assert_eq!(harness.state().chapter(), Some(0));
    assert_eq!(labels_starting(&harness, "1 of 9"), 1);
    assert_eq!(
        labels_starting(&harness, "March 2011: an uprising becomes a war"),
        1
    );
    assert_eq!(
        harness.state().range(),
        DaySpan::days(day("2011-03-01"), day("2011-03-31"))
    );
    // Free exploration is what the reader had before: the whole story, all time.
    press(&mut harness, "Explore freely");
    harness.run_steps(3);
    let free = (
        harness.state().range(),
        harness.state().zoom(),
        harness.state().selection(),
    );
    assert_eq!(free.0, DaySpan::ALL_TIME);

    // Into the story again at chapter 1 (Page Down from nowhere does nothing; Next does).
    harness.state_mut().go_to_chapter_for_test(0);
    harness.run_steps(60);
    for _ in 0..5 {
        press(&mut harness, "Next ▶");
        harness.run_steps(60);
    }
    assert_eq!(harness.state().chapter(), Some(5));
    assert_eq!(labels_starting(&harness, "6 of 9"), 1);
    assert_eq!(
        labels_starting(&harness, "Friday 12 May: the second group, and two counts"),
        1
    );
    let batch = harness
        .state()
        .dataset()
        .index_of("barzeh-idlib-2017-05-12")
        .unwrap();
    assert_eq!(harness.state().selection(), Some(batch));
    assert_eq!(
        harness.state().range(),
        DaySpan::days(day("2017-05-12"), day("2017-05-12"))
    );
    // The details give both counts, each with its source.
    for figures in [
        "1,246 people; 718 fighters",
        "about 700 people; about 150 fighters",
    ] {
        assert!(
            harness
                .query_all_by(|n| n.value().is_some_and(|v| v.contains(figures)))
                .count()
                >= 1,
            "{figures} in the details"
        );
    }
    // Page Up: back a chapter.
    harness.key_press(egui::Key::PageUp);
    harness.run_steps(60);
    assert_eq!(harness.state().chapter(), Some(4));
    assert_eq!(
        harness.state().range(),
        DaySpan::days(day("2017-05-08"), day("2017-05-08"))
    );
    press(&mut harness, "◀ Previous");
    harness.run_steps(60);
    assert_eq!(harness.state().chapter(), Some(3));

    // Leaving gives back the view and range the reader left.
    press(&mut harness, "Explore freely");
    harness.run_steps(3);
    assert_eq!(harness.state().chapter(), None);
    assert_eq!(harness.state().range(), free.0);
    assert!(
        (harness.state().zoom() - free.1).abs() < 1e-6,
        "{} vs {}",
        harness.state().zoom(),
        free.1
    );
    assert_eq!(harness.state().selection(), free.2);
}

#[test]
fn a_chapter_named_on_the_command_line_opens_first() {
    let options = AppOptions {
        chapter: Some("qaboun-agreement".into()),
        ..support::offline_options()
    };
    let mut harness = support::app_harness(options, None, 1.0 / 60.0);
    harness.run_steps(60);
    assert_eq!(harness.state().chapter(), Some(6));
    let agreement = harness
        .state()
        .dataset()
        .index_of("qaboun-agreement")
        .unwrap();
    assert_eq!(harness.state().selection(), Some(agreement));
    assert_eq!(labels_starting(&harness, "7 of 9"), 1);
}

#[test]
fn a_feature_a_chapter_names_is_not_deleted() {
    let options = AppOptions {
        select: Some("un-forcible-displacement".into()),
        edit: true,
        ..support::offline_options()
    };
    let mut harness = support::app_harness(options, None, 1.0 / 60.0);
    harness.run_steps(3);
    let features = harness.state().dataset().len();
    press(&mut harness, "Delete this event");
    assert_eq!(harness.state().dataset().len(), features);
    let told = "UN: evacuations amount to forcible displacement cannot be deleted: the story's \
                chapters name it (The UN: forcible displacement)";
    assert_eq!(labels_starting(&harness, told), 1);
}

#[test]
fn chapters_are_added_from_the_view_changed_moved_and_deleted_with_undo_and_saved() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("damascus.geojson");
    std::fs::write(&path, evacmap::BUNDLED_STORY).unwrap();
    let options = AppOptions {
        file: Some(path.clone()),
        journal_dir: Some(dir.path().join("journal")),
        edit: true,
        ..support::offline_options()
    };
    let mut harness = support::app_harness(options, None, 1.0 / 60.0);
    harness.run_steps(3);
    let chapters = |h: &egui_kittest::Harness<'static, evacmap::app::EvacApp>| -> Vec<String> {
        h.state()
            .dataset()
            .meta
            .chapters
            .iter()
            .map(|c| c.title.clone())
            .collect()
    };
    let read = chapters(&harness);
    assert_eq!(read.len(), 9);
    press(&mut harness, "Edit");
    press(&mut harness, "Add chapter from the current view");
    assert_eq!(harness.state().chapter(), Some(9));
    assert_eq!(labels_starting(&harness, "10 of 10"), 1);
    let added = harness.state().dataset().meta.chapters[9].clone();
    assert!(
        matches!(added.view, Some(evacmap::model::ChapterView::Bounds(_))),
        "the view is kept"
    );
    assert_eq!(added.when, None, "all time: no dates");

    press(&mut harness, "Chapter title");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness
        .get_by_label("Chapter title")
        .type_text("What came after");
    harness.run_steps(2);
    press(&mut harness, "Save chapter");
    assert_eq!(chapters(&harness)[9], "What came after");
    press(&mut harness, "Move earlier");
    assert_eq!(chapters(&harness)[8], "What came after");
    assert_eq!(harness.state().chapter(), Some(8));
    press(&mut harness, "Edit");
    press(&mut harness, "Undo: move earlier What came after");
    assert_eq!(chapters(&harness)[9], "What came after");
    harness.state_mut().go_to_chapter_for_test(9);
    harness.run_steps(3);
    press(&mut harness, "Delete chapter");
    assert_eq!(chapters(&harness), read);
    press(&mut harness, "Edit");
    press(&mut harness, "Undo: delete chapter What came after");
    assert_eq!(chapters(&harness).len(), 10);

    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    harness.run_steps(3);
    assert!(!harness.state().has_unsaved_edits());
    let again = evacmap::io::load_file(&path).unwrap().dataset;
    assert_eq!(again.meta.chapters, harness.state().dataset().meta.chapters);
}
