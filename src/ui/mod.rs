//! Panels. Each draws itself and returns `Command`s; the app applies them at the end of the frame.

pub mod basemap_menu;
pub mod chapter_panel;
pub mod columns_dialog;
pub mod database_dialog;
pub mod details;
pub mod edit;
pub mod event_list;
pub mod export_dialog;
pub mod files_panel;
pub mod focus;
pub mod open_dialog;
pub mod sidebar;
pub mod status_bar;
pub mod text_style;
pub mod timeline;
pub mod top_bar;

pub use crate::command::{Command, Panels};

/// Below this window width the details open as a card over the map, not as a side panel.
pub const NARROW_WIDTH: f32 = 1000.0;
