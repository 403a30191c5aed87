//! The scene: what the map draws for a view, a range and the data, and where, as plain data
//! (markers, clusters, arrows, event symbols and badges, labels). It is built apart from
//! painting ([`super::paint`]) and interaction ([`super::interaction`]); the window, the
//! screenshot's `layout.json` and every export draw the same scene.

use egui::{Color32, FontId, Pos2, Rect, Vec2, vec2};

use super::super::cluster;
use super::super::events;
use super::super::index::{ArrowGroup, Level, Merge, Tally};
use super::super::layout::{Curve, LabelRequest, ScreenGrid, place_labels, spread_markers};
use super::super::projection::ScreenTransform;
use super::super::style::{self, LineStyle};
use super::StoryOverlay;
use super::text::arrow_label;
use crate::model::names::{self, LabelLanguage};
use crate::model::{Feature, FeatureIndex, PlaceType, Vocabulary};

/// Everything one frame of the map draws, in paint order by kind.
#[derive(Default)]
pub(super) struct Scene {
    /// The density view's hexagons (then no markers, clusters or event symbols).
    pub(super) hexagons: Vec<super::density::HexMark>,
    pub(super) generic: Vec<GenericMark>,
    /// Counts of people at places, as circles under the markers.
    pub(super) counts: Vec<super::counts::CountMark>,
    pub(super) arrows: Vec<Arrow>,
    pub(super) places: Vec<PlaceMark>,
    pub(super) clusters: Vec<ClusterMark>,
    pub(super) labels: Vec<PlacedLabel>,
    pub(super) arrow_labels: Vec<PlacedLabel>,
    pub(super) events: Vec<EventMark>,
    /// More arrows are in view than are drawn.
    pub(super) arrows_left_out: bool,
    /// Where the selection is, when no mark of its own is drawn for it.
    pub(super) selection_mark: Option<Pos2>,
}

pub(super) struct PlaceMark {
    pub(super) index: FeatureIndex,
    /// Its slot in the map index.
    pub(super) slot: u32,
    /// Outside the time range, drawn faded.
    pub(super) faded: bool,
    /// Not matched by the search, drawn faded.
    pub(super) dimmed: bool,
    pub(super) place_type: Option<PlaceType>,
    /// Its position is approximate (drawn with a dotted halo).
    pub(super) approximate: bool,
    pub(super) true_position: Pos2,
    pub(super) position: Pos2,
    pub(super) radius: f32,
    pub(super) color: Color32,
    /// The colour of its file, when several are open.
    pub(super) ring: Option<Color32>,
}

pub(super) struct Arrow {
    pub(super) index: FeatureIndex,
    /// Outside the time range, drawn faded.
    pub(super) faded: bool,
    /// Not matched by the search, drawn faded.
    pub(super) dimmed: bool,
    pub(super) curve: Curve,
    /// Where the line stops and the head begins.
    pub(super) head_t: f32,
    pub(super) width: f32,
    pub(super) color: Color32,
    pub(super) style: LineStyle,
    /// The destination is assumed, not reported: the head is drawn hollow.
    pub(super) assumed: bool,
    /// Further origins (a movement from several places): each joins the arrow near its start.
    pub(super) feeders: Vec<Pos2>,
    /// How many movements the arrow stands for (more than one between clusters, or between
    /// the same two places reported again and again).
    pub(super) merged: usize,
    /// What joined them.
    pub(super) merge: Merge,
    /// Its arrow in the zoom level (which holds the movements it stands for).
    pub(super) group: u32,
    /// The people they moved, by the highest count of each.
    pub(super) people: u64,
}

/// A crowd of places drawn as one circle with their count.
pub(super) struct ClusterMark {
    pub(super) center: Pos2,
    pub(super) radius: f32,
    /// Its cluster in the zoom level.
    pub(super) cluster: u32,
    /// How many of its places are drawn.
    pub(super) count: usize,
    /// The first of them, which names its widget.
    pub(super) first: FeatureIndex,
    /// The name of its most prominent place.
    pub(super) named: String,
    /// The events at its places in the range, by type (see [`crate::map::index::Tally`]).
    pub(super) events_by_type: [u32; crate::map::index::EVENT_TYPES],
    /// Where its places are: a click zooms there.
    pub(super) bounds: Option<crate::map::projection::LonLatBounds>,
    pub(super) faded: bool,
}

/// A place label with its place on screen, before it is drawn.
pub(super) struct PlacedLabel {
    pub(super) rect: Rect,
    pub(super) galley: std::sync::Arc<egui::Galley>,
    pub(super) feature: FeatureIndex,
    pub(super) text: String,
    /// An arrow's label is outlined in the arrow's colour; a place's has no outline.
    pub(super) outline: Option<Color32>,
}

/// An event's symbol, or a badge standing for several.
pub(super) struct EventMark {
    pub(super) kind: EventMarkKind,
    pub(super) center: Pos2,
    pub(super) faded: bool,
}

pub(super) enum EventMarkKind {
    /// One event's symbol.
    Symbol {
        event: FeatureIndex,
        event_type: Option<crate::model::EventType>,
    },
    /// Several events at one place.
    Badge(Badge),
}

impl EventMark {
    /// The event of a symbol; `None` for a badge.
    pub(super) fn event(&self) -> Option<FeatureIndex> {
        match self.kind {
            EventMarkKind::Symbol { event, .. } => Some(event),
            EventMarkKind::Badge(_) => None,
        }
    }

    /// The event of a symbol, or a badge's first.
    pub(super) fn first_event(&self) -> Option<FeatureIndex> {
        match &self.kind {
            EventMarkKind::Symbol { event, .. } => Some(*event),
            EventMarkKind::Badge(badge) => badge.events.first().copied(),
        }
    }
}

/// Several events at one place, drawn as one badge with their count; a click opens it.
pub(super) struct Badge {
    pub(super) events: Vec<FeatureIndex>,
    pub(super) place_name: String,
    /// Tells the badge apart from frame to frame (whether it is open is kept by this key).
    pub(super) key: (usize, Option<FeatureIndex>),
}

impl Scene {
    /// The other files' features whose handle is in view (each a widget).
    pub(super) fn handled_generic(&self) -> impl Iterator<Item = &GenericMark> {
        self.generic.iter().filter(|m| m.anchor.is_some())
    }
}

/// How far beyond the map's edge (points) markers, arrows and events are still laid out, so
/// that those entering the view as it pans are ready and labels at the edge find their room.
const CULL_MARGIN: f32 = 80.0;

/// The most arrows labelled at once (the largest that find room): more crowd the map.
const MAX_ARROW_LABELS: usize = 8;

impl<'a> StoryOverlay<'a> {
    /// What this frame draws in `rect` for `view`, with the clusters and arrows of `level`;
    /// `is_open` tells which event badges are opened into a fan.
    pub(super) fn build_scene(
        &self,
        painter: &egui::Painter,
        view: &ScreenTransform,
        rect: Rect,
        level: &Level,
        is_open: &dyn Fn((usize, Option<FeatureIndex>)) -> bool,
    ) -> Scene {
        // What lies this far beyond the map's edge is left out: the work of a frame follows what
        // is on screen, not the size of the story.
        let area = rect.expand(CULL_MARGIN);
        let density = self.draw.density;
        let hexagons = if self.draw.places && density != crate::map::density::Density::Off {
            self.density_marks(view, area, level, density)
        } else {
            Vec::new()
        };
        let (places, clusters) = if self.draw.places && density == crate::map::density::Density::Off
        {
            self.place_marks(view, area, level)
        } else {
            (Vec::new(), Vec::new())
        };
        let (arrows, arrows_left_out) = if self.draw.movements {
            self.arrows(view, area, &places, &clusters, level)
        } else {
            (Vec::new(), false)
        };
        let generic = if self.draw.places {
            self.generic_marks(view, area)
        } else {
            Vec::new()
        };
        let counts = if density == crate::map::density::Density::Off {
            let drawn_at = places.iter().map(|m| (m.slot, m.position)).collect();
            self.count_marks(view, area, &drawn_at)
        } else {
            Vec::new()
        };
        // Labels first: event symbols go where they hide no label.
        let labels = self.layout_labels(painter, &places);
        let label_rects: Vec<Rect> = labels.iter().map(|l| l.rect).collect();
        let events = if density == crate::map::density::Density::Off {
            self.event_marks(is_open, view, area, &places, &label_rects)
        } else {
            Vec::new()
        };
        let taken: Vec<Rect> = label_rects
            .iter()
            .copied()
            .chain(
                events
                    .iter()
                    .map(|e| Rect::from_center_size(e.center, Vec2::splat(20.0))),
            )
            .chain(
                places
                    .iter()
                    .map(|m| Rect::from_center_size(m.position, Vec2::splat(2.0 * m.radius))),
            )
            .collect();
        let arrow_labels = self.arrow_labels(painter, &arrows, taken, rect, level);
        let selection_mark = self.selection.filter(|&index| {
            !places.iter().any(|m| m.index == index)
                && !arrows.iter().any(|a| a.index == index)
                && !events.iter().any(|e| e.event() == Some(index))
                && !counts.iter().any(|c| c.index == index)
                && self.is_drawn(index)
        });
        let selection_mark = selection_mark
            .and_then(|index| self.dataset.anchor_at(index))
            .map(|at| view.position_to_screen(at))
            .filter(|at| rect.contains(*at));
        Scene {
            hexagons,
            generic,
            counts,
            arrows,
            places,
            clusters,
            labels,
            arrow_labels,
            events,
            arrows_left_out,
            selection_mark,
        }
    }
}

/// A feature of another GeoJSON file: its lines and outlines, and the handle to click.
pub(super) struct GenericMark {
    pub(super) index: FeatureIndex,
    pub(super) lines: Vec<Vec<Pos2>>,
    /// Where its handle is, when in view.
    pub(super) anchor: Option<Pos2>,
}

impl<'a> StoryOverlay<'a> {
    /// Features from other GeoJSON files: points as grey markers, lines as paths, polygons as
    /// outlined areas, each with a handle to click.
    pub(super) fn generic_marks(&self, view: &ScreenTransform, area: Rect) -> Vec<GenericMark> {
        use geo::{Geometry, InteriorPoint};
        let mut marks = Vec::new();
        for &index in &self.index.generic {
            let Some(Feature::Generic(generic)) = self.dataset.get(index) else {
                continue;
            };
            if !self.is_visible(index) {
                continue;
            }
            let Some(geometry) = &generic.common.geometry else {
                continue;
            };
            let rings: Vec<&geo::LineString<f64>> = match geometry {
                Geometry::LineString(l) => vec![l],
                Geometry::MultiLineString(ml) => ml.0.iter().collect(),
                Geometry::Polygon(p) => {
                    std::iter::once(p.exterior()).chain(p.interiors()).collect()
                }
                Geometry::MultiPolygon(mp) => mp.0.iter().map(|p| p.exterior()).collect(),
                _ => Vec::new(),
            };
            let lines = rings
                .into_iter()
                .map(|ring| {
                    ring.0
                        .iter()
                        .map(|c| view.lon_lat_to_screen(c.x, c.y))
                        .collect()
                })
                .collect();
            let anchor = geometry
                .interior_point()
                .map(|anchor| view.position_to_screen(anchor))
                .filter(|at| area.contains(*at));
            marks.push(GenericMark {
                index,
                lines,
                anchor,
            });
        }
        marks
    }

    /// The dates `movements` span: "2015 – 2023", "May 2017".
    pub(super) fn dates_of(&self, movements: &[FeatureIndex]) -> String {
        let whens = movements
            .iter()
            .filter_map(|&i| self.dataset.store().when(i.0));
        let first = whens.clone().min_by_key(|w| w.span().first);
        let last = whens.max_by_key(|w| w.span().last);
        match (first, last) {
            (Some(first), Some(last)) if first.human() == last.human() => first.human(),
            (Some(first), Some(last)) => format!("{} – {}", first.human(), last.human()),
            _ => "undated".into(),
        }
    }

    /// The colour of the file `index` comes from, when several are open.
    pub(super) fn layer_ring(&self, index: FeatureIndex) -> Option<Color32> {
        let band = self.layer_rings.partition_point(|(end, _)| *end <= index.0);
        self.layer_rings.get(band).map(|(_, colour)| *colour)
    }

    /// Whether a feature is drawn at all: shown in the range, or drawn faded.
    pub(super) fn is_drawn(&self, index: FeatureIndex) -> bool {
        self.fade_hidden || self.is_visible(index)
    }

    pub(super) fn place_mark(&self, view: &ScreenTransform, slot: u32) -> Option<PlaceMark> {
        let dataset = self.dataset;
        let point = self.index.places.get(slot as usize)?;
        let index = point.feature;
        let position = view.to_screen_near(point.world);
        let place_type = dataset
            .store()
            .place_type(index.0)
            .and_then(PlaceType::parse);
        Some(PlaceMark {
            index,
            slot,
            faded: !self.is_visible(index),
            dimmed: !self.is_highlighted(index),
            place_type,
            approximate: dataset
                .store()
                .geo_precision(index.0)
                .and_then(crate::model::GeoPrecision::parse)
                .is_some_and(|p| p != crate::model::GeoPrecision::Exact),
            true_position: position,
            position,
            radius: style::marker_radius(place_type),
            color: style::control_color(dataset.control_at_index(index, &self.range)),
            ring: self.layer_ring(index),
        })
    }

    /// A place's label in `language`, from the columns.
    pub(super) fn place_label_at(&self, index: FeatureIndex, language: LabelLanguage) -> String {
        let store = self.dataset.store();
        names::label(store.name(index.0), store.name_ar(index.0), language)
    }

    /// The places in view: markers (spread apart where a few crowd) and the clusters of this
    /// zoom level, each counting the places it holds that are drawn.
    pub(super) fn place_marks(
        &self,
        view: &ScreenTransform,
        area: Rect,
        level: &Level,
    ) -> (Vec<PlaceMark>, Vec<ClusterMark>) {
        let world_area = view.visible_world(area);
        let mut marks: Vec<PlaceMark> = level
            .singles_in(world_area)
            .into_iter()
            .filter(|&slot| {
                self.index
                    .places
                    .get(slot as usize)
                    .is_some_and(|p| self.is_drawn(p.feature))
            })
            .filter_map(|slot| self.place_mark(view, slot))
            .filter(|mark| area.contains(mark.position))
            .collect();
        let mut clusters = Vec::new();
        let mut tallies = level.tallies(self.state_key);
        for k in level.clusters_in(world_area) {
            let cluster = &level.clusters[k as usize];
            // How many of its places are drawn, the first of them, and whether all are faded.
            let tally = tallies.cluster(k, || {
                let mut tally = Tally {
                    all_faded: true,
                    ..Tally::default()
                };
                for &slot in &cluster.members {
                    let index = self.index.places[slot as usize].feature;
                    if self.is_drawn(index) {
                        tally.shown += 1;
                        tally.first.get_or_insert(index);
                        tally.all_faded &= !self.is_visible(index) || !self.is_highlighted(index);
                        self.count_events_by_type(slot, &mut tally.events_by_type);
                    }
                }
                tally
            });
            match (tally.shown, tally.first) {
                (0, _) | (_, None) => {}
                // One place of the crowd in the range: its own marker says more than a "1".
                (1, Some(first)) => {
                    marks.extend(
                        self.index
                            .slot_of(first)
                            .and_then(|slot| self.place_mark(view, slot)),
                    );
                }
                (count, Some(first)) => clusters.push(ClusterMark {
                    center: view.to_screen_near(cluster.center),
                    radius: cluster::cluster_radius(count),
                    cluster: k,
                    count,
                    first,
                    events_by_type: tally.events_by_type,
                    named: cluster.named.clone(),
                    bounds: cluster.bounds,
                    faded: tally.all_faded,
                }),
            }
        }
        marks.sort_by_key(|m| m.index);
        let spread = spread_markers(&marks.iter().map(|m| m.position).collect::<Vec<_>>());
        for (mark, position) in marks.iter_mut().zip(spread) {
            mark.position = position;
        }
        (marks, clusters)
    }

    /// The movements shown of an arrow, in file order.
    pub(super) fn shown_members(&self, level: &Level, group: &ArrowGroup) -> Vec<FeatureIndex> {
        level
            .members(group)
            .iter()
            .map(|&m| self.index.movements[m as usize].feature())
            .filter(|&i| self.is_drawn(i))
            .collect()
    }

    /// The events' symbols and badges beside their markers, where they hide no other marker or
    /// label; an opened badge (`is_open`) fans out its events.
    pub(super) fn event_marks(
        &self,
        is_open: &dyn Fn((usize, Option<FeatureIndex>)) -> bool,
        view: &ScreenTransform,
        area: Rect,
        places: &[PlaceMark],
        labels: &[Rect],
    ) -> Vec<EventMark> {
        if !self.draw.places {
            return Vec::new();
        }
        let marker_of: foldhash::HashMap<FeatureIndex, (Pos2, f32)> = places
            .iter()
            .map(|m| (m.index, (m.position, m.radius)))
            .collect();
        // The events at the places drawn, and those at points of their own in view.
        let mut candidates: Vec<FeatureIndex> = places
            .iter()
            .flat_map(|m| self.index.events_at(m.slot).iter().copied())
            .chain(self.index.point_events_in(view.visible_world(area)))
            .collect();
        candidates.sort_unstable();
        let groups = events::event_groups(
            self.dataset,
            candidates,
            |i| {
                if self.is_visible(i) {
                    Some(!self.is_highlighted(i))
                } else {
                    self.fade_hidden.then_some(true)
                }
            },
            |place| marker_of.get(&place).copied(),
            |lon, lat| Some(view.lon_lat_to_screen(lon, lat)).filter(|at| area.contains(*at)),
        );
        let largest_marker = places.iter().map(|m| m.radius).fold(0.0, f32::max);
        let markers = ScreenGrid::new(
            places
                .iter()
                .map(|m| Rect::from_center_size(m.position, Vec2::splat(2.0 * m.radius))),
        );
        let mut marks = Vec::new();
        let mut taken = ScreenGrid::new(labels.iter().copied());
        for (g, group) in groups.iter().enumerate() {
            // What a badge beside this marker could touch.
            let reach = group.marker_radius + 9.0 + 10.0 + largest_marker + 10.0;
            let around = Rect::from_center_size(group.anchor, Vec2::splat(2.0 * reach));
            let near_markers: Vec<(Pos2, f32)> = markers
                .near(around)
                .iter()
                .map(|r| (r.center(), r.width() / 2.0))
                .collect();
            // No room beside the marker at this zoom: the events show when zoomed in (and are
            // in the list meanwhile).
            let Some(badge_center) = group.badge_center(&near_markers, &taken.near(around)) else {
                continue;
            };
            taken.insert(Rect::from_center_size(badge_center, Vec2::splat(20.0)));
            let symbol = |mark: &events::EventMark, center: Pos2| EventMark {
                kind: EventMarkKind::Symbol {
                    event: mark.index,
                    event_type: mark.event_type,
                },
                center,
                faded: mark.faded,
            };
            if let [only] = group.events.as_slice() {
                marks.push(symbol(only, badge_center));
                continue;
            }
            let key = (g, group.place);
            marks.push(EventMark {
                kind: EventMarkKind::Badge(Badge {
                    events: group.events.iter().map(|e| e.index).collect(),
                    place_name: group.place_name.clone(),
                    key,
                }),
                center: badge_center,
                faded: group.events.iter().all(|e| e.faded),
            });
            if is_open(key) {
                let spots =
                    events::fan_spots(badge_center, group.events.len(), &markers, &mut taken);
                for (mark, spot) in group.events.iter().zip(spots) {
                    marks.push(symbol(mark, spot));
                }
            }
        }
        marks
    }

    /// Places the labels that fit (before anything else that goes beside the markers).
    pub(super) fn layout_labels(
        &self,
        painter: &egui::Painter,
        places: &[PlaceMark],
    ) -> Vec<PlacedLabel> {
        if !self.draw.labels {
            return Vec::new();
        }
        let font = FontId::proportional(13.0);
        let mut order: Vec<usize> = (0..places.len()).collect();
        order.sort_by_key(|&i| {
            let m = &places[i];
            (
                Some(m.index) != self.selection,
                style::label_priority(m.place_type),
                m.index,
            )
        });
        let texts: Vec<String> = order
            .iter()
            .map(|&i| self.place_label_at(places[i].index, self.draw.label_language))
            .collect();
        let galleys: Vec<_> = texts
            .iter()
            .map(|text| {
                let shown = crate::bidi::visual(text).into_owned();
                painter.layout_no_wrap(shown, font.clone(), Color32::from_gray(25))
            })
            .collect();
        let requests: Vec<LabelRequest> = order
            .iter()
            .zip(&galleys)
            .map(|(&i, galley)| LabelRequest {
                anchor: places[i].position,
                marker_radius: places[i].radius,
                size: galley.size() + vec2(6.0, 2.0),
            })
            .collect();
        let markers: Vec<(Pos2, f32)> = places.iter().map(|m| (m.position, m.radius)).collect();
        let rects = place_labels(&requests, &markers);
        rects
            .into_iter()
            .zip(galleys)
            .zip(order.iter().zip(texts))
            .filter_map(|((rect, galley), (&i, text))| {
                Some(PlacedLabel {
                    rect: rect?,
                    galley,
                    feature: places[i].index,
                    text,
                    outline: None,
                })
            })
            .collect()
    }

    /// Labels on arrows long enough to carry one ("12 May 2017 · 700–1,246 people (SOHR–SANA)"),
    /// beside the middle of the arrow where they hide no place, label or symbol.
    pub(super) fn arrow_labels(
        &self,
        painter: &egui::Painter,
        arrows: &[Arrow],
        mut taken: Vec<Rect>,
        map: Rect,
        level: &Level,
    ) -> Vec<PlacedLabel> {
        let font = FontId::proportional(12.0);
        let mut drawn = Vec::new();
        // The biggest movements find room first; the selected one before all.
        let mut order: Vec<&Arrow> = arrows.iter().filter(|a| !a.faded && !a.dimmed).collect();
        order.sort_by_key(|a| {
            (
                Some(a.index) != self.selection,
                std::cmp::Reverse(a.people),
                a.index,
            )
        });
        for arrow in order {
            if drawn.len() >= MAX_ARROW_LABELS {
                break;
            }
            if arrow.curve.length() < 160.0 {
                continue;
            }
            let text = match (arrow.merged, arrow.merge) {
                (1, _) => match self.dataset.get(arrow.index) {
                    Some(Feature::Movement(movement)) => arrow_label(self.dataset, &movement),
                    _ => continue,
                },
                (n, Merge::Clusters) => format!(
                    "{} movements · {} people or more",
                    crate::model::format_count(n as u64),
                    crate::model::format_count(arrow.people)
                ),
                (n, Merge::SamePlaces) => format!(
                    "{} · {} movements · up to {} people",
                    self.dates_of(&self.shown_members(level, &level.arrows[arrow.group as usize])),
                    crate::model::format_count(n as u64),
                    crate::model::format_count(arrow.people)
                ),
            };
            let galley = painter.layout_no_wrap(text.clone(), font.clone(), Color32::from_gray(25));
            let size = galley.size() + vec2(8.0, 4.0);
            let middle = arrow.curve.at(0.5);
            let normal = {
                let d = arrow.curve.direction(0.5);
                vec2(-d.y, d.x)
            };
            let gap = arrow.width / 2.0 + 6.0;
            // Beside the middle of the arrow, on one side or the other.
            let candidates = [1.0, -1.0].map(|side: f32| {
                let toward = normal * side;
                let reach = gap + (toward.x.abs() * size.x + toward.y.abs() * size.y) / 2.0;
                Rect::from_center_size(middle + toward * reach, size)
            });
            let Some(rect) = candidates
                .into_iter()
                .find(|r| map.contains_rect(*r) && !taken.iter().any(|t| t.intersects(*r)))
            else {
                continue;
            };
            taken.push(rect);
            drawn.push(PlacedLabel {
                rect,
                galley,
                feature: arrow.index,
                text,
                outline: Some(arrow.color),
            });
        }
        drawn
    }
}
