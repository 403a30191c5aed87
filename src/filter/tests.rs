use super::*;

fn range(from: &str, to: &str) -> DaySpan {
    range_from_args(Some(from), Some(to)).unwrap()
}

fn when(text: &str) -> Option<When> {
    Some(When::parse(text).unwrap())
}

#[test]
fn a_day_shows_in_a_range_of_that_same_day() {
    assert!(is_visible(
        when("2017-05-12"),
        &range("2017-05-12", "2017-05-12")
    ));
    assert!(!is_visible(
        when("2017-05-12"),
        &range("2017-05-13", "2017-05-13")
    ));
    assert!(!is_visible(
        when("2017-05-12"),
        &range("2017-05-11", "2017-05-11")
    ));
}

#[test]
fn a_month_shows_for_any_day_inside_it() {
    assert!(is_visible(
        when("2017-05"),
        &range("2017-05-31", "2017-05-31")
    ));
    assert!(!is_visible(
        when("2017-05"),
        &range("2017-06-01", "2017-06-30")
    ));
}

#[test]
fn a_day_shows_in_a_range_given_to_month_precision() {
    let may = range("2017-05", "2017-05");
    assert!(is_visible(when("2017-05-01"), &may));
    assert!(is_visible(when("2017-05-31"), &may));
    assert!(!is_visible(when("2017-04-30"), &may));
}

#[test]
fn a_year_shows_for_a_range_inside_it_and_not_after_it() {
    assert!(is_visible(when("2013"), &range("2013-06-01", "2013-06-30")));
    assert!(!is_visible(
        when("2013"),
        &range("2014-01-01", "2014-01-01")
    ));
}

#[test]
fn an_open_interval_shows_for_every_range_after_its_start() {
    assert!(is_visible(
        when("2013/.."),
        &range("2030-01-01", "2030-01-01")
    ));
    assert!(!is_visible(
        when("2013/.."),
        &range("2012-12-31", "2012-12-31")
    ));
    assert!(is_visible(when("../2011-03"), &range("1990", "1990")));
}

#[test]
fn an_interval_shows_when_it_overlaps_the_range_at_one_end() {
    let truce = when("2014/2017-02");
    assert!(is_visible(truce, &range("2017-02-28", "2017-05-14")));
    assert!(!is_visible(truce, &range("2017-03-01", "2017-05-14")));
    assert!(is_visible(truce, &range("2010", "2014-01-01")));
}

#[test]
fn timeless_features_always_show() {
    assert!(is_visible(None, &range("1900", "1900")));
    assert!(is_visible(None, &DaySpan::ALL_TIME));
}

#[test]
fn an_open_range_shows_everything_on_its_open_side() {
    let from_2017 = range_from_args(Some("2017"), None).unwrap();
    assert!(is_visible(when("2099"), &from_2017));
    assert!(!is_visible(when("2016-12-31"), &from_2017));
}

#[test]
fn a_range_that_ends_before_it_starts_is_refused() {
    assert!(range_from_args(Some("2017-05-12"), Some("2017-05-11")).is_err());
    assert!(range_from_args(Some("12/05/2017"), None).is_err());
}
