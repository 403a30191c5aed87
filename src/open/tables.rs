//! Tables opened from a regular file and read in chunks on every core, never held whole:
//! ACLED exports, flow tables (UNHCR's, origin–destination tables, flowmap.blue's with their
//! locations) and tables by the columns chosen for them. Other tables (HXL, IDMC, DTM), and
//! every table from standard input or a pipe, are read whole by [`super::parse_file`].

use std::path::Path;

use super::{Format, ImportOptions, OpenError, finish, refused, streamed, today};
use crate::import::columns::{self, ColumnMapping};
use crate::import::{acled, flows, locations, table::Table};
use crate::io::fits::ReadWay;
use crate::io::{LoadProgress, Loaded};

/// A table read in chunks, with what its kind needs besides the file.
pub(super) enum ChunkedTable {
    Acled,
    CountryFlows,
    PointFlows,
    /// A flow table between location ids, with its locations table (named).
    LocationFlows(String, Table),
    /// A table of no known kind, with the columns chosen for it.
    Chosen(ColumnMapping),
}

impl ChunkedTable {
    /// How the table at `path`, recognised as `format` (`None`: of no known kind), is read in
    /// chunks; `None` when it is not (other kinds; a flow table without its locations, or a
    /// table whose columns are not chosen yet: read whole, which says what is missing).
    pub(super) fn of(path: &Path, format: Option<Format>, options: &ImportOptions) -> Option<Self> {
        match format {
            Some(Format::Acled) => Some(Self::Acled),
            Some(Format::CountryFlows) => Some(Self::CountryFlows),
            Some(Format::PointFlows) => Some(Self::PointFlows),
            Some(Format::LocationFlows) => {
                let (name, table) = super::find_locations(Some(path), options)?;
                Some(Self::LocationFlows(name, table))
            }
            Some(_) => None,
            None => {
                let head = super::head_of(path)?;
                let layout = super::table_layout(&head)?;
                let key = columns::layout_key(&layout.headers);
                let mapping = options
                    .columns
                    .as_ref()
                    .or_else(|| options.remembered.get(&key));
                Some(Self::Chosen(mapping?.clone()))
            }
        }
    }

    /// How much memory reading it takes, by the file's size.
    pub(super) fn way(&self) -> ReadWay {
        match self {
            Self::Acled => ReadWay::TableStreamed,
            _ => ReadWay::FlowsStreamed,
        }
    }

    fn format(&self) -> Format {
        match self {
            Self::Acled => Format::Acled,
            Self::CountryFlows => Format::CountryFlows,
            Self::PointFlows => Format::PointFlows,
            Self::LocationFlows(..) => Format::LocationFlows,
            Self::Chosen(_) => Format::ChosenColumns,
        }
    }

    /// Reads the regular file at `path` (`origin` in messages, `file_name` for its sources).
    pub(super) fn read(
        &self,
        path: &Path,
        origin: &str,
        file_name: &str,
        progress: &LoadProgress,
    ) -> Result<Loaded, OpenError> {
        let metadata = std::fs::metadata(path).map_err(|source| crate::io::LoadError::Io {
            path: origin.to_owned(),
            source,
        })?;
        let size = metadata.len();
        let open = || std::fs::File::open(path);
        let today = today();
        let read = match self {
            Self::Acled => acled::stream::read(open, size, file_name, today, progress),
            Self::CountryFlows => {
                flows::read_countries_file(open, size, file_name, today, progress)
            }
            Self::PointFlows => flows::read_points_file(open, size, file_name, today, progress),
            Self::LocationFlows(name, table) => {
                locations::read_pair_file(open, size, file_name, table, name, today, progress)
            }
            Self::Chosen(mapping) => {
                match columns::read_file(open, size, mapping, file_name, today, progress) {
                    Ok(Err(message)) => {
                        return Err(OpenError::from(refused(
                            origin,
                            format!("the chosen columns cannot be used: {message}"),
                        )));
                    }
                    Ok(Ok(read)) => Ok(read),
                    Err(error) => Err(error),
                }
            }
        };
        let (dataset, warnings) = streamed(read, origin)?;
        let changed = std::fs::metadata(path)
            .ok()
            .map(|m| (m.len(), m.modified().ok()));
        if changed != Some((size, metadata.modified().ok())) {
            return Err(OpenError::from(refused(
                origin,
                "the file changed while it was read; open it again".into(),
            )));
        }
        Ok(finish(self.format(), dataset, warnings, origin)?)
    }
}
