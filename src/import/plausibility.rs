//! Warnings about values that read fine but are unlikely: never silent, never fatal.

use chrono::NaiveDate;

use super::table::row_problem;
use crate::io::Problem;

/// Fewer rows than this give no idea of where "the rest" are.
const MIN_ROWS: usize = 10;

/// Warns about positions far from where the rows are (a latitude of 87.84 among points in
/// Nepal): farther from the median than three times the distance that holds 90% of the rows,
/// and at least 10 degrees.
pub fn far_from_the_rest(positions: &[(usize, f64, f64)], warnings: &mut Vec<Problem>) {
    far_from_the_rest_in(positions, warnings, row_problem);
}

/// [`far_from_the_rest`], the warnings located by `locate(line, message)` (rows of another file).
pub fn far_from_the_rest_in(
    positions: &[(usize, f64, f64)],
    warnings: &mut Vec<Problem>,
    locate: impl Fn(usize, String) -> Problem,
) {
    if positions.len() < MIN_ROWS {
        return;
    }
    // The value a sort would put at `at`, found without sorting (a million rows' sorts took
    // most of a tenth of a second).
    let nth =
        |values: &mut Vec<f64>, at: usize| *values.select_nth_unstable_by(at, f64::total_cmp).1;
    let median = |values: &mut Vec<f64>| nth(values, values.len() / 2);
    let lon = median(&mut positions.iter().map(|p| p.1).collect());
    let lat = median(&mut positions.iter().map(|p| p.2).collect());
    let distance = |p: &(usize, f64, f64)| ((p.1 - lon).powi(2) + (p.2 - lat).powi(2)).sqrt();
    let mut distances: Vec<f64> = positions.iter().map(distance).collect();
    let ninth_tenth = distances.len() * 9 / 10;
    let usual = nth(&mut distances, ninth_tenth);
    let limit = (3.0 * usual).max(10.0);
    for position in positions {
        if distance(position) > limit {
            warnings.push(locate(
                position.0,
                format!(
                    "latitude {}, longitude {} is far from the other rows (nine in ten lie within \
                     {usual:.1}° of {lat:.2}, {lon:.2}); check the coordinates",
                    position.2, position.1
                ),
            ));
        }
    }
}

/// Warns about a row dated after `today` (kept: a scheduled event may be, but a report rarely is).
pub fn future_date(line: usize, day: NaiveDate, today: NaiveDate, warnings: &mut Vec<Problem>) {
    if day > today {
        warnings.push(row_problem(
            line,
            format!("the date {day} is in the future"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_near_the_pole_among_points_in_nepal_is_warned_about() {
        let mut positions: Vec<(usize, f64, f64)> = (0..20)
            .map(|i| (i + 2, 84.0 + i as f64 * 0.1, 28.0 + i as f64 * 0.05))
            .collect();
        positions.push((30, 84.1, 87.84));
        let mut warnings = Vec::new();
        far_from_the_rest(&positions, &mut warnings);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].to_string().split(':').next(), Some("30"));
        assert!(warnings[0].message.contains("latitude 87.84"));
    }
}
