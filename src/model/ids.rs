//! Features by the text of their id: a hash table of feature positions, each with where its
//! text is among the store's (a text compared there directly, not found through the feature's
//! kind and id first: three reads from far apart in memory, at ten million features, made
//! checking a story's references take seconds). Split by the hashes' top bits into one table
//! a core, each built on its own core: ten million ids registered one by one took most of a
//! second.

use super::FeatureKind;
use super::store::{self, Store, Text};

/// A feature's position, and where the text it is found by is.
type Entry = (u32, Text);

/// Fewer features than this a share are registered on one core.
const LEAST_PER_SHARE: usize = 100_000;

/// The features of a store by the text they are found by (see [`lookup_key`]).
#[derive(Clone, Default)]
pub(super) struct IdIndex {
    shares: Vec<hashbrown::HashTable<Entry>>,
}

/// The text a feature is found by: a generic feature's own GeoJSON id, any other's id.
pub(super) fn lookup_key(store: &Store, index: usize) -> Option<&str> {
    match store.kind(index) {
        FeatureKind::Generic => store.own_id(index),
        _ => Some(store.id(index)),
    }
}

/// Which of `count` shares a hash goes to: by its top bits, so that equal texts meet in one.
fn share_of(hash: u64, count: usize) -> usize {
    ((u128::from(hash) * count as u128) >> 64) as usize
}

impl IdIndex {
    /// Every feature of `store` that has a key. Where several have the same, the first finds
    /// it, but a place, movement or event before a generic feature.
    pub(super) fn of(store: &Store) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::in_shares(store, cores.min(store.len() / LEAST_PER_SHARE).max(1))
    }

    /// [`Self::of`] in `count` shares.
    fn in_shares(store: &Store, count: usize) -> Self {
        let len = store.len();
        if count == 1 {
            let keyed = (0..len).filter_map(|i| {
                let text = store.key_text(i)?;
                Some((store::hash(store.text_at(text)), (i as u32, text)))
            });
            return Self {
                shares: vec![share_of_keys(store, keyed, len)],
            };
        }
        // Each run of features hashed on a core, its keys sorted into the shares.
        let step = len.div_ceil(count);
        let runs: Vec<Vec<Vec<(u64, Entry)>>> = std::thread::scope(|scope| {
            let hashing: Vec<_> = (0..count)
                .map(|run| {
                    scope.spawn(move || {
                        let mut shares = vec![Vec::with_capacity(step / count + 1); count];
                        for i in run * step..((run + 1) * step).min(len) {
                            if let Some(text) = store.key_text(i) {
                                let hash = store::hash(store.text_at(text));
                                shares[share_of(hash, count)].push((hash, (i as u32, text)));
                            }
                        }
                        shares
                    })
                })
                .collect();
            hashing.into_iter().map(join).collect()
        });
        // Each share's table built on a core from its keys in file order.
        let runs = &runs;
        let shares = std::thread::scope(|scope| {
            let building: Vec<_> = (0..count)
                .map(|share| {
                    scope.spawn(move || {
                        let keyed = runs.iter().flat_map(|run| run[share].iter()).copied();
                        let size = runs.iter().map(|run| run[share].len()).sum();
                        share_of_keys(store, keyed, size)
                    })
                })
                .collect();
            building.into_iter().map(join).collect()
        });
        Self { shares }
    }

    /// The feature found by `id`.
    pub(super) fn find(&self, store: &Store, id: &str) -> Option<usize> {
        let hash = store::hash(id);
        let share = self.shares.get(share_of(hash, self.shares.len()))?;
        let found = share.find(hash, |&(_, text)| store.text_at(text) == id);
        found.map(|&(i, _)| i as usize)
    }
}

fn join<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// A table of the `keyed` features (each with its key's hash), in file order.
fn share_of_keys(
    store: &Store,
    keyed: impl Iterator<Item = (u64, Entry)>,
    size: usize,
) -> hashbrown::HashTable<Entry> {
    let mut by_id = hashbrown::HashTable::with_capacity(size);
    for (hash, (i, text)) in keyed {
        let key = store.text_at(text);
        let found = by_id.find_mut(hash, |&(_, other): &Entry| store.text_at(other) == key);
        match found {
            Some(owner) => {
                if store.kind(i as usize) != FeatureKind::Generic
                    && store.kind(owner.0 as usize) == FeatureKind::Generic
                {
                    *owner = (i, text);
                }
            }
            None => {
                by_id.insert_unique(hash, (i, text), |&(_, other): &Entry| {
                    store::hash(store.text_at(other))
                });
            }
        }
    }
    by_id
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Common, Feature, Generic, GeoJsonId, Place};

    fn place(id: &str) -> Feature {
        Feature::Place(Place {
            common: Common {
                id: id.to_owned(),
                ..Common::default()
            },
            ..Place::default()
        })
    }

    fn generic(id: &str) -> Feature {
        Feature::Generic(Generic {
            common: Common {
                id: id.to_owned(),
                ..Common::default()
            },
            own_id: Some(GeoJsonId::Text(id.to_owned())),
        })
    }

    /// Split into any number of shares, ids find the features one table finds: the first with
    /// an id, but a place before a generic feature with the same id.
    #[test]
    fn ids_find_the_same_features_in_any_number_of_shares() {
        let mut store = Store::default();
        for i in 0..3_000 {
            store.push(&place(&format!("p{i}")));
        }
        store.push(&generic("p7"));
        store.push(&generic("g1"));
        store.push(&place("g1"));
        store.push(&place("p9"));
        store.push(&generic("g2"));
        store.push(&generic("g2"));
        let expected = |id: &str| match id {
            "g1" => Some(3_002),
            "g2" => Some(3_004),
            id => id[1..].parse::<usize>().ok(),
        };
        for count in [1, 2, 3, 7] {
            let index = IdIndex::in_shares(&store, count);
            assert_eq!(index.shares.len(), count);
            for id in (0..3_000)
                .map(|i| format!("p{i}"))
                .chain(["g1".into(), "g2".into()])
            {
                assert_eq!(
                    index.find(&store, &id),
                    expected(&id),
                    "{id} in {count} shares"
                );
            }
            assert_eq!(index.find(&store, "p3000"), None);
        }
    }
}
