//! The place form: names, type, admin area, position and its precision, sources, and the
//! claims of who controlled the place.

use egui::Ui;

use super::fields::{
    Problems, list, multiline_row, optional, parse_when, sources_row, term, term_choice, text_row,
};
use crate::model::{
    ControlClaim, ControlStatus, Dataset, Feature, FeatureIndex, GeoPrecision, Place, PlaceType,
};

/// A place as typed so far.
#[derive(Debug, Clone)]
pub struct PlaceDraft {
    /// The place being changed; `None`: a new one.
    pub at: Option<FeatureIndex>,
    base: Place,
    pub id: String,
    pub name: String,
    pub name_ar: String,
    pub variants: String,
    pub place_type: String,
    pub admin1: String,
    pub precision: String,
    pub lon: String,
    pub lat: String,
    pub description: String,
    pub sources: Vec<String>,
    pub claims: Vec<ClaimDraft>,
}

/// A control claim as typed.
#[derive(Debug, Clone, Default)]
pub struct ClaimDraft {
    base: Option<ControlClaim>,
    pub status: String,
    pub share: String,
    pub actors: String,
    pub when: String,
    pub sources: Vec<String>,
    pub note: String,
}

impl PlaceDraft {
    /// Whether the form was opened on `feature` as it is.
    pub(super) fn base_is(&self, feature: &Place) -> bool {
        self.base == *feature
    }

    /// A new place at a point of the map.
    pub fn new(lon: f64, lat: f64) -> Self {
        let base = Place::default();
        let mut draft = Self::of(None, base);
        draft.lon = format!("{lon:.5}");
        draft.lat = format!("{lat:.5}");
        draft.precision = "exact".into();
        draft
    }

    /// The place at `at`, to change.
    pub fn of(at: Option<FeatureIndex>, place: Place) -> Self {
        let point = match &place.common.geometry {
            Some(geo::Geometry::Point(p)) => Some(*p),
            _ => None,
        };
        Self {
            at,
            id: place.common.id.clone(),
            name: place.common.name.clone().unwrap_or_default(),
            name_ar: place.name_ar.clone().unwrap_or_default(),
            variants: place.name_variants.join(", "),
            place_type: place
                .place_type
                .as_ref()
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default(),
            admin1: place.admin1.clone().unwrap_or_default(),
            precision: place
                .geo_precision
                .as_ref()
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default(),
            lon: point.map(|p| p.x().to_string()).unwrap_or_default(),
            lat: point.map(|p| p.y().to_string()).unwrap_or_default(),
            description: place.description.clone().unwrap_or_default(),
            sources: place.common.sources.clone(),
            claims: place
                .control
                .iter()
                .map(|c| ClaimDraft {
                    base: Some(c.clone()),
                    status: c.status.as_str().to_owned(),
                    share: c.share_percent.map(|s| s.to_string()).unwrap_or_default(),
                    actors: c.actors.join(", "),
                    when: c.when.map(|w| w.to_string()).unwrap_or_default(),
                    sources: c.sources.clone(),
                    note: c.note.clone().unwrap_or_default(),
                })
                .collect(),
            base: place,
        }
    }

    /// The place as typed, and what is wrong with the typing itself (a date, a number).
    pub fn feature(&self, dataset: &Dataset) -> (Feature, Problems) {
        let mut problems = Problems::default();
        let mut place = self.base.clone();
        place.common.id = super::fields::feature_id(dataset, self.at, &self.id, &self.name);
        place.common.name = optional(&self.name);
        place.name_ar = optional(&self.name_ar);
        place.name_variants = list(&self.variants);
        place.place_type = term::<PlaceType>(&self.place_type);
        place.admin1 = optional(&self.admin1);
        place.geo_precision = term::<GeoPrecision>(&self.precision);
        place.description = optional(&self.description);
        place.common.sources = self.sources.clone();
        match (
            self.lon.trim().parse::<f64>(),
            self.lat.trim().parse::<f64>(),
        ) {
            (Ok(lon), Ok(lat))
                if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) =>
            {
                let moved = !matches!(&place.common.geometry, Some(geo::Geometry::Point(p)) if p.x() == lon && p.y() == lat);
                if moved {
                    place.common.geometry = Some(geo::Geometry::Point(geo::Point::new(lon, lat)));
                }
            }
            _ => problems.add(
                "geometry",
                "a position is a longitude from -180 to 180 and a latitude from -90 to 90",
            ),
        }
        place.control = self
            .claims
            .iter()
            .enumerate()
            .map(|(i, claim)| claim.claim(i, &mut problems))
            .collect();
        (Feature::Place(place), problems)
    }

    pub fn ui(&mut self, ui: &mut Ui, dataset: &Dataset, problems: &Problems) {
        egui::Grid::new("place form").num_columns(2).show(ui, |ui| {
            text_row(ui, "Name", &mut self.name, problems, "properties.name");
            text_row(
                ui,
                "Arabic name",
                &mut self.name_ar,
                problems,
                "properties.name_ar",
            );
            text_row(
                ui,
                "Other spellings",
                &mut self.variants,
                problems,
                "properties.name_variants",
            );
            ui.label("Type");
            term_choice::<PlaceType>(ui, "Place type", &mut self.place_type, true);
            ui.end_row();
            text_row(
                ui,
                "Admin area",
                &mut self.admin1,
                problems,
                "properties.admin1",
            );
            text_row(ui, "Longitude", &mut self.lon, problems, "geometry");
            text_row(ui, "Latitude", &mut self.lat, problems, "");
            ui.label("Position is");
            term_choice::<GeoPrecision>(ui, "Position precision", &mut self.precision, true);
            ui.end_row();
            multiline_row(ui, "Description", &mut self.description);
            ui.label("Sources");
            ui.vertical(|ui| {
                sources_row(ui, "place", &mut self.sources, dataset);
                problems.beside(ui, "properties.sources");
            });
            ui.end_row();
            if self.at.is_none() {
                text_row(ui, "Id", &mut self.id, problems, "id");
            }
        });
        ui.separator();
        ui.label("Who controlled it");
        let mut remove = None;
        for (i, claim) in self.claims.iter_mut().enumerate() {
            egui::Grid::new(("claim", i)).num_columns(2).show(ui, |ui| {
                ui.label(format!("Claim {}", i + 1));
                term_choice::<ControlStatus>(
                    ui,
                    &format!("Claim {} status", i + 1),
                    &mut claim.status,
                    false,
                );
                ui.end_row();
                text_row(
                    ui,
                    "Share (%)",
                    &mut claim.share,
                    problems,
                    &format!("properties.control[{i}].share"),
                );
                text_row(
                    ui,
                    "Date",
                    &mut claim.when,
                    problems,
                    &format!("properties.control[{i}].when"),
                );
                text_row(
                    ui,
                    "Actors",
                    &mut claim.actors,
                    problems,
                    &format!("properties.control[{i}].actors"),
                );
                ui.label("Sources");
                ui.vertical(|ui| {
                    sources_row(ui, &format!("claim {}", i + 1), &mut claim.sources, dataset);
                    problems.beside(ui, &format!("properties.control[{i}].sources"));
                });
                ui.end_row();
                text_row(
                    ui,
                    "Note",
                    &mut claim.note,
                    problems,
                    &format!("properties.control[{i}].note"),
                );
            });
            if ui.small_button(format!("Remove claim {}", i + 1)).clicked() {
                remove = Some(i);
            }
        }
        if let Some(i) = remove {
            self.claims.remove(i);
        }
        if ui.button("Add a control claim").clicked() {
            self.claims.push(ClaimDraft {
                status: "unknown".into(),
                ..ClaimDraft::default()
            });
        }
    }
}

impl ClaimDraft {
    fn claim(&self, i: usize, problems: &mut Problems) -> ControlClaim {
        let mut claim = self.base.clone().unwrap_or(ControlClaim {
            when: None,
            status: crate::model::Term::Known(ControlStatus::Unknown),
            share_percent: None,
            qualifier: None,
            actors: Vec::new(),
            sources: Vec::new(),
            note: None,
            extra: Default::default(),
        });
        claim.status = term::<ControlStatus>(&self.status)
            .unwrap_or(crate::model::Term::Known(ControlStatus::Unknown));
        claim.share_percent = match self.share.trim() {
            "" => None,
            share => match share.parse::<f64>() {
                Ok(share) if (0.0..=100.0).contains(&share) => Some(share),
                _ => {
                    problems.add(
                        format!("properties.control[{i}].share"),
                        "a share is a percentage from 0 to 100",
                    );
                    None
                }
            },
        };
        claim.actors = list(&self.actors);
        match parse_when(&self.when) {
            Ok(when) => claim.when = when,
            Err(e) => problems.add(format!("properties.control[{i}].when"), e),
        }
        claim.sources = self.sources.clone();
        claim.note = optional(&self.note);
        claim
    }
}
