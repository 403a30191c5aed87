//! The edit forms: a place, a movement, an event, the story's sources. Each checks what is
//! typed by the loader's own rules as it is typed, shows the problems beside their fields, and
//! returns an [`Edit`] for the app to make (undoably) only when there are none.

pub mod event_form;
pub mod fields;
pub mod figures;
pub mod movement_form;
pub mod place_form;
pub mod sources_form;

use egui::{RichText, Ui};

use crate::command::{Command, EditCommand};
use crate::io::geojson::edit_check::check_feature;
use crate::model::edit::{Change, Edit};
use crate::model::{Dataset, Feature, FeatureIndex};
use event_form::EventDraft;
use fields::{Problems, error_colour};
use movement_form::MovementDraft;
use place_form::PlaceDraft;
use sources_form::SourcesDraft;

/// The form open for editing.
#[derive(Debug, Clone)]
pub enum EditForm {
    Place(PlaceDraft),
    Movement(MovementDraft),
    Event(EventDraft),
    Sources(SourcesDraft),
}

impl EditForm {
    /// The form for the feature at `index`; `None` for other tools' features (kept as read).
    pub fn for_feature(dataset: &Dataset, index: FeatureIndex) -> Option<Self> {
        Some(match dataset.get(index)? {
            Feature::Place(place) => Self::Place(PlaceDraft::of(Some(index), place)),
            Feature::Movement(movement) => Self::Movement(MovementDraft::of(Some(index), movement)),
            Feature::Event(event) => Self::Event(EventDraft::of(Some(index), event)),
            Feature::Generic(_) => return None,
        })
    }

    /// The form again for what its feature is now, when something other than the form
    /// changed it (an undo, their version taken): `Some(None)` when the feature is gone or is
    /// no longer of the form's kind; `None` when the form still shows the feature as it is.
    pub fn refreshed(&self, dataset: &Dataset) -> Option<Option<Self>> {
        let at = self.at()?;
        let unchanged = match (self, dataset.get(at)) {
            (Self::Place(d), Some(Feature::Place(now))) => d.base_is(&now),
            (Self::Movement(d), Some(Feature::Movement(now))) => d.base_is(&now),
            (Self::Event(d), Some(Feature::Event(now))) => d.base_is(&now),
            _ => false,
        };
        (!unchanged).then(|| Self::for_feature(dataset, at))
    }

    fn at(&self) -> Option<FeatureIndex> {
        match self {
            Self::Place(d) => d.at,
            Self::Movement(d) => d.at,
            Self::Event(d) => d.at,
            Self::Sources(_) => None,
        }
    }

    fn title(&self, dataset: &Dataset) -> String {
        let what = match self {
            Self::Place(_) => "place",
            Self::Movement(_) => "movement",
            Self::Event(_) => "event",
            Self::Sources(_) => return "Sources".into(),
        };
        match self.at() {
            Some(at) => format!("Edit {what}: {}", dataset.display_name_at(at)),
            None => format!("New {what}"),
        }
    }

    /// The feature as typed, with every problem: the typing's and the loader's.
    fn feature(&self, dataset: &Dataset) -> Option<(Feature, Problems)> {
        let (feature, mut problems) = match self {
            Self::Place(d) => d.feature(dataset),
            Self::Movement(d) => d.feature(dataset),
            Self::Event(d) => d.feature(dataset),
            Self::Sources(_) => return None,
        };
        problems.extend_from(&check_feature(dataset, &feature, self.at()));
        Some((feature, problems))
    }
}

/// What a change of a feature is called in the Edit menu: "add place New camp".
fn label(dataset: &Dataset, verb: &str, feature: &Feature) -> String {
    let name = match feature {
        Feature::Movement(m) => {
            let origins: Vec<String> = std::iter::once(&m.from)
                .chain(&m.also_from)
                .map(|id| dataset.place_name(id))
                .collect();
            format!("{} → {}", origins.join(" and "), dataset.place_name(&m.to))
        }
        _ => dataset.display_name(feature),
    };
    format!("{verb} {} {name}", feature.kind().as_str())
}

/// The form in its window; returns the edit made (and the form's closing), or nothing.
#[must_use = "the commands are for the app to apply"]
pub fn edit_form_ui(
    ctx: &egui::Context,
    form: &mut EditForm,
    dataset: &Dataset,
    just_opened: bool,
) -> Vec<Command> {
    if just_opened {
        ctx.data_mut(|d| d.insert_temp(fields::focus_first_field_id(), true));
    }
    let mut commands = Vec::new();
    let title = form.title(dataset);
    let mut open = true;
    egui::Window::new(title)
        .id(egui::Id::unique("evacmap edit form"))
        .open(&mut open)
        .collapsible(false)
        .resizable(true)
        .default_width(460.0)
        // Over the details it replaces, at the right: the story on the map stays in view.
        .pivot(egui::Align2::RIGHT_TOP)
        .default_pos(ctx.content_rect().right_top() + egui::vec2(-12.0, 64.0))
        // Tall enough for a movement's figures and the Save button; longer forms scroll.
        .default_height((ctx.content_rect().height() - 140.0).clamp(200.0, 620.0))
        .max_height(ctx.content_rect().height() - 120.0)
        .vscroll(true)
        .show(ctx, |ui| {
            commands = form_body(ui, form, dataset);
        });
    if !open {
        commands.push(Command::Edit(EditCommand::CloseForm));
    }
    commands
}

fn form_body(ui: &mut Ui, form: &mut EditForm, dataset: &Dataset) -> Vec<Command> {
    let mut commands = Vec::new();
    if let EditForm::Sources(draft) = form {
        let (sources, problems) = draft.sources(dataset);
        draft.ui(ui, dataset, &problems);
        problems.others(ui, &["evacmap.sources."]);
        ui.separator();
        let pressed = save_row(ui, "Save sources", &problems);
        if pressed == Some(Pressed::Save) && sources != dataset.meta.sources {
            let change = Change::Sources {
                before: dataset.meta.sources.clone(),
                after: sources,
            };
            commands.push(Command::Edit(EditCommand::Perform(Box::new(Edit::new(
                "change the sources",
                vec![change],
            )))));
        }
        if pressed.is_some() {
            commands.push(Command::Edit(EditCommand::CloseForm));
        }
        return commands;
    }
    let Some((_, problems)) = form.feature(dataset) else {
        return commands;
    };
    match form {
        EditForm::Place(d) => d.ui(ui, dataset, &problems),
        EditForm::Movement(d) => d.ui(ui, dataset, &problems),
        EditForm::Event(d) => d.ui(ui, dataset, &problems),
        EditForm::Sources(_) => {}
    }
    // Typed this frame: checked again before it is saved.
    let Some((feature, problems)) = form.feature(dataset) else {
        return commands;
    };
    problems.others(ui, &["properties.", "geometry", "id"]);
    ui.separator();
    let what = feature.kind().as_str();
    let pressed = save_row(ui, &format!("Save {what}"), &problems);
    if let Some(at) = form.at()
        && ui
            .button(format!("Delete this {what}"))
            .on_hover_text("Can be undone (Ctrl+Z)")
            .clicked()
    {
        commands.push(Command::Edit(EditCommand::DeleteFeature(at)));
        commands.push(Command::Edit(EditCommand::CloseForm));
    }
    if pressed == Some(Pressed::Cancel) {
        commands.push(Command::Edit(EditCommand::CloseForm));
    }
    if pressed == Some(Pressed::Save) {
        let edit = match form.at().and_then(|at| Some((at, dataset.get(at)?))) {
            Some((_, before)) if before == feature => None,
            Some((at, before)) => Some(Edit::new(
                label(dataset, "change", &feature),
                vec![Change::replace(at, before, feature)],
            )),
            None => Some(Edit::new(
                label(dataset, "add", &feature),
                vec![Change::add(FeatureIndex(dataset.len()), feature)],
            )),
        };
        commands.extend(edit.map(|e| Command::Edit(EditCommand::Perform(Box::new(e)))));
        commands.push(Command::Edit(EditCommand::CloseForm));
    }
    commands
}

/// What the bottom row of a form was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pressed {
    Save,
    Cancel,
}

/// The Save and Cancel buttons; Save is off while there are problems, and says why.
fn save_row(ui: &mut Ui, save: &str, problems: &Problems) -> Option<Pressed> {
    let mut pressed = None;
    let reason = problems.first();
    ui.horizontal(|ui| {
        let button = ui.add_enabled(reason.is_none(), egui::Button::new(save));
        match &reason {
            Some(reason) => {
                button.on_disabled_hover_text(reason);
            }
            None if button.clicked() => pressed = Some(Pressed::Save),
            None => {}
        }
        if ui.button("Cancel").clicked() {
            pressed = Some(Pressed::Cancel);
        }
    });
    if let Some(reason) = reason {
        ui.label(RichText::new(format!("Cannot save yet: {reason}")).color(error_colour(ui)));
    }
    pressed
}
