//! Countries by code or name, with the point their label stands at: where a flow table's origin
//! and asylum countries are placed. From the bundled Natural Earth country table
//! (`assets/basemap/world/country_codes.tsv`), which also has the names UN tables use.

use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../assets/basemap/world/country_codes.tsv");

/// One country of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Country {
    pub iso3: String,
    /// ISO 3166 alpha-2 (OCHA's p-codes start with it: SY07 is in Syria).
    pub iso2: String,
    pub name: String,
    pub name_ar: String,
    /// Where its label stands (longitude, latitude): inside the country, on its main part.
    pub label: (f64, f64),
}

/// The table, with every code and name folded for lookup.
pub struct Countries {
    countries: Vec<Country>,
    by_key: HashMap<String, usize>,
}

/// Case, accents, punctuation and "the" do not matter: "Côte d'Ivoire" = "COTE D IVOIRE".
fn fold(text: &str) -> String {
    let folded = crate::model::names::fold(text);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && *w != "the")
        .collect();
    words.join(" ")
}

impl Countries {
    /// The bundled table, read once.
    pub fn bundled() -> &'static Countries {
        static TABLE_ONCE: OnceLock<Countries> = OnceLock::new();
        TABLE_ONCE.get_or_init(|| Countries::parse(TABLE))
    }

    fn parse(table: &'static str) -> Self {
        let mut lines = table.lines();
        let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
        let column = |name: &str| header.iter().position(|h| h.trim() == name);
        let rows: Vec<Vec<&str>> = lines
            .map(|l| l.split('\t').map(str::trim).collect())
            .collect();
        let cell = |row: &[&'static str], name: &str| -> &'static str {
            column(name).and_then(|i| row.get(i).copied()).unwrap_or("")
        };
        let mut countries = Vec::new();
        let mut keys: Vec<Vec<&str>> = Vec::new();
        for row in &rows {
            let (Ok(lon), Ok(lat)) = (
                cell(row, "label_lon").parse(),
                cell(row, "label_lat").parse(),
            ) else {
                continue;
            };
            countries.push(Country {
                iso3: cell(row, "iso_a3").to_owned(),
                iso2: cell(row, "iso_a2").to_owned(),
                name: cell(row, "name").to_owned(),
                name_ar: cell(row, "name_ar").to_owned(),
                label: (lon, lat),
            });
            keys.push(vec![
                cell(row, "iso_a3"),
                cell(row, "adm0_a3"),
                cell(row, "iso_a2"),
                cell(row, "unhcr_code"),
                cell(row, "name"),
                cell(row, "aliases"),
            ]);
        }
        // ISO codes before UNHCR's own (its AUS is Austria, ISO's Australia), then names.
        let mut by_key = HashMap::new();
        for pass in 0..4 {
            for (index, row_keys) in keys.iter().enumerate() {
                let texts: Vec<&str> = match pass {
                    0 => row_keys[..3].to_vec(),
                    1 => vec![row_keys[3]],
                    2 => vec![row_keys[4]],
                    _ => row_keys[5].split('|').collect(),
                };
                for text in texts.into_iter().filter(|t| !t.is_empty()) {
                    by_key.entry(fold(text)).or_insert(index);
                }
            }
        }
        Self { countries, by_key }
    }

    /// The country with this ISO or UNHCR code, name or alias (UN tables' names included).
    pub fn find(&self, code_or_name: &str) -> Option<&Country> {
        // A code (`SYR`, `TR`), as most rows of a flow table give: folded without the work a
        // name takes, a million rows' worth of it.
        let bytes = code_or_name.as_bytes();
        if (1..=8).contains(&bytes.len()) && bytes.iter().all(u8::is_ascii_alphanumeric) {
            let mut folded = [0u8; 8];
            let folded = &mut folded[..bytes.len()];
            folded.copy_from_slice(bytes);
            folded.make_ascii_lowercase();
            let key = std::str::from_utf8(folded).unwrap_or_default();
            // Articles fold away: the full rules say what is left of those.
            if !matches!(key, "the" | "al" | "el") {
                return self.by_key.get(key).map(|&i| &self.countries[i]);
            }
        }
        let key = fold(code_or_name);
        if key.is_empty() {
            return None;
        }
        self.by_key.get(&key).map(|&i| &self.countries[i])
    }

    pub fn len(&self) -> usize {
        self.countries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.countries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_found_by_iso_and_unhcr_codes_and_by_un_names() {
        let table = Countries::bundled();
        assert!(table.len() > 200);
        let syria = table.find("SYR").unwrap();
        assert_eq!(syria.name, "Syria");
        assert_eq!(syria.name_ar, "سوريا");
        assert_eq!(table.find("Syrian Arab Rep.").unwrap().iso3, "SYR");
        assert_eq!(table.find("syrian arab republic").unwrap().iso3, "SYR");
        assert_eq!(table.find("Türkiye").unwrap().iso3, "TUR");
        assert_eq!(table.find("TR").unwrap().iso3, "TUR");
        // UNHCR's own code for Angola.
        assert_eq!(table.find("ANG").unwrap().iso3, "AGO");
        assert_eq!(table.find("Iran (Islamic Rep. of)").unwrap().iso3, "IRN");
        assert_eq!(table.find("AUS").unwrap().name, "Australia");
        assert!(table.find("Atlantis").is_none());
        assert!(table.find("").is_none());
    }
}
