//! Story mode: the story's chapters one by one, each setting the view, the dates and the
//! selection, with a smooth passage from one to the next (none with reduced motion). Leaving
//! gives back the view, range and selection the reader had.

use std::sync::Arc;

use walkers::Position;

use super::EvacApp;
use crate::map::projection::{World, fit_bounds};
use crate::model::{Chapter, ChapterView, DaySpan, FeatureIndex};
use crate::story::chapter_bounds;

/// The height kept for the chapter's panel at the bottom of the map, in points.
const PANEL_ROOM: f32 = 230.0;

/// How long the passage from one chapter to the next takes, in seconds.
const PASSAGE_SECONDS: f64 = 0.8;

/// Where the reader was before story mode, given back on leaving it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Exploration {
    center: Position,
    zoom: f64,
    range: DaySpan,
    selection: Option<FeatureIndex>,
}

/// A passage under way: from where to where, since when (egui's clock).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Passage {
    from: (World, f64, DaySpan),
    to: (World, f64, DaySpan),
    started: f64,
}

/// Story mode's state.
#[derive(Debug, Default)]
pub(super) struct ChapterState {
    /// The chapter shown; `None`: free exploration.
    pub(super) current: Option<usize>,
    pub(super) before: Option<Exploration>,
    pub(super) passage: Option<Passage>,
    /// The chapter to open once the story is read (`--chapter`, or the first).
    pub(super) pending: Option<String>,
    /// What the shown chapter emphasises, for that chapter of that state of the story.
    pub(super) emphasis: Option<Emphasis>,
}

/// A chapter's emphasised features, by the chapter and story state they were worked out for.
pub(super) type Emphasis = ((usize, crate::model::DatasetIdentity), Option<Arc<[bool]>>);

impl EvacApp {
    /// The chapter shown in story mode.
    pub fn chapter(&self) -> Option<usize> {
        self.chapters.current
    }

    /// Where the reader is, kept when story mode starts, to give back on leaving it.
    fn remember_exploration(&mut self) {
        if self.chapters.before.is_none() {
            self.chapters.before = Some(Exploration {
                center: self.view_center(),
                zoom: self.memory.zoom(),
                range: self.range,
                selection: self.selection,
            });
        }
    }

    /// Opens chapter `index` (story mode starts, remembering where the reader was).
    pub(super) fn go_to_chapter(&mut self, index: usize, now: f64) {
        let Some(chapter) = self.story.dataset.meta.chapters.get(index).cloned() else {
            return;
        };
        self.remember_exploration();
        self.chapters.current = Some(index);
        self.playing = None;
        let range = chapter.when.map_or(DaySpan::ALL_TIME, |w| w.span());
        let selection = chapter
            .select
            .as_deref()
            .and_then(|id| self.story.dataset.index_of(id));
        self.selected_movements = None;
        self.selection = selection;
        self.reveal_selection = selection.is_some();
        let target = self.chapter_view(&chapter);
        let from = (
            World::from_position(self.view_center()),
            self.memory.zoom(),
            self.range,
        );
        match target {
            // A screenshot shows the chapter, not the way there.
            Some((center, zoom)) if !self.state.reduced_motion && self.screenshot.is_none() => {
                self.chapters.passage = Some(Passage {
                    from,
                    to: (World::from_position(center), zoom, range),
                    started: now,
                });
            }
            Some((center, zoom)) => {
                self.memory.center_at(center);
                self.memory.set_zoom(zoom).ok();
                self.set_range(range);
            }
            None => self.set_range(range),
        }
        self.auto_fitted = None;
    }

    /// Opens chapter `index` now, as Next and Previous do.
    pub fn go_to_chapter_for_test(&mut self, index: usize) {
        self.go_to_chapter(index, 0.0);
    }

    /// Leaves story mode: the view, range and selection are the reader's again.
    pub(super) fn leave_chapters(&mut self) {
        self.chapters.current = None;
        self.chapters.passage = None;
        if let Some(before) = self.chapters.before.take() {
            self.memory.center_at(before.center);
            self.memory.set_zoom(before.zoom).ok();
            self.set_range(before.range);
            self.selection = before.selection;
            self.selected_movements = None;
        }
    }

    /// One step of the passage under way, if any.
    pub(super) fn advance_passage(&mut self, ctx: &egui::Context) {
        let Some(passage) = self.chapters.passage else {
            return;
        };
        let now = ctx.input(|i| i.time);
        let t = ((now - passage.started) / PASSAGE_SECONDS).clamp(0.0, 1.0);
        // Eased: slow away, slow in.
        let s = t * t * (3.0 - 2.0 * t);
        let (from, to) = (passage.from, passage.to);
        let center = World {
            x: from.0.x + (to.0.x - from.0.x) * s,
            y: from.0.y + (to.0.y - from.0.y) * s,
        };
        self.memory.center_at(center.to_position());
        self.memory.set_zoom(from.1 + (to.1 - from.1) * s).ok();
        let range = if t >= 1.0 {
            to.2
        } else {
            between(from.2, to.2, s)
        };
        if range != self.range {
            self.set_range(range);
        }
        if t >= 1.0 {
            self.chapters.passage = None;
        } else {
            ctx.request_repaint();
        }
    }

    /// Where the map looks for `chapter`: the centre and zoom that frame its view in the part of
    /// the map the details leave free.
    fn chapter_view(&self, chapter: &Chapter) -> Option<(Position, f64)> {
        let bounds = chapter_bounds(&self.story.dataset, chapter)?;
        let rect = self.map_rect?;
        let free = self.free_map_area(rect);
        // The chapter's panel stands at the bottom of the map: the view is framed above it.
        let bottom = (free.max.y - PANEL_ROOM)
            .max(free.min.y + 200.0)
            .min(free.max.y);
        let free = egui::Rect::from_min_max(free.min, egui::pos2(free.max.x, bottom));
        let (center, zoom) = fit_bounds(bounds, free.size(), 70.0, 3.0, 14.0);
        let view = crate::map::projection::ScreenTransform::new(free, center, zoom);
        Some((view.to_world(rect.center()).to_position(), zoom))
    }

    /// The centre of the map as shown.
    fn view_center(&self) -> Position {
        match self.last_overlay.view {
            Some(view) => view.world_center.to_position(),
            None => self.memory.detached().unwrap_or(walkers::lon_lat(0.0, 0.0)),
        }
    }

    /// A new chapter from what the map shows: the view, the range, the selection; after the
    /// chapter shown, or at the end. Undoable, like every edit.
    pub(super) fn add_chapter_from_view(&mut self) {
        let (Some(view), Some(rect)) = (self.last_overlay.view, self.map_rect) else {
            return;
        };
        let (north_west, south_east) = view.visible_world(self.free_map_area(rect));
        let (north_west, south_east) = (north_west.to_position(), south_east.to_position());
        let clamp_lon = |lon: f64| lon.clamp(-180.0, 180.0);
        let clamp_lat = |lat: f64| lat.clamp(-85.0, 85.0);
        let bbox = [
            clamp_lon(north_west.x()),
            clamp_lat(south_east.y()),
            clamp_lon(south_east.x()),
            clamp_lat(north_west.y()),
        ];
        let dataset = &self.story.dataset;
        let chapters = &dataset.meta.chapters;
        let mut n = chapters.len() + 1;
        while chapters.iter().any(|c| c.id == format!("chapter-{n}")) {
            n += 1;
        }
        let day = |d: Option<chrono::NaiveDate>| d.map(crate::model::PartialDate::from_date);
        let when = match (self.range.first, self.range.last) {
            (None, None) => None,
            (Some(a), Some(b)) if a == b => Some(crate::model::When::on(
                crate::model::PartialDate::from_date(a),
            )),
            (first, last) => crate::model::When::between(day(first), day(last)).ok(),
        };
        let chapter = Chapter {
            id: format!("chapter-{n}"),
            title: format!("Chapter {n}"),
            text: String::new(),
            when,
            view: Some(ChapterView::Bounds(bbox)),
            select: self.selection.map(|i| dataset.store().id(i.0).to_owned()),
            emphasise: Vec::new(),
            sources: Vec::new(),
            extra: Default::default(),
        };
        let at = self.chapters.current.map_or(chapters.len(), |c| c + 1);
        let mut after = chapters.clone();
        after.insert(at, chapter);
        let change = crate::model::edit::Change::Chapters {
            before: chapters.clone(),
            after,
        };
        let edit = crate::model::edit::Edit::new(format!("add chapter {n}"), vec![change]);
        self.apply_edit(crate::command::EditCommand::Perform(Box::new(edit)));
        self.chapters.current = Some(at);
        self.remember_exploration();
    }

    /// Applies a command of story mode.
    pub(super) fn apply_chapter(
        &mut self,
        ctx: &egui::Context,
        command: crate::command::ChapterCommand,
    ) {
        use crate::command::ChapterCommand;
        match command {
            ChapterCommand::Go(index) => self.go_to_chapter(index, ctx.input(|i| i.time)),
            ChapterCommand::Leave => self.leave_chapters(),
            ChapterCommand::SetReducedMotion(reduced) => self.state.reduced_motion = reduced,
        }
    }

    /// The story just shown opens on its first chapter, when it has chapters and the window
    /// was not asked for something else.
    pub(super) fn chapters_for_new_story(&mut self) {
        self.chapters.current = None;
        self.chapters.before = None;
        self.chapters.passage = None;
        if self.chapters.pending.is_none()
            && self.open_first_chapter
            && !self.story.dataset.meta.chapters.is_empty()
        {
            self.chapters.pending = Some("1".into());
        }
    }

    /// Features a chapter emphasises (with its selection and the places they happen at): the
    /// rest is drawn dimmed. `None` when it emphasises nothing.
    /// Worked out once per chapter and story revision, not every frame.
    pub(super) fn chapter_emphasis(&mut self) -> Option<Arc<[bool]>> {
        let current = self.chapters.current?;
        let key = (current, self.story.dataset.identity());
        match &self.chapters.emphasis {
            Some((kept, flags)) if *kept == key => return flags.clone(),
            _ => {}
        }
        let flags = self.work_out_emphasis(current).map(Arc::from);
        self.chapters.emphasis = Some((key, flags.clone()));
        flags
    }

    fn work_out_emphasis(&self, current: usize) -> Option<Vec<bool>> {
        let chapter = self.story.dataset.meta.chapters.get(current)?;
        if chapter.emphasise.is_empty() {
            return None;
        }
        let dataset = &self.story.dataset;
        let mut flags = vec![false; dataset.len()];
        for id in chapter.select.iter().chain(&chapter.emphasise) {
            let Some(index) = dataset.index_of(id) else {
                continue;
            };
            flags[index.0] = true;
            let store = dataset.store();
            let places = store
                .movement_origins(index.0)
                .chain(store.movement_ends(index.0).map(|(_, to)| to))
                .chain(store.event_place(index.0));
            for place in places {
                if let Some(place) = dataset.index_of(place) {
                    flags[place.0] = true;
                }
            }
        }
        Some(flags)
    }

    /// Opens the chapter asked for once the story is read: `--chapter`, or the first of a
    /// story that has chapters.
    pub(super) fn open_pending_chapter(&mut self, now: f64) {
        if self.loading.is_some() || self.map_rect.is_none() || self.fit_pending {
            return;
        }
        let Some(key) = self.chapters.pending.take() else {
            return;
        };
        if let Some(index) =
            crate::model::chapter::find_chapter(&self.story.dataset.meta.chapters, &key)
        {
            self.go_to_chapter(index, now);
        }
    }
}

/// The range a fraction `s` of the way from `a` to `b`; an open side jumps at the end.
fn between(a: DaySpan, b: DaySpan, s: f64) -> DaySpan {
    let day = |x: Option<chrono::NaiveDate>, y: Option<chrono::NaiveDate>| match (x, y) {
        (Some(x), Some(y)) => {
            let days = (y - x).num_days() as f64 * s;
            Some(x + chrono::Duration::days(days.round() as i64))
        }
        _ => x,
    };
    DaySpan {
        first: day(a.first, b.first),
        last: day(a.last, b.last),
    }
}
