//! The details panel: everything known about the selected feature, every figure with its source.

use egui::{Color32, RichText, Ui};

use super::Command;
use crate::map::style;
use crate::model::{
    ControlClaim, Dataset, DaySpan, Event, Feature, FeatureIndex, Figure, Movement, Place,
    capitalise, figures_by_source,
};

/// Shows the selected feature; returns what the user asked for.
#[must_use = "the commands are for the app to apply"]
pub fn details_ui(
    ui: &mut Ui,
    dataset: &Dataset,
    index: FeatureIndex,
    range: &DaySpan,
    shown_in_range: bool,
    visible: &[bool],
) -> Vec<Command> {
    let mut commands = Vec::new();
    let Some(feature) = dataset.get(index) else {
        return commands;
    };
    heading_ui(
        ui,
        &crate::bidi::visual(&dataset.display_name(&feature)),
        &mut commands,
    );
    if !shown_in_range {
        ui.colored_label(
            Color32::from_rgb(0xa0, 0x50, 0x00),
            "Outside the selected time range: hidden on the map.",
        );
    }
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            match &feature {
                Feature::Place(place) => {
                    place_ui(ui, dataset, place, range, visible, &mut commands)
                }
                Feature::Movement(movement) => movement_ui(ui, dataset, movement, &mut commands),
                Feature::Event(event) => event_ui(ui, dataset, event, &mut commands),
                Feature::Generic(_) => {}
            }
            extra_properties_ui(ui, &feature);
            sources_ui(ui, dataset, &cited_sources(&feature), &mut commands);
        });
    commands
}

fn place_ui(
    ui: &mut Ui,
    dataset: &Dataset,
    place: &Place,
    range: &DaySpan,
    visible: &[bool],
    commands: &mut Vec<Command>,
) {
    if let Some(arabic) = &place.name_ar {
        ui.label(RichText::new(crate::bidi::visual(arabic)).size(16.0))
            .on_hover_text("The name in Arabic");
    }
    if !place.name_variants.is_empty() {
        let variants: Vec<String> = place
            .name_variants
            .iter()
            .map(|v| crate::bidi::visual(v).into_owned())
            .collect();
        ui.label(format!("Also written: {}", variants.join(", ")));
    }
    let kind = place
        .place_type
        .as_ref()
        .map_or("place".into(), |t| t.label());
    let admin = place
        .admin1
        .as_deref()
        .map(|a| format!(", {a}"))
        .unwrap_or_default();
    ui.label(format!("{}{admin}", capitalise(&kind)));
    if let Some(point) = dataset.anchor_of_place(place) {
        let precision = place
            .geo_precision
            .as_ref()
            .map_or("precision not given".into(), |p| p.label());
        ui.label(format!(
            "{} ({precision})",
            format_lat_lon(point.y(), point.x())
        ));
    }
    let status = dataset.control_at(place, range);
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
        ui.painter()
            .circle_filled(rect.center(), 6.0, style::control_color(status));
        ui.label(format!(
            "Control at the end of the range: {}",
            style::control_label(status)
        ));
    });
    if let Some(description) = &place.description {
        ui.add_space(4.0);
        ui.label(description);
    }
    if !place.control.is_empty() {
        section(ui, "Who held it, according to whom");
        for claim in &place.control {
            control_claim_ui(ui, dataset, claim);
        }
    }
    let related = dataset.related_to_place(&place.common.id);
    if !related.is_empty() {
        section(ui, "Movements and events here");
        for index in related {
            if let Some(feature) = dataset.get(index) {
                let when = feature.when().map(|w| w.human()).unwrap_or_default();
                let mut text = format!("{} — {when}", dataset.display_name(&feature));
                if !visible.get(index.0).copied().unwrap_or(true) {
                    text.push_str(" (outside the time range)");
                }
                if ui.link(text).clicked() {
                    commands.push(Command::Show(index));
                }
            }
        }
    }
}

fn control_claim_ui(ui: &mut Ui, dataset: &Dataset, claim: &ControlClaim) {
    let when = claim.when.map_or("undated".into(), |w| w.human());
    let share = claim.share_percent.map_or(String::new(), |share| {
        let prefix = claim
            .qualifier
            .as_ref()
            .and_then(|q| q.known())
            .map_or("", |q| q.prefix());
        format!(", {prefix}{share}% of it")
    });
    let actors = if claim.actors.is_empty() {
        String::new()
    } else {
        format!(" ({})", claim.actors.join(", "))
    };
    let sources = source_names(dataset, &claim.sources);
    ui.label(format!(
        "{when}: {}{share}{actors} — {sources}",
        claim.status.label()
    ));
    if let Some(note) = &claim.note {
        ui.label(RichText::new(note).italics().weak());
    }
}

fn movement_ui(ui: &mut Ui, dataset: &Dataset, movement: &Movement, commands: &mut Vec<Command>) {
    ui.label(format!(
        "{} · {}",
        capitalise(&movement.movement_type.label()),
        movement.status.label()
    ));
    when_ui(
        ui,
        movement.common.when,
        movement.common.when_basis.as_deref(),
    );
    ui.horizontal_wrapped(|ui| {
        ui.label("From");
        place_link(ui, dataset, &movement.from, commands);
        for (i, origin) in movement.also_from.iter().enumerate() {
            ui.label(if i + 1 == movement.also_from.len() {
                "and"
            } else {
                ","
            });
            place_link(ui, dataset, origin, commands);
        }
        ui.label("to");
        place_link(ui, dataset, &movement.to, commands);
        if movement.to_assumed {
            ui.label(
                RichText::new("(assumed: the report does not name the destination)").italics(),
            );
        }
    });
    if let Some(summary) = &movement.summary {
        ui.add_space(4.0);
        ui.label(summary);
    }
    figures_ui(ui, dataset, &movement.figures);
}

/// Figures grouped by the sources that give them, side by side when sources disagree.
fn figures_ui(ui: &mut Ui, dataset: &Dataset, figures: &[Figure]) {
    section(ui, "Figures, by source");
    if figures.is_empty() {
        ui.label(RichText::new("No figures reported.").weak());
    }
    let groups = figures_by_source(figures);
    let disagree = groups.len() > 1;
    for (source_ids, figures) in groups {
        let names = source_names(dataset, &source_ids);
        let list: Vec<String> = figures.iter().map(|f| f.describe()).collect();
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(format!("{names}:")).strong());
            ui.label(list.join("; "));
        });
    }
    if disagree {
        ui.label(
            RichText::new("Sources disagree; their figures are shown side by side, never merged.")
                .weak()
                .italics(),
        );
    }
}

/// The heading of the details, with the button that clears the selection.
fn heading_ui(ui: &mut Ui, title: &str, commands: &mut Vec<Command>) {
    // The ✕ first, at the right; the title wraps in the room left of it, never under it.
    ui.with_layout(egui::Layout::right_to_left(egui::Align::TOP), |ui| {
        if ui
            .button("✕")
            .on_hover_text("Clear the selection (Esc)")
            .clicked()
        {
            commands.push(Command::Select(None));
        }
        let room = egui::vec2(ui.available_width(), 0.0);
        ui.allocate_ui_with_layout(room, egui::Layout::left_to_right(egui::Align::TOP), |ui| {
            ui.add(egui::Label::new(RichText::new(title).heading()).wrap());
        });
    });
}

/// The movements one arrow between clusters stands for: each with its date and its figures
/// by source (never summed across sources); a click on one selects it.
#[must_use = "the commands are for the app to apply"]
pub fn movements_ui(ui: &mut Ui, dataset: &Dataset, movements: &[FeatureIndex]) -> Vec<Command> {
    let mut commands = Vec::new();
    let count = crate::model::format_count(movements.len() as u64);
    heading_ui(ui, &format!("{count} movements"), &mut commands);
    ui.label(
        RichText::new("Drawn as one arrow between clusters at this zoom; zoom in to see each.")
            .weak(),
    );
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for &index in movements {
                let Some(Feature::Movement(movement)) = dataset.get(index) else {
                    continue;
                };
                let mut title = dataset.movement_name(&movement);
                if let Some(when) = movement.common.when {
                    title = format!("{} · {title}", when.human());
                }
                ui.separator();
                if ui.link(title).clicked() {
                    commands.push(Command::Select(Some(index)));
                }
                if movement.figures.is_empty() {
                    ui.label(RichText::new("No figures reported.").weak());
                }
                for (source_ids, figures) in figures_by_source(&movement.figures) {
                    let names = source_names(dataset, &source_ids);
                    let list: Vec<String> = figures.iter().map(|f| f.describe()).collect();
                    ui.label(format!("{names}: {}", list.join("; ")));
                }
            }
        });
    commands
}

fn event_ui(ui: &mut Ui, dataset: &Dataset, event: &Event, commands: &mut Vec<Command>) {
    ui.label(capitalise(&event.event_type.label()));
    when_ui(ui, event.common.when, event.common.when_basis.as_deref());
    if let Some(place) = &event.place {
        ui.horizontal(|ui| {
            ui.label("At");
            place_link(ui, dataset, place, commands);
        });
    }
    if let Some(summary) = &event.summary {
        ui.add_space(4.0);
        ui.label(summary);
    }
    if !event.actors.is_empty() {
        ui.label(format!("Actors: {}", event.actors.join(", ")));
    }
    if !event.figures.is_empty() {
        figures_ui(ui, dataset, &event.figures);
    }
}

fn when_ui(ui: &mut Ui, when: Option<crate::model::When>, basis: Option<&str>) {
    match when {
        Some(when) => {
            ui.label(format!("When: {}", when.human()));
        }
        None => {
            ui.label("When: not dated");
        }
    }
    if let Some(basis) = basis {
        ui.label(
            RichText::new(format!("Date derived from {basis}"))
                .weak()
                .italics(),
        );
    }
}

fn place_link(ui: &mut Ui, dataset: &Dataset, id: &str, commands: &mut Vec<Command>) {
    let name = dataset
        .place(id)
        .and_then(|p| p.common.name.clone())
        .unwrap_or_else(|| id.to_owned());
    if ui.link(name).clicked()
        && let Some(index) = dataset.index_of(id)
    {
        commands.push(Command::Show(index));
    }
}

/// Unknown properties (and, for generic features, all of them) as a key/value grid.
fn extra_properties_ui(ui: &mut Ui, feature: &Feature) {
    let extra = &feature.common().extra;
    if extra.is_empty() {
        return;
    }
    let title = match feature {
        Feature::Generic(_) => "Properties",
        _ => "Other properties",
    };
    section(ui, title);
    for (key, value) in extra {
        let text = match value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        // Known columns of other tools by what they mean; any other property by its own name
        // (the file's data, as the tool that wrote it named it).
        let name = crate::import::acled::column_label(key).unwrap_or(key);
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(name).strong())
                .on_hover_text(format!("Column {key} of the file"));
            ui.label(text);
        });
    }
}

fn cited_sources(feature: &Feature) -> Vec<String> {
    let mut ids: Vec<String> = feature.common().sources.clone();
    let mut add = |list: &[String]| {
        for id in list {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
    };
    match feature {
        Feature::Movement(m) => m.figures.iter().for_each(|f| add(&f.sources)),
        Feature::Event(e) => e.figures.iter().for_each(|f| add(&f.sources)),
        Feature::Place(p) => p.control.iter().for_each(|c| add(&c.sources)),
        _ => {}
    }
    ids
}

fn sources_ui(ui: &mut Ui, dataset: &Dataset, ids: &[String], commands: &mut Vec<Command>) {
    if ids.is_empty() {
        return;
    }
    section(ui, "Sources");
    for id in ids {
        let Some(source) = dataset.source(id) else {
            continue;
        };
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(&source.name).strong());
            if let Some(kind) = &source.kind {
                ui.label(RichText::new(format!("({})", kind.label())).weak());
            }
        });
        if let Some(url) = &source.url {
            link_ui(ui, url, commands);
        }
        if let Some(title) = &source.title {
            ui.label(RichText::new(format!("“{title}”")).italics());
        }
        if let Some(published) = source.published {
            ui.label(format!("Published {}", published.human()));
        }
        if let Some(note) = &source.note {
            ui.label(RichText::new(note).weak());
        }
        ui.add_space(4.0);
    }
}

/// A source's link: web links show where they go and open on a click; any other scheme is
/// shown as text with the reason, and never opened.
fn link_ui(ui: &mut Ui, url: &str, commands: &mut Vec<Command>) {
    match crate::model::link::check(url) {
        Ok(web) => {
            let host = crate::model::link::host(&web);
            let response = ui
                .link(format!("{host} ↗"))
                .on_hover_text(format!("Opens {url} in the browser"));
            if response.clicked() {
                commands.push(Command::OpenUrl(url.to_owned()));
            }
        }
        Err(why) => {
            ui.label(
                RichText::new(format!("⚠ Link not opened: {why}"))
                    .color(ui.visuals().warn_fg_color),
            );
            ui.label(RichText::new(url).monospace().weak());
        }
    }
}

fn section(ui: &mut Ui, title: &str) {
    ui.add_space(8.0);
    ui.label(RichText::new(title).strong().size(14.0));
    ui.separator();
}

fn source_names(dataset: &Dataset, ids: &[String]) -> String {
    ids.iter()
        .map(|id| dataset.short_source_name(id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "33.54611° N, 36.33778° E".
pub fn format_lat_lon(lat: f64, lon: f64) -> String {
    // A map panned round the world gives longitudes past ±180°: the place is the same.
    let lon = (lon + 180.0).rem_euclid(360.0) - 180.0;
    let ns = if lat >= 0.0 { 'N' } else { 'S' };
    let ew = if lon >= 0.0 { 'E' } else { 'W' };
    format!("{:.5}° {ns}, {:.5}° {ew}", lat.abs(), lon.abs())
}

#[cfg(test)]
mod tests {
    use super::format_lat_lon;

    #[test]
    fn coordinates_are_written_within_plus_or_minus_180_degrees() {
        assert_eq!(format_lat_lon(33.5, 36.3), "33.50000° N, 36.30000° E");
        // A map panned once round the world.
        assert_eq!(format_lat_lon(10.0, 467.05658), "10.00000° N, 107.05658° E");
        assert_eq!(format_lat_lon(-10.0, -200.0), "10.00000° S, 160.00000° E");
        assert_eq!(format_lat_lon(0.0, 180.0), "0.00000° N, 180.00000° W");
    }
}
