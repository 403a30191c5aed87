//! The chronological list of events and movements, filtered by the time range and a search box.

use std::sync::{Arc, Mutex, OnceLock};

use egui::{RichText, Ui};

use super::Command;
use crate::model::{Dataset, Feature, FeatureIndex, FeatureKind};
use crate::search::{Search, SearchTexts};

/// Events and movements in time order (undated last), and the words each is searched by.
#[derive(Debug, Clone)]
pub struct EventCatalogue {
    pub order: Vec<FeatureIndex>,
    /// Worked out the first time someone searches a big story, on a thread of its own: for a
    /// million features they take two seconds and 48 MB, which a reader who never searches
    /// should not pay and the first frame should not wait for.
    texts: Arc<OnceLock<SearchTexts>>,
    /// The story whose texts are still to be worked out, until the first search takes it.
    unprepared: Arc<Mutex<Option<Arc<Dataset>>>>,
}

/// Stories with fewer features have their search texts worked out at once (in milliseconds).
const PREPARED_ON_DEMAND_FROM: usize = 50_000;

impl EventCatalogue {
    /// The list's order now; the search texts now for a small story, on demand for a big one.
    pub fn new(dataset: &Arc<Dataset>) -> Self {
        Self::prepared_on_demand_from(dataset, PREPARED_ON_DEMAND_FROM)
    }

    fn prepared_on_demand_from(dataset: &Arc<Dataset>, threshold: usize) -> Self {
        let catalogue = Self::ordered(dataset);
        if dataset.len() < threshold {
            catalogue.texts.set(SearchTexts::new(dataset.clone())).ok();
        } else {
            *catalogue
                .unprepared
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = Some(dataset.clone());
        }
        catalogue
    }

    fn ordered(dataset: &Dataset) -> Self {
        let store = dataset.store();
        // Each key worked out once (a date's span at every comparison took seconds for a
        // million), then sorted on every core.
        let keyed: Vec<_> = (0..dataset.len())
            .filter(|&i| matches!(store.kind(i), FeatureKind::Event | FeatureKind::Movement))
            .map(|i| {
                let span = store.when(i).map(|w| w.span());
                (
                    span.is_none(),
                    span.map(|s| (s.first, s.last)),
                    FeatureIndex(i),
                )
            })
            .collect();
        let order = crate::sort::sort_unstable_by_key_on_cores(keyed, |&key| key)
            .into_iter()
            .map(|(_, _, index)| index)
            .collect();
        Self {
            order,
            texts: Default::default(),
            unprepared: Default::default(),
        }
    }

    /// Starts working out the search texts on a thread, if no one has yet.
    fn prepare(&self) {
        let Some(dataset) = self
            .unprepared
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        else {
            return;
        };
        let texts = self.texts.clone();
        let shared = dataset.clone();
        let spawned = std::thread::Builder::new()
            .name("search index".into())
            .spawn(move || {
                // Set whatever happens, so that a search is never pending forever.
                let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    SearchTexts::new(shared)
                }));
                texts.set(built.unwrap_or_default()).ok();
                crate::memory::give_back_freed();
            });
        if let Err(error) = spawned {
            // No thread to be had: the texts are worked out here instead.
            log::warn!("cannot start the search index thread: {error}");
            self.texts.set(SearchTexts::new(dataset)).ok();
        }
    }
}

/// Nothing to list, and nothing to wait for.
impl Default for EventCatalogue {
    fn default() -> Self {
        Self {
            order: Vec::new(),
            texts: Arc::new(OnceLock::from(SearchTexts::default())),
            unprepared: Default::default(),
        }
    }
}

impl EventCatalogue {
    /// Whether the search texts are worked out.
    pub fn is_ready(&self) -> bool {
        self.texts.get().is_some()
    }

    /// A search for `query`, or `None` while the search texts are still being worked out
    /// (asking starts that). An empty query matches everything at once.
    pub fn search(&self, query: &str) -> Option<Search<'_>> {
        if crate::model::names::Query::new(query).is_empty() {
            return Some(Search::everything());
        }
        self.prepare();
        self.texts.get().map(|texts| texts.search(query))
    }
}

/// What the search matches, by feature index, for the map to dim everything else until the
/// search is cleared; worked out again only when the search changes.
#[derive(Debug, Default)]
pub struct SearchHighlight {
    matched: Option<(String, Vec<bool>)>,
}

impl SearchHighlight {
    pub fn clear(&mut self) {
        self.matched = None;
    }

    /// Follows the search typed (nothing to dim while its texts are being worked out).
    pub fn update(&mut self, search: &str, catalogue: &EventCatalogue, features: usize) {
        let query = search.trim();
        if query.is_empty() {
            self.matched = None;
            return;
        }
        if self.query() == Some(query) {
            return;
        }
        self.matched = catalogue.search(query).map(|found| {
            let matches = (0..features).map(|i| found.matches(FeatureIndex(i)));
            (query.to_owned(), matches.collect())
        });
    }

    /// Whether each feature matches, by index; `None` without a search.
    pub fn matches(&self) -> Option<&[bool]> {
        self.matched.as_ref().map(|(_, m)| m.as_slice())
    }

    /// The search the matches are for.
    pub fn query(&self) -> Option<&str> {
        self.matched.as_ref().map(|(q, _)| q.as_str())
    }
}

/// The rows of the list and the places found, worked out again only when the search or the
/// range changed (a million rows take milliseconds to filter, too long for every frame).
#[derive(Debug, Default)]
pub struct ShownRows {
    /// The search and the visible set's generation the rows were worked out for.
    key: Option<(String, u64)>,
    /// Empty when every row is listed (see `all`).
    rows: Vec<FeatureIndex>,
    /// Every event and movement is listed: the catalogue's order is the rows (a copy of it is
    /// megabytes for a big story).
    all: bool,
    places: Vec<FeatureIndex>,
    /// The search typed waits for its texts: nothing is listed yet.
    preparing: bool,
}

impl ShownRows {
    /// The rows listed.
    fn rows<'a>(&'a self, catalogue: &'a EventCatalogue) -> &'a [FeatureIndex] {
        if self.all {
            &catalogue.order
        } else {
            &self.rows
        }
    }

    fn update(&mut self, input: &EventListInput, search: &str) {
        let key = (search.to_owned(), input.visible_generation);
        if self.key.as_ref() == Some(&key) {
            return;
        }
        let Some(found) = input.catalogue.search(search) else {
            self.rows.clear();
            self.places.clear();
            self.preparing = true;
            return;
        };
        self.preparing = false;
        let order = &input.catalogue.order;
        let shown = |i: &FeatureIndex| input.visible.get(i.0).copied().unwrap_or(true);
        self.all = found.is_empty() && order.iter().all(shown);
        self.rows = if self.all {
            Vec::new()
        } else {
            order
                .iter()
                .copied()
                .filter(shown)
                .filter(|&i| found.matches(i))
                .collect()
        };
        // Places the search finds, by any of their names, above the events and movements.
        let store = input.dataset.store();
        self.places = if found.is_empty() {
            Vec::new()
        } else {
            (0..input.dataset.len())
                .filter(|&i| store.kind(i) == FeatureKind::Place)
                .map(FeatureIndex)
                .filter(|&i| found.matches(i))
                .collect()
        };
        self.key = Some(key);
    }
}

/// What the list needs this frame.
pub struct EventListInput<'a> {
    pub dataset: &'a Dataset,
    pub catalogue: &'a EventCatalogue,
    pub visible: &'a [bool],
    /// Changes when `visible` does.
    pub visible_generation: u64,
    pub selection: Option<FeatureIndex>,
    /// Scroll the selected item into view (it was selected elsewhere).
    pub reveal_selection: bool,
    /// Put the keyboard in the search box (Ctrl+F).
    pub focus_search: bool,
}

/// Places a search lists above the events at most; typing more narrows them.
const MAX_PLACES_LISTED: usize = 50;

#[must_use = "the commands are for the app to apply"]
pub fn event_list_ui(
    ui: &mut Ui,
    search: &mut String,
    rows: &mut ShownRows,
    input: &EventListInput,
) -> Vec<Command> {
    let mut commands = Vec::new();
    ui.horizontal(|ui| {
        let label = ui.label("Search");
        let field = ui
            .add(
                egui::TextEdit::singleline(search)
                    .hint_text("names, places, actors, sources (Ctrl+F)")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        super::focus::remember(ui.ctx(), "event-list", field.id);
        if input.focus_search {
            field.request_focus();
        }
    });
    rows.update(input, search);
    let places = &rows.places;
    for index in places.iter().take(MAX_PLACES_LISTED) {
        let Some(feature) = input.dataset.get(*index) else {
            continue;
        };
        let name = crate::bidi::visual(&input.dataset.display_name(&feature)).into_owned();
        let selected = input.selection == Some(*index);
        if ui
            .selectable_label(selected, format!("◆ {name} (place)"))
            .clicked()
        {
            commands.push(Command::Show(*index));
        }
    }
    if places.len() > MAX_PLACES_LISTED {
        ui.label(
            RichText::new(format!(
                "and {} more places: type more of a name",
                places.len() - MAX_PLACES_LISTED
            ))
            .weak(),
        );
    }
    let shown = rows.rows(input.catalogue);
    if rows.preparing {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(format!(
                "Preparing the search over {} features…",
                input.dataset.len()
            ));
        });
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(100));
        return commands;
    }
    ui.label(
        RichText::new(format!(
            "{} of {} events and movements",
            shown.len(),
            input.catalogue.order.len()
        ))
        .weak(),
    );
    // Only the rows in view are laid out, so a list of a million costs what a screenful does.
    // A selectable label's height: its text and padding, at least the interactive height.
    let spacing = ui.spacing();
    let row_height = (ui.text_style_height(&egui::TextStyle::Body)
        + 2.0 * spacing.button_padding.y)
        .max(spacing.interact_size.y);
    let row_pitch = row_height + spacing.item_spacing.y;
    let mut area = egui::ScrollArea::vertical()
        .id_salt("event list")
        .auto_shrink([false, false]);
    let revealed = input
        .reveal_selection
        .then(|| shown.iter().position(|i| Some(*i) == input.selection))
        .flatten();
    if let Some(row) = revealed {
        // Bring the selected row among the rows laid out: it may be far from them.
        let view = ui.available_height();
        area = area.vertical_scroll_offset((row as f32 * row_pitch - view / 2.0).max(0.0));
    }
    area.show_rows(ui, row_height, shown.len(), |ui, rows| {
        // One line per row, as show_rows needs: a long name is cut with "…".
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
        for index in shown[rows].iter().copied() {
            let Some(feature) = input.dataset.get(index) else {
                continue;
            };
            let when = feature
                .when()
                .map_or_else(|| "undated".to_owned(), |w| w.human());
            let kind = match feature {
                Feature::Movement(_) => "→",
                _ => "•",
            };
            let name = input.dataset.display_name(&feature);
            let text = format!("{kind} {when} · {}", crate::bidi::visual(&name));
            let selected = input.selection == Some(index);
            let response = ui.selectable_label(selected, text);
            if selected && revealed.is_some() {
                // Laid out now thanks to the offset above; egui centres it exactly.
                response.scroll_to_me(Some(egui::Align::Center));
            }
            if response.clicked() {
                commands.push(Command::Show(index));
            }
        }
    });
    commands
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list asks for a search every time it is redone: with nothing typed it must not wait
    /// for the search texts (for a big story they take seconds to work out).
    #[test]
    fn an_empty_search_does_not_wait_for_the_texts() {
        let dataset = crate::story::Story::bundled().dataset;
        let catalogue = EventCatalogue::ordered(&dataset);
        assert!(!catalogue.is_ready());
        for query in ["", "  ", "-"] {
            let search = catalogue.search(query).expect("no texts needed");
            assert!(search.is_empty());
            assert!(catalogue.order.iter().all(|&i| search.matches(i)));
        }
    }

    /// A big story's texts are worked out only once someone searches, and the search is
    /// pending (not waited for) until they are.
    #[test]
    fn a_big_storys_texts_wait_for_the_first_search() {
        let dataset = Arc::new(crate::story::Story::bundled().dataset);
        let catalogue = EventCatalogue::prepared_on_demand_from(&dataset, 0);
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(!catalogue.is_ready(), "worked out before anyone searched");
        let started = std::time::Instant::now();
        let mut found = None;
        while started.elapsed() < std::time::Duration::from_secs(30) {
            if let Some(search) = catalogue.search("qaboun") {
                found = Some(
                    catalogue
                        .order
                        .iter()
                        .filter(|&&i| search.matches(i))
                        .count(),
                );
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert!(catalogue.is_ready());
        let qaboun = catalogue
            .order
            .iter()
            .filter(|&&i| {
                dataset
                    .display_name(&dataset.get(i).unwrap())
                    .contains("Qaboun")
            })
            .count();
        assert!(qaboun > 0);
        assert!(found.expect("the texts were worked out") >= qaboun);
    }

    /// With nothing searched and everything in range the catalogue's order is listed as is;
    /// a range hiding some, or a search, lists rows of their own.
    #[test]
    fn every_row_is_listed_without_a_copy_and_hidden_ones_are_left_out() {
        let dataset = Arc::new(crate::story::Story::bundled().dataset);
        let catalogue = EventCatalogue::new(&dataset);
        let mut visible = vec![true; dataset.len()];
        let input = |visible: &[bool], generation| {
            let input = EventListInput {
                dataset: &dataset,
                catalogue: &catalogue,
                visible,
                visible_generation: generation,
                selection: None,
                reveal_selection: false,
                focus_search: false,
            };
            let mut rows = ShownRows::default();
            rows.update(&input, "");
            let listed = rows.rows(&catalogue).to_vec();
            (rows.all, rows.rows.len(), listed)
        };
        let (all, copied, listed) = input(&visible, 1);
        assert!(all);
        assert_eq!(copied, 0);
        assert_eq!(listed, catalogue.order);
        let hidden = catalogue.order[0];
        visible[hidden.0] = false;
        let (all, copied, listed) = input(&visible, 2);
        assert!(!all);
        assert_eq!(copied, catalogue.order.len() - 1);
        assert!(!listed.contains(&hidden));
    }

    #[test]
    fn the_map_dims_what_a_search_does_not_match_until_it_is_cleared() {
        let dataset = Arc::new(crate::story::Story::bundled().dataset);
        let catalogue = EventCatalogue::new(&dataset);
        let mut highlight = SearchHighlight::default();
        highlight.update("  ", &catalogue, dataset.len());
        assert!(highlight.matches().is_none());
        highlight.update(" qaboun ", &catalogue, dataset.len());
        assert_eq!(highlight.query(), Some("qaboun"));
        let matches = highlight.matches().expect("matches").to_vec();
        let qaboun = dataset.index_of("qaboun").expect("qaboun");
        assert!(matches[qaboun.0]);
        assert!(matches.iter().any(|m| !m), "everything matched");
        highlight.clear();
        assert!(highlight.matches().is_none());
    }
}
