//! An event written into the columns from borrowed text, without making its [`Event`] first:
//! how an imported table's rows go in (a million ACLED rows made a million trees of strings,
//! most of whose words were already in the columns).

use super::{EventRow, FigureRow, PackedShape, PackedWhen, Rare, Run, Shape, Store, Text};
use crate::model::{Common, Event, EventType, Extra, FeatureKind, Figure, Term, When};

/// An event as borrowed text: what [`Store::push_event_parts`] writes.
pub struct EventParts<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub when: Option<When>,
    pub sources: &'a [String],
    /// Unknown members, all strings, in order (an imported table's kept columns).
    pub members: &'a [(&'a str, &'a str)],
    pub event_type: &'a Term<EventType>,
    pub place: &'a str,
    pub summary: Option<&'a str>,
    pub actors: &'a [&'a str],
    /// Counts, each citing the event's sources.
    pub figures: &'a [(
        Term<crate::model::Measure>,
        u64,
        Term<crate::model::Qualifier>,
    )],
}

impl EventParts<'_> {
    /// The event these parts make, as a reader of the whole feature gets it back.
    pub fn to_event(&self) -> Event {
        let sources = self.sources.to_vec();
        Event {
            common: Common {
                id: self.id.to_owned(),
                name: Some(self.name.to_owned()),
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
                .map(|(measure, value, qualifier)| Figure {
                    measure: measure.clone(),
                    value: *value,
                    qualifier: qualifier.clone(),
                    sources: sources.clone(),
                    note: None,
                    extra: Extra::new(),
                })
                .collect(),
        }
    }
}

impl Store {
    /// Adds the event `parts` make at the end, as [`Store::push`] adds [`EventParts::to_event`].
    pub fn push_event_parts(&mut self, parts: &EventParts) {
        let index = self.kinds.len() as u32;
        let id = self.push_repeated(Some(parts.id));
        let name = self.intern(parts.name);
        let sources = self.push_words(parts.sources);
        if !parts.members.is_empty() {
            let names = self.push_words(parts.members.iter().map(|(name, _)| *name));
            let values = self.words.len() as u32;
            for (_, value) in parts.members {
                let text = self.intern(value);
                self.words.push(text);
            }
            let rare = Rare {
                when_basis: Text::NONE,
                extra: Text::NONE,
                string_names: names,
                string_values: values,
                foreign: Text::NONE,
            };
            self.rare.push(index, rare);
        }
        let figures = Run {
            start: self.figures.len() as u32,
            len: parts.figures.len() as u32,
        };
        for (measure, value, qualifier) in parts.figures {
            let row = FigureRow {
                value: *value,
                measure: self.intern(measure.as_str()),
                qualifier: self.intern(qualifier.as_str()),
                sources: self.push_words(parts.sources),
            };
            self.figures.push(row);
        }
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
