//! Decoded tiles on the GPU, by tile id, with what to show while a tile is missing: the nearest
//! loaded ancestor, scaled. Also how a provider's maximum zoom is honoured: deeper tiles are
//! cut from the last level.

use std::collections::HashMap;
use std::time::Instant;

use egui::{Rect, TextureHandle, pos2};
use walkers::{Tile, TileId, TilePiece};

/// The state of one tile.
pub enum Entry {
    Pending,
    Ready {
        texture: TextureHandle,
        last_used: u64,
    },
    /// Failed; asked for again after `until`.
    Failed {
        until: Instant,
    },
}

/// How many decoded tiles to keep (a 1920×1080 view needs about 60).
const MAX_TEXTURES: usize = 600;

#[derive(Default)]
pub struct TextureStore {
    entries: HashMap<TileId, Entry>,
    /// Counts `piece` calls, to find the least recently used textures.
    clock: u64,
}

/// `tile`'s ancestor `levels` up, and the part of it `tile` covers (in UV units).
pub fn ancestor(tile: TileId, levels: u8) -> (TileId, Rect) {
    let parent = TileId {
        x: tile.x >> levels,
        y: tile.y >> levels,
        zoom: tile.zoom - levels,
    };
    let size = 1.0 / (1u32 << levels) as f32;
    let u = (tile.x - (parent.x << levels)) as f32 * size;
    let v = (tile.y - (parent.y << levels)) as f32 * size;
    (
        parent,
        Rect::from_min_max(pos2(u, v), pos2(u + size, v + size)),
    )
}

impl TextureStore {
    pub fn get(&self, tile: &TileId) -> Option<&Entry> {
        self.entries.get(tile)
    }

    pub fn set(&mut self, tile: TileId, entry: Entry) {
        self.entries.insert(tile, entry);
        if self.entries.len() > MAX_TEXTURES {
            self.evict();
        }
    }

    pub fn remove(&mut self, tile: &TileId) {
        self.entries.remove(tile);
    }

    pub fn pending(&self) -> usize {
        self.entries
            .values()
            .filter(|e| matches!(e, Entry::Pending))
            .count()
    }

    pub fn ready(&self) -> usize {
        self.entries
            .values()
            .filter(|e| matches!(e, Entry::Ready { .. }))
            .count()
    }

    /// What to draw for `tile`: itself, or the part of its nearest ready ancestor. `max_zoom`
    /// is the deepest level the source has; `request` is called for the tile that should be
    /// fetched, when it is neither ready, pending nor recently failed.
    pub fn piece(
        &mut self,
        tile: TileId,
        max_zoom: u8,
        mut request: impl FnMut(TileId),
    ) -> Option<TilePiece> {
        self.clock += 1;
        let clock = self.clock;
        let (wanted, base_uv) = if tile.zoom > max_zoom {
            ancestor(tile, tile.zoom - max_zoom)
        } else {
            (tile, Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)))
        };
        let needs_request = match self.entries.get(&wanted) {
            None => true,
            Some(Entry::Failed { until }) => Instant::now() >= *until,
            _ => false,
        };
        if needs_request {
            self.entries.insert(wanted, Entry::Pending);
            request(wanted);
        }
        for levels in 0..=wanted.zoom.min(6) {
            let (candidate, uv) = ancestor(wanted, levels);
            if let Some(Entry::Ready { texture, last_used }) = self.entries.get_mut(&candidate) {
                *last_used = clock;
                let uv = compose(uv, base_uv);
                return Some(TilePiece::new(Tile::Raster(texture.clone()), uv));
            }
        }
        None
    }

    fn evict(&mut self) {
        let mut ready: Vec<(u64, TileId)> = self
            .entries
            .iter()
            .filter_map(|(id, e)| match e {
                Entry::Ready { last_used, .. } => Some((*last_used, *id)),
                _ => None,
            })
            .collect();
        ready.sort_unstable_by_key(|(used, _)| *used);
        for (_, id) in ready
            .iter()
            .take(self.entries.len().saturating_sub(MAX_TEXTURES * 3 / 4))
        {
            self.entries.remove(id);
        }
    }
}

/// The `inner` part of the `outer` part of a texture.
fn compose(outer: Rect, inner: Rect) -> Rect {
    let map = |p: egui::Pos2| {
        pos2(
            outer.min.x + p.x * outer.width(),
            outer.min.y + p.y * outer.height(),
        )
    };
    Rect::from_min_max(map(inner.min), map(inner.max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ancestor_covers_its_descendants_in_quarters() {
        let (parent, uv) = ancestor(
            TileId {
                x: 5,
                y: 2,
                zoom: 4,
            },
            1,
        );
        assert_eq!(
            parent,
            TileId {
                x: 2,
                y: 1,
                zoom: 3
            }
        );
        assert_eq!(uv, Rect::from_min_max(pos2(0.5, 0.0), pos2(1.0, 0.5)));
        let (grandparent, uv) = ancestor(
            TileId {
                x: 7,
                y: 4,
                zoom: 4,
            },
            2,
        );
        assert_eq!(
            grandparent,
            TileId {
                x: 1,
                y: 1,
                zoom: 2
            }
        );
        assert_eq!(uv, Rect::from_min_max(pos2(0.75, 0.0), pos2(1.0, 0.25)));
    }

    #[test]
    fn beyond_the_maximum_zoom_the_last_level_is_requested() {
        let mut store = TextureStore::default();
        let mut requested = Vec::new();
        let piece = store.piece(
            TileId {
                x: 40,
                y: 20,
                zoom: 19,
            },
            17,
            |t| requested.push(t),
        );
        assert!(piece.is_none());
        assert_eq!(
            requested,
            vec![TileId {
                x: 10,
                y: 5,
                zoom: 17
            }]
        );
        // Asked again while pending: no second request.
        store.piece(
            TileId {
                x: 41,
                y: 20,
                zoom: 19,
            },
            17,
            |t| requested.push(t),
        );
        assert_eq!(requested.len(), 1);
    }

    #[test]
    fn uv_parts_compose() {
        let outer = Rect::from_min_max(pos2(0.5, 0.0), pos2(1.0, 0.5));
        let inner = Rect::from_min_max(pos2(0.5, 0.5), pos2(1.0, 1.0));
        assert_eq!(
            compose(outer, inner),
            Rect::from_min_max(pos2(0.75, 0.25), pos2(1.0, 0.5))
        );
    }
}
