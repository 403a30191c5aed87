//! Reading and writing stories. No drawing here.

pub mod problem;
pub mod read;
pub mod write;

pub use problem::{Location, Problem, ProblemReport, Severity};
pub use read::{Loaded, load_file, parse_bytes};
pub use write::{save_file, to_geojson, to_geojson_string};

/// Why a story could not be loaded. The previous data, if any, stays as it was.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: cannot read the file: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: the file is {size} bytes, more than the {limit} bytes a story may have")]
    TooLarge { path: String, size: u64, limit: u64 },
    #[error("{0}")]
    Invalid(ProblemReport),
}

impl LoadError {
    /// Every problem, located; a single one for I/O and size errors.
    pub fn problems(&self) -> Vec<String> {
        match self {
            LoadError::Invalid(report) => report.to_string().lines().map(str::to_owned).collect(),
            other => vec![other.to_string()],
        }
    }
}

/// Why a story could not be saved. The file on disk is unchanged.
#[derive(Debug, thiserror::Error)]
#[error("{path}: cannot save: {source}")]
pub struct SaveError {
    pub path: String,
    #[source]
    pub source: std::io::Error,
}
