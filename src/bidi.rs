//! Right-to-left text placed for display: egui shapes each Arabic word correctly (harfrust joins
//! its letters right to left) but places runs left to right in logical order, so the words of an
//! Arabic phrase come out in reverse order. This module reorders the words of every
//! right-to-left run into visual order (Unicode Bidirectional Algorithm, `unicode-bidi`), and
//! leaves each word for egui to shape.
//!
//! Display only: data, search, accessible names and files keep the logical text. Never
//! pre-shape into presentation forms: harfrust would then reverse the text a second time.
//!
//! Delete this module once egui does bidi itself (egui #1016): the test
//! `egui_still_places_arabic_words_in_logical_order` in `tests/names.rs` fails then.

use std::borrow::Cow;

use unicode_bidi::BidiInfo;

/// Whether `text` has any character of a right-to-left script.
pub fn has_rtl(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c as u32,
            0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF)
    })
}

/// The pieces of `text` in left-to-right visual order: left-to-right runs whole, right-to-left
/// runs split into words and spaces in reverse order.
///
/// ```
/// assert_eq!(evacmap::bidi::visual_pieces("دير الزور 15"), ["15", " ", "الزور", " ", "دير"]);
/// ```
pub fn visual_pieces(text: &str) -> Vec<&str> {
    if !has_rtl(text) {
        return vec![text];
    }
    let info = BidiInfo::new(text, None);
    let mut pieces = Vec::new();
    for paragraph in &info.paragraphs {
        let (levels, runs) = info.visual_runs(paragraph, paragraph.range.clone());
        for run in runs {
            let Some(run_text) = text.get(run.clone()) else {
                continue;
            };
            let rtl = levels.get(run.start).is_some_and(|level| level.is_rtl());
            if rtl {
                let mut words = split_words(run_text);
                words.reverse();
                pieces.extend(words);
            } else {
                pieces.push(run_text);
            }
        }
    }
    pieces
}

/// `text` in visual order, ready for egui to lay out; borrowed when it has no right-to-left text.
pub fn visual(text: &str) -> Cow<'_, str> {
    if !has_rtl(text) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(visual_pieces(text).concat())
}

/// Words and the white space between them, in order.
fn split_words(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (i, c) in text.char_indices() {
        let space = c.is_whitespace();
        if in_space.is_some_and(|was| was != space) {
            if let Some(piece) = text.get(start..i) {
                pieces.push(piece);
            }
            start = i;
        }
        in_space = Some(space);
    }
    if let Some(piece) = text.get(start..).filter(|p| !p.is_empty()) {
        pieces.push(piece);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arabic_phrase_with_digits_is_placed_word_by_word_from_the_right() {
        assert_eq!(
            visual_pieces("دير الزور 15"),
            vec!["15", " ", "الزور", " ", "دير"]
        );
    }

    #[test]
    fn one_arabic_word_stays_one_run() {
        assert_eq!(visual_pieces("القابون"), vec!["القابون"]);
        assert_eq!(visual("القابون"), "القابون");
    }

    #[test]
    fn latin_text_is_unchanged_and_not_copied() {
        assert!(matches!(
            visual("Qaboun, 12 May"),
            Cow::Borrowed("Qaboun, 12 May")
        ));
        assert_eq!(visual_pieces("Qaboun"), vec!["Qaboun"]);
    }

    #[test]
    fn a_latin_label_with_an_arabic_name_keeps_the_latin_first() {
        assert_eq!(visual("Qaboun · القابون"), "Qaboun · القابون");
        assert_eq!(
            visual("Eastern Ghouta · الغوطة الشرقية"),
            "Eastern Ghouta · الشرقية الغوطة"
        );
    }
}
