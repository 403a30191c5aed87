use super::*;
use crate::io::overview::{OverviewCell, OverviewFlow};

fn cell(lon: f64, lat: f64, places: u64) -> OverviewCell {
    OverviewCell {
        at: [lon, lat],
        places,
        events: places * 2,
        movements: places,
    }
}

/// Syria at about zoom 6.5 in an 1100 × 650 map.
fn country_view() -> (ScreenTransform, Rect) {
    let rect = Rect::from_min_size(egui::pos2(0.0, 0.0), vec2(1100.0, 650.0));
    (
        ScreenTransform::new(rect, walkers::lon_lat(38.5, 35.0), 6.5),
        rect,
    )
}

fn overview() -> Overview {
    Overview {
        features: 1_000_000,
        cell: 0.1,
        cells: vec![
            // Two crowds a tenth of a degree apart around Aleppo, and Damascus far away.
            cell(37.15, 36.20, 40_000),
            cell(37.25, 36.25, 30_000),
            cell(36.30, 33.50, 50_000),
            // Far out of view (Europe).
            cell(2.35, 48.85, 10),
        ],
        flows: vec![
            OverviewFlow {
                from: 0,
                to: 2,
                movements: 100,
                people: 9_000,
            },
            OverviewFlow {
                from: 1,
                to: 2,
                movements: 50,
                people: 1_000,
            },
            // Within one disc: no arrow.
            OverviewFlow {
                from: 0,
                to: 1,
                movements: 7,
                people: 70,
            },
        ],
    }
}

#[test]
fn near_cells_share_a_disc_and_their_movements_one_arrow() {
    let (view, rect) = country_view();
    let scene = OverviewScene::build(&overview(), &view, rect);
    // Aleppo's two cells are one disc; Paris is out of view and needed by no arrow.
    assert_eq!(scene.discs.len(), 2, "{scene:?}");
    let aleppo = scene.discs.iter().position(|d| d.places == 70_000).unwrap();
    let damascus = scene.discs.iter().position(|d| d.places == 50_000).unwrap();
    assert_eq!(scene.discs[aleppo].events, 140_000);
    assert_eq!(scene.arrows.len(), 1);
    let arrow = &scene.arrows[0];
    assert_eq!((arrow.from, arrow.to), (aleppo, damascus));
    assert_eq!((arrow.movements, arrow.people), (150, 10_000));
    assert!(
        (arrow.width - 12.0).abs() < 1e-3,
        "the largest arrow is the widest"
    );
    // The disc reaches half a cell past its cells' middles.
    let bounds = scene.discs[aleppo].bounds;
    assert!((bounds.min_lon - 37.10).abs() < 1e-9 && (bounds.max_lat - 36.30).abs() < 1e-9);
}

#[test]
fn discs_stand_apart() {
    let (view, rect) = country_view();
    let mut crowded = overview();
    // A cell every fifth of a degree across the country.
    crowded.cells = (0..40)
        .flat_map(|i| {
            (0..25).map(move |j| cell(35.5 + 0.2 * f64::from(i), 32.5 + 0.2 * f64::from(j), 500))
        })
        .collect();
    crowded.flows.clear();
    let scene = OverviewScene::build(&crowded, &view, rect);
    assert!(scene.discs.len() > 3);
    assert_eq!(scene.discs.iter().map(|d| d.places).sum::<u64>(), 500_000);
    for (i, a) in scene.discs.iter().enumerate() {
        for b in &scene.discs[i + 1..] {
            let apart = a.center.distance(b.center);
            assert!(apart >= a.radius + b.radius, "discs overlap: {a:?} {b:?}");
        }
    }
}

#[test]
fn discs_and_arrows_are_named_in_words() {
    let (view, rect) = country_view();
    let scene = OverviewScene::build(&overview(), &view, rect);
    let aleppo = scene.discs.iter().position(|d| d.places == 70_000).unwrap();
    assert_eq!(
        scene.disc_name(aleppo),
        "Overview: 70,000 places around 36.23° N, 37.20° E, with 140,000 events and 70,000 \
         movements leaving them (counted by the database; the reports are still loading)"
    );
    assert_eq!(
        scene.arrow_name(0),
        "Overview: 150 movements, 10,000 people or more, from around 36.23° N, 37.20° E to \
         around 33.50° N, 36.30° E"
    );
}
