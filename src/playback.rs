//! Playing a story through time: how the range moves at each step. Pure functions, no egui.

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::model::DaySpan;

/// How far one step moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum StepUnit {
    Day,
    Week,
    Month,
    Year,
}

impl StepUnit {
    pub const ALL: [StepUnit; 4] = [
        StepUnit::Day,
        StepUnit::Week,
        StepUnit::Month,
        StepUnit::Year,
    ];

    pub fn label(&self) -> &'static str {
        match self {
            StepUnit::Day => "Day",
            StepUnit::Week => "Week",
            StepUnit::Month => "Month",
            StepUnit::Year => "Year",
        }
    }

    /// `day` moved by `count` steps (negative: back); clamped to the calendar. By months and
    /// years, the last day of a month stays the last day of a month: a month after 31 January is
    /// 28 February, and a month after that 31 March (not 28 March).
    pub fn shift(&self, day: NaiveDate, count: i32) -> NaiveDate {
        if matches!(self, StepUnit::Month | StepUnit::Year) && is_month_end(day) {
            let first = day.with_day(1).unwrap_or(day);
            let moved_first = self.shift(first, count);
            return month_end(moved_first);
        }
        let magnitude = count.unsigned_abs();
        let moved = match (self, count >= 0) {
            (StepUnit::Day, true) => day.checked_add_days(Days::new(magnitude as u64)),
            (StepUnit::Day, false) => day.checked_sub_days(Days::new(magnitude as u64)),
            (StepUnit::Week, true) => day.checked_add_days(Days::new(7 * magnitude as u64)),
            (StepUnit::Week, false) => day.checked_sub_days(Days::new(7 * magnitude as u64)),
            (StepUnit::Month, true) => day.checked_add_months(Months::new(magnitude)),
            (StepUnit::Month, false) => day.checked_sub_months(Months::new(magnitude)),
            (StepUnit::Year, true) => day.checked_add_months(Months::new(12 * magnitude)),
            (StepUnit::Year, false) => day.checked_sub_months(Months::new(12 * magnitude)),
        };
        moved.unwrap_or(day)
    }

    /// Roughly how many days one step is, for pacing.
    pub fn days(&self) -> f64 {
        match self {
            StepUnit::Day => 1.0,
            StepUnit::Week => 7.0,
            StepUnit::Month => 30.44,
            StepUnit::Year => 365.25,
        }
    }

    /// The unit that suits a span: days for up to six weeks, weeks up to a year and a half,
    /// months beyond.
    pub fn for_span(days: i64) -> Self {
        match days {
            ..=45 => StepUnit::Day,
            46..=550 => StepUnit::Week,
            _ => StepUnit::Month,
        }
    }

    /// "1 day", "1 week": the length of one step, for sentences.
    pub fn one(&self) -> &'static str {
        match self {
            StepUnit::Day => "1 day",
            StepUnit::Week => "1 week",
            StepUnit::Month => "1 month",
            StepUnit::Year => "1 year",
        }
    }
}

/// Whether `day` is the last day of its month.
fn is_month_end(day: NaiveDate) -> bool {
    day.succ_opt()
        .is_none_or(|next| next.month() != day.month())
}

/// The last day of `day`'s month.
fn month_end(day: NaiveDate) -> NaiveDate {
    let first = day.with_day(1).unwrap_or(day);
    first
        .checked_add_months(Months::new(1))
        .and_then(|next| next.pred_opt())
        .unwrap_or(day)
}

/// What the range shows while playing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum PlayMode {
    /// Everything from the start up to the current date.
    #[default]
    Cumulative,
    /// A window of fixed length moving forward.
    SlidingWindow,
}

/// Playback settings; remembered between runs. `None` is automatic: chosen from the span.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct PlaybackSettings {
    pub unit: Option<StepUnit>,
    pub steps_per_second: Option<f32>,
    pub mode: PlayMode,
    pub looping: bool,
}

/// How long playing a span takes by default: the story's week in about 10 s, six years in
/// about 30 s, in between on a logarithmic scale.
pub fn default_duration_secs(span_days: i64) -> f64 {
    let (short, long): (f64, f64) = (7.0, 6.0 * 365.25);
    let share = ((span_days.max(1) as f64).ln() - short.ln()) / (long.ln() - short.ln());
    10.0 + 20.0 * share.clamp(0.0, 1.0)
}

/// A playback as it will run: unit, pace, the range it starts from and the day it ends on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    pub unit: StepUnit,
    pub steps_per_second: f32,
    pub mode: PlayMode,
    pub start: DaySpan,
    pub end: NaiveDate,
}

/// Plans playing from `range` within the data's `extent`.
///
/// A range of several days (the story's week, a month typed in) is played through, from its
/// first day to its last. From a single day, or from all time, play goes on to the end of the
/// data (from the data's first day for all time). Each starts one step long.
pub fn plan(range: &DaySpan, extent: (NaiveDate, NaiveDate), settings: &PlaybackSettings) -> Plan {
    let (data_first, data_last) = extent;
    let within = |day: NaiveDate| day.clamp(data_first, data_last);
    let (first, end) = match (range.first, range.last) {
        (Some(first), Some(last)) if last > first && last >= data_first && first <= data_last => {
            (within(first), within(last))
        }
        (Some(first), _) if (data_first..=data_last).contains(&first) => (first, data_last),
        _ => (data_first, data_last),
    };
    let span_days = (end - first).num_days() + 1;
    let unit = settings.unit.unwrap_or(StepUnit::for_span(span_days));
    let one_step = unit.shift(first, 1).pred_opt().unwrap_or(first);
    let start = DaySpan::days(first, one_step.clamp(first, end));
    let steps = (span_days as f64 / unit.days()).ceil().max(1.0);
    let steps_per_second = settings
        .steps_per_second
        .unwrap_or_else(|| (steps / default_duration_secs(span_days)).clamp(0.2, 30.0) as f32);
    Plan {
        unit,
        steps_per_second,
        mode: settings.mode,
        start,
        end,
    }
}

/// The range one step on, or `None` once the plan's last day has been shown.
pub fn advance(range: &DaySpan, plan: &Plan) -> Option<DaySpan> {
    let (first, last) = (range.first?, range.last?);
    if last >= plan.end {
        return None;
    }
    let next_last = plan.unit.shift(last, 1).min(plan.end);
    match plan.mode {
        PlayMode::Cumulative => Some(DaySpan::days(first, next_last)),
        PlayMode::SlidingWindow => {
            let next_first = plan.unit.shift(first, 1).min(next_last);
            Some(DaySpan::days(next_first, next_last))
        }
    }
}

/// `range` moved by its own length, `count` times (negative: back). From all time or an open
/// range, a step forward goes to the first day of the data; back stays.
pub fn shift_by_length(range: &DaySpan, extent: (NaiveDate, NaiveDate), count: i32) -> DaySpan {
    let (Some(first), Some(last)) = (range.first, range.last) else {
        return if count > 0 {
            DaySpan::days(extent.0, extent.0)
        } else {
            *range
        };
    };
    let length = (last - first).num_days() + 1;
    let days = length * i64::from(count);
    let moved = |day: NaiveDate| {
        if days >= 0 {
            day.checked_add_days(Days::new(days.unsigned_abs()))
        } else {
            day.checked_sub_days(Days::new(days.unsigned_abs()))
        }
        .unwrap_or(day)
    };
    DaySpan::days(moved(first), moved(last))
}

/// `range` moved by `count` steps of `unit` (negative: back), both ends together, the end of a
/// month kept at the end of a month. From all time or an open range, a step forward shows the
/// data's first step (one `unit` from its first day); back stays.
pub fn step_by_unit(
    range: &DaySpan,
    extent: (NaiveDate, NaiveDate),
    unit: StepUnit,
    count: i32,
) -> DaySpan {
    let (Some(first), Some(last)) = (range.first, range.last) else {
        if count <= 0 {
            return *range;
        }
        let first = extent.0;
        let last = unit.shift(first, 1).pred_opt().unwrap_or(first);
        return DaySpan::days(first, last);
    };
    DaySpan::days(unit.shift(first, count), unit.shift(last, count))
}

/// What playing shows, in words: "cumulative since 8 May 2017", "window of 1 day".
pub fn describe(plan: &Plan, range: &DaySpan) -> String {
    match plan.mode {
        PlayMode::Cumulative => match range.first {
            Some(first) => format!("cumulative since {}", first.format("%-d %B %Y")),
            None => "cumulative".into(),
        },
        PlayMode::SlidingWindow => format!("window of {}", plan.unit.one()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// The bundled story's dates: March 2011 to 14 May 2017.
    fn story() -> (NaiveDate, NaiveDate) {
        (day(2011, 3, 1), day(2017, 5, 14))
    }

    fn play_through(range: DaySpan, settings: &PlaybackSettings) -> (Plan, Vec<DaySpan>) {
        let plan = plan(&range, story(), settings);
        let mut ranges = vec![plan.start];
        while let Some(next) = advance(ranges.last().unwrap(), &plan) {
            ranges.push(next);
            assert!(ranges.len() < 10_000, "playback never ends");
        }
        (plan, ranges)
    }

    #[test]
    fn the_story_week_plays_by_day_in_about_ten_seconds_and_stops_at_the_end() {
        let week = DaySpan::days(day(2017, 5, 8), day(2017, 5, 14));
        let (plan, ranges) = play_through(week, &PlaybackSettings::default());
        assert_eq!(plan.unit, StepUnit::Day);
        assert_eq!(
            ranges.first(),
            Some(&DaySpan::days(day(2017, 5, 8), day(2017, 5, 8)))
        );
        assert_eq!(ranges.last(), Some(&week));
        assert_eq!(ranges.len(), 7);
        let seconds = (ranges.len() - 1) as f32 / plan.steps_per_second;
        assert!((7.0..=11.0).contains(&seconds), "{seconds} s");
        assert_eq!(describe(&plan, &week), "cumulative since 8 May 2017");
    }

    #[test]
    fn all_time_plays_by_month_in_about_thirty_seconds() {
        let (plan, ranges) = play_through(DaySpan::ALL_TIME, &PlaybackSettings::default());
        assert_eq!(plan.unit, StepUnit::Month);
        assert_eq!(ranges[0], DaySpan::days(day(2011, 3, 1), day(2011, 3, 31)));
        assert_eq!(ranges.last().unwrap().last, Some(day(2017, 5, 14)));
        let seconds = (ranges.len() - 1) as f32 / plan.steps_per_second;
        assert!((25.0..=32.0).contains(&seconds), "{seconds} s");
    }

    #[test]
    fn from_a_single_day_play_goes_on_to_the_end_of_the_data() {
        let may_8 = DaySpan::days(day(2017, 5, 8), day(2017, 5, 8));
        let plan = plan(&may_8, story(), &PlaybackSettings::default());
        assert_eq!(plan.start, may_8);
        assert_eq!(plan.end, day(2017, 5, 14));
        let next = advance(&may_8, &plan).unwrap();
        assert_eq!(next, DaySpan::days(day(2017, 5, 8), day(2017, 5, 9)));
    }

    #[test]
    fn a_sliding_window_keeps_its_length_and_says_so() {
        let settings = PlaybackSettings {
            mode: PlayMode::SlidingWindow,
            ..PlaybackSettings::default()
        };
        let week = DaySpan::days(day(2017, 5, 8), day(2017, 5, 14));
        let (plan, ranges) = play_through(week, &settings);
        assert_eq!(ranges[1], DaySpan::days(day(2017, 5, 9), day(2017, 5, 9)));
        assert_eq!(ranges.last().unwrap().last, Some(day(2017, 5, 14)));
        assert_eq!(describe(&plan, &ranges[1]), "window of 1 day");
    }

    #[test]
    fn arrows_move_a_range_by_its_own_length() {
        let may_13 = DaySpan::days(day(2017, 5, 13), day(2017, 5, 13));
        assert_eq!(
            shift_by_length(&may_13, story(), 1),
            DaySpan::days(day(2017, 5, 14), day(2017, 5, 14))
        );
        let week = DaySpan::days(day(2017, 5, 8), day(2017, 5, 14));
        assert_eq!(
            shift_by_length(&week, story(), -1),
            DaySpan::days(day(2017, 5, 1), day(2017, 5, 7))
        );
        assert_eq!(
            shift_by_length(&DaySpan::ALL_TIME, story(), 1),
            DaySpan::days(day(2011, 3, 1), day(2011, 3, 1))
        );
    }

    #[test]
    fn a_month_after_the_end_of_a_month_is_the_end_of_the_next() {
        let month = StepUnit::Month;
        assert_eq!(month.shift(day(2017, 1, 31), 1), day(2017, 2, 28));
        assert_eq!(month.shift(day(2017, 1, 31), 2), day(2017, 3, 31));
        assert_eq!(
            month.shift(month.shift(day(2017, 1, 31), 1), 1),
            day(2017, 3, 31)
        );
        assert_eq!(month.shift(day(2016, 1, 31), 1), day(2016, 2, 29));
        assert_eq!(month.shift(day(2017, 3, 31), -1), day(2017, 2, 28));
        // Twelve steps from the end of August stay at the end of each month.
        let mut at = day(2011, 8, 31);
        for _ in 0..12 {
            let next = month.shift(at, 1);
            assert!(next.succ_opt().unwrap().day() == 1, "{at} -> {next}");
            at = next;
        }
        assert_eq!(at, day(2012, 8, 31));
        // Other days keep their day where the month has it.
        assert_eq!(month.shift(day(2017, 1, 30), 1), day(2017, 2, 28));
        assert_eq!(month.shift(day(2017, 3, 15), 1), day(2017, 4, 15));
    }

    #[test]
    fn a_step_moves_the_range_by_the_unit_shown() {
        let (first, _) = story();
        // From all time, the first step is the data's first month.
        let one = step_by_unit(&DaySpan::ALL_TIME, story(), StepUnit::Month, 1);
        assert_eq!(one, DaySpan::days(first, day(2011, 3, 31)));
        let two = step_by_unit(&one, story(), StepUnit::Month, 1);
        assert_eq!(two, DaySpan::days(day(2011, 4, 1), day(2011, 4, 30)));
        let three = step_by_unit(&two, story(), StepUnit::Month, 1);
        assert_eq!(three, DaySpan::days(day(2011, 5, 1), day(2011, 5, 31)));
        assert_eq!(step_by_unit(&three, story(), StepUnit::Month, -2), one);
        assert_eq!(
            step_by_unit(&DaySpan::ALL_TIME, story(), StepUnit::Month, -1),
            DaySpan::ALL_TIME
        );
    }

    #[test]
    fn months_step_by_calendar_months() {
        assert_eq!(StepUnit::Month.shift(day(2017, 1, 31), 1), day(2017, 2, 28));
        assert_eq!(StepUnit::Year.shift(day(2016, 2, 29), 1), day(2017, 2, 28));
        assert_eq!(StepUnit::Week.shift(day(2017, 5, 14), -1), day(2017, 5, 7));
    }
}
