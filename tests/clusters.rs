//! A big story at country zoom: crowds of places are drawn as clusters with their counts, a
//! click on a cluster zooms into it, and movements between clusters are drawn once for all.

mod support;

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
