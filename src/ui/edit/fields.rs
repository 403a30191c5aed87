//! What every edit form is made of: text fields with their problems beside them, a date in the
//! files' own syntax checked as it is typed, terms from the vocabularies, and a searchable
//! choice of source.

use egui::{Color32, RichText, Ui};

use crate::io::Problem;
use crate::io::problem::Location;
use crate::model::{Dataset, FeatureIndex, Term, Vocabulary, When};

/// The problems of a draft: where (the member's path, as the loader names it) and what.
#[derive(Debug, Default, Clone)]
pub struct Problems(Vec<(String, String)>);

impl Problems {
    pub fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push((path.into(), message.into()));
    }

    /// The loader's errors (warnings are not a reason to refuse an edit).
    pub fn extend_from(&mut self, problems: &[Problem]) {
        for problem in problems.iter().filter(|p| p.is_error()) {
            let path = match &problem.location {
                Location::Feature { path, .. } | Location::Document { path } => path.clone(),
                other => other.to_string(),
            };
            self.add(path, problem.message.clone());
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first problem, in words, for the reason a Save button is off.
    pub fn first(&self) -> Option<String> {
        self.0
            .first()
            .map(|(path, message)| match field_name(path) {
                Some(field) => format!("{field}: {message}"),
                None => message.clone(),
            })
    }

    /// Shows, in the error colour, the problems of the member at `path` and of those in it.
    pub fn beside(&self, ui: &mut Ui, path: &str) {
        for (at, message) in &self.0 {
            let inside = at == path
                || at
                    .strip_prefix(path)
                    .is_some_and(|rest| rest.starts_with(['.', '[']));
            if inside {
                ui.label(RichText::new(format!("⚠ {message}")).color(error_colour(ui)));
            }
        }
    }

    /// Problems no field shows (beside none of `shown`).
    pub fn others(&self, ui: &mut Ui, shown: &[&str]) {
        for (at, message) in &self.0 {
            if !shown.iter().any(|p| at.starts_with(p)) {
                ui.label(RichText::new(format!("⚠ {message}")).color(error_colour(ui)));
            }
        }
    }
}

/// A reader's name for a member's path: "figure 2", "the destination".
fn field_name(path: &str) -> Option<String> {
    let path = path.strip_prefix("properties.").unwrap_or(path);
    if let Some(rest) = path.strip_prefix("figures[") {
        let n: usize = rest.split(']').next()?.parse().ok()?;
        return Some(format!("Figure {}", n + 1));
    }
    if let Some(rest) = path.strip_prefix("control[") {
        let n: usize = rest.split(']').next()?.parse().ok()?;
        return Some(format!("Claim {}", n + 1));
    }
    let name = match path.split(['.', '[']).next()? {
        "name" => "Name",
        "when" => "Date",
        "from" => "From",
        "to" => "To",
        "sources" => "Sources",
        "geometry" => "Position",
        "id" => "Id",
        "place" => "Place",
        other => return Some(crate::model::capitalise(&other.replace('_', " "))),
    };
    Some(name.to_owned())
}

pub fn error_colour(ui: &Ui) -> Color32 {
    ui.visuals().error_fg_color
}

/// Where a form just opened asks its first text field to take the keyboard.
pub fn focus_first_field_id() -> egui::Id {
    egui::Id::unique("evacmap form focus first field")
}

/// A labelled one-line text field, its problems beneath. The first of a form just opened takes
/// the keyboard (so a form opened from a menu is typed into at once).
pub fn text_row(ui: &mut Ui, label: &str, text: &mut String, problems: &Problems, path: &str) {
    let label = ui.label(label);
    ui.vertical(|ui| {
        let field = ui
            .add(egui::TextEdit::singleline(text).desired_width(260.0))
            .labelled_by(label.id);
        if ui.data_mut(|d| d.remove_temp::<bool>(focus_first_field_id())) == Some(true) {
            field.request_focus();
        }
        problems.beside(ui, path);
    });
    ui.end_row();
}

/// A labelled text field of several lines.
pub fn multiline_row(ui: &mut Ui, label: &str, text: &mut String) {
    let label = ui.label(label);
    ui.add(
        egui::TextEdit::multiline(text)
            .desired_rows(2)
            .desired_width(260.0),
    )
    .labelled_by(label.id);
    ui.end_row();
}

/// A date in the files' syntax (`2017-05-12`, `2017-05`, `2017-05-08/2017-05-14`, `../2017`):
/// `None` for an empty field, or the problem in words.
pub fn parse_when(text: &str) -> Result<Option<When>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    When::parse(text).map(Some).map_err(|e| e.to_string())
}

/// A choice of `T`'s terms (or none, where `optional`), keeping an unknown one as it was;
/// `name` is its accessible name (and tells it from the form's other choices).
pub fn term_choice<T: Vocabulary>(ui: &mut Ui, name: &str, value: &mut String, optional: bool) {
    let shown = if value.is_empty() {
        "—".to_owned()
    } else {
        value.replace('_', " ")
    };
    egui::ComboBox::from_id_salt(name)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            if optional {
                ui.selectable_value(value, String::new(), "—");
            }
            for term in T::ALL {
                ui.selectable_value(value, term.as_str().to_owned(), term.label());
            }
        })
        .response
        .accessible_name(name);
}

/// A term from its text: known or kept as written; `None` when empty.
pub fn term<T: Vocabulary>(text: &str) -> Option<Term<T>> {
    let text = text.trim();
    (!text.is_empty()).then(|| Term::parse(text))
}

/// How many choices a searchable list shows at once (typing finds the others).
const MOST_CHOICES: usize = 200;

/// A combo box named `name`, showing `shown`, whose list (`choices`: value and label) is
/// searched by typing as soon as it opens; the value chosen goes into `value`.
pub fn searchable_choice<'a>(
    ui: &mut Ui,
    name: &str,
    value: &mut String,
    shown: String,
    hint: &str,
    choices: impl Iterator<Item = (&'a str, &'a str)>,
) {
    let filter_id = ui.scope_id().with((name, "filter"));
    egui::ComboBox::from_id_salt(name)
        .selected_text(shown)
        .width(190.0)
        .show_ui(ui, |ui| {
            let mut filter: String = ui.data(|d| d.get_temp(filter_id)).unwrap_or_default();
            let field = ui
                .add(egui::TextEdit::singleline(&mut filter).hint_text(hint))
                .accessible_name(hint);
            if filter.is_empty() && !field.has_focus() {
                field.request_focus();
            }
            let needle = filter.to_lowercase();
            let matching = choices.filter(|(id, label)| {
                needle.is_empty()
                    || label.to_lowercase().contains(&needle)
                    || id.to_lowercase().contains(&needle)
            });
            for (shown, (id, label)) in matching.enumerate() {
                if shown == MOST_CHOICES {
                    ui.label("… type to find more");
                    break;
                }
                ui.selectable_value(value, id.to_owned(), label);
            }
            ui.data_mut(|d| d.insert_temp(filter_id, filter));
        })
        .response
        .accessible_name(name);
}

/// A searchable choice of one of the story's sources (its id in `value`), named `name`.
pub fn source_choice(ui: &mut Ui, name: &str, value: &mut String, dataset: &Dataset) {
    let shown = if value.is_empty() {
        "choose a source…".to_owned()
    } else {
        dataset.short_source_name(value)
    };
    let sources = dataset
        .meta
        .sources
        .iter()
        .map(|s| (s.id.as_str(), s.name.as_str()));
    searchable_choice(ui, name, value, shown, "Search sources", sources);
}

/// A list of source ids, each removable, and a choice to add one.
pub fn sources_row(ui: &mut Ui, id: &str, sources: &mut Vec<String>, dataset: &Dataset) {
    ui.horizontal_wrapped(|ui| {
        let mut remove = None;
        for (i, source) in sources.iter().enumerate() {
            let name = dataset.short_source_name(source);
            if ui
                .small_button(format!("{name} ✕"))
                .on_hover_text(format!("Stop citing {name}"))
                .clicked()
            {
                remove = Some(i);
            }
        }
        if let Some(i) = remove {
            sources.remove(i);
        }
        let mut added = String::new();
        source_choice(
            ui,
            &format!("Add a source to the {id}"),
            &mut added,
            dataset,
        );
        if !added.is_empty() && !sources.contains(&added) {
            sources.push(added);
        }
    });
}

/// Words separated by commas: "Qabun, al-Qaboun".
pub fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// An optional text: `None` when blank.
pub fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The id of the feature a form makes: an existing feature's own (ids are what others refer
/// to); for a new one, the id typed, or one made from `made_from`.
pub fn feature_id(
    dataset: &Dataset,
    at: Option<FeatureIndex>,
    typed: &str,
    made_from: &str,
) -> String {
    match (at, typed.trim()) {
        (Some(_), typed) => typed.to_owned(),
        (None, "") => fresh_id(dataset, made_from),
        (None, typed) => typed.to_owned(),
    }
}

/// An id made from a name, not yet taken in `dataset`: "new-camp", "new-camp-2".
pub fn fresh_id(dataset: &Dataset, name: &str) -> String {
    let mut slug: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    while slug.contains("--") {
        slug = slug.replace("--", "-");
    }
    let slug = slug.trim_matches('-');
    let slug = if slug.is_empty() { "feature" } else { slug };
    let mut id = slug.to_owned();
    let mut n = 2;
    while dataset.index_of(&id).is_some() {
        id = format!("{slug}-{n}");
        n += 1;
    }
    id
}
