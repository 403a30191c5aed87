//! The picture to publish, described once: filled areas, lines, circles, text and images in
//! points, with plain colours. It is taken from the very shapes the window paints (the map's
//! overlay, basemap and tiles, and the export's frame), so every output made from it (SVG, PNG,
//! PDF, animation) matches the screen. Nothing in it refers to egui.

use std::collections::HashMap;
use std::sync::Arc;

use egui::epaint::{self, ClippedShape, ColorMode, Shape, TextShape};
use egui::{Color32, Rect, TextureId};

use crate::map::overlay::MarkTag;

/// A colour, not premultiplied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgba(pub [u8; 4]);

impl Rgba {
    pub const WHITE: Rgba = Rgba([255, 255, 255, 255]);

    pub fn from_color32(color: Color32) -> Self {
        Rgba(color.to_srgba_unmultiplied())
    }

    pub fn is_visible(self) -> bool {
        self.0[3] > 0
    }

    /// "#rrggbb", for SVG.
    pub fn hex(self) -> String {
        let [r, g, b, _] = self.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }

    /// Opacity from 0 to 1.
    pub fn opacity(self) -> f32 {
        f32::from(self.0[3]) / 255.0
    }
}

pub type Point = [f32; 2];

/// A line's width and colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pen {
    pub width: f32,
    pub color: Rgba,
}

/// One thing drawn, in paint order.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// Filled rings (polygons, or the triangles of a tessellated area), non-zero winding.
    Area { rings: Vec<Vec<Point>>, fill: Rgba },
    /// A line through `points`, closed back to the first when `closed`.
    Line {
        points: Vec<Point>,
        closed: bool,
        fill: Option<Rgba>,
        pen: Pen,
    },
    Circle {
        center: Point,
        radius: f32,
        fill: Option<Rgba>,
        pen: Option<Pen>,
    },
    Rect {
        min: Point,
        max: Point,
        corner: f32,
        fill: Option<Rgba>,
        pen: Option<Pen>,
    },
    /// A word, its left edge where the window put it.
    Text {
        text: String,
        x: f32,
        baseline: f32,
        size: f32,
        color: Rgba,
        monospace: bool,
    },
    /// A raster image (a map tile) stretched over `min..max`; PNG bytes.
    Image {
        min: Point,
        max: Point,
        png: Arc<Vec<u8>>,
    },
    /// One feature of the story as the map drew it (a marker, an arrow, a cluster, an event's
    /// symbol or badge): its kind ("places", "movements"…), id and title, and its items.
    Feature {
        kind: &'static str,
        id: String,
        title: String,
        items: Vec<Item>,
    },
}

/// Items drawn within one clip rectangle (`None`: the whole page).
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub clip: Option<[Point; 2]>,
    pub items: Vec<Item>,
}

/// The picture: its size in points, its background and what is drawn on it, in paint order.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    pub width: f32,
    pub height: f32,
    pub background: Rgba,
    pub groups: Vec<Group>,
}

impl Scene {
    /// Every item in paint order, those of each feature in its place.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        fn flatten<'s>(items: &'s [Item], out: &mut Vec<&'s Item>) {
            for item in items {
                match item {
                    Item::Feature { items, .. } => flatten(items, out),
                    other => out.push(other),
                }
            }
        }
        let mut out = Vec::new();
        for group in &self.groups {
            flatten(&group.items, &mut out);
        }
        out.into_iter()
    }

    /// The features drawn, in paint order: kind, id, title and their items.
    pub fn features(&self) -> impl Iterator<Item = &Item> {
        self.groups
            .iter()
            .flat_map(|g| g.items.iter())
            .filter(|item| matches!(item, Item::Feature { .. }))
    }

    /// Every text run, in paint order: for tests and for the document's title.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.items().filter_map(|item| match item {
            Item::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
    }
}

/// Images egui was given (tiles, icons), by texture, so that meshes using them become images.
#[derive(Default)]
pub struct Textures {
    images: HashMap<TextureId, Arc<egui::ColorImage>>,
    /// Crops already encoded, by texture and UV rectangle.
    encoded: HashMap<(TextureId, [u32; 4]), Arc<Vec<u8>>>,
}

impl Textures {
    /// Takes in a frame's texture changes.
    pub fn update(&mut self, delta: &egui::TexturesDelta) {
        for (id, image_delta) in delta
            .set
            .iter()
            .flat_map(|(id, list)| list.iter().map(move |d| (id, d)))
        {
            let egui::ImageData::Color(image) = &image_delta.image;
            match (image_delta.pos, self.images.get_mut(id)) {
                (Some([x0, y0]), Some(existing)) => {
                    let target = Arc::make_mut(existing);
                    for y in 0..image.size[1] {
                        for x in 0..image.size[0] {
                            let (tx, ty) = (x0 + x, y0 + y);
                            if tx < target.size[0] && ty < target.size[1] {
                                target.pixels[ty * target.size[0] + tx] =
                                    image.pixels[y * image.size[0] + x];
                            }
                        }
                    }
                }
                _ => {
                    self.images.insert(*id, image.clone());
                }
            }
            self.encoded.retain(|(texture, _), _| texture != id);
        }
        for id in &delta.free {
            self.images.remove(id);
            self.encoded.retain(|(texture, _), _| texture != id);
        }
    }

    /// The part of a texture between two UV corners, as PNG.
    fn crop_png(
        &mut self,
        id: TextureId,
        uv_min: [f32; 2],
        uv_max: [f32; 2],
    ) -> Option<Arc<Vec<u8>>> {
        let image = self.images.get(&id)?;
        let [w, h] = image.size;
        let px = |u: f32, size: usize| {
            ((u.clamp(0.0, 1.0) * size as f32).round() as u32).min(size as u32)
        };
        let (x0, x1) = (
            px(uv_min[0].min(uv_max[0]), w),
            px(uv_min[0].max(uv_max[0]), w),
        );
        let (y0, y1) = (
            px(uv_min[1].min(uv_max[1]), h),
            px(uv_min[1].max(uv_max[1]), h),
        );
        if x1 <= x0 || y1 <= y0 {
            return None;
        }
        let key = (id, [x0, y0, x1, y1]);
        if let Some(png) = self.encoded.get(&key) {
            return Some(png.clone());
        }
        let mut crop = image::RgbaImage::new(x1 - x0, y1 - y0);
        for (x, y, pixel) in crop.enumerate_pixels_mut() {
            let color = image.pixels[(y0 + y) as usize * w + (x0 + x) as usize];
            *pixel = image::Rgba(color.to_srgba_unmultiplied());
        }
        let mut bytes = Vec::new();
        crop.write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .ok()?;
        let png = Arc::new(bytes);
        self.encoded.insert(key, png.clone());
        Some(png)
    }
}

/// Turns painted shapes into scene groups, in paint order, each clipped as egui clips it.
/// Shapes wholly outside their clip are left out (an area's triangles one by one, so that a
/// country far off the page costs nothing).
pub fn groups_from_shapes(
    shapes: &[ClippedShape],
    page: Rect,
    textures: &mut Textures,
) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    // The feature whose shapes are being read, between the map's tags.
    let mut feature: Option<Item> = None;
    for clipped in shapes {
        if let Shape::Callback(callback) = &clipped.shape
            && let Some(tag) = callback.callback.downcast_ref::<MarkTag>()
        {
            match tag {
                MarkTag::Begin { kind, id, title } => {
                    feature = Some(Item::Feature {
                        kind,
                        id: id.clone(),
                        title: title.clone(),
                        items: Vec::new(),
                    });
                }
                MarkTag::End => {
                    if let (Some(done), Some(group)) = (feature.take(), groups.last_mut()) {
                        group.items.push(done);
                    }
                }
            }
            continue;
        }
        let clip = clipped.clip_rect.intersect(page);
        if !clip.is_positive() {
            continue;
        }
        let key = (!clip.contains_rect(page)).then(|| [point(clip.min), point(clip.max)]);
        if groups.last().is_none_or(|g| g.clip != key) {
            groups.push(Group {
                clip: key,
                items: Vec::new(),
            });
        }
        match &mut feature {
            Some(Item::Feature { items, .. }) => convert(&clipped.shape, clip, textures, items),
            _ => {
                if let Some(group) = groups.last_mut() {
                    convert(&clipped.shape, clip, textures, &mut group.items);
                }
            }
        }
    }
    groups.retain(|g| !g.items.is_empty());
    groups
}

fn point(p: egui::Pos2) -> Point {
    [p.x, p.y]
}

fn pen(stroke: egui::Stroke) -> Option<Pen> {
    (stroke.width > 0.0 && stroke.color.a() > 0).then(|| Pen {
        width: stroke.width,
        color: Rgba::from_color32(stroke.color),
    })
}

fn fill(color: Color32) -> Option<Rgba> {
    (color.a() > 0).then(|| Rgba::from_color32(color))
}

fn convert(shape: &Shape, clip: Rect, textures: &mut Textures, items: &mut Vec<Item>) {
    if !shape.visual_bounding_rect().intersects(clip) {
        return;
    }
    match shape {
        Shape::Noop | Shape::Callback(_) => {}
        // Plots' bands: the map draws none.
        Shape::Band(_) => {}
        Shape::Vec(shapes) => {
            for shape in shapes {
                convert(shape, clip, textures, items);
            }
        }
        Shape::Circle(circle) => items.push(Item::Circle {
            center: point(circle.center),
            radius: circle.radius,
            fill: fill(circle.fill),
            pen: pen(circle.stroke),
        }),
        Shape::Ellipse(ellipse) => {
            let points: Vec<Point> = (0..48)
                .map(|i| {
                    let angle = i as f32 / 48.0 * std::f32::consts::TAU;
                    point(ellipse.center + egui::vec2(angle.cos(), angle.sin()) * ellipse.radius)
                })
                .collect();
            line_item(items, points, true, ellipse.fill, ellipse.stroke);
        }
        Shape::LineSegment { points, stroke } => {
            line_item(
                items,
                points.iter().copied().map(point).collect(),
                false,
                Color32::TRANSPARENT,
                *stroke,
            );
        }
        Shape::Path(path) => {
            let color = match &path.stroke.color {
                ColorMode::Solid(color) => *color,
                ColorMode::UV(_) => Color32::TRANSPARENT,
            };
            let stroke = egui::Stroke::new(path.stroke.width, color);
            let points = path.points.iter().copied().map(point).collect();
            line_item(items, points, path.closed, path.fill, stroke);
        }
        Shape::Rect(rect) => {
            let inset = match rect.stroke_kind {
                egui::StrokeKind::Inside => rect.stroke.width / 2.0,
                egui::StrokeKind::Middle => 0.0,
                egui::StrokeKind::Outside => -rect.stroke.width / 2.0,
            };
            let fill = fill(rect.fill);
            let pen = pen(rect.stroke);
            if fill.is_none() && pen.is_none() {
                return;
            }
            let stroked = rect.rect.shrink(inset);
            items.push(Item::Rect {
                min: point(stroked.min),
                max: point(stroked.max),
                corner: f32::from(rect.corner_radius.nw),
                fill,
                pen,
            });
        }
        Shape::Text(text) => text_items(text, items),
        Shape::Mesh(mesh) => mesh_items(mesh, clip, textures, items),
        Shape::QuadraticBezier(curve) => {
            let points = curve.flatten(Some(0.2)).into_iter().map(point).collect();
            let stroke = egui::Stroke::new(curve.stroke.width, solid(&curve.stroke.color));
            line_item(items, points, curve.closed, curve.fill, stroke);
        }
        Shape::CubicBezier(curve) => {
            let points = curve.flatten(Some(0.2)).into_iter().map(point).collect();
            let stroke = egui::Stroke::new(curve.stroke.width, solid(&curve.stroke.color));
            line_item(items, points, curve.closed, curve.fill, stroke);
        }
    }
}

fn solid(color: &ColorMode) -> Color32 {
    match color {
        ColorMode::Solid(color) => *color,
        ColorMode::UV(_) => Color32::TRANSPARENT,
    }
}

fn line_item(
    items: &mut Vec<Item>,
    points: Vec<Point>,
    closed: bool,
    area: Color32,
    stroke: egui::Stroke,
) {
    if points.len() < 2 {
        return;
    }
    let area = fill(area).filter(|_| closed);
    match (area, pen(stroke)) {
        (None, None) => {}
        (Some(fill), None) => items.push(Item::Area {
            rings: vec![points],
            fill,
        }),
        (fill, Some(pen)) => items.push(Item::Line {
            points,
            closed,
            fill,
            pen,
        }),
    }
}

/// Text as text, word by word: each word starts where the window put it, and the renderer
/// shapes it with the same font, so nothing drifts by more than a word. The window's glyphs of a
/// right-to-left word are in visual order, with extra entries for joined letters, so such a
/// word's text is taken from the laid-out text itself, which `crate::bidi` put in visual word
/// order and logical letter order.
fn text_items(shape: &TextShape, items: &mut Vec<Item>) {
    struct Word {
        section: usize,
        chars: String,
        left: f32,
        baseline: f32,
    }
    let galley = &shape.galley;
    let job = &galley.job;
    let job_words: Vec<&str> = job.text.split_whitespace().collect();
    let mut word_index = 0;
    let chars: Vec<(usize, char)> = job.text.char_indices().collect();
    let mut cursor = 0;
    let section_at = |byte: usize| {
        job.sections
            .iter()
            .position(|s| s.byte_range.contains(&epaint::text::ByteIndex(byte)))
    };
    let mut flush = |word: Option<Word>, items: &mut Vec<Item>| {
        let Some(word) = word else {
            return;
        };
        let from_job = job_words.get(word_index).copied();
        word_index += 1;
        let text = if crate::bidi::has_rtl(&word.chars) {
            match from_job {
                Some(logical) if crate::bidi::has_rtl(logical) => logical.to_owned(),
                _ => word.chars.chars().rev().collect(),
            }
        } else {
            word.chars
        };
        let Some(format) = job.sections.get(word.section).map(|s| &s.format) else {
            return;
        };
        let color = shape
            .override_text_color
            .unwrap_or(if format.color == Color32::PLACEHOLDER {
                shape.fallback_color
            } else {
                format.color
            });
        let color = color.gamma_multiply(shape.opacity_factor);
        if color.a() > 0 {
            items.push(Item::Text {
                text,
                x: word.left,
                baseline: word.baseline,
                size: format.font_id.size,
                color: Rgba::from_color32(color),
                monospace: format.font_id.family == egui::FontFamily::Monospace,
            });
        }
    };
    for placed in &galley.rows {
        let mut word: Option<Word> = None;
        for glyph in &placed.row.glyphs {
            let byte = match chars.get(cursor) {
                Some((byte, c)) if *c == glyph.chr => {
                    cursor += 1;
                    Some(*byte)
                }
                _ => None,
            };
            if glyph.chr.is_whitespace() {
                flush(word.take(), items);
                continue;
            }
            let section = byte.and_then(section_at).unwrap_or(0);
            let at = shape.pos + placed.pos.to_vec2() + glyph.pos.to_vec2();
            match &mut word {
                Some(current)
                    if current.section == section && (current.baseline - at.y).abs() < 0.01 =>
                {
                    current.chars.push(glyph.chr);
                    current.left = current.left.min(at.x);
                }
                _ => {
                    flush(word.take(), items);
                    word = Some(Word {
                        section,
                        chars: glyph.chr.to_string(),
                        left: at.x,
                        baseline: at.y,
                    });
                }
            }
        }
        flush(word.take(), items);
        if placed.ends_with_newline && chars.get(cursor).is_some_and(|(_, c)| *c == '\n') {
            cursor += 1;
        }
    }
}

/// A mesh: triangles of plain colour become areas (one per colour); a textured quad (a tile)
/// becomes an image.
fn mesh_items(mesh: &epaint::Mesh, clip: Rect, textures: &mut Textures, items: &mut Vec<Item>) {
    if mesh.texture_id != TextureId::default() {
        if let Some(image) = textured_quad(mesh, textures) {
            items.push(image);
        }
        return;
    }
    let mut by_color: Vec<(Color32, Vec<Vec<Point>>)> = Vec::new();
    for triangle in mesh.indices.chunks_exact(3) {
        let corners = [0, 1, 2].map(|k| mesh.vertices.get(triangle[k] as usize));
        let [Some(a), Some(b), Some(c)] = corners else {
            continue;
        };
        if a.color.a() == 0 {
            continue;
        }
        let bounds = Rect::from_points(&[a.pos, b.pos, c.pos]);
        if !bounds.intersects(clip) {
            continue;
        }
        let ring = vec![point(a.pos), point(b.pos), point(c.pos)];
        match by_color.iter_mut().find(|(color, _)| *color == a.color) {
            Some((_, rings)) => rings.push(ring),
            None => by_color.push((a.color, vec![ring])),
        }
    }
    for (color, rings) in by_color {
        items.push(Item::Area {
            rings,
            fill: Rgba::from_color32(color),
        });
    }
}

fn textured_quad(mesh: &epaint::Mesh, textures: &mut Textures) -> Option<Item> {
    if mesh.vertices.len() != 4 {
        return None;
    }
    let positions: Vec<egui::Pos2> = mesh.vertices.iter().map(|v| v.pos).collect();
    let rect = Rect::from_points(&positions);
    let uvs: Vec<egui::Pos2> = mesh.vertices.iter().map(|v| v.uv).collect();
    let uv = Rect::from_points(&uvs);
    let png = textures.crop_png(mesh.texture_id, [uv.min.x, uv.min.y], [uv.max.x, uv.max.y])?;
    Some(Item::Image {
        min: point(rect.min),
        max: point(rect.max),
        png,
    })
}
