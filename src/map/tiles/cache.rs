//! The tile disk cache: one file per tile, holding when it expires and the image bytes, with a
//! size limit enforced by removing the least recently written tiles.
//!
//! Policy: a tile is fresh until the server's `Cache-Control: max-age` or `Expires`, and never
//! less than `MIN_FRESH` (the OpenStreetMap tile policy asks clients to cache for 7 days).
//! Stale tiles are still used when the network fails.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use walkers::TileId;

/// The shortest time a downloaded tile is kept fresh.
pub const MIN_FRESH: Duration = Duration::from_secs(7 * 24 * 3600);

/// The default size limit of the cache.
pub const DEFAULT_LIMIT_BYTES: u64 = 500 * 1024 * 1024;

/// A cached tile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedTile {
    pub bytes: Vec<u8>,
    pub fresh: bool,
}

/// Tiles of one provider in one directory.
#[derive(Debug)]
pub struct DiskCache {
    root: PathBuf,
    limit_bytes: u64,
    /// Bytes on disk, counted at start and kept up to date as tiles are written.
    used_bytes: Mutex<Option<u64>>,
}

impl DiskCache {
    pub fn new(root: PathBuf, limit_bytes: u64) -> Self {
        Self {
            root,
            limit_bytes,
            used_bytes: Mutex::new(None),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, tile: TileId) -> PathBuf {
        self.root
            .join(tile.zoom.to_string())
            .join(tile.x.to_string())
            .join(format!("{}.tile", tile.y))
    }

    pub fn get(&self, tile: TileId) -> Option<CachedTile> {
        let data = fs::read(self.path(tile)).ok()?;
        let (header, bytes) = data.split_at_checked(8)?;
        let expires = u64::from_le_bytes(header.try_into().ok()?);
        let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
        Some(CachedTile {
            bytes: bytes.to_vec(),
            fresh: now < expires,
        })
    }

    /// Stores a tile (atomically) and keeps the cache within its limit.
    pub fn put(&self, tile: TileId, bytes: &[u8], fresh_for: Duration) -> std::io::Result<()> {
        let path = self.path(tile);
        let directory = path.parent().unwrap_or(&self.root);
        fs::create_dir_all(directory)?;
        let expires = SystemTime::now()
            .checked_add(fresh_for.max(MIN_FRESH))
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(u64::MAX, |d| d.as_secs());
        let mut file = tempfile::NamedTempFile::new_in(directory)?;
        file.write_all(&expires.to_le_bytes())?;
        file.write_all(bytes)?;
        file.persist(&path).map_err(|e| e.error)?;
        let written = bytes.len() as u64 + 8;
        let over = {
            let mut used = self
                .used_bytes
                .lock()
                .map_err(|_| std::io::Error::other("cache lock"))?;
            let total = used.get_or_insert_with(|| directory_size(&self.root));
            *total += written;
            *total > self.limit_bytes
        };
        if over {
            self.trim();
        }
        Ok(())
    }

    /// Bytes the cache takes on disk.
    pub fn used_bytes(&self) -> u64 {
        match self.used_bytes.lock() {
            Ok(mut used) => *used.get_or_insert_with(|| directory_size(&self.root)),
            Err(_) => directory_size(&self.root),
        }
    }

    /// Removes the oldest tiles until the cache is within 90% of its limit.
    pub fn trim(&self) {
        let mut files = Vec::new();
        collect_files(&self.root, &mut files);
        files.sort_by_key(|(_, modified, _)| *modified);
        let mut total: u64 = files.iter().map(|(_, _, size)| size).sum();
        let target = self.limit_bytes / 10 * 9;
        for (path, _, size) in files {
            if total <= target {
                break;
            }
            if fs::remove_file(&path).is_ok() {
                total -= size;
            }
        }
        if let Ok(mut used) = self.used_bytes.lock() {
            *used = Some(total);
        }
    }

    /// Removes every cached tile.
    pub fn clear(&self) -> std::io::Result<()> {
        if self.root.exists() {
            fs::remove_dir_all(&self.root)?;
        }
        if let Ok(mut used) = self.used_bytes.lock() {
            *used = Some(0);
        }
        Ok(())
    }
}

fn collect_files(directory: &Path, out: &mut Vec<(PathBuf, SystemTime, u64)>) {
    let Ok(entries) = fs::read_dir(directory) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(metadata) = entry.metadata() else {
            continue;
        };
        if metadata.is_dir() {
            collect_files(&entry.path(), out);
        } else {
            let modified = metadata.modified().unwrap_or(UNIX_EPOCH);
            out.push((entry.path(), modified, metadata.len()));
        }
    }
}

pub fn directory_size(directory: &Path) -> u64 {
    let mut files = Vec::new();
    collect_files(directory, &mut files);
    files.iter().map(|(_, _, size)| size).sum()
}

/// How long a response may be cached, from its `Cache-Control: max-age` or `Expires` header.
pub fn freshness(cache_control: Option<&str>, expires: Option<&str>) -> Option<Duration> {
    if let Some(control) = cache_control {
        for directive in control.split(',') {
            let directive = directive.trim();
            if directive.eq_ignore_ascii_case("no-store")
                || directive.eq_ignore_ascii_case("no-cache")
            {
                return Some(Duration::ZERO);
            }
            if let Some(seconds) = directive.strip_prefix("max-age=")
                && let Ok(seconds) = seconds.trim().parse::<u64>()
            {
                return Some(Duration::from_secs(seconds));
            }
        }
    }
    let expires = httpdate::parse_http_date(expires?).ok()?;
    Some(
        expires
            .duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tile(x: u32) -> TileId {
        TileId { x, y: 2, zoom: 3 }
    }

    #[test]
    fn a_stored_tile_comes_back_fresh() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path().join("osm"), DEFAULT_LIMIT_BYTES);
        assert_eq!(cache.get(tile(1)), None);
        cache
            .put(tile(1), b"png bytes", Duration::from_secs(60))
            .unwrap();
        assert_eq!(
            cache.get(tile(1)),
            Some(CachedTile {
                bytes: b"png bytes".to_vec(),
                fresh: true
            })
        );
    }

    #[test]
    fn the_cache_stays_within_its_limit_by_dropping_the_oldest_tiles() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path().to_owned(), 10_000);
        for x in 0..30 {
            cache.put(tile(x), &[0u8; 992], MIN_FRESH).unwrap();
            std::thread::sleep(Duration::from_millis(2));
        }
        assert!(cache.used_bytes() <= 10_000, "{}", cache.used_bytes());
        assert!(directory_size(dir.path()) <= 10_000);
        assert!(cache.get(tile(29)).is_some(), "the newest stays");
        assert!(cache.get(tile(0)).is_none(), "the oldest went");
    }

    #[test]
    fn clearing_removes_every_tile() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::new(dir.path().join("osm"), DEFAULT_LIMIT_BYTES);
        cache.put(tile(1), b"x", MIN_FRESH).unwrap();
        cache.clear().unwrap();
        assert_eq!(cache.get(tile(1)), None);
        assert_eq!(cache.used_bytes(), 0);
    }

    #[test]
    fn freshness_follows_the_response_headers() {
        assert_eq!(
            freshness(Some("public, max-age=604800"), None),
            Some(Duration::from_secs(604800))
        );
        assert_eq!(freshness(Some("no-cache"), None), Some(Duration::ZERO));
        assert_eq!(
            freshness(None, Some("Thu, 01 Jan 1970 00:00:00 GMT")),
            Some(Duration::ZERO)
        );
        assert_eq!(freshness(None, None), None);
    }
}
