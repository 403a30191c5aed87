//! Edit mode in the window: the edit session over the story's one layer, the forms, undo and
//! redo, saving, and the map's gestures turned into edits.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::EvacApp;
use crate::command::{EditCommand, FormRequest};
use crate::editing::EditSession;
use crate::editing::journal::Recovery;
use crate::io::save::Original;
use crate::model::edit::{Change, Edit};
use crate::model::{Dataset, Feature, FeatureIndex, FeatureKind};
use crate::ui::edit::EditForm;
use crate::ui::edit::event_form::EventDraft;
use crate::ui::edit::movement_form::MovementDraft;
use crate::ui::edit::place_form::PlaceDraft;
use crate::ui::edit::sources_form::SourcesDraft;

/// Everything of edit mode the app keeps.
#[derive(Debug, Default)]
pub(super) struct EditState {
    /// Whether the map and the Edit menu change the story (E).
    pub(super) mode: bool,
    /// The edits of the story shown, kept while there are some even with edit mode off.
    pub(super) session: Option<EditSession>,
    pub(super) form: Option<EditForm>,
    /// The Save as dialog's path, while it is open.
    pub(super) save_as: Option<String>,
    /// Unsaved edits found at start, offered back.
    pub(super) recovery: Option<Recovery>,
    /// What waits for an answer about unsaved edits.
    pub(super) pending: Option<Pending>,
    /// The file being edited changed on disk while there were unsaved edits.
    pub(super) changed_on_disk: bool,
    /// What differs between the file on disk and the story, once asked (Compare).
    pub(super) comparison: Option<Vec<String>>,
    /// What the last save, undo or refusal said: (text, is an error).
    pub(super) message: Option<(String, bool)>,
    /// A form was opened this frame: its first field takes the keyboard.
    pub(super) form_opened: bool,
    /// Where journals are kept; `None`: none are (tests that do not ask for one).
    pub(super) journal_dir: Option<PathBuf>,
    /// The window title last sent (sent again only when it changes).
    pub(super) title: String,
    /// The conflicts of the last save to a database, for the user to choose.
    pub(super) conflicts: Option<Vec<crate::postgis::write::Conflict>>,
    /// The conflicts were just shown: their first choice takes the keyboard.
    pub(super) conflicts_opened: bool,
    /// Someone changed the story in the database while we had unsaved edits: it is read
    /// again once they are saved.
    pub(super) database_changed_by: Option<String>,
    /// The window may close: the user answered about the unsaved edits.
    pub(super) may_close: bool,
    /// `--edit`: edit mode goes on once the story is read.
    pub(super) start_editing: bool,
    /// `--test-rename`: renames to make once the story is read.
    pub(super) test_renames: Vec<(String, String)>,
    /// Why the files open cannot be edited, worked out once for them (their paths).
    pub(super) not_editable: Option<(Vec<Option<PathBuf>>, Option<String>)>,
}

/// What waits for the answer about unsaved edits.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Pending {
    Close,
    Open(PathBuf),
}

impl EvacApp {
    /// Whether the story has edits not saved to its file.
    pub fn has_unsaved_edits(&self) -> bool {
        self.edit
            .session
            .as_ref()
            .is_some_and(EditSession::is_unsaved)
    }

    /// Whether edit mode is on.
    pub fn is_editing(&self) -> bool {
        self.edit.mode
    }

    /// Why the story shown cannot be edited, if it cannot (worked out once for the files open).
    pub(super) fn why_not_editable(&mut self) -> Option<String> {
        let files: Vec<Option<PathBuf>> = self
            .layer_set
            .layers()
            .iter()
            .map(|l| l.path.clone())
            .collect();
        if let Some((known, why)) = &self.edit.not_editable
            && *known == files
        {
            return why.clone();
        }
        let why = self.work_out_why_not_editable();
        self.edit.not_editable = Some((files, why.clone()));
        why
    }

    fn work_out_why_not_editable(&self) -> Option<String> {
        let layers = self.layer_set.layers();
        let [layer] = layers else {
            return Some(
                "several files are open: editing works on one story (remove the others from \
                 the list of files)"
                    .into(),
            );
        };
        let Some(path) = &layer.path else {
            return None;
        };
        if path.to_str().is_some_and(crate::open::ogc_api::is_url) {
            return Some(format!(
                "{} comes from a web service (OGC API – Features) and is read-only: save it as a \
                 story of your own (File → Save as…) and edit that",
                layer.name
            ));
        }
        if path.to_str().is_some_and(crate::postgis::is_database) {
            return self.why_stored_not_editable(&layer.name);
        }
        if path.as_os_str() == crate::io::STDIN_PATH {
            return Some(
                "a story read from standard input cannot be saved back: use Save as".into(),
            );
        }
        let mut head = vec![0; 64 * 1024];
        let read = std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
            .unwrap_or(0);
        match crate::open::detect::detect(&head[..read]) {
            Ok(crate::open::Format::GeoJson) => None,
            Ok(format) => Some(format!(
                "{} is a {}, read-only: copy its features into a story, or save it as a new story \
                 (File → Save as…) and edit that",
                layer.name,
                format.describe()
            )),
            Err(_) => Some(format!(
                "{} is not a story evacmap can write back",
                layer.name
            )),
        }
    }

    /// Starts the edit session of the story shown, if there is none.
    pub(super) fn ensure_session(&mut self) -> bool {
        if self.edit.session.is_some() {
            return true;
        }
        if let Some(stored) = self.stored_story() {
            // Saved row by row to the database; no journal (edits of a view of the story do
            // not replay onto another view).
            self.edit.session =
                Some(EditSession::new(&self.story.dataset, None, None, None).with_stored(stored));
            return true;
        }
        let Some(layer) = self.layer_set.layers().first() else {
            return false;
        };
        let original = match (&layer.path, layer.stamp) {
            (Some(path), Some(stamp)) => Some(Original::File {
                path: path.clone(),
                stamp,
            }),
            (None, _) => Some(Original::Text(Arc::from(crate::BUNDLED_STORY.as_bytes()))),
            _ => None,
        };
        self.edit.session = Some(EditSession::new(
            &self.story.dataset,
            original,
            layer.path.clone(),
            self.edit.journal_dir.clone(),
        ));
        true
    }

    /// Offers the unsaved edits a journal kept for the story just opened.
    pub(super) fn look_for_recovery(&mut self) {
        self.edit.recovery = None;
        let (Some(dir), Some(layer)) = (&self.edit.journal_dir, self.layer_set.layers().first())
        else {
            return;
        };
        if self.layer_set.layers().len() != 1 {
            return;
        }
        let stamp = layer
            .path
            .as_deref()
            .and_then(|p| crate::io::save::FileStamp::of(p).ok());
        self.edit.recovery = Recovery::find(dir, layer.path.as_deref(), stamp);
    }

    /// Changes the story's one layer with `change`, then what depends on it.
    pub(super) fn change_story<R>(
        &mut self,
        change: impl FnOnce(&mut EditSession, &mut Dataset) -> R,
    ) -> Option<R> {
        let session = self.edit.session.as_mut()?;
        // The story shares the layer's data: let go of this share so that the data is
        // changed where it is, not copied.
        self.story.dataset = Arc::new(Dataset::default());
        let layer = self.layer_set.layer_mut(0)?;
        if Arc::strong_count(&layer.dataset) > 1 {
            // A worker still reads the story (a zoom level, the list being prepared): the
            // edit goes to a copy of the columns, once.
            log::info!("the story's columns are shared with a worker: the edit copies them");
        }
        let result = change(session, Arc::make_mut(&mut layer.dataset));
        self.story.dataset = Arc::clone(&layer.dataset);
        self.refresh_after_edit();
        Some(result)
    }

    /// Rebuilds what shows the story after an edit, keeping the view, range and timeline.
    fn refresh_after_edit(&mut self) {
        self.rebuild_story_indexes(true);
        if self
            .selection
            .is_some_and(|s| s.0 >= self.story.dataset.len())
        {
            self.selection = None;
        }
        self.selected_movements = None;
    }

    /// An open form whose feature something else changed (an undo, their version taken) shows
    /// it as it is now, or closes when it is gone: its fields would otherwise write back what
    /// was undone.
    pub(super) fn refresh_open_form(&mut self) {
        if let Some(fresh) = self
            .edit
            .form
            .as_ref()
            .and_then(|form| form.refreshed(&self.story.dataset))
        {
            self.edit.form = fresh;
        }
    }

    /// Selects a feature; in edit mode, a feature chosen is a feature to edit.
    pub(super) fn select(&mut self, selection: Option<FeatureIndex>) {
        self.selected_movements = None;
        self.selection = selection;
        self.reveal_selection = selection.is_some();
        if let Some(index) = selection.filter(|_| self.edit.mode) {
            self.open_form(FormRequest::Feature(index));
        }
    }

    /// Opens the form of the feature at `index` (in edit mode), as a click on it does.
    pub fn open_form_for_test(&mut self, index: FeatureIndex) {
        self.open_form(FormRequest::Feature(index));
    }

    /// Opens a file, asking first about unsaved edits.
    pub(super) fn open_asking(&mut self, path: PathBuf) {
        self.open_dialog.open = false;
        if self.has_unsaved_edits() {
            self.edit.pending = Some(Pending::Open(path));
        } else {
            self.end_session();
            self.open(&path);
        }
    }

    /// Applies an editing command.
    pub(super) fn apply_edit(&mut self, command: EditCommand) {
        match command {
            EditCommand::ToggleMode => self.toggle_edit_mode(),
            EditCommand::Perform(edit) => self.perform(*edit),
            EditCommand::Undo => {
                let label = self.change_story(|s, d| s.undo(d)).flatten();
                self.edit.message = label.map(|l| (format!("Undid: {l}"), false));
                self.refresh_open_form();
            }
            EditCommand::Redo => {
                let label = self.change_story(|s, d| s.redo(d)).flatten();
                self.edit.message = label.map(|l| (format!("Redid: {l}"), false));
                self.refresh_open_form();
            }
            EditCommand::Save if self.is_editing_stored() => self.save_to_database(),
            EditCommand::SaveAs(path) if self.is_editing_stored() => self.save_copy(&path),
            EditCommand::ResolveConflict { index, keep_mine } => {
                self.resolve_conflict(index, keep_mine);
            }
            EditCommand::Save => match self.edit.session.as_ref().and_then(|s| s.path()) {
                Some(path) => {
                    let path = path.to_owned();
                    self.save_to(&path);
                }
                None => self.edit.save_as = Some(String::new()),
            },
            EditCommand::SaveAs(path) => self.save_to(&path),
            EditCommand::ToggleSaveAs => {
                self.edit.save_as = match self.edit.save_as {
                    Some(_) => None,
                    None => Some(
                        self.story
                            .path
                            .as_ref()
                            .map(|p| p.display().to_string())
                            .unwrap_or_default(),
                    ),
                };
            }
            EditCommand::OpenForm(request) => self.open_form(request),
            EditCommand::CloseForm => self.edit.form = None,
            EditCommand::MovePlace { place, lon, lat } => self.move_place(place, lon, lat),
            EditCommand::DeleteFeature(index) => self.delete(index),
            EditCommand::RestoreEdits(restore) => self.restore_edits(restore),
            EditCommand::AddChapterFromView => self.add_chapter_from_view(),
        }
    }

    fn toggle_edit_mode(&mut self) {
        if self.edit.mode {
            self.edit.mode = false;
            self.edit.form = None;
            return;
        }
        if let Some(why) = self.why_not_editable() {
            self.edit.message = Some((format!("Cannot edit: {why}"), true));
            return;
        }
        self.edit.mode = self.ensure_session();
        self.edit.message = None;
    }

    fn perform(&mut self, edit: Edit) {
        if !self.edit.mode && self.edit.session.is_none() {
            return;
        }
        let touched = edit.touched().next();
        let label = edit.label.clone();
        self.change_story(|s, d| s.perform(edit, d));
        if let Some(index) = touched {
            self.selection = Some(index);
        }
        self.edit.message = Some((format!("Done: {label}. Undo with Ctrl+Z."), false));
    }

    fn save_to(&mut self, path: &Path) {
        if self.edit.session.is_none() {
            self.save_as_new_story(path);
            return;
        }
        let Some(session) = self.edit.session.as_mut() else {
            return;
        };
        match session.save(&self.story.dataset, path) {
            Ok(report) => {
                log::info!(
                    "saved {}: {} features as read, {} merged, {} written anew",
                    path.display(),
                    report.copied,
                    report.merged,
                    report.written
                );
                self.edit.save_as = None;
                self.edit.changed_on_disk = false;
                self.edit.message = Some((format!("Saved {}", path.display()), false));
                if let Some(layer) = self.layer_set.layer_mut(0) {
                    layer.stamp = crate::io::save::FileStamp::of(path).ok();
                    if layer.path.as_deref() != Some(path) {
                        layer.path = Some(path.to_owned());
                        layer.name = display_name(path);
                        self.story.path = Some(path.to_owned());
                        self.story.name = display_name(path);
                        self.state.last_file = Some(path.to_owned());
                        self.remember_recent(path);
                        self.watch_layers();
                    }
                }
                self.continue_pending();
            }
            Err(error) => {
                self.edit.message = Some((
                    format!("{error}. The edits are kept; the file is as it was."),
                    true,
                ));
            }
        }
    }

    /// A layer that cannot be edited (a table) saved as a story of its own, which it then is:
    /// editable from there on.
    fn save_as_new_story(&mut self, path: &Path) {
        if self.layer_set.layers().len() != 1 {
            return;
        }
        match crate::io::save_story(path, &self.story.dataset, None) {
            Ok(_) => {
                if let Some(layer) = self.layer_set.layer_mut(0) {
                    layer.path = Some(path.to_owned());
                    layer.name = display_name(path);
                    layer.stamp = crate::io::save::FileStamp::of(path).ok();
                }
                self.story.path = Some(path.to_owned());
                self.story.name = display_name(path);
                self.state.last_file = Some(path.to_owned());
                self.remember_recent(path);
                self.watch_layers();
                self.edit.save_as = None;
                self.edit.not_editable = None;
                self.edit.message = Some((
                    format!(
                        "Saved as a new story, {}: it can be edited (E)",
                        path.display()
                    ),
                    false,
                ));
            }
            Err(error) => {
                self.edit.message = Some((format!("{error}. Nothing was written."), true));
            }
        }
    }

    fn open_form(&mut self, request: FormRequest) {
        if !self.edit.mode {
            return;
        }
        let dataset = &self.story.dataset;
        let place_id = |index: Option<FeatureIndex>| {
            index
                .filter(|&i| dataset.kind(i) == Some(FeatureKind::Place))
                .map(|i| dataset.store().id(i.0).to_owned())
        };
        self.edit.form = match request {
            FormRequest::NewPlace { lon, lat } => Some(EditForm::Place(PlaceDraft::new(lon, lat))),
            FormRequest::NewMovement { from, to } => Some(EditForm::Movement(MovementDraft::new(
                place_id(from),
                place_id(to),
            ))),
            FormRequest::NewEvent { place, point } => {
                Some(EditForm::Event(EventDraft::new(place_id(place), point)))
            }
            FormRequest::Feature(index) => EditForm::for_feature(dataset, index),
            FormRequest::Sources => Some(EditForm::Sources(SourcesDraft::of(dataset))),
        };
        self.edit.form_opened = self.edit.form.is_some();
    }

    /// Moves a place, and the ends of the lines of movements and the points of events that
    /// were drawn at its old position.
    fn move_place(&mut self, place: FeatureIndex, lon: f64, lat: f64) {
        let dataset = &self.story.dataset;
        let Some(Feature::Place(before)) = dataset.get(place) else {
            return;
        };
        let Some(geo::Geometry::Point(old)) = before.common.geometry else {
            return;
        };
        let new = geo::Coord { x: lon, y: lat };
        let mut after = before.clone();
        after.common.geometry = Some(geo::Geometry::Point(new.into()));
        let mut changes = vec![Change::replace(
            place,
            Feature::Place(before.clone()),
            Feature::Place(after),
        )];
        for index in dataset.related_to_place(&before.common.id) {
            let Some(feature) = dataset.get(index) else {
                continue;
            };
            let mut moved = feature.clone();
            let changed = match &mut moved.common_mut().geometry {
                Some(geo::Geometry::LineString(line)) => {
                    let mut changed = false;
                    for coord in line.0.iter_mut().filter(|c| **c == old.0) {
                        *coord = new;
                        changed = true;
                    }
                    changed
                }
                Some(geo::Geometry::Point(point)) if *point == old => {
                    *point = new.into();
                    true
                }
                _ => false,
            };
            if changed {
                changes.push(Change::replace(index, feature, moved));
            }
        }
        let name = dataset.display_name_at(place);
        self.perform(Edit::new(format!("move {name}"), changes));
    }

    fn delete(&mut self, index: FeatureIndex) {
        let dataset = &self.story.dataset;
        let Some(feature) = dataset.get(index) else {
            return;
        };
        let name = dataset.display_name_at(index);
        if let Feature::Place(place) = &feature {
            let related = dataset.related_to_place(&place.common.id);
            if !related.is_empty() {
                let names: Vec<String> = related
                    .iter()
                    .take(4)
                    .map(|&i| dataset.display_name_at(i))
                    .collect();
                self.edit.message = Some((
                    format!(
                        "{name} cannot be deleted: {} still happen there ({}). Change or delete those first.",
                        crate::model::plural_of(
                            related.len(),
                            "movement or event",
                            "movements and events"
                        ),
                        names.join("; ")
                    ),
                    true,
                ));
                return;
            }
        }
        let chapters: Vec<&str> = dataset
            .meta
            .chapters
            .iter()
            .filter(|c| c.feature_ids().any(|id| id == feature.id()))
            .map(|c| c.title.as_str())
            .collect();
        if !chapters.is_empty() {
            self.edit.message = Some((
                format!(
                    "{name} cannot be deleted: the story's chapters name it ({}). Change those first.",
                    chapters.join("; ")
                ),
                true,
            ));
            return;
        }
        let kind = feature.kind().as_str();
        self.selection = None;
        self.perform(Edit::new(
            format!("delete {kind} {name}"),
            vec![Change::remove(index, feature)],
        ));
    }

    fn restore_edits(&mut self, restore: bool) {
        let Some(recovery) = self.edit.recovery.take() else {
            return;
        };
        if !restore {
            recovery.discard();
            return;
        }
        if !self.ensure_session() {
            return;
        }
        self.edit.mode = true;
        let entries = recovery.entries.clone();
        let outcome = self.change_story(|s, d| s.restore(entries, d));
        self.edit.message = Some(match outcome {
            Some(Ok(())) => (
                format!("Restored {} unsaved edits", recovery.labels().len()),
                false,
            ),
            Some(Err(why)) => (why, true),
            None => ("The edits could not be restored".into(), true),
        });
    }

    /// `--edit`: edit mode on once the story is read, the selection's form open.
    pub(super) fn start_editing_if_asked(&mut self) {
        if !self.edit.start_editing || self.loading.is_some() {
            return;
        }
        self.edit.start_editing = false;
        if !self.edit.mode {
            self.toggle_edit_mode();
        }
        if let Some(selection) = self.selection {
            self.open_form(FormRequest::Feature(selection));
        }
    }

    /// Makes the renames `--test-rename` asked for, as edits (once the story is read).
    pub(super) fn apply_test_renames(&mut self) {
        if self.edit.test_renames.is_empty() || self.loading.is_some() {
            return;
        }
        if !self.edit.mode {
            self.toggle_edit_mode();
        }
        for (id, name) in std::mem::take(&mut self.edit.test_renames) {
            let dataset = &self.story.dataset;
            let Some(at) = dataset.index_of(&id) else {
                log::warn!("--test-rename: no feature {id}");
                continue;
            };
            let Some(before) = dataset.get(at) else {
                continue;
            };
            let mut after = before.clone();
            after.common_mut().name = Some(name.clone());
            self.perform(Edit::new(
                format!("rename {id}"),
                vec![Change::replace(at, before, after)],
            ));
        }
    }

    /// Goes on with what waited for the unsaved edits to be saved or let go.
    pub(super) fn continue_pending(&mut self) {
        match self.edit.pending.take() {
            Some(Pending::Close) => self.edit.may_close = true,
            Some(Pending::Open(path)) => {
                self.end_session();
                self.open(&path);
            }
            None => {}
        }
    }

    /// The edits go (saved or let go): no session, no journal, edit mode off.
    pub(super) fn end_session(&mut self) {
        if let Some(mut session) = self.edit.session.take() {
            session.discard_journal();
        }
        self.edit.mode = false;
        self.edit.form = None;
        self.edit.changed_on_disk = false;
        self.edit.comparison = None;
    }
}

fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
