//! Publishing: `evacmap export` with no display writes each format for the bundled story, with
//! the sources of what is shown on it; a failed export leaves nothing behind; the window's
//! File → Export… writes the same PNG as the command line for the same view.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use egui_kittest::kittest::Queryable;

fn evacmap(args: &[&str]) -> Output {
    // No display: exports must not need one (nor a GPU).
    Command::new(env!("CARGO_BIN_EXE_evacmap"))
        .args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("evacmap runs")
}

fn ok(output: &Output) -> String {
    assert!(
        output.status.success(),
        "evacmap failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temporary path")
}

/// The text of an SVG's `<text>` elements, in order, joined by spaces.
fn svg_text(svg: &str) -> String {
    let mut words = Vec::new();
    for piece in svg.split("<text ").skip(1) {
        let Some(start) = piece.find('>') else {
            continue;
        };
        let Some(end) = piece.find("</text>") else {
            continue;
        };
        words.push(
            piece[start + 1..end]
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">"),
        );
    }
    words.join(" ")
}

/// `evacmap export --out OUT` of 12 May 2017 alone; returns what it printed.
fn export_12_may(out: &Path) -> String {
    ok(&evacmap(&[
        "export",
        "--out",
        path_str(out),
        "--from",
        "2017-05-12",
        "--to",
        "2017-05-12",
    ]))
}

type App = egui_kittest::Harness<'static, evacmap::app::EvacApp>;

/// File → Export…, as a user opens it.
fn open_export_dialog(harness: &mut App) {
    harness.get_by_label("File").click();
    harness.run_steps(2);
    harness.get_by_label("Export…").click();
    // A new window takes a frame to size itself before it is shown.
    harness.run_steps(3);
}

/// Types `path` over what the dialog's "Save as" field holds.
fn save_as(harness: &mut App, path: &Path) {
    harness.get_by_label("Save as").click();
    harness.run_steps(1);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_label("Save as").type_text(path_str(path));
    harness.run_steps(2);
}

/// Steps the window until its export has ended (at most a minute); returns what it said.
fn wait_for_export(harness: &mut App) -> String {
    let started = std::time::Instant::now();
    while harness.state().is_exporting() {
        assert!(
            started.elapsed().as_secs() < 60,
            "the export took over a minute"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.run_steps(1);
    }
    harness.run_steps(1);
    harness
        .state()
        .export_message()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn a_png_has_the_size_asked_for_at_every_scale() {
    let dir = tempfile::tempdir().unwrap();
    for (scale, expected) in [("1", (640, 480)), ("2", (1280, 960)), ("3", (1920, 1440))] {
        let out = dir.path().join(format!("story@{scale}x.png"));
        let printed = ok(&evacmap(&[
            "export",
            "--out",
            path_str(&out),
            "--size",
            "640x480",
            "--scale",
            scale,
            "--title",
            "Evacuations from Damascus",
        ]));
        assert!(printed.contains("Sources: SANA, SOHR"), "{printed}");
        let image = image::open(&out).unwrap();
        assert_eq!((image.width(), image.height()), expected);
    }
}

#[test]
fn an_svg_parses_and_names_every_source_of_what_is_shown() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("story.svg");
    ok(&evacmap(&[
        "export",
        "--out",
        path_str(&out),
        "--from",
        "2017-05-08",
        "--to",
        "2017-05-14",
        "--title",
        "Damascus, May 2017",
        "--byline",
        "A. Reporter",
    ]));
    let svg = std::fs::read_to_string(&out).unwrap();
    let tree = evacmap::export::raster::parse(&svg).expect("the SVG parses");
    assert_eq!(tree.size().width(), 1200.0);
    let text = svg_text(&svg);
    assert!(text.contains("Sources: SANA, SOHR;"), "{text}");
    assert!(text.contains("Damascus, May 2017"), "{text}");
    assert!(
        text.contains("8 May 2017 – 14 May 2017 · A. Reporter"),
        "{text}"
    );
    assert!(text.contains("Natural Earth"), "{text}");
    // Vectors stay vectors: the arrows are paths, the labels text.
    assert!(svg.contains("<polygon") || svg.contains("<path"));
    assert!(text.contains("Qaboun") && text.contains("Idlib"), "{text}");
    // Rasterised, it is a picture of the map, not a blank page.
    let pixmap = evacmap::export::raster::rasterize(&tree).unwrap();
    let colours: std::collections::HashSet<[u8; 4]> = pixmap
        .pixels()
        .iter()
        .step_by(97)
        .map(|p| [p.red(), p.green(), p.blue(), p.alpha()])
        .collect();
    assert!(colours.len() > 50, "only {} colours", colours.len());
}

#[test]
fn a_pdf_is_one_page_whose_text_names_the_sources() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("story.pdf");
    ok(&evacmap(&[
        "export",
        "--out",
        path_str(&out),
        "--size",
        "297x210mm",
        "--from",
        "2017-05-12",
        "--to",
        "2017-05-12",
    ]));
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    // poppler-utils is installed by .ci/run: a missing pdftotext fails this test.
    let text = Command::new("pdftotext")
        .args([path_str(&out), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let text = String::from_utf8_lossy(&text.stdout);
    let sources = text
        .lines()
        .find(|l| l.starts_with("Sources:"))
        .unwrap_or_else(|| panic!("no source line in {text}"));
    assert!(
        sources.contains("SANA") && sources.contains("SOHR"),
        "{sources}"
    );
    let info = Command::new("pdfinfo").arg(&out).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("Pages:           1"), "{info}");
    assert!(info.contains("841.89 x 595.27"), "A4 landscape: {info}");
}

#[test]
fn the_gif_of_the_story_week_has_one_frame_per_day_and_holds_the_last() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("week.gif");
    let printed = ok(&evacmap(&[
        "export",
        "--out",
        path_str(&out),
        "--from",
        "2017-05-08",
        "--to",
        "2017-05-14",
        "--size",
        "480x360",
        "--delay",
        "500",
        "--hold",
        "2000",
    ]));
    assert!(printed.contains("7 frames"), "{printed}");
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options
        .read_info(std::fs::File::open(&out).unwrap())
        .unwrap();
    assert_eq!((decoder.width(), decoder.height()), (480, 360));
    let mut delays = Vec::new();
    let mut frames = Vec::new();
    while let Some(frame) = decoder.read_next_frame().unwrap() {
        delays.push(frame.delay);
        frames.push(frame.buffer.to_vec());
    }
    assert_eq!(delays, vec![50, 50, 50, 50, 50, 50, 200]);
    // The map changes as the week goes on (cumulative: more arrows each day).
    assert_ne!(frames[0], frames[6]);
}

#[test]
fn png_frames_go_into_a_new_folder_and_match_the_gif_steps() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("frames");
    let printed = ok(&evacmap(&[
        "export",
        "--format",
        "frames",
        "--out",
        path_str(&out),
        "--from",
        "2017-05-08",
        "--to",
        "2017-05-14",
        "--size",
        "320x240",
        "--sliding",
    ]));
    assert!(printed.contains("7 frames"), "{printed}");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 7);
    assert_eq!(names[0], "frame-0001.png");
    assert_eq!(names[6], "frame-0007.png");
    // A second export may not write into (or over) the folder.
    let again = evacmap(&["export", "--format", "frames", "--out", path_str(&out)]);
    assert!(!again.status.success());
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 7);
}

#[test]
fn the_geojson_of_a_range_passes_check_and_lists_as_the_story_does() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("week.geojson");
    let printed = export_12_may(&out);
    assert!(printed.contains("features"), "{printed}");
    let check = ok(&evacmap(&["check", path_str(&out)]));
    assert!(check.contains(": ok ("), "{check}");
    assert!(check.contains(", 0 warnings)"), "{check}");
    let bundled = dir.path().join("bundled.geojson");
    std::fs::write(&bundled, evacmap::BUNDLED_STORY).unwrap();
    let range = ["--from", "2017-05-12", "--to", "2017-05-12"];
    let list = |file: &Path| {
        let mut args = vec!["list"];
        args.extend(range);
        args.push(path_str(file));
        ok(&evacmap(&args))
    };
    let original = list(&bundled);
    assert!(original.lines().count() >= 4, "{original}");
    assert_eq!(list(&out), original);
}

#[test]
fn the_csv_of_12_may_has_the_four_figures_each_with_its_source() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("12-may.csv");
    let printed = export_12_may(&out);
    assert!(printed.contains("4 figure rows"), "{printed}");
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut rows: Vec<(String, String, String, String, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[column("sources")].to_owned(),
                r[column("qualifier")].to_owned(),
                r[column("value")].to_owned(),
                r[column("measure")].to_owned(),
                r[column("when")].to_owned(),
            )
        })
        .collect();
    rows.sort();
    let expected = [
        ("SANA", "exact", "1246", "people"),
        ("SANA", "exact", "718", "fighters"),
        ("SOHR", "about", "150", "fighters"),
        ("SOHR", "about", "700", "people"),
    ];
    let mut expected: Vec<(String, String, String, String, String)> = expected
        .iter()
        .map(|(s, q, v, m)| {
            (
                s.to_string(),
                q.to_string(),
                v.to_string(),
                m.to_string(),
                "2017-05-12".to_string(),
            )
        })
        .collect();
    expected.sort();
    assert_eq!(rows, expected);
}

#[test]
fn dates_are_written_exactly_as_reported() {
    let dir = tempfile::tempdir().unwrap();
    let story = dir.path().join("month.geojson");
    // The movement's date (a chapter has the same one, earlier in the file).
    let movement = "\"kind\": \"movement\",\n        \"when\": \"2017-05-12\"";
    let text = evacmap::BUNDLED_STORY.replacen(
        movement,
        "\"kind\": \"movement\",\n        \"when\": \"2017-05\"",
        1,
    );
    assert_ne!(
        text,
        evacmap::BUNDLED_STORY,
        "the bundled story has a movement on 12 May"
    );
    std::fs::write(&story, text).unwrap();
    let csv_out = dir.path().join("all.csv");
    ok(&evacmap(&[
        "export",
        path_str(&story),
        "--out",
        path_str(&csv_out),
    ]));
    let csv_text = std::fs::read_to_string(&csv_out).unwrap();
    assert!(
        csv_text.contains(",2017-05,"),
        "a month stays a month: {csv_text}"
    );
    assert!(
        !csv_text.contains("2017-04-30"),
        "no shift to the day before: {csv_text}"
    );
    let json_out = dir.path().join("all.geojson");
    ok(&evacmap(&[
        "export",
        path_str(&story),
        "--out",
        path_str(&json_out),
    ]));
    let json = std::fs::read_to_string(&json_out).unwrap();
    assert!(json.contains("\"when\": \"2017-05\""), "{json}");
    assert!(
        json.contains("\"when\": \"2017-05-14\""),
        "a day stays a day"
    );
}

#[test]
fn a_failed_export_leaves_no_file_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    // Writing over a folder fails at the very end, after the picture was made.
    let folder = dir.path().join("taken.png");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("keep.txt"), "mine").unwrap();
    let output = evacmap(&["export", "--out", path_str(&folder)]);
    assert_eq!(output.status.code(), Some(1));
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("export failed: cannot write"), "{error}");
    assert_eq!(
        std::fs::read_to_string(folder.join("keep.txt")).unwrap(),
        "mine"
    );
    let left: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(
        left,
        vec![folder.clone()],
        "no temporary file is left behind"
    );

    // A story that does not load: the file the export would replace is untouched.
    let previous = dir.path().join("map.png");
    std::fs::write(&previous, "previous export").unwrap();
    let broken = dir.path().join("broken.geojson");
    std::fs::write(&broken, "{\"type\": \"FeatureCollection\", \"features\": [").unwrap();
    let output = evacmap(&["export", path_str(&broken), "--out", path_str(&previous)]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("broken.geojson"));
    assert_eq!(
        std::fs::read_to_string(&previous).unwrap(),
        "previous export"
    );

    // A format that cannot be told is a usage error, and nothing is written.
    let unknown = dir.path().join("map.xyz");
    let output = evacmap(&["export", "--out", path_str(&unknown)]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--format"));
    assert!(!unknown.exists());
}

#[test]
fn tiles_are_embedded_in_the_svg_when_used() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("tiles.mbtiles");
    support::make_mbtiles(&archive, [200, 30, 30]);
    let out = dir.path().join("tiles.svg");
    let printed = ok(&evacmap(&[
        "export",
        "--out",
        path_str(&out),
        "--tiles",
        path_str(&archive),
        "--view",
        "36,34,2",
    ]));
    assert!(printed.contains("SVG"), "{printed}");
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.contains("<image "), "the tiles are images in the SVG");
    assert!(svg.contains("data:image/png;base64,"));
    assert!(
        svg_text(&svg).contains("tiles.mbtiles"),
        "{}",
        svg_text(&svg)
    );
}

#[test]
fn the_window_exports_the_same_png_as_the_command_line_for_the_same_view() {
    let dir = tempfile::tempdir().unwrap();
    let from_window = dir.path().join("window.png");
    let mut harness = support::app_harness(support::offline_options(), None, 1.0 / 60.0);
    open_export_dialog(&mut harness);
    save_as(&mut harness, &from_window);
    harness.get_by_label("Export").click();
    harness.run_steps(2);
    let message = wait_for_export(&mut harness);
    assert!(message.starts_with("Saved "), "{message}");
    assert!(message.contains("Sources: SANA, SOHR"), "{message}");
    harness.get_by_label(&message);

    let (view, size) = harness.state().export_view().unwrap();
    let range = harness.state().range();
    let from_cli = dir.path().join("cli.png");
    let view_arg = format!("{},{},{}", view.center.x(), view.center.y(), view.zoom);
    let size_arg = format!("{}x{}", size.x.round(), size.y.round());
    let mut args = vec![
        "export".to_owned(),
        "--out".into(),
        path_str(&from_cli).into(),
        "--view".into(),
        view_arg,
        "--map-size".into(),
        size_arg,
    ];
    if let (Some(first), Some(last)) = (range.first, range.last) {
        args.extend([
            "--from".into(),
            first.to_string(),
            "--to".into(),
            last.to_string(),
        ]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(&evacmap(&args));
    let a = image::open(&from_window).unwrap().to_rgba8();
    let b = image::open(&from_cli).unwrap().to_rgba8();
    assert_eq!(a.dimensions(), b.dimensions());
    assert!(a == b, "the window's export and the command line's differ");
}

#[test]
fn an_animation_started_in_the_window_can_be_cancelled_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("playback.gif");
    let mut harness = support::app_harness(support::offline_options(), None, 1.0 / 60.0);
    open_export_dialog(&mut harness);
    harness.get_by_label("Format").click();
    harness.run_steps(2);
    harness.get_by_label("Animated GIF of playback").click();
    harness.run_steps(2);
    save_as(&mut harness, &out);
    // The whole story, month by month since 2011: many frames, time enough to cancel.
    harness.get_by_label("Export").click();
    harness.run_steps(2);
    assert!(harness.state().is_exporting());
    harness.get_by_label("Cancel").click();
    let message = wait_for_export(&mut harness);
    assert_eq!(
        message,
        "Export failed: the export was cancelled; nothing was written"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file, no temporary"
    );
}
