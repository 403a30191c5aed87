//! One feature: its GeoJSON members checked, its geometry converted, and its properties read
//! as a place, movement or event ([`super::kinds`]) or kept as a generic feature.

use std::collections::HashMap;

use geo::{CoordsIter, Geometry};
use serde_json::{Map, Value};

use super::checker::Scope;
use super::checker::scope_id;
use super::checker::{Checker, Object};
use super::structure::{Findings, ObjectKind, check_object_members, type_name};
use crate::io::problem::{describe_value, quote};
use crate::model::{Common, Extra, Feature, Generic, GeoJsonId};

impl Checker {
    /// [`Self::read_item`], noting the scope its problems had when it is not the feature's own.
    pub(super) fn read_slot(
        &mut self,
        index: usize,
        item: &Value,
        odd_scopes: &mut HashMap<usize, Option<String>>,
    ) -> Option<Feature> {
        let feature = self.read_item(index, item);
        if let (Some(feature), Some(Scope::Feature { id, .. })) = (&feature, self.scope.take())
            && id.as_deref() != scope_id(feature).as_deref()
        {
            odd_scopes.insert(index, id);
        }
        self.scope = None;
        feature
    }

    /// `features[index]`, which should be a Feature object.
    pub(super) fn read_item(&mut self, index: usize, item: &Value) -> Option<Feature> {
        let Value::Object(map) = item else {
            self.scope = Some(Scope::Feature { index, id: None });
            self.error(
                String::new(),
                format!("expected a Feature object, found {}", type_name(item)),
            );
            return None;
        };
        self.read_feature(index, map)
    }

    #[expect(
        clippy::too_many_lines,
        reason = "a feature's members checked in the order RFC 7946 defines them, each with its located problem"
    )]
    pub(super) fn read_feature(
        &mut self,
        index: usize,
        map: &Map<String, Value>,
    ) -> Option<Feature> {
        let own_id = map.get("id").and_then(GeoJsonId::from_json);
        self.scope = Some(Scope::Feature {
            index,
            id: own_id.as_ref().map(|id| id.text().into_owned()),
        });
        match map.get("type") {
            Some(Value::String(kind)) if kind == "Feature" => {}
            found => {
                let found = found.map_or("nothing".to_owned(), describe_value);
                self.error(
                    "type".into(),
                    format!("expected \"Feature\", found {found}"),
                );
                return None;
            }
        }
        let mut findings = Findings::default();
        check_object_members(map, "", ObjectKind::Feature, &mut findings);
        if map.get("id").is_some_and(Value::is_null) {
            findings.warning("id", "an id of null is read as no id");
        } else if let Some(other) = map.get("id").filter(|v| !v.is_string() && !v.is_number()) {
            findings.error(
                "id",
                format!(
                    "a Feature's id is a string or a number, found {}",
                    type_name(other)
                ),
            );
        }
        // RFC 7946 §3.2: both members are required; null says "none".
        let geometry = match map.get("geometry") {
            Some(value) => super::structure::read_geometry(value, "geometry", &mut findings),
            None => {
                findings.error(
                    "geometry",
                    "a Feature needs a \"geometry\" member (null when it has none)",
                );
                None
            }
        };
        if !map.contains_key("properties") {
            findings.error(
                "properties",
                "a Feature needs a \"properties\" member (null when it has none)",
            );
        }
        self.absorb(findings);
        let empty = Map::new();
        let properties = match map.get("properties") {
            None | Some(Value::Null) => &empty,
            Some(Value::Object(properties)) => properties,
            Some(other) => {
                self.error(
                    "properties".into(),
                    format!("expected an object or null, found {}", type_name(other)),
                );
                &empty
            }
        };
        let mut props = Object::new(properties, "properties");
        let kind = match props.get("kind") {
            Some(Value::String(kind)) => Some(kind.as_str()),
            Some(other) => {
                self.error(
                    "properties.kind".into(),
                    format!("expected a string, found {}", type_name(other)),
                );
                None
            }
            None => None,
        };
        let is_evacmap = matches!(kind, Some("place" | "movement" | "event"));
        if let Some(kind) = kind
            && !is_evacmap
        {
            self.warning(
                "properties.kind".into(),
                format!(
                    "unknown kind {} (expected place, movement or event); shown as a generic \
                     feature",
                    quote(kind)
                ),
            );
        }
        if let Some(geometry) = &geometry {
            self.check_coordinates(geometry, is_evacmap);
        }
        // Unknown members of the feature object; `bbox` is derived data and is not kept.
        let foreign: Extra = map
            .iter()
            .filter(|(k, _)| {
                !matches!(
                    k.as_str(),
                    "type" | "id" | "geometry" | "properties" | "bbox"
                )
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if !is_evacmap {
            // Generic features keep every property as it was, `kind` included. Without an id
            // of their own they are named by position, which is never an id.
            let common = Common {
                id: own_id
                    .as_ref()
                    .map_or_else(|| format!("#{index}"), |id| id.text().into_owned()),
                name: ["name", "title", "label"]
                    .iter()
                    .find_map(|k| properties.get(*k).and_then(Value::as_str))
                    .map(str::to_owned),
                when: None,
                when_basis: None,
                sources: Vec::new(),
                geometry,
                extra: properties.clone().into(),
                foreign,
            };
            return Some(Feature::Generic(Generic { common, own_id }));
        }
        let id = match own_id {
            Some(GeoJsonId::Text(id)) if !id.trim().is_empty() => id,
            Some(GeoJsonId::Text(_)) => {
                self.error("id".into(), "the id is empty");
                format!("#{index}")
            }
            Some(GeoJsonId::Number(number)) => {
                self.error("id".into(), "the id must be a string");
                number.to_string()
            }
            None => {
                if map.get("id").is_none_or(Value::is_null) {
                    self.error(
                        "id".into(),
                        "missing id: places, movements and events need one",
                    );
                }
                format!("#{index}")
            }
        };
        let name = self.opt_string(&mut props, "name");
        let when = self.opt_when(&mut props, "when");
        let when_basis = self.opt_string(&mut props, "when_basis");
        let sources = self.source_list(&mut props, "sources");
        let common = Common {
            id,
            name,
            when,
            when_basis,
            sources,
            geometry,
            extra: Extra::new(),
            foreign,
        };
        let mut feature = match kind.unwrap_or_default() {
            "place" => Feature::Place(self.read_place(&mut props, common)),
            "movement" => Feature::Movement(self.read_movement(&mut props, common)),
            _ => Feature::Event(self.read_event(&mut props, common)),
        };
        feature.common_mut().extra = props.extra();
        Some(feature)
    }

    /// Positions beyond ±180° / ±90° are refused for evacmap's own features (they could not be
    /// placed on the map); on other features RFC 7946 only says they SHOULD NOT occur: a warning.
    pub(super) fn check_coordinates(&mut self, geometry: &Geometry<f64>, is_evacmap: bool) {
        for coord in geometry.coords_iter() {
            let (lon, lat) = (coord.x, coord.y);
            if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) {
                continue;
            }
            let hint = if (-90.0..=90.0).contains(&lon) && (-180.0..=180.0).contains(&lat) {
                " (GeoJSON positions are [longitude, latitude]: are they swapped?)"
            } else {
                ""
            };
            let message = format!(
                "position [{lon}, {lat}] is out of range: longitude must be within -180..180 and \
                 latitude within -90..90{hint}"
            );
            if is_evacmap {
                self.error("geometry".into(), message);
            } else {
                self.warning("geometry".into(), format!("{message}; drawn as given"));
            }
            return;
        }
    }
}
