//! A GeoJSON text sequence (RFC 8142, or one feature a line) read as a big story file is: its
//! records found as the file is read, block by block, without keeping its text, then read again
//! from the file on every core by the same workers as a collection's features. Record `n` is
//! `features[n]`, as when the records are joined into one collection's text (what this reads
//! the same as; anything it does not follow is left to that way, so messages stay the same).

use std::io::Read;
use std::ops::Range;
use std::path::Path;

use super::Loaded;
use super::outline::Outline;
use super::parallel::read_file_outlined;
use crate::io::LoadError;
use crate::io::progress::LoadProgress;
use crate::io::source::origin_name;

/// The record separator of RFC 8142.
const RS: u8 = 0x1E;

/// How much of the file is read at a time.
const BLOCK: usize = 1 << 20;

/// Reads the text sequence at `path` this way; `None` when it gives up (the caller then reads
/// the file whole).
pub fn load(path: &Path, progress: &LoadProgress) -> Result<Option<Loaded>, LoadError> {
    let origin = origin_name(path);
    let io_error = |source| LoadError::Io {
        path: origin.clone(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io_error)?;
    let size = file.metadata().map_err(io_error)?.len();
    // Records are split at RS characters where the text has any, else at line ends.
    let mut has_rs = false;
    for_each_block(&file, |block, _| {
        has_rs |= memchr::memchr(RS, block).is_some()
    })
    .map_err(io_error)?;
    let separator = if has_rs { RS } else { b'\n' };
    let mut records = Records::default();
    for_each_block(&file, |block, base| {
        records.feed(block, base, separator);
        progress.set_bytes(base + block.len() as u64, size);
    })
    .map_err(io_error)?;
    if progress.is_cancelled() {
        return Err(LoadError::Cancelled { path: origin });
    }
    let outline = Outline {
        skeleton: br#"{"type":"FeatureCollection","features":[]}"#.to_vec(),
        features: records.finish(),
    };
    log::debug!(
        "found {} records of a text sequence",
        outline.features.len()
    );
    read_file_outlined(outline, &file, 0, &origin, progress)
}

/// Gives each block of the file to `take`, with where it starts.
fn for_each_block(
    mut file: &std::fs::File,
    mut take: impl FnMut(&[u8], u64),
) -> std::io::Result<()> {
    use std::io::Seek;
    file.seek(std::io::SeekFrom::Start(0))?;
    let mut block = vec![0u8; BLOCK];
    let mut base = 0u64;
    loop {
        let count = match file.read(&mut block) {
            Ok(0) => return Ok(()),
            Ok(count) => count,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        take(&block[..count], base);
        base += count as u64;
    }
}

/// The records of a sequence as its blocks come: each between two separators, with the
/// spaces around it trimmed; empty ones left out.
#[derive(Default)]
struct Records {
    found: Vec<Range<usize>>,
    /// Where the record being read starts (its first byte that is not a space), once known.
    start: Option<u64>,
    /// Just after its last byte that is not a space, so far.
    end: u64,
}

impl Records {
    fn feed(&mut self, block: &[u8], base: u64, separator: u8) {
        let mut i = 0;
        while i < block.len() {
            if self.start.is_none() {
                while i < block.len() && block[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i == block.len() {
                    return;
                }
                if block[i] == separator {
                    i += 1;
                    continue;
                }
                self.start = Some(base + i as u64);
                self.end = base + i as u64 + 1;
            }
            let rest = &block[i..];
            let (until, at_separator) = match memchr::memchr(separator, rest) {
                Some(found) => (i + found, true),
                None => (block.len(), false),
            };
            // The last byte before the separator (or the block's end) that is not a space.
            let mut last = until;
            while last > i && block[last - 1].is_ascii_whitespace() {
                last -= 1;
            }
            if last > i {
                self.end = base + last as u64;
            }
            if !at_separator {
                return;
            }
            self.close();
            i = until + 1;
        }
    }

    fn close(&mut self) {
        if let Some(start) = self.start.take() {
            self.found.push(start as usize..self.end as usize);
        }
    }

    fn finish(mut self) -> Vec<Range<usize>> {
        self.close();
        self.found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::geojson_dates::sequence_to_collection;
    use crate::io::geojson::parse_bytes;
    use crate::io::geojson::tests::outcome;

    /// The records found block by block, at every block size, are those of the text split
    /// whole.
    #[test]
    fn records_found_in_blocks_are_the_records_of_the_whole_text() {
        let texts: [&[u8]; 4] = [
            b"{\"a\":1}\n{\"b\":2}\n",
            b"\n\n  {\"a\":1}  \r\n\n\t{\"b\":2}",
            b"\x1e{\"a\":1}\n\x1e {\"b\":\n2}\n\x1e\x1e",
            b"   \n",
        ];
        for text in texts {
            let separator = if text.contains(&RS) { RS } else { b'\n' };
            let whole: Vec<&[u8]> = text
                .split(|&b| b == separator)
                .map(<[u8]>::trim_ascii)
                .filter(|r| !r.is_empty())
                .collect();
            for size in 1..=text.len() {
                let mut records = Records::default();
                for (k, block) in text.chunks(size).enumerate() {
                    records.feed(block, (k * size) as u64, separator);
                }
                let found: Vec<&[u8]> = records.finish().into_iter().map(|r| &text[r]).collect();
                assert_eq!(
                    found,
                    whole,
                    "{:?} by {size}",
                    String::from_utf8_lossy(text)
                );
            }
        }
    }

    /// The fixture, generated sequences (by line and by RS) and broken ones read as their
    /// records joined into one collection read.
    #[test]
    fn a_sequence_read_from_its_file_reads_as_its_records_joined() {
        let folder = tempfile::tempdir().expect("a folder");
        let mut generated = Vec::new();
        crate::generate::tables::write_geojson_seq(&mut generated, 2_000, 3).expect("written");
        let with_rs: Vec<u8> = generated
            .split(|&b| b == b'\n')
            .flat_map(|line| [&[RS][..], line, b"\n"].concat())
            .collect();
        let mut broken = generated.clone();
        broken.truncate(generated.len() / 2);
        let fixture = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/import/reports.geojsons"),
        )
        .expect("the fixture");
        let mut read_this_way = 0;
        for (name, text) in [
            ("fixture.geojsons", fixture),
            ("lines.geojsons", generated),
            ("rs.geojsons", with_rs),
            ("broken.geojsons", broken),
        ] {
            let path = folder.path().join(name);
            std::fs::write(&path, &text).expect("written");
            let whole = outcome(parse_bytes(
                &sequence_to_collection(&text),
                &origin_name(&path),
            ));
            match load(&path, &LoadProgress::default()).transpose() {
                Some(read) => {
                    read_this_way += 1;
                    let read = outcome(read);
                    assert!(read == whole, "{name}: {read:?}\n{whole:?}");
                }
                None => assert!(whole.is_err(), "{name} was left to the whole text"),
            }
        }
        assert!(read_this_way >= 3, "{read_this_way}");
    }
}
