//! evacmap's own features by kind: places with their control claims, movements with their
//! figures, and events.

use geo::Geometry;
use serde_json::Value;

use super::MAX_FIGURE;
use super::checker::{Checker, Object};
use super::checker::{Reference, ReferenceTarget, Scope};
use super::structure::type_name;
use crate::io::problem::{describe_value, quote};
use crate::model::{Common, ControlClaim, Event, Figure, Movement, Place, Term};

impl Checker {
    pub(super) fn read_place(&mut self, props: &mut Object, common: Common) -> Place {
        match &common.geometry {
            Some(Geometry::Point(_) | Geometry::Polygon(_) | Geometry::MultiPolygon(_)) => {}
            Some(_) => self.error(
                "geometry".into(),
                "a place is a Point, or a Polygon or MultiPolygon for an area",
            ),
            None => self.error("geometry".into(), "a place needs a geometry"),
        }
        if common.name.is_none() {
            self.error("properties.name".into(), "a place needs a name");
        }
        let mut control = Vec::new();
        if let Some(items) = self.opt_array(props, "control") {
            for (i, item) in items.iter().enumerate() {
                let path = format!("properties.control[{i}]");
                if let Some(claim) = self.read_control(item, path) {
                    control.push(claim);
                }
            }
        }
        Place {
            common,
            name_ar: self.opt_string(props, "name_ar"),
            name_variants: self.string_list(props, "name_variants"),
            place_type: self.opt_term(props, "place_type"),
            admin1: self.opt_string(props, "admin1"),
            geo_precision: self.opt_term(props, "geo_precision"),
            description: self.opt_string(props, "description"),
            control,
        }
    }

    pub(super) fn read_control(&mut self, value: &Value, path: String) -> Option<ControlClaim> {
        let mut object = self.object_at(value, path, "an object")?;
        let status = self.required_term(&mut object, "status");
        let share_percent = match object.get("share") {
            Some(Value::Number(n)) => match n.as_f64() {
                Some(share) if (0.0..=100.0).contains(&share) => Some(share),
                _ => {
                    self.error(
                        object.path_of("share"),
                        format!("a share is a percentage from 0 to 100, found {n}"),
                    );
                    None
                }
            },
            Some(other) => {
                self.error(
                    object.path_of("share"),
                    format!("expected a number (percent), found {}", type_name(other)),
                );
                None
            }
            None => None,
        };
        let claim = ControlClaim {
            when: self.opt_when(&mut object, "when"),
            status: status?,
            share_percent,
            qualifier: self.opt_term(&mut object, "qualifier"),
            actors: self.string_list(&mut object, "actors"),
            sources: self.cited_sources(&mut object),
            note: self.opt_string(&mut object, "note"),
            extra: object.extra(),
        };
        Some(claim)
    }

    pub(super) fn read_movement(&mut self, props: &mut Object, common: Common) -> Movement {
        match &common.geometry {
            Some(Geometry::LineString(line)) if line.0.len() >= 2 => {}
            None => {}
            Some(_) => self.error(
                "geometry".into(),
                "a movement is a LineString from origin to destination (or null)",
            ),
        }
        if common.sources.is_empty() {
            self.error(
                "properties.sources".into(),
                "a movement must cite at least one source",
            );
        }
        let (from, also_from) = self.origins(props);
        let to = self.place_reference(props, "to");
        let to_assumed = match props.get("to_assumed") {
            Some(Value::Bool(assumed)) => *assumed,
            Some(other) => {
                self.error(
                    "properties.to_assumed".into(),
                    format!("expected true or false, found {}", type_name(other)),
                );
                false
            }
            None => false,
        };
        if !to.is_empty() && std::iter::once(&from).chain(&also_from).any(|f| *f == to) {
            self.error(
                "properties.to".into(),
                format!("a movement from {} to itself", quote(&to)),
            );
        }
        let figures = self.read_figures(props);
        Movement {
            common,
            from,
            also_from,
            to,
            to_assumed,
            movement_type: self
                .required_term(props, "movement_type")
                .unwrap_or(Term::Unknown(String::new())),
            status: self
                .required_term(props, "status")
                .unwrap_or(Term::Unknown(String::new())),
            figures,
            summary: self.opt_string(props, "summary"),
        }
    }

    pub(super) fn read_figures(&mut self, props: &mut Object) -> Vec<Figure> {
        let mut figures = Vec::new();
        if let Some(items) = self.opt_array(props, "figures") {
            for (i, item) in items.iter().enumerate() {
                if let Some(figure) = self.read_figure(item, format!("properties.figures[{i}]")) {
                    figures.push(figure);
                }
            }
        }
        figures
    }

    pub(super) fn read_figure(&mut self, value: &Value, path: String) -> Option<Figure> {
        let mut object = self.object_at(value, path, "an object")?;
        let measure = self.required_term(&mut object, "measure");
        let value_path = object.path_of("value");
        let value = match object.get("value") {
            Some(Value::Number(n)) => {
                let whole = n.as_u64().or_else(|| {
                    // 3.0 and -0 are whole numbers written with a fraction or a sign.
                    n.as_f64()
                        .filter(|v| v.fract() == 0.0 && (0.0..=MAX_FIGURE as f64).contains(v))
                        .map(|v| v as u64)
                });
                match whole.filter(|v| *v <= MAX_FIGURE) {
                    Some(v) => Some(v),
                    None => {
                        self.error(
                            value_path,
                            format!(
                                "a figure is a whole number from 0 to {}, found {}",
                                crate::model::format_count(MAX_FIGURE),
                                describe_value(&Value::Number(n.clone()))
                            ),
                        );
                        None
                    }
                }
            }
            Some(other) => {
                self.error(
                    value_path,
                    format!("expected a number, found {}", type_name(other)),
                );
                None
            }
            None => {
                self.error(value_path, "a figure needs a value");
                None
            }
        };
        let qualifier = self
            .opt_term(&mut object, "qualifier")
            .unwrap_or(Term::Known(crate::model::Qualifier::Exact));
        let sources = self.cited_sources(&mut object);
        if sources.is_empty() {
            self.error(
                object.path_of("sources"),
                "every figure must cite at least one source",
            );
        }
        Some(Figure {
            measure: measure?,
            value: value?,
            qualifier,
            sources,
            note: self.opt_string(&mut object, "note"),
            extra: object.extra(),
        })
    }

    pub(super) fn read_event(&mut self, props: &mut Object, common: Common) -> Event {
        let place = match props.get("place") {
            Some(Value::String(id)) => {
                self.references.push(Reference {
                    scope: self.scope.clone().unwrap_or(Scope::Document),
                    path: "properties.place".into(),
                    id: id.clone(),
                    to: ReferenceTarget::Place,
                });
                Some(id.clone())
            }
            Some(other) => {
                self.error(
                    "properties.place".into(),
                    format!("expected a place id, found {}", type_name(other)),
                );
                None
            }
            None => None,
        };
        match &common.geometry {
            Some(Geometry::Point(_)) => {}
            Some(_) => self.error(
                "geometry".into(),
                "an event is a Point (or null with a place)",
            ),
            None if place.is_none() => self.error(
                "geometry".into(),
                "an event needs a Point geometry or a \"place\" reference",
            ),
            None => {}
        }
        if common.sources.is_empty() {
            self.error(
                "properties.sources".into(),
                "an event must cite at least one source",
            );
        }
        Event {
            common,
            event_type: self
                .required_term(props, "event_type")
                .unwrap_or(Term::Unknown(String::new())),
            place,
            summary: self.opt_string(props, "summary"),
            actors: self.string_list(props, "actors"),
            figures: self.read_figures(props),
        }
    }
}
