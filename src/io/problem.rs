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
    /// A member of the top-level object, as a JSON path (`evacmap.sources.sana.name`).
    Document { path: String },
    /// A member of the feature at `index` (0-based, as in `features[index]`).
    Feature {
        index: usize,
        id: Option<String>,
        path: String,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Text { line, column } => write!(f, "{line}:{column}"),
            Location::Document { path } if path.is_empty() => f.write_str("(top level)"),
            Location::Document { path } => f.write_str(path),
            Location::Feature { index, id, path } => {
                write!(f, "features[{index}]")?;
                if let Some(id) = id {
                    write!(f, " (id {id:?})")?;
                }
                if !path.is_empty() {
                    write!(f, " {path}")?;
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
        write!(f, "{}: {severity}: {}", self.location, self.message)
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
