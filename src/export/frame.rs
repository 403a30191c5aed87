//! The frame of a published map: title and subtitle above; below, the source line built from
//! the sources of what is shown, the dates shown, the byline and the map's attribution; and a
//! legend of what is on the map, in the corner where it hides least.

use std::sync::Arc;

use egui::{Color32, FontId, Galley, Painter, Pos2, Rect, Vec2, pos2, vec2};

use crate::map::events;
use crate::map::overlay::OverlayOutput;
use crate::map::style;
use crate::map::toggles::DrawToggles;
use crate::model::vocab::Vocabulary;
use crate::model::{Dataset, DaySpan, Feature, MovementStatus};

/// The words around the map.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrameText {
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub byline: Option<String>,
    pub legend: bool,
    /// Show the dates in large type at the top (each frame of an animation).
    pub date_stamp: bool,
    /// Sources named beside those of what is shown (a chapter's), by id.
    pub more_sources: Vec<String>,
}

const MARGIN: f32 = 12.0;
const INK: Color32 = Color32::from_gray(25);
const QUIET: Color32 = Color32::from_gray(90);

/// Laid-out text with where it goes.
pub struct Block {
    pub height: f32,
    galleys: Vec<(Pos2, Arc<Galley>)>,
}

impl Block {
    pub fn paint(&self, painter: &Painter) {
        for (at, galley) in &self.galleys {
            painter.galley(*at, galley.clone(), INK);
        }
    }
}

/// The header: title, subtitle and (for animations) the dates in large type at the right.
pub fn header(painter: &Painter, text: &FrameText, range: &DaySpan, page: Rect) -> Block {
    let mut galleys = Vec::new();
    let mut y = page.min.y + MARGIN;
    let stamp = text
        .date_stamp
        .then(|| painter.layout_no_wrap(range.describe(), FontId::proportional(20.0), INK));
    let stamp_width = stamp.as_ref().map_or(0.0, |g| g.size().x + MARGIN);
    let width = (page.width() - 2.0 * MARGIN - stamp_width).max(60.0);
    if let Some(title) = &text.title {
        let galley = painter.layout(title.clone(), FontId::proportional(22.0), INK, width);
        let height = galley.size().y;
        galleys.push((pos2(page.min.x + MARGIN, y), galley));
        y += height + 2.0;
    }
    if let Some(subtitle) = &text.subtitle {
        let galley = painter.layout(subtitle.clone(), FontId::proportional(15.0), QUIET, width);
        let height = galley.size().y;
        galleys.push((pos2(page.min.x + MARGIN, y), galley));
        y += height;
    }
    if let Some(stamp) = stamp {
        let at = pos2(page.max.x - MARGIN - stamp.size().x, page.min.y + MARGIN);
        y = y.max(at.y + stamp.size().y);
        galleys.push((at, stamp));
    }
    let height = if galleys.is_empty() {
        0.0
    } else {
        y + MARGIN - page.min.y
    };
    Block { height, galleys }
}

/// The footer: sources, dates and byline, attribution; wrapped to the page.
pub fn footer(
    painter: &Painter,
    text: &FrameText,
    dataset: &Dataset,
    visible: &[bool],
    range: &DaySpan,
    tile_attribution: Option<&str>,
    page: Rect,
) -> Block {
    let width = (page.width() - 2.0 * MARGIN).max(60.0);
    let mut lines = vec![(source_line(dataset, visible, &text.more_sources), INK)];
    let mut shown = format!("Shown: {}", range.describe());
    if let Some(byline) = &text.byline {
        shown.push_str(" · ");
        shown.push_str(byline);
    }
    lines.push((shown, QUIET));
    let mut credit = String::from("Map: evacmap; basemap: Natural Earth (public domain)");
    if let Some(tiles) = tile_attribution {
        credit.push_str("; ");
        credit.push_str(tiles);
    }
    lines.push((credit, QUIET));
    let mut galleys = Vec::new();
    let mut heights = 0.0;
    let laid: Vec<Arc<Galley>> = lines
        .into_iter()
        .map(|(line, color)| painter.layout(line, FontId::proportional(12.0), color, width))
        .collect();
    for galley in &laid {
        heights += galley.size().y + 2.0;
    }
    let mut y = page.max.y - MARGIN - heights;
    for galley in laid {
        let height = galley.size().y;
        galleys.push((pos2(page.min.x + MARGIN, y), galley));
        y += height + 2.0;
    }
    Block {
        height: heights + 2.0 * MARGIN - 4.0,
        galleys,
    }
}

/// "Sources: SANA, SOHR; News report, mid-May 2017": first the sources of the figures shown,
/// then every other source cited by what is shown.
pub fn source_line(dataset: &Dataset, visible: &[bool], more: &[String]) -> String {
    let mut of_figures: Vec<String> = Vec::new();
    let mut others: Vec<String> = more.to_vec();
    for (index, feature) in dataset.indexed() {
        if !visible.get(index.0).copied().unwrap_or(false) {
            continue;
        }
        others.extend(feature.common().sources.iter().cloned());
        match feature {
            Feature::Movement(movement) => {
                for figure in &movement.figures {
                    of_figures.extend(figure.sources.iter().cloned());
                }
            }
            Feature::Place(place) => {
                for claim in &place.control {
                    others.extend(claim.sources.iter().cloned());
                }
            }
            _ => {}
        }
    }
    // In the order the story declares its sources, then any undeclared ones as cited.
    let order = |ids: &[String]| -> Vec<String> {
        let mut named: Vec<String> = dataset
            .meta
            .sources
            .iter()
            .filter(|s| ids.contains(&s.id))
            .map(|s| dataset.short_source_name(&s.id))
            .collect();
        for id in ids {
            if dataset.source(id).is_none() {
                named.push(id.clone());
            }
        }
        let mut seen = std::collections::HashSet::new();
        named.retain(|n| seen.insert(n.clone()));
        named
    };
    let first = order(&of_figures);
    let rest: Vec<String> = order(&others)
        .into_iter()
        .filter(|n| !first.contains(n))
        .collect();
    match (first.is_empty(), rest.is_empty()) {
        (true, true) => "Sources: none cited for what is shown".into(),
        (false, true) => format!("Sources: {}", first.join(", ")),
        (true, false) => format!("Sources: {}", rest.join(", ")),
        (false, false) => format!("Sources: {}; {}", first.join(", "), rest.join("; ")),
    }
}

/// A corner of the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corner {
    BottomLeft,
    TopLeft,
    BottomRight,
    TopRight,
}

impl Corner {
    const ALL: [Corner; 4] = [
        Corner::BottomLeft,
        Corner::TopLeft,
        Corner::BottomRight,
        Corner::TopRight,
    ];

    fn place(self, map: Rect, size: Vec2) -> Rect {
        let inner = map.shrink(8.0);
        let min = match self {
            Corner::BottomLeft => pos2(inner.min.x, inner.max.y - size.y),
            Corner::TopLeft => inner.min,
            Corner::BottomRight => inner.max - size,
            Corner::TopRight => pos2(inner.max.x - size.x, inner.min.y),
        };
        Rect::from_min_size(min, size)
    }
}

enum Swatch {
    Marker(Color32),
    Arrow(Color32, bool),
    Event(Option<crate::model::EventType>),
    /// A count of people at a place: a circle sized by the count.
    Count(crate::model::EventType),
}

/// The legend of what the map shows, in the corner where it covers the fewest markers, arrows
/// and labels (`previous`: the corner chosen last frame, kept on a tie). Returns the corner.
#[allow(clippy::too_many_arguments)]
pub fn legend(
    painter: &Painter,
    dataset: &Dataset,
    visible: &[bool],
    range: &DaySpan,
    draw: DrawToggles,
    map: Rect,
    drawn: &OverlayOutput,
    previous: Option<Corner>,
) -> Option<Corner> {
    let entries = entries(dataset, visible, range, draw);
    if entries.is_empty() {
        return None;
    }
    let font = FontId::proportional(12.0);
    let galleys: Vec<Arc<Galley>> = entries
        .iter()
        .map(|(_, text)| painter.layout_no_wrap(text.clone(), font.clone(), INK))
        .collect();
    let row = 18.0;
    let width = galleys.iter().map(|g| g.size().x).fold(0.0, f32::max) + 22.0 + 12.0;
    let size = vec2(width, row * entries.len() as f32 + 8.0);
    if size.x > map.width() - 16.0 || size.y > map.height() - 16.0 {
        return None;
    }
    let covered = |rect: Rect| {
        let points = drawn
            .markers
            .iter()
            .map(|m| m.drawn_position)
            .chain(drawn.focus_targets.iter().map(|t| t.at));
        points.filter(|p| rect.expand(6.0).contains(*p)).count()
    };
    let corner = Corner::ALL
        .into_iter()
        .min_by_key(|corner| {
            let cost = covered(corner.place(map, size));
            (cost, Some(*corner) != previous)
        })
        .unwrap_or(Corner::BottomLeft);
    let rect = corner.place(map, size);
    painter.rect(
        rect,
        3.0,
        Color32::from_white_alpha(235),
        egui::Stroke::new(0.5, Color32::from_gray(160)),
        egui::StrokeKind::Inside,
    );
    for (i, ((swatch, _), galley)) in entries.iter().zip(galleys).enumerate() {
        let center = pos2(rect.min.x + 14.0, rect.min.y + 4.0 + row * (i as f32 + 0.5));
        match swatch {
            Swatch::Marker(color) => {
                painter.circle(center, 5.5, *color, egui::Stroke::new(1.0, Color32::WHITE));
            }
            Swatch::Arrow(color, dashed) => {
                let (a, b) = (center - vec2(9.0, 0.0), center + vec2(5.0, 0.0));
                let stroke = egui::Stroke::new(3.0, *color);
                if *dashed {
                    painter.extend(egui::Shape::dashed_line(&[a, b], stroke, 3.0, 2.0));
                } else {
                    painter.line_segment([a, b], stroke);
                }
                painter.add(egui::Shape::convex_polygon(
                    vec![
                        b + vec2(4.0, 0.0),
                        b + vec2(-1.0, -4.0),
                        b + vec2(-1.0, 4.0),
                    ],
                    *color,
                    egui::Stroke::NONE,
                ));
            }
            Swatch::Event(event_type) => {
                painter.extend(events::event_symbol(center, *event_type, None));
            }
            Swatch::Count(event_type) => {
                let (fill, line) = crate::map::overlay::counts::count_colors(*event_type);
                painter.circle(center, 6.5, fill, egui::Stroke::new(1.5, line));
            }
        }
        painter.galley(
            pos2(rect.min.x + 26.0, center.y - galley.size().y / 2.0),
            galley,
            INK,
        );
    }
    Some(corner)
}

/// What needs explaining: the marker colours, arrow kinds and event types on the map.
fn entries(
    dataset: &Dataset,
    visible: &[bool],
    range: &DaySpan,
    draw: DrawToggles,
) -> Vec<(Swatch, String)> {
    let mut controls = Vec::new();
    let mut movements = Vec::new();
    let mut event_types = Vec::new();
    for (index, feature) in dataset.indexed() {
        if !visible.get(index.0).copied().unwrap_or(false) {
            continue;
        }
        match feature {
            Feature::Place(place) if draw.places => {
                let status = dataset.control_at(&place, range);
                if !controls.contains(&status) {
                    controls.push(status);
                }
            }
            Feature::Movement(movement) if draw.movements => {
                let key = (movement.movement_type.known(), movement.status.known());
                if !movements.contains(&key) {
                    movements.push(key);
                }
            }
            Feature::Event(event) if draw.places => {
                let kind = event.event_type.known();
                if !event_types.contains(&kind) {
                    event_types.push(kind);
                }
            }
            _ => {}
        }
    }
    let mut entries = Vec::new();
    for status in style::CONTROL_LEGEND {
        if controls.contains(&status) {
            entries.push((
                Swatch::Marker(style::control_color(status)),
                format!("Held by: {}", style::control_label(status).to_lowercase()),
            ));
        }
    }
    movements.sort_by_key(|(kind, status)| (format!("{kind:?}"), format!("{status:?}")));
    for (kind, status) in movements {
        let failed = status == Some(MovementStatus::Failed);
        let scheduled = status == Some(MovementStatus::Scheduled);
        let color = if failed {
            style::FAILED_COLOR
        } else {
            style::movement_color(kind)
        };
        let name = kind.map_or("Movement".to_owned(), |k| {
            crate::model::capitalise(&k.label())
        });
        let text = match status {
            Some(MovementStatus::Failed) => format!("{name}, failed"),
            Some(MovementStatus::Scheduled) => format!("{name}, scheduled"),
            _ => name,
        };
        entries.push((Swatch::Arrow(color, scheduled), text));
    }
    for (event_type, text) in events::EVENT_LEGEND {
        if event_types.contains(&event_type) {
            entries.push((Swatch::Event(event_type), text.to_owned()));
        }
    }
    for (event_type, text) in crate::map::overlay::counts::COUNT_LEGEND {
        if event_types.contains(&Some(event_type)) {
            entries.push((Swatch::Count(event_type), text.to_owned()));
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::{TimeIndex, VisibleSet};

    fn line(from: &str, to: &str) -> String {
        let dataset = crate::story::Story::bundled().dataset;
        let range = crate::filter::range_from_args(Some(from), Some(to)).unwrap();
        let visible = VisibleSet::new(&TimeIndex::for_dataset(&dataset), &range);
        source_line(&dataset, visible.flags(), &[])
    }

    #[test]
    fn the_source_line_names_the_sources_of_the_figures_first() {
        assert_eq!(
            line("2017-05-12", "2017-05-12"),
            "Sources: SANA, SOHR; News report, mid-May 2017; United Nations"
        );
    }

    #[test]
    fn the_source_line_follows_what_is_shown() {
        // Before the evacuations: no figures, only the report and what it cites.
        let before = line("2011-03-01", "2011-03-31");
        assert!(before.starts_with("Sources: "), "{before}");
        assert!(!before.contains("SANA"), "{before}");
    }

    #[test]
    fn dates_shown_are_in_words() {
        let range = crate::filter::range_from_args(Some("2017-05-08"), Some("2017-05-14")).unwrap();
        assert_eq!(range.describe(), "8 May 2017 – 14 May 2017");
        assert_eq!(DaySpan::ALL_TIME.describe(), "all time");
    }
}
