//! Exact sums of floating-point numbers, rounded once at the end.
//!
//! A sum of `f64` depends on the order of its additions; the same histogram filled from the same files
//! grouped differently (one run, or partial runs merged as a tree) would differ in the last bits. An
//! [`ExactSum`] keeps the exact value of every addition as an expansion: a few `f64` whose magnitudes do
//! not overlap and whose exact (unrounded) sum is the total (Shewchuk's algorithm, as Python's
//! `math.fsum`). Adding a number or another expansion is exact, so the value depends only on the
//! numbers added, never on their order or grouping, and [`ExactSum::value`] rounds it once, correctly
//! (to nearest, ties to even).
//!
//! [`ExactBins`] holds one such sum per bin for Σw and Σw² of a histogram, and the entry count.

use crate::error::{HistError, Result};
use crate::hist1d::Hist1D;
use crate::hist2d::Hist2D;

/// An exact sum of `f64` values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExactSum {
    /// Non-zero, non-overlapping, by increasing magnitude; their exact sum is the total.
    partials: Vec<f64>,
    /// The plain sum of non-finite values added (infinities, NaN), which decide the value when present.
    special: f64,
}

impl ExactSum {
    /// Zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `x` exactly.
    pub fn add(&mut self, x: f64) {
        if x == 0.0 {
            return;
        }
        if !x.is_finite() {
            self.special += x;
            return;
        }
        let mut x = x;
        let mut kept = 0;
        for k in 0..self.partials.len() {
            let mut y = self.partials[k];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            // Two-sum with |x| >= |y|: hi + lo == x + y exactly.
            let hi = x + y;
            if !hi.is_finite() {
                // Beyond f64's range: no finite total can come of it.
                self.special += hi;
                self.partials.clear();
                return;
            }
            let lo = y - (hi - x);
            if lo != 0.0 {
                self.partials[kept] = lo;
                kept += 1;
            }
            x = hi;
        }
        self.partials.truncate(kept);
        if x != 0.0 {
            self.partials.push(x);
        }
    }

    /// Adds another exact sum exactly.
    pub fn add_sum(&mut self, other: &ExactSum) {
        for &p in &other.partials {
            self.add(p);
        }
        self.special += other.special;
    }

    /// The exact sum of `partials` (any finite numbers, e.g. [`ExactSum::partials`] read back).
    pub fn from_partials(partials: &[f64]) -> Self {
        let mut s = Self::new();
        for &p in partials {
            s.add(p);
        }
        s
    }

    /// The expansion: numbers whose exact sum is the total (empty for zero).
    pub fn partials(&self) -> &[f64] {
        &self.partials
    }

    /// Whether a non-finite value was added (or a sum left f64's range).
    pub fn is_finite(&self) -> bool {
        self.special == 0.0
    }

    /// Whether the sum is exactly zero.
    pub fn is_zero(&self) -> bool {
        self.partials.is_empty() && self.special == 0.0
    }

    /// The total rounded to the nearest `f64` (ties to even); +0.0 for zero; infinity or NaN when such
    /// values were added.
    pub fn value(&self) -> f64 {
        if self.special != 0.0 || self.special.is_nan() {
            return self.special;
        }
        let p = &self.partials;
        let Some(mut n) = p.len().checked_sub(1) else {
            return 0.0;
        };
        let mut hi = p[n];
        let mut lo = 0.0;
        // From the largest down, until the first addition that is not exact.
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = p[n];
            hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                break;
            }
        }
        // `hi + lo` is exact; when `lo` is half an ulp of `hi` (a tie), the partials below decide the side.
        if n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            let yr = x - hi;
            if y == yr {
                hi = x;
            }
        }
        hi
    }
}

/// Exact Σw and Σw² per bin (flow bins included, in the histogram's storage order) and the entry count.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExactBins {
    pub sumw: Vec<ExactSum>,
    pub sumw2: Vec<ExactSum>,
    pub entries: u64,
}

impl ExactBins {
    /// Zero in `n` bins.
    pub fn zero(n: usize) -> Self {
        Self {
            sumw: vec![ExactSum::new(); n],
            sumw2: vec![ExactSum::new(); n],
            entries: 0,
        }
    }

    /// Number of bins (flow included).
    pub fn len(&self) -> usize {
        self.sumw.len()
    }

    /// Whether there are no bins.
    pub fn is_empty(&self) -> bool {
        self.sumw.is_empty()
    }

    /// Adds flow-inclusive Σw and Σw² (of a histogram of the same binning) and entries.
    pub fn add_values(&mut self, sumw: &[f64], sumw2: &[f64], entries: u64) -> Result<()> {
        self.check_len(sumw.len())?;
        self.check_len(sumw2.len())?;
        for (s, &v) in self.sumw.iter_mut().zip(sumw) {
            s.add(v);
        }
        for (s, &v) in self.sumw2.iter_mut().zip(sumw2) {
            s.add(v);
        }
        self.entries += entries;
        Ok(())
    }

    /// Adds a 1D histogram's contents.
    pub fn add_hist1d(&mut self, h: &Hist1D) -> Result<()> {
        self.add_values(h.values_with_flow(), h.variances_with_flow(), h.entries())
    }

    /// Adds a 2D histogram's contents.
    pub fn add_hist2d(&mut self, h: &Hist2D) -> Result<()> {
        self.add_values(h.values_with_flow(), h.variances_with_flow(), h.entries())
    }

    /// Adds other exact bins.
    pub fn add(&mut self, other: &ExactBins) -> Result<()> {
        self.check_len(other.len())?;
        for (s, o) in self.sumw.iter_mut().zip(&other.sumw) {
            s.add_sum(o);
        }
        for (s, o) in self.sumw2.iter_mut().zip(&other.sumw2) {
            s.add_sum(o);
        }
        self.entries += other.entries;
        Ok(())
    }

    /// Σw and Σw² rounded once per bin.
    pub fn rounded(&self) -> (Vec<f64>, Vec<f64>) {
        (
            self.sumw.iter().map(ExactSum::value).collect(),
            self.sumw2.iter().map(ExactSum::value).collect(),
        )
    }

    /// `template` (binning and title) holding these sums, rounded.
    pub fn to_hist1d(&self, template: &Hist1D) -> Result<Hist1D> {
        let (w, w2) = self.rounded();
        let mut h = Hist1D::from_parts(template.axis().clone(), w, w2)?;
        h.title = template.title.clone();
        h.set_entries(self.entries);
        Ok(h)
    }

    /// `template` (binning and title) holding these sums, rounded.
    pub fn to_hist2d(&self, template: &Hist2D) -> Result<Hist2D> {
        let (w, w2) = self.rounded();
        let mut h =
            Hist2D::from_parts(template.x_axis().clone(), template.y_axis().clone(), w, w2)?;
        h.title = template.title.clone();
        h.set_entries(self.entries);
        Ok(h)
    }

    fn check_len(&self, n: usize) -> Result<()> {
        if n != self.len() {
            return Err(HistError::LengthMismatch {
                what: "bins",
                got: n,
                expected: self.len(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (splitmix64), so the tests need no dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }
    }

    /// Fixed point with `FRAC` fraction bits in an i128: exact for the numbers the tests draw
    /// (multiples of 2^-FRAC below 2^60).
    const FRAC: i32 = 60;

    fn to_fixed(x: f64) -> i128 {
        let (mut mantissa, mut exponent) = decompose(x);
        while mantissa != 0 && mantissa % 2 == 0 && exponent < -FRAC {
            mantissa /= 2;
            exponent += 1;
        }
        let shift = exponent + FRAC;
        assert!(shift >= 0, "{x} is not a multiple of 2^-{FRAC}");
        (mantissa as i128) << shift
    }

    /// x = mantissa · 2^exponent with an integer mantissa.
    fn decompose(x: f64) -> (i64, i32) {
        let bits = x.to_bits();
        let sign = if bits >> 63 == 1 { -1 } else { 1 };
        let exp = ((bits >> 52) & 0x7ff) as i32;
        let frac = (bits & ((1 << 52) - 1)) as i64;
        if exp == 0 {
            (sign * frac, -1074)
        } else {
            (sign * (frac | (1 << 52)), exp - 1075)
        }
    }

    /// The fixed-point value rounded to the nearest f64, ties to even, computed with integers only.
    fn round_fixed(v: i128) -> f64 {
        if v == 0 {
            return 0.0;
        }
        let negative = v < 0;
        let mut m = v.unsigned_abs();
        let mut exp = -FRAC;
        // Keep 53 significant bits, rounding the rest to nearest even.
        let bits = 128 - m.leading_zeros() as i32;
        if bits > 53 {
            let drop = bits - 53;
            let rest = m & ((1u128 << drop) - 1);
            let half = 1u128 << (drop - 1);
            m >>= drop;
            exp += drop;
            if rest > half || (rest == half && m & 1 == 1) {
                m += 1;
            }
        }
        let magnitude = m as f64 * 2f64.powi(exp);
        if negative {
            -magnitude
        } else {
            magnitude
        }
    }

    /// A number drawn over a wide range of magnitudes, a multiple of 2^-FRAC, with either sign.
    fn draw(rng: &mut Rng) -> f64 {
        let mantissa = (rng.next() >> 11) as f64; // 53 bits
        let exponent = (rng.next() % 60) as i32 - FRAC; // magnitudes 2^-60 .. 2^52
        let x = mantissa * 2f64.powi(exponent);
        if rng.next() & 1 == 1 {
            -x
        } else {
            x
        }
    }

    #[test]
    fn sums_agree_with_an_integer_reference() {
        let mut rng = Rng(17);
        for trial in 0..300 {
            let n = 1 + (rng.next() % 200) as usize;
            let xs: Vec<f64> = (0..n).map(|_| draw(&mut rng)).collect();
            let mut s = ExactSum::new();
            for &x in &xs {
                s.add(x);
            }
            let reference: i128 = xs.iter().map(|&x| to_fixed(x)).sum();
            assert_eq!(
                s.value().to_bits(),
                round_fixed(reference).to_bits(),
                "trial {trial}"
            );
        }
    }

    #[test]
    fn any_grouping_gives_the_same_value() {
        let mut rng = Rng(4);
        let xs: Vec<f64> = (0..1000).map(|_| draw(&mut rng)).collect();
        let mut whole = ExactSum::new();
        xs.iter().for_each(|&x| whole.add(x));
        // Reversed order, and pieces summed separately then merged as a tree.
        let mut reversed = ExactSum::new();
        xs.iter().rev().for_each(|&x| reversed.add(x));
        let pieces: Vec<ExactSum> = xs.chunks(37).map(ExactSum::from_partials).collect();
        let mut left = ExactSum::new();
        pieces.iter().for_each(|p| left.add_sum(p));
        let mut right = ExactSum::new();
        for p in pieces.iter().rev() {
            let mut t = p.clone();
            t.add_sum(&right);
            right = t;
        }
        let want = whole.value().to_bits();
        for s in [&reversed, &left, &right] {
            assert_eq!(s.value().to_bits(), want);
        }
        // A plain f64 sum differs in order for these numbers (which is why this exists).
        let forward: f64 = xs.iter().sum();
        let backward: f64 = xs.iter().rev().sum();
        assert_ne!(forward.to_bits(), backward.to_bits());
    }

    #[test]
    fn cancellation_keeps_the_small_terms() {
        let big = 2f64.powi(60);
        let mut s = ExactSum::new();
        for x in [big, 1.0, -big, 2f64.powi(-40)] {
            s.add(x);
        }
        assert_eq!(s.value(), 1.0 + 2f64.powi(-40));
        // Naively 0.1 + 1e20 - 1e20 is 0.
        let mut t = ExactSum::new();
        for x in [0.1, 1e20, -1e20] {
            t.add(x);
        }
        assert_eq!(t.value(), 0.1);
        // Complete cancellation is +0.0, as a plain sum gives.
        let mut c = ExactSum::new();
        c.add(0.5);
        c.add(-0.5);
        assert_eq!(c.value().to_bits(), 0.0f64.to_bits());
        assert!(c.is_zero());
    }

    #[test]
    fn ties_round_to_even_using_the_lower_partials() {
        // 1 + 2^-53 is a tie between 1 and 1 + 2^-52: to even is 1. A further tiny positive term breaks it upwards.
        let mut s = ExactSum::new();
        s.add(1.0);
        s.add(2f64.powi(-53));
        assert_eq!(s.value(), 1.0);
        s.add(2f64.powi(-100));
        assert_eq!(s.value(), 1.0 + 2f64.powi(-52));
        let mut t = ExactSum::new();
        t.add(1.0);
        t.add(2f64.powi(-53));
        t.add(-2f64.powi(-100));
        assert_eq!(t.value(), 1.0);
    }

    #[test]
    fn non_finite_values_decide_the_value() {
        let mut s = ExactSum::new();
        s.add(1.0);
        assert!(s.is_finite());
        s.add(f64::INFINITY);
        assert_eq!(s.value(), f64::INFINITY);
        s.add(f64::NEG_INFINITY);
        assert!(s.value().is_nan());
        assert!(!s.is_finite());
    }

    #[test]
    fn bins_round_into_histograms() {
        let mut a = Hist1D::regular(2, 0.0, 2.0).unwrap().with_title("t");
        a.fill(&[0.5, 1.5], Some(&[0.1, 1e17])).unwrap();
        let mut b = Hist1D::regular(2, 0.0, 2.0).unwrap();
        b.fill(&[1.5], Some(&[-1e17])).unwrap();
        let mut c = Hist1D::regular(2, 0.0, 2.0).unwrap();
        c.fill(&[1.5], Some(&[0.2])).unwrap();
        // In plain f64, (a + c) + b loses c's 0.2 in a's 1e17.
        let mut bins = ExactBins::zero(4);
        for h in [&a, &c, &b] {
            bins.add_hist1d(h).unwrap();
        }
        let h = bins.to_hist1d(&a).unwrap();
        assert_eq!(h.values(), &[0.1, 0.2]);
        assert_eq!(h.entries(), 4);
        assert_eq!(h.title, "t");
        assert!(bins.add_values(&[0.0; 3], &[0.0; 3], 0).is_err());
        let h2 = Hist2D::new(
            crate::Axis::regular(1, 0.0, 1.0).unwrap(),
            crate::Axis::regular(1, 0.0, 1.0).unwrap(),
        );
        let mut bins2 = ExactBins::zero(9);
        bins2.add_hist2d(&h2).unwrap();
        assert_eq!(bins2.to_hist2d(&h2).unwrap(), h2);
    }
}
