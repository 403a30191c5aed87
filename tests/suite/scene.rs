//! One scene for the window and every export: what the window draws of the bundled story (its
//! round place markers in their control colours, the dotted ring of approximate places) is in
//! the exported SVG, PNG and PDF; the SVG gives each feature a group with its id and a title;
//! the map module never imports the app's commands.

use std::path::Path;
use std::process::Command;

use crate::support;

fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temporary path")
}

/// `evacmap export --out OUT` of the bundled story, all time, 1200×800, with no display.
fn export(out: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_evacmap"))
        .args(["export", "--out", path_str(out), "--size", "1200x800"])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("evacmap runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The text of the SVG group `<g id="ID" …>` … `</g>` (groups of a feature hold no groups).
fn svg_group<'s>(svg: &'s str, id: &str) -> Option<&'s str> {
    let start = svg.find(&format!(r#"<g id="{id}""#))?;
    let end = svg[start..].find("</g>")?;
    Some(&svg[start..start + end])
}

/// The first `<circle>` of `group` with `fill`: its centre.
fn circle_filled(group: &str, fill: &str) -> Option<(f32, f32)> {
    group.split("<circle ").skip(1).find_map(|circle| {
        if !circle.contains(&format!(r#"fill="{fill}""#)) {
            return None;
        }
        let attributes = format!(" {circle}");
        let attribute = |name: &str| -> Option<f32> {
            let at = attributes
                .find(&format!(r#" {name}=""#))
                .map(|i| i + name.len() + 3)?;
            let rest = &attributes[at..];
            rest[..rest.find('"')?].parse().ok()
        };
        Some((attribute("cx")?, attribute("cy")?))
    })
}

fn close(pixel: [u8; 3], colour: [u8; 3]) -> bool {
    pixel
        .iter()
        .zip(colour)
        .all(|(&a, b)| (i16::from(a) - i16::from(b)).abs() <= 12)
}

#[test]
fn every_export_shows_the_round_markers_and_dotted_rings_the_window_draws() {
    // The window's scene, headless.
    let harness = support::app_harness(support::offline_options(), None, 1.0 / 60.0);
    let app = harness.state();
    let drawn: Vec<(String, egui::Color32)> = app
        .last_overlay()
        .markers
        .iter()
        .map(|m| (app.dataset().store().id(m.feature.0).to_owned(), m.color))
        .collect();
    for id in ["qaboun", "barzeh", "tishreen"] {
        assert!(drawn.iter().any(|(d, _)| d == id), "the window draws {id}");
    }
    let arrows: Vec<String> = app
        .last_overlay()
        .arrows
        .iter()
        .map(|&m| app.dataset().store().id(m.0).to_owned())
        .collect();
    assert!(
        arrows.len() >= 3,
        "the window draws the movements: {arrows:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let [svg_path, png_path, pdf_path] =
        ["story.svg", "story.png", "story.pdf"].map(|name| dir.path().join(name));
    for path in [&svg_path, &png_path, &pdf_path] {
        export(path);
    }
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    let png = image::open(&png_path).unwrap().to_rgb8();
    // poppler-utils is installed by .ci/run: a missing pdftoppm fails this test.
    let pdf_png = dir.path().join("story-pdf");
    let status = Command::new("pdftoppm")
        .args([
            "-png",
            "-singlefile",
            "-scale-to-x",
            "1200",
            "-scale-to-y",
            "800",
        ])
        .arg(&pdf_path)
        .arg(&pdf_png)
        .status()
        .expect("pdftoppm (poppler-utils) is installed");
    assert!(status.success());
    let pdf = image::open(pdf_png.with_extension("png"))
        .unwrap()
        .to_rgb8();

    for (id, colour) in &drawn {
        let group = svg_group(&svg, &format!("place-{id}"))
            .unwrap_or_else(|| panic!("the SVG has no group for the place {id}"));
        let hex = format!("#{:02x}{:02x}{:02x}", colour.r(), colour.g(), colour.b());
        assert!(group.contains(&hex), "{id} is not drawn in {hex}: {group}");
        if !["qaboun", "barzeh", "tishreen"].contains(&id.as_str()) {
            continue;
        }
        // A round marker: a circle in its control colour, in the SVG, the PNG and the PDF.
        let (x, y) = circle_filled(group, &hex)
            .unwrap_or_else(|| panic!("{id}'s marker is no circle of {hex}: {group}"));
        let rgb = [colour.r(), colour.g(), colour.b()];
        let at = (x.round() as u32, y.round() as u32);
        let in_png = png.get_pixel(at.0, at.1).0;
        assert!(
            close(in_png, rgb),
            "{id} in the PNG at {at:?}: {in_png:?}, not {rgb:?}"
        );
        let in_pdf = pdf.get_pixel(at.0, at.1).0;
        assert!(
            close(in_pdf, rgb),
            "{id} in the PDF at {at:?}: {in_pdf:?}, not {rgb:?}"
        );
    }
    for id in &arrows {
        assert!(
            svg_group(&svg, &format!("movement-{id}")).is_some(),
            "the window's arrow {id} is in the SVG"
        );
    }
    // Tishreen's position is approximate: a ring of dots around its marker.
    let tishreen = svg_group(&svg, "place-tishreen").unwrap();
    let dots = tishreen.matches(r#"r="0.9""#).count();
    assert!(dots >= 6, "Tishreen's dotted ring has {dots} dots");
    let qaboun = svg_group(&svg, "place-qaboun").unwrap();
    assert_eq!(qaboun.matches(r#"r="0.9""#).count(), 0, "Qaboun is exact");
}

#[test]
fn the_svg_gives_each_movement_a_group_with_its_id_and_a_title_naming_the_sources_figures() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("story.svg");
    export(&out);
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(
        svg.contains(r#"<g class="movements">"#),
        "movements are grouped"
    );
    assert!(svg.contains(r#"<g class="places">"#), "places are grouped");
    let group = svg_group(&svg, "movement-barzeh-idlib-2017-05-12")
        .expect("the 12 May movement has a group of its own");
    assert!(
        group.contains(r#"data-id="barzeh-idlib-2017-05-12""#),
        "{group}"
    );
    let title = &group[group.find("<title>").unwrap()..group.find("</title>").unwrap()];
    for figure in ["1,246 people (SANA)", "about 700 people (SOHR)"] {
        assert!(title.contains(figure), "{figure} is not in {title}");
    }
    assert!(
        group.contains("<path") || group.contains("<polygon") || group.contains("<polyline"),
        "the arrow is drawn inside its group: {group}"
    );
}

#[test]
fn the_map_does_not_import_the_apps_commands() {
    fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/map"),
        &mut files,
    );
    assert!(files.len() > 20, "the map's sources are found");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for forbidden in ["crate::command", "crate::app", "crate::ui", "crate::export"] {
            assert!(
                !text.contains(forbidden),
                "{} uses {forbidden}: the map returns MapActions and knows nothing above it",
                file.display()
            );
        }
    }
}
