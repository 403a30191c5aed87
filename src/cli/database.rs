//! `evacmap push` and `evacmap pull`: a story file into a PostGIS database and back.

use std::io::Write;
use std::path::Path;

use super::{ColumnsArg, load_file, options_or_say, report_load_error};
use crate::postgis::{
    Target, pull::pull as pull_story, push::push as push_story, push::story_id_from,
};

/// `evacmap push FILE POSTGRES_URL`: returns the exit code.
pub fn push(
    file: &Path,
    database: &str,
    replace: bool,
    columns: &ColumnsArg,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    let Some(target) = target_or_say(database, err)? else {
        return Ok(2);
    };
    let Some(options) = options_or_say(columns, &[], err)? else {
        return Ok(2);
    };
    let loaded = match load_file(file, &options) {
        Ok(loaded) => loaded,
        Err(error) => {
            report_load_error(&error, err)?;
            return Ok(1);
        }
    };
    let name = crate::io::source::origin_name(file);
    for warning in &loaded.warnings {
        writeln!(err, "{name}:{warning}")?;
    }
    // The text read, when it is a story: pulled back as it was while nothing changes.
    let original = std::fs::read(file)
        .ok()
        .filter(|bytes| matches!(crate::open::detect(bytes), Ok(crate::open::Format::GeoJson)));
    let story = target.story.clone().unwrap_or_else(|| story_id_from(&name));
    match push_story(
        &target,
        &story,
        &loaded.dataset,
        original.as_deref(),
        replace,
    ) {
        Ok(pushed) => {
            writeln!(
                out,
                "{}?story={}: {} ({}){}",
                target.shown,
                pushed.story,
                crate::model::plural(pushed.features, "feature"),
                crate::model::plural(pushed.sources, "source"),
                if pushed.replaced {
                    ", replacing the story there"
                } else {
                    ""
                }
            )?;
            Ok(0)
        }
        Err(error) => {
            writeln!(err, "evacmap: {error}")?;
            Ok(1)
        }
    }
}

/// `evacmap pull POSTGRES_URL OUT`: returns the exit code.
pub fn pull(
    database: &str,
    target_file: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<i32> {
    let Some(target) = target_or_say(database, err)? else {
        return Ok(2);
    };
    match pull_story(&target, target_file) {
        Ok(pulled) => {
            writeln!(
                out,
                "{}: {} of the story {}{}",
                target_file.display(),
                crate::model::plural(pulled.features, "feature"),
                pulled.story,
                if pulled.as_pushed {
                    ", as it was pushed"
                } else {
                    ""
                }
            )?;
            Ok(0)
        }
        Err(error) => {
            writeln!(err, "evacmap: {error}")?;
            Ok(1)
        }
    }
}

/// The database an address names, or `None` when it is no address (said on `err`).
fn target_or_say(database: &str, err: &mut dyn Write) -> std::io::Result<Option<Target>> {
    match Target::parse(database) {
        Ok(target) => Ok(Some(target)),
        Err(error) => {
            writeln!(err, "evacmap: {error}")?;
            Ok(None)
        }
    }
}
