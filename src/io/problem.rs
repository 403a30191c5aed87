//! Problems found in a data file, each with where it is.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The file is not loaded.
    Error,
    /// The file loads; something in it deserves a look.
    Warning,
}

/// Where in a file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A place in the text, 1-based, as editors count (columns in characters).
    Text { line: usize, column: usize },
    /// A line of the text, 1-based (a row of a table).
    Line { line: usize },
    /// A line of another file read with this one (the locations of a flow table).
    Companion { file: String, line: usize },
    /// A member of the top-level object, as a JSON path (`evacmap.sources.sana.name`).
    Document { path: String },
    /// A member of the feature at `index` (0-based, as in `features[index]`).
    Feature {
        index: usize,
        id: Option<String>,
        path: String,
    },
}

impl Location {
    /// The line of the file it is on; 0 for places that are not on a line of the text read.
    pub fn line(&self) -> usize {
        match self {
            Location::Text { line, .. } | Location::Line { line } => *line,
            _ => 0,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Text { line, column } => write!(f, "{line}:{column}"),
            Location::Line { line } => write!(f, "{line}"),
            Location::Companion { file, line } => write!(f, "{}:{line}", one_line(file)),
            Location::Document { path } if path.is_empty() => f.write_str("(top level)"),
            Location::Document { path } => f.write_str(&one_line(path)),
            Location::Feature { index, id, path } => {
                write!(f, "features[{index}]")?;
                if let Some(id) = id {
                    write!(f, " (id {})", quote(id))?;
                }
                if !path.is_empty() {
                    write!(f, " {}", one_line(path))?;
                }
                Ok(())
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub location: Location,
    pub message: String,
}

impl Problem {
    /// Where and what, for people: "line 7: unknown country…", "feature 3, “qaboun”: …",
    /// "the story's sources: …"; no JSON path (the `Display` form, for `check`, keeps it).
    pub fn in_words(&self) -> String {
        let place = match &self.location {
            Location::Text { line, .. } | Location::Line { line } => format!("line {line}"),
            Location::Companion { file, line } => format!("{}, line {line}", one_line(file)),
            Location::Document { path } if path.starts_with("evacmap.sources") => {
                "the story's sources".to_owned()
            }
            Location::Document { path } if path.starts_with("evacmap") => {
                "the story's description".to_owned()
            }
            Location::Document { .. } => "the file".to_owned(),
            Location::Feature { index, id, .. } => match id {
                Some(id) => format!("feature {}, “{}”", index + 1, one_line(id)),
                None => format!("feature {}", index + 1),
            },
        };
        let kind = if self.is_error() { "error" } else { "warning" };
        format!("{place}: {kind}: {}", self.message)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}: {severity}: {}",
            self.location,
            one_line(&self.message)
        )
    }
}

/// All the problems of one file, printed one per line as `FILE:LOCATION: severity: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemReport {
    pub origin: String,
    pub problems: Vec<Problem>,
}

impl ProblemReport {
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.is_error())
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }
}

impl fmt::Display for ProblemReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}:{problem}", self.origin)?;
        }
        Ok(())
    }
}

/// How many characters of a value a message quotes before cutting it with "…".
pub const QUOTED_CHARS: usize = 60;

/// How many characters a message may have before it is cut with "…": more than the longest of
/// evacmap's own (what each kind of table needs, at most about 470), so that only a message swollen by
/// a file's content is cut.
pub const MESSAGE_CHARS: usize = 520;

/// A value as messages quote it: in double quotes, control and bidirectional-override characters
/// escaped (so a value cannot start a new line, colour the terminal or reorder the text around
/// it), cut after [`QUOTED_CHARS`] characters with "…".
///
/// ```
/// use evacmap::io::problem::quote;
/// assert_eq!(quote("Qaboun"), "\"Qaboun\"");
/// assert_eq!(quote("a\nb"), "\"a\\nb\"");
/// assert_eq!(quote(&"x".repeat(100)).chars().count(), 60 + 3);
/// ```
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(QUOTED_CHARS * 2) + 2);
    out.push('"');
    for (count, c) in text.chars().enumerate() {
        if count == QUOTED_CHARS {
            out.push('…');
            break;
        }
        push_escaped(&mut out, c);
    }
    out.push('"');
    out
}

/// Text made safe to print on one line: control and bidirectional-override characters escaped,
/// cut after [`MESSAGE_CHARS`] characters with "…". Every problem goes through this when printed,
/// so one problem is always one line whatever a file contains.
pub fn one_line(text: &str) -> String {
    let needs_work = text.chars().any(needs_escape) || text.len() > MESSAGE_CHARS;
    if !needs_work {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len().min(MESSAGE_CHARS * 2));
    for (count, c) in text.chars().enumerate() {
        if count == MESSAGE_CHARS {
            out.push('…');
            break;
        }
        push_escaped(&mut out, c);
    }
    out
}

/// Control characters, and the Unicode marks that reorder or hide the text around them.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if needs_escape(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
        c => out.push(c),
    }
}

/// A JSON value as messages show it: strings quoted, numbers and literals as written, arrays and
/// objects by their kind (never echoed whole).
pub fn describe_value(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::String(s) => format!("the string {}", quote(s)),
        Value::Number(n) => one_line(&n.to_string()),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Array(items) => format!("an array of {}", items.len()),
        Value::Object(_) => "an object".into(),
    }
}

/// A member name as a step of a JSON path: `.name` when it is a plain word, else `["quoted"]`.
pub fn path_step(key: &str) -> String {
    let plain = !key.is_empty()
        && key.len() <= QUOTED_CHARS
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        format!(".{key}")
    } else {
        format!("[{}]", quote(key))
    }
}

/// Joins a path and a member name (`evacmap` + `sources` → `evacmap.sources`).
pub fn join_path(path: &str, key: &str) -> String {
    let step = path_step(key);
    match (path.is_empty(), step.strip_prefix('.')) {
        (true, Some(word)) => word.to_owned(),
        _ => format!("{path}{step}"),
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &[u8], offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_with_hostile_text_still_prints_as_one_line() {
        let problem = Problem {
            severity: Severity::Warning,
            location: Location::Document {
                path: join_path("evacmap.sources", "a\nb.geojson:1:1: error: fake"),
            },
            message: format!("value {} \u{1b}[31mred\u{202e}", "x".repeat(10_000)),
        };
        let text = problem.to_string();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(!text.chars().any(|c| c.is_control()), "{text}");
        assert!(!text.contains('\u{202e}'));
        assert!(text.chars().count() < 600, "{} chars", text.chars().count());
        assert!(text.starts_with("evacmap.sources[\"a\\nb.geojson:1:1: error: fake\"]: warning: "));
    }

    #[test]
    fn paths_keep_plain_member_names_and_quote_the_rest() {
        assert_eq!(join_path("", "evacmap"), "evacmap");
        assert_eq!(join_path("evacmap", "sources"), "evacmap.sources");
        assert_eq!(join_path("evacmap.sources", "sana"), "evacmap.sources.sana");
        assert_eq!(
            join_path("evacmap.sources", "two words"),
            "evacmap.sources[\"two words\"]"
        );
        assert_eq!(join_path("", ""), "[\"\"]");
    }

    #[test]
    fn line_and_column_count_from_one() {
        let text = b"ab\ncd\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 4), (2, 2));
    }

    #[test]
    fn a_report_prints_one_located_line_per_problem() {
        let report = ProblemReport {
            origin: "story.geojson".into(),
            problems: vec![
                Problem {
                    severity: Severity::Error,
                    location: Location::Text { line: 3, column: 7 },
                    message: "expected `,`".into(),
                },
                Problem {
                    severity: Severity::Warning,
                    location: Location::Feature {
                        index: 2,
                        id: Some("qaboun".into()),
                        path: "properties.place_type".into(),
                    },
                    message: "unknown value".into(),
                },
            ],
        };
        assert_eq!(
            report.to_string(),
            "story.geojson:3:7: error: expected `,`\n\
             story.geojson:features[2] (id \"qaboun\") properties.place_type: warning: unknown value"
        );
    }
}
