//! Text people can read: no text below 12 px (secondary text included), and every text colour
//! at least 4.5:1 against the panels and windows it is drawn on (WCAG 2's AA level), in the
//! dark and the light theme alike. Applied when the app starts and checked every frame, so that
//! nothing restored or switched later (a theme change, saved egui state) brings back egui's 9 px
//! small text or its faint grey.

use egui::{Color32, Context, FontId, Style};

/// The smallest text anywhere, in points at 1× scale.
pub const MIN_TEXT_SIZE: f32 = 12.0;

pub use crate::colour::{MIN_CONTRAST, contrast};

/// Makes `ctx`'s styles readable when they are not (a no-op once they are).
pub fn keep_readable(ctx: &Context) {
    let readable = [egui::Theme::Dark, egui::Theme::Light]
        .into_iter()
        .all(|theme| is_readable(&ctx.style_of(theme)));
    if !readable {
        ctx.all_styles_mut(make_readable);
    }
}

/// Whether `style` has no text style below [`MIN_TEXT_SIZE`] and its text colours keep
/// [`MIN_CONTRAST`] against panels and windows.
pub fn is_readable(style: &Style) -> bool {
    let sizes = style
        .text_styles
        .values()
        .all(|font| font.size >= MIN_TEXT_SIZE);
    let visuals = &style.visuals;
    let backgrounds = [
        visuals.panel_fill,
        visuals.window_fill,
        visuals.extreme_bg_color,
    ];
    let texts = [
        visuals.text_color(),
        visuals.weak_text_color(),
        visuals.error_fg_color,
        visuals.warn_fg_color,
    ];
    sizes
        && texts.iter().all(|&text| {
            backgrounds
                .iter()
                .all(|&background| contrast(text, background) >= MIN_CONTRAST)
        })
}

/// Raises every text style to at least [`MIN_TEXT_SIZE`] and gives weak and normal text colours
/// that keep [`MIN_CONTRAST`].
pub fn make_readable(style: &mut Style) {
    for font in style.text_styles.values_mut() {
        *font = FontId::new(font.size.max(MIN_TEXT_SIZE), font.family.clone());
    }
    let visuals = &mut style.visuals;
    if visuals.dark_mode {
        visuals.override_text_color = Some(Color32::from_gray(215));
        visuals.weak_text_color = Some(Color32::from_gray(160));
        visuals.error_fg_color = Color32::from_rgb(0xff, 0x7a, 0x6e);
        visuals.warn_fg_color = Color32::from_rgb(0xf0, 0xbe, 0x50);
    } else {
        visuals.override_text_color = Some(Color32::from_gray(25));
        visuals.weak_text_color = Some(Color32::from_gray(85));
        visuals.error_fg_color = Color32::from_rgb(0xa0, 0x20, 0x20);
        visuals.warn_fg_color = Color32::from_rgb(0x80, 0x52, 0x00);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn egui_s_own_styles_are_made_readable_in_both_themes() {
        for theme in [egui::Theme::Dark, egui::Theme::Light] {
            let mut style = theme.default_style();
            assert!(!is_readable(&style), "{theme:?}: egui's small text is 9 pt");
            make_readable(&mut style);
            assert!(is_readable(&style), "{theme:?}");
        }
    }
}
