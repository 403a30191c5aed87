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
                crate::io::Loaded {
                    dataset: Dataset::default(),
                    warnings: Vec::new(),
                }
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
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// The points a view frames to show what is visible (`is_visible` by feature index): places and
/// the paths of movements. Events are drawn at their places; a country-wide place would zoom
/// the story out to the whole country, so neither counts.
pub fn framing_points<'d>(
    dataset: &'d Dataset,
    is_visible: impl Fn(usize) -> bool + 'd,
) -> impl Iterator<Item = geo::Point<f64>> + 'd {
    use crate::model::{FeatureIndex, FeatureKind, PlaceType, Vocabulary};
    let store = dataset.store();
    (0..dataset.len())
        .filter(move |&i| is_visible(i))
        .flat_map(move |i| {
            let mut points = Vec::new();
            match store.kind(i) {
                FeatureKind::Movement => {
                    if let Some(path) = dataset.movement_path_at(FeatureIndex(i)) {
                        points.extend(path.into_iter().map(geo::Point::from));
                    }
                }
                FeatureKind::Event => {}
                FeatureKind::Place
                    if store.place_type(i).and_then(PlaceType::parse)
                        == Some(PlaceType::Country) => {}
                _ => points.extend(dataset.anchor_at(FeatureIndex(i))),
            }
            points
        })
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
            let wanted: Vec<usize> = ids
                .iter()
                .filter_map(|id| dataset.index_of(id))
                .map(|i| i.0)
                .collect();
            crate::map::projection::LonLatBounds::from_points(crate::story::framing_points(
                dataset,
                |i| wanted.contains(&i),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Chapter, ChapterView, Dataset};

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
