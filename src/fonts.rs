//! The fonts evacmap draws with, in the window and in every export.

/// DejaVu Sans as a fallback font: egui's default font lacks arrows, ✕, √ and other symbols
/// the map and panels use.
pub const FALLBACK_FONT: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

/// Noto Sans Arabic (SIL OFL 1.1), so Arabic looks the same on every machine and in every test.
pub const ARABIC_FONT: &[u8] = include_bytes!("../assets/fonts/NotoSansArabic-Regular.ttf");

/// The named font family that draws Arabic first.
pub const ARABIC_FAMILY: &str = "arabic";

/// Adds evacmap's fonts to `ctx` (takes effect from the next frame): Noto Sans Arabic, then
/// DejaVu Sans, after egui's own font and before any system font. egui's font keeps the spaces
/// and digits, so each Arabic word is a run of its own, as `crate::bidi` expects.
pub fn install_fonts(ctx: &egui::Context) {
    use egui::epaint::text::{FontData, FontInsert, FontPriority, InsertFontFamily};
    // No text below 12 px at 1× scale (egui's small style is 9 px), in exports too.
    ctx.all_styles_mut(|style| {
        for font in style.text_styles.values_mut() {
            font.size = font.size.max(12.0);
        }
    });
    let arabic = egui::FontFamily::Name(ARABIC_FAMILY.into());
    let fallback = |extra: Option<(egui::FontFamily, FontPriority)>| -> Vec<InsertFontFamily> {
        [egui::FontFamily::Proportional, egui::FontFamily::Monospace]
            .into_iter()
            .map(|family| (family, FontPriority::Lowest))
            .chain(extra)
            .map(|(family, priority)| InsertFontFamily { family, priority })
            .collect()
    };
    ctx.add_font(FontInsert::new(
        "NotoSansArabic",
        FontData::from_static(ARABIC_FONT),
        fallback(Some((arabic.clone(), FontPriority::Highest))),
    ));
    ctx.add_font(FontInsert::new(
        "DejaVuSans",
        FontData::from_static(FALLBACK_FONT),
        fallback(Some((arabic, FontPriority::Lowest))),
    ));
}
