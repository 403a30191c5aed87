//! Where map tiles come from: the provider setting, evacmap's User-Agent, the disk cache, and
//! offline archives.

pub mod archive;
pub mod cache;
pub mod net;
pub mod store;

use std::path::{Path, PathBuf};

use walkers::Tiles;

use archive::{ArchiveError, MbTiles, check_pmtiles};
use cache::DiskCache;
use net::{NetOptions, NetTiles, ServerSpec};

/// The project's address, sent with every tile request as the OSM tile policy asks.
pub const PROJECT_URL: &str = env!("CARGO_PKG_REPOSITORY");

/// "evacmap/0.1.0 (+https://github.com/evacmap/evacmap)".
pub fn user_agent() -> String {
    format!("evacmap/{} (+{PROJECT_URL})", env!("CARGO_PKG_VERSION"))
}

/// Where downloaded tiles are kept: the user's cache directory.
pub fn cache_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "evacmap", "evacmap").map(|d| d.cache_dir().join("tiles"))
}

fn default_max_zoom() -> u8 {
    19
}

/// The tile provider chosen for the map.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TileProvider {
    #[default]
    OpenStreetMap,
    /// The Humanitarian OpenStreetMap Team's style, hosted by OpenStreetMap France.
    Humanitarian,
    OpenTopoMap,
    /// The bundled basemap only; no network at all.
    Offline,
    /// An XYZ template such as `https://{s}.host/{z}/{x}/{y}.png`.
    Custom {
        template: String,
        #[serde(default)]
        subdomains: Vec<String>,
        #[serde(default)]
        attribution: String,
        #[serde(default = "default_max_zoom")]
        max_zoom: u8,
    },
    /// A local `.mbtiles` or `.pmtiles` raster archive.
    Archive {
        path: PathBuf,
    },
}

impl TileProvider {
    /// The providers offered in the menu (custom templates and archives are added by the user).
    pub const CHOICES: [TileProvider; 4] = [
        TileProvider::OpenStreetMap,
        TileProvider::Humanitarian,
        TileProvider::OpenTopoMap,
        TileProvider::Offline,
    ];

    /// From the command line: `osm`, `hot`, `topo`, `offline`, an XYZ template, or a file.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "osm" | "openstreetmap" => Ok(Self::OpenStreetMap),
            "hot" | "humanitarian" => Ok(Self::Humanitarian),
            "topo" | "opentopomap" => Ok(Self::OpenTopoMap),
            "offline" | "none" => Ok(Self::Offline),
            template if template.starts_with("http://") || template.starts_with("https://") => {
                Self::custom(template, "", 19)
            }
            path if path.ends_with(".mbtiles") || path.ends_with(".pmtiles") => Ok(Self::Archive {
                path: PathBuf::from(path),
            }),
            other => Err(format!(
                "unknown tile source {other:?}: use osm, hot, topo, offline, an http(s) template with \
                 {{z}}/{{x}}/{{y}}, or a .mbtiles or .pmtiles file"
            )),
        }
    }

    /// A custom XYZ template; `{s}` takes the subdomains a, b and c.
    pub fn custom(template: &str, attribution: &str, max_zoom: u8) -> Result<Self, String> {
        if !(template.starts_with("http://") || template.starts_with("https://")) {
            return Err(format!(
                "the tile template {template:?} must start with http:// or https://"
            ));
        }
        if !["{z}", "{x}", "{y}"].iter().all(|p| template.contains(p)) {
            return Err(format!(
                "the tile template {template:?} needs {{z}}, {{x}} and {{y}}"
            ));
        }
        let subdomains = if template.contains("{s}") {
            vec!["a".into(), "b".into(), "c".into()]
        } else {
            Vec::new()
        };
        Ok(Self::Custom {
            template: template.to_owned(),
            subdomains,
            attribution: attribution.to_owned(),
            max_zoom: max_zoom.clamp(1, 22),
        })
    }

    pub fn name(&self) -> String {
        match self {
            Self::OpenStreetMap => "OpenStreetMap".into(),
            Self::Humanitarian => "Humanitarian (HOT)".into(),
            Self::OpenTopoMap => "OpenTopoMap".into(),
            Self::Offline => "Offline basemap only".into(),
            Self::Custom { template, .. } => format!("Custom: {}", host_of(template)),
            Self::Archive { path } => format!(
                "Archive: {}",
                path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned()
                )
            ),
        }
    }

    /// The server, for network providers.
    pub fn server(&self) -> Option<ServerSpec> {
        let abc = || vec!["a".to_owned(), "b".to_owned(), "c".to_owned()];
        match self {
            Self::OpenStreetMap => Some(ServerSpec {
                template: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".into(),
                subdomains: Vec::new(),
                max_zoom: 19,
            }),
            Self::Humanitarian => Some(ServerSpec {
                template: "https://{s}.tile.openstreetmap.fr/hot/{z}/{x}/{y}.png".into(),
                subdomains: abc(),
                max_zoom: 19,
            }),
            Self::OpenTopoMap => Some(ServerSpec {
                template: "https://{s}.tile.opentopomap.org/{z}/{x}/{y}.png".into(),
                subdomains: abc(),
                max_zoom: 17,
            }),
            Self::Custom {
                template,
                subdomains,
                max_zoom,
                ..
            } => Some(ServerSpec {
                template: template.clone(),
                subdomains: subdomains.clone(),
                max_zoom: *max_zoom,
            }),
            Self::Offline | Self::Archive { .. } => None,
        }
    }

    /// The attribution to show, with its link (empty when there is none).
    pub fn attribution(&self) -> Option<(String, String)> {
        match self {
            Self::OpenStreetMap => Some((
                "© OpenStreetMap contributors".into(),
                "https://www.openstreetmap.org/copyright".into(),
            )),
            Self::Humanitarian => Some((
                "© OpenStreetMap contributors, tiles style by Humanitarian OpenStreetMap Team hosted by OpenStreetMap France".into(),
                "https://www.openstreetmap.org/copyright".into(),
            )),
            Self::OpenTopoMap => Some((
                "Map data: © OpenStreetMap contributors, SRTM | Map style: © OpenTopoMap (CC-BY-SA)".into(),
                "https://opentopomap.org/about".into(),
            )),
            Self::Offline => None,
            Self::Custom { attribution, template, .. } => Some((
                if attribution.is_empty() { format!("Tiles: {}", host_of(template)) } else { attribution.clone() },
                String::new(),
            )),
            Self::Archive { path } => Some((
                format!("Tiles: {}", path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())),
                String::new(),
            )),
        }
    }

    /// A short key naming the provider's cache directory.
    fn cache_key(&self) -> String {
        match self {
            Self::OpenStreetMap => "osm".into(),
            Self::Humanitarian => "hot".into(),
            Self::OpenTopoMap => "opentopomap".into(),
            other => {
                let text = other.server().map(|s| s.template).unwrap_or_default();
                let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                    (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
                });
                format!("custom-{hash:016x}")
            }
        }
    }

    /// The tile source for this provider: `Ok(None)` for offline only.
    pub fn open(
        &self,
        ctx: &egui::Context,
        cache: &CacheSettings,
    ) -> Result<Option<MapTiles>, ArchiveError> {
        if let Self::Archive { path } = self {
            return open_archive(path, ctx).map(Some);
        }
        let Some(server) = self.server() else {
            return Ok(None);
        };
        let disk = cache
            .root()
            .map(|root| DiskCache::new(root.join(self.cache_key()), cache.limit_bytes));
        Ok(Some(MapTiles::Net(NetTiles::new(
            server,
            NetOptions::default(),
            disk,
            ctx,
        ))))
    }
}

/// Where the tile cache lives and how large it may grow; persisted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct CacheSettings {
    /// `None`: the user's cache directory.
    pub directory: Option<PathBuf>,
    pub limit_bytes: u64,
}

impl Default for CacheSettings {
    fn default() -> Self {
        Self {
            directory: None,
            limit_bytes: cache::DEFAULT_LIMIT_BYTES,
        }
    }
}

impl CacheSettings {
    pub fn root(&self) -> Option<PathBuf> {
        self.directory.clone().or_else(cache_dir)
    }

    pub fn used_bytes(&self) -> u64 {
        self.root().map_or(0, |root| cache::directory_size(&root))
    }

    pub fn clear(&self) -> std::io::Result<()> {
        match self.root() {
            Some(root) if root.exists() => std::fs::remove_dir_all(root),
            _ => Ok(()),
        }
    }
}

fn open_archive(path: &Path, ctx: &egui::Context) -> Result<MapTiles, ArchiveError> {
    let name = path.display().to_string();
    match path.extension().and_then(|e| e.to_str()) {
        Some("mbtiles") => MbTiles::open(path, ctx).map(MapTiles::MbTiles),
        Some("pmtiles") => {
            check_pmtiles(path)?;
            Ok(MapTiles::PmTiles(
                walkers::PmTiles::with_style_and_tile_size(path, walkers::Style, 256, ctx.clone()),
            ))
        }
        _ => Err(ArchiveError::UnknownType { path: name }),
    }
}

/// The map's tile source.
pub enum MapTiles {
    Net(NetTiles),
    MbTiles(MbTiles),
    PmTiles(walkers::PmTiles),
}

impl MapTiles {
    pub fn as_tiles(&mut self) -> &mut dyn Tiles {
        match self {
            MapTiles::Net(t) => t,
            MapTiles::MbTiles(t) => t,
            MapTiles::PmTiles(t) => t,
        }
    }

    /// Tiles being fetched or decoded now.
    pub fn loading(&self) -> usize {
        match self {
            MapTiles::Net(t) => t.stats().in_progress,
            MapTiles::MbTiles(t) => t.stats().in_progress,
            MapTiles::PmTiles(t) => t.stats().in_progress,
        }
    }

    /// The status bar's words for the tiles: loading, failed, offline.
    pub fn status_text(&self) -> String {
        let loading = self.loading();
        let mut parts = Vec::new();
        if loading > 0 {
            parts.push(format!("{loading} loading"));
        }
        if let MapTiles::Net(net) = self {
            let status = net.status();
            let failed = status.failed.load(std::sync::atomic::Ordering::Relaxed);
            let retrying = status.retrying.load(std::sync::atomic::Ordering::Relaxed);
            if retrying > 0 {
                parts.push(format!("{retrying} retrying"));
            }
            if failed > 0 {
                parts.push(format!("{failed} failed"));
            }
            if status.is_offline() {
                parts.push("server unreachable: offline basemap shown".into());
            }
        }
        if parts.is_empty() {
            "ready".into()
        } else {
            parts.join(", ")
        }
    }
}

/// Counts the tiles walkers is given to draw, so that the attribution names a provider only
/// while its tiles are on screen.
pub struct CountingTiles<'a> {
    pub inner: &'a mut dyn Tiles,
    /// Tiles handed out (drawn) since this was made.
    pub drawn: usize,
}

impl Tiles for CountingTiles<'_> {
    fn at(&mut self, tile_id: walkers::TileId) -> Option<walkers::TilePiece> {
        let piece = self.inner.at(tile_id);
        self.drawn += usize::from(piece.is_some());
        piece
    }

    fn attribution(&self) -> walkers::sources::Attribution {
        self.inner.attribution()
    }

    fn tile_size(&self) -> u32 {
        self.inner.tile_size()
    }

    fn stats(&self) -> walkers::Stats {
        self.inner.stats()
    }
}

/// walkers' attribution for our tile sources: empty, because the app draws the provider's own.
pub fn drawn_by_the_app() -> walkers::sources::Attribution {
    walkers::sources::Attribution {
        text: "",
        url: "",
        logo_light: None,
        logo_dark: None,
    }
}

/// The host part of a URL, for messages.
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', ':']).next().unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_agent_names_evacmap_its_version_and_its_home() {
        let agent = user_agent();
        assert!(agent.starts_with("evacmap/"));
        assert!(agent.contains(env!("CARGO_PKG_VERSION")));
        assert!(agent.contains("https://"));
    }

    #[test]
    fn tile_sources_parse_from_the_command_line() {
        assert_eq!(TileProvider::parse("offline"), Ok(TileProvider::Offline));
        assert_eq!(TileProvider::parse("osm"), Ok(TileProvider::OpenStreetMap));
        assert_eq!(TileProvider::parse("hot"), Ok(TileProvider::Humanitarian));
        assert!(matches!(
            TileProvider::parse("http://127.0.0.1:8080/{z}/{x}/{y}.png"),
            Ok(TileProvider::Custom { .. })
        ));
        assert!(TileProvider::parse("http://127.0.0.1/{z}.png").is_err());
        assert_eq!(
            TileProvider::parse("maps/syria.mbtiles"),
            Ok(TileProvider::Archive {
                path: "maps/syria.mbtiles".into()
            })
        );
        assert!(TileProvider::parse("tiles.zip").is_err());
    }

    #[test]
    fn each_provider_has_its_attribution_and_maximum_zoom() {
        assert_eq!(TileProvider::OpenTopoMap.server().unwrap().max_zoom, 17);
        assert!(
            TileProvider::Humanitarian
                .attribution()
                .unwrap()
                .0
                .contains("Humanitarian OpenStreetMap Team")
        );
        assert!(
            TileProvider::OpenTopoMap
                .attribution()
                .unwrap()
                .0
                .contains("OpenTopoMap")
        );
        let custom =
            TileProvider::custom("https://{s}.example/{z}/{x}/{y}.png", "© Example", 12).unwrap();
        assert_eq!(custom.attribution().unwrap().0, "© Example");
        assert_eq!(custom.server().unwrap().subdomains.len(), 3);
    }

    #[test]
    fn a_missing_or_wrong_archive_is_refused_with_a_reason() {
        let ctx = egui::Context::default();
        let dir = tempfile::tempdir().unwrap();
        let missing = TileProvider::Archive {
            path: dir.path().join("none.mbtiles"),
        };
        let error = missing.open(&ctx, &CacheSettings::default()).err().unwrap();
        assert!(error.to_string().contains("no such file"), "{error}");
        let junk = dir.path().join("junk.pmtiles");
        std::fs::write(&junk, b"not a pmtiles file at all").unwrap();
        let error = TileProvider::Archive { path: junk }
            .open(&ctx, &CacheSettings::default())
            .err()
            .unwrap();
        assert!(
            error.to_string().contains("not a PMTiles v3 file"),
            "{error}"
        );
        let junk = dir.path().join("junk.mbtiles");
        std::fs::write(&junk, vec![7u8; 4096]).unwrap();
        let error = TileProvider::Archive { path: junk }
            .open(&ctx, &CacheSettings::default())
            .err()
            .unwrap();
        assert!(error.to_string().contains("junk.mbtiles"), "{error}");
    }
}
