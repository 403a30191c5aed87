//! Painting a scene with egui: arrows (kept as triangles in the window), markers, clusters,
//! labels, event symbols and the hover card. In the window round marks come from a disc
//! texture; in an export they are circles, so that SVG and PDF keep them as shapes.

use std::sync::Arc;

use egui::epaint::{PathShape, PathStroke};
use egui::{Color32, FontId, Id, Pos2, Rect, Shape, Stroke, Ui, Vec2, vec2};

use super::super::events;
use super::super::layout::tooltip_rect;
use super::super::sprites::DiscSprites;
use super::super::style::{self, LineStyle, MarkerShape};
use super::super::tessellated;
use super::interaction::{Emphasis, Interaction, has_focus};
use super::scene::{Arrow, EventMarkKind, GenericMark, PlaceMark, PlacedLabel, Scene};
use super::text::tooltip_text;
use super::{FOCUS_RING, StoryOverlay};
use crate::model::FeatureIndex;

pub(super) const HIGHLIGHT: Color32 = Color32::from_rgb(0xff, 0xc8, 0x00);

/// The points of a polyline from the first segment that touches `visible` to the last, and
/// the length of the line before them; `None` when no segment does.
fn visible_run(points: &[Pos2], visible: Rect) -> Option<(usize, usize, f32)> {
    let mut run = None;
    let mut length = 0.0;
    for (i, pair) in points.windows(2).enumerate() {
        if Rect::from_two_pos(pair[0], pair[1]).intersects(visible) {
            match &mut run {
                None => run = Some((i, i + 1, length)),
                Some((_, last, _)) => *last = i + 1,
            }
        }
        length += pair[0].distance(pair[1]);
    }
    run
}

/// How opaque what the range or the search leaves out is drawn.
pub(super) const FADED_OPACITY: f32 = 0.25;

/// Makes a shape as faint as [`FADED_OPACITY`] (what a painter with that opacity does).
fn fade(shape: &mut Shape, opacity: f32) {
    egui::epaint::shape_transform::adjust_colors(shape, move |color| {
        *color = color.gamma_multiply(opacity);
    });
}

/// What an arrow is drawn from, for [`tessellated::key`].
fn arrow_key(arrow: &Arrow, emphasis: Emphasis) -> impl std::hash::Hash {
    let curve = &arrow.curve;
    let feeders: Vec<[u32; 2]> = arrow
        .feeders
        .iter()
        .map(|&f| tessellated::point_bits(f))
        .collect();
    (
        [curve.from, curve.control, curve.to].map(tessellated::point_bits),
        [arrow.head_t.to_bits(), arrow.width.to_bits()],
        (arrow.faded, arrow.dimmed, arrow.assumed),
        arrow.color,
        arrow.style as u8,
        emphasis as u8,
        feeders,
    )
}

/// An arrow's line, halo, feeders and head, with `clip` the map's area.
fn arrow_shapes(arrow: &Arrow, emphasis: Emphasis, clip: Rect, out: &mut Vec<Shape>) {
    let curve = &arrow.curve;
    // A quarter of a point off the true curve does not show under a line's feathering.
    let points = curve.points(0.0, arrow.head_t, curve.segments_within(0.25));
    // The line only where it may show: at city zoom most of a long arrow is off screen. (A
    // margin for the widest halo and a dash and gap.)
    let visible = clip.expand(arrow.width * 4.5 + 16.0);
    let run = visible_run(&points, visible);
    let shown = run.map_or(&points[..0], |(from, to, _)| &points[from..=to]);
    let color = match arrow.style {
        LineStyle::Failed => style::FAILED_COLOR,
        _ => arrow.color,
    };
    let halo = match emphasis {
        Emphasis::Selected => Some(Stroke::new(arrow.width + 6.0, HIGHLIGHT)),
        Emphasis::Focused => Some(Stroke::new(arrow.width + 7.0, FOCUS_RING)),
        Emphasis::Hovered => Some(Stroke::new(
            arrow.width + 4.0,
            Color32::from_white_alpha(230),
        )),
        Emphasis::Normal => Some(Stroke::new(
            arrow.width + 2.0,
            Color32::from_white_alpha(150),
        )),
    };
    if let Some(halo) = halo
        && !shown.is_empty()
    {
        out.push(PathShape::line(shown.to_vec(), PathStroke::from(halo)).into());
    }
    let stroke = Stroke::new(arrow.width, color);
    let join = curve.at(0.15);
    for feeder in &arrow.feeders {
        let feeder_stroke = Stroke::new((arrow.width * 0.6).max(2.0), color);
        // Every branch of a movement from several places is emphasised as its main line is.
        let feeder_halo = match halo {
            Some(halo) if emphasis != Emphasis::Normal => {
                Stroke::new(feeder_stroke.width + (halo.width - arrow.width), halo.color)
            }
            _ => Stroke::new(feeder_stroke.width + 2.0, Color32::from_white_alpha(150)),
        };
        out.push(Shape::line_segment([*feeder, join], feeder_halo));
        out.push(Shape::line_segment([*feeder, join], feeder_stroke));
    }
    match arrow.style {
        LineStyle::Dashed => {
            let dash = (arrow.width * 2.5).max(8.0);
            let gap = dash * 0.6;
            // In the whole line's phase, so that the dashes stay put as the view pans.
            if let Some((_, _, before)) = run {
                let period = dash + gap;
                out.extend(Shape::dashed_line_with_offset(
                    shown,
                    stroke,
                    &[dash],
                    &[gap],
                    (period - before % period) % period,
                ));
            }
        }
        LineStyle::Solid | LineStyle::Failed => {
            if !shown.is_empty() {
                out.push(PathShape::line(shown.to_vec(), PathStroke::from(stroke)).into());
            }
        }
    }
    // The head: a triangle from the end of the line to the destination marker's edge.
    let base = curve.at(arrow.head_t);
    let direction = curve.direction(arrow.head_t);
    let tip = base + direction * style::head_length(arrow.width);
    let side = vec2(-direction.y, direction.x) * (arrow.width * 1.2).max(6.0);
    let outline = match emphasis {
        Emphasis::Selected => Stroke::new(2.0, HIGHLIGHT),
        _ => Stroke::new(1.0, Color32::WHITE),
    };
    if arrow.assumed {
        // Hollow: the report does not name this destination.
        out.push(Shape::convex_polygon(
            vec![tip, base + side, base - side],
            Color32::WHITE,
            Stroke::new(2.0, color),
        ));
    } else {
        out.push(Shape::convex_polygon(
            vec![tip, base + side, base - side],
            color,
            outline,
        ));
    }
    if arrow.style == LineStyle::Failed {
        let middle = curve.at(0.5);
        let size = 6.0;
        let mark = Stroke::new(3.0, style::FAILED_MARK);
        out.push(Shape::line_segment(
            [middle + vec2(-size, -size), middle + vec2(size, size)],
            mark,
        ));
        out.push(Shape::line_segment(
            [middle + vec2(-size, size), middle + vec2(size, -size)],
            mark,
        ));
    }
}

/// For a marker spread out of a crowd: a line back to where the place really is.
fn draw_leader(painter: &egui::Painter, mark: &PlaceMark) {
    if mark.true_position.distance(mark.position) > 0.5 {
        painter.line_segment(
            [mark.true_position, mark.position],
            Stroke::new(1.0, Color32::from_gray(90)),
        );
        painter.circle(
            mark.true_position,
            2.5,
            mark.color,
            Stroke::new(0.8, Color32::WHITE),
        );
    }
}

/// A filled, outlined circle: from the disc texture where it fits (a quad instead of hundreds
/// of vertices), tessellated where it is too big for it.
/// `sprites` is `None` in an export, whose discs are circles so that vector output keeps them.
fn draw_disc(
    painter: &egui::Painter,
    sprites: Option<&DiscSprites>,
    center: Pos2,
    radius: f32,
    fill: Color32,
    stroke: Stroke,
) {
    let pixels_per_point = painter.pixels_per_point();
    match sprites {
        Some(sprites) if crate::map::sprites::fits(radius + stroke.width, pixels_per_point) => {
            painter.add(sprites.disc(center, radius, fill, stroke, pixels_per_point));
        }
        _ => {
            painter.circle(center, radius, fill, stroke);
        }
    }
}

fn draw_marker(
    painter: &egui::Painter,
    sprites: Option<&DiscSprites>,
    mark: &PlaceMark,
    emphasis: Emphasis,
) {
    let place_type = mark.place_type;
    let radius = mark.radius;
    let center = mark.position;
    match emphasis {
        Emphasis::Selected => {
            painter.circle_filled(center, radius + 6.0, HIGHLIGHT);
        }
        Emphasis::Hovered => {
            painter.circle_filled(center, radius + 4.0, Color32::from_white_alpha(220));
        }
        Emphasis::Focused => {
            painter.circle_stroke(center, radius + 5.0, Stroke::new(3.0, FOCUS_RING));
            painter.circle_stroke(center, radius + 8.0, Stroke::new(1.5, Color32::WHITE));
        }
        Emphasis::Normal => {}
    }
    if let Some(ring) = mark.ring {
        painter.circle_stroke(center, radius + 3.0, Stroke::new(2.5, ring));
    }
    let outline = Stroke::new(1.5, Color32::WHITE);
    match style::marker_shape(place_type) {
        MarkerShape::Circle => {
            draw_disc(painter, sprites, center, radius, mark.color, outline);
        }
        MarkerShape::Square => {
            painter.rect(
                Rect::from_center_size(center, Vec2::splat(radius * 1.7)),
                1.0,
                mark.color,
                outline,
                egui::StrokeKind::Middle,
            );
        }
        MarkerShape::Triangle => {
            let r = radius * 1.2;
            let points = vec![
                center + vec2(0.0, -r),
                center + vec2(r * 0.87, r * 0.5),
                center + vec2(-r * 0.87, r * 0.5),
            ];
            painter.add(Shape::convex_polygon(points, mark.color, outline));
        }
        MarkerShape::Diamond => {
            let r = radius * 1.15;
            let points = vec![
                center + vec2(0.0, -r),
                center + vec2(r, 0.0),
                center + vec2(0.0, r),
                center + vec2(-r, 0.0),
            ];
            painter.add(Shape::convex_polygon(points, mark.color, outline));
        }
    }
    if mark.approximate {
        // Approximate positions get a dotted halo: "somewhere around here". Dots about 4.5
        // points apart, from the disc texture (as dashes, each was a tessellated line).
        let ring = radius + 3.5;
        let dots = ((std::f32::consts::TAU * ring / 4.5).round() as usize).max(6);
        let centers = (0..dots).map(|k| {
            let a = std::f32::consts::TAU * k as f32 / dots as f32;
            center + vec2(a.cos(), a.sin()) * ring
        });
        let dot = Color32::from_gray(60);
        match sprites {
            Some(sprites) => {
                painter.add(sprites.dots(centers, 0.9, dot, painter.pixels_per_point()));
            }
            None => centers.for_each(|at| {
                painter.circle_filled(at, 0.9, dot);
            }),
        }
    }
}

/// Brackets the shapes of one mark in an export (a paint callback no renderer draws), so that
/// vector output can give each feature a group of its own with its id and a title.
#[derive(Debug, Clone, PartialEq)]
pub enum MarkTag {
    Begin {
        /// What kind of mark: "places", "movements", "clusters", "events".
        kind: &'static str,
        /// The feature's id (a cluster's: its first place's).
        id: String,
        /// Its name, date and figures with their sources.
        title: String,
    },
    End,
}

impl StoryOverlay<'_> {
    /// Whether this frame is painted for an export: discs as circles, marks tagged.
    fn for_export(&self) -> bool {
        self.shared.is_none()
    }

    /// Paints with `draw` the mark of feature `index`; in an export, its shapes are bracketed
    /// by tags so that vector output groups them under the feature's id and title.
    fn mark(
        &self,
        painter: &egui::Painter,
        kind: &'static str,
        index: FeatureIndex,
        draw: impl FnOnce(),
    ) {
        if !self.for_export() {
            draw();
            return;
        }
        let tag = |tag: MarkTag| {
            painter.add(Shape::Callback(egui::PaintCallback {
                rect: Rect::NOTHING,
                callback: Arc::new(tag),
            }));
        };
        tag(MarkTag::Begin {
            kind,
            id: self.dataset.store().id(index.0).to_owned(),
            title: super::text::feature_title(self.dataset, index, &self.range),
        });
        draw();
        tag(MarkTag::End);
    }

    /// Paints `scene`, emphasising what `interaction` says is hovered, focused or selected.
    pub(super) fn paint(
        &self,
        ui: &Ui,
        painter: &egui::Painter,
        scene: &Scene,
        interaction: &Interaction,
        pointer: Option<Pos2>,
    ) {
        let faded_painter = {
            let mut p = painter.clone();
            p.set_opacity(FADED_OPACITY);
            p
        };
        let pick = |faded: bool| if faded { &faded_painter } else { painter };
        for hexagon in &scene.hexagons {
            let corners = crate::map::density::corners(hexagon.center, hexagon.radius - 0.5);
            painter.add(egui::Shape::convex_polygon(
                corners.to_vec(),
                hexagon.color,
                egui::Stroke::new(0.75, Color32::from_white_alpha(160)),
            ));
        }
        for mark in scene.handled_generic() {
            paint_generic(painter, mark, self.selection == Some(mark.index));
        }
        for mark in scene.generic.iter().filter(|m| m.anchor.is_none()) {
            paint_generic_lines(painter, mark);
        }
        let count_emphasis = interaction.emphases(
            ui,
            scene.counts.iter().map(|c| c.index),
            &interaction.counts,
            self.selection,
        );
        for (mark, emphasis) in scene.counts.iter().zip(count_emphasis) {
            let target = pick(mark.faded);
            self.mark(target, "counts", mark.index, || {
                paint_count(target, mark, emphasis);
            });
        }
        let arrow_emphasis = interaction.emphases(
            ui,
            scene.arrows.iter().map(|a| a.index),
            &interaction.arrows,
            self.selection,
        );
        self.paint_arrows(ui, painter, scene, &arrow_emphasis);
        for mark in &scene.places {
            draw_leader(pick(mark.faded || mark.dimmed), mark);
        }
        let sprites = (!self.for_export()).then(|| DiscSprites::of(ui.ctx()));
        let place_emphasis = interaction.emphases(
            ui,
            scene.places.iter().map(|m| m.index),
            &interaction.places,
            self.selection,
        );
        for (place, emphasis) in scene.places.iter().zip(place_emphasis) {
            let target = pick(place.faded || place.dimmed);
            self.mark(target, "places", place.index, || {
                draw_marker(target, sprites.as_ref(), place, emphasis);
            });
        }
        for (cluster, response) in scene.clusters.iter().zip(&interaction.clusters) {
            let target = pick(cluster.faded);
            let ring = if has_focus(ui, response.id) {
                FOCUS_RING
            } else if response.hovered() {
                Color32::from_gray(40)
            } else {
                Color32::WHITE
            };
            self.mark(target, "clusters", cluster.first, || {
                draw_disc(
                    target,
                    sprites.as_ref(),
                    cluster.center,
                    cluster.radius,
                    Color32::from_rgb(0x33, 0x41, 0x55),
                    Stroke::new(2.0, ring),
                );
                target.text(
                    cluster.center,
                    egui::Align2::CENTER_CENTER,
                    crate::model::format_count(cluster.count as u64),
                    FontId::proportional(12.0),
                    Color32::WHITE,
                );
                paint_cluster_events(target, cluster);
            });
        }
        for label in scene.labels.iter().chain(&scene.arrow_labels) {
            paint_label(painter, label);
        }
        for (mark, response) in scene.events.iter().zip(&interaction.events) {
            let ring = match mark.event() {
                Some(index) if Some(index) == self.selection => Some(HIGHLIGHT),
                _ if has_focus(ui, response.id) => Some(FOCUS_RING),
                _ if response.hovered() => Some(Color32::from_gray(40)),
                _ => None,
            };
            let target = pick(mark.faded);
            let Some(first) = mark.first_event() else {
                continue;
            };
            self.mark(target, "events", first, || match &mark.kind {
                EventMarkKind::Badge(badge) => {
                    events::count_badge(target, mark.center, badge.events.len(), ring);
                }
                &EventMarkKind::Symbol { event_type, .. } => {
                    target.extend(events::event_symbol(mark.center, event_type, ring));
                }
            });
        }
        if let Some(at) = scene.selection_mark {
            // The selection is not drawn as a mark of its own at this zoom (an event folded into
            // its place's badge, a place inside a cluster): a ring shows where it is.
            painter.circle_stroke(at, 12.0, Stroke::new(5.0, Color32::WHITE));
            painter.circle_stroke(at, 12.0, Stroke::new(3.0, HIGHLIGHT));
            painter.circle_filled(at, 3.0, HIGHLIGHT);
        }
        if let Some(index) = interaction.hovered {
            self.draw_tooltip(painter, painter.clip_rect(), pointer, index, scene);
        }
    }

    /// The arrows, as triangles kept between frames in the window, as shapes in an export
    /// (each in its own group).
    fn paint_arrows(&self, ui: &Ui, painter: &egui::Painter, scene: &Scene, emphases: &[Emphasis]) {
        let clip = painter.clip_rect();
        let shapes_of = |arrow: &Arrow, emphasis: Emphasis, shapes: &mut Vec<Shape>| {
            let first = shapes.len();
            arrow_shapes(arrow, emphasis, clip, shapes);
            if arrow.faded || arrow.dimmed {
                shapes[first..]
                    .iter_mut()
                    .for_each(|shape| fade(shape, FADED_OPACITY));
            }
        };
        if !self.keeps_triangles() {
            for (arrow, &emphasis) in scene.arrows.iter().zip(emphases) {
                let mut shapes = Vec::new();
                shapes_of(arrow, emphasis, &mut shapes);
                self.mark(painter, "movements", arrow.index, || painter.extend(shapes));
            }
            return;
        }
        let key = tessellated::key(
            scene
                .arrows
                .iter()
                .zip(emphases)
                .map(|(arrow, emphasis)| arrow_key(arrow, *emphasis))
                .collect::<Vec<_>>(),
        );
        let id = Id::unique("evacmap story arrows");
        painter.add(tessellated::mesh(ui.ctx(), id, key, clip, || {
            let mut shapes = Vec::new();
            for (arrow, &emphasis) in scene.arrows.iter().zip(emphases) {
                shapes_of(arrow, emphasis, &mut shapes);
            }
            shapes
        }));
    }

    fn draw_tooltip(
        &self,
        painter: &egui::Painter,
        map_rect: Rect,
        pointer: Option<Pos2>,
        index: FeatureIndex,
        scene: &Scene,
    ) {
        let Some(feature) = self.dataset.get(index) else {
            return;
        };
        let anchor = pointer
            .or_else(|| {
                scene
                    .places
                    .iter()
                    .find(|m| m.index == index)
                    .map(|m| m.position)
            })
            .or_else(|| {
                scene
                    .arrows
                    .iter()
                    .find(|a| a.index == index)
                    .map(|a| a.curve.at(0.5))
            });
        let Some(anchor) = anchor else {
            return;
        };
        let text = tooltip_text(self.dataset, &feature, &self.range);
        let galley = painter.layout(
            text,
            FontId::proportional(12.5),
            Color32::from_gray(20),
            320.0,
        );
        let markers: Vec<(Pos2, f32)> = scene
            .places
            .iter()
            .map(|m| (m.position, m.radius))
            .collect();
        let rect = tooltip_rect(anchor, galley.size() + vec2(12.0, 8.0), map_rect, &markers);
        painter.rect(
            rect,
            4.0,
            Color32::from_white_alpha(245),
            Stroke::new(1.0, Color32::from_gray(150)),
            egui::StrokeKind::Inside,
        );
        painter.galley(rect.min + vec2(6.0, 4.0), galley, Color32::from_gray(20));
    }
}

/// A place's or an arrow's label on its white card.
/// A cluster's events, folded into it: their count on a small tag under its disc.
/// The events of a cluster's places, folded into a tag across its disc's lower edge: the two
/// most frequent types, each a dot of its colour and its count, then how many more ("● 530
/// ● 300 +374"); the accessible name says it in words.
fn paint_cluster_events(painter: &egui::Painter, cluster: &super::scene::ClusterMark) {
    let types = cluster.types_by_count();
    if types.is_empty() {
        return;
    }
    let font = FontId::proportional(10.0);
    let ink = Color32::from_gray(30);
    let count = |n: u64| crate::model::format_count(n);
    let mut parts: Vec<(Option<Color32>, std::sync::Arc<egui::Galley>)> = types
        .iter()
        .take(2)
        .map(|(kind, n)| {
            let galley = painter.layout_no_wrap(count(u64::from(*n)), font.clone(), ink);
            (Some(events::event_color(*kind)), galley)
        })
        .collect();
    let rest: u64 = types.iter().skip(2).map(|(_, n)| u64::from(*n)).sum();
    if rest > 0 {
        parts.push((
            None,
            painter.layout_no_wrap(format!("+{}", count(rest)), font, ink),
        ));
    }
    const DOT: f32 = 7.0;
    const GAP: f32 = 4.0;
    let width: f32 = parts
        .iter()
        .map(|(dot, g)| g.size().x + if dot.is_some() { DOT + 2.0 } else { 0.0 })
        .sum::<f32>()
        + GAP * (parts.len() - 1) as f32;
    let height = parts.iter().map(|(_, g)| g.size().y).fold(0.0, f32::max);
    // Across the disc's lower edge: it stays with its disc where discs are close.
    let center = cluster.center + egui::vec2(0.0, cluster.radius - 1.0);
    let rect = Rect::from_center_size(center, egui::vec2(width + 6.0, height + 2.0));
    painter.rect(
        rect,
        3.0,
        Color32::from_rgba_unmultiplied(255, 255, 255, 225),
        Stroke::new(1.0, Color32::from_rgb(0x33, 0x41, 0x55)),
        egui::StrokeKind::Inside,
    );
    let mut x = rect.min.x + 3.0;
    for (dot, galley) in parts {
        if let Some(colour) = dot {
            painter.circle_filled(
                egui::pos2(x + DOT / 2.0, rect.center().y),
                DOT / 2.0,
                colour,
            );
            x += DOT + 2.0;
        }
        let size = galley.size();
        painter.galley(egui::pos2(x, rect.center().y - size.y / 2.0), galley, ink);
        x += size.x + GAP;
    }
}

fn paint_label(painter: &egui::Painter, label: &PlacedLabel) {
    match label.outline {
        Some(outline) => {
            painter.rect(
                label.rect,
                3.0,
                Color32::from_white_alpha(225),
                Stroke::new(1.0, outline),
                egui::StrokeKind::Inside,
            );
            painter.galley(
                label.rect.min + vec2(4.0, 2.0),
                label.galley.clone(),
                Color32::from_gray(25),
            );
        }
        None => {
            painter.rect_filled(label.rect, 3.0, Color32::from_white_alpha(200));
            painter.galley(
                label.rect.min + vec2(3.0, 1.0),
                label.galley.clone(),
                Color32::from_gray(25),
            );
        }
    }
}

/// The grey of other files' features.
const GENERIC_COLOR: Color32 = Color32::from_rgb(0x45, 0x4f, 0x5c);

fn paint_generic_lines(painter: &egui::Painter, mark: &GenericMark) {
    for line in &mark.lines {
        painter.add(PathShape::line(
            line.clone(),
            PathStroke::from(Stroke::new(2.0, GENERIC_COLOR)),
        ));
    }
}

/// Another file's feature: its lines, and its handle (ringed when selected).
fn paint_generic(painter: &egui::Painter, mark: &GenericMark, selected: bool) {
    paint_generic_lines(painter, mark);
    let Some(at) = mark.anchor else {
        return;
    };
    painter.circle(at, 5.0, GENERIC_COLOR, Stroke::new(1.5, Color32::WHITE));
    if selected {
        painter.circle_stroke(at, 9.0, Stroke::new(3.0, HIGHLIGHT));
    }
}

/// Paints a count's circle, ringed when it is selected, focused or hovered.
fn paint_count(painter: &egui::Painter, mark: &super::counts::CountMark, emphasis: Emphasis) {
    let (fill, line) = super::counts::count_colors(mark.event_type);
    let ring = match emphasis {
        Emphasis::Selected => Some(HIGHLIGHT),
        Emphasis::Focused => Some(FOCUS_RING),
        Emphasis::Hovered => Some(Color32::from_gray(40)),
        Emphasis::Normal => None,
    };
    painter.circle(mark.center, mark.radius, fill, Stroke::new(1.5, line));
    if let Some(text) = super::counts::short_count(mark.people).filter(|_| mark.radius >= 15.0) {
        // Low in the circle: its centre is often the place's marker.
        painter.text(
            Pos2::new(mark.center.x, mark.center.y + mark.radius - 8.0),
            egui::Align2::CENTER_CENTER,
            text,
            egui::FontId::proportional(11.0),
            line,
        );
    }
    if let Some(ring) = ring {
        painter.circle_stroke(mark.center, mark.radius + 2.5, Stroke::new(2.5, ring));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_part_of_a_line_in_view_is_dashed_in_the_whole_lines_phase() {
        use egui::pos2;
        let points: Vec<Pos2> = (0..=10).map(|i| pos2(i as f32 * 100.0, 0.0)).collect();
        let visible = Rect::from_min_max(pos2(350.0, -10.0), pos2(520.0, 10.0));
        assert_eq!(visible_run(&points, visible), Some((3, 6, 300.0)));
        let above = Rect::from_min_max(pos2(0.0, 50.0), pos2(100.0, 60.0));
        assert_eq!(visible_run(&points, above), None);
        // The dashes drawn over the visible part are where the whole line's are.
        let dashes = |path: &[Pos2], offset: f32| -> Vec<(i32, i32)> {
            Shape::dashed_line_with_offset(
                path,
                Stroke::new(1.0, Color32::RED),
                &[8.0],
                &[5.0],
                offset,
            )
            .iter()
            .filter_map(|s| match s {
                Shape::LineSegment { points, .. } => {
                    Some((points[0].x.round() as i32, points[1].x.round() as i32))
                }
                _ => None,
            })
            .collect()
        };
        let whole = dashes(&points, 0.0);
        let (from, to, before) = visible_run(&points, visible).unwrap();
        let part = dashes(&points[from..=to], (13.0 - before % 13.0) % 13.0);
        assert!(!part.is_empty());
        assert!(part.iter().all(|dash| whole.contains(dash)), "{part:?}");
    }

    #[test]
    fn a_selected_movement_from_several_places_is_outlined_on_every_branch() {
        use egui::pos2;
        let arrow = Arrow {
            index: FeatureIndex(3),
            faded: false,
            dimmed: false,
            curve: crate::map::layout::Curve::new(pos2(100.0, 400.0), pos2(300.0, 50.0), 0.2),
            head_t: 0.95,
            width: 6.0,
            color: Color32::from_rgb(0x6a, 0x1b, 0x9a),
            style: LineStyle::Solid,
            assumed: false,
            feeders: vec![pos2(140.0, 430.0)],
            merged: 1,
            merge: crate::map::index::Merge::Clusters,
            group: 0,
            people: 1246,
        };
        let clip = Rect::from_min_max(pos2(0.0, 0.0), pos2(500.0, 500.0));
        let branch_halo = |emphasis: Emphasis| {
            let mut shapes = Vec::new();
            arrow_shapes(&arrow, emphasis, clip, &mut shapes);
            shapes
                .iter()
                .filter_map(|shape| match shape {
                    Shape::LineSegment { points, stroke } if points[0] == arrow.feeders[0] => {
                        Some(stroke.color)
                    }
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        assert!(branch_halo(Emphasis::Selected).contains(&HIGHLIGHT));
        assert!(branch_halo(Emphasis::Focused).contains(&FOCUS_RING));
        assert!(!branch_halo(Emphasis::Normal).contains(&HIGHLIGHT));
    }
}
