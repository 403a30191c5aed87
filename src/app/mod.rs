//! The eframe application: owns the story, the view and the tiles; draws the panels and the map,
//! then applies the commands they returned.

use std::path::PathBuf;

use egui::{Id, Rect, Ui};
use walkers::MapMemory;

use crate::filter::{TimeIndex, VisibleSet};
use crate::layers::LayerSet;
use crate::map::basemap::Basemap;
use crate::map::overlay::OverlayOutput;
use crate::map::tiles::{MapTiles, TileProvider};
use crate::model::{Dataset, DaySpan, FeatureIndex};
use crate::playback::{self, PlaybackSettings};
use crate::story::Story;
use crate::ui::basemap_menu::BasemapForm;
use crate::ui::event_list::{EventCatalogue, SearchHighlight};
use crate::ui::timeline::TimelineState;

mod chapters;
mod command_handling;
mod edit_prompts;
mod editing;
mod export;
mod keyboard;
mod live;
mod loading;
mod map_view;
mod playing;
mod screenshot;
mod startup;
mod state;
mod stored_editing;
mod story_indexes;
mod ui;

pub use keyboard::SHORTCUTS;
use loading::PendingLoad;
pub use map_view::attribution_ui;
use screenshot::ScreenshotJob;
pub use screenshot::layout_path;
pub use startup::run;
pub use state::{AppOptions, ExitCodeSlot, PersistedState, SavedRange, SavedView};

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
    /// Open tables to read again (a gazetteer was added), and web collections (the view moved).
    queued_reloads: Vec<PathBuf>,
    /// Listeners for the changes of stories opened from databases.
    live: live::Live,
    /// The view and range web collections were last asked for.
    fetched_window: Option<crate::open::ogc_api::Window>,
    /// A new view and range, and since when it has stayed: asked for once it settles.
    window_settled: Option<(crate::open::ogc_api::Window, std::time::Instant)>,
    open_dialog: crate::ui::open_dialog::OpenDialog,
    database_dialog: crate::ui::database_dialog::DatabaseDialog,
    /// Which column is what, for a table of no known kind being opened.
    columns_dialog: Option<crate::ui::columns_dialog::ColumnsDialog>,
    /// Reloads a layer when its file changes; `None` until the first frame.
    watcher: Option<crate::open::watch::FileWatcher>,
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
    /// The unit of the last Step ◀/▶ and the range it gave: while the range is that one, the
    /// next step goes by the same unit (a month from all time, then month by month).
    stepped: Option<(playback::StepUnit, DaySpan)>,
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
    /// A big story's time index, list and extent, worked out on a thread.
    indexes: story_indexes::IndexesBuilding,
    /// From how many features they are (`None`: [`story_indexes::INDEXES_IN_BACKGROUND_FROM`]).
    indexes_in_background_from: Option<usize>,
    /// The store's overview of the story being read has been drawn (and framed, if the story
    /// would have been): the view then stays when the features come.
    overview_shown: bool,
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
    /// Edit mode, the edits and their questions.
    edit: editing::EditState,
    /// Story mode: the chapter shown, and where the reader was.
    chapters: chapters::ChapterState,
    /// A story with chapters opens on its first one.
    open_first_chapter: bool,
    /// The chapter panel had the keyboard last frame: ← and → go from chapter to chapter.
    chapter_panel_focused: bool,
    /// In edit mode, the shown chapter's title and text as typed.
    chapter_draft: crate::ui::chapter_panel::ChapterDraft,
    /// The chapter the draft was made from (a new one, or one undo changed, starts it again).
    chapter_draft_for: Option<crate::model::Chapter>,
}

pub use crate::fonts::ARABIC_FAMILY;

/// Sets `ctx` up as the window is: evacmap's fonts, and text styles people can read (no text
/// below 12 px, colours that contrast). Tests start their harness with it.
pub fn install_fonts(ctx: &egui::Context) {
    crate::fonts::install_fonts(ctx);
    ctx.all_styles_mut(crate::ui::text_style::make_readable);
}

impl EvacApp {
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

    /// The timeline's state: the days it shows, what is typed in its fields.
    pub fn timeline(&self) -> &crate::ui::timeline::TimelineState {
        &self.timeline
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

    pub fn tile_provider(&self) -> &TileProvider {
        &self.tile_provider
    }

    pub fn tile_error(&self) -> Option<&str> {
        self.tile_error.as_deref()
    }

    pub fn tiles(&self) -> Option<&MapTiles> {
        self.tiles.as_ref()
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
