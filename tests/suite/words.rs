//! Every word for people: no field names, JSON paths, system error codes or formulas shown; no
//! text under 12 points; titles, ticks, years and refusals shown whole.

use crate::support;

use super::reading::{App, click_at};

/// Every text the accessibility tree holds: labels and values.
fn shown_texts(harness: &App) -> Vec<String> {
    use egui_kittest::kittest::{NodeT, Queryable};
    harness
        .query_all_by(|_| true)
        .flat_map(|n| {
            let node = n.accesskit_node();
            [
                node.label().map(|l| l.to_string()),
                node.value().map(|v| v.to_string()),
            ]
        })
        .flatten()
        .collect()
}

/// No field name, JSON path, system error code or formula among `texts`.
fn assert_words_for_people(texts: &[String], scene: &str) {
    for text in texts {
        for programmers in ["os error", "evacmap.", "_cnty", "√", "inter1"] {
            assert!(
                !text.contains(programmers),
                "{scene}: {text:?} shows {programmers:?}"
            );
        }
        assert!(!text.contains("(1 warnings"), "{scene}: {text:?}");
    }
}

#[test]
fn every_word_shown_is_for_people() {
    use egui_kittest::kittest::Queryable;
    // The bundled story with its legend open.
    let mut harness = support::app_harness(support::offline_options(), None, 1.0 / 60.0);
    harness.get_by_label("Qaboun").click();
    harness.run_steps(3);
    let legend = harness
        .query_by(|n| {
            n.label().as_deref() == Some("Legend") && n.role() == egui::accesskit::Role::Window
        })
        .expect("the legend")
        .rect();
    click_at(&mut harness, legend.left_top() + egui::vec2(14.0, 16.0));
    harness.run_steps(3);
    let texts = shown_texts(&harness);
    assert!(
        texts.iter().any(|t| t.starts_with("Arrow width:")),
        "the legend is open: {texts:?}"
    );
    assert_words_for_people(&texts, "the bundled story");

    // A file that is not there.
    let folder = tempfile::tempdir().unwrap();
    support::open_and_wait(&mut harness, &folder.path().join("missing.geojson"));
    let texts = shown_texts(&harness);
    assert!(
        texts.iter().any(|t| t.contains("there is no such file")),
        "{texts:?}"
    );
    assert_words_for_people(&texts, "a missing file");

    // A story newer than this build: a warning about its description, in words.
    let newer = folder.path().join("newer.geojson");
    let text = evacmap::BUNDLED_STORY.replacen("\"version\": 1", "\"version\": 2", 1);
    assert_ne!(text, evacmap::BUNDLED_STORY, "the story states its version");
    std::fs::write(&newer, text).unwrap();
    let mut harness = support::app_harness(support::offline_options(), None, 1.0 / 60.0);
    support::open_and_wait(&mut harness, &newer);
    harness.get_by_label_contains("Problems (").click();
    harness.run_steps(3);
    let texts = shown_texts(&harness);
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("newer.geojson: the story's description: warning:")),
        "{texts:?}"
    );
    assert_words_for_people(&texts, "a warned story");

    // An ACLED export, one of its events selected.
    let acled = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import/acled-2023.csv");
    let mut harness = support::app_harness(
        evacmap::app::AppOptions {
            file: Some(acled),
            select: Some("NPL1".into()),
            ..support::offline_options()
        },
        None,
        1.0 / 60.0,
    );
    harness.run_steps(3);
    let texts = shown_texts(&harness);
    assert!(texts.iter().any(|t| t == "ACLED event id"), "{texts:?}");
    assert_words_for_people(&texts, "an ACLED event");
}

#[test]
fn no_text_is_smaller_than_twelve_points_in_a_frame() {
    let harness = support::app_harness(support::offline_options(), None, 1.0 / 60.0);
    let style = harness.ctx.global_style();
    assert!(evacmap::ui::text_style::is_readable(&style));
    fn sizes(shape: &egui::Shape, out: &mut Vec<(f32, String)>) {
        match shape {
            egui::Shape::Text(text) => {
                for section in &text.galley.job.sections {
                    out.push((section.format.font_id.size, text.galley.job.text.clone()));
                }
            }
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| sizes(s, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    for clipped in &harness.output().shapes {
        sizes(&clipped.shape, &mut found);
    }
    assert!(found.len() > 50, "{} texts painted", found.len());
    for (size, words) in found {
        assert!(size >= 12.0, "{words:?} is painted at {size} pt");
    }
}

/// The app in a window of `size`.
fn app_of_size(size: [f32; 2], options: evacmap::app::AppOptions) -> App {
    support::app_harness_sized(size, options, None, 1.0 / 60.0)
}

#[test]
fn the_details_title_wraps_beside_its_close_button() {
    use egui_kittest::kittest::Queryable;
    // A narrow window: the details float over the map as a card.
    let harness = app_of_size(
        [820.0, 700.0],
        evacmap::app::AppOptions {
            select: Some("un-forcible-displacement".into()),
            ..support::offline_options()
        },
    );
    let close = harness.get_by_label("✕").rect();
    // The heading: the text beside the ✕ (the list has the same words further down).
    let title = harness
        .query_all_by_label_contains("forcible displacement")
        .map(|n| n.rect())
        .find(|r| r.top() <= close.bottom() && r.bottom() >= close.top())
        .expect("the details' title beside its ✕");
    assert!(
        title.right() <= close.left() + 0.5,
        "the title {title:?} runs under the ✕ at {close:?}"
    );
}

#[test]
fn the_online_tiles_tick_is_off_and_disabled_while_offline() {
    use egui_kittest::kittest::{NodeT, Queryable};
    let mut harness = support::app_harness(support::offline_options(), None, 1.0 / 60.0);
    harness.get_by_label("Layers").click();
    harness.run_steps(3);
    let tick = harness.get_by_label("Online map tiles");
    let node = tick.accesskit_node();
    assert!(node.is_disabled());
    assert_ne!(node.toggled(), Some(egui::accesskit::Toggled::True));
    assert_eq!(
        harness
            .get_by_label("Offline basemap")
            .accesskit_node()
            .toggled(),
        Some(egui::accesskit::Toggled::True)
    );
}

#[test]
fn the_timelines_years_are_shown_whole() {
    let harness = support::app_harness(support::offline_options(), None, 1.0 / 60.0);
    let mut years = 0;
    for clipped in &harness.output().shapes {
        if let egui::Shape::Text(text) = &clipped.shape
            && text.galley.job.text.len() == 4
            && text.galley.job.text.chars().all(|c| c.is_ascii_digit())
        {
            years += 1;
            let rect = text.visual_bounding_rect();
            assert!(
                rect.left() >= clipped.clip_rect.left()
                    && rect.right() <= clipped.clip_rect.right(),
                "the year {} is cut: {rect:?} in {:?}",
                text.galley.job.text,
                clipped.clip_rect
            );
        }
    }
    assert!(years >= 4, "{years} years on the axis");
}

#[test]
fn a_refusal_wraps_inside_the_window() {
    use egui_kittest::kittest::{NodeT, Queryable};
    let folder = tempfile::tempdir().unwrap();
    // Not GeoJSON, and not a table evacmap reads (one column): the long refusal that names
    // what each kind of table needs.
    let odd = folder.path().join("accounts.txt");
    std::fs::write(
        &odd,
        "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin\n",
    )
    .unwrap();
    let mut harness = app_of_size([700.0, 600.0], support::offline_options());
    support::open_and_wait(&mut harness, &odd);
    let window = harness.get_by_label("The file could not be opened").rect();
    let texts: Vec<egui::Rect> = harness
        .query_all_by(|_| true)
        .filter(|n| {
            let node = n.accesskit_node();
            node.role() != egui::accesskit::Role::TextRun
                && node
                    .value()
                    .is_some_and(|v| v.ends_with("or origin, dest and count (flows)"))
        })
        .map(|n| n.rect())
        .collect();
    assert!(
        !texts.is_empty(),
        "the refusal is shown: {:?}",
        shown_texts(&harness)
            .into_iter()
            .skip_while(|t| !t.contains("could not"))
            .collect::<Vec<_>>()
    );
    for text in texts {
        assert!(
            text.right() <= 700.0 && text.right() <= window.right() + 1.0,
            "{text:?} in {window:?}"
        );
        assert!(
            text.height() > 40.0,
            "it wraps onto several lines: {text:?}"
        );
    }
}
