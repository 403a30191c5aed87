//! Reading and writing stories. No drawing here.

pub mod fits;
pub mod geojson;
pub mod overview;
pub mod pipeline;
pub mod problem;
pub mod progress;
pub mod remote;
pub mod save;
pub mod source;
pub mod text;
pub mod write;

pub use fits::max_input;
pub use geojson::{Loaded, load_file, load_file_with_limit, load_file_with_progress, parse_bytes};
pub use problem::{Location, Problem, ProblemReport, Severity};
pub use progress::LoadProgress;
pub use save::{SaveError, save_story};
pub use source::STDIN_PATH;
pub use write::{to_geojson, to_geojson_string};

/// Why a story could not be loaded. The previous data, if any, stays as it was.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: cannot read the file: {}", describe_io_error(source))]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A regular file whose story cannot fit in the memory available (`None`: in evacmap's
    /// columns), refused before it is read.
    #[error("{path}: {}", describe_too_large(*size, *needed, *available))]
    TooLarge {
        path: String,
        size: u64,
        needed: u64,
        available: Option<u64>,
    },
    /// A pipe, device or standard input that went on past the cap; reading stopped there.
    #[error(
        "{path}: more than {limit_text} came from it, more than a story may have; reading stopped there",
        limit_text = source::format_size(*limit)
    )]
    StreamTooLarge { path: String, limit: u64 },
    /// The loader itself failed (a defect in evacmap, not in the file).
    #[error("{path}: evacmap failed while reading it ({message}); please report this")]
    Crashed { path: String, message: String },
    /// Stopped on request (the window's Cancel); whatever was shown stays.
    #[error("{path}: opening was cancelled; the story shown is unchanged")]
    Cancelled { path: String },
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

/// Why a file is too large, with the figures.
fn describe_too_large(size: u64, needed: u64, available: Option<u64>) -> String {
    let size = fits::format_memory(size);
    match available {
        Some(available) => format!(
            "the file is {size}; its story needs about {} of memory, and {} is available: \
             close other programs, or open a part of the file",
            fits::format_memory(needed),
            fits::format_memory(available)
        ),
        None => format!(
            "the file is {size}; a story holds at most 4 GiB of text (ids, names, summaries), \
             which a file of this size may pass: open a part of the file"
        ),
    }
}

/// What an I/O error means, in words: "there is no such file", not "(os error 2)".
pub fn describe_io_error(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::NotFound => "there is no such file".into(),
        ErrorKind::PermissionDenied => "evacmap is not allowed to read or write it".into(),
        ErrorKind::IsADirectory => "it is a folder, not a file".into(),
        ErrorKind::NotADirectory => "a part of its path is a file, not a folder".into(),
        ErrorKind::StorageFull => "the disk is full".into(),
        ErrorKind::ReadOnlyFilesystem => "the disk is read-only".into(),
        ErrorKind::UnexpectedEof => "the file ended too early".into(),
        _ => {
            // The system's own words, without the error number that only a programmer reads.
            let text = error.to_string();
            match text.rfind(" (os error ") {
                Some(at) => text[..at].to_owned(),
                None => text,
            }
        }
    }
}
