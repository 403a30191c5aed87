//! A faithful save: the text read, copied where nothing changed.
//!
//! The file read is outlined again (where each feature's text is; it must still be the file
//! read). Then the new file is written in one pass over the old: the collection's own members as
//! they were (the story's member merged where its sources were edited), each untouched feature
//! and the separator before it copied byte for byte, each edited feature's new members merged
//! into its old text ([`super::merge`]), each added feature written anew. Nothing is parsed that
//! was not edited, so numbers keep their digits, members their order, and other tools' members
//! (`bbox`, a geometry's foreign members, elevations) stay.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::ops::Range;

use serde_json::{Map, Value};

use super::{FileStamp, Original, SaveError, SaveReport, merge_object};
use crate::io::geojson::outline::{OutlineReader, object_members, outline};
use crate::io::write::{feature_to_json, meta_to_json};
use crate::model::edit::Origins;
use crate::model::{Dataset, FeatureIndex, StoryMeta};

/// Between two features where the file had none to copy.
const USUAL_SEPARATOR: &[u8] = b",\n";

/// Where the parts of the text read are.
#[derive(Debug)]
pub enum FaithfulPlan {
    /// A FeatureCollection.
    Collection(CollectionPlan),
    /// A file that is one Feature, or one geometry: the story's one feature as read.
    Single { text: Vec<u8>, is_feature: bool },
}

impl FaithfulPlan {
    /// Where the parts of `original` are; `None` when it is not GeoJSON of the features read
    /// (a table, a file evacmap cannot follow): then the story is written evacmap's way.
    pub fn new(original: &Original, origins: &Origins) -> Result<Option<Self>, SaveError> {
        let collection = CollectionPlan::new(original)?;
        let plan = match collection {
            Some(plan) => Some(Self::Collection(plan)),
            None if origins.features_read() == 1 => Self::single(original)?,
            None => None,
        };
        Ok(plan.filter(|plan| match plan {
            Self::Collection(plan) => plan.features.len() == origins.features_read(),
            Self::Single { .. } => true,
        }))
    }

    fn single(original: &Original) -> Result<Option<Self>, SaveError> {
        let text = match original {
            Original::Text(text) => text.to_vec(),
            Original::File { path, .. } => std::fs::read(path).map_err(SaveError::io(path))?,
        };
        let skip = bom_len(&text);
        let Some((members, _)) = object_members(&text[skip..]) else {
            return Ok(None);
        };
        let type_of = members.iter().find(|m| m.name == "type").and_then(|m| {
            serde_json::from_slice::<String>(&text[skip + m.value.start..skip + m.value.end]).ok()
        });
        let is_feature = match type_of.as_deref() {
            Some("Feature") => true,
            Some("FeatureCollection") | None => return Ok(None),
            Some(_) => false,
        };
        Ok(Some(Self::Single { text, is_feature }))
    }

    /// Writes the story: what was not edited as it was read.
    pub fn write(
        &self,
        out: &mut dyn Write,
        dataset: &Dataset,
        original: &Original,
        origins: &Origins,
    ) -> std::io::Result<SaveReport> {
        match self {
            Self::Collection(plan) => plan.write(out, dataset, original, origins),
            Self::Single { text, is_feature } => {
                write_single(out, dataset, origins, text, *is_feature)
            }
        }
    }
}

/// A story read from one Feature or one geometry: written back as it was while it is that one
/// feature; with features added or it removed, a FeatureCollection of them.
fn write_single(
    out: &mut dyn Write,
    dataset: &Dataset,
    origins: &Origins,
    text: &[u8],
    is_feature: bool,
) -> std::io::Result<SaveReport> {
    let mut report = SaveReport {
        copied: 0,
        written: 0,
        merged: 0,
    };
    let mut pieces = Vec::new();
    for index in 0..dataset.len() {
        let Some(now) = dataset.get(FeatureIndex(index)) else {
            continue;
        };
        let read = origins.origin(index).map(|_| origins.original(0));
        let piece = match read {
            Some(None) => {
                report.copied += 1;
                text.to_vec()
            }
            Some(Some(read)) if *read == now => {
                report.copied += 1;
                text.to_vec()
            }
            Some(Some(read)) if is_feature => {
                report.merged += 1;
                let old =
                    std::str::from_utf8(&text[bom_len(text)..]).map_err(std::io::Error::other)?;
                let after = object(feature_to_json(&now));
                let merged = merge_object(old, &object(feature_to_json(read)), &after);
                merged.unwrap_or_else(|| compact(&after)).into_bytes()
            }
            _ => {
                report.written += 1;
                serde_json::to_vec(&feature_to_json(&now))?
            }
        };
        pieces.push(piece);
    }
    if let ([piece], 1) = (pieces.as_slice(), report.copied + report.merged) {
        out.write_all(piece)?;
        return Ok(report);
    }
    out.write_all(b"{\"type\": \"FeatureCollection\", \"features\": [\n")?;
    for (i, piece) in pieces.iter().enumerate() {
        if i > 0 {
            out.write_all(USUAL_SEPARATOR)?;
        }
        out.write_all(
            piece
                .strip_prefix(crate::io::text::BYTE_ORDER_MARK)
                .unwrap_or(piece),
        )?;
    }
    out.write_all(b"\n]}\n")?;
    Ok(report)
}

/// How long the text's byte order mark is (none: 0).
fn bom_len(text: &[u8]) -> usize {
    if text.starts_with(crate::io::text::BYTE_ORDER_MARK) {
        crate::io::text::BYTE_ORDER_MARK.len()
    } else {
        0
    }
}

/// Where the parts of a FeatureCollection's text are.
#[derive(Debug)]
pub struct CollectionPlan {
    /// Each feature's text, in the file.
    features: Vec<Range<usize>>,
    /// The collection without its features: the text before the first and after the last.
    frame: Vec<u8>,
    /// Where in `frame` the features go.
    split: usize,
    /// The story's member (`"evacmap"`) in `frame`, its key and value, where it has one.
    story_member: Option<(Range<usize>, Range<usize>)>,
    /// Where in `frame` a new story member goes: after the opening brace.
    opening: usize,
}

impl CollectionPlan {
    /// Where the parts of `original` are; `None` when it is not a FeatureCollection.
    fn new(original: &Original) -> Result<Option<Self>, SaveError> {
        let plan = match original {
            Original::Text(text) => Self::of_text(text),
            Original::File { path, stamp } => {
                let error = SaveError::io(path);
                if FileStamp::of(path).ok() != Some(*stamp) {
                    return Err(SaveError::ChangedOnDisk {
                        path: path.display().to_string(),
                    });
                }
                Self::of_file(&mut File::open(path).map_err(&error)?).map_err(&error)?
            }
        };
        Ok(plan)
    }

    fn of_text(text: &[u8]) -> Option<Self> {
        let skip = bom_len(text);
        let outline = outline(&text[skip..])?;
        let features = shifted(outline.features, skip);
        Self::framed(features, text.len(), |range| Ok(text[range].to_vec())).ok()?
    }

    fn of_file(file: &mut File) -> std::io::Result<Option<Self>> {
        let mut reader = OutlineReader::default();
        let mut block = vec![0; 1 << 20];
        let mut skip = None;
        loop {
            let read = file.read(&mut block)?;
            if read == 0 {
                break;
            }
            // A byte order mark comes whole in the first block (a file's first read is not
            // cut three bytes in); the outline starts after it.
            let from = match skip {
                None => *skip.insert(bom_len(&block[..read])),
                Some(_) => 0,
            };
            reader.feed(&block[from..read]);
        }
        let Some(outline) = reader.finish() else {
            return Ok(None);
        };
        let features = shifted(outline.features, skip.unwrap_or(0));
        let len = file.metadata()?.len() as usize;
        Self::framed(features, len, |range| {
            let mut bytes = vec![0; range.len()];
            file.seek(SeekFrom::Start(range.start as u64))?;
            file.read_exact(&mut bytes)?;
            Ok(bytes)
        })
    }

    /// The plan, from the features' places and a way to read parts of the text.
    fn framed(
        features: Vec<Range<usize>>,
        len: usize,
        mut read: impl FnMut(Range<usize>) -> std::io::Result<Vec<u8>>,
    ) -> std::io::Result<Option<Self>> {
        let (frame, split) = match (features.first(), features.last()) {
            (Some(first), Some(last)) => {
                let mut frame = read(0..first.start)?;
                let split = frame.len();
                frame.extend(read(last.end..len)?);
                (frame, split)
            }
            _ => {
                let frame = read(0..len)?;
                let skip = bom_len(&frame);
                let Some((members, _)) = object_members(&frame[skip..]) else {
                    return Ok(None);
                };
                let Some(array) = members.iter().find(|m| m.name == "features") else {
                    return Ok(None);
                };
                let split = skip + array.value.start + 1;
                (frame, split)
            }
        };
        let skip = bom_len(&frame);
        let Some((members, object)) = object_members(&frame[skip..]) else {
            return Ok(None);
        };
        let story_member = members.iter().find(|m| m.name == "evacmap").map(|m| {
            (
                m.key.start + skip..m.key.end + skip,
                m.value.start + skip..m.value.end + skip,
            )
        });
        let object = object.start + skip..object.end + skip;
        Ok(Some(Self {
            features,
            frame,
            split,
            story_member,
            opening: object.start + 1,
        }))
    }

    /// Writes the story: what was not edited as it was read.
    pub fn write(
        &self,
        out: &mut dyn Write,
        dataset: &Dataset,
        original: &Original,
        origins: &Origins,
    ) -> std::io::Result<SaveReport> {
        let mut text: Box<dyn Ranges> = match original {
            Original::Text(text) => Box::new(TextRanges(text)),
            Original::File { path, .. } => Box::new(FileRanges {
                reader: BufReader::with_capacity(1 << 20, File::open(path)?),
                at: 0,
            }),
        };
        let story = self.story_member_text(&dataset.meta, origins)?;
        let (before, after) = self.frame.split_at(self.split);
        self.write_frame_part(out, before, 0, story.as_ref())?;
        let report = self.write_features(out, dataset, origins, text.as_mut())?;
        self.write_frame_part(out, after, self.split, story.as_ref())?;
        Ok(report)
    }

    /// The story's member as edited, when its sources were: (where it goes, its text).
    fn story_member_text(
        &self,
        meta: &StoryMeta,
        origins: &Origins,
    ) -> std::io::Result<Option<(Range<usize>, Vec<u8>)>> {
        let read = StoryMeta {
            sources: origins.original_sources().unwrap_or(&meta.sources).to_vec(),
            chapters: origins
                .original_chapters()
                .unwrap_or(&meta.chapters)
                .to_vec(),
            ..meta.clone()
        };
        if read == *meta {
            return Ok(None);
        }
        let (Value::Object(before), Value::Object(after)) =
            (meta_to_json(&read), meta_to_json(meta))
        else {
            return Ok(None);
        };
        Ok(Some(match &self.story_member {
            Some((_, value)) => {
                let old = std::str::from_utf8(&self.frame[value.clone()])
                    .map_err(std::io::Error::other)?;
                let merged = merge_object(old, &before, &after).unwrap_or_else(|| compact(&after));
                (value.clone(), merged.into_bytes())
            }
            None => {
                let member = format!("\"evacmap\": {}, ", compact(&after));
                (self.opening..self.opening, member.into_bytes())
            }
        }))
    }

    /// Part of the frame from `offset` on, with the story's member replaced where it is in it.
    fn write_frame_part(
        &self,
        out: &mut dyn Write,
        part: &[u8],
        offset: usize,
        story: Option<&(Range<usize>, Vec<u8>)>,
    ) -> std::io::Result<()> {
        match story {
            Some((range, text)) if range.start >= offset && range.end <= offset + part.len() => {
                let (start, end) = (range.start - offset, range.end - offset);
                out.write_all(&part[..start])?;
                out.write_all(text)?;
                out.write_all(&part[end..])
            }
            _ => out.write_all(part),
        }
    }

    fn write_features(
        &self,
        out: &mut dyn Write,
        dataset: &Dataset,
        origins: &Origins,
        text: &mut dyn Ranges,
    ) -> std::io::Result<SaveReport> {
        let usual = match self.features.get(..2) {
            Some([first, second]) => text.read(first.end..second.start)?,
            _ => USUAL_SEPARATOR.to_vec(),
        };
        let mut report = SaveReport {
            copied: 0,
            written: 0,
            merged: 0,
        };
        let mut previous: Option<Option<usize>> = None;
        for index in 0..dataset.len() {
            let origin = origins.origin(index);
            let changed = origin.and_then(|k| {
                let read = origins.original(k)?;
                let now = dataset.get(FeatureIndex(index))?;
                (*read != now).then_some((read, now))
            });
            let follows = matches!((previous, origin), (Some(Some(p)), Some(k)) if k == p + 1);
            match (origin, changed) {
                (Some(k), None) => {
                    report.copied += 1;
                    if follows {
                        text.copy(self.features[k - 1].end..self.features[k].end, out)?;
                    } else {
                        if previous.is_some() {
                            out.write_all(&usual)?;
                        }
                        text.copy(self.features[k].clone(), out)?;
                    }
                }
                (Some(k), Some((read, now))) => {
                    report.merged += 1;
                    if follows {
                        text.copy(self.features[k - 1].end..self.features[k].start, out)?;
                    } else if previous.is_some() {
                        out.write_all(&usual)?;
                    }
                    let old = text.read(self.features[k].clone())?;
                    let old = String::from_utf8(old).map_err(std::io::Error::other)?;
                    let before = object(feature_to_json(read));
                    let after = object(feature_to_json(&now));
                    let merged =
                        merge_object(&old, &before, &after).unwrap_or_else(|| compact(&after));
                    out.write_all(merged.as_bytes())?;
                }
                (None, _) => {
                    report.written += 1;
                    if previous.is_some() {
                        out.write_all(&usual)?;
                    }
                    if let Some(feature) = dataset.get(FeatureIndex(index)) {
                        serde_json::to_writer(&mut *out, &feature_to_json(&feature))?;
                    }
                }
            }
            previous = Some(origin);
        }
        Ok(report)
    }
}

fn shifted(ranges: Vec<Range<usize>>, by: usize) -> Vec<Range<usize>> {
    ranges
        .into_iter()
        .map(|r| r.start + by..r.end + by)
        .collect()
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn compact(map: &Map<String, Value>) -> String {
    // Writing a JSON object to text cannot fail.
    serde_json::to_string(map).unwrap_or_default()
}

/// Parts of the text read, copied out or read whole.
trait Ranges {
    fn copy(&mut self, range: Range<usize>, out: &mut dyn Write) -> std::io::Result<()>;
    fn read(&mut self, range: Range<usize>) -> std::io::Result<Vec<u8>>;
}

struct TextRanges<'a>(&'a [u8]);

impl Ranges for TextRanges<'_> {
    fn copy(&mut self, range: Range<usize>, out: &mut dyn Write) -> std::io::Result<()> {
        out.write_all(self.read_slice(range)?)
    }

    fn read(&mut self, range: Range<usize>) -> std::io::Result<Vec<u8>> {
        self.read_slice(range).map(<[u8]>::to_vec)
    }
}

impl TextRanges<'_> {
    fn read_slice(&self, range: Range<usize>) -> std::io::Result<&[u8]> {
        self.0
            .get(range)
            .ok_or_else(|| std::io::Error::other("the text read is shorter than its outline"))
    }
}

/// A file read mostly forwards: a skip within the buffer costs no system call.
struct FileRanges {
    reader: BufReader<File>,
    at: u64,
}

impl FileRanges {
    fn go_to(&mut self, start: usize) -> std::io::Result<()> {
        let start = start as u64;
        if start >= self.at {
            self.reader.seek_relative((start - self.at) as i64)?;
        } else {
            self.reader.seek(SeekFrom::Start(start))?;
        }
        self.at = start;
        Ok(())
    }
}

impl Ranges for FileRanges {
    fn copy(&mut self, range: Range<usize>, out: &mut dyn Write) -> std::io::Result<()> {
        self.go_to(range.start)?;
        let len = range.len() as u64;
        let copied = std::io::copy(&mut (&mut self.reader).take(len), out)?;
        self.at += copied;
        if copied < len {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the file read became shorter while it was saved",
            ));
        }
        Ok(())
    }

    fn read(&mut self, range: Range<usize>) -> std::io::Result<Vec<u8>> {
        let mut bytes = Vec::with_capacity(range.len());
        self.copy(range, &mut bytes)?;
        Ok(bytes)
    }
}
