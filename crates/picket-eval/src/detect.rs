//! When each target is first detected: the start of "time to first confirmed track".
//!
//! As the Stone Soup harness defines it: t_det of a target is the first scored time t at which
//! some detection with that same t lies within the χ²₃(0.999) gate of the target's truth, in
//! normalised squared distance: Cartesian `|z − y|²/σ²`; polar
//! `(Δr/σ_r)² + (Δaz/σ_az)² + (Δel/σ_el)²` with Δaz wrapped to [−180°, 180°). Bearing-only
//! detections do not count.

use crate::EvalError;
use crate::timeline::{Timeline, time_key};
use picket_scenario::{Scenario, Shape};
use std::collections::HashMap;

/// χ²₃(0.999) (`scipy.stats.chi2.ppf(0.999, 3)`), the harness's detection gate.
pub const DETECT_GATE_CHI2: f64 = 16.26623619623813;

/// A detection reduced to what the gate needs.
enum Gated {
    Cartesian {
        at: [f64; 3],
        sigma_m: f64,
    },
    Polar {
        sensor: [f64; 3],
        polar: [f64; 3],
        sigmas: [f64; 3],
    },
}

/// Offsets from a sensor → (range m, azimuth deg in [0, 360), elevation deg), the contract's
/// convention (azimuth clockwise from north = +y).
pub fn enu_to_polar(dx: f64, dy: f64, dz: f64) -> [f64; 3] {
    let range_m = (dx * dx + dy * dy + dz * dz).sqrt();
    let mut az_deg = dx.atan2(dy).to_degrees().rem_euclid(360.0);
    if az_deg >= 360.0 {
        az_deg -= 360.0;
    }
    let el_deg = dz.atan2(dx.hypot(dy)).to_degrees();
    [range_m, az_deg, el_deg]
}

/// An angle difference wrapped to [−180, 180) degrees.
pub fn wrap_deg180(d: f64) -> f64 {
    (d + 180.0).rem_euclid(360.0) - 180.0
}

impl Gated {
    fn normalised_distance2(&self, y: &[f64; 3]) -> f64 {
        match self {
            Gated::Cartesian { at, sigma_m } => {
                let d2: f64 = (0..3).map(|k| (at[k] - y[k]).powi(2)).sum();
                d2 / (sigma_m * sigma_m)
            }
            Gated::Polar {
                sensor,
                polar,
                sigmas,
            } => {
                let truth = enu_to_polar(y[0] - sensor[0], y[1] - sensor[1], y[2] - sensor[2]);
                ((polar[0] - truth[0]) / sigmas[0]).powi(2)
                    + (wrap_deg180(polar[1] - truth[1]) / sigmas[1]).powi(2)
                    + ((polar[2] - truth[2]) / sigmas[2]).powi(2)
            }
        }
    }
}

/// The detections of a scenario grouped by time key, with the number of bearing-only ones.
fn gated_detections(scenario: &Scenario) -> Result<(HashMap<u64, Vec<Gated>>, usize), EvalError> {
    let mut sensors: HashMap<&str, [f64; 3]> = HashMap::new();
    for s in &scenario.sensors {
        if sensors.insert(s.id.as_str(), [s.x, s.y, s.z]).is_some() {
            return Err(EvalError::DuplicateSensor {
                file: scenario.file.clone(),
                sensor: s.id.clone(),
            });
        }
    }
    let mut by_t: HashMap<u64, Vec<Gated>> = HashMap::new();
    let mut bearing_only = 0;
    for (index, d) in scenario.detections.iter().enumerate() {
        // Polar and bearing detections are measured from their sensor: it must be known.
        let sensor = sensors.get(d.sensor.as_str()).copied();
        if sensor.is_none() && !matches!(d.shape, Shape::Cartesian { .. }) {
            return Err(EvalError::UnknownSensor {
                file: scenario.file.clone(),
                line: scenario.detection_lines.get(index).copied().unwrap_or(0),
                sensor: d.sensor.clone(),
            });
        }
        let gated = match (d.shape, sensor) {
            (Shape::Cartesian { x, y, z, sigma }, _) => Gated::Cartesian {
                at: [x, y, z],
                sigma_m: sigma,
            },
            (
                Shape::Polar {
                    range_m,
                    az_deg,
                    el_deg,
                    sigma_range_m,
                    sigma_az_deg,
                    sigma_el_deg,
                },
                Some(sensor),
            ) => Gated::Polar {
                sensor,
                polar: [range_m, az_deg, el_deg],
                sigmas: [sigma_range_m, sigma_az_deg, sigma_el_deg],
            },
            _ => {
                bearing_only += 1;
                continue;
            }
        };
        by_t.entry(time_key(d.t)).or_default().push(gated);
    }
    Ok((by_t, bearing_only))
}

/// First detection time of every target (indexed like `timeline.target_names`, `None` when
/// never detected), and the number of bearing-only detections (not used, as in the harness's
/// `skipped_detections`).
pub fn first_detection_times(
    scenario: &Scenario,
    timeline: &Timeline,
) -> Result<(Vec<Option<f64>>, usize), EvalError> {
    let (by_t, bearing_only) = gated_detections(scenario)?;
    let mut t_det: Vec<Option<f64>> = vec![None; timeline.target_names.len()];
    for step in &timeline.steps {
        let Some(detections) = by_t.get(&time_key(step.t)) else {
            continue;
        };
        for (&target, y) in step.truth_ids.iter().zip(&step.truths) {
            if t_det[target].is_none()
                && detections
                    .iter()
                    .any(|g| g.normalised_distance2(y) <= DETECT_GATE_CHI2)
            {
                t_det[target] = Some(step.t);
            }
        }
    }
    Ok((t_det, bearing_only))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polar_convention_is_clockwise_from_north() {
        let [r, az, el] = enu_to_polar(1.0, 0.0, 0.0);
        assert!((r - 1.0).abs() < 1e-12 && (az - 90.0).abs() < 1e-12 && el.abs() < 1e-12);
        let [_, az, _] = enu_to_polar(-1.0, 0.0, 0.0);
        assert!((az - 270.0).abs() < 1e-12);
        let [_, az, el] = enu_to_polar(0.0, 1.0, 1.0);
        assert!(az.abs() < 1e-12 && (el - 45.0).abs() < 1e-12);
    }

    #[test]
    fn wrap_is_half_open() {
        assert_eq!(wrap_deg180(180.0), -180.0);
        assert_eq!(wrap_deg180(-180.0), -180.0);
        assert!((wrap_deg180(359.5) + 0.5).abs() < 1e-12);
        assert!((wrap_deg180(-359.5) - 0.5).abs() < 1e-12);
    }
}
