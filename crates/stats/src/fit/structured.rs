//! Large models (hundreds to thousands of parameters): the exact Hessian of −2 log L in
//! arrowhead form, and Newton minimisation on it.
//!
//! Why: per-bin parameters (shapesys, staterror, shapefactor) and per-channel
//! systematics affect only a few bins, so the Hessian is sparse. A few "global"
//! parameters (POI, lumi, shared systematics) couple to everything; the others fall
//! into small clusters that couple only among themselves and to the globals. A dense
//! finite-difference Hessian costs n gradients and its Cholesky O(n³) per iteration
//! (27 s for one channel of 1,000 bins with shapesys and staterror); eliminating the
//! clusters first (Schur complement onto the globals) costs O(n·g²) for g globals.

use super::linalg::{cholesky, cholesky_solve};
use super::minimizer::{line_search, MinimizerOptions, Minimum, Objective, Step};
use crate::likelihood::{Data, Scratch};
use crate::model::Model;

/// Largest cluster: a parameter that would merge clusters beyond this becomes global.
const CLUSTER_CAP: usize = 48;

/// Where a model parameter sits in the arrowhead matrix.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    Fixed,
    Global(usize),
    Local { cluster: usize, index: usize },
}

/// The partition of the free parameters into globals and clusters.
#[derive(Debug, Clone)]
pub(crate) struct Structure {
    /// Per model parameter.
    slot: Vec<Slot>,
    /// Minimiser index (position among the free parameters) of each global.
    globals: Vec<usize>,
    /// Minimiser indices of each cluster's parameters.
    clusters: Vec<Vec<usize>>,
    /// Per minimiser index: its slot.
    kslot: Vec<Slot>,
    /// Blocks of each channel (a main bin's rate sums over them).
    channel_blocks: Vec<Vec<usize>>,
}

fn find(parent: &mut [usize], mut a: usize) -> usize {
    while parent[a] != a {
        parent[a] = parent[parent[a]];
        a = parent[a];
    }
    a
}

impl Structure {
    /// Partition for the free parameters `free` (model indices, minimiser order).
    pub fn new(model: &Model, free: &[usize]) -> Structure {
        Structure::with_cap(model, free, CLUSTER_CAP)
    }

    fn with_cap(model: &Model, free: &[usize], cap: usize) -> Structure {
        let n = model.n_pars();
        let mut is_free = vec![false; n];
        for &i in free {
            is_free[i] = true;
        }
        // Main bins each free parameter affects.
        let mut bins: Vec<Vec<u32>> = vec![Vec::new(); n];
        for b in &model.blocks {
            let nb = b.nominal.len();
            for f in &b.scalars {
                if is_free[f.par()] {
                    bins[f.par()].extend((b.offset..b.offset + nb).map(|x| x as u32));
                }
            }
            for &f in &b.bin_factors {
                for i in 0..nb {
                    if is_free[f + i] {
                        bins[f + i].push((b.offset + i) as u32);
                    }
                }
            }
            for i in 0..nb {
                for t in &b.terms[b.term_start[i] as usize..b.term_start[i + 1] as usize] {
                    let p = model.histo_pars[t.slot as usize];
                    if is_free[p] {
                        bins[p].push((b.offset + i) as u32);
                    }
                }
            }
        }
        for v in &mut bins {
            v.sort_unstable();
            v.dedup();
        }
        // Greedy union-find over shared bins, narrowest parameters first; whoever would
        // grow a cluster beyond the cap is global.
        let mut order: Vec<usize> = free.to_vec();
        order.sort_by_key(|&i| bins[i].len());
        let mut owner = vec![usize::MAX; model.n_bins()];
        let mut parent: Vec<usize> = Vec::new();
        let mut size: Vec<usize> = Vec::new();
        let mut node_of = vec![usize::MAX; n];
        let mut roots: Vec<usize> = Vec::new();
        for &i in &order {
            roots.clear();
            let mut total = 1;
            for &b in &bins[i] {
                let o = owner[b as usize];
                if o == usize::MAX {
                    continue;
                }
                let r = find(&mut parent, o);
                if !roots.contains(&r) {
                    roots.push(r);
                    total += size[r];
                    if total > cap {
                        break;
                    }
                }
            }
            if total > cap {
                continue;
            }
            let node = match roots.first() {
                Some(&r) => r,
                None => {
                    parent.push(parent.len());
                    size.push(0);
                    parent.len() - 1
                }
            };
            for &r in &roots[roots.len().min(1)..] {
                parent[r] = node;
                size[node] += size[r];
            }
            size[node] += 1;
            for &b in &bins[i] {
                if owner[b as usize] == usize::MAX {
                    owner[b as usize] = node;
                }
            }
            node_of[i] = node;
        }
        let mut slot = vec![Slot::Fixed; n];
        let mut kslot = vec![Slot::Fixed; free.len()];
        let mut globals = Vec::new();
        let mut clusters: Vec<Vec<usize>> = Vec::new();
        let mut cluster_of_root = vec![usize::MAX; parent.len()];
        for (k, &i) in free.iter().enumerate() {
            let s = if node_of[i] == usize::MAX {
                globals.push(k);
                Slot::Global(globals.len() - 1)
            } else {
                let r = find(&mut parent, node_of[i]);
                if cluster_of_root[r] == usize::MAX {
                    cluster_of_root[r] = clusters.len();
                    clusters.push(Vec::new());
                }
                let c = cluster_of_root[r];
                clusters[c].push(k);
                Slot::Local {
                    cluster: c,
                    index: clusters[c].len() - 1,
                }
            };
            slot[i] = s;
            kslot[k] = s;
        }
        let mut channel_blocks = vec![Vec::new(); model.channels.len()];
        for (k, b) in model.blocks.iter().enumerate() {
            if let Some(c) = model.channels.iter().position(|c| c.offset == b.offset) {
                channel_blocks[c].push(k);
            }
        }
        Structure {
            slot,
            globals,
            clusters,
            kslot,
            channel_blocks,
        }
    }

    pub fn new_arrow(&self) -> Arrow {
        let g = self.globals.len();
        Arrow {
            g,
            gg: vec![0.0; g * g],
            kk: self
                .clusters
                .iter()
                .map(|c| vec![0.0; c.len() * c.len()])
                .collect(),
            kg: self
                .clusters
                .iter()
                .map(|c| vec![0.0; c.len() * g])
                .collect(),
        }
    }
}

/// A symmetric matrix over the free parameters in arrowhead form: the global block,
/// and per cluster its own block and its coupling to the globals.
#[derive(Debug, Clone)]
pub(crate) struct Arrow {
    g: usize,
    gg: Vec<f64>,
    kk: Vec<Vec<f64>>,
    kg: Vec<Vec<f64>>,
}

impl Arrow {
    fn zero(&mut self) {
        self.gg.iter_mut().for_each(|v| *v = 0.0);
        for v in self.kk.iter_mut().chain(self.kg.iter_mut()) {
            v.iter_mut().for_each(|x| *x = 0.0);
        }
    }

    /// Adds `v` at (p, q). The global-row/local-column half is implied by symmetry.
    #[inline]
    fn add(&mut self, st: &Structure, p: usize, q: usize, v: f64) {
        match (st.slot[p], st.slot[q]) {
            (Slot::Global(a), Slot::Global(b)) => self.gg[a * self.g + b] += v,
            (Slot::Local { cluster, index }, Slot::Global(b)) => {
                self.kg[cluster][index * self.g + b] += v
            }
            (
                Slot::Local { cluster, index },
                Slot::Local {
                    cluster: c2,
                    index: i2,
                },
            ) if cluster == c2 => {
                let m = st.clusters[cluster].len();
                self.kk[cluster][index * m + i2] += v;
            }
            _ => {}
        }
    }

    /// (p, q) and (q, p): a cross term of two different factors.
    #[inline]
    fn add_pair(&mut self, st: &Structure, p: usize, q: usize, v: f64) {
        self.add(st, p, q, v);
        self.add(st, q, p, v);
    }

    /// Diagonal element of minimiser index k.
    fn diag(&self, st: &Structure, k: usize) -> f64 {
        match st.kslot[k] {
            Slot::Global(a) => self.gg[a * self.g + a],
            Slot::Local { cluster, index } => {
                let m = st.clusters[cluster].len();
                self.kk[cluster][index * m + index]
            }
            Slot::Fixed => 1.0,
        }
    }

    /// Cholesky-based factorisation of the matrix restricted to `active` (inactive rows
    /// and columns become the identity), plus `lambda` on the diagonal; only the
    /// diagonal with `diag_only`. None when not positive definite.
    fn factor(
        &self,
        st: &Structure,
        active: &[bool],
        diag_only: bool,
        lambda: f64,
    ) -> Option<Factor> {
        let g = self.g;
        let gact: Vec<bool> = st.globals.iter().map(|&k| active[k]).collect();
        let mut s = vec![0.0; g * g];
        for a in 0..g {
            for b in 0..g {
                s[a * g + b] = if a == b {
                    if gact[a] {
                        self.gg[a * g + a] + lambda
                    } else {
                        1.0
                    }
                } else if gact[a] && gact[b] && !diag_only {
                    self.gg[a * g + b]
                } else {
                    0.0
                };
            }
        }
        let mut lk = Vec::with_capacity(st.clusters.len());
        let mut kgm = Vec::with_capacity(st.clusters.len());
        let mut y = Vec::with_capacity(st.clusters.len());
        let mut col = Vec::new();
        for (c, members) in st.clusters.iter().enumerate() {
            let m = members.len();
            let mut mk = vec![0.0; m * m];
            for a in 0..m {
                for b in 0..m {
                    let on = active[members[a]] && active[members[b]];
                    mk[a * m + b] = if a == b {
                        if on {
                            self.kk[c][a * m + a] + lambda
                        } else {
                            1.0
                        }
                    } else if on && !diag_only {
                        self.kk[c][a * m + b]
                    } else {
                        0.0
                    };
                }
            }
            let l = cholesky(&mk, m)?;
            let mut cg = vec![0.0; m * g];
            if !diag_only {
                for a in 0..m {
                    if active[members[a]] {
                        for b in 0..g {
                            if gact[b] {
                                cg[a * g + b] = self.kg[c][a * g + b];
                            }
                        }
                    }
                }
            }
            // Y = M⁻¹ C, and the Schur complement S -= Cᵀ Y.
            let mut yc = vec![0.0; m * g];
            if cg.iter().any(|&v| v != 0.0) {
                for b in 0..g {
                    col.clear();
                    col.extend((0..m).map(|a| cg[a * g + b]));
                    cholesky_solve(&l, m, &mut col);
                    for a in 0..m {
                        yc[a * g + b] = col[a];
                    }
                }
                for a in 0..m {
                    for i in 0..g {
                        let cai = cg[a * g + i];
                        if cai == 0.0 {
                            continue;
                        }
                        for j in 0..g {
                            s[i * g + j] -= cai * yc[a * g + j];
                        }
                    }
                }
            }
            lk.push(l);
            kgm.push(cg);
            y.push(yc);
        }
        let ls = cholesky(&s, g)?;
        Some(Factor {
            lk,
            kgm,
            y,
            ls,
            g,
            lambda,
        })
    }

    /// Factorisation with the smallest diagonal shift in a doubling sequence that works.
    fn regularised_factor(
        &self,
        st: &Structure,
        active: &[bool],
        diag_only: bool,
    ) -> Option<Factor> {
        if let Some(f) = self.factor(st, active, diag_only, 0.0) {
            return Some(f);
        }
        let scale = (0..st.kslot.len())
            .map(|k| self.diag(st, k).abs())
            .fold(0.0, f64::max)
            .max(1e-8);
        let mut lambda = 1e-10 * scale;
        for _ in 0..60 {
            if let Some(f) = self.factor(st, active, diag_only, lambda) {
                return Some(f);
            }
            lambda *= 4.0;
        }
        None
    }
}

/// A factorised arrowhead matrix (see [`Arrow::factor`]).
struct Factor {
    /// Cholesky factor of each cluster block.
    lk: Vec<Vec<f64>>,
    /// Cluster-to-global couplings as factorised (masked).
    kgm: Vec<Vec<f64>>,
    /// Per cluster: its block's inverse times its couplings.
    y: Vec<Vec<f64>>,
    /// Cholesky factor of the Schur complement onto the globals.
    ls: Vec<f64>,
    g: usize,
    /// Diagonal shift that made it positive definite.
    #[cfg_attr(not(test), allow(dead_code))]
    lambda: f64,
}

impl Factor {
    /// Solves H x = b (minimiser indices) in place.
    fn solve(&self, st: &Structure, b: &mut [f64]) {
        let g = self.g;
        let mut zs: Vec<Vec<f64>> = Vec::with_capacity(st.clusters.len());
        let mut r: Vec<f64> = st.globals.iter().map(|&k| b[k]).collect();
        for (c, members) in st.clusters.iter().enumerate() {
            let m = members.len();
            let mut z: Vec<f64> = members.iter().map(|&k| b[k]).collect();
            cholesky_solve(&self.lk[c], m, &mut z);
            for (a, za) in z.iter().enumerate() {
                for (j, rj) in r.iter_mut().enumerate() {
                    *rj -= self.kgm[c][a * g + j] * za;
                }
            }
            zs.push(z);
        }
        cholesky_solve(&self.ls, g, &mut r);
        for (j, &k) in st.globals.iter().enumerate() {
            b[k] = r[j];
        }
        for (c, members) in st.clusters.iter().enumerate() {
            for (a, &k) in members.iter().enumerate() {
                let yx: f64 = (0..g).map(|j| self.y[c][a * g + j] * r[j]).sum();
                b[k] = zs[c][a] - yx;
            }
        }
    }

    /// The inverse over the minimiser indices: diagonal only, or the dense matrix
    /// (row-major, nf²) with `dense`.
    fn inverse(&self, st: &Structure, nf: usize, dense: bool) -> (Vec<f64>, Option<Vec<f64>>) {
        let g = self.g;
        // S⁻¹ (globals) and W = Y S⁻¹ per cluster: H⁻¹ = [[D⁻¹ + Y S⁻¹ Yᵀ, −W], [−Wᵀ, S⁻¹]].
        let mut sinv = vec![0.0; g * g];
        let mut col = vec![0.0; g];
        for j in 0..g {
            col.iter_mut().for_each(|v| *v = 0.0);
            col[j] = 1.0;
            cholesky_solve(&self.ls, g, &mut col);
            for i in 0..g {
                sinv[i * g + j] = col[i];
            }
        }
        let w: Vec<Vec<f64>> = self
            .y
            .iter()
            .map(|yc| {
                let m = yc.len() / g.max(1);
                let mut wc = vec![0.0; m * g];
                for a in 0..m {
                    for j in 0..g {
                        wc[a * g + j] = (0..g).map(|l| yc[a * g + l] * sinv[l * g + j]).sum();
                    }
                }
                wc
            })
            .collect();
        let dinv: Vec<Vec<f64>> = st
            .clusters
            .iter()
            .enumerate()
            .map(|(c, members)| {
                let m = members.len();
                let mut inv = vec![0.0; m * m];
                let mut e = vec![0.0; m];
                for j in 0..m {
                    e.iter_mut().for_each(|v| *v = 0.0);
                    e[j] = 1.0;
                    cholesky_solve(&self.lk[c], m, &mut e);
                    for i in 0..m {
                        inv[i * m + j] = e[i];
                    }
                }
                inv
            })
            .collect();
        let mut diag = vec![0.0; nf];
        for (j, &k) in st.globals.iter().enumerate() {
            diag[k] = sinv[j * g + j];
        }
        for (c, members) in st.clusters.iter().enumerate() {
            let m = members.len();
            for (a, &k) in members.iter().enumerate() {
                let wy: f64 = (0..g).map(|j| w[c][a * g + j] * self.y[c][a * g + j]).sum();
                diag[k] = dinv[c][a * m + a] + wy;
            }
        }
        if !dense {
            return (diag, None);
        }
        let mut full = vec![0.0; nf * nf];
        for (i, &ki) in st.globals.iter().enumerate() {
            for (j, &kj) in st.globals.iter().enumerate() {
                full[ki * nf + kj] = sinv[i * g + j];
            }
        }
        for (c, members) in st.clusters.iter().enumerate() {
            let m = members.len();
            for (a, &ka) in members.iter().enumerate() {
                for (j, &kj) in st.globals.iter().enumerate() {
                    let v = -w[c][a * g + j];
                    full[ka * nf + kj] = v;
                    full[kj * nf + ka] = v;
                }
                for (c2, members2) in st.clusters.iter().enumerate() {
                    for (b, &kb) in members2.iter().enumerate() {
                        let mut v: f64 = (0..g)
                            .map(|j| w[c][a * g + j] * self.y[c2][b * g + j])
                            .sum();
                        if c == c2 {
                            v += dinv[c][a * m + b];
                        }
                        full[ka * nf + kb] = v;
                    }
                }
            }
        }
        (diag, Some(full))
    }
}

/// Reusable buffers of [`exact_hessian`].
#[derive(Debug, Default)]
pub(crate) struct HessianWork {
    scratch: Scratch,
    acc: Vec<f64>,
    seen: Vec<bool>,
    touched: Vec<usize>,
    shape2: Vec<f64>,
    scalars: Vec<(f64, f64, f64)>,
    excl: Vec<f64>,
    sum_wq: Vec<f64>,
    qd: Vec<(usize, f64)>,
}

/// Exact Hessian of −2 log L at `pars` (all model parameters) into `h`:
/// Σ_bins [w ∂²ν + c ∂ν ∂νᵀ] + constraint curvatures, with w = 2(1 − n/ν), c = 2n/ν².
pub(crate) fn exact_hessian(
    model: &Model,
    data: &Data,
    pars: &[f64],
    st: &Structure,
    h: &mut Arrow,
    work: &mut HessianWork,
) {
    h.zero();
    let n = model.n_pars();
    let s = &mut work.scratch;
    model.fill_rates(pars, s);
    work.acc.resize(n, 0.0);
    work.seen.resize(n, false);
    work.shape2.clear();
    work.shape2.extend(
        model
            .histo_pars
            .iter()
            .map(|&p| model.histo_code.shape_second_derivative(pars[p])),
    );
    for t in &model.gauss {
        h.add(st, t.par, t.par, 2.0 / (t.sigma * t.sigma));
    }
    for t in &model.poisson {
        let a = data.aux[t.aux];
        if a > 0.0 {
            h.add(st, t.par, t.par, 2.0 * a / (pars[t.par] * pars[t.par]));
        }
    }
    work.sum_wq.clear();
    work.sum_wq.resize(model.blocks.len(), 0.0);
    for blocks in &st.channel_blocks {
        let Some(&first) = blocks.first() else {
            continue;
        };
        let (offset, nb) = (
            model.blocks[first].offset,
            model.blocks[first].nominal.len(),
        );
        for i in 0..nb {
            let ob = offset + i;
            let nu = s.rate[ob];
            let obs = data.main[ob];
            let (w, c) = if obs > 0.0 {
                (2.0 * (1.0 - obs / nu), 2.0 * obs / (nu * nu))
            } else {
                (2.0, 0.0)
            };
            for &bk in blocks {
                let b = &model.blocks[bk];
                // Scalars: value, derivative, second derivative, product of the others.
                work.scalars.clear();
                work.scalars.extend(b.scalars.iter().map(|f| f.eval2(pars)));
                let ms = work.scalars.len();
                work.excl.clear();
                work.excl.resize(ms, 1.0);
                for j in 0..ms {
                    for l in 0..ms {
                        if l != j {
                            work.excl[j] *= work.scalars[l].0;
                        }
                    }
                }
                let p: f64 = work.scalars.iter().map(|v| v.0).product();
                let gam = s.gamma[b.flat + i];
                let base = s.base[b.flat + i];
                let q = gam * base;
                work.sum_wq[bk] += w * q;
                // ∂Q of the per-bin part Q = Π γ · base.
                work.qd.clear();
                let nf = b.bin_factors.len();
                let others = |skip: &[usize]| -> f64 {
                    (0..nf)
                        .filter(|l| !skip.contains(l))
                        .map(|l| pars[b.bin_factors[l] + i])
                        .product()
                };
                for (f, &bf) in b.bin_factors.iter().enumerate() {
                    work.qd.push((bf + i, others(&[f]) * base));
                }
                let terms = &b.terms[b.term_start[i] as usize..b.term_start[i + 1] as usize];
                for t in terms {
                    let (_, _, dshape) = s.shape[t.slot as usize];
                    work.qd.push((
                        model.histo_pars[t.slot as usize],
                        gam * (t.s + t.a * dshape),
                    ));
                }
                // ∂ν entries.
                for (j, f) in b.scalars.iter().enumerate() {
                    let par = f.par();
                    if !work.seen[par] {
                        work.seen[par] = true;
                        work.touched.push(par);
                    }
                    work.acc[par] += work.excl[j] * work.scalars[j].1 * q;
                }
                for &(par, d) in &work.qd {
                    if !work.seen[par] {
                        work.seen[par] = true;
                        work.touched.push(par);
                    }
                    work.acc[par] += p * d;
                }
                if w == 0.0 {
                    continue;
                }
                // w ∂²ν: scalar × per-bin, per-bin × per-bin.
                for (j, f) in b.scalars.iter().enumerate() {
                    let sj = w * work.excl[j] * work.scalars[j].1;
                    for &(par, d) in &work.qd {
                        h.add_pair(st, f.par(), par, sj * d);
                    }
                }
                let wp = w * p;
                for f in 0..nf {
                    for l in f + 1..nf {
                        h.add_pair(
                            st,
                            b.bin_factors[f] + i,
                            b.bin_factors[l] + i,
                            wp * others(&[f, l]) * base,
                        );
                    }
                    for t in terms {
                        let (_, _, dshape) = s.shape[t.slot as usize];
                        h.add_pair(
                            st,
                            b.bin_factors[f] + i,
                            model.histo_pars[t.slot as usize],
                            wp * others(&[f]) * (t.s + t.a * dshape),
                        );
                    }
                }
                for t in terms {
                    let par = model.histo_pars[t.slot as usize];
                    h.add(st, par, par, wp * gam * t.a * work.shape2[t.slot as usize]);
                }
            }
            // c ∂ν ∂νᵀ over the parameters this bin depends on.
            if c != 0.0 {
                for &a in &work.touched {
                    let va = c * work.acc[a];
                    if va == 0.0 {
                        continue;
                    }
                    for &b in &work.touched {
                        h.add(st, a, b, va * work.acc[b]);
                    }
                }
            }
            for &a in &work.touched {
                work.acc[a] = 0.0;
                work.seen[a] = false;
            }
            work.touched.clear();
        }
    }
    // w ∂²ν among the scalars of each block: Σ_bins w Q is all they need.
    for (bk, b) in model.blocks.iter().enumerate() {
        let swq = work.sum_wq[bk];
        if swq == 0.0 || b.scalars.is_empty() {
            continue;
        }
        let vals: Vec<(f64, f64, f64)> = b.scalars.iter().map(|f| f.eval2(pars)).collect();
        let m = vals.len();
        for j in 0..m {
            let excl_j: f64 = (0..m).filter(|&l| l != j).map(|l| vals[l].0).product();
            h.add(
                st,
                b.scalars[j].par(),
                b.scalars[j].par(),
                swq * vals[j].2 * excl_j,
            );
            for k in j + 1..m {
                let excl_jk: f64 = (0..m)
                    .filter(|&l| l != j && l != k)
                    .map(|l| vals[l].0)
                    .product();
                h.add_pair(
                    st,
                    b.scalars[j].par(),
                    b.scalars[k].par(),
                    swq * vals[j].1 * vals[k].1 * excl_jk,
                );
            }
        }
    }
}

/// Projected Newton on the exact arrowhead Hessian: the same iteration as
/// [`super::minimize`] with `newton = true` (active set, diagonal start, Armijo
/// search, Newton-decrement convergence).
pub(crate) fn minimize_structured<O: Objective, H: FnMut(&[f64], &mut Arrow)>(
    obj: &mut O,
    hess: &mut H,
    st: &Structure,
    x0: &[f64],
    lower: &[f64],
    upper: &[f64],
    opts: &MinimizerOptions,
) -> Minimum {
    let n = x0.len();
    let mut x: Vec<f64> = (0..n).map(|i| x0[i].clamp(lower[i], upper[i])).collect();
    let mut g = vec![0.0; n];
    let mut evaluations = 1;
    let mut f = obj.value_grad(&x, &mut g);
    let done = |x, fval, iterations, evaluations, converged, msg: &str| Minimum {
        x,
        fval,
        iterations,
        evaluations,
        converged,
        message: msg.into(),
    };
    if n == 0 {
        let ok = f.is_finite();
        return done(x, f, 0, evaluations, ok, "no free parameters");
    }
    if !f.is_finite() || g.iter().any(|v| !v.is_finite()) {
        return done(
            x,
            f,
            0,
            evaluations,
            false,
            "the objective is not finite at the starting point",
        );
    }
    let mut h = st.new_arrow();
    hess(&x, &mut h);
    let mut xn = vec![0.0; n];
    let mut gn = vec![0.0; n];
    let mut d = vec![0.0; n];
    let mut active = vec![true; n];
    let mut stalled = 0;
    let mut diag_phase = opts.diagonal_iterations > 0;
    for iter in 0..opts.max_iterations {
        for i in 0..n {
            let at_lower = x[i] <= lower[i] && g[i] > 0.0;
            let at_upper = x[i] >= upper[i] && g[i] < 0.0;
            active[i] = !(at_lower || at_upper);
        }
        if !active.iter().any(|&a| a) {
            return done(x, f, iter, evaluations, true, "all parameters at bounds");
        }
        let Some(fac) = h.regularised_factor(st, &active, diag_phase) else {
            return done(x, f, iter, evaluations, false, "Hessian is singular");
        };
        for i in 0..n {
            d[i] = if active[i] { -g[i] } else { 0.0 };
        }
        fac.solve(st, &mut d);
        let decrement: f64 = -(0..n)
            .filter(|&i| active[i])
            .map(|i| g[i] * d[i])
            .sum::<f64>();
        if diag_phase && (decrement.abs() < opts.diagonal_until || iter >= opts.diagonal_iterations)
        {
            diag_phase = false;
            continue;
        }
        if decrement.abs() < opts.decrement_tolerance {
            return done(x, f, iter, evaluations, true, "converged");
        }
        let mut alpha = 1.0;
        if opts.max_step > 0.0 {
            let widest = (0..n)
                .filter(|&i| active[i])
                .map(|i| d[i].abs() * (0.5 * h.diag(st, i).abs()).sqrt())
                .fold(0.0, f64::max);
            if widest > opts.max_step {
                alpha = opts.max_step / widest;
            }
        }
        let step = Step {
            x: &x,
            f,
            g: &g,
            d: &d,
            lower,
            upper,
        };
        let found = line_search(obj, &step, alpha, &mut xn, &mut gn, &mut evaluations);
        let Some(fnew) = found else {
            let ok = decrement < 1e3 * opts.decrement_tolerance.max(1e-12 * f.abs());
            return done(x, f, iter, evaluations, ok, "line search found no decrease");
        };
        let gain = f - fnew;
        x.copy_from_slice(&xn);
        g.copy_from_slice(&gn);
        f = fnew;
        hess(&x, &mut h);
        if gain < 1e-15 * (1.0 + f.abs()) {
            stalled += 1;
            if stalled >= 5 {
                return done(x, f, iter, evaluations, true, "no further decrease");
            }
        } else {
            stalled = 0;
        }
    }
    done(
        x,
        f,
        opts.max_iterations,
        evaluations,
        false,
        "iteration limit reached",
    )
}

/// Inverse of the Hessian at a minimum (all parameters active): its diagonal and,
/// with `dense`, the full matrix; None when not positive definite.
pub(crate) fn inverse_hessian(
    h: &Arrow,
    st: &Structure,
    dense: bool,
) -> Option<(Vec<f64>, Option<Vec<f64>>)> {
    let nf = st.kslot.len();
    let fac = h.factor(st, &vec![true; nf], false, 0.0)?;
    Some(fac.inverse(st, nf, dense))
}

#[cfg(test)]
impl Arrow {
    /// The dense symmetric matrix over the minimiser indices.
    fn to_dense(&self, st: &Structure) -> Vec<f64> {
        let nf = st.kslot.len();
        let g = self.g;
        let mut d = vec![0.0; nf * nf];
        for (a, &ka) in st.globals.iter().enumerate() {
            for (b, &kb) in st.globals.iter().enumerate() {
                d[ka * nf + kb] = self.gg[a * g + b];
            }
        }
        for (c, members) in st.clusters.iter().enumerate() {
            let m = members.len();
            for (a, &ka) in members.iter().enumerate() {
                for (b, &kb) in members.iter().enumerate() {
                    d[ka * nf + kb] = self.kk[c][a * m + b];
                }
                for (b, &kb) in st.globals.iter().enumerate() {
                    d[ka * nf + kb] = self.kg[c][a * g + b];
                    d[kb * nf + ka] = self.kg[c][a * g + b];
                }
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fit::minimizer::fd_hessian;
    use crate::workspace::Workspace;

    /// Two channels: shapesys + staterror + normsys + histosys (code 4/4p) + lumi,
    /// shared and per-channel parameters; evaluated away from the nominal point so
    /// every interpolation branch's curvature matters.
    fn model() -> (Model, Data) {
        let ws = r#"{"channels": [
          {"name": "a", "samples": [
            {"name": "sig", "data": [3.0, 5.0, 2.0], "modifiers": [
              {"name": "mu", "type": "normfactor", "data": null},
              {"name": "lumi", "type": "lumi", "data": null},
              {"name": "jes", "type": "normsys", "data": {"hi": 1.1, "lo": 0.85}}]},
            {"name": "bkg", "data": [20.0, 15.0, 9.0], "modifiers": [
              {"name": "jes", "type": "histosys", "data": {"hi_data": [22.0, 15.5, 9.9], "lo_data": [19.0, 14.0, 8.6]}},
              {"name": "jes", "type": "normsys", "data": {"hi": 1.05, "lo": 0.97}},
              {"name": "ss", "type": "shapesys", "data": [2.0, 1.5, 1.2]},
              {"name": "staterror_a", "type": "staterror", "data": [1.0, 0.8, 0.7]}]},
            {"name": "other", "data": [4.0, 3.0, 1.0], "modifiers": [
              {"name": "staterror_a", "type": "staterror", "data": [0.5, 0.4, 0.3]},
              {"name": "xs", "type": "normsys", "data": {"hi": 1.3, "lo": 0.8}}]}]},
          {"name": "b", "samples": [
            {"name": "sig", "data": [1.0, 2.0], "modifiers": [
              {"name": "mu", "type": "normfactor", "data": null},
              {"name": "lumi", "type": "lumi", "data": null}]},
            {"name": "bkg", "data": [30.0, 4.0], "modifiers": [
              {"name": "jes", "type": "histosys", "data": {"hi_data": [33.0, 4.5], "lo_data": [28.0, 3.0]}},
              {"name": "sf", "type": "shapefactor", "data": null}]}]}],
          "observations": [{"name": "a", "data": [28.0, 21.0, 10.0]}, {"name": "b", "data": [35.0, 0.0]}],
          "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": [
            {"name": "lumi", "auxdata": [1.0], "sigmas": [0.05]}]}}],
          "version": "1.0.0"}"#;
        let ws = Workspace::from_str(ws, "test").unwrap();
        crate::prepare::model_and_data(&ws, None, &[], &Default::default()).unwrap()
    }

    #[test]
    fn exact_hessian_matches_finite_differences_and_solves() {
        let (model, data) = model();
        let n = model.n_pars();
        let names = model.par_names();
        // Away from the nominal point, inside and outside |alpha| < 1.
        let mut x = model.suggested_init();
        for (i, name) in names.iter().enumerate() {
            x[i] = match name.as_str() {
                "mu" => 1.3,
                "jes" => 0.6,
                "xs" => -1.4,
                "lumi" => 1.02,
                _ => 0.9 + 0.03 * i as f64,
            };
        }
        let free: Vec<usize> = (0..n).collect();
        // A small cap: globals, clusters and their couplings all occur.
        let st = Structure::with_cap(&model, &free, 2);
        assert!(!st.globals.is_empty() && st.clusters.len() > 1);
        let mut h = st.new_arrow();
        let mut work = HessianWork::default();
        exact_hessian(&model, &data, &x, &st, &mut h, &mut work);
        let mut s = Scratch::default();
        let mut obj = |p: &[f64], g: &mut [f64]| model.twice_nll_grad(p, &data, g, &mut s);
        let mut g0 = vec![0.0; n];
        obj(&x, &mut g0);
        let mut ev = 0;
        let fd = fd_hessian(&mut obj, &x, &g0, &vec![-10.0; n], &vec![10.0; n], &mut ev);
        let dense = h.to_dense(&st);
        for i in 0..n {
            for j in 0..n {
                let (a, b) = (dense[i * n + j], fd[i * n + j]);
                let scale = (fd[i * n + i].abs() * fd[j * n + j].abs()).sqrt().max(1e-3);
                assert!(
                    (a - b).abs() < 1e-5 * (scale + b.abs()),
                    "{} {}: {a} vs {b}",
                    names[i],
                    names[j]
                );
            }
        }
        // The factorised solve inverts it (where positive definite, with a shift else).
        let fac = h.regularised_factor(&st, &vec![true; n], false).unwrap();
        let shift = fac.lambda;
        for j in 0..n {
            let mut col: Vec<f64> = (0..n).map(|i| dense[i * n + j]).collect();
            col[j] += shift;
            fac.solve(&st, &mut col);
            for (i, v) in col.iter().enumerate() {
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((v - want).abs() < 1e-8, "{} {}: {v}", names[i], names[j]);
            }
        }
    }
}
