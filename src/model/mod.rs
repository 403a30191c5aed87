//! The story data: places, movements of people, events and the sources behind them.
//!
//! Pure data, no drawing: the map and panels read it, `io` reads and writes it.

pub mod chapter;
pub mod edit;
pub mod extra;
pub mod figures;
mod ids;
pub mod link;
pub mod names;
pub mod store;
pub mod vocab;
pub mod when;

use geo::{Coord, Geometry, InteriorPoint, Point};
use serde_json::Value;

pub use chapter::{Chapter, ChapterView};
pub use extra::Extra;
pub use figures::{Figure, figures_by_source, format_count};
pub use store::{EventParts, FigureParts, MovementParts, Store};
pub use vocab::{
    ControlStatus, EventType, GeoPrecision, Measure, MovementStatus, MovementType, PlaceType,
    Qualifier, SourceKind, Term, Vocabulary,
};
pub use when::{DaySpan, PackedWhen, PartialDate, Precision, When};

/// Who reported something. Cited by id from figures, claims, movements and events.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub id: String,
    pub name: String,
    pub kind: Option<Term<SourceKind>>,
    pub url: Option<String>,
    pub title: Option<String>,
    pub published: Option<When>,
    pub note: Option<String>,
    pub extra: Extra,
}

/// "1 warning", "2 warnings", "0 warnings": a count and its noun, plural unless one. The noun
/// takes an "s" (`plural(3, "feature")`); give both forms where it does not (`plural_of`).
pub fn plural(count: usize, noun: &str) -> String {
    plural_of(count, noun, &format!("{noun}s"))
}

/// [`plural`] with the plural form given: `plural_of(2, "country", "countries")`.
pub fn plural_of(count: usize, one: &str, many: &str) -> String {
    let noun = if count == 1 { one } else { many };
    format!("{} {noun}", format_count(count as u64))
}

/// Who held (part of) a place, when, according to whom.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlClaim {
    pub when: Option<When>,
    pub status: Term<ControlStatus>,
    /// Share of the place this claim is about, in percent (0–100); `None` is all of it.
    pub share_percent: Option<f64>,
    pub qualifier: Option<Term<Qualifier>>,
    pub actors: Vec<String>,
    pub sources: Vec<String>,
    pub note: Option<String>,
    pub extra: Extra,
}

/// What every kind of feature has.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Common {
    pub id: String,
    pub name: Option<String>,
    pub when: Option<When>,
    /// How the date was established when the report did not state it (e.g. from a weekday).
    pub when_basis: Option<String>,
    pub sources: Vec<String>,
    pub geometry: Option<Geometry<f64>>,
    /// Unknown `properties` members.
    pub extra: Extra,
    /// Unknown members of the feature object itself.
    pub foreign: Extra,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Place {
    pub common: Common,
    pub name_ar: Option<String>,
    /// Other spellings and transliterations ("Qabun", "al-Qaboun"), found by search.
    pub name_variants: Vec<String>,
    pub place_type: Option<Term<PlaceType>>,
    pub admin1: Option<String>,
    pub geo_precision: Option<Term<GeoPrecision>>,
    pub description: Option<String>,
    pub control: Vec<ControlClaim>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Movement {
    pub common: Common,
    /// The origin (the first, when it left from several places).
    pub from: String,
    /// Further origins of a movement that left from several places at once (`from` as a list).
    pub also_from: Vec<String>,
    pub to: String,
    /// The report does not name the destination; the data assumes it (drawn distinctly).
    pub to_assumed: bool,
    pub movement_type: Term<MovementType>,
    pub status: Term<MovementStatus>,
    pub figures: Vec<Figure>,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub common: Common,
    pub event_type: Term<EventType>,
    pub place: Option<String>,
    pub summary: Option<String>,
    pub actors: Vec<String>,
    /// What the reports counted at the event (fatalities, people displaced), each with its
    /// sources, as on movements.
    pub figures: Vec<Figure>,
}

/// A feature from any GeoJSON file that is not in evacmap's vocabulary; shown with its properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Generic {
    pub common: Common,
    /// The GeoJSON `id`, when the file gave one: `common.id` is then its text; without one,
    /// `common.id` is a display name made from the feature's position ("#3"), never looked up.
    pub own_id: Option<GeoJsonId>,
}

/// A GeoJSON Feature `id` as written: `1` and `"1"` are different ids.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GeoJsonId {
    Text(String),
    Number(serde_json::Number),
}

impl GeoJsonId {
    /// The id of a JSON value that is a string or a number.
    pub fn from_json(value: &Value) -> Option<Self> {
        match value {
            Value::String(text) => Some(Self::Text(text.clone())),
            Value::Number(number) => Some(Self::Number(number.clone())),
            _ => None,
        }
    }

    /// The id as text (a number as JSON writes it).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Self::Text(text) => text.as_str().into(),
            Self::Number(number) => number.to_string().into(),
        }
    }

    /// For messages: strings in quotes, numbers bare (`"1"` vs `1`).
    pub fn describe(&self) -> String {
        match self {
            Self::Text(text) => format!("{text:?}"),
            Self::Number(number) => number.to_string(),
        }
    }

    pub fn to_json(&self) -> Value {
        match self {
            Self::Text(text) => Value::String(text.clone()),
            Self::Number(number) => Value::Number(number.clone()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Feature {
    Place(Place),
    Movement(Movement),
    Event(Event),
    Generic(Generic),
}

/// The kind of a feature, for lists and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FeatureKind {
    Place,
    Movement,
    Event,
    Generic,
}

impl FeatureKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            FeatureKind::Place => "place",
            FeatureKind::Movement => "movement",
            FeatureKind::Event => "event",
            FeatureKind::Generic => "feature",
        }
    }
}

impl Feature {
    /// The figures reported for a movement or an event; none for other features.
    pub fn figures(&self) -> &[Figure] {
        match self {
            Feature::Movement(m) => &m.figures,
            Feature::Event(e) => &e.figures,
            Feature::Place(_) | Feature::Generic(_) => &[],
        }
    }

    pub fn common(&self) -> &Common {
        match self {
            Feature::Place(p) => &p.common,
            Feature::Movement(m) => &m.common,
            Feature::Event(e) => &e.common,
            Feature::Generic(g) => &g.common,
        }
    }

    pub fn common_mut(&mut self) -> &mut Common {
        match self {
            Feature::Place(p) => &mut p.common,
            Feature::Movement(m) => &mut m.common,
            Feature::Event(e) => &mut e.common,
            Feature::Generic(g) => &mut g.common,
        }
    }

    pub fn kind(&self) -> FeatureKind {
        match self {
            Feature::Place(_) => FeatureKind::Place,
            Feature::Movement(_) => FeatureKind::Movement,
            Feature::Event(_) => FeatureKind::Event,
            Feature::Generic(_) => FeatureKind::Generic,
        }
    }

    pub fn id(&self) -> &str {
        &self.common().id
    }

    pub fn when(&self) -> Option<When> {
        self.common().when
    }
}

/// Index of a feature in its dataset.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct FeatureIndex(pub usize);

/// The story's own metadata (the top-level `"evacmap"` member).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoryMeta {
    pub version: u32,
    pub title: Option<String>,
    pub description: Option<String>,
    pub sources: Vec<Source>,
    /// The story told step by step, in order.
    pub chapters: Vec<Chapter>,
    pub extra: Extra,
}

/// One story: every feature of one file, in file order, in the columns of a [`Store`].
#[derive(Clone, Default)]
pub struct Dataset {
    pub meta: StoryMeta,
    store: Store,
    /// Unknown members of the FeatureCollection object.
    pub foreign: Extra,
    /// Features by the text of their id; the texts stay in the store.
    by_id: ids::IdIndex,
    /// How many edits changed the columns in place (see [`Self::identity`]).
    revision: u64,
}

/// What tells one state of a dataset from another: where its columns are, how many features
/// they hold, and how many edits changed them.
pub type DatasetIdentity = (usize, usize, u64);

impl PartialEq for Dataset {
    /// The same story, however its columns happen to be laid out.
    fn eq(&self, other: &Self) -> bool {
        self.meta == other.meta
            && self.foreign == other.foreign
            && self.len() == other.len()
            && self.features().zip(other.features()).all(|(a, b)| a == b)
    }
}

impl std::fmt::Debug for Dataset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dataset")
            .field("meta", &self.meta)
            .field("features", &self.features().collect::<Vec<_>>())
            .field("foreign", &self.foreign)
            .finish()
    }
}

impl Dataset {
    /// Ids are looked up as text: places, movements and events own theirs; a generic feature is
    /// found by its own id only where no evacmap feature has it, the first of equal ids winning.
    /// Features without an id are not found by id at all.
    pub fn new(meta: StoryMeta, features: Vec<Feature>, foreign: Extra) -> Self {
        let mut store = Store::default();
        for feature in &features {
            store.push(feature);
        }
        drop(features);
        Self::from_store(meta, store, foreign)
    }

    /// A dataset of the features in `store` (see [`Self::new`] for how ids are found).
    pub fn from_store(meta: StoryMeta, mut store: Store, foreign: Extra) -> Self {
        store.shrink();
        if store.len() >= 10_000 {
            log::info!(
                "story columns: {} features in {:.1} MB ({} bytes a feature)",
                store.len(),
                store.heap_bytes() as f64 / 1e6,
                store.heap_bytes() / store.len()
            );
        }
        let by_id = ids::IdIndex::of(&store);
        Self {
            meta,
            store,
            foreign,
            by_id,
            revision: 0,
        }
    }

    /// The metadata, the features and the collection's unknown members, to change and rebuild.
    pub fn into_parts(self) -> (StoryMeta, Vec<Feature>, Extra) {
        let features = self.features().collect();
        (self.meta, features, self.foreign)
    }

    /// The columns themselves, for readers that walk every feature.
    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn len(&self) -> usize {
        self.store.len()
    }

    pub fn is_empty(&self) -> bool {
        self.store.is_empty()
    }

    /// Sets a feature's dates in place, as a reader that dates other tools' features by one of
    /// their properties does (not an edit: nothing is kept to undo it).
    pub fn set_when(&mut self, index: FeatureIndex, when: Option<When>) {
        self.store.set_when(index.0, when);
        // What was worked out from the dates (the time index) is to be worked out again.
        self.revision = self.revision.wrapping_add(1);
    }

    /// Tells this dataset from one that replaced it (where its columns are, and how many).
    pub fn identity(&self) -> DatasetIdentity {
        (self.store.identity(), self.len(), self.revision)
    }

    /// Every feature, whole, in file order.
    pub fn features(&self) -> impl ExactSizeIterator<Item = Feature> + '_ {
        (0..self.len()).map(|i| self.store.feature(i))
    }

    /// Each feature's date, in file order.
    pub fn whens(&self) -> impl ExactSizeIterator<Item = Option<When>> + '_ {
        (0..self.len()).map(|i| self.store.when(i))
    }

    pub fn get(&self, index: FeatureIndex) -> Option<Feature> {
        (index.0 < self.len()).then(|| self.store.feature(index.0))
    }

    pub fn kind(&self, index: FeatureIndex) -> Option<FeatureKind> {
        (index.0 < self.len()).then(|| self.store.kind(index.0))
    }

    pub fn index_of(&self, id: &str) -> Option<FeatureIndex> {
        self.by_id.find(&self.store, id).map(FeatureIndex)
    }

    pub fn by_id(&self, id: &str) -> Option<Feature> {
        self.index_of(id).and_then(|i| self.get(i))
    }

    /// The place with this id, if it is one.
    pub fn place_index(&self, id: &str) -> Option<FeatureIndex> {
        self.index_of(id)
            .filter(|&i| self.store.kind(i.0) == FeatureKind::Place)
    }

    pub fn place(&self, id: &str) -> Option<Place> {
        match self.get(self.place_index(id)?)? {
            Feature::Place(p) => Some(p),
            _ => None,
        }
    }

    /// A place's name, else its id (for labels and names of movements).
    pub fn place_name(&self, id: &str) -> String {
        self.place_index(id)
            .and_then(|i| self.store.name(i.0))
            .unwrap_or(id)
            .to_owned()
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.meta.sources.iter().find(|s| s.id == id)
    }

    /// A source's name up to any parenthesis: "SANA (Syrian Arab News Agency)" → "SANA";
    /// the id when the source is not declared.
    pub fn short_source_name(&self, id: &str) -> String {
        self.source(id)
            .map(|s| {
                s.name
                    .split(" (")
                    .next()
                    .unwrap_or(&s.name)
                    .trim()
                    .to_owned()
            })
            .unwrap_or_else(|| id.to_owned())
    }

    /// "1,246 people (SANA)".
    pub fn figure_with_sources(&self, figure: &Figure) -> String {
        let sources: Vec<String> = figure
            .sources
            .iter()
            .map(|id| self.short_source_name(id))
            .collect();
        format!("{} ({})", figure.describe(), sources.join(", "))
    }

    pub fn indexed(&self) -> impl Iterator<Item = (FeatureIndex, Feature)> + '_ {
        self.features()
            .enumerate()
            .map(|(i, f)| (FeatureIndex(i), f))
    }

    /// The features of one kind, whole.
    fn of_kind(&self, kind: FeatureKind) -> impl Iterator<Item = (FeatureIndex, Feature)> + '_ {
        (0..self.len())
            .filter(move |&i| self.store.kind(i) == kind)
            .map(|i| (FeatureIndex(i), self.store.feature(i)))
    }

    pub fn places(&self) -> impl Iterator<Item = (FeatureIndex, Place)> + '_ {
        self.of_kind(FeatureKind::Place)
            .filter_map(|(i, f)| match f {
                Feature::Place(p) => Some((i, p)),
                _ => None,
            })
    }

    pub fn movements(&self) -> impl Iterator<Item = (FeatureIndex, Movement)> + '_ {
        self.of_kind(FeatureKind::Movement)
            .filter_map(|(i, f)| match f {
                Feature::Movement(m) => Some((i, m)),
                _ => None,
            })
    }

    pub fn events(&self) -> impl Iterator<Item = (FeatureIndex, Event)> + '_ {
        self.of_kind(FeatureKind::Event)
            .filter_map(|(i, f)| match f {
                Feature::Event(e) => Some((i, e)),
                _ => None,
            })
    }

    /// A human name for a feature: its `name`, else a made-up one from its kind and id.
    pub fn display_name(&self, feature: &Feature) -> String {
        if let Some(name) = &feature.common().name {
            return name.clone();
        }
        match feature {
            Feature::Movement(m) => self.movement_name(m),
            Feature::Event(e) => capitalise(&e.event_type.label()),
            _ => feature.id().to_owned(),
        }
    }

    /// A movement's name: its own, else "Evacuation Qaboun → Idlib".
    pub fn movement_name(&self, m: &Movement) -> String {
        match &m.common.name {
            Some(name) => name.clone(),
            None => self.unnamed_movement(
                &m.movement_type.label(),
                std::iter::once(m.from.as_str()).chain(m.also_from.iter().map(String::as_str)),
                &m.to,
            ),
        }
    }

    /// [`Self::movement_name`] of the movement at `index`, read from the columns.
    pub fn movement_name_at(&self, index: FeatureIndex) -> String {
        if let Some(name) = self.store.name(index.0) {
            return name.to_owned();
        }
        let movement_type = self.store.movement_type(index.0).unwrap_or_default();
        self.unnamed_movement(
            &Term::<MovementType>::parse(movement_type).label(),
            self.store.movement_origins(index.0),
            self.store.movement_ends(index.0).map_or("", |(_, to)| to),
        )
    }

    /// "Evacuation Barzeh and Tishreen → Idlib".
    fn unnamed_movement<'a>(
        &self,
        movement_type: &str,
        origins: impl Iterator<Item = &'a str>,
        to: &str,
    ) -> String {
        let origins: Vec<String> = origins.map(|id| self.place_name(id)).collect();
        let origins = match origins.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        };
        format!(
            "{} {origins} → {}",
            capitalise(movement_type),
            self.place_name(to)
        )
    }

    /// [`Self::display_name`] of the feature at `index`.
    pub fn display_name_at(&self, index: FeatureIndex) -> String {
        match self.store.name(index.0) {
            Some(name) => name.to_owned(),
            None if self.kind(index) == Some(FeatureKind::Event) => {
                let event_type = self.store.event_type(index.0).unwrap_or_default();
                capitalise(&Term::<EventType>::parse(event_type).label())
            }
            None => self
                .get(index)
                .map(|f| self.display_name(&f))
                .unwrap_or_default(),
        }
    }

    /// Where a feature is drawn: a place's point (or a point inside its area), an event's point
    /// or its place's, a movement's destination.
    pub fn anchor(&self, feature: &Feature) -> Option<Point<f64>> {
        if let Feature::Event(e) = feature
            && e.common.geometry.is_none()
        {
            return self.place_anchor(e.place.as_deref()?);
        }
        if let Feature::Movement(m) = feature {
            return self.place_anchor(&m.to);
        }
        feature.common().geometry.as_ref()?.interior_point()
    }

    /// [`Self::anchor`] of the feature at `index`, without taking the whole feature out.
    pub fn anchor_at(&self, index: FeatureIndex) -> Option<Point<f64>> {
        let store = &self.store;
        match store.kind(index.0) {
            FeatureKind::Movement => self.place_anchor(store.movement_ends(index.0)?.1),
            FeatureKind::Event if !store.has_geometry(index.0) => {
                self.place_anchor(store.event_place(index.0)?)
            }
            _ => self.shape_anchor(index.0),
        }
    }

    /// A point of the geometry at `index` (a point's own, else one inside the shape).
    fn shape_anchor(&self, index: usize) -> Option<Point<f64>> {
        match self.store.point(index) {
            Some(point) => Some(Point(point)),
            None => self.store.geometry(index)?.interior_point(),
        }
    }

    /// The anchor of the place with this id.
    pub fn place_anchor(&self, id: &str) -> Option<Point<f64>> {
        self.shape_anchor(self.place_index(id)?.0)
    }

    pub fn anchor_of_place(&self, place: &Place) -> Option<Point<f64>> {
        place.common.geometry.as_ref()?.interior_point()
    }

    /// The line a movement follows: its own geometry, else straight from origin to destination.
    pub fn movement_path(&self, movement: &Movement) -> Option<Vec<Coord<f64>>> {
        if let Some(Geometry::LineString(line)) = &movement.common.geometry
            && line.0.len() >= 2
        {
            return Some(line.0.clone());
        }
        let from = self.place_anchor(&movement.from)?;
        let to = self.place_anchor(&movement.to)?;
        Some(vec![from.0, to.0])
    }

    /// [`Self::movement_path`] of the movement at `index`, from the columns.
    pub fn movement_path_at(&self, index: FeatureIndex) -> Option<Vec<Coord<f64>>> {
        let (from, to) = self.store.movement_ends(index.0)?;
        if self.store.has_geometry(index.0)
            && self.store.point(index.0).is_none()
            && let Some(Geometry::LineString(line)) = self.store.geometry(index.0)
            && line.0.len() >= 2
        {
            return Some(line.0);
        }
        Some(vec![self.place_anchor(from)?.0, self.place_anchor(to)?.0])
    }

    /// Movements and events that involve a place, in file order.
    pub fn related_to_place(&self, place_id: &str) -> Vec<FeatureIndex> {
        let store = &self.store;
        (0..self.len())
            .filter(|&i| match store.kind(i) {
                FeatureKind::Movement => {
                    store.movement_origins(i).any(|id| id == place_id)
                        || store.movement_ends(i).is_some_and(|(_, to)| to == place_id)
                }
                FeatureKind::Event => store.event_place(i) == Some(place_id),
                _ => false,
            })
            .map(FeatureIndex)
            .collect()
    }

    /// The control status a place had at the end of `span` (the latest whole-place claim
    /// that started by then), or `None` when no claim applies.
    pub fn control_at(&self, place: &Place, span: &DaySpan) -> Option<ControlStatus> {
        latest_claim(
            place
                .control
                .iter()
                .map(|c| (c.when, c.share_percent, c.status.known())),
            span,
        )
    }

    /// [`Self::control_at`] of the place at `index`, from the columns.
    pub fn control_at_index(&self, index: FeatureIndex, span: &DaySpan) -> Option<ControlStatus> {
        let claims = self
            .store
            .control_claims(index.0)
            .map(|(when, share, status)| (when, share, ControlStatus::parse(status)));
        latest_claim(claims, span)
    }
}

/// The status of the latest whole-place claim (`(when, share, status)`) that started by the end
/// of `span`.
fn latest_claim(
    claims: impl Iterator<Item = (Option<When>, Option<f64>, Option<ControlStatus>)>,
    span: &DaySpan,
) -> Option<ControlStatus> {
    let until = span.last;
    claims
        .filter(|(_, share, _)| share.is_none_or(|share| share >= 50.0))
        .filter(|(when, _, _)| match (when, until) {
            (None, _) | (_, None) => true,
            (Some(when), Some(last)) => when.span().first.is_none_or(|first| first <= last),
        })
        .max_by_key(|(when, _, _)| when.and_then(|w| w.span().first))
        .and_then(|(_, _, status)| status)
}

impl Dataset {}

/// "evacuation" → "Evacuation".
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(700), "700");
        assert_eq!(format_count(1246), "1,246");
        assert_eq!(format_count(1_000_000), "1,000,000");
    }

    /// The name read from the columns is the one worked out from the whole movement, for the
    /// bundled story (named and unnamed, several origins) and a generated one.
    #[test]
    fn movement_names_from_the_columns_match_the_whole_movements() {
        let bundled = crate::story::Story::bundled().dataset;
        let generated = crate::io::parse_bytes(crate::generate::story(300, 2).as_bytes(), "g")
            .unwrap()
            .dataset;
        let mut unnamed = 0;
        for dataset in [&bundled, &generated] {
            for (index, movement) in dataset.movements() {
                unnamed += usize::from(movement.common.name.is_none());
                assert_eq!(
                    dataset.movement_name_at(index),
                    dataset.movement_name(&movement)
                );
                let mut renamed = movement.clone();
                renamed.common.name = None;
                renamed.also_from = vec![movement.to.clone(), movement.from.clone()];
                let features: Vec<Feature> = vec![Feature::Movement(renamed.clone())];
                let alone = Dataset::new(dataset.meta.clone(), features, Extra::new());
                assert_eq!(
                    alone.movement_name_at(FeatureIndex(0)),
                    alone.movement_name(&renamed)
                );
            }
        }
        assert!(unnamed > 0);
    }
}
