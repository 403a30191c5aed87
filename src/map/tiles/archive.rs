//! Offline tile archives: raster MBTiles (SQLite) read here, and PMTiles checked here and read
//! by walkers. A missing, corrupt or vector archive is refused with a clear message.

use std::path::Path;

use egui::TextureOptions;
use walkers::sources::Attribution;
use walkers::{TileId, TilePiece, Tiles};

use super::net::decode;
use super::store::{Entry, TextureStore};

/// Why an archive cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("{path}: cannot open: {reason}")]
    Open { path: String, reason: String },
    #[error("{path}: not an MBTiles file: {reason}")]
    NotMbTiles { path: String, reason: String },
    #[error("{path}: not a PMTiles v3 file ({reason})")]
    NotPmTiles { path: String, reason: String },
    #[error("{path}: holds {format} tiles; evacmap shows raster archives (PNG, JPEG or WebP) only")]
    Unsupported { path: String, format: String },
    #[error("{path}: unknown archive type (expected .mbtiles or .pmtiles)")]
    UnknownType { path: String },
}

/// Tiles decoded per frame at most, so opening a view never stalls the window.
const DECODES_PER_FRAME: usize = 6;

/// A raster MBTiles archive.
pub struct MbTiles {
    connection: rusqlite::Connection,
    store: TextureStore,
    min_zoom: u8,
    max_zoom: u8,
    attribution: Option<String>,
    ctx: egui::Context,
    decoded_this_frame: usize,
    frame: u64,
}

impl MbTiles {
    pub fn open(path: &Path, ctx: &egui::Context) -> Result<Self, ArchiveError> {
        let name = path.display().to_string();
        if !path.is_file() {
            return Err(ArchiveError::Open {
                path: name,
                reason: "no such file".into(),
            });
        }
        let not_mbtiles = |e: rusqlite::Error| ArchiveError::NotMbTiles {
            path: name.clone(),
            reason: e.to_string(),
        };
        let connection =
            rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .map_err(|e| ArchiveError::Open {
                    path: name.clone(),
                    reason: e.to_string(),
                })?;
        let metadata = |key: &str| -> Option<String> {
            connection
                .query_row("SELECT value FROM metadata WHERE name = ?1", [key], |row| {
                    row.get(0)
                })
                .ok()
        };
        let format = metadata("format").unwrap_or_else(|| "png".into());
        if !matches!(format.as_str(), "png" | "jpg" | "jpeg" | "webp") {
            return Err(ArchiveError::Unsupported { path: name, format });
        }
        let (min_zoom, max_zoom): (Option<u8>, Option<u8>) = connection
            .query_row(
                "SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map_err(not_mbtiles)?;
        let (Some(min_zoom), Some(max_zoom)) = (min_zoom, max_zoom) else {
            return Err(ArchiveError::NotMbTiles {
                path: name,
                reason: "it has no tiles".into(),
            });
        };
        let attribution = metadata("attribution");
        Ok(Self {
            connection,
            store: TextureStore::default(),
            min_zoom,
            max_zoom,
            attribution,
            ctx: ctx.clone(),
            decoded_this_frame: 0,
            frame: 0,
        })
    }

    pub fn attribution_text(&self) -> Option<&str> {
        self.attribution.as_deref()
    }

    pub fn zoom_range(&self) -> (u8, u8) {
        (self.min_zoom, self.max_zoom)
    }

    /// The tile's image bytes; MBTiles numbers rows from the south (TMS).
    fn read(&self, tile: TileId) -> Option<Vec<u8>> {
        let row = (1u32 << tile.zoom) - 1 - tile.y;
        self.connection
            .query_row(
                "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
                [tile.zoom as u32, tile.x, row],
                |r| r.get(0),
            )
            .ok()
    }
}

impl Tiles for MbTiles {
    fn at(&mut self, tile_id: TileId) -> Option<TilePiece> {
        let frame = self.ctx.cumulative_frame_nr();
        if frame != self.frame {
            self.frame = frame;
            self.decoded_this_frame = 0;
        }
        if tile_id.zoom < self.min_zoom {
            return None;
        }
        let mut wanted = None;
        let mut piece = self
            .store
            .piece(tile_id, self.max_zoom, |tile| wanted = Some(tile));
        if let Some(tile) = wanted {
            if self.decoded_this_frame >= DECODES_PER_FRAME {
                // Next frame.
                self.store.remove(&tile);
                self.ctx.request_repaint();
                return piece;
            }
            self.decoded_this_frame += 1;
            let entry = match self.read(tile).map(|bytes| decode(&bytes)) {
                Some(Ok(image)) => Entry::Ready {
                    texture: self.ctx.load_texture(
                        format!("mbtiles {}/{}/{}", tile.zoom, tile.x, tile.y),
                        image,
                        TextureOptions::LINEAR,
                    ),
                    last_used: 0,
                },
                _ => Entry::Failed {
                    until: std::time::Instant::now() + std::time::Duration::from_secs(3600),
                },
            };
            self.store.set(tile, entry);
            piece = self.store.piece(tile_id, self.max_zoom, |_| {});
        }
        piece
    }

    fn attribution(&self) -> Attribution {
        super::drawn_by_the_app()
    }

    fn tile_size(&self) -> u32 {
        256
    }
}

/// Checks a PMTiles file's header: version 3, raster tiles.
pub fn check_pmtiles(path: &Path) -> Result<(), ArchiveError> {
    use std::io::Read as _;
    let name = path.display().to_string();
    let mut header = [0u8; 127];
    let mut file = std::fs::File::open(path).map_err(|e| ArchiveError::Open {
        path: name.clone(),
        reason: e.to_string(),
    })?;
    file.read_exact(&mut header)
        .map_err(|_| ArchiveError::NotPmTiles {
            path: name.clone(),
            reason: "shorter than a PMTiles header".into(),
        })?;
    if &header[0..7] != b"PMTiles" {
        return Err(ArchiveError::NotPmTiles {
            path: name,
            reason: "no PMTiles signature".into(),
        });
    }
    if header[7] != 3 {
        return Err(ArchiveError::NotPmTiles {
            path: name,
            reason: format!("version {}", header[7]),
        });
    }
    match header[99] {
        2..=4 => Ok(()),
        1 => Err(ArchiveError::Unsupported {
            path: name,
            format: "vector (MVT)".into(),
        }),
        other => Err(ArchiveError::Unsupported {
            path: name,
            format: format!("type {other}"),
        }),
    }
}
