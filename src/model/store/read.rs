//! Reading the columns: each member of a feature by its index, and the feature back whole.

use geo::{Coord, Geometry, Point};

use super::{PackedShape, Run, Shape, Store, Text};
use crate::model::{
    Common, ControlClaim, Event, Extra, Feature, FeatureKind, Figure, Generic, GeoJsonId, Movement,
    Place, Term, When,
};

impl Store {
    /// Where the columns are: tells a store from one that replaced it.
    pub fn identity(&self) -> usize {
        self.kinds.as_ptr() as usize
    }

    pub fn kind(&self, index: usize) -> FeatureKind {
        self.kinds[index]
    }

    /// Where the text feature `index` is found by (see [`crate::model::ids`]) is in the
    /// columns' texts: a generic feature's own GeoJSON id, any other's id. Texts are only ever
    /// added, never moved, so where one is stays true while the store lives.
    pub(crate) fn key_text(&self, index: usize) -> Option<Text> {
        match self.kinds[index] {
            FeatureKind::Generic => {
                let own = self.generics[self.rows[index] as usize].own_id;
                (!own.is_none()).then_some(own)
            }
            _ => Some(self.ids[index]),
        }
    }

    /// The text at `text`, from [`Self::key_text`].
    pub(crate) fn text_at(&self, text: Text) -> &str {
        self.text(text)
    }

    pub fn id(&self, index: usize) -> &str {
        self.text(self.ids[index])
    }

    pub fn name(&self, index: usize) -> Option<&str> {
        self.opt_text(self.names[index])
    }

    pub fn when(&self, index: usize) -> Option<When> {
        self.whens[index].unpack()
    }

    /// The GeoJSON id a generic feature gave (its text), if any.
    pub fn own_id(&self, index: usize) -> Option<&str> {
        match self.kinds[index] {
            FeatureKind::Generic => self.opt_text(self.generics[self.rows[index] as usize].own_id),
            _ => None,
        }
    }

    /// Whether a generic feature's GeoJSON id is a number.
    pub fn own_id_is_number(&self, index: usize) -> bool {
        self.kinds[index] == FeatureKind::Generic
            && self.generics[self.rows[index] as usize].own_id_is_number
    }

    /// A point geometry's position; `None` for other shapes and none.
    pub fn point(&self, index: usize) -> Option<Coord<f64>> {
        match self.shapes[index].unpack() {
            Shape::Point(i) => Some(self.points[i as usize]),
            _ => None,
        }
    }

    pub fn has_geometry(&self, index: usize) -> bool {
        self.shapes[index] != PackedShape::NONE
    }

    pub fn geometry(&self, index: usize) -> Option<Geometry<f64>> {
        match self.shapes[index].unpack() {
            Shape::None => None,
            Shape::Point(i) => Some(Geometry::Point(Point(self.points[i as usize]))),
            Shape::Other(i) => Some(self.other_shapes[i as usize].clone()),
        }
    }

    /// How precisely a place's position is known, as written.
    pub fn geo_precision(&self, index: usize) -> Option<&str> {
        match self.kinds[index] {
            FeatureKind::Place => {
                self.opt_text(self.places[self.rows[index] as usize].geo_precision)
            }
            _ => None,
        }
    }

    /// A place's Arabic name.
    pub fn name_ar(&self, index: usize) -> Option<&str> {
        match self.kinds[index] {
            FeatureKind::Place => self.opt_text(self.place_more(self.rows[index] as usize).name_ar),
            _ => None,
        }
    }

    /// A place's other spellings.
    pub fn name_variants(&self, index: usize) -> impl Iterator<Item = &str> {
        let run = match self.kinds[index] {
            FeatureKind::Place => self.place_more(self.rows[index] as usize).variants,
            _ => Run::default(),
        };
        self.words(run)
    }

    /// A movement's type, as written.
    pub fn movement_type(&self, index: usize) -> Option<&str> {
        match self.kinds[index] {
            FeatureKind::Movement => {
                Some(self.text(self.movements[self.rows[index] as usize].movement_type))
            }
            _ => None,
        }
    }

    /// A movement's status, as written, and whether its destination is assumed.
    pub fn movement_status(&self, index: usize) -> Option<(&str, bool)> {
        match self.kinds[index] {
            FeatureKind::Movement => {
                let row = &self.movements[self.rows[index] as usize];
                Some((self.text(row.status), row.to_assumed))
            }
            _ => None,
        }
    }

    /// A place's control claims: when, the share of the place (`None`: all of it), the status as
    /// written.
    pub fn control_claims(
        &self,
        index: usize,
    ) -> impl Iterator<Item = (Option<When>, Option<f64>, &str)> {
        let run = match self.kinds[index] {
            FeatureKind::Place => self.places[self.rows[index] as usize].control,
            _ => Run::default(),
        };
        run.range().map(|row| {
            let claim = &self.claims[row];
            let share = self.claim_more(row).share_percent;
            let share = (!share.is_nan()).then_some(share);
            (claim.when.unpack(), share, self.text(claim.status))
        })
    }

    /// A place's type, as written.
    pub fn place_type(&self, index: usize) -> Option<&str> {
        match self.kinds[index] {
            FeatureKind::Place => self.opt_text(self.places[self.rows[index] as usize].place_type),
            _ => None,
        }
    }

    /// A movement's first origin and its destination.
    pub fn movement_ends(&self, index: usize) -> Option<(&str, &str)> {
        match self.kinds[index] {
            FeatureKind::Movement => {
                let row = &self.movements[self.rows[index] as usize];
                Some((self.text(row.from), self.text(row.to)))
            }
            _ => None,
        }
    }

    /// Every origin of a movement (the first, then any further ones).
    pub fn movement_origins(&self, index: usize) -> impl Iterator<Item = &str> {
        let row = match self.kinds[index] {
            FeatureKind::Movement => Some(self.rows[index] as usize),
            _ => None,
        };
        row.into_iter().flat_map(|row| {
            let also_from = self.movement_more(row).also_from;
            std::iter::once(self.text(self.movements[row].from)).chain(self.words(also_from))
        })
    }

    /// An event's type, as written.
    pub fn event_type(&self, index: usize) -> Option<&str> {
        match self.kinds[index] {
            FeatureKind::Event => {
                Some(self.text(self.events[self.rows[index] as usize].event_type))
            }
            _ => None,
        }
    }

    /// The place an event names.
    pub fn event_place(&self, index: usize) -> Option<&str> {
        match self.kinds[index] {
            FeatureKind::Event => self.opt_text(self.events[self.rows[index] as usize].place),
            _ => None,
        }
    }

    fn figure_run(&self, index: usize) -> Run {
        match self.kinds[index] {
            FeatureKind::Movement => self.movements[self.rows[index] as usize].figures,
            FeatureKind::Event => self.events[self.rows[index] as usize].figures,
            _ => Run::default(),
        }
    }

    /// A movement's or event's summary.
    pub fn summary(&self, index: usize) -> Option<&str> {
        match self.kinds[index] {
            FeatureKind::Movement => {
                self.opt_text(self.movement_more(self.rows[index] as usize).summary)
            }
            FeatureKind::Event => self.opt_text(self.events[self.rows[index] as usize].summary),
            _ => None,
        }
    }

    /// An event's actors.
    pub fn actors(&self, index: usize) -> impl Iterator<Item = &str> {
        let run = match self.kinds[index] {
            FeatureKind::Event => self.events[self.rows[index] as usize].actors,
            _ => Run::default(),
        };
        self.words(run)
    }

    /// The sources a feature cites for itself (not those of its figures).
    pub fn cited_sources(&self, index: usize) -> impl Iterator<Item = &str> {
        self.words(self.sources[index])
    }

    /// The sources a place's control claims cite, claim by claim.
    pub fn claim_sources(&self, index: usize) -> impl Iterator<Item = &str> {
        let run = match self.kinds[index] {
            FeatureKind::Place => self.places[self.rows[index] as usize].control,
            _ => Run::default(),
        };
        self.claims[run.range()]
            .iter()
            .flat_map(|claim| self.words(claim.sources))
    }

    /// The sources a movement's or event's figures cite, figure by figure.
    pub fn figure_sources(&self, index: usize) -> impl Iterator<Item = &str> {
        self.figures[self.figure_run(index).range()]
            .iter()
            .flat_map(|row| self.words(row.sources))
    }

    /// The values of a movement's or event's figures with their measure.
    pub fn figure_values(&self, index: usize) -> impl Iterator<Item = (&str, u64)> {
        self.figures[self.figure_run(index).range()]
            .iter()
            .map(|row| (self.text(row.measure), row.value))
    }

    /// The whole feature at `index`.
    pub fn feature(&self, index: usize) -> Feature {
        let rare = self.rare.get(index as u32);
        let common = Common {
            id: self.id(index).to_owned(),
            name: self.name(index).map(str::to_owned),
            when: self.whens[index].unpack(),
            when_basis: rare.and_then(|r| self.owned(r.when_basis)),
            sources: self.owned_words(self.sources[index]),
            geometry: self.geometry(index),
            extra: rare.map_or_else(Extra::new, |r| match r.string_names.len {
                0 => self.extra(r.extra),
                _ => self.string_members(r.string_names, r.string_values),
            }),
            foreign: rare.map_or_else(Extra::new, |r| self.extra(r.foreign)),
        };
        let row = self.rows[index] as usize;
        match self.kinds[index] {
            FeatureKind::Place => {
                let more = self.place_more(row);
                let row = &self.places[row];
                Feature::Place(Place {
                    common,
                    name_ar: self.owned(more.name_ar),
                    name_variants: self.owned_words(more.variants),
                    place_type: self.opt_text(row.place_type).map(Term::parse),
                    admin1: self.owned(more.admin1),
                    geo_precision: self.opt_text(row.geo_precision).map(Term::parse),
                    description: self.owned(more.description),
                    control: row.control.range().map(|claim| self.claim(claim)).collect(),
                })
            }
            FeatureKind::Movement => {
                let more = self.movement_more(row);
                let row = &self.movements[row];
                Feature::Movement(Movement {
                    common,
                    from: self.text(row.from).to_owned(),
                    also_from: self.owned_words(more.also_from),
                    to: self.text(row.to).to_owned(),
                    to_assumed: row.to_assumed,
                    movement_type: Term::parse(self.text(row.movement_type)),
                    status: Term::parse(self.text(row.status)),
                    figures: self.figures_of(row.figures),
                    summary: self.owned(more.summary),
                })
            }
            FeatureKind::Event => {
                let row = &self.events[row];
                Feature::Event(Event {
                    common,
                    event_type: Term::parse(self.text(row.event_type)),
                    place: self.owned(row.place),
                    summary: self.owned(row.summary),
                    actors: self.owned_words(row.actors),
                    figures: self.figures_of(row.figures),
                })
            }
            FeatureKind::Generic => {
                let row = &self.generics[row];
                let own_id = self.opt_text(row.own_id).map(|text| {
                    match row.own_id_is_number.then(|| text.parse().ok()).flatten() {
                        Some(number) => GeoJsonId::Number(number),
                        None => GeoJsonId::Text(text.to_owned()),
                    }
                });
                Feature::Generic(Generic { common, own_id })
            }
        }
    }

    fn figures_of(&self, run: Run) -> Vec<Figure> {
        run.range()
            .map(|at| {
                let (row, more) = (&self.figures[at], self.figure_more(at));
                Figure {
                    measure: Term::parse(self.text(row.measure)),
                    value: row.value,
                    qualifier: Term::parse(self.text(row.qualifier)),
                    sources: self.owned_words(row.sources),
                    note: self.owned(more.note),
                    extra: self.extra(more.extra),
                }
            })
            .collect()
    }

    fn claim(&self, at: usize) -> ControlClaim {
        let (row, more) = (&self.claims[at], self.claim_more(at));
        ControlClaim {
            when: row.when.unpack(),
            status: Term::parse(self.text(row.status)),
            share_percent: (!more.share_percent.is_nan()).then_some(more.share_percent),
            qualifier: self.opt_text(more.qualifier).map(Term::parse),
            actors: self.owned_words(more.actors),
            sources: self.owned_words(row.sources),
            note: self.owned(more.note),
            extra: self.extra(more.extra),
        }
    }
}
