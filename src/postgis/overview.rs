//! A story's overview in the store (`evacmap_overviews`, schema version 3): read before a big
//! story's features, built again after a push and after each save.

use super::{DbError, Target};
use crate::io::LoadProgress;
use crate::io::overview::Overview;
use crate::io::remote::Window;

/// From how many features a story's overview is shown while its features are read: below
/// that they arrive about as soon.
pub const OVERVIEW_FROM: u64 = 50_000;

/// From how wide a view (in degrees of longitude: about zoom 8) a big story's overview is
/// shown while its features are read: its cells are a tenth of a degree.
const OVERVIEW_WIDTH: f64 = 2.0;

/// Hands the story's overview to `progress` (the window draws it while the features are
/// read) when `window` sees the whole story, or nearly (a country), over all time, and the
/// story is big.
pub(super) fn show_if_big(
    client: &mut postgres::Client,
    target: &Target,
    story: &str,
    window: &Window,
    progress: &LoadProgress,
) {
    let wide = window
        .bbox
        .is_none_or(|[west, _, east, _]| east - west >= OVERVIEW_WIDTH);
    if !wide || window.range != crate::model::DaySpan::default() {
        return;
    }
    match read(client, target, story) {
        Ok(Some(overview)) if overview.features >= OVERVIEW_FROM => {
            progress.set_overview(overview);
        }
        Ok(_) => {}
        // Only a help: the features come as without it.
        Err(error) => log::warn!("{error}"),
    }
}

/// The story's overview, if the store has one that is current (a change removes it).
pub fn read(
    client: &mut postgres::Client,
    target: &Target,
    story: &str,
) -> Result<Option<Overview>, DbError> {
    let row = client
        .query_opt(
            "SELECT features, cell, cells, flows FROM evacmap_overviews WHERE story_id = $1",
            &[&story],
        )
        .map_err(|e| target.failed(&e))?;
    let Some(row) = row else {
        return Ok(None);
    };
    let features: i64 = row.get(0);
    let cells: serde_json::Value = row.get(2);
    let flows: serde_json::Value = row.get(3);
    Overview::from_json(features.max(0) as u64, row.get(1), &cells, &flows)
        .map(Some)
        .map_err(|e| DbError::Story(format!("{}: {e}", target.shown)))
}

/// Tells the store which story the transaction writes: a change then removes that story's
/// overview only (a change by another tool, which does not say, removes every story's).
pub(super) fn name_the_story_written(
    transaction: &mut postgres::Transaction<'_>,
    target: &Target,
    story: &str,
) -> Result<(), DbError> {
    transaction
        .execute("SELECT set_config('evacmap.story', $1, true)", &[&story])
        .map_err(|e| target.failed(&e))?;
    Ok(())
}

/// Counts the story's overview again, after the rows it counts changed; returns how long it
/// took.
pub fn refresh(
    client: &mut postgres::Client,
    target: &Target,
    story: &str,
) -> Result<std::time::Duration, DbError> {
    let started = std::time::Instant::now();
    client
        .execute("SELECT evacmap_refresh_overview($1)", &[&story])
        .map_err(|e| target.failed(&e))?;
    Ok(started.elapsed())
}

/// [`refresh`] on a thread of its own, with a connection of its own: after a save, so that
/// the saver does not wait for it. A failure is logged: the story then opens without an
/// overview until the next save.
pub fn refresh_later(target: &Target, story: &str) {
    let (target, owned) = (target.clone(), story.to_owned());
    let spawned = std::thread::Builder::new()
        .name("evacmap-overview".into())
        .spawn(move || {
            let story = owned;
            let done = target
                .connect()
                .and_then(|mut client| refresh(&mut client, &target, &story));
            match done {
                Ok(took) => log::info!("overview of {story} counted again in {took:.2?}"),
                Err(error) => log::warn!("the overview of {story} was not counted again: {error}"),
            }
        });
    if let Err(error) = spawned {
        log::warn!("the overview of {story} was not counted again: {error}");
    }
}
