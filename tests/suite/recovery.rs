//! Nothing lost: edits kept by the journal through a kill, and saves that fail leaving the file
//! as it was and the edits in place.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use egui_kittest::kittest::{NodeT, Queryable};
use evacmap::app::AppOptions;

use crate::editing::{press, save_as_through_the_dialog, type_the_path_to_save_to};
use crate::support;
use crate::window::display;

fn journal_lines(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .map(|text| text.lines().count())
        .max()
        .unwrap_or(0)
}

#[test]
fn edits_of_a_killed_window_are_offered_back_and_restored_intact() {
    let Some(display) = display() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let story = dir.path().join("damascus.geojson");
    std::fs::write(&story, evacmap::BUNDLED_STORY).unwrap();
    // The window keeps its journals in the user's data folder: here, the test's own.
    let journals = dir.path().join("data/evacmap/journal");
    let mut window = Command::new(env!("CARGO_BIN_EXE_evacmap"))
        .args(["--reset", "--size", "1000x700", "--tiles", "offline"])
        .arg(&story)
        .args([
            "--test-rename",
            "qaboun=al-Qaboun",
            "--test-rename",
            "idlib=Idleb",
        ])
        .env("DISPLAY", &display.name)
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the evacmap binary runs");
    // A header and two edits, each on disk before the next frame.
    let started = Instant::now();
    while journal_lines(&journals) < 3 {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the window journaled no edits in 90 s"
        );
        assert!(
            window.try_wait().unwrap().is_none(),
            "the window ended early"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // SIGKILL: no chance to save or clean up.
    window.kill().unwrap();
    window.wait().unwrap();
    assert_eq!(
        std::fs::read_to_string(&story).unwrap(),
        evacmap::BUNDLED_STORY
    );

    // The next start offers them.
    let options = AppOptions {
        file: Some(story.clone()),
        journal_dir: Some(journals.clone()),
        ..support::offline_options()
    };
    let mut harness = support::app_harness(options, None, 1.0 / 60.0);
    harness.get_by_label("Unsaved edits from the last session");
    assert!(harness.query_by_label("• rename qaboun").is_some());
    assert!(harness.query_by_label("• rename idlib").is_some());
    press(&mut harness, "Restore the edits");
    let dataset = harness.state().dataset();
    let name = |id: &str| dataset.by_id(id).and_then(|f| f.common().name.clone());
    assert_eq!(name("qaboun").as_deref(), Some("al-Qaboun"));
    assert_eq!(name("idlib").as_deref(), Some("Idleb"));
    assert_eq!(
        name("barzeh").as_deref(),
        Some("Barzeh"),
        "nothing else changed"
    );
    assert!(harness.state().has_unsaved_edits());
    assert!(harness.query_by_label("Undo").is_some());

    // Saved, the journal goes and the file has them.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    harness.run_steps(3);
    assert!(!harness.state().has_unsaved_edits());
    let saved = std::fs::read_to_string(&story).unwrap();
    assert_eq!(
        saved.matches("al-Qaboun").count(),
        evacmap::BUNDLED_STORY.matches("al-Qaboun").count() + 1
    );
    assert_eq!(
        journal_lines(&journals),
        0,
        "the journal is gone once saved"
    );
}

/// The bundled story as a file in `dir`, opened with Qaboun renamed and not saved.
fn renamed_qaboun(
    dir: &Path,
) -> (
    std::path::PathBuf,
    egui_kittest::Harness<'static, evacmap::app::EvacApp>,
) {
    let story = dir.join("damascus.geojson");
    std::fs::write(&story, evacmap::BUNDLED_STORY).unwrap();
    let options = AppOptions {
        file: Some(story.clone()),
        journal_dir: Some(dir.join("journal")),
        test_renames: vec![("qaboun".into(), "al-Qaboun".into())],
        ..support::offline_options()
    };
    let mut harness = support::app_harness(options, None, 1.0 / 60.0);
    harness.run_steps(3);
    assert!(harness.state().has_unsaved_edits());
    (story, harness)
}

#[test]
fn a_save_that_fails_keeps_the_edits_and_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let (story, mut harness) = renamed_qaboun(dir.path());
    // Save as onto a folder: refused, in words.
    let folder = dir.path().join("a-folder.geojson");
    std::fs::create_dir(&folder).unwrap();
    save_as_through_the_dialog(&mut harness, &folder);
    harness.run_steps(3);
    let message = format!(
        "{}: cannot save: there is a folder of that name. The edits are kept; the file is as it was.",
        folder.display()
    );
    let told: Vec<String> = harness
        .query_all_by(|n| n.value().is_some_and(|v| v.contains("cannot save")))
        .filter_map(|n| n.accesskit_node().value())
        .collect();
    assert_eq!(told.first(), Some(&message), "the failure is told");
    assert!(harness.state().has_unsaved_edits(), "the edits stay");
    assert_eq!(
        std::fs::read_to_string(&story).unwrap(),
        evacmap::BUNDLED_STORY
    );
    press(&mut harness, "Edit");
    assert!(harness.query_by_label("Undo: rename qaboun").is_some());
}

/// The save failed with exit code 1, saying it could not save; the file is as it was.
fn refused_and_untouched(output: &std::process::Output, target: &Path) {
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("cannot save"), "{said}");
    assert_eq!(
        std::fs::read_to_string(target).unwrap(),
        evacmap::BUNDLED_STORY
    );
}

/// `evacmap convert` writes through the same save: a read-only folder and a full disk (a
/// file-size limit) leave the file there as it was.
#[test]
fn a_read_only_folder_and_a_full_disk_leave_the_file_byte_for_byte() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let input = dir.path().join("input.geojson");
    std::fs::write(&input, evacmap::BUNDLED_STORY.replace("Qaboun", "Qabun")).unwrap();
    std::fs::set_permissions(&input, std::fs::Permissions::from_mode(0o644)).unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    let target = locked.join("story.geojson");
    std::fs::write(&target, evacmap::BUNDLED_STORY).unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root writes anywhere: the save runs as nobody, from a copy of the binary nobody can run.
    let binary = dir.path().join("evacmap");
    std::fs::copy(env!("CARGO_BIN_EXE_evacmap"), &binary).unwrap();
    let mut convert = if unsafe { libc::geteuid() } == 0 {
        let mut command = Command::new("setpriv");
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&binary);
        command
    } else {
        Command::new(&binary)
    };
    let output = convert
        .arg("convert")
        .arg(&input)
        .arg(&target)
        .output()
        .unwrap();
    refused_and_untouched(&output, &target);

    // A full disk: writes past one block fail (the file-size limit), and nothing is replaced.
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    let output = Command::new("bash")
        .arg("-c")
        .arg("ulimit -f 4 && exec \"$0\" convert \"$1\" \"$2\"")
        .arg(&binary)
        .arg(&input)
        .arg(&target)
        .output()
        .unwrap();
    refused_and_untouched(&output, &target);
    let left: Vec<_> = std::fs::read_dir(&locked).unwrap().collect();
    assert_eq!(left.len(), 1, "no temporary file left: {left:?}");
}

#[test]
fn a_change_on_disk_while_editing_is_a_question_and_both_versions_stay_reachable() {
    let dir = tempfile::tempdir().unwrap();
    let (story, mut harness) = renamed_qaboun(dir.path());
    // Another program changes the file.
    let theirs = evacmap::BUNDLED_STORY.replace("\"Barzeh\"", "\"Barza\"");
    std::fs::write(&story, &theirs).unwrap();
    let started = Instant::now();
    while harness.query_by_label("The file changed on disk").is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no question in 10 s"
        );
        std::thread::sleep(Duration::from_millis(20));
        harness.run_steps(1);
    }
    // Nothing was reloaded over the edits, nothing written over their file.
    let name = |harness: &egui_kittest::Harness<'static, evacmap::app::EvacApp>, id: &str| {
        harness
            .state()
            .dataset()
            .by_id(id)
            .and_then(|f| f.common().name.clone())
    };
    assert_eq!(name(&harness, "qaboun").as_deref(), Some("al-Qaboun"));
    assert_eq!(std::fs::read_to_string(&story).unwrap(), theirs);
    press(&mut harness, "Compare");
    assert!(harness.query_by_label("different: Qaboun").is_some());
    assert!(harness.query_by_label("different: Barza").is_some());
    // Keep mine: saved under another name; theirs stays in the file.
    press(&mut harness, "Keep mine (Save as…)");
    let mine = dir.path().join("mine.geojson");
    type_the_path_to_save_to(&mut harness, &mine);
    harness.run_steps(3);
    assert!(!harness.state().has_unsaved_edits());
    assert_eq!(std::fs::read_to_string(&story).unwrap(), theirs);
    let saved = std::fs::read_to_string(&mine).unwrap();
    assert!(saved.contains("\"al-Qaboun\"") && saved.contains("\"Barzeh\""));
}

#[test]
fn closing_or_opening_another_file_with_unsaved_edits_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let story = dir.path().join("damascus.geojson");
    std::fs::write(&story, evacmap::BUNDLED_STORY).unwrap();
    let journals = dir.path().join("journal");
    let options = AppOptions {
        file: Some(story.clone()),
        journal_dir: Some(journals.clone()),
        test_renames: vec![("qaboun".into(), "al-Qaboun".into())],
        ..support::offline_options()
    };
    let mut harness = support::app_harness(options, None, 1.0 / 60.0);
    harness.run_steps(3);
    let close = |harness: &mut egui_kittest::Harness<'static, evacmap::app::EvacApp>| {
        let root = harness
            .input_mut()
            .viewports
            .entry(egui::ViewportId::ROOT)
            .or_default();
        root.events.push(egui::ViewportEvent::Close);
        harness.run_steps(3);
    };
    close(&mut harness);
    let question = "Save the edits to damascus.geojson before closing?";
    assert!(harness.query_by_label(question).is_some(), "closing asks");
    press(&mut harness, "Cancel");
    assert!(harness.query_by_label(question).is_none());
    assert!(
        harness.state().has_unsaved_edits(),
        "Cancel keeps the edits"
    );

    // Dropping another file asks too, and Cancel keeps the story as it is.
    let other = dir.path().join("other.geojson");
    std::fs::write(&other, evacmap::BUNDLED_STORY).unwrap();
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(other.clone())));
    harness.run_steps(4);
    let question = format!(
        "Save the edits to damascus.geojson before opening {}?",
        other.display()
    );
    assert!(harness.query_by_label(&question).is_some(), "opening asks");
    press(&mut harness, "Cancel");
    assert!(harness.state().has_unsaved_edits());
    assert_eq!(harness.state().layer_set().layers().len(), 1);

    // Don't save: the edits and their journal go.
    close(&mut harness);
    press(&mut harness, "Don't save");
    assert!(!harness.state().has_unsaved_edits());
    assert_eq!(journal_lines(&journals), 0, "the journal is gone");
    assert_eq!(
        std::fs::read_to_string(&story).unwrap(),
        evacmap::BUNDLED_STORY
    );
}

/// A file dropped on the window.
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}
