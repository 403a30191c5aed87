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
    // Page Down: on again, and back.
    harness.key_press(egui::Key::PageDown);
    harness.run_steps(60);
    assert_eq!(harness.state().chapter(), Some(5));
    harness.key_press(egui::Key::PageUp);
    harness.run_steps(60);
    assert_eq!(harness.state().chapter(), Some(4));
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

fn export(args: &[&str]) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_evacmap"))
        .arg("export")
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_chapter_exports_with_its_title_text_view_selection_and_sources() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("second-batch.svg");
    let said = export(&["--chapter", "6", "--out", svg.to_str().unwrap()]);
    assert!(said.contains("Sources: SANA, SOHR"), "{said}");
    let text = std::fs::read_to_string(&svg).unwrap();
    // The SVG writes a word a <text>: the words read in order.
    let words: Vec<&str> = text
        .split("<text")
        .skip(1)
        .filter_map(|t| {
            t.split_once('>')
                .and_then(|(_, rest)| rest.split('<').next())
        })
        .collect();
    let read = words.join(" ");
    for words in [
        "Friday 12 May: the second group, and two counts",
        "SANA said 1,246 people left, of whom 718 were fighters.",
        "Shown: 12 May 2017",
    ] {
        assert!(read.contains(words), "{words:?} in {read}");
    }
    // Only what the chapter's day shows: the 12 May movement, not the 14 May one.
    assert!(text.contains("id=\"movement-barzeh-idlib-2017-05-12\""));
    assert!(!text.contains("id=\"movement-qaboun-idlib-2017-05-14\""));

    // The same chapter by id, as PNG; an unknown one is refused, naming those there are.
    let png = dir.path().join("agreement.png");
    export(&[
        "--chapter",
        "qaboun-agreement",
        "--out",
        png.to_str().unwrap(),
    ]);
    let image = image::open(&png).unwrap();
    assert!(image.width() >= 1200);
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_evacmap"))
        .args(["export", "--chapter", "nowhere", "--out"])
        .arg(dir.path().join("x.png"))
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(
        why.contains("no chapter \"nowhere\"; the story has 9 chapters: uprising,"),
        "{why}"
    );
}

#[test]
fn a_gif_of_the_chapters_holds_on_each_in_turn() {
    let dir = tempfile::tempdir().unwrap();
    let gif = dir.path().join("story.gif");
    let said = export(&[
        "--chapters",
        "--hold",
        "2500",
        "--size",
        "600x400",
        "--out",
        gif.to_str().unwrap(),
    ]);
    assert!(said.contains(": 9 frames,"), "{said}");
    let file = std::fs::File::open(&gif).unwrap();
    let mut decoder = gif::DecodeOptions::new().read_info(file).unwrap();
    let mut delays = Vec::new();
    while let Some(frame) = decoder.read_next_frame().unwrap() {
        delays.push(frame.delay);
    }
    assert_eq!(delays, vec![250; 9], "each chapter held 2.5 s");
    // Without --chapters too, a story with chapters is told by them; a range plays it back.
    let told = export(&[
        "--format",
        "gif",
        "--size",
        "300x200",
        "--out",
        gif.to_str().unwrap(),
    ]);
    assert!(told.contains(": 9 frames,"), "{told}");
    let played = export(&[
        "--from",
        "2017-05-08",
        "--to",
        "2017-05-10",
        "--size",
        "300x200",
        "--out",
        gif.to_str().unwrap(),
    ]);
    assert!(played.contains(": 3 frames,"), "{played}");
}
