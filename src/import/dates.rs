//! Dates as other tools write them: every form ACLED exports have used, ISO dates and datetimes,
//! epoch seconds and milliseconds.

use chrono::{DateTime, Datelike, NaiveDate};

use crate::model::{PartialDate, When};

/// The months as ACLED and spreadsheets spell them, in full or cut to three letters.
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A month's number from its English name, full or cut to at least three letters ("Sept" too).
pub fn month_number(name: &str) -> Option<u32> {
    let name = name.trim().to_lowercase();
    if name.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&name) || (name == "sept" && *m == "september"))
        .map(|i| i as u32 + 1)
}

/// A two-digit year as ACLED means it: the most recent year with those digits, up to `this_year`.
fn full_year(digits: &str, this_year: i32) -> Option<i32> {
    let short: i32 = digits.parse().ok()?;
    if digits.len() == 4 {
        return Some(short);
    }
    if digits.len() != 2 {
        return None;
    }
    let century = this_year - this_year.rem_euclid(100);
    Some(if century + short > this_year {
        century - 100 + short
    } else {
        century + short
    })
}

/// A calendar day in any of ACLED's forms: `2016-07-02`, `31-12-19`, `9-May-20`, `05-Jan-22`,
/// `01-January-2015`, `21 March 2020`, `5-Aug-24`; a time after the day is ignored.
/// Two-digit years are the latest such year up to `this_year`.
pub fn parse_day(text: &str, this_year: i32) -> Option<NaiveDate> {
    let text = text.trim();
    let day_part = text
        .split(['T', ' '])
        .next()
        .filter(|first| first.len() >= 8 && first.chars().filter(|c| *c == '-').count() == 2)
        .unwrap_or(text);
    let parts: Vec<&str> = day_part
        .split(['-', ' ', '/'])
        .filter(|p| !p.is_empty())
        .collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let (year, month, day) = if a.len() == 4 {
        // 2016-07-02
        (a.parse().ok()?, b.parse().ok()?, c.parse().ok()?)
    } else {
        let month = match b.parse::<u32>() {
            Ok(number) => number,
            Err(_) => month_number(b)?,
        };
        (full_year(c, this_year)?, month, a.parse().ok()?)
    };
    NaiveDate::from_ymd_opt(year, month, day)
}

/// A date cell of a table: a day in any form [`parse_day`] reads, a month (`2017-05`,
/// `2017/05`) or a year, each covering its whole span.
pub fn table_when(text: &str, this_year: i32) -> Option<When> {
    if let Some(day) = parse_day(text, this_year) {
        return Some(When::on(PartialDate::from_date(day)));
    }
    let mut parts = text.trim().splitn(2, ['-', '/']);
    let year = parts.next()?.parse::<i32>().ok()?;
    if !(1800..=9999).contains(&year) {
        return None;
    }
    match parts.next() {
        None => Some(When::on(PartialDate::year(year))),
        Some(month) => PartialDate::month(year, month.parse().ok()?).map(When::on),
    }
}

/// What a date property's values were read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateForm {
    /// ISO 8601 day or date-time text.
    Iso,
    /// Milliseconds since 1970 (USGS and most JavaScript tools).
    EpochMilliseconds,
    /// Seconds since 1970.
    EpochSeconds,
}

impl DateForm {
    pub fn describe(self) -> &'static str {
        match self {
            DateForm::Iso => "ISO dates",
            DateForm::EpochMilliseconds => "milliseconds since 1970",
            DateForm::EpochSeconds => "seconds since 1970",
        }
    }
}

/// The day a JSON value stands for, read in `form`.
pub fn day_of_value(value: &serde_json::Value, form: DateForm) -> Option<NaiveDate> {
    match (form, value) {
        (DateForm::Iso, serde_json::Value::String(text)) => iso_day(text),
        (DateForm::EpochMilliseconds, serde_json::Value::Number(n)) => {
            DateTime::from_timestamp_millis(n.as_f64()? as i64).map(|t| t.date_naive())
        }
        (DateForm::EpochSeconds, serde_json::Value::Number(n)) => {
            DateTime::from_timestamp(n.as_f64()? as i64, 0).map(|t| t.date_naive())
        }
        _ => None,
    }
}

/// `2024-03-05`, `2024-03-05T10:00:00Z`, `2024-03-05 10:00`: the day, as written (no zone shift).
pub fn iso_day(text: &str) -> Option<NaiveDate> {
    let day = text.trim().get(..10)?;
    let date = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
    let rest = &text.trim()[10..];
    (rest.is_empty() || rest.starts_with(['T', ' ', 't'])).then_some(date)
}

/// A day a reader can believe: not before 1800 and not after `today`.
pub fn plausible(day: NaiveDate, today: NaiveDate) -> bool {
    day.year() >= 1800 && day <= today
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn every_acled_form_is_read() {
        for (text, expected) in [
            ("2016-07-02", day(2016, 7, 2)),
            ("31-12-19", day(2019, 12, 31)),
            ("9-May-20", day(2020, 5, 9)),
            ("05-Jan-22", day(2022, 1, 5)),
            ("01-January-2015", day(2015, 1, 1)),
            ("21 March 2020", day(2020, 3, 21)),
            ("5-Aug-24", day(2024, 8, 5)),
            ("2016-07-02 00:00:00", day(2016, 7, 2)),
            ("12-Sept-98", day(1998, 9, 12)),
        ] {
            assert_eq!(parse_day(text, 2026), expected, "{text}");
        }
    }

    #[test]
    fn impossible_days_are_refused() {
        for text in ["31-02-19", "2016-13-01", "yesterday", "", "5-Foo-24", "1-2"] {
            assert_eq!(parse_day(text, 2026), None, "{text}");
        }
    }

    #[test]
    fn epochs_and_iso_times_give_their_day() {
        let ms = serde_json::json!(1_700_000_000_000_i64);
        assert_eq!(
            day_of_value(&ms, DateForm::EpochMilliseconds),
            day(2023, 11, 14)
        );
        let s = serde_json::json!(1_700_000_000);
        assert_eq!(day_of_value(&s, DateForm::EpochSeconds), day(2023, 11, 14));
        let iso = serde_json::json!("2024-03-05T23:30:00-05:00");
        assert_eq!(day_of_value(&iso, DateForm::Iso), day(2024, 3, 5));
        assert_eq!(iso_day("2024-03-05x"), None);
        assert_eq!(month_number("Sep"), Some(9));
        assert_eq!(month_number("ma"), None);
    }

    #[test]
    fn table_dates_may_be_days_months_or_years() {
        assert_eq!(
            table_when("2017-05-12T10:00", 2026).unwrap().to_string(),
            "2017-05-12"
        );
        assert_eq!(table_when("2017-05", 2026).unwrap().to_string(), "2017-05");
        assert_eq!(table_when("2017", 2026).unwrap().to_string(), "2017");
        assert!(table_when("soon", 2026).is_none());
    }
}
