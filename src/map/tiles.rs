//! Where map tiles come from: the tile provider setting, evacmap's User-Agent and the disk cache.

use std::path::PathBuf;

use walkers::sources::{Attribution, TileSource};
use walkers::{HttpOptions, HttpTiles, MaxParallelDownloads, TileId};

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

/// The tile provider chosen for the map.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TileProvider {
    #[default]
    OpenStreetMap,
    /// The bundled basemap only; no network at all.
    Offline,
    /// An XYZ template such as `https://host/{z}/{x}/{y}.png`.
    Custom {
        template: String,
        attribution: String,
    },
}

impl TileProvider {
    /// From the command line: `osm`, `offline` or an XYZ template.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "osm" | "openstreetmap" => Ok(Self::OpenStreetMap),
            "offline" | "none" => Ok(Self::Offline),
            template if template.starts_with("http://") || template.starts_with("https://") => {
                if ["{z}", "{x}", "{y}"].iter().all(|p| template.contains(p)) {
                    Ok(Self::Custom {
                        template: template.to_owned(),
                        attribution: String::new(),
                    })
                } else {
                    Err(format!(
                        "the tile template {template:?} needs {{z}}, {{x}} and {{y}}"
                    ))
                }
            }
            other => Err(format!(
                "unknown tile source {other:?}: use osm, offline or an http(s) template with {{z}}/{{x}}/{{y}}"
            )),
        }
    }

    pub fn name(&self) -> String {
        match self {
            Self::OpenStreetMap => "OpenStreetMap".into(),
            Self::Offline => "Offline basemap only".into(),
            Self::Custom { template, .. } => template.clone(),
        }
    }

    /// The attribution to show, with its link.
    pub fn attribution(&self) -> Option<(String, String)> {
        match self {
            Self::OpenStreetMap => Some((
                "© OpenStreetMap contributors".into(),
                "https://www.openstreetmap.org/copyright".into(),
            )),
            Self::Offline => None,
            Self::Custom {
                attribution,
                template,
            } => Some((
                if attribution.is_empty() {
                    format!("Tiles: {}", host_of(template))
                } else {
                    attribution.clone()
                },
                String::new(),
            )),
        }
    }

    /// The tile downloader for this provider, or `None` for offline.
    pub fn make_tiles(&self, ctx: &egui::Context) -> Option<HttpTiles> {
        let options = HttpOptions {
            cache: cache_dir(),
            user_agent: walkers::HeaderValue::from_str(&user_agent()).ok(),
            // The OpenStreetMap tile policy asks for at most 2 connections.
            max_parallel_downloads:
                MaxParallelDownloads::value_manually_confirmed_with_provider_limits(2),
            ..HttpOptions::default()
        };
        match self {
            Self::OpenStreetMap => Some(HttpTiles::with_options(
                walkers::sources::OpenStreetMap,
                options,
                ctx.clone(),
            )),
            Self::Offline => None,
            Self::Custom { template, .. } => Some(HttpTiles::with_options(
                TemplateSource {
                    template: template.clone(),
                },
                options,
                ctx.clone(),
            )),
        }
    }
}

/// The host part of a URL, for messages.
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', ':']).next().unwrap_or(rest)
}

/// A user-given XYZ template.
struct TemplateSource {
    template: String,
}

impl TileSource for TemplateSource {
    fn tile_url(&self, tile_id: TileId) -> String {
        self.template
            .replace("{z}", &tile_id.zoom.to_string())
            .replace("{x}", &tile_id.x.to_string())
            .replace("{y}", &tile_id.y.to_string())
    }

    fn attribution(&self) -> Attribution {
        // The app draws the attribution itself (with the user's text); walkers' is unused.
        Attribution {
            text: "",
            url: "",
            logo_light: None,
            logo_dark: None,
        }
    }
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
        assert!(matches!(
            TileProvider::parse("http://127.0.0.1:8080/{z}/{x}/{y}.png"),
            Ok(TileProvider::Custom { .. })
        ));
        assert!(TileProvider::parse("http://127.0.0.1/{z}.png").is_err());
        assert!(TileProvider::parse("tiles.mbtiles").is_err());
    }

    #[test]
    fn a_template_fills_in_the_tile_address() {
        let source = TemplateSource {
            template: "http://127.0.0.1:9/{z}/{x}/{y}.png".into(),
        };
        let url = source.tile_url(TileId {
            x: 3,
            y: 5,
            zoom: 7,
        });
        assert_eq!(url, "http://127.0.0.1:9/7/3/5.png");
        assert_eq!(host_of(&url), "127.0.0.1");
    }
}
