//! The movement form: from one or several places to one, type, status, date, summary, figures
//! with their sources, and the sources of the report.

use egui::Ui;

use super::fields::{
    Problems, feature_id, multiline_row, optional, parse_when, sources_row, term_choice, text_row,
};
use super::figures::{FigureDraft, figures, figures_ui};
use crate::model::{
    Common, Dataset, Feature, FeatureIndex, Movement, MovementStatus, MovementType, Term,
};

/// A movement as typed so far.
#[derive(Debug, Clone)]
pub struct MovementDraft {
    pub at: Option<FeatureIndex>,
    base: Movement,
    pub id: String,
    /// Place ids: the first origin, then any further ones.
    pub origins: Vec<String>,
    pub to: String,
    pub movement_type: String,
    pub status: String,
    pub when: String,
    pub summary: String,
    pub sources: Vec<String>,
    pub figures: Vec<FigureDraft>,
}

impl MovementDraft {
    /// Whether the form was opened on `feature` as it is.
    pub(super) fn base_is(&self, feature: &Movement) -> bool {
        self.base == *feature
    }

    /// A new movement between two places (either may be chosen in the form).
    pub fn new(from: Option<String>, to: Option<String>) -> Self {
        let base = Movement {
            common: Common::default(),
            from: String::new(),
            also_from: Vec::new(),
            to: String::new(),
            to_assumed: false,
            movement_type: Term::Known(MovementType::Evacuation),
            status: Term::Known(MovementStatus::Completed),
            figures: Vec::new(),
            summary: None,
        };
        let mut draft = Self::of(None, base);
        draft.origins = vec![from.unwrap_or_default()];
        draft.to = to.unwrap_or_default();
        draft
    }

    pub fn of(at: Option<FeatureIndex>, movement: Movement) -> Self {
        Self {
            at,
            id: movement.common.id.clone(),
            origins: std::iter::once(&movement.from)
                .chain(&movement.also_from)
                .cloned()
                .collect(),
            to: movement.to.clone(),
            movement_type: movement.movement_type.as_str().to_owned(),
            status: movement.status.as_str().to_owned(),
            when: movement
                .common
                .when
                .map(|w| w.to_string())
                .unwrap_or_default(),
            summary: movement.summary.clone().unwrap_or_default(),
            sources: movement.common.sources.clone(),
            figures: movement.figures.iter().map(FigureDraft::of).collect(),
            base: movement,
        }
    }

    pub fn feature(&self, dataset: &Dataset) -> (Feature, Problems) {
        let mut problems = Problems::default();
        let mut movement = self.base.clone();
        let mut origins = self.origins.iter().filter(|o| !o.is_empty()).cloned();
        movement.from = origins.next().unwrap_or_default();
        movement.also_from = origins.collect();
        let moved = movement.from != self.base.from
            || movement.also_from != self.base.also_from
            || self.to != self.base.to;
        movement.to = self.to.clone();
        if moved {
            // The line is drawn from the places; one read with the old ones would be wrong.
            movement.common.geometry = None;
        }
        movement.movement_type =
            Term::parse(self.movement_type.trim()).clone_known_or(MovementType::Evacuation);
        movement.status = Term::parse(self.status.trim()).clone_known_or(MovementStatus::Completed);
        match parse_when(&self.when) {
            Ok(when) => movement.common.when = when,
            Err(e) => problems.add("properties.when", e),
        }
        movement.summary = optional(&self.summary);
        movement.common.sources = self.sources.clone();
        movement.figures = figures(&self.figures, &mut problems);
        let date = movement
            .common
            .when
            .map(|w| w.to_string())
            .unwrap_or_default();
        let from = format!("{}-{}-{date}", movement.from, movement.to);
        movement.common.id = feature_id(dataset, self.at, &self.id, &from);
        (Feature::Movement(movement), problems)
    }

    pub fn ui(&mut self, ui: &mut Ui, dataset: &Dataset, problems: &Problems) {
        egui::Grid::new("movement form")
            .num_columns(2)
            .show(ui, |ui| {
                let count = self.origins.len();
                let mut remove = None;
                for (i, origin) in self.origins.iter_mut().enumerate() {
                    ui.label(if i == 0 { "From" } else { "Also from" });
                    ui.horizontal(|ui| {
                        let name = if i == 0 {
                            "From".to_owned()
                        } else {
                            format!("Also from ({i})")
                        };
                        place_choice(ui, &name, origin, dataset);
                        if count > 1
                            && ui
                                .small_button("✕")
                                .on_hover_text("Remove this origin")
                                .accessible_name("Remove this origin")
                                .clicked()
                        {
                            remove = Some(i);
                        }
                    });
                    ui.end_row();
                }
                if let Some(i) = remove {
                    self.origins.remove(i);
                }
                ui.label("");
                ui.vertical(|ui| {
                    if ui.small_button("Add another origin").clicked() {
                        self.origins.push(String::new());
                    }
                    problems.beside(ui, "properties.from");
                });
                ui.end_row();
                ui.label("To");
                ui.vertical(|ui| {
                    place_choice(ui, "To", &mut self.to, dataset);
                    problems.beside(ui, "properties.to");
                });
                ui.end_row();
                ui.label("Type");
                term_choice::<MovementType>(ui, "Movement type", &mut self.movement_type, false);
                ui.end_row();
                ui.label("Status");
                term_choice::<MovementStatus>(ui, "Movement status", &mut self.status, false);
                ui.end_row();
                text_row(ui, "Date", &mut self.when, problems, "properties.when");
                multiline_row(ui, "Summary", &mut self.summary);
                ui.label("Sources");
                ui.vertical(|ui| {
                    sources_row(ui, "movement", &mut self.sources, dataset);
                    problems.beside(ui, "properties.sources");
                });
                ui.end_row();
            });
        ui.label(
            egui::RichText::new(
                "Dates as in the files: 2017-05-12, 2017-05, 2017-05-08/2017-05-14, ../2017",
            )
            .small()
            .weak(),
        );
        ui.separator();
        figures_ui(ui, &mut self.figures, dataset, problems);
    }
}

/// A searchable choice of one of the story's places (its id in `value`), named `name`.
pub fn place_choice(ui: &mut Ui, name: &str, value: &mut String, dataset: &Dataset) {
    let shown = if value.is_empty() {
        "choose a place…".to_owned()
    } else {
        dataset.place_name(value)
    };
    let store = dataset.store();
    let places = (0..dataset.len())
        .filter(|&i| store.kind(i) == crate::model::FeatureKind::Place)
        .map(|i| (store.id(i), store.name(i).unwrap_or(store.id(i))));
    super::fields::searchable_choice(ui, name, value, shown, "Search places", places);
}

/// A term's known value, or `default` for an unknown one typed in the form.
trait KnownOr<T> {
    fn clone_known_or(self, default: T) -> Term<T>;
}

impl<T: crate::model::Vocabulary> KnownOr<T> for Term<T> {
    fn clone_known_or(self, default: T) -> Term<T> {
        match self {
            Term::Unknown(text) if text.is_empty() => Term::Known(default),
            term => term,
        }
    }
}
