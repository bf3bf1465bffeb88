//! Four-vectors and the few decays the generators need: a boson produced
//! with some transverse momentum and rapidity, decaying isotropically into
//! two daughters. Energies in GeV.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Gamma, Normal};
use std::f64::consts::PI;

/// A Lorentz vector (px, py, pz, E) in GeV.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FourVec {
    pub px: f64,
    pub py: f64,
    pub pz: f64,
    pub e: f64,
}

impl std::ops::Add for FourVec {
    type Output = FourVec;
    fn add(self, o: FourVec) -> FourVec {
        FourVec {
            px: self.px + o.px,
            py: self.py + o.py,
            pz: self.pz + o.pz,
            e: self.e + o.e,
        }
    }
}

impl FourVec {
    /// From transverse momentum, pseudorapidity, azimuth and mass.
    pub fn from_pt_eta_phi_m(pt: f64, eta: f64, phi: f64, m: f64) -> FourVec {
        let (px, py, pz) = (pt * phi.cos(), pt * phi.sin(), pt * eta.sinh());
        FourVec {
            px,
            py,
            pz,
            e: (px * px + py * py + pz * pz + m * m).sqrt(),
        }
    }

    /// From transverse momentum, rapidity, azimuth and mass.
    pub fn from_pt_y_phi_m(pt: f64, y: f64, phi: f64, m: f64) -> FourVec {
        let mt = (pt * pt + m * m).sqrt();
        FourVec {
            px: pt * phi.cos(),
            py: pt * phi.sin(),
            pz: mt * y.sinh(),
            e: mt * y.cosh(),
        }
    }

    pub fn pt(&self) -> f64 {
        self.px.hypot(self.py)
    }

    pub fn p(&self) -> f64 {
        (self.px * self.px + self.py * self.py + self.pz * self.pz).sqrt()
    }

    pub fn eta(&self) -> f64 {
        let pt = self.pt();
        if pt == 0.0 {
            return if self.pz >= 0.0 { 1e3 } else { -1e3 };
        }
        (self.pz / pt).asinh()
    }

    pub fn phi(&self) -> f64 {
        self.py.atan2(self.px)
    }

    pub fn mass(&self) -> f64 {
        (self.e * self.e - self.p().powi(2)).max(0.0).sqrt()
    }

    /// The same momentum direction with the three-momentum scaled by `k`
    /// and the mass kept (a detector's momentum measurement).
    pub fn scaled(&self, k: f64) -> FourVec {
        let m = self.mass();
        let (px, py, pz) = (self.px * k, self.py * k, self.pz * k);
        FourVec {
            px,
            py,
            pz,
            e: (px * px + py * py + pz * pz + m * m).sqrt(),
        }
    }

    /// This vector, given in the rest frame of `frame`, in the lab.
    pub fn boosted_from_rest_of(&self, frame: &FourVec) -> FourVec {
        let m = frame.mass();
        if m <= 0.0 {
            return *self;
        }
        let (bx, by, bz) = (frame.px / frame.e, frame.py / frame.e, frame.pz / frame.e);
        let b2 = bx * bx + by * by + bz * bz;
        let gamma = frame.e / m;
        let bp = bx * self.px + by * self.py + bz * self.pz;
        let g2 = if b2 > 0.0 { (gamma - 1.0) / b2 } else { 0.0 };
        let k = g2 * bp + gamma * self.e;
        FourVec {
            px: self.px + k * bx,
            py: self.py + k * by,
            pz: self.pz + k * bz,
            e: gamma * (self.e + bp),
        }
    }
}

/// An azimuth brought into [−π, π).
pub fn wrap(phi: f64) -> f64 {
    let two_pi = 2.0 * PI;
    let mut p = phi % two_pi;
    if p >= PI {
        p -= two_pi;
    } else if p < -PI {
        p += two_pi;
    }
    p
}

/// A uniform azimuth.
pub fn random_phi(rng: &mut ChaCha8Rng) -> f64 {
    rng.gen_range(-PI..PI)
}

/// Isotropic two-body decay of `parent` into masses `m1`, `m2` (the
/// parent's mass must exceed `m1 + m2`).
pub fn two_body(rng: &mut ChaCha8Rng, parent: &FourVec, m1: f64, m2: f64) -> (FourVec, FourVec) {
    let m = parent.mass();
    let p = ((m * m - (m1 + m2).powi(2)) * (m * m - (m1 - m2).powi(2)))
        .max(0.0)
        .sqrt()
        / (2.0 * m);
    let cos_t: f64 = rng.gen_range(-1.0..1.0);
    let sin_t = (1.0 - cos_t * cos_t).sqrt();
    let phi = random_phi(rng);
    let (px, py, pz) = (p * sin_t * phi.cos(), p * sin_t * phi.sin(), p * cos_t);
    let d1 = FourVec {
        px,
        py,
        pz,
        e: (p * p + m1 * m1).sqrt(),
    };
    let d2 = FourVec {
        px: -px,
        py: -py,
        pz: -pz,
        e: (p * p + m2 * m2).sqrt(),
    };
    (
        d1.boosted_from_rest_of(parent),
        d2.boosted_from_rest_of(parent),
    )
}

/// A mass from a Breit–Wigner (Cauchy) line shape of mass `m` and width
/// `gamma`, restricted to [lo, hi].
pub fn breit_wigner(rng: &mut ChaCha8Rng, m: f64, gamma: f64, lo: f64, hi: f64) -> f64 {
    let (a, b) = (
        ((lo - m) / (gamma / 2.0)).atan(),
        ((hi - m) / (gamma / 2.0)).atan(),
    );
    m + gamma / 2.0 * rng.gen_range(a..b).tan()
}

/// A mass from a falling 1/m^n spectrum on [lo, hi] (n ≠ 1).
pub fn power_law(rng: &mut ChaCha8Rng, n: f64, lo: f64, hi: f64) -> f64 {
    let k = 1.0 - n;
    let u: f64 = rng.gen();
    (lo.powf(k) + u * (hi.powf(k) - lo.powf(k))).powf(1.0 / k)
}

/// A boson of mass `m` as the LHC makes it at 13 TeV: transverse momentum
/// from a Gamma distribution of mean `mean_pt` (a few GeV for Drell–Yan,
/// tens for a Higgs boson from gluon fusion), rapidity roughly Gaussian.
pub fn produce(rng: &mut ChaCha8Rng, m: f64, mean_pt: f64, y_width: f64) -> FourVec {
    let pt = Gamma::new(1.6, mean_pt / 1.6)
        .expect("positive")
        .sample(rng);
    let y = Normal::new(0.0, y_width).expect("finite").sample(rng);
    FourVec::from_pt_y_phi_m(pt, y.clamp(-4.5, 4.5), random_phi(rng), m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn decays_conserve_four_momentum_and_masses() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let z = FourVec::from_pt_y_phi_m(35.0, 1.2, 0.4, 91.19);
        assert!((z.mass() - 91.19).abs() < 1e-9);
        let (a, b) = two_body(&mut rng, &z, 0.000511, 0.105);
        let s = a + b;
        for (x, y) in [(s.px, z.px), (s.py, z.py), (s.pz, z.pz), (s.e, z.e)] {
            assert!((x - y).abs() < 1e-9, "{s:?} vs {z:?}");
        }
        assert!((a.mass() - 0.000511).abs() < 1e-6 && (b.mass() - 0.105).abs() < 1e-6);
        let v = FourVec::from_pt_eta_phi_m(40.0, -1.1, 2.0, 0.0);
        assert!((v.pt() - 40.0).abs() < 1e-9 && (v.eta() + 1.1).abs() < 1e-9);
        assert!((v.phi() - 2.0).abs() < 1e-12);
        assert!((wrap(3.5 * PI) + 0.5 * PI).abs() < 1e-12);
        for _ in 0..1000 {
            let m = breit_wigner(&mut rng, 91.19, 2.5, 60.0, 120.0);
            assert!((60.0..=120.0).contains(&m));
            let m = power_law(&mut rng, 2.0, 60.0, 500.0);
            assert!((60.0..=500.0).contains(&m));
        }
    }
}
