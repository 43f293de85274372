//! Motion models and the **predictor** role.
//!
//! A [`LinearMotion`] is a nearly-constant-velocity model (white-noise acceleration, Stone
//! Soup's `ConstantVelocity`) or, with a non-zero turn rate, a coordinated turn at a fixed rate
//! in the horizontal plane with constant vertical velocity. [`ConstantVelocity`] predicts a
//! single Gaussian; [`crate::Imm`] mixes several linear models.

use crate::gaussian::{Gaussian, Matrix3, StateCovariance};
use picket_core::Timestamp;

/// What a track carries between steps: one Gaussian, or an IMM's mixture, with a combined
/// estimate for gating and reporting.
pub trait Belief: Clone + std::fmt::Debug {
    /// The combined Gaussian estimate (mean and covariance of the whole belief).
    fn estimate(&self) -> &Gaussian;
}

impl Belief for Gaussian {
    fn estimate(&self) -> &Gaussian {
        self
    }
}

/// The predictor role: carries a belief forward in time.
pub trait Predictor {
    /// The per-track belief this predictor works on.
    type Belief: Belief;
    /// The belief of a new track whose first estimate is `prior`.
    fn initiate(&self, prior: Gaussian) -> Self::Belief;
    /// Moves `belief` forward by `dt_s` seconds (`dt_s` ≥ 0).
    fn predict(&self, belief: &mut Self::Belief, dt_s: f64);
    /// Moves every belief forward by the same `dt_s` (a predictor may prepare what depends on
    /// `dt_s` alone once, rather than once per track).
    fn predict_all(&self, beliefs: &mut [Self::Belief], dt_s: f64) {
        for belief in beliefs {
            self.predict(belief, dt_s);
        }
    }

    /// Moves each belief from its own time in `times` to `time` and sets that time (each
    /// time ≤ `time`). Runs of beliefs at one time share one [`Predictor::predict_all`]: after
    /// a step that predicted every track, that is a single run.
    fn predict_to(&self, beliefs: &mut [Self::Belief], times: &mut [Timestamp], time: Timestamp) {
        debug_assert_eq!(beliefs.len(), times.len());
        let mut start = 0;
        while start < times.len() {
            let since = times[start];
            let run = times[start..].iter().take_while(|&&t| t == since).count();
            self.predict_all(&mut beliefs[start..start + run], time.since_s(since));
            times[start..start + run].fill(time);
            start += run;
        }
    }

    /// An upper bound, metres, on the root mean square of the position noise `dt_s` adds:
    /// `√tr Q_pp(dt_s)` of the noisiest model. With it, a small step skips the tracks none of
    /// its reports can reach (see the tracker's narrow steps); `None` (the default) means no
    /// bound is known and every step predicts every track.
    fn position_noise_bound_m(&self, dt_s: f64) -> Option<f64> {
        let _ = dt_s;
        None
    }
}

/// A linear motion model on `[x, y, z, vx, vy, vz]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearMotion {
    /// Horizontal turn rate, rad/s, counter-clockwise positive; 0 is constant velocity.
    pub turn_rate_rad_s: f64,
    /// Horizontal white-noise acceleration spectral density, m²/s³ (per axis).
    pub q_horizontal: f64,
    /// Vertical white-noise acceleration spectral density, m²/s³.
    pub q_vertical: f64,
}

impl LinearMotion {
    /// Nearly constant velocity with the same `q` (m²/s³) on every axis.
    pub fn constant_velocity(q: f64) -> Self {
        Self {
            turn_rate_rad_s: 0.0,
            q_horizontal: q,
            q_vertical: q,
        }
    }

    /// `√tr Q_pp(dt_s)`: the root mean square of the position noise a prediction by `dt_s`
    /// adds (each axis `q·dt³/3`).
    pub fn position_noise_m(&self, dt_s: f64) -> f64 {
        let dt_s = dt_s.max(0.0);
        ((2.0 * self.q_horizontal + self.q_vertical) * dt_s * dt_s * dt_s / 3.0).sqrt()
    }

    /// Propagates `g` by `dt_s`: `x ← F x`, `P ← F P Fᵀ + Q`, symmetrised.
    ///
    /// `F = [[I, B], [0, C]]` in 3×3 blocks (position, velocity), so `F P Fᵀ` is computed
    /// blockwise: a handful of 3×3 products instead of two dense 6×6 ones.
    pub fn predict(&self, g: &mut Gaussian, dt_s: f64) {
        if dt_s == 0.0 {
            return;
        }
        self.predict_prepared(g, &self.prepare(dt_s));
    }

    /// What [`LinearMotion::predict`] needs of `dt_s` alone, for many predictions by one dt.
    pub fn prepare(&self, dt_s: f64) -> Prepared {
        let (b, c) = if self.turn_rate_rad_s == 0.0 {
            (Matrix3::identity() * dt_s, Matrix3::identity())
        } else {
            self.blocks(dt_s)
        };
        Prepared { dt_s, b, c }
    }

    /// [`LinearMotion::predict`] with the transition prepared by [`LinearMotion::prepare`].
    pub fn predict_prepared(&self, g: &mut Gaussian, prepared: &Prepared) {
        let dt_s = prepared.dt_s;
        if dt_s == 0.0 {
            return;
        }
        if self.turn_rate_rad_s == 0.0 {
            self.predict_straight(g, dt_s);
            return;
        }
        let p = &g.cov;
        let ppp = p.fixed_view::<3, 3>(0, 0).into_owned();
        let ppv = p.fixed_view::<3, 3>(0, 3).into_owned();
        let pvv = p.fixed_view::<3, 3>(3, 3).into_owned();
        let (new_pp, new_pv, new_vv) = self.propagate_blocks(&ppp, &ppv, &pvv, prepared);
        let (b, c) = (prepared.b, prepared.c);
        let (pos, vel) = (g.position(), g.velocity());
        g.mean.fixed_rows_mut::<3>(0).copy_from(&(pos + b * vel));
        g.mean.fixed_rows_mut::<3>(3).copy_from(&(c * vel));
        g.cov.fixed_view_mut::<3, 3>(0, 0).copy_from(&new_pp);
        g.cov.fixed_view_mut::<3, 3>(0, 3).copy_from(&new_pv);
        g.cov
            .fixed_view_mut::<3, 3>(3, 0)
            .copy_from(&new_pv.transpose());
        g.cov.fixed_view_mut::<3, 3>(3, 3).copy_from(&new_vv);
        self.add_process_noise(&mut g.cov, dt_s);
        g.symmetrise();
    }

    /// `F P Fᵀ` of a turn, in 3×3 blocks: the position, position-velocity and velocity
    /// blocks `ppp`, `ppv`, `pvv` in, the same blocks out (no process noise).
    #[inline]
    pub(crate) fn propagate_blocks(
        &self,
        ppp: &Matrix3,
        ppv: &Matrix3,
        pvv: &Matrix3,
        prepared: &Prepared,
    ) -> (Matrix3, Matrix3, Matrix3) {
        let (b, c) = (&prepared.b, &prepared.c);
        let pvp = ppv.transpose();
        // B and C act on the horizontal axes as 2×2 blocks and on height alone: the products
        // skip their zeros (half the work of dense 3×3 products, same values).
        let b_pvv = horizontal_left(b, pvv);
        let b_pvp = horizontal_left(b, &pvp);
        let new_pp = ppp + b_pvp + b_pvp.transpose() + horizontal_right(&b_pvv, b);
        let new_pv = horizontal_right(&(ppv + b_pvv), c);
        let new_vv = horizontal_right(&horizontal_left(c, pvv), c);
        (new_pp, new_pv, new_vv)
    }

    /// Constant velocity: `B = dt·I`, `C = I`, so `F P Fᵀ` needs no products at all.
    fn predict_straight(&self, g: &mut Gaussian, dt_s: f64) {
        let dt2 = dt_s * dt_s;
        let p = &mut g.cov;
        for i in 0..3 {
            for j in 0..3 {
                let (pp, pv, vp, vv) = (p[(i, j)], p[(i, j + 3)], p[(i + 3, j)], p[(i + 3, j + 3)]);
                p[(i, j)] = pp + dt_s * (pv + vp) + dt2 * vv;
                p[(i, j + 3)] = pv + dt_s * vv;
                p[(i + 3, j)] = vp + dt_s * vv;
            }
            g.mean[i] += dt_s * g.mean[i + 3];
        }
        self.add_process_noise(p, dt_s);
        g.symmetrise();
    }

    /// The blocks `B` (velocity → position) and `C` (velocity → velocity) of `F(dt)`.
    fn blocks(&self, dt_s: f64) -> (Matrix3, Matrix3) {
        let f = self.transition(dt_s);
        (
            f.fixed_view::<3, 3>(0, 3).into_owned(),
            f.fixed_view::<3, 3>(3, 3).into_owned(),
        )
    }

    /// The transition matrix `F(dt)`.
    pub fn transition(&self, dt_s: f64) -> StateCovariance {
        let mut f = StateCovariance::identity();
        let w = self.turn_rate_rad_s;
        let (s_over_w, c_over_w, cos, sin) = if w.abs() < 1e-9 {
            (dt_s, 0.0, 1.0, 0.0)
        } else {
            let (sin, cos) = (w * dt_s).sin_cos();
            (sin / w, (1.0 - cos) / w, cos, sin)
        };
        f[(0, 3)] = s_over_w;
        f[(0, 4)] = -c_over_w;
        f[(1, 3)] = c_over_w;
        f[(1, 4)] = s_over_w;
        f[(2, 5)] = dt_s;
        f[(3, 3)] = cos;
        f[(3, 4)] = -sin;
        f[(4, 3)] = sin;
        f[(4, 4)] = cos;
        f
    }

    /// Adds the white-noise-acceleration `Q(dt)` (per axis `q·[[dt³/3, dt²/2], [dt²/2, dt]]`).
    fn add_process_noise(&self, cov: &mut StateCovariance, dt_s: f64) {
        let (t1, t2, t3) = (dt_s, dt_s * dt_s / 2.0, dt_s * dt_s * dt_s / 3.0);
        for (axis, q) in [
            (0, self.q_horizontal),
            (1, self.q_horizontal),
            (2, self.q_vertical),
        ] {
            cov[(axis, axis)] += q * t3;
            cov[(axis, axis + 3)] += q * t2;
            cov[(axis + 3, axis)] += q * t2;
            cov[(axis + 3, axis + 3)] += q * t1;
        }
    }
}

/// `k · x` for a `k` whose third row and column are zero but for `k[2][2]` (a turn's blocks).
#[inline]
fn horizontal_left(k: &Matrix3, x: &Matrix3) -> Matrix3 {
    Matrix3::from_fn(|i, j| {
        if i < 2 {
            k[(i, 0)] * x[(0, j)] + k[(i, 1)] * x[(1, j)]
        } else {
            k[(2, 2)] * x[(2, j)]
        }
    })
}

/// `x · kᵀ` for the same kind of `k`.
#[inline]
fn horizontal_right(x: &Matrix3, k: &Matrix3) -> Matrix3 {
    Matrix3::from_fn(|i, j| {
        if j < 2 {
            x[(i, 0)] * k[(j, 0)] + x[(i, 1)] * k[(j, 1)]
        } else {
            x[(i, 2)] * k[(2, 2)]
        }
    })
}

/// A [`LinearMotion`]'s transition blocks for one time step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prepared {
    /// The step, seconds.
    pub dt_s: f64,
    /// Velocity → position block of `F(dt)`.
    pub b: Matrix3,
    /// Velocity → velocity block of `F(dt)`.
    pub c: Matrix3,
}

/// The single-model predictor: nearly constant velocity on one Gaussian.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConstantVelocity {
    /// The motion model.
    pub model: LinearMotion,
}

impl ConstantVelocity {
    /// Nearly constant velocity with `q` m²/s³ on every axis (Stone Soup `ConstantVelocity(q)`).
    pub fn new(q: f64) -> Self {
        Self {
            model: LinearMotion::constant_velocity(q),
        }
    }
}

impl Predictor for ConstantVelocity {
    type Belief = Gaussian;

    fn initiate(&self, prior: Gaussian) -> Gaussian {
        prior
    }

    fn predict(&self, belief: &mut Gaussian, dt_s: f64) {
        self.model.predict(belief, dt_s);
    }

    fn position_noise_bound_m(&self, dt_s: f64) -> Option<f64> {
        Some(self.model.position_noise_m(dt_s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gaussian::StateVector;

    #[test]
    fn constant_velocity_moves_and_grows() {
        let mut g = Gaussian::new(
            StateVector::from([0.0, 0.0, 100.0, 10.0, -5.0, 1.0]),
            StateCovariance::identity(),
        );
        ConstantVelocity::new(5.0).predict(&mut g, 2.0);
        assert_eq!(g.position(), crate::Vector3::new(20.0, -10.0, 102.0));
        // P_xx = 1 + dt² · 1 + q dt³/3
        assert!((g.cov[(0, 0)] - (1.0 + 4.0 + 5.0 * 8.0 / 3.0)).abs() < 1e-12);
        assert!(g.is_positive_definite());
    }

    /// The blockwise `F P Fᵀ + Q` equals the dense product.
    #[test]
    fn blockwise_predict_matches_dense() {
        let model = LinearMotion {
            turn_rate_rad_s: 0.07,
            q_horizontal: 0.7,
            q_vertical: 0.3,
        };
        let a = StateCovariance::from_fn(|i, j| ((i * 7 + j * 3) % 5) as f64 - 2.0);
        let cov = a * a.transpose() + StateCovariance::identity();
        let mut g = Gaussian::new(StateVector::from([1.0, 2.0, 3.0, 4.0, -5.0, 6.0]), cov);
        let f = model.transition(1.3);
        let mut dense = f * cov * f.transpose();
        model.add_process_noise(&mut dense, 1.3);
        let mean = f * g.mean;
        model.predict(&mut g, 1.3);
        assert!((g.cov - dense).abs().max() < 1e-9);
        assert!((g.mean - mean).abs().max() < 1e-12);
        // And the straight-line shortcut.
        let straight = LinearMotion::constant_velocity(0.4);
        let mut g = Gaussian::new(StateVector::from([1.0, 2.0, 3.0, 4.0, -5.0, 6.0]), cov);
        let f = straight.transition(0.8);
        let mut dense = f * cov * f.transpose();
        straight.add_process_noise(&mut dense, 0.8);
        straight.predict(&mut g, 0.8);
        assert!((g.cov - dense).abs().max() < 1e-9);
    }

    #[test]
    fn coordinated_turn_keeps_speed_and_turns_left() {
        let model = LinearMotion {
            turn_rate_rad_s: std::f64::consts::FRAC_PI_2,
            q_horizontal: 0.0,
            q_vertical: 0.0,
        };
        let mut g = Gaussian::new(
            StateVector::from([0.0, 0.0, 0.0, 10.0, 0.0, 0.0]),
            StateCovariance::identity(),
        );
        model.predict(&mut g, 1.0);
        // A quarter turn counter-clockwise: now heading north, displaced (r, r), r = v/ω.
        let r = 10.0 / std::f64::consts::FRAC_PI_2;
        assert!((g.mean[0] - r).abs() < 1e-9 && (g.mean[1] - r).abs() < 1e-9);
        assert!(g.mean[3].abs() < 1e-9 && (g.mean[4] - 10.0).abs() < 1e-9);
    }
}
