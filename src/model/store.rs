//! The features of a story in typed columns, not one struct of strings and lists per feature.
//!
//! Why: a million features as structs took over two kilobytes each. Here every text lives in one
//! arena (words that repeat, such as source ids, terms and place references, once per story),
//! dates take four bytes an end, figures and control claims are rows of flat tables, and what
//! few features have (unknown members, notes on how a date was found) sits in a sparse table, as
//! JSON text rather than a parsed tree. Readers that walk every feature (the map index, the time
//! filter, search) read the columns; a panel that shows one feature gets it back whole as a
//! [`Feature`].

use geo::{Coord, Geometry};
use serde_json::{Map, Value};

mod edit;
mod read;
mod rows;
mod write;

pub use rows::{EventParts, FigureParts, MovementParts};

use super::{ControlClaim, Extra, FeatureKind, Figure, PackedWhen, Term};

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
    /// Unknown members as a JSON object's text, where any is not a string.
    extra: Text,
    /// Unknown members that are all strings (an imported table's kept columns), as two lists:
    /// their names (a list most rows share) and, from `string_values` on, their values.
    string_names: Run,
    string_values: u32,
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
    /// While building: ids and summaries are kept once each too, as an imported table's repeat
    /// (an ACLED row's id is also one of its kept columns; its notes repeat across a conflict).
    intern_all: bool,
    /// While building: the columns of the table whose rows are pushed as events.
    columns_above: rows::ColumnsAbove,
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
    /// A store for a table's rows, where ids and summaries are kept once each like words.
    pub fn for_repeated_texts() -> Self {
        Self {
            intern_all: true,
            ..Self::default()
        }
    }

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
        // The arena stays under 4 GiB: `io::fits` refuses files whose text could pass it.
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

    /// A text that is a word in stores of repeated texts.
    fn push_repeated(&mut self, text: Option<&str>) -> Text {
        match self.intern_all {
            true => self.intern_opt(text),
            false => self.push_opt(text),
        }
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
    fn push_words<S: AsRef<str>>(&mut self, words: impl IntoIterator<Item = S>) -> Run {
        let start = self.words.len() as u32;
        for word in words {
            let text = self.intern(word.as_ref());
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

    /// Unknown members all of which are strings, as names and values in `words` (a name list
    /// most rows share is kept once); `None` when some are not strings.
    fn push_string_members(&mut self, extra: &Extra) -> Option<(Run, u32)> {
        if extra.is_empty() || !extra.iter().all(|(_, value)| value.is_string()) {
            return None;
        }
        let names = self.push_words(extra.iter().map(|(name, _)| name));
        let start = self.words.len() as u32;
        for (_, value) in extra.iter() {
            let text = self.intern(value.as_str().unwrap_or_default());
            self.words.push(text);
        }
        Some((names, start))
    }

    fn string_members(&self, names: Run, values: u32) -> Extra {
        let values = Run {
            start: values,
            len: names.len,
        };
        self.words(names)
            .zip(self.words(values))
            .map(|(name, value)| (name.to_owned(), Value::from(value)))
            .collect()
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
                // A table's notes repeat (a count's column header): kept once there.
                note: self.push_repeated(figure.note.as_deref()),
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
