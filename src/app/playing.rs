//! Stepping and playing the time range.

use std::time::Duration;

use super::EvacApp;
use crate::playback::{self};

impl EvacApp {
    /// Moves the range by its own length, `count` times (← and →).
    pub(super) fn step(&mut self, count: i32) {
        let Some(extent) = self.extent else {
            return;
        };
        self.playing = None;
        self.set_range(playback::shift_by_length(&self.range, extent, count));
    }

    /// Moves the range by `count` steps of the unit the timeline shows (Step ◀ and Step ▶).
    pub(super) fn step_by_unit(&mut self, count: i32) {
        let Some(extent) = self.extent else {
            return;
        };
        let unit = self.step_unit();
        self.playing = None;
        let range = playback::step_by_unit(&self.range, extent, unit, count);
        self.set_range(range);
        self.stepped = Some((unit, range));
    }

    /// The unit Step ◀/▶ moves by: the one chosen, else the last step's while its range is
    /// shown, else the one Play would take.
    pub fn step_unit(&self) -> playback::StepUnit {
        if let Some(unit) = self.playback_settings().unit {
            return unit;
        }
        match self.stepped {
            Some((unit, range)) if range == self.range => unit,
            _ => self
                .playback_plan()
                .map_or(playback::StepUnit::Day, |plan| plan.unit),
        }
    }

    pub(super) fn toggle_play(&mut self, now: f64) {
        if let Some(plan) = self.playing.take() {
            self.paused = Some((plan, self.range));
            return;
        }
        let Some(extent) = self.extent else {
            return;
        };
        // Resume where it paused, unless the range was changed since.
        let plan = match self.paused.take() {
            Some((plan, range)) if range == self.range => plan,
            _ => {
                let plan = playback::plan(&self.range, extent, &self.playback_settings());
                self.set_range(plan.start);
                plan
            }
        };
        self.playing = Some(plan);
        self.next_step_at = now + 1.0 / plan.steps_per_second.max(0.1) as f64;
    }

    pub(super) fn advance_playback(&mut self, ctx: &egui::Context) {
        let Some(plan) = self.playing else {
            return;
        };
        let now = ctx.input(|i| i.time);
        if now >= self.next_step_at {
            match playback::advance(&self.range, &plan) {
                Some(next) => self.set_range(next),
                None if self.playback_settings().looping => self.set_range(plan.start),
                None => {
                    self.playing = None;
                    return;
                }
            }
            self.next_step_at = now + 1.0 / plan.steps_per_second.max(0.1) as f64;
        }
        ctx.request_repaint_after(Duration::from_secs_f64((self.next_step_at - now).max(0.0)));
    }
}
