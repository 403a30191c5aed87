//! Files from other tools, read into a story: ACLED event exports, displacement flow tables
//! (UNHCR Refugee Data Finder style, yearly or monthly, and any origin–destination CSV), and
//! GeoJSON from anywhere (a FeatureCollection or an RFC 8142 text sequence) with its dates found
//! in its properties. Which reader a file goes to is decided by [`crate::open`], from its
//! content. Each reader turns a [`table::Table`] into a story with the [`Builder`]; pure, no egui.

pub mod acled;
pub mod cells;
pub mod chunks;
pub mod columns;
pub mod countries;
pub mod counts;
pub mod dates;
pub mod dtm;
pub mod flows;
pub mod gazetteer;
pub mod geojson_dates;
pub mod hxl;
pub mod idmc;
pub mod locations;
mod plausibility;
pub mod stream;
pub mod table;

use std::collections::HashMap;

use crate::model::{Dataset, Extra, Feature, Source, StoryMeta};

/// Builds an imported story: its sources declared once, by name, and its features in order.
pub struct Builder {
    meta: StoryMeta,
    /// The features pushed, straight into columns.
    features: crate::model::Store,
    file_source: String,
    ids_by_name: HashMap<String, String>,
}

impl Builder {
    /// A story titled `title` whose file, `file_name`, is its first source.
    pub fn new(title: String, file_name: &str) -> Self {
        let mut builder = Self {
            meta: StoryMeta {
                version: crate::io::geojson::FORMAT_VERSION,
                title: Some(title),
                ..StoryMeta::default()
            },
            features: crate::model::Store::default(),
            file_source: String::new(),
            ids_by_name: HashMap::new(),
        };
        builder.file_source = builder.source(file_name);
        builder
    }

    /// The id of the file's own source: cited where a row names no source.
    pub fn file_source(&self) -> String {
        self.file_source.clone()
    }

    /// The id of the source named `name`, declared on first use.
    pub fn source(&mut self, name: &str) -> String {
        if let Some(id) = self.ids_by_name.get(name) {
            return id.clone();
        }
        let stem: String = crate::model::names::fold(name)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("-");
        let stem = if stem.is_empty() {
            "source".into()
        } else {
            stem
        };
        let mut id = stem.clone();
        let mut n = 1;
        while self.meta.sources.iter().any(|s| s.id == id) {
            n += 1;
            id = format!("{stem}-{n}");
        }
        self.meta.sources.push(Source {
            id: id.clone(),
            name: name.to_owned(),
            kind: None,
            url: None,
            title: None,
            published: None,
            note: None,
            extra: Extra::new(),
        });
        self.ids_by_name.insert(name.to_owned(), id.clone());
        id
    }

    /// Gives the source `id` its address, when it has none yet.
    pub fn source_url(&mut self, id: &str, url: &str) {
        let url = url.trim();
        if url.is_empty() {
            return;
        }
        if let Some(source) = self.meta.sources.iter_mut().find(|s| s.id == id)
            && source.url.is_none()
        {
            source.url = Some(url.to_owned());
        }
    }

    /// The sources a cell names, separated by `;` (the file itself when it names none).
    pub fn cite(&mut self, names: &str) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for name in names.split(';').map(str::trim).filter(|n| !n.is_empty()) {
            let id = self.source(name);
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        if ids.is_empty() {
            ids.push(self.file_source());
        }
        ids
    }

    /// A place at a point, citing the file; callers fill in what their format knows besides.
    pub fn point_place(&self, id: &str, name: &str, lon: f64, lat: f64) -> crate::model::Place {
        point_place(id, name, lon, lat, &self.file_source)
    }

    pub fn push(&mut self, feature: Feature) {
        self.features.push(&feature);
    }

    pub fn finish(self) -> Dataset {
        Dataset::from_store(self.meta, self.features, Extra::new())
    }

    /// The story of the features pushed here, then those of each of `parts` in order.
    pub fn finish_with(self, parts: Vec<crate::model::Store>) -> Dataset {
        let mut features = self.features;
        features.append_all(parts);
        Dataset::from_store(self.meta, features, Extra::new())
    }
}

/// A place at a point, citing `file_source`; callers fill in what their format knows besides.
pub(crate) fn point_place(
    id: &str,
    name: &str,
    lon: f64,
    lat: f64,
    file_source: &str,
) -> crate::model::Place {
    crate::model::Place {
        common: crate::model::Common {
            id: id.to_owned(),
            name: Some(name.to_owned()).filter(|n| !n.is_empty()),
            when: None,
            when_basis: None,
            sources: vec![file_source.to_owned()],
            geometry: Some(geo::Geometry::Point(geo::Point::new(lon, lat))),
            extra: Extra::new(),
            foreign: Extra::new(),
        },
        name_ar: None,
        name_variants: Vec::new(),
        place_type: None,
        admin1: None,
        geo_precision: None,
        description: None,
        control: Vec::new(),
    }
}

/// Several stories as one: the first keeps its ids; ids and source ids of later ones that are
/// already taken get their file's name in front (`unhcr.csv:country-SYR`), references with them.
pub fn merge(stories: Vec<(String, Dataset)>) -> Dataset {
    let mut stories = stories.into_iter();
    let Some((_, first)) = stories.next() else {
        return Dataset::default();
    };
    let (mut meta, mut features, foreign) = first.into_parts();
    for (name, story) in stories {
        let (other_meta, other_features, _) = story.into_parts();
        // Only places, movements and events need ids of their own; other features keep theirs.
        let taken: std::collections::HashSet<String> = features
            .iter()
            .filter(|f| !matches!(f, Feature::Generic(_)))
            .map(|f| f.id().to_owned())
            .collect();
        let renamed = |id: &str| {
            if taken.contains(id) {
                format!("{name}:{id}")
            } else {
                id.to_owned()
            }
        };
        let mut source_ids = HashMap::new();
        for mut source in other_meta.sources {
            let existing = meta.sources.iter().find(|s| s.name == source.name);
            let id = match existing {
                Some(same) => same.id.clone(),
                None if meta.sources.iter().any(|s| s.id == source.id) => {
                    let id = format!("{name}:{}", source.id);
                    source.id = id.clone();
                    meta.sources.push(source.clone());
                    id
                }
                None => {
                    meta.sources.push(source.clone());
                    source.id.clone()
                }
            };
            source_ids.insert(source.id.clone(), id);
        }
        let source = |id: &String| source_ids.get(id).cloned().unwrap_or_else(|| id.clone());
        for mut feature in other_features {
            let generic = matches!(feature, Feature::Generic(_));
            let common = feature.common_mut();
            if !generic {
                common.id = renamed(&common.id);
            }
            common.sources = common.sources.iter().map(source).collect();
            match &mut feature {
                Feature::Movement(movement) => {
                    movement.from = renamed(&movement.from);
                    movement.to = renamed(&movement.to);
                    for origin in &mut movement.also_from {
                        *origin = renamed(origin);
                    }
                    for figure in &mut movement.figures {
                        figure.sources = figure.sources.iter().map(source).collect();
                    }
                }
                Feature::Event(event) => {
                    event.place = event.place.as_deref().map(renamed);
                }
                Feature::Place(place) => {
                    for claim in &mut place.control {
                        claim.sources = claim.sources.iter().map(source).collect();
                    }
                }
                Feature::Generic(_) => {}
            }
            features.push(feature);
        }
    }
    Dataset::new(meta, features, foreign)
}
