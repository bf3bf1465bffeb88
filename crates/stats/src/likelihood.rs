//! The HistFactory likelihood: expected rates, −2 log L with every normalisation
//! constant (pyhf's `twice_nll`), and its analytic gradient.

use crate::error::{Error, Result};
use crate::model::Model;

/// Observed data: main-measurement counts (channel order of the model) and auxdata.
#[derive(Debug, Clone)]
pub struct Data {
    pub main: Vec<f64>,
    pub aux: Vec<f64>,
    /// Σ lgamma(n+1) over main and Poisson-aux counts (a constant of −2 log L).
    constant: f64,
}

impl Data {
    /// Data for a model; checks lengths.
    pub fn new(model: &Model, main: Vec<f64>, aux: Vec<f64>) -> Result<Data> {
        if main.len() != model.n_bins() {
            return Err(Error::InvalidInput(format!(
                "data has {} main bins, the model has {}",
                main.len(),
                model.n_bins()
            )));
        }
        if aux.len() != model.n_aux() {
            return Err(Error::InvalidInput(format!(
                "data has {} auxiliary values, the model has {}",
                aux.len(),
                model.n_aux()
            )));
        }
        let mut constant: f64 = main.iter().map(|&n| 2.0 * libm::lgamma(n + 1.0)).sum();
        for t in &model.poisson {
            constant += 2.0 * libm::lgamma(aux[t.aux] + 1.0);
        }
        for t in &model.gauss {
            constant += 2.0 * (t.sigma * (2.0 * std::f64::consts::PI).sqrt()).ln();
        }
        Ok(Data {
            main,
            aux,
            constant,
        })
    }

    /// Observed data of a workspace for this model (observations in the model's
    /// channel order, then the nominal auxdata).
    pub fn observed(model: &Model, ws: &crate::workspace::Workspace) -> Result<Data> {
        let mut main = Vec::with_capacity(model.n_bins());
        for c in &model.channels {
            let obs = ws.observation(&c.name).ok_or_else(|| {
                Error::InvalidModel(format!("no observation for channel {:?}", c.name))
            })?;
            if obs.len() != c.nbins {
                return Err(Error::InvalidModel(format!(
                    "observation of channel {:?} has {} bins, the channel has {}",
                    c.name,
                    obs.len(),
                    c.nbins
                )));
            }
            main.extend_from_slice(obs);
        }
        Data::new(model, main, model.auxdata())
    }
}

/// Per-evaluation scratch space (kept to avoid allocations in the fit loop).
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    pub(crate) rate: Vec<f64>,
    weight: Vec<f64>,
    /// (alpha, P, P') per histosys parameter.
    pub(crate) shape: Vec<(f64, f64, f64)>,
    /// Per (block, bin): base yield (nominal + shifts) and per-bin factor product.
    pub(crate) base: Vec<f64>,
    pub(crate) gamma: Vec<f64>,
    /// Per block: product of its scalar factors.
    product: Vec<f64>,
    scalar: Vec<(f64, f64)>,
    suffix: Vec<f64>,
}

impl Model {
    /// Expected main-measurement rates.
    pub fn expected_main(&self, pars: &[f64]) -> Vec<f64> {
        let mut s = Scratch::default();
        self.fill_rates(pars, &mut s);
        s.rate
    }

    /// Expected rates of each (channel, sample) pair: (channel index, sample index, rates).
    pub fn expected_by_sample(&self, pars: &[f64]) -> Vec<(usize, usize, Vec<f64>)> {
        let mut s = Scratch::default();
        self.fill_rates(pars, &mut s);
        self.blocks
            .iter()
            .enumerate()
            .map(|(k, b)| {
                let rates = (0..b.nominal.len())
                    .map(|i| s.product[k] * s.gamma[b.flat + i] * s.base[b.flat + i])
                    .collect();
                (b.channel, b.sample, rates)
            })
            .collect()
    }

    /// Expected auxiliary data: Gaussian centres = parameter, Poisson = gamma * factor.
    pub fn expected_aux(&self, pars: &[f64]) -> Vec<f64> {
        let mut aux = vec![0.0; self.n_aux()];
        for t in &self.gauss {
            aux[t.aux] = pars[t.par];
        }
        for t in &self.poisson {
            aux[t.aux] = pars[t.par] * t.factor;
        }
        aux
    }

    /// Expected data (main + aux) as a [`Data`] (Asimov data).
    pub fn expected_data(&self, pars: &[f64]) -> Result<Data> {
        Data::new(self, self.expected_main(pars), self.expected_aux(pars))
    }

    /// Rates, and per (block, bin) base yields and factor products.
    pub(crate) fn fill_rates(&self, pars: &[f64], s: &mut Scratch) {
        s.rate.clear();
        s.rate.resize(self.n_bins(), 0.0);
        s.base.resize(self.n_flat, 0.0);
        s.gamma.resize(self.n_flat, 0.0);
        s.product.clear();
        s.shape.clear();
        let code = self.histo_code;
        s.shape.extend(self.histo_pars.iter().map(|&p| {
            let (sh, dsh) = code.shape(pars[p]);
            (pars[p], sh, dsh)
        }));
        for b in &self.blocks {
            let p: f64 = b.scalars.iter().map(|f| f.eval(pars).0).product();
            s.product.push(p);
            for i in 0..b.nominal.len() {
                let mut base = b.nominal[i];
                let terms = &b.terms[b.term_start[i] as usize..b.term_start[i + 1] as usize];
                for t in terms {
                    let (alpha, shape, _) = s.shape[t.slot as usize];
                    base += t.s * alpha + t.a * shape;
                }
                let mut g = 1.0;
                for &f in &b.bin_factors {
                    g *= pars[f + i];
                }
                s.base[b.flat + i] = base;
                s.gamma[b.flat + i] = g;
                s.rate[b.offset + i] += p * g * base;
            }
        }
    }

    /// −2 log L (pyhf's `twice_nll`).
    pub fn twice_nll(&self, pars: &[f64], data: &Data) -> f64 {
        let mut s = Scratch::default();
        self.twice_nll_impl(pars, data, None, &mut s)
    }

    /// −2 log L and its gradient.
    pub fn twice_nll_grad(
        &self,
        pars: &[f64],
        data: &Data,
        grad: &mut [f64],
        s: &mut Scratch,
    ) -> f64 {
        self.twice_nll_impl(pars, data, Some(grad), s)
    }

    fn twice_nll_impl(
        &self,
        pars: &[f64],
        data: &Data,
        grad: Option<&mut [f64]>,
        s: &mut Scratch,
    ) -> f64 {
        let n = self.n_bins();
        self.fill_rates(pars, s);
        // Main Poisson terms: −2 [n ln ν − ν] (+ the lgamma constant).
        let mut value = data.constant;
        s.weight.clear();
        s.weight.resize(n, 0.0);
        for i in 0..n {
            let nu = s.rate[i];
            let obs = data.main[i];
            if obs > 0.0 {
                if nu <= 0.0 || nu.is_nan() {
                    return f64::INFINITY;
                }
                value += 2.0 * (nu - obs * nu.ln());
                s.weight[i] = 2.0 * (1.0 - obs / nu);
            } else {
                value += 2.0 * nu;
                s.weight[i] = 2.0;
            }
        }
        // Constraints.
        for t in &self.gauss {
            let z = (data.aux[t.aux] - pars[t.par]) / t.sigma;
            value += z * z;
        }
        for t in &self.poisson {
            let a = data.aux[t.aux];
            let rate = pars[t.par] * t.factor;
            if a > 0.0 {
                if rate <= 0.0 {
                    return f64::INFINITY;
                }
                value += 2.0 * (rate - a * rate.ln());
            } else {
                value += 2.0 * rate;
            }
        }
        let Some(grad) = grad else { return value };
        grad.iter_mut().for_each(|g| *g = 0.0);
        for t in &self.gauss {
            grad[t.par] += 2.0 * (pars[t.par] - data.aux[t.aux]) / (t.sigma * t.sigma);
        }
        for t in &self.poisson {
            let a = data.aux[t.aux];
            let gam = pars[t.par];
            grad[t.par] += 2.0 * (t.factor - if a > 0.0 { a / gam } else { 0.0 });
        }
        // Chain rule through each block.
        for (k, b) in self.blocks.iter().enumerate() {
            let p = s.product[k];
            let mut sum_wgb = 0.0; // Σ_b w_b G_b base_b (for the scalar factors)
            let nf = b.bin_factors.len();
            for i in 0..b.nominal.len() {
                let w = s.weight[b.offset + i];
                let g = s.gamma[b.flat + i];
                let base = s.base[b.flat + i];
                let wpg = w * p * g;
                let terms = &b.terms[b.term_start[i] as usize..b.term_start[i + 1] as usize];
                for t in terms {
                    let (_, _, dshape) = s.shape[t.slot as usize];
                    grad[self.histo_pars[t.slot as usize]] += wpg * (t.s + t.a * dshape);
                }
                sum_wgb += w * g * base;
                for (j, &f) in b.bin_factors.iter().enumerate() {
                    let others: f64 = if nf == 1 {
                        1.0
                    } else {
                        b.bin_factors
                            .iter()
                            .enumerate()
                            .filter(|(l, _)| *l != j)
                            .map(|(_, &o)| pars[o + i])
                            .product()
                    };
                    grad[f + i] += w * p * others * base;
                }
            }
            // Scalar factors: d(Π k_j)/dθ = k_j' Π_{i≠j} k_i (no division: k may be 0).
            let m = b.scalars.len();
            if m == 0 {
                continue;
            }
            s.scalar.clear();
            s.scalar.extend(b.scalars.iter().map(|f| f.eval(pars)));
            s.suffix.clear();
            s.suffix.resize(m + 1, 1.0);
            for j in (0..m).rev() {
                s.suffix[j] = s.suffix[j + 1] * s.scalar[j].0;
            }
            let mut prefix = 1.0;
            for j in 0..m {
                grad[b.scalars[j].par()] += s.scalar[j].1 * prefix * s.suffix[j + 1] * sum_wgb;
                prefix *= s.scalar[j].0;
            }
        }
        value
    }
}
