//! A CSV file as rows of text with their line numbers, and its columns found by name in any
//! case: what every tabular import starts from.

pub use super::cells::{Cells, row_problem};
use super::chunks::{Chunk, RecordsError, read_records};
use crate::io::{LoadProgress, Problem};

/// Why CSV text gave no table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableError {
    /// It is not a CSV table (the message says why).
    NotCsv(String),
    /// The reader asked to stop.
    Cancelled,
}

/// How many rows are read between looks at the progress and the Cancel button.
const ROWS_PER_STEP: usize = 4096;

/// A CSV file's header and rows.
pub struct Table {
    /// The header as written.
    pub headers: Vec<String>,
    /// The header folded for lookup: trimmed, lower case, spaces as `_`.
    folded: Vec<String>,
    pub rows: Vec<Row>,
}

/// One record and the line it starts on (1-based, as editors count; the header is line 1).
/// Its cells are one text and where each ends: a cell as a string of its own cost fifty bytes
/// besides its text.
pub struct Row {
    pub line: usize,
    text: Box<str>,
    ends: Box<[u32]>,
}

impl Row {
    pub fn new<'a>(line: usize, cells: impl IntoIterator<Item = &'a str>) -> Self {
        let mut text = String::new();
        let mut ends = Vec::new();
        for cell in cells {
            text.push_str(cell);
            ends.push(text.len() as u32);
        }
        Self {
            line,
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }

    /// The cell of `column` as written; `None` when the row is short.
    fn cell(&self, column: usize) -> Option<&str> {
        let end = *self.ends.get(column)? as usize;
        let start = match column {
            0 => 0,
            _ => self.ends[column - 1] as usize,
        };
        self.text.get(start..end)
    }

    /// The cell of `column`, trimmed; empty when the row is short.
    pub fn get(&self, column: Option<usize>) -> &str {
        column.and_then(|c| self.cell(c)).map_or("", str::trim)
    }

    /// Every cell as written.
    pub fn cells(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).filter_map(|c| self.cell(c))
    }
}

impl Cells for Row {
    fn line(&self) -> usize {
        self.line
    }

    fn get(&self, column: Option<usize>) -> &str {
        Row::get(self, column)
    }
}

/// `Country of origin (ISO)` → `country_of_origin_(iso)`.
pub fn fold_header(name: &str) -> String {
    name.trim()
        .trim_start_matches(crate::io::text::BYTE_ORDER_MARK_CHAR)
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("_")
}

impl Table {
    /// Reads CSV text (a BOM, CRLF line ends and quoted multi-line fields are fine). A record
    /// that cannot be read is a located warning and is left out.
    pub fn parse(bytes: &[u8], warnings: &mut Vec<Problem>) -> Result<Self, String> {
        Self::parse_with(bytes, warnings, &LoadProgress::default()).map_err(|e| match e {
            TableError::NotCsv(message) => message,
            TableError::Cancelled => "cancelled".into(),
        })
    }

    /// [`Self::parse`], counting rows in `progress` (against the count of lines) and stopping
    /// when it is cancelled.
    pub fn parse_with(
        bytes: &[u8],
        warnings: &mut Vec<Problem>,
        progress: &LoadProgress,
    ) -> Result<Self, TableError> {
        let bytes = crate::io::text::without_byte_order_mark(bytes);
        // Lines, not records (a quoted field may span lines): near enough for a progress bar.
        let line_count = memchr::memchr_iter(b'\n', bytes).count().max(1);
        progress.set_rows_total(line_count);
        let whole = Chunk {
            bytes: std::borrow::Cow::Borrowed(bytes),
            first_line: 1,
            number: 0,
        };
        let mut rows = Vec::new();
        let mut seen = 0;
        let headers = read_records(&whole, warnings, |record| {
            seen += 1;
            if seen % ROWS_PER_STEP == 0 {
                if progress.is_cancelled() {
                    return false;
                }
                progress.add_features(ROWS_PER_STEP);
            }
            rows.push(Row::new(record.line, record.cells()));
            true
        })
        .map_err(|e| match e {
            RecordsError::NoHeader(message) => TableError::NotCsv(message),
            RecordsError::Stopped => TableError::Cancelled,
        })?
        .unwrap_or_default();
        progress.add_features(line_count);
        let folded = headers.iter().map(|h| fold_header(h)).collect();
        Ok(Self {
            headers,
            folded,
            rows,
        })
    }

    /// The first column named any of `names` (folded: `event_date` finds `EVENT_DATE`).
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        column_in(&self.folded, names)
    }

    /// Whether every one of `names` is a column.
    pub fn has_all(&self, names: &[&str]) -> bool {
        names.iter().all(|n| self.column(&[n]).is_some())
    }

    /// The folded header, for messages.
    pub fn folded_headers(&self) -> &[String] {
        &self.folded
    }
}

/// The first of `folded` headers named any of `names`.
pub fn column_in(folded: &[String], names: &[&str]) -> Option<usize> {
    names
        .iter()
        .find_map(|name| folded.iter().position(|h| h == name))
}

/// A row's longitude and latitude, or a warning saying why it has none.
pub fn row_position(
    row: &impl Cells,
    lon_column: Option<usize>,
    lat_column: Option<usize>,
    warnings: &mut Vec<Problem>,
) -> Option<(f64, f64)> {
    let (lon_text, lat_text) = (row.get(lon_column), row.get(lat_column));
    if lon_text.is_empty() || lat_text.is_empty() {
        warnings.push(row_problem(
            row.line(),
            "the row has no coordinates; it is left out",
        ));
        return None;
    }
    match (lon_text.parse::<f64>(), lat_text.parse::<f64>()) {
        (Ok(lon), Ok(lat)) if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) => {
            Some((lon, lat))
        }
        _ => {
            warnings.push(row_problem(
                row.line(),
                format!(
                    "latitude {} and longitude {} are not a position on Earth; the row is left out",
                    crate::io::problem::quote(lat_text),
                    crate::io::problem::quote(lon_text)
                ),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_counted_and_a_cancelled_read_stops() {
        let mut text = String::from("a,b\n");
        for i in 0..10_000 {
            text.push_str(&format!("{i},x\n"));
        }
        let progress = LoadProgress::default();
        let table = Table::parse_with(text.as_bytes(), &mut Vec::new(), &progress).unwrap();
        assert_eq!(table.rows.len(), 10_000);
        assert_eq!(progress.describe(), "10,001 of 10,001 rows");
        let cancelled = LoadProgress::default();
        cancelled.cancel();
        assert_eq!(
            Table::parse_with(text.as_bytes(), &mut Vec::new(), &cancelled).err(),
            Some(TableError::Cancelled)
        );
    }

    #[test]
    fn rows_keep_their_lines_through_quoted_line_breaks_a_bom_and_crlf() {
        let text =
            "\u{feff}Event_Date,NOTES\r\n2020-01-01,\"one\r\ntwo\"\r\n\r\n2020-01-02,three\r\n";
        let mut warnings = Vec::new();
        let table = Table::parse(text.as_bytes(), &mut warnings).unwrap();
        assert!(warnings.is_empty());
        assert_eq!(table.column(&["event_date"]), Some(0));
        assert_eq!(table.column(&["notes"]), Some(1));
        assert_eq!(
            table.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            [2, 5]
        );
        assert_eq!(table.rows[0].line, 2);
        assert_eq!(table.rows[0].get(Some(1)), "one\r\ntwo");
        assert_eq!(table.rows[1].line, 5);
    }
}
