//! The chronological list of events and movements, filtered by the time range and a search box.

use std::sync::{Arc, OnceLock};

use egui::{RichText, Ui};

use super::Command;
use crate::model::{Dataset, Feature, FeatureIndex, FeatureKind, names};

/// Events and movements in time order (undated last), and the text each is searched by.
#[derive(Debug, Clone)]
pub struct EventCatalogue {
    pub order: Vec<FeatureIndex>,
    /// Names (with every spelling of the places involved), actors and sources, folded for
    /// search (`model::names::fold`), by feature index. Worked out on a thread of its own:
    /// for a big story it takes a second, which the first frame should not wait for.
    haystacks: Arc<OnceLock<Haystacks>>,
}

/// Every feature's search text in one string, with where each ends: a million `String`s cost
/// forty bytes each besides their text.
#[derive(Debug, Default)]
struct Haystacks {
    text: String,
    ends: Vec<u32>,
}

impl Haystacks {
    fn push(&mut self, haystack: &str) {
        self.text.push_str(haystack);
        self.ends.push(self.text.len() as u32);
    }

    fn get(&self, index: usize) -> &str {
        let end = self.ends.get(index).map_or(0, |&end| end as usize);
        let start = match index.checked_sub(1) {
            Some(before) => self.ends.get(before).map_or(0, |&end| end as usize),
            None => 0,
        };
        self.text.get(start..end).unwrap_or_default()
    }
}

impl EventCatalogue {
    /// The list's order now; the search texts on a worker thread.
    pub fn new(dataset: &Arc<Dataset>) -> Self {
        let catalogue = Self::ordered(dataset);
        let haystacks = catalogue.haystacks.clone();
        let shared = dataset.clone();
        let spawned = std::thread::Builder::new()
            .name("search index".into())
            .spawn(move || {
                // Set whatever happens, so that a search never waits forever.
                let texts = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    search_texts(&shared)
                }));
                let _ = haystacks.set(texts.unwrap_or_default());
            });
        if let Err(error) = spawned {
            // No thread to be had: the texts are worked out here instead.
            log::warn!("cannot start the search index thread: {error}");
            let _ = catalogue.haystacks.set(search_texts(dataset));
        }
        catalogue
    }

    fn ordered(dataset: &Dataset) -> Self {
        let store = dataset.store();
        let mut order: Vec<FeatureIndex> = (0..dataset.len())
            .filter(|&i| matches!(store.kind(i), FeatureKind::Event | FeatureKind::Movement))
            .map(FeatureIndex)
            .collect();
        // Cached: working out a date's span at every comparison took seconds for a million.
        order.sort_by_cached_key(|i| {
            let span = store.when(i.0).map(|w| w.span());
            (span.is_none(), span.map(|s| (s.first, s.last)), *i)
        });
        Self {
            order,
            haystacks: Default::default(),
        }
    }
}

/// Nothing to list, and nothing to wait for.
impl Default for EventCatalogue {
    fn default() -> Self {
        Self {
            order: Vec::new(),
            haystacks: Arc::new(OnceLock::from(Haystacks::default())),
        }
    }
}

impl EventCatalogue {
    /// Whether a feature matches every word of `query`, whatever the spelling: case,
    /// diacritics, the article and Arabic letter variants aside.
    pub fn matches(&self, index: FeatureIndex, query: &str) -> bool {
        self.matches_query(index, &names::Query::new(query))
    }

    /// Whether the search texts are worked out.
    pub fn is_ready(&self) -> bool {
        self.haystacks.get().is_some()
    }

    /// As [`Self::matches`]; a search typed before the texts are ready waits for them.
    pub fn matches_query(&self, index: FeatureIndex, query: &names::Query) -> bool {
        query.is_empty() || query.matches(self.haystacks.wait().get(index.0))
    }
}

/// Each feature's search text, by index.
fn search_texts(dataset: &Dataset) -> Haystacks {
    let started = std::time::Instant::now();
    // A place named in an item's text is found by any of its spellings too. Only places
    // with other spellings (an Arabic name, variants) add anything: checking every place
    // against every item would cost features × places (minutes for a big generated story).
    let spellings: Vec<(String, String)> = dataset
        .places()
        .filter(|(_, place)| place.name_ar.is_some() || !place.name_variants.is_empty())
        .filter_map(|(_, place)| {
            let name = names::fold(place.common.name.as_deref()?);
            (!name.is_empty()).then(|| (name, names::place_search_text(&place)))
        })
        .collect();
    let places = place_texts(dataset);
    let mut haystacks = Haystacks::default();
    for feature in dataset.features() {
        let mut haystack = search_text(dataset, &feature, &places);
        for (name, spellings) in &spellings {
            if contains_word(&haystack, name) && !haystack.contains(spellings.as_str()) {
                haystack.push(' ');
                haystack.push_str(spellings);
            }
        }
        haystacks.push(&haystack);
    }
    haystacks.text.shrink_to_fit();
    crate::memory::give_back_freed();
    if haystacks.ends.len() >= 10_000 {
        log::info!(
            "search texts: {} MB for {} features in {} ms",
            haystacks.text.len() / 1_000_000,
            haystacks.ends.len(),
            started.elapsed().as_millis()
        );
    }
    haystacks
}

/// The rows of the list, worked out again only when the search or the range changed (a
/// million rows take milliseconds to filter, too long for every frame).
#[derive(Debug, Default)]
pub struct ShownRows {
    /// The search and the visible set's generation the rows were worked out for.
    key: Option<(String, u64)>,
    rows: Vec<FeatureIndex>,
}

impl ShownRows {
    fn update(&mut self, input: &EventListInput, search: &str) -> &[FeatureIndex] {
        let key = (search.to_owned(), input.visible_generation);
        if self.key.as_ref() != Some(&key) {
            let query = names::Query::new(search);
            self.rows = input
                .catalogue
                .order
                .iter()
                .copied()
                .filter(|i| input.visible.get(i.0).copied().unwrap_or(true))
                .filter(|i| input.catalogue.matches_query(*i, &query))
                .collect();
            self.key = Some(key);
        }
        &self.rows
    }
}

/// Whether `words` (folded, space-separated) has `phrase` at word boundaries.
fn contains_word(words: &str, phrase: &str) -> bool {
    words.match_indices(phrase).any(|(at, _)| {
        let before = words.get(..at).and_then(|t| t.chars().next_back());
        let after = words
            .get(at + phrase.len()..)
            .and_then(|t| t.chars().next());
        before.is_none_or(|c| c == ' ') && after.is_none_or(|c| c == ' ')
    })
}

/// Every place's names, folded for search, by its position in the dataset: worked out once,
/// not again for every movement and event at the place.
type PlaceTexts = foldhash::HashMap<FeatureIndex, String>;

fn place_texts(dataset: &Dataset) -> PlaceTexts {
    dataset
        .places()
        .map(|(index, place)| (index, names::place_search_text(&place)))
        .collect()
}

fn search_text(dataset: &Dataset, feature: &Feature, places: &PlaceTexts) -> String {
    let place_name = |id: &str| {
        dataset
            .place_index(id)
            .and_then(|i| places.get(&i))
            .map_or_else(|| id.to_owned(), String::clone)
    };
    let mut parts = vec![dataset.display_name(feature), feature.id().to_owned()];
    match feature {
        Feature::Movement(m) => {
            parts.push(place_name(&m.from));
            parts.extend(m.also_from.iter().map(|id| place_name(id)));
            parts.push(place_name(&m.to));
            parts.extend(m.summary.clone());
            for figure in &m.figures {
                parts.extend(figure.sources.iter().cloned());
            }
        }
        Feature::Event(e) => {
            parts.extend(e.place.as_deref().map(place_name));
            parts.extend(e.actors.iter().cloned());
            parts.extend(e.summary.clone());
            for figure in &e.figures {
                parts.extend(figure.sources.iter().cloned());
            }
        }
        _ => {}
    }
    for id in &feature.common().sources {
        parts.push(id.clone());
        parts.extend(dataset.source(id).map(|s| s.name.clone()));
    }
    if let Feature::Place(place) = feature {
        parts.push(names::place_search_text(place));
    }
    names::fold(&parts.join(" "))
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
    // Places the search finds, by any of their names, above the events and movements.
    let query = names::Query::new(search);
    let places: Vec<FeatureIndex> = if query.is_empty() {
        Vec::new()
    } else {
        input
            .dataset
            .places()
            .map(|(i, _)| i)
            .filter(|i| input.catalogue.matches_query(*i, &query))
            .collect()
    };
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
    let shown = rows.update(input, search);
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
