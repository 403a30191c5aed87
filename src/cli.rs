//! The command line: `evacmap [FILE]` opens the window; `check` and `list` work without one.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::filter::{range_from_args, visible_features};
use crate::io::{LoadError, load_file};
use crate::model::{Dataset, Feature};

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
    pub command: Option<Command>,

    #[command(flatten)]
    pub window: WindowArgs,
}

/// Options of the map window.
#[derive(Debug, Args, Default, Clone)]
pub struct WindowArgs {
    /// A story to open (GeoJSON); default: the bundled story.
    pub file: Option<PathBuf>,

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
pub enum Command {
    /// Check story files: print every problem, one per line, located; exit 1 on any error.
    Check {
        /// Files to check (`-` reads standard input).
        #[arg(required = true)]
        files: Vec<PathBuf>,
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
    },
}

/// `evacmap check`: returns the exit code.
pub fn check(files: &[PathBuf], out: &mut dyn Write) -> std::io::Result<i32> {
    let mut failed = false;
    for file in files {
        let name = crate::io::source::origin_name(file);
        match load_file(file) {
            Ok(loaded) => {
                for warning in &loaded.warnings {
                    writeln!(out, "{name}:{warning}")?;
                }
                writeln!(
                    out,
                    "{name}: ok ({} features, {} warnings)",
                    loaded.dataset.features().len(),
                    loaded.warnings.len()
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
    let dataset = match load_file(file) {
        Ok(loaded) => loaded.dataset,
        Err(error) => {
            report_load_error(&error, err)?;
            return Ok(1);
        }
    };
    for index in visible_features(&dataset, &range) {
        if let Some(feature) = dataset.get(index) {
            writeln!(out, "{}", list_line(&dataset, feature))?;
        }
    }
    Ok(0)
}

fn report_load_error(error: &LoadError, err: &mut dyn Write) -> std::io::Result<()> {
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
        if !movement.figures.is_empty() {
            let figures: Vec<String> = movement
                .figures
                .iter()
                .map(|f| dataset.figure_with_sources(f))
                .collect();
            line.push_str(" | ");
            line.push_str(&figures.join("; "));
        }
    }
    line
}
