//! Colours: parsing the analysis file's strings and a default palette.

use crate::error::{PlotError, Result};

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colour {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

/// The colour-blind-safe 10-colour sequence of M. Petroff (arXiv:2107.02270), which CMS and mplhep use
/// for stacked backgrounds.
pub const PALETTE: [Colour; 10] = [
    Colour::rgb(0x3f, 0x90, 0xda),
    Colour::rgb(0xff, 0xa9, 0x0e),
    Colour::rgb(0xbd, 0x1f, 0x01),
    Colour::rgb(0x94, 0xa4, 0xa2),
    Colour::rgb(0x83, 0x2d, 0xb6),
    Colour::rgb(0xa9, 0x6b, 0x59),
    Colour::rgb(0xe7, 0x63, 0x00),
    Colour::rgb(0xb9, 0xac, 0x70),
    Colour::rgb(0x71, 0x75, 0x81),
    Colour::rgb(0x92, 0xda, 0xdd),
];

impl Colour {
    /// From components.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Self { r, g, b }
    }

    pub const BLACK: Colour = Colour::rgb(0, 0, 0);

    /// The `i`-th palette colour (cycling).
    pub fn palette(i: usize) -> Self {
        PALETTE[i % PALETTE.len()]
    }

    /// `#rrggbb`, `#rgb`, or one of a few names (matplotlib's base and tab colours).
    pub fn parse(s: &str) -> Result<Self> {
        let t = s.trim();
        if let Some(hex) = t.strip_prefix('#') {
            let v = |h: &str| u8::from_str_radix(h, 16).map_err(|_| PlotError::Colour(s.into()));
            return match hex.len() {
                6 => Ok(Self::rgb(v(&hex[0..2])?, v(&hex[2..4])?, v(&hex[4..6])?)),
                3 => {
                    let d = |i: usize| v(&hex[i..i + 1]).map(|x| x * 17);
                    Ok(Self::rgb(d(0)?, d(1)?, d(2)?))
                }
                _ => Err(PlotError::Colour(s.into())),
            };
        }
        let named = match t.to_ascii_lowercase().as_str() {
            "black" | "k" => (0, 0, 0),
            "white" | "w" => (255, 255, 255),
            "red" | "r" => (255, 0, 0),
            "green" | "g" => (0, 128, 0),
            "blue" | "b" => (0, 0, 255),
            "grey" | "gray" => (128, 128, 128),
            "orange" => (255, 165, 0),
            "purple" => (128, 0, 128),
            "yellow" | "y" => (255, 255, 0),
            "cyan" | "c" => (0, 255, 255),
            "magenta" | "m" => (255, 0, 255),
            "tab:blue" => (0x1f, 0x77, 0xb4),
            "tab:orange" => (0xff, 0x7f, 0x0e),
            "tab:green" => (0x2c, 0xa0, 0x2c),
            "tab:red" => (0xd6, 0x27, 0x28),
            "tab:purple" => (0x94, 0x67, 0xbd),
            "tab:brown" => (0x8c, 0x56, 0x4b),
            "tab:pink" => (0xe3, 0x77, 0xc2),
            "tab:gray" | "tab:grey" => (0x7f, 0x7f, 0x7f),
            "tab:olive" => (0xbc, 0xbd, 0x22),
            "tab:cyan" => (0x17, 0xbe, 0xcf),
            _ => return Err(PlotError::Colour(s.into())),
        };
        Ok(Self::rgb(named.0, named.1, named.2))
    }

    pub(crate) fn to_plotters(self) -> plotters::style::RGBColor {
        plotters::style::RGBColor(self.r, self.g, self.b)
    }
}
