//! Chapters: a story told step by step. Each sets the view, the dates and the features in
//! focus, with a title, a few sentences and the sources they rest on.

use super::{Extra, When};

/// One step of a story.
#[derive(Debug, Clone, PartialEq)]
pub struct Chapter {
    pub id: String,
    pub title: String,
    /// A few sentences, plain text (links written out are shown as links).
    pub text: String,
    /// The dates the chapter shows, with their precision.
    pub when: Option<When>,
    pub view: Option<ChapterView>,
    /// The feature selected (its details show).
    pub select: Option<String>,
    /// Features drawn emphasised beside the selection.
    pub emphasise: Vec<String>,
    pub sources: Vec<String>,
    pub extra: Extra,
}

/// Where a chapter looks.
#[derive(Debug, Clone, PartialEq)]
pub enum ChapterView {
    /// West, south, east, north, in degrees.
    Bounds([f64; 4]),
    /// Whatever frames these features.
    Fit(Vec<String>),
}

impl Chapter {
    /// Every feature id the chapter names: to select, emphasise or frame.
    pub fn feature_ids(&self) -> impl Iterator<Item = &str> {
        let fit = match &self.view {
            Some(ChapterView::Fit(ids)) => ids.as_slice(),
            _ => &[],
        };
        self.select
            .iter()
            .chain(&self.emphasise)
            .chain(fit)
            .map(String::as_str)
    }
}

/// The chapter `key` names: its number from 1, or its id.
pub fn find_chapter(chapters: &[Chapter], key: &str) -> Option<usize> {
    match key.parse::<usize>() {
        Ok(n) if (1..=chapters.len()).contains(&n) => Some(n - 1),
        _ => chapters.iter().position(|c| c.id == key),
    }
}
