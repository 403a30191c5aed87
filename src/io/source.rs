//! Reading a file's bytes: regular files, pipes (FIFOs), devices and standard input (`-`).
//!
//! A regular file whose story cannot fit in memory is refused before a byte is read
//! ([`super::fits`]); anything else is read up to a cap (`--max-input`) and refused as soon as
//! one byte more arrives, so `/dev/zero` or an endless pipe costs at most the cap in memory.

use std::io::Read;
use std::path::Path;

use super::LoadError;
use super::progress::LoadProgress;
use super::text::{FileText, MAPPED_FROM_BYTES};

/// The path that means standard input, as in most command-line tools.
pub const STDIN_PATH: &str = "-";

/// How a path is named in messages (`-` is "standard input").
pub fn origin_name(path: &Path) -> String {
    if path.as_os_str() == STDIN_PATH {
        "standard input".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Reads all of `path` (or standard input for `-`): a regular file if its story fits in memory,
/// anything else refused past `limit` bytes.
pub fn read_capped(path: &Path, limit: u64) -> Result<FileText, LoadError> {
    read_capped_with(path, limit, &LoadProgress::default())
}

/// [`read_capped`], counting the bytes in `progress` and stopping when it is cancelled.
pub fn read_capped_with(
    path: &Path,
    limit: u64,
    progress: &LoadProgress,
) -> Result<FileText, LoadError> {
    let origin = origin_name(path);
    if path.as_os_str() == STDIN_PATH {
        return read_stream(std::io::stdin().lock(), limit, 0, &origin, progress)
            .map(FileText::from);
    }
    let metadata = std::fs::metadata(path).map_err(|source| LoadError::Io {
        path: origin.clone(),
        source,
    })?;
    let (mut expected, mut limit) = (0, limit);
    // A regular file's size is known (one that says 0, as in /proc, is read as a stream).
    if metadata.is_file() && metadata.len() > 0 {
        super::fits::check_fits(&origin, metadata.len(), super::fits::ReadWay::Whole)?;
        expected = metadata.len();
        limit = u64::MAX;
    }
    read_file_text(path, limit, expected, MAPPED_FROM_BYTES, progress)
}

/// Reads the file at `path` of `expected` bytes, into pages of its own from `mapped_from` bytes.
pub(crate) fn read_file_text(
    path: &Path,
    limit: u64,
    expected: u64,
    mapped_from: u64,
    progress: &LoadProgress,
) -> Result<FileText, LoadError> {
    let origin = origin_name(path);
    let io_error = |source| LoadError::Io {
        path: origin.clone(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io_error)?;
    if expected >= mapped_from
        && let Some(text) = read_mapped(&file, expected, path, &origin, progress)?
    {
        return Ok(text);
    }
    let file = std::fs::File::open(path).map_err(io_error)?;
    read_stream(file, limit, expected, &origin, progress).map(FileText::from)
}

/// [`read_capped_with`] into the heap whatever the size: for reading a text again whole.
pub fn read_capped_to_heap(
    path: &Path,
    limit: u64,
    progress: &LoadProgress,
) -> Result<Vec<u8>, LoadError> {
    let origin = origin_name(path);
    let file = std::fs::File::open(path).map_err(|source| LoadError::Io {
        path: origin.clone(),
        source,
    })?;
    let expected = file.metadata().map_or(0, |m| m.len());
    read_stream(file, limit, expected, &origin, progress)
}

/// Reads a file of `expected` bytes into pages of its own ([`FileText`]); `None` when there is
/// no mapping to be had or the file turns out longer than it said (it is then read again into
/// the heap, as any stream is).
fn read_mapped(
    mut file: &std::fs::File,
    expected: u64,
    path: &Path,
    origin: &str,
    progress: &LoadProgress,
) -> Result<Option<FileText>, LoadError> {
    let Some(mut text) = usize::try_from(expected)
        .ok()
        .and_then(|capacity| FileText::mapped(capacity, path))
    else {
        return Ok(None);
    };
    const CHUNK: usize = 256 * 1024;
    loop {
        let spare = text.spare();
        if spare.is_empty() {
            let mut one_more = [0u8];
            return match file.read(&mut one_more) {
                Ok(0) => Ok(Some(text)),
                Ok(_) => Ok(None),
                Err(source) => Err(LoadError::Io {
                    path: origin.to_owned(),
                    source,
                }),
            };
        }
        let room = spare.len().min(CHUNK);
        let count = match file.read(&mut spare[..room]) {
            Ok(0) => return Ok(Some(text)),
            Ok(count) => count,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(source) => {
                return Err(LoadError::Io {
                    path: origin.to_owned(),
                    source,
                });
            }
        };
        text.grow(count);
        progress.set_bytes(text.len() as u64, expected);
        if progress.is_cancelled() {
            return Err(LoadError::Cancelled {
                path: origin.to_owned(),
            });
        }
    }
}

/// Reads `reader` to its end, or fails once more than `limit` bytes have come.
///
/// The buffer is reserved once for the expected size (a stream's is unknown: the cap) and only
/// written pages use memory, so what is held stays within the cap. `read_to_end` would double
/// a 512 MiB buffer to 1 GiB to find out that one more byte came, copying as it grows.
fn read_stream(
    mut reader: impl Read,
    limit: u64,
    expected: u64,
    origin: &str,
    progress: &LoadProgress,
) -> Result<Vec<u8>, LoadError> {
    let limit_bytes = usize::try_from(limit).unwrap_or(usize::MAX);
    let io_error = |source| LoadError::Io {
        path: origin.to_owned(),
        source,
    };
    let too_large = || LoadError::StreamTooLarge {
        path: origin.to_owned(),
        limit,
    };
    let reserve = if expected > 0 {
        expected.min(limit)
    } else {
        limit
    };
    let mut bytes: Vec<u8> = Vec::new();
    if bytes
        .try_reserve_exact(usize::try_from(reserve).unwrap_or(usize::MAX))
        .is_err()
    {
        // No address space for it at once (a strict overcommit policy): grow as bytes come.
        bytes.reserve(64 * 1024);
    }
    let mut chunk = vec![0u8; 256 * 1024];
    loop {
        let count = match reader.read(&mut chunk) {
            Ok(0) => {
                bytes.shrink_to_fit();
                return Ok(bytes);
            }
            Ok(count) => count,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_error(e)),
        };
        let wanted = bytes.len().saturating_add(count);
        if wanted > limit_bytes {
            return Err(too_large());
        }
        if wanted > bytes.capacity() {
            let grown = bytes
                .capacity()
                .saturating_mul(2)
                .clamp(wanted, limit_bytes);
            bytes.reserve_exact(grown - bytes.len());
        }
        bytes.extend_from_slice(chunk.get(..count).unwrap_or_default());
        progress.set_bytes(bytes.len() as u64, expected);
        if progress.is_cancelled() {
            return Err(LoadError::Cancelled {
                path: origin.to_owned(),
            });
        }
    }
}

/// 536870912 → "512 MiB"; small sizes in bytes.
pub fn format_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_of_exactly_the_cap_is_read_and_one_byte_more_is_refused() {
        let exact = read_stream(&[7u8; 100][..], 100, 0, "test", &LoadProgress::default()).unwrap();
        assert_eq!(exact.len(), 100);
        let error =
            read_stream(&[7u8; 101][..], 100, 0, "test", &LoadProgress::default()).unwrap_err();
        assert!(matches!(
            error,
            LoadError::StreamTooLarge { limit: 100, .. }
        ));
    }

    #[test]
    fn sizes_are_written_for_people() {
        assert_eq!(
            format_size(super::super::fits::DEFAULT_MAX_INPUT),
            "512 MiB"
        );
        assert_eq!(format_size(1536 * 1024), "1.5 MiB");
        assert_eq!(format_size(4096), "4096 bytes");
    }
}
