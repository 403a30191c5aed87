//! What a time range shows: pure functions over the model.
//!
//! Rules (from the data format): a value covers its whole span, a feature shows when its span
//! and the range share a day, and features without `when` are timeless and always show.

use chrono::NaiveDate;

use crate::model::{Dataset, DaySpan, FeatureIndex, PartialDate, When, when::WhenError};

/// Whether a feature dated `when` shows in `range`.
pub fn is_visible(when: Option<When>, range: &DaySpan) -> bool {
    when.is_none_or(|w| w.span().intersects(range))
}

/// Every feature that shows in `range`, in file order.
pub fn visible_features(dataset: &Dataset, range: &DaySpan) -> Vec<FeatureIndex> {
    dataset
        .whens()
        .enumerate()
        .filter(|(_, when)| is_visible(*when, range))
        .map(|(i, _)| FeatureIndex(i))
        .collect()
}

/// A range from the command line: `from` counts from the first day it covers, `to` up to the
/// last (so `--from 2017-05 --to 2017-05` is all of May).
pub fn range_from_args(from: Option<&str>, to: Option<&str>) -> Result<DaySpan, WhenError> {
    let first = from
        .map(PartialDate::parse)
        .transpose()?
        .map(|d| d.first_day());
    let last = to
        .map(PartialDate::parse)
        .transpose()?
        .map(|d| d.last_day());
    if let (Some(first), Some(last)) = (first, last)
        && last < first
    {
        return Err(WhenError::EndsBeforeStart(format!(
            "{}/{}",
            from.unwrap_or(".."),
            to.unwrap_or("..")
        )));
    }
    Ok(DaySpan { first, last })
}

/// The days from the earliest to the latest dated feature (open ends ignored), if any is dated.
pub fn time_extent(dataset: &Dataset) -> Option<(NaiveDate, NaiveDate)> {
    let spans = dataset.whens().flatten().map(|w| w.span());
    let mut first: Option<NaiveDate> = None;
    let mut last: Option<NaiveDate> = None;
    for span in spans {
        for day in [span.first, span.last].into_iter().flatten() {
            first = Some(first.map_or(day, |f| f.min(day)));
            last = Some(last.map_or(day, |l| l.max(day)));
        }
    }
    Some((first?, last?))
}

#[cfg(test)]
mod tests;

/// Days as integers, for the index: days since 1 January of year 1 (open ends are the extremes).
fn day_number(day: Option<NaiveDate>, open: i32) -> i32 {
    day.map_or(open, |d| chrono::Datelike::num_days_from_ce(&d))
}

/// A span as day numbers, open ends (and timelessness) as the extremes: a feature shows in a
/// range when `first <= range.last && last >= range.first`, as [`VisibleSet`] decides.
pub fn day_numbers(span: Option<DaySpan>) -> (i32, i32) {
    span.map_or((i32::MIN, i32::MAX), |s| {
        (day_number(s.first, i32::MIN), day_number(s.last, i32::MAX))
    })
}

/// Dated features sorted by where their spans start, so that moving the time range touches
/// only the features that may cross its edges. One order serves both edges: a short span ends
/// within `max_short_days` of its start, and long ones are few. (A second order by end would
/// save little time, a few microseconds a move, for 12 bytes a feature.)
#[derive(Debug, Clone, Default)]
pub struct TimeIndex {
    /// Every dated feature, sorted by its first day.
    by_start: Vec<Dated>,
    /// How many features there are, dated or not (those not dated always show).
    features: usize,
    /// The longest span of at most `SHORT_SPAN_DAYS`: the short spans intersecting a range
    /// all start within this many days before it, or inside it.
    max_short_days: i32,
    /// Longer and open-ended spans, checked one by one.
    long: Vec<Dated>,
}

/// A dated feature with both ends of its span (day numbers, inclusive): kept beside each other
/// so that a moved range reads them where it finds the feature, instead of looking each up in
/// a million-long table (a cache miss each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Dated {
    first: i32,
    last: i32,
    feature: u32,
}

impl Dated {
    fn intersects(&self, first: i32, last: i32) -> bool {
        self.first <= last && self.last >= first
    }
}

/// Spans up to this long are found by where they start (see `TimeIndex::max_short_days`).
const SHORT_SPAN_DAYS: i64 = 400;

impl TimeIndex {
    /// Indexes features by their spans (`None`: timeless, always visible).
    pub fn new(spans: impl IntoIterator<Item = Option<DaySpan>>) -> Self {
        let mut features = 0;
        let by_start: Vec<Dated> = spans
            .into_iter()
            .enumerate()
            .filter_map(|(i, span)| {
                features = i + 1;
                let span = span?;
                Some(Dated {
                    first: day_number(span.first, i32::MIN),
                    last: day_number(span.last, i32::MAX),
                    feature: i as u32,
                })
            })
            .collect();
        let by_start =
            crate::sort::sort_unstable_by_key_on_cores(by_start, |d| (d.first, d.feature));
        let mut long = Vec::new();
        let mut max_short_days = 0;
        for &dated in &by_start {
            let length = dated.last as i64 - dated.first as i64;
            if length <= SHORT_SPAN_DAYS {
                max_short_days = max_short_days.max(length as i32);
            } else {
                long.push(dated);
            }
        }
        Self {
            by_start,
            features,
            max_short_days,
            long,
        }
    }

    /// Dated features that may intersect `first..=last`: spans starting from `max_short_days`
    /// before it up to its end (some long ones among them, met twice), then every long span.
    fn candidates(&self, first: i32, last: i32) -> impl Iterator<Item = &Dated> + '_ {
        let from = self
            .by_start
            .partition_point(|d| d.first < first.saturating_sub(self.max_short_days));
        let to = self.by_start.partition_point(|d| d.first <= last);
        self.by_start[from..to.max(from)]
            .iter()
            .chain(self.long.iter())
    }

    /// Dated features that may end within `low..high` (some not, and long ones maybe twice).
    fn ending_candidates(&self, low: i32, high: i32) -> impl Iterator<Item = &Dated> + '_ {
        let (from, to) = self.ending_window(low, high);
        self.by_start[from..to].iter().chain(self.long.iter())
    }

    fn ending_window(&self, low: i32, high: i32) -> (usize, usize) {
        let from = self
            .by_start
            .partition_point(|d| d.first < low.saturating_sub(self.max_short_days));
        let to = self.by_start.partition_point(|d| d.first < high);
        (from, to.max(from))
    }

    fn candidate_count(&self, first: i32, last: i32) -> usize {
        let from = self
            .by_start
            .partition_point(|d| d.first < first.saturating_sub(self.max_short_days));
        let to = self.by_start.partition_point(|d| d.first <= last);
        to.saturating_sub(from) + self.long.len()
    }

    pub fn for_dataset(dataset: &Dataset) -> Self {
        Self::new(dataset.whens().map(|when| when.map(|w| w.span())))
    }

    pub fn len(&self) -> usize {
        self.features
    }

    pub fn is_empty(&self) -> bool {
        self.features == 0
    }

    /// How many dated features start within each of `bins` equal parts of `first..=last`
    /// (day numbers); for the timeline's histogram.
    pub fn start_histogram(&self, first: i32, last: i32, bins: usize) -> Vec<usize> {
        let bins = bins.max(1);
        let width = (last as i64 - first as i64 + 1).max(1) as f64 / bins as f64;
        let position = |day: i32| self.by_start.partition_point(|d| d.first < day);
        // Each edge found once: each bin's end is the next one's start.
        let edges: Vec<usize> = (0..=bins)
            .map(|b| position((first as f64 + b as f64 * width).ceil() as i32))
            .collect();
        edges.windows(2).map(|pair| pair[1] - pair[0]).collect()
    }
}

fn next_generation() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Which features show in a time range, kept up to date as the range moves.
#[derive(Debug, Clone, Default)]
pub struct VisibleSet {
    flags: Vec<bool>,
    count: usize,
    /// Changes whenever a flag does (unique across sets), so that what is worked out from the
    /// flags (the event list) is redone only then.
    generation: u64,
    changed: bool,
    /// The current range as day numbers (inclusive).
    first: i32,
    last: i32,
}

impl VisibleSet {
    pub fn new(index: &TimeIndex, range: &DaySpan) -> Self {
        let first = day_number(range.first, i32::MIN);
        let last = day_number(range.last, i32::MAX);
        // Features not dated always show.
        let mut flags = vec![true; index.len()];
        for dated in &index.by_start {
            flags[dated.feature as usize] = dated.intersects(first, last);
        }
        let count = flags.iter().filter(|v| **v).count();
        Self {
            flags,
            count,
            generation: next_generation(),
            changed: false,
            first,
            last,
        }
    }

    pub fn flags(&self) -> &[bool] {
        &self.flags
    }

    pub fn is_visible(&self, index: usize) -> bool {
        self.flags.get(index).copied().unwrap_or(false)
    }

    pub fn count(&self) -> usize {
        self.count
    }

    /// Tells apart the states of the flags: equal generations, equal flags.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    fn set(&mut self, feature: u32, visible: bool) {
        let flag = &mut self.flags[feature as usize];
        if *flag != visible {
            *flag = visible;
            self.changed = true;
            if visible {
                self.count += 1;
            } else {
                self.count -= 1;
            }
        }
    }

    /// Moves to a new range, touching only features that may change: those crossing the moved
    /// edges, or (for a jump, when that is fewer) those that may intersect the old or new range.
    pub fn set_range(&mut self, index: &TimeIndex, range: &DaySpan) {
        self.changed = false;
        self.move_range(index, range);
        if self.changed {
            self.generation = next_generation();
        }
    }

    fn move_range(&mut self, index: &TimeIndex, range: &DaySpan) {
        let new_first = day_number(range.first, i32::MIN);
        let new_last = day_number(range.last, i32::MAX);
        let between = |sorted: &[Dated], day: fn(&Dated) -> i32, a: i32, b: i32| {
            let (low, high) = (a.min(b), a.max(b));
            sorted.partition_point(|d| day(d) <= high) - sorted.partition_point(|d| day(d) <= low)
        };
        let start_moves = if new_first == self.first {
            0
        } else {
            let (from, to) =
                index.ending_window(self.first.min(new_first), self.first.max(new_first));
            to - from + index.long.len()
        };
        let edge_moves = between(&index.by_start, |d| d.first, self.last, new_last) + start_moves;
        let rebuild = index.candidate_count(self.first, self.last)
            + index.candidate_count(new_first, new_last);
        if rebuild < edge_moves {
            for dated in index.candidates(self.first, self.last) {
                self.set(dated.feature, false);
            }
            self.first = new_first;
            self.last = new_last;
            for dated in index.candidates(new_first, new_last) {
                self.set(dated.feature, dated.intersects(new_first, new_last));
            }
            return;
        }

        // The end moves: features starting between the old and new end appear or disappear.
        if new_last > self.last {
            let from = index.by_start.partition_point(|d| d.first <= self.last);
            let to = index.by_start.partition_point(|d| d.first <= new_last);
            for dated in &index.by_start[from..to] {
                self.set(dated.feature, dated.last >= self.first);
            }
        } else if new_last < self.last {
            let from = index.by_start.partition_point(|d| d.first <= new_last);
            let to = index.by_start.partition_point(|d| d.first <= self.last);
            for dated in &index.by_start[from..to] {
                self.set(dated.feature, false);
            }
        }
        self.last = new_last;

        // The start moves: features ending between the old and new start appear or disappear.
        if new_first != self.first {
            let (low, high) = (self.first.min(new_first), self.first.max(new_first));
            let later = new_first > self.first;
            for dated in index.ending_candidates(low, high) {
                if dated.last >= low && dated.last < high {
                    self.set(dated.feature, !later && dated.first <= self.last);
                }
            }
        }
        self.first = new_first;
    }
}

#[cfg(test)]
mod index_tests;

/// "The story's week": the seven days ending on the latest date given to the day, if any.
pub fn story_week(dataset: &Dataset) -> Option<DaySpan> {
    let last = dataset
        .whens()
        .flatten()
        .filter(|w| w.precision() == crate::model::Precision::Day)
        .filter_map(|w| w.end().map(|d| d.last_day()))
        .max()?;
    let first = last.checked_sub_days(chrono::Days::new(6))?;
    Some(DaySpan::days(first, last))
}
