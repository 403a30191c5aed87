//! Which arrows a view draws, and how: the largest in view (the selected one always), their
//! ends at the markers or clusters drawn, bent around places they do not involve.

use egui::{Pos2, Rect};

use super::super::index::{Level, Merge, Node, Tally};
use super::super::layout::{self, Curve, bend_for, clear_bend};
use super::super::projection::{ScreenTransform, World};
use super::super::style::{self};
use super::StoryOverlay;
use super::scene::{Arrow, ClusterMark, PlaceMark};
use crate::model::{Dataset, FeatureIndex, Vocabulary};

/// An arrow in view, before the largest are chosen to be drawn.
struct ArrowCandidate {
    group: u32,
    /// The first movement shown: it names the arrow and gives its colour.
    representative: Option<FeatureIndex>,
    /// How many of its movements are shown.
    shown: usize,
    people: u64,
    all_faded: bool,
}

/// The most arrows drawn at once: beyond a few hundred a flow map is a hairball, and each arrow
/// costs a frame time. The largest (by people, then movements) are drawn, as flowmap.gl does;
/// the status bar says how many more are in view.
pub const MAX_ARROWS: usize = 150;

/// Arrows into one end fan out in bends of this many steps, then start again.
const FAN_OUT: usize = 5;

impl<'a> StoryOverlay<'a> {
    /// The arrows drawn, and whether more are in view than are drawn.
    #[expect(
        clippy::too_many_lines,
        reason = "choosing and shaping the drawn arrows is one pass over the level's arrows (tally, rank, bend)"
    )]
    pub(super) fn arrows(
        &self,
        view: &ScreenTransform,
        area: Rect,
        places: &[PlaceMark],
        clusters: &[ClusterMark],
        level: &Level,
    ) -> (Vec<Arrow>, bool) {
        let dataset: &'a Dataset = self.dataset;
        // Where each end is drawn: a place's marker (spread apart) or a cluster's circle.
        let drawn_place: foldhash::HashMap<u32, (Pos2, f32)> = places
            .iter()
            .map(|m| (m.slot, (m.position, m.radius)))
            .collect();
        let drawn_cluster: foldhash::HashMap<u32, (Pos2, f32)> = clusters
            .iter()
            .map(|c| (c.cluster, (c.center, c.radius)))
            .collect();
        let end_at = |node: Node, world: World| {
            match node {
                Node::Place(slot) => drawn_place.get(&slot).copied(),
                Node::Cluster(k) => drawn_cluster.get(&k).copied(),
                Node::Point(_) => None,
            }
            .unwrap_or((view.to_screen_near(world), 0.0))
        };
        // The arrows in view are taken largest first, the selected movement's before them,
        // up to [`MAX_ARROWS`].
        let world_area = view.visible_world(area);
        let selected = self
            .selection
            .and_then(|i| self.index.movement_slot_of(i))
            .and_then(|m| level.arrow_of(m));
        let range_days = crate::filter::day_numbers(Some(self.range));
        let mut tallies = level.tallies(self.state_key);
        // What an arrow stands for this frame, or `None` when it is not drawn.
        let mut consider = |g: u32| -> Option<ArrowCandidate> {
            let group = &level.arrows[g as usize];
            let members = level.members(group);
            let any_drawn = if self.fade_hidden {
                !members.is_empty()
            } else {
                level.any_in_range(group, range_days)
            };
            if !any_drawn {
                return None;
            }
            let (from, _) = end_at(group.from, group.from_world);
            let (to, _) = end_at(group.to, group.to_world);
            // Too short to see, or wholly off screen, bend included.
            let chord = from.distance_sq(to);
            if chord < 16.0
                || !Rect::from_two_pos(from, to)
                    .expand(chord.sqrt() * 0.6)
                    .intersects(area)
            {
                return None;
            }
            // The people of the movements shown: added up between clusters, the largest
            // count between the same two places.
            let tally = tallies.arrow(g, || {
                let mut tally = Tally {
                    all_faded: true,
                    ..Tally::default()
                };
                for &m in members {
                    let ends = &self.index.movements[m as usize];
                    let index = ends.feature();
                    if !self.is_drawn(index) {
                        continue;
                    }
                    tally.shown += 1;
                    tally.first.get_or_insert(index);
                    tally.all_faded &= !self.is_visible(index) || !self.is_highlighted(index);
                    tally.people = match group.merge {
                        Some(Merge::SamePlaces) | None => tally.people.max(ends.people),
                        Some(Merge::Clusters) => tally.people + ends.people,
                    };
                }
                tally
            });
            (tally.shown > 0).then_some(ArrowCandidate {
                group: g,
                representative: tally.first,
                shown: tally.shown,
                people: tally.people,
                all_faded: tally.all_faded,
            })
        };
        let mut candidates: Vec<ArrowCandidate> = Vec::with_capacity(MAX_ARROWS);
        candidates.extend(selected.and_then(&mut consider));
        // Tier by tier, largest first, until enough are found and one more shows that
        // others are left out: a frame's work follows what it draws, not what is in view.
        let mut left_out = false;
        'tiers: for tier in 0..level.arrow_tiers() {
            for g in level.arrows_in_tier(tier, world_area) {
                if Some(g) == selected {
                    continue;
                }
                if let Some(candidate) = consider(g) {
                    if candidates.len() == MAX_ARROWS {
                        left_out = true;
                        break 'tiers;
                    }
                    candidates.push(candidate);
                }
            }
        }
        drop(tallies);
        // Drawn in a steady order, whatever the selection.
        candidates.sort_by_key(|c| c.group);
        let largest_merged = candidates
            .iter()
            .filter(|c| level.arrows[c.group as usize].merge == Some(Merge::Clusters))
            .map(|c| c.people)
            .max()
            .unwrap_or(0);

        let mut arrows = Vec::with_capacity(candidates.len());
        for candidate in candidates {
            let g = candidate.group;
            let group = &level.arrows[g as usize];
            let Some(index) = candidate.representative else {
                continue;
            };
            let store = dataset.store();
            let Some((status, assumed)) = store.movement_status(index.0) else {
                continue;
            };
            let also_from: Vec<&str> = store.movement_origins(index.0).skip(1).collect();
            let (from, _) = end_at(group.from, group.from_world);
            let (to, to_radius) = end_at(group.to, group.to_world);
            let reach = Rect::from_two_pos(from, to).expand(from.distance(to) * 0.6);
            let merged = if group.merge.is_some() {
                candidate.shown
            } else {
                1
            };
            let width = match group.merge {
                Some(Merge::Clusters) => {
                    style::merged_arrow_width(candidate.people, largest_merged)
                }
                _ => style::arrow_width((candidate.people > 0).then_some(candidate.people)),
            };
            // Bent around markers of places the movement does not involve (told apart by
            // slot: comparing ids for every marker and arrow was a tenth of a crowded frame).
            let own = |m: &PlaceMark| {
                Node::Place(m.slot) == group.from
                    || Node::Place(m.slot) == group.to
                    || (!also_from.is_empty()
                        && also_from.iter().any(|&f| f == store.id(m.index.0)))
            };
            let unrelated: Vec<(Pos2, f32)> = places
                .iter()
                .filter(|m| reach.contains(m.position) && !own(m))
                .take(layout::CROWD_OBSTACLES + 1)
                .map(|m| (m.position, m.radius + width / 2.0))
                .collect();
            // Fanned out a few at a time: the fortieth arrow into a cluster bent like the first
            // few would loop across the map.
            let rank = group.rank as usize % FAN_OUT;
            let bend = clear_bend(from, to, bend_for(rank), &unrelated);
            let curve = Curve::new(from, to, bend);
            let feeders = also_from
                .iter()
                .filter_map(|id| {
                    let slot = self.index.slot_of(dataset.index_of(id)?)?;
                    drawn_place.get(&slot).map(|&(at, _)| at)
                })
                .collect();
            arrows.push(Arrow {
                index,
                faded: if merged > 1 {
                    candidate.all_faded
                } else {
                    !self.is_visible(index)
                },
                dimmed: merged == 1 && !self.is_highlighted(index),
                curve,
                head_t: curve.t_before_end(to_radius + 2.0 + style::head_length(width)),
                width,
                color: style::movement_color(
                    store
                        .movement_type(index.0)
                        .and_then(crate::model::MovementType::parse),
                ),
                style: style::line_style(crate::model::MovementStatus::parse(status)),
                assumed,
                merged,
                merge: group.merge.unwrap_or(Merge::Clusters),
                group: g,
                people: candidate.people,
                feeders,
            });
        }
        (arrows, left_out)
    }
}
