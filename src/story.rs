//! The story on screen: a loaded dataset and where it came from.

use std::path::{Path, PathBuf};

use crate::io::{Loaded, Problem, parse_bytes};
use crate::model::Dataset;

/// A loaded story and where it came from.
pub struct Story {
    /// Shared with the layer it comes from when one layer is shown.
    pub dataset: std::sync::Arc<Dataset>,
    /// Shown in the status bar.
    pub name: String,
    /// `None` for the bundled story.
    pub path: Option<PathBuf>,
    pub warnings: Vec<Problem>,
}

impl Story {
    pub fn bundled() -> Self {
        let loaded = parse_bytes(crate::BUNDLED_STORY.as_bytes(), crate::BUNDLED_STORY_NAME)
            .unwrap_or_else(|e| {
                // The bundled story is checked by the test suite; this is a build defect.
                log::error!("the bundled story does not load: {e}");
                crate::io::Loaded::default()
            });
        Self {
            dataset: loaded.dataset.into(),
            name: crate::BUNDLED_STORY_NAME.to_owned(),
            path: None,
            warnings: loaded.warnings,
        }
    }

    /// A story read from `path`.
    pub fn from_loaded(loaded: Loaded, path: &Path) -> Self {
        Self {
            dataset: loaded.dataset.into(),
            name: display_name(path),
            path: Some(path.to_owned()),
            warnings: loaded.warnings,
        }
    }

    /// Nothing yet: shown while `path` is read at start-up.
    pub fn empty(path: &Path) -> Self {
        Self {
            dataset: Default::default(),
            name: display_name(path),
            path: None,
            warnings: Vec::new(),
        }
    }
}

/// "story.geojson" for a path; "standard input" for `-`.
fn display_name(path: &Path) -> String {
    if path.as_os_str() == crate::io::STDIN_PATH {
        return crate::io::source::origin_name(path);
    }
    if let Some(address) = path.to_str().filter(|p| crate::open::is_remote(p)) {
        return remote_name(address);
    }
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// A database's or web collection's name as a layer is named: "damascus-2017-05 (PostGIS on
/// db.example.org)", "idps (OGC API on example.org)"; never with a password.
fn remote_name(address: &str) -> String {
    let Ok(url) = url::Url::parse(address) else {
        return crate::open::ogc_api::shown(address);
    };
    let host = url.host_str().unwrap_or("localhost");
    if crate::postgis::is_database(address) {
        let story = url
            .query_pairs()
            .find(|(k, _)| k == "story")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_else(|| url.path().trim_start_matches('/').to_owned());
        return format!("{story} (PostGIS on {host})");
    }
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty() && *s != "items").collect())
        .unwrap_or_default();
    let name = segments.last().copied().unwrap_or(host);
    format!("{name} (OGC API on {host})")
}

/// The box a view frames to show what is visible (`is_visible` by feature index): places and
/// the paths of movements. Events are drawn at their places; a country-wide place would zoom
/// the story out to the whole country, so neither counts. A big story's features are looked at
/// on every core, and its movements only where some place is not framed itself: a movement's
/// path runs between places, and looking each up took seconds at ten million.
pub fn framing_bounds(
    dataset: &Dataset,
    is_visible: impl Fn(usize) -> bool + Sync,
) -> Option<crate::map::projection::LonLatBounds> {
    use crate::model::FeatureKind;
    let store = dataset.store();
    // Everything but movements; and whether every place was framed.
    let (framing, all_places_framed) = in_parallel(dataset.len(), |range| {
        let mut framing = crate::map::projection::Framing::default();
        let mut all_places_framed = true;
        for i in range {
            match store.kind(i) {
                FeatureKind::Movement => {}
                FeatureKind::Place if !is_visible(i) => all_places_framed = false,
                _ if !is_visible(i) => {}
                _ => all_places_framed &= add_framing_points(dataset, i, &mut framing),
            }
        }
        (framing, all_places_framed)
    });
    if all_places_framed {
        return framing.bounds();
    }
    let (paths, _) = in_parallel(dataset.len(), |range| {
        let mut framing = crate::map::projection::Framing::default();
        for i in range.filter(|&i| store.kind(i) == FeatureKind::Movement && is_visible(i)) {
            add_framing_points(dataset, i, &mut framing);
        }
        (framing, true)
    });
    framing.join(paths).bounds()
}

/// `frame` of the feature indexes `0..len` on every core (a story under 100,000 features on
/// one), joined.
fn in_parallel(
    len: usize,
    frame: impl Fn(std::ops::Range<usize>) -> (crate::map::projection::Framing, bool) + Sync,
) -> (crate::map::projection::Framing, bool) {
    use crate::map::projection::Framing;
    crate::io::pipeline::on_cores(len, 100_000, frame)
        .into_iter()
        .fold((Framing::default(), true), |(a, all_a), (b, all_b)| {
            (a.join(b), all_a && all_b)
        })
}

/// Adds the points feature `i` is framed by (see [`framing_bounds`]); `false` for a place that
/// is not framed (a country).
fn add_framing_points(
    dataset: &Dataset,
    i: usize,
    framing: &mut crate::map::projection::Framing,
) -> bool {
    use crate::model::{FeatureIndex, FeatureKind, PlaceType, Vocabulary};
    let store = dataset.store();
    match store.kind(i) {
        FeatureKind::Movement => {
            for point in dataset
                .movement_path_at(FeatureIndex(i))
                .into_iter()
                .flatten()
            {
                framing.add(point.x, point.y);
            }
        }
        FeatureKind::Event => {}
        FeatureKind::Place
            if store.place_type(i).and_then(PlaceType::parse) == Some(PlaceType::Country) =>
        {
            return false;
        }
        _ => {
            if let Some(point) = dataset.anchor_at(FeatureIndex(i)) {
                framing.add(point.x(), point.y());
            }
        }
    }
    true
}

/// The box a chapter looks at.
pub fn chapter_bounds(
    dataset: &Dataset,
    chapter: &crate::model::Chapter,
) -> Option<crate::map::projection::LonLatBounds> {
    match chapter.view.as_ref()? {
        crate::model::ChapterView::Bounds([west, south, east, north]) => {
            Some(crate::map::projection::LonLatBounds {
                min_lon: *west,
                min_lat: *south,
                // West above east: the box crosses the antimeridian (170 to -170 is 170 to 190).
                max_lon: if east < west { *east + 360.0 } else { *east },
                max_lat: *north,
            })
        }
        crate::model::ChapterView::Fit(ids) => {
            let mut framing = crate::map::projection::Framing::default();
            for index in ids.iter().filter_map(|id| dataset.index_of(id)) {
                add_framing_points(dataset, index.0, &mut framing);
            }
            framing.bounds()
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Chapter, ChapterView, Dataset};

    #[test]
    fn remote_layers_are_named_by_their_story_or_collection_and_host_without_a_password() {
        assert_eq!(
            super::remote_name("postgres://ana:secret@db.example.org/stories?story=damascus"),
            "damascus (PostGIS on db.example.org)"
        );
        assert_eq!(
            super::remote_name("https://ana:secret@example.org/collections/idps/items"),
            "idps (OGC API on example.org)"
        );
    }

    #[test]
    fn a_chapter_box_across_the_antimeridian_runs_east_past_180() {
        let chapter = Chapter {
            id: "fiji".into(),
            title: "Fiji".into(),
            text: String::new(),
            when: None,
            view: Some(ChapterView::Bounds([170.0, -20.0, -170.0, -10.0])),
            select: None,
            emphasise: Vec::new(),
            sources: Vec::new(),
            extra: Default::default(),
        };
        let bounds = super::chapter_bounds(&Dataset::default(), &chapter).expect("a box");
        assert_eq!((bounds.min_lon, bounds.max_lon), (170.0, 190.0));
    }
}
