//! A big story at country zoom: crowds of places are drawn as clusters with their counts, a
//! click on a cluster zooms into it, and movements between clusters are drawn once for all.

use crate::support;

use egui_kittest::kittest::{NodeT, Queryable};

fn big_story_harness(
    dir: &tempfile::TempDir,
) -> egui_kittest::Harness<'static, evacmap::app::EvacApp> {
    let path = dir.path().join("generated-3000.geojson");
    std::fs::write(&path, evacmap::generate::story(3000, 5)).unwrap();
    let mut options = support::offline_options();
    options.file = Some(path);
    support::app_harness(options, None, 1.0 / 60.0)
}

#[test]
fn at_country_zoom_crowds_are_clusters_with_their_counts() {
    let dir = tempfile::tempdir().unwrap();
    let harness = big_story_harness(&dir);
    let overlay = harness.state().last_overlay();
    assert!(
        !overlay.clusters.is_empty(),
        "no clusters at zoom {}",
        harness.state().zoom()
    );
    let clustered: usize = overlay.clusters.iter().map(|c| c.count).sum();
    assert!(
        clustered + overlay.markers.len() >= 900,
        "every place is a marker or in a cluster: {clustered} + {}",
        overlay.markers.len()
    );
    assert!(
        overlay.markers.len() < 300,
        "a thousand places are not a thousand markers: {}",
        overlay.markers.len()
    );
    // Each cluster is one accessible node that says how many places it holds.
    for cluster in &overlay.clusters {
        assert!(cluster.count >= evacmap::map::cluster::CLUSTER_MIN);
        assert!(
            cluster
                .name
                .starts_with(&format!("Cluster of {} places around ", cluster.count)),
            "{}",
            cluster.name
        );
        harness.get_by_label(&cluster.name);
    }
    // The events at a cluster's places are folded into it: counted by type in its name.
    let folded: Vec<&str> = overlay
        .clusters
        .iter()
        .filter_map(|c| c.name.split_once("; ").map(|(_, events)| events))
        .collect();
    assert!(!folded.is_empty(), "no cluster counts its events");
    let counted: usize = folded
        .iter()
        .map(|events| {
            let number = events.split(' ').next().unwrap().replace(',', "");
            number.parse::<usize>().unwrap()
        })
        .sum();
    let events = harness.state().dataset().events().count();
    assert!(counted > 0 && counted <= events, "{counted} of {events}");
    assert!(
        folded
            .iter()
            .all(|e| e.contains(" events: ") || e.contains(" event: "))
    );
    let merged = harness
        .query_all_by(|n| n.role() == egui::accesskit::Role::Button)
        .filter(|n| {
            n.accesskit_node()
                .label()
                .is_some_and(|l| l.contains("movements between clusters"))
        })
        .count();
    assert!(
        merged > 0,
        "movements between clusters are merged into one arrow each"
    );
}

#[test]
fn clicking_a_cluster_zooms_into_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = big_story_harness(&dir);
    let before = harness.state().zoom();
    let biggest = harness
        .state()
        .last_overlay()
        .clusters
        .iter()
        .max_by_key(|c| c.count)
        .cloned()
        .expect("a cluster");
    harness.get_by_label(&biggest.name).click();
    harness.run_steps(3);
    let after = harness.state().zoom();
    assert!(after >= before + 1.0, "zoom {before} → {after}");
    // Closer in, the cluster has come apart: it is no longer there whole.
    let overlay = harness.state().last_overlay();
    assert!(
        overlay.clusters.iter().all(|c| c.name != biggest.name),
        "the cluster is still drawn whole"
    );
}

#[test]
fn clicking_an_arrow_between_clusters_lists_its_movements_with_each_sources_figures() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = big_story_harness(&dir);
    let label = harness
        .query_all_by(|n| n.role() == egui::accesskit::Role::Button)
        .filter_map(|n| n.accesskit_node().label())
        .find(|l| l.contains("movements between clusters"))
        .expect("an arrow between clusters");
    harness.get_by_label(&label).click();
    harness.run_steps(3);
    // Arrows between clusters cross; the click selects the one on top where it landed.
    let selected = harness
        .state()
        .selected_movements()
        .expect("movements selected")
        .to_vec();
    assert!(selected.len() >= 2, "{selected:?}");
    harness.get_by_label(&format!("{} movements", selected.len()));
    // Each movement is listed with its figures, one line per source: never summed.
    let dataset = harness.state().dataset();
    let first = dataset.get(selected[0]).unwrap();
    let evacmap::model::Feature::Movement(movement) = &first else {
        panic!("not a movement")
    };
    let monitor = movement
        .figures
        .iter()
        .find(|f| f.sources == ["monitor"])
        .expect("the monitor's figure");
    harness.get_by_label(&format!("Monitor: {}", monitor.describe()));
    let agency = movement
        .figures
        .iter()
        .find(|f| f.sources == ["agency"])
        .expect("the agency's figure");
    harness.get_by_label(&format!("Agency: {}", agency.describe()));
}

#[test]
fn the_event_list_lays_out_only_the_rows_in_view() {
    let dir = tempfile::tempdir().unwrap();
    let harness = big_story_harness(&dir);
    // 3,000 features: 1,000 movements and 1,000 events in the list, a screenful of them drawn.
    harness.get_by_label("2000 of 2000 events and movements");
    let rows = harness
        .query_all_by(|_| true)
        .filter(|n| {
            n.accesskit_node()
                .label()
                .is_some_and(|l| l.starts_with("→ ") || l.starts_with("• "))
        })
        .count();
    assert!((5..100).contains(&rows), "{rows} rows laid out");
}

#[test]
fn movements_between_the_same_two_places_year_after_year_are_one_arrow() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yearly.csv");
    let mut table = String::from("Year,Country of origin (ISO),Country of asylum (ISO),Refugees\n");
    for (year, count) in [
        (2015, 100),
        (2016, 500),
        (2017, 300),
        (2018, 200),
        (2019, 250),
    ] {
        table.push_str(&format!("{year},SYR,TUR,{count}\n"));
    }
    table.push_str("2017,SYR,LBN,50\n");
    std::fs::write(&path, table).unwrap();
    let mut options = support::offline_options();
    options.file = Some(path);
    let mut harness = support::app_harness(options, None, 1.0 / 60.0);
    let arrows: Vec<String> = harness
        .query_all_by(|n| n.role() == egui::accesskit::Role::Button)
        .filter_map(|n| n.accesskit_node().label())
        // Arrows on the map, not rows of the event list ("→ 2015 · …").
        .filter(|l| l.contains('→') && !l.starts_with('→'))
        .collect();
    assert_eq!(arrows.len(), 2, "{arrows:?}");
    // Yearly counts are stocks: the arrow carries the largest, not their sum.
    let merged = arrows
        .iter()
        .find(|l| {
            l.starts_with("5 movements between the same places, 2015 – 2019, up to 500 people")
        })
        .unwrap_or_else(|| panic!("{arrows:?}"))
        .clone();
    assert!(
        arrows
            .iter()
            .any(|l| l.starts_with("Displacement Syria → Lebanon, 2017"))
    );
    harness.get_by_label(&merged).click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().selected_movements().map(<[_]>::len),
        Some(5)
    );
}

#[test]
fn only_the_largest_arrows_are_drawn_and_the_status_bar_says_more_are_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = big_story_harness(&dir);
    let overlay = harness.state().last_overlay();
    let drawn = overlay.arrows.len();
    assert!(
        overlay.arrows_left_out,
        "the generated story has more arrows in view than are drawn"
    );
    assert_eq!(drawn, evacmap::map::overlay::MAX_ARROWS);
    let status = format!("Arrows: the {drawn} largest in view; more are left out");
    harness.get_by_label(&status);
    // A narrower range leaves fewer movements, and fewer arrows, in view.
    let year = evacmap::model::DaySpan {
        first: chrono::NaiveDate::from_ymd_opt(2016, 1, 1),
        last: chrono::NaiveDate::from_ymd_opt(2016, 12, 31),
    };
    harness.state_mut().set_range(year);
    harness.run_steps(2);
    let narrowed = harness.state().last_overlay();
    assert!(
        !narrowed.arrows_left_out && narrowed.arrows.len() < drawn,
        "a year of fourteen leaves fewer arrows, all drawn: {}",
        narrowed.arrows.len()
    );
    assert!(!narrowed.arrows.is_empty());
    assert!(harness.query_by_label(&status).is_none());
}

/// Clusters never cover each other: their discs stand apart.
#[test]
fn cluster_discs_stand_apart() {
    let dir = tempfile::tempdir().unwrap();
    let harness = big_story_harness(&dir);
    let clusters = &harness.state().last_overlay().clusters;
    assert!(clusters.len() > 1);
    let radius = |count| evacmap::map::cluster::cluster_radius(count);
    for (k, a) in clusters.iter().enumerate() {
        for b in &clusters[k + 1..] {
            let apart = a.center.distance(b.center);
            assert!(
                apart >= radius(a.count) + radius(b.count),
                "{} and {} overlap ({apart:.1} apart)",
                a.name,
                b.name
            );
        }
    }
}

/// H shows the density view: hexagons (each an accessible node saying what it holds) instead
/// of markers and clusters, by reports then by people moved; H again brings the markers back.
#[test]
fn the_density_view_is_one_key_away() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = big_story_harness(&dir);
    let before = harness.state().last_overlay().clone();
    assert!(before.hexagons.is_empty());
    // From the map, where a marker or cluster keeps the keyboard's focus.
    harness.key_press(egui::Key::Tab);
    harness.run_steps(2);
    assert!(harness.ctx.memory(|m| m.focused()).is_some());
    harness.key_press(egui::Key::H);
    harness.run_steps(3);
    let reports = harness.state().last_overlay().clone();
    assert!(!reports.hexagons.is_empty(), "no hexagons");
    assert!(reports.markers.is_empty() && reports.clusters.is_empty());
    assert!(reports.events.is_empty());
    // Every report in view is in a hexagon: the events and movements of the story (all its
    // places are in view at this zoom), counted once each.
    let counted: usize = reports
        .hexagons
        .iter()
        .map(|(_, name)| {
            let number = name
                .trim_start_matches("Density: ")
                .split(' ')
                .next()
                .unwrap()
                .replace(',', "");
            number.parse::<usize>().unwrap()
        })
        .sum();
    let story = harness.state().dataset();
    let events = story.events().count();
    let movements = story.movements().count();
    assert!(counted > 0 && counted <= events + movements, "{counted}");
    for (_, name) in &reports.hexagons {
        assert!(harness.query_all_by_label(name).next().is_some(), "{name}");
    }
    // By people: the same hexagons say how many people moved from there.
    harness.key_press(egui::Key::H);
    harness.run_steps(3);
    let people = harness.state().last_overlay().clone();
    assert!(
        people
            .hexagons
            .iter()
            .any(|(_, name)| name.contains("people moved from there")),
        "{:?}",
        people.hexagons.first()
    );
    assert_eq!(
        harness.state().persisted().draw.density,
        evacmap::map::density::Density::People
    );
    // And back to markers and clusters.
    harness.key_press(egui::Key::H);
    harness.run_steps(3);
    let after = harness.state().last_overlay();
    assert!(after.hexagons.is_empty());
    assert_eq!(after.clusters.len(), before.clusters.len());
}

#[test]
fn a_clusters_tag_counts_its_events_by_type_in_their_colours() {
    let dir = tempfile::tempdir().unwrap();
    let story = dir.path().join("big.geojson");
    let svg = dir.path().join("clusters.svg");
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_evacmap"))
            .args(args)
            .env_remove("DISPLAY")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    run(&["generate", "5000", "--out", story.to_str().unwrap()]);
    run(&[
        "export",
        story.to_str().unwrap(),
        "--out",
        svg.to_str().unwrap(),
        "--tiles",
        "offline",
        "--view",
        "37.5,35,7",
    ]);
    let text = std::fs::read_to_string(&svg).unwrap();
    // Each cluster's group: its disc, its count, and its tag with a dot per type shown.
    let colours: Vec<String> = [
        evacmap::model::EventType::Clashes,
        evacmap::model::EventType::Statement,
        evacmap::model::EventType::Strike,
        evacmap::model::EventType::Agreement,
    ]
    .iter()
    .map(|&t| {
        let [r, g, b, _] = evacmap::map::events::event_color(Some(t)).to_array();
        format!("fill=\"#{r:02x}{g:02x}{b:02x}\"")
    })
    .collect();
    let clusters: Vec<&str> = text
        .split("<g class=\"clusters\">")
        .skip(1)
        .map(|group| group.split("</g>").next().unwrap_or(""))
        .collect();
    assert!(!clusters.is_empty(), "no cluster in the export");
    let with_dots = clusters
        .iter()
        .filter(|group| {
            colours.iter().any(|c| group.contains(c.as_str()))
                && group.matches("<circle").count() >= 2
        })
        .count();
    assert!(
        with_dots > 0,
        "no cluster's tag has a dot of an event type's colour: {:?}",
        clusters.first()
    );
}
