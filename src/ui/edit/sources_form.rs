//! The story's sources: add, change, delete (not while something cites one: the form says
//! what does).

use egui::{RichText, Ui};

use super::fields::{Problems, error_colour, optional, parse_when, term, term_choice, text_row};
use crate::io::geojson::edit_check::{check_sources, citing_features};
use crate::model::{Dataset, Source, SourceKind};

#[derive(Debug, Clone)]
pub struct SourcesDraft {
    pub rows: Vec<SourceDraft>,
    /// What stopped a delete: the source's name and what cites it.
    pub cited: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SourceDraft {
    base: Option<Source>,
    pub id: String,
    pub name: String,
    pub kind: String,
    pub url: String,
    pub title: String,
    pub published: String,
    pub note: String,
}

impl SourcesDraft {
    pub fn of(dataset: &Dataset) -> Self {
        Self {
            rows: dataset
                .meta
                .sources
                .iter()
                .map(|s| SourceDraft {
                    base: Some(s.clone()),
                    id: s.id.clone(),
                    name: s.name.clone(),
                    kind: s
                        .kind
                        .as_ref()
                        .map(|k| k.as_str().to_owned())
                        .unwrap_or_default(),
                    url: s.url.clone().unwrap_or_default(),
                    title: s.title.clone().unwrap_or_default(),
                    published: s.published.map(|w| w.to_string()).unwrap_or_default(),
                    note: s.note.clone().unwrap_or_default(),
                })
                .collect(),
            cited: None,
        }
    }

    /// The sources as typed, with the loader's problems and those of the typing.
    pub fn sources(&self, dataset: &Dataset) -> (Vec<Source>, Problems) {
        let mut problems = Problems::default();
        let mut sources = Vec::new();
        for row in &self.rows {
            let mut source = row.base.clone().unwrap_or(Source {
                id: String::new(),
                name: String::new(),
                kind: None,
                url: None,
                title: None,
                published: None,
                note: None,
                extra: Default::default(),
            });
            source.id = row.id.trim().to_owned();
            source.name = row.name.trim().to_owned();
            source.kind = term::<SourceKind>(&row.kind);
            source.url = optional(&row.url);
            source.title = optional(&row.title);
            match parse_when(&row.published) {
                Ok(when) => source.published = when,
                Err(e) => problems.add(format!("evacmap.sources.{}.published", source.id), e),
            }
            source.note = optional(&row.note);
            if source.id.is_empty() {
                problems.add("evacmap.sources", "every source needs an id");
            } else if sources.iter().any(|s: &Source| s.id == source.id) {
                problems.add(
                    format!("evacmap.sources.{}", source.id),
                    "another source has this id",
                );
            }
            sources.push(source);
        }
        problems.extend_from(&check_sources(&dataset.meta, &sources));
        (sources, problems)
    }

    pub fn ui(&mut self, ui: &mut Ui, dataset: &Dataset, problems: &Problems) {
        let mut delete = None;
        egui::ScrollArea::vertical()
            .max_height(420.0)
            .show(ui, |ui| {
                for (i, row) in self.rows.iter_mut().enumerate() {
                    let path = format!("evacmap.sources.{}", row.id.trim());
                    egui::Grid::new(("source", i))
                        .num_columns(2)
                        .show(ui, |ui| {
                            if row.base.is_none() {
                                text_row(ui, "Id", &mut row.id, problems, &path);
                            } else {
                                ui.label("Id");
                                ui.label(RichText::new(&row.id).monospace());
                                ui.end_row();
                            }
                            text_row(ui, "Name", &mut row.name, problems, &format!("{path}.name"));
                            ui.label("Kind");
                            term_choice::<SourceKind>(
                                ui,
                                &format!("Source {} kind", i + 1),
                                &mut row.kind,
                                true,
                            );
                            ui.end_row();
                            text_row(ui, "Link", &mut row.url, problems, &format!("{path}.url"));
                            text_row(
                                ui,
                                "Title",
                                &mut row.title,
                                problems,
                                &format!("{path}.title"),
                            );
                            text_row(
                                ui,
                                "Published",
                                &mut row.published,
                                problems,
                                &format!("{path}.published"),
                            );
                            text_row(ui, "Note", &mut row.note, problems, &format!("{path}.note"));
                        });
                    if ui
                        .small_button(format!("Delete source {}", row.id))
                        .clicked()
                    {
                        delete = Some(i);
                    }
                    ui.separator();
                }
            });
        if let Some(i) = delete {
            let id = self.rows[i].id.trim().to_owned();
            let citing = citing_features(dataset, &id);
            if citing.is_empty() {
                self.rows.remove(i);
                self.cited = None;
            } else {
                let names: Vec<String> = citing
                    .iter()
                    .take(5)
                    .map(|&f| dataset.display_name_at(f))
                    .collect();
                let more = citing.len().saturating_sub(names.len());
                let mut cited = format!(
                    "{} is still cited by {}",
                    self.rows[i].name,
                    names.join("; ")
                );
                if more > 0 {
                    cited.push_str(&format!(" and {more} more"));
                }
                cited.push_str(": change those first.");
                self.cited = Some(cited);
            }
        }
        if let Some(cited) = &self.cited {
            ui.label(RichText::new(cited).color(error_colour(ui)));
        }
        if ui.button("Add a source").clicked() {
            self.rows.push(SourceDraft {
                base: None,
                id: String::new(),
                name: String::new(),
                kind: String::new(),
                url: String::new(),
                title: String::new(),
                published: String::new(),
                note: String::new(),
            });
        }
    }
}
