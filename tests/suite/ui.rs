//! The map window, driven headless through AccessKit names (egui_kittest, no GPU, no network).

use crate::support;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use evacmap::app::{AppOptions, EvacApp};
use evacmap::map::tiles::TileProvider;
use evacmap::model::{DaySpan, FeatureIndex};

pub(crate) const SECOND_BARZEH_BATCH: &str = "Evacuation Barzeh and Tishreen → Idlib, 12 May 2017";

pub(crate) fn options() -> AppOptions {
    support::offline_options()
}

pub(crate) fn harness_with(options: AppOptions) -> Harness<'static, EvacApp> {
    support::app_harness(options, None, 1.0 / 60.0)
}

pub(crate) fn harness() -> Harness<'static, EvacApp> {
    harness_with(options())
}

pub(crate) fn index_of(harness: &Harness<'_, EvacApp>, id: &str) -> FeatureIndex {
    harness.state().dataset().index_of(id).unwrap()
}

/// Every text in the tree (a widget's label or a text label's value) that contains `text`.
pub(crate) fn labels_containing(harness: &Harness<'_, EvacApp>, text: &str) -> Vec<String> {
    harness
        .query_all_by(|node| {
            // Wrapped text also appears line by line in text runs; count each text once.
            node.role() != egui::accesskit::Role::TextRun
                && (node.label().is_some_and(|l| l.contains(text))
                    || node.value().is_some_and(|v| v.contains(text)))
        })
        .filter_map(|node| {
            let node = node.accesskit_node();
            node.label().or_else(|| node.value())
        })
        .collect()
}

#[test]
fn clicking_qaboun_shows_sohrs_estimate_of_the_share_still_held_by_rebels() {
    let mut harness = harness();
    harness.get_by_label("Qaboun").click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().selection(),
        Some(index_of(&harness, "qaboun"))
    );
    let claims = labels_containing(&harness, "about 20% of it");
    assert_eq!(claims.len(), 1, "{claims:?}");
    assert!(
        claims[0].contains("Ahrar al-Sham, Jaysh al-Islam, Rahman Corps"),
        "{}",
        claims[0]
    );
    assert!(claims[0].ends_with("— SOHR"), "{}", claims[0]);
    // The details name the place's coordinates and their precision.
    assert_eq!(
        labels_containing(&harness, "33.54611° N, 36.33778° E (exact)").len(),
        1
    );
}

#[test]
fn clicking_the_12_may_arrow_shows_sana_and_sohr_figures_side_by_side() {
    let mut harness = harness();
    harness.get_by_label(SECOND_BARZEH_BATCH).click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().selection(),
        Some(index_of(&harness, "barzeh-idlib-2017-05-12"))
    );
    // Each source's figures stand on their own line, under the source's name.
    harness.get_by_label("SANA:");
    harness.get_by_label("1,246 people; 718 fighters");
    harness.get_by_label("SOHR:");
    harness.get_by_label("about 700 people; about 150 fighters");
    // Never merged: no label carries both sources' numbers.
    let merged: Vec<String> = labels_containing(&harness, "1,246")
        .into_iter()
        .filter(|l| l.contains("700"))
        .collect();
    assert!(merged.is_empty(), "{merged:?}");
}

#[test]
fn escape_clears_the_selection() {
    let mut harness = harness();
    harness.get_by_label("Qaboun").click();
    harness.run_steps(2);
    assert!(harness.state().selection().is_some());
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    assert_eq!(harness.state().selection(), None);
    assert!(labels_containing(&harness, "about 20% of it").is_empty());
}

#[test]
fn a_click_on_empty_map_clears_the_selection() {
    let mut harness = harness();
    harness.get_by_label("Qaboun").click();
    harness.run_steps(2);
    let map = harness.state().map_rect().unwrap();
    // Near the map's top-right corner (Turkey or Iraq), far from every marker and arrow.
    let empty = map.right_top() + egui::vec2(-40.0, 40.0);
    harness.hover_at(empty);
    harness.event(egui::Event::PointerButton {
        pos: empty,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: egui::Modifiers::NONE,
    });
    harness.event(egui::Event::PointerButton {
        pos: empty,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    harness.run_steps(2);
    assert_eq!(harness.state().selection(), None);
}

#[test]
fn tab_enters_the_map_at_once_and_arrow_keys_move_between_markers() {
    let mut harness = harness();
    let focused_label = support::focused_label::<EvacApp>;
    // The map is the first Tab stop: one press reaches its first item (the topmost, Idlib).
    harness.key_press(egui::Key::Tab);
    harness.run_steps(2);
    assert_eq!(focused_label(&harness).as_deref(), Some("Idlib"));
    // Down the map to the Damascus crowd (Damascus, below the arrows' middles), up to Barzeh
    // just above it, then Enter selects what has the keyboard.
    for _ in 0..12 {
        let key = match focused_label(&harness).as_deref() {
            Some("Barzeh") => break,
            Some("Damascus") => egui::Key::ArrowUp,
            _ => egui::Key::ArrowDown,
        };
        harness.key_press(key);
        harness.run_steps(2);
    }
    assert_eq!(focused_label(&harness).as_deref(), Some("Barzeh"));
    harness.key_press(egui::Key::Enter);
    harness.run_steps(2);
    assert_eq!(
        harness.state().selection(),
        Some(index_of(&harness, "barzeh"))
    );
    // Arrow keys on the map move the keyboard, not the time range.
    assert_eq!(harness.state().range(), DaySpan::ALL_TIME);
}

#[test]
fn f6_moves_the_keyboard_between_the_map_and_the_panels() {
    let mut harness = harness();
    let focused_label = support::focused_label::<EvacApp>;
    let mut visited = Vec::new();
    for _ in 0..5 {
        harness.key_press(egui::Key::F6);
        harness.run_steps(2);
        visited.push(focused_label(&harness).unwrap_or_default());
    }
    assert_eq!(
        visited,
        ["Idlib", "Search", "▶ Play", "Fit story", "Idlib"],
        "map, event list, timeline, top bar, and round again"
    );
}

#[test]
fn every_place_and_movement_has_an_accessible_name() {
    let harness = harness();
    for name in [
        "Qaboun",
        "Barzeh",
        "Tishreen",
        "Eastern Ghouta",
        "Yarmouk camp",
        "Damascus",
        "Idlib",
        "Evacuation Barzeh → Idlib, 8 May 2017",
        SECOND_BARZEH_BATCH,
        "Evacuation Qaboun → Idlib, 14 May 2017 (scheduled)",
    ] {
        harness.get_by_label(name);
    }
}

#[test]
fn the_story_is_framed_so_idlib_and_damascus_are_both_in_view() {
    let harness = harness();
    let app = harness.state();
    let map = app.map_rect().unwrap();
    let dataset = app.dataset();
    for marker in &app.last_overlay().markers {
        let id = dataset.store().id(marker.feature.0);
        if id != "syria" {
            assert!(
                map.contains(marker.drawn_position),
                "{id} is outside the map"
            );
        }
    }
    assert!(
        app.zoom() >= 6.0 && app.zoom() <= 9.0,
        "zoom {}",
        app.zoom()
    );
}

#[test]
fn crowded_markers_are_spread_apart_when_zoomed_out_and_at_their_places_when_zoomed_in() {
    let harness = harness();
    let spread_distance = |harness: &Harness<'_, EvacApp>, a: &str, b: &str| {
        let app = harness.state();
        let find = |id: &str| {
            app.last_overlay()
                .markers
                .iter()
                .find(|m| app.dataset().get(m.feature).unwrap().id() == id)
                .copied()
                .unwrap()
        };
        let (a, b) = (find(a), find(b));
        (
            a.drawn_position.distance(b.drawn_position),
            a.true_position.distance(b.true_position),
            a,
        )
    };
    let (drawn, true_distance, _) = spread_distance(&harness, "qaboun", "barzeh");
    assert!(
        true_distance < 10.0,
        "zoomed out, they are a few points apart ({true_distance})"
    );
    assert!(
        drawn >= evacmap::map::layout::CROWD_DISTANCE - 0.1,
        "but drawn apart ({drawn})"
    );

    // Six levels closer, looking at them (what is off screen is not laid out at all).
    let qaboun = harness
        .state()
        .dataset()
        .place("qaboun")
        .and_then(|p| harness.state().dataset().anchor_of_place(&p))
        .unwrap();
    let mut closer = options();
    closer.view = Some((qaboun.x(), qaboun.y(), harness.state().zoom() + 6.0));
    let harness = harness_with(closer);
    let places = harness.state().dataset().places().count();
    let laid_out = harness.state().last_overlay().markers.len();
    assert!(laid_out < places, "{laid_out} of {places} places laid out");
    let (drawn, true_distance, qaboun) = spread_distance(&harness, "qaboun", "barzeh");
    assert!(
        true_distance > 40.0,
        "zoomed in, they are far apart ({true_distance})"
    );
    assert_eq!(drawn, true_distance, "and drawn where they are");
    assert_eq!(qaboun.drawn_position, qaboun.true_position);
}

#[test]
fn home_returns_to_the_whole_story() {
    let mut harness = harness();
    let fitted = harness.state().zoom();
    harness.key_press(egui::Key::Plus);
    harness.run_steps(1);
    harness.key_press(egui::Key::Plus);
    harness.run_steps(1);
    assert!((harness.state().zoom() - (fitted + 2.0)).abs() < 1e-6);
    harness.key_press(egui::Key::Minus);
    harness.run_steps(1);
    assert!((harness.state().zoom() - (fitted + 1.0)).abs() < 1e-6);
    harness.key_press(egui::Key::Home);
    harness.run_steps(1);
    assert!((harness.state().zoom() - fitted).abs() < 1e-6);
}

#[test]
fn related_movements_in_the_details_are_clickable() {
    let mut harness = harness();
    harness.get_by_label("Qaboun").click();
    harness.run_steps(2);
    harness
        .get_by_label("Evacuation Qaboun → Idlib — 14 May 2017")
        .click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().selection(),
        Some(index_of(&harness, "qaboun-idlib-2017-05-14"))
    );
}

#[test]
fn with_the_tile_server_down_only_the_offline_basemap_is_credited() {
    // Tiles from a loopback port nothing listens on: no tile is drawn, so no tile provider is
    // named; the offline basemap is, at once.
    let options = AppOptions {
        tiles: Some(TileProvider::parse("http://127.0.0.1:9/{z}/{x}/{y}.png").unwrap()),
        ..options()
    };
    let mut harness = harness_with(options);
    harness.run_steps(10);
    harness.get_by_label("Natural Earth");
    assert!(harness.query_by_label("Tiles: 127.0.0.1").is_none());
}

#[test]
fn offline_the_map_does_not_credit_openstreetmap() {
    let harness = harness();
    harness.get_by_label("Natural Earth");
    assert!(
        harness
            .query_by_label("© OpenStreetMap contributors")
            .is_none()
    );
}

#[test]
fn the_openstreetmap_attribution_links_to_its_copyright_page() {
    let map_rect = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(600.0, 400.0));
    let harness = Harness::builder()
        .with_context_setup(evacmap::app::install_fonts)
        .build_ui(move |ui| {
            evacmap::app::attribution_ui(ui, map_rect, TileProvider::OpenStreetMap.attribution());
        });
    let link = harness.get_by_label("© OpenStreetMap contributors");
    assert_eq!(link.accesskit_node().role(), egui::accesskit::Role::Link);
    let (_, url) = TileProvider::OpenStreetMap.attribution().unwrap();
    assert_eq!(url, "https://www.openstreetmap.org/copyright");
    // Bottom right of the map.
    let rect = link.rect();
    assert!(rect.max.x > 450.0 && rect.max.y > 370.0, "{rect:?}");
}

#[test]
fn a_plain_geojson_file_shows_its_features_and_their_properties() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/good/plain-qgis-export.geojson");
    let mut harness = harness_with(AppOptions {
        file: Some(path),
        ..options()
    });
    harness.get_by_label("Checkpoint").click();
    harness.run_steps(2);
    harness.get_by_label("Properties");
    harness.get_by_label("fid");
}

#[test]
fn a_file_that_fails_to_load_keeps_the_story_and_says_why() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bad/negative-figure.geojson");
    let mut harness = harness();
    support::open_and_wait(&mut harness, &path);
    // The bundled story is still there...
    harness.get_by_label("Qaboun");
    // ...and the problem is shown in words, with its location under Details.
    let words = labels_containing(
        &harness,
        "a figure is a whole number from 0 to 9,007,199,254,740,991, found -5",
    );
    assert_eq!(words.len(), 1, "{words:?}");
    harness.get_by_label("Details").click();
    harness.run_steps(4);
    let shown = labels_containing(
        &harness,
        "properties.figures[0].value: error: a figure is a whole number from 0 to 9,007,199,254,740,991, found -5",
    );
    assert_eq!(shown.len(), 1, "{shown:?}");
}

pub(crate) fn harness_with_stored(
    options: AppOptions,
    stored: Option<evacmap::app::PersistedState>,
) -> Harness<'static, EvacApp> {
    support::app_harness(options, stored, 1.0 / 60.0)
}

#[test]
fn the_view_and_layers_are_restored_on_restart_and_reset_starts_clean() {
    let mut harness = harness();
    harness.key_press(egui::Key::Plus);
    harness.run_steps(1);
    harness.get_by_label("Layers").click();
    harness.run_steps(3);
    harness.get_by_label("Labels").click();
    harness.run_steps(2);
    let saved = harness.state().persisted();
    assert!(!saved.draw.labels);
    let zoom = harness.state().zoom();
    // Saved as eframe saves it (RON), and read back.
    let text = ron::to_string(&saved).unwrap();
    let restored: evacmap::app::PersistedState = ron::from_str(&text).unwrap();
    assert_eq!(restored, saved);

    let again = harness_with_stored(
        AppOptions {
            reset: false,
            ..options()
        },
        Some(restored.clone()),
    );
    assert!((again.state().zoom() - zoom).abs() < 1e-9);
    assert_eq!(again.state().persisted().draw, saved.draw);
    assert_eq!(again.state().persisted().view, saved.view);

    let clean = harness_with_stored(options(), Some(restored));
    assert!(
        clean.state().persisted().draw.labels,
        "--reset ignores what was saved"
    );
    assert!(
        (clean.state().zoom() - (zoom - 1.0)).abs() < 1e-6,
        "and frames the story anew"
    );
}

#[test]
fn the_last_opened_file_is_reopened_on_restart() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/good/plain-qgis-export.geojson");
    let mut harness = harness();
    support::open_and_wait(&mut harness, &path);
    let saved = harness.state().persisted();
    assert_eq!(saved.last_file.as_deref(), Some(path.as_path()));
    let again = harness_with_stored(
        AppOptions {
            reset: false,
            ..options()
        },
        Some(saved),
    );
    again.get_by_label("Checkpoint");
    assert!(
        again.query_by_label("Qaboun").is_none(),
        "the bundled story is not what opened"
    );
}

#[test]
fn links_open_only_on_the_web_and_show_where_they_go() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/good/links-of-every-scheme.geojson");
    let mut harness = harness_with(AppOptions {
        file: Some(path),
        select: Some("m".into()),
        ..options()
    });
    for scheme in ["file:", "javascript:", "smb:"] {
        let why = labels_containing(
            &harness,
            &format!("Link not opened: the scheme {scheme} is not http or https"),
        );
        assert_eq!(why.len(), 1, "{scheme}: {why:?}");
    }
    let opened = |harness: &Harness<'_, EvacApp>| -> Vec<String> {
        harness
            .output()
            .platform_output
            .commands
            .iter()
            .filter_map(|c| match c {
                egui::OutputCommand::OpenUrl(open) => Some(open.url.clone()),
                _ => None,
            })
            .collect()
    };
    // The hostile addresses are plain text: clicking them opens nothing.
    for url in [
        "file:///etc/passwd",
        "javascript:alert(document.cookie)",
        "smb://fileserver/share/report.doc",
    ] {
        harness.get_by_label(url).click();
        harness.step();
        assert!(opened(&harness).is_empty(), "{url} was opened");
    }
    // The web link names its host and opens on a click.
    harness.get_by_label("example.org ↗").click();
    harness.step();
    assert_eq!(opened(&harness), vec!["https://www.example.org/report/1"]);
}

fn crashing_loader(
    _: &std::path::Path,
    _: &evacmap::io::LoadProgress,
) -> Result<evacmap::io::Loaded, evacmap::io::LoadError> {
    panic!("a simulated defect")
}

fn slow_failing_loader(
    path: &std::path::Path,
    _: &evacmap::io::LoadProgress,
) -> Result<evacmap::io::Loaded, evacmap::io::LoadError> {
    std::thread::sleep(std::time::Duration::from_millis(400));
    evacmap::io::load_file(&path.join("missing"))
}

#[test]
fn a_crash_while_loading_becomes_an_error_and_the_story_stays() {
    let mut harness = harness();
    let job = evacmap::open::job::LoadJob::start_with(
        std::path::Path::new("story.geojson"),
        crashing_loader,
    );
    harness.state_mut().start_load(job);
    support::wait_for_load(&mut harness);
    harness.get_by_label("Qaboun");
    let shown = labels_containing(
        &harness,
        "evacmap failed while reading it (a simulated defect)",
    );
    assert_eq!(shown.len(), 1, "{shown:?}");
}

#[test]
fn the_window_keeps_drawing_while_a_story_loads() {
    let mut harness = harness();
    let job = evacmap::open::job::LoadJob::start_with(
        std::path::Path::new("/nonexistent"),
        slow_failing_loader,
    );
    harness.state_mut().start_load(job);
    harness.run_steps(3);
    assert!(harness.state().is_loading());
    assert_eq!(
        labels_containing(&harness, "Opening /nonexistent…").len(),
        1
    );
    // The map still answers while the file is read.
    harness.get_by_label("Qaboun").click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().selection(),
        Some(index_of(&harness, "qaboun"))
    );
    support::wait_for_load(&mut harness);
    assert!(harness.state().load_error().is_some());
    // The story and the selection made while it loaded are still there.
    assert_eq!(
        harness.state().selection(),
        Some(index_of(&harness, "qaboun"))
    );
}

#[test]
fn the_time_range_and_the_selection_survive_a_restart() {
    let mut harness = harness();
    harness.get_by_label("Qaboun").click();
    harness.run_steps(2);
    let day = |text: &str| text.parse::<chrono::NaiveDate>().unwrap();
    let range = DaySpan::days(day("2017-05-12"), day("2017-05-13"));
    harness.state_mut().set_range(range);
    harness.run_steps(2);
    // Saved as eframe saves it (RON), and read back.
    let text = ron::to_string(&harness.state().persisted()).unwrap();
    let saved: evacmap::app::PersistedState = ron::from_str(&text).unwrap();

    let again = harness_with_stored(
        AppOptions {
            reset: false,
            ..options()
        },
        Some(saved.clone()),
    );
    assert_eq!(again.state().range(), range);
    assert_eq!(again.state().selection(), Some(index_of(&again, "qaboun")));
    // The timeline shows the remembered range, not 2011 to 2018.
    let mut fitted = evacmap::ui::timeline::TimelineState::default();
    fitted.fit(&range);
    assert!(fitted.view.is_some());
    assert_eq!(again.state().timeline().view, fitted.view);

    // --reset starts clean.
    let clean = harness_with_stored(options(), Some(saved));
    assert_eq!(clean.state().range(), DaySpan::ALL_TIME);
    assert_eq!(clean.state().selection(), None);
}

#[test]
fn no_field_name_or_internal_path_reaches_the_reader() {
    for id in ["barzeh-idlib-2017-05-12", "qaboun", "qaboun-agreement"] {
        let mut harness = harness_with(AppOptions {
            select: Some(id.into()),
            ..options()
        });
        harness.get_by_label("About this story").click();
        harness.run_steps(2);
        for leak in [
            "when_basis",
            "seed/",
            "article.txt",
            "name_ar",
            "geo_precision",
        ] {
            let found = labels_containing(&harness, leak);
            assert!(found.is_empty(), "{id}: {leak:?} shown in {found:?}");
        }
    }
}

#[test]
fn the_legend_starts_collapsed_and_no_text_is_smaller_than_12_px() {
    let harness = harness();
    assert!(harness.query_all_by_label("Legend").count() >= 1);
    assert!(
        harness.query_by_label("Opposition").is_none(),
        "the legend's entries are folded away at first"
    );
    for theme in [egui::Theme::Dark, egui::Theme::Light] {
        let style = harness.ctx.style_of(theme);
        for (text_style, font) in &style.text_styles {
            assert!(font.size >= 12.0, "{text_style:?} is {} px", font.size);
        }
    }
}
