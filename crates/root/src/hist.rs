//! Histograms: TH1 (F, D, I, S, C), TH2 (F, D, I, S, C) and TProfile.

use crate::containers::{
    read_array_f32, read_array_f64, read_array_i16, read_array_i32, read_array_i8,
};
use crate::cursor::Cursor;
use crate::error::{Error, Result};
use crate::file::RootFile;

/// One axis: its edges and title.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub title: String,
    pub edges: Vec<f64>,
}

impl Axis {
    /// Number of bins (without flow).
    pub fn bins(&self) -> usize {
        self.edges.len().saturating_sub(1)
    }
}

/// A histogram read from a file, with flow bins.
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    pub class: String,
    pub name: String,
    pub title: String,
    /// One axis for TH1/TProfile, two for TH2.
    pub axes: Vec<Axis>,
    /// Bin contents including under- and overflow, x fastest (ROOT's order).
    /// For profiles, the bin means.
    pub values: Vec<f64>,
    /// Bin errors, same layout.
    pub errors: Vec<f64>,
    /// Sum of squared weights (empty when the histogram never had weights).
    pub sumw2: Vec<f64>,
    pub entries: f64,
}

/// True for classes [`read_histogram`] reads.
pub fn is_histogram_class(class: &str) -> bool {
    matches!(
        class,
        "TH1F"
            | "TH1D"
            | "TH1I"
            | "TH1S"
            | "TH1C"
            | "TH2F"
            | "TH2D"
            | "TH2I"
            | "TH2S"
            | "TH2C"
            | "TProfile"
    )
}

/// Reads the histogram at `path`.
pub fn read_histogram(file: &RootFile, path: &str) -> Result<Histogram> {
    let key = file.find_key(path)?;
    if !is_histogram_class(&key.class_name) {
        return Err(Error::Unsupported(format!(
            "{}: {:?} is a {}, not a histogram hepkey reads (TH1, TH2, TProfile)",
            file.name(),
            path,
            key.class_name
        )));
    }
    let data = file.object_bytes(&key)?;
    let what = format!("{}: {} {}", file.name(), key.class_name, key.name);
    let mut c = Cursor::new(&data, key.keylen as u32, &what);
    read_body(&mut c, &key.class_name).map_err(|e| e.context(&what))
}

struct Th1 {
    name: String,
    title: String,
    axes: [Axis; 3],
    dims: usize,
    entries: f64,
    sumw2: Vec<f64>,
}

fn read_body(c: &mut Cursor, class: &str) -> Result<Histogram> {
    let outer = c.version()?;
    let (th1, array, profile) = if class == "TProfile" {
        // TProfile: a TH1D, then bin entries and error mode.
        let th1d = c.version()?;
        let th1 = read_th1(c, 1)?;
        let sums = read_array_f64(c)?;
        c.finish(th1d)?;
        let bin_entries = read_array_f64(c)?;
        let error_mode = c.i32()?;
        c.f64()?; // ymin
        c.f64()?; // ymax
        c.f64()?; // tsumwy
        c.f64()?; // tsumwy2
        let bin_sumw2 = if outer.version >= 6 {
            read_array_f64(c)?
        } else {
            Vec::new()
        };
        (th1, sums, Some((bin_entries, error_mode, bin_sumw2)))
    } else {
        let dims = if class.starts_with("TH2") { 2 } else { 1 };
        let th1 = if dims == 2 {
            let th2 = c.version()?;
            let th1 = read_th1(c, 2)?;
            c.finish(th2)?;
            th1
        } else {
            read_th1(c, 1)?
        };
        let array = match &class[3..] {
            "F" => read_array_f32(c)?,
            "D" => read_array_f64(c)?,
            "I" => read_array_i32(c)?,
            "S" => read_array_i16(c)?,
            "C" => read_array_i8(c)?,
            _ => return Err(c.error(format!("unknown histogram class {class}"))),
        };
        (th1, array, None)
    };
    c.finish(outer)?;
    let ncells: usize = th1.axes[..th1.dims].iter().map(|a| a.bins() + 2).product();
    if array.len() != ncells {
        return Err(c.error(format!("{} bin contents for {ncells} cells", array.len())));
    }
    let (values, errors) = match profile {
        Some((bin_entries, error_mode, bin_sumw2)) => {
            profile_values(&array, &bin_entries, &th1.sumw2, &bin_sumw2, error_mode)?
        }
        None => {
            let errors = if th1.sumw2.len() == ncells {
                th1.sumw2.iter().map(|w| w.sqrt()).collect()
            } else {
                array.iter().map(|v| v.abs().sqrt()).collect()
            };
            (array, errors)
        }
    };
    let dims = th1.dims;
    let mut axes = Vec::from(th1.axes);
    axes.truncate(dims);
    Ok(Histogram {
        class: class.to_string(),
        name: th1.name,
        title: th1.title,
        axes,
        values,
        errors,
        sumw2: th1.sumw2,
        entries: th1.entries,
    })
}

fn read_th1(c: &mut Cursor, dims: usize) -> Result<Th1> {
    let v = c.version()?;
    let (name, title) = c.tnamed()?;
    c.skip_versioned("TAttLine")?;
    c.skip_versioned("TAttFill")?;
    c.skip_versioned("TAttMarker")?;
    c.i32()?; // ncells
    let axes = [read_axis(c)?, read_axis(c)?, read_axis(c)?];
    c.i16()?; // bar offset
    c.i16()?; // bar width
    let entries = c.f64()?;
    for _ in 0..4 {
        c.f64()?; // tsumw, tsumw2, tsumwx, tsumwx2
    }
    if v.version < 2 {
        return Err(Error::Unsupported(format!(
            "TH1 class version {}",
            v.version
        )));
    }
    c.f64()?; // maximum
    c.f64()?; // minimum
    c.f64()?; // norm factor
    read_array_f64(c)?; // contour
    let sumw2 = read_array_f64(c)?;
    // The option, functions and buffer follow; the byte count skips them.
    c.finish(v)?;
    Ok(Th1 {
        name,
        title,
        axes,
        dims,
        entries,
        sumw2,
    })
}

fn read_axis(c: &mut Cursor) -> Result<Axis> {
    let v = c.version()?;
    let (_name, title) = c.tnamed()?;
    c.skip_versioned("TAttAxis")?;
    let nbins = c.i32()?;
    let xmin = c.f64()?;
    let xmax = c.f64()?;
    let xbins = read_array_f64(c)?;
    c.finish(v)?;
    // The bin contents follow, at least one byte per bin.
    let n = c.check_count(nbins as i64, 1)?;
    let edges = if xbins.len() == n + 1 {
        xbins
    } else {
        // As numpy.linspace computes them, so that values compare exactly.
        let step = (xmax - xmin) / n.max(1) as f64;
        let mut e: Vec<f64> = (0..=n).map(|i| i as f64 * step + xmin).collect();
        if let Some(last) = e.last_mut() {
            *last = xmax;
        }
        e
    };
    Ok(Axis { title, edges })
}

/// Bin means and errors of a profile, with ROOT's default error option
/// (error on the mean, using effective entries when weights were used).
fn profile_values(
    sum_wy: &[f64],
    sum_w: &[f64],
    sum_wy2: &[f64],
    sum_w2: &[f64],
    error_mode: i32,
) -> Result<(Vec<f64>, Vec<f64>)> {
    let n = sum_wy.len();
    if sum_w.len() != n || sum_wy2.len() != n {
        return Err(Error::format(format!(
            "profile arrays of different lengths ({n}, {}, {})",
            sum_w.len(),
            sum_wy2.len()
        )));
    }
    let mut values = Vec::with_capacity(n);
    let mut errors = Vec::with_capacity(n);
    for i in 0..n {
        let w = sum_w[i];
        if w == 0.0 {
            values.push(0.0);
            errors.push(0.0);
            continue;
        }
        let mean = sum_wy[i] / w;
        let spread = (sum_wy2[i] / w - mean * mean).abs().sqrt();
        let neff = match sum_w2.get(i) {
            Some(&w2) if sum_w2.len() == n && w2 > 0.0 => w * w / w2,
            _ => w,
        };
        values.push(mean);
        errors.push(match error_mode {
            1 => spread, // option "s": the spread itself
            _ => spread / neff.sqrt(),
        });
    }
    Ok((values, errors))
}
