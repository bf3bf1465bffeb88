//! The empty histogram each `[[histograms]]` entry declares: checked by [`crate::validate`],
//! cloned for every key by [`crate::run`].

use crate::config::HistogramConfig;
use crate::error::{Error, Result};
use hepkey_hist::{Axis, Hist1D, Hist2D};

/// An empty histogram of each kind an analysis file declares.
#[derive(Clone)]
pub enum Template {
    One(Hist1D),
    Two(Hist2D),
}

fn axis(
    what: &str,
    edges: &Option<Vec<f64>>,
    bins: Option<usize>,
    range: Option<[f64; 2]>,
    title: Option<&String>,
) -> Result<Axis> {
    let err = |e: hepkey_hist::HistError| Error::Config(format!("{what}: {e}"));
    let mut axis = match (edges, bins, range) {
        (Some(edges), None, None) => Axis::variable(edges.clone()).map_err(err)?,
        (None, Some(bins), Some([lo, hi])) => Axis::regular(bins, lo, hi).map_err(err)?,
        _ => {
            return Err(Error::Config(format!(
                "{what}: give either `bins` and `range`, or `edges`"
            )))
        }
    };
    if let Some(t) = title {
        axis.title = t.clone();
    }
    Ok(axis)
}

/// The empty histogram `h` declares, or why its axes are wrong.
pub fn new_hist(h: &HistogramConfig) -> Result<Template> {
    let what = format!("histogram {:?}", h.name);
    let x = axis(&what, &h.edges, h.bins, h.range, h.xlabel.as_ref())?;
    let title = h.title.clone().unwrap_or_default();
    Ok(match &h.y {
        None => Template::One(Hist1D::new(x).with_title(title)),
        Some(y) => {
            let y = axis(
                &format!("{what}, y axis"),
                &y.edges,
                y.bins,
                y.range,
                y.label.as_ref(),
            )?;
            Template::Two(Hist2D::new(x, y).with_title(title))
        }
    })
}
