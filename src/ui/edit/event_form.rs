//! The event form: at a place or a point; type, date, actors, summary, figures and sources.

use egui::Ui;

use super::fields::{
    Problems, feature_id, list, multiline_row, optional, parse_when, sources_row, term_choice,
    text_row,
};
use super::figures::{FigureDraft, figures, figures_ui};
use super::movement_form::place_choice;
use crate::model::{Common, Dataset, Event, EventType, Feature, FeatureIndex, Term, Vocabulary};

#[derive(Debug, Clone)]
pub struct EventDraft {
    pub at: Option<FeatureIndex>,
    base: Event,
    pub id: String,
    pub event_type: String,
    pub when: String,
    /// The place it happened at (an id), or empty for a point.
    pub place: String,
    pub lon: String,
    pub lat: String,
    pub actors: String,
    pub summary: String,
    pub sources: Vec<String>,
    pub figures: Vec<FigureDraft>,
}

impl EventDraft {
    /// Whether the form was opened on `feature` as it is.
    pub(super) fn base_is(&self, feature: &Event) -> bool {
        self.base == *feature
    }

    /// A new event at a place, or at a point of the map.
    pub fn new(place: Option<String>, point: Option<(f64, f64)>) -> Self {
        let base = Event {
            common: Common::default(),
            event_type: Term::Known(EventType::ALL[0]),
            place: None,
            summary: None,
            actors: Vec::new(),
            figures: Vec::new(),
        };
        let mut draft = Self::of(None, base);
        draft.place = place.unwrap_or_default();
        if let Some((lon, lat)) = point {
            draft.lon = format!("{lon:.5}");
            draft.lat = format!("{lat:.5}");
        }
        draft
    }

    pub fn of(at: Option<FeatureIndex>, event: Event) -> Self {
        let point = match &event.common.geometry {
            Some(geo::Geometry::Point(p)) => Some(*p),
            _ => None,
        };
        Self {
            at,
            id: event.common.id.clone(),
            event_type: event.event_type.as_str().to_owned(),
            when: event.common.when.map(|w| w.to_string()).unwrap_or_default(),
            place: event.place.clone().unwrap_or_default(),
            lon: point.map(|p| p.x().to_string()).unwrap_or_default(),
            lat: point.map(|p| p.y().to_string()).unwrap_or_default(),
            actors: event.actors.join(", "),
            summary: event.summary.clone().unwrap_or_default(),
            sources: event.common.sources.clone(),
            figures: event.figures.iter().map(FigureDraft::of).collect(),
            base: event,
        }
    }

    pub fn feature(&self, dataset: &Dataset) -> (Feature, Problems) {
        let mut problems = Problems::default();
        let mut event = self.base.clone();
        event.event_type = match self.event_type.trim() {
            "" => self.base.event_type.clone(),
            text => Term::parse(text),
        };
        match parse_when(&self.when) {
            Ok(when) => event.common.when = when,
            Err(e) => problems.add("properties.when", e),
        }
        event.place = optional(&self.place);
        match (self.lon.trim(), self.lat.trim()) {
            ("", "") => event.common.geometry = None,
            (lon, lat) => match (lon.parse::<f64>(), lat.parse::<f64>()) {
                (Ok(lon), Ok(lat))
                    if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) =>
                {
                    let same = matches!(&event.common.geometry, Some(geo::Geometry::Point(p)) if p.x() == lon && p.y() == lat);
                    if !same {
                        event.common.geometry =
                            Some(geo::Geometry::Point(geo::Point::new(lon, lat)));
                    }
                }
                _ => problems.add(
                    "geometry",
                    "a position is a longitude from -180 to 180 and a latitude from -90 to 90",
                ),
            },
        }
        event.actors = list(&self.actors);
        event.summary = optional(&self.summary);
        event.common.sources = self.sources.clone();
        event.figures = figures(&self.figures, &mut problems);
        let date = event.common.when.map(|w| w.to_string()).unwrap_or_default();
        let from = format!("{}-{date}", event.event_type.as_str());
        event.common.id = feature_id(dataset, self.at, &self.id, &from);
        (Feature::Event(event), problems)
    }

    pub fn ui(&mut self, ui: &mut Ui, dataset: &Dataset, problems: &Problems) {
        egui::Grid::new("event form").num_columns(2).show(ui, |ui| {
            ui.label("Type");
            term_choice::<EventType>(ui, "Event type", &mut self.event_type, false);
            ui.end_row();
            text_row(ui, "Date", &mut self.when, problems, "properties.when");
            ui.label("At place");
            ui.vertical(|ui| {
                ui.horizontal(|ui| {
                    place_choice(ui, "At place", &mut self.place, dataset);
                    if !self.place.is_empty()
                        && ui
                            .small_button("✕")
                            .on_hover_text("At a point instead")
                            .accessible_name("At a point instead")
                            .clicked()
                    {
                        self.place.clear();
                    }
                });
                problems.beside(ui, "properties.place");
            });
            ui.end_row();
            text_row(ui, "Longitude", &mut self.lon, problems, "geometry");
            text_row(ui, "Latitude", &mut self.lat, problems, "");
            text_row(
                ui,
                "Actors",
                &mut self.actors,
                problems,
                "properties.actors",
            );
            multiline_row(ui, "Summary", &mut self.summary);
            ui.label("Sources");
            ui.vertical(|ui| {
                sources_row(ui, "event", &mut self.sources, dataset);
                problems.beside(ui, "properties.sources");
            });
            ui.end_row();
        });
        ui.separator();
        figures_ui(ui, &mut self.figures, dataset, problems);
    }
}
