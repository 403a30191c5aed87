//! The scene as SVG: vector areas, lines and markers, text as text (so it can be edited and
//! searched), tiles as embedded images.

use std::fmt::Write;

use base64::Engine;

use super::scene::{Item, Pen, Point, Rgba, Scene};

/// The fonts the window draws with, in its order: egui's, then evacmap's own (see
/// `crate::fonts::install_fonts`). The rasteriser and the PDF writer are given the same files.
pub const PROPORTIONAL_FONTS: &str =
    "Ubuntu, 'Ubuntu Light', 'Noto Sans Arabic', 'DejaVu Sans', 'Noto Emoji', sans-serif";
pub const MONOSPACE_FONTS: &str = "Hack, Ubuntu, 'Noto Sans Arabic', 'DejaVu Sans', monospace";

/// How the page is sized in the file: in points (CSS px) or in millimetres (print).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PageUnit {
    Px { scale: f32 },
    Mm,
}

/// Writes `scene` as an SVG document.
pub fn to_svg(scene: &Scene, unit: PageUnit) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let (w, h) = (scene.width, scene.height);
    let (width, height) = match unit {
        PageUnit::Px { scale } => (number(w * scale), number(h * scale)),
        PageUnit::Mm => (
            format!("{}mm", number(w * 25.4 / 96.0)),
            format!("{}mm", number(h * 25.4 / 96.0)),
        ),
    };
    writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" width="{width}" height="{height}" viewBox="0 0 {w} {h}" xml:space="preserve">"#
    ).ok();
    writeln!(out, "<title>{}</title>", escape(&title(scene))).ok();
    writeln!(
        out,
        r#"<rect x="0" y="0" width="{w}" height="{h}"{}/>"#,
        paint("fill", scene.background)
    )
    .ok();
    for (i, group) in scene.groups.iter().enumerate() {
        match group.clip {
            Some([min, max]) => {
                writeln!(
                    out,
                    r#"<clipPath id="clip{i}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath><g clip-path="url(#clip{i})">"#,
                    number(min[0]),
                    number(min[1]),
                    number(max[0] - min[0]),
                    number(max[1] - min[1])
                ).ok();
            }
            None => out.push_str("<g>\n"),
        }
        write_items(&mut out, &group.items);
        out.push_str("</g>\n");
    }
    out.push_str("</svg>\n");
    out
}

/// The document's title: the first line of text (the export's title or the source line).
fn title(scene: &Scene) -> String {
    scene.texts().next().unwrap_or("evacmap").to_owned()
}

fn number(value: f32) -> String {
    // Two decimals are a hundredth of a point: finer than any screen or printer.
    let rounded = (value * 100.0).round() / 100.0;
    if rounded == rounded.trunc() {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded}")
    }
}

fn points(list: &[Point]) -> String {
    let mut out = String::with_capacity(list.len() * 12);
    for (i, [x, y]) in list.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write!(out, "{},{}", number(*x), number(*y)).ok();
    }
    out
}

fn paint(attribute: &str, color: Rgba) -> String {
    let mut out = format!(r#" {attribute}="{}""#, color.hex());
    if color.0[3] < 255 {
        write!(out, r#" {attribute}-opacity="{}""#, number(color.opacity())).ok();
    }
    out
}

fn pen_attributes(pen: Option<Pen>) -> String {
    match pen {
        Some(pen) => format!(
            r#"{} stroke-width="{}" stroke-linejoin="round" stroke-linecap="round""#,
            paint("stroke", pen.color),
            number(pen.width)
        ),
        None => String::new(),
    }
}

fn fill_attribute(fill: Option<Rgba>) -> String {
    match fill {
        Some(color) => paint("fill", color),
        None => r#" fill="none""#.to_owned(),
    }
}

/// Writes `items`, each run of the story's features of one kind in a group of that kind
/// (`<g class="places">`), so that a designer can select all the markers or all the arrows.
fn write_items(out: &mut String, items: &[Item]) {
    let mut open_kind: Option<&str> = None;
    for item in items {
        let kind = match item {
            Item::Feature { kind, .. } => Some(*kind),
            _ => None,
        };
        if kind != open_kind {
            if open_kind.is_some() {
                out.push_str("</g>\n");
            }
            if let Some(kind) = kind {
                writeln!(out, r#"<g class="{kind}">"#).ok();
            }
            open_kind = kind;
        }
        write_item(out, item);
    }
    if open_kind.is_some() {
        out.push_str("</g>\n");
    }
}

/// An XML id from a feature's kind and id: letters, digits, `-`, `_` and `.` kept, anything else
/// as `_` (the feature's own id is in `data-id`, exactly).
fn element_id(kind: &str, id: &str) -> String {
    let singular = kind.strip_suffix('s').unwrap_or(kind);
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{singular}-{safe}")
}

#[expect(
    clippy::too_many_lines,
    reason = "one match arm per kind of scene item, each a few lines of SVG"
)]
fn write_item(out: &mut String, item: &Item) {
    match item {
        Item::Feature {
            kind,
            id,
            title,
            items,
        } => {
            writeln!(
                out,
                r#"<g id="{}" data-id="{}"><title>{}</title>"#,
                escape(&element_id(kind, id)),
                escape(id),
                escape(title)
            )
            .ok();
            for item in items {
                write_item(out, item);
            }
            out.push_str("</g>\n");
        }
        Item::Area { rings, fill } => {
            let mut d = String::new();
            for ring in rings {
                for (i, [x, y]) in ring.iter().enumerate() {
                    write!(
                        d,
                        "{}{},{}",
                        if i == 0 { "M" } else { "L" },
                        number(*x),
                        number(*y)
                    )
                    .ok();
                }
                d.push('Z');
            }
            writeln!(out, r#"<path d="{d}"{}/>"#, paint("fill", *fill)).ok();
        }
        Item::Line {
            points: list,
            closed,
            fill,
            pen,
        } => {
            let element = if *closed { "polygon" } else { "polyline" };
            writeln!(
                out,
                r#"<{element} points="{}"{}{}/>"#,
                points(list),
                fill_attribute(*fill),
                pen_attributes(Some(*pen))
            )
            .ok();
        }
        Item::Circle {
            center: [x, y],
            radius,
            fill,
            pen,
        } => {
            writeln!(
                out,
                r#"<circle cx="{}" cy="{}" r="{}"{}{}/>"#,
                number(*x),
                number(*y),
                number(*radius),
                fill_attribute(*fill),
                pen_attributes(*pen)
            )
            .ok();
        }
        Item::Rect {
            min,
            max,
            corner,
            fill,
            pen,
        } => {
            writeln!(
                out,
                r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}"{}{}/>"#,
                number(min[0]),
                number(min[1]),
                number(max[0] - min[0]),
                number(max[1] - min[1]),
                number(*corner),
                fill_attribute(*fill),
                pen_attributes(*pen)
            )
            .ok();
        }
        Item::Text {
            text,
            x,
            baseline,
            size,
            color,
            monospace,
        } => {
            let family = if *monospace {
                MONOSPACE_FONTS
            } else {
                PROPORTIONAL_FONTS
            };
            writeln!(
                out,
                r#"<text x="{}" y="{}" font-family="{family}" font-size="{}"{}>{}</text>"#,
                number(*x),
                number(*baseline),
                number(*size),
                paint("fill", *color),
                escape(text)
            )
            .ok();
        }
        Item::Image { min, max, png } => {
            let data = base64::engine::general_purpose::STANDARD.encode(png.as_slice());
            writeln!(
                out,
                r#"<image x="{}" y="{}" width="{}" height="{}" preserveAspectRatio="none" xlink:href="data:image/png;base64,{data}"/>"#,
                number(min[0]),
                number(min[1]),
                number(max[0] - min[0]),
                number(max[1] - min[1]),
            ).ok();
        }
    }
}

/// Text for XML: markup characters escaped, control characters left out.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_starts_where_the_window_put_it() {
        let scene = Scene {
            width: 100.0,
            height: 50.0,
            background: Rgba::WHITE,
            groups: vec![super::super::scene::Group {
                clip: None,
                items: vec![Item::Text {
                    text: "A&B<C>".into(),
                    x: 1.0,
                    baseline: 20.0,
                    size: 12.0,
                    color: Rgba([0, 0, 0, 255]),
                    monospace: false,
                }],
            }],
        };
        let svg = to_svg(&scene, PageUnit::Px { scale: 2.0 });
        assert!(svg.contains(r#"width="200" height="100" viewBox="0 0 100 50""#));
        assert!(svg.contains(r#"<text x="1" y="20""#), "{svg}");
        assert!(svg.contains(">A&amp;B&lt;C&gt;</text>"), "{svg}");
    }

    #[test]
    fn a_print_page_is_sized_in_millimetres() {
        let scene = Scene {
            width: 96.0 * 297.0 / 25.4,
            height: 96.0 * 210.0 / 25.4,
            background: Rgba::WHITE,
            groups: Vec::new(),
        };
        let svg = to_svg(&scene, PageUnit::Mm);
        assert!(svg.contains(r#"width="297mm" height="210mm""#), "{svg}");
    }
}
