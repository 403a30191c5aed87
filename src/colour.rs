//! Colours as people see them: WCAG 2's relative luminance and contrast ratio, for text that
//! stays readable on panels, windows and the map. Pure: no egui state.

use egui::Color32;

/// The least contrast of text against its background (WCAG 2, AA for normal text).
pub const MIN_CONTRAST: f32 = 4.5;

/// WCAG 2's contrast ratio of two opaque colours, from 1 (none) to 21 (black on white).
pub fn contrast(a: Color32, b: Color32) -> f32 {
    let (la, lb) = (luminance(a), luminance(b));
    let (light, dark) = if la > lb { (la, lb) } else { (lb, la) };
    (light + 0.05) / (dark + 0.05)
}

/// WCAG 2's relative luminance of an sRGB colour.
fn luminance(colour: Color32) -> f32 {
    let [r, g, b, _] = colour.to_srgba_unmultiplied();
    let linear = |c: u8| {
        let c = f32::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_is_wcags_ratio() {
        assert!((contrast(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 0.01);
        assert!((contrast(Color32::WHITE, Color32::WHITE) - 1.0).abs() < 0.001);
        // #767676 on white is the lightest grey that passes AA.
        let grey = Color32::from_gray(0x76);
        assert!(contrast(grey, Color32::WHITE) >= 4.5);
        assert!(contrast(Color32::from_gray(0x78), Color32::WHITE) < 4.5);
    }
}
