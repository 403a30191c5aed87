use super::*;
use crate::model::{
    Common, ControlClaim, Event, Extra, Feature, Figure, Generic, GeoJsonId, Movement, Place, Term,
    When,
};
use geo::{Geometry, Point};
use geo::{LineString, Polygon};
use serde_json::json;

/// Random features from the generator's dice, so that a failure repeats.
pub(super) struct Random(pub(super) crate::generate::Dice);

impl Random {
    fn next(&mut self) -> u64 {
        self.0.next()
    }

    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.0.below(n)
    }

    fn chance(&mut self) -> bool {
        self.below(2) == 0
    }

    /// Texts of every length class: empty, short, just below and above the one-byte
    /// length, long, and not only ASCII.
    fn text(&mut self) -> String {
        let len = match self.below(6) {
            0 => 0,
            1 => 1 + self.below(10) as usize,
            2 => 126,
            3 => 127,
            4 => 128 + self.below(300) as usize,
            _ => 20_000,
        };
        let pieces = ["a", "Q", " ", "é", "ق", "🚌", "\"", "\\", "\n"];
        let mut text = String::new();
        while text.len() < len {
            text.push_str(pieces[self.below(pieces.len() as u64) as usize]);
        }
        text
    }

    fn opt_text(&mut self) -> Option<String> {
        self.chance().then(|| self.text())
    }

    fn words(&mut self) -> Vec<String> {
        (0..self.below(4)).map(|_| self.text()).collect()
    }

    fn extra(&mut self) -> Extra {
        match self.below(3) {
            0 => Extra::new(),
            1 => [("note".to_owned(), json!(self.text()))]
                .into_iter()
                .collect(),
            _ => [
                (
                    "nested".to_owned(),
                    json!({"a": [1, 2.5, null, true], "b": {}}),
                ),
                ("big".to_owned(), json!(9_007_199_254_740_993u64)),
                ("z".to_owned(), json!(-0.1)),
            ]
            .into_iter()
            .collect(),
        }
    }

    fn when(&mut self) -> Option<When> {
        let texts = [
            "2017-05-12",
            "2014",
            "2013-03",
            "2012/2014-06-01",
            "../2020",
            "2001/..",
        ];
        match self.below(4) {
            0 => None,
            _ => When::parse(texts[self.below(texts.len() as u64) as usize]).ok(),
        }
    }

    fn geometry(&mut self) -> Option<Geometry<f64>> {
        let x = self.below(360) as f64 - 180.0 + 0.123456789;
        match self.below(4) {
            0 => None,
            1 | 2 => Some(Geometry::Point(Point::new(x, 33.5))),
            _ => Some(Geometry::Polygon(Polygon::new(
                LineString::from(vec![(x, 1.0), (x + 1.0, 1.0), (x, 2.0), (x, 1.0)]),
                vec![],
            ))),
        }
    }

    fn term<T: crate::model::Vocabulary>(&mut self) -> Term<T> {
        match self.chance() {
            true => Term::Known(T::ALL[self.below(T::ALL.len() as u64) as usize]),
            false => Term::Unknown(format!("made-up {}", self.below(5))),
        }
    }

    fn figures(&mut self) -> Vec<Figure> {
        (0..self.below(3))
            .map(|_| Figure {
                measure: self.term(),
                value: self.next() >> 11,
                qualifier: self.term(),
                sources: self.words(),
                note: self.opt_text(),
                extra: self.extra(),
            })
            .collect()
    }

    fn common(&mut self, n: usize) -> Common {
        Common {
            id: format!("f{n}-{}", self.text()),
            name: self.opt_text(),
            when: self.when(),
            when_basis: self.opt_text(),
            sources: self.words(),
            geometry: self.geometry(),
            extra: self.extra(),
            foreign: self.extra(),
        }
    }

    pub(super) fn feature(&mut self, n: usize) -> Feature {
        let common = self.common(n);
        match self.below(4) {
            0 => Feature::Place(Place {
                common,
                name_ar: self.opt_text(),
                name_variants: self.words(),
                place_type: self.chance().then(|| self.term()),
                admin1: self.opt_text(),
                geo_precision: self.chance().then(|| self.term()),
                description: self.opt_text(),
                control: (0..self.below(3))
                    .map(|_| ControlClaim {
                        when: self.when(),
                        status: self.term(),
                        share_percent: self.chance().then(|| self.below(1000) as f64 / 7.0),
                        qualifier: self.chance().then(|| self.term()),
                        actors: self.words(),
                        sources: self.words(),
                        note: self.opt_text(),
                        extra: self.extra(),
                    })
                    .collect(),
            }),
            1 => Feature::Movement(Movement {
                common,
                from: self.text(),
                also_from: self.words(),
                to: self.text(),
                to_assumed: self.chance(),
                movement_type: self.term(),
                status: self.term(),
                figures: self.figures(),
                summary: self.opt_text(),
            }),
            2 => Feature::Event(Event {
                common,
                event_type: self.term(),
                place: self.opt_text(),
                summary: self.opt_text(),
                actors: self.words(),
                figures: self.figures(),
            }),
            _ => Feature::Generic(Generic {
                common,
                own_id: match self.below(3) {
                    0 => None,
                    1 => Some(GeoJsonId::Text(self.text())),
                    _ => Some(GeoJsonId::Number(serde_json::Number::from(
                        self.next() >> 12,
                    ))),
                },
            }),
        }
    }
}

#[test]
fn any_feature_comes_back_out_of_the_columns_as_it_went_in() {
    for seed in 1..=20u64 {
        let mut random = Random(crate::generate::Dice(seed));
        let features: Vec<Feature> = (0..40).map(|n| random.feature(n)).collect();
        let mut store = Store::default();
        features.iter().for_each(|f| store.push(f));
        assert_eq!(store.len(), features.len());
        for (i, feature) in features.iter().enumerate() {
            assert_eq!(&store.feature(i), feature, "seed {seed}, feature {i}");
            assert_eq!(store.id(i), feature.id());
            assert_eq!(store.kind(i), feature.kind());
            assert_eq!(store.when(i), feature.when());
            assert_eq!(store.name(i), feature.common().name.as_deref());
        }
        // Joined from two stores built apart, at a cut that moves with the seed.
        let cut = seed as usize % features.len();
        let mut first = Store::default();
        features[..cut].iter().for_each(|f| first.push(f));
        let mut second = Store::default();
        features[cut..].iter().for_each(|f| second.push(f));
        first.append(second);
        for (i, feature) in features.iter().enumerate() {
            assert_eq!(
                &first.feature(i),
                feature,
                "seed {seed}, joined, feature {i}"
            );
        }
    }
}

#[test]
fn a_word_used_again_is_stored_once() {
    let mut store = Store::default();
    let first = store.intern("monitor");
    let arena = store.arena.len();
    assert_eq!(store.intern("monitor"), first);
    assert_eq!(store.arena.len(), arena);
    assert_ne!(store.intern("agency"), first);
}

#[test]
fn a_date_takes_four_bytes_an_end() {
    assert_eq!(std::mem::size_of::<Option<When>>(), 12);
    assert_eq!(std::mem::size_of::<Text>(), 4);
    assert_eq!(std::mem::size_of::<PackedShape>(), 4);
    // What most rows lack is in the sparse tables beside them.
    assert_eq!(std::mem::size_of::<PlaceRow>(), 16);
    assert_eq!(std::mem::size_of::<MovementRow>(), 28);
    assert_eq!(std::mem::size_of::<FigureRow>(), 24);
    assert_eq!(std::mem::size_of::<ClaimRow>(), 20);
}

/// A table's rows written from borrowed parts come back as the features the parts make, in a
/// store that keeps repeated texts once and in one that does not; an event's columns are
/// reused from the row above only where the cell is the same.
#[test]
fn rows_written_from_parts_come_back_as_their_features() {
    use crate::model::{
        EventParts, EventType, FigureParts, Measure, MovementParts, MovementStatus, MovementType,
        Qualifier,
    };
    for mut store in [Store::default(), Store::for_repeated_texts()] {
        let sources = vec!["unhcr".to_owned(), "iom".to_owned()];
        let refugees = Term::Known(Measure::Refugees);
        let exact = Term::Known(Qualifier::Exact);
        let figures = [
            FigureParts {
                measure: &refugees,
                value: 12,
                qualifier: &exact,
                note: Some("Refugees under UNHCR's mandate"),
            },
            FigureParts {
                measure: &Term::Unknown("tents counted".into()),
                value: 3,
                qualifier: &exact,
                note: None,
            },
        ];
        let movement = MovementParts {
            id: "flow-2",
            when: None,
            sources: &sources,
            from: "country-SYR",
            to: "country-LBN",
            movement_type: &Term::Known(MovementType::Displacement),
            status: &Term::Known(MovementStatus::Reported),
            figures: &figures,
        };
        store.push_movement_parts(&movement);
        store.push_movement_parts(&movement);
        let event_type = Term::Known(EventType::Clashes);
        let rows = [
            [("country", "Syria"), ("admin2", "Afrin"), ("tags", "")],
            [("country", "Syria"), ("admin2", "Azaz"), ("tags", "x")],
            [("country", "Syria"), ("admin2", "Azaz"), ("tags", "")],
        ];
        let mut events = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let members: Vec<(&str, &str)> =
                row.iter().copied().filter(|(_, v)| !v.is_empty()).collect();
            let id = format!("e{i}");
            let parts = EventParts {
                id: &id,
                name: Some("Clash"),
                when: None,
                sources: &sources,
                members: &members,
                event_type: &event_type,
                place: "place-1",
                summary: None,
                actors: &["A", "B"],
                figures: &[],
            };
            store.push_event_parts(&parts);
            events.push(Feature::Event(parts.to_event()));
        }
        let expected = Feature::Movement(movement.to_movement());
        assert_eq!(store.feature(0), expected);
        assert_eq!(store.feature(1), expected);
        for (i, event) in events.into_iter().enumerate() {
            assert_eq!(store.feature(2 + i), event);
        }
    }
}
