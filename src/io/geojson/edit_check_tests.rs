use super::*;
use crate::model::{Feature, FeatureIndex};

fn bundled() -> Dataset {
    crate::io::parse_bytes(crate::BUNDLED_STORY.as_bytes(), "story")
        .map(|loaded| loaded.dataset)
        .unwrap_or_default()
}

fn paths(problems: &[Problem]) -> Vec<String> {
    problems
        .iter()
        .filter(|p| p.is_error())
        .map(|p| match &p.location {
            Location::Feature { path, .. } | Location::Document { path } => path.clone(),
            other => other.to_string(),
        })
        .collect()
}

#[test]
fn a_feature_as_read_has_no_problems() {
    let dataset = bundled();
    for (i, feature) in dataset.features().enumerate() {
        let problems = check_feature(&dataset, &feature, Some(FeatureIndex(i)));
        assert_eq!(paths(&problems), Vec::<String>::new(), "{}", feature.id());
    }
}

#[test]
fn a_figure_without_a_source_is_refused_where_it_is() {
    let dataset = bundled();
    let at = dataset
        .index_of("barzeh-idlib-2017-05-12")
        .expect("the 12 May movement");
    let Some(Feature::Movement(mut movement)) = dataset.get(at) else {
        panic!("a movement")
    };
    movement.figures[1].sources.clear();
    let problems = check_feature(&dataset, &Feature::Movement(movement), Some(at));
    assert_eq!(paths(&problems), ["properties.figures[1].sources"]);
    assert!(
        problems[0]
            .message
            .contains("every figure must cite at least one source"),
        "{}",
        problems[0].message
    );
}

#[test]
fn unknown_places_and_sources_and_taken_ids_are_refused() {
    let dataset = bundled();
    let at = dataset
        .index_of("barzeh-idlib-2017-05-12")
        .expect("the 12 May movement");
    let Some(Feature::Movement(mut movement)) = dataset.get(at) else {
        panic!("a movement")
    };
    movement.to = "atlantis".into();
    movement.figures[0].sources = vec!["rumour".into()];
    movement.common.id = "qaboun".into();
    let problems = check_feature(&dataset, &Feature::Movement(movement), None);
    let found = paths(&problems);
    for expected in ["properties.to", "properties.figures[0].sources[0]", "id"] {
        assert!(
            found.iter().any(|p| p == expected),
            "{expected} in {found:?}"
        );
    }
}

#[test]
fn a_source_is_cited_by_the_features_that_name_it() {
    let dataset = bundled();
    let citing = citing_features(&dataset, "sohr");
    let ids: Vec<&str> = citing.iter().map(|&i| dataset.store().id(i.0)).collect();
    assert!(ids.contains(&"barzeh-idlib-2017-05-12"), "{ids:?}");
    assert!(citing_features(&dataset, "nobody").is_empty());
}

#[test]
fn a_source_without_a_name_is_refused() {
    let dataset = bundled();
    let mut sources = dataset.meta.sources.clone();
    sources[0].name.clear();
    let problems = check_sources(&dataset.meta, &sources);
    assert!(!paths(&problems).is_empty(), "{problems:?}");
}
