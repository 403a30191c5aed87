//! What a file is, told from its first bytes: GeoJSON, a GeoJSON text sequence, or one of the
//! tables evacmap reads; or why it is none of them.

use super::Format;
use crate::import::{acled, dtm, flows, geojson_dates, hxl, idmc, locations, table};

/// What the content is, or why it is none of the formats evacmap reads (what was recognised and
/// what was missing).
pub fn detect(bytes: &[u8]) -> Result<Format, String> {
    let text = crate::io::text::without_byte_order_mark(bytes);
    let start = text.iter().position(|b| !b.is_ascii_whitespace());
    match start.map(|i| text[i]) {
        None => return Err("the file is empty".into()),
        Some(0x1E) => return Ok(Format::GeoJsonSequence),
        Some(b'{') => {
            // One JSON object per line is a sequence; a document spanning lines is GeoJSON.
            return Ok(if geojson_dates::is_line_delimited(text) {
                Format::GeoJsonSequence
            } else {
                Format::GeoJson
            });
        }
        Some(b'[') => return Ok(Format::GeoJson),
        Some(_) => {}
    }
    let head = &text[..text.len().min(64 * 1024)];
    if std::str::from_utf8(head).is_err()
        && std::str::from_utf8(&head[..head.len().saturating_sub(3)]).is_err()
    {
        return Err("the file is neither GeoJSON nor CSV text (it is not UTF-8)".into());
    }
    let mut ignored = Vec::new();
    let table = table::Table::parse(first_lines(text, 2), &mut ignored)
        .map_err(|e| format!("not GeoJSON, and not a CSV table: {e}"))?;
    // The tags say what each column is, whatever the headers.
    if hxl::is_hxl(&table) {
        return Ok(Format::Hxl);
    }
    if acled::is_acled(&table) {
        return Ok(Format::Acled);
    }
    if idmc::is_idmc(&table) {
        return Ok(Format::Idmc);
    }
    if dtm::is_dtm(&table) {
        return Ok(Format::Dtm);
    }
    if flows::is_country_flows(&table) {
        return Ok(Format::CountryFlows);
    }
    if flows::is_point_flows(&table) {
        return Ok(Format::PointFlows);
    }
    if locations::is_location_flows(&table) {
        return Ok(Format::LocationFlows);
    }
    if locations::is_locations(&table) {
        return Ok(Format::Locations);
    }
    // The file's own header, cut where it would swamp the message.
    let mut columns = table.folded_headers().join(", ");
    if let Some((cut, _)) = columns.char_indices().nth(60) {
        columns.truncate(cut);
        columns.push('…');
    }
    Err(format!(
        "not GeoJSON; read as a CSV table with the columns {columns}, which is none of the \
         tables evacmap reads: an ACLED export needs event_date, event_type, latitude, \
         longitude, actor1; country flows year, origin, asylum; origin–destination tables origin \
         and destination with coordinates; HXL a hashtag row under the header; IDMC figure and \
         qualifier; IOM DTM admin areas, an IDP count, a round; flowmap.blue id, lat and lon \
         (locations) or origin, dest and count (flows)"
    ))
}

/// The first `count` records' text (records may span lines inside quotes).
pub(super) fn first_lines(text: &[u8], count: usize) -> &[u8] {
    let mut in_quotes = false;
    let mut seen = 0;
    for (i, b) in text.iter().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                seen += 1;
                if seen == count {
                    return &text[..=i];
                }
            }
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_from_the_content() {
        assert_eq!(
            detect(b"  {\"type\":\"FeatureCollection\",\n\"features\":[]}"),
            Ok(Format::GeoJson)
        );
        assert_eq!(
            detect(b"\x1e{\"type\":\"Feature\"}\n"),
            Ok(Format::GeoJsonSequence)
        );
        assert_eq!(
            detect(b"{\"type\":\"Feature\"}\n{\"type\":\"Feature\"}\n"),
            Ok(Format::GeoJsonSequence)
        );
        assert_eq!(
            detect(
                b"EVENT_DATE,EVENT_TYPE,ACTOR1,LATITUDE,LONGITUDE\n01-January-2015,Riots,x,1,2\n"
            ),
            Ok(Format::Acled)
        );
        assert_eq!(
            detect(
                b"Year,Country of origin (ISO),Country of asylum (ISO),Refugees\n2017,SYR,TUR,5\n"
            ),
            Ok(Format::CountryFlows)
        );
        let refused = detect(b"name,colour\nrose,red\n").unwrap_err();
        assert!(refused.contains("the columns name, colour"), "{refused}");
        assert!(refused.contains("an ACLED export needs"), "{refused}");
        assert_eq!(detect(b"  \n").unwrap_err(), "the file is empty");
    }
}
