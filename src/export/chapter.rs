//! A chapter as a picture: its view, dates and selection, its title and text in the frame, and
//! its sources on the source line.

use super::{ExportRequest, ViewChoice};
use crate::model::{Chapter, Dataset, DaySpan};

/// `request` made to show `chapter`: its range, its view (unless the request asks for an
/// exact one), its selection; its title and text in the header unless the request has its
/// own; its sources named on the source line.
pub fn for_chapter(dataset: &Dataset, request: &ExportRequest, chapter: &Chapter) -> ExportRequest {
    let mut request = request.clone();
    request.range = chapter.when.map_or(DaySpan::ALL_TIME, |w| w.span());
    if !matches!(request.view, ViewChoice::Exact(_))
        && let Some(bounds) = crate::story::chapter_bounds(dataset, chapter)
    {
        request.view = ViewChoice::Bounds(bounds);
    }
    request.selection = chapter
        .select
        .as_deref()
        .and_then(|id| dataset.index_of(id));
    if request.frame.title.is_none() {
        request.frame.title = Some(chapter.title.clone());
    }
    if request.frame.subtitle.is_none() && !chapter.text.is_empty() {
        request.frame.subtitle = Some(chapter.text.clone());
    }
    request.frame.more_sources = chapter.sources.clone();
    request
}
