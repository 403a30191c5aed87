//! Finding items by the words in them, whatever the spelling (see [`names::fold`]).
//!
//! Each feature's own words are folded once, all into one string. The words of the places and
//! sources a feature names are not copied into its text but looked up when a search runs: a
//! million movements between a few hundred thousand places carried those places' names a
//! million times (94 MB of search text for a million features; now about a third of that).

use std::sync::Arc;

use crate::model::store::Store;
use crate::model::vocab::{MovementType, Term};
use crate::model::{Dataset, FeatureIndex, FeatureKind, names};

/// The folded words every feature is searched by.
pub struct SearchTexts {
    dataset: Arc<Dataset>,
    /// Each feature's own words: its name (or what it is, when it has none), id, summary,
    /// actors, a place's every spelling, and the ids of places it names that the story lacks.
    own: Haystacks,
    /// The sets of sources features cite (ids, and names where declared), each folded once.
    source_sets: Vec<String>,
    /// Each feature's set in `source_sets`.
    source_set_of: Vec<u32>,
    /// The places each feature names (a movement's ends, an event's place), as feature
    /// indices, all in one list: looking each up by its id at every search took most of a
    /// second for a million features.
    named: Vec<u32>,
    /// Where each feature's places start in `named`; one more at the end.
    named_starts: Vec<u32>,
}

impl Default for SearchTexts {
    fn default() -> Self {
        Self {
            dataset: Arc::new(Dataset::default()),
            own: Haystacks::default(),
            source_sets: Vec::new(),
            source_set_of: Vec::new(),
            named: Vec::new(),
            named_starts: vec![0],
        }
    }
}

impl std::fmt::Debug for SearchTexts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SearchTexts({} features)", self.source_set_of.len())
    }
}

/// Strings in one string, with where each ends: a million `String`s cost forty bytes each
/// besides their text.
#[derive(Debug, Default)]
struct Haystacks {
    text: String,
    ends: Vec<u32>,
}

impl Haystacks {
    fn push(&mut self, haystack: &str) {
        self.text.push_str(haystack);
        self.ends.push(self.text.len() as u32);
    }

    fn get(&self, index: usize) -> &str {
        let end = self.ends.get(index).map_or(0, |&end| end as usize);
        let start = match index.checked_sub(1) {
            Some(before) => self.ends.get(before).map_or(0, |&end| end as usize),
            None => 0,
        };
        self.text.get(start..end).unwrap_or_default()
    }
}

impl SearchTexts {
    pub fn new(dataset: Arc<Dataset>) -> Self {
        let started = std::time::Instant::now();
        let store = dataset.store();
        // A place named in a text is found by any of its spellings too. Only places with other
        // spellings (an Arabic name, variants) add anything.
        let spellings: Vec<(String, String)> = (0..dataset.len())
            .filter(|&i| store.kind(i) == FeatureKind::Place)
            .filter(|&i| store.name_ar(i).is_some() || store.name_variants(i).next().is_some())
            .filter_map(|i| {
                let name = names::fold(store.name(i)?);
                (!name.is_empty()).then(|| (name, place_spellings(&dataset, i)))
            })
            .collect();
        let with_spellings = |mut text: String| {
            for (name, spellings) in &spellings {
                if contains_word(&text, name) && !text.contains(spellings.as_str()) {
                    text.push(' ');
                    text.push_str(spellings);
                }
            }
            text
        };
        let mut own = Haystacks::default();
        own.ends.reserve_exact(dataset.len());
        let mut set_numbers: foldhash::HashMap<String, u32> = Default::default();
        let mut source_sets = Vec::new();
        let mut source_set_of = Vec::with_capacity(dataset.len());
        let mut named = Vec::with_capacity(dataset.len());
        let mut named_starts = Vec::with_capacity(dataset.len() + 1);
        named_starts.push(0);
        for index in 0..dataset.len() {
            named.extend(
                place_ids(store, index)
                    .filter_map(|id| dataset.place_index(id))
                    .map(|i| i.0 as u32),
            );
            named_starts.push(named.len() as u32);
            own.push(&with_spellings(own_words(&dataset, index)));
            let cited: Vec<&str> = store.cited_sources(index).collect();
            let figures: Vec<&str> = store.figure_sources(index).collect();
            let key = format!("{}\u{0}{}", cited.join("\u{1}"), figures.join("\u{1}"));
            let number = *set_numbers.entry(key).or_insert_with(|| {
                let mut parts: Vec<String> = figures.iter().map(|&id| id.to_owned()).collect();
                for &id in &cited {
                    parts.push(id.to_owned());
                    parts.extend(dataset.source(id).map(|s| s.name.clone()));
                }
                source_sets.push(with_spellings(names::fold(&parts.join(" "))));
                source_sets.len() as u32 - 1
            });
            source_set_of.push(number);
        }
        own.text.shrink_to_fit();
        if dataset.len() >= 10_000 {
            log::info!(
                "search texts: {} MB for {} features ({} sets of sources) in {} ms",
                (own.text.len()
                    + own.ends.len() * 4
                    + source_set_of.len() * 4
                    + named.len() * 4
                    + named_starts.len() * 4)
                    / 1_000_000,
                dataset.len(),
                source_sets.len(),
                started.elapsed().as_millis()
            );
        }
        named.shrink_to_fit();
        Self {
            dataset,
            own,
            source_sets,
            source_set_of,
            named,
            named_starts,
        }
    }

    /// A search for every word of `query`.
    pub fn search(&self, query: &str) -> Search<'_> {
        let query = names::Query::new(query);
        let store = self.dataset.store();
        let words = query
            .words()
            .iter()
            .map(|word| {
                let mut in_places = vec![0u64; self.dataset.len().div_ceil(64)];
                for index in
                    (0..self.dataset.len()).filter(|&i| store.kind(i) == FeatureKind::Place)
                {
                    if self.own.get(index).contains(word.as_str()) {
                        in_places[index / 64] |= 1 << (index % 64);
                    }
                }
                Word {
                    in_source_sets: self
                        .source_sets
                        .iter()
                        .map(|set| set.contains(word.as_str()))
                        .collect(),
                    in_places,
                    text: word.clone(),
                }
            })
            .collect();
        Search {
            texts: Some(self),
            words,
        }
    }

    /// The places a feature names (a movement's ends, an event's place), where the story has
    /// them.
    fn places_named(&self, index: usize) -> &[u32] {
        match (
            self.named_starts.get(index),
            self.named_starts.get(index + 1),
        ) {
            (Some(&start), Some(&end)) => &self.named[start as usize..end as usize],
            _ => &[],
        }
    }
}

/// A search, with what each of its words is found in worked out once.
pub struct Search<'a> {
    /// `None` for a search of no words, which needs no texts.
    texts: Option<&'a SearchTexts>,
    words: Vec<Word>,
}

impl Search<'_> {
    /// The search of no words: it matches everything.
    pub fn everything() -> Self {
        Self {
            texts: None,
            words: Vec::new(),
        }
    }
}

struct Word {
    text: String,
    /// Whether each set of sources has the word.
    in_source_sets: Vec<bool>,
    /// Which places (by feature index, one bit each) have the word.
    in_places: Vec<u64>,
}

impl Search<'_> {
    /// No words: everything matches.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Whether the feature at `index`, its sources or its places have every word.
    pub fn matches(&self, index: FeatureIndex) -> bool {
        let Some(texts) = self.texts else {
            return true;
        };
        let Some(&set) = texts.source_set_of.get(index.0) else {
            return self.is_empty();
        };
        let own = texts.own.get(index.0);
        self.words.iter().all(|word| {
            own.contains(word.text.as_str())
                || word
                    .in_source_sets
                    .get(set as usize)
                    .copied()
                    .unwrap_or(false)
                || texts.places_named(index.0).iter().any(|&p| {
                    let p = p as usize;
                    word.in_places[p / 64] & (1 << (p % 64)) != 0
                })
        })
    }
}

/// A feature's own words, folded.
fn own_words(dataset: &Dataset, index: usize) -> String {
    let store = dataset.store();
    let mut parts: Vec<String> = Vec::new();
    match (store.name(index), store.kind(index)) {
        (Some(name), _) => parts.push(name.to_owned()),
        (None, FeatureKind::Event) => parts.push(dataset.display_name_at(FeatureIndex(index))),
        (None, FeatureKind::Movement) => {
            let movement_type = store.movement_type(index).unwrap_or_default();
            parts.push(Term::<MovementType>::parse(movement_type).label());
            // "Evacuation A and B → C"
            if store.movement_origins(index).nth(1).is_some() {
                parts.push("and".to_owned());
            }
        }
        (None, _) => {}
    }
    parts.push(store.id(index).to_owned());
    parts.extend(store.summary(index).map(str::to_owned));
    parts.extend(store.actors(index).map(str::to_owned));
    // Places the story lacks are found by the ids that name them.
    parts.extend(
        place_ids(store, index)
            .filter(|id| dataset.place_index(id).is_none())
            .map(str::to_owned),
    );
    let mut text = names::fold(&parts.join(" "));
    if store.kind(index) == FeatureKind::Place {
        text.push(' ');
        text.push_str(&place_spellings(dataset, index));
    }
    text
}

/// The ids of the places a feature names: a movement's origins and destination, an event's
/// place.
fn place_ids(store: &Store, index: usize) -> impl Iterator<Item = &str> {
    let destination = store.movement_ends(index).map(|(_, to)| to);
    store
        .movement_origins(index)
        .chain(destination)
        .chain(store.event_place(index))
}

/// Every spelling of a place, folded.
fn place_spellings(dataset: &Dataset, index: usize) -> String {
    let store = dataset.store();
    let mut text = String::new();
    let names = store
        .name(index)
        .into_iter()
        .chain(store.name_ar(index))
        .chain(store.name_variants(index));
    for name in names {
        text.push_str(&names::fold(name));
        text.push(' ');
    }
    text
}

/// Whether `words` (folded, space-separated) has `phrase` at word boundaries.
fn contains_word(words: &str, phrase: &str) -> bool {
    words.match_indices(phrase).any(|(at, _)| {
        let before = words.get(..at).and_then(|t| t.chars().next_back());
        let after = words
            .get(at + phrase.len()..)
            .and_then(|t| t.chars().next());
        before.is_none_or(|c| c == ' ') && after.is_none_or(|c| c == ' ')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Feature;

    fn generated(count: usize) -> Arc<Dataset> {
        let text = crate::generate::story(count, 3);
        Arc::new(
            crate::io::parse_bytes(text.as_bytes(), "g")
                .unwrap()
                .dataset,
        )
    }

    /// Every feature is found by each word of its name, of its places' names and of its
    /// sources' names, and by its id; a word it has nowhere does not find it.
    #[test]
    fn a_feature_is_found_by_its_own_its_places_and_its_sources_words() {
        let dataset = generated(600);
        let texts = SearchTexts::new(dataset.clone());
        for (index, feature) in dataset.indexed() {
            let mut words = vec![feature.id().to_owned(), dataset.display_name(&feature)];
            let places: Vec<String> = match &feature {
                Feature::Movement(m) => vec![m.from.clone(), m.to.clone()],
                Feature::Event(e) => e.place.iter().cloned().collect(),
                _ => Vec::new(),
            };
            words.extend(places.iter().map(|id| dataset.place_name(id)));
            for id in &feature.common().sources {
                words.extend(dataset.source(id).map(|s| s.name.clone()));
            }
            for phrase in &words {
                for word in phrase.split_whitespace().filter(|w| w.len() > 1) {
                    assert!(
                        texts.search(word).matches(index),
                        "{} not found by {word:?} (of {phrase:?})",
                        feature.id()
                    );
                }
            }
            let whole = words.join(" ");
            assert!(texts.search(&whole).matches(index), "{whole}");
            assert!(!texts.search(&format!("{whole} zzzq")).matches(index));
        }
    }

    #[test]
    fn arabic_spellings_and_places_the_story_lacks_are_found() {
        let text = r#"{"type":"FeatureCollection",
          "evacmap":{"version":1,"sources":{"s":{"name":"Syria Monitor","kind":"monitor"}}},
          "features":[
          {"type":"Feature","id":"q","geometry":{"type":"Point","coordinates":[36.3,33.5]},
           "properties":{"kind":"place","name":"Qaboun","name_ar":"القابون","name_variants":["Kaboun"]}},
          {"type":"Feature","id":"i","geometry":{"type":"Point","coordinates":[36.6,35.9]},
           "properties":{"kind":"place","name":"Idlib"}},
          {"type":"Feature","id":"m","geometry":null,"properties":{"kind":"movement","from":"q","to":"i","movement_type":"evacuation","status":"completed","sources":["s"]}},
          {"type":"Feature","id":"n","geometry":null,"properties":{"kind":"movement","from":"i","to":"i2","movement_type":"displacement","status":"completed","sources":["s"]}},
          {"type":"Feature","id":"e","geometry":{"type":"Point","coordinates":[36.3,33.5]},"properties":{"kind":"event","event_type":"clashes","summary":"Clashes near Qaboun","sources":["s"]}},
          {"type":"Feature","id":"i2","geometry":{"type":"Point","coordinates":[36.6,35.9]},
           "properties":{"kind":"place","name":"Other"}}
        ]}"#;
        let loaded = crate::io::parse_bytes(text.as_bytes(), "t")
            .unwrap()
            .dataset;
        // A movement from a place the story lacks (as a layer may name one of another's).
        let mut features: Vec<Feature> = loaded.features().collect();
        if let Feature::Movement(n) = &mut features[3] {
            n.from = "nowhere".to_owned();
        }
        features.pop();
        let dataset = Arc::new(Dataset::new(
            loaded.meta.clone(),
            features,
            Default::default(),
        ));
        let texts = SearchTexts::new(dataset.clone());
        let found = |query: &str| -> Vec<String> {
            let search = texts.search(query);
            (0..dataset.len())
                .map(FeatureIndex)
                .filter(|&i| search.matches(i))
                .map(|i| dataset.store().id(i.0).to_owned())
                .collect()
        };
        assert_eq!(found("قابون"), ["q", "m", "e"]);
        assert_eq!(found("kaboun evacuation"), ["m"]);
        assert_eq!(found("idlib"), ["i", "m"]);
        assert_eq!(found("nowhere"), ["n"]);
        assert_eq!(found("displacement i2"), ["n"]);
        assert_eq!(found("clashes"), ["e"]);
        assert_eq!(found("monitor evacuation"), ["m"]);
        assert_eq!(found(""), ["q", "i", "m", "n", "e"]);
    }
}
