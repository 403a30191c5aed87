//! Which parts of the map are drawn (the Layers menu's ticks): tiles, basemap, places,
//! movements, labels, and the language of place names. Not to be confused with the files open
//! as layers ([`crate::layers`]).

use crate::model::names::LabelLanguage;

/// Which parts of the map are drawn; persisted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct DrawToggles {
    pub tiles: bool,
    pub basemap: bool,
    pub places: bool,
    pub movements: bool,
    pub labels: bool,
    pub label_language: LabelLanguage,
    /// Hexagons shaded by how much is there instead of markers and clusters.
    pub density: crate::map::density::Density,
}

impl Default for DrawToggles {
    fn default() -> Self {
        Self {
            tiles: true,
            basemap: true,
            places: true,
            movements: true,
            labels: true,
            label_language: LabelLanguage::English,
            density: crate::map::density::Density::Off,
        }
    }
}
