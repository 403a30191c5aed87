//! Generated stories of any size, for benchmarks and tests: places clustered around real Syrian
//! towns, dates over 2011–2024 at mixed precision (day, month, year), movements between places
//! with competing figures from two sources, events at places, every item citing a source. The
//! same count and seed always give the same file. Written feature by feature, so a million
//! features never sit in memory as one string.

use std::io::Write;

pub mod tables;

/// Towns the generated places cluster around: name, longitude, latitude.
const TOWNS: [(&str, f64, f64); 24] = [
    ("Damascus", 36.29, 33.51),
    ("Aleppo", 37.16, 36.20),
    ("Homs", 36.72, 34.73),
    ("Hama", 36.75, 35.13),
    ("Idlib", 36.63, 35.93),
    ("Raqqa", 39.01, 35.95),
    ("Deir ez-Zor", 40.14, 35.34),
    ("Daraa", 36.10, 32.62),
    ("Latakia", 35.78, 35.52),
    ("Tartus", 35.89, 34.89),
    ("Qamishli", 41.23, 37.05),
    ("Hasakah", 40.75, 36.50),
    ("Palmyra", 38.27, 34.55),
    ("Douma", 36.40, 33.57),
    ("Manbij", 37.95, 36.53),
    ("Al-Bab", 37.52, 36.37),
    ("Azaz", 37.05, 36.59),
    ("Afrin", 36.87, 36.51),
    ("Jisr al-Shughur", 36.32, 35.81),
    ("Maarat al-Numan", 36.67, 35.65),
    ("Quneitra", 35.82, 33.13),
    ("Suwayda", 36.57, 32.71),
    ("Abu Kamal", 40.92, 34.45),
    ("Kobani", 38.35, 36.89),
];

const EVENT_TYPES: [&str; 5] = ["clashes", "siege", "agreement", "statement", "clashes"];
const MOVEMENT_TYPES: [&str; 3] = ["evacuation", "displacement", "return"];

/// A small deterministic generator (SplitMix64): the same seed, the same story, everywhere.
/// The model's tests draw their random features from it too.
pub(crate) struct Dice(pub(crate) u64);

impl Dice {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// From 0 to `n - 1`.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// From 0 to 1.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Roughly normal, mean 0, deviation 1 (sum of uniforms).
    fn normal(&mut self) -> f64 {
        (0..4).map(|_| self.unit()).sum::<f64>() - 2.0
    }
}

/// A date between 2011 and 2024: a day most often, sometimes a month or a year only.
fn date(dice: &mut Dice) -> String {
    let year = 2011 + dice.below(14);
    let month = 1 + dice.below(12);
    let day = 1 + dice.below(28);
    match dice.below(10) {
        0 => format!("{year}"),
        1 | 2 => format!("{year}-{month:02}"),
        _ => format!("{year}-{month:02}-{day:02}"),
    }
}

/// Writes a story of `count` features (a third places, a third movements, a third events).
pub fn write_story(out: &mut dyn Write, count: usize, seed: u64) -> std::io::Result<()> {
    let mut dice = Dice(seed);
    let places = (count / 3).max(2).min(count.max(2));
    let movements = (count.saturating_sub(places)) / 2;
    let events = count.saturating_sub(places + movements);
    writeln!(
        out,
        r#"{{"type":"FeatureCollection","evacmap":{{"version":1,"title":"Generated story of {count} features (seed {seed})","sources":{{"monitor":{{"name":"Monitor (generated)","kind":"monitor"}},"agency":{{"name":"Agency (generated)","kind":"news_agency"}}}}}},"features":["#
    )?;
    let mut first = true;
    let mut separator = |out: &mut dyn Write| -> std::io::Result<()> {
        if first {
            first = false;
            Ok(())
        } else {
            out.write_all(b",\n")
        }
    };
    for i in 0..places {
        let (town, lon, lat) = TOWNS[dice.below(TOWNS.len() as u64) as usize];
        // Most places near the town, a few farther out.
        let spread = if dice.below(10) == 0 { 0.5 } else { 0.08 };
        let lon = lon + dice.normal() * spread;
        let lat = lat + dice.normal() * spread;
        let status = ["government", "opposition", "contested", "truce"][dice.below(4) as usize];
        separator(out)?;
        write!(
            out,
            r#"{{"type":"Feature","id":"p{i}","geometry":{{"type":"Point","coordinates":[{lon:.5},{lat:.5}]}},"properties":{{"kind":"place","name":"{town} {i}","place_type":"village","geo_precision":"approximate","control":[{{"when":"{when}","status":"{status}","sources":["monitor"]}}],"sources":["monitor"]}}}}"#,
            when = date(&mut dice),
        )?;
    }
    for i in 0..movements {
        let from = dice.below(places as u64);
        let mut to = dice.below(places as u64);
        if to == from {
            to = (to + 1) % places as u64;
        }
        let people = 50 + dice.below(20_000);
        // The second source reports a different count, as sources do.
        let other = people * (60 + dice.below(80)) / 100;
        let kind = MOVEMENT_TYPES[dice.below(3) as usize];
        separator(out)?;
        write!(
            out,
            r#"{{"type":"Feature","id":"m{i}","geometry":null,"properties":{{"kind":"movement","from":"p{from}","to":"p{to}","when":"{when}","movement_type":"{kind}","status":"completed","figures":[{{"measure":"people","value":{people},"qualifier":"exact","sources":["agency"]}},{{"measure":"people","value":{other},"qualifier":"about","sources":["monitor"]}}],"sources":["agency","monitor"]}}}}"#,
            when = date(&mut dice),
        )?;
    }
    for i in 0..events {
        let place = dice.below(places as u64);
        let kind = EVENT_TYPES[dice.below(EVENT_TYPES.len() as u64) as usize];
        separator(out)?;
        write!(
            out,
            r#"{{"type":"Feature","id":"e{i}","geometry":null,"properties":{{"kind":"event","event_type":"{kind}","when":"{when}","place":"p{place}","summary":"Generated report of {kind}","sources":["monitor"]}}}}"#,
            when = date(&mut dice),
        )?;
    }
    writeln!(out, "\n]}}")
}

/// The story as one string (for benchmarks and tests of modest size).
pub fn story(count: usize, seed: u64) -> String {
    let mut bytes = Vec::with_capacity(count * 330);
    // Writing to memory cannot fail.
    write_story(&mut bytes, count, seed).ok();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_story_loads_with_every_feature_and_no_warning() {
        let text = story(300, 7);
        let loaded = crate::io::parse_bytes(text.as_bytes(), "generated").unwrap();
        assert_eq!(loaded.dataset.features().len(), 300);
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        let movements = loaded.dataset.movements().count();
        let places = loaded.dataset.places().count();
        assert_eq!((places, movements), (100, 100));
    }

    #[test]
    fn the_same_seed_gives_the_same_story_and_another_seed_another() {
        assert_eq!(story(100, 1), story(100, 1));
        assert_ne!(story(100, 1), story(100, 2));
    }

    #[test]
    fn dates_come_at_every_precision() {
        let text = story(3000, 3);
        assert!(text.contains(r#""when":"2011-"#) || text.contains(r#""when":"2011""#));
        let year_only = text.matches(r#""when":"20"#).count();
        assert!(year_only > 0);
        assert!(text.contains(r#"-05""#), "months alone");
        let loaded = crate::io::parse_bytes(text.as_bytes(), "generated").unwrap();
        let precisions: std::collections::HashSet<_> = loaded
            .dataset
            .whens()
            .flatten()
            .map(|w| format!("{:?}", w.precision()))
            .collect();
        assert_eq!(precisions.len(), 3, "{precisions:?}");
    }
}
