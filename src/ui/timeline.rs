//! The timeline along the bottom: the story's time extent with a histogram of what starts when,
//! the selected range (drag its ends or the whole band, type dates, or pick a preset), and the
//! playback controls.

use chrono::{Datelike, NaiveDate};
use egui::{Align2, Color32, FontId, Rect, Sense, Stroke, Ui, pos2, vec2};

use super::Command;
use crate::filter::{TimeIndex, range_from_args};
use crate::model::DaySpan;
use crate::playback::{self, Plan, PlayMode, PlaybackSettings, StepUnit};

/// The timeline's own state: which stretch of time it shows and what the user is typing.
#[derive(Debug, Clone, Default)]
pub struct TimelineState {
    /// The days shown, as day numbers (days since 1 January of year 1).
    pub view: Option<(f64, f64)>,
    pub from_text: String,
    pub to_text: String,
    pub text_error: Option<String>,
    /// The range the text fields were last filled from.
    shown_range: Option<DaySpan>,
    /// A drag of the band under way: where the pointer started and the range then.
    band_drag: Option<(f32, DaySpan)>,
    /// The histogram last drawn: binned again only when the days shown or the width change
    /// (a million features' bins took most of a millisecond every frame).
    histogram: Option<(HistogramKey, Vec<usize>)>,
}

/// What a histogram was binned for: first and last day, bins, features indexed.
type HistogramKey = (i32, i32, usize, usize);

impl TimelineState {
    /// Zooms the timeline to show `range` with a margin of half its length on each side (a
    /// single day gets three days around it); all time shows the whole story.
    pub fn fit(&mut self, range: &DaySpan) {
        self.view = match (range.first, range.last) {
            (Some(first), Some(last)) => {
                let (first, last) = (day_number(first), day_number(last) + 1.0);
                let margin = ((last - first) * 0.5).max(3.0);
                Some((first - margin, last + margin))
            }
            _ => None,
        };
    }
}

/// What the timeline needs to know this frame.
pub struct TimelineInput<'a> {
    pub index: &'a TimeIndex,
    pub extent: Option<(NaiveDate, NaiveDate)>,
    pub range: DaySpan,
    pub story_week: Option<DaySpan>,
    pub playing: bool,
    /// What Play does (or is doing): unit, pace, where it starts.
    pub plan: Option<Plan>,
    /// What Step ◀/▶ moves by (shown as the automatic unit).
    pub step_unit: StepUnit,
    pub settings: PlaybackSettings,
    pub fade_hidden: bool,
    pub visible_count: usize,
    pub total: usize,
    /// The story's time index is still being worked out (a big story's, on a thread).
    pub indexing: bool,
}

pub fn day_number(day: NaiveDate) -> f64 {
    day.num_days_from_ce() as f64
}

pub fn date_of(number: f64) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(number.floor() as i32).unwrap_or(NaiveDate::MIN)
}

#[must_use = "the commands are for the app to apply"]
pub fn timeline_ui(ui: &mut Ui, state: &mut TimelineState, input: &TimelineInput) -> Vec<Command> {
    let mut commands = Vec::new();
    if state.shown_range != Some(input.range) {
        state.from_text = input.range.first.map(|d| d.to_string()).unwrap_or_default();
        state.to_text = input.range.last.map(|d| d.to_string()).unwrap_or_default();
        state.shown_range = Some(input.range);
        state.text_error = None;
    }
    ui.horizontal_wrapped(|ui| {
        controls_ui(ui, input, &mut commands);
        ui.separator();
        range_fields_ui(ui, state, input, &mut commands);
    });
    match input.extent {
        Some(extent) => strip_ui(ui, state, input, extent, &mut commands),
        None if input.indexing => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Preparing the timeline: everything is shown until it is ready.");
            });
        }
        None => {
            ui.label("The story has no dates: everything is shown.");
        }
    }
    commands
}

fn controls_ui(ui: &mut Ui, input: &TimelineInput, commands: &mut Vec<Command>) {
    let mut settings = input.settings;
    let unit = input.step_unit;
    if ui
        .button("◀ Step")
        .on_hover_text(format!("Move the range back by {}", unit.one()))
        .clicked()
    {
        commands.push(Command::StepByUnit(-1));
    }
    let play = if input.playing { "Pause" } else { "▶ Play" };
    // As wide playing as paused: the buttons after it stay where they are.
    let play = ui
        .add(egui::Button::new(play).min_size(egui::vec2(72.0, 0.0)))
        .on_hover_text(
            "Play through the range shown (from a single day, on to the end), or pause (Space)",
        );
    super::focus::remember(ui.ctx(), "timeline", play.id);
    if play.clicked() {
        commands.push(Command::TogglePlay);
    }
    if ui
        .button("Step ▶")
        .on_hover_text(format!("Move the range forward by {}", unit.one()))
        .clicked()
    {
        commands.push(Command::StepByUnit(1));
    }
    let auto_unit = input.step_unit.label();
    // Fixed widths: "Auto (week)" and "Auto (2.8 steps a second)" change with the range, and
    // what follows them must not move.
    egui::ComboBox::from_label("steps,")
        .width(112.0)
        .selected_text(match settings.unit {
            Some(unit) => unit.label().to_owned(),
            None => format!("Auto ({})", auto_unit.to_lowercase()),
        })
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut settings.unit, None, "Auto")
                .on_hover_text("Chosen from the span to play: days, weeks or months");
            for unit in StepUnit::ALL {
                ui.selectable_value(&mut settings.unit, Some(unit), unit.label());
            }
        });
    let pace = |speed: f32| {
        if speed == 1.0 {
            "1 step a second".to_owned()
        } else {
            format!("{speed} steps a second")
        }
    };
    egui::ComboBox::from_label("pace,")
        .width(190.0)
        .selected_text(match (settings.steps_per_second, input.plan) {
            (Some(speed), _) => pace(speed),
            (None, Some(plan)) => format!("Auto ({:.1} steps a second)", plan.steps_per_second),
            (None, None) => "Auto".to_owned(),
        })
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut settings.steps_per_second, None, "Auto")
                .on_hover_text("A week plays in about 10 s, six years in about 30 s");
            for speed in [0.5, 1.0, 2.0, 4.0, 8.0] {
                ui.selectable_value(&mut settings.steps_per_second, Some(speed), pace(speed));
            }
        });
    egui::ComboBox::from_label("mode")
        .width(120.0)
        .selected_text(match settings.mode {
            PlayMode::Cumulative => "Cumulative",
            PlayMode::SlidingWindow => "Sliding window",
        })
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut settings.mode, PlayMode::Cumulative, "Cumulative")
                .on_hover_text("Everything from the start up to the current date");
            ui.selectable_value(
                &mut settings.mode,
                PlayMode::SlidingWindow,
                "Sliding window",
            )
            .on_hover_text("A window one step long moving forward");
        });
    ui.checkbox(&mut settings.looping, "Loop");
    if settings != input.settings {
        commands.push(Command::SetPlayback(settings));
    }
    let mut fade = input.fade_hidden;
    if ui
        .checkbox(&mut fade, "Fade, don't hide")
        .on_hover_text("Show what is outside the range faded instead of hiding it")
        .changed()
    {
        commands.push(Command::SetFadeHidden(fade));
    }
}

fn range_fields_ui(
    ui: &mut Ui,
    state: &mut TimelineState,
    input: &TimelineInput,
    commands: &mut Vec<Command>,
) {
    let from_label = ui.label("Range from");
    let from = ui
        .add(
            egui::TextEdit::singleline(&mut state.from_text)
                .desired_width(86.0)
                .hint_text("YYYY-MM-DD"),
        )
        .labelled_by(from_label.id);
    let to_label = ui.label("until");
    let to = ui
        .add(
            egui::TextEdit::singleline(&mut state.to_text)
                .desired_width(86.0)
                .hint_text("YYYY-MM-DD"),
        )
        .labelled_by(to_label.id);
    // Typed dates apply when the field is left (Enter, Tab or a click elsewhere).
    if from.lost_focus() || to.lost_focus() {
        match parse_fields(state) {
            Ok(range) if range != input.range => {
                state.fit(&range);
                commands.push(Command::SetRange(range));
            }
            Ok(_) => state.text_error = None,
            Err(message) => state.text_error = Some(message),
        }
    }
    if ui.button("All time").clicked() {
        state.fit(&DaySpan::ALL_TIME);
        commands.push(Command::SetRange(DaySpan::ALL_TIME));
    }
    if let Some(week) = input.story_week
        && ui
            .button("Story week")
            .on_hover_text(week.describe())
            .clicked()
    {
        state.fit(&week);
        commands.push(Command::SetRange(week));
    }
    // What varies in length comes after every button, so that no button moves under the
    // pointer when a field fills, an error shows or playback runs.
    if let Some(error) = &state.text_error {
        ui.add(
            egui::Label::new(
                egui::RichText::new(format!("⚠ {error}")).color(ui.visuals().error_fg_color),
            )
            .truncate(),
        )
        .on_hover_text(error);
    }
    if input.playing
        && let Some(plan) = input.plan
    {
        ui.label(
            egui::RichText::new(format!(
                "Playing: {}",
                playback::describe(&plan, &input.range)
            ))
            .strong(),
        );
    }
    ui.label(
        egui::RichText::new(format!(
            "Showing {}: {} of {} dated and undated features",
            input.range.describe(),
            input.visible_count,
            input.total
        ))
        .weak(),
    );
}

fn parse_fields(state: &TimelineState) -> Result<DaySpan, String> {
    let text = |s: &str| {
        let s = s.trim();
        (!s.is_empty()).then(|| s.to_owned())
    };
    range_from_args(
        text(&state.from_text).as_deref(),
        text(&state.to_text).as_deref(),
    )
    .map_err(|e| e.to_string())
}

/// The strip: axis, histogram, and the range as a band with two handles.
#[expect(
    clippy::too_many_lines,
    reason = "the strip's axis, histogram and range band drawn and dragged in one pass, as the user sees them"
)]
fn strip_ui(
    ui: &mut Ui,
    state: &mut TimelineState,
    input: &TimelineInput,
    extent: (NaiveDate, NaiveDate),
    commands: &mut Vec<Command>,
) {
    let (extent_first, extent_last) = (day_number(extent.0), day_number(extent.1) + 1.0);
    let padding = ((extent_last - extent_first) * 0.03).max(3.0);
    let (mut view_first, mut view_last) = state
        .view
        .unwrap_or((extent_first - padding, extent_last + padding));
    let (rect, strip) =
        ui.allocate_exact_size(vec2(ui.available_width(), 64.0), Sense::click_and_drag());
    let width = rect.width().max(1.0) as f64;

    // Wheel zooms (from a week to two centuries) around the pointer, over the band too;
    // dragging the strip pans.
    let pointer_over = ui
        .input(|i| i.pointer.hover_pos())
        .filter(|p| rect.contains(*p) && ui.is_enabled());
    if let Some(pointer) = pointer_over {
        let scroll = ui.input(|i| i.smooth_scroll_delta.y + i.smooth_scroll_delta.x);
        if scroll != 0.0 {
            let factor = (-scroll as f64 * 0.002).exp();
            let share = ((pointer.x - rect.left()) as f64 / width).clamp(0.0, 1.0);
            let anchor = view_first + (view_last - view_first) * share;
            let span = ((view_last - view_first) * factor).clamp(7.0, 365.25 * 200.0);
            view_first = anchor - span * share;
            view_last = view_first + span;
        }
    }
    if strip.dragged() {
        let shift = strip.drag_delta().x as f64 * (view_last - view_first) / width;
        view_first -= shift;
        view_last -= shift;
    }
    state.view = Some((view_first, view_last));
    let days_per_point = (view_last - view_first) / width;
    let x_of = |day: f64| rect.left() + ((day - view_first) / days_per_point) as f32;
    let day_of = |x: f32| view_first + (x - rect.left()) as f64 * days_per_point;

    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 2.0, ui.visuals().extreme_bg_color);
    let axis_y = rect.bottom() - 16.0;
    let bins = ((rect.width() / 5.0) as usize).max(1);
    let key = (
        view_first.floor() as i32,
        view_last.ceil() as i32 - 1,
        bins,
        input.index.len(),
    );
    if state.histogram.as_ref().is_none_or(|(k, _)| *k != key) {
        let counts = input.index.start_histogram(key.0, key.1, bins);
        state.histogram = Some((key, counts));
    }
    if let Some((_, counts)) = &state.histogram {
        draw_histogram(&painter, counts, rect, axis_y);
    }
    draw_ticks(
        &painter,
        rect,
        axis_y,
        view_first,
        view_last,
        ui.visuals().text_color(),
    );

    // The selected range.
    let band_left = input
        .range
        .first
        .map_or(rect.left(), |d| x_of(day_number(d)).max(rect.left()));
    let band_right = input.range.last.map_or(rect.right(), |d| {
        x_of(day_number(d) + 1.0).min(rect.right())
    });
    // However far out the timeline is zoomed, the band stays wide enough to see and grab.
    const MIN_BAND_WIDTH: f32 = 14.0;
    let (band_left, band_right) = if band_right - band_left < MIN_BAND_WIDTH {
        let middle = (band_left + band_right) / 2.0;
        (middle - MIN_BAND_WIDTH / 2.0, middle + MIN_BAND_WIDTH / 2.0)
    } else {
        (band_left, band_right)
    };
    let band = Rect::from_x_y_ranges(band_left..=band_right, rect.top()..=axis_y);
    painter.rect_filled(
        band,
        0.0,
        Color32::from_rgba_unmultiplied(0x6a, 0x2c, 0x91, 50),
    );
    painter.rect_stroke(
        band,
        0.0,
        Stroke::new(1.0, Color32::from_rgb(0x6a, 0x2c, 0x91)),
        egui::StrokeKind::Inside,
    );

    let range_label = input.range.describe();
    let band_response = ui.interact(
        band.shrink2(vec2(5.0, 0.0)),
        ui.scope_id().with("band"),
        Sense::drag(),
    );
    band_response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Slider,
            true,
            format!("Time range: {range_label}"),
        )
    });
    let handle = |x: f32| {
        Rect::from_center_size(
            pos2(x, (rect.top() + axis_y) / 2.0),
            vec2(8.0, axis_y - rect.top()),
        )
    };
    let start_response = ui.interact(
        handle(band_left),
        ui.scope_id().with("start"),
        Sense::drag(),
    );
    start_response.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::Slider, true, "Start of the time range")
    });
    let end_response = ui.interact(handle(band_right), ui.scope_id().with("end"), Sense::drag());
    end_response.widget_info(|| {
        egui::WidgetInfo::labeled(egui::Role::Slider, true, "End of the time range")
    });
    for (response, x) in [(&start_response, band_left), (&end_response, band_right)] {
        let color = if response.hovered() || response.dragged() {
            Color32::from_rgb(0xff, 0xc8, 0x00)
        } else {
            Color32::from_rgb(0x6a, 0x2c, 0x91)
        };
        painter.rect_filled(handle(x).shrink2(vec2(2.0, 8.0)), 2.0, color);
        if response.hovered() {
            ui.ctx().set_cursor_icon(egui::CursorIcon::ResizeHorizontal);
        }
    }

    let first = input.range.first.unwrap_or(date_of(day_of(band_left)));
    let last = input
        .range
        .last
        .unwrap_or(date_of(day_of(band_right) - 1.0));
    let to_date = |x: f32| date_of(day_of(x));
    if start_response.dragged()
        && let Some(pointer) = start_response.interact_pointer_pos()
    {
        let new_first = to_date(pointer.x).min(last);
        commands.push(Command::SetRange(DaySpan::days(new_first, last)));
    } else if end_response.dragged()
        && let Some(pointer) = end_response.interact_pointer_pos()
    {
        let new_last = to_date(pointer.x).max(first);
        commands.push(Command::SetRange(DaySpan::days(first, new_last)));
    } else if band_response.dragged()
        && let Some(pointer) = band_response.interact_pointer_pos()
    {
        // Measured from where the drag started, so slow drags add up instead of rounding away.
        let origin = ui
            .input(|i| i.pointer.press_origin())
            .map_or(pointer.x, |p| p.x);
        let (start_x, start_range) = *state.band_drag.get_or_insert((origin, input.range));
        let days = ((pointer.x - start_x) as f64 * days_per_point).round() as i64;
        let (first, last) = (
            start_range.first.unwrap_or(first),
            start_range.last.unwrap_or(last),
        );
        let shift = |d: NaiveDate| {
            if days > 0 {
                d.checked_add_days(chrono::Days::new(days as u64))
            } else {
                d.checked_sub_days(chrono::Days::new(days.unsigned_abs()))
            }
            .unwrap_or(d)
        };
        let moved = DaySpan::days(shift(first), shift(last));
        if moved != input.range {
            commands.push(Command::SetRange(moved));
        }
    }
    if !band_response.dragged() {
        state.band_drag = None;
    }
    if strip.double_clicked() {
        state.view = None;
    }
    strip.on_hover_text("Wheel: zoom the timeline · drag: pan · double-click: whole story. Drag the purple band or its ends to change the range.");
}

/// Bars of `counts` (dated features starting in each equal part of the days shown).
fn draw_histogram(painter: &egui::Painter, counts: &[usize], rect: Rect, axis_y: f32) {
    let bins = counts.len().max(1);
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f32;
    let bin_width = rect.width() / bins as f32;
    let height = axis_y - rect.top() - 6.0;
    for (b, count) in counts.iter().enumerate().filter(|(_, c)| **c > 0) {
        let h = (*count as f32 / max).sqrt() * height;
        let left = rect.left() + b as f32 * bin_width;
        let bar = Rect::from_min_max(
            pos2(left + 0.5, axis_y - h.max(2.0)),
            pos2(left + bin_width - 0.5, axis_y),
        );
        painter.rect_filled(bar, 0.0, Color32::from_rgb(0x5b, 0x7f, 0xa6));
    }
}

fn draw_ticks(
    painter: &egui::Painter,
    rect: Rect,
    axis_y: f32,
    view_first: f64,
    view_last: f64,
    color: Color32,
) {
    painter.line_segment(
        [pos2(rect.left(), axis_y), pos2(rect.right(), axis_y)],
        Stroke::new(1.0, color.gamma_multiply(0.5)),
    );
    let span_days = view_last - view_first;
    let points_per_day = rect.width() as f64 / span_days;
    let first = date_of(view_first);
    let last = date_of(view_last);
    let font = FontId::proportional(12.0);
    let mut label_right = f32::NEG_INFINITY;
    let mut tick = |day: NaiveDate, text: String| {
        let x = rect.left() + ((day_number(day) - view_first) * points_per_day) as f32;
        if x < rect.left() || x > rect.right() {
            return;
        }
        painter.line_segment(
            [pos2(x, axis_y), pos2(x, axis_y + 4.0)],
            Stroke::new(1.0, color),
        );
        let galley = painter.layout_no_wrap(text, font.clone(), color);
        let mut text_rect = Align2::CENTER_TOP.anchor_size(pos2(x, axis_y + 3.0), galley.size());
        // A year at the very left edge is shown whole ("2011", not "011"), beside its tick.
        if text_rect.left() < rect.left() {
            text_rect = text_rect.translate(egui::vec2(rect.left() - text_rect.left(), 0.0));
        }
        if text_rect.left() > label_right + 6.0 && text_rect.right() < rect.right() {
            label_right = text_rect.right();
            painter.galley(text_rect.min, galley, color);
        }
    };
    if points_per_day * 365.0 < 40.0 {
        let step = if points_per_day * 365.0 * 10.0 < 40.0 {
            50
        } else if points_per_day * 365.0 * 5.0 < 40.0 {
            10
        } else {
            5
        };
        let mut year = first.year() - first.year().rem_euclid(step);
        while year <= last.year() {
            if let Some(day) = NaiveDate::from_ymd_opt(year, 1, 1) {
                tick(day, year.to_string());
            }
            year += step;
        }
    } else if points_per_day * 30.0 < 30.0 {
        for year in first.year()..=last.year() {
            if let Some(day) = NaiveDate::from_ymd_opt(year, 1, 1) {
                tick(day, year.to_string());
            }
        }
    } else if points_per_day < 12.0 {
        let mut day = NaiveDate::from_ymd_opt(first.year(), first.month(), 1).unwrap_or(first);
        while day <= last {
            tick(day, day.format("%b %Y").to_string());
            day = StepUnit::Month.shift(day, 1);
        }
    } else {
        let mut day = first;
        while day <= last {
            tick(day, day.format("%-d %b").to_string());
            day = StepUnit::Day.shift(day, 1);
        }
    }
}
