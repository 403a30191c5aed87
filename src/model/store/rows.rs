//! An event or a movement written into the columns from borrowed text, without making its
//! [`Event`] or [`Movement`] first: how an imported table's rows go in (a million ACLED rows
//! made a million trees of strings, most of whose words were already in the columns).

use super::{
    EventRow, FigureMore, FigureRow, MovementRow, PackedShape, PackedWhen, Rare, Run, Shape, Store,
    Text, text_of,
};
use crate::model::{
    Common, Event, EventType, Extra, FeatureKind, Figure, Measure, Movement, MovementStatus,
    MovementType, Qualifier, Term, When,
};

/// An event as borrowed text: what [`Store::push_event_parts`] writes.
pub struct EventParts<'a> {
    pub id: &'a str,
    pub name: Option<&'a str>,
    pub when: Option<When>,
    pub sources: &'a [String],
    /// Unknown members, all strings, in order (an imported table's kept columns).
    pub members: &'a [(&'a str, &'a str)],
    pub event_type: &'a Term<EventType>,
    pub place: &'a str,
    pub summary: Option<&'a str>,
    pub actors: &'a [&'a str],
    /// Counts, each citing the event's sources.
    pub figures: &'a [FigureParts<'a>],
}

impl EventParts<'_> {
    /// The event these parts make, as a reader of the whole feature gets it back.
    pub fn to_event(&self) -> Event {
        let sources = self.sources.to_vec();
        Event {
            common: Common {
                id: self.id.to_owned(),
                name: self.name.map(str::to_owned),
                when: self.when,
                when_basis: None,
                sources: sources.clone(),
                geometry: None,
                extra: self
                    .members
                    .iter()
                    .map(|(name, value)| ((*name).to_owned(), (*value).into()))
                    .collect(),
                foreign: Extra::new(),
            },
            event_type: self.event_type.clone(),
            place: Some(self.place.to_owned()),
            summary: self.summary.map(str::to_owned),
            actors: self.actors.iter().map(|a| (*a).to_owned()).collect(),
            figures: self
                .figures
                .iter()
                .map(|figure| figure.to_figure(&sources))
                .collect(),
        }
    }
}

/// A movement between two places as borrowed text, each figure citing the movement's sources:
/// what [`Store::push_movement_parts`] writes (a flow table's row, without a tree of its own).
pub struct MovementParts<'a> {
    pub id: &'a str,
    pub when: Option<When>,
    pub sources: &'a [String],
    pub from: &'a str,
    pub to: &'a str,
    pub movement_type: &'a Term<MovementType>,
    pub status: &'a Term<MovementStatus>,
    pub figures: &'a [FigureParts<'a>],
}

/// A figure of [`MovementParts`] or [`EventParts`], citing its feature's sources.
pub struct FigureParts<'a> {
    pub measure: &'a Term<Measure>,
    pub value: u64,
    pub qualifier: &'a Term<Qualifier>,
    pub note: Option<&'a str>,
}

impl FigureParts<'_> {
    fn to_figure(&self, sources: &[String]) -> Figure {
        Figure {
            measure: self.measure.clone(),
            value: self.value,
            qualifier: self.qualifier.clone(),
            sources: sources.to_vec(),
            note: self.note.map(str::to_owned),
            extra: Extra::new(),
        }
    }
}

impl Store {
    /// The figures of a row written from parts, each citing `sources`.
    fn push_figure_parts(&mut self, figures: &[FigureParts], sources: &[String]) -> Run {
        let run = Run {
            start: self.figures.len() as u32,
            len: figures.len() as u32,
        };
        for figure in figures {
            let row = FigureRow {
                value: figure.value,
                measure: self.intern(figure.measure.as_str()),
                qualifier: self.intern(figure.qualifier.as_str()),
                sources: self.push_words(sources),
            };
            let more = FigureMore {
                note: self.push_repeated(figure.note),
                extra: Text::NONE,
            };
            if !more.is_none() {
                self.more_of_figures.push(self.figures.len() as u32, more);
            }
            self.figures.push(row);
        }
        run
    }
}

impl MovementParts<'_> {
    /// The movement these parts make, as a reader of the whole feature gets it back.
    pub fn to_movement(&self) -> Movement {
        let sources = self.sources.to_vec();
        let figures = self.figures.iter().map(|figure| figure.to_figure(&sources));
        Movement {
            common: Common {
                id: self.id.to_owned(),
                when: self.when,
                sources: sources.clone(),
                ..Common::default()
            },
            from: self.from.to_owned(),
            also_from: Vec::new(),
            to: self.to.to_owned(),
            to_assumed: false,
            movement_type: self.movement_type.clone(),
            status: self.status.clone(),
            figures: figures.collect(),
            summary: None,
        }
    }
}

/// The columns of a table whose rows are pushed as events: each column's name with its cell in
/// the row above, and the list of names each set of columns makes. Rows have the same columns,
/// and many of their cells are the cell above: compared with that, they are not looked up
/// among all the story's texts.
#[derive(Clone, Default)]
pub(super) struct ColumnsAbove {
    columns: Vec<(Text, Text)>,
    /// The run of names of each set of columns (a bit a column).
    runs: hashbrown::HashMap<u64, Run, foldhash::fast::FixedState>,
    /// Where the last row's first column was found.
    cursor: usize,
}

impl Store {
    /// Pushes the values of a table row's `members` into `words`, each reusing the cell above
    /// where it is the same: the run of their names and where their values start.
    fn push_members(&mut self, members: &[(&str, &str)]) -> (Run, u32) {
        let values = self.words.len() as u32;
        let mut set = 0u64;
        let mut names = [Text::NONE; 64];
        for (at, (name, value)) in members.iter().enumerate() {
            let columns = &self.columns_above.columns;
            // Columns come in the same order row after row: looked for from the last one on.
            let start = self.columns_above.cursor;
            let found = (start..columns.len())
                .chain(0..start)
                .find(|&c| text_of(&self.arena, columns[c].0) == *name);
            let column = match found {
                Some(column) => column,
                None => {
                    let name = self.intern(name);
                    self.columns_above.columns.push((name, Text::NONE));
                    self.columns_above.columns.len() - 1
                }
            };
            self.columns_above.cursor = column + 1;
            let (name, above) = self.columns_above.columns[column];
            let text = if !above.is_none() && text_of(&self.arena, above) == *value {
                above
            } else {
                self.intern(value)
            };
            self.columns_above.columns[column].1 = text;
            self.words.push(text);
            if column < 64 && at < 64 {
                set |= 1 << column;
                names[at] = name;
            } else {
                set = u64::MAX;
            }
        }
        // The names once for each set of columns in an order.
        let cached = self.columns_above.runs.get(&set).copied().filter(|run| {
            set != u64::MAX
                && run.len as usize == members.len()
                && self.words[run.range()] == names[..members.len()]
        });
        let names = match cached {
            Some(names) => names,
            None => {
                let names = self.push_words(members.iter().map(|(name, _)| *name));
                self.columns_above.runs.insert(set, names);
                names
            }
        };
        (names, values)
    }

    /// Adds the movement `parts` make at the end, as [`Store::push`] adds
    /// [`MovementParts::to_movement`].
    pub fn push_movement_parts(&mut self, parts: &MovementParts) {
        let id = self.push_repeated(Some(parts.id));
        let sources = self.push_words(parts.sources);
        let figures = self.push_figure_parts(parts.figures, parts.sources);
        let row = MovementRow {
            from: self.push_repeated(Some(parts.from)),
            to: self.push_repeated(Some(parts.to)),
            movement_type: self.intern(parts.movement_type.as_str()),
            status: self.intern(parts.status.as_str()),
            figures,
            to_assumed: false,
        };
        self.movements.push(row);
        self.kinds.push(FeatureKind::Movement);
        self.rows.push(self.movements.len() as u32 - 1);
        self.ids.push(id);
        self.names.push(Text::NONE);
        self.whens.push(PackedWhen::pack(parts.when));
        self.sources.push(sources);
        self.shapes.push(PackedShape::pack(Shape::None));
    }

    /// Adds the event `parts` make at the end, as [`Store::push`] adds [`EventParts::to_event`].
    pub fn push_event_parts(&mut self, parts: &EventParts) {
        let index = self.kinds.len() as u32;
        let id = self.push_repeated(Some(parts.id));
        let name = self.intern_opt(parts.name);
        let sources = self.push_words(parts.sources);
        if !parts.members.is_empty() {
            let (names, values) = self.push_members(parts.members);
            let rare = Rare {
                when_basis: Text::NONE,
                extra: Text::NONE,
                string_names: names,
                string_values: values,
                foreign: Text::NONE,
            };
            self.rare.push(index, rare);
        }
        let figures = self.push_figure_parts(parts.figures, parts.sources);
        let row = EventRow {
            event_type: self.intern(parts.event_type.as_str()),
            place: self.intern(parts.place),
            summary: self.push_repeated(parts.summary),
            actors: self.push_words(parts.actors.iter().copied()),
            figures,
        };
        self.events.push(row);
        self.kinds.push(FeatureKind::Event);
        self.rows.push(self.events.len() as u32 - 1);
        self.ids.push(id);
        self.names.push(name);
        self.whens.push(PackedWhen::pack(parts.when));
        self.sources.push(sources);
        self.shapes.push(PackedShape::pack(Shape::None));
    }
}
