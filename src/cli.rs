//! The command line: `evacmap [FILE]` opens the window; `check` and `list` work without one.

use crate::model::edit::Origins;
use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::filter::{range_from_args, visible_features};
use crate::import::columns::ColumnMapping;
use crate::io::Loaded;
use crate::model::{Dataset, Feature};
use crate::open::OpenError;
use crate::open::{ImportOptions, load_with};

#[derive(Debug, Parser)]
#[command(
    name = "evacmap",
    version,
    about = "A map of evacuations and forced displacement as they are reported: \
             where from and to, when, how many, and according to whom.",
    long_about = None,
    args_conflicts_with_subcommands = true,
    after_help = "With no subcommand, opens the map window on FILE (default: the bundled \
                  story, Damascus, May 2017).\n\nDates are YYYY, YYYY-MM or YYYY-MM-DD; a \
                  range shows what intersects it (--from 2017-05 --to 2017-05 is all of May)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Verb>,

    /// The most read from a pipe, a device or standard input, as 512MiB, 2GiB, 100MB or a count
    /// of bytes (default 512MiB). Regular files have no cap: one is refused only when its story
    /// cannot fit in the memory available.
    #[arg(long, global = true, value_name = "SIZE", value_parser = parse_byte_size)]
    pub max_input: Option<u64>,

    #[command(flatten)]
    pub window: WindowArgs,
}

/// Options of the map window.
#[derive(Debug, Args, Default, Clone)]
pub struct WindowArgs {
    /// Files to open, each as a layer: GeoJSON stories, ACLED exports, flow tables, any GeoJSON
    /// with dates; default: the bundled story.
    pub files: Vec<PathBuf>,

    /// Render the window once, save it as a PNG and exit (for documentation and tests).
    #[arg(long, value_name = "PNG")]
    pub screenshot: Option<PathBuf>,

    /// Start clean: ignore the saved window, view, layers and last file.
    #[arg(long)]
    pub reset: bool,

    /// Tile source for this run: osm (default), hot (Humanitarian), topo (OpenTopoMap),
    /// offline (bundled basemap only), an XYZ template such as https://host/{z}/{x}/{y}.png
    /// ({s}: a/b/c subdomains), or a raster .mbtiles or .pmtiles file.
    #[arg(long, value_name = "SOURCE")]
    pub tiles: Option<String>,

    /// Show only what intersects the range from this date (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,

    /// Show only what intersects the range up to this date.
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,

    /// Select this feature (by id) at start, e.g. `--select qaboun`.
    #[arg(long, value_name = "ID")]
    pub select: Option<String>,

    /// Add a gazetteer (CSV of code, name, latitude, longitude, or GeoJSON admin areas with
    /// p-codes) to those the window places tables' rows with; remembered, like File → Add
    /// gazetteer…. May be given several times.
    #[arg(long = "gazetteer", value_name = "FILE")]
    pub gazetteers: Vec<PathBuf>,

    /// Place names on the map: en (the story's names), ar (Arabic where known) or both;
    /// remembered for later runs.
    #[arg(long, value_name = "en|ar|both", value_parser = parse_labels)]
    pub labels: Option<crate::model::names::LabelLanguage>,

    /// Window size in points for this run, as WIDTHxHEIGHT (e.g. 1280x800).
    #[arg(long, value_name = "WxH", value_parser = parse_size)]
    pub size: Option<(f32, f32)>,

    /// Start on this view instead of framing the story: LON,LAT,ZOOM (e.g. 20,30,2 for the
    /// world, 36.32,33.54,13 for Damascus).
    #[arg(long, value_name = "LON,LAT,ZOOM", value_parser = parse_view, allow_hyphen_values = true)]
    pub view: Option<(f64, f64, f64)>,

    /// Open on this chapter of the story: its number from 1, or its id.
    #[arg(long, value_name = "N|ID")]
    pub chapter: Option<String>,

    /// Start in edit mode (the map and the Edit menu change the story); with --select, the
    /// selected feature's form opens.
    #[arg(long)]
    pub edit: bool,

    /// For tests of the recovery journal: once the story is read, rename feature ID to NAME as
    /// an edit (as if typed in its form). Repeatable.
    #[arg(long = "test-rename", value_name = "ID=NAME", hide = true)]
    pub test_renames: Vec<String>,
}

/// `512MiB`, `2GiB`, `100MB`, `1.5G` or a count of bytes.
pub fn parse_byte_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("expected a size such as 512MiB or 2GB, found {text:?}"))?;
    let scale: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "t" | "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        other => {
            return Err(format!(
                "{other:?} is not a unit of size (B, KB, MB, GB, KiB, MiB, GiB)"
            ));
        }
    };
    let bytes = number * scale;
    if !(1.0..1.8e19).contains(&bytes) {
        return Err(format!("{text:?} is not a size from 1 byte up"));
    }
    Ok(bytes as u64)
}

fn parse_labels(text: &str) -> Result<crate::model::names::LabelLanguage, String> {
    crate::model::names::LabelLanguage::parse(text)
        .ok_or_else(|| format!("expected en, ar or both, found {text:?}"))
}

fn parse_view(text: &str) -> Result<(f64, f64, f64), String> {
    let numbers: Vec<f64> = text
        .split(',')
        .map(|n| n.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("expected LON,LAT,ZOOM, found {text:?}"))?;
    match numbers[..] {
        [lon, lat, zoom]
            if (-180.0..=180.0).contains(&lon)
                && (-85.0..=85.0).contains(&lat)
                && (0.0..=19.0).contains(&zoom) =>
        {
            Ok((lon, lat, zoom))
        }
        _ => Err(format!(
            "expected LON,LAT,ZOOM with longitude -180..180, latitude -85..85 and zoom 0..19, found {text:?}"
        )),
    }
}

fn parse_size(text: &str) -> Result<(f32, f32), String> {
    let (w, h) = text
        .split_once('x')
        .ok_or_else(|| format!("expected WIDTHxHEIGHT, found {text:?}"))?;
    let number = |s: &str| {
        s.parse::<f32>()
            .ok()
            .filter(|v| (200.0..=10_000.0).contains(v))
            .ok_or_else(|| format!("{s:?} is not a size from 200 to 10000"))
    };
    Ok((number(w)?, number(h)?))
}

#[derive(Debug, Subcommand)]
pub enum Verb {
    /// Check story files: print every problem, one per line, located; exit 1 on any error.
    Check {
        /// Files to check (`-` reads standard input).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        columns: ColumnsArg,
    },
    /// Print what a time range shows: one line per feature with date, kind, id, name and,
    /// for movements, every figure with its source.
    List {
        /// First day of the range (YYYY, YYYY-MM or YYYY-MM-DD); default: open.
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Last day of the range; default: open.
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// The story file.
        file: PathBuf,
        #[command(flatten)]
        columns: ColumnsArg,
    },
    /// Export the map as PNG, SVG or PDF, playback as GIF or PNG frames, or what the range
    /// shows as GeoJSON or CSV. Needs no display.
    Export(Box<ExportArgs>),
    /// Write what files of any format evacmap opens (ACLED exports, flow tables, GeoJSON with
    /// dates) as one story in evacmap's format, which `check` accepts and which opens the same.
    Convert {
        /// The files to read, then the story to write (GeoJSON).
        #[arg(required = true, num_args = 2.., value_name = "IN... OUT")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        columns: ColumnsArg,
    },
    /// Write a generated story of COUNT features (places around Syrian towns, movements with
    /// competing figures from two sources, events; dates 2011–2024 at mixed precision), or
    /// COUNT rows of another tool's table (--format), for benchmarks and trials. The same COUNT
    /// and --seed always give the same file.
    Generate {
        count: usize,
        /// Where to write the story.
        #[arg(long, short = 'o', value_name = "FILE")]
        out: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// story (evacmap's GeoJSON, the default), acled (ACLED's columns and date forms),
        /// unhcr (yearly origin–asylum counts) or geojsonseq (a GeoJSON text sequence).
        #[arg(long, value_name = "FORMAT", default_value = "story", value_parser = parse_generated)]
        format: GeneratedFormat,
    },
}

/// What `evacmap generate` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeneratedFormat {
    Story,
    Acled,
    Unhcr,
    GeoJsonSeq,
}

fn parse_generated(text: &str) -> Result<GeneratedFormat, String> {
    match text.to_ascii_lowercase().as_str() {
        "story" | "geojson" => Ok(GeneratedFormat::Story),
        "acled" => Ok(GeneratedFormat::Acled),
        "unhcr" => Ok(GeneratedFormat::Unhcr),
        "geojsonseq" | "geojsons" => Ok(GeneratedFormat::GeoJsonSeq),
        _ => Err(format!(
            "expected story, acled, unhcr or geojsonseq, found {text:?}"
        )),
    }
}

/// Which column of a CSV of no known kind is what (the window asks instead).
#[derive(Debug, Clone, Default, Args)]
pub struct ColumnsArg {
    /// For a CSV of no known kind: ROLE=COLUMN pairs, comma-separated; the roles are date,
    /// latitude, longitude, name, origin, destination, count and source.
    #[arg(long, value_name = "ROLE=COLUMN,...", value_parser = ColumnMapping::parse_assignments)]
    pub columns: Option<ColumnMapping>,

    /// A gazetteer that places rows named by p-code or admin name (HXL, IOM DTM, IDMC): a CSV
    /// of code, name, latitude, longitude, or a GeoJSON of admin areas with p-code properties.
    /// May be given several times.
    #[arg(long = "gazetteer", value_name = "FILE")]
    pub gazetteers: Vec<PathBuf>,
}

impl ColumnsArg {
    /// How to read each of `files`: with the others as its companions and these columns.
    fn options(
        &self,
        files: &[PathBuf],
    ) -> Result<ImportOptions, crate::import::gazetteer::GazetteerError> {
        Ok(ImportOptions {
            companions: files.to_vec(),
            remembered: Default::default(),
            columns: self.columns.clone(),
            gazetteer: crate::import::gazetteer::with_files(&self.gazetteers)?,
            window: Default::default(),
        })
    }
}

fn load_file(file: &std::path::Path, options: &ImportOptions) -> Result<Loaded, OpenError> {
    load_with(file, options, &crate::io::LoadProgress::default())
}

/// `evacmap generate`: returns the exit code.
pub fn generate(
    count: usize,
    out_path: &std::path::Path,
    seed: u64,
    format: GeneratedFormat,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    use crate::generate::tables;
    if count == 0 || count > 50_000_000 {
        writeln!(err, "evacmap: generate: COUNT must be from 1 to 50,000,000")?;
        return Ok(2);
    }
    let (written, what) = match format {
        GeneratedFormat::Story => (
            crate::export::write_atomic(out_path, |w| crate::generate::write_story(w, count, seed)),
            "features",
        ),
        GeneratedFormat::Acled => (
            crate::export::write_atomic(out_path, |w| tables::write_acled(w, count, seed)),
            "ACLED rows",
        ),
        GeneratedFormat::Unhcr => (
            crate::export::write_atomic(out_path, |w| tables::write_unhcr(w, count, seed)),
            "UNHCR rows",
        ),
        GeneratedFormat::GeoJsonSeq => (
            crate::export::write_atomic(out_path, |w| tables::write_geojson_seq(w, count, seed)),
            "features in a sequence",
        ),
    };
    match written {
        Ok(bytes) => {
            writeln!(out, "{}: {count} {what}, {bytes} bytes", out_path.display())?;
            Ok(0)
        }
        Err(e) => {
            writeln!(err, "evacmap: generate: {e}")?;
            Ok(1)
        }
    }
}

/// Options of `evacmap export`.
#[derive(Debug, Args, Clone)]
pub struct ExportArgs {
    /// The story (default: the bundled story; `-` reads standard input).
    pub file: Option<PathBuf>,

    /// Where to write; for `--format frames`, a new folder.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub out: PathBuf,

    /// png, svg, pdf, gif, frames, geojson or csv (default: from the extension of --out).
    #[arg(long, value_name = "FORMAT", value_parser = parse_format)]
    pub format: Option<crate::export::Format>,

    /// First day shown (YYYY, YYYY-MM or YYYY-MM-DD); default: open.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,

    /// Last day shown; default: open.
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,

    /// The part of the world shown: WEST,SOUTH,EAST,NORTH (a box shown whole) or
    /// LON,LAT,ZOOM (exactly that view, as the window's --view); default: fit what is shown.
    #[arg(long, value_name = "BOX|LON,LAT,ZOOM", value_parser = parse_export_view, allow_hyphen_values = true, conflicts_with = "fit")]
    pub view: Option<crate::export::ViewChoice>,

    /// Frame what is shown (the default).
    #[arg(long)]
    pub fit: bool,

    /// Page size: WIDTHxHEIGHT in points (1200x800, the default) or in millimetres (297x210mm).
    #[arg(long, value_name = "WxH[mm]", value_parser = crate::export::PageSize::parse)]
    pub size: Option<crate::export::PageSize>,

    /// The map's own size in points, WIDTHxHEIGHT; the page grows by the frame around it (the
    /// window's "map's size on screen").
    #[arg(long, value_name = "WxH", value_parser = parse_size, conflicts_with = "size")]
    pub map_size: Option<(f32, f32)>,

    /// Pixels per point for PNG, GIF and frames: 2 or 3 for print.
    #[arg(long, value_name = "N", default_value_t = 1.0)]
    pub scale: f32,

    /// A title above the map.
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,

    /// A subtitle under the title.
    #[arg(long, value_name = "TEXT")]
    pub subtitle: Option<String>,

    /// Who made the map, after the dates in the footer.
    #[arg(long, value_name = "TEXT")]
    pub byline: Option<String>,

    /// Leave out the legend.
    #[arg(long)]
    pub no_legend: bool,

    /// Map tiles under the story: offline (the default: the bundled basemap alone), osm, hot,
    /// topo, an XYZ template, or an .mbtiles or .pmtiles file.
    #[arg(long, value_name = "SOURCE")]
    pub tiles: Option<String>,

    /// Place names: en, ar or both.
    #[arg(long, value_name = "en|ar|both", value_parser = parse_labels)]
    pub labels: Option<crate::model::names::LabelLanguage>,

    /// Animation step: day, week, month or year (default: chosen from the span, as Play does).
    #[arg(long, value_name = "UNIT", value_parser = parse_step)]
    pub step: Option<crate::playback::StepUnit>,

    /// Animation: show everything since the start (cumulative, the default) or a window of one
    /// step (sliding).
    #[arg(long)]
    pub sliding: bool,

    /// Animation: milliseconds per frame.
    #[arg(long, value_name = "MS", default_value_t = 800)]
    pub delay: u32,

    /// Animation: milliseconds the last frame stays (with --chapters, each chapter).
    #[arg(long, value_name = "MS", default_value_t = 3000)]
    pub hold: u32,

    /// Show this chapter of the story (its number from 1, or its id): its view, dates and
    /// selection, its title and text in the frame, its sources on the source line.
    #[arg(long, value_name = "N|ID", conflicts_with = "chapters")]
    pub chapter: Option<String>,

    /// An animation (gif or frames) that holds on each of the story's chapters in turn: what a
    /// story with chapters gets anyway unless --from, --to, --step or --sliding ask for
    /// playback.
    #[arg(long)]
    pub chapters: bool,
}

fn parse_format(text: &str) -> Result<crate::export::Format, String> {
    crate::export::Format::parse(text).ok_or_else(|| {
        format!("expected png, svg, pdf, gif, frames, geojson or csv, found {text:?}")
    })
}

fn parse_step(text: &str) -> Result<crate::playback::StepUnit, String> {
    crate::playback::StepUnit::ALL
        .into_iter()
        .find(|u| u.label().eq_ignore_ascii_case(text))
        .ok_or_else(|| format!("expected day, week, month or year, found {text:?}"))
}

fn parse_export_view(text: &str) -> Result<crate::export::ViewChoice, String> {
    let count = text.split(',').count();
    if count == 3 {
        let (lon, lat, zoom) = parse_view(text)?;
        return Ok(crate::export::ViewChoice::Exact(crate::export::MapView {
            center: walkers::lon_lat(lon, lat),
            zoom,
        }));
    }
    let numbers: Vec<f64> = text
        .split(',')
        .map(|n| n.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("expected WEST,SOUTH,EAST,NORTH or LON,LAT,ZOOM, found {text:?}"))?;
    match numbers[..] {
        [west, south, east, north]
            if (-180.0..=180.0).contains(&west)
                && (-180.0..=180.0).contains(&east)
                && (-85.0..=85.0).contains(&south)
                && (-85.0..=85.0).contains(&north)
                && south < north =>
        {
            Ok(crate::export::ViewChoice::Bounds(
                crate::map::projection::LonLatBounds {
                    min_lon: west,
                    min_lat: south,
                    max_lon: if east < west { east + 360.0 } else { east },
                    max_lat: north,
                },
            ))
        }
        _ => Err(format!(
            "expected WEST,SOUTH,EAST,NORTH with longitudes -180..180, latitudes -85..85 and south below north, found {text:?}"
        )),
    }
}

/// `evacmap export`: returns the exit code.
pub fn export(args: &ExportArgs, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<i32> {
    use crate::export::{AnimationSettings, ExportRequest, Format, Progress, ViewChoice};
    let Some(format) = args.format.or_else(|| Format::from_path(&args.out)) else {
        writeln!(
            err,
            "evacmap: cannot tell the format from {:?}: give --format png, svg, pdf, gif, frames, geojson or csv",
            args.out.display().to_string()
        )?;
        return Ok(2);
    };
    let range = match range_from_args(args.from.as_deref(), args.to.as_deref()) {
        Ok(range) => range,
        Err(e) => {
            writeln!(err, "evacmap: {e}")?;
            return Ok(2);
        }
    };
    let tiles = match args
        .tiles
        .as_deref()
        .map(crate::map::tiles::TileProvider::parse)
    {
        None => crate::map::tiles::TileProvider::Offline,
        Some(Ok(provider)) => provider,
        Some(Err(e)) => {
            writeln!(err, "evacmap: --tiles: {e}")?;
            return Ok(2);
        }
    };
    let dataset = match &args.file {
        Some(file) => match load_file(file, &ImportOptions::default()) {
            Ok(loaded) => loaded.dataset,
            Err(error) => {
                report_load_error(&error, err)?;
                return Ok(1);
            }
        },
        None => crate::model::Dataset::clone(&crate::story::Story::bundled().dataset),
    };
    let mut request = ExportRequest::new(format, args.out.clone());
    request.range = range;
    request.view = args.view.unwrap_or(ViewChoice::Fit);
    if let Some(size) = args.size {
        request.size = size;
    }
    if let Some((width, height)) = args.map_size {
        request.size = crate::export::PageSize::map(width, height);
    }
    request.scale = args.scale;
    request.frame.title = args.title.clone();
    request.frame.subtitle = args.subtitle.clone();
    request.frame.byline = args.byline.clone();
    request.frame.legend = !args.no_legend;
    request.draw.tiles = !matches!(tiles, crate::map::tiles::TileProvider::Offline);
    request.tiles = tiles;
    if let Some(language) = args.labels {
        request.draw.label_language = language;
    }
    request.animation = AnimationSettings {
        unit: args.step,
        mode: if args.sliding {
            crate::playback::PlayMode::SlidingWindow
        } else {
            crate::playback::PlayMode::Cumulative
        },
        delay_ms: args.delay,
        hold_ms: args.hold,
        // A story with chapters is told by them, unless a range or a step asks for playback.
        chapters: args.chapters
            || (!dataset.meta.chapters.is_empty()
                && args.chapter.is_none()
                && args.from.is_none()
                && args.to.is_none()
                && args.step.is_none()
                && !args.sliding),
    };
    if let Some(key) = &args.chapter {
        let chapters = &dataset.meta.chapters;
        let Some(index) = crate::model::chapter::find_chapter(chapters, key) else {
            let ids: Vec<&str> = chapters.iter().map(|c| c.id.as_str()).collect();
            writeln!(
                err,
                "evacmap: export: no chapter {key:?}; the story has {}{}",
                crate::model::plural(chapters.len(), "chapter"),
                if ids.is_empty() {
                    String::new()
                } else {
                    format!(": {}", ids.join(", "))
                }
            )?;
            return Ok(2);
        };
        request = crate::export::chapter::for_chapter(&dataset, &request, &chapters[index]);
    }
    match crate::export::export(&dataset, &request, &Progress::default()) {
        Ok(summary) => {
            let what = match format {
                Format::Gif | Format::Frames => format!("{} frames", summary.parts),
                Format::GeoJson => format!("{} features", summary.parts),
                Format::Csv => format!("{} figure rows", summary.parts),
                _ => format.label().to_owned(),
            };
            writeln!(
                out,
                "{}: {what}, {} bytes; {}",
                summary.path.display(),
                summary.bytes,
                summary.sources
            )?;
            Ok(0)
        }
        Err(e) => {
            writeln!(err, "evacmap: export failed: {e}")?;
            Ok(1)
        }
    }
}

/// `evacmap check`: returns the exit code.
pub fn check(files: &[PathBuf], columns: &ColumnsArg, out: &mut dyn Write) -> std::io::Result<i32> {
    let options = match columns.options(files) {
        Ok(options) => options,
        Err(error) => {
            writeln!(out, "{error}")?;
            return Ok(2);
        }
    };
    let mut failed = false;
    for file in files {
        let name = crate::io::source::origin_name(file);
        match load_file(file, &options) {
            Ok(loaded) => {
                crate::memory::give_back_freed();
                log::info!(
                    "{name} loaded: {} features; {}",
                    loaded.dataset.len(),
                    crate::memory::describe_resident()
                );
                for warning in &loaded.warnings {
                    writeln!(out, "{name}:{warning}")?;
                }
                writeln!(
                    out,
                    "{name}: ok ({}, {})",
                    crate::model::plural(loaded.dataset.features().len(), "feature"),
                    crate::model::plural(loaded.warnings.len(), "warning")
                )?;
            }
            Err(error) => {
                failed = true;
                for line in error.problems() {
                    writeln!(out, "{line}")?;
                }
            }
        }
    }
    Ok(i32::from(failed))
}

/// `evacmap list`: returns the exit code.
pub fn list(
    file: &std::path::Path,
    from: Option<&str>,
    to: Option<&str>,
    columns: &ColumnsArg,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    let range = match range_from_args(from, to) {
        Ok(range) => range,
        Err(e) => {
            writeln!(err, "evacmap: {e}")?;
            return Ok(2);
        }
    };
    let options = match columns.options(&[]) {
        Ok(options) => options,
        Err(error) => {
            writeln!(err, "{error}")?;
            return Ok(2);
        }
    };
    let dataset = match load_file(file, &options) {
        Ok(loaded) => loaded.dataset,
        Err(error) => {
            report_load_error(&error, err)?;
            return Ok(1);
        }
    };
    for index in visible_features(&dataset, &range) {
        if let Some(feature) = dataset.get(index) {
            writeln!(out, "{}", list_line(&dataset, &feature))?;
        }
    }
    Ok(0)
}

fn report_load_error(error: &OpenError, err: &mut dyn Write) -> std::io::Result<()> {
    for line in error.problems() {
        writeln!(err, "{line}")?;
    }
    Ok(())
}

/// One line of `list`: `DATE  KIND  ID  NAME[  figures]`.
pub fn list_line(dataset: &Dataset, feature: &Feature) -> String {
    let date = feature
        .when()
        .map_or_else(|| "timeless".to_owned(), |w| w.to_string());
    let mut line = format!(
        "{date:<18} {:<8} {:<26} {}",
        feature.kind().as_str(),
        feature.id(),
        dataset.display_name(feature)
    );
    if let Feature::Movement(movement) = feature {
        line.push_str(&format!(" [{}]", movement.status.label()));
    }
    if !feature.figures().is_empty() {
        let figures: Vec<String> = feature
            .figures()
            .iter()
            .map(|f| dataset.figure_with_sources(f))
            .collect();
        line.push_str(" | ");
        line.push_str(&figures.join("; "));
    }
    line
}

/// `evacmap convert IN... OUT`: returns the exit code. Nothing is written when an input fails.
pub fn convert(
    files: &[PathBuf],
    columns: &ColumnsArg,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    let Some((target, inputs)) = files.split_last() else {
        writeln!(
            err,
            "evacmap: convert: name the files to read, then the file to write"
        )?;
        return Ok(2);
    };
    let base = match columns.options(&[]) {
        Ok(options) => options,
        Err(error) => {
            writeln!(err, "{error}")?;
            return Ok(2);
        }
    };
    let mut stories = Vec::new();
    let mut read_from = None;
    let mut failed = false;
    // A flow table and its locations make one story.
    for (input, companions) in crate::open::group_companions(inputs) {
        let input = &input;
        let options = ImportOptions {
            companions,
            ..base.clone()
        };
        let name = crate::io::source::origin_name(input);
        // Stamped before reading: a file that changes meanwhile is not copied from.
        let original = crate::io::save::Original::file(input).ok();
        match load_file(input, &options) {
            Ok(loaded) => {
                read_from = original.map(|o| (o, Origins::read(loaded.dataset.len())));
                for warning in &loaded.warnings {
                    writeln!(err, "{name}:{warning}")?;
                }
                let stem = input
                    .file_name()
                    .map_or_else(|| name.clone(), |n| n.to_string_lossy().into_owned());
                stories.push((stem, loaded.dataset));
            }
            Err(error) => {
                failed = true;
                for line in error.problems() {
                    writeln!(err, "{line}")?;
                }
            }
        }
    }
    if failed {
        writeln!(err, "evacmap: convert: nothing was written")?;
        return Ok(1);
    }
    // One file is written back as it was read; several become one story evacmap's way.
    let read_from = read_from.filter(|_| stories.len() == 1);
    let dataset = match <[_; 1]>::try_from(stories) {
        Ok([(_, only)]) => only,
        Err(stories) => crate::import::merge(stories),
    };
    let read_from = read_from
        .as_ref()
        .map(|(original, origins)| (original, origins));
    match crate::io::save_story(target, &dataset, read_from) {
        Ok(_) => {
            writeln!(
                out,
                "{}: {} features, {} sources",
                target.display(),
                dataset.features().len(),
                dataset.meta.sources.len()
            )?;
            Ok(0)
        }
        Err(e) => {
            writeln!(err, "evacmap: convert: {e}")?;
            Ok(1)
        }
    }
}
