//! The story's chapters (`evacmap.chapters`): each read with its problems located, and the
//! features they name checked once the features are read.

use serde_json::Value;

use super::checker::{Checker, Object, Scope};
use super::structure::type_name;
use crate::io::problem::quote;
use crate::model::{Chapter, ChapterView, Dataset};

impl Checker {
    /// The chapters in `value` (a list), at `evacmap.chapters`.
    pub(super) fn read_chapters(&mut self, value: &Value) -> Vec<Chapter> {
        let Value::Array(items) = value else {
            self.error(
                "evacmap.chapters".into(),
                format!("expected a list of chapters, found {}", type_name(value)),
            );
            return Vec::new();
        };
        let mut chapters: Vec<Chapter> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("evacmap.chapters[{i}]");
            let Some(mut object) = self.object_at(item, path, "a chapter object") else {
                continue;
            };
            let id = self.required_string(&mut object, "id").unwrap_or_default();
            if !id.is_empty() && chapters.iter().any(|c| c.id == id) {
                self.error(
                    object.path_of("id"),
                    format!("another chapter has the id {}", quote(&id)),
                );
            }
            let title = self
                .required_string(&mut object, "title")
                .unwrap_or_default();
            let view = self.chapter_view(&mut object);
            chapters.push(Chapter {
                id,
                title,
                text: self.opt_string(&mut object, "text").unwrap_or_default(),
                when: self.opt_when(&mut object, "when"),
                view,
                select: self.opt_string(&mut object, "select"),
                emphasise: self.string_list(&mut object, "emphasise"),
                sources: self.cited_sources(&mut object),
                extra: object.extra(),
            });
        }
        chapters
    }

    /// `view`: `{"bbox": [west, south, east, north]}` or `{"fit": [feature ids]}`.
    fn chapter_view(&mut self, object: &mut Object) -> Option<ChapterView> {
        let path = object.path_of("view");
        let value = object.get("view")?;
        let Value::Object(map) = value else {
            self.error(
                path,
                format!(
                    "expected an object with \"bbox\" or \"fit\", found {}",
                    type_name(value)
                ),
            );
            return None;
        };
        let mut view = Object::new(map, path.clone());
        if let Some(bbox) = view.get("bbox") {
            let numbers: Option<Vec<f64>> = match bbox {
                Value::Array(items) => items.iter().map(Value::as_f64).collect(),
                _ => None,
            };
            let [west, south, east, north] = numbers.as_deref().unwrap_or_default() else {
                self.error(
                    view.path_of("bbox"),
                    "a view's bbox is four numbers: west, south, east, north",
                );
                return None;
            };
            let lon = -180.0..=180.0;
            let lat = -90.0..=90.0;
            let inside = lon.contains(west)
                && lon.contains(east)
                && lat.contains(south)
                && lat.contains(north);
            if !inside || south > north {
                self.error(
                    view.path_of("bbox"),
                    format!(
                        "the view [{west}, {south}, {east}, {north}] is outside the world: longitudes \
                         run from -180 to 180, latitudes from -90 to 90, south below north"
                    ),
                );
                return None;
            }
            return Some(ChapterView::Bounds([*west, *south, *east, *north]));
        }
        if view.map.contains_key("fit") {
            return Some(ChapterView::Fit(self.string_list(&mut view, "fit")));
        }
        self.error(
            path,
            "a view has a \"bbox\" or a list of features to \"fit\"",
        );
        None
    }

    /// The features the chapters name exist.
    pub(super) fn check_chapters(&mut self, dataset: &Dataset) {
        self.scope = Some(Scope::Document);
        for (i, chapter) in dataset.meta.chapters.iter().enumerate() {
            let fit = match &chapter.view {
                Some(ChapterView::Fit(ids)) => ids.as_slice(),
                _ => &[],
            };
            let named = chapter
                .select
                .iter()
                .map(|id| ("select".to_owned(), id))
                .chain(
                    chapter
                        .emphasise
                        .iter()
                        .enumerate()
                        .map(|(j, id)| (format!("emphasise[{j}]"), id)),
                )
                .chain(
                    fit.iter()
                        .enumerate()
                        .map(|(j, id)| (format!("view.fit[{j}]"), id)),
                );
            for (member, id) in named {
                if dataset.index_of(id).is_none() {
                    self.error(
                        format!("evacmap.chapters[{i}].{member}"),
                        format!(
                            "chapter {} names the feature {}, which the story does not have",
                            quote(&chapter.id),
                            quote(id)
                        ),
                    );
                }
            }
        }
        self.scope = None;
    }
}
