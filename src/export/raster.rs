//! SVG to pixels (resvg) and to PDF (svg2pdf), with the window's own fonts, so that text looks
//! the same in every output and on every machine.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use super::ExportError;

/// The fonts the window draws with: egui's defaults and evacmap's bundled ones.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut database = usvg::fontdb::Database::new();
            for data in egui::FontDefinitions::default().font_data.values() {
                database.load_font_data((*data.font).as_ref().to_vec());
            }
            database.load_font_data(crate::fonts::ARABIC_FONT.to_vec());
            database.load_font_data(crate::fonts::FALLBACK_FONT.to_vec());
            database.set_sans_serif_family("Ubuntu");
            database.set_monospace_family("Hack");
            Arc::new(database)
        })
        .clone()
}

/// The family names of the fonts SVG text may ask for, for tests.
pub fn font_families() -> Vec<String> {
    let fonts = fonts();
    let mut names: Vec<String> = fonts
        .faces()
        .flat_map(|face| face.families.iter().map(|(name, _)| name.clone()))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Parses an SVG made by `super::svg` (or any other) with evacmap's fonts.
pub fn parse(svg: &str) -> Result<usvg::Tree, ExportError> {
    let options = usvg::Options {
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(svg, &options).map_err(|e| ExportError::Render(e.to_string()))
}

/// Draws an SVG into pixels at its own size (its width and height attributes).
pub fn rasterize(tree: &usvg::Tree) -> Result<tiny_skia::Pixmap, ExportError> {
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| {
        ExportError::Render(format!(
            "a picture of {}×{} pixels cannot be made",
            size.width(),
            size.height()
        ))
    })?;
    resvg::render(tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    Ok(pixmap)
}

/// Pixels as straight (not premultiplied) RGBA.
pub fn to_rgba_image(pixmap: &tiny_skia::Pixmap) -> image::RgbaImage {
    let mut image = image::RgbaImage::new(pixmap.width(), pixmap.height());
    for (pixel, source) in image.pixels_mut().zip(pixmap.pixels()) {
        let c = source.demultiply();
        *pixel = image::Rgba([c.red(), c.green(), c.blue(), c.alpha()]);
    }
    image
}

/// PNG bytes of an SVG.
pub fn png(svg: &str) -> Result<Vec<u8>, ExportError> {
    let tree = parse(svg)?;
    let image = to_rgba_image(&rasterize(&tree)?);
    let mut bytes = Vec::new();
    image
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .map_err(|e| ExportError::Render(e.to_string()))?;
    Ok(bytes)
}

/// A one-page PDF of an SVG: vectors stay vectors and text stays text (fonts embedded).
pub fn pdf(svg: &str) -> Result<Vec<u8>, ExportError> {
    let tree = parse(svg)?;
    // SVG's user unit is the CSS pixel, 96 to the inch.
    let page = svg2pdf::PageOptions { dpi: 96.0 };
    svg2pdf::to_pdf(&tree, svg2pdf::ConversionOptions::default(), page)
        .map_err(|e| ExportError::Render(format!("the PDF cannot be made: {e}")))
}
