//! The **updater** role: the (extended) Kalman update in Joseph form, and the Mahalanobis
//! distance the gate uses. Both work on an [`Innovation`] of any dimension.

use crate::gaussian::{Gaussian, StateCovariance, symmetrise};
use crate::measurement::{Innovation, InnovationVisitor, MeasurementModel};
use crate::motion::Belief;

/// The updater role: folds one measurement into a belief.
pub trait Updater<B: Belief> {
    /// Updates `belief` with `measurement`; returns false (and leaves `belief` as it was) when
    /// the update is numerically impossible (singular innovation covariance, non-finite result).
    fn update(&self, belief: &mut B, measurement: &MeasurementModel) -> bool;
}

/// The (extended) Kalman updater, Joseph form, symmetrised.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct KalmanUpdater;

impl Updater<Gaussian> for KalmanUpdater {
    fn update(&self, belief: &mut Gaussian, measurement: &MeasurementModel) -> bool {
        kalman_update(belief, measurement).is_some()
    }
}

/// The Mahalanobis distance of `measurement` from the prediction `g` (closed form for
/// Cartesian measurements, the linearised innovation otherwise).
pub fn distance(g: &Gaussian, measurement: &MeasurementModel) -> Option<Distance> {
    match measurement {
        MeasurementModel::Cartesian { z, noise } => crate::fast::cartesian_distance(g, z, noise),
        _ => measurement.innovate(&g.mean, MahalanobisVisitor { cov: &g.cov }),
    }
}

/// One Kalman update of `g` (closed form for Cartesian measurements, EKF otherwise); returns
/// the measurement log-likelihood, or `None` with `g` unchanged.
pub fn kalman_update(g: &mut Gaussian, measurement: &MeasurementModel) -> Option<f64> {
    match measurement {
        MeasurementModel::Cartesian { z, noise } => crate::fast::cartesian_update(g, z, noise),
        _ => {
            let x = g.mean;
            measurement.innovate(&x, KalmanStep { estimate: g })
        }
    }
}

/// How far a measurement is from a prediction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Distance {
    /// Squared Mahalanobis distance `νᵀ S⁻¹ ν`.
    pub squared: f64,
    /// `ln det S`, for likelihood-based costs.
    pub ln_det_s: f64,
    /// The measurement dimension.
    pub dimension: usize,
}

/// Visitor: the Mahalanobis distance of an innovation against a prediction covariance.
#[derive(Debug, Clone, Copy)]
pub struct MahalanobisVisitor<'a> {
    /// Predicted state covariance.
    pub cov: &'a StateCovariance,
}

impl InnovationVisitor for MahalanobisVisitor<'_> {
    type Output = Option<Distance>;
    fn visit<const D: usize>(self, innovation: &Innovation<D>) -> Option<Distance> {
        let h = &innovation.jacobian;
        let mut s = h * self.cov * h.transpose() + innovation.noise;
        symmetrise(&mut s);
        let chol = s.cholesky()?;
        let solved = chol.solve(&innovation.residual);
        let squared = innovation.residual.dot(&solved);
        let ln_det_s = 2.0
            * chol
                .l_dirty()
                .diagonal()
                .iter()
                .map(|v| v.ln())
                .sum::<f64>();
        (squared.is_finite() && ln_det_s.is_finite()).then_some(Distance {
            squared,
            ln_det_s,
            dimension: D,
        })
    }
}

/// Visitor: one Kalman update of `estimate`; returns the measurement log-likelihood.
#[derive(Debug)]
pub struct KalmanStep<'a> {
    /// The estimate to update in place.
    pub estimate: &'a mut Gaussian,
}

impl InnovationVisitor for KalmanStep<'_> {
    type Output = Option<f64>;
    fn visit<const D: usize>(self, innovation: &Innovation<D>) -> Option<f64> {
        let g = self.estimate;
        let h = &innovation.jacobian;
        let ph = g.cov * h.transpose();
        let mut s = h * ph + innovation.noise;
        symmetrise(&mut s);
        let chol = s.cholesky()?;
        // K = P Hᵀ S⁻¹, computed as (S⁻¹ H P)ᵀ with the Cholesky factor.
        let gain = chol.solve(&ph.transpose()).transpose();
        let solved = chol.solve(&innovation.residual);
        let squared = innovation.residual.dot(&solved);
        let ln_det_s = 2.0
            * chol
                .l_dirty()
                .diagonal()
                .iter()
                .map(|v| v.ln())
                .sum::<f64>();
        let mean = g.mean + gain * innovation.residual;
        // Joseph form: (I − KH) P (I − KH)ᵀ + K R Kᵀ stays symmetric positive definite even
        // with a sub-optimal gain and rounding, unlike (I − KH) P.
        let a = StateCovariance::identity() - gain * h;
        let mut cov = a * g.cov * a.transpose() + gain * innovation.noise * gain.transpose();
        symmetrise(&mut cov);
        let updated = Gaussian::new(mean, cov);
        // One sum catches any NaN or infinity (they propagate through addition).
        if !(updated.mean.sum() + updated.cov.sum()).is_finite() {
            return None;
        }
        *g = updated;
        let ln_2pi = (2.0 * std::f64::consts::PI).ln();
        Some(-0.5 * (squared + ln_det_s + D as f64 * ln_2pi))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gaussian::{Matrix3, StateVector, Vector3};

    #[test]
    fn cartesian_update_is_the_textbook_result() {
        let mut g = Gaussian::new(StateVector::zeros(), StateCovariance::identity() * 100.0);
        let m = MeasurementModel::Cartesian {
            z: Vector3::new(10.0, 0.0, 0.0),
            noise: Matrix3::identity() * 100.0,
        };
        let d = m
            .innovate(&g.mean, MahalanobisVisitor { cov: &g.cov })
            .unwrap();
        assert!((d.squared - 0.5).abs() < 1e-12);
        assert!(KalmanUpdater.update(&mut g, &m));
        // Equal variances: the mean goes half way and the position variance halves.
        assert!((g.mean[0] - 5.0).abs() < 1e-12);
        assert!((g.cov[(0, 0)] - 50.0).abs() < 1e-9);
        assert_eq!(g.cov[(3, 3)], 100.0);
        assert!(g.is_positive_definite());
    }

    /// The closed-form Cartesian paths agree with the generic EKF visitors.
    #[test]
    fn fast_cartesian_paths_match_generic() {
        let a = StateCovariance::from_fn(|i, j| ((i * 5 + j * 7) % 6) as f64 - 2.5);
        let cov = a * a.transpose() + StateCovariance::identity() * 3.0;
        let g = Gaussian::new(StateVector::from([10.0, -4.0, 30.0, 2.0, 1.0, -0.5]), cov);
        let noise = Matrix3::new(4.0, 1.0, 0.5, 1.0, 5.0, -0.3, 0.5, -0.3, 6.0);
        let m = MeasurementModel::Cartesian {
            z: Vector3::new(13.0, -1.0, 28.0),
            noise,
        };
        let fast = distance(&g, &m).unwrap();
        let slow = m
            .innovate(&g.mean, MahalanobisVisitor { cov: &g.cov })
            .unwrap();
        assert!((fast.squared - slow.squared).abs() < 1e-9);
        assert!((fast.ln_det_s - slow.ln_det_s).abs() < 1e-9);
        let mut a = g;
        let mut b = g;
        let la = kalman_update(&mut a, &m).unwrap();
        let lb = m
            .innovate(&g.mean, KalmanStep { estimate: &mut b })
            .unwrap();
        assert!((la - lb).abs() < 1e-9);
        assert!((a.mean - b.mean).abs().max() < 1e-9);
        assert!((a.cov - b.cov).abs().max() < 1e-9);
    }
}
