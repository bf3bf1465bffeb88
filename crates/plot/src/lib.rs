//! # hepkey-plot
//!
//! Figures physicists know from mplhep, drawn with plotters and the embedded DejaVu Sans font (no system
//! fonts, no Python):
//!
//! * [`DataVsMc`]: simulation stacked by group in colour, data points with Garwood (Poisson) error bars,
//!   the simulation's statistical uncertainty as a hatched band, a data/simulation ratio panel, an
//!   "ATLAS Open Data" or "CMS Open Data" label with √s and luminosity, a legend, linear or log y;
//! * [`Overlay`]: several histograms as lines (nominal, up, down) with an optional ratio to the first;
//! * [`DataWithCurves`]: data with fitted curves (signal + background, background) and a residual panel
//!   (data − background), as in the H→γγ discovery plots;
//! * [`Ranking`]: impacts of the nuisance parameters on the parameter of interest;
//! * [`poisson_interval`]: the Garwood interval used for the error bars;
//! * labels may use a little LaTeX (`$m_{\mu\mu}$ [GeV]`), see [`tex_to_unicode`].
//!
//! Figures render to PNG, SVG or PDF in memory ([`render`], [`Format`]); only [`save`], [`save_png`] and
//! [`save_svg`] touch the file system, writing a temporary file and renaming it.
//!
//! ```no_run
//! use hepkey_hist::Hist1D;
//! use hepkey_plot::{save_png, Colour, DataVsMc, ExperimentLabel, StackEntry};
//! let mut ttbar = Hist1D::regular(25, 50.0, 550.0).unwrap();
//! ttbar.fill(&[120.0, 180.0, 200.0], None).unwrap();
//! let mut data = ttbar.clone();
//! data.fill(&[130.0], None).unwrap();
//! let fig = DataVsMc {
//!     stack: vec![StackEntry { label: "tt̄".into(), colour: Colour::palette(0), hist: ttbar }],
//!     data: Some(("Data".into(), data)),
//!     x_label: "H_T [GeV]".into(),
//!     label: ExperimentLabel::cms(13.0, 3.378),
//!     ..DataVsMc::default()
//! };
//! save_png(&fig, std::path::Path::new("ht.png"), 800, 800).unwrap();
//! ```

mod colour;
mod curves;
mod error;
mod figure;
mod frame;
pub mod garwood;
mod label;
mod output;
mod overlay;
mod ranking;
mod stack;
mod tex;

pub use colour::{Colour, PALETTE};
pub use curves::{Curve, DataWithCurves};
pub use error::{PlotError, Result};
pub use figure::Figure;
pub use frame::Rect;
pub use garwood::{poisson_interval, ONE_SIGMA};
pub use label::{events_per_bin, Experiment, ExperimentLabel};
pub use output::{
    register_fonts, render, render_pdf, render_png, render_rgb, render_svg, save, save_png,
    save_svg, svg_to_pdf, Format,
};
pub use overlay::Overlay;
pub use ranking::{Ranking, RankingEntry};
pub use stack::{DataVsMc, Layout, LineEntry, StackEntry};
pub use tex::{plain, tex_to_unicode, typeset, Place, Run};
