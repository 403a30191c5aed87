//! The events of a cluster's places, folded into the cluster: counted by type once for the
//! range, said in its accessible name and shown as a count under its disc, instead of a ring of
//! event symbols around it.

use super::StoryOverlay;
use super::scene::ClusterMark;
use crate::map::index::EVENT_TYPES;
use crate::model::{EventType, Vocabulary, format_count};

impl StoryOverlay<'_> {
    /// Adds the events in the range at place `slot` to `by_type`.
    pub(super) fn count_events_by_type(&self, slot: u32, by_type: &mut [u32; EVENT_TYPES]) {
        // The types were told once, when the index was built: a count at every change of the
        // range reads a byte an event.
        let events = self.index.events_at(slot);
        for (&event, &kind) in events.iter().zip(self.index.event_types_at(slot)) {
            if self.is_visible(event) {
                by_type[usize::from(kind).min(EVENT_TYPES - 1)] += 1;
            }
        }
    }
}

impl ClusterMark {
    /// How many events its places have in the range.
    pub(super) fn events(&self) -> u64 {
        self.events_by_type.iter().map(|&n| u64::from(n)).sum()
    }

    /// Its events' types, the most frequent first (`None`: of a type of their own), with
    /// their counts.
    pub(super) fn types_by_count(&self) -> Vec<(Option<EventType>, u32)> {
        let mut types: Vec<(Option<EventType>, u32)> = self
            .events_by_type
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(at, &n)| (EventType::ALL.get(at).copied(), n))
            .collect();
        let name = |t: &Option<EventType>| t.map_or_else(|| "~".to_owned(), |t| t.label());
        types.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| name(&a.0).cmp(&name(&b.0))));
        types
    }

    /// "1,204 events: 530 clashes, 300 strikes, 374 of other types"; empty without events.
    pub(super) fn events_summary(&self) -> String {
        let total = self.events();
        if total == 0 {
            return String::new();
        }
        let types = self.types_by_count();
        let shown: Vec<String> = types
            .iter()
            .take(3)
            .map(|(kind, n)| {
                let name = kind.map_or_else(|| "of other types".to_owned(), |t| t.label());
                format!("{} {name}", format_count(u64::from(*n)))
            })
            .collect();
        let rest: u64 = types.iter().skip(3).map(|(_, n)| u64::from(*n)).sum();
        let mut summary = format!(
            "{} {}: {}",
            format_count(total),
            if total == 1 { "event" } else { "events" },
            shown.join(", ")
        );
        if rest > 0 {
            summary.push_str(&format!(", {} more", format_count(rest)));
        }
        summary
    }

    /// Its accessible name: "Cluster of 132 places around Aleppo; 1,204 events: 530 clashes, …".
    pub(super) fn name(&self) -> String {
        let places = super::interaction::cluster_name(self.count, &self.named);
        match self.events_summary() {
            events if events.is_empty() => places,
            events => format!("{places}; {events}"),
        }
    }
}
