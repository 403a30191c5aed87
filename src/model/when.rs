//! Dates as reports give them: with their precision kept.
//!
//! A `When` is an ISO 8601 date of day, month or year precision, or an interval of two such
//! dates with open ends allowed (`2014/2017-05`, `2013/..`). Every value covers its whole span:
//! "2017-05" is 1–31 May 2017, "2013" the whole year.

use std::fmt;
use std::num::NonZeroU32;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// How precisely a report dates something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Year,
    Month,
    Day,
}

/// A calendar date known to a year, a month or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate(NonZeroU32);

/// Years as [`NaiveDate`] has them (about ±262,000), shifted to be positive in 20 bits.
const YEAR_OFFSET: i32 = 262_145;

/// Packed in four bytes (year, month, day; 0 for a month or day not given): a story keeps a
/// date or two per item, a million of them.
impl PartialDate {
    fn pack(year: i32, month: u32, day: u32) -> Self {
        let year = (year.clamp(-YEAR_OFFSET + 1, YEAR_OFFSET - 2) + YEAR_OFFSET) as u32;
        Self(NonZeroU32::new(year << 9 | month << 5 | day).unwrap_or(NonZeroU32::MIN))
    }

    fn year_number(&self) -> i32 {
        (self.0.get() >> 9) as i32 - YEAR_OFFSET
    }

    fn month_number(&self) -> Option<u32> {
        Some(self.0.get() >> 5 & 0xF).filter(|&m| m != 0)
    }

    fn day_number(&self) -> Option<u32> {
        Some(self.0.get() & 0x1F).filter(|&d| d != 0)
    }

    pub fn year(year: i32) -> Self {
        Self::pack(year, 0, 0)
    }

    pub fn month(year: i32, month: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, 1)?;
        Some(Self::pack(year, month, 0))
    }

    pub fn day(year: i32, month: u32, day: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, day)?;
        Some(Self::pack(year, month, day))
    }

    pub fn from_date(date: NaiveDate) -> Self {
        Self::pack(date.year(), date.month(), date.day())
    }

    pub fn precision(&self) -> Precision {
        match (self.month_number(), self.day_number()) {
            (None, _) => Precision::Year,
            (Some(_), None) => Precision::Month,
            (Some(_), Some(_)) => Precision::Day,
        }
    }

    /// The first day this date covers.
    pub fn first_day(&self) -> NaiveDate {
        let month = self.month_number().unwrap_or(1);
        let day = self.day_number().unwrap_or(1);
        NaiveDate::from_ymd_opt(self.year_number(), month, day).unwrap_or(NaiveDate::MIN)
    }

    /// The last day this date covers.
    pub fn last_day(&self) -> NaiveDate {
        match (self.month_number(), self.day_number()) {
            (Some(m), Some(d)) => NaiveDate::from_ymd_opt(self.year_number(), m, d),
            (Some(m), None) => last_day_of_month(self.year_number(), m),
            (None, _) => NaiveDate::from_ymd_opt(self.year_number(), 12, 31),
        }
        .unwrap_or(NaiveDate::MAX)
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (years 1000–9999).
    pub fn parse(text: &str) -> Result<Self, WhenError> {
        let bad = || WhenError::BadDate(text.to_owned());
        let parts: Vec<&str> = text.split('-').collect();
        let number = |part: &str, len: usize| -> Result<u32, WhenError> {
            if part.len() != len || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            part.parse().map_err(|_| bad())
        };
        match parts.as_slice() {
            [y] => Ok(Self::year(number(y, 4)? as i32)),
            [y, m] => Self::month(number(y, 4)? as i32, number(m, 2)?).ok_or_else(bad),
            [y, m, d] => {
                Self::day(number(y, 4)? as i32, number(m, 2)?, number(d, 2)?).ok_or_else(bad)
            }
            _ => Err(bad()),
        }
    }
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(next_year, next_month, 1)?.pred_opt()
}

impl fmt::Display for PartialDate {
    /// The ISO form, as written in data files.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.month_number(), self.day_number()) {
            (Some(m), Some(d)) => write!(f, "{:04}-{:02}-{:02}", self.year_number(), m, d),
            (Some(m), None) => write!(f, "{:04}-{:02}", self.year_number(), m),
            (None, _) => write!(f, "{:04}", self.year_number()),
        }
    }
}

impl PartialDate {
    /// The form a reader expects: "12 May 2017", "May 2017", "2017".
    pub fn human(&self) -> String {
        match (self.month_number(), self.day_number()) {
            (Some(_), Some(d)) => format!("{} {}", d, self.first_day().format("%B %Y")),
            (Some(_), None) => self.first_day().format("%B %Y").to_string(),
            (None, _) => self.year_number().to_string(),
        }
    }
}

/// A reported date or interval; `None` at an end means the interval is open there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct When {
    start: Option<PartialDate>,
    end: Option<PartialDate>,
    is_interval: bool,
}

/// Why a `when` value could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WhenError {
    #[error("'{0}' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")]
    BadDate(String),
    #[error("'{0}' is not a date or an interval START/END (use '..' for an open end)")]
    BadInterval(String),
    #[error("the interval '{0}' ends before it starts")]
    EndsBeforeStart(String),
    #[error("the interval '{0}' is open at both ends")]
    OpenBothEnds(String),
}

impl When {
    pub fn on(date: PartialDate) -> Self {
        Self {
            start: Some(date),
            end: Some(date),
            is_interval: false,
        }
    }

    /// An interval; `None` is an open end. Fails when it ends before it starts or is open at both.
    pub fn between(
        start: Option<PartialDate>,
        end: Option<PartialDate>,
    ) -> Result<Self, WhenError> {
        let text = || format_interval(start, end);
        match (start, end) {
            (None, None) => Err(WhenError::OpenBothEnds(text())),
            (Some(s), Some(e)) if e.last_day() < s.first_day() => {
                Err(WhenError::EndsBeforeStart(text()))
            }
            _ => Ok(Self {
                start,
                end,
                is_interval: true,
            }),
        }
    }

    pub fn parse(text: &str) -> Result<Self, WhenError> {
        let text = text.trim();
        match text.split_once('/') {
            None => Ok(Self::on(PartialDate::parse(text)?)),
            Some((start, end)) => {
                if end.contains('/') {
                    return Err(WhenError::BadInterval(text.to_owned()));
                }
                let side = |s: &str| -> Result<Option<PartialDate>, WhenError> {
                    match s {
                        ".." => Ok(None),
                        _ => PartialDate::parse(s).map(Some),
                    }
                };
                Self::between(side(start)?, side(end)?)
            }
        }
    }

    pub fn start(&self) -> Option<PartialDate> {
        self.start
    }

    pub fn end(&self) -> Option<PartialDate> {
        self.end
    }

    /// The days this value covers, inclusive; open ends are unbounded.
    pub fn span(&self) -> DaySpan {
        DaySpan {
            first: self.start.map(|d| d.first_day()),
            last: self.end.map(|d| d.last_day()),
        }
    }

    /// The finest precision of either end; used to choose a playback step.
    pub fn precision(&self) -> Precision {
        [self.start, self.end]
            .into_iter()
            .flatten()
            .map(|d| d.precision())
            .max()
            .unwrap_or(Precision::Year)
    }

    /// The form a reader expects: "12 May 2017", "2014 – May 2017", "since 2013".
    pub fn human(&self) -> String {
        if !self.is_interval {
            return self.start.map(|d| d.human()).unwrap_or_default();
        }
        match (self.start, self.end) {
            (Some(s), Some(e)) => format!("{} – {}", s.human(), e.human()),
            (Some(s), None) => format!("since {}", s.human()),
            (None, Some(e)) => format!("until {}", e.human()),
            (None, None) => String::new(),
        }
    }
}

fn format_interval(start: Option<PartialDate>, end: Option<PartialDate>) -> String {
    let side = |d: Option<PartialDate>| d.map_or_else(|| "..".to_owned(), |d| d.to_string());
    format!("{}/{}", side(start), side(end))
}

impl fmt::Display for When {
    /// The ISO 8601 form, as written in data files.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_interval {
            f.write_str(&format_interval(self.start, self.end))
        } else if let Some(date) = self.start {
            write!(f, "{date}")
        } else {
            Ok(())
        }
    }
}

impl Serialize for When {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for When {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        When::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Inclusive range of days; `None` is unbounded on that side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DaySpan {
    pub first: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
}

impl DaySpan {
    pub const ALL_TIME: DaySpan = DaySpan {
        first: None,
        last: None,
    };

    pub fn days(first: NaiveDate, last: NaiveDate) -> Self {
        Self {
            first: Some(first),
            last: Some(last),
        }
    }

    /// Whether the two spans share at least one day.
    /// "8 May 2017 – 14 May 2017", "12 May 2017", "all time", "from 2013-01-01" in words.
    pub fn describe(&self) -> String {
        let human = |day: NaiveDate| format!("{} {}", day.day(), day.format("%B %Y"));
        match (self.first, self.last) {
            (None, None) => "all time".into(),
            (Some(a), Some(b)) if a == b => human(a),
            (Some(a), Some(b)) => format!("{} – {}", human(a), human(b)),
            (Some(a), None) => format!("from {}", human(a)),
            (None, Some(b)) => format!("until {}", human(b)),
        }
    }

    pub fn intersects(&self, other: &DaySpan) -> bool {
        let starts_before_other_ends = match (self.first, other.last) {
            (Some(first), Some(last)) => first <= last,
            _ => true,
        };
        let other_starts_before_this_ends = match (other.first, self.last) {
            (Some(first), Some(last)) => first <= last,
            _ => true,
        };
        starts_before_other_ends && other_starts_before_this_ends
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.first.is_none_or(|f| f <= day) && self.last.is_none_or(|l| day <= l)
    }
}

/// An `Option<When>` in eight bytes instead of twelve, for columns of a million: a date's four
/// bytes use 29 bits, so the end's spare top bits say whether there is a value and whether it
/// is an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackedWhen {
    start: u32,
    end_and_flags: u32,
}

impl PackedWhen {
    const SOME: u32 = 1 << 31;
    const INTERVAL: u32 = 1 << 30;
    const DATE: u32 = Self::INTERVAL - 1;

    pub fn pack(when: Option<When>) -> Self {
        let raw = |date: Option<PartialDate>| date.map_or(0, |d| d.0.get());
        match when {
            None => Self {
                start: 0,
                end_and_flags: 0,
            },
            Some(when) => Self {
                start: raw(when.start),
                end_and_flags: Self::SOME
                    | if when.is_interval { Self::INTERVAL } else { 0 }
                    | raw(when.end),
            },
        }
    }

    pub fn unpack(self) -> Option<When> {
        if self.end_and_flags & Self::SOME == 0 {
            return None;
        }
        let date = |raw: u32| NonZeroU32::new(raw).map(PartialDate);
        Some(When {
            start: date(self.start),
            end: date(self.end_and_flags & Self::DATE),
            is_interval: self.end_and_flags & Self::INTERVAL != 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_packed_when_is_the_same_value_in_eight_bytes() {
        assert_eq!(std::mem::size_of::<PackedWhen>(), 8);
        let values = [
            "2017",
            "2017-05",
            "2017-05-12",
            "2017-05-12/2017-06",
            "../2011-03",
            "2011/..",
            "0001-01-01",
            "9999-12-31/..",
        ];
        for text in values {
            let when = Some(When::parse(text).expect(text));
            assert_eq!(PackedWhen::pack(when).unpack(), when, "{text}");
        }
        assert_eq!(PackedWhen::pack(None).unpack(), None);
        // A date alone and the interval from that date to itself are different values.
        let day = PartialDate::day(2017, 5, 12).expect("a day");
        let alone = PackedWhen::pack(Some(When::on(day)));
        let interval = PackedWhen::pack(When::between(Some(day), Some(day)).ok());
        assert_ne!(alone, interval);
        assert_eq!(
            interval.unpack().map(|w| w.to_string()).as_deref(),
            Some("2017-05-12/2017-05-12")
        );
    }

    #[test]
    fn a_month_covers_all_its_days() {
        let span = When::parse("2017-05").unwrap().span();
        assert_eq!(span, DaySpan::days(day(2017, 5, 1), day(2017, 5, 31)));
    }

    #[test]
    fn a_year_covers_all_its_days() {
        let span = When::parse("2013").unwrap().span();
        assert_eq!(span, DaySpan::days(day(2013, 1, 1), day(2013, 12, 31)));
    }

    #[test]
    fn february_of_a_leap_year_ends_on_the_29th() {
        let span = When::parse("2016-02").unwrap().span();
        assert_eq!(span.last, Some(day(2016, 2, 29)));
    }

    #[test]
    fn an_interval_spans_from_the_start_of_its_first_date_to_the_end_of_its_last() {
        let span = When::parse("2014/2017-05").unwrap().span();
        assert_eq!(span, DaySpan::days(day(2014, 1, 1), day(2017, 5, 31)));
    }

    #[test]
    fn open_ends_are_unbounded() {
        let span = When::parse("2013/..").unwrap().span();
        assert_eq!(span.first, Some(day(2013, 1, 1)));
        assert_eq!(span.last, None);
        let span = When::parse("../2011-03").unwrap().span();
        assert_eq!(span.first, None);
        assert_eq!(span.last, Some(day(2011, 3, 31)));
    }

    #[test]
    fn malformed_values_are_rejected_with_the_reason() {
        for text in [
            "",
            "17-05-12",
            "2017-5-12",
            "2017-13",
            "2017-02-30",
            "12 May",
            "2017/05/12",
            "../..",
        ] {
            assert!(When::parse(text).is_err(), "{text:?} should be rejected");
        }
        assert_eq!(
            When::parse("2017-05/2016"),
            Err(WhenError::EndsBeforeStart("2017-05/2016".into()))
        );
        assert_eq!(
            When::parse("../.."),
            Err(WhenError::OpenBothEnds("../..".into()))
        );
    }

    #[test]
    fn an_interval_may_start_and_end_within_the_same_month_at_different_precisions() {
        assert!(When::parse("2017-05/2017-05-01").is_ok());
        assert!(When::parse("2017-05-31/2017-05").is_ok());
    }

    #[test]
    fn values_print_back_as_written() {
        for text in [
            "2017-05-12",
            "2017-05",
            "2013",
            "2014/2017-05",
            "2013/..",
            "../2011",
        ] {
            assert_eq!(When::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn values_read_as_a_person_would_say_them() {
        assert_eq!(When::parse("2017-05-12").unwrap().human(), "12 May 2017");
        assert_eq!(When::parse("2017-05").unwrap().human(), "May 2017");
        assert_eq!(When::parse("2013/..").unwrap().human(), "since 2013");
        assert_eq!(
            When::parse("2014/2017-05").unwrap().human(),
            "2014 – May 2017"
        );
    }

    #[test]
    fn precision_is_the_finest_of_the_ends() {
        assert_eq!(When::parse("2013").unwrap().precision(), Precision::Year);
        assert_eq!(
            When::parse("2014/2017-05-12").unwrap().precision(),
            Precision::Day
        );
    }
}
