//! HXL, the Humanitarian Exchange Language: tables whose columns are said by a row of hashtags
//! under the header (`#adm1+name`, `#affected+idps`, `#date+reported`), in any language of the
//! headers and any column order. The tags (case-insensitive) tell what the table is: movements
//! between origins and destinations, counts of people at places (stocks), or dated events at
//! places ([`read`]). Pure, no egui.

pub mod read;

use super::table::{Row, Table};

/// A column's hashtag and its attributes, lower case: `#affected+idps+f`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub hashtag: String,
    pub attributes: Vec<String>,
}

/// Whether `text` is a word HXL allows in a hashtag or attribute.
fn is_word(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Tag {
    /// The tag of a cell of the hashtag row (`None` when it is none: empty or plain text).
    pub fn parse(cell: &str) -> Option<Tag> {
        let text = cell.trim().strip_prefix('#')?;
        let mut parts = text.split('+').map(|p| p.trim().to_lowercase());
        let hashtag = parts.next().filter(|h| is_word(h))?;
        let attributes: Vec<String> = parts.collect();
        attributes.iter().all(|a| is_word(a)).then_some(Tag {
            hashtag,
            attributes,
        })
    }

    pub fn has(&self, attribute: &str) -> bool {
        self.attributes.iter().any(|a| a == attribute)
    }

    /// As written in HXL: `#affected+idps`.
    pub fn text(&self) -> String {
        let mut text = format!("#{}", self.hashtag);
        for attribute in &self.attributes {
            text.push('+');
            text.push_str(attribute);
        }
        text
    }

    /// The same tag and attributes in any order.
    pub fn same_as(&self, other: &Tag) -> bool {
        let mut mine = self.attributes.clone();
        let mut theirs = other.attributes.clone();
        mine.sort();
        theirs.sort();
        self.hashtag == other.hashtag && mine == theirs
    }
}

/// Whether a row is HXL's hashtag row: some cell is a hashtag and every non-empty one is.
pub fn is_tag_row<'a>(cells: impl IntoIterator<Item = &'a str>) -> bool {
    let mut any = false;
    for cell in cells.into_iter().map(str::trim).filter(|c| !c.is_empty()) {
        if Tag::parse(cell).is_none() {
            return false;
        }
        any = true;
    }
    any
}

/// The core hashtags of the HXL standard (1.1): a tag outside it is read as kept data, with a
/// warning that it may be a typing error.
const CORE_HASHTAGS: &[&str] = &[
    "access",
    "activity",
    "adm1",
    "adm2",
    "adm3",
    "adm4",
    "adm5",
    "affected",
    "beneficiary",
    "capacity",
    "cause",
    "channel",
    "contact",
    "country",
    "crisis",
    "currency",
    "date",
    "delivery",
    "description",
    "event",
    "financial",
    "frequency",
    "geo",
    "group",
    "impact",
    "indicator",
    "inneed",
    "item",
    "loc",
    "meta",
    "modality",
    "need",
    "operations",
    "org",
    "output",
    "population",
    "reached",
    "region",
    "respondee",
    "sector",
    "service",
    "severity",
    "status",
    "subsector",
    "targeted",
    "value",
    "zone",
];

/// One column of an HXL table.
#[derive(Debug, Clone)]
pub struct Column {
    pub index: usize,
    /// The header above the tag (the tag's text when the tags are the header).
    pub header: String,
    pub tag: Option<Tag>,
}

impl Column {
    /// How messages name it: `column 4 ("IDPs", #affected+idps)`.
    pub fn describe(&self) -> String {
        let tag = self.tag.as_ref().map(Tag::text).unwrap_or_default();
        if self.header.is_empty() || self.header == tag {
            format!("column {} ({tag})", self.index + 1)
        } else {
            format!(
                "column {} ({}, {tag})",
                self.index + 1,
                crate::io::problem::quote(&self.header)
            )
        }
    }

    /// The key its values are kept under on each item: its header, or its tag.
    pub fn key(&self) -> String {
        if self.header.trim().is_empty() {
            self.tag.as_ref().map(Tag::text).unwrap_or_default()
        } else {
            self.header.trim().to_owned()
        }
    }
}

/// A table with its hashtag row found: its columns and the data rows under the tags.
pub struct HxlTable<'t> {
    pub columns: Vec<Column>,
    pub rows: &'t [Row],
    /// The line of the hashtag row.
    pub tag_line: usize,
}

impl<'t> HxlTable<'t> {
    /// The table's hashtag row, when it has one: the header itself, or the first row under it.
    pub fn find(table: &'t Table) -> Option<Self> {
        if is_tag_row(table.headers.iter().map(String::as_str)) {
            let columns = table
                .headers
                .iter()
                .enumerate()
                .map(|(index, cell)| Column {
                    index,
                    header: cell.trim().to_owned(),
                    tag: Tag::parse(cell),
                })
                .collect();
            return Some(Self {
                columns,
                rows: &table.rows,
                tag_line: 1,
            });
        }
        let first = table.rows.first()?;
        if !is_tag_row(first.cells()) {
            return None;
        }
        let tags: Vec<&str> = first.cells().collect();
        let width = tags.len().max(table.headers.len());
        let columns = (0..width)
            .map(|index| Column {
                index,
                header: table
                    .headers
                    .get(index)
                    .map(|h| h.trim().to_owned())
                    .unwrap_or_default(),
                tag: tags.get(index).and_then(|t| Tag::parse(t)),
            })
            .collect();
        Some(Self {
            columns,
            rows: &table.rows[1..],
            tag_line: first.line,
        })
    }

    /// The tagged columns whose hashtag is one of `hashtags`.
    pub fn tagged<'a>(
        &'a self,
        hashtags: &'a [&str],
    ) -> impl Iterator<Item = (&'a Column, &'a Tag)> + 'a {
        self.columns.iter().filter_map(move |column| {
            let tag = column.tag.as_ref()?;
            hashtags
                .contains(&tag.hashtag.as_str())
                .then_some((column, tag))
        })
    }

    /// The first column with this hashtag and all of `with` (and none of `without`).
    pub fn column(&self, hashtag: &str, with: &[&str], without: &[&str]) -> Option<&Column> {
        self.columns.iter().find(|column| {
            column.tag.as_ref().is_some_and(|tag| {
                tag.hashtag == hashtag
                    && with.iter().all(|a| tag.has(a))
                    && !without.iter().any(|a| tag.has(a))
            })
        })
    }

    /// The tags, for messages: "#adm1+name, #affected+idps".
    pub fn tag_list(&self) -> String {
        let tags: Vec<String> = self
            .columns
            .iter()
            .filter_map(|c| c.tag.as_ref().map(Tag::text))
            .collect();
        tags.join(", ")
    }
}

/// Whether a table (its header and first rows) is HXL-tagged.
pub fn is_hxl(table: &Table) -> bool {
    HxlTable::find(table).is_some()
}

/// Whether a hashtag is one of HXL's core set.
pub fn is_core_hashtag(hashtag: &str) -> bool {
    CORE_HASHTAGS.contains(&hashtag)
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
