//! What every figure can do: draw itself on any plotters backend.

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};

use crate::error::Result;

/// A figure that draws itself on a drawing area (bitmap, SVG, or a browser canvas).
pub trait Figure {
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>;
}
