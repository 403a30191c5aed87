//! Filling the columns: a feature pushed in, another store's features appended (a worker's),
//! and the columns shrunk to what they hold.

use super::{
    ClaimMore, ClaimRow, EventRow, FigureMore, FigureRow, GenericRow, MovementMore, MovementRow,
    PackedShape, PlaceMore, PlaceRow, Rare, Run, Shape, Store, Text,
};
use crate::model::{Feature, FeatureKind, GeoJsonId, PackedWhen, Term};

impl Store {
    /// Room for `features` more features in the columns every feature has.
    pub fn reserve(&mut self, features: usize) {
        self.kinds.reserve(features);
        self.rows.reserve(features);
        self.ids.reserve(features);
        self.names.reserve(features);
        self.whens.reserve(features);
        self.sources.reserve(features);
        self.shapes.reserve(features);
    }

    /// Adds a feature at the end.
    pub fn push(&mut self, feature: &Feature) {
        let index = self.kinds.len() as u32;
        let common = feature.common();
        let id = self.push_repeated(Some(&common.id));
        // Names repeat in imported tables ("Attack in Afrin"): each kept once there. A story's
        // are mostly its own (a place's, an event's): looking each up among a million cost
        // more than it saved.
        let name = self.push_repeated(common.name.as_deref());
        let sources = self.push_words(&common.sources);
        let shape = self.push_shape(common.geometry.as_ref());
        if common.when_basis.is_some() || !common.extra.is_empty() || !common.foreign.is_empty() {
            let when_basis = self.push_opt(common.when_basis.as_deref());
            let (extra, string_names, string_values) = match self.push_string_members(&common.extra)
            {
                Some((names, values)) => (Text::NONE, names, values),
                None => (self.push_extra(&common.extra), Run::EMPTY, 0),
            };
            let rare = Rare {
                when_basis,
                extra,
                string_names,
                string_values,
                foreign: self.push_extra(&common.foreign),
            };
            self.rare.push(index, rare);
        }
        let row = match feature {
            Feature::Place(place) => {
                let row = PlaceRow {
                    place_type: self.intern_opt(place.place_type.as_ref().map(Term::as_str)),
                    geo_precision: self.intern_opt(place.geo_precision.as_ref().map(Term::as_str)),
                    control: self.push_claims(&place.control),
                };
                let more = PlaceMore {
                    name_ar: self.push_opt(place.name_ar.as_deref()),
                    variants: self.push_words(&place.name_variants),
                    admin1: self.intern_opt(place.admin1.as_deref()),
                    description: self.push_opt(place.description.as_deref()),
                };
                if !more.is_none() {
                    self.more_of_places.push(self.places.len() as u32, more);
                }
                self.places.push(row);
                self.places.len() - 1
            }
            Feature::Movement(movement) => {
                let row = MovementRow {
                    // Ids of places: interned in tables, where they repeat row after row.
                    from: self.push_repeated(Some(&movement.from)),
                    to: self.push_repeated(Some(&movement.to)),
                    movement_type: self.intern(movement.movement_type.as_str()),
                    status: self.intern(movement.status.as_str()),
                    figures: self.push_figures(&movement.figures),
                    to_assumed: movement.to_assumed,
                };
                let more = MovementMore {
                    also_from: self.push_words(&movement.also_from),
                    summary: self.push_repeated(movement.summary.as_deref()),
                };
                if !more.is_none() {
                    self.more_of_movements
                        .push(self.movements.len() as u32, more);
                }
                self.movements.push(row);
                self.movements.len() - 1
            }
            Feature::Event(event) => {
                let row = EventRow {
                    event_type: self.intern(event.event_type.as_str()),
                    place: self.push_repeated(event.place.as_deref()),
                    summary: self.push_repeated(event.summary.as_deref()),
                    actors: self.push_words(&event.actors),
                    figures: self.push_figures(&event.figures),
                };
                self.events.push(row);
                self.events.len() - 1
            }
            Feature::Generic(generic) => {
                let row = GenericRow {
                    own_id: match &generic.own_id {
                        Some(own) => self.push_text(&own.text()),
                        None => Text::NONE,
                    },
                    own_id_is_number: matches!(generic.own_id, Some(GeoJsonId::Number(_))),
                };
                self.generics.push(row);
                self.generics.len() - 1
            }
        };
        self.kinds.push(feature.kind());
        self.rows.push(row as u32);
        self.ids.push(id);
        self.names.push(name);
        self.whens.push(PackedWhen::pack(common.when));
        self.sources.push(sources);
        self.shapes.push(PackedShape::pack(shape));
    }

    /// Adds the features of each of `parts`, in order, after these, with room made once for all
    /// of them: each part is let go of as soon as it is in, so memory holds the story about
    /// once, not a growing copy beside the parts.
    pub fn append_all(&mut self, parts: Vec<Store>) {
        let total = |count: fn(&Store) -> usize| parts.iter().map(count).sum::<usize>();
        self.arena.reserve(total(|s| s.arena.len()));
        self.reserve(total(Store::len));
        self.words.reserve(total(|s| s.words.len()));
        self.points.reserve(total(|s| s.points.len()));
        self.places.reserve(total(|s| s.places.len()));
        self.movements.reserve(total(|s| s.movements.len()));
        self.events.reserve(total(|s| s.events.len()));
        self.generics.reserve(total(|s| s.generics.len()));
        self.figures.reserve(total(|s| s.figures.len()));
        self.claims.reserve(total(|s| s.claims.len()));
        self.rare.rows.reserve(total(|s| s.rare.rows.len()));
        for part in parts {
            self.append(part);
        }
    }

    /// Adds `other`'s features after these (stores built apart, on several cores, become one).
    pub fn append(&mut self, mut other: Store) {
        // Each of `other`'s columns is let go of once copied: held whole to the end, a worker's
        // part stood beside its copy, and joining a story's parts took half again its size.
        let text = self.arena.len() as u32;
        let words = self.words.len() as u32;
        let figures = self.figures.len() as u32;
        let claims = self.claims.len() as u32;
        let features = self.kinds.len() as u32;
        let rows = [
            self.places.len() as u32,
            self.movements.len() as u32,
            self.events.len() as u32,
            self.generics.len() as u32,
        ];
        self.arena.push_str(&other.arena);
        other.arena = String::new();
        self.words
            .extend(other.words.iter().map(|t| t.shifted(text)));
        other.words = Vec::new();
        self.append_feature_columns(&mut other, text, words, rows);
        self.points.extend(&other.points);
        other.points = Vec::new();
        self.other_shapes.extend(other.other_shapes);
        self.places.extend(other.places.iter().map(|row| PlaceRow {
            place_type: row.place_type.shifted(text),
            geo_precision: row.geo_precision.shifted(text),
            control: row.control.shifted(claims),
        }));
        other.places = Vec::new();
        self.more_of_places
            .append(&other.more_of_places, rows[0], |more| PlaceMore {
                name_ar: more.name_ar.shifted(text),
                variants: more.variants.shifted(words),
                admin1: more.admin1.shifted(text),
                description: more.description.shifted(text),
            });
        self.movements
            .extend(other.movements.iter().map(|row| MovementRow {
                from: row.from.shifted(text),
                to: row.to.shifted(text),
                movement_type: row.movement_type.shifted(text),
                status: row.status.shifted(text),
                figures: row.figures.shifted(figures),
                to_assumed: row.to_assumed,
            }));
        other.movements = Vec::new();
        self.more_of_movements
            .append(&other.more_of_movements, rows[1], |more| MovementMore {
                also_from: more.also_from.shifted(words),
                summary: more.summary.shifted(text),
            });
        self.events.extend(other.events.iter().map(|row| EventRow {
            event_type: row.event_type.shifted(text),
            place: row.place.shifted(text),
            summary: row.summary.shifted(text),
            actors: row.actors.shifted(words),
            figures: row.figures.shifted(figures),
        }));
        other.events = Vec::new();
        self.generics
            .extend(other.generics.iter().map(|row| GenericRow {
                own_id: row.own_id.shifted(text),
                own_id_is_number: row.own_id_is_number,
            }));
        self.figures
            .extend(other.figures.iter().map(|row| FigureRow {
                value: row.value,
                measure: row.measure.shifted(text),
                qualifier: row.qualifier.shifted(text),
                sources: row.sources.shifted(words),
            }));
        other.figures = Vec::new();
        self.more_of_figures
            .append(&other.more_of_figures, figures, |more| FigureMore {
                note: more.note.shifted(text),
                extra: more.extra.shifted(text),
            });
        self.claims.extend(other.claims.iter().map(|row| ClaimRow {
            when: row.when,
            status: row.status.shifted(text),
            sources: row.sources.shifted(words),
        }));
        self.more_of_claims
            .append(&other.more_of_claims, claims, |more| ClaimMore {
                share_percent: more.share_percent,
                qualifier: more.qualifier.shifted(text),
                actors: more.actors.shifted(words),
                note: more.note.shifted(text),
                extra: more.extra.shifted(text),
            });
        self.rare.append(&other.rare, features, |rare| Rare {
            when_basis: rare.when_basis.shifted(text),
            extra: rare.extra.shifted(text),
            string_names: rare.string_names.shifted(words),
            string_values: rare.string_values + words,
            foreign: rare.foreign.shifted(text),
        });
        // Words of the two parts are no longer looked up together: building is over.
        self.interned = hashbrown::HashTable::new();
        self.interned_lists = hashbrown::HashTable::new();
        self.columns_above = Default::default();
    }

    /// Adds the columns every feature has of `other`'s features (texts from `text` on, words
    /// from `words`, each kind's rows from its base in `rows`), letting go of each once copied.
    fn append_feature_columns(&mut self, other: &mut Store, text: u32, words: u32, rows: [u32; 4]) {
        let points = self.points.len() as u32;
        let others = self.other_shapes.len() as u32;
        for (&kind, &row) in other.kinds.iter().zip(&other.rows) {
            let base = match kind {
                FeatureKind::Place => rows[0],
                FeatureKind::Movement => rows[1],
                FeatureKind::Event => rows[2],
                FeatureKind::Generic => rows[3],
            };
            self.rows.push(row + base);
        }
        self.kinds.extend(&other.kinds);
        (other.kinds, other.rows) = (Vec::new(), Vec::new());
        self.ids.extend(other.ids.iter().map(|t| t.shifted(text)));
        other.ids = Vec::new();
        self.names
            .extend(other.names.iter().map(|t| t.shifted(text)));
        other.names = Vec::new();
        self.whens.extend(&other.whens);
        other.whens = Vec::new();
        self.sources
            .extend(other.sources.iter().map(|r| r.shifted(words)));
        other.sources = Vec::new();
        self.shapes.extend(other.shapes.iter().map(|shape| {
            PackedShape::pack(match shape.unpack() {
                Shape::None => Shape::None,
                Shape::Point(i) => Shape::Point(i + points),
                Shape::Other(i) => Shape::Other(i + others),
            })
        }));
        other.shapes = Vec::new();
    }

    /// Lets go of spare capacity and of the building-time word table.
    pub fn shrink(&mut self) {
        self.interned = hashbrown::HashTable::new();
        self.interned_lists = hashbrown::HashTable::new();
        self.columns_above = Default::default();
        self.arena.shrink_to_fit();
        self.kinds.shrink_to_fit();
        self.rows.shrink_to_fit();
        self.ids.shrink_to_fit();
        self.names.shrink_to_fit();
        self.whens.shrink_to_fit();
        self.sources.shrink_to_fit();
        self.shapes.shrink_to_fit();
        self.points.shrink_to_fit();
        self.other_shapes.shrink_to_fit();
        self.words.shrink_to_fit();
        self.places.shrink_to_fit();
        self.more_of_places.shrink_to_fit();
        self.movements.shrink_to_fit();
        self.more_of_movements.shrink_to_fit();
        self.events.shrink_to_fit();
        self.generics.shrink_to_fit();
        self.figures.shrink_to_fit();
        self.more_of_figures.shrink_to_fit();
        self.claims.shrink_to_fit();
        self.more_of_claims.shrink_to_fit();
        self.rare.shrink_to_fit();
    }
}
