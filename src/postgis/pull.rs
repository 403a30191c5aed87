//! A story out of the database into a file: the text it was pushed from when nothing has
//! changed since (so that the pull of a push is the file, byte for byte), else the story as
//! evacmap writes it. Written atomically: a failed pull leaves the file as it was.

use std::path::Path;

use super::{DbError, Target};

/// What a pull wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pulled {
    pub story: String,
    pub features: usize,
    /// The text pushed was written back as it was.
    pub as_pushed: bool,
}

/// Pulls the story the address names (or the only one) into `out`.
pub fn pull(target: &Target, out: &Path) -> Result<Pulled, DbError> {
    let mut client = target.connect()?;
    super::check_schema(&mut client, target)?;
    let story = super::story_of(&mut client, target)?;
    let (dataset, untouched, original) = super::read::whole_story(&mut client, target, &story)?;
    let features = dataset.len();
    let written = match original.filter(|_| untouched) {
        Some(text) => crate::io::save::write_atomically(out, |file| {
            file.write_all(&text)?;
            Ok(crate::io::save::SaveReport {
                copied: features,
                written: 0,
                merged: 0,
            })
        }),
        None => crate::io::save::save_story(out, &dataset, None),
    };
    let report = written.map_err(|e| DbError::Story(e.to_string()))?;
    Ok(Pulled {
        story,
        features,
        as_pushed: report.written == 0 && report.merged == 0 && untouched,
    })
}
