//! Measurement models: what a report measured, how a state predicts it, and the linearised
//! innovation (`ν = z − h(x)`, `H = ∂h/∂x`, `R`) that gating and the Kalman update share.
//!
//! Polar (radar) reports are range, azimuth clockwise from north and elevation, measured from
//! the sensor's position, optionally with radial velocity; the extended Kalman filter
//! linearises `h` at the predicted state and wraps the azimuth innovation into [−π, π).

use crate::gaussian::{Matrix3, StateVector, Vector3};
use nalgebra::{SMatrix, SVector};
use picket_core::{Enu, Measurement, Report, ReportError, SensorId};
use std::f64::consts::{PI, TAU};

/// A linearised innovation of dimension `D`.
#[derive(Debug, Clone, Copy)]
pub struct Innovation<const D: usize> {
    /// `z − h(x)`, angles wrapped.
    pub residual: SVector<f64, D>,
    /// `∂h/∂x` at the state.
    pub jacobian: SMatrix<f64, D, 6>,
    /// Measurement noise covariance.
    pub noise: SMatrix<f64, D, D>,
}

/// Something that consumes an innovation of any dimension (gating, updating). A trait rather
/// than a closure so each dimension is monomorphised.
pub trait InnovationVisitor {
    /// What the visit returns.
    type Output;
    /// Handles an innovation of dimension `D`.
    fn visit<const D: usize>(self, innovation: &Innovation<D>) -> Self::Output;
}

/// What one detection measured, in the tracker's terms (SI, site frame).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MeasurementModel {
    /// A Cartesian position with covariance.
    Cartesian {
        /// Measured position, metres.
        z: Vector3,
        /// Noise covariance, m².
        noise: Matrix3,
    },
    /// Range, azimuth (clockwise from north), elevation from `sensor`, optionally radial velocity.
    Polar {
        /// The sensor's position, metres.
        sensor: Vector3,
        /// `[range_m, az_rad, el_rad]`.
        z: Vector3,
        /// `[σ_range_m, σ_az_rad, σ_el_rad]`.
        sigma: Vector3,
        /// Radial velocity (positive away) and its sigma, m/s.
        radial: Option<(f64, f64)>,
    },
    /// A bearing from `sensor` (RF direction finder, camera, acoustic array): azimuth
    /// clockwise from north, and elevation when measured. No range: it updates tracks but
    /// cannot start one alone (see [`crate::Triangulator`]).
    Bearing {
        /// The sensor's position, metres.
        sensor: Vector3,
        /// Azimuth and its sigma, radians.
        az: (f64, f64),
        /// Elevation and its sigma, radians, when measured.
        el: Option<(f64, f64)>,
    },
}

/// Wraps an angle into [−π, π).
pub fn wrap_angle(a: f64) -> f64 {
    let w = (a + PI).rem_euclid(TAU) - PI;
    if w >= PI { w - TAU } else { w }
}

/// Range, azimuth (clockwise from north) and elevation of `d` (target minus sensor).
pub(crate) fn polar_of(d: &Vector3) -> (f64, f64, f64, f64) {
    let rho = d.x.hypot(d.y).max(1e-6);
    let range = d.norm().max(1e-6);
    (range, d.x.atan2(d.y), d.z.atan2(rho), rho)
}

impl MeasurementModel {
    /// Calls `visitor` with the innovation of this measurement against state `x`.
    pub fn innovate<V: InnovationVisitor>(&self, x: &StateVector, visitor: V) -> V::Output {
        match *self {
            MeasurementModel::Cartesian { z, noise } => {
                let mut jacobian = SMatrix::<f64, 3, 6>::zeros();
                jacobian.fixed_view_mut::<3, 3>(0, 0).fill_with_identity();
                let residual = z - x.fixed_rows::<3>(0);
                visitor.visit(&Innovation {
                    residual,
                    jacobian,
                    noise,
                })
            }
            MeasurementModel::Polar {
                sensor,
                z,
                sigma,
                radial,
            } => {
                let d = x.fixed_rows::<3>(0) - sensor;
                let (range, az, el, rho) = polar_of(&d);
                let mut h = SMatrix::<f64, 3, 6>::zeros();
                let r2 = range * range;
                h[(0, 0)] = d.x / range;
                h[(0, 1)] = d.y / range;
                h[(0, 2)] = d.z / range;
                h[(1, 0)] = d.y / (rho * rho);
                h[(1, 1)] = -d.x / (rho * rho);
                h[(2, 0)] = -d.x * d.z / (r2 * rho);
                h[(2, 1)] = -d.y * d.z / (r2 * rho);
                h[(2, 2)] = rho / r2;
                let residual = Vector3::new(z.x - range, wrap_angle(z.y - az), z.z - el);
                let noise = Matrix3::from_diagonal(&sigma.component_mul(&sigma));
                match radial {
                    None => visitor.visit(&Innovation {
                        residual,
                        jacobian: h,
                        noise,
                    }),
                    Some((vr, sigma_vr)) => {
                        let v = x.fixed_rows::<3>(3);
                        let u = d / range;
                        let predicted_vr = u.dot(&v);
                        let dvr_dp = (v - u * predicted_vr) / range;
                        let mut jacobian = SMatrix::<f64, 4, 6>::zeros();
                        jacobian.fixed_view_mut::<3, 6>(0, 0).copy_from(&h);
                        for i in 0..3 {
                            jacobian[(3, i)] = dvr_dp[i];
                            jacobian[(3, i + 3)] = u[i];
                        }
                        let mut noise4 = SMatrix::<f64, 4, 4>::zeros();
                        noise4.fixed_view_mut::<3, 3>(0, 0).copy_from(&noise);
                        noise4[(3, 3)] = sigma_vr * sigma_vr;
                        let residual = SVector::<f64, 4>::new(
                            residual.x,
                            residual.y,
                            residual.z,
                            vr - predicted_vr,
                        );
                        visitor.visit(&Innovation {
                            residual,
                            jacobian,
                            noise: noise4,
                        })
                    }
                }
            }
            MeasurementModel::Bearing { sensor, az, el } => {
                let d = x.fixed_rows::<3>(0) - sensor;
                let (range, predicted_az, predicted_el, rho) = polar_of(&d);
                let rho2 = rho * rho;
                let az_row = [d.y / rho2, -d.x / rho2, 0.0];
                let az_residual = wrap_angle(az.0 - predicted_az);
                match el {
                    None => visitor.visit(&Innovation {
                        residual: SVector::<f64, 1>::new(az_residual),
                        jacobian: SMatrix::<f64, 1, 6>::new(
                            az_row[0], az_row[1], 0.0, 0.0, 0.0, 0.0,
                        ),
                        noise: SMatrix::<f64, 1, 1>::new(az.1 * az.1),
                    }),
                    Some((el_rad, sigma_el)) => {
                        let r2 = range * range;
                        let mut jacobian = SMatrix::<f64, 2, 6>::zeros();
                        jacobian[(0, 0)] = az_row[0];
                        jacobian[(0, 1)] = az_row[1];
                        jacobian[(1, 0)] = -d.x * d.z / (r2 * rho);
                        jacobian[(1, 1)] = -d.y * d.z / (r2 * rho);
                        jacobian[(1, 2)] = rho / r2;
                        visitor.visit(&Innovation {
                            residual: SVector::<f64, 2>::new(az_residual, el_rad - predicted_el),
                            jacobian,
                            noise: SMatrix::<f64, 2, 2>::new(
                                az.1 * az.1,
                                0.0,
                                0.0,
                                sigma_el * sigma_el,
                            ),
                        })
                    }
                }
            }
        }
    }

    /// The measurement dimension.
    pub fn dimension(&self) -> usize {
        match self {
            MeasurementModel::Cartesian { .. } => 3,
            MeasurementModel::Polar { radial, .. } => 3 + usize::from(radial.is_some()),
            MeasurementModel::Bearing { el, .. } => 1 + usize::from(el.is_some()),
        }
    }

    /// The measured position in the site frame and its Cartesian covariance (polar converted
    /// through the Jacobian of the inverse), for initiation and the spatial index; `None` for
    /// a bearing, which has no range.
    pub fn cartesian(&self) -> Option<(Vector3, Matrix3)> {
        match *self {
            MeasurementModel::Cartesian { z, noise } => Some((z, noise)),
            MeasurementModel::Bearing { .. } => None,
            MeasurementModel::Polar {
                sensor, z, sigma, ..
            } => {
                let (range, az, el) = (z.x, z.y, z.z);
                let (sa, ca) = az.sin_cos();
                let (se, ce) = el.sin_cos();
                let p = sensor + Vector3::new(range * ce * sa, range * ce * ca, range * se);
                let j = Matrix3::new(
                    ce * sa,
                    range * ce * ca,
                    -range * se * sa,
                    ce * ca,
                    -range * ce * sa,
                    -range * se * ca,
                    se,
                    0.0,
                    range * ce,
                );
                let r = Matrix3::from_diagonal(&sigma.component_mul(&sigma));
                let mut cov = j * r * j.transpose();
                crate::gaussian::symmetrise(&mut cov);
                Some((p, cov))
            }
        }
    }
}

/// Why a report cannot enter the tracker.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RejectReason {
    /// The report failed [`Report::validate`].
    #[error(transparent)]
    Invalid(#[from] ReportError),
    /// The report names a sensor the site does not have.
    #[error("unknown sensor {0}")]
    UnknownSensor(SensorId),
    /// The tracker has no model for this kind of measurement yet.
    #[error("unsupported measurement kind: {0}")]
    Unsupported(&'static str),
}

/// Builds the measurement model of a validated, localised report; `sensor_position` is the
/// reporting sensor's position in the site frame.
pub fn model_of(report: &Report, sensor_position: &Enu) -> Result<MeasurementModel, RejectReason> {
    report.validate()?;
    let sensor = Vector3::new(sensor_position.x, sensor_position.y, sensor_position.z);
    match report.measurement {
        Measurement::Position { position, cov_m2 } => Ok(MeasurementModel::Cartesian {
            z: Vector3::new(position.x, position.y, position.z),
            noise: Matrix3::from_fn(|i, j| cov_m2[i][j]),
        }),
        Measurement::Polar {
            range_m,
            az_rad,
            el_rad,
            sigma_range_m,
            sigma_az_rad,
            sigma_el_rad,
        } => Ok(MeasurementModel::Polar {
            sensor,
            z: Vector3::new(range_m, az_rad, el_rad),
            sigma: Vector3::new(sigma_range_m, sigma_az_rad, sigma_el_rad),
            radial: report.radial_velocity,
        }),
        Measurement::Geodetic { .. } => Err(RejectReason::Unsupported(
            "geodetic (localise it with Site::localize first)",
        )),
        Measurement::Bearing {
            az_rad,
            sigma_az_rad,
            el,
        } => Ok(MeasurementModel::Bearing {
            sensor,
            az: (az_rad, sigma_az_rad),
            el,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Residual;
    impl InnovationVisitor for Residual {
        type Output = Vec<f64>;
        fn visit<const D: usize>(self, innovation: &Innovation<D>) -> Vec<f64> {
            innovation.residual.iter().copied().collect()
        }
    }

    #[test]
    fn wrap_is_half_open() {
        assert_eq!(wrap_angle(PI), -PI);
        assert!((wrap_angle(3.0 * PI / 2.0) + PI / 2.0).abs() < 1e-12);
        assert!((wrap_angle(-0.1) + 0.1).abs() < 1e-15);
    }

    #[test]
    fn polar_residual_wraps_at_north_and_matches_core_geodesy() {
        let sensor = Enu::new(0.0, 0.0, 10.0);
        let target = Enu::new(-1.0, 1000.0, 110.0); // just west of north: az ≈ 359.94°
        let (range, az, el) = picket_core::enu_to_polar(&sensor, &target);
        let model = MeasurementModel::Polar {
            sensor: Vector3::new(0.0, 0.0, 10.0),
            z: Vector3::new(range, 0.0005, el), // measured just east of north
            sigma: Vector3::new(5.0, 0.01, 0.01),
            radial: None,
        };
        let x = StateVector::from([target.x, target.y, target.z, 0.0, 0.0, 0.0]);
        let r = model.innovate(&x, Residual);
        assert!(r[0].abs() < 1e-9 && r[2].abs() < 1e-12);
        assert!((r[1] - (0.0005 - (az - TAU))).abs() < 1e-12 && r[1].abs() < 0.01);
        let (p, cov) = model.cartesian().unwrap();
        // 1.5 mrad of azimuth at 1 km is 1.5 m.
        assert!((p - Vector3::new(target.x, target.y, target.z)).norm() < 2.0);
        assert!(crate::gaussian::is_symmetric_positive_definite(&cov));
    }

    /// Checks `model`'s analytic Jacobian at `x` against central differences of its residual
    /// (residual = z − h, so ∂h/∂x = −∂residual/∂x; the Jacobian is stored column-major).
    fn assert_jacobian_matches_numeric(model: &MeasurementModel, x: &StateVector, tolerance: f64) {
        struct Jac;
        impl InnovationVisitor for Jac {
            type Output = (Vec<f64>, Vec<f64>);
            fn visit<const D: usize>(self, i: &Innovation<D>) -> Self::Output {
                (
                    i.residual.iter().copied().collect(),
                    i.jacobian.iter().copied().collect(),
                )
            }
        }
        let rows = model.dimension();
        let (_, jac) = model.innovate(x, Jac);
        for k in 0..6 {
            let (mut a, mut b) = (*x, *x);
            a[k] += 1e-4;
            b[k] -= 1e-4;
            let (ra, _) = model.innovate(&a, Jac);
            let (rb, _) = model.innovate(&b, Jac);
            for row in 0..rows {
                let numeric = -(ra[row] - rb[row]) / 2e-4;
                let analytic = jac[k * rows + row];
                assert!(
                    (numeric - analytic).abs() < tolerance * (1.0 + analytic.abs()),
                    "row {row} col {k}: {numeric} vs {analytic}"
                );
            }
        }
    }

    /// The analytic Jacobian of the bearing model (azimuth and elevation).
    #[test]
    fn bearing_jacobian_matches_numeric() {
        let model = MeasurementModel::Bearing {
            sensor: Vector3::new(10.0, -20.0, 5.0),
            az: (0.3, 0.01),
            el: Some((0.1, 0.01)),
        };
        assert_eq!(model.dimension(), 2);
        assert!(model.cartesian().is_none(), "a bearing has no position");
        let x = StateVector::from([900.0, 1500.0, 300.0, 12.0, -7.0, 2.0]);
        // Angles per metre are ~1e-4: an absolute 1e-9 is the strict check here.
        assert_jacobian_matches_numeric(&model, &x, 1e-9);
    }

    /// The analytic Jacobian of the polar model, with radial velocity.
    #[test]
    fn polar_jacobian_matches_numeric() {
        let model = MeasurementModel::Polar {
            sensor: Vector3::new(10.0, -20.0, 5.0),
            z: Vector3::new(0.0, 0.0, 0.0),
            sigma: Vector3::new(1.0, 1.0, 1.0),
            radial: Some((0.0, 1.0)),
        };
        assert_eq!(model.dimension(), 4);
        let x = StateVector::from([900.0, 1500.0, 300.0, 12.0, -7.0, 2.0]);
        assert_jacobian_matches_numeric(&model, &x, 1e-6);
    }
}
