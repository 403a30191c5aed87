//! The files open in the window, each a layer that can be hidden or removed; the map, the time
//! filter, search and details work on the visible layers together. Pure: no egui.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::io::{Loaded, Location, Problem};
use crate::model::Dataset;
use crate::story::Story;

/// Colours told apart on the basemap and by most colour-blind readers (Okabe–Ito), as RGB.
pub const LAYER_COLOURS: [[u8; 3]; 6] = [
    [0x00, 0x72, 0xb2],
    [0xe6, 0x9f, 0x00],
    [0x00, 0x9e, 0x73],
    [0xcc, 0x79, 0xa7],
    [0x56, 0xb4, 0xe9],
    [0xd5, 0x5e, 0x00],
];

/// Where a visible layer's features end in the story shown, and how it is told apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerBand {
    pub end: usize,
    pub name: String,
    pub colour: [u8; 3],
}

/// One opened file.
#[derive(Debug, Clone)]
pub struct Layer {
    /// `None` for the bundled story.
    pub path: Option<PathBuf>,
    /// Files read with it (a flow table's locations), read again when it reloads.
    pub companions: Vec<PathBuf>,
    pub name: String,
    pub dataset: Arc<Dataset>,
    pub warnings: Vec<Problem>,
    pub visible: bool,
    /// Index into [`LAYER_COLOURS`].
    pub colour: usize,
    /// Why the last reload failed (the data shown is the last that loaded), one line each.
    pub failure: Option<Vec<String>>,
    /// Properties of features from other tools that hold dates, the one used first.
    pub date_properties: Vec<String>,
    /// The property the time filter uses for them.
    pub date_property: Option<String>,
    /// The file as it was when read: a save copies untouched features from it only while it
    /// still is.
    pub stamp: Option<crate::io::save::FileStamp>,
    /// For a story opened from a database: each feature's row there and its version.
    pub stored: Option<Arc<crate::io::remote::StoredRows>>,
}

impl Layer {
    pub fn from_story(story: Story) -> Self {
        let date_properties =
            crate::import::geojson_dates::date_properties(&story.dataset, today());
        Self {
            path: story.path,
            companions: Vec::new(),
            name: story.name,
            dataset: story.dataset,
            warnings: story.warnings,
            visible: true,
            colour: 0,
            failure: None,
            date_property: date_properties.first().cloned(),
            date_properties,
            stamp: None,
            stored: None,
        }
    }

    pub fn from_loaded(mut loaded: Loaded, path: &Path) -> Self {
        let stored = loaded.stored.take();
        Self {
            stored,
            ..Self::from_story(Story::from_loaded(loaded, path))
        }
    }
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// A problem of one layer, and where its feature is in the story shown (when it has one).
#[derive(Debug, Clone, PartialEq)]
pub struct LayerProblem {
    pub layer: String,
    /// The problem as `check` prints it, after the file name: the technical detail.
    pub text: String,
    /// The problem in words, for people: where (a line, a feature by number and name) and
    /// what, without JSON paths.
    pub summary: String,
    pub is_error: bool,
    /// The feature's index among all visible layers' features.
    pub feature: Option<crate::model::FeatureIndex>,
}

/// The open files, in the order they were opened.
#[derive(Debug, Clone, Default)]
pub struct LayerSet {
    layers: Vec<Layer>,
}

impl LayerSet {
    pub fn new(first: Layer) -> Self {
        Self {
            layers: vec![first],
        }
    }

    pub fn layers(&self) -> &[Layer] {
        &self.layers
    }

    /// The layer at `index`, to change (its data when it is edited).
    pub fn layer_mut(&mut self, index: usize) -> Option<&mut Layer> {
        self.layers.get_mut(index)
    }

    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    /// Adds a layer, or replaces the one from the same file. A lone bundled story gives way to
    /// the first file opened (a reader opening their own data wants to see it alone).
    pub fn add(&mut self, mut layer: Layer) -> usize {
        if let Some(i) = self
            .layers
            .iter()
            .position(|l| l.path.is_some() && l.path == layer.path)
        {
            layer.colour = self.layers[i].colour;
            layer.visible = self.layers[i].visible;
            self.layers[i] = layer;
            return i;
        }
        if let [only] = self.layers.as_slice()
            && only.path.is_none()
        {
            self.layers.clear();
        }
        let used: Vec<usize> = self.layers.iter().map(|l| l.colour).collect();
        layer.colour = (0..LAYER_COLOURS.len())
            .find(|c| !used.contains(c))
            .unwrap_or(self.layers.len() % LAYER_COLOURS.len());
        self.layers.push(layer);
        self.layers.len() - 1
    }

    pub fn remove(&mut self, index: usize) {
        if index < self.layers.len() {
            self.layers.remove(index);
        }
    }

    pub fn set_visible(&mut self, index: usize, visible: bool) {
        if let Some(layer) = self.layers.get_mut(index) {
            layer.visible = visible;
        }
    }

    /// Keeps the data of the layer from `path` and notes why reloading it failed.
    pub fn reload_failed(&mut self, path: &Path, problems: Vec<String>) {
        if let Some(layer) = self
            .layers
            .iter_mut()
            .find(|l| l.path.as_deref() == Some(path))
        {
            layer.failure = Some(problems);
        }
    }

    /// Dates the features of layer `index` from other tools by the property `name`.
    pub fn set_date_property(&mut self, index: usize, name: &str) {
        let Some(layer) = self.layers.get_mut(index) else {
            return;
        };
        let dataset = Dataset::clone(&layer.dataset);
        let dated =
            crate::import::geojson_dates::date_by(dataset, name, today(), &mut layer.warnings);
        layer.dataset = Arc::new(dated);
        layer.date_property = Some(name.to_owned());
    }

    pub fn find(&self, path: &Path) -> Option<usize> {
        self.layers
            .iter()
            .position(|l| l.path.as_deref() == Some(path))
    }

    /// The visible layers as one story (one layer's data is shared, not copied).
    pub fn story(&self) -> Story {
        let visible: Vec<&Layer> = self.layers.iter().filter(|l| l.visible).collect();
        match visible.as_slice() {
            [] => Story {
                dataset: Arc::new(Dataset::default()),
                name: "no layer shown".into(),
                path: self.layers.first().and_then(|l| l.path.clone()),
                warnings: Vec::new(),
            },
            [only] => Story {
                dataset: Arc::clone(&only.dataset),
                name: only.name.clone(),
                path: only.path.clone(),
                warnings: only.warnings.clone(),
            },
            several => {
                let stories = several
                    .iter()
                    .map(|l| (l.name.clone(), Dataset::clone(&l.dataset)))
                    .collect();
                Story {
                    dataset: Arc::new(crate::import::merge(stories)),
                    name: format!("{} layers", several.len()),
                    path: several[0].path.clone(),
                    warnings: several.iter().flat_map(|l| l.warnings.clone()).collect(),
                }
            }
        }
    }

    /// Where each visible layer's features start in [`Self::story`], by layer index.
    fn offsets(&self) -> Vec<Option<usize>> {
        let mut next = 0;
        self.layers
            .iter()
            .map(|l| {
                l.visible.then(|| {
                    let start = next;
                    next += l.dataset.features().len();
                    start
                })
            })
            .collect()
    }

    /// The visible layers in [`Self::story`]'s order: where each one's features end, its name and
    /// its colour. The map rings markers in their layer's colour when there are several.
    pub fn bands(&self) -> Vec<LayerBand> {
        let mut end = 0;
        self.layers
            .iter()
            .filter(|l| l.visible)
            .map(|l| {
                end += l.dataset.features().len();
                LayerBand {
                    end,
                    name: l.name.clone(),
                    colour: LAYER_COLOURS[l.colour],
                }
            })
            .collect()
    }

    /// Every layer's problems: the last failed reload's first, then the warnings.
    pub fn problems(&self) -> Vec<LayerProblem> {
        let offsets = self.offsets();
        let mut problems = Vec::new();
        for (layer, offset) in self.layers.iter().zip(offsets) {
            for line in layer.failure.iter().flatten() {
                problems.push(LayerProblem {
                    layer: layer.name.clone(),
                    text: line.clone(),
                    summary: format!(
                        "{}: the changed file could not be read; the last good data is shown",
                        layer.name
                    ),
                    is_error: true,
                    feature: None,
                });
            }
            for warning in &layer.warnings {
                let feature = match (&warning.location, offset) {
                    (Location::Feature { index, .. }, Some(start)) => {
                        Some(crate::model::FeatureIndex(start + index))
                    }
                    _ => None,
                };
                problems.push(LayerProblem {
                    layer: layer.name.clone(),
                    text: format!("{}:{warning}", layer.name),
                    summary: format!("{}: {}", layer.name, warning.in_words()),
                    is_error: warning.is_error(),
                    feature,
                });
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(name: &str, text: &str) -> Layer {
        let loaded = crate::io::parse_bytes(text.as_bytes(), name).unwrap();
        Layer::from_loaded(loaded, Path::new(name))
    }

    const ONE_PLACE: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"x",
        "geometry":{"type":"Point","coordinates":[1,2]},"properties":{"name":"X","date":"2020-01-01",
        "date":"2020-01-02"}}]}"#;

    #[test]
    fn opening_a_file_replaces_the_bundled_story_then_adds_layers() {
        let mut set = LayerSet::new(Layer::from_story(Story::bundled()));
        set.add(layer("a.geojson", ONE_PLACE));
        assert_eq!(set.layers().len(), 1);
        assert_eq!(set.story().name, "a.geojson");
        set.add(layer("b.geojson", ONE_PLACE));
        assert_eq!(set.layers().len(), 2);
        assert_ne!(set.layers()[0].colour, set.layers()[1].colour);
        let story = set.story();
        assert_eq!(story.name, "2 layers");
        assert_eq!(story.dataset.features().len(), 2);
        // Features from other tools may share ids: both are kept as they were.
        assert_eq!(story.dataset.store().id(1), "x");
        // Reopening a file replaces its layer and keeps its colour.
        let colour = set.layers()[1].colour;
        set.add(layer("b.geojson", ONE_PLACE));
        assert_eq!(set.layers().len(), 2);
        assert_eq!(set.layers()[1].colour, colour);
        set.set_visible(0, false);
        assert_eq!(set.story().name, "b.geojson");
        assert_eq!(
            set.bands(),
            [LayerBand {
                end: 1,
                name: "b.geojson".into(),
                colour: LAYER_COLOURS[colour]
            }]
        );
        set.remove(1);
        assert_eq!(set.story().dataset.features().len(), 0);
    }

    #[test]
    fn problems_point_at_features_in_the_story_shown() {
        let mut set = LayerSet::default();
        set.add(layer("a.geojson", ONE_PLACE));
        set.add(layer("b.geojson", ONE_PLACE));
        let problems = set.problems();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[1].feature, Some(crate::model::FeatureIndex(1)));
        assert!(
            problems[1]
                .text
                .starts_with("b.geojson:features[0] (id \"x\")")
        );
        set.reload_failed(
            Path::new("a.geojson"),
            vec!["a.geojson:1:1: error: broken".into()],
        );
        assert!(set.problems()[0].is_error);
    }
}
