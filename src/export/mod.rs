//! Publishing: the map as PNG, SVG or PDF, playback as an animated GIF or a sequence of PNG
//! frames, and what the time range shows as GeoJSON or CSV.
//!
//! Every picture is one [`scene::Scene`], painted by the window's own map code in an egui
//! context without a display ([`render`]), framed with a title, a source line built from what is
//! shown and a legend ([`frame`]), written as SVG ([`svg`]) and from that rasterised or made into
//! a PDF ([`raster`]). Files are written whole or not at all: to a temporary file beside the
//! target, renamed over it once complete.

pub mod animation;
pub mod chapter;
pub mod data;
pub mod frame;
pub mod job;
pub mod raster;
pub mod render;
pub mod scene;
pub mod svg;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use egui::{Vec2, vec2};

use crate::filter::{TimeIndex, VisibleSet};
use crate::map::projection::{LonLatBounds, fit_bounds};
use crate::map::tiles::{CacheSettings, TileProvider};
use crate::map::toggles::DrawToggles;
use crate::model::{Dataset, DaySpan};
use crate::playback::{PlayMode, StepUnit};
pub use frame::FrameText;
pub use render::MapView;

/// What an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Format {
    Png,
    Svg,
    Pdf,
    /// Playback as an animated GIF.
    Gif,
    /// Playback as a folder of numbered PNG frames.
    Frames,
    GeoJson,
    Csv,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Png,
        Format::Svg,
        Format::Pdf,
        Format::Gif,
        Format::Frames,
        Format::GeoJson,
        Format::Csv,
    ];

    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "png" => Some(Format::Png),
            "svg" => Some(Format::Svg),
            "pdf" => Some(Format::Pdf),
            "gif" => Some(Format::Gif),
            "frames" => Some(Format::Frames),
            "geojson" | "json" => Some(Format::GeoJson),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// The format a file name asks for, by its extension.
    pub fn from_path(path: &Path) -> Option<Self> {
        let extension = path.extension()?.to_str()?;
        match Self::parse(extension)? {
            Format::Frames => None,
            format => Some(format),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
            Format::Pdf => "pdf",
            Format::Gif => "gif",
            Format::Frames => "",
            Format::GeoJson => "geojson",
            Format::Csv => "csv",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Format::Png => "PNG image",
            Format::Svg => "SVG (vector)",
            Format::Pdf => "PDF (one page)",
            Format::Gif => "Animated GIF of playback",
            Format::Frames => "PNG frames of playback (a folder)",
            Format::GeoJson => "GeoJSON data (evacmap's format)",
            Format::Csv => "CSV, one row per figure",
        }
    }

    /// A picture of one moment (not data, not an animation).
    pub fn is_picture(self) -> bool {
        matches!(self, Format::Png | Format::Svg | Format::Pdf)
    }

    pub fn is_animation(self) -> bool {
        matches!(self, Format::Gif | Format::Frames)
    }
}

/// Which part of the world the picture shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ViewChoice {
    /// Frame what is shown (as Fit story does).
    Fit,
    /// Show this box whole.
    Bounds(LonLatBounds),
    /// Exactly this view (as the window shows it).
    Exact(MapView),
}

/// The page: its size in points (CSS pixels); `mm` when it was asked for in millimetres.
/// With `map_only`, the size is the map's and the page grows by the frame around it (as when
/// the window's map is exported at its size on screen).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSize {
    pub width: f32,
    pub height: f32,
    pub mm: bool,
    pub map_only: bool,
}

impl PageSize {
    pub fn points(width: f32, height: f32) -> Self {
        Self {
            width,
            height,
            mm: false,
            map_only: false,
        }
    }

    /// A map of this size in points, the frame around it.
    pub fn map(width: f32, height: f32) -> Self {
        Self {
            map_only: true,
            ..Self::points(width, height)
        }
    }

    /// Parses "1200x800" (points) or "297x210mm".
    pub fn parse(text: &str) -> Result<Self, String> {
        let (text, mm) = match text.trim().strip_suffix("mm") {
            Some(rest) => (rest, true),
            None => (text.trim().strip_suffix("px").unwrap_or(text.trim()), false),
        };
        let (w, h) = text.split_once(['x', 'X', '×']).ok_or_else(|| {
            format!("expected WIDTHxHEIGHT (e.g. 1200x800 or 297x210mm), found {text:?}")
        })?;
        let (low, high) = if mm {
            (20.0, 2000.0)
        } else {
            (100.0, 10_000.0)
        };
        let number = |s: &str| {
            s.trim()
                .parse::<f32>()
                .ok()
                .filter(|v| (low..=high).contains(v))
                .ok_or_else(|| {
                    let unit = if mm { " mm" } else { "" };
                    format!("{s:?} is not a size from {low}{unit} to {high}{unit}")
                })
        };
        let (width, height) = (number(w)?, number(h)?);
        let to_points = if mm { 96.0 / 25.4 } else { 1.0 };
        Ok(Self {
            width: width * to_points,
            height: height * to_points,
            mm,
            map_only: false,
        })
    }

    pub fn vec(self) -> Vec2 {
        vec2(self.width, self.height)
    }
}

/// How playback is animated.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AnimationSettings {
    /// `None`: chosen from the span, as the Play button does.
    pub unit: Option<StepUnit>,
    pub mode: PlayMode,
    /// Time each frame shows, in milliseconds.
    pub delay_ms: u32,
    /// Time the last frame stays, in milliseconds (each chapter, with `chapters`).
    pub hold_ms: u32,
    /// One frame a chapter of the story, each held `hold_ms`, instead of playback's steps.
    pub chapters: bool,
}

impl Default for AnimationSettings {
    fn default() -> Self {
        Self {
            unit: None,
            mode: PlayMode::Cumulative,
            delay_ms: 800,
            hold_ms: 3000,
            chapters: false,
        }
    }
}

/// Everything an export needs to know.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRequest {
    pub format: Format,
    pub out: PathBuf,
    pub range: DaySpan,
    pub view: ViewChoice,
    pub size: PageSize,
    /// Pixels per point for raster output (2 and 3 for print).
    pub scale: f32,
    pub frame: FrameText,
    pub draw: DrawToggles,
    pub tiles: TileProvider,
    pub cache: CacheSettings,
    pub animation: AnimationSettings,
    /// The feature drawn selected (a chapter's).
    pub selection: Option<crate::model::FeatureIndex>,
}

impl ExportRequest {
    /// A PNG of the whole story on the offline basemap, 1200×800, with a legend.
    pub fn new(format: Format, out: PathBuf) -> Self {
        Self {
            format,
            out,
            range: DaySpan::ALL_TIME,
            view: ViewChoice::Fit,
            size: PageSize::points(1200.0, 800.0),
            scale: 1.0,
            frame: FrameText {
                legend: true,
                ..FrameText::default()
            },
            draw: DrawToggles {
                tiles: false,
                ..DrawToggles::default()
            },
            tiles: TileProvider::Offline,
            cache: CacheSettings::default(),
            animation: AnimationSettings::default(),
            selection: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Render(String),
    #[error("the map tiles cannot be used: {0}")]
    Tiles(String),
    #[error("nothing to animate: no dated item in {0}")]
    NothingToAnimate(String),
    #[error("{0}")]
    Request(String),
    #[error("the export was cancelled; nothing was written")]
    Cancelled,
}

/// Progress of a long export, read by the window; set `cancel` to stop it.
#[derive(Debug, Default)]
pub struct Progress {
    pub done: AtomicUsize,
    pub total: AtomicUsize,
    pub cancel: AtomicBool,
}

impl Progress {
    fn check(&self) -> Result<(), ExportError> {
        if self.cancel.load(Ordering::Relaxed) {
            Err(ExportError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// From 0 to 1.
    pub fn fraction(&self) -> f32 {
        let total = self.total.load(Ordering::Relaxed);
        if total == 0 {
            0.0
        } else {
            self.done.load(Ordering::Relaxed) as f32 / total as f32
        }
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportSummary {
    pub path: PathBuf,
    pub bytes: u64,
    /// Frames of an animation; 1 for a picture; rows or features for data.
    pub parts: usize,
    /// The source line of the picture (or of the data).
    pub sources: String,
}

/// Exports `dataset` as `request` asks.
pub fn export(
    dataset: &Dataset,
    request: &ExportRequest,
    progress: &Progress,
) -> Result<ExportSummary, ExportError> {
    if !(0.25..=8.0).contains(&request.scale) {
        return Err(ExportError::Request(format!(
            "a scale of {} is outside 0.25 to 8",
            request.scale
        )));
    }
    let index = TimeIndex::for_dataset(dataset);
    let visible = VisibleSet::new(&index, &request.range);
    let sources = frame::source_line(dataset, visible.flags(), &request.frame.more_sources);
    match request.format {
        Format::GeoJson => {
            let (text, count) = data::geojson(dataset, visible.flags());
            let bytes = write_atomic(&request.out, |w| w.write_all(text.as_bytes()))?;
            Ok(summary(request, bytes, count, sources))
        }
        Format::Csv => {
            let (text, rows) = data::csv(dataset, visible.flags());
            let bytes = write_atomic(&request.out, |w| w.write_all(text.as_bytes()))?;
            Ok(summary(request, bytes, rows, sources))
        }
        Format::Png | Format::Svg | Format::Pdf => {
            progress.total.store(1, Ordering::Relaxed);
            let svg = picture_svg(dataset, request, &request.range, visible.flags(), None)?;
            progress.check()?;
            let bytes = match request.format {
                Format::Svg => svg.into_bytes(),
                Format::Pdf => raster::pdf(&svg)?,
                _ => raster::png(&svg)?,
            };
            let written = write_atomic(&request.out, |w| w.write_all(&bytes))?;
            progress.done.store(1, Ordering::Relaxed);
            Ok(summary(request, written, 1, sources))
        }
        Format::Gif | Format::Frames => {
            let (bytes, frames) = animation::export(dataset, request, &index, progress)?;
            Ok(summary(request, bytes, frames, sources))
        }
    }
}

fn summary(request: &ExportRequest, bytes: u64, parts: usize, sources: String) -> ExportSummary {
    ExportSummary {
        path: request.out.clone(),
        bytes,
        parts,
        sources,
    }
}

/// The view a request asks for, on a page of `size`.
pub fn resolve_view(
    dataset: &Dataset,
    view: ViewChoice,
    visible: &[bool],
    size: Vec2,
    frame: &FrameText,
    map_only: bool,
) -> MapView {
    let fit = |bounds: LonLatBounds| {
        // The map is the page less the frame: header lines and three footer lines.
        let header = [
            frame.title.is_some(),
            frame.subtitle.is_some() || frame.date_stamp,
        ]
        .iter()
        .filter(|&&line| line)
        .count() as f32
            * 28.0;
        let header = if header > 0.0 { header + 24.0 } else { 0.0 };
        let map = if map_only {
            size
        } else {
            vec2(size.x, (size.y - header - 76.0).max(50.0))
        };
        let (center, zoom) = fit_bounds(bounds, map, 50.0, 1.0, 14.0);
        MapView { center, zoom }
    };
    match view {
        ViewChoice::Exact(view) => view,
        ViewChoice::Bounds(bounds) => fit(bounds),
        ViewChoice::Fit => {
            let visible = |i: usize| visible.get(i).copied().unwrap_or(false);
            match crate::story::framing_bounds(dataset, visible) {
                Some(bounds) => fit(bounds),
                None => MapView {
                    center: walkers::lon_lat(20.0, 30.0),
                    zoom: 2.0,
                },
            }
        }
    }
}

/// One picture of `range` as SVG. `view`: the view to use (an animation keeps one for all its
/// frames); `None` resolves the request's.
pub fn picture_svg(
    dataset: &Dataset,
    request: &ExportRequest,
    range: &DaySpan,
    visible: &[bool],
    view: Option<MapView>,
) -> Result<String, ExportError> {
    let mut renderer = render::Renderer::new(&request.tiles, &request.cache)?;
    Ok(picture_svg_with(
        &mut renderer,
        dataset,
        request,
        range,
        visible,
        view,
    ))
}

fn picture_svg_with(
    renderer: &mut render::Renderer,
    dataset: &Dataset,
    request: &ExportRequest,
    range: &DaySpan,
    visible: &[bool],
    view: Option<MapView>,
) -> String {
    let view = view.unwrap_or_else(|| {
        resolve_view(
            dataset,
            request.view,
            visible,
            request.size.vec(),
            &request.frame,
            request.size.map_only,
        )
    });
    let picture = render::Picture {
        dataset,
        visible,
        range: *range,
        draw: request.draw,
        view,
        size: request.size.vec(),
        map_only: request.size.map_only,
        frame: &request.frame,
        selection: request.selection,
    };
    let scene = renderer.draw(&picture);
    let unit = match request.format {
        Format::Pdf if request.size.mm => svg::PageUnit::Mm,
        Format::Png | Format::Gif | Format::Frames => svg::PageUnit::Px {
            scale: request.scale,
        },
        _ => svg::PageUnit::Px { scale: 1.0 },
    };
    svg::to_svg(&scene, unit)
}

/// Writes a file whole or not at all: to a temporary file beside `path`, renamed over it once
/// complete. Returns the bytes written.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<u64, ExportError> {
    let error = |source| ExportError::Write {
        path: path.display().to_string(),
        source,
    };
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".evacmap-export-");
    // A published file is for others to read: not the temporary file's owner-only mode.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut temporary = builder.tempfile_in(directory).map_err(error)?;
    {
        let mut buffered = std::io::BufWriter::new(temporary.as_file_mut());
        write(&mut buffered).map_err(error)?;
        buffered.flush().map_err(error)?;
    }
    temporary.as_file().sync_all().map_err(error)?;
    let bytes = temporary.as_file().metadata().map_err(error)?.len();
    temporary.persist(path).map_err(|e| error(e.error))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_follows_the_extension_and_frames_must_be_asked_for() {
        assert_eq!(Format::from_path(Path::new("a/map.PNG")), Some(Format::Png));
        assert_eq!(
            Format::from_path(Path::new("map.json")),
            Some(Format::GeoJson)
        );
        assert_eq!(Format::from_path(Path::new("map.csv")), Some(Format::Csv));
        assert_eq!(Format::from_path(Path::new("frames")), None);
        assert_eq!(Format::from_path(Path::new("map.frames")), None);
        assert_eq!(Format::parse("frames"), Some(Format::Frames));
    }

    #[test]
    fn page_sizes_are_read_in_points_or_millimetres() {
        assert_eq!(
            PageSize::parse("1200x800"),
            Ok(PageSize::points(1200.0, 800.0))
        );
        let a4 = PageSize::parse("297x210mm").unwrap();
        assert!(a4.mm);
        assert!((a4.width - 1122.52).abs() < 0.01, "{}", a4.width);
        assert!(PageSize::parse("12x8").is_err());
        assert!(PageSize::parse("1200").is_err());
        assert!(PageSize::parse("axb").is_err());
    }

    #[test]
    fn the_animation_steps_as_playback_does() {
        let dataset = crate::story::Story::bundled().dataset;
        let week = crate::filter::range_from_args(Some("2017-05-08"), Some("2017-05-14")).unwrap();
        let extent = crate::filter::time_extent(&dataset).unwrap();
        let mut request = ExportRequest::new(Format::Gif, PathBuf::from("x.gif"));
        let days = animation::frame_ranges(&week, extent, &request);
        assert_eq!(days.len(), 7);
        assert_eq!(
            days[0],
            DaySpan::days(week.first.unwrap(), week.first.unwrap())
        );
        assert_eq!(
            days[6], week,
            "cumulative: the last frame shows the whole week"
        );
        request.animation.mode = PlayMode::SlidingWindow;
        let sliding = animation::frame_ranges(&week, extent, &request);
        assert_eq!(
            sliding[6],
            DaySpan::days(week.last.unwrap(), week.last.unwrap())
        );
    }

    #[test]
    fn a_bad_scale_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut request = ExportRequest::new(Format::Png, dir.path().join("x.png"));
        request.scale = 100.0;
        let result = export(&Dataset::default(), &request, &Progress::default());
        assert!(matches!(result, Err(ExportError::Request(_))));
        assert!(!request.out.exists());
    }

    #[test]
    fn a_cancelled_animation_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let dataset = crate::story::Story::bundled().dataset;
        let mut request = ExportRequest::new(Format::Gif, dir.path().join("x.gif"));
        request.size = PageSize::points(200.0, 150.0);
        let progress = Progress::default();
        progress.cancel.store(true, Ordering::Relaxed);
        let result = export(&dataset, &request, &progress);
        assert!(matches!(result, Err(ExportError::Cancelled)), "{result:?}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
