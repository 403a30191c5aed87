use super::*;
use crate::model::{Dataset, Feature, FeatureIndex};

fn bundled() -> Dataset {
    crate::io::parse_bytes(crate::BUNDLED_STORY.as_bytes(), "story")
        .map(|loaded| loaded.dataset)
        .unwrap_or_default()
}

fn renamed(feature: &Feature, name: &str) -> Feature {
    let mut feature = feature.clone();
    feature.common_mut().name = Some(name.to_owned());
    feature
}

#[test]
fn undo_and_redo_walk_the_story_back_and_forth_exactly() {
    let original = bundled();
    assert!(original.len() > 5, "the bundled story has features");
    let mut dataset = original.clone();
    let mut origins = Origins::read(dataset.len());
    let mut history = History::new();
    let qaboun = dataset.index_of("qaboun").expect("the story has Qaboun");
    let before = dataset.get(qaboun).expect("Qaboun");
    history.perform(
        Edit::new(
            "rename Qaboun",
            vec![Change::replace(
                qaboun,
                before.clone(),
                renamed(&before, "al-Qaboun"),
            )],
        ),
        &mut dataset,
        &mut origins,
    );
    let last = FeatureIndex(0);
    let first = dataset.get(last).expect("a first feature");
    history.perform(
        Edit::new(
            "delete the first",
            vec![Change::remove(last, first.clone())],
        ),
        &mut dataset,
        &mut origins,
    );
    let added = renamed(&before, "New place");
    let mut added = added;
    added.common_mut().id = "new-place".into();
    history.perform(
        Edit::new(
            "add New place",
            vec![Change::add(FeatureIndex(3), added.clone())],
        ),
        &mut dataset,
        &mut origins,
    );
    assert!(history.is_unsaved());
    assert_eq!(history.undo_label(), Some("add New place"));
    assert_eq!(dataset.by_id("new-place"), Some(added.clone()));
    assert_eq!(dataset.len(), original.len());
    assert_eq!(origins.origin(3), None, "the added feature is new");
    assert_eq!(qaboun, last, "Qaboun comes first in the file");
    assert_eq!(
        origins.original(0),
        Some(&before),
        "the removed feature is remembered as it was read, before its rename"
    );

    let after_all = dataset.clone();
    for _ in 0..3 {
        assert!(history.undo(&mut dataset, &mut origins).is_some());
    }
    assert!(history.undo(&mut dataset, &mut origins).is_none());
    assert_eq!(dataset, original, "three undos give back the story as read");
    assert!(!history.is_unsaved(), "undone to the file as read");
    assert_eq!(
        (0..dataset.len())
            .map(|i| origins.origin(i))
            .collect::<Vec<_>>(),
        (0..original.len()).map(Some).collect::<Vec<_>>()
    );
    for _ in 0..3 {
        assert!(history.redo(&mut dataset, &mut origins).is_some());
    }
    assert_eq!(dataset, after_all, "three redos give back every edit");
    assert_eq!(dataset.by_id("new-place"), Some(added));
    assert_eq!(dataset.by_id("qaboun"), None, "renamed, then deleted again");
}

#[test]
fn a_new_edit_after_undo_drops_the_redo_and_the_saved_state_it_passed() {
    let mut dataset = bundled();
    let mut origins = Origins::read(dataset.len());
    let mut history = History::new();
    let at = FeatureIndex(1);
    let feature = dataset.get(at).expect("a feature");
    let rename = |name: &str, from: &Feature| {
        Edit::new(
            format!("rename to {name}"),
            vec![Change::replace(at, from.clone(), renamed(from, name))],
        )
    };
    history.perform(rename("A", &feature), &mut dataset, &mut origins);
    history.mark_saved();
    assert!(!history.is_unsaved());
    history.undo(&mut dataset, &mut origins);
    assert!(
        history.is_unsaved(),
        "undoing past the save changes the story from the file"
    );
    history.perform(rename("B", &feature), &mut dataset, &mut origins);
    assert_eq!(
        history.redo_label(),
        None,
        "a new edit drops what was undone"
    );
    history.undo(&mut dataset, &mut origins);
    assert!(history.is_unsaved(), "the saved state (A) cannot come back");
}

#[test]
fn an_edit_changes_the_identity_that_indexes_are_built_for() {
    let mut dataset = bundled();
    let mut origins = Origins::read(dataset.len());
    let before = dataset.identity();
    let at = FeatureIndex(2);
    let feature = dataset.get(at).expect("a feature");
    let mut edit = Edit::new(
        "rename",
        vec![Change::replace(at, feature.clone(), renamed(&feature, "x"))],
    );
    edit.apply(&mut dataset, &mut origins);
    assert_ne!(dataset.identity(), before);
}
