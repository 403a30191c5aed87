//! A story out of the database: whole (to pull it), or what a view and a time range need (to
//! open it as a layer). Either way the rows are read as a GeoJSON story is, by the same rules.

use postgres::types::ToSql;
use serde_json::Value;

use super::{DbError, Target};
use crate::io::remote::{StoredRows, Window};
use crate::io::{LoadProgress, Loaded};
use crate::model::Dataset;

/// The collection's members and the story's rows (each a feature's JSON text), read as a
/// story: the text is put together as it comes, never held as JSON values (a million rows
/// would take gigabytes so).
fn story_from(
    target: &Target,
    meta: Value,
    features: &[postgres::Row],
    progress: &LoadProgress,
) -> Result<Loaded, DbError> {
    let mut root = match meta {
        Value::Object(root) => root,
        _ => serde_json::Map::new(),
    };
    root.remove("features");
    root.insert("type".into(), "FeatureCollection".into());
    let head =
        serde_json::to_string(&Value::Object(root)).map_err(|e| DbError::Story(e.to_string()))?;
    let rows: Vec<&str> = features
        .iter()
        .map(|r| r.get::<_, &str>("feature"))
        .collect();
    let mut text =
        Vec::with_capacity(head.len() + rows.iter().map(|r| r.len() + 1).sum::<usize>() + 16);
    // `{…}` without its closing brace, then the features.
    text.extend_from_slice(&head.as_bytes()[..head.len() - 1]);
    text.extend_from_slice(b",\"features\":[");
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            text.push(b',');
        }
        text.extend_from_slice(row.as_bytes());
    }
    text.extend_from_slice(b"]}");
    drop(rows);
    crate::io::geojson::parse_owned(text.into(), &target.shown, progress).map_err(|e| {
        DbError::Story(format!(
            "{}: the story in the database does not read: {}",
            target.shown,
            e.problems().join("; ")
        ))
    })
}

/// The story `story`'s members: its collection's, and the text it was pushed from.
fn story_row(
    client: &mut postgres::Client,
    target: &Target,
    story: &str,
) -> Result<(Value, Option<Vec<u8>>, i64), DbError> {
    let row = client
        .query_opt(
            "SELECT meta, original, row_version FROM evacmap_stories WHERE story_id = $1",
            &[&story],
        )
        .map_err(|e| target.failed(&e))?
        .ok_or_else(|| DbError::NoStory {
            url: target.shown.clone(),
            story: story.to_owned(),
            known: Vec::new(),
        })?;
    Ok((row.get(0), row.get(1), row.get(2)))
}

/// The whole story, whether nothing changed since it was pushed, and the text pushed.
pub fn whole_story(
    client: &mut postgres::Client,
    target: &Target,
    story: &str,
) -> Result<(Dataset, bool, Option<Vec<u8>>), DbError> {
    let (meta, original, version) = story_row(client, target, story)?;
    let rows = client
        .query(
            "SELECT feature::text AS feature, origin, position, row_version \
             FROM evacmap_features WHERE story_id = $1 ORDER BY position",
            &[&story],
        )
        .map_err(|e| target.failed(&e))?;
    let untouched = version == 1
        && rows.iter().all(|r| {
            let origin: Option<i32> = r.get(1);
            let position: i32 = r.get(2);
            let row_version: i64 = r.get(3);
            origin == Some(position) && row_version == 1
        });
    let loaded = story_from(target, meta, &rows, &LoadProgress::default())?;
    Ok((loaded.dataset, untouched, original))
}

/// What `window` shows of the story the address names (or the only one): the features in
/// its box and its time range (GiST and B-tree indexes find them), the movements and events
/// of the range whose places are in the box, and the places they refer to, wherever those
/// are.
pub fn open(target: &Target, window: &Window, progress: &LoadProgress) -> Result<Loaded, DbError> {
    let mut client = target.connect()?;
    super::check_schema(&mut client, target)?;
    let story = super::story_of(&mut client, target)?;
    let (mut meta, _, _) = story_row(&mut client, target, &story)?;
    // A part of the story cannot follow chapters that name what it does not hold: chapters
    // come with the whole story (pull).
    if let Some(own) = meta.get_mut("evacmap").and_then(Value::as_object_mut) {
        own.remove("chapters");
    }
    let [west, south, east, north] = window.bbox.map_or([None; 4], |b| b.map(Some));
    let (first, last) = (window.range.first, window.range.last);
    let params: [&(dyn ToSql + Sync); 7] = [&story, &west, &south, &east, &north, &first, &last];
    let rows = client
        .query(
            "WITH shown AS (
                 -- What is in the view itself (everything, without a view)...
                 SELECT feature_id, position, feature, row_version FROM evacmap_features
                 WHERE story_id = $1
                   AND ($2::float8 IS NULL OR geom && ST_MakeEnvelope($2, $3, $4, $5, 4326))
                   AND ($6::date IS NULL OR when_end IS NULL OR when_end >= $6)
                   AND ($7::date IS NULL OR when_start IS NULL OR when_start <= $7)
                 UNION
                 -- ...and the movements and events of the range at places in it: from the
                 -- places the view holds (GiST), through what refers to them.
                 SELECT f.feature_id, f.position, f.feature, f.row_version
                 FROM evacmap_features p
                 JOIN evacmap_links l ON l.story_id = p.story_id AND l.place_id = p.feature_id
                 JOIN evacmap_features f
                     ON f.story_id = l.story_id AND f.feature_id = l.feature_id
                 WHERE $2::float8 IS NOT NULL AND p.story_id = $1
                   AND p.geom && ST_MakeEnvelope($2, $3, $4, $5, 4326)
                   AND f.geom IS NULL
                   AND ($6::date IS NULL OR f.when_end IS NULL OR f.when_end >= $6)
                   AND ($7::date IS NULL OR f.when_start IS NULL OR f.when_start <= $7))
             SELECT position, feature::text AS feature, feature_id, row_version FROM shown
             UNION ALL
             SELECT f.position, f.feature::text, f.feature_id, f.row_version
             FROM shown s
             JOIN evacmap_links l ON l.story_id = $1 AND l.feature_id = s.feature_id
             JOIN evacmap_features f ON f.story_id = $1 AND f.feature_id = l.place_id
             WHERE NOT EXISTS (SELECT 1 FROM shown t WHERE t.feature_id = l.place_id)
             ORDER BY 1",
            &params,
        )
        .map_err(|e| target.failed(&e))?;
    if progress.is_cancelled() {
        return Err(DbError::Cancelled {
            url: target.shown.clone(),
        });
    }
    // A place several shown features refer to comes once.
    let mut rows = rows;
    rows.dedup_by_key(|r| r.get::<_, i32>(0));
    let access = client
        .query_one(
            "SELECT current_user::text,
                 has_table_privilege('evacmap_features', 'INSERT, UPDATE, DELETE')
                 AND has_table_privilege('evacmap_links', 'INSERT, DELETE')
                 AND has_table_privilege('evacmap_figures', 'INSERT, DELETE')
                 AND has_table_privilege('evacmap_claims', 'INSERT, DELETE')
                 AND has_table_privilege('evacmap_sources', 'INSERT, UPDATE, DELETE')
                 AND has_table_privilege('evacmap_stories', 'UPDATE')",
            &[],
        )
        .map_err(|e| target.failed(&e))?;
    let mut loaded = story_from(target, meta, &rows, progress)?;
    // Edits are written back row by row: only when each feature read is known by its row.
    if loaded.dataset.len() == rows.len() {
        loaded.stored = Some(std::sync::Arc::new(StoredRows {
            story,
            rows: rows
                .iter()
                .map(|r| (r.get::<_, String>(2), r.get::<_, i64>(3)))
                .collect(),
            writable: access.get(1),
            user: access.get(0),
        }));
    }
    Ok(loaded)
}
