//! What every reader of a table's rows shares: a row's cells by column with the line it starts
//! on, and a warning located at that line.

use crate::io::{Location, Problem, Severity};

/// A row's cells by column, and the line it starts on: a table's row, or a record read from a
/// chunk of a file.
pub trait Cells {
    fn line(&self) -> usize;
    /// The cell of `column`, trimmed; empty when the row is short.
    fn get(&self, column: Option<usize>) -> &str;
}

/// A warning about the row starting on `line`.
pub fn row_problem(line: usize, message: impl Into<String>) -> Problem {
    Problem {
        severity: Severity::Warning,
        location: Location::Line { line },
        message: message.into(),
    }
}
