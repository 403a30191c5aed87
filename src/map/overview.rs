//! A big story's overview from its store, drawn while its features are on their way: the
//! store's cells gathered into discs that stand apart (as the story's clusters do), with
//! their places' count, and arrows for the movements between them. Each disc and arrow is an
//! accessible node; a click on a disc zooms to its places.

use std::sync::Arc;

use egui::epaint::QuadraticBezierShape;
use egui::{Color32, FontId, Pos2, Rect, Response, Sense, Stroke, Ui, Vec2, WidgetInfo, vec2};
use walkers::{MapMemory, Plugin, Projector};

use super::cluster::{self, CLUSTER_RADIUS};
use super::overlay::{FOCUS_RING, FocusTarget, MapAction};
use super::projection::{LonLatBounds, ScreenTransform};
use super::style;
use crate::io::overview::Overview;
use crate::model::format_count;

/// The most arrows drawn, largest first (as for the story's own arrows).
const MOST_ARROWS: usize = 150;

/// Cells gathered into one disc.
#[derive(Debug, Clone, PartialEq)]
pub struct OverviewDisc {
    pub center: Pos2,
    pub radius: f32,
    pub places: u64,
    pub events: u64,
    pub movements: u64,
    /// Where its places are (the cells' middles, half a cell out).
    pub bounds: LonLatBounds,
}

/// The movements from one disc's places to another's.
#[derive(Debug, Clone, PartialEq)]
pub struct OverviewArrow {
    pub from: usize,
    pub to: usize,
    pub movements: u64,
    pub people: u64,
    pub width: f32,
}

/// What the overview draws in a view.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OverviewScene {
    pub discs: Vec<OverviewDisc>,
    pub arrows: Vec<OverviewArrow>,
}

impl OverviewScene {
    /// The discs and arrows of `overview` in `view`; `rect` is the map's area on screen.
    pub fn build(overview: &Overview, view: &ScreenTransform, rect: Rect) -> Self {
        let points: Vec<cluster::Point> = overview
            .cells
            .iter()
            .map(|c| {
                let p = view.lon_lat_to_screen(c.at[0], c.at[1]);
                [f64::from(p.x), f64::from(p.y)]
            })
            .collect();
        let weights: Vec<u64> = overview.cells.iter().map(|c| c.places).collect();
        let found = cluster::weighted_clusters(&points, &weights, CLUSTER_RADIUS);
        let half = overview.cell / 2.0;
        let mut disc_of = vec![usize::MAX; overview.cells.len()];
        let mut discs = Vec::new();
        for group in found {
            let center = Pos2::new(group.center[0] as f32, group.center[1] as f32);
            let (mut places, mut events, mut movements) = (0, 0, 0);
            let mut bounds: Option<LonLatBounds> = None;
            for &k in &group.members {
                let cell = &overview.cells[k];
                places += cell.places;
                events += cell.events;
                movements += cell.movements;
                let [lon, lat] = cell.at;
                let b = bounds.get_or_insert(LonLatBounds {
                    min_lon: lon - half,
                    min_lat: lat - half,
                    max_lon: lon + half,
                    max_lat: lat + half,
                });
                b.min_lon = b.min_lon.min(lon - half);
                b.min_lat = b.min_lat.min(lat - half);
                b.max_lon = b.max_lon.max(lon + half);
                b.max_lat = b.max_lat.max(lat + half);
            }
            let (Some(bounds), true) = (bounds, places > 0) else {
                continue;
            };
            for &k in &group.members {
                disc_of[k] = discs.len();
            }
            discs.push(OverviewDisc {
                center,
                radius: cluster::cluster_radius(usize::try_from(places).unwrap_or(usize::MAX)),
                places,
                events,
                movements,
                bounds,
            });
        }
        // Movements between cells, summed between the discs they fell into.
        let mut between: foldhash::HashMap<(usize, usize), (u64, u64)> = Default::default();
        for flow in &overview.flows {
            let (a, b) = (disc_of[flow.from], disc_of[flow.to]);
            if a == usize::MAX || b == usize::MAX || a == b {
                continue;
            }
            let sum = between.entry((a, b)).or_default();
            sum.0 += flow.movements;
            sum.1 += flow.people;
        }
        // Only discs and arrows that show.
        let shown = rect.expand(60.0);
        let in_view = |d: &OverviewDisc| shown.contains(d.center);
        let mut arrows: Vec<OverviewArrow> = between
            .into_iter()
            .filter(|((a, b), _)| in_view(&discs[*a]) || in_view(&discs[*b]))
            .map(|((from, to), (movements, people))| OverviewArrow {
                from,
                to,
                movements,
                people,
                width: 0.0,
            })
            .collect();
        arrows.sort_by_key(|a| (std::cmp::Reverse((a.people, a.movements)), a.from, a.to));
        arrows.truncate(MOST_ARROWS);
        let largest = arrows.first().map_or(0, |a| a.people);
        for arrow in &mut arrows {
            arrow.width = style::merged_arrow_width(arrow.people, largest);
        }
        // The largest drawn last, on top.
        arrows.reverse();
        let mut scene = Self { discs, arrows };
        scene.keep_discs(in_view);
        scene
    }

    /// Drops the discs `keep` refuses that no arrow needs, renumbering the arrows' ends.
    fn keep_discs(&mut self, keep: impl Fn(&OverviewDisc) -> bool) {
        let mut needed: Vec<bool> = self.discs.iter().map(&keep).collect();
        for arrow in &self.arrows {
            needed[arrow.from] = true;
            needed[arrow.to] = true;
        }
        let mut renumbered = vec![0; self.discs.len()];
        let mut next = 0;
        for (k, keep) in needed.iter().enumerate() {
            renumbered[k] = next;
            next += usize::from(*keep);
        }
        let mut kept = needed.into_iter();
        self.discs.retain(|_| kept.next().unwrap_or(false));
        for arrow in &mut self.arrows {
            arrow.from = renumbered[arrow.from];
            arrow.to = renumbered[arrow.to];
        }
    }

    /// A disc's accessible name.
    pub fn disc_name(&self, k: usize) -> String {
        let disc = &self.discs[k];
        let middle = |a: f64, b: f64| (a + b) / 2.0;
        format!(
            "Overview: {} places around {}, with {} events and {} movements leaving them \
             (counted by the database; the reports are still loading)",
            format_count(disc.places),
            degrees(
                middle(disc.bounds.min_lon, disc.bounds.max_lon),
                middle(disc.bounds.min_lat, disc.bounds.max_lat)
            ),
            format_count(disc.events),
            format_count(disc.movements),
        )
    }

    /// An arrow's accessible name.
    pub fn arrow_name(&self, k: usize) -> String {
        let arrow = &self.arrows[k];
        let around = |d: &OverviewDisc| {
            degrees(
                (d.bounds.min_lon + d.bounds.max_lon) / 2.0,
                (d.bounds.min_lat + d.bounds.max_lat) / 2.0,
            )
        };
        format!(
            "Overview: {} movements, {} people or more, from around {} to around {}",
            format_count(arrow.movements),
            format_count(arrow.people),
            around(&self.discs[arrow.from]),
            around(&self.discs[arrow.to]),
        )
    }
}

/// "35.10° N, 36.20° E".
fn degrees(lon: f64, lat: f64) -> String {
    let (ns, ew) = (
        if lat < 0.0 { 'S' } else { 'N' },
        if lon < 0.0 { 'W' } else { 'E' },
    );
    format!("{:.2}° {ns}, {:.2}° {ew}", lat.abs(), lon.abs())
}

/// The overview as a walkers plugin; what a click asks for goes to `actions`.
pub struct OverviewOverlay<'a> {
    pub overview: &'a Overview,
    /// How far the features have come ("12,000 of 1,000,000 features").
    pub progress: String,
    pub actions: &'a mut Vec<MapAction>,
    /// Its discs and arrows, for the keyboard to move between with the story's own items.
    pub focus_targets: &'a mut Vec<FocusTarget>,
}

impl Plugin for OverviewOverlay<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, _: &Response, projector: &Projector, _: &MapMemory) {
        let view = ScreenTransform::from_projector(projector);
        let rect = projector.clip_rect();
        // Worked out again only when the view moves: a story spread over a continent has
        // tens of thousands of cells.
        let key = [
            std::ptr::from_ref(self.overview) as usize as u64,
            view.zoom().to_bits(),
            view.world_center.x.to_bits(),
            view.world_center.y.to_bits(),
            u64::from(rect.min.x.to_bits()) << 32 | u64::from(rect.min.y.to_bits()),
            u64::from(rect.max.x.to_bits()) << 32 | u64::from(rect.max.y.to_bits()),
        ];
        let kept = ui.scope_id().with("evacmap overview scene");
        let scene = match ui.data(|d| d.get_temp::<([u64; 6], Arc<OverviewScene>)>(kept)) {
            Some((seen, scene)) if seen == key => scene,
            _ => {
                let scene = Arc::new(OverviewScene::build(self.overview, &view, rect));
                ui.data_mut(|d| d.insert_temp(kept, (key, Arc::clone(&scene))));
                scene
            }
        };
        let painter = ui.painter().with_clip_rect(rect);
        for (k, arrow) in scene.arrows.iter().enumerate() {
            let (a, b) = (&scene.discs[arrow.from], &scene.discs[arrow.to]);
            let Some(curve) = Curve::between(a, b) else {
                continue;
            };
            let id = ui.scope_id().with(("overview arrow", arrow.from, arrow.to));
            curve.paint(&painter, arrow.width, has_focus(ui, id));
            let hit = Rect::from_center_size(curve.middle(), Vec2::splat(arrow.width + 10.0));
            accessible(ui, id, hit, || scene.arrow_name(k));
            self.focus_targets.push(FocusTarget {
                id,
                at: curve.middle(),
                feature: None,
            });
        }
        for (k, disc) in scene.discs.iter().enumerate() {
            let id = ui.scope_id().with(("overview disc", k));
            let ring = if has_focus(ui, id) {
                FOCUS_RING
            } else {
                Color32::WHITE
            };
            painter.circle(
                disc.center,
                disc.radius,
                Color32::from_rgb(0x33, 0x41, 0x55),
                Stroke::new(2.0, ring),
            );
            painter.text(
                disc.center,
                egui::Align2::CENTER_CENTER,
                format_count(disc.places),
                FontId::proportional(12.0),
                Color32::WHITE,
            );
            let hit = Rect::from_center_size(disc.center, Vec2::splat(disc.radius * 2.0 + 4.0));
            if accessible(ui, id, hit, || scene.disc_name(k)).clicked() {
                self.actions.push(MapAction::ZoomTo(disc.bounds));
            }
            self.focus_targets.push(FocusTarget {
                id,
                at: disc.center,
                feature: None,
            });
        }
        paint_note(&painter, rect, &self.progress);
    }
}

fn has_focus(ui: &Ui, id: egui::Id) -> bool {
    ui.ctx().memory(|m| m.has_focus(id))
}

/// A clickable node with an accessible name.
fn accessible(ui: &mut Ui, id: egui::Id, rect: Rect, name: impl Fn() -> String) -> Response {
    let response = ui.interact(rect, id, Sense::click());
    let enabled = ui.is_enabled();
    response.widget_info(|| WidgetInfo::labeled(egui::Role::Button, enabled, name()));
    response
}

/// What the map shows, at its top: an overview, and how far the reports have come.
fn paint_note(painter: &egui::Painter, rect: Rect, progress: &str) {
    let text = format!(
        "Overview counted by the database: places, and movements between them. \
         The reports are loading ({progress})."
    );
    let galley = painter.layout_no_wrap(text, FontId::proportional(13.0), Color32::from_gray(20));
    let at = egui::pos2(rect.center().x - galley.size().x / 2.0, rect.top() + 12.0);
    let back = Rect::from_min_size(at, galley.size()).expand(6.0);
    painter.rect_filled(
        back,
        4.0,
        Color32::from_rgba_unmultiplied(255, 251, 235, 235),
    );
    painter.galley(at, galley, Color32::from_gray(20));
}

/// An arrow's curve from one disc's edge to another's, bent to its left so that the two
/// directions between two discs stand apart.
struct Curve {
    points: [Pos2; 3],
}

impl Curve {
    fn between(a: &OverviewDisc, b: &OverviewDisc) -> Option<Self> {
        let along = b.center - a.center;
        let length = along.length();
        if length <= a.radius + b.radius + 4.0 {
            return None;
        }
        let direction = along / length;
        let left = vec2(direction.y, -direction.x);
        let control = a.center + along * 0.5 + left * (length * 0.15);
        let start = a.center + (control - a.center).normalized() * (a.radius + 2.0);
        let end = b.center + (control - b.center).normalized() * (b.radius + 2.0);
        Some(Self {
            points: [start, control, end],
        })
    }

    fn middle(&self) -> Pos2 {
        let [a, c, b] = self.points;
        // The quadratic Bézier at t = ½.
        (a.to_vec2() * 0.25 + c.to_vec2() * 0.5 + b.to_vec2() * 0.25).to_pos2()
    }

    fn paint(&self, painter: &egui::Painter, width: f32, focused: bool) {
        let [start, control, end] = self.points;
        // A little see-through: a hundred and fifty arrows between a few discs cross a lot.
        let colour = Color32::from_rgba_unmultiplied(0x6d, 0x4c, 0x9a, 200);
        let head = style::head_length(width);
        let direction = (end - control).normalized();
        let base = end - direction * head;
        // The line stops where the head begins.
        let line_end = base;
        let bezier = |stroke: Stroke| {
            QuadraticBezierShape::from_points_stroke(
                [start, control, line_end],
                false,
                Color32::TRANSPARENT,
                stroke,
            )
        };
        let halo = match focused {
            true => Stroke::new(width + 7.0, FOCUS_RING),
            false => Stroke::new(width + 2.0, Color32::from_white_alpha(150)),
        };
        painter.add(bezier(halo));
        painter.add(bezier(Stroke::new(width, colour)));
        let side = vec2(-direction.y, direction.x) * (width * 1.2).max(6.0);
        painter.add(egui::Shape::convex_polygon(
            vec![end, base + side, base - side],
            colour,
            Stroke::new(1.0, Color32::WHITE),
        ));
    }
}

#[cfg(test)]
#[path = "overview_tests.rs"]
mod tests;
