//! Playing a story through time: how the range moves at each step. Pure functions, no egui.

use chrono::{Days, Months, NaiveDate};

use crate::model::{Dataset, DaySpan, Precision};

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

    /// `day` moved by `count` steps (negative: back); clamped to the calendar.
    pub fn shift(&self, day: NaiveDate, count: i32) -> NaiveDate {
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

    /// The step that suits the data: its finest date precision.
    pub fn for_dataset(dataset: &Dataset) -> Self {
        let finest = dataset
            .features()
            .iter()
            .filter_map(|f| f.when())
            .map(|w| w.precision())
            .max();
        match finest {
            Some(Precision::Day) | None => StepUnit::Day,
            Some(Precision::Month) => StepUnit::Month,
            Some(Precision::Year) => StepUnit::Year,
        }
    }
}

/// What the range shows while playing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PlayMode {
    /// Everything from the start up to the current date.
    Cumulative,
    /// A window of fixed length moving forward.
    SlidingWindow,
}

/// Playback settings; remembered between runs.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct PlaybackSettings {
    pub step: StepUnit,
    /// Steps per second.
    pub speed: f32,
    pub mode: PlayMode,
    pub looping: bool,
}

impl Default for PlaybackSettings {
    fn default() -> Self {
        Self {
            step: StepUnit::Day,
            speed: 1.0,
            mode: PlayMode::Cumulative,
            looping: false,
        }
    }
}

/// The range after `count` steps from `range`, within the story's `extent`.
///
/// Cumulative: the start stays at the story's start and the end moves. Sliding window: both
/// move, keeping the window's length. An open range first becomes one step long at the start.
pub fn step_range(
    range: &DaySpan,
    extent: (NaiveDate, NaiveDate),
    settings: &PlaybackSettings,
    count: i32,
) -> DaySpan {
    let (story_start, _) = extent;
    let one_step_end = |start: NaiveDate| settings.step.shift(start, 1).pred_opt().unwrap_or(start);
    match settings.mode {
        PlayMode::Cumulative => {
            let last = match range.last {
                Some(last) if range.first.is_some() || last < extent.1 => {
                    settings.step.shift(last, count)
                }
                _ => one_step_end(story_start),
            };
            let first = range.first.unwrap_or(story_start).min(story_start);
            DaySpan::days(first, last.max(first))
        }
        PlayMode::SlidingWindow => match (range.first, range.last) {
            (Some(first), Some(last)) => DaySpan::days(
                settings.step.shift(first, count),
                settings.step.shift(last, count),
            ),
            _ => DaySpan::days(story_start, one_step_end(story_start)),
        },
    }
}

/// Whether playing forward has gone past the story's end.
pub fn is_past_end(range: &DaySpan, extent: (NaiveDate, NaiveDate)) -> bool {
    match (range.first, range.last) {
        (_, Some(last)) if last > extent.1 => true,
        (Some(first), _) => first > extent.1,
        _ => false,
    }
}

/// The range to start (or restart) playing from.
pub fn start_range(extent: (NaiveDate, NaiveDate), settings: &PlaybackSettings) -> DaySpan {
    step_range(&DaySpan::ALL_TIME, extent, settings, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// The story's week.
    fn extent() -> (NaiveDate, NaiveDate) {
        (day(2017, 5, 8), day(2017, 5, 14))
    }

    #[test]
    fn cumulative_steps_move_the_end_and_keep_the_start() {
        let settings = PlaybackSettings::default();
        let start = start_range(extent(), &settings);
        assert_eq!(start, DaySpan::days(day(2017, 5, 8), day(2017, 5, 8)));
        let next = step_range(&start, extent(), &settings, 1);
        assert_eq!(next, DaySpan::days(day(2017, 5, 8), day(2017, 5, 9)));
        let back = step_range(&next, extent(), &settings, -1);
        assert_eq!(back, start);
    }

    #[test]
    fn a_sliding_window_keeps_its_length() {
        let settings = PlaybackSettings {
            mode: PlayMode::SlidingWindow,
            step: StepUnit::Week,
            ..PlaybackSettings::default()
        };
        let start = start_range(extent(), &settings);
        assert_eq!(start, DaySpan::days(day(2017, 5, 8), day(2017, 5, 14)));
        let next = step_range(&start, extent(), &settings, 1);
        assert_eq!(next, DaySpan::days(day(2017, 5, 15), day(2017, 5, 21)));
        assert!(is_past_end(&next, extent()));
    }

    #[test]
    fn months_step_by_calendar_months() {
        assert_eq!(StepUnit::Month.shift(day(2017, 1, 31), 1), day(2017, 2, 28));
        assert_eq!(StepUnit::Year.shift(day(2016, 2, 29), 1), day(2017, 2, 28));
        assert_eq!(StepUnit::Week.shift(day(2017, 5, 14), -1), day(2017, 5, 7));
    }
}
