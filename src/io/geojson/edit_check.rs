//! The loader's own rules applied to one edit before it is made: a form shows their problems
//! beside its fields, and what the loader would refuse cannot be saved.

use super::checker::Checker;
use crate::io::problem::{Location, Problem, Severity, quote};
use crate::model::{Dataset, Feature, FeatureIndex, Source, StoryMeta};

/// The problems the loader would find in `feature` at `at` (`None`: a feature being added) in
/// `dataset`: its members, its references to places and sources, and its id among the others'.
/// Each problem's path names the member (`properties.figures[1].sources`).
pub fn check_feature(
    dataset: &Dataset,
    feature: &Feature,
    at: Option<FeatureIndex>,
) -> Vec<Problem> {
    let value = crate::io::write::feature_to_json(feature);
    let index = at.map_or(dataset.len(), |at| at.0);
    let mut checker = Checker::default();
    // The problems are the point; the feature read from its JSON is the one given.
    let _ = checker.read_item(index, &value);
    checker.check_references(dataset);
    let mut problems = checker.problems;
    let id = feature.id();
    let evacmap = !matches!(feature, Feature::Generic(_));
    if evacmap && let Some(other) = dataset.index_of(id).filter(|&other| Some(other) != at) {
        problems.push(Problem {
            severity: Severity::Error,
            location: Location::Feature {
                index,
                id: Some(id.to_owned()),
                path: "id".into(),
            },
            message: format!(
                "duplicate id {}: places, movements and events need unique ids (also used by \
                 features[{}])",
                quote(id),
                other.0
            ),
        });
    }
    problems
}

/// The problems the loader would find in the story's sources as `sources`.
pub fn check_sources(meta: &StoryMeta, sources: &[Source]) -> Vec<Problem> {
    let meta = StoryMeta {
        sources: sources.to_vec(),
        ..meta.clone()
    };
    let mut checker = Checker::default();
    // As for features: the problems are what is wanted.
    let _ = checker.read_meta(&crate::io::write::meta_to_json(&meta));
    checker.problems
}

/// A feature from its JSON as evacmap writes it (a journal's), read by the loader's rules;
/// `None` when those find an error in it. References to places and sources are not checked:
/// that is for the story it goes into.
pub fn feature_from_json(value: &serde_json::Value) -> Option<Feature> {
    let mut checker = Checker::default();
    let feature = checker.read_item(0, value)?;
    (!checker.problems.iter().any(Problem::is_error)).then_some(feature)
}

/// The sources of a story's member (`"evacmap"`) in JSON as evacmap writes it.
pub fn sources_from_json(value: &serde_json::Value) -> Option<Vec<Source>> {
    let mut checker = Checker::default();
    let meta = checker.read_meta(value);
    (!checker.problems.iter().any(Problem::is_error)).then_some(meta.sources)
}

/// The chapters of a story's member (`"evacmap"`) in JSON as evacmap writes it.
pub fn chapters_from_json(value: &serde_json::Value) -> Option<Vec<crate::model::Chapter>> {
    let mut checker = Checker::default();
    let meta = checker.read_meta(value);
    (!checker.problems.iter().any(Problem::is_error)).then_some(meta.chapters)
}

/// The features that cite source `id`, by index: a source still cited cannot be deleted.
pub fn citing_features(dataset: &Dataset, id: &str) -> Vec<FeatureIndex> {
    let store = dataset.store();
    (0..dataset.len())
        .filter(|&i| {
            store.cited_sources(i).any(|s| s == id)
                || store.figure_sources(i).any(|s| s == id)
                || store.claim_sources(i).any(|s| s == id)
        })
        .map(FeatureIndex)
        .collect()
}

#[cfg(test)]
#[path = "edit_check_tests.rs"]
mod tests;
