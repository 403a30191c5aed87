//! What the app remembers between runs (one serde struct) and the options it starts with.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::import::columns::ColumnMapping;
use crate::map::tiles::{CacheSettings, TileProvider};
use crate::map::toggles::DrawToggles;
use crate::model::DaySpan;
use crate::open::ImportOptions;
use crate::playback::PlaybackSettings;

/// Everything evacmap remembers between runs; one struct, saved by eframe.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct PersistedState {
    pub view: Option<SavedView>,
    /// What the map draws (the Layers menu); saved as `layers` before, and read by either name.
    #[serde(alias = "layers")]
    pub draw: DrawToggles,
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
    /// Chapters follow one another without gliding.
    pub reduced_motion: bool,
    /// Gazetteers added (File → Add gazetteer…, `--gazetteer`): tables name places by p-code
    /// or admin name and are placed from these and the bundled one.
    pub gazetteers: Vec<PathBuf>,
}

/// A time range as saved: ISO days, `None` for an open end.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct SavedRange {
    pub from: Option<String>,
    pub to: Option<String>,
}

impl SavedRange {
    pub(super) fn from_span(span: &DaySpan) -> Self {
        Self {
            from: span.first.map(|d| d.to_string()),
            to: span.last.map(|d| d.to_string()),
        }
    }

    /// The span, or `None` when a saved day does not parse (a hand-edited file).
    pub(super) fn to_span(&self) -> Option<DaySpan> {
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
    /// Where the recovery journals of unsaved edits are kept; `None`: edits are not journaled
    /// (the window sets the user's data folder; tests a folder of their own).
    pub journal_dir: Option<std::path::PathBuf>,
    /// `--chapter N|ID`: open on that chapter.
    pub chapter: Option<String>,
    /// A story with chapters opens on its first (the window; tests and screenshots ask).
    pub open_first_chapter: bool,
    /// `--edit`: start in edit mode, with the selection's form open.
    pub edit: bool,
    /// `--test-rename ID=NAME`: edits made once the story is read (the journal's tests).
    pub test_renames: Vec<(String, String)>,
    /// `--gazetteer FILE`: added to the remembered gazetteers.
    pub gazetteers: Vec<PathBuf>,
    /// From how many features a story's time index, list and extent are worked out on a
    /// thread; `None`: a million (tests ask for it with small stories).
    pub indexes_in_background_from: Option<usize>,
}
/// How a file is read: with `companions`, and the columns chosen before for tables of no known
/// kind.
pub(super) fn import_options(state: &PersistedState, companions: Vec<PathBuf>) -> ImportOptions {
    // Each was read when it was added; one that cannot be read now (moved, deleted) is left
    // out with a note in the log, and the tables are placed from the others.
    let readable: Vec<PathBuf> = state
        .gazetteers
        .iter()
        .filter(|path| path.is_file())
        .cloned()
        .collect();
    let gazetteer = crate::import::gazetteer::with_files(&readable).unwrap_or_else(|error| {
        log::warn!("the added gazetteers are not used: {error}");
        None
    });
    ImportOptions {
        companions,
        remembered: state.column_mappings.clone(),
        columns: None,
        gazetteer,
        // The app asks a web collection for its view and range when it knows them.
        window: Default::default(),
    }
}

/// How many files File → Open recent offers.
pub(super) const RECENT_FILES: usize = 8;
