use crate::model::Feature;
use crate::model::store::Store;
use crate::model::store::tests::Random;

fn store_of(features: &[Feature]) -> Store {
    let mut store = Store::default();
    for feature in features {
        store.push(feature);
    }
    store.shrink();
    store
}

fn all(store: &Store) -> Vec<Feature> {
    (0..store.len()).map(|i| store.feature(i)).collect()
}

#[test]
fn replacing_inserting_and_removing_keep_every_other_feature_as_it_was() {
    for seed in 1..40 {
        let mut random = Random(crate::generate::Dice(seed));
        let mut expected: Vec<Feature> = (0..12).map(|n| random.feature(n)).collect();
        let mut store = store_of(&expected);
        for step in 0..30 {
            let at = random.below(expected.len() as u64 + 1) as usize;
            let fresh = random.feature(100 + step);
            match random.below(3) {
                0 if at < expected.len() => {
                    store.replace(at, &fresh);
                    expected[at] = fresh;
                }
                1 => {
                    store.insert(at, &fresh);
                    expected.insert(at, fresh);
                }
                _ if at < expected.len() => {
                    store.remove(at);
                    expected.remove(at);
                }
                _ => {}
            }
            assert_eq!(all(&store), expected, "seed {seed}, step {step}");
        }
    }
}
