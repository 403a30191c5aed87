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

mod database;
mod export;
pub use database::{pull, push};

pub use export::{ExportArgs, export};

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
    /// Put a story (any file evacmap opens) into a PostGIS database, as the story the address
    /// names (`?story=ID`; else the file's name), for others to open and pull.
    Push {
        file: PathBuf,
        /// postgres://user@host:port/database[?story=ID] (the password from PGPASSWORD).
        #[arg(value_name = "POSTGRES_URL")]
        database: String,
        /// Replace the story of that id if the database has one.
        #[arg(long)]
        replace: bool,
        #[command(flatten)]
        columns: ColumnsArg,
    },
    /// Write a story of a PostGIS database into a file: as it was pushed when nothing changed.
    Pull {
        /// postgres://user@host:port/database[?story=ID].
        #[arg(value_name = "POSTGRES_URL")]
        database: String,
        out: PathBuf,
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

/// How to read `files`, or `None` when a gazetteer named cannot be read (said on `err`).
fn options_or_say(
    columns: &ColumnsArg,
    files: &[PathBuf],
    err: &mut dyn Write,
) -> std::io::Result<Option<ImportOptions>> {
    match columns.options(files) {
        Ok(options) => Ok(Some(options)),
        Err(error) => {
            writeln!(err, "{error}")?;
            Ok(None)
        }
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

/// `evacmap check`: returns the exit code.
pub fn check(files: &[PathBuf], columns: &ColumnsArg, out: &mut dyn Write) -> std::io::Result<i32> {
    let Some(options) = options_or_say(columns, files, out)? else {
        return Ok(2);
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
    let Some(options) = options_or_say(columns, &[], err)? else {
        return Ok(2);
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
    let Some(base) = options_or_say(columns, &[], err)? else {
        return Ok(2);
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
