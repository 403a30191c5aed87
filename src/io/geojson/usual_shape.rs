//! The quick way through a feature of the usual shape: deserialized straight into its types
//! instead of through a tree of JSON values, which a million features took most of a load to
//! build and throw away.
//!
//! It takes a feature only when the full reader would find nothing to say about it: every member
//! known, every term in the vocabulary, every date valid, every source declared, positions in
//! range. Anything else (an unknown member, a warning, an error, a generic feature, a shape other
//! than a point) returns `None`, and the full reader reads the feature and reports on it as
//! always. So what a file loads as, and every problem it is refused with, stay as they were.

use std::borrow::Cow;

use geo::{Geometry, Point};
use serde::Deserialize;

use super::MAX_FIGURE;
use crate::model::{
    Common, ControlClaim, Event, Extra, Feature, Figure, Movement, Place, Qualifier, Term,
    Vocabulary, When,
};

/// A list of ids or names as written.
type Words<'a> = Vec<Cow<'a, str>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeature<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    id: Cow<'a, str>,
    geometry: Option<RawPoint<'a>>,
    // Boxed: the members are half a kilobyte, and the feature was moved whole several times
    // on its way (a tenth of the reading time went to copying it).
    #[serde(borrow)]
    properties: Box<RawProperties<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPoint<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    coordinates: [f64; 2],
}

/// The members of a place's, a movement's or an event's properties.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProperties<'a> {
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    when: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    when_basis: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    sources: Option<Vec<Cow<'a, str>>>,
    // Places.
    #[serde(borrow, default)]
    name_ar: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    name_variants: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow, default)]
    place_type: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    admin1: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    geo_precision: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    description: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    control: Option<Vec<RawClaim<'a>>>,
    // Movements.
    #[serde(borrow, default)]
    from: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    to: Option<Cow<'a, str>>,
    #[serde(default)]
    to_assumed: Option<bool>,
    #[serde(borrow, default)]
    movement_type: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    status: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    figures: Option<Vec<RawFigure<'a>>>,
    #[serde(borrow, default)]
    summary: Option<Cow<'a, str>>,
    // Events.
    #[serde(borrow, default)]
    event_type: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    place: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    actors: Option<Vec<Cow<'a, str>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaim<'a> {
    #[serde(borrow, default)]
    when: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    status: Option<Cow<'a, str>>,
    #[serde(default)]
    share: Option<f64>,
    #[serde(borrow, default)]
    qualifier: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    actors: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow, default)]
    sources: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow, default)]
    note: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFigure<'a> {
    #[serde(borrow, default)]
    measure: Option<Cow<'a, str>>,
    #[serde(default)]
    value: Option<u64>,
    #[serde(borrow, default)]
    qualifier: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    sources: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow, default)]
    note: Option<Cow<'a, str>>,
}

/// What the quick way read. (Its references to places are checked from the columns once
/// everything is read.)
pub struct QuickFeature {
    pub feature: Feature,
}

fn owned(text: Option<Cow<'_, str>>) -> Option<String> {
    text.map(Cow::into_owned)
}

fn words(list: Option<Vec<Cow<'_, str>>>) -> Vec<String> {
    list.unwrap_or_default()
        .into_iter()
        .map(Cow::into_owned)
        .collect()
}

/// A term the vocabulary knows (an unknown one is warned about: not for the quick way).
fn known<T: Vocabulary>(text: Option<&Cow<'_, str>>) -> Option<Option<Term<T>>> {
    match text {
        None => Some(None),
        Some(text) => T::parse(text).map(|t| Some(Term::Known(t))),
    }
}

fn required<T: Vocabulary>(text: Option<&Cow<'_, str>>) -> Option<Term<T>> {
    known(text).flatten()
}

fn when(text: Option<&Cow<'_, str>>) -> Option<Option<When>> {
    match text {
        None => Some(None),
        Some(text) => When::parse(text).ok().map(Some),
    }
}

/// A place or movement reference the full reader would take without a word: not empty.
fn reference(text: Option<Cow<'_, str>>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty()).map(Cow::into_owned)
}

/// Reads `text` (one feature) the quick way; `None` when the full reader must.
#[expect(
    clippy::too_many_lines,
    reason = "the quick reader's one pass over a feature's usual members, which mirrors the checker's order"
)]
pub fn read(text: &[u8], declared: &dyn Fn(&str) -> bool) -> Option<QuickFeature> {
    // The feature's text checked as UTF-8 at once, its strings then taken as they are (from
    // bytes, serde checks each string apart: slower).
    let text = std::str::from_utf8(text).ok()?;
    let raw: RawFeature = serde_json::from_str(text).ok()?;
    if raw.kind != "Feature" || raw.id.trim().is_empty() {
        return None;
    }
    let geometry = match raw.geometry {
        None => None,
        Some(point) => {
            let [lon, lat] = point.coordinates;
            let in_range = (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat);
            if point.kind != "Point" || !in_range {
                return None;
            }
            Some(Geometry::Point(Point::new(lon, lat)))
        }
    };
    let props = raw.properties;
    let all_declared =
        |list: &Option<Vec<Cow<'_, str>>>| list.iter().flatten().all(|id| declared(id));
    if !all_declared(&props.sources) {
        return None;
    }
    let common = Common {
        id: raw.id.into_owned(),
        name: owned(props.name),
        when: when(props.when.as_ref())?,
        when_basis: owned(props.when_basis),
        sources: words(props.sources),
        geometry,
        extra: Extra::new(),
        foreign: Extra::new(),
    };
    let feature = match props.kind.as_ref() {
        "place" => {
            let is_point = matches!(common.geometry, Some(Geometry::Point(_)));
            let movement_or_event_member = props.from.is_some()
                || props.to.is_some()
                || props.to_assumed.is_some()
                || props.movement_type.is_some()
                || props.status.is_some()
                || props.figures.is_some()
                || props.summary.is_some()
                || props.event_type.is_some()
                || props.place.is_some()
                || props.actors.is_some();
            if !is_point || common.name.is_none() || movement_or_event_member {
                return None;
            }
            let mut control = Vec::new();
            for claim in props.control.unwrap_or_default() {
                if !all_declared(&claim.sources) {
                    return None;
                }
                if claim
                    .share
                    .is_some_and(|share| !(0.0..=100.0).contains(&share))
                {
                    return None;
                }
                control.push(ControlClaim {
                    when: when(claim.when.as_ref())?,
                    status: required(claim.status.as_ref())?,
                    share_percent: claim.share,
                    qualifier: known(claim.qualifier.as_ref())?,
                    actors: words(claim.actors),
                    sources: words(claim.sources),
                    note: owned(claim.note),
                    extra: Extra::new(),
                });
            }
            Feature::Place(Place {
                common,
                name_ar: owned(props.name_ar),
                name_variants: words(props.name_variants),
                place_type: known(props.place_type.as_ref())?,
                admin1: owned(props.admin1),
                geo_precision: known(props.geo_precision.as_ref())?,
                description: owned(props.description),
                control,
            })
        }
        "movement" => {
            let place_or_event_member = props.name_ar.is_some()
                || props.name_variants.is_some()
                || props.place_type.is_some()
                || props.admin1.is_some()
                || props.geo_precision.is_some()
                || props.description.is_some()
                || props.control.is_some()
                || props.event_type.is_some()
                || props.place.is_some()
                || props.actors.is_some();
            if common.geometry.is_some() || common.sources.is_empty() || place_or_event_member {
                return None;
            }
            let from = reference(props.from)?;
            let to = reference(props.to)?;
            if from == to {
                return None;
            }
            Feature::Movement(Movement {
                common,
                from,
                also_from: Vec::new(),
                to,
                to_assumed: props.to_assumed.unwrap_or(false),
                movement_type: required(props.movement_type.as_ref())?,
                status: required(props.status.as_ref())?,
                figures: figures(props.figures, &all_declared)?,
                summary: owned(props.summary),
            })
        }
        "event" => {
            let place_or_movement_member = props.name_ar.is_some()
                || props.name_variants.is_some()
                || props.place_type.is_some()
                || props.admin1.is_some()
                || props.geo_precision.is_some()
                || props.description.is_some()
                || props.control.is_some()
                || props.from.is_some()
                || props.to.is_some()
                || props.to_assumed.is_some()
                || props.movement_type.is_some()
                || props.status.is_some();
            let place = owned(props.place);
            if common.sources.is_empty()
                || (common.geometry.is_none() && place.is_none())
                || place_or_movement_member
            {
                return None;
            }
            if let Some(_place) = &place {}
            Feature::Event(Event {
                common,
                event_type: required(props.event_type.as_ref())?,
                place,
                summary: owned(props.summary),
                actors: words(props.actors),
                figures: figures(props.figures, &all_declared)?,
            })
        }
        _ => return None,
    };
    Some(QuickFeature { feature })
}

fn figures(
    raw: Option<Vec<RawFigure<'_>>>,
    all_declared: &dyn Fn(&Option<Words<'_>>) -> bool,
) -> Option<Vec<Figure>> {
    raw.unwrap_or_default()
        .into_iter()
        .map(|figure| {
            let cites = figure.sources.as_ref().is_some_and(|s| !s.is_empty());
            if !cites || !all_declared(&figure.sources) {
                return None;
            }
            Some(Figure {
                measure: required(figure.measure.as_ref())?,
                value: figure.value.filter(|&v| v <= MAX_FIGURE)?,
                qualifier: known(figure.qualifier.as_ref())?
                    .unwrap_or(Term::Known(Qualifier::Exact)),
                sources: words(figure.sources),
                note: owned(figure.note),
                extra: Extra::new(),
            })
        })
        .collect()
}
