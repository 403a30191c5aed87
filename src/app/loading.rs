//! Opening files as layers on a worker, watching them for changes, and what the window shows
//! when a file does not load.

use std::path::{Path, PathBuf};
use std::time::Duration;

use egui::{Align2, RichText, vec2};

use super::EvacApp;
use super::state::{RECENT_FILES, import_options};
use crate::import::columns::ColumnMapping;
use crate::layers::{Layer, LayerSet};
use crate::open::OpenError;
use crate::open::job::LoadJob;
use crate::story::Story;
use crate::ui::columns_dialog::ColumnsDialog;
use crate::ui::timeline::TimelineState;

/// A load under way, and what to do when it ends.
pub(super) struct PendingLoad {
    pub(super) job: LoadJob,
    /// The file named at start-up: on failure the bundled story is shown, and a view restored
    /// from the last run is kept rather than refitted.
    pub(super) at_startup: bool,
    /// `--select ID`, applied once the story is there.
    pub(super) select: Option<String>,
    /// The file of an open layer changed on disk: on failure its last good data stays.
    pub(super) reload: bool,
    /// Files read with it (a flow table's locations).
    pub(super) companions: Vec<PathBuf>,
}

impl EvacApp {
    /// Rebuilds what depends on the story (not on the range): time index, list, extent; the
    /// timeline starts again on the range shown.
    pub(super) fn reindex(&mut self) {
        self.rebuild_story_indexes(false);
        // The timeline opens on the range shown (a remembered one too), all time on the story.
        self.timeline = TimelineState::default();
        self.timeline.fit(&self.range);
        self.playing = None;
        // What the replaced story and the reading held.
        crate::memory::give_back_freed();
        crate::memory::settle_soon();
    }

    /// Opens another story on a worker thread; on failure the current one stays and the
    /// problems are shown. A load already under way is abandoned.
    pub fn open(&mut self, path: &Path) {
        self.open_with(path, Vec::new());
    }

    /// [`Self::open`], reading `companions` with it (a flow table's locations).
    pub(super) fn open_with(&mut self, path: &Path, companions: Vec<PathBuf>) {
        let options = import_options(&self.state, companions.clone());
        if path.to_str().is_some_and(crate::open::is_remote) {
            // What a web or database layer is first asked for: everything, for all time.
            self.fetched_window = Some(options.window.clone());
        }
        let job = LoadJob::start_import(path, options);
        self.start_load(job);
        if let Some(pending) = &mut self.loading {
            pending.companions = companions;
        }
    }

    /// Opens `paths` one after the other, a flow table together with its locations.
    pub(super) fn queue_files(&mut self, paths: &[PathBuf]) {
        self.queued_files
            .extend(crate::open::group_companions(paths));
    }

    /// Takes over a load started elsewhere (tests start them with their own loader).
    pub fn start_load(&mut self, job: LoadJob) {
        self.loading = Some(PendingLoad {
            job,
            at_startup: false,
            select: None,
            reload: false,
            companions: Vec::new(),
        });
    }

    /// Puts `path` first among the recent files (at most [`RECENT_FILES`]).
    pub(super) fn remember_recent(&mut self, path: &Path) {
        if path.as_os_str() == crate::io::STDIN_PATH {
            return;
        }
        let path = remembered(path);
        self.state.recent_files.retain(|p| *p != path);
        self.state.recent_files.insert(0, path);
        self.state.recent_files.truncate(RECENT_FILES);
    }

    /// The open files, as layers.
    pub fn layer_set(&self) -> &LayerSet {
        &self.layer_set
    }

    /// Shows what the visible layers hold, after a layer came, went, or changed.
    pub(super) fn apply_layers(&mut self) {
        let selected = self
            .selection
            .and_then(|i| self.story.dataset.get(i))
            .map(|f| f.id().to_owned());
        self.story = self.layer_set.story();
        self.layer_bands = self.layer_set.bands();
        if self.layer_bands.len() < 2 {
            self.layer_bands.clear();
        }
        self.state.last_file = self.story.path.as_deref().map(remembered);
        self.selected_movements = None;
        self.selection = selected.and_then(|id| self.story.dataset.index_of(&id));
        self.reindex();
        self.watch_layers();
    }

    /// Watches the files of the open layers, and only those.
    pub(super) fn watch_layers(&mut self) {
        if let Some(watcher) = &mut self.watcher {
            let paths: Vec<PathBuf> = self
                .layer_set
                .layers()
                .iter()
                .filter_map(|l| l.path.clone())
                // A web collection is read again as the view moves, not watched.
                .filter(|p| !p.to_str().is_some_and(crate::open::is_remote))
                .collect();
            watcher.watch(&paths);
        }
    }

    /// Starts reloading layers whose files changed, and opening files queued on the command line.
    pub(super) fn poll_files(&mut self, ctx: &egui::Context) {
        if self.watcher.is_none() && self.frames == 1 {
            let repaint = ctx.clone();
            self.watcher = crate::open::watch::FileWatcher::new(move || repaint.request_repaint())
                .map_err(|e| log::warn!("files will not reload when changed: {e}"))
                .ok();
            self.watch_layers();
        }
        if self.loading.is_some() {
            return;
        }
        let changed = self
            .watcher
            .as_ref()
            .map(|w| w.changed())
            .unwrap_or_default();
        if let Some(index) = changed.iter().find_map(|p| self.layer_set.find(p)) {
            let layer = &self.layer_set.layers()[index];
            let Some(path) = layer.path.clone() else {
                return;
            };
            if self.edit.session.is_some() && index == 0 {
                // Our own save changes the file too: only another program's change counts.
                if crate::io::save::FileStamp::of(&path).ok() == layer.stamp {
                    return;
                }
                if self.has_unsaved_edits() {
                    // The live reload must not drop the edits: the user chooses.
                    self.edit.changed_on_disk = true;
                    return;
                }
                self.end_session();
            }
            self.reload_layer(&path);
        } else if let Some(path) = self.queued_reloads.pop() {
            self.reload_layer(&path);
        } else if !self.queued_files.is_empty() && self.edit.pending.is_none() {
            let (path, companions) = self.queued_files.remove(0);
            if self.has_unsaved_edits() {
                // A dropped file waits for the answer about the edits, as File → Open does.
                self.edit.pending = Some(super::editing::Pending::Open(path));
            } else {
                self.end_session();
                self.open_with(&path, companions);
            }
        }
    }

    /// What a web collection is asked for: the map's view (once there is one) and the range.
    pub(super) fn fetch_window(&self) -> crate::open::ogc_api::Window {
        let bbox = self
            .last_overlay
            .view
            .zip(self.map_rect)
            .map(|(view, rect)| {
                let (top_left, bottom_right) = view.visible_world(rect);
                let (a, b) = (top_left.to_position(), bottom_right.to_position());
                [
                    a.x().max(-180.0),
                    b.y().max(-90.0),
                    b.x().min(180.0),
                    a.y().min(90.0),
                ]
            });
        crate::open::ogc_api::Window {
            bbox,
            range: self.range,
        }
    }

    /// Reads web collections again when the view or range has changed and stayed so a moment
    /// (a pan brings the features of the new view, on a worker).
    pub(super) fn refresh_web_layers(&mut self, now: std::time::Instant) {
        if self.loading.is_some() {
            return;
        }
        // A story with unsaved edits is not read again (that would drop them).
        let edited = self.layer_set.layers().first().and_then(|l| l.path.clone());
        let edited = edited.filter(|p| self.is_edited_layer(p));
        let urls: Vec<PathBuf> = self
            .layer_set
            .layers()
            .iter()
            .filter_map(|layer| layer.path.clone())
            .filter(|p| p.to_str().is_some_and(crate::open::is_remote))
            .filter(|p| Some(p) != edited.as_ref())
            .collect();
        if urls.is_empty() {
            return;
        }
        let window = self.fetch_window();
        if self.fetched_window.as_ref() == Some(&window) {
            self.window_settled = None;
            return;
        }
        match self.window_settled {
            None => self.window_settled = Some((window, now)),
            Some((ref waiting, since)) if *waiting == window => {
                if now.duration_since(since) >= std::time::Duration::from_millis(400) {
                    self.window_settled = None;
                    if !self.whole_layers_in_view(&urls, &window) {
                        self.queued_reloads.extend(urls);
                    }
                    self.fetched_window = Some(window);
                }
            }
            Some(_) => self.window_settled = Some((window, now)),
        }
    }

    /// Whether the layers `urls`, read whole for this range (before the map had a view), lie
    /// inside `window`'s box: asking again would bring the same (a story at country zoom just
    /// after it opened, read a second time for nothing).
    fn whole_layers_in_view(
        &self,
        urls: &[PathBuf],
        window: &crate::open::ogc_api::Window,
    ) -> bool {
        let (Some(fetched), Some([west, south, east, north])) = (&self.fetched_window, window.bbox)
        else {
            return false;
        };
        if fetched.bbox.is_some() || fetched.range != window.range {
            return false;
        }
        urls.iter().all(|url| {
            let Some(index) = self.layer_set.find(url) else {
                return false;
            };
            let dataset = &self.layer_set.layers()[index].dataset;
            crate::story::framing_bounds(dataset, |_| true).is_none_or(|b| {
                b.min_lon >= west && b.max_lon <= east && b.min_lat >= south && b.max_lat <= north
            })
        })
    }

    /// Where File → Open… and Add gazetteer… start: the story's folder, or the current one.
    pub(super) fn dialog_folder(&self) -> PathBuf {
        self.story
            .path
            .as_deref()
            .and_then(Path::parent)
            .filter(|p| p.is_dir())
            .map(Path::to_path_buf)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default()
    }

    /// Adds a gazetteer when it can be read (said in the status bar either way), and reads the
    /// open tables again so that their rows are placed with it too.
    pub(super) fn add_gazetteer(&mut self, path: &Path) {
        let mut trial = crate::import::gazetteer::Gazetteer::bundled();
        match trial.add_file(path) {
            Ok(count) => {
                let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
                if !self.state.gazetteers.contains(&path) {
                    self.state.gazetteers.push(path.clone());
                }
                let tables: Vec<PathBuf> = self
                    .layer_set
                    .layers()
                    .iter()
                    .filter_map(|layer| layer.path.clone())
                    .filter(|p| {
                        p.extension().is_some_and(|e| {
                            matches!(
                                e.to_string_lossy().to_lowercase().as_str(),
                                "csv" | "txt" | "tsv"
                            )
                        })
                    })
                    .collect();
                self.edit.message = Some((
                    format!(
                        "Gazetteer {} added: {} places{}",
                        path.display(),
                        crate::model::format_count(count as u64),
                        if tables.is_empty() {
                            String::new()
                        } else {
                            format!(
                                "; {} read again",
                                crate::model::plural(tables.len(), "table")
                            )
                        }
                    ),
                    false,
                ));
                self.queued_reloads.extend(tables);
            }
            Err(error) => {
                self.edit.message = Some((format!("{error}; no gazetteer was added"), true));
            }
        }
    }

    /// Reads the file of an open layer again (it changed on disk).
    pub(super) fn reload_layer(&mut self, path: &Path) {
        let companions = self
            .layer_set
            .find(path)
            .map(|i| self.layer_set.layers()[i].companions.clone())
            .unwrap_or_default();
        let options = crate::open::ImportOptions {
            window: self.fetch_window(),
            ..import_options(&self.state, companions.clone())
        };
        self.fetched_window = Some(options.window.clone());
        self.loading = Some(PendingLoad {
            job: LoadJob::start_import(path, options),
            at_startup: false,
            select: None,
            reload: true,
            companions,
        });
    }

    /// Applies a finished load, if there is one.
    pub(super) fn poll_load(&mut self, ctx: &egui::Context) {
        let Some(pending) = &self.loading else {
            return;
        };
        let Some(outcome) = pending.job.poll() else {
            // A quick load shows at once; a long one redraws its progress less and less often
            // (up to once a second): under software rendering each frame took a core from
            // the reader (a million features read in 22 s instead of 13).
            let wait = (pending.job.elapsed() / 4)
                .clamp(Duration::from_millis(50), Duration::from_secs(1));
            ctx.request_repaint_after(wait);
            return;
        };
        let Some(pending) = self.loading.take() else {
            return;
        };
        let overview_shown = std::mem::take(&mut self.overview_shown);
        match outcome {
            Ok(_) if pending.reload && self.is_edited_layer(pending.job.path()) => {
                // Edits were made while it was read again: they stay, the new reading goes
                // (a save brings others' changes in after).
                self.edit
                    .database_changed_by
                    .get_or_insert_with(String::new);
            }
            Ok(loaded) => {
                let path = pending.job.path();
                log::info!("read {} in the background", path.display());
                // A story read again under an edit session: the session starts over from
                // the rows as they are now.
                let restart_session = pending.reload
                    && self.edit.session.is_some()
                    && self
                        .layer_set
                        .layers()
                        .first()
                        .and_then(|l| l.path.as_deref())
                        == Some(path);
                let mut layer = Layer::from_loaded(loaded, path);
                layer.companions = pending.companions.clone();
                layer.stamp = pending.job.stamp();
                self.layer_set.add(layer);
                self.remember_recent(path);
                self.apply_layers();
                if !pending.reload {
                    self.look_for_recovery();
                    self.chapters_for_new_story();
                }
                if let Some(id) = &pending.select {
                    self.selection = self.story.dataset.index_of(id);
                }
                if restart_session {
                    self.edit.session = None;
                    self.edit.not_editable = None;
                    if self.edit.mode {
                        self.edit.mode = self.ensure_session();
                    }
                }
                // A story whose overview was shown stays where the reader has it.
                self.fit_pending |= !pending.at_startup && !pending.reload && !overview_shown;
                self.load_error = None;
            }
            Err(error) if pending.reload => {
                self.layer_set
                    .reload_failed(pending.job.path(), error.problems());
            }
            Err(OpenError::NeedsColumns { layout, .. }) => {
                // Ask which column is what, starting from the last choice for these columns.
                let key = crate::import::columns::layout_key(&layout.headers);
                let mapping = self
                    .state
                    .column_mappings
                    .get(&key)
                    .cloned()
                    .unwrap_or_else(|| ColumnMapping::guess(&layout.headers));
                self.columns_dialog = Some(ColumnsDialog::new(
                    pending.job.path().to_owned(),
                    *layout,
                    mapping,
                ));
                self.show_bundled_if_empty();
            }
            Err(error) => {
                self.load_error = Some(error.problems());
                self.show_bundled_if_empty();
            }
        }
        ctx.request_repaint();
    }

    /// Whether `path` is the layer being edited, with edits not yet saved.
    fn is_edited_layer(&self, path: &Path) -> bool {
        self.has_unsaved_edits()
            && self
                .layer_set
                .layers()
                .first()
                .and_then(|l| l.path.as_deref())
                == Some(path)
    }

    /// When nothing else could be opened, the bundled story.
    pub(super) fn show_bundled_if_empty(&mut self) {
        if self.layer_set.is_empty() {
            self.layer_set = LayerSet::new(Layer::from_story(Story::bundled()));
            self.apply_layers();
            self.state.last_file = None;
            self.fit_pending = true;
        }
    }
    pub(super) fn load_error_ui(&mut self, ctx: &egui::Context) {
        let Some(problems) = &self.load_error else {
            return;
        };
        let mut open = true;
        egui::Window::new("The file could not be opened")
            .collapsible(false)
            .open(&mut open)
            .anchor(Align2::CENTER_CENTER, vec2(0.0, 0.0))
            .default_width(520.0)
            .max_width((ctx.content_rect().width() - 80.0).max(240.0))
            .show(ctx, |ui| {
                ui.label(format!("{} is still shown. The problems:", self.story.name));
                egui::ScrollArea::vertical()
                    .max_height(300.0)
                    .show(ui, |ui| {
                        for (n, problem) in problems.iter().enumerate() {
                            // "file:1:1: error: what" reads as what, in words; the located form
                            // is under Details.
                            let (colour, words) = match (
                                problem.split_once(": error: "),
                                problem.split_once(": warning: "),
                            ) {
                                (Some((_, words)), _) => (ui.visuals().error_fg_color, words),
                                (None, Some((_, words))) => (ui.visuals().warn_fg_color, words),
                                (None, None) => (ui.visuals().error_fg_color, problem.as_str()),
                            };
                            ui.add(egui::Label::new(RichText::new(words).color(colour)).wrap());
                            if words != problem {
                                egui::CollapsingHeader::new(RichText::new("Details").small())
                                    .id_salt(("load problem details", n))
                                    .show(ui, |ui| {
                                        ui.add(
                                            egui::Label::new(
                                                RichText::new(problem).small().monospace(),
                                            )
                                            .wrap(),
                                        );
                                    });
                            }
                        }
                    });
            });
        if !open {
            self.load_error = None;
        }
    }
}

/// A path as the settings keep it: a file's absolute path; a server's address without the
/// password it may carry (the password comes from the environment when it is opened again).
fn remembered(path: &Path) -> PathBuf {
    match path.to_str().filter(|p| crate::open::is_remote(p)) {
        Some(address) => PathBuf::from(crate::io::remote::without_password(address)),
        None => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
    }
}
