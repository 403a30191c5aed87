use super::*;
use crate::editing::EditSession;
use crate::editing::tests::rename;
use crate::model::edit::Edit;

/// The bundled story as if read from a database: each feature's row is its id, at version
/// 3 (5 for Qaboun).
fn read() -> (Dataset, EditSession) {
    let dataset = crate::story::Story::bundled().dataset.as_ref().clone();
    let rows = (0..dataset.len())
        .map(|i| {
            let id = dataset.store().id(i).to_owned();
            let version = if id == "qaboun" { 5 } else { 3 };
            (id, version)
        })
        .collect();
    let stored = StoredRows {
        story: "damascus".into(),
        rows,
        writable: true,
        user: "ana".into(),
    };
    let session = EditSession::new(&dataset, None, None, None)
        .with_stored(StoredStory::new("postgres://db/x", &stored));
    (dataset, session)
}

fn summary(writes: &[RowWrite]) -> Vec<String> {
    writes
        .iter()
        .map(|w| match w {
            RowWrite::Put {
                row,
                expected,
                feature,
            } => format!(
                "put {row} {expected:?} {}",
                feature.common().name.clone().unwrap_or_default()
            ),
            RowWrite::Delete { row, version } => format!("delete {row} v{version}"),
        })
        .collect()
}

#[test]
fn only_the_rows_changed_are_written_each_expecting_the_version_read() {
    let (mut dataset, mut session) = read();
    let stored = session.stored.clone().unwrap();
    let (writes, sources) = stored.writes(&dataset, &session.origins).unwrap();
    assert!(writes.is_empty() && sources.is_none());

    session.perform(rename(&dataset, "qaboun", "al-Qaboun"), &mut dataset);
    // Changed and changed back: nothing to write.
    session.perform(rename(&dataset, "barzeh", "Barza"), &mut dataset);
    session.perform(rename(&dataset, "barzeh", "Barzeh"), &mut dataset);
    let mut camp = dataset
        .get(dataset.index_of("idlib").unwrap())
        .unwrap()
        .clone();
    camp.common_mut().id = "jarjanaz".into();
    camp.common_mut().name = Some("Jarjanaz".into());
    let end = FeatureIndex(dataset.len());
    session.perform(
        Edit::new("add Jarjanaz", vec![Change::add(end, camp)]),
        &mut dataset,
    );
    let event = (0..dataset.len())
        .map(FeatureIndex)
        .find(|&i| matches!(dataset.get(i), Some(Feature::Event(_))))
        .expect("the story has events");
    let event_id = dataset.store().id(event.0).to_owned();
    let removed = dataset.get(event).unwrap();
    session.perform(
        Edit::new("remove", vec![Change::remove(event, removed)]),
        &mut dataset,
    );
    let (writes, sources) = stored.writes(&dataset, &session.origins).unwrap();
    assert_eq!(
        summary(&writes),
        [
            "put qaboun Version(5) al-Qaboun".to_owned(),
            "put jarjanaz Absent Jarjanaz".to_owned(),
            format!("delete {event_id} v3"),
        ]
    );
    assert!(sources.is_none());
}

#[test]
fn a_conflict_kept_mine_expects_their_version_and_taken_theirs_is_an_undoable_edit() {
    let (mut dataset, mut session) = read();
    session.perform(rename(&dataset, "qaboun", "al-Qaboun"), &mut dataset);
    let qaboun = dataset.index_of("qaboun").unwrap();
    let mut theirs = dataset.get(qaboun).unwrap();
    theirs.common_mut().name = Some("Qabun".into());
    let conflict = Conflict {
        row: "qaboun".into(),
        mine: Some(Version::Feature(Box::new(dataset.get(qaboun).unwrap()))),
        theirs: Some(Version::Feature(Box::new(theirs))),
        their_version: Some(6),
        by: Some("bob".into()),
        at: None,
    };
    assert!(describe(conflict.mine.as_ref(), &dataset).starts_with("al-Qaboun, "));
    assert!(describe(conflict.theirs.as_ref(), &dataset).starts_with("Qabun, "));
    assert_eq!(describe(None, &dataset), "removed");
    assert!(describe_theirs(&conflict, &dataset).starts_with("Qabun, "));
    let unreadable = Conflict {
        theirs: None,
        ..conflict.clone()
    };
    assert_eq!(
        describe_theirs(&unreadable, &dataset),
        "changed (version 6) into something this evacmap cannot read"
    );

    session.keep_mine(&conflict).unwrap();
    let stored = session.stored.clone().unwrap();
    let (writes, _) = stored.writes(&dataset, &session.origins).unwrap();
    assert_eq!(summary(&writes), ["put qaboun Version(6) al-Qaboun"]);

    let label = session.take_theirs(&conflict, &mut dataset).unwrap();
    assert_eq!(label, "take their version of qaboun");
    let name = |d: &Dataset| d.get(qaboun).unwrap().common().name.clone().unwrap();
    assert_eq!(name(&dataset), "Qabun");
    // Theirs as the database has it: nothing to write (the row stays as they left it).
    let stored = session.stored.clone().unwrap();
    let (writes, _) = stored.writes(&dataset, &session.origins).unwrap();
    assert!(writes.is_empty(), "{:?}", summary(&writes));
    session.undo(&mut dataset);
    assert_eq!(name(&dataset), "al-Qaboun");
}

#[test]
fn chapters_are_not_written_back_and_the_edits_stay() {
    let (mut dataset, mut session) = read();
    let before = dataset.meta.chapters.clone();
    let mut after = before.clone();
    after.clear();
    session.perform(
        Edit::new("chapters", vec![Change::Chapters { before, after }]),
        &mut dataset,
    );
    let error = session.save_to_database(&dataset).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("chapters of a story in a database")
    );
    assert!(session.is_unsaved());
}
