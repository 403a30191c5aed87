//! evacmap: a desktop map of evacuations and forced displacement, every figure with its source.
//!
//! `model` and `io` are pure data (no egui); `filter` decides what a time range shows; `map`
//! draws on the walkers map; `ui` holds the panels; `app` wires them together.

pub mod app;
pub mod bidi;
pub mod cli;
pub mod colour;
pub mod command;
pub mod editing;
pub mod export;
pub mod filter;
pub mod fonts;
pub mod generate;
pub mod import;
pub mod io;
pub mod layers;
pub mod logging;
pub mod map;
pub mod memory;
pub mod model;
pub mod open;
pub mod playback;
pub mod postgis;
pub mod search;
pub mod sort;
pub mod story;
pub mod ui;

/// The bundled story, opened when no file is given.
pub const BUNDLED_STORY: &str = include_str!("../data/damascus-2017-05.geojson");
/// The name the bundled story is shown under.
pub const BUNDLED_STORY_NAME: &str = "damascus-2017-05.geojson (bundled)";
