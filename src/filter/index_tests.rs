use super::*;

fn spans() -> Vec<Option<DaySpan>> {
    [
        "2017-05-08",
        "2017-05-12",
        "2017-05-14",
        "2013/..",
        "2014/2017",
        "2011-03",
        "../2017-05",
    ]
    .iter()
    .map(|t| Some(When::parse(t).unwrap().span()))
    .chain([None])
    .collect()
}

fn brute_force(spans: &[Option<DaySpan>], range: &DaySpan) -> Vec<bool> {
    spans
        .iter()
        .map(|s| s.is_none_or(|s| s.intersects(range)))
        .collect()
}

#[test]
fn moving_the_range_gives_the_same_answer_as_checking_every_feature() {
    let spans = spans();
    let index = TimeIndex::new(spans.clone());
    let mut visible = VisibleSet::new(&index, &DaySpan::ALL_TIME);
    let ranges = [
        ("2017-05-08", "2017-05-08"),
        ("2017-05-12", "2017-05-14"),
        ("2013", "2013"),
        ("2010", "2011-03-01"),
        ("2017-05-13", "2017-06"),
        ("2018", "2019"),
        ("2011", "2018"),
        ("2017-05-14", "2017-05-14"),
    ];
    for (from, to) in ranges {
        let range = range_from_args(Some(from), Some(to)).unwrap();
        visible.set_range(&index, &range);
        let expected = brute_force(&spans, &range);
        assert_eq!(visible.flags(), expected.as_slice(), "{from}..{to}");
        assert_eq!(visible.count(), expected.iter().filter(|v| **v).count());
        assert_eq!(VisibleSet::new(&index, &range).flags(), expected.as_slice());
    }
    visible.set_range(&index, &DaySpan::ALL_TIME);
    assert!(visible.flags().iter().all(|v| *v));
}

#[test]
fn a_pseudo_random_walk_of_ranges_agrees_with_brute_force() {
    let mut seed = 42u64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as i64
    };
    let base = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    let spans: Vec<Option<DaySpan>> = (0..400)
        .map(|_| {
            let a = base + chrono::Days::new((next() % 3000) as u64);
            let b = a + chrono::Days::new((next() % 200) as u64);
            match next() % 10 {
                0 => None,
                1 => Some(DaySpan {
                    first: None,
                    last: Some(b),
                }),
                2 => Some(DaySpan {
                    first: Some(a),
                    last: None,
                }),
                _ => Some(DaySpan::days(a, b)),
            }
        })
        .collect();
    let index = TimeIndex::new(spans.clone());
    let mut visible = VisibleSet::new(&index, &DaySpan::ALL_TIME);
    for _ in 0..300 {
        let a = base + chrono::Days::new((next() % 3200) as u64);
        let b = a + chrono::Days::new((next() % 400) as u64);
        let range = DaySpan::days(a, b);
        visible.set_range(&index, &range);
        assert_eq!(visible.flags(), brute_force(&spans, &range).as_slice());
    }
}

#[test]
fn the_histogram_counts_starts_per_bin() {
    let index = TimeIndex::new(spans());
    let first = day_number(NaiveDate::from_ymd_opt(2017, 5, 8), 0);
    let counts = index.start_histogram(first, first + 6, 7);
    // 8 May, 12 May and 14 May each start one feature.
    assert_eq!(counts, vec![1, 0, 0, 0, 1, 0, 1]);
}

/// Bins of fractional width: every start in the days shown is counted once, in the bin
/// whose days hold it.
#[test]
fn the_histogram_agrees_with_counting_each_start() {
    let base = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap();
    let starts: Vec<i64> = (0..500).map(|i: i64| (i * 7919) % 400).collect();
    let spans = starts.iter().map(|&d| {
        let day = base + chrono::Days::new(d as u64);
        Some(DaySpan::days(day, day))
    });
    let index = TimeIndex::new(spans);
    let first = day_number(Some(base), 0) + 13;
    for (last, bins) in [
        (first + 300, 7),
        (first + 99, 100),
        (first + 10, 3),
        (first, 1),
    ] {
        let counts = index.start_histogram(first, last, bins);
        let width = (last - first + 1) as f64 / bins as f64;
        let mut expected = vec![0; bins];
        for &d in &starts {
            let day = day_number(Some(base), 0) + d as i32;
            if (first..=last).contains(&day) {
                let bin = (0..bins)
                    .find(|&b| (day as f64) < (first as f64 + (b + 1) as f64 * width).ceil())
                    .unwrap();
                expected[bin] += 1;
            }
        }
        assert_eq!(counts, expected, "{bins} bins to {last}");
    }
}
