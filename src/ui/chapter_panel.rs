//! The story's chapter, told over the map: its title and text, where it is in the story
//! ("3 of 9"), Previous and Next, and a way back to free exploration.

use egui::{Align2, Rect, RichText, vec2};

use crate::command::{ChapterCommand, Command, EditCommand};
use crate::model::edit::{Change, Edit};
use crate::model::{Chapter, Dataset};

/// What the panel shows this frame.
pub struct ChapterPanel<'a> {
    pub chapters: &'a [Chapter],
    pub current: usize,
    pub dataset: &'a Dataset,
    pub reduced_motion: bool,
    /// Edit mode: the chapter's title and text as typed, to change it.
    pub draft: Option<&'a mut ChapterDraft>,
}

/// A chapter's title and text as typed in edit mode.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChapterDraft {
    /// Which chapter it is a draft of.
    pub index: usize,
    pub title: String,
    pub text: String,
}

/// The chapters changed, as one undoable edit.
fn change(label: String, before: &[Chapter], after: Vec<Chapter>) -> Command {
    let change = Change::Chapters {
        before: before.to_vec(),
        after,
    };
    Command::Edit(EditCommand::Perform(Box::new(Edit::new(
        label,
        vec![change],
    ))))
}

/// Title and text to type, and the chapter saved, moved or deleted.
fn authoring_ui(ui: &mut egui::Ui, panel: &mut ChapterPanel, commands: &mut Vec<Command>) {
    let chapters = panel.chapters;
    let current = panel.current;
    let Some(draft) = panel.draft.as_deref_mut() else {
        return;
    };
    ui.separator();
    let title = ui.label("Chapter title");
    ui.add(egui::TextEdit::singleline(&mut draft.title).desired_width(f32::INFINITY))
        .labelled_by(title.id);
    let text = ui.label("Chapter text");
    ui.add(
        egui::TextEdit::multiline(&mut draft.text)
            .desired_rows(3)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(text.id);
    let chapter = &chapters[current];
    ui.horizontal_wrapped(|ui| {
        let changed = draft.title.trim() != chapter.title || draft.text.trim() != chapter.text;
        let titled = !draft.title.trim().is_empty();
        let save = ui
            .add_enabled(changed && titled, egui::Button::new("Save chapter"))
            .on_disabled_hover_text(if titled {
                "Nothing changed"
            } else {
                "A chapter needs a title"
            });
        if save.clicked() {
            let mut after = chapters.to_vec();
            after[current].title = draft.title.trim().to_owned();
            after[current].text = draft.text.trim().to_owned();
            commands.push(change(
                format!("change chapter {}", chapter.title),
                chapters,
                after,
            ));
        }
        let mut moved = |to: usize, label: &str| {
            let mut after = chapters.to_vec();
            let moving = after.remove(current);
            after.insert(to, moving);
            commands.push(change(
                format!("{label} {}", chapter.title),
                chapters,
                after,
            ));
            commands.push(Command::Chapter(ChapterCommand::Go(to)));
        };
        if ui
            .add_enabled(current > 0, egui::Button::new("Move earlier"))
            .clicked()
        {
            moved(current - 1, "move earlier");
        }
        if ui
            .add_enabled(
                current + 1 < chapters.len(),
                egui::Button::new("Move later"),
            )
            .clicked()
        {
            moved(current + 1, "move later");
        }
        if ui
            .button("Delete chapter")
            .on_hover_text("Can be undone (Ctrl+Z)")
            .clicked()
        {
            let mut after = chapters.to_vec();
            after.remove(current);
            commands.push(change(
                format!("delete chapter {}", chapter.title),
                chapters,
                after,
            ));
            match current.checked_sub(1).or((chapters.len() > 1).then_some(0)) {
                Some(to) => commands.push(Command::Chapter(ChapterCommand::Go(to))),
                None => commands.push(Command::Chapter(ChapterCommand::Leave)),
            }
        }
    });
}

/// What the panel did: its commands, and whether it has the keyboard (its ← and → then go
/// from chapter to chapter).
pub struct ChapterPanelOutput {
    pub commands: Vec<Command>,
    pub has_focus: bool,
}

#[must_use = "the commands are for the app to apply"]
pub fn chapter_panel_ui(
    ctx: &egui::Context,
    map: Rect,
    mut panel: ChapterPanel,
) -> ChapterPanelOutput {
    let mut commands = Vec::new();
    let mut has_focus = false;
    let Some(chapter) = panel.chapters.get(panel.current) else {
        return ChapterPanelOutput {
            commands,
            has_focus,
        };
    };
    let count = panel.chapters.len();
    let go = |index: usize| Command::Chapter(ChapterCommand::Go(index));
    egui::Window::new("Story")
        .id(egui::Id::unique("evacmap chapter panel"))
        .title_bar(false)
        .resizable(false)
        .collapsible(false)
        .pivot(Align2::LEFT_BOTTOM)
        .fixed_pos(map.left_bottom() + vec2(10.0, -10.0))
        .default_width(380.0_f32.min(map.width() - 40.0))
        .show(ctx, |ui| {
            ui.set_max_width(380.0_f32.min(map.width() - 40.0));
            ui.label(
                RichText::new(format!("{} of {count}", panel.current + 1))
                    .small()
                    .weak(),
            );
            ui.label(RichText::new(&chapter.title).heading().strong());
            if !chapter.text.is_empty() {
                ui.label(&chapter.text);
            }
            if let Some(when) = chapter.when {
                ui.label(RichText::new(when.human()).small());
            }
            if !chapter.sources.is_empty() {
                let names: Vec<String> = chapter
                    .sources
                    .iter()
                    .map(|s| panel.dataset.short_source_name(s))
                    .collect();
                ui.label(
                    RichText::new(format!("Sources: {}", names.join(", ")))
                        .small()
                        .weak(),
                );
            }
            ui.horizontal(|ui| {
                let previous = ui
                    .add_enabled(panel.current > 0, egui::Button::new("◀ Previous"))
                    .on_hover_text("The chapter before (Page Up)");
                if previous.clicked() {
                    commands.push(go(panel.current - 1));
                }
                let next = ui
                    .add_enabled(panel.current + 1 < count, egui::Button::new("Next ▶"))
                    .on_hover_text("The next chapter (Page Down)");
                if next.clicked() {
                    commands.push(go(panel.current + 1));
                }
                has_focus = previous.has_focus() || next.has_focus();
                if ui
                    .button("Explore freely")
                    .on_hover_text("Leave the story: the map is as you left it")
                    .clicked()
                {
                    commands.push(Command::Chapter(ChapterCommand::Leave));
                }
                let mut reduced = panel.reduced_motion;
                if ui
                    .checkbox(&mut reduced, "Reduce motion")
                    .on_hover_text("Jump from chapter to chapter instead of gliding")
                    .changed()
                {
                    commands.push(Command::Chapter(ChapterCommand::SetReducedMotion(reduced)));
                }
            });
            authoring_ui(ui, &mut panel, &mut commands);
        });
    ChapterPanelOutput {
        commands,
        has_focus,
    }
}
