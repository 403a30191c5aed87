use std::path::{Path, PathBuf};

use super::*;
use crate::io::geojson::outline::{object_members, outline};
use crate::model::edit::{Change, Edit, History};
use crate::model::{Feature, FeatureIndex};

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<PathBuf> = ["good", "rfc7946/valid"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).into_iter().flatten())
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "geojson"))
        .collect();
    files.sort();
    files
}

/// `path` copied into `dir`, read, with what a save needs.
fn read(path: &Path, dir: &Path) -> (PathBuf, Dataset, Original, Origins) {
    let copy = dir.join(path.file_name().expect("a file name"));
    std::fs::copy(path, &copy).expect("copied");
    let original = Original::file(&copy).expect("stamped");
    let dataset = crate::io::load_file(&copy)
        .unwrap_or_else(|e| panic!("{} loads: {e}", path.display()))
        .dataset;
    let origins = Origins::read(dataset.len());
    (copy, dataset, original, origins)
}

#[test]
fn every_valid_file_saved_without_edits_is_the_same_bytes() {
    let files = fixtures();
    assert!(files.len() >= 20, "{} fixtures", files.len());
    let dir = tempfile::tempdir().expect("a folder");
    for path in files {
        let (copy, dataset, original, origins) = read(&path, dir.path());
        let target = dir.path().join("saved.geojson");
        let report = save_story(&target, &dataset, Some((&original, &origins)))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (was, is) = (std::fs::read(&copy).ok(), std::fs::read(&target).ok());
        assert!(was == is, "{} came back different", path.display());
        assert_eq!(report.copied, dataset.len(), "{}", path.display());
    }
}

/// Where the value of `properties.<name>` of feature `k` is in `text`.
fn property_value(text: &[u8], k: usize, name: &str) -> std::ops::Range<usize> {
    let feature = outline(text).expect("a collection").features[k].clone();
    let (members, _) = object_members(&text[feature.clone()]).expect("an object");
    let properties = members
        .iter()
        .find(|m| m.name == "properties")
        .expect("properties");
    let start = feature.start + properties.value.start;
    let (members, _) =
        object_members(&text[start..feature.start + properties.value.end]).expect("an object");
    let member = members.iter().find(|m| m.name == name).expect("the member");
    start + member.value.start..start + member.value.end
}

#[test]
fn a_changed_name_is_the_only_difference() {
    let dir = tempfile::tempdir().expect("a folder");
    let mut tried = 0;
    for path in fixtures() {
        let (copy, mut dataset, original, mut origins) = read(&path, dir.path());
        let text = std::fs::read(&copy).expect("read");
        let Some(k) = (0..dataset.len()).find(|&i| {
            // Other tools' features keep their names among their own properties.
            dataset
                .get(FeatureIndex(i))
                .is_some_and(|f| f.common().name.is_some() && !matches!(f, Feature::Generic(_)))
                && outline(&text).is_some()
        }) else {
            continue;
        };
        let before = dataset.get(FeatureIndex(k)).expect("the feature");
        let mut after = before.clone();
        after.common_mut().name = Some("Renamed \"Qaboun\" القابون".into());
        let mut history = History::new();
        let change = Change::replace(FeatureIndex(k), before, after);
        history.perform(
            Edit::new("rename", vec![change]),
            &mut dataset,
            &mut origins,
        );
        let target = dir.path().join("saved.geojson");
        let report = save_story(&target, &dataset, Some((&original, &origins))).expect("saved");
        assert_eq!((report.merged, report.copied + 1), (1, dataset.len()));
        let range = property_value(&text, k, "name");
        let mut expected = text[..range.start].to_vec();
        expected.extend_from_slice(r#""Renamed \"Qaboun\" القابون""#.as_bytes());
        expected.extend_from_slice(&text[range.end..]);
        let saved = std::fs::read(&target).expect("saved");
        assert!(
            saved == expected,
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&saved)
        );
        tried += 1;
    }
    assert!(tried >= 5, "{tried} files with a named feature");
}

#[test]
fn a_moved_point_keeps_its_elevation_and_other_tools_members() {
    let dir = tempfile::tempdir().expect("a folder");
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/good/other-tools-members.geojson");
    let (copy, mut dataset, original, mut origins) = read(&path, dir.path());
    let before = dataset.get(FeatureIndex(0)).expect("the well");
    let mut after = before.clone();
    after.common_mut().geometry = Some(geo::Geometry::Point(geo::Point::new(36.5, 33.25)));
    let mut history = History::new();
    let change = Change::replace(FeatureIndex(0), before, after);
    history.perform(Edit::new("move", vec![change]), &mut dataset, &mut origins);
    let target = dir.path().join("saved.geojson");
    save_story(&target, &dataset, Some((&original, &origins))).expect("saved");
    let saved = std::fs::read_to_string(&target).expect("saved");
    let text = std::fs::read_to_string(&copy).expect("read");
    assert!(
        saved.contains(r#""coordinates": [36.5,33.25,120.5]"#),
        "{saved}"
    );
    assert!(saved.contains(r#""source_crs": "EPSG:4326""#), "{saved}");
    assert!(
        saved.contains(r#""reading": 13.383953285627953"#),
        "{saved}"
    );
    assert_eq!(
        saved.matches("\"bbox\"").count(),
        1,
        "only the collection's bbox: {saved}"
    );
    let second = |t: &str| {
        t[t.find("{\"type\": \"Feature\", \"id\": \"line\"")
            .expect("line")..]
            .to_owned()
    };
    assert_eq!(
        second(&saved),
        second(&text),
        "the untouched feature and the end"
    );
}

#[test]
fn added_and_removed_features_and_sources_read_back_as_edited() {
    let dir = tempfile::tempdir().expect("a folder");
    // Without its chapters, which name every event: one of them is removed here.
    let mut story: serde_json::Value = serde_json::from_str(crate::BUNDLED_STORY).expect("JSON");
    story["evacmap"]
        .as_object_mut()
        .expect("the story's member")
        .remove("chapters");
    let text = serde_json::to_string_pretty(&story).expect("text");
    let bundled = Arc::<[u8]>::from(text.as_bytes());
    let mut dataset = crate::io::parse_bytes(&bundled, "story")
        .expect("the story")
        .dataset;
    let original = Original::Text(bundled);
    let mut origins = Origins::read(dataset.len());
    let mut history = History::new();
    let last = FeatureIndex(dataset.len() - 1);
    let removed = dataset.get(last).expect("a feature");
    let mut added = dataset.get(FeatureIndex(3)).expect("a feature");
    added.common_mut().id = "added-place".into();
    let mut sources = dataset.meta.sources.clone();
    sources[0].note = Some("edited note".into());
    let edits = vec![
        Edit::new("remove", vec![Change::remove(last, removed)]),
        Edit::new("add", vec![Change::add(FeatureIndex(0), added)]),
        Edit::new(
            "sources",
            vec![Change::Sources {
                before: dataset.meta.sources.clone(),
                after: sources,
            }],
        ),
    ];
    for edit in edits {
        history.perform(edit, &mut dataset, &mut origins);
    }
    let target = dir.path().join("saved.geojson");
    let report = save_story(&target, &dataset, Some((&original, &origins))).expect("saved");
    assert_eq!((report.written, report.copied), (1, dataset.len() - 1));
    let again = crate::io::load_file(&target).expect("reads back").dataset;
    assert_eq!(again, dataset);
}

#[test]
fn a_failed_save_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().expect("a folder");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good/minimal.geojson");
    let (copy, dataset, original, origins) = read(&path, dir.path());
    let was = std::fs::read(&copy).expect("read");

    // Changed on disk since it was read: not copied from, not written over.
    std::fs::write(
        &copy,
        b"{\"type\": \"FeatureCollection\", \"features\": []}\n",
    )
    .expect("changed");
    let changed = std::fs::read(&copy).expect("read");
    let error = save_story(&copy, &dataset, Some((&original, &origins))).expect_err("refused");
    assert!(matches!(error, SaveError::ChangedOnDisk { .. }), "{error}");
    assert!(error.to_string().contains("changed on disk"), "{error}");
    assert_eq!(std::fs::read(&copy).expect("read"), changed);
    std::fs::write(&copy, &was).expect("put back");

    // A folder where the file should be.
    let folder = dir.path().join("folder.geojson");
    std::fs::create_dir(&folder).expect("a folder");
    let error = save_story(&folder, &dataset, None).expect_err("refused");
    assert!(
        error.to_string().contains("there is a folder of that name"),
        "{error}"
    );

    // A folder that is not there.
    let nowhere = dir.path().join("gone/story.geojson");
    let error = save_story(&nowhere, &dataset, None).expect_err("refused");
    assert!(error.to_string().contains("cannot save"), "{error}");

    // A write that fails half-way (a full disk): the temporary file goes, the file stays.
    let error = write_atomically(&copy, |out| {
        out.write_all(b"{\"type\": ")?;
        Err(std::io::Error::new(
            std::io::ErrorKind::StorageFull,
            "no space left",
        ))
    })
    .expect_err("refused");
    assert!(error.to_string().contains("cannot save"), "{error}");
    assert_eq!(std::fs::read(&copy).expect("read"), was);
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("listed").collect();
    assert_eq!(left.len(), 2, "no temporary file left behind: {left:?}");
}

#[test]
fn a_saved_file_keeps_the_permissions_of_the_one_it_replaces() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("a folder");
    let target = dir.path().join("story.geojson");
    std::fs::write(&target, b"{}").expect("written");
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).expect("set");
    save_story(&target, &Dataset::default(), None).expect("saved");
    let mode = std::fs::metadata(&target)
        .expect("there")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o644);
}
