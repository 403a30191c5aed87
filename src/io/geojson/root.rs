//! The document's root: a FeatureCollection or a single Feature, the story's `evacmap` member
//! (version, title, sources) and the collection's features put in columns.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::FORMAT_VERSION;
use super::checker::Scope;
use super::checker::stored_scope_id;
use super::checker::{Checker, Object};
use super::parallel::ReadFeatures;
use super::references::IdRegister;
use super::structure::{Findings, GEOMETRY_TYPES, ObjectKind, check_object_members, type_name};
use crate::io::problem::{describe_value, join_path, quote};
use crate::model::{Dataset, Extra, Feature, Source, Store, StoryMeta};

impl Checker {
    /// The document's root; `read` holds its features when they were read apart from it.
    pub(super) fn read_root(&mut self, root: Value, read: Option<ReadFeatures>) -> Dataset {
        let Value::Object(root) = root else {
            self.error(
                String::new(),
                format!("expected a GeoJSON object, found {}", type_name(&root)),
            );
            return Dataset::default();
        };
        let Some(kind) = self.object_type(&root) else {
            return Dataset::default();
        };
        let single = |feature: Option<Feature>| {
            Dataset::new(
                StoryMeta::default(),
                feature.into_iter().collect(),
                Extra::new(),
            )
        };
        match kind {
            "FeatureCollection" => self.read_collection(&root, read),
            "Feature" => single(self.read_feature(0, &root)),
            kind if GEOMETRY_TYPES.contains(&kind) => {
                let mut wrapper = Map::new();
                wrapper.insert("type".into(), "Feature".into());
                wrapper.insert("geometry".into(), Value::Object(root));
                wrapper.insert("properties".into(), Value::Object(Map::new()));
                single(self.read_feature(0, &wrapper))
            }
            other => {
                self.error(
                    "type".into(),
                    format!(
                        "{} is not a GeoJSON type (expected \"FeatureCollection\", \"Feature\" or \
                         a geometry; names are case-sensitive)",
                        quote(other)
                    ),
                );
                Dataset::default()
            }
        }
    }

    pub(super) fn read_collection(
        &mut self,
        root: &Map<String, Value>,
        read: Option<ReadFeatures>,
    ) -> Dataset {
        let mut findings = Findings::default();
        check_object_members(root, "", ObjectKind::FeatureCollection, &mut findings);
        self.absorb(findings);
        let mut object = Object::new(root, "");
        object.get("type");
        object.get("bbox");
        let meta = match object.get("evacmap") {
            Some(value) => self.read_meta(value),
            None => StoryMeta::default(),
        };
        let mut store = Store::default();
        match object.get("features") {
            Some(Value::Array(items)) => {
                self.declared_sources = Some(Arc::new(
                    meta.sources.iter().map(|s| s.id.clone()).collect(),
                ));
                let read = read.unwrap_or_else(|| {
                    let mut read = ReadFeatures::default();
                    for (index, item) in items.iter().enumerate() {
                        let feature = self.read_slot(index, item, &mut read.odd_scopes);
                        read.push(index, feature);
                    }
                    read
                });
                let mut ids = IdRegister::default();
                // Most stories repeat no id: then there is nothing to register one by one.
                let repeats = super::references::may_repeat_ids(&read.store);
                log::debug!(
                    "ids hashed: {}",
                    if repeats {
                        "some may repeat"
                    } else {
                        "none repeats"
                    }
                );
                let positions = if repeats { read.file_index.len() } else { 0 };
                for (position, &index) in read.file_index.iter().enumerate().take(positions) {
                    let index = index as usize;
                    // The scope is made only for a problem: most ids are used once.
                    let scope = || {
                        let id = match read.odd_scopes.get(&index) {
                            Some(id) => id.clone(),
                            None => stored_scope_id(&read.store, position).map(str::to_owned),
                        };
                        Scope::Feature { index, id }
                    };
                    self.register_id(&mut ids, &read.store, position, index, scope);
                }
                self.scope = None;
                log::debug!("ids registered");
                self.quick = read
                    .quick
                    .iter()
                    .map(|&p| (p, read.file_index[p as usize]))
                    .collect();
                store = read.store;
            }
            Some(other) => self.error(
                "features".into(),
                format!("expected an array of features, found {}", type_name(other)),
            ),
            None => self.error("features".into(), "a FeatureCollection needs \"features\""),
        }
        let mut foreign = object.extra();
        // Keep the bbox out of the extras: it is recomputed by whoever writes the file.
        foreign.remove("bbox");
        Dataset::from_store(meta, store, foreign)
    }
    pub(super) fn read_meta(&mut self, value: &Value) -> StoryMeta {
        let Some(mut object) = self.object_at(value, "evacmap".into(), "an object") else {
            return StoryMeta::default();
        };
        let version = match object.get("version") {
            Some(Value::Number(n)) if n.as_u64().is_some_and(|v| v >= 1) => {
                let version = n.as_u64().unwrap_or(1).min(u32::MAX as u64) as u32;
                if version > FORMAT_VERSION {
                    self.warning(
                        object.path_of("version"),
                        format!(
                            "format version {version} is newer than this build's ({FORMAT_VERSION}); \
                             parts of the file may be shown as generic properties"
                        ),
                    );
                }
                version
            }
            Some(other) => {
                self.error(
                    object.path_of("version"),
                    format!(
                        "expected a whole number from 1, found {}",
                        describe_value(other)
                    ),
                );
                FORMAT_VERSION
            }
            None => {
                self.error(object.path_of("version"), "missing format version (use 1)");
                FORMAT_VERSION
            }
        };
        let title = self.opt_string(&mut object, "title");
        let description = self.opt_string(&mut object, "description");
        let mut sources = Vec::new();
        match object.get("sources") {
            Some(Value::Object(entries)) => {
                for (id, entry) in entries {
                    let path = join_path("evacmap.sources", id);
                    if id.trim().is_empty() {
                        self.error(path.clone(), "a source id must not be empty");
                    }
                    if let Some(source) = self.read_source(id, entry, path) {
                        sources.push(source);
                    }
                }
            }
            Some(other) => self.error(
                object.path_of("sources"),
                format!(
                    "expected an object of sources by id, found {}",
                    type_name(other)
                ),
            ),
            None => {}
        }
        let chapters = match object.get("chapters") {
            Some(value) => self.read_chapters(value),
            None => Vec::new(),
        };
        StoryMeta {
            version,
            title,
            description,
            sources,
            chapters,
            extra: object.extra(),
        }
    }

    pub(super) fn read_source(&mut self, id: &str, value: &Value, path: String) -> Option<Source> {
        let mut object = self.object_at(value, path, "an object")?;
        let name = self.required_string(&mut object, "name");
        let url = self.opt_string(&mut object, "url");
        if let Some(url) = &url
            && let Err(why) = crate::model::link::check(url)
        {
            self.warning(
                object.path_of("url"),
                format!("{why}; the link is shown as text and never opened"),
            );
        }
        Some(Source {
            id: id.to_owned(),
            name: name.unwrap_or_default(),
            kind: self.opt_term(&mut object, "kind"),
            url,
            title: self.opt_string(&mut object, "title"),
            published: self.opt_when(&mut object, "published"),
            note: self.opt_string(&mut object, "note"),
            extra: object.extra(),
        })
    }
}
