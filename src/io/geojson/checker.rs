//! The checker: where it is in the document, what it found, and the typed member readers that
//! report a member of the wrong type at its path.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::json::Step;
use super::structure::{Findings, type_name};
use crate::io::problem::{Location, Problem, Severity, describe_value, join_path, quote};
use crate::model::{
    Extra, Feature, FeatureKind, GeoJsonId, Store, StoryMeta, Term, Vocabulary, When,
};

#[derive(Default)]
pub(super) struct Checker {
    pub(super) problems: Vec<Problem>,
    pub(super) references: Vec<Reference>,
    pub(super) scope: Option<Scope>,
    /// The story's sources, when known before its features are read: a citation of one of them
    /// needs no check later (a million features cite several million times).
    pub(super) declared_sources: Option<Arc<foldhash::HashSet<String>>>,
    /// Features read the quick way, by position in the columns and index in the file: their
    /// references to places are checked from the columns, not noted one by one.
    pub(super) quick: Vec<(u32, u32)>,
}

/// The ids of the sources a collection's `evacmap` member declares, as [`Checker::read_meta`]
/// reads them.
pub(super) fn declared_sources(root: &Value) -> Arc<foldhash::HashSet<String>> {
    let meta = match root.get("evacmap") {
        Some(value) => Checker::default().read_meta(value),
        None => StoryMeta::default(),
    };
    Arc::new(meta.sources.into_iter().map(|s| s.id).collect())
}

/// Where the checker is, for problem locations.
#[derive(Clone)]
pub(super) enum Scope {
    Document,
    Feature { index: usize, id: Option<String> },
}

/// A pending check that an id names something of the right kind.
pub(super) struct Reference {
    pub(super) scope: Scope,
    pub(super) path: String,
    pub(super) id: String,
    pub(super) to: ReferenceTarget,
}

#[derive(PartialEq)]
pub(super) enum ReferenceTarget {
    Place,
    Source,
}

/// The id a feature's problems are reported with, as the reader sets it from the feature's own.
pub(super) fn scope_id(feature: &Feature) -> Option<std::borrow::Cow<'_, str>> {
    match feature {
        Feature::Generic(generic) => generic.own_id.as_ref().map(|id| id.text()),
        other => Some(other.id().into()),
    }
}

/// [`scope_id`] of a feature in the columns.
pub(super) fn stored_scope_id(store: &Store, position: usize) -> Option<&str> {
    match store.kind(position) {
        FeatureKind::Generic => store.own_id(position),
        _ => Some(store.id(position)),
    }
}

/// A JSON object being read: remembers which members were used so the rest is kept as extra.
pub(super) struct Object<'a> {
    pub(super) map: &'a Map<String, Value>,
    pub(super) path: String,
    /// A handful per object: a list is quicker to search than a set is to hash.
    pub(super) used: Vec<&'static str>,
}

impl<'a> Object<'a> {
    pub(super) fn new(map: &'a Map<String, Value>, path: impl Into<String>) -> Self {
        Self {
            map,
            path: path.into(),
            used: Vec::new(),
        }
    }

    /// The member `key`; JSON `null` counts as absent.
    pub(super) fn get(&mut self, key: &'static str) -> Option<&'a Value> {
        if !self.used.contains(&key) {
            self.used.push(key);
        }
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub(super) fn path_of(&self, key: &str) -> String {
        join_path(&self.path, key)
    }

    /// The member `key` when it is an array (marking it used).
    pub(super) fn raw_list(&mut self, key: &'static str) -> Option<&'a Value> {
        self.get(key).filter(|v| v.is_array())
    }

    pub(super) fn extra(&self) -> Extra {
        self.map
            .iter()
            .filter(|(k, _)| !self.used.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

impl Checker {
    pub(super) fn report(&mut self, severity: Severity, path: String, message: String) {
        let location = match self.scope.clone().unwrap_or(Scope::Document) {
            Scope::Document => Location::Document { path },
            Scope::Feature { index, id } => Location::Feature { index, id, path },
        };
        self.problems.push(Problem {
            severity,
            location,
            message,
        });
    }

    /// `value` as the object at `path`; when it is no object, the problem ("expected `what`,
    /// found a string") is reported there and `None` given.
    pub(super) fn object_at<'v>(
        &mut self,
        value: &'v Value,
        path: String,
        what: &str,
    ) -> Option<Object<'v>> {
        match value {
            Value::Object(map) => Some(Object::new(map, path)),
            other => {
                self.error(path, format!("expected {what}, found {}", type_name(other)));
                None
            }
        }
    }

    pub(super) fn error(&mut self, path: String, message: impl Into<String>) {
        self.report(Severity::Error, path, message.into());
    }

    pub(super) fn warning(&mut self, path: String, message: impl Into<String>) {
        self.report(Severity::Warning, path, message.into());
    }

    /// Reports what the structural checks found, at paths relative to the current scope.
    pub(super) fn absorb(&mut self, findings: Findings) {
        for finding in findings.0 {
            self.report(finding.severity, finding.path, finding.message);
        }
    }

    /// A member name repeated in one object: legal JSON, but the earlier value is lost.
    pub(super) fn duplicate_member(&mut self, root: &Value, path: &[Step]) {
        if let [Step::Member(features), Step::Index(index), tail @ ..] = path
            && features == "features"
            && let Some(feature) = root.get("features").and_then(|f| f.get(*index))
        {
            return self.duplicate_in_feature(*index, feature, tail);
        }
        self.report_duplicate(path);
    }

    /// [`Self::duplicate_member`] at `path` inside `features[index]`.
    pub(super) fn duplicate_in_feature(&mut self, index: usize, feature: &Value, path: &[Step]) {
        let id = feature
            .get("id")
            .and_then(GeoJsonId::from_json)
            .map(|id| id.text().into_owned());
        self.scope = Some(Scope::Feature { index, id });
        self.report_duplicate(path);
    }

    pub(super) fn report_duplicate(&mut self, path: &[Step]) {
        let mut text = String::new();
        for step in path {
            match step {
                Step::Member(name) => text = join_path(&text, name),
                Step::Index(i) => text.push_str(&format!("[{i}]")),
            }
        }
        self.warning(
            text,
            "this member name appears more than once in its object; the last value is used",
        );
        self.scope = None;
    }

    /// The `type` member of a GeoJSON object, if it is a string.
    pub(super) fn object_type<'v>(&mut self, map: &'v Map<String, Value>) -> Option<&'v str> {
        match map.get("type") {
            Some(Value::String(kind)) => Some(kind),
            Some(other) => {
                self.error(
                    "type".into(),
                    format!("expected a string, found {}", type_name(other)),
                );
                None
            }
            None => {
                self.error("type".into(), "missing GeoJSON \"type\" member");
                None
            }
        }
    }
}

impl Checker {
    // Typed member readers: each reports a wrong type at the member's path and returns None.

    pub(super) fn opt_string(&mut self, object: &mut Object, key: &'static str) -> Option<String> {
        match object.get(key)? {
            Value::String(s) => Some(s.clone()),
            other => {
                self.error(
                    object.path_of(key),
                    format!("expected a string, found {}", type_name(other)),
                );
                None
            }
        }
    }

    pub(super) fn required_string(
        &mut self,
        object: &mut Object,
        key: &'static str,
    ) -> Option<String> {
        let value = self.opt_string(object, key);
        match &value {
            None if object.map.get(key).is_none_or(Value::is_null) => {
                self.error(object.path_of(key), format!("missing \"{key}\""))
            }
            Some(s) if s.trim().is_empty() => {
                self.error(object.path_of(key), format!("\"{key}\" is empty"))
            }
            _ => {}
        }
        value
    }

    pub(super) fn opt_array<'v>(
        &mut self,
        object: &mut Object<'v>,
        key: &'static str,
    ) -> Option<&'v Vec<Value>> {
        match object.get(key)? {
            Value::Array(items) => Some(items),
            other => {
                self.error(
                    object.path_of(key),
                    format!("expected an array, found {}", type_name(other)),
                );
                None
            }
        }
    }

    pub(super) fn string_list(&mut self, object: &mut Object, key: &'static str) -> Vec<String> {
        let Some(items) = self.opt_array(object, key) else {
            return Vec::new();
        };
        let mut strings = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item {
                Value::String(s) => strings.push(s.clone()),
                other => self.error(
                    format!("{}[{i}]", object.path_of(key)),
                    format!("expected a string, found {}", type_name(other)),
                ),
            }
        }
        strings
    }

    /// A list of source ids; each is checked against the declared sources once all is read.
    pub(super) fn source_list(&mut self, object: &mut Object, key: &'static str) -> Vec<String> {
        let ids = self.string_list(object, key);
        for (i, id) in ids.iter().enumerate() {
            if self
                .declared_sources
                .as_ref()
                .is_some_and(|declared| declared.contains(id))
            {
                continue;
            }
            self.references.push(Reference {
                scope: self.scope.clone().unwrap_or(Scope::Document),
                path: format!("{}[{i}]", object.path_of(key)),
                id: id.clone(),
                to: ReferenceTarget::Source,
            });
        }
        ids
    }

    pub(super) fn cited_sources(&mut self, object: &mut Object) -> Vec<String> {
        self.source_list(object, "sources")
    }

    /// `from`: one place id, or a list of them for a movement that left from several places.
    pub(super) fn origins(&mut self, object: &mut Object) -> (String, Vec<String>) {
        let Some(Value::Array(items)) = object.raw_list("from") else {
            return (self.place_reference(object, "from"), Vec::new());
        };
        let path = object.path_of("from");
        if items.is_empty() {
            self.error(path, "\"from\" needs at least one place id");
            return (String::new(), Vec::new());
        }
        let mut ids = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            match item {
                Value::String(id) if !id.trim().is_empty() => {
                    if ids.contains(id) {
                        self.error(item_path, format!("{} is listed twice", quote(id)));
                        continue;
                    }
                    self.references.push(Reference {
                        scope: self.scope.clone().unwrap_or(Scope::Document),
                        path: item_path,
                        id: id.clone(),
                        to: ReferenceTarget::Place,
                    });
                    ids.push(id.clone());
                }
                other => self.error(
                    item_path,
                    format!("expected a place id, found {}", describe_value(other)),
                ),
            }
        }
        let mut ids = ids.into_iter();
        (ids.next().unwrap_or_default(), ids.collect())
    }

    pub(super) fn place_reference(&mut self, object: &mut Object, key: &'static str) -> String {
        match self.required_string(object, key) {
            Some(id) => {
                self.references.push(Reference {
                    scope: self.scope.clone().unwrap_or(Scope::Document),
                    path: object.path_of(key),
                    id: id.clone(),
                    to: ReferenceTarget::Place,
                });
                id
            }
            None => String::new(),
        }
    }

    pub(super) fn opt_when(&mut self, object: &mut Object, key: &'static str) -> Option<When> {
        let text = self.opt_string(object, key)?;
        match When::parse(&text) {
            Ok(when) => Some(when),
            Err(e) => {
                self.error(object.path_of(key), e.to_string());
                None
            }
        }
    }

    pub(super) fn opt_term<T: Vocabulary>(
        &mut self,
        object: &mut Object,
        key: &'static str,
    ) -> Option<Term<T>> {
        let text = self.opt_string(object, key)?;
        let term = Term::<T>::parse(&text);
        if term.known().is_none() {
            self.warning(
                object.path_of(key),
                format!(
                    "unknown {} {} (known: {}); kept as written",
                    T::WHAT,
                    quote(&text),
                    T::expected()
                ),
            );
        }
        Some(term)
    }

    pub(super) fn required_term<T: Vocabulary>(
        &mut self,
        object: &mut Object,
        key: &'static str,
    ) -> Option<Term<T>> {
        let term = self.opt_term(object, key);
        if term.is_none() && object.map.get(key).is_none_or(Value::is_null) {
            self.error(
                object.path_of(key),
                format!("missing \"{key}\" (one of: {})", T::expected()),
            );
        }
        term
    }
}
