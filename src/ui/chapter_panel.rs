//! The story's chapter, told over the map: its title and text, where it is in the story
//! ("3 of 9"), Previous and Next, and a way back to free exploration.

use egui::{Align2, Rect, RichText, vec2};

use crate::command::{ChapterCommand, Command};
use crate::model::{Chapter, Dataset};

/// What the panel shows this frame.
pub struct ChapterPanel<'a> {
    pub chapters: &'a [Chapter],
    pub current: usize,
    pub dataset: &'a Dataset,
    pub reduced_motion: bool,
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
    panel: &ChapterPanel,
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
        });
    ChapterPanelOutput {
        commands,
        has_focus,
    }
}
