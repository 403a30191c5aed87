//! References between features and to sources: every id a place, movement or event uses is
//! registered once, and each reference is checked once everything is read.

use super::Loaded;
use super::checker::Checker;
use super::checker::{ReferenceTarget, Scope, stored_scope_id};
use crate::io::problem::{Location, Problem, Severity, quote};
use crate::model::{Dataset, FeatureKind, GeoJsonId, Store};

/// The first feature to use each id (a place, movement or event before any other), by the text
/// of the id in the columns.
#[derive(Default)]
pub(super) struct IdRegister {
    pub(super) first: hashbrown::HashTable<IdEntry>,
}

/// Whether two features of `store` may have the same id (`false`: surely none do). Each id's
/// hash is worked out on every core, and the hashes shared out by their top bits, so that each
/// core sorts and looks through a share of its own; equal neighbours are a repeat or, very
/// rarely, two ids that hash alike: either way the ids are then registered one by one.
pub(super) fn may_repeat_ids(store: &Store) -> bool {
    const LEAST: usize = 50_000;
    let len = store.len();
    let share_count = crate::io::pipeline::workers().min(len / LEAST).max(1);
    // Which share a hash goes to: its top bits, so that equal hashes meet in one.
    let share = |hash: u64| ((u128::from(hash) * share_count as u128) >> 64) as usize;
    let mut by_run = crate::io::pipeline::on_cores(len, LEAST, |range| {
        let mut shares: Vec<Vec<u64>> = (0..share_count)
            .map(|_| Vec::with_capacity(range.len() / share_count + 1))
            .collect();
        for position in range {
            if let Some(text) = stored_scope_id(store, position) {
                let hash =
                    crate::model::store::hash(text) ^ u64::from(store.own_id_is_number(position));
                shares[share(hash)].push(hash);
            }
        }
        shares
    });
    let shares: Vec<Vec<u64>> = (0..share_count)
        .map(|s| {
            by_run
                .iter_mut()
                .flat_map(|shares| std::mem::take(&mut shares[s]))
                .collect()
        })
        .collect();
    std::thread::scope(|scope| {
        let checking: Vec<_> = shares
            .into_iter()
            .map(|mut share| {
                scope.spawn(move || {
                    share.sort_unstable();
                    share.windows(2).any(|w| w[0] == w[1])
                })
            })
            .collect();
        // A worker that failed proves nothing: then the ids are registered one by one.
        checking
            .into_iter()
            .any(|worker| worker.join().unwrap_or(true))
    })
}

#[derive(Clone, Copy)]
pub(super) struct IdEntry {
    /// Where its id is in the columns.
    pub(super) position: u32,
    /// Its index in the file's features.
    pub(super) index: u32,
    pub(super) evacmap: bool,
}

/// What is wrong with a reference to the place `id`, if anything.
pub(super) fn place_problem(dataset: &Dataset, id: &str) -> Option<String> {
    match dataset.index_of(id).and_then(|i| dataset.kind(i)) {
        None => Some(format!("unknown place {}", quote(id))),
        Some(FeatureKind::Place) => None,
        Some(other) => Some(format!(
            "{} is a {}, not a place",
            quote(id),
            other.as_str()
        )),
    }
}

/// The references to places of features read the quick way (`(position, file index)`), checked
/// from the columns on every core, as the full reader would have noted them: a movement's origin
/// and destination, an event's place.
pub(super) fn quick_place_problems(dataset: &Dataset, quick: &[(u32, u32)]) -> Vec<Problem> {
    let check = |part: &[(u32, u32)]| {
        let store = dataset.store();
        let mut problems = Vec::new();
        for &(position, index) in part {
            let position = position as usize;
            let references = match store.movement_ends(position) {
                Some((from, to)) => [Some(("properties.from", from)), Some(("properties.to", to))],
                None => [
                    store.event_place(position).map(|p| ("properties.place", p)),
                    None,
                ],
            };
            for (path, id) in references.into_iter().flatten() {
                if let Some(message) = place_problem(dataset, id) {
                    problems.push(Problem {
                        severity: Severity::Error,
                        location: Location::Feature {
                            index: index as usize,
                            id: Some(store.id(position).to_owned()),
                            path: path.to_owned(),
                        },
                        message,
                    });
                }
            }
        }
        problems
    };
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per_worker = quick.len().div_ceil(workers).max(4096);
    std::thread::scope(|scope| {
        let running: Vec<_> = quick
            .chunks(per_worker)
            .map(|part| scope.spawn(move || check(part)))
            .collect();
        running
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}
impl Checker {
    /// Checks the references, puts the problems in file order (the top level first, then feature
    /// by feature) and gives the dataset, or every problem when one is an error.
    pub(super) fn finish(mut self, dataset: Dataset) -> Result<Loaded, Vec<Problem>> {
        log::debug!(
            "dataset made; {} references to check",
            self.references.len()
        );
        self.check_references(&dataset);
        self.check_chapters(&dataset);
        let quick = std::mem::take(&mut self.quick);
        self.problems.extend(quick_place_problems(&dataset, &quick));
        log::debug!("references checked");
        self.problems.sort_by_key(|p| match &p.location {
            Location::Text { line, .. }
            | Location::Line { line }
            | Location::Companion { line, .. } => (0, *line),
            Location::Document { .. } => (0, 0),
            Location::Feature { index, .. } => (1, *index),
        });
        if self.problems.iter().any(Problem::is_error) {
            return Err(self.problems);
        }
        Ok(Loaded {
            dataset,
            warnings: self.problems,
            stored: None,
        })
    }

    /// Places, movements and events need unique ids among themselves; any other sharing of an
    /// id is allowed by GeoJSON and only warned about.
    pub(super) fn register_id(
        &mut self,
        ids: &mut IdRegister,
        store: &Store,
        position: usize,
        index: usize,
        scope: impl FnOnce() -> Scope,
    ) {
        let Some(text) = stored_scope_id(store, position) else {
            return;
        };
        let is_number = store.own_id_is_number(position);
        let evacmap = store.kind(position) != FeatureKind::Generic;
        let same = |entry: &IdEntry| {
            let other = entry.position as usize;
            store.own_id_is_number(other) == is_number
                && stored_scope_id(store, other) == Some(text)
        };
        let hash = crate::model::store::hash(text);
        let Some(entry) = ids.first.find_mut(hash, same) else {
            let entry = IdEntry {
                position: position as u32,
                index: index as u32,
                evacmap,
            };
            ids.first.insert_unique(hash, entry, |entry| {
                crate::model::store::hash(
                    stored_scope_id(store, entry.position as usize).unwrap_or_default(),
                )
            });
            return;
        };
        let (first, first_is_evacmap) = (entry.index, entry.evacmap);
        if evacmap && !first_is_evacmap {
            *entry = IdEntry {
                position: position as u32,
                index: index as u32,
                evacmap,
            };
        }
        let id = match is_number.then(|| text.parse().ok()).flatten() {
            Some(number) => GeoJsonId::Number(number),
            None => GeoJsonId::Text(text.to_owned()),
        };
        self.scope = Some(scope());
        if evacmap && first_is_evacmap {
            self.error(
                "id".into(),
                format!(
                    "duplicate id {}: places, movements and events need unique ids (also used by \
                     features[{first}])",
                    quote(&id.text())
                ),
            );
            return;
        }
        let consequence = if evacmap || first_is_evacmap {
            "references to it mean the place, movement or event"
        } else {
            "looking it up finds the first one"
        };
        self.warning(
            "id".into(),
            format!(
                "id {} is also used by features[{first}]; GeoJSON allows it, but {consequence}",
                id.describe()
            ),
        );
    }

    pub(super) fn check_references(&mut self, dataset: &Dataset) {
        let sources: foldhash::HashSet<&str> =
            dataset.meta.sources.iter().map(|s| s.id.as_str()).collect();
        for reference in std::mem::take(&mut self.references) {
            let message = match reference.to {
                ReferenceTarget::Source if !sources.contains(reference.id.as_str()) => {
                    Some(format!(
                        "unknown source {}: sources are declared in the top-level \"evacmap\".\"sources\"",
                        quote(&reference.id)
                    ))
                }
                ReferenceTarget::Place => place_problem(dataset, &reference.id),
                ReferenceTarget::Source => None,
            };
            if let Some(message) = message {
                self.scope = Some(reference.scope);
                self.error(reference.path, message);
            }
        }
        self.scope = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On several cores and across their parts: no repeat in a generated story, and one
    /// feature's id given again at the end is found.
    #[test]
    fn repeated_ids_are_found_across_the_cores_parts() {
        let story = crate::generate::story(100_010, 2);
        let loaded = crate::io::geojson::parse_bytes(story.as_bytes(), "s").expect("a story");
        let store = loaded.dataset.store();
        assert!(!may_repeat_ids(store));
        let mut repeated = store.clone();
        repeated.push(&store.feature(3));
        assert!(may_repeat_ids(&repeated));
        // And the checker then says so, as always.
        let mut text = story.clone();
        let id = store.id(3).to_owned();
        let last = text.rfind("\"id\":\"").expect("an id") + 6;
        let end = last + text[last..].find('"').expect("its end");
        text.replace_range(last..end, &id);
        let problems = crate::io::geojson::parse_bytes(text.as_bytes(), "s").unwrap_err();
        assert!(problems.to_string().contains("duplicate id"), "{problems}");
    }
}
