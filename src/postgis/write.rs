//! Edits written back to a story in the database, in one transaction, with optimistic
//! concurrency: a row is changed or removed only while it still has the version it had when
//! read. A row someone else changed (or removed) meanwhile is a [`Conflict`] carrying both
//! versions, and then nothing at all is written. Sources are checked the same way, by what
//! they said when read. The story's row is locked for the transaction: saves to one story
//! follow one another, and new features get the positions after the last.

use std::collections::HashMap;

use postgres::Transaction;

use super::push::{Columns, days, links, text_array};
use super::{DbError, Target};
use crate::model::{Feature, Source};

/// What a row is expected to be when the write reaches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// The version read (or the one a resolved conflict took on).
    Version(i64),
    /// No such row: a feature added, or one to put back after someone removed it.
    Absent,
}

/// One row's change.
#[derive(Debug, Clone, PartialEq)]
pub enum RowWrite {
    /// The row `row` is to hold `feature` (its id may have changed).
    Put {
        row: String,
        expected: Expected,
        feature: Box<Feature>,
    },
    /// The row `row`, read at `version`, goes.
    Delete { row: String, version: i64 },
}

/// The story's sources before and after the edits (written only where they differ).
#[derive(Debug, Clone, PartialEq)]
pub struct SourcesWrite {
    pub before: Vec<Source>,
    pub after: Vec<Source>,
    /// Sources whose state in the database is to be written over (a conflict resolved so).
    pub overrule: Vec<String>,
}

/// One version of what conflicts.
#[derive(Debug, Clone, PartialEq)]
pub enum Version {
    Feature(Box<Feature>),
    Source(Source),
}

/// A change of ours that meets a change committed by someone else since we read the row.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// The row: a feature's row id, or `source:ID`.
    pub row: String,
    /// Ours; `None`: we removed it.
    pub mine: Option<Version>,
    /// Theirs, as the database has it now; `None`: they removed it.
    pub theirs: Option<Version>,
    /// Its version now (`None`: removed).
    pub their_version: Option<i64>,
    /// Who changed it last, and when (`None` when it is gone).
    pub by: Option<String>,
    pub at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Why the edits were not written: conflicts (nothing was written), or the database.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(
        "{} of your changes meet changes others made in the database since you read it: \
         nothing was written",
        .0.len()
    )]
    Conflicts(Vec<Conflict>),
    #[error(transparent)]
    Database(#[from] DbError),
}

/// What a write did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Written {
    /// The version each row put now has, by row id (a feature's id).
    pub versions: HashMap<String, i64>,
    pub removed: usize,
    /// The server process that wrote: its notification is ours, not someone else's change.
    pub backend: i32,
}

/// Writes `rows` and `sources` to the story `story`, all or nothing.
pub fn write(
    target: &Target,
    story: &str,
    rows: &[RowWrite],
    sources: Option<&SourcesWrite>,
) -> Result<Written, WriteError> {
    let mut client = target.connect()?;
    super::check_schema(&mut client, target)?;
    let failed = |e: postgres::Error| WriteError::Database(target.failed(&e));
    let mut transaction = client.transaction().map_err(failed)?;
    transaction
        .batch_execute("SET LOCAL lock_timeout = '15s'; SET LOCAL statement_timeout = '60s'")
        .map_err(failed)?;
    super::overview::name_the_story_written(&mut transaction, target, story)?;
    let story_row = transaction
        .query_opt(
            "SELECT meta, pg_backend_pid() FROM evacmap_stories WHERE story_id = $1 FOR UPDATE",
            &[&story],
        )
        .map_err(failed)?
        .ok_or_else(|| DbError::NoStory {
            url: target.shown.clone(),
            story: story.to_owned(),
            known: Vec::new(),
        })?;
    let mut meta: serde_json::Value = story_row.get(0);
    let backend: i32 = story_row.get(1);
    let mut conflicts = Vec::new();
    let mut writer = Writer {
        transaction: &mut transaction,
        target,
        story,
    };
    let mut removed_sources = Vec::new();
    if let Some(sources) = sources {
        removed_sources = writer.sources(sources, &mut meta, &mut conflicts)?;
    }
    let mut versions = HashMap::new();
    let mut put = Vec::new();
    for write in rows {
        if let RowWrite::Put {
            row,
            expected,
            feature,
        } = write
            && let Some(version) = writer.put(row, *expected, feature, &mut conflicts)?
        {
            versions.insert(feature.id().to_owned(), version);
            put.push((row.as_str(), feature.as_ref()));
        }
    }
    for (row, feature) in &put {
        writer.references(row, feature)?;
    }
    // What refers to a place goes before it.
    let deletes: Vec<(&str, i64)> = rows
        .iter()
        .filter_map(|w| match w {
            RowWrite::Delete { row, version } => Some((row.as_str(), *version)),
            RowWrite::Put { .. } => None,
        })
        .collect();
    let mut places = Vec::with_capacity(deletes.len());
    for (row, _) in &deletes {
        places.push(writer.is_place(row)?);
    }
    let mut deletes: Vec<_> = deletes.into_iter().zip(places).collect();
    deletes.sort_by_key(|(_, place)| *place);
    let mut removed = 0;
    for ((row, version), _) in deletes {
        removed += usize::from(writer.delete(row, version, &mut conflicts)?);
    }
    writer.sources_still_cited(&removed_sources)?;
    if !conflicts.is_empty() {
        // Dropping the transaction rolls it back: nothing of this save stays.
        return Err(WriteError::Conflicts(conflicts));
    }
    transaction
        .execute(
            "UPDATE evacmap_stories SET meta = $2, row_version = row_version + 1,
                 changed_by = current_user, changed_at = now()
             WHERE story_id = $1",
            &[&story, &meta],
        )
        .map_err(failed)?;
    transaction
        .execute(
            "SELECT pg_notify('evacmap_story', json_build_object('story', $1::text,
                 'by', current_user, 'backend', pg_backend_pid())::text)",
            &[&story],
        )
        .map_err(failed)?;
    transaction.commit().map_err(failed)?;
    // The save removed the story's overview (a trigger): it is counted again from what it wrote.
    super::overview::refresh_later(target, story);
    Ok(Written {
        versions,
        removed,
        backend,
    })
}

/// The statements of one write.
struct Writer<'a, 'b> {
    transaction: &'a mut Transaction<'b>,
    target: &'a Target,
    story: &'a str,
}

impl Writer<'_, '_> {
    fn failed(&self, error: &postgres::Error) -> DbError {
        self.target.failed(error)
    }

    /// Puts a feature into its row; its new version, or `None` after a conflict.
    fn put(
        &mut self,
        row: &str,
        expected: Expected,
        feature: &Feature,
        conflicts: &mut Vec<Conflict>,
    ) -> Result<Option<i64>, DbError> {
        let c = Columns::of(feature);
        let id = match feature {
            // Another tool's feature keeps the row it was read from.
            Feature::Generic(_) => row,
            _ => feature.id(),
        };
        let written = match expected {
            Expected::Version(version) => self
                .transaction
                .query_opt(
                    "UPDATE evacmap_features SET feature_id = $3, kind = $4, name = $5,
                         geom = ST_GeomFromEWKT($6), when_start = $7, when_end = $8,
                         when_text = $9, precision = $10, feature = $11,
                         row_version = row_version + 1, changed_by = current_user,
                         changed_at = now()
                     WHERE story_id = $1 AND feature_id = $2 AND row_version = $12
                     RETURNING row_version",
                    &[
                        &self.story,
                        &row,
                        &id,
                        &c.kind,
                        &c.name,
                        &c.geometry,
                        &c.start,
                        &c.end,
                        &c.when,
                        &c.precision,
                        &c.feature,
                        &version,
                    ],
                )
                .map_err(|e| self.failed(&e))?,
            Expected::Absent => {
                if self.current(id)?.is_some() {
                    None
                } else {
                    self.transaction
                        .query_opt(
                            "INSERT INTO evacmap_features (story_id, feature_id, position, kind,
                                 name, geom, when_start, when_end, when_text, precision, feature)
                             SELECT $1, $2, coalesce(max(position), -1) + 1, $3, $4,
                                 ST_GeomFromEWKT($5), $6, $7, $8, $9, $10
                             FROM evacmap_features WHERE story_id = $1
                             RETURNING row_version",
                            &[
                                &self.story,
                                &id,
                                &c.kind,
                                &c.name,
                                &c.geometry,
                                &c.start,
                                &c.end,
                                &c.when,
                                &c.precision,
                                &c.feature,
                            ],
                        )
                        .map_err(|e| self.failed(&e))?
                }
            }
        };
        match written {
            Some(written) => Ok(Some(written.get(0))),
            None => {
                let key = match expected {
                    Expected::Absent => id,
                    Expected::Version(_) => row,
                };
                conflicts
                    .push(self.conflict(key, Some(Version::Feature(Box::new(feature.clone()))))?);
                Ok(None)
            }
        }
    }

    /// The row `row` as the database has it now: its feature, version, who and when.
    fn current(&mut self, row: &str) -> Result<Option<postgres::Row>, DbError> {
        self.transaction
            .query_opt(
                "SELECT feature, row_version, changed_by, changed_at FROM evacmap_features
                 WHERE story_id = $1 AND feature_id = $2",
                &[&self.story, &row],
            )
            .map_err(|e| self.failed(&e))
    }

    fn is_place(&mut self, row: &str) -> Result<bool, DbError> {
        Ok(self
            .transaction
            .query_opt(
                "SELECT 1 FROM evacmap_features
                 WHERE story_id = $1 AND feature_id = $2 AND kind = 'place'",
                &[&self.story, &row],
            )
            .map_err(|e| self.failed(&e))?
            .is_some())
    }

    /// Ours beside theirs, for the row `row`.
    fn conflict(&mut self, row: &str, mine: Option<Version>) -> Result<Conflict, DbError> {
        let now = self.current(row)?;
        Ok(Conflict {
            row: row.to_owned(),
            mine,
            theirs: now.as_ref().and_then(|r| {
                crate::io::geojson::edit_check::feature_from_json(&r.get::<_, serde_json::Value>(0))
                    .map(|f| Version::Feature(Box::new(f)))
            }),
            their_version: now.as_ref().map(|r| r.get(1)),
            by: now.as_ref().map(|r| r.get(2)),
            at: now.as_ref().map(|r| r.get(3)),
        })
    }

    /// The references, figures and claims of a feature put: as it has them now.
    fn references(&mut self, row: &str, feature: &Feature) -> Result<(), DbError> {
        let id = match feature {
            Feature::Generic(_) => row,
            _ => feature.id(),
        };
        for table in ["evacmap_links", "evacmap_figures"] {
            self.transaction
                .execute(
                    &format!("DELETE FROM {table} WHERE story_id = $1 AND feature_id = ANY($2)"),
                    &[&self.story, &vec![row, id]],
                )
                .map_err(|e| self.failed(&e))?;
        }
        self.transaction
            .execute(
                "DELETE FROM evacmap_claims WHERE story_id = $1 AND place_id = ANY($2)",
                &[&self.story, &vec![row, id]],
            )
            .map_err(|e| self.failed(&e))?;
        let (start, end) = days(feature);
        for (role, place) in links(feature) {
            self.transaction
                .execute(
                    "INSERT INTO evacmap_links
                         (story_id, feature_id, role, place_id, when_start, when_end)
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                    &[&self.story, &id, &role, &place, &start, &end],
                )
                .map_err(|e| self.refused_reference(&e, place))?;
        }
        for (n, figure) in feature.figures().iter().enumerate() {
            self.transaction
                .execute(
                    "INSERT INTO evacmap_figures
                         (story_id, feature_id, n, measure, value, qualifier, sources, note)
                     VALUES ($1, $2, $3, $4, $5, $6, $7::text::text[], $8)",
                    &[
                        &self.story,
                        &id,
                        &(n as i32),
                        &figure.measure.as_str(),
                        &(figure.value as i64),
                        &figure.qualifier.as_str(),
                        &text_array(&figure.sources),
                        &figure.note,
                    ],
                )
                .map_err(|e| self.failed(&e))?;
        }
        if let Feature::Place(place) = feature {
            for (n, claim) in place.control.iter().enumerate() {
                self.transaction
                    .execute(
                        "INSERT INTO evacmap_claims
                             (story_id, place_id, n, status, when_text, sources)
                         VALUES ($1, $2, $3, $4, $5, $6::text::text[])",
                        &[
                            &self.story,
                            &id,
                            &(n as i32),
                            &claim.status.as_str(),
                            &claim.when.map(|w| w.to_string()),
                            &text_array(&claim.sources),
                        ],
                    )
                    .map_err(|e| self.failed(&e))?;
            }
        }
        Ok(())
    }

    /// A reference to a place the database does not have: someone removed it meanwhile.
    fn refused_reference(&self, error: &postgres::Error, place: &str) -> DbError {
        if error.code() == Some(&postgres::error::SqlState::FOREIGN_KEY_VIOLATION) {
            return DbError::Query {
                url: self.target.shown.clone(),
                message: format!(
                    "the place {place:?} is no longer in the story in the database (someone \
                     removed it): nothing was written"
                ),
            };
        }
        self.failed(error)
    }

    /// Removes a row read at `version`; whether it was there to remove.
    fn delete(
        &mut self,
        row: &str,
        version: i64,
        conflicts: &mut Vec<Conflict>,
    ) -> Result<bool, DbError> {
        let deleted = self
            .transaction
            .execute(
                "DELETE FROM evacmap_features
                 WHERE story_id = $1 AND feature_id = $2 AND row_version = $3",
                &[&self.story, &row, &version],
            )
            .map_err(|e| {
                if e.code() == Some(&postgres::error::SqlState::FOREIGN_KEY_VIOLATION) {
                    DbError::Query {
                        url: self.target.shown.clone(),
                        message: format!(
                            "{row:?} cannot be removed: movements or events elsewhere in the \
                             story in the database still refer to it (nothing was written)"
                        ),
                    }
                } else {
                    self.failed(&e)
                }
            })?;
        if deleted == 0 && self.current(row)?.is_some() {
            // Changed meanwhile; removed by both of us is no conflict.
            conflicts.push(self.conflict(row, None)?);
        }
        Ok(deleted > 0)
    }

    /// Writes the sources that differ; returns the ids of those removed.
    fn sources(
        &mut self,
        sources: &SourcesWrite,
        meta: &mut serde_json::Value,
        conflicts: &mut Vec<Conflict>,
    ) -> Result<Vec<String>, DbError> {
        let before: HashMap<&str, &Source> =
            sources.before.iter().map(|s| (s.id.as_str(), s)).collect();
        let after: HashMap<&str, &Source> =
            sources.after.iter().map(|s| (s.id.as_str(), s)).collect();
        let mut ids: Vec<&str> = before.keys().chain(after.keys()).copied().collect();
        ids.sort_unstable();
        ids.dedup();
        // The sources as the database has them now, whole (the table holds their main fields).
        let current: Vec<Source> = meta
            .get("evacmap")
            .and_then(crate::io::geojson::edit_check::sources_from_json)
            .unwrap_or_default();
        let mut removed = Vec::new();
        for id in ids {
            let (was, now) = (before.get(id).copied(), after.get(id).copied());
            if was == now {
                continue;
            }
            let theirs = current.iter().find(|s| s.id == id).cloned();
            let overruled = sources.overrule.iter().any(|o| o == id);
            if theirs.as_ref() != was && theirs.as_ref() != now && !overruled {
                conflicts.push(Conflict {
                    row: format!("source:{id}"),
                    mine: now.cloned().map(Version::Source),
                    theirs: theirs.map(Version::Source),
                    their_version: None,
                    by: None,
                    at: None,
                });
                continue;
            }
            match now {
                Some(source) => {
                    let kind = source.kind.as_ref().map(|k| k.as_str().to_owned());
                    self.transaction
                        .execute(
                            "INSERT INTO evacmap_sources (story_id, source_id, name, kind, url)
                             VALUES ($1, $2, $3, $4, $5)
                             ON CONFLICT (story_id, source_id) DO UPDATE SET name = $3,
                                 kind = $4, url = $5,
                                 row_version = evacmap_sources.row_version + 1,
                                 changed_by = current_user, changed_at = now()",
                            &[&self.story, &id, &source.name, &kind, &source.url],
                        )
                        .map_err(|e| self.failed(&e))?;
                }
                None => {
                    removed.push(id.to_owned());
                }
            }
            if let Some(listed) = meta
                .get_mut("evacmap")
                .and_then(|e| e.get_mut("sources"))
                .and_then(serde_json::Value::as_object_mut)
            {
                match now {
                    Some(source) => {
                        listed.insert(id.to_owned(), crate::io::write::source_to_json(source));
                    }
                    None => {
                        listed.remove(id);
                    }
                }
            }
        }
        Ok(removed)
    }

    /// Removes the sources `removed`, unless a figure or claim anywhere in the story still
    /// cites one.
    fn sources_still_cited(&mut self, removed: &[String]) -> Result<(), DbError> {
        if removed.is_empty() {
            return Ok(());
        }
        let citing = self
            .transaction
            .query_opt(
                "SELECT s, feature_id FROM evacmap_figures, unnest(sources) AS s
                 WHERE story_id = $1 AND s = ANY($2)
                 UNION ALL
                 SELECT s, place_id FROM evacmap_claims, unnest(sources) AS s
                 WHERE story_id = $1 AND s = ANY($2)
                 LIMIT 1",
                &[&self.story, &removed],
            )
            .map_err(|e| self.failed(&e))?;
        if let Some(row) = citing {
            let (source, by): (String, String) = (row.get(0), row.get(1));
            return Err(DbError::Query {
                url: self.target.shown.clone(),
                message: format!(
                    "the source {source:?} cannot be removed: {by:?} in the story in the \
                     database still cites it (nothing was written)"
                ),
            });
        }
        self.transaction
            .execute(
                "DELETE FROM evacmap_sources WHERE story_id = $1 AND source_id = ANY($2)",
                &[&self.story, &removed],
            )
            .map_err(|e| self.failed(&e))?;
        Ok(())
    }
}
