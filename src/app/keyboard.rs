//! The keyboard: shortcuts, focus on the map, and files dropped on the window.

use std::path::PathBuf;

use egui::{Id, Key, vec2};

use super::EvacApp;
use crate::command::EditCommand;
use crate::ui::Command;

/// The keyboard, as the help overlay lists it.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Space", "Play or pause"),
    (
        "← / →",
        "Move the time range back or forward by its own length",
    ),
    ("Ctrl+F", "Search the event list"),
    ("Home", "Frame the whole story"),
    ("+ / -", "Zoom in or out"),
    (
        "Tab / Shift+Tab",
        "Enter the map at its first item; move through markers, arrows and controls",
    ),
    (
        "Arrow keys (on the map)",
        "Move to the nearest marker, arrow or event in that direction",
    ),
    (
        "F6",
        "Move between the map, the event list, the timeline and the top bar",
    ),
    ("Enter", "Select the focused marker or arrow"),
    ("Esc", "Clear the selection (and leave the map)"),
    (
        "E",
        "Edit mode on or off (the map is read-only until it is on)",
    ),
    (
        "H",
        "Density view: hexagons by reports, by people moved, then markers again",
    ),
    ("Ctrl+Z", "Undo the last edit"),
    ("Ctrl+Shift+Z or Ctrl+Y", "Redo"),
    ("Ctrl+S", "Save the story"),
    (
        "Delete",
        "Delete the selected feature (in edit mode; undoable)",
    ),
    ("F1 or ?", "Show or hide this list"),
];

impl EvacApp {
    #[must_use = "the commands are for the app to apply"]
    pub(super) fn keyboard_commands(&mut self, ctx: &egui::Context) -> Vec<Command> {
        let mut commands = Vec::new();
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, Key::F)) {
            self.focus_search = true;
        }
        // Saving works wherever the focus is (a form's field included).
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, Key::S)) {
            commands.push(Command::Edit(EditCommand::Save));
        }
        self.keyboard_focus(ctx);
        // The density view is one key away on the map too (a marker keeps the focus there);
        // only a text field takes the H.
        if !ctx.text_edit_focused()
            && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, Key::H))
        {
            use crate::map::density::Density;
            let mut draw = self.state.draw;
            draw.density = match draw.density {
                Density::Off => Density::Reports,
                Density::Reports => Density::People,
                Density::People => Density::Off,
            };
            commands.push(Command::SetDrawToggles(draw));
        }
        if ctx.egui_wants_keyboard_input() {
            // A text field keeps its own undo.
            return commands;
        }
        let redo = ctx.input_mut(|i| {
            i.consume_key(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, Key::Z)
                || i.consume_key(egui::Modifiers::COMMAND, Key::Y)
        });
        if redo {
            commands.push(Command::Edit(EditCommand::Redo));
        } else if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, Key::Z)) {
            commands.push(Command::Edit(EditCommand::Undo));
        }
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, Key::E)) {
            commands.push(Command::Edit(EditCommand::ToggleMode));
        }
        if self.edit.mode
            && let Some(selection) = self.selection
            && ctx.input(|i| i.key_pressed(Key::Delete))
        {
            commands.push(Command::Edit(EditCommand::DeleteFeature(selection)));
        }
        if let Some(current) = self.chapters.current {
            let count = self.story.dataset.meta.chapters.len();
            let (back, on) = ctx.input(|i| {
                let arrows = self.chapter_panel_focused;
                (
                    i.key_pressed(Key::PageUp) || (arrows && i.key_pressed(Key::ArrowLeft)),
                    i.key_pressed(Key::PageDown) || (arrows && i.key_pressed(Key::ArrowRight)),
                )
            });
            let go = |index| Command::Chapter(crate::command::ChapterCommand::Go(index));
            if back && current > 0 {
                commands.push(go(current - 1));
            }
            if on && current + 1 < count {
                commands.push(go(current + 1));
            }
            if back || on {
                return commands;
            }
        }
        ctx.input(|input| {
            if input.key_pressed(Key::Space) {
                commands.push(Command::TogglePlay);
            }
            if input.key_pressed(Key::ArrowLeft) {
                commands.push(Command::Step(-1));
            }
            if input.key_pressed(Key::ArrowRight) {
                commands.push(Command::Step(1));
            }
            if input.key_pressed(Key::F1) || input.key_pressed(Key::Questionmark) {
                commands.push(Command::ToggleHelp);
            }
            if input.key_pressed(Key::Escape) {
                commands.push(Command::Select(None));
            }
            if input.key_pressed(Key::Home) {
                commands.push(Command::FitAll);
            }
            if input.key_pressed(Key::Plus) || input.key_pressed(Key::Equals) {
                commands.push(Command::Zoom(1.0));
            }
            if input.key_pressed(Key::Minus) {
                commands.push(Command::Zoom(-1.0));
            }
        });
        commands
    }

    /// The keyboard on the map: with nothing focused, Tab enters the map at its first item; on
    /// the map, arrow keys move to the nearest item in that direction; F6 moves between the map
    /// and the panels. The widget to focus is asked for at the end of the frame, after egui's
    /// own Tab handling.
    pub(super) fn keyboard_focus(&mut self, ctx: &egui::Context) {
        let targets = &self.last_overlay.focus_targets;
        let focused = ctx.memory(|m| m.focused());
        let on_map = focused.and_then(|id| targets.iter().position(|t| t.id == id));
        let press = |key| ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, key));
        if press(Key::F6) {
            let stops: Vec<Option<Id>> = std::iter::once(targets.first().map(|t| t.id))
                .chain(
                    crate::ui::focus::PANEL_STOPS.map(|panel| crate::ui::focus::stop(ctx, panel)),
                )
                .collect();
            let current = match on_map {
                Some(_) => Some(0),
                None => stops.iter().position(|s| s.is_some() && *s == focused),
            };
            self.focus_next = (1..=stops.len())
                .map(|step| current.map_or(step - 1, |c| c + step) % stops.len())
                .find_map(|i| stops[i]);
            return;
        }
        if focused.is_none() && ctx.input(|i| i.key_pressed(Key::Tab) && !i.modifiers.shift) {
            self.focus_next = targets.first().map(|t| t.id);
            return;
        }
        let Some(current) = on_map else {
            return;
        };
        // Tab and Esc leave the map (its items are reached with the arrow keys): Tab to the
        // event list, Shift+Tab to the top bar, Esc to nothing (and the selection is cleared).
        if press(Key::Tab) {
            self.focus_next = crate::ui::focus::stop(ctx, crate::ui::focus::PANEL_STOPS[0]);
            return;
        }
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::SHIFT, Key::Tab)) {
            self.focus_next = crate::ui::focus::stop(ctx, crate::ui::focus::PANEL_STOPS[2]);
            return;
        }
        if ctx.input(|i| i.key_pressed(Key::Escape)) {
            let id = targets[current].id;
            ctx.memory_mut(|m| m.surrender_focus(id));
            return;
        }
        for (key, direction) in [
            (Key::ArrowLeft, vec2(-1.0, 0.0)),
            (Key::ArrowRight, vec2(1.0, 0.0)),
            (Key::ArrowUp, vec2(0.0, -1.0)),
            (Key::ArrowDown, vec2(0.0, 1.0)),
        ] {
            if press(key) {
                let points: Vec<egui::Pos2> = targets.iter().map(|t| t.at).collect();
                let next = crate::map::layout::nearest_in_direction(&points, current, direction)
                    .unwrap_or(current);
                self.focus_next = targets.get(next).map(|t| t.id);
            }
        }
    }

    pub(super) fn open_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_owned())
                .collect()
        });
        if !dropped.is_empty() {
            self.queue_files(&dropped);
        }
    }
}
