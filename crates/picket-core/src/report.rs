//! [`Report`]: one normalised observation from any sensor.
//!
//! Every decoder turns its wire format into reports; the tracker consumes nothing else. A report
//! says *what was measured* in the sensor's own terms (Cartesian, polar, bearing-only, or a
//! self-reported geodetic position) together with its noise, so the tracker can choose the
//! right measurement model. Angles and distances are SI (radians, metres) as everywhere inside.

use crate::{ClassProbs, Enu, Geodetic, SensorId, Timestamp};
use serde::{Deserialize, Serialize};

/// An identity a sensor attached to what it saw.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    /// An ASTM F3411 / EN 4709-002 Remote ID UAS id (serial number, CAA registration or session
    /// id), as broadcast.
    RemoteId(String),
    /// A 24-bit ICAO aircraft address (ADS-B, Mode S).
    Icao(u32),
    /// A sensor-local object id (SAPIENT `object_id`, an ASTERIX track number...), meaningful
    /// only together with the sensor that assigned it.
    SensorObject(String),
}

impl Identity {
    /// True for identities that name the object itself (Remote ID, ICAO), as opposed to a
    /// sensor's local object number.
    pub fn is_cooperative(&self) -> bool {
        matches!(self, Identity::RemoteId(_) | Identity::Icao(_))
    }
}

/// What was measured, with its noise (1-sigma).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Measurement {
    /// A position in the site's ENU frame with its full covariance (m²).
    Position {
        /// Measured position.
        position: Enu,
        /// Covariance of the position, m², row-major, symmetric positive definite.
        cov_m2: [[f64; 3]; 3],
    },
    /// A self-reported geodetic position (Remote ID, ADS-B), not yet in the site frame. The
    /// site turns it into [`Measurement::Position`] with [`crate::Site::localize`].
    Geodetic {
        /// Reported position.
        position: Geodetic,
        /// Horizontal 1-sigma accuracy, metres.
        sigma_h_m: f64,
        /// Vertical 1-sigma accuracy, metres.
        sigma_v_m: f64,
    },
    /// Range, azimuth and elevation from the sensor's position (radar).
    Polar {
        /// Slant range, metres.
        range_m: f64,
        /// Azimuth, radians clockwise from north.
        az_rad: f64,
        /// Elevation above the horizontal, radians.
        el_rad: f64,
        /// Range noise, metres.
        sigma_range_m: f64,
        /// Azimuth noise, radians.
        sigma_az_rad: f64,
        /// Elevation noise, radians.
        sigma_el_rad: f64,
    },
    /// A bearing from the sensor's position (RF direction finder, camera, acoustic array),
    /// with an elevation when the sensor measures one.
    Bearing {
        /// Azimuth, radians clockwise from north.
        az_rad: f64,
        /// Azimuth noise, radians.
        sigma_az_rad: f64,
        /// Elevation and its noise, radians, when measured.
        el: Option<(f64, f64)>,
    },
}

/// A velocity in the site's ENU axes with an isotropic 1-sigma, m/s.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Velocity {
    /// East component, m/s.
    pub vx: f64,
    /// North component, m/s.
    pub vy: f64,
    /// Up component, m/s.
    pub vz: f64,
    /// Noise on each component, m/s.
    pub sigma_mps: f64,
}

/// One observation of one object by one sensor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The sensor that observed it.
    pub sensor: SensorId,
    /// When the sensor observed it (event time).
    pub time: Timestamp,
    /// When picket received it. Equal to `time` for simulated input.
    pub received: Timestamp,
    /// What was measured.
    pub measurement: Measurement,
    /// Radial velocity (positive away from the sensor) and its noise, m/s.
    pub radial_velocity: Option<(f64, f64)>,
    /// A self-reported velocity (Remote ID, ADS-B).
    pub velocity: Option<Velocity>,
    /// Who the object says it is, or the sensor's own object id.
    pub identity: Option<Identity>,
    /// Class likelihoods from the sensor (e.g. a camera's classifier).
    pub class: Option<ClassProbs>,
    /// The remote pilot's (operator's) position, when broadcast (Remote ID).
    pub pilot: Option<Geodetic>,
}

/// Why a report is unusable.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReportError {
    /// A value is NaN or infinite.
    #[error("{field} is not a finite number")]
    NonFinite {
        /// Which value.
        field: &'static str,
    },
    /// A noise figure is zero or negative.
    #[error("{field} must be a positive noise figure, got {value}")]
    BadSigma {
        /// Which sigma.
        field: &'static str,
        /// The value found.
        value: f64,
    },
    /// A geodetic position outside latitude/longitude ranges.
    #[error("geodetic position out of range: {0:?}")]
    BadGeodetic(Geodetic),
    /// A range that is negative.
    #[error("range must not be negative, got {0} m")]
    NegativeRange(f64),
}

fn finite(field: &'static str, v: f64) -> Result<(), ReportError> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(ReportError::NonFinite { field })
    }
}

fn sigma(field: &'static str, v: f64) -> Result<(), ReportError> {
    finite(field, v)?;
    if v > 0.0 {
        Ok(())
    } else {
        Err(ReportError::BadSigma { field, value: v })
    }
}

impl Measurement {
    /// Checks that every value is finite and every sigma positive.
    pub fn validate(&self) -> Result<(), ReportError> {
        match *self {
            Measurement::Position { position, cov_m2 } => {
                finite("x", position.x)?;
                finite("y", position.y)?;
                finite("z", position.z)?;
                for (i, name) in ["cov_xx", "cov_yy", "cov_zz"].into_iter().enumerate() {
                    sigma(name, cov_m2[i][i])?;
                }
                cov_m2.iter().flatten().try_for_each(|v| finite("cov", *v))
            }
            Measurement::Geodetic {
                position,
                sigma_h_m,
                sigma_v_m,
            } => {
                if !position.is_valid() {
                    return Err(ReportError::BadGeodetic(position));
                }
                sigma("sigma_h_m", sigma_h_m)?;
                sigma("sigma_v_m", sigma_v_m)
            }
            Measurement::Polar {
                range_m,
                az_rad,
                el_rad,
                sigma_range_m,
                sigma_az_rad,
                sigma_el_rad,
            } => {
                finite("range_m", range_m)?;
                if range_m < 0.0 {
                    return Err(ReportError::NegativeRange(range_m));
                }
                finite("az", az_rad)?;
                finite("el", el_rad)?;
                sigma("sigma_range_m", sigma_range_m)?;
                sigma("sigma_az", sigma_az_rad)?;
                sigma("sigma_el", sigma_el_rad)
            }
            Measurement::Bearing {
                az_rad,
                sigma_az_rad,
                el,
            } => {
                finite("az", az_rad)?;
                sigma("sigma_az", sigma_az_rad)?;
                if let Some((el_rad, sigma_el_rad)) = el {
                    finite("el", el_rad)?;
                    sigma("sigma_el", sigma_el_rad)?;
                }
                Ok(())
            }
        }
    }

    /// An isotropic Cartesian measurement: `sigma_m` on each axis.
    pub fn cartesian(position: Enu, sigma_m: f64) -> Self {
        let v = sigma_m * sigma_m;
        Measurement::Position {
            position,
            cov_m2: [[v, 0.0, 0.0], [0.0, v, 0.0], [0.0, 0.0, v]],
        }
    }
}

impl Report {
    /// A report with only a measurement; the optional parts are `None`.
    pub fn new(sensor: SensorId, time: Timestamp, measurement: Measurement) -> Self {
        Self {
            sensor,
            time,
            received: time,
            measurement,
            radial_velocity: None,
            velocity: None,
            identity: None,
            class: None,
            pilot: None,
        }
    }

    /// Checks the measurement and every optional number; sensor data is untrusted input.
    pub fn validate(&self) -> Result<(), ReportError> {
        self.measurement.validate()?;
        if let Some((vr, s)) = self.radial_velocity {
            finite("vr_mps", vr)?;
            sigma("sigma_vr_mps", s)?;
        }
        if let Some(v) = self.velocity {
            finite("vx", v.vx)?;
            finite("vy", v.vy)?;
            finite("vz", v.vz)?;
            sigma("velocity sigma", v.sigma_mps)?;
        }
        if let Some(c) = self.class {
            for p in c.0 {
                finite("class likelihood", p)?;
                if p < 0.0 {
                    return Err(ReportError::BadSigma {
                        field: "class likelihood",
                        value: p,
                    });
                }
            }
        }
        if let Some(p) = self.pilot
            && !p.is_valid()
        {
            return Err(ReportError::BadGeodetic(p));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_catches_bad_numbers() {
        let t = Timestamp::from_secs(1.0).unwrap();
        let good = Report::new(
            SensorId(0),
            t,
            Measurement::cartesian(Enu::new(1.0, 2.0, 3.0), 5.0),
        );
        assert!(good.validate().is_ok());
        let bad = Report::new(
            SensorId(0),
            t,
            Measurement::cartesian(Enu::new(f64::NAN, 2.0, 3.0), 5.0),
        );
        assert_eq!(bad.validate(), Err(ReportError::NonFinite { field: "x" }));
        let zero = Report::new(
            SensorId(0),
            t,
            Measurement::Bearing {
                az_rad: 1.0,
                sigma_az_rad: 0.0,
                el: None,
            },
        );
        assert!(matches!(zero.validate(), Err(ReportError::BadSigma { .. })));
    }
}
