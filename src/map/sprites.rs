//! Discs drawn from a texture: a map of a big story shows hundreds of round markers and
//! clusters, and each `circle` egui tessellates is a few hundred vertices with its feathered
//! edge and outline. A disc from a texture is one quad, four vertices, whatever its size; the
//! texture's soft edge is its anti-aliasing.

use egui::epaint::Mesh;
use egui::{Color32, ColorImage, Context, Pos2, Rect, Shape, TextureHandle, TextureOptions, pos2};

/// Diameters in texels of the discs kept: a disc is drawn from the smallest at least its size
/// on screen, so that it is shrunk at most twice (sharper than from one big texture).
const DIAMETERS: [usize; 4] = [16, 32, 64, 128];

/// Textures of a white disc with a soft edge, at a few sizes.
#[derive(Clone)]
pub struct DiscSprites {
    discs: Vec<(f32, TextureHandle)>,
}

impl DiscSprites {
    /// The discs of `ctx`, made the first time they are asked for.
    pub fn of(ctx: &Context) -> Self {
        let id = egui::Id::unique("evacmap disc sprites");
        if let Some(sprites) = ctx.data(|d| d.get_temp::<DiscSprites>(id)) {
            return sprites;
        }
        let sprites = Self {
            discs: DIAMETERS
                .iter()
                .map(|&d| {
                    let texture = ctx.load_texture(
                        format!("disc {d}"),
                        disc_image(d),
                        TextureOptions::LINEAR,
                    );
                    (d as f32, texture)
                })
                .collect(),
        };
        ctx.data_mut(|d| d.insert_temp(id, sprites.clone()));
        sprites
    }

    /// A disc of `radius` points around `center` filled with `fill` and ringed by `stroke`
    /// (the ring inside the radius's edge, half out, as `Painter::circle` draws it), as one
    /// mesh: the ring's colour is a disc beneath the fill's.
    pub fn disc(
        &self,
        center: Pos2,
        radius: f32,
        fill: Color32,
        stroke: egui::Stroke,
        pixels_per_point: f32,
    ) -> Shape {
        let outer = radius + stroke.width / 2.0;
        let inner = (radius - stroke.width / 2.0).max(0.0);
        let texture = self.texture_for(outer * 2.0 * pixels_per_point);
        let mut mesh = Mesh::with_texture(texture);
        if stroke.width > 0.0 && stroke.color != Color32::TRANSPARENT {
            add_quad(&mut mesh, center, outer, stroke.color);
        }
        add_quad(&mut mesh, center, inner, fill);
        Shape::mesh(mesh)
    }

    /// Dots of `radius` at `centers`, all in one mesh (a dotted ring is a dozen of them).
    pub fn dots(
        &self,
        centers: impl IntoIterator<Item = Pos2>,
        radius: f32,
        color: Color32,
        pixels_per_point: f32,
    ) -> Shape {
        let mut mesh = Mesh::with_texture(self.texture_for(radius * 2.0 * pixels_per_point));
        for center in centers {
            add_quad(&mut mesh, center, radius, color);
        }
        Shape::mesh(mesh)
    }

    fn texture_for(&self, pixels: f32) -> egui::TextureId {
        self.discs
            .iter()
            .find(|(d, _)| *d >= pixels)
            .or(self.discs.last())
            .map_or(egui::TextureId::default(), |(_, t)| t.id())
    }
}

/// Whether a disc of this radius (points) is drawn as well from a texture as tessellated: the
/// largest texture is scaled up beyond its size, which softens the edge.
pub fn fits(radius: f32, pixels_per_point: f32) -> bool {
    radius * 2.0 * pixels_per_point <= DIAMETERS[DIAMETERS.len() - 1] as f32
}

fn add_quad(mesh: &mut Mesh, center: Pos2, radius: f32, color: Color32) {
    let rect = Rect::from_center_size(center, egui::Vec2::splat(radius * 2.0));
    mesh.add_rect_with_uv(
        rect,
        Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0)),
        color,
    );
}

/// A white disc filling `size`×`size` texels, its edge a one-texel ramp of alpha.
fn disc_image(size: usize) -> ColorImage {
    let radius = size as f32 / 2.0;
    let pixels = (0..size * size)
        .map(|i| {
            let (x, y) = ((i % size) as f32 + 0.5, (i / size) as f32 + 0.5);
            let distance = ((x - radius).powi(2) + (y - radius).powi(2)).sqrt();
            // Coverage of the texel: 1 inside, 0 outside, linear over the texel at the edge.
            let coverage = (radius - distance + 0.5).clamp(0.0, 1.0);
            Color32::from_white_alpha((coverage * 255.0).round() as u8)
        })
        .collect();
    ColorImage::new([size, size], pixels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_disc_image_is_opaque_inside_clear_outside_and_soft_between() {
        let image = disc_image(32);
        let alpha = |x: usize, y: usize| image.pixels[y * 32 + x].a();
        assert_eq!(alpha(16, 16), 255, "centre");
        assert_eq!(alpha(0, 0), 0, "corner");
        assert_eq!(alpha(16, 1), 255, "just inside the top");
        let edge: Vec<u8> = (0..32).map(|x| alpha(x, 16)).collect();
        assert!(
            edge[0] > 0 && edge[0] < 255,
            "the edge texel is partly covered: {edge:?}"
        );
    }

    #[test]
    fn a_disc_is_two_quads_from_the_smallest_texture_big_enough() {
        let ctx = Context::default();
        let sprites = DiscSprites::of(&ctx);
        let Shape::Mesh(mesh) = sprites.disc(
            pos2(100.0, 100.0),
            10.0,
            Color32::RED,
            egui::Stroke::new(2.0, Color32::WHITE),
            1.0,
        ) else {
            panic!("not a mesh");
        };
        assert_eq!(mesh.vertices.len(), 8);
        assert_eq!(mesh.indices.len(), 12);
        // 22 pixels across: the 32-texel disc.
        assert_eq!(mesh.texture_id, sprites.discs[1].1.id());
        let outer = mesh.vertices[..4]
            .iter()
            .map(|v| v.pos.x)
            .fold(f32::MIN, f32::max);
        let inner = mesh.vertices[4..]
            .iter()
            .map(|v| v.pos.x)
            .fold(f32::MIN, f32::max);
        assert_eq!((outer, inner), (111.0, 109.0));
        assert_eq!(mesh.vertices[0].color, Color32::WHITE);
        assert_eq!(mesh.vertices[4].color, Color32::RED);
        // The same textures the next time.
        assert_eq!(
            DiscSprites::of(&ctx).discs[0].1.id(),
            sprites.discs[0].1.id()
        );
        assert!(fits(60.0, 1.0) && !fits(70.0, 1.0));
        let Shape::Mesh(dots) = sprites.dots(
            [pos2(0.0, 0.0), pos2(10.0, 0.0), pos2(20.0, 0.0)],
            1.0,
            Color32::BLACK,
            2.0,
        ) else {
            panic!("not a mesh");
        };
        assert_eq!(dots.vertices.len(), 12);
        assert_eq!(dots.texture_id, sprites.discs[0].1.id());
    }
}
