//! Names as people write them: one place is القابون, Qaboun, Qabun, al-Qaboun and Kaboun. Search
//! compares names after folding away what varies between spellings.

use unicode_normalization::UnicodeNormalization;

use super::Place;

/// Which name a place's label shows on the map; a View setting, remembered.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum LabelLanguage {
    /// The `name` (the story's language).
    #[default]
    English,
    /// The Arabic name where the data has one, else the `name`.
    Arabic,
    /// Both: "Qaboun · القابون".
    Both,
}

impl LabelLanguage {
    pub const ALL: [LabelLanguage; 3] = [Self::English, Self::Arabic, Self::Both];

    /// `en`, `ar` or `both`, as on the command line.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "en" | "english" => Some(Self::English),
            "ar" | "arabic" => Some(Self::Arabic),
            "both" => Some(Self::Both),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::English => "English",
            Self::Arabic => "Arabic (العربية)",
            Self::Both => "Both",
        }
    }
}

/// A place's label in `language`, in logical order (display reorders it; see `crate::bidi`).
pub fn place_label(place: &Place, language: LabelLanguage) -> String {
    label(
        place.common.name.as_deref(),
        place.name_ar.as_deref(),
        language,
    )
}

/// [`place_label`] of a place's name and Arabic name.
pub fn label(name: Option<&str>, name_ar: Option<&str>, language: LabelLanguage) -> String {
    let name = name.unwrap_or_default().to_owned();
    match (language, name_ar) {
        (LabelLanguage::English, _) | (_, None) => name,
        (LabelLanguage::Arabic, Some(arabic)) => arabic.to_owned(),
        (LabelLanguage::Both, Some(arabic)) => format!("{name} · {arabic}"),
    }
}

/// The words of `text`, folded ([`fold`]) and joined by `separator`: "Deir-ez-Zor" is
/// "deir ez zor" with a space, "deir-ez-zor" with a hyphen (an id made from a name).
pub fn folded_words(text: &str, separator: &str) -> String {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(separator)
}

/// A name or query folded for comparison: lower case; Latin and Arabic diacritics removed; the
/// Arabic letter variants that spellings mix up made one (إ أ آ ٱ → ا, ة → ه, ى → ي) and the
/// tatweel dropped; punctuation as spaces; the article (al-, el-, ال) dropped from each word.
///
/// ```
/// use evacmap::model::names::fold;
/// assert_eq!(fold("al-Qaboun"), "qaboun");
/// assert_eq!(fold("القابون"), "قابون");
/// assert_eq!(fold("Ḥamāh"), "hamah");
/// assert_eq!(fold("إدلب"), "ادلب");
/// ```
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        // Nothing to decompose or recompose: a million search texts fold in a fraction of the
        // time (most reports are plain ASCII).
        let flat: String = text
            .bytes()
            .map(|b| match b {
                b if b.is_ascii_alphanumeric() => char::from(b.to_ascii_lowercase()),
                _ => ' ',
            })
            .collect();
        return words_without_articles(&flat);
    }
    let mut flat = String::with_capacity(text.len());
    for c in text.nfd() {
        if is_combining_mark(c) || c == '\u{0640}' {
            continue;
        }
        let c = match c {
            'إ' | 'أ' | 'آ' | 'ٱ' => 'ا',
            'ة' => 'ه',
            'ى' => 'ي',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        };
        flat.extend(c.to_lowercase());
    }
    // NFD splits إ into ا + hamza below; recompose what is left so Arabic letters compare whole.
    let flat: String = flat.nfc().collect();
    words_without_articles(&flat)
}

/// The words of folded text, without the articles "al", "el" and a leading "ال".
fn words_without_articles(flat: &str) -> String {
    let words: Vec<&str> = flat
        .split_whitespace()
        .filter(|word| !matches!(*word, "al" | "el"))
        .map(|word| match word.strip_prefix("ال") {
            Some(rest) if rest.chars().count() >= 2 => rest,
            _ => word,
        })
        .collect();
    words.join(" ")
}

/// Whether `haystack` (already folded) holds every word of `query` (folded here).
pub fn matches(haystack: &str, query: &str) -> bool {
    Query::new(query).matches(haystack)
}

/// A search query folded once, to test many haystacks against.
#[derive(Debug, Clone)]
pub struct Query(Vec<String>);

impl Query {
    pub fn new(query: &str) -> Self {
        Self(fold(query).split_whitespace().map(str::to_owned).collect())
    }

    /// No words: everything matches.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The folded words.
    pub fn words(&self) -> &[String] {
        &self.0
    }

    /// Whether a folded haystack holds every word.
    pub fn matches(&self, haystack: &str) -> bool {
        self.0.iter().all(|word| haystack.contains(word.as_str()))
    }
}

/// Combining marks: Latin accents after NFD, Arabic harakat, shadda, sukun, superscript alef.
fn is_combining_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED
        | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_place_fold_alike() {
        for spelling in ["Qaboun", "al-Qaboun", "Al Qaboun", "el-qaboun", "QABOUN"] {
            assert_eq!(fold(spelling), "qaboun", "{spelling}");
        }
        assert_eq!(fold("القابون"), fold("قابون"));
        assert_eq!(fold("مَدِينَة"), fold("مدينه"));
        assert_eq!(fold("أدلب"), fold("ادلب"));
        assert_eq!(fold("مستشفى"), fold("مستشفي"));
    }

    /// ASCII text takes a quicker way; it must fold exactly as the full way would.
    #[test]
    fn ascii_folds_as_the_full_way_would() {
        // The full way, forced by a character outside ASCII that folds to a space.
        let full = |text: &str| fold(&format!("{text} —"));
        for text in [
            "al-Qaboun",
            "El Bab, 2017-05-12 (SOHR)",
            "Generated report of clashes",
            "  a  b\tc_d.e/f ",
            "AL",
            "x al y el z ALx",
            "",
            "!!!",
            "Tell Abyad 9 m12",
        ] {
            assert_eq!(fold(text), full(text), "{text:?}");
        }
        for b in 0u8..128 {
            let text = format!("a{}b al{}", char::from(b), char::from(b));
            assert_eq!(fold(&text), full(&text), "{b}");
        }
    }

    #[test]
    fn every_word_of_a_query_must_match() {
        let haystack = fold("Qaboun Qabun al-Qaboun القابون Damascus");
        assert!(matches(&haystack, "qabun"));
        assert!(matches(&haystack, "al qaboun"));
        assert!(matches(&haystack, "قابون"));
        assert!(matches(&haystack, "Qab dam"));
        assert!(!matches(&haystack, "qaboun idlib"));
    }
}
