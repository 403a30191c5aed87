//! The eframe application: owns the story, the view and the tiles; draws the panels and the map,
//! then applies the commands they returned.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use egui::{Align2, Color32, Id, Key, Rect, RichText, Shape, Ui, vec2};
use walkers::{Map, MapMemory, Tiles, lon_lat};

use crate::cli::WindowArgs;
use crate::filter::{TimeIndex, VisibleSet, range_from_args};
use crate::import::ImportOptions;
use crate::import::columns::ColumnMapping;
use crate::io::LoadError;
use crate::io::background::LoadJob;
use crate::layers::{Layer, LayerSet};
use crate::map::basemap::Basemap;
use crate::map::overlay::{Layers, OverlayOutput, StoryOverlay};
use crate::map::projection::{LonLatBounds, fit_bounds};
use crate::map::tiles::{CacheSettings, CountingTiles, MapTiles, TileProvider};
use crate::model::{Dataset, DaySpan, Feature, FeatureIndex};
use crate::playback::{self, PlaybackSettings};
use crate::story::Story;
use crate::ui::basemap_menu::BasemapForm;
use crate::ui::columns_dialog::ColumnsDialog;
use crate::ui::event_list::{EventCatalogue, EventListInput, SearchHighlight, event_list_ui};
use crate::ui::timeline::{TimelineInput, TimelineState, timeline_ui};
use crate::ui::{Command, details, sidebar, status_bar};

/// Everything evacmap remembers between runs; one struct, saved by eframe.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct PersistedState {
    pub view: Option<SavedView>,
    pub layers: Layers,
    pub last_file: Option<PathBuf>,
    /// Files opened before, the latest first (File → Open recent).
    pub recent_files: Vec<PathBuf>,
    /// Which column is what in tables of no known kind, by their columns
    /// ([`crate::import::columns::layout_key`]).
    pub column_mappings: std::collections::BTreeMap<String, ColumnMapping>,
    pub tiles: TileProvider,
    pub tile_cache: CacheSettings,
    /// `None` until the user changes it: then the step follows the story's date precision.
    pub playback: Option<PlaybackSettings>,
    /// Fade what is outside the time range instead of hiding it.
    pub fade_hidden: bool,
    pub legend_closed: bool,
    /// Which panels are shown.
    pub panels: crate::ui::Panels,
    /// The time range shown, restored with the story it was saved with.
    pub range: Option<SavedRange>,
    /// The selected feature's id, restored with the story it was saved with.
    pub selection: Option<String>,
}

/// A time range as saved: ISO days, `None` for an open end.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct SavedRange {
    pub from: Option<String>,
    pub to: Option<String>,
}

impl SavedRange {
    fn from_span(span: &DaySpan) -> Self {
        Self {
            from: span.first.map(|d| d.to_string()),
            to: span.last.map(|d| d.to_string()),
        }
    }

    /// The span, or `None` when a saved day does not parse (a hand-edited file).
    fn to_span(&self) -> Option<DaySpan> {
        let day = |text: &Option<String>| -> Option<Option<chrono::NaiveDate>> {
            match text {
                None => Some(None),
                Some(text) => text.parse().ok().map(Some),
            }
        };
        let (first, last) = (day(&self.from)?, day(&self.to)?);
        if let (Some(first), Some(last)) = (first, last)
            && first > last
        {
            return None;
        }
        Some(DaySpan { first, last })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SavedView {
    pub lon: f64,
    pub lat: f64,
    pub zoom: f64,
}

/// Where `--screenshot` leaves the process exit code for `run` to return.
pub type ExitCodeSlot = Arc<Mutex<Option<i32>>>;

/// How the app was asked to start.
#[derive(Debug, Clone, Default)]
pub struct AppOptions {
    /// Filled in with the exit code once a `--screenshot` has been saved (or failed).
    pub exit_code: ExitCodeSlot,
    /// With `screenshot`: end the process as soon as it is saved.
    pub exit_after_screenshot: bool,
    pub file: Option<PathBuf>,
    /// Further files, opened as layers after the first.
    pub more_files: Vec<PathBuf>,
    pub screenshot: Option<PathBuf>,
    pub reset: bool,
    /// Overrides the saved tile provider for this run.
    pub tiles: Option<TileProvider>,
    pub range: DaySpan,
    /// A feature to select at start (by id).
    pub select: Option<String>,
    /// `--labels`: the language of place labels, saved for later runs too.
    pub labels: Option<crate::model::names::LabelLanguage>,
    /// `--view LON,LAT,ZOOM`: start there instead of framing the story.
    pub view: Option<(f64, f64, f64)>,
}

/// A pending `--screenshot`.
struct ScreenshotJob {
    path: PathBuf,
    started: Instant,
    requested: bool,
    /// The first frame that drew the story, fitted: the picture is taken at the one after it.
    ready_at: Option<u64>,
    /// Set by the screenshot callback: the exit code.
    outcome: ExitCodeSlot,
    /// End the process once it is saved (the command line's `--screenshot`).
    exit_when_saved: bool,
}

/// The keyboard, as the help overlay lists it.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Space", "Play or pause"),
    (
        "← / →",
        "Move the time range back or forward by its own length",
    ),
    ("Ctrl+F", "Search the event list"),
    ("Home", "Frame the whole story"),
    ("+ / -", "Zoom in or out"),
    (
        "Tab / Shift+Tab",
        "Enter the map at its first item; move through markers, arrows and controls",
    ),
    (
        "Arrow keys (on the map)",
        "Move to the nearest marker, arrow or event in that direction",
    ),
    (
        "F6",
        "Move between the map, the event list, the timeline and the top bar",
    ),
    ("Enter", "Select the focused marker or arrow"),
    ("Esc", "Clear the selection"),
    ("F1 or ?", "Show or hide this list"),
];

/// A load under way, and what to do when it ends.
struct PendingLoad {
    job: LoadJob,
    /// The file named at start-up: on failure the bundled story is shown, and a view restored
    /// from the last run is kept rather than refitted.
    at_startup: bool,
    /// `--select ID`, applied once the story is there.
    select: Option<String>,
    /// The file of an open layer changed on disk: on failure its last good data stays.
    reload: bool,
    /// Files read with it (a flow table's locations).
    companions: Vec<PathBuf>,
}

/// How a file is read: with `companions`, and the columns chosen before for tables of no known
/// kind.
fn import_options(state: &PersistedState, companions: Vec<PathBuf>) -> ImportOptions {
    ImportOptions {
        companions,
        remembered: state.column_mappings.clone(),
        columns: None,
    }
}

/// How many files File → Open recent offers.
const RECENT_FILES: usize = 8;

/// How long `--screenshot` waits for tiles before saving what it has.
const SCREENSHOT_TILE_WAIT: Duration = Duration::from_secs(5);

pub struct EvacApp {
    state: PersistedState,
    /// What the visible layers hold together: what the map, list and timeline show.
    story: Story,
    layer_set: LayerSet,
    /// The visible layers' bands when there are several (the map rings markers in their
    /// colour, the legend names them); empty with one.
    layer_bands: Vec<crate::layers::LayerBand>,
    /// Files to open once the load under way is done (command line, dropped files), each with
    /// the files read with it.
    queued_files: Vec<(PathBuf, Vec<PathBuf>)>,
    open_dialog: crate::ui::open_dialog::OpenDialog,
    /// Which column is what, for a table of no known kind being opened.
    columns_dialog: Option<crate::ui::columns_dialog::ColumnsDialog>,
    /// Reloads a layer when its file changes; `None` until the first frame.
    watcher: Option<crate::io::watch::FileWatcher>,
    selection: Option<FeatureIndex>,
    /// Movements selected together (one arrow between clusters), listed in the details.
    selected_movements: Option<Vec<FeatureIndex>>,
    range: DaySpan,
    /// Dated features sorted by start and end, rebuilt only when the story changes.
    time_index: TimeIndex,
    /// The story by position, with its clusters and arrows per zoom level.
    map_index: crate::map::index::IndexSlot,
    /// The event list's rows for the current range and search.
    list_rows: crate::ui::event_list::ShownRows,
    /// What shows in `range`, updated incrementally as the range moves.
    visible: VisibleSet,
    catalogue: EventCatalogue,
    extent: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    story_week: Option<DaySpan>,
    timeline: TimelineState,
    /// The playback under way.
    playing: Option<playback::Plan>,
    /// A paused playback and the range it paused at: Play resumes it if the range is the same.
    paused: Option<(playback::Plan, DaySpan)>,
    /// When (in egui's clock, seconds) playback takes its next step.
    next_step_at: f64,
    search: String,
    /// The search the map's highlight was worked out for, and what it matched by feature.
    search_matches: SearchHighlight,
    /// A widget to give the keyboard to at the end of this frame (Tab into the map, arrows, F6).
    focus_next: Option<Id>,
    /// How wide the details card is when a narrow window floats it over the map.
    details_card_width: Option<f32>,
    focus_search: bool,
    /// Scroll the event list to the selection (set when it was selected on the map).
    reveal_selection: bool,
    help_open: bool,
    memory: MapMemory,
    tile_provider: TileProvider,
    tiles: Option<MapTiles>,
    /// Why the chosen tiles could not be used (the offline basemap is shown instead).
    tile_error: Option<String>,
    basemap_form: BasemapForm,
    basemap: std::sync::Arc<Basemap>,
    fit_pending: bool,
    /// The view was framed automatically and the user has not moved it since: refit when the
    /// map's size settles (the first frames, a window manager's resize).
    auto_fitted: Option<Rect>,
    map_rect: Option<Rect>,
    /// Whether the tile provider had tiles on screen last frame (its attribution shows then).
    tiles_on_screen: bool,
    last_overlay: OverlayOutput,
    load_error: Option<Vec<String>>,
    /// A story being read on a worker thread; the current one stays until it succeeds.
    loading: Option<PendingLoad>,
    screenshot: Option<ScreenshotJob>,
    frames: u64,
    export_form: crate::ui::export_dialog::ExportForm,
    export_open: bool,
    /// An export being written on a worker thread.
    export_job: Option<crate::export::job::ExportJob>,
    /// What the last export did, shown in the dialog.
    export_message: Option<String>,
}

pub use crate::fonts::{ARABIC_FAMILY, install_fonts};

impl EvacApp {
    pub fn new(ctx: &egui::Context, options: AppOptions, stored: Option<PersistedState>) -> Self {
        install_fonts(ctx);
        if options.reset {
            // Panel sizes, window positions and the like: egui's own saved state.
            ctx.memory_mut(|memory| *memory = egui::Memory::default());
        }
        let state = if options.reset {
            PersistedState::default()
        } else {
            stored.unwrap_or_default()
        };
        let mut state = state;
        if let Some(language) = options.labels {
            state.layers.label_language = language;
        }
        // Files named together open together: a flow table with its locations.
        let named: Vec<PathBuf> = options
            .file
            .iter()
            .chain(&options.more_files)
            .cloned()
            .collect();
        let mut named = crate::import::group_companions(&named).into_iter();
        let (named_first, first_companions) = named.next().unzip();
        let requested = named_first.or_else(|| state.last_file.clone());
        // Restore the view, range and selection only for the story they were saved with.
        let restore = requested == state.last_file && !options.reset;
        let select = options
            .select
            .clone()
            .or_else(|| state.selection.clone().filter(|_| restore));
        let range = match (&state.range, restore) {
            (Some(saved), true) if options.range == DaySpan::ALL_TIME => {
                saved.to_span().unwrap_or(options.range)
            }
            _ => options.range,
        };
        // A named file is read on a worker thread; until it is there the map is empty.
        let (story, loading) = match &requested {
            Some(path) => (
                Story::empty(path),
                Some(PendingLoad {
                    job: LoadJob::start_import(
                        path,
                        import_options(&state, first_companions.clone().unwrap_or_default()),
                    ),
                    at_startup: true,
                    select: select.clone(),
                    reload: false,
                    companions: first_companions.unwrap_or_default(),
                }),
            ),
            None => (Story::bundled(), None),
        };
        let layer_set = match &loading {
            Some(_) => LayerSet::default(),
            None => LayerSet::new(Layer::from_story(Story {
                dataset: story.dataset.clone(),
                name: story.name.clone(),
                path: None,
                warnings: story.warnings.clone(),
            })),
        };
        let mut memory = MapMemory::default();
        let mut fit_pending = true;
        let asked = options
            .view
            .map(|(lon, lat, zoom)| SavedView { lon, lat, zoom });
        if let Some(view) = asked.or(state.view.filter(|_| restore))
            && memory.set_zoom(view.zoom).is_ok()
        {
            memory.center_at(lon_lat(view.lon, view.lat));
            fit_pending = false;
        }
        let tile_provider = options.tiles.clone().unwrap_or_else(|| state.tiles.clone());
        let screenshot = options.screenshot.map(|path| ScreenshotJob {
            path,
            started: Instant::now(),
            requested: false,
            ready_at: None,
            outcome: options.exit_code.clone(),
            exit_when_saved: options.exit_after_screenshot,
        });
        let mut app = Self {
            state,
            story,
            layer_set,
            layer_bands: Vec::new(),
            queued_files: named.collect(),
            open_dialog: Default::default(),
            columns_dialog: None,
            watcher: None,
            selection: None,
            selected_movements: None,
            range,
            time_index: TimeIndex::default(),
            map_index: Default::default(),
            list_rows: Default::default(),
            visible: VisibleSet::default(),
            catalogue: EventCatalogue::default(),
            extent: None,
            story_week: None,
            timeline: TimelineState::default(),
            playing: None,
            paused: None,
            next_step_at: 0.0,
            search: String::new(),
            search_matches: SearchHighlight::default(),
            focus_next: None,
            details_card_width: None,
            focus_search: false,
            reveal_selection: false,
            help_open: false,
            memory,
            tile_provider: TileProvider::Offline,
            tiles: None,
            tile_error: None,
            basemap_form: BasemapForm::default(),
            basemap: Basemap::shared(),
            fit_pending,
            auto_fitted: None,
            map_rect: None,
            tiles_on_screen: false,
            last_overlay: OverlayOutput::default(),
            load_error: None,
            loading,
            screenshot,
            frames: 0,
            export_form: Default::default(),
            export_open: false,
            export_job: None,
            export_message: None,
        };
        if app.loading.is_none() {
            app.state.last_file = None;
        }
        app.reindex();
        app.use_tiles(ctx, tile_provider);
        if app.loading.is_none()
            && let Some(id) = &select
        {
            app.selection = app.story.dataset.index_of(id);
        }
        app
    }

    /// A story is being read in the background.
    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }

    /// The problems of the last file that could not be opened, one located line each.
    pub fn load_error(&self) -> Option<&[String]> {
        self.load_error.as_deref()
    }

    pub fn dataset(&self) -> &Dataset {
        &self.story.dataset
    }

    /// The movements selected together by a click on an arrow between clusters.
    pub fn selected_movements(&self) -> Option<&[FeatureIndex]> {
        self.selected_movements.as_deref()
    }

    pub fn selection(&self) -> Option<FeatureIndex> {
        self.selection
    }

    /// What the map drew last frame (marker positions, the view), for tests and screenshots.
    pub fn last_overlay(&self) -> &OverlayOutput {
        &self.last_overlay
    }

    pub fn zoom(&self) -> f64 {
        self.memory.zoom()
    }

    pub fn map_rect(&self) -> Option<Rect> {
        self.map_rect
    }

    /// The state saved on exit.
    pub fn persisted(&self) -> PersistedState {
        let mut state = self.state.clone();
        state.view = self.memory.detached().map(|center| SavedView {
            lon: center.x(),
            lat: center.y(),
            zoom: self.memory.zoom(),
        });
        state.tiles = self.tile_provider.clone();
        state.range = Some(SavedRange::from_span(&self.range));
        state.selection = self
            .selection
            .and_then(|index| self.story.dataset.get(index))
            .map(|feature| feature.id().to_owned());
        state
    }

    /// Switches the tile provider; one that cannot be opened leaves the offline basemap, with
    /// the reason shown.
    pub fn use_tiles(&mut self, ctx: &egui::Context, provider: TileProvider) {
        self.tiles = None;
        match provider.open(ctx, &self.state.tile_cache) {
            Ok(tiles) => {
                self.tiles = tiles;
                self.tile_provider = provider;
                self.tile_error = None;
            }
            Err(error) => {
                log::warn!("{error}; showing the offline basemap");
                self.tile_error = Some(error.to_string());
                self.tile_provider = TileProvider::Offline;
            }
        }
    }

    pub fn tile_provider(&self) -> &TileProvider {
        &self.tile_provider
    }

    pub fn tile_error(&self) -> Option<&str> {
        self.tile_error.as_deref()
    }

    pub fn tiles(&self) -> Option<&MapTiles> {
        self.tiles.as_ref()
    }

    /// Rebuilds what depends on the story (not on the range): time index, list, extent.
    fn reindex(&mut self) {
        let started = Instant::now();
        let dataset = &self.story.dataset;
        self.time_index = TimeIndex::for_dataset(dataset);
        let time_index = started.elapsed();
        self.map_index.rebuild(dataset);
        let map_index = started.elapsed();
        self.visible = VisibleSet::new(&self.time_index, &self.range);
        self.catalogue = EventCatalogue::new(dataset);
        log::info!(
            "indexed {} features in {:.0} ms: time {:.0} ms, map {:.0} ms (a big story's on a thread), list and search {:.0} ms",
            dataset.features().len(),
            started.elapsed().as_secs_f64() * 1e3,
            time_index.as_secs_f64() * 1e3,
            (map_index - time_index).as_secs_f64() * 1e3,
            (started.elapsed() - map_index).as_secs_f64() * 1e3,
        );
        self.search_matches.clear();
        self.extent = crate::filter::time_extent(dataset);
        self.story_week = crate::filter::story_week(dataset);
        self.timeline = TimelineState::default();
        self.playing = None;
        // What the replaced story and the reading held.
        crate::memory::give_back_freed();
        crate::memory::settle_soon();
    }

    pub fn range(&self) -> DaySpan {
        self.range
    }

    pub fn is_playing(&self) -> bool {
        self.playing.is_some()
    }

    /// Whether the feature shows in the current range.
    pub fn is_visible(&self, index: FeatureIndex) -> bool {
        self.visible.is_visible(index.0)
    }

    pub fn set_range(&mut self, range: DaySpan) {
        self.range = range;
        self.visible.set_range(&self.time_index, &range);
    }

    pub fn playback_settings(&self) -> PlaybackSettings {
        self.state.playback.unwrap_or_default()
    }

    /// How playback runs: the running plan while playing, else what Play would do now.
    pub fn playback_plan(&self) -> Option<playback::Plan> {
        self.playing.or_else(|| {
            let extent = self.extent?;
            Some(playback::plan(
                &self.range,
                extent,
                &self.playback_settings(),
            ))
        })
    }

    /// Moves the range by its own length, `count` times (← and →).
    fn step(&mut self, count: i32) {
        let Some(extent) = self.extent else {
            return;
        };
        self.playing = None;
        self.set_range(playback::shift_by_length(&self.range, extent, count));
    }

    fn toggle_play(&mut self, now: f64) {
        if let Some(plan) = self.playing.take() {
            self.paused = Some((plan, self.range));
            return;
        }
        let Some(extent) = self.extent else {
            return;
        };
        // Resume where it paused, unless the range was changed since.
        let plan = match self.paused.take() {
            Some((plan, range)) if range == self.range => plan,
            _ => {
                let plan = playback::plan(&self.range, extent, &self.playback_settings());
                self.set_range(plan.start);
                plan
            }
        };
        self.playing = Some(plan);
        self.next_step_at = now + 1.0 / plan.steps_per_second.max(0.1) as f64;
    }

    fn advance_playback(&mut self, ctx: &egui::Context) {
        let Some(plan) = self.playing else {
            return;
        };
        let now = ctx.input(|i| i.time);
        if now >= self.next_step_at {
            match playback::advance(&self.range, &plan) {
                Some(next) => self.set_range(next),
                None if self.playback_settings().looping => self.set_range(plan.start),
                None => {
                    self.playing = None;
                    return;
                }
            }
            self.next_step_at = now + 1.0 / plan.steps_per_second.max(0.1) as f64;
        }
        ctx.request_repaint_after(Duration::from_secs_f64((self.next_step_at - now).max(0.0)));
    }

    /// Opens another story on a worker thread; on failure the current one stays and the
    /// problems are shown. A load already under way is abandoned.
    pub fn open(&mut self, path: &Path) {
        self.open_with(path, Vec::new());
    }

    /// [`Self::open`], reading `companions` with it (a flow table's locations).
    fn open_with(&mut self, path: &Path, companions: Vec<PathBuf>) {
        let job = LoadJob::start_import(path, import_options(&self.state, companions.clone()));
        self.start_load(job);
        if let Some(pending) = &mut self.loading {
            pending.companions = companions;
        }
    }

    /// Opens `paths` one after the other, a flow table together with its locations.
    fn queue_files(&mut self, paths: &[PathBuf]) {
        self.queued_files
            .extend(crate::import::group_companions(paths));
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
    fn remember_recent(&mut self, path: &Path) {
        if path.as_os_str() == crate::io::STDIN_PATH {
            return;
        }
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        self.state.recent_files.retain(|p| *p != path);
        self.state.recent_files.insert(0, path);
        self.state.recent_files.truncate(RECENT_FILES);
    }

    /// The open files, as layers.
    pub fn layer_set(&self) -> &LayerSet {
        &self.layer_set
    }

    /// Shows what the visible layers hold, after a layer came, went, or changed.
    fn apply_layers(&mut self) {
        let selected = self
            .selection
            .and_then(|i| self.story.dataset.get(i))
            .map(|f| f.id().to_owned());
        self.story = self.layer_set.story();
        self.layer_bands = self.layer_set.bands();
        if self.layer_bands.len() < 2 {
            self.layer_bands.clear();
        }
        self.state.last_file = self.story.path.clone();
        self.selected_movements = None;
        self.selection = selected.and_then(|id| self.story.dataset.index_of(&id));
        self.reindex();
        self.watch_layers();
    }

    /// Watches the files of the open layers, and only those.
    fn watch_layers(&mut self) {
        if let Some(watcher) = &mut self.watcher {
            let paths: Vec<PathBuf> = self
                .layer_set
                .layers()
                .iter()
                .filter_map(|l| l.path.clone())
                .collect();
            watcher.watch(&paths);
        }
    }

    /// Starts reloading layers whose files changed, and opening files queued on the command line.
    fn poll_files(&mut self, ctx: &egui::Context) {
        if self.watcher.is_none() && self.frames == 1 {
            let repaint = ctx.clone();
            self.watcher = crate::io::watch::FileWatcher::new(move || repaint.request_repaint())
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
            let (Some(path), companions) = (layer.path.clone(), layer.companions.clone()) else {
                return;
            };
            self.loading = Some(PendingLoad {
                job: LoadJob::start_import(&path, import_options(&self.state, companions.clone())),
                at_startup: false,
                select: None,
                reload: true,
                companions,
            });
        } else if !self.queued_files.is_empty() {
            let (path, companions) = self.queued_files.remove(0);
            self.open_with(&path, companions);
        }
    }

    /// Applies a finished load, if there is one.
    fn poll_load(&mut self, ctx: &egui::Context) {
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
        match outcome {
            Ok(loaded) => {
                let path = pending.job.path();
                log::info!("read {} in the background", path.display());
                let mut layer = Layer::from_loaded(loaded, path);
                layer.companions = pending.companions.clone();
                self.layer_set.add(layer);
                self.remember_recent(path);
                self.apply_layers();
                if let Some(id) = &pending.select {
                    self.selection = self.story.dataset.index_of(id);
                }
                self.fit_pending |= !pending.at_startup && !pending.reload;
                self.load_error = None;
            }
            Err(error) if pending.reload => {
                self.layer_set
                    .reload_failed(pending.job.path(), error.problems());
            }
            Err(LoadError::NeedsColumns { layout, .. }) => {
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

    /// When nothing else could be opened, the bundled story.
    fn show_bundled_if_empty(&mut self) {
        if self.layer_set.is_empty() {
            self.layer_set = LayerSet::new(Layer::from_story(Story::bundled()));
            self.apply_layers();
            self.state.last_file = None;
            self.fit_pending = true;
        }
    }

    /// Draws one frame into `ui` (the whole window). Separate from eframe so tests can drive it.
    pub fn show(&mut self, ui: &mut Ui) {
        let frame_started = Instant::now();
        self.frames += 1;
        if crate::memory::settle_when_due() {
            ui.ctx().request_repaint_after(crate::memory::SETTLE_DELAY);
        }
        self.poll_load(ui.ctx());
        self.poll_files(ui.ctx());
        self.advance_playback(ui.ctx());
        let mut commands = self.keyboard_commands(ui.ctx());
        self.open_dropped_files(ui.ctx());

        egui::Panel::top("menu").show(ui, |ui| {
            commands.extend(self.top_bar_ui(ui));
        });
        egui::Panel::bottom("status").show(ui, |ui| {
            let tiles = match (&self.tiles, &self.tile_error) {
                _ if !self.state.layers.tiles => "hidden".to_owned(),
                (Some(tiles), _) => {
                    format!("{} ({})", self.tile_provider.name(), tiles.status_text())
                }
                (None, Some(error)) => format!("offline basemap ({error})"),
                (None, None) => self.tile_provider.name(),
            };
            let cancel = status_bar::status_bar_ui(
                ui,
                &status_bar::Status {
                    pointer_lon_lat: self.last_overlay.pointer_lon_lat,
                    zoom: self.memory.zoom(),
                    tiles: &tiles,
                    story: &self.story.name,
                    loading: self
                        .loading
                        .as_ref()
                        .map(|l| (l.job.path(), l.job.progress())),
                    warnings: self.story.warnings.len(),
                    preparing_level: self.last_overlay.level_pending,
                    arrows: (
                        self.last_overlay.arrows.len(),
                        self.last_overlay.arrows_left_out,
                    ),
                },
            );
            commands.extend(cancel);
        });
        if self.focus_search {
            // Ctrl+F brings the list back to search in.
            self.state.panels.list = true;
        }
        let wide = ui.available_width() >= crate::ui::NARROW_WIDTH;
        // Panels also fold away when dragged shut by their edge.
        let mut panels = self.state.panels;
        egui::Panel::bottom("timeline").show_collapsible(ui, &mut panels.timeline, |ui| {
            let input = TimelineInput {
                index: &self.time_index,
                extent: self.extent,
                range: self.range,
                story_week: self.story_week,
                playing: self.playing.is_some(),
                plan: self.playback_plan(),
                settings: self.playback_settings(),
                fade_hidden: self.state.fade_hidden,
                visible_count: self.visible.count(),
                total: self.story.dataset.features().len(),
            };
            commands.extend(timeline_ui(ui, &mut self.timeline, &input));
        });
        egui::Panel::left("sidebar")
            .default_size(290.0)
            .resizable(true)
            .show_collapsible(ui, &mut panels.list, |ui| {
                sidebar::story_header_ui(ui, &self.story.dataset);
                let files = crate::ui::files_panel::FilesInput {
                    layers: &self.layer_set,
                };
                commands.extend(crate::ui::files_panel::files_ui(ui, &files));
                ui.separator();
                let input = EventListInput {
                    dataset: &self.story.dataset,
                    catalogue: &self.catalogue,
                    visible: self.visible.flags(),
                    visible_generation: self.visible.generation(),
                    selection: self.selection,
                    reveal_selection: self.reveal_selection,
                    focus_search: self.focus_search,
                };
                commands.extend(event_list_ui(
                    ui,
                    &mut self.search,
                    &mut self.list_rows,
                    &input,
                ));
            });
        self.state.panels = panels;
        self.reveal_selection = false;
        self.focus_search = false;
        if wide {
            self.details_card_width = None;
        }
        if self.selection.is_none()
            && let Some(movements) = &self.selected_movements
            && wide
        {
            egui::Panel::right("details")
                .default_size(340.0)
                .resizable(true)
                .show(ui, |ui| {
                    commands.extend(details::movements_ui(ui, &self.story.dataset, movements))
                });
        }
        if let Some(index) = self.selection {
            let shown = self.visible.is_visible(index.0);
            let details = |ui: &mut Ui| {
                details::details_ui(
                    ui,
                    &self.story.dataset,
                    index,
                    &self.range,
                    shown,
                    self.visible.flags(),
                )
            };
            if wide {
                egui::Panel::right("details")
                    .default_size(340.0)
                    .resizable(true)
                    .show(ui, |ui| commands.extend(details(ui)));
            } else if let Some(map) = self.map_rect {
                // A narrow window keeps its map: the details float over it as a card.
                self.details_card_width = Some(300.0_f32.min(map.width() - 40.0));
                egui::Area::new(egui::Id::unique("details card"))
                    .fixed_pos(map.right_top() + vec2(-8.0, 8.0))
                    .pivot(Align2::RIGHT_TOP)
                    .order(egui::Order::Foreground)
                    .show(ui.ctx(), |ui| {
                        egui::Frame::window(ui.style()).show(ui, |ui| {
                            ui.set_width(300.0_f32.min(map.width() - 40.0));
                            ui.set_max_height(map.height() - 40.0);
                            commands.extend(details(ui));
                        });
                    });
            }
        }
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| {
                commands.extend(self.map_ui(ui));
            });
        self.legend_ui(ui.ctx());
        commands.extend(self.export_window(ui.ctx()));
        commands.extend(self.open_dialog.ui(ui.ctx()));
        if let Some(dialog) = &mut self.columns_dialog {
            commands.extend(dialog.ui(ui.ctx()));
        }
        self.help_ui(ui.ctx());
        self.load_error_ui(ui.ctx());

        for command in commands {
            self.apply(ui.ctx(), command);
        }
        if let Some(id) = self.focus_next.take() {
            ui.ctx().memory_mut(|m| m.request_focus(id));
        }
        self.advance_screenshot(ui.ctx());
        log::debug!(
            "frame {} built in {:.1} ms",
            self.frames,
            frame_started.elapsed().as_secs_f64() * 1e3
        );
    }

    /// What the last export did ("Saved …" or why it failed); `None` while one runs.
    pub fn export_message(&self) -> Option<&str> {
        self.export_message.as_deref()
    }

    pub fn is_exporting(&self) -> bool {
        self.export_job.is_some()
    }

    /// The view on screen as an export sees it: centre, zoom and the map's size.
    pub fn export_view(&self) -> Option<(crate::export::MapView, egui::Vec2)> {
        let view = self.last_overlay.view?;
        let rect = self.map_rect?;
        Some((
            crate::export::MapView {
                center: view.world_center.to_position(),
                zoom: view.zoom(),
            },
            rect.size(),
        ))
    }

    fn start_export(&mut self, request: crate::export::ExportRequest) {
        if self.export_job.is_some() {
            return;
        }
        match crate::export::job::ExportJob::start(self.story.dataset.clone(), request) {
            Ok(job) => {
                self.export_message = None;
                self.export_job = Some(job);
            }
            Err(e) => self.export_message = Some(format!("Export failed: {e}")),
        }
    }

    fn poll_export(&mut self, ctx: &egui::Context) {
        let Some(job) = &self.export_job else {
            return;
        };
        if !job.is_finished() {
            ctx.request_repaint_after(Duration::from_millis(100));
            return;
        }
        self.export_message = self.export_job.take().map(|job| job.outcome());
    }

    fn export_window(&mut self, ctx: &egui::Context) -> Vec<Command> {
        self.poll_export(ctx);
        if !self.export_open {
            return Vec::new();
        }
        let mut open = true;
        let context = crate::ui::export_dialog::ExportContext {
            range: self.range,
            layers: self.state.layers,
            view: self.export_view(),
            tiles: &self.tile_provider,
            cache: &self.state.tile_cache,
            running: self.export_job.as_ref().map(|j| j.fraction()),
            message: self.export_message.as_deref(),
        };
        let mut commands = Vec::new();
        egui::Window::new("Export the map or its data")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                commands = crate::ui::export_dialog::export_ui(ui, &mut self.export_form, &context);
            });
        if !open {
            self.export_open = false;
        }
        commands
    }

    fn legend_ui(&mut self, ctx: &egui::Context) {
        let Some(map) = self.map_rect else {
            return;
        };
        let mut open = !self.state.legend_closed;
        egui::Window::new("Legend")
            .open(&mut open)
            // Collapsed at first, out of the story's way; one click opens it.
            .default_open(false)
            .collapsible(true)
            .resizable(false)
            .default_width(250.0)
            .default_pos(map.left_top() + vec2(8.0, 8.0))
            .show(ctx, |ui| sidebar::legend_ui(ui, &self.layer_bands));
        self.state.legend_closed = !open;
    }

    fn help_ui(&mut self, ctx: &egui::Context) {
        let mut open = self.help_open;
        egui::Window::new("Keyboard shortcuts")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .anchor(Align2::CENTER_CENTER, vec2(0.0, 0.0))
            .show(ctx, |ui| {
                egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                    for (keys, action) in SHORTCUTS {
                        ui.label(RichText::new(*keys).monospace().strong());
                        ui.label(*action);
                        ui.end_row();
                    }
                });
            });
        self.help_open = open;
    }

    fn keyboard_commands(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let mut commands = Vec::new();
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, Key::F)) {
            self.focus_search = true;
        }
        self.keyboard_focus(ctx);
        if ctx.egui_wants_keyboard_input() {
            return commands;
        }
        ctx.input(|input| {
            if input.key_pressed(Key::Space) {
                commands.push(Command::TogglePlay);
            }
            if input.key_pressed(Key::ArrowLeft) {
                commands.push(Command::Step(-1));
            }
            if input.key_pressed(Key::ArrowRight) {
                commands.push(Command::Step(1));
            }
            if input.key_pressed(Key::F1) || input.key_pressed(Key::Questionmark) {
                commands.push(Command::ToggleHelp);
            }
            if input.key_pressed(Key::Escape) {
                commands.push(Command::Select(None));
            }
            if input.key_pressed(Key::Home) {
                commands.push(Command::FitAll);
            }
            if input.key_pressed(Key::Plus) || input.key_pressed(Key::Equals) {
                commands.push(Command::Zoom(1.0));
            }
            if input.key_pressed(Key::Minus) {
                commands.push(Command::Zoom(-1.0));
            }
        });
        commands
    }

    /// The keyboard on the map: with nothing focused, Tab enters the map at its first item; on
    /// the map, arrow keys move to the nearest item in that direction; F6 moves between the map
    /// and the panels. The widget to focus is asked for at the end of the frame, after egui's
    /// own Tab handling.
    fn keyboard_focus(&mut self, ctx: &egui::Context) {
        let targets = &self.last_overlay.focus_targets;
        let focused = ctx.memory(|m| m.focused());
        let on_map = focused.and_then(|id| targets.iter().position(|t| t.id == id));
        let press = |key| ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, key));
        if press(Key::F6) {
            let stops: Vec<Option<Id>> = std::iter::once(targets.first().map(|t| t.id))
                .chain(
                    crate::ui::focus::PANEL_STOPS.map(|panel| crate::ui::focus::stop(ctx, panel)),
                )
                .collect();
            let current = match on_map {
                Some(_) => Some(0),
                None => stops.iter().position(|s| s.is_some() && *s == focused),
            };
            self.focus_next = (1..=stops.len())
                .map(|step| current.map_or(step - 1, |c| c + step) % stops.len())
                .find_map(|i| stops[i]);
            return;
        }
        if focused.is_none() && ctx.input(|i| i.key_pressed(Key::Tab) && !i.modifiers.shift) {
            self.focus_next = targets.first().map(|t| t.id);
            return;
        }
        let Some(current) = on_map else {
            return;
        };
        for (key, direction) in [
            (Key::ArrowLeft, vec2(-1.0, 0.0)),
            (Key::ArrowRight, vec2(1.0, 0.0)),
            (Key::ArrowUp, vec2(0.0, -1.0)),
            (Key::ArrowDown, vec2(0.0, 1.0)),
        ] {
            if press(key) {
                let points: Vec<egui::Pos2> = targets.iter().map(|t| t.at).collect();
                let next = crate::map::layout::nearest_in_direction(&points, current, direction)
                    .unwrap_or(current);
                self.focus_next = targets.get(next).map(|t| t.id);
            }
        }
    }

    fn open_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_owned())
                .collect()
        });
        if !dropped.is_empty() {
            self.queue_files(&dropped);
        }
    }

    fn top_bar_ui(&mut self, ui: &mut Ui) -> Vec<Command> {
        let input = crate::ui::top_bar::TopBar {
            layers: self.state.layers,
            tile_provider: &self.tile_provider,
            tile_cache: &self.state.tile_cache,
            panels: self.state.panels,
            recent_files: &self.state.recent_files,
        };
        crate::ui::top_bar::top_bar_ui(ui, &input, &mut self.basemap_form)
    }

    fn map_ui(&mut self, ui: &mut Ui) -> Vec<Command> {
        let rect = ui.available_rect_before_wrap();
        self.map_rect = Some(rect);
        // The part of the map no details card covers: the story is framed there.
        let free = self.free_map_area(rect);
        let resized_since_fit = self
            .auto_fitted
            .is_some_and(|fitted| fitted.size() != free.size());
        if (self.fit_pending || resized_since_fit)
            && self.loading.is_none()
            && free.width() > 50.0
            && free.height() > 50.0
        {
            self.fit_to_story(rect);
            self.auto_fitted = Some(free);
        }
        // Reserve the bottom of the paint order for the basemap: walkers draws tiles above it,
        // and the overlay fills it in with the frame's projection.
        let basemap_slot = ui.painter().add(Shape::Noop);
        self.search_matches
            .update(&self.search, &self.catalogue, self.story.dataset.len());
        let mut overlay = OverlayOutput::default();
        let home = self.memory.detached().unwrap_or(lon_lat(36.3, 33.5));
        let layers = self.state.layers;
        let mut counted = match (&mut self.tiles, layers.tiles) {
            (Some(tiles), true) => Some(CountingTiles {
                inner: tiles.as_tiles(),
                drawn: 0,
            }),
            _ => None,
        };
        let tiles = counted.as_mut().map(|t| t as &mut dyn Tiles);
        let highlight = self.search_matches.matches();
        let layer_rings: Vec<(usize, Color32)> = self
            .layer_bands
            .iter()
            .map(|b| {
                (
                    b.end,
                    Color32::from_rgb(b.colour[0], b.colour[1], b.colour[2]),
                )
            })
            .collect();
        let (index, index_pending) = self.map_index.current(&self.story.dataset);
        // What the counts of clusters and arrows depend on besides the view.
        let state_key = {
            use std::hash::{BuildHasher, Hash, Hasher};
            let mut hasher = foldhash::fast::FixedState::default().build_hasher();
            self.visible.generation().hash(&mut hasher);
            self.state.fade_hidden.hash(&mut hasher);
            self.search_matches.query().hash(&mut hasher);
            hasher.finish()
        };
        let plugin = StoryOverlay {
            state_key: Some(state_key),
            layer_rings: &layer_rings,
            highlight,
            dataset: &self.story.dataset,
            shared: Some(&self.story.dataset),
            index,
            visible: self.visible.flags(),
            fade_hidden: self.state.fade_hidden,
            range: self.range,
            selection: self.selection,
            layers,
            basemap: Some((&self.basemap, basemap_slot)),
            output: &mut overlay,
        };
        // Name the tile provider only while its tiles are drawn (as of the last frame).
        let attribution = if self.tiles_on_screen {
            self.tile_provider.attribution()
        } else {
            None
        };
        let response = Map::new(tiles, &mut self.memory, home)
            .zoom_with_ctrl(false)
            .with_plugin(plugin)
            .show(ui, |ui, _, _, _| attribution_ui(ui, rect, attribution))
            .response;
        if response.changed() || response.dragged() {
            self.auto_fitted = None;
        }
        let tiles_on_screen = counted.is_some_and(|t| t.drawn > 0);
        if tiles_on_screen != self.tiles_on_screen {
            self.tiles_on_screen = tiles_on_screen;
            ui.ctx().request_repaint();
        }
        let commands = std::mem::take(&mut overlay.commands);
        // The story's index is being built: nothing of it is drawn yet.
        overlay.level_pending |= index_pending;
        self.last_overlay = overlay;
        commands
    }

    /// The map less the details card, when the window is narrow enough for the card to float.
    fn free_map_area(&self, map: Rect) -> Rect {
        match self.details_card_width {
            Some(width) if self.selection.is_some() => Rect::from_min_max(
                map.min,
                egui::pos2((map.max.x - width - 16.0).max(map.min.x + 60.0), map.max.y),
            ),
            _ => map,
        }
    }

    /// Frames `bounds` (a cluster's places), at least one zoom level closer than now, so that
    /// a click on a cluster always opens it further.
    fn zoom_to(&mut self, bounds: LonLatBounds) {
        let Some(rect) = self.map_rect else {
            return;
        };
        let (center, zoom) = fit_bounds(bounds, self.free_map_area(rect).size(), 70.0, 2.0, 17.0);
        let zoom = zoom.max(self.memory.zoom() + 1.0).min(19.0);
        self.memory.center_at(center);
        let _ = self.memory.set_zoom(zoom);
        self.auto_fitted = None;
    }

    fn fit_to_story(&mut self, rect: Rect) {
        let free = self.free_map_area(rect);
        let dataset = &self.story.dataset;
        let points = crate::story::framing_points(dataset, |i| self.visible.is_visible(i));
        if let Some(bounds) = LonLatBounds::from_points(points) {
            let (center, zoom) = fit_bounds(bounds, free.size(), 70.0, 3.0, 14.0);
            // Framed in the free part: the map's own centre is where that puts it.
            let view = crate::map::projection::ScreenTransform::new(free, center, zoom);
            let center = view.to_world(rect.center()).to_position();
            self.memory.center_at(center);
            let _ = self.memory.set_zoom(zoom);
        }
        self.fit_pending = false;
    }

    fn apply(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::SelectMovements(movements) => {
                self.selection = None;
                self.selected_movements = Some(movements);
            }
            Command::Select(selection) => {
                self.selected_movements = None;
                self.selection = selection;
                self.reveal_selection = selection.is_some();
            }
            Command::Show(index) => {
                self.auto_fitted = None;
                self.selected_movements = None;
                self.selection = Some(index);
                if let Some(center) = self.center_of(index) {
                    self.memory.center_at(center);
                }
            }
            Command::FitAll => match self.map_rect {
                Some(rect) => self.fit_to_story(rect),
                None => self.fit_pending = true,
            },
            Command::ZoomTo(bounds) => self.zoom_to(bounds),
            Command::Zoom(delta) => {
                self.auto_fitted = None;
                let zoom = (self.memory.zoom() + delta).clamp(2.0, 19.0);
                if self.memory.detached().is_none()
                    && let Some(view) = self.last_overlay.view
                {
                    self.memory.center_at(view.world_center.to_position());
                }
                let _ = self.memory.set_zoom(zoom);
            }
            Command::SetLayers(layers) => self.state.layers = layers,
            Command::SetRange(range) => {
                self.playing = None;
                self.set_range(range);
            }
            Command::Step(count) => self.step(count),
            Command::TogglePlay => self.toggle_play(ctx.input(|i| i.time)),
            Command::SetPlayback(settings) => self.state.playback = Some(settings),
            Command::SetFadeHidden(fade) => self.state.fade_hidden = fade,
            Command::ToggleHelp => self.help_open = !self.help_open,
            Command::SetTileProvider(provider) => self.use_tiles(ctx, provider),
            Command::ClearTileCache => {
                // Drop the downloader first so nothing writes while the files go.
                self.tiles = None;
                if let Err(e) = self.state.tile_cache.clear() {
                    self.tile_error = Some(format!("could not clear the tile cache: {e}"));
                }
                self.use_tiles(ctx, self.tile_provider.clone());
            }
            Command::SetCacheLimit(bytes) => {
                self.state.tile_cache.limit_bytes = bytes;
                self.use_tiles(ctx, self.tile_provider.clone());
            }
            // Panels only offer web links; checked again here, where the link is opened.
            Command::SetPanels(panels) => self.state.panels = panels,
            Command::ToggleExport => self.export_open = !self.export_open,
            Command::ToggleLegend => self.state.legend_closed = !self.state.legend_closed,
            Command::Export(request) => self.start_export(*request),
            Command::Open(path) => {
                self.open_dialog.open = false;
                self.open(&path);
            }
            Command::ToggleOpenDialog => {
                if self.open_dialog.open {
                    self.open_dialog.open = false;
                } else {
                    let folder = self
                        .story
                        .path
                        .as_deref()
                        .and_then(Path::parent)
                        .filter(|p| p.is_dir())
                        .map(Path::to_path_buf)
                        .or_else(|| std::env::current_dir().ok())
                        .unwrap_or_default();
                    self.open_dialog.show_in(&folder);
                }
            }
            Command::SetLayerVisible(index, visible) => {
                self.layer_set.set_visible(index, visible);
                self.apply_layers();
            }
            Command::RemoveLayer(index) => {
                self.layer_set.remove(index);
                self.apply_layers();
            }
            Command::SetDateProperty(index, name) => {
                self.layer_set.set_date_property(index, &name);
                self.apply_layers();
            }
            Command::OpenWithColumns(path, headers, mapping) => {
                let key = crate::import::columns::layout_key(&headers);
                self.state.column_mappings.insert(key, mapping);
                self.columns_dialog = None;
                self.open(&path);
            }
            Command::CloseColumnsDialog => self.columns_dialog = None,
            Command::CancelLoad => {
                if let Some(pending) = &self.loading {
                    pending.job.cancel();
                }
            }
            Command::CancelExport => {
                if let Some(job) = &self.export_job {
                    job.cancel();
                }
            }
            Command::OpenUrl(url) => match crate::model::link::check(&url) {
                Ok(url) => ctx.open_url(egui::OpenUrl::new_tab(url.as_str())),
                Err(why) => log::warn!("not opening {url:?}: {why}"),
            },
        }
    }

    /// Where to centre the map to show a feature: a movement's middle, anything else's anchor.
    fn center_of(&self, index: FeatureIndex) -> Option<walkers::Position> {
        let dataset = &self.story.dataset;
        match dataset.get(index)? {
            Feature::Movement(m) => {
                let path = dataset.movement_path(&m)?;
                let (a, b) = (path.first()?, path.last()?);
                Some(lon_lat((a.x + b.x) / 2.0, (a.y + b.y) / 2.0))
            }
            other => dataset.anchor(&other),
        }
    }

    fn load_error_ui(&mut self, ctx: &egui::Context) {
        let Some(problems) = &self.load_error else {
            return;
        };
        let mut open = true;
        egui::Window::new("The file could not be opened")
            .collapsible(false)
            .open(&mut open)
            .anchor(Align2::CENTER_CENTER, vec2(0.0, 0.0))
            .show(ctx, |ui| {
                ui.label(format!("{} is still shown. The problems:", self.story.name));
                egui::ScrollArea::vertical()
                    .max_height(300.0)
                    .show(ui, |ui| {
                        for problem in problems {
                            // Warnings come with the errors that refused the file; tell them apart.
                            let colour = if problem.contains(": warning: ") {
                                Color32::from_rgb(0x8a, 0x5a, 0x00)
                            } else {
                                Color32::from_rgb(0xa0, 0x20, 0x20)
                            };
                            ui.label(RichText::new(problem).monospace().color(colour));
                        }
                    });
            });
        if !open {
            self.load_error = None;
        }
    }

    fn advance_screenshot(&mut self, ctx: &egui::Context) {
        let Some(job) = &mut self.screenshot else {
            return;
        };
        // While a file is read, `poll_load` asks for the frames the progress needs.
        if self.loading.is_none() {
            ctx.request_repaint();
        }
        if job.requested {
            return;
        }
        let tiles_busy = self.state.layers.tiles
            && self.tiles.as_ref().is_some_and(|t| t.loading() > 0)
            && job.started.elapsed() < SCREENSHOT_TILE_WAIT;
        // Taken once the story is drawn and settled: its resident memory is then what it keeps.
        let shown = self.loading.is_none()
            && !self.fit_pending
            && self.last_overlay.view.is_some()
            && !self.last_overlay.level_pending
            && !crate::memory::settle_pending();
        if !shown {
            return;
        }
        // One more frame after the first that showed it, and never before egui's first few
        // (panel sizes settle over them). Each frame costs a few tenths of a second under
        // software rendering, so no more are waited for.
        let ready_at = *job.ready_at.get_or_insert(self.frames);
        let drawn = self.frames > ready_at && self.frames >= 3;
        if !drawn || tiles_busy {
            return;
        }
        job.requested = true;
        log::info!(
            "screenshot taken at frame {}; {}",
            self.frames,
            crate::logging::describe_resident()
        );
        let path = job.path.clone();
        let outcome = job.outcome.clone();
        let exit_when_saved = job.exit_when_saved;
        let layout = screenshot_layout(self);
        let context = ctx.clone();
        ctx.request_screenshot(move |image| {
            let code = match save_png(&path, &image).and_then(|()| {
                std::fs::write(layout_path(&path), layout).map_err(|e| e.to_string())
            }) {
                Ok(()) => 0,
                Err(message) => {
                    eprintln!(
                        "evacmap: cannot save the screenshot {}: {message}",
                        path.display()
                    );
                    1
                }
            };
            log::info!("screenshot saved to {}", path.display());
            if let Ok(mut slot) = outcome.lock() {
                *slot = Some(code);
            }
            if exit_when_saved {
                // The picture is all a `--screenshot` run leaves (it saves no settings):
                // closing the window and tearing down the renderer took seconds under
                // software GL, for nothing.
                std::process::exit(code);
            }
            context.send_viewport_cmd(egui::ViewportCommand::Close);
            context.request_repaint();
        });
    }
}

/// The file beside a screenshot that says where the map and its markers are in it.
pub fn layout_path(png: &Path) -> PathBuf {
    let mut name = png.as_os_str().to_owned();
    name.push(".layout.json");
    PathBuf::from(name)
}

/// The map's rectangle, view and drawn markers, so tools (and tests) can find things in the PNG.
fn screenshot_layout(app: &EvacApp) -> String {
    let overlay = &app.last_overlay;
    let rect = app.map_rect.unwrap_or(Rect::NOTHING);
    let view = overlay.view;
    let arrows: Vec<&str> = overlay
        .arrows
        .iter()
        .map(|i| app.story.dataset.store().id(i.0))
        .collect();
    let markers: Vec<serde_json::Value> = overlay
        .markers
        .iter()
        .filter_map(|m| {
            let feature = app.story.dataset.get(m.feature)?;
            Some(serde_json::json!({
                "id": feature.id(),
                "drawn": [m.drawn_position.x, m.drawn_position.y],
                "true": [m.true_position.x, m.true_position.y],
                "color": [m.color.r(), m.color.g(), m.color.b()],
            }))
        })
        .collect();
    let center = view.map(|v| v.world_center.to_position());
    serde_json::to_string_pretty(&serde_json::json!({
        "map_rect": [rect.min.x, rect.min.y, rect.max.x, rect.max.y],
        "center_lon_lat": center.map(|c| [c.x(), c.y()]),
        "zoom": view.map(|v| v.zoom()),
        "markers": markers,
        "arrows": arrows,
        "arrows_left_out": overlay.arrows_left_out,
        "clusters": overlay
            .clusters
            .iter()
            .map(|c| serde_json::json!({ "center": [c.center.x, c.center.y], "count": c.count }))
            .collect::<Vec<_>>(),
    }))
    .unwrap_or_default()
}

fn save_png(path: &Path, image: &egui::ColorImage) -> Result<(), String> {
    let [width, height] = image.size;
    let bytes: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    let buffer = image::RgbaImage::from_raw(width as u32, height as u32, bytes)
        .ok_or("the screenshot has an unexpected size")?;
    buffer.save(path).map_err(|e| e.to_string())
}

/// The attribution at the bottom right of the map: the tile provider's while its tiles are on
/// screen, and Natural Earth's for the offline basemap.
pub fn attribution_ui(ui: &mut Ui, map_rect: Rect, attribution: Option<(String, String)>) {
    egui::Area::new(ui.scope_id().with("attribution"))
        .fixed_pos(map_rect.right_bottom() - vec2(2.0, 2.0))
        .pivot(Align2::RIGHT_BOTTOM)
        .order(egui::Order::Middle)
        .show(ui.ctx(), |ui| {
            egui::Frame::new()
                .fill(Color32::from_white_alpha(215))
                .inner_margin(egui::Margin::symmetric(6, 2))
                .corner_radius(3.0)
                .show(ui, |ui| {
                    ui.horizontal(|ui| {
                        ui.spacing_mut().item_spacing.x = 4.0;
                        if let Some((text, url)) = attribution {
                            if url.is_empty() {
                                ui.label(RichText::new(text).small());
                            } else {
                                ui.hyperlink_to(RichText::new(text).small(), url);
                            }
                            ui.label(RichText::new("|").small());
                        }
                        ui.hyperlink_to(
                            RichText::new("Natural Earth").small(),
                            "https://www.naturalearthdata.com/",
                        )
                        .on_hover_text(
                            "Offline basemap: Natural Earth (public domain), 1:50m world and \
                             1:10m region. Borders follow Natural Earth's default, de facto point \
                             of view; disputed areas (the Golan among them) are outlined in dashes.",
                        );
                    });
                });
        });
}

impl eframe::App for EvacApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn on_exit(&mut self) {
        log::info!("exiting");
    }

    fn persist_egui_memory(&self) -> bool {
        // A documentation screenshot must not change what the user's next session looks like.
        self.screenshot.is_none()
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.screenshot.is_none() {
            eframe::set_value(storage, eframe::APP_KEY, &self.persisted());
        }
    }
}

/// Opens the window; returns the process exit code.
pub fn run(args: WindowArgs) -> i32 {
    let tiles = match args.tiles.as_deref().map(TileProvider::parse).transpose() {
        Ok(tiles) => tiles,
        Err(message) => {
            eprintln!("evacmap: {message}");
            return 2;
        }
    };
    let range = match range_from_args(args.from.as_deref(), args.to.as_deref()) {
        Ok(range) => range,
        Err(e) => {
            eprintln!("evacmap: {e}");
            return 2;
        }
    };
    let options = AppOptions {
        file: args.files.first().cloned(),
        more_files: args.files.iter().skip(1).cloned().collect(),
        screenshot: args.screenshot.clone(),
        reset: args.reset,
        tiles,
        range,
        select: args.select.clone(),
        labels: args.labels,
        view: args.view,
        exit_code: ExitCodeSlot::default(),
        exit_after_screenshot: true,
    };
    let size = args.size.unwrap_or((1280.0, 800.0));
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("evacmap")
            .with_app_id("evacmap")
            .with_inner_size([size.0, size.1])
            .with_min_inner_size([640.0, 420.0]),
        persist_window: !args.reset && args.screenshot.is_none() && args.size.is_none(),
        ..Default::default()
    };
    let exit_code = options.exit_code.clone();
    let result = eframe::run_native(
        "evacmap",
        native,
        Box::new(move |cc| {
            let stored = if options.reset {
                None
            } else {
                cc.storage
                    .and_then(|s| eframe::get_value::<PersistedState>(s, eframe::APP_KEY))
            };
            Ok(Box::new(EvacApp::new(&cc.egui_ctx, options, stored)))
        }),
    );
    if let Err(e) = result {
        eprintln!("evacmap: cannot open the window: {e}");
        return 1;
    }
    log::info!("window closed");
    match (
        &args.screenshot,
        exit_code.lock().ok().and_then(|code| *code),
    ) {
        (None, _) => 0,
        (Some(_), Some(code)) => code,
        (Some(path), None) => {
            eprintln!(
                "evacmap: the window closed before {} was saved",
                path.display()
            );
            1
        }
    }
}
