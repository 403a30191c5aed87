//! Names as people write them: Arabic laid out right to left with the bundled font, labels in
//! either language, and search that finds every spelling.

use crate::support;

use egui::{Color32, FontFamily, FontId};
use egui_kittest::kittest::Queryable;
use evacmap::app::AppOptions;
use evacmap::model::names::LabelLanguage;

fn options() -> AppOptions {
    support::offline_options()
}

/// Lays `text` out with evacmap's fonts, as the window does.
fn layout(text: &str, family: FontFamily) -> std::sync::Arc<egui::Galley> {
    let ctx = egui::Context::default();
    evacmap::app::install_fonts(&ctx);
    let mut galley = None;
    let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
        galley = Some(ui.painter().layout_no_wrap(
            text.to_owned(),
            FontId::new(24.0, family.clone()),
            Color32::BLACK,
        ));
    });
    // No renderer here to upload the font atlas to.
    output.textures_delta.clear();
    galley.expect("one pass ran")
}

/// The glyphs that draw something, left to right.
fn visible_glyphs(galley: &egui::Galley) -> Vec<(f32, char)> {
    let mut glyphs: Vec<(f32, char)> = galley
        .rows
        .iter()
        .flat_map(|row| row.glyphs.iter())
        .filter(|g| g.advance_width > 0.0)
        .map(|g| (g.pos.x, g.chr))
        .collect();
    glyphs.sort_by(|a, b| a.0.total_cmp(&b.0));
    glyphs
}

#[test]
fn qaboun_in_arabic_is_laid_out_joined_from_right_to_left_with_the_bundled_font() {
    let galley = layout(
        "القابون",
        FontFamily::Name(evacmap::app::ARABIC_FAMILY.into()),
    );
    let drawn: String = visible_glyphs(&galley).iter().map(|(_, c)| *c).collect();
    // Leftmost glyph first: the last letter, ن, stands on the left.
    assert_eq!(drawn, "نوباقلا");
    // Joined letters take their medial or final forms: seven glyphs, no gaps for unjoined ones.
    assert_eq!(visible_glyphs(&galley).len(), 7);
}

#[test]
fn latakia_forms_the_lam_alef_ligature() {
    let text = "اللاذقية";
    let galley = layout(text, FontFamily::Name(evacmap::app::ARABIC_FAMILY.into()));
    let glyphs = visible_glyphs(&galley).len();
    assert!(
        glyphs < text.chars().count(),
        "{glyphs} glyphs for {} letters: lam and alef should join into one",
        text.chars().count()
    );
}

#[test]
fn egui_still_places_arabic_words_in_logical_order() {
    // If this fails, egui has learnt bidi (egui #1016): delete src/bidi.rs and its calls, or
    // the words of Arabic phrases will be reversed twice.
    let galley = layout("دير الزور", FontFamily::Proportional);
    let x_of = |wanted: char| {
        visible_glyphs(&galley)
            .iter()
            .find(|(_, c)| *c == wanted)
            .map(|(x, _)| *x)
            .expect("the letter is drawn")
    };
    assert!(
        x_of('د') < x_of('ز'),
        "egui now places the first Arabic word on the right: it does bidi itself"
    );
}

#[test]
fn a_phrase_reordered_for_display_reads_right_to_left_word_by_word() {
    let shown = evacmap::bidi::visual("دير الزور");
    let galley = layout(&shown, FontFamily::Proportional);
    let glyphs = visible_glyphs(&galley);
    let x_of = |wanted: char| glyphs.iter().find(|(_, c)| *c == wanted).map(|(x, _)| *x);
    // The first word of the phrase, دير, is on the right, as a reader of Arabic expects.
    assert!(x_of('د') > x_of('ز'), "{glyphs:?}");
}

#[test]
fn with_arabic_labels_qaboun_is_labelled_in_arabic_and_named_in_both() {
    let harness = support::app_harness(
        AppOptions {
            labels: Some(LabelLanguage::Arabic),
            ..options()
        },
        None,
        1.0 / 60.0,
    );
    let qaboun = harness.state().dataset().index_of("qaboun").unwrap();
    let label = harness
        .state()
        .last_overlay()
        .labels
        .iter()
        .find(|l| l.feature == qaboun)
        .map(|l| l.text.clone());
    assert_eq!(label.as_deref(), Some("القابون"));
    // Screen readers get both names.
    harness.get_by_label("Qaboun · القابون");
    // And the choice is remembered.
    assert_eq!(
        harness.state().persisted().draw.label_language,
        LabelLanguage::Arabic
    );
}

#[test]
fn the_label_language_is_chosen_in_the_layers_menu() {
    let mut harness = support::app_harness(options(), None, 1.0 / 60.0);
    harness.get_by_label("Layers").click();
    harness.run_steps(3);
    harness.get_by_label("Both").click();
    harness.run_steps(3);
    let qaboun = harness.state().dataset().index_of("qaboun").unwrap();
    let labels = &harness.state().last_overlay().labels;
    let text = labels
        .iter()
        .find(|l| l.feature == qaboun)
        .map(|l| l.text.as_str());
    assert_eq!(text, Some("Qaboun · القابون"));
}

#[test]
fn every_spelling_of_qaboun_finds_its_events() {
    let unfiltered = support::list_items(&support::app_harness(options(), None, 1.0 / 60.0));
    // The movement from Qaboun and the five events there, each named after it.
    let expected: Vec<String> = unfiltered
        .iter()
        .filter(|item| item.contains("Qaboun"))
        .cloned()
        .collect();
    assert_eq!(expected.len(), 6, "{unfiltered:#?}");
    for query in ["qabun", "قابون", "al qaboun", "Kaboun", "القابون", "QABOON"] {
        let mut harness = support::app_harness(options(), None, 1.0 / 60.0);
        harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
        harness.run_steps(2);
        harness.get_by_label("Search").type_text(query);
        harness.run_steps(2);
        assert_eq!(support::list_items(&harness), expected, "{query:?}");
    }
}

#[test]
fn the_details_show_the_arabic_name_and_the_other_spellings() {
    let mut harness = support::app_harness(
        AppOptions {
            select: Some("qaboun".into()),
            ..options()
        },
        None,
        1.0 / 60.0,
    );
    harness.run_steps(2);
    harness.get_by_label("القابون");
    harness.get_by_label("Also written: Qabun, al-Qaboun, Kaboun, Qaboon, Al Qabun");
}

#[test]
fn saving_keeps_arabic_names_and_variants_exactly_as_read() {
    let dataset = evacmap::io::parse_bytes(evacmap::BUNDLED_STORY.as_bytes(), "bundled")
        .unwrap()
        .dataset;
    let saved = evacmap::io::to_geojson_string(&dataset);
    for name in ["القابون", "برزة", "مخيم اليرموك", "الغوطة الشرقية", "إدلب"]
    {
        assert!(
            saved.contains(&format!("\"name_ar\": \"{name}\"")),
            "{name}"
        );
    }
    assert!(saved.contains("\"al-Qaboun\""));
    let again = evacmap::io::parse_bytes(saved.as_bytes(), "saved")
        .unwrap()
        .dataset;
    assert_eq!(again, dataset);
}
