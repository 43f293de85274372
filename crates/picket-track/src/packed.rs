//! A 6-state Gaussian stored as its mean and the upper triangle of its covariance, and the
//! IMM's hot operations on that form: mixing, prediction and the Cartesian update. The IMM
//! keeps `K` of these per track (216 bytes each instead of 336 for a full `Gaussian`), and
//! working on the triangle directly skips the unpacking, symmetrising and repacking that
//! dominated the IMM's cost: every covariance written here is symmetric by construction.

// The kernels walk a triangle by row and column; index loops say that more plainly than
// iterator chains.
#![allow(clippy::needless_range_loop)]

use crate::gaussian::{Gaussian, Matrix3, StateCovariance, StateVector, Vector3};
use crate::measurement::{polar_of, wrap_angle};
use crate::motion::{LinearMotion, Prepared};

/// Index of `(i, j)`, `i ≤ j`, in a row-major upper triangle of a 6×6 matrix.
const fn idx(i: usize, j: usize) -> usize {
    // Row i starts at 6i − i(i−1)/2; (i, j) lies j − i further on.
    6 * i - i * i.saturating_sub(1) / 2 + (j - i)
}

/// Mean and upper covariance triangle of a 6-state Gaussian (position, velocity).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Packed {
    pub mean: [f64; 6],
    pub upper: [f64; 21],
}

/// What a Cartesian update gives the IMM's model weights: the squared Mahalanobis distance
/// of the innovation and `√det S` (the likelihood is `exp(−d²/2) / ((2π)^{3/2} √det S)`;
/// the constant cancels between models, and no logarithm is needed).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Fit {
    pub squared: f64,
    pub sqrt_det: f64,
}

impl Packed {
    pub fn pack(g: &Gaussian) -> Self {
        Self {
            mean: g.mean.into(),
            upper: std::array::from_fn(|k| {
                let (i, j) = UNPACK[k];
                g.cov[(i, j)]
            }),
        }
    }

    /// Writes the Gaussian into `g` in place (large values returned by value cost copies).
    #[inline]
    pub fn unpack_into(&self, g: &mut Gaussian) {
        for (k, &(i, j)) in UNPACK.iter().enumerate() {
            g.cov[(i, j)] = self.upper[k];
            g.cov[(j, i)] = self.upper[k];
        }
        for i in 0..6 {
            g.mean[i] = self.mean[i];
        }
    }

    pub fn unpack(&self) -> Gaussian {
        let mut g = Gaussian::new(StateVector::zeros(), StateCovariance::zeros());
        self.unpack_into(&mut g);
        g
    }

    /// The position-position, position-velocity and velocity-velocity blocks.
    #[inline]
    fn blocks(&self) -> (Matrix3, Matrix3, Matrix3) {
        let u = &self.upper;
        let pp = Matrix3::new(u[0], u[1], u[2], u[1], u[6], u[7], u[2], u[7], u[11]);
        let pv = Matrix3::new(u[3], u[4], u[5], u[8], u[9], u[10], u[12], u[13], u[14]);
        let vv = Matrix3::new(
            u[15], u[16], u[17], u[16], u[18], u[19], u[17], u[19], u[20],
        );
        (pp, pv, vv)
    }

    /// Writes the blocks back (upper triangles of `pp` and `vv`; `pv` whole).
    #[inline]
    fn set_blocks(&mut self, pp: &Matrix3, pv: &Matrix3, vv: &Matrix3) {
        for i in 0..3 {
            for j in i..3 {
                self.upper[idx(i, j)] = pp[(i, j)];
                self.upper[idx(i + 3, j + 3)] = vv[(i, j)];
            }
            for j in 0..3 {
                self.upper[idx(i, j + 3)] = pv[(i, j)];
            }
        }
    }

    /// The mixture of `modes` with `weights` (summing to 1) as one Gaussian, written into
    /// `g`: the weighted mean, and the weighted covariances plus the spread of the means.
    #[inline]
    pub fn mix_into_gaussian<const K: usize>(
        modes: &[Packed; K],
        weights: &[f64; K],
        g: &mut Gaussian,
    ) {
        let mut mean = [0.0; 6];
        for (m, &w) in modes.iter().zip(weights) {
            for (acc, v) in mean.iter_mut().zip(&m.mean) {
                *acc += w * v;
            }
        }
        let mut upper = [0.0; 21];
        for (m, &w) in modes.iter().zip(weights) {
            let d: [f64; 6] = std::array::from_fn(|i| m.mean[i] - mean[i]);
            let mut k = 0;
            for a in 0..6 {
                let wa = w * d[a];
                for b in a..6 {
                    upper[k] += w * m.upper[k] + wa * d[b];
                    k += 1;
                }
            }
        }
        let mut k = 0;
        for i in 0..6 {
            g.mean[i] = mean[i];
            for j in i..6 {
                g.cov[(i, j)] = upper[k];
                g.cov[(j, i)] = upper[k];
                k += 1;
            }
        }
    }

    /// The IMM's mixing, in place: mode `j` becomes the mixture of all modes with weights `w[j]`
    /// (each row sums to 1), for every `j` at once. The means are taken relative to the first
    /// mode's, `e_i = m_i − m_0`, so each mode's second moment `P_i + e_i e_iᵀ` is formed once
    /// and shared by all `K` mixtures: `P_j = Σ_i w_ji (P_i + e_i e_iᵀ) − f_j f_jᵀ` with
    /// `f_j = Σ_i w_ji e_i`. (The offsets are metres, so nothing cancels badly.)
    #[inline]
    pub fn mix_each<const K: usize>(modes: &mut [Packed; K], w: &[[f64; K]; K]) {
        let origin = modes[0].mean;
        let e: [[f64; 6]; K] =
            std::array::from_fn(|i| std::array::from_fn(|a| modes[i].mean[a] - origin[a]));
        // Each moment written in one pass from its mode (no copy of the triangle first: as
        // a separate copy the compiler may make it a call to memcpy per mode). Mode 0 is the
        // origin: its moment is its covariance.
        let mut second = [[0.0; 21]; K];
        for (i, (moment, e)) in second.iter_mut().zip(&e).enumerate() {
            let u = &modes[i].upper;
            let mut k = 0;
            for a in 0..6 {
                for b in a..6 {
                    moment[k] = if i == 0 { u[k] } else { u[k] + e[a] * e[b] };
                    k += 1;
                }
            }
        }
        for (mixed, w) in modes.iter_mut().zip(w) {
            let mut f = [0.0; 6];
            let mut upper = [0.0; 21];
            for ((e, moment), &wi) in e.iter().zip(&second).zip(w) {
                for a in 0..6 {
                    f[a] += wi * e[a];
                }
                for k in 0..21 {
                    upper[k] += wi * moment[k];
                }
            }
            let mut k = 0;
            for a in 0..6 {
                for b in a..6 {
                    upper[k] -= f[a] * f[b];
                    k += 1;
                }
                mixed.mean[a] = origin[a] + f[a];
            }
            mixed.upper = upper;
        }
    }

    /// Propagates by `model` over the prepared step: `x ← F x`, `P ← F P Fᵀ + Q`.
    #[inline]
    pub fn predict(&mut self, model: &LinearMotion, prepared: &Prepared) {
        let dt_s = prepared.dt_s;
        if dt_s == 0.0 {
            return;
        }
        if model.turn_rate_rad_s == 0.0 {
            self.predict_straight(dt_s);
        } else {
            let (pp, pv, vv) = self.blocks();
            let (pos, vel) = (self.position(), self.velocity());
            let (pp, pv, vv) = model.propagate_blocks(&pp, &pv, &vv, prepared);
            self.set_blocks(&pp, &pv, &vv);
            let (b, c) = (&prepared.b, &prepared.c);
            let (pos, vel) = (pos + b * vel, c * vel);
            for i in 0..3 {
                self.mean[i] = pos[i];
                self.mean[i + 3] = vel[i];
            }
        }
        self.add_process_noise(model, dt_s);
    }

    /// Constant velocity on the triangle: `B = dt·I`, `C = I`, no products at all.
    #[inline]
    fn predict_straight(&mut self, dt_s: f64) {
        let dt2 = dt_s * dt_s;
        let u = &mut self.upper;
        for i in 0..3 {
            for j in i..3 {
                // pp(i,j) + dt (pv(i,j) + pv(j,i)) + dt² vv(i,j); pv(j,i) is P[j][i+3].
                u[idx(i, j)] +=
                    dt_s * (u[idx(i, j + 3)] + u[idx(j, i + 3)]) + dt2 * u[idx(i + 3, j + 3)];
            }
        }
        for i in 0..3 {
            for j in 0..3 {
                let vv = if i <= j {
                    u[idx(i + 3, j + 3)]
                } else {
                    u[idx(j + 3, i + 3)]
                };
                u[idx(i, j + 3)] += dt_s * vv;
            }
            self.mean[i] += dt_s * self.mean[i + 3];
        }
    }

    /// Adds the white-noise-acceleration `Q(dt)` (per axis `q·[[dt³/3, dt²/2], [dt²/2, dt]]`).
    #[inline]
    fn add_process_noise(&mut self, model: &LinearMotion, dt_s: f64) {
        let (t1, t2, t3) = (dt_s, dt_s * dt_s / 2.0, dt_s * dt_s * dt_s / 3.0);
        for (axis, q) in [
            (0, model.q_horizontal),
            (1, model.q_horizontal),
            (2, model.q_vertical),
        ] {
            self.upper[idx(axis, axis)] += q * t3;
            self.upper[idx(axis, axis + 3)] += q * t2;
            self.upper[idx(axis + 3, axis + 3)] += q * t1;
        }
    }

    #[inline]
    fn position(&self) -> Vector3 {
        Vector3::new(self.mean[0], self.mean[1], self.mean[2])
    }

    #[inline]
    fn velocity(&self) -> Vector3 {
        Vector3::new(self.mean[3], self.mean[4], self.mean[5])
    }

    /// The first half of a Kalman update of each of `modes` by a Cartesian position `z`
    /// with noise `r`, in the factored form: with `S = L Lᵀ` (Cholesky) and
    /// `W = [Ppp; Pvp] L⁻ᵀ`, the posterior is `P − W Wᵀ` and the correction `W L⁻¹ ν`. It is
    /// the optimal-gain update written so that it is symmetric by construction and needs a
    /// third of the Joseph form's products; the subtracted term is positive semi-definite and
    /// no larger than the prior, so the result stays positive definite to rounding (property
    /// tests check it over seven orders of magnitude).
    ///
    /// False when any mode's update is impossible or non-finite. Nothing is changed until
    /// [`Packed::apply`], so the IMM updates all of its modes or none. The modes go through
    /// each stage together: their square roots and divisions are independent, so the
    /// processor overlaps them instead of waiting on one mode's chain at a time.
    #[inline]
    pub fn cartesian_gains<const K: usize>(
        modes: &[Packed; K],
        z: &Vector3,
        r: &Matrix3,
        gains: &mut [Gain; K],
    ) -> bool {
        let s: [[f64; 6]; K] = std::array::from_fn(|j| {
            let u = &modes[j].upper;
            [
                u[0] + r[(0, 0)],
                u[1] + r[(0, 1)],
                u[6] + r[(1, 1)],
                u[2] + r[(0, 2)],
                u[7] + r[(1, 2)],
                u[11] + r[(2, 2)],
            ]
        });
        let Some(l) = Factors::of(&s) else {
            return false;
        };
        let mut ok = true;
        for (j, (mode, gain)) in modes.iter().zip(gains.iter_mut()).enumerate() {
            let (u, m) = (&mode.upper, &mode.mean);
            // H = [I 0]: the rows of P Hᵀ are the position columns of P.
            let rows = |i: usize| [u[idx_any(i, 0)], u[idx_any(i, 1)], u[idx_any(i, 2)]];
            let nu = [z.x - m[0], z.y - m[1], z.z - m[2]];
            ok &= l.fill(j, rows, nu, mode, gain);
        }
        ok
    }

    /// [`Packed::cartesian_gains`] for a radar's range, azimuth and elevation from `sensor`
    /// (`sigma` per component), linearised at each mode's own mean (the EKF): with `J` the
    /// Jacobian of the polar coordinates by position, the rows of `P Hᵀ` are `P[:, pos] Jᵀ` and
    /// `S = J Ppp Jᵀ + R`; the azimuth residual is wrapped into [−π, π).
    #[inline]
    pub fn polar_gains<const K: usize>(
        modes: &[Packed; K],
        sensor: &Vector3,
        z: &Vector3,
        sigma: &Vector3,
        gains: &mut [Gain; K],
    ) -> bool {
        let projections: [Projection; K] =
            std::array::from_fn(|j| Projection::polar(&modes[j], sensor, z, sigma));
        let s: [[f64; 6]; K] = std::array::from_fn(|j| projections[j].s);
        let Some(l) = Factors::of(&s) else {
            return false;
        };
        let mut ok = true;
        for (j, (mode, gain)) in modes.iter().zip(gains.iter_mut()).enumerate() {
            let p = &projections[j];
            ok &= l.fill(j, |i| p.u[i], p.nu, mode, gain);
        }
        ok
    }

    /// The second half of the update: `x += W y`, `P −= W Wᵀ`.
    #[inline]
    pub fn apply(&mut self, gain: &Gain) {
        let [w0, w1, w2] = &gain.w;
        // upper(i, j) −= W_i · W_j, row by row on W's columns (see `by_rows`).
        by_rows(&mut self.upper, |i, row, _| {
            let (a, b, c) = (w0[i], w1[i], w2[i]);
            for (t, u) in row.iter_mut().enumerate() {
                *u -= a * w0[i + t] + b * w1[i + t] + c * w2[i + t];
            }
        });
        let y = &gain.y;
        for i in 0..6 {
            self.mean[i] += w0[i] * y[0] + w1[i] * y[1] + w2[i] * y[2];
        }
    }

    /// A whole Cartesian update ([`Packed::cartesian_gains`] then [`Packed::apply`]).
    #[cfg(test)]
    pub fn cartesian_update(&mut self, z: &Vector3, r: &Matrix3) -> Option<Fit> {
        let mut gain = [Gain::default()];
        if !Packed::cartesian_gains(&[*self], z, r, &mut gain) {
            return None;
        }
        self.apply(&gain[0]);
        Some(gain[0].fit)
    }
}

/// A Cartesian update's gain factor `W`, whitened innovation `y` and fit.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Gain {
    /// `W` by columns, `w[c][i] = W[i][c]`: the downdate `P −= W Wᵀ` then runs along the
    /// rows of the triangle on contiguous numbers (two at a time in SSE2).
    w: [[f64; 6]; 3],
    y: [f64; 3],
    pub fit: Fit,
}

/// The Cholesky factors `S = L Lᵀ` of `K` modes' innovation covariances, computed stage by
/// stage across the modes: their square roots and divisions are independent, so the
/// processor overlaps them instead of waiting on one mode's chain at a time.
struct Factors<const K: usize> {
    l10: [f64; K],
    l20: [f64; K],
    l21: [f64; K],
    /// Reciprocals of the diagonal.
    i00: [f64; K],
    i11: [f64; K],
    i22: [f64; K],
    /// `√det S = l00 l11 l22`.
    sqrt_det: [f64; K],
}

impl<const K: usize> Factors<K> {
    /// From each `S` packed as `[s00, s10, s11, s20, s21, s22]`; `None` unless every one is
    /// positive definite (`!(x > 0)` also rejects NaN).
    #[inline]
    fn of(s: &[[f64; 6]; K]) -> Option<Self> {
        let each = |f: &dyn Fn(usize) -> f64| -> [f64; K] { std::array::from_fn(f) };
        let l00 = each(&|j| s[j][0].sqrt());
        let i00 = l00.map(f64::recip);
        let l10 = each(&|j| s[j][1] * i00[j]);
        let l20 = each(&|j| s[j][3] * i00[j]);
        let d1 = each(&|j| s[j][2] - l10[j] * l10[j]);
        let l11 = d1.map(f64::sqrt);
        let i11 = l11.map(f64::recip);
        let l21 = each(&|j| (s[j][4] - l20[j] * l10[j]) * i11[j]);
        let d2 = each(&|j| s[j][5] - l20[j] * l20[j] - l21[j] * l21[j]);
        let l22 = d2.map(f64::sqrt);
        let i22 = l22.map(f64::recip);
        (0..K)
            .all(|j| s[j][0] > 0.0 && d1[j] > 0.0 && d2[j] > 0.0 && i22[j].is_finite())
            .then(|| Self {
                l10,
                l20,
                l21,
                i00,
                i11,
                i22,
                sqrt_det: each(&|j| l00[j] * l11[j] * l22[j]),
            })
    }

    /// Mode `j`'s gain: the rows of `W` solve `L wᵀ = uᵀ` (forward substitution) for each
    /// row `u` of `P Hᵀ` (`rows(i)`), and `y = L⁻¹ ν`. False when the result would not be
    /// finite or a variance would not stay positive.
    #[inline]
    fn fill(
        &self,
        j: usize,
        rows: impl Fn(usize) -> [f64; 3],
        nu: [f64; 3],
        mode: &Packed,
        gain: &mut Gain,
    ) -> bool {
        let forward = |v: [f64; 3]| -> [f64; 3] {
            let a = v[0] * self.i00[j];
            let b = (v[1] - self.l10[j] * a) * self.i11[j];
            let c = (v[2] - self.l20[j] * a - self.l21[j] * b) * self.i22[j];
            [a, b, c]
        };
        for i in 0..6 {
            let [a, b, c] = forward(rows(i));
            gain.w[0][i] = a;
            gain.w[1][i] = b;
            gain.w[2][i] = c;
        }
        let y = forward(nu);
        // Finite W and y make every result finite; the variances must stay positive.
        let ([w0, w1, w2], u) = (&gain.w, &mode.upper);
        let check = (0..6).map(|i| w0[i] + w1[i] + w2[i]).sum::<f64>() + y[0] + y[1] + y[2];
        gain.y = y;
        gain.fit = Fit {
            squared: dot3(&y, &y),
            sqrt_det: self.sqrt_det[j],
        };
        check.is_finite()
            && (0..6).all(|i| u[idx(i, i)] - (w0[i] * w0[i] + w1[i] * w1[i] + w2[i] * w2[i]) > 0.0)
    }
}

/// A position-only measurement linearised at one mode: the rows of `P Hᵀ`, `S = H P Hᵀ + R`
/// packed as `[s00, s10, s11, s20, s21, s22]`, and the residual `ν`.
struct Projection {
    u: [[f64; 3]; 6],
    s: [f64; 6],
    nu: [f64; 3],
}

impl Projection {
    /// Range, azimuth (clockwise from north) and elevation from `sensor`; see
    /// [`crate::MeasurementModel::Polar`], whose EKF this matches.
    #[inline]
    fn polar(mode: &Packed, sensor: &Vector3, z: &Vector3, sigma: &Vector3) -> Self {
        let m = &mode.mean;
        let d = Vector3::new(m[0] - sensor.x, m[1] - sensor.y, m[2] - sensor.z);
        let (range, az, el, rho) = polar_of(&d);
        let (r2, rho2) = (range * range, rho * rho);
        let jac = [
            [d.x / range, d.y / range, d.z / range],
            [d.y / rho2, -d.x / rho2, 0.0],
            [-d.x * d.z / (r2 * rho), -d.y * d.z / (r2 * rho), rho / r2],
        ];
        let up = &mode.upper;
        let u: [[f64; 3]; 6] = std::array::from_fn(|i| {
            let row = [up[idx_any(i, 0)], up[idx_any(i, 1)], up[idx_any(i, 2)]];
            jac.map(|h| dot3(&row, &h))
        });
        // S = J (Ppp Jᵀ) + R: the first three rows of U are Ppp Jᵀ.
        let sm =
            |a: usize, b: usize| jac[a][0] * u[0][b] + jac[a][1] * u[1][b] + jac[a][2] * u[2][b];
        let var = sigma.component_mul(sigma);
        Self {
            u,
            s: [
                sm(0, 0) + var.x,
                sm(1, 0),
                sm(1, 1) + var.y,
                sm(2, 0),
                sm(2, 1),
                sm(2, 2) + var.z,
            ],
            nu: [z.x - range, wrap_angle(z.y - az), z.z - el],
        }
    }
}

/// Calls `f(a, row, at)` for each row `a` of a packed triangle, `row` being its entries
/// `(a, a..6)` (which start at `at`), as arrays of fixed length: the compiler then knows
/// each row's length, drops the bounds checks and pairs the entries into SSE2 operations.
/// Each entry is still computed by the same operations in the same order as a loop over
/// `(a, b)` would (the kernels are checked bit for bit against such loops).
#[inline(always)]
fn by_rows(upper: &mut [f64; 21], mut f: impl FnMut(usize, &mut [f64], usize)) {
    let (r0, rest) = upper.split_first_chunk_mut::<6>().expect("21 = 6 + 15");
    let (r1, rest) = rest.split_first_chunk_mut::<5>().expect("15 = 5 + 10");
    let (r2, rest) = rest.split_first_chunk_mut::<4>().expect("10 = 4 + 6");
    let (r3, rest) = rest.split_first_chunk_mut::<3>().expect("6 = 3 + 3");
    let (r4, r5) = rest.split_first_chunk_mut::<2>().expect("3 = 2 + 1");
    f(0, r0, 0);
    f(1, r1, 6);
    f(2, r2, 11);
    f(3, r3, 15);
    f(4, r4, 18);
    f(5, r5, 20);
}

#[inline]
fn dot3(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// `(i, j)` of each packed index.
const UNPACK: [(usize, usize); 21] = {
    let mut out = [(0, 0); 21];
    let mut k = 0;
    let mut i = 0;
    while i < 6 {
        let mut j = i;
        while j < 6 {
            out[k] = (i, j);
            k += 1;
            j += 1;
        }
        i += 1;
    }
    out
};

/// Packed index of `(i, j)` in either order.
#[inline]
const fn idx_any(i: usize, j: usize) -> usize {
    if i <= j { idx(i, j) } else { idx(j, i) }
}

#[cfg(test)]
mod tests;
