//! The names a run files histograms under: typed ids of an analysis file's parts, and
//! [`HistKey`], the key of one histogram. Shared by [`crate::plan`], [`crate::run`] and
//! [`crate::output`]; it depends on none of them.

use crate::config::{AnalysisFile, HistogramConfig};
use std::cmp::Ordering;
use std::fmt;

/// The variation name of the nominal histograms.
pub const NOMINAL: &str = "nominal";

/// The one region of a file without `[[regions]]`: every event passing the selections.
pub const IMPLICIT_REGION: &str = "all";

/// The first step of every cutflow, before any selection.
pub const ALL_EVENTS: &str = "all events";

/// A region: an index into [`region_names`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RegionId(pub usize);

/// A histogram: an index into the analysis file's `[[histograms]]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HistogramId(pub usize);

/// A sample that has files: an index into [`crate::Analysis::plans`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SampleId(pub usize);

/// A kinematic variation of one sample: an index into [`crate::plan::SamplePlan::variations`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VariationId(pub usize);

impl VariationId {
    /// The nominal kinematics come first in every sample (for an alternative sample, its
    /// `variation` name is filed in their place).
    pub const NOMINAL: VariationId = VariationId(0);
}

/// One output of a sample's compiled expressions (see [`crate::plan::Part`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OutputId(pub usize);

/// The region names histograms are filed under, in [`RegionId`] order.
pub fn region_names(file: &AnalysisFile) -> Vec<String> {
    if file.regions.is_empty() {
        vec![IMPLICIT_REGION.to_string()]
    } else {
        file.regions.iter().map(|r| r.name.clone()).collect()
    }
}

/// Whether histogram `h` is filled in `region` (every region unless it lists some).
pub fn fills(h: &HistogramConfig, region: &str) -> bool {
    h.regions
        .as_ref()
        .is_none_or(|rs| rs.iter().any(|r| r == region))
}

/// What one histogram of a run is: written `{region}/{histogram}/{sample}/{variation}` in
/// `histograms.json` and as the directories of `histograms.root`. Names never hold `/` (see
/// [`crate::validate`]), so the string parses back into the same four parts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HistKey {
    pub region: String,
    pub histogram: String,
    pub sample: String,
    pub variation: String,
}

impl HistKey {
    pub fn new(region: &str, histogram: &str, sample: &str, variation: &str) -> HistKey {
        HistKey {
            region: region.to_string(),
            histogram: histogram.to_string(),
            sample: sample.to_string(),
            variation: variation.to_string(),
        }
    }

    /// The key of a nominal histogram.
    pub fn nominal(region: &str, histogram: &str, sample: &str) -> HistKey {
        HistKey::new(region, histogram, sample, NOMINAL)
    }

    /// Whether this is a nominal histogram.
    pub fn is_nominal(&self) -> bool {
        self.variation == NOMINAL
    }

    /// `{region}/{histogram}/{sample}`: the ROOT directory holding one histogram per variation.
    pub fn directory(&self) -> String {
        format!("{}/{}/{}", self.region, self.histogram, self.sample)
    }

    /// The bytes of the key's string form, without building it.
    fn bytes(&self) -> impl Iterator<Item = u8> + '_ {
        let parts = [&self.region, &self.histogram, &self.sample, &self.variation];
        parts
            .into_iter()
            .enumerate()
            .flat_map(|(i, p)| (i > 0).then_some(b'/').into_iter().chain(p.bytes()))
    }
}

impl fmt::Display for HistKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}/{}",
            self.region, self.histogram, self.sample, self.variation
        )
    }
}

/// Keys sort as their strings do (`"a b/…"` before `"a/…"`), so maps of them list histograms
/// in the order of `histograms.json` and `histograms.root` as written before keys were typed.
impl Ord for HistKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.bytes().cmp(other.bytes())
    }
}

impl PartialOrd for HistKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Parses a key read back from `histograms.json`.
impl std::str::FromStr for HistKey {
    type Err = String;

    fn from_str(s: &str) -> Result<HistKey, String> {
        match s.split('/').collect::<Vec<_>>()[..] {
            [region, histogram, sample, variation] => {
                Ok(HistKey::new(region, histogram, sample, variation))
            }
            _ => Err(format!(
                "{s:?} is not a histogram key (region/histogram/sample/variation)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sort_and_print_as_their_strings() {
        let mut keys = [
            HistKey::new("a", "h", "s", "nominal"),
            HistKey::new("a b", "h", "s", "nominal"),
            HistKey::new("a", "h", "s", "jes"),
            HistKey::new("a", "h-2", "s", "nominal"),
            HistKey::new("a", "h", "s2", "nominal"),
        ];
        let mut strings: Vec<String> = keys.iter().map(ToString::to_string).collect();
        keys.sort();
        strings.sort();
        let printed: Vec<String> = keys.iter().map(ToString::to_string).collect();
        assert_eq!(printed, strings);
        for s in &strings {
            assert_eq!(&s.parse::<HistKey>().unwrap().to_string(), s);
        }
        assert!("a/b/c".parse::<HistKey>().is_err());
    }
}
