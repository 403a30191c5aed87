//! Geometry tessellated into triangles once and drawn from them again while what it is drawn
//! from stays the same: the basemap while the view stays, the arrows while the view, the range,
//! the data and what is emphasised stay. A frame then copies triangles instead of cutting tens
//! of thousands of line pieces into triangles again.

use std::hash::{BuildHasher, Hash};
use std::sync::Arc;

use egui::epaint::{Mesh, Tessellator};
use egui::{Context, Id, Rect, Shape, TextureId};

use super::projection::ScreenTransform;

/// A hash of everything the geometry is drawn from.
pub fn key(parts: impl Hash) -> u64 {
    foldhash::fast::FixedState::default().hash_one(parts)
}

/// A view's bits, for a [`key`].
pub fn view_bits(view: &ScreenTransform) -> [u64; 5] {
    [
        u64::from(view.screen_center.x.to_bits()),
        u64::from(view.screen_center.y.to_bits()),
        view.world_center.x.to_bits(),
        view.world_center.y.to_bits(),
        view.scale.to_bits(),
    ]
}

/// A point's bits, for a [`key`] (floats have no `Hash`).
pub fn point_bits(point: egui::Pos2) -> [u32; 2] {
    [point.x.to_bits(), point.y.to_bits()]
}

#[derive(Clone)]
struct Kept {
    key: u64,
    /// Made the second frame in a row with this key: while the view moves each frame, the
    /// shapes are drawn as they are, not tessellated twice (here, then by egui).
    mesh: Option<Arc<Mesh>>,
}

/// The shapes `make` gives, as one mesh of triangles kept under `id` until `key` changes (or
/// the scale of the screen, or `clip`), from the second frame with the same key on. Shapes
/// that cannot join one untextured mesh (text, a textured mesh) are given back as they are.
pub fn mesh(
    ctx: &Context,
    id: Id,
    key: u64,
    clip: Rect,
    make: impl FnOnce() -> Vec<Shape>,
) -> Shape {
    let pixels_per_point = ctx.pixels_per_point();
    let key = self::key((
        key,
        pixels_per_point.to_bits(),
        [clip.min, clip.max].map(point_bits),
    ));
    let kept = ctx
        .data(|d| d.get_temp::<Kept>(id))
        .filter(|kept| kept.key == key);
    let Some(kept) = kept else {
        ctx.data_mut(|d| d.insert_temp(id, Kept { key, mesh: None }));
        return Shape::Vec(make());
    };
    if let Some(mesh) = kept.mesh {
        return Shape::Mesh(mesh);
    }
    let shapes = make();
    if !shapes.iter().all(joins_one_mesh) {
        return Shape::Vec(shapes);
    }
    let options = ctx.tessellation_options(|options| *options);
    // No prepared discs: a small circle then becomes triangles, not a quad of the font texture.
    let mut tessellator = Tessellator::new(pixels_per_point, options, [1, 1], Vec::new());
    tessellator.set_clip_rect(clip);
    let mut mesh = Mesh::default();
    for shape in shapes {
        tessellator.tessellate_shape(shape, &mut mesh);
    }
    let mesh = Arc::new(mesh);
    let kept = Kept {
        key,
        mesh: Some(Arc::clone(&mesh)),
    };
    ctx.data_mut(|d| d.insert_temp(id, kept));
    Shape::Mesh(mesh)
}

/// Whether a shape tessellates into untextured triangles.
fn joins_one_mesh(shape: &Shape) -> bool {
    match shape {
        Shape::Text(_) | Shape::Callback(_) => false,
        Shape::Mesh(mesh) => mesh.texture_id == TextureId::default(),
        Shape::Rect(rect) => rect.brush.is_none(),
        Shape::Vec(shapes) => shapes.iter().all(joins_one_mesh),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{Color32, Pos2, Stroke};

    fn line(to: f32) -> Vec<Shape> {
        vec![Shape::line(
            vec![
                Pos2::new(0.0, 0.0),
                Pos2::new(to, 50.0),
                Pos2::new(2.0 * to, 0.0),
            ],
            Stroke::new(4.0, Color32::RED),
        )]
    }

    #[test]
    fn triangles_are_made_again_only_when_the_key_changes() {
        let ctx = Context::default();
        let (id, clip) = (
            Id::unique("lines"),
            Rect::from_min_size(Pos2::ZERO, egui::vec2(500.0, 500.0)),
        );
        let made = std::cell::Cell::new(0);
        let draw = |key: u64, to: f32| {
            mesh(&ctx, id, key, clip, || {
                made.set(made.get() + 1);
                line(to)
            })
        };
        // A first frame with a key draws the shapes; the second makes the triangles.
        assert!(matches!(draw(1, 100.0), Shape::Vec(_)));
        let Shape::Mesh(first) = draw(1, 100.0) else {
            panic!("lines make one mesh");
        };
        let Shape::Mesh(again) = draw(1, 100.0) else {
            panic!("kept");
        };
        assert!(Arc::ptr_eq(&first, &again));
        assert_eq!(made.get(), 2);
        assert!(matches!(draw(2, 200.0), Shape::Vec(_)));
        let Shape::Mesh(other) = draw(2, 200.0) else {
            panic!("made again");
        };
        assert_eq!(made.get(), 4);
        assert!(!Arc::ptr_eq(&first, &other));
        assert!(!first.indices.is_empty());
        // The same triangles as egui's own tessellation of the shapes.
        let options = ctx.tessellation_options(|o| *o);
        let mut tessellator = Tessellator::new(1.0, options, [1, 1], Vec::new());
        tessellator.set_clip_rect(clip);
        let mut expected = Mesh::default();
        tessellator.tessellate_shape(line(100.0).remove(0), &mut expected);
        assert_eq!(first.vertices, expected.vertices);
        assert_eq!(first.indices, expected.indices);
    }

    #[test]
    fn text_is_left_as_shapes() {
        let ctx = Context::default();
        let clip = Rect::from_min_size(Pos2::ZERO, egui::vec2(100.0, 100.0));
        let mut output = ctx.run_pass(Default::default(), |ctx| {
            let galley = ctx.fonts_mut(|f| {
                f.layout_no_wrap("Idlib".into(), egui::FontId::default(), Color32::BLACK)
            });
            let text = Shape::galley(Pos2::ZERO, galley, Color32::BLACK);
            for _ in 0..3 {
                let shape = mesh(ctx, Id::unique("text"), 1, clip, || vec![text.clone()]);
                assert!(matches!(shape, Shape::Vec(_)));
            }
        });
        output.textures_delta.clear();
    }
}
