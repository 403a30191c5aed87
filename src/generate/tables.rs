//! Generated tables in other tools' shapes, for the import benches and trials: ACLED events
//! (its columns, its several date forms), UNHCR yearly origin–asylum counts, and GeoJSON text
//! sequences. Written row by row, deterministic for a seed, made up (no real event).

use std::io::Write;

use super::{Dice, TOWNS, date};

/// ACLED's columns, in the order its exports give them.
const ACLED_COLUMNS: &str = "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp";

/// Event type, sub-event type, disorder type, as ACLED pairs them.
const ACLED_EVENTS: [(&str, &str, &str); 6] = [
    ("Battles", "Armed clash", "Political violence"),
    (
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
        "Political violence",
    ),
    ("Violence against civilians", "Attack", "Political violence"),
    (
        "Strategic developments",
        "Agreement",
        "Strategic developments",
    ),
    ("Protests", "Peaceful protest", "Demonstrations"),
    ("Riots", "Violent demonstration", "Political violence"),
];

const ACTORS: [&str; 4] = [
    "Military Forces of Syria (2000-)",
    "Hayat Tahrir al Sham",
    "Syrian Democratic Forces",
    "Unidentified Armed Group (Syria)",
];

const SOURCES: [&str; 4] = [
    "Syrian Observatory for Human Rights",
    "SANA",
    "Enab Baladi",
    "Reuters",
];

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// How many places the generated ACLED events happen at.
const LOCATIONS: u64 = 5_000;

/// `rows` ACLED events in Syria, 2011–2024, dates in the forms ACLED exports have used.
pub fn write_acled(out: &mut dyn Write, rows: usize, seed: u64) -> std::io::Result<()> {
    let mut dice = Dice(seed);
    writeln!(out, "{ACLED_COLUMNS}")?;
    for i in 0..rows {
        // Events recur at a few thousand places, as in ACLED's own data.
        let place = dice.below(LOCATIONS);
        let (town, lon, lat) = TOWNS[(place % TOWNS.len() as u64) as usize];
        let mut spot = Dice(place);
        let (lon, lat) = (lon + spot.normal() * 0.05, lat + spot.normal() * 0.05);
        let location = format!("{town} {place}");
        let year = 2011 + dice.below(14) as i32;
        let month = 1 + dice.below(12) as usize;
        let day = 1 + dice.below(28);
        let event_date = match dice.below(3) {
            0 => format!("{year}-{month:02}-{day:02}"),
            1 => format!("{day} {} {year}", MONTHS[month - 1]),
            _ => format!("{day:02}-{}-{:02}", &MONTHS[month - 1][..3], year % 100),
        };
        let (event_type, sub_type, disorder) = ACLED_EVENTS[dice.below(6) as usize];
        let actor1 = ACTORS[dice.below(4) as usize];
        let actor2 = ACTORS[dice.below(4) as usize];
        let source = SOURCES[dice.below(4) as usize];
        let fatalities = if disorder == "Political violence" {
            dice.below(12)
        } else {
            0
        };
        let timestamp = 1_300_000_000 + dice.below(420_000_000);
        writeln!(
            out,
            "SYR{i},{event_date},{year},1,{disorder},{event_type},{sub_type},{actor1},,1,{actor2},,3,13,,760,Middle East,Syria,{town},{town},{town},{location},{lat:.4},{lon:.4},{precision},{source},National,\"{event_type} near {town}; {fatalities} reported killed.\",{fatalities},,{timestamp}",
            precision = 1 + dice.below(3),
        )?;
    }
    Ok(())
}

/// Countries of origin and asylum, with their ISO codes, as UNHCR's tables name them.
const COUNTRIES: [(&str, &str); 16] = [
    ("Syrian Arab Rep.", "SYR"),
    ("Türkiye", "TUR"),
    ("Lebanon", "LBN"),
    ("Jordan", "JOR"),
    ("Iraq", "IRQ"),
    ("Egypt", "EGY"),
    ("Germany", "DEU"),
    ("Sweden", "SWE"),
    ("Austria", "AUT"),
    ("Afghanistan", "AFG"),
    ("Iran (Islamic Rep. of)", "IRN"),
    ("Pakistan", "PAK"),
    ("Sudan", "SDN"),
    ("Chad", "TCD"),
    ("Uganda", "UGA"),
    ("Ukraine", "UKR"),
];

/// `rows` yearly counts between countries, in the columns of UNHCR's population statistics.
pub fn write_unhcr(out: &mut dyn Write, rows: usize, seed: u64) -> std::io::Result<()> {
    let mut dice = Dice(seed);
    writeln!(
        out,
        "Year,Country of origin,Country of origin (ISO),Country of asylum,Country of asylum (ISO),Refugees under UNHCR's mandate,Asylum-seekers,Returned refugees,IDPs of concern to UNHCR,Returned IDPs,Stateless persons,Others of concern,Other people in need of international protection,Host Community"
    )?;
    for _ in 0..rows {
        let year = 2000 + dice.below(25);
        let origin = COUNTRIES[dice.below(COUNTRIES.len() as u64) as usize];
        let mut asylum = COUNTRIES[dice.below(COUNTRIES.len() as u64) as usize];
        if asylum == origin {
            asylum =
                COUNTRIES[(dice.below(COUNTRIES.len() as u64 - 1) as usize + 1) % COUNTRIES.len()];
        }
        if asylum == origin {
            asylum = COUNTRIES[1];
        }
        let refugees = dice.below(2_000_000);
        let asylum_seekers = dice.below(50_000);
        writeln!(
            out,
            "{year},\"{}\",{},\"{}\",{},{refugees},{asylum_seekers},0,0,0,0,0,0,0",
            origin.0, origin.1, asylum.0, asylum.1
        )?;
    }
    Ok(())
}

/// `count` features as a GeoJSON text sequence (RFC 8142): each after a record separator.
pub fn write_geojson_seq(out: &mut dyn Write, count: usize, seed: u64) -> std::io::Result<()> {
    let mut dice = Dice(seed);
    for i in 0..count {
        let (town, lon, lat) = TOWNS[dice.below(TOWNS.len() as u64) as usize];
        let lon = lon + dice.normal() * 0.08;
        let lat = lat + dice.normal() * 0.08;
        writeln!(
            out,
            "\u{1e}{{\"type\":\"Feature\",\"id\":\"r{i}\",\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{lon:.5},{lat:.5}]}},\"properties\":{{\"name\":\"Report {i} near {town}\",\"date\":\"{when}\",\"people\":{people}}}}}",
            when = date(&mut dice),
            people = dice.below(5_000),
        )?;
    }
    Ok(())
}

#[cfg(test)]
#[path = "tables_tests.rs"]
mod tests;
