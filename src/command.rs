//! What the panels ask the app to do (and what the map's own actions become): returned from
//! each frame's UI, applied by the app once the frame is drawn. The map never imports this: it
//! returns [`crate::map::overlay::MapAction`]s, which the app turns into commands here.

use crate::map::toggles::DrawToggles;
use crate::model::{DaySpan, FeatureIndex};
use crate::playback::PlaybackSettings;

/// Something the user asked for, applied by the app once the frame is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Select a feature, or clear the selection.
    Select(Option<FeatureIndex>),
    /// Select the movements one arrow between clusters stands for (the details list them).
    SelectMovements(Vec<FeatureIndex>),
    /// Select a feature and bring it into view.
    Show(FeatureIndex),
    /// Frame the whole story.
    FitAll,
    /// Zoom in on this box (a cluster of places), at least one level closer.
    ZoomTo(crate::map::projection::LonLatBounds),
    /// Zoom in (positive) or out (negative) by whole levels.
    Zoom(f64),
    /// Draw or leave out tiles, basemap, places, movements or labels.
    SetDrawToggles(DrawToggles),
    /// Show what intersects this time range.
    SetRange(DaySpan),
    /// Move the range by its own length, this many times (negative: back): ← and →.
    Step(i32),
    /// Move the range by steps of the unit the timeline shows (Step ◀ and Step ▶).
    StepByUnit(i32),
    TogglePlay,
    SetPlayback(PlaybackSettings),
    /// Fade (true) or hide (false) what is outside the range.
    SetFadeHidden(bool),
    ToggleHelp,
    /// Use another tile provider (and remember it).
    SetTileProvider(crate::map::tiles::TileProvider),
    ClearTileCache,
    SetCacheLimit(u64),
    /// Open a link in the browser (only ever on a click).
    OpenUrl(String),
    /// Show or hide the side and bottom panels.
    SetPanels(Panels),
    /// Open or close the export dialog.
    ToggleExport,
    /// Show or hide the legend.
    ToggleLegend,
    /// Write an export (on a worker thread; the dialog shows its progress).
    Export(Box<crate::export::ExportRequest>),
    /// Stop the export under way; nothing is written.
    CancelExport,
    /// Stop opening a file; the story on screen stays.
    CancelLoad,
    /// Open a file as a layer (any format evacmap reads).
    Open(std::path::PathBuf),
    /// Show or close the Open dialog.
    ToggleOpenDialog,
    /// File → Open database…: the dialog for a story in PostgreSQL.
    ShowDatabaseDialog,
    /// File → Add gazetteer…: the open dialog, to pick a gazetteer.
    ShowGazetteerDialog,
    /// Adds a gazetteer (tables open again, placed with it too).
    AddGazetteer(std::path::PathBuf),
    /// Show or hide a layer (by its place in the list of open files).
    SetLayerVisible(usize, bool),
    RemoveLayer(usize),
    /// Date a layer's features from other tools by this property.
    SetDateProperty(usize, String),
    /// Open a table of no known kind with these columns (remembered for its header).
    OpenWithColumns(
        std::path::PathBuf,
        Vec<String>,
        crate::import::columns::ColumnMapping,
    ),
    CloseColumnsDialog,
    /// Edit mode's commands.
    Edit(EditCommand),
    /// Story mode's commands.
    Chapter(ChapterCommand),
    /// What to do with unsaved edits before the window closes or another file opens.
    ResolveUnsaved(UnsavedChoice),
    /// The file being edited changed on disk while there were unsaved edits.
    ResolveExternalChange(ExternalChoice),
}

/// What story mode is asked to do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ChapterCommand {
    /// Show the chapter at this index (story mode starts).
    Go(usize),
    /// Back to free exploration, where the reader was.
    Leave,
    /// Jump between chapters instead of gliding (remembered).
    SetReducedMotion(bool),
}

/// What edit mode is asked to do.
#[derive(Debug, Clone, PartialEq)]
pub enum EditCommand {
    /// Turn edit mode on or off (E): the map is read-only until it is on.
    ToggleMode,
    /// Make an edit (from a form or the map); undoable.
    Perform(Box<crate::model::edit::Edit>),
    Undo,
    Redo,
    /// Save where the story is (Ctrl+S); the bundled story asks where.
    Save,
    /// Save the story to another file, which it is then.
    SaveAs(std::path::PathBuf),
    /// Show or close the Save as dialog.
    ToggleSaveAs,
    /// Open an edit form.
    OpenForm(FormRequest),
    CloseForm,
    /// Move a place (and the ends of the movement lines drawn from it).
    MovePlace {
        place: FeatureIndex,
        lon: f64,
        lat: f64,
    },
    /// Delete a feature (undoable; not a place something still happens at).
    DeleteFeature(FeatureIndex),
    /// A new chapter after the one shown (or at the end): the current view, range and
    /// selection.
    AddChapterFromView,
    /// Replay the unsaved edits found at start (true), or let them go.
    RestoreEdits(bool),
    /// A conflict of a save to the database (by its place in the list) resolved: our version
    /// kept (the next save writes over theirs), or theirs.
    ResolveConflict {
        index: usize,
        keep_mine: bool,
    },
}

/// Which edit form to open.
#[derive(Debug, Clone, PartialEq)]
pub enum FormRequest {
    NewPlace {
        lon: f64,
        lat: f64,
    },
    /// A new movement, from and to these places where known.
    NewMovement {
        from: Option<FeatureIndex>,
        to: Option<FeatureIndex>,
    },
    /// A new event at the selected place, or in the middle of the view.
    NewEvent {
        place: Option<FeatureIndex>,
        point: Option<(f64, f64)>,
    },
    /// The form of a place, movement or event.
    Feature(FeatureIndex),
    Sources,
}

/// The answer to "save the edits first?".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnsavedChoice {
    Save,
    Discard,
    Cancel,
}

/// The answer to "the file changed on disk while you edited it".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternalChoice {
    /// Read the file again; the unsaved edits go.
    Reload,
    /// Keep the edits: save them under another name.
    KeepMine,
    /// List what differs between the file on disk and the story edited.
    Compare,
}

impl From<crate::map::overlay::MapAction> for Command {
    fn from(action: crate::map::overlay::MapAction) -> Self {
        use crate::map::overlay::MapAction;
        match action {
            MapAction::Select(index) => Command::Select(index),
            MapAction::SelectMovements(movements) => Command::SelectMovements(movements),
            MapAction::ZoomTo(bounds) => Command::ZoomTo(bounds),
            MapAction::AddPlaceAt { lon, lat } => {
                Command::Edit(EditCommand::OpenForm(FormRequest::NewPlace { lon, lat }))
            }
            MapAction::MovePlace { place, lon, lat } => {
                Command::Edit(EditCommand::MovePlace { place, lon, lat })
            }
            MapAction::Connect { from, to } => {
                Command::Edit(EditCommand::OpenForm(FormRequest::NewMovement {
                    from: Some(from),
                    to: Some(to),
                }))
            }
        }
    }
}

/// Which panels are shown; remembered. The map takes the room of a hidden one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Panels {
    /// The story, search and event list on the left.
    pub list: bool,
    /// The timeline and playback along the bottom.
    pub timeline: bool,
}

impl Default for Panels {
    fn default() -> Self {
        Self {
            list: true,
            timeline: true,
        }
    }
}
