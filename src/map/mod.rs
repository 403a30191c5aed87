//! The map: walkers' tile view with the offline basemap beneath and the story on top.

pub mod basemap;
pub mod cluster;
pub mod density;
pub mod events;
pub mod index;
pub mod layout;
pub mod overlay;
pub mod overview;
pub mod projection;
pub mod sprites;
pub mod style;
pub mod tessellated;
pub mod tiles;
pub mod toggles;
