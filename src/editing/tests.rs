use super::journal::Recovery;
use super::*;
use crate::model::FeatureIndex;
use crate::model::edit::Change;

fn story_in(dir: &Path) -> (PathBuf, Dataset) {
    let path = dir.join("story.geojson");
    std::fs::write(&path, crate::BUNDLED_STORY).expect("written");
    let dataset = crate::io::load_file(&path).expect("reads").dataset;
    (path, dataset)
}

pub(super) fn rename(dataset: &Dataset, id: &str, name: &str) -> Edit {
    let at = dataset.index_of(id).expect("there");
    let before = dataset.get(at).expect("there");
    let mut after = before.clone();
    after.common_mut().name = Some(name.into());
    Edit::new(
        format!("rename {id}"),
        vec![Change::replace(at, before, after)],
    )
}

#[test]
fn edits_survive_in_the_journal_and_come_back_onto_the_file_as_read() {
    let dir = tempfile::tempdir().expect("a folder");
    let journals = dir.path().join("journal");
    let (path, read) = story_in(dir.path());
    let original = Original::file(&path).expect("stamped");
    let mut dataset = read.clone();
    let mut session = EditSession::new(
        &dataset,
        Some(original.clone()),
        Some(path.clone()),
        Some(journals.clone()),
    );
    session.perform(rename(&dataset, "qaboun", "al-Qaboun"), &mut dataset);
    session.perform(rename(&dataset, "barzeh", "Barza"), &mut dataset);
    session.perform(rename(&dataset, "idlib", "Idleb"), &mut dataset);
    session.undo(&mut dataset);
    let added = {
        let mut place = dataset.by_id("tishreen").expect("Tishreen");
        place.common_mut().id = "new-camp".into();
        place.common_mut().name = Some("New camp".into());
        place
    };
    let at = FeatureIndex(dataset.len());
    session.perform(
        Edit::new("add New camp", vec![Change::add(at, added)]),
        &mut dataset,
    );
    // The process dies here: nothing saved, the session gone.
    drop(session);

    let stamp = crate::io::save::FileStamp::of(&path).ok();
    let recovery = Recovery::find(&journals, Some(&path), stamp).expect("edits to restore");
    assert!(!recovery.file_changed);
    assert_eq!(
        recovery.labels(),
        ["rename qaboun", "rename barzeh", "add New camp"]
    );
    let mut restored = read.clone();
    let mut session = EditSession::new(
        &restored,
        Some(original),
        Some(path.clone()),
        Some(journals.clone()),
    );
    session
        .restore(recovery.entries.clone(), &mut restored)
        .expect("fits");
    assert_eq!(restored, dataset, "restored intact");
    assert_eq!(session.history.undo_label(), Some("add New camp"));

    // Saved: the journal goes, and the file has the edits.
    session.save(&restored, &path).expect("saved");
    assert!(Recovery::find(&journals, Some(&path), None).is_none());
    let again = crate::io::load_file(&path).expect("reads").dataset;
    assert_eq!(again, dataset);
}

#[test]
fn a_journal_cut_short_restores_what_came_before_the_cut() {
    let dir = tempfile::tempdir().expect("a folder");
    let journals = dir.path().join("journal");
    let (path, mut dataset) = story_in(dir.path());
    let mut session = EditSession::new(&dataset, None, Some(path.clone()), Some(journals.clone()));
    session.perform(rename(&dataset, "qaboun", "al-Qaboun"), &mut dataset);
    session.perform(rename(&dataset, "barzeh", "Barza"), &mut dataset);
    let file = journal::location(&journals, Some(&path));
    let text = std::fs::read_to_string(&file).expect("a journal");
    std::fs::write(&file, &text[..text.len() - 20]).expect("cut");
    let recovery = Recovery::find(&journals, Some(&path), None).expect("edits to restore");
    assert_eq!(recovery.labels(), ["rename qaboun"]);
    recovery.discard();
    assert!(Recovery::find(&journals, Some(&path), None).is_none());
}

#[test]
fn an_edit_that_no_longer_fits_the_file_is_not_restored() {
    let dir = tempfile::tempdir().expect("a folder");
    let journals = dir.path().join("journal");
    let (path, read) = story_in(dir.path());
    let mut dataset = read.clone();
    let mut session = EditSession::new(&dataset, None, Some(path.clone()), Some(journals.clone()));
    session.perform(rename(&dataset, "qaboun", "al-Qaboun"), &mut dataset);
    drop(session);
    let recovery = Recovery::find(&journals, Some(&path), None).expect("edits");
    let mut other = read.clone();
    let mut session = EditSession::new(&other, None, Some(path), Some(journals));
    session.perform(rename(&other, "qaboun", "Qabun"), &mut other);
    let error = session
        .restore(recovery.entries, &mut other)
        .expect_err("does not fit");
    assert!(error.contains("no longer fits"), "{error}");
}

#[test]
fn a_journal_of_garbage_offers_nothing_and_breaks_nothing() {
    let dir = tempfile::tempdir().expect("a folder");
    let journals = dir.path().join("journal");
    let (path, _) = story_in(dir.path());
    std::fs::create_dir_all(&journals).expect("a folder");
    let file = journal::location(&journals, Some(&path));
    for garbage in [
        &b"\x00\xff not json"[..],
        b"",
        b"{\"evacmap_journal\": 1}\n{\"edit\": 5}\n",
    ] {
        std::fs::write(&file, garbage).expect("written");
        assert!(Recovery::find(&journals, Some(&path), None).is_none());
    }
}
