//! Every integration test in one binary.
//!
//! Each file under `tests/` used to become its own executable, and each linked its own copy of
//! the app, egui and wgpu: eleven links of several hundred megabytes filled the CI machine's
//! disk. As modules of one crate they link once.

#![allow(
    clippy::unwrap_used,
    clippy::let_underscore_must_use,
    clippy::too_many_lines,
    reason = "tests and benches: a panic is the check failing, and a long test reads as one story"
)]

mod support;

mod chapters;
mod clusters;
mod columns;
mod data_format;
mod editing;
mod export;
mod hostile_input;
mod humanitarian;
mod import;
mod layers;
mod mutants;
mod names;
mod ogc_api;
mod overview;
mod postgis;
mod postgis_credentials;
mod postgis_editing;
mod postgis_overview;
mod reading;
mod recovery;
mod scene;
mod tiles;
mod timeline;
mod ui;
mod views;
mod window;
mod words;
