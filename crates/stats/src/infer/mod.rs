//! Inference as pyhf's `infer`: test statistics, the asymptotic calculator
//! (CLs with the expected band), upper limits and discovery significance.

mod asymptotic;
mod normal;
mod significance;
mod test_statistics;
mod upper_limit;

pub use asymptotic::{AsymptoticCalculator, HypotestResult, Sensitivity};
pub use normal::{normal_cdf, normal_sf};
pub use significance::{significance, Significance};
pub use test_statistics::TestStatistic;
pub use upper_limit::{upper_limit, LimitValue, UpperLimit, UpperLimitOptions};
