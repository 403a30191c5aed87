//! Figures: one number as one source gave it, and how they are grouped and written.

use super::{Extra, Measure, Qualifier, Term};

/// One number as one source gave it. Conflicting figures stay separate `Figure`s.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub measure: Term<Measure>,
    pub value: u64,
    pub qualifier: Term<Qualifier>,
    pub sources: Vec<String>,
    pub note: Option<String>,
    pub extra: Extra,
}

impl Figure {
    /// "about 700 people".
    pub fn describe(&self) -> String {
        let prefix = self.qualifier.known().map_or("", |q| q.prefix());
        format!(
            "{prefix}{} {}",
            format_count(self.value),
            self.measure.label()
        )
    }
}

/// 1246 → "1,246".
pub fn format_count(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Figures grouped by the exact set of sources that give them, in first-seen order: the
/// product's core rule, that figures from different sources stand side by side and are never
/// merged ("SANA: 1,246 people, 718 fighters · SOHR: about 700 people").
pub fn figures_by_source(figures: &[Figure]) -> Vec<(Vec<String>, Vec<&Figure>)> {
    let mut groups: Vec<(Vec<String>, Vec<&Figure>)> = Vec::new();
    for figure in figures {
        match groups
            .iter_mut()
            .find(|(sources, _)| *sources == figure.sources)
        {
            Some((_, list)) => list.push(figure),
            None => groups.push((figure.sources.clone(), vec![figure])),
        }
    }
    groups
}
