//! The density view in the scene: the hexagons of the level's zoom, binned once for the range
//! and search from the places' events and the movements that leave them, put on screen and
//! shaded against the most in view.

use egui::{Color32, Pos2, Rect};

use super::StoryOverlay;
use crate::map::density::{self, Density, HEX_RADIUS, HexBin};
use crate::map::index::Level;
use crate::map::projection::{ScreenTransform, World};
use crate::model::format_count;

/// A hexagon of the density view, on screen.
pub(super) struct HexMark {
    pub(super) center: Pos2,
    pub(super) radius: f32,
    pub(super) color: Color32,
    /// "Density: 1,204 reports around Aleppo, 34,000 people moved from there".
    pub(super) name: String,
}

impl StoryOverlay<'_> {
    /// The density view's hexagons in `area` (by `density`), at `level`'s zoom.
    pub(super) fn density_marks(
        &self,
        view: &ScreenTransform,
        area: Rect,
        level: &Level,
        density: Density,
    ) -> Vec<HexMark> {
        let scale = 256.0 * 2f64.powi(i32::from(level.zoom));
        let bins = level.tallies(self.state_key).hexagons(|| self.bin(scale));
        // Drawn at the view's zoom: the level's hexagons grow or shrink with it.
        let radius = (HEX_RADIUS * 2f64.powf(view.zoom() - f64::from(level.zoom))) as f32;
        let in_view: Vec<(&HexBin, Pos2)> = bins
            .iter()
            .map(|bin| {
                let world = World {
                    x: bin.center[0] / scale,
                    y: bin.center[1] / scale,
                };
                (bin, view.to_screen_near(world))
            })
            .filter(|(_, at)| area.expand(radius).contains(*at))
            .filter(|(bin, _)| bin.value(density) > 0)
            .collect();
        let most = in_view
            .iter()
            .map(|(bin, _)| bin.value(density))
            .max()
            .unwrap_or(1);
        in_view
            .into_iter()
            .map(|(bin, center)| HexMark {
                center,
                radius,
                color: density::shade(bin.value(density), most),
                name: hex_name(bin, &self.hexagon_place(bin)),
            })
            .collect()
    }

    /// Every place's reports and people in the range, binned in the plane of `scale`.
    fn bin(&self, scale: f64) -> Vec<HexBin> {
        let index = self.index;
        let mut at_place: Vec<(u64, u64)> = vec![(0, 0); index.places.len()];
        for movement in &index.movements {
            if let Some(slot) = movement.from_place()
                && self.is_visible(movement.feature())
                && let Some(sum) = at_place.get_mut(slot as usize)
            {
                sum.0 += 1;
                sum.1 += movement.people;
            }
        }
        let points = index.places.iter().enumerate().map(|(slot, place)| {
            let events = index.events_at(slot as u32);
            let shown = events.iter().filter(|&&e| self.is_visible(e)).count() as u64;
            let (movements, people) = at_place[slot];
            (
                [place.world.x * scale, place.world.y * scale],
                shown + movements,
                people,
            )
        });
        density::bin(points, HEX_RADIUS)
    }
}

impl StoryOverlay<'_> {
    /// The name of the place with the most reports in a hexagon.
    fn hexagon_place(&self, bin: &HexBin) -> String {
        let place = self.index.places.get(bin.most);
        place.map_or_else(String::new, |p| self.dataset.display_name_at(p.feature))
    }
}

/// The accessible name of a hexagon: "Density: 1,204 reports around Aleppo, 34,000 people
/// moved from there".
fn hex_name(bin: &HexBin, around: &str) -> String {
    let reports = match bin.reports {
        1 => "1 report".to_owned(),
        n => format!("{} reports", format_count(n)),
    };
    if bin.people > 0 {
        format!(
            "Density: {reports} around {around}, {} people moved from there",
            format_count(bin.people)
        )
    } else {
        format!("Density: {reports} around {around}")
    }
}
