//! Starting the app: restoring what was saved, opening the files named, and the window.

use std::path::PathBuf;
use std::time::Instant;

use walkers::{MapMemory, lon_lat};

use super::EvacApp;
use super::loading::PendingLoad;
use super::screenshot::ScreenshotJob;
use super::state::{AppOptions, ExitCodeSlot, PersistedState, SavedView, import_options};
use crate::cli::WindowArgs;
use crate::filter::{TimeIndex, VisibleSet, range_from_args};
use crate::layers::{Layer, LayerSet};
use crate::map::basemap::Basemap;
use crate::map::overlay::OverlayOutput;
use crate::map::tiles::TileProvider;
use crate::model::DaySpan;
use crate::open::job::LoadJob;
use crate::story::Story;
use crate::ui::basemap_menu::BasemapForm;
use crate::ui::event_list::{EventCatalogue, SearchHighlight};
use crate::ui::timeline::TimelineState;

impl EvacApp {
    #[expect(
        clippy::too_many_lines,
        reason = "restoring a session is one ordered sequence (saved state, options, files, view); split, its order would be hidden"
    )]
    pub fn new(ctx: &egui::Context, options: AppOptions, stored: Option<PersistedState>) -> Self {
        super::install_fonts(ctx);
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
            state.draw.label_language = language;
        }
        for path in &options.gazetteers {
            if !state.gazetteers.contains(path) {
                state.gazetteers.push(path.clone());
            }
        }
        // Files named together open together: a flow table with its locations.
        let named: Vec<PathBuf> = options
            .file
            .iter()
            .chain(&options.more_files)
            .cloned()
            .collect();
        let mut named = crate::open::group_companions(&named).into_iter();
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
            queued_reloads: Vec::new(),
            // A web or database layer read at start is first asked for everything.
            fetched_window: requested
                .as_ref()
                .filter(|p| p.to_str().is_some_and(crate::open::is_remote))
                .map(|_| Default::default()),
            live: Default::default(),
            window_settled: None,
            open_dialog: Default::default(),
            database_dialog: Default::default(),
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
            stepped: None,
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
            overview_shown: false,
            indexes: Default::default(),
            indexes_in_background_from: options.indexes_in_background_from,
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
            chapters: super::chapters::ChapterState {
                pending: options.chapter.clone(),
                ..Default::default()
            },
            open_first_chapter: options.open_first_chapter,
            chapter_panel_focused: false,
            chapter_draft: Default::default(),
            chapter_draft_for: None,
            edit: super::editing::EditState {
                journal_dir: options.journal_dir.clone(),
                test_renames: options.test_renames.clone(),
                start_editing: options.edit,
                ..Default::default()
            },
        };
        if app.loading.is_none() {
            app.state.last_file = None;
        }
        app.reindex();
        if app.loading.is_none() {
            app.look_for_recovery();
            app.chapters_for_new_story();
        }
        app.use_tiles(ctx, tile_provider);
        if app.loading.is_none()
            && let Some(id) = &select
        {
            app.selection = app.story.dataset.index_of(id);
        }
        app
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
    // A gazetteer named on the command line is read now: one that cannot be is said at once.
    let gazetteers: Vec<PathBuf> = args
        .gazetteers
        .iter()
        .map(|path| std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()))
        .collect();
    if let Err(error) = crate::import::gazetteer::with_files(&gazetteers) {
        eprintln!("evacmap: {error}");
        return 2;
    }
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
        // A screenshot shows the story, never a question about edits of another session.
        journal_dir: args
            .screenshot
            .is_none()
            .then(crate::editing::default_journal_dir)
            .flatten(),
        edit: args.edit,
        indexes_in_background_from: None,
        chapter: args.chapter.clone(),
        // What the command line asks to see wins over the first chapter, and a screenshot
        // shows the whole story unless it names a chapter.
        open_first_chapter: args.screenshot.is_none()
            && args.select.is_none()
            && args.view.is_none()
            && args.from.is_none()
            && args.to.is_none(),
        test_renames: args
            .test_renames
            .iter()
            .filter_map(|r| r.split_once('='))
            .map(|(id, name)| (id.to_owned(), name.to_owned()))
            .collect(),
        gazetteers,
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
