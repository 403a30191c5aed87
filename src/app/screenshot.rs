//! `--screenshot`: waiting for the story, the basemap and the tiles, saving the PNG and the
//! scene beside it (`PNG.layout.json`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui::Rect;

use super::EvacApp;
use super::state::ExitCodeSlot;

/// A pending `--screenshot`.
pub(super) struct ScreenshotJob {
    pub(super) path: PathBuf,
    pub(super) started: Instant,
    pub(super) requested: bool,
    /// The first frame that drew the story, fitted: the picture is taken at the one after it.
    pub(super) ready_at: Option<u64>,
    /// Set by the screenshot callback: the exit code.
    pub(super) outcome: ExitCodeSlot,
    /// End the process once it is saved (the command line's `--screenshot`).
    pub(super) exit_when_saved: bool,
}

/// How long `--screenshot` waits for tiles before saving what it has.
pub(super) const SCREENSHOT_TILE_WAIT: Duration = Duration::from_secs(5);

impl EvacApp {
    pub(super) fn advance_screenshot(&mut self, ctx: &egui::Context) {
        let Some(job) = &mut self.screenshot else {
            return;
        };
        // While a file is read, `poll_load` asks for the frames the progress needs.
        if self.loading.is_none() {
            ctx.request_repaint();
        }
        if job.requested {
            return;
        }
        let tiles_busy = self.state.draw.tiles
            && self.tiles.as_ref().is_some_and(|t| t.loading() > 0)
            && job.started.elapsed() < SCREENSHOT_TILE_WAIT;
        // Taken once the story is drawn and settled: its resident memory is then what it keeps.
        let shown = self.loading.is_none()
            && !self.fit_pending
            && self.last_overlay.view.is_some()
            && !self.last_overlay.level_pending
            && !crate::memory::settle_pending();
        if !shown {
            return;
        }
        // One more frame after the first that showed it, and never before egui's first few
        // (panel sizes settle over them). Each frame costs a few tenths of a second under
        // software rendering, so no more are waited for.
        let ready_at = *job.ready_at.get_or_insert(self.frames);
        let drawn = self.frames > ready_at && self.frames >= 3;
        if !drawn || tiles_busy {
            return;
        }
        job.requested = true;
        log::info!(
            "screenshot taken at frame {}; {}",
            self.frames,
            crate::memory::describe_resident()
        );
        let path = job.path.clone();
        let outcome = job.outcome.clone();
        let exit_when_saved = job.exit_when_saved;
        let layout = screenshot_layout(self);
        let context = ctx.clone();
        ctx.request_screenshot(move |image| {
            let code = match save_png(&path, &image).and_then(|()| {
                std::fs::write(layout_path(&path), layout).map_err(|e| e.to_string())
            }) {
                Ok(()) => 0,
                Err(message) => {
                    eprintln!(
                        "evacmap: cannot save the screenshot {}: {message}",
                        path.display()
                    );
                    1
                }
            };
            log::info!("screenshot saved to {}", path.display());
            if let Ok(mut slot) = outcome.lock() {
                *slot = Some(code);
            }
            if exit_when_saved {
                // The picture is all a `--screenshot` run leaves (it saves no settings):
                // closing the window and tearing down the renderer took seconds under
                // software GL, for nothing.
                std::process::exit(code);
            }
            context.send_viewport_cmd(egui::ViewportCommand::Close);
            context.request_repaint();
        });
    }
}

/// The file beside a screenshot that says where the map and its markers are in it.
pub fn layout_path(png: &Path) -> PathBuf {
    let mut name = png.as_os_str().to_owned();
    name.push(".layout.json");
    PathBuf::from(name)
}

/// The map's scene as drawn, written out: its rectangle and view, and each marker, arrow,
/// cluster, event symbol and badge (with the ids of the events it holds) and label, so that
/// tools (and tests) can find things in the PNG.
pub(super) fn screenshot_layout(app: &EvacApp) -> String {
    let overlay = &app.last_overlay;
    let rect = app.map_rect.unwrap_or(Rect::NOTHING);
    let view = overlay.view;
    let arrows: Vec<&str> = overlay
        .arrows
        .iter()
        .map(|i| app.story.dataset.store().id(i.0))
        .collect();
    let markers: Vec<serde_json::Value> = overlay
        .markers
        .iter()
        .filter_map(|m| {
            let feature = app.story.dataset.get(m.feature)?;
            Some(serde_json::json!({
                "id": feature.id(),
                "drawn": [m.drawn_position.x, m.drawn_position.y],
                "true": [m.true_position.x, m.true_position.y],
                "color": [m.color.r(), m.color.g(), m.color.b()],
            }))
        })
        .collect();
    let id = |index: crate::model::FeatureIndex| app.story.dataset.store().id(index.0).to_owned();
    let events: Vec<serde_json::Value> = overlay
        .event_marks
        .iter()
        .map(|mark| {
            serde_json::json!({
                "kind": if mark.is_badge { "badge" } else { "symbol" },
                "center": [mark.center.x, mark.center.y],
                "events": mark.events.iter().map(|&e| id(e)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let labels = |labels: &[crate::map::overlay::DrawnLabel]| -> Vec<serde_json::Value> {
        labels
            .iter()
            .map(|l| serde_json::json!({ "feature": id(l.feature), "text": l.text }))
            .collect()
    };
    let center = view.map(|v| v.world_center.to_position());
    serde_json::to_string_pretty(&serde_json::json!({
        "map_rect": [rect.min.x, rect.min.y, rect.max.x, rect.max.y],
        "center_lon_lat": center.map(|c| [c.x(), c.y()]),
        "zoom": view.map(|v| v.zoom()),
        "markers": markers,
        "arrows": arrows,
        "arrows_left_out": overlay.arrows_left_out,
        "clusters": overlay
            .clusters
            .iter()
            .map(|c| serde_json::json!({ "center": [c.center.x, c.center.y], "count": c.count }))
            .collect::<Vec<_>>(),
        "events": events,
        "labels": labels(&overlay.labels),
        "arrow_labels": labels(&overlay.arrow_labels),
    }))
    .unwrap_or_default()
}

pub(super) fn save_png(path: &Path, image: &egui::ColorImage) -> Result<(), String> {
    let [width, height] = image.size;
    let bytes: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    let buffer = image::RgbaImage::from_raw(width as u32, height as u32, bytes)
        .ok_or("the screenshot has an unexpected size")?;
    buffer.save(path).map_err(|e| e.to_string())
}
