//! The experiment label ("ATLAS Open Data", "CMS Open Data") with centre-of-mass energy and luminosity.

/// Which collaboration's label style to use.
#[derive(Debug, Clone, PartialEq)]
pub enum Experiment {
    /// Bold "ATLAS" then "Open Data" inside the frame, with √s and luminosity on the line below.
    Atlas,
    /// Bold "CMS" then italic "Open Data" above the frame on the left, "L (√s)" above it on the right.
    Cms,
    /// Any other bold name, placed like ATLAS.
    Other(String),
    /// No experiment label.
    None,
}

/// Label text of a figure.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentLabel {
    pub experiment: Experiment,
    /// Text after the experiment name, e.g. "Open Data" or "Open Data Simulation".
    pub status: String,
    /// Centre-of-mass energy in TeV.
    pub energy_tev: Option<f64>,
    /// Integrated luminosity in fb⁻¹ (written in pb⁻¹ below 1 fb⁻¹).
    pub luminosity_fb: Option<f64>,
    /// Further lines under the label (region, selection).
    pub extra_lines: Vec<String>,
}

impl Default for ExperimentLabel {
    fn default() -> Self {
        Self {
            experiment: Experiment::None,
            status: "Open Data".into(),
            energy_tev: None,
            luminosity_fb: None,
            extra_lines: vec![],
        }
    }
}

impl ExperimentLabel {
    /// "ATLAS Open Data", √s and luminosity.
    pub fn atlas(energy_tev: f64, luminosity_fb: f64) -> Self {
        Self {
            experiment: Experiment::Atlas,
            energy_tev: Some(energy_tev),
            luminosity_fb: Some(luminosity_fb),
            ..Self::default()
        }
    }

    /// "CMS Open Data", √s and luminosity.
    pub fn cms(energy_tev: f64, luminosity_fb: f64) -> Self {
        Self {
            experiment: Experiment::Cms,
            energy_tev: Some(energy_tev),
            luminosity_fb: Some(luminosity_fb),
            ..Self::default()
        }
    }

    /// Adds a line under the label.
    pub fn with_line(mut self, line: impl Into<String>) -> Self {
        self.extra_lines.push(line.into());
        self
    }

    /// The experiment's name, if any.
    pub(crate) fn name(&self) -> Option<&str> {
        match &self.experiment {
            Experiment::Atlas => Some("ATLAS"),
            Experiment::Cms => Some("CMS"),
            Experiment::Other(s) => Some(s),
            Experiment::None => None,
        }
    }

    /// "√s = 13 TeV, 10 fb⁻¹" (ATLAS style).
    pub(crate) fn energy_lumi_text(&self) -> Option<String> {
        match (self.energy_tev, self.luminosity_fb) {
            (Some(e), Some(l)) => Some(format!("√s = {} TeV, {}", short(e), lumi_text(l))),
            (Some(e), None) => Some(format!("√s = {} TeV", short(e))),
            (None, Some(l)) => Some(lumi_text(l)),
            (None, None) => None,
        }
    }

    /// "10 fb⁻¹ (13 TeV)" (CMS style).
    pub(crate) fn cms_right_text(&self) -> Option<String> {
        match (self.energy_tev, self.luminosity_fb) {
            (Some(e), Some(l)) => Some(format!("{} ({} TeV)", lumi_text(l), short(e))),
            (Some(e), None) => Some(format!("({} TeV)", short(e))),
            (None, Some(l)) => Some(lumi_text(l)),
            (None, None) => None,
        }
    }
}

/// Luminosity with a unit that keeps the number readable.
pub(crate) fn lumi_text(fb: f64) -> String {
    if fb < 1.0 {
        format!("{} pb⁻¹", short(fb * 1000.0))
    } else {
        format!("{} fb⁻¹", short(fb))
    }
}

/// A number with at most three significant digits and no trailing zeros (10, 36.3, 0.0036).
pub(crate) fn short(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = (2 - v.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// The y-axis title of a histogram: "Events / 2 GeV" for fixed-width bins (the unit from the x label's
/// last `[...]`), "Events / bin" for variable bins, "Events" for categories.
pub fn events_per_bin(axis: &hepkey_hist::Axis, x_label: &str) -> String {
    if axis.labels().is_some() {
        return "Events".into();
    }
    let edges = axis.edges();
    let widths: Vec<f64> = edges.windows(2).map(|w| w[1] - w[0]).collect();
    let Some(&first) = widths.first() else {
        return "Events".into();
    };
    if widths
        .iter()
        .any(|w| (w - first).abs() > 1e-6 * first.abs())
    {
        return "Events / bin".into();
    }
    let unit = x_label
        .rfind('[')
        .and_then(|a| {
            x_label[a + 1..]
                .find(']')
                .map(|b| x_label[a + 1..a + 1 + b].trim())
        })
        .filter(|u| !u.is_empty());
    match unit {
        Some(u) => format!("Events / {} {u}", short(first)),
        None => format!("Events / {}", short(first)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn y_title_from_binning() {
        let regular = hepkey_hist::Axis::regular(55, 105.0, 160.0).unwrap();
        assert_eq!(events_per_bin(&regular, "m(γγ) [GeV]"), "Events / 1 GeV");
        let two = hepkey_hist::Axis::regular(25, 50.0, 100.0).unwrap();
        assert_eq!(
            events_per_bin(&two, "$m_{\\mu\\mu}$ [GeV]"),
            "Events / 2 GeV"
        );
        assert_eq!(events_per_bin(&two, "η"), "Events / 2");
        let tenth = hepkey_hist::Axis::regular(10, 0.0, 1.0).unwrap();
        assert_eq!(events_per_bin(&tenth, "x"), "Events / 0.1");
        let var = hepkey_hist::Axis::variable(vec![0.0, 10.0, 30.0, 100.0]).unwrap();
        assert_eq!(events_per_bin(&var, "p_T [GeV]"), "Events / bin");
    }

    #[test]
    fn numbers_and_luminosity_read_naturally() {
        assert_eq!(short(10.0), "10");
        assert_eq!(short(36.31), "36.3");
        assert_eq!(short(3.378), "3.38");
        assert_eq!(short(139.0), "139");
        assert_eq!(short(0.0036), "0.0036");
        assert_eq!(lumi_text(10.0), "10 fb⁻¹");
        assert_eq!(lumi_text(0.0359), "35.9 pb⁻¹");
        let l = ExperimentLabel::atlas(13.6, 36.1);
        assert_eq!(l.energy_lumi_text().unwrap(), "√s = 13.6 TeV, 36.1 fb⁻¹");
        assert_eq!(
            ExperimentLabel::cms(8.0, 11.6).cms_right_text().unwrap(),
            "11.6 fb⁻¹ (8 TeV)"
        );
    }
}
