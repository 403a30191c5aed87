//! Figures as rows: measure, value, qualifier, source. A figure cannot be kept without a
//! source; a second source's different number is a second row, never an overwrite.

use egui::Ui;

use super::fields::{Problems, source_choice, term, term_choice};
use crate::model::{Dataset, Figure, Measure, Qualifier, Term};

/// A figure as typed.
#[derive(Debug, Clone, Default)]
pub struct FigureDraft {
    base: Option<Figure>,
    pub measure: String,
    pub value: String,
    pub qualifier: String,
    /// The source chosen in the row.
    pub source: String,
    /// Further sources the figure cited when read (kept; the row shows the first).
    more_sources: Vec<String>,
}

impl FigureDraft {
    pub fn of(figure: &Figure) -> Self {
        let mut sources = figure.sources.iter();
        Self {
            base: Some(figure.clone()),
            measure: figure.measure.as_str().to_owned(),
            value: figure.value.to_string(),
            qualifier: figure.qualifier.as_str().to_owned(),
            source: sources.next().cloned().unwrap_or_default(),
            more_sources: sources.cloned().collect(),
        }
    }

    fn figure(&self, path: &str, problems: &mut Problems) -> Figure {
        let mut figure = self.base.clone().unwrap_or(Figure {
            measure: Term::Known(Measure::People),
            value: 0,
            qualifier: Term::Known(Qualifier::Exact),
            sources: Vec::new(),
            note: None,
            extra: Default::default(),
        });
        figure.measure = term::<Measure>(&self.measure).unwrap_or(Term::Known(Measure::People));
        figure.qualifier =
            term::<Qualifier>(&self.qualifier).unwrap_or(Term::Known(Qualifier::Exact));
        match self
            .value
            .trim()
            .replace([',', ' ', '\u{a0}'], "")
            .parse::<u64>()
        {
            Ok(value) => figure.value = value,
            Err(_) => problems.add(format!("{path}.value"), "a figure is a whole number"),
        }
        figure.sources = std::iter::once(&self.source)
            .filter(|s| !s.is_empty())
            .chain(&self.more_sources)
            .cloned()
            .collect();
        figure
    }
}

/// The figures as typed; the problems of their typing go in `problems`.
pub fn figures(drafts: &[FigureDraft], problems: &mut Problems) -> Vec<Figure> {
    drafts
        .iter()
        .enumerate()
        .map(|(i, d)| d.figure(&format!("properties.figures[{i}]"), problems))
        .collect()
}

/// The rows, each with its problems, and buttons to add and remove rows.
pub fn figures_ui(
    ui: &mut Ui,
    drafts: &mut Vec<FigureDraft>,
    dataset: &Dataset,
    problems: &Problems,
) {
    ui.label("Figures (each with its source; another source's number is another row)");
    let mut remove = None;
    for (i, draft) in drafts.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            ui.label(format!("Figure {}", i + 1));
            term_choice::<Measure>(
                ui,
                &format!("Figure {} measure", i + 1),
                &mut draft.measure,
                false,
            );
            let value = ui.label("value");
            ui.add(egui::TextEdit::singleline(&mut draft.value).desired_width(70.0))
                .labelled_by(value.id);
            term_choice::<Qualifier>(
                ui,
                &format!("Figure {} qualifier", i + 1),
                &mut draft.qualifier,
                false,
            );
            source_choice(
                ui,
                &format!("Figure {} source", i + 1),
                &mut draft.source,
                dataset,
            );
            if ui
                .small_button("✕")
                .on_hover_text(format!("Remove figure {}", i + 1))
                .accessible_name(format!("Remove figure {}", i + 1))
                .clicked()
            {
                remove = Some(i);
            }
        });
        problems.beside(ui, &format!("properties.figures[{i}]"));
    }
    if let Some(i) = remove {
        drafts.remove(i);
    }
    if ui.button("Add a figure").clicked() {
        drafts.push(FigureDraft {
            measure: "people".into(),
            qualifier: "exact".into(),
            ..FigureDraft::default()
        });
    }
}
