//! A story out of the database: whole (to pull it), or what a view and a time range need (to
//! open it as a layer). Either way the rows are read as a GeoJSON story is, by the same rules.

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use serde_json::Value;

use super::{DbError, Target};
use crate::io::remote::{StoredRows, Window};
use crate::io::{LoadProgress, Loaded};
use crate::model::Dataset;

/// A story's text put together from the collection's members and its rows as they arrive
/// (each a feature's JSON text), then read as a GeoJSON story is: never held as rows or JSON
/// values (a million rows would take gigabytes so).
struct StoryText {
    text: Vec<u8>,
    features: usize,
}

impl StoryText {
    fn new(meta: Value) -> Result<Self, DbError> {
        let mut root = match meta {
            Value::Object(root) => root,
            _ => serde_json::Map::new(),
        };
        root.remove("features");
        root.insert("type".into(), "FeatureCollection".into());
        let head = serde_json::to_string(&Value::Object(root))
            .map_err(|e| DbError::Story(e.to_string()))?;
        // `{…}` without its closing brace, then the features.
        let mut text = Vec::with_capacity(1 << 20);
        text.extend_from_slice(&head.as_bytes()[..head.len() - 1]);
        text.extend_from_slice(b",\"features\":[");
        Ok(Self { text, features: 0 })
    }

    fn push(&mut self, feature: &str) {
        if self.features > 0 {
            self.text.push(b',');
        }
        self.text.extend_from_slice(feature.as_bytes());
        self.features += 1;
    }

    fn read(mut self, target: &Target, progress: &LoadProgress) -> Result<Loaded, DbError> {
        self.text.extend_from_slice(b"]}");
        crate::io::geojson::parse_owned(self.text.into(), &target.shown, progress).map_err(|e| {
            DbError::Story(format!(
                "{}: the story in the database does not read: {}",
                target.shown,
                e.problems().join("; ")
            ))
        })
    }
}

/// The story `story`'s members: its collection's, its version, and the text it was pushed
/// from when `with_original` (a whole file's worth: only a pull needs it).
fn story_row(
    client: &mut postgres::Client,
    target: &Target,
    story: &str,
    with_original: bool,
) -> Result<(Value, Option<Vec<u8>>, i64), DbError> {
    let row = client
        .query_opt(
            "SELECT meta, CASE WHEN $2 THEN original END, row_version
             FROM evacmap_stories WHERE story_id = $1",
            &[&story, &with_original],
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
    let (meta, original, version) = story_row(client, target, story, true)?;
    let mut rows = client
        .query_raw(
            "SELECT feature::text AS feature, origin, position, row_version \
             FROM evacmap_features WHERE story_id = $1 ORDER BY position",
            [&story],
        )
        .map_err(|e| target.failed(&e))?;
    let mut text = StoryText::new(meta)?;
    let mut untouched = version == 1;
    while let Some(row) = rows.next().map_err(|e| target.failed(&e))? {
        let origin: Option<i32> = row.get(1);
        let position: i32 = row.get(2);
        let row_version: i64 = row.get(3);
        untouched &= origin == Some(position) && row_version == 1;
        text.push(row.get(0));
    }
    let loaded = text.read(target, &LoadProgress::default())?;
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
    let (mut meta, _, _) = story_row(&mut client, target, &story, false)?;
    // A part of the story cannot follow chapters that name what it does not hold: chapters
    // come with the whole story (pull).
    if let Some(own) = meta.get_mut("evacmap").and_then(Value::as_object_mut) {
        own.remove("chapters");
    }
    // Room to sort a view's rows in memory (the default 4 MB sends a city view to disk), and
    // no JIT compilation, which took longer (0.2 s) than a city view's query saves with it.
    client
        .batch_execute("SET work_mem = '64MB'; SET jit = off")
        .map_err(|e| target.failed(&e))?;
    // A view holding every feature of the table (a story at country zoom) asks as if there
    // were none: read in order, without looking up each place's links one by one. The extent
    // is PostGIS's estimate from the statistics: when it is short, more is read, never less.
    let mut window = window.clone();
    if let Some([west, south, east, north]) = window.bbox {
        let holds_all: Option<bool> = client
            .query_one(
                "SELECT ST_MakeEnvelope($1, $2, $3, $4, 4326)
                     ~ ST_SetSRID(ST_EstimatedExtent('evacmap_features', 'geom')::geometry, 4326)",
                &[&west, &south, &east, &north],
            )
            .ok()
            .and_then(|row| row.get(0));
        if holds_all == Some(true) {
            window.bbox = None;
        }
    }
    super::overview::show_if_big(&mut client, target, &story, &window, progress);
    let [west, south, east, north] = window.bbox.map_or([None; 4], |b| b.map(Some));
    let (first, last) = (window.range.first, window.range.last);
    let params: [&(dyn ToSql + Sync); 7] = [&story, &west, &south, &east, &north, &first, &last];
    // Without a view, every feature of the range and every place (the window filters by
    // time itself): read in the story's order by the index on position, nothing sorted.
    let query = if window.bbox.is_none() {
        // In order by the index, never by sorting a million rows of text (which the planner
        // chooses once other stories' rows have come and gone, and which spills to disk).
        client
            .batch_execute("SET enable_sort = off")
            .map_err(|e| target.failed(&e))?;
        "SELECT position, feature::text AS feature, feature_id, row_version
         FROM evacmap_features
         WHERE story_id = $1 AND $2::float8 IS NULL AND $3::float8 IS NULL
           AND $4::float8 IS NULL AND $5::float8 IS NULL
           AND (kind = 'place'
                OR (($6::date IS NULL OR when_end IS NULL OR when_end >= $6)
                    AND ($7::date IS NULL OR when_start IS NULL OR when_start <= $7)))
         ORDER BY position"
    } else {
        "WITH shown AS (
                 -- What is in the view itself (everything, without a view)...
                 SELECT feature_id FROM evacmap_features
                 WHERE story_id = $1
                   AND ($2::float8 IS NULL OR geom && ST_MakeEnvelope($2, $3, $4, $5, 4326))
                   AND ($6::date IS NULL OR when_end IS NULL OR when_end >= $6)
                   AND ($7::date IS NULL OR when_start IS NULL OR when_start <= $7)
                 UNION
                 -- ...and the movements and events of the range at places in it: from the
                 -- places the view holds (GiST), through what refers to them.
                 SELECT r.feature_id
                 FROM evacmap_features p, LATERAL (
                     SELECT l.feature_id FROM evacmap_links l
                     WHERE l.story_id = $1 AND l.place_id = p.feature_id
                       AND ($6::date IS NULL OR l.when_end IS NULL OR l.when_end >= $6)
                       AND ($7::date IS NULL OR l.when_start IS NULL OR l.when_start <= $7)
                     OFFSET 0) r
                 WHERE $2::float8 IS NOT NULL AND p.story_id = $1
                   AND p.geom && ST_MakeEnvelope($2, $3, $4, $5, 4326)),
             wanted AS (
                 SELECT feature_id FROM shown
                 UNION
                 -- ...and the places those refer to, wherever they are. (`OFFSET 0` keeps
                 -- each lookup a lookup in the index: the planner, misjudging how many rows
                 -- a view has, would otherwise hash every link and every feature of the
                 -- story.)
                 SELECT r.place_id FROM shown s, LATERAL (
                     SELECT l.place_id FROM evacmap_links l
                     WHERE l.story_id = $1 AND l.feature_id = s.feature_id OFFSET 0) r)
             -- Each once, in the story's order.
             SELECT f.position, f.feature::text AS feature, f.feature_id, f.row_version
             FROM wanted w, LATERAL (
                 SELECT position, feature, feature_id, row_version FROM evacmap_features
                 WHERE story_id = $1 AND feature_id = w.feature_id OFFSET 0) f
             ORDER BY position"
    };
    let mut rows = client
        .query_raw(query, params)
        .map_err(|e| target.failed(&e))?;
    let mut text = StoryText::new(meta)?;
    let mut stored = Vec::new();
    while let Some(row) = rows.next().map_err(|e| target.failed(&e))? {
        text.push(row.get(1));
        stored.push((row.get::<_, String>(2), row.get::<_, i64>(3)));
        if stored.len() % 4096 == 0 {
            progress.set_bytes(text.text.len() as u64, 0);
            if progress.is_cancelled() {
                return Err(DbError::Cancelled {
                    url: target.shown.clone(),
                });
            }
        }
    }
    drop(rows);
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
    let mut loaded = text.read(target, progress)?;
    // Edits are written back row by row: only when each feature read is known by its row.
    if loaded.dataset.len() == stored.len() {
        loaded.stored = Some(std::sync::Arc::new(StoredRows {
            story,
            rows: stored,
            writable: access.get(1),
            user: access.get(0),
        }));
    }
    Ok(loaded)
}
