//! A big story file read without holding its text: outlined block by block as it is read
//! ([`super::outline::OutlineReader`]), then each worker reads its features again from the file, a stride
//! at a time. A million-feature story's text is larger than everything it loads into; held whole
//! it was most of the load's peak memory.
//!
//! Anything unusual (not UTF-8, a shape the outline does not follow, a feature the fast path
//! does not read, a file that changed meanwhile) gives up, and the caller reads the file whole
//! as before, so what a file loads as and every message it gets stay the same.

use std::io::Read;
use std::path::Path;
use std::time::SystemTime;

use super::Loaded;
use super::outline::{BlockIndex, OutlineReader};
use super::parallel::read_file_outlined;
use crate::io::LoadError;
use crate::io::pipeline;
use crate::io::progress::LoadProgress;
use crate::io::source::origin_name;
use crate::io::text::BYTE_ORDER_MARK;
use crate::io::text::MAPPED_FROM_BYTES;

/// How much of the file is read at a time while outlining it.
const BLOCK: usize = 1 << 20;

/// What tells a file from the same file changed: its size and when it was last written.
fn identity(file: &std::fs::File) -> Option<(u64, SystemTime)> {
    let metadata = file.metadata().ok()?;
    Some((metadata.len(), metadata.modified().ok()?))
}

/// Reads the regular file at `path` this way if it is big enough to matter and `is_story`
/// says its first block is a GeoJSON document; `None` when it is not, or when reading this way
/// gives up (see the module's note): the caller reads the file whole then.
pub fn load(
    path: &Path,
    progress: &LoadProgress,
    is_story: impl Fn(&[u8]) -> bool,
) -> Result<Option<Loaded>, LoadError> {
    load_from(path, progress, is_story, MAPPED_FROM_BYTES)
}

/// [`load`] for files of `smallest` bytes or more.
fn load_from(
    path: &Path,
    progress: &LoadProgress,
    is_story: impl Fn(&[u8]) -> bool,
    smallest: u64,
) -> Result<Option<Loaded>, LoadError> {
    if !cfg!(unix) {
        return Ok(None);
    }
    let origin = origin_name(path);
    let io_error = |source| LoadError::Io {
        path: origin.clone(),
        source,
    };
    let Ok(metadata) = std::fs::metadata(path) else {
        return Ok(None);
    };
    let size = metadata.len();
    if !metadata.is_file() || size < smallest {
        return Ok(None);
    }
    let mut file = std::fs::File::open(path).map_err(io_error)?;
    let Some(before) = identity(&file) else {
        return Ok(None);
    };
    let mut outline = OutlineReader::default();
    // The first block says whether this is a story, and whether a byte-order mark starts it.
    let mut reading = BlockReader::default();
    let Some(first) = reading.next(&mut file).map_err(io_error)? else {
        return Ok(None);
    };
    if std::str::from_utf8(&first).is_err() || !is_story(&first) {
        return Ok(None);
    }
    log::debug!("outlining {size} bytes as they are read");
    let start = if first.starts_with(BYTE_ORDER_MARK) {
        BYTE_ORDER_MARK.len()
    } else {
        0
    };
    outline.feed(&first[start..]);
    drop(first);
    // The rest: each block checked and its structurals found on any core, then outlined here
    // in order.
    let mut not_utf8 = false;
    let spare = reading.spare.clone();
    let next_block = || {
        let block = reading.next(&mut file);
        progress.set_bytes(reading.read, size);
        block
    };
    let work = |block: Vec<u8>| {
        let text = std::str::from_utf8(&block).is_ok();
        let index = if text {
            BlockIndex::of(&block)
        } else {
            BlockIndex::default()
        };
        Some((block, text, index))
    };
    crate::io::pipeline::in_order(
        next_block,
        pipeline::workers(),
        work,
        |(block, text, index)| {
            not_utf8 |= !text;
            if text {
                outline.feed_indexed(&block, &index);
            }
            BlockReader::give_back(&spare, block);
            text && outline.is_following() && !progress.is_cancelled()
        },
    )
    .map_err(io_error)?;
    if progress.is_cancelled() {
        return Err(LoadError::Cancelled { path: origin });
    }
    // Not UTF-8 (the full reader says where), or a part the outline does not follow.
    if not_utf8 || !outline.is_following() || reading.carried > 0 {
        return Ok(None);
    }
    let read = reading.read;
    let start = start as u64;
    let Some(outline) = outline.finish() else {
        return Ok(None);
    };
    log::debug!("outlined {} features while reading", outline.features.len());
    let Some(loaded) = read_file_outlined(outline, &file, start, &origin, progress)? else {
        return Ok(None);
    };
    // Read twice: if it changed in between, what was read may be of neither version.
    if identity(&file) != Some(before) || read != before.0 {
        log::info!("{origin} changed while it was read; reading it again");
        return Ok(None);
    }
    Ok(Some(loaded))
}

/// A file's text in blocks of whole characters (a character cut by a block's end starts the
/// next block).
#[derive(Default)]
struct BlockReader {
    /// The bytes of a character the last block cut.
    tail: Vec<u8>,
    /// How many bytes of a cut character there were at the end of the file (then it is not
    /// UTF-8).
    carried: usize,
    read: u64,
    ended: bool,
    /// Blocks outlined and given back: their memory is used again rather than the system's
    /// fresh pages (a page fault for every 4 KiB of the file).
    spare: std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>,
}

impl BlockReader {
    /// The next block; `None` at the end of the file.
    fn next(&mut self, file: &mut std::fs::File) -> std::io::Result<Option<Vec<u8>>> {
        if self.ended {
            return Ok(None);
        }
        let spare = self.spare.lock().ok().and_then(|mut spare| spare.pop());
        let mut block = spare.unwrap_or_default();
        block.clear();
        block.extend_from_slice(&self.tail);
        block.resize(self.tail.len() + BLOCK, 0);
        let count = fill(file, &mut block[self.tail.len()..])?;
        self.read += count as u64;
        block.truncate(self.tail.len() + count);
        if count == 0 {
            self.ended = true;
            self.carried = self.tail.len();
            return Ok(None);
        }
        let whole = whole_characters(&block);
        self.tail.clear();
        self.tail.extend_from_slice(&block[whole..]);
        block.truncate(whole);
        Ok(Some(block))
    }

    /// Takes back a block once it is outlined.
    fn give_back(spare: &std::sync::Mutex<Vec<Vec<u8>>>, block: Vec<u8>) {
        if let Ok(mut spare) = spare.lock()
            && spare.len() < 16
        {
            spare.push(block);
        }
    }
}

/// How much of `bytes` is whole characters: all but a character its end cuts (UTF-8 lead bytes
/// say how long their character is).
fn whole_characters(bytes: &[u8]) -> usize {
    let continuation = |b: u8| b & 0xC0 == 0x80;
    let back = bytes
        .iter()
        .rev()
        .take(3)
        .take_while(|&&b| continuation(b))
        .count();
    let lead_at = bytes.len() - back;
    let Some(&lead) = lead_at.checked_sub(1).and_then(|at| bytes.get(at)) else {
        return bytes.len();
    };
    let length = match lead {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => return bytes.len(),
    };
    if back + 1 < length {
        lead_at - 1
    } else {
        bytes.len()
    }
}

/// Reads into `buffer` until it is full or the file ends; returns how much came.
fn fill(file: &mut std::fs::File, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(count) => filled += count,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::geojson::parse_bytes;
    use crate::io::geojson::tests::{outcome, story_files};

    /// Every fixture, the bundled story and generated ones (one with a byte-order mark) read
    /// the same as their whole text does, wherever this way reads them.
    #[test]
    fn a_file_read_without_its_text_reads_as_its_whole_text() {
        let mut files = story_files();
        let folder = tempfile::tempdir().expect("a folder");
        let generated = crate::generate::story(3_000, 11);
        for (name, text) in [
            ("generated.geojson", generated.clone().into_bytes()),
            (
                "marked.geojson",
                [BYTE_ORDER_MARK, generated.as_bytes()].concat(),
            ),
        ] {
            let path = folder.path().join(name);
            std::fs::write(&path, text).expect("written");
            files.push(path);
        }
        let mut streamed = 0;
        for file in &files {
            let progress = LoadProgress::default();
            let Some(read) = load_from(file, &progress, |_| true, 0).transpose() else {
                continue;
            };
            streamed += 1;
            let bytes = std::fs::read(file).expect("the file");
            let whole = parse_bytes(&bytes, &origin_name(file));
            let (read, whole) = (outcome(read), outcome(whole));
            assert!(read == whole, "{}: {read:?}\n{whole:?}", file.display());
        }
        assert!(
            streamed > files.len() / 2,
            "{streamed} of {} read",
            files.len()
        );
        // Both generated stories were read this way.
        for name in ["generated.geojson", "marked.geojson"] {
            let path = folder.path().join(name);
            let read = load_from(&path, &LoadProgress::default(), |_| true, 0);
            let loaded = read.expect("no error").expect("read without its text");
            assert_eq!(loaded.dataset.len(), 3_000);
        }
    }

    #[test]
    fn what_this_way_does_not_read_is_left_to_the_whole_text() {
        let folder = tempfile::tempdir().expect("a folder");
        let story = crate::generate::story(500, 3);
        // A Latin-1 "é" (the one byte 0xE9) in the first name: not UTF-8.
        let mut latin1 = story.clone().into_bytes();
        latin1[story.find("\"name\":\"").expect("a name") + 8] = 0xE9;
        let cases: [(&str, Vec<u8>); 4] = [
            ("cut.geojson", story.as_bytes()[..story.len() / 2].to_vec()),
            ("latin1.geojson", latin1),
            ("table.csv", b"a,b\n1,2\n".to_vec()),
            ("small.geojson", story.clone().into_bytes()),
        ];
        for (name, text) in cases {
            let path = folder.path().join(name);
            std::fs::write(&path, &text).expect("written");
            let smallest = if name == "small.geojson" { 1 << 30 } else { 0 };
            let is_story = |head: &[u8]| head.trim_ascii_start().starts_with(b"{");
            let read = load_from(&path, &LoadProgress::default(), is_story, smallest);
            assert!(
                matches!(read, Ok(None)),
                "{name}: {:?}",
                read.map(|r| r.is_some())
            );
        }
    }
}
