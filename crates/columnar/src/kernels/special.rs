//! The standard normal quantile (inverse CDF), Wichura's algorithm AS 241 (PPND16, Applied Statistics 37,
//! 1988), accurate to about 1e-16 relative: rational approximations in three ranges of p.

// The coefficients are kept digit for digit as published.
#![allow(clippy::excessive_precision)]

const SPLIT1: f64 = 0.425;
const SPLIT2: f64 = 5.0;
const CONST1: f64 = 0.180625;
const CONST2: f64 = 1.6;

// |p - 0.5| <= 0.425
const A: [f64; 8] = [
    3.387_132_872_796_366_608,
    1.331_416_678_917_843_774_5e2,
    1.971_590_950_306_551_442_7e3,
    1.373_169_376_550_946_112_5e4,
    4.592_195_393_154_987_145_7e4,
    6.726_577_092_700_870_085_3e4,
    3.343_057_558_358_812_810_5e4,
    2.509_080_928_730_122_672_7e3,
];
const B: [f64; 8] = [
    1.0,
    4.231_333_070_160_091_125_2e1,
    6.871_870_074_920_579_083e2,
    5.394_196_021_424_751_107_7e3,
    2.121_379_430_158_659_586_7e4,
    3.930_789_580_009_271_061e4,
    2.872_908_573_572_194_267_4e4,
    5.226_495_278_852_854_561e3,
];
// sqrt(-log(min(p, 1-p))) <= 5
const C: [f64; 8] = [
    1.423_437_110_749_683_577_34,
    4.630_337_846_156_545_295_9,
    5.769_497_221_460_691_405_5,
    3.647_848_324_763_204_605_04,
    1.270_458_252_452_368_382_58,
    2.417_807_251_774_506_117_7e-1,
    2.272_384_498_926_918_458_33e-2,
    7.745_450_142_783_414_076_4e-4,
];
const D: [f64; 8] = [
    1.0,
    2.053_191_626_637_758_821_87,
    1.676_384_830_183_803_849_4,
    6.897_673_349_851_000_045_5e-1,
    1.481_039_764_274_800_745_9e-1,
    1.519_866_656_361_645_719_66e-2,
    5.475_938_084_995_344_946e-4,
    1.050_750_071_644_416_843_24e-9,
];
// further in the tails
const E: [f64; 8] = [
    6.657_904_643_501_103_777_2,
    5.463_784_911_164_114_369_9,
    1.784_826_539_917_291_335_8,
    2.965_605_718_285_048_912_3e-1,
    2.653_218_952_657_612_309_3e-2,
    1.242_660_947_388_078_438_6e-3,
    2.711_555_568_743_487_578_15e-5,
    2.010_334_399_292_288_132_65e-7,
];
const F: [f64; 8] = [
    1.0,
    5.998_322_065_558_879_376_9e-1,
    1.369_298_809_227_358_053_1e-1,
    1.487_536_129_085_061_485_25e-2,
    7.868_691_311_456_132_591e-4,
    1.846_318_317_510_054_681_8e-5,
    1.421_511_758_316_445_888_7e-7,
    2.044_263_103_389_939_785_64e-15,
];

fn ratio(num: &[f64; 8], den: &[f64; 8], r: f64) -> f64 {
    let horner = |c: &[f64; 8]| c.iter().rev().fold(0.0, |acc, &k| acc * r + k);
    horner(num) / horner(den)
}

/// The quantile of the standard normal distribution (scipy's `ndtri`, ROOT's `gaussian_quantile(p, 1)`):
/// -inf at 0, +inf at 1, NaN outside [0, 1].
pub fn normal_ppf(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= SPLIT1 {
        let r = CONST1 - q * q;
        return q * ratio(&A, &B, r);
    }
    let r = if q < 0.0 { p } else { 1.0 - p };
    let r = (-r.ln()).sqrt();
    let x = if r <= SPLIT2 {
        ratio(&C, &D, r - CONST2)
    } else {
        ratio(&E, &F, r - SPLIT2)
    };
    if q < 0.0 {
        -x
    } else {
        x
    }
}

/// Entries of the per-thread table of recent quantiles (a power of two).
const MEMO: usize = 4096;

std::thread_local! {
    /// Recent (argument bits, quantile) pairs, direct-mapped by the argument's bits. Every entry holds a
    /// true pair from the start (0.5 → 0), so a hit returns exactly what [`normal_ppf`] computes.
    static RECENT: std::cell::RefCell<Vec<(u64, f64)>> =
        std::cell::RefCell::new(vec![(0.5f64.to_bits(), 0.0); MEMO]);
}

/// [`normal_ppf`] through the thread's table of recent quantiles (see [`with_normal_ppf_memo`]).
pub struct PpfMemo<'a> {
    cells: &'a [std::cell::Cell<(u64, f64)>],
}

impl PpfMemo<'_> {
    /// The quantile of `p`, from the table when `p` was seen recently.
    #[inline]
    pub fn get(&self, p: f64) -> f64 {
        let bits = p.to_bits();
        let slot = &self.cells[(bits.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 52) as usize % MEMO];
        let (key, value) = slot.get();
        if key == bits {
            return value;
        }
        let value = normal_ppf(p);
        slot.set((bits, value));
        value
    }
}

/// Runs `f` with a memoised [`normal_ppf`]. Analyses often take the quantile of a few distinct
/// arguments (the AGC's deterministic jet resolution uses 1000, one per pt digit pattern): a table
/// look-up is several times cheaper than the rational approximations and the logarithm.
pub fn with_normal_ppf_memo<R>(f: impl FnOnce(&PpfMemo) -> R) -> R {
    RECENT.with(|cell| match cell.try_borrow_mut() {
        Ok(mut table) => f(&PpfMemo {
            cells: std::cell::Cell::from_mut(&mut table[..]).as_slice_of_cells(),
        }),
        // Only if `f` itself asks for the table: a private one for that call.
        Err(_) => {
            let mut table = vec![(0.5f64.to_bits(), 0.0); MEMO];
            f(&PpfMemo {
                cells: std::cell::Cell::from_mut(&mut table[..]).as_slice_of_cells(),
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::{normal_ppf, with_normal_ppf_memo};

    #[test]
    fn memoised_quantiles_equal_computed_ones() {
        // Repeated and colliding arguments, NaN and the ends included.
        let args: Vec<f64> = (0..20_000)
            .map(|i| match i % 7 {
                0 => f64::NAN,
                1 => 0.0,
                2 => 1.0,
                _ => 0.001 * (i % 1000) as f64 + 0.0005 + (i / 5000) as f64 * 1e-9,
            })
            .collect();
        with_normal_ppf_memo(|ppf| {
            for _ in 0..2 {
                for &p in &args {
                    let (a, b) = (ppf.get(p), normal_ppf(p));
                    assert!(
                        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                        "{p}"
                    );
                }
            }
        });
    }

    fn close(a: f64, b: f64, rel: f64) {
        assert!((a - b).abs() <= rel * b.abs(), "{a} vs {b}");
    }

    #[test]
    fn textbook_quantiles() {
        // Reference values from mpmath at 30 digits (sqrt(2)·erfinv(2p − 1)).
        close(normal_ppf(0.975), 1.959_963_984_540_054, 2e-15);
        close(normal_ppf(0.99), 2.326_347_874_040_841, 2e-15);
        close(normal_ppf(0.999), 3.090_232_306_167_814, 2e-15);
        close(normal_ppf(0.0005), -3.290_526_731_491_894_787, 2e-15);
        close(normal_ppf(0.8413447460685429), 1.0, 2e-15);
        close(normal_ppf(1e-10), -6.361_340_902_404_056, 2e-15);
        close(normal_ppf(1e-300), -37.047_096_299_361_199, 1e-14);
        assert_eq!(normal_ppf(0.5), 0.0);
        assert_eq!(normal_ppf(0.0), f64::NEG_INFINITY);
        assert!(normal_ppf(1.5).is_nan());
    }

    #[test]
    fn symmetric() {
        for i in 1..1000 {
            let p = i as f64 / 1000.0;
            let (a, b) = (normal_ppf(p), normal_ppf(1.0 - p));
            assert!((a + b).abs() <= 1e-12 * a.abs().max(1.0), "{p}: {a} {b}");
        }
    }
}
