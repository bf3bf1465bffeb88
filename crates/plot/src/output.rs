//! Rendering figures to PNG, SVG and PDF: in memory, or to files written atomically (temporary file, then
//! rename).

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

/// The SVG that plotters draws, converted to a one-page PDF by svg2pdf (vector graphics, the DejaVu faces
/// embedded as subsets, so the text stays text).
pub fn render_pdf<F: Figure>(figure: &F, width: u32, height: u32) -> Result<Vec<u8>> {
    let svg = render_svg(figure, width, height)?;
    svg_to_pdf(&svg)
}

/// Converts an SVG document (as drawn by plotters) to PDF with the embedded fonts.
pub fn svg_to_pdf(svg: &str) -> Result<Vec<u8>> {
    let mut db = usvg::fontdb::Database::new();
    for bytes in [
        dejavu::sans::regular(),
        dejavu::sans::bold(),
        dejavu::sans::oblique(),
    ] {
        db.load_font_data(bytes.to_vec());
    }
    // plotters writes font-family="sans-serif"; without system fonts that must name DejaVu Sans.
    db.set_sans_serif_family("DejaVu Sans");
    let opt = usvg::Options {
        fontdb: std::sync::Arc::new(db),
        font_family: "DejaVu Sans".into(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| PlotError::Draw(format!("SVG: {e}")))?;
    svg2pdf::to_pdf(
        &tree,
        svg2pdf::ConversionOptions::default(),
        svg2pdf::PageOptions::default(),
    )
    .map_err(|e| PlotError::Draw(format!("PDF: {e}")))
}

/// A file format hepkey writes figures in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Svg,
    Pdf,
}

impl Format {
    /// Every format, in the order used in messages.
    pub const ALL: [Format; 3] = [Format::Png, Format::Svg, Format::Pdf];

    /// The file extension (without a dot).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
            Format::Pdf => "pdf",
        }
    }

    /// "png", "svg" or "pdf" (any case); anything else is an error naming the supported formats.
    pub fn parse(s: &str) -> Result<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.extension().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                PlotError::Invalid(format!(
                    "figure format {s:?} is not supported; use one of {}",
                    Format::supported()
                ))
            })
    }

    /// The format named by a path's extension.
    pub fn from_path(path: &Path) -> Result<Format> {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) => Format::parse(ext).map_err(|_| {
                PlotError::Invalid(format!(
                    "{}: cannot write figures as .{ext}; use one of {}",
                    path.display(),
                    Format::supported()
                ))
            }),
            None => Err(PlotError::Invalid(format!(
                "{}: no file extension; use one of {}",
                path.display(),
                Format::supported()
            ))),
        }
    }

    /// "png, svg, pdf".
    pub fn supported() -> String {
        Format::ALL.map(Format::extension).join(", ")
    }
}

/// The figure's file bytes in `format`.
pub fn render<F: Figure>(figure: &F, format: Format, width: u32, height: u32) -> Result<Vec<u8>> {
    match format {
        Format::Png => render_png(figure, width, height),
        Format::Svg => render_svg(figure, width, height).map(String::into_bytes),
        Format::Pdf => render_pdf(figure, width, height),
    }
}

/// Writes the figure to `path` in the format its extension names (an unknown extension is an error that
/// lists the supported ones; nothing is written then).
pub fn save<F: Figure>(figure: &F, path: &Path, width: u32, height: u32) -> Result<()> {
    let format = Format::from_path(path)?;
    let bytes = render(figure, format, width, height)?;
    write_atomically(path, &bytes)
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
    hepkey_output::write_atomic(path, bytes).map_err(|source| PlotError::Io {
        path: path.display().to_string(),
        source,
    })
}
