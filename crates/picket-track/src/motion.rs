//! Motion models and the **predictor** role.
//!
//! A [`LinearMotion`] is a nearly-constant-velocity model (white-noise acceleration, Stone
//! Soup's `ConstantVelocity`) or, with a non-zero turn rate, a coordinated turn at a fixed rate
//! in the horizontal plane with constant vertical velocity. [`ConstantVelocity`] predicts a
//! single Gaussian; [`crate::Imm`] mixes several linear models.

use crate::gaussian::{Gaussian, StateCovariance};

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

    /// Propagates `g` by `dt_s`: `x ← F x`, `P ← F P Fᵀ + Q`, symmetrised.
    pub fn predict(&self, g: &mut Gaussian, dt_s: f64) {
        if dt_s == 0.0 {
            return;
        }
        let f = self.transition(dt_s);
        g.mean = f * g.mean;
        g.cov = f * g.cov * f.transpose();
        self.add_process_noise(&mut g.cov, dt_s);
        g.symmetrise();
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
