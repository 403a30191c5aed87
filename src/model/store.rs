//! The features of a story in typed columns, not one struct of strings and lists per feature.
//!
//! Why: a million features as structs took over two kilobytes each. Here every text lives in one
//! arena (words that repeat, such as source ids, terms and place references, once per story),
//! dates take four bytes an end, figures and control claims are rows of flat tables, and what
//! few features have (unknown members, notes on how a date was found) sits in a sparse table, as
//! JSON text rather than a parsed tree. Readers that walk every feature (the map index, the time
//! filter, search) read the columns; a panel that shows one feature gets it back whole as a
//! [`Feature`].

use geo::{Coord, Geometry, Point};
use serde_json::{Map, Value};

use super::{
    Common, ControlClaim, Event, Extra, Feature, FeatureKind, Figure, Generic, GeoJsonId, Movement,
    PackedWhen, Place, Term, When,
};

/// A text in the arena, where its length comes first (`u32::MAX`: none). Four bytes, not eight
/// with a length beside the start: a story refers to texts several million times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Text(u32);

impl Text {
    const NONE: Text = Text(u32::MAX);

    fn is_none(self) -> bool {
        self == Self::NONE
    }

    fn shifted(self, base: u32) -> Text {
        if self.is_none() {
            self
        } else {
            Text(self.0 + base)
        }
    }
}

/// Lengths below this take one byte before their text; longer ones a marker and five more.
/// Every byte of a length is below 128, so the arena stays UTF-8 text.
const SHORT: usize = 127;

/// A run of rows in one of the flat tables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Run {
    start: u32,
    len: u32,
}

impl Run {
    const EMPTY: Run = Run { start: 0, len: 0 };

    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }

    fn shifted(self, base: u32) -> Run {
        Run {
            start: self.start + base,
            len: self.len,
        }
    }
}

/// A feature's geometry: most are points, kept as two numbers; the rest whole, in a side table.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    None,
    Point(u32),
    Other(u32),
}

/// A [`Shape`] in four bytes: none, a point's row, or (high bit set) another shape's row.
#[derive(Debug, Clone, Copy, PartialEq)]
struct PackedShape(u32);

impl PackedShape {
    const NONE: PackedShape = PackedShape(u32::MAX);
    const OTHER: u32 = 1 << 31;

    fn pack(shape: Shape) -> Self {
        match shape {
            Shape::None => Self::NONE,
            Shape::Point(i) => Self(i),
            Shape::Other(i) => Self(i | Self::OTHER),
        }
    }

    fn unpack(self) -> Shape {
        match self.0 {
            u32::MAX => Shape::None,
            i if i & Self::OTHER != 0 => Shape::Other(i & !Self::OTHER),
            i => Shape::Point(i),
        }
    }
}

/// Rows of one table that have what few of its rows have, in row order (rows are added in
/// order): a story where no row has it pays nothing, and one row's is a binary search away.
#[derive(Debug, Clone, PartialEq)]
struct Sparse<T> {
    rows: Vec<(u32, T)>,
}

impl<T> Default for Sparse<T> {
    fn default() -> Self {
        Self { rows: Vec::new() }
    }
}

impl<T: Copy> Sparse<T> {
    /// Adds `row`'s, which comes after every row already here.
    fn push(&mut self, row: u32, value: T) {
        debug_assert!(self.rows.last().is_none_or(|&(last, _)| last < row));
        self.rows.push((row, value));
    }

    fn get(&self, row: u32) -> Option<&T> {
        let found = self.rows.binary_search_by_key(&row, |&(row, _)| row);
        found.ok().map(|at| &self.rows[at].1)
    }

    /// Adds another table's, whose rows come after these from `base` on.
    fn append(&mut self, other: &Sparse<T>, base: u32, shifted: impl Fn(&T) -> T) {
        let moved = other
            .rows
            .iter()
            .map(|(row, value)| (row + base, shifted(value)));
        self.rows.extend(moved);
    }

    fn shrink_to_fit(&mut self) {
        self.rows.shrink_to_fit();
    }

    fn heap_bytes(&self) -> usize {
        self.rows.capacity() * std::mem::size_of::<(u32, T)>()
    }
}

/// A place's row: what a map of places reads. 16 bytes; the rest is in a [`PlaceMore`].
#[derive(Debug, Clone, Copy, PartialEq)]
struct PlaceRow {
    place_type: Text,
    geo_precision: Text,
    control: Run,
}

/// What a place may have beyond its row.
#[derive(Debug, Clone, Copy, PartialEq)]
struct PlaceMore {
    name_ar: Text,
    variants: Run,
    admin1: Text,
    description: Text,
}

impl PlaceMore {
    const NONE: PlaceMore = PlaceMore {
        name_ar: Text::NONE,
        variants: Run::EMPTY,
        admin1: Text::NONE,
        description: Text::NONE,
    };

    fn is_none(&self) -> bool {
        self.name_ar.is_none()
            && self.variants.len == 0
            && self.admin1.is_none()
            && self.description.is_none()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct MovementRow {
    from: Text,
    to: Text,
    movement_type: Text,
    status: Text,
    figures: Run,
    to_assumed: bool,
}

/// What a movement may have beyond its row.
#[derive(Debug, Clone, Copy, PartialEq)]
struct MovementMore {
    also_from: Run,
    summary: Text,
}

impl MovementMore {
    const NONE: MovementMore = MovementMore {
        also_from: Run::EMPTY,
        summary: Text::NONE,
    };

    fn is_none(&self) -> bool {
        self.also_from.len == 0 && self.summary.is_none()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct EventRow {
    event_type: Text,
    place: Text,
    summary: Text,
    actors: Run,
    figures: Run,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct GenericRow {
    /// The GeoJSON id's text; a number's as JSON writes it.
    own_id: Text,
    own_id_is_number: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct FigureRow {
    value: u64,
    measure: Text,
    qualifier: Text,
    sources: Run,
}

/// What a figure may have beyond its row.
#[derive(Debug, Clone, Copy, PartialEq)]
struct FigureMore {
    note: Text,
    /// Unknown members, as a JSON object's text.
    extra: Text,
}

impl FigureMore {
    const NONE: FigureMore = FigureMore {
        note: Text::NONE,
        extra: Text::NONE,
    };

    fn is_none(&self) -> bool {
        self.note.is_none() && self.extra.is_none()
    }
}

/// A control claim's row: when, what, according to whom. 20 bytes; the rest in a [`ClaimMore`].
#[derive(Debug, Clone, Copy, PartialEq)]
struct ClaimRow {
    when: PackedWhen,
    status: Text,
    sources: Run,
}

/// What a control claim may have beyond its row.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ClaimMore {
    /// NaN: the whole place.
    share_percent: f64,
    qualifier: Text,
    actors: Run,
    note: Text,
    extra: Text,
}

impl ClaimMore {
    const NONE: ClaimMore = ClaimMore {
        share_percent: f64::NAN,
        qualifier: Text::NONE,
        actors: Run::EMPTY,
        note: Text::NONE,
        extra: Text::NONE,
    };

    fn is_none(&self) -> bool {
        self.share_percent.is_nan()
            && self.qualifier.is_none()
            && self.actors.len == 0
            && self.note.is_none()
            && self.extra.is_none()
    }
}

/// What few features have.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rare {
    when_basis: Text,
    extra: Text,
    foreign: Text,
}

/// One story's features, in file order.
#[derive(Clone, Default)]
pub struct Store {
    arena: String,
    /// The arena's texts that repeat (terms, sources, actors, place references), while building.
    interned: hashbrown::HashTable<Text>,
    /// The lists of words already in `words`, while building: most features cite the same few
    /// lists of sources, kept once each.
    interned_lists: hashbrown::HashTable<Run>,
    kinds: Vec<FeatureKind>,
    /// Each feature's row in the table of its kind.
    rows: Vec<u32>,
    ids: Vec<Text>,
    names: Vec<Text>,
    whens: Vec<PackedWhen>,
    sources: Vec<Run>,
    shapes: Vec<PackedShape>,
    points: Vec<Coord<f64>>,
    other_shapes: Vec<Geometry<f64>>,
    /// The items of every list of words (sources, actors, spellings, origins).
    words: Vec<Text>,
    places: Vec<PlaceRow>,
    more_of_places: Sparse<PlaceMore>,
    movements: Vec<MovementRow>,
    more_of_movements: Sparse<MovementMore>,
    events: Vec<EventRow>,
    generics: Vec<GenericRow>,
    figures: Vec<FigureRow>,
    more_of_figures: Sparse<FigureMore>,
    claims: Vec<ClaimRow>,
    more_of_claims: Sparse<ClaimMore>,
    /// By feature.
    rare: Sparse<Rare>,
}

/// The hash ids and words are found by (fixed, so that it is the same in every store).
pub(crate) fn hash(text: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::default().hash_one(text)
}

fn text_of(arena: &str, text: Text) -> &str {
    let bytes = arena.as_bytes();
    let at = text.0 as usize;
    let (len, start) = match bytes.get(at).map(|&b| b as usize) {
        Some(len) if len < SHORT => (len, at + 1),
        Some(_) => {
            let len = bytes
                .get(at + 1..at + 6)
                .unwrap_or_default()
                .iter()
                .fold(0, |len, &b| len << 7 | b as usize);
            (len, at + 6)
        }
        None => (0, at),
    };
    arena.get(start..start + len).unwrap_or_default()
}

impl Store {
    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// Bytes held, for the log and the memory bench.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.arena.capacity()
            + self.interned.capacity() * size_of::<Text>()
            + self.interned_lists.capacity() * size_of::<Run>()
            + self.kinds.capacity()
            + self.rows.capacity() * 4
            + self.ids.capacity() * size_of::<Text>()
            + self.names.capacity() * size_of::<Text>()
            + self.whens.capacity() * size_of::<PackedWhen>()
            + self.sources.capacity() * size_of::<Run>()
            + self.shapes.capacity() * size_of::<PackedShape>()
            + self.points.capacity() * size_of::<Coord<f64>>()
            + self.other_shapes.capacity() * size_of::<Geometry<f64>>()
            + self.words.capacity() * size_of::<Text>()
            + self.places.capacity() * size_of::<PlaceRow>()
            + self.more_of_places.heap_bytes()
            + self.movements.capacity() * size_of::<MovementRow>()
            + self.more_of_movements.heap_bytes()
            + self.events.capacity() * size_of::<EventRow>()
            + self.generics.capacity() * size_of::<GenericRow>()
            + self.figures.capacity() * size_of::<FigureRow>()
            + self.more_of_figures.heap_bytes()
            + self.claims.capacity() * size_of::<ClaimRow>()
            + self.more_of_claims.heap_bytes()
            + self.rare.heap_bytes()
    }

    fn place_more(&self, row: usize) -> PlaceMore {
        let more = self.more_of_places.get(row as u32);
        more.copied().unwrap_or(PlaceMore::NONE)
    }

    fn movement_more(&self, row: usize) -> MovementMore {
        let more = self.more_of_movements.get(row as u32);
        more.copied().unwrap_or(MovementMore::NONE)
    }

    fn figure_more(&self, row: usize) -> FigureMore {
        let more = self.more_of_figures.get(row as u32);
        more.copied().unwrap_or(FigureMore::NONE)
    }

    fn claim_more(&self, row: usize) -> ClaimMore {
        let more = self.more_of_claims.get(row as u32);
        more.copied().unwrap_or(ClaimMore::NONE)
    }

    fn text(&self, text: Text) -> &str {
        text_of(&self.arena, text)
    }

    fn opt_text(&self, text: Text) -> Option<&str> {
        (!text.is_none()).then(|| self.text(text))
    }

    fn owned(&self, text: Text) -> Option<String> {
        self.opt_text(text).map(str::to_owned)
    }

    fn push_text(&mut self, text: &str) -> Text {
        // The arena stays under 4 GiB: files are capped far below that.
        let start = self.arena.len() as u32;
        if text.len() < SHORT {
            self.arena.push(char::from(text.len() as u8));
        } else {
            self.arena.push(char::from(SHORT as u8));
            for shift in (0..5).rev() {
                self.arena
                    .push(char::from((text.len() >> (7 * shift) & 0x7F) as u8));
            }
        }
        self.arena.push_str(text);
        Text(start)
    }

    fn push_opt(&mut self, text: Option<&str>) -> Text {
        text.map_or(Text::NONE, |text| self.push_text(text))
    }

    /// A word stored once however often it comes.
    fn intern(&mut self, word: &str) -> Text {
        let hash = hash(word);
        let arena = &self.arena;
        if let Some(&found) = self
            .interned
            .find(hash, |&text| text_of(arena, text) == word)
        {
            return found;
        }
        let text = self.push_text(word);
        let arena = &self.arena;
        self.interned
            .insert_unique(hash, text, |&t| self::hash(text_of(arena, t)));
        text
    }

    fn intern_opt(&mut self, word: Option<&str>) -> Text {
        word.map_or(Text::NONE, |word| self.intern(word))
    }

    /// A list of words, stored once however often the same list comes.
    fn push_words<'a>(&mut self, words: impl IntoIterator<Item = &'a String>) -> Run {
        let start = self.words.len() as u32;
        for word in words {
            let text = self.intern(word);
            self.words.push(text);
        }
        let run = Run {
            start,
            len: self.words.len() as u32 - start,
        };
        if run.len == 0 {
            return Run::EMPTY;
        }
        let hash_of = |words: &[Text]| {
            use std::hash::BuildHasher;
            foldhash::fast::FixedState::default().hash_one(words)
        };
        let list = &self.words[run.range()];
        let hash = hash_of(list);
        let all = &self.words;
        if let Some(&found) = self
            .interned_lists
            .find(hash, |&other| &all[other.range()] == list)
        {
            self.words.truncate(start as usize);
            return found;
        }
        let all = &self.words;
        self.interned_lists
            .insert_unique(hash, run, |&other| hash_of(&all[other.range()]));
        run
    }

    fn words(&self, run: Run) -> impl Iterator<Item = &str> {
        self.words[run.range()].iter().map(|&t| self.text(t))
    }

    fn owned_words(&self, run: Run) -> Vec<String> {
        self.words(run).map(str::to_owned).collect()
    }

    fn push_extra(&mut self, extra: &Extra) -> Text {
        if extra.is_empty() {
            return Text::NONE;
        }
        let map: Map<String, Value> = extra.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        // Writing a map of JSON values to text cannot fail.
        let json = serde_json::to_string(&map).unwrap_or_default();
        self.push_text(&json)
    }

    fn extra(&self, text: Text) -> Extra {
        match self.opt_text(text) {
            Some(json) => serde_json::from_str::<Map<String, Value>>(json)
                .map(Extra::from)
                .unwrap_or_default(),
            None => Extra::new(),
        }
    }

    fn push_figures(&mut self, figures: &[Figure]) -> Run {
        let start = self.figures.len() as u32;
        for figure in figures {
            let row = FigureRow {
                value: figure.value,
                measure: self.intern(figure.measure.as_str()),
                qualifier: self.intern(figure.qualifier.as_str()),
                sources: self.push_words(&figure.sources),
            };
            let more = FigureMore {
                note: self.push_opt(figure.note.as_deref()),
                extra: self.push_extra(&figure.extra),
            };
            if !more.is_none() {
                self.more_of_figures.push(self.figures.len() as u32, more);
            }
            self.figures.push(row);
        }
        Run {
            start,
            len: figures.len() as u32,
        }
    }

    fn push_claims(&mut self, claims: &[ControlClaim]) -> Run {
        let start = self.claims.len() as u32;
        for claim in claims {
            let row = ClaimRow {
                when: PackedWhen::pack(claim.when),
                status: self.intern(claim.status.as_str()),
                sources: self.push_words(&claim.sources),
            };
            let more = ClaimMore {
                share_percent: claim.share_percent.unwrap_or(f64::NAN),
                qualifier: self.intern_opt(claim.qualifier.as_ref().map(Term::as_str)),
                actors: self.push_words(&claim.actors),
                note: self.push_opt(claim.note.as_deref()),
                extra: self.push_extra(&claim.extra),
            };
            if !more.is_none() {
                self.more_of_claims.push(self.claims.len() as u32, more);
            }
            self.claims.push(row);
        }
        Run {
            start,
            len: claims.len() as u32,
        }
    }

    fn push_shape(&mut self, geometry: Option<&Geometry<f64>>) -> Shape {
        match geometry {
            None => Shape::None,
            Some(Geometry::Point(point)) => {
                self.points.push(point.0);
                Shape::Point(self.points.len() as u32 - 1)
            }
            Some(other) => {
                self.other_shapes.push(other.clone());
                Shape::Other(self.other_shapes.len() as u32 - 1)
            }
        }
    }

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
        let id = self.push_text(&common.id);
        let name = self.push_opt(common.name.as_deref());
        let sources = self.push_words(&common.sources);
        let shape = self.push_shape(common.geometry.as_ref());
        if common.when_basis.is_some() || !common.extra.is_empty() || !common.foreign.is_empty() {
            let rare = Rare {
                when_basis: self.push_opt(common.when_basis.as_deref()),
                extra: self.push_extra(&common.extra),
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
                    from: self.intern(&movement.from),
                    to: self.intern(&movement.to),
                    movement_type: self.intern(movement.movement_type.as_str()),
                    status: self.intern(movement.status.as_str()),
                    figures: self.push_figures(&movement.figures),
                    to_assumed: movement.to_assumed,
                };
                let more = MovementMore {
                    also_from: self.push_words(&movement.also_from),
                    summary: self.push_opt(movement.summary.as_deref()),
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
                    place: self.intern_opt(event.place.as_deref()),
                    summary: self.push_opt(event.summary.as_deref()),
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

    /// Adds `other`'s features after these (stores built apart, on several cores, become one).
    pub fn append(&mut self, other: Store) {
        let text = self.arena.len() as u32;
        let words = self.words.len() as u32;
        let figures = self.figures.len() as u32;
        let claims = self.claims.len() as u32;
        let features = self.kinds.len() as u32;
        let points = self.points.len() as u32;
        let others = self.other_shapes.len() as u32;
        let rows = [
            self.places.len() as u32,
            self.movements.len() as u32,
            self.events.len() as u32,
            self.generics.len() as u32,
        ];
        self.arena.push_str(&other.arena);
        self.words
            .extend(other.words.iter().map(|t| t.shifted(text)));
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
        self.ids.extend(other.ids.iter().map(|t| t.shifted(text)));
        self.names
            .extend(other.names.iter().map(|t| t.shifted(text)));
        self.whens.extend(&other.whens);
        self.sources
            .extend(other.sources.iter().map(|r| r.shifted(words)));
        self.shapes.extend(other.shapes.iter().map(|shape| {
            PackedShape::pack(match shape.unpack() {
                Shape::None => Shape::None,
                Shape::Point(i) => Shape::Point(i + points),
                Shape::Other(i) => Shape::Other(i + others),
            })
        }));
        self.points.extend(&other.points);
        self.other_shapes.extend(other.other_shapes);
        self.places.extend(other.places.iter().map(|row| PlaceRow {
            place_type: row.place_type.shifted(text),
            geo_precision: row.geo_precision.shifted(text),
            control: row.control.shifted(claims),
        }));
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
            foreign: rare.foreign.shifted(text),
        });
        // Words of the two parts are no longer looked up together: building is over.
        self.interned = hashbrown::HashTable::new();
        self.interned_lists = hashbrown::HashTable::new();
    }

    /// Lets go of spare capacity and of the building-time word table.
    pub fn shrink(&mut self) {
        self.interned = hashbrown::HashTable::new();
        self.interned_lists = hashbrown::HashTable::new();
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

    /// Where the columns are: tells a store from one that replaced it.
    pub fn identity(&self) -> usize {
        self.kinds.as_ptr() as usize
    }

    pub fn kind(&self, index: usize) -> FeatureKind {
        self.kinds[index]
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
            extra: rare.map_or_else(Extra::new, |r| self.extra(r.extra)),
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

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("features", &self.len())
            .field("arena_bytes", &self.arena.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
