//! `evacmap export`: the map, an animation or the data shown, written without a window.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{load_file, parse_labels, parse_size, parse_view, report_load_error};
use crate::filter::range_from_args;
use crate::open::ImportOptions;

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
