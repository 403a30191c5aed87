//! A story into the database: its collection members, sources, features (each with its
//! geometry, dates and the whole feature as JSON), the references between them, its figures
//! with their sources, its control claims and chapters; in one transaction, the bulk through
//! `COPY`. The text it was read from is kept, so that pulling it back gives the same file.

use std::io::Write;

use super::{DbError, Target};
use crate::model::{Dataset, Feature, FeatureKind};

/// What a push wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    pub story: String,
    pub features: usize,
    pub sources: usize,
    /// An earlier story of that id was replaced.
    pub replaced: bool,
}

/// A story's id from a file name: its stem, lower case, with dashes ("damascus-2017-05").
pub fn story_id_from(name: &str) -> String {
    let stem = std::path::Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = crate::model::names::folded_words(&stem, "-");
    if id.is_empty() { "story".into() } else { id }
}

/// Pushes `dataset` (read from `original`, when it is GeoJSON text) as the story `story`;
/// an existing story of that id is replaced only when `replace` says so.
pub fn push(
    target: &Target,
    story: &str,
    dataset: &Dataset,
    original: Option<&[u8]>,
    replace: bool,
) -> Result<Pushed, DbError> {
    let mut client = target.connect()?;
    super::migrate(&mut client, target)?;
    let failed = |e: postgres::Error| target.failed(&e);
    let mut transaction = client.transaction().map_err(failed)?;
    super::overview::name_the_story_written(&mut transaction, target, story)?;
    let existed = transaction
        .query_opt(
            "SELECT 1 FROM evacmap_stories WHERE story_id = $1 FOR UPDATE",
            &[&story],
        )
        .map_err(failed)?
        .is_some();
    if existed && !replace {
        return Err(DbError::Exists {
            url: target.shown.clone(),
            story: story.to_owned(),
        });
    }
    if existed {
        // The references first: a place still referred to cannot go.
        for table in ["evacmap_links", "evacmap_stories"] {
            transaction
                .execute(
                    &format!("DELETE FROM {table} WHERE story_id = $1"),
                    &[&story],
                )
                .map_err(failed)?;
        }
    }
    // The collection's members but its features: evacmap's own and other tools'.
    let meta = serde_json::Value::Object(crate::io::write::to_geojson_without_features(dataset));
    transaction
        .execute(
            "INSERT INTO evacmap_stories (story_id, title, meta, original) VALUES ($1, $2, $3, $4)",
            &[&story, &dataset.meta.title, &meta, &original],
        )
        .map_err(failed)?;
    for source in &dataset.meta.sources {
        let kind = source.kind.as_ref().map(|k| k.as_str().to_owned());
        transaction
            .execute(
                "INSERT INTO evacmap_sources (story_id, source_id, name, kind, url) \
                 VALUES ($1, $2, $3, $4, $5)",
                &[&story, &source.id, &source.name, &kind, &source.url],
            )
            .map_err(failed)?;
    }
    let started = std::time::Instant::now();
    let phase = |what: &str| {
        log::info!(
            "push: {what} after {:.1} s",
            started.elapsed().as_secs_f64()
        )
    };
    copy_features(&mut transaction, target, story, dataset)?;
    phase("features");
    copy_rows(
        &mut transaction,
        target,
        "evacmap_links (story_id, feature_id, role, place_id, when_start, when_end)",
        |out| {
            for feature in dataset.features() {
                let links = links(&feature);
                if links.is_empty() {
                    continue;
                }
                let (start, end) = days(&feature);
                let (start, end) = (start.map(|d| d.to_string()), end.map(|d| d.to_string()));
                for (role, place) in links {
                    row(
                        out,
                        &[
                            Some(story),
                            Some(feature.id()),
                            Some(role),
                            Some(place),
                            start.as_deref(),
                            end.as_deref(),
                        ],
                    )?;
                }
            }
            Ok(())
        },
    )?;
    phase("links");
    copy_figures_and_claims(&mut transaction, target, story, dataset)?;
    phase("figures and claims");
    for (n, chapter) in dataset.meta.chapters.iter().enumerate() {
        let json = crate::io::write::chapter_to_json(chapter);
        transaction
            .execute(
                "INSERT INTO evacmap_chapters (story_id, n, chapter) VALUES ($1, $2, $3)",
                &[&story, &(n as i32), &json],
            )
            .map_err(failed)?;
    }
    transaction
        .execute(
            "SELECT pg_notify('evacmap_story',
                 json_build_object('story', $1::text, 'by', current_user)::text)",
            &[&story],
        )
        .map_err(failed)?;
    transaction.commit().map_err(failed)?;
    phase("commit (the deferred checks)");
    // The planner's statistics, now rather than whenever autovacuum comes: a view asked for
    // before then was planned for empty tables (nested loops over a million rows).
    client
        .batch_execute("ANALYZE evacmap_features, evacmap_links, evacmap_figures, evacmap_claims")
        .map_err(failed)?;
    phase("statistics");
    super::overview::refresh(&mut client, target, story)?;
    phase("overview");
    Ok(Pushed {
        story: story.to_owned(),
        features: dataset.len(),
        sources: dataset.meta.sources.len(),
        replaced: existed,
    })
}

/// Each figure with its sources, and each control claim with its sources.
fn copy_figures_and_claims(
    transaction: &mut postgres::Transaction,
    target: &Target,
    story: &str,
    dataset: &Dataset,
) -> Result<(), DbError> {
    copy_rows(
        transaction,
        target,
        "evacmap_figures (story_id, feature_id, n, measure, value, qualifier, sources, note)",
        |out| {
            for feature in dataset.features() {
                for (n, figure) in feature.figures().iter().enumerate() {
                    row(
                        out,
                        &[
                            Some(story),
                            Some(feature.id()),
                            Some(&n.to_string()),
                            Some(figure.measure.as_str()),
                            Some(&figure.value.to_string()),
                            Some(figure.qualifier.as_str()),
                            Some(&text_array(&figure.sources)),
                            figure.note.as_deref(),
                        ],
                    )?;
                }
            }
            Ok(())
        },
    )?;
    copy_rows(
        transaction,
        target,
        "evacmap_claims (story_id, place_id, n, status, when_text, sources)",
        |out| {
            for feature in dataset.features() {
                let Feature::Place(place) = &feature else {
                    continue;
                };
                for (n, claim) in place.control.iter().enumerate() {
                    let when = claim.when.map(|w| w.to_string());
                    row(
                        out,
                        &[
                            Some(story),
                            Some(feature.id()),
                            Some(&n.to_string()),
                            Some(claim.status.as_str()),
                            when.as_deref(),
                            Some(&text_array(&claim.sources)),
                        ],
                    )?;
                }
            }
            Ok(())
        },
    )?;
    Ok(())
}

/// A feature's row, but its ids and position: what the columns of `evacmap_features` hold.
pub(super) struct Columns {
    pub kind: &'static str,
    pub name: Option<String>,
    /// As EWKT (`SRID=4326;POINT(…)`).
    pub geometry: Option<String>,
    pub start: Option<chrono::NaiveDate>,
    pub end: Option<chrono::NaiveDate>,
    pub when: Option<String>,
    pub precision: Option<&'static str>,
    /// The whole feature as evacmap writes it.
    pub feature: serde_json::Value,
}

impl Columns {
    pub fn of(feature: &Feature) -> Self {
        let when = feature.when();
        let (start, end) = days(feature);
        Self {
            kind: match feature {
                Feature::Place(_) => "place",
                Feature::Movement(_) => "movement",
                Feature::Event(_) => "event",
                Feature::Generic(_) => "feature",
            },
            name: feature.common().name.clone(),
            geometry: feature.common().geometry.as_ref().map(super::ewkt::ewkt),
            start,
            end,
            when: when.map(|w| w.to_string()),
            precision: when.map(|w| match w.precision() {
                crate::model::Precision::Day => "day",
                crate::model::Precision::Month => "month",
                crate::model::Precision::Year => "year",
            }),
            feature: crate::io::write::feature_to_json(feature),
        }
    }
}

/// The first and last day a feature's date covers (what the date columns of features and
/// links hold).
pub(super) fn days(feature: &Feature) -> (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>) {
    let span = feature.when().map(|w| w.span());
    (span.and_then(|s| s.first), span.and_then(|s| s.last))
}

/// The places a feature refers to, by role.
pub(super) fn links(feature: &Feature) -> Vec<(&'static str, &str)> {
    match feature {
        Feature::Movement(movement) => std::iter::once(("from", movement.from.as_str()))
            .chain(movement.also_from.iter().map(|p| ("from", p.as_str())))
            .chain(std::iter::once(("to", movement.to.as_str())))
            .collect(),
        Feature::Event(event) => event.place.iter().map(|p| ("place", p.as_str())).collect(),
        _ => Vec::new(),
    }
}

/// The id a feature is kept by: its own, or its position for another tool's feature (whose
/// ids need not be unique).
pub(super) fn row_id(dataset: &Dataset, position: usize) -> String {
    match dataset.kind(crate::model::FeatureIndex(position)) {
        Some(FeatureKind::Generic) | None => format!("#{position}"),
        Some(_) => dataset.store().id(position).to_owned(),
    }
}

fn copy_features(
    transaction: &mut postgres::Transaction,
    target: &Target,
    story: &str,
    dataset: &Dataset,
) -> Result<(), DbError> {
    copy_rows(
        transaction,
        target,
        "evacmap_features (story_id, feature_id, position, origin, kind, name, geom, \
         when_start, when_end, when_text, precision, feature)",
        |out| {
            for (position, feature) in dataset.features().enumerate() {
                let columns = Columns::of(&feature);
                let at = position.to_string();
                row(
                    out,
                    &[
                        Some(story),
                        Some(&row_id(dataset, position)),
                        // Its place in the story, and in the text pushed: the same at first.
                        Some(&at),
                        Some(&at),
                        Some(columns.kind),
                        columns.name.as_deref(),
                        columns.geometry.as_deref(),
                        columns.start.map(|d| d.to_string()).as_deref(),
                        columns.end.map(|d| d.to_string()).as_deref(),
                        columns.when.as_deref(),
                        columns.precision,
                        Some(&columns.feature.to_string()),
                    ],
                )?;
            }
            Ok(())
        },
    )?;
    Ok(())
}

/// Rows into `table_and_columns` through `COPY … FROM STDIN` (text format), as `write` makes
/// them.
pub(super) fn copy_rows(
    transaction: &mut postgres::Transaction,
    target: &Target,
    table_and_columns: &str,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), DbError> {
    let mut writer = transaction
        .copy_in(&format!("COPY {table_and_columns} FROM STDIN"))
        .map_err(|e| target.failed(&e))?;
    let mut buffered = std::io::BufWriter::with_capacity(1 << 20, &mut writer);
    write(&mut buffered).map_err(|e| DbError::Query {
        url: target.shown.clone(),
        message: format!("sending rows failed: {e}"),
    })?;
    buffered.flush().map_err(|e| DbError::Query {
        url: target.shown.clone(),
        message: format!("sending rows failed: {e}"),
    })?;
    drop(buffered);
    writer.finish().map_err(|e| target.failed(&e))?;
    Ok(())
}

/// One row of `COPY`'s text format: cells separated by tabs, `\N` for none, backslashes,
/// tabs and line breaks escaped.
pub(super) fn row(out: &mut dyn Write, cells: &[Option<&str>]) -> std::io::Result<()> {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.write_all(b"\t")?;
        }
        match cell {
            None => out.write_all(b"\\N")?,
            Some(text) => {
                let mut start = 0;
                for (at, byte) in text.bytes().enumerate() {
                    let escaped: &[u8] = match byte {
                        b'\\' => b"\\\\",
                        b'\t' => b"\\t",
                        b'\n' => b"\\n",
                        b'\r' => b"\\r",
                        _ => continue,
                    };
                    out.write_all(&text.as_bytes()[start..at])?;
                    out.write_all(escaped)?;
                    start = at + 1;
                }
                out.write_all(&text.as_bytes()[start..])?;
            }
        }
    }
    out.write_all(b"\n")
}

/// A PostgreSQL `text[]` literal: `{"a","b \"c\""}`.
pub(super) fn text_array(items: &[String]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|item| format!("\"{}\"", item.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("{{{}}}", quoted.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_rows_escape_what_the_text_format_reads_specially() {
        let mut out = Vec::new();
        row(
            &mut out,
            &[Some("a\tb"), None, Some("line\nbreak \\ x"), Some("')--")],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a\\tb\t\\N\tline\\nbreak \\\\ x\t')--\n"
        );
        assert_eq!(
            text_array(&["sana".into(), "say \"no\"".into()]),
            r#"{"sana","say \"no\""}"#
        );
    }

    #[test]
    fn a_story_is_named_after_its_file() {
        assert_eq!(
            story_id_from("data/Damascus 2017-05.geojson"),
            "damascus-2017-05"
        );
        assert_eq!(story_id_from(""), "story");
    }
}
