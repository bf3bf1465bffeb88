//! Rendering figures to PNG and SVG: in memory, or to files written atomically (temporary file, then rename).

use std::path::Path;
#[cfg(not(target_arch = "wasm32"))]
use std::sync::Once;

use plotters::prelude::*;

use crate::error::{draw_err, PlotError, Result};
use crate::figure::Figure;

#[cfg(not(target_arch = "wasm32"))]
static FONTS: Once = Once::new();

/// Registers the embedded DejaVu Sans faces as plotters' "sans-serif" (once per process); no system fonts
/// are needed, so figures look the same everywhere. (On wasm32 plotters measures and draws text through
/// the browser instead, so there is nothing to register.)
#[cfg(target_arch = "wasm32")]
pub fn register_fonts() {}

/// Registers the embedded DejaVu Sans faces as plotters' "sans-serif" (once per process); no system fonts
/// are needed, so figures look the same everywhere.
#[cfg(not(target_arch = "wasm32"))]
pub fn register_fonts() {
    FONTS.call_once(|| {
        let faces: [(FontStyle, &'static [u8]); 4] = [
            (FontStyle::Normal, dejavu::sans::regular()),
            (FontStyle::Bold, dejavu::sans::bold()),
            (FontStyle::Italic, dejavu::sans::oblique()),
            (FontStyle::Oblique, dejavu::sans::oblique()),
        ];
        for (style, bytes) in faces {
            // The embedded fonts are valid; a failure would only lose that face.
            let _ = plotters::style::register_font("sans-serif", style, bytes);
        }
    });
}

fn check_size(width: u32, height: u32) -> Result<()> {
    if !(100..=20_000).contains(&width) || !(100..=20_000).contains(&height) {
        return Err(PlotError::Invalid(format!(
            "figure size {width}x{height} px: each side must be 100 to 20000"
        )));
    }
    Ok(())
}

/// The figure as an SVG document.
pub fn render_svg<F: Figure>(figure: &F, width: u32, height: u32) -> Result<String> {
    check_size(width, height)?;
    register_fonts();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        figure.draw_on(&root)?;
        root.present().map_err(draw_err)?;
    }
    Ok(out)
}

/// The figure as RGB8 pixels, row-major, `width * height * 3` bytes.
pub fn render_rgb<F: Figure>(figure: &F, width: u32, height: u32) -> Result<Vec<u8>> {
    check_size(width, height)?;
    register_fonts();
    let mut buf = vec![255u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        figure.draw_on(&root)?;
        root.present().map_err(draw_err)?;
    }
    Ok(buf)
}

/// The figure as a PNG file's bytes.
pub fn render_png<F: Figure>(figure: &F, width: u32, height: u32) -> Result<Vec<u8>> {
    let rgb = render_rgb(figure, width, height)?;
    let mut bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut bytes, width, height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().map_err(draw_err)?;
        w.write_image_data(&rgb).map_err(draw_err)?;
    }
    Ok(bytes)
}

/// Writes the figure as PNG to `path` (temporary file in the same directory, then rename).
pub fn save_png<F: Figure>(figure: &F, path: &Path, width: u32, height: u32) -> Result<()> {
    let bytes = render_png(figure, width, height)?;
    write_atomically(path, &bytes)
}

/// Writes the figure as SVG to `path` (temporary file in the same directory, then rename).
pub fn save_svg<F: Figure>(figure: &F, path: &Path, width: u32, height: u32) -> Result<()> {
    let svg = render_svg(figure, width, height)?;
    write_atomically(path, svg.as_bytes())
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let io = |source| PlotError::Io {
        path: path.display().to_string(),
        source,
    };
    let name = path
        .file_name()
        .ok_or_else(|| PlotError::Invalid(format!("{} is not a file path", path.display())))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".tmp{}", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(e)
    })
}
